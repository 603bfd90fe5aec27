import Foundation
import Testing

@testable import SharedFunctions

@Suite("JSONWriter and JSONMemberText")
struct JSONWriterTests {
    @Test("strings are escaped so JSONSerialization reads them back unchanged")
    func escaping() throws {
        let texts = ["plain", "quote \" backslash \\ slash /", "tab\tnew\nline\r", "\u{0}\u{1}\u{1F}", "café 😀"]
        for text in texts {
            var writer = JSONWriter()
            writer.raw("[")
            writer.string(text)
            writer.raw("]")
            let decoded = try JSONSerialization.jsonObject(with: Data(writer.bytes)) as? [String]
            #expect(decoded == [text])
        }
    }

    @Test("values: sorted members, whole numbers without fraction, null for non-finite")
    func values() {
        var writer = JSONWriter()
        writer.value(.object(["b": .number(2), "a": .array([.number(0.5), .bool(true), .null, .number(.nan)])]))
        #expect(String(decoding: writer.bytes, as: UTF8.self) == #"{"a":[0.5,true,null,null],"b":2}"#)
    }

    @Test("member text decodes escapes and surrogate pairs, keeps number literals")
    func memberText() throws {
        let document = #"{"a":"x\"y\\z\n","b":"\ud83d\ude00\u00e9","c":-1.5e3,"d":null,"e":{"f":1},"g":true}"#
        let bytes = Array(document.utf8)
        let names = ["a", "b", "c", "d", "e", "g"].map { Array($0.utf8) }
        let texts = try bytes.withUnsafeBytes { buffer in
            try JSONObjectScanner.members(names, in: buffer).map { range in range.flatMap { JSONMemberText.text(buffer, $0) } }
        }
        #expect(texts == ["x\"y\\z\n", "😀é", "-1.5e3", nil, nil, "true"])
    }
}
