import GameMetricsErasure
import GameMetricsPostgres

/// The notification service's tables: the queue of notifications with every attempt, the
/// tenants' settings and endpoints, and players' contact details and preferences.
enum NotificationMigrations {
    static let table = "notification_schema_migrations"

    static let all: [Migration] = [
        Migration(
            version: 1, name: "notifications",
            statements: [
                // Per tenant: branding of its emails, its operators' destinations, its rules.
                """
                CREATE TABLE notification_settings (
                    tenant_id text PRIMARY KEY,
                    brand_name text NOT NULL,
                    brand_color text NOT NULL CHECK (brand_color ~ '^#[0-9a-fA-F]{6}$'),
                    brand_footer text NOT NULL DEFAULT '',
                    operator_email text,
                    operator_endpoint_id uuid,
                    disabled_rules text[] NOT NULL DEFAULT '{}',
                    updated_at timestamptz NOT NULL DEFAULT now()
                )
                """,
                // Where a tenant's webhooks and Slack messages go. The secret (the webhook's
                // signing key, or a Slack URL, which is itself a credential) is sealed with
                // GM_NOTIFICATION_SECRET_KEY.
                """
                CREATE TABLE notification_endpoints (
                    tenant_id text NOT NULL,
                    endpoint_id uuid NOT NULL,
                    kind text NOT NULL CHECK (kind IN ('webhook', 'slack')),
                    url text NOT NULL,
                    sealed_secret bytea NOT NULL,
                    description text NOT NULL DEFAULT '',
                    created_at timestamptz NOT NULL DEFAULT now(),
                    PRIMARY KEY (tenant_id, endpoint_id)
                )
                """,
                // A player's address and what they want to receive.
                """
                CREATE TABLE notification_recipients (
                    tenant_id text NOT NULL,
                    player_id text NOT NULL,
                    email text,
                    time_zone text NOT NULL DEFAULT 'UTC',
                    quiet_start_minute smallint CHECK (quiet_start_minute BETWEEN 0 AND 1439),
                    quiet_end_minute smallint CHECK (quiet_end_minute BETWEEN 0 AND 1439),
                    opted_out text[] NOT NULL DEFAULT '{}',
                    unsubscribed_at timestamptz,
                    updated_at timestamptz NOT NULL DEFAULT now(),
                    PRIMARY KEY (tenant_id, player_id)
                )
                """,
                // The queue and the history. A notification is `pending` until it is
                // `delivered`, `dead` (attempts exhausted or refused for good; the DLQ) or
                // `suppressed` (unsubscribed, opted out, no address, rule off). Its id is the
                // message id every attempt carries.
                """
                CREATE TABLE notifications (
                    tenant_id text NOT NULL,
                    notification_id uuid NOT NULL,
                    idempotency_key text NOT NULL,
                    request_hash bytea NOT NULL,
                    source text NOT NULL,
                    channel text NOT NULL CHECK (channel IN ('email', 'webhook', 'slack')),
                    destination text NOT NULL,
                    player_id text,
                    template text NOT NULL,
                    data jsonb NOT NULL,
                    status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'dead', 'suppressed')),
                    attempts integer NOT NULL DEFAULT 0,
                    replays integer NOT NULL DEFAULT 0,
                    next_attempt_at timestamptz NOT NULL,
                    created_at timestamptz NOT NULL DEFAULT now(),
                    finished_at timestamptz,
                    outcome text,
                    dead_letter_published boolean NOT NULL DEFAULT false,
                    traceparent text,
                    PRIMARY KEY (tenant_id, notification_id),
                    UNIQUE (tenant_id, idempotency_key)
                )
                """,
                "CREATE INDEX notifications_due ON notifications (tenant_id, next_attempt_at) WHERE status = 'pending'",
                "CREATE INDEX notifications_due_at ON notifications (next_attempt_at) WHERE status = 'pending'",
                "CREATE INDEX notifications_dead ON notifications (tenant_id, finished_at DESC) WHERE status = 'dead'",
                "CREATE INDEX notifications_unpublished ON notifications (finished_at) WHERE status = 'dead' AND NOT dead_letter_published",
                "CREATE INDEX notifications_player ON notifications (tenant_id, player_id) WHERE player_id IS NOT NULL",
                // Every attempt, with what went wrong: what the DLQ shows and publishes.
                """
                CREATE TABLE notification_attempts (
                    tenant_id text NOT NULL,
                    notification_id uuid NOT NULL,
                    attempt integer NOT NULL,
                    replay integer NOT NULL DEFAULT 0,
                    started_at timestamptz NOT NULL,
                    finished_at timestamptz NOT NULL DEFAULT now(),
                    outcome text NOT NULL CHECK (outcome IN ('delivered', 'transient', 'permanent')),
                    error text,
                    status_code integer,
                    PRIMARY KEY (tenant_id, notification_id, replay, attempt),
                    FOREIGN KEY (tenant_id, notification_id) REFERENCES notifications ON DELETE CASCADE
                )
                """,
            ]),
        Migration(version: 2, name: "erasure_ledger", statements: ErasureParticipant.migrationStatements(for: .notification)),
    ]
}
