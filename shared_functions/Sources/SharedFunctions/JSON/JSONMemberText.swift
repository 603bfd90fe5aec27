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
            return unescapedBytes(bytes, range).map { String(decoding: $0, as: UTF8.self) }
        case UInt8(ascii: "{"), UInt8(ascii: "["), UInt8(ascii: "n"):
            return nil
        default:
            return String(decoding: raw, as: UTF8.self)
        }
    }

    /// The UTF-8 bytes of the JSON string `buffer[range]` (quotes included in the range), with its
    /// escapes decoded; `nil` when it is not a string (for example `null`).
    public static func unescapedBytes(_ buffer: UnsafeRawBufferPointer, _ range: Range<Int>) -> [UInt8]? {
        guard range.count >= 2, buffer[range.lowerBound] == UInt8(ascii: "\""), buffer[range.upperBound - 1] == UInt8(ascii: "\"")
        else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(range.count)
        var index = range.lowerBound + 1
        let end = range.upperBound - 1
        func hex(_ at: Int) -> UInt32? {
            guard at + 4 <= end else { return nil }
            var value: UInt32 = 0
            for offset in 0..<4 {
                let byte = buffer[at + offset]
                let digit: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
                default: return nil
                }
                value = value << 4 | UInt32(digit)
            }
            return value
        }
        while index < end {
            let byte = buffer[index]
            guard byte == UInt8(ascii: "\\") else {
                output.append(byte)
                index += 1
                continue
            }
            guard index + 1 < end else { return nil }
            let escaped = buffer[index + 1]
            index += 2
            switch escaped {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): output.append(escaped)
            case UInt8(ascii: "b"): output.append(0x08)
            case UInt8(ascii: "f"): output.append(0x0C)
            case UInt8(ascii: "n"): output.append(0x0A)
            case UInt8(ascii: "r"): output.append(0x0D)
            case UInt8(ascii: "t"): output.append(0x09)
            case UInt8(ascii: "u"):
                guard var scalar = hex(index) else { return nil }
                index += 4
                if (0xD800..<0xDC00).contains(scalar), index + 6 <= end, buffer[index] == UInt8(ascii: "\\"),
                    buffer[index + 1] == UInt8(ascii: "u"), let low = hex(index + 2), (0xDC00..<0xE000).contains(low)
                {
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    index += 6
                }
                output.append(contentsOf: Array(String(Unicode.Scalar(scalar).map(Character.init) ?? "\u{FFFD}").utf8))
            default: return nil
            }
        }
        return output
    }
}
