import Foundation
import GameMetricsAuth
import Synchronization

/// Access tokens one key set has already verified, with their claims: a dashboard sends the same
/// token with every request, and its signature check was the largest share of a cached query's
/// CPU (docs/benchmarks.md). Only the exact token text verified before is found here; its time
/// claims are checked again on every use, so an expired token is refused as before. A new key
/// set starts empty (``JWKSAccessTokenVerifier``), so a token whose key the user service
/// withdrew is not accepted from here once the set is refetched. At most `capacity` tokens are
/// kept; a full set drops the expired ones, or all, before taking another.
final class VerifiedTokens: Sendable {
    private let tokens = Mutex<[String: AccessTokenClaims]>([:])
    let capacity: Int
    /// Clock skew tolerated on `exp` and `nbf`, as the verifier tolerates it.
    let leeway: TimeInterval

    init(capacity: Int = 10_000, leeway: TimeInterval) {
        self.capacity = capacity
        self.leeway = leeway
    }

    /// The claims of `token` if it was verified before and is still valid at `now`.
    func claims(of token: String, now: Date) -> AccessTokenClaims? {
        tokens.withLock { tokens in
            guard let claims = tokens[token] else { return nil }
            let time = now.timeIntervalSince1970
            guard time < claims.expiresAt.timeIntervalSince1970 + leeway, time + leeway >= claims.notBefore.timeIntervalSince1970 else {
                tokens[token] = nil
                return nil
            }
            return claims
        }
    }

    func add(_ token: String, _ claims: AccessTokenClaims, now: Date) {
        tokens.withLock { tokens in
            if tokens.count >= capacity {
                let time = now.timeIntervalSince1970
                tokens = tokens.filter { time < $0.value.expiresAt.timeIntervalSince1970 + leeway }
                if tokens.count >= capacity { tokens.removeAll(keepingCapacity: true) }
            }
            tokens[token] = claims
        }
    }
}
