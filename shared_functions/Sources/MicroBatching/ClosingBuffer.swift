/// The batches of one close as the engine makes them (partition by partition), and what puts them
/// in output order: window end, then key, then partition, then the order they were made (count
/// windows of one key can share an end).
///
/// Each partition's batches already come in that order, so with one partition (or one window
/// end) nothing moves; otherwise the batches are sorted once by (end, key rank, partition),
/// moving each batch rather than copying it.
@usableFromInline
struct ClosingBuffer<Payload> {
    @usableFromInline
    var batches: [ClosedBatch<Payload>] = []
    @usableFromInline
    var ends: [Int64] = []
    @usableFromInline
    var keys: [KeyID] = []
    @usableFromInline
    var partitions: [Int32] = []

    @inlinable
    init() {}

    @inlinable
    mutating func append(_ batch: ClosedBatch<Payload>, partition: Int32, key: KeyID) {
        ends.append(batch.batch.window.end)
        keys.append(key)
        partitions.append(partition)
        batches.append(batch)
    }

    /// The batches in output order; `ranks` gives each key's place in key order.
    @inlinable
    consuming func ordered(ranks: [UInt32]) -> [ClosedBatch<Payload>] {
        let ends = ends
        let keys = keys
        let partitions = partitions
        func inOrder(_ lhs: Int, _ rhs: Int) -> Bool {
            if ends[lhs] != ends[rhs] { return ends[lhs] < ends[rhs] }
            if keys[lhs] != keys[rhs] { return ranks[Int(keys[lhs])] < ranks[Int(keys[rhs])] }
            return partitions[lhs] <= partitions[rhs]
        }
        if batches.indices.dropFirst().allSatisfy({ inOrder($0 - 1, $0) }) { return batches }
        let order = batches.indices.sorted { lhs, rhs in
            (ends[lhs], ranks[Int(keys[lhs])], partitions[lhs], lhs) < (ends[rhs], ranks[Int(keys[rhs])], partitions[rhs], rhs)
        }
        var taken = batches.map { Optional($0) }
        batches = []
        return order.map { index in
            defer { taken[index] = nil }
            return taken[index].take()!
        }
    }
}
