import Dispatch

/// Runs a pure transform over the batches of one close on several threads, keeping their order:
/// the results are exactly those of a sequential `map`, so output stays byte-identical whatever
/// the thread count. Used where a close hands the function many batches at once (a notebook run
/// closes thousands of windows per call); small closes stay on the calling thread.
enum ConcurrentApplication {
    /// Closes with fewer records than this run sequentially: threads would cost more than they save.
    static let minimumRecords = 8_192

    static func map<Element: Sendable, Transformed: Sendable>(
        _ elements: [Element], threads: Int, records: Int, _ transform: @Sendable (Element) -> Transformed
    ) -> [Transformed] {
        let chunks = min(threads, elements.count)
        guard chunks > 1, records >= minimumRecords else { return elements.map(transform) }
        let results = Results<Transformed>(count: elements.count)
        let chunkSize = (elements.count + chunks - 1) / chunks
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            let range = (chunk * chunkSize)..<min(elements.count, (chunk + 1) * chunkSize)
            for index in range { results.initialize(index, to: transform(elements[index])) }
        }
        return results.take()
    }

    /// A buffer each index of which one thread initialises once.
    private final class Results<Value>: @unchecked Sendable {
        private let buffer: UnsafeMutableBufferPointer<Value>

        init(count: Int) { buffer = .allocate(capacity: count) }

        func initialize(_ index: Int, to value: Value) { (buffer.baseAddress! + index).initialize(to: value) }

        /// The values (every index must have been initialised); the buffer is released.
        func take() -> [Value] {
            let values = Array(buffer)
            _ = buffer.deinitialize()
            buffer.deallocate()
            return values
        }
    }
}
