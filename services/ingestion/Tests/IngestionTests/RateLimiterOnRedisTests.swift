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
            let run = try await Self.saturate(tenant: "shared", limit: 500, for: .seconds(2), ledger: RedisRateLimitLedger(redis: redis))
            // At most the bucket (500) plus 500/s for the time the replicas ran, give or take the
            // unexpired lease slices (10 tokens each) they hold at the end; two local buckets would
            // admit about twice that. At least the bucket, less those slices: each replica ran
            // until the shared bucket refused it, so it had run dry, whatever the machine's speed.
            #expect(run.admitted >= 480 && Double(run.admitted) <= 500 + 500 * run.seconds + 40, "admitted \(run.admitted) in \(run.seconds) s")
        }
    }

    @Test("a tenant at its limit costs Redis about one call per lease slice, not one per token")
    func saturatedTenantLeasesWholeSlices() async throws {
        try await RedisTestServer.with { _, redis in
            let ledger = CallCountingLedger(base: RedisRateLimitLedger(redis: redis))
            let run = try await Self.saturate(tenant: "busy", limit: 500, for: .seconds(2), ledger: ledger)
            let calls = await ledger.calls
            // Slices of 10 tokens: one call per slice granted, plus at most one refusal per replica
            // per slice's worth of refill (20 ms). Leasing token by token once the bucket runs dry
            // costs one call per token.
            let slicePeriods = Int(run.seconds / 0.02) + 1
            #expect(calls <= run.admitted / 10 + 2 * slicePeriods + 20, "\(calls) ledger calls for \(run.admitted) admitted in \(run.seconds) s")
        }
    }

    /// Two replicas hammering one tenant, each until the shared bucket has refused it at least
    /// once and `duration` has passed; a refused caller retries after 1 ms.
    private static func saturate(
        tenant: String, limit: Int, for duration: Duration, ledger: some RateLimitLedger
    ) async throws -> (admitted: Int, seconds: Double) {
        let replicas = (0..<2).map { _ in TenantRateLimiter(ledger: ledger, burstSeconds: 1, logger: Logger(label: "test")) }
        let start = ContinuousClock.now
        let admitted = try await withThrowingTaskGroup(of: Int.self) { group in
            for replica in replicas {
                group.addTask {
                    var (admitted, refused) = (0, false)
                    while !refused || ContinuousClock.now - start < duration {
                        guard ContinuousClock.now - start < .seconds(60) else { break }
                        if await replica.admit(tenant: tenant, limit: limit) == .allowed {
                            admitted += 1
                        } else {
                            refused = true
                            try await Task.sleep(for: .milliseconds(1))
                        }
                    }
                    return admitted
                }
            }
            return try await group.reduce(0, +)
        }
        let elapsed = ContinuousClock.now - start
        return (admitted, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
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
