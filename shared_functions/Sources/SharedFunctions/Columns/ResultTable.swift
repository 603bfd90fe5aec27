/// A named table of result columns, all of the same length (a DataFrame once it crosses the C ABI).
public struct ResultTable: Sendable {
    public let name: String
    public private(set) var columns: [ColumnBuilder]

    public init(_ name: String, _ columns: [(String, ColumnType)]) {
        self.name = name
        self.columns = columns.map { ColumnBuilder($0.0, $0.1) }
    }

    public var rows: Int { columns.first?.count ?? 0 }

    /// Column `index`, to append to.
    subscript(index: Int) -> ColumnBuilder {
        get { columns[index] }
        _modify { yield &columns[index] }
    }

    /// The column called `name`.
    public func column(named name: String) -> ColumnBuilder? {
        columns.first { $0.name == name }
    }
}
