import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
import GameMetricsKit
import GameMetricsTesting
import Hummingbird
import HummingbirdTesting
import Kafka
import PostgresNIO
import Testing

@testable import Processor

/// Records that PostgreSQL refuses must never stop storage: each is isolated and sent to the
/// invalid topic with its error, everything else is stored and the offsets move on. A store that
/// fails for any other reason is retried and makes the processor not ready.
@Suite("processor and records the database refuses")
struct StoreRefusalTests {
    @Test("the poison corpus produced straight onto the raw topic: each record is stored as PostgreSQL parses it or lands on the invalid topic with its error, and another tenant's sentinel behind it is stored")
    func poisonCorpusOnTheRawTopic() async throws {
        let now = RFC3339.format(Date())
        // And a timestamp PostgreSQL cannot hold, in a record no client could send through ingestion.
        let cases =
            PoisonCorpus.entries.map { entry in
                RawCase(name: entry.name, id: UUID(), occurredAt: now, properties: entry.properties)
            } + [RawCase(name: "year zero", id: UUID(), occurredAt: "0000-01-01T00:00:00Z", properties: "{}")]
        let sentinel = EventCorpus(uniqueEvents: 1, duplicateShare: 0, seed: 11).unique[0]
        #expect(sentinel.tenantID != "tenant-poison")

        try await ProcessorFixture.run { fixture in
            var accepted: [UUID: Bool] = [:]
            for item in cases {
                accepted[item.id] = try await fixture.postgresAccepts(properties: item.properties, occurredAt: item.occurredAt)
            }
            #expect(accepted.values.contains(false) && accepted.values.contains(true), "the corpus holds both kinds")

            // All on one partition, the sentinel last: nothing may stall the partition.
            let key = PlayerKey.bytes(tenantID: "tenant-poison", playerID: "poisoner")
            var records = cases.map { item in
                KafkaProducerMessage(
                    topic: fixture.rawTopic, key: key,
                    value: Array(
                        PoisonCorpus.event(
                            id: item.id, tenantID: "tenant-poison", playerID: "poisoner", occurredAt: item.occurredAt,
                            properties: item.properties
                        ).utf8),
                    partition: 0)
            }
            records.append(
                KafkaProducerMessage(
                    topic: fixture.rawTopic, key: sentinel.partitionKeyBytes(), value: sentinel.jsonBytes(), partition: 0))
            try await fixture.produce(records)

            try await fixture.withProcessor { _ in
                try await fixture.waitForRow(
                    "SELECT count(*)::bigint FROM events_raw WHERE event_id = \(sentinel.eventID)", timeout: .seconds(90))
            }
            let invalid = try await KafkaTopicReader.read(fixture.invalidTopic, count: .max, idle: .seconds(5))
            let refusals = InvalidRecords(invalid)
            for item in cases {
                let stored =
                    try await fixture.query(
                        "SELECT count(*)::bigint FROM events_raw WHERE event_id = \(item.id)", as: Int64.self
                    ).first ?? 0
                let reasons = refusals.reasons(for: item.id)
                if accepted[item.id] == true {
                    let storedEqually =
                        try await fixture.query(
                            "SELECT count(*)::bigint FROM events_raw WHERE event_id = \(item.id) AND properties = \(item.properties)::jsonb",
                            as: Int64.self
                        ).first ?? 0
                    #expect(storedEqually == 1 || (stored == 0 && !reasons.isEmpty), "\(item.name): neither stored as PostgreSQL parses it nor refused")
                } else {
                    #expect(stored == 0, "\(item.name): PostgreSQL refuses it, yet it is stored")
                    #expect(!reasons.isEmpty, "\(item.name): not on the invalid topic")
                }
            }
        }
    }

    @Test("a record PostgreSQL refuses is isolated: the rest of its batch is stored, it goes to the invalid topic with the database's error, and the offsets move on")
    func refusedRecordsAreIsolated() async throws {
        let corpus = EventCorpus(uniqueEvents: 2_000, duplicateShare: 0, players: 40, seed: 13)
        let refused = (0..<3).map { index in
            PlayerEvent(
                eventID: UUID(), tenantID: "tenant-a", playerID: "refused-player-\(index)", type: .levelUp, occurredAt: Date(),
                gameID: "slots-1", amount: nil, properties: .empty)
        }
        try await ProcessorFixture.run { fixture in
            let internalPort = try PlatformContract.freeLoopbackPort()
            try await fixture.withProcessor(environment: ["GM_PROCESSOR_BATCH_SIZE": "5000", "GM_INTERNAL_HTTP_PORT": String(internalPort)]) { _ in
                // A real refusal by the real server: a constraint these players break.
                try await fixture.waitForRow("SELECT count(*)::bigint FROM pg_tables WHERE tablename = 'event_metrics'")
                _ = try await fixture.query(
                    "ALTER TABLE events_raw ADD CONSTRAINT test_refuses_players CHECK (player_id NOT LIKE 'refused-player-%')",
                    as: Int64.self)
                var records = EventCorpus.records(corpus.unique, topic: fixture.rawTopic)
                for (index, event) in refused.enumerated() {
                    records.insert(
                        KafkaProducerMessage(topic: fixture.rawTopic, key: event.partitionKeyBytes(), value: event.jsonBytes()),
                        at: (index + 1) * 500)
                }
                try await fixture.produce(records)
                try await fixture.waitForStoredEvents(corpus.unique.count)
                try await fixture.waitForZeroLag(internalPort: internalPort)
            }
            let invalid = InvalidRecords(try await KafkaTopicReader.read(fixture.invalidTopic, count: refused.count, idle: .seconds(20)))
            for event in refused {
                let reasons = invalid.reasons(for: event.eventID)
                #expect(reasons.contains { $0.reason == "store_refused" && ($0.detail ?? "").contains("23514") }, "\(event.playerID): \(reasons)")
            }
            #expect(invalid.count == refused.count, "only the refused records are on the invalid topic")
            let stored = try await fixture.query("SELECT count(*)::bigint FROM events_raw", as: Int64.self)
            #expect(stored == [Int64(corpus.unique.count)])
        }
    }

    @Test("a schema that cannot be prepared makes the processor not ready, saying why, until it can be prepared")
    func unpreparedSchemaIsNotReady() async throws {
        try await ProcessorFixture.run { fixture in
            // A table in the first migration's way: every attempt fails with 42P07.
            _ = try await fixture.query("CREATE TABLE events_raw (in_the_way int)", as: Int64.self)
            try await fixture.withProcessor { client in
                var report = ""
                // Bounded by progress: the second attempt has failed once readiness names it.
                try await eventually(.seconds(120)) {
                    let (status, body) = try await client.execute(uri: "/health/ready", method: .get) { ($0.status, String(buffer: $0.body)) }
                    report = body
                    return status == .serviceUnavailable && body.contains("attempt 2")
                }
                #expect(report.contains("42P07"), "readiness says why: \(report)")
                _ = try await fixture.query("DROP TABLE events_raw", as: Int64.self)
                try await eventually(.seconds(120)) { try await fixture.readiness(client) == .ok }
            }
        }
    }

    @Test("a store that keeps failing for another reason is retried, makes the processor not ready, and stores everything once it recovers")
    func failingStoreIsNotReady() async throws {
        let corpus = EventCorpus(uniqueEvents: 300, duplicateShare: 0, seed: 17)
        try await ProcessorFixture.run { fixture in
            try await fixture.withProcessor { client in
                try await fixture.waitForRow("SELECT count(*)::bigint FROM pg_tables WHERE tablename = 'event_metrics'")
                try await eventually(.seconds(60)) { try await fixture.readiness(client) == .ok }
                // Not the data's fault: every write fails until the table is back.
                _ = try await fixture.query("ALTER TABLE event_metrics RENAME TO event_metrics_away", as: Int64.self)
                try await fixture.produce(EventCorpus.records(corpus.unique, topic: fixture.rawTopic))
                var status = HTTPResponse.Status.ok
                for _ in 0..<120 where status == .ok {
                    try await Task.sleep(for: .milliseconds(250))
                    status = try await fixture.readiness(client)
                }
                #expect(status == .serviceUnavailable)
                let invalid = try await KafkaTopicReader.read(fixture.invalidTopic, count: .max, idle: .seconds(2))
                #expect(invalid.isEmpty, "a failing database is no reason to call records invalid")

                _ = try await fixture.query("ALTER TABLE event_metrics_away RENAME TO event_metrics", as: Int64.self)
                try await fixture.waitForStoredEvents(corpus.unique.count)
                for _ in 0..<120 where status != .ok {
                    try await Task.sleep(for: .milliseconds(250))
                    status = try await fixture.readiness(client)
                }
                #expect(status == .ok)
            }
        }
    }
}

/// One raw-topic record of the corpus.
private struct RawCase: Sendable {
    let name: String
    let id: UUID
    let occurredAt: String
    let properties: String
}

/// The records on an invalid topic, by the event id they carry.
struct InvalidRecords {
    struct Reason: Equatable, CustomStringConvertible {
        let field: String
        let reason: String
        let detail: String?
        var description: String { "\(field): \(reason) \(detail ?? "")" }
    }

    private var byEvent: [UUID: [Reason]] = [:]
    let count: Int

    init(_ messages: [KafkaConsumerMessage]) {
        count = messages.count
        // The platform's parser: Foundation's refuses numbers beyond Double, which poison carries.
        for message in messages {
            guard case .object(let record) = try? JSONValue(parsing: message.value) else { continue }
            var reasons: [Reason] = []
            if case .array(let errors) = record["errors"] {
                for case .object(let error) in errors {
                    reasons.append(
                        Reason(
                            field: error["field"]?.stringValue ?? "", reason: error["reason"]?.stringValue ?? "",
                            detail: error["detail"]?.stringValue))
                }
            }
            // The event's id, from the embedded event or from the text of an opaque or cut payload
            // (the id comes first in an event as ingestion writes it).
            var text = ""
            if case .object(let event) = record["event"] {
                text = event["event_id"]?.stringValue ?? ""
            } else if let base64 = (record["payload_base64"] ?? record["payload_prefix_base64"])?.stringValue,
                let data = Data(base64Encoded: base64)
            {
                text = String(decoding: data, as: UTF8.self)
            }
            if let range = text.range(of: #"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"#, options: .regularExpression),
                let id = UUID(uuidString: String(text[range]))
            {
                byEvent[id, default: []] += reasons
            }
        }
    }

    func reasons(for id: UUID) -> [Reason] { byEvent[id] ?? [] }
}

extension JSONValue {
    fileprivate var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }
}

extension ProcessorFixture {
    /// Whether PostgreSQL itself takes these properties as `jsonb` and this time as `timestamptz`.
    func postgresAccepts(properties: String, occurredAt: String) async throws -> Bool {
        do {
            _ = try await query("SELECT \(properties)::jsonb IS NOT NULL AND \(occurredAt)::timestamptz IS NOT NULL", as: Bool.self)
            return true
        } catch {
            return false
        }
    }

    /// Waits until `sql` (a count) is at least 1.
    func waitForRow(_ sql: PostgresQuery, timeout: Duration = .seconds(60)) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let count = try? await query(sql, as: Int64.self).first, count > 0 { return }
            try await Task.sleep(for: .milliseconds(250))
        }
        Issue.record("no row for \(sql.sql) after \(timeout)")
        throw TimedOut()
    }

    func readiness(_ client: any TestClientProtocol) async throws -> HTTPResponse.Status {
        try await client.execute(uri: "/health/ready", method: .get) { $0.status }
    }

    /// Waits until `/v1/lag` reports that every record of the raw topic's `partitions` was
    /// committed (before the group is joined, no partition is reported at all).
    /// `/v1/lag` is an operator endpoint, served on the internal port.
    func waitForZeroLag(internalPort: Int, partitions: Int = 24, timeout: Duration = .seconds(60)) async throws {
        let deadline = ContinuousClock.now + timeout
        var lag: JSONValue = .null
        while ContinuousClock.now < deadline {
            // The internal listener may not be up yet: a refused connection is polled again.
            if let (data, _) = try? await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(internalPort)/v1/lag")!) {
                lag = (try? JSONValue(parsing: Array(data))) ?? .null
            }
            if case .object(let fields) = lag, fields["total_lag"] == .number("0"),
                case .array(let owned) = fields["partitions"], owned.count == partitions
            {
                return
            }
            try await Task.sleep(for: .milliseconds(500))
        }
        Issue.record("lag is still \(lag) after \(timeout)")
        throw TimedOut()
    }
}
