import Testing

@testable import MicroBatching

/// Panes and count windows keep their records in class instances written in place; the engine
/// copies one before writing it when shared, so a copied engine is independent of its original.
@Suite("Engine value semantics")
struct EngineValueSemanticsTests {
    @Test(
        "a copy of an engine with open windows and the original go on independently",
        arguments: [try! WindowSpecification.tumbling(size: 10), try! .hopping(size: 20, advance: 5), try! .count(3, advance: 2)])
    func copiesAreIndependent(window: WindowSpecification) throws {
        let configuration = try EngineConfiguration(window: window)
        let records = (0..<60).map { index in
            InputRecord(partition: 0, offset: Int64(index), key: "k\(index % 3)", eventTime: Int64(index), payload: "r\(index)")
        }
        func outputs(_ engine: inout MicroBatchEngine<String>, _ records: ArraySlice<InputRecord<String>>) -> [[String]] {
            for record in records { _ = engine.ingest(record) }
            return engine.closeAllWindows().map { $0.batch.records.map(\.value) }
        }
        var original = MicroBatchEngine<String>(configuration: configuration, clock: ManualClock())
        for record in records.prefix(30) { _ = original.ingest(record) }
        var copy = original
        // The copy takes other records first: writing into shared columns or rings must not leak.
        _ = copy.ingest(InputRecord(partition: 0, offset: 30, key: "k0", eventTime: 30, payload: "other"))
        let fromOriginal = outputs(&original, records.dropFirst(30))

        var reference = MicroBatchEngine<String>(configuration: configuration, clock: ManualClock())
        for record in records.prefix(30) { _ = reference.ingest(record) }
        #expect(fromOriginal == outputs(&reference, records.dropFirst(30)))
        let fromCopy = copy.closeAllWindows().flatMap { $0.batch.records.map(\.value) }
        #expect(fromCopy.contains("other") && !fromOriginal.joined().contains("other"))
    }
}
