import Foundation
import GameMetricsAuth
import GameMetricsHTTP
import GameMetricsKit
import Hummingbird

/// Token introspection (RFC 7662) at `POST /oauth/introspect`, for platform-admin service
/// clients only (HTTP Basic client credentials, or a platform-admin bearer token). Access tokens
/// are verified as JWTs; refresh tokens are looked up. Anything unknown, expired, rotated or
/// revoked is `{"active":false}` and nothing more.
struct IntrospectionController: Sendable {
    let tenants: any TenantRepository
    let keys: SigningKeyStore
    let refreshTokens: any RefreshTokenRepository

    func addRoutes(to router: Router<AppRequestContext>) {
        router.post("oauth/introspect", use: introspect)
    }

    @Sendable func introspect(_ request: Request, context: AppRequestContext) async throws -> Response {
        if let (id, secret) = OAuthResponse.basicCredentials(request.headers[.authorization]) {
            guard OAuthResponse.isPrintable(id),
                let client = try await tenants.activeClient(id, secretFingerprint: OpaqueToken.fingerprint(secret))
            else {
                return RevocationController.unauthorized()
            }
            guard client.roles.contains(Identity.Role.platformAdmin.rawValue) else { return Self.forbidden() }
        } else if let identity = context.identity {
            guard identity.has(.platformAdmin) else { return Self.forbidden() }
        } else {
            return RevocationController.unauthorized()
        }
        guard let form = try await OAuthResponse.form(request) else {
            return OAuthResponse.error(.badRequest, "invalid_request", "The body must be application/x-www-form-urlencoded.")
        }
        guard let token = form["token"], !token.isEmpty else {
            return OAuthResponse.error(.badRequest, "invalid_request", "token is required.")
        }
        if token.hasPrefix(OpaqueToken.refreshTokenPrefix), token.utf8.count <= 256,
            let stored = try await refreshTokens.token(fingerprint: OpaqueToken.fingerprint(token)), stored.isActive()
        {
            return OAuthResponse.json(
                .ok,
                [
                    "active": .bool(true),
                    "token_type": .string("refresh_token"),
                    "client_id": .string(stored.clientID),
                    "sub": .string(stored.operatorID.uuidString),
                    "tenant_id": .string(stored.tenantID),
                    "scope": .string(stored.scope),
                    "iat": .number(String(Int(stored.createdAt.timeIntervalSince1970))),
                    "exp": .number(String(Int(stored.expiresAt.timeIntervalSince1970))),
                ] as [String: JSONValue])
        }
        if let claims = try? await keys.verify(token) {
            var body: [String: JSONValue] = [
                "active": .bool(true),
                "token_type": .string("Bearer"),
                "sub": .string(claims.subject),
                "tenant_id": .string(claims.tenantID),
                "roles": .array(claims.roles.map(JSONValue.string)),
                "scope": .string(claims.scope),
                "iss": .string(claims.issuer),
                "aud": .array(claims.audience.map(JSONValue.string)),
                "jti": .string(claims.tokenID),
                "iat": .number(String(Int(claims.issuedAt.timeIntervalSince1970))),
                "nbf": .number(String(Int(claims.notBefore.timeIntervalSince1970))),
                "exp": .number(String(Int(claims.expiresAt.timeIntervalSince1970))),
            ]
            if let clientID = claims.clientID { body["client_id"] = .string(clientID) }
            return OAuthResponse.json(.ok, body)
        }
        return OAuthResponse.json(.ok, ["active": JSONValue.bool(false)])
    }

    static func forbidden() -> Response {
        OAuthResponse.error(.forbidden, "insufficient_scope", "Introspection needs a platform-admin client.")
    }
}
