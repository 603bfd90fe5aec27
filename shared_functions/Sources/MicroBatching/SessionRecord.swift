/// A record held by a session: what its batch needs, and where its slot's ``HeldLog`` keeps it.
@usableFromInline
struct SessionRecord<Payload> {
    @usableFromInline var eventTime: Int64
    @usableFromInline var offset: Int64
    /// Its position in its slot's ``HeldLog``.
    @usableFromInline var serial: Int
    @usableFromInline var key: KeyID
    @usableFromInline var slot: Int32
    @usableFromInline var byteCount: Int32
    @usableFromInline var payload: Payload

    @inlinable
    init(eventTime: Int64, offset: Int64, serial: Int, key: KeyID, slot: Int32, byteCount: Int32, payload: Payload) {
        (self.eventTime, self.offset, self.serial, self.key, self.slot) = (eventTime, offset, serial, key, slot)
        (self.byteCount, self.payload) = (byteCount, payload)
    }
}
