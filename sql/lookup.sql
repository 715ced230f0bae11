-- lookup: value_at, values_at, points, num_points, first_time, last_time, slice
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

CREATE TEMP TABLE t (name text, tl timeline);
INSERT INTO t VALUES
    ('a', 'discrete{2024-01-01=>1, 2024-01-02=>2, 2024-01-02=>3, 2024-01-03=>NULL, 2024-01-05=>5}'),
    ('empty', 'discrete{}'),
    ('cont', 'continuous{2024-01-01 12:00=>7}');

-- as of, inclusive: before the first point, exactly at points, between, at a tie, at a NULL point, after the last
SELECT name, t0 AS at, value_at(tl, t0)
FROM t, unnest(ARRAY['2023-12-31', '2024-01-01', '2024-01-01 23:59:59.999999', '2024-01-02',
                     '2024-01-03', '2024-01-04', '2024-01-05', '2100-01-01']::timestamptz[]) t0
ORDER BY name, t0;
-- NULL arguments (strict)
SELECT value_at(NULL, '2024-01-01') IS NULL AS null_tl, value_at(tl, NULL) IS NULL AS null_time FROM t WHERE name = 'a';
-- infinite probe times are fine: nothing is after infinity, nothing before -infinity
SELECT value_at(tl, 'infinity'), value_at(tl, '-infinity') FROM t WHERE name = 'a';

-- max_age: NULL when the latest point is older than t - max_age (a point exactly that old still counts)
SELECT m AS max_age, value_at(tl, '2024-01-05 12:00', m) AS at_noon, value_at(tl, '2024-01-04 00:00', m) AS at_4th
FROM t, unnest(ARRAY['0', '12 hours', '1 day', '2 days', '1 month']::interval[]) m
WHERE name = 'a' ORDER BY m;
-- the latest point is NULL: the answer is NULL whatever the age
SELECT value_at(tl, '2024-01-03 01:00', '1 day') FROM t WHERE name = 'a';
SELECT value_at(tl, 'infinity', '1 day') AS at_infinity, value_at(tl, '-infinity', '1 day') AS at_minus_infinity FROM t WHERE name = 'a';
SELECT pg_temp.try($$SELECT value_at('discrete{}'::timeline.timeline, now(), '-1 second')$$) AS negative_max_age;
-- t - max_age before the timestamp range: every point is young enough (it
-- failed with 22008, timestamp out of range), as for a trailing window
SELECT value_at('{2024-01-01=>1}'::timeline, '2024-01-02', '300000 years') AS ages_beyond_the_range,
       value_at('{4714-11-24 00:00+00 BC=>1}'::timeline, '4714-11-25 00:00+00 BC', '2 days') AS near_the_start,
       value_at('{4714-11-24 00:00+00 BC=>1}'::timeline, '4714-11-26 00:00+00 BC', '1 day') AS too_old_there;

-- values_at: same order and shape as the input, NULL times give NULL
SELECT values_at(tl, ARRAY['2024-01-02', NULL, '2023-01-01', '2024-01-05', '2024-01-01']::timestamptz[]) FROM t WHERE name = 'a';
SELECT values_at(tl, '{}'::timestamptz[]) FROM t WHERE name = 'a';
SELECT values_at(tl, '[0:1]={2024-01-01,2024-01-05}'::timestamptz[]) FROM t WHERE name = 'a';
SELECT values_at(tl, '{{2024-01-01,2024-01-02},{2024-01-03,2024-01-05}}'::timestamptz[]) FROM t WHERE name = 'a';

-- points, in position order
SELECT name, p.* FROM t, points(tl) p ORDER BY name;
SELECT count(*) FROM points('discrete{}');

-- counts and bounds
SELECT name, num_points(tl), first_time(tl), last_time(tl), kind(tl) FROM t ORDER BY name;

-- slice: from <= time < to, NULL bound unbounded, kind and seqs kept
SELECT slice(tl, '2024-01-02', '2024-01-05') FROM t WHERE name = 'a';
SELECT slice(tl, NULL, '2024-01-02') FROM t WHERE name = 'a';
SELECT slice(tl, '2024-01-03', NULL) FROM t WHERE name = 'a';
SELECT slice(tl, NULL, NULL) = tl AS whole FROM t WHERE name = 'a';
SELECT slice(tl, '2024-01-02', '2024-01-02') FROM t WHERE name = 'a';
SELECT slice(tl, '2024-01-01', '2024-01-02') FROM t WHERE name = 'cont';
SELECT slice('continuous{2024-01-01#5=>1, 2024-01-01#6=>2, 2024-01-02#1=>3}', '2024-01-01', '2024-01-01 00:00:01');
SELECT slice(NULL, '2024-01-01', '2024-01-02') IS NULL AS null_tl;
SELECT pg_temp.try($$SELECT timeline.slice('discrete{}', '2024-01-02', '2024-01-01')$$) AS reversed_bounds;

-- a stored, out-of-line timeline probed many times in one query gives the same
-- answers as probing an in-memory copy (the detoast cache is transparent)
CREATE TEMP TABLE stored AS
SELECT k, timeline_agg(timestamptz '2024-01-01' + g * interval '1 minute', g + k) AS tl
FROM generate_series(1, 3) k, generate_series(1, 20000) g GROUP BY k;
CREATE TEMP TABLE probes AS
SELECT (i % 3) + 1 AS k, timestamptz '2024-01-01' + (i * 7 % 25000) * interval '1 minute' AS ts
FROM generate_series(1, 30000) i;
SELECT count(*) AS probes,
       count(*) FILTER (WHERE value_at(s.tl, p.ts) IS DISTINCT FROM
                              CASE WHEN p.ts < '2024-01-01 00:01' THEN NULL
                                   ELSE least(extract(epoch FROM p.ts - '2024-01-01') / 60, 20000) + p.k END) AS wrong
FROM probes p JOIN stored s USING (k);
-- the same with a cache far smaller than one timeline (always keeps the last one)
SET work_mem = '64kB';
SET hash_mem_multiplier = 1;
SELECT count(*) FILTER (WHERE value_at(s.tl, p.ts) IS DISTINCT FROM
                              CASE WHEN p.ts < '2024-01-01 00:01' THEN NULL
                                   ELSE least(extract(epoch FROM p.ts - '2024-01-01') / 60, 20000) + p.k END) AS wrong
FROM probes p JOIN stored s USING (k);
RESET work_mem;
RESET hash_mem_multiplier;
-- a query that reads each of its first 256 out-of-line timelines once
-- streams (the cache keeps only the two in use), and goes back to caching
-- when a timeline it let go comes back: 400 timelines read in key order,
-- then all of them again, the same answers every time
CREATE TEMP TABLE stored2 AS
SELECT k, timeline_agg(timestamptz '2024-01-01' + g * interval '1 minute', g * k) AS tl
FROM generate_series(1, 400) k, generate_series(1, 300) g GROUP BY k;
SELECT pg_relation_size(reltoastrelid) > 400 * 4096 AS out_of_line FROM pg_class WHERE oid = 'stored2'::regclass;
SELECT count(*) AS reads,
       count(*) FILTER (WHERE value_at(s.tl, timestamptz '2024-01-01' + r.m * interval '1 minute') IS DISTINCT FROM
                              (r.m * s.k)::float8) AS wrong
FROM (SELECT i, (i - 1) % 400 + 1 AS k, 1 + (i * 37) % 300 AS m FROM generate_series(1, 1200) i) r
JOIN LATERAL (SELECT * FROM stored2 s WHERE s.k = r.k OFFSET 0) s ON true;
-- the cache counts the memory its values take, not their lengths: values of
-- a little over 2kB take 4kB chunks, and counting 2kB let it hold twice its
-- budget (1MB of 512kB here); 600 such timelines probed in an order that
-- keeps bringing them back, the cache's memory read at the end of the query
CREATE TEMP TABLE stored3 AS
SELECT k, timeline_agg(timestamptz '2024-01-01' + g * interval '1 minute', g * k) AS tl
FROM generate_series(1, 600) k, generate_series(1, 130) g GROUP BY k;
SELECT min(pg_column_size(tl)) > 2048 AND max(pg_column_size(tl)) < 2200 AS just_over_2kb,
       pg_relation_size(reltoastrelid) > 600 * 2048 AS out_of_line
FROM stored3, pg_class WHERE pg_class.oid = 'stored3'::regclass GROUP BY reltoastrelid;
CREATE FUNCTION pg_temp.cache_bytes() RETURNS bigint LANGUAGE sql VOLATILE AS $$
SELECT sum(used_bytes)::bigint FROM pg_backend_memory_contexts
WHERE name = 'timeline detoast cache' AND parent <> 'timeline detoast cache'
$$;
SET work_mem = '512kB';
SET hash_mem_multiplier = 1;
SELECT count(*) AS reads,
       count(*) FILTER (WHERE v IS DISTINCT FROM (r.m * r.k)::float8) AS wrong,
       pg_temp.cache_bytes() <= 512 * 1024 + 16384 AS within_budget
FROM (SELECT i, (i * 7919) % 600 + 1 AS k, 1 + (i * 37) % 130 AS m FROM generate_series(1, 6000) i) r
JOIN LATERAL (SELECT value_at(s.tl, timestamptz '2024-01-01' + r.m * interval '1 minute') AS v
              FROM stored3 s WHERE s.k = r.k OFFSET 0) s ON true;
RESET work_mem;
RESET hash_mem_multiplier;

-- a fence (detoast_cache.c, timeline.c): a stored timeline of 3,000 points
-- (three to a second, valued 0 to 2999 in time order) searched 3,000 times
-- in one query gets one after its fourth search; value_at and values_at
-- through it: at each second the last of its three points, a microsecond
-- before it the last of the second before (NULL before the first)
CREATE TEMP TABLE fenced AS
SELECT timeline_agg(timestamptz '2024-01-01' + (g / 3) * interval '1 second', g::float8) AS tl
FROM generate_series(0, 2999) g;
CREATE TEMP TABLE fence_probes AS
SELECT s, d, timestamptz '2024-01-01' + s * interval '1 second' + d * interval '1 microsecond' AS t,
       CASE WHEN d >= 0 THEN 3 * s + 2 WHEN s > 0 THEN 3 * s - 1 END::float8 AS want
FROM generate_series(0, 999) s, (VALUES (-1), (0), (1)) v(d)
ORDER BY (s * 7919 + d) % 3001;
SELECT pg_column_size(f.tl) > 2000 AS toasted, count(*) AS probes,
       count(*) FILTER (WHERE value_at(f.tl, p.t) IS DISTINCT FROM p.want) AS wrong
FROM fenced f, fence_probes p GROUP BY 1;
SELECT count(*) AS probes, count(*) FILTER (WHERE u.v IS DISTINCT FROM p.want) AS wrong
FROM fenced f,
     unnest((SELECT array_agg(t) FROM fence_probes), values_at(f.tl, (SELECT array_agg(t) FROM fence_probes))) AS u(t, v)
JOIN fence_probes p USING (t);
