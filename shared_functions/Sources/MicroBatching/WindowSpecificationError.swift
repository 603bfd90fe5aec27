/// Why a window specification was refused. The message names the bad value and what is allowed.
public struct WindowSpecificationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What was wrong.
    public enum Code: String, Hashable, Sendable {
        case sizeNotPositive = "size_not_positive"
        case advanceNotPositive = "advance_not_positive"
        case advanceLargerThanSize = "advance_larger_than_size"
        case advanceDoesNotDivideSize = "advance_does_not_divide_size"
        case graceNegative = "grace_negative"
        case durationTooLarge = "duration_too_large"
        case tooManyWindowsPerRecord = "too_many_windows_per_record"
        case gapNotPositive = "gap_not_positive"
        case gapLongerThanMaximumDuration = "gap_longer_than_maximum_duration"
        case countNotPositive = "count_not_positive"
        case countTooLarge = "count_too_large"
    }

    /// The kind of problem, stable for programs to match on.
    public let code: Code
    /// A sentence for people, naming the value and the expectation.
    public let message: String

    public var description: String { message }
}
