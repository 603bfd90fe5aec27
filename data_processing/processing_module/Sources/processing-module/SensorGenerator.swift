import Foundation
import Kafka
import Logging
import MicroBatching
import ProcessingModule

/// Realistic sensor readings for the demo and `generate`: a daily temperature cycle per sensor
/// with noise, and injected anomalies (spikes, and level shifts that last a while). Deterministic
/// for a seed. Event time can run faster than the wall clock (`speed`), so 5-minute windows close
/// every few seconds; each record's Kafka timestamp is its event time.
struct SensorGenerator {
    var sensors = 8
    /// Event-time milliseconds between two readings of one sensor.
    var interval: Int64 = 10_000
    /// Event-time start (ms since the epoch).
    var start: Int64 = 1_767_225_600_000  // 2026-01-01T00:00:00Z
    var seed: UInt64 = 42

    /// The reading of `sensor` at step `step`, as a JSON value.
    func reading(sensor: Int, step: Int) -> (key: [UInt8], value: [UInt8], eventTime: Int64) {
        var random = SplitMix64(seed: seed &+ UInt64(step) &* 1_000_003 &+ UInt64(sensor))
        let eventTime = start + Int64(step) * interval + Int64(sensor) * 37
        let hours = Double(eventTime - start) / 3_600_000
        var value = 20 + Double(sensor) + 4 * sin(hours * .pi / 12) + (Double(random.next() % 10_000) / 10_000 - 0.5)
        if random.next() % 200 == 0 { value += 25 }  // a spike
        if (step / 90 + sensor) % 17 == 0 { value += 8 }  // a level shift lasting 15 minutes
        let json = #"{"sensor":"sensor-\#(sensor)","ts":\#(eventTime),"value":\#((value * 1_000).rounded() / 1_000)}"#
        return (Array("sensor-\(sensor)".utf8), Array(json.utf8), eventTime)
    }

    /// Produces readings to `topic` until `stop`, keeping event time at `speed` times the wall clock
    /// (0: as fast as possible), at most `limit` readings.
    func run(producer: KafkaProducer, topic: String, speed: Double, limit: Int?, stop: StopSignal) throws -> Int {
        let began = Date()
        var step = 0
        var produced = 0
        while !stop.isRequested {
            if speed > 0 {
                let reached = Int(Date().timeIntervalSince(began) * 1_000 * speed) / Int(interval)
                if step > reached {
                    producer.poll(timeoutMilliseconds: 20)
                    continue
                }
            }
            for sensor in 0..<sensors {
                let reading = reading(sensor: sensor, step: step)
                try producer.send(
                    KafkaOutgoingMessage(topic: topic, key: reading.key, value: reading.value, timestamp: reading.eventTime))
                produced += 1
                if let limit, produced >= limit { return produced }
            }
            step += 1
        }
        return produced
    }
}
