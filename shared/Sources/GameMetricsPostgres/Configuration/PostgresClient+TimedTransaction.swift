import Logging
import PostgresNIO

extension PostgresClient {
    /// A transaction whose statements PostgreSQL itself ends after `statementTimeout` each
    /// (`statement_timeout`, local to the transaction): a statement waiting on a lock or
    /// running away fails with SQLSTATE 57014 and the transaction rolls back. PostgresNIO does
    /// not end a running statement when its task is cancelled, and closing the connection
    /// instead crashes PostgresNIO 1.33 when it lands mid-COPY (a precondition in its state
    /// machine), so the server enforces the limit. Like
    /// ``withTransactionEndingWithConnection(logger:isolation:_:)``, it ends when the server
    /// closes the connection.
    public func withTimedTransaction<T: Sendable>(
        statementTimeout: Duration, logger: Logger, isolation: isolated (any Actor)? = #isolation,
        _ work: (PostgresConnection) async throws -> sending T
    ) async throws -> sending T {
        let milliseconds = statementTimeout.statementTimeoutSetting
        return try await withTransactionEndingWithConnection(logger: logger, isolation: isolation) { connection in
            _ = try await connection.answeredStatement("SELECT set_config('statement_timeout', \(milliseconds), true)", logger: logger)
            return try await work(connection)
        }
    }

    /// PostgresNIO's `withTransaction`, except that it ends when the server closes the
    /// connection (a restart, a terminated backend) instead of waiting for good: BEGIN, COMMIT
    /// and ROLLBACK go through ``PostgresNIO/PostgresConnection/answeredStatement(_:logger:)``,
    /// and no ROLLBACK reaches a closed connection (the server has rolled back). `work` sends
    /// its own statements the same way. Errors are thrown as they are, not wrapped.
    public func withTransactionEndingWithConnection<T: Sendable>(
        logger: Logger, isolation: isolated (any Actor)? = #isolation, _ work: (PostgresConnection) async throws -> sending T
    ) async throws -> sending T {
        try await withConnection(isolation: isolation) { connection in
            _ = try await connection.answeredStatement("BEGIN", logger: logger)
            let value: T
            do {
                value = try await work(connection)
            } catch {
                // The caller needs the work's error; a connection left in a failed transaction
                // fails its next statement and is replaced by the pool.
                _ = try? await connection.answeredStatement("ROLLBACK", logger: logger)
                throw error
            }
            _ = try await connection.answeredStatement("COMMIT", logger: logger)
            return value
        }
    }
}
