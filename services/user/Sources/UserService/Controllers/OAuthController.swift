import Foundation
import GameMetricsAuth
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

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get(".well-known/oauth-authorization-server", use: discovery)
        router.get(".well-known/jwks.json", use: jwks)
        router.post("oauth/token", use: token)
    }

    @Sendable func discovery(_ request: Request, context: AppRequestContext) async throws -> Response {
        Self.json(.ok, [
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
        var response = Self.json(.ok, keys.jwks)
        response.headers[.cacheControl] = "public, max-age=300"
        return response
    }

    @Sendable func token(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard request.headers[.contentType]?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true else {
            return Self.oauthError(.badRequest, "invalid_request", "The body must be application/x-www-form-urlencoded.")
        }
        let body = try await request.body.collect(upTo: 16 * 1024)
        let form = Self.formFields(String(buffer: body))
        guard let grantType = form["grant_type"] else {
            return Self.oauthError(.badRequest, "invalid_request", "grant_type is required.")
        }
        if let response = try await operatorGrants.handle(grantType: grantType, form: form) { return response }
        guard grantType == "client_credentials" else {
            return Self.oauthError(
                .badRequest, "unsupported_grant_type",
                "Supported grants: client_credentials, authorization_code, refresh_token.")
        }
        guard let (clientID, secret) = Self.basicCredentials(request.headers[.authorization]) else {
            return Self.oauthError(.unauthorized, "invalid_client", "Client authentication (HTTP Basic) is required.")
        }
        // A NUL or other control character would only make PostgreSQL fail; no client id has one.
        guard OAuthResponse.isPrintable(clientID),
              let client = try await tenants.activeClient(clientID, secretFingerprint: OpaqueToken.fingerprint(secret))
        else {
            return Self.oauthError(.unauthorized, "invalid_client", "Unknown client or wrong secret.")
        }
        let scope = form["scope"] ?? client.roles.joined(separator: " ")
        let requested = Set(scope.split(separator: " ").map(String.init))
        guard requested.isSubset(of: Set(client.roles)) else {
            return Self.oauthError(.badRequest, "invalid_scope", "The client may ask only for its roles: \(client.roles.joined(separator: " ")).")
        }
        let issued = try tokens.issue(
            subject: client.clientID, tenantID: client.tenantID, roles: requested.sorted(), clientID: client.clientID,
            scope: requested.sorted().joined(separator: " "))
        var response = Self.json(.ok, [
            "access_token": .string(issued.token),
            "token_type": .string("Bearer"),
            "expires_in": .number(String(issued.expiresIn)),
            "scope": .string(requested.sorted().joined(separator: " ")),
        ] as [String: JSONValue])
        response.headers[.cacheControl] = "no-store"
        return response
    }

    /// `Authorization: Basic base64(client_id:client_secret)`.
    static func basicCredentials(_ header: String?) -> (String, String)? {
        guard let header, header.count > 6, header.prefix(6).lowercased() == "basic ",
              let decoded = Data(base64Encoded: String(header.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
              let text = String(data: decoded, encoding: .utf8),
              let colon = text.firstIndex(of: ":")
        else { return nil }
        let id = String(text[..<colon]).removingPercentEncoding ?? ""
        let secret = String(text[text.index(after: colon)...]).removingPercentEncoding ?? ""
        return id.isEmpty || secret.isEmpty ? nil : (id, secret)
    }

    static func formFields(_ body: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (part: Substring) in part.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "" }
            fields[decode(parts[0])] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return fields
    }

    static func oauthError(_ status: HTTPResponse.Status, _ code: String, _ description: String) -> Response {
        var response = json(status, ["error": .string(code), "error_description": .string(description)] as [String: JSONValue])
        if status == .unauthorized { response.headers[.wwwAuthenticate] = #"Basic realm="gamemetrics""# }
        response.headers[.cacheControl] = "no-store"
        return response
    }

    static func json(_ status: HTTPResponse.Status, _ value: some Encodable) -> Response {
        let body = (try? JSONEncoder.api.encode(value)) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
