import GameMetricsPostgres
import Logging
import PostgresNIO

extension SessionLockLeadership {
    /// The retention pass's lock: class "gmrl", apart from the tenants' archive locks.
    static func retentionPass(postgres: PostgresClient, logger: Logger) -> SessionLockLeadership {
        SessionLockLeadership(lockClass: 0x676D_726C, postgres: postgres, logger: logger)
    }
}
