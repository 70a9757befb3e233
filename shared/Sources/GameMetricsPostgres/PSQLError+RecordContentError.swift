import GameMetricsService
import PostgresNIO

/// PostgreSQL's data exceptions (SQLSTATE class 22, e.g. a value out of range or a NUL byte) and
/// integrity violations (class 23, e.g. a CHECK constraint) depend only on the data sent, so they
/// fail the same way on every retry: the consumer dead-letters the record (`RecordRejection`).
extension PSQLError: RecordContentError {
    public var recordRejectionReason: String? {
        guard let state = serverInfo?[.sqlState], state.hasPrefix("22") || state.hasPrefix("23") else { return nil }
        return "the database refused the record (SQLSTATE \(state)): \(serverInfo?[.message] ?? "no message")"
    }
}
