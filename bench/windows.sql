-- bench/windows.sql: the windowed-aggregation benchmark (issue "temporal
-- operators"): per entity, at every event, the running sum, a 30-day
-- trailing sum, a 30-day trailing mean and a 1-hour trailing count, computed
-- by timeline's aggregations over stored timelines and by PostgreSQL's window
-- functions (and by DuckDB's, through bench/duckdb/windows.mjs).
--
-- Run by bench/windows.sh in parts (psql variable part):
--   data    the events and user_tl (psql variables scale, seed)
--   time    the timed PostgreSQL and timeline runs into bench_result
--           (reps; explain 1 prints the plans)
--   check   an untimed event-by-event comparison on a sample of users
--   report  the tables (reads bench_result, where windows.sh has added
--           DuckDB's runs)
-- By hand, against a database with the extension and
-- search_path = timeline, public:
--   psql -X -v part=data -v scale=0.1 -v seed=0.5 -f bench/windows.sql
--   psql -X -v part=time -v reps=3 -f bench/windows.sql
--   psql -X -v part=check -f bench/windows.sql
--   psql -X -v part=report -v reps=3 -f bench/windows.sql
--
-- Every timed query returns one row (n, s, c): the number of values produced
-- (one per event), their sum and the number of non-NULL ones.  Sums and
-- counts must equal the PostgreSQL baseline's exactly (amounts are multiples
-- of 1/8, so float sums are exact in any order); sums of means agree to a
-- relative 1e-9 (a mean is rounded, and the order of the outer sum differs).

\set ON_ERROR_STOP 1
\if :{?part} \else \echo 'set the psql variable part (data, time, check or report)' \quit \endif
\if :{?reps} \else \set reps 3 \endif
\if :{?explain} \else \set explain 1 \endif

SELECT :'part' = 'data' AS part_data, :'part' = 'time' AS part_time,
       :'part' = 'check' AS part_check, :'part' = 'report' AS part_report \gset

--------------------------------------------------------------------------
\if :part_data
--------------------------------------------------------------------------
-- events: the same rows as bench/data.sql's (same formulas, same order of
-- random() calls, so the same seed gives the same events), except that the
-- few events sharing a (user, second) are moved apart by microseconds in
-- event_id order (67 of 10M at scale 1): SQL's RANGE frames include every
-- row of the current row's time, timeline's windows end at the current
-- point, so with ties the two would differ by definition, not by error.
-- Stored in (user_id, ts) order with an index on it: PostgreSQL's window
-- functions then read the index in physical order and sort nothing, its best
-- case.
\if :{?scale} \else \set scale 1.0 \endif
\if :{?seed} \else \set seed 0.5 \endif

SELECT round(10000000 * :scale)::bigint AS n_events,
       greatest(1, round(100000 * :scale))::int AS n_users
\gset

SET client_min_messages = warning;
DROP TABLE IF EXISTS events, user_tl, bench_query, bench_result;
RESET client_min_messages;

SELECT setseed(:seed) \gset

CREATE TABLE events AS
SELECT event_id, user_id,
       ts + (row_number() OVER (PARTITION BY user_id, ts ORDER BY event_id) - 1)
            * interval '1 microsecond' AS ts,
       amount
FROM (SELECT g::bigint AS event_id,
             least(:n_users - 1, floor(:n_users * pow(random(), 2)))::int AS user_id,
             timestamptz '2024-01-01 00:00:00+00'
                 + floor(random() * 366 * 86400) * interval '1 second' AS ts,
             CASE WHEN random() < 0.01 THEN NULL
                  ELSE floor(random() * 80000) / 8 END::float8 AS amount
      FROM generate_series(1, :n_events) g) raw
ORDER BY user_id, ts, event_id;

CREATE INDEX events_user_id_ts_idx ON events (user_id, ts);
VACUUM ANALYZE events;

-- the stored timelines every "user_tl" query reads; building them is timed
-- separately (measure 0 of the timed part)
CREATE TABLE user_tl AS
SELECT user_id, timeline_agg(ts, amount, event_id) AS tl
FROM events
GROUP BY user_id;
VACUUM ANALYZE user_tl;

\echo
\echo '== data'
SELECT (SELECT count(*) FROM events) AS events,
       (SELECT count(*) FROM user_tl) AS users_with_events,
       (SELECT max(n) FROM (SELECT count(*) AS n FROM events GROUP BY user_id) s)
           AS most_events_of_one_user,
       (SELECT count(*) FROM events WHERE date_trunc('second', ts) <> ts) AS events_untied,
       (SELECT count(*) FROM events WHERE amount IS NULL) AS null_amounts,
       pg_size_pretty(pg_total_relation_size('events')) AS events_size,
       pg_size_pretty(pg_total_relation_size('user_tl')) AS user_tl_size;
\endif

--------------------------------------------------------------------------
\if :part_time
--------------------------------------------------------------------------
SET client_min_messages = warning;
DROP TABLE IF EXISTS bench_query, bench_result;
RESET client_min_messages;

CREATE TABLE bench_query (
    engine  text NOT NULL,      -- postgres | timeline
    measure int NOT NULL,       -- 0 build, 1 running sum, 2 30-day sum, 3 30-day mean, 4 1-hour count
    variant text NOT NULL,
    sql     text NOT NULL,
    PRIMARY KEY (engine, measure, variant)
);

CREATE TABLE bench_result (
    engine  text,
    measure int,
    variant text,
    rep     int,
    ms      float8,
    n       bigint,
    s       float8,
    c       bigint
);

-- PostgreSQL: window functions.  SEMANTICS.md s3's trailing window is
-- (t - w, t]; ts has microsecond resolution, so RANGE's [t - (w - 1 us), t]
-- holds the same rows.  float8 sum and avg have no inverse transition, so
-- PostgreSQL re-aggregates every RANGE frame from its start (cost grows with
-- the frame's size); count has one.
INSERT INTO bench_query
SELECT 'postgres', m, 'window',
       format('SELECT count(*), sum(w), count(w) FROM (SELECT %s AS w FROM events) e', expr)
FROM (VALUES
    (1, 'sum(amount) OVER (PARTITION BY user_id ORDER BY ts ROWS UNBOUNDED PRECEDING)'),
    (2, $$sum(amount) OVER (PARTITION BY user_id ORDER BY ts RANGE BETWEEN interval '2591999.999999 seconds' PRECEDING AND CURRENT ROW)$$),
    (3, $$avg(amount) OVER (PARTITION BY user_id ORDER BY ts RANGE BETWEEN interval '2591999.999999 seconds' PRECEDING AND CURRENT ROW)$$),
    (4, $$count(amount) OVER (PARTITION BY user_id ORDER BY ts RANGE BETWEEN interval '3599.999999 seconds' PRECEDING AND CURRENT ROW)$$)
) v(m, expr);

-- timeline.  The result at every event: a trailing result also has points
-- where values leave the window, so observe(result, tl) keeps the result's
-- value at each of tl's points (the lifetime result has exactly tl's points
-- already); the planner rewrites observe(agg(tl, ...), tl) into
-- aggregate_at_points(tl, 'agg', ...), which builds only those points
-- (EXPLAIN shows it).  Variants:
--   values:  over user_tl; the values at every event are consumed in C:
--            n = num_points, s = the last value of the lifetime sum of them,
--            c = the last value of their lifetime count (non-NULL values)
--   rows:    over user_tl; the same values as rows of points(), summed by
--            PostgreSQL (what a client reading every value gets)
--   result:  over user_tl; only the result timeline (window-leaving points
--            included) is built, and its points counted (n only)
--   raw:     as values, with the timelines built from events in the same
--            query (timeline_agg ... GROUP BY user_id): from rows to values,
--            as PostgreSQL's query does
-- OFFSET 0 keeps the planner from pulling the subquery up, which would
-- compute o once for every reference to it.
INSERT INTO bench_query
SELECT 'timeline', m, v.variant, format(v.sql, expr)
FROM (VALUES
    (1, 'sum(tl)'),
    (2, $$observe(sum(tl, interval '30 days'), tl)$$),
    (3, $$observe(mean(tl, interval '30 days'), tl)$$),
    (4, $$observe(count(tl, interval '1 hour'), tl)$$)
) e(m, expr)
CROSS JOIN (VALUES
    ('values', $$SELECT sum(num_points(o)), sum(value_at(sum(o), 'infinity')), sum(value_at(count(o), 'infinity')) FROM (SELECT %s AS o FROM user_tl OFFSET 0) s$$),
    ('rows', $$SELECT count(*), sum(p.value), count(p.value) FROM user_tl, points(%s) p$$),
    ('raw', $$SELECT sum(num_points(o)), sum(value_at(sum(o), 'infinity')), sum(value_at(count(o), 'infinity')) FROM (SELECT %s AS o FROM (SELECT timeline_agg(ts, amount, event_id) AS tl FROM events GROUP BY user_id) u OFFSET 0) s$$)
) v(variant, sql);

INSERT INTO bench_query
SELECT 'timeline', m, 'result', format('SELECT sum(num_points(%s)), NULL::float8, NULL::bigint FROM user_tl', expr)
FROM (VALUES
    (1, 'sum(tl)'),
    (2, $$sum(tl, interval '30 days')$$),
    (3, $$mean(tl, interval '30 days')$$),
    (4, $$count(tl, interval '1 hour')$$)
) e(m, expr);

-- building the timelines that user_tl stores
INSERT INTO bench_query VALUES
('timeline', 0, 'build', $$SELECT sum(num_points(tl)), NULL::float8, NULL::bigint FROM (SELECT user_id, timeline_agg(ts, amount, event_id) AS tl FROM events GROUP BY user_id) u$$);

\echo
\echo '== settings (the same for every query)'
SELECT name, current_setting(name) AS setting
FROM pg_settings
WHERE name IN ('work_mem', 'jit', 'shared_buffers', 'max_parallel_workers_per_gather',
               'TimeZone', 'effective_cache_size', 'random_page_cost')
ORDER BY name;

\if :explain
CREATE FUNCTION pg_temp.bench_plans() RETURNS SETOF text LANGUAGE plpgsql AS $f$
DECLARE
    q record;
    line text;
BEGIN
    FOR q IN SELECT * FROM bench_query
             WHERE engine = 'postgres' OR variant IN ('values', 'build') OR (variant = 'raw' AND measure = 2)
             ORDER BY engine, measure, variant
    LOOP
        RETURN NEXT format('-- %s %s %s', q.engine, q.measure, q.variant);
        FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) ' || q.sql
        LOOP
            RETURN NEXT '   ' || line;
        END LOOP;
    END LOOP;
END
$f$;
\echo
\echo '== plans (EXPLAIN, no ANALYZE)'
\pset tuples_only on
SELECT * FROM pg_temp.bench_plans();
\pset tuples_only off
\endif

-- the timed runs, through EXECUTE in a DO block: each query REPS times in a
-- row (postgres first, then timeline), timed with clock_timestamp(); a
-- NOTICE per run shows the progress (psql prints it on stderr)
SELECT set_config('bench.reps', (:reps)::int::text, false) \gset
DO $do$
DECLARE
    q record;
    t0 timestamptz;
    r_n bigint;
    r_s float8;
    r_c bigint;
BEGIN
    FOR q IN SELECT * FROM bench_query
             ORDER BY engine, measure,
                      array_position('{build,values,rows,result,raw,window}'::text[], variant)
    LOOP
        FOR rep IN 1 .. current_setting('bench.reps')::int
        LOOP
            t0 := clock_timestamp();
            EXECUTE q.sql INTO r_n, r_s, r_c;
            INSERT INTO bench_result
            VALUES (q.engine, q.measure, q.variant, rep,
                    extract(epoch FROM clock_timestamp() - t0) * 1000, r_n, r_s, r_c);
            RAISE NOTICE 'bench % % % run %: % ms', q.engine, q.measure, q.variant, rep,
                round(extract(epoch FROM clock_timestamp() - t0) * 1000);
        END LOOP;
    END LOOP;
END
$do$;
\endif

--------------------------------------------------------------------------
\if :part_check
--------------------------------------------------------------------------
-- Event by event on every 50th user (user 0, the busiest, included): each
-- measure's value at every event from PostgreSQL's window functions and from
-- timeline (points of the four results, zipped by ROWS FROM: observe gives
-- every result exactly tl's points).  Sums and counts must be equal, means
-- equal to a relative 1e-12; every event must be on both sides.
CREATE TEMP TABLE chk_pg AS
SELECT user_id, ts,
       sum(amount) OVER (PARTITION BY user_id ORDER BY ts ROWS UNBOUNDED PRECEDING) AS m1,
       sum(amount) OVER w30 AS m2,
       avg(amount) OVER w30 AS m3,
       count(amount) OVER w1h AS m4
FROM events
WHERE user_id % 50 = 0
WINDOW w30 AS (PARTITION BY user_id ORDER BY ts
               RANGE BETWEEN interval '2591999.999999 seconds' PRECEDING AND CURRENT ROW),
       w1h AS (PARTITION BY user_id ORDER BY ts
               RANGE BETWEEN interval '3599.999999 seconds' PRECEDING AND CURRENT ROW);

CREATE TEMP TABLE chk_tl AS
SELECT u.user_id, p.t1 AS ts, p.m1, p.m2, p.m3, p.m4,
       (p.t2, p.t3, p.t4) = (p.t1, p.t1, p.t1) AS same_times
FROM user_tl u,
     ROWS FROM (points(sum(u.tl)),
                points(observe(sum(u.tl, interval '30 days'), u.tl)),
                points(observe(mean(u.tl, interval '30 days'), u.tl)),
                points(observe(count(u.tl, interval '1 hour'), u.tl)))
         AS p(t1, m1, t2, m2, t3, m3, t4, m4)
WHERE u.user_id % 50 = 0;

\echo
\echo '== event-by-event check on every 50th user (untimed): differing values per measure'
SELECT count(*) AS events_checked,
       count(DISTINCT coalesce(p.user_id, t.user_id)) AS users,
       count(*) FILTER (WHERE p.user_id IS NULL OR t.user_id IS NULL OR NOT t.same_times)
           AS unmatched_events,
       count(*) FILTER (WHERE p.m1 IS DISTINCT FROM t.m1) AS running_sum,
       count(*) FILTER (WHERE p.m2 IS DISTINCT FROM t.m2) AS sum_30d,
       count(*) FILTER (WHERE NOT (p.m3 IS NULL AND t.m3 IS NULL
                                   OR abs(p.m3 - t.m3) <= 1e-12 * abs(p.m3))
                           OR (p.m3 IS NULL) <> (t.m3 IS NULL)) AS mean_30d,
       count(*) FILTER (WHERE p.m4::float8 IS DISTINCT FROM t.m4) AS count_1h
FROM chk_pg p
FULL JOIN chk_tl t USING (user_id, ts) \gset chk_
\echo 'events checked:' :chk_events_checked ' users:' :chk_users ' unmatched events:' :chk_unmatched_events
\echo 'differing values: running sum' :chk_running_sum ', 30-day sum' :chk_sum_30d ', 30-day mean' :chk_mean_30d ', 1-hour count' :chk_count_1h
SELECT CASE WHEN :chk_events_checked > 0
             AND :chk_unmatched_events + :chk_running_sum + :chk_sum_30d
                 + :chk_mean_30d + :chk_count_1h = 0
            THEN 'yes' ELSE 'no' END AS ok \gset
\echo 'event check agrees:' :ok
\endif

--------------------------------------------------------------------------
\if :part_report
--------------------------------------------------------------------------
CREATE TEMP TABLE measure (measure int PRIMARY KEY, name text, target float8);
INSERT INTO measure VALUES
    (1, 'running sum', NULL),
    (2, '30-day trailing sum', 10),
    (3, '30-day trailing mean', 10),
    (4, '1-hour trailing count', 10);

CREATE TEMP TABLE per AS
SELECT engine, measure, variant,
       percentile_disc(0.5) WITHIN GROUP (ORDER BY ms) AS med,
       min(ms) AS best,
       string_agg(round(ms::numeric)::text, ' ' ORDER BY rep) AS runs
FROM bench_result
GROUP BY engine, measure, variant;

-- every run's row against the PostgreSQL baseline's first run
CREATE TEMP TABLE agree AS
SELECT r.engine, r.measure, r.variant,
       bool_and(r.n = b.n
                AND (r.variant = 'result'
                     OR (r.c = b.c
                         AND CASE WHEN r.measure = 3
                                  THEN abs(r.s - b.s) <= 1e-9 * abs(b.s)
                                  ELSE r.s = b.s END))) AS ok
FROM bench_result r
JOIN bench_result b ON b.engine = 'postgres' AND b.measure = r.measure AND b.rep = 1
WHERE r.measure > 0 AND r.variant <> 'result'   -- result: no values, more points
GROUP BY r.engine, r.measure, r.variant;

\echo
\echo '== results: single-threaded, ms = median of' :reps 'runs'
\echo '   timeline = "values" below (stored user_tl, the value at every event consumed in C)'
\echo '   vs postgres, vs duckdb = their median / timeline median (> 1: timeline faster)'
SELECT m.name AS measure,
       round(pg.med::numeric) AS postgres_ms,
       round(dk.med::numeric) AS duckdb_ms,
       round(tl.med::numeric) AS timeline_ms,
       to_char(pg.med / tl.med, 'FM9990.0') || 'x' AS vs_postgres,
       coalesce(to_char(m.target, 'FM990') || 'x', '') AS target,
       CASE WHEN m.target IS NULL THEN ''
            WHEN pg.med / tl.med >= m.target THEN 'yes' ELSE 'no' END AS met,
       coalesce(to_char(dk.med / tl.med, 'FM9990.00') || 'x', '') AS vs_duckdb,
       CASE WHEN dk.med IS NULL THEN ''
            WHEN dk.med >= tl.med THEN 'yes' ELSE 'no' END AS no_slower,
       CASE WHEN atl.ok AND coalesce(adk.ok, true) THEN 'yes' ELSE 'NO' END AS agrees
FROM measure m
JOIN per pg ON pg.engine = 'postgres' AND pg.measure = m.measure
JOIN per tl ON tl.engine = 'timeline' AND tl.measure = m.measure AND tl.variant = 'values'
LEFT JOIN per dk ON dk.engine = 'duckdb' AND dk.measure = m.measure
JOIN agree atl ON atl.engine = 'timeline' AND atl.measure = m.measure AND atl.variant = 'values'
LEFT JOIN agree adk ON adk.engine = 'duckdb' AND adk.measure = m.measure
ORDER BY m.measure;

\echo
\echo '== timeline variants (ms, median; vs postgres in parentheses)'
\echo '   values: stored user_tl, observe(result, tl) (planned as aggregate_at_points), values consumed in C (sum and count of them)'
\echo '   rows:   stored user_tl, the same values as rows of points(), summed by PostgreSQL'
\echo '   result: stored user_tl, the result timeline only (incl. window-leaving points), num_points'
\echo '   raw:    as values, but timeline_agg(ts, amount, event_id) GROUP BY user_id in the same query'
SELECT m.name AS measure,
       format('%s (%sx)', round(v.med::numeric), to_char(pg.med / v.med, 'FM9990.0')) AS "values",
       format('%s (%sx)', round(r.med::numeric), to_char(pg.med / r.med, 'FM9990.0')) AS "rows",
       format('%s (%sx)', round(o.med::numeric), to_char(pg.med / o.med, 'FM9990.0')) AS result,
       format('%s (%sx)', round(w.med::numeric), to_char(pg.med / w.med, 'FM9990.0')) AS raw,
       CASE WHEN bool_and(a.ok) THEN 'yes' ELSE 'NO' END AS all_agree
FROM measure m
JOIN per pg ON pg.engine = 'postgres' AND pg.measure = m.measure
JOIN per v ON v.engine = 'timeline' AND v.measure = m.measure AND v.variant = 'values'
JOIN per r ON r.engine = 'timeline' AND r.measure = m.measure AND r.variant = 'rows'
JOIN per o ON o.engine = 'timeline' AND o.measure = m.measure AND o.variant = 'result'
JOIN per w ON w.engine = 'timeline' AND w.measure = m.measure AND w.variant = 'raw'
JOIN agree a ON a.engine = 'timeline' AND a.measure = m.measure   -- result has no values to check
GROUP BY m.measure, m.name, v.med, r.med, o.med, w.med, pg.med
ORDER BY m.measure;

\echo
\echo '== not in the ratios'
SELECT CASE p.engine WHEN 'timeline' THEN 'timeline: build the timelines (timeline_agg GROUP BY user_id, as user_tl)'
                     ELSE 'duckdb: load the CSV into a table (once)' END AS step,
       round(p.med::numeric) AS ms
FROM per p
WHERE p.measure = 0
ORDER BY p.engine DESC;

\echo
\echo '== every run (ms, in order) and result (n, s, c)'
SELECT p.engine, p.measure, p.variant, p.runs AS runs_ms,
       (SELECT format('%s, %s, %s', r.n, r.s, r.c) FROM bench_result r
        WHERE (r.engine, r.measure, r.variant, r.rep) = (p.engine, p.measure, p.variant, 1)) AS result
FROM per p
ORDER BY p.measure, p.engine, p.variant;

\echo
SELECT CASE WHEN bool_and(ok) THEN 'yes' ELSE 'no' END AS ok,
       count(*) FILTER (WHERE NOT ok) AS bad
FROM agree \gset
\echo 'results agree:' :ok
\endif
