import Foundation

@testable import SharedFunctions

/// The C ABI's envelopes decoded for assertions.
struct RunEnvelope: Decodable {
    struct Failure: Decodable, Equatable {
        let kind: String
        let message: String
        let context: [String: JSONValue]
    }

    struct Windows: Decodable {
        let windows: [ClosedWindow]
        let late: [Late]
        let deadLetters: [DeadLetter]
        let counts: [String: Int]

        enum CodingKeys: String, CodingKey {
            case windows, late, counts
            case deadLetters = "dead_letters"
        }
    }

    struct ClosedWindow: Decodable, Equatable {
        let windowStart: Int64
        let windowEnd: Int64
        let key: String?
        let closeReason: String
        let recordCount: Int
        let outputs: [JSONValue]
        let error: Failure?

        enum CodingKeys: String, CodingKey {
            case key, outputs, error
            case windowStart = "window_start"
            case windowEnd = "window_end"
            case closeReason = "close_reason"
            case recordCount = "record_count"
        }
    }

    struct Late: Decodable, Equatable {
        let row: Int
        let windowStart: Int64
        let windowEnd: Int64
        let latenessMs: Int64

        enum CodingKeys: String, CodingKey {
            case row
            case windowStart = "window_start"
            case windowEnd = "window_end"
            case latenessMs = "lateness_ms"
        }
    }

    struct DeadLetter: Decodable, Equatable {
        let row: Int
        let kind: String
        let message: String
    }

    static func windows(_ bytes: [UInt8]) throws -> Windows {
        struct Ok: Decodable { let ok: Windows }
        return try JSONDecoder().decode(Ok.self, from: Data(bytes)).ok
    }

    static func outputs(_ bytes: [UInt8]) throws -> [JSONValue] {
        struct Outputs: Decodable { let outputs: [JSONValue] }
        struct Ok: Decodable { let ok: Outputs }
        return try JSONDecoder().decode(Ok.self, from: Data(bytes)).ok.outputs
    }

    static func failure(_ bytes: [UInt8]) throws -> Failure {
        struct Error: Decodable { let error: Failure }
        return try JSONDecoder().decode(Error.self, from: Data(bytes)).error
    }

    /// Lines of JSON records as the C ABI takes them.
    static func lines(_ records: [String]) -> [UInt8] {
        Array(records.joined(separator: "\n").utf8)
    }
}

extension JSONValue {
    subscript(_ name: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members[name]
    }
}
