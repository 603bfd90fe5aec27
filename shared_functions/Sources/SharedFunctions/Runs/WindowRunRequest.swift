import Foundation
import MicroBatching

/// What a notebook asks of ``WindowRun``: the function and its parameters, the windows, and
/// which record fields hold the event time and the key. Decoded from the C ABI's request JSON:
///
/// ```json
/// {"function": "function_a", "parameters": {"field": "value"},
///  "window": {"size_ms": 300000, "advance_ms": 60000, "grace_ms": 10000},
///  "time_field": "ts", "key_field": "sensor", "partition_field": "partition", "scope": "key"}
/// ```
/// `advance_ms` defaults to the size (tumbling), `grace_ms` to 0, `key_field` to none (every
/// record has the null key), `partition_field` to none (every record on partition 0), `scope` to `key`.
/// Session windows give `session_gap_ms` (and optionally `max_duration_ms`, default a day)
/// instead of `size_ms` and `advance_ms`; count windows give `count` (and optionally
/// `count_advance`, in records) and nothing else.
public struct WindowRunRequest: Sendable, Decodable {
    public var function: String
    public var parameters: [String: JSONValue]
    public var window: WindowSpecification
    public var timeField: String
    public var keyField: String?
    /// The member holding each record's partition (an integer from 0); offsets count rows per partition.
    public var partitionField: String?
    public var scope: BatchScope

    enum CodingKeys: String, CodingKey {
        case function, parameters, window, scope
        case timeField = "time_field"
        case keyField = "key_field"
        case partitionField = "partition_field"
    }

    enum WindowKeys: String, CodingKey {
        case size = "size_ms"
        case advance = "advance_ms"
        case grace = "grace_ms"
        case sessionGap = "session_gap_ms"
        case maximumDuration = "max_duration_ms"
        case count
        case countAdvance = "count_advance"
    }

    public init(
        function: String, parameters: [String: JSONValue] = [:], window: WindowSpecification, timeField: String,
        keyField: String? = nil, partitionField: String? = nil, scope: BatchScope = .key
    ) {
        self.function = function
        self.parameters = parameters
        self.window = window
        self.timeField = timeField
        self.keyField = keyField
        self.partitionField = partitionField
        self.scope = scope
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        function = try container.decode(String.self, forKey: .function)
        parameters = try container.decodeIfPresent([String: JSONValue].self, forKey: .parameters) ?? [:]
        timeField = try container.decode(String.self, forKey: .timeField)
        keyField = try container.decodeIfPresent(String.self, forKey: .keyField)
        partitionField = try container.decodeIfPresent(String.self, forKey: .partitionField)
        scope = try container.decodeIfPresent(BatchScope.self, forKey: .scope) ?? .key
        let window = try container.nestedContainer(keyedBy: WindowKeys.self, forKey: .window)
        let grace = try window.decodeIfPresent(Int64.self, forKey: .grace) ?? 0
        do {
            if let count = try window.decodeIfPresent(Int64.self, forKey: .count) {
                if let other = [WindowKeys.size, .advance, .grace, .sessionGap, .maximumDuration].first(where: window.contains) {
                    throw RunError.invalidRequest(
                        "window.\(other.rawValue) cannot be combined with window.count: a window is fixed, a session or a count")
                }
                self.window = try .count(count, advance: try window.decodeIfPresent(Int64.self, forKey: .countAdvance) ?? count)
            } else if window.contains(.countAdvance) {
                throw RunError.invalidRequest("window.count_advance applies to count windows only (give count)")
            } else if let gap = try window.decodeIfPresent(Int64.self, forKey: .sessionGap) {
                if let fixed = [WindowKeys.size, .advance].first(where: window.contains) {
                    throw RunError.invalidRequest(
                        "window.\(fixed.rawValue) cannot be combined with window.session_gap_ms: a window is fixed or a session")
                }
                self.window = try .session(
                    gap: gap, grace: grace,
                    maximumDuration: try window.decodeIfPresent(Int64.self, forKey: .maximumDuration)
                        ?? WindowSpecification.defaultMaximumSessionDuration)
            } else {
                if window.contains(.maximumDuration) {
                    throw RunError.invalidRequest("window.max_duration_ms applies to session windows only (give session_gap_ms)")
                }
                let size = try window.decode(Int64.self, forKey: .size)
                self.window = try WindowSpecification(
                    size: size, advance: try window.decodeIfPresent(Int64.self, forKey: .advance) ?? size, grace: grace)
            }
        } catch let error as WindowSpecificationError {
            throw RunError(error)
        }
    }

    /// Decodes a request, turning every problem into a ``RunError`` that names the field.
    public static func decode<Request: Decodable>(_ type: Request.Type, from json: [UInt8]) throws(RunError) -> Request {
        do {
            return try JSONDecoder().decode(Request.self, from: Data(json))
        } catch let error as RunError {
            throw error
        } catch let error as DecodingError {
            throw RunError.invalidRequest("the request is not valid: \(error.explanation)")
        } catch {
            throw RunError.invalidRequest("the request is not valid: \(error)")
        }
    }
}
