/// Appends JSON text to a byte buffer: strings escaped as `JSONEncoder` escapes them (`/` kept as
/// is), numbers in their shortest round-tripping form, raw documents copied as they are. Used
/// where results are many and `JSONEncoder` would dominate (function outputs, run results).
public struct JSONWriter: Sendable {
    public private(set) var bytes: [UInt8] = []

    public init(reservingCapacity capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    /// Appends raw JSON text (punctuation, or a document already encoded).
    public mutating func raw(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    /// Appends raw JSON bytes (a document already encoded).
    public mutating func raw(_ document: [UInt8]) {
        bytes.append(contentsOf: document)
    }

    public mutating func integer(_ value: Int64) {
        raw(String(value))
    }

    /// Appends a quoted, escaped string, or `null`.
    public mutating func string(_ text: String?) {
        guard let text else { return raw("null") }
        bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): raw("\\\"")
            case UInt8(ascii: "\\"): raw("\\\\")
            case 0x0A: raw("\\n")
            case 0x0D: raw("\\r")
            case 0x09: raw("\\t")
            case 0x08: raw("\\b")
            case 0x0C: raw("\\f")
            case 0x00..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Appends `"name":` (a member name inside an object).
    public mutating func name(_ name: String) {
        string(name)
        bytes.append(UInt8(ascii: ":"))
    }

    /// Appends a JSON value; object members in sorted order, whole numbers without a fraction.
    public mutating func value(_ value: JSONValue) {
        switch value {
        case .null: raw("null")
        case .bool(let flag): raw(flag ? "true" : "false")
        case .number(let number):
            if !number.isFinite {
                raw("null")
            } else if number.rounded() == number, abs(number) < 9e15 {
                integer(Int64(number))
            } else {
                raw("\(number)")
            }
        case .string(let text): string(text)
        case .array(let elements):
            raw("[")
            for (index, element) in elements.enumerated() {
                if index > 0 { raw(",") }
                self.value(element)
            }
            raw("]")
        case .object(let members):
            raw("{")
            for (index, member) in members.sorted(by: { $0.key < $1.key }).enumerated() {
                if index > 0 { raw(",") }
                name(member.key)
                self.value(member.value)
            }
            raw("}")
        }
    }
}
