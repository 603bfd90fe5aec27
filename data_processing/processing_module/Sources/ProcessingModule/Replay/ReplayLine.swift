import Foundation
import SharedFunctions

/// One line of a replay input: a plain JSON value, or a record with its Kafka coordinates as
/// `export` writes it: `{"partition":P,"offset":O,"timestamp":T,"key":K,"value":"<value text>"}`
/// (`key_base64` / `value_base64` instead when the bytes are not UTF-8; `null` for absent ones).
struct ReplayLine {
    var partition: Int32
    var offset: Int64
    var timestamp: Int64?
    var key: [UInt8]?
    var value: [UInt8]?

    static let coordinateNames: [[UInt8]] = ["partition", "offset", "timestamp", "key", "value", "key_base64", "value_base64"]
        .map { Array($0.utf8) }

    /// Parses `line` (line number `index`, counted from 0): an exported record when it is an object
    /// with `partition`, `offset` and a value member, else a plain value on partition 0 at offset `index`.
    init(_ line: [UInt8], index: Int) {
        self.partition = 0
        self.offset = Int64(index)
        self.timestamp = nil
        self.key = nil
        self.value = line
        guard let envelope = Self.envelope(line) else { return }
        self = envelope
    }

    private init(partition: Int32, offset: Int64, timestamp: Int64?, key: [UInt8]?, value: [UInt8]?) {
        self.partition = partition
        self.offset = offset
        self.timestamp = timestamp
        self.key = key
        self.value = value
    }

    private static func envelope(_ line: [UInt8]) -> ReplayLine? {
        line.withUnsafeBytes { buffer -> ReplayLine? in
            guard let ranges = try? JSONObjectScanner.members(coordinateNames, in: buffer),
                let partitionRange = ranges[0], let offsetRange = ranges[1], ranges[4] != nil || ranges[6] != nil,
                let partition = Int32(text(buffer, partitionRange)), let offset = Int64(text(buffer, offsetRange))
            else { return nil }
            let timestamp = ranges[2].flatMap { Int64(text(buffer, $0)) }
            let key = bytes(buffer, text: ranges[3], base64: ranges[5])
            let value = bytes(buffer, text: ranges[4], base64: ranges[6])
            return ReplayLine(partition: partition, offset: offset, timestamp: timestamp, key: key, value: value)
        }
    }

    private static func text(_ buffer: UnsafeRawBufferPointer, _ range: Range<Int>) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: buffer[range]), as: UTF8.self)
    }

    /// A JSON string member decoded to bytes, or a base64 member; `nil` for null or absent.
    private static func bytes(_ buffer: UnsafeRawBufferPointer, text textRange: Range<Int>?, base64 base64Range: Range<Int>?) -> [UInt8]? {
        if let base64Range, let encoded = unescapedString(buffer, base64Range) {
            return Data(base64Encoded: String(decoding: encoded, as: UTF8.self)).map { Array($0) }
        }
        guard let textRange else { return nil }
        return unescapedString(buffer, textRange)
    }

    /// The UTF-8 bytes of the JSON string `buffer[range]` (quotes included in the range), with its
    /// escapes decoded; `nil` when it is not a string (for example `null`).
    static func unescapedString(_ buffer: UnsafeRawBufferPointer, _ range: Range<Int>) -> [UInt8]? {
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

/// Writes records in the `export` format that ``ReplayLine`` reads.
public enum ExportLine {
    public static func encode(partition: Int32, offset: Int64, timestamp: Int64?, key: [UInt8]?, value: [UInt8]?) -> String {
        var line = "{\"partition\":\(partition),\"offset\":\(offset),\"timestamp\":\(timestamp.map(String.init) ?? "null")"
        line += field("key", key) + field("value", value) + "}"
        return line
    }

    private static func field(_ name: String, _ bytes: [UInt8]?) -> String {
        guard let bytes else { return ",\"\(name)\":null" }
        if let text = String(validating: bytes, as: UTF8.self), let encoded = try? JSONEncoder().encode(text) {
            return ",\"\(name)\":" + String(decoding: encoded, as: UTF8.self)
        }
        return ",\"\(name)_base64\":\"\(Data(bytes).base64EncodedString())\""
    }
}
