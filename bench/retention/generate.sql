-- Raw events straight into events_raw, as the schema owner (bench/retention/run.sh):
--   psql -v prefix=bench-t -v tenants=4 -v rows=2000000 -v days=10 -v oldest=19 -v players=20000 \
--        -v target=p-target -v target_every=0 -v seed=0.42 -f generate.sql
-- :rows rows spread evenly over :days UTC days (the oldest :oldest days ago, the youngest
-- :oldest - :days + 1 days ago) and :tenants tenants (:prefix1, :prefix2, ...), :players players
-- per tenant; with :target_every > 0, the first tenant's every :target_every-th row of each day
-- is the player :target (so that player is in every day of that tenant). The event mix and the
-- property JSON follow what ingestion accepts (bench/processor/feed.py's types and currencies)
-- with the properties a game client sends (device, app version, country, session, and per type
-- a round, a page, a SKU, a level...): about 700 bytes per archive line.
-- A missing daily partition is created as ensure_events_raw_partition would (the function
-- refuses days older than 31, which the year of archives needs).
\set ON_ERROR_STOP on
SET TimeZone = 'UTC';
SELECT setseed(:seed) AS seeded \gset

SELECT format('CREATE TABLE public.%I PARTITION OF public.events_raw FOR VALUES FROM (%L) TO (%L)',
              'events_raw_p' || to_char(day, 'YYYYMMDD'), day::timestamp AT TIME ZONE 'UTC', (day + 1)::timestamp AT TIME ZONE 'UTC')
  FROM (SELECT current_date - g AS day FROM generate_series(:oldest - :days + 1, :oldest) AS g) AS d
 WHERE to_regclass('public.events_raw_p' || to_char(day, 'YYYYMMDD')) IS NULL
\gexec

INSERT INTO events_raw (tenant_id, event_id, player_id, type, occurred_at, game_id, amount_minor, currency,
                        session_duration_ms, properties, ingested_at, kafka_partition, kafka_offset, stored_at)
SELECT tenant, gen_random_uuid(), player, type, occurred_at,
       CASE WHEN type IN ('game_round', 'bet_placed', 'bet_settled', 'achievement_unlocked', 'level_up')
            THEN (ARRAY['slots-1', 'slots-2', 'roulette', 'blackjack', 'crash-x', 'plinko'])[1 + (r3 * 6)::int % 6] END,
       CASE WHEN type IN ('bet_placed', 'bet_settled', 'deposit', 'withdrawal', 'purchase') THEN (r4 * 100000)::bigint END,
       CASE WHEN type IN ('bet_placed', 'bet_settled', 'deposit', 'withdrawal', 'purchase')
            THEN (ARRAY['EUR', 'USD', 'GBP', 'BRL'])[1 + (r5 * 4)::int % 4] END,
       CASE WHEN type = 'session_end' THEN (r4 * 3600000)::bigint END,
       jsonb_build_object(
           'device', (ARRAY['ios', 'android', 'web', 'desktop'])[1 + (r1 * 4)::int % 4],
           'os_version', (ARRAY['17.4.1', '14', '13', '10.0.22631', '18.1'])[1 + (r2 * 5)::int % 5],
           'app_version', '4.' || (r3 * 20)::int || '.' || (r4 * 9)::int,
           'country', (ARRAY['DE', 'GB', 'BR', 'US', 'SE', 'MT', 'CA', 'ES', 'FI', 'NL'])[1 + (r5 * 10)::int % 10],
           'locale', (ARRAY['de-DE', 'en-GB', 'pt-BR', 'en-US', 'sv-SE', 'es-ES'])[1 + (r1 * 6)::int % 6],
           'session_id', substr(md5(player || (i / 40)::text), 1, 20),
           'ip_country_match', r2 > 0.1,
           'campaign', CASE WHEN r5 < 0.3 THEN 'winter-bonus-' || (r3 * 12)::int END)
       || CASE type
            WHEN 'game_round' THEN jsonb_build_object('round_id', substr(md5(i::text), 1, 16), 'lines', 1 + (r2 * 25)::int,
                'stake_minor', (r4 * 500)::int, 'win_minor', CASE WHEN r5 < 0.4 THEN (r3 * 2000)::int ELSE 0 END,
                'rtp_bucket', 'b' || (r1 * 10)::int, 'features', jsonb_build_array('free_spins', 'multiplier'))
            WHEN 'page_view' THEN jsonb_build_object(
                'path', (ARRAY['/lobby', '/lobby/slots', '/promotions', '/account/wallet', '/live-casino', '/sports/football'])[1 + (r2 * 6)::int % 6],
                'referrer', (ARRAY['push', 'email', 'organic', 'affiliate'])[1 + (r3 * 4)::int % 4], 'load_ms', (r4 * 3000)::int,
                'viewport', '390x844')
            WHEN 'purchase' THEN jsonb_build_object('sku', 'coins_' || (1 + (r2 * 10)::int) * 500, 'store',
                (ARRAY['apple', 'google', 'web'])[1 + (r3 * 3)::int % 3], 'receipt_id', substr(md5(i::text || 'r'), 1, 24))
            WHEN 'deposit' THEN jsonb_build_object('method', (ARRAY['card', 'paypal', 'trustly', 'pix'])[1 + (r2 * 4)::int % 4],
                'psp_reference', substr(md5(i::text || 'd'), 1, 24), 'first_deposit', r3 < 0.05)
            WHEN 'withdrawal' THEN jsonb_build_object('method', (ARRAY['card', 'bank_transfer', 'pix'])[1 + (r2 * 3)::int % 3],
                'psp_reference', substr(md5(i::text || 'w'), 1, 24), 'kyc_level', 1 + (r3 * 3)::int)
            WHEN 'level_up' THEN jsonb_build_object('level', 1 + (r2 * 80)::int, 'xp', (r3 * 100000)::int)
            WHEN 'achievement_unlocked' THEN jsonb_build_object('achievement', 'ach_' || (r2 * 150)::int, 'tier',
                (ARRAY['bronze', 'silver', 'gold'])[1 + (r3 * 3)::int % 3])
            WHEN 'session_end' THEN jsonb_build_object('duration_ms', (r4 * 3600000)::bigint, 'rounds', (r2 * 300)::int)
            WHEN 'bet_placed' THEN jsonb_build_object('bet_id', substr(md5(i::text || 'b'), 1, 16), 'odds', round((1 + r2 * 9)::numeric, 2),
                'market', (ARRAY['1x2', 'over_under', 'handicap'])[1 + (r3 * 3)::int % 3])
            WHEN 'bet_settled' THEN jsonb_build_object('bet_id', substr(md5(i::text || 'b'), 1, 16), 'outcome',
                (ARRAY['won', 'lost', 'void'])[1 + (r3 * 3)::int % 3])
            ELSE jsonb_build_object('entry', (ARRAY['cold', 'warm', 'deeplink'])[1 + (r2 * 3)::int % 3])
          END,
       occurred_at + make_interval(secs => 0.05 + r2 * 2),
       (i % 12)::int, i,
       occurred_at + make_interval(secs => 1 + r3 * 3)
  FROM (
      SELECT i, r1, r2, r3, r4, r5,
             :'prefix' || (1 + (i / :days) % :tenants) AS tenant,
             CASE WHEN :target_every > 0 AND (i / :days) % :tenants = 0 AND (i / (:days * :tenants)) % :target_every = 0
                  THEN :'target' ELSE 'p-' || (r1 * :players)::int END AS player,
             (ARRAY['session_start', 'session_end', 'game_round', 'game_round', 'game_round', 'bet_placed', 'bet_settled',
                    'deposit', 'withdrawal', 'purchase', 'achievement_unlocked', 'level_up', 'page_view', 'page_view'])[1 + (r5 * 14)::int % 14] AS type,
             (current_date - :oldest + (i % :days))::timestamp AT TIME ZONE 'UTC' + make_interval(secs => r4 * 86399) AS occurred_at
        FROM (SELECT i, random() AS r1, random() AS r2, random() AS r3, random() AS r4, random() AS r5
                FROM generate_series(0, :rows - 1) AS i) AS g
  ) AS e;
