import GameMetricsAudit
import GameMetricsErasure
import GameMetricsPostgres

/// The retention service's schema: tenants' policies, the catalogue of archived objects (which
/// the manifests in S3 mirror), which players each object holds (so that an erasure rewrites only
/// those), and restore tables.
enum RetentionMigrations {
    /// Each service keeps its own migration history in the shared database.
    static let table = "retention_schema_migrations"

    static let all: [Migration] = [
        Migration(
            version: 1, name: "policies",
            statements: [
                """
                CREATE TABLE retention_policies (
                    tenant_id text PRIMARY KEY,
                    hot_days integer NOT NULL CHECK (hot_days BETWEEN 1 AND 3650),
                    archive_days integer NOT NULL CHECK (archive_days BETWEEN 0 AND 36500),
                    updated_at timestamptz NOT NULL DEFAULT now(),
                    updated_by text NOT NULL
                )
                """
            ]),
        Migration(
            version: 2, name: "archive_catalogue",
            statements: [
                // One row per object; a day's parts are numbered from 1 in the order archived.
                """
                CREATE TABLE archive_objects (
                    tenant_id text NOT NULL,
                    day date NOT NULL,
                    part integer NOT NULL CHECK (part >= 1),
                    object_key text NOT NULL UNIQUE,
                    kind text NOT NULL CHECK (kind IN ('events', 'late')),
                    rows integer NOT NULL CHECK (rows >= 0),
                    bytes bigint NOT NULL CHECK (bytes >= 0),
                    sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
                    archived_at timestamptz NOT NULL DEFAULT now(),
                    rewritten_at timestamptz,
                    PRIMARY KEY (tenant_id, day, part)
                )
                """,
                // Which players an object holds: erasure rewrites only their objects.
                """
                CREATE TABLE archive_players (
                    tenant_id text NOT NULL,
                    player_id text NOT NULL,
                    day date NOT NULL,
                    part integer NOT NULL,
                    PRIMARY KEY (tenant_id, player_id, day, part),
                    FOREIGN KEY (tenant_id, day, part) REFERENCES archive_objects ON DELETE CASCADE
                )
                """,
                "CREATE INDEX archive_players_object ON archive_players (tenant_id, day, part)",
                // The result of each tenant's last pass, for the API, the metrics and the alerts.
                """
                CREATE TABLE retention_tenant_status (
                    tenant_id text PRIMARY KEY,
                    last_success_at timestamptz,
                    last_failure_at timestamptz,
                    last_error text,
                    lag_days integer NOT NULL DEFAULT 0
                )
                """,
            ]),
        Migration(
            version: 3, name: "restores",
            statements: [
                """
                CREATE TABLE restores (
                    restore_id uuid PRIMARY KEY,
                    tenant_id text NOT NULL,
                    day date NOT NULL,
                    requested_by text NOT NULL,
                    created_at timestamptz NOT NULL DEFAULT now(),
                    expires_at timestamptz NOT NULL,
                    objects integer NOT NULL,
                    rows integer NOT NULL
                )
                """,
                "CREATE INDEX restores_tenant ON restores (tenant_id, created_at)",
                // events_raw's columns, in its order (an archive line is one of its rows as JSON),
                // after the restore's id.
                """
                CREATE TABLE restored_events (
                    restore_id uuid NOT NULL REFERENCES restores ON DELETE CASCADE,
                    LIKE events_raw,
                    PRIMARY KEY (restore_id, event_id, occurred_at)
                )
                """,
                "CREATE INDEX restored_events_player ON restored_events (tenant_id, player_id)",
            ]),
        Migration(version: 4, name: "erasure_ledger", statements: ErasureParticipant.migrationStatements(for: .retention)),
        // The audit trail of archival, deletion, restore, erasure and policy changes (ADR 0035).
        Migration(version: 5, name: "audit_log", statements: AuditLog.migrationStatements(for: .retention)),
    ]
}
