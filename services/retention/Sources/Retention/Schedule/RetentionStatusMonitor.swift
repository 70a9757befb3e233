import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle

/// Reads each tenant's last pass result (`retention_tenant_status`) into the gauges every
/// `interval`, on every replica, so the alerts do not depend on which replica led.
struct RetentionStatusMonitor: Service {
    let postgres: PostgresClient
    let metrics: RetentionMetrics
    let interval: Duration
    let logger: Logger

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                let rows = try await postgres.query(
                    "SELECT tenant_id, extract(epoch FROM last_success_at)::float8, lag_days FROM retention_tenant_status", logger: logger)
                for try await (tenantID, lastSuccess, lag) in rows.decode((String, Double?, Int).self) {
                    metrics.status(tenantID: tenantID, lastSuccess: lastSuccess, lagDays: lag)
                }
            } catch {
                logger.debug("could not read the tenants' retention status", metadata: ["error": "\(String(reflecting: error))"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}
