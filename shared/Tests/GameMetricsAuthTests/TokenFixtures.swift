import Foundation
import Testing
@testable import GameMetricsAuth

/// Shared issuer, audience, clock and claims for the JWT and JWKS tests.
enum TokenFixtures {
    static let issuer = "https://user.gamemetrics.test"
    static let audience = "gamemetrics"
    static let now = Date(timeIntervalSince1970: 1_750_000_000)

    static func claims(expiresIn lifetime: TimeInterval = 900, tenantID: String = "tenant-a") -> AccessTokenClaims {
        AccessTokenClaims(
            issuer: issuer, subject: "user-42", audience: [audience],
            expiresAt: now.addingTimeInterval(lifetime), issuedAt: now, notBefore: now,
            tokenID: "jti-1", tenantID: tenantID, roles: ["viewer", "operator"],
            clientID: "gmc_console", scope: "events:read analytics:read")
    }

    static func verifier(_ keys: SigningKey..., leeway: TimeInterval = 30) -> JWTVerifier {
        JWTVerifier(keys: keys.map(\.publicJWK), issuer: issuer, audience: audience, leeway: leeway)
    }

    /// A correctly signed token with arbitrary header and payload JSON.
    static func token(header: String, payload: String, key: SigningKey) throws -> String {
        try JWTSigner.compact(headerJSON: Array(header.utf8), payloadJSON: Array(payload.utf8), key: key)
    }

    static func header(kid: String, alg: String = "ES256") -> String {
        #"{"alg":"\#(alg)","typ":"JWT","kid":"\#(kid)"}"#
    }

    /// Registered claims only, with `exp`/`nbf` relative to `now`; nil leaves a claim out.
    static func payload(
        exp: TimeInterval? = 900, nbf: TimeInterval? = nil, iss: String? = issuer,
        aud: String? = #""gamemetrics""#
    ) -> String {
        var members: [String] = []
        if let exp { members.append(#""exp":\#(Int(now.timeIntervalSince1970 + exp))"#) }
        if let nbf { members.append(#""nbf":\#(Int(now.timeIntervalSince1970 + nbf))"#) }
        if let iss { members.append(#""iss":"\#(iss)""#) }
        if let aud { members.append(#""aud":\#(aud)"#) }
        return "{" + members.joined(separator: ",") + "}"
    }

    /// The token with one segment replaced.
    static func replacing(segment index: Int, of token: String, with value: String) -> String {
        var parts = token.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        parts[index] = value
        return parts.joined(separator: ".")
    }

    static func decodedJSON(segment index: Int, of token: String) throws -> [String: Any] {
        let part = token.split(separator: ".", omittingEmptySubsequences: false)[index]
        let bytes = try #require(Base64URL.decode(part))
        return try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    }
}

/// Minimal registered-claims payload for tests that do not need the platform's claims.
struct RegisteredOnly: Decodable, Equatable {
    var iss: String
    var exp: Int
}
