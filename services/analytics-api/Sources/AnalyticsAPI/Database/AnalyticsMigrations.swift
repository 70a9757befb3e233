import GameMetricsErasure
import GameMetricsPostgres

/// analytics-api's own tables. It reads the processor's time series (processor migrations) and
/// writes only what it derives itself: the invalid events per tenant and reason.
enum AnalyticsMigrations {
    static let table = "analytics_schema_migrations"

    static let all: [Migration] = [
        Migration(
            version: 1, name: "invalid_event_counts",
            statements: [
                // Refused events per tenant, hour of arrival, refusing service and reason. An event
                // refused for two reasons counts under both; `records` counts each event once.
                """
                CREATE TABLE invalid_event_counts (
                    tenant_id text NOT NULL,
                    hour timestamptz NOT NULL,
                    source text NOT NULL,
                    reason text NOT NULL,
                    events bigint NOT NULL,
                    PRIMARY KEY (tenant_id, hour, source, reason)
                )
                """,
                // Each tenant's rows are written and read under its own `gm.tenant_id` only.
                "ALTER TABLE invalid_event_counts ENABLE ROW LEVEL SECURITY",
                """
                CREATE POLICY invalid_event_counts_tenant ON invalid_event_counts
                    USING (tenant_id = current_setting('gm.tenant_id', true))
                    WITH CHECK (tenant_id = current_setting('gm.tenant_id', true))
                """,
                // The next offset to count per partition, written in the counting transaction: a
                // redelivered record is counted once (offsets are committed to Kafka afterwards).
                """
                CREATE TABLE invalid_events_consumed (
                    topic text NOT NULL,
                    partition integer NOT NULL,
                    next_offset bigint NOT NULL,
                    PRIMARY KEY (topic, partition)
                )
                """,
            ]),
        Migration(version: 2, name: "erasure_ledger", statements: ErasureParticipant.migrationStatements(for: .analyticsAPI)),
        Migration(
            version: 3, name: "analytics_buckets",
            statements: [
                // A time series' buckets in a time zone: each local minute, hour or day that meets
                // [range_from, range_to), as the instants [lo, hi). Local days are 23 or 25 hours
                // long across a DST change; the zone's rules are PostgreSQL's.
                """
                CREATE FUNCTION analytics_buckets(range_from timestamptz, range_to timestamptz, zone text, unit text)
                RETURNS TABLE (lo timestamptz, hi timestamptz)
                LANGUAGE sql STABLE
                SET search_path = pg_catalog, pg_temp
                AS $$
                    SELECT local_start AT TIME ZONE zone, (local_start + ('1 ' || unit)::interval) AT TIME ZONE zone
                      FROM generate_series(date_trunc(unit, range_from AT TIME ZONE zone),
                                           (range_to AT TIME ZONE zone) - interval '1 microsecond',
                                           ('1 ' || unit)::interval) AS local_start
                $$
                """,
                // Functions are executable by PUBLIC by default; db/roles.sql grants it by name.
                "REVOKE ALL ON FUNCTION analytics_buckets(timestamptz, timestamptz, text, text) FROM PUBLIC",
            ]),
    ]
}
