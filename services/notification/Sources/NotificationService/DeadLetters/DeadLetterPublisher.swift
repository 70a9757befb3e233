import Foundation
import GameMetricsKit
import Kafka
import Logging
import ServiceLifecycle

/// Puts every dead notification on `notifications.dlq` (the outbox of `DeadLetterStore`): the
/// record is produced and acknowledged, then marked published, so a crash in between publishes
/// it again (consumers drop repeats by `notification_id`). The record carries ids, the channel
/// and every attempt's error; a player's address and the message data stay in the service's
/// database, where erasure reaches them.
final class DeadLetterPublisher: Service {
    private let store: DeadLetterStore
    private let producer: KafkaProducer
    private let topic: String
    private let logger: Logger
    let wakeup = WakeSignal()

    init(store: DeadLetterStore, producer: KafkaProducer, topic: String, logger: Logger) {
        self.store = store
        self.producer = producer
        self.topic = topic
        self.logger = logger
    }

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                for letter in try await store.unpublished(limit: 100) {
                    try await producer.send(
                        KafkaProducerMessage(
                            topic: topic, key: Array(Self.key(letter).utf8), value: try DeadLetterRecord(letter).encoded(),
                            headers: [KafkaHeader(key: TraceParent.headerName, string: TraceParent.newRoot().description)]))
                    try await store.markPublished(letter)
                }
            } catch {
                logger.warning("could not publish dead notifications yet", metadata: ["error": "\(String(reflecting: error))"])
            }
            await wakeup.wait(upTo: .seconds(2))
        }
    }

    /// `tenant:player` like the topic's other records (the tenant alone for operators' messages).
    static func key(_ letter: DeadLetterStore.DeadLetter) -> String {
        letter.playerID.map { "\(letter.tenantID):\($0)" } ?? letter.tenantID
    }
}

/// The value of a `notifications.dlq` record.
struct DeadLetterRecord: Encodable {
    let notificationID: String
    let messageID: String
    let tenantID: String
    let channel: String
    let template: String
    let createdAt: String
    let deadAt: String
    let outcome: String
    let replays: Int
    let attempts: [AttemptRecord]

    init(_ letter: DeadLetterStore.DeadLetter) {
        notificationID = letter.id.uuidString.lowercased()
        messageID = "msg_" + notificationID
        tenantID = letter.tenantID
        channel = letter.channel
        template = letter.template
        createdAt = RFC3339.format(letter.createdAt)
        deadAt = RFC3339.format(letter.deadAt)
        outcome = letter.outcome
        replays = letter.replays
        attempts = letter.attempts
    }

    enum CodingKeys: String, CodingKey {
        case channel, template, outcome, replays, attempts
        case notificationID = "notification_id"
        case messageID = "message_id"
        case tenantID = "tenant_id"
        case createdAt = "created_at"
        case deadAt = "dead_at"
    }

    func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder.sorted
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(RFC3339.format(date))
        }
        return Array(try encoder.encode(self))
    }
}
