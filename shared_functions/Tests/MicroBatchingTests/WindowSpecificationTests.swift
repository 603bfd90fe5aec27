import Foundation
import Testing

@testable import MicroBatching

@Suite("Window specification")
struct WindowSpecificationTests {
    @Test(
        "invalid specifications are refused with the bad value named",
        arguments: [
            (0, 0, 0, WindowSpecificationError.Code.sizeNotPositive, "size 0 ms"),
            (-5, -5, 0, .sizeNotPositive, "size -5 ms"),
            (300_000, 0, 0, .advanceNotPositive, "advance 0 ms"),
            (300_000, -60_000, 0, .advanceNotPositive, "advance -60000 ms"),
            (300_000, 70_000, 0, .advanceDoesNotDivideSize, "size 300000 ms, advance 70000 ms"),
            (60_000, 300_000, 0, .advanceLargerThanSize, "size 60000 ms, advance 300000 ms"),
            (300_000, 300_000, -1, .graceNegative, "grace -1 ms"),
            (Int64(1) << 53, Int64(1) << 53, 0, .durationTooLarge, "size 9007199254740992 ms"),
            (86_400_000, 1, 0, .tooManyWindowsPerRecord, "= 86400000"),
        ] as [(Int64, Int64, Int64, WindowSpecificationError.Code, String)])
    func invalidSpecificationIsRefused(
        size: Int64, advance: Int64, grace: Int64, code: WindowSpecificationError.Code, mention: String
    ) {
        #expect {
            try WindowSpecification(size: size, advance: advance, grace: grace)
        } throws: { error in
            guard let error = error as? WindowSpecificationError else { return false }
            return error.code == code && error.message.contains(mention)
        }
    }

    @Test(
        "tumbling assignment puts each time in exactly one epoch-aligned window",
        arguments: [
            (0, 0, 300_000),
            (1, 0, 300_000),
            (299_999, 0, 300_000),
            (300_000, 300_000, 600_000),
            (-1, -300_000, 0),
            (-300_000, -300_000, 0),
            (-300_001, -600_000, -300_000),
            (1_700_000_123_456, 1_700_000_100_000, 1_700_000_400_000),
        ] as [(Int64, Int64, Int64)])
    func tumblingAssignment(eventTime: Int64, start: Int64, end: Int64) throws {
        let specification = try WindowSpecification.tumbling(size: 300_000)
        let windows = specification.windows(containing: eventTime)
        #expect(windows.count == 1)
        #expect(windows.first?.start == start)
        #expect(windows.first?.end == end)
        #expect(windows.allSatisfy { $0.contains(eventTime) })
    }

    @Test(
        "hopping assignment lists every window containing the time, earliest first",
        arguments: [
            (0, [-240_000, -180_000, -120_000, -60_000, 0]),
            (59_999, [-240_000, -180_000, -120_000, -60_000, 0]),
            (60_000, [-180_000, -120_000, -60_000, 0, 60_000]),
            (-1, [-300_000, -240_000, -180_000, -120_000, -60_000]),
            (301_000, [60_000, 120_000, 180_000, 240_000, 300_000]),
        ] as [(Int64, [Int64])])
    func hoppingAssignment(eventTime: Int64, starts: [Int64]) throws {
        let specification = try WindowSpecification.hopping(size: 300_000, advance: 60_000)
        let windows = specification.windows(containing: eventTime)
        #expect(windows.map(\.start) == starts)
        #expect(windows.allSatisfy { $0.end - $0.start == 300_000 && $0.contains(eventTime) })
        #expect(specification.latestWindow(containing: eventTime) == windows.last)
        #expect(specification.windowsPerRecord == 5)
    }

    @Test("assignment agrees with a brute-force scan of window starts")
    func assignmentMatchesBruteForce() throws {
        let specification = try WindowSpecification.hopping(size: 12, advance: 4)
        for eventTime in Int64(-50)...50 {
            let expected = (Int64(-80)...80).filter { $0 % 4 == 0 && $0 <= eventTime && eventTime < $0 + 12 }
            #expect(specification.windows(containing: eventTime).map(\.start) == expected, "event time \(eventTime)")
        }
    }

    @Test("windows are half-open and order by end, then start")
    func windowOrderingAndBounds() throws {
        let window = try #require(Window(start: 0, end: 10))
        #expect(window.contains(0) && window.contains(9) && !window.contains(10) && !window.contains(-1))
        #expect(Window(start: 5, end: 5) == nil)
        #expect(Window(start: 6, end: 5) == nil)
        let later = try #require(Window(start: -5, end: 11))
        #expect(window < later)
        #expect(try #require(Window(start: 2, end: 10)) > window)
    }

    @Test("a specification round-trips through JSON and invalid JSON specifications are refused")
    func specificationCoding() throws {
        let specification = try WindowSpecification.hopping(size: 300_000, advance: 60_000, grace: 5_000)
        let data = try JSONEncoder().encode(specification)
        #expect(try JSONDecoder().decode(WindowSpecification.self, from: data) == specification)
        let tumbling = try JSONDecoder().decode(WindowSpecification.self, from: Data(#"{"size": 1000}"#.utf8))
        #expect(tumbling.isTumbling && tumbling.grace == 0)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(WindowSpecification.self, from: Data(#"{"size": 1000, "advance": 300}"#.utf8))
        }
    }

    @Test("floor division is correct on both sides of the epoch")
    func floorDivision() {
        #expect(EventTime.floor(7, toMultipleOf: 5) == 5)
        #expect(EventTime.floor(-7, toMultipleOf: 5) == -10)
        #expect(EventTime.floor(-5, toMultipleOf: 5) == -5)
        #expect(EventTime.floor(0, toMultipleOf: 5) == 0)
    }

    @Test(
        "session specifications refuse a gap that is not positive or longer than the maximum duration",
        arguments: [
            (0, 0, 86_400_000, WindowSpecificationError.Code.gapNotPositive, "gap 0 ms"),
            (-5, 0, 86_400_000, .gapNotPositive, "gap -5 ms"),
            (10, -1, 86_400_000, .graceNegative, "grace -1 ms"),
            (10, 0, 0, .sizeNotPositive, "maximum duration 0 ms"),
            (7_200_000, 0, 3_600_000, .gapLongerThanMaximumDuration, "gap 7200000 ms, maximum duration 3600000 ms"),
            (Int64(1) << 53, 0, Int64(1) << 53, .durationTooLarge, "gap 9007199254740992 ms"),
        ] as [(Int64, Int64, Int64, WindowSpecificationError.Code, String)])
    func invalidSessionIsRefused(gap: Int64, grace: Int64, maximumDuration: Int64, code: WindowSpecificationError.Code, mention: String) {
        #expect {
            try WindowSpecification.session(gap: gap, grace: grace, maximumDuration: maximumDuration)
        } throws: { error in
            guard let error = error as? WindowSpecificationError else { return false }
            return error.code == code && error.message.contains(mention)
        }
    }

    @Test("a session specification describes itself and round-trips through JSON")
    func sessionDescriptionAndCoding() throws {
        let sessions = try WindowSpecification.session(gap: 1_800_000, grace: 60_000)
        #expect(sessions.isSession && !sessions.isTumbling && sessions.maximumDuration == 86_400_000 && sessions.windowsPerRecord == 1)
        #expect(sessions.description == "session(gap: 1800000 ms, maximum duration: 86400000 ms, grace: 60000 ms)")
        let decoded = try JSONDecoder().decode(WindowSpecification.self, from: try JSONEncoder().encode(sessions))
        #expect(decoded == sessions)
        let fromGapOnly = try JSONDecoder().decode(WindowSpecification.self, from: Data(#"{"gap": 1000}"#.utf8))
        #expect(fromGapOnly == (try .session(gap: 1_000)))
    }

    @Test(
        "count specifications refuse a count or advance that is not positive, too large, or an advance past the count",
        arguments: [
            (0, nil, WindowSpecificationError.Code.countNotPositive, "count 0"),
            (-3, nil, .countNotPositive, "count -3"),
            (10, 0, .countNotPositive, "advance 0"),
            (10, 11, .advanceLargerThanSize, "count 10, advance 11"),
            (2_000_000, nil, .countTooLarge, "at most 1000000 records"),
            (100_000, 1, .tooManyWindowsPerRecord, "at most 10000 count windows"),
        ] as [(Int64, Int64?, WindowSpecificationError.Code, String)])
    func invalidCountIsRefused(count: Int64, advance: Int64?, code: WindowSpecificationError.Code, mention: String) {
        #expect {
            try WindowSpecification.count(count, advance: advance)
        } throws: { error in
            guard let error = error as? WindowSpecificationError else { return false }
            return error.code == code && error.message.contains(mention)
        }
    }

    @Test("a count specification describes itself and round-trips through JSON")
    func countDescriptionAndCoding() throws {
        let tumbling = try WindowSpecification.count(100)
        let hopping = try WindowSpecification.count(100, advance: 30)
        #expect(tumbling.isCount && tumbling.kind == .count && !tumbling.isTumbling && !tumbling.isSession && tumbling.grace == 0)
        #expect(hopping.windowsPerRecord == 4, "records 90 to 99 are in the windows starting at 0, 30, 60 and 90")
        #expect(tumbling.description == "count(100 records)" && hopping.description == "count(100 records, advance: 30 records)")
        for window in [tumbling, hopping] {
            #expect(try JSONDecoder().decode(WindowSpecification.self, from: try JSONEncoder().encode(window)) == window)
        }
        #expect(tumbling != (try .tumbling(size: 100)), "100 records are not 100 ms")
    }
}
