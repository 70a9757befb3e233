import Logging
import PostgresNIO
import ServiceLifecycle

/// Deletes `login_attempts` rows older than every login-limit window, every `interval`, as a
/// child task of the service group (stopped by graceful shutdown).
///
/// Periodic rather than on write: a row is only ever written for the key being tried, so
/// purging on write reaches keys that come back — and an attacker rotating addresses makes
/// (account, address) keys that never do, which would stay forever. Purging the whole table on
/// every login instead would make each sign-in pay for the scan. One bounded batch at a time,
/// through the `attempted_at` index, keeps each statement short under a flood.
struct LoginAttemptPurger: Service {
    static let batchSize = 10_000

    let postgres: PostgresClient
    let retention: Duration
    let interval: Duration
    let logger: Logger

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while true {
                // The first purge waits an interval: migrations run as the server starts.
                try await Task.sleep(for: interval)
                do {
                    let purged = try await purge()
                    if purged > 0 { logger.debug("old login attempts purged", metadata: ["rows": "\(purged)"]) }
                } catch {
                    logger.warning(
                        "could not purge old login attempts; trying again later",
                        metadata: [
                            "error": "\(String(reflecting: error))"
                        ])
                }
            }
        }
    }

    /// Deletes every row older than `retention`, in batches; the number of rows deleted.
    @discardableResult
    func purge() async throws -> Int {
        let seconds = LoginRateLimiter.seconds(retention)
        var total = 0
        while true {
            let rows = try await postgres.query(
                """
                WITH old AS (
                    SELECT ctid FROM login_attempts
                    WHERE attempted_at < now() - make_interval(secs => \(seconds)) LIMIT \(Self.batchSize)
                )
                DELETE FROM login_attempts WHERE ctid IN (SELECT ctid FROM old) RETURNING 1
                """, logger: logger)
            let deleted = try await rows.collect().count
            total += deleted
            if deleted < Self.batchSize { return total }
        }
    }
}
