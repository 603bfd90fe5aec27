import ArgumentParser
import Foundation
import SharedFunctions

/// `processing-module functions`: the registered functions and their parameters.
struct FunctionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "functions", abstract: "List the functions and their parameters.")

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func run() throws {
        let descriptions = FunctionRegistry.standard.descriptions
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(descriptions), as: UTF8.self))
            return
        }
        for function in descriptions {
            print("\(function.name) \(function.version): \(function.description)")
            for parameter in function.parameters {
                let allowed = parameter.allowed.map { ", \($0)" } ?? ""
                print("  \(parameter.name) (\(parameter.type.rawValue), default \(parameter.defaultValue)\(allowed)): \(parameter.description)")
            }
        }
    }
}
