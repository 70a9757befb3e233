import Foundation
import GameMetricsPostgres
import HTTPTypes
import Logging
import PostgresNIO

/// Limits failed operator logins, counted in PostgreSQL (`login_attempts`) so every replica
/// enforces the same budget. Three budgets, each keyed by a row key:
/// - **(account, address)** — after ``Policy/freeFailures`` failures within the pair window,
///   each further attempt must wait ``Policy/firstDelay``, doubling per failure up to
///   ``Policy/maximumDelay``, after the pair's latest attempt. A guessing client slows to one
///   try a minute; nobody else is affected.
/// - **account** — locked for everyone only after ``Policy/accountLockFailures`` failures within
///   ``Policy/accountWindow`` from any addresses: a distributed guessing attack, not five typos.
/// - **address** — ``Policy/addressFailures`` failures within ``Policy/addressWindow`` over all
///   accounts refuse the address (credential stuffing: one guess per account).
///
/// Refusals answer 429 with `Retry-After` at once (the connection is never held) and are not
/// recorded, so waiting out the delay is always enough. An attempt is recorded *before* the
/// password is checked (`reserve`), under per-key advisory locks, so a burst of parallel guesses
/// cannot slip under a limit; a correct password deletes its own rows and forgives the pair's
/// earlier failures (`succeeded`) — not the account's, which an attacker elsewhere may have made.
struct LoginRateLimiter: Sendable {
    struct Policy: Sendable {
        var freeFailures = 3
        var pairWindow: Duration = .seconds(3600)
        var firstDelay: Duration = .seconds(1)
        var maximumDelay: Duration = .seconds(60)
        var accountLockFailures = 100
        var accountWindow: Duration = .seconds(3600)
        var addressFailures = 20
        var addressWindow: Duration = .seconds(15 * 60)

        /// Rows older than this never count again (see ``LoginAttemptPurger``).
        var retention: Duration { max(pairWindow, accountWindow, addressWindow) }

        /// The wait after the latest attempt once a pair has `failures` failures in its window.
        func delay(afterFailures failures: Int) -> Duration? {
            guard failures >= freeFailures else { return nil }
            // 2^6 s already exceeds any sensible cap; larger exponents would only overflow.
            let doublings = min(failures - freeFailures, 16)
            return min(firstDelay * (1 << doublings), maximumDelay)
        }
    }

    enum Decision: Sendable, Equatable {
        /// Go ahead; pass the id to `succeeded` if the password was right.
        case allowed(attemptID: UUID)
        /// Over budget: retry after this many seconds.
        case limited(retryAfter: Int)
    }

    let postgres: PostgresClient
    let logger: Logger
    var policy = Policy()

    static func accountKey(tenant: String, email: String) -> String {
        "account:\(tenant):\(email.lowercased())"
    }

    static func addressKey(_ address: String) -> String {
        "ip:\(address)"
    }

    /// One key per (account, address); an unknown address (no peer, as in in-process tests) is
    /// one address of its own.
    static func pairKey(account: String, address: String?) -> String {
        "pair:\(address ?? "unknown")|\(account)"
    }

    /// Checks the three budgets and, when none is spent, records this attempt against each.
    /// `address` is the client's address, not yet made a key.
    func reserve(account: String, address: String?) async throws -> Decision {
        let pair = Self.pairKey(account: account, address: address)
        var keys = [account, pair]
        if let address { keys.append(Self.addressKey(address)) }
        keys.sort()  // one lock order everywhere: no deadlocks
        let attemptID = UUID()
        let now = Date()
        return try await postgres.withTransactionEndingWithConnection(logger: logger) { connection in
            for key in keys {
                try await connection.query("SELECT pg_advisory_xact_lock(hashtextextended(\(key), 0))", logger: logger)
            }
            var wait = try await pairWait(pair, now: now, on: connection)
            if let seconds = try await windowWait(
                key: account, failures: policy.accountLockFailures, window: policy.accountWindow, now: now, on: connection)
            {
                wait = max(wait ?? 0, seconds)
            }
            if let address,
                let seconds = try await windowWait(
                    key: Self.addressKey(address), failures: policy.addressFailures, window: policy.addressWindow, now: now, on: connection)
            {
                wait = max(wait ?? 0, seconds)
            }
            if let wait { return .limited(retryAfter: wait) }
            for key in keys {
                try await connection.query(
                    "INSERT INTO login_attempts (key, attempt_id, attempted_at) VALUES (\(key), \(attemptID), \(now))", logger: logger)
            }
            return .allowed(attemptID: attemptID)
        }
    }

    /// The password was right: the attempt was no failure, and this (account, address) starts
    /// afresh. The account's failures from elsewhere stay counted.
    func succeeded(_ attemptID: UUID, account: String, address: String?) async throws {
        let pair = Self.pairKey(account: account, address: address)
        try await postgres.query(
            "DELETE FROM login_attempts WHERE attempt_id = \(attemptID) OR key = \(pair)", logger: logger)
    }

    /// Seconds until the pair may try again, or nil when it may now.
    private func pairWait(_ pair: String, now: Date, on connection: PostgresConnection) async throws -> Int? {
        let since = now.addingTimeInterval(-Self.seconds(policy.pairWindow))
        let rows = try await connection.query(
            """
            SELECT count(*)::int, max(attempted_at) FROM login_attempts WHERE key = \(pair) AND attempted_at > \(since)
            """, logger: logger)
        for try await (failures, latest) in rows.decode((Int, Date?).self) {
            guard let latest, let delay = policy.delay(afterFailures: failures) else { return nil }
            let remaining = latest.addingTimeInterval(Self.seconds(delay)).timeIntervalSince(now)
            return remaining > 0 ? Int(remaining.rounded(.up)) : nil
        }
        return nil
    }

    /// When `failures` attempts fall inside `window`, the `failures`-th most recent decides when
    /// one of them ages out: seconds until then; otherwise nil.
    private func windowWait(
        key: String, failures: Int, window: Duration, now: Date, on connection: PostgresConnection
    ) async throws -> Int? {
        let seconds = Self.seconds(window)
        let since = now.addingTimeInterval(-seconds)
        let rows = try await connection.query(
            """
            SELECT attempted_at FROM login_attempts WHERE key = \(key) AND attempted_at > \(since)
            ORDER BY attempted_at DESC OFFSET \(failures - 1) LIMIT 1
            """, logger: logger)
        for try await attempted in rows.decode(Date.self) {
            return max(1, Int(attempted.addingTimeInterval(seconds).timeIntervalSince(now).rounded(.up)))
        }
        return nil
    }

    static func seconds(_ duration: Duration) -> TimeInterval {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
