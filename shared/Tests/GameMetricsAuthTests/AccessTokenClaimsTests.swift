import Foundation
import Testing
@testable import GameMetricsAuth

@Suite("AccessTokenClaims")
struct AccessTokenClaimsTests {
    @Test("claims serialise with registered and snake_case names and integer NumericDates")
    func jsonShape() throws {
        let claims = TokenFixtures.claims()
        let object = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(claims)) as? [String: Any])
        #expect(Set(object.keys) == ["iss", "sub", "aud", "exp", "iat", "nbf", "jti", "tenant_id", "roles", "client_id", "scope"])
        #expect(object["tenant_id"] as? String == "tenant-a")
        #expect(object["client_id"] as? String == "gmc_console")
        #expect(object["aud"] as? [String] == ["gamemetrics"])
        #expect(object["roles"] as? [String] == ["viewer", "operator"])
        #expect(object["scope"] as? String == "events:read analytics:read")
        let json = String(decoding: try JSONEncoder().encode(claims), as: UTF8.self)
        #expect(json.contains(#""exp":1750000900"#))
        #expect(json.contains(#""iat":1750000000"#))
    }

    @Test("fractional dates are truncated to whole seconds so claims survive a round trip")
    func wholeSeconds() throws {
        let issued = Date(timeIntervalSince1970: 1_750_000_000.75)
        let claims = AccessTokenClaims(
            issuer: "i", subject: "s", audience: ["a"], expiresAt: issued.addingTimeInterval(60),
            issuedAt: issued, tenantID: "t", roles: [], scope: "")
        #expect(claims.issuedAt.timeIntervalSince1970 == 1_750_000_000)
        #expect(claims.notBefore == claims.issuedAt)
        #expect(claims.clientID == nil)
        let decoded = try JSONDecoder().decode(AccessTokenClaims.self, from: JSONEncoder().encode(claims))
        #expect(decoded == claims)
        let object = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(claims)) as? [String: Any])
        #expect(object["client_id"] == nil)
    }

    @Test("a single-string aud decodes to a one-element audience")
    func singleAudience() throws {
        let json = #"""
            {"iss":"i","sub":"s","aud":"gamemetrics","exp":1750000900,"iat":1750000000,"nbf":1750000000,
             "jti":"j","tenant_id":"t","roles":["admin"],"scope":"a b"}
            """#
        let claims = try JSONDecoder().decode(AccessTokenClaims.self, from: Data(json.utf8))
        #expect(claims.audience == ["gamemetrics"])
        #expect(claims.scopes == ["a", "b"])
        #expect(claims.expiresAt == Date(timeIntervalSince1970: 1_750_000_900))
    }
}
