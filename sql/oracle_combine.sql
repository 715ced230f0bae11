-- oracle_combine: randomized oracle test of the operators that combine and
-- filter timelines (arithmetic, comparisons, observe, filter, fill_nulls,
-- is_valid) against plain SQL.
--
-- Three seeds; for each, 40 entities with three event streams A, B and P
-- (P is meant as a predicate: mostly 0 and 1).  Times come from a 1-hour
-- grid of 12 slots, so a stream has many ties and A, B and P share many
-- instants; 10% are moved off the grid by up to 30 minutes (to the
-- microsecond), so some positions belong to one stream only.  Entities by
-- entity % 10: 0: A empty; 1: B empty; 2: A and B heavy (12..24 points) on
-- 3 instants only, P 6 points; 3: a single A and B point; else 0..10 points
-- per stream (P 0..6); but entity 4 is large: A and B 120..160 points, P 40,
-- so its timelines are stored out of line (TOAST) and read through the
-- detoast cache.  An empty stream is the empty timeline ('discrete{}'),
-- not NULL (timeline_agg over no rows gives NULL; strict NULL arguments are
-- checked in combine).
-- Values of A and B: NULL 10%, 0 10%, NaN 1%, +-Infinity 0.5% each,
-- multiples of 1/8 in [-4, 4] 33%, else integers 0..5 (many equal values),
-- so sums, products and quotients by powers of two are exact and compared
-- exactly; P: NULL 10%, 0 35%, 1 35%, 2 10%, NaN 2%, else -1.
--
-- Three forms pick the timelines: 'plain' timeline_agg(ts, v) for every
-- stream (ties ordered by value, NULLs last, seqs 0, 1, 2, ...); 'seq'
-- timeline_agg(ts, v, id) for every stream, with ids unique per stream and
-- instant but small and signed (2 * rank + 0 or 1 - 2), so positions of A
-- and B often coincide exactly and otherwise interleave; 'mixed': A and P
-- with ids, B without (explicit seqs meet implicit ranks).  Continuous
-- inputs: ca, cb, cp are A, B, P with the same points made continuous
-- (through the text form), sa is sum(a), the lifetime running sum.
--
-- The oracle: the positions (t, seq) of each input, seq being the id or
-- row_number() - 1 over the stream's points of one time ordered by value
-- NULLS LAST; the union of the positions of the operands (observe: of `at`
-- only); there, a discrete operand's own value at exactly that position or
-- NULL, a continuous one's as-of value (LATERAL: its latest point at or
-- before the position in (time, seq) order, NULL before its first; computed
-- once per input at every position of any input), a number as is; then the
-- operator in SQL (division by zero NULL; a finite product or quotient beyond
-- float8's range +-Infinity, decided on the numeric result); filter
-- keeps the positions where the predicate's value is neither NULL nor 0.
-- Chained cases read an earlier case's oracle result as an input.
-- Every point of every result is compared, by ordinal in position order:
-- time, seq (printed by the text form, else the rank within its time) and
-- value (NULL equals NULL, NaN equals NaN), and the kind of every result
-- (continuous only when every operand is; observe and filter discrete).
-- Only counts are printed, so the output is deterministic and any mismatch
-- fails the test; the mismatching rows themselves are listed (none).
SET search_path = timeline, public;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET extra_float_digits = 0;
SET max_parallel_workers_per_gather = 0;
SET jit = off;
SET work_mem = '64MB';

CREATE TEMP TABLE ev (seed int, entity int, stream text, ts timestamptz, v float8,
                      r_id float8, r_bit int);
CREATE FUNCTION pg_temp.generate(p_seed int, p_setseed float8) RETURNS void
LANGUAGE plpgsql AS $fn$
DECLARE
    base constant timestamptz := '2022-03-01 00:00:00+00';
BEGIN
    PERFORM setseed(p_setseed);
    INSERT INTO ev (seed, entity, stream, ts, v, r_id, r_bit)
    SELECT p_seed, entity, stream,
           base + slot * interval '1 hour'
                + CASE WHEN r_off < 0.1 AND entity % 10 <> 2
                       THEN ceil(r_us * 1800000000) * interval '1 microsecond'
                       ELSE interval '0' END,
           CASE WHEN stream = 'P' THEN
                     CASE WHEN r < 0.10 THEN NULL WHEN r < 0.45 THEN 0::float8 WHEN r < 0.80 THEN 1
                          WHEN r < 0.90 THEN 2 WHEN r < 0.92 THEN 'NaN' ELSE -1 END
                ELSE CASE WHEN r < 0.10 THEN NULL WHEN r < 0.20 THEN 0::float8
                          WHEN r < 0.21 THEN 'NaN' WHEN r < 0.215 THEN 'Infinity'
                          WHEN r < 0.22 THEN '-Infinity'
                          WHEN r < 0.55 THEN floor(r2 * 65) / 8 - 4
                          ELSE floor(r2 * 6) END
           END,
           r_id, (r_bit < 0.5)::int
    FROM (SELECT e.entity, e.stream, random() AS r, random() AS r2, random() AS r_off,
                 random() AS r_us, random() AS r_id, random() AS r_bit,
                 CASE WHEN e.entity % 10 = 2 THEN (ARRAY[0, 1, 5])[1 + floor(random() * 3)::int]
                      ELSE floor(random() * 12)::int END AS slot
          FROM (SELECT entity, stream,
                       CASE WHEN entity = 4 THEN CASE stream WHEN 'P' THEN 40
                                                 ELSE 120 + floor(random() * 41)::int END
                            WHEN entity % 10 = 0 AND stream = 'A' THEN 0
                            WHEN entity % 10 = 1 AND stream = 'B' THEN 0
                            WHEN entity % 10 = 2 AND stream = 'P' THEN 6
                            WHEN entity % 10 = 2 THEN 12 + floor(random() * 13)::int
                            WHEN entity % 10 = 3 AND stream <> 'P' THEN 1
                            WHEN stream = 'P' THEN floor(random() * 7)::int
                            ELSE floor(random() * 11)::int END AS n
                FROM generate_series(1, 40) entity, unnest(ARRAY['A', 'B', 'P']) stream) e,
               generate_series(1, e.n) i) s;
END
$fn$;

SELECT pg_temp.generate(1, 0.13);
SELECT pg_temp.generate(2, 0.57);
SELECT pg_temp.generate(3, -0.29);

-- ids: unique per (entity, stream, time), small and signed: 2 * rank + 0 or 1 - 2
-- (rank in a random order); plain ranks: by value, NULLs last
CREATE TEMP TABLE evr AS
SELECT seed, entity, stream, ts, v,
       2 * (row_number() OVER (PARTITION BY seed, entity, stream, ts ORDER BY r_id) - 1) + r_bit - 2 AS id,
       row_number() OVER (PARTITION BY seed, entity, stream, ts ORDER BY v ASC NULLS LAST) - 1 AS rank
FROM ev;

-- the data has what the test is about (every column should be true)
SELECT seed,
       count(DISTINCT entity) FILTER (WHERE stream = 'A') > 25 AS many_entities,
       bool_or(v IS NULL) AS nulls, bool_or(v = 0) AS zeros, bool_or(v = 'NaN') AS nans,
       bool_or(v = 'Infinity') AND bool_or(v = '-Infinity') AS infinities,
       bool_or(v <> floor(v)) AS fractions, bool_or(v < 0) AS negatives,
       bool_or(ts <> date_trunc('hour', ts)) AS off_grid,
       bool_or(id < 0) AS negative_ids
FROM evr GROUP BY seed ORDER BY seed;
SELECT seed,
       bool_or(n >= 2) AS ties, max(n) >= 8 AS big_ties,
       bool_or(n > n_distinct + n_null) AS equal_value_ties,
       bool_or(n_null > 0 AND n_null < n) AS null_and_value_ties
FROM (SELECT seed, entity, stream, ts, count(*) AS n, count(DISTINCT v) AS n_distinct,
             count(*) FILTER (WHERE v IS NULL) AS n_null
      FROM evr GROUP BY 1, 2, 3, 4) g
GROUP BY seed ORDER BY seed;
-- A and B: shared instants, and in the seq form positions that coincide
-- exactly and positions of one instant that differ
SELECT seed, count(*) AS shared_instants,
       sum(coalesce(n_same, 0)) > 20 AS same_positions,
       bool_or(n_a + n_b > 2 * coalesce(n_same, 0)) AS interleaved
FROM (SELECT seed, entity, ts,
             count(*) FILTER (WHERE stream = 'A') AS n_a, count(*) FILTER (WHERE stream = 'B') AS n_b
      FROM evr WHERE stream IN ('A', 'B') GROUP BY seed, entity, ts
      HAVING count(DISTINCT stream) = 2) s
LEFT JOIN (SELECT seed, entity, ts, count(*) AS n_same
           FROM evr a JOIN evr b USING (seed, entity, ts, id)
           WHERE a.stream = 'A' AND b.stream = 'B' GROUP BY seed, entity, ts) j
     USING (seed, entity, ts)
GROUP BY seed ORDER BY seed;

-- forms: which streams carry explicit seqs
CREATE TEMP TABLE forms (form text COLLATE "C", stream text COLLATE "C", explicit bool);
INSERT INTO forms VALUES ('plain', 'A', false), ('plain', 'B', false), ('plain', 'P', false),
    ('seq', 'A', true), ('seq', 'B', true), ('seq', 'P', true),
    ('mixed', 'A', true), ('mixed', 'B', false), ('mixed', 'P', true);

-- the timelines, per form, seed and entity
CREATE TEMP TABLE agg AS
SELECT seed, entity, stream, timeline_agg(ts, v) AS tl, timeline_agg(ts, v, id) AS tl_seq
FROM evr GROUP BY seed, entity, stream;
CREATE TEMP TABLE tls AS
SELECT f.form, e.seed, e.entity,
       coalesce(CASE WHEN fa.explicit THEN ga.tl_seq ELSE ga.tl END, 'discrete{}') AS a,
       coalesce(CASE WHEN fb.explicit THEN gb.tl_seq ELSE gb.tl END, 'discrete{}') AS b,
       coalesce(CASE WHEN fp.explicit THEN gp.tl_seq ELSE gp.tl END, 'discrete{}') AS p
FROM generate_series(1, 3) e0(seed) CROSS JOIN LATERAL
     (SELECT e0.seed, entity FROM generate_series(1, 40) entity) e
CROSS JOIN (SELECT DISTINCT form FROM forms) f
JOIN forms fa ON (fa.form, fa.stream) = (f.form, 'A')
JOIN forms fb ON (fb.form, fb.stream) = (f.form, 'B')
JOIN forms fp ON (fp.form, fp.stream) = (f.form, 'P')
LEFT JOIN agg ga ON (ga.seed, ga.entity, ga.stream) = (e.seed, e.entity, 'A')
LEFT JOIN agg gb ON (gb.seed, gb.entity, gb.stream) = (e.seed, e.entity, 'B')
LEFT JOIN agg gp ON (gp.seed, gp.entity, gp.stream) = (e.seed, e.entity, 'P');
DROP TABLE agg;
ALTER TABLE tls ADD COLUMN ca timeline, ADD COLUMN cb timeline, ADD COLUMN cp timeline,
                ADD COLUMN sa timeline;
UPDATE tls SET ca = ('continuous' || substr(a::text, 9))::timeline,
               cb = ('continuous' || substr(b::text, 9))::timeline,
               cp = ('continuous' || substr(p::text, 9))::timeline,
               sa = sum(a);
-- the continuous copies have their timeline's points; every column holds
-- timelines of the expected kinds (one row: 360, 360 and 360)
SELECT count(*) AS timelines,
       count(*) FILTER (WHERE num_points(ca) = num_points(a) AND num_points(cb) = num_points(b)
                          AND num_points(cp) = num_points(p) AND num_points(sa) = num_points(a)) AS same_points,
       count(*) FILTER (WHERE kind(a) = 'discrete' AND kind(b) = 'discrete' AND kind(p) = 'discrete'
                          AND kind(ca) = 'continuous' AND kind(cb) = 'continuous'
                          AND kind(cp) = 'continuous' AND kind(sa) = 'continuous') AS kinds
FROM tls;
-- the large timelines are stored out of line
SELECT pg_relation_size(reltoastrelid) > 0 AS toasted FROM pg_class WHERE oid = 'tls'::regclass;
ANALYZE tls;

-- The oracle's inputs: the points of every stream per form with their
-- positions, and SA, the running sum of A's non-NULL values (NULL before the
-- first), at A's positions.  Cases with a name to save add their oracle
-- result here as a new input.
CREATE TEMP TABLE inp (form text COLLATE "C", src text COLLATE "C", seed int, entity int,
                       t timestamptz, sq bigint, v float8);
INSERT INTO inp
SELECT f.form, e.stream, e.seed, e.entity, e.ts, CASE WHEN f.explicit THEN e.id ELSE e.rank END, e.v
FROM evr e JOIN forms f USING (stream);
INSERT INTO inp
SELECT form, 'SA', seed, entity, t, sq,
       sum(v) OVER (PARTITION BY form, seed, entity ORDER BY t, sq ROWS UNBOUNDED PRECEDING)
FROM inp WHERE src = 'A';
CREATE INDEX ON inp (form, src, seed, entity, t, sq);
ANALYZE inp;
-- The as-of value of every input at every position of any input (every
-- result position is one): its latest point at or before the position in
-- (time, seq) order; found is NULL before its first point.
CREATE TEMP TABLE gpos AS SELECT DISTINCT form, seed, entity, t, sq FROM inp;
CREATE TEMP TABLE asof (form text COLLATE "C", src text COLLATE "C", seed int, entity int,
                        t timestamptz, sq bigint, found bool, v float8);
CREATE FUNCTION pg_temp.add_asof(p_src text) RETURNS void LANGUAGE sql AS $$
INSERT INTO asof
SELECT g.form, p_src, g.seed, g.entity, g.t, g.sq, l.found, l.v
FROM gpos g
LEFT JOIN LATERAL (SELECT true AS found, i.v FROM inp i
                   WHERE (i.form, i.src, i.seed, i.entity) = (g.form, p_src, g.seed, g.entity)
                     AND (i.t, i.sq) <= (g.t, g.sq)
                   ORDER BY i.t DESC, i.sq DESC LIMIT 1) l ON true;
$$;
DO $$ BEGIN PERFORM pg_temp.add_asof(src) FROM unnest(ARRAY['A', 'B', 'P', 'SA']) src; END $$;
CREATE INDEX ON asof (form, src, seed, entity, t, sq);
ANALYZE asof;

CREATE TEMP TABLE want (form text COLLATE "C", seed int, entity int, t timestamptz, sq bigint, v float8,
                        asof_read bool, ord bigint);
CREATE TEMP TABLE res (form text COLLATE "C", seed int, entity int, r timeline, sqs bigint[]);
CREATE TEMP TABLE got (form text COLLATE "C", seed int, entity int, t timestamptz, v float8, ord bigint,
                       sq bigint, nsq int, npoints int);
CREATE TEMP TABLE summary (n serial, label text UNIQUE, timelines bigint, points bigint, nulls bigint,
                           asof_reads bigint, mismatches bigint);
CREATE TEMP TABLE bad (label text, form text, seed int, entity int, ord bigint, what text,
                       got_t timestamptz, want_t timestamptz, got_sq bigint, want_sq bigint,
                       got float8, want float8);

-- Checks one case: expr, over the columns of tls (a, b, p, ca, cb, cp, sa),
-- against the oracle of op ('add', 'sub', 'mul', 'div', 'lt', 'le', 'eq',
-- 'ne', 'ge', 'gt', 'observe', 'filter', 'fill', 'is_valid') applied to the
-- input x of kind xk ('d' discrete, 'c' continuous) and the input y of kind
-- yk, or, without y, the number num (on the left when num_left).  save names
-- the oracle result as a new input.  The mixed form differs from the seq form
-- only where B (without seqs there; inputs named B...) meets another stream,
-- so it is checked only then (and for a saved result, which may meet B
-- later).  Custom plans: every case has other inputs and kinds.
CREATE FUNCTION pg_temp.check(p_label text, p_expr text, p_op text, p_x text, p_xk text,
                              p_y text DEFAULT NULL, p_yk text DEFAULT 'd',
                              p_num float8 DEFAULT NULL, p_num_left bool DEFAULT false,
                              p_save text DEFAULT NULL)
RETURNS void LANGUAGE plpgsql SET plan_cache_mode = force_custom_plan AS $fn$
DECLARE
    v_forms constant text[] :=
        CASE WHEN (p_y IS NOT NULL AND (p_x LIKE 'B%') <> (p_y LIKE 'B%')) OR p_save IS NOT NULL
             THEN ARRAY['plain', 'seq', 'mixed']
             ELSE ARRAY['plain', 'seq'] END;
    kind_want constant text :=
        CASE WHEN p_op IN ('observe', 'filter') THEN 'discrete'
             WHEN p_xk = 'c' AND (p_y IS NULL OR p_yk = 'c') THEN 'continuous'
             ELSE 'discrete' END;
BEGIN
    -- the oracle
    TRUNCATE want;
    INSERT INTO want
    WITH pos AS (
        -- the positions of x and y (observe: of y only) with their own values
        SELECT form, seed, entity, t, sq,
               bool_or(src = p_x) AS x_here, max(v) FILTER (WHERE src = p_x) AS x_own,
               bool_or(src = p_y) AS y_here, max(v) FILTER (WHERE src = p_y) AS y_own
        FROM inp
        WHERE form = ANY (v_forms) AND src IN (p_x, p_y)
        GROUP BY form, seed, entity, t, sq
        HAVING bool_or(src = p_y) OR (bool_or(src = p_x) AND p_op <> 'observe')
    ), opnd AS (
        SELECT ps.*, xa.found AS x_found, xa.v AS x_asof, ya.found AS y_found, ya.v AS y_asof
        FROM pos ps
        LEFT JOIN asof xa ON p_xk = 'c' AND (xa.form, xa.src, xa.seed, xa.entity, xa.t, xa.sq)
                                           = (ps.form, p_x, ps.seed, ps.entity, ps.t, ps.sq)
        LEFT JOIN asof ya ON p_yk = 'c' AND (ya.form, ya.src, ya.seed, ya.entity, ya.t, ya.sq)
                                           = (ps.form, p_y, ps.seed, ps.entity, ps.t, ps.sq)
    ), val AS (
        SELECT o.*,
               CASE WHEN p_xk = 'c' THEN x_asof ELSE x_own END AS xv,
               CASE WHEN p_y IS NULL THEN p_num WHEN p_yk = 'c' THEN y_asof ELSE y_own END AS yv
        FROM opnd o
    ), lr AS (
        SELECT v.*, CASE WHEN p_num_left THEN yv ELSE xv END AS l,
                    CASE WHEN p_num_left THEN xv ELSE yv END AS r
        FROM val v
    )
    SELECT form, seed, entity, t, sq,
           CASE p_op
               WHEN 'add' THEN l + r
               WHEN 'sub' THEN l - r
               WHEN 'mul' THEN
                   CASE WHEN abs(l) < 'Infinity' AND abs(r) < 'Infinity'
                             AND abs(l::numeric * r::numeric) > 1.7976931348623157e308
                        THEN sign(l) * sign(r) * 'Infinity'::float8
                        ELSE l * r END
               WHEN 'div' THEN
                   CASE WHEN r = 0 THEN NULL
                        WHEN abs(l) < 'Infinity' AND abs(r) < 'Infinity'
                             AND abs(l::numeric / r::numeric) > 1.7976931348623157e308
                        THEN sign(l) * sign(r) * 'Infinity'::float8
                        ELSE l / r END
               WHEN 'lt' THEN (l < r)::int::float8
               WHEN 'le' THEN (l <= r)::int::float8
               WHEN 'eq' THEN (l = r)::int::float8
               WHEN 'ne' THEN (l <> r)::int::float8
               WHEN 'ge' THEN (l >= r)::int::float8
               WHEN 'gt' THEN (l > r)::int::float8
               WHEN 'observe' THEN xv
               WHEN 'filter' THEN xv
               WHEN 'fill' THEN coalesce(xv, yv)
               WHEN 'is_valid' THEN (xv IS NOT NULL)::int::float8
           END,
           (p_xk = 'c' AND NOT x_here AND x_found) OR (p_yk = 'c' AND NOT y_here AND y_found),
           row_number() OVER (PARTITION BY form, seed, entity ORDER BY t, sq)
    FROM lr
    WHERE p_op <> 'filter' OR (yv IS NOT NULL AND yv <> 0);
    IF p_save IS NOT NULL THEN
        INSERT INTO inp SELECT form, p_save, seed, entity, t, sq, v FROM want;
        ANALYZE inp;
        PERFORM pg_temp.add_asof(p_save);
        ANALYZE asof;
    END IF;

    -- the extension: every point of every result, with its seq (printed by
    -- the text form when explicit, else its rank among the points of its time)
    TRUNCATE res;
    EXECUTE format('INSERT INTO res (form, seed, entity, r) SELECT form, seed, entity, %s FROM tls'
                   ' WHERE form = ANY ($1)', p_expr) USING v_forms;
    UPDATE res SET sqs = ARRAY(SELECT m.a[1]::bigint
                               FROM regexp_matches(r::text, '#(-?[0-9]+)=>', 'g') WITH ORDINALITY m(a, i)
                               ORDER BY m.i);
    TRUNCATE got;
    INSERT INTO got
    SELECT r.form, r.seed, r.entity, pt.t, pt.v, pt.ord,
           coalesce(r.sqs[pt.ord],
                    row_number() OVER (PARTITION BY r.form, r.seed, r.entity, pt.t ORDER BY pt.ord) - 1),
           cardinality(r.sqs), num_points(r.r)
    FROM res r, LATERAL points(r.r) WITH ORDINALITY pt(t, v, ord);

    -- point by point, by ordinal; kinds; seqs on every point or none
    CREATE TEMP TABLE cmp AS
    SELECT coalesce(g.form, w.form) AS form, coalesce(g.seed, w.seed) AS seed,
           coalesce(g.entity, w.entity) AS entity, coalesce(g.ord, w.ord) AS ord,
           CASE WHEN g.ord IS NULL THEN 'missing point'
                WHEN w.ord IS NULL THEN 'unexpected point'
                WHEN g.t <> w.t THEN 'time'
                WHEN g.sq <> w.sq THEN 'seq'
                WHEN g.v IS DISTINCT FROM w.v THEN 'value'
                WHEN g.nsq <> 0 AND g.nsq <> g.npoints THEN 'seqs on some points'
           END AS what,
           g.t AS got_t, w.t AS want_t, g.sq AS got_sq, w.sq AS want_sq, g.v AS got, w.v AS want,
           w.ord IS NOT NULL AND w.v IS NULL AS want_null, coalesce(w.asof_read, false) AS asof_read
    FROM got g FULL JOIN want w
         ON (g.form, g.seed, g.entity, g.ord) = (w.form, w.seed, w.entity, w.ord);
    INSERT INTO bad
    SELECT p_label, form, seed, entity, ord, what, got_t, want_t, got_sq, want_sq, got, want
    FROM cmp WHERE what IS NOT NULL;
    INSERT INTO bad (label, form, seed, entity, what)
    SELECT p_label, form, seed, entity, 'kind ' || kind(r)
    FROM res WHERE kind(r) IS DISTINCT FROM kind_want;

    INSERT INTO summary (label, timelines, points, nulls, asof_reads, mismatches)
    SELECT p_label, (SELECT count(*) FROM res), count(*), count(*) FILTER (WHERE want_null),
           count(*) FILTER (WHERE asof_read), (SELECT count(*) FROM bad WHERE label = p_label)
    FROM cmp;
    DROP TABLE cmp;
END
$fn$;

-- arithmetic between two timelines: discrete and discrete, continuous and
-- continuous, one of each (either side), the running sum
SELECT pg_temp.check('a + b', 'a + b', 'add', 'A', 'd', 'B', 'd');
SELECT pg_temp.check('a - b', 'a - b', 'sub', 'A', 'd', 'B', 'd');
SELECT pg_temp.check('a * b', 'a * b', 'mul', 'A', 'd', 'B', 'd');
SELECT pg_temp.check('a / b', 'a / b', 'div', 'A', 'd', 'B', 'd');
SELECT pg_temp.check('ca + cb', 'ca + cb', 'add', 'A', 'c', 'B', 'c');
SELECT pg_temp.check('ca - cb', 'ca - cb', 'sub', 'A', 'c', 'B', 'c');
SELECT pg_temp.check('ca * cb', 'ca * cb', 'mul', 'A', 'c', 'B', 'c');
SELECT pg_temp.check('ca / cb', 'ca / cb', 'div', 'A', 'c', 'B', 'c');
SELECT pg_temp.check('a + cb', 'a + cb', 'add', 'A', 'd', 'B', 'c');
SELECT pg_temp.check('ca - b', 'ca - b', 'sub', 'A', 'c', 'B', 'd');
SELECT pg_temp.check('cb * a', 'cb * a', 'mul', 'B', 'c', 'A', 'd');
SELECT pg_temp.check('a / cb', 'a / cb', 'div', 'A', 'd', 'B', 'c');
SELECT pg_temp.check('cb / a', 'cb / a', 'div', 'B', 'c', 'A', 'd');
SELECT pg_temp.check('sa * b', 'sa * b', 'mul', 'SA', 'c', 'B', 'd');
SELECT pg_temp.check('cb - sa', 'cb - sa', 'sub', 'B', 'c', 'SA', 'c');
SELECT pg_temp.check('sa / cp', 'sa / cp', 'div', 'SA', 'c', 'P', 'c');
SELECT pg_temp.check('a + p', 'a + p', 'add', 'A', 'd', 'P', 'd');

-- a timeline and a number, on either side
SELECT pg_temp.check('a - 2', 'a - 2', 'sub', 'A', 'd', p_num => 2);
SELECT pg_temp.check('2 - a', '2 - a', 'sub', 'A', 'd', p_num => 2, p_num_left => true,
                     p_save => '2-A');
SELECT pg_temp.check('a + 1.5', 'a + 1.5', 'add', 'A', 'd', p_num => 1.5);
SELECT pg_temp.check('0.25 * b', '0.25 * b', 'mul', 'B', 'd', p_num => 0.25, p_num_left => true);
SELECT pg_temp.check('a / 0', 'a / 0', 'div', 'A', 'd', p_num => 0);
SELECT pg_temp.check('0 / a', '0 / a', 'div', 'A', 'd', p_num => 0, p_num_left => true);
SELECT pg_temp.check('3 / b', '3 / b', 'div', 'B', 'd', p_num => 3, p_num_left => true);
SELECT pg_temp.check('b / -4', 'b / -4', 'div', 'B', 'd', p_num => -4, p_save => 'B/-4');
SELECT pg_temp.check('ca - 2', 'ca - 2', 'sub', 'A', 'c', p_num => 2);
SELECT pg_temp.check('2 - cb', '2 - cb', 'sub', 'B', 'c', p_num => 2, p_num_left => true);
SELECT pg_temp.check('ca / 0', 'ca / 0', 'div', 'A', 'c', p_num => 0);
SELECT pg_temp.check('8 / ca', '8 / ca', 'div', 'A', 'c', p_num => 8, p_num_left => true);
SELECT pg_temp.check('sa * 0.5', 'sa * 0.5', 'mul', 'SA', 'c', p_num => 0.5);
SELECT pg_temp.check('ca + infinity', 'ca + float8 ''Infinity''', 'add', 'A', 'c', p_num => 'Infinity');
-- overflow gives +-Infinity, not an error (a * 1e308 where |a| >= 1.875,
-- 1e308 / cb where 0 < |cb| <= 0.5)
SELECT pg_temp.check('a * 1e308', 'a * 1e308', 'mul', 'A', 'd', p_num => 1e308);
SELECT pg_temp.check('1e308 / cb', '1e308 / cb', 'div', 'B', 'c', p_num => 1e308, p_num_left => true);

-- comparisons between two timelines
SELECT pg_temp.check('lt(a, b)', 'lt(a, b)', 'lt', 'A', 'd', 'B', 'd');
SELECT pg_temp.check('le(ca, b)', 'le(ca, b)', 'le', 'A', 'c', 'B', 'd');
SELECT pg_temp.check('eq(a, cb)', 'eq(a, cb)', 'eq', 'A', 'd', 'B', 'c');
SELECT pg_temp.check('eq(a, b)', 'eq(a, b)', 'eq', 'A', 'd', 'B', 'd');
SELECT pg_temp.check('ne(ca, cb)', 'ne(ca, cb)', 'ne', 'A', 'c', 'B', 'c');
SELECT pg_temp.check('ne(a, b)', 'ne(a, b)', 'ne', 'A', 'd', 'B', 'd');
SELECT pg_temp.check('ge(a, b)', 'ge(a, b)', 'ge', 'A', 'd', 'B', 'd');
SELECT pg_temp.check('ge(cb, ca)', 'ge(cb, ca)', 'ge', 'B', 'c', 'A', 'c');
SELECT pg_temp.check('gt(cb, a)', 'gt(cb, a)', 'gt', 'B', 'c', 'A', 'd');
SELECT pg_temp.check('gt(sa, cb)', 'gt(sa, cb)', 'gt', 'SA', 'c', 'B', 'c');
SELECT pg_temp.check('lt(b, cp)', 'lt(b, cp)', 'lt', 'B', 'd', 'P', 'c');
-- a timeline against its continuous copy: every value against itself (NaN
-- equals NaN, NULL gives NULL)
SELECT pg_temp.check('eq(a, ca)', 'eq(a, ca)', 'eq', 'A', 'd', 'A', 'c');
SELECT pg_temp.check('gt(ca, a)', 'gt(ca, a)', 'gt', 'A', 'c', 'A', 'd');

-- comparisons with a number, on either side
SELECT pg_temp.check('a > 1', 'a > 1', 'gt', 'A', 'd', p_num => 1, p_save => 'A>1');
SELECT pg_temp.check('a < 1', 'a < 1', 'lt', 'A', 'd', p_num => 1);
SELECT pg_temp.check('a >= 0', 'a >= 0', 'ge', 'A', 'd', p_num => 0);
SELECT pg_temp.check('a = 0', 'a = 0', 'eq', 'A', 'd', p_num => 0);
SELECT pg_temp.check('a <> 0.5', 'a <> 0.5', 'ne', 'A', 'd', p_num => 0.5);
SELECT pg_temp.check('a <= nan', 'a <= float8 ''NaN''', 'le', 'A', 'd', p_num => 'NaN');
SELECT pg_temp.check('b = nan', 'b = float8 ''NaN''', 'eq', 'B', 'd', p_num => 'NaN');
SELECT pg_temp.check('1 < a', '1 < a', 'lt', 'A', 'd', p_num => 1, p_num_left => true);
SELECT pg_temp.check('0 >= b', '0 >= b', 'ge', 'B', 'd', p_num => 0, p_num_left => true);
SELECT pg_temp.check('2 = b', '2 = b', 'eq', 'B', 'd', p_num => 2, p_num_left => true);
SELECT pg_temp.check('ca <= 2', 'ca <= 2', 'le', 'A', 'c', p_num => 2);
SELECT pg_temp.check('ca <> 0', 'ca <> 0', 'ne', 'A', 'c', p_num => 0);
SELECT pg_temp.check('-1 > ca', '-1 > ca', 'gt', 'A', 'c', p_num => -1, p_num_left => true);

-- observe: at `at`'s positions only
SELECT pg_temp.check('observe(a, b)', 'observe(a, b)', 'observe', 'A', 'd', 'B', 'd');
SELECT pg_temp.check('observe(ca, b)', 'observe(ca, b)', 'observe', 'A', 'c', 'B', 'd');
SELECT pg_temp.check('observe(a, cb)', 'observe(a, cb)', 'observe', 'A', 'd', 'B', 'c');
SELECT pg_temp.check('observe(ca, cb)', 'observe(ca, cb)', 'observe', 'A', 'c', 'B', 'c');
SELECT pg_temp.check('observe(b, a)', 'observe(b, a)', 'observe', 'B', 'd', 'A', 'd');
SELECT pg_temp.check('observe(cb, p)', 'observe(cb, p)', 'observe', 'B', 'c', 'P', 'd');
SELECT pg_temp.check('observe(sa, b)', 'observe(sa, b)', 'observe', 'SA', 'c', 'B', 'd');
SELECT pg_temp.check('observe(sa, a)', 'observe(sa, a)', 'observe', 'SA', 'c', 'A', 'd');

-- filter: a predicate from another stream (discrete, continuous), and one
-- derived from the timeline itself
SELECT pg_temp.check('filter(a, p)', 'filter(a, p)', 'filter', 'A', 'd', 'P', 'd', p_save => 'F(A,P)');
SELECT pg_temp.check('filter(a, cp)', 'filter(a, cp)', 'filter', 'A', 'd', 'P', 'c', p_save => 'F(A,cP)');
SELECT pg_temp.check('filter(ca, p)', 'filter(ca, p)', 'filter', 'A', 'c', 'P', 'd');
SELECT pg_temp.check('filter(ca, cp)', 'filter(ca, cp)', 'filter', 'A', 'c', 'P', 'c');
SELECT pg_temp.check('filter(b, cp)', 'filter(b, cp)', 'filter', 'B', 'd', 'P', 'c');
SELECT pg_temp.check('filter(a, b)', 'filter(a, b)', 'filter', 'A', 'd', 'B', 'd');
SELECT pg_temp.check('filter(a, a > 1)', 'filter(a, a > 1)', 'filter', 'A', 'd', 'A>1', 'd');
SELECT pg_temp.check('filter(ca, ca > 1)', 'filter(ca, ca > 1)', 'filter', 'A', 'c', 'A>1', 'c');
SELECT pg_temp.check('filter(b, a > 1)', 'filter(b, a > 1)', 'filter', 'B', 'd', 'A>1', 'd');
SELECT pg_temp.check('filter(cb, ca > 1)', 'filter(cb, ca > 1)', 'filter', 'B', 'c', 'A>1', 'c');
-- a predicate holding -0 (0 / -4) is false there
SELECT pg_temp.check('filter(a, b / -4)', 'filter(a, b / -4)', 'filter', 'A', 'd', 'B/-4', 'd');

-- fill_nulls with a timeline and with a number; is_valid
SELECT pg_temp.check('fill_nulls(a, b)', 'fill_nulls(a, b)', 'fill', 'A', 'd', 'B', 'd');
SELECT pg_temp.check('fill_nulls(a, cb)', 'fill_nulls(a, cb)', 'fill', 'A', 'd', 'B', 'c');
SELECT pg_temp.check('fill_nulls(ca, b)', 'fill_nulls(ca, b)', 'fill', 'A', 'c', 'B', 'd');
SELECT pg_temp.check('fill_nulls(ca, cb)', 'fill_nulls(ca, cb)', 'fill', 'A', 'c', 'B', 'c');
SELECT pg_temp.check('fill_nulls(a, 0)', 'fill_nulls(a, 0)', 'fill', 'A', 'd', p_num => 0);
SELECT pg_temp.check('fill_nulls(cb, -1)', 'fill_nulls(cb, -1)', 'fill', 'B', 'c', p_num => -1);
SELECT pg_temp.check('is_valid(a)', 'is_valid(a)', 'is_valid', 'A', 'd');
SELECT pg_temp.check('is_valid(cb)', 'is_valid(cb)', 'is_valid', 'B', 'c');
SELECT pg_temp.check('is_valid(sa)', 'is_valid(sa)', 'is_valid', 'SA', 'c');

-- chains: results of filter (positions kept, seqs that are no longer ranks)
-- and of 2 - a (ties no longer in value order) combined again
SELECT pg_temp.check('filter(a, p) + b', 'filter(a, p) + b', 'add', 'F(A,P)', 'd', 'B', 'd');
SELECT pg_temp.check('observe(cb, filter(a, cp))', 'observe(cb, filter(a, cp))', 'observe',
                     'B', 'c', 'F(A,cP)', 'd');
SELECT pg_temp.check('fill_nulls(filter(a, cp), cb)', 'fill_nulls(filter(a, cp), cb)', 'fill',
                     'F(A,cP)', 'd', 'B', 'c');
SELECT pg_temp.check('(2 - a) * b', '(2 - a) * b', 'mul', '2-A', 'd', 'B', 'd');
SELECT pg_temp.check('lt(2 - a, cb)', 'lt(2 - a, cb)', 'lt', '2-A', 'd', 'B', 'c');

--
-- Results: per case, the timelines (3 seeds x 40 entities x 2 or 3 forms), the
-- points compared, of them expected NULL, and read from a continuous
-- operand away from its own points (as of an earlier position), and the
-- mismatches (every one 0).
--
SELECT label, timelines, points, nulls, asof_reads, mismatches FROM summary ORDER BY n;
SELECT count(*) AS cases, sum(points) AS compared_points,
       count(*) FILTER (WHERE mismatches <> 0) AS cases_with_mismatches
FROM summary;
-- the mismatching rows, if any (none)
SELECT * FROM bad ORDER BY label, form, seed, entity, ord LIMIT 40;
