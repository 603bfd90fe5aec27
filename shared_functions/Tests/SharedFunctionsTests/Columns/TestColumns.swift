@testable import SharedFunctions

/// Owns the buffers of test columns for as long as the columns are used (like a DataFrame does).
final class TestColumns {
    private var allocations: [UnsafeMutableRawPointer] = []
    private(set) var columns: [Column] = []

    deinit { allocations.forEach { $0.deallocate() } }

    private func copy<T>(_ values: [T]) -> UnsafeMutableRawPointer {
        let memory = UnsafeMutableRawPointer.allocate(byteCount: max(1, values.count * MemoryLayout<T>.stride), alignment: 8)
        values.withUnsafeBytes { if let base = $0.baseAddress { memory.copyMemory(from: base, byteCount: $0.count) } }
        allocations.append(memory)
        return memory
    }

    private func validity<T>(_ values: [T?]) -> UnsafePointer<UInt8>? {
        guard values.contains(where: { $0 == nil }) else { return nil }
        return UnsafePointer(copy(values.map { $0 == nil ? UInt8(0) : 1 }).assumingMemoryBound(to: UInt8.self))
    }

    func float64(_ name: String, _ values: [Double?]) throws {
        columns.append(
            try Column(
                name: name, type: ColumnType.float64.rawValue, count: values.count, values: copy(values.map { $0 ?? .nan }),
                validity: validity(values)))
    }

    func int64(_ name: String, _ values: [Int64?]) throws {
        columns.append(
            try Column(
                name: name, type: ColumnType.int64.rawValue, count: values.count, values: copy(values.map { $0 ?? 0 }),
                validity: validity(values)))
    }

    func bool(_ name: String, _ values: [Bool]) throws {
        columns.append(
            try Column(name: name, type: ColumnType.bool.rawValue, count: values.count, values: copy(values.map { $0 ? UInt8(1) : 0 }), validity: nil))
    }

    /// A dictionary-encoded text column (codes in first-seen order).
    func text(_ name: String, _ values: [String?]) throws {
        var dictionary: [String] = []
        var codes: [Int32] = []
        for value in values {
            guard let value else {
                codes.append(-1)
                continue
            }
            if let code = dictionary.firstIndex(of: value) {
                codes.append(Int32(code))
            } else {
                codes.append(Int32(dictionary.count))
                dictionary.append(value)
            }
        }
        let data = dictionary.flatMap { Array($0.utf8) }
        var offsets: [Int64] = [0]
        for entry in dictionary { offsets.append(offsets.last! + Int64(entry.utf8.count)) }
        columns.append(
            try Column(
                name: name, type: ColumnType.text.rawValue, count: values.count, values: copy(codes), validity: nil,
                dictionaryCount: dictionary.count,
                dictionaryOffsets: UnsafePointer(copy(offsets).assumingMemoryBound(to: Int64.self)),
                dictionaryData: UnsafePointer(copy(data).assumingMemoryBound(to: UInt8.self))))
    }

    func table() throws -> ColumnTable {
        try ColumnTable(rows: columns.first?.count ?? 0, columns: columns)
    }
}
