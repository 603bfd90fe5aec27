/// One column of a table a notebook hands over the C ABI: its name, type, row count, values and
/// which rows are missing. A borrowed view: the buffers belong to the caller and are only read
/// during the call that received them.
///
/// Guarantees: construction checks what can be checked (type known, length not negative,
/// buffers present, text codes within the dictionary), so reading any row below ``count`` is in
/// bounds; a value is read only where ``isPresent(_:)`` holds.
public struct Column {
    public let name: String
    public let type: ColumnType
    public let count: Int
    @usableFromInline
    let values: UnsafeRawPointer?
    /// One byte per row, non-zero when present; `nil`: every row present.
    @usableFromInline
    let validity: UnsafePointer<UInt8>?
    /// The strings of a text column.
    let dictionary: TextDictionary?

    /// Checks and wraps borrowed buffers; the error names the column and what is wrong.
    public init(
        name: String, type rawType: Int64, count: Int, values: UnsafeRawPointer?, validity: UnsafePointer<UInt8>?,
        dictionaryCount: Int = 0, dictionaryOffsets: UnsafePointer<Int64>? = nil, dictionaryData: UnsafePointer<UInt8>? = nil
    ) throws(RunError) {
        guard let type = ColumnType(rawValue: rawType) else {
            throw .invalidColumn(name, "has type code \(rawType); the codes are 1 (float64), 2 (int64), 3 (bool), 4 (text)")
        }
        guard count >= 0 else { throw .invalidColumn(name, "has a negative length \(count)") }
        guard values != nil || count == 0 else { throw .invalidColumn(name, "has \(count) rows but no values buffer") }
        self.name = name
        self.type = type
        self.count = count
        self.values = values
        self.validity = validity
        if type == .text {
            guard let dictionary = TextDictionary(count: dictionaryCount, offsets: dictionaryOffsets, data: dictionaryData) else {
                throw .invalidColumn(name, "has a text dictionary whose offsets are missing or not ascending from 0")
            }
            self.dictionary = dictionary
            if let codes = values?.assumingMemoryBound(to: Int32.self) {
                for row in 0..<count where isPresent(row) && (codes[row] < -1 || Int(codes[row]) >= dictionary.count) {
                    throw .invalidColumn(name, "row \(row) has code \(codes[row]), outside its dictionary of \(dictionary.count)")
                }
            }
        } else {
            dictionary = nil
        }
    }

    /// Whether row `row` holds a value (a text row with code -1 holds none).
    @inlinable
    public func isPresent(_ row: Int) -> Bool {
        if let validity, validity[row] == 0 { return false }
        if type == .text, let values { return values.assumingMemoryBound(to: Int32.self)[row] >= 0 }
        return true
    }

    @inlinable
    public func double(_ row: Int) -> Double { values.unsafelyUnwrapped.assumingMemoryBound(to: Double.self)[row] }

    @inlinable
    public func int64(_ row: Int) -> Int64 { values.unsafelyUnwrapped.assumingMemoryBound(to: Int64.self)[row] }

    @inlinable
    public func bool(_ row: Int) -> Bool { values.unsafelyUnwrapped.assumingMemoryBound(to: UInt8.self)[row] != 0 }

    /// The dictionary code of a present text row.
    @inlinable
    public func code(_ row: Int) -> Int { Int(values.unsafelyUnwrapped.assumingMemoryBound(to: Int32.self)[row]) }

    /// The number of strings a text column's codes point into (0 for other types).
    public var dictionaryCount: Int { dictionary?.count ?? 0 }

    /// String `code` of a text column's dictionary.
    public func text(code: Int) -> String { dictionary!.text(code) }

    /// The UTF-8 bytes of string `code` (valid for the call that received the column).
    public func textBytes(code: Int) -> UnsafeRawBufferPointer { dictionary!.bytes(code) }
}
