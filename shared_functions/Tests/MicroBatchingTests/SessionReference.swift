@testable import MicroBatching

/// A brute-force model of session windows, written from their definition and sharing no code with
/// the engine beyond `Window`: lateness from each partition's stream time, then the sessions of
/// all on-time records, formed after the fact by sorting.
enum SessionReference {
    static func run(_ configuration: EngineConfiguration, _ records: [InputRecord<String>]) -> (
        batches: Set<ReferenceEngine.Batch>, late: Set<ReferenceEngine.Late>
    ) {
        let spec = configuration.window
        let gap = spec.gap!
        let bucket = spec.size
        let global = configuration.scope == .global
        func bucketEnd(_ time: Int64) -> Int64 {
            var start = time - time % bucket
            if start > time { start -= bucket }
            return start + bucket
        }
        var late: Set<ReferenceEngine.Late> = []
        var onTime: [InputRecord<String>] = []
        // Each partition's stream time: the largest event time of its records; in `global` scope
        // a partition's first record finds it at the global closed-through plus grace, so that
        // it cannot reopen what the other partitions closed.
        var streamTimes: [Int32: Int64] = [:]
        var globalClosed: Int64?
        for record in records {
            if global, streamTimes[record.partition] == nil, let globalClosed {
                streamTimes[record.partition] = globalClosed + spec.grace
            }
            if let streamTime = streamTimes[record.partition], record.eventTime < streamTime - spec.grace {
                let window = Window(start: record.eventTime, end: min(record.eventTime + gap, bucketEnd(record.eventTime)))!
                late.insert(
                    ReferenceEngine.Late(
                        partition: record.partition, offset: record.offset, window: window,
                        lateness: streamTime - spec.grace - record.eventTime))
            } else {
                onTime.append(record)
                streamTimes[record.partition] = max(streamTimes[record.partition] ?? .min, record.eventTime)
            }
            if let minimum = streamTimes.values.min() { globalClosed = max(globalClosed ?? .min, minimum - spec.grace) }
        }
        // Where each domain's closing stands at the end.
        var finalClosed: [Int32: Int64] = [:]
        for (partition, streamTime) in streamTimes {
            if global {
                finalClosed[0] = globalClosed
            } else {
                finalClosed[partition] = streamTime - spec.grace
            }
        }
        struct Group: Hashable {
            let domain: Int32
            let key: String?
            let bucketEnd: Int64
        }
        let groups = Dictionary(grouping: onTime) { record in
            Group(domain: global ? 0 : record.partition, key: global ? nil : record.key, bucketEnd: bucketEnd(record.eventTime))
        }
        var batches: Set<ReferenceEngine.Batch> = []
        for (group, members) in groups {
            let sorted = members.sorted { ($0.eventTime, $0.partition, $0.offset) < ($1.eventTime, $1.partition, $1.offset) }
            var session: [InputRecord<String>] = []
            func emit() {
                guard let first = session.first, let last = session.last else { return }
                let end = min(last.eventTime + gap, group.bucketEnd)
                let cut = last.eventTime + gap > group.bucketEnd
                let reason: CloseReason = end <= finalClosed[group.domain]! ? (cut ? .maximumDuration : .streamTime) : .endOfInput
                batches.insert(
                    ReferenceEngine.Batch(
                        window: Window(start: first.eventTime, end: end)!, key: group.key, domain: group.domain,
                        records: session.map(\.payload), reason: reason))
                session = []
            }
            for record in sorted {
                if let last = session.last, record.eventTime - last.eventTime >= gap { emit() }
                session.append(record)
            }
            emit()
        }
        return (batches, late)
    }
}
