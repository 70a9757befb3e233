import Foundation
import HTTPTypes
import Logging
import PostgresNIO

/// Limits failed operator logins per account (tenant + email) and per client address, counted
/// in PostgreSQL (`login_attempts`) so every replica enforces the same budget.
///
/// An attempt is recorded *before* the password is checked (`reserve`), under a per-key advisory
/// lock, so a burst of parallel guesses cannot all slip under the limit; a correct password
/// deletes its own record and the account's earlier failures (`succeeded`).
struct LoginRateLimiter: Sendable {
    struct Limit: Sendable {
        var failures: Int
        var window: Duration
    }

    enum Decision: Sendable, Equatable {
        /// Go ahead; pass the id to `succeeded` if the password was right.
        case allowed(attemptID: UUID)
        /// Over budget: retry after this many seconds.
        case limited(retryAfter: Int)
    }

    let postgres: PostgresClient
    let logger: Logger
    var perAccount = Limit(failures: 5, window: .seconds(15 * 60))
    var perAddress = Limit(failures: 20, window: .seconds(15 * 60))

    static func accountKey(tenant: String, email: String) -> String {
        "account:\(tenant):\(email.lowercased())"
    }

    static func addressKey(_ address: String) -> String {
        "ip:\(address)"
    }

    /// `X-Forwarded-For`'s first entry when the service is behind a trusted proxy; otherwise nil,
    /// and the caller counts against the connection's peer address.
    static func clientAddress(_ headers: HTTPFields, trustProxy: Bool) -> String? {
        guard trustProxy, let forwarded = headers[.init("X-Forwarded-For")!] else { return nil }
        let first = forwarded.split(separator: ",", maxSplits: 1).first?.trimmingCharacters(in: .whitespaces) ?? ""
        guard !first.isEmpty, first.utf8.count <= 64, first.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 32 }) else {
            return nil
        }
        return first
    }

    /// Checks both budgets and, when neither is spent, records this attempt against both.
    func reserve(account: String, address: String?) async throws -> Decision {
        var budgets = [(account, perAccount)]
        if let address { budgets.append((address, perAddress)) }
        budgets.sort { $0.0 < $1.0 }  // one lock order everywhere: no deadlocks
        let attemptID = UUID()
        let horizon = Date().addingTimeInterval(-Double(max(perAccount.window, perAddress.window).components.seconds))
        return try await postgres.withTransaction(logger: logger) { connection in
            var wait: Int?
            for (key, limit) in budgets {
                try await connection.query("SELECT pg_advisory_xact_lock(hashtextextended(\(key), 0))", logger: logger)
                if let seconds = try await retryAfter(key: key, limit: limit, on: connection) { wait = max(wait ?? 0, seconds) }
            }
            if let wait { return .limited(retryAfter: wait) }
            for (key, _) in budgets {
                try await connection.query(
                    "INSERT INTO login_attempts (key, attempt_id) VALUES (\(key), \(attemptID))", logger: logger)
                // Rows older than every window never count again.
                try await connection.query(
                    "DELETE FROM login_attempts WHERE key = \(key) AND attempted_at < \(horizon)", logger: logger)
            }
            return .allowed(attemptID: attemptID)
        }
    }

    /// The password was right: the attempt was no failure, and the account starts afresh.
    func succeeded(_ attemptID: UUID, account: String) async throws {
        try await postgres.query(
            "DELETE FROM login_attempts WHERE attempt_id = \(attemptID) OR key = \(account)", logger: logger)
    }

    /// The `failures`-th most recent attempt inside the window decides when one slot frees up.
    private func retryAfter(key: String, limit: Limit, on connection: PostgresConnection) async throws -> Int? {
        let window = Double(limit.window.components.seconds)
        let since = Date().addingTimeInterval(-window)
        let rows = try await connection.query("""
            SELECT attempted_at FROM login_attempts WHERE key = \(key) AND attempted_at > \(since)
            ORDER BY attempted_at DESC OFFSET \(limit.failures - 1) LIMIT 1
            """, logger: logger)
        for try await attempted in rows.decode(Date.self) {
            let seconds = attempted.addingTimeInterval(window).timeIntervalSinceNow.rounded(.up)
            return max(1, Int(seconds))
        }
        return nil
    }
}
