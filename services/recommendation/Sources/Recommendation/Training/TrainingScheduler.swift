import Foundation
import GameMetricsKit
import GameMetricsPostgres
import Logging
import ServiceLifecycle

/// Trains at each time the cron schedule names, on the replica that leads (a session lock of
/// class "gmrc"). Graceful shutdown stops training between batches of rows; the model being
/// trained is dropped and the next scheduled pass trains again.
final class TrainingScheduler: Service, Sendable {
    static let lockClass: Int32 = 0x676D_7263
    let schedule: CronSchedule
    let pass: TrainingPass
    let leadership: SessionLockLeadership
    let metrics: RecommendationMetrics
    let logger: Logger
    private let stopping = StopSignal()

    init(schedule: CronSchedule, pass: TrainingPass, leadership: SessionLockLeadership, metrics: RecommendationMetrics, logger: Logger) {
        self.schedule = schedule
        self.pass = pass
        self.leadership = leadership
        self.metrics = metrics
        self.logger = logger
    }

    func run() async throws {
        await withGracefulShutdownHandler {
            while !Task.isCancelled && !stopping.isStopped {
                guard let next = schedule.next(after: Date()) else {
                    logger.error("the training schedule never runs again", metadata: ["schedule": "\(schedule)"])
                    return
                }
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(max(0, next.timeIntervalSinceNow))) }
                if Task.isCancelled || Task.isShuttingDownGracefully { return }
                await runOnce()
            }
        } onGracefulShutdown: {
            self.stopping.stop()
        }
    }

    func runOnce() async {
        let started = Date()
        do {
            let stopping = self.stopping
            guard let report = try await leadership.ifLeading({ try await pass.run(now: started) { stopping.isStopped } }) else {
                logger.info("another replica leads this training pass")
                return
            }
            for trained in report.trained.values {
                metrics.trainingRun("trained")
                metrics.trained(seconds: trained.seconds)
            }
            for _ in report.skipped.keys { metrics.trainingRun("skipped") }
            for _ in report.failed.keys { metrics.trainingRun("failed") }
            if !report.interrupted { metrics.trainingPass(at: Date().timeIntervalSince1970, failedTenants: report.failed.count) }
        } catch {
            metrics.trainingRun("failed")
            metrics.trainingPass(at: Date().timeIntervalSince1970, failedTenants: 1)
            logger.error("training pass failed", metadata: ["error": "\(String(reflecting: error))"])
        }
    }
}
