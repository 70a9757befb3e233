import Metrics

/// The retention service's metrics (alerts in charts/retention and runbooks/retention-*.md).
/// Per-tenant series: tenants are the platform's customers, a bounded set.
struct RetentionMetrics: Sendable {
    func archived(tenantID: String, rows: Int, bytes: Int) {
        Counter(label: "gm_retention_rows_archived_total", dimensions: [("tenant", tenantID)]).increment(by: rows)
        Counter(label: "gm_retention_bytes_archived_total", dimensions: [("tenant", tenantID)]).increment(by: bytes)
    }

    func expired(tenantID: String, rows: Int) {
        Counter(label: "gm_retention_rows_expired_total", dimensions: [("tenant", tenantID)]).increment(by: rows)
    }

    func archiveDeleted(tenantID: String, objects: Int) {
        Counter(label: "gm_retention_archive_objects_deleted_total", dimensions: [("tenant", tenantID)]).increment(by: objects)
    }

    func partitionDropped() { Counter(label: "gm_retention_partitions_dropped_total").increment() }

    func passFinished(seconds: Double, failedTenants: Int, at timestamp: Double) {
        Gauge(label: "gm_retention_last_pass_timestamp_seconds").record(timestamp)
        // A gauge, not a histogram: a pass takes minutes to hours, past any default bucket.
        Gauge(label: "gm_retention_last_pass_duration_seconds").record(seconds)
        if failedTenants > 0 { Counter(label: "gm_retention_pass_failures_total").increment(by: failedTenants) }
    }

    /// The series without a tenant, at zero from the start, so a rate is never "no data".
    func registerAll() {
        Counter(label: "gm_retention_partitions_dropped_total").increment(by: 0)
        Counter(label: "gm_retention_pass_failures_total").increment(by: 0)
    }

    /// From `retention_tenant_status`, on every replica (``RetentionStatusMonitor``).
    func status(tenantID: String, lastSuccess: Double?, lagDays: Int) {
        if let lastSuccess {
            Gauge(label: "gm_retention_last_success_timestamp_seconds", dimensions: [("tenant", tenantID)]).record(lastSuccess)
        }
        Gauge(label: "gm_retention_lag_days", dimensions: [("tenant", tenantID)]).record(lagDays)
    }
}
