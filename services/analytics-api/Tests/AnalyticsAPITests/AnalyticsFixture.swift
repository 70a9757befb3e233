import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
import GameMetricsKit
import GameMetricsPostgres
import GameMetricsTesting
import Hummingbird
import HummingbirdTesting
import Kafka
import Logging
import PostgresNIO
import Testing

@testable import AnalyticsAPI

/// analytics-api's real surroundings on loopback: a fresh database holding the user service's,
/// the processor's and analytics-api's schemas with db/roles.sql applied (analytics-api connects
/// as its own role, so row-level security applies), the user service and the processor as
/// processes of their own, devkafka topics and a redis-server of this test's own.
struct AnalyticsFixture: Sendable {
    let kafka: String
    let ownerURL: String
    let analyticsURL: String
    let redisURL: String
    let topics: Topics
    let user: UserServiceProcess
    let suffix: String
    let logger = Logger(label: "analytics-fixture")

    struct Topics: Sendable {
        let raw: String, processed: String, invalid: String, erasure: String
    }

    static let tenantA = "demo-casino"
    static let tenantB = "demo-sportsbook"

    /// `userEnvironment` adds variables to the user service (e.g. a short token lifetime).
    static func run(userEnvironment: [String: String] = [:], _ body: @Sendable (AnalyticsFixture) async throws -> Void) async throws {
        let kafka = try TestServers.value("GM_TEST_KAFKA_BOOTSTRAP")
        let control = DevKafkaControl(baseURL: try TestServers.devKafkaURL)
        let suffix = UUID().uuidString.prefix(8).lowercased()
        let topics = Topics(raw: "test.raw.\(suffix)", processed: "test.processed.\(suffix)", invalid: "test.invalid.\(suffix)", erasure: "test.erasure.\(suffix)")
        for (topic, partitions) in [(topics.raw, 6), (topics.processed, 3), (topics.invalid, 3), (topics.erasure, 3)] {
            try await control.createTopic(topic, partitions: partitions)
        }
        let redis = try RedisTestServer()
        defer { redis.remove() }
        try await redis.start()
        try await TestDatabase.withFresh { ownerURL in
            let logger = Logger(label: "analytics-fixture")
            try await UserServiceProcess.run(databaseURL: ownerURL, environment: ["GM_KAFKA_BOOTSTRAP": kafka].merging(userEnvironment) { $1 }) { user in
                try await PlatformSchemas.apply(ownerURL: ownerURL, logger: logger)
                var analytics = try #require(URLComponents(string: try TestServers.value("GM_TEST_PG_ANALYTICS_API_URL")))
                analytics.path = try #require(URLComponents(string: ownerURL)).path
                try await body(
                    AnalyticsFixture(
                        kafka: kafka, ownerURL: ownerURL, analyticsURL: try #require(analytics.string), redisURL: redis.url, topics: topics, user: user,
                        suffix: String(suffix)))
            }
        }
    }

    /// The live channels of this test: tests side by side share the Redis server of none, but
    /// a distinct prefix keeps a stray message from ever crossing.
    var liveChannelPrefix: String { "gm:live:\(suffix):" }

    /// analytics-api's environment: its own role, these topics and Redis, the user service.
    func analyticsEnvironment(_ extra: [String: String] = [:]) throws -> EnvironmentReader {
        EnvironmentReader(
            [
                "GM_HTTP_HOST": "127.0.0.1", "GM_HTTP_PORT": "0", "GM_INTERNAL_HTTP_PORT": "0", "GM_LOG_LEVEL": "warning",
                "GM_PG_URL": analyticsURL, "GM_REDIS_URL": redisURL, "GM_KAFKA_BOOTSTRAP": kafka, "GM_USER_URL": user.url,
                "GM_ANALYTICS_API_CLIENT_ID": try user.seeded("GM_ANALYTICS_API_CLIENT_ID"),
                "GM_ANALYTICS_API_CLIENT_SECRET": try user.seeded("GM_ANALYTICS_API_CLIENT_SECRET"),
                "GM_ANALYTICS_LIVE_CHANNEL_PREFIX": liveChannelPrefix, "GM_ANALYTICS_INVALID_TOPIC": topics.invalid,
                "GM_ANALYTICS_INVALID_GROUP": "analytics-invalid-\(suffix)", "GM_ANALYTICS_ERASURE_TOPIC": topics.erasure,
                "GM_ANALYTICS_ERASURE_GROUP": "analytics-erasure-\(suffix)", "GM_ANALYTICS_LAG_GROUP": "processor-\(suffix)",
                "GM_ANALYTICS_LAG_TOPIC": topics.raw, "GM_HTTP_IDLE_TIMEOUT_MS": "600000",
            ].merging(extra) { $1 })
    }

    /// The processor's environment, as its own process.
    var processorEnvironment: [String: String] {
        [
            "GM_HTTP_HOST": "127.0.0.1", "GM_HTTP_PORT": "0", "GM_INTERNAL_HTTP_PORT": "0", "GM_LOG_LEVEL": "warning",
            "GM_KAFKA_BOOTSTRAP": kafka, "GM_PG_URL": ownerURL, "GM_REDIS_URL": redisURL, "GM_PROCESSOR_GROUP": "processor-\(suffix)",
            "GM_PROCESSOR_RAW_TOPIC": topics.raw, "GM_PROCESSOR_PROCESSED_TOPIC": topics.processed, "GM_PROCESSOR_INVALID_TOPIC": topics.invalid,
            "GM_PROCESSOR_ERASURE_TOPIC": topics.erasure, "GM_PROCESSOR_ERASURE_GROUP": "processor-erasure-\(suffix)",
            "GM_PROCESSOR_LIVE_CHANNEL_PREFIX": liveChannelPrefix, "GM_ERASURE_SUBJECT_KEY": PlatformContract.testErasureSubjectKey,
        ]
    }

    /// Runs the processor (its own process) and analytics-api (in this process, on a real port)
    /// around `body`.
    func withServices(analytics extra: [String: String] = [:], _ body: @Sendable (AnalyticsClient) async throws -> Void) async throws {
        let processor = try ServiceProcess.start(try TestServers.value("GM_TEST_PROCESSOR_BIN"), environment: processorEnvironment)
        defer { processor.kill() }
        let application = try buildApplication(environment: try analyticsEnvironment(extra))
        try await application.test(.live) { client in
            try await body(AnalyticsClient(port: try #require(client.port), client: client))
        }
    }

    /// Runs ingestion (its own process) writing to this test's topics, until `body` returns.
    func withIngestion(_ body: @Sendable (_ url: String) async throws -> Void) async throws {
        let port = try PlatformContract.freeLoopbackPort()
        let ingestion = try ServiceProcess.start(
            try TestServers.value("GM_TEST_INGESTION_BIN"),
            environment: [
                "GM_HTTP_HOST": "127.0.0.1", "GM_HTTP_PORT": String(port), "GM_INTERNAL_HTTP_PORT": String(try PlatformContract.freeLoopbackPort()),
                "GM_LOG_LEVEL": "warning", "GM_KAFKA_BOOTSTRAP": kafka, "GM_REDIS_URL": redisURL, "GM_USER_URL": user.url,
                "GM_INGESTION_CLIENT_ID": try user.seeded("GM_INGESTION_CLIENT_ID"), "GM_INGESTION_CLIENT_SECRET": try user.seeded("GM_INGESTION_CLIENT_SECRET"),
                "GM_INGESTION_RAW_TOPIC": topics.raw, "GM_INGESTION_INVALID_TOPIC": topics.invalid, "GM_WRITE_KEY_MAC_SECRET": PlatformContract.writeKeyMACSecret,
            ])
        defer { ingestion.kill() }
        let url = "http://127.0.0.1:\(port)"
        try await eventually(.seconds(60)) {
            guard ingestion.isRunning else { throw ServiceExited() }
            let ready = try? await URLSession.shared.data(from: URL(string: url + "/health/ready")!)
            return (ready?.1 as? HTTPURLResponse)?.statusCode == 200
        }
        try await body(url)
    }

    struct ServiceExited: Error {}
    struct NotStored: Error { let count: Int }

    /// Writes events to the raw topic as ingestion does (acknowledged).
    func produce(_ events: [PlayerEvent]) async throws {
        try await produce(events.map { KafkaProducerMessage(topic: topics.raw, key: $0.partitionKeyBytes(), value: $0.jsonBytes()) })
    }

    func produce(_ records: [KafkaProducerMessage]) async throws {
        let producer = try KafkaProducer(
            configuration: KafkaProducerConfiguration(bootstrapServers: kafka.split(separator: ",").map(String.init), clientID: "test-producer"),
            logger: logger)
        try await withRunningServices([producer]) {
            for result in await producer.send(records) { _ = try result.get() }
        }
    }

    /// Waits until the processor stored `count` events.
    func waitForStoredEvents(_ count: Int) async throws {
        var stored: Int64 = -1
        var lastProgress = ContinuousClock.now
        while ContinuousClock.now - lastProgress < .seconds(120) {
            let now = (try? await ownerQuery("SELECT count(*)::int8 FROM events_raw", as: Int64.self).first) ?? 0
            if now >= count { return }
            if now > stored { (stored, lastProgress) = (now, ContinuousClock.now) }
            try await Task.sleep(for: .milliseconds(250))
        }
        Issue.record("events_raw holds \(stored) rows, none more for 120 s; expected \(count)")
        throw NotStored(count: count)
    }

    func ownerQuery<Row: Sendable>(_ query: PostgresQuery, as: Row.Type) async throws -> [Row] where Row: PostgresDecodable {
        try await PostgresClient.withShortLivedClient(try PostgresClient.Configuration(url: try #require(URL(string: ownerURL))), logger: logger) { client in
            try await client.query(query, logger: logger).collect().map { try $0.decode(Row.self) }
        }
    }

    /// Runs `work` as analytics-api's own database role.
    func asAnalyticsRole<T: Sendable>(_ work: (PostgresClient) async throws -> T) async throws -> T {
        try await PostgresClient.withShortLivedClient(try PostgresClient.Configuration(url: try #require(URL(string: analyticsURL))), logger: logger, work)
    }
}
