import Testing

@testable import MicroBatching

@Suite("Grouping a closing window's records by key")
struct KeyGroupingTests {
    func groups(_ keys: [String?], hash: @escaping (String?) -> Int = { $0.hashValue }) -> [[Int]] {
        let grouping = KeyGrouping(keys, hash: hash)
        return grouping.groups.map { Array(grouping.positions[$0]) }
    }

    /// Keys are Swift strings: canonically equivalent spellings ("é" and "e" + U+0301) are one key.
    @Test("groups keep arrival order and come in key order, nil first, by UTF-8 bytes")
    func groupsAreOrdered() {
        let keys: [String?] = ["b", nil, "a", "b", "é", "a", "Z", nil, "e\u{301}", "ab"]
        #expect(groups(keys) == [[1, 7], [6], [2, 5], [9], [0, 3], [4, 8]])
    }

    @Test("colliding hashes are split by comparing keys")
    func collisionsAreSplit() {
        let keys: [String?] = ["x", "yy", "x", nil, "zz", "yy", nil]
        #expect(groups(keys, hash: { _ in 42 }) == [[3, 6], [0, 2], [1, 5], [4]])
        #expect(groups(keys, hash: { ($0?.count ?? 0) % 2 }) == [[3, 6], [0, 2], [1, 5], [4]])
    }

    @Test("many keys group the same as a dictionary would")
    func manyKeys() {
        var random = SeededRandom(seed: 9)
        let keys: [String?] = (0..<20_000).map { _ in random.chance(0.01) ? nil : "k\(random.int(0...3_000))" }
        let grouping = KeyGrouping(keys)
        var expected: [String?: [Int]] = [:]
        for (position, key) in keys.enumerated() { expected[key, default: []].append(position) }
        #expect(grouping.groups.count == expected.count)
        for group in grouping.groups {
            let positions = Array(grouping.positions[group])
            #expect(expected[keys[positions[0]]] == positions)
        }
        let orderedKeys = grouping.groups.map { keys[grouping.positions[$0.lowerBound]] }
        #expect(zip(orderedKeys, orderedKeys.dropFirst()).allSatisfy { KeyGrouping.keyOrder($0, $1) })
    }
}
