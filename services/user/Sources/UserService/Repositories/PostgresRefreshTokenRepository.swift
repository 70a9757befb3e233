import Foundation
import GameMetricsPostgres
import Logging
import PostgresNIO

struct PostgresRefreshTokenRepository: RefreshTokenRepository {
    let client: PostgresClient
    let logger: Logger

    private static let columns = """
        fingerprint, family_id, client_id, tenant_id, operator_id, scope, authorization_code,
        created_at, expires_at, rotated_at, revoked_at
        """

    func token(fingerprint: String) async throws -> RefreshToken? {
        let rows = try await client.query(
            "SELECT \(unescaped: Self.columns) FROM refresh_tokens WHERE fingerprint = \(fingerprint)", logger: logger)
        return try await Self.tokens(rows).first
    }

    func rotate(fingerprint: String, clientID: String, nextFingerprint: String) async throws -> RefreshTokenRotation {
        try await client.withTransactionEndingWithConnection(logger: logger) { connection in
            // Locked so two concurrent uses of one token cannot both rotate it.
            let rows = try await connection.query(
                "SELECT \(unescaped: Self.columns) FROM refresh_tokens WHERE fingerprint = \(fingerprint) FOR UPDATE",
                logger: logger)
            guard let token = try await Self.tokens(rows).first, token.clientID == clientID, token.revokedAt == nil else {
                return .invalid
            }
            if token.rotatedAt != nil {
                try await connection.query(
                    "UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = \(token.familyID) AND revoked_at IS NULL",
                    logger: logger)
                return .reused
            }
            let now = Date()
            guard token.expiresAt > now else { return .invalid }
            try await connection.query(
                "UPDATE refresh_tokens SET rotated_at = \(now) WHERE fingerprint = \(fingerprint)", logger: logger)
            var next = token
            next.fingerprint = nextFingerprint
            next.createdAt = now
            next.rotatedAt = nil
            try await Self.insert(next, on: connection, logger: logger)
            var previous = token
            previous.rotatedAt = now
            return .rotated(previous: previous, next: next)
        }
    }

    func revokeFamily(_ familyID: UUID) async throws {
        try await client.query(
            "UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = \(familyID) AND revoked_at IS NULL", logger: logger)
    }

    static func insert(_ token: RefreshToken, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(
            """
            INSERT INTO refresh_tokens
                (fingerprint, family_id, client_id, tenant_id, operator_id, scope, authorization_code, created_at, expires_at)
            VALUES (\(token.fingerprint), \(token.familyID), \(token.clientID), \(token.tenantID), \(token.operatorID),
                    \(token.scope), \(token.authorizationCode), \(token.createdAt), \(token.expiresAt))
            """, logger: logger)
    }

    private static func tokens(_ rows: PostgresRowSequence) async throws -> [RefreshToken] {
        var result: [RefreshToken] = []
        for try await (fingerprint, family, clientID, tenant, operatorID, scope, code, created, expires, rotated, revoked)
            in rows.decode((String, UUID, String, String, UUID, String, String?, Date, Date, Date?, Date?).self)
        {
            result.append(
                RefreshToken(
                    fingerprint: fingerprint, familyID: family, clientID: clientID, tenantID: tenant, operatorID: operatorID,
                    scope: scope, authorizationCode: code, createdAt: created, expiresAt: expires, rotatedAt: rotated,
                    revokedAt: revoked))
        }
        return result
    }
}
