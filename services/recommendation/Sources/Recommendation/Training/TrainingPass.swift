import Foundation
import GameMetricsRecommender
import GameMetricsKit
import Logging
import PostgresNIO

/// One training pass: a model for each tenant with a catalogue (every tenant whose games were
/// seen in events), one tenant at a time; a tenant that fails is logged and the others go on.
/// Also forgets recent plays older than the training window.
struct TrainingPass: Sendable {
    let trainer: ModelTrainer
    let postgres: PostgresClient
    let logger: Logger

    struct Report: Sendable {
        /// The version trained per tenant, and how long the tenant's training took.
        var trained: [String: (version: String, seconds: Double)] = [:]
        var skipped: [String: String] = [:]
        var failed: [String: String] = [:]
        var interrupted = false
    }

    func run(now: Date, tenants only: [String]? = nil, shouldStop: @escaping @Sendable () -> Bool) async throws -> Report {
        var tenants: [String] = []
        if let only {
            tenants = only
        } else {
            let rows = try await postgres.query("SELECT DISTINCT tenant_id FROM rec_games ORDER BY tenant_id", logger: logger)
            for try await tenant in rows.decode(String.self) { tenants.append(tenant) }
        }
        var report = Report()
        for tenant in tenants {
            if shouldStop() {
                report.interrupted = true
                break
            }
            let started = ContinuousClock.now
            do {
                switch try await trainer.train(tenantID: tenant, now: now, shouldStop: shouldStop) {
                case .trained(let model):
                    report.trained[tenant] = (model.version, (ContinuousClock.now - started).inSeconds)
                    logger.info(
                        "model trained", metadata: ["tenant": "\(tenant)", "version": "\(model.version)", "players": "\(model.players)", "metrics": "\(model.metrics)"])
                case .skipped(let reason):
                    report.skipped[tenant] = reason
                    logger.info("no model trained", metadata: ["tenant": "\(tenant)", "reason": "\(reason)"])
                }
            } catch is TrainingCancelled {
                report.interrupted = true
                break
            } catch {
                report.failed[tenant] = String(reflecting: error)
                logger.error("training failed", metadata: ["tenant": "\(tenant)", "error": "\(String(reflecting: error))"])
            }
        }
        let horizon = now.addingTimeInterval(-Double(trainer.settings.trainWindowDays) * 86_400)
        try await postgres.query("DELETE FROM rec_recent_plays WHERE last_played_at < \(horizon)", logger: logger)
        return report
    }
}
