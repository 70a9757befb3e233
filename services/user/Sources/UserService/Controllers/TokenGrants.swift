import Foundation
import GameMetricsAuth
import GameMetricsKit
import Hummingbird

/// The token endpoint's operator grants: `authorization_code` (with PKCE S256, for the public
/// admin-dashboard client) and `refresh_token` (one-time tokens rotated within a family; a reused
/// token revokes its family). Errors use RFC 6749 §5.2's shape.
struct OperatorTokenGrants: Sendable {
    /// Absolute: rotation keeps the family's first expiry.
    static let refreshTokenLifetime: TimeInterval = 30 * 24 * 3600

    let codes: any AuthorizationCodeRepository
    let refreshTokens: any RefreshTokenRepository
    let operators: any OperatorRepository
    let tokens: AccessTokens

    static let grantTypes = ["authorization_code", "refresh_token"]

    func handle(grantType: String, form: [String: String]) async throws -> Response? {
        switch grantType {
        case "authorization_code": try await authorizationCode(form)
        case "refresh_token": try await refreshToken(form)
        default: nil
        }
    }

    func authorizationCode(_ form: [String: String]) async throws -> Response {
        let clientID: String
        switch try await publicClient(form) {
        case .success(let id): clientID = id
        case .failure(let refusal): return refusal.response
        }
        guard let code = form["code"], !code.isEmpty, code.utf8.count <= 256 else {
            return OAuthResponse.error(.badRequest, "invalid_request", "code is required.")
        }
        guard let redirectURI = form["redirect_uri"], !redirectURI.isEmpty else {
            return OAuthResponse.error(.badRequest, "invalid_request", "redirect_uri is required.")
        }
        guard let verifier = form["code_verifier"], !verifier.isEmpty else {
            return OAuthResponse.error(.badRequest, "invalid_request", "code_verifier is required (PKCE).")
        }
        let now = Date()
        let refresh = OpaqueToken.generate(prefix: OpaqueToken.refreshTokenPrefix)
        let result = try await codes.redeem(
            fingerprint: OpaqueToken.fingerprint(code),
            check: { code in
                if code.expiresAt <= now { return "The authorization code has expired." }
                if code.clientID != clientID { return "The authorization code was issued to another client." }
                if code.redirectURI != redirectURI { return "redirect_uri does not match the authorization request." }
                if !PKCE.verify(verifier: verifier, challenge: code.codeChallenge, method: PKCE.s256) {
                    return "The code_verifier does not match the code_challenge."
                }
                return nil
            },
            refreshToken: { code in
                RefreshToken(
                    fingerprint: OpaqueToken.fingerprint(refresh), familyID: UUID(), clientID: code.clientID,
                    tenantID: code.tenantID, operatorID: code.operatorID, scope: code.scope,
                    authorizationCode: code.fingerprint, createdAt: now,
                    expiresAt: now.addingTimeInterval(Self.refreshTokenLifetime))
            })
        switch result {
        case .unknown:
            return OAuthResponse.error(.badRequest, "invalid_grant", "The authorization code is not valid.")
        case .replayed:
            return OAuthResponse.error(
                .badRequest, "invalid_grant", "The authorization code was already used; tokens issued from it are revoked.")
        case .rejected(let reason):
            return OAuthResponse.error(.badRequest, "invalid_grant", reason)
        case .redeemed(_, let stored):
            return try await issue(for: stored, refreshToken: refresh, scope: nil)
        }
    }

    func refreshToken(_ form: [String: String]) async throws -> Response {
        let clientID: String
        switch try await publicClient(form) {
        case .success(let id): clientID = id
        case .failure(let refusal): return refusal.response
        }
        guard let presented = form["refresh_token"], !presented.isEmpty, presented.utf8.count <= 256 else {
            return OAuthResponse.error(.badRequest, "invalid_request", "refresh_token is required.")
        }
        let fingerprint = OpaqueToken.fingerprint(presented)
        var narrowed: [String]?
        if let scope = form["scope"] {
            let requested = scope.split(separator: " ").map(String.init)
            guard let current = try await refreshTokens.token(fingerprint: fingerprint), current.clientID == clientID else {
                return OAuthResponse.error(.badRequest, "invalid_grant", "The refresh token is not valid.")
            }
            guard !requested.isEmpty, Set(requested).isSubset(of: Set(current.scope.split(separator: " ").map(String.init))) else {
                return OAuthResponse.error(.badRequest, "invalid_scope", "The scope may only narrow the one originally granted.")
            }
            narrowed = requested
        }
        let next = OpaqueToken.generate(prefix: OpaqueToken.refreshTokenPrefix)
        switch try await refreshTokens.rotate(fingerprint: fingerprint, clientID: clientID, nextFingerprint: OpaqueToken.fingerprint(next)) {
        case .invalid:
            return OAuthResponse.error(.badRequest, "invalid_grant", "The refresh token is not valid.")
        case .reused:
            return OAuthResponse.error(
                .badRequest, "invalid_grant", "The refresh token was already used; every token of its login is revoked.")
        case .rotated(_, let stored):
            return try await issue(for: stored, refreshToken: next, scope: narrowed)
        }
    }

    /// Access token for the operator behind `stored`, with the granted roles the operator still
    /// holds. A disabled operator, or one left with none of them, ends the token family.
    private func issue(for stored: RefreshToken, refreshToken: String, scope: [String]?) async throws -> Response {
        let granted = Set(scope ?? stored.scope.split(separator: " ").map(String.init))
        guard let account = try await operators.activeOperator(stored.operatorID, tenant: stored.tenantID) else {
            try await refreshTokens.revokeFamily(stored.familyID)
            return OAuthResponse.error(.badRequest, "invalid_grant", "The operator account is disabled.")
        }
        let roles = granted.intersection(account.roles).sorted()
        guard !roles.isEmpty else {
            try await refreshTokens.revokeFamily(stored.familyID)
            return OAuthResponse.error(.badRequest, "invalid_grant", "The operator no longer holds any granted role.")
        }
        let scopeText = roles.joined(separator: " ")
        let issued = try tokens.issue(
            subject: account.id.uuidString, tenantID: account.tenantID, roles: roles,
            clientID: stored.clientID, scope: scopeText)
        return OAuthResponse.json(
            .ok,
            [
                "access_token": .string(issued.token),
                "token_type": .string("Bearer"),
                "expires_in": .number(String(issued.expiresIn)),
                "refresh_token": .string(refreshToken),
                "scope": .string(scopeText),
            ] as [String: JSONValue])
    }

    /// Public clients identify themselves with `client_id` in the body (RFC 6749 §3.2.1).
    private func publicClient(_ form: [String: String]) async throws -> Result<String, TokenRefusal> {
        guard let clientID = form["client_id"], !clientID.isEmpty else {
            return .failure(TokenRefusal(response: OAuthResponse.error(.badRequest, "invalid_request", "client_id is required.")))
        }
        guard OAuthResponse.isClientID(clientID), try await codes.client(clientID) != nil else {
            return .failure(
                TokenRefusal(
                    response: OAuthResponse.error(
                        .unauthorized, "invalid_client", "Unknown client.", headers: [.wwwAuthenticate: #"Basic realm="gamemetrics""#])))
        }
        return .success(clientID)
    }
}
