import Foundation
import GameMetricsAuth
import Testing

@testable import GameMetricsPeers

@Suite("tokens a key set verified are remembered only as their exact text and while their time claims hold")
struct VerifiedTokensTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func claims(tenant: String = "t", expiresIn seconds: TimeInterval) -> AccessTokenClaims {
        AccessTokenClaims(
            issuer: "http://user.test", subject: "s", audience: ["gamemetrics"], expiresAt: now + seconds, issuedAt: now, tenantID: tenant,
            roles: ["viewer"], scope: "")
    }

    @Test("a token is found until its exp plus the leeway, then forgotten; another text is never found")
    func expiry() {
        let tokens = VerifiedTokens(leeway: 30)
        tokens.add("a.b.c", Self.claims(expiresIn: 60), now: Self.now)
        #expect(tokens.claims(of: "a.b.c", now: Self.now)?.tenantID == "t")
        #expect(tokens.claims(of: "a.b.C", now: Self.now) == nil)
        #expect(tokens.claims(of: "a.b.c", now: Self.now + 89) != nil)
        #expect(tokens.claims(of: "a.b.c", now: Self.now + 90) == nil, "expired beyond the leeway")
        #expect(tokens.claims(of: "a.b.c", now: Self.now) == nil, "an expired token is forgotten, not kept")
    }

    @Test("a full set drops its expired tokens to take another, or all of them when none has expired")
    func capacity() {
        let tokens = VerifiedTokens(capacity: 2, leeway: 0)
        tokens.add("short", Self.claims(tenant: "short", expiresIn: 10), now: Self.now)
        tokens.add("long", Self.claims(tenant: "long", expiresIn: 1_000), now: Self.now)
        tokens.add("third", Self.claims(tenant: "third", expiresIn: 1_000), now: Self.now + 20)
        #expect(tokens.claims(of: "long", now: Self.now + 20)?.tenantID == "long")
        #expect(tokens.claims(of: "third", now: Self.now + 20)?.tenantID == "third")
        tokens.add("fourth", Self.claims(tenant: "fourth", expiresIn: 1_000), now: Self.now + 20)
        #expect(tokens.claims(of: "long", now: Self.now + 20) == nil && tokens.claims(of: "third", now: Self.now + 20) == nil)
        #expect(tokens.claims(of: "fourth", now: Self.now + 20)?.tenantID == "fourth")
    }
}
