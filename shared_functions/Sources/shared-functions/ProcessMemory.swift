import Foundation

/// Resident memory of this process, read from `/proc/self/status` (Linux).
enum ProcessMemory {
    /// Current resident set size in bytes (`VmRSS`), or 0 when unavailable.
    static var resident: Int { field("VmRSS:") }
    /// Peak resident set size in bytes (`VmHWM`), or 0 when unavailable.
    static var peakResident: Int { field("VmHWM:") }

    private static func field(_ name: String) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix(name) {
            let kilobytes = line.split(separator: " ").compactMap { Int($0) }.first ?? 0
            return kilobytes * 1_024
        }
        return 0
    }
}
