/// A key's number inside the engine: buffered records carry it instead of their key's text.
public typealias KeyID = UInt32

/// Message keys as small integers, so that buffered records hold 4 bytes instead of a string and
/// closing a window groups records by number. ID 0 is the absent key.
///
/// Keys are Swift strings: canonically equivalent spellings ("é" and "e" + U+0301) are one key,
/// whose text is the first spelling seen. A key can be looked up by its text or, on the hot path,
/// by its UTF-8 bytes: a table of byte spellings answers a key seen before with one hash of its
/// bytes and one comparison, without making a string; only a new spelling is validated and
/// turned into text.
///
/// Keys are never released one by one; ``compacted(keeping:)`` rebuilds the interner with the
/// keys still in use (the engine calls it when the interner has grown well past what its open
/// windows hold), so a stream of ever-new keys cannot grow it without bound.
@usableFromInline
struct KeyInterner {
    @usableFromInline
    var idsByText: [String: KeyID] = [:]
    /// The text of each ID; `texts[0]` is the absent key.
    @usableFromInline
    var texts: [String?] = [nil]

    /// The byte spellings: an open-addressing table of 8-byte slots (hash tag, place of the
    /// spelling in `spellingBytes`), and the spellings side by side, each its key's ID and its
    /// length (4 bytes each) then its bytes. A key seen before costs one slot read and one read of
    /// its spelling, which holds the ID; with 100,000 keys both are cache misses, which dominate
    /// (half-size slots keep the table in a 2 MiB cache).
    @usableFromInline
    var table: [SpellingSlot] = Array(repeating: SpellingSlot(), count: 64)
    @usableFromInline
    var spellingCount = 0
    @usableFromInline
    var spellingBytes: [UInt8] = []
    /// Each key's place in key order (``precedes(_:_:)``), computed for the keys known at the
    /// last ``rankKeys()``; `ranks.count` tells how many that was.
    @usableFromInline
    var ranks: [UInt32] = []

    @inlinable
    init() {}

    /// Keys known, the absent key included.
    @inlinable
    var count: Int { texts.count }

    @inlinable
    func text(_ id: KeyID) -> String? { texts[Int(id)] }

    /// The ID of `key`, added when new.
    @inlinable
    mutating func id(_ key: String?) -> KeyID {
        guard let key else { return 0 }
        if let id = idsByText[key] { return id }
        let id = KeyID(texts.count)
        texts.append(key)
        idsByText[key] = id
        return id
    }

    /// The ID of the key spelled by `bytes` (UTF-8), added when new; `nil` when the bytes are not
    /// UTF-8.
    @inlinable
    mutating func id(bytes: UnsafeRawBufferPointer) -> KeyID? {
        id(bytes: bytes, hash: Self.hash(bytes), firstSlot: nil)
    }

    /// ``id(bytes:)`` for many spellings (a polled batch's keys): `ids[i]` is the ID of
    /// `spellings[i]`, `nil` when it is not UTF-8.
    ///
    /// With many keys, the table slot of each lookup is a cache miss, and one lookup after the
    /// other pays them one after the other. Here each chunk of spellings is hashed, then its slots
    /// read in a loop of loads alone (they do not depend on each other, so they overlap), then
    /// resolved from the slots read (re-read only when a new key entered the table in between).
    @inlinable
    mutating func ids(spellings: UnsafeBufferPointer<UnsafeRawBufferPointer>, into ids: UnsafeMutableBufferPointer<KeyID?>) {
        precondition(ids.count >= spellings.count, "ids(spellings:into:) needs room for one ID per spelling")
        let chunk = 64
        withUnsafeTemporaryAllocation(of: (hash: UInt64, slot: SpellingSlot).self, capacity: chunk) { looked in
            var start = 0
            while start < spellings.count {
                let end = min(start + chunk, spellings.count)
                let mask = table.count - 1
                for index in start..<end { looked[index - start].hash = Self.hash(spellings[index]) }
                // A loop of loads alone, so that many are in flight at once.
                table.withUnsafeBufferPointer { table in
                    for index in 0..<(end - start) { looked[index].slot = table[Int(truncatingIfNeeded: looked[index].hash) & mask] }
                }
                let unchanged = spellingCount
                for index in start..<end {
                    let (hash, slot) = looked[index - start]
                    ids[index] = id(bytes: spellings[index], hash: hash, firstSlot: spellingCount == unchanged ? slot : nil)
                }
                start = end
            }
        }
    }

    /// The lookup of ``id(bytes:)`` with the hash computed; `firstSlot` is the table slot the hash
    /// chooses, when the caller read it since the table last changed.
    @inlinable
    mutating func id(bytes: UnsafeRawBufferPointer, hash: UInt64, firstSlot: SpellingSlot?) -> KeyID? {
        let tag = UInt32(truncatingIfNeeded: hash >> 32)
        let mask = table.count - 1
        var position = Int(truncatingIfNeeded: hash) & mask
        var next = firstSlot
        while true {
            let slot = next ?? table[position]
            next = nil
            if slot.place == 0 { break }
            if slot.tag == tag, let id = Self.id(of: bytes, at: Int(slot.place - 1), in: spellingBytes) { return id }
            position = (position + 1) & mask
        }
        guard bytes.count < Int(UInt32.max), spellingBytes.count + 8 + bytes.count < Int(UInt32.max),
            let text = String(validating: bytes, as: UTF8.self)
        else { return nil }
        let id = id(text)
        addSpelling(bytes, hash: hash, id: id)
        return id
    }

    @inlinable
    mutating func addSpelling(_ bytes: UnsafeRawBufferPointer, hash: UInt64, id: KeyID) {
        if (spellingCount + 1) * 4 > table.count * 3 { growTable() }
        let slot = SpellingSlot(tag: UInt32(truncatingIfNeeded: hash >> 32), place: UInt32(spellingBytes.count + 1))
        withUnsafeBytes(of: id.littleEndian) { spellingBytes.append(contentsOf: $0) }
        withUnsafeBytes(of: UInt32(bytes.count).littleEndian) { spellingBytes.append(contentsOf: $0) }
        spellingBytes.append(contentsOf: bytes)
        spellingCount += 1
        insert(slot, hash: hash)
    }

    @inlinable
    mutating func insert(_ slot: SpellingSlot, hash: UInt64) {
        let mask = table.count - 1
        var position = Int(truncatingIfNeeded: hash) & mask
        while table[position].place != 0 { position = (position + 1) & mask }
        table[position] = slot
    }

    @usableFromInline
    mutating func growTable() {
        let old = table
        table = Array(repeating: SpellingSlot(), count: old.count * 2)
        for slot in old where slot.place != 0 {
            let hash = spellingBytes.withUnsafeBytes { spellings in
                let start = Int(slot.place - 1)
                let length = Int(UInt32(littleEndian: spellings.loadUnaligned(fromByteOffset: start + 4, as: UInt32.self)))
                return Self.hash(UnsafeRawBufferPointer(rebasing: spellings[(start + 8)..<(start + 8 + length)]))
            }
            insert(slot, hash: hash)
        }
    }

    /// The ID of the spelling at `start` of `spellings` when it is `bytes`.
    @inlinable
    static func id(of bytes: UnsafeRawBufferPointer, at start: Int, in spellings: [UInt8]) -> KeyID? {
        spellings.withUnsafeBytes { spellings in
            let length = Int(UInt32(littleEndian: spellings.loadUnaligned(fromByteOffset: start + 4, as: UInt32.self)))
            guard length == bytes.count else { return nil }
            var index = 0
            while index < length {
                if spellings[start + 8 + index] != bytes[index] { return nil }
                index += 1
            }
            return KeyID(littleEndian: spellings.loadUnaligned(fromByteOffset: start, as: KeyID.self))
        }
    }

    /// FNV-1a over the bytes, then a final mix so that nearby keys spread over the table.
    @inlinable
    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var state: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            state ^= UInt64(byte)
            state &*= 0x0000_0100_0000_01b3
        }
        state ^= state >> 29
        state &*= 0xbf58_476d_1ce4_e5b9
        return state ^ (state >> 32)
    }

    /// A new interner holding only the keys `used` marks (indexed by ID), and the new ID of each
    /// old one (the absent key stays 0; unused keys map to 0 and must not be referred to again).
    @usableFromInline
    func compacted(keeping used: [Bool]) -> (interner: KeyInterner, newIDs: [KeyID]) {
        var interner = KeyInterner()
        var newIDs = [KeyID](repeating: 0, count: texts.count)
        for old in 1..<texts.count where used[old] {
            newIDs[old] = interner.id(texts[old])
        }
        return (interner, newIDs)
    }

    /// The deterministic order of keys: the absent key first, then by the keys' UTF-8 bytes.
    @inlinable
    func precedes(_ lhs: KeyID, _ rhs: KeyID) -> Bool {
        KeyGrouping.keyOrder(texts[Int(lhs)], texts[Int(rhs)])
    }

    /// Ranks every key in key order, when keys were added since the last ranking (O(K log K)
    /// once; closing then orders keys by integer rank).
    @inlinable
    mutating func rankKeys() {
        guard ranks.count != texts.count else { return }
        let texts = self.texts
        let order = (0..<KeyID(texts.count)).sorted { KeyGrouping.keyOrder(texts[Int($0)], texts[Int($1)]) }
        ranks = [UInt32](repeating: 0, count: texts.count)
        for (rank, id) in order.enumerated() { ranks[Int(id)] = UInt32(rank) }
    }
}

/// One slot of ``KeyInterner``'s spelling table (8 bytes); `place` 0 marks an empty slot.
@usableFromInline
struct SpellingSlot {
    /// The spelling hash's upper half (its lower bits chose the slot).
    @usableFromInline var tag: UInt32 = 0
    /// One more than where the spelling starts in `spellingBytes`.
    @usableFromInline var place: UInt32 = 0

    @inlinable
    init(tag: UInt32 = 0, place: UInt32 = 0) {
        (self.tag, self.place) = (tag, place)
    }
}
