import GameMetricsTesting
import Logging
import Redis
import Testing

@testable import Ingestion

@Suite("ingestion's rate limiter on one Redis")
struct RateLimiterOnRedisTests {
    @Test("two limiters sharing Redis admit together what one tenant bucket allows")
    func limitersShareTheRedisBucket() async throws {
        try await RedisTestServer.with { _, redis in
            let admitted = try await Self.saturate(tenant: "shared", limit: 500, for: .seconds(2), ledger: RedisRateLimitLedger(redis: redis))
            // The bucket holds 500 and refills 500/s: 1,500 in two seconds, give or take the
            // unexpired lease slices (10 tokens each) the replicas hold at the end.
            #expect(admitted >= 1_400 && admitted <= 1_540, "admitted \(admitted)")
        }
    }

    @Test("a tenant at its limit costs Redis about one call per lease slice, not one per token")
    func saturatedTenantLeasesWholeSlices() async throws {
        try await RedisTestServer.with { _, redis in
            let ledger = CallCountingLedger(base: RedisRateLimitLedger(redis: redis))
            let admitted = try await Self.saturate(tenant: "busy", limit: 500, for: .seconds(2), ledger: ledger)
            let calls = await ledger.calls
            // Slices of 10 tokens: one call per slice granted (about 150), plus at most one refusal
            // per replica per slice's worth of refill (20 ms): 2 × 100. Leasing token by token
            // once the bucket runs dry costs one call per token (well over 1,000).
            #expect(calls <= admitted / 10 + 2 * 100 + 20, "\(calls) ledger calls for \(admitted) admitted")
        }
    }

    /// Two replicas hammering one tenant for `duration`; a refused caller retries after 1 ms.
    private static func saturate(
        tenant: String, limit: Int, for duration: Duration, ledger: some RateLimitLedger
    ) async throws -> Int {
        let replicas = (0..<2).map { _ in TenantRateLimiter(ledger: ledger, burstSeconds: 1, logger: Logger(label: "test")) }
        let start = ContinuousClock.now
        return try await withThrowingTaskGroup(of: Int.self) { group in
            for replica in replicas {
                group.addTask {
                    var admitted = 0
                    while ContinuousClock.now - start < duration {
                        if await replica.admit(tenant: tenant, limit: limit) == .allowed {
                            admitted += 1
                        } else {
                            try await Task.sleep(for: .milliseconds(1))
                        }
                    }
                    return admitted
                }
            }
            return try await group.reduce(0, +)
        }
    }
}

/// The real ledger, counting the calls that reach it.
actor CallCountingLedger<Base: RateLimitLedger>: RateLimitLedger {
    private let base: Base
    private(set) var calls = 0

    init(base: Base) { self.base = base }

    func lease(tenant: String, rate: Int, capacity: Int, count: Int) async throws -> RateLease {
        calls += 1
        return try await base.lease(tenant: tenant, rate: rate, capacity: capacity, count: count)
    }
}
