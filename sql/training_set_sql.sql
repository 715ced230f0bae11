-- training_set_sql: the SQL that create_training_set and check_training_set
-- build, against a session's DateStyle, label conditions and temporary
-- tables (not in the valgrind subset: no C code of its own)
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET IntervalStyle = 'postgres';
SET extra_float_digits = 0;
\pset null '~'
\set SHOW_CONTEXT never

-- the newest event reaches the label's completeness test whatever the
-- session's DateStyle: 'SQL' wrote it with the feature set's zone as an
-- abbreviation (IST, read back as Israel's +02), 3.5 hours later, and the
-- row below (its window ends at 12:00, after the newest event at 10:00)
-- was called complete, and kept by 'exclude'
CREATE TABLE evds (uid int, ts timestamptz);
INSERT INTO evds VALUES (1, '2024-01-01 00:00+00'), (1, '2024-01-20 10:00+00');
SELECT timeline.create_source('sds', 'evds', 'uid', 'ts');
SELECT timeline.create_feature('nds', 'sds', 'count');
SELECT timeline.create_feature_set('fsds', ARRAY['nds'], time_zone => 'Asia/Kolkata');
SET DateStyle = 'SQL, DMY';
SELECT timeline.create_training_set('tds_flag', 'fsds', $$SELECT 1 AS uid, '2024-01-19 12:00+00'::timestamptz AS t$$,
                                    label => 'count(sds)', horizon => '1 day', incomplete_labels => 'flag');
SELECT timeline.create_training_set('tds_exclude', 'fsds', $$SELECT 1 AS uid, '2024-01-19 12:00+00'::timestamptz AS t$$,
                                    label => 'count(sds)', horizon => '1 day');
SET DateStyle = 'ISO, YMD';
SELECT label, label_complete FROM tds_flag;
SELECT count(*) AS kept FROM tds_exclude;
-- any(source, condition): whether some event of the window meets the
-- condition (it was read as a count of the events with a non-NULL value,
-- so user 1 was true); any(source) is whether there is an event at all
CREATE TABLE evany (uid int, ts timestamptz, amount numeric);
INSERT INTO evany VALUES (1, '2024-01-01', 5), (1, '2024-01-10', 7), (1, '2024-01-11', NULL),
                         (1, '2024-03-01', 1), (2, '2024-01-05', 2000);
SELECT timeline.create_source('sany', 'evany', 'uid', 'ts');
SELECT timeline.create_feature('nany', 'sany', 'count');
SELECT timeline.create_feature_set('fsany', ARRAY['nany'], time_zone => 'UTC');
SELECT timeline.create_training_set('tany', 'fsany',
    $$SELECT * FROM (VALUES (1, '2024-01-02'::timestamptz), (2, '2024-01-02'), (3, '2024-01-02')) v(uid, t)$$,
    label => 'any(sany, amount > 1000)', horizon => '30 days');
SELECT timeline.create_training_set('tany_rows', 'fsany',
    $$SELECT * FROM (VALUES (1, '2024-01-02'::timestamptz), (2, '2024-01-02'), (3, '2024-01-02')) v(uid, t)$$,
    label => 'any(sany)', horizon => '30 days');
SELECT a.uid, a.label AS big_purchase, r.label AS any_purchase
FROM tany a JOIN tany_rows r USING (uid) ORDER BY 1;
SELECT count(*) AS differences FROM timeline.check_training_set('tany');
-- a temporary table of the user's named like a work table is refused with
-- 42P07 and kept (it was dropped, rows and all)
CREATE TEMP TABLE timeline_check (keep int);
INSERT INTO timeline_check VALUES (42);
SELECT count(*) FROM timeline.check_training_set('tany');
CREATE TEMP TABLE timeline_spine (keep int);
SELECT timeline.create_training_set('tany2', 'fsany', $$SELECT 1 AS uid, '2024-01-02'::timestamptz AS t$$);
SELECT (SELECT keep FROM pg_temp.timeline_check) AS check_kept, to_regclass('pg_temp.timeline_spine') IS NOT NULL AS spine_kept;
DROP TABLE pg_temp.timeline_check, pg_temp.timeline_spine;
-- a training set made in pg_temp is recorded under the session's real
-- temporary schema, so check_training_set finds it (42704 before)
SELECT timeline.create_training_set('pg_temp.tany_tmp', 'fsany', $$SELECT 1 AS uid, '2024-01-02'::timestamptz AS t$$);
SELECT count(*) AS differences FROM timeline.check_training_set('pg_temp.tany_tmp');
SELECT count(*) AS recorded FROM timeline.training_set_def
WHERE target_schema = (SELECT nspname FROM pg_namespace WHERE oid = pg_my_temp_schema()) AND target_name = 'tany_tmp';
DROP TABLE pg_temp.tany_tmp;
DELETE FROM timeline.training_set_def WHERE target_name = 'tany_tmp';  -- its table gone, anyone may

-- leave the catalog empty for the next test
DROP TABLE evds, evany, tds_flag, tds_exclude, tany, tany_rows;
TRUNCATE timeline.training_set_def, timeline.feature_set_member, timeline.feature_set_def,
         timeline.feature_def, timeline.source_def, timeline.materialization_def,
         timeline.materialization_source;
