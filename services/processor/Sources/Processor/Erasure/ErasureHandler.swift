import Foundation
import GameMetricsKit
import GameMetricsService
import Kafka
import Logging
import ServiceLifecycle

/// The processor's part in GDPR erasure, consuming `privacy.erasure` as group
/// `processor-erasure`. For each `erasure.requested`: deletes the player's raw events, bucket
/// memberships and state (`PlayerDataEraser`), writes a tombstone for the player's key on the
/// processed topic, then publishes `erasure.completed` for service `processor`. Offsets are
/// committed after that; every step is idempotent, so a redelivery repeats harmlessly. A record
/// that cannot be decoded, or whose content the database refuses, is dead-lettered to
/// `privacy.erasure.dlq` with its reason and committed, never retried forever.
final class ErasureHandler: Service, Sendable {
    static let service = "processor"
    static let groupID = "processor-erasure"

    private let eraser: any PlayerDataEraser
    private let schema: SchemaPreparation
    private let producer: KafkaProducer
    private let settings: ProcessorSettings
    private let logger: Logger
    let loop: ConsumerLoop

    init(
        consumer: KafkaConsumer, eraser: any PlayerDataEraser, schema: SchemaPreparation, producer: KafkaProducer,
        settings: ProcessorSettings, logger: Logger
    ) {
        self.eraser = eraser
        self.schema = schema
        self.producer = producer
        self.settings = settings
        self.logger = logger
        self.loop = ConsumerLoop(
            consumer: consumer, name: "erasure-consumer", stallAfter: settings.consumerStallAfter, retryDelay: settings.retryDelay, logger: logger
        ) { ProcessorMetrics.retries.increment() }
    }

    func run() async throws {
        try await loop.runRecordByRecord(
            prepare: { try await self.schema.prepare() }, deadLetters: DeadLetterQueue(producer: producer, group: Self.groupID),
            decode: { record in
                // Completions (ours and other services') are the user service's to record.
                guard case .requested(let request) = try record.erasureMessage() else { return nil }
                return request
            },
            handle: { request, record in
                await self.loop.handling("erase a player") { try await self.erase(request, trace: record.traceParent) }
            })
    }

    private func erase(_ request: ErasureRequested, trace: TraceParent?) async throws {
        let deleted = try await eraser.erase(playerID: request.playerID, tenantID: request.tenantID)
        let headers = [KafkaHeader(key: TraceParent.headerName, string: (trace?.child() ?? TraceParent.newRoot()).description)]
        let key = Array("\(request.tenantID):\(request.playerID)".utf8)
        let completion = ErasureMessage.completed(ErasureCompleted(
            requestID: request.requestID, tenantID: request.tenantID, playerID: request.playerID, service: Self.service,
            status: .completed, completedAt: Date(), deleted: deleted))
        // The tombstone first: once the completion is out, nothing of the player may remain.
        try await send(.tombstone(topic: settings.processedTopic, key: key, headers: headers))
        try await send(KafkaProducerMessage(topic: settings.erasureTopic, key: key, value: try completion.encoded(), headers: headers))
        ProcessorMetrics.erasuresCompleted.increment()
        logger.info("player data erased", metadata: [
            "request_id": "\(request.requestID.uuidString.lowercased())", "tenant_id": "\(request.tenantID)", "deleted": "\(deleted)",
        ])
    }

    private func send(_ message: KafkaProducerMessage) async throws {
        try await producer.send(message)
    }
}
