-- oracle_stats: feature_stats (README, Monitoring) against an independent
-- oracle in plain SQL on randomized data.
--
-- The oracle computes every feature's value at every event of its source
-- with LATERAL aggregates over the source's rows at or before the event's
-- position (the id for the source with a seq column, the value's order,
-- NULLs last, for the one without), no timeline function involved, then
-- per bucket the count, null rate, mean, stddev, min, max, quantiles and PSI
-- against the baseline's deciles.  Fifteen features: lifetime, trailing
-- (12 hours to 7 days) and since windows, with and without filters and
-- value expressions, count, count_if, sum, mean, min, max, first, last,
-- stddev.  Cases: several seeds with hour-aligned times (ties, events on
-- bucket edges), events before `from` and after `to`, NULL entities,
-- amounts and kinds; a `to` that is not on a bucket edge; baselines
-- outside, overlapping and past `to`; day and month buckets across New York's
-- daylight-saving changes, monthly buckets from January 31 in Berlin, Tokyo;
-- sparse data with empty buckets; and an event positioned before a filtered
-- point at the instant where a value leaves a trailing window.  Each case
-- prints the bucket rows compared and how many differ (floats within a
-- relative 1e-9), with the features that differ: 0 and none everywhere.
-- Written by a helper's hunt (helper-49), which found with it that an event
-- just before a filtered point at such an instant read the value that had
-- left, and that monthly buckets from January 31 drifted to the 28th.
SET client_min_messages = warning;
SET jit = off;
CREATE SCHEMA fso;
SET search_path = fso, public;

-- ev: a source with a seq column (id); evn: the same rows, no seq column
CREATE TABLE fso.ev (id int8, ent int, ts timestamptz, amount float8, kind text);
CREATE TABLE fso.evn (ent int, ts timestamptz, amount float8, kind text, rn int8);  -- rn: the oracle's only
CREATE INDEX ON fso.ev (ent, ts);
CREATE INDEX ON fso.evn (ent, ts);
SELECT timeline.create_source('fso_s', 'fso.ev', 'ent', 'ts', 'id');
SELECT timeline.create_source('fso_n', 'fso.evn', 'ent', 'ts');

-- features: name, source, aggregate, value, window, filter
CREATE TABLE fso.feat (name text PRIMARY KEY, src text, agg text, val text, win text, filt text);
INSERT INTO fso.feat VALUES
 ('fso_sum',      'fso_s', 'sum',         'amount',     NULL,                 NULL),
 ('fso_cnt',      'fso_s', 'count',       NULL,         NULL,                 NULL),
 ('fso_cntamt',   'fso_s', 'count',       'amount',     NULL,                 NULL),
 ('fso_sum7d',    'fso_s', 'sum',         'amount',     '7 days',             NULL),
 ('fso_cntbuy',   'fso_s', 'count',       NULL,         NULL,                 $$kind = 'buy'$$),
 ('fso_mean3dbuy','fso_s', 'mean',        'amount',     '3 days',             $$kind = 'buy'$$),
 ('fso_since',    'fso_s', 'count',       NULL,         $$since(kind = 'login')$$, $$kind = 'buy'$$),
 ('fso_minsince', 'fso_s', 'min',         'amount',     $$since(kind = 'login')$$, NULL),
 ('fso_last',     'fso_s', 'last',        'amount',     NULL,                 NULL),
 ('fso_firstbuy', 'fso_s', 'first',       'amount',     NULL,                 $$kind = 'buy'$$),
 ('fso_max12h',   'fso_s', 'max',         'amount',     '12 hours',           NULL),
 ('fso_cntif',    'fso_s', 'count_if',    'amount > 50', NULL,                NULL),
 ('fso_sd1d',     'fso_s', 'stddev_samp', 'amount',     '1 day',              NULL),
 ('fso_n_sum',    'fso_n', 'sum',         'amount',     NULL,                 NULL),
 ('fso_n_cnt2h',  'fso_n', 'count',       NULL,         '2 hours',            NULL);
SELECT count(timeline.create_feature(name, src, agg, val, win, filt)) AS features FROM fso.feat;

-- the oracle's value of every feature at every event (of either range)
CREATE FUNCTION fso.oracle_values(f timestamptz, t timestamptz, bf timestamptz, bt timestamptz)
RETURNS TABLE (feature text, ts timestamptz, v float8) LANGUAGE sql AS $o$
WITH e AS (
    SELECT * FROM fso.ev e
    WHERE (e.ts >= f AND e.ts < t) OR (e.ts >= bf AND e.ts < bt)),
en AS (SELECT * FROM fso.evn WHERE (evn.ts >= f AND evn.ts < t) OR (evn.ts >= bf AND evn.ts < bt)),
vals AS (
    SELECT e.ts, e.ent,
        -- lifetime: every row of the entity at or before (ts, id)
        l.sum, l.cnt, l.cntamt, l.cntbuy, l.cntif, l.last, l.firstbuy,
        w7.sum7d, w3.mean3dbuy, w12.max12h, w1.sd1d, s.since, s.minsince
    FROM e
    CROSS JOIN LATERAL (
        SELECT sum(x.amount) AS sum, count(*) AS cnt, count(x.amount) AS cntamt,
               count(*) FILTER (WHERE x.kind = 'buy') AS cntbuy,
               count(*) FILTER (WHERE x.amount > 50) AS cntif,
               (array_agg(x.amount ORDER BY x.ts DESC, x.id DESC) FILTER (WHERE x.amount IS NOT NULL))[1] AS last,
               (array_agg(x.amount ORDER BY x.ts, x.id) FILTER (WHERE x.amount IS NOT NULL AND x.kind = 'buy'))[1] AS firstbuy
        FROM fso.ev x WHERE x.ent = e.ent AND (x.ts, x.id) <= (e.ts, e.id)) l
    CROSS JOIN LATERAL (
        SELECT sum(x.amount) AS sum7d FROM fso.ev x
        WHERE x.ent = e.ent AND (x.ts, x.id) <= (e.ts, e.id) AND x.ts > e.ts - interval '7 days') w7
    CROSS JOIN LATERAL (
        SELECT avg(x.amount) AS mean3dbuy FROM fso.ev x
        WHERE x.ent = e.ent AND (x.ts, x.id) <= (e.ts, e.id) AND x.ts > e.ts - interval '3 days'
          AND x.kind = 'buy') w3
    CROSS JOIN LATERAL (
        SELECT max(x.amount) AS max12h FROM fso.ev x
        WHERE x.ent = e.ent AND (x.ts, x.id) <= (e.ts, e.id) AND x.ts > e.ts - interval '12 hours') w12
    CROSS JOIN LATERAL (
        SELECT stddev_samp(x.amount) AS sd1d FROM fso.ev x
        WHERE x.ent = e.ent AND (x.ts, x.id) <= (e.ts, e.id) AND x.ts > e.ts - interval '1 day') w1
    LEFT JOIN LATERAL (
        -- since: after the last login before the position; a reset at an instant takes effect
        -- after every point of that instant (SEMANTICS §1 "Instants"), so only earlier instants
        SELECT max(r.ts) AS rts FROM fso.ev r
        WHERE r.ent = e.ent AND r.kind = 'login' AND r.ts < e.ts) lr ON true
    CROSS JOIN LATERAL (
        SELECT count(*) FILTER (WHERE x.kind = 'buy') AS since, min(x.amount) AS minsince
        FROM fso.ev x
        WHERE x.ent = e.ent AND (x.ts, x.id) <= (e.ts, e.id)
          AND (lr.rts IS NULL OR x.ts > lr.rts)) s),
valsn AS (
    SELECT e.ts, e.ent, l.n_sum, w.n_cnt2h
    FROM en e
    CROSS JOIN LATERAL (SELECT sum(x.amount) AS n_sum FROM fso.evn x
                        WHERE x.ent = e.ent AND (x.ts, x.rn) <= (e.ts, e.rn)) l
    CROSS JOIN LATERAL (SELECT count(*) AS n_cnt2h FROM fso.evn x
                        WHERE x.ent = e.ent AND (x.ts, x.rn) <= (e.ts, e.rn)
                          AND x.ts > e.ts - interval '2 hours') w)
-- an event without an entity reads NULL (every feature)
SELECT u.feature, vals.ts, CASE WHEN vals.ent IS NOT NULL THEN u.v END
FROM vals CROSS JOIN LATERAL (VALUES
    ('fso_sum', vals.sum), ('fso_cnt', vals.cnt), ('fso_cntamt', vals.cntamt),
    ('fso_sum7d', vals.sum7d), ('fso_cntbuy', vals.cntbuy), ('fso_mean3dbuy', vals.mean3dbuy::float8),
    ('fso_since', vals.since), ('fso_minsince', vals.minsince), ('fso_last', vals.last),
    ('fso_firstbuy', vals.firstbuy), ('fso_max12h', vals.max12h), ('fso_cntif', vals.cntif),
    ('fso_sd1d', vals.sd1d)) u(feature, v)
UNION ALL
SELECT u.feature, valsn.ts, CASE WHEN valsn.ent IS NOT NULL THEN u.v END
FROM valsn CROSS JOIN LATERAL (VALUES ('fso_n_sum', valsn.n_sum), ('fso_n_cnt2h', valsn.n_cnt2h::float8)) u(feature, v)
$o$;

-- the oracle's statistics per bucket [from + n*bucket, from + (n+1)*bucket) ∩ [from, to)
CREATE FUNCTION fso.oracle_stats(f timestamptz, t timestamptz, b interval, bf timestamptz, bt timestamptz)
RETURNS TABLE (feature text, bucket_start timestamptz, bucket_end timestamptz, count int8,
               null_rate float8, mean float8, stddev float8, min float8, max float8,
               quantiles float8[], psi float8)
LANGUAGE sql AS $o$
WITH RECURSIVE nn AS (SELECT 0::int8 AS n UNION ALL SELECT nn.n + 1 FROM nn WHERE f + (nn.n + 1) * b < t),
bk AS (SELECT f + nn.n * b AS bs, least(f + (nn.n + 1) * b, t) AS be, nn.n FROM nn),
vals AS (SELECT * FROM fso.oracle_values(f, t, coalesce(bf, f), coalesce(bt, f))),
ev AS (SELECT vals.*, bk.n FROM vals JOIN bk ON vals.ts >= bk.bs AND vals.ts < bk.be),
base AS (SELECT vals.feature, vals.v FROM vals
         WHERE vals.v IS NOT NULL AND CASE WHEN bf IS NULL THEN vals.ts >= f AND vals.ts < (SELECT be FROM bk WHERE n = 0)
                                            ELSE vals.ts >= bf AND vals.ts < bt END),
edges AS (  -- the baseline's deciles (nearest rank), distinct
    SELECT base.feature, ARRAY(SELECT DISTINCT unnest(percentile_disc(ARRAY[.1,.2,.3,.4,.5,.6,.7,.8,.9])
                                 WITHIN GROUP (ORDER BY base.v)) ORDER BY 1) AS e
    FROM base GROUP BY base.feature),
binned AS (  -- bin = number of edges at or below the value
    SELECT x.feature, x.grp, (SELECT count(*) FROM unnest(edges.e) q WHERE q <= x.v) AS bin
    FROM (SELECT base.feature, -1::int8 AS grp, base.v FROM base
          UNION ALL SELECT ev.feature, ev.n, ev.v FROM ev WHERE ev.v IS NOT NULL) x
    JOIN edges USING (feature)),
share AS (
    SELECT binned.feature, binned.grp, binned.bin,
           count(*)::float8 / sum(count(*)) OVER (PARTITION BY binned.feature, binned.grp) AS s
    FROM binned GROUP BY 1, 2, 3),
psi AS (
    SELECT g.feature, g.grp,
           sum((greatest(coalesce(q.s, 0), 1e-4) - greatest(coalesce(p.s, 0), 1e-4))
               * ln(greatest(coalesce(q.s, 0), 1e-4) / greatest(coalesce(p.s, 0), 1e-4))) AS psi
    FROM (SELECT DISTINCT share.feature, share.grp FROM share WHERE share.grp >= 0) g
    JOIN edges ON edges.feature = g.feature
    CROSS JOIN LATERAL generate_series(0, cardinality(edges.e)) gb(k)
    LEFT JOIN share p ON p.feature = g.feature AND p.grp = -1 AND p.bin = gb.k
    LEFT JOIN share q ON q.feature = g.feature AND q.grp = g.grp AND q.bin = gb.k
    GROUP BY 1, 2)
SELECT fe.name, bk.bs, bk.be, count(ev.ts),
       CASE WHEN count(ev.ts) > 0 THEN (count(ev.ts) - count(ev.v))::float8 / count(ev.ts) END,
       avg(ev.v), stddev_samp(ev.v), min(ev.v), max(ev.v),
       percentile_cont(ARRAY[0.05, 0.25, 0.5, 0.75, 0.95]) WITHIN GROUP (ORDER BY ev.v),
       (SELECT psi.psi FROM psi WHERE psi.feature = fe.name AND psi.grp = bk.n)
FROM fso.feat fe CROSS JOIN bk LEFT JOIN ev ON ev.feature = fe.name AND ev.n = bk.n
GROUP BY fe.name, bk.n, bk.bs, bk.be
$o$;

CREATE FUNCTION fso.close(a float8, b float8) RETURNS bool LANGUAGE sql IMMUTABLE AS
$$ SELECT (a IS NULL AND b IS NULL) OR abs(a - b) <= 1e-9 * greatest(1, abs(a), abs(b)) $$;
CREATE FUNCTION fso.close(a float8[], b float8[]) RETURNS bool LANGUAGE sql IMMUTABLE AS
$$ SELECT (a IS NULL AND b IS NULL)
       OR (cardinality(a) = cardinality(b)
           AND (SELECT bool_and(fso.close(x, y)) FROM unnest(a, b) u(x, y))) $$;

-- random events: hour-aligned times (ties, bucket edges), from 10 days before `from` to 3 days
-- after `to`, NULL entities, NULL amounts, NULL kinds, seq ids in random order
CREATE FUNCTION fso.load(seed float8, f timestamptz, t timestamptz, n int, step interval DEFAULT '1 hour')
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE fso.ev, fso.evn;
    PERFORM setseed(seed);
    INSERT INTO fso.ev
    SELECT row_number() OVER (ORDER BY random()), x.*
    FROM (SELECT CASE WHEN random() < 0.05 THEN NULL ELSE (random() * 12)::int END,
                 date_bin(step, (f - interval '10 days') + random() * ((t + interval '3 days') - (f - interval '10 days')), f),
                 CASE WHEN random() < 0.1 THEN NULL ELSE floor(random() * 101) END,
                 (ARRAY['buy', 'buy', 'login', 'view', NULL])[1 + floor(random() * 5)::int]
          FROM generate_series(1, n)) x;
    -- positions of the no-seq source: ties at one time ordered by value, NULLs last
    INSERT INTO fso.evn SELECT ent, ts, amount, kind,
                               row_number() OVER (PARTITION BY ent, ts ORDER BY amount NULLS LAST) FROM fso.ev;
    ANALYZE fso.ev; ANALYZE fso.evn;
END $$;

CREATE FUNCTION fso.compare(f timestamptz, t timestamptz, b interval,
                            bf timestamptz DEFAULT NULL, bt timestamptz DEFAULT NULL)
RETURNS TABLE (feature text, buckets int8, differing int8) LANGUAGE plpgsql AS $$
BEGIN
    DROP TABLE IF EXISTS pg_temp.o, pg_temp.a;
    CREATE TEMP TABLE o AS SELECT * FROM fso.oracle_stats(f, t, b, bf, bt);
    CREATE TEMP TABLE a AS SELECT fe.name AS feature, s.*
        FROM fso.feat fe CROSS JOIN LATERAL timeline.feature_stats(fe.name, f, t, b, bf, bt) s;
    RETURN QUERY
    SELECT coalesce(o.feature, a.feature), count(o.*),
           count(*) FILTER (WHERE o.feature IS NULL OR a.feature IS NULL
                              OR a.bucket_end IS DISTINCT FROM o.bucket_end
                              OR a.count IS DISTINCT FROM o.count
                              OR NOT fso.close(a.null_rate, o.null_rate) OR NOT fso.close(a.mean, o.mean)
                              OR NOT fso.close(a.stddev, o.stddev) OR NOT fso.close(a.min, o.min)
                              OR NOT fso.close(a.max, o.max) OR NOT fso.close(a.quantiles, o.quantiles)
                              OR NOT fso.close(a.psi, o.psi))
    FROM o FULL JOIN a ON a.feature = o.feature AND a.bucket_start = o.bucket_start
    GROUP BY 1 ORDER BY 1;
END $$;

-- one line per case: the number of differing (or missing) bucket rows over all features
CREATE FUNCTION fso.run(name text, seed float8, tz text, f timestamptz, t timestamptz, b interval,
                        bf timestamptz DEFAULT NULL, bt timestamptz DEFAULT NULL, n int DEFAULT 1500,
                        step interval DEFAULT '1 hour')
RETURNS TABLE (case_name text, buckets int8, differing int8, differing_features text) LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('TimeZone', tz, true);
    IF seed IS NOT NULL THEN  -- NULL: the caller loaded fso.ev
        PERFORM fso.load(seed, f, t, n, step);
    END IF;
    RETURN QUERY SELECT name, sum(c.buckets)::int8, sum(c.differing)::int8,
                        string_agg(c.feature || ':' || c.differing, ' ' ORDER BY c.feature) FILTER (WHERE c.differing > 0)
                 FROM fso.compare(f, t, b, bf, bt) c;
END $$;

BEGIN;
SELECT * FROM fso.run('utc_daily_seed1', 0.1, 'UTC', '2024-03-01', '2024-03-21', '1 day');
SELECT * FROM fso.run('utc_6h_to_not_multiple_seed2', 0.2, 'UTC', '2024-03-01', '2024-03-08 13:00', '6 hours');
SELECT * FROM fso.run('utc_7h_explicit_baseline_outside', 0.3, 'UTC', '2024-03-05', '2024-03-15', '7 hours',
                      '2024-02-25', '2024-03-02');
SELECT * FROM fso.run('utc_daily_baseline_overlapping', 0.4, 'UTC', '2024-03-01', '2024-03-11', '1 day',
                      '2024-03-04 05:00', '2024-03-09');
SELECT * FROM fso.run('ny_day_dst_spring', 0.5, 'America/New_York', '2024-03-05', '2024-03-15', '1 day');
SELECT * FROM fso.run('ny_day_dst_fall', 0.6, 'America/New_York', '2024-10-28', '2024-11-08', '1 day');
SELECT * FROM fso.run('ny_month_dst', 0.7, 'America/New_York', '2024-01-01', '2024-05-01', '1 month', n => 2500, step => '1 day');
SELECT * FROM fso.run('berlin_month_from_jan31', 0.8, 'Europe/Berlin', '2023-01-31', '2023-06-15', '1 month', n => 2500, step => '1 day');
SELECT * FROM fso.run('utc_2h_seed3_half_hours_baseline_past_to', 0.33, 'UTC', '2024-03-02 01:00', '2024-03-06', '2 hours',
                      '2024-03-05', '2024-03-08', n => 1200, step => '30 minutes');
SELECT * FROM fso.run('tokyo_12h_seed4', 0.44, 'Asia/Tokyo', '2024-03-01', '2024-03-09 05:00', '12 hours', n => 1200);
SELECT * FROM fso.run('utc_empty_buckets_sparse', 0.9, 'UTC', '2024-03-01', '2024-03-03', '10 minutes', n => 300);
-- deterministic: an event positioned before a filtered point at the instant where an old value
-- leaves a trailing window (fso_mean3dbuy at id 2, 2024-01-04: the buy of 2024-01-01 has left
-- (2024-01-01, 2024-01-04], and the buy of that instant, id 3, comes after id 2: NULL)
TRUNCATE fso.ev, fso.evn;
INSERT INTO fso.ev VALUES (1, 1, '2024-01-01', 10, 'buy'), (2, 1, '2024-01-04', 5, 'view'),
                          (3, 1, '2024-01-04', 7, 'buy'), (4, 1, '2024-01-02 12:00', 3, 'login');
INSERT INTO fso.evn SELECT ent, ts, amount, kind, row_number() OVER (PARTITION BY ent, ts ORDER BY amount NULLS LAST) FROM fso.ev;
SELECT * FROM fso.run('trailing_leave_at_tie', NULL, 'UTC', '2024-01-01', '2024-01-05', '1 day');
ROLLBACK;
-- clean up
DROP SCHEMA fso CASCADE;
DELETE FROM timeline.feature_def WHERE source IN ('fso_s', 'fso_n');
DELETE FROM timeline.source_def WHERE name IN ('fso_s', 'fso_n');
