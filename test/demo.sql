-- test/demo.sql: the main job of the README's first command.
-- A reproducible purchases table, one timeline per user, a
-- point-in-time question answered for 100,000 observation rows, features
-- defined as code, a training set with a label, and materialized current
-- values refreshed after new events.
\set ON_ERROR_STOP 1
\set QUIET on
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS timeline;
SET search_path = public, timeline;  -- our tables in public, the functions unqualified
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
\pset footer off

\echo
\echo '== 1. a synthetic purchases table: 100,000 users, 2,000,000 events (a few users are very active)'
SELECT setseed(0.2024) \gset
DROP TABLE IF EXISTS purchases, observations, user_spend;
SELECT clock_timestamp() AS t0 \gset
CREATE TABLE purchases AS
SELECT g AS purchase_id,
       least(99999, floor(100000 * pow(random(), 2)))::int AS user_id,
       timestamptz '2024-01-01' + floor(random() * 366 * 86400) * interval '1 second' AS ts,
       round((5 + random() * random() * 200)::numeric, 2)::float8 AS amount
FROM generate_series(1, 2000000) g;
SELECT round(extract(epoch FROM clock_timestamp() - :'t0') * 1000) AS "generated in ms",
       sum(n) AS purchases, count(*) AS users,
       max(n) AS "most purchases by one user", round(avg(n), 1) AS "mean per user"
FROM (SELECT user_id, count(*) AS n FROM purchases GROUP BY user_id) s;

\echo
\echo '== 2. one timeline per user: the amount of every purchase, in time order'
SELECT clock_timestamp() AS t0 \gset
-- toast_tuple_target: keep timelines of up to ~500 points in the row, which
-- lookups read faster than TOAST (README, "Storage and repeated lookups")
CREATE TABLE user_spend WITH (toast_tuple_target = 8160) AS
SELECT user_id, timeline_agg(ts, amount, purchase_id) AS spend
FROM purchases GROUP BY user_id;
SELECT round(extract(epoch FROM clock_timestamp() - :'t0') * 1000) AS "built in ms",
       count(*) AS timelines, sum(num_points(spend)) AS points,
       pg_size_pretty(pg_total_relation_size('user_spend')) AS "stored size"
FROM user_spend;

\echo
\echo '== 3. 100,000 observations: what was each user''s latest purchase as of that moment?'
CREATE TABLE observations AS
SELECT g AS observation_id,
       least(99999, floor(100000 * pow(random(), 2)))::int AS user_id,
       timestamptz '2024-01-01' + random() * interval '400 days' AS observed_at
FROM generate_series(1, 100000) g;
SELECT clock_timestamp() AS t0 \gset
CREATE TEMP TABLE answers AS
SELECT o.observation_id, o.user_id, o.observed_at,
       value_at(u.spend, o.observed_at) AS last_amount,
       value_at(u.spend, o.observed_at, interval '30 days') AS last_amount_within_30_days
FROM observations o LEFT JOIN user_spend u USING (user_id);
SELECT round(extract(epoch FROM clock_timestamp() - :'t0') * 1000) AS "answered in ms",
       count(*) AS observations,
       count(last_amount) AS "with a purchase before",
       count(last_amount_within_30_days) AS "with one in the last 30 days"
FROM answers;

\echo
\echo '== 4. the same question the usual way (LATERAL + index), for comparison (merge as-of join off)'
CREATE INDEX ON purchases (user_id, ts);
VACUUM ANALYZE purchases;
SET timeline.enable_asof_join = off;
SELECT clock_timestamp() AS t0 \gset
CREATE TEMP TABLE answers_lateral AS
SELECT o.observation_id, f.amount AS last_amount
FROM observations o
LEFT JOIN LATERAL (SELECT p.amount FROM purchases p
                   WHERE p.user_id = o.user_id AND p.ts <= o.observed_at
                   ORDER BY p.ts DESC, p.purchase_id DESC LIMIT 1) f ON true;
SELECT round(extract(epoch FROM clock_timestamp() - :'t0') * 1000) AS "LATERAL answered in ms",
       count(*) FILTER (WHERE a.last_amount IS DISTINCT FROM l.last_amount) AS "answers that differ"
FROM answers a JOIN answers_lateral l USING (observation_id);
RESET timeline.enable_asof_join;

\echo
\echo '== 4b. the same LATERAL SQL, one row per purchase: timeline plans it as one merge'
\echo '       (for every purchase, the amount of the same user''s previous purchase)'
EXPLAIN (COSTS OFF)
SELECT p.purchase_id, f.amount
FROM purchases p
LEFT JOIN LATERAL (SELECT q.amount FROM purchases q
                   WHERE q.user_id = p.user_id AND q.ts < p.ts
                   ORDER BY q.ts DESC, q.purchase_id DESC LIMIT 1) f ON true;
SELECT clock_timestamp() AS t0 \gset
CREATE TEMP TABLE prev_merge AS
SELECT p.purchase_id, f.amount
FROM purchases p
LEFT JOIN LATERAL (SELECT q.amount FROM purchases q
                   WHERE q.user_id = p.user_id AND q.ts < p.ts
                   ORDER BY q.ts DESC, q.purchase_id DESC LIMIT 1) f ON true;
SELECT round(extract(epoch FROM clock_timestamp() - :'t0') * 1000) AS t_merge \gset
SET timeline.enable_asof_join = off;
SELECT clock_timestamp() AS t0 \gset
CREATE TEMP TABLE prev_nestloop AS
SELECT p.purchase_id, f.amount
FROM purchases p
LEFT JOIN LATERAL (SELECT q.amount FROM purchases q
                   WHERE q.user_id = p.user_id AND q.ts < p.ts
                   ORDER BY q.ts DESC, q.purchase_id DESC LIMIT 1) f ON true;
SELECT round(extract(epoch FROM clock_timestamp() - :'t0') * 1000) AS t_nestloop \gset
RESET timeline.enable_asof_join;
SELECT :t_merge AS "merge as-of join, ms", :t_nestloop AS "nested loop (normal plan), ms",
       (SELECT count(*) FROM (SELECT * FROM prev_merge EXCEPT ALL SELECT * FROM prev_nestloop) d) AS "answers that differ";

\echo
\echo '== 5. a few users: purchases as a sparkline, and their answers'
SELECT a.user_id, num_points(u.spend) AS purchases, sparkline(u.spend, 30) AS "amount over time",
       a.observed_at::date AS "observed", a.last_amount, a.last_amount_within_30_days AS "within 30d"
FROM answers a JOIN user_spend u USING (user_id)
WHERE a.observation_id IN (1, 2, 3, 5, 8, 13, 21, 34)
ORDER BY a.observation_id;

\echo
\echo '== 6. the most active user''s timeline (first points)'
SELECT user_id, num_points(spend), first_time(spend), last_time(spend),
       left(slice(spend, NULL, '2024-01-01 06:00')::text, 160) || ' ...' AS "text form"
FROM user_spend ORDER BY num_points(spend) DESC LIMIT 1;

\echo
\echo '== 7. features as code: a source, four versioned features, a feature set'
-- (a rerun on the same database starts the catalog over)
SELECT count(drop_materialization(feature_set)) AS dropped FROM timeline.materialization_def \gset
DO $$ BEGIN
    DELETE FROM timeline.training_set_def; DELETE FROM timeline.feature_set_member;
    DELETE FROM timeline.feature_set_def; DELETE FROM timeline.feature_def; DELETE FROM timeline.source_def;
END $$;
DROP TABLE IF EXISTS churn_train;
CREATE INDEX IF NOT EXISTS purchases_user_ts ON purchases (user_id, ts);
SELECT create_source('purchases', 'purchases', 'user_id', 'ts', 'purchase_id') AS source;
SELECT create_feature('spend_30d', 'purchases', 'sum', 'amount', '30 days', description => 'money spent in the last 30 days', owner => 'growth') AS "spend_30d version",
       create_feature('orders', 'purchases', 'count', description => 'orders ever') AS "orders version",
       create_feature('big_orders_7d', 'purchases', 'count', NULL, '7 days', 'amount > 100') AS "big_orders_7d version",
       create_feature('avg_basket', 'purchases', 'mean', 'amount', '90 days') AS "avg_basket version";
SELECT create_feature('avg_basket', 'purchases', 'mean', 'amount', '60 days', description => 'a shorter window') AS "avg_basket redefined: version";
SELECT create_feature_set('churn_v1', ARRAY['spend_30d', 'orders', 'big_orders_7d', 'avg_basket@1']) AS "feature set";
SELECT name, current_version, "window", filter, description, feature_sets FROM timeline.features ORDER BY name;

\echo
\echo '== 8. a training set: 100,000 observations, every feature as of its time, label = orders in the next 30 days'
SELECT clock_timestamp() AS t0 \gset
SELECT create_training_set('churn_train', 'churn_v1',
                           'SELECT user_id, observed_at, observation_id FROM observations',
                           label => 'count(purchases)', horizon => '30 days') AS "rows (incomplete labels left out)";
SELECT round(extract(epoch FROM clock_timestamp() - :'t0') * 1000) AS "built in ms";
SELECT user_id, observed_at::date, round(spend_30d::numeric, 2) AS spend_30d, orders, big_orders_7d,
       round(avg_basket::numeric, 2) AS avg_basket, label AS "orders next 30d"
FROM churn_train ORDER BY observation_id LIMIT 5;
SELECT count(*) AS "leakage check: rows that read the future" FROM check_training_set('churn_train', 200);

\echo
\echo '== 9. materialized current values: 1,000 new purchases, refresh, read, verify'
SELECT clock_timestamp() AS t0 \gset
SELECT materialize('churn_v1') AS "entities materialized";
SELECT round(extract(epoch FROM clock_timestamp() - :'t0') * 1000) AS "materialized in ms";
INSERT INTO purchases
SELECT 2000000 + g, least(99999, floor(100000 * pow(random(), 2)))::int,
       timestamptz '2025-01-01' + g * interval '1 minute', round((5 + random() * 100)::numeric, 2)::float8
FROM generate_series(1, 1000) g;
SELECT clock_timestamp() AS t0 \gset
SELECT refresh('churn_v1') AS "entities refreshed";
SELECT round(extract(epoch FROM clock_timestamp() - :'t0') * 1000) AS "refreshed in ms";
SELECT user_id, as_of('churn_v1', user_id, '2025-01-02') AS "features as of 2025-01-02"
FROM (SELECT DISTINCT user_id FROM purchases WHERE purchase_id > 2000000 ORDER BY user_id LIMIT 3) u;
SELECT count(*) AS "verify: differences from a full recomputation" FROM verify('churn_v1', 2000);
SELECT drop_materialization('churn_v1');
