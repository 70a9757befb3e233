import Foundation
import GameMetricsAuth
import GameMetricsHTTP
import GameMetricsKit
import GameMetricsTesting
import Hummingbird
import HummingbirdTesting
import Testing

@testable import UserService

@Suite("OAuth2 authorization server: authorization code + PKCE, refresh rotation, revocation, introspection")
struct OAuthTests {
    @Test("the login form echoes the validated request, and a sign-in redirects with a code and the state")
    func loginFormAndRedirect() async throws {
        try await OAuthFixture.run { _, client in
            let pkce = PKCEPair()
            let query =
                "response_type=code&client_id=\(OAuthFixture.dashboard)"
                + "&redirect_uri=\(OAuthResponse.queryEscaped(OAuthFixture.redirectURI))"
                + "&state=%3Cscript%3E&code_challenge=\(pkce.challenge)&code_challenge_method=S256"
            try await client.execute(uri: "/oauth/authorize?" + query, method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/html") == true)
                let page = String(buffer: response.body)
                #expect(page.contains(#"value="\#(OAuthFixture.dashboard)""#))
                #expect(page.contains(#"value="\#(pkce.challenge)""#))
                #expect(page.contains("&lt;script&gt;"))
                #expect(!page.contains("<script>"))
                // Browsers apply form-action to the redirect after the post too: the client's
                // origin must be allowed, or the login never reaches it.
                let policy = response.headers[.contentSecurityPolicy] ?? ""
                let redirect = try #require(URLComponents(string: OAuthFixture.redirectURI))
                let origin = "\(redirect.scheme!)://\(redirect.host!)" + (redirect.port.map { ":\($0)" } ?? "")
                #expect(policy.contains("form-action 'self' \(origin);"), "\(policy)")
            }
            let signIn = try await client.signIn(pkce: pkce, state: "a b&c")
            #expect(signIn.status == .found)
            let location = try #require(signIn.headers[.location])
            #expect(location.hasPrefix(OAuthFixture.redirectURI + "?code=gma_"))
            #expect(URLComponents(string: location)?.queryItems?.first { $0.name == "state" }?.value == "a b&c")
        }
    }

    @Test("the full authorization-code + PKCE flow gives operator tokens; a wrong verifier is refused and burns the code")
    func authorizationCodeWithPKCE() async throws {
        try await OAuthFixture.run { fixture, client in
            let pkce = PKCEPair()
            let code = try #require(try await client.signIn(pkce: pkce).code)
            let tokens = try await client.exchange(code: code, verifier: pkce.verifier)
            #expect(tokens.status == .ok)
            #expect(tokens.body["token_type"] as? String == "Bearer")
            #expect(tokens.body["expires_in"] as? Int == 900)
            let access = try #require(tokens.body["access_token"] as? String)
            #expect((tokens.body["refresh_token"] as? String)?.hasPrefix("gmr_") == true)

            let key = try await fixture.base.currentSigningKey()
            let verifier = JWTVerifier(keys: [key.publicJWK], issuer: "http://127.0.0.1:\(PlatformService.user.port)", audience: AccessTokens.audience)
            let claims = try verifier.verify(access, as: AccessTokenClaims.self)
            #expect(claims.tenantID == "tenant-a")
            #expect(claims.clientID == OAuthFixture.dashboard)
            #expect(Set(claims.roles) == ["admin", "operator", "viewer"])
            // The operator's token works on the API: admins list their tenant's operators.
            let listed = try await client.call(.get, "/v1/operators", token: access)
            #expect(listed.status == .ok)
            #expect((listed.body["operators"] as? [[String: Any]])?.first?["id"] as? String == claims.subject)

            let other = PKCEPair()
            let second = try #require(try await client.signIn(pkce: other).code)
            let wrong = try await client.exchange(code: second, verifier: PKCEPair().verifier)
            #expect(wrong.status == .badRequest)
            #expect(wrong.body["error"] as? String == "invalid_grant")
            let retried = try await client.exchange(code: second, verifier: other.verifier)
            #expect(retried.status == .badRequest)
            #expect(retried.body["error"] as? String == "invalid_grant")

            let third = PKCEPair()
            let code3 = try #require(try await client.signIn(pkce: third).code)
            let otherRedirect = try await client.exchange(code: code3, verifier: third.verifier, redirectURI: "https://evil.example/cb")
            #expect(otherRedirect.body["error"] as? String == "invalid_grant")
        }
    }

    @Test("a code used twice is refused and revokes the tokens issued from it")
    func codeReplayRevokesTokens() async throws {
        try await OAuthFixture.run { _, client in
            let pkce = PKCEPair()
            let code = try #require(try await client.signIn(pkce: pkce).code)
            let first = try await client.exchange(code: code, verifier: pkce.verifier)
            #expect(first.status == .ok)
            let refresh = try #require(first.body["refresh_token"] as? String)
            let replay = try await client.exchange(code: code, verifier: pkce.verifier)
            #expect(replay.status == .badRequest)
            #expect(replay.body["error"] as? String == "invalid_grant")
            let refreshed = try await client.refresh(refresh)
            #expect(refreshed.status == .badRequest)
            #expect(refreshed.body["error"] as? String == "invalid_grant")
        }
    }

    @Test("refresh tokens rotate; presenting a rotated one revokes the whole family")
    func refreshRotationAndReuseDetection() async throws {
        try await OAuthFixture.run { fixture, client in
            let (_, first) = try await client.operatorTokens()
            let r2 = try await client.refresh(first)
            #expect(r2.status == .ok)
            let second = try #require(r2.body["refresh_token"] as? String)
            #expect(second != first)
            #expect(r2.body["access_token"] is String)
            let r3 = try await client.refresh(second)
            #expect(r3.status == .ok)
            let third = try #require(r3.body["refresh_token"] as? String)

            // The family keeps its first absolute expiry.
            let expiries = try await fixture.count("SELECT count(DISTINCT expires_at)::int FROM refresh_tokens")
            #expect(expiries == 1)

            let reuse = try await client.refresh(first)
            #expect(reuse.status == .badRequest)
            #expect(reuse.body["error"] as? String == "invalid_grant")
            let afterReuse = try await client.refresh(third)
            #expect(afterReuse.status == .badRequest)
            #expect(afterReuse.body["error"] as? String == "invalid_grant")
            #expect(try await fixture.count("SELECT count(*)::int FROM refresh_tokens WHERE revoked_at IS NULL") == 0)

            // Another login's family is untouched by that revocation.
            let (_, other) = try await client.operatorTokens()
            #expect(try await client.refresh(other).status == .ok)
            // A refresh token is bound to its client.
            let (_, mine) = try await client.operatorTokens()
            #expect(try await client.refresh(mine, clientID: "someone-else").status == .unauthorized)
        }
    }

    @Test("expired and tampered codes and tokens are refused")
    func expiredAndTamperedTokens() async throws {
        try await OAuthFixture.run { fixture, client in
            let pkce = PKCEPair()
            let code = try #require(try await client.signIn(pkce: pkce).code)
            _ = try await fixture.count(
                """
                WITH u AS (UPDATE authorization_codes SET expires_at = now() - interval '1 second' RETURNING 1)
                SELECT count(*)::int FROM u
                """)
            let expiredCode = try await client.exchange(code: code, verifier: pkce.verifier)
            #expect(expiredCode.body["error"] as? String == "invalid_grant")

            let pkce2 = PKCEPair()
            let code2 = try #require(try await client.signIn(pkce: pkce2).code)
            let tamperedCode = try await client.exchange(code: code2 + "x", verifier: pkce2.verifier)
            #expect(tamperedCode.body["error"] as? String == "invalid_grant")

            let (access, refresh) = try await client.operatorTokens()
            let tamperedRefresh = try await client.refresh(String(refresh.dropLast()) + (refresh.hasSuffix("A") ? "B" : "A"))
            #expect(tamperedRefresh.status == .badRequest)
            #expect(tamperedRefresh.body["error"] as? String == "invalid_grant")
            _ = try await fixture.count(
                """
                WITH u AS (UPDATE refresh_tokens SET expires_at = now() - interval '1 second' RETURNING 1)
                SELECT count(*)::int FROM u
                """)
            let expiredRefresh = try await client.refresh(refresh)
            #expect(expiredRefresh.body["error"] as? String == "invalid_grant")
            #expect(try await client.introspect(refresh, as: fixture.base.platform).body["active"] as? Bool == false)

            // Access tokens: one changed payload byte, and one validly signed but expired.
            var parts = access.split(separator: ".").map(String.init)
            parts[1] = String(parts[1].dropLast()) + (parts[1].hasSuffix("A") ? "B" : "A")
            let tampered = parts.joined(separator: ".")
            #expect(try await client.call(.get, "/v1/operators", token: tampered).status == .unauthorized)
            #expect(try await client.introspect(tampered, as: fixture.base.platform).body["active"] as? Bool == false)
            let key = try await fixture.base.currentSigningKey()
            let past = Date().addingTimeInterval(-3600)
            let expired = try JWTSigner.sign(
                AccessTokenClaims(
                    issuer: "http://127.0.0.1:\(PlatformService.user.port)", subject: "x", audience: [AccessTokens.audience],
                    expiresAt: past.addingTimeInterval(900), issuedAt: past, tenantID: "tenant-a", roles: ["admin"],
                    scope: "admin"), with: key)
            #expect(try await client.call(.get, "/v1/operators", token: expired).status == .unauthorized)
            #expect(try await client.introspect(expired, as: fixture.base.platform).body["active"] as? Bool == false)
        }
    }

    @Test("introspection answers platform-admin clients only, and only active tokens are active")
    func introspection() async throws {
        try await OAuthFixture.run { fixture, client in
            let (access, refresh) = try await client.operatorTokens()
            let accessInfo = try await client.introspect(access, as: fixture.base.platform)
            #expect(accessInfo.status == .ok)
            #expect(accessInfo.body["active"] as? Bool == true)
            #expect(accessInfo.body["tenant_id"] as? String == "tenant-a")
            #expect(accessInfo.body["client_id"] as? String == OAuthFixture.dashboard)
            let refreshInfo = try await client.introspect(refresh, as: fixture.base.platform)
            #expect(refreshInfo.body["active"] as? Bool == true)
            #expect(refreshInfo.body["token_type"] as? String == "refresh_token")
            #expect(refreshInfo.body["sub"] as? String == accessInfo.body["sub"] as? String)

            // A bearer token of a platform admin works as well.
            let platformToken = try await client.accessToken(fixture.base.platform)
            let viaBearer = try await client.execute(
                uri: "/oauth/introspect", method: .post,
                headers: [.authorization: "Bearer \(platformToken)", .contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "token=\(access)")
            ) { $0.status }
            #expect(viaBearer == .ok)

            #expect(try await client.introspect("gmr_nothing", as: fixture.base.platform).body.keys.sorted() == ["active"])
            let rotated = try await client.refresh(refresh)
            #expect(rotated.status == .ok)
            #expect(try await client.introspect(refresh, as: fixture.base.platform).body["active"] as? Bool == false)

            let tenantAdmin = try await client.introspect(access, as: fixture.base.tenantA)
            #expect(tenantAdmin.status == .forbidden)
            #expect(tenantAdmin.body["error"] as? String == "insufficient_scope")
            let anonymous = try await client.form("/oauth/introspect", [("token", access)])
            #expect(anonymous.status == .unauthorized)
            #expect(anonymous.body["error"] as? String == "invalid_client")
            let wrongSecret = UserServiceFixture.Credentials(clientID: fixture.base.platform.clientID, secret: "gms_wrong")
            #expect(try await client.introspect(access, as: wrongSecret).status == .unauthorized)
        }
    }

    @Test("revoking a refresh token ends its family; unknown tokens are accepted quietly")
    func revocation() async throws {
        try await OAuthFixture.run { fixture, client in
            let (access, refresh) = try await client.operatorTokens()
            let r2 = try await client.refresh(refresh)
            let second = try #require(r2.body["refresh_token"] as? String)
            let revoked = try await client.form(
                "/oauth/revoke",
                [
                    ("token", second), ("token_type_hint", "refresh_token"), ("client_id", OAuthFixture.dashboard),
                ])
            #expect(revoked.status == .ok)
            #expect(try await client.refresh(second).body["error"] as? String == "invalid_grant")
            #expect(try await fixture.count("SELECT count(*)::int FROM refresh_tokens WHERE revoked_at IS NULL") == 0)

            let unknown = try await client.form("/oauth/revoke", [("token", "gmr_unknown"), ("client_id", OAuthFixture.dashboard)])
            #expect(unknown.status == .ok)
            let jwt = try await client.form("/oauth/revoke", [("token", access), ("client_id", OAuthFixture.dashboard)])
            #expect(jwt.status == .badRequest)
            #expect(jwt.body["error"] as? String == "unsupported_token_type")
            let anonymous = try await client.form("/oauth/revoke", [("token", second)])
            #expect(anonymous.status == .unauthorized)
            #expect(anonymous.body["error"] as? String == "invalid_client")
        }
    }

    @Test("an unknown account and a wrong password get the same answer; the email's case does not make a new account for the limit")
    func loginFailuresAndAccountRateLimit() async throws {
        try await OAuthFixture.run { _, client in
            let pkce = PKCEPair()
            let unknown = try await client.signIn(pkce: pkce, email: "nobody@tenant-a.example")
            let wrong = try await client.signIn(pkce: pkce, password: "not the password")
            let otherTenant = try await client.signIn(pkce: pkce, tenant: "tenant-b")
            for attempt in [unknown, wrong, otherTenant] {
                #expect(attempt.status == .unauthorized)
                #expect(attempt.body["error"] as? String == "access_denied")
                #expect(attempt.body["error_description"] as? String == wrong.body["error_description"] as? String)
                #expect(attempt.headers[.wwwAuthenticate] == nil)
            }
            // Email is matched case-insensitively, both for sign-in and for the limit: with the
            // failure above, three for this account from this address.
            #expect(try await client.signIn(pkce: pkce, email: "ops@tenant-a.example", password: "nope").status == .unauthorized)
            let clock = ContinuousClock()
            let lastFailureSent = clock.now
            #expect(try await client.signIn(pkce: pkce, email: "ops@tenant-a.example", password: "nope").status == .unauthorized)
            let throttled = try await client.signIn(pkce: pkce)
            if throttled.status == .found {
                // A loaded machine (make test runs schemathesis beside this) may let the 1 s wait
                // pass before the sign-in arrives; only then may the right password get in.
                #expect(clock.now - lastFailureSent >= .seconds(1), "signed in during the wait")
                return
            }
            #expect(throttled.status == .tooManyRequests)
            #expect(throttled.body["error"] as? String == "too_many_attempts")
            #expect(throttled.headers[.retryAfter] == "1")
            // After Retry-After the right password gets in.
            try await Task.sleep(for: .milliseconds(1_150))
            #expect(try await client.signIn(pkce: pkce).status == .found)
        }
    }

    @Test("behind a trusted proxy, twenty failures from one address block it for every account")
    func addressRateLimit() async throws {
        try await OAuthFixture.run(environment: ["GM_TRUSTED_PROXIES": "1"]) { _, client in
            let pkce = PKCEPair()
            // The ingress appended 203.0.113.7; the first entry is the client's own claim.
            let proxy: HTTPFields = [.init("X-Forwarded-For")!: "10.0.0.1, 203.0.113.7"]
            for index in 0..<20 {
                let attempt = try await client.signIn(pkce: pkce, email: "guess\(index)@tenant-a.example", headers: proxy)
                #expect(attempt.status == .unauthorized)
            }
            let blocked = try await client.signIn(pkce: pkce, headers: proxy)
            #expect(blocked.status == .tooManyRequests)
            #expect(blocked.headers[.retryAfter] != nil)
            let elsewhere: HTTPFields = [.init("X-Forwarded-For")!: "198.51.100.1"]
            #expect(try await client.signIn(pkce: pkce, headers: elsewhere).status == .found)
        }
    }

    @Test("GM_TRUST_PROXY alone is refused at start: it must become a count of proxies")
    func oldProxySwitchIsRefused() async throws {
        let service = try ServiceConfiguration(service: .user, environment: EnvironmentReader([:]))
        // Everything else the settings require is set, so only the proxy variables can fail.
        let complete = PlatformContract.unreachableDependencies
        #expect(
            throws: ConfigurationError(
                variable: "GM_TRUST_PROXY",
                problem: "is replaced by GM_TRUSTED_PROXIES, the number of proxies in front of the service (1 behind the cluster's ingress)")
        ) {
            try UserSettings(environment: complete.merging(["GM_TRUST_PROXY": "true"]), service: service)
        }
        #expect(throws: ConfigurationError.self) {
            try UserSettings(environment: complete.merging(["GM_TRUSTED_PROXIES": "-1"]), service: service)
        }
        #expect(try UserSettings(environment: complete.merging(["GM_TRUSTED_PROXIES": "2"]), service: service).trustedProxies == 2)
        #expect(try UserSettings(environment: complete, service: service).trustedProxies == 0)
    }

    @Test("the backoff doubles from 1 s and stops at 60 s")
    func backoffSchedule() {
        let policy = LoginRateLimiter.Policy()
        #expect(policy.delay(afterFailures: 2) == nil)
        #expect((3...10).map { policy.delay(afterFailures: $0) } == [1, 2, 4, 8, 16, 32, 60, 60].map { Duration.seconds($0) })
        #expect(policy.delay(afterFailures: 10_000) == .seconds(60))
        #expect(policy.retention == .seconds(3600))
    }

    @Test("bad input on every OAuth and operator endpoint gets a 4xx JSON error")
    func badInputIsA4xxJSONError() async throws {
        try await OAuthFixture.run { fixture, client in
            let pkce = PKCEPair()
            let redirect = OAuthResponse.queryEscaped(OAuthFixture.redirectURI)
            let good =
                "response_type=code&client_id=\(OAuthFixture.dashboard)&redirect_uri=\(redirect)"
                + "&code_challenge=\(pkce.challenge)&code_challenge_method=S256"
            for (query, error) in [
                ("", "invalid_request"),
                (good.replacingOccurrences(of: "client_id=\(OAuthFixture.dashboard)", with: "client_id=nope"), "invalid_client"),
                (good.replacingOccurrences(of: redirect, with: "https%3A%2F%2Fevil.example%2Fcb"), "invalid_request"),
                (good.replacingOccurrences(of: "response_type=code", with: "response_type=token"), "unsupported_response_type"),
                (good.replacingOccurrences(of: "code_challenge_method=S256", with: "code_challenge_method=plain"), "invalid_request"),
                (good.replacingOccurrences(of: "code_challenge=\(pkce.challenge)", with: "code_challenge=short"), "invalid_request"),
                (good + "&scope=root", "invalid_scope"),
            ] {
                try await client.execute(uri: "/oauth/authorize?" + query, method: .get) { response in
                    #expect(response.status == .badRequest, "\(query)")
                    let json = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                    #expect(json?["error"] as? String == error, "\(query)")
                }
            }
            let json: HTTPFields = [.contentType: "application/json"]
            for (uri, headers, body) in [
                ("/oauth/authorize", json, "{}"),
                ("/oauth/token", json, "{}"),
                ("/oauth/revoke", json, "{}"),
            ] as [(String, HTTPFields, String)] {
                try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body)) { response in
                    #expect(response.status == .badRequest, "\(uri)")
                    let object = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                    #expect(object?["error"] as? String == "invalid_request", "\(uri)")
                }
            }
            // Sign-in form without credentials, or with a malformed tenant.
            let missing = try await client.form(
                "/oauth/authorize",
                [
                    ("response_type", "code"), ("client_id", OAuthFixture.dashboard), ("redirect_uri", OAuthFixture.redirectURI),
                    ("code_challenge", pkce.challenge), ("code_challenge_method", "S256"), ("tenant", "Not A Tenant!"),
                ])
            #expect(missing.status == .badRequest)
            #expect(missing.body["error"] as? String == "invalid_request")
            // Token endpoint: each grant's missing parameters, and unknown clients.
            for (fields, status, error) in [
                ([("grant_type", "authorization_code")], HTTPResponse.Status.badRequest, "invalid_request"),
                (
                    [("grant_type", "authorization_code"), ("client_id", "nope"), ("code", "x"), ("redirect_uri", "y"), ("code_verifier", "z")],
                    .unauthorized, "invalid_client"
                ),
                ([("grant_type", "authorization_code"), ("client_id", OAuthFixture.dashboard)], .badRequest, "invalid_request"),
                (
                    [("grant_type", "authorization_code"), ("client_id", OAuthFixture.dashboard), ("code", "x"), ("redirect_uri", "y")],
                    .badRequest, "invalid_request"
                ),
                (
                    [("grant_type", "authorization_code"), ("client_id", OAuthFixture.dashboard), ("code", "x"), ("redirect_uri", "y"), ("code_verifier", "z")],
                    .badRequest, "invalid_grant"
                ),
                ([("grant_type", "refresh_token"), ("client_id", OAuthFixture.dashboard)], .badRequest, "invalid_request"),
                (
                    [("grant_type", "refresh_token"), ("client_id", OAuthFixture.dashboard), ("refresh_token", "gmr_x"), ("scope", "admin")],
                    .badRequest, "invalid_grant"
                ),
                ([("grant_type", "implicit")], .badRequest, "unsupported_grant_type"),
            ] as [([(String, String)], HTTPResponse.Status, String)] {
                let response = try await client.form("/oauth/token", fields)
                #expect(response.status == status, "\(fields)")
                #expect(response.body["error"] as? String == error, "\(fields)")
            }
            let (_, refresh) = try await client.operatorTokens()
            let widened = try await client.form(
                "/oauth/token",
                [
                    ("grant_type", "refresh_token"), ("client_id", OAuthFixture.dashboard), ("refresh_token", refresh),
                    ("scope", "platform-admin"),
                ])
            #expect(widened.body["error"] as? String == "invalid_scope")
            let badHint = try await client.form(
                "/oauth/revoke",
                [
                    ("token", refresh), ("token_type_hint", "id_token"), ("client_id", OAuthFixture.dashboard),
                ])
            #expect(badHint.body["error"] as? String == "unsupported_token_type")
            let noToken = try await client.form("/oauth/introspect", [], headers: [.authorization: fixture.base.platform.basic])
            #expect(noToken.status == .badRequest)
            #expect(noToken.body["error"] as? String == "invalid_request")

            // NUL bytes (which PostgreSQL text refuses) and oversized bodies never become a 5xx.
            let nulClient = try await client.form(
                "/oauth/token",
                [
                    ("grant_type", "refresh_token"), ("client_id", "dash\u{0}board"), ("refresh_token", refresh),
                ])
            #expect(nulClient.status == .unauthorized)
            #expect(nulClient.body["error"] as? String == "invalid_client")
            let nulEmail = try await client.form(
                "/oauth/authorize",
                [
                    ("response_type", "code"), ("client_id", OAuthFixture.dashboard), ("redirect_uri", OAuthFixture.redirectURI),
                    ("code_challenge", pkce.challenge), ("code_challenge_method", "S256"), ("tenant", "tenant-a"),
                    ("email", "ops\u{0}@tenant-a.example"), ("password", "x"),
                ])
            #expect(nulEmail.status == .badRequest)
            #expect(nulEmail.body["error"] as? String == "invalid_request")
            let nulBasic = "Basic " + Data("a\u{0}b:secret".utf8).base64EncodedString()
            for uri in ["/oauth/introspect", "/oauth/revoke", "/oauth/token"] {
                let response = try await client.form(
                    uri, [("token", refresh), ("grant_type", "client_credentials")],
                    headers: [.authorization: nulBasic])
                #expect(response.status == .unauthorized, "\(uri)")
                #expect(response.body["error"] as? String == "invalid_client", "\(uri)")
            }
            let huge = try await client.form("/oauth/token", [("grant_type", String(repeating: "x", count: 20_000))])
            #expect(huge.status.code >= 400 && huge.status.code < 500)
            #expect(huge.body["error"] != nil)

            // Platform endpoints answer in the platform's error shape.
            let admin = try await client.accessToken(fixture.base.tenantA)
            let viewer = try await client.accessToken(fixture.base.tenantA, scope: "viewer")
            let platform = try await client.accessToken(fixture.base.platform)
            for (uri, token, body, status) in [
                ("/v1/operators", admin, "not json", HTTPResponse.Status.badRequest),
                ("/v1/operators", admin, #"{"email":"a\u0000@b.c","password":"long enough password","roles":["viewer"]}"#, .badRequest),
                ("/v1/operators", admin, #"{"email":"x","password":"short","roles":["root"]}"#, .badRequest),
                ("/v1/operators", admin, #"{"email":"a@b.c","password":"long enough password","roles":["platform-admin"]}"#, .forbidden),
                ("/v1/operators", admin, #"{"email":"ops@TENANT-A.example","password":"long enough password","roles":["viewer"]}"#, .conflict),
                ("/v1/operators", viewer, #"{"email":"a@b.c","password":"long enough password","roles":["viewer"]}"#, .forbidden),
                ("/v1/operators", nil, #"{"email":"a@b.c","password":"long enough password","roles":["viewer"]}"#, .unauthorized),
                ("/v1/oauth-clients", admin, #"{"client_id":"x","name":"x","redirect_uris":["https://x.example/cb"]}"#, .forbidden),
                ("/v1/oauth-clients", platform, #"{"client_id":"x","name":"x","redirect_uris":["http://evil.example/cb"]}"#, .badRequest),
                ("/v1/oauth-clients", platform, #"{"client_id":"x","name":"x","redirect_uris":["https://x.example/cb#frag"]}"#, .badRequest),
                ("/v1/oauth-clients", platform, #"{"client_id":"admin-dashboard","name":"x","redirect_uris":["https://x.example/cb"]}"#, .conflict),
                ("/v1/oauth-clients", platform, #"{"client_id":1}"#, .badRequest),
            ] as [(String, String?, String, HTTPResponse.Status)] {
                let response = try await client.call(.post, uri, token: token, json: body)
                #expect(response.status == status, "\(uri) \(body)")
                #expect((response.body["error"] as? [String: Any])?["code"] is String, "\(uri) \(body)")
            }
        }
    }

    @Test("parallel requests cannot beat single use or the login limit")
    func concurrency() async throws {
        try await OAuthFixture.run { fixture, client in
            // Ten wrong passwords at once from one address: exactly three are checked, the rest
            // are told to wait.
            let pkce = PKCEPair()
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<10 { group.addTask { try await client.signIn(pkce: pkce, password: "wrong password").status } }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .unauthorized }.count == 3)
            #expect(statuses.filter { $0 == .tooManyRequests }.count == 7)
            _ = try await fixture.count("WITH d AS (DELETE FROM login_attempts RETURNING 1) SELECT count(*)::int FROM d")

            // One code redeemed twice at once: one wins, and the loser's replay revokes its tokens.
            let exchangePKCE = PKCEPair()
            let code = try #require(try await client.signIn(pkce: exchangePKCE).code)
            let exchanges = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<2 { group.addTask { try await client.exchange(code: code, verifier: exchangePKCE.verifier).status } }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }
            #expect(exchanges.sorted { $0.code < $1.code } == [.ok, .badRequest])
            #expect(try await fixture.count("SELECT count(*)::int FROM refresh_tokens WHERE revoked_at IS NULL") == 0)

            // One refresh token used twice at once: at most one rotation, and the family ends.
            let (_, refresh) = try await client.operatorTokens()
            let refreshes = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<2 { group.addTask { try await client.refresh(refresh).status } }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }
            #expect(refreshes.sorted { $0.code < $1.code } == [.ok, .badRequest])
            #expect(try await fixture.count("SELECT count(*)::int FROM refresh_tokens WHERE revoked_at IS NULL") == 0)
        }
    }

    @Test("the discovery document advertises the authorization-code flow with PKCE S256 only")
    func discovery() async throws {
        try await OAuthFixture.run { _, client in
            let (status, body) = try await client.call(.get, "/.well-known/oauth-authorization-server", token: nil)
            #expect(status == .ok)
            #expect(body["authorization_endpoint"] as? String == "http://127.0.0.1:\(PlatformService.user.port)/oauth/authorize")
            #expect(body["revocation_endpoint"] as? String == "http://127.0.0.1:\(PlatformService.user.port)/oauth/revoke")
            #expect(body["introspection_endpoint"] as? String == "http://127.0.0.1:\(PlatformService.user.port)/oauth/introspect")
            #expect(body["code_challenge_methods_supported"] as? [String] == ["S256"])
            #expect(body["grant_types_supported"] as? [String] == ["client_credentials", "authorization_code", "refresh_token"])
            #expect(body["response_types_supported"] as? [String] == ["code"])
        }
    }
}
