/// The element type of a column crossing the C ABI (`SF_FLOAT64` … `SF_TEXT` in
/// `c/shared_functions.h`). Text is dictionary-encoded: `Int32` codes into a list of strings,
/// `-1` for a missing value, so a column of repeated keys costs four bytes a row.
public enum ColumnType: Int64, Sendable, Hashable, CaseIterable {
    case float64 = 1
    case int64 = 2
    case bool = 3
    case text = 4

    /// The name notebooks see (`float64`, `int64`, `bool`, `text`).
    public var name: String {
        switch self {
        case .float64: "float64"
        case .int64: "int64"
        case .bool: "bool"
        case .text: "text"
        }
    }

    /// Bytes per row of the values buffer.
    var stride: Int {
        switch self {
        case .float64, .int64: 8
        case .bool: 1
        case .text: 4
        }
    }
}
