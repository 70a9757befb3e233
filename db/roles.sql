-- The grants of every service's PostgreSQL role: the one reviewed place that says which service
-- may touch which table (ADR 0016). Nothing else in the repository grants privileges.
--
-- Applied by the schema owner AFTER every service's migrations (`make up` does it through
-- tools/platform/lib.sh `pg_apply_grants`; in a cluster nothing applies it yet: the migration
-- Jobs only migrate, see docs/platform.md "Not done yet"). It is idempotent: the service roles lose everything first and get
-- back exactly what is listed, so deleting a line here revokes that privilege on the next run.
-- The roles themselves (LOGIN and their passwords) are created by the cluster administrator;
-- none of them owns a table, so none can ALTER, DROP or re-GRANT anything.
--
-- A table added by a migration is reachable by no service until a line here grants it.
-- Partitions of events_raw are created and dropped only through the owner's SECURITY DEFINER
-- functions (processor migration 6); rows in them are reached through events_raw, whose
-- privileges are the ones checked.

-- Start from nothing -------------------------------------------------------------------------
REVOKE ALL ON ALL TABLES IN SCHEMA public
    FROM gm_user, gm_processor, gm_analytics_api, gm_retention, gm_recommendation, gm_notification;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public
    FROM gm_user, gm_processor, gm_analytics_api, gm_retention, gm_recommendation, gm_notification;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA public
    FROM gm_user, gm_processor, gm_analytics_api, gm_retention, gm_recommendation, gm_notification;

-- The database: only the service roles connect (besides the owner); only the processor may
-- create temporary tables (its COPY staging). PUBLIC's default CONNECT and TEMPORARY go.
DO $$
BEGIN
    EXECUTE format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database());
    EXECUTE format('REVOKE ALL ON DATABASE %I FROM gm_user, gm_processor, gm_analytics_api, gm_retention, gm_recommendation, gm_notification', current_database());
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO gm_user, gm_processor, gm_analytics_api, gm_retention, gm_recommendation, gm_notification', current_database());
    EXECUTE format('GRANT TEMPORARY ON DATABASE %I TO gm_processor', current_database());
END
$$;

-- The schema: look up names, never create objects in it.
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public
    TO gm_user, gm_processor, gm_analytics_api, gm_retention, gm_recommendation, gm_notification;

-- user: tenants, clients, keys, operators, players, privacy ------------------------------------
-- Row-level security still applies to the tenant-owned tables (forced, policies per tenant).
GRANT SELECT ON user_schema_migrations TO gm_user;
GRANT SELECT, INSERT, UPDATE, DELETE ON
    tenants, service_clients, signing_keys, write_keys, players, operators, oauth_public_clients,
    login_attempts, authorization_codes, refresh_tokens, erasure_requests, erasure_confirmations,
    erasure_ledger_user
    TO gm_user;
-- The audit log is append-only: read and insert, never update, delete or truncate.
GRANT SELECT, INSERT ON audit_log TO gm_user;
GRANT USAGE ON SEQUENCE audit_log_seq_seq TO gm_user;

-- processor: raw events, their ids, the time series, player state, the erasure record ---------
GRANT SELECT ON processor_schema_migrations TO gm_processor;
GRANT SELECT, INSERT, UPDATE, DELETE ON
    events_raw, event_ids, event_metrics, active_players, player_activity, player_state, erased_subjects,
    erasure_ledger_processor, player_ordinals, player_ordinal_counters, player_bitmaps
    TO gm_processor;
GRANT EXECUTE ON FUNCTION ensure_events_raw_partition(date) TO gm_processor;

-- The processor writes (and erases) every tenant's rows of the tables under row-level security
-- (processor migration 8): its own policy there. Other roles see one tenant's rows at a time.
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['event_metrics', 'active_players', 'player_activity', 'player_state', 'player_bitmaps'] LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_policies WHERE tablename = t AND policyname = t || '_processor') THEN
            EXECUTE format('CREATE POLICY %I ON %I FOR ALL TO gm_processor USING (true) WITH CHECK (true)', t || '_processor', t);
        END IF;
    END LOOP;
END
$$;

-- analytics-api: reads the processor's time series, memberships and player state for dashboards,
-- under row-level security (one tenant per transaction); counts invalid events; erasure ledger --
-- It reads the players' bitmaps, never player_ordinals (which player has which number).
GRANT SELECT ON analytics_schema_migrations TO gm_analytics_api;
GRANT SELECT ON event_metrics, active_players, player_activity, player_state, player_bitmaps TO gm_analytics_api;
GRANT SELECT, INSERT, UPDATE ON invalid_event_counts, invalid_events_consumed TO gm_analytics_api;
GRANT SELECT, INSERT, UPDATE, DELETE ON erasure_ledger_analytics_api TO gm_analytics_api;
GRANT EXECUTE ON FUNCTION analytics_buckets(timestamptz, timestamptz, text, text) TO gm_analytics_api;

-- retention: archives raw events to S3 (deleting exactly the rows it archived, or rows past the
-- tenant's whole policy), drops emptied partitions older than ingestion's window, keeps its
-- catalogue of archived objects, tenants' policies, restore tables and its erasure ledger. It
-- records erasures itself (ADR 0036): a part holds the erasure lock shared and leaves out the
-- rows of players its own erasure recorded first.
GRANT SELECT ON retention_schema_migrations TO gm_retention;
GRANT SELECT, DELETE ON events_raw TO gm_retention;
GRANT EXECUTE ON FUNCTION drop_events_raw_partition(date) TO gm_retention;
GRANT SELECT, INSERT, UPDATE, DELETE ON
    retention_policies, archive_objects, archive_players, retention_tenant_status, restores, restored_events,
    erasure_ledger_retention
    TO gm_retention;
-- Its audit trail is append-only: read and insert, never update, delete or truncate.
GRANT SELECT, INSERT ON retention_audit_log TO gm_retention;
GRANT USAGE ON SEQUENCE retention_audit_log_seq_seq TO gm_retention;
GRANT SELECT, INSERT, UPDATE ON erased_subjects TO gm_retention;
-- It deletes aggregates past their grain's window (ADR 0036): it may read only the columns that
-- select them (never a count, an amount or a player id), and delete, in every tenant.
GRANT SELECT (tenant_id, grain, bucket), DELETE ON event_metrics, active_players, player_activity, player_bitmaps TO gm_retention;
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['event_metrics', 'active_players', 'player_activity', 'player_bitmaps'] LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_policies WHERE tablename = t AND policyname = t || '_retention_reads') THEN
            EXECUTE format('CREATE POLICY %I ON %I FOR SELECT TO gm_retention USING (true)', t || '_retention_reads', t);
        END IF;
        IF NOT EXISTS (SELECT 1 FROM pg_policies WHERE tablename = t AND policyname = t || '_retention_deletes') THEN
            EXECUTE format('CREATE POLICY %I ON %I FOR DELETE TO gm_retention USING (true)', t || '_retention_deletes', t);
        END IF;
    END LOOP;
END
$$;

-- recommendation: its catalogue, models, vectors, rollouts and recent plays; play history as the
-- processor's daily memberships (who played which game on which day, under the tenant policy:
-- its training names the tenant), never events, payloads or amounts. A model's partitions and
-- index are made and dropped only through the owner's functions (recommendation migration 2).
GRANT SELECT ON recommendation_schema_migrations TO gm_recommendation;
GRANT SELECT, INSERT, UPDATE, DELETE ON
    rec_games, rec_recent_plays, rec_models, rec_game_vectors, rec_player_vectors, rec_rollouts, erasure_ledger_recommendation
    TO gm_recommendation;
GRANT USAGE ON SEQUENCE rec_models_model_id_seq TO gm_recommendation;
GRANT EXECUTE ON FUNCTION rec_create_model_partitions(bigint), rec_index_model(bigint, integer, integer), rec_drop_model_partitions(bigint)
    TO gm_recommendation;
GRANT SELECT (tenant_id, player_id, grain, bucket, game_id) ON player_activity TO gm_recommendation;
-- It records erasures itself, like notification: a model loaded while a player was erased
-- drops them before it serves, under the erasure lock.
GRANT INSERT, UPDATE ON erased_subjects TO gm_recommendation;

-- notification: its queue and history, tenants' settings and endpoints, players' addresses and
-- preferences, its erasure ledger. It records erasures itself (ADR 0034): a send to a player
-- holds the erasure lock shared and checks the record, which its own erasure writes first.
GRANT SELECT ON notification_schema_migrations TO gm_notification;
GRANT SELECT, INSERT, UPDATE, DELETE ON
    notifications, notification_attempts, notification_settings, notification_endpoints, notification_recipients,
    erasure_ledger_notification
    TO gm_notification;
GRANT SELECT, INSERT, UPDATE ON erased_subjects TO gm_notification;

-- Every consumer of player events checks the record of erased players (ADR 0014) -------------
GRANT SELECT ON erased_subjects TO gm_recommendation;

-- cdc: Debezium (KafkaConnect, charts/kafka) streams the players table's changes to Kafka -----
-- Logical decoding sends what the publication names: the players table only, and of it every
-- column but email (personal data that does not leave by this route; a new column is published
-- only once listed here). The schema owner creates it, since only the table's owner may publish
-- it. The role gm_cdc (REPLICATION, for its slot) exists where CloudNativePG creates it
-- (charts/postgres); a local setup runs no Debezium and has no such role, hence the check. It
-- reads players for its initial snapshot: every tenant's rows, so a policy of its own beside the
-- tenants' (players forces row-level security; gm_cdc is not a tenant and gets no BYPASSRLS).
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_publication WHERE pubname = 'gm_player_changes') THEN
        CREATE PUBLICATION gm_player_changes
            FOR TABLE players (tenant_id, player_id, display_name, country, attributes, created_at, updated_at);
    ELSE
        ALTER PUBLICATION gm_player_changes
            SET TABLE players (tenant_id, player_id, display_name, country, attributes, created_at, updated_at);
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'gm_cdc') THEN
        REVOKE ALL ON ALL TABLES IN SCHEMA public FROM gm_cdc;
        REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM gm_cdc;
        REVOKE ALL ON ALL FUNCTIONS IN SCHEMA public FROM gm_cdc;
        EXECUTE format('REVOKE ALL ON DATABASE %I FROM gm_cdc', current_database());
        EXECUTE format('GRANT CONNECT ON DATABASE %I TO gm_cdc', current_database());
        GRANT USAGE ON SCHEMA public TO gm_cdc;
        GRANT SELECT ON players TO gm_cdc;
        IF NOT EXISTS (SELECT 1 FROM pg_policies WHERE tablename = 'players' AND policyname = 'players_cdc_snapshot') THEN
            CREATE POLICY players_cdc_snapshot ON players FOR SELECT TO gm_cdc USING (true);
        END IF;
    END IF;
END
$$;
