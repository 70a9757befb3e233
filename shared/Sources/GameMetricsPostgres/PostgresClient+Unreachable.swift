import _ConnectionPoolModule
import PostgresNIO

extension PostgresClient {
    /// Whether `error` means PostgreSQL was not reached or the connection was lost, rather than
    /// the server refusing something: the same work may succeed once it answers again. Start-up
    /// steps retry on it (``StartupStep``) instead of stopping the service.
    public static func isUnreachable(_ error: any Error) -> Bool {
        switch error {
        case let error as MigrationError:
            return error.isTransient
        case let error as PSQLError:
            return [.connectionError, .serverClosedConnection, .uncleanShutdown].contains(error.code)
                || (error.underlying.map(isUnreachable) ?? false)
        case let error as ConnectionPoolError:
            // The pool stopped waiting for a connection it could not open.
            return error == .connectionCreationCircuitBreakerTripped
        case is PostgresConnectionClosed:
            return true
        default:
            return false
        }
    }
}
