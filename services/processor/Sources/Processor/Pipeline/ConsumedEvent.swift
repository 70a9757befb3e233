import Foundation
import GameMetricsKit
import Kafka

/// A record of the raw topic, decoded and checked, with what the store needs beside the event.
struct ConsumedEvent: Sendable, Equatable {
    var event: PlayerEvent
    /// `session_end`'s `properties.duration_ms`, when it is a non-negative integer.
    var sessionDurationMs: Int64?
    /// When ingestion accepted it (`gm-ingested-at-ms`, else the record's timestamp), for
    /// end-to-end latency.
    var ingestedAt: Date?
    var partition: Int32
    var offset: Int64

    static let ingestedAtHeader = "gm-ingested-at-ms"

    /// The event, or why the record is poison: not a stored event, or keyed for another player
    /// (ingestion keys every record `tenant:player`, which keeps a player's events in order).
    static func decode(_ record: KafkaConsumerMessage) -> Result<ConsumedEvent, PoisonRecord> {
        let event: PlayerEvent
        do {
            event = try PlayerEvent(jsonBytes: record.value)
        } catch {
            return .failure(PoisonRecord(record: record, errors: error.errors))
        }
        guard let key = record.key, key.elementsEqual(event.partitionKeyBytes()) else {
            return .failure(PoisonRecord(record: record, errors: [FieldError(field: "", reason: "key_mismatch")]))
        }
        // Records from other producers than ingestion fall back to the record's timestamp.
        let ingestedAt =
            record.headers.string(for: ingestedAtHeader)
            .flatMap { Int64($0) }
            .map { Date(timeIntervalSince1970: Double($0) / 1000) } ?? record.timestamp
        return .success(
            ConsumedEvent(
                event: event, sessionDurationMs: event.type == .sessionEnd ? sessionDuration(event.properties) : nil,
                ingestedAt: ingestedAt, partition: record.partition, offset: record.offset))
    }

    private static func sessionDuration(_ properties: EventProperties) -> Int64? {
        guard case .number(let text) = properties.value["duration_ms"], let value = Int64(text), value >= 0 else { return nil }
        return value
    }
}
