import Foundation
import GameMetricsKit
import GameMetricsPostgres
import GameMetricsTesting
import Logging
import PostgresNIO
import Testing

/// PostgresNIO does not end a running statement when its task is cancelled, so a store stuck on
/// a lock must be ended by the server: `withTimedTransaction` sets its statement timeout.
@Suite("statements that end on their own")
struct TimedTransactionTests {
    @Test("a timed transaction waiting on a lock fails after its statement timeout and rolls back, and the client goes on working")
    func lockWaitEndsAtTheStatementTimeout() async throws {
        let logger = Logger(label: "timed-statements")
        let configuration = try PostgresClient.Configuration(url: URL(string: try TestServers.value("GM_TEST_PG_URL"))!)
        let table = "timed_test_\(UUID().uuidString.prefix(8).lowercased())"
        try await PostgresClient.withShortLivedClient(configuration, logger: logger) { client in
            _ = try await client.query(PostgresQuery(unsafeSQL: "CREATE TABLE \(table) (id int)"), logger: logger)
            try await client.withConnection { holder in
                try await holder.query("BEGIN", logger: logger)
                try await holder.query(PostgresQuery(unsafeSQL: "LOCK TABLE \(table) IN ACCESS EXCLUSIVE MODE"), logger: logger)
                // Ended by the statement timeout (57014 query_canceled), not by anything else;
                // how long that took on a loaded machine is not the point.
                let error = await #expect(throws: PSQLError.self) {
                    try await client.withTimedTransaction(statementTimeout: .seconds(1), logger: logger) { connection in
                        try await connection.query(PostgresQuery(unsafeSQL: "INSERT INTO \(table) VALUES (1)"), logger: logger)
                    }
                }
                #expect(error?.serverInfo?[.sqlState] == "57014", "\(String(describing: error))")
                try await holder.query("ROLLBACK", logger: logger)
            }
            let rows = try await client.query(PostgresQuery(unsafeSQL: "SELECT count(*)::bigint FROM \(table)"), logger: logger)
                .collect().first?.decode(Int64.self)
            #expect(rows == 0)
            _ = try await client.query(PostgresQuery(unsafeSQL: "DROP TABLE \(table)"), logger: logger)
        }
    }

    @Test("a timed transaction whose connection the server terminates fails instead of waiting, and the client goes on working")
    func terminatedConnectionEndsTheTransaction() async throws {
        let logger = Logger(label: "timed-statements")
        let configuration = try PostgresClient.Configuration(url: URL(string: try TestServers.value("GM_TEST_PG_URL"))!)
        try await PostgresClient.withShortLivedClient(configuration, logger: logger) { client in
            // What a restart of the server does to a store in flight: the backend goes away mid-transaction.
            // A transaction that never ends is the defect; 60 s is only the test's patience.
            let ended = await Self.outcome(within: .seconds(60)) {
                try await client.withTimedTransaction(statementTimeout: .seconds(5), logger: logger) { connection in
                    _ = try await connection.query("SELECT pg_terminate_backend(pg_backend_pid())", logger: logger)
                }
            }
            #expect(ended == .failed, "the transaction on the terminated connection: \(ended)")
            // Going on working: the pool may still hold the terminated connection for the next
            // lease (a fresh-clone CI run saw that query fail), but it must replace it at once.
            var answers: [String] = []
            for _ in 1...3 where answers.last != "1" {
                do {
                    let one = try await client.query("SELECT 1::bigint", logger: logger).collect().first?.decode(Int64.self)
                    answers.append(one.map(String.init) ?? "no row")
                } catch {
                    answers.append(String(reflecting: error))
                }
            }
            #expect(answers.last == "1", "the queries after the termination: \(answers)")
        }
    }

    @Test("a read-only pool's connections refuse writes, end a slow statement at its timeout and use no parallel workers, with no transaction around them")
    func readOnlyPoolBoundsEveryStatement() async throws {
        let logger = Logger(label: "timed-statements")
        let environment = EnvironmentReader(["GM_PG_URL": try TestServers.value("GM_TEST_PG_URL")])
        let pool = try PostgresRequirement.readOnlyPostgres(statementTimeout: .milliseconds(300), maximumConnections: 2)
            .makeClient(environment: environment, clientID: "read-pool-test", logger: logger).client
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await pool.run() }
            defer { group.cancelAll() }
            let write = await #expect(throws: PSQLError.self) {
                // Collected: PostgresNIO reports an error of the execution while the rows are read.
                _ = try await pool.query("CREATE TABLE read_pool_probe (id int)", logger: logger).collect()
            }
            #expect(write?.serverInfo?[.sqlState] == "25006", "read_only_sql_transaction: \(String(describing: write))")
            let slow = await #expect(throws: PSQLError.self) {
                _ = try await pool.query("SELECT pg_sleep(10)", logger: logger).collect()
            }
            #expect(slow?.serverInfo?[.sqlState] == "57014", "query_canceled by statement_timeout: \(String(describing: slow))")
            let workers = try await pool.query("SELECT current_setting('max_parallel_workers_per_gather')", logger: logger).collect().first?.decode(String.self)
            #expect(workers == "0", "no parallel workers for short reads")
        }
    }

    enum Outcome: Equatable, CustomStringConvertible {
        case succeeded, failed, stillWaiting
        var description: String {
            switch self {
            case .succeeded: "succeeded"
            case .failed: "failed"
            case .stillWaiting: "still waiting"
            }
        }
    }

    /// How `work` ended, or `.stillWaiting` after `limit`. Test-only: a call that never returns
    /// is left behind in its unstructured task so that the test fails instead of hanging.
    static func outcome(within limit: Duration, _ work: @escaping @Sendable () async throws -> Void) async -> Outcome {
        let (answers, answer) = AsyncStream<Outcome>.makeStream()
        let attempt = Task {
            do {
                try await work()
                answer.yield(.succeeded)
            } catch {
                answer.yield(.failed)
            }
        }
        let timer = Task {
            try? await Task.sleep(for: limit)
            answer.yield(.stillWaiting)
        }
        defer { timer.cancel() }
        _ = attempt
        for await first in answers { return first }
        return .stillWaiting
    }
}
