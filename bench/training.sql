-- bench/training.sql: the training-set benchmark (issue "training sets"):
-- a training set of 10 features and a label for every spine row, made by
-- timeline.create_training_set and by the equivalent hand-written SQL
-- (CREATE TABLE AS), timed in the same run, then compared row by row.
--
-- Run by bench/training.sh in parts (psql variable part):
--   data    events, spine and their index (psql variables scale, seed)
--   define  the source, the 10 features and the feature set
--   time    the timed runs into bench_result (reps, baselines, long_ms,
--           explain: 1 prints the plans)
--   explain EXPLAIN ANALYZE of what create_training_set runs (auto_explain,
--           an extra untimed run; the plans are NOTICEs, on stderr)
--   check   every row and column of each hand-written table against
--           timeline's
--   report  the table
-- By hand, against a database with the extension and
-- search_path = timeline, public (and TimeZone = 'UTC'):
--   psql -X -v part=data -v scale=0.1 -v seed=0.5 -v order=arrival -f bench/training.sql
--   psql -X -v part=define -f bench/training.sql
--   psql -X -v part=time -v reps=3 -v baselines=window,hybrid -f bench/training.sql
--   psql -X -v part=check -f bench/training.sql
--   psql -X -v part=report -f bench/training.sql
--
-- The training set: spine (user_id, ts, spine_id); per row, as of ts
-- (events with time <= ts):
--   n_events          lifetime count
--   amount_total      lifetime sum(amount)
--   amount_30d        sum(amount), trailing 30 days (ts - 30 days, ts]
--   amount_mean_30d   mean(amount), 30 days
--   n_events_7d       count, 7 days
--   amount_max_7d     max(amount), 7 days
--   n_events_1d       count, 1 day
--   n_x_30d           count of kind = 'x', 30 days
--   amount_mean       lifetime mean(amount)
--   amount_stddev_7d  stddev_samp(amount), 7 days
--   label             count(events) in (ts, ts + 7 days]; rows with
--                     ts + 7 days > max(events.ts) are left out
-- NULL amounts are skipped by sum/mean/max/stddev (SQL's rule too); counts
-- count rows; an empty window gives count 0 and NULL for the rest.

\set ON_ERROR_STOP 1
\if :{?part} \else \echo 'set the psql variable part (data, define, time, explain, check or report)' \quit \endif
\if :{?reps} \else \set reps 3 \endif
\if :{?explain} \else \set explain 1 \endif
\if :{?baselines} \else \set baselines 'window,hybrid' \endif
\if :{?long_ms} \else \set long_ms 180000 \endif

SELECT :'part' = 'data' AS part_data, :'part' = 'define' AS part_define,
       :'part' = 'time' AS part_time, :'part' = 'check' AS part_check,
       :'part' = 'explain' AS part_explain, :'part' = 'report' AS part_report \gset

--------------------------------------------------------------------------
\if :part_data
--------------------------------------------------------------------------
-- events: bench/data.sql's rows (same formulas, same order of random()
-- calls, so the same seed gives the same events) plus kind, chosen from
-- hashint8(event_id) so that no random() call is added: view 50%, click
-- 30%, cart 10%, x 10%.  Skewed users (user 0 has ~31K events at scale 1,
-- the median user ~50), times over 2024 at second resolution (events of one
-- user may share a time), amounts multiples of 1/8 (float sums are exact in
-- any order), 1% NULL.  Stored in generation order (random in user and
-- time), as bench/data.sql, with an index on (user_id, ts); psql variable
-- order=user stores them in (user_id, ts) order (CLUSTER) instead.
-- spine: 1M rows at scale 1, users with the same skew (so busy users are
-- observed often), times uniform over 2024 at second resolution (some
-- before a user's first event, some exactly at one of its events; ~2% in
-- the last 7 days, which have no complete label).
\if :{?scale} \else \set scale 1.0 \endif
\if :{?seed} \else \set seed 0.5 \endif
\if :{?order} \else \set order arrival \endif
SELECT :'order' = 'user' AS order_user \gset

SELECT round(10000000 * :scale)::bigint AS n_events,
       greatest(1, round(100000 * :scale))::int AS n_users,
       round(1000000 * :scale)::bigint AS n_spine
\gset

SET client_min_messages = warning;
DROP TABLE IF EXISTS public.events, public.spine, public.bench_query, public.bench_result;
RESET client_min_messages;

SELECT setseed(:seed) \gset

CREATE TABLE public.events AS
SELECT g::bigint AS event_id,
       least(:n_users - 1, floor(:n_users * pow(random(), 2)))::int AS user_id,
       timestamptz '2024-01-01 00:00:00+00'
           + floor(random() * 366 * 86400) * interval '1 second' AS ts,
       CASE WHEN random() < 0.01 THEN NULL
            ELSE floor(random() * 80000) / 8 END::float8 AS amount,
       (ARRAY['view', 'view', 'view', 'view', 'view', 'click', 'click', 'click', 'cart', 'x'])
           [1 + (hashint8(g::bigint) & 1023) % 10] AS kind
FROM generate_series(1, :n_events) g;

CREATE TABLE public.spine AS
SELECT g::bigint AS spine_id,
       least(:n_users - 1, floor(:n_users * pow(random(), 2)))::int AS user_id,
       timestamptz '2024-01-01 00:00:00+00'
           + floor(random() * 366 * 86400) * interval '1 second' AS ts
FROM generate_series(1, :n_spine) g;

CREATE INDEX events_user_id_ts_idx ON public.events (user_id, ts);
-- order=user: events stored in (user_id, ts) order instead, so reading one
-- user's events in time order reads neighbouring pages
\if :order_user
CLUSTER public.events USING events_user_id_ts_idx;
\endif
VACUUM ANALYZE events;
VACUUM ANALYZE spine;

\echo
\echo '== data'
SELECT (SELECT count(*) FROM events) AS events,
       (SELECT count(DISTINCT user_id) FROM events) AS users_with_events,
       (SELECT count(*) FROM spine) AS spine_rows,
       (SELECT count(*) FROM spine WHERE ts + interval '7 days' <= (SELECT max(ts) FROM events))
           AS spine_rows_with_complete_label,
       (SELECT count(DISTINCT user_id) FROM spine) AS spine_users,
       (SELECT max(n) FROM (SELECT count(*) AS n FROM events GROUP BY user_id) s)
           AS most_events_of_one_user,
       (SELECT count(*) FROM events WHERE kind = 'x') AS kind_x,
       (SELECT count(*) FROM events WHERE amount IS NULL) AS null_amounts,
       pg_size_pretty(pg_total_relation_size('events')) AS events_size;
\endif

--------------------------------------------------------------------------
\if :part_define
--------------------------------------------------------------------------
SET client_min_messages = warning;
SELECT create_source('events', 'events', 'user_id', 'ts') \gset
SELECT create_feature('n_events', 'events', 'count'),
       create_feature('amount_total', 'events', 'sum', 'amount'),
       create_feature('amount_30d', 'events', 'sum', 'amount', '30 days'),
       create_feature('amount_mean_30d', 'events', 'mean', 'amount', '30 days'),
       create_feature('n_events_7d', 'events', 'count', NULL, '7 days'),
       create_feature('amount_max_7d', 'events', 'max', 'amount', '7 days'),
       create_feature('n_events_1d', 'events', 'count', NULL, '1 day'),
       create_feature('n_x_30d', 'events', 'count', NULL, '30 days', $$kind = 'x'$$),
       create_feature('amount_mean', 'events', 'mean', 'amount'),
       create_feature('amount_stddev_7d', 'events', 'stddev_samp', 'amount', '7 days') \gset
SELECT create_feature_set('bench_training',
           ARRAY['n_events', 'amount_total', 'amount_30d', 'amount_mean_30d', 'n_events_7d',
                 'amount_max_7d', 'n_events_1d', 'n_x_30d', 'amount_mean', 'amount_stddev_7d']) \gset
RESET client_min_messages;
\echo
\echo '== features'
SELECT name, aggregate, value_expression, coalesce(window_width::text, window_kind) AS "window", filter
FROM timeline.feature_def
WHERE name IN (SELECT feature FROM timeline.feature_set_member WHERE feature_set = 'bench_training')
ORDER BY (SELECT position FROM timeline.feature_set_member m
          WHERE m.feature_set = 'bench_training' AND m.feature = name);
\endif

--------------------------------------------------------------------------
\if :part_time
--------------------------------------------------------------------------
SET client_min_messages = warning;
DROP TABLE IF EXISTS public.bench_query, public.bench_result,
    public.ts_timeline, public.ts_window, public.ts_hybrid, public.ts_lateral;
RESET client_min_messages;

CREATE TABLE public.bench_query (
    variant text PRIMARY KEY,   -- timeline | window | hybrid | lateral
    ord     int NOT NULL,
    target  text NOT NULL,      -- the table it creates
    sql     text NOT NULL       -- the statement that is timed
);

CREATE TABLE public.bench_result (
    variant text,
    rep     int,
    ms      float8,
    nrows   bigint
);

-- timeline: the function call, which creates the table (its spine copy,
-- the per-user timelines, values_at at the spine's times, the join back)
INSERT INTO bench_query VALUES
('timeline', 0, 'ts_timeline',
 $q$SELECT timeline.create_training_set('public.ts_timeline', 'bench_training',
        'SELECT user_id, ts, spine_id FROM spine', 'count(events)', interval '7 days')$q$);

-- The hand-written equivalents, each a CREATE TABLE AS with the same rows
-- and columns.  Ties: a spine row at time t sees every event at t (RANGE
-- frames include peers; the LATERAL ranges end with ts <= s.ts).
--
-- window: the spine rows and the events in one UNION ALL, per user in time
-- order, window functions with RANGE frames: (t - w, t] is
-- RANGE BETWEEN w - 1 microsecond PRECEDING AND CURRENT ROW (times are at
-- second resolution), the label (t, t + 7 days] RANGE BETWEEN 1 microsecond
-- FOLLOWING AND 7 days FOLLOWING.  Spine rows carry no event (ev, amount,
-- kind NULL), so they add nothing to any aggregate.  One sort; float8
-- sum/avg/max/stddev have no inverse transition, so each trailing frame is
-- re-aggregated from its start at every row (events' rows too).
INSERT INTO bench_query VALUES
('window', 1, 'ts_window', $q$
CREATE TABLE public.ts_window AS
SELECT user_id, ts, spine_id, n_events, amount_total, amount_30d, amount_mean_30d, n_events_7d,
       amount_max_7d, n_events_1d, n_x_30d, amount_mean, amount_stddev_7d, label
FROM (
  SELECT u.user_id, u.ts, u.spine_id,
         count(ev) OVER lt::float8 AS n_events,
         sum(amount) OVER lt AS amount_total,
         avg(amount) OVER lt AS amount_mean,
         sum(amount) OVER w30 AS amount_30d,
         avg(amount) OVER w30 AS amount_mean_30d,
         (count(*) FILTER (WHERE kind = 'x') OVER w30)::float8 AS n_x_30d,
         count(ev) OVER w7::float8 AS n_events_7d,
         max(amount) OVER w7 AS amount_max_7d,
         stddev_samp(amount) OVER w7 AS amount_stddev_7d,
         count(ev) OVER w1::float8 AS n_events_1d,
         count(ev) OVER lab::float8 AS label
  FROM (SELECT user_id, ts, amount, kind, 1 AS ev, NULL::bigint AS spine_id FROM events
        UNION ALL
        SELECT user_id, ts, NULL, NULL, NULL, spine_id FROM spine) u
  WINDOW lt AS (PARTITION BY user_id ORDER BY ts RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW),
         w30 AS (PARTITION BY user_id ORDER BY ts
                 RANGE BETWEEN interval '30 days' - interval '1 microsecond' PRECEDING AND CURRENT ROW),
         w7 AS (PARTITION BY user_id ORDER BY ts
                RANGE BETWEEN interval '7 days' - interval '1 microsecond' PRECEDING AND CURRENT ROW),
         w1 AS (PARTITION BY user_id ORDER BY ts
                RANGE BETWEEN interval '1 day' - interval '1 microsecond' PRECEDING AND CURRENT ROW),
         lab AS (PARTITION BY user_id ORDER BY ts
                 RANGE BETWEEN interval '1 microsecond' FOLLOWING AND interval '7 days' FOLLOWING)
) x
WHERE spine_id IS NOT NULL AND ts + interval '7 days' <= (SELECT max(ts) FROM events)
ORDER BY spine_id$q$);

-- lateral: one LEFT JOIN LATERAL per window width, several aggregates over
-- one index range scan of events (user_id, ts) each; the lifetime one reads
-- every earlier event of the user for every spine row.
INSERT INTO bench_query VALUES
('lateral', 3, 'ts_lateral', $q$
CREATE TABLE public.ts_lateral AS
SELECT s.user_id, s.ts, s.spine_id,
       lt.n::float8 AS n_events, lt.total AS amount_total,
       w30.total AS amount_30d, w30.mean AS amount_mean_30d,
       w7.n::float8 AS n_events_7d, w7.mx AS amount_max_7d,
       w1.n::float8 AS n_events_1d, w30.nx::float8 AS n_x_30d,
       lt.mean AS amount_mean, w7.sd AS amount_stddev_7d,
       lab.n::float8 AS label
FROM spine s
LEFT JOIN LATERAL (SELECT count(*) AS n, sum(e.amount) AS total, avg(e.amount) AS mean
                   FROM events e WHERE e.user_id = s.user_id AND e.ts <= s.ts) lt ON true
LEFT JOIN LATERAL (SELECT sum(e.amount) AS total, avg(e.amount) AS mean,
                          count(*) FILTER (WHERE e.kind = 'x') AS nx
                   FROM events e WHERE e.user_id = s.user_id
                     AND e.ts > s.ts - interval '30 days' AND e.ts <= s.ts) w30 ON true
LEFT JOIN LATERAL (SELECT count(*) AS n, max(e.amount) AS mx, stddev_samp(e.amount) AS sd
                   FROM events e WHERE e.user_id = s.user_id
                     AND e.ts > s.ts - interval '7 days' AND e.ts <= s.ts) w7 ON true
LEFT JOIN LATERAL (SELECT count(*) AS n
                   FROM events e WHERE e.user_id = s.user_id
                     AND e.ts > s.ts - interval '1 day' AND e.ts <= s.ts) w1 ON true
LEFT JOIN LATERAL (SELECT count(*) AS n
                   FROM events e WHERE e.user_id = s.user_id
                     AND e.ts > s.ts AND e.ts <= s.ts + interval '7 days') lab ON true
WHERE s.ts + interval '7 days' <= (SELECT max(ts) FROM events)
ORDER BY s.spine_id$q$);

-- hybrid: the lifetime aggregates by running window functions over the
-- UNION ALL (one sort, no frame ever restarts), the trailing ones and the
-- label by one LATERAL per window width (short index range scans).
INSERT INTO bench_query VALUES
('hybrid', 2, 'ts_hybrid', $q$
CREATE TABLE public.ts_hybrid AS
SELECT s.user_id, s.ts, s.spine_id,
       lt.n_events, lt.amount_total,
       w30.total AS amount_30d, w30.mean AS amount_mean_30d,
       w7.n::float8 AS n_events_7d, w7.mx AS amount_max_7d,
       w1.n::float8 AS n_events_1d, w30.nx::float8 AS n_x_30d,
       lt.amount_mean, w7.sd AS amount_stddev_7d,
       lab.n::float8 AS label
FROM (SELECT spine_id, count(ev) OVER lt::float8 AS n_events,
             sum(amount) OVER lt AS amount_total, avg(amount) OVER lt AS amount_mean
      FROM (SELECT user_id, ts, amount, 1 AS ev, NULL::bigint AS spine_id FROM events
            UNION ALL
            SELECT user_id, ts, NULL, NULL, spine_id FROM spine) u
      WINDOW lt AS (PARTITION BY user_id ORDER BY ts
                    RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)) lt
JOIN spine s ON s.spine_id = lt.spine_id
LEFT JOIN LATERAL (SELECT sum(e.amount) AS total, avg(e.amount) AS mean,
                          count(*) FILTER (WHERE e.kind = 'x') AS nx
                   FROM events e WHERE e.user_id = s.user_id
                     AND e.ts > s.ts - interval '30 days' AND e.ts <= s.ts) w30 ON true
LEFT JOIN LATERAL (SELECT count(*) AS n, max(e.amount) AS mx, stddev_samp(e.amount) AS sd
                   FROM events e WHERE e.user_id = s.user_id
                     AND e.ts > s.ts - interval '7 days' AND e.ts <= s.ts) w7 ON true
LEFT JOIN LATERAL (SELECT count(*) AS n
                   FROM events e WHERE e.user_id = s.user_id
                     AND e.ts > s.ts - interval '1 day' AND e.ts <= s.ts) w1 ON true
LEFT JOIN LATERAL (SELECT count(*) AS n
                   FROM events e WHERE e.user_id = s.user_id
                     AND e.ts > s.ts AND e.ts <= s.ts + interval '7 days') lab ON true
WHERE s.ts + interval '7 days' <= (SELECT max(ts) FROM events)
ORDER BY s.spine_id$q$);

DELETE FROM bench_query
WHERE variant <> 'timeline'
  AND variant <> ALL (string_to_array(replace(:'baselines', ' ', ''), ','));

\echo
\echo '== settings (the same for every statement)'
SELECT name, current_setting(name) AS setting
FROM pg_settings
WHERE name IN ('work_mem', 'jit', 'shared_buffers', 'max_parallel_workers_per_gather',
               'TimeZone', 'effective_cache_size', 'random_page_cost')
ORDER BY name;

\if :explain
\echo
\echo '== plans of the hand-written statements (EXPLAIN, no ANALYZE)'
CREATE FUNCTION pg_temp.bench_plans() RETURNS SETOF text LANGUAGE plpgsql AS $f$
DECLARE
    q record;
    line text;
BEGIN
    FOR q IN SELECT * FROM bench_query WHERE variant <> 'timeline' ORDER BY ord
    LOOP
        RETURN NEXT format('-- %s', q.variant);
        FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) ' || q.sql
        LOOP
            RETURN NEXT '   ' || line;
        END LOOP;
    END LOOP;
END
$f$;
\pset tuples_only on
SELECT * FROM pg_temp.bench_plans();
\pset tuples_only off
\endif

-- The timed runs: one statement per run, each in its own transaction (a DO
-- block: drop the target, run the statement, time it with
-- clock_timestamp()).  Runs are interleaved (rep 1 of every variant, then
-- rep 2, ...), so a change in the machine's load hits every variant alike.
-- A variant whose first run took longer than long_ms runs only once.  A
-- NOTICE per run shows the progress (psql prints it on stderr).  Every run
-- starts after an untimed CHECKPOINT, and the cluster runs without
-- autovacuum (bench/training.sh), so what one run leaves behind (its table's
-- dirty pages, a vacuum and analyze of the table it made) is not done on the
-- other core during the next, which hit the short timeline runs hardest.
SELECT set_config('bench.long_ms', (:long_ms)::int::text, false) \gset
SELECT 'CHECKPOINT', format($do$
DO $b$
DECLARE
    t0 timestamptz;
BEGIN
    IF %3$s > 1 AND EXISTS (SELECT 1 FROM bench_result r WHERE r.variant = %1$L AND r.rep = 1
                              AND r.ms > current_setting('bench.long_ms')::float8) THEN
        RETURN;
    END IF;
    IF to_regclass('public.%2$I') IS NOT NULL THEN
        DROP TABLE public.%2$I;
    END IF;
    t0 := clock_timestamp();
    EXECUTE %4$L;
    INSERT INTO bench_result VALUES (%1$L, %3$s,
        extract(epoch FROM clock_timestamp() - t0) * 1000, NULL);
    RAISE NOTICE 'bench %% run %%: %% ms', %1$L, %3$s,
        round(extract(epoch FROM clock_timestamp() - t0) * 1000);
END
$b$$do$, q.variant, q.target, rep, q.sql)
FROM bench_query q, generate_series(1, :reps) rep
ORDER BY rep, q.ord \gexec

SELECT format('UPDATE bench_result SET nrows = (SELECT count(*) FROM public.%I) WHERE variant = %L',
              target, variant)
FROM bench_query ORDER BY ord \gexec
\endif

--------------------------------------------------------------------------
\if :part_explain
--------------------------------------------------------------------------

-- Where timeline's time goes: the statements create_training_set runs
-- (its spine copy and the generated CREATE TABLE AS) with EXPLAIN ANALYZE,
-- through auto_explain (nested statements taking 200 ms or more; the
-- catalog look-ups take far less), printed as NOTICEs.  One more run, not
-- timed; it replaces ts_timeline with the same rows.
\echo
\echo '== timeline: the statements create_training_set runs, EXPLAIN ANALYZE (auto_explain; an extra, untimed run)'
DROP TABLE IF EXISTS public.ts_timeline;
LOAD 'auto_explain';
SET auto_explain.log_analyze = on;
SET auto_explain.log_buffers = on;
SET auto_explain.log_nested_statements = on;
SET auto_explain.log_level = notice;
SET auto_explain.log_min_duration = '200ms';
\set VERBOSITY terse
SELECT timeline.create_training_set('public.ts_timeline', 'bench_training',
       'SELECT user_id, ts, spine_id FROM spine', 'count(events)', interval '7 days') AS rows \gset
SET auto_explain.log_min_duration = -1;
\set VERBOSITY default
\endif

--------------------------------------------------------------------------
\if :part_check
--------------------------------------------------------------------------
-- Every hand-written table against timeline's, joined on spine_id (FULL
-- JOIN: a row on one side only is a mismatch), every column: user_id and ts
-- exactly, floats equal or within a relative 1e-9 (means and standard
-- deviations are rounded differently), NULL only against NULL.
CREATE FUNCTION pg_temp.same(a float8, b float8) RETURNS bool
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN a IS NULL OR b IS NULL THEN a IS NULL AND b IS NULL
                ELSE a = b OR abs(a - b) <= 1e-9 * greatest(abs(a), abs(b)) END
$$;

CREATE TEMP TABLE bench_check (variant text, rows_timeline bigint, rows_variant bigint,
                               bad_rows bigint, bad_by_column text);

SELECT format($c$
INSERT INTO bench_check
SELECT %1$L, count(t.spine_id), count(v.spine_id),
       count(*) FILTER (WHERE t.spine_id IS NULL OR v.spine_id IS NULL
                           OR t.user_id IS DISTINCT FROM v.user_id OR t.ts IS DISTINCT FROM v.ts
                           OR NOT pg_temp.same(t.n_events, v.n_events)
                           OR NOT pg_temp.same(t.amount_total, v.amount_total)
                           OR NOT pg_temp.same(t.amount_30d, v.amount_30d)
                           OR NOT pg_temp.same(t.amount_mean_30d, v.amount_mean_30d)
                           OR NOT pg_temp.same(t.n_events_7d, v.n_events_7d)
                           OR NOT pg_temp.same(t.amount_max_7d, v.amount_max_7d)
                           OR NOT pg_temp.same(t.n_events_1d, v.n_events_1d)
                           OR NOT pg_temp.same(t.n_x_30d, v.n_x_30d)
                           OR NOT pg_temp.same(t.amount_mean, v.amount_mean)
                           OR NOT pg_temp.same(t.amount_stddev_7d, v.amount_stddev_7d)
                           OR NOT pg_temp.same(t.label, v.label)),
       concat_ws(', ',
           'n_events ' || nullif(count(*) FILTER (WHERE NOT pg_temp.same(t.n_events, v.n_events)), 0),
           'amount_total ' || nullif(count(*) FILTER (WHERE NOT pg_temp.same(t.amount_total, v.amount_total)), 0),
           'amount_30d ' || nullif(count(*) FILTER (WHERE NOT pg_temp.same(t.amount_30d, v.amount_30d)), 0),
           'amount_mean_30d ' || nullif(count(*) FILTER (WHERE NOT pg_temp.same(t.amount_mean_30d, v.amount_mean_30d)), 0),
           'n_events_7d ' || nullif(count(*) FILTER (WHERE NOT pg_temp.same(t.n_events_7d, v.n_events_7d)), 0),
           'amount_max_7d ' || nullif(count(*) FILTER (WHERE NOT pg_temp.same(t.amount_max_7d, v.amount_max_7d)), 0),
           'n_events_1d ' || nullif(count(*) FILTER (WHERE NOT pg_temp.same(t.n_events_1d, v.n_events_1d)), 0),
           'n_x_30d ' || nullif(count(*) FILTER (WHERE NOT pg_temp.same(t.n_x_30d, v.n_x_30d)), 0),
           'amount_mean ' || nullif(count(*) FILTER (WHERE NOT pg_temp.same(t.amount_mean, v.amount_mean)), 0),
           'amount_stddev_7d ' || nullif(count(*) FILTER (WHERE NOT pg_temp.same(t.amount_stddev_7d, v.amount_stddev_7d)), 0),
           'label ' || nullif(count(*) FILTER (WHERE NOT pg_temp.same(t.label, v.label)), 0))
FROM public.ts_timeline t FULL JOIN public.%2$I v ON v.spine_id = t.spine_id$c$,
       variant, target)
FROM bench_query WHERE variant <> 'timeline' ORDER BY ord \gexec

\echo
\echo '== check: every row and column against timeline''s (joined on spine_id)'
SELECT variant, rows_timeline, rows_variant, bad_rows, nullif(bad_by_column, '') AS bad_by_column
FROM bench_check ORDER BY variant;

-- what the tables hold (same for every variant when they agree)
SELECT count(*) AS rows, sum(n_events) AS sum_n_events, count(amount_30d) AS non_null_amount_30d,
       count(amount_stddev_7d) AS non_null_stddev_7d, sum(label) AS sum_label,
       count(*) FILTER (WHERE n_events = 0) AS rows_before_first_event
FROM public.ts_timeline;

SELECT CASE WHEN bool_and(bad_rows = 0 AND rows_timeline = rows_variant) AND count(*) > 0
            THEN 'results agree: yes' ELSE 'results agree: no' END AS verdict
FROM bench_check \gset
\echo :verdict
\endif

--------------------------------------------------------------------------
\if :part_report
--------------------------------------------------------------------------
\echo
\echo '== runs (ms)'
SELECT variant, string_agg(round(ms)::text, ', ' ORDER BY rep) AS runs
FROM bench_result GROUP BY variant
ORDER BY array_position('{timeline,window,hybrid,lateral}'::text[], variant);

CREATE TEMP VIEW bench_summary AS
SELECT variant, count(*) AS runs,
       percentile_disc(0.5) WITHIN GROUP (ORDER BY ms) AS median_ms,
       min(ms) AS best_ms, max(nrows) AS nrows
FROM bench_result GROUP BY variant;

\echo
\echo '== training set: timeline.create_training_set vs the hand-written SQL (median of the runs)'
SELECT (SELECT count(*) FROM events) AS events,
       (SELECT count(*) FROM spine) AS spine_rows,
       s.variant,
       s.runs,
       round(s.median_ms) AS median_ms,
       round(s.best_ms) AS best_ms,
       s.nrows AS rows_written,
       round((s.median_ms / t.median_ms)::numeric, 2) AS vs_timeline
FROM bench_summary s, bench_summary t
WHERE t.variant = 'timeline'
ORDER BY array_position('{timeline,window,hybrid,lateral}'::text[], s.variant);

\echo 'vs_timeline = the variant''s median / timeline''s median (above 1: timeline is faster)'
\echo
SELECT format('timeline: %s ms; fastest hand-written SQL: %s, %s ms; speedup %sx (target 5x: %s)',
              round(t.median_ms), b.variant, round(b.median_ms),
              round((b.median_ms / t.median_ms)::numeric, 2),
              CASE WHEN b.median_ms >= 5 * t.median_ms THEN 'met' ELSE 'not met' END) AS summary
FROM bench_summary t,
     LATERAL (SELECT * FROM bench_summary s WHERE s.variant <> 'timeline'
              ORDER BY s.median_ms LIMIT 1) b
WHERE t.variant = 'timeline' \gset
\echo :summary
\endif
