import Foundation
import GameMetricsAuth
import GameMetricsService
import Logging
import PostgresNIO
import Synchronization

/// The ES256 keys that sign access tokens, kept in `signing_keys`. The newest unretired key signs;
/// retired keys stay published in the JWKS (and accepted) until every token they signed has
/// expired, so rotation never invalidates a live token.
final class SigningKeyStore: AccessTokenVerifier {
    private struct Keys {
        var signing: SigningKey
        var published: [SigningKey]
    }

    private let client: PostgresClient
    private let logger: Logger
    private let issuer: String
    private let tokenLifetime: Duration
    private let keys = Mutex<Keys?>(nil)
    /// When keys were last read, so an unknown `kid` (another replica rotated) reloads at most
    /// once per `reloadInterval` instead of once per request.
    private let loadedAt = Mutex<ContinuousClock.Instant?>(nil)
    private let reloadInterval: Duration = .seconds(5)

    init(client: PostgresClient, issuer: String, tokenLifetime: Duration, logger: Logger) {
        self.client = client
        self.issuer = issuer
        self.tokenLifetime = tokenLifetime
        self.logger = logger
    }

    /// Loads the keys, creating the first one when the table is empty.
    func load() async throws {
        var stored = try await storedKeys()
        if stored.signing.isEmpty {
            try await insert(SigningKey.generate())
            stored = try await storedKeys()
        }
        guard let newest = stored.signing.first else { throw KeyStoreError.noSigningKey }
        keys.withLock { $0 = Keys(signing: newest, published: stored.signing + stored.retired) }
        loadedAt.withLock { $0 = .now }
    }

    /// Retires the signing key and starts signing with a new one.
    func rotate() async throws -> String {
        let next = SigningKey.generate()
        try await client.withTransaction(logger: logger) { connection in
            try await connection.query("UPDATE signing_keys SET retired_at = now() WHERE retired_at IS NULL", logger: logger)
            try await connection.query(
                "INSERT INTO signing_keys (kid, private_key_pem) VALUES (\(next.kid), \(next.privateKeyPEM))", logger: logger)
        }
        try await load()
        logger.notice("signing key rotated", metadata: ["kid": "\(next.kid)"])
        return next.kid
    }

    var signingKey: SigningKey {
        get throws {
            guard let key = keys.withLock({ $0?.signing }) else { throw KeyStoreError.notLoaded }
            return key
        }
    }

    var jwks: JWKSet {
        JWKSet(keys: keys.withLock { $0?.published.map(\.publicJWK) ?? [] })
    }

    func verify(_ token: String) async throws -> AccessTokenClaims {
        do {
            return try verifier().verify(token, as: AccessTokenClaims.self)
        } catch .unknownKey where reloadIsDue() {
            try await load()
            return try verifier().verify(token, as: AccessTokenClaims.self)
        }
    }

    private func verifier() -> JWTVerifier {
        JWTVerifier(keys: jwks.keys, issuer: issuer, audience: AccessTokens.audience)
    }

    private func reloadIsDue() -> Bool {
        loadedAt.withLock { loaded in
            guard let loaded, ContinuousClock.now - loaded < reloadInterval else { return true }
            return false
        }
    }

    private func storedKeys() async throws -> (signing: [SigningKey], retired: [SigningKey]) {
        // Retired keys matter only while tokens they signed can still be presented.
        let horizon = Date().addingTimeInterval(-Double(tokenLifetime.components.seconds) - 300)
        let rows = try await client.query("""
            SELECT kid, private_key_pem, created_at, retired_at FROM signing_keys
            WHERE retired_at IS NULL OR retired_at > \(horizon)
            ORDER BY created_at DESC
            """, logger: logger)
        var signing: [SigningKey] = []
        var retired: [SigningKey] = []
        for try await (kid, pem, created, retiredAt) in rows.decode((String, String, Date, Date?).self) {
            let key = try SigningKey(kid: kid, privateKeyPEM: pem, createdAt: created)
            if retiredAt == nil { signing.append(key) } else { retired.append(key) }
        }
        return (signing, retired)
    }

    private func insert(_ key: SigningKey) async throws {
        try await client.query("""
            INSERT INTO signing_keys (kid, private_key_pem, created_at) VALUES (\(key.kid), \(key.privateKeyPEM), \(key.createdAt))
            """, logger: logger)
    }

    enum KeyStoreError: Error, CustomStringConvertible {
        case noSigningKey, notLoaded
        var description: String {
            switch self {
            case .noSigningKey: "no signing key could be created"
            case .notLoaded: "signing keys are not loaded yet"
            }
        }
    }
}
