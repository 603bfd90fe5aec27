import Foundation
import Kafka
import Logging
import MicroBatching
import SharedFunctions

/// Runs one pipeline against Kafka: consume, process, produce, commit, with at-least-once
/// delivery. Blocking; run each pipeline on its own thread.
///
/// Commit protocol: every `commit_interval`, flush the producer (every result and dead letter
/// acknowledged), then commit each partition's low-water offset with its checkpoint metadata. A
/// crash between the two re-produces, after the restart, byte-identical records of that interval
/// only. Rebalances: the checkpoint of each newly assigned partition is read and restored before
/// fetching starts; revoked partitions are flushed and committed before they go.
public final class PipelineRunner: @unchecked Sendable {
    public let configuration: PipelineConfiguration
    private let kafka: KafkaConfiguration
    private let groupID: String
    private let logger: Logger
    private let clock: any EngineClock
    private var processor: PipelineProcessor
    private var consumer: KafkaConsumer!
    private var producer: KafkaProducer!
    private var lastCommit: Int64 = 0
    private var pausedPartitions: Set<Int32> = []
    /// Clock reading (ms) of the last poll that delivered records, and of the last resume forced
    /// by stalled running partitions (see ``applyBackpressure()``).
    private var lastDelivery: Int64 = 0
    private var stallResumedAt: Int64 = .min / 2
    static let stallInterval: Int64 = 1_000
    private var stopRequested: StopSignal?
    /// Called with every record produced (results and dead letters), for the demo's live view.
    public var onProduced: (@Sendable (ProducedRecord) -> Void)?
    /// The pipeline's current figures; safe to read from any thread.
    public var metrics: PipelineMetrics { published.value }
    private let published: MetricsBox

    public init(
        configuration: PipelineConfiguration, kafka: KafkaConfiguration, groupID: String, logger: Logger,
        clock: any EngineClock = SystemClock()
    ) {
        self.configuration = configuration
        self.kafka = kafka
        self.groupID = groupID
        self.clock = clock
        var logger = logger
        logger[metadataKey: "pipeline"] = "\(configuration.name)"
        self.logger = logger
        processor = PipelineProcessor(configuration: configuration, clock: clock)
        processor.requiresAssignment = true
        published = MetricsBox(PipelineMetrics(pipeline: configuration.name, function: configuration.function.name))
    }

    /// What the pipeline has done so far.
    public var counters: PipelineCounters { processor.counters }

    /// Consumes until `stop` is requested, then commits, leaves the group and returns.
    public func run(until stop: StopSignal) throws {
        // A short linger: results of a closing window go out together, and within milliseconds.
        var producerProperties = ["message.timeout.ms": "0", "linger.ms": "5"]
        if transactional {
            producerProperties["transactional.id"] = transactionalID
            producerProperties["message.timeout.ms"] = nil
        }
        producer = try KafkaProducer(configuration: kafka.withDefaults(producerProperties), logger: logger)
        if transactional {
            try producer.initTransactions()
            try producer.beginTransaction()
        }
        consumer = try KafkaConsumer(
            // fetch.wait.max.ms 100 (librdkafka: 500): a broker holds an empty fetch at most this
            // long, so a record arriving on a quiet topic is seen within ~100 ms; the cost is more
            // fetch requests while idle. Lower it for latency (the benchmarks use 1), raise it to save requests.
            configuration: kafka.withDefaults([
                "group.id": "\(groupID).\(configuration.name)", "statistics.interval.ms": "5000", "fetch.wait.max.ms": "100",
            ]),
            rebalance: RebalanceHandler(
                assigned: { [unowned self] partitions, consumer in self.assigned(partitions, consumer) },
                revoked: { [unowned self] partitions, lost, _ in self.revoked(partitions, lost: lost) }),
            logger: logger)
        stopRequested = stop
        let box = published
        consumer.onStatistics { statistics in
            box.update {
                $0.consumerLag = statistics.totalConsumerLag
                $0.brokersReachable = statistics.reachableBrokers > 0
            }
        }
        publish()
        try consumer.subscribe([configuration.inputTopic])
        logger.info("pipeline started: \(configuration.inputTopic) -> \(configuration.function.name) -> \(configuration.outputTopic)")
        lastCommit = clock.now()
        while !stop.isRequested {
            try pollOnce()
        }
        try commit()
        try consumer.close()
        logger.info("pipeline stopped: \(processor.counters)")
    }

    private func pollOnce() throws {
        var failure: KafkaError?
        let delivered = consumer.poll(maxMessages: 10_000, timeoutMilliseconds: 100) { message in
            guard failure == nil else { return }
            let letter = processor.ingest(
                partition: message.partition, offset: message.offset, key: message.key, value: message.value,
                kafkaTimestamp: message.timestamp?.milliseconds)
            if let letter {
                do throws(KafkaError) { try send(letter) } catch { failure = error }
            }
        }
        if let failure { throw failure }
        if delivered > 0 { lastDelivery = clock.now() }
        for record in processor.closeWindows() { try send(record) }
        producer.poll()
        try applyBackpressure()
        // Periodic commits are asynchronous: a broker that is down must not stall the loop (it
        // keeps serving statistics and health); a lost commit only means a longer replay.
        if clock.now() - lastCommit >= configuration.commitInterval { try commit(synchronous: false) }
        publish()
    }

    /// Publishes the current figures and marks the loop alive.
    private func publish(waitingForBrokers: Bool = false) {
        let engine = processor.engine
        let counters = processor.counters
        let now = clock.now()
        let paused = pausedPartitions.count
        published.update { metrics in
            metrics.counters = counters
            metrics.openWindows = engine.openWindowCount
            metrics.bufferedBytes = engine.bufferedBytes
            metrics.bufferedRecords = engine.bufferedRecords
            metrics.pausedPartitions = paused
            metrics.assignedPartitions = engine.assignedPartitions.count
            metrics.waitingForBrokers = waitingForBrokers
            if !waitingForBrokers { metrics.lastHeartbeat = now }
        }
    }

    private func send(_ record: ProducedRecord) throws(KafkaError) {
        try producer.send(record.outgoing)
        onProduced?(record)
    }

    private var transactional: Bool { configuration.guarantee == .exactlyOnce }

    /// The producer's transactional id. In `global` scope it is fixed, so a second instance fences
    /// the first; in `key` scope each instance has its own (EOS v2 fences through the group).
    private var transactionalID: String {
        let base = "\(groupID).\(configuration.name)"
        return configuration.engine.scope == .global ? base : "\(base).\(UUID().uuidString.prefix(8))"
    }

    /// Commits the work since the last commit: in exactly-once mode one transaction holding the
    /// results, dead letters and offsets with checkpoint metadata; otherwise flush, then commit.
    private func commit(partitions: [Int32]? = nil, synchronous: Bool = true) throws {
        if transactional {
            try commitTransaction()
            return
        }
        lastCommit = clock.now()
        while true {
            do {
                let summary = try producer.flush(timeoutMilliseconds: 10_000)
                if let failure = summary.failures.first {
                    throw KafkaError(
                        code: failure.error.code, operation: "deliver",
                        message: "\(summary.failures.count) records were not delivered (\(failure)); restarting replays them")
                }
                break
            } catch let error as KafkaError where error.operation == "flush" {
                logger.warning("waiting for the brokers to acknowledge: \(error)")
                publish(waitingForBrokers: true)
                if stopRequested?.isRequested == true, clock.now() - lastCommit > 60_000 { throw error }
            }
        }
        let offsets = processor.commitOffsets(partitions: partitions)
        guard !offsets.isEmpty else { return }
        do {
            try consumer.commit(offsets, synchronous: synchronous)
            published.update { $0.commits += 1 }
        } catch {
            published.update { $0.commitFailures += 1 }
            logger.warning("commit failed, will retry at the next interval: \(error)")
        }
    }

    /// Ends the current transaction with every partition's offsets and starts the next one. An
    /// abortable error aborts it and rewinds to the last committed offsets, so the work is redone;
    /// a fatal one (fenced) ends the run.
    private func commitTransaction() throws {
        lastCommit = clock.now()
        let offsets = processor.commitOffsets()
        var outcome = endTransaction(with: offsets)
        var attempts = 0
        while case .failure(let error) = outcome, error.isRetriable, attempts < 10 {
            attempts += 1
            publish(waitingForBrokers: true)
            logger.warning("transaction commit will be retried: \(error)")
            outcome = endTransaction(with: offsets)
        }
        switch outcome {
        case .success:
            published.update { $0.commits += 1 }
        case .failure(let error):
            guard error.requiresAbort else { throw error }
            logger.warning("transaction aborted, rewinding to the committed offsets: \(error)")
            published.update { $0.aborts += 1 }
            try producer.abortTransaction()
            try rewind()
        }
        try producer.beginTransaction()
    }

    private func endTransaction(with offsets: [CommittedOffset]) -> Result<Void, KafkaError> {
        Result { () throws(KafkaError) in
            if !offsets.isEmpty { try producer.sendOffsetsToTransaction(offsets, consumer: consumer) }
            try producer.commitTransaction()
        }
    }

    /// Restores every assigned partition from its committed checkpoint and seeks back to it.
    private func rewind() throws {
        let partitions = consumer.assignment.filter { $0.topic == configuration.inputTopic }
        let committed = try consumer.committed(partitions)
        for entry in committed {
            processor.revoke(entry.topicPartition.partition)
            _ = processor.assign(entry.topicPartition.partition, committed: entry)
        }
        try consumer.seek(committed.map { CommittedOffset($0.topicPartition, offset: $0.offset ?? Int64(KafkaOffset.beginning)) })
    }

    /// Pauses the partitions the engine names while the buffer exceeds its bound. The bound is
    /// soft: when the partitions left running deliver nothing for ``stallInterval`` (they reached
    /// the end of their data, so their windows cannot close), every partition resumes for as long
    /// again; holding the others paused would stop the pipeline for good.
    private func applyBackpressure() throws {
        let now = clock.now()
        if !pausedPartitions.isEmpty, now - lastDelivery > Self.stallInterval {
            stallResumedAt = now
            logger.warning(
                "buffered \(processor.engine.bufferedBytes) bytes > \(configuration.maximumBufferedBytes), but the running partitions have no data: resuming all")
        }
        let holdingOff = now - stallResumedAt <= Self.stallInterval
        let wanted = holdingOff ? [] : Set(processor.engine.partitionsToPause(bufferLimit: configuration.maximumBufferedBytes))
        let toPause = wanted.subtracting(pausedPartitions)
        let toResume = pausedPartitions.subtracting(wanted)
        if !toPause.isEmpty {
            try consumer.pause(toPause.sorted().map { TopicPartition(configuration.inputTopic, $0) })
            for partition in toPause { processor.setPaused(partition, true) }
            logger.warning(
                "buffered \(processor.engine.bufferedBytes) bytes > \(configuration.maximumBufferedBytes): pausing partitions \(toPause.sorted())")
        }
        if !toResume.isEmpty {
            try consumer.resume(toResume.sorted().map { TopicPartition(configuration.inputTopic, $0) })
            for partition in toResume { processor.setPaused(partition, false) }
            if processor.engine.bufferedBytes <= configuration.maximumBufferedBytes {
                logger.info("buffer back under its bound: resuming partitions \(toResume.sorted())")
            } else {
                logger.info("resuming partitions \(toResume.sorted()): now furthest behind in stream time, their windows close first")
            }
        }
        pausedPartitions = wanted
    }

    private func assigned(_ partitions: [TopicPartition], _ consumer: KafkaConsumer) -> [CommittedOffset]? {
        let committed: [CommittedOffset]
        do {
            committed = try consumer.committed(partitions)
        } catch {
            logger.error("cannot read committed offsets (\(error)); starting those partitions from their committed offsets anyway")
            committed = []
        }
        let byPartition = Dictionary(committed.map { ($0.topicPartition.partition, $0) }, uniquingKeysWith: { $1 })
        for partition in partitions {
            // Not inside the log call: its message is an autoclosure, skipped below the log level.
            let restored = processor.assign(partition.partition, committed: byPartition[partition.partition])
            logger.info("\(restored)")
        }
        return committed
    }

    private func revoked(_ partitions: [TopicPartition], lost: Bool) {
        let numbers = partitions.map(\.partition)
        if !lost {
            do {
                try commit(partitions: numbers)
            } catch {
                logger.error("could not commit revoked partitions \(numbers): \(error)")
            }
        }
        for partition in numbers {
            processor.revoke(partition)
            pausedPartitions.remove(partition)
        }
    }
}

/// A runner's published metrics, shared with the threads that serve them.
final class MetricsBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: PipelineMetrics

    init(_ metrics: PipelineMetrics) { stored = metrics }

    var value: PipelineMetrics { lock.withLock { stored } }

    func update(_ change: (inout PipelineMetrics) -> Void) { lock.withLock { change(&stored) } }
}
