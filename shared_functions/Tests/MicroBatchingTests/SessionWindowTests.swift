import Testing

@testable import MicroBatching

@Suite("Session windows against the brute-force reference, under permutation and across crashes")
struct SessionWindowTests {
    @Test("sessions, late records and lateness agree with the reference on random streams", arguments: [BatchScope.key, .global])
    func agreesWithReference(scope: BatchScope) throws {
        var totals = (batches: 0, late: 0, merged: 0, cut: 0, endOfInput: 0)
        for seed in UInt64(1)...300 {
            let stream = try RandomStream(seed: seed, scope: scope, sessions: true)
            var driver = EngineTestDriver(stream.configuration)
            var random = SeededRandom(seed: seed ^ 0x5E55)
            for record in stream.records { driver.ingest(record, close: random.chance(0.5)) }
            driver.finish()
            let expected = SessionReference.run(stream.configuration, stream.records)
            #expect(Set(driver.batches) == expected.batches, "seed \(seed) \(stream.configuration)")
            #expect(driver.batches.count == expected.batches.count, "seed \(seed): a session was emitted twice")
            #expect(Set(driver.late) == expected.late, "seed \(seed)")
            let accounted = (driver.outcomes["buffered"] ?? 0) + (driver.outcomes["late"] ?? 0)
            #expect(accounted == stream.records.count, "seed \(seed): every record gets one outcome")
            #expect(driver.engine.bufferedRecords == 0 && driver.engine.openWindowCount == 0, "seed \(seed): everything released")
            totals.batches += driver.batches.count
            totals.late += driver.late.count
            totals.merged += driver.batches.filter { $0.records.count >= 3 }.count
            totals.cut += driver.batches.filter { $0.reason == .maximumDuration }.count
            totals.endOfInput += driver.batches.filter { $0.reason == .endOfInput }.count
        }
        // The streams must exercise every path, or agreement proves little.
        #expect(totals.batches > 1_000 && totals.late > 100 && totals.merged > 200 && totals.cut > 20 && totals.endOfInput > 100)
    }

    @Test("a record that bridges two sessions merges them; one arriving after its session closed is late")
    func bridgingAndLateRecords() throws {
        let configuration = try EngineConfiguration(window: .session(gap: 10, grace: 20))
        var driver = EngineTestDriver(configuration)
        func record(_ offset: Int64, _ key: String, _ eventTime: Int64) -> InputRecord<String> {
            InputRecord(partition: 0, offset: offset, key: key, eventTime: eventTime, payload: "\(key)\(eventTime)")
        }
        driver.ingest(record(0, "a", 0))
        driver.ingest(record(1, "a", 15))  // 15 - 0 >= gap: a second session
        driver.ingest(record(2, "b", 3))
        driver.ingest(record(3, "a", 7))  // overlaps [0, 10) and [15, 25): one session [0, 25)
        #expect(driver.batches.isEmpty)
        driver.ingest(record(4, "b", 50))  // stream time 50: closed through 30, both sessions end by then
        #expect(driver.batches.map(\.window) == [Window(start: 3, end: 13)!, Window(start: 0, end: 25)!])
        #expect(driver.batches.map(\.records) == [["b3"], ["a0", "a7", "a15"]])
        driver.ingest(record(5, "a", 20))  // 20 < 50 - 20: more than grace behind stream time, its session had closed
        #expect(driver.late == [ReferenceEngine.Late(partition: 0, offset: 5, window: Window(start: 20, end: 30)!, lateness: 10)])
    }

    @Test("a session never crosses a multiple of its maximum duration, and says so when cut")
    func maximumDurationCutsSessions() throws {
        let configuration = try EngineConfiguration(window: .session(gap: 10, maximumDuration: 100))
        var driver = EngineTestDriver(configuration)
        for (offset, time) in [Int64(90), 95, 99, 104, 108, 250].enumerated() {
            driver.ingest(InputRecord(partition: 0, offset: Int64(offset), key: "k", eventTime: time, payload: "\(time)"))
        }
        #expect(driver.batches.map(\.window) == [Window(start: 90, end: 100)!, Window(start: 104, end: 118)!])
        #expect(driver.batches.map(\.reason) == [.maximumDuration, .streamTime])
    }

    @Test("permuting records within grace gives byte-identical sessions", arguments: [BatchScope.key, .global])
    func permutationWithinGraceIsInvisible(scope: BatchScope) throws {
        for seed in UInt64(1)...200 {
            var random = SeededRandom(seed: seed)
            let grace = Int64([5, 20, 60][random.int(0...2)])
            let configuration = try EngineConfiguration(
                window: .session(gap: Int64([4, 10, 30][random.int(0...2)]), grace: grace, maximumDuration: [60, 1_000][random.int(0...1)]),
                scope: scope)
            let partitions = scope == .global ? 1 : random.int(1...3)
            var events: [TimedEvent] = []
            var time = Array(repeating: Int64(0), count: partitions)
            for _ in 0..<random.int(20...150) {
                let partition = random.int(0...(partitions - 1))
                time[partition] += random.int64(1...(random.chance(0.1) ? 40 : 6))  // some silences end sessions
                events.append(TimedEvent(partition: Int32(partition), eventTime: time[partition], key: ["a", "b", "c"][random.int(0...2)]))
            }
            PermutationCheck.expectInvariant(events, configuration, random: &random, seed: seed)
        }
    }

    @Test("a crash at any point followed by restore and replay loses, splits and repeats no session", arguments: [BatchScope.key, .global])
    func crashAnywhere(scope: BatchScope) throws {
        var replayedRecords = 0
        var lateRecords = 0
        for seed in UInt64(1)...60 {
            let stream = try RandomStream(seed: seed, scope: scope, count: 60, sessions: true)
            let reference = EngineRecoveryTests.uninterrupted(stream)
            lateRecords += reference.late.count
            for crashAt in 0...stream.records.count {
                for commitEvery in [1, 7] {
                    let combined = try EngineRecoveryTests.crashed(stream, crashAt: crashAt, commitEvery: commitEvery)
                    #expect(combined.batches == reference.batches, "seed \(seed) crash at \(crashAt) commit every \(commitEvery)")
                    #expect(combined.late == reference.late, "seed \(seed) crash at \(crashAt) commit every \(commitEvery)")
                    replayedRecords += combined.outcomes["alreadyHandled"] ?? 0
                }
            }
        }
        #expect(replayedRecords > 1_000 && lateRecords > 20, "restores must skip handled records, and late ones must occur")
    }

    @Test("a quiet partition closes all its sessions, and what would have joined them is late")
    func idlePartitionClosesItsSessions() throws {
        let clock = ManualClock(0)
        let configuration = try EngineConfiguration(window: .session(gap: 100, grace: 10), idleTimeout: 1_000)
        var driver = EngineTestDriver(configuration, clock: clock)
        func record(_ offset: Int64, _ key: String, _ eventTime: Int64) -> InputRecord<String> {
            InputRecord(partition: 0, offset: offset, key: key, eventTime: eventTime, payload: "\(key)\(eventTime)")
        }
        driver.ingest(record(0, "a", 0))
        driver.ingest(record(1, "b", 50))
        clock.advance(by: 999)
        driver.closeWindows()
        #expect(driver.batches.isEmpty, "not quiet yet")
        clock.advance(by: 1)
        driver.closeWindows()
        #expect(driver.batches.map(\.window) == [Window(start: 0, end: 100)!, Window(start: 50, end: 150)!])
        #expect(driver.batches.allSatisfy { $0.reason == .idleTimeout })
        #expect(driver.engine.checkpoint(of: 0)?.committedOffset == 2, "nothing held: the commit moves past every record")
        driver.ingest(record(2, "a", 120))  // would have joined b's closed session end 150: late
        #expect(driver.late.map(\.offset) == [2])
        driver.ingest(record(3, "a", 150))
        #expect(driver.late.count == 1 && driver.engine.bufferedRecords == 1)
    }

    @Test("in global scope a quiet partition holding nothing stops holding closing back; all quiet closes everything")
    func globalIdleRules() throws {
        let clock = ManualClock(0)
        let configuration = try EngineConfiguration(window: .session(gap: 10), scope: .global, idleTimeout: 1_000)
        var driver = EngineTestDriver(configuration, clock: clock)
        driver.engine.assign(0)
        driver.engine.assign(1)
        driver.ingest(InputRecord(partition: 0, offset: 0, key: "a", eventTime: 0, payload: "p0"))
        driver.ingest(InputRecord(partition: 0, offset: 1, key: "a", eventTime: 30, payload: "p30"))
        #expect(driver.batches.isEmpty, "partition 1 has no stream time: it holds closing back")
        clock.advance(by: 500)
        driver.ingest(InputRecord(partition: 0, offset: 2, key: "a", eventTime: 31, payload: "p31"))
        clock.advance(by: 500)
        driver.closeWindows()
        #expect(driver.batches.map(\.window) == [Window(start: 0, end: 10)!], "partition 1 is quiet and holds nothing")
        // Its stream time moved to where closing stands: an old record of it is late.
        driver.ingest(InputRecord(partition: 1, offset: 0, key: "b", eventTime: 5, payload: "q5"))
        #expect(driver.late.map(\.partition) == [1])
        clock.advance(by: 1_000)
        driver.closeWindows()
        #expect(driver.batches.map(\.window) == [Window(start: 0, end: 10)!, Window(start: 30, end: 41)!])
        #expect(driver.batches.last?.reason == .idleTimeout && driver.engine.bufferedRecords == 0)
    }

    @Test("revoking a partition in global scope drops its records and re-forms the sessions they joined")
    func globalRevokeReformsSessions() throws {
        let configuration = try EngineConfiguration(window: .session(gap: 10), scope: .global)
        var engine = MicroBatchEngine<String>(configuration: configuration, clock: ManualClock())
        _ = engine.ingest(InputRecord(partition: 0, offset: 0, key: nil, eventTime: 0, payload: "a"))
        _ = engine.ingest(InputRecord(partition: 1, offset: 0, key: nil, eventTime: 8, payload: "bridge"))
        _ = engine.ingest(InputRecord(partition: 0, offset: 1, key: nil, eventTime: 16, payload: "b"))
        #expect(engine.openWindowCount == 1)
        engine.revoke(1)
        #expect(engine.openWindowCount == 2 && engine.bufferedRecords == 2)
        #expect(engine.progress(of: 0)?.committableOffset == 0)
        let closed = engine.closeAllWindows()
        #expect(closed.map(\.batch.window) == [Window(start: 0, end: 10)!, Window(start: 16, end: 26)!])
    }

    @Test("compacting the key table keeps every open session's key, in both scopes", arguments: [BatchScope.key, .global])
    func keyCompactionKeepsSessions(scope: BatchScope) throws {
        let configuration = try EngineConfiguration(window: .session(gap: 100), scope: scope)
        var engine = MicroBatchEngine<String>(configuration: configuration, clock: ManualClock())
        var emitted: [ClosedBatch<String>] = []
        // 70,000 keys, each one reading: sessions close as stream time passes them, and the table
        // (past 65,536 keys) is compacted at a close while the newest sessions are still open.
        for index in 0..<70_000 {
            let key = "key-\(index)"
            _ = engine.ingest(InputRecord(partition: 0, offset: Int64(index), key: key, eventTime: Int64(index) * 200, payload: key))
            if index % 5_000 == 4_999 { emitted += engine.closeWindows() }
        }
        #expect(engine.keys.count < 70_001, "the table was compacted")
        _ = engine.ingest(InputRecord(partition: 0, offset: 70_000, key: "key-3", eventTime: 70_000 * 200, payload: "key-3"))
        emitted += engine.closeAllWindows()
        #expect(emitted.reduce(0) { $0 + $1.batch.records.count } == 70_001)
        for closed in emitted {
            #expect(closed.batch.records.allSatisfy { $0.key == $0.value }, "\(closed.batch.window)")
            if scope == .key { #expect(closed.batch.key == closed.batch.records.first?.value) }
        }
    }
}
