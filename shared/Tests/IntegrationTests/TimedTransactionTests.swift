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
                let started = ContinuousClock.now
                await #expect(throws: (any Error).self) {
                    try await client.withTimedTransaction(statementTimeout: .seconds(1), logger: logger) { connection in
                        try await connection.query(PostgresQuery(unsafeSQL: "INSERT INTO \(table) VALUES (1)"), logger: logger)
                    }
                }
                let took = ContinuousClock.now - started
                #expect(took < .seconds(5), "the statement waiting on the lock took \(took) to end")
                try await holder.query("ROLLBACK", logger: logger)
            }
            let rows = try await client.query(PostgresQuery(unsafeSQL: "SELECT count(*)::bigint FROM \(table)"), logger: logger)
                .collect().first?.decode(Int64.self)
            #expect(rows == 0)
            _ = try await client.query(PostgresQuery(unsafeSQL: "DROP TABLE \(table)"), logger: logger)
        }
    }
}
