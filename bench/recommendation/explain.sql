-- The serving path's two statements (VectorSearch.context and .nearest) for player-0000001 under
-- EXPLAIN (ANALYZE, BUFFERS), with the serving pool's settings (ef_search 64, relaxed order).
-- Run as the owner: psql -v tenant=demo-casino -v model=1 -f bench/recommendation/explain.sql
\set ON_ERROR_STOP 1
SET hnsw.ef_search = 64;
SET hnsw.iterative_scan = relaxed_order;
SELECT embedding::text AS vector, played::text AS played FROM rec_player_vectors WHERE model_id = :model AND player_id = 'player-0000001' \gset
EXPLAIN (ANALYZE, BUFFERS)
SELECT v.embedding::text, v.played,
       ARRAY(SELECT game_id FROM rec_recent_plays WHERE tenant_id = :'tenant' AND player_id = 'player-0000001' ORDER BY game_id),
       ARRAY(SELECT plays FROM rec_recent_plays WHERE tenant_id = :'tenant' AND player_id = 'player-0000001' ORDER BY game_id)
  FROM (SELECT 1) AS one
  LEFT JOIN rec_player_vectors v ON v.model_id = :model AND v.player_id = 'player-0000001';
EXPLAIN (ANALYZE, BUFFERS)
SELECT g.game_id, -(g.embedding <#> :'vector'::vector) AS score, c.name, c.provider, c.category
  FROM rec_game_vectors g JOIN rec_games c ON c.tenant_id = :'tenant' AND c.game_id = g.game_id
 WHERE g.model_id = :model AND c.enabled AND NOT (g.game_id = ANY(:'played'::text[]))
 ORDER BY g.embedding <#> :'vector'::vector
 LIMIT 10;
