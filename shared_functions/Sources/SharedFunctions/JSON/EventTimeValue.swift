/// Reads an event time from a raw JSON value: a number of milliseconds since the Unix epoch, or an
/// ISO-8601 / RFC 3339 date-time string with a zone (`2023-11-14T22:13:20.5Z`,
/// `2023-11-14T22:13:20+01:00`).
///
/// A string without a zone is refused: it names no instant, and guessing one would shift windows
/// silently. Fractions of a millisecond are truncated toward the past.
public enum EventTimeValue {
    /// Parses the raw JSON value `bytes[range]`.
    public static func parse(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> Result<Int64, EventTimeError> {
        guard let first = range.first.map({ bytes[$0] }) else { return .failure(.init("the event time is empty")) }
        if first == UInt8(ascii: "\"") {
            guard range.count >= 2 else { return .failure(.init("the event time string is not terminated")) }
            return parseISO8601(bytes, (range.lowerBound + 1)..<(range.upperBound - 1))
        }
        if first == UInt8(ascii: "-") || (first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9")) {
            let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self)
            if let integer = Int64(text) { return .success(integer) }
            guard let number = Double(text), number.isFinite, abs(number) < 9.2e18 else {
                return .failure(.init("the event time \(text) is not a number of milliseconds in range"))
            }
            return .success(Int64(number.rounded(.down)))
        }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range.prefix(40)]), as: UTF8.self)
        return .failure(.init("the event time must be epoch milliseconds or an ISO-8601 string, found \(text)"))
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM|±HHMM)`.
    static func parseISO8601(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> Result<Int64, EventTimeError> {
        let text = Array(UnsafeRawBufferPointer(rebasing: bytes[range]))
        let shown = String(decoding: text.prefix(40), as: UTF8.self)
        func failure(_ reason: String) -> Result<Int64, EventTimeError> {
            .failure(.init("the event time \"\(shown)\" is not an ISO-8601 date-time with a zone: \(reason)"))
        }
        var position = 0
        func digits(_ count: Int) -> Int64? {
            guard position + count <= text.count else { return nil }
            var value: Int64 = 0
            for _ in 0..<count {
                let byte = text[position]
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int64(byte - UInt8(ascii: "0"))
                position += 1
            }
            return value
        }
        func separator(_ allowed: [UInt8]) -> Bool {
            guard position < text.count, allowed.contains(text[position]) else { return false }
            position += 1
            return true
        }
        guard let year = digits(4), separator([UInt8(ascii: "-")]), let month = digits(2), separator([UInt8(ascii: "-")]),
            let day = digits(2)
        else { return failure("expected YYYY-MM-DD") }
        guard separator([UInt8(ascii: "T"), UInt8(ascii: "t"), UInt8(ascii: " ")]), let hour = digits(2),
            separator([UInt8(ascii: ":")]), let minute = digits(2), separator([UInt8(ascii: ":")]), let second = digits(2)
        else { return failure("expected a time THH:MM:SS") }
        guard (1...12).contains(month), day >= 1, day <= daysInMonth(year: year, month: month), hour < 24, minute < 60,
            second < 61
        else { return failure("a field is out of range") }
        var milliseconds: Int64 = 0
        if separator([UInt8(ascii: "."), UInt8(ascii: ",")]) {
            var scale: Int64 = 100
            var any = false
            while position < text.count, text[position] >= UInt8(ascii: "0"), text[position] <= UInt8(ascii: "9") {
                milliseconds += Int64(text[position] - UInt8(ascii: "0")) * scale
                scale /= 10
                position += 1
                any = true
            }
            if !any { return failure("expected digits after the decimal point") }
        }
        var offsetMinutes: Int64 = 0
        guard position < text.count else { return failure("the zone is missing (add Z or an offset such as +01:00)") }
        switch text[position] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            position += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            let sign: Int64 = text[position] == UInt8(ascii: "-") ? -1 : 1
            position += 1
            guard let hours = digits(2) else { return failure("invalid zone offset") }
            _ = separator([UInt8(ascii: ":")])
            guard let minutes = digits(2), hours < 24, minutes < 60 else { return failure("invalid zone offset") }
            offsetMinutes = sign * (hours * 60 + minutes)
        default:
            return failure("unexpected characters where the zone should be")
        }
        guard position == text.count else { return failure("unexpected characters after the zone") }
        let days = daysSinceEpoch(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second - offsetMinutes * 60
        return .success(seconds * 1_000 + milliseconds)
    }

    /// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysSinceEpoch(year: Int64, month: Int64, day: Int64) -> Int64 {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func daysInMonth(year: Int64, month: Int64) -> Int64 {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

/// Why a record's event time could not be read.
public struct EventTimeError: Error, Hashable, Sendable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
