import GameMetricsPostgres
import GameMetricsService

/// The user service's schema. Tenant-owned tables have row-level security forced on, so even the
/// owning role only sees rows of the tenant set for the transaction (`TenantScope`).
enum UserMigrations {
    /// Each service keeps its own migration history in the shared database, so one service's
    /// newer schema never stops another service from starting.
    static let table = "user_schema_migrations"

    /// Every migration in order: the core schema, then OAuth (operators, codes, refresh tokens),
    /// then privacy, then later changes in version order.
    static let all: [Migration] = core + oauth + privacy + rateLimits + loginLimits + auditKey + sealedSigningKeys + nameRules + erasureLedger + auditWriter

    static let core: [Migration] = [
        Migration(
            version: 1, name: "tenants_and_clients",
            statements: [
                """
                CREATE TABLE tenants (
                    id text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
                    name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
                    events_per_second_limit integer NOT NULL DEFAULT 10000 CHECK (events_per_second_limit > 0),
                    created_at timestamptz NOT NULL DEFAULT now()
                )
                """,
                """
                CREATE TABLE service_clients (
                    client_id text PRIMARY KEY,
                    tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
                    name text NOT NULL,
                    secret_hash text NOT NULL,
                    roles text[] NOT NULL,
                    created_at timestamptz NOT NULL DEFAULT now(),
                    revoked_at timestamptz
                )
                """,
                "CREATE INDEX service_clients_tenant ON service_clients (tenant_id)",
            ]),
        Migration(
            version: 2, name: "signing_keys",
            statements: [
                """
                CREATE TABLE signing_keys (
                    kid text PRIMARY KEY,
                    private_key_pem text NOT NULL,
                    created_at timestamptz NOT NULL DEFAULT now(),
                    retired_at timestamptz
                )
                """
            ]),
        Migration(
            version: 3, name: "write_keys",
            statements: [
                """
                CREATE TABLE write_keys (
                    id uuid PRIMARY KEY,
                    tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
                    name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
                    fingerprint text NOT NULL UNIQUE,
                    hint text NOT NULL,
                    created_at timestamptz NOT NULL DEFAULT now(),
                    revoked_at timestamptz
                )
                """,
                "ALTER TABLE write_keys ENABLE ROW LEVEL SECURITY",
                "ALTER TABLE write_keys FORCE ROW LEVEL SECURITY",
                // Resolving a presented key happens before any tenant is known: that one lookup runs
                // with gm.resolve_write_key set and sees only the matching fingerprint.
                """
                CREATE POLICY write_keys_tenant ON write_keys
                    USING (tenant_id = current_setting('gm.tenant_id', true)
                           OR fingerprint = current_setting('gm.resolve_write_key', true))
                    WITH CHECK (tenant_id = current_setting('gm.tenant_id', true))
                """,
            ]),
        Migration(
            version: 4, name: "players",
            statements: [
                """
                CREATE TABLE players (
                    tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
                    player_id text NOT NULL CHECK (char_length(player_id) BETWEEN 1 AND 128),
                    display_name text CHECK (char_length(display_name) <= 100),
                    email text CHECK (char_length(email) <= 254),
                    country text CHECK (country ~ '^[A-Z]{2}$'),
                    attributes jsonb NOT NULL DEFAULT '{}'::jsonb,
                    created_at timestamptz NOT NULL DEFAULT now(),
                    updated_at timestamptz NOT NULL DEFAULT now(),
                    PRIMARY KEY (tenant_id, player_id)
                )
                """,
                "CREATE INDEX players_display_name ON players (tenant_id, lower(display_name) text_pattern_ops)",
                "ALTER TABLE players ENABLE ROW LEVEL SECURITY",
                "ALTER TABLE players FORCE ROW LEVEL SECURITY",
                """
                CREATE POLICY players_tenant ON players
                    USING (tenant_id = current_setting('gm.tenant_id', true))
                    WITH CHECK (tenant_id = current_setting('gm.tenant_id', true))
                """,
            ]),
    ]
}
