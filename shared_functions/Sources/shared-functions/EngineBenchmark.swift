import Foundation
import MicroBatching
import SharedFunctions

/// The engine benchmark: pre-decoded sensor readings through the engine and `function_a`, on one
/// core, printing records per second, peak RSS and memory per buffered record.
struct EngineBenchmark {
    var records = 10_000_000
    var keys = 100_000
    /// Records per second of event time: 3,333 per second puts a million records, ten per key,
    /// in each 5-minute window.
    var recordsPerSecond: Int64 = 3_333
    /// One case only, engine alone, without the memory probe (for profiling).
    var only: Case?

    enum Case: String {
        case tumbling
        case hopping
        case sessions
        case counts

        /// Sessions need silences: a key is active 30 rounds of 40.
        var activity: Activity? { self == .sessions ? Activity() : nil }

        var window: WindowSpecification {
            get throws {
                switch self {
                case .tumbling: try .tumbling(size: 300_000)
                case .hopping: try .hopping(size: 300_000, advance: 60_000)
                // A key reads every 30 s while active: a 45 s gap chains its readings.
                case .sessions: try .session(gap: 45_000)
                // 30 readings per window, as the sessions hold.
                case .counts: try .count(30)
                }
            }
        }
    }

    func run() throws {
        print("engine benchmark: \(records) pre-decoded records, \(keys) keys, one core; keys interned from their bytes per record")
        if let only {
            let alone = try throughput(try only.window, keys: keys, runFunction: false, activity: only.activity)
            print("\(only.rawValue), engine alone: \(Int(alone.rate)) records/s, \(alone.batches) batches")
            return
        }
        try measureMemoryPerRecord()
        print("")
        print("| windows | keys | engine alone (records/s) | engine + function_a (records/s) | batches | peak RSS (MiB) |")
        print("|---|---:|---:|---:|---:|---:|")
        let tumbling = try measure("tumbling 5 min", try Case.tumbling.window, keys: keys)
        let hopping = try measure("hopping 5 min / 1 min", try Case.hopping.window, keys: keys)
        let sessions = try measure("sessions, gap 45 s (30 readings each)", try Case.sessions.window, keys: keys, activity: Case.sessions.activity)
        let counts = try measure("counts of 30 readings", try Case.counts.window, keys: keys)
        _ = try measure("tumbling 5 min", try Case.tumbling.window, keys: 1_000)
        print("")
        print("goal: tumbling, \(keys) keys, engine alone at least 5,000,000 records/s: \(Int(tumbling)) (\(tumbling >= 5e6 ? "met" : "not met"))")
        print("goal: hopping 5 min / 1 min, \(keys) keys, engine alone at least 2,000,000 records/s: \(Int(hopping)) (\(hopping >= 2e6 ? "met" : "not met"))")
        for (name, rate) in [("sessions", sessions), ("count windows", counts)] {
            let ratio = tumbling / rate
            print(
                "goal: \(name) within 1.5 times the tumbling rate (tumbling / \(name) at most 1.5): "
                    + "\(String(format: "%.2f", ratio)) (\(ratio <= 1.5 ? "met" : "not met"))")
        }
    }

    /// Prints one table row; returns the engine-alone rate.
    private func measure(_ label: String, _ window: WindowSpecification, keys: Int, activity: Activity? = nil) throws -> Double {
        let alone = try throughput(window, keys: keys, runFunction: false, activity: activity)
        let withFunction = try throughput(window, keys: keys, runFunction: true, activity: activity)
        print("| \(label) | \(keys) | \(Int(alone.rate)) | \(Int(withFunction.rate)) | \(alone.batches) | \(ProcessMemory.peakResident >> 20) |")
        return alone.rate
    }

    /// Which generated readings happen: `nil`, all of them; else a key's reading of round `index / keys`
    /// is sent while `(round + key) % period < active` (sessions: 30 rounds on, 10 off).
    struct Activity {
        var period = 40
        var active = 30
    }

    /// Records per second through the engine (closing every 65,536 records, as a module closes per
    /// poll), and through `function_a` on each closed batch when `runFunction`.
    private func throughput(
        _ window: WindowSpecification, keys: Int, runFunction: Bool, activity: Activity? = nil
    ) throws -> (rate: Double, batches: Int) {
        // The keys' bytes side by side, as a polled batch's messages hold them.
        var nameBytes: [UInt8] = []
        var nameRanges: [Range<Int>] = []
        for key in 0..<keys {
            let start = nameBytes.count
            nameBytes.append(contentsOf: "sensor-\(key)".utf8)
            nameRanges.append(start..<nameBytes.count)
        }
        var engine = MicroBatchEngine<NumericField>(configuration: try EngineConfiguration(window: window), clock: ManualClock(0))
        let parameters = FunctionA.Parameters()
        var batches = 0
        var checksum = 0.0
        var random = SplitMix64(seed: 7)
        func consume(_ closed: [ClosedBatch<NumericField>]) {
            batches += closed.count
            guard runFunction else {
                for batch in closed { checksum += Double(batch.batch.records.count) }
                return
            }
            for batch in closed { checksum += FunctionA.apply(batch.batch, parameters: parameters).first?.sum ?? 0 }
        }
        // Each poll's records are made first, untimed (the generator is not the engine); the clock
        // runs over interning the poll's keys, ingesting it, closing and consuming what closes.
        let pollSize = 1_024
        var spellings = [UnsafeRawBufferPointer](repeating: UnsafeRawBufferPointer(start: nil, count: 0), count: pollSize)
        var eventTimes = [Int64](repeating: 0, count: pollSize)
        var values = [NumericField](repeating: NumericField(0), count: pollSize)
        var ids = [KeyID?](repeating: nil, count: pollSize)
        var indices = [Int](repeating: 0, count: pollSize)
        var elapsed: UInt64 = 0
        var ingested = 0
        nameBytes.withUnsafeBytes { names in
            var next = 0
            while next < records {
                var count = 0
                while count < pollSize, next < records {
                    defer { next += 1 }
                    if let activity, (next / keys + next % keys) % activity.period >= activity.active { continue }
                    indices[count] = next
                    spellings[count] = UnsafeRawBufferPointer(rebasing: names[nameRanges[next % keys]])
                    eventTimes[count] = Int64(next) * 1_000 / recordsPerSecond
                    values[count] = NumericField(20 + Double(random.next() % 1_000) / 100)
                    count += 1
                }
                ingested += count
                let start = DispatchTime.now().uptimeNanoseconds
                spellings.withUnsafeBufferPointer { spellings in
                    ids.withUnsafeMutableBufferPointer { ids in
                        engine.keyIDs(spellings: UnsafeBufferPointer(rebasing: spellings[..<count]), into: ids)
                    }
                }
                for position in 0..<count {
                    let index = indices[position]
                    _ = engine.ingest(
                        partition: Int32(index & 7), offset: Int64(index >> 3), key: ids[position] ?? 0,
                        eventTime: eventTimes[position], payload: values[position], byteCount: 16, writtenAt: nil, now: 0)
                    if index & 0xFFFF == 0xFFFF { consume(engine.closeWindows(now: 0)) }
                }
                if next == records { consume(engine.closeAllWindows()) }
                elapsed += DispatchTime.now().uptimeNanoseconds - start
            }
        }
        let seconds = Double(elapsed) / 1e9
        if checksum.isNaN { print("unreachable: \(checksum)") }
        return (Double(ingested) / seconds, batches)
    }

    /// Measures memory per buffered record for both payload kinds, each in a fresh process so that
    /// memory freed by earlier work cannot hide growth.
    private func measureMemoryPerRecord() throws {
        for (label, payloadBytes) in [("pre-decoded NumericField", 0), ("60-byte JSON value", 60)] {
            let probe = Process()
            probe.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
            probe.arguments = ["memory-probe", String(payloadBytes), String(keys), String(heldRecords)]
            let output = Pipe()
            probe.standardOutput = output
            try probe.run()
            let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            probe.waitUntilExit()
            let perRecord = Double(text.trimmingCharacters(in: .whitespacesAndNewlines)) ?? .nan
            let goal = payloadBytes > 0 ? "at most 2 x \(payloadBytes) + 48 = \(2 * payloadBytes + 48)" : "at most 24"
            print(
                "memory per buffered record (\(label), \(heldRecords) records over \(keys) keys): "
                    + "\(String(format: "%.1f", perRecord)) bytes (goal: \(goal); \(perRecord <= (payloadBytes > 0 ? Double(2 * payloadBytes + 48) : 24) ? "met" : "not met"))")
        }
    }

    /// Records held by the memory probe: 2 million, or fewer in a short run.
    var heldRecords: Int { min(records, 2_000_000) }

    /// The body of `memory-probe`: buffers records without closing any window and prints the growth
    /// of resident memory divided by the number of records held.
    static func probeMemory(payloadBytes: Int, keys: Int, heldRecords: Int) throws {
        let names = (0..<keys).map { "sensor-\($0)" }
        let configuration = try EngineConfiguration(window: .tumbling(size: 86_400_000))
        let template = Array(repeating: UInt8(ascii: "x"), count: payloadBytes)
        let before = ProcessMemory.resident
        if payloadBytes > 0 {
            var engine = MicroBatchEngine<[UInt8]>(configuration: configuration, clock: ManualClock(0))
            for index in 0..<heldRecords {
                var value = template
                value[0] = UInt8(truncatingIfNeeded: index)
                _ = engine.ingest(
                    InputRecord(
                        partition: 0, offset: Int64(index), key: names[index % keys], eventTime: Int64(index),
                        payload: value, byteCount: payloadBytes))
            }
            print(Double(ProcessMemory.resident - before) / Double(heldRecords))
            withExtendedLifetime(engine) {}
        } else {
            var engine = MicroBatchEngine<NumericField>(configuration: configuration, clock: ManualClock(0))
            for index in 0..<heldRecords {
                _ = engine.ingest(
                    InputRecord(
                        partition: 0, offset: Int64(index), key: names[index % keys], eventTime: Int64(index),
                        payload: NumericField(Double(index)), byteCount: 16))
            }
            print(Double(ProcessMemory.resident - before) / Double(heldRecords))
            withExtendedLifetime(engine) {}
        }
    }
}
