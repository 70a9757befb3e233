import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle

/// Publishes, on every replica and from the database, when each tenant's newest model became
/// ready (`gm_recommendation_training_last_success_timestamp_seconds{tenant}`): true whichever
/// replica trained it, and after a manual `recommendation train` too.
struct ModelStatusMonitor: Service {
    let postgres: PostgresClient
    let metrics: RecommendationMetrics
    let interval: Duration
    let logger: Logger

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                let rows = try await postgres.query(
                    "SELECT tenant_id, extract(epoch FROM max(ready_at))::float8 FROM rec_models WHERE ready_at IS NOT NULL GROUP BY tenant_id",
                    logger: logger)
                for try await (tenant, readyAt) in rows.decode((String, Double).self) {
                    metrics.lastSuccess(tenantID: tenant, at: readyAt)
                }
            } catch {
                logger.warning("could not read the models' status", metadata: ["error": "\(String(reflecting: error))"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: self.interval) }
        }
    }
}
