import Foundation
import GameMetricsAuth
import GameMetricsKit
import GameMetricsTesting
import Hummingbird
import HummingbirdTesting
import Testing

@testable import UserService

/// Each platform service calls the user service as its own client, holding only what it needs:
/// ingestion's client (role `ingestion`) resolves write keys and reads tenants' rate limits.
@Suite("each platform service has its own client with only the roles it needs")
struct ServiceClientScopeTests {
    @Test("a platform admin creates an ingestion client that resolves write keys and reads tenants, and may do nothing else")
    func ingestionClientIsNarrow() async throws {
        try await UserServiceFixture.run { fixture, client in
            let ingestion = try await Self.createIngestionClient(fixture, client)
            let token = try await client.accessToken(ingestion)
            let writeKey = try await Self.createWriteKey(fixture, client)

            let resolved = try await client.call(.post, "/v1/write-keys/resolve", token: token, json: #"{"key":"\#(writeKey)"}"#)
            #expect(resolved.status == .ok)
            #expect(resolved.body["tenant_id"] as? String == "tenant-a")
            let tenant = try await client.call(.get, "/v1/tenants/tenant-a", token: token)
            #expect(tenant.status == .ok)
            #expect(tenant.body["requests_per_second_limit"] as? Int == 5000)

            for (method, path, json) in [
                (HTTPRequest.Method.post, "/v1/tenants", #"{"id":"evil-tenant","name":"Evil"}"#),
                (.patch, "/v1/tenants/tenant-a", #"{"requests_per_second_limit":1}"#),
                (.post, "/v1/clients", #"{"name":"more","roles":["ingestion"]}"#),
                (.get, "/v1/clients", nil),
                (.delete, "/v1/clients/\(fixture.platform.clientID)", nil),
                (.post, "/v1/write-keys", #"{"name":"k"}"#),
                (.get, "/v1/write-keys", nil),
                (.post, "/v1/operators", #"{"email":"a@b.c","password":"long enough password","roles":["viewer"]}"#),
                (.post, "/v1/signing-keys/rotate", nil),
                (.post, "/v1/oauth-clients", #"{"client_id":"x","name":"x","redirect_uris":["https://x.test/cb"]}"#),
                (.get, "/v1/players/p-1", nil),
            ] {
                let (status, body) = try await client.call(method, path, token: token, json: json)
                #expect(status == .forbidden, "\(method) \(path) answered \(status): \(body)")
            }
        }
    }

    @Test("revoking the platform-admin client through the API leaves the ingestion client resolving write keys")
    func revokingOneClientLeavesTheOthers() async throws {
        try await UserServiceFixture.run { fixture, client in
            let ingestion = try await Self.createIngestionClient(fixture, client)
            let writeKey = try await Self.createWriteKey(fixture, client)
            let platform = try await client.accessToken(fixture.platform)
            #expect(try await client.call(.delete, "/v1/clients/\(fixture.platform.clientID)", token: platform).status == .noContent)

            // The revoked client gets no new token; the ingestion client does, and keeps working.
            try await client.execute(
                uri: "/oauth/token", method: .post,
                headers: [.authorization: fixture.platform.basic, .contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "grant_type=client_credentials")
            ) { #expect($0.status == .unauthorized) }
            let token = try await client.accessToken(ingestion)
            let resolved = try await client.call(.post, "/v1/write-keys/resolve", token: token, json: #"{"key":"\#(writeKey)"}"#)
            #expect(resolved.status == .ok)
        }
    }

    @Test("a tenant admin cannot hand out the ingestion role, and operators cannot hold it")
    func ingestionRoleIsPlatformOnly() async throws {
        try await UserServiceFixture.run { fixture, client in
            let admin = try await client.accessToken(fixture.tenantA)
            let (status, body) = try await client.call(.post, "/v1/clients", token: admin, json: #"{"name":"sneaky","roles":["ingestion"]}"#)
            #expect(status == .forbidden)
            #expect(Self.reasons(body)["roles"] == "exceeds_caller")
            let platform = try await client.accessToken(fixture.platform)
            let person = try await client.call(
                .post, "/v1/operators", token: platform,
                json: #"{"email":"ops@platform.test","password":"long enough password","roles":["ingestion"]}"#)
            #expect(person.status == .badRequest)
            #expect(Self.reasons(person.body)["roles"] == "unknown_role")
        }
    }

    @Test("seed-demo gives ingestion and the analytics API their own clients: ingestion resolves the demo write key, the analytics API appends audit records, both get 403 for admin actions and outlive the platform-admin client")
    func seedCreatesIngestionsOwnClient() async throws {
        try await TestDatabase.withFresh { url in
            let environment = PlatformContract.unreachableDependencies.merging(["GM_PG_URL": url])
            try await buildApplication(environment: environment, passwordHasher: PasswordHasher(cost: .testing)).test(.router) { client in
                try await client.waitUntilStarted()
                let output = try await DemoSeed.run(
                    environment: EnvironmentReader([
                        "GM_PG_URL": url, "GM_WRITE_KEY_MAC_SECRET": PlatformContract.writeKeyMACSecret,
                    ]), hasher: PasswordHasher(cost: .testing))
                var seeded: [String: String] = [:]
                for line in output.split(separator: "\n") {
                    let parts = line.split(separator: "=", maxSplits: 1).map(String.init)
                    if parts.count == 2 { seeded[parts[0]] = parts[1] }
                }
                let ingestion = UserServiceFixture.Credentials(
                    clientID: try #require(seeded["GM_INGESTION_CLIENT_ID"]), secret: try #require(seeded["GM_INGESTION_CLIENT_SECRET"]))
                let platform = UserServiceFixture.Credentials(
                    clientID: try #require(seeded["GM_PLATFORM_CLIENT_ID"]), secret: try #require(seeded["GM_PLATFORM_CLIENT_SECRET"]))
                let analytics = UserServiceFixture.Credentials(
                    clientID: try #require(seeded["GM_ANALYTICS_API_CLIENT_ID"]), secret: try #require(seeded["GM_ANALYTICS_API_CLIENT_SECRET"]))
                #expect(Set([ingestion.clientID, platform.clientID, analytics.clientID]).count == 3)
                let writeKey = try #require(seeded["GM_WRITE_KEY"])

                let admin = try await client.accessToken(platform)
                let listed = try await client.call(.get, "/v1/clients", token: admin)
                let roles = (listed.body["clients"] as? [[String: Any]] ?? []).map { ($0["client_id"] as? String ?? "", $0["roles"] as? [String] ?? []) }
                #expect(roles.first { $0.0 == ingestion.clientID }?.1 == ["ingestion"])
                #expect(roles.first { $0.0 == analytics.clientID }?.1 == ["audit-writer"])
                #expect(try await client.call(.delete, "/v1/clients/\(platform.clientID)", token: admin).status == .noContent)

                let token = try await client.accessToken(ingestion)
                let resolved = try await client.call(.post, "/v1/write-keys/resolve", token: token, json: #"{"key":"\#(writeKey)"}"#)
                #expect(resolved.status == .ok)
                #expect(resolved.body["tenant_id"] as? String == seeded["GM_TENANT"])
                let created = try await client.call(.post, "/v1/tenants", token: token, json: #"{"id":"evil-tenant","name":"Evil"}"#)
                #expect(created.status == .forbidden)

                let analyticsToken = try await client.accessToken(analytics)
                let recorded = try await client.call(
                    .post, "/v1/audit/records", token: analyticsToken,
                    json: #"{"tenant_id":"demo-casino","actor":"operator:demo","action":"analytics.query","subject":"query:demo"}"#)
                #expect(recorded.status == .created, "\(recorded.body)")
                #expect(try await client.call(.get, "/v1/clients", token: analyticsToken).status == .forbidden)
                #expect(try await client.call(.get, "/v1/players/p-1", token: analyticsToken).status == .forbidden)
            }
        }
    }

    // MARK: - Helpers

    static func createIngestionClient(
        _ fixture: UserServiceFixture, _ client: any TestClientProtocol
    ) async throws -> UserServiceFixture.Credentials {
        let platform = try await client.accessToken(fixture.platform)
        let (status, body) = try await client.call(.post, "/v1/clients", token: platform, json: #"{"name":"ingestion","roles":["ingestion"]}"#)
        try #require(status == .created, "\(body)")
        let created = try #require(body["client"] as? [String: Any])
        #expect(created["roles"] as? [String] == ["ingestion"])
        return .init(clientID: try #require(created["client_id"] as? String), secret: try #require(body["client_secret"] as? String))
    }

    static func createWriteKey(_ fixture: UserServiceFixture, _ client: any TestClientProtocol) async throws -> String {
        let admin = try await client.accessToken(fixture.tenantA)
        let (status, body) = try await client.call(.post, "/v1/write-keys", token: admin, json: #"{"name":"game"}"#)
        try #require(status == .created)
        return try #require(body["key"] as? String)
    }

    /// field → reason of a 4xx body's `error.details`.
    static func reasons(_ body: [String: Any]) -> [String: String] {
        let details = ((body["error"] as? [String: Any])?["details"] as? [[String: String]]) ?? []
        return Dictionary(details.compactMap { detail in detail["field"].flatMap { field in detail["reason"].map { (field, $0) } } }) { first, _ in first }
    }
}
