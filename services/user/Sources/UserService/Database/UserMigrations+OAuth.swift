import GameMetricsPostgres
import GameMetricsService

extension UserMigrations {
    /// The authorization server's own state: operator accounts, the public OAuth clients (the
    /// admin dashboard) with their registered redirect URIs, failed logins for the rate limiter,
    /// authorization codes and refresh tokens. Codes and tokens are stored as SHA-256
    /// fingerprints, never in clear.
    static let oauth: [Migration] = [
        Migration(
            version: 5, name: "operators_public_clients_login_attempts",
            statements: [
                """
                CREATE TABLE operators (
                    id uuid PRIMARY KEY,
                    tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
                    email text NOT NULL CHECK (char_length(email) BETWEEN 3 AND 254),
                    password_hash text NOT NULL,
                    roles text[] NOT NULL CHECK (cardinality(roles) > 0
                        AND roles <@ ARRAY['viewer', 'operator', 'admin', 'platform-admin']::text[]),
                    created_at timestamptz NOT NULL DEFAULT now(),
                    disabled_at timestamptz
                )
                """,
                "CREATE UNIQUE INDEX operators_tenant_email ON operators (tenant_id, lower(email))",
                "ALTER TABLE operators ENABLE ROW LEVEL SECURITY",
                "ALTER TABLE operators FORCE ROW LEVEL SECURITY",
                """
                CREATE POLICY operators_tenant ON operators
                    USING (tenant_id = current_setting('gm.tenant_id', true))
                    WITH CHECK (tenant_id = current_setting('gm.tenant_id', true))
                """,
                // Public clients (no secret): PKCE S256 is mandatory and the redirect URI must be
                // one of the registered ones, compared exactly.
                """
                CREATE TABLE oauth_public_clients (
                    client_id text PRIMARY KEY CHECK (char_length(client_id) BETWEEN 1 AND 100),
                    name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
                    redirect_uris text[] NOT NULL CHECK (cardinality(redirect_uris) > 0),
                    created_at timestamptz NOT NULL DEFAULT now()
                )
                """,
                // One row per login attempt and key ("account:<tenant>:<lowercased email>" or
                // "ip:<address>"), written before the password is checked and deleted again when it
                // was right; replicas share it, so the limit holds across the fleet.
                """
                CREATE TABLE login_attempts (
                    key text NOT NULL,
                    attempt_id uuid NOT NULL,
                    attempted_at timestamptz NOT NULL DEFAULT now()
                )
                """,
                "CREATE INDEX login_attempts_key_time ON login_attempts (key, attempted_at)",
            ]),
        Migration(
            version: 6, name: "authorization_codes_refresh_tokens",
            statements: [
                """
                CREATE TABLE authorization_codes (
                    fingerprint text PRIMARY KEY,
                    client_id text NOT NULL REFERENCES oauth_public_clients(client_id) ON DELETE CASCADE,
                    tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
                    operator_id uuid NOT NULL REFERENCES operators(id) ON DELETE CASCADE,
                    redirect_uri text NOT NULL,
                    code_challenge text NOT NULL,
                    scope text NOT NULL,
                    created_at timestamptz NOT NULL DEFAULT now(),
                    expires_at timestamptz NOT NULL,
                    used_at timestamptz
                )
                """,
                "CREATE INDEX authorization_codes_expires ON authorization_codes (expires_at)",
                """
                CREATE TABLE refresh_tokens (
                    fingerprint text PRIMARY KEY,
                    family_id uuid NOT NULL,
                    client_id text NOT NULL,
                    tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
                    operator_id uuid NOT NULL REFERENCES operators(id) ON DELETE CASCADE,
                    scope text NOT NULL,
                    authorization_code text,
                    created_at timestamptz NOT NULL DEFAULT now(),
                    expires_at timestamptz NOT NULL,
                    rotated_at timestamptz,
                    revoked_at timestamptz
                )
                """,
                "CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id)",
                "CREATE INDEX refresh_tokens_code ON refresh_tokens (authorization_code) WHERE authorization_code IS NOT NULL",
            ]),
    ]
}
