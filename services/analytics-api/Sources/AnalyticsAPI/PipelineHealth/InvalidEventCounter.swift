import Foundation
import GameMetricsKafka
import GameMetricsKit
import GameMetricsPostgres
import Kafka
import Logging
import Metrics
import PostgresNIO
import ServiceLifecycle

/// Consumes `player.events.invalid` into per-tenant, per-hour, per-reason counts
/// (`invalid_event_counts`). Exactly once: each batch's counts and the next offset per partition
/// are written in one transaction, records below a stored offset are skipped on redelivery, and
/// offsets are committed to Kafka after the transaction. A record that is not the platform's
/// invalid-event JSON is counted in `gm_analytics_invalid_records_unreadable_total` and passed.
struct InvalidEventCounter: Service {
    let loop: ConsumerLoop
    let postgres: PostgresClient
    let prepare: @Sendable () async throws -> Void
    let logger: Logger

    func run() async throws {
        try await loop.run(prepare: prepare) { batch in
            let tally = InvalidEventTally(batch)
            if tally.unreadable > 0 {
                Self.unreadable.increment(by: tally.unreadable)
                logger.warning("invalid-event records without tenant or time skipped", metadata: ["count": "\(tally.unreadable)"])
            }
            let stored = await loop.retrying("count invalid events") { try await store(tally) }
            guard stored else { return false }
            return await loop.retrying("commit invalid-event offsets") { try await loop.commit(next: tally.nextOffsets) }
        }
    }

    private func store(_ tally: InvalidEventTally) async throws {
        try await postgres.withTransactionEndingWithConnection(logger: logger) { connection in
            var counted: [KafkaTopicPartition: Int64] = [:]
            for partition in tally.nextOffsets.keys {
                let rows = try await connection.query(
                    "SELECT next_offset FROM invalid_events_consumed WHERE topic = \(partition.topic) AND partition = \(Int(partition.partition)) FOR UPDATE",
                    logger: logger)
                for try await offset in rows.decode(Int64.self) { counted[partition] = offset }
            }
            for (tenant, counts) in tally.counts(skipping: counted) {
                try await connection.query("SELECT set_config('gm.tenant_id', \(tenant), true)", logger: logger)
                for count in counts {
                    try await connection.query(
                        """
                        INSERT INTO invalid_event_counts (tenant_id, hour, source, reason, events)
                        VALUES (\(tenant), \(RFC3339.format(count.hour))::timestamptz, \(count.source), \(count.reason), \(count.events))
                        ON CONFLICT (tenant_id, hour, source, reason) DO UPDATE SET events = invalid_event_counts.events + excluded.events
                        """, logger: logger)
                }
            }
            for (partition, next) in tally.nextOffsets {
                try await connection.query(
                    """
                    INSERT INTO invalid_events_consumed (topic, partition, next_offset) VALUES (\(partition.topic), \(Int(partition.partition)), \(next))
                    ON CONFLICT (topic, partition) DO UPDATE SET next_offset = greatest(invalid_events_consumed.next_offset, excluded.next_offset)
                    """, logger: logger)
            }
        }
    }

    static let unreadable = Counter(label: "gm_analytics_invalid_records_unreadable_total")
}

/// One batch of invalid-event records, read: what to count per tenant, and the offsets after it.
struct InvalidEventTally: Sendable {
    struct Count: Sendable, Equatable {
        var hour: Date
        var source: String
        var reason: String
        var events: Int64
    }

    struct Record: Sendable {
        var partition: KafkaTopicPartition
        var offset: Int64
        var tenant: String
        var hour: Date
        var source: String
        var reasons: Set<String>
    }

    private struct Wire: Decodable {
        struct Problem: Decodable { var reason: String? }
        var tenant_id: String
        var source: String?
        var received_at: String
        var errors: [Problem]?
    }

    var records: [Record] = []
    var unreadable = 0
    var nextOffsets: [KafkaTopicPartition: Int64] = [:]

    init(_ batch: [KafkaConsumerMessage]) {
        for message in batch {
            nextOffsets[message.topicPartition] = max(nextOffsets[message.topicPartition] ?? 0, message.offset + 1)
            guard let wire = try? JSONDecoder().decode(Wire.self, from: Data(message.value)), !wire.tenant_id.isEmpty,
                !wire.tenant_id.unicodeScalars.contains("\u{0}"), let received = RFC3339.parse(wire.received_at)
            else {
                unreadable += 1
                continue
            }
            let reasons = Set((wire.errors ?? []).compactMap(\.reason).filter { !$0.isEmpty && !$0.unicodeScalars.contains("\u{0}") }.map { String($0.prefix(64)) })
            records.append(
                Record(
                    partition: message.topicPartition, offset: message.offset, tenant: wire.tenant_id, hour: TimeWindow.floor(received, .hour),
                    source: String((wire.source ?? "unknown").prefix(64)), reasons: reasons.isEmpty ? ["unknown"] : reasons))
        }
    }

    /// Counts per tenant of the records at or after `counted` (the next offset already counted per partition).
    func counts(skipping counted: [KafkaTopicPartition: Int64]) -> [String: [Count]] {
        var sums: [String: [String: Count]] = [:]
        for record in records where record.offset >= counted[record.partition] ?? 0 {
            for reason in record.reasons {
                let key = "\(record.hour.timeIntervalSince1970)|\(record.source)|\(reason)"
                sums[record.tenant, default: [:]][key, default: Count(hour: record.hour, source: record.source, reason: reason, events: 0)].events += 1
            }
        }
        return sums.mapValues { Array($0.values) }
    }
}
