/// A binary min-heap of integers: O(log n) push and pop, O(1) peek.
@usableFromInline
struct MinHeap: Sendable {
    @usableFromInline
    var storage: [Int64] = []

    @inlinable
    var isEmpty: Bool { storage.isEmpty }
    @inlinable
    var count: Int { storage.count }
    @inlinable
    var minimum: Int64? { storage.first }

    @inlinable
    mutating func push(_ value: Int64) {
        storage.append(value)
        var child = storage.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard storage[child] < storage[parent] else { break }
            storage.swapAt(child, parent)
            child = parent
        }
    }

    @discardableResult
    @inlinable
    mutating func popMinimum() -> Int64? {
        guard let top = storage.first else { return nil }
        let last = storage.removeLast()
        guard !storage.isEmpty else { return top }
        storage[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1
            guard left < storage.count else { break }
            let right = left + 1
            let smaller = right < storage.count && storage[right] < storage[left] ? right : left
            guard storage[smaller] < storage[parent] else { break }
            storage.swapAt(smaller, parent)
            parent = smaller
        }
        return top
    }
}
