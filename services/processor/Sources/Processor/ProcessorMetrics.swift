import Metrics

/// The processor's Prometheus series (consumer lag is `ConsumerLag`'s).
enum ProcessorMetrics {
    /// Events written for the first time, and records that were already stored (redeliveries).
    static let eventsStored = Counter(label: "gm_processor_events_stored_total")
    static let eventsAlreadyStored = Counter(label: "gm_processor_events_already_stored_total")
    static let poisonRecords = Counter(label: "gm_processor_poison_records_total")
    /// Events PostgreSQL refused on their own (they are among the poison records).
    static let storeRefusals = Counter(label: "gm_processor_store_refusals_total")
    /// Store attempts that failed for a reason other than the data (each is retried), and
    /// whether the store has been failing for `GM_PROCESSOR_UNREADY_AFTER_FAILURES` attempts.
    static let storeFailures = Counter(label: "gm_processor_store_failures_total")
    static let storeFailing = Gauge(label: "gm_processor_store_failing")
    /// From poll to committed offsets, per batch.
    static let batchDuration = Metrics.Timer(label: "gm_processor_batch_duration_seconds")
    static let batchSize = Recorder(label: "gm_processor_batch_records", aggregate: true)
    /// From ingestion's acknowledgement (`gm-ingested-at-ms`) to this batch's commit, per event.
    static let endToEndLatency = Metrics.Timer(label: "gm_processor_end_to_end_seconds")
    /// Failed attempts to write a batch or publish its results; each is retried.
    static let retries = Counter(label: "gm_processor_retries_total")
    static let liveDeltasDropped = Counter(label: "gm_processor_live_deltas_dropped_total")
}
