-- bench/lookup.sql: times point-in-time lookups against PostgreSQL's own
-- best as-of query (LEFT JOIN LATERAL ... ORDER BY ... LIMIT 1).
--
-- Run by bench/lookup.sh after bench/data.sql; can be run by hand too:
--   psql -X -v reps=3 -v warmup=1 -v workers=2 -f bench/lookup.sql
-- with search_path = timeline, public.  psql variables: reps (timed runs per
-- query; the median is reported, the best shown too), warmup (untimed runs of
-- each query before its timed ones, so that every query is timed with its
-- tables in shared_buffers: the baseline, which runs first, fills them with
-- the events and their index, and a query's first run after it reads its
-- own tables back from the operating system, 1.4 s instead of 0.8 s for
-- query 1 here), workers (the parallel run's
-- max_parallel_workers_per_gather).
--
-- Every query returns one row of three numbers so that output costs nothing:
-- (count(*), sum(value), count(value)) for queries 0-5 and 8-13, whose every run's row
-- must equal the baseline's exactly (amounts are multiples of 1/8, so float
-- sums are exact in any order); the floors 6 and 7 answer other questions
-- and are not compared (bench_query.compared).
-- Queries run through EXECUTE in a DO block at top level, so the planner may
-- use parallel plans as it would for a client query (checked: "Workers
-- Launched" appears in EXPLAIN ANALYZE run the same way).

\set ON_ERROR_STOP 1
-- timeline's planner hooks act only once its library is loaded: queries 9
-- and 10 would otherwise get them only after a query had called a timeline
-- function (with BENCH_ONLY=9,10 never)
LOAD 'timeline';
\if :{?reps} \else \set reps 3 \endif
\if :{?warmup} \else \set warmup 1 \endif
\if :{?workers} \else \set workers 2 \endif
\if :{?only} \else \set only '' \endif
\if :{?explain} \else \set explain 1 \endif

SET client_min_messages = warning;
DROP TABLE IF EXISTS bench_query, bench_result;
RESET client_min_messages;

CREATE TABLE bench_query (
    ord     int PRIMARY KEY,
    name    text NOT NULL,
    target  float8,             -- required speed-up over the baseline, NULL for none
    sql     text NOT NULL,
    setup   text[] NOT NULL DEFAULT '{}', -- 'name=value' settings for this query only
    compared bool NOT NULL DEFAULT true   -- false: another question, not checked against the baseline
);

CREATE TABLE bench_result (
    mode    text,
    ord     int,
    rep     int,                -- 0 or less: a warm-up run, not timed
    ms      float8,
    n       bigint,
    s       float8,
    c       bigint
);

INSERT INTO bench_query VALUES
(0, 'baseline: LATERAL ORDER BY ts DESC, amount DESC NULLS FIRST LIMIT 1', NULL, $q$
SELECT count(*), sum(f.amount), count(f.amount)
FROM probes p
LEFT JOIN LATERAL (
    SELECT e.amount FROM events e
    WHERE e.user_id = p.user_id AND e.ts <= p.ts
    ORDER BY e.ts DESC, e.amount DESC NULLS FIRST
    LIMIT 1) f ON true
$q$),
(1, '(a) stored user_tl, join + value_at per probe', 10, $q$
SELECT count(*), sum(value_at(t.tl, p.ts)), count(value_at(t.tl, p.ts))
FROM probes p
LEFT JOIN user_tl t USING (user_id)
$q$),
(2, '(a) stored user_tl, values_at(tl, array_agg(ts)) + unnest', 10, $q$
SELECT count(*), sum(u.v), count(u.v)
FROM (SELECT user_id, array_agg(ts) AS tss FROM probes GROUP BY user_id) q
LEFT JOIN user_tl t USING (user_id),
     unnest(q.tss, values_at(t.tl, q.tss)) AS u(ts, v)
$q$),
(3, '(b) from events: timeline_agg GROUP BY, join + value_at', 3, $q$
WITH tl AS (
    SELECT user_id, timeline_agg(ts, amount) AS tl FROM events GROUP BY user_id)
SELECT count(*), sum(value_at(tl.tl, p.ts)), count(value_at(tl.tl, p.ts))
FROM probes p
LEFT JOIN tl USING (user_id)
$q$),
(4, '(b) from events: timeline_agg GROUP BY, values_at(tl, array_agg(ts))', 3, $q$
WITH tl AS (
    SELECT user_id, timeline_agg(ts, amount) AS tl FROM events GROUP BY user_id),
q AS (
    SELECT user_id, array_agg(ts) AS tss FROM probes GROUP BY user_id)
SELECT count(*), sum(u.v), count(u.v)
FROM q
LEFT JOIN tl USING (user_id),
     unnest(q.tss, values_at(tl.tl, q.tss)) AS u(ts, v)
$q$);
-- the baseline is PostgreSQL's own plan: with timeline loaded, its merge
-- as-of join (Custom Scan TimelineAsOf) would otherwise run this query
UPDATE bench_query SET setup = '{timeline.enable_asof_join=off}' WHERE ord = 0;

-- diagnostic, no target: the planner's cost model thinks the Index Scan on
-- (user_id, ts) feeding a GroupAggregate is cheaper than Seq Scan + HashAggregate
-- (everything is cached), but visiting 10M heap tuples in index order is slow;
-- this shows query 3 with the GROUP BY over a sequential scan.
INSERT INTO bench_query VALUES
(5, '(b) as 3 with enable_indexscan, enable_bitmapscan off (diagnostic)', NULL, $q$
WITH tl AS (
    SELECT user_id, timeline_agg(ts, amount) AS tl FROM events GROUP BY user_id)
SELECT count(*), sum(value_at(tl.tl, p.ts)), count(value_at(tl.tl, p.ts))
FROM probes p
LEFT JOIN tl USING (user_id)
$q$, '{enable_indexscan=off,enable_bitmapscan=off}');

-- diagnostics, no target, other answers (not compared with the baseline):
-- the share of PostgreSQL's own operators in (a) and (b).  6 is the join of
-- query 1 without any lookup (the timelines still go through the hash table:
-- reading only user_id would leave them out and make the join 4x cheaper);
-- 7 is query 5 with sum(amount) in place of timeline_agg: the same values
-- read into a one-float state per user instead of a timeline, a bound for
-- building timelines by a GROUP BY of the events by user.
INSERT INTO bench_query VALUES
(6, 'floor of (a): the join of query 1 alone, no lookup (diagnostic)', NULL, $q$
SELECT count(*), sum(t.user_id), count(*) FILTER (WHERE t.tl IS NOT NULL)
FROM probes p
LEFT JOIN user_tl t USING (user_id)
$q$, '{}', false),
(7, 'floor of (b): query 5 with sum(amount) for timeline_agg, no lookup (diagnostic)', NULL, $q$
WITH s AS (
    SELECT user_id, sum(amount) AS v FROM events GROUP BY user_id)
SELECT count(*), sum(s.v), count(s.v)
FROM probes p
LEFT JOIN s USING (user_id)
$q$, '{enable_indexscan=off,enable_bitmapscan=off}', false);

-- query 1 over a table stored for lookups: toast_tuple_target = 8160 keeps
-- timelines of up to about 500 points in the row (the default target moves
-- those over about 120 points to TOAST, whose fetches then cost more than
-- the larger rows do in the hash join's batches); README, "Storage and
-- repeated lookups"
INSERT INTO bench_query VALUES
(8, '(a) as 1 over user_tl_inline (toast_tuple_target = 8160)', 10, $q$
SELECT count(*), sum(value_at(t.tl, p.ts)), count(value_at(t.tl, p.ts))
FROM probes p
LEFT JOIN user_tl_inline t USING (user_id)
$q$);

-- end to end from the raw events another way, no target of its own: the
-- baseline's own SQL planned with timeline's merge as-of join (Custom Scan
-- TimelineAsOf, on by default once the library is loaded), which keeps no
-- timelines; the issue's (b) builds timelines first (queries 3-5)
INSERT INTO bench_query
SELECT 9, 'baseline SQL run by timeline''s merge as-of join (TimelineAsOf)', NULL, sql
FROM bench_query WHERE ord = 0;
-- the same question as a scalar subquery, which timeline plans as the
-- LEFT JOIN LATERAL it means (PostgreSQL alone runs it once per use: twice
-- per probe here, once for sum and once for count)
INSERT INTO bench_query VALUES
(10, 'baseline as a scalar subquery, run by TimelineAsOf', NULL, $q$
SELECT count(*), sum(x.amount), count(x.amount)
FROM (SELECT p.probe_id,
             (SELECT e.amount FROM events e
              WHERE e.user_id = p.user_id AND e.ts <= p.ts
              ORDER BY e.ts DESC, e.amount DESC NULLS FIRST
              LIMIT 1) AS amount
      FROM probes p) x
$q$);

-- query 3 planned as a merge join: the GROUP BY's output comes in user_id
-- order (a GroupAggregate over the index), so only the probes are sorted and
-- each fresh timeline meets its probes once, where the hash join writes every
-- timeline to its batch files and reads it back. PostgreSQL prices the
-- timelines at 32 bytes (a varlena's default width) and picks the hash join;
-- with BENCH_INDEX=covering the GROUP BY reads an index-only scan (diagnostic)
INSERT INTO bench_query
SELECT 11, '(b) as 3 with enable_hashjoin off: a merge join (diagnostic)', NULL, sql,
       '{enable_hashjoin=off}'
FROM bench_query WHERE ord = 3;

-- queries 1 and 8 planned as a merge join: the probes sorted by user_id meet
-- the timelines read in user_id order through the tables' primary keys, so
-- each timeline is fetched once and all its probes search it one after the
-- other (in cache), where the hash join hands them over in no order and
-- writes the timelines to its batch files.  PostgreSQL costs the sort of the
-- 1M probes, which spills at 4MB, at about twice the whole hash join, and
-- picks the hash join.  enable_nestloop off too: in parallel mode the plan
-- was otherwise a nested loop of 1M index probes (3.8 s), and is now the
-- same serial merge join
INSERT INTO bench_query
SELECT 12, '(a) as 1, hash and nested-loop joins off: a merge join over user_tl''s key', 10, sql,
       '{enable_hashjoin=off,enable_nestloop=off}'
FROM bench_query WHERE ord = 1;
INSERT INTO bench_query
SELECT 13, '(a) as 8, hash and nested-loop joins off: a merge join over user_tl_inline''s key', 10, sql,
       '{enable_hashjoin=off,enable_nestloop=off}'
FROM bench_query WHERE ord = 8;

-- applies and undoes a query's own settings
CREATE FUNCTION pg_temp.bench_apply(settings text[]) RETURNS void LANGUAGE plpgsql AS $f$
DECLARE s text;
BEGIN
    FOREACH s IN ARRAY settings LOOP
        PERFORM set_config(split_part(s, '=', 1), split_part(s, '=', 2), false);
    END LOOP;
END
$f$;
CREATE FUNCTION pg_temp.bench_reset(settings text[]) RETURNS void LANGUAGE plpgsql AS $f$
DECLARE s text;
BEGIN
    FOREACH s IN ARRAY settings LOOP
        EXECUTE format('RESET %I', split_part(s, '=', 1));
    END LOOP;
END
$f$;

-- optional: BENCH_ONLY in the shell (bench/lookup.sh) keeps the baseline and
-- the listed queries, e.g. BENCH_ONLY=1,2
SELECT coalesce(nullif(:'only', ''), 'all') AS only \gset
DELETE FROM bench_query
WHERE :'only' <> 'all' AND ord <> 0
  AND ord <> ALL (string_to_array(:'only', ',')::int[]);

\echo
\echo '== settings (the same for every query; only max_parallel_workers_per_gather differs between the two modes)'
SELECT name, current_setting(name) AS setting
FROM pg_settings
WHERE name IN ('work_mem', 'jit', 'shared_buffers', 'max_parallel_workers_per_gather',
               'max_parallel_workers', 'max_worker_processes', 'effective_cache_size',
               'random_page_cost', 'hash_mem_multiplier', 'enable_incremental_sort')
ORDER BY name;

-- the timed runs: serial (no parallel workers), then parallel; psql does not
-- interpolate into the dollar-quoted block, so the numbers travel as settings
SELECT set_config('bench.reps', (:reps)::int::text, false),
       set_config('bench.warmup', (:warmup)::int::text, false),
       set_config('bench.workers', (:workers)::int::text, false) \gset
DO $do$
DECLARE
    m record;
    q record;
    t0 timestamptz;
    r_n bigint;
    r_s float8;
    r_c bigint;
BEGIN
    FOR m IN SELECT * FROM (VALUES (1, 'serial', 0),
                                       (2, 'parallel', current_setting('bench.workers')::int)) v(o, mode, w) ORDER BY o
    LOOP
        PERFORM set_config('max_parallel_workers_per_gather', m.w::text, false);
        FOR q IN SELECT * FROM bench_query ORDER BY ord
        LOOP
            PERFORM pg_temp.bench_apply(q.setup);
            FOR rep IN 1 - current_setting('bench.warmup')::int .. current_setting('bench.reps')::int
            LOOP
                t0 := clock_timestamp();
                EXECUTE q.sql INTO r_n, r_s, r_c;
                INSERT INTO bench_result
                VALUES (m.mode, q.ord, rep,
                        extract(epoch FROM clock_timestamp() - t0) * 1000, r_n, r_s, r_c);
            END LOOP;
            PERFORM pg_temp.bench_reset(q.setup);
        END LOOP;
    END LOOP;
    PERFORM set_config('max_parallel_workers_per_gather', current_setting('bench.workers'), false);
END
$do$;

\echo
\echo '== results (ms: median of' :reps 'timed runs after' :warmup 'warm-up; best: fastest timed run; runs: every run in order, warm-up in parentheses; vs baseline: baseline median / median, same mode)'
\echo '   serial = max_parallel_workers_per_gather 0; parallel =' :workers '(2 cores on the reference machine)'
WITH per AS (
    SELECT mode, ord,
           percentile_disc(0.5) WITHIN GROUP (ORDER BY ms) FILTER (WHERE rep >= 1) AS med,
           min(ms) FILTER (WHERE rep >= 1) AS best,
           string_agg(CASE WHEN rep >= 1 THEN round(ms)::text
                           ELSE '(' || round(ms) || ')' END, ' ' ORDER BY rep) AS runs
    FROM bench_result GROUP BY mode, ord
), base AS (
    SELECT mode, med AS base_med FROM per WHERE ord = 0
), agree AS (
    SELECT r.mode, r.ord, bool_and((r.n, r.s, r.c) = (b.n, b.s, b.c)) AS ok
    FROM bench_result r
    JOIN bench_result b ON b.ord = 0 AND b.mode = 'serial' AND b.rep = 1 - current_setting('bench.warmup')::int
    JOIN bench_query q ON q.ord = r.ord AND q.compared
    GROUP BY r.mode, r.ord
)
SELECT per.mode,
       q.name AS query,
       round(per.med::numeric, 0) AS ms,
       round(per.best::numeric, 0) AS best_ms,
       per.runs,
       to_char(base.base_med / per.med, 'FM9990.0') || 'x' AS vs_baseline,
       coalesce(to_char(q.target, 'FM990') || 'x', '') AS target,
       CASE WHEN q.target IS NULL THEN ''
            WHEN base.base_med / per.med >= q.target THEN 'yes' ELSE 'no' END AS met,
       CASE WHEN NOT q.compared THEN 'n/a' WHEN agree.ok THEN 'yes' ELSE 'NO' END AS agrees
FROM per
JOIN bench_query q USING (ord)
JOIN base USING (mode)
LEFT JOIN agree USING (mode, ord)
ORDER BY per.mode DESC, per.ord;

\echo
SELECT 'results agree: ' ||
       CASE WHEN count(DISTINCT (n, s, c)) = 1 THEN 'yes' ELSE 'no' END
       || ' (count, sum, count of non-null as of each probe: '
       || string_agg(DISTINCT format('%s, %s, %s', n, s, c), ' / ') || ')'
       AS check
FROM bench_result
WHERE ord IN (SELECT ord FROM bench_query WHERE compared) \gset
\echo :check

-- the plans, so a change of plan shows (EXPLAIN without ANALYZE)
\if :explain
CREATE FUNCTION pg_temp.bench_plans() RETURNS SETOF text LANGUAGE plpgsql AS $f$
DECLARE
    m record;
    q record;
    line text;
BEGIN
    FOR m IN SELECT * FROM (VALUES (1, 'serial', 0),
                                   (2, 'parallel', current_setting('bench.workers')::int)) v(o, mode, w)
             ORDER BY o
    LOOP
        PERFORM set_config('max_parallel_workers_per_gather', m.w::text, false);
        FOR q IN SELECT * FROM bench_query ORDER BY ord
        LOOP
            RETURN NEXT format('-- %s: %s', m.mode, q.name);
            PERFORM pg_temp.bench_apply(q.setup);
            FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) ' || q.sql
            LOOP
                RETURN NEXT '   ' || line;
            END LOOP;
            PERFORM pg_temp.bench_reset(q.setup);
        END LOOP;
    END LOOP;
    PERFORM set_config('max_parallel_workers_per_gather', current_setting('bench.workers'), false);
END
$f$;
\echo
\echo '== plans'
\pset tuples_only on
SELECT * FROM pg_temp.bench_plans();
\pset tuples_only off
\endif
