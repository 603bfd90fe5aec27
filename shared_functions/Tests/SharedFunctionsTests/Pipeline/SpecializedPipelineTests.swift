import MicroBatching
import Testing

@testable import SharedFunctions

@Suite("Specialised pipelines: every registered function has one, and it computes what the generic one does")
struct SpecializedPipelineTests {
    @Test("every function of the standard registry runs a pipeline compiled for its input")
    func everyFunctionIsSpecialized() throws {
        for name in FunctionRegistry.standard.names {
            #expect(try FunctionRegistry.standard.prepare(name).isSpecialized, "\(name) lacks `extension \(name): SpecializedFunction`")
        }
    }

    @Test("the specialised and the generic pipeline give the same windows, outputs and refusals")
    func sameAsGeneric() throws {
        let window = try WindowSpecification(size: 10_000, advance: 5_000, grace: 1_000)
        let engine = try EngineConfiguration(window: window)
        let layout = RecordLayout(eventTimeField: "ts")
        let codec = FunctionCodec<FunctionB>(parameters: FunctionB.Parameters())
        var specialized: any FunctionPipeline = try FunctionRegistry.standard.prepare("function_b").makePipeline(
            layout: layout, engine: engine, clock: ManualClock(0))
        var generic: any FunctionPipeline = TypedFunctionPipeline(codec: codec, layout: layout, engine: engine, clock: ManualClock(0))
        #expect(!(generic is FunctionB.Pipeline) && specialized is FunctionB.Pipeline)
        var random = SystemRandomNumberGenerator()
        var outcomes: [[String]] = [[], []]
        for offset in 0..<5_000 {
            let time = offset * 37 + Int.random(in: -900...0, using: &random)
            let value = offset % 97 == 0 ? #"{"ts": \#(time)}"# : #"{"ts": \#(time), "value": \#(Double(offset % 13) * 1.5)}"#
            let key = "sensor-\(offset % 7)"
            outcomes[0] += Self.offer(key, value, partition: Int32(offset % 3), offset: offset, into: &specialized)
            outcomes[1] += Self.offer(key, value, partition: Int32(offset % 3), offset: offset, into: &generic)
        }
        outcomes[0] += specialized.closeAllWindows().map(Self.describe)
        outcomes[1] += generic.closeAllWindows().map(Self.describe)
        #expect(outcomes[0].count > 5_000)
        #expect(outcomes[0] == outcomes[1])
    }

    /// Offers one record; every 500th closes what it can. Names what happened.
    static func offer(_ key: String, _ value: String, partition: Int32, offset: Int, into pipeline: inout any FunctionPipeline)
        -> [String]
    {
        let admission = Array(key.utf8).withUnsafeBytes { key in
            Array(value.utf8).withUnsafeBytes { value in
                pipeline.offer(
                    key: key, value: value, transportTimestamp: nil, partition: partition, offset: Int64(offset), writtenAt: nil,
                    now: 0)
            }
        }
        return [String(describing: admission)] + (offset % 500 == 0 ? pipeline.closeWindows(now: 0).map(describe) : [])
    }

    static func describe(_ window: ClosedWindow) -> String {
        let outputs = (try? window.outcome.get()).map { $0.map { String(decoding: $0, as: UTF8.self) } }
        return "\(window.window) \(window.key ?? "-") \(window.recordCount) \(window.reason) \(outputs ?? [])"
    }
}
