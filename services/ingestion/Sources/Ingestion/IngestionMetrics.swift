import Metrics
import Synchronization

/// The ingestion service's Prometheus series. Request latency is the platform's
/// `gm_http_request_duration_seconds{route="/v1/events"}`. Per-tenant counters are created
/// once per tenant (and reason) and cached: asking the metrics factory per request would take
/// its lock on the hot path.
enum IngestionMetrics {
    struct TenantCounters: Sendable {
        let accepted: Counter
        let duplicates: Counter
        let throttled: Counter
    }

    private struct LabelledKey: Hashable {
        let tenant: String
        let reason: String
    }

    private static let tenants = Mutex<[String: TenantCounters]>([:])
    private static let rejectedEvents = Mutex<[LabelledKey: Counter]>([:])
    private static let rejectedRequests = Mutex<[LabelledKey: Counter]>([:])

    static let ledgerFailures = Counter(label: "gm_ingestion_rate_limit_ledger_failures_total")
    /// From handing records to the producer to the last acknowledgement of the request.
    static let deliveryDuration = Metrics.Timer(label: "gm_ingestion_kafka_delivery_seconds")
    static let producerQueueDepth = Gauge(label: "gm_ingestion_producer_queue_depth")

    static func tenant(_ tenant: String) -> TenantCounters {
        tenants.withLock { cache in
            if let counters = cache[tenant] { return counters }
            let counters = TenantCounters(
                accepted: Counter(label: "gm_ingestion_events_accepted_total", dimensions: [("tenant", tenant)]),
                duplicates: Counter(label: "gm_ingestion_events_duplicate_total", dimensions: [("tenant", tenant)]),
                throttled: Counter(label: "gm_ingestion_requests_throttled_total", dimensions: [("tenant", tenant)]))
            cache[tenant] = counters
            return counters
        }
    }

    /// Events refused by validation, by the first problem's reason (`required`, `too_old`, ...).
    static func rejectedEvent(tenant: String, reason: String) -> Counter {
        counter(in: rejectedEvents, label: "gm_ingestion_events_rejected_total", tenant: tenant, reason: reason)
    }

    /// Whole requests answered 4xx/503 before their events were read, by error code
    /// (`invalid_credential`, `unsupported_media_type`, `malformed_json`, `kafka_unavailable`, ...).
    /// `tenant` is "unknown" when no credential was established.
    static func rejectedRequest(tenant: String, code: String) -> Counter {
        counter(in: rejectedRequests, label: "gm_ingestion_requests_rejected_total", tenant: tenant, reason: code)
    }

    private static func counter(in cache: borrowing Mutex<[LabelledKey: Counter]>, label: String, tenant: String, reason: String) -> Counter {
        let key = LabelledKey(tenant: tenant, reason: reason)
        return cache.withLock { cache in
            if let counter = cache[key] { return counter }
            let counter = Counter(label: label, dimensions: [("tenant", tenant), ("reason", reason)])
            cache[key] = counter
            return counter
        }
    }
}
