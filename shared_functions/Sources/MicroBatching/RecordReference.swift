/// A reference from an open window to a buffered record: the record's partition slot in the
/// engine and its sequence number in that partition's ``RecordArena``, packed into 8 bytes.
struct RecordReference: Hashable, Sendable {
    private static let sequenceBits: UInt64 = 48
    private let packed: UInt64

    init(slot: Int, sequence: Int64) {
        packed = UInt64(slot) << Self.sequenceBits | UInt64(sequence)
    }

    var slot: Int { Int(packed >> Self.sequenceBits) }
    var sequence: Int64 { Int64(packed & ((1 << Self.sequenceBits) - 1)) }
}
