/// The simulator's counters at one instant. Every generated event ends in exactly one of
/// accepted, rejected, refused or dropped; until then it is in flight.
struct StatisticsSnapshot: Sendable, Equatable {
    /// Events the generator produced.
    var generated = 0
    /// Events ingestion answered 202 for and counted as accepted.
    var accepted = 0
    /// Events ingestion answered 202 for but rejected (listed in `rejected`): a simulator bug.
    var rejected = 0
    /// Events in batches answered 400, 401, 403, 404, 413, 415 or another 4xx except 429: a
    /// simulator or configuration bug; not retried.
    var refused = 0
    /// Events given up at shutdown (still waiting to be sent or retried).
    var dropped = 0

    /// HTTP requests made, retries included.
    var requests = 0
    /// 429 answers (each retried after `Retry-After`).
    var throttled = 0
    /// 503 answers (each retried after `Retry-After`).
    var unavailable = 0
    /// Requests without an answer (connection refused, timeout) or answered with another 5xx;
    /// each retried with backoff.
    var errors = 0

    /// Schedule time (seconds after the start) of the last batch handed to a sender; how far
    /// it trails the clock is the lag.
    var dispatchedUntil = 0.0

    /// Events with a final answer from ingestion.
    var sent: Int { accepted + rejected + refused }
    /// Events generated and not yet settled either way.
    var inFlight: Int { generated - sent - dropped }
}
