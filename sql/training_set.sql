-- training_set: create_training_set (features as of t, labels from
-- (t, t + horizon]), check_training_set, feature_stats, and their errors
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET IntervalStyle = 'postgres';
SET extra_float_digits = 0;
\pset null '~'
\set SHOW_CONTEXT never

CREATE TABLE ev (id bigint, user_id int, ts timestamptz, amount numeric, kind text);
INSERT INTO ev VALUES
    (1, 1, '2024-01-01', 10, 'buy'), (2, 1, '2024-01-03', 5, 'buy'),
    (3, 1, '2024-01-05', 7, 'login'), (4, 1, '2024-01-10', 20, 'buy'),
    (5, 2, '2024-01-02', 3, 'buy'), (6, 2, '2024-01-02', 4, 'buy');
SELECT timeline.create_source('purchases', 'ev', 'user_id', 'ts', 'id', create_index => true);
SELECT timeline.create_feature('spend', 'purchases', 'sum', 'amount');
SELECT timeline.create_feature('spend_3d', 'purchases', 'sum', 'amount', '3 days', $$kind = 'buy'$$);
SELECT timeline.create_feature('n_since_login', 'purchases', 'count', NULL, 'since(kind = ''login'')');
SELECT timeline.create_feature('n', 'purchases', 'count');
SELECT timeline.create_feature_set('fs', ARRAY['spend', 'spend_3d', 'n_since_login', 'n']);

-- the spine: an event time, times between events, a duplicate row, an
-- entity without events, a NULL time and a NULL entity
CREATE TABLE spine (user_id int, t timestamptz, tag text);
INSERT INTO spine VALUES
    (1, '2024-01-01', 'a'), (1, '2024-01-04', 'b'), (1, '2024-01-06', 'c'),
    (1, '2024-01-06', 'c2'), (2, '2024-01-02', 'd'), (3, '2024-01-02', 'e'),
    (1, NULL, 'f'), (NULL, '2024-01-03', 'g');

-- features only: one row per spine row, in spine order
SELECT timeline.create_training_set('train', 'fs', 'SELECT * FROM spine');
SELECT * FROM train;
-- the planner settings it changes for its statement (no heap-order index
-- scan, a hashed GROUP BY) end with it
SELECT current_setting('enable_indexscan') AS enable_indexscan, current_setting('enable_sort') AS enable_sort;

-- label count(source) over (t, t + 3 days]; the newest event is 2024-01-10,
-- so rows with t + 3 days after it are incomplete: flagged here
SELECT timeline.create_training_set('train_flag', 'fs', 'SELECT user_id, t, tag FROM spine',
                                    'count(purchases)', '3 days', 'flag');
SELECT tag, spend, n, label, label_complete FROM train_flag;
-- ... and excluded by default: t + 4 days = 2024-01-10 is still complete
SELECT timeline.create_training_set('train_any', 'fs', 'SELECT user_id, t, tag FROM spine WHERE tag < ''f''',
                                    'any(purchases)', '4 days');
SELECT tag, t, label FROM train_any;
SELECT timeline.create_training_set('train_sum', 'fs', 'SELECT user_id, t FROM spine',
                                    'sum(purchases, amount * 2)', '5 days');
SELECT * FROM train_sum;
-- a feature as the label: its aggregate over its window at t + horizon, cut
-- at t, so only data in (t, t + horizon] (spend is a lifetime sum: the
-- spend in the 3 days after t, NULL where none; read whole it was the
-- spend up to t + 3 days, t and before included)
SELECT timeline.create_training_set('train_feat', 'fs', 'SELECT user_id, t FROM spine', 'spend', '3 days');
SELECT user_id, t, spend, label FROM train_feat;
SELECT pg_typeof(label) AS any_label_type FROM train_any LIMIT 1;

-- the label window is exactly (t, t + horizon], also where (t + horizon) -
-- horizon is not t: across a month end, and across a daylight-saving change
CREATE TABLE ev2 (id bigint, entity int, ts timestamptz, amount float8);
INSERT INTO ev2 VALUES (1, 1, '2022-01-29 00:00+00', 10), (2, 1, '2022-02-10 00:00+00', 1),
                       (3, 1, '2022-03-10 00:00+00', 1),
                       (4, 2, '2022-03-06 07:45+00', 10), (5, 2, '2022-03-20 00:00+00', 1);
SELECT timeline.create_source('s2', 'ev2', 'entity', 'ts', 'id', create_index => true);
SELECT timeline.create_feature('c2', 's2', 'count');
SELECT timeline.create_feature_set('fs_edges', ARRAY['c2']);
SELECT timeline.create_training_set('month_label', 'fs_edges',
    $$SELECT 1 AS entity, '2022-01-31 00:00+00'::timestamptz AS t$$, 'sum(s2, amount)', '1 month');
SELECT * FROM month_label;      -- label 1: the event of 01-29 is before t
-- a feature of a month's window as the label, observed at an event: read
-- whole at 02-28 its window starts on 01-28 and holds the event at t, which
-- the features count too (label 11); cut at t it holds 02-10 only (1).  A
-- 1-day window read at t + horizon lies inside (t, t + horizon]: not cut
SELECT timeline.create_feature('s2_sum_1m', 's2', 'sum', 'amount', '1 mon');
SELECT timeline.create_feature('s2_sum_1d', 's2', 'sum', 'amount', '1 day');
SELECT timeline.create_training_set('month_feature_label', 'fs_edges',
    $$SELECT 1 AS entity, '2022-01-29 00:00+00'::timestamptz AS t$$, 's2_sum_1m', '1 month');
SELECT * FROM month_feature_label;
SELECT timeline.create_training_set('day_feature_label', 'fs_edges',
    $$SELECT 1 AS entity, t FROM (VALUES ('2022-02-09 12:00+00'::timestamptz), ('2022-02-09 00:00+00')) v(t)$$,
    's2_sum_1d', '1 mon 12 hours');
SELECT * FROM day_feature_label;   -- 1 (03-10 in (03-09, 03-10]), NULL (03-09 12:00 is not)
-- a since window starts at a reset, which can come before t: refused
SELECT timeline.create_training_set('since_label', 'fs', 'SELECT user_id, t FROM spine', 'n_since_login', '3 days');
SET TimeZone = 'America/New_York';
SELECT timeline.create_training_set('dst_label', 'fs_edges',
    $$SELECT 2 AS entity, '2022-03-06 07:30+00'::timestamptz AS t$$, 'count(s2)', '7 days');
SELECT * FROM dst_label;        -- label 1: 07:45 UTC is 15 minutes after t
SET TimeZone = 'UTC';
-- the newest event, when the whole source is aggregated (its statistics say
-- the spine holds most of its entities), is read off every entity's
-- timeline: also an entity without spine rows (3, on 01-09) ...
CREATE TABLE ev3 (id bigint, entity int, ts timestamptz);
INSERT INTO ev3 VALUES (1, 1, '2024-01-01'), (2, 1, '2024-01-05'), (3, 2, '2024-01-03'),
                       (4, 3, '2024-01-09'), (5, NULL, '2024-01-07'), (6, 1, NULL);
ANALYZE ev3;
SELECT timeline.create_source('s3', 'ev3', 'entity', 'ts', 'id', create_index => true);
SELECT timeline.create_feature('c3', 's3', 'count');
SELECT timeline.create_feature_set('fs3', ARRAY['c3']);
CREATE TABLE spine3 (e int, t timestamptz);
INSERT INTO spine3 VALUES (1, '2024-01-02'), (2, '2024-01-06'), (1, '2024-01-07'), (2, '2024-01-08');
SELECT timeline.create_training_set('newest3', 'fs3', 'SELECT * FROM spine3', 'count(s3)', '2 days', 'flag');
SELECT * FROM newest3;          -- complete up to t = 01-07 (01-07 + 2 days = 01-09)
-- ... or a NULL entity (on 01-07, once entity 3's event is gone)
DELETE FROM ev3 WHERE id = 4;
ANALYZE ev3;
SELECT timeline.create_training_set('newest3b', 'fs3', 'SELECT * FROM spine3', 'count(s3)', '1 day');
SELECT * FROM newest3b;         -- kept up to t = 01-06 (01-06 + 1 day = 01-07)
-- aggregates_between on its own: each (start, end], NULL bounds give NULL
SELECT timeline.aggregates_between(tl, 'sum', s, e) AS sums, timeline.aggregates_between(tl, 'count', s, e) AS counts
FROM (SELECT 'discrete{2024-01-01T00:00:00+00=>1, 2024-01-02T00:00:00+00=>2, 2024-01-03T00:00:00+00=>NULL, 2024-01-04T00:00:00+00=>4}'::timeline.timeline AS tl,
             ARRAY['2024-01-01', '2023-12-31', NULL, '2024-01-04', '2024-01-02']::timestamptz[] AS s,
             ARRAY['2024-01-03', '2024-01-01', '2024-01-02', '2024-01-10', '2024-01-04']::timestamptz[] AS e) x;
-- the result has the shape of starts, lower bounds included (it was made
-- one-dimensional); ends only needs as many elements
SELECT timeline.aggregates_between(
    'discrete{2024-01-01T00:00:00+00=>1, 2024-01-02T00:00:00+00=>2, 2024-01-03T00:00:00+00=>NULL, 2024-01-04T00:00:00+00=>4}',
    'sum', '[0:1][1:2]={{2024-01-01,2023-12-31},{2024-01-02,2024-01-04}}',
    ARRAY['2024-01-03', '2024-01-01', '2024-01-10', '2024-01-05']::timestamptz[]) AS two_by_two;
SELECT timeline.aggregates_between('discrete{}', 'median', '{}', '{}');
SELECT timeline.aggregates_between('discrete{}', 'sum', ARRAY['2024-01-01']::timestamptz[], '{}');
-- many wide windows are read off an index of the points for count,
-- count_if, first, last, min and max: the values of each window read on
-- its own, -0 and NaN included (40,000 windows of 300 days over 360,000
-- points took 17 s)
WITH x AS (
    SELECT timeline.timeline_agg(timestamptz '2024-01-01' + (g % 50) * interval '1 hour',
                                 (ARRAY[NULL, 0, '-0', 'NaN', 1, -1, 'Infinity', 2, '-Infinity', 0.5]::float8[])[1 + g * 7 % 10]) AS tl,
           array_agg(timestamptz '2023-12-31 23:00' + (g % 53) * interval '1 hour' ORDER BY g) AS s,
           array_agg(timestamptz '2023-12-31 23:00' + (g % 53 + g % 29 - 3) * interval '1 hour' ORDER BY g) AS e
      FROM generate_series(1, 200) g)
SELECT a AS aggregate, count(*) AS windows, count(*) FILTER (WHERE r.v IS NOT NULL) AS not_null,
       count(*) FILTER (WHERE r.v::text IS DISTINCT FROM
                              (timeline.aggregates_between(x.tl, a, ARRAY[r.s], ARRAY[r.e]))[1]::text) AS differ
  FROM x, unnest(ARRAY['count', 'count_if', 'first', 'last', 'min', 'max', 'sum']) a,
       LATERAL unnest(timeline.aggregates_between(x.tl, a, x.s, x.e), x.s, x.e) r(v, s, e)
 GROUP BY a ORDER BY a;

-- the target follows the caller's search_path, or is qualified; so does the spine
CREATE SCHEMA ml;
CREATE TABLE ml.obs AS SELECT user_id, t FROM spine WHERE tag IN ('a', 'd');
SET search_path = ml, public;
SELECT timeline.create_training_set('ml_train', 'fs', 'SELECT * FROM obs');
RESET search_path;
SELECT timeline.create_training_set('ml.ml_train2', 'fs', 'SELECT * FROM ml.obs');
SELECT count(*) FROM ml.ml_train;
SELECT count(*) FROM ml.ml_train2;
SELECT target_table, "exists", feature_set, spine, entity_column, time_column, label, horizon, incomplete_labels
FROM timeline.training_sets ORDER BY target_table;

-- the leakage check passes ours ...
SELECT * FROM timeline.check_training_set('train');
SELECT * FROM timeline.check_training_set('train_flag', 1000);
-- ... and finds a hand-made set that read events after t
CREATE TABLE leaky AS
SELECT s.user_id, s.t,
       timeline.value_at(f.spend, s.t + interval '2 days') AS spend,
       timeline.value_at(f.spend_3d, s.t) AS spend_3d,
       coalesce(timeline.value_at(f.n_since_login, s.t), 0) AS n_since_login,
       coalesce(timeline.value_at(f.n, s.t), 0) AS n
FROM spine s
LEFT JOIN timeline.feature_timelines('fs')
          AS f(entity int, spend timeline.timeline, spend_3d timeline.timeline,
               n_since_login timeline.timeline, n timeline.timeline)
       ON f.entity = s.user_id
WHERE s.user_id IS NOT NULL AND s.t IS NOT NULL;
SELECT * FROM timeline.check_training_set('leaky', 100, 'fs');

-- errors
SELECT timeline.create_training_set('train', 'fs', 'SELECT * FROM spine');
SELECT timeline.create_training_set('t1', 'nope', 'SELECT * FROM spine');
SELECT timeline.create_training_set('t1', 'fs', 'SELECT user_id FROM spine');
SELECT timeline.create_training_set('t1', 'fs', 'SELECT user_id, t::timestamp FROM spine');
-- an entity the feature set's do not compare with, in the caller's terms
-- (it failed with 42883 and the whole generated statement)
SELECT timeline.create_training_set('t1', 'fs', 'SELECT user_id::text, t FROM spine');
-- ... or compares inexactly: a double against bigint entities equalled two
-- of them (9007199254740992 and ...993), and the row took one's features
SELECT timeline.create_training_set('t1', 'fs', 'SELECT user_id::float8, t FROM spine');
SELECT timeline.create_training_set('t1', 'fs', 'SELECT user_id::int8, t FROM spine') AS int8_spine_rows;
DROP TABLE t1;
SELECT timeline.create_training_set('t1', 'fs', 'SELECT user_id, t, tag AS spend FROM spine');
SELECT timeline.create_training_set('t1', 'fs', 'SELECT user_id, t, tag AS label FROM spine', 'count(purchases)', '1 day');
SELECT timeline.create_training_set('t1', 'fs', 'SELECT * FROM spine', 'count(purchases)');
SELECT timeline.create_training_set('t1', 'fs', 'SELECT * FROM spine', 'count(purchases)', '-1 day');
-- a positive interval with a negative field: 2024-02-01 + '1 mon -29 days'
-- is 2024-01-31, before t (the label was read from the past)
SELECT timeline.create_training_set('t1', 'fs', 'SELECT * FROM spine', 'spend', '1 mon -29 days');
SELECT timeline.create_training_set('t1', 'fs', 'SELECT * FROM spine', 'spend', '1 day -1 hour');
SELECT timeline.create_training_set('t1', 'fs', 'SELECT * FROM spine', NULL, '1 day');
SELECT timeline.create_training_set('t1', 'fs', 'SELECT * FROM spine', 'median(purchases, amount)', '1 day');
SELECT timeline.create_training_set('t1', 'fs', 'SELECT * FROM spine', 'sum(purchases)', '1 day');
SELECT timeline.create_training_set('t1', 'fs', 'SELECT * FROM spine', 'count(nope)', '1 day');
SELECT timeline.create_training_set('t1', 'fs', 'SELECT * FROM spine', 'sum(purchases, amount); DROP TABLE ev', '1 day');
SELECT timeline.create_training_set('t1', 'fs', 'SELECT * FROM spine', 'no_such_feature', '1 day');
SELECT timeline.create_training_set('t1', 'fs', 'SELECT * FROM spine', 'count(purchases)', '1 day', 'keep');
SELECT timeline.create_training_set('a.b.c', 'fs', 'SELECT * FROM spine');
SELECT timeline.create_training_set('t1', 'fs', 'SELECT * FROM no_such_spine');
SELECT timeline.create_training_set('t1', 'fs', NULL);
SELECT count(*) AS nothing_half_written FROM pg_class WHERE relname = 't1';
SELECT * FROM timeline.check_training_set('spine');
SELECT * FROM timeline.check_training_set('train', 0);
SELECT * FROM timeline.check_training_set('spine', 10, 'fs');

-- feature_stats: the feature at every event of its source, per bucket;
-- PSI against the first bucket (itself: 0)
SELECT * FROM timeline.feature_stats('spend', '2024-01-01', '2024-01-11', '5 days');
SELECT bucket_start, bucket_end, count, null_rate, mean FROM timeline.feature_stats('n', '2024-01-01', '2024-01-04', '1 day');
SELECT bucket_start, count, psi FROM timeline.feature_stats('spend', '2024-01-01', '2024-01-11', '5 days',
                                                           baseline_from => '2024-01-06', baseline_to => '2024-01-11');
SELECT * FROM timeline.feature_stats('spend', '2024-01-01', '2024-01-01', '1 day');
SELECT * FROM timeline.feature_stats('spend', '2024-01-01', '2024-01-02', '0 days');
SELECT * FROM timeline.feature_stats('spend', '2024-01-01', '2025-01-01', '1 minute');
SELECT * FROM timeline.feature_stats('spend', '2024-01-01', '2024-01-02', '1 hour', baseline_from => '2024-01-01');
SELECT * FROM timeline.feature_stats('nope', '2024-01-01', '2024-01-02', '1 hour');
SELECT * FROM timeline.feature_stats('spend', '-infinity', '2024-01-02', '1 hour');
SELECT * FROM timeline.feature_stats('spend', 'infinity', 'infinity', '1 hour');
SELECT * FROM timeline.feature_stats(NULL, '2024-01-01', '2024-01-02', '1 hour');
-- bucket n starts at from + n * bucket, as ticks steps: monthly buckets
-- from January 31 start on each month's last day (adding a month to the
-- previous start drifted to the 28th); the last bucket ends at to
SELECT bucket_start, bucket_end FROM timeline.feature_stats('spend', '2023-01-31', '2023-06-01', '1 month');
-- 100,000 buckets is the limit, met exactly (to on a bucket's edge was
-- counted as a start: refused) and passed by one
SELECT count(*), min(bucket_start), max(bucket_end) FROM timeline.feature_stats('spend', '2024-01-01', '2024-01-01 00:00:01', '10 microseconds');
SELECT count(*) FROM timeline.feature_stats('spend', '2024-01-01', '2024-01-01 00:00:01.00001', '10 microseconds');
-- buckets up to the end of the timestamp range: the next start is past it
SELECT count(*), max(bucket_end) FROM timeline.feature_stats('spend', '294270-01-01', '294276-12-31', '2 years');
-- a bucket must end after it starts everywhere: '1 mon -29 days' is a
-- positive interval, but 2024-02-01 + it is 2024-01-31
SELECT * FROM timeline.feature_stats('spend', '2024-01-01', '2024-06-01', '1 mon -29 days');
-- a baseline outside [from, to) is read from its own events: the PSI of the
-- second bucket against the first, both in range or the first outside
SELECT bucket_start, psi FROM timeline.feature_stats('spend', '2024-01-01', '2024-01-11', '5 days',
                                                     baseline_from => '2024-01-01', baseline_to => '2024-01-06')
UNION ALL
SELECT bucket_start, psi FROM timeline.feature_stats('spend', '2024-01-06', '2024-01-11', '5 days',
                                                     baseline_from => '2024-01-01', baseline_to => '2024-01-06')
ORDER BY 1;
-- a feature with a filter is read at every event of its source, also of
-- an entity before its first row that passes the filter (a count is 0
-- there, another aggregate NULL) and of an entity without any (user 2 has
-- no login); an event without an entity has no features (NULL); the same
-- as a training set whose spine is the events
INSERT INTO ev VALUES (7, NULL, '2024-01-04', 1, 'login');
SELECT timeline.create_feature('n_login', 'purchases', 'count', NULL, NULL, $$kind = 'login'$$);
SELECT timeline.create_feature('last_login_amount', 'purchases', 'last', 'amount', NULL, $$kind = 'login'$$);
SELECT timeline.create_feature_set('fs_login', ARRAY['n_login', 'last_login_amount']);
SELECT bucket_start, count, null_rate, mean FROM timeline.feature_stats('n_login', '2024-01-01', '2024-01-11', '5 days');
SELECT bucket_start, count, null_rate, mean FROM timeline.feature_stats('last_login_amount', '2024-01-01', '2024-01-11', '5 days');
SELECT timeline.create_training_set('train_login', 'fs_login', 'SELECT user_id, ts FROM ev WHERE ts >= ''2024-01-01''');
SELECT date_trunc('day', ts) < '2024-01-06' AS first_bucket, count(*),
       avg(n_login) AS n_login_mean, count(*) FILTER (WHERE n_login IS NULL) AS n_login_nulls,
       avg(last_login_amount) AS last_login_amount_mean,
       count(*) FILTER (WHERE last_login_amount IS NULL) AS last_login_amount_nulls
FROM train_login GROUP BY 1 ORDER BY 1 DESC;
DELETE FROM ev WHERE id = 7;

-- an event at an infinite time fails a training set with a label, whichever
-- way the label source's newest event is found (a spine of one entity
-- scanned the source for it, took the infinity of an entity not in the
-- spine as the newest event, and called every label complete)
CREATE TABLE ev_inf (id bigint, user_id int, ts timestamptz);
INSERT INTO ev_inf SELECT g, g % 10, '2024-01-01'::timestamptz + g * interval '1 hour' FROM generate_series(1, 200) g;
INSERT INTO ev_inf VALUES (1000, NULL, 'infinity');
ANALYZE ev_inf;
SELECT timeline.create_source('ev_inf', 'ev_inf', 'user_id', 'ts', 'id');
SELECT timeline.create_feature('n_inf', 'ev_inf', 'count');
SELECT timeline.create_feature_set('fs_inf', ARRAY['n_inf']);
SELECT timeline.create_training_set('inf_small', 'fs_inf', $$SELECT 3 AS user_id, '2024-01-08'::timestamptz AS t$$,
                                    'count(ev_inf)', '30 days', 'flag');
SELECT timeline.create_training_set('inf_big', 'fs_inf', $$SELECT u, '2024-01-08'::timestamptz FROM generate_series(0, 9) u$$,
                                    'count(ev_inf)', '30 days', 'flag');
UPDATE ev_inf SET ts = '-infinity' WHERE id = 1000;
SELECT timeline.create_training_set('inf_small', 'fs_inf', $$SELECT 3 AS user_id, '2024-01-08'::timestamptz AS t$$,
                                    'count(ev_inf)', '30 days', 'flag');
DELETE FROM ev_inf WHERE id = 1000;
SELECT timeline.create_training_set('inf_small', 'fs_inf', $$SELECT 3 AS user_id, '2024-01-08'::timestamptz AS t$$,
                                    'count(ev_inf)', '30 days', 'flag') AS finite_rows;
SELECT user_id, t, n_inf, label, label_complete FROM inf_small;

-- a spine's entities meet the set's with the set type's own equality and
-- under its collation, as the sources' GROUP BY groups them: citext in its
-- own schema, where a bare = under search_path pg_catalog was text's (by
-- citext's implicit cast), so the spine's 'X@A.ORG' met only the events
-- of that spelling (1000 where feature_timelines gives 1111, and
-- check_training_set recomputed 101 for the other row); a text spine is
-- read as citext.  Against a plain oracle grouping with citext's equality,
-- through the spine lookup and, after ANALYZE, the whole-source scan
CREATE SCHEMA tscit;
CREATE EXTENSION citext SCHEMA tscit;
CREATE TABLE tsc1 (who tscit.citext, ts timestamptz, v float8);
CREATE TABLE tsc2 (who tscit.citext, ts timestamptz, v float8);
INSERT INTO tsc1 VALUES ('x@a.org', '2024-01-01', 1), ('X@a.org', '2024-01-02', 10), ('x@a.org', '2024-01-03', 100),
                        ('X@A.ORG', '2024-01-02 12:00', 1000), ('aB', '2024-01-01', 3), ('x@a.org', '2024-01-05', 10000);
INSERT INTO tsc2 VALUES ('Ab', '2024-01-01', 5), ('X@A.org', '2024-01-01', 7);
SELECT timeline.create_source('tsc1', 'tsc1', 'who', 'ts'), timeline.create_source('tsc2', 'tsc2', 'who', 'ts');
SELECT timeline.create_feature('tsc1_sum', 'tsc1', 'sum', 'v'), timeline.create_feature('tsc2_sum', 'tsc2', 'sum', 'v');
SELECT timeline.create_feature_set('tscfs', ARRAY['tsc1_sum', 'tsc2_sum'], time_zone => 'UTC');
CREATE TABLE tsc_spine (who text, t timestamptz);
INSERT INTO tsc_spine VALUES ('X@A.ORG', '2024-01-04'), ('x@a.org', '2024-01-04'), ('ab', '2024-01-04'), ('nobody', '2024-01-04');
SELECT timeline.create_training_set('tsc_citext', 'tscfs', 'SELECT who::tscit.citext, t FROM tsc_spine', 'sum(tsc1, v)', '1 day');
SELECT timeline.create_training_set('tsc_text', 'tscfs', 'SELECT who, t FROM tsc_spine', 'sum(tsc1, v)', '1 day');
ANALYZE tsc1, tsc2;
SELECT timeline.create_training_set('tsc_whole', 'tscfs', 'SELECT who, t FROM tsc_spine', 'sum(tsc1, v)', '1 day');
SELECT * FROM tsc_citext;
WITH o1 AS (SELECT who, sum(v) AS s FROM tsc1 WHERE ts <= '2024-01-04' GROUP BY who),
     o2 AS (SELECT who, sum(v) AS s FROM tsc2 WHERE ts <= '2024-01-04' GROUP BY who),
     ol AS (SELECT who, sum(v) AS s FROM tsc1 WHERE ts > '2024-01-04' AND ts <= '2024-01-05' GROUP BY who),
     oracle AS (SELECT sp.who, o1.s AS tsc1_sum, o2.s AS tsc2_sum, ol.s AS label
                FROM tsc_spine sp
                LEFT JOIN o1 ON o1.who OPERATOR(tscit.=) sp.who::tscit.citext
                LEFT JOIN o2 ON o2.who OPERATOR(tscit.=) sp.who::tscit.citext
                LEFT JOIN ol ON ol.who OPERATOR(tscit.=) sp.who::tscit.citext)
SELECT x.tset, count(*) AS rows,
       count(*) FILTER (WHERE (x.who::text, x.tsc1_sum, x.tsc2_sum, x.label) IS DISTINCT FROM (o.who, o.tsc1_sum, o.tsc2_sum, o.label)) AS differences
FROM (SELECT 'tsc_citext' AS tset, * FROM tsc_citext UNION ALL SELECT 'tsc_text', * FROM tsc_text
      UNION ALL SELECT 'tsc_whole', * FROM tsc_whole) x
JOIN oracle o ON o.who = x.who::text
GROUP BY 1 ORDER BY 1;
SELECT t, (SELECT count(*) FROM timeline.check_training_set(t::regclass)) AS differences
FROM unnest(ARRAY['tsc_citext', 'tsc_text', 'tsc_whole']) t;
SELECT entity, timeline.value_at(a, '2024-01-04') AS tsc1_sum, timeline.value_at(b, '2024-01-04') AS tsc2_sum
FROM timeline.feature_timelines('tscfs') AS f(entity tscit.citext, a timeline.timeline, b timeline.timeline) ORDER BY 1;
-- a type whose = is not in pg_catalog and is no text (isn's ean13): its
-- spine was refused as not comparing with itself
CREATE EXTENSION isn SCHEMA tscit;
CREATE TABLE tse (item tscit.ean13, ts timestamptz, v float8);
INSERT INTO tse VALUES ('9780306406157', '2024-01-01', 1), ('9780306406157', '2024-01-02', 10), ('0123456789012', '2024-01-03', 100);
SELECT timeline.create_source('tse', 'tse', 'item', 'ts');
SELECT timeline.create_feature('tse_sum', 'tse', 'sum', 'v');
SELECT timeline.create_feature_set('tsefs', ARRAY['tse_sum'], time_zone => 'UTC');
SELECT timeline.create_training_set('tse_train', 'tsefs', $$SELECT '9780306406157'::tscit.ean13 AS item, '2024-01-04'::timestamptz AS t$$);
SELECT * FROM tse_train;
SELECT count(*) AS differences FROM timeline.check_training_set('tse_train');
-- a spine under a nondeterministic collation over case-sensitive entities
-- is compared under the set's collation: 'x' and 'X' are two entities
-- (the spine was grouped under its own: one of them took the other's
-- features, and check_training_set recomputed both spellings' events);
-- and a spine under another nondeterministic collation than the set's
-- (accents ignored too) under the set's, case-insensitive only
CREATE COLLATION tsci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
CREATE COLLATION tsai (provider = icu, locale = 'und-u-ks-level1', deterministic = false);
CREATE TABLE tsd (who text, ts timestamptz, v float8);
CREATE TABLE tsi (who text COLLATE tsci, ts timestamptz, v float8);
INSERT INTO tsd VALUES ('x', '2024-01-01', 1), ('X', '2024-01-01', 10), ('é', '2024-01-01', 100);
INSERT INTO tsi VALUES ('x', '2024-01-01', 1), ('X', '2024-01-01', 10), ('é', '2024-01-01', 100), ('É', '2024-01-01', 1000), ('e', '2024-01-01', 10000);
SELECT timeline.create_source('tsd', 'tsd', 'who', 'ts'), timeline.create_source('tsi', 'tsi', 'who', 'ts');
SELECT timeline.create_feature('tsd_sum', 'tsd', 'sum', 'v'), timeline.create_feature('tsi_sum', 'tsi', 'sum', 'v');
SELECT timeline.create_feature_set('tsdfs', ARRAY['tsd_sum'], time_zone => 'UTC');
SELECT timeline.create_feature_set('tsifs', ARRAY['tsi_sum'], time_zone => 'UTC');
CREATE TABLE tsd_spine (who text COLLATE tsai, t timestamptz);
INSERT INTO tsd_spine VALUES ('x', '2024-01-02'), ('X', '2024-01-02'), ('e', '2024-01-02'), ('É', '2024-01-02');
SELECT timeline.create_training_set('tsd_train', 'tsdfs', 'SELECT who, t FROM tsd_spine');
SELECT * FROM tsd_train;
SELECT count(*) AS differences FROM timeline.check_training_set('tsd_train');
SELECT timeline.create_training_set('tsi_train', 'tsifs', 'SELECT who, t FROM tsd_spine');
SELECT * FROM tsi_train;
SELECT count(*) AS differences FROM timeline.check_training_set('tsi_train');
SELECT entity, timeline.value_at(a, '2024-01-02') AS tsi_sum
FROM timeline.feature_timelines('tsifs') AS f(entity text, a timeline.timeline) ORDER BY entity COLLATE "C";
DROP TABLE tsc1, tsc2, tsc_spine, tsc_citext, tsc_text, tsc_whole, tse, tse_train, tsd, tsi, tsd_spine, tsd_train, tsi_train;
DROP SCHEMA tscit CASCADE;
DROP COLLATION tsci;
DROP COLLATION tsai;

-- a source retyped after the set exists is refused where a training set
-- is made or checked, as feature_timelines refuses it, and a label's
-- source must be of the set's kind of entity: a float8 entity column
-- matched the spine's bigint 9007199254740993 to the events of
-- ...992 (text failed with 42883 and the whole statement)
CREATE TABLE tsr4 (e int4, ts timestamptz, v float8);
CREATE TABLE tsr8 (e int8, ts timestamptz, v float8);
CREATE TABLE tsrf (e float8, ts timestamptz, v float8);
CREATE TABLE tsrn (e numeric, ts timestamptz, v float8);
INSERT INTO tsr4 VALUES (1, '2024-01-01', 1);
INSERT INTO tsr8 VALUES (1, '2024-01-01', 10), (9007199254740992, '2024-01-01', 20);
INSERT INTO tsrf VALUES (9007199254740992, '2024-01-02', 100);
INSERT INTO tsrn VALUES (9007199254740992.0, '2024-01-02', 1000), (1.5, '2024-01-02', 2000);
SELECT timeline.create_source(t, t, 'e', 'ts') FROM unnest(ARRAY['tsr4', 'tsr8', 'tsrf', 'tsrn']) t;
SELECT timeline.create_feature(t || '_sum', t, 'sum', 'v') FROM unnest(ARRAY['tsr4', 'tsr8']) t;
SELECT timeline.create_feature_set('tsrfs', ARRAY['tsr4_sum', 'tsr8_sum'], time_zone => 'UTC');
CREATE TABLE tsr_spine (e int8, t timestamptz);
INSERT INTO tsr_spine VALUES (1, '2024-01-01 12:00'), (9007199254740993, '2024-01-01 12:00'), (9007199254740992, '2024-01-01 12:00');
SELECT timeline.create_training_set('tsr_lab_f', 'tsrfs', 'SELECT e, t FROM tsr_spine', label => 'sum(tsrf, v)', horizon => '2 days');
-- a label's source of another type of the family joins exactly
SELECT timeline.create_training_set('tsr_lab_n', 'tsrfs', 'SELECT e, t FROM tsr_spine', label => 'sum(tsrn, v)', horizon => '2 days',
                                    incomplete_labels => 'flag');
SELECT * FROM tsr_lab_n ORDER BY e;
SELECT timeline.create_training_set('tsr_train', 'tsrfs', 'SELECT e, t FROM tsr_spine');
ALTER TABLE tsr8 ALTER COLUMN e TYPE float8;
SELECT timeline.create_training_set('tsr_train2', 'tsrfs', 'SELECT e, t FROM tsr_spine');
SELECT * FROM timeline.check_training_set('tsr_train');
ALTER TABLE tsr8 ALTER COLUMN e TYPE numeric USING e::int8;
SELECT count(*) AS differences FROM timeline.check_training_set('tsr_train');
DROP TABLE tsr4, tsr8, tsrf, tsrn, tsr_spine, tsr_lab_n, tsr_train;

-- leave the catalog empty for the next test
-- the SQL every reader of a feature uses: counts are 0, not NULL, where entity and time are known
SELECT timeline.zero_count_sql('count', 'g1.c1', 's.e IS NOT NULL') AS count_known,
       timeline.zero_count_sql('count_if', 'x.v') AS count_if_always,
       timeline.zero_count_sql('sum', 'g1.c2', 's.e IS NOT NULL') AS sum_stays;
DROP TABLE ev, ev2, ev3, spine, spine3, newest3, newest3b, leaky, train, train_login, train_flag, train_any, train_sum, train_feat, month_label, dst_label,
           month_feature_label, day_feature_label, ev_inf, inf_small;
DROP SCHEMA ml CASCADE;
TRUNCATE timeline.training_set_def, timeline.feature_set_member, timeline.feature_set_def,
         timeline.feature_def, timeline.source_def, timeline.materialization_def,
         timeline.materialization_source;
