import Foundation
import GameMetricsAuth
import GameMetricsHTTP
import GameMetricsKit
import GameMetricsTesting
import Hummingbird
import HummingbirdTesting
import Testing

@testable import UserService

@Suite("user service: tokens, tenants, players and write keys on a real PostgreSQL")
struct UserServiceTests {
    // It migrates its schema before serving, so it needs PostgreSQL to start at all.
    @Test("stays live and reports kafka as not ready while only kafka does not answer")
    func keepsThePlatformContract() async throws {
        try await TestDatabase.withFresh { url in
            let environment = PlatformContract.unreachableDependencies.merging(["GM_PG_URL": url])
            try await buildApplication(environment: environment).test(.router) { client in
                try await client.waitUntilStarted()
                try await client.execute(uri: "/health/live", method: .get) { #expect($0.status == .ok) }
                try await client.execute(uri: "/health/ready", method: .get) { response in
                    #expect(response.status == .serviceUnavailable)
                    let report = try JSONDecoder().decode(HealthReport.self, from: Data(buffer: response.body))
                    #expect(report.checks["postgres"] == "ok")
                    #expect(report.checks["kafka"]?.hasPrefix("error") == true)
                }
            }
        }
    }

    @Test("/metrics answers 404 on the public port and is served on the internal one")
    func operatorEndpointsAreInternal() async throws {
        try await TestDatabase.withFresh { url in
            try await PlatformContract.expectOperatorEndpointsOnlyOnInternalPort(
                environment: PlatformContract.unreachableDependencies.merging(["GM_PG_URL": url]),
                publicPaths: ["/openapi.json", "/.well-known/jwks.json"]
            ) { try buildApplication(environment: $0, passwordHasher: PasswordHasher(cost: .testing)) }
        }
    }

    @Test("client credentials give a token that the published JWKS verifies")
    func clientCredentialsTokenVerifiesAgainstJWKS() async throws {
        try await UserServiceFixture.run { fixture, client in
            let token = try await client.accessToken(fixture.tenantA)
            let jwks = try await client.execute(uri: "/.well-known/jwks.json", method: .get) { response in
                try JSONDecoder().decode(JWKSet.self, from: Data(buffer: response.body))
            }
            let verifier = JWTVerifier(keys: jwks.keys, issuer: "http://127.0.0.1:\(PlatformService.user.port)", audience: AccessTokens.audience)
            let claims = try verifier.verify(token, as: AccessTokenClaims.self)
            #expect(claims.tenantID == "tenant-a")
            #expect(Set(claims.roles) == ["admin", "operator", "viewer"])
            #expect(claims.clientID == fixture.tenantA.clientID)
        }
    }

    @Test("the discovery document names the token endpoint and the JWKS")
    func discoveryDocument() async throws {
        try await UserServiceFixture.run { _, client in
            let (status, body) = try await client.call(.get, "/.well-known/oauth-authorization-server", token: nil)
            #expect(status == .ok)
            #expect(body["token_endpoint"] as? String == "http://127.0.0.1:\(PlatformService.user.port)/oauth/token")
            #expect(body["jwks_uri"] as? String == "http://127.0.0.1:\(PlatformService.user.port)/.well-known/jwks.json")
            #expect(body["grant_types_supported"] as? [String] == ["client_credentials", "authorization_code", "refresh_token"])
        }
    }

    @Test("a wrong secret, an unknown client and a bad grant are refused in RFC 6749's shape")
    func tokenEndpointRefusals() async throws {
        try await UserServiceFixture.run { fixture, client in
            let wrong = UserServiceFixture.Credentials(clientID: fixture.tenantA.clientID, secret: "gms_wrong")
            let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
            for (authorization, body, status, error) in [
                (wrong.basic, "grant_type=client_credentials", HTTPResponse.Status.unauthorized, "invalid_client"),
                (UserServiceFixture.Credentials(clientID: "nobody", secret: "x").basic, "grant_type=client_credentials", .unauthorized, "invalid_client"),
                (fixture.tenantA.basic, "grant_type=password", .badRequest, "unsupported_grant_type"),
                (fixture.tenantA.basic, "scope=admin", .badRequest, "invalid_request"),
                (fixture.tenantA.basic, "grant_type=client_credentials&scope=platform-admin", .badRequest, "invalid_scope"),
            ] {
                var headers = form
                headers[.authorization] = authorization
                try await client.execute(uri: "/oauth/token", method: .post, headers: headers, body: ByteBuffer(string: body)) { response in
                    #expect(response.status == status)
                    let json = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                    #expect(json?["error"] as? String == error)
                }
            }
        }
    }

    @Test("a tenant A token reading tenant B's player gets 404 and no data")
    func crossTenantReadIsNotFound() async throws {
        try await UserServiceFixture.run { fixture, client in
            let tokenA = try await client.accessToken(fixture.tenantA)
            let tokenB = try await client.accessToken(fixture.tenantB)
            let (created, _) = try await client.call(.post, "/v1/players", token: tokenB, json: #"{"player_id":"p-secret","display_name":"Bea"}"#)
            #expect(created == .created)

            let (status, body) = try await client.call(.get, "/v1/players/p-secret", token: tokenA)
            #expect(status == .notFound)
            #expect(!String(describing: body).contains("Bea"))
            let (listStatus, list) = try await client.call(.get, "/v1/players?prefix=p-", token: tokenA)
            #expect(listStatus == .ok)
            #expect((list["players"] as? [Any])?.isEmpty == true)
            let (updateStatus, _) = try await client.call(.patch, "/v1/players/p-secret", token: tokenA, json: #"{"display_name":"Mallory"}"#)
            #expect(updateStatus == .notFound)
            let (own, ownBody) = try await client.call(.get, "/v1/players/p-secret", token: tokenB)
            #expect(own == .ok)
            #expect(ownBody["display_name"] as? String == "Bea")
        }
    }

    @Test("row-level security hides every tenant's rows from a query that names no tenant")
    func rowLevelSecurityWithoutTenant() async throws {
        try await UserServiceFixture.run { fixture, client in
            let token = try await client.accessToken(fixture.tenantA)
            try await client.call(.post, "/v1/players", token: token, json: #"{"player_id":"p-1"}"#)
            #expect(try await fixture.count("SELECT count(*)::int FROM players") == 0)
        }
    }

    @Test("players are created, read, searched, updated and deleted within their tenant")
    func playerLifecycle() async throws {
        try await UserServiceFixture.run { fixture, client in
            let token = try await client.accessToken(fixture.tenantA)
            let (created, player) = try await client.call(
                .post, "/v1/players", token: token,
                json: #"{"player_id":"p-42","display_name":"Ada","email":"ada@example.com","country":"GB","attributes":{"vip":true}}"#)
            #expect(created == .created)
            #expect(player["player_id"] as? String == "p-42")
            #expect((player["attributes"] as? [String: Any])?["vip"] as? Bool == true)
            let (duplicate, _) = try await client.call(.post, "/v1/players", token: token, json: #"{"player_id":"p-42"}"#)
            #expect(duplicate == .conflict)
            try await client.call(.post, "/v1/players", token: token, json: #"{"player_id":"q-1","display_name":"Adam"}"#)

            let (_, byPrefix) = try await client.call(.get, "/v1/players?prefix=p-", token: token)
            #expect((byPrefix["players"] as? [[String: Any]])?.map { $0["player_id"] as? String } == ["p-42"])
            let (_, byName) = try await client.call(.get, "/v1/players?name=ad", token: token)
            #expect((byName["players"] as? [[String: Any]])?.count == 2)
            let (_, literal) = try await client.call(.get, "/v1/players?name=a%25", token: token)
            #expect((literal["players"] as? [Any])?.isEmpty == true)

            let (updated, changed) = try await client.call(.patch, "/v1/players/p-42", token: token, json: #"{"country":"FR"}"#)
            #expect(updated == .ok)
            #expect(changed["country"] as? String == "FR")
            #expect(changed["display_name"] as? String == "Ada")
            let (deleted, _) = try await client.call(.delete, "/v1/players/p-42", token: token)
            #expect(deleted == .noContent)
            let (gone, _) = try await client.call(.get, "/v1/players/p-42", token: token)
            #expect(gone == .notFound)
        }
    }

    @Test("bad player input gets a 400 naming each field")
    func badPlayerInput() async throws {
        try await UserServiceFixture.run { fixture, client in
            let token = try await client.accessToken(fixture.tenantA)
            let longID = String(repeating: "x", count: 129)
            let (status, body) = try await client.call(
                .post, "/v1/players", token: token,
                json: #"{"player_id":"\#(longID)","email":"nope","country":"gb","attributes":[1]}"#)
            #expect(status == .badRequest)
            let details = ((body["error"] as? [String: Any])?["details"] as? [[String: String]]) ?? []
            #expect(Set(details.compactMap { $0["field"] }) == ["player_id", "email", "country", "attributes"])
            for malformed in ["{", #"{"player_id":5}"#, "[]", ""] {
                let (code, error) = try await client.call(.post, "/v1/players", token: token, json: malformed)
                #expect(code == .badRequest, "body \(malformed)")
                #expect(error["error"] != nil)
            }
            let (badLimit, _) = try await client.call(.get, "/v1/players?limit=0", token: token)
            #expect(badLimit == .badRequest)
        }
    }

    @Test("requests without a token, with a tampered one, or with too few roles are refused")
    func authenticationAndRoles() async throws {
        try await UserServiceFixture.run { fixture, client in
            let (anonymous, _) = try await client.call(.get, "/v1/players", token: nil)
            #expect(anonymous == .unauthorized)
            let token = try await client.accessToken(fixture.tenantA)
            var parts = token.split(separator: ".").map(String.init)
            parts[1] = Base64URL.encode(Data(#"{"tenant_id":"tenant-b","roles":["admin"]}"#.utf8))
            let (tampered, body) = try await client.call(.get, "/v1/players", token: parts.joined(separator: "."))
            #expect(tampered == .unauthorized)
            #expect((body["error"] as? [String: Any])?["code"] as? String == "invalid_token")
            let viewer = try await client.accessToken(fixture.tenantA, scope: "viewer")
            let (forbidden, _) = try await client.call(.post, "/v1/players", token: viewer, json: #"{"player_id":"p"}"#)
            #expect(forbidden == .forbidden)
            let (notPlatform, _) = try await client.call(.post, "/v1/tenants", token: token, json: #"{"id":"evil","name":"Evil"}"#)
            #expect(notPlatform == .forbidden)
        }
    }

    @Test("an expired token is refused")
    func expiredToken() async throws {
        try await UserServiceFixture.run { fixture, client in
            _ = try await client.accessToken(fixture.tenantA)
            let key = try await fixture.currentSigningKey()
            let past = Date().addingTimeInterval(-3600)
            let claims = AccessTokenClaims(
                issuer: "http://127.0.0.1:\(PlatformService.user.port)", subject: "client-tenant-a", audience: [AccessTokens.audience],
                expiresAt: past.addingTimeInterval(900), issuedAt: past, notBefore: past, tokenID: UUID().uuidString,
                tenantID: "tenant-a", roles: ["admin"], clientID: "client-tenant-a", scope: "admin")
            let (status, _) = try await client.call(.get, "/v1/players", token: try JWTSigner.sign(claims, with: key))
            #expect(status == .unauthorized)
        }
    }

    @Test("after a key rotation old tokens still verify and the JWKS publishes both keys")
    func keyRotation() async throws {
        try await UserServiceFixture.run { fixture, client in
            let before = try await client.accessToken(fixture.tenantA)
            let platform = try await client.accessToken(fixture.platform)
            let (rotated, body) = try await client.call(.post, "/v1/signing-keys/rotate", token: platform)
            #expect(rotated == .ok)
            let after = try await client.accessToken(fixture.tenantA)
            let jwks = try await client.execute(uri: "/.well-known/jwks.json", method: .get) { response in
                try JSONDecoder().decode(JWKSet.self, from: Data(buffer: response.body))
            }
            #expect(jwks.keys.count == 2)
            #expect(jwks.keys.contains { $0.kid == body["kid"] as? String })
            for token in [before, after] {
                let (status, _) = try await client.call(.get, "/v1/players", token: token)
                #expect(status == .ok)
            }
        }
    }

    @Test("a token signed by a key another replica just created is accepted after a reload")
    func keyFromAnotherReplica() async throws {
        try await UserServiceFixture.run { fixture, client in
            _ = try await client.accessToken(fixture.tenantA)
            try await Task.sleep(for: .seconds(5))  // past the reload interval after start-up
            let key = SigningKey.generate()
            try await fixture.insertSigningKey(key)
            let now = Date()
            let claims = AccessTokenClaims(
                issuer: "http://127.0.0.1:\(PlatformService.user.port)", subject: "client-tenant-a", audience: [AccessTokens.audience],
                expiresAt: now.addingTimeInterval(600), issuedAt: now, notBefore: now, tokenID: UUID().uuidString,
                tenantID: "tenant-a", roles: ["viewer"], clientID: "client-tenant-a", scope: "viewer")
            let (status, _) = try await client.call(.get, "/v1/players", token: try JWTSigner.sign(claims, with: key))
            #expect(status == .ok)
            let (forged, _) = try await client.call(.get, "/v1/players", token: try JWTSigner.sign(claims, with: SigningKey.generate()))
            #expect(forged == .unauthorized)
        }
    }

    @Test("a write key resolves to its tenant until it is revoked")
    func writeKeyLifecycle() async throws {
        try await UserServiceFixture.run { fixture, client in
            let admin = try await client.accessToken(fixture.tenantA)
            let platform = try await client.accessToken(fixture.platform)
            let (created, body) = try await client.call(.post, "/v1/write-keys", token: admin, json: #"{"name":"web client"}"#)
            #expect(created == .created)
            let key = try #require(body["key"] as? String)
            let id = try #require((body["write_key"] as? [String: Any])?["id"] as? String)
            #expect(try await fixture.count("SELECT count(*)::int FROM write_keys") == 0, "row-level security hides keys outside a tenant scope")

            let (resolved, resolution) = try await client.call(.post, "/v1/write-keys/resolve", token: platform, json: #"{"key":"\#(key)"}"#)
            #expect(resolved == .ok)
            #expect(resolution["tenant_id"] as? String == "tenant-a")
            #expect(resolution["requests_per_second_limit"] as? Int == 5000)
            #expect(resolution["cache_seconds"] as? Int == 30)
            let (notPlatform, _) = try await client.call(.post, "/v1/write-keys/resolve", token: admin, json: #"{"key":"\#(key)"}"#)
            #expect(notPlatform == .forbidden)

            let otherTenant = try await client.accessToken(fixture.tenantB)
            let (foreign, _) = try await client.call(.delete, "/v1/write-keys/\(id)", token: otherTenant)
            #expect(foreign == .notFound)
            let (revoked, _) = try await client.call(.delete, "/v1/write-keys/\(id)", token: admin)
            #expect(revoked == .noContent)
            let (afterRevoke, _) = try await client.call(.post, "/v1/write-keys/resolve", token: platform, json: #"{"key":"\#(key)"}"#)
            #expect(afterRevoke == .notFound)
            let (_, list) = try await client.call(.get, "/v1/write-keys", token: admin)
            let listed = try #require((list["write_keys"] as? [[String: Any]])?.first)
            #expect(listed["revoked_at"] != nil)
            #expect(listed["key"] == nil)
        }
    }

    @Test("platform admins create tenants; tenant admins create and revoke service clients")
    func tenantsAndClients() async throws {
        try await UserServiceFixture.run { fixture, client in
            let platform = try await client.accessToken(fixture.platform)
            let (created, _) = try await client.call(.post, "/v1/tenants", token: platform, json: #"{"id":"brand-new","name":"Brand New"}"#)
            #expect(created == .created)
            let (again, _) = try await client.call(.post, "/v1/tenants", token: platform, json: #"{"id":"brand-new","name":"Again"}"#)
            #expect(again == .conflict)
            let (invalid, _) = try await client.call(.post, "/v1/tenants", token: platform, json: #"{"id":"Bad Id!","name":""}"#)
            #expect(invalid == .badRequest)
            let (changed, tenant) = try await client.call(.patch, "/v1/tenants/brand-new", token: platform, json: #"{"requests_per_second_limit":250000}"#)
            #expect(changed == .ok)
            #expect(tenant["requests_per_second_limit"] as? Int == 250_000)
            let (read, readBack) = try await client.call(.get, "/v1/tenants/brand-new", token: platform)
            #expect(read == .ok && readBack["requests_per_second_limit"] as? Int == 250_000)
            let (zero, _) = try await client.call(.patch, "/v1/tenants/brand-new", token: platform, json: #"{"requests_per_second_limit":0}"#)
            #expect(zero == .badRequest)
            let (missing, _) = try await client.call(.patch, "/v1/tenants/no-such-brand", token: platform, json: #"{"requests_per_second_limit":5}"#)
            #expect(missing == .notFound)

            let admin = try await client.accessToken(fixture.tenantA)
            let (own, _) = try await client.call(.get, "/v1/tenants/tenant-a", token: admin)
            #expect(own == .ok)
            let (other, _) = try await client.call(.get, "/v1/tenants/brand-new", token: admin)
            #expect(other == .notFound, "a tenant admin cannot read another tenant")
            let (notPlatform, _) = try await client.call(.patch, "/v1/tenants/tenant-a", token: admin, json: #"{"requests_per_second_limit":999999}"#)
            #expect(notPlatform == .forbidden)
            let (made, body) = try await client.call(.post, "/v1/clients", token: admin, json: #"{"name":"dashboards","roles":["viewer"]}"#)
            #expect(made == .created)
            let newClient = UserServiceFixture.Credentials(
                clientID: try #require((body["client"] as? [String: Any])?["client_id"] as? String),
                secret: try #require(body["client_secret"] as? String))
            _ = try await client.accessToken(newClient)
            let (escalate, _) = try await client.call(.post, "/v1/clients", token: admin, json: #"{"name":"x","roles":["platform-admin"]}"#)
            #expect(escalate == .forbidden)
            let (revoked, _) = try await client.call(.delete, "/v1/clients/\(newClient.clientID)", token: admin)
            #expect(revoked == .noContent)
            var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
            headers[.authorization] = newClient.basic
            try await client.execute(uri: "/oauth/token", method: .post, headers: headers, body: ByteBuffer(string: "grant_type=client_credentials")) { response in
                #expect(response.status == .unauthorized)
            }
        }
    }
}
