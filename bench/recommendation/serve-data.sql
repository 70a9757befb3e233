-- Synthetic play history for bench/recommendation/serve.sh: for tenant :'tenant' and a catalogue
-- of :games games (game-00001 ...), the day-grain play records
-- (`player_activity`, what the processor writes and `recommendation train` reads) of the players
-- :first..:last, with a planted taste structure:
--   * 50 taste clusters; game g (1-based) is in cluster (g - 1) % 50, at rank (g - 1) / 50 of it;
--   * player p is in cluster p % 50 and makes 18 draws from their cluster's games, Zipf-like by
--     rank (rank = floor(exp(u · ln(n + 1))) - 1, density ∝ 1/(rank + 1)), and 4 draws from the
--     whole catalogue, Zipf-like over a fixed permutation of it (popular games in every cluster);
--     repeated draws collapse, leaving about 19 distinct games per player;
--   * each (player, game) is played on one day of the last week, and on a second day with
--     probability 0.2: about 22 rows per player.
-- Only day-grain rows of real games: the tenant-wide membership rows (game '') and the hour and
-- minute grains that the processor also writes are not read by training, and are left out.
-- The rows go to an unlogged staging table without indexes, `bench_play_history`, a chunk of
-- players per run (this needs no service's schema, so it can run while the services build);
-- bench/recommendation/serve-load.sql then moves them into player_activity and writes the catalogue.
-- Run as the schema owner:
--   psql -v tenant=demo-casino -v games=10000 -v first=1 -v last=100000 -f bench/recommendation/serve-data.sql
-- Each (player, game, day) comes once: the draws of a player are made distinct, and the second day
-- differs from the first.
\set ON_ERROR_STOP 1
SET TIME ZONE 'UTC';
CREATE UNLOGGED TABLE IF NOT EXISTS bench_play_history (
    tenant_id text NOT NULL,
    grain text NOT NULL,
    bucket timestamptz NOT NULL,
    game_id text NOT NULL,
    player_id text NOT NULL
);

INSERT INTO bench_play_history (tenant_id, grain, bucket, game_id, player_id)
SELECT :'tenant', 'day', date_trunc('day', now()) - make_interval(days => (picks.day + extra * 3) % 7),
       format('game-%s', lpad(picks.g::text, 5, '0')), players.player
  FROM (SELECT p, format('player-%s', lpad(p::text, 7, '0')) AS player, p % 50 AS cluster
          FROM generate_series(:first, :last) AS p) AS players
 CROSS JOIN LATERAL (
        SELECT g, floor(random() * 7)::int AS day, CASE WHEN random() < 0.2 THEN 1 ELSE 0 END AS days_more
          FROM (SELECT DISTINCT
                       CASE WHEN k <= 18 THEN (floor(exp(random() * ln(:games / 50 + 1)))::int - 1) * 50 + players.cluster + 1
                            ELSE ((floor(exp(random() * ln(:games + 1)))::int - 1) * 7919) % :games + 1 END AS g
                  FROM generate_series(1, 22) AS k) AS drawn) AS picks
 CROSS JOIN LATERAL generate_series(0, picks.days_more) AS extra;
