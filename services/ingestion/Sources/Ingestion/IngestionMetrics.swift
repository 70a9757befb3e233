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
    /// Write keys refused before any lookup, by why (`forged`, `malformed`, `legacy_disabled`).
    static let forgedKeys = Counter(label: "gm_ingestion_write_keys_refused_unlooked_total", dimensions: [("reason", "forged")])
    static let malformedKeys = Counter(label: "gm_ingestion_write_keys_refused_unlooked_total", dimensions: [("reason", "malformed")])
    static let legacyDisabledKeys = Counter(label: "gm_ingestion_write_keys_refused_unlooked_total", dimensions: [("reason", "legacy_disabled")])
    /// Requests refused because their peer's budget of failed lookups was spent.
    static let lookupsThrottled = Counter(label: "gm_ingestion_failed_lookups_throttled_total")
    private static let legacyKeyUse = Mutex<[String: Counter]>([:])
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

    /// Requests authenticated by a legacy write key (no MAC), per tenant: what must reach 0
    /// before `GM_INGESTION_ACCEPT_LEGACY_WRITE_KEYS` is turned off.
    static func legacyWriteKey(tenant: String) -> Counter {
        legacyKeyUse.withLock { cache in
            if let counter = cache[tenant] { return counter }
            let counter = Counter(label: "gm_ingestion_legacy_write_key_requests_total", dimensions: [("tenant", tenant)])
            cache[tenant] = counter
            return counter
        }
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
