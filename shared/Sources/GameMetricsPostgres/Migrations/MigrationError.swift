import PostgresNIO

/// Why ``MigrationRunner`` refused to run or stopped. Every case names the migration version it is
/// about, so the log line at start-up says what to fix.
public enum MigrationError: Error, Sendable, Equatable, CustomStringConvertible {
    // Problems in the code's list, found before the database is touched.

    /// Versions must be positive and fit PostgreSQL's `int`.
    case invalidVersion(version: Int)
    /// The same version appears twice in the code.
    case duplicateVersion(version: Int, names: [String])
    /// The code lists `version` after `previous` although it is not greater.
    case versionsNotIncreasing(previous: Int, version: Int)
    /// A migration without a name or without statements (or with a blank statement).
    case invalidMigration(version: Int, problem: String)
    /// The bookkeeping table name is not a plain (optionally schema-qualified) identifier.
    case invalidTableName(String)

    // Disagreements between the code and what the database recorded.

    /// An applied migration's statements were edited after it ran.
    case checksumMismatch(version: Int, name: String, recorded: String, expected: String)
    /// An applied migration was renamed in the code.
    case nameMismatch(version: Int, recorded: String, expected: String)
    /// The database holds a version the code does not know: a newer deployment migrated it.
    case unknownAppliedVersion(version: Int, name: String)
    /// A migration the database lacks is older than one it already has (e.g. merged from a branch
    /// after a later version shipped); applying it out of order is refused.
    case pendingBelowApplied(version: Int, highestApplied: Int)

    // Failures while talking to PostgreSQL.

    /// Statement `statementIndex` (0-based) of `version` failed; the migration was rolled back.
    case statementFailed(version: Int, name: String, statementIndex: Int, message: String)
    /// Recording or committing `version` failed; the migration was rolled back.
    case commitFailed(version: Int, name: String, message: String)
    /// Taking the lock, creating or reading the bookkeeping table, or leasing a connection failed.
    case database(operation: String, message: String)
    /// As ``database(operation:message:)``, but PostgreSQL was not reached or the connection was
    /// lost (nothing was refused): the same run may succeed later (``isTransient``).
    case unreachable(operation: String, message: String)

    /// Whether running again later may succeed: PostgreSQL did not answer. Every other case is a
    /// fact about the code or the database that only a change of either resolves.
    public var isTransient: Bool {
        if case .unreachable = self { return true }
        return false
    }

    /// `.unreachable` when `error` says PostgreSQL was not reached, `.database` otherwise.
    static func talking(operation: String, _ error: any Error) -> MigrationError {
        PostgresClient.isUnreachable(error)
            ? .unreachable(operation: operation, message: message(of: error))
            : .database(operation: operation, message: message(of: error))
    }

    public var description: String {
        switch self {
        case .invalidVersion(let version):
            "migration version \(version) is invalid: versions must be between 1 and \(Int32.max)"
        case .duplicateVersion(let version, let names):
            "migration version \(version) is defined more than once (\(names.joined(separator: ", ")))"
        case .versionsNotIncreasing(let previous, let version):
            "migration version \(version) is listed after \(previous): versions must be strictly increasing"
        case .invalidMigration(let version, let problem):
            "migration version \(version) is invalid: \(problem)"
        case .invalidTableName(let name):
            "migration table name \"\(name)\" is not a lowercase identifier (optionally schema.table)"
        case .checksumMismatch(let version, let name, let recorded, let expected):
            "migration version \(version) (\(name)) was changed after it was applied: recorded checksum \(recorded), code has \(expected); add a new migration instead of editing an applied one"
        case .nameMismatch(let version, let recorded, let expected):
            "migration version \(version) was applied as \"\(recorded)\" but the code calls it \"\(expected)\""
        case .unknownAppliedVersion(let version, let name):
            "the database has migration version \(version) (\(name)) that this code does not know: a newer deployment has migrated it; refusing to run older code against it"
        case .pendingBelowApplied(let version, let highestApplied):
            "migration version \(version) is not applied but the database already has version \(highestApplied): give it a version above \(highestApplied)"
        case .statementFailed(let version, let name, let statementIndex, let message):
            "migration version \(version) (\(name)) failed at statement \(statementIndex) and was rolled back: \(message)"
        case .commitFailed(let version, let name, let message):
            "migration version \(version) (\(name)) could not be recorded and was rolled back: \(message)"
        case .database(let operation, let message):
            "migrations could not \(operation): \(message)"
        case .unreachable(let operation, let message):
            "migrations could not \(operation), PostgreSQL did not answer: \(message)"
        }
    }

    /// PostgreSQL's own words for `error`. `PSQLError.description` is deliberately generic (to
    /// avoid leaking data to end users); these errors go to the service log, where the server
    /// message and SQLSTATE are what an operator needs.
    static func message(of error: any Error) -> String {
        guard let error = error as? PSQLError else { return String(describing: error) }
        guard let info = error.serverInfo, let message = info[.message] else {
            return "\(error.code)" + (error.underlying.map { ": \($0)" } ?? "")
        }
        var text = message
        if let state = info[.sqlState] { text += " (SQLSTATE \(state))" }
        if let detail = info[.detail] { text += "; detail: \(detail)" }
        if let hint = info[.hint] { text += "; hint: \(hint)" }
        if info[.sqlState] == "42501" {
            // The usual cause since ADR 0016: a service's own role met a pending migration.
            text += "; only the schema owner may migrate: run `<service> migrate` with GM_PG_MIGRATION_URL before starting this version"
        }
        return text
    }
}
