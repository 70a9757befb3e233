import Foundation
import GameMetricsKit
import GameMetricsTesting
import Logging
import PostgresNIO
import Testing

/// PostgresNIO does not end a running statement when its task is cancelled;
/// `withTransactionClosingOnCancel` must, so that `withTimeout` and a shutdown can end a store
/// that waits on a lock.
@Suite("statements that end when cancelled")
struct CancellableStatementTests {
    @Test("a transaction waiting on a lock ends with TimeoutExceeded when its time limit cancels it, and rolls back")
    func lockWaitEndsOnTimeout() async throws {
        let logger = Logger(label: "cancellable-statements")
        let configuration = try PostgresClient.Configuration(url: URL(string: try TestServers.value("GM_TEST_PG_URL"))!)
        let table = "cancel_test_\(UUID().uuidString.prefix(8).lowercased())"
        try await PostgresClient.withShortLivedClient(configuration, logger: logger) { client in
            _ = try await client.query(PostgresQuery(unsafeSQL: "CREATE TABLE \(table) (id int)"), logger: logger)
            try await client.withConnection { holder in
                try await holder.query("BEGIN", logger: logger)
                try await holder.query(PostgresQuery(unsafeSQL: "LOCK TABLE \(table) IN ACCESS EXCLUSIVE MODE"), logger: logger)
                let started = ContinuousClock.now
                await #expect(throws: TimeoutExceeded.self) {
                    try await withTimeout(.seconds(1)) {
                        try await client.withTransactionClosingOnCancel(logger: logger) { connection in
                            try await connection.query(PostgresQuery(unsafeSQL: "INSERT INTO \(table) VALUES (1)"), logger: logger)
                            try await connection.query("SELECT 1", logger: logger)
                        }
                    }
                }
                let took = ContinuousClock.now - started
                #expect(took < .seconds(5), "the cancelled statement took \(took) to end")
                try await holder.query("ROLLBACK", logger: logger)
            }
            // The client still works, and the cancelled insert left nothing.
            let rows = try await client.query(PostgresQuery(unsafeSQL: "SELECT count(*)::bigint FROM \(table)"), logger: logger)
                .collect().first?.decode(Int64.self)
            #expect(rows == 0)
            _ = try await client.query(PostgresQuery(unsafeSQL: "DROP TABLE \(table)"), logger: logger)
        }
    }
}
