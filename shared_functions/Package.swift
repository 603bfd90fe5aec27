// swift-tools-version:6.2
//
// The single source of truth for data processing: the window model and the pure micro-batching
// engine (`MicroBatching`), and the user functions with their registry (`SharedFunctions`).
// No dependency beyond the toolchain, so notebooks and the processing module build it quickly.
import PackageDescription

/// Every target of the project builds without warnings: a warning is an error (dependencies excepted).
let strict: [SwiftSetting] = [.treatAllWarnings(as: .error)]

let package = Package(
    name: "SharedFunctions",
    products: [
        .library(name: "MicroBatching", targets: ["MicroBatching"]),
        .library(name: "SharedFunctions", targets: ["SharedFunctions"]),
        .executable(name: "shared-functions", targets: ["shared-functions"]),
        // The C ABI (`c/shared_functions.h`) as a shared library, for notebooks through Python.
        .library(name: "SharedFunctionsC", type: .dynamic, targets: ["SharedFunctionsC"]),
    ],
    targets: [
        .target(name: "MicroBatching", swiftSettings: strict),
        .target(name: "SharedFunctions", dependencies: ["MicroBatching"], swiftSettings: strict),
        .target(name: "SharedFunctionsC", dependencies: ["SharedFunctions"], swiftSettings: strict),
        .executableTarget(name: "shared-functions", dependencies: ["SharedFunctions", "MicroBatching"], swiftSettings: strict),
        .testTarget(name: "MicroBatchingTests", dependencies: ["MicroBatching"], swiftSettings: strict),
        .testTarget(name: "SharedFunctionsTests", dependencies: ["SharedFunctions", "MicroBatching"], swiftSettings: strict),
    ]
)
