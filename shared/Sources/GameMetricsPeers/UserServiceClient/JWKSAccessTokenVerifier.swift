import CurlHTTP
import Foundation
import GameMetricsAuth
import GameMetricsHTTP
import GameMetricsKit
import GameMetricsService
import Synchronization

/// Verifies the user service's access tokens against its published JWKS. The key set is
/// fetched on first use and again when a token names a key it does not hold (the user service
/// rotated), at most once per `minimumRefetchInterval`, so a flood of forged `kid`s cannot turn
/// into a flood of JWKS fetches.
public final class JWKSAccessTokenVerifier: AccessTokenVerifier {
    private struct Keys: Sendable {
        let verifier: JWTVerifier
        let fetchedAt: ContinuousClock.Instant
    }

    private let jwksURL: String
    private let issuer: String
    private let audience: String
    private let http: HTTPClient
    private let minimumRefetchInterval: Duration
    private let maximumAge: Duration
    private let keys = Mutex<Keys?>(nil)

    /// - Parameters:
    ///   - issuer: the `iss` tokens must carry (the user service's `GM_USER_ISSUER`).
    ///   - maximumAge: keys are refetched when older than this even without an unknown `kid`,
    ///     so a key the user service withdrew stops verifying.
    public init(
        userServiceURL: URL, issuer: String, audience: String = "gamemetrics", http: HTTPClient,
        minimumRefetchInterval: Duration = .seconds(10), maximumAge: Duration = .seconds(300)
    ) {
        self.jwksURL = userServiceURL.appendingPathComponent(".well-known/jwks.json").absoluteString
        self.issuer = issuer
        self.audience = audience
        self.http = http
        self.minimumRefetchInterval = minimumRefetchInterval
        self.maximumAge = maximumAge
    }

    public func verify(_ token: String) async throws -> AccessTokenClaims {
        var current = keys.withLock { $0 }
        if current == nil || ContinuousClock.now - current!.fetchedAt > maximumAge {
            current = try await refresh()
        }
        let result = Result { () throws(JWTError) in try current!.verifier.verify(token, as: AccessTokenClaims.self) }
        if case .failure(.unknownKey) = result, ContinuousClock.now - current!.fetchedAt >= minimumRefetchInterval {
            return try await refresh().verifier.verify(token, as: AccessTokenClaims.self)
        }
        return try result.get()
    }

    private func refresh() async throws -> Keys {
        let response = try await http.execute(HTTPClientRequest(url: jwksURL, timeout: .seconds(5)))
        guard response.status == 200 else {
            throw UserServiceCallError.unexpectedStatus(response.status, url: jwksURL, body: response.bodyText)
        }
        guard let set = try? JSONDecoder().decode(JWKSet.self, from: Data(response.body)) else {
            throw UserServiceCallError.undecodable(url: jwksURL)
        }
        let fresh = Keys(verifier: JWTVerifier(keys: set.keys, issuer: issuer, audience: audience), fetchedAt: .now)
        keys.withLock { $0 = fresh }
        return fresh
    }
}
