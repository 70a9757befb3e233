import Foundation
import GameMetricsKit
import Hummingbird
import HummingbirdTesting
import Testing

/// What every service promises the platform (DESIGN.md, "Every service"), as a reusable check for
/// the services' own test suites.
public enum PlatformContract {
    /// Every dependency variable a service may read, each pointing at a closed loopback port.
    public static let unreachableDependencies = EnvironmentReader([
        "GM_KAFKA_BOOTSTRAP": "127.0.0.1:1",
        "GM_PG_URL": "postgres://gm:unused@127.0.0.1:1/gamemetrics",
        "GM_REDIS_URL": "redis://127.0.0.1:1/0",
        "GM_S3_ENDPOINT": "http://127.0.0.1:1",
        "GM_S3_ACCESS_KEY": "unused",
        "GM_S3_SECRET_KEY": "unused",
        "GM_S3_BUCKET": "gm-archive",
        "GM_USER_URL": "http://127.0.0.1:1",
        "GM_PLATFORM_CLIENT_ID": "unused",
        "GM_PLATFORM_CLIENT_SECRET": "unused",
        "GM_ANALYTICS_API_URL": "http://127.0.0.1:1",
        "GM_ERASURE_SUBJECT_KEY": PlatformContract.testErasureSubjectKey,
    ].merging(auditLog) { $1 })

    /// The user service's audit-log settings for tests that do not look at anchoring: a test key
    /// (never a real one) and an anchor bucket behind a closed port (anchoring fails and retries).
    public static let auditLog = [
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
    public static func expectLiveButNotReady(
        _ application: some ApplicationProtocol, naming dependencies: [String], ownChecks: [String] = [],
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        try await application.test(.router) { client in
            try await client.execute(uri: "/health/live", method: .get) { response in
                #expect(response.status == .ok, sourceLocation: sourceLocation)
            }
            try await client.execute(uri: "/health/ready", method: .get) { response in
                #expect(response.status == .serviceUnavailable, sourceLocation: sourceLocation)
                let report = try JSONDecoder().decode(HealthReport.self, from: Data(buffer: response.body))
                #expect(report.checks.keys.sorted() == (dependencies + ownChecks).sorted(), sourceLocation: sourceLocation)
                #expect(dependencies.allSatisfy { report.checks[$0]?.hasPrefix("error") == true }, sourceLocation: sourceLocation)
                #expect(ownChecks.allSatisfy { report.checks[$0] == "ok" }, sourceLocation: sourceLocation)
            }
        }
    }
}
