import Foundation
import GameMetricsAuth
import GameMetricsKit
import GameMetricsPostgres
import GameMetricsTesting
import Hummingbird
import HummingbirdTesting
import Logging
import PostgresNIO
import Redis
import Testing

@testable import Ingestion

/// Ingestion with its real peers on loopback: the user service as its own process on a fresh
/// PostgreSQL database, seeded by its `seed-demo` command and set up through its API (two demo
/// tenants with their write keys, a platform client, ingestion's own client), devkafka with
/// topics of its own for this test, and a redis-server of its own. Ingestion reaches the user
/// service through a counting proxy, so tests can tell how many write-key lookups it made.
struct LiveIngestionFixture: Sendable {
    let tenantA: String
    let tenantB: String
    let writeKeyA: String
    let writeKeyB: String
    /// A tenant-b key issued before write keys carried a MAC (the migration case).
    let legacyWriteKeyB: String
    /// A tenant-a service client with the operator role, for bearer tokens.
    let operatorClient: (id: String, secret: String)
    /// A platform-admin client, for what an operator of the platform does (not used by ingestion).
    let platformClient: (id: String, secret: String)
    /// Ingestion's own client (role `ingestion`: resolve write keys, read tenants' limits).
    let ingestionClient: (id: String, secret: String)
    let rawTopic: String
    let invalidTopic: String
    let user: UserServiceProcess
    let redisURL: String
    let databaseURL: String
    let userService: CountingProxy

    var userURL: String { user.url }

    /// Write-key lookups ingestion has made at the user service so far.
    var lookups: Int { userService.count }

    /// Starts everything, runs `body` against the live ingestion service, then stops it all.
    /// `limitA` is tenant-a's request rate; `environment` adds ingestion variables and
    /// `userEnvironment` the user service's; `devKafka` replaces the shared devkafka (for tests
    /// that take its brokers down).
    static func run(
        limitA: Int = 100_000, environment extra: [String: String] = [:], userEnvironment: [String: String] = [:],
        devKafka: PrivateDevKafka? = nil,
        _ body: @Sendable (LiveIngestionFixture, any TestClientProtocol) async throws -> Void
    ) async throws {
        let kafka = try devKafka.map { $0.bootstrap.joined(separator: ",") } ?? TestServers.value("GM_TEST_KAFKA_BOOTSTRAP")
        let control = try devKafka?.control ?? DevKafkaControl(baseURL: TestServers.devKafkaURL)
        let suffix = UUID().uuidString.prefix(8).lowercased()
        let rawTopic = "test.raw.\(suffix)", invalidTopic = "test.invalid.\(suffix)"
        try await control.createTopic(rawTopic, partitions: 12)
        try await control.createTopic(invalidTopic, partitions: 3)
        let redis = try RedisTestServer()
        defer { redis.remove() }
        try await redis.start()
        let redisURL = redis.url

        try await TestDatabase.withFresh { databaseURL in
            let issuer = "http://user.test"
            try await UserServiceProcess.run(
                databaseURL: databaseURL, environment: ["GM_KAFKA_BOOTSTRAP": kafka, "GM_USER_ISSUER": issuer].merging(userEnvironment) { $1 }
            ) { user in
                let platform = (id: try user.seeded("GM_PLATFORM_CLIENT_ID"), secret: try user.seeded("GM_PLATFORM_CLIENT_SECRET"))
                let ingestionClient = (id: try user.seeded("GM_INGESTION_CLIENT_ID"), secret: try user.seeded("GM_INGESTION_CLIENT_SECRET"))
                let tenantA = try user.seeded("GM_TENANT"), tenantB = try user.seeded("GM_TENANT_B")
                let limited = try await user.call(
                    "PATCH", "/v1/tenants/\(tenantA)", token: try await user.token(clientID: platform.id, secret: platform.secret),
                    json: #"{"requests_per_second_limit":\#(limitA)}"#)
                #expect(limited.status == 200, "setting tenant-a's limit: \(limited.status) \(limited.text)")
                let proxy = CountingProxy(target: user.url, counting: .post, "/v1/write-keys/resolve")
                let fixture = LiveIngestionFixture(
                    tenantA: tenantA, tenantB: tenantB,
                    writeKeyA: try user.seeded("GM_WRITE_KEY"), writeKeyB: try user.seeded("GM_WRITE_KEY_B"),
                    legacyWriteKeyB: try await insertLegacyWriteKey(tenant: tenantB, databaseURL: databaseURL),
                    operatorClient: (try user.seeded("GM_CLIENT_ID"), try user.seeded("GM_CLIENT_SECRET")),
                    platformClient: platform, ingestionClient: ingestionClient, rawTopic: rawTopic, invalidTopic: invalidTopic,
                    user: user, redisURL: redisURL, databaseURL: databaseURL, userService: proxy)
                try await proxy.run { proxyURL in
                    let ingestion = try Ingestion.buildApplication(
                        environment: EnvironmentReader(
                            [
                                "GM_HTTP_HOST": "127.0.0.1", "GM_HTTP_PORT": "0", "GM_LOG_LEVEL": "warning",
                                "GM_KAFKA_BOOTSTRAP": kafka, "GM_REDIS_URL": redisURL, "GM_USER_URL": proxyURL, "GM_AUTH_ISSUER": issuer,
                                "GM_INGESTION_CLIENT_ID": ingestionClient.id, "GM_INGESTION_CLIENT_SECRET": ingestionClient.secret,
                                "GM_INGESTION_RAW_TOPIC": rawTopic, "GM_INGESTION_INVALID_TOPIC": invalidTopic,
                                "GM_WRITE_KEY_MAC_SECRET": PlatformContract.writeKeyMACSecret,
                            ].merging(extra) { $1 }))
                    try await ingestion.test(.live) { client in
                        try await body(fixture, client)
                    }
                }
            }
        }
    }

    /// A bearer token of tenant-a's operator client, from the user service's token endpoint.
    func operatorToken() async throws -> String {
        try await token(operatorClient)
    }

    /// A client-credentials access token of `client`, from the user service's token endpoint.
    func token(_ client: (id: String, secret: String)) async throws -> String {
        try await user.token(clientID: client.id, secret: client.secret)
    }

    /// Revokes every write key of `tenant` the way its admin does: signed in, through the API.
    func revokeWriteKeys(of tenant: String) async throws {
        let admin = try await user.adminToken(suffix: tenant == tenantA ? "" : "_B")
        let listed = try await user.call("GET", "/v1/write-keys", token: admin)
        let keys = try #require(listed.json?["write_keys"] as? [[String: Any]], "listing write keys: \(listed.status) \(listed.text)")
        for key in keys where key["revoked_at"] == nil || key["revoked_at"] is NSNull {
            let id = try #require(key["id"] as? String)
            let revoked = try await user.call("DELETE", "/v1/write-keys/\(id)", token: admin)
            #expect(revoked.status == 204, "revoking \(id): \(revoked.status) \(revoked.text)")
        }
    }

    /// A call to the user service's API with a bearer token: the status and the body's text.
    func callUserService(_ method: String, _ path: String, token: String, json: String? = nil) async throws -> (status: Int, body: String) {
        let answer = try await user.call(method, path, token: token, json: json)
        return (answer.status, answer.text)
    }

    /// A write key in the shape issued before keys carried a MAC (`gmk_` + 43 characters). No
    /// version of the user service issues these any more, so no API or command can make one: it
    /// is written into the user service's table as the older version left it, the one place these
    /// tests touch its storage.
    private static func insertLegacyWriteKey(tenant: String, databaseURL: String) async throws -> String {
        let key = OpaqueToken.generate(prefix: "gmk_")
        let logger = Logger(label: "ingestion-live-tests")
        try await PostgresClient.withShortLivedClient(try PostgresClient.Configuration(url: URL(string: databaseURL)!), logger: logger) { client in
            // write_keys is under row-level security: the row is written in its tenant's scope.
            try await client.withTransaction(logger: logger) { connection in
                try await connection.query("SELECT set_config('gm.tenant_id', \(tenant), true)", logger: logger)
                try await connection.query(
                    """
                    INSERT INTO write_keys (id, tenant_id, name, fingerprint, hint, created_at)
                    VALUES (\(UUID()), \(tenant), 'legacy', \(OpaqueToken.fingerprint(key)), \(String(key.prefix(10))), now())
                    """, logger: logger)
            }
        }
        return key
    }
}
