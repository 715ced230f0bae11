-- oracle_zones: trailing windows whose width is calendar arithmetic in the
-- session's time zone (days across offset changes, months), against plain
-- SQL.  value_at(agg(tl, w), t), aggregate_at_times and aggregate_at_points
-- (and feature states, which must equal value_at bit for bit) must give
-- the aggregate of the events in (t - w, t], with t - w as
-- PostgreSQL computes it in the session's zone, at every probe.  Around an
-- offset change t - w moves back as t moves forward (2024-03-11 03:00 minus
-- a day is an hour before 2024-03-11 02:59 minus a day in New York), so
-- values leave the window and come back into it.
--
-- Cases: zones with one-hour changes both ways (New York, London), a
-- half-hour change (Lord Howe), a two-hour change (Troll), a skipped day
-- (Apia, 2011-12-30), a permanent change each way (Moscow 2011 and 2014), and
-- a zone without changes in the period (Kolkata); widths of days, days and
-- hours, a month, a month and a day, and a day less an hour.  Events
-- cluster around the change and a width before it, on a 15-minute grid,
-- some off it; probes every 10 minutes over both stretches where values
-- can leave or come back, at every event and a microsecond around it, and
-- a width after every event and a microsecond around that.  Values are
-- small integers and NULLs, so sums are exact whatever the order.
-- Only counts are printed; any mismatch fails the test.
SET search_path = timeline, public;
SET DateStyle = 'ISO, YMD';
SET extra_float_digits = 0;
SET max_parallel_workers_per_gather = 0;
SET jit = off;

CREATE TEMP TABLE zcase (id serial, zone text, around timestamptz, width interval);
INSERT INTO zcase (zone, around, width)
SELECT z.zone, z.around, w.width
FROM (VALUES ('America/New_York', '2024-03-10 07:00+00'::timestamptz),
             ('America/New_York', '2024-11-03 06:00+00'),
             ('Europe/London', '2024-03-31 01:00+00'),
             ('Europe/London', '2024-10-27 01:00+00'),
             ('Australia/Lord_Howe', '2024-04-06 15:00+00'),
             ('Australia/Lord_Howe', '2024-10-05 15:30+00'),
             ('Antarctica/Troll', '2024-03-31 01:00+00'),
             ('Antarctica/Troll', '2024-10-27 01:00+00'),
             ('Pacific/Apia', '2011-12-30 10:00+00'),
             ('Europe/Moscow', '2011-03-26 23:00+00'),
             ('Europe/Moscow', '2014-10-25 22:00+00'),
             ('Asia/Kolkata', '2024-03-10 07:00+00'),
             ('UTC', '2024-03-30 12:00+00'),
             ('America/New_York', '2023-05-31 12:00+00')) z(zone, around),
     (VALUES (interval '1 day'), (interval '2 days 3 hours'), (interval '1 mon'),
             (interval '1 mon 1 day'), (interval '1 day -1 hour'), (interval '1 year')) w(width);

-- events: unique times per case (so every event is a position of its own),
-- around the change and around a width before it
CREATE TEMP TABLE zev (id int, ts timestamptz, v float8);
SELECT setseed(0.4242);
INSERT INTO zev
SELECT c.id, t, CASE WHEN random() < 0.15 THEN NULL ELSE floor(random() * 20) END
FROM zcase c,
     LATERAL (SELECT DISTINCT base + (floor(random() * 384) * interval '15 minutes')
                     + CASE WHEN random() < 0.3 THEN floor(random() * 900) * interval '1 second'
                            ELSE interval '0' END AS t
              FROM (VALUES (c.around - interval '2 days'),
                           (c.around - c.width - interval '2 days')) b(base),
                   generate_series(1, 40)) e;
CREATE INDEX ON zev (id, ts);

-- the timelines and the results, computed in each case's zone
CREATE TEMP TABLE zres (id int, tl timeline, s timeline, c timeline, mn timeline, mx timeline,
                        m timeline, ap timeline);
CREATE TEMP TABLE zprobe (id int, t timestamptz);
CREATE FUNCTION pg_temp.compute(p_id int) RETURNS void LANGUAGE plpgsql AS $fn$
DECLARE
    c zcase;
BEGIN
    SELECT * INTO c FROM zcase WHERE id = p_id;
    PERFORM set_config('TimeZone', c.zone, true);
    INSERT INTO zres
    SELECT p_id, tl, sum(tl, c.width), count(tl, c.width), min(tl, c.width), max(tl, c.width),
           mean(tl, c.width), aggregate_at_points(tl, 'sum', c.width)
    FROM (SELECT timeline_agg(ts, v) AS tl FROM zev WHERE id = p_id) a;
    INSERT INTO zprobe
    SELECT p_id, t FROM generate_series(c.around - interval '2 days 6 hours',
                                        c.around + interval '2 days 6 hours', '10 minutes') t
    UNION
    SELECT p_id, t FROM generate_series(c.around + c.width - interval '2 days 6 hours',
                                        c.around + c.width + interval '2 days 6 hours', '10 minutes') t
    UNION
    SELECT p_id, e.ts + d FROM zev e, unnest(ARRAY[interval '-1 microsecond', '0', '1 microsecond']) d
    WHERE e.id = p_id
    UNION
    SELECT p_id, e.ts + c.width + d FROM zev e, unnest(ARRAY[interval '-1 microsecond', '0', '1 microsecond']) d
    WHERE e.id = p_id;
END
$fn$;
SELECT count(pg_temp.compute(id)) FROM zcase;
CREATE INDEX ON zprobe (id, t);
ANALYZE zev, zprobe, zres;

-- every probe against the events in (t - w, t], in the case's zone
CREATE TEMP TABLE zbad (id int, t timestamptz, what text);
CREATE TEMP TABLE zback (id int, n bigint);
CREATE TEMP TABLE zstates (n bigint);
CREATE FUNCTION pg_temp.check(p_id int) RETURNS void LANGUAGE plpgsql AS $fn$
DECLARE
    c zcase;
BEGIN
    SELECT * INTO c FROM zcase WHERE id = p_id;
    PERFORM set_config('TimeZone', c.zone, true);
    INSERT INTO zbad
    SELECT p.id, p.t, 'value_at'
    FROM zprobe p JOIN zres r USING (id),
         LATERAL (SELECT count(*) AS n, count(v) AS c, sum(v) AS s, min(v) AS mn, max(v) AS mx,
                         avg(v) AS m
                  FROM zev e WHERE e.id = p.id AND e.ts > p.t - c.width AND e.ts <= p.t) a,
         LATERAL (SELECT count(*) AS n FROM zev e WHERE e.id = p.id AND e.ts <= p.t) b
    WHERE p.id = p_id
      AND (value_at(r.s, p.t) IS DISTINCT FROM a.s
           OR value_at(r.c, p.t) IS DISTINCT FROM CASE WHEN b.n > 0 THEN a.c END
           OR value_at(r.mn, p.t) IS DISTINCT FROM a.mn
           OR value_at(r.mx, p.t) IS DISTINCT FROM a.mx
           OR (value_at(r.m, p.t) IS NULL) <> (a.m IS NULL)
           OR abs(value_at(r.m, p.t) - a.m) > 1e-9);
    INSERT INTO zback
    SELECT p_id, count(*)
    FROM (SELECT t - c.width AS s, lag(t - c.width) OVER (ORDER BY t) AS prev_s
          FROM zprobe WHERE id = p_id) p
    WHERE p.s < p.prev_s
      AND EXISTS (SELECT FROM zev e WHERE e.id = p_id AND e.ts > p.s AND e.ts <= p.prev_s
                                       AND e.v IS NOT NULL);
    -- aggregate_at_times gives the result's values bit for bit
    INSERT INTO zbad
    SELECT p_id, NULL, 'aggregate_at_times ' || agg
    FROM zres r, unnest(ARRAY['sum', 'count', 'min', 'mean']) agg,
         LATERAL (SELECT array_agg(t ORDER BY t) AS ts FROM zprobe WHERE id = p_id) p
    WHERE r.id = p_id
      AND aggregate_at_times(r.tl, agg, c.width, p.ts)
          IS DISTINCT FROM values_at(CASE agg WHEN 'sum' THEN r.s WHEN 'count' THEN r.c
                                              WHEN 'min' THEN r.mn ELSE r.m END, p.ts);
    -- aggregate_at_points: the sum at every event
    INSERT INTO zbad
    SELECT p_id, x.time, 'aggregate_at_points'
    FROM zres r, points(r.ap) x,
         LATERAL (SELECT sum(v) AS s FROM zev e
                  WHERE e.id = p_id AND e.ts > x.time - c.width AND e.ts <= x.time) a
    WHERE r.id = p_id AND x.value IS DISTINCT FROM a.s;
    INSERT INTO zbad
    SELECT p_id, NULL, 'aggregate_at_points count'
    FROM zres r WHERE r.id = p_id AND num_points(r.ap) <> num_points(r.tl);
    -- feature states (materialization): built from the events up to a cut
    -- in two batches, read from the cut to the next event, bit for bit
    INSERT INTO zstates
    SELECT count(*) FROM (SELECT ts, lead(ts) OVER (ORDER BY ts) AS next,
                                 row_number() OVER (ORDER BY ts) AS k
                          FROM zev WHERE id = p_id) k
                    JOIN zprobe p ON p.id = p_id AND p.t >= k.ts AND (p.t < k.next OR k.next IS NULL)
    WHERE k.k % 4 = 0;
    INSERT INTO zbad
    SELECT p_id, p.t, 'state ' || agg
    FROM zres r, unnest(ARRAY['count', 'mean']) agg,
         LATERAL (SELECT * FROM (SELECT ts AS cut, lead(ts) OVER (ORDER BY ts) AS next,
                                        lag(ts, 5) OVER (ORDER BY ts) AS half,
                                        row_number() OVER (ORDER BY ts) AS k
                                 FROM zev WHERE id = p_id) k
                  WHERE k.k % 4 = 0) k,
         LATERAL (SELECT state_advance(state_advance(state_new(agg, c.width),
                                                     timeline_agg(ts, v) FILTER (WHERE ts <= k.half)),
                                       timeline_agg(ts, v) FILTER (WHERE ts > k.half OR k.half IS NULL)) AS st
                  FROM zev WHERE id = p_id AND ts <= k.cut) s,
         LATERAL (SELECT t FROM zprobe WHERE id = p_id AND t >= k.cut AND (t < k.next OR k.next IS NULL)) p
    WHERE r.id = p_id
      AND state_value_at(s.st, p.t)
          IS DISTINCT FROM value_at(CASE agg WHEN 'sum' THEN r.s WHEN 'count' THEN r.c
                                             WHEN 'min' THEN r.mn ELSE r.m END, p.t);
END
$fn$;
SELECT count(pg_temp.check(id)) FROM zcase;

SELECT count(*) AS cases, (SELECT count(*) FROM zev) > 4000 AS enough_events,
       (SELECT count(*) FROM zprobe) > 80000 AS enough_probes,
       (SELECT sum(n) FROM zstates) > 20000 AS enough_state_reads FROM zcase;
-- the data does exercise it: cases with probes where, by the oracle, t - w
-- moved back since the previous probe and brought an event back
SELECT count(*) FILTER (WHERE n > 0) AS cases_with_comebacks, sum(n) > 30 AS many
FROM zback;
SELECT c.zone, c.width, b.what, count(*) AS mismatches
FROM zbad b JOIN zcase c USING (id) GROUP BY 1, 2, 3 ORDER BY 1, 2, 3;
SELECT b.*, c.zone, c.width FROM zbad b JOIN zcase c USING (id) ORDER BY b.id, b.t LIMIT 10;
