import Logging
import PostgresNIO

/// One replica at a time does a piece of scheduled work (a retention pass, a model's training):
/// the one holding a session-level advisory lock on a connection kept for the whole work. A
/// replica that dies loses its connection and with it the lock; the others skip the work while
/// it is held.
public struct SessionLockLeadership: Sendable {
    /// `pg_try_advisory_lock(lockClass, key)`: each kind of work has a class of its own.
    public let lockClass: Int32
    public let key: Int32
    public let postgres: PostgresClient
    public let logger: Logger

    public init(lockClass: Int32, key: Int32 = 1, postgres: PostgresClient, logger: Logger) {
        self.lockClass = lockClass
        self.key = key
        self.postgres = postgres
        self.logger = logger
    }

    /// `work`'s result, or nil when another replica holds the lock.
    public func ifLeading<T: Sendable>(_ work: @Sendable () async throws -> T) async throws -> T? {
        try await postgres.withConnection { connection in
            let rows = try await connection.query("SELECT pg_try_advisory_lock(\(lockClass), \(key))", logger: logger)
            var acquired = false
            for try await granted in rows.decode(Bool.self) { acquired = granted }
            guard acquired else { return nil }
            do {
                let result = try await work()
                try await connection.query("SELECT pg_advisory_unlock(\(lockClass), \(key))", logger: logger)
                return result
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(lockClass), \(key))", logger: logger)
                throw error
            }
        }
    }
}
