import Logging
import PostgresNIO

extension PostgresConnection {
    /// Runs `work` on this connection and closes the connection if the task is cancelled
    /// meanwhile. PostgresNIO does not end a running statement when its task is cancelled: one
    /// waiting for a lock, or on a server that went away, would keep its task (and a timeout or
    /// a shutdown waiting for it) for as long as it waits. Closed, the statement fails at once,
    /// the server rolls the transaction back, and the pool replaces the connection.
    public func closingOnCancel<T: Sendable>(_ work: () async throws -> T) async throws -> T {
        try await withTaskCancellationHandler {
            try await work()
        } onCancel: {
            let closed: EventLoopFuture<Void> = self.close()
            _ = closed
        }
    }
}

extension PostgresClient {
    /// A transaction whose connection is closed when the task is cancelled
    /// (``PostgresNIO/PostgresConnection/closingOnCancel(_:)``): for work under a time limit or
    /// a shutdown's deadline, which must end when cancelled. Like `withTransaction`, except
    /// that it sends no ROLLBACK on a connection the cancellation closed (the server rolled
    /// back already, and a statement written to a closed connection is never answered).
    public func withTransactionClosingOnCancel<T: Sendable>(
        logger: Logger, isolation: isolated (any Actor)? = #isolation, _ work: (PostgresConnection) async throws -> sending T
    ) async throws -> sending T {
        try await withConnection(isolation: isolation) { connection in
            try await withTaskCancellationHandler {
                try await connection.query("BEGIN;", logger: logger)
                do {
                    let value = try await work(connection)
                    try await connection.query("COMMIT;", logger: logger)
                    return value
                } catch {
                    if !connection.isClosed && !Task.isCancelled {
                        _ = try? await connection.query("ROLLBACK;", logger: logger)
                    }
                    throw error
                }
            } onCancel: {
                let closed: EventLoopFuture<Void> = connection.close()
                _ = closed
            }
        }
    }
}
