import Foundation
import GameMetricsAuth
import GameMetricsHTTP
import GameMetricsKit
import HTTPTypes
import Hummingbird
import Synchronization

/// The authorization endpoint (RFC 6749 §4.1 with PKCE, RFC 7636) for public clients such as the
/// admin dashboard: `GET /oauth/authorize` shows the login form, `POST /oauth/authorize` checks
/// tenant, email and password and redirects to the registered URI with a one-time code.
/// Platform admins register public clients at `POST /v1/oauth-clients`.
///
/// Every refusal is a 4xx JSON answer in RFC 6749's error shape; the controller never redirects
/// an error, so a bad request cannot bounce the browser to an unchecked place.
struct AuthorizationController: Sendable {
    static let codeLifetime: TimeInterval = 60
    static let codePrefix = "gma_"

    let codes: any AuthorizationCodeRepository
    let operators: any OperatorRepository
    let limiter: LoginRateLimiter
    let hasher: PasswordHasher
    /// Proxies in front that append to X-Forwarded-For (`GM_TRUSTED_PROXIES`).
    let trustedProxies: Int
    let dummyHash = DummyPasswordHash()

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("oauth/authorize", use: loginForm)
        router.post("oauth/authorize", use: login)
        router.post("v1/oauth-clients", use: registerClient)
    }

    struct AuthorizationRequest: Sendable {
        var clientID: String
        var redirectURI: String
        var state: String?
        var codeChallenge: String
        var scope: [String]?
    }

    /// Checks the authorization request's parameters (query or form fields).
    func validate(_ fields: [String: String]) async throws -> Result<AuthorizationRequest, TokenRefusal> {
        func refuse(_ code: String, _ description: String) -> Result<AuthorizationRequest, TokenRefusal> {
            .failure(TokenRefusal(response: OAuthResponse.error(.badRequest, code, description)))
        }
        guard let clientID = fields["client_id"], !clientID.isEmpty else {
            return refuse("invalid_request", "client_id is required.")
        }
        guard OAuthResponse.isClientID(clientID), let client = try await codes.client(clientID) else { return refuse("invalid_client", "Unknown client.") }
        guard let redirectURI = fields["redirect_uri"], client.redirectURIs.contains(redirectURI) else {
            return refuse("invalid_request", "redirect_uri must be one the client registered.")
        }
        guard fields["response_type"] == "code" else {
            return refuse("unsupported_response_type", "response_type must be code.")
        }
        guard fields["code_challenge_method"] == PKCE.s256 else {
            return refuse("invalid_request", "PKCE is required: code_challenge_method must be S256.")
        }
        guard let challenge = fields["code_challenge"], challenge.utf8.count == 43, Base64URL.decode(challenge)?.count == 32 else {
            return refuse("invalid_request", "code_challenge must be the base64url SHA-256 of the code_verifier.")
        }
        let state = fields["state"].flatMap { $0.isEmpty ? nil : $0 }
        if let state, state.utf8.count > 1024 { return refuse("invalid_request", "state is too long.") }
        var scope: [String]?
        if let text = fields["scope"], !text.isEmpty {
            let roles = text.split(separator: " ").map(String.init)
            guard roles.allSatisfy({ Identity.Role(rawValue: $0).map(Identity.operatorRoles.contains) == true }) else {
                return refuse("invalid_scope", "scope lists roles: viewer, operator, admin, platform-admin.")
            }
            scope = roles
        }
        return .success(
            AuthorizationRequest(
                clientID: clientID, redirectURI: redirectURI, state: state, codeChallenge: challenge, scope: scope))
    }

    @Sendable func loginForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        var query: [String: String] = [:]
        for (name, value) in request.uri.queryParameters { query[String(name)] = String(value) }
        let authorization: AuthorizationRequest
        switch try await validate(query) {
        case .success(let valid): authorization = valid
        case .failure(let refusal): return refusal.response
        }
        let hidden: [(String, String)] = [
            ("response_type", "code"), ("client_id", authorization.clientID), ("redirect_uri", authorization.redirectURI),
            ("state", authorization.state ?? ""), ("code_challenge", authorization.codeChallenge),
            ("code_challenge_method", PKCE.s256), ("scope", authorization.scope?.joined(separator: " ") ?? ""),
        ]
        let inputs = hidden.map { #"<input type="hidden" name="\#($0.0)" value="\#(Self.html($0.1))">"# }.joined(separator: "\n")
        let page = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Sign in — GameMetrics Pro</title></head>
            <body>
            <h1>Sign in</h1>
            <form method="post" action="/oauth/authorize">
            \(inputs)
            <label>Tenant <input name="tenant" required autocomplete="organization"></label>
            <label>Email <input name="email" type="email" required autocomplete="username"></label>
            <label>Password <input name="password" type="password" required autocomplete="current-password"></label>
            <button type="submit">Sign in</button>
            </form>
            </body></html>
            """
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
                .contentSecurityPolicy: "default-src 'none'; form-action \(Self.formActionSources(redirectURI: authorization.redirectURI)); frame-ancestors 'none'",
                HTTPField.Name("X-Frame-Options")!: "DENY",
            ],
            body: .init(byteBuffer: ByteBuffer(string: page)))
    }

    /// Where the login form may send the browser: here, and on to the client's registered
    /// redirect URI (browsers apply `form-action` to the redirect that follows the post, so
    /// without the client's origin a successful login would stop at this page).
    static func formActionSources(redirectURI: String) -> String {
        guard let url = URLComponents(string: redirectURI), let scheme = url.scheme, let host = url.host, !host.isEmpty else { return "'self'" }
        return "'self' \(scheme)://\(host)" + (url.port.map { ":\($0)" } ?? "")
    }

    @Sendable func login(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let form = try await OAuthResponse.form(request) else {
            return OAuthResponse.error(.badRequest, "invalid_request", "The body must be application/x-www-form-urlencoded.")
        }
        let authorization: AuthorizationRequest
        switch try await validate(form) {
        case .success(let valid): authorization = valid
        case .failure(let refusal): return refusal.response
        }
        guard let tenant = form["tenant"], tenant.range(of: "^[a-z0-9][a-z0-9-]{1,62}$", options: .regularExpression) != nil,
            let email = form["email"], (3...254).contains(email.count), OAuthResponse.isPrintable(email),
            let password = form["password"], !password.isEmpty, password.utf8.count <= PasswordHasher.maximumPasswordBytes
        else {
            return OAuthResponse.error(.badRequest, "invalid_request", "tenant, email and password are required.")
        }
        let account = LoginRateLimiter.accountKey(tenant: tenant, email: email)
        // Behind trusted proxies the client is the entry the outermost one added; otherwise the peer.
        let address = ForwardedClientAddress.forwarded(request.headers, trustedProxies: trustedProxies) ?? context.remoteAddress
        let attemptID: UUID
        switch try await limiter.reserve(account: account, address: address) {
        case .allowed(let id):
            attemptID = id
        case .limited(let wait):
            return OAuthResponse.error(
                .tooManyRequests, "too_many_attempts", "Too many failed sign-ins; try again later.",
                headers: [.retryAfter: String(wait)])
        }
        // An unknown account costs the same scrypt run as a wrong password and answers the same.
        let credentials = try await operators.credentials(tenant: tenant, email: email)
        let hash: String
        if let credentials { hash = credentials.passwordHash } else { hash = await dummyHash.value(hasher) }
        let matches = await hasher.verify(password, against: hash)
        guard matches, let credentials else {
            // The attempt is already counted (see `LoginRateLimiter.reserve`).
            return OAuthResponse.error(.unauthorized, "access_denied", "Wrong tenant, email or password.")
        }
        try await limiter.succeeded(attemptID, account: account, address: address)
        if hasher.needsRehash(credentials.passwordHash) {
            let rehashed = try await hasher.hash(password)
            try await operators.updatePasswordHash(credentials.account.id, tenant: tenant, passwordHash: rehashed)
        }
        let roles = authorization.scope ?? credentials.account.roles
        guard Set(roles).isSubset(of: Set(credentials.account.roles)) else {
            return OAuthResponse.error(.badRequest, "invalid_scope", "The operator does not hold every requested role.")
        }
        let code = OpaqueToken.generate(prefix: Self.codePrefix)
        try await codes.store(
            AuthorizationCode(
                fingerprint: OpaqueToken.fingerprint(code), clientID: authorization.clientID, tenantID: tenant,
                operatorID: credentials.account.id, redirectURI: authorization.redirectURI,
                codeChallenge: authorization.codeChallenge, scope: roles.sorted().joined(separator: " "),
                expiresAt: Date().addingTimeInterval(Self.codeLifetime)))
        var location = authorization.redirectURI + (authorization.redirectURI.contains("?") ? "&" : "?")
        location += "code=" + OAuthResponse.queryEscaped(code)
        if let state = authorization.state { location += "&state=" + OAuthResponse.queryEscaped(state) }
        return Response(status: .found, headers: [.location: location, .cacheControl: "no-store"])
    }

    struct NewClient: Decodable {
        let clientID: String
        let name: String
        let redirectURIs: [String]

        enum CodingKeys: String, CodingKey {
            case clientID = "client_id"
            case name
            case redirectURIs = "redirect_uris"
        }
    }

    @Sendable func registerClient(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<AuthorizationCodeClient> {
        _ = try context.requireIdentity(.platformAdmin)
        let body = try await request.decode(as: NewClient.self, context: context)
        var errors: [FieldError] = []
        if !OAuthResponse.isClientID(body.clientID) {
            errors.append(FieldError(field: "client_id", reason: "invalid_format"))
        }
        if let problem = InputRules.nameProblem(body.name) { errors.append(FieldError(field: "name", reason: problem)) }
        if body.redirectURIs.isEmpty || body.redirectURIs.count > 10 || !body.redirectURIs.allSatisfy(Self.isAcceptableRedirect) {
            errors.append(FieldError(field: "redirect_uris", reason: "invalid_uri"))
        }
        guard errors.isEmpty else { throw APIError.badRequest("The client is not valid.", code: "invalid_client", details: errors) }
        let client = AuthorizationCodeClient(clientID: body.clientID, name: body.name, redirectURIs: body.redirectURIs)
        guard try await codes.register(client) else {
            throw APIError(.conflict, code: "client_exists", message: "A client with this id exists.")
        }
        return EditedResponse(status: .created, response: client)
    }

    /// Absolute https URIs without a fragment; plain http only on loopback (RFC 8252 §8.3).
    static func isAcceptableRedirect(_ text: String) -> Bool {
        guard text.utf8.count <= 2000, OAuthResponse.isPrintable(text), let components = URLComponents(string: text), components.fragment == nil,
            let host = components.host, !host.isEmpty
        else { return false }
        switch components.scheme {
        case "https": return true
        case "http": return ["127.0.0.1", "localhost", "[::1]", "::1"].contains(host)
        default: return false
        }
    }

    static func html(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}

/// A finished refusal, carried through `Result` by validation helpers.
struct TokenRefusal: Error {
    let response: Response
}

/// A hash of a random password, made once with the service's cost, that logins for unknown
/// accounts verify against so they take as long as a wrong password.
final class DummyPasswordHash: Sendable {
    private let stored = Mutex<String?>(nil)

    func value(_ hasher: PasswordHasher) async -> String {
        if let hash = stored.withLock({ $0 }) { return hash }
        let made = (try? await hasher.hash(OpaqueToken.generate())) ?? ""
        return stored.withLock { current in
            if current == nil { current = made }
            return current ?? made
        }
    }
}
