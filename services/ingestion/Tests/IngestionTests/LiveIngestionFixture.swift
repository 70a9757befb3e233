import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
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
@testable import UserService

/// Ingestion with its real peers on loopback: a user service on a fresh PostgreSQL database
/// (with a platform client, two tenants and their write keys), devkafka with topics of its own
/// for this test, and a redis-server of its own. Ingestion reaches the user service through a
/// counting proxy, so tests can tell how many write-key lookups it made.
struct LiveIngestionFixture: Sendable {
    let tenantA = "tenant-a"
    let tenantB = "tenant-b"
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
    let userURL: String
    let redisURL: String
    let databaseURL: String
    let userService: CountingUserServiceProxy

    /// Write-key lookups ingestion has made at the user service so far.
    var lookups: Int { userService.lookups }

    /// Starts everything, runs `body` against the live ingestion service, then stops it all.
    /// `limitA` is tenant-a's request rate; `environment` adds ingestion variables.
    static func run(
        limitA: Int = 100_000, environment extra: [String: String] = [:],
        _ body: @Sendable (LiveIngestionFixture, any TestClientProtocol) async throws -> Void
    ) async throws {
        let kafka = try TestServers.value("GM_TEST_KAFKA_BOOTSTRAP")
        let control = DevKafkaControl(baseURL: try TestServers.devKafkaURL)
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
            let user = try UserService.buildApplication(
                environment: EnvironmentReader([
                    "GM_HTTP_HOST": "127.0.0.1", "GM_HTTP_PORT": "0", "GM_LOG_LEVEL": "warning", "GM_PG_URL": databaseURL,
                    "GM_KAFKA_BOOTSTRAP": kafka, "GM_USER_ISSUER": issuer,
                    "GM_WRITE_KEY_MAC_SECRET": PlatformContract.writeKeyMACSecret,
                ].merging(PlatformContract.auditLog) { $1 }),
                passwordHasher: PasswordHasher(cost: .testing))
            try await user.test(.live) { userClient in
                let userURL = "http://127.0.0.1:\(userClient.port!)"
                let seeded = try await seed(databaseURL, limitA: limitA)
                let proxy = CountingUserServiceProxy(target: userURL)
                let fixture = LiveIngestionFixture(
                    writeKeyA: seeded.keyA, writeKeyB: seeded.keyB, legacyWriteKeyB: seeded.legacyKeyB, operatorClient: seeded.operatorClient,
                    platformClient: seeded.platform, ingestionClient: seeded.ingestion, rawTopic: rawTopic, invalidTopic: invalidTopic, userURL: userURL,
                    redisURL: redisURL, databaseURL: databaseURL, userService: proxy)
                try await proxy.run { proxyURL in
                    let ingestion = try Ingestion.buildApplication(environment: EnvironmentReader([
                        "GM_HTTP_HOST": "127.0.0.1", "GM_HTTP_PORT": "0", "GM_LOG_LEVEL": "warning",
                        "GM_KAFKA_BOOTSTRAP": kafka, "GM_REDIS_URL": redisURL, "GM_USER_URL": proxyURL, "GM_AUTH_ISSUER": issuer,
                        "GM_INGESTION_CLIENT_ID": seeded.ingestion.id, "GM_INGESTION_CLIENT_SECRET": seeded.ingestion.secret,
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
        var request = URLRequest(url: URL(string: "\(userURL)/oauth/token")!)
        request.httpMethod = "POST"
        request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        request.setValue("Basic " + Data("\(client.id):\(client.secret)".utf8).base64EncodedString(), forHTTPHeaderField: "Authorization")
        request.httpBody = Data("grant_type=client_credentials".utf8)
        let (data, _) = try await URLSession.shared.data(for: request)
        let json = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        guard let token = json?["access_token"] as? String else { throw Unexpected(answer: String(decoding: data, as: UTF8.self)) }
        return token
    }

    /// Revokes a write key the way its tenant's admin would, directly in the database.
    func revokeWriteKeys(of tenant: String) async throws {
        try await Self.withDatabase(databaseURL) { postgres, logger in
            let scope = TenantScope(client: postgres, logger: logger)
            let keys = PostgresWriteKeyRepository(scope: scope)
            for key in try await keys.list(tenant: tenant) { _ = try await keys.revoke(key.id, tenant: tenant) }
        }
    }

    /// A call to the user service's API with a bearer token: the status and the body's text.
    func callUserService(_ method: String, _ path: String, token: String, json: String? = nil) async throws -> (status: Int, body: String) {
        var request = URLRequest(url: URL(string: "\(userURL)\(path)")!)
        request.httpMethod = method
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        if let json {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = Data(json.utf8)
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    struct Unexpected: Error {
        let answer: String
    }

    private struct Seeded {
        let keyA: String
        let keyB: String
        let legacyKeyB: String
        let operatorClient: (id: String, secret: String)
        let platform: (id: String, secret: String)
        let ingestion: (id: String, secret: String)
    }

    private static func seed(_ databaseURL: String, limitA: Int) async throws -> Seeded {
        try await withDatabase(databaseURL) { postgres, logger in
            let tenants = PostgresTenantRepository(client: postgres, logger: logger)
            let keys = PostgresWriteKeyRepository(scope: TenantScope(client: postgres, logger: logger))
            func client(_ tenant: String, roles: [String]) async throws -> (id: String, secret: String) {
                let secret = OpaqueToken.generate(prefix: "gms_")
                let client = ServiceClient(clientID: "gmc_\(tenant)_\(roles[0])", tenantID: tenant, name: tenant, roles: roles, createdAt: Date())
                try await tenants.createClient(client, secretFingerprint: OpaqueToken.fingerprint(secret))
                return (client.clientID, secret)
            }
            let mac = try WriteKeyMAC(current: Array(PlatformContract.writeKeyMACSecret.utf8))
            func writeKey(_ tenant: String, legacy: Bool = false) async throws -> String {
                let key = legacy ? OpaqueToken.generate(prefix: "gmk_") : mac.issue()
                try await keys.create(WriteKey(id: UUID(), name: "test", hint: String(key.prefix(10)), createdAt: Date(), revokedAt: nil),
                                      fingerprint: OpaqueToken.fingerprint(key), tenant: tenant)
                return key
            }
            _ = try await tenants.createTenant(id: "platform", name: "platform", requestsPerSecondLimit: 10_000)
            _ = try await tenants.createTenant(id: "tenant-a", name: "Tenant A", requestsPerSecondLimit: limitA)
            _ = try await tenants.createTenant(id: "tenant-b", name: "Tenant B", requestsPerSecondLimit: 10_000)
            return Seeded(
                keyA: try await writeKey("tenant-a"), keyB: try await writeKey("tenant-b"),
                legacyKeyB: try await writeKey("tenant-b", legacy: true),
                operatorClient: try await client("tenant-a", roles: ["operator"]),
                platform: try await client("platform", roles: ["platform-admin"]),
                ingestion: try await client("platform", roles: ["ingestion"]))
        }
    }

    private static func withDatabase<T: Sendable>(_ url: String, _ work: @Sendable (PostgresClient, Logger) async throws -> T) async throws -> T {
        let logger = Logger(label: "ingestion-live-tests")
        return try await PostgresClient.withShortLivedClient(try PostgresClient.Configuration(url: URL(string: url)!), logger: logger) {
            try await work($0, logger)
        }
    }
}
