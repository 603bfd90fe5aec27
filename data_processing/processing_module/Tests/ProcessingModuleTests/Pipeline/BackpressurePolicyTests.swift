import Testing

@testable import ProcessingModule

@Suite("Backpressure policy")
struct BackpressurePolicyTests {
    @Test("over the bound the engine's partitions are paused; under it they resume")
    func pauseAndResume() {
        var policy = BackpressurePolicy(bufferLimit: 1_000)
        let over = policy.decide(now: 10_000, lastDelivery: 10_000, bufferedBytes: 1_500, wanted: [2, 0])
        #expect(over.pause == [0, 2] && over.resume.isEmpty)
        #expect(over.events == [.paused([0, 2], bufferedBytes: 1_500)])
        #expect(policy.paused == [0, 2])

        let still = policy.decide(now: 10_100, lastDelivery: 10_100, bufferedBytes: 1_400, wanted: [0, 2])
        #expect(still == BackpressurePolicy.Decision(), "nothing changes while the advice stays")

        let under = policy.decide(now: 10_200, lastDelivery: 10_200, bufferedBytes: 800, wanted: [])
        #expect(under.resume == [0, 2] && under.pause.isEmpty)
        #expect(under.events == [.resumedUnderBound([0, 2])])
        #expect(policy.paused.isEmpty)
    }

    @Test("a partition no longer advised resumes while still over the bound: it is now furthest behind")
    func resumeFurthestBehind() {
        var policy = BackpressurePolicy(bufferLimit: 1_000)
        _ = policy.decide(now: 0, lastDelivery: 0, bufferedBytes: 2_000, wanted: [1, 3])
        let shifted = policy.decide(now: 100, lastDelivery: 100, bufferedBytes: 1_800, wanted: [3, 4])
        #expect(shifted.pause == [4] && shifted.resume == [1])
        #expect(shifted.events == [.paused([4], bufferedBytes: 1_800), .resumedFurthestBehind([1])])
    }

    @Test("when the running partitions deliver nothing for the stall interval, every partition resumes for as long again")
    func stallResumesEverything() {
        var policy = BackpressurePolicy(bufferLimit: 1_000)
        _ = policy.decide(now: 0, lastDelivery: 0, bufferedBytes: 2_000, wanted: [0])
        let quiet = policy.decide(now: 900, lastDelivery: 0, bufferedBytes: 2_000, wanted: [0])
        #expect(quiet == BackpressurePolicy.Decision(), "within the stall interval the pause holds")

        let stalled = policy.decide(now: 1_001, lastDelivery: 0, bufferedBytes: 2_000, wanted: [0])
        #expect(stalled.resume == [0] && stalled.pause.isEmpty)
        #expect(stalled.events == [.stalled(bufferedBytes: 2_000), .resumedFurthestBehind([0])])

        let holding = policy.decide(now: 2_000, lastDelivery: 1_500, bufferedBytes: 2_000, wanted: [0])
        #expect(holding.pause.isEmpty, "no pause for one stall interval after the stall")
        let again = policy.decide(now: 2_002, lastDelivery: 2_000, bufferedBytes: 2_000, wanted: [0])
        #expect(again.pause == [0], "then the bound applies again")
    }

    @Test("a revoked partition is forgotten, so it is not resumed on a consumer that no longer owns it")
    func forgetRevoked() {
        var policy = BackpressurePolicy(bufferLimit: 1_000)
        _ = policy.decide(now: 0, lastDelivery: 0, bufferedBytes: 2_000, wanted: [0, 1])
        policy.forget(1)
        let under = policy.decide(now: 10, lastDelivery: 10, bufferedBytes: 10, wanted: [])
        #expect(under.resume == [0])
    }
}
