import Foundation
import GameMetricsAuth
import GameMetricsHTTP
import GameMetricsKit
import Hummingbird

/// Token revocation (RFC 7009) at `POST /oauth/revoke`. A public client names itself with
/// `client_id`; a service client authenticates with HTTP Basic. Revoking a refresh token revokes
/// its whole family (the login it belongs to). Unknown tokens and tokens of other clients get
/// 200 with nothing changed, as §2.2 asks. Access tokens are self-contained JWTs that expire
/// within minutes; they cannot be revoked and are answered `unsupported_token_type`.
struct RevocationController: Sendable {
    let tenants: any TenantRepository
    let codes: any AuthorizationCodeRepository
    let refreshTokens: any RefreshTokenRepository

    func addRoutes(to router: Router<AppRequestContext>) {
        router.post("oauth/revoke", use: revoke)
    }

    @Sendable func revoke(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let form = try await OAuthResponse.form(request) else {
            return OAuthResponse.error(.badRequest, "invalid_request", "The body must be application/x-www-form-urlencoded.")
        }
        let clientID: String
        if let (id, secret) = OAuthResponse.basicCredentials(request.headers[.authorization]) {
            guard OAuthResponse.isPrintable(id),
                let client = try await tenants.activeClient(id, secretFingerprint: OpaqueToken.fingerprint(secret))
            else {
                return Self.unauthorized()
            }
            clientID = client.clientID
        } else if let id = form["client_id"], OAuthResponse.isClientID(id), try await codes.client(id) != nil {
            clientID = id
        } else {
            return Self.unauthorized()
        }
        guard let token = form["token"], !token.isEmpty, token.utf8.count <= JWTVerifier.maximumTokenBytes else {
            return OAuthResponse.error(.badRequest, "invalid_request", "token is required.")
        }
        if let hint = form["token_type_hint"], !["refresh_token", "access_token"].contains(hint) {
            return OAuthResponse.error(.badRequest, "unsupported_token_type", "token_type_hint is refresh_token or access_token.")
        }
        if token.hasPrefix(OpaqueToken.refreshTokenPrefix) {
            if let stored = try await refreshTokens.token(fingerprint: OpaqueToken.fingerprint(token)), stored.clientID == clientID {
                try await refreshTokens.revokeFamily(stored.familyID)
            }
        } else if token.split(separator: ".", omittingEmptySubsequences: false).count == 3 {
            return OAuthResponse.error(
                .badRequest, "unsupported_token_type", "Access tokens cannot be revoked; they expire within minutes.")
        }
        return Response(status: .ok, headers: [.cacheControl: "no-store"])
    }

    static func unauthorized() -> Response {
        OAuthResponse.error(
            .unauthorized, "invalid_client", "Client authentication (HTTP Basic, or client_id of a public client) is required.",
            headers: [.wwwAuthenticate: #"Basic realm="gamemetrics""#])
    }
}
