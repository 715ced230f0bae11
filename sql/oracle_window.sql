-- oracle_window: randomized oracle test of the aggregations over a timeline
-- (lifetime, trailing, since, sliding), lag and seconds_since_previous
-- against plain SQL window functions and LATERAL subqueries.
--
-- Several seeds; for each, 800 entities with many ties (times come from a
-- 30-minute grid, some off it), NULL values, zeros, equal values, entities
-- with only NULLs, single events, heavy entities (100..150 events), and
-- entities whose events sit on 5 instants only.  Every aggregate result is
-- checked point by point (every point of the result, including the points
-- inside one instant) and with value_at at probe times (event times, a
-- microsecond around them, where values leave a trailing window, around
-- resets, random times, before the first and after the last event).
-- Each check is run on the timeline without seq (ties ordered by value,
-- NULLs last) and with a unique seq (ties ordered by it).
-- Only counts are printed, so the output is deterministic and any mismatch
-- fails the test; the mismatching rows themselves are listed (none).
SET search_path = timeline, public;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET extra_float_digits = 0;
SET max_parallel_workers_per_gather = 0;
SET jit = off;
SET work_mem = '64MB';

CREATE TEMP TABLE ev (seed int, entity int, ts timestamptz, v float8, id bigint);
-- a second event stream per entity, used as a reset timeline (boolean)
CREATE TEMP TABLE rs (seed int, entity int, ts timestamptz, b bool, id bigint);

-- Entities 1..800 by entity % 10 (and % 100):
--   entity % 100 = 0: heavy, 100..150 events over the whole range;
--   1: events on 5 instants only (0h, 2h, 4h, 24h, 26h: each one trailing
--      width after another), so many ties and exact window edges;
--   2: only NULL values;    3: a single event;    else: 0..20 events.
-- Times: base + n * 30 minutes (n < 192, 4 days), 15% moved off the grid by
-- 1..1799 seconds (a third of those plus a fraction of a second).
-- Values: NULL 12%, 0 8%, 3-decimal reals in [-100, 100] 25%, else integers
-- 0..99 (many equal values).  Seqs are unique, signed, and those of events
-- and of reset points interleave.
-- The reset stream: 0..6 points per entity on the same grid, true 70%,
-- false 20%, NULL 10%.
CREATE FUNCTION pg_temp.generate(p_seed int, p_setseed float8) RETURNS void
LANGUAGE plpgsql AS $fn$
DECLARE
    base constant timestamptz := '2021-01-01 00:00:00+00';
BEGIN
    PERFORM setseed(p_setseed);
    INSERT INTO ev (seed, entity, ts, v, id)
    SELECT p_seed, entity,
           base + slot * interval '30 minutes'
                + CASE WHEN r_off < 0.15 AND entity % 10 <> 1
                       THEN (1 + floor(r_sec * 1799)) * interval '1 second'
                            + CASE WHEN r_off < 0.05 THEN floor(r2 * 1000000) * interval '1 microsecond'
                                   ELSE interval '0' END
                       ELSE interval '0' END,
           CASE WHEN entity % 10 = 2 OR r < 0.12 THEN NULL
                WHEN r < 0.20 THEN 0
                WHEN r < 0.21 THEN 'NaN'
                WHEN r < 0.22 THEN 'Infinity'
                WHEN r < 0.23 THEN '-Infinity'
                WHEN r < 0.45 THEN round((r2 * 200 - 100)::numeric, 3)::float8
                ELSE floor(r2 * 100) END,
           (row_number() OVER (ORDER BY r3) - 6000) * 2
    FROM (SELECT e.entity, random() AS r, random() AS r2, random() AS r3,
                 random() AS r_off, random() AS r_sec,
                 CASE WHEN e.entity % 10 = 1
                      THEN (ARRAY[0, 4, 8, 48, 52])[1 + floor(random() * 5)::int]
                      ELSE floor(random() * 192)::int END AS slot
          FROM (SELECT entity,
                       CASE WHEN entity % 100 = 0 THEN 100 + floor(random() * 51)::int
                            WHEN entity % 10 = 3 THEN 1
                            ELSE floor(random() * 21)::int END AS n
                FROM generate_series(1, 800) entity) e,
               generate_series(1, e.n) i) s;

    INSERT INTO rs (seed, entity, ts, b, id)
    SELECT p_seed, entity,
           base + CASE WHEN entity % 10 = 1
                       THEN (ARRAY[0, 4, 8, 48, 52])[1 + floor(r2 * 5)::int]
                       ELSE floor(r2 * 192)::int END * interval '30 minutes',
           CASE WHEN r < 0.7 THEN true WHEN r < 0.9 THEN false END,
           (row_number() OVER (ORDER BY r3) - 1700) * 14 + 1
    FROM (SELECT e.entity, random() AS r, random() AS r2, random() AS r3
          FROM (SELECT entity, floor(random() * 7)::int AS n
                FROM generate_series(1, 800) entity) e,
               generate_series(1, e.n) i) s;
END
$fn$;

SELECT pg_temp.generate(1, 0.11);
SELECT pg_temp.generate(2, 0.42);
SELECT pg_temp.generate(3, -0.5);
ANALYZE ev;
ANALYZE rs;

-- the data has what the test is about (every column should be true)
SELECT seed,
       count(DISTINCT entity) > 600 AS many_entities,
       bool_or(v IS NULL) AS null_values,
       bool_or(v = 0) AS zeros,
       bool_or(v <> floor(v)) AS fractions,
       bool_or(v < 0) AS negatives,
       max(n) >= 100 AS heavy
FROM ev JOIN (SELECT seed, entity, count(*) AS n FROM ev GROUP BY 1, 2) c USING (seed, entity)
GROUP BY seed ORDER BY seed;
SELECT seed,
       bool_or(n >= 2) AS ties,
       max(n) >= 8 AS big_ties,
       bool_or(n > n_distinct_v + n_null_v) AS equal_value_ties,
       bool_or(n_null_v > 0 AND n_null_v < n) AS null_and_value_ties
FROM (SELECT seed, entity, ts, count(*) AS n, count(DISTINCT v) AS n_distinct_v,
             count(*) FILTER (WHERE v IS NULL) AS n_null_v
      FROM ev GROUP BY seed, entity, ts) g
GROUP BY seed ORDER BY seed;

-- timelines per entity: without and with seq; the reset stream likewise
-- (an entity without reset points gets the empty timeline)
CREATE TEMP TABLE tls AS
SELECT e.seed, e.entity, e.tl, e.tl_seq,
       coalesce(r.r, 'discrete{}') AS r, coalesce(r.r_seq, 'discrete{}') AS r_seq
FROM (SELECT seed, entity, timeline_agg(ts, v) AS tl, timeline_agg(ts, v, id) AS tl_seq
      FROM ev GROUP BY seed, entity) e
LEFT JOIN (SELECT seed, entity, timeline_agg(ts, b) AS r, timeline_agg(ts, b, id) AS r_seq
           FROM rs GROUP BY seed, entity) r USING (seed, entity);
ANALYZE tls;

--
-- Oracle positions.  pos holds, per seed, entity, form ('plain' without seq,
-- 'seq' with) and reset group, the positions (t, sq) of the result in
-- position order (rk), with the event value there and whether a reset is
-- true there, and probe rows (value_at times, src says why), placed after
-- every real position of their time.  ref_rk is the rank of the last real
-- position at or before the row (NULL before the first: value_at gives NULL
-- there), period the number of distinct instants with a true reset strictly
-- before that position.
--
-- Reset groups: none (lifetime, trailing, lag), tick (ticks every day
-- at midnight, around all the data), tick5h (every 5 hours from 03:00, inside
-- the data), pred (the predicate tl > 80, same positions as tl), stream (the
-- reset stream: its own positions, some shared with events).
--
CREATE TEMP TABLE combos (cid int, grp text, form text);
INSERT INTO combos VALUES (1, 'none', 'plain'), (2, 'none', 'seq'), (3, 'tick', 'plain'),
    (4, 'tick', 'seq'), (5, 'tick5h', 'seq'), (6, 'pred', 'plain'), (7, 'stream', 'plain'),
    (8, 'stream', 'seq');

CREATE TEMP TABLE pos0 (seed int, entity int, cid int, t timestamptz, sq bigint, v float8,
                        is_ev bool, is_reset bool, src text);

-- events: plain seqs are ranks among the points of one time, by value
-- (NULLs last); the seq form uses the id
CREATE TEMP TABLE evr AS
SELECT *, row_number() OVER (PARTITION BY seed, entity, ts ORDER BY v NULLS LAST) - 1 AS rank
FROM ev;
INSERT INTO pos0
SELECT seed, entity, c.cid, ts, CASE c.form WHEN 'seq' THEN id ELSE rank END,
       v, true, c.grp = 'pred' AND v > 80, NULL
FROM evr, combos c
WHERE c.cid <> 7;

-- ticks: after every point of their instant
INSERT INTO pos0
SELECT e.seed, e.entity, c.cid, t, 9223372036854775807, NULL, false, true, NULL
FROM (SELECT DISTINCT seed, entity FROM ev) e, combos c,
     generate_series('2020-12-31 00:00+00'::timestamptz, '2021-01-06 00:00+00', '1 day') t
WHERE c.grp = 'tick';
INSERT INTO pos0
SELECT e.seed, e.entity, c.cid, t, 9223372036854775807, NULL, false, true, NULL
FROM (SELECT DISTINCT seed, entity FROM ev) e, combos c,
     generate_series('2021-01-01 03:00+00'::timestamptz, '2021-01-04 23:00+00', '5 hours') t
WHERE c.grp = 'tick5h';

-- the reset stream: plain seqs rank false < true < NULL within one time, so
-- an event and a reset point can share a position
INSERT INTO pos0
SELECT seed, entity, 8, ts, id, NULL, false, coalesce(b, false), NULL
FROM rs WHERE (seed, entity) IN (SELECT seed, entity FROM ev);
INSERT INTO pos0
SELECT coalesce(e.seed, r.seed), coalesce(e.entity, r.entity), 7, coalesce(e.ts, r.ts),
       coalesce(e.rank, r.rank), e.v, e.ts IS NOT NULL, coalesce(r.b, false), NULL
FROM evr e
FULL JOIN (SELECT *, row_number() OVER (PARTITION BY seed, entity, ts ORDER BY b::int NULLS LAST) - 1 AS rank
           FROM rs WHERE (seed, entity) IN (SELECT seed, entity FROM ev)) r
       USING (seed, entity, ts, rank);
DROP TABLE evr;

-- probes (grp NULL: for every group): every event time ('event': for the
-- reset groups a third of them), 1 microsecond before or after a tenth of
-- them ('near'), 3 random times per entity, 1 microsecond before the first
-- event and up to 2 days after the last ('edge')
CREATE TEMP TABLE probe_t (seed int, entity int, grp text, t timestamptz, src text);
-- random draws first, per event and per entity, in a fixed order, so each is
-- made exactly once whatever the plans
SELECT setseed(0.77);
CREATE TEMP TABLE evd AS
SELECT seed, entity, ts, random() AS r1, random() AS r2, random() AS r3 FROM ev;
CREATE TEMP TABLE entd AS
SELECT seed, entity, lo, hi, random() AS r1, random() AS r2, random() AS r3, random() AS r4
FROM (SELECT seed, entity, min(ts) AS lo, max(ts) AS hi FROM ev GROUP BY 1, 2 ORDER BY 1, 2) e;
INSERT INTO probe_t
SELECT seed, entity, CASE WHEN r1 < 0.33 THEN NULL ELSE 'none' END, ts, 'event' FROM evd;
INSERT INTO probe_t
SELECT seed, entity, NULL, ts + CASE WHEN r2 < 0.05 THEN -1 ELSE 1 END * interval '1 microsecond', 'near'
FROM evd WHERE r2 < 0.1;
INSERT INTO probe_t
SELECT seed, entity, NULL, '2020-12-31 23:00+00'::timestamptz + r * interval '5 days', 'random'
FROM entd, unnest(ARRAY[r1, r2, r3]) r;
INSERT INTO probe_t
SELECT seed, entity, NULL, lo - interval '1 microsecond', 'edge' FROM entd
UNION ALL
SELECT seed, entity, NULL, hi + r4 * interval '2 days', 'edge' FROM entd;
-- trailing windows: where every value leaves (t + width), and for a fifth
-- also 1 microsecond before (its last instant in the window) or after
INSERT INTO probe_t
SELECT seed, entity, 'none', ts + w + d, src
FROM evd,
     (VALUES (interval '2 hours', 'leave2h'), (interval '1 day', 'leave1d')) w(w, src),
     LATERAL (SELECT interval '0' AS d
              UNION ALL
              SELECT CASE WHEN r3 < 0.1 THEN -1 ELSE 1 END * interval '1 microsecond'
              WHERE r3 < 0.2) o;
-- around resets: at, 1 microsecond before and after about a third of the
-- reset instants
INSERT INTO probe_t
SELECT DISTINCT seed, entity, grp, t + d, 'reset'
FROM (SELECT DISTINCT seed, entity, grp, t FROM pos0 JOIN combos USING (cid) WHERE NOT is_ev) r,
     (VALUES (interval '0'), (interval '-1 microsecond'), (interval '1 microsecond')) o(d)
WHERE (extract(epoch FROM t)::bigint / 1800 + entity + seed) % 3 = 0;
DROP TABLE evd, entd;

INSERT INTO pos0
SELECT DISTINCT p.seed, p.entity, c.cid, p.t, 9223372036854775807, NULL::float8,
       false, false, p.src
FROM probe_t p, combos c
WHERE p.grp IS NULL OR p.grp = c.grp;
-- every probe time of an entity, in random order (for aggregate_at_times at the end)
SELECT setseed(0.31);
CREATE TEMP TABLE probe_arr AS
SELECT seed, entity,
       array_agg(t ORDER BY random()) || ARRAY[NULL, 'infinity', '-infinity']::timestamptz[] AS ts
FROM (SELECT DISTINCT seed, entity, t FROM probe_t) p GROUP BY seed, entity;
DROP TABLE probe_t;

-- The positions in order (rk): by time, real positions before probes, then
-- seq.  rt is the rank of a real position among the real positions of its
-- time (the points of a result are in position order, so they match by time
-- and rank): rk minus the rows of earlier times.  first_reset marks one reset
-- row per instant, period_t counts them before the row's time.  ref_rk is the
-- last real position at or before the row; a probe sees the result as of it,
-- so it takes its period.  One sort serves every window.
CREATE TEMP TABLE pos AS
SELECT seed, entity, cid, t, sq, rk, rt, v, is_ev, is_reset, src, ref_rk,
       CASE WHEN src IS NOT NULL THEN coalesce(max(period_t) FILTER (WHERE src IS NULL) OVER w, 0)
            ELSE period_t END AS period
FROM (SELECT *,
             coalesce(sum(first_reset::int) OVER (PARTITION BY seed, entity, cid ORDER BY t
                                                  RANGE BETWEEN UNBOUNDED PRECEDING
                                                            AND '1 microsecond' PRECEDING), 0) AS period_t,
             max(rk) FILTER (WHERE src IS NULL) OVER w AS ref_rk
      FROM (SELECT *,
                   CASE WHEN src IS NULL THEN rk - n_before - 1 END AS rt,
                   is_reset AND (last_reset_t IS NULL OR last_reset_t < t) AS first_reset
            FROM (SELECT *,
                         row_number() OVER w AS rk,
                         count(*) OVER (PARTITION BY seed, entity, cid ORDER BY t
                                        RANGE BETWEEN UNBOUNDED PRECEDING
                                                  AND '1 microsecond' PRECEDING) AS n_before,
                         max(t) FILTER (WHERE is_reset) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING
                                                                     AND 1 PRECEDING) AS last_reset_t
                  FROM pos0
                  WINDOW w AS (PARTITION BY seed, entity, cid ORDER BY t, src IS NOT NULL, sq, src)) p1
           ) p2
      WINDOW w AS (PARTITION BY seed, entity, cid ORDER BY t, src IS NOT NULL, sq, src
                   ROWS UNBOUNDED PRECEDING)) p3
WINDOW w AS (PARTITION BY seed, entity, cid ORDER BY t, src IS NOT NULL, sq, src
             ROWS UNBOUNDED PRECEDING);
DROP TABLE pos0;
ANALYZE pos;

-- what the positions hold: probes before the first position, resets at
-- event positions (pred), events positioned after a reset of their instant
-- (the reset still takes effect after them), the number of periods
SELECT cid, grp, form, count(*) FILTER (WHERE src IS NULL) AS positions,
       count(*) FILTER (WHERE src IS NOT NULL) AS probes,
       count(*) FILTER (WHERE src IS NOT NULL AND ref_rk IS NULL) AS before_first,
       count(*) FILTER (WHERE is_ev AND is_reset) AS reset_at_event,
       count(*) FILTER (WHERE is_ev AND first_reset_rk < rk) AS event_after_reset,
       max(period) AS max_period
FROM (SELECT p.*, min(rk) FILTER (WHERE is_reset) OVER (PARTITION BY seed, entity, cid, t) AS first_reset_rk
      FROM pos p) p
JOIN combos USING (cid) GROUP BY cid, grp, form ORDER BY cid;

--
-- The oracle, two ways.
-- 'running' (lifetime and since): window aggregates over
--   PARTITION BY entity, period ORDER BY position ROWS UNBOUNDED PRECEDING;
--   first and last through the count of non-NULL values so far.
-- 'frame ...' (trailing and sliding): the non-NULL event values of a window
--   frame as two arrays (values, ranks); the frame may hold more (later points
--   of the row's instant, or of its period), so they are cut at ref_rk.
--   Trailing (t - w, t] is RANGE BETWEEN w - 1 microsecond PRECEDING AND
--   CURRENT ROW (times are whole microseconds); sliding over k periods is
--   RANGE BETWEEN k - 1 PRECEDING AND CURRENT ROW ordered by period.
--
CREATE FUNCTION pg_temp.want_sql(p_cid int, p_probes text, p_oracle text)
RETURNS text LANGUAGE sql IMMUTABLE AS $f$
SELECT CASE WHEN p_oracle = 'running' THEN format($q$
    SELECT seed, entity, t, rk, rt, src, c, ci, s, m, mn, mx,
           CASE WHEN nn > 0 THEN first_value(v) OVER (PARTITION BY seed, entity, period, nn > 0
                                                      ORDER BY rk) END AS f,
           CASE WHEN nn > 0 THEN first_value(v) OVER (PARTITION BY seed, entity, period, nn
                                                      ORDER BY rk) END AS l,
           vs, vp, ss, sp
    FROM (SELECT p.*, count(v) OVER w AS nn,
                 CASE WHEN ref_rk IS NOT NULL THEN count(v) OVER w END AS c,
                 CASE WHEN ref_rk IS NOT NULL THEN count(v) FILTER (WHERE v <> 0) OVER w END AS ci,
                 sum(v) OVER w AS s, avg(v) OVER w AS m, min(v) OVER w AS mn, max(v) OVER w AS mx,
                 var_samp(v) OVER w AS vs, var_pop(v) OVER w AS vp,
                 stddev_samp(v) OVER w AS ss, stddev_pop(v) OVER w AS sp
          FROM pos p WHERE cid = %s AND (src IS NULL OR %s)
          WINDOW w AS (PARTITION BY seed, entity, period ORDER BY rk ROWS UNBOUNDED PRECEDING)) o
    $q$, p_cid, p_probes)
ELSE format($q$
    SELECT o.seed, o.entity, o.t, o.rk, o.rt, o.src, a.*
    FROM (SELECT p.*,
                 array_agg(v) FILTER (WHERE v IS NOT NULL) OVER w AS vals,
                 array_agg(rk) FILTER (WHERE v IS NOT NULL) OVER w AS rks
          FROM pos p WHERE cid = %s AND (src IS NULL OR %s)
          WINDOW w AS (PARTITION BY seed, entity %s)) o,
         LATERAL (SELECT CASE WHEN o.ref_rk IS NOT NULL THEN count(x) END AS c,
                         CASE WHEN o.ref_rk IS NOT NULL THEN count(x) FILTER (WHERE x <> 0) END AS ci,
                         sum(x) AS s, avg(x) AS m, min(x) AS mn, max(x) AS mx,
                         (array_agg(x ORDER BY r))[1] AS f, (array_agg(x ORDER BY r DESC))[1] AS l,
                         var_samp(x) AS vs, var_pop(x) AS vp,
                         stddev_samp(x) AS ss, stddev_pop(x) AS sp
                  FROM unnest(o.vals, o.rks) u(x, r) WHERE r <= o.ref_rk) a
    $q$, p_cid, p_probes, substr(p_oracle, 7))
END
$f$;

-- exact for count, count_if, min, max, first, last; a relative tolerance of
-- 1e-9 for the others (the summation order differs from PostgreSQL's), for
-- finite values only (NaN and infinities compare equal to all in it)
CREATE FUNCTION pg_temp.same(agg text, a float8, b float8) RETURNS bool
LANGUAGE sql IMMUTABLE AS $$
SELECT a IS NOT DISTINCT FROM b
    OR (agg IN ('sum', 'mean', 'var_samp', 'var_pop', 'stddev_samp', 'stddev_pop')
        AND abs(a) < 'Infinity' AND abs(b) < 'Infinity'
        AND abs(a - b) <= 1e-9 * greatest(1, abs(b)))
$$;

CREATE TEMP TABLE summary (variant text, form text, seed int, points bigint, probes bigint,
                           empty bigint, single bigint, mismatches bigint[]);
CREATE TEMP TABLE before_points (variant text, form text, seed int, points bigint);
CREATE TEMP TABLE bad (variant text, form text, seed int, entity int, t timestamptz,
                       what text, agg text, got float8, want float8);
CREATE TEMP TABLE res (seed int, entity int, c timeline, ci timeline, s timeline, m timeline,
                       mn timeline, mx timeline, f timeline, l timeline,
                       vs timeline, vp timeline, ss timeline, sp timeline);

-- Computes the 12 results of call into res: call is the aggregate call, with
-- {AGG} for the function, {TL} for the timeline and {R} for the reset stream
-- of the form.
CREATE FUNCTION pg_temp.compute(p_form text, call text) RETURNS void
LANGUAGE plpgsql AS $fn$
DECLARE
    aggs constant text[] := ARRAY['count', 'count_if', 'sum', 'mean', 'min', 'max', 'first',
                                  'last', 'var_samp', 'var_pop', 'stddev_samp', 'stddev_pop'];
    c text := replace(replace(call, '{TL}', CASE p_form WHEN 'seq' THEN 'x.tl_seq' ELSE 'x.tl' END),
                      '{R}', CASE p_form WHEN 'seq' THEN 'x.r_seq' ELSE 'x.r' END);
    calls text := '';
BEGIN
    FOR i IN 1 .. 12 LOOP
        calls := calls || CASE WHEN i > 1 THEN ', ' ELSE '' END || replace(c, '{AGG}', aggs[i]);
    END LOOP;
    TRUNCATE res;
    EXECUTE 'INSERT INTO res SELECT x.seed, x.entity, ' || calls || ' FROM tls x';
END
$fn$;

-- Records the comparisons in cmp (what, got values gv, wanted values wv):
-- the mismatches into bad, the counts into summary.
CREATE FUNCTION pg_temp.record(p_variant text, p_form text) RETURNS void
LANGUAGE plpgsql AS $fn$
DECLARE
    aggs constant text[] := ARRAY['count', 'count_if', 'sum', 'mean', 'min', 'max', 'first',
                                  'last', 'var_samp', 'var_pop', 'stddev_samp', 'stddev_pop'];
BEGIN
    INSERT INTO bad
    SELECT p_variant, p_form, c.seed, c.entity, c.t, c.what, u.agg, u.g, u.w
    FROM cmp c, unnest(aggs, c.gv, c.wv) u(agg, g, w)
    WHERE (c.what NOT IN ('point', 'probe') OR c.gv IS DISTINCT FROM c.wv)
      AND (c.what NOT IN ('point', 'probe') OR NOT pg_temp.same(u.agg, u.g, u.w));

    INSERT INTO summary
    SELECT p_variant, p_form, s.seed, s.points, s.probes, s.empty, s.single,
           ARRAY(SELECT count(b.*) FROM unnest(aggs) WITH ORDINALITY a(agg, i)
                 LEFT JOIN bad b ON (b.variant, b.form, b.seed, b.agg) = (p_variant, p_form, s.seed, a.agg)
                 GROUP BY a.i ORDER BY a.i)
    FROM (SELECT seed, count(*) FILTER (WHERE what <> 'probe') AS points,
                 count(*) FILTER (WHERE what = 'probe') AS probes,
                 count(*) FILTER (WHERE wv[1] = 0) AS empty,
                 count(*) FILTER (WHERE wv[1] = 1) AS single
          FROM cmp GROUP BY seed) s;
    DROP TABLE cmp;
END
$fn$;

-- Checks one variant against the window-function oracle over the rows of pos
-- of the form and group, with the probes chosen by the condition probes.
CREATE FUNCTION pg_temp.check(p_variant text, p_form text, p_grp text, call text,
                              oracle text, probes text DEFAULT 'true')
RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
    PERFORM pg_temp.compute(p_form, call);
    EXECUTE 'CREATE TEMP TABLE want AS ' || pg_temp.want_sql((SELECT cid FROM combos WHERE (grp, form) = (p_grp, p_form)),
                                                       probes, oracle);

    -- every point of every result, by time and rank within its time
    CREATE TEMP TABLE got AS
    SELECT x.seed, x.entity, p.*,
           row_number() OVER (PARTITION BY x.seed, x.entity, p.t ORDER BY p.ord) - 1 AS rt
    FROM res x,
         LATERAL ROWS FROM (points(x.c), points(x.ci), points(x.s), points(x.m),
                            points(x.mn), points(x.mx), points(x.f), points(x.l),
                            points(x.vs), points(x.vp), points(x.ss), points(x.sp))
             WITH ORDINALITY p(t, c, t2, ci, t3, s, t4, m, t5, mn, t6, mx, t7, f, t8, l,
                               t9, vs, t10, vp, t11, ss, t12, sp, ord);
    -- with explicit seqs, values that leave a trailing window at an instant
    -- with positions give a point before them (seq INT64_MIN): one more
    -- point at the instant than the oracle has positions, the first.  It is
    -- checked apart, against the same aggregate of the points before the
    -- instant read at it, and the positions keep their ranks.
    CREATE TEMP TABLE extra AS
    SELECT a.seed, a.entity, a.t
    FROM (SELECT seed, entity, t, count(*) AS n FROM got GROUP BY 1, 2, 3) a
    JOIN (SELECT seed, entity, t, count(*) AS n FROM want WHERE src IS NULL GROUP BY 1, 2, 3) w
      ON (w.seed, w.entity, w.t) = (a.seed, a.entity, a.t) AND a.n = w.n + 1;
    ANALYZE got;
    ANALYZE extra;
    UPDATE got g SET rt = g.rt - 1
    FROM extra e WHERE (e.seed, e.entity, e.t) = (g.seed, g.entity, g.t);
    DROP TABLE extra;
    EXECUTE format($q$
        CREATE TEMP TABLE cmp_before AS
        SELECT g.seed, g.entity, g.t, 'point before an instant' AS what,
               ARRAY[g.c, g.ci, g.s, g.m, g.mn, g.mx, g.f, g.l, g.vs, g.vp, g.ss, g.sp] AS gv,
               ARRAY[%s] AS wv
        FROM got g JOIN tls x USING (seed, entity)
        WHERE g.rt = -1 $q$,
        (SELECT string_agg(format('value_at(%s, g.t)',
                                  replace(replace(replace(call, '{TL}',
                                                          CASE p_form WHEN 'seq' THEN 'slice(x.tl_seq, NULL, g.t)'
                                                                      ELSE 'slice(x.tl, NULL, g.t)' END),
                                                  '{R}', CASE p_form WHEN 'seq' THEN 'x.r_seq' ELSE 'x.r' END),
                                          '{AGG}', a)), ', ' ORDER BY i)
         FROM unnest(ARRAY['count', 'count_if', 'sum', 'mean', 'min', 'max', 'first', 'last',
                           'var_samp', 'var_pop', 'stddev_samp', 'stddev_pop']) WITH ORDINALITY u(a, i)));
    DELETE FROM got WHERE rt = -1;

    -- points at the real positions; a point elsewhere (where a value leaves a
    -- trailing window) is checked against a probe at its time; a real
    -- position without a point, or a point with neither, is a mismatch
    CREATE TEMP TABLE cmp AS
    SELECT coalesce(g.seed, w.seed) AS seed, coalesce(g.entity, w.entity) AS entity,
           coalesce(g.t, w.t) AS t,
           CASE WHEN g.t IS NULL THEN 'missing point'
                WHEN w.t IS NULL AND e.t IS NULL THEN 'unexpected point'
                WHEN NOT g.t = ALL (ARRAY[g.t2, g.t3, g.t4, g.t5, g.t6, g.t7, g.t8,
                                         g.t9, g.t10, g.t11, g.t12])
                    THEN 'times differ'
                ELSE 'point' END AS what,
           ARRAY[g.c, g.ci, g.s, g.m, g.mn, g.mx, g.f, g.l, g.vs, g.vp, g.ss, g.sp] AS gv,
           CASE WHEN w.t IS NOT NULL
                THEN ARRAY[w.c, w.ci, w.s, w.m, w.mn, w.mx, w.f, w.l, w.vs, w.vp, w.ss, w.sp]
                ELSE ARRAY[e.c, e.ci, e.s, e.m, e.mn, e.mx, e.f, e.l, e.vs, e.vp, e.ss, e.sp]
           END AS wv
    FROM got g
    FULL JOIN (SELECT * FROM want WHERE src IS NULL) w
           ON (w.seed, w.entity, w.t, w.rt) = (g.seed, g.entity, g.t, g.rt)
    LEFT JOIN (SELECT DISTINCT ON (seed, entity, t) * FROM want WHERE src IS NOT NULL) e
           ON w.t IS NULL AND (e.seed, e.entity, e.t) = (g.seed, g.entity, g.t);
    -- value_at at the probes
    INSERT INTO cmp
    SELECT w.seed, w.entity, w.t, 'probe',
           ARRAY[value_at(x.c, w.t), value_at(x.ci, w.t), value_at(x.s, w.t), value_at(x.m, w.t),
                 value_at(x.mn, w.t), value_at(x.mx, w.t), value_at(x.f, w.t), value_at(x.l, w.t),
                 value_at(x.vs, w.t), value_at(x.vp, w.t), value_at(x.ss, w.t), value_at(x.sp, w.t)],
           ARRAY[w.c, w.ci, w.s, w.m, w.mn, w.mx, w.f, w.l, w.vs, w.vp, w.ss, w.sp]
    FROM want w JOIN res x USING (seed, entity)
    WHERE w.src IS NOT NULL;
    INSERT INTO cmp SELECT seed, entity, t, 'point', gv, wv FROM cmp_before;
    INSERT INTO before_points SELECT p_variant, p_form, seed, count(*) FROM cmp_before GROUP BY seed;
    DROP TABLE want, got, cmp_before;
    PERFORM pg_temp.record(p_variant, p_form);
END
$fn$;

-- Checks value_at of a lifetime or trailing result at the probes of lprobe
-- against a LATERAL aggregate over the events at or before the probe
-- (in the window: the condition win on e.ts and p.t); ties are ordered by
-- value (plain) or id (seq) for first and last.  No event at or before the
-- probe: value_at gives NULL, even for count.
CREATE FUNCTION pg_temp.check_lateral(p_variant text, p_form text, call text, win text)
RETURNS void LANGUAGE plpgsql AS $fn$
DECLARE
    tie text := CASE p_form WHEN 'seq' THEN 'id' ELSE 'v' END;
BEGIN
    PERFORM pg_temp.compute(p_form, call);
    EXECUTE format($q$
        CREATE TEMP TABLE cmp AS
        SELECT p.seed, p.entity, p.t, 'probe' AS what,
               ARRAY[value_at(x.c, p.t), value_at(x.ci, p.t), value_at(x.s, p.t), value_at(x.m, p.t),
                     value_at(x.mn, p.t), value_at(x.mx, p.t), value_at(x.f, p.t), value_at(x.l, p.t),
                     value_at(x.vs, p.t), value_at(x.vp, p.t), value_at(x.ss, p.t), value_at(x.sp, p.t)] AS gv,
               CASE WHEN a.n > 0 THEN ARRAY[a.c, a.ci, a.s, a.m, a.mn, a.mx, a.f, a.l, a.vs, a.vp, a.ss, a.sp]
                    ELSE array_fill(NULL::float8, ARRAY[12]) END AS wv
        FROM lprobe p
        JOIN res x USING (seed, entity),
             LATERAL (SELECT count(*) AS n,
                             count(v) FILTER (WHERE %1$s) AS c,
                             count(v) FILTER (WHERE %1$s AND v <> 0) AS ci,
                             sum(v) FILTER (WHERE %1$s) AS s, avg(v) FILTER (WHERE %1$s) AS m,
                             min(v) FILTER (WHERE %1$s) AS mn, max(v) FILTER (WHERE %1$s) AS mx,
                             (array_agg(v ORDER BY ts, %2$s) FILTER (WHERE %1$s AND v IS NOT NULL))[1] AS f,
                             (array_agg(v ORDER BY ts DESC, %2$s DESC) FILTER (WHERE %1$s AND v IS NOT NULL))[1] AS l,
                             var_samp(v) FILTER (WHERE %1$s) AS vs, var_pop(v) FILTER (WHERE %1$s) AS vp,
                             stddev_samp(v) FILTER (WHERE %1$s) AS ss, stddev_pop(v) FILTER (WHERE %1$s) AS sp
                      FROM ev e
                      WHERE e.seed = p.seed AND e.entity = p.entity AND e.ts <= p.t) a $q$, win, tie);
    PERFORM pg_temp.record(p_variant, p_form);
END
$fn$;

-- lifetime and trailing windows, without and with seq
SELECT pg_temp.check('lifetime', f, 'none', '{AGG}({TL})', 'running', 'src NOT LIKE ''leave%''')
FROM unnest(ARRAY['plain', 'seq']) f;
SELECT pg_temp.check('trailing 2 hours', f, 'none', '{AGG}({TL}, interval ''2 hours'')',
                     'frame ORDER BY t RANGE BETWEEN ''01:59:59.999999'' PRECEDING AND CURRENT ROW',
                     'src <> ''leave1d''')
FROM unnest(ARRAY['plain', 'seq']) f;
SELECT pg_temp.check('trailing 1 day', 'plain', 'none', '{AGG}({TL}, interval ''1 day'')',
                     'frame ORDER BY t RANGE BETWEEN ''23:59:59.999999'' PRECEDING AND CURRENT ROW',
                     'src <> ''leave2h''');

-- the same at the random probes, around the first and last events and where
-- values leave the 1-day window, against LATERAL aggregates over the events
-- instead of window functions
CREATE TEMP TABLE lprobe AS
SELECT DISTINCT seed, entity, t FROM pos
WHERE cid = 1 AND src IN ('random', 'edge', 'leave1d');
CREATE INDEX ON ev (seed, entity, ts);
ANALYZE lprobe;
SELECT pg_temp.check_lateral('lifetime (LATERAL)', f, '{AGG}({TL})', 'true')
FROM unnest(ARRAY['plain', 'seq']) f;
SELECT pg_temp.check_lateral('trailing 1 day (LATERAL)', f, '{AGG}({TL}, interval ''1 day'')',
                             'e.ts > p.t - interval ''1 day''')
FROM unnest(ARRAY['plain', 'seq']) f;

-- since a reset and sliding over the last k reset periods: daily ticks
-- (around all the data), ticks every 5 hours from an origin inside the data
-- (the first period has no tick before it), the predicate tl > 80 (resets at
-- event positions, the resetting point in the window it closes), and a
-- reset stream with positions of its own (true, false and NULL values)
SELECT pg_temp.check('since ticks 1 day', f, 'tick',
                     '{AGG}({TL}, ticks(''2020-12-31'', ''2021-01-06'', ''1 day''))', 'running')
FROM unnest(ARRAY['plain', 'seq']) f;
SELECT pg_temp.check('sliding 2, ticks 1 day', 'seq', 'tick',
                     '{AGG}({TL}, ticks(''2020-12-31'', ''2021-01-06'', ''1 day''), 2)',
                     'frame ORDER BY period RANGE BETWEEN 1 PRECEDING AND CURRENT ROW');
SELECT pg_temp.check('since ticks 5 hours', 'seq', 'tick5h',
                     '{AGG}({TL}, ticks(''2021-01-01 01:00'', ''2021-01-05'', ''5 hours'', ''2021-01-01 03:00''))',
                     'running');
SELECT pg_temp.check('sliding 3, ticks 5 hours', 'seq', 'tick5h',
                     '{AGG}({TL}, ticks(''2021-01-01 01:00'', ''2021-01-05'', ''5 hours'', ''2021-01-01 03:00''), 3)',
                     'frame ORDER BY period RANGE BETWEEN 2 PRECEDING AND CURRENT ROW');
SELECT pg_temp.check('since tl > 80', 'plain', 'pred', '{AGG}({TL}, {TL} > 80)', 'running');
SELECT pg_temp.check('sliding 2, tl > 80', 'plain', 'pred', '{AGG}({TL}, {TL} > 80, 2)',
                     'frame ORDER BY period RANGE BETWEEN 1 PRECEDING AND CURRENT ROW');
SELECT pg_temp.check('since stream', f, 'stream', '{AGG}({TL}, {R})', 'running')
FROM unnest(ARRAY['plain', 'seq']) f;
SELECT pg_temp.check('sliding 2, stream', 'plain', 'stream', '{AGG}({TL}, {R}, 2)',
                     'frame ORDER BY period RANGE BETWEEN 1 PRECEDING AND CURRENT ROW');
SELECT pg_temp.check('sliding 3, stream', 'seq', 'stream', '{AGG}({TL}, {R}, 3)',
                     'frame ORDER BY period RANGE BETWEEN 2 PRECEDING AND CURRENT ROW');

-- lag(tl, n), n = 1, 2, 3: at every point, the n-th previous non-NULL value
-- strictly before it; seconds_since_previous: the gap to the previous point.
-- Oracle: at each event, m = count(v) over the events strictly before it
-- (ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), and the non-NULL values
-- numbered in position order: the n-th previous one is number m - n + 1
-- (as lag(v, n) over the non-NULL values alone); the gap is from lag(t).
-- A probe sees the result as of its reference position.
CREATE TEMP TABLE lres AS
SELECT x.seed, x.entity, c.cid, c.form,
       lag(CASE c.form WHEN 'seq' THEN x.tl_seq ELSE x.tl END, 1) AS l1,
       lag(CASE c.form WHEN 'seq' THEN x.tl_seq ELSE x.tl END, 2) AS l2,
       lag(CASE c.form WHEN 'seq' THEN x.tl_seq ELSE x.tl END, 3) AS l3,
       seconds_since_previous(CASE c.form WHEN 'seq' THEN x.tl_seq ELSE x.tl END) AS sp
FROM tls x, combos c WHERE c.grp = 'none';

CREATE TEMP TABLE nonnull AS
SELECT seed, entity, cid, v, row_number() OVER (PARTITION BY seed, entity, cid ORDER BY rk) AS ord
FROM pos WHERE cid IN (SELECT cid FROM combos WHERE grp = 'none') AND v IS NOT NULL;
CREATE TEMP TABLE lreal AS
SELECT seed, entity, cid, rk,
       count(v) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS m,
       extract(epoch FROM t - lag(t) OVER w)::float8 AS gap
FROM pos WHERE cid IN (SELECT cid FROM combos WHERE grp = 'none') AND src IS NULL
WINDOW w AS (PARTITION BY seed, entity, cid ORDER BY rk);
CREATE TEMP TABLE lwant AS
SELECT p.seed, p.entity, p.cid, p.t, p.rt, p.src,
       n1.v AS l1, n2.v AS l2, n3.v AS l3, r.gap AS sp
FROM pos p
LEFT JOIN lreal r ON (r.seed, r.entity, r.cid, r.rk) = (p.seed, p.entity, p.cid, p.ref_rk)
LEFT JOIN nonnull n1 ON (n1.seed, n1.entity, n1.cid, n1.ord) = (p.seed, p.entity, p.cid, r.m)
LEFT JOIN nonnull n2 ON (n2.seed, n2.entity, n2.cid, n2.ord) = (p.seed, p.entity, p.cid, r.m - 1)
LEFT JOIN nonnull n3 ON (n3.seed, n3.entity, n3.cid, n3.ord) = (p.seed, p.entity, p.cid, r.m - 2)
WHERE p.cid IN (SELECT cid FROM combos WHERE grp = 'none')
  AND (p.src IS NULL OR p.src NOT LIKE 'leave%');

-- every point (one per event), and value_at at the probes
CREATE TEMP TABLE lcmp AS
SELECT coalesce(g.seed, w.seed) AS seed, coalesce(g.cid, w.cid) AS cid,
       coalesce(g.entity, w.entity) AS entity, coalesce(g.t, w.t) AS t,
       CASE WHEN g.t IS NULL THEN 'missing point'
            WHEN w.t IS NULL THEN 'unexpected point'
            WHEN NOT g.t = ALL (ARRAY[g.t2, g.t3, g.t4]) THEN 'times differ'
            ELSE 'point' END AS what,
       ARRAY[g.l1, g.l2, g.l3, g.sp] AS gv, ARRAY[w.l1, w.l2, w.l3, w.sp] AS wv
FROM (SELECT x.seed, x.entity, x.cid, p.*,
             row_number() OVER (PARTITION BY x.seed, x.entity, x.cid, p.t ORDER BY p.ord) - 1 AS rt
      FROM lres x,
           LATERAL ROWS FROM (points(x.l1), points(x.l2), points(x.l3), points(x.sp))
               WITH ORDINALITY p(t, l1, t2, l2, t3, l3, t4, sp, ord)) g
FULL JOIN (SELECT * FROM lwant WHERE src IS NULL) w
       ON (w.seed, w.entity, w.cid, w.t, w.rt) = (g.seed, g.entity, g.cid, g.t, g.rt);
INSERT INTO lcmp
SELECT w.seed, w.cid, w.entity, w.t, 'probe',
       ARRAY[value_at(x.l1, w.t), value_at(x.l2, w.t), value_at(x.l3, w.t), value_at(x.sp, w.t)],
       ARRAY[w.l1, w.l2, w.l3, w.sp]
FROM lwant w JOIN lres x USING (seed, entity, cid)
WHERE w.src IS NOT NULL;

INSERT INTO bad
SELECT 'lag, seconds_since_previous', c.form, l.seed, l.entity, l.t, l.what, u.fn, u.g, u.w
FROM lcmp l JOIN combos c USING (cid),
     unnest(ARRAY['lag 1', 'lag 2', 'lag 3', 'seconds_since_previous'], l.gv, l.wv) u(fn, g, w)
WHERE l.what NOT IN ('point', 'probe') OR u.g IS DISTINCT FROM u.w;
INSERT INTO summary
SELECT 'lag, seconds_since_previous', c.form, l.seed,
       count(*) FILTER (WHERE what <> 'probe'), count(*) FILTER (WHERE what = 'probe'), NULL, NULL,
       ARRAY(SELECT count(b.*) FROM unnest(ARRAY['lag 1', 'lag 2', 'lag 3', 'seconds_since_previous'])
                                    WITH ORDINALITY a(fn, i)
             LEFT JOIN bad b ON (b.variant, b.form, b.seed, b.agg)
                              = ('lag, seconds_since_previous', c.form, l.seed, a.fn)
             GROUP BY a.i ORDER BY a.i)
FROM lcmp l JOIN combos c USING (cid) GROUP BY c.form, l.seed;

-- the oracle saw every case (every column should be true)
SELECT bool_or(l1 IS NULL AND src IS NULL) AS lag_before_enough_values,
       bool_or(l3 IS NOT NULL) AS lag3_found,
       bool_or(sp = 0) AS zero_gaps,
       bool_or(sp <> floor(sp)) AS fractional_gaps
FROM lwant;

--
-- Results: per variant, form and seed, the number of points and of probes
-- compared (of them, with an empty window and with a single value in it),
-- and the mismatches per aggregate (count, count_if, sum, mean, min, max,
-- first, last, var_samp, var_pop, stddev_samp, stddev_pop; for lag: lag 1,
-- lag 2, lag 3, seconds_since_previous).  Every mismatch is 0.
--
SELECT variant, form, seed, points, probes, empty, single, mismatches
FROM summary ORDER BY variant, form, seed;
SELECT count(*) AS checks, sum(points + probes) AS comparisons,
       count(*) FILTER (WHERE mismatches <> array_fill(0::bigint, ARRAY[cardinality(mismatches)]))
           AS checks_with_mismatches
FROM summary;
-- the mismatching rows, if any (none)
SELECT * FROM bad ORDER BY variant, form, seed, entity, t, agg LIMIT 40;
-- the points before an instant's positions where values left a trailing
-- window at that instant (explicit seqs only), among the points above
SELECT * FROM before_points ORDER BY variant, form, seed;

--
-- aggregate_at_points, which the planner substitutes for observe(agg(tl,
-- ...), tl), against observe itself: the rewrite is kept out by observing
-- at a second column holding the same timeline (not the same expression).
-- Every aggregate, the four window forms (the trailing one in a fixed and
-- a calendar width), with and without seq; each row counts the entities
-- whose results differ (0).
--
CREATE TEMP TABLE tls2 AS SELECT *, tl AS tl_at, tl_seq AS tl_seq_at FROM tls;
-- win(agg, tl, width, reset, k): the aggregate by name, trailing when
-- width is given, over k reset periods when reset is, else lifetime
DO $do$
DECLARE
    body text := '';
    a text;
BEGIN
    FOREACH a IN ARRAY ARRAY['count', 'count_if', 'sum', 'mean', 'min', 'max', 'first', 'last',
                             'var_samp', 'var_pop', 'stddev_samp', 'stddev_pop'] LOOP
        body := body || format($f$ WHEN %L THEN CASE WHEN w IS NOT NULL THEN timeline.%I(tl, w)
                                   WHEN r IS NOT NULL THEN timeline.%I(tl, r, k)
                                   ELSE timeline.%I(tl) END$f$, a, a, a, a);
    END LOOP;
    EXECUTE format($f$CREATE FUNCTION pg_temp.win(agg text, tl timeline.timeline, w interval,
                                                 r timeline.timeline, k int)
                      RETURNS timeline.timeline LANGUAGE sql STABLE
                      AS $b$SELECT CASE agg %s END$b$$f$, body);
END $do$;
SELECT a.agg,
       count(*) FILTER (WHERE aggregate_at_points(tl, a.agg) IS DISTINCT FROM
                              observe(pg_temp.win(a.agg, tl, NULL, NULL, NULL), tl_at)
                           OR aggregate_at_points(tl_seq, a.agg) IS DISTINCT FROM
                              observe(pg_temp.win(a.agg, tl_seq, NULL, NULL, NULL), tl_seq_at)) AS lifetime,
       count(*) FILTER (WHERE aggregate_at_points(tl, a.agg, interval '2 hours') IS DISTINCT FROM
                              observe(pg_temp.win(a.agg, tl, interval '2 hours', NULL, NULL), tl_at)
                           OR aggregate_at_points(tl_seq, a.agg, interval '1 day') IS DISTINCT FROM
                              observe(pg_temp.win(a.agg, tl_seq, interval '1 day', NULL, NULL), tl_seq_at)
                           OR aggregate_at_points(tl_seq, a.agg, interval '1 mon') IS DISTINCT FROM
                              observe(pg_temp.win(a.agg, tl_seq, interval '1 mon', NULL, NULL), tl_seq_at)) AS trailing,
       count(*) FILTER (WHERE aggregate_at_points(tl, a.agg, r) IS DISTINCT FROM
                              observe(pg_temp.win(a.agg, tl, NULL, r, 1), tl_at)
                           OR aggregate_at_points(tl_seq, a.agg, r_seq) IS DISTINCT FROM
                              observe(pg_temp.win(a.agg, tl_seq, NULL, r_seq, 1), tl_seq_at)) AS since,
       count(*) FILTER (WHERE aggregate_at_points(tl, a.agg, r_seq, 3) IS DISTINCT FROM
                              observe(pg_temp.win(a.agg, tl, NULL, r_seq, 3), tl_at)
                           OR aggregate_at_points(tl_seq, a.agg, r, 2) IS DISTINCT FROM
                              observe(pg_temp.win(a.agg, tl_seq, NULL, r, 2), tl_seq_at)) AS sliding,
       count(*) AS entities
FROM tls2,
     unnest(ARRAY['count', 'count_if', 'sum', 'mean', 'min', 'max', 'first', 'last',
                  'var_samp', 'var_pop', 'stddev_samp', 'stddev_pop']) AS a(agg)
GROUP BY a.agg ORDER BY a.agg;
-- aggregate_at_times, which the planner substitutes for values_at(agg(tl
-- [, width]), times), against values_at of the whole result (kept from the
-- rewrite by the win() wrapper): per entity, every probe time of probe_t
-- (events, 1 microsecond around them, random, edges, where values leave)
-- in random order, with a NULL and both infinities; entities that differ (0)
SELECT a.agg,
       count(*) FILTER (WHERE aggregate_at_times(tl, a.agg, p.ts) IS DISTINCT FROM
                              values_at(pg_temp.win(a.agg, tl, NULL, NULL, NULL), p.ts)
                           OR aggregate_at_times(tl_seq, a.agg, p.ts) IS DISTINCT FROM
                              values_at(pg_temp.win(a.agg, tl_seq, NULL, NULL, NULL), p.ts)) AS lifetime,
       count(*) FILTER (WHERE aggregate_at_times(tl, a.agg, interval '2 hours', p.ts) IS DISTINCT FROM
                              values_at(pg_temp.win(a.agg, tl, interval '2 hours', NULL, NULL), p.ts)
                           OR aggregate_at_times(tl_seq, a.agg, interval '1 day', p.ts) IS DISTINCT FROM
                              values_at(pg_temp.win(a.agg, tl_seq, interval '1 day', NULL, NULL), p.ts)
                           OR aggregate_at_times(tl, a.agg, interval '1 mon', p.ts) IS DISTINCT FROM
                              values_at(pg_temp.win(a.agg, tl, interval '1 mon', NULL, NULL), p.ts)) AS trailing,
       count(*) AS entities, sum(cardinality(p.ts)) AS times
FROM tls2 JOIN probe_arr p USING (seed, entity),
     unnest(ARRAY['count', 'count_if', 'sum', 'mean', 'min', 'max', 'first', 'last',
                  'var_samp', 'var_pop', 'stddev_samp', 'stddev_pop']) AS a(agg)
GROUP BY a.agg ORDER BY a.agg;
-- the same with a few probes far apart per entity (four event times, each
-- moved up to 3 hours later, in random order): a trailing window then
-- jumps over the points between probes, starting again from an empty queue
-- where every point before has left, which must give the same totals bit
-- for bit (sums of fractions depend on how the queue was split); entities
-- that differ (0), and how many of the probes see an empty window, whose
-- points all left (some must, or nothing was jumped)
SELECT setseed(0.57);
CREATE TEMP TABLE probe_sparse AS
SELECT seed, entity, array_agg(t ORDER BY random()) AS ts
FROM (SELECT seed, entity, ts + random() * interval '3 hours' AS t,
             row_number() OVER (PARTITION BY seed, entity ORDER BY random()) AS rn
      FROM ev) e
WHERE rn <= 4
GROUP BY seed, entity;
SELECT a.agg,
       count(*) FILTER (WHERE aggregate_at_times(tl, a.agg, interval '2 hours', p.ts) IS DISTINCT FROM
                              values_at(pg_temp.win(a.agg, tl, interval '2 hours', NULL, NULL), p.ts)
                           OR aggregate_at_times(tl_seq, a.agg, interval '1 day', p.ts) IS DISTINCT FROM
                              values_at(pg_temp.win(a.agg, tl_seq, interval '1 day', NULL, NULL), p.ts)
                           OR aggregate_at_times(tl, a.agg, interval '1 mon', p.ts) IS DISTINCT FROM
                              values_at(pg_temp.win(a.agg, tl, interval '1 mon', NULL, NULL), p.ts)) AS trailing,
       count(*) AS entities, sum(cardinality(p.ts)) AS times,
       sum((SELECT count(*) FROM unnest(aggregate_at_times(tl, 'count', interval '2 hours', p.ts)) c
            WHERE c = 0)) > 0 AS some_empty
FROM tls2 JOIN probe_sparse p USING (seed, entity),
     unnest(ARRAY['count', 'count_if', 'sum', 'mean', 'min', 'max', 'first', 'last',
                  'var_samp', 'var_pop', 'stddev_samp', 'stddev_pop']) AS a(agg)
GROUP BY a.agg ORDER BY a.agg;
-- the rewrites happen for observe(agg(x, ...), x) and values_at(agg(x
-- [, width]), times) only
EXPLAIN (VERBOSE, COSTS OFF)
SELECT values_at(count(tl, interval '1 hour'), ARRAY[now()]), values_at(max(tl_seq), ARRAY[now()]),
       values_at(sum(tl, r), ARRAY[now()]), values_at(lag(tl, 1), ARRAY[now()])
FROM tls2;
-- the rewrite happens for observe(agg(x, ...), x) and only then
EXPLAIN (VERBOSE, COSTS OFF)
SELECT observe(count(tl, interval '1 hour'), tl), observe(sum(tl_seq, r, 2), tl_seq),
       observe(mean(tl), tl), observe(sum(tl, interval '1 hour'), tl_at),
       observe(count(tl + 1, interval '1 hour'), tl + 1), observe(lag(tl, 1), tl)
FROM tls2;
-- count and count_if have the positions sum has (a trailing window has a
-- point where a value leaves, zero or not): entities that differ (0)
SELECT count(*) FILTER (WHERE (SELECT array_agg(p.time) FROM points(count(tl_seq, interval '2 hours')) p)
                              IS DISTINCT FROM
                              (SELECT array_agg(p.time) FROM points(sum(tl_seq, interval '2 hours')) p)) AS count_positions,
       count(*) FILTER (WHERE (SELECT array_agg(p.time) FROM points(count_if(tl, interval '1 mon')) p)
                              IS DISTINCT FROM
                              (SELECT array_agg(p.time) FROM points(sum(tl, interval '1 mon')) p)) AS count_if_positions,
       count(*) AS entities
FROM tls2;

-- statement_timeout cancels a long aggregation promptly: one timeline of
-- 1,641,601 points (ticks every second for 19 days), counted and summed in
-- month windows, takes seconds; the timeout fires at 200 ms and every loop
-- over the points of a timeline checks for interrupts (a build without the
-- checks ran to the end, 7 and 8 seconds here, before the cancel).
CREATE TEMP TABLE long_tl AS SELECT ticks('2000-01-01', '2000-01-20', '1 second') AS tl;
SELECT num_points(tl) FROM long_tl;
CREATE FUNCTION pg_temp.cancel_time(q text) RETURNS interval
LANGUAGE plpgsql AS $fn$
BEGIN
    EXECUTE q;
    RETURN NULL;
EXCEPTION WHEN query_canceled THEN
    RETURN clock_timestamp() - statement_timestamp();
END
$fn$;
SET statement_timeout = '200ms';
SELECT pg_temp.cancel_time('SELECT num_points(count(tl, ''1 mon'')) FROM long_tl') < interval '1 second'
       AS count_cancelled_within_1s;
SELECT pg_temp.cancel_time('SELECT num_points(sum(tl * 2, ''1 mon'')) FROM long_tl') < interval '1 second'
       AS sum_cancelled_within_1s;
-- aggregates_between reads each window's points anew for a sum (a count
-- reads them off an index): 2,000 windows over all of them ran to the end
-- before the cancel (its loop over the windows had no check)
SELECT pg_temp.cancel_time($q$
    SELECT cardinality(aggregates_between(tl, 'sum',
               (SELECT array_agg(timestamptz '1999-12-31' + g * interval '1 second') FROM generate_series(1, 2000) g),
               array_fill(timestamptz '2000-02-01', ARRAY[2000])))
    FROM long_tl$q$) < interval '1 second' AS between_cancelled_within_1s;
RESET statement_timeout;

-- a trailing window's queue holds the points of one width, not every point:
-- it starts at a guess from the mean density, moves its points down as
-- others leave and grows past the guess.  One timeline of 6,000 points, a
-- burst of 2,000 within an hour among 4,000 over 30 days (a 1-hour window
-- then holds up to 2,000 points where the guess is 1,024), and its windows
-- checked at every event time and a microsecond before, against LATERAL
SELECT setseed(0.25);
CREATE TEMP TABLE qev AS
SELECT timestamptz '2024-01-01' + (random() * 30 * 86400)::int * interval '1 second' AS ts,
       (random() * 100)::int::float8 AS v
  FROM generate_series(1, 4000)
UNION ALL
SELECT timestamptz '2024-01-10' + (random() * 3600)::int * interval '1 second', (random() * 100)::int::float8
  FROM generate_series(1, 2000);
CREATE INDEX ON qev (ts);
ANALYZE qev;
CREATE TEMP TABLE qtl AS SELECT timeline_agg(ts, v) AS tl FROM qev;
CREATE TEMP TABLE qprobe AS
SELECT array_agg(DISTINCT t ORDER BY t) AS ts
  FROM (SELECT ts FROM qev UNION ALL SELECT ts - interval '1 microsecond' FROM qev) x(t)
 WHERE t >= (SELECT min(ts) FROM qev);
SELECT r.w, count(*) AS probes,
       count(*) FILTER (WHERE o.n IS DISTINCT FROM x.n OR o.s IS DISTINCT FROM x.s
                           OR o.mx IS DISTINCT FROM x.mx OR o.mn IS DISTINCT FROM x.mn) AS differ
  FROM (SELECT w, count(q.tl, w) AS n, sum(q.tl, w) AS s, max(q.tl, w) AS mx, min(q.tl, w) AS mn
          FROM qtl q, (VALUES (interval '1 hour'), (interval '3 days')) ws(w)) r,
       qprobe p,
       LATERAL unnest(p.ts, values_at(r.n, p.ts), values_at(r.s, p.ts), values_at(r.mx, p.ts),
                      values_at(r.mn, p.ts)) AS x(t, n, s, mx, mn),
       LATERAL (SELECT count(*)::float8 AS n, sum(e.v) AS s, max(e.v) AS mx, min(e.v) AS mn
                  FROM qev e WHERE e.ts <= x.t AND e.ts > x.t - r.w) o
 GROUP BY r.w ORDER BY r.w;
-- aggregate_at_times runs its own queue over the probes in time order
SELECT count(*) AS probes, count(*) FILTER (WHERE a.v IS DISTINCT FROM o.s) AS differ
  FROM qtl q, qprobe p,
       LATERAL unnest(p.ts, aggregate_at_times(q.tl, 'sum', '1 hour', p.ts)) AS a(t, v),
       LATERAL (SELECT sum(e.v) AS s FROM qev e WHERE e.ts <= a.t AND e.ts > a.t - interval '1 hour') o;
