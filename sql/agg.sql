-- agg: timeline_agg builds a discrete timeline from rows
SET search_path = timeline, public;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET extra_float_digits = 0;

CREATE FUNCTION pg_temp.try(sql text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    detail text;
BEGIN
    EXECUTE sql;
    RETURN 'ok';
EXCEPTION WHEN others THEN
    GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL;
    RETURN SQLSTATE || ': ' || SQLERRM || coalesce(' / ' || nullif(detail, ''), '');
END $$;

CREATE TEMP TABLE ev (id bigint, entity int, ts timestamptz, v float8, flag bool);
INSERT INTO ev VALUES
    (1, 1, '2024-01-03', 30, true),
    (2, 1, '2024-01-01', 10, false),
    (3, 1, '2024-01-02', 20, NULL),
    (4, 1, '2024-01-02', 5, true),
    (5, 1, '2024-01-02', NULL, false),
    (6, 1, '2024-01-02', 'NaN', true),
    (7, 1, NULL, 99, true),
    (8, 2, '2024-01-01', NULL, NULL),
    (9, 3, NULL, 1, true);

-- sorted by time; ties ordered by value (NaN above numbers), NULLs last;
-- the NULL-time row is skipped; a group with only NULL times gives NULL
SELECT entity, timeline_agg(ts, v) FROM ev GROUP BY entity ORDER BY entity;
-- the result does not depend on input order
SELECT (SELECT timeline_agg(ts, v) FROM (SELECT * FROM ev WHERE entity = 1 ORDER BY id) s)
     = (SELECT timeline_agg(ts, v) FROM (SELECT * FROM ev WHERE entity = 1 ORDER BY id DESC) s) AS order_independent;
-- with a seq: ordered by (time, seq)
SELECT entity, timeline_agg(ts, v, id) FROM ev GROUP BY entity ORDER BY entity;
-- boolean overloads: true 1, false 0, NULL stays NULL
SELECT entity, timeline_agg(ts, flag) FROM ev GROUP BY entity ORDER BY entity;
SELECT entity, timeline_agg(ts, flag, id) FROM ev GROUP BY entity ORDER BY entity;
-- integers and numerics cast to float8 implicitly
SELECT timeline_agg(ts, x) FROM (VALUES ('2024-01-01'::timestamptz, 1::int), ('2024-01-02', 2)) v(ts, x);
SELECT timeline_agg(ts, x) FROM (VALUES ('2024-01-01'::timestamptz, 1.25::numeric)) v(ts, x);
-- no rows: NULL, like other aggregates
SELECT timeline_agg(ts, v) IS NULL AS no_rows FROM ev WHERE false;
-- ORDER BY inside the call is allowed and changes nothing
SELECT timeline_agg(ts, v ORDER BY id DESC) = timeline_agg(ts, v) AS same FROM ev;
-- as a window function over a growing frame (final function called repeatedly)
SELECT id, num_points(timeline_agg(ts, v) OVER (ORDER BY id)) FROM ev WHERE entity = 1 ORDER BY id;
-- FILTER works as for any aggregate
SELECT timeline_agg(ts, v) FILTER (WHERE v > 10) FROM ev;

-- errors
SELECT pg_temp.try($$SELECT timeline_agg(t, 1) FROM (VALUES ('infinity'::timestamptz)) v(t)$$) AS infinite_time;
SELECT pg_temp.try($$SELECT timeline_agg(t, 1) FROM (VALUES ('-infinity'::timestamptz)) v(t)$$) AS minus_infinite_time;
SELECT pg_temp.try($$SELECT timeline_agg(ts, v, NULL::bigint) FROM ev$$) AS null_seq;
SELECT pg_temp.try($$SELECT timeline_agg(ts, v, 7) FROM ev$$) AS duplicate_position;
SELECT pg_temp.try($$SELECT timeline_agg(ts, v, entity) FROM ev$$) AS duplicate_position_2;

-- many points per group and many groups
SELECT count(*) AS groups, sum(num_points(tl)) AS points, min(num_points(tl)), max(num_points(tl))
FROM (SELECT g % 100 AS k, timeline_agg(timestamptz '2024-01-01' + (g % 37) * interval '1 hour', g) AS tl
      FROM generate_series(1, 100000) g GROUP BY 1) s;

-- grouping sets: a MixedAggregate plan (hashed and sorted sets in one node)
-- gives each set its own memory context; this once looped forever
CREATE TEMP TABLE gs AS SELECT i % 3 AS a, i AS b, timestamptz '2024-01-01' AS ts, 1.0::float8 AS v
FROM generate_series(1, 1000) i;
CREATE INDEX ON gs (a);
ANALYZE gs;
SET enable_seqscan = off;
SET enable_sort = off;
SET statement_timeout = '60s';
EXPLAIN (COSTS OFF)
SELECT a, b, num_points(timeline_agg(ts, v)) FROM gs GROUP BY GROUPING SETS ((a), (b));
SELECT count(*) AS groups, sum(n) AS points
FROM (SELECT a, b, num_points(timeline_agg(ts, v)) AS n FROM gs GROUP BY GROUPING SETS ((a), (b))) s;
RESET statement_timeout;
RESET enable_seqscan;
RESET enable_sort;

-- values that compare equal but print differently still get one order
CREATE TEMP TABLE zero (ts timestamptz, v float8, o int);
INSERT INTO zero VALUES ('2024-01-01', 0, 1), ('2024-01-01', '-0', 2);
SELECT timeline_agg(ts, v ORDER BY o)::text = timeline_agg(ts, v ORDER BY o DESC)::text AS same_text,
       timeline_agg(ts, v ORDER BY o)
FROM zero;
