import Foundation
import GameMetricsKit
import GameMetricsPostgres
import Logging
import ServiceLifecycle

/// Runs a ``RetentionPass`` at each time the cron schedule names, on the replica that leads
/// (``SessionLockLeadership/retentionPass(postgres:logger:)``). A failed pass is logged and counted; the next scheduled time tries again.
struct RetentionScheduler: Service {
    let schedule: CronSchedule
    let pass: RetentionPass
    let leadership: SessionLockLeadership
    let metrics: RetentionMetrics
    let logger: Logger

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            guard let next = schedule.next(after: Date()) else {
                logger.error("the retention schedule never runs again", metadata: ["schedule": "\(schedule)"])
                return
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(max(0, next.timeIntervalSinceNow))) }
            if Task.isCancelled || Task.isShuttingDownGracefully { return }
            await runOnce()
        }
    }

    func runOnce() async {
        let started = Date()
        do {
            guard let report = try await leadership.ifLeading({ try await pass.run(now: started) }) else {
                logger.info("another replica leads this retention pass")
                return
            }
            if report.interrupted {
                logger.notice("retention pass stopped by shutdown; the next one goes on", metadata: ["rows_archived": "\(report.rowsArchived)"])
                return
            }
            metrics.passFinished(seconds: Date().timeIntervalSince(started), failedTenants: report.failedTenants.count, at: Date().timeIntervalSince1970)
            logger.info(
                "retention pass finished",
                metadata: [
                    "rows_archived": "\(report.rowsArchived)", "bytes_archived": "\(report.bytesArchived)", "objects": "\(report.objectsWritten)",
                    "rows_expired": "\(report.rowsExpired)", "archived_days_deleted": "\(report.archivedDaysDeleted)",
                    "partitions_dropped": "\(report.partitionsDropped)", "failed_tenants": "\(report.failedTenants.keys.sorted())",
                ])
        } catch {
            metrics.passFinished(seconds: Date().timeIntervalSince(started), failedTenants: 1, at: Date().timeIntervalSince1970)
            logger.error("retention pass failed", metadata: ["error": "\(String(reflecting: error))"])
        }
    }
}
