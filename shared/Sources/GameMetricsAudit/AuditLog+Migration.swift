extension AuditLog {
    /// The statements that create `chain`'s table as the user service's `audit_log` is (its
    /// migrations 8 and 11): the same columns and checks, and append-only — a trigger refuses
    /// UPDATE, DELETE and TRUNCATE for every role but a superuser who disables it, and the owner
    /// gives up those privileges — but without the user service's tenant row-level security:
    /// for a chain internal to its service, whose role reads and appends all of it. Grant the
    /// service's role SELECT and INSERT on the table and USAGE on ``AuditChain/sequence`` (as
    /// db/roles.sql does for `audit_log`) where the migrating role is not the service's own.
    /// The statements become part of the caller's migration checksum: they are never edited, a
    /// change to such tables is a new migration.
    public static func migrationStatements(for chain: AuditChain) -> [String] {
        let (table, base) = (chain.table, chain.unqualifiedTable)
        let function = (chain.schema.map { $0 + "." } ?? "") + base + "_append_only"
        return [
            // No foreign key to anything: the audit trail must outlive what it is about.
            """
            CREATE TABLE \(table) (
                seq bigserial PRIMARY KEY,
                prev_hash text NOT NULL CHECK (prev_hash ~ '^[0-9a-f]{64}$'),
                hash text NOT NULL UNIQUE CHECK (hash ~ '^[0-9a-f]{64}$'),
                actor text NOT NULL,
                action text NOT NULL,
                subject text NOT NULL,
                tenant_id text NOT NULL,
                payload jsonb NOT NULL DEFAULT '{}'::jsonb,
                at timestamptz NOT NULL,
                key_id text CHECK (key_id ~ '^[0-9a-f]{16}$')
            )
            """,
            "CREATE INDEX \(base)_subject ON \(table) (tenant_id, subject, seq)",
            """
            CREATE FUNCTION \(function)() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION '\(base) is append-only: % is not allowed', TG_OP
                    USING ERRCODE = 'insufficient_privilege';
            END
            $$
            """,
            """
            CREATE TRIGGER \(base)_no_update_delete BEFORE UPDATE OR DELETE ON \(table)
                FOR EACH ROW EXECUTE FUNCTION \(function)()
            """,
            """
            CREATE TRIGGER \(base)_no_truncate BEFORE TRUNCATE ON \(table)
                FOR EACH STATEMENT EXECUTE FUNCTION \(function)()
            """,
            // The migrating role owns the table; it keeps SELECT and INSERT only.
            "REVOKE UPDATE, DELETE, TRUNCATE ON \(table) FROM PUBLIC, CURRENT_USER",
        ]
    }
}
