import ArgumentParser
import Foundation
import Kafka
import Logging
import ProcessingModule

/// The environment variable naming the Kafka bootstrap servers, for every command that talks to Kafka.
let bootstrapServersVariable = "KAFKA_BOOTSTRAP_SERVERS"

/// `--bootstrap-servers`, or else the environment variable; refuses to go on without either.
func requireBootstrapServers(_ option: String?) throws -> String {
    guard let servers = option ?? ProcessInfo.processInfo.environment[bootstrapServersVariable], !servers.isEmpty else {
        throw ValidationError("--bootstrap-servers (or \(bootstrapServersVariable)) is required")
    }
    return servers
}
