import GameMetricsKit

/// How hard and how fast the service tries: attempts, backoff and concurrency.
struct DeliveryPolicy: Sendable, Equatable {
    /// `GM_NOTIFICATION_MAX_ATTEMPTS` (8): attempts before a notification is dead.
    var maxAttempts: Int
    /// `GM_NOTIFICATION_BACKOFF_BASE_MS` (1000) and `_MAX_MS` (3600000): the wait after the
    /// n-th failure is drawn from [d/2, d] with d = min(max, base x 2^(n-1)).
    var backoffBase: Duration
    var backoffMax: Duration
    /// `GM_NOTIFICATION_CONCURRENCY` (32): deliveries in flight in this replica.
    var concurrency: Int
    /// `GM_NOTIFICATION_DESTINATION_CONCURRENCY` (4): deliveries in flight to one host (or to
    /// the SMTP relay), so one slow receiver holds at most this many of the slots.
    var destinationConcurrency: Int
    /// `GM_NOTIFICATION_EMAIL_CONCURRENCY` (8), `_WEBHOOK_` (32), `_SLACK_` (8): deliveries in
    /// flight per channel in this replica (email also waits for one of the SMTP sessions).
    var channelConcurrency: [Channel: Int] = [.email: 8, .webhook: 32, .slack: 8]
    /// `GM_NOTIFICATION_PER_TENANT_BATCH` (8): the most one tenant gets of one claim, so a
    /// tenant's backlog never stands in front of the others'.
    var perTenantBatch: Int
    /// `GM_NOTIFICATION_DELIVERY_TIMEOUT_MS` (10000): one attempt's limit.
    var timeout: Duration
    /// `GM_NOTIFICATION_POLL_INTERVAL_MS` (250): how often an idle worker looks for due work.
    var pollInterval: Duration
    /// `GM_NOTIFICATION_TENANT_PENDING_LIMIT` (100000): a tenant's API requests are refused (429)
    /// while it has this many notifications pending, so one tenant cannot fill the queue.
    var tenantPendingLimit: Int = 100_000

    init(
        maxAttempts: Int = 8, backoffBase: Duration = .seconds(1), backoffMax: Duration = .seconds(3_600), concurrency: Int = 32,
        destinationConcurrency: Int = 4, perTenantBatch: Int = 8, timeout: Duration = .seconds(10), pollInterval: Duration = .milliseconds(250)
    ) {
        self.maxAttempts = maxAttempts
        self.backoffBase = backoffBase
        self.backoffMax = backoffMax
        self.concurrency = concurrency
        self.destinationConcurrency = destinationConcurrency
        self.perTenantBatch = perTenantBatch
        self.timeout = timeout
        self.pollInterval = pollInterval
    }

    init(environment: EnvironmentReader) throws {
        self.init(
            maxAttempts: try environment.int("GM_NOTIFICATION_MAX_ATTEMPTS", default: 8, in: 1...50),
            backoffBase: .milliseconds(try environment.int("GM_NOTIFICATION_BACKOFF_BASE_MS", default: 1_000, in: 1...3_600_000)),
            backoffMax: .milliseconds(try environment.int("GM_NOTIFICATION_BACKOFF_MAX_MS", default: 3_600_000, in: 1...86_400_000)),
            concurrency: try environment.int("GM_NOTIFICATION_CONCURRENCY", default: 32, in: 1...1_024),
            destinationConcurrency: try environment.int("GM_NOTIFICATION_DESTINATION_CONCURRENCY", default: 4, in: 1...256),
            perTenantBatch: try environment.int("GM_NOTIFICATION_PER_TENANT_BATCH", default: 8, in: 1...1_000),
            timeout: .milliseconds(try environment.int("GM_NOTIFICATION_DELIVERY_TIMEOUT_MS", default: 10_000, in: 100...120_000)),
            pollInterval: .milliseconds(try environment.int("GM_NOTIFICATION_POLL_INTERVAL_MS", default: 250, in: 10...60_000)))
        tenantPendingLimit = try environment.int("GM_NOTIFICATION_TENANT_PENDING_LIMIT", default: 100_000, in: 1...100_000_000)
        for (channel, fallback) in channelConcurrency {
            channelConcurrency[channel] = try environment.int(
                "GM_NOTIFICATION_\(channel.rawValue.uppercased())_CONCURRENCY", default: fallback, in: 1...1_024)
        }
    }

    /// The wait before attempt `attempt + 1` after `attempt` failed: exponential with jitter,
    /// never shorter than the receiver's `Retry-After`, never longer than the larger of the two
    /// limits (a receiver may ask for more than `backoffMax`, up to a day).
    func delay(afterAttempt attempt: Int, retryAfter: Duration?, random: Double) -> Duration {
        let exponent = min(max(attempt - 1, 0), 40)
        let ceiling = min(backoffMax, backoffBase * Double(1 << min(exponent, 30)))
        let jittered = ceiling * (0.5 + 0.5 * min(max(random, 0), 1))
        guard let retryAfter else { return jittered }
        return max(jittered, min(retryAfter, .seconds(86_400)))
    }
}
