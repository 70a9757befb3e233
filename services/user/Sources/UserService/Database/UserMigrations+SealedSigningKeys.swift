import GameMetricsPostgres
import GameMetricsService

extension UserMigrations {
    /// Signing keys are sealed (AES-256-GCM under `GM_SIGNING_KEY_ENCRYPTION_KEY`, held outside
    /// the database): `sealed_private_key` with the id of the key that sealed it. Plaintext rows
    /// written before keep `private_key_pem` until the service's next start seals them
    /// (`SigningKeyStore.load`) and clears the column; a row is one or the other, never both.
    static let sealedSigningKeys: [Migration] = [
        Migration(
            version: 12, name: "signing_keys_sealed",
            statements: [
                "ALTER TABLE signing_keys ALTER COLUMN private_key_pem DROP NOT NULL",
                "ALTER TABLE signing_keys ADD COLUMN sealed_private_key bytea",
                "ALTER TABLE signing_keys ADD COLUMN encryption_key_id text CHECK (encryption_key_id ~ '^[0-9a-f]{16}$')",
                """
                ALTER TABLE signing_keys ADD CONSTRAINT signing_keys_sealed_xor_plaintext CHECK (
                    (sealed_private_key IS NULL) = (encryption_key_id IS NULL)
                    AND (sealed_private_key IS NULL) <> (private_key_pem IS NULL))
                """,
            ])
    ]
}
