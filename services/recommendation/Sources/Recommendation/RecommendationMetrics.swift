import Foundation
import Metrics

/// The service's own Prometheus series (the README's table lists them).
struct RecommendationMetrics: Sendable {
    /// `gm_recommendation_served_total{variant, model_version, source, cached}`: lists served.
    /// `model_version` has at most two values per tenant (its rollout), `none` before a model.
    func served(_ list: ServedList) {
        Counter(
            label: "gm_recommendation_served_total",
            dimensions: [
                ("variant", list.variant), ("model_version", list.modelVersion ?? "none"), ("source", list.source.rawValue),
                ("cached", list.cached ? "true" : "false"),
            ]
        ).increment()
    }

    /// `gm_recommendation_duration_seconds{variant, cached}`: time to answer one player.
    func duration(seconds: Double, variant: String, cached: Bool) {
        Metrics.Timer(label: "gm_recommendation_duration_seconds", dimensions: [("variant", variant), ("cached", cached ? "true" : "false")])
            .recordNanoseconds(Int64(seconds * 1e9))
    }

    /// `gm_recommendation_cache_errors_total`: Redis failed; the list was computed without it.
    let cacheErrors = Counter(label: "gm_recommendation_cache_errors_total")
    /// `gm_recommendation_generated_dropped_total`: served lists not published to
    /// `recommendations.generated` (the publication queue was full, or Kafka refused them).
    let generatedDropped = Counter(label: "gm_recommendation_generated_dropped_total")
    /// `gm_recommendation_activity_records_total{outcome}`: activity records read (`applied`,
    /// `unreadable`, `erased`).
    func activity(_ outcome: String, count: Int) {
        Counter(label: "gm_recommendation_activity_records_total", dimensions: [("outcome", outcome)]).increment(by: count)
    }

    /// Training: `gm_recommendation_training_runs_total{outcome}` (`trained`, `skipped`,
    /// `failed`), `gm_recommendation_training_duration_seconds`,
    /// `gm_recommendation_training_last_success_timestamp_seconds{tenant}`.
    func trainingRun(_ outcome: String) {
        Counter(label: "gm_recommendation_training_runs_total", dimensions: [("outcome", outcome)]).increment()
    }

    func trained(seconds: Double) {
        Metrics.Timer(label: "gm_recommendation_training_duration_seconds").recordNanoseconds(Int64(seconds * 1e9))
    }

    /// From the database (``ModelStatusMonitor``): when the tenant's newest model became ready.
    func lastSuccess(tenantID: String, at timestamp: Double) {
        Gauge(label: "gm_recommendation_training_last_success_timestamp_seconds", dimensions: [("tenant", tenantID)]).record(timestamp)
    }

    /// `gm_recommendation_training_last_run_timestamp_seconds`: the last scheduled training pass
    /// that ran on this replica, whatever its outcome (alerts: training late).
    func trainingPass(at timestamp: Double, failedTenants: Int) {
        Gauge(label: "gm_recommendation_training_last_run_timestamp_seconds").record(timestamp)
        Gauge(label: "gm_recommendation_training_failed_tenants").record(Double(failedTenants))
    }
}
