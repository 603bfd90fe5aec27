import Foundation
import SharedFunctions
import Testing

@testable import ProcessingModule

@Suite("Replay input lines")
struct ReplayLineTests {
    @Test("export lines round-trip keys and values, escapes and non-UTF-8 bytes included")
    func exportRoundTrip() {
        let samples: [([UInt8]?, [UInt8]?)] = [
            (Array("k".utf8), Array(#"{"ts": 1, "v": "a\"b\\c\n\t/é😀"}"#.utf8)),
            (nil, nil),
            ([], []),
            ([0xFF, 0x00, 0x80], [0xC3, 0x28, 0x0A]),
        ]
        for (index, sample) in samples.enumerated() {
            let line = ExportLine.encode(partition: 3, offset: Int64(index), timestamp: 42, key: sample.0, value: sample.1)
            let parsed = ReplayLine(Array(line.utf8), index: 99)
            #expect(parsed.partition == 3 && parsed.offset == Int64(index) && parsed.timestamp == 42, "\(line)")
            #expect(parsed.key == sample.0, "\(line)")
            #expect(parsed.value == sample.1, "\(line)")
        }
    }

    @Test("the unescaper decodes every JSON escape, surrogate pairs included, and refuses broken strings")
    func unescaper() {
        func unescape(_ json: String) -> String? {
            let bytes = Array(json.utf8)
            return bytes.withUnsafeBytes { JSONMemberText.unescapedBytes($0, 0..<bytes.count) }.map { String(decoding: $0, as: UTF8.self) }
        }
        #expect(unescape(#""a\"b\\c\/d\b\f\n\r\t""#) == "a\"b\\c/d\u{8}\u{C}\n\r\t")
        #expect(unescape(#""\u00e9\u20AC\ud83d\ude00""#) == "é€😀")
        #expect(unescape(#""plain""#) == "plain")
        #expect(unescape("null") == nil)
        #expect(unescape(#""bad \q escape""#) == nil)
        #expect(unescape(#""\u12""#) == nil)
        for sample in ["x\"y", "é😀\u{1}", "\\\\", "line\nbreak"] {
            let encoded = String(decoding: (try? JSONEncoder().encode(sample)) ?? Data(), as: UTF8.self)
            #expect(unescape(encoded) == sample, "agrees with JSONEncoder for \(encoded)")
        }
    }

    @Test("a plain value is a record of partition 0 at its line number")
    func plainValue() {
        let parsed = ReplayLine(Array(#"{"ts": 5, "value": 1}"#.utf8), index: 7)
        #expect(parsed.partition == 0 && parsed.offset == 7 && parsed.key == nil && parsed.timestamp == nil)
        #expect(parsed.value == Array(#"{"ts": 5, "value": 1}"#.utf8))
    }
}
