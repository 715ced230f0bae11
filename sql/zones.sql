-- zones: time handling under other session time zones and date styles.
-- A timeline stores instants; only the text form depends on the session.
SET search_path = timeline, public;
SET extra_float_digits = 0;

CREATE TEMP TABLE z AS
SELECT 'discrete{2024-03-10T06:59:59+00:00=>1, 2024-03-10T07:00:00+00:00=>2, 2024-11-03T05:30:00+00:00=>3, 2024-11-03T06:30:00+00:00=>4}'::timeline AS tl;

-- a non-hour offset
SET TimeZone = 'Asia/Kolkata';
SET DateStyle = 'SQL, DMY';
SELECT tl FROM z;
SELECT tl::text::timeline = tl AS round_trips FROM z;
-- input without an offset is read in the session zone
SELECT 'discrete{2024-01-01 05:30:00=>1}'::timeline;
SELECT value_at(tl, '2024-03-10 12:29:59') AS before_second, value_at(tl, '2024-03-10 12:30:00') AS at_second FROM z;

-- a zone with daylight saving time: both sides of both transitions
SET TimeZone = 'America/New_York';
SET DateStyle = 'Postgres, MDY';
SELECT tl FROM z;
SELECT tl::text::timeline = tl AS round_trips FROM z;
SELECT p.time, p.value FROM z, points(tl) p;
-- value_at compares instants: the same answers whatever the zone
SELECT value_at(tl, '2024-03-10 01:59:59'), value_at(tl, '2024-03-10 03:00:00') FROM z;
-- max_age is applied in the session zone: '1 day' across a DST change is 23 or 25 hours
SELECT value_at(tl, '2024-03-11 02:59:59', '1 day') AS across_spring,
       value_at(tl, '2024-03-11 03:00:00', '1 day') AS day_later FROM z;
-- timeline_agg reads timestamptz: zones do not matter
SELECT timeline_agg(t, 1) = (SELECT timeline_agg(t, 1) FROM (VALUES ('2024-01-01 00:00:00+00'::timestamptz)) v(t)) AS same
FROM (VALUES ('2023-12-31 19:00:00'::timestamptz)) v(t);
RESET TimeZone;
RESET DateStyle;
