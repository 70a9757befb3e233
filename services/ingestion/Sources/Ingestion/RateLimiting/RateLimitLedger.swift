/// The fleet-wide side of the limiter: one bucket per tenant that every replica draws from.
protocol RateLimitLedger: Sendable {
    /// Takes up to `count` tokens from the tenant's shared bucket (refilling at `rate` per second
    /// up to `capacity`). Fewer than asked means the bucket ran dry; `retryAfter` is then the
    /// time until a whole `count` is there again, so that a tenant at its limit costs one call
    /// per slice rather than one per token.
    func lease(tenant: String, rate: Int, capacity: Int, count: Int) async throws -> RateLease
}

struct RateLease: Sendable, Equatable {
    var granted: Int
    var retryAfter: Duration
}
