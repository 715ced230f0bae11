-- materialize_tables: the tables of materialized sources.  Partitions and
-- child tables carry the capture triggers and are followed by refresh,
-- by immediate-mode writers and, in immediate mode, by the DDL itself
-- (event triggers); DDL that would break a materialization is refused.
-- All PL/pgSQL: kept apart from materialize, which test/valgrind.sh runs.
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET extra_float_digits = 0;
\pset null '~'
\set SHOW_CONTEXT never

-- a partitioned source: a statement trigger fires only for the table the
-- statement names, so every partition carries the capture triggers, and
-- refresh follows partitions created, attached, detached or dropped since
-- (writes naming a partition were missed, with a warning)
CREATE TABLE mpart (id bigint, uid int, ts timestamptz, amount float8) PARTITION BY RANGE (ts);
CREATE TABLE mpart_h1 PARTITION OF mpart FOR VALUES FROM ('2024-01-01') TO ('2024-07-01');
CREATE TABLE mpart_h2 PARTITION OF mpart FOR VALUES FROM ('2024-07-01') TO ('2025-01-01');
INSERT INTO mpart VALUES (1, 1, '2024-02-01', 10), (2, 2, '2024-08-01', 20);
SELECT timeline.create_source('mpart', 'mpart', 'uid', 'ts', 'id', create_index => true);
SELECT timeline.create_feature('mpart_sum', 'mpart', 'sum', 'amount');
SELECT timeline.create_feature('mpart_n', 'mpart', 'count');
SELECT timeline.create_feature_set('mpfs', ARRAY['mpart_sum', 'mpart_n']);
SELECT timeline.materialize('mpfs');
SELECT c.relname, count(*) AS triggers FROM pg_trigger tg JOIN pg_class c ON c.oid = tg.tgrelid
WHERE tg.tgname LIKE 'timeline%' GROUP BY 1 ORDER BY 1;
INSERT INTO mpart VALUES (3, 1, '2024-05-01', 1);
SELECT timeline.refresh('mpfs') AS through_the_parent;
-- writes, updates, deletes and TRUNCATE naming a partition
INSERT INTO mpart_h1 VALUES (4, 1, '2024-06-01', 100);
SELECT timeline.refresh('mpfs') AS insert_into_a_partition;
UPDATE mpart_h2 SET amount = 25 WHERE uid = 2;
DELETE FROM mpart_h1 WHERE id = 3;
SELECT timeline.refresh('mpfs') AS update_and_delete_in_partitions;
SELECT timeline.as_of('mpfs', 1, '2024-12-31'), timeline.as_of('mpfs', 2, '2024-12-31');
SELECT count(*) AS differ FROM timeline.verify('mpfs');
-- a partition created since, written to directly before the refresh
CREATE TABLE mpart_2025 PARTITION OF mpart FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
INSERT INTO mpart_2025 VALUES (5, 3, '2025-01-05', 7);
SELECT timeline.refresh('mpfs') AS new_partition;
SELECT timeline.as_of('mpfs', 3, '2025-02-01');
INSERT INTO mpart_2025 VALUES (6, 3, '2025-01-06', 8);
SELECT timeline.refresh('mpfs') AS captured_there_now;
-- a table attached with rows of its own, and later detached: its entities
-- are rebuilt, and writes to it once detached still run (they failed)
CREATE TABLE mpart_2023 (LIKE mpart);
INSERT INTO mpart_2023 VALUES (7, 1, '2023-03-01', 1000), (8, 4, '2023-04-01', 50);
ALTER TABLE mpart ATTACH PARTITION mpart_2023 FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
SELECT timeline.refresh('mpfs') AS attached;
SELECT timeline.as_of('mpfs', 1, '2024-12-31') AS with_2023, timeline.as_of('mpfs', 4, '2024-12-31');
SELECT count(*) AS differ FROM timeline.verify('mpfs');
ALTER TABLE mpart DETACH PARTITION mpart_2023;
INSERT INTO mpart_2023 VALUES (9, 1, '2023-05-01', 1);
SELECT timeline.refresh('mpfs') AS detached;
SELECT timeline.as_of('mpfs', 1, '2024-12-31') AS without_2023, timeline.as_of('mpfs', 4, '2024-12-31');
SELECT count(*) AS triggers_left_on_the_detached_table FROM pg_trigger
WHERE tgrelid = 'mpart_2023'::regclass AND tgname LIKE 'timeline%';
-- a partition dropped with its rows: everything is rebuilt
DROP TABLE mpart_2025;
SELECT timeline.refresh('mpfs') AS dropped;
SELECT timeline.as_of('mpfs', 3, '2025-02-01') AS gone;
TRUNCATE mpart_h2;
SELECT timeline.refresh('mpfs') AS truncated_partition;
SELECT entity, mpart_sum, mpart_n FROM timeline_state.mpfs ORDER BY entity;
SELECT count(*) AS differ FROM timeline.verify('mpfs');
SELECT timeline.drop_materialization('mpfs');
SELECT count(*) AS triggers_left FROM pg_trigger
WHERE tgname LIKE 'timeline%' AND tgrelid IN (SELECT timeline.source_tables('mpart') UNION SELECT 'mpart_2023'::regclass);
-- immediate: a write naming a partition updates the state at once, and a
-- child table of an inherited source is captured the same way
SELECT timeline.materialize('mpfs', 'immediate');
INSERT INTO mpart_h1 VALUES (10, 5, '2024-03-01', 3);
SELECT timeline.current('mpfs', 5) AS written_to_a_partition;
-- partition maintenance reaches the state at once (event triggers): a
-- partition created and written to directly, a table attached with rows
-- of its own, a partition detached, one dropped (each was seen only by the
-- next write through the source's tables or the next refresh)
CREATE TABLE mpart_2026 PARTITION OF mpart FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
INSERT INTO mpart_2026 VALUES (11, 5, '2026-01-02', 10);
SELECT timeline.current('mpfs', 5) AS with_2026;
CREATE TABLE mpart_2028 (LIKE mpart);
INSERT INTO mpart_2028 VALUES (16, 5, '2028-01-01', 20000), (17, 7, '2028-01-01', 7);
ALTER TABLE mpart ATTACH PARTITION mpart_2028 FOR VALUES FROM ('2028-01-01') TO ('2029-01-01');
SELECT timeline.current('mpfs', 5) AS with_2028, timeline.current('mpfs', 7) AS new_entity;
ALTER TABLE mpart DETACH PARTITION mpart_2028;
SELECT timeline.current('mpfs', 5) AS without_2028, timeline.current('mpfs', 7) AS gone_entity;
SELECT count(*) AS differ FROM timeline.verify('mpfs');
DROP TABLE mpart_2026;
SELECT timeline.current('mpfs', 5) AS without_2026;
SELECT count(*) AS differ FROM timeline.verify('mpfs');
SELECT timeline.refresh('mpfs') AS nothing_left_to_follow;
DROP TABLE mpart_2028;
-- a partition made by CREATE SCHEMA ... CREATE TABLE (it was not followed)
CREATE SCHEMA mpart_s CREATE TABLE mpart_2029 PARTITION OF public.mpart FOR VALUES FROM ('2029-01-01') TO ('2030-01-01');
INSERT INTO mpart_s.mpart_2029 VALUES (18, 5, '2029-01-01', 50);
SELECT timeline.current('mpfs', 5) AS made_by_create_schema;
DROP SCHEMA mpart_s CASCADE;
SELECT count(*) AS differ FROM timeline.verify('mpfs');
-- DDL that does not follow (event triggers disabled here; so it is for
-- DDL run without the right to, below, or kept waiting by a writer):
-- a partition created, read through the parent and dropped between two
-- refreshes: the writer put the triggers on it before the state read it,
-- so the drop is seen (its rows stayed in the state; found by a helper's
-- bug hunt)
ALTER EVENT TRIGGER timeline_follow_tables DISABLE;
ALTER EVENT TRIGGER timeline_follow_dropped_tables DISABLE;
CREATE TABLE mpart_2026 PARTITION OF mpart FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
INSERT INTO mpart VALUES (11, 5, '2026-01-02', 10);
SELECT timeline.current('mpfs', 5) AS with_2026;
DROP TABLE mpart_2026;
SELECT timeline.refresh('mpfs') AS after_the_drop;
SELECT timeline.current('mpfs', 5) AS without_2026;
SELECT count(*) AS differ FROM timeline.verify('mpfs');
-- a table detached, written to, and attached again before anything
-- followed the partitions: the write waits in the log for the refresh,
-- which reads the table back (applied at once, it was lost; found by a
-- helper's bug hunt)
ALTER TABLE mpart DETACH PARTITION mpart_h1;
INSERT INTO mpart_h1 VALUES (12, 5, '2024-03-02', 1000);
ALTER TABLE mpart ATTACH PARTITION mpart_h1 FOR VALUES FROM ('2024-01-01') TO ('2024-07-01');
SELECT timeline.refresh('mpfs') AS reattached;
SELECT timeline.current('mpfs', 5) AS with_the_detached_write;
SELECT count(*) AS differ FROM timeline.verify('mpfs');
DELETE FROM mpart WHERE id = 12;
ALTER EVENT TRIGGER timeline_follow_tables ENABLE;
ALTER EVENT TRIGGER timeline_follow_dropped_tables ENABLE;
-- the owner of the tables, not of the materialization, creates a
-- partition: its DDL cannot follow and warns; a writer who may add the
-- triggers but not change the materialization stops (42501) before the
-- state reads the new partition: it went on, and the materialization's
-- count of tables stayed behind, so a partition dropped later went unseen;
-- once the owner's refresh followed, it writes, in a session whose work
-- tables another role created (it failed with permission denied for table
-- timeline_changes)
CREATE ROLE regress_timeline_writer;
GRANT CREATE ON SCHEMA public TO regress_timeline_writer;
ALTER TABLE mpart OWNER TO regress_timeline_writer;
DO $$
BEGIN
    EXECUTE (SELECT format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO regress_timeline_writer', state_table)
             FROM timeline.materializations WHERE feature_set = 'mpfs');
END
$$;
SET ROLE regress_timeline_writer;
CREATE TABLE mpart_2027 PARTITION OF mpart FOR VALUES FROM ('2027-01-01') TO ('2028-01-01');
INSERT INTO mpart VALUES (13, 5, '2024-04-01', 1);
-- meanwhile DDL of theirs on other tables is not warned about (it was)
CREATE TABLE mpart_unrelated (x int);
DROP TABLE mpart_unrelated;
RESET ROLE;
SELECT count(*) AS triggers_on_2027 FROM pg_trigger WHERE tgrelid = 'mpart_2027'::regclass;
SELECT timeline.refresh('mpfs') AS the_owner_follows;
SET ROLE regress_timeline_writer;
INSERT INTO mpart VALUES (13, 5, '2024-04-01', 1);
RESET ROLE;
SELECT timeline.current('mpfs', 5) AS written_by_the_writer;
-- and one transaction writing as both roles: a set of work tables each
BEGIN;
INSERT INTO mpart VALUES (14, 5, '2024-04-02', 2);
SET LOCAL ROLE regress_timeline_writer;
INSERT INTO mpart VALUES (15, 5, '2024-04-03', 4);
COMMIT;
SELECT timeline.current('mpfs', 5) AS written_by_both;
DELETE FROM mpart WHERE id IN (13, 14, 15);
DROP TABLE mpart_2027;
REASSIGN OWNED BY regress_timeline_writer TO CURRENT_USER;
DROP OWNED BY regress_timeline_writer;
DROP ROLE regress_timeline_writer;
SELECT timeline.drop_materialization('mpfs');
-- writes to a detached table that lost the entity column still run, and
-- the refresh after them too (both failed: column "uid" does not exist)
SELECT timeline.materialize('mpfs');
ALTER TABLE mpart DETACH PARTITION mpart_h1;
ALTER TABLE mpart_h1 RENAME COLUMN uid TO user_id;
INSERT INTO mpart_h1 VALUES (12, 6, '2024-03-01', 1);
SELECT timeline.refresh('mpfs') AS renamed_detached;
SELECT count(*) AS entities_left FROM timeline_state.mpfs;  -- mpart_h2 was truncated
SELECT count(*) AS differ FROM timeline.verify('mpfs');
-- and one whose entity column has another type now (writes to it and
-- every refresh failed)
CREATE TABLE mpart_2030 PARTITION OF mpart FOR VALUES FROM ('2030-01-01') TO ('2031-01-01');
SELECT timeline.refresh('mpfs') AS follows_2030;
ALTER TABLE mpart DETACH PARTITION mpart_2030;
ALTER TABLE mpart_2030 ALTER COLUMN uid TYPE text;
INSERT INTO mpart_2030 VALUES (19, 'x', '2030-01-01', 1);
SELECT timeline.refresh('mpfs') AS retyped_detached;
SELECT count(*) AS differ FROM timeline.verify('mpfs');
DROP TABLE mpart_2030;
SELECT timeline.drop_materialization('mpfs');
CREATE TABLE minh (id bigint, uid int, ts timestamptz, amount float8);
CREATE TABLE minh_child (note text) INHERITS (minh);
INSERT INTO minh_child VALUES (1, 1, '2024-01-01', 2, 'x');
SELECT timeline.create_source('minh', 'minh', 'uid', 'ts', 'id', create_index => true);
SELECT timeline.create_feature('minh_sum', 'minh', 'sum', 'amount');
SELECT timeline.create_feature_set('mifs', ARRAY['minh_sum']);
SELECT timeline.materialize('mifs');
INSERT INTO minh_child VALUES (2, 1, '2024-01-02', 3, 'y');
SELECT timeline.refresh('mifs') AS child_table;
SELECT timeline.as_of('mifs', 1, '2024-02-01');
SELECT count(*) AS differ FROM timeline.verify('mifs');
-- and a child table's writes once its source is gone
ALTER TABLE minh_child NO INHERIT minh;
DROP TABLE minh;
INSERT INTO minh_child VALUES (3, 1, '2024-01-03', 4, 'z');
SELECT timeline.drop_materialization('mifs');
DROP TABLE mpart, mpart_h1, mpart_2023, minh_child;

-- the event triggers fire for everyone's DDL: a role that may not read
-- the materializations (USAGE on schema timeline taken from PUBLIC) has its
-- DDL run as without the extension (its CREATE TABLE failed with
-- permission denied for schema timeline)
CREATE ROLE regress_timeline_ddl;
GRANT CREATE ON SCHEMA public TO regress_timeline_ddl;
REVOKE USAGE ON SCHEMA timeline FROM PUBLIC;
SET ROLE regress_timeline_ddl;
CREATE TABLE mddl_other (x int);
ALTER TABLE mddl_other ADD COLUMN y int;
DROP TABLE mddl_other;
RESET ROLE;
GRANT USAGE ON SCHEMA timeline TO PUBLIC;
REVOKE CREATE ON SCHEMA public FROM regress_timeline_ddl;
DROP ROLE regress_timeline_ddl;
-- nor does it fail for a role that may read the catalog but not use the
-- schema of a materialized source: its DDL of its own tables (CREATE TABLE
-- failed in immediate mode, ALTER INDEX and ALTER VIEW in either mode, with
-- permission denied for schema; then warned that the materialization could
-- not be checked), its reading of timeline.training_sets, and its writes to
-- a partition in a schema it may use (permission denied for schema)
CREATE SCHEMA mhidden;
CREATE TABLE mhidden.ev (uid int, ts timestamptz, v float8);
CREATE TABLE mhidden.pv (uid int, ts timestamptz, v float8) PARTITION BY RANGE (ts);
CREATE TABLE mhidden_pv_2024 PARTITION OF mhidden.pv FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
SELECT timeline.create_source('mhid', 'mhidden.ev', 'uid', 'ts'), timeline.create_source('mhidp', 'mhidden.pv', 'uid', 'ts');
SELECT timeline.create_feature('mhid_n', 'mhid', 'count'), timeline.create_feature('mhidp_n', 'mhidp', 'count');
SELECT timeline.create_feature_set('mhidfs', ARRAY['mhid_n']), timeline.create_feature_set('mhidpfs', ARRAY['mhidp_n']);
SELECT timeline.materialize('mhidfs', mode => 'immediate'), timeline.materialize('mhidpfs');
SELECT timeline.create_training_set('mhidden.mhid_train', 'mhidfs', $$SELECT 1 AS uid, '2024-01-01'::timestamptz AS t$$);
-- (nor, for anyone, a materialization broken another way: its table
-- dropped; every ALTER VIEW and ALTER SCHEMA was refused with 2BP01)
CREATE TABLE mgone (uid int, ts timestamptz);
SELECT timeline.create_source('mgone', 'mgone', 'uid', 'ts');
SELECT timeline.create_feature('mgone_n', 'mgone', 'count');
SELECT timeline.create_feature_set('mgonefs', ARRAY['mgone_n']);
SELECT timeline.materialize('mgonefs');
DROP TABLE mgone;
CREATE VIEW mgone_own AS SELECT 1 AS one;
ALTER VIEW mgone_own RENAME TO mgone_own2;
DROP VIEW mgone_own2;
CREATE ROLE regress_timeline_ddl2;
CREATE SCHEMA mddl2 AUTHORIZATION regress_timeline_ddl2;
GRANT INSERT ON mhidden_pv_2024 TO regress_timeline_ddl2;
SET ROLE regress_timeline_ddl2;
CREATE TABLE mddl2.t (x int);
CREATE INDEX mddl2_t_x ON mddl2.t (x);
ALTER INDEX mddl2.mddl2_t_x RENAME TO mddl2_t_x2;
CREATE VIEW mddl2.v AS SELECT 1 AS one;
ALTER VIEW mddl2.v RENAME TO w;
SELECT target_table, "exists" FROM timeline.training_sets WHERE target_table LIKE 'mhidden.%';
INSERT INTO mhidden_pv_2024 VALUES (1, '2024-03-01', 1);
RESET ROLE;
SELECT timeline.refresh('mhidpfs') AS partition_write;
SELECT timeline.current('mhidpfs', 1);
SELECT timeline.drop_materialization('mhidfs'), timeline.drop_materialization('mhidpfs'),
       timeline.drop_materialization('mgonefs');
DELETE FROM timeline.training_set_def WHERE target_schema = 'mhidden';
DROP VIEW mddl2.w;
DROP TABLE mhidden.mhid_train, mhidden.ev, mhidden.pv, mddl2.t;
DROP SCHEMA mhidden, mddl2;
DROP ROLE regress_timeline_ddl2;
-- DDL that would break a materialization is refused (2BP01), as PostgreSQL
-- refuses to drop a column a view reads: renaming, dropping or retyping a
-- column the features or the capture read (every write then failed in
-- immediate mode, every refresh in deferred mode), renaming or moving the
-- source's table (its triggers went on capturing nothing); other changes
-- of the table go through
CREATE TABLE mddl (id bigint, uid int, ts timestamptz, amount float8, note text);
INSERT INTO mddl VALUES (1, 1, '2024-02-01', 10, 'x');
SELECT timeline.create_source('mddl', 'mddl', 'uid', 'ts', 'id', create_index => true);
SELECT timeline.create_feature('mddl_sum', 'mddl', 'sum', 'amount');
SELECT timeline.create_feature_set('mdfs2', ARRAY['mddl_sum']);
SELECT timeline.materialize('mdfs2', 'immediate');
ALTER TABLE mddl RENAME COLUMN amount TO amt;
ALTER TABLE mddl RENAME COLUMN uid TO user_id;
ALTER TABLE mddl DROP COLUMN ts;
ALTER TABLE mddl ALTER COLUMN amount TYPE text;
ALTER TABLE mddl RENAME TO mddl_old;
CREATE SCHEMA mddl_schema;
ALTER TABLE mddl SET SCHEMA mddl_schema;
ALTER TABLE mddl ALTER COLUMN amount TYPE numeric;
ALTER TABLE mddl DROP COLUMN note, ADD COLUMN kind text;
ALTER TABLE mddl RENAME COLUMN kind TO category;
INSERT INTO mddl VALUES (2, 1, '2024-02-02', 5, 'y');
SELECT timeline.current('mdfs2', 1) AS still_written;
SELECT timeline.drop_materialization('mdfs2');
ALTER TABLE mddl RENAME COLUMN amount TO amt;
DROP TABLE mddl;
DROP SCHEMA mddl_schema;
-- more of the same, from a helper's hunt of the event triggers: a table
-- rewritten by ALTER TABLE holds other values without any write, so every
-- entity is rebuilt (at the end of the command in immediate mode, by the
-- next refresh in deferred mode; the state kept the old values: 0.1 + 0.2
-- as float8 is not the numeric 0.3, and USING changes every value)
CREATE SCHEMA mtab;
CREATE TABLE mtab.ev (id bigint, uid int, ts timestamptz, amount float8);
INSERT INTO mtab.ev VALUES (1, 1, '2024-02-01', 0.1), (2, 1, '2024-02-02', 0.2), (3, 2, '2024-02-01', 10);
SELECT timeline.create_source('mtab', 'mtab.ev', 'uid', 'ts', 'id', create_index => true);
SELECT timeline.create_feature('mtab_sum', 'mtab', 'sum', 'amount');
SELECT timeline.create_feature_set('mtabi', ARRAY['mtab_sum']);
SELECT timeline.create_feature_set('mtabd', ARRAY['mtab_sum']);
SELECT timeline.materialize('mtabi', 'immediate');
SELECT timeline.materialize('mtabd');
ALTER TABLE mtab.ev ALTER COLUMN amount TYPE numeric;
SELECT timeline.current('mtabi', 1) AS numeric_at_once;
SELECT count(*) AS differ_immediate FROM timeline.verify('mtabi');
ALTER TABLE mtab.ev ALTER COLUMN amount TYPE float8 USING amount * 100;
SELECT timeline.current('mtabi', 2) AS using_at_once, timeline.current('mtabd', 2) AS deferred_before_refresh;
SELECT timeline.refresh('mtabd') AS deferred_rebuilds;
SELECT timeline.current('mtabd', 2) AS deferred_after_refresh;
-- a time column of type timestamptz(3) is one (found by a helper's hunt:
-- every ALTER TABLE of such a source was refused)
CREATE TABLE mtab.ev3 (uid int, ts timestamptz(3), amount float8);
INSERT INTO mtab.ev3 VALUES (1, '2024-02-01 00:00:00.1234', 1);
SELECT timeline.create_source('mtab3', 'mtab.ev3', 'uid', 'ts');
SELECT timeline.create_feature('mtab3_sum', 'mtab3', 'sum', 'amount');
SELECT timeline.create_feature_set('mtab3i', ARRAY['mtab3_sum']);
SELECT timeline.materialize('mtab3i', 'immediate');
ALTER TABLE mtab.ev3 ADD COLUMN note text;
INSERT INTO mtab.ev3 VALUES (1, '2024-02-02', 2, 'x');
SELECT timeline.current('mtab3i', 1) AS ms_time_column;
SELECT timeline.drop_materialization('mtab3i');
DROP TABLE mtab.ev3;
-- an entity column keeps its collation, which the state's entities took
-- (under another one the source's GROUP BY and the state would disagree on
-- which entities are one)
CREATE TABLE mtab.evc (name text, ts timestamptz, amount float8);
INSERT INTO mtab.evc VALUES ('a', '2024-02-01', 1);
SELECT timeline.create_source('mtabc', 'mtab.evc', 'name', 'ts');
SELECT timeline.create_feature('mtabc_sum', 'mtabc', 'sum', 'amount');
SELECT timeline.create_feature_set('mtabcd', ARRAY['mtabc_sum']);
SELECT timeline.materialize('mtabcd');
\set VERBOSITY terse
ALTER TABLE mtab.evc ALTER COLUMN name TYPE text COLLATE "C";
\set VERBOSITY default
SELECT timeline.drop_materialization('mtabcd');
DROP TABLE mtab.evc;
-- the entity, time and seq columns keep the types the state was made with
-- (a retyped entity column made every write fail; a seq of text rounded or
-- failed), and renaming the table through ALTER INDEX or its schema through
-- ALTER SCHEMA, or moving it into timeline_state, is refused too
-- a feature's filter compares with a literal the column's new type
-- cannot read (it only warned, and every write then failed)
ALTER TABLE mtab.ev ADD COLUMN kind text;
UPDATE mtab.ev SET kind = 'login';
SELECT timeline.create_feature('mtab_logins', 'mtab', 'count', filter => $$kind = 'login'$$);
SELECT timeline.create_feature_set('mtabk', ARRAY['mtab_logins']);
SELECT timeline.materialize('mtabk', 'immediate');
\set VERBOSITY terse
ALTER TABLE mtab.ev ALTER COLUMN kind TYPE int USING 0;
ALTER TABLE mtab.ev ALTER COLUMN uid TYPE bigint;
ALTER TABLE mtab.ev ALTER COLUMN id TYPE text;
ALTER INDEX mtab.ev RENAME TO ev2;
ALTER SCHEMA mtab RENAME TO mtab2;
ALTER TABLE mtab.ev SET SCHEMA timeline_state;
\set VERBOSITY default
SELECT timeline.drop_materialization('mtabi');
SELECT timeline.drop_materialization('mtabd');
SELECT timeline.drop_materialization('mtabk');
DROP TABLE mtab.ev;
-- a source that is itself a partition: a change made on its parent
-- recurses into it and is checked too (it went through, and every write
-- failed)
CREATE TABLE mtab.top (id bigint, uid int, ts timestamptz, amount float8) PARTITION BY RANGE (ts);
CREATE TABLE mtab.part PARTITION OF mtab.top FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
INSERT INTO mtab.top VALUES (1, 1, '2024-02-01', 1);
SELECT timeline.create_source('mtabp', 'mtab.part', 'uid', 'ts', 'id', create_index => true);
SELECT timeline.create_feature('mtabp_sum', 'mtabp', 'sum', 'amount');
SELECT timeline.create_feature_set('mtabp', ARRAY['mtabp_sum']);
SELECT timeline.materialize('mtabp', 'immediate');
\set VERBOSITY terse
ALTER TABLE mtab.top RENAME COLUMN amount TO amt;
\set VERBOSITY default
-- a temporary child table is not one of the source's tables (its rows are
-- its session's, and writers of other sessions failed: cannot access
-- temporary tables of other sessions); nor is a partition whose DETACH
-- CONCURRENTLY is pending (not tested here: it needs two transactions)
CREATE TABLE mtab.inh (id bigint, uid int, ts timestamptz, amount float8);
INSERT INTO mtab.inh VALUES (1, 1, '2024-02-01', 1);
SELECT timeline.create_source('mtabh', 'mtab.inh', 'uid', 'ts', 'id', create_index => true);
SELECT timeline.create_feature('mtabh_sum', 'mtabh', 'sum', 'amount');
SELECT timeline.create_feature_set('mtabh', ARRAY['mtabh_sum']);
SELECT timeline.materialize('mtabh', 'immediate');
CREATE TEMP TABLE mtab_tmp () INHERITS (mtab.inh);
SELECT count(*) AS temp_child_among_tables FROM timeline.source_tables('mtab.inh') t WHERE t = 'mtab_tmp'::regclass;
DROP TABLE mtab_tmp;
-- a foreign table cannot carry the capture triggers (no transition tables):
-- making one a partition or child of a materialized source is refused,
-- however it comes, in either mode (the triggers could not be added, so
-- every write through the source's tables and every refresh failed)
CREATE EXTENSION file_fdw SCHEMA mtab;
CREATE SERVER mtab_files FOREIGN DATA WRAPPER file_fdw;
CREATE FOREIGN TABLE mtab.finh () INHERITS (mtab.inh) SERVER mtab_files OPTIONS (filename '/dev/null');
CREATE TABLE mtab.fpar (id bigint, uid int, ts timestamptz, amount float8) PARTITION BY RANGE (ts);
CREATE TABLE mtab.fpar24 PARTITION OF mtab.fpar FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
INSERT INTO mtab.fpar VALUES (1, 1, '2024-02-01', 1);
SELECT timeline.create_source('mtabf', 'mtab.fpar', 'uid', 'ts', 'id', create_index => true);
SELECT timeline.create_feature('mtabf_sum', 'mtabf', 'sum', 'amount');
SELECT timeline.create_feature_set('mtabf', ARRAY['mtabf_sum']);
SELECT timeline.materialize('mtabf', 'deferred');
\set VERBOSITY terse
CREATE FOREIGN TABLE mtab.f23 PARTITION OF mtab.fpar FOR VALUES FROM ('2023-01-01') TO ('2024-01-01')
    SERVER mtab_files OPTIONS (filename '/dev/null');
CREATE FOREIGN TABLE mtab.f22 (id bigint, uid int, ts timestamptz, amount float8)
    SERVER mtab_files OPTIONS (filename '/dev/null');
ALTER TABLE mtab.fpar ATTACH PARTITION mtab.f22 FOR VALUES FROM ('2022-01-01') TO ('2023-01-01');
ALTER FOREIGN TABLE mtab.f22 INHERIT mtab.inh;
CREATE TABLE mtab.fsub (id bigint, uid int, ts timestamptz, amount float8) PARTITION BY RANGE (ts);
CREATE FOREIGN TABLE mtab.fsub1 PARTITION OF mtab.fsub FOR VALUES FROM ('2021-01-01') TO ('2021-07-01')
    SERVER mtab_files OPTIONS (filename '/dev/null');
ALTER TABLE mtab.fpar ATTACH PARTITION mtab.fsub FOR VALUES FROM ('2021-01-01') TO ('2022-01-01');
\set VERBOSITY default
-- a foreign partition of another table is none of its business, and the
-- materializations go on as before
CREATE TABLE mtab.other (id bigint, uid int, ts timestamptz, amount float8) PARTITION BY RANGE (ts);
ALTER TABLE mtab.other ATTACH PARTITION mtab.f22 FOR VALUES FROM ('2022-01-01') TO ('2023-01-01');
SELECT t::text AS fpar_tables FROM timeline.source_tables('mtab.fpar') t ORDER BY 1;
INSERT INTO mtab.fpar VALUES (2, 1, '2024-03-01', 2);
INSERT INTO mtab.inh VALUES (2, 1, '2024-03-01', 2);
SELECT timeline.refresh('mtabf');
SELECT timeline.current('mtabf', 1) AS fpar_1, timeline.current('mtabh', 1) AS inh_1;
SELECT count(*) AS differences FROM (SELECT * FROM timeline.verify('mtabf')
                                     UNION ALL SELECT * FROM timeline.verify('mtabh')) v;
SELECT timeline.drop_materialization('mtabf');
SELECT timeline.drop_materialization('mtabh');
SELECT timeline.drop_materialization('mtabp');
DROP SCHEMA mtab CASCADE;
-- a materializer granted SELECT on some columns only (those the features
-- and the source read) refreshes in both modes: the rebuild and the fold
-- read src.* and every refresh failed with permission denied for table
CREATE TABLE mcol (id bigint, uid int, ts timestamptz, v float8, secret text);
CREATE INDEX ON mcol (uid, ts);
INSERT INTO mcol VALUES (1, 1, '2024-01-01', 1, 'a'), (2, 2, '2024-01-02', 2, 'b');
CREATE ROLE regress_timeline_cols;
GRANT SELECT (id, uid, ts, v) ON mcol TO regress_timeline_cols;
GRANT INSERT, TRIGGER ON mcol TO regress_timeline_cols;
SELECT timeline.create_source('mcol', 'mcol', 'uid', 'ts', 'id');
SET ROLE regress_timeline_cols;
SELECT timeline.create_feature('mcol_sum', 'mcol', 'sum', 'v');
SELECT timeline.create_feature_set('mcold', ARRAY['mcol_sum']);
SELECT timeline.create_feature_set('mcoli', ARRAY['mcol_sum']);
SELECT timeline.materialize('mcold'), timeline.materialize('mcoli', 'immediate');
RESET ROLE;
-- a late event (rebuilt) for 1, a new one (folded) for 2
INSERT INTO mcol VALUES (3, 1, '2023-12-01', 4, 'c'), (4, 2, '2024-02-01', 8, 'd');
SET ROLE regress_timeline_cols;
SELECT timeline.refresh('mcold') AS column_grants_refresh;
SELECT timeline.current('mcold', 1) AS d1, timeline.current('mcold', 2) AS d2,
       timeline.current('mcoli', 1) AS i1, timeline.current('mcoli', 2) AS i2;
INSERT INTO mcol VALUES (5, 1, '2023-11-01', 16, 'e'), (6, 2, '2025-01-01', 32, 'f');
SELECT timeline.refresh('mcold') AS column_grants_refresh;
SELECT timeline.current('mcold', 1) AS d1, timeline.current('mcold', 2) AS d2,
       timeline.current('mcoli', 1) AS i1, timeline.current('mcoli', 2) AS i2;
SELECT count(*) AS differences FROM (SELECT * FROM timeline.verify('mcold')
                                     UNION ALL SELECT * FROM timeline.verify('mcoli')) v;
-- dropping them drops the triggers, which PostgreSQL leaves to the
-- table's owner (TRIGGER is enough to create one, not to drop it)
SELECT timeline.drop_materialization('mcold');
RESET ROLE;
SELECT timeline.drop_materialization('mcold'), timeline.drop_materialization('mcoli');
DROP TABLE mcol;
DROP OWNED BY regress_timeline_cols;
DROP ROLE regress_timeline_cols;
-- DDL runs no other role's feature code (found by a helper's security
-- review: a superuser's CREATE TABLE of any table refreshed every
-- immediate-mode materialization whose log asked for a rebuild, and its
-- ALTER TYPE of a type a source's column has planned the features'
-- check, computing their immutable functions of constants: both with the
-- superuser's rights, so any role could become superuser); a role that is
-- not the owner, however privileged, leaves the change to the owner
CREATE ROLE regress_timeline_evil;
CREATE SCHEMA mevil AUTHORIZATION regress_timeline_evil;
CREATE TYPE mevil_mood AS ENUM ('sad', 'ok');
SET ROLE regress_timeline_evil;
CREATE TABLE mevil.ran (who name);
GRANT INSERT ON mevil.ran TO PUBLIC;
CREATE FUNCTION mevil.note() RETURNS void LANGUAGE sql AS $$ INSERT INTO mevil.ran VALUES (current_user) $$;
CREATE FUNCTION mevil.f(x int) RETURNS float8 LANGUAGE plpgsql IMMUTABLE AS $$ BEGIN PERFORM mevil.note(); RETURN x; END $$;
CREATE TABLE mevil.ev (uid int, ts timestamptz, amount float8, m mevil_mood);
INSERT INTO mevil.ev VALUES (1, '2024-01-01', 1, 'ok');
SELECT timeline.create_source('mevil', 'mevil.ev', 'uid', 'ts', create_index => true);
SELECT timeline.create_feature('mevil_sum', 'mevil', 'sum', 'amount + mevil.f(0)');
SELECT timeline.create_feature_set('mevil_i', ARRAY['mevil_sum']), timeline.create_feature_set('mevil_d', ARRAY['mevil_sum']);
SELECT timeline.materialize('mevil_i', 'immediate'), timeline.materialize('mevil_d');
-- a rebuild asked of whoever runs DDL next, readable and doable by all
DO $$
DECLARE
    m record;
BEGIN
    FOR m IN SELECT state_table, log_table FROM timeline.materialization_source WHERE feature_set = 'mevil_i' LOOP
        EXECUTE format('INSERT INTO timeline_state.%I VALUES (NULL, ''-infinity'', true)', m.log_table);
        EXECUTE format('GRANT SELECT, DELETE ON timeline_state.%I TO PUBLIC', m.log_table);
        EXECUTE format('GRANT ALL ON timeline_state.%I TO PUBLIC', m.state_table);
    END LOOP;
END
$$;
TRUNCATE mevil.ran;
RESET ROLE;
CREATE TABLE mevil_unrelated (x int);
ALTER TYPE mevil_mood ADD VALUE 'happy';
CREATE ROLE regress_timeline_other;
GRANT CREATE ON SCHEMA public TO regress_timeline_other;
SET ROLE regress_timeline_other;
CREATE TABLE mevil_other (x int);
RESET ROLE;
SELECT count(*) AS ran_as_others FROM mevil.ran WHERE who <> 'regress_timeline_evil';
-- DDL of another role on the source's tables neither (nothing to follow
-- there but the rebuild, which it does not read)
ALTER TABLE mevil.ev ADD COLUMN note text;
SELECT count(*) AS ran_as_others FROM mevil.ran WHERE who <> 'regress_timeline_evil';
-- the rebuild waits for the owner, whose own DDL does it
SELECT log_table AS mevil_log FROM timeline.materialization_source WHERE feature_set = 'mevil_i' \gset
SELECT count(*) AS rebuilds_waiting FROM timeline_state.:"mevil_log";
SET ROLE regress_timeline_evil;
CREATE TABLE mevil.t (x int);
SELECT count(*) AS rebuilds_waiting FROM timeline_state.:"mevil_log";
SELECT timeline.drop_materialization('mevil_i'), timeline.drop_materialization('mevil_d');
RESET ROLE;
DROP TABLE mevil_unrelated, mevil_other;
DROP SCHEMA mevil CASCADE;
DROP TYPE mevil_mood;
REVOKE CREATE ON SCHEMA public FROM regress_timeline_other;
DROP ROLE regress_timeline_evil, regress_timeline_other;
-- anyone may give the triggers of a table of theirs a materialization's
-- trigger names: that table is not taken for a partition detached from its
-- source (found by a helper's security review: every write through the
-- source's tables, every refresh and drop_materialization failed,
-- dropping the triggers of a table its owner could not drop)
CREATE ROLE regress_timeline_vic;
CREATE ROLE regress_timeline_att;
CREATE SCHEMA mvic AUTHORIZATION regress_timeline_vic;
CREATE SCHEMA matt AUTHORIZATION regress_timeline_att;
SET ROLE regress_timeline_vic;
CREATE TABLE mvic.ev (uid int, ts timestamptz, amount float8) PARTITION BY RANGE (ts);
CREATE TABLE mvic.ev_2024 PARTITION OF mvic.ev FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
INSERT INTO mvic.ev VALUES (1, '2024-02-01', 1);
SELECT timeline.create_source('mvic', 'mvic.ev', 'uid', 'ts', create_index => true);
SELECT timeline.create_feature('mvic_sum', 'mvic', 'sum', 'amount');
SELECT timeline.create_feature_set('mvic_fs', ARRAY['mvic_sum']);
SELECT timeline.materialize('mvic_fs', 'immediate');
SET ROLE regress_timeline_att;
CREATE TABLE matt.t (uid int, ts timestamptz, amount float8);
CREATE FUNCTION matt.nop() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$;
DO $$
DECLARE
    op text;
BEGIN
    FOREACH op IN ARRAY ARRAY['insert', 'update', 'delete', 'truncate'] LOOP
        EXECUTE format('CREATE TRIGGER %I AFTER %s ON matt.t FOR EACH STATEMENT EXECUTE FUNCTION matt.nop()',
                       (SELECT 'timeline_' || id || '_' || op FROM timeline.materialization_source
                         WHERE feature_set = 'mvic_fs'), op);
    END LOOP;
END
$$;
SET ROLE regress_timeline_vic;
INSERT INTO mvic.ev VALUES (1, '2024-03-01', 2);
SELECT timeline.refresh('mvic_fs') AS refreshed, timeline.current('mvic_fs', 1);
SELECT count(*) AS differences FROM timeline.verify('mvic_fs');
SELECT timeline.drop_materialization('mvic_fs');
RESET ROLE;
SELECT count(*) AS triggers_left_on_theirs FROM pg_trigger WHERE tgrelid = 'matt.t'::regclass;
DROP SCHEMA mvic, matt CASCADE;
DROP ROLE regress_timeline_vic, regress_timeline_att;
-- nor does it read the owner's change log, which may be a view of the
-- owner's by then (timeline_state is open to CREATE), nor write to it:
-- another role's rewriting ALTER TABLE of the source fails (42501), as the
-- rewrite would be logged through the owner's triggers with that role's
-- rights; after SET ROLE to the owner it goes through and rebuilds
CREATE ROLE regress_timeline_evil;
CREATE SCHEMA mevil AUTHORIZATION regress_timeline_evil;
SET ROLE regress_timeline_evil;
CREATE TABLE mevil.ran (who name);
GRANT INSERT ON mevil.ran TO PUBLIC;
CREATE FUNCTION mevil.note() RETURNS bool LANGUAGE sql AS $$ INSERT INTO mevil.ran VALUES (current_user) RETURNING true $$;
CREATE FUNCTION mevil.trg() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM mevil.note(); RETURN NEW; END $$;
CREATE TABLE mevil.ev (uid int, ts timestamptz, amount float8);
INSERT INTO mevil.ev VALUES (1, '2024-01-01', 1.5);
SELECT timeline.create_source('mevil2', 'mevil.ev', 'uid', 'ts');
SELECT timeline.create_feature('mevil2_sum', 'mevil2', 'sum', 'amount');
SELECT timeline.create_feature_set('mevil2_i', ARRAY['mevil2_sum']), timeline.create_feature_set('mevil2_d', ARRAY['mevil2_sum']);
SELECT timeline.materialize('mevil2_i', 'immediate'), timeline.materialize('mevil2_d');
SELECT log_table AS mevil_log FROM timeline.materialization_source WHERE feature_set = 'mevil2_i' \gset
DROP TABLE timeline_state.:"mevil_log";
CREATE VIEW timeline_state.:"mevil_log" AS SELECT NULL::int AS entity, '-infinity'::timestamptz AS min_time, NOT mevil.note() AS everything;
GRANT SELECT ON timeline_state.:"mevil_log" TO PUBLIC;
SELECT log_table AS mevil_dlog FROM timeline.materialization_source WHERE feature_set = 'mevil2_d' \gset
CREATE TRIGGER noted BEFORE INSERT ON timeline_state.:"mevil_dlog" FOR EACH ROW EXECUTE FUNCTION mevil.trg();
RESET ROLE;
CREATE TABLE mevil_unrelated (x int);
SELECT count(*) AS ran_as_others FROM mevil.ran WHERE who <> 'regress_timeline_evil';
SET ROLE regress_timeline_evil;
DROP VIEW timeline_state.:"mevil_log";
SET client_min_messages = warning;
SELECT timeline.drop_materialization('mevil2_i');
RESET client_min_messages;
RESET ROLE;
\set VERBOSITY terse
ALTER TABLE mevil.ev ALTER COLUMN amount TYPE numeric;
\set VERBOSITY default
SELECT count(*) AS ran_as_others FROM mevil.ran WHERE who <> 'regress_timeline_evil';
SET ROLE regress_timeline_evil;
ALTER TABLE mevil.ev ALTER COLUMN amount TYPE numeric USING amount * 2;
SELECT timeline.refresh('mevil2_d') AS rebuilds;
SELECT timeline.current('mevil2_d', 1) AS doubled;
SELECT timeline.drop_materialization('mevil2_d');
RESET ROLE;
SELECT count(*) AS ran_as_others FROM mevil.ran WHERE who <> 'regress_timeline_evil';
DROP TABLE mevil_unrelated;
DROP SCHEMA mevil CASCADE;
DROP ROLE regress_timeline_evil;
-- a read runs with the reader's rights on the owner's state tables: one
-- replaced by a view of the owner's, one with policies that apply to the
-- reader, or a column retyped to a type of the owner's with an implicit
-- cast ran the owner's code with the reader's rights (found by a helper's
-- security review: a superuser's current made the owner superuser); such
-- a state table is refused (55000), one as materialize made it is read,
-- and a superuser schedules no refresh of another role's materialization
-- (the job would run the owner's features with its rights at every run)
CREATE ROLE regress_timeline_evil;
CREATE ROLE regress_timeline_reader;
-- the read, or its error without the state table's number
CREATE FUNCTION mevil_read(fs text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    detail text;
BEGIN
    RETURN timeline.current(fs, 1)::text;
EXCEPTION WHEN object_not_in_prerequisite_state THEN
    GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL;
    RETURN format('%s: %s (%s)', SQLSTATE, regexp_replace(SQLERRM, 'state_[0-9]+', 'state_N'), detail);
END
$$;
CREATE SCHEMA mevil AUTHORIZATION regress_timeline_evil;
SET ROLE regress_timeline_evil;
CREATE TABLE mevil.ran (who name);
GRANT INSERT ON mevil.ran TO PUBLIC;
CREATE FUNCTION mevil.note() RETURNS bool LANGUAGE sql AS $$ INSERT INTO mevil.ran VALUES (current_user) RETURNING true $$;
CREATE TABLE mevil.ev (uid int, ts timestamptz, amount float8);
INSERT INTO mevil.ev VALUES (1, '2024-01-01', 1.5);
SELECT timeline.create_source('mevil3', 'mevil.ev', 'uid', 'ts');
SELECT timeline.create_feature('mevil3_sum', 'mevil3', 'sum', 'amount');
SELECT timeline.create_feature_set('mevil3_fs', ARRAY['mevil3_sum']);
SELECT timeline.materialize('mevil3_fs');
SELECT state_table AS mevil_state FROM timeline.materialization_source WHERE feature_set = 'mevil3_fs' \gset
GRANT USAGE ON SCHEMA mevil TO regress_timeline_reader;
GRANT SELECT ON timeline_state.:"mevil_state" TO regress_timeline_reader;
RESET ROLE;
SELECT timeline.current('mevil3_fs', 1) AS untouched;
-- a view in the state table's place
SET ROLE regress_timeline_evil;
ALTER TABLE timeline_state.:"mevil_state" RENAME TO mevil_real;
CREATE VIEW timeline_state.:"mevil_state" AS SELECT * FROM timeline_state.mevil_real WHERE mevil.note();
RESET ROLE;
SELECT mevil_read('mevil3_fs');
\set VERBOSITY sqlstate
SELECT timeline.as_of('mevil3_fs', 1, '2024-06-01');
\set VERBOSITY default
SELECT count(*) AS ran_as_others FROM mevil.ran WHERE who <> 'regress_timeline_evil';
-- policies, which the owner and a superuser do not run
SET ROLE regress_timeline_evil;
DROP VIEW timeline_state.:"mevil_state";
ALTER TABLE timeline_state.mevil_real RENAME TO :"mevil_state";
ALTER TABLE timeline_state.:"mevil_state" ENABLE ROW LEVEL SECURITY;
CREATE POLICY p ON timeline_state.:"mevil_state" USING (mevil.note());
SELECT timeline.current('mevil3_fs', 1) AS owners_read;
SET ROLE regress_timeline_reader;
SELECT mevil_read('mevil3_fs');
RESET ROLE;
SELECT timeline.current('mevil3_fs', 1) AS superusers_read;
SELECT count(*) AS ran_as_others FROM mevil.ran WHERE who <> 'regress_timeline_evil';
-- a feature's column of a type of the owner's, cast implicitly to bytea
SET ROLE regress_timeline_evil;
DROP POLICY p ON timeline_state.:"mevil_state";
ALTER TABLE timeline_state.:"mevil_state" DISABLE ROW LEVEL SECURITY;
SET ROLE regress_timeline_reader;
SELECT timeline.current('mevil3_fs', 1) AS readers_read;
SET ROLE regress_timeline_evil;
CREATE TYPE mevil.blob AS (b bytea);
CREATE FUNCTION mevil.unwrap(mevil.blob) RETURNS bytea LANGUAGE plpgsql IMMUTABLE AS $$ BEGIN PERFORM mevil.note(); RETURN $1.b; END $$;
CREATE CAST (mevil.blob AS bytea) WITH FUNCTION mevil.unwrap(mevil.blob) AS IMPLICIT;
DROP VIEW timeline_state.mevil3_fs;
ALTER TABLE timeline_state.:"mevil_state" ALTER COLUMN mevil3_sum TYPE mevil.blob USING ROW(mevil3_sum);
RESET ROLE;
SELECT mevil_read('mevil3_fs');
SELECT count(*) AS ran_as_others FROM mevil.ran WHERE who <> 'regress_timeline_evil';
SELECT timeline.schedule_refresh('mevil3_fs', '* * * * *');
SET ROLE regress_timeline_evil;
SELECT timeline.drop_materialization('mevil3_fs');
RESET ROLE;
DROP SCHEMA mevil CASCADE;
DROP FUNCTION mevil_read(text);
DROP ROLE regress_timeline_evil, regress_timeline_reader;
