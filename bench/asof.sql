-- bench/asof.sql: the merge as-of join benchmark (bench/asof.sh).
--
-- Run by bench/asof.sh in parts, each a psql session, with
-- search_path = public, timeline, timezone UTC and the timeline library in
-- shared_preload_libraries (so the TimelineAsOf path exists in every
-- session).  psql variable part:
--   init     result tables
--   time     one workload: the timed PostgreSQL variants into bench_result,
--            the plan checks, EXPLAIN ANALYZE of the new path, and the
--            per-row answers of the as-of query with the path on and off
--   compare  one workload, after bench/asof.sh has loaded DuckDB's per-row
--            answers into duck_rows_<workload>_<threads>: agreement checks
--            into bench_check
--   report   the table, the targets and the checks
--
-- A workload is an as-of query "for every outer row o, the value of the
-- latest event e of key o.okey at or before o.ts, ties broken by the
-- larger event id", described by psql variables: workload (a name),
-- otab, oalias, oid, okey (the outer table, its alias, id and key columns),
-- etab, ekey, eid, val (the events table, its key, id and value columns; the
-- time column is ts in both tables, val is float8).  Other variables: reps
-- (runs per variant), long_ms (a variant whose first run takes longer runs
-- once).
--
-- Variants (every one returns count(*), count(value), sum(value), one row):
--   plain LATERAL        LEFT JOIN LATERAL (... ORDER BY ts DESC, id DESC
--                        LIMIT 1), timeline.enable_asof_join = off
--   TimelineAsOf         the same query with the GUC on
--   timeline: build      CREATE UNLOGGED TABLE tl_<workload> AS SELECT key,
--                        timeline_agg(ts, val, id) ... GROUP BY key
--   timeline: probes     outer rows ordered by key, LEFT JOIN tl_<workload>
--                        ON key, value_at(tl, o.ts).  The ORDER BY matters:
--                        value_at keeps recently detoasted timelines in a
--                        cache bounded by work_mem, and probes in table
--                        order switch timeline almost every row; when the
--                        timelines outgrow work_mem (flights: 229 timelines,
--                        69 MB) every probe detoasts its whole timeline
--                        again (measured: 30,000 flights in 67 s, ~2 hours
--                        for all 3M, against ~4 s ordered by key).
--   (DuckDB's ASOF LEFT JOIN rows are added by bench/asof.sh)

\set ON_ERROR_STOP 1
SELECT :'part' = 'init' AS part_init, :'part' = 'time' AS part_time,
       :'part' = 'compare' AS part_compare, :'part' = 'report' AS part_report \gset

\if :part_init
SET client_min_messages = warning;
DROP TABLE IF EXISTS bench_query, bench_result, bench_check;
RESET client_min_messages;

CREATE TABLE bench_query (
    workload text,
    ord      int,
    variant  text,
    guc      text,              -- timeline.enable_asof_join for this variant
    pre      text,              -- run before every timed run, not timed
    sql      text,
    PRIMARY KEY (workload, ord)
);

-- filled by the time part and by bench/asof.sh (DuckDB: COPY from its TSV)
CREATE TABLE bench_result (
    workload text,
    variant  text,
    rep      int,
    ms       float8,
    n        bigint,
    c        bigint,
    s        float8
);

CREATE TABLE bench_check (
    workload text,
    ord      int,
    item     text,
    result   text,
    ok       boolean            -- false fails the benchmark; NULL: information only
);
\endif

\if :part_time
SELECT :'workload' || '_rows_on' AS rows_on, :'workload' || '_rows_off' AS rows_off,
       'tl_' || :'workload' AS tl_table \gset
SET client_min_messages = warning;
DROP TABLE IF EXISTS :"rows_on", :"rows_off";
RESET client_min_messages;

DELETE FROM bench_query WHERE workload = :'workload';
INSERT INTO bench_query
SELECT :'workload', v.ord, v.variant, v.guc, v.pre, v.sql
FROM (VALUES
    (1, 'plain LATERAL (GUC off)', 'off', NULL,
     format($q$SELECT count(*), count(g.%6$I), sum(g.%6$I)
FROM %1$I %2$I
LEFT JOIN LATERAL (
    SELECT e.%6$I FROM %4$I e
    WHERE e.%5$I = %2$I.%3$I AND e.ts <= %2$I.ts
    ORDER BY e.ts DESC, e.%7$I DESC
    LIMIT 1) g ON true$q$, :'otab', :'oalias', :'okey', :'etab', :'ekey', :'val', :'eid')),
    (3, 'timeline: build', 'on',
     format('DROP TABLE IF EXISTS %I', 'tl_' || :'workload'),
     format($q$CREATE UNLOGGED TABLE %1$I AS
SELECT e.%3$I AS k, timeline_agg(e.ts, e.%4$I, e.%5$I) AS tl
FROM %2$I e
GROUP BY e.%3$I$q$, 'tl_' || :'workload', :'etab', :'ekey', :'val', :'eid')),
    (4, 'timeline: probes', 'on', NULL,
     format($q$SELECT count(*), count(v), sum(v)
FROM (SELECT value_at(t.tl, %2$I.ts) AS v
      FROM (SELECT * FROM %1$I ORDER BY %3$I) %2$I
      LEFT JOIN %4$I t ON t.k = %2$I.%3$I) s$q$,
     :'otab', :'oalias', :'okey', 'tl_' || :'workload'))
) v(ord, variant, guc, pre, sql);
INSERT INTO bench_query
SELECT workload, 2, 'TimelineAsOf (GUC on)', 'on', NULL, sql
FROM bench_query WHERE workload = :'workload' AND ord = 1;

-- EXPLAIN (COSTS OFF) as text, under a given timeline.enable_asof_join
CREATE FUNCTION pg_temp.plan_of(q text, guc text) RETURNS text LANGUAGE plpgsql AS $f$
DECLARE
    line text;
    plan text := '';
BEGIN
    PERFORM set_config('timeline.enable_asof_join', guc, true);
    FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) ' || q LOOP
        plan := plan || line || E'\n';
    END LOOP;
    RETURN plan;
END
$f$;

\echo
\echo '==' :workload: 'the queries'
SELECT ord, variant, 'timeline.enable_asof_join = ' || guc AS setting, sql
FROM bench_query WHERE workload = :'workload' ORDER BY ord \gx

\echo '==' :workload: 'plans (EXPLAIN, COSTS OFF) of plain LATERAL and the timeline build'
SELECT q.variant, pg_temp.plan_of(q.sql, q.guc) AS plan
FROM bench_query q WHERE workload = :'workload' AND ord IN (1, 3) ORDER BY ord \gx

-- the plan checks: the path is taken with the GUC on, not with it off
INSERT INTO bench_check
SELECT :'workload', 1, 'EXPLAIN shows Custom Scan (TimelineAsOf) with the GUC on, not with it off',
       CASE WHEN on_ AND NOT off_ THEN 'yes'
            ELSE format('NO (GUC on: %s, GUC off: %s)', on_, off_) END,
       on_ AND NOT off_
FROM (SELECT pg_temp.plan_of(sql, 'on') LIKE '%Custom Scan (TimelineAsOf)%' AS on_,
             pg_temp.plan_of(sql, 'off') LIKE '%Custom Scan (TimelineAsOf)%' AS off_
      FROM bench_query WHERE workload = :'workload' AND ord = 2) p;

-- the timed runs: each variant rep by rep; a variant whose first run takes
-- more than long_ms runs once.  psql does not interpolate into the
-- dollar-quoted block, so the numbers travel as settings.
SELECT set_config('bench.reps', (:reps)::int::text, false),
       set_config('bench.long_ms', (:long_ms)::float8::text, false),
       set_config('bench.workload', :'workload', false) \gset
DO $do$
DECLARE
    q record;
    t0 timestamptz;
    ms float8;
    r_n bigint;
    r_c bigint;
    r_s float8;
BEGIN
    FOR q IN SELECT * FROM bench_query
             WHERE workload = current_setting('bench.workload') ORDER BY ord
    LOOP
        PERFORM set_config('timeline.enable_asof_join', q.guc, false);
        FOR rep IN 1 .. current_setting('bench.reps')::int
        LOOP
            IF q.pre IS NOT NULL THEN
                PERFORM set_config('client_min_messages', 'warning', false);
                EXECUTE q.pre;
                PERFORM set_config('client_min_messages', 'notice', false);
            END IF;
            r_n := NULL; r_c := NULL; r_s := NULL;
            t0 := clock_timestamp();
            IF q.sql LIKE 'SELECT%' THEN
                EXECUTE q.sql INTO r_n, r_c, r_s;
            ELSE
                EXECUTE q.sql;
            END IF;
            ms := extract(epoch FROM clock_timestamp() - t0) * 1000;
            INSERT INTO bench_result
            VALUES (q.workload, q.variant, rep, ms, r_n, r_c, r_s);
            RAISE NOTICE '%: % run %: % ms', q.workload, q.variant, rep, round(ms::numeric);
            EXIT WHEN rep = 1 AND ms > current_setting('bench.long_ms')::float8;
        END LOOP;
        IF q.ord = 3 THEN           -- the timelines the probes read
            EXECUTE format('ANALYZE %I', 'tl_' || q.workload);
        END IF;
    END LOOP;
    PERFORM set_config('timeline.enable_asof_join', 'on', false);
END
$do$;

\echo
\echo '==' :workload: 'timelines built'
SELECT count(*) AS timelines,
       pg_size_pretty(pg_total_relation_size(:'tl_table')) AS total_size
FROM :"tl_table";

SELECT q.variant, pg_temp.plan_of(q.sql, q.guc) AS plan
FROM bench_query q WHERE workload = :'workload' AND ord = 4 \gx

\echo '==' :workload: 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) of the new path (GUC on)'
SET timeline.enable_asof_join = on;
SELECT 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) ' || sql
FROM bench_query WHERE workload = :'workload' AND ord = 2 \gexec

-- per-row answers (outer id, id of the event chosen) with the path on and
-- off, for the exact comparison and for DuckDB's (not timed)
SELECT format($q$SELECT %2$I.%3$I AS probe_id, g.%7$I AS e_id
FROM %1$I %2$I
LEFT JOIN LATERAL (
    SELECT e.%7$I FROM %5$I e
    WHERE e.%6$I = %2$I.%4$I AND e.ts <= %2$I.ts
    ORDER BY e.ts DESC, e.%7$I DESC
    LIMIT 1) g ON true$q$, :'otab', :'oalias', :'oid', :'okey', :'etab', :'ekey', :'eid') AS rows_sql \gset
SET timeline.enable_asof_join = on;
INSERT INTO bench_check
SELECT :'workload', 2, 'per-row query (outer id, event id) also takes the path',
       CASE WHEN p THEN 'yes' ELSE 'NO' END, p
FROM (SELECT pg_temp.plan_of(:'rows_sql', 'on') LIKE '%Custom Scan (TimelineAsOf)%' AS p) s;
SET timeline.enable_asof_join = on;
CREATE TABLE :"rows_on" AS :rows_sql;
SET timeline.enable_asof_join = off;
CREATE TABLE :"rows_off" AS :rows_sql;
SET timeline.enable_asof_join = on;

SET work_mem = '256MB';
INSERT INTO bench_check
SELECT :'workload', 3, 'GUC on vs off, per row (event chosen for every outer row)',
       CASE WHEN bad = 0 THEN format('identical (%s rows)', total)
            ELSE format('NO: %s of %s rows differ', bad, total) END,
       bad = 0
FROM (SELECT count(*) AS total,
             count(*) FILTER (WHERE a.probe_id IS NULL OR b.probe_id IS NULL
                                 OR a.e_id IS DISTINCT FROM b.e_id) AS bad
      FROM :"rows_on" a FULL JOIN :"rows_off" b USING (probe_id)) s;
\endif

\if :part_compare
SELECT format('%s_rows_on', :'workload') AS ours,
       format('duck_rows_%s_1', :'workload') AS duck1,
       format('duck_rows_%s_2', :'workload') AS duck2 \gset
SET work_mem = '256MB';
-- the events as (id, ts, value), to tell ties from real differences
SELECT format('SELECT %I AS id, ts, %I AS v FROM %I', :'eid', :'val', :'etab') AS ev_sql,
       format('SELECT %I AS k, ts FROM %I GROUP BY 1, 2 HAVING count(*) > 1',
              :'ekey', :'etab') AS tied_sql \gset
CREATE TEMP TABLE ev AS :ev_sql;
CREATE INDEX ON ev (id);
ANALYZE ev;

-- how many of our answers sit at a time shared by several events of the key
-- (where DuckDB, which has no tie-break, may pick another event)
CREATE TEMP TABLE tied AS :tied_sql;
ANALYZE tied;
SELECT format('SELECT count(*) FROM %1$I r JOIN ev ON ev.id = r.e_id
               JOIN %2$I o ON o.%3$I = r.probe_id
               JOIN tied t ON t.k = o.%4$I AND t.ts = ev.ts',
              :'workload' || '_rows_on', :'otab', :'oid', :'okey') AS at_tie_sql \gset
SELECT count(*) AS answered FROM :"ours" WHERE e_id IS NOT NULL \gset
:at_tie_sql \gset at_
INSERT INTO bench_check VALUES
(:'workload', 4, 'our answers at a time shared by several events of the key (ties)',
 format('%s of %s answered rows', :at_count, :answered), NULL);

-- a per-row comparison of answer tables a and b: rows whose event differs,
-- of which at the same time (a tie: both events have the outer row's key and
-- time), and rows whose value differs
CREATE FUNCTION pg_temp.cmp(a text, b text) RETURNS TABLE (
    total bigint, differ bigint, tie_only bigint, not_tie bigint, value_differs bigint)
LANGUAGE plpgsql AS $f$
BEGIN
    RETURN QUERY EXECUTE format($q$
        SELECT count(*),
               count(*) FILTER (WHERE ra.e_id IS DISTINCT FROM rb.e_id),
               count(*) FILTER (WHERE ra.e_id <> rb.e_id AND ea.ts = eb.ts),
               count(*) FILTER (WHERE ra.probe_id IS NULL OR rb.probe_id IS NULL
                                   OR (ra.e_id IS DISTINCT FROM rb.e_id
                                       AND NOT coalesce(ea.ts = eb.ts, false))),
               count(*) FILTER (WHERE ea.v IS DISTINCT FROM eb.v)
        FROM %I ra
        FULL JOIN %I rb USING (probe_id)
        LEFT JOIN ev ea ON ea.id = ra.e_id
        LEFT JOIN ev eb ON eb.id = rb.e_id$q$, a, b);
END
$f$;

INSERT INTO bench_check
SELECT :'workload', 5, 'DuckDB 1 thread vs ours, per row',
       CASE WHEN differ = 0 THEN format('identical (%s rows)', total)
            ELSE format('%s of %s rows pick another event: %s only on a tied timestamp, %s otherwise; '
                        '%s rows get another value', differ, total, tie_only, not_tie, value_differs)
       END,
       not_tie = 0
FROM pg_temp.cmp(:'ours', :'duck1');

INSERT INTO bench_check
SELECT :'workload', 6, 'DuckDB 2 threads vs ours, per row',
       CASE WHEN differ = 0 THEN format('identical (%s rows)', total)
            ELSE format('%s of %s rows pick another event: %s only on a tied timestamp, %s otherwise; '
                        '%s rows get another value', differ, total, tie_only, not_tie, value_differs)
       END,
       not_tie = 0
FROM pg_temp.cmp(:'ours', :'duck2');

INSERT INTO bench_check
SELECT :'workload', 7, 'DuckDB 2 threads vs DuckDB 1 thread, per row',
       CASE WHEN differ = 0 THEN format('identical (%s rows)', total)
            ELSE format('answer changes: %s of %s rows pick another event (%s on a tied timestamp, %s otherwise), '
                        '%s rows get another value', differ, total, tie_only, not_tie, value_differs)
       END,
       NULL
FROM pg_temp.cmp(:'duck1', :'duck2');
\endif

\if :part_report
\echo
\echo '== results: ms = median of the runs (a variant whose first run took over' :long_ms 'ms ran once);'
\echo '   vs LATERAL = plain LATERAL ms / ms; vs DuckDB 1t = DuckDB 1 thread ms / ms (> 1: faster than it)'
\echo '   PostgreSQL: max_parallel_workers_per_gather = 0; DuckDB: SET threads as named'
CREATE TEMP TABLE per AS
SELECT workload, variant,
       count(*) AS runs,
       percentile_disc(0.5) WITHIN GROUP (ORDER BY ms) AS ms,
       min(n) AS n, min(c) AS c, min(s) AS s,
       count(DISTINCT (n, c, s)) AS distinct_results
FROM bench_result GROUP BY workload, variant;
INSERT INTO per
SELECT workload, 'timeline: build + probes', max(runs), sum(ms), max(n), max(c), max(s), 1
FROM per WHERE variant IN ('timeline: build', 'timeline: probes')
GROUP BY workload HAVING count(*) = 2;

CREATE TEMP TABLE ord(variant, o) AS VALUES
    ('plain LATERAL (GUC off)', 1), ('TimelineAsOf (GUC on)', 2),
    ('timeline: build', 3), ('timeline: probes', 4), ('timeline: build + probes', 5),
    ('DuckDB ASOF, 1 thread', 6), ('DuckDB ASOF, 2 threads', 7);

SELECT p.workload, p.variant,
       CASE WHEN p.runs = 1 THEN '1 run' ELSE 'median of ' || p.runs END AS runs,
       round(p.ms::numeric) AS ms,
       to_char(l.ms / p.ms, 'FM99990.00') || 'x' AS "vs LATERAL",
       to_char(d.ms / p.ms, 'FM99990.00') || 'x' AS "vs DuckDB 1t",
       CASE WHEN p.n IS NULL THEN ''
            ELSE format('%s, %s, %s', p.n, p.c, p.s)
                 || CASE WHEN p.distinct_results > 1
                         THEN format(' (%s different results over the runs)', p.distinct_results)
                         ELSE '' END END AS "count, count(value), sum(value)",
       CASE WHEN p.n IS NULL THEN ''
            WHEN NOT EXISTS (SELECT 1 FROM bench_result r
                             WHERE r.workload = p.workload AND r.variant = p.variant
                               AND (r.n, r.c, r.s) IS DISTINCT FROM (l.n, l.c, l.s))
            THEN 'yes' ELSE 'no' END AS "= LATERAL"
FROM per p
JOIN ord USING (variant)
LEFT JOIN per l ON l.workload = p.workload AND l.variant = 'plain LATERAL (GUC off)'
LEFT JOIN per d ON d.workload = p.workload AND d.variant = 'DuckDB ASOF, 1 thread'
ORDER BY p.workload, ord.o;

\echo '== targets (TimelineAsOf)'
SELECT workload, target, measured, met FROM (
SELECT p.workload, 1 AS o,
       'TimelineAsOf >= 10x faster than plain LATERAL' AS target,
       to_char(l.ms / p.ms, 'FM99990.00') || 'x' AS measured,
       CASE WHEN l.ms / p.ms >= 10 THEN 'yes' ELSE 'no' END AS met
FROM per p JOIN per l ON l.workload = p.workload AND l.variant = 'plain LATERAL (GUC off)'
WHERE p.variant = 'TimelineAsOf (GUC on)'
UNION ALL
SELECT p.workload, 2,
       'TimelineAsOf no slower than DuckDB ASOF, 1 thread',
       format('%s ms vs %s ms (%sx)', round(p.ms::numeric), round(d.ms::numeric),
              to_char(d.ms / p.ms, 'FM99990.00')),
       CASE WHEN p.ms <= d.ms THEN 'yes' ELSE 'no' END
FROM per p JOIN per d ON d.workload = p.workload AND d.variant = 'DuckDB ASOF, 1 thread'
WHERE p.variant = 'TimelineAsOf (GUC on)') t
ORDER BY workload, o;

-- agreement of every PostgreSQL run with the plain LATERAL's first run
INSERT INTO bench_check
SELECT workload, 0, 'every PostgreSQL run (GUC on, timeline probes) = plain LATERAL, aggregate',
       CASE WHEN bool_and(ok) THEN 'yes' ELSE 'NO' END, bool_and(ok)
FROM (SELECT r.workload, (r.n, r.c, r.s) = (b.n, b.c, b.s) AS ok
      FROM bench_result r
      JOIN bench_result b ON b.workload = r.workload AND b.variant = 'plain LATERAL (GUC off)'
                         AND b.rep = 1
      WHERE r.n IS NOT NULL AND r.variant NOT LIKE 'DuckDB%') s
GROUP BY workload;
INSERT INTO bench_check
SELECT r.workload, 4, 'DuckDB vs ours, aggregate (' || r.variant || ')',
       format('%s of %s runs equal', count(*) FILTER (WHERE (r.n, r.c, r.s) = (b.n, b.c, b.s)),
              count(*)),
       NULL
FROM bench_result r
JOIN bench_result b ON b.workload = r.workload AND b.variant = 'plain LATERAL (GUC off)' AND b.rep = 1
WHERE r.variant LIKE 'DuckDB%'
GROUP BY r.workload, r.variant;

\echo '== checks (ok: NO fails the benchmark; blank: information)'
SELECT workload, item, result,
       CASE WHEN ok THEN 'yes' WHEN NOT ok THEN 'NO' ELSE '' END AS ok
FROM bench_check ORDER BY workload, ord, item;

SELECT 'checks pass: ' || CASE WHEN bool_and(coalesce(ok, true)) THEN 'yes' ELSE 'no' END
       AS status
FROM bench_check \gset
\echo :status
\endif
