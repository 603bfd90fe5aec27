/// The strings a text column's codes point into: `count` entries, entry `i` being the UTF-8 bytes
/// `data[offsets[i] ..< offsets[i + 1]]`. Borrowed from the caller for one call.
public struct TextDictionary {
    public let count: Int
    let offsets: UnsafePointer<Int64>
    let data: UnsafePointer<UInt8>?

    /// A dictionary over borrowed buffers; `nil` when the offsets are absent, do not start at 0 or
    /// are not ascending (checked once here; the caller vouches that `data` holds `offsets[count]` bytes).
    init?(count: Int, offsets: UnsafePointer<Int64>?, data: UnsafePointer<UInt8>?) {
        guard count >= 0 else { return nil }
        if count == 0 {
            self.count = 0
            self.offsets = offsets ?? UnsafePointer(bitPattern: MemoryLayout<Int64>.alignment)!
            self.data = data
            return
        }
        guard let offsets, offsets[0] == 0 else { return nil }
        for index in 0..<count where offsets[index + 1] < offsets[index] { return nil }
        guard data != nil || offsets[count] == 0 else { return nil }
        self.count = count
        self.offsets = offsets
        self.data = data
    }

    /// The UTF-8 bytes of entry `code` (`0 ..< count`).
    func bytes(_ code: Int) -> UnsafeRawBufferPointer {
        let start = Int(offsets[code])
        let end = Int(offsets[code + 1])
        guard let data else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(start: data + start, count: end - start)
    }

    /// Entry `code` as a string (invalid UTF-8 is repaired, as for JSON text).
    func text(_ code: Int) -> String {
        String(decoding: bytes(code), as: UTF8.self)
    }
}
