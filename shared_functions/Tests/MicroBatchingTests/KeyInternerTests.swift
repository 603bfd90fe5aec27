import Testing

@testable import MicroBatching

@Suite("Key interner: keys as small integers, looked up by text or by their bytes")
struct KeyInternerTests {
    static func id(_ text: String, in interner: inout KeyInterner) -> KeyID? {
        Array(text.utf8).withUnsafeBytes { interner.id(bytes: $0) }
    }

    @Test("bytes and text give one ID per key, stable across growth of the table")
    func bytesAgreeWithText() throws {
        var interner = KeyInterner()
        var ids: [String: KeyID] = [:]
        for index in 0..<50_000 {
            let key = "sensor-\(index)"
            let id = try #require(Self.id(key, in: &interner))
            #expect(ids.updateValue(id, forKey: key) == nil)
        }
        #expect(Set(ids.values).count == 50_000 && !ids.values.contains(0))
        for (key, id) in ids.shuffled().prefix(5_000) {
            #expect(Self.id(key, in: &interner) == id, "\(key)")
            #expect(interner.id(key) == id && interner.text(id) == key)
        }
        #expect(interner.count == 50_001)
    }

    @Test("canonically equivalent spellings are one key whose text is the first seen; the empty key is a key")
    func spellings() throws {
        var interner = KeyInterner()
        let composed = try #require(Self.id("caf\u{E9}", in: &interner))
        let decomposed = try #require(Self.id("cafe\u{301}", in: &interner))
        #expect(composed == decomposed && interner.text(decomposed) == "caf\u{E9}")
        #expect(Self.id("cafe\u{301}", in: &interner) == composed, "the second spelling is found by its bytes too")
        let empty = try #require(Self.id("", in: &interner))
        #expect(empty != 0 && interner.text(empty) == "")
    }

    @Test("bytes that are not UTF-8 have no ID and add nothing")
    func invalidBytes() {
        var interner = KeyInterner()
        let invalid: [UInt8] = [0x61, 0xFF, 0x62]
        #expect(invalid.withUnsafeBytes { interner.id(bytes: $0) } == nil)
        #expect(interner.count == 1 && interner.spellingCount == 0)
    }

    @Test("many spellings at once give the IDs one-by-one lookups give: repeats, new keys, growth, bytes not UTF-8")
    func batchLookupAgreesWithSingleLookups() {
        var random = SeededRandom(seed: 14)
        var batched = KeyInterner()
        var single = KeyInterner()
        for round in 0..<20 {
            // Keys seen before, keys new in this batch (some repeated within it), and invalid bytes.
            let spellings: [[UInt8]] = (0..<(1 + Int(random.next() % 700))).map { _ in
                switch random.next() % 10 {
                case 0: return [0x61, 0xFF]
                case 1...3: return Array("new-\(round)-\(random.next() % 50)".utf8)
                default: return Array("sensor-\(random.next() % 3_000)".utf8)
                }
            }
            let expected = spellings.map { bytes in bytes.withUnsafeBytes { single.id(bytes: $0) } }
            var ids = [KeyID?](repeating: 0, count: spellings.count)
            withSpellings(spellings) { views in
                ids.withUnsafeMutableBufferPointer { batched.ids(spellings: views, into: $0) }
            }
            #expect(ids == expected, "round \(round)")
        }
        #expect(batched.count == single.count && batched.spellingCount == single.spellingCount)
    }

    /// Calls `body` with views of every spelling's bytes.
    func withSpellings(_ spellings: [[UInt8]], _ body: (UnsafeBufferPointer<UnsafeRawBufferPointer>) -> Void) {
        let joined = spellings.flatMap { $0 }
        joined.withUnsafeBytes { bytes in
            var start = 0
            let views = spellings.map { spelling in
                defer { start += spelling.count }
                return UnsafeRawBufferPointer(rebasing: bytes[start..<(start + spelling.count)])
            }
            views.withUnsafeBufferPointer(body)
        }
    }
}
