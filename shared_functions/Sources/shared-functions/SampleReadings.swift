import Foundation
import MicroBatching

/// Deterministic synthetic sensor readings: a daily-cycle temperature per sensor with noise and a
/// few injected spikes, so that a sample run shows both functions at work.
struct SampleReadings {
    struct Reading {
        let sensor: String
        let eventTime: Int64
        let value: Double
    }

    var sensors: Int = 3
    var start: Int64 = 1_700_000_000_000
    var interval: Int64 = 10_000
    var count: Int = 540

    /// Readings in event-time order; every 97th reading of each sensor is a spike.
    func generate() -> [Reading] {
        var random = SplitMix64(seed: 42)
        return (0..<count).map { index in
            let sensor = index % sensors
            let step = index / sensors
            let eventTime = start + Int64(step) * interval
            let base = 20 + 2 * Double(sensor) + 3 * sin(Double(step) / 60)
            let noise = (Double(random.next() % 1_000) / 1_000 - 0.5) * 0.4
            let spike = step % 97 == 41 ? 15.0 : 0
            return Reading(sensor: "sensor-\(sensor)", eventTime: eventTime, value: base + noise + spike)
        }
    }
}

/// A small, fast, seedable generator (Steele, Lea and Flood's SplitMix64), so samples are
/// identical on every machine.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

