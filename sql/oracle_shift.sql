-- oracle_shift: randomized oracle test of the shifts (shift_by, shift_until,
-- shift_to) against plain SQL over the same events, and of ticks against
-- date_bin and UTC month arithmetic (last section).
--
-- Three seeds; for each, 300 entities with an event stream (0..24 points on
-- a 6-hour grid over 20 days around New York's 2024 fall-back, from 05:00
-- UTC, 25% moved off the grid by up to two hours, so many ties and points on
-- both passes of the repeated hour; values small integers, 15% NULL;
-- 30 more entities have 2..8 points within those two hours only)
-- and a predicate stream (0..10 points on the same grid; 1, 0 or NULL).
-- Timelines are built without seq (points of one time ordered by value,
-- NULLs last: the oracle ranks them the same way) and with explicit seqs
-- that interleave with the predicate's (some positions shared exactly).
--
-- Every result is compared point by point: points(result) WITH ORDINALITY
-- against the oracle's rows numbered in the order the contract gives (time,
-- then the order the points had before the shift), time and value, and the
-- result must be discrete.
--   shift_by(tl, d): every point at time + d (timestamptz + interval, in the
--     session's zone: UTC and America/New_York), in time order, points on
--     one instant in their original order.
--   shift_until(tl, p): each point is released at the first position of the
--     union of tl's and p's positions at or after its own where p holds (a
--     discrete p: its own value at exactly that position; a continuous p,
--     last(p): the latest non-NULL value at or before it), non-zero and not
--     NULL; never released points are gone; released points in the order of
--     their release position, then their own order.
--   shift_to(tl, t): every point at t, in its original order.
-- Only counts are printed, so any mismatch fails the test.
SET search_path = timeline, public;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET extra_float_digits = 0;
SET max_parallel_workers_per_gather = 0;
SET jit = off;
SET work_mem = '64MB';

CREATE TEMP TABLE ev (seed int, entity int, ts timestamptz, v float8, sq bigint);
CREATE TEMP TABLE pr (seed int, entity int, ts timestamptz, p float8, sq bigint);

CREATE FUNCTION pg_temp.generate(p_seed int) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM setseed(p_seed / 10.0);
    INSERT INTO ev (seed, entity, ts, v)
    SELECT p_seed, e.entity,
           timestamptz '2024-10-25 05:00+00' + floor(random() * 80) * interval '6 hours'
             + CASE WHEN random() < 0.25 THEN floor(random() * 7200) * interval '1 second'
                    ELSE interval '0' END,
           CASE WHEN random() < 0.15 THEN NULL ELSE floor(random() * 10) - 3 END
    FROM generate_series(1, 300) e(entity),
         LATERAL generate_series(1, (floor(random() * 25) + e.entity * 0)::int) g;
    -- entities 301..330: points only in 05:00-07:00 UTC of the fall-back
    -- day, both passes of New York's repeated hour
    INSERT INTO ev (seed, entity, ts, v)
    SELECT p_seed, e.entity,
           timestamptz '2024-11-03 05:00+00' + floor(random() * 7200) * interval '1 second',
           floor(random() * 10)
    FROM generate_series(301, 330) e(entity),
         LATERAL generate_series(1, (floor(random() * 7) + 2 + e.entity * 0)::int) g;
    INSERT INTO pr (seed, entity, ts, p)
    SELECT p_seed, e.entity,
           timestamptz '2024-10-25 05:00+00' + floor(random() * 80) * interval '6 hours',
           CASE WHEN random() < 0.15 THEN NULL WHEN random() < 0.6 THEN 1 ELSE 0 END
    FROM generate_series(1, 300) e(entity),
         LATERAL generate_series(1, (floor(random() * 11) + e.entity * 0)::int) g;
END $$;
SELECT pg_temp.generate(1), pg_temp.generate(2), pg_temp.generate(3);

-- explicit seqs: 3 * (rank within the instant) + 0..2, so unique within a
-- stream, and some equal to the other stream's at the same instant
UPDATE ev SET sq = r.sq FROM (
    SELECT ctid AS id, 3 * (row_number() OVER (PARTITION BY seed, entity, ts ORDER BY random()) - 1)
                       + floor(random() * 3)::bigint AS sq FROM ev) r
WHERE ev.ctid = r.id;
UPDATE pr SET sq = r.sq FROM (
    SELECT ctid AS id, 3 * (row_number() OVER (PARTITION BY seed, entity, ts ORDER BY random()) - 1)
                       + floor(random() * 3)::bigint AS sq FROM pr) r
WHERE pr.ctid = r.id;

SELECT count(*) AS events, count(DISTINCT (seed, entity)) AS entities,
       count(*) - count(v) AS null_values,
       (SELECT count(*) FROM (SELECT 1 FROM ev GROUP BY seed, entity, ts HAVING count(*) > 1) d) AS tied_instants,
       (SELECT count(*) FROM pr) AS predicate_points,
       (SELECT count(*) FROM ev e JOIN pr p USING (seed, entity, ts, sq)) AS shared_seq_positions
FROM ev;

-- The points of both streams at their positions, in each numbering: "rank"
-- (no seq: rank by value, NULLs last) and "seq" (the explicit seqs).
CREATE TEMP TABLE evp AS
SELECT seed, entity, ts, v, m.mode,
       CASE m.mode WHEN 'rank' THEN row_number() OVER (PARTITION BY seed, entity, ts, m.mode ORDER BY v NULLS LAST) - 1
                   ELSE sq END AS pos,
       CASE m.mode WHEN 'rank' THEN row_number() OVER (PARTITION BY seed, entity, m.mode ORDER BY ts, v NULLS LAST)
                   ELSE row_number() OVER (PARTITION BY seed, entity, m.mode ORDER BY ts, sq) END AS ord
FROM ev, (VALUES ('rank'), ('seq')) m(mode);
CREATE TEMP TABLE prp AS
SELECT seed, entity, ts, p, m.mode,
       CASE m.mode WHEN 'rank' THEN row_number() OVER (PARTITION BY seed, entity, ts, m.mode ORDER BY p NULLS LAST) - 1
                   ELSE sq END AS pos
FROM pr, (VALUES ('rank'), ('seq')) m(mode);
CREATE INDEX ON evp (seed, entity, mode);
CREATE INDEX ON prp (seed, entity, mode);

-- The timelines, per entity and numbering (an entity without events or
-- without predicate points has none of that stream: NULL).
CREATE TEMP TABLE tls AS
SELECT k.seed, k.entity, m.mode,
       (SELECT CASE m.mode WHEN 'rank' THEN timeline_agg(e.ts, e.v) ELSE timeline_agg(e.ts, e.v, e.sq) END
          FROM ev e WHERE e.seed = k.seed AND e.entity = k.entity) AS tl,
       (SELECT CASE m.mode WHEN 'rank' THEN timeline_agg(p.ts, p.p) ELSE timeline_agg(p.ts, p.p, p.sq) END
          FROM pr p WHERE p.seed = k.seed AND p.entity = k.entity) AS pt
FROM (SELECT DISTINCT seed, entity FROM ev UNION SELECT DISTINCT seed, entity FROM pr) k,
     (VALUES ('rank'), ('seq')) m(mode);

-- Compares a result (seed, entity, mode, variant, tl) with expected rows
-- (seed, entity, mode, variant, n, ts, v): both tables are given by name.
CREATE FUNCTION pg_temp.check(p_got text, p_want text, OUT compared bigint, OUT mismatched bigint,
                              OUT not_discrete bigint)
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format($q$
        CREATE TEMP TABLE got_pts AS
        SELECT g.seed, g.entity, g.mode, g.variant, x.n, x.time AS ts, x.value AS v
        FROM %I g, points(g.tl) WITH ORDINALITY x(time, value, n)$q$, p_got);
    EXECUTE format($q$
        SELECT count(*),
               count(*) FILTER (WHERE g.ts IS DISTINCT FROM w.ts OR g.v IS DISTINCT FROM w.v)
        FROM got_pts g FULL JOIN %I w USING (seed, entity, mode, variant, n)$q$, p_want)
      INTO compared, mismatched;
    EXECUTE format($q$SELECT count(*) FROM %I WHERE tl IS NOT NULL AND left(tl::text, 9) <> 'discrete{'$q$, p_got)
      INTO not_discrete;
    DROP TABLE got_pts;
END $$;

--
-- shift_by, in UTC and in New York (the fall-back of 2024-11-03 inside the
-- range: + 1 day and + 1 month land in the hour that repeats and reorder
-- some points)
--
CREATE TEMP TABLE shifts (variant text, zone text, d interval);
INSERT INTO shifts VALUES
    ('0', 'UTC', '0'), ('90 min', 'UTC', '90 minutes'), ('1 day', 'UTC', '1 day'),
    ('1 mon 2 days 03:00', 'UTC', '1 mon 2 days 03:00'),
    ('1 day NY', 'America/New_York', '1 day'), ('1 mon NY', 'America/New_York', '1 mon'),
    ('6 hours NY', 'America/New_York', '6 hours'), ('2 days 01:30 NY', 'America/New_York', '2 days 01:30');

CREATE FUNCTION pg_temp.shift_by_run(OUT variant text, OUT compared bigint, OUT mismatched bigint,
                                     OUT not_discrete bigint, OUT reordered bigint)
RETURNS SETOF record LANGUAGE plpgsql AS $$
DECLARE
    s record;
BEGIN
    FOR s IN SELECT * FROM shifts ORDER BY variant LOOP
        PERFORM set_config('TimeZone', s.zone, true);
        CREATE TEMP TABLE got AS
        SELECT seed, entity, mode, s.variant AS variant, shift_by(tl, s.d) AS tl FROM tls WHERE tl IS NOT NULL;
        CREATE TEMP TABLE want AS
        SELECT seed, entity, mode, s.variant AS variant,
               row_number() OVER (PARTITION BY seed, entity, mode ORDER BY ts + s.d, ord) AS n,
               ts + s.d AS ts, v, ord
        FROM evp;
        variant := s.variant;
        SELECT * INTO compared, mismatched, not_discrete FROM pg_temp.check('got', 'want');
        SELECT count(*) INTO reordered FROM want WHERE n <> ord;
        DROP TABLE got, want;
        PERFORM set_config('TimeZone', 'UTC', true);
        RETURN NEXT;
    END LOOP;
END $$;
SELECT * FROM pg_temp.shift_by_run();

--
-- shift_until with a discrete predicate (the predicate stream, and tl > 2
-- from the events themselves) and a continuous one (last(p))
--
-- the union of both streams' positions, with the predicate's value there
CREATE TEMP TABLE upos AS
SELECT seed, entity, mode, ts, pos,
       (SELECT p FROM prp q WHERE q.seed = u.seed AND q.entity = u.entity AND q.mode = u.mode
          AND q.ts = u.ts AND q.pos = u.pos) AS p_here,
       (SELECT q.p FROM prp q WHERE q.seed = u.seed AND q.entity = u.entity AND q.mode = u.mode
          AND (q.ts, q.pos) <= (u.ts, u.pos) AND q.p IS NOT NULL
        ORDER BY q.ts DESC, q.pos DESC LIMIT 1) AS p_last,
       (SELECT e.v FROM evp e WHERE e.seed = u.seed AND e.entity = u.entity AND e.mode = u.mode
          AND e.ts = u.ts AND e.pos = u.pos) AS v_here
FROM (SELECT seed, entity, mode, ts, pos FROM evp UNION SELECT seed, entity, mode, ts, pos FROM prp) u;
CREATE INDEX ON upos (seed, entity, mode, ts, pos);

CREATE TEMP TABLE until_got AS
SELECT seed, entity, mode, 'discrete p' AS variant, shift_until(tl, pt) AS tl FROM tls WHERE tl IS NOT NULL AND pt IS NOT NULL
UNION ALL
SELECT seed, entity, mode, 'last(p)', shift_until(tl, last(pt)) FROM tls WHERE tl IS NOT NULL AND pt IS NOT NULL
UNION ALL
SELECT seed, entity, mode, 'tl > 2', shift_until(tl, tl > 2) FROM tls WHERE tl IS NOT NULL;

CREATE TEMP TABLE until_want AS
WITH released AS (
    SELECT e.seed, e.entity, e.mode, k.variant, e.ord, e.v, e.ts AS own_ts, r.ts AS rts, r.pos AS rpos
    FROM evp e
    CROSS JOIN (VALUES ('discrete p'), ('last(p)'), ('tl > 2')) k(variant)
    CROSS JOIN LATERAL (
        SELECT u.ts, u.pos FROM upos u
        WHERE u.seed = e.seed AND u.entity = e.entity AND u.mode = e.mode
          AND (u.ts, u.pos) >= (e.ts, e.pos)
          AND CASE k.variant WHEN 'discrete p' THEN u.p_here <> 0
                             WHEN 'last(p)' THEN u.p_last <> 0
                             ELSE u.v_here > 2 END
        ORDER BY u.ts, u.pos LIMIT 1) r)
SELECT seed, entity, mode, variant,
       row_number() OVER (PARTITION BY seed, entity, mode, variant ORDER BY rts, rpos, ord) AS n,
       rts AS ts, v, own_ts
FROM released;

CREATE FUNCTION pg_temp.until_run(OUT variant text, OUT compared bigint, OUT mismatched bigint,
                                  OUT not_discrete bigint, OUT held bigint, OUT at_once bigint,
                                  OUT never bigint)
RETURNS SETOF record LANGUAGE plpgsql AS $$
DECLARE
    k text;
BEGIN
    FOREACH k IN ARRAY ARRAY['discrete p', 'last(p)', 'tl > 2'] LOOP
        CREATE TEMP TABLE got AS SELECT * FROM until_got WHERE until_got.variant = k;
        CREATE TEMP TABLE want AS SELECT * FROM until_want WHERE until_want.variant = k;
        variant := k;
        SELECT * INTO compared, mismatched, not_discrete FROM pg_temp.check('got', 'want');
        SELECT count(*) FILTER (WHERE ts > own_ts), count(*) FILTER (WHERE ts = own_ts)
          INTO held, at_once FROM want;
        -- points of entities that have a result timeline, minus those released
        SELECT count(*) - held - at_once INTO never
          FROM evp e JOIN got g USING (seed, entity, mode);
        DROP TABLE got, want;
        RETURN NEXT;
    END LOOP;
END $$;
SELECT * FROM pg_temp.until_run();

--
-- shift_to: every point to one time at or after the last (the last point's
-- own time, a second later, and a year later), in its original order
--
CREATE TEMP TABLE to_got AS
SELECT seed, entity, mode, k.variant, shift_to(tl, last_time(tl) + k.d) AS tl
FROM tls, (VALUES ('last time', interval '0'), ('+1 s', interval '1 second'), ('+1 year', interval '1 year')) k(variant, d)
WHERE tl IS NOT NULL;
CREATE TEMP TABLE to_want AS
SELECT e.seed, e.entity, e.mode, k.variant, e.ord AS n,
       max(e.ts) OVER (PARTITION BY e.seed, e.entity, e.mode) + k.d AS ts, e.v
FROM evp e, (VALUES ('last time', interval '0'), ('+1 s', interval '1 second'), ('+1 year', interval '1 year')) k(variant, d);
SELECT * FROM pg_temp.check('to_got', 'to_want');

--
-- ticks (tested beside the shifts, as in shift.sql): 1,200 random
-- (from, to, step, origin) against date_bin for fixed steps and against
-- timestamp (UTC) + n months for calendar steps, read in a New York
-- session (ticks are UTC: the zone must not matter).  Every tick's time,
-- value 1, in order, and no other point.  Mutations that fail it: a tick
-- exactly at from left out (540 mismatches), calendar steps counted in New
-- York (1,479).
--
SELECT setseed(0.4);
CREATE TEMP TABLE tick_cases AS
SELECT c.id, c.step, c.origin, c.from_t, c.from_t + c.span AS to_t
FROM (SELECT g AS id,
             s.step,
             CASE WHEN random() < 0.2 THEN NULL
                  ELSE timestamptz '1990-01-01 00:00+00'
                       + floor(random() * 40 * 365 * 24 * 3600) * interval '1 second'
                       + floor(random() * 1000000) * interval '1 microsecond' END AS origin,
             timestamptz '2023-01-01 00:00+00' + floor(random() * 3 * 365 * 24 * 3600) * interval '1 second'
                 + CASE WHEN random() < 0.3 THEN floor(random() * 1000000) * interval '1 microsecond'
                        ELSE interval '0' END AS from_t,
             s.span_unit * floor(random() * 40 - 2) AS span
      FROM generate_series(1, 1200) g,
           LATERAL (SELECT step, span_unit FROM (VALUES
                (interval '1 second', interval '1 second'), (interval '90 seconds', interval '1 minute'),
                (interval '1 hour', interval '1 hour'), (interval '7 days', interval '5 days'),
                (interval '1 day 02:30', interval '1 day'), (interval '0.25 seconds', interval '0.1 seconds'),
                (interval '1 mon', interval '20 days'), (interval '2 mons', interval '1 mon'),
                (interval '1 year', interval '4 mons'), (interval '1 year 6 mons', interval '6 mons'))
                v(step, span_unit) ORDER BY random() + g * 0 LIMIT 1) s) c;

CREATE TEMP TABLE tick_want AS
-- fixed steps: date_bin's boundary at or before from, one step on if before
SELECT c.id, n, t
FROM tick_cases c,
     LATERAL (SELECT CASE WHEN b < c.from_t THEN b + c.step ELSE b END AS first
              FROM (SELECT date_bin(c.step, c.from_t, coalesce(c.origin, '2000-01-01 00:00+00')) AS b) d) f,
     LATERAL generate_series(f.first, c.to_t, c.step) WITH ORDINALITY s(t, n)
WHERE extract(month FROM c.step) = 0 AND extract(year FROM c.step) = 0
UNION ALL
-- calendar steps: origin + k months on the UTC calendar, within [from, to]
SELECT c.id, row_number() OVER (PARTITION BY c.id ORDER BY k), t
FROM tick_cases c,
     LATERAL (SELECT (extract(year FROM c.step) * 12 + extract(month FROM c.step))::int AS months) m,
     LATERAL generate_series(-1000, 1000) k,
     LATERAL (SELECT ((coalesce(c.origin, '2000-01-01 00:00+00') AT TIME ZONE 'UTC')
                      + k * m.months * interval '1 month') AT TIME ZONE 'UTC' AS t) x
WHERE m.months > 0 AND x.t BETWEEN c.from_t AND c.to_t;

SET TimeZone = 'America/New_York';
CREATE TEMP TABLE tick_got AS
SELECT c.id, p.n, p.time AS t, p.value
FROM tick_cases c,
     LATERAL points(CASE WHEN c.origin IS NULL THEN ticks(c.from_t, c.to_t, c.step)
                         ELSE ticks(c.from_t, c.to_t, c.step, c.origin) END) WITH ORDINALITY p(time, value, n);
SET TimeZone = 'UTC';
SELECT count(*) AS compared,
       count(*) FILTER (WHERE g.t IS DISTINCT FROM w.t OR g.value IS DISTINCT FROM 1) AS mismatched,
       count(DISTINCT coalesce(g.id, w.id)) AS cases_with_ticks,
       (SELECT count(*) FROM tick_cases WHERE to_t < from_t) AS reversed_cases,
       (SELECT count(*) FROM tick_cases WHERE origin IS NULL) AS default_origin,
       (SELECT count(*) FROM tick_cases
         WHERE extract(month FROM step) > 0 OR extract(year FROM step) > 0) AS calendar_cases,
       count(*) FILTER (WHERE w.t = (SELECT from_t FROM tick_cases c WHERE c.id = w.id)) AS ticks_at_from
FROM tick_got g FULL JOIN tick_want w USING (id, n);
