import PostgresNIO

/// PostgreSQL's refusal of a write because of the data in it: storing the same rows again fails
/// the same way, so retrying cannot help and the rows must be set aside. SQLSTATE classes 22
/// (data exception: numeric overflow, invalid JSON, an impossible timestamp), 23 (integrity
/// constraint violation) and 54 (program limit exceeded, e.g. a value too large). Every other
/// failure (a lost connection, a missing table, a permission, a timeout) is about the database,
/// not the rows: it is retried and the processor reports itself not ready.
struct StoreRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    static let dataClasses: Set<Substring> = ["22", "23", "54"]

    var sqlState: String
    var message: String

    /// The refusal inside `error` (possibly wrapped by a transaction), or nil when the failure
    /// is not the data's.
    init?(_ error: any Error) {
        switch error {
        case let refusal as StoreRefusal:
            self = refusal
        case let transaction as PostgresTransactionError:
            guard let inner = transaction.closureError ?? transaction.commitError, let refusal = StoreRefusal(inner) else { return nil }
            self = refusal
        case let psql as PSQLError:
            guard psql.code == .server, let state = psql.serverInfo?[.sqlState], Self.dataClasses.contains(state.prefix(2)) else { return nil }
            sqlState = state
            message = psql.serverInfo?[.message] ?? ""
        default:
            return nil
        }
    }

    /// `SQLSTATE: message`, as the invalid topic carries it.
    var description: String { "\(sqlState): \(message)" }
}
