/// Reads the value of one JSON member as text: a string's decoded contents, or the literal text of
/// a number or boolean. Used for keys taken from a record field.
public enum JSONMemberText {
    /// The text of the raw JSON value `bytes[range]`; `nil` for `null`, objects and arrays.
    public static func text(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> String? {
        guard let first = range.first.map({ bytes[$0] }) else { return nil }
        let raw = UnsafeRawBufferPointer(rebasing: bytes[range])
        switch first {
        case UInt8(ascii: "\""):
            let contents = UnsafeRawBufferPointer(rebasing: raw[1..<(raw.count - 1)])
            guard contents.contains(UInt8(ascii: "\\")) else { return String(decoding: contents, as: UTF8.self) }
            return unescaped(contents)
        case UInt8(ascii: "{"), UInt8(ascii: "["), UInt8(ascii: "n"):
            return nil
        default:
            return String(decoding: raw, as: UTF8.self)
        }
    }

    /// Decodes the escapes of a scanned (hence well-formed) string's contents.
    static func unescaped(_ contents: UnsafeRawBufferPointer) -> String {
        var scalars = String.UnicodeScalarView()
        var utf8: [UInt8] = []
        var index = 0
        func flush() {
            scalars.append(contentsOf: String(decoding: utf8, as: UTF8.self).unicodeScalars)
            utf8.removeAll(keepingCapacity: true)
        }
        func hex(_ at: Int) -> UInt32 {
            var value: UInt32 = 0
            for offset in 0..<4 where at + offset < contents.count {
                let byte = contents[at + offset]
                let digit: UInt8 =
                    switch byte {
                    case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
                    case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
                    default: byte &- UInt8(ascii: "A") &+ 10
                    }
                value = value << 4 | UInt32(digit & 0x0F)
            }
            return value
        }
        while index < contents.count {
            let byte = contents[index]
            guard byte == UInt8(ascii: "\\"), index + 1 < contents.count else {
                utf8.append(byte)
                index += 1
                continue
            }
            let escape = contents[index + 1]
            index += 2
            switch escape {
            case UInt8(ascii: "n"): utf8.append(0x0A)
            case UInt8(ascii: "r"): utf8.append(0x0D)
            case UInt8(ascii: "t"): utf8.append(0x09)
            case UInt8(ascii: "b"): utf8.append(0x08)
            case UInt8(ascii: "f"): utf8.append(0x0C)
            case UInt8(ascii: "u"):
                flush()
                var code = hex(index)
                index += 4
                if (0xD800..<0xDC00).contains(code), index + 5 < contents.count, contents[index] == UInt8(ascii: "\\"),
                    contents[index + 1] == UInt8(ascii: "u")
                {
                    let low = hex(index + 2)
                    if (0xDC00..<0xE000).contains(low) {
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        index += 6
                    }
                }
                scalars.append(Unicode.Scalar(code) ?? "\u{FFFD}")
            default: utf8.append(escape)
            }
        }
        flush()
        return String(scalars)
    }
}
