import Foundation
import TestSupport
import Testing
import Yams

/// The docker-compose stack, checked statically (no Docker engine runs here).
@Suite("docker-compose.yml")
struct ComposeFileTests {
    static let dataProcessing = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let composeFile = dataProcessing.appendingPathComponent("docker-compose.yml")
    static let dockerCompose = ["/usr/bin/docker-compose", "/usr/local/bin/docker-compose"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    static func services() throws -> [String: [String: Any]] {
        let text = try String(contentsOf: composeFile, encoding: .utf8)
        let document = try #require(try Yams.load(yaml: text) as? [String: Any])
        return try #require(document["services"] as? [String: [String: Any]])
    }

    @Test("docker-compose accepts the file", .enabled(if: dockerCompose != nil, "docker-compose is not installed"))
    func schemaIsValid() throws {
        let result = try ChildProcess.run(URL(fileURLWithPath: try #require(Self.dockerCompose)), ["-f", Self.composeFile.path, "config", "-q"])
        #expect(result.status == 0, "\(result.error)")
    }

    @Test("every service the README names exists, with pinned images and healthchecks on the long-running ones")
    func servicesAndHealthchecks() throws {
        let services = try Self.services()
        #expect(Set(services.keys) == ["zookeeper", "kafka", "topics", "processing-module", "generator", "jupyter"])
        for (name, service) in services {
            if let image = service["image"] as? String {
                #expect(image.contains(":") && !image.hasSuffix(":latest"), "\(name) pins its image: \(image)")
            }
        }
        for name in ["zookeeper", "kafka", "processing-module", "jupyter"] {
            #expect(services[name]?["healthcheck"] != nil, "\(name) has a healthcheck")
        }
        #expect(services["processing-module"]?["restart"] as? String == "unless-stopped")
        let readme = try String(contentsOf: Self.dataProcessing.deletingLastPathComponent().appendingPathComponent("README.md"), encoding: .utf8)
        for name in services.keys where name != "topics" {
            #expect(readme.contains("`\(name)`"), "README names the \(name) service")
        }
    }

    @Test(
        "every published port is on the host's loopback, and Jupyter never starts without a token",
        .enabled(if: dockerCompose != nil, "docker-compose is not installed"))
    func safeByDefault() throws {
        let resolved = try ChildProcess.run(URL(fileURLWithPath: try #require(Self.dockerCompose)), ["-f", Self.composeFile.path, "config"])
        #expect(resolved.status == 0, "\(resolved.error)")
        let document = try #require(try Yams.load(yaml: resolved.output) as? [String: Any])
        let services = try #require(document["services"] as? [String: [String: Any]])
        var published: [String] = []
        for (name, service) in services {
            for port in service["ports"] as? [Any] ?? [] {
                let text = "\(port)"
                published.append("\(name) \(text)")
                #expect(text.hasPrefix("127.0.0.1:"), "\(name) publishes \(text) beyond loopback")
            }
        }
        #expect(published.count == 3, "Kafka, the module's metrics and Jupyter: \(published)")

        let jupyter = try #require(services["jupyter"])
        #expect(jupyter["command"] == nil && jupyter["entrypoint"] == nil, "the image's own command starts Jupyter")
        let repository = Self.dataProcessing.deletingLastPathComponent()
        let dockerfile = try String(contentsOf: repository.appendingPathComponent("research_notebooks/Dockerfile"), encoding: .utf8)
        #expect(dockerfile.contains(#"CMD ["start-jupyter.sh"]"#))
        #expect(!dockerfile.contains("token="), "no token flag, empty or not, in the image")
        // start-jupyter.sh generates a token when JUPYTER_TOKEN is empty (tests/readme starts it that way).
        let script = try String(contentsOf: repository.appendingPathComponent("research_notebooks/start-jupyter.sh"), encoding: .utf8)
        #expect(script.contains(#"if [ -z "$token" ]; then"#) && script.contains("--IdentityProvider.token=\"$token\""))
    }

    @Test("every image the compose file builds links the pinned librdkafka statically and installs no librdkafka package")
    func imagesUseThePinnedLibrdkafka() throws {
        let repository = Self.dataProcessing.deletingLastPathComponent()
        let dockerfiles = try Self.services().values.compactMap { service -> String? in
            (service["build"] as? [String: Any])?["dockerfile"] as? String
        }
        #expect(Set(dockerfiles) == ["data_processing/processing_module/Dockerfile", "research_notebooks/Dockerfile"])
        for path in Set(dockerfiles) {
            let text = try String(contentsOf: repository.appendingPathComponent(path), encoding: .utf8)
            let stages = Array(text.components(separatedBy: "\nFROM ").dropFirst())  // before the first: comments
            #expect(stages.count == 2, "\(path): a build stage and a runtime stage")
            let build = stages.first ?? ""
            let runtime = stages.last ?? ""
            #expect(build.contains("RUN scripts/build-librdkafka.sh /opt/librdkafka"), "\(path) builds librdkafka with the script")
            #expect(build.contains("ENV PKG_CONFIG_PATH=/opt/librdkafka/lib/pkgconfig"), "\(path) finds it with pkg-config")
            #expect(!text.contains("librdkafka-dev") && !text.contains("librdkafka1"), "\(path) installs no librdkafka package")
            #expect(!runtime.contains("/opt/librdkafka"), "\(path): nothing of the static library reaches the runtime image")
            // The script builds from Debian's source package: the build stage runs on Debian, as the runtime does.
            #expect(build.contains("swift:6.2-bookworm") && runtime.hasPrefix("debian:bookworm-slim"), "\(path) stays on Debian 12")
        }
    }

    @Test("the environment given to the module's containers is what the module reads")
    func environmentIsRead() throws {
        let services = try Self.services()
        let sources = Self.dataProcessing.appendingPathComponent("processing_module/Sources")
        var code = ""
        for case let file as URL in FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil) ?? FileManager.DirectoryEnumerator()
        where file.pathExtension == "swift" {
            code += try String(contentsOf: file, encoding: .utf8)
        }
        for name in ["processing-module", "generator"] {
            let environment = try #require(services[name]?["environment"] as? [String: Any], "\(name) sets its environment")
            // Variables with the override prefix set pipelines-file keys (ConfigurationOverride).
            for variable in environment.keys where !variable.hasPrefix("PROCESSING_MODULE__") {
                #expect(code.contains("\"\(variable)\""), "\(name) sets \(variable), which the module must read")
            }
        }
    }
}
