import Logging
import PostgresNIO

extension PostgresClient {
    /// A transaction whose statements PostgreSQL itself ends after `statementTimeout` each
    /// (`statement_timeout`, local to the transaction): a statement waiting on a lock or
    /// running away fails with SQLSTATE 57014 and the transaction rolls back. PostgresNIO does
    /// not end a running statement when its task is cancelled, and closing the connection
    /// instead crashes PostgresNIO 1.33 when it lands mid-COPY (a precondition in its state
    /// machine), so the server enforces the limit.
    public func withTimedTransaction<T: Sendable>(
        statementTimeout: Duration, logger: Logger, isolation: isolated (any Actor)? = #isolation,
        _ work: (PostgresConnection) async throws -> sending T
    ) async throws -> sending T {
        let milliseconds = String(max(1, statementTimeout.components.seconds * 1000 + statementTimeout.components.attoseconds / 1_000_000_000_000_000))
        return try await withTransaction(logger: logger, isolation: isolation) { connection in
            try await connection.query("SELECT set_config('statement_timeout', \(milliseconds), true)", logger: logger)
            return try await work(connection)
        }
    }
}
