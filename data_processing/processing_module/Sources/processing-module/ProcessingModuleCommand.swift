import ArgumentParser
import ProcessingModule

/// `processing-module`: the Kafka micro-batch processing service and its tools.
@main
struct ProcessingModuleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "processing-module",
        abstract: "Kafka micro-batch processing with the shared window functions.",
        version: ModuleVersion.description,
        subcommands: [DemoCommand.self, RunCommand.self, ReplayCommand.self, ExportCommand.self, GenerateCommand.self, PipelineBenchmarkCommand.self, FunctionsCommand.self, BrokerCommand.self, KafkaBenchmarkCommand.self, VerifyCommand.self]
    )
}
