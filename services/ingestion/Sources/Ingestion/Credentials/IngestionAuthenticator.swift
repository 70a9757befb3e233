import GameMetricsAuth
import GameMetricsHTTP
import GameMetricsKit
import GameMetricsService
import HTTPTypes
import Hummingbird
import Logging

/// Establishes the writing tenant from `X-API-Key` (a write key, resolved through the cached
/// directory) or `Authorization: Bearer` (a user-service JWT with at least the operator role,
/// whose tenant's limit is looked up the same way).
///
/// A write key's MAC is checked first, so a forged key costs one HMAC and no lookup; legacy keys
/// (no MAC) are looked up only while `acceptLegacyWriteKeys` is on. Keys nobody has an answer for
/// are looked up within the peer's budget of failed lookups (`failedLookups`).
struct IngestionAuthenticator: Sendable {
    static let apiKeyHeader = HTTPField.Name("X-API-Key")!

    let directory: any CredentialDirectory
    /// Read on every key: a rotated secret applies from the next request.
    let writeKeyMAC: ReloadingSecret<WriteKeyMAC>
    let acceptLegacyWriteKeys: Bool
    let writeKeys: CredentialCache<TenantCredential>
    let tenantLimits: CredentialCache<Int>
    let failedLookups: FailedLookupLimiter
    let trustedProxies: Int
    let tokenVerifier: any AccessTokenVerifier
    let retryAfterSeconds: Int
    let logger: Logger

    func authenticate(_ request: Request, remoteAddress: String?) async throws -> TenantCredential {
        if let key = request.headers[Self.apiKeyHeader] {
            let peer = ForwardedClientAddress.of(request.headers, remoteAddress: remoteAddress, trustedProxies: trustedProxies)
            return try await writeKey(key, peer: peer)
        }
        if let authorization = request.headers[.authorization], authorization.prefix(7).lowercased() == "bearer " {
            return try await bearer(String(authorization.dropFirst(7)))
        }
        throw APIError(
            .unauthorized, code: "unauthorized",
            message: "Send a write key in X-API-Key or an access token in Authorization: Bearer.",
            headers: [.wwwAuthenticate: "Bearer"])
    }

    private func writeKey(_ key: String, peer: String) async throws -> TenantCredential {
        // Only keys the user service could have issued are worth a lookup.
        let legacy: Bool
        switch writeKeyMAC.current.verify(key) {
        case .authentic:
            legacy = false
        case .legacy where acceptLegacyWriteKeys:
            legacy = true
        case .legacy:
            IngestionMetrics.legacyDisabledKeys.increment()
            throw Self.legacyKey
        case .forged:
            IngestionMetrics.forgedKeys.increment()
            throw Self.invalidKey
        case .malformed:
            IngestionMetrics.malformedKeys.increment()
            throw Self.invalidKey
        }
        let directory = self.directory
        let credential: TenantCredential?
        do {
            credential = try await writeKeys.value(for: key, admission: failedLookups.admission(for: peer)) {
                try await directory.resolveWriteKey(key)
            }
        } catch let refused as CredentialCache<TenantCredential>.LookupRefused {
            IngestionMetrics.lookupsThrottled.increment()
            throw APIError(
                .tooManyRequests, code: "too_many_failed_lookups",
                message: "Too many unknown write keys from this address; retry later.",
                headers: [.retryAfter: String(RateDecision.retryAfterSeconds(refused.retryAfter))])
        } catch {
            throw unavailable(error)
        }
        guard let credential else { throw Self.invalidKey }
        if legacy { IngestionMetrics.legacyWriteKey(tenant: credential.tenantID).increment() }
        return credential
    }

    private func bearer(_ token: String) async throws -> TenantCredential {
        let claims: AccessTokenClaims
        do {
            claims = try await tokenVerifier.verify(token)
        } catch let error as JWTError {
            throw APIError(
                .unauthorized, code: "invalid_token", message: "The access token is not valid: \(error).",
                headers: [.wwwAuthenticate: #"Bearer error="invalid_token""#])
        } catch {
            throw unavailable(error)
        }
        let identity = Identity(
            tenantID: claims.tenantID, subject: claims.subject,
            roles: Set(claims.roles.compactMap(Identity.Role.init(rawValue:))))
        guard identity.has(.operator) else {
            throw APIError(.forbidden, code: "forbidden", message: "Writing events needs the operator role.")
        }
        let directory = self.directory
        let limit: Int?
        do {
            limit = try await tenantLimits.value(for: claims.tenantID) { try await directory.requestLimit(ofTenant: claims.tenantID) }
        } catch {
            throw unavailable(error)
        }
        guard let limit else { throw Self.invalidKey }
        return TenantCredential(tenantID: claims.tenantID, requestsPerSecondLimit: limit)
    }

    private static let invalidKey = APIError(
        .unauthorized, code: "invalid_credential", message: "The credential is unknown, revoked, or its tenant no longer exists.",
        headers: [.wwwAuthenticate: "Bearer"])

    private static let legacyKey = APIError(
        .unauthorized, code: "invalid_credential",
        message: "This write key predates signed keys and is no longer accepted; reissue it (POST /v1/write-keys/{id}/reissue at the user service).",
        headers: [.wwwAuthenticate: "Bearer"])

    private func unavailable(_ error: any Error) -> APIError {
        logger.warning("credential lookup failed", metadata: ["error": "\(error)"])
        return APIError(
            .serviceUnavailable, code: "credentials_unavailable",
            message: "Credentials cannot be checked right now; retry later.",
            headers: [.retryAfter: String(retryAfterSeconds)])
    }
}
