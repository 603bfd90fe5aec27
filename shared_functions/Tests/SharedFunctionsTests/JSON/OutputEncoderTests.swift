import Foundation
import Testing

@testable import SharedFunctions

@Suite("Outputs encoded byte for byte as JSONEncoder encodes them")
struct OutputEncoderTests {
    static func reference(_ value: some Encodable) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(value))
    }

    static func expectSame(_ value: some Encodable, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let expected = try reference(value)
        let fast = try OutputEncoder.encode(value)
        #expect(
            fast == expected, "\(String(decoding: fast, as: UTF8.self)) != \(String(decoding: expected, as: UTF8.self))",
            sourceLocation: sourceLocation)
    }

    /// Doubles whose text takes every form `description` has: integers, fractions, exponents
    /// both ways, signed zero, the extremes.
    static let doubles: [Double] = [
        0, -0.0, 1, -1, 0.1, 1.5, 100, 1e15, 1e16, 1e20, 1e-7, 3e-5, 123_456_789_012_345_680, 2.5e-308,
        Double.leastNonzeroMagnitude, Double.greatestFiniteMagnitude, -Double.greatestFiniteMagnitude, 9_007_199_254_740_994,
        0.000_1, 12_345.678_9, 1.0 / 3.0,
    ]

    @Test("function outputs: every field, nulls, random values")
    func functionOutputs() throws {
        var generator = SystemRandomNumberGenerator()
        func number() -> Double? {
            switch Int.random(in: 0..<4, using: &generator) {
            case 0: nil
            case 1: Self.doubles.randomElement(using: &generator)
            case 2: Double.random(in: -1e6...1e6, using: &generator)
            default: Double(bitPattern: UInt64.random(in: 0...UInt64.max, using: &generator) & 0x7FEF_FFFF_FFFF_FFFF)
            }
        }
        for _ in 0..<2_000 {
            try Self.expectSame(
                FunctionA.Output(
                    count: Int.random(in: 0...1_000_000), invalid: Int.random(in: 0...10), sum: number(), mean: number(),
                    min: number(), max: number(), stddev: number(), p50: number(), p95: number(), p99: number(),
                    firstEventTime: Int64.random(in: -1_000_000_000_000...4_000_000_000_000),
                    lastEventTime: Int64.random(in: 0...Int64.max)))
            try Self.expectSame(
                FunctionB.Output(
                    key: Bool.random() ? nil : "sensor-\(Int.random(in: 0...99))", eventTime: Int64.random(in: 0...Int64.max),
                    value: number() ?? 0, score: number() ?? 1, median: number() ?? 2, mad: number() ?? 3))
        }
    }

    struct Shapes: Encodable {
        var text: String
        var absent: Double?
        var small: Int8 = -128
        var large: UInt64 = .max
        var smallest: Int = .min
        var single: Float = 0.1
        var list: [Double?] = [1, nil, 2.5]
        var nested: [String: [Int]] = ["b": [1, 2], "a": [], "/": [3]]
        var numbered: [Int: String] = [10: "ten", 2: "two"]
        var empty: [String: Int] = [:]
        var flags: Set<Bool> = [true]

        enum CodingKeys: String, CodingKey { case text, absent, small, large, smallest, single, list, nested, numbered, empty, flags }
    }

    @Test("strings, escapes, integer widths, nested containers, absent optionals, integer keys")
    func shapes() throws {
        let texts = [
            "", "plain", "quote \" and backslash \\", "slash / stays", "\u{0}\u{1}\u{8}\u{9}\u{A}\u{C}\u{D}\u{1F}\u{7F}",
            "é ü 漢字 🎉", "line\u{2028}separator",
        ]
        for text in texts { try Self.expectSame(Shapes(text: text)) }
        try Self.expectSame(["z": 1, "a": 2, "B": 3, "aa": 4, "a0": 5, "é": 6])
        try Self.expectSame([[1.5, 2], [], [-0.0]])
        try Self.expectSame(Self.doubles)
    }

    struct Manual: Encodable {
        enum Key: String, CodingKey { case a, b, c, d, e, f, g, h, i }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(Int?.none, forKey: .d)
            try container.encode(Int?.some(-3), forKey: .e)
            try container.encode(Int64?.none, forKey: .f)
            try container.encode(Int64?.some(.max), forKey: .g)
            try container.encode(String?.some("x\u{8}"), forKey: .h)
            try container.encode(Double?.some(2.5e-8), forKey: .i)
            try container.encode(1, forKey: .b)
            try container.encode("first", forKey: .a)
            try container.encode("second", forKey: .a)
            var inner = container.nestedContainer(keyedBy: Key.self, forKey: .c)
            try inner.encodeNil(forKey: .a)
            var list = inner.nestedUnkeyedContainer(forKey: .b)
            try list.encode(true)
            var deeper = list.nestedContainer(keyedBy: Key.self)
            try deeper.encode(2.0, forKey: .c)
            try Base(value: 7).encode(to: container.superEncoder())
        }
    }

    struct Base: Encodable { var value: Int }

    @Test("members written by hand: a repeated name keeps the last value, nested and super containers")
    func manualEncoding() throws {
        try Self.expectSame(Manual())
    }

    struct Special: Encodable {
        var date = Date(timeIntervalSince1970: 1_700_000_000.25)
        var data = Data([1, 2, 3])
        var url = URL(string: "https://example.com/a")!
        var decimal = Decimal(string: "1.10")!
    }

    @Test("types JSONEncoder encodes its own way and non-finite numbers fall back to it, with its bytes and errors")
    func fallsBack() throws {
        #expect(throws: OutputEncoder.Unsupported.self) { try OutputEncoder.encode(Special()) }
        #expect(try FunctionCodec<FunctionA>.encode(FunctionA.Output.sample(mean: 1)) == Self.reference(FunctionA.Output.sample(mean: 1)))
        for value in [Double.nan, .infinity, -.infinity] {
            #expect(throws: OutputEncoder.Unsupported.self) { try OutputEncoder.encode(FunctionA.Output.sample(mean: value)) }
            let fallback = #expect(throws: (any Error).self) { try FunctionCodec<FunctionA>.encode(.sample(mean: value)) }
            let reference = #expect(throws: (any Error).self) { try Self.reference(FunctionA.Output.sample(mean: value)) }
            #expect(fallback.map { "\($0)" } == reference.map { "\($0)" })
        }
        #expect(throws: OutputEncoder.Unsupported.self) { try OutputEncoder.encode(Nothing()) }
    }

    struct Nothing: Encodable {
        func encode(to encoder: any Encoder) throws {}
    }
}

extension FunctionA.Output {
    static func sample(mean: Double) -> Self {
        Self(
            count: 1, invalid: 0, sum: mean, mean: mean, min: mean, max: mean, stddev: nil, p50: mean, p95: mean, p99: mean,
            firstEventTime: 0, lastEventTime: 0)
    }
}
