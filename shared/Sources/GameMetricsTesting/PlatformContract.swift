import Foundation
import GameMetricsKit
import Hummingbird
import HummingbirdTesting
import Testing

/// What every service promises the platform (DESIGN.md, "Every service"), as a reusable check for
/// the services' own test suites.
public enum PlatformContract {
    /// The write-key MAC secret tests give the user service and ingestion (never a real one).
    public static let writeKeyMACSecret = "test-write-key-mac-secret-0123456789abcdef"

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
        "GM_WRITE_KEY_MAC_SECRET": writeKeyMACSecret,
    ])

    /// The application answers liveness, and readiness answers 503 naming exactly `dependencies`,
    /// each with an error, when none of them answers.
    public static func expectLiveButNotReady(
        _ application: some ApplicationProtocol, naming dependencies: [String],
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        try await application.test(.router) { client in
            try await client.execute(uri: "/health/live", method: .get) { response in
                #expect(response.status == .ok, sourceLocation: sourceLocation)
            }
            try await client.execute(uri: "/health/ready", method: .get) { response in
                #expect(response.status == .serviceUnavailable, sourceLocation: sourceLocation)
                let report = try JSONDecoder().decode(HealthReport.self, from: Data(buffer: response.body))
                #expect(report.checks.keys.sorted() == dependencies.sorted(), sourceLocation: sourceLocation)
                #expect(report.checks.values.allSatisfy { $0.hasPrefix("error") }, sourceLocation: sourceLocation)
            }
        }
    }
}
