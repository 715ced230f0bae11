-- leakage: no operator reads a value positioned after the position it answers
-- for (SEMANTICS.md s6).  For random timelines (several seeds) and random cut
-- times t, every operator's result up to t is unchanged when every point
-- after t is deleted from its inputs:
--   value_at(op(tl, ...), t) = value_at(op(slice(tl, NULL, t + 1 us), ...), t)
-- and, stronger, the results agree point by point up to t (same times, seqs,
-- values and kind):
--   slice(op(tl, ...), NULL, t + 1 us) = slice(op(slice(tl, ...), ...), NULL, t + 1 us)
-- Every input of an operator is cut, reset and predicate timelines and ticks
-- included.  shift_to is left out (it moves every point to one fixed time).
-- Only counts are printed; the violations themselves are listed (none).
SET search_path = timeline, public;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET extra_float_digits = 0;
SET max_parallel_workers_per_gather = 0;
SET jit = off;

CREATE FUNCTION pg_temp.try(sql text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE sql;
    RETURN 'ok';
EXCEPTION WHEN others THEN
    RETURN SQLSTATE || ': ' || SQLERRM;
END $$;

-- Two event streams per entity, a (the timeline under test) and b (a second
-- one: the other operand, predicates, observation times), on a 30-minute
-- grid over 4 days with ties, some times off the grid; values with NULLs,
-- zeros, NaN and infinities; unique signed seqs that interleave between a
-- and b.  Entity % 10 = 0 is heavy (60..100 events), % 10 = 1 has only NULL
-- values in a, % 10 = 2 has no b events, % 10 = 3 has its events on 4
-- instants only.
CREATE TEMP TABLE ev (seed int, entity int, stream text, ts timestamptz, v float8, id bigint);
CREATE FUNCTION pg_temp.generate(p_seed int, p_setseed float8) RETURNS void
LANGUAGE plpgsql AS $fn$
BEGIN
    PERFORM setseed(p_setseed);
    INSERT INTO ev
    SELECT p_seed, entity, stream,
           '2021-01-01 00:00+00'::timestamptz
               + CASE WHEN entity % 10 = 3 THEN (ARRAY[0, 4, 48, 52])[1 + floor(r_t * 4)::int]
                      ELSE floor(r_t * 192) END * interval '30 minutes'
               + CASE WHEN r_off < 0.1 AND entity % 10 <> 3
                      THEN floor(r_off * 1e7) * interval '1 microsecond'
                      ELSE interval '0' END,
           CASE WHEN (stream = 'a' AND entity % 10 = 1) OR r < 0.1 THEN NULL
                WHEN r < 0.18 THEN 0
                WHEN r < 0.19 THEN 'NaN'
                WHEN r < 0.20 THEN 'Infinity'
                WHEN r < 0.21 THEN '-Infinity'
                WHEN r < 0.45 THEN round((r2 * 200 - 100)::numeric, 2)::float8
                ELSE floor(r2 * 100) END,
           (row_number() OVER (ORDER BY r3) - 4000) * 3
    FROM (SELECT x.entity, x.stream, random() AS r, random() AS r2, random() AS r3,
                 random() AS r_t, random() AS r_off
          FROM (SELECT entity, stream,
                       CASE WHEN stream = 'b' AND entity % 10 = 2 THEN 0
                            WHEN entity % 10 = 0 THEN 60 + floor(random() * 41)::int
                            ELSE floor(random() * 16)::int END AS n
                FROM (SELECT e.entity, s.stream
                      FROM generate_series(1, 300) e(entity), (VALUES ('a'), ('b')) s(stream)
                      ORDER BY 1, 2) es) x,
               generate_series(1, x.n) i) y;
END
$fn$;
SELECT pg_temp.generate(1, 0.31);
SELECT pg_temp.generate(2, -0.62);
SELECT pg_temp.generate(3, 0.93);
-- the data has what the test is about (every column should be true)
SELECT seed, bool_or(na > 1) AS ties, bool_or(na > 0 AND nb > 0) AS a_and_b_at_one_instant,
       bool_or(has_null) AS null_values, bool_or(has_nan) AS nan_values,
       bool_or(has_inf) AS infinite_values, max(na) >= 5 AS big_ties
FROM (SELECT seed, entity, ts, count(*) FILTER (WHERE stream = 'a') AS na,
             count(*) FILTER (WHERE stream = 'b') AS nb, bool_or(v IS NULL) AS has_null,
             bool_or(v = 'NaN') AS has_nan, bool_or(abs(v) = 'Infinity') AS has_inf
      FROM ev GROUP BY 1, 2, 3) g
GROUP BY seed ORDER BY seed;

-- timelines per entity and form (plain: no seq, seq: with the ids); an
-- entity without events in a stream gets the empty timeline
CREATE TEMP TABLE tls AS
SELECT seed, entity, f.form,
       coalesce(CASE f.form WHEN 'seq' THEN timeline_agg(ts, v, id) FILTER (WHERE stream = 'a')
                            ELSE timeline_agg(ts, v) FILTER (WHERE stream = 'a') END,
                'discrete{}') AS a,
       coalesce(CASE f.form WHEN 'seq' THEN timeline_agg(ts, v, id) FILTER (WHERE stream = 'b')
                            ELSE timeline_agg(ts, v) FILTER (WHERE stream = 'b') END,
                'discrete{}') AS b
FROM ev, (VALUES ('plain'), ('seq')) f(form)
GROUP BY seed, entity, f.form;

-- cut times, 4 per entity: exactly at one of its event times, 1 microsecond
-- before one, a random time (from before the first event to after the
-- last), and a midnight (where a tick is)
CREATE TEMP TABLE cuts (seed int, entity int, kind text, t timestamptz);
SELECT setseed(0.5);
CREATE TEMP TABLE entd AS
SELECT seed, entity, tss, random() AS r1, random() AS r2, random() AS r3, random() AS r4
FROM (SELECT seed, entity, array_agg(ts ORDER BY id) AS tss FROM ev
      GROUP BY seed, entity ORDER BY seed, entity) e;
INSERT INTO cuts
SELECT seed, entity, 'event', tss[1 + floor(r1 * cardinality(tss))::int] FROM entd
UNION ALL
SELECT seed, entity, 'event - 1 us', tss[1 + floor(r2 * cardinality(tss))::int] - interval '1 microsecond'
FROM entd
UNION ALL
SELECT seed, entity, 'random', '2020-12-31 22:00+00'::timestamptz + r3 * interval '5 days' FROM entd
UNION ALL
SELECT seed, entity, 'midnight', '2021-01-01 00:00+00'::timestamptz + floor(r4 * 5) * interval '1 day'
FROM entd;
DROP TABLE entd;
ANALYZE tls;
ANALYZE cuts;

SELECT count(DISTINCT (seed, entity)) AS entities, count(*) AS cuts,
       count(*) FILTER (WHERE kind = 'event') AS at_events
FROM cuts;

-- The operators: {A} and {B} stand for a and b, {T} for daily ticks; the
-- full expression uses them as they are, the cut one their slices to t.
CREATE TEMP TABLE ops (n serial, grp text, op text, expr text);
INSERT INTO ops (grp, op, expr)
SELECT w.grp, replace(w.expr, '{AGG}', a.agg), replace(w.expr, '{AGG}', a.agg)
FROM unnest(ARRAY['count', 'count_if', 'sum', 'mean', 'min', 'max', 'first', 'last',
                  'var_samp', 'var_pop', 'stddev_samp', 'stddev_pop']) a(agg),
     (VALUES ('lifetime', '{AGG}({A})'),
             ('trailing 2 hours', '{AGG}({A}, interval ''2 hours'')'),
             ('trailing 1 day', '{AGG}({A}, interval ''1 day'')'),
             ('since ticks', '{AGG}({A}, {T})'),
             ('since b > 50', '{AGG}({A}, {B} > 50)'),
             ('sliding 2, ticks', '{AGG}({A}, {T}, 2)'),
             ('sliding 3, b > 50', '{AGG}({A}, {B} > 50, 3)')) w(grp, expr);
INSERT INTO ops (grp, op, expr)
SELECT expr, expr, expr FROM unnest(ARRAY[
    'lag({A}, 1)', 'lag({A}, 3)', 'seconds_since_previous({A})',
    '{A} + {B}', '{A} - {B}', '{A} * {B}', '{A} / {B}',
    '{A} + 1', '10 - {A}', '{A} * 2', '{A} / 0', '100 / {A}',
    'sum({A}) + {B}', 'mean({A}, interval ''1 day'') - lag({B}, 1)', 'max({A}, {T}) / count({B})',
    'lt({A}, {B})', 'le({A}, {B})', 'eq({A}, {B})', 'ne({A}, {B})', 'ge({A}, {B})', 'gt({A}, {B})',
    'gt(sum({A}), {B})', 'le(lag({A}, 1), mean({B}))',
    '{A} < 50', '{A} <= 50', '{A} = 0', '{A} <> 0', '{A} >= 50', '{A} > 50', '50 > {A}', '0 = {A}',
    'observe({A}, {B})', 'observe(sum({A}), {B})', 'observe(sum({A}, {T}), {T})',
    'observe(count({A}, interval ''2 hours''), {T})',
    'filter({A}, {B} > 50)', 'filter(max({A}), {A} > 20)', 'filter({A}, lag({B}, 1) > 0)',
    'fill_nulls({A}, {B})', 'fill_nulls({A}, 0)', 'fill_nulls(lag({A}, 1), {B})',
    'is_valid({A})', 'is_valid(lag({A}, 2))',
    'shift_by({A}, interval ''0'')', 'shift_by({A}, interval ''1 hour'')',
    'shift_by({A}, interval ''1 day'')', 'shift_by(sum({A}), interval ''30 minutes'')',
    'shift_by({A}, interval ''1 mon -29 days'')',
    'shift_until({A}, {B} > 50)', 'shift_until({A}, {T})', 'shift_until(lag({A}, 1), {A} > 50)',
    'shift_until({A}, count({B}) > 2)', 'count(shift_by({A}, interval ''1 hour''), interval ''3 hours'')'
]) expr;

CREATE TEMP TABLE leaks (n int, grp text, op text, form text, checks bigint, value_violations bigint,
                         prefix_violations bigint);
CREATE TEMP TABLE violations (op text, form text, seed int, entity int, kind text, t timestamptz,
                              full_value float8, cut_value float8);

CREATE FUNCTION pg_temp.check(p_n int, p_grp text, p_op text, p_expr text) RETURNS void
LANGUAGE plpgsql AS $fn$
DECLARE
    ticks constant text := 'ticks(''2020-12-31'', ''2021-01-06'', ''1 day'')';
    full_expr text := replace(replace(replace(p_expr, '{A}', 'x.a'), '{B}', 'x.b'), '{T}', ticks);
    cut_expr text := replace(replace(replace(p_expr,
                         '{A}', 'slice(x.a, NULL, c.t + interval ''1 microsecond'')'),
                         '{B}', 'slice(x.b, NULL, c.t + interval ''1 microsecond'')'),
                         '{T}', 'slice(' || ticks || ', NULL, c.t + interval ''1 microsecond'')');
BEGIN
    EXECUTE format($q$
        CREATE TEMP TABLE r AS
        WITH f AS MATERIALIZED (SELECT x.seed, x.entity, x.form, %s AS res FROM tls x)
        SELECT c.seed, c.entity, c.kind, c.t, x.form,
               value_at(f.res, c.t) AS fv, value_at(g.res, c.t) AS gv,
               slice(f.res, NULL, c.t + interval '1 microsecond')
                   = slice(g.res, NULL, c.t + interval '1 microsecond') AS same_prefix
        FROM cuts c
        JOIN tls x ON (x.seed, x.entity) = (c.seed, c.entity)
        JOIN f ON (f.seed, f.entity, f.form) = (x.seed, x.entity, x.form),
             LATERAL (SELECT %s AS res) g $q$, full_expr, cut_expr);
    INSERT INTO leaks
    SELECT p_n, p_grp, p_op, form, count(*), count(*) FILTER (WHERE fv IS DISTINCT FROM gv),
           count(*) FILTER (WHERE NOT same_prefix)
    FROM r GROUP BY form;
    INSERT INTO violations
    SELECT p_op, form, seed, entity, kind, t, fv, gv
    FROM r WHERE fv IS DISTINCT FROM gv OR NOT same_prefix;
    DROP TABLE r;
END
$fn$;

SELECT count(*) AS operators FROM (SELECT pg_temp.check(n, grp, op, expr) FROM ops ORDER BY n) s;

-- per operator (aggregations: per window, over the 12 aggregates), both
-- forms: checks and violations (every violation count is 0)
SELECT grp AS operator, count(DISTINCT op) AS variants, sum(checks) AS checks,
       sum(value_violations) AS value_violations, sum(prefix_violations) AS prefix_violations
FROM leaks GROUP BY grp ORDER BY min(n);
SELECT count(*) AS operator_forms, sum(checks) AS checks,
       sum(value_violations) AS value_violations, sum(prefix_violations) AS prefix_violations
FROM leaks;
-- the violations, if any (none)
SELECT * FROM violations ORDER BY op, form, seed, entity, kind LIMIT 20;

--
-- shift_by: every point moves to time + d, never earlier (the i-th point of
-- the result is the i-th of the input, value unchanged); a negative interval
-- is an error (22023), also one negative as a whole; '-1 mon 31 days' moves
-- 2021-01-31 to 2021-01-31, which is allowed
--
SELECT label AS d, count(*) AS points,
       count(*) FILTER (WHERE s.time < p.time) AS earlier,
       count(*) FILTER (WHERE s.time <> p.time + d) AS not_at_time_plus_d,
       count(*) FILTER (WHERE s.value IS DISTINCT FROM p.value) AS value_changed,
       count(*) FILTER (WHERE s.time IS NULL OR p.time IS NULL) AS unmatched
FROM tls x,
     (VALUES (1, '0', interval '0'), (2, '1 microsecond', interval '1 microsecond'),
             (3, '1 hour', interval '1 hour'), (4, '1 day', interval '1 day'),
             (5, '1 mon', interval '1 mon'), (6, '1 mon -29 days', interval '1 mon -29 days')) dd(n, label, d),
     LATERAL (SELECT * FROM points(x.a) WITH ORDINALITY) p(time, value, i)
     FULL JOIN LATERAL (SELECT * FROM points(shift_by(x.a, d)) WITH ORDINALITY) s(time, value, i)
         ON s.i = p.i
GROUP BY dd.n, label ORDER BY dd.n;
SELECT d, pg_temp.try(format('SELECT shift_by(%L::timeline, %L::interval)',
                             'discrete{2021-01-31T00:00:00+00:00=>1}', d)) AS result
FROM (VALUES ('-1 microsecond'), ('-1 day'), ('1 day -25 hours'), ('-1 mon 31 days'),
             ('1 mon -31 days')) dd(d);
-- intervals that are not negative as a whole but move this time backward
-- (2021-01-31 + 1 mon is 2021-02-28, minus 29 or 30 days is before it)
SELECT d, pg_temp.try(format('SELECT shift_by(%L::timeline, %L::interval)',
                             'discrete{2021-01-31T00:00:00+00:00=>1}', d)) AS result
FROM (VALUES ('1 mon -29 days'), ('1 mon -30 days')) dd(d);
