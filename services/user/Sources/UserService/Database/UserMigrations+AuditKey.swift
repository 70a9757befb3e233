import GameMetricsPostgres
import GameMetricsService

extension UserMigrations {
    /// The audit chain is keyed (HMAC-SHA256 under `GM_AUDIT_HMAC_KEY`, held outside the
    /// database): each row names the key that made its hash. Rows written before have no key id
    /// and keep their unkeyed SHA-256 hashes; the first keyed row chains onto the last of them.
    static let auditKey: [Migration] = [
        Migration(
            version: 11, name: "audit_log_key_id",
            statements: [
                "ALTER TABLE audit_log ADD COLUMN key_id text CHECK (key_id ~ '^[0-9a-f]{16}$')"
            ])
    ]
}
