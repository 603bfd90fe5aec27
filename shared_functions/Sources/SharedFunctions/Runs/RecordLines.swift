/// The records of a run: one JSON value per line of a UTF-8 buffer (`\n` separated; a final
/// newline is optional). Row numbers count lines from 0, empty ones included, so they match the
/// caller's row positions.
public struct RecordLines: Sequence {
    public let buffer: UnsafeRawBufferPointer

    public init(_ buffer: UnsafeRawBufferPointer) {
        self.buffer = buffer
    }

    public struct Iterator: IteratorProtocol {
        let buffer: UnsafeRawBufferPointer
        var start = 0
        var row = 0

        /// The next line's row number and bytes (without the newline).
        public mutating func next() -> (row: Int, line: UnsafeRawBufferPointer)? {
            guard start < buffer.count else { return nil }
            var end = start
            while end < buffer.count, buffer[end] != 0x0A { end += 1 }
            defer {
                start = end + 1
                row += 1
            }
            return (row, UnsafeRawBufferPointer(rebasing: buffer[start..<end]))
        }
    }

    public func makeIterator() -> Iterator { Iterator(buffer: buffer) }
}
