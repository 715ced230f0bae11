-- oracle_lookup: randomized oracle test of value_at, values_at and
-- value_at with a max age against plain SQL (LATERAL ... ORDER BY ... LIMIT 1).
-- Several seeds; for each, a few thousand entities with many ties (times come
-- from a small set of instants, some 1 microsecond apart), NULL values, NULL
-- times, NaN and infinite values, entities with no events, entities whose
-- events all have NULL times, and large (TOASTed) timelines.  Only counts are
-- printed, so the output is deterministic and any mismatch fails the test.
SET search_path = timeline, public;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET extra_float_digits = 0;
SET max_parallel_workers_per_gather = 0;

CREATE TEMP TABLE ev (
    seed int NOT NULL,
    entity int NOT NULL,
    ts timestamptz,
    v float8,
    event_id bigint NOT NULL
);
-- events with a time, numbered for drawing random ones
CREATE TEMP TABLE evnn (seed int, rn bigint, entity int, ts timestamptz);
-- value_at probes and max-age probes
CREATE TEMP TABLE pr (seed int, id int, entity int, t timestamptz);
CREATE TEMP TABLE pa (seed int, id int, entity int, t timestamptz, max_age interval);

-- Entities 1..3000 by entity % 20:
--   0: no events at all;       1: only events with a NULL time;
--   2: only NULL values;       3: heavy, 150..500 events (TOASTed timelines);
--   4: times from 3 instants only (two of them 1 microsecond apart);
--   else: 0..24 events.
-- Times come from 40 instants: base + (k/2) * step + (k%2) microseconds, so
-- they cross 2000-01-01 (negative internal timestamps before it) and come in
-- pairs 1 microsecond apart.  Entities 3001..3100 only appear in probes.
CREATE FUNCTION pg_temp.generate(p_seed int, p_setseed float8) RETURNS void
LANGUAGE plpgsql AS $fn$
DECLARE
    base constant timestamptz := '1999-12-20 00:00:00+00';
    step constant interval := '1 day 07:13:00';
    last_instant constant timestamptz := base + 19 * step + interval '1 microsecond';
    ages constant interval[] := ARRAY['0', '1 microsecond', '07:13:00', '1 day',
                                      '3 days 12:00:00', '1 mon']::interval[];
    m bigint;
BEGIN
    PERFORM setseed(p_setseed);

    INSERT INTO ev (seed, entity, ts, v, event_id)
    SELECT p_seed, entity,
           CASE WHEN kind = 1 OR r_t < 0.08 THEN NULL
                ELSE base + (k / 2) * step + (k % 2) * interval '1 microsecond' END,
           CASE WHEN kind = 2 OR r < 0.12 THEN NULL
                WHEN r < 0.14 THEN 'NaN'::float8
                WHEN r < 0.15 THEN 'Infinity'::float8
                WHEN r < 0.16 THEN '-Infinity'::float8
                WHEN r < 0.30 THEN round((r2 * 200 - 100)::numeric, 3)::float8
                ELSE floor(r2 * 10) END,
           (row_number() OVER (ORDER BY r3) - 40000) * 7919
    FROM (SELECT e.entity, e.entity % 20 AS kind,
                 random() AS r, random() AS r2, random() AS r3, random() AS r_t,
                 floor(random() * CASE WHEN e.entity % 20 = 4 THEN 3 ELSE 40 END)::int AS k
          FROM (SELECT entity,
                       CASE entity % 20 WHEN 0 THEN 0
                                        WHEN 3 THEN 150 + floor(random() * 351)::int
                                        ELSE floor(random() * 25)::int END AS n
                FROM generate_series(1, 3000) entity) e,
               generate_series(1, e.n) i) s;

    INSERT INTO evnn
    SELECT p_seed, row_number() OVER (ORDER BY event_id), entity, ts
    FROM ev WHERE seed = p_seed AND ts IS NOT NULL;
    SELECT count(*) INTO m FROM evnn WHERE seed = p_seed;

    -- random draws first, in a table, so each is made exactly once
    CREATE TEMP TABLE draws AS
    SELECT id, random() AS ra, random() AS rb, random() AS rc,
           1 + floor(random() * m)::bigint AS pick
    FROM generate_series(1, 10000) id;

    -- 10000 value_at probes, by id % 10:
    --   0-2: exactly at a random event's time; 3/4: 1 microsecond before/after;
    --   5: any entity (1..3100) at a random time in the range (and a day around);
    --   6: before the entity's first event (1 microsecond or up to 10 days);
    --   7: at or after its last event (exactly, +1 microsecond, up to 1000 days);
    --   8: entities without a timeline (no events, or only NULL times);
    --   9: exactly at an instant, any entity; NULL, infinity, -infinity times.
    INSERT INTO pr
    SELECT p_seed, d.id,
           CASE WHEN d.id % 10 = 5 THEN 1 + floor(d.ra * 3100)::int
                WHEN d.id % 10 = 8 THEN
                    CASE WHEN d.ra < 0.5 THEN 3001 + floor(d.rb * 100)::int
                         ELSE 20 * floor(d.rb * 150)::int + (d.id / 10) % 2 END
                WHEN d.id % 10 = 9 THEN 1 + floor(d.ra * 3000)::int
                ELSE n.entity END,
           CASE d.id % 10
               WHEN 3 THEN n.ts - interval '1 microsecond'
               WHEN 4 THEN n.ts + interval '1 microsecond'
               WHEN 5 THEN base - interval '1 day' + d.rb * (last_instant - base + interval '2 days')
               WHEN 6 THEN r.lo - CASE WHEN d.ra < 0.5 THEN interval '1 microsecond'
                                       ELSE interval '1 microsecond' + d.rb * interval '10 days' END
               WHEN 7 THEN r.hi + CASE WHEN d.ra < 0.3 THEN interval '0'
                                       WHEN d.ra < 0.6 THEN interval '1 microsecond'
                                       ELSE d.rb * interval '1000 days' END
               WHEN 8 THEN base - interval '1 day' + d.rb * (last_instant - base + interval '2 days')
               WHEN 9 THEN CASE d.id % 500 WHEN 9 THEN NULL
                                           WHEN 19 THEN 'infinity'::timestamptz
                                           WHEN 29 THEN '-infinity'::timestamptz
                           ELSE base + floor(d.rb * 20)::int * step
                                + floor(d.rc * 2)::int * interval '1 microsecond' END
               ELSE n.ts END
    FROM draws d
    JOIN evnn n ON n.seed = p_seed AND n.rn = d.pick
    JOIN (SELECT entity, min(ts) AS lo, max(ts) AS hi FROM evnn
          WHERE seed = p_seed GROUP BY entity) r ON r.entity = n.entity;
    DROP TABLE draws;

    CREATE TEMP TABLE draws AS
    SELECT id, random() AS ra, random() AS rb, random() AS rc,
           1 + floor(random() * m)::bigint AS pick
    FROM generate_series(1, 5000) id;

    -- 5000 max-age probes, by id % 5:
    --   0: exactly max_age after an event (the boundary: not too old);
    --   1: max_age + 1 microsecond after an event (too old, unless a later point);
    --   2: exactly at an event; 3: any entity, random time;
    --   4: after the entity's last event; NULL, infinity, -infinity times.
    INSERT INTO pa
    SELECT p_seed, d.id,
           CASE WHEN d.id % 5 = 3 THEN 1 + floor(d.ra * 3100)::int ELSE n.entity END,
           CASE d.id % 5
               WHEN 0 THEN n.ts + a.max_age
               WHEN 1 THEN n.ts + a.max_age + interval '1 microsecond'
               WHEN 3 THEN base - interval '1 day' + d.rb * (last_instant - base + interval '2 days')
               WHEN 4 THEN CASE d.id % 500 WHEN 4 THEN NULL
                                           WHEN 9 THEN 'infinity'::timestamptz
                                           WHEN 14 THEN '-infinity'::timestamptz
                           ELSE r.hi + d.rb * interval '40 days' END
               ELSE n.ts END,
           a.max_age
    FROM draws d
    CROSS JOIN LATERAL (SELECT ages[1 + floor(d.rc * 6)::int] AS max_age) a
    JOIN evnn n ON n.seed = p_seed AND n.rn = d.pick
    JOIN (SELECT entity, max(ts) AS hi FROM evnn
          WHERE seed = p_seed GROUP BY entity) r ON r.entity = n.entity;
    DROP TABLE draws;
END
$fn$;

SELECT pg_temp.generate(1, 0.11);
SELECT pg_temp.generate(2, 0.42);
SELECT pg_temp.generate(3, -0.5);
SELECT pg_temp.generate(4, 0.97);
CREATE INDEX ON ev (seed, entity, ts);
ANALYZE ev;
ANALYZE pr;
ANALYZE pa;

-- the data has what the test is about (every column should be true)
SELECT seed,
       count(DISTINCT entity) FILTER (WHERE ts IS NOT NULL) > 2000 AS many_entities,
       bool_or(ts IS NULL) AS null_times,
       bool_or(v IS NULL) AS null_values,
       bool_or(v = 'NaN') AS nan_values,
       bool_or(v = 'Infinity') AND bool_or(v = '-Infinity') AS infinite_values,
       bool_or(ts < '2000-01-01') AND bool_or(ts > '2000-01-01') AS across_2000,
       bool_or(event_id < 0) AND bool_or(event_id > 0) AS signed_seqs
FROM ev GROUP BY seed ORDER BY seed;

-- ties: several events of one entity at one time, with equal values, with
-- NULL and non-NULL values together
SELECT seed,
       bool_or(n >= 2) AS ties,
       max(n) >= 20 AS big_ties,
       bool_or(n > n_distinct_v + n_null_v) AS equal_value_ties,
       bool_or(n_null_v > 0 AND n_null_v < n) AS null_and_value_ties
FROM (SELECT seed, entity, ts, count(*) AS n, count(DISTINCT v) AS n_distinct_v,
             count(*) FILTER (WHERE v IS NULL) AS n_null_v
      FROM ev WHERE ts IS NOT NULL GROUP BY seed, entity, ts) g
GROUP BY seed ORDER BY seed;

-- timelines per entity, with every overload: plain, seq, boolean, boolean + seq
CREATE TEMP TABLE tls AS
SELECT seed, entity,
       timeline_agg(ts, v) AS tl,
       timeline_agg(ts, v, event_id) AS tl_seq,
       timeline_agg(ts, v > 4) AS tl_b,
       timeline_agg(ts, v > 4, event_id) AS tl_bseq
FROM ev GROUP BY seed, entity;
ANALYZE tls;

-- entities whose events all have NULL times get a NULL timeline; the heavy
-- timelines are stored out of line (so lookups go through the detoast cache)
SELECT seed, count(*) AS entities,
       count(*) FILTER (WHERE tl IS NULL) AS null_timelines,
       sum(num_points(tl)) = (SELECT count(*) FROM ev e WHERE e.seed = t.seed AND e.ts IS NOT NULL)
           AS all_timed_rows_kept
FROM tls t GROUP BY seed ORDER BY seed;
SELECT pg_relation_size(reltoastrelid) > 0 AS toasted
FROM pg_class WHERE oid = 'tls'::regclass;

--
-- value_at against the oracle, for each overload
--
CREATE TEMP TABLE res AS
SELECT p.seed, p.id, p.entity, p.t, x.tl IS NULL AS no_timeline,
       value_at(x.tl, p.t) AS got, o1.v AS want, o1.ts AS want_ts,
       value_at(x.tl_seq, p.t) AS got_seq, o2.v AS want_seq,
       value_at(x.tl_b, p.t) AS got_b, o3.b::int::float8 AS want_b,
       value_at(x.tl_bseq, p.t) AS got_bseq, o4.b::int::float8 AS want_bseq
FROM pr p
LEFT JOIN tls x ON x.seed = p.seed AND x.entity = p.entity
LEFT JOIN LATERAL (SELECT e.ts, e.v FROM ev e
                   WHERE e.seed = p.seed AND e.entity = p.entity AND e.ts <= p.t
                   ORDER BY e.ts DESC, e.v DESC NULLS FIRST LIMIT 1) o1 ON true
LEFT JOIN LATERAL (SELECT e.v FROM ev e
                   WHERE e.seed = p.seed AND e.entity = p.entity AND e.ts <= p.t
                   ORDER BY e.ts DESC, e.event_id DESC LIMIT 1) o2 ON true
LEFT JOIN LATERAL (SELECT e.v > 4 AS b FROM ev e
                   WHERE e.seed = p.seed AND e.entity = p.entity AND e.ts <= p.t
                   ORDER BY e.ts DESC, e.v > 4 DESC NULLS FIRST LIMIT 1) o3 ON true
LEFT JOIN LATERAL (SELECT e.v > 4 AS b FROM ev e
                   WHERE e.seed = p.seed AND e.entity = p.entity AND e.ts <= p.t
                   ORDER BY e.ts DESC, e.event_id DESC LIMIT 1) o4 ON true;

SELECT seed, count(*) AS probes,
       count(*) FILTER (WHERE got IS DISTINCT FROM want) AS mismatches,
       count(*) FILTER (WHERE got_seq IS DISTINCT FROM want_seq) AS mismatches_seq,
       count(*) FILTER (WHERE got_b IS DISTINCT FROM want_b) AS mismatches_bool,
       count(*) FILTER (WHERE got_bseq IS DISTINCT FROM want_bseq) AS mismatches_bool_seq
FROM res GROUP BY ROLLUP (seed) ORDER BY seed;

-- the mismatches themselves, if any
SELECT * FROM res
WHERE got IS DISTINCT FROM want OR got_seq IS DISTINCT FROM want_seq
   OR got_b IS DISTINCT FROM want_b OR got_bseq IS DISTINCT FROM want_bseq
ORDER BY seed, id LIMIT 10;

-- the probes hit every case (every column should be true)
SELECT seed,
       bool_or(want_ts = t) AS at_event_time,
       bool_or(want_ts IS NULL AND NOT no_timeline AND t IS NOT NULL) AS before_first,
       bool_or(t > (SELECT max(ts) FROM ev e WHERE e.seed = r.seed AND e.entity = r.entity))
           AS after_last,
       bool_or(no_timeline) AS no_timeline,
       bool_or(want IS NULL AND want_ts IS NOT NULL) AS latest_is_null,
       bool_or(want IS NOT NULL) AS has_value,
       bool_or(want_seq IS DISTINCT FROM want) AS seq_changes_answer,
       bool_or(t IS NULL) AND bool_or(t = 'infinity') AND bool_or(t = '-infinity') AS special_times
FROM res r GROUP BY seed ORDER BY seed;

-- again with the smallest work_mem, so the detoast cache evicts constantly
SET work_mem = '64kB';
SET hash_mem_multiplier = 1;
SELECT r.seed, count(*) AS probes,
       count(*) FILTER (WHERE value_at(x.tl, r.t) IS DISTINCT FROM r.want) AS mismatches,
       count(*) FILTER (WHERE value_at(x.tl_seq, r.t) IS DISTINCT FROM r.want_seq) AS mismatches_seq
FROM res r LEFT JOIN tls x ON x.seed = r.seed AND x.entity = r.entity
GROUP BY r.seed ORDER BY r.seed;
RESET work_mem;
RESET hash_mem_multiplier;

--
-- values_at(tl, array of the entity's probe times, in probe order, NULL
-- times included) equals the per-probe value_at results and the oracle
--
SELECT g.seed, count(*) AS entities, sum(g.n) AS probes,
       count(*) FILTER (WHERE values_at(x.tl, g.ts) IS DISTINCT FROM g.got) AS mismatches,
       count(*) FILTER (WHERE values_at(x.tl, g.ts) IS DISTINCT FROM g.want) AS mismatches_oracle,
       count(*) FILTER (WHERE values_at(x.tl_seq, g.ts) IS DISTINCT FROM g.got_seq) AS mismatches_seq,
       count(*) FILTER (WHERE values_at(x.tl_seq, g.ts) IS DISTINCT FROM g.want_seq) AS mismatches_seq_oracle
FROM (SELECT seed, entity, count(*) AS n,
             array_agg(t ORDER BY id) AS ts,
             array_agg(got ORDER BY id) AS got, array_agg(want ORDER BY id) AS want,
             array_agg(got_seq ORDER BY id) AS got_seq, array_agg(want_seq ORDER BY id) AS want_seq
      FROM res GROUP BY seed, entity) g
JOIN tls x ON x.seed = g.seed AND x.entity = g.entity
WHERE x.tl IS NOT NULL
GROUP BY ROLLUP (g.seed) ORDER BY g.seed;

-- one array of every probe time of a seed (unsorted, with duplicates and
-- NULLs) against one heavy timeline, and a 2-D array keeps its shape
SELECT x.seed, cardinality(a.ts) AS times,
       values_at(x.tl, a.ts) = ARRAY(SELECT value_at(x.tl, u.t)
                                     FROM unnest(a.ts) WITH ORDINALITY u(t, i) ORDER BY i)
           AS same_as_value_at
FROM tls x
JOIN (SELECT seed, array_agg(t ORDER BY id) AS ts FROM pr GROUP BY seed) a ON a.seed = x.seed
WHERE x.entity = 3 ORDER BY x.seed;
SELECT array_dims(va) AS dims,
       ARRAY(SELECT unnest(va)) = ARRAY[value_at(x.tl, t1), value_at(x.tl, t2),
                                        value_at(x.tl, t3), NULL] AS same_elements
FROM tls x,
     LATERAL (SELECT first_time(x.tl) AS t1, last_time(x.tl) AS t2,
                     first_time(x.tl) + (last_time(x.tl) - first_time(x.tl)) / 2 AS t3) t,
     LATERAL (SELECT values_at(x.tl, ('[0:1][2:3]={{"' || t1 || '","' || t2 || '"},{"' || t3 || '",NULL}}')::timestamptz[]) AS va) v
WHERE x.seed = 1 AND x.entity = 3;

--
-- value_at(tl, t, max_age): the latest point at or before t, NULL if its
-- time is before t - max_age
--
CREATE TEMP TABLE res_age AS
SELECT p.seed, p.id, p.entity, p.t, p.max_age,
       value_at(x.tl, p.t, p.max_age) AS got,
       CASE WHEN o1.ts < p.t - p.max_age THEN NULL ELSE o1.v END AS want,
       o1.ts AS latest_ts, o1.v AS latest_v,
       value_at(x.tl_seq, p.t, p.max_age) AS got_seq,
       CASE WHEN o2.ts < p.t - p.max_age THEN NULL ELSE o2.v END AS want_seq
FROM pa p
LEFT JOIN tls x ON x.seed = p.seed AND x.entity = p.entity
LEFT JOIN LATERAL (SELECT e.ts, e.v FROM ev e
                   WHERE e.seed = p.seed AND e.entity = p.entity AND e.ts <= p.t
                   ORDER BY e.ts DESC, e.v DESC NULLS FIRST LIMIT 1) o1 ON true
LEFT JOIN LATERAL (SELECT e.ts, e.v FROM ev e
                   WHERE e.seed = p.seed AND e.entity = p.entity AND e.ts <= p.t
                   ORDER BY e.ts DESC, e.event_id DESC LIMIT 1) o2 ON true;

SELECT seed, count(*) AS probes,
       count(*) FILTER (WHERE got IS DISTINCT FROM want) AS mismatches,
       count(*) FILTER (WHERE got_seq IS DISTINCT FROM want_seq) AS mismatches_seq
FROM res_age GROUP BY ROLLUP (seed) ORDER BY seed;

SELECT * FROM res_age
WHERE got IS DISTINCT FROM want OR got_seq IS DISTINCT FROM want_seq
ORDER BY seed, id LIMIT 10;

-- the max-age probes hit every case (every column should be true)
SELECT seed,
       bool_or(latest_ts = t - max_age AND want IS NOT NULL) AS at_boundary_kept,
       bool_or(latest_ts < t - max_age AND latest_v IS NOT NULL) AS too_old,
       bool_or(max_age = '0' AND want IS NOT NULL) AS zero_age_kept,
       bool_or(max_age = '1 mon' AND want IS NOT NULL) AS month_age_kept,
       bool_or(latest_ts IS NULL AND t IS NOT NULL) AS no_point,
       bool_or(t = 'infinity' AND latest_ts IS NOT NULL) AS at_infinity
FROM res_age GROUP BY seed ORDER BY seed;

-- Fences: a TOASTed timeline of 512 points or more gets a fence (levels of
-- sampled times, every 64th point, every 64th of those, ...) once a query
-- has searched it 4 times and once per 1,024 of its points, and value_at
-- and values_at search through it from then on.  Stored
-- timelines of 511 points (no fence) to 300,000 (three levels), with runs of
-- tied times of 1 to 100 points (crossing the strides of 64 and 4,096
-- points, or aligned with them) and NULL values, probed at every distinct
-- time, a microsecond either side, before the first and after the last
-- point and at -infinity and infinity, against a LATERAL over their points.
CREATE TEMP TABLE fsize (k int, n int, tie int);
INSERT INTO fsize VALUES (1, 511, 3), (2, 512, 1), (3, 513, 64), (4, 4096, 5),
    (5, 4097, 64), (6, 4160, 100), (7, 20000, 1), (8, 300000, 7), (9, 262145, 100);
CREATE TEMP TABLE ftl AS
SELECT f.k, timeline_agg('2024-01-01'::timestamptz + (g - g % f.tie) * interval '1 second',
                         CASE WHEN g % 1009 IN (5, 63) THEN NULL ELSE g END) AS tl
FROM fsize f, generate_series(0, f.n - 1) g
GROUP BY f.k;
-- the points in position order, numbered
CREATE TEMP TABLE fpt AS
SELECT f.k, p.ord, p.time, p.value FROM ftl f, points(f.tl) WITH ORDINALITY AS p(time, value, ord);
CREATE INDEX ON fpt (k, time, ord);
ANALYZE fpt;
CREATE TEMP TABLE fpr AS
SELECT k, t FROM (
    SELECT DISTINCT k, time + d * interval '1 microsecond' AS t
    FROM fpt, (VALUES (-1), (0), (1)) v(d)
    UNION ALL
    SELECT k, x FROM fsize, (VALUES ('-infinity'::timestamptz), ('infinity'),
                                    ('2023-12-31 23:59:59+00'), ('2030-01-01+00')) v(x)) q
ORDER BY md5(k || ' ' || t);     -- no order the search could lean on
ANALYZE ftl, fpr;

-- every timeline is stored out of line (TOASTed), where the cache keeps it
SELECT k, num_points(tl), pg_column_size(tl) < 2000 AS inline FROM ftl ORDER BY k;

CREATE TEMP TABLE fres AS
SELECT p.k, p.t, value_at(s.tl, p.t) AS got, o.value AS want, o.ord IS NOT NULL AS found
FROM fpr p JOIN ftl s USING (k)
LEFT JOIN LATERAL (SELECT q.value, q.ord FROM fpt q WHERE q.k = p.k AND q.time <= p.t
                   ORDER BY q.time DESC, q.ord DESC LIMIT 1) o ON true;
SELECT k, count(*) AS probes, count(*) FILTER (WHERE found) AS with_point,
       count(*) FILTER (WHERE found AND want IS NULL) AS null_value,
       count(*) FILTER (WHERE got IS DISTINCT FROM want) AS mismatches
FROM fres GROUP BY ROLLUP (k) ORDER BY k;
ANALYZE fres;

-- values_at, a call per 500 probes of a timeline (each call counts its 500
-- searches: the first call of each timeline here makes its fence)
CREATE TEMP TABLE fres2 AS
SELECT u.k, u.t, u.got, r.want
FROM (SELECT c.k, x.t, x.got
      FROM (SELECT p.k, array_agg(p.t ORDER BY p.t) AS ts
            FROM (SELECT k, t, row_number() OVER (PARTITION BY k ORDER BY md5(t::text)) AS rn FROM fpr) p
            GROUP BY p.k, p.rn / 500) c
      JOIN ftl s USING (k),
      unnest(c.ts, values_at(s.tl, c.ts)) AS x(t, got)) u
JOIN fres r ON r.k = u.k AND r.t = u.t;
SELECT count(*) AS probes, count(*) FILTER (WHERE got IS DISTINCT FROM want) AS mismatches FROM fres2;
