@testable import MicroBatching

/// A random multi-partition stream with out-of-order records, some within grace and some beyond.
struct RandomStream {
    let configuration: EngineConfiguration
    /// Records in arrival order; offsets count up per partition from 0.
    let records: [InputRecord<String>]

    /// `sessions`: session windows (gaps of 3 to 20, maximum durations from the gap to 1,000, so
    /// that some sessions are cut) instead of tumbling and hopping ones; `counts`: count windows
    /// of 1 to 8 records, tumbling or hopping.
    init(
        seed: UInt64, scope: BatchScope = .key, count: Int? = nil, lateProbability: Double = 0.1, sessions: Bool = false,
        counts: Bool = false
    ) throws {
        var random = SeededRandom(seed: seed)
        let advance = [5, 10, 20][random.int(0...2)] as Int64
        var size = advance * Int64(random.int(1...4))
        let grace = [0, 3, 15, 40][random.int(0...3)] as Int64
        let window: WindowSpecification
        if counts {
            let records = [1, 2, 3, 5, 8][random.int(0...4)] as Int64
            window = try .count(records, advance: random.chance(0.5) ? records : random.int64(1...records))
        } else if sessions {
            let gap = [3, 8, 20][random.int(0...2)] as Int64
            window = try .session(gap: gap, grace: grace, maximumDuration: [gap, 40, 100, 1_000][random.int(0...3)])
            size = gap * 4
        } else {
            window = try WindowSpecification(size: size, advance: advance, grace: grace)
        }
        configuration = try EngineConfiguration(window: window, scope: scope)
        let partitions = random.int(1...3)
        let keys: [String?] = [nil, "a", "b", "c", "ü"].prefix(random.int(1...5)).map { $0 }
        var clockByPartition = Array(repeating: Int64(random.int64(-50...50)), count: partitions)
        var nextOffset = Array(repeating: Int64(0), count: partitions)
        var records: [InputRecord<String>] = []
        for index in 0..<(count ?? random.int(0...120)) {
            let partition = random.int(0...(partitions - 1))
            clockByPartition[partition] += random.int64(0...6)
            var eventTime = clockByPartition[partition]
            if random.chance(0.3) { eventTime -= random.int64(0...max(grace, 1)) }  // within grace
            if random.chance(lateProbability) { eventTime -= random.int64(0...(size * 3 + grace)) }  // maybe late
            let key = keys[random.int(0...(keys.count - 1))]
            records.append(
                InputRecord(
                    partition: Int32(partition), offset: nextOffset[partition], key: key, eventTime: eventTime,
                    payload: "r\(index)", byteCount: 10 + index % 7))
            nextOffset[partition] += 1
        }
        self.records = records
    }
}
