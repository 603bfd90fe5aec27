#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import SharedFunctions

// The columnar half of the C ABI (`sf_column` in `c/shared_functions.h`): a DataFrame's typed
// buffers in, typed result tables out. `sf_column` is 64 bytes of 8-byte fields, read and written
// here at fixed offsets, so no Swift layout assumption crosses the boundary.

private enum ColumnLayout {
    static let size = 64
    static let name = 0
    static let type = 8
    static let length = 16
    static let values = 24
    static let validity = 32
    static let dictionaryCount = 40
    static let dictionaryOffsets = 48
    static let dictionaryData = 56
}

/// The table described by `count` `sf_column`s at `columns`, each `rows` long.
private func table(_ columns: UnsafeRawPointer?, count: Int64, rows: Int64) throws(RunError) -> ColumnTable {
    guard count >= 0, rows >= 0 else { throw RunError.invalidRequest("column_count \(count) and rows \(rows) must not be negative") }
    guard columns != nil || count == 0 else { throw RunError.invalidRequest("the columns pointer is NULL but column_count is \(count)") }
    var parsed: [Column] = []
    for index in 0..<Int(count) {
        let base = columns.unsafelyUnwrapped + index * ColumnLayout.size
        func pointer<T>(_ offset: Int, _ type: T.Type) -> UnsafePointer<T>? {
            base.load(fromByteOffset: offset, as: UnsafeRawPointer?.self)?.assumingMemoryBound(to: T.self)
        }
        guard let name = pointer(ColumnLayout.name, CChar.self) else { throw RunError.invalidRequest("column \(index) has no name") }
        parsed.append(
            try Column(
                name: String(cString: name), type: base.load(fromByteOffset: ColumnLayout.type, as: Int64.self),
                count: Int(base.load(fromByteOffset: ColumnLayout.length, as: Int64.self)),
                values: base.load(fromByteOffset: ColumnLayout.values, as: UnsafeRawPointer?.self),
                validity: pointer(ColumnLayout.validity, UInt8.self),
                dictionaryCount: Int(base.load(fromByteOffset: ColumnLayout.dictionaryCount, as: Int64.self)),
                dictionaryOffsets: pointer(ColumnLayout.dictionaryOffsets, Int64.self),
                dictionaryData: pointer(ColumnLayout.dictionaryData, UInt8.self)))
    }
    return try ColumnTable(rows: Int(rows), columns: parsed)
}

/// One result column copied into memory the result owns.
private final class OwnedColumn {
    let name: UnsafeMutablePointer<CChar>
    let type: ColumnType
    let length: Int
    let values: UnsafeMutableRawPointer
    let validity: UnsafeMutableRawPointer?
    let dictionaryCount: Int
    let dictionaryOffsets: UnsafeMutableRawPointer
    let dictionaryData: UnsafeMutableRawPointer

    init(_ column: ColumnBuilder) {
        name = strdup(column.name)!
        type = column.type
        length = column.count
        func copy(_ buffer: UnsafeRawBufferPointer) -> UnsafeMutableRawPointer {
            let memory = UnsafeMutableRawPointer.allocate(byteCount: max(buffer.count, 8), alignment: 8)
            if let base = buffer.baseAddress { memory.copyMemory(from: base, byteCount: buffer.count) }
            return memory
        }
        (values, validity, dictionaryCount, dictionaryOffsets, dictionaryData) = column.withBuffers {
            values, validity, offsets, data in
            (copy(values), validity.map { copy(UnsafeRawBufferPointer($0)) }, offsets.count - 1,
             copy(UnsafeRawBufferPointer(offsets)), copy(UnsafeRawBufferPointer(data)))
        }
    }

    deinit {
        free(name)
        values.deallocate()
        validity?.deallocate()
        dictionaryOffsets.deallocate()
        dictionaryData.deallocate()
    }

    func describe(into column: UnsafeMutableRawPointer) {
        column.storeBytes(of: UnsafeRawPointer(name), toByteOffset: ColumnLayout.name, as: UnsafeRawPointer?.self)
        column.storeBytes(of: type.rawValue, toByteOffset: ColumnLayout.type, as: Int64.self)
        column.storeBytes(of: Int64(length), toByteOffset: ColumnLayout.length, as: Int64.self)
        column.storeBytes(of: UnsafeRawPointer(values), toByteOffset: ColumnLayout.values, as: UnsafeRawPointer?.self)
        column.storeBytes(of: validity.map(UnsafeRawPointer.init), toByteOffset: ColumnLayout.validity, as: UnsafeRawPointer?.self)
        column.storeBytes(of: Int64(type == .text ? dictionaryCount : 0), toByteOffset: ColumnLayout.dictionaryCount, as: Int64.self)
        column.storeBytes(
            of: UnsafeRawPointer(dictionaryOffsets), toByteOffset: ColumnLayout.dictionaryOffsets, as: UnsafeRawPointer?.self)
        column.storeBytes(of: UnsafeRawPointer(dictionaryData), toByteOffset: ColumnLayout.dictionaryData, as: UnsafeRawPointer?.self)
    }
}

/// What `sf_result` points to: the document and the tables' columns.
private final class ColumnarResult {
    let document: UnsafeMutablePointer<CChar>
    let tables: [String: [OwnedColumn]]

    init(document: [UInt8], tables: [String: [OwnedColumn]] = [:]) {
        self.document = strdup(String(decoding: document, as: UTF8.self))!
        self.tables = tables
    }

    convenience init(_ result: RunTables) {
        var writer = JSONWriter()
        writer.raw("{\"ok\":{\"counts\":\(result.countsJSON),\"tables\":{")
        for (index, table) in result.tables.enumerated() {
            if index > 0 { writer.raw(",") }
            writer.string(table.name)
            writer.raw(":{\"rows\":\(table.rows),\"columns\":[")
            for (position, column) in table.columns.enumerated() {
                if position > 0 { writer.raw(",") }
                writer.raw("{\"name\":")
                writer.string(column.name)
                writer.raw(",\"type\":\"\(column.type.name)\"}")
            }
            writer.raw("]}")
        }
        writer.raw("}}}")
        self.init(
            document: writer.bytes,
            tables: Dictionary(uniqueKeysWithValues: result.tables.map { ($0.name, $0.columns.map(OwnedColumn.init)) }))
    }

    deinit { free(document) }
}

@_cdecl("sf_input_columns")
public func sf_input_columns(_ request: UnsafePointer<CChar>?) -> UnsafeMutablePointer<CChar>? {
    respond(request, nil, 0) { request, _ throws(RunError) in
        let parsed = try WindowRunRequest.decode(FunctionRequest.self, from: request)
        let function = try FunctionRegistry.standard.prepareForRun(parsed.function, parameters: parsed.parameters ?? [:])
        var writer = JSONWriter()
        writer.raw("{\"ok\":[")
        for (index, column) in (function.inputColumns ?? []).enumerated() {
            if index > 0 { writer.raw(",") }
            writer.raw("{\"name\":")
            writer.string(column.name)
            writer.raw(",\"types\":[")
            writer.raw(column.types.map { "\"\($0)\"" }.joined(separator: ","))
            writer.raw("]}")
        }
        writer.raw("]}")
        return writer.bytes
    }
}

/// `{"function", "parameters"}`.
private struct FunctionRequest: Decodable {
    var function: String
    var parameters: [String: JSONValue]?
}

@_cdecl("sf_run_windows_columns")
public func sf_run_windows_columns(
    _ request: UnsafePointer<CChar>?, _ columns: UnsafeRawPointer?, _ columnCount: Int64, _ rows: Int64
) -> OpaquePointer? {
    let result: ColumnarResult
    do throws(RunError) {
        guard let request else { throw RunError.invalidRequest("the request is NULL") }
        let parsed = try WindowRunRequest.decode(WindowRunRequest.self, from: Array(String(cString: request).utf8))
        result = ColumnarResult(try WindowRun.run(parsed, columns: try table(columns, count: columnCount, rows: rows)))
    } catch {
        result = ColumnarResult(document: error.envelope)
    }
    return OpaquePointer(Unmanaged.passRetained(result).toOpaque())
}

@_cdecl("sf_result_document")
public func sf_result_document(_ result: OpaquePointer?) -> UnsafePointer<CChar>? {
    guard let result else { return nil }
    return UnsafePointer(Unmanaged<ColumnarResult>.fromOpaque(UnsafeRawPointer(result)).takeUnretainedValue().document)
}

@_cdecl("sf_result_column")
public func sf_result_column(
    _ result: OpaquePointer?, _ table: UnsafePointer<CChar>?, _ index: Int64, _ column: UnsafeMutableRawPointer?
) -> Int64 {
    guard let result, let table, let column else { return -1 }
    let owner = Unmanaged<ColumnarResult>.fromOpaque(UnsafeRawPointer(result)).takeUnretainedValue()
    guard let columns = owner.tables[String(cString: table)], index >= 0, index < columns.count else { return -1 }
    columns[Int(index)].describe(into: column)
    return 0
}

@_cdecl("sf_result_free")
public func sf_result_free(_ result: OpaquePointer?) {
    guard let result else { return }
    Unmanaged<ColumnarResult>.fromOpaque(UnsafeRawPointer(result)).release()
}

@_cdecl("sf_apply_columns")
public func sf_apply_columns(
    _ request: UnsafePointer<CChar>?, _ columns: UnsafeRawPointer?, _ columnCount: Int64, _ rows: Int64
) -> UnsafeMutablePointer<CChar>? {
    respond(request, nil, 0) { request, _ throws(RunError) in
        let parsed = try WindowRunRequest.decode(BatchApply.Request.self, from: request)
        let batch = ColumnarBatch(
            table: try table(columns, count: columnCount, rows: rows), timeColumn: parsed.timeField,
            window: parsed.window.map { ($0.start, $0.end) }, key: parsed.key)
        return try BatchApply.run(batch, function: parsed.function, parameters: parsed.parameters ?? [:])
    }
}
