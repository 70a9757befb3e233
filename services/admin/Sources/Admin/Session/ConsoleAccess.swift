import Foundation
import GameMetricsAuth
import GameMetricsHTTP
import Hummingbird
import Logging

/// Who is at the console: resolves the session cookie to a ``ConsoleSession`` (renewing its
/// access token shortly before it expires) and checks every form post's origin and CSRF token.
struct ConsoleAccess: Sendable {
    let store: SessionStore
    let tokens: OperatorTokens
    let settings: AdminSettings
    let logger: Logger
    /// Renew the access token when it has less than this left.
    static let renewBefore: TimeInterval = 60

    /// The signed-in operator's session, or a redirect to the login (``ConsoleRedirect``).
    func session(_ request: Request) async throws -> SignedIn {
        guard let id = SessionCookie.value(in: request), let session = try await store.session(id: id) else {
            throw ConsoleRedirect.login(returnTo: request.method == .get ? request.uri.path : "/overview")
        }
        guard session.accessExpiresAt.timeIntervalSinceNow < Self.renewBefore else { return SignedIn(id: id, session: session) }
        return SignedIn(id: id, session: try await renewed(session, id: id))
    }

    /// A form post's fields, once its Origin is this console's and its `csrf_token` is the session's.
    func form(_ request: Request, of signedIn: SignedIn) async throws -> [String: String] {
        let body = try await request.body.collect(upTo: 65_536)
        let fields = (try? URLEncodedFormDecoder().decode([String: String].self, from: String(buffer: body))) ?? [:]
        let origin = request.headers[.origin]
        let sameOrigin = origin == nil || origin == settings.origin
        let token = fields["csrf_token"] ?? ""
        guard sameOrigin, Self.constantTimeEqual(token, signedIn.session.csrfToken) else {
            ConsoleMetrics.csrfRefused.increment()
            logger.warning("form post refused: CSRF check", metadata: ["origin": "\(origin ?? "none")", "path": "\(request.uri.path)"])
            throw ConsolePageError.forbidden("This form was not sent from a page of this console (its security token is missing or stale). Reload the page and try again.")
        }
        return fields
    }

    /// The session with a fresh access token. Several requests may find it expiring at once, and
    /// the user service revokes a whole login when a refresh token is used twice: one renews
    /// (a Redis lock across replicas), the others wait for its result.
    private func renewed(_ session: ConsoleSession, id: String) async throws -> ConsoleSession {
        let lock = SessionStore.prefix + "renewing:" + OpaqueToken.fingerprint(id)
        if try await store.redis.set(lock, "1", ttl: .seconds(15), onlyIfAbsent: true) {
            let outcome: Result<ConsoleSession, any Error>
            do {
                let tokens = try await tokens.refresh(session.refreshToken)
                var renewed = session
                renewed.accessToken = tokens.accessToken
                renewed.refreshToken = tokens.refreshToken
                renewed.accessExpiresAt = Date().addingTimeInterval(TimeInterval(tokens.expiresIn))
                try await store.save(renewed, id: id)
                outcome = .success(renewed)
            } catch {
                outcome = .failure(error)
            }
            _ = try? await store.redis.delete(lock)
            switch outcome {
            case .success(let renewed): return renewed
            case .failure(TokenEndpointError.refused):
                // The login was revoked or has ended: sign in again.
                try await store.delete(id: id)
                throw ConsoleRedirect.login(returnTo: "/overview")
            case .failure(let error): throw error
            }
        }
        for _ in 0..<30 {
            try await Task.sleep(for: .milliseconds(100))
            if let current = try await store.session(id: id), current.accessExpiresAt.timeIntervalSinceNow >= Self.renewBefore { return current }
        }
        throw ConsoleRedirect.login(returnTo: "/overview")
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let (x, y) = (Array(a.utf8), Array(b.utf8))
        guard x.count == y.count, !x.isEmpty else { return false }
        return zip(x, y).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

/// A request's signed-in operator: the session and its id (the cookie's value).
struct SignedIn: Sendable {
    let id: String
    let session: ConsoleSession
}
