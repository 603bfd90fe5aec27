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
