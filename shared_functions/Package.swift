// swift-tools-version:6.0
//
// The single source of truth for data processing: the window model and the pure micro-batching
// engine (`MicroBatching`), and the user functions with their registry (`SharedFunctions`).
// No dependency beyond the toolchain, so notebooks and the processing module build it quickly.
import PackageDescription

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
        .target(name: "MicroBatching"),
        .target(name: "SharedFunctions", dependencies: ["MicroBatching"]),
        .target(name: "SharedFunctionsC", dependencies: ["SharedFunctions"]),
        .executableTarget(name: "shared-functions", dependencies: ["SharedFunctions", "MicroBatching"]),
        .testTarget(name: "MicroBatchingTests", dependencies: ["MicroBatching"]),
        .testTarget(name: "SharedFunctionsTests", dependencies: ["SharedFunctions", "MicroBatching"]),
    ]
)
