extension SessionStore {
    // MARK: Keys

    /// Marks the keys of held records and sessions in `used` (indexed by key number).
    @inlinable
    func markKeys(_ used: inout [Bool]) {
        for entry in pending {
            used[Int(entry.sessionKey)] = true
            used[Int(entry.record.key)] = true
        }
        for case let buffer? in buffers {
            used[Int(buffer.session.key)] = true
            buffer.withRecords { records in
                for record in records { used[Int(record.key)] = true }
            }
        }
    }

    /// Renumbers keys after the interner was compacted.
    @inlinable
    mutating func remapKeys(_ newIDs: [KeyID]) {
        drain()
        var remapped = [Int32](repeating: -1, count: openByKey.count)
        for number in buffers.indices where buffers[number] != nil {
            makeUnique(Int32(number))
            let key = newIDs[Int(buffers[number]!.session.key)]
            if Int(key) >= remapped.count { remapped.append(contentsOf: repeatElement(-1, count: Int(key) + 1 - remapped.count)) }
            let newest = remapped[Int(key)]
            let open = buffers[number]!.update { session in
                session.key = key
                if !session.passed { session.nextOfKey = newest }
                return !session.passed
            }
            if open { remapped[Int(key)] = Int32(number) }
            buffers[number]!.withMutableRecords { records in
                for index in records.indices { records[index].key = newIDs[Int(records[index].key)] }
            }
        }
        openByKey = remapped
    }
}
