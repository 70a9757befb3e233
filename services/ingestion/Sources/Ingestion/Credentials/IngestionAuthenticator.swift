import GameMetricsAuth
import GameMetricsKit
import GameMetricsService
import HTTPTypes
import Hummingbird
import Logging

/// Establishes the writing tenant from `X-API-Key` (a write key, resolved through the cached
/// directory) or `Authorization: Bearer` (a user-service JWT with at least the operator role,
/// whose tenant's limit is looked up the same way).
struct IngestionAuthenticator: Sendable {
    static let apiKeyHeader = HTTPField.Name("X-API-Key")!

    let directory: any CredentialDirectory
    let writeKeys: CredentialCache<TenantCredential>
    let tenantLimits: CredentialCache<Int>
    let tokenVerifier: any AccessTokenVerifier
    let retryAfterSeconds: Int
    let logger: Logger

    func authenticate(_ request: Request) async throws -> TenantCredential {
        if let key = request.headers[Self.apiKeyHeader] {
            return try await writeKey(key)
        }
        if let authorization = request.headers[.authorization], authorization.prefix(7).lowercased() == "bearer " {
            return try await bearer(String(authorization.dropFirst(7)))
        }
        throw APIError(.unauthorized, code: "unauthorized",
                       message: "Send a write key in X-API-Key or an access token in Authorization: Bearer.",
                       headers: [.wwwAuthenticate: "Bearer"])
    }

    private func writeKey(_ key: String) async throws -> TenantCredential {
        // Our keys are gmk_ plus base64url; anything else cannot resolve and is not worth a lookup.
        guard key.hasPrefix(OpaqueToken.writeKeyPrefix), key.utf8.count <= 200, key.utf8.allSatisfy(Self.isBase64URL)
        else { throw Self.invalidKey }
        let directory = self.directory
        let credential: TenantCredential?
        do {
            credential = try await writeKeys.value(for: key) { try await directory.resolveWriteKey(key) }
        } catch {
            throw unavailable(error)
        }
        guard let credential else { throw Self.invalidKey }
        return credential
    }

    private func bearer(_ token: String) async throws -> TenantCredential {
        let claims: AccessTokenClaims
        do {
            claims = try await tokenVerifier.verify(token)
        } catch let error as JWTError {
            throw APIError(.unauthorized, code: "invalid_token", message: "The access token is not valid: \(error).",
                           headers: [.wwwAuthenticate: #"Bearer error="invalid_token""#])
        } catch {
            throw unavailable(error)
        }
        let identity = Identity(tenantID: claims.tenantID, subject: claims.subject,
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

    private static func isBase64URL(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "_"): true
        default: false
        }
    }

    private static let invalidKey = APIError(
        .unauthorized, code: "invalid_credential", message: "The credential is unknown, revoked, or its tenant no longer exists.",
        headers: [.wwwAuthenticate: "Bearer"])

    private func unavailable(_ error: any Error) -> APIError {
        logger.warning("credential lookup failed", metadata: ["error": "\(error)"])
        return APIError(.serviceUnavailable, code: "credentials_unavailable",
                 message: "Credentials cannot be checked right now; retry later.",
                 headers: [.retryAfter: String(retryAfterSeconds)])
    }
}
