import Foundation
import GameMetricsKit
import GameMetricsTesting
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Redis
import Testing

@testable import Admin

/// Against the real user service (its own process, its own database) and a real Redis; the
/// test plays the browser, cookie by cookie. analytics-api is down throughout.
@Suite("the console's login, session and logout", .serialized)
struct ConsoleLoginTests {
    /// The redirect URI the demo seed registers for the dashboard client: the console's public
    /// origin, whatever port this test's instance listens on.
    static let publicOrigin = "http://127.0.0.1:\(PlatformService.admin.port)"

    @Test("a login goes through the user service with PKCE, its state is one-time and bound to the browser, and logout needs the form token and revokes the login")
    func logsInAndOut() async throws {
        try await withConsole { console, user, redis in
            // Not signed in: every page sends the browser to the login first.
            let first = try await console.get("/overview")
            #expect(first.status == .seeOther)
            #expect(first.headers[.location] == "/login?return_to=/overview")

            let start = try await console.get("/login?return_to=/pipeline")
            #expect(start.status == .seeOther)
            let location = try #require(start.headers[.location])
            let authorize = try #require(URLComponents(string: location))
            #expect(authorize.path == "/oauth/authorize")
            let query = Dictionary(uniqueKeysWithValues: (authorize.queryItems ?? []).map { ($0.name, $0.value ?? "") })
            #expect(query["code_challenge_method"] == "S256")
            #expect(query["redirect_uri"] == "\(Self.publicOrigin)/auth/callback")
            let state = try #require(query["state"])
            let stateCookie = try #require(start.cookie(LoginController.stateCookie))
            #expect(stateCookie.value == state)
            #expect(stateCookie.attributes.contains("HttpOnly") && stateCookie.attributes.contains("Secure"))

            // The operator signs in at the user service, which redirects back with a code.
            let form = [
                "response_type": "code", "client_id": "gm-admin-dashboard", "redirect_uri": query["redirect_uri"]!, "state": state,
                "code_challenge": query["code_challenge"]!, "code_challenge_method": "S256", "tenant": try user.seeded("GM_TENANT"),
                "email": try user.seeded("GM_OPERATOR_USER"), "password": try user.seeded("GM_OPERATOR_PASSWORD"),
            ]
            let signIn = try await user.send(
                "POST", "/oauth/authorize", headers: ["Content-Type": "application/x-www-form-urlencoded"],
                body: Data(try URLEncodedFormEncoder().encode(form).utf8))
            let redirect = try #require(signIn.headers["Location"], "sign-in answered \(signIn.status): \(signIn.text)")
            let back = try #require(URLComponents(string: redirect))
            let callback = "/auth/callback?\(back.percentEncodedQuery ?? "")"

            // Another browser (without the state cookie) cannot complete this login.
            #expect(try await console.get(callback).status == .badRequest)
            let completed = try await console.get(callback, cookies: ["\(LoginController.stateCookie)=\(state)"])
            #expect(completed.status == .seeOther)
            #expect(completed.headers[.location] == "/pipeline")
            let session = try #require(completed.cookie(SessionCookie.name))
            #expect(session.attributes.isSuperset(of: ["HttpOnly", "Secure", "SameSite=Lax", "Path=/"]))
            // The code and state are spent: a replayed callback is refused.
            #expect(try await console.get(callback, cookies: ["\(LoginController.stateCookie)=\(state)"]).status == .badRequest)

            // Signed in: the page renders, and says plainly that analytics-api is down.
            let cookie = "\(SessionCookie.name)=\(session.value)"
            let overview = try await console.get("/overview", cookies: [cookie])
            #expect(overview.status == .ok)
            #expect(overview.body.contains(try user.seeded("GM_TENANT")))
            #expect(overview.body.contains("Some numbers are not available"))
            let csrf = try #require(overview.body.firstMatch(of: /name="csrf_token" value="([^"]+)"/)?.output.1)

            // The refresh token the session holds, to check its revocation afterwards.
            let stored = try #require(try await redis.getBytes(SessionStore.sessionKey(session.value)))
            let refreshToken = try JSONDecoder().decode(ConsoleSession.self, from: Data(stored)).refreshToken

            // A post without the form token, or from another origin, is refused.
            #expect(try await console.post("/logout", form: [:], cookies: [cookie]).status == .forbidden)
            #expect(try await console.post("/logout", form: ["csrf_token": String(csrf)], cookies: [cookie], origin: "https://evil.example").status == .forbidden)
            #expect(try await console.get("/overview", cookies: [cookie]).status == .ok)

            let logout = try await console.post("/logout", form: ["csrf_token": String(csrf)], cookies: [cookie], origin: Self.publicOrigin)
            #expect(logout.status == .ok)
            #expect(logout.cookie(SessionCookie.name)?.value == "")
            #expect(try await console.get("/overview", cookies: [cookie]).status == .seeOther)
            let refresh = try await user.send(
                "POST", "/oauth/token", headers: ["Content-Type": "application/x-www-form-urlencoded"],
                body: Data(try URLEncodedFormEncoder().encode(["grant_type": "refresh_token", "refresh_token": refreshToken, "client_id": "gm-admin-dashboard"]).utf8))
            #expect(refresh.status == 400, "the login's refresh token still works after logout: \(refresh.text)")
        }
    }

    @Test("a pending login is taken once, and a session ends after its idle time and at its maximum age")
    func sessionsExpire() async throws {
        try await RedisTestServer.with { _, redis in
            let store = SessionStore(redis: redis, idle: .seconds(60), maximum: .seconds(3_600))
            try await store.begin(.init(verifier: "v", returnTo: "/overview"), state: "s1")
            #expect(try await store.finish(state: "s1")?.verifier == "v")
            #expect(try await store.finish(state: "s1") == nil)

            let fresh = Self.session(createdAt: Date())
            let id = try await store.create(fresh)
            #expect(try await store.session(id: id)?.subject == fresh.subject)
            #expect(try await redis.execute(["TTL", SessionStore.sessionKey(id)]).integer ?? 0 <= 60)
            // An hour and a minute after login the session is over, however active.
            #expect(try await store.session(id: id, now: Date().addingTimeInterval(3_660)) == nil)
            #expect(try await redis.getBytes(SessionStore.sessionKey(id)) == nil)
            // The key holds the id's digest, never the id itself.
            #expect(!SessionStore.sessionKey(id).contains(id))
        }
    }

    static func session(createdAt: Date) -> ConsoleSession {
        ConsoleSession(
            tenantID: "t", subject: "s", roles: ["viewer"], accessToken: "a", accessExpiresAt: createdAt.addingTimeInterval(900), refreshToken: "r",
            csrfToken: "c", createdAt: createdAt)
    }

    /// The console on a free port with a fresh database behind the user service and a Redis of its own.
    private func withConsole(_ body: @Sendable (ConsoleClient, UserServiceProcess, RedisClient) async throws -> Void) async throws {
        try await RedisTestServer.with { server, redis in
            try await TestDatabase.withFresh { databaseURL in
                try await UserServiceProcess.run(databaseURL: databaseURL, environment: ["GM_KAFKA_BOOTSTRAP": "127.0.0.1:1"]) { user in
                    let environment = EnvironmentReader([
                        "GM_HTTP_HOST": "127.0.0.1", "GM_HTTP_PORT": "0", "GM_INTERNAL_HTTP_PORT": "0", "GM_LOG_LEVEL": "warning",
                        "GM_USER_URL": user.url, "GM_ANALYTICS_API_URL": "http://127.0.0.1:1", "GM_REDIS_URL": server.url,
                        "GM_ADMIN_PUBLIC_URL": Self.publicOrigin,
                    ])
                    try await buildApplication(environment: environment).test(.live) { client in
                        try await body(ConsoleClient(client: client), user, redis)
                    }
                }
            }
        }
    }
}

/// The test's browser: requests with the cookies it chooses, answers with their cookies parsed.
struct ConsoleClient: Sendable {
    let client: any TestClientProtocol

    struct Answer {
        let status: HTTPResponse.Status
        let headers: HTTPFields
        let body: String

        /// The `Set-Cookie` of `name`: its value and its attributes.
        func cookie(_ name: String) -> (value: String, attributes: Set<String>)? {
            for field in headers[values: .setCookie] {
                let parts = field.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
                guard let first = parts.first, first.hasPrefix("\(name)=") else { continue }
                return (String(first.dropFirst(name.count + 1)), Set(parts.dropFirst()))
            }
            return nil
        }
    }

    func get(_ uri: String, cookies: [String] = []) async throws -> Answer {
        var headers = HTTPFields()
        if !cookies.isEmpty { headers[.cookie] = cookies.joined(separator: "; ") }
        return try await client.execute(uri: uri, method: .get, headers: headers) { Answer(status: $0.status, headers: $0.headers, body: String(buffer: $0.body)) }
    }

    func post(_ uri: String, form: [String: String], cookies: [String], origin: String? = nil) async throws -> Answer {
        var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded", .cookie: cookies.joined(separator: "; ")]
        if let origin { headers[.origin] = origin }
        let body = ByteBuffer(string: try URLEncodedFormEncoder().encode(form))
        return try await client.execute(uri: uri, method: .post, headers: headers, body: body) {
            Answer(status: $0.status, headers: $0.headers, body: String(buffer: $0.body))
        }
    }
}
