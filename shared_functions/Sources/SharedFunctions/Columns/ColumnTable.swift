/// The columns of one columnar call, all of the same length: the rows of a DataFrame, in order.
public struct ColumnTable {
    public let rows: Int
    public let columns: [Column]

    /// Checks that names are unique and lengths agree.
    public init(rows: Int, columns: [Column]) throws(RunError) {
        var seen = Set<String>()
        for column in columns {
            guard seen.insert(column.name).inserted else { throw .invalidColumn(column.name, "is given twice") }
            guard column.count == rows else { throw .invalidColumn(column.name, "has \(column.count) rows, the table \(rows)") }
        }
        self.rows = rows
        self.columns = columns
    }

    /// The column called `name`, if given.
    public func column(named name: String) -> Column? {
        columns.first { $0.name == name }
    }

    /// The column playing `role` (`time`, `key`, ...) in a run: present and of one of `types`.
    func column(_ name: String, role: String, types: [ColumnType]) throws(RunError) -> Column {
        guard let column = column(named: name) else {
            throw .invalidColumn(name, "is missing; it is the \(role) column", role: role)
        }
        guard types.contains(column.type) else {
            throw .invalidColumn(
                name, "is \(column.type.name); the \(role) column must be \(types.map(\.name).joined(separator: " or "))",
                role: role)
        }
        return column
    }
}
