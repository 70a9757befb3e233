import HTTPTypes
import Testing

@testable import Ingestion

@Suite("failed lookups are limited per peer, and the peer is the address a trusted proxy saw")
struct FailedLookupLimiterTests {
    @Test("a peer gets 20 failed lookups at once; lookups that found their key are given back; other peers are unaffected")
    func budgetPerPeer() {
        let limiter = FailedLookupLimiter(perSecond: 20)
        let attacker = limiter.admission(for: "203.0.113.9")
        #expect((0..<20).allSatisfy { _ in attacker.take() == nil })
        let refused = attacker.take()
        #expect(refused != nil && refused! <= .milliseconds(50))
        #expect(limiter.admission(for: "198.51.100.7").take() == nil, "another address has its own budget")

        let tenant = limiter.admission(for: "192.0.2.1")
        for _ in 0..<100 {
            #expect(tenant.take() == nil)
            tenant.refund()  // the key was known: not a failed lookup
        }
    }

    @Test("beyond the peers it can track, new peers share one bucket instead of growing memory")
    func boundedPeers() {
        let limiter = FailedLookupLimiter(perSecond: 20, maxPeers: 3)
        for peer in ["a", "b", "c"] { for _ in 0..<20 { _ = limiter.admission(for: peer).take() } }
        var admitted = 0
        for index in 0..<100 where limiter.admission(for: "new-\(index)").take() == nil { admitted += 1 }
        #expect(admitted <= 21, "all new peers together got one bucket's worth, \(admitted)")
    }
}
