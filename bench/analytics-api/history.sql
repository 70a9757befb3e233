-- Synthetic history for bench/analytics-api/run.sh: what :days days of steady traffic leave in
-- the processor's tables for tenant :'tenant', so that a range read meets the rows a running
-- platform has, not the few minutes a fresh demo has. :players players, each active in about a
-- quarter of the hours, in one of 20 games; per hour and game a fixed mix of events. Hourly and
-- daily buckets before today (UTC) only: the live demo's rows are not touched, and running it
-- again adds nothing. Run as the schema owner (not subject to row-level security):
--   psql -v tenant=demo-casino -v players=1000 -v days=30 -f bench/analytics-api/history.sql
\set ON_ERROR_STOP 1
SET TIME ZONE 'UTC';
BEGIN;

CREATE TEMPORARY TABLE bench_hours ON COMMIT DROP AS
SELECT h FROM generate_series(date_trunc('day', now()) - make_interval(days => :days), date_trunc('day', now()) - interval '1 hour', interval '1 hour') AS h;

CREATE TEMPORARY TABLE bench_active ON COMMIT DROP AS
SELECT h, 'bench-player-' || p AS player_id, 'game-' || (abs(hashtext(p || ':' || h)) % 20) AS game_id
  FROM bench_hours, generate_series(1, :players) AS p
 WHERE abs(hashtext(p || '/' || h)) % 4 = 0;

WITH added AS (
    INSERT INTO player_activity (tenant_id, grain, bucket, game_id, player_id)
    SELECT :'tenant', 'hour', h, g, player_id FROM bench_active, LATERAL (VALUES (game_id), ('')) AS v(g)
    UNION
    SELECT :'tenant', 'day', date_trunc('day', h), g, player_id FROM bench_active, LATERAL (VALUES (game_id), ('')) AS v(g)
    ON CONFLICT DO NOTHING
    RETURNING tenant_id, grain, bucket, game_id
)
INSERT INTO active_players (tenant_id, grain, bucket, game_id, players)
SELECT tenant_id, grain, bucket, game_id, count(*) FROM added GROUP BY 1, 2, 3, 4
    ON CONFLICT (tenant_id, grain, bucket, game_id) DO UPDATE SET players = active_players.players + excluded.players;

-- What the processor keeps beside the memberships for exact distinct counts (processor migration
-- 10): an ordinal per player of the tenant, after the tenant's counter, and the players' bits in
-- each tenant-wide bucket's bitmap, ORed in (so running it again changes nothing).
WITH new AS (
    SELECT DISTINCT a.player_id FROM bench_active a
     WHERE NOT EXISTS (SELECT 1 FROM player_ordinals o WHERE o.tenant_id = :'tenant' AND o.player_id = a.player_id)
), counter AS (
    INSERT INTO player_ordinal_counters AS c (tenant_id, next_ordinal)
    SELECT :'tenant', count(*) FROM new
        ON CONFLICT (tenant_id) DO UPDATE SET next_ordinal = c.next_ordinal + excluded.next_ordinal
    RETURNING next_ordinal
)
INSERT INTO player_ordinals (tenant_id, player_id, ordinal)
SELECT :'tenant', n.player_id, c.next_ordinal - (SELECT count(*) FROM new)::integer - 1
       + (row_number() OVER (ORDER BY n.player_id))::integer
  FROM new n, counter c;

INSERT INTO player_bitmaps AS b (tenant_id, grain, bucket, chunk, bits)
SELECT :'tenant', v.grain, v.bucket, o.ordinal / 8192, bit_or(set_bit(0::bit(8192), o.ordinal % 8192, 1))
  FROM bench_active a JOIN player_ordinals o ON o.tenant_id = :'tenant' AND o.player_id = a.player_id,
       LATERAL (VALUES ('hour', a.h), ('day', date_trunc('day', a.h))) AS v(grain, bucket)
 GROUP BY 1, 2, 3, 4
    ON CONFLICT (tenant_id, grain, bucket, chunk) DO UPDATE SET bits = b.bits | excluded.bits;

WITH mix (event_type, currency, per_hour, amount_each, session_ms_each) AS (
    VALUES ('session_start', '', 12, 0, 0), ('session_end', '', 12, 0, 540000), ('game_round', '', 150, 0, 0),
           ('bet_placed', 'EUR', 150, 250, 0), ('bet_settled', 'EUR', 150, 240, 0), ('deposit', 'EUR', 3, 5000, 0),
           ('withdrawal', 'EUR', 1, 8000, 0), ('page_view', '', 40, 0, 0)
), hourly AS (
    SELECT h, 'game-' || g AS game_id, event_type, currency, per_hour AS events, per_hour * amount_each AS amount_minor,
           per_hour * session_ms_each AS session_duration_ms
      FROM bench_hours, generate_series(0, 19) AS g, mix
)
INSERT INTO event_metrics (tenant_id, grain, bucket, game_id, event_type, currency, events, amount_minor, session_duration_ms)
SELECT :'tenant', 'hour', h, game_id, event_type, currency, events, amount_minor, session_duration_ms FROM hourly
UNION ALL
SELECT :'tenant', 'day', date_trunc('day', h), game_id, event_type, currency, sum(events), sum(amount_minor), sum(session_duration_ms)
  FROM hourly GROUP BY 3, 4, 5, 6
    ON CONFLICT DO NOTHING;

COMMIT;
