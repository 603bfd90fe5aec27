@testable import MicroBatching

/// A brute-force model of count windows, written from their definition and sharing no code with
/// the engine: per partition and key, the key's records in offset order, windows starting at every
/// `advance`-th record and holding `count`; full ones close when their last record arrives, the
/// others at the end of the input.
enum CountReference {
    static func run(_ configuration: EngineConfiguration, _ records: [InputRecord<String>]) -> [ReferenceEngine.Batch] {
        let count = Int(configuration.window.size)
        let advance = Int(configuration.window.advance)
        struct Group: Hashable {
            let partition: Int32
            let key: String?
        }
        var groups: [Group: [InputRecord<String>]] = [:]
        for record in records { groups[Group(partition: record.partition, key: record.key), default: []].append(record) }
        var batches: [ReferenceEngine.Batch] = []
        for (group, members) in groups {
            let ordered = members.sorted { $0.offset < $1.offset }
            for start in stride(from: 0, to: ordered.count, by: advance) {
                let window = ordered[start..<min(start + count, ordered.count)]
                let sorted = window.sorted { ($0.eventTime, $0.offset) < ($1.eventTime, $1.offset) }
                batches.append(
                    ReferenceEngine.Batch(
                        window: Window(start: sorted.first!.eventTime, end: sorted.last!.eventTime + 1)!, key: group.key,
                        domain: group.partition, records: sorted.map(\.payload),
                        reason: start + count <= ordered.count ? .countReached : .endOfInput))
            }
        }
        return batches
    }
}
