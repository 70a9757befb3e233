import Foundation
import GameMetricsAuth
import GameMetricsService
import Logging
import PostgresNIO
import Synchronization

/// The ES256 keys that sign access tokens, kept in `signing_keys` sealed with AES-256-GCM under
/// `encryption` (a key outside the database). The newest unretired key signs; retired keys stay
/// published in the JWKS (and accepted) until every token they signed has expired, so rotation
/// never invalidates a live token.
final class SigningKeyStore: AccessTokenVerifier {
    private struct Keys {
        var signing: SigningKey
        var published: [SigningKey]
    }

    private let client: PostgresClient
    private let encryption: SigningKeyEncryption
    private let logger: Logger
    private let issuer: String
    private let tokenLifetime: Duration
    private let keys = Mutex<Keys?>(nil)
    /// When keys were last read, so an unknown `kid` (another replica rotated) reloads at most
    /// once per `reloadInterval` instead of once per request.
    private let loadedAt = Mutex<ContinuousClock.Instant?>(nil)
    private let reloadInterval: Duration = .seconds(5)

    init(client: PostgresClient, encryption: SigningKeyEncryption, issuer: String, tokenLifetime: Duration, logger: Logger) {
        self.client = client
        self.encryption = encryption
        self.issuer = issuer
        self.tokenLifetime = tokenLifetime
        self.logger = logger
    }

    /// At start: seals the rows still in plaintext (written before encryption at rest) and
    /// re-seals those under the previous encryption key with the current one, then loads. A row
    /// sealed under a key it was not given, or one that does not open, stops the start: minting a
    /// fresh signing key instead would silently invalidate every live token and hide the mistake.
    func prepare() async throws {
        let encryption = self.encryption, logger = self.logger
        try await client.withTransaction(logger: logger) { connection in
            let rows = try await connection.query(
                "SELECT kid, private_key_pem, sealed_private_key, encryption_key_id FROM signing_keys FOR UPDATE", logger: logger)
            var resealed: [(kid: String, sealed: Data)] = []
            for try await (kid, pem, sealed, keyID) in rows.decode((String, String?, Data?, String?).self) {
                let plaintext = try self.open(kid: kid, pem: pem, sealed: sealed, keyID: keyID)
                if keyID != encryption.current.id { resealed.append((kid, try encryption.current.seal(plaintext, kid: kid))) }
            }
            for row in resealed {
                try await connection.query("""
                    UPDATE signing_keys SET sealed_private_key = \(row.sealed), encryption_key_id = \(encryption.current.id),
                        private_key_pem = NULL
                    WHERE kid = \(row.kid)
                    """, logger: logger)
            }
            if !resealed.isEmpty {
                logger.notice("signing keys sealed under the current encryption key", metadata: [
                    "count": "\(resealed.count)", "encryption_key_id": "\(encryption.current.id)",
                ])
            }
        }
        try await load()
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
        let sealed = try encryption.current.seal(next.privateKeyPEM, kid: next.kid), encryptionKeyID = encryption.current.id
        try await client.withTransaction(logger: logger) { connection in
            try await connection.query("UPDATE signing_keys SET retired_at = now() WHERE retired_at IS NULL", logger: logger)
            try await connection.query("""
                INSERT INTO signing_keys (kid, sealed_private_key, encryption_key_id)
                VALUES (\(next.kid), \(sealed), \(encryptionKeyID))
                """, logger: logger)
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
            SELECT kid, private_key_pem, sealed_private_key, encryption_key_id, created_at, retired_at FROM signing_keys
            WHERE retired_at IS NULL OR retired_at > \(horizon)
            ORDER BY created_at DESC
            """, logger: logger)
        var signing: [SigningKey] = []
        var retired: [SigningKey] = []
        for try await (kid, pem, sealed, keyID, created, retiredAt) in rows.decode((String, String?, Data?, String?, Date, Date?).self) {
            let key = try SigningKey(kid: kid, privateKeyPEM: try open(kid: kid, pem: pem, sealed: sealed, keyID: keyID), createdAt: created)
            if retiredAt == nil { signing.append(key) } else { retired.append(key) }
        }
        return (signing, retired)
    }

    private func insert(_ key: SigningKey) async throws {
        let sealed = try encryption.current.seal(key.privateKeyPEM, kid: key.kid)
        try await client.query("""
            INSERT INTO signing_keys (kid, sealed_private_key, encryption_key_id, created_at)
            VALUES (\(key.kid), \(sealed), \(encryption.current.id), \(key.createdAt))
            """, logger: logger)
    }

    /// The PEM of a stored row: opened with the key that sealed it, or as stored by a version
    /// before encryption at rest (until `prepare` seals it).
    private func open(kid: String, pem: String?, sealed: Data?, keyID: String?) throws -> String {
        guard let sealed, let keyID else {
            guard let pem else { throw KeyStoreError.unreadableRow(kid: kid) }
            return pem
        }
        guard let key = encryption.key(id: keyID) else { throw KeyStoreError.unknownEncryptionKey(kid: kid, keyID: keyID) }
        do {
            return try key.open(sealed, kid: kid)
        } catch {
            throw KeyStoreError.doesNotOpen(kid: kid, keyID: keyID)
        }
    }

    enum KeyStoreError: Error, CustomStringConvertible {
        case noSigningKey, notLoaded, sealingFailed
        case unreadableRow(kid: String)
        case unknownEncryptionKey(kid: String, keyID: String)
        case doesNotOpen(kid: String, keyID: String)

        var description: String {
            switch self {
            case .noSigningKey: "no signing key could be created"
            case .notLoaded: "signing keys are not loaded yet"
            case .sealingFailed: "a signing key could not be sealed"
            case .unreadableRow(let kid): "signing key \(kid) has neither a sealed nor a plaintext private key"
            case .unknownEncryptionKey(let kid, let keyID):
                "signing key \(kid) is sealed under encryption key \(keyID), which is neither GM_SIGNING_KEY_ENCRYPTION_KEY nor "
                    + "GM_SIGNING_KEY_ENCRYPTION_PREVIOUS_KEY: give the key it was sealed with (as the previous key during a rotation)"
            case .doesNotOpen(let kid, let keyID):
                "signing key \(kid) does not open under encryption key \(keyID): the row was altered"
            }
        }
    }
}
