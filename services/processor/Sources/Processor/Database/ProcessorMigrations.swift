import GameMetricsErasure
import GameMetricsPostgres
import GameMetricsService

// The dedupe window of `event_ids` is ProcessorSettings.dedupeWindow; ADR 0013 says why.

/// The processor's schema: raw events partitioned by day of `occurred_at`, and the time series
/// derived from them, kept at three grains (minute, hour, day) in the same tables.
enum ProcessorMigrations {
    /// Each service keeps its own migration history in the shared database.
    static let table = "processor_schema_migrations"

    static let all: [Migration] = [
        Migration(
            version: 1, name: "events_raw",
            statements: [
                // The primary key must contain the partition key, so a row is unique by
                // (tenant_id, event_id, occurred_at): a redelivered or retried event carries the same
                // occurred_at and lands on the same row.
                """
                CREATE TABLE events_raw (
                    tenant_id text NOT NULL,
                    event_id uuid NOT NULL,
                    player_id text NOT NULL,
                    type text NOT NULL,
                    occurred_at timestamptz NOT NULL,
                    game_id text,
                    amount_minor bigint,
                    currency text,
                    session_duration_ms bigint,
                    properties jsonb NOT NULL,
                    ingested_at timestamptz,
                    kafka_partition integer NOT NULL,
                    kafka_offset bigint NOT NULL,
                    stored_at timestamptz NOT NULL DEFAULT now(),
                    PRIMARY KEY (tenant_id, event_id, occurred_at)
                ) PARTITION BY RANGE (occurred_at)
                """,
                // Erasure deletes by player.
                "CREATE INDEX events_raw_player ON events_raw (tenant_id, player_id)",
                // Whatever falls outside the daily partitions (far past or future) is still kept.
                "CREATE TABLE events_raw_default PARTITION OF events_raw DEFAULT",
            ]),
        Migration(
            version: 2, name: "time_series",
            statements: [
                // Counts and sums per tenant, bucket, game and event type; amounts per currency
                // ('' for events without one), in minor units (numeric: sums of int64 overflow).
                """
                CREATE TABLE event_metrics (
                    tenant_id text NOT NULL,
                    grain text NOT NULL CHECK (grain IN ('minute', 'hour', 'day')),
                    bucket timestamptz NOT NULL,
                    game_id text NOT NULL,
                    event_type text NOT NULL,
                    currency text NOT NULL,
                    events bigint NOT NULL,
                    amount_minor numeric NOT NULL,
                    session_duration_ms numeric NOT NULL,
                    PRIMARY KEY (tenant_id, grain, bucket, game_id, event_type, currency)
                )
                """,
                // Exact distinct players: one row per player seen in a bucket, per game and for the
                // whole tenant (game_id ''); `active_players` counts the rows as they are added.
                """
                CREATE TABLE player_activity (
                    tenant_id text NOT NULL,
                    grain text NOT NULL,
                    bucket timestamptz NOT NULL,
                    game_id text NOT NULL,
                    player_id text NOT NULL,
                    PRIMARY KEY (tenant_id, grain, bucket, game_id, player_id)
                )
                """,
                "CREATE INDEX player_activity_player ON player_activity (tenant_id, player_id)",
                """
                CREATE TABLE active_players (
                    tenant_id text NOT NULL,
                    grain text NOT NULL,
                    bucket timestamptz NOT NULL,
                    game_id text NOT NULL,
                    players bigint NOT NULL,
                    PRIMARY KEY (tenant_id, grain, bucket, game_id)
                )
                """,
                // The latest state per player, published to the compacted player.events.processed.
                """
                CREATE TABLE player_state (
                    tenant_id text NOT NULL,
                    player_id text NOT NULL,
                    first_seen_at timestamptz NOT NULL,
                    last_seen_at timestamptz NOT NULL,
                    last_event_type text NOT NULL,
                    last_game_id text,
                    events bigint NOT NULL,
                    sessions bigint NOT NULL,
                    rounds bigint NOT NULL,
                    updated_at timestamptz NOT NULL DEFAULT now(),
                    PRIMARY KEY (tenant_id, player_id)
                )
                """,
            ]),
        // Memberships keyed by player first: erasure finds them through the primary key, and
        // every batch maintains one index instead of two.
        Migration(
            version: 3, name: "player_activity_by_player",
            statements: [
                "ALTER TABLE player_activity DROP CONSTRAINT player_activity_pkey",
                "ALTER TABLE player_activity ADD PRIMARY KEY (tenant_id, player_id, grain, bucket, game_id)",
                "DROP INDEX player_activity_player",
            ]),
        // One stored event per (tenant_id, event_id), whatever its occurred_at: events_raw's key
        // must contain its partition key, so uniqueness lives in a table of its own, which the
        // archival of old partitions does not touch (ADR 0013). Rows already stored twice stay.
        Migration(
            version: 4, name: "event_ids",
            statements: [
                """
                CREATE TABLE event_ids (
                    tenant_id text NOT NULL,
                    event_id uuid NOT NULL,
                    seen_at timestamptz NOT NULL DEFAULT now(),
                    PRIMARY KEY (tenant_id, event_id)
                )
                """,
                "CREATE INDEX event_ids_seen_at ON event_ids (seen_at)",
                """
                INSERT INTO event_ids (tenant_id, event_id, seen_at)
                SELECT tenant_id, event_id, min(stored_at) FROM events_raw GROUP BY tenant_id, event_id
                """,
            ]),
        Migration(version: 5, name: "erased_subjects", statements: ErasedSubjects.migrationStatements),
        Migration(version: 6, name: "partition_functions", statements: partitionFunctions),
        Migration(version: 7, name: "erasure_ledger", statements: ErasureParticipant.migrationStatements(for: .processor)),
        Migration(version: 8, name: "tenant_row_security", statements: tenantRowSecurity),
        // analytics-api's distinct counts of players over a time range: the primary key starts
        // with the player, so without this every count read all of the tenant's memberships
        // (ADR 0031). Only new memberships (a player's first event in a bucket) update it.
        Migration(
            version: 9, name: "player_activity_by_range",
            statements: [
                "CREATE INDEX player_activity_by_range ON player_activity (tenant_id, grain, game_id, bucket) INCLUDE (player_id)"
            ]),
        // analytics-api's distinct counts of players over a range, exact and independent of the
        // number of players and buckets (ADR 0032): each player gets a number of its own in its
        // tenant, and each tenant-wide bucket a bitmap of its members' numbers, in chunks of 8,192
        // bits. The store keeps them (``PostgresEventStore``), erasure clears the player's bits;
        // the backfill numbers the players who already have memberships.
        Migration(version: 10, name: "player_bitmaps", statements: playerBitmaps),
    ]

    /// Migration 10. An ordinal is never given twice: the counter only grows, and an erased
    /// player's number stays unused. Only analytics-api's bitmaps are under row-level security:
    /// it must not read `player_ordinals`, which maps players to numbers (db/roles.sql).
    static let playerBitmaps: [String] =
        [
            """
            CREATE TABLE player_ordinals (
                tenant_id text NOT NULL,
                player_id text NOT NULL,
                ordinal integer NOT NULL CHECK (ordinal >= 0),
                PRIMARY KEY (tenant_id, player_id),
                UNIQUE (tenant_id, ordinal)
            )
            """,
            """
            CREATE TABLE player_ordinal_counters (
                tenant_id text PRIMARY KEY,
                next_ordinal integer NOT NULL CHECK (next_ordinal >= 0)
            )
            """,
            // Bit (ordinal % 8192) of chunk (ordinal / 8192) is set when that player has a
            // tenant-wide membership (`player_activity`, game '') in the bucket.
            """
            CREATE TABLE player_bitmaps (
                tenant_id text NOT NULL,
                grain text NOT NULL CHECK (grain IN ('minute', 'hour', 'day')),
                bucket timestamptz NOT NULL,
                chunk integer NOT NULL CHECK (chunk >= 0),
                bits bit(8192) NOT NULL,
                PRIMARY KEY (tenant_id, grain, bucket, chunk)
            )
            """,
            """
            INSERT INTO player_ordinals (tenant_id, player_id, ordinal)
            SELECT tenant_id, player_id, (row_number() OVER (PARTITION BY tenant_id ORDER BY player_id) - 1)::integer
              FROM (SELECT DISTINCT tenant_id, player_id FROM player_activity WHERE game_id = '') AS players
            """,
            """
            INSERT INTO player_ordinal_counters (tenant_id, next_ordinal)
            SELECT tenant_id, max(ordinal) + 1 FROM player_ordinals GROUP BY tenant_id
            """,
            """
            INSERT INTO player_bitmaps (tenant_id, grain, bucket, chunk, bits)
            SELECT a.tenant_id, a.grain, a.bucket, o.ordinal / 8192, bit_or(set_bit(0::bit(8192), o.ordinal % 8192, 1))
              FROM player_activity a JOIN player_ordinals o USING (tenant_id, player_id)
             WHERE a.game_id = ''
             GROUP BY 1, 2, 3, 4
            """,
        ] + rowSecurity(tenantTables: ["player_bitmaps"])

    /// The tables analytics-api reads answer a service role only the rows of the tenant its
    /// transaction names (`gm.tenant_id`), whatever the query says. The owner (migrations) is not
    /// subject to it; the processor, which writes every tenant's rows in one batch, gets a policy
    /// of its own in db/roles.sql, where the roles exist.
    static let tenantRowSecurity = rowSecurity(tenantTables: ["event_metrics", "active_players", "player_activity", "player_state"])

    /// Row-level security with the tenant read policy on each of `tenantTables`.
    static func rowSecurity(tenantTables: [String]) -> [String] {
        tenantTables.flatMap { table in
            [
                "ALTER TABLE \(table) ENABLE ROW LEVEL SECURITY",
                "CREATE POLICY \(table)_tenant_reads ON \(table) FOR SELECT USING (tenant_id = current_setting('gm.tenant_id', true))",
            ]
        }
    }

    /// No service role owns `events_raw`, so none may add or drop its partitions; these two
    /// functions run as the owner (SECURITY DEFINER) and do only that, with a fixed search_path
    /// and time zone so a caller's session settings cannot redirect them. `db/roles.sql` lets the
    /// processor create and retention drop (ADR 0016). Both take the advisory lock the processor
    /// used to take, so concurrent callers queue instead of racing on the catalog.
    static let partitionFunctions = [
        """
        CREATE FUNCTION ensure_events_raw_partition(day date) RETURNS boolean
        LANGUAGE plpgsql SECURITY DEFINER
        SET search_path = pg_catalog, public, pg_temp SET TimeZone = 'UTC'
        AS $$
        DECLARE
            part_name text := 'events_raw_p' || to_char(day, 'YYYYMMDD');
        BEGIN
            -- The processor keeps 8 days back and at most 60 ahead; a wider range is a mistake or abuse.
            IF day IS NULL OR day < current_date - 31 OR day > current_date + 366 THEN
                RAISE EXCEPTION 'no events_raw partition for %: days from % to % only', day, current_date - 31, current_date + 366
                    USING ERRCODE = 'invalid_parameter_value';
            END IF;
            PERFORM pg_advisory_xact_lock(\(DailyPartitions.lockKey));
            IF to_regclass('public.' || part_name) IS NOT NULL THEN
                RETURN false;
            END IF;
            EXECUTE format('CREATE TABLE public.%I PARTITION OF public.events_raw FOR VALUES FROM (%L) TO (%L)',
                part_name, day::timestamp AT TIME ZONE 'UTC', (day + 1)::timestamp AT TIME ZONE 'UTC');
            RETURN true;
        END
        $$
        """,
        """
        CREATE FUNCTION drop_events_raw_partition(day date) RETURNS boolean
        LANGUAGE plpgsql SECURITY DEFINER
        SET search_path = pg_catalog, public, pg_temp SET TimeZone = 'UTC'
        AS $$
        DECLARE
            part_name text := 'events_raw_p' || to_char(day, 'YYYYMMDD');
        BEGIN
            -- Ingestion accepts events up to 7 days old and the processor keeps 8 days of
            -- partitions back: younger partitions still receive rows.
            IF day IS NULL OR day > current_date - 9 THEN
                RAISE EXCEPTION 'events_raw partition for % may still receive events: only days up to % may be dropped', day, current_date - 9
                    USING ERRCODE = 'invalid_parameter_value';
            END IF;
            PERFORM pg_advisory_xact_lock(\(DailyPartitions.lockKey));
            IF NOT EXISTS (
                SELECT 1 FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                 WHERE i.inhparent = 'public.events_raw'::regclass AND c.relname = part_name
                   AND c.relnamespace = 'public'::regnamespace
            ) THEN
                RETURN false;
            END IF;
            EXECUTE format('DROP TABLE public.%I', part_name);
            RETURN true;
        END
        $$
        """,
        // Functions are executable by PUBLIC by default; db/roles.sql grants them by name.
        "REVOKE ALL ON FUNCTION ensure_events_raw_partition(date), drop_events_raw_partition(date) FROM PUBLIC",
    ]
}
