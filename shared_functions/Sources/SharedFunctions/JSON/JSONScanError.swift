/// Why bytes are not a well-formed JSON object, with the byte offset where scanning stopped.
public struct JSONScanError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Byte offset of the problem in the scanned document.
    public let offset: Int
    /// What was expected there.
    public let message: String

    public var description: String { "\(message) at byte \(offset)" }
}
