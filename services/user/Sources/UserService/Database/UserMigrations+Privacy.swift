import GameMetricsPostgres
import GameMetricsService

/// GDPR erasure requests, per-service confirmations and the append-only, hash-chained audit log
/// (see services/user/docs/privacy-erasure.md).
extension UserMigrations {
    static let privacy: [Migration] = [
        Migration(
            version: 7, name: "erasure_requests",
            statements: [
                """
                CREATE TABLE erasure_requests (
                    request_id uuid PRIMARY KEY,
                    tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
                    player_id text NOT NULL CHECK (char_length(player_id) BETWEEN 1 AND 128),
                    requested_by text NOT NULL,
                    requested_at timestamptz NOT NULL DEFAULT now(),
                    participants text[] NOT NULL CHECK (cardinality(participants) > 0),
                    status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'completed', 'failed')),
                    completed_at timestamptz,
                    failure text
                )
                """,
                "CREATE INDEX erasure_requests_player ON erasure_requests (tenant_id, player_id, requested_at)",
                "ALTER TABLE erasure_requests ENABLE ROW LEVEL SECURITY",
                "ALTER TABLE erasure_requests FORCE ROW LEVEL SECURITY",
                """
                CREATE POLICY erasure_requests_tenant ON erasure_requests
                    USING (tenant_id = current_setting('gm.tenant_id', true))
                    WITH CHECK (tenant_id = current_setting('gm.tenant_id', true))
                """,
                """
                CREATE TABLE erasure_confirmations (
                    request_id uuid NOT NULL REFERENCES erasure_requests(request_id) ON DELETE CASCADE,
                    tenant_id text NOT NULL,
                    service text NOT NULL CHECK (service ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
                    status text NOT NULL CHECK (status IN ('completed', 'failed')),
                    finished_at timestamptz NOT NULL,
                    recorded_at timestamptz NOT NULL DEFAULT now(),
                    reason text,
                    PRIMARY KEY (request_id, service)
                )
                """,
                "ALTER TABLE erasure_confirmations ENABLE ROW LEVEL SECURITY",
                "ALTER TABLE erasure_confirmations FORCE ROW LEVEL SECURITY",
                """
                CREATE POLICY erasure_confirmations_tenant ON erasure_confirmations
                    USING (tenant_id = current_setting('gm.tenant_id', true))
                    WITH CHECK (tenant_id = current_setting('gm.tenant_id', true))
                """,
            ]),
        Migration(
            version: 8, name: "audit_log",
            statements: [
                // No foreign key to tenants: the audit trail must outlive a deleted tenant.
                """
                CREATE TABLE audit_log (
                    seq bigserial PRIMARY KEY,
                    prev_hash text NOT NULL CHECK (prev_hash ~ '^[0-9a-f]{64}$'),
                    hash text NOT NULL UNIQUE CHECK (hash ~ '^[0-9a-f]{64}$'),
                    actor text NOT NULL,
                    action text NOT NULL,
                    subject text NOT NULL,
                    tenant_id text NOT NULL,
                    payload jsonb NOT NULL DEFAULT '{}'::jsonb,
                    at timestamptz NOT NULL
                )
                """,
                "CREATE INDEX audit_log_subject ON audit_log (tenant_id, subject, seq)",
                "ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY",
                "ALTER TABLE audit_log FORCE ROW LEVEL SECURITY",
                // Reads: the tenant's own rows, or the whole chain when a transaction sets
                // gm.audit_chain (appending reads the chain's tail, the verifier reads everything).
                // Inserts: only rows of the transaction's tenant.
                """
                CREATE POLICY audit_log_read ON audit_log FOR SELECT
                    USING (tenant_id = current_setting('gm.tenant_id', true)
                           OR current_setting('gm.audit_chain', true) = 'on')
                """,
                """
                CREATE POLICY audit_log_append ON audit_log FOR INSERT
                    WITH CHECK (tenant_id = current_setting('gm.tenant_id', true))
                """,
                """
                CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP
                        USING ERRCODE = 'insufficient_privilege';
                END
                $$
                """,
                """
                CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
                    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()
                """,
                """
                CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
                    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()
                """,
                // The service role owns the table; it keeps SELECT and INSERT only.
                "REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM PUBLIC, CURRENT_USER",
            ]),
    ]
}
