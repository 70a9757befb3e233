import CRdKafka
import Logging
import ServiceLifecycle
import Synchronization

/// An idempotent, acks=all producer. `send` returns only once the broker acknowledged (or
/// definitively refused) each record, so callers can promise durability to their own clients.
///
/// Run it as a `Service`: `run()` serves delivery reports until graceful shutdown, then flushes.
public final class KafkaProducer: Service, Sendable {
    private let client: RDKafkaClient
    private let reports: DeliveryReports
    private let topics: RDKafkaTopics
    private let configuration: KafkaProducerConfiguration
    private let logger: Logger
    private let closed = Atomic<Bool>(false)

    public init(configuration: KafkaProducerConfiguration, logger: Logger) throws {
        self.configuration = configuration
        self.logger = logger
        self.client = try RDKafkaClient.make(.producer, properties: configuration.properties, logger: logger) { conf in
            DeliveryReports.configure(conf)
        }
        self.reports = DeliveryReports(client: client)
        self.topics = RDKafkaTopics(client: client)
    }

    /// Whether `send` may write `topic` (``KafkaProducerConfiguration/permittedTopics``).
    public func permits(_ topic: String) -> Bool {
        configuration.permittedTopics?.contains(topic) ?? true
    }

    /// Records handed to librdkafka whose delivery report has not come back yet.
    public var inFlightCount: Int { Int(rd_kafka_outq_len(client.handle)) }

    /// Sends one record and waits for its acknowledgement.
    @discardableResult
    public func send(_ message: KafkaProducerMessage) async throws -> KafkaAcknowledgement {
        try await send([message])[0].get()
    }

    /// Sends records and waits for all their acknowledgements; one result per record, in order.
    /// Records refused locally (queue full past `enqueueTimeout`, closed producer, cancelled
    /// task) fail without being sent; records already queued are still delivered and reported.
    public func send(_ messages: [KafkaProducerMessage]) async -> [Result<KafkaAcknowledgement, KafkaError>] {
        let batch = DeliveryBatch(messages: messages)
        let deadline = ContinuousClock.now + configuration.enqueueTimeout
        var topic: (name: String, handle: OpaquePointer?)?
        var index = 0
        while index < messages.count {
            if closed.load(ordering: .relaxed) || Task.isCancelled {
                batch.fail(index, Task.isCancelled ? .cancelled : .closed)
                index += 1
                continue
            }
            // Borrow the record in place: copying it would retain and release its buffers.
            let error = messages.withUnsafeBufferPointer { records in
                let record = records.baseAddress! + index
                if topic?.name != record.pointee.topic {
                    guard permits(record.pointee.topic) else { return RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED }
                    topic = (record.pointee.topic, topics.handle(for: record.pointee.topic))
                }
                guard let handle = topic?.handle else { return RD_KAFKA_RESP_ERR__INVALID_ARG }
                return enqueue(record, topic: handle, opaque: batch.opaque(for: index))
            }
            switch error {
            case RD_KAFKA_RESP_ERR_NO_ERROR:
                index += 1
                // Serve waiting delivery reports from here too (non-blocking), as a C producer
                // loop does: under load the polling thread alone falls behind the senders.
                if index % 64 == 0 { reports.serve(timeoutMs: 0, maxEvents: 4) }
            case RD_KAFKA_RESP_ERR__QUEUE_FULL where ContinuousClock.now < deadline:
                // The reports drain the queue as they arrive; yield briefly and retry.
                try? await Task.sleep(for: .milliseconds(1))
            case RD_KAFKA_RESP_ERR__QUEUE_FULL:
                batch.fail(index, .queueFull)
                index += 1
            case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
                let name = messages[index].topic
                batch.fail(
                    index,
                    .produceRejected(
                        code: RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED.rawValue,
                        reason: "topic \(name) is not one this producer was built to write (permittedTopics: the service's KafkaAccess, which its KafkaUser's ACLs grant)"))
                index += 1
            default:
                batch.fail(index, .produceRejected(code: error.rawValue, reason: RDKafkaClient.describe(error)))
                index += 1
            }
        }
        return await batch.wait()
    }

    /// Succeeds when a broker answers a metadata request within `timeout`; for readiness checks.
    public func checkConnection(timeout: Duration = .seconds(2)) async throws {
        let client = self.client
        _ = try await BlockingCalls.run { try client.brokerCount(timeout: timeout) }
    }

    public func run() async throws {
        let reports = self.reports
        let poller = PollingThread(name: "kafka-producer-reports") {
            reports.serve(timeoutMs: 100)
        }
        try? await gracefulShutdown()
        closed.store(true, ordering: .relaxed)
        // With the event API, rd_kafka_flush only waits for the queue to drain; the polling
        // thread keeps serving the reports meanwhile.
        let client = self.client
        let timeout = configuration.messageTimeout
        let remaining = try await BlockingCalls.run { () -> Int32 in
            _ = rd_kafka_flush(client.handle, Int32(timeout.milliseconds))
            return rd_kafka_outq_len(client.handle)
        }
        await poller.stop()
        reports.serve(timeoutMs: 0, maxEvents: .max)
        if remaining > 0 {
            logger.error("producer closed with undelivered records", metadata: ["count": "\(remaining)"])
        } else {
            logger.info("producer flushed and closed")
        }
    }

    private func enqueue(
        _ record: UnsafePointer<KafkaProducerMessage>, topic: OpaquePointer, opaque: UnsafeMutableRawPointer
    ) -> rd_kafka_resp_err_t {
        var headers: OpaquePointer?
        if !record.pointee.headers.isEmpty {
            headers = rd_kafka_headers_new(record.pointee.headers.count)
            for header in record.pointee.headers {
                if let value = header.value {
                    _ = value.withUnsafeBytes { rd_kafka_header_add(headers, header.key, -1, $0.baseAddress, $0.count) }
                } else {
                    _ = rd_kafka_header_add(headers, header.key, -1, nil, 0)
                }
            }
        }
        let error = record.pointee.value.withUnsafeBytes { value in
            withOptionalBytes(record.pointee.key) { key in
                gm_kafka_produce(
                    client.handle, topic, record.pointee.partition ?? -1,
                    record.pointee.isTombstone ? nil : value.baseAddress, record.pointee.isTombstone ? 0 : value.count,
                    key?.baseAddress, key?.count ?? 0, headers, opaque)
            }
        }
        if error != RD_KAFKA_RESP_ERR_NO_ERROR, let headers {
            rd_kafka_headers_destroy(headers)
        }
        return error
    }
}

@inline(__always)
private func withOptionalBytes<R>(_ bytes: borrowing [UInt8]?, _ body: (UnsafeRawBufferPointer?) -> R) -> R {
    switch bytes {
    case .some(let bytes): bytes.withUnsafeBytes { body($0) }
    case .none: body(nil)
    }
}
