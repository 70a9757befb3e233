import Foundation
import GameMetricsAuth
import GameMetricsKit
import GameMetricsPostgres
import GameMetricsService
import Logging
import PostgresNIO

/// The ES256 keys that sign access tokens, kept in `signing_keys` sealed with AES-256-GCM under
/// `encryption` (a key outside the database, read again from its files while the service runs:
/// when it changes, every row is re-sealed under the new current key and the keys reloaded, so
/// the previous one can be dropped without a restart; ADR 0026). The newest unretired key signs; retired keys stay
/// published in the JWKS (and accepted) until every token they signed has expired, so rotation
/// never invalidates a live token.
///
/// The loaded keys are a `RefreshingValue`: read again when a minute old or when a token names a
/// key they lack (another replica rotated), at most once per `reloadInterval` however many
/// requests ask, and kept while the database cannot be read (they are this service's own keys).
final class SigningKeyStore: AccessTokenVerifier {
    private struct Keys: Sendable {
        var signing: SigningKey
        var published: [SigningKey]
    }

    private let client: PostgresClient
    private let encryption: ReloadingSecret<SigningKeyEncryption>
    private let logger: Logger
    private let issuer: String
    private let tokenLifetime: Duration
    private let keys: RefreshingValue<Keys>
    private static let lifetime = RefreshingValue<Keys>.Lifetime(freshFor: .seconds(60), usableFor: nil)

    init(
        client: PostgresClient, encryption: ReloadingSecret<SigningKeyEncryption>, issuer: String, tokenLifetime: Duration, logger: Logger,
        reloadInterval: Duration = .seconds(5)
    ) {
        self.client = client
        self.encryption = encryption
        self.issuer = issuer
        self.tokenLifetime = tokenLifetime
        self.logger = logger
        // The fetch reads through a copy of the table's settings: `self` is not ready yet.
        let table = Table(client: client, encryption: encryption, tokenLifetime: tokenLifetime, logger: logger)
        keys = RefreshingValue(minimumInterval: reloadInterval) { (try await table.keys(), Self.lifetime) }
    }

    /// At start: seals the rows still in plaintext (written before encryption at rest) and
    /// re-seals those under the previous encryption key with the current one, then loads. A row
    /// sealed under a key it was not given, or one that does not open, stops the start: minting a
    /// fresh signing key instead would silently invalidate every live token and hide the mistake.
    func prepare() async throws {
        try await table.reseal(under: encryption.current)
        _ = try await keys.value()
        // From now on a rotated encryption key re-seals the rows at once.
        encryption.onChange { [weak self] new in await self?.resealAfterRotation(under: new) }
    }

    /// After the encryption key changed: every row under the new current key, and the keys read
    /// again through it. A failure leaves rows under the previous key, which still opens them;
    /// the next start re-seals them (the runbook checks before the previous key is dropped).
    private func resealAfterRotation(under encryption: SigningKeyEncryption) async {
        do {
            try await table.reseal(under: encryption)
            keys.replace(with: try await table.keys(), lifetime: Self.lifetime)
        } catch {
            logger.error(
                "re-sealing signing keys under the new encryption key failed; they stay under the previous one",
                metadata: [
                    "encryption_key_id": "\(encryption.current.id)", "error": "\(error)",
                ])
        }
    }

    private var table: Table {
        Table(client: client, encryption: encryption, tokenLifetime: tokenLifetime, logger: logger)
    }

    /// Retires the signing key and starts signing with a new one.
    func rotate() async throws -> String {
        let next = SigningKey.generate()
        let encryption = self.encryption.current
        let sealed = try encryption.current.seal(next.privateKeyPEM, kid: next.kid), encryptionKeyID = encryption.current.id
        try await client.withTransactionEndingWithConnection(logger: logger) { connection in
            try await connection.query("UPDATE signing_keys SET retired_at = now() WHERE retired_at IS NULL", logger: logger)
            try await connection.query(
                """
                INSERT INTO signing_keys (kid, sealed_private_key, encryption_key_id)
                VALUES (\(next.kid), \(sealed), \(encryptionKeyID))
                """, logger: logger)
        }
        // Read now, not when the reload interval allows: this replica signs with the new key at once.
        keys.replace(with: try await table.keys(), lifetime: Self.lifetime)
        logger.notice("signing key rotated", metadata: ["kid": "\(next.kid)"])
        return next.kid
    }

    var signingKey: SigningKey {
        get throws {
            guard let key = keys.latest?.signing else { throw KeyStoreError.notLoaded }
            return key
        }
    }

    var jwks: JWKSet {
        JWKSet(keys: keys.latest?.published.map(\.publicJWK) ?? [])
    }

    func verify(_ token: String) async throws -> AccessTokenClaims {
        do {
            return try verifier(try await keys.value()).verify(token, as: AccessTokenClaims.self)
        } catch JWTError.unknownKey {
            return try verifier(try await keys.refresh()).verify(token, as: AccessTokenClaims.self)
        }
    }

    private func verifier(_ keys: Keys) -> JWTVerifier {
        JWTVerifier(keys: keys.published.map(\.publicJWK), issuer: issuer, audience: AccessTokens.audience)
    }

    /// The `signing_keys` table as this store reads and writes it.
    private struct Table: Sendable {
        let client: PostgresClient
        /// Read at each use: the key in use may change while the service runs.
        let encryption: ReloadingSecret<SigningKeyEncryption>
        let tokenLifetime: Duration
        let logger: Logger

        /// Seals the rows still in plaintext (written before encryption at rest) and re-seals those
        /// under another key with `encryption.current`, in one transaction (rows locked, so replicas
        /// doing the same wait for each other and skip what is done).
        func reseal(under encryption: SigningKeyEncryption) async throws {
            let logger = self.logger
            try await client.withTransactionEndingWithConnection(logger: logger) { connection in
                let rows = try await connection.query(
                    "SELECT kid, private_key_pem, sealed_private_key, encryption_key_id FROM signing_keys FOR UPDATE", logger: logger)
                var resealed: [(kid: String, sealed: Data)] = []
                for try await (kid, pem, sealed, keyID) in rows.decode((String, String?, Data?, String?).self) {
                    let plaintext = try open(kid: kid, pem: pem, sealed: sealed, keyID: keyID, with: encryption)
                    if keyID != encryption.current.id { resealed.append((kid, try encryption.current.seal(plaintext, kid: kid))) }
                }
                for row in resealed {
                    try await connection.query(
                        """
                        UPDATE signing_keys SET sealed_private_key = \(row.sealed), encryption_key_id = \(encryption.current.id),
                            private_key_pem = NULL
                        WHERE kid = \(row.kid)
                        """, logger: logger)
                }
                if !resealed.isEmpty {
                    logger.notice(
                        "signing keys sealed under the current encryption key",
                        metadata: [
                            "count": "\(resealed.count)", "encryption_key_id": "\(encryption.current.id)",
                        ])
                }
            }
        }

        /// The keys, creating the first one when the table is empty.
        func keys() async throws -> Keys {
            var stored = try await storedKeys()
            if stored.signing.isEmpty {
                try await insert(SigningKey.generate())
                stored = try await storedKeys()
            }
            guard let newest = stored.signing.first else { throw KeyStoreError.noSigningKey }
            return Keys(signing: newest, published: stored.signing + stored.retired)
        }

        private func storedKeys() async throws -> (signing: [SigningKey], retired: [SigningKey]) {
            // Retired keys matter only while tokens they signed can still be presented.
            let horizon = Date().addingTimeInterval(-Double(tokenLifetime.components.seconds) - 300)
            let rows = try await client.query(
                """
                SELECT kid, private_key_pem, sealed_private_key, encryption_key_id, created_at, retired_at FROM signing_keys
                WHERE retired_at IS NULL OR retired_at > \(horizon)
                ORDER BY created_at DESC
                """, logger: logger)
            var signing: [SigningKey] = []
            var retired: [SigningKey] = []
            let encryption = self.encryption.current
            for try await (kid, pem, sealed, keyID, created, retiredAt) in rows.decode((String, String?, Data?, String?, Date, Date?).self) {
                let key = try SigningKey(
                    kid: kid, privateKeyPEM: try open(kid: kid, pem: pem, sealed: sealed, keyID: keyID, with: encryption), createdAt: created)
                if retiredAt == nil { signing.append(key) } else { retired.append(key) }
            }
            return (signing, retired)
        }

        private func insert(_ key: SigningKey) async throws {
            let encryption = self.encryption.current
            let sealed = try encryption.current.seal(key.privateKeyPEM, kid: key.kid)
            try await client.query(
                """
                INSERT INTO signing_keys (kid, sealed_private_key, encryption_key_id, created_at)
                VALUES (\(key.kid), \(sealed), \(encryption.current.id), \(key.createdAt))
                """, logger: logger)
        }

        /// The PEM of a stored row: opened with the key that sealed it, or as stored by a version
        /// before encryption at rest (until `prepare` seals it).
        func open(kid: String, pem: String?, sealed: Data?, keyID: String?, with encryption: SigningKeyEncryption) throws -> String {
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
