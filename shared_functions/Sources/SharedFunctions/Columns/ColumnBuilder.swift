/// A result column being built row by row: values of one ``ColumnType``, which rows are missing,
/// and for text the dictionary of distinct strings (each stored once, codes in first-seen order).
public struct ColumnBuilder: Sendable {
    public let name: String
    public let type: ColumnType
    private(set) var doubles: [Double] = []
    private(set) var integers: [Int64] = []
    private(set) var booleans: [UInt8] = []
    private(set) var codes: [Int32] = []
    private(set) var validity: [UInt8] = []
    private(set) var missing = 0
    private var dictionary: [String: Int32] = [:]
    private(set) var dictionaryOffsets: [Int64] = [0]
    private(set) var dictionaryData: [UInt8] = []

    public init(_ name: String, _ type: ColumnType) {
        self.name = name
        self.type = type
    }

    public var count: Int { validity.count }

    public mutating func append(double value: Double?) {
        doubles.append(value ?? .nan)
        mark(present: value != nil)
    }

    public mutating func append(integer value: Int64?) {
        integers.append(value ?? 0)
        mark(present: value != nil)
    }

    public mutating func append(boolean value: Bool?) {
        booleans.append(value == true ? 1 : 0)
        mark(present: value != nil)
    }

    public mutating func append(text value: String?) {
        guard let value else {
            codes.append(-1)
            return mark(present: false)
        }
        if let code = dictionary[value] {
            codes.append(code)
        } else {
            let code = Int32(dictionary.count)
            dictionary[value] = code
            dictionaryData.append(contentsOf: value.utf8)
            dictionaryOffsets.append(Int64(dictionaryData.count))
            codes.append(code)
        }
        mark(present: true)
    }

    /// A missing value, whatever the type.
    public mutating func appendMissing() {
        switch type {
        case .float64: append(double: nil)
        case .int64: append(integer: nil)
        case .bool: append(boolean: nil)
        case .text: append(text: nil)
        }
    }

    private mutating func mark(present: Bool) {
        validity.append(present ? 1 : 0)
        if !present { missing += 1 }
    }

    /// The strings of a text column, by code.
    public var dictionaryStrings: [String] {
        (0..<(dictionaryOffsets.count - 1)).map { code in
            String(decoding: dictionaryData[Int(dictionaryOffsets[code])..<Int(dictionaryOffsets[code + 1])], as: UTF8.self)
        }
    }

    /// Row `row` as text, for tests and messages (`nil` when missing).
    public func text(at row: Int) -> String? {
        guard validity[row] != 0 else { return nil }
        switch type {
        case .float64: return doubles[row].description
        case .int64: return integers[row].description
        case .bool: return booleans[row] != 0 ? "true" : "false"
        case .text:
            let code = Int(codes[row])
            return String(decoding: dictionaryData[Int(dictionaryOffsets[code])..<Int(dictionaryOffsets[code + 1])], as: UTF8.self)
        }
    }

    /// Calls `body` with the values buffer (doubles, int64s, bytes or int32 codes), the validity
    /// bytes (`nil` when nothing is missing) and the dictionary's offsets and bytes.
    public func withBuffers<Result>(
        _ body: (
            _ values: UnsafeRawBufferPointer, _ validity: UnsafeBufferPointer<UInt8>?, _ offsets: UnsafeBufferPointer<Int64>,
            _ data: UnsafeBufferPointer<UInt8>
        ) -> Result
    ) -> Result {
        func values<Element>(_ array: [Element]) -> Result {
            array.withUnsafeBytes { values in
                dictionaryOffsets.withUnsafeBufferPointer { offsets in
                    dictionaryData.withUnsafeBufferPointer { data in
                        if missing == 0 { return body(values, nil, offsets, data) }
                        return validity.withUnsafeBufferPointer { validity in body(values, validity, offsets, data) }
                    }
                }
            }
        }
        switch type {
        case .float64: return values(doubles)
        case .int64: return values(integers)
        case .bool: return values(booleans)
        case .text: return values(codes)
        }
    }
}
