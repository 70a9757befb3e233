import Foundation
import GameMetricsHTTP
import GameMetricsPostgres
import GameMetricsService
import GameMetricsTesting
import Hummingbird
import HummingbirdTesting
import Logging
import PostgresNIO
import Testing

/// How services wire migrations: a start-up step of `ServiceApplication.build` (ADR 0023). It runs
/// while the PostgresClient service runs; the HTTP servers answer meanwhile, the service is
/// ready only once it has finished, and a migration that fails stops the service.
@Suite("Migrating application")
struct MigratingApplicationTests {
    static let migrations = [
        Migration(version: 1, name: "create_sessions", statements: ["CREATE TABLE sessions (id uuid PRIMARY KEY)"]),
        Migration(version: 2, name: "create_devices", statements: ["CREATE TABLE devices (id uuid PRIMARY KEY)"]),
    ]

    static func application(
        client: PostgresClient, migrations: [Migration], port: Int = 0, logger: Logger
    ) -> some ApplicationProtocol {
        let runner = MigrationRunner(client: client, migrations: migrations, logger: logger)
        return ServiceApplication.build(
            ServiceConfiguration(name: "migrating", port: port, internalPort: 0, logLevel: .warning),
            checks: [.postgres(client)], services: [client], logger: logger,
            startupSteps: [StartupStep("schema", retryingWhen: PostgresClient.isUnreachable) { _ = try await runner.migrate() }])
    }

    @Test("the schema is migrated by the time the service reports ready")
    func migratesBeforeReady() async throws {
        try await MigrationTestDatabase.with { database in
            let client = try database.client()
            let logger = Logger(label: "migrating-application-tests")
            try await Self.application(client: client, migrations: Self.migrations, logger: logger).test(.router) { client in
                try await client.waitUntilStarted()
                try await client.execute(uri: "/health/ready", method: .get) { #expect($0.status == .ok) }
            }
            let versions = try await database.withClient { try await database.recordedVersions($0) }
            #expect(versions == [1, 2])
        }
    }

    @Test("a failing migration stops the service on its own, with the step's error, and it is never ready")
    func failingMigrationStopsTheService() async throws {
        try await MigrationTestDatabase.with { database in
            let client = try database.client()
            let logger = Logger(label: "migrating-application-tests")
            let broken = Self.migrations + [Migration(version: 3, name: "broken", statements: ["CREATE TABLE sessions (id int)"])]
            let port = try PlatformContract.freeLoopbackPort()
            let application = Self.application(client: client, migrations: broken, port: port, logger: logger)
            // No shutdown is ever triggered: the run must end by itself. Meanwhile readiness is polled.
            let (runError, answers) = await withTaskGroup(of: RunOrPoll.self) { group in
                group.addTask {
                    do {
                        try await application.run()
                        return .ran(nil)
                    } catch {
                        return .ran(error)
                    }
                }
                group.addTask {
                    var answers: [Int] = []
                    while !Task.isCancelled {
                        if let status = try? await PlatformContract.get("http://127.0.0.1:\(port)/health/ready").status {
                            answers.append(status)
                        }
                        try? await Task.sleep(for: .milliseconds(20))
                    }
                    return .polled(answers)
                }
                var runError: (any Error)?, answers: [Int] = []
                for await result in group {
                    switch result {
                    case .ran(let error):
                        runError = error
                        group.cancelAll()
                    case .polled(let seen):
                        answers = seen
                    }
                }
                return (runError, answers)
            }
            let error = try #require(runError as? StartupStepFailed, "the run ended with \(String(describing: runError))")
            #expect(error.step == "schema")
            guard case .statementFailed(version: 3, name: "broken", statementIndex: 0, _)? = error.underlying as? MigrationError else {
                Issue.record("expected statementFailed for version 3, got \(String(describing: error))")
                return
            }
            #expect(!answers.contains(200), "readiness answered 200 before the failure: \(answers)")
        }
    }
}

/// What one task of the failing-migration test returns: the run's error, or the readiness answers.
private enum RunOrPoll: Sendable {
    case ran((any Error)?)
    case polled([Int])
}
