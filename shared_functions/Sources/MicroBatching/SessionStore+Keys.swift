extension SessionStore {
    // MARK: Keys

    /// Marks the keys of held records and sessions in `used` (indexed by key number).
    @inlinable
    func markKeys(_ used: inout [Bool]) {
        for number in sessions.indices where sessions[number].alive {
            used[Int(sessions[number].key)] = true
            buffers[number]!.withRecords { records in
                for record in records { used[Int(record.key)] = true }
            }
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
            if !isKnownUniquelyReferenced(&buffers[number]) { grow(number, toHold: buffers[number]!.count) }
            buffers[number]!.withMutableRecords { records in
                for index in records.indices { records[index].key = newIDs[Int(records[index].key)] }
            }
        }
        openByKey = remapped
    }
}
