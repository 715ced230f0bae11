-- oracle_training: randomized oracle test of timeline.create_training_set
-- against a hand-written plain-SQL formulation (LATERAL subqueries with
-- aggregates, FILTER and ORDER BY ... LIMIT 1; no timeline function at all).
--
-- Three seeds; for each, 160 entities with a few thousand events (integer
-- entity, times on 1-hour and 6-hour grids so many events share an instant,
-- NULL amounts, repeated amounts, a kind column with 'buy', 'sell', 'reset'
-- and NULL, a unique id as the seq column, a few events with a NULL entity
-- or a NULL time), and a spine of about two thousand rows: times exactly on
-- event times, 1 microsecond around them, exactly on window and horizon
-- edges, at and just after resets, random times, times before all data and
-- after it; entities without events, NULL entities and NULL times, and
-- duplicated spine rows.  Seeds 1 and 2 use a feature set in UTC; seed 3
-- one in America/New_York, so day-based windows and horizons cross a DST
-- change (2022-03-13) and follow PostgreSQL's timestamptz +/- interval
-- arithmetic there.  Every training set is made in a session in Asia/Tokyo:
-- the feature set's zone, not the session's, must count.
--
-- Features: lifetime count, count with a filter, sum, min, first, last,
-- count_if; trailing '3 days' / '1 day' mean, max, last, first (filtered),
-- var_samp, stddev_pop, count of a value, count_if (filtered), count and
-- sum (filtered, '2 days' and '3 days'); since(kind = 'reset') count, sum
-- and filtered count.  The counts of rows (lifetime, filtered, trailing,
-- and the count and any labels) are read from the points of the amount
-- expressions of the same filter, whose NULL amounts must still count.
-- Training sets: features only, and labels count(src), any(src), sum(src,
-- amount), a mean feature and a since count feature as labels, with
-- incomplete labels excluded or flagged.
--
-- Every output row and every column is compared (floats with a relative
-- tolerance of 1e-9, NULL-ness exactly), and the multiset of rows per spine
-- row (duplicates, excluded rows) is compared with the oracle's.  Only counts
-- are printed, so the output is deterministic and any mismatch fails the
-- test; the mismatching values themselves are listed (none).
SET search_path = public;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET IntervalStyle = 'postgres';
SET extra_float_digits = 0;
SET max_parallel_workers_per_gather = 0;
SET client_min_messages = warning;

-- the events of all seeds; the source is a table holding the current seed's
CREATE TABLE ev (
    seed int NOT NULL,
    id bigint NOT NULL,
    entity int,
    ts timestamptz,
    amount float8,
    kind text
) WITH (autovacuum_enabled = false);
CREATE TABLE ev_cur (id bigint NOT NULL, entity int, ts timestamptz, amount float8, kind text)
WITH (autovacuum_enabled = false);

-- the spine; rows duplicated on purpose share their sid
CREATE TABLE spine (seed int NOT NULL, sid int NOT NULL, entity int, t timestamptz, why text)
WITH (autovacuum_enabled = false);

SELECT timeline.create_source('src', 'ev_cur', 'entity', 'ts', 'id');
-- the features, in column order (a NULL window is lifetime)
CREATE TABLE fdefs (ord int, name text, aggregate text, value_expression text, "window" text, filter text);
INSERT INTO fdefs VALUES
    (1, 'f_count', 'count', NULL, NULL, NULL),
    (2, 'f_count_buy', 'count', NULL, NULL, 'kind = ''buy'''),
    (3, 'f_sum', 'sum', 'amount', NULL, NULL),
    (4, 'f_mean_3d', 'mean', 'amount', '3 days', NULL),
    (5, 'f_min', 'min', 'amount', NULL, NULL),
    (6, 'f_max_1d', 'max', 'amount', '1 day', NULL),
    (7, 'f_first', 'first', 'amount', NULL, NULL),
    (8, 'f_last', 'last', 'amount', NULL, NULL),
    (9, 'f_last_3d', 'last', 'amount', '3 days', NULL),
    (10, 'f_first_buy_1d', 'first', 'amount', '1 day', 'kind = ''buy'''),
    (11, 'f_var_3d', 'var_samp', 'amount', '3 days', NULL),
    (12, 'f_sdpop_1d', 'stddev_pop', 'amount', '1 day', NULL),
    (13, 'f_count_amount_1d', 'count', 'amount', '1 day', NULL),
    (14, 'f_big', 'count_if', 'amount > 50', NULL, NULL),
    (15, 'f_big_3d', 'count_if', 'amount > 50', '3 days', 'kind <> ''reset'''),
    (16, 'f_since_count', 'count', NULL, 'since(kind = ''reset'')', NULL),
    (17, 'f_since_sum', 'sum', 'amount', 'since(kind = ''reset'')', NULL),
    (18, 'f_since_buy', 'count', NULL, 'since(kind = ''reset'')', 'kind = ''buy'''),
    (19, 'f_count_2d', 'count', NULL, '2 days', NULL),
    (20, 'f_sum_buy_3d', 'sum', 'amount', '3 days', 'kind = ''buy''');
SELECT ord, name, timeline.create_feature(name, 'src', aggregate, value_expression, "window", filter) AS version
FROM fdefs ORDER BY ord;
SELECT timeline.create_feature_set('fs', (SELECT array_agg(name ORDER BY ord) FROM fdefs));
-- the same features computed in New York (fs is in the creating session's UTC)
SELECT timeline.create_feature_set('fs_ny', (SELECT array_agg(name ORDER BY ord) FROM fdefs),
                                   time_zone => 'America/New_York');
SELECT name, time_zone FROM timeline.feature_sets ORDER BY name;

-- the training sets made per seed: label, horizon, incomplete_labels
CREATE TABLE tsets (tset text PRIMARY KEY, label text, horizon interval, mode text);
INSERT INTO tsets VALUES
    ('features', NULL, NULL, 'exclude'),
    ('count_7d', 'count(src)', '7 days', 'exclude'),
    ('count_7d_flag', 'count(src)', '7 days', 'flag'),
    ('any_1d_flag', 'any(src)', '1 day', 'flag'),
    ('sum_3d', 'sum(src, amount)', '3 days', 'exclude'),
    ('f_mean_3d_5d', 'f_mean_3d', '5 days', 'exclude'),
    ('f_sum_2d_flag', 'f_sum', '2 days', 'flag'),
    ('f_big_3d_count_1d', 'f_big_3d', '1 day', 'exclude');

--
-- Data.  Entities 1..160 by entity % 16:
--   0: no events (and entities 161..170 of the spine have none either);
--   1: bursts: 10..29 events on 4 instants (0, 6, 30 and 72 hours after an
--      entity's own start: the last exactly 3 days after the first);
--   2, 3: heavy: 60..119 events on a 6-hour grid over 60 days;
--   else: 0..25 events on a 1-hour grid over 60 days.
-- Plus 6 events with a NULL entity and 4 with a NULL time.  Amounts: NULL 10%,
-- integers 0..9 15% (repeated values), else 2-decimal reals in [-50, 150).
-- Kinds: buy 45%, sell 35%, reset 10%, NULL 10%.  Ids are unique and in random
-- order, so they order events of one instant differently from their values.
-- Times are built from hours only, so the data do not depend on the time zone.
-- The random draws follow the tables' scan order: no index and no autovacuum
-- on them while they are filled, so the plans and the data never change.
--
CREATE FUNCTION gen(s int, sd float8) RETURNS void
LANGUAGE plpgsql AS $fn$
DECLARE
    base constant timestamptz := '2022-02-20 00:00:00+00';
BEGIN
    PERFORM setseed(sd);
    INSERT INTO ev (seed, id, entity, ts, amount, kind)
    SELECT s, s * 1000000 + row_number() OVER (ORDER BY r_id), entity, ts,
           CASE WHEN r_a < 0.10 THEN NULL
                WHEN r_a < 0.25 THEN floor(r_v * 10)
                ELSE round((r_v * 200 - 50)::numeric, 2)::float8 END,
           CASE WHEN r_k < 0.45 THEN 'buy' WHEN r_k < 0.80 THEN 'sell'
                WHEN r_k < 0.90 THEN 'reset' END
    FROM (SELECT e.entity, random() AS r_id, random() AS r_a, random() AS r_v, random() AS r_k,
                 base + CASE WHEN e.entity % 16 = 1
                             THEN (e.entity * 37 % 1200 + (ARRAY[0, 6, 30, 72])[1 + floor(random() * 4)::int])
                                  * interval '1 hour'
                             WHEN e.entity % 16 IN (2, 3)
                             THEN floor(random() * 240) * interval '6 hours'
                             ELSE floor(random() * 1440) * interval '1 hour' END AS ts
          FROM (SELECT entity,
                       CASE WHEN entity % 16 = 0 THEN 0
                            WHEN entity % 16 = 1 THEN 10 + floor(random() * 20)::int
                            WHEN entity % 16 IN (2, 3) THEN 60 + floor(random() * 60)::int
                            ELSE floor(random() * 26)::int END AS n
                FROM generate_series(1, 160) entity) e,
               generate_series(1, e.n) i
          UNION ALL
          SELECT NULL, random(), random(), random(), random(), base + floor(random() * 1440) * interval '1 hour'
          FROM generate_series(1, 6)
          UNION ALL
          SELECT 1 + floor(random() * 160)::int, random(), random(), random(), random(), NULL
          FROM generate_series(1, 4)) x;

    -- spine rows, numbered at the end
    CREATE TEMP TABLE sp0 (entity int, t timestamptz, why text) ON COMMIT DROP;
    -- exactly at event times
    INSERT INTO sp0
    SELECT entity, ts, 'event' FROM ev
    WHERE seed = s AND entity IS NOT NULL AND ts IS NOT NULL AND random() < 0.2;
    -- 1 microsecond around event times, at window edges (an event at t - 1 day
    -- or t - 3 days has just left the window), at horizon edges (an event at
    -- t + 1, 2, 3, 5 or 7 days is just inside the label's window)
    INSERT INTO sp0
    SELECT entity, ts + (ARRAY[interval '-1 microsecond', interval '1 microsecond', interval '1 day',
                               interval '3 days', interval '-1 day', interval '-2 days',
                               interval '-3 days', interval '-5 days', interval '-7 days',
                               interval '1 day 1 microsecond'])[1 + floor(random() * 10)::int],
           'edge'
    FROM ev
    WHERE seed = s AND entity IS NOT NULL AND ts IS NOT NULL AND random() < 0.08;
    -- at resets, just after them, and a few hours after them
    INSERT INTO sp0
    SELECT entity, ts + (ARRAY[interval '0', interval '1 microsecond', interval '3 hours'])[1 + floor(random() * 3)::int],
           'reset'
    FROM ev
    WHERE seed = s AND entity IS NOT NULL AND ts IS NOT NULL AND kind = 'reset' AND random() < 0.4;
    -- random entities (161..170 have no events) at random times, from 2 days
    -- before the data to 4 days after it
    INSERT INTO sp0
    SELECT 1 + floor(random() * 170)::int, base + interval '-2 days' + random() * interval '66 days', 'random'
    FROM generate_series(1, 600);
    -- the hour before the DST change's 7-day horizon: 2022-03-06 02:00-03:00
    -- in New York (plus 7 days, its local time does not exist)
    INSERT INTO sp0
    SELECT entity, '2022-03-06 07:00:00+00'::timestamptz + floor(random() * 3600) * interval '1 second', 'dst'
    FROM generate_series(1, 160) entity
    WHERE entity % 16 IN (2, 3) OR random() < 0.1;
    -- 23, 24, 71 and 72 hours after events of the days before the DST change
    -- (2022-03-13 07:00 UTC): where an event leaves a 1-day or 3-day window in
    -- UTC, and in New York (where 2022-03-13 has 23 hours)
    INSERT INTO sp0
    SELECT entity, ts + (ARRAY[23, 24, 71, 72])[1 + floor(random() * 4)::int] * interval '1 hour', 'dst'
    FROM ev
    WHERE seed = s AND entity IS NOT NULL AND ts >= '2022-03-10 00:00:00+00'
      AND ts < '2022-03-13 07:00:00+00' AND random() < 0.5;
    -- exactly where labels become incomplete: the newest event minus each
    -- horizon, and 1 microsecond around it
    INSERT INTO sp0
    SELECT 1 + floor(random() * 170)::int, newest - h + d, 'newest'
    FROM (SELECT max(ts) AS newest FROM ev WHERE seed = s) n,
         unnest(ARRAY[interval '1 day', interval '2 days', interval '3 days', interval '5 days',
                      interval '7 days']) h,
         unnest(ARRAY[interval '-1 microsecond', interval '0', interval '0', interval '1 microsecond']) d;
    -- NULL entities, NULL times, both
    INSERT INTO sp0
    SELECT NULL, base + random() * interval '60 days', 'null' FROM generate_series(1, 5)
    UNION ALL
    SELECT 1 + floor(random() * 160)::int, NULL, 'null' FROM generate_series(1, 5)
    UNION ALL
    SELECT NULL, NULL, 'null';

    INSERT INTO spine (seed, sid, entity, t, why)
    SELECT s, row_number() OVER (ORDER BY r), entity, t, why
    FROM (SELECT *, random() AS r FROM sp0) x;
    -- duplicated rows: the same entity and time twice (and once three times)
    INSERT INTO spine SELECT * FROM spine WHERE seed = s AND sid % 37 = 0;
    INSERT INTO spine SELECT * FROM spine WHERE seed = s AND sid = 37 LIMIT 1;
    DROP TABLE sp0;
END
$fn$;

SELECT gen(1, 0.13);
SELECT gen(2, 0.57);
SELECT gen(3, -0.29);
CREATE INDEX ON ev (seed, entity, ts);
ANALYZE ev;
ANALYZE spine;

-- the data have what the test is about (every flag should be true)
SELECT seed,
       count(*) BETWEEN 2000 AND 5000 AS events_2k_5k,
       count(DISTINCT entity) BETWEEN 100 AND 200 AS entities_100_200,
       bool_or(entity IS NULL) AS null_entity,
       bool_or(ts IS NULL) AS null_time,
       bool_or(amount IS NULL) AS null_amount,
       count(*) FILTER (WHERE kind = 'reset') > 100 AS resets,
       bool_or(kind IS NULL) AS null_kind
FROM ev GROUP BY seed ORDER BY seed;
SELECT seed,
       count(*) FILTER (WHERE n > 1) > 100 AS instants_with_ties,
       max(n) >= 5 AS big_ties,
       bool_or(n > n_amounts + n_null) AS equal_amount_ties,
       bool_or(n_reset > 0 AND n_reset < n) AS reset_and_other_ties
FROM (SELECT seed, entity, ts, count(*) AS n, count(DISTINCT amount) AS n_amounts,
             count(*) FILTER (WHERE amount IS NULL) AS n_null,
             count(*) FILTER (WHERE kind = 'reset') AS n_reset
      FROM ev WHERE entity IS NOT NULL AND ts IS NOT NULL GROUP BY 1, 2, 3) g
GROUP BY seed ORDER BY seed;
SELECT seed,
       count(*) BETWEEN 1000 AND 3000 AS spine_1k_3k,
       count(*) - count(DISTINCT sid) > 20 AS duplicated_rows,
       bool_or(entity IS NULL) AS null_entity,
       bool_or(t IS NULL) AS null_time,
       count(*) FILTER (WHERE why = 'event') > 300 AS on_events,
       count(*) FILTER (WHERE why <> 'event' AND EXISTS (
           SELECT 1 FROM ev WHERE ev.seed = sp.seed AND ev.entity = sp.entity AND ev.ts = sp.t)) > 50
           AS other_rows_on_events,
       count(*) FILTER (WHERE entity IS NOT NULL AND NOT EXISTS (
           SELECT 1 FROM ev WHERE ev.seed = sp.seed AND ev.entity = sp.entity)) > 30 AS entities_without_events,
       count(*) FILTER (WHERE t < r.lo OR t > r.hi) > 20 AS outside_data
FROM spine sp
JOIN (SELECT seed, min(ts) AS lo, max(ts) AS hi FROM ev GROUP BY seed) r USING (seed)
GROUP BY seed ORDER BY seed;

-- the spine probes the cases that decide the semantics: rows where the order
-- of the events of one instant (by id, not by value) decides last and first,
-- and rows observed after a reset's instant but before the entity's next
-- event (the since() value there is the one of the window the reset closed)
SELECT sp.seed,
       count(*) FILTER (WHERE l.by_id IS DISTINCT FROM l.by_value) >= 50 AS ties_decide_last,
       count(*) FILTER (WHERE f.by_id IS DISTINCT FROM f.by_value) >= 20 AS ties_decide_first,
       count(*) FILTER (WHERE r.reset_instant < sp.t) >= 50 AS after_reset_instant,
       count(*) FILTER (WHERE e.at_1d) >= 20 AS event_leaving_1d,
       count(*) FILTER (WHERE e.at_3d) >= 20 AS event_leaving_3d,
       count(*) FILTER (WHERE e.at_plus_7d) >= 20 AS event_at_horizon_7d
FROM (SELECT DISTINCT seed, sid, entity, t FROM spine WHERE entity IS NOT NULL AND t IS NOT NULL) sp
CROSS JOIN LATERAL (
    SELECT (SELECT amount FROM ev WHERE ev.seed = sp.seed AND ev.entity = sp.entity AND ev.ts <= sp.t
              AND amount IS NOT NULL ORDER BY ts DESC, id DESC LIMIT 1) AS by_id,
           (SELECT amount FROM ev WHERE ev.seed = sp.seed AND ev.entity = sp.entity AND ev.ts <= sp.t
              AND amount IS NOT NULL ORDER BY ts DESC, amount DESC LIMIT 1) AS by_value) l
CROSS JOIN LATERAL (
    SELECT (SELECT amount FROM ev WHERE ev.seed = sp.seed AND ev.entity = sp.entity AND ev.ts <= sp.t
              AND amount IS NOT NULL ORDER BY ts, id LIMIT 1) AS by_id,
           (SELECT amount FROM ev WHERE ev.seed = sp.seed AND ev.entity = sp.entity AND ev.ts <= sp.t
              AND amount IS NOT NULL ORDER BY ts, amount LIMIT 1) AS by_value) f
CROSS JOIN LATERAL (
    SELECT max(ts) FILTER (WHERE kind = 'reset') AS reset_instant FROM ev
    WHERE ev.seed = sp.seed AND ev.entity = sp.entity
      AND ev.ts = (SELECT max(ts) FROM ev WHERE ev.seed = sp.seed AND ev.entity = sp.entity AND ev.ts <= sp.t)) r
CROSS JOIN LATERAL (
    SELECT bool_or(ts = sp.t - interval '1 day') AS at_1d, bool_or(ts = sp.t - interval '3 days') AS at_3d,
           bool_or(ts = sp.t + interval '7 days') AS at_plus_7d
    FROM ev WHERE ev.seed = sp.seed AND ev.entity = sp.entity) e
GROUP BY sp.seed ORDER BY sp.seed;

--
-- Run: per seed, every training set of the feature set of its time zone,
-- made in a session in Tokyo (copied into got, one row per output row and
-- column, the label as float8, any's as 1/0), and the oracle in the seed's
-- zone (into want: one row per spine row and column; labels per training
-- set in want_label, with whether the row is in the training set).
--
CREATE TABLE got (seed int, tset text, rn bigint, sid int, entity int, t timestamptz,
                  col text, val float8);
CREATE TABLE want (seed int, sid int, col text, val float8);
CREATE TABLE want_label (seed int, tset text, sid int, val float8, complete bool, included bool);
CREATE TABLE counts (seed int, tset text, returned bigint, table_rows bigint);

CREATE FUNCTION run(s int, tz text) RETURNS void
LANGUAGE plpgsql AS $fn$
DECLARE
    fs text := CASE tz WHEN 'UTC' THEN 'fs' ELSE 'fs_ny' END;
    tsr record;
    nrows bigint;
    cols text;
BEGIN
    TRUNCATE ev_cur;
    INSERT INTO ev_cur SELECT id, entity, ts, amount, kind FROM ev WHERE seed = s;
    -- the two ways a source is read: seeds 1 and 2 have statistics saying
    -- the spine holds most of the source's entities, so the whole source is
    -- aggregated and a label's newest time comes from the timelines; seed 3
    -- has statistics saying 100,000 entities, so only the spine's entities
    -- are aggregated and the newest time comes from a scan of the source
    IF s = 3 THEN
        ALTER TABLE ev_cur ALTER COLUMN entity SET (n_distinct = 100000);
    ELSE
        ALTER TABLE ev_cur ALTER COLUMN entity RESET (n_distinct);
    END IF;
    ANALYZE ev_cur;
    -- the training sets are made in Tokyo (+09, no daylight saving): the
    -- feature set's zone (fs: UTC, fs_ny: New York) is what counts, and the
    -- oracle below computes in that zone
    PERFORM set_config('TimeZone', 'Asia/Tokyo', false);

    SELECT string_agg(format('(%L, %I::float8)', m.feature, m.feature), ', ' ORDER BY m.position)
      INTO cols FROM timeline.feature_set_members(fs) m;
    FOR tsr IN SELECT * FROM tsets ORDER BY tset LOOP
        nrows := timeline.create_training_set('ts_out', fs,
                     format('SELECT entity, t, sid FROM spine WHERE seed = %s', s),
                     tsr.label, tsr.horizon, tsr.mode);
        EXECUTE format('INSERT INTO counts SELECT %s, %L, %s, count(*) FROM ts_out', s, tsr.tset, nrows);
        EXECUTE format(
            'INSERT INTO got SELECT %s, %L, o.rn, o.sid, o.entity, o.t, v.col, v.val
             FROM (SELECT *, row_number() OVER () AS rn FROM ts_out) o
             CROSS JOIN LATERAL (VALUES %s%s%s) AS v(col, val)',
            s, tsr.tset, cols,
            CASE WHEN tsr.label IS NULL THEN ''
                 WHEN tsr.label LIKE 'any(%' THEN ', (''label'', o.label::int::float8)'
                 ELSE ', (''label'', o.label::float8)' END,
            CASE WHEN tsr.mode = 'flag' AND tsr.label IS NOT NULL
                 THEN ', (''label_complete'', o.label_complete::int::float8)' ELSE '' END);
        DROP TABLE ts_out;
    END LOOP;
    PERFORM set_config('TimeZone', tz, false);

    -- the oracle's features, per distinct spine row
    INSERT INTO want (seed, sid, col, val)
    SELECT sp.seed, sp.sid, v.col, v.val
    FROM (SELECT DISTINCT seed, sid, entity, t FROM spine WHERE seed = s) sp
    LEFT JOIN LATERAL (
        SELECT count(*) AS f_count,
               count(*) FILTER (WHERE kind = 'buy') AS f_count_buy,
               sum(amount::numeric) AS f_sum,
               avg(amount::numeric) FILTER (WHERE ts > sp.t - interval '3 days') AS f_mean_3d,
               min(amount) AS f_min,
               max(amount) FILTER (WHERE ts > sp.t - interval '1 day') AS f_max_1d,
               var_samp(amount::numeric) FILTER (WHERE ts > sp.t - interval '3 days') AS f_var_3d,
               stddev_pop(amount::numeric) FILTER (WHERE ts > sp.t - interval '1 day') AS f_sdpop_1d,
               count(amount) FILTER (WHERE ts > sp.t - interval '1 day') AS f_count_amount_1d,
               count(*) FILTER (WHERE amount > 50) AS f_big,
               count(*) FILTER (WHERE amount > 50 AND kind <> 'reset' AND ts > sp.t - interval '3 days') AS f_big_3d,
               count(*) FILTER (WHERE ts > sp.t - interval '2 days') AS f_count_2d,
               sum(amount::numeric) FILTER (WHERE kind = 'buy' AND ts > sp.t - interval '3 days') AS f_sum_buy_3d,
               max(ts) AS last_row_time
        FROM ev WHERE ev.seed = sp.seed AND ev.entity = sp.entity AND ev.ts <= sp.t) a ON true
    -- first and last: the earliest and latest non-NULL amount in (time, id) order
    LEFT JOIN LATERAL (
        SELECT (SELECT amount FROM ev WHERE ev.seed = sp.seed AND ev.entity = sp.entity AND ev.ts <= sp.t
                  AND amount IS NOT NULL ORDER BY ts, id LIMIT 1) AS f_first,
               (SELECT amount FROM ev WHERE ev.seed = sp.seed AND ev.entity = sp.entity AND ev.ts <= sp.t
                  AND amount IS NOT NULL ORDER BY ts DESC, id DESC LIMIT 1) AS f_last,
               (SELECT amount FROM ev WHERE ev.seed = sp.seed AND ev.entity = sp.entity AND ev.ts <= sp.t
                  AND ev.ts > sp.t - interval '3 days'
                  AND amount IS NOT NULL ORDER BY ts DESC, id DESC LIMIT 1) AS f_last_3d,
               (SELECT amount FROM ev WHERE ev.seed = sp.seed AND ev.entity = sp.entity AND ev.ts <= sp.t
                  AND ev.ts > sp.t - interval '1 day' AND kind = 'buy'
                  AND amount IS NOT NULL ORDER BY ts, id LIMIT 1) AS f_first_buy_1d) fl ON true
    -- since(kind = 'reset'): the value as of t is the value at the entity's
    -- last row at or before t (at time a.last_row_time), whose window holds
    -- the rows after the last reset strictly before that time: a reset takes
    -- effect after every row of its instant, and the result only changes at
    -- the source's rows
    LEFT JOIN LATERAL (
        SELECT max(ts) AS last_reset FROM ev
        WHERE ev.seed = sp.seed AND ev.entity = sp.entity AND kind = 'reset' AND ev.ts < a.last_row_time) r ON true
    LEFT JOIN LATERAL (
        SELECT count(*) AS f_since_count,
               sum(amount::numeric) AS f_since_sum,
               count(*) FILTER (WHERE kind = 'buy') AS f_since_buy
        FROM ev WHERE ev.seed = sp.seed AND ev.entity = sp.entity AND ev.ts <= sp.t
                  AND ev.ts > coalesce(r.last_reset, '-infinity')) si ON true
    -- count features are 0, not NULL, when entity and time are known
    CROSS JOIN LATERAL (VALUES
        ('f_count', CASE WHEN sp.entity IS NOT NULL AND sp.t IS NOT NULL THEN a.f_count END::float8),
        ('f_count_buy', CASE WHEN sp.entity IS NOT NULL AND sp.t IS NOT NULL THEN a.f_count_buy END),
        ('f_sum', a.f_sum),
        ('f_mean_3d', a.f_mean_3d),
        ('f_min', a.f_min),
        ('f_max_1d', a.f_max_1d),
        ('f_first', fl.f_first),
        ('f_last', fl.f_last),
        ('f_last_3d', fl.f_last_3d),
        ('f_first_buy_1d', fl.f_first_buy_1d),
        ('f_var_3d', a.f_var_3d),
        ('f_sdpop_1d', a.f_sdpop_1d),
        ('f_count_amount_1d', CASE WHEN sp.entity IS NOT NULL AND sp.t IS NOT NULL THEN a.f_count_amount_1d END),
        ('f_big', CASE WHEN sp.entity IS NOT NULL AND sp.t IS NOT NULL THEN a.f_big END),
        ('f_big_3d', CASE WHEN sp.entity IS NOT NULL AND sp.t IS NOT NULL THEN a.f_big_3d END),
        ('f_since_count', CASE WHEN sp.entity IS NOT NULL AND sp.t IS NOT NULL THEN si.f_since_count END),
        ('f_since_sum', si.f_since_sum),
        ('f_since_buy', CASE WHEN sp.entity IS NOT NULL AND sp.t IS NOT NULL THEN si.f_since_buy END),
        ('f_count_2d', CASE WHEN sp.entity IS NOT NULL AND sp.t IS NOT NULL THEN a.f_count_2d END),
        ('f_sum_buy_3d', a.f_sum_buy_3d)
    ) AS v(col, val);

    -- the oracle's labels: from the events in (t, t + horizon], a feature's
    -- too (its window at t + horizon, cut at t: a lifetime feature's is
    -- (t, t + horizon], a 3-day window read at t + 5 days lies inside, one
    -- read at t + 1 day is cut); a row is complete (and kept by 'exclude')
    -- when t + horizon is at or before the source's newest event
    INSERT INTO want_label (seed, tset, sid, val, complete, included)
    SELECT sp.seed, x.tset, sp.sid, x0.val, coalesce(sp.t + x.horizon <= newest.ts, false),
           x.mode = 'flag' OR coalesce(sp.t + x.horizon <= newest.ts, false)
    FROM (SELECT DISTINCT seed, sid, entity, t FROM spine WHERE seed = s) sp
    CROSS JOIN (SELECT max(ts) AS ts FROM ev WHERE seed = s) newest
    LEFT JOIN LATERAL (
        SELECT count(*) FILTER (WHERE ts > sp.t AND ts <= sp.t + interval '7 days') AS count_7d,
               count(*) FILTER (WHERE ts > sp.t AND ts <= sp.t + interval '1 day') AS count_1d,
               sum(amount::numeric) FILTER (WHERE ts > sp.t AND ts <= sp.t + interval '3 days') AS sum_3d,
               avg(amount::numeric) FILTER (WHERE ts > (sp.t + interval '5 days') - interval '3 days'
                                              AND ts <= sp.t + interval '5 days') AS mean_3d_at_5d,
               sum(amount::numeric) FILTER (WHERE ts > sp.t AND ts <= sp.t + interval '2 days') AS sum_2d,
               count(*) FILTER (WHERE ts > sp.t AND ts <= sp.t + interval '1 day'
                                  AND kind <> 'reset' AND amount > 50) AS big_1d
        FROM ev WHERE ev.seed = sp.seed AND ev.entity = sp.entity) a ON true
    CROSS JOIN LATERAL (
        SELECT sp.entity IS NOT NULL AND sp.t IS NOT NULL AS known) k
    JOIN LATERAL (VALUES
        ('count_7d', CASE WHEN k.known THEN a.count_7d END::float8),
        ('count_7d_flag', CASE WHEN k.known THEN a.count_7d END),
        ('any_1d_flag', CASE WHEN k.known THEN (a.count_1d > 0)::int END),
        ('sum_3d', a.sum_3d),
        ('f_mean_3d_5d', a.mean_3d_at_5d),
        ('f_sum_2d_flag', a.sum_2d),
        ('f_big_3d_count_1d', CASE WHEN k.known THEN a.big_1d END)
    ) AS x0(tset, val) ON true
    JOIN tsets x ON x.tset = x0.tset;

    PERFORM set_config('TimeZone', 'UTC', false);
END
$fn$;

SELECT run(1, 'UTC');
SELECT run(2, 'UTC');
SELECT run(3, 'America/New_York');
SHOW TimeZone;

-- in New York, windows and horizons of whole days are not whole multiples
-- of 24 hours around the DST change: the seed run there has spine rows
-- where that changes the oracle's windows (every flag should be true)
SET TimeZone = 'America/New_York';
SELECT count(*) FILTER (WHERE a.c1 <> a.c24) >= 5 AS window_1d_not_24h,
       count(*) FILTER (WHERE a.c3 <> a.c72) >= 5 AS window_3d_not_72h,
       count(*) FILTER (WHERE a.l7 <> a.l168) >= 5 AS horizon_7d_not_168h
FROM (SELECT DISTINCT seed, sid, entity, t FROM spine WHERE seed = 3) sp
CROSS JOIN LATERAL (
    SELECT count(*) FILTER (WHERE ts > sp.t - interval '1 day' AND ts <= sp.t) AS c1,
           count(*) FILTER (WHERE ts > sp.t - interval '24 hours' AND ts <= sp.t) AS c24,
           count(*) FILTER (WHERE ts > sp.t - interval '3 days' AND ts <= sp.t) AS c3,
           count(*) FILTER (WHERE ts > sp.t - interval '72 hours' AND ts <= sp.t) AS c72,
           count(*) FILTER (WHERE ts > sp.t AND ts <= sp.t + interval '7 days') AS l7,
           count(*) FILTER (WHERE ts > sp.t AND ts <= sp.t + interval '168 hours') AS l168
    FROM ev WHERE ev.seed = sp.seed AND ev.entity = sp.entity) a;
SET TimeZone = 'UTC';

-- each call returned its table's row count
SELECT count(*) AS training_sets_made, count(*) FILTER (WHERE returned <> table_rows) AS wrong_row_counts
FROM counts;

-- value comparisons: floats within a relative 1e-9, NULL-ness exactly
CREATE FUNCTION same(a float8, b float8) RETURNS bool
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN a IS NULL OR b IS NULL THEN a IS NULL AND b IS NULL
                ELSE a = b OR abs(a - b) <= 1e-9 * greatest(1, abs(a), abs(b)) END
$$;

-- every output value against the oracle's: a feature (the same for every
-- training set), the label or the label_complete flag; and the spine columns
CREATE TABLE bad AS
SELECT g.seed, g.tset, g.sid, g.col, g.val AS got,
       CASE g.col WHEN 'label' THEN l.val WHEN 'label_complete' THEN l.complete::int ELSE w.val END AS want
FROM got g
LEFT JOIN want w ON w.seed = g.seed AND w.sid = g.sid AND w.col = g.col
LEFT JOIN want_label l ON l.seed = g.seed AND l.tset = g.tset AND l.sid = g.sid
                      AND g.col IN ('label', 'label_complete')
LEFT JOIN (SELECT DISTINCT seed, sid, entity, t FROM spine) sp ON sp.seed = g.seed AND sp.sid = g.sid
WHERE CASE WHEN g.col IN ('label', 'label_complete') THEN l.sid IS NULL ELSE w.sid IS NULL END
   OR NOT same(g.val, CASE g.col WHEN 'label' THEN l.val WHEN 'label_complete' THEN l.complete::int
                                 ELSE w.val END)
   OR g.entity IS DISTINCT FROM sp.entity OR g.t IS DISTINCT FROM sp.t;

-- rows: per training set and spine row, as many output rows as the spine
-- has (duplicates included), or none if the label is incomplete and excluded
CREATE TABLE row_check AS
SELECT coalesce(o.seed, w.seed) AS seed, coalesce(o.tset, w.tset) AS tset, coalesce(o.sid, w.sid) AS sid,
       coalesce(o.n, 0) AS got_rows, coalesce(w.n, 0) AS want_rows
FROM (SELECT seed, tset, sid, count(DISTINCT rn) AS n FROM got GROUP BY 1, 2, 3) o
FULL JOIN (SELECT sp.seed, x.tset, sp.sid, count(*) AS n
           FROM spine sp CROSS JOIN tsets x
           LEFT JOIN want_label l ON l.seed = sp.seed AND l.sid = sp.sid AND l.tset = x.tset
           WHERE x.label IS NULL OR l.included
           GROUP BY 1, 2, 3) w
  ON o.seed = w.seed AND o.tset = w.tset AND o.sid = w.sid;

-- the result: per training set (all seeds), output rows and values compared,
-- spine rows with the wrong number of output rows, and wrong values
SELECT x.tset, x.label, x.horizon, x.mode, coalesce(g.nrows, 0) AS rows,
       coalesce(g.nvalues, 0) AS values_compared, coalesce(r.n, 0) AS row_mismatches,
       coalesce(b.n, 0) AS value_mismatches
FROM tsets x
LEFT JOIN (SELECT tset, count(DISTINCT (seed, rn)) AS nrows, count(*) AS nvalues FROM got GROUP BY tset) g USING (tset)
LEFT JOIN (SELECT tset, count(*) AS n FROM row_check WHERE got_rows <> want_rows GROUP BY tset) r USING (tset)
LEFT JOIN (SELECT tset, count(*) AS n FROM bad GROUP BY tset) b USING (tset)
ORDER BY x.tset;

-- incomplete labels: rows dropped by 'exclude' and flagged by 'flag' (the
-- flag compared above); both must be non-trivial
SELECT seed,
       count(*) FILTER (WHERE tset = 'count_7d' AND NOT included) > 20 AS count_7d_excluded,
       count(*) FILTER (WHERE tset = 'count_7d_flag' AND NOT complete) > 20 AS count_7d_flagged,
       count(*) FILTER (WHERE tset = 'count_7d_flag' AND complete) > 1000 AS count_7d_complete,
       count(*) FILTER (WHERE tset = 'any_1d_flag' AND NOT complete) > 10 AS any_1d_flagged
FROM want_label GROUP BY seed ORDER BY seed;

-- the oracle's values are varied: per column, non-NULL and distinct values
-- over all seeds and spine rows (every flag should be true)
SELECT col,
       count(val) >= 1000 AS nonnull_1000,
       count(*) - count(val) >= 10 AS null_10,
       count(DISTINCT val) >= CASE WHEN col IN ('f_count', 'f_count_buy', 'f_count_amount_1d', 'f_big',
                                                'f_big_3d', 'f_since_count', 'f_since_buy')
                                   THEN 10 ELSE 100 END AS varied
FROM want GROUP BY col ORDER BY col;
SELECT tset,
       count(val) >= 1000 AS nonnull_1000,
       count(*) - count(val) >= 10 AS null_10,
       count(DISTINCT val) >= CASE WHEN tset LIKE 'any%' THEN 2 WHEN tset LIKE 'f_big%' THEN 5
                                    WHEN tset LIKE '%count%' THEN 10 ELSE 100 END AS varied,
       -- count labels: 0 (not NULL) for rows without events in the horizon
       CASE WHEN tset LIKE 'any%' OR tset LIKE '%count%' THEN count(*) FILTER (WHERE val = 0) >= 100 END AS zeros_100
FROM want_label GROUP BY tset ORDER BY tset;

-- the mismatching values and rows, if any (none)
SELECT * FROM bad ORDER BY seed, tset, sid, col LIMIT 20;
SELECT * FROM row_check WHERE got_rows <> want_rows ORDER BY seed, tset, sid LIMIT 20;
