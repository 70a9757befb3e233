-- HNSW against exact search for bench/recommendation/serve.sh: for :players random players of
-- model :model (seeded, so every ef_search meets the same players), the top 10 of the service's
-- query (VectorSearch.nearest: the tenant's enabled games, the player's trained games left out,
-- ordered by inner product) through the HNSW index with hnsw.ef_search = :ef and iterative scans
-- in relaxed order, as the serving pool sets them, and the same query with index scans disabled
-- (a sequential scan and a sort: exact). recall@10 = overlap / exact list length, averaged; time
-- per search = the statement's wall time / players. Run as the owner:
--   psql -v tenant=demo-casino -v model=1 -v players=200 -v ef=64 -f bench/recommendation/recall.sql
\set ON_ERROR_STOP 1
SELECT setseed(0.2026);
CREATE TEMPORARY TABLE recall_sample AS
SELECT player_id, embedding, played FROM rec_player_vectors WHERE model_id = :model ORDER BY random() LIMIT :players;

SET hnsw.ef_search = :ef;
SET hnsw.iterative_scan = relaxed_order;
SELECT extract(epoch FROM clock_timestamp()) AS t0 \gset
CREATE TEMPORARY TABLE recall_hnsw AS
SELECT s.player_id, array_agg(n.game_id) AS games
  FROM recall_sample s CROSS JOIN LATERAL (
        SELECT g.game_id FROM rec_game_vectors g JOIN rec_games c ON c.tenant_id = :'tenant' AND c.game_id = g.game_id
         WHERE g.model_id = :model AND c.enabled AND NOT (g.game_id = ANY(s.played))
         ORDER BY g.embedding <#> s.embedding LIMIT 10) AS n
 GROUP BY s.player_id;
SELECT extract(epoch FROM clock_timestamp()) AS t1 \gset

SET enable_indexscan = off;
CREATE TEMPORARY TABLE recall_exact AS
SELECT s.player_id, array_agg(n.game_id) AS games
  FROM recall_sample s CROSS JOIN LATERAL (
        SELECT g.game_id FROM rec_game_vectors g JOIN rec_games c ON c.tenant_id = :'tenant' AND c.game_id = g.game_id
         WHERE g.model_id = :model AND c.enabled AND NOT (g.game_id = ANY(s.played))
         ORDER BY g.embedding <#> s.embedding LIMIT 10) AS n
 GROUP BY s.player_id;
SELECT extract(epoch FROM clock_timestamp()) AS t2 \gset
RESET enable_indexscan;

\pset tuples_only on
\pset format unaligned
SELECT 'recall@10 ' || round(avg(cardinality(ARRAY(SELECT unnest(h.games) INTERSECT SELECT unnest(e.games)))::numeric / cardinality(e.games)), 4)
       || ' over ' || count(*) || ' players (min ' || min(cardinality(ARRAY(SELECT unnest(h.games) INTERSECT SELECT unnest(e.games)))) || '/10)'
  FROM recall_exact e JOIN recall_hnsw h USING (player_id);
SELECT 'time per search: hnsw ' || round(((:t1 - :t0) * 1000 / :players)::numeric, 2) || ' ms, exact '
       || round(((:t2 - :t1) * 1000 / :players)::numeric, 2) || ' ms';
