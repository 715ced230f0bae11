-- shift: forward-only shifts, lag, seconds_since_previous, ticks
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

CREATE TEMP TABLE t AS
SELECT 'discrete{2024-01-01=>1, 2024-01-02=>2, 2024-01-02=>NULL, 2024-01-04=>4, 2024-01-10=>10}'::timeline AS tl;

-- shift_by: values travel frozen, later; result discrete
SELECT shift_by(tl, '1 day') AS by_day, shift_by(sum(tl), '0') AS by_zero FROM t;
-- points landing on one instant keep their order (month arithmetic)
SELECT shift_by('discrete{2024-01-30=>1, 2024-01-31=>2}'::timeline, '1 month');
-- ticks (and tick-positioned points, such as observe's) carry the last seq
-- of their instant: two landing on one instant keep their order there, the
-- first moved just below (both failed with 54000, too many points land on
-- one instant); the last keeps its place after every ordinary point
SELECT shift_by(ticks('2024-01-30', '2024-02-01', '1 day'), '1 month') AS ticks_by_month;
SELECT shift_by('discrete{2024-01-30#9223372036854775806=>0, 2024-01-30#9223372036854775807=>1, 2024-01-31#9223372036854775807=>2}'::timeline,
                '1 month') AS group_moved_down;
-- many points landing on one instant after such a point take the last
-- seqs of the instant in their order, that point moved below them (each
-- point moved every one of the instant before it down again: 40,000 points
-- took 0.5 s, 4 times more for twice as many)
WITH s AS (
    SELECT timeline_agg(ts, v, sq) AS tl
    FROM (SELECT timestamptz '2023-01-28 10:00' AS ts, 0 AS v, 9223372036854775807 AS sq
          UNION ALL
          SELECT '2023-01-31 10:00', g, g FROM generate_series(1, 3000) g) e)
SELECT num_points(shift_by(tl, '1 month')) AS points,
       shift_by(tl, '1 month') = (SELECT timeline_agg('2023-02-28 10:00', g, 9223372036854775807 - 3000 + g)
                                  FROM generate_series(0, 3000) g) AS in_order_at_the_top
FROM s;
WITH s AS (
    SELECT timeline_agg(ts, v, sq) AS tl
    FROM (SELECT timestamptz '2023-01-01' AS ts, g / 10000.0 AS v, g AS sq FROM generate_series(1, 2000) g
          UNION ALL
          SELECT '2023-01-02', 1 + g, 9223372036854775807 - 2000 + g FROM generate_series(1, 2000) g) e)
SELECT num_points(shift_until(tl, tl > 0.5)) AS points,
       shift_until(tl, tl > 0.5) = (SELECT timeline_agg('2023-01-02', CASE WHEN g <= 2000 THEN g / 10000.0 ELSE 1 + g - 2000 END,
                                                        9223372036854775807 - 4000 + g)
                                    FROM generate_series(1, 4000) g) AS in_order_at_the_top
FROM s;
SET TimeZone = 'America/New_York';
SELECT shift_by(ticks('2024-03-09 07:00+00', '2024-03-09 08:00+00', '30 minutes'), '1 day') AS across_spring_forward;
SELECT observe(sum(shift_by(ticks('2024-03-09 07:00+00', '2024-03-09 08:00+00', '1 hour'), '1 day')),
               'discrete{2024-03-10 03:00#1=>0}'::timeline) AS ordinary_point_sees_neither;
SET TimeZone = 'UTC';
-- a label computed later than the feature: next day's value joined back
SELECT value_at(shift_by(tl, '1 day'), '2024-01-02') AS yesterday, value_at(tl, '2024-01-02') AS today FROM t;
-- shift_until: held until the predicate holds at or after the point, released in order
SELECT shift_until(tl, tl > 3) AS until_big,
       shift_until(tl, ticks('2024-01-01', '2024-01-31', '1 week')) AS until_week,
       shift_until(tl, 'discrete{}'::timeline) AS never FROM t;
-- shift_to: every point to one time, order kept
SELECT shift_to(tl, '2024-02-01') FROM t;

-- a released or moved point is never positioned before the position that
-- releases it, nor before its own (these came out at seq 0, visible to
-- readings earlier in the instant)
SELECT observe(sum(shift_until('discrete{2024-01-01#1=>10}'::timeline,
                               'discrete{2024-01-02#7=>1}'::timeline)),
               'discrete{2024-01-02#3=>0, 2024-01-02#7=>0}'::timeline) AS released_at_seq_7;
SELECT observe(last(shift_until('discrete{2024-01-01 10:00=>5}'::timeline,
                                ticks('2024-01-02', '2024-01-02', '1 day'))),
               'discrete{2024-01-02=>0}'::timeline) AS released_after_the_instant;
SELECT shift_until('discrete{2024-01-02#7=>12}'::timeline,
                   'discrete{2024-01-02#7=>1}'::timeline) AS released_at_own_position;
SELECT shift_to('discrete{2024-01-01#1=>10, 2024-01-02#3=>11, 2024-01-02#5=>12}'::timeline,
                '2024-01-02') AS shift_to_keeps_later_positions;
-- shift_by adds the interval as timestamptz + interval does, days in the
-- session's zone: across New York's fall-back 01:59 EDT + 1 day comes after
-- 01:00 EST + 1 day, so the moved points are put in time order (this was an
-- internal error); each still moves later
SET TimeZone = 'America/New_York';
SELECT shift_by('discrete{2024-11-03 05:59:00+00=>1, 2024-11-03 06:00:00+00=>2}'::timeline, '1 day') AS across_fall_back,
       shift_by('discrete{2024-11-03 05:59:00+00=>1, 2024-11-03 06:00:00+00=>2}'::timeline, '24 hours') AS in_hours;
SET TimeZone = 'UTC';

-- lag: the n-th previous non-NULL value, continuous
SELECT lag(tl, 1) AS lag1, lag(tl, 2) AS lag2, lag(tl, 100) AS lag100 FROM t;
-- seconds since the previous point (any value), discrete
SELECT seconds_since_previous(tl) FROM t;
-- the gap across the whole range of timestamps is over what int64 holds in
-- microseconds (it came out negative); a microsecond stays exact
SELECT seconds_since_previous('{4713-11-24 BC=>1, 294276-12-31=>2}'::timeline) AS whole_range,
       seconds_since_previous('{2024-01-01 00:00:00.000001=>1, 2024-01-01 00:00:00.000002=>2}'::timeline) AS one_usec;

-- ticks: date_bin alignment for fixed steps, UTC calendar for months
SELECT ticks('2024-01-01 00:30', '2024-01-01 03:00', '1 hour');
SELECT ticks('2024-01-01 00:30', '2024-01-01 03:00', '1 hour', '2024-01-01 00:15');
SELECT ticks('2024-01-01', '2024-01-01', '1 day') AS bounds_inclusive, ticks('2024-01-02', '2024-01-01', '1 day') AS reversed;
SELECT ticks('2023-12-15', '2024-06-01', '2 months');
SELECT ticks('2024-01-31', '2024-05-01', '1 month', '2024-01-31');
SELECT num_points(ticks('2000-01-01', '2024-01-01', '1 year')) AS years, num_points(ticks('1999-12-31', '2000-01-01 00:00:01', '1 second')) AS seconds;
-- ticks are UTC: the same instants in any session zone
SET TimeZone = 'America/New_York';
SELECT ticks('2024-03-09', '2024-03-12', '1 day') = (SELECT ticks('2024-03-09', '2024-03-12', '1 day')) AS same_in_zone,
       first_time(ticks('2024-03-09', '2024-03-12', '1 day'));
SET TimeZone = 'UTC';

-- errors
SELECT pg_temp.try($$SELECT timeline.shift_by('discrete{}'::timeline.timeline, '-1 second')$$) AS negative_shift;
SELECT pg_temp.try($$SELECT timeline.shift_by('discrete{2024-03-31=>1}'::timeline.timeline, '1 month -40 days')$$) AS backward_shift;
SELECT pg_temp.try($$SELECT timeline.shift_to('discrete{2024-01-02=>1}'::timeline.timeline, '2024-01-01')$$) AS shift_to_past;
SELECT pg_temp.try($$SELECT timeline.shift_to('discrete{}'::timeline.timeline, 'infinity')$$) AS shift_to_infinity;
SELECT pg_temp.try($$SELECT timeline.lag('discrete{}'::timeline.timeline, 0)$$) AS lag_zero;
SELECT pg_temp.try($$SELECT timeline.ticks('2024-01-01', '2024-02-01', '0')$$) AS zero_step;
SELECT pg_temp.try($$SELECT timeline.ticks('2024-01-01', '2024-02-01', '-1 hour')$$) AS negative_step;
SELECT pg_temp.try($$SELECT timeline.ticks('2024-01-01', '2024-02-01', '1 month 1 day')$$) AS mixed_step;
SELECT pg_temp.try($$SELECT timeline.ticks('-infinity', '2024-02-01', '1 day')$$) AS infinite_bound;
SELECT pg_temp.try($$SELECT timeline.ticks('2000-01-01', '2024-01-01', '1 microsecond')$$) AS too_many;
