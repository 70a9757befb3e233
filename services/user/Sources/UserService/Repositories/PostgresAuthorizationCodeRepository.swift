import Foundation
import GameMetricsPostgres
import Logging
import PostgresNIO

struct PostgresAuthorizationCodeRepository: AuthorizationCodeRepository {
    let postgres: PostgresClient
    let logger: Logger

    func client(_ clientID: String) async throws -> AuthorizationCodeClient? {
        let rows = try await postgres.query(
            "SELECT client_id, name, redirect_uris FROM oauth_public_clients WHERE client_id = \(clientID)", logger: logger)
        for try await (id, name, uris) in rows.decode((String, String, [String]).self) {
            return AuthorizationCodeClient(clientID: id, name: name, redirectURIs: uris)
        }
        return nil
    }

    func register(_ publicClient: AuthorizationCodeClient) async throws -> Bool {
        let rows = try await postgres.query(
            """
            INSERT INTO oauth_public_clients (client_id, name, redirect_uris)
            VALUES (\(publicClient.clientID), \(publicClient.name), \(publicClient.redirectURIs))
            ON CONFLICT (client_id) DO NOTHING RETURNING client_id
            """, logger: logger)
        return try await rows.collect().count == 1
    }

    func store(_ code: AuthorizationCode) async throws {
        try await postgres.query(
            """
            INSERT INTO authorization_codes
                (fingerprint, client_id, tenant_id, operator_id, redirect_uri, code_challenge, scope, expires_at)
            VALUES (\(code.fingerprint), \(code.clientID), \(code.tenantID), \(code.operatorID), \(code.redirectURI),
                    \(code.codeChallenge), \(code.scope), \(code.expiresAt))
            """, logger: logger)
    }

    func redeem(
        fingerprint: String, check: @Sendable (AuthorizationCode) -> String?,
        refreshToken: @Sendable (AuthorizationCode) -> RefreshToken
    ) async throws -> AuthorizationCodeRedemption {
        try await postgres.withTransactionEndingWithConnection(logger: logger) { connection in
            // The row lock serialises concurrent redemptions: the loser waits, then sees used_at.
            let rows = try await connection.query(
                """
                SELECT client_id, tenant_id, operator_id, redirect_uri, code_challenge, scope, expires_at, used_at
                FROM authorization_codes WHERE fingerprint = \(fingerprint) FOR UPDATE
                """, logger: logger)
            var found: (AuthorizationCode, Date?)?
            for try await (clientID, tenant, operatorID, redirect, challenge, scope, expires, used)
                in rows.decode((String, String, UUID, String, String, String, Date, Date?).self)
            {
                found = (
                    AuthorizationCode(
                        fingerprint: fingerprint, clientID: clientID, tenantID: tenant, operatorID: operatorID,
                        redirectURI: redirect, codeChallenge: challenge, scope: scope, expiresAt: expires), used
                )
            }
            guard let (code, usedAt) = found else { return .unknown }
            if usedAt != nil {
                try await connection.query(
                    """
                    UPDATE refresh_tokens SET revoked_at = now()
                    WHERE revoked_at IS NULL AND family_id IN
                        (SELECT family_id FROM refresh_tokens WHERE authorization_code = \(fingerprint))
                    """, logger: logger)
                return .replayed
            }
            try await connection.query(
                "UPDATE authorization_codes SET used_at = now() WHERE fingerprint = \(fingerprint)", logger: logger)
            if let reason = check(code) { return .rejected(reason) }
            let token = refreshToken(code)
            try await PostgresRefreshTokenRepository.insert(token, on: connection, logger: logger)
            return .redeemed(code, token)
        }
    }
}
