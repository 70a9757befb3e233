import Foundation
import GameMetricsAuth
import GameMetricsKit
import GameMetricsPostgres
import GameMetricsTesting
import Hummingbird
import HummingbirdTesting
import Logging
import PostgresNIO
import Testing

@testable import UserService

/// A user service on a fresh database, with a platform tenant (platform-admin client) and two
/// customer tenants, "tenant-a" and "tenant-b" (admin clients), created directly in the database.
struct UserServiceFixture {
    struct Credentials {
        let clientID: String
        let secret: String

        var basic: String { "Basic " + Data("\(clientID):\(secret)".utf8).base64EncodedString() }
    }

    let databaseURL: String
    let platform: Credentials
    let tenantA: Credentials
    let tenantB: Credentials

    /// Runs `body` against the application; the database exists only for the call. Operator
    /// passwords hash with a cheap scrypt cost; `extra` adds or overrides GM_* variables.
    /// `setup` `.live` serves for clients outside the process (with `GM_HTTP_PORT` 0 in `extra`:
    /// a free loopback port, `client.port`).
    static func run(
        environment extra: [String: String] = [:], setup: TestingSetup = .router,
        _ body: @Sendable (UserServiceFixture, any TestClientProtocol) async throws -> Void
    ) async throws {
        try await TestDatabase.withFresh { url in
            let environment = PlatformContract.unreachableDependencies.merging(["GM_PG_URL": url].merging(extra) { $1 })
            let application = try buildApplication(environment: environment, passwordHasher: PasswordHasher(cost: .testing))
            try await application.test(setup) { client in
                try await client.waitUntilStarted()
                let fixture = try await seed(url)
                try await body(fixture, client)
            }
        }
    }

    /// Counts rows as the service's own (non-superuser) role, outside any tenant scope.
    func count(_ sql: PostgresQuery) async throws -> Int {
        try await Self.withClient(databaseURL) { client, logger in
            for try await count in try await client.query(sql, logger: logger).decode(Int.self) { return count }
            return 0
        }
    }

    /// The key the service signs with, read from its table and opened with the test encryption
    /// key (to forge tokens it would accept).
    func currentSigningKey() async throws -> SigningKey {
        let encryption = try SigningKeyEncryption(environment: EnvironmentReader(PlatformContract.auditLog))
        return try await Self.withClient(databaseURL) { client, logger in
            let rows = try await client.query(
                "SELECT kid, sealed_private_key, encryption_key_id FROM signing_keys WHERE retired_at IS NULL", logger: logger)
            for try await (kid, sealed, keyID) in rows.decode((String, Data, String).self) {
                guard let key = encryption.key(id: keyID) else { throw NoSigningKey() }
                return try SigningKey(kid: kid, privateKeyPEM: try key.open(sealed, kid: kid), createdAt: Date())
            }
            throw NoSigningKey()
        }
    }

    struct NoSigningKey: Error {}

    /// Stores a new signing key in plaintext, as a replica of a version before encryption at rest
    /// would during a rolling upgrade (the others still load it).
    func insertSigningKey(_ key: SigningKey) async throws {
        try await Self.withClient(databaseURL) { client, logger in
            try await client.query(
                "INSERT INTO signing_keys (kid, private_key_pem) VALUES (\(key.kid), \(key.privateKeyPEM))", logger: logger)
        }
    }

    /// Stores a write key in the shape issued before keys carried a MAC; returns the key.
    func insertLegacyWriteKey(tenant: String) async throws -> String {
        let key = OpaqueToken.generate(prefix: OpaqueToken.writeKeyPrefix)
        try await Self.withClient(databaseURL) { client, logger in
            try await PostgresWriteKeyRepository(scope: TenantScope(client: client, logger: logger)).create(
                WriteKey(id: UUID(), name: "legacy", hint: String(key.prefix(10)), createdAt: Date(), revokedAt: nil),
                fingerprint: OpaqueToken.fingerprint(key), tenant: tenant)
        }
        return key
    }

    private static func seed(_ url: String) async throws -> UserServiceFixture {
        try await withClient(url) { client, logger in
            let tenants = PostgresTenantRepository(client: client, logger: logger)
            func tenant(_ id: String, roles: [String]) async throws -> Credentials {
                _ = try await tenants.createTenant(id: id, name: id, requestsPerSecondLimit: 5000)
                let secret = OpaqueToken.generate(prefix: "gms_")
                let client = ServiceClient(clientID: "client-\(id)", tenantID: id, name: id, roles: roles, createdAt: Date())
                try await tenants.createClient(client, secretFingerprint: OpaqueToken.fingerprint(secret))
                return Credentials(clientID: client.clientID, secret: secret)
            }
            return UserServiceFixture(
                databaseURL: url,
                platform: try await tenant("platform", roles: ["platform-admin"]),
                tenantA: try await tenant("tenant-a", roles: ["admin", "operator", "viewer"]),
                tenantB: try await tenant("tenant-b", roles: ["admin", "operator", "viewer"]))
        }
    }

    private static func withClient<T: Sendable>(_ url: String, _ work: @Sendable (PostgresClient, Logger) async throws -> T) async throws -> T {
        let logger = Logger(label: "user-service-tests")
        return try await PostgresClient.withShortLivedClient(try PostgresClient.Configuration(url: URL(string: url)!), logger: logger) {
            try await work($0, logger)
        }
    }
}

extension TestClientProtocol {
    /// A client-credentials access token (`scope` nil asks for all the client's roles).
    func accessToken(_ credentials: UserServiceFixture.Credentials, scope: String? = nil) async throws -> String {
        let body = "grant_type=client_credentials" + (scope.map { "&scope=" + $0.replacingOccurrences(of: " ", with: "+") } ?? "")
        return try await execute(
            uri: "/oauth/token", method: .post,
            headers: [.authorization: credentials.basic, .contentType: "application/x-www-form-urlencoded"],
            body: ByteBuffer(string: body)
        ) { response in
            #expect(response.status == .ok)
            let json = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
            return try #require(json?["access_token"] as? String)
        }
    }

    /// A JSON request with a bearer token; returns the status and the decoded JSON body.
    @discardableResult
    func call(
        _ method: HTTPRequest.Method, _ uri: String, token: String?, json: String? = nil
    ) async throws -> (status: HTTPResponse.Status, body: [String: Any]) {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let token { headers[.authorization] = "Bearer \(token)" }
        return try await execute(uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) }) { response in
            let data = Data(buffer: response.body)
            let body = data.isEmpty ? [:] : (try JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
            return (response.status, body)
        }
    }
}
