import Foundation
import GameMetricsAuth
import GameMetricsHTTP
import GameMetricsPeers
import GameMetricsService
import HTTPTypes
import Hummingbird
import Logging
import Redis

/// Login through the user service (OAuth 2 authorization code with PKCE S256, RFC 7636) and
/// logout that revokes the login's refresh tokens:
/// - `GET /login` starts a login: a verifier and a state kept in Redis, the state also in a
///   short-lived cookie of this browser, and a redirect to the user service's login form;
/// - `GET /auth/callback` takes the code back: the state must be this browser's and unused,
///   the code is redeemed with the verifier, the access token is verified (JWKS), and a session
///   starts;
/// - `POST /logout` (with the form token) revokes the refresh token and ends the session.
struct LoginController: Sendable {
    let access: ConsoleAccess
    let verifier: any AccessTokenVerifier
    let pages: ConsolePages
    let logger: Logger
    var renderer: PageRenderer { pages.renderer }

    static let stateCookie = "__Host-gm_admin_login"

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("login") { request, context in try await sessionsAnswer { try await login(request, context: context) } }
        router.get("auth/callback") { request, context in try await sessionsAnswer { try await callback(request, context: context) } }
        router.post("logout") { request, context in try await sessionsAnswer { try await logout(request, context: context) } }
    }

    /// Every step here reads or writes Redis; while it does not answer, a page saying so.
    private func sessionsAnswer(_ body: () async throws -> Response) async throws -> Response {
        do {
            return try await body()
        } catch is RedisError {
            return pages.sessionsUnavailable()
        }
    }

    @Sendable func login(_ request: Request, context: AppRequestContext) async throws -> Response {
        let returnTo = LocalPath.checked(request.uri.queryParameters.get("return_to"))
        let verifier = OpaqueToken.generate(bytes: 32)
        let state = OpaqueToken.generate(bytes: 24)
        try await access.store.begin(.init(verifier: verifier, returnTo: returnTo), state: state)
        var components = URLComponents(url: access.settings.userPublicURL.appendingPathComponent("oauth/authorize"), resolvingAgainstBaseURL: false)!
        components.queryItems = [
            URLQueryItem(name: "response_type", value: "code"), URLQueryItem(name: "client_id", value: access.settings.clientID),
            URLQueryItem(name: "redirect_uri", value: access.settings.redirectURI), URLQueryItem(name: "state", value: state),
            URLQueryItem(name: "code_challenge", value: PKCE.challenge(for: verifier)),
            URLQueryItem(name: "code_challenge_method", value: PKCE.s256),
        ]
        var headers = PageRenderer.securityHeaders
        headers[.location] = components.url!.absoluteString
        headers[.setCookie] = SessionCookie.header(Self.stateCookie, state, maxAge: 600)
        return Response(status: .seeOther, headers: headers)
    }

    @Sendable func callback(_ request: Request, context: AppRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        if let error = query.get("error") {
            return failure(.badRequest, "The user service did not complete the login (\(error)).", outcome: "refused")
        }
        guard let code = query.get("code"), let state = query.get("state"), request.cookies[Self.stateCookie]?.value == state,
            let pending = try await access.store.finish(state: state)
        else {
            return failure(.badRequest, "This login has expired, was already used, or was started in another browser. Log in again.", outcome: "refused")
        }
        let tokens: TokenSet
        do {
            tokens = try await access.tokens.redeem(code: code, verifier: pending.verifier, trace: context.trace.description)
        } catch TokenEndpointError.refused(let status, let error) {
            logger.notice("login code refused", metadata: ["status": "\(status)", "error": "\(error)"])
            return failure(.badRequest, "The user service refused the login (\(error)). Log in again.", outcome: "refused")
        } catch {
            logger.error("login code not redeemed", metadata: ["error": "\(error)"])
            return failure(.serviceUnavailable, "The user service cannot be reached to finish the login. Try again in a moment.", outcome: "failed")
        }
        guard let claims = try? await verifier.verify(tokens.accessToken) else {
            logger.error("the user service's access token did not verify")
            return failure(.serviceUnavailable, "The login could not be verified (the user service's keys). Try again in a moment.", outcome: "failed")
        }
        let session = ConsoleSession(
            tenantID: claims.tenantID, subject: claims.subject, roles: claims.roles, accessToken: tokens.accessToken,
            accessExpiresAt: Date().addingTimeInterval(TimeInterval(tokens.expiresIn)), refreshToken: tokens.refreshToken,
            csrfToken: OpaqueToken.generate(bytes: 32), createdAt: Date())
        guard session.has(.viewer) else {
            try? await access.tokens.revoke(tokens.refreshToken)
            return failure(.forbidden, "This login has no console role (viewer, operator or admin).", outcome: "refused")
        }
        let id = try await access.store.create(session)
        Self.count("completed")
        logger.info("operator signed in", metadata: ["tenant_id": "\(session.tenantID)", "subject": "\(session.subject)"])
        var headers = PageRenderer.securityHeaders
        headers[.location] = pending.returnTo
        headers.append(HTTPField(name: .setCookie, value: SessionCookie.set(id)))
        headers.append(HTTPField(name: .setCookie, value: SessionCookie.header(Self.stateCookie, "", maxAge: 0)))
        return Response(status: .seeOther, headers: headers)
    }

    @Sendable func logout(_ request: Request, context: AppRequestContext) async throws -> Response {
        let signedIn: SignedIn
        do {
            signedIn = try await access.session(request)
        } catch ConsoleRedirect.login {
            // No session came with the post (none, or another site's post without the cookie):
            // nothing to end, and no cookie to touch, or any site could sign the operator out.
            return ConsolePages.redirect(to: "/login")
        }
        do {
            _ = try await access.form(request, of: signedIn)
        } catch let error as ConsolePageError {
            return renderer.page("message", frame: .signedIn(signedIn.session, title: "Refused", current: ""), content: Message(error.message), status: error.status)
        }
        var note: String?
        do {
            try await access.tokens.revoke(signedIn.session.refreshToken, trace: context.trace.description)
        } catch {
            logger.error("refresh token not revoked at logout", metadata: ["error": "\(error)"])
            note = "The user service could not be reached to revoke this login everywhere; it ends when its refresh token expires."
        }
        try await access.store.delete(id: signedIn.id)
        logger.info("operator signed out", metadata: ["tenant_id": "\(signedIn.session.tenantID)", "subject": "\(signedIn.session.subject)"])
        return signedOut(note: note)
    }

    private func signedOut(note: String?) -> Response {
        var response = renderer.page("signed-out", frame: .signedOut(title: "Signed out"), content: Message(note ?? ""))
        response.headers.append(HTTPField(name: .setCookie, value: SessionCookie.cleared))
        return response
    }

    private func failure(_ status: HTTPResponse.Status, _ text: String, outcome: String) -> Response {
        Self.count(outcome)
        return renderer.page("login-failed", frame: .signedOut(title: "Login not completed"), content: Message(text), status: status)
    }

    private static func count(_ outcome: String) {
        switch outcome {
        case "completed": ConsoleMetrics.loginsCompleted.increment()
        case "refused": ConsoleMetrics.loginsRefused.increment()
        default: ConsoleMetrics.loginsFailed.increment()
        }
    }
}

/// A page whose content is one sentence.
struct Message: Sendable {
    let text: String
    init(_ text: String) { self.text = text }
}

/// A path on this console to return to after login: only a local absolute path, never another
/// origin (`//host`, `/\host`, a scheme), so the login cannot be turned into an open redirect.
enum LocalPath {
    static func checked(_ candidate: String?) -> String {
        guard let candidate, candidate.hasPrefix("/"), !candidate.hasPrefix("//"), !candidate.contains("\\"),
            candidate.utf8.count <= 512, candidate.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F })
        else { return "/overview" }
        return candidate
    }
}
