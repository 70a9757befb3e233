import Foundation
import GameMetricsHTTP
import GameMetricsPostgres
import GameMetricsTesting
import Logging
import PostgresNIO
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
        let process = try ServiceProcess.start(
            executable,
            environment: PlatformContract.unreachableDependencyVariables.merging([
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

    @Test("a database migrated by a newer version: the start-up step fails for good, the process exits non-zero and is never ready")
    func unknownMigrationStopsTheService() async throws {
        let executable = try TestServers.value("GM_TEST_USER_BIN")
        try await TestDatabase.withFresh { url in
            let migrate = try await ChildProcess.run(executable, ["migrate"], environment: [MigrateCommand.variable: url])
            try #require(migrate.status == 0, "user migrate: \(migrate.output)")
            // A version this code does not know: a newer deployment migrated the database.
            try await PostgresClient.withShortLivedClient(try PostgresClient.Configuration(url: URL(string: url)!), logger: Logger(label: "startup-tests")) {
                try await $0.query(
                    "INSERT INTO user_schema_migrations (version, name, checksum, duration_ms) VALUES (9999, 'from_the_future', 'x', 0)",
                    logger: Logger(label: "startup-tests"))
            }
            let port = try PlatformContract.freeLoopbackPort()
            let process = try ServiceProcess.start(
                executable,
                environment: PlatformContract.unreachableDependencyVariables.merging([
                    "GM_PG_URL": url, "GM_HTTP_HOST": "127.0.0.1", "GM_HTTP_PORT": String(port),
                    "GM_INTERNAL_HTTP_PORT": String(try PlatformContract.freeLoopbackPort()),
                ]) { $1 })
            defer { process.kill() }
            var readiness: [Int] = []
            let deadline = ContinuousClock.now + .seconds(30)
            while process.isRunning, ContinuousClock.now < deadline {
                if let status = try? await PlatformContract.get("http://127.0.0.1:\(port)/health/ready").status { readiness.append(status) }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(try await process.waitForExit(within: .seconds(1)) != nil, "still running 30 s after start")
            #expect(process.exitStatus.map { $0 != 0 } == true, "exit status: \(String(describing: process.exitStatus))")
            #expect(!readiness.contains(200), "readiness answered 200: \(readiness)")
        }
    }
}
