import Foundation
import GameMetricsKit
import Logging
import Testing

@testable import Ingestion

@Suite("admission building blocks")
struct AdmissionTests {
    @Test("a token bucket admits its capacity at once, then its rate")
    func tokenBucket() {
        let start = ContinuousClock.now
        var bucket = TokenBucket(rate: 100, capacity: 10, now: start)
        let admitted = (0..<20).filter { _ in bucket.take(now: start) == nil }.count
        #expect(admitted == 10)
        let wait = bucket.take(now: start)
        #expect(wait != nil && wait! <= .milliseconds(10))
        #expect(bucket.take(now: start + .milliseconds(10)) == nil)
        #expect(bucket.take(now: start + .milliseconds(10)) != nil)
    }

    @Test("Retry-After rounds up to whole seconds and is at least one")
    func retryAfterSeconds() {
        #expect(RateDecision.retryAfterSeconds(.milliseconds(3)) == 1)
        #expect(RateDecision.retryAfterSeconds(.seconds(2)) == 2)
        #expect(RateDecision.retryAfterSeconds(.milliseconds(2001)) == 3)
    }

    @Test("the limiter draws leases from its ledger and throttles when the ledger runs dry")
    func limiterUsesLeases() async {
        let ledger = CountingLedger(available: 30)
        let limiter = TenantRateLimiter(ledger: ledger, burstSeconds: 1, leaseSeconds: 0.1, logger: Logger(label: "test"))
        var allowed = 0
        for _ in 0..<50 where await limiter.admit(tenant: "t", limit: 100) == .allowed { allowed += 1 }
        // Unspent tokens of a lease expire after a second, which a machine busy with other tests
        // can reach mid-loop: fewer may be admitted, never more.
        #expect(allowed <= 30, "never more than the ledger granted")
        #expect(allowed >= 10, "at least the first lease is spent")
        #expect(await ledger.calls <= 6, "leases of 10 tokens, not a call per request")
    }

    @Test("without its ledger the limiter falls back to an exact local bucket")
    func limiterFallsBackWhenLedgerFails() async {
        let limiter = TenantRateLimiter(ledger: FailingLedger(), burstSeconds: 1, logger: Logger(label: "test"))
        var allowed = 0
        for _ in 0..<30 where await limiter.admit(tenant: "t", limit: 20) == .allowed { allowed += 1 }
        #expect(allowed == 20)
    }

    @Test("recent event ids forget the oldest generation when the capacity is reached")
    func recentIDsAreBounded() {
        let recent = RecentEventIDs(window: .seconds(60), capacity: 4)
        let events = (0..<6).map { _ in PlayerEvent(eventID: UUID(), tenantID: "t", playerID: "p", type: .pageView, occurredAt: Date()) }
        recent.remember(events, tenantID: "t")
        #expect(recent.count <= 4)
        #expect(recent.unseen([events[5]], tenantID: "t").duplicates == 1, "the newest id is remembered")
        #expect(recent.unseen([events[0]], tenantID: "t").duplicates == 0, "the oldest generation was dropped")
    }
}

/// A ledger with a fixed number of tokens in total.
actor CountingLedger: RateLimitLedger {
    private var available: Int
    private(set) var calls = 0

    init(available: Int) { self.available = available }

    func lease(tenant: String, rate: Int, capacity: Int, count: Int) async throws -> RateLease {
        calls += 1
        let granted = min(count, available)
        available -= granted
        return RateLease(granted: granted, retryAfter: granted < count ? .seconds(1) : .zero)
    }
}

struct FailingLedger: RateLimitLedger {
    struct Down: Error {}
    func lease(tenant: String, rate: Int, capacity: Int, count: Int) async throws -> RateLease { throw Down() }
}
