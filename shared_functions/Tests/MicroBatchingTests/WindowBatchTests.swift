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

    @Test("a batch's records over shared storage index from 0 and hold only their range")
    func recordsOverSharedStorage() {
        let storage = (0..<10).map { BatchRecord(eventTime: Int64($0), offset: Int64($0), value: $0) }
        let middle = BatchRecords(storage: BatchStorage(storage), range: 3..<7)
        #expect(middle.count == 4 && middle.indices == 0..<4)
        #expect(middle[0].value == 3 && middle.last?.value == 6)
        #expect(Array(middle) == Array(storage[3..<7]))
        #expect(middle.withUnsafeBufferPointer { Array($0) } == Array(storage[3..<7]))
        #expect(BatchRecords(storage: BatchStorage(storage), range: 5..<5).isEmpty)
    }

    @Test("a batch made from another batch's records is sorted like one made from an array")
    func batchFromBatchRecordsIsSorted() {
        let shuffled: BatchRecords<Int> = [
            BatchRecord(eventTime: 30, offset: 1, value: 3), BatchRecord(eventTime: 10, offset: 2, value: 1),
            BatchRecord(eventTime: 20, offset: 3, value: 2),
        ]
        let batch = WindowBatch(window: window, key: nil, records: shuffled)
        #expect(batch.records.map(\.value) == [1, 2, 3])
    }
}
