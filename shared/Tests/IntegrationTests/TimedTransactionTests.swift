import Foundation
import GameMetricsKit
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
