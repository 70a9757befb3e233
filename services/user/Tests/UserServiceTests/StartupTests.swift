import Foundation
import GameMetricsHTTP
import GameMetricsTesting
import Testing

/// The user service's start-up steps (the schema check and loading the signing keys) need
/// PostgreSQL. While they wait for it the process must still be an honest, controllable member
/// of the platform: live, not ready (naming why), and stopped cleanly by SIGTERM — an
/// orchestrator restarts a process that does not answer liveness, and reads a non-zero exit
/// after SIGTERM as a crash.
@Suite("the user service is live while its start-up steps wait for PostgreSQL, and stops cleanly")
struct StartupTests {
    static let grace = Duration.seconds(5)

    @Test("with PostgreSQL unreachable: live at once, not ready naming start-up, SIGTERM exits 0 within the grace period")
    func liveAndStoppableWhileWaitingForPostgres() async throws {
        let executable = try TestServers.value("GM_TEST_USER_BIN")
        let port = try PlatformContract.freeLoopbackPort(), internalPort = try PlatformContract.freeLoopbackPort()
        let process = try ServiceProcess.start(executable, environment: PlatformContract.unreachableEnvironment.merging([
            "GM_HTTP_HOST": "127.0.0.1", "GM_HTTP_PORT": String(port), "GM_INTERNAL_HTTP_PORT": String(internalPort),
            "GM_SHUTDOWN_GRACE_MS": String(Self.grace.components.seconds * 1000),
        ]) { $1 })
        defer { process.kill() }
        let base = "http://127.0.0.1:\(port)"

        try await eventually(.seconds(5), every: .milliseconds(50)) {
            (try? await PlatformContract.get("\(base)/health/live"))?.status == 200
        }
        #expect((try? await PlatformContract.get("http://127.0.0.1:\(internalPort)/metrics"))?.status == 200)

        let ready = try await PlatformContract.get("\(base)/health/ready")
        #expect(ready.status == 503)
        let report = try JSONDecoder().decode(HealthReport.self, from: Data(ready.body.utf8))
        let startup = try #require(report.checks["startup"], "readiness names no start-up check: \(ready.body)")
        #expect(startup.hasPrefix("error") && startup.contains("schema"), "start-up check: \(startup)")

        // A route that needs the steps answers a clear 503 (retry later), not a 500 or a hang.
        let jwks = try await PlatformContract.get("\(base)/.well-known/jwks.json")
        #expect(jwks.status == 503, "GET /.well-known/jwks.json during start-up: \(jwks.status) \(jwks.body)")
        #expect(jwks.body.contains(#""code":"starting""#), "\(jwks.body)")

        process.terminate()
        let took = try await process.waitForExit(within: Self.grace)
        #expect(took != nil, "still running \(Self.grace) after SIGTERM")
        #expect(process.exitStatus == 0, "exit status after SIGTERM: \(String(describing: process.exitStatus))")
    }
}
