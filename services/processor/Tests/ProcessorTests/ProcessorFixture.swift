import Foundation
import GameMetricsKit
import GameMetricsPostgres
import GameMetricsTesting
import Hummingbird
import HummingbirdTesting
import Kafka
import Logging
import PostgresNIO
import Synchronization
import Testing

@testable import Processor

/// The processor's real surroundings on loopback: a fresh PostgreSQL database (or the given
/// one), devkafka topics of this test's own (raw, processed, invalid, erasure) and a
/// redis-server of its own.
struct ProcessorFixture: Sendable {
    let kafka: String
    let databaseURL: String
    let redisURL: String
    let rawTopic: String
    let processedTopic: String
    let invalidTopic: String
    let erasureTopic: String
    let group: String

    static func run(databaseURL: String? = nil, _ body: @Sendable (ProcessorFixture) async throws -> Void) async throws {
        let kafka = try TestServers.value("GM_TEST_KAFKA_BOOTSTRAP")
        let control = DevKafkaControl(baseURL: try TestServers.devKafkaURL)
        let suffix = UUID().uuidString.prefix(8).lowercased()
        let fixtureTopics = (
            raw: "test.raw.\(suffix)", processed: "test.processed.\(suffix)",
            invalid: "test.invalid.\(suffix)", erasure: "test.erasure.\(suffix)"
        )
        // More partitions than production's 12: devkafka's mock brokers keep only a few MB per
        // partition and drop the oldest records beyond (300k events on 12 partitions lost the
        // first 2-5k offsets of each), and the 200k-event test must find every record.
        try await control.createTopic(fixtureTopics.raw, partitions: 24)
        try await control.createTopic(fixtureTopics.processed, partitions: 6)
        try await control.createTopic(fixtureTopics.invalid, partitions: 3)
        try await control.createTopic(fixtureTopics.erasure, partitions: 3)
        let redis = try RedisTestServer()
        defer { redis.remove() }
        try await redis.start()
        let redisURL = redis.url
        let fixture = { @Sendable (databaseURL: String) in
            ProcessorFixture(
                kafka: kafka, databaseURL: databaseURL, redisURL: redisURL, rawTopic: fixtureTopics.raw,
                processedTopic: fixtureTopics.processed, invalidTopic: fixtureTopics.invalid, erasureTopic: fixtureTopics.erasure,
                group: "processor-\(suffix)")
        }
        if let databaseURL {
            try await body(fixture(databaseURL))
        } else {
            try await TestDatabase.withFresh { try await body(fixture($0)) }
        }
    }

    /// The erasure participant's consumer group in this test.
    var erasureGroup: String { group + "-erasure" }

    /// The processor's environment: these topics and groups, this database and Redis.
    var environment: [String: String] {
        [
            "GM_HTTP_HOST": "127.0.0.1", "GM_HTTP_PORT": "0", "GM_LOG_LEVEL": "warning",
            "GM_KAFKA_BOOTSTRAP": kafka, "GM_PG_URL": databaseURL, "GM_REDIS_URL": redisURL,
            "GM_PROCESSOR_GROUP": group, "GM_PROCESSOR_RAW_TOPIC": rawTopic, "GM_PROCESSOR_PROCESSED_TOPIC": processedTopic,
            "GM_PROCESSOR_INVALID_TOPIC": invalidTopic, "GM_PROCESSOR_ERASURE_TOPIC": erasureTopic,
            // A group of this test's own: tests running side by side would otherwise share
            // `processor-erasure` and rebalance each other's erasure consumers.
            "GM_PROCESSOR_ERASURE_GROUP": erasureGroup,
            "GM_ERASURE_SUBJECT_KEY": PlatformContract.testErasureSubjectKey,
            // The live test client keeps one connection for the whole test and does not reconnect
            // after the server's idle timeout closes it.
            "GM_HTTP_IDLE_TIMEOUT_MS": "600000",
        ]
    }

    /// Runs a processor in this process around `body`, then stops it gracefully.
    /// Its graceful shutdown must end within `shutdownLimit`, or the test run stops with a
    /// fatal error naming it: the live test framework waits for the shutdown without a bound,
    /// and a test must fail, never hang.
    func withProcessor<T: Sendable>(
        environment extra: [String: String] = [:], shutdownLimit: Duration = .seconds(90),
        _ body: @Sendable (any TestClientProtocol) async throws -> T
    ) async throws -> T {
        let application = try Processor.buildApplication(environment: EnvironmentReader(environment.merging(extra) { $1 }))
        let result = Mutex<T?>(nil)
        let bodyEnded = StartGate()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                await bodyEnded.wait()
                // Cancelled (the shutdown finished) before the limit: nothing to report.
                try await Task.sleep(for: shutdownLimit)
                fatalError("the in-process processor did not stop within \(shutdownLimit) of graceful shutdown")
            }
            try await application.test(.live) { client in
                defer { bodyEnded.open() }
                let value = try await body(client)
                result.withLock { $0 = value }
            }
            group.cancelAll()
        }
        return result.withLock { $0 }!
    }

    /// Writes records to Kafka (acknowledged) in chunks.
    func produce(_ records: [KafkaProducerMessage], chunk: Int = 5000) async throws {
        let producer = try KafkaProducer(
            configuration: KafkaProducerConfiguration(bootstrapServers: kafka.split(separator: ",").map(String.init), clientID: "test-producer"),
            logger: Logger(label: "test-producer"))
        try await withRunningServices([producer]) {
            var start = 0
            while start < records.count {
                let end = min(start + chunk, records.count)
                for result in await producer.send(Array(records[start..<end])) {
                    _ = try result.get()
                }
                start = end
            }
        }
    }

    /// Waits until `events_raw` holds `count` rows (the aggregates commit with them), for as long
    /// as the count keeps growing: it fails once `stall` passes without a new row, so a loaded
    /// machine that stores slowly is not mistaken for a processor that stopped.
    func waitForStoredEvents(_ count: Int, stall: Duration = .seconds(120)) async throws {
        var stored = 0
        var lastProgress = ContinuousClock.now
        while ContinuousClock.now - lastProgress < stall {
            // Until the processor has migrated, the table does not exist yet.
            if let rows = try? await query("SELECT count(*)::bigint FROM events_raw", as: Int64.self) {
                let now = rows.first.map(Int.init) ?? 0
                if now >= count { return }
                if now > stored { (stored, lastProgress) = (now, ContinuousClock.now) }
            }
            try await Task.sleep(for: .milliseconds(250))
        }
        Issue.record("events_raw holds \(stored) rows, none more for \(stall); expected \(count)")
        throw TimedOut()
    }

    /// Everything the processor aggregated, in the reference's shape.
    func storedAggregates() async throws -> Aggregates {
        let rawEvents = Int(try await query("SELECT count(*)::bigint FROM events_raw", as: Int64.self).first ?? 0)
        return try await withDatabase { client, logger in
            var aggregates = Aggregates()
            aggregates.rawEvents = rawEvents
            let metrics = try await client.query(
                """
                SELECT tenant_id, grain, extract(epoch FROM bucket)::bigint, game_id, event_type, currency,
                       events, amount_minor::bigint, session_duration_ms::bigint
                FROM event_metrics
                """, logger: logger)
            for try await (tenant, grain, bucket, game, type, currency, events, amount, session)
                in metrics.decode((String, String, Int64, String, String, String, Int64, Int64, Int64).self)
            {
                aggregates.metrics[.init(tenant: tenant, grain: grain, bucket: bucket, game: game, type: type, currency: currency)] =
                    .init(events: events, amountMinor: amount, sessionDurationMs: session)
            }
            let players = try await client.query(
                "SELECT tenant_id, grain, extract(epoch FROM bucket)::bigint, game_id, players FROM active_players", logger: logger)
            for try await (tenant, grain, bucket, game, count) in players.decode((String, String, Int64, String, Int64).self) {
                aggregates.activePlayers[.init(tenant: tenant, grain: grain, bucket: bucket, game: game)] = count
            }
            let states = try await client.query(
                """
                SELECT tenant_id, player_id, events, sessions, rounds,
                       (extract(epoch FROM first_seen_at) * 1000000)::bigint, (extract(epoch FROM last_seen_at) * 1000000)::bigint
                FROM player_state
                """, logger: logger)
            for try await (tenant, player, events, sessions, rounds, first, last)
                in states.decode((String, String, Int64, Int64, Int64, Int64, Int64).self)
            {
                aggregates.players[.init(tenant: tenant, player: player)] =
                    .init(events: events, sessions: sessions, rounds: rounds, firstSeenMicros: first, lastSeenMicros: last)
            }
            return aggregates
        }
    }

    func query<T: PostgresDecodable & Sendable>(_ sql: PostgresQuery, as type: T.Type) async throws -> [T] {
        try await withDatabase { client, logger in
            var values: [T] = []
            for try await value in try await client.query(sql, logger: logger).decode(T.self) { values.append(value) }
            return values
        }
    }

    func withDatabase<T: Sendable>(_ work: @Sendable (PostgresClient, Logger) async throws -> T) async throws -> T {
        let logger = Logger(label: "processor-tests")
        return try await PostgresClient.withShortLivedClient(try PostgresClient.Configuration(url: URL(string: databaseURL)!), logger: logger) {
            try await work($0, logger)
        }
    }

    struct TimedOut: Error {}
}
