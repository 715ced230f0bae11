-- features: sources, versioned feature definitions, feature sets, the
-- discovery views, and every error of their functions
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET IntervalStyle = 'postgres';
SET extra_float_digits = 0;
\pset null '~'
\set SHOW_CONTEXT never

CREATE TABLE ev (id bigint, user_id int, ts timestamptz, amount numeric, kind text, note text,
                 local_ts timestamp, label text);
INSERT INTO ev (id, user_id, ts, amount, kind) VALUES
    (1, 1, '2024-01-01', 10, 'buy'), (2, 1, '2024-01-03', 5, 'buy'),
    (3, 1, '2024-01-05', 7, 'login'), (4, 1, '2024-01-10', 20, 'buy'),
    (5, 2, '2024-01-02', 3, 'buy'), (6, 2, '2024-01-02', 4, 'buy'),
    (7, 2, '2024-01-04', NULL, 'buy');

-- sources: a notice recommends the (entity, time) index, or creates it
SELECT timeline.create_source('purchases', 'ev', 'user_id', 'ts', 'id');
SELECT timeline.create_source('purchases_ix', 'ev', 'user_id', 'ts', create_index => true);
SELECT indexdef FROM pg_indexes WHERE tablename = 'ev';
SELECT timeline.create_source('purchases_ix', 'ev', 'user_id', 'ts');   -- the same again: no-op
SELECT name, relation, entity_column, time_column, seq_column, features FROM timeline.sources ORDER BY name;

-- source errors
SELECT timeline.create_source('purchases', 'ev', 'id', 'ts');           -- redefined
SELECT timeline.create_source('1st', 'ev', 'user_id', 'ts');
SELECT timeline.create_source('a"; DROP TABLE ev; --', 'ev', 'user_id', 'ts');
SELECT timeline.create_source(NULL, 'ev', 'user_id', 'ts');
SELECT timeline.create_source('s', 'ev', NULL, 'ts');
SELECT timeline.create_source('s', 'ev', 'nope', 'ts');
SELECT timeline.create_source('s', 'ev', 'user_id', 'local_ts');
SELECT timeline.create_source('s', 'ev', 'user_id', 'ts', 'kind');
SELECT timeline.create_source('s', 'no_such_table', 'user_id', 'ts');
CREATE SEQUENCE ev_seq;
SELECT timeline.create_source('s', 'ev_seq', 'user_id', 'ts');
-- a temporary relation is not a source: the catalog outlives the session,
-- and a later session's temporary table of that name was read in its place
CREATE TEMP TABLE ev_temp (user_id int, ts timestamptz);
SELECT timeline.create_source('s', 'ev_temp', 'user_id', 'ts');
DROP TABLE ev_temp;
-- nor is an entity that cannot be grouped (box and json[] were registered,
-- and then no feature could be defined on them)
CREATE TABLE ev_box (b box, j json[], k json, pt point, ts timestamptz);
SELECT timeline.create_source('s', 'ev_box', 'b', 'ts');
SELECT timeline.create_source('s', 'ev_box', 'j', 'ts');
SELECT timeline.create_source('s', 'ev_box', 'k', 'ts');
SELECT timeline.create_source('s', 'ev_box', 'pt', 'ts');
DROP TABLE ev_box;

-- features: a changed definition is a new version, the same one is not
SELECT timeline.create_feature('spend', 'purchases', 'sum', 'amount', description => 'money spent');
SELECT timeline.create_feature('spend', 'purchases', 'sum', 'amount', description => 'money spent');
SELECT timeline.create_feature('spend', 'purchases', 'sum', 'amount', description => 'money spent, ever',
                               owner => 'growth team');
SELECT timeline.create_feature('spend_3d', 'purchases', 'SUM', 'amount', '3 days', $$kind = 'buy'$$);
SELECT timeline.create_feature('n_since_login', 'purchases', 'count', NULL, 'since(kind = ''login'')');
SELECT timeline.create_feature('n', 'purchases', 'count');
SELECT timeline.create_feature('buys', 'purchases', 'count_if', $$kind = 'buy'$$, 'lifetime');
SELECT timeline.create_feature('big', 'purchases', 'max', 'amount * 2  -- doubled', 'since(kind = ''login'')');
SELECT timeline.create_feature('last_amount', 'purchases', 'last', 'amount', '1 week');

SELECT name, version, is_current, source, aggregate, value_expression, "window", filter, description, owner
FROM timeline.feature_versions ORDER BY name, version;
SELECT name, current_version, versions, feature_sets FROM timeline.features ORDER BY name;
SELECT created_by = current_user AS attributed, created_at > now() - interval '1 hour' AS stamped
FROM timeline.feature_def WHERE name = 'spend' AND version = 2;

-- the SQL a feature compiles to: identifiers and literals quoted, each
-- expression spliced in parentheses and ended by a newline
SELECT timeline.feature_sql('spend');
SELECT timeline.feature_sql('spend@1') = timeline.feature_sql('spend') AS same_sql_for_v1;
SELECT timeline.feature_sql('spend_3d');
SELECT timeline.feature_sql('n_since_login');
SELECT timeline.feature_sql('big');

-- feature errors
SELECT timeline.create_feature('x', 'nope', 'sum', 'amount');
SELECT timeline.create_feature('x', 'purchases', 'median', 'amount');
SELECT timeline.create_feature('x', 'purchases', NULL, 'amount');
SELECT timeline.create_feature('x', 'purchases', 'sum');
SELECT timeline.create_feature('x', 'purchases', 'sum', 'kind');
-- a bare literal or NULL is text, as in a SELECT list
SELECT timeline.create_feature('x', 'purchases', 'sum', $$'1'$$);
SELECT timeline.create_feature('x', 'purchases', 'sum', 'NULL');
SELECT timeline.create_feature('x', 'purchases', 'sum', 'amount', filter => $$'true'$$);
-- the check itself takes tables, views and materialized views only
SELECT timeline.check_expression('ev_seq', '1', 'x');
SELECT timeline.create_feature('x', 'purchases', 'sum', 'nope');
SELECT timeline.create_feature('x', 'purchases', 'sum', 'amount', '-1 day');
SELECT timeline.create_feature('x', 'purchases', 'sum', 'amount', '0');
SELECT timeline.create_feature('x', 'purchases', 'sum', 'amount', 'weekly');
SELECT timeline.create_feature('x', 'purchases', 'sum', 'amount', 'since(kind)');
SELECT timeline.create_feature('x', 'purchases', 'sum', 'amount', filter => 'amount');
SELECT timeline.create_feature('bad name', 'purchases', 'sum', 'amount');
-- names of columns timeline adds beside the features, and names too long
-- for materialization's two-character prefixes (these broke
-- feature_timelines, materialize, verify and training sets later)
SELECT timeline.create_feature('entity', 'purchases', 'count');
SELECT timeline.create_feature('last_time', 'purchases', 'count');
SELECT timeline.create_feature('label', 'purchases', 'count');
SELECT timeline.create_feature('label_complete', 'purchases', 'count');
SELECT timeline.create_feature('timeline_rid', 'purchases', 'count');
SELECT timeline.create_feature(repeat('a', 62), 'purchases', 'count');
SELECT timeline.create_feature('Entity', 'purchases', 'count') AS mixed_case_is_another_column;
SELECT timeline.create_feature(repeat('a', 61), 'purchases', 'count') AS sixty_one_characters;
SELECT timeline.create_feature('x', 'purchases', 'sum', 'amount', filter => 'random() > 0.5');

-- injection attempts: each expression must be one row expression
SELECT timeline.create_feature('x', 'purchases', 'sum', 'amount); DROP TABLE ev; --');
SELECT timeline.create_feature('x', 'purchases', 'sum', 'amount; DROP TABLE ev');
SELECT timeline.create_feature('x', 'purchases', 'sum', 'amount;');
SELECT timeline.create_feature('x', 'purchases', 'sum', 'amount ; -- nothing after it');
SELECT timeline.create_feature('x', 'purchases', 'sum', 'amount FROM pg_authid');
SELECT timeline.create_feature('x', 'purchases', 'sum', 'amount UNION SELECT 1');
SELECT timeline.create_feature('x', 'purchases', 'sum', 'amount, id');
SELECT timeline.create_feature('x', 'purchases', 'sum', 'amount AS a');
SELECT timeline.create_feature('x', 'purchases', 'sum', 'amount a');
SELECT timeline.create_feature('x', 'purchases', 'sum', '*');
SELECT timeline.create_feature('x', 'purchases', 'sum', '');
SELECT timeline.create_feature('x', 'purchases', 'sum', 'amount /*');
SELECT timeline.create_feature('x', 'purchases', 'sum', '(SELECT max(amount) FROM ev)');
SELECT timeline.create_feature('x', 'purchases', 'sum', 'sum(amount)');
SELECT timeline.create_feature('x', 'purchases', 'sum', 'row_number() OVER ()');
SELECT timeline.create_feature('x', 'purchases', 'sum', 'generate_series(1, 2)');
SELECT timeline.create_feature('x', 'purchases', 'sum', 'amount', 'since(true) OR (SELECT true)');
SELECT timeline.create_feature('x', 'purchases', 'sum', 'amount', filter => $$kind = 'buy')) --$$);
SELECT count(*) AS ev_rows_still_there FROM ev;
SELECT count(*) AS no_feature_x FROM timeline.feature_def WHERE name = 'x';

-- check_expression on its own
SELECT timeline.check_expression('ev', 'amount * 2 + id');
SELECT timeline.check_expression('ev', 'src.kind = ''buy''');
SELECT timeline.check_expression('ev', 'now()');
SELECT timeline.check_expression('ev', 'clock_timestamp()', 'the test expression');
SELECT timeline.check_expression('ev', 'amount -- a comment at the end is fine');
-- the text starts the expression: SELECT ALL amount parses as SELECT
-- amount, so 'ALL amount' was taken here and failed only when compiled;
-- leading blanks, comments and a parenthesis still start one
SELECT timeline.check_expression('ev', 'ALL amount');
SELECT timeline.check_expression('ev', E'\n  /* doubled */ (amount) * 2');
-- a nonstandard escape in its first token is warned of once, not again
-- by the scan that finds where the expression starts
SET standard_conforming_strings = off;
SELECT timeline.check_expression('ev', $$'a\\b' IS NOT NULL$$);
RESET standard_conforming_strings;

-- windows that are equal intervals but not the same window ('1 mon' is
-- '30 days' to interval comparison) are different definitions: new versions
SELECT timeline.create_feature('w', 'purchases', 'count', NULL, '30 days') AS v30d,
       timeline.create_feature('w', 'purchases', 'count', NULL, '1 mon') AS v1mon,
       timeline.create_feature('w', 'purchases', 'count', NULL, '720 hours') AS v720h,
       timeline.create_feature('w', 'purchases', 'count', NULL, '720:00:00') AS v720h_again;
SELECT version, "window" FROM timeline.feature_versions WHERE name = 'w' ORDER BY version;
DELETE FROM timeline.feature_def WHERE name = 'w';

-- feature sets pin versions; a bare name is the current version
SELECT timeline.create_feature_set('fs', ARRAY['spend@1', 'spend_3d', 'n_since_login', 'n']);
SELECT timeline.create_feature_set('fs', ARRAY['spend@1', 'spend_3d', 'n_since_login', 'n']);
SELECT name, features, sources, column_definitions FROM timeline.feature_sets;
SELECT name, current_version, feature_sets FROM timeline.features WHERE name IN ('spend', 'n');
SELECT * FROM timeline.feature_set_members('fs');

-- feature set errors
SELECT timeline.create_feature_set('fs', ARRAY['spend']);
SELECT timeline.create_feature_set('fs2', ARRAY[]::text[]);
SELECT timeline.create_feature_set('fs2', NULL);
SELECT timeline.create_feature_set('fs2', ARRAY['spend', NULL]);
SELECT timeline.create_feature_set('fs2', ARRAY['spend', 'spend@1']);
SELECT timeline.create_feature_set('fs2', ARRAY['nope']);
SELECT timeline.create_feature_set('fs2', ARRAY['spend@9']);
SELECT timeline.create_feature_set('fs2', ARRAY['spend@x']);
SELECT timeline.create_feature_set('fs 2', ARRAY['spend']);
-- a feature set's time zone: by default the creator's session's (UTC
-- here); an unknown zone is refused; the same features in another zone
-- under the same name are another set (refused)
SELECT timeline.create_feature_set('fs2', ARRAY['spend'], time_zone => 'Mars/Olympus_Mons');
SELECT timeline.create_feature_set('fs', ARRAY['spend@1', 'spend_3d', 'n_since_login', 'n'], time_zone => 'Europe/Paris');
BEGIN;
SELECT timeline.create_feature_set('fs_paris', ARRAY['spend'], time_zone => 'Europe/Paris');
SHOW TimeZone;   -- still the session's
COMMIT;
SELECT timeline.create_feature_set('fs_paris', ARRAY['spend'], time_zone => 'Europe/Paris');
-- stored as TimeZone spells it: '+03' is ISO (east), kept as '<+03>-03';
-- an abbreviation, which TimeZone refuses, is refused
SELECT timeline.create_feature_set('fs_plus3', ARRAY['spend'], time_zone => '+03');
SELECT timeline.create_feature_set('fs2', ARRAY['spend'], time_zone => 'PST');
SELECT name, time_zone FROM timeline.feature_sets ORDER BY name;
SELECT * FROM timeline.feature_set_members('nope');

-- one row per entity, one timeline per feature
SELECT entity, timeline.num_points(spend) AS spend_points, timeline.value_at(spend, '2024-01-06') AS spend_0106,
       timeline.value_at(spend_3d, '2024-01-06') AS spend_3d_0106,
       timeline.value_at(n_since_login, '2024-01-10') AS n_since_login_0110,
       timeline.value_at(n, '2024-01-03') AS n_0103
FROM timeline.feature_timelines('fs')
     AS f(entity int, spend timeline.timeline, spend_3d timeline.timeline,
          n_since_login timeline.timeline, n timeline.timeline)
ORDER BY entity;
SELECT * FROM timeline.feature_timelines('fs') AS f(entity int, spend timeline.timeline);
SELECT timeline.feature_set_sql('fs');

-- a feature set over two sources: one scan of each, joined on the entity
CREATE TABLE logins (uid int, at timestamptz);
INSERT INTO logins VALUES (1, '2024-01-02'), (3, '2024-01-03'), (3, '2024-01-04');
SELECT timeline.create_source('logins', 'logins', 'uid', 'at');
SELECT timeline.create_feature('login_count', 'logins', 'count');
SELECT timeline.create_feature_set('two_sources', ARRAY['n', 'login_count']);
SELECT entity, timeline.value_at(n, 'infinity') AS n, timeline.value_at(login_count, 'infinity') AS login_count
FROM timeline.feature_timelines('two_sources') AS f(entity int, n timeline.timeline, login_count timeline.timeline)
ORDER BY entity;
-- rows without an entity belong to none: no row for them
INSERT INTO logins VALUES (NULL, '2024-01-05');
SELECT count(*) AS rows, count(entity) AS with_entity
FROM timeline.feature_timelines('two_sources') AS f(entity int, n timeline.timeline, login_count timeline.timeline);
DELETE FROM logins WHERE uid IS NULL;
-- sources joined on entities of different types: the column has the type
-- the join gives them (int4 and int8: int8), as column_definitions says;
-- entities without a common type (int4 and text) are refused
CREATE TABLE logins8 (uid int8, at timestamptz);
INSERT INTO logins8 VALUES (1, '2024-01-02'), (4, '2024-01-03');
SELECT timeline.create_source('logins8', 'logins8', 'uid', 'at');
SELECT timeline.create_feature('login8_count', 'logins8', 'count');
SELECT timeline.create_feature_set('int4_int8', ARRAY['n', 'login8_count']);
SELECT column_definitions FROM timeline.feature_sets WHERE name = 'int4_int8';
SELECT entity, pg_typeof(entity), timeline.value_at(login8_count, 'infinity') AS login8_count
FROM timeline.feature_timelines('int4_int8') AS f(entity int8, n timeline.timeline, login8_count timeline.timeline)
ORDER BY entity;
CREATE TABLE logins_t (uid text, at timestamptz);
SELECT timeline.create_source('logins_t', 'logins_t', 'uid', 'at');
SELECT timeline.create_feature('login_t_count', 'logins_t', 'count');
SELECT timeline.create_feature_set('int4_text', ARRAY['n', 'login_t_count']);
SELECT count(*) AS no_set FROM timeline.feature_set_def WHERE name = 'int4_text';

-- the catalog's rows are stamped by the trigger: a direct INSERT cannot
-- forge who made it, and nobody but the owner may change or delete rows
CREATE ROLE regress_timeline_analyst;
GRANT SELECT ON ev TO regress_timeline_analyst;
CREATE ROLE regress_timeline_other;
GRANT SELECT ON ev TO regress_timeline_other;
SET ROLE regress_timeline_other;
SELECT timeline.create_feature('other_feature', 'purchases', 'sum', 'amount');
RESET ROLE;
SET ROLE regress_timeline_analyst;
INSERT INTO timeline.feature_def (name, version, source, aggregate, value_expression, window_kind,
                                  created_at, created_by)
VALUES ('forged', 1, 'purchases', 'sum', 'amount', 'lifetime', '2000-01-01', 'someone_else');
SELECT created_by, created_at > '2000-01-02' AS stamped_now FROM timeline.feature_def WHERE name = 'forged';
UPDATE timeline.feature_def SET owner = 'me' WHERE name = 'spend';
DELETE FROM timeline.feature_def WHERE name = 'forged';
SELECT timeline.create_feature('analyst_feature', 'purchases', 'mean', 'amount');
-- a feature's later versions are added only by the role that defined its
-- first one (or a member of it): readers of the bare name get the latest,
-- so another role's version could change what they compute
SELECT timeline.create_feature('other_feature', 'purchases', 'sum', 'amount * 100');
INSERT INTO timeline.feature_def (name, version, source, aggregate, value_expression, window_kind)
VALUES ('spend', 99, 'purchases', 'sum', 'amount * 100', 'lifetime');
-- the same definition again still answers with its version, as for anyone
SELECT timeline.create_feature('spend', 'purchases', 'sum', 'amount', description => 'money spent, ever',
                               owner => 'growth team');
-- the analyst's own feature takes new versions
SELECT timeline.create_feature('analyst_feature', 'purchases', 'max', 'amount');
-- feature sets do not change: no member may be added to an existing set,
-- not even by its maker
INSERT INTO timeline.feature_set_member (feature_set, position, feature, version)
VALUES ('fs', 99, 'analyst_feature', 1);
SELECT timeline.create_feature_set('analyst_set', ARRAY['analyst_feature', 'spend']);
INSERT INTO timeline.feature_set_member (feature_set, position, feature, version)
VALUES ('analyst_set', 3, 'n', 1);
RESET ROLE;
-- a member of the role that owns a feature name adds versions too
CREATE ROLE regress_timeline_analyst2 IN ROLE regress_timeline_analyst;
GRANT SELECT ON ev TO regress_timeline_analyst2;
SET ROLE regress_timeline_analyst2;
SELECT timeline.create_feature('analyst_feature', 'purchases', 'min', 'amount');
RESET ROLE;
SELECT f.feature, f.version, CASE WHEN d.created_by = current_user THEN 'me' ELSE d.created_by END AS created_by
FROM timeline.feature_set_member f
JOIN timeline.feature_def d ON d.name = f.feature AND d.version = f.version
WHERE f.feature_set = 'analyst_set' ORDER BY f.position;
SELECT name, version, aggregate, CASE WHEN created_by = current_user THEN 'me' ELSE created_by END AS created_by
FROM timeline.feature_def WHERE name IN ('spend', 'analyst_feature', 'other_feature') ORDER BY name, version;
-- training-set records: only their maker, or the owner of their table, may
-- delete one (anyone could), and one may only be added for an existing
-- table of the adder's (forged records could be added for anyone's, and,
-- found by a helper's security review, for a name nobody had taken yet,
-- describing whatever table someone later created there)
CREATE TABLE someone_ts (user_id int, ts timestamptz);
INSERT INTO timeline.training_set_def (target_schema, target_name, feature_set, spine, entity_column,
                                       time_column, incomplete_labels)
VALUES (current_schema, 'someone_ts', 'fs', 'sp', 'user_id', 'ts', 'keep');
SET ROLE regress_timeline_analyst;
DELETE FROM timeline.training_set_def WHERE target_name = 'someone_ts';
INSERT INTO timeline.training_set_def (target_schema, target_name, feature_set, spine, entity_column,
                                       time_column, incomplete_labels)
VALUES (current_schema, 'ev', 'fs', 'sp', 'user_id', 'ts', 'keep');
INSERT INTO timeline.training_set_def (target_schema, target_name, feature_set, spine, entity_column,
                                       time_column, incomplete_labels)
VALUES (current_schema, 'no_such_table', 'fs', 'sp', 'user_id', 'ts', 'keep');
DELETE FROM timeline.training_set_def WHERE target_name = 'no_such_table';
RESET ROLE;
SELECT target_name, created_by = current_user AS by_me FROM timeline.training_set_def ORDER BY 1;
DROP TABLE someone_ts;
SET ROLE regress_timeline_analyst;
DELETE FROM timeline.training_set_def WHERE target_name = 'someone_ts';
RESET ROLE;
SELECT count(*) AS records_left FROM timeline.training_set_def;
SELECT name, version, created_by FROM timeline.feature_def WHERE created_by <> current_user ORDER BY name;

-- features run with the caller's rights: no SELECT on the source, no values
REVOKE SELECT ON ev FROM regress_timeline_analyst;
SET ROLE regress_timeline_analyst;
SELECT count(*) FROM timeline.feature_timelines('fs')
     AS f(entity int, spend timeline.timeline, spend_3d timeline.timeline,
          n_since_login timeline.timeline, n timeline.timeline);
SELECT timeline.create_source('mine', 'ev', 'user_id', 'ts');
RESET ROLE;
-- SELECT on the columns a source names is enough to register it (it was
-- the whole table's): the entity and time, and the seq when one is given
GRANT SELECT (user_id, ts) ON ev TO regress_timeline_analyst;
SET ROLE regress_timeline_analyst;
SELECT timeline.create_source('mine', 'ev', 'user_id', 'ts', 'id');
SELECT timeline.create_source('mine', 'ev', 'user_id', 'ts');
SELECT timeline.create_feature('mine_n', 'mine', 'count');
SELECT timeline.create_feature_set('mine_fs', ARRAY['mine_n']);
SELECT entity, timeline.num_points(n) FROM timeline.feature_timelines('mine_fs') AS f(entity int, n timeline.timeline)
 ORDER BY entity;
SELECT timeline.create_feature('mine_sum', 'mine', 'sum', 'amount');
RESET ROLE;
-- a source in a schema the reader may not use: the catalog still shows
-- its features' SQL (it said "cannot compile: permission denied for schema")
CREATE SCHEMA hidden;
CREATE TABLE hidden.ev2 (e int, t timestamptz, v float8);
SELECT timeline.create_source('hidden', 'hidden.ev2', 'e', 't');
SELECT timeline.create_feature('hidden_sum', 'hidden', 'sum', 'v');
SET ROLE regress_timeline_analyst;
SELECT name, sql FROM timeline.features WHERE name = 'hidden_sum';
SELECT timeline.feature_sql('hidden_sum') = sql AS same_sql FROM timeline.features WHERE name = 'hidden_sum';
RESET ROLE;
DROP TABLE hidden.ev2;
DROP SCHEMA hidden;

-- a source whose relation is gone gives a clear error everywhere
CREATE TABLE tmp_events (e int, t timestamptz, v float8);
SELECT timeline.create_source('tmp', 'tmp_events', 'e', 't');
SELECT timeline.create_feature('tmp_sum', 'tmp', 'sum', 'v');
DROP TABLE tmp_events;
SELECT timeline.feature_sql('tmp_sum');
SELECT name, sql FROM timeline.features WHERE name = 'tmp_sum';

-- a source's table changed after it was registered: a time column no longer
-- timestamptz or a seq column no longer an integer is refused whenever a
-- feature is compiled (they were read in the session's zone, or cast and
-- rounded to int8); a feature set over a table or an entity column that is
-- gone says so (it said the entities' types did not match)
CREATE TABLE chg_events (e int, t timestamptz, s bigint);
INSERT INTO chg_events VALUES (1, '2024-01-01', 1), (1, '2024-01-02', 2);
SELECT timeline.create_source('chg', 'chg_events', 'e', 't', 's');
SELECT timeline.create_feature('chg_n', 'chg', 'count');
SELECT timeline.create_feature_set('chg_set', ARRAY['chg_n']);
ALTER TABLE chg_events ALTER COLUMN t TYPE timestamp;
SELECT * FROM timeline.feature_timelines('chg_set') AS f(entity int, chg_n timeline.timeline);
SELECT timeline.create_feature('chg_n2', 'chg', 'count');
SELECT name, sql FROM timeline.features WHERE name = 'chg_n';
ALTER TABLE chg_events ALTER COLUMN t TYPE timestamptz(3);
SELECT * FROM timeline.feature_timelines('chg_set') AS f(entity int, chg_n timeline.timeline);
ALTER TABLE chg_events ALTER COLUMN s TYPE numeric;
SELECT timeline.feature_sql('chg_n');
ALTER TABLE chg_events ALTER COLUMN s TYPE int;
SELECT * FROM timeline.feature_timelines('chg_set') AS f(entity int, chg_n timeline.timeline);
ALTER TABLE chg_events RENAME COLUMN e TO e2;
SELECT timeline.create_feature_set('chg_set2', ARRAY['chg_n']);
ALTER TABLE chg_events RENAME TO chg_events_old;
SELECT timeline.create_feature_set('chg_set2', ARRAY['chg_n']);
DROP TABLE chg_events_old;

-- windows, feature names and labels read the same under
-- standard_conforming_strings = off (in a new session, since plpgsql keeps
-- the plans it made): since (...) with a space gave a predicate in extra
-- parentheses, names such as timelineXfoo were refused like timeline_x,
-- and every label agg(source) was refused as an invalid feature reference
\c -
SET standard_conforming_strings = off;
SET escape_string_warning = off;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET IntervalStyle = 'postgres';
SET extra_float_digits = 0;
SELECT * FROM timeline.parse_window('since (kind = ''login'')');
SELECT timeline.create_feature('timelineXfoo', 'purchases', 'count');
SELECT timeline.create_training_set('scs_off_ts', 'fs', 'SELECT user_id, ts FROM ev ORDER BY id',
                                    label => 'count(purchases)', horizon => '3 days');
SELECT user_id, ts, label FROM scs_off_ts;
DROP TABLE scs_off_ts;
-- materialization's work tables are the current role's (their names
-- lost the role and type: the pattern read \. as . and \1 as a character)
SELECT timeline.work_sql('SELECT * FROM pg_temp.timeline_changes', 'int4')
       = format('SELECT * FROM pg_temp.timeline_changes_%s_%s', current_user::regrole::oid, 'int4'::regtype::oid)
       AS work_tables_renamed;
RESET standard_conforming_strings;
RESET escape_string_warning;

DROP TABLE logins, logins8, logins_t;
DROP OWNED BY regress_timeline_analyst, regress_timeline_analyst2, regress_timeline_other;
DROP ROLE regress_timeline_analyst2;
DROP ROLE regress_timeline_other;
DROP ROLE regress_timeline_analyst;

-- leave the catalog empty for the next test
DROP TABLE ev;
DROP SEQUENCE ev_seq;
TRUNCATE timeline.training_set_def, timeline.feature_set_member, timeline.feature_set_def,
         timeline.feature_def, timeline.source_def, timeline.materialization_def,
         timeline.materialization_source;
