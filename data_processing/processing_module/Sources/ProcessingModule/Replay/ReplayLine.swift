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
        if let base64Range, let encoded = JSONMemberText.unescapedBytes(buffer, base64Range) {
            return Data(base64Encoded: String(decoding: encoded, as: UTF8.self)).map { Array($0) }
        }
        guard let textRange else { return nil }
        return JSONMemberText.unescapedBytes(buffer, textRange)
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
