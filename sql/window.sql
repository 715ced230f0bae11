-- window: aggregations over a timeline, lifetime, trailing, since and sliding
SET search_path = timeline, public;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET extra_float_digits = 0;

CREATE FUNCTION pg_temp.try(sql text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE sql;
    RETURN 'ok';
EXCEPTION WHEN others THEN
    RETURN SQLSTATE || ': ' || SQLERRM;
END $$;

-- one timeline: a tie at Jan 2 (2 and NULL), then 4 and 10
CREATE TEMP TABLE t AS
SELECT 'discrete{2024-01-01=>1, 2024-01-02=>2, 2024-01-02=>NULL, 2024-01-04=>4, 2024-01-10=>10}'::timeline AS tl;
-- a reset: one point at Jan 2, positioned first among Jan 2's points, but a
-- reset takes effect after every point of its instant
CREATE TEMP TABLE r AS SELECT 'discrete{2024-01-02=>1, 2024-01-05=>0, 2024-01-06=>1}'::timeline AS reset;

-- every aggregate, lifetime: a point at every input point, NULLs skipped
SELECT f, agg FROM t, LATERAL (VALUES
    ('count', count(tl)), ('count_if', count_if(tl)), ('sum', sum(tl)), ('mean', mean(tl)),
    ('min', min(tl)), ('max', max(tl)), ('first', first(tl)), ('last', last(tl)),
    ('var_samp', var_samp(tl)), ('var_pop', var_pop(tl)),
    ('stddev_samp', stddev_samp(tl)), ('stddev_pop', stddev_pop(tl))) v(f, agg);

-- trailing 2 days: (t - 2 days, t]; values leave at point time + 2 days, so
-- Jan 3 (1 leaves), Jan 6 (4 leaves) and Jan 12 (10 leaves) get points of their own
SELECT sum(tl, '2 days'), count(tl, '2 days') FROM t;
SELECT p.time, p.value AS sum, value_at(count(tl, '2 days'), p.time) AS count,
       value_at(min(tl, '2 days'), p.time) AS min, value_at(max(tl, '2 days'), p.time) AS max,
       value_at(first(tl, '2 days'), p.time) AS first, value_at(last(tl, '2 days'), p.time) AS last,
       value_at(var_pop(tl, '2 days'), p.time) AS var_pop
FROM t, points(sum(tl, '2 days')) p;
-- window edge exactly on a point: at Jan 4 the window (Jan 2, Jan 4] excludes Jan 2
SELECT value_at(sum(tl, '2 days'), '2024-01-04') AS at_edge,
       value_at(sum(tl, '2 days'), '2024-01-03 23:59:59.999999') AS just_before,
       value_at(sum(tl, '2 days'), '2024-01-05 23:59:59.999999') AS before_leave,
       value_at(sum(tl, '2 days'), '2024-01-06') AS at_leave FROM t;
-- a calendar width: the window is (t - 1 month, t]; Jan 31 is still in it on
-- Feb 29 (Feb 29 - 1 month = Jan 29) and leaves on Mar 1 (Mar 1 - 1 month = Feb 1)
SELECT count('discrete{2024-01-31=>1, 2024-03-01=>1}'::timeline, '1 month');
SELECT value_at(count('discrete{2021-01-31=>1}'::timeline, '1 month'), '2021-02-28') AS feb28;
-- '1 day' across a daylight-saving change is measured in local time, as t - interval is
SET TimeZone = 'America/New_York';
SELECT value_at(count('discrete{2021-03-13 02:30=>1}'::timeline, '1 day'), '2021-03-14 03:15') AS after_dst,
       value_at(count('discrete{2021-03-13 02:30=>1}'::timeline, '1 day'), '2021-03-14 01:59:59') AS before_leave,
       first_time(slice(count('discrete{2021-03-13 02:30=>1}'::timeline, '1 day'), '2021-03-13 03:00', NULL)) AS leaves_at;
SET TimeZone = 'UTC';
-- explicit seqs: a point of its own where a value leaves gets the lowest seq
SELECT sum('discrete{2024-01-01#5=>1, 2024-01-02#1=>2}'::timeline, '1 day');

-- since a reset: windows (previous reset, t]; the resetting instant belongs to the window it closes
SELECT sum(tl, reset), count(tl, reset) FROM t, r;
-- sliding over the last 2 reset periods
SELECT sum(tl, reset, 2) FROM t, r;
-- a continuous reset resets after every position while it holds
SELECT count(tl, 'continuous{2024-01-03=>1}'::timeline) FROM t;
-- tumbling windows by composition: sums for (previous tick, tick] at each tick
SELECT observe(sum(tl, ticks('2024-01-01', '2024-01-12', '3 days')), ticks('2024-01-01', '2024-01-12', '3 days')) FROM t;

-- an empty window: count 0, NULL for the rest; var_samp and stddev_samp need 2 values
SELECT value_at(count(tl, '1 hour'), '2024-01-03') AS count, value_at(sum(tl, '1 hour'), '2024-01-03') AS sum,
       value_at(var_samp(tl, '1 day'), '2024-01-01') AS var_samp_one, value_at(var_pop(tl, '1 day'), '2024-01-01') AS var_pop_one
FROM t;
-- NULL-only and empty inputs
SELECT sum('discrete{2024-01-01=>NULL}'::timeline), count('discrete{2024-01-01=>NULL}'::timeline), sum('discrete{}'::timeline, '1 day');
-- NaN and infinities follow float8; like PostgreSQL, any of them makes a variance NaN
SELECT max('discrete{2024-01-01=>1, 2024-01-02=>NaN}'::timeline), min('discrete{2024-01-01=>Infinity, 2024-01-02=>-Infinity}'::timeline, '1 day');
SELECT var_samp('discrete{2024-01-01=>1, 2024-01-02=>NaN, 2024-01-03=>2, 2024-01-04=>3}'::timeline, '2 days') AS var_samp_nan_leaves,
       var_pop('discrete{2024-01-01=>Infinity}'::timeline) AS var_pop_inf,
       stddev_pop('discrete{2024-01-01=>NaN}'::timeline) AS stddev_nan;
-- a continuous input is aggregated over its points
SELECT sum(sum(tl)) FROM t;
-- many points: the trailing result is one pass (values checked by the oracle tests)
SELECT num_points(sum(timeline_agg(timestamptz '2024-01-01' + g * interval '1 minute', g), '1 hour')) FROM generate_series(1, 100000) g;

-- evaluated at every event: observe(f(tl, ...), tl) becomes aggregate_at_points
-- (observe_support, the planner support function of observe),
-- which has only tl's own points (no point where a value leaves), discrete
SELECT observe(count(tl, '2 days'), tl) AS observed, count(tl, '2 days') AS full FROM t;
SELECT aggregate_at_points(tl, 'sum', '2 days') AS trailing, aggregate_at_points(tl, 'last') AS lifetime,
       aggregate_at_points(tl, 'count_if', reset) AS since, aggregate_at_points(tl, 'max', reset, 2) AS sliding
FROM t, r;
EXPLAIN (VERBOSE, COSTS OFF) SELECT observe(count(tl, '2 days'), tl), observe(sum(tl, reset), tl), observe(sum(tl), reset) FROM t, r;
-- read at given times: values_at(f(tl [, width]), times) becomes aggregate_at_times
-- (values_at_support), which
-- needs no result timeline (times in any order; NULL stays NULL; before the first point NULL)
SELECT values_at(count(tl, '2 days'), ARRAY['2024-01-05', NULL, '2023-12-31', '2024-01-02', 'infinity']::timestamptz[]) AS count_2d,
       aggregate_at_times(tl, 'sum', '2 days', ARRAY['2024-01-05', NULL, '2023-12-31', '2024-01-02', 'infinity']::timestamptz[]) AS sum_2d,
       aggregate_at_times(tl, 'mean', ARRAY['2024-01-05', '2024-01-01 12:00']::timestamptz[]) AS mean,
       aggregate_at_times(tl, 'sum', '{}'::timestamptz[]) AS no_times
FROM t;
EXPLAIN (VERBOSE, COSTS OFF) SELECT values_at(count(tl, '2 days'), ARRAY[now()]), values_at(sum(tl), ARRAY[now()]), values_at(sum(tl, reset), ARRAY[now()]) FROM t, r;
-- a value that never leaves within the timestamp range is still there at infinity
SELECT aggregate_at_times('discrete{294276-12-30=>1}'::timeline, 'count', '7 days', ARRAY['infinity', '294276-12-31']::timestamptz[]) AS at_times,
       value_at(count('discrete{294276-12-30=>1}'::timeline, '7 days'), 'infinity') AS from_timeline;
SELECT pg_temp.try($$SELECT timeline.aggregate_at_times('discrete{}'::timeline.timeline, 'median', '{}'::timestamptz[])$$) AS unknown_aggregate_at_times;
SELECT pg_temp.try($$SELECT timeline.aggregate_at_points('discrete{}'::timeline.timeline, 'median')$$) AS unknown_aggregate;
SELECT pg_temp.try($$SELECT timeline.aggregate_at_points('discrete{}'::timeline.timeline, 'sum', interval '0')$$) AS zero_width;
SELECT pg_temp.try($$SELECT timeline.aggregate_at_points('discrete{}'::timeline.timeline, 'sum', 'discrete{}'::timeline.timeline, 0)$$) AS zero_periods;

-- errors
SELECT pg_temp.try($$SELECT timeline.sum('discrete{}'::timeline.timeline, interval '0')$$) AS zero_width;
SELECT pg_temp.try($$SELECT timeline.sum('discrete{}'::timeline.timeline, interval '-1 day')$$) AS negative_width;
SELECT pg_temp.try($$SELECT timeline.sum('discrete{2024-01-01=>1}'::timeline.timeline, interval '1 month -40 days')$$) AS backward_width;
SELECT pg_temp.try($$SELECT timeline.sum('discrete{}'::timeline.timeline, 'discrete{}'::timeline.timeline, 0)$$) AS zero_periods;
-- NULL arguments (strict)
SELECT sum(NULL::timeline) IS NULL AS a, sum(tl, NULL::interval) IS NULL AS b, sum(tl, NULL::timeline) IS NULL AS c, sum(tl, reset, NULL) IS NULL AS d FROM t, r;
