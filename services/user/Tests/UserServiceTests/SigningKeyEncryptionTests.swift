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

/// The ES256 signing keys are sealed (AES-GCM) under `GM_SIGNING_KEY_ENCRYPTION_KEY`, a key that
/// is not in the database: a copy of the database alone cannot sign tokens.
@Suite("signing keys are stored encrypted under a key that does not live in the database")
struct SigningKeyEncryptionTests {
    static let keyOne = Data((0..<32).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 1) }).base64EncodedString()
    static let keyTwo = Data((0..<32).map { UInt8(truncatingIfNeeded: $0 &* 11 &+ 3) }).base64EncodedString()

    @Test("the stored rows hold no PEM and nothing that loads as a private key, and tokens still verify")
    func storedRowsHoldNoKeyMaterial() async throws {
        try await TestDatabase.withFresh { url in
            try await Self.start(url, key: Self.keyOne) { client, admin in
                let platform = try await client.accessToken(admin.platform)
                let (rotated, _) = try await client.call(.post, "/v1/signing-keys/rotate", token: platform)
                #expect(rotated == .ok)
                let token = try await client.accessToken(admin.tenant)
                let status = try await client.call(.get, "/v1/clients", token: token).status
                #expect(status == .ok, "a token signed before the rotation still verifies")
            }
            let rows = try await Self.storedRows(url)
            #expect(rows.count == 2, "the first key and the rotated one")
            for row in rows {
                #expect(!row.contains("PRIVATE KEY") && !row.contains("BEGIN"), "\(row)")
            }
            for value in try await Self.storedTextValues(url) {
                #expect((try? SigningKey(kid: "probe", privateKeyPEM: value, createdAt: Date())) == nil, "a stored value loads as a key")
            }
        }
    }

    @Test("a wrong or missing encryption key refuses to start instead of minting a new signing key")
    func wrongKeyRefusesToLoad() async throws {
        try await TestDatabase.withFresh { url in
            _ = try await Self.start(url, key: Self.keyOne) { _, _ in }
            await #expect(throws: (any Error).self) {
                _ = try await Self.start(url, key: Self.keyTwo, seed: false) { _, _ in }
            }
            await #expect(throws: (any Error).self) {
                _ = try await Self.start(url, key: nil, seed: false) { _, _ in }
            }
            #expect(try await Self.storedRows(url).count == 1, "nothing was added or replaced by the refused starts")
        }
    }

    @Test("rotating the encryption key (current + previous) keeps tokens valid and re-seals every row under the new key")
    func encryptionKeyRotation() async throws {
        try await TestDatabase.withFresh { url in
            let seeded = try await Self.start(url, key: Self.keyOne) { _, _ in }
            let token = try await Self.withService(url, key: Self.keyOne, seed: false, credentials: seeded) { client, admin in
                try await client.accessToken(admin.tenant)
            }
            try await Self.start(url, key: Self.keyTwo, previous: Self.keyOne, seed: false, credentials: seeded) { client, _ in
                let status = try await client.call(.get, "/v1/clients", token: token).status
                #expect(status == .ok, "a token signed before the rotation still verifies")
            }
            // Every row is now sealed under the new key: the old key alone no longer opens them.
            try await Self.start(url, key: Self.keyTwo, seed: false, credentials: seeded) { client, _ in
                let status = try await client.call(.get, "/v1/clients", token: token).status
                #expect(status == .ok, "a token signed before the rotation still verifies")
            }
            await #expect(throws: (any Error).self) {
                _ = try await Self.start(url, key: Self.keyOne, seed: false) { _, _ in }
            }
        }
    }

    @Test("a plaintext row left by an older version is sealed on the first start and keeps signing")
    func plaintextRowsAreEncryptedOnFirstStart() async throws {
        try await TestDatabase.withFresh { url in
            let seeded = try await Self.start(url, key: Self.keyOne) { _, _ in }
            let legacy = SigningKey.generate()
            try await Self.withClient(url) { client, logger in
                try await client.query("UPDATE signing_keys SET retired_at = now() WHERE retired_at IS NULL", logger: logger)
                try await client.query(
                    "INSERT INTO signing_keys (kid, private_key_pem) VALUES (\(legacy.kid), \(legacy.privateKeyPEM))", logger: logger)
            }
            try await Self.start(url, key: Self.keyOne, seed: false, credentials: seeded) { client, admin in
                let token = try await client.accessToken(admin.tenant)
                let header = try #require(token.split(separator: ".").first)
                var base64 = header.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
                while base64.count % 4 != 0 { base64 += "=" }
                let json = try JSONSerialization.jsonObject(with: try #require(Data(base64Encoded: base64))) as? [String: Any]
                #expect(json?["kid"] as? String == legacy.kid, "the migrated key still signs")
                let status = try await client.call(.get, "/v1/clients", token: token).status
                #expect(status == .ok, "a token signed before the rotation still verifies")
            }
            for row in try await Self.storedRows(url) {
                #expect(!row.contains("PRIVATE KEY") && !row.contains("BEGIN"), "\(row)")
            }
        }
    }

    @Test("the encryption key rotated in its mounted files is used without a restart: rows re-sealed, tokens valid, the old key droppable")
    func encryptionKeyRotationWithoutRestart() async throws {
        let current = "gm_signing_key_encryption_key", previous = "gm_signing_key_encryption_previous_key"
        let volume = try KubeletSecretVolume([current: Self.keyOne, previous: ""])
        defer { volume.remove() }
        let files = [
            "GM_SIGNING_KEY_ENCRYPTION_KEY_FILE": volume.path(current), "GM_SIGNING_KEY_ENCRYPTION_PREVIOUS_KEY_FILE": volume.path(previous),
            "GM_SECRET_RELOAD_SECONDS": "1",
        ]
        try await TestDatabase.withFresh { url in
            try await Self.start(url, key: nil, environment: files) { client, admin in
                let token = try await client.accessToken(admin.tenant)
                let first = try await Self.encryptionKeyIDs(url)
                #expect(first.count == 1)

                // Rotation: a new current key, the old one previous. The running service re-seals every row.
                try volume.update([current: Self.keyTwo, previous: Self.keyOne])
                try await eventually(.seconds(20), every: .milliseconds(250)) {
                    let ids = try await Self.encryptionKeyIDs(url)
                    return ids.count == 1 && ids != first
                }
                let second = try await Self.encryptionKeyIDs(url)
                let platform = try await client.accessToken(admin.platform)
                #expect(try await client.call(.post, "/v1/signing-keys/rotate", token: platform).status == .ok)
                #expect(try await Self.encryptionKeyIDs(url) == second, "a signing key made after the rotation is sealed under the new key")
                #expect(try await client.call(.get, "/v1/clients", token: token).status == .ok, "a token signed before still verifies")

                // The old key is dropped: nothing needs it, as a start with the new key alone shows.
                try volume.update([current: Self.keyTwo, previous: ""])
                try await Self.start(url, key: Self.keyTwo, seed: false, credentials: admin) { other, _ in
                    let status = try await other.call(.get, "/v1/clients", token: token).status
                    #expect(status == .ok, "every row opens with the new key alone")
                }

                // A malformed key file keeps the key in use: signing keys are still made and sealed under it.
                try volume.update([current: "not a key", previous: ""])
                try await Task.sleep(for: .seconds(2))
                #expect(try await client.call(.post, "/v1/signing-keys/rotate", token: platform).status == .ok)
                #expect(try await Self.encryptionKeyIDs(url) == second)
                let fresh = try await client.accessToken(admin.tenant)
                #expect(try await client.call(.get, "/v1/clients", token: fresh).status == .ok)
            }
        }
    }

    // MARK: - Helpers

    /// The encryption keys the signing-key rows are sealed under.
    static func encryptionKeyIDs(_ url: String) async throws -> Set<String> {
        try await withClient(url) { client, logger in
            var ids: Set<String> = []
            let rows = try await client.query("SELECT DISTINCT encryption_key_id FROM signing_keys", logger: logger)
            for try await id in rows.decode(String?.self) { ids.insert(id ?? "plaintext") }
            return ids
        }
    }

    struct Seeded: Sendable {
        let platform: UserServiceFixture.Credentials
        let tenant: UserServiceFixture.Credentials
    }

    /// Builds and runs the user service on `url` with the given keys; the first start (`seed`)
    /// creates a platform-admin client and a tenant admin client.
    static func withService<T: Sendable>(
        _ url: String, key: String?, previous: String? = nil, seed: Bool = true, credentials: Seeded? = nil,
        environment extra: [String: String] = [:], _ body: @Sendable (any TestClientProtocol, Seeded) async throws -> T
    ) async throws -> T {
        // A blank variable counts as unset.
        let values = PlatformContract.unreachableDependencies.merging(
            [
                "GM_PG_URL": url, "GM_SIGNING_KEY_ENCRYPTION_KEY": key ?? "", "GM_SIGNING_KEY_ENCRYPTION_PREVIOUS_KEY": previous ?? "",
            ].merging(extra) { $1 })
        let application = try buildApplication(environment: values, passwordHasher: PasswordHasher(cost: .testing))
        return try await application.test(.router) { client in
            // Throws when a start-up step fails for good (a wrong or missing encryption key).
            try await client.waitUntilStarted()
            let admin: Seeded
            if seed {
                admin = try await seedClients(url)
            } else if let credentials {
                admin = credentials
            } else {
                admin = Seeded(platform: .init(clientID: "none", secret: "none"), tenant: .init(clientID: "none", secret: "none"))
            }
            return try await body(client, admin)
        }
    }

    @discardableResult
    static func start(
        _ url: String, key: String?, previous: String? = nil, seed: Bool = true, credentials: Seeded? = nil,
        environment: [String: String] = [:], _ body: @Sendable (any TestClientProtocol, Seeded) async throws -> Void
    ) async throws -> Seeded {
        try await withService(url, key: key, previous: previous, seed: seed, credentials: credentials, environment: environment) { client, admin -> Seeded in
            try await body(client, admin)
            return admin
        }
    }

    static func seedClients(_ url: String) async throws -> Seeded {
        try await withClient(url) { postgres, logger in
            let tenants = PostgresTenantRepository(client: postgres, logger: logger)
            func client(_ tenant: String, roles: [String]) async throws -> UserServiceFixture.Credentials {
                _ = try await tenants.createTenant(id: tenant, name: tenant, requestsPerSecondLimit: 5000)
                let secret = OpaqueToken.generate(prefix: "gms_")
                let client = ServiceClient(clientID: "client-\(tenant)", tenantID: tenant, name: tenant, roles: roles, createdAt: Date())
                try await tenants.createClient(client, secretFingerprint: OpaqueToken.fingerprint(secret))
                return .init(clientID: client.clientID, secret: secret)
            }
            return Seeded(
                platform: try await client("platform", roles: ["platform-admin"]),
                tenant: try await client("tenant-a", roles: ["admin", "operator", "viewer"]))
        }
    }

    /// Every signing-key row as JSON text (all columns, bytea as hex).
    static func storedRows(_ url: String) async throws -> [String] {
        try await withClient(url) { client, logger in
            var rows: [String] = []
            for try await row in try await client.query("SELECT row_to_json(s)::text FROM signing_keys s", logger: logger).decode(String.self) {
                rows.append(row)
            }
            return rows
        }
    }

    /// Every value of every signing-key column, as text.
    static func storedTextValues(_ url: String) async throws -> [String] {
        try await withClient(url) { client, logger in
            var values: [String] = []
            let rows = try await client.query(
                "SELECT value FROM signing_keys s, jsonb_each_text(to_jsonb(s)) AS e(key, value) WHERE value IS NOT NULL", logger: logger)
            for try await value in rows.decode(String.self) { values.append(value) }
            return values
        }
    }

    static func withClient<T: Sendable>(_ url: String, _ work: @Sendable (PostgresClient, Logger) async throws -> T) async throws -> T {
        let logger = Logger(label: "signing-key-tests")
        return try await PostgresClient.withShortLivedClient(try PostgresClient.Configuration(url: URL(string: url)!), logger: logger) {
            try await work($0, logger)
        }
    }
}
