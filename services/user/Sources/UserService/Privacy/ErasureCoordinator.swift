import Foundation
import GameMetricsKit
import Kafka
import Logging
import ServiceLifecycle
import Synchronization

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
/// backoff, never skipped; a record that cannot be decoded is logged with its position and skipped.
final class ErasureCoordinator: Service, Sendable {
    static let service = "user"
    static let groupID = "user-erasure"

    private let consumer: KafkaConsumer
    private let repository: any ErasureRepository
    private let publisher: any ErasurePublisher
    private let logger: Logger
    private let retryDelay: Duration
    private let state = Mutex(State())

    private struct State {
        var processing = false
        var stopRequested = false
    }

    init(
        consumer: KafkaConsumer, repository: any ErasureRepository, publisher: any ErasurePublisher, logger: Logger,
        retryDelay: Duration = .milliseconds(500)
    ) {
        self.consumer = consumer
        self.repository = repository
        self.publisher = publisher
        self.logger = logger
        self.retryDelay = retryDelay
    }

    func run() async throws {
        try await withGracefulShutdownHandler {
            try await consume()
        } onGracefulShutdown: { [self] in
            // Idle: close now, which ends the batch sequence. Busy: the loop stops after the
            // batch in hand is handled and committed.
            let idle = state.withLock { state in
                state.stopRequested = true
                return !state.processing
            }
            if idle { Task { await self.consumer.close() } }
        }
        await consumer.close()
    }

    private func consume() async throws {
        for try await batch in consumer.batches {
            let proceed = state.withLock { state in
                guard !state.stopRequested else { return false }
                state.processing = true
                return true
            }
            guard proceed else { break }
            var handled = true
            for message in batch {
                guard try await handleWithRetry(message) else {
                    handled = false
                    break
                }
            }
            if handled {
                do {
                    try await consumer.commit(processed: batch)
                } catch {
                    // The records are handled; a redelivery of them is harmless.
                    logger.warning("erasure offsets not committed", metadata: ["error": "\(error)"])
                }
            }
            let stop = state.withLock { state in
                state.processing = false
                return state.stopRequested
            }
            if stop || !handled { break }
        }
    }

    /// false when it gave up because the task was cancelled.
    private func handleWithRetry(_ record: KafkaConsumerMessage) async throws -> Bool {
        let message: ErasureMessage?
        do {
            message = try ErasureMessage.decode(record.value)
        } catch {
            logger.error("undecodable record on privacy.erasure skipped", metadata: [
                "partition": "\(record.partition)", "offset": "\(record.offset)", "error": "\(error)",
            ])
            return true
        }
        guard let message else { return true }
        let trace = record.headers.string(for: TraceParent.headerName).flatMap { TraceParent($0) }
        var attempt = 0
        while true {
            do {
                try await handle(message, trace: trace)
                return true
            } catch {
                attempt += 1
                logger.warning("erasure record not handled yet, retrying", metadata: [
                    "partition": "\(record.partition)", "offset": "\(record.offset)", "attempt": "\(attempt)",
                    "error": "\(String(reflecting: error))",
                ])
                let delay = retryDelay * min(1 << min(attempt - 1, 6), 20)
                do {
                    try await Task.sleep(for: delay)
                } catch {
                    return false
                }
                if state.withLock({ $0.stopRequested }) { return false }
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
