import Logging
import PostgresNIO

/// One replica at a time runs a pass: the one holding a session-level advisory lock on a
/// connection kept for the whole pass. A replica that dies loses its connection and with it the
/// lock; the others skip the pass while it is held.
struct PassLeadership: Sendable {
    /// `pg_try_advisory_lock(lockClass, 1)`: "gmrl", apart from the tenants' archive locks.
    static let lockClass: Int32 = 0x676D_726C

    let postgres: PostgresClient
    let logger: Logger

    /// `work`'s result, or nil when another replica holds the lock.
    func ifLeading<T: Sendable>(_ work: @Sendable () async throws -> T) async throws -> T? {
        try await postgres.withConnection { connection in
            let rows = try await connection.query("SELECT pg_try_advisory_lock(\(Self.lockClass), 1)", logger: logger)
            var acquired = false
            for try await granted in rows.decode(Bool.self) { acquired = granted }
            guard acquired else { return nil }
            do {
                let result = try await work()
                try await connection.query("SELECT pg_advisory_unlock(\(Self.lockClass), 1)", logger: logger)
                return result
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(Self.lockClass), 1)", logger: logger)
                throw error
            }
        }
    }
}
