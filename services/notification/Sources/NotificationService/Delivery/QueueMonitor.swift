import Logging
import PostgresNIO
import ServiceLifecycle

/// Reads the queue's depth, the oldest due notification's wait and the DLQ's depth every few
/// seconds into the gauges (what the autoscaler and the alerts watch).
struct QueueMonitor: Service {
    let client: PostgresClient
    let metrics: NotificationMetrics
    let interval: Duration
    let logger: Logger

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                metrics.queue(try await QueueStatistics.read(client, logger: logger))
            } catch {
                logger.debug("could not read the queue's statistics", metadata: ["error": "\(String(reflecting: error))"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}
