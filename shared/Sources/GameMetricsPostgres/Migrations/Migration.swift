import Crypto
import GameMetricsKit

/// One versioned step of a database schema, identified Flyway-style as `V{version}__{name}`
/// (`V001__create_tenants`).
///
/// A migration is an ordered list of statements rather than one SQL script because postgres-nio
/// speaks only the extended query protocol, which accepts ONE statement per query (its
/// `simpleQuery` helper is a legacy name for the same path, not the simple-query protocol). The
/// runner executes the statements in order inside one transaction, so a migration still applies
/// completely or not at all.
///
/// Statements that PostgreSQL refuses inside a transaction block (`CREATE INDEX CONCURRENTLY`,
/// `VACUUM`, `CREATE DATABASE`, ...) cannot be part of a migration.
///
/// Once a migration has been applied anywhere, never edit it: the runner refuses to start when the
/// recorded checksum differs. Add a new migration instead.
public struct Migration: Sendable, Hashable {
    /// Positive, unique and strictly increasing within a list of migrations.
    public let version: Int
    /// A short snake_case description, e.g. `create_tenants`.
    public let name: String
    /// Executed in order, one query each, within one transaction.
    public let statements: [String]
    /// Lowercase hex SHA-256 of the statements; see ``checksum(of:)``.
    public let checksum: String

    public init(version: Int, name: String, statements: [String]) {
        self.version = version
        self.name = name
        self.statements = statements
        self.checksum = Self.checksum(of: statements)
    }

    /// `V{version}__{name}`, the version zero-padded to at least three digits.
    public var identity: String {
        let digits = String(version)
        return "V" + String(repeating: "0", count: max(0, 3 - digits.count)) + digits + "__" + name
    }

    /// SHA-256 (swift-crypto's) of the UTF-8 statements joined by a NUL byte. NUL cannot occur in
    /// PostgreSQL query text, so the encoding is unambiguous (`["ab", "c"]` and `["a", "bc"]`
    /// differ), and a one-statement migration's checksum equals
    /// `sha256(convert_to(<statement>, 'UTF8'))` in psql.
    /// Any edit, including whitespace, changes the checksum: the point is to notice that the code
    /// no longer describes what was applied, and whitespace-normalising SQL safely is not possible
    /// without parsing it.
    public static func checksum(of statements: [String]) -> String {
        var hash = SHA256()
        for (index, statement) in statements.enumerated() {
            if index > 0 { hash.update(data: [0]) }
            hash.update(data: Array(statement.utf8))
        }
        return Hex.lowercase(hash.finalize())
    }
}
