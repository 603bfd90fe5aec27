import Foundation
import MicroBatching

/// The wall clock, for the running service (tests and replays inject their own).
public struct SystemClock: EngineClock {
    public init() {}

    public func now() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1_000).rounded(.down))
    }
}
