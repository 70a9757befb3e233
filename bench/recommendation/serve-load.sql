-- Moves bench/recommendation/serve-data.sql's staged rows into player_activity (the processor's
-- table, with its indexes) and gives tenant :'tenant' its catalogue of :games games in rec_games
-- (as `PUT /v1/games` stores them). Run as the schema owner after the services' migrations:
--   psql -v tenant=demo-casino -v games=10000 -f bench/recommendation/serve-load.sql
\set ON_ERROR_STOP 1
INSERT INTO rec_games (tenant_id, game_id, name, provider, category, volatility, enabled, source)
SELECT :'tenant', format('game-%s', lpad(g::text, 5, '0')), format('Game %s', g), format('provider-%s', (g - 1) % 50),
       (ARRAY['slots', 'table', 'live', 'crash', 'instant'])[1 + (g - 1) % 5], (ARRAY['low', 'medium', 'high'])[1 + g % 3], true, 'api'
  FROM generate_series(1, :games) AS g
    ON CONFLICT (tenant_id, game_id) DO NOTHING;
INSERT INTO player_activity (tenant_id, grain, bucket, game_id, player_id)
SELECT tenant_id, grain, bucket, game_id, player_id FROM bench_play_history WHERE tenant_id = :'tenant'
    ON CONFLICT DO NOTHING;
DROP TABLE bench_play_history;
VACUUM ANALYZE player_activity;
