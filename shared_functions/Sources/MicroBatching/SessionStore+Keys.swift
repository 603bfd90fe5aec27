extension SessionStore {
    // MARK: Keys

    /// Marks the keys of held records and sessions in `used` (indexed by key number).
    @inlinable
    func markKeys(_ used: inout [Bool]) {
        for number in sessions.indices where sessions[number].alive {
            used[Int(sessions[number].key)] = true
            forEachRecord(of: Int32(number)) { record in used[Int(keys[record])] = true }
        }
    }

    /// Renumbers keys after the interner was compacted.
    @inlinable
    mutating func remapKeys(_ newIDs: [KeyID]) {
        var remapped = [Int32](repeating: -1, count: openByKey.count)
        for number in sessions.indices where sessions[number].alive {
            let key = newIDs[Int(sessions[number].key)]
            sessions[number].key = key
            if !sessions[number].passed {
                if Int(key) >= remapped.count { remapped.append(contentsOf: repeatElement(-1, count: Int(key) + 1 - remapped.count)) }
                sessions[number].nextOfKey = remapped[Int(key)]
                remapped[Int(key)] = Int32(number)
            }
            // A plain loop: writing `keys` from a closure over `self` would copy the array per session.
            var record = sessions[number].head
            while record >= 0 {
                keys[Int(record)] = newIDs[Int(keys[Int(record)])]
                record = nextRecord[Int(record)]
            }
        }
        openByKey = remapped
    }
}
