/// Finds top-level members of a JSON object straight from its UTF-8 bytes, without building
/// the document: the hot path reads one or two fields per record this way instead of decoding the
/// whole value.
///
/// The scan validates the structure of the whole document (brackets, strings and their escapes,
/// literals, number characters), so a truncated or garbled value is refused even when the wanted
/// member came early. Member values are returned as byte ranges into the input.
public enum JSONObjectScanner {
    /// The byte ranges of the values of the top-level members named in `names` (the first
    /// occurrence of each), in the order of `names`; `nil` for a member that is absent.
    public static func members(
        _ names: [[UInt8]], in bytes: UnsafeRawBufferPointer
    ) throws(JSONScanError) -> [Range<Int>?] {
        var found = [Range<Int>?](repeating: nil, count: names.count)
        try found.withUnsafeMutableBufferPointer { found throws(JSONScanError) in try members(names, in: bytes, into: found) }
        return found
    }

    /// ``members(_:in:)`` writing into `found` (at least `names.count` long, reused across records
    /// by the hot path so that a scan allocates nothing).
    public static func members(
        _ names: [[UInt8]], in bytes: UnsafeRawBufferPointer, into found: UnsafeMutableBufferPointer<Range<Int>?>
    ) throws(JSONScanError) {
        var scanner = Cursor(bytes: bytes)
        for index in names.indices { found[index] = nil }
        scanner.skipWhitespace()
        try scanner.expect(UInt8(ascii: "{"), "a JSON object must start with '{'")
        scanner.skipWhitespace()
        if scanner.peek == UInt8(ascii: "}") {
            scanner.position += 1
        } else {
            while true {
                scanner.skipWhitespace()
                let name = try scanner.string()
                scanner.skipWhitespace()
                try scanner.expect(UInt8(ascii: ":"), "expected ':' after a member name")
                scanner.skipWhitespace()
                let valueStart = scanner.position
                try scanner.skipValue(depth: 0)
                for (index, wanted) in names.enumerated() where found[index] == nil && scanner.equals(name, wanted) {
                    found[index] = valueStart..<scanner.position
                }
                scanner.skipWhitespace()
                if scanner.peek == UInt8(ascii: ",") {
                    scanner.position += 1
                    continue
                }
                try scanner.expect(UInt8(ascii: "}"), "expected ',' or '}' in an object")
                break
            }
        }
        scanner.skipWhitespace()
        guard scanner.position == bytes.count else {
            throw JSONScanError(offset: scanner.position, message: "unexpected data after the JSON object")
        }
    }

    /// A scanning position in a document.
    struct Cursor {
        let bytes: UnsafeRawBufferPointer
        var position = 0
        static let maximumDepth = 512

        var peek: UInt8? { position < bytes.count ? bytes[position] : nil }

        mutating func skipWhitespace() {
            while position < bytes.count {
                switch bytes[position] {
                case 0x20, 0x09, 0x0A, 0x0D: position += 1
                default: return
                }
            }
        }

        mutating func expect(_ byte: UInt8, _ message: String) throws(JSONScanError) {
            guard peek == byte else { throw JSONScanError(offset: position, message: message) }
            position += 1
        }

        /// Skips a string and returns the range of its raw contents (escapes not decoded).
        mutating func string() throws(JSONScanError) -> Range<Int> {
            try expect(UInt8(ascii: "\""), "expected a string")
            let start = position
            while position < bytes.count {
                let byte = bytes[position]
                if byte == UInt8(ascii: "\"") {
                    position += 1
                    return start..<(position - 1)
                }
                if byte == UInt8(ascii: "\\") {
                    position += 1
                    guard let escaped = peek else { break }
                    switch escaped {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                        UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                        position += 1
                    case UInt8(ascii: "u"):
                        guard position + 4 < bytes.count,
                            (1...4).allSatisfy({ Self.isHexDigit(bytes[position + $0]) })
                        else { throw JSONScanError(offset: position, message: "invalid \\u escape in a string") }
                        position += 5
                    default:
                        throw JSONScanError(offset: position, message: "invalid escape in a string")
                    }
                    continue
                }
                guard byte >= 0x20 else { throw JSONScanError(offset: position, message: "control character in a string") }
                position += 1
            }
            throw JSONScanError(offset: position, message: "unterminated string")
        }

        mutating func skipValue(depth: Int) throws(JSONScanError) {
            guard depth < Self.maximumDepth else { throw JSONScanError(offset: position, message: "nesting deeper than 512") }
            guard let byte = peek else { throw JSONScanError(offset: position, message: "expected a value, found the end") }
            switch byte {
            case UInt8(ascii: "\""): _ = try string()
            case UInt8(ascii: "{"): try skipContainer(close: UInt8(ascii: "}"), members: true, depth: depth)
            case UInt8(ascii: "["): try skipContainer(close: UInt8(ascii: "]"), members: false, depth: depth)
            case UInt8(ascii: "t"): try literal("true")
            case UInt8(ascii: "f"): try literal("false")
            case UInt8(ascii: "n"): try literal("null")
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try number()
            default: throw JSONScanError(offset: position, message: "expected a value")
            }
        }

        mutating func skipContainer(close: UInt8, members: Bool, depth: Int) throws(JSONScanError) {
            position += 1
            skipWhitespace()
            if peek == close {
                position += 1
                return
            }
            while true {
                skipWhitespace()
                if members {
                    _ = try string()
                    skipWhitespace()
                    try expect(UInt8(ascii: ":"), "expected ':' after a member name")
                    skipWhitespace()
                }
                try skipValue(depth: depth + 1)
                skipWhitespace()
                if peek == UInt8(ascii: ",") {
                    position += 1
                    continue
                }
                try expect(close, members ? "expected ',' or '}' in an object" : "expected ',' or ']' in an array")
                return
            }
        }

        mutating func literal(_ text: StaticString) throws(JSONScanError) {
            let count = text.utf8CodeUnitCount
            guard position + count <= bytes.count,
                (0..<count).allSatisfy({ bytes[position + $0] == text.utf8Start[$0] })
            else { throw JSONScanError(offset: position, message: "invalid literal") }
            position += count
        }

        mutating func number() throws(JSONScanError) {
            let start = position
            if peek == UInt8(ascii: "-") { position += 1 }
            guard let first = peek, Self.isDigit(first) else { throw JSONScanError(offset: position, message: "invalid number") }
            if first == UInt8(ascii: "0") { position += 1 } else { skipDigits() }
            if peek == UInt8(ascii: ".") {
                position += 1
                guard let digit = peek, Self.isDigit(digit) else { throw JSONScanError(offset: position, message: "invalid number") }
                skipDigits()
            }
            if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
                position += 1
                if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { position += 1 }
                guard let digit = peek, Self.isDigit(digit) else { throw JSONScanError(offset: position, message: "invalid number") }
                skipDigits()
            }
            if position == start { throw JSONScanError(offset: position, message: "invalid number") }
        }

        mutating func skipDigits() {
            while let byte = peek, Self.isDigit(byte) { position += 1 }
        }

        func equals(_ range: Range<Int>, _ name: [UInt8]) -> Bool {
            guard range.count == name.count else { return false }
            for (index, byte) in name.enumerated() where bytes[range.lowerBound + index] != byte { return false }
            return true
        }

        static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

        static func isHexDigit(_ byte: UInt8) -> Bool {
            isDigit(byte) || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "f"))
        }
    }
}
