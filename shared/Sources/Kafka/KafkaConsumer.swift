import CRdKafka
import Dispatch
import Logging
import ServiceLifecycle
import Synchronization

/// A consumer-group member. Records arrive through `messages` (or `batches`); offsets are
/// committed only by the application, after its own write is durable.
///
/// Run it as a `Service`: on graceful shutdown `run()` leaves the group cleanly (its partitions
/// move to the other members at once) and the sequences end.
public final class KafkaConsumer: Service, Sendable {
    private let client: RDKafkaClient
    private let queue: ConsumerQueue
    private let configuration: KafkaConsumerConfiguration
    private let logger: Logger
    private let assignment: ConsumerAssignment
    private let closed = Atomic<Bool>(false)
    /// Every poll and the final close run here, one at a time, as librdkafka requires.
    private let pollQueue = DispatchQueue(label: "gm.kafka.consumer.poll")
    private let eventStream: AsyncStream<KafkaConsumerEvent>.Continuation

    /// Rebalances as they happen; ends when the consumer closes.
    public let events: AsyncStream<KafkaConsumerEvent>

    public init(configuration: KafkaConsumerConfiguration, logger: Logger) throws {
        self.configuration = configuration
        self.logger = logger
        let assignment = ConsumerAssignment()
        self.assignment = assignment
        (events, eventStream) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(64))
        let eventStream = self.eventStream
        client = try RDKafkaClient.make(.consumer, properties: configuration.properties, logger: logger) { conf in
            rd_kafka_conf_set_rebalance_cb(conf, rebalanceCallback)
        }
        client.context.rebalance = { handle, error, list in
            Self.rebalance(handle, error, list, assignment: assignment, events: eventStream, logger: logger)
        }
        rd_kafka_poll_set_consumer(client.handle)
        queue = ConsumerQueue(rd_kafka_queue_get_consumer(client.handle))

        let topics = rd_kafka_topic_partition_list_new(Int32(configuration.topics.count))!
        defer { rd_kafka_topic_partition_list_destroy(topics) }
        for topic in configuration.topics {
            rd_kafka_topic_partition_list_add(topics, topic, -1)
        }
        let error = rd_kafka_subscribe(client.handle, topics)
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError.subscriptionFailed(code: error.rawValue, reason: RDKafkaClient.describe(error))
        }
    }

    /// Records one at a time, in partition order.
    public var messages: KafkaConsumerMessages { KafkaConsumerMessages(batches: batches) }

    /// Records as librdkafka hands them over, up to `maxBatchSize` at a time (never empty).
    public var batches: KafkaConsumerBatches { KafkaConsumerBatches(consumer: self) }

    /// The partitions this member owns now.
    public var assignedPartitions: Set<KafkaTopicPartition> { assignment.partitions }

    /// The partition's low and high watermarks as last seen in fetch responses (no broker round
    /// trip, so it is cheap enough for every metrics scrape); nil before the first fetch.
    public func watermarks(of partition: KafkaTopicPartition) -> (low: Int64, high: Int64)? {
        var low: Int64 = -1
        var high: Int64 = -1
        let error = rd_kafka_get_watermark_offsets(client.handle, partition.topic, partition.partition, &low, &high)
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR, high >= 0 else { return nil }
        return (max(low, 0), high)
    }

    /// Commits `offset` (the next offset to read) per partition and waits for the broker.
    public func commit(_ offsets: [KafkaOffset]) async throws {
        guard !offsets.isEmpty else { return }
        let client = self.client
        try await BlockingCalls.run {
            let error = RDKafkaTopicPartitionList.withList(offsets) { rd_kafka_commit(client.handle, $0, 0) }
            guard error == RD_KAFKA_RESP_ERR_NO_ERROR else {
                throw KafkaError.commitFailed(code: error.rawValue, reason: RDKafkaClient.describe(error))
            }
        }
    }

    /// Commits past every given record: per partition, the highest offset seen plus one.
    public func commit(processed messages: some Sequence<KafkaConsumerMessage>) async throws {
        try await commit(next: KafkaConsumerMessage.nextOffsets(after: messages))
    }

    /// Commits, per partition, the offset of the next record to consume.
    public func commit(next offsets: [KafkaTopicPartition: Int64]) async throws {
        try await commit(offsets.map { KafkaOffset(topic: $0.key.topic, partition: $0.key.partition, offset: $0.value) })
    }

    public func run() async throws {
        try? await gracefulShutdown()
        await close()
    }

    /// Leaves the group and ends the sequences; safe to call more than once. Gives up waiting
    /// after `closeTimeout` (the group then reassigns the partitions after its session timeout).
    public func close() async {
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        let client = self.client
        let queue = self.queue
        let left = await BlockingCalls.run(on: pollQueue, timeout: configuration.closeTimeout) {
            queue.destroy()
            _ = rd_kafka_consumer_close(client.handle)
        }
        eventStream.finish()
        if left {
            logger.info("consumer left the group", metadata: ["group": "\(configuration.groupID)"])
        } else {
            logger.warning(
                "consumer did not leave the group in time",
                metadata: [
                    "group": "\(configuration.groupID)", "timeout": "\(configuration.closeTimeout)",
                ])
        }
    }

    /// One poll: nil once the consumer is closed, otherwise the records that arrived (maybe none).
    func poll() async throws -> (records: [KafkaConsumerMessage], generation: Int)? {
        let queue = self.queue
        let logger = self.logger
        let limit = configuration.maxBatchSize
        let timeout = Int32(configuration.pollTimeout.milliseconds)
        let assignment = self.assignment
        let client = self.client
        return try await BlockingCalls.run(on: pollQueue) { () throws -> ([KafkaConsumerMessage], Int)? in
            guard let handle = queue.handle else { return nil }
            let buffer = UnsafeMutablePointer<UnsafeMutablePointer<rd_kafka_message_t>?>.allocate(capacity: limit)
            defer { buffer.deallocate() }
            let count = rd_kafka_consume_batch_queue(handle, timeout, buffer, limit)
            guard count >= 0 else {
                throw KafkaError.fatal(code: rd_kafka_last_error().rawValue, reason: RDKafkaClient.describe(rd_kafka_last_error()))
            }
            var records: [KafkaConsumerMessage] = []
            records.reserveCapacity(count)
            for index in 0..<count {
                guard let message = buffer[index] else { continue }
                defer { rd_kafka_message_destroy(message) }
                let error = message.pointee.err
                if error == RD_KAFKA_RESP_ERR_NO_ERROR {
                    records.append(KafkaConsumerMessage(copying: message))
                } else if let fatal = client.fatalError() {
                    throw fatal
                } else {
                    // Transient (a broker went away, a fetch failed): librdkafka retries by itself.
                    logger.warning("consumer error", metadata: ["error": "\(RDKafkaClient.describe(error))"])
                }
            }
            return (records, assignment.generation)
        }
    }

    func owns(_ partition: KafkaTopicPartition) -> Bool { assignment.owns(partition) }
    var assignmentGeneration: Int { assignment.generation }

    private static func rebalance(
        _ handle: OpaquePointer, _ error: rd_kafka_resp_err_t, _ list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>,
        assignment: ConsumerAssignment, events: AsyncStream<KafkaConsumerEvent>.Continuation, logger: Logger
    ) {
        let cooperative = String(cString: rd_kafka_rebalance_protocol(handle)) == "COOPERATIVE"
        let partitions = RDKafkaTopicPartitionList.partitions(of: list)
        switch error {
        case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS:
            if cooperative {
                rd_kafka_error_destroy(rd_kafka_incremental_assign(handle, list))
            } else {
                _ = rd_kafka_assign(handle, list)
            }
            assignment.assign(partitions)
            logger.info("partitions assigned", metadata: ["partitions": "\(partitions)"])
            events.yield(.partitionsAssigned(partitions))
        case RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS:
            if cooperative {
                rd_kafka_error_destroy(rd_kafka_incremental_unassign(handle, list))
            } else {
                _ = rd_kafka_assign(handle, nil)
            }
            assignment.revoke(partitions)
            logger.info("partitions revoked", metadata: ["partitions": "\(partitions)"])
            events.yield(.partitionsRevoked(partitions))
        default:
            logger.error("rebalance failed", metadata: ["error": "\(RDKafkaClient.describe(error))"])
            _ = rd_kafka_assign(handle, nil)
            events.yield(.partitionsRevoked(assignment.revokeAll()))
        }
    }
}

/// The consumer's queue reference; destroyed before the handle is closed.
private final class ConsumerQueue: @unchecked Sendable {
    private(set) var handle: OpaquePointer?

    init(_ handle: OpaquePointer?) {
        self.handle = handle
    }

    /// Only called on the consumer's poll queue, which also serializes every read of `handle`.
    func destroy() {
        if let handle { rd_kafka_queue_destroy(handle) }
        handle = nil
    }

    deinit { destroy() }
}

private let rebalanceCallback:
    @convention(c) (
        OpaquePointer?, rd_kafka_resp_err_t, UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?, UnsafeMutableRawPointer?
    ) -> Void = { handle, error, list, opaque in
        guard let handle, let list, let context = RDKafkaClientContext.from(opaque) else { return }
        context.rebalance?(handle, error, list)
    }
