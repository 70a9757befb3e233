import AsyncAlgorithms
import Foundation
import GameMetricsHTTP
import GameMetricsKit
import GameMetricsKafka
import Kafka
import Logging
import ServiceLifecycle

/// Publishes each served list to `recommendations.generated` (key `tenant:player`) off the
/// request path: requests queue lists (at most `capacity`; beyond that a list is counted as
/// dropped, never waited for), and `run()` sends them in batches. A derived record: losing one
/// to a full queue or a refusing broker costs a notification rule one trigger, not data.
final class GeneratedPublisher: Service, Sendable {
    private let producer: KafkaProducer
    private let topic: String
    private let metrics: RecommendationMetrics
    private let logger: Logger
    private let stream: AsyncStream<KafkaProducerMessage>
    private let continuation: AsyncStream<KafkaProducerMessage>.Continuation

    init(producer: KafkaProducer, topic: String, capacity: Int = 10_000, metrics: RecommendationMetrics, logger: Logger) {
        self.producer = producer
        self.topic = topic
        self.metrics = metrics
        self.logger = logger
        (stream, continuation) = AsyncStream.makeStream(of: KafkaProducerMessage.self, bufferingPolicy: .bufferingOldest(capacity))
    }

    /// The record: the list without the catalogue's details (consumers look games up).
    struct Record: Encodable {
        var tenantID: String
        var list: ServedList

        enum CodingKeys: String, CodingKey {
            case tenantID = "tenant_id"
            case playerID = "player_id"
            case modelVersion = "model_version"
            case variant, source, cached, games
            case generatedAt = "generated_at"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(tenantID, forKey: .tenantID)
            try container.encode(list.playerID, forKey: .playerID)
            try container.encode(list.modelVersion, forKey: .modelVersion)
            try container.encode(list.variant, forKey: .variant)
            try container.encode(list.source.rawValue, forKey: .source)
            try container.encode(list.cached, forKey: .cached)
            try container.encode(list.games.map(\.gameID), forKey: .games)
            try container.encode(RFC3339Millis.string(list.generatedAt), forKey: .generatedAt)
        }
    }

    func publish(_ list: ServedList, tenantID: String) {
        guard let value = try? JSONEncoder.api.encode(Record(tenantID: tenantID, list: list)) else { return }
        let message = KafkaProducerMessage(topic: topic, key: PlayerKey.bytes(tenantID: tenantID, playerID: list.playerID), value: Array(value))
        if case .dropped = continuation.yield(message) { metrics.generatedDropped.increment() }
    }

    func run() async throws {
        await withGracefulShutdownHandler {
            // What queued within 20 ms goes in one send: one wait for the acknowledgements of many.
            for await batch in stream.chunks(ofCount: 500, or: .repeating(every: .milliseconds(20))) {
                await send(batch)
            }
        } onGracefulShutdown: {
            self.continuation.finish()
        }
    }

    private func send(_ batch: [KafkaProducerMessage]) async {
        let results = await producer.send(batch)
        let failed = results.filter { if case .failure = $0 { true } else { false } }.count
        guard failed > 0 else { return }
        metrics.generatedDropped.increment(by: failed)
        logger.warning("served lists not published", metadata: ["count": "\(failed)", "topic": "\(topic)"])
    }
}
