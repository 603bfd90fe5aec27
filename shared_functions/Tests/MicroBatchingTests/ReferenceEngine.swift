@testable import MicroBatching

/// A brute-force model of the engine's semantics, written from the design brief and sharing no
/// code with the engine beyond `Window`: it recomputes stream time from scratch for every record.
struct ReferenceEngine {
    struct Batch: Hashable, CustomStringConvertible {
        let window: Window
        let key: String?
        let domain: Int32
        let records: [String]
        let reason: CloseReason
        var description: String { "\(window) key=\(key ?? "nil") domain=\(domain) \(reason) \(records)" }
    }

    struct Late: Hashable {
        let partition: Int32
        let offset: Int64
        let window: Window
        let lateness: Int64
    }

    static func run(_ configuration: EngineConfiguration, _ records: [InputRecord<String>]) -> (
        batches: Set<Batch>, late: Set<Late>
    ) {
        let spec = configuration.window
        let global = configuration.scope == .global
        var members: [Window: [String?: [Int32: [InputRecord<String>]]]] = [:]
        var late: Set<Late> = []
        var seen: [InputRecord<String>] = []
        var closedThroughByDomain: [Int32: Int64] = [:]

        func closedThrough(domain: Int32) -> Int64? {
            let relevant = global ? seen : seen.filter { $0.partition == domain }
            guard !relevant.isEmpty else { return nil }
            let partitions = Set(relevant.map(\.partition))
            let streamTimes = partitions.map { partition in
                relevant.filter { $0.partition == partition }.map(\.eventTime).max()!
            }
            return streamTimes.min()! - spec.grace
        }

        for record in records {
            let domain: Int32 = global ? 0 : record.partition
            if let current = closedThrough(domain: domain) {
                closedThroughByDomain[domain] = max(closedThroughByDomain[domain] ?? .min, current)
            }
            let closed = closedThroughByDomain[domain]
            // Every window containing the event time, by brute-force scan of starts.
            var windows: [Window] = []
            var start = record.eventTime - spec.size - spec.advance
            start -= ((start % spec.advance) + spec.advance) % spec.advance
            while start <= record.eventTime {
                if start + spec.size > record.eventTime { windows.append(Window(start: start, end: start + spec.size)!) }
                start += spec.advance
            }
            let open = windows.filter { closed == nil || $0.end > closed! }
            if open.isEmpty {
                let last = windows.max()!
                late.insert(Late(partition: record.partition, offset: record.offset, window: last, lateness: closed! - last.end))
            } else {
                for window in open {
                    members[window, default: [:]][global ? nil : record.key, default: [:]][domain, default: []].append(record)
                }
            }
            seen.append(record)
        }
        var final: [Int32: Int64] = closedThroughByDomain
        for domain in Set(records.map { global ? 0 : $0.partition }) {
            if let current = closedThrough(domain: domain) { final[domain] = max(final[domain] ?? .min, current) }
        }
        var batches: Set<Batch> = []
        for (window, byKey) in members {
            for (key, byDomain) in byKey {
                for (domain, records) in byDomain {
                    let sorted = records.sorted { ($0.eventTime, $0.partition, $0.offset) < ($1.eventTime, $1.partition, $1.offset) }
                    let reason: CloseReason = window.end <= final[domain]! ? .streamTime : .endOfInput
                    batches.insert(Batch(window: window, key: key, domain: domain, records: sorted.map(\.payload), reason: reason))
                }
            }
        }
        return (batches, late)
    }
}
