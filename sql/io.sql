-- io: text and binary forms of the timeline type, and whole-value equality
SET search_path = timeline, public;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET extra_float_digits = 0;

-- runs a statement, returns 'ok' or its SQLSTATE, message and detail
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

-- feeds a payload to timeline_recv through a binary COPY file
CREATE TEMP TABLE recv_target (tl timeline);
CREATE FUNCTION pg_temp.recv(payload bytea) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    lo oid;
    result text;
    detail text;
BEGIN
    lo := lo_from_bytea(0,
        '\x5047434f50590aff0d0a00'::bytea          -- PGCOPY signature
        || '\x0000000000000000'::bytea             -- flags, header extension
        || '\x0001'::bytea                         -- one column
        || int4send(length(payload)) || payload
        || '\xffff'::bytea);                       -- trailer
    PERFORM lo_export(lo, '/tmp/timeline_regress_recv.bin');
    PERFORM lo_unlink(lo);
    TRUNCATE recv_target;
    COPY recv_target FROM '/tmp/timeline_regress_recv.bin' (FORMAT binary);
    SELECT tl::text INTO result FROM recv_target;
    RETURN result;
EXCEPTION WHEN others THEN
    GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL;
    RETURN SQLSTATE || ': ' || SQLERRM || coalesce(' / ' || nullif(detail, ''), '');
END $$;

-- canonical output, both kinds, explicit seqs, NULL values, empty
SELECT 'discrete{2024-01-01T00:00:00+00:00=>1.5, 2024-01-02T00:00:00+00:00=>NULL}'::timeline;
SELECT 'continuous{2024-01-01T00:00:00+00:00#7=>1, 2024-01-01T00:00:00+00:00#9=>2}'::timeline;
SELECT 'discrete{}'::timeline, 'continuous{}'::timeline;
-- liberal input: kind word optional (discrete), case, spacing, any timestamptz syntax
SELECT '{2024-01-01 10:00=>1}'::timeline;
SELECT '  CONTINUOUS {  2024-01-01 00:00:00+02 # -3 =>  4 ,2024-01-01 00:00:00+02#5=>null } '::timeline;
SELECT 'discrete{epoch=>0}'::timeline;
SELECT 'discrete{Jan 2 2024 03:04:05.123456 PST=>-0}'::timeline;
-- floats: shortest exact form, special values
SELECT 'discrete{2024-01-01=>0.1, 2024-01-02=>1e300, 2024-01-03=>-2.5e-310, 2024-01-04=>NaN, 2024-01-05=>Infinity, 2024-01-06=>-inf}'::timeline;
-- points of one time without seqs are put in value order, as timeline_agg
-- orders them: NULLs last, NaN above every number, -0 and 0 by their bits
SELECT 'discrete{2024-01-01=>3, 2024-01-01=>1, 2024-01-01=>NULL}'::timeline;
SELECT 'discrete{2024-01-01=>NaN, 2024-01-01=>NULL, 2024-01-01=>2, 2024-01-01=>-0, 2024-01-01=>0, 2024-01-02=>5, 2024-01-02=>4}'::timeline
       = timeline_agg(t, v) AS same_as_timeline_agg
FROM (VALUES ('2024-01-01 00:00+00'::timestamptz, 'NaN'::float8), ('2024-01-01 00:00+00', NULL), ('2024-01-01 00:00+00', 2),
             ('2024-01-01 00:00+00', '-0'), ('2024-01-01 00:00+00', 0), ('2024-01-02 00:00+00', 5), ('2024-01-02 00:00+00', 4)) x(t, v);
-- an operator keeps positions while values change, so points of one time can
-- be out of value order without seqs: then the text and binary forms carry
-- the seqs (ranks), and read back as the same timeline
SELECT shift_to('discrete{2024-01-01=>5, 2024-01-01 01:00=>3}'::timeline, '2024-01-02') AS moved,
       shift_to('discrete{2024-01-01=>3, 2024-01-01 01:00=>5}'::timeline, '2024-01-02') AS in_order;
SELECT x::text::timeline = x AS text_round_trips, pg_temp.recv(timeline_send(x)) = x::text AS binary_round_trips,
       value_at(x::text::timeline, '2024-01-02') AS last_is_still_3
FROM (SELECT shift_to('discrete{2024-01-01=>5, 2024-01-01 01:00=>3}'::timeline, '2024-01-02') AS x) s;
-- binary input without seqs is put in value order like text
SELECT pg_temp.recv(timeline_send('discrete{2024-01-01#0=>2, 2024-01-01#1=>1}'::timeline)) AS with_seqs,
       pg_temp.recv(decode('00010000000000020000000000000000' || '00' || '4000000000000000'
                           || '0000000000000000' || '00' || '3ff0000000000000', 'hex')) AS without_seqs;
-- extreme but valid times
SELECT 'discrete{4713-11-24 00:00:00+00 BC=>1, 294276-12-31 23:59:59.999999+00=>2}'::timeline;

-- text round trip: out(in(x)) = x for a spread of values
WITH v(x) AS (VALUES
    ('discrete{2024-01-01T00:00:00+00:00=>1.5, 2024-01-02T00:00:00+00:00=>NULL}'),
    ('continuous{2024-01-01T00:00:00.000001+00:00#-9223372036854775808=>0.30000000000000004, 2024-01-01T00:00:00.000001+00:00#9223372036854775807=>-1.7976931348623157e+308}'),
    ('discrete{}'),
    ('discrete{2024-02-29T23:59:59.5+00:00=>NaN}'))
SELECT x::timeline::text = x AS round_trips, x FROM v;

-- binary round trip through send and recv (COPY BINARY)
CREATE TEMP TABLE bin_src AS
SELECT * FROM (VALUES
    (1, 'discrete{2024-01-01T00:00:00+00:00=>1.5, 2024-01-02T00:00:00+00:00=>NULL}'::timeline),
    (2, 'continuous{2024-01-01T00:00:00+00:00#7=>1, 2024-01-01T00:00:00+00:00#9=>NaN}'),
    (3, 'discrete{}'),
    (4, NULL)) v(id, tl);
SELECT id, timeline_send(tl) FROM bin_src ORDER BY id;
SELECT id, pg_temp.recv(timeline_send(tl)) = tl::text AS binary_round_trips FROM bin_src WHERE tl IS NOT NULL ORDER BY id;
-- an empty timeline has one binary form, also when built by an operator
-- that writes seqs (ticks, shift_to: the seq flag stayed set without points)
SELECT timeline_send(ticks('2024-01-02', '2024-01-01', '1 day')) AS empty_ticks,
       timeline_send(shift_to('discrete{}'::timeline, '2024-01-01')) AS empty_shift_to,
       timeline_send('discrete{}'::timeline) AS empty_text;

-- equality is whole-value: kind, positions (logical seqs), values
SELECT 'discrete{2024-01-01=>1}'::timeline = 'discrete{2024-01-01=>1}'::timeline AS same,
       'discrete{2024-01-01=>1}'::timeline = 'continuous{2024-01-01=>1}'::timeline AS other_kind,
       'discrete{2024-01-01=>1}'::timeline = 'discrete{2024-01-01=>2}'::timeline AS other_value,
       'discrete{2024-01-01=>1}'::timeline = 'discrete{2024-01-01=>NULL}'::timeline AS null_value,
       'discrete{2024-01-01=>NULL}'::timeline = 'discrete{2024-01-01=>NULL}'::timeline AS both_null,
       'discrete{2024-01-01#0=>1, 2024-01-01#1=>2}'::timeline = 'discrete{2024-01-01=>1, 2024-01-01=>2}'::timeline AS implicit_seq,
       'discrete{2024-01-01#0=>1, 2024-01-01#5=>2}'::timeline = 'discrete{2024-01-01=>1, 2024-01-01=>2}'::timeline AS other_seq,
       'discrete{2024-01-01=>NaN}'::timeline = 'discrete{2024-01-01=>NaN}'::timeline AS nan,
       'discrete{2024-01-01=>0}'::timeline = 'discrete{2024-01-01=>-0}'::timeline AS zero,
       'discrete{2024-01-01=>1}'::timeline <> 'discrete{2024-01-01=>1, 2024-01-02=>1}'::timeline AS ne;
SELECT NULL::timeline = 'discrete{}'::timeline AS null_eq;

-- in containers: arrays and composite values of timelines round-trip through
-- text; IS DISTINCT FROM between rows written out compares field by field
-- with timeline =, as do = ANY and NULLIF; what compares through a type's
-- default operator class (arrays, whole rows, DISTINCT, ORDER BY) is an
-- error with a SQLSTATE
CREATE TYPE pg_temp.tl_pair AS (id int, tl timeline);
SELECT a::text::timeline[]::text = a::text AS array_round_trips,
       r::text::pg_temp.tl_pair::text = r::text AS composite_round_trips,
       (r::text::pg_temp.tl_pair).tl = (r).tl AS field_equal
FROM (SELECT ARRAY['discrete{2024-01-01=>1, 2024-01-02=>NULL}'::timeline, NULL, 'continuous{}'] AS a,
             ROW(1, 'continuous{2024-01-01#3=>1, 2024-01-01#5=>NaN}')::pg_temp.tl_pair AS r) s;
SELECT ROW(1, 'discrete{2024-01-01=>0}'::timeline) IS DISTINCT FROM ROW(1, 'discrete{2024-01-01=>-0}'::timeline) AS rows_distinct,
       'discrete{}'::timeline = ANY (ARRAY['continuous{}'::timeline, 'discrete{}']) AS any_equal,
       NULLIF('discrete{}'::timeline, 'discrete{}') IS NULL AS nullif_equal;
-- timeline_hash_ops: = is hashable, so DISTINCT, GROUP BY, UNION, hash
-- joins and = between arrays or rows holding timelines find it, and its
-- hash agrees with = where equal timelines differ in bytes: -0 and 0, NaNs
-- of other bits ('-NaN' keeps its sign bit), implicit and explicit seqs
CREATE TEMP TABLE heq (id int, tl timeline);
INSERT INTO heq VALUES
    (1, 'discrete{2024-01-01=>0}'), (2, 'discrete{2024-01-01=>-0}'),
    (3, 'discrete{2024-01-01=>NaN}'), (4, 'discrete{2024-01-01=>-NaN}'),
    (5, 'discrete{2024-01-01=>1, 2024-01-01=>2}'), (6, 'discrete{2024-01-01#0=>1, 2024-01-01#1=>2}'),
    (7, 'continuous{2024-01-01=>0}'), (8, 'discrete{2024-01-01=>NULL}'), (9, 'discrete{}'),
    (10, 'continuous{}'), (11, 'discrete{2024-01-01#1=>1, 2024-01-01#2=>2}'), (12, NULL),
    (13, 'discrete{2024-01-01=>1, 2024-01-02=>2}'), (14, 'discrete{2024-01-01=>2, 2024-01-02=>1}');
SELECT timeline_send(a.tl) <> timeline_send(b.tl) AS bytes_differ,
       string_agg(a.id || '=' || b.id, ' ' ORDER BY a.id, b.id) AS equal_pairs,
       bool_and(timeline_hash(a.tl) = timeline_hash(b.tl)) AS same_hash,
       bool_and(timeline_hash_extended(a.tl, 7) = timeline_hash_extended(b.tl, 7)) AS same_extended
FROM heq a JOIN heq b ON a.tl = b.tl AND a.id < b.id
GROUP BY 1 ORDER BY 1;
-- every pair that is not = hashes apart here, and the standard hash is the
-- extended one's low 32 bits with seed 0, as a hash operator class needs
SELECT count(*) FILTER (WHERE timeline_hash(a.tl) = timeline_hash(b.tl)) AS collisions,
       bool_and((timeline_hash_extended(a.tl, 0) & 4294967295) = (timeline_hash(a.tl)::int8 & 4294967295)) AS low_bits
FROM heq a JOIN heq b ON a.id < b.id AND NOT a.tl = b.tl;
SELECT min(id) AS first_id, count(*) AS ids FROM heq GROUP BY tl ORDER BY 1;
SELECT (SELECT count(*) FROM (SELECT DISTINCT tl FROM heq) d) AS distinct_tl,
       (SELECT count(*) FROM (SELECT tl FROM heq UNION SELECT tl FROM heq) u) AS union_tl,
       (SELECT count(*) FROM heq WHERE tl IN (SELECT tl FROM heq WHERE id IN (2, 4))) AS in_subquery,
       ARRAY[(SELECT tl FROM heq WHERE id = 5)] = ARRAY[(SELECT tl FROM heq WHERE id = 6)] AS arrays_equal,
       ROW(1, (SELECT tl FROM heq WHERE id = 1))::pg_temp.tl_pair
         = ROW(1, (SELECT tl FROM heq WHERE id = 2))::pg_temp.tl_pair AS composites_equal,
       ARRAY[(SELECT tl FROM heq WHERE id = 13)] = ARRAY[(SELECT tl FROM heq WHERE id = 14)] AS arrays_differ;
-- a hash join and a hash index give the nested loop's answer
SET enable_nestloop = off;
SET enable_mergejoin = off;
EXPLAIN (COSTS OFF) SELECT a.id, b.id FROM heq a JOIN heq b ON a.tl = b.tl;
SELECT string_agg(a.id || '=' || b.id, ' ' ORDER BY a.id, b.id) AS hash_join
FROM heq a JOIN heq b ON a.tl = b.tl AND a.id < b.id;
RESET enable_nestloop;
RESET enable_mergejoin;
CREATE INDEX heq_tl ON heq USING hash (tl);
SET enable_seqscan = off;
SET enable_bitmapscan = off;
EXPLAIN (COSTS OFF) SELECT id FROM heq WHERE tl = 'discrete{2024-01-01=>0}';
SELECT string_agg(id::text, ',' ORDER BY id) AS by_index FROM heq WHERE tl = 'discrete{2024-01-01=>0}';
RESET enable_seqscan;
RESET enable_bitmapscan;
DROP TABLE heq;
-- randomized: 400 timelines of ties, -0, NaNs and NULLs, each against
-- the same points rebuilt with explicit seqs (the logical ones) and -0
-- added to 0: equal to it, other bytes, the same hash
SELECT setseed(0.14);
CREATE TEMP TABLE hrand AS
SELECT g, timeline_agg(timestamptz '2024-01-01' + floor(random() * 5)::int * interval '1 day',
                       (ARRAY[0, '-0', 'NaN', '-NaN', 1.5, NULL, -2]::float8[])[1 + floor(random() * 7)::int]) AS a
  FROM generate_series(1, 400) g, generate_series(1, 1 + g % 6) k
 GROUP BY g;
SELECT count(*) AS timelines,
       count(*) FILTER (WHERE a = b) AS equal,
       count(*) FILTER (WHERE timeline_send(a) <> timeline_send(b)) AS bytes_differ,
       count(*) FILTER (WHERE timeline_hash(a) <> timeline_hash(b)) AS hashes_differ,
       count(*) FILTER (WHERE timeline_hash_extended(a, 42) <> timeline_hash_extended(b, 42)) AS extended_differ
FROM (SELECT h.a,
             (SELECT timeline_agg(q."time", q.value + 0, q.seq)
                FROM (SELECT p."time", p.value, row_number() OVER (PARTITION BY p."time" ORDER BY p.o) - 1 AS seq
                        FROM points(h.a) WITH ORDINALITY AS p("time", value, o)) q) AS b
        FROM hrand h) x;
DROP TABLE hrand;
-- still no ordering: sorting, an aggregate's DISTINCT (it sorts) and row
-- comparison (it needs a btree family) stay errors
SELECT stmt, pg_temp.try(stmt) AS result
FROM (VALUES
    ($$SELECT tl FROM (VALUES ('discrete{}'::timeline)) v(tl) ORDER BY tl$$),
    ($$SELECT pg_catalog.count(DISTINCT tl) FROM (VALUES ('discrete{}'::timeline)) v(tl)$$),
    ($$SELECT ROW(1, 'discrete{}'::timeline) = ROW(1, 'discrete{}'::timeline)$$)
) v(stmt);

-- malformed text input: SQLSTATE and message for each
SELECT input, pg_temp.try(format('SELECT %L::timeline.timeline', input)) AS result
FROM (VALUES
    (''),
    ('discrete'),
    ('discrete{'),
    ('discrete{2024-01-01=>1'),
    ('discrete{2024-01-01=>1,}'),
    ('discrete{2024-01-01=>1} x'),
    ('discreet{2024-01-01=>1}'),
    ('discrete[2024-01-01=>1]'),
    ('discrete{=>1}'),
    ('discrete{2024-01-01}'),
    ('discrete{2024-01-01=>}'),
    ('discrete{2024-01-01=>abc}'),
    ('discrete{2024-01-01=>1.5.5}'),
    ('discrete{2024-01-01=>1e999}'),
    ('discrete{not a time=>1}'),
    ('discrete{2024-13-01=>1}'),
    ('discrete{2024-02-30=>1}'),
    ('discrete{2024-01-01 00:00+16=>1}'),
    ('discrete{infinity=>1}'),
    ('discrete{-infinity=>1}'),
    ('discrete{2024-01-02=>1, 2024-01-01=>2}'),
    ('discrete{2024-01-01#1=>1, 2024-01-01=>2}'),
    ('discrete{2024-01-01=>1, 2024-01-01#1=>2}'),
    ('discrete{2024-01-01#x=>1}'),
    ('discrete{2024-01-01#=>1}'),
    ('discrete{2024-01-01#99999999999999999999=>1}'),
    ('discrete{2024-01-01#2=>1, 2024-01-01#1=>2}'),
    ('discrete{2024-01-01#1=>1, 2024-01-01#1=>2}'),
    ('discrete{2024-01-01#1 2=>1}'),
    ('discrete{294277-01-01=>1}')
) v(input);

-- malformed binary input: SQLSTATE and message for each
SELECT name, pg_temp.recv(payload) AS result
FROM (VALUES
    ('empty',               '\x'::bytea),
    ('short header',        '\x000100'::bytea),
    ('version 2',           '\x000200000000000000'::bytea),
    ('version 0',           '\x000000000000000000'::bytea),
    ('unknown flag',        '\x000100040000000000'::bytea),
    ('negative count',      '\x00010000ffffffff'::bytea),
    ('huge count',          '\x000100007fffffff'::bytea),
    ('count beyond data',   '\x0001000000000002'::bytea || '\x000000000000000000' || '\x3ff0000000000000'::bytea),
    ('truncated value',     '\x0001000000000001'::bytea || '\x0000000000000000' || '\x00' || '\x3ff0'::bytea),
    ('bad null flag',       '\x0001000000000001'::bytea || '\x0000000000000000' || '\x02'::bytea),
    ('trailing bytes',      '\x0001000000000001'::bytea || '\x0000000000000000' || '\x01' || '\x00'::bytea),
    ('infinite time',       '\x0001000000000001'::bytea || '\x7fffffffffffffff' || '\x01'::bytea),
    ('-infinite time',      '\x0001000000000001'::bytea || '\x8000000000000000' || '\x01'::bytea),
    ('time out of range',   '\x0001000000000001'::bytea || '\x7ffffffffffffffe' || '\x01'::bytea),
    ('times out of order',  '\x0001000000000002'::bytea || '\x0000000000000001' || '\x01' || '\x0000000000000000' || '\x01'::bytea),
    ('seqs out of order',   '\x0001000200000002'::bytea || '\x0000000000000000' || '\x0000000000000002' || '\x01' || '\x0000000000000000' || '\x0000000000000001' || '\x01'::bytea),
    ('duplicate position',  '\x0001000200000002'::bytea || '\x0000000000000000' || '\x0000000000000002' || '\x01' || '\x0000000000000000' || '\x0000000000000002' || '\x01'::bytea),
    ('valid, for contrast', '\x0001000300000002'::bytea || '\x0000000000000000' || '\x0000000000000001' || '\x01' || '\x0000000000000000' || '\x0000000000000002' || '\x00' || '\x4000000000000000'::bytea)
) v(name, payload);

-- the kind of a timeline
SELECT kind('discrete{}'), kind('continuous{2024-01-01=>1}');

-- large values are stored out of line, uncompressed (STORAGE external), and read back whole
CREATE TEMP TABLE big AS
SELECT timeline_agg(timestamptz '2024-01-01' + g * interval '1 minute', g) AS tl
FROM generate_series(1, 100000) g;
SELECT pg_column_size(tl) AS stored_bytes, num_points(tl), value_at(tl, '2024-01-01 01:00') FROM big;
SELECT tl = (SELECT tl::text::timeline FROM big) AS text_round_trip FROM big;
