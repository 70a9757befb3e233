import Foundation
import GameMetricsAuth
import GameMetricsHTTP
import GameMetricsKit
import Hummingbird

/// The authorization server's public face: RFC 8414 discovery, the JWKS, and the token endpoint
/// (client credentials here; authorization code and refresh token in `OperatorTokenGrants`).
/// Token endpoint errors use RFC 6749's shape (`{"error":"invalid_client",...}`), which OAuth
/// client libraries parse, instead of the platform's error shape.
struct OAuthController<Tenants: TenantRepository> {
    let tenants: Tenants
    let tokens: AccessTokens
    let keys: SigningKeyStore
    let issuer: String
    let operatorGrants: OperatorTokenGrants

    /// RFC 6749 §5.2: a 401 for client authentication names the scheme to use.
    static var basicChallenge: HTTPFields { [.wwwAuthenticate: #"Basic realm="gamemetrics""#] }

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get(".well-known/oauth-authorization-server", use: discovery)
        router.get(".well-known/jwks.json", use: jwks)
        router.post("oauth/token", use: token)
    }

    @Sendable func discovery(_ request: Request, context: AppRequestContext) async throws -> Response {
        OAuthResponse.json(
            .ok,
            [
                "issuer": .string(issuer),
                "authorization_endpoint": .string(issuer + "/oauth/authorize"),
                "token_endpoint": .string(issuer + "/oauth/token"),
                "revocation_endpoint": .string(issuer + "/oauth/revoke"),
                "introspection_endpoint": .string(issuer + "/oauth/introspect"),
                "jwks_uri": .string(issuer + "/.well-known/jwks.json"),
                "grant_types_supported": .array(
                    (["client_credentials"] + OperatorTokenGrants.grantTypes).map(JSONValue.string)),
                // "none": public clients (the admin dashboard) send only client_id and prove
                // possession with PKCE.
                "token_endpoint_auth_methods_supported": .array([.string("client_secret_basic"), .string("none")]),
                "revocation_endpoint_auth_methods_supported": .array([.string("client_secret_basic"), .string("none")]),
                "introspection_endpoint_auth_methods_supported": .array([.string("client_secret_basic")]),
                "token_endpoint_auth_signing_alg_values_supported": .array([.string("ES256")]),
                "response_types_supported": .array([.string("code")]),
                "code_challenge_methods_supported": .array([.string(PKCE.s256)]),
                "scopes_supported": .array(Identity.Role.allCases.map { .string($0.rawValue) }),
            ] as [String: JSONValue])
    }

    @Sendable func jwks(_ request: Request, context: AppRequestContext) async throws -> Response {
        var response = OAuthResponse.json(.ok, keys.jwks)
        response.headers[.cacheControl] = "public, max-age=300"
        return response
    }

    @Sendable func token(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let form = try await OAuthResponse.form(request) else {
            return OAuthResponse.error(.badRequest, "invalid_request", "The body must be application/x-www-form-urlencoded.")
        }
        guard let grantType = form["grant_type"] else {
            return OAuthResponse.error(.badRequest, "invalid_request", "grant_type is required.")
        }
        if let response = try await operatorGrants.handle(grantType: grantType, form: form) { return response }
        guard grantType == "client_credentials" else {
            return OAuthResponse.error(
                .badRequest, "unsupported_grant_type",
                "Supported grants: client_credentials, authorization_code, refresh_token.")
        }
        guard let (clientID, secret) = OAuthResponse.basicCredentials(request.headers[.authorization]) else {
            return OAuthResponse.error(.unauthorized, "invalid_client", "Client authentication (HTTP Basic) is required.", headers: Self.basicChallenge)
        }
        // A NUL or other control character would only make PostgreSQL fail; no client id has one.
        guard OAuthResponse.isPrintable(clientID),
            let client = try await tenants.activeClient(clientID, secretFingerprint: OpaqueToken.fingerprint(secret))
        else {
            return OAuthResponse.error(.unauthorized, "invalid_client", "Unknown client or wrong secret.", headers: Self.basicChallenge)
        }
        let scope = form["scope"] ?? client.roles.joined(separator: " ")
        let requested = Set(scope.split(separator: " ").map(String.init))
        guard requested.isSubset(of: Set(client.roles)) else {
            return OAuthResponse.error(.badRequest, "invalid_scope", "The client may ask only for its roles: \(client.roles.joined(separator: " ")).")
        }
        let issued = try tokens.issue(
            subject: client.clientID, tenantID: client.tenantID, roles: requested.sorted(), clientID: client.clientID,
            scope: requested.sorted().joined(separator: " "))
        var response = OAuthResponse.json(
            .ok,
            [
                "access_token": .string(issued.token),
                "token_type": .string("Bearer"),
                "expires_in": .number(String(issued.expiresIn)),
                "scope": .string(requested.sorted().joined(separator: " ")),
            ] as [String: JSONValue])
        response.headers[.cacheControl] = "no-store"
        return response
    }
}
