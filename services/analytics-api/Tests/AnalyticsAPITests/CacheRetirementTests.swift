import GameMetricsTesting
import Logging
import Redis
import Testing

@testable import AnalyticsAPI

@Suite("live deltas retire a tenant's cached answers, at most once per interval, never losing the last")
struct CacheRetirementTests {
    static let logger = Logger(label: "cache-retirement-test")

    static func generation(_ tenant: String, on redis: RedisClient) async throws -> Int {
        Int(try await redis.get(AnswerCache.generationKey(tenant: tenant)) ?? "0") ?? -1
    }

    @Test("the first delta retires at once, a burst within the interval is retired once when it ends, and other tenants are untouched")
    func burstsAreRetiredOnce() async throws {
        try await RedisTestServer.with { _, redis in
            let interval = Duration.milliseconds(400)
            let retirement = CacheRetirement(cache: AnswerCache(redis: redis, ttl: .seconds(60), logger: Self.logger), interval: interval, logger: Self.logger)
            try await withRunningServices([retirement]) {
                let start = ContinuousClock.now
                await retirement.deltaArrived(tenant: "a")
                #expect(try await Self.generation("a", on: redis) == 1, "the first delta retires at once")
                for _ in 0..<20 { await retirement.deltaArrived(tenant: "a") }
                let duringBurst = try await Self.generation("a", on: redis)
                // Read within the interval (a stalled machine may not manage that), the burst waits.
                if ContinuousClock.now - start < interval { #expect(duringBurst == 1) }
                try await eventually(.seconds(10)) { try await Self.generation("a", on: redis) == 2 }
                try await Task.sleep(for: interval * 3)
                #expect(try await Self.generation("a", on: redis) == 2, "twenty deltas in one interval retire once more, not twenty times")
                #expect(try await Self.generation("b", on: redis) == 0)
                // Quiet for longer than the interval: the next delta retires at once again.
                await retirement.deltaArrived(tenant: "a")
                #expect(try await Self.generation("a", on: redis) == 3)
            }
        }
    }

    @Test("with a zero interval every delta retires")
    func zeroIntervalRetiresEveryDelta() async throws {
        try await RedisTestServer.with { _, redis in
            let retirement = CacheRetirement(cache: AnswerCache(redis: redis, ttl: .seconds(60), logger: Self.logger), interval: .zero, logger: Self.logger)
            for _ in 0..<5 { await retirement.deltaArrived(tenant: "a") }
            let generation = try await Self.generation("a", on: redis)
            #expect(generation == 5)
        }
    }
}
