-- parallel_agg: timeline_agg gives exactly the same timeline whatever the plan:
-- serial, forced parallel (Partial/Finalize aggregate with serialized states,
-- hashed or sorted, spilling or not), or with the input in any order.
-- Every overload: (ts, v), (ts, v, seq), (ts, bool), (ts, bool, seq).
SET search_path = timeline, public;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET extra_float_digits = 0;
SET jit = off;

-- 200,000 rows for 400 entities (plus entity 0, whose rows all have a NULL
-- time), in random physical order so every worker sees every entity.  Times
-- come from 50 instants (many ties per entity and time), 5% NULL times, some
-- NaN and infinite values; id is a unique seq.  NULL values (and NULL
-- booleans): none for entities 1, 11, 21, ...; about 2 each for entities
-- 2, 12, 22, ... (so some partial states of an entity have NULLs and others
-- do not); 10% for the rest.
SELECT setseed(0.25);
CREATE TABLE pagg (entity int, ts timestamptz, v float8, b boolean, id bigint);
-- every draw is its own column of the inner subquery: at one query level,
-- ORDER BY random() would be matched to the other random() calls of the
-- target list and they would all return the same value
INSERT INTO pagg
SELECT entity,
       CASE WHEN i <= 100 OR r_null_t < 0.05 THEN NULL
            ELSE '2023-12-31 22:00:00+00'::timestamptz
                 + floor(r_t * 50)::int * interval '37 minutes 30.000001 seconds' END,
       CASE WHEN r_null_v < null_p THEN NULL
            WHEN r_v < 0.01 THEN 'NaN'::float8
            WHEN r_v < 0.015 THEN 'Infinity'::float8
            WHEN r_v < 0.02 THEN '-Infinity'::float8
            WHEN r_v < 0.20 THEN round((r_v2 * 2000 - 1000)::numeric, 2)::float8
            ELSE floor(r_v2 * 10) END,
       CASE WHEN r_null_b < null_p THEN NULL ELSE r_b < 0.5 END,
       (i - 100000) * 3
FROM (SELECT *, CASE entity % 10 WHEN 1 THEN 0 WHEN 2 THEN 0.004 ELSE 0.1 END AS null_p
      FROM (SELECT *, CASE WHEN i <= 100 THEN 0 ELSE 1 + floor(r_entity * 400)::int END AS entity
            FROM (SELECT i, random() AS r_entity, random() AS r_null_t, random() AS r_t,
                         random() AS r_null_v, random() AS r_v, random() AS r_v2,
                         random() AS r_null_b, random() AS r_b, random() AS r_order
                  FROM generate_series(1, 200000) i) d) e) s
ORDER BY r_order;
ANALYZE pagg;

SELECT count(*) AS rows, count(DISTINCT entity) AS entities,
       count(*) FILTER (WHERE ts IS NULL) > 0 AS null_times,
       count(*) FILTER (WHERE v IS NULL) > 0 AS null_values,
       count(*) FILTER (WHERE b IS NULL) > 0 AS null_bools,
       count(DISTINCT ts) AS instants,
       count(DISTINCT id) AS ids
FROM pagg;
-- ties: rows per (entity, time); entities without NULLs and with a few
SELECT max(n) >= 15 AS many_ties
FROM (SELECT entity, ts, count(*) AS n FROM pagg WHERE ts IS NOT NULL GROUP BY entity, ts) g;
SELECT count(*) FILTER (WHERE nulls = 0) AS entities_without_nulls,
       count(*) FILTER (WHERE nulls BETWEEN 1 AND 5) > 20 AS many_entities_with_few_nulls
FROM (SELECT entity, count(*) FILTER (WHERE v IS NULL OR b IS NULL) AS nulls
      FROM pagg WHERE ts IS NOT NULL GROUP BY entity) g;

-- Runs a query under EXPLAIN ANALYZE and reports how many workers it
-- launched and whether a hash aggregate spilled to disk.
CREATE FUNCTION pg_temp.run_facts(q text, OUT workers_launched int, OUT spilled bool)
LANGUAGE plpgsql AS $fn$
DECLARE
    line text;
BEGIN
    workers_launched := 0;
    spilled := false;
    FOR line IN EXECUTE 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ' || q LOOP
        IF line ~ 'Workers Launched: ' THEN
            workers_launched := workers_launched
                + substring(line FROM 'Workers Launched: (\d+)')::int;
        END IF;
        IF line ~ 'Disk Usage: ' THEN
            spilled := true;
        END IF;
    END LOOP;
END
$fn$;

-- Entities whose timelines differ: both must be NULL or equal by the
-- timeline = operator (kind, positions and values).
CREATE FUNCTION pg_temp.differ(a timeline, b timeline) RETURNS bool
LANGUAGE sql IMMUTABLE AS $$ SELECT NOT coalesce(a = b, a IS NULL AND b IS NULL) $$;

--
-- serial reference
--
SET max_parallel_workers_per_gather = 0;
EXPLAIN (COSTS OFF)
CREATE TABLE agg_serial AS
SELECT entity, timeline_agg(ts, v) AS tl, timeline_agg(ts, v, id) AS tl_seq,
       timeline_agg(ts, b) AS tl_b, timeline_agg(ts, b, id) AS tl_bseq
FROM pagg GROUP BY entity;
CREATE TABLE agg_serial AS
SELECT entity, timeline_agg(ts, v) AS tl, timeline_agg(ts, v, id) AS tl_seq,
       timeline_agg(ts, b) AS tl_b, timeline_agg(ts, b, id) AS tl_bseq
FROM pagg GROUP BY entity;

-- the reference is sane: every row with a time is a point, entity 0 has no
-- timeline, no two entities have equal timelines, the boolean overload
-- stores 1/0
SELECT count(*) AS entities,
       count(*) FILTER (WHERE tl IS NULL) AS null_timelines,
       sum(num_points(tl)) = (SELECT count(ts) FROM pagg) AS all_points,
       sum(num_points(tl_seq)) = (SELECT count(ts) FROM pagg) AS all_points_seq,
       sum(num_points(tl_b)) = (SELECT count(ts) FROM pagg) AS all_points_bool,
       sum(num_points(tl_bseq)) = (SELECT count(ts) FROM pagg) AS all_points_bool_seq
FROM agg_serial;
SELECT count(*) AS equal_pairs
FROM agg_serial a JOIN agg_serial b ON a.entity < b.entity
WHERE a.tl = b.tl OR a.tl_seq = b.tl_seq OR a.tl_b = b.tl_b OR a.tl_bseq = b.tl_bseq;
SELECT count(*) AS entities,
       count(*) FILTER (WHERE pg_temp.differ(s.tl_b, x.tl_b_as_float)) AS bool_vs_float_differ
FROM agg_serial s
JOIN (SELECT entity, timeline_agg(ts, b::int) AS tl_b_as_float FROM pagg GROUP BY entity) x
  USING (entity);

--
-- forced parallel, hashed: Finalize HashAggregate <- Gather <- Partial
-- HashAggregate.  The table is built under EXPLAIN ANALYZE, which shows that
-- workers really ran.
--
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET enable_sort = off;
EXPLAIN (COSTS OFF)
CREATE TABLE agg_parallel AS
SELECT entity, timeline_agg(ts, v) AS tl, timeline_agg(ts, v, id) AS tl_seq,
       timeline_agg(ts, b) AS tl_b, timeline_agg(ts, b, id) AS tl_bseq
FROM pagg GROUP BY entity;
SELECT workers_launched > 0 AS parallel_ran
FROM pg_temp.run_facts($$
CREATE TABLE agg_parallel AS
SELECT entity, timeline_agg(ts, v) AS tl, timeline_agg(ts, v, id) AS tl_seq,
       timeline_agg(ts, b) AS tl_b, timeline_agg(ts, b, id) AS tl_bseq
FROM pagg GROUP BY entity $$);

SELECT count(*) AS entities,
       count(*) FILTER (WHERE pg_temp.differ(s.tl, p.tl)) AS differ,
       count(*) FILTER (WHERE pg_temp.differ(s.tl_seq, p.tl_seq)) AS differ_seq,
       count(*) FILTER (WHERE pg_temp.differ(s.tl_b, p.tl_b)) AS differ_bool,
       count(*) FILTER (WHERE pg_temp.differ(s.tl_bseq, p.tl_bseq)) AS differ_bool_seq,
       count(*) FILTER (WHERE s.tl::text IS DISTINCT FROM p.tl::text
                           OR s.tl_seq::text IS DISTINCT FROM p.tl_seq::text
                           OR s.tl_b::text IS DISTINCT FROM p.tl_b::text
                           OR s.tl_bseq::text IS DISTINCT FROM p.tl_bseq::text) AS differ_as_text
FROM agg_serial s FULL JOIN agg_parallel p USING (entity);

--
-- forced parallel, hashed, 4 workers and the smallest work_mem: the hash
-- aggregates spill to disk, so groups are also aggregated batch by batch
--
SET work_mem = '64kB';
SET max_parallel_workers_per_gather = 4;
EXPLAIN (COSTS OFF)
CREATE TABLE agg_parallel_spill AS
SELECT entity, timeline_agg(ts, v) AS tl, timeline_agg(ts, v, id) AS tl_seq,
       timeline_agg(ts, b) AS tl_b, timeline_agg(ts, b, id) AS tl_bseq
FROM pagg GROUP BY entity;
SELECT workers_launched > 0 AS parallel_ran, spilled
FROM pg_temp.run_facts($$
CREATE TABLE agg_parallel_spill AS
SELECT entity, timeline_agg(ts, v) AS tl, timeline_agg(ts, v, id) AS tl_seq,
       timeline_agg(ts, b) AS tl_b, timeline_agg(ts, b, id) AS tl_bseq
FROM pagg GROUP BY entity $$);
SELECT count(*) AS entities,
       count(*) FILTER (WHERE pg_temp.differ(s.tl, p.tl)) AS differ,
       count(*) FILTER (WHERE pg_temp.differ(s.tl_seq, p.tl_seq)) AS differ_seq,
       count(*) FILTER (WHERE pg_temp.differ(s.tl_b, p.tl_b)) AS differ_bool,
       count(*) FILTER (WHERE pg_temp.differ(s.tl_bseq, p.tl_bseq)) AS differ_bool_seq
FROM agg_serial s FULL JOIN agg_parallel_spill p USING (entity);
RESET work_mem;
SET max_parallel_workers_per_gather = 2;

--
-- forced parallel, sorted: Finalize GroupAggregate <- Gather Merge <-
-- Partial GroupAggregate <- Sort <- Parallel Seq Scan
--
SET enable_sort = on;
SET enable_hashagg = off;
EXPLAIN (COSTS OFF)
CREATE TABLE agg_parallel_sorted AS
SELECT entity, timeline_agg(ts, v) AS tl, timeline_agg(ts, v, id) AS tl_seq,
       timeline_agg(ts, b) AS tl_b, timeline_agg(ts, b, id) AS tl_bseq
FROM pagg GROUP BY entity;
SELECT workers_launched > 0 AS parallel_ran
FROM pg_temp.run_facts($$
CREATE TABLE agg_parallel_sorted AS
SELECT entity, timeline_agg(ts, v) AS tl, timeline_agg(ts, v, id) AS tl_seq,
       timeline_agg(ts, b) AS tl_b, timeline_agg(ts, b, id) AS tl_bseq
FROM pagg GROUP BY entity $$);
SELECT count(*) AS entities,
       count(*) FILTER (WHERE pg_temp.differ(s.tl, p.tl)) AS differ,
       count(*) FILTER (WHERE pg_temp.differ(s.tl_seq, p.tl_seq)) AS differ_seq,
       count(*) FILTER (WHERE pg_temp.differ(s.tl_b, p.tl_b)) AS differ_bool,
       count(*) FILTER (WHERE pg_temp.differ(s.tl_bseq, p.tl_bseq)) AS differ_bool_seq
FROM agg_serial s FULL JOIN agg_parallel_sorted p USING (entity);
RESET enable_hashagg;

--
-- one timeline of the whole table (no GROUP BY):
-- Finalize Aggregate <- Gather <- Partial Aggregate
--
EXPLAIN (COSTS OFF)
CREATE TABLE whole_parallel AS
SELECT timeline_agg(ts, v) AS tl, timeline_agg(ts, v, id) AS tl_seq,
       timeline_agg(ts, b) AS tl_b, timeline_agg(ts, b, id) AS tl_bseq
FROM pagg;
SELECT workers_launched > 0 AS parallel_ran
FROM pg_temp.run_facts($$
CREATE TABLE whole_parallel AS
SELECT timeline_agg(ts, v) AS tl, timeline_agg(ts, v, id) AS tl_seq,
       timeline_agg(ts, b) AS tl_b, timeline_agg(ts, b, id) AS tl_bseq
FROM pagg $$);

SET max_parallel_workers_per_gather = 0;
EXPLAIN (COSTS OFF)
CREATE TABLE whole_serial AS
SELECT timeline_agg(ts, v) AS tl, timeline_agg(ts, v, id) AS tl_seq,
       timeline_agg(ts, b) AS tl_b, timeline_agg(ts, b, id) AS tl_bseq
FROM pagg;
CREATE TABLE whole_serial AS
SELECT timeline_agg(ts, v) AS tl, timeline_agg(ts, v, id) AS tl_seq,
       timeline_agg(ts, b) AS tl_b, timeline_agg(ts, b, id) AS tl_bseq
FROM pagg;
SELECT num_points(s.tl) = (SELECT count(ts) FROM pagg) AS all_points,
       s.tl = p.tl AS equal, s.tl_seq = p.tl_seq AS equal_seq,
       s.tl_b = p.tl_b AS equal_bool, s.tl_bseq = p.tl_bseq AS equal_bool_seq,
       md5(s.tl::text) = md5(p.tl::text) AND md5(s.tl_seq::text) = md5(p.tl_seq::text)
           AND md5(s.tl_b::text) = md5(p.tl_b::text)
           AND md5(s.tl_bseq::text) = md5(p.tl_bseq::text) AS equal_as_text
FROM whole_serial s, whole_parallel p;

--
-- sorted grouping sets (serial): GroupAggregate over ROLLUP (entity) runs
-- two groupings at once, each in its own aggregate memory context; the
-- per-entity rows equal the GROUP BY ones, the total row the whole-table one
--
SET enable_hashagg = off;
EXPLAIN (COSTS OFF)
SELECT entity, GROUPING(entity) AS total, timeline_agg(ts, v) AS tl,
       timeline_agg(ts, v, id) AS tl_seq, timeline_agg(ts, b) AS tl_b,
       timeline_agg(ts, b, id) AS tl_bseq
FROM pagg GROUP BY ROLLUP (entity);
SELECT r.total, count(*) AS groups,
       count(*) FILTER (WHERE pg_temp.differ(r.tl, CASE r.total WHEN 0 THEN s.tl ELSE w.tl END)) AS differ,
       count(*) FILTER (WHERE pg_temp.differ(r.tl_seq, CASE r.total WHEN 0 THEN s.tl_seq ELSE w.tl_seq END)) AS differ_seq,
       count(*) FILTER (WHERE pg_temp.differ(r.tl_b, CASE r.total WHEN 0 THEN s.tl_b ELSE w.tl_b END)) AS differ_bool,
       count(*) FILTER (WHERE pg_temp.differ(r.tl_bseq, CASE r.total WHEN 0 THEN s.tl_bseq ELSE w.tl_bseq END)) AS differ_bool_seq
FROM (SELECT entity, GROUPING(entity) AS total, timeline_agg(ts, v) AS tl,
             timeline_agg(ts, v, id) AS tl_seq, timeline_agg(ts, b) AS tl_b,
             timeline_agg(ts, b, id) AS tl_bseq
      FROM pagg GROUP BY ROLLUP (entity)) r
LEFT JOIN agg_serial s ON r.total = 0 AND s.entity = r.entity
CROSS JOIN whole_serial w
GROUP BY r.total ORDER BY r.total;
RESET enable_hashagg;

--
-- the input in different orders (serial, so the aggregate sees the rows in
-- the subquery's order): the same timelines
--
SELECT o.input_order, count(*) AS entities,
       count(*) FILTER (WHERE pg_temp.differ(s.tl, o.tl)) AS differ,
       count(*) FILTER (WHERE pg_temp.differ(s.tl_seq, o.tl_seq)) AS differ_seq,
       count(*) FILTER (WHERE pg_temp.differ(s.tl_b, o.tl_b)) AS differ_bool,
       count(*) FILTER (WHERE pg_temp.differ(s.tl_bseq, o.tl_bseq)) AS differ_bool_seq
FROM agg_serial s
JOIN (SELECT 'random' AS input_order, entity, timeline_agg(ts, v) AS tl, timeline_agg(ts, v, id) AS tl_seq,
             timeline_agg(ts, b) AS tl_b, timeline_agg(ts, b, id) AS tl_bseq
      FROM (SELECT * FROM pagg ORDER BY random()) r GROUP BY entity
      UNION ALL
      SELECT 'time desc, value, id desc', entity, timeline_agg(ts, v), timeline_agg(ts, v, id),
             timeline_agg(ts, b), timeline_agg(ts, b, id)
      FROM (SELECT * FROM pagg ORDER BY ts DESC, v NULLS FIRST, b NULLS FIRST, id DESC) r GROUP BY entity
      UNION ALL
      SELECT 'value desc, time, id', entity, timeline_agg(ts, v), timeline_agg(ts, v, id),
             timeline_agg(ts, b), timeline_agg(ts, b, id)
      FROM (SELECT * FROM pagg ORDER BY v DESC NULLS LAST, b DESC, ts, id) r GROUP BY entity
      UNION ALL
      SELECT 'id', entity, timeline_agg(ts, v), timeline_agg(ts, v, id),
             timeline_agg(ts, b), timeline_agg(ts, b, id)
      FROM (SELECT * FROM pagg ORDER BY id) r GROUP BY entity) o
  ON o.entity = s.entity
GROUP BY o.input_order ORDER BY o.input_order;

-- the whole table in random order
SELECT s.tl = o.tl AS equal, s.tl_seq = o.tl_seq AS equal_seq,
       s.tl_b = o.tl_b AS equal_bool, s.tl_bseq = o.tl_bseq AS equal_bool_seq
FROM whole_serial s,
     (SELECT timeline_agg(ts, v) AS tl, timeline_agg(ts, v, id) AS tl_seq,
             timeline_agg(ts, b) AS tl_b, timeline_agg(ts, b, id) AS tl_bseq
      FROM (SELECT * FROM pagg ORDER BY random()) r) o;

--
-- the finalize step holds each group's points once: a deserialized partial
-- state is copied into the group's state by the combine function and freed
-- with its input row (it used to stay in the aggregate's memory until the
-- group ended, so a Finalize HashAggregate took twice the memory of a
-- serial one).  Two entities of 100,000 points, each in a partition of its
-- own that the planner cannot tell from the grouping: partitionwise
-- partial aggregation gives one serialized partial state per entity, which
-- the finalize step copies at its exact size, against the serial state's
-- doubling arrays (131,072 points).
--
CREATE TABLE pbig (part int, entity int, ts timestamptz, v float8) PARTITION BY LIST (part);
CREATE TABLE pbig0 PARTITION OF pbig FOR VALUES IN (0);
CREATE TABLE pbig1 PARTITION OF pbig FOR VALUES IN (1);
INSERT INTO pbig
SELECT g % 2, g % 2, timestamptz '2024-01-01' + g * interval '1 second', (g % 7)::float8
FROM generate_series(1, 200000) g;
ANALYZE pbig;
CREATE FUNCTION pg_temp.top_memory_kb(q text) RETURNS int
LANGUAGE plpgsql AS $fn$
DECLARE
    line text;
BEGIN
    FOR line IN EXECUTE 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ' || q LOOP
        IF line ~ 'Memory Usage: ' THEN
            RETURN substring(line FROM 'Memory Usage: (\d+)kB')::int;
        END IF;
    END LOOP;
    RETURN NULL;
END
$fn$;
SET enable_sort = off;
SET max_parallel_workers_per_gather = 0;
EXPLAIN (COSTS OFF) SELECT entity, num_points(timeline_agg(ts, v)) FROM pbig GROUP BY entity;
SELECT pg_temp.top_memory_kb('SELECT entity, num_points(timeline_agg(ts, v)) FROM pbig GROUP BY entity') AS serial_kb \gset
SET enable_partitionwise_aggregate = on;
EXPLAIN (COSTS OFF) SELECT entity, num_points(timeline_agg(ts, v)) FROM pbig GROUP BY entity;
SELECT pg_temp.top_memory_kb('SELECT entity, num_points(timeline_agg(ts, v)) FROM pbig GROUP BY entity') < :serial_kb
       AS finalize_holds_points_once;
SELECT entity, num_points(timeline_agg(ts, v)), timeline_agg(ts, v) = (SELECT timeline_agg(ts, v) FROM pbig p WHERE p.entity = q.entity) AS same
FROM pbig q GROUP BY entity ORDER BY entity;
RESET enable_partitionwise_aggregate;
RESET enable_sort;

--
-- many partial states per group: partitionwise aggregation over 24
-- partitions that each hold part of every entity gives each group 24 sorted
-- partial states.  The combine function merges while a merge moves few of
-- the points already combined (AGG_MERGE_RATIO), then appends, and the final
-- function sorts.  Over partitions by time the states come one after
-- another and are appended, still sorted (hashed: in partition order;
-- sorted: in any order the sort leaves them).
--
CREATE TABLE pparts (part int, entity int, ts timestamptz, v float8, b boolean, id bigint)
    PARTITION BY LIST (part);
SELECT format('CREATE TABLE pparts_%s PARTITION OF pparts FOR VALUES IN (%s)', i + 1, i)
FROM generate_series(-1, 23) i \gexec
INSERT INTO pparts SELECT abs(hashint8(id)) % 24, entity, ts, v, b, id FROM pagg;
ANALYZE pparts;
-- counts the partial aggregates of a plan
CREATE FUNCTION pg_temp.partial_aggs(q text) RETURNS int
LANGUAGE plpgsql AS $fn$
DECLARE
    line text;
    n int := 0;
BEGIN
    FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) ' || q LOOP
        IF line ~ 'Partial (Hash|Group)Aggregate' THEN
            n := n + 1;
        END IF;
    END LOOP;
    RETURN n;
END
$fn$;
CREATE FUNCTION pg_temp.parts_differ(OUT entities bigint, OUT differ bigint) LANGUAGE sql AS $$
SELECT count(*),
       count(*) FILTER (WHERE pg_temp.differ(s.tl, p.tl) OR pg_temp.differ(s.tl_seq, p.tl_seq)
                           OR pg_temp.differ(s.tl_b, p.tl_b) OR pg_temp.differ(s.tl_bseq, p.tl_bseq)
                           OR s.tl::text IS DISTINCT FROM p.tl::text
                           OR s.tl_seq::text IS DISTINCT FROM p.tl_seq::text)
FROM agg_serial s
FULL JOIN (SELECT entity, timeline_agg(ts, v) AS tl, timeline_agg(ts, v, id) AS tl_seq,
                  timeline_agg(ts, b) AS tl_b, timeline_agg(ts, b, id) AS tl_bseq
           FROM pparts GROUP BY entity) p USING (entity) $$;
SET max_parallel_workers_per_gather = 0;
SET enable_partitionwise_aggregate = on;
SET enable_hashagg = on;
SELECT pg_temp.partial_aggs('SELECT entity, timeline_agg(ts, v) FROM pparts GROUP BY entity') AS partial_aggs;
SELECT * FROM pg_temp.parts_differ();
SET enable_hashagg = off;
SELECT pg_temp.partial_aggs('SELECT entity, timeline_agg(ts, v) FROM pparts GROUP BY entity') AS partial_aggs;
SELECT * FROM pg_temp.parts_differ();
-- the same rows in partitions by time (-1: a NULL time), 25 of them
TRUNCATE pparts;
INSERT INTO pparts
SELECT coalesce(floor(extract(epoch FROM ts - timestamptz '2023-12-31 22:00:00+00') / 4700)::int, -1),
       entity, ts, v, b, id
FROM pagg;
ANALYZE pparts;
SELECT count(DISTINCT part) AS parts FROM pparts;
SET enable_hashagg = on;
SELECT pg_temp.partial_aggs('SELECT entity, timeline_agg(ts, v) FROM pparts GROUP BY entity') AS partial_aggs;
SELECT * FROM pg_temp.parts_differ();
SET enable_hashagg = off;
SELECT pg_temp.partial_aggs('SELECT entity, timeline_agg(ts, v) FROM pparts GROUP BY entity') AS partial_aggs;
SELECT * FROM pg_temp.parts_differ();
RESET enable_hashagg;
RESET enable_partitionwise_aggregate;
DROP TABLE pparts;

DROP TABLE pagg, agg_serial, agg_parallel, agg_parallel_spill, agg_parallel_sorted,
    whole_serial, whole_parallel, pbig;

-- timeline_agg_deserialfn checks a partial state's version, flags and size
-- before it allocates for its points: a state of bytes of one's own (only
-- through a superuser's C function over the symbol, as here: the final
-- function of an aggregate over bytea, so it runs in an aggregate's
-- context) is refused, not read past its end nor sized by a forged count
CREATE FUNCTION read_partial_state(bytea) RETURNS bigint
LANGUAGE C STRICT AS '$libdir/timeline', 'timeline_agg_deserialfn';
CREATE FUNCTION keep_last_bytea(bytea, bytea) RETURNS bytea
LANGUAGE sql AS 'SELECT $2';
CREATE AGGREGATE read_partial(bytea) (sfunc = keep_last_bytea, stype = bytea,
                                      finalfunc = read_partial_state);
SELECT read_partial_state('\x030000000000');
SELECT read_partial(s) IS NOT NULL AS read FROM (VALUES ('\x'::bytea)) v(s);
SELECT read_partial(s) IS NOT NULL AS read FROM (VALUES ('\x0300'::bytea)) v(s);
-- version 2 (before partial states were written sorted) and an unknown 4
SELECT read_partial(s) IS NOT NULL AS read FROM (VALUES ('\x020000000000'::bytea)) v(s);
SELECT read_partial(s) IS NOT NULL AS read FROM (VALUES ('\x040000000000'::bytea)) v(s);
SELECT read_partial(s) IS NOT NULL AS read FROM (VALUES ('\x030800000000'::bytea)) v(s);
SELECT read_partial(s) IS NOT NULL AS read FROM (VALUES ('\x0300ffffffff'::bytea)) v(s);
SELECT read_partial(s) IS NOT NULL AS read FROM (VALUES ('\x03007fffffff'::bytea || decode(repeat('00', 32), 'hex'))) v(s);
SELECT read_partial(s) IS NOT NULL AS read FROM (VALUES ('\x030000000001'::bytea || decode(repeat('00', 15), 'hex'))) v(s);
SELECT read_partial(s) IS NOT NULL AS read FROM (VALUES ('\x030000000001'::bytea || decode(repeat('00', 17), 'hex'))) v(s);
SELECT read_partial(s) IS NOT NULL AS read FROM (VALUES ('\x030300000001'::bytea || decode(repeat('00', 24), 'hex'))) v(s);
SELECT read_partial(s) IS NOT NULL AS read FROM (VALUES ('\x030200000009'::bytea || decode(repeat('00', 9 * 16 + 1), 'hex'))) v(s);
-- what serialfn writes: no point; one point; one with a seq and the NULL map; nine with a two-byte NULL map
SELECT read_partial(s) IS NOT NULL AS read FROM (VALUES ('\x030700000000'::bytea)) v(s);
SELECT read_partial(s) IS NOT NULL AS read FROM (VALUES ('\x030400000001'::bytea || decode(repeat('00', 16), 'hex'))) v(s);
SELECT read_partial(s) IS NOT NULL AS read FROM (VALUES ('\x030700000001'::bytea || decode(repeat('00', 25), 'hex'))) v(s);
SELECT read_partial(s) IS NOT NULL AS read FROM (VALUES ('\x030600000009'::bytea || decode(repeat('00', 9 * 16 + 2), 'hex'))) v(s);
-- a state said to be sorted (flag 4) is checked: the combine function
-- merges such states and the final function lays them out as they are.
-- Points (time, value) in native byte order, little-endian here; pt(t, v)
-- spells one
CREATE FUNCTION pg_temp.pt(t bigint, v float8) RETURNS bytea LANGUAGE sql AS $$
    SELECT decode(string_agg(lpad(to_hex(get_byte(int8send(t), 7 - i)), 2, '0'), '' ORDER BY i), 'hex')
           || decode(string_agg(lpad(to_hex(get_byte(float8send(v), 7 - i)), 2, '0'), '' ORDER BY i), 'hex')
    FROM generate_series(0, 7) i $$;
-- in order by time, then value; tied points
SELECT read_partial(s) IS NOT NULL AS read
FROM (VALUES ('\x030400000003'::bytea || pg_temp.pt(1, 5) || pg_temp.pt(2, 1) || pg_temp.pt(2, 3))) v(s);
SELECT read_partial(s) IS NOT NULL AS read
FROM (VALUES ('\x030400000003'::bytea || pg_temp.pt(1, 5) || pg_temp.pt(2, 3) || pg_temp.pt(2, 3))) v(s);
-- out of order: by time; by value at one time
SELECT read_partial(s) IS NOT NULL AS read
FROM (VALUES ('\x030400000003'::bytea || pg_temp.pt(1, 5) || pg_temp.pt(3, 1) || pg_temp.pt(2, 3))) v(s);
SELECT read_partial(s) IS NOT NULL AS read
FROM (VALUES ('\x030400000003'::bytea || pg_temp.pt(1, 5) || pg_temp.pt(2, 3) || pg_temp.pt(2, 1))) v(s);
-- the same, unsorted (no flag 4): read
SELECT read_partial(s) IS NOT NULL AS read
FROM (VALUES ('\x030000000003'::bytea || pg_temp.pt(1, 5) || pg_temp.pt(2, 3) || pg_temp.pt(2, 1))) v(s);
-- a NULL value sorts after every value of its time: point 2 (time 2, NULL)
-- before point 3 (time 2, 0) is out of order, after it in order
SELECT read_partial(s) IS NOT NULL AS read
FROM (VALUES ('\x030600000003'::bytea || pg_temp.pt(1, 5) || pg_temp.pt(2, 0) || pg_temp.pt(2, 0) || '\x02'::bytea)) v(s);
SELECT read_partial(s) IS NOT NULL AS read
FROM (VALUES ('\x030600000003'::bytea || pg_temp.pt(1, 5) || pg_temp.pt(2, 0) || pg_temp.pt(2, 0) || '\x04'::bytea)) v(s);
-- with seqs (flag 1): by (time, seq), whatever the values
CREATE FUNCTION pg_temp.i8(v bigint) RETURNS bytea LANGUAGE sql AS $$
    SELECT decode(string_agg(lpad(to_hex(get_byte(int8send(v), 7 - i)), 2, '0'), '' ORDER BY i), 'hex')
    FROM generate_series(0, 7) i $$;
SELECT read_partial(s) IS NOT NULL AS read
FROM (VALUES ('\x030500000002'::bytea || pg_temp.pt(2, 9) || pg_temp.pt(2, 1) || pg_temp.i8(1) || pg_temp.i8(2))) v(s);
SELECT read_partial(s) IS NOT NULL AS read
FROM (VALUES ('\x030500000002'::bytea || pg_temp.pt(2, 1) || pg_temp.pt(2, 9) || pg_temp.i8(2) || pg_temp.i8(1))) v(s);
DROP AGGREGATE read_partial(bytea);
DROP FUNCTION read_partial_state(bytea), keep_last_bytea(bytea, bytea);
