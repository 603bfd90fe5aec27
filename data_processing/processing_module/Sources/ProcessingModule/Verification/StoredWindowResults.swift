import MicroBatching

/// A window of one key: what a parity check groups results by.
struct WindowIdentity: Hashable {
    let window: Window
    let key: String?
    /// Count windows only: their input offsets (a key's hopping count windows may share bounds).
    var inputOffsets: [OffsetRange]? = nil
}

/// A window recomputed from its input records: its outputs, record count and how many records fed it.
struct Recomputed {
    let values: [[UInt8]]
    let recordCount: Int?
    let fed: Int
}

/// The stored results of one (window, key): the values in topic order, and where they are.
struct StoredWindowResults {
    let provenance: Provenance
    var values: [[UInt8]] = []
    var names: [String] = []
    var recordCounts: Set<Int> = []

    init(provenance: Provenance) {
        self.provenance = provenance
    }

    mutating func add(_ output: StoredRecord, name: String, recordCount: Int) {
        values.append(output.value ?? [])
        names.append(name)
        recordCounts.insert(recordCount)
    }

    enum Comparison {
        case identical(deliveries: Int)
        case different(String)
    }

    /// The stored values must be the recomputed ones, whole, delivered one or more times.
    func compare(with expected: Recomputed) -> Comparison {
        guard !expected.values.isEmpty else {
            return .different("recomputing from \(expected.fed) input records gives no result (\(values.count) stored)")
        }
        if recordCounts != [expected.recordCount ?? -2] {
            return .different(
                "the stored record_count \(recordCounts.sorted()) differs from the recomputed \(expected.recordCount.map(String.init) ?? "none")")
        }
        let expectedCounts = Dictionary(expected.values.map { ($0, 1) }, uniquingKeysWith: +)
        let storedCounts = Dictionary(values.map { ($0, 1) }, uniquingKeysWith: +)
        let deliveries = values.count / expected.values.count
        guard values.count.isMultiple(of: expected.values.count),
            storedCounts == expectedCounts.mapValues({ $0 * deliveries })
        else {
            let stored = values.first { expectedCounts[$0] == nil } ?? values.first ?? []
            let wanted = expected.values.first { storedCounts[$0] == nil } ?? expected.values.first ?? []
            return .different(
                "stored \(String(decoding: stored, as: UTF8.self)), recomputed \(String(decoding: wanted, as: UTF8.self))"
                    + " (\(values.count) stored results, \(expected.values.count) recomputed)")
        }
        return .identical(deliveries: deliveries)
    }
}
