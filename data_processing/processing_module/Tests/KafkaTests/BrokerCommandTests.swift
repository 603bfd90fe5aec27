import Foundation
import Kafka
import TestSupport
import Testing

/// The `processing-module broker` command, driven as a user would, with kcat as the client.
@Suite("The broker command with kcat")
struct BrokerCommandTests {
    static let kcat = ["/usr/bin/kcat", "/usr/local/bin/kcat"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// The `processing-module` executable built beside this test binary.
    static var executable: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("processing-module")
    }

    static func run(_ path: String, _ arguments: [String], input: String? = nil) throws -> String {
        try ChildProcess.run(URL(fileURLWithPath: path), arguments, input: input).output
    }

    @Test("kcat produces to and consumes from the broker the command starts", .enabled(if: kcat != nil, "kcat is not installed"))
    func kcatRoundTrip() throws {
        let kcat = try #require(Self.kcat)
        let output = Pipe()
        let broker = try ChildProcess.start(Self.executable, ["broker", "--partitions", "3", "--topics", "kcat-in,kcat-out"]) { process in
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
        }
        defer { if broker.isRunning { broker.terminate() } }
        var firstLine = Data()
        while !firstLine.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            firstLine.append(chunk)
        }
        let bootstrap = String(decoding: firstLine, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(bootstrap.hasPrefix("127.0.0.1:"), "the first line is the bootstrap servers: \(bootstrap)")

        let metadata = try Self.run(kcat, ["-b", bootstrap, "-L", "-t", "kcat-in"])
        #expect(metadata.contains("3 partitions"), "\(metadata)")
        _ = try Self.run(kcat, ["-b", bootstrap, "-P", "-t", "kcat-in", "-K", ":", "-p", "1"], input: "a:one\nb:two\nc:three\n")
        let consumed = try Self.run(kcat, ["-b", bootstrap, "-C", "-t", "kcat-in", "-p", "1", "-o", "beginning", "-e", "-q", "-f", "%k=%s\n"])
        #expect(consumed == "a=one\nb=two\nc=three\n")

        // Our own client reads what kcat wrote.
        let consumer = try KafkaTestSupport.consumer(bootstrap: bootstrap, group: "kcat-check")
        try consumer.assign([CommittedOffset(TopicPartition("kcat-in", 1), offset: 0)])
        var values: [String] = []
        KafkaTestSupport.poll([consumer], until: { values.count == 3 }) { _, message in
            values.append("\(message.keyString ?? "")=\(String(decoding: message.value ?? UnsafeRawBufferPointer(start: nil, count: 0), as: UTF8.self))")
        }
        #expect(values == ["a=one", "b=two", "c=three"])
        try consumer.close()

        broker.terminate()
        broker.waitUntilExit()
        #expect(broker.terminationStatus == 0, "SIGTERM stops the broker cleanly")
    }
}
