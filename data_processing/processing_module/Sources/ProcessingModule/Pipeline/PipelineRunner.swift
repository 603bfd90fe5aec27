import Foundation
import Kafka
import Logging
import MicroBatching
import SharedFunctions

/// Runs one pipeline against Kafka: consume, process, produce, commit. Blocking: each pipeline
/// runs on a thread of its own (``PipelineService`` owns it).
///
/// Each poll delivers up to 10,000 records to the processor; the dead letters they cause and the
/// windows that close are produced; backpressure pauses or resumes partitions; every
/// `commit_interval` the committer (at-least-once or transactional, by `guarantee`) makes the
/// work durable. Rebalances restore assigned partitions from their checkpoints and commit revoked
/// ones first (``PipelineState``).
public final class PipelineRunner: Sendable {
    public let configuration: PipelineConfiguration
    private let consumer: KafkaConsumer
    private let producer: KafkaProducer
    private let state: PipelineState
    private let clock: any EngineClock
    /// Ends ``run()`` once requested (graceful shutdown requests it).
    public let stop: StopSignal
    private let logger: Logger
    /// Called with every output produced (results and dead letters), for the demo's live view.
    private let observe: (@Sendable (PipelineOutput) -> Void)?

    /// Creates the clients (nothing is contacted yet). `stop` ends ``run()``; `reporter` receives
    /// the figures (its factory feeds `/metrics`); `observe` sees every output produced.
    public init(
        configuration: PipelineConfiguration, kafka: KafkaConfiguration, groupID: String, logger: Logger,
        stop: StopSignal = StopSignal(), reporter: PipelineReporter? = nil, clock: any EngineClock = SystemClock(),
        observe: (@Sendable (PipelineOutput) -> Void)? = nil
    ) throws(KafkaError) {
        var logger = logger
        logger[metadataKey: "pipeline"] = "\(configuration.name)"
        self.configuration = configuration
        self.clock = clock
        self.stop = stop
        self.logger = logger
        self.observe = observe
        let transactional = configuration.guarantee == .exactlyOnce
        producer = try KafkaProducer(
            configuration: kafka.withDefaults(PipelineClients.producerDefaults(configuration, groupID: groupID)), logger: logger)
        let committer: any Committer =
            transactional
            ? TransactionalCommitter(producer: producer, inputTopic: configuration.inputTopic, logger: logger)
            : AtLeastOnceCommitter(producer: producer, stop: stop, logger: logger)
        var readBack = kafka
        readBack["group.id"] = "\(groupID).\(configuration.name).read-back"
        readBack["enable.auto.commit"] = "false"
        let originals = TopicReadBack(topic: configuration.inputTopic) { [readBack, logger] in
            try KafkaConsumer(configuration: readBack, logger: logger, batchCapacity: 1_000)
        }
        var processor = PipelineProcessor(configuration: configuration, clock: clock, originals: originals)
        processor.requiresAssignment = true
        let state = PipelineState(
            configuration: configuration, processor: processor, committer: committer,
            reporter: reporter ?? PipelineReporter(pipeline: configuration.name, function: configuration.function.name),
            logger: logger)
        self.state = state
        consumer = try KafkaConsumer(
            configuration: kafka.withDefaults(PipelineClients.consumerDefaults(configuration, groupID: groupID)),
            rebalance: RebalanceHandler(
                assigned: { partitions, consumer in state.assigned(partitions, consumer) },
                revoked: { partitions, lost, consumer in state.revoked(partitions, lost: lost, consumer) }),
            logger: logger)
        let reporting = state.reporter
        consumer.onStatistics { statistics in
            reporting.publish {
                $0.consumerLag = statistics.totalConsumerLag
                $0.brokersReachable = statistics.reachableBrokers > 0
            }
        }
    }

    /// The pipeline's current figures; safe to read from any thread.
    public var metrics: PipelineMetrics { state.reporter.metrics }
    public var reporter: PipelineReporter { state.reporter }
    /// What the pipeline has done so far (a snapshot, as ``metrics``).
    public var counters: PipelineCounters { metrics.counters }

    /// Consumes until the stop signal, then commits, leaves the group and returns.
    public func run() throws {
        try state.committer.start()
        publish()
        warmOutputTopics()
        try consumer.subscribe([configuration.inputTopic])
        logger.info("pipeline started: \(configuration.inputTopic) -> \(configuration.function.name) -> \(configuration.outputTopic)")
        var lastCommit = clock.now()
        var lastDelivery = clock.now()
        while !stop.isRequested {
            if try pollOnce() > 0 { lastDelivery = clock.now() }
            for output in state.processor.closeWindows() { try send(output) }
            producer.poll()
            try applyBackpressure(lastDelivery: lastDelivery)
            if clock.now() - lastCommit >= configuration.commitInterval {
                lastCommit = clock.now()
                try state.commit(.interval, consumer: consumer)
            }
            publish()
        }
        try state.commit(.shutdown, consumer: consumer)
        try consumer.close()
        publish()
        logger.info("pipeline stopped: \(state.processor.counters)")
    }

    /// Reads the output and dead-letter topics' metadata before the first record, so the first
    /// results are not held while the producer looks them up; a topic that cannot be read is a
    /// warning (the cluster may create it on first use), not a failure. At most 2 s a topic: it
    /// only saves time, so an unreachable cluster must not hold the start for long.
    private func warmOutputTopics() {
        for topic in [configuration.outputTopic, configuration.deadLetterTopic] {
            do throws(KafkaError) {
                _ = try producer.partitionCount(of: topic, timeoutMilliseconds: 2_000)
            } catch {
                logger.warning("topic \(topic): no metadata before the first record (\(error)); it may be created on first use")
            }
        }
    }

    /// Delivers one batch to the processor and produces the dead letters it causes.
    private func pollOnce() throws(KafkaError) -> Int {
        var failure: KafkaError?
        var now: Int64?
        let delivered = consumer.poll(maxMessages: 10_000, timeoutMilliseconds: 100) { message in
            guard failure == nil else { return }
            // One clock reading per polled batch: the batch arrived at once.
            let batchTime = now ?? clock.now()
            now = batchTime
            let letter = state.processor.ingest(
                partition: message.partition, offset: message.offset, key: message.key, value: message.value,
                kafkaTimestamp: message.timestamp?.milliseconds, now: batchTime)
            if let letter {
                do throws(KafkaError) { try send(letter) } catch { failure = error }
            }
        }
        if let failure { throw failure }
        return delivered
    }

    private func send(_ output: PipelineOutput) throws(KafkaError) {
        try producer.send(output.outgoing)
        observe?(output)
    }

    private func applyBackpressure(lastDelivery: Int64) throws(KafkaError) {
        let processor = state.processor
        let decision = state.backpressure.decide(
            now: clock.now(), lastDelivery: lastDelivery, bufferedBytes: processor.bufferedBytes,
            wanted: processor.partitionsToPause(bufferLimit: configuration.maximumBufferedBytes))
        if !decision.pause.isEmpty {
            try consumer.pause(decision.pause.map { TopicPartition(configuration.inputTopic, $0) })
            for partition in decision.pause { state.processor.setPaused(partition, true) }
        }
        if !decision.resume.isEmpty {
            try consumer.resume(decision.resume.map { TopicPartition(configuration.inputTopic, $0) })
            for partition in decision.resume { state.processor.setPaused(partition, false) }
        }
        for event in decision.events { log(event) }
    }

    private func log(_ event: BackpressurePolicy.Event) {
        let limit = configuration.maximumBufferedBytes
        switch event {
        case .paused(let partitions, let buffered):
            logger.warning("buffered \(buffered) bytes > \(limit): pausing partitions \(partitions)")
        case .stalled(let buffered):
            logger.warning("buffered \(buffered) bytes > \(limit), but the running partitions have no data: resuming all")
        case .resumedUnderBound(let partitions):
            logger.info("buffer back under its bound: resuming partitions \(partitions)")
        case .resumedFurthestBehind(let partitions):
            logger.info("resuming partitions \(partitions): now furthest behind in stream time, their windows close first")
        }
    }

    /// Publishes the current figures and marks the loop alive.
    private func publish() {
        let processor = state.processor
        let pending = state.committer.pendingWork(processor)
        let paused = state.backpressure.paused.count
        let now = clock.now()
        state.reporter.recordFunctionDurations(state.processor.takeFunctionDurations())
        state.reporter.publish { metrics in
            metrics.counters = processor.counters
            metrics.openWindows = processor.openWindowCount
            metrics.bufferedBytes = processor.bufferedBytes
            metrics.bufferedRecords = processor.bufferedRecords
            metrics.pausedPartitions = paused
            metrics.assignedPartitions = processor.assignedPartitions.count
            metrics.pending = pending
            metrics.waitingForBrokers = false
            metrics.lastHeartbeat = now
        }
    }
}
