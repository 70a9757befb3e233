import Foundation
import GameMetricsAuth
import JWTKit

/// ES256 access tokens: what every authenticated request verifies and every token request signs.
/// Ours is GameMetricsAuth (on swift-crypto); theirs is jwt-kit's JWTKeyCollection with the same
/// claims and the same checks (signature, exp, nbf, iss, aud).
enum JWTComparison {
    struct KitClaims: JWTPayload {
        var iss: IssuerClaim
        var sub: SubjectClaim
        var aud: AudienceClaim
        var exp: ExpirationClaim
        var iat: IssuedAtClaim
        var nbf: NotBeforeClaim
        var jti: IDClaim
        var tenant_id: String
        var roles: [String]
        var client_id: String?
        var scope: String

        func verify(using algorithm: some JWTAlgorithm) async throws {
            try exp.verifyNotExpired()
            try nbf.verifyNotBefore()
            try aud.verifyIntendedAudience(includes: "gamemetrics")
            guard iss.value == "http://issuer.example" else { throw JWTError.claimVerificationFailure(failedClaim: iss, reason: "issuer") }
        }
    }

    static func run(rounds: Int) async throws {
        let count = 5000
        let key = SigningKey.generate()
        let verifier = JWTVerifier(keys: [key.publicJWK], issuer: "http://issuer.example", audience: "gamemetrics")
        let now = Date()
        let claims = AccessTokenClaims(
            issuer: "http://issuer.example", subject: "gmc_bench", audience: ["gamemetrics"],
            expiresAt: now.addingTimeInterval(900), issuedAt: now, notBefore: now, tokenID: UUID().uuidString,
            tenantID: "demo-casino", roles: ["operator"], clientID: "gmc_bench", scope: "operator")
        let kitClaims = KitClaims(
            iss: "http://issuer.example", sub: "gmc_bench", aud: AudienceClaim(value: ["gamemetrics"]),
            exp: ExpirationClaim(value: claims.expiresAt), iat: IssuedAtClaim(value: claims.issuedAt),
            nbf: NotBeforeClaim(value: claims.notBefore), jti: IDClaim(value: claims.tokenID),
            tenant_id: "demo-casino", roles: ["operator"], client_id: "gmc_bench", scope: "operator")
        let keys = JWTKeyCollection()
        await keys.add(ecdsa: try ES256PrivateKey(pem: key.privateKeyPEM), kid: JWKIdentifier(string: key.kid))

        let tokens = try (0..<count).map { _ in try JWTSigner.sign(claims, with: key) }
        // Each side must accept the other's tokens, or they do not do the same work.
        _ = try await keys.verify(tokens[0], as: KitClaims.self)
        _ = try verifier.verify(try await keys.sign(kitClaims, kid: JWKIdentifier(string: key.kid)), as: AccessTokenClaims.self)

        var verified = 0
        try await Rounds(name: "jwt_verify: JWTVerifier.verify vs jwt-kit JWTKeyCollection.verify (ES256, same claims and checks)", operations: count, rounds: rounds).compare(
            ours: { for t in tokens where try verifier.verify(t, as: AccessTokenClaims.self).tenantID == "demo-casino" { verified += 1 } },
            theirs: { for t in tokens where try await keys.verify(t, as: KitClaims.self).tenant_id == "demo-casino" { verified += 1 } })
        var bytes = 0
        try await Rounds(name: "jwt_sign: JWTSigner.sign vs jwt-kit JWTKeyCollection.sign (ES256)", operations: count, rounds: rounds).compare(
            ours: { for _ in 0..<count { bytes += try JWTSigner.sign(claims, with: key).utf8.count } },
            theirs: { for _ in 0..<count { bytes += try await keys.sign(kitClaims, kid: JWKIdentifier(string: key.kid)).utf8.count } })
        if verified == 42 || bytes == 42 { print("unlikely") }
    }
}
