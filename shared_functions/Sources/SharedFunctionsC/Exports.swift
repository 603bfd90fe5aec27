#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Foundation
import SharedFunctions

// The C ABI declared in `c/shared_functions.h`. Each entry point turns its arguments into Swift
// values, calls the registry, ``WindowRun`` or ``BatchApply``, and returns a malloc'd JSON
// document the caller releases with `sf_free`. Nothing here traps on bad input: every failure
// becomes an error document.

/// Bumped when a signature or an envelope changes.
nonisolated(unsafe) private let abiVersion: UnsafeMutablePointer<CChar> = strdup("2")!

@_cdecl("sf_abi_version")
public func sf_abi_version() -> UnsafePointer<CChar> {
    UnsafePointer(abiVersion)
}

@_cdecl("sf_functions")
public func sf_functions() -> UnsafeMutablePointer<CChar>? {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    guard let list = try? encoder.encode(FunctionRegistry.standard.descriptions) else {
        return document(RunError(kind: "invalid_output", "the function list could not be encoded").envelope)
    }
    return document(Array("{\"ok\":".utf8) + Array(list) + [UInt8(ascii: "}")])
}

@_cdecl("sf_apply")
public func sf_apply(
    _ request: UnsafePointer<CChar>?, _ records: UnsafePointer<UInt8>?, _ length: Int
) -> UnsafeMutablePointer<CChar>? {
    respond(request, records, length) { request, records throws(RunError) in
        try BatchApply.run(try WindowRunRequest.decode(BatchApply.Request.self, from: request), records: records)
    }
}

@_cdecl("sf_run_windows")
public func sf_run_windows(
    _ request: UnsafePointer<CChar>?, _ records: UnsafePointer<UInt8>?, _ length: Int
) -> UnsafeMutablePointer<CChar>? {
    respond(request, records, length) { request, records throws(RunError) in
        try WindowRun.run(try WindowRunRequest.decode(WindowRunRequest.self, from: request), records: records)
    }
}

@_cdecl("sf_free")
public func sf_free(_ document: UnsafeMutablePointer<CChar>?) {
    free(document)
}

/// Checks the arguments, runs `body` and wraps its result or error as a document.
func respond(
    _ request: UnsafePointer<CChar>?, _ records: UnsafePointer<UInt8>?, _ length: Int,
    _ body: ([UInt8], UnsafeRawBufferPointer) throws(RunError) -> [UInt8]
) -> UnsafeMutablePointer<CChar>? {
    guard let request else { return document(RunError.invalidRequest("the request is NULL").envelope) }
    guard length >= 0, records != nil || length == 0 else {
        return document(RunError.invalidRequest("the records buffer is NULL but its length is \(length)").envelope)
    }
    let requestBytes = Array(UnsafeRawBufferPointer(start: request, count: strlen(request)))
    let buffer = UnsafeRawBufferPointer(start: records, count: length)
    do {
        return document(try body(requestBytes, buffer))
    } catch {
        return document(error.envelope)
    }
}

/// A malloc'd, NUL-terminated copy of `bytes` (owned by the caller, released with `sf_free`).
func document(_ bytes: [UInt8]) -> UnsafeMutablePointer<CChar>? {
    guard let memory = malloc(bytes.count + 1) else { return nil }
    let pointer = memory.bindMemory(to: CChar.self, capacity: bytes.count + 1)
    bytes.withUnsafeBytes { source in
        if let base = source.baseAddress { memcpy(pointer, base, bytes.count) }
    }
    pointer[bytes.count] = 0
    return pointer
}

/// Formats `count` doubles as JSON numbers (shortest text that reads back to the same bits;
/// `null` for NaN and infinities), one per line, for hosts whose own formatting is slow (Python's
/// `repr` costs about 1 µs a number). The result is released with `sf_free`.
@_cdecl("sf_format_doubles")
public func sf_format_doubles(_ values: UnsafePointer<Double>?, _ count: Int) -> UnsafeMutablePointer<CChar>? {
    guard let values, count > 0 else { return document([]) }
    var bytes: [UInt8] = []
    bytes.reserveCapacity(count * 20)
    for index in 0..<count {
        if index > 0 { bytes.append(UInt8(ascii: "\n")) }
        let value = values[index]
        if value.isFinite {
            bytes.append(contentsOf: value.description.utf8)
        } else {
            bytes.append(contentsOf: "null".utf8)
        }
    }
    return document(bytes)
}
