-- feature_state: resumable per-entity feature states (the basis of
-- materialization) equal, bit for bit, the aggregation over all points,
-- whatever batches the points arrive in; and the errors of state_*
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET extra_float_digits = 0;
\pset null '~'
\set SHOW_CONTEXT never

-- random events: 60 entities, hourly times over 60 days (many ties), NULL
-- values, resets; each entity's points arrive in three batches split at
-- two random cuts, and the state is read at its last point and later
CREATE TABLE st_events (e int, ts timestamptz, v float8, r bool);
CREATE TABLE st_cuts (e int, cut1 timestamptz, cut2 timestamptz);
CREATE TABLE st_results (seed float8, e int, a text, w text, mt timestamptz, st bytea, tl timeline.timeline);

CREATE FUNCTION st_run(seed float8) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM setseed(seed);
    TRUNCATE st_events, st_cuts;
    INSERT INTO st_events
    SELECT (random() * 60)::int, timestamptz '2024-01-01' + (random() * 60 * 24)::int * interval '1 hour',
           CASE WHEN random() < 0.1 THEN NULL ELSE round((random() * 200 - 50)::numeric, 2)::float8 END,
           random() < 0.08
    FROM generate_series(1, 12000);
    INSERT INTO st_cuts
    SELECT e, least(c1, c2), greatest(c1, c2)
    FROM (SELECT e, timestamptz '2024-01-01' + (random() * 60 * 24)::int * interval '1 hour' AS c1,
                 timestamptz '2024-01-01' + (random() * 60 * 24)::int * interval '1 hour' AS c2
          FROM (SELECT DISTINCT e FROM st_events ORDER BY e) d) x;
    INSERT INTO st_results
    WITH aggs(a) AS (VALUES ('count'), ('count_if'), ('sum'), ('mean'), ('min'), ('max'), ('first'), ('last'),
                            ('var_samp'), ('var_pop'), ('stddev_samp'), ('stddev_pop')),
         wins(w) AS (VALUES ('lifetime'), ('3 days'), ('1 hour'), ('1 mon'), ('since')),
         per AS (
            SELECT ev.e, a, w,
                   timeline.timeline_agg(ts, v) FILTER (WHERE ts <= c.cut1) AS v1,
                   timeline.timeline_agg(ts, v) FILTER (WHERE ts > c.cut1 AND ts <= c.cut2) AS v2,
                   timeline.timeline_agg(ts, v) FILTER (WHERE ts > c.cut2) AS v3,
                   timeline.timeline_agg(ts, r) FILTER (WHERE ts <= c.cut1) AS r1,
                   timeline.timeline_agg(ts, r) FILTER (WHERE ts > c.cut1 AND ts <= c.cut2) AS r2,
                   timeline.timeline_agg(ts, r) FILTER (WHERE ts > c.cut2) AS r3,
                   timeline.timeline_agg(ts, v) AS vall, timeline.timeline_agg(ts, r) AS rall, max(ts) AS mt
            FROM st_events ev JOIN st_cuts c USING (e) CROSS JOIN aggs CROSS JOIN wins
            GROUP BY ev.e, a, w)
    SELECT seed, e, a, w, mt,
           timeline.state_advance(timeline.state_advance(timeline.state_advance(
               timeline.state_new(a, CASE WHEN w NOT IN ('lifetime', 'since') THEN w::interval END, w = 'since'),
               v1, CASE WHEN w = 'since' THEN r1 END), v2, CASE WHEN w = 'since' THEN r2 END),
               v3, CASE WHEN w = 'since' THEN r3 END),
           CASE w WHEN 'lifetime' THEN
                CASE a WHEN 'count' THEN timeline.count(vall) WHEN 'count_if' THEN timeline.count_if(vall)
                       WHEN 'sum' THEN timeline.sum(vall) WHEN 'mean' THEN timeline.mean(vall)
                       WHEN 'min' THEN timeline.min(vall) WHEN 'max' THEN timeline.max(vall)
                       WHEN 'first' THEN timeline.first(vall) WHEN 'last' THEN timeline.last(vall)
                       WHEN 'var_samp' THEN timeline.var_samp(vall) WHEN 'var_pop' THEN timeline.var_pop(vall)
                       WHEN 'stddev_samp' THEN timeline.stddev_samp(vall) ELSE timeline.stddev_pop(vall) END
                  WHEN 'since' THEN
                CASE a WHEN 'count' THEN timeline.count(vall, rall) WHEN 'count_if' THEN timeline.count_if(vall, rall)
                       WHEN 'sum' THEN timeline.sum(vall, rall) WHEN 'mean' THEN timeline.mean(vall, rall)
                       WHEN 'min' THEN timeline.min(vall, rall) WHEN 'max' THEN timeline.max(vall, rall)
                       WHEN 'first' THEN timeline.first(vall, rall) WHEN 'last' THEN timeline.last(vall, rall)
                       WHEN 'var_samp' THEN timeline.var_samp(vall, rall) WHEN 'var_pop' THEN timeline.var_pop(vall, rall)
                       WHEN 'stddev_samp' THEN timeline.stddev_samp(vall, rall) ELSE timeline.stddev_pop(vall, rall) END
                  ELSE
                CASE a WHEN 'count' THEN timeline.count(vall, w::interval) WHEN 'count_if' THEN timeline.count_if(vall, w::interval)
                       WHEN 'sum' THEN timeline.sum(vall, w::interval) WHEN 'mean' THEN timeline.mean(vall, w::interval)
                       WHEN 'min' THEN timeline.min(vall, w::interval) WHEN 'max' THEN timeline.max(vall, w::interval)
                       WHEN 'first' THEN timeline.first(vall, w::interval) WHEN 'last' THEN timeline.last(vall, w::interval)
                       WHEN 'var_samp' THEN timeline.var_samp(vall, w::interval) WHEN 'var_pop' THEN timeline.var_pop(vall, w::interval)
                       WHEN 'stddev_samp' THEN timeline.stddev_samp(vall, w::interval) ELSE timeline.stddev_pop(vall, w::interval) END
           END
    FROM per;
END;
$$;
SELECT st_run(0.11), st_run(0.22), st_run(-0.33);

-- the state read at t equals the full aggregation read at t, exactly
SELECT count(*) AS comparisons,
       count(*) FILTER (WHERE timeline.state_value_at(st, t) IS DISTINCT FROM timeline.value_at(tl, t)) AS mismatches,
       count(*) FILTER (WHERE timeline.state_value_at(st, t) IS NOT NULL) > 20000 AS mostly_not_null,
       count(DISTINCT (a, w)) AS aggregate_windows
FROM st_results
CROSS JOIN LATERAL (VALUES (mt), (mt + interval '1 microsecond'), (mt + interval '30 minutes'),
                           (mt + interval '1 hour'), (mt + interval '2 days'), (mt + interval '3 days'),
                           (mt + interval '29 days'), (mt + interval '1 month'), (mt + interval '90 days')) x(t);

-- a trailing state keeps only the points still inside its window
SELECT w, max(length(st)) < 40000 AS bounded
FROM st_results WHERE a = 'sum' GROUP BY w ORDER BY w;
SELECT bool_and(timeline.state_last_time(st) = mt) AS last_time_is_last_point
FROM st_results WHERE w = 'lifetime' AND a = 'count';

-- by hand: a 2-day sum, read as points leave
SELECT timeline.state_value_at(s, '2024-01-02') AS at_0102,
       timeline.state_value_at(s, '2024-01-02 23:59') AS at_0102_2359,
       timeline.state_value_at(s, '2024-01-03') AS at_0103,
       timeline.state_value_at(s, '2024-01-04') AS at_0104,
       timeline.state_last_time(s) AS last_time
FROM (SELECT timeline.state_advance(timeline.state_new('sum', '2 days'),
             'discrete{2024-01-01T00:00:00+00=>1, 2024-01-02T00:00:00+00=>10}') AS s) x;
SELECT timeline.state_value_at(timeline.state_new('count'), '2024-01-01') AS empty_count,
       timeline.state_value_at(timeline.state_new('sum'), '2024-01-01') AS empty_sum,
       timeline.state_last_time(timeline.state_new('sum')) AS empty_last_time;
-- a since state shows the closed window until the next point (as the full
-- aggregation does), then starts over
SELECT timeline.state_value_at(s1, '2024-01-03') AS after_reset,
       timeline.state_value_at(timeline.state_advance(s1, 'discrete{2024-01-04T00:00:00+00=>5}',
                                                      'discrete{2024-01-04T00:00:00+00=>0}'), '2024-01-04') AS next_point
FROM (SELECT timeline.state_advance(timeline.state_new('sum', NULL, true),
             'discrete{2024-01-01T00:00:00+00=>1, 2024-01-02T00:00:00+00=>2}',
             'discrete{2024-01-01T00:00:00+00=>0, 2024-01-02T00:00:00+00=>1}') AS s1) x;
-- a continuous reset that holds true resets at each input point until its
-- next point, also when the points come in a later call (found by a
-- helper's fuzzing: the state forgot the reset's value between calls, so
-- the second batch counted 3 and 4 together)
SELECT timeline.state_value_at(timeline.state_advance(s1, 'discrete{2024-01-03T00:00:00+00=>3, 2024-01-04T00:00:00+00=>4}'),
                               '2024-01-04') AS held,
       timeline.value_at(timeline.count('discrete{2024-01-01T00:00:00+00=>1, 2024-01-02T00:00:00+00=>2, 2024-01-03T00:00:00+00=>3, 2024-01-04T00:00:00+00=>4}',
                                        'continuous{2024-01-01T12:00:00+00=>1}'::timeline.timeline), '2024-01-04') AS full,
       timeline.state_value_at(s2, '2024-01-05') AS until_false,
       timeline.state_value_at(timeline.state_advance(s2, 'discrete{2024-01-06T00:00:00+00=>6}'), '2024-01-06') AS after_false,
       timeline.value_at(timeline.count('discrete{2024-01-01T00:00:00+00=>1, 2024-01-02T00:00:00+00=>2, 2024-01-03T00:00:00+00=>3, 2024-01-04T00:00:00+00=>4, 2024-01-05T00:00:00+00=>5, 2024-01-06T00:00:00+00=>6}',
                                        'continuous{2024-01-01T12:00:00+00=>1, 2024-01-03T12:00:00+00=>0}'::timeline.timeline), '2024-01-06') AS full_after_false
FROM (SELECT s1, timeline.state_advance(s1, 'discrete{2024-01-03T00:00:00+00=>3, 2024-01-04T00:00:00+00=>4, 2024-01-05T00:00:00+00=>5}',
                                        'continuous{2024-01-03T12:00:00+00=>0}') AS s2
      FROM (SELECT timeline.state_advance(timeline.state_new('count', NULL, true),
                   'discrete{2024-01-01T00:00:00+00=>1, 2024-01-02T00:00:00+00=>2}',
                   'continuous{2024-01-01T12:00:00+00=>1}') AS s1) x) y;

-- a state whose last point is 1 microsecond before an instant where
-- t - width moves back (found by a helper's fuzzing: the search for those
-- instants started a microsecond after the last point and missed them):
-- New York's change to daylight saving time (at 2024-03-11 03:00 EDT,
-- '1 day' back is 2024-03-10 03:00 EDT, an hour before 02:59:59.999999 minus
-- a day, so the 03:30 point is back: 6), and a month end in UTC (at
-- 1995-03-31, '1 mon 31 days' back is clamped to 1995-01-28 and the first
-- point is back: 6); each as the full aggregation gives it
SET TimeZone = 'America/New_York';
SELECT timeline.state_value_at(timeline.state_advance(timeline.state_new('sum', '1 day'), tl), '2024-03-11 03:00-04') AS state,
       timeline.value_at(timeline.sum(tl, '1 day'), '2024-03-11 03:00-04') AS full
FROM (SELECT 'discrete{2024-03-10 03:30-04=>4, 2024-03-11 02:59:59.999999-04=>2}'::timeline.timeline AS tl) x;
SET TimeZone = 'UTC';
SELECT timeline.state_value_at(timeline.state_advance(timeline.state_new('sum', '1 mon 31 days'), tl), '1995-03-31 00:00+00') AS state,
       timeline.value_at(timeline.sum(tl, '1 mon 31 days'), '1995-03-31 00:00+00') AS full
FROM (SELECT 'discrete{1995-01-28 13:51+00=>4, 1995-03-30 23:59:59.999999+00=>2}'::timeline.timeline AS tl) x;

-- state_value_at(state, t) reads a width of days in the session's time zone,
-- so one state and one t give 6 in New York and 2 in UTC: it is STABLE, not
-- IMMUTABLE (an expression index or a generic plan folded it in one zone);
-- the form with the zone gives 6 in both
CREATE TABLE st_ny AS
SELECT '\x0100020101000000000000000200000001000000fffbd6db5bb602000000000000000000000000000000000001000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000104000000000000000400000000000000000ffffffffffffff7f006e492948b60200fffbd6db5bb60200'::bytea AS st;
SET TimeZone = 'America/New_York';
SELECT timeline.state_value_at(st, '2024-03-11 03:00-04') AS new_york,
       timeline.state_value_at(st, '2024-03-11 03:00-04', 'America/New_York') AS zone_given FROM st_ny;
SET TimeZone = 'UTC';
SELECT timeline.state_value_at(st, '2024-03-11 03:00-04') AS utc,
       timeline.state_value_at(st, '2024-03-11 03:00-04', 'America/New_York') AS zone_given FROM st_ny;
SELECT p.oid::regprocedure AS function, p.provolatile FROM pg_proc p
WHERE p.proname = 'state_value_at' AND p.pronamespace = 'timeline'::regnamespace ORDER BY p.pronargs;
CREATE INDEX ON st_ny ((timeline.state_value_at(st, '2024-03-11 03:00-04')));
DROP TABLE st_ny;

-- a trailing state advanced one point at a time (its queue turns its front
-- part again and again) holds the same bytes as one advanced by all the
-- points at once, and reads as the full aggregation does; a width of a day
-- in New York, across its return to standard time (2024-11-03 02:00 EDT),
-- brings points back at the jump (the state's queue is rebuilt there)
CREATE TABLE st_q (i int, ts timestamptz, v float8);
INSERT INTO st_q SELECT i, timestamptz '2024-11-01 20:00-04' + i * interval '37 minutes',
                        CASE WHEN i % 11 = 0 THEN NULL ELSE (i * 7919 % 1000) / 8.0 - 40 END
FROM generate_series(1, 300) i;
CREATE FUNCTION st_one_by_one(a text, w interval) RETURNS bytea LANGUAGE plpgsql AS $$
DECLARE s bytea := timeline.state_new(a, w); p record;
BEGIN
    FOR p IN SELECT * FROM st_q ORDER BY i LOOP
        s := timeline.state_advance(s, timeline.timeline_agg(p.ts, p.v));
    END LOOP;
    RETURN s;
END $$;
SET TimeZone = 'America/New_York';
WITH s AS (
    SELECT a, w, st_one_by_one(a, w) AS one_by_one,
           timeline.state_advance(timeline.state_new(a, w), (SELECT timeline.timeline_agg(ts, v ORDER BY i) FROM st_q)) AS at_once,
           (SELECT timeline.timeline_agg(ts, v ORDER BY i) FROM st_q) AS tl, (SELECT max(ts) FROM st_q) AS mt
    FROM (VALUES ('sum'), ('var_samp'), ('min')) x(a), (VALUES (interval '1 day'), (interval '5 hours')) y(w))
SELECT a, w, one_by_one = at_once AS same_bytes, length(at_once) AS bytes,
       count(*) FILTER (WHERE timeline.state_value_at(at_once, t) IS DISTINCT FROM
                              timeline.value_at(CASE a WHEN 'sum' THEN timeline.sum(tl, w) WHEN 'var_samp' THEN timeline.var_samp(tl, w)
                                                     ELSE timeline.min(tl, w) END, t)) AS mismatches
FROM s CROSS JOIN LATERAL (VALUES (mt), (mt + interval '1 hour'), (mt + interval '20 hours'), (mt + interval '2 days')) r(t)
GROUP BY a, w, one_by_one, at_once ORDER BY a, w;
SET TimeZone = 'UTC';
DROP FUNCTION st_one_by_one(text, interval);
DROP TABLE st_q;

-- errors
SELECT timeline.state_new('median');
SELECT timeline.state_new(NULL);
SELECT timeline.state_new('sum', '-1 day');
SELECT timeline.state_new('sum', '1 day', true);
SELECT timeline.state_advance(NULL, 'discrete{}');
SELECT timeline.state_advance(timeline.state_advance(timeline.state_new('sum'), 'discrete{2024-01-02T00:00:00+00=>1}'),
                              'discrete{2024-01-02T00:00:00+00=>2}');
SELECT timeline.state_advance(timeline.state_new('sum'), 'discrete{2024-01-02T00:00:00+00=>1}',
                              'discrete{2024-01-02T00:00:00+00=>1}');
SELECT timeline.state_value_at(timeline.state_advance(timeline.state_new('sum'), 'discrete{2024-01-02T00:00:00+00=>1}'),
                               '2024-01-01');
SELECT timeline.state_value_at('\x00'::bytea, '2024-01-01');
SELECT timeline.state_value_at(set_byte(timeline.state_new('sum'), 0, 2), '2024-01-01');
SELECT timeline.state_value_at(set_byte(timeline.state_new('sum'), 2, 77), '2024-01-01');
SELECT timeline.state_value_at(set_byte(timeline.state_new('sum'), 5, 200), '2024-01-01');
-- the flag of a holding continuous reset belongs to a since window only
SELECT timeline.state_value_at(set_byte(timeline.state_new('sum'), 12, 4), '2024-01-01');
SELECT timeline.state_value_at(timeline.state_new('sum') || '\x00'::bytea, '2024-01-01');
SELECT timeline.state_last_time(overlay(timeline.state_new('sum') placing '\x0900'::bytea from 5));

DROP FUNCTION st_run(float8);
DROP TABLE st_events, st_cuts, st_results;
