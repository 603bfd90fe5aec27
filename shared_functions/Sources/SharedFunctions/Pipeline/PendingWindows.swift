/// Windows the engine has closed whose function has not run yet (``FunctionPipeline/closeBatches(now:)``).
///
/// Applying is pure: it reads only the closed batches and the function's parameters, so it may
/// run on another thread while the pipeline takes more records, and gives the same
/// ``ClosedWindow``s, in the engine's order, whatever the thread count.
public struct PendingWindows: Sendable {
    /// Records in the closed batches.
    public let records: Int
    private let body: @Sendable (Int) -> [ClosedWindow]

    init(records: Int, _ body: @escaping @Sendable (Int) -> [ClosedWindow]) {
        self.records = records
        self.body = body
    }

    /// Runs the function on every batch, on up to `threads` threads (closes under 8,192 records
    /// use one).
    public func apply(threads: Int = 1) -> [ClosedWindow] { body(threads) }
}
