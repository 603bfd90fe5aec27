import Synchronization

/// The outcome of work running on a thread of its own, awaited by a task: delivered once, by
/// whichever comes first, the thread finishing or the task giving up on it (``abandon(_:)``).
final class ThreadCompletion<Value: Sendable>: Sendable {
    private enum State {
        case running
        case waiting(CheckedContinuation<Value, any Error>)
        case finished(Result<Value, any Error>)
    }

    private let state = Mutex(State.running)

    /// Called by the thread with its result; returns false when the outcome was already delivered.
    @discardableResult
    func finish(_ result: Result<Value, any Error>) -> Bool {
        let (delivered, waiter): (Bool, CheckedContinuation<Value, any Error>?) = state.withLock { state in
            switch state {
            case .running:
                state = .finished(result)
                return (true, nil)
            case .waiting(let continuation):
                state = .finished(result)
                return (true, continuation)
            case .finished:
                return (false, nil)
            }
        }
        waiter?.resume(with: result)
        return delivered
    }

    /// Stops waiting for the thread: ``value`` throws `error` (the thread may still be running).
    /// Returns false when the thread had finished already.
    func abandon(_ error: any Error) -> Bool {
        finish(.failure(error))
    }

    /// The thread's result, or the error it was abandoned with.
    var value: Value {
        get async throws {
            try await withCheckedThrowingContinuation { continuation in
                let done: Result<Value, any Error>? = state.withLock { state in
                    switch state {
                    case .running:
                        state = .waiting(continuation)
                        return nil
                    case .waiting:
                        preconditionFailure("ThreadCompletion.value is awaited once")
                    case .finished(let result):
                        return result
                    }
                }
                if let done { continuation.resume(with: done) }
            }
        }
    }
}
