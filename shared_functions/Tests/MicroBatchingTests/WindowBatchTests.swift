import Testing

@testable import MicroBatching

@Suite("Window batch")
struct WindowBatchTests {
    let window = Window(uncheckedStart: 0, end: 1_000)

    @Test("records are sorted by event time, then partition, then offset, whatever the input order")
    func recordsAreSortedCanonically() {
        let records = [
            BatchRecord(eventTime: 20, partition: 1, offset: 7, value: "c"),
            BatchRecord(eventTime: 10, partition: 2, offset: 1, value: "b"),
            BatchRecord(eventTime: 20, partition: 0, offset: 9, value: "d0"),
            BatchRecord(eventTime: 10, partition: 0, offset: 5, value: "a"),
            BatchRecord(eventTime: 20, partition: 1, offset: 3, value: "c0"),
        ]
        let expected = ["a", "b", "d0", "c0", "c"]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20 {
            let batch = WindowBatch(window: window, key: "k", records: records.shuffled(using: &generator))
            #expect(batch.records.map(\.value) == expected)
        }
    }

    @Test("map keeps window, key, coordinates and order")
    func mapKeepsEverythingButTheValue() {
        let batch = WindowBatch(
            window: window, key: nil,
            records: [BatchRecord(eventTime: 5, partition: 1, offset: 2, key: "x", value: 1)])
        let mapped = batch.map { "\($0.value * 2)" }
        #expect(mapped.window == window && mapped.key == nil)
        #expect(mapped.records == [BatchRecord(eventTime: 5, partition: 1, offset: 2, key: "x", value: "2")])
    }
}
