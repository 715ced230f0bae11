-- search_path: every function works unqualified; no built-in of the same
-- name captures the call, and the built-ins keep working on their own types
SET search_path = timeline, public;
SET TimeZone = 'UTC';
CREATE TEMP TABLE t AS SELECT 'discrete{2024-01-01=>1, 2024-01-02=>3}'::timeline AS tl;
SELECT pg_typeof(count(tl)) AS count, pg_typeof(sum(tl)) AS sum, pg_typeof(min(tl)) AS min, pg_typeof(max(tl)) AS max,
       pg_typeof(var_samp(tl)) AS var_samp, pg_typeof(stddev_pop(tl)) AS stddev_pop, pg_typeof(lag(tl, 1)) AS lag,
       pg_typeof(first(tl)) AS first, pg_typeof(filter(tl, tl > 1)) AS filter
FROM t;
SELECT value_at(sum(tl, '1 day'), '2024-01-02') AS trailing, value_at(count(tl), '2024-01-02') AS count FROM t;
-- the built-in aggregates still aggregate rows
SELECT count(*), count(x), sum(x), min(x), max(x), var_samp(x), stddev_pop(x) FROM generate_series(1, 4) x;
SELECT x, lag(x, 1) OVER (ORDER BY x) FROM generate_series(1, 3) x;
-- aggregating rows of timelines: a built-in count over a timeline column counts rows
SELECT count(*) FROM t;
