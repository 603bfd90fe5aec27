/// A reference from an open window to a buffered record: the record's partition slot in the
/// engine and its sequence number in that partition's ``RecordArena``, packed into 8 bytes.
@usableFromInline
struct RecordReference: Hashable, Sendable {
    @usableFromInline
    static let sequenceBits: UInt64 = 48
    @usableFromInline
    let packed: UInt64

    @inlinable
    init(slot: Int, sequence: Int64) {
        packed = UInt64(slot) << Self.sequenceBits | UInt64(sequence)
    }

    @inlinable
    var slot: Int { Int(packed >> Self.sequenceBits) }
    @inlinable
    var sequence: Int64 { Int64(packed & ((1 << Self.sequenceBits) - 1)) }
}
