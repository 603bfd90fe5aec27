// swift-tools-version:6.2
//
// The processing module: Kafka in, shared functions, Kafka out.
//
// Layers, bottom up: `CRdKafka` (librdkafka's C API: the pinned 2.8.0 that
// scripts/build-librdkafka.sh builds, found with pkg-config as `rdkafka-static` and linked
// statically; `make` sets PKG_CONFIG_PATH, `make librdkafka` prints it), `Kafka` (the only module
// that imports it: consumer, producer, transactions, the embedded broker), `ProcessingModule`
// (configuration, pipelines from Kafka through the shared functions back to Kafka, replay), and
// the `processing-module` command.
//
// Dependencies, each justified: swift-log (librdkafka's logs and the service's own go to one
// logging API that operators can route), swift-argument-parser (commands, flags and validation
// messages in the style users know), Yams (the pipelines file is YAML), swift-service-lifecycle
// (the services of `run` with signal handling and a bounded graceful shutdown), swift-metrics
// (one metrics API, so operators can route the figures to another backend) with swift-prometheus
// as its backend (the `/metrics` exposition). None of them pulls in swift-nio.
import PackageDescription

/// Every target of the project builds without warnings: a warning is an error (dependencies excepted).
let strict: [SwiftSetting] = [.treatAllWarnings(as: .error)]

let package = Package(
    name: "ProcessingModule",
    products: [
        .executable(name: "processing-module", targets: ["processing-module"]),
        .library(name: "Kafka", targets: ["Kafka"]),
    ],
    dependencies: [
        .package(path: "../../shared_functions"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "5.0.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        .systemLibrary(name: "CRdKafka", pkgConfig: "rdkafka-static"),
        .target(
            name: "Kafka",
            dependencies: [
                "CRdKafka",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "ProcessingModule",
            dependencies: [
                "Kafka",
                .product(name: "SharedFunctions", package: "shared_functions"),
                .product(name: "MicroBatching", package: "shared_functions"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "processing-module",
            dependencies: [
                "Kafka",
                "ProcessingModule",
                .product(name: "SharedFunctions", package: "shared_functions"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // Helpers both test targets share: child processes that die with the test process.
        .target(name: "TestSupport", path: "Tests/TestSupport", swiftSettings: strict),
        .testTarget(name: "KafkaTests", dependencies: ["Kafka", "TestSupport"], swiftSettings: strict),
        .testTarget(
            name: "ProcessingModuleTests",
            dependencies: [
                "ProcessingModule", "Kafka", "TestSupport",
                .product(name: "SharedFunctions", package: "shared_functions"),
                .product(name: "MicroBatching", package: "shared_functions"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
    ]
)
