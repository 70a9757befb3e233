import Foundation
import GameMetricsKit
import GameMetricsPostgres
import GameMetricsTesting
import Hummingbird
import HummingbirdTesting
import Logging
import PostgresNIO
import Testing

@testable import Ingestion

/// One tenant's bad event must never stop storage for the others: the poison corpus goes through
/// the real ingestion service, devkafka and the processor executable into PostgreSQL.
@Suite("poison events from client to database")
struct PoisonCorpusEndToEndTests {
    @Test("each poison event is refused with a 4xx reason or stored jsonb-equal to what PostgreSQL parses from the bytes sent, never a 5xx, and another tenant's sentinel is stored")
    func poisonCorpusThroughIngestion() async throws {
        let binary = try TestServers.value("GM_TEST_PROCESSOR_BIN")
        try await LiveIngestionFixture.run { fixture, client in
            let processor = try await Self.startProcessor(binary, fixture: fixture)
            defer { processor.kill() }

            var outcomes: [(entry: PoisonCorpus.Entry, id: UUID, status: HTTPResponse.Status, json: [String: Any])] = []
            for entry in PoisonCorpus.entries {
                let id = UUID()
                let body = PoisonCorpus.event(
                    id: id, tenantID: nil, playerID: "poisoner", occurredAt: RFC3339.format(Date()), properties: entry.properties)
                let answer = try await client.postEvents(body, key: fixture.writeKeyA)
                outcomes.append((entry, id, answer.status, answer.json))
            }
            let sentinel = UUID()
            let sentinelAnswer = try await client.postEvents(
                PoisonCorpus.event(id: sentinel, tenantID: nil, playerID: "sentinel", occurredAt: RFC3339.format(Date()), properties: #"{"ok":true}"#),
                key: fixture.writeKeyB)
            #expect(sentinelAnswer.status == .accepted)

            let sentinelStored = try await Self.stored(sentinel, within: .seconds(90), databaseURL: fixture.databaseURL)
            try #require(sentinelStored, "the other tenant's sentinel is not stored")
            for outcome in outcomes {
                let name = outcome.entry.name
                #expect(outcome.status.code < 500, "\(name): \(outcome.status)")
                if outcome.status == .accepted {
                    _ = try await Self.stored(outcome.id, within: .seconds(20), databaseURL: fixture.databaseURL)
                    let equal = try await Self.storedEqually(outcome.id, properties: outcome.entry.properties, databaseURL: fixture.databaseURL)
                    #expect(equal, "\(name): accepted but not stored as PostgreSQL parses the bytes sent")
                } else {
                    #expect((400..<500).contains(outcome.status.code), "\(name): \(outcome.status)")
                    let error = outcome.json["error"] as? [String: Any]
                    let reason = (error?["details"] as? [[String: Any]])?.first?["reason"] as? String ?? error?["code"] as? String
                    #expect(reason != nil, "\(name): refused without a reason: \(outcome.json)")
                }
            }
        }
    }

    /// The processor executable on the fixture's raw topic and database, with topics of its own
    /// for what it writes.
    static func startProcessor(_ binary: String, fixture: LiveIngestionFixture) async throws -> ServiceProcess {
        let control = DevKafkaControl(baseURL: try TestServers.devKafkaURL)
        let suffix = UUID().uuidString.prefix(8).lowercased()
        try await control.createTopic("test.processed.\(suffix)", partitions: 3)
        try await control.createTopic("test.erasure.\(suffix)", partitions: 1)
        return try ServiceProcess.start(
            binary,
            environment: [
                "GM_HTTP_HOST": "127.0.0.1", "GM_HTTP_PORT": "0", "GM_LOG_LEVEL": "warning",
                "GM_KAFKA_BOOTSTRAP": try TestServers.value("GM_TEST_KAFKA_BOOTSTRAP"), "GM_PG_URL": fixture.databaseURL,
                "GM_REDIS_URL": fixture.redisURL, "GM_PROCESSOR_GROUP": "processor-\(suffix)",
                "GM_PROCESSOR_RAW_TOPIC": fixture.rawTopic, "GM_PROCESSOR_INVALID_TOPIC": fixture.invalidTopic,
                "GM_PROCESSOR_PROCESSED_TOPIC": "test.processed.\(suffix)", "GM_PROCESSOR_ERASURE_TOPIC": "test.erasure.\(suffix)",
                "GM_ERASURE_SUBJECT_KEY": PlatformContract.testErasureSubjectKey,
            ])
    }

    static func stored(_ id: UUID, within timeout: Duration, databaseURL: String) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let stored = try? await withDatabase(databaseURL) { client, logger in
                try await client.query("SELECT count(*)::bigint FROM events_raw WHERE event_id = \(id)", logger: logger)
                    .collect().first?.decode(Int64.self)
            }
            if let stored, stored == 1 { return true }
            try await Task.sleep(for: .milliseconds(250))
        }
        return false
    }

    /// False too when PostgreSQL cannot parse the properties sent: then nothing can equal them.
    static func storedEqually(_ id: UUID, properties: String, databaseURL: String) async throws -> Bool {
        (try? await withDatabase(databaseURL) { client, logger in
            let rows = try await client.query(
                "SELECT count(*)::bigint FROM events_raw WHERE event_id = \(id) AND properties = \(properties)::jsonb", logger: logger)
            return try await rows.collect().first?.decode(Int64.self) == 1
        }) ?? false
    }

    static func withDatabase<T: Sendable>(_ url: String, _ work: @Sendable (PostgresClient, Logger) async throws -> T) async throws -> T {
        let logger = Logger(label: "poison-corpus-tests")
        return try await PostgresClient.withShortLivedClient(try PostgresClient.Configuration(url: URL(string: url)!), logger: logger) {
            try await work($0, logger)
        }
    }
}
