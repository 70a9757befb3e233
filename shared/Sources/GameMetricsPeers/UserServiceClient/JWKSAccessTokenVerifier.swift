import CurlHTTP
import Foundation
import GameMetricsAuth
import GameMetricsHTTP
import GameMetricsKit
import GameMetricsService
import HTTPTypes

/// Verifies the user service's access tokens against its published JWKS, held in a
/// `RefreshingValue`: fetched on first use by one caller for all, again when older than
/// `maximumAge`, and when a token names a key the set lacks (the user service rotated) — at most
/// once per `minimumRefetchInterval`, so a flood of forged `kid`s cannot turn into a flood of
/// JWKS fetches. While the user service cannot be reached the last fetched keys keep verifying
/// until they are `maximumStaleness` old.
/// Each key set keeps the tokens it has verified (``VerifiedTokens``): a repeated token costs a
/// lookup and its time checks, not a signature check.
public final class JWKSAccessTokenVerifier: AccessTokenVerifier {
    private struct KeySet: Sendable {
        let verifier: JWTVerifier
        let verified: VerifiedTokens

        func verify(_ token: String) throws -> AccessTokenClaims {
            let now = Date()
            if let known = verified.claims(of: token, now: now) { return known }
            let claims = try verifier.verify(token, as: AccessTokenClaims.self, now: now)
            verified.add(token, claims, now: now)
            return claims
        }
    }

    private let keys: RefreshingValue<KeySet>

    /// - Parameters:
    ///   - issuer: the `iss` tokens must carry (the user service's `GM_USER_ISSUER`).
    ///   - maximumAge: keys are refetched when older than this even without an unknown `kid`,
    ///     so a key the user service withdrew stops verifying.
    ///   - maximumStaleness: how long the last fetched keys verify while refetching fails.
    public init(
        userServiceURL: URL, issuer: String, audience: String = "gamemetrics", http: HTTPClient,
        minimumRefetchInterval: Duration = .seconds(10), maximumAge: Duration = .seconds(300),
        maximumStaleness: Duration = .seconds(900)
    ) {
        let jwksURL = userServiceURL.appendingPathComponent(".well-known/jwks.json")
        keys = RefreshingValue(freshFor: maximumAge, usableFor: maximumStaleness, minimumInterval: minimumRefetchInterval) {
            let set = try await UserServiceCall.json(JWKSet.self, http: http, request: HTTPRequest(method: .get, url: jwksURL))
            let verifier = JWTVerifier(keys: set.keys, issuer: issuer, audience: audience)
            return KeySet(verifier: verifier, verified: VerifiedTokens(leeway: verifier.leeway))
        }
    }

    public func verify(_ token: String) async throws -> AccessTokenClaims {
        do {
            return try await keys.value().verify(token)
        } catch JWTError.unknownKey {
            return try await keys.refresh().verify(token)
        }
    }
}
