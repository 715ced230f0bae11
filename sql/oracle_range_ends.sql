-- oracle_range_ends: trailing windows of calendar widths at the ends of the
-- timestamp range (4714-11-24 BC, 294277-01-01 UTC) and widths of thousands
-- of years, against plain SQL.  window_width.c computes t - w as
-- PostgreSQL does where no step can leave the range and continues the
-- calendar past it otherwise; wherever PostgreSQL's own t - w is defined
-- the two must agree.  The oracle takes a t - w that PostgreSQL reports
-- out of range (22008) as before the range: every width here is made of
-- parts that all move back, so a step that leaves the range leaves it
-- downwards for good.
--
-- Cases: a month at the end of the range, where 294276-12-31 minus a month
-- is clamped to 11-30 and values come back (UTC, and New York, whose
-- daylight-saving rules go on to the end); a day around New York's last
-- change back to standard time (294276-11-05); eight months, a month and a day,
-- a year and a day at the start, where the window starts before the range;
-- 6612 and 6760 years from around 1900 and 2050 in zones whose offsets
-- then differ from those 400 years later (Amsterdam, Casablanca); 292,500
-- years, longer than int64 microseconds, from the first years of the
-- range to the last ones.  Events are random in each stretch, probes on a
-- grid, at every event and a width after it, and a microsecond around
-- both.  Only counts are printed; any mismatch fails the test.
SET search_path = timeline, public;
SET DateStyle = 'ISO, YMD';
SET extra_float_digits = 0;
SET IntervalStyle = 'postgres';
SET max_parallel_workers_per_gather = 0;

-- t - w and t + w, with what PostgreSQL reports out of range as -infinity
-- and NULL
CREATE FUNCTION pg_temp.minus(t timestamptz, w interval) RETURNS timestamptz
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    RETURN t - w;
EXCEPTION WHEN datetime_field_overflow THEN
    RETURN '-infinity';
END
$$;
CREATE FUNCTION pg_temp.plus(t timestamptz, w interval) RETURNS timestamptz
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    RETURN t + w;
EXCEPTION WHEN datetime_field_overflow THEN
    RETURN NULL;
END
$$;

-- events in [elo, ehi), probes every step in [plo, phi] (and the range's
-- last microsecond for the cases at its end)
CREATE TEMP TABLE ecase (id serial, zone text, width interval, elo timestamptz, ehi timestamptz,
                         plo timestamptz, phi timestamptz, step interval);
INSERT INTO ecase (zone, width, elo, ehi, plo, phi, step) VALUES
  ('UTC', '1 mon', '294276-10-20 00:00+00', '294276-12-31 00:00+00',
   '294276-10-20 00:00+00', '294276-12-31 20:00+00', '3 hours'),
  ('America/New_York', '1 mon', '294276-10-01 00:00+00', '294276-12-31 00:00+00',
   '294276-10-01 00:00+00', '294276-12-31 20:00+00', '3 hours'),
  ('America/New_York', '1 day', '294276-11-03 12:00+00', '294276-11-05 12:00+00',
   '294276-11-03 12:00+00', '294276-11-06 12:00+00', '10 minutes'),
  ('UTC', '8 mon', '4714-11-24 00:01+00 BC', '4713-01-10 00:00+00 BC',
   '4714-11-24 00:01+00 BC', '4713-09-30 00:00+00 BC', '6 hours'),
  ('America/New_York', '1 mon 1 day', '4714-11-25 00:00+00 BC', '4714-12-31 00:00+00 BC',
   '4714-11-25 00:00+00 BC', '4713-02-28 00:00+00 BC', '2 hours'),
  ('Asia/Tokyo', '1 year 1 day', '4714-11-25 00:00+00 BC', '4713-01-31 00:00+00 BC',
   '4714-11-25 00:00+00 BC', '4712-02-28 00:00+00 BC', '12 hours'),
  ('Europe/Amsterdam', '6612 years', '4713-05-31 00:00+00 BC', '4713-06-02 00:00+00 BC',
   '1900-05-31 00:00+00', '1900-06-02 00:00+00', '7 minutes'),
  ('Africa/Casablanca', '6760 years', '4711-06-04 00:00+00 BC', '4711-06-06 00:00+00 BC',
   '2050-06-04 00:00+00', '2050-06-06 00:00+00', '7 minutes'),
  ('UTC', '292500 years', '4714-11-30 00:00+00 BC', '4714-12-02 00:00+00 BC',
   '287787-11-30 00:00+00', '287787-12-02 00:00+00', '7 minutes');

CREATE TEMP TABLE eev (id int, ts timestamptz, v float8);
SELECT setseed(0.2718);
INSERT INTO eev
SELECT DISTINCT ON (c.id, t) c.id, t, CASE WHEN random() < 0.1 THEN NULL ELSE floor(random() * 20) END
FROM ecase c, generate_series(1, 150) k,
     LATERAL (SELECT c.elo + floor(random() * extract(epoch FROM c.ehi - c.elo) / 60) * interval '1 minute'
                     + (k % 2) * random() * interval '1 minute' AS t) e;
CREATE INDEX ON eev (id, ts);

CREATE TEMP TABLE eres (id int, tl timeline, s timeline, c timeline);
CREATE TEMP TABLE eprobe (id int, t timestamptz);
CREATE TEMP TABLE ebad (id int, t timestamptz, what text);
CREATE TEMP TABLE ecount (id int, probes bigint, inside bigint, back bigint);
CREATE FUNCTION pg_temp.check(p_id int) RETURNS void LANGUAGE plpgsql AS $fn$
DECLARE
    c ecase;
BEGIN
    SELECT * INTO c FROM ecase WHERE id = p_id;
    PERFORM set_config('TimeZone', c.zone, true);
    INSERT INTO eres
    SELECT p_id, tl, sum(tl, c.width), count(tl, c.width)
    FROM (SELECT timeline_agg(ts, v) AS tl FROM eev WHERE id = p_id) a;
    INSERT INTO eprobe
    SELECT p_id, t FROM generate_series(c.plo, c.phi, c.step) t
    UNION
    SELECT p_id, '294276-12-31 23:59:59.999999+00' WHERE c.ehi > '294276-01-01'
    UNION
    SELECT p_id, q FROM eev e,
         LATERAL (SELECT pg_temp.plus(e.ts, c.width) AS w) w,
         LATERAL unnest(ARRAY[e.ts, w.w]) x,
         LATERAL unnest(ARRAY[x - interval '1 microsecond', x, x + interval '1 microsecond']) q
    WHERE e.id = p_id AND q BETWEEN c.plo AND c.phi;
    -- back: probes where, by the oracle, t - w moved back since the
    -- previous probe and brought an event back
    INSERT INTO ecount
    SELECT p_id, count(*), count(*) FILTER (WHERE a.n > 0),
           count(*) FILTER (WHERE p.s < p.prev_s
                              AND EXISTS (SELECT FROM eev e WHERE e.id = p_id AND e.v IS NOT NULL
                                                              AND e.ts > p.s AND e.ts <= p.prev_s))
    FROM (SELECT t, s, lag(s) OVER (ORDER BY t) AS prev_s
          FROM eprobe, LATERAL (SELECT pg_temp.minus(t, c.width) AS s) s
          WHERE id = p_id) p,
         LATERAL (SELECT count(v) AS n FROM eev e WHERE e.id = p_id AND e.ts > p.s AND e.ts <= p.t) a;
    INSERT INTO ebad
    SELECT p_id, p.t, 'value_at'
    FROM eprobe p JOIN eres r USING (id),
         LATERAL (SELECT count(v) AS c, sum(v) AS s FROM eev e
                  WHERE e.id = p_id AND e.ts > pg_temp.minus(p.t, c.width) AND e.ts <= p.t) a,
         LATERAL (SELECT count(*) AS n FROM eev e WHERE e.id = p_id AND e.ts <= p.t) b
    WHERE p.id = p_id
      AND (value_at(r.s, p.t) IS DISTINCT FROM a.s
           OR value_at(r.c, p.t) IS DISTINCT FROM CASE WHEN b.n > 0 THEN a.c END);
    INSERT INTO ebad
    SELECT p_id, NULL, 'aggregate_at_times'
    FROM eres r, LATERAL (SELECT array_agg(t ORDER BY t) AS ts FROM eprobe WHERE id = p_id) p
    WHERE r.id = p_id
      AND aggregate_at_times(r.tl, 'sum', c.width, p.ts) IS DISTINCT FROM values_at(r.s, p.ts);
    -- a feature state of the events up to the middle one, read up to the next
    INSERT INTO ebad
    SELECT p_id, p.t, 'state'
    FROM eres r,
         LATERAL (SELECT ts AS cut, lead(ts) OVER (ORDER BY ts) AS next
                  FROM eev WHERE id = p_id ORDER BY ts OFFSET 75 LIMIT 1) k,
         LATERAL (SELECT state_advance(state_new('count', c.width), timeline_agg(ts, v)) AS st
                  FROM eev WHERE id = p_id AND ts <= k.cut) s,
         LATERAL (SELECT t FROM eprobe WHERE id = p_id AND t >= k.cut) p
    WHERE r.id = p_id AND p.t < k.next
      AND state_value_at(s.st, p.t) IS DISTINCT FROM value_at(r.c, p.t);
END
$fn$;
SELECT count(pg_temp.check(id)) AS cases FROM ecase;

-- every case has probes, and windows both with and without events; where
-- events come back into the window (t - w moves back), it is seen
SELECT c.zone, c.width, e.probes > 150 AS probes, e.inside > 0 AS some_in,
       e.inside < e.probes AS some_out, e.back > 0 AS comebacks
FROM ecase c JOIN ecount e USING (id) ORDER BY c.id;
SELECT c.zone, c.width, b.what, count(*) AS mismatches
FROM ebad b JOIN ecase c USING (id) GROUP BY 1, 2, 3 ORDER BY 1, 2, 3;
SELECT b.*, c.zone, c.width FROM ebad b JOIN ecase c USING (id) ORDER BY b.id, b.t LIMIT 10;
