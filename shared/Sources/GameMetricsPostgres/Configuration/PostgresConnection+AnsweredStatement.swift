import Logging
import NIOCore
import PostgresNIO

extension PostgresConnection {
    /// Runs `query` and collects its rows, or fails with ``PostgresConnectionClosed`` when the
    /// connection is closed already. PostgresNIO 1.33 writes a statement without a promise, and
    /// once the connection is closed its handler has left the channel: a statement written then
    /// is never answered and its caller waits for good (seen after the server terminated a
    /// backend mid-transaction). The check and the write happen together on the connection's
    /// event loop, where the connection closes, so no statement can slip in between.
    public func answeredStatement(_ query: PostgresQuery, logger: Logger) async throws -> PostgresQueryResult {
        try await eventLoop.flatSubmit { [self] () -> EventLoopFuture<PostgresQueryResult> in
            guard !isClosed else { return eventLoop.makeFailedFuture(PostgresConnectionClosed()) }
            return self.query(query, logger: logger)
        }.get()
    }
}

/// A statement was not sent because its connection had closed (the server rolled back the
/// transaction on it, if any).
public struct PostgresConnectionClosed: Error, CustomStringConvertible {
    public init() {}
    public var description: String { "the PostgreSQL connection is closed" }
}
