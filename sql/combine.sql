-- combine: arithmetic, comparisons, observe, filter, fill_nulls, is_valid
SET search_path = timeline, public;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET extra_float_digits = 0;

-- a discrete a, a continuous b, sharing the Jan 2 position
CREATE TEMP TABLE t AS SELECT
    'discrete{2024-01-01=>1, 2024-01-02=>2, 2024-01-04=>NULL}'::timeline AS a,
    'continuous{2024-01-02=>10, 2024-01-03=>20}'::timeline AS b;

-- union of positions; discrete a is NULL away from its points; continuous b as of;
-- discrete if any input is discrete
SELECT a + b AS sum, a - b AS diff, a * b AS prod, a / b AS quot FROM t;
-- continuous with continuous stays continuous
SELECT b + b AS cc, b * 2 AS c2, kind(b + b), kind(a + b), kind(a + 1) FROM t;
-- numbers on either side
SELECT a + 1 AS a1, 1 - a AS one_minus, 10 / a AS ten_over, a / 0 AS by_zero, 0 / a AS zero_over FROM t;
-- division by zero is NULL, not an error; overflow follows IEEE
SELECT 'discrete{2024-01-01=>1, 2024-01-02=>0}'::timeline / 'discrete{2024-01-01=>0, 2024-01-02=>0}'::timeline AS div0,
       'discrete{2024-01-01=>1e308}'::timeline * 10 AS overflow;
-- simultaneous points with different seqs line up by position, not by time alone
SELECT 'discrete{2024-01-01#1=>1, 2024-01-01#2=>2}'::timeline + 'discrete{2024-01-01#2=>10, 2024-01-01#3=>20}'::timeline AS by_position;
-- timelines derived from one timeline line up exactly
SELECT a * 2 + a AS three_a FROM t;

-- comparisons with numbers give 1, 0 or NULL at every point
SELECT a > 1 AS gt, a >= 1 AS ge, a < 2 AS lt, a <= 1 AS le, a = 2 AS eq, a <> 2 AS ne, 1.5 < a AS num_lt FROM t;
-- between two timelines: functions, since = and <> stay whole-value equality
SELECT lt(a, b), le(a, b), eq(a, a), ne(a, b), ge(b, a), gt(b, a), a = a AS whole_equal, a <> b AS whole_differ FROM t;
SELECT eq('discrete{2024-01-01=>NaN}'::timeline, 'discrete{2024-01-01=>NaN}'::timeline) AS nan_eq;

-- observe: at each point of `at`, discrete: the value only at the same position; continuous: as of
SELECT observe(a, 'discrete{2024-01-02=>0, 2024-01-03=>0}'::timeline) AS discrete_observed,
       observe(b, 'discrete{2024-01-01=>0, 2024-01-02=>0, 2024-01-05=>0}'::timeline) AS continuous_observed
FROM t;
-- filter: the positions where the predicate holds (NULL is false)
SELECT filter(a, a > 1) AS big, filter(a, a < 100) AS valid_only, filter(b, a > 0) AS b_when_a FROM t;
SELECT filter(a, 'continuous{2024-01-02=>1}'::timeline) AS from_jan2 FROM t;
-- filter keeps positions: the result still lines up with its input
SELECT filter(a, a > 1) + a AS aligned FROM t;
-- fill_nulls with a number or a timeline; is_valid
SELECT fill_nulls(a, 0) AS filled, fill_nulls(a, b) AS filled_b, is_valid(a) AS valid, is_valid(b) AS valid_b FROM t;

-- every operator equals its function called by name, in all three forms
SELECT f, ok FROM t, LATERAL (VALUES
    ('timeline_add', timeline_add(a, b) = (a + b)),
    ('timeline_add_num', timeline_add_num(a, 2) = (a + 2)),
    ('timeline_num_add', timeline_num_add(2, a) = (2 + a)),
    ('timeline_sub', timeline_sub(a, b) = (a - b)),
    ('timeline_sub_num', timeline_sub_num(a, 2) = (a - 2)),
    ('timeline_num_sub', timeline_num_sub(2, a) = (2 - a)),
    ('timeline_mul', timeline_mul(a, b) = (a * b)),
    ('timeline_mul_num', timeline_mul_num(a, 2) = (a * 2)),
    ('timeline_num_mul', timeline_num_mul(2, a) = (2 * a)),
    ('timeline_div', timeline_div(a, b) = (a / b)),
    ('timeline_div_num', timeline_div_num(a, 2) = (a / 2)),
    ('timeline_num_div', timeline_num_div(2, a) = (2 / a)),
    ('timeline_lt_num', timeline_lt_num(a, 2) = (a < 2)),
    ('timeline_num_lt', timeline_num_lt(2, a) = (2 < a)),
    ('timeline_le_num', timeline_le_num(a, 2) = (a <= 2)),
    ('timeline_num_le', timeline_num_le(2, a) = (2 <= a)),
    ('timeline_eq_num', timeline_eq_num(a, 2) = (a = 2)),
    ('timeline_num_eq', timeline_num_eq(2, a) = (2 = a)),
    ('timeline_ne_num', timeline_ne_num(a, 2) = (a <> 2)),
    ('timeline_num_ne', timeline_num_ne(2, a) = (2 <> a)),
    ('timeline_ge_num', timeline_ge_num(a, 2) = (a >= 2)),
    ('timeline_num_ge', timeline_num_ge(2, a) = (2 >= a)),
    ('timeline_gt_num', timeline_gt_num(a, 2) = (a > 2)),
    ('timeline_num_gt', timeline_num_gt(2, a) = (2 > a)),
    ('timeline_eq', timeline_eq(a, a) = (a = a) AND timeline_eq(a, b) = (a = b)),
    ('timeline_ne', timeline_ne(a, b) = (a <> b) AND timeline_ne(a, a) = (a <> a))
) v(f, ok) WHERE NOT ok OR ok IS NULL;
-- and the number-on-the-left forms give what they must
SELECT 1 + a AS one_plus, 2 * a AS two_times, 3 > a AS three_gt, 2 = a AS two_eq, 2 <> a AS two_ne, 1 <= a AS one_le, 2 >= a AS two_ge FROM t;

-- empty inputs
SELECT 'discrete{}'::timeline + 'discrete{}'::timeline AS empty, observe(a, 'discrete{}') AS nothing_observed FROM t;
-- NULL arguments (strict)
SELECT (a + NULL::timeline) IS NULL AS tt, (a + NULL::float8) IS NULL AS tn, filter(a, NULL) IS NULL AS f FROM t;
-- fill_nulls too, unlike COALESCE; a timeline that may be missing (a FULL
-- JOIN of sources) is filled after COALESCE with the empty timeline
SELECT fill_nulls(a, NULL::float8) IS NULL AS fill_number, fill_nulls(NULL::timeline, a) IS NULL AS tl_missing,
       fill_nulls(COALESCE(NULL::timeline, 'discrete{}'), 'continuous{2024-01-01=>7, 2024-01-03=>NULL}'::timeline) AS coalesced
FROM t;
-- ticks take the highest seq of their instant: a point given that seq shares
-- a tick's position, one below it comes before the tick
SELECT ticks('2024-01-01', '2024-01-01', '1 day') + 'discrete{2024-01-01#9223372036854775807=>5}'::timeline AS shared,
       ticks('2024-01-01', '2024-01-01', '1 day') + 'discrete{2024-01-01#9223372036854775806=>5}'::timeline AS before;

-- two stored, out-of-line timelines, each larger than work_mem, as the two
-- arguments of one call and read by several call sites of one query (they
-- share the query's detoast cache): the first argument must survive the
-- fetch of the second (the cache keeps the two latest values whatever the
-- budget), and every answer equals the one from in-memory copies
CREATE TEMP TABLE big AS
SELECT k, timeline_agg(timestamptz '2024-01-01' + (g * k) * interval '1 minute', g * 10 + k) AS tl
FROM generate_series(1, 2) k, generate_series(1, 6000) g GROUP BY k;
CREATE TEMP TABLE big_copy AS SELECT k, tl::text::timeline AS tl FROM big;
SET work_mem = '64kB';
SET hash_mem_multiplier = 1;
SELECT pg_column_size(a.tl) > 64 * 1024 AS larger_than_work_mem,
       (a.tl + b.tl) = (ac.tl + bc.tl) AS plus_agrees,
       observe(b.tl, a.tl) = observe(bc.tl, ac.tl) AS observe_agrees,
       (SELECT count(*) FROM generate_series(0, 12000, 61) m
         WHERE value_at(a.tl, timestamptz '2024-01-01' + m * interval '1 minute')
                   IS DISTINCT FROM value_at(ac.tl, timestamptz '2024-01-01' + m * interval '1 minute')
            OR value_at(b.tl, timestamptz '2024-01-01' + m * interval '1 minute')
                   IS DISTINCT FROM value_at(bc.tl, timestamptz '2024-01-01' + m * interval '1 minute')
           ) AS wrong_lookups
FROM big a, big b, big_copy ac, big_copy bc
WHERE a.k = 1 AND b.k = 2 AND ac.k = 1 AND bc.k = 2;
RESET work_mem;
RESET hash_mem_multiplier;
