import PostgresNIO

/// A record that can never be handled as it is, however often it is tried: its consumer
/// dead-letters it (see `DeadLetterQueue`) instead of retrying. Handlers throw it for what they
/// find wrong themselves; ``init(_:)`` also recognises the store refusing the record's content.
public struct RecordRejection: Error, Sendable, CustomStringConvertible {
    public let reason: String

    public init(reason: String) {
        self.reason = reason
    }

    public var description: String { reason }

    /// The rejection `error` amounts to, or nil for an error worth retrying (a broker or a
    /// database that is down, a timeout). PostgreSQL's data exceptions (SQLSTATE class 22, e.g.
    /// a value out of range or a NUL byte) and integrity violations (class 23, e.g. a CHECK
    /// constraint) depend only on the data sent, so they fail the same way on every retry.
    public init?(_ error: any Error) {
        if let rejection = error as? RecordRejection {
            self = rejection
            return
        }
        guard let database = error as? PSQLError, let state = database.serverInfo?[.sqlState],
              state.hasPrefix("22") || state.hasPrefix("23")
        else { return nil }
        reason = "the database refused the record (SQLSTATE \(state)): \(database.serverInfo?[.message] ?? "no message")"
    }
}
