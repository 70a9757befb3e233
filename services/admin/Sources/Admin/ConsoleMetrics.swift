import Metrics

/// The console's own metrics (the service README lists them; the alert rules use them).
enum ConsoleMetrics {
    static let loginsCompleted = Counter(label: "gm_admin_logins_total", dimensions: [("outcome", "completed")])
    /// A bad, replayed, foreign or expired login state or code: the client's doing.
    static let loginsRefused = Counter(label: "gm_admin_logins_total", dimensions: [("outcome", "refused")])
    /// The user service unreachable or failing while a login completes.
    static let loginsFailed = Counter(label: "gm_admin_logins_total", dimensions: [("outcome", "failed")])
    static let csrfRefused = Counter(label: "gm_admin_csrf_refused_total")
    static let liveStreams = Meter(label: "gm_admin_live_streams")
    static let upstreamOutcomes = ["ok", "client_error", "failed"]

    static func upstream(_ service: String, _ outcome: String) -> Counter {
        Counter(label: "gm_admin_upstream_requests_total", dimensions: [("upstream", service), ("outcome", outcome)])
    }

    /// Creates every series at 0 once the metrics backend runs: the alert rules take
    /// `increase()`, which cannot see a series' first sample.
    static func registerAtZero(upstreams: [String]) {
        _ = (loginsCompleted, loginsRefused, loginsFailed, csrfRefused)
        liveStreams.set(0)
        for service in upstreams {
            for outcome in upstreamOutcomes { _ = upstream(service, outcome) }
        }
    }
}
