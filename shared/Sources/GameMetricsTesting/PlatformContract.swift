import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
import CurlHTTP
import GameMetricsHTTP
import GameMetricsKit
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
#if canImport(Glibc)
    import Glibc
#endif

/// What every service promises the platform (docs/architecture.md#every-service), as a reusable check for
/// the services' own test suites.
public enum PlatformContract {
    /// The write-key MAC secret tests give the user service and ingestion (never a real one).
    public static let writeKeyMACSecret = "test-write-key-mac-secret-0123456789abcdef"

    /// Every dependency variable a service may read, each pointing at a closed loopback port.
    public static let unreachableDependencies = EnvironmentReader(unreachableDependencyVariables)

    /// ``unreachableDependencies`` as variables, for a service run as a process of its own.
    public static let unreachableDependencyVariables = [
        "GM_KAFKA_BOOTSTRAP": "127.0.0.1:1",
        "GM_PG_URL": "postgres://gm:unused@127.0.0.1:1/gamemetrics",
        "GM_REDIS_URL": "redis://127.0.0.1:1/0",
        "GM_S3_ENDPOINT": "http://127.0.0.1:1",
        "GM_S3_ACCESS_KEY": "unused",
        "GM_S3_SECRET_KEY": "unused",
        "GM_S3_BUCKET": "gm-archive",
        "GM_USER_URL": "http://127.0.0.1:1",
        "GM_INGESTION_CLIENT_ID": "unused",
        "GM_INGESTION_CLIENT_SECRET": "unused",
        "GM_ANALYTICS_API_URL": "http://127.0.0.1:1",
        "GM_ANALYTICS_API_CLIENT_ID": "unused",
        "GM_ANALYTICS_API_CLIENT_SECRET": "unused",
        "GM_ERASURE_SUBJECT_KEY": PlatformContract.testErasureSubjectKey,
        "GM_NOTIFICATION_SMTP_URL": "smtp://127.0.0.1:1",
        "GM_NOTIFICATION_SECRET_KEY": Data((0..<32).map { UInt8(truncatingIfNeeded: 0x5A ^ $0) }).base64EncodedString(),
        // Router-mode tests still run the internal listener: any free port, never a fixed one.
        "GM_INTERNAL_HTTP_PORT": "0",
        "GM_WRITE_KEY_MAC_SECRET": writeKeyMACSecret,
    ].merging(auditLog) { $1 }

    /// The user service's secrets kept outside the database, for tests that do not look at them:
    /// a test audit chain key and signing-key encryption key (never real ones), and an anchor
    /// bucket behind a closed port (anchoring fails and retries).
    public static let auditLog = [
        "GM_SIGNING_KEY_ENCRYPTION_KEY": Data((0..<32).map { UInt8(truncatingIfNeeded: 0xA5 ^ $0) }).base64EncodedString(),
        "GM_AUDIT_HMAC_KEY": "test-audit-chain-key-0123456789abcdef",
        "GM_AUDIT_ANCHOR_S3_ENDPOINT": "http://127.0.0.1:1",
        "GM_AUDIT_ANCHOR_S3_ACCESS_KEY": "unused",
        "GM_AUDIT_ANCHOR_S3_SECRET_KEY": "unused",
        "GM_AUDIT_ANCHOR_S3_BUCKET": "gm-audit-anchors",
    ]

    /// A fixed `GM_ERASURE_SUBJECT_KEY` for tests (32 bytes, base64).
    public static let testErasureSubjectKey = Data((0..<32).map { UInt8($0) }).base64EncodedString()

    /// The application answers liveness, and readiness answers 503 naming exactly `dependencies`,
    /// each with an error, when none of them answers. `ownChecks` are checks of the service's own
    /// state (not dependencies), reported too but fine while nothing has been tried.
    /// `unpreparedConsumers` are Kafka consumers' checks, which fail, saying so, until the
    /// consumer has prepared (migrated its schema): nothing can have prepared here.
    public static func expectLiveButNotReady(
        _ application: some ApplicationProtocol, naming dependencies: [String], ownChecks: [String] = [], unpreparedConsumers: [String] = [],
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        try await application.test(.router) { client in
            try await client.execute(uri: "/health/live", method: .get) { response in
                #expect(response.status == .ok, sourceLocation: sourceLocation)
            }
            try await client.execute(uri: "/health/ready", method: .get) { response in
                #expect(response.status == .serviceUnavailable, sourceLocation: sourceLocation)
                let report = try JSONDecoder().decode(HealthReport.self, from: Data(buffer: response.body))
                #expect(report.checks.keys.sorted() == (dependencies + ownChecks + unpreparedConsumers).sorted(), sourceLocation: sourceLocation)
                #expect(dependencies.allSatisfy { report.checks[$0]?.hasPrefix("error") == true }, sourceLocation: sourceLocation)
                #expect(ownChecks.allSatisfy { report.checks[$0] == "ok" }, sourceLocation: sourceLocation)
                #expect(
                    unpreparedConsumers.allSatisfy { report.checks[$0]?.hasPrefix("error: not prepared yet") == true }, "\(report.checks)",
                    sourceLocation: sourceLocation)
            }
        }
    }

    /// `/metrics` and the service's other operator-only `paths` answer 404 on the public port
    /// and are served on the internal one (`GM_INTERNAL_HTTP_PORT`), where Prometheus scrapes.
    /// The application is built by `build` from `environment` plus the two ports, and runs live.
    /// `publicPaths` are GET routes of the service's own API: served on the public port (not 404)
    /// and not on the internal one.
    public static func expectOperatorEndpointsOnlyOnInternalPort<App: ApplicationProtocol>(
        environment: EnvironmentReader = unreachableDependencies, operatorPaths: [String] = [], publicPaths: [String] = [],
        sourceLocation: SourceLocation = #_sourceLocation,
        build: (EnvironmentReader) throws -> App
    ) async throws {
        let internalPort = try freeLoopbackPort()
        let application = try build(
            environment.merging([
                "GM_HTTP_HOST": "127.0.0.1", "GM_HTTP_PORT": "0", "GM_INTERNAL_HTTP_PORT": String(internalPort),
                // The live test client keeps one connection and does not reconnect: a wait for the
                // internal listener longer than the idle timeout (seen in a loaded `make test`) closed
                // it under the public requests that follow ("I/O on closed channel").
                "GM_HTTP_IDLE_TIMEOUT_MS": "600000",
            ]))
        try await application.test(.live) { client in
            for path in ["/metrics"] + operatorPaths {
                try await client.execute(uri: path, method: .get) { response in
                    #expect(response.status == .notFound, "public port: GET \(path)", sourceLocation: sourceLocation)
                }
            }
            // The public 404s above are counted in gm_http_requests_total. The internal listener is
            // a service of its own, started beside the public one: wait until it answers.
            try await eventually(.seconds(30), sourceLocation: sourceLocation) {
                (try? await get("http://127.0.0.1:\(internalPort)/metrics"))?.status == 200
            }
            let metrics = try await get("http://127.0.0.1:\(internalPort)/metrics")
            #expect(metrics.status == 200, "internal port: GET /metrics", sourceLocation: sourceLocation)
            #expect(metrics.body.contains("gm_http_requests_total"), sourceLocation: sourceLocation)
            for path in operatorPaths {
                let answer = try await get("http://127.0.0.1:\(internalPort)\(path)")
                #expect(answer.status != 404, "internal port: GET \(path) answered \(answer.status)", sourceLocation: sourceLocation)
            }
            for path in publicPaths {
                try await client.execute(uri: path, method: .get) { response in
                    #expect(response.status != .notFound, "public port: GET \(path)", sourceLocation: sourceLocation)
                }
                #expect(try await get("http://127.0.0.1:\(internalPort)\(path)").status == 404, "internal port: GET \(path)", sourceLocation: sourceLocation)
            }
        }
    }

    /// The whole platform contract of a service with no API of its own yet, as one check: live,
    /// and not ready naming exactly `dependencies` while none of them answers
    /// (``expectLiveButNotReady(_:naming:ownChecks:sourceLocation:)``); `/metrics` on the
    /// internal port only (``expectOperatorEndpointsOnlyOnInternalPort(environment:operatorPaths:publicPaths:sourceLocation:build:)``);
    /// and its OpenAPI document matching what the server does (``APIContract``).
    /// `build` makes the service's application from an environment.
    /// `ownChecks` are the service's own checks, which must pass meanwhile; `unpreparedConsumers`
    /// its consumers' checks, which fail until they have prepared.
    public static func expectKept<App: ApplicationProtocol>(
        notReadyWhileUnanswered dependencies: [String], ownChecks: [String] = [], unpreparedConsumers: [String] = [],
        excludedContractChecks: [String] = [], sourceLocation: SourceLocation = #_sourceLocation, build: (EnvironmentReader) throws -> App
    ) async throws {
        try await expectLiveButNotReady(
            try build(unreachableDependencies), naming: dependencies, ownChecks: ownChecks, unpreparedConsumers: unpreparedConsumers,
            sourceLocation: sourceLocation)
        try await expectOperatorEndpointsOnlyOnInternalPort(sourceLocation: sourceLocation, build: build)
        let live = try build(unreachableDependencies.merging(["GM_HTTP_HOST": "127.0.0.1", "GM_HTTP_PORT": "0"]))
        try await APIContract.expectServerMatchesDocument(live, excludedChecks: excludedContractChecks, sourceLocation: sourceLocation)
    }

    /// A TCP port on 127.0.0.1 that was free a moment ago (bound to port 0, then released).
    public static func freeLoopbackPort() throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw PortUnavailable() }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(socket, pointer, length) == 0 && getsockname(socket, pointer, &length) == 0
            }
        }
        guard bound else { throw PortUnavailable() }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    struct PortUnavailable: Error {}

    /// Through our own libcurl client, whose timeout bounds the whole exchange: an awaited
    /// `URLSession.shared.data(for:)` once hung a full test run past its 10 s timeout.
    public static func get(_ url: String) async throws -> (status: Int, body: String) {
        let (response, body) = try await testHTTPClient.execute(HTTPRequest(method: .get, url: URL(string: url)!), timeout: .seconds(10))
        return (response.status.code, String(decoding: body, as: UTF8.self))
    }
}
