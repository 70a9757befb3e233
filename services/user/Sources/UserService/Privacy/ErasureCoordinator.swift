import Foundation
import GameMetricsKafka
import GameMetricsKit
import GameMetricsService
import Kafka
import Logging
import ServiceLifecycle

/// Something that publishes records (the Kafka producer; tests may substitute it).
protocol ErasurePublisher: Sendable {
    /// `trace` travels as the record's `traceparent` header.
    func publish(_ message: ErasureMessage, trace: TraceParent?) async throws
}

/// Publishes to `privacy.erasure` (or another topic, for tests) and waits for the broker's ack.
struct KafkaErasurePublisher: ErasurePublisher {
    let producer: KafkaProducer
    var topic: String = ErasureMessage.topic

    func publish(_ message: ErasureMessage, trace: TraceParent?) async throws {
        let headers = trace.map { [KafkaHeader(key: TraceParent.headerName, string: $0.description)] } ?? []
        _ = try await producer.send(KafkaProducerMessage(
            topic: topic, key: message.key, value: try message.encoded(), headers: headers))
    }
}

/// The user service's side of erasure, consuming `privacy.erasure` as group `user-erasure`:
/// - `erasure.requested`: erases the player's data held by the user service (its profile row)
///   and publishes `erasure.completed` for service `user`, as every participant does;
/// - `erasure.completed` (from any participant, itself included): records the confirmation and
///   completes the request once all of its participants confirmed.
///
/// A batch's offsets are committed only after every record in it has been handled (its database
/// transaction committed, its completion acknowledged by Kafka). Both handlers are idempotent, so
/// a redelivery after a crash repeats harmlessly. A failing database or broker is retried with
/// backoff, never skipped; a record that cannot be decoded, or whose content the database
/// refuses, is dead-lettered to `privacy.erasure.dlq` with its reason and committed.
final class ErasureCoordinator: Service, Sendable {
    static let service = "user"
    static let groupID = "user-erasure"

    private let repository: any ErasureRepository
    private let publisher: any ErasurePublisher
    private let deadLetters: DeadLetterQueue
    private let logger: Logger
    private let loop: ConsumerLoop

    init(
        consumer: KafkaConsumer, repository: any ErasureRepository, publisher: any ErasurePublisher,
        deadLetters: DeadLetterQueue, logger: Logger, retryDelay: Duration = .milliseconds(500)
    ) {
        self.repository = repository
        self.publisher = publisher
        self.deadLetters = deadLetters
        self.logger = logger
        // 0.5, 1, 2, 4, 8, then every 10 s.
        self.loop = ConsumerLoop(consumer: consumer, retryDelay: retryDelay, maxRetryDelay: retryDelay * 20, logger: logger)
    }

    func run() async throws {
        try await loop.runRecordByRecord(deadLetters: deadLetters, decode: { try $0.erasureMessage() }) { message, record in
            await self.loop.handling("handle the erasure record at \(record.topicPartition)@\(record.offset)") {
                try await self.handle(message, trace: record.traceParent)
            }
        }
    }

    func handle(_ message: ErasureMessage, trace: TraceParent? = nil) async throws {
        switch message {
        case .requested(let request):
            let deleted = try await repository.erasePlayerData(request.playerID, tenant: request.tenantID)
            try await publisher.publish(.completed(ErasureCompleted(
                requestID: request.requestID, tenantID: request.tenantID, playerID: request.playerID,
                service: Self.service, status: .completed, completedAt: Date(), deleted: deleted)),
                trace: trace?.child() ?? TraceParent.newRoot())
            logger.info("player data erased", metadata: [
                "request_id": "\(request.requestID.uuidString.lowercased())", "tenant_id": "\(request.tenantID)", "deleted": "\(deleted)",
            ])
        case .completed(let completion):
            let outcome = try await repository.record(completion)
            switch outcome {
            case .unknownRequest:
                logger.warning("erasure completion for an unknown request ignored", metadata: [
                    "request_id": "\(completion.requestID.uuidString.lowercased())", "tenant_id": "\(completion.tenantID)",
                    "service": "\(completion.service)",
                ])
            case .duplicate:
                logger.debug("duplicate erasure completion", metadata: [
                    "request_id": "\(completion.requestID.uuidString.lowercased())", "service": "\(completion.service)",
                ])
            case .recorded(let status):
                logger.info("erasure completion recorded", metadata: [
                    "request_id": "\(completion.requestID.uuidString.lowercased())", "service": "\(completion.service)", "status": "\(status.rawValue)",
                ])
            }
        }
    }
}
