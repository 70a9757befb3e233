import Foundation
import GameMetricsHTTP
import GameMetricsKit
import GameMetricsService
import GameMetricsTesting
import Hummingbird
import Logging
import PostgresNIO
import ServiceLifecycle
import Synchronization
import Testing

/// A client runs before anything uses it: PostgresNIO warns "Trying to lease connection from
/// `PostgresClient`, but `PostgresClient.run()` hasn't been called yet" whenever a query comes
/// first, which is a start in the wrong order (the query then waits for the run by luck).
@Suite("clients start before their users")
struct ClientStartOrderTests {
    static let notRunning = "hasn't been called yet"

    @Test("a short-lived PostgreSQL client runs before its work leases a connection")
    func shortLivedClientRunsFirst() async throws {
        let recorder = MigrationLogRecorder()
        let configuration = try PostgresClient.Configuration(url: URL(string: try TestServers.value("GM_TEST_PG_URL"))!)
        for _ in 0..<30 {
            try await PostgresClient.withShortLivedClient(configuration, logger: recorder.logger(label: "short-lived")) { client in
                _ = try await client.query("SELECT 1", logger: Logger(label: "short-lived")).collect()
            }
        }
        let warnings = recorder.recorded.filter { $0.contains(Self.notRunning) }
        // PostgresNIO gives no signal that run() has begun: the client's task opens a gate just
        // before calling it, and a waiter woken on another core can, on a loaded machine, still
        // lease in the instructions between. Before the gate 29 of 30 queries came first; a
        // loaded fresh-clone CI run saw 4 with the gate. The defect is "most come first".
        #expect(warnings.count <= 10, "\(warnings.count) of 30 queries came before the client ran")
    }

    @Test("a service application runs its clients before the services and start-up steps that use them")
    func applicationStartsClientsFirst() async throws {
        let recorder = MigrationLogRecorder()
        let url = URL(string: try TestServers.value("GM_TEST_PG_URL"))!
        for _ in 0..<10 {
            let client = PostgresClient(configuration: try PostgresClient.Configuration(url: url), backgroundLogger: recorder.logger(label: "app"))
            let logger = Logger(label: "client-start-order")
            let queried = QueryingService(client: client)
            let application = ServiceApplication.build(
                ServiceConfiguration(name: "start-order", port: 0, internalPort: 0, logLevel: .warning), checks: [],
                services: [client, queried], logger: logger,
                startupSteps: [StartupStep("query") { _ = try await client.query("SELECT 1", logger: logger).collect() }])
            try await withRunningServices([application], logger: logger) {
                await queried.done.wait()
            }
        }
        let warnings = recorder.recorded.filter { $0.contains(Self.notRunning) }
        #expect(warnings.isEmpty, "\(warnings.count) queries came before the client ran")
    }
}

/// A service that queries the database as soon as it runs, then waits for shutdown.
private struct QueryingService: Service {
    let client: PostgresClient
    let done = Flag()

    func run() async throws {
        _ = try await client.query("SELECT 1", logger: Logger(label: "querying-service")).collect()
        done.raise()
        try? await gracefulShutdown()
    }
}

/// Raised once; `wait` returns once it is.
private final class Flag: Sendable {
    private let raised = Atomic(false)

    func raise() { raised.store(true, ordering: .releasing) }

    func wait() async {
        while !raised.load(ordering: .acquiring) {
            try? await Task.sleep(for: .milliseconds(10))
        }
    }
}
