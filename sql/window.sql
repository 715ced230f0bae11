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
-- t - interval can move back as t moves forward, and then values come back
-- into the window: 2024-03-11 02:30 - 1 day is 2024-03-10 03:30 (02:30 does
-- not exist that day), but 2024-03-11 03:00 - 1 day is 2024-03-10 03:00
SELECT sum('discrete{2024-03-10 03:30=>1}'::timeline, '1 day');
SELECT aggregate_at_times('discrete{2024-03-10 03:30=>1}'::timeline, 'count', '1 day',
                          '{2024-03-11 02:29, 2024-03-11 02:30, 2024-03-11 02:59, 2024-03-11 03:00, 2024-03-11 03:30}');
-- the same where clocks fall back: 2024-11-03 01:30 EST - 1 day is 01:30 EDT the day before
SELECT count('discrete{2024-11-02 01:30-04=>1, 2024-11-03 01:10-04=>2}'::timeline, '1 day');
SET TimeZone = 'UTC';
-- and at month ends in any zone: 2024-03-30 00:00 - 1 month is 2024-02-29
-- 00:00 (there is no Feb 30), a day before 2024-03-29 23:59 - 1 month
SELECT count('discrete{2024-02-29 12:00=>1}'::timeline, '1 month');
SELECT value_at(sum('discrete{2024-02-29 12:00=>1}'::timeline, '1 month'), '2024-03-30 06:00') AS back_on_0330,
       timeline.state_value_at(timeline.state_advance(timeline.state_new('sum', '1 month'),
                                                      'discrete{2024-02-29 12:00=>1}'::timeline),
                               '2024-03-30 06:00') AS state_agrees;
-- explicit seqs: a point of its own where a value leaves gets the lowest seq,
-- also at an instant with input points (before them)
SELECT sum('discrete{2024-01-01#5=>1, 2024-01-02#1=>2}'::timeline, '1 day');
-- so another timeline's position at that instant, before the input's point
-- there (an event of another kind), reads the window without the value that
-- left: NULL and 0 at #2 (it read 10 and 1, from 2024-01-01; helper-49's
-- feature_stats oracle), the new value at #3; values_at, after every point
-- of the instant, unchanged
SELECT observe(sum(b, '1 day'), e) AS sum_at_events, observe(count(b, '1 day'), e) AS count_at_events,
       values_at(sum(b, '1 day'), ARRAY['2024-01-02']::timestamptz[]) AS sum_at_instant
FROM (SELECT 'discrete{2024-01-01#1=>10, 2024-01-02#3=>7}'::timeline AS b,
             'discrete{2024-01-01#1=>1, 2024-01-02#2=>1, 2024-01-02#3=>1}'::timeline AS e) x;

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
-- month widths and monthly ticks at the ends of the range (22008 before)
SELECT sum('discrete{294276-11-15=>1, 294276-12-01=>2}'::timeline, '1 month') AS last_months,
       sum('discrete{4713-01-02 BC=>1, 4713-02-05 BC=>2}'::timeline, '1 month') AS first_months;
SELECT ticks('294276-09-01', '294276-12-31', '1 month') AS last_ticks,
       ticks('4713-01-01 BC', '4713-03-01 BC', '1 month') AS first_ticks;
-- widths where PostgreSQL's own t - w leaves the range (22008 before), which
-- go on past it: longer than the whole range, so nothing leaves; a month
-- forward and 40 days back from the range's first month (the value leaves
-- on 4714-12-29 BC, when t + 1 month - 40 days reaches it); 292,500 years,
-- longer than int64 microseconds, from the range's first month to
-- 287787-11-30, within it
SELECT sum('discrete{2020-01-01=>1, 2021-01-01=>2}'::timeline, '300000 years') AS longer_than_range,
       sum('discrete{4714-12-20 BC=>1}'::timeline, '-1 mon 40 days') AS forward_then_back,
       sum('discrete{4714-11-30 BC=>1}'::timeline, '292500 years') AS longest_that_leaves;
-- the same in New York, whose clocks change twice a year to the end of the
-- range: a width longer than the range (the searches from each offset
-- change scanned thousands of years, over an hour without a way to cancel;
-- found by a helper's review)
SET TimeZone = 'America/New_York';
SELECT sum('discrete{4713-11-24 00:00:00+00 BC=>1}'::timeline, '300000 years') AS longer_than_range_ny;
SET TimeZone = 'UTC';
-- the last month: 294276-12-31 minus a month is clamped to 11-30, so the
-- value leaves on 12-30 at noon and is back from midnight to noon on 12-31
SELECT sum('discrete{294276-11-30 12:00=>1}'::timeline, '1 month') AS back_on_the_last_day;
-- a value outside its own window (t - w is t or later) that comes back a
-- microsecond later: at 1995-03-29 00:00, '1 mon -28 days' back is 03-28
-- 00:00 (02-29 clamped to 02-28, plus 28 days); it leaves at 23:59:59.999999
-- and comes back at each of the next two midnights (found by a helper's
-- fuzzing: the point was never back)
SELECT sum('discrete{1995-03-28 23:59:59.999999=>5}'::timeline, '1 mon -28 days') AS back_a_microsecond_later;
-- a zone's changes far ahead: St. John's falls back from 02:00 NDT to
-- 01:00 NST on the first Sunday of November, the same days 400 years
-- apart.  '4800 mons' back from 2815-11-01 01:30 NDT is 2415-11-01 01:30
-- NST (of two such wall times PostgreSQL takes the later), so the value of
-- 01:30 NST leaves; from 01:00 NST the wall time repeats and t - w moves
-- back an hour: the value is back until 01:30 NST (the zone's changes after
-- 2769-11-02 were not found: found by a helper's fuzzing)
SET TimeZone = 'America/St_Johns';
SELECT sum('discrete{2415-11-01 05:00+00=>1}'::timeline, '4800 mons') AS four_hundred_years_on;
SET TimeZone = 'UTC';
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

-- read_at_times: several readings of a few timelines at the same times, one
-- row per time (ids in order, NULL times give NULL readings, a NULL
-- timeline gives NULL columns, ends NULL for a between reading)
SELECT * FROM read_at_times(ARRAY[10, 11, 12, 13, 14]::int8[],
                            ARRAY['2024-01-05', NULL, '2023-12-31', '2024-01-02', 'infinity']::timestamptz[],
                            ARRAY['2024-01-11', '2024-01-03', '2024-01-02', NULL, 'infinity']::timestamptz[],
                            '{value,value_at_ends,at,at,between,at}', '{NULL,NULL,sum,count,sum,sum}',
                            ARRAY[NULL, NULL, NULL, '2 days', NULL, NULL]::interval[], '{1,1,1,1,1,2}',
                            (SELECT tl FROM t), NULL::timeline)
              AS u(id int8, v float8, v_end float8, sum float8, count_2d float8, sum_between float8, sum_null float8);
-- the same through the single-column functions
SELECT values_at(tl, ARRAY['2024-01-05', NULL, '2023-12-31', '2024-01-02', 'infinity']::timestamptz[]) AS v,
       aggregate_at_times(tl, 'sum', ARRAY['2024-01-05', NULL, '2023-12-31', '2024-01-02', 'infinity']::timestamptz[]) AS sum,
       aggregate_at_times(tl, 'count', '2 days', ARRAY['2024-01-05', NULL, '2023-12-31', '2024-01-02', 'infinity']::timestamptz[]) AS count_2d,
       aggregates_between(tl, 'sum', ARRAY['2024-01-05', NULL, '2023-12-31', '2024-01-02', 'infinity']::timestamptz[],
                          ARRAY['2024-01-11', '2024-01-03', '2024-01-02', NULL, 'infinity']::timestamptz[]) AS sum_between
FROM t;
-- on random timelines (fractions, NULL values, ties; 2 hours, 1 day and
-- 1 month widths, a filtered state) at random times, every reading equals
-- the single-column function's, bit for bit; rows that differ (0)
SELECT setseed(0.25);
CREATE TEMP TABLE rt_ev AS
SELECT e, timestamptz '2024-01-01' + floor(random() * 20000) * interval '1 minute' AS ts,
       CASE WHEN random() < 0.1 THEN NULL ELSE round((random() * 200 - 100)::numeric, 3)::float8 END AS v
FROM generate_series(1, 60) e, generate_series(1, (e * 7) % 150) i;
CREATE TEMP TABLE rt AS
SELECT e, timeline_agg(ts, v) AS a, timeline_agg(ts, 1::float8) FILTER (WHERE v > 0) AS b,
       (SELECT array_agg(timestamptz '2024-01-01' + random() * interval '16 days') || NULL::timestamptz
        FROM generate_series(1, 1 + e % 9) WHERE e > 0) AS ts
FROM rt_ev GROUP BY e;
CREATE TEMP TABLE rt_read AS
SELECT e, u.*
FROM rt, read_at_times((SELECT array_agg(k) FROM generate_series(1, cardinality(rt.ts)) k)::int8[], rt.ts,
                       (SELECT array_agg(x + interval '1 day') FROM unnest(rt.ts) x),
                       '{at,at,at,at,at,at,at,value,between,value_at_ends}',
                       '{sum,mean,stddev_samp,count,max,count,last,NULL,sum,NULL}',
                       ARRAY['2 hours', '1 day', '1 mon', '1 day', NULL, NULL, '2 hours', NULL, NULL, NULL]::interval[],
                       '{1,1,1,1,1,2,1,1,1,2}', a, b)
           AS u(k int8, c1 float8, c2 float8, c3 float8, c4 float8, c5 float8, c6 float8, c7 float8, c8 float8, c9 float8, c10 float8);
SELECT count(*) AS rows,
       count(*) FILTER (WHERE c1 IS DISTINCT FROM (aggregate_at_times(a, 'sum', '2 hours', ts))[k]
                           OR c2 IS DISTINCT FROM (aggregate_at_times(a, 'mean', '1 day', ts))[k]
                           OR c3 IS DISTINCT FROM (aggregate_at_times(a, 'stddev_samp', '1 mon', ts))[k]
                           OR c4 IS DISTINCT FROM (aggregate_at_times(a, 'count', '1 day', ts))[k]
                           OR c5 IS DISTINCT FROM (aggregate_at_times(a, 'max', ts))[k]
                           OR c6 IS DISTINCT FROM (aggregate_at_times(b, 'count', ts))[k]
                           OR c7 IS DISTINCT FROM (aggregate_at_times(a, 'last', '2 hours', ts))[k]
                           OR c8 IS DISTINCT FROM (values_at(a, ts))[k]
                           OR c9 IS DISTINCT FROM (aggregates_between(a, 'sum', ts, (SELECT array_agg(x + interval '1 day') FROM unnest(ts) x)))[k]
                           OR c10 IS DISTINCT FROM (values_at(b, (SELECT array_agg(x + interval '1 day') FROM unnest(ts) x)))[k]) AS differ,
       count(*) FILTER (WHERE c3 IS NOT NULL AND c3 <> 0) > 0 AS some_stddev,
       count(*) FILTER (WHERE c1 IS NOT NULL) > 0 AS some_sum
FROM rt_read JOIN rt USING (e);
-- count_rows counts points, NULL values too: on the timelines with NULL
-- values above it equals count over a timeline of ones with the same rows
-- (lifetime, 2 hours, 1 month, between), where count differs at some rows
CREATE TEMP TABLE rt_ones AS SELECT e, timeline_agg(ts, 1::float8) AS o FROM rt_ev GROUP BY e;
SELECT count(*) AS rows,
       count(*) FILTER (WHERE r1 IS DISTINCT FROM (aggregate_at_times(o, 'count', ts))[k]
                           OR r2 IS DISTINCT FROM (aggregate_at_times(o, 'count', '2 hours', ts))[k]
                           OR r3 IS DISTINCT FROM (aggregate_at_times(o, 'count', '1 mon', ts))[k]
                           OR r4 IS DISTINCT FROM (aggregates_between(o, 'count', ts, (SELECT array_agg(x + interval '1 day') FROM unnest(ts) x)))[k]) AS differ,
       count(*) FILTER (WHERE r1 <> (aggregate_at_times(a, 'count', ts))[k]) > 0 AS nulls_counted,
       count(*) FILTER (WHERE r2 > 0 AND r2 < r1) > 0 AS some_left
FROM rt JOIN rt_ones USING (e),
     read_at_times((SELECT array_agg(k) FROM generate_series(1, cardinality(rt.ts)) k)::int8[], rt.ts,
                   (SELECT array_agg(x + interval '1 day') FROM unnest(rt.ts) x),
                   '{at,at,at,between}', '{count_rows,count_rows,count_rows,count_rows}',
                   ARRAY[NULL, '2 hours', '1 mon', NULL]::interval[], '{1,1,1,1}', a)
     AS u(k int8, r1 float8, r2 float8, r3 float8, r4 float8);
-- a between read with a width: a trailing window read at the end, cut at
-- the time (a training set's feature label): aggregates_between from the
-- later of ts and end - width; widths shorter than the day between them,
-- equal to it and longer (then the cut applies), count_rows too
CREATE TEMP TABLE rt_cut AS
SELECT e, u.k, rt.ts[u.k] AS t, rt.ts[u.k] + interval '1 day' AS t_end, u.w1, u.w2, u.w3, u.w4, u.w5, u.w6
FROM rt, read_at_times((SELECT array_agg(k) FROM generate_series(1, cardinality(rt.ts)) k)::int8[], rt.ts,
                       (SELECT array_agg(x + interval '1 day') FROM unnest(rt.ts) x),
                       '{between,between,between,between,between,between}', '{sum,max,count,count_rows,sum,count_rows}',
                       ARRAY['2 hours', '1 day', '1 mon', '1 mon', '1 mon', '2 hours']::interval[], '{1,1,1,1,2,1}', a, b)
           AS u(k int8, w1 float8, w2 float8, w3 float8, w4 float8, w5 float8, w6 float8);
SELECT count(*) AS rows,
       count(*) FILTER (WHERE w1 IS DISTINCT FROM (aggregates_between(a, 'sum', ARRAY[greatest(t, t_end - interval '2 hours')], ARRAY[t_end]))[1]
                           OR w2 IS DISTINCT FROM (aggregates_between(a, 'max', ARRAY[greatest(t, t_end - interval '1 day')], ARRAY[t_end]))[1]
                           OR w3 IS DISTINCT FROM (aggregates_between(a, 'count', ARRAY[t], ARRAY[t_end]))[1]
                           OR w4 IS DISTINCT FROM (aggregates_between(o, 'count', ARRAY[t], ARRAY[t_end]))[1]
                           OR w5 IS DISTINCT FROM (aggregates_between(b, 'sum', ARRAY[t], ARRAY[t_end]))[1]
                           OR w6 IS DISTINCT FROM (aggregates_between(o, 'count', ARRAY[greatest(t, t_end - interval '2 hours')], ARRAY[t_end]))[1]) AS differ,
       count(*) FILTER (WHERE w1 IS DISTINCT FROM (aggregates_between(a, 'sum', ARRAY[t], ARRAY[t_end]))[1]) > 0 AS some_cut,
       count(*) FILTER (WHERE w6 IS DISTINCT FROM w4) > 0 AS some_rows_cut
FROM rt_cut JOIN rt USING (e) JOIN rt_ones USING (e)
WHERE t IS NOT NULL;
-- at an infinite end the window is empty, as a trailing window at infinity
-- is, whether the width is fixed or calendar (a fixed width read every
-- point after the time)
SELECT * FROM read_at_times('{1}', '{2024-01-02}', '{infinity}', '{between,between,between,between}',
                            '{sum,sum,count_rows,count_rows}', ARRAY['1 day', '1 mon', '1 day', '1 mon']::interval[],
                            '{1,1,1,1}', 'discrete{2024-01-01 00:00:00+00=>1,2024-01-05 00:00:00+00=>2,2024-02-01 00:00:00+00=>4}'::timeline)
         AS u(id int8, sum_1d float8, sum_1m float8, rows_1d float8, rows_1m float8);
-- no ids or times: no rows
SELECT count(*) AS no_rows FROM read_at_times(NULL, NULL, NULL, '{value}', '{NULL}', '{NULL}', '{1}', (SELECT tl FROM t)) AS u(id int8, v float8);
-- errors
SELECT pg_temp.try($$SELECT * FROM timeline.read_at_times('{1,2}', '{2024-01-01}', NULL, '{value}', '{NULL}', '{NULL}', '{1}', 'discrete{}'::timeline.timeline) AS u(id int8, v float8)$$) AS lengths;
SELECT pg_temp.try($$SELECT * FROM timeline.read_at_times('{1}', '{2024-01-01}', '{}', '{value}', '{NULL}', '{NULL}', '{1}', 'discrete{}'::timeline.timeline) AS u(id int8, v float8)$$) AS ends_length;
SELECT pg_temp.try($$SELECT * FROM timeline.read_at_times('{1}', '{2024-01-01}', NULL, '{value,at}', '{NULL}', '{NULL}', '{1}', 'discrete{}'::timeline.timeline) AS u(id int8, v float8)$$) AS spec_lengths;
SELECT pg_temp.try($$SELECT * FROM timeline.read_at_times('{1}', '{2024-01-01}', NULL, '{median}', '{NULL}', '{NULL}', '{1}', 'discrete{}'::timeline.timeline) AS u(id int8, v float8)$$) AS unknown_read;
SELECT pg_temp.try($$SELECT * FROM timeline.read_at_times('{1}', '{2024-01-01}', NULL, '{at}', '{median}', '{NULL}', '{1}', 'discrete{}'::timeline.timeline) AS u(id int8, v float8)$$) AS unknown_aggregate;
SELECT pg_temp.try($$SELECT * FROM timeline.read_at_times('{1}', '{2024-01-01}', NULL, '{at}', '{NULL}', '{NULL}', '{1}', 'discrete{}'::timeline.timeline) AS u(id int8, v float8)$$) AS no_aggregate;
SELECT pg_temp.try($$SELECT * FROM timeline.read_at_times('{1}', '{2024-01-01}', NULL, '{value}', '{sum}', '{NULL}', '{1}', 'discrete{}'::timeline.timeline) AS u(id int8, v float8)$$) AS value_with_aggregate;
SELECT pg_temp.try($$SELECT * FROM timeline.read_at_times('{1}', '{2024-01-01}', NULL, '{at}', '{sum}', '{0}', '{1}', 'discrete{}'::timeline.timeline) AS u(id int8, v float8)$$) AS zero_width;
SELECT pg_temp.try($$SELECT * FROM timeline.read_at_times('{1}', '{2024-01-01}', NULL, '{value}', '{NULL}', '{NULL}', '{2}', 'discrete{}'::timeline.timeline) AS u(id int8, v float8)$$) AS bad_state;
SELECT pg_temp.try($$SELECT * FROM timeline.read_at_times('{1}', '{2024-01-01}', NULL, '{value}', '{NULL}', '{NULL}', NULL, 'discrete{}'::timeline.timeline) AS u(id int8, v float8)$$) AS null_spec;
SELECT pg_temp.try($$SELECT * FROM timeline.read_at_times('{1}', '{2024-01-01}', NULL, '{value}', '{NULL}', '{NULL}', '{1}', 'discrete{}'::timeline.timeline) AS u(id int8, v float8, w float8)$$) AS column_count;
SELECT pg_temp.try($$SELECT * FROM timeline.read_at_times('{1}', '{2024-01-01}', NULL, '{value}', '{NULL}', '{NULL}', '{1}', 'discrete{}'::timeline.timeline) AS u(id int4, v float8)$$) AS column_type;
SELECT pg_temp.try($$SELECT * FROM timeline.read_at_times('{1}', '{2024-01-01}', NULL, '{value}', '{NULL}', '{NULL}', '{1}', 42) AS u(id int8, v float8)$$) AS not_a_timeline;
SELECT pg_temp.try($$SELECT * FROM timeline.read_at_times('{1}', '{2024-01-01}', NULL, '{value}', '{NULL}', '{NULL}', '{1}', VARIADIC ARRAY['discrete{}'::timeline.timeline]) AS u(id int8, v float8)$$) AS variadic_array;
SELECT pg_temp.try($$SELECT timeline.read_at_times('{1}', '{2024-01-01}', NULL, '{value}', '{NULL}', '{NULL}', '{1}', 'discrete{}'::timeline.timeline)$$) AS no_column_list;

-- a trailing window's queue starts at a guess and grows or moves its
-- points down (a point a minute over 50 hours, and a burst of 1,500 points
-- within 1.5 seconds: more than the first guess of 1,024); checked against
-- plain SQL at a few times around the burst, and at every hour
CREATE TEMP TABLE qpts AS
SELECT timestamptz '2024-01-01' + g * interval '1 minute' AS ts, (g % 7)::float8 AS v
  FROM generate_series(0, 2999) g
UNION ALL
SELECT timestamptz '2024-01-02' + g * interval '1 millisecond', (g % 5)::float8
  FROM generate_series(1, 1500) g;
SELECT p.t, value_at(count(q.tl, '10 minutes'), p.t) AS n, value_at(sum(q.tl, '10 minutes'), p.t) AS s,
       value_at(max(q.tl, '2 hours'), p.t) AS mx,
       (SELECT row(count(*), sum(v)) FROM qpts WHERE ts <= p.t AND ts > p.t - interval '10 minutes') AS sql_n_s,
       (SELECT max(v) FROM qpts WHERE ts <= p.t AND ts > p.t - interval '2 hours') AS sql_mx
  FROM (SELECT timeline_agg(ts, v) AS tl FROM qpts) q,
       unnest(ARRAY[timestamptz '2024-01-01 23:59', '2024-01-02 00:00:01', '2024-01-02 00:00:01.5',
                    '2024-01-02 00:09:59', '2024-01-02 00:10:02', '2024-01-03 01:00']) AS p(t)
 ORDER BY p.t;
SELECT count(*) AS hours,
       count(*) FILTER (WHERE value_at(w.s, p.t) IS DISTINCT FROM
                              (SELECT sum(v) FROM qpts WHERE ts <= p.t AND ts > p.t - interval '2 hours')
                           OR value_at(w.m, p.t) IS DISTINCT FROM
                              (SELECT max(v) FROM qpts WHERE ts <= p.t AND ts > p.t - interval '10 minutes')) AS differ
  FROM (SELECT sum(tl, '2 hours') AS s, max(tl, '10 minutes') AS m
          FROM (SELECT timeline_agg(ts, v) AS tl FROM qpts) q) w,
       generate_series(timestamptz '2024-01-01 00:30', '2024-01-03 02:30', '1 hour') AS p(t);

-- a sliding window held at its k periods, each reset moving it on: every
-- point a reset, so the window is the last k points (the queue moved its
-- k - 1 periods at every reset: k = n / 4 over 400,000 points took 20 s)
CREATE TEMP TABLE slide AS
SELECT timestamptz '2024-01-01' + g * interval '1 hour' AS ts, (g * 7919) % 1000 + 1 AS v
  FROM generate_series(1, 1500) g;
SELECT count(*) AS points, count(*) FILTER (WHERE p.value IS DISTINCT FROM w.s) AS differ
  FROM (SELECT (points(observe(sum(tl, tl > 0, 5), tl))).* FROM (SELECT timeline_agg(ts, v) AS tl FROM slide) x) p
  FULL JOIN (SELECT ts, sum(v) OVER (ORDER BY ts ROWS BETWEEN 4 PRECEDING AND CURRENT ROW)::float8 AS s FROM slide) w
    ON w.ts = p."time";
SELECT count(*) AS points, count(*) FILTER (WHERE p.value IS DISTINCT FROM w.m) AS differ
  FROM (SELECT (points(max(tl, tl > 0, 700))).* FROM (SELECT timeline_agg(ts, v) AS tl FROM slide) x) p
  FULL JOIN (SELECT ts, max(v) OVER (ORDER BY ts ROWS BETWEEN 699 PRECEDING AND CURRENT ROW)::float8 AS m FROM slide) w
    ON w.ts = p."time";
