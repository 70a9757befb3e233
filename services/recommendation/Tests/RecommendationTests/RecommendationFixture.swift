import Foundation
import GameMetricsKit
import HTTPTypes
import HummingbirdTesting
import GameMetricsPostgres
import GameMetricsTesting
import Logging
import PostgresNIO
import Redis
import S3
import Testing

@testable import Recommendation

/// Recommendation's real surroundings on loopback: a fresh database with every service's schema
/// and db/roles.sql (the service connects as `gm_recommendation`; pgvector in it), a bucket and
/// Redis server of the test's own, Kafka topics of its own on devkafka, and the user service for
/// tokens. Play history is written straight into `player_activity` as the owner.
struct RecommendationFixture: Sendable {
    let ownerURL: String
    let serviceURL: String
    let bucketName: String
    let redisURL: String
    let user: UserServiceProcess
    let topics: Topics
    let logger = Logger(label: "recommendation-fixture")

    struct Topics: Sendable {
        var activity: String
        var generated: String
        var erasure: String
        var suffix: String
    }

    static func run(_ body: @Sendable (RecommendationFixture) async throws -> Void) async throws {
        let s3 = S3Client(
            configuration: S3Configuration(
                endpoint: try TestServers.value("GM_TEST_S3_ENDPOINT"), region: "us-east-1", accessKey: try TestServers.value("GM_TEST_S3_ACCESS_KEY"),
                secretKey: try TestServers.value("GM_TEST_S3_SECRET_KEY")))
        let bucketName = "gm-models-\(UUID().uuidString.prefix(8).lowercased())"
        try await s3.createBucket(bucketName)
        let suffix = String(UUID().uuidString.prefix(8).lowercased())
        let topics = Topics(
            activity: "test.rec-activity.\(suffix)", generated: "test.rec-generated.\(suffix)", erasure: "test.rec-erasure.\(suffix)", suffix: suffix)
        let control = DevKafkaControl(baseURL: try TestServers.devKafkaURL)
        for name in [topics.activity, topics.generated, topics.erasure, topics.erasure + ".dlq"] { try await control.createTopic(name, partitions: 2) }
        try await RedisTestServer.with { redis, _ in
            try await TestDatabase.withFresh { ownerURL in
                var service = try #require(URLComponents(string: try TestServers.value("GM_TEST_PG_RECOMMENDATION_URL")))
                service.path = try #require(URLComponents(string: ownerURL)).path
                let serviceURL = try #require(service.string)
                try await UserServiceProcess.run(databaseURL: ownerURL, environment: ["GM_KAFKA_BOOTSTRAP": try TestServers.value("GM_TEST_KAFKA_BOOTSTRAP")]) {
                    user in
                    try await PlatformSchemas.apply(ownerURL: ownerURL, logger: Logger(label: "recommendation-fixture"))
                    try await body(
                        RecommendationFixture(ownerURL: ownerURL, serviceURL: serviceURL, bucketName: bucketName, redisURL: redis.url, user: user, topics: topics))
                }
            }
        }
    }

    /// The service's variables: its own role, this test's bucket, Redis and topics.
    func environment(_ extra: [String: String] = [:]) throws -> [String: String] {
        [
            "GM_PG_URL": serviceURL, "GM_REDIS_URL": redisURL, "GM_S3_ENDPOINT": try TestServers.value("GM_TEST_S3_ENDPOINT"),
            "GM_S3_ACCESS_KEY": try TestServers.value("GM_TEST_S3_ACCESS_KEY"), "GM_S3_SECRET_KEY": try TestServers.value("GM_TEST_S3_SECRET_KEY"),
            "GM_S3_BUCKET": bucketName, "GM_ERASURE_SUBJECT_KEY": PlatformContract.testErasureSubjectKey, "GM_LOG_LEVEL": "warning",
            "GM_KAFKA_BOOTSTRAP": try TestServers.value("GM_TEST_KAFKA_BOOTSTRAP"), "GM_USER_URL": user.url,
            "GM_RECOMMENDATION_ACTIVITY_TOPIC": topics.activity, "GM_RECOMMENDATION_ACTIVITY_GROUP": "rec-activity-\(topics.suffix)",
            "GM_RECOMMENDATION_GENERATED_TOPIC": topics.generated, "GM_RECOMMENDATION_ERASURE_TOPIC": topics.erasure,
            "GM_RECOMMENDATION_ERASURE_GROUP": "rec-erasure-\(topics.suffix)", "GM_RECOMMENDATION_TRAIN_MIN_PLAYERS": "5",
            "GM_RECOMMENDATION_ROLLOUT_REFRESH_MS": "200",
        ].merging(extra) { $1 }
    }

    func withOwner<T: Sendable>(_ body: @Sendable (PostgresClient) async throws -> T) async throws -> T {
        let configuration = try PostgresClient.Configuration(url: try #require(URL(string: ownerURL)))
        return try await PostgresClient.withShortLivedClient(configuration, logger: logger, body)
    }

    /// Day memberships: each player played each of their games on `days` distinct days (the
    /// last `days` days).
    func play(tenantID: String, _ plays: [String: [String]], days: Int = 3) async throws {
        let pairs = plays.sorted(by: { $0.key < $1.key }).flatMap { player, played in played.map { (player, $0) } }
        let players = pairs.map(\.0)
        let games = pairs.map(\.1)
        try await withOwner { owner in
            try await owner.query(
                """
                INSERT INTO player_activity (tenant_id, player_id, grain, bucket, game_id)
                SELECT \(tenantID), player, 'day', date_trunc('day', now()) - d * interval '1 day', game
                  FROM unnest(\(players)::text[], \(games)::text[]) AS s(player, game), generate_series(1, \(days)) AS d
                ON CONFLICT DO NOTHING
                """, logger: logger)
            try await owner.query(
                """
                INSERT INTO rec_games (tenant_id, game_id, source) SELECT DISTINCT \(tenantID), game, 'events' FROM unnest(\(games)::text[]) AS game
                ON CONFLICT DO NOTHING
                """, logger: logger)
        }
    }

    /// A planted taste structure: `clusters` groups of `gamesPerCluster` games; each of
    /// `playersPerCluster` players of a group plays all but one of its games (a different one left
    /// out per player), so a model must offer each player the one game of their group they lack.
    func plantedTaste(tenantID: String, clusters: Int = 3, gamesPerCluster: Int = 6, playersPerCluster: Int = 12, prefix: String = "")
        -> [String: [String]]
    {
        var plays: [String: [String]] = [:]
        for cluster in 0..<clusters {
            let games = (0..<gamesPerCluster).map { "\(prefix)game-\(cluster)-\($0)" }
            for player in 0..<playersPerCluster {
                plays["\(prefix)player-\(cluster)-\(player)"] = games.enumerated().filter { $0.offset != player % gamesPerCluster }.map(\.element)
            }
        }
        return plays
    }

    /// `recommendation train` as the operator runs it: one pass now.
    func train(_ tenants: [String] = [], environment extra: [String: String] = [:]) async throws -> [String: Any] {
        let result = try await ChildProcess.run(
            try TestServers.value("GM_TEST_RECOMMENDATION_BIN"), ["train"] + tenants, environment: try environment(extra))
        try #require(result.status == 0, "recommendation train: \(result.output)")
        let line = try #require(result.output.split(separator: "\n").last(where: { $0.hasPrefix("{") }), "no report in \(result.output)")
        return try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    typealias Call = @Sendable (_ method: String, _ path: String, _ token: String?, _ json: String?) async throws -> Answer

    struct Answer: Sendable {
        let status: Int
        let body: Data

        var json: [String: Any]? { try? JSONSerialization.jsonObject(with: body) as? [String: Any] }
        var errorCode: String? { (json?["error"] as? [String: Any])?["code"] as? String }
        var games: [String] { ((json?["games"] as? [[String: Any]]) ?? []).compactMap { $0["game_id"] as? String } }
    }

    /// The service in-process on a free port, until `body` returns.
    func withService(_ extra: [String: String] = [:], _ body: @Sendable (@escaping Call) async throws -> Void) async throws {
        var environment = try environment(extra)
        environment["GM_HTTP_HOST"] = "127.0.0.1"
        environment["GM_HTTP_PORT"] = "0"
        environment["GM_INTERNAL_HTTP_PORT"] = "0"
        let application = try buildApplication(environment: EnvironmentReader(environment))
        try await application.test(.live) { client in
            let base = "http://127.0.0.1:\(try #require(client.port))"
            let call: Call = { method, path, token, json in
                var request = HTTPRequest(method: HTTPRequest.Method(method)!, url: URL(string: base + path)!)
                if let token { request.headerFields[.authorization] = "Bearer \(token)" }
                if json != nil { request.headerFields[.contentType] = "application/json" }
                let (response, body) = try await testHTTPClient.execute(request, body: json.map { Array($0.utf8) }, timeout: .seconds(20))
                return Answer(status: response.status.code, body: Data(body))
            }
            try await eventually(.seconds(60)) { try await call("GET", "/health/ready", nil, nil).status == 200 }
            try await body(call)
        }
    }
}

extension RecommendationFixture {
    func count(_ sql: String) async throws -> Int {
        try await withOwner { owner in
            var value = 0
            for try await count in try await owner.query(PostgresQuery(unsafeSQL: sql), logger: logger).decode(Int.self) { value = count }
            return value
        }
    }
}
