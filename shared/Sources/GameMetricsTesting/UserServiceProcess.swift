import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
import GameMetricsAuth
import GameMetricsKit
import GameMetricsTesting
import Testing

/// The user service as its own process (the executable `tools/platform/test.sh` builds and names
/// in `GM_TEST_USER_BIN`), for the tests of the services that call it: they reach it as in production, through its
/// HTTP API, and seed it through its own `seed-demo` command, never through its code.
///
/// `seed-demo` creates a platform-admin client, ingestion's client, the admin dashboard's OAuth
/// client and two demo tenants (`GM_TENANT`, `GM_TENANT_B`), each with a write key, an operator
/// client and an admin operator login; ``seed`` holds its `KEY=value` lines.
public final class UserServiceProcess: Sendable {
    /// `http://127.0.0.1:PORT`.
    public let url: String
    /// The `KEY=value` lines `user seed-demo` printed.
    public let seed: [String: String]

    init(url: String, seed: [String: String]) {
        self.url = url
        self.seed = seed
    }

    /// Seeds `databaseURL` (the migrations run as part of the seeding) and starts the service on
    /// it on a free loopback port; runs `body` while it answers, then kills it. `environment`
    /// adds or overrides its GM_* variables (the test ones for its secrets are set).
    public static func run<T: Sendable>(
        databaseURL: String, environment extra: [String: String] = [:], _ body: (UserServiceProcess) async throws -> T
    ) async throws -> T {
        let executable = try TestServers.value("GM_TEST_USER_BIN")
        let port = try PlatformContract.freeLoopbackPort()
        let environment = PlatformContract.auditLog.merging([
            "GM_PG_URL": databaseURL, "GM_HTTP_HOST": "127.0.0.1", "GM_HTTP_PORT": String(port),
            "GM_INTERNAL_HTTP_PORT": String(try PlatformContract.freeLoopbackPort()), "GM_LOG_LEVEL": "warning",
            "GM_WRITE_KEY_MAC_SECRET": PlatformContract.writeKeyMACSecret,
        ]) { $1 }.merging(extra) { $1 }
        let seed = try await seedDemo(executable, environment: environment)
        let process = try ServiceProcess.start(executable, environment: environment)
        defer { process.kill() }
        let service = UserServiceProcess(url: "http://127.0.0.1:\(port)", seed: seed)
        try await service.waitUntilStarted(process)
        return try await body(service)
    }

    /// The value `seed-demo` printed for `key`; fails the test when it printed none.
    public func seeded(_ key: String) throws -> String {
        try #require(seed[key], "user seed-demo printed no \(key)")
    }

    /// A client-credentials access token.
    public func token(clientID: String, secret: String) async throws -> String {
        let answer = try await send(
            "POST", "/oauth/token",
            headers: [
                "Authorization": "Basic " + Data("\(clientID):\(secret)".utf8).base64EncodedString(),
                "Content-Type": "application/x-www-form-urlencoded",
            ], body: Data("grant_type=client_credentials".utf8))
        return try Self.accessToken(in: answer)
    }

    /// An access token of a demo tenant's admin operator (`suffix` "" for `GM_TENANT`, "_B" for
    /// `GM_TENANT_B`), signed in as a person does: authorization code with PKCE through the admin
    /// dashboard's client. Operators, unlike the seeded service clients, hold the admin role.
    public func adminToken(suffix: String = "") async throws -> String {
        let verifier = OpaqueToken.generate(bytes: 48)
        let dashboard = try seeded("GM_DASHBOARD_CLIENT_ID")
        // The redirect URI seed-demo registers for the dashboard; nothing needs to listen there.
        let registered = "http://127.0.0.1:\(PlatformService.admin.port)/auth/callback"
        let form = [
            ("response_type", "code"), ("client_id", dashboard), ("redirect_uri", registered), ("state", "test"),
            ("code_challenge", PKCE.challenge(for: verifier)), ("code_challenge_method", "S256"),
            ("tenant", try seeded("GM_TENANT\(suffix)")), ("email", try seeded("GM_OPERATOR_USER\(suffix)")),
            ("password", try seeded("GM_OPERATOR_PASSWORD\(suffix)")),
        ]
        let signIn = try await send("POST", "/oauth/authorize", headers: ["Content-Type": "application/x-www-form-urlencoded"], body: Self.formBody(form))
        let location = try #require(signIn.headers["Location"], "sign-in answered \(signIn.status): \(signIn.text)")
        let code = try #require(URLComponents(string: location)?.queryItems?.first { $0.name == "code" }?.value)
        let exchange = try await send(
            "POST", "/oauth/token", headers: ["Content-Type": "application/x-www-form-urlencoded"],
            body: Self.formBody([
                ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", registered), ("client_id", dashboard), ("code_verifier", verifier),
            ]))
        return try Self.accessToken(in: exchange)
    }

    /// A call to the API with a bearer token and an optional JSON body.
    public func call(_ method: String, _ path: String, token: String, json: String? = nil) async throws -> Answer {
        var headers = ["Authorization": "Bearer \(token)"]
        if json != nil { headers["Content-Type"] = "application/json" }
        return try await send(method, path, headers: headers, body: json.map { Data($0.utf8) })
    }

    /// A response: status, headers (by their canonical names) and body.
    public struct Answer: Sendable {
        public let status: Int
        public let headers: [String: String]
        public let body: Data

        public var text: String { String(decoding: body, as: UTF8.self) }
        public var json: [String: Any]? { try? JSONSerialization.jsonObject(with: body) as? [String: Any] }
    }

    struct Unexpected: Error, CustomStringConvertible {
        let description: String
    }

    /// Sends one request without following redirects (a sign-in answers 302 to the dashboard,
    /// which is not running).
    public func send(_ method: String, _ path: String, headers: [String: String] = [:], body: Data? = nil) async throws -> Answer {
        var request = URLRequest(url: URL(string: url + path)!)
        request.httpMethod = method
        request.timeoutInterval = 30
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        request.httpBody = body
        let (data, response) = try await Self.session.data(for: request)
        let http = try #require(response as? HTTPURLResponse)
        var fields: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            if let name = name as? String, let value = value as? String { fields[name.capitalized] = value }
        }
        return Answer(status: http.statusCode, headers: fields, body: data)
    }

    private static let session = URLSession(configuration: .ephemeral, delegate: NoRedirects(), delegateQueue: nil)

    private final class NoRedirects: NSObject, URLSessionTaskDelegate, Sendable {
        func urlSession(
            _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
            newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void
        ) {
            completionHandler(nil)
        }
    }

    private static func accessToken(in answer: Answer) throws -> String {
        guard let token = answer.json?["access_token"] as? String else {
            throw Unexpected(description: "no access token: \(answer.status) \(answer.text)")
        }
        return token
    }

    private static func formBody(_ fields: [(String, String)]) -> Data {
        var allowed = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)...Unicode.Scalar(127)))
        allowed.insert(charactersIn: "-._~")
        let text = fields.map { name, value in
            "\(name.addingPercentEncoding(withAllowedCharacters: allowed)!)=\(value.addingPercentEncoding(withAllowedCharacters: allowed)!)"
        }
        return Data(text.joined(separator: "&").utf8)
    }

    /// Runs `user seed-demo`; its `GM_*=value` lines (its log lines are JSON, never of that shape).
    private static func seedDemo(_ executable: String, environment: [String: String]) async throws -> [String: String] {
        let (status, output) = try await ChildProcess.run(executable, ["seed-demo"], environment: environment)
        guard status == 0 else { throw Unexpected(description: "user seed-demo exited with \(status): \(output)") }
        var values: [String: String] = [:]
        for line in output.split(separator: "\n") where line.hasPrefix("GM_") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            values[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        return values
    }

    /// Until its start-up steps (schema check, signing keys) have finished: it answers liveness
    /// from the first second, its API only after them (readiness check `startup`).
    private func waitUntilStarted(_ process: ServiceProcess) async throws {
        // Startup meets PostgreSQL, Kafka and S3: slow on a loaded machine.
        let deadline = ContinuousClock.now + .seconds(120)
        while ContinuousClock.now < deadline {
            guard process.isRunning else { throw Unexpected(description: "the user service exited before it started") }
            if let answer = try? await send("GET", "/health/ready"), (answer.json?["checks"] as? [String: String])?["startup"] == "ok" {
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw Unexpected(description: "the user service did not finish its start-up steps within 120 s")
    }
}
