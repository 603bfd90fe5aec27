import CRdKafka
import Foundation

/// librdkafka configuration properties, passed through unchanged (security settings included),
/// with this product's defaults and with secrets kept out of every description and error.
///
/// Any property librdkafka knows can be set (see its CONFIGURATION.md); unknown names and bad
/// values are refused when a client is created, with librdkafka's message and the property name.
public struct KafkaConfiguration: Sendable, CustomStringConvertible {
    /// The properties, by librdkafka name.
    public var properties: [String: String]

    public init(_ properties: [String: String] = [:]) {
        self.properties = properties
    }

    public subscript(name: String) -> String? {
        get { properties[name] }
        set { properties[name] = newValue }
    }

    /// Bootstrap servers (`bootstrap.servers`).
    public init(bootstrapServers: String, _ properties: [String: String] = [:]) {
        self.properties = properties
        self.properties["bootstrap.servers"] = bootstrapServers
    }

    /// A copy with `defaults` added for every property not already set.
    public func withDefaults(_ defaults: [String: String]) -> KafkaConfiguration {
        KafkaConfiguration(properties.merging(defaults) { explicit, _ in explicit })
    }

    /// Whether a property's value must never be shown (passwords, keys, tokens, credentials).
    public static func isSecret(_ name: String) -> Bool {
        let lowered = name.lowercased()
        return ["password", "secret", "token", "credential", "oauthbearer.config", "ssl.key.pem", "private"]
            .contains { lowered.contains($0) } || lowered.hasSuffix(".key") || lowered == "ssl.keystore.password"
    }

    /// The properties as `name=value`, sorted, with secret values replaced by `[redacted]`.
    public var description: String {
        properties.keys.sorted().map { name in
            "\(name)=\(Self.isSecret(name) ? "[redacted]" : properties[name] ?? "")"
        }.joined(separator: ", ")
    }

    /// Builds a librdkafka configuration object. The caller owns the result until it passes it to
    /// `rd_kafka_new`.
    func makeNative(operation: String) throws(KafkaError) -> OpaquePointer {
        guard let native = rd_kafka_conf_new() else {
            throw KafkaError.usage(operation, "librdkafka could not allocate a configuration")
        }
        var errorText = [CChar](repeating: 0, count: 512)
        for name in properties.keys.sorted() {
            let value = properties[name] ?? ""
            let result = rd_kafka_conf_set(native, name, value, &errorText, errorText.count)
            guard result == RD_KAFKA_CONF_OK else {
                rd_kafka_conf_destroy(native)
                var message = string(fromErrorBuffer: errorText)
                if Self.isSecret(name), !value.isEmpty { message = message.replacingOccurrences(of: value, with: "[redacted]") }
                throw KafkaError.usage(
                    operation, "configuration property '\(name)' was refused: \(message); see librdkafka's CONFIGURATION.md")
            }
        }
        return native
    }
}

/// A NUL-terminated C string written by librdkafka into `buffer`, as a Swift string.
func string(fromErrorBuffer buffer: [CChar]) -> String {
    let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
    return String(decoding: bytes, as: UTF8.self)
}
