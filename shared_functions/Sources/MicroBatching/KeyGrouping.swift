/// Groups the records of a closing window by message key, in the engine's deterministic key
/// order (`nil` first, then by the keys' UTF-8 bytes), keeping arrival order within each key.
///
/// Each key is hashed once; positions are bucketed by the hash's top bits (a counting sort, linear
/// time), each small bucket is sorted by (hash, position), and runs of equal hashes become the
/// groups (a run whose hashes collide is split by comparing the keys themselves). The hash only
/// groups: the order of the groups comes from the keys' bytes, so it is the same in every process.
@usableFromInline
struct KeyGrouping {
    /// Positions of the input keys, grouped: every group is a contiguous range of this array.
    @usableFromInline
    var positions: [Int]
    /// The groups' ranges in ``positions``, in key order.
    @usableFromInline
    var groups: [Range<Int>]

    /// Groups `keys`; `hash` is replaceable so tests can force collisions.
    @inlinable
    init(_ keys: [String?], hash: (String?) -> Int = { $0.hashValue }) {
        let keyHashes = keys.map(hash)
        positions = Self.positionsBucketedByHash(keyHashes)
        groups = []
        var hashes = positions.map { keyHashes[$0] }
        var start = 0
        while start < positions.count {
            var end = start + 1
            while end < positions.count, hashes[end] == hashes[start] { end += 1 }
            splitRun(start..<end, keys: keys, hashes: &hashes)
            start = end
        }
        let positions = self.positions
        groups.sort { Self.keyOrder(keys[positions[$0.lowerBound]], keys[positions[$1.lowerBound]]) }
    }

    /// Positions ordered by (hash, position): counting sort on the top hash bits, then a sort of
    /// each (small) bucket.
    @inlinable
    static func positionsBucketedByHash(_ keyHashes: [Int]) -> [Int] {
        let count = keyHashes.count
        guard count > 1 else { return Array(0..<count) }
        let bucketBits = min(16, max(1, Int.bitWidth - count.leadingZeroBitCount - 3))
        let shift = UInt(Int.bitWidth - bucketBits)
        let hashes = keyHashes.map { UInt(bitPattern: $0) }
        var starts = [Int](repeating: 0, count: (1 << bucketBits) + 1)
        for hash in hashes { starts[Int(hash >> shift) + 1] += 1 }
        for bucket in 1..<starts.count { starts[bucket] += starts[bucket - 1] }
        var next = starts
        var positions = [Int](repeating: 0, count: count)
        for position in 0..<count {
            let bucket = Int(hashes[position] >> shift)
            positions[next[bucket]] = position
            next[bucket] += 1
        }
        for bucket in 0..<(starts.count - 1) where starts[bucket + 1] - starts[bucket] > 1 {
            positions[starts[bucket]..<starts[bucket + 1]].sort {
                hashes[$0] != hashes[$1] ? hashes[$0] < hashes[$1] : $0 < $1
            }
        }
        return positions
    }

    /// Records the groups of one run of equal hashes (almost always a single key); colliding keys
    /// are ordered by key, then position, and split.
    @inlinable
    mutating func splitRun(_ run: Range<Int>, keys: [String?], hashes: inout [Int]) {
        let first = keys[positions[run.lowerBound]]
        if positions[run].allSatisfy({ keys[$0] == first }) {
            groups.append(run)
            return
        }
        positions[run].sort { keys[$0] != keys[$1] ? Self.keyOrder(keys[$0], keys[$1]) : $0 < $1 }
        var start = run.lowerBound
        for index in run.dropFirst() where keys[positions[index]] != keys[positions[start]] {
            groups.append(start..<index)
            start = index
        }
        groups.append(start..<run.upperBound)
    }

    /// The deterministic key order of closed batches: `nil` first, then by the keys' UTF-8 bytes
    /// (the same order on every platform, whatever Unicode normalisation would say).
    @inlinable
    static func keyOrder(_ lhs: String?, _ rhs: String?) -> Bool {
        switch (lhs, rhs) {
        case (nil, nil): return false
        case (nil, _): return true
        case (_, nil): return false
        case (var lhs?, var rhs?):
            return lhs.withUTF8 { left in
                rhs.withUTF8 { right in
                    for index in 0..<min(left.count, right.count) where left[index] != right[index] {
                        return left[index] < right[index]
                    }
                    return left.count < right.count
                }
            }
        }
    }
}
