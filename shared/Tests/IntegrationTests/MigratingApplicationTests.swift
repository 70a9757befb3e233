import GameMetricsPostgres
import GameMetricsService
import Hummingbird
import Logging
import PostgresNIO
import Testing

/// How services wire migrations (`beforeServerStarts`, as `ServiceApplication.build` does): they
/// run while the PostgresClient service runs, and finish before the HTTP server starts.
@Suite("Migrating application")
struct MigratingApplicationTests {
    static let migrations = [
        Migration(version: 1, name: "create_sessions", statements: ["CREATE TABLE sessions (id uuid PRIMARY KEY)"]),
        Migration(version: 2, name: "create_devices", statements: ["CREATE TABLE devices (id uuid PRIMARY KEY)"]),
    ]

    @Test("the schema is migrated by the time the HTTP server runs")
    func migratesBeforeServing() async throws {
        try await MigrationTestDatabase.with { database in
            let client = try database.client()
            let logger = Logger(label: "migrating-application-tests")
            let (started, didStart) = AsyncStream<[Int]>.makeStream()
            var app = Application(
                router: Router(),
                configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                services: [client],
                onServerRunning: { _ in
                    didStart.yield((try? await database.recordedVersions(client)) ?? [])
                    didStart.finish()
                },
                logger: logger
            )
            let runner = MigrationRunner(client: client, migrations: Self.migrations, logger: logger)
            app.beforeServerStarts { _ = try await runner.migrate() }

            // Ends the stream if the application stops without ever serving, so the test cannot hang.
            let running = Task {
                defer { didStart.finish() }
                try await app.run()
            }
            let versionsWhenServing = await started.first { _ in true }
            running.cancel()
            _ = await running.result
            #expect(versionsWhenServing == [1, 2])
        }
    }

    @Test("a failing migration stops the application before it serves")
    func failingMigrationStopsTheApplication() async throws {
        try await MigrationTestDatabase.with { database in
            let client = try database.client()
            let logger = Logger(label: "migrating-application-tests")
            let broken = Self.migrations + [Migration(version: 3, name: "broken", statements: ["CREATE TABLE sessions (id int)"])]
            let (served, didServe) = AsyncStream<Void>.makeStream()
            var app = Application(
                router: Router(),
                configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                services: [client],
                onServerRunning: { _ in didServe.yield() },
                logger: logger
            )
            let runner = MigrationRunner(client: client, migrations: broken, logger: logger)
            app.beforeServerStarts { _ = try await runner.migrate() }

            let error = await #expect(throws: MigrationError.self) { try await app.run() }
            guard case .statementFailed(version: 3, name: "broken", statementIndex: 0, _) = error else {
                Issue.record("expected statementFailed for version 3, got \(String(describing: error))")
                return
            }
            didServe.finish()
            var servedAtAll = false
            for await _ in served { servedAtAll = true }
            #expect(!servedAtAll)
        }
    }
}
