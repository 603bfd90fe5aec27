/// A function input that reads one numeric field of a JSON object, whose name is a parameter.
///
/// The field name comes from the decoder's `userInfo[NumericField.fieldNameKey]` (default
/// `value`). A JSON number decodes to its value; JSON `null` decodes to `nil` (a missing
/// measurement, counted as invalid by the statistics); a missing field or any other JSON type is a
/// decoding error, which the processing module dead-letters.
///
/// Stored in 8 bytes (the engine buffers millions): `null` is a signalling-NaN bit pattern that no
/// JSON number and no arithmetic produces.
public struct NumericField: Codable, Sendable, Equatable {
    /// The `userInfo` key holding the field name (a `String`).
    public static let fieldNameKey = CodingUserInfoKey(rawValue: "shared_functions.numeric_field")!
    /// The field name used when the decoder names none.
    public static let defaultFieldName = "value"

    /// The bit pattern standing for `null`.
    static let nullBits: UInt64 = 0x7FF4_0000_0000_0001

    private var bits: UInt64

    /// The field's value, or `nil` when it was JSON `null`.
    public var value: Double? {
        get { bits == Self.nullBits ? nil : Double(bitPattern: bits) }
        set { bits = newValue?.bitPattern ?? Self.nullBits }
    }

    public init(_ value: Double?) {
        bits = value?.bitPattern ?? Self.nullBits
    }

    public init(from decoder: any Decoder) throws {
        let name = decoder.userInfo[Self.fieldNameKey] as? String ?? Self.defaultFieldName
        let container = try decoder.container(keyedBy: FieldName.self)
        let key = FieldName(name)
        if try container.decodeNil(forKey: key) {
            bits = Self.nullBits
        } else {
            bits = try container.decode(Double.self, forKey: key).bitPattern
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: FieldName.self)
        try container.encode(value, forKey: FieldName(Self.defaultFieldName))
    }
}

/// A coding key whose name is only known at run time.
struct FieldName: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }

    init(_ name: String) { stringValue = name }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
