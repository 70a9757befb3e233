import Foundation

/// A SQL script such as `db/roles.sql`, cut into the statements a client sends one by one
/// (postgres-nio's extended protocol takes one statement per query). A statement ends with `;`
/// at the end of a line outside a `$$` body; `--` comment lines are dropped.
public struct SQLScript: Sendable {
    public let statements: [String]

    public init(text: String) {
        var statements: [String] = []
        var current: [Substring] = []
        var inBody = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if !inBody, trimmed.hasPrefix("--") || trimmed.isEmpty { continue }
            current.append(line)
            if line.components(separatedBy: "$$").count % 2 == 0 { inBody.toggle() }
            if !inBody, trimmed.hasSuffix(";") {
                var statement = current.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
                statement.removeLast()
                statements.append(statement)
                current = []
            }
        }
        let rest = current.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        if !rest.isEmpty { statements.append(rest) }
        self.statements = statements
    }

    /// A file of the repository, by its path from the repository's root (for example `db/roles.sql`).
    public init(repositoryFile path: String) throws {
        try self.init(text: String(contentsOf: Self.repositoryRoot.appending(path: path), encoding: .utf8))
    }

    /// This file is shared/Sources/GameMetricsTesting/SQLScript.swift.
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}
