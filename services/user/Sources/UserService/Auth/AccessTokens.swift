import Foundation
import GameMetricsAuth

/// Issues the platform's access tokens: short-lived ES256 JWTs naming the tenant and roles.
struct AccessTokens: Sendable {
    static let audience = "gamemetrics"

    let keys: SigningKeyStore
    let issuer: String
    let lifetime: Duration

    struct Issued: Sendable {
        let token: String
        let expiresIn: Int
    }

    func issue(subject: String, tenantID: String, roles: [String], clientID: String?, scope: String) throws -> Issued {
        let now = Date()
        let seconds = Int(lifetime.components.seconds)
        let claims = AccessTokenClaims(
            issuer: issuer, subject: subject, audience: [Self.audience],
            expiresAt: now.addingTimeInterval(Double(seconds)), issuedAt: now, notBefore: now,
            tokenID: UUID().uuidString, tenantID: tenantID, roles: roles, clientID: clientID, scope: scope)
        return Issued(token: try JWTSigner.sign(claims, with: try keys.signingKey), expiresIn: seconds)
    }
}
