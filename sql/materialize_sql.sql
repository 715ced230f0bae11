-- materialize_sql: the SQL that materialization builds, against what a
-- user's operators, entity types and feature text can do to it, and the
-- work tables of immediate mode over many writes (not in the valgrind
-- subset: no C code of its own, and the materialize test's writes run the
-- same C code)
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET extra_float_digits = 0;
\pset null '~'
\set SHOW_CONTEXT never

-- reading a feature set of two sources joins their parts with pg_catalog's
-- jsonb || whatever the caller's search_path (a || of the caller's own,
-- found first, answered for it)
CREATE TABLE mops_a (uid int, ts timestamptz, v float8);
CREATE TABLE mops_b (uid int, ts timestamptz, v float8);
INSERT INTO mops_a VALUES (1, '2024-01-01', 2);
INSERT INTO mops_b VALUES (1, '2024-01-01', 3);
SELECT timeline.create_source('mops_a', 'mops_a', 'uid', 'ts'), timeline.create_source('mops_b', 'mops_b', 'uid', 'ts');
SELECT timeline.create_feature('mops_a_sum', 'mops_a', 'sum', 'v'), timeline.create_feature('mops_b_sum', 'mops_b', 'sum', 'v');
SELECT timeline.create_feature_set('mops', ARRAY['mops_a_sum', 'mops_b_sum'], time_zone => 'UTC');
SELECT timeline.materialize('mops');
CREATE SCHEMA mops_ops;
CREATE FUNCTION mops_ops.jcat(jsonb, jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$ SELECT '{"shadowed": true}'::jsonb $$;
CREATE OPERATOR mops_ops.|| (LEFTARG = jsonb, RIGHTARG = jsonb, FUNCTION = mops_ops.jcat);
SET search_path = mops_ops, pg_catalog, public;
SELECT '{}'::jsonb || '{}'::jsonb AS shadowed_here,
       timeline.current('mops', 1) AS current, timeline.as_of('mops', 1, '2025-01-01') AS as_of;
RESET search_path;
SELECT timeline.drop_materialization('mops');
DROP SCHEMA mops_ops CASCADE;
DROP TABLE mops_a, mops_b;

-- a composite entity with a NULL field, (1,) or even (,), is a value, not
-- NULL: it has its features in a training set, feature_timelines and the
-- state, in both modes (x IS NOT NULL is false for it: it had NULL features,
-- check_training_set reported a difference, and the state left it out)
CREATE TYPE macct AS (org int, uid int);
CREATE TABLE mcev (id bigint, who macct, ts timestamptz, v float8);
INSERT INTO mcev VALUES (1, ROW(1, NULL), '2024-01-01', 7), (2, ROW(1, 2), '2024-01-01', 5),
                        (3, NULL, '2024-01-01', 100), (4, ROW(NULL, NULL), '2024-01-01', 1000);
SELECT timeline.create_source('mcev', 'mcev', 'who', 'ts', 'id', create_index => true);
SELECT timeline.create_feature('mcev_sum', 'mcev', 'sum', 'v'), timeline.create_feature('mcev_n', 'mcev', 'count');
SELECT timeline.create_feature_set('mcev', ARRAY['mcev_sum', 'mcev_n'], time_zone => 'UTC');
SELECT timeline.create_training_set('mcev_train', 'mcev', $$SELECT who, '2024-01-02'::timestamptz AS t FROM mcev ORDER BY id$$);
SELECT * FROM mcev_train;
SELECT count(*) AS differences FROM timeline.check_training_set('mcev_train');
SELECT entity FROM timeline.feature_timelines('mcev') AS f(entity macct, s timeline.timeline, n timeline.timeline) ORDER BY 1;
SELECT timeline.materialize('mcev', 'immediate');
INSERT INTO mcev VALUES (5, ROW(1, NULL), '2024-01-03', 1);
SELECT timeline.current('mcev', ROW(1, NULL)::macct) AS one_null, timeline.current('mcev', ROW(NULL, NULL)::macct) AS all_null,
       timeline.current('mcev', NULL::macct) AS null_entity;
SELECT count(*) AS differences FROM timeline.verify('mcev');
SELECT timeline.drop_materialization('mcev');
SELECT timeline.materialize('mcev', 'deferred');
INSERT INTO mcev VALUES (6, ROW(1, NULL), '2024-01-04', 1);
SELECT timeline.refresh('mcev');
SELECT timeline.current('mcev', ROW(1, NULL)::macct) AS one_null;
SELECT count(*) AS differences FROM timeline.verify('mcev');
SELECT timeline.drop_materialization('mcev');
DROP TABLE mcev_train, mcev;
DROP TYPE macct;

-- an entity column under a nondeterministic collation: 'X@a.org' and
-- 'x@a.org' are one entity, in the state as in feature_timelines, in both
-- modes (the state, its log and the work tables took the default
-- collation: refresh failed with 55000 every time, and current read
-- nothing for the other spelling)
CREATE COLLATION mci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
CREATE TABLE mciev (who text COLLATE mci, ts timestamptz, v float8);
INSERT INTO mciev VALUES ('x@a.org', '2024-01-01', 1);
SELECT timeline.create_source('mciev', 'mciev', 'who', 'ts', create_index => true);
SELECT timeline.create_feature('mciev_sum', 'mciev', 'sum', 'v'), timeline.create_feature('mciev_n_1d', 'mciev', 'count', NULL, '1 day');
SELECT timeline.create_feature_set('mciev', ARRAY['mciev_sum', 'mciev_n_1d'], time_zone => 'UTC');
SELECT timeline.create_feature_set('mciev_i', ARRAY['mciev_sum', 'mciev_n_1d'], time_zone => 'UTC');
SELECT timeline.materialize('mciev'), timeline.materialize('mciev_i', 'immediate');
INSERT INTO mciev VALUES ('X@a.org', '2024-01-02', 10);
INSERT INTO mciev VALUES ('x@a.org', '2024-01-03', 100);
INSERT INTO mciev VALUES ('X@A.ORG', '2024-01-02 12:00', 1000);
SELECT timeline.refresh('mciev');
SELECT fs, timeline.as_of(fs, 'X@A.org'::text, '2024-01-03') AS upper, timeline.as_of(fs, 'x@a.org'::text, '2024-01-03') AS lower
FROM unnest(ARRAY['mciev', 'mciev_i']) fs;
SELECT fs, (SELECT count(*) FROM timeline.verify(fs)) AS differences FROM unnest(ARRAY['mciev', 'mciev_i']) fs;
SELECT count(*) AS state_rows FROM timeline_state.mciev;
SELECT entity, timeline.value_at(s, '2024-01-03') AS sum, timeline.value_at(n, '2024-01-03') AS n_1d
FROM timeline.feature_timelines('mciev') AS f(entity text, s timeline.timeline, n timeline.timeline);
SELECT timeline.drop_materialization('mciev'), timeline.drop_materialization('mciev_i');
DROP TABLE mciev;
DROP COLLATION mci;

-- an entity type whose equality is not pg_catalog's (citext's, in its own
-- schema): the state is kept and read with the type's own =, as its GROUP
-- BY and primary key group it (a bare = under search_path pg_catalog was
-- text's, by citext's implicit cast: the spellings were one entity to the
-- GROUP BY and two to the joins, so both modes summed wrong, verify found
-- it, and current read NULL for one spelling)
CREATE SCHEMA mcit;
CREATE EXTENSION citext SCHEMA mcit;
CREATE TABLE mctev (who mcit.citext, ts timestamptz, v float8);
INSERT INTO mctev VALUES ('x@a.org', '2024-01-01', 1);
SELECT timeline.create_source('mctev', 'mctev', 'who', 'ts', create_index => true);
SELECT timeline.create_feature('mctev_sum', 'mctev', 'sum', 'v'), timeline.create_feature('mctev_n_1d', 'mctev', 'count', NULL, '1 day');
SELECT timeline.create_feature_set('mctev', ARRAY['mctev_sum', 'mctev_n_1d'], time_zone => 'UTC');
SELECT timeline.create_feature_set('mctev_i', ARRAY['mctev_sum', 'mctev_n_1d'], time_zone => 'UTC');
SELECT timeline.materialize('mctev'), timeline.materialize('mctev_i', 'immediate');
INSERT INTO mctev VALUES ('X@a.org', '2024-01-02', 10);
INSERT INTO mctev VALUES ('x@a.org', '2024-01-03', 100);
INSERT INTO mctev VALUES ('X@A.ORG', '2024-01-02 12:00', 1000);
SELECT timeline.refresh('mctev');
SELECT fs, timeline.as_of(fs, 'X@A.org'::mcit.citext, '2024-01-03') AS upper, timeline.as_of(fs, 'x@a.org'::mcit.citext, '2024-01-03') AS lower
FROM unnest(ARRAY['mctev', 'mctev_i']) fs;
SELECT fs, (SELECT count(*) FROM timeline.verify(fs)) AS differences FROM unnest(ARRAY['mctev', 'mctev_i']) fs;
-- a text entity is cast to the state's citext, and read with citext's =
SELECT timeline.current('mctev', 'X@A.ORG'::text) = timeline.current('mctev', 'x@a.org'::mcit.citext) AS text_reads_citext,
       timeline.as_of('mctev', 'X@A.ORG'::varchar, '2024-01-03') AS varchar_entity;
SELECT * FROM timeline_state.mctev_i;
SELECT entity, timeline.value_at(s, '2024-01-03') AS sum, timeline.value_at(n, '2024-01-03') AS n_1d
FROM timeline.feature_timelines('mctev') AS f(entity mcit.citext, s timeline.timeline, n timeline.timeline);
SELECT timeline.drop_materialization('mctev'), timeline.drop_materialization('mctev_i');
DROP TABLE mctev;
-- equality_operator (C, from the type cache) against the catalog query it
-- replaced, for every type of the database and a domain over a domain of
-- each with a default btree class: citext's own = in its schema, a
-- domain's base type's, pg_catalog's for arrays, records, enums, ranges
-- and varchar (text's class)
CREATE FUNCTION pg_temp.equality_by_catalog(entity_type regtype) RETURNS text
LANGUAGE sql STABLE STRICT AS $f$
    WITH RECURSIVE b(t, depth) AS (
        SELECT entity_type::oid, 0
        UNION ALL
        SELECT ty.typbasetype, b.depth + 1 FROM b JOIN pg_type ty ON ty.oid = b.t WHERE ty.typtype = 'd')
    SELECT coalesce(
        (SELECT format('OPERATOR(%I.%s)', n.nspname, o.oprname)
           FROM (SELECT b.t FROM b ORDER BY b.depth DESC LIMIT 1) base
           JOIN pg_opclass oc ON oc.opcintype = base.t AND oc.opcdefault
           JOIN pg_am am ON am.oid = oc.opcmethod AND am.amname = 'btree'
           JOIN pg_amop ao ON ao.amopfamily = oc.opcfamily AND ao.amoplefttype = base.t
                                     AND ao.amoprighttype = base.t AND ao.amopstrategy = 3
           JOIN pg_operator o ON o.oid = ao.amopopr
           JOIN pg_namespace n ON n.oid = o.oprnamespace
          LIMIT 1),
        'OPERATOR(pg_catalog.=)')
$f$;
CREATE DOMAIN mcit.d1 AS mcit.citext;
CREATE DOMAIN mcit.d2 AS mcit.d1;
CREATE DOMAIN mcit.i2 AS int8;
CREATE DOMAIN mcit.a2 AS int4[];
CREATE TYPE mcit.mood AS ENUM ('sad', 'happy');
SELECT count(*) > 500 AS types,
       count(*) FILTER (WHERE timeline.equality_operator(t.oid) IS DISTINCT FROM pg_temp.equality_by_catalog(t.oid)) AS differences
FROM pg_type t WHERE t.typtype <> 'p';
SELECT t.oid::regtype AS own_equality, timeline.equality_operator(t.oid) FROM pg_type t
WHERE t.typtype <> 'p' AND timeline.equality_operator(t.oid) <> 'OPERATOR(pg_catalog.=)' ORDER BY 1::text;
SELECT t::regtype, timeline.equality_operator(t) AS c, pg_temp.equality_by_catalog(t) AS catalog
FROM unnest(ARRAY['mcit.citext', 'mcit.d2', 'mcit.i2', 'mcit.a2', 'mcit.mood', 'varchar', 'text', 'int4[]',
                  'int8range', 'record', 'numeric', 'tid']::regtype[]) t;
SELECT timeline.equality_operator(NULL) IS NULL AS strict,
       timeline.equality_operator(0) AS no_such_type, pg_temp.equality_by_catalog(0) AS no_such_type_by_catalog;
-- work_sql (C) against the regular expression it replaced, over random
-- strings of the pieces that matter (a name followed by a word character
-- or by another name, names at the very end, already renamed ones)
CREATE FUNCTION pg_temp.work_sql_by_regexp(sql text, entity_type regtype) RETURNS text
LANGUAGE sql STABLE STRICT AS $f$
    SELECT regexp_replace(sql, E'pg_temp\\.timeline_(changes|fold)\\M',
                          E'pg_temp.timeline_\\1_' || current_user::regrole::oid || '_' || entity_type::oid, 'g')
$f$;
SELECT setseed(0.7);
WITH pieces(p) AS (
    SELECT ARRAY['pg_temp.timeline_', 'changes', 'fold', 'rebuild', '_', 'x', '9', ' ', '.', ',', '(',
                 'pg_temp.', 'timeline_', 'pg_temp.timeline_fold', 'pg_temp.timeline_changes_10_23', 'Fold']),
strings AS (
    SELECT g, string_agg(p[1 + floor(random() * cardinality(p))::int], '' ORDER BY i) AS sql
    FROM pieces, generate_series(1, 3000) g, generate_series(1, 1 + g % 12) i
    GROUP BY g)
SELECT count(*) AS strings,
       count(*) FILTER (WHERE timeline.work_sql(sql, 'int4') <> sql) > 300 AS renamed_some,
       count(*) FILTER (WHERE timeline.work_sql(sql, 'int4') IS DISTINCT FROM pg_temp.work_sql_by_regexp(sql, 'int4')) AS differences
FROM strings;
SELECT regexp_replace(timeline.work_sql(s, 'text'), '_[0-9]+_[0-9]+', '_<role>_<type>', 'g') AS work_sql
FROM unnest(ARRAY['TRUNCATE pg_temp.timeline_fold, pg_temp.timeline_rebuild', 'pg_temp.timeline_changes',
                  'pg_temp.timeline_changesx pg_temp.timeline_fold_1 pg_temp.timeline_rebuild.entity', '']) s;
SELECT timeline.work_sql(NULL, 'int4') IS NULL AND timeline.work_sql('x', NULL) IS NULL AS strict;
DROP SCHEMA mcit CASCADE;

-- a feature set over several sources of citext entities joins them with
-- citext's =, in feature_timelines and the materialized read view: 'Ab'
-- of one source and 'aB' of another are one entity (USING (entity) took
-- text's = under search_path pg_catalog: two rows); and three sources
-- make a read view (their states were joined as "s1 FULL JOIN s2 FULL
-- JOIN s3 USING (entity)", a syntax error that failed materialize)
CREATE SCHEMA mcit;
CREATE EXTENSION citext SCHEMA mcit;
CREATE TABLE mcx1 (who mcit.citext, ts timestamptz, v float8);
CREATE TABLE mcx2 (who mcit.citext, ts timestamptz, v float8);
CREATE TABLE mcx3 (who mcit.citext, ts timestamptz, v float8);
INSERT INTO mcx1 VALUES ('Ab', '2024-01-01', 1), ('only1', '2024-01-01', 2);
INSERT INTO mcx2 VALUES ('aB', '2024-01-01', 10), ('AB', '2024-01-02', 20), ('ONLY3', '2024-01-01', 30);
INSERT INTO mcx3 VALUES ('ab', '2024-01-01', 100), ('only3', '2024-01-01', 300);
SELECT timeline.create_source('mcx' || i, 'mcx' || i, 'who', 'ts', create_index => true) FROM generate_series(1, 3) i;
SELECT timeline.create_feature('mcx' || i || '_sum', 'mcx' || i, 'sum', 'v') FROM generate_series(1, 3) i;
SELECT timeline.create_feature_set('mcx2fs', ARRAY['mcx1_sum', 'mcx2_sum'], time_zone => 'UTC'),
       timeline.create_feature_set('mcx3fs', ARRAY['mcx1_sum', 'mcx2_sum', 'mcx3_sum'], time_zone => 'UTC');
SELECT entity, timeline.value_at(a, '2024-01-03') AS mcx1_sum, timeline.value_at(b, '2024-01-03') AS mcx2_sum
FROM timeline.feature_timelines('mcx2fs') AS f(entity mcit.citext, a timeline.timeline, b timeline.timeline) ORDER BY 1;
SELECT entity, timeline.value_at(a, '2024-01-03') AS mcx1_sum, timeline.value_at(b, '2024-01-03') AS mcx2_sum,
       timeline.value_at(c, '2024-01-03') AS mcx3_sum
FROM timeline.feature_timelines('mcx3fs') AS f(entity mcit.citext, a timeline.timeline, b timeline.timeline, c timeline.timeline)
ORDER BY 1;
SELECT timeline.materialize('mcx2fs');
SELECT timeline.materialize('mcx3fs', 'immediate');
INSERT INTO mcx3 VALUES ('AB', '2024-01-02', 1000);
SELECT * FROM timeline_state.mcx2fs ORDER BY 1;
SELECT * FROM timeline_state.mcx3fs ORDER BY 1;
SELECT timeline.as_of('mcx3fs', 'ab'::text, '2024-01-03') AS as_of_ab;
SELECT fs, (SELECT count(*) FROM timeline.verify(fs)) AS differences FROM unnest(ARRAY['mcx2fs', 'mcx3fs']) fs;
SELECT timeline.drop_materialization('mcx2fs'), timeline.drop_materialization('mcx3fs');
DROP TABLE mcx1, mcx2, mcx3;
DROP SCHEMA mcit CASCADE;

-- sources whose entities would compare otherwise once joined are not one
-- set: citext 'Ab' and 'aB' (one entity to its source's GROUP BY) met
-- text's 'Ab' only, through the common type text; a case-insensitive
-- column's 'Ab' met the case-sensitive one's 'Ab', 'aB' and 'AB' alike
-- (three rows sharing its timeline); two bigints that round to one double
-- were both that double's entity
CREATE SCHEMA mcit;
CREATE EXTENSION citext SCHEMA mcit;
CREATE TABLE mmx_ct (who mcit.citext, ts timestamptz, v float8);
CREATE TABLE mmx_tx (who text, ts timestamptz, v float8);
CREATE COLLATION mmxci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
CREATE TABLE mmx_ci (who text COLLATE mmxci, ts timestamptz, v float8);
CREATE TABLE mmx_c (who text COLLATE "C", ts timestamptz, v float8);
CREATE TABLE mmx_posix (who varchar(10) COLLATE "POSIX", ts timestamptz, v float8);
CREATE TABLE mmx_i8 (who int8, ts timestamptz, v float8);
CREATE TABLE mmx_f8 (who float8, ts timestamptz, v float8);
INSERT INTO mmx_tx VALUES ('Ab', '2024-01-01', 1), ('aB', '2024-01-01', 2), ('zz', '2024-01-01', 4);
INSERT INTO mmx_ct SELECT * FROM mmx_tx;
INSERT INTO mmx_ci SELECT * FROM mmx_tx;
INSERT INTO mmx_c VALUES ('Ab', '2024-01-01', 10), ('aB', '2024-01-01', 20);
INSERT INTO mmx_posix VALUES ('Ab', '2024-01-01', 100), ('yy', '2024-01-01', 200);
INSERT INTO mmx_i8 VALUES (9007199254740992, '2024-01-01', 1), (9007199254740993, '2024-01-01', 2);
INSERT INTO mmx_f8 VALUES (9007199254740992, '2024-01-01', 3);
SELECT timeline.create_source(t, t, 'who', 'ts', create_index => true)
FROM unnest(ARRAY['mmx_ct', 'mmx_tx', 'mmx_ci', 'mmx_c', 'mmx_posix', 'mmx_i8', 'mmx_f8']) t;
SELECT timeline.create_feature(t || '_sum', t, 'sum', 'v')
FROM unnest(ARRAY['mmx_ct', 'mmx_tx', 'mmx_ci', 'mmx_c', 'mmx_posix', 'mmx_i8', 'mmx_f8']) t;
SELECT timeline.create_feature_set('mmx_ct_tx', ARRAY['mmx_ct_sum', 'mmx_tx_sum']);
SELECT timeline.create_feature_set('mmx_tx_ci', ARRAY['mmx_tx_sum', 'mmx_ci_sum']);
SELECT timeline.create_feature_set('mmx_i8_f8', ARRAY['mmx_i8_sum', 'mmx_f8_sum']);
-- a domain compares as its base type
CREATE DOMAIN mmx_email AS text CHECK (VALUE LIKE '%@%');
CREATE TABLE mmx_dom (who mmx_email, ts timestamptz, v float8);
INSERT INTO mmx_dom VALUES ('a@x', '2024-01-01', 1000);
SELECT timeline.create_source('mmx_dom', 'mmx_dom', 'who', 'ts', create_index => true);
SELECT timeline.create_feature('mmx_dom_sum', 'mmx_dom', 'sum', 'v');
SELECT timeline.create_feature_set('mmx_dom_tx', ARRAY['mmx_dom_sum', 'mmx_tx_sum']);
SELECT entity, timeline.value_at(a, '2024-01-02') AS dom, timeline.value_at(b, '2024-01-02') AS tx
FROM timeline.feature_timelines('mmx_dom_tx') AS f(entity text, a timeline.timeline, b timeline.timeline)
ORDER BY entity COLLATE "C";
-- deterministic collations all compare bytes: one set, joined under the
-- first source's collation (three of them failed with 42P22, in
-- feature_timelines and materialize's read view)
SELECT timeline.create_feature_set('mmx_det', ARRAY['mmx_tx_sum', 'mmx_c_sum', 'mmx_posix_sum'], time_zone => 'UTC');
SELECT entity, timeline.value_at(a, '2024-01-02') AS tx, timeline.value_at(b, '2024-01-02') AS c,
       timeline.value_at(c, '2024-01-02') AS posix
FROM timeline.feature_timelines('mmx_det') AS f(entity text, a timeline.timeline, b timeline.timeline, c timeline.timeline)
ORDER BY entity COLLATE "C";
SELECT timeline.materialize('mmx_det');
SELECT entity, mmx_tx_sum, mmx_c_sum, mmx_posix_sum FROM timeline_state.mmx_det ORDER BY entity COLLATE "C";
SELECT count(*) AS differences FROM timeline.verify('mmx_det');
SELECT timeline.current('mmx_det', 'aB'::text) AS current_ab;
SELECT timeline.create_training_set('mmx_det_train', 'mmx_det',
    $$SELECT * FROM (VALUES ('aB', '2024-02-01'::timestamptz), ('yy', '2024-02-01'), ('AB', '2024-02-01')) s(who, ts)$$);
SELECT * FROM mmx_det_train ORDER BY who COLLATE "C";
SELECT count(*) AS training_differences FROM timeline.check_training_set('mmx_det_train');
DROP TABLE mmx_det_train;
SELECT timeline.drop_materialization('mmx_det');
-- the SQL feature_set_sql gives names the join's collation with its
-- schema: run under a search_path listing a schema of the caller's before
-- pg_catalog, its unqualified COLLATE "C" took that schema's
-- case-insensitive "C" (five rows for three entities)
SELECT timeline.create_feature_set('mmx_c_tx', ARRAY['mmx_c_sum', 'mmx_tx_sum']);
CREATE SCHEMA mmx_shadow;
CREATE COLLATION mmx_shadow."C" (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
SELECT timeline.feature_set_sql('mmx_c_tx') AS q \gset
SET search_path = mmx_shadow, pg_catalog, public;
SELECT entity, timeline.value_at(mmx_c_sum, '2024-01-02') AS c, timeline.value_at(mmx_tx_sum, '2024-01-02') AS tx
FROM (:q) f ORDER BY entity COLLATE pg_catalog."C";
RESET search_path;
DROP SCHEMA mmx_shadow CASCADE;
-- and a source retyped after the set was made is refused where it is read
ALTER TABLE mmx_c ALTER who TYPE mcit.citext;
SELECT count(*) FROM timeline.feature_timelines('mmx_det') AS f(entity text, a timeline.timeline, b timeline.timeline, c timeline.timeline);
SELECT timeline.materialize('mmx_det');
DROP TABLE mmx_ct, mmx_tx, mmx_ci, mmx_c, mmx_posix, mmx_i8, mmx_f8, mmx_dom;
DROP DOMAIN mmx_email;
DROP COLLATION mmxci;
DROP SCHEMA mcit CASCADE;

-- the families of types that join exactly, in either order, whatever the
-- set's first source: char(n) or name with text or varchar became the
-- set's type or the join's equality (varchar 'a ' and 'a' both met char(n)
-- 'a'; text 'a ' and 'a' were two rows of the read view's char(n) entity
-- 'a', and verify failed with 21000), timestamp and timestamptz met through
-- the time zone (the gap's 02:30 and 03:30 were two rows of one
-- timestamptz), arrays of other element types failed with 42883 when read;
-- a domain is its base type (a domain over text with text was refused)
CREATE DOMAIN mfam_dtext AS text;
CREATE TABLE mfam_tx (who text, ts timestamptz, v float8);
CREATE TABLE mfam_dt (who mfam_dtext, ts timestamptz, v float8);
CREATE TABLE mfam_vc (who varchar(10), ts timestamptz, v float8);
CREATE TABLE mfam_ch (who char(3), ts timestamptz, v float8);
CREATE TABLE mfam_nm (who name, ts timestamptz, v float8);
CREATE TABLE mfam_tsz (who timestamptz, ts timestamptz, v float8);
CREATE TABLE mfam_tsn (who timestamp, ts timestamptz, v float8);
CREATE TABLE mfam_i8a (who int8[], ts timestamptz, v float8);
CREATE TABLE mfam_f8a (who float8[], ts timestamptz, v float8);
INSERT INTO mfam_tx VALUES ('a', '2024-01-01', 1), ('a ', '2024-01-01', 2), ('b', '2024-01-01', 4);
INSERT INTO mfam_dt VALUES ('a', '2024-01-01', 10), ('c', '2024-01-01', 20);
INSERT INTO mfam_vc SELECT * FROM mfam_tx;
INSERT INTO mfam_ch VALUES ('a', '2024-01-01', 100);
SELECT timeline.create_source(t, t, 'who', 'ts', create_index => true)
FROM unnest(ARRAY['mfam_tx', 'mfam_dt', 'mfam_vc', 'mfam_ch', 'mfam_nm', 'mfam_tsz', 'mfam_tsn', 'mfam_i8a', 'mfam_f8a']) t;
SELECT timeline.create_feature(t || '_sum', t, 'sum', 'v')
FROM unnest(ARRAY['mfam_tx', 'mfam_dt', 'mfam_vc', 'mfam_ch', 'mfam_nm', 'mfam_tsz', 'mfam_tsn', 'mfam_i8a', 'mfam_f8a']) t;
SELECT timeline.create_feature_set('mfam_vc_ch', ARRAY['mfam_vc_sum', 'mfam_ch_sum']);
SELECT timeline.create_feature_set('mfam_tx_ch', ARRAY['mfam_tx_sum', 'mfam_ch_sum']);
SELECT timeline.create_feature_set('mfam_tx_nm', ARRAY['mfam_tx_sum', 'mfam_nm_sum']);
SELECT timeline.create_feature_set('mfam_tsn_tsz', ARRAY['mfam_tsn_sum', 'mfam_tsz_sum']);
SELECT timeline.create_feature_set('mfam_i8a_f8a', ARRAY['mfam_i8a_sum', 'mfam_f8a_sum']);
-- nor date with timestamp: a date after 294276 AD has no timestamp, and
-- every read of such a set failed with 22008
CREATE TABLE mfam_dte (who date, ts timestamptz, v float8);
INSERT INTO mfam_dte VALUES ('300000-01-01', '2024-01-01', 1);
SELECT timeline.create_source('mfam_dte', 'mfam_dte', 'who', 'ts', create_index => true);
SELECT timeline.create_feature('mfam_dte_sum', 'mfam_dte', 'sum', 'v');
SELECT timeline.create_feature_set('mfam_dte_tsn', ARRAY['mfam_dte_sum', 'mfam_tsn_sum']);
DROP TABLE mfam_dte;
SELECT timeline.create_feature_set('mfam_dt_tx_vc', ARRAY['mfam_dt_sum', 'mfam_tx_sum', 'mfam_vc_sum'], time_zone => 'UTC');
SELECT quote_literal(entity) AS entity, timeline.value_at(d, '2024-01-02') AS dt, timeline.value_at(t, '2024-01-02') AS tx,
       timeline.value_at(v, '2024-01-02') AS vc
FROM timeline.feature_timelines('mfam_dt_tx_vc') AS f(entity text, d timeline.timeline, t timeline.timeline, v timeline.timeline)
ORDER BY 1 COLLATE "C";
SELECT timeline.materialize('mfam_dt_tx_vc');
SELECT quote_literal(entity) AS entity, mfam_dt_sum, mfam_tx_sum, mfam_vc_sum FROM timeline_state.mfam_dt_tx_vc ORDER BY 1 COLLATE "C";
SELECT count(*) AS differences FROM timeline.verify('mfam_dt_tx_vc');
SELECT timeline.drop_materialization('mfam_dt_tx_vc');
DROP TABLE mfam_tx, mfam_dt, mfam_vc, mfam_ch, mfam_nm, mfam_tsz, mfam_tsn, mfam_i8a, mfam_f8a;
DROP DOMAIN mfam_dtext;

-- immediate mode's lock bucket of a multirange without a hash function
-- (its range's subtype, a composite of citext and bit, has none) comes from
-- its ranges as a range's comes from its bounds: it came from its text
-- form, which differs for two equal values, so their writers ran at once
CREATE SCHEMA mcit;
CREATE EXTENSION citext SCHEMA mcit;
CREATE TYPE mmr_key AS (e mcit.citext, b bit(1));
CREATE TYPE mmr_range AS RANGE (subtype = mmr_key);
SELECT mmr_multirange(mmr_range(('A', '1'), ('B', '1'))) = mmr_multirange(mmr_range(('a', '1'), ('b', '1'))) AS equal,
       timeline.entity_lock_bucket(mmr_multirange(mmr_range(('A', '1'), ('B', '1'))))
       = timeline.entity_lock_bucket(mmr_multirange(mmr_range(('a', '1'), ('b', '1')))) AS one_bucket,
       timeline.entity_lock_bucket(mmr_range(('A', '1'), ('B', '1')))
       = timeline.entity_lock_bucket(mmr_range(('a', '1'), ('b', '1'))) AS range_one_bucket;
DROP TYPE mmr_range;
DROP TYPE mmr_key;
DROP SCHEMA mcit CASCADE;

-- a type without a hash function is hashed by its binary form in the
-- database's encoding: tsvector's send writes its lexemes in the client's,
-- so a LATIN1 session took another bucket for an accented lexeme than a
-- UTF8 one, and its write of a lexeme LATIN1 cannot spell failed (22P05);
-- tsquery's equality ignores weights and prefix marks, its binary form not
CREATE TEMP TABLE mtsv_bucket AS SELECT timeline.entity_lock_bucket(chr(233)::tsvector) AS b;
SET client_encoding = 'LATIN1';
SELECT timeline.entity_lock_bucket(chr(233)::tsvector) = b AS latin1_same_bucket FROM mtsv_bucket;
DO $$
BEGIN
    IF current_setting('server_encoding') = 'UTF8' THEN
        EXECUTE 'SELECT timeline.entity_lock_bucket(chr(26085)::tsvector)';
    END IF;
END;
$$;
SHOW client_encoding;
RESET client_encoding;
DROP TABLE mtsv_bucket;
SELECT 'a:A & b'::tsquery = 'a:*B & b:C'::tsquery AS equal,
       timeline.entity_lock_bucket('a:A & b'::tsquery) = timeline.entity_lock_bucket('a:*B & b:C'::tsquery) AS one_bucket,
       timeline.entity_lock_bucket('a <1> b'::tsquery) = timeline.entity_lock_bucket('a <2> b'::tsquery) AS phrase_one_bucket;

-- a feature whose text names a work table (here in a literal) is folded
-- and rebuilt as written: the work tables' names were rewritten in the
-- whole statement, literal included, and the fold counted 1, not 2
CREATE TABLE mkev (uid int, ts timestamptz, tag text);
INSERT INTO mkev VALUES (1, '2024-01-01', 'pg_temp.timeline_changes');
SELECT timeline.create_source('mkev', 'mkev', 'uid', 'ts');
SELECT timeline.create_feature('mkev_n', 'mkev', 'count', filter => $$tag = 'pg_temp.timeline_changes'$$);
SELECT timeline.create_feature_set('mkev', ARRAY['mkev_n'], time_zone => 'UTC');
SELECT timeline.materialize('mkev');
INSERT INTO mkev VALUES (1, '2024-01-02', 'pg_temp.timeline_changes'), (2, '2024-01-02', 'pg_temp.timeline_changes');
SELECT timeline.refresh('mkev');
SELECT timeline.current('mkev', 1) AS folded, timeline.current('mkev', 2) AS rebuilt;
SELECT count(*) AS differences FROM timeline.verify('mkev');
SELECT timeline.drop_materialization('mkev');
DROP TABLE mkev;

-- immediate mode's work tables, over many writes
CREATE TABLE mlk (id bigint, user_id int, ts timestamptz, amount numeric, kind text);
SELECT timeline.create_source('mlk', 'mlk', 'user_id', 'ts', 'id', create_index => true);
SELECT timeline.create_feature('mlk_n', 'mlk', 'count');
SELECT timeline.create_feature_set('mlkfs', ARRAY['mlk_n'], time_zone => 'UTC');
SELECT timeline.materialize('mlkfs', 'immediate');
-- a transaction's statements hold a fixed number of locks (each created
-- temporary tables whose locks were kept to the end of the transaction: out
-- of shared memory after about 800 statements at the default settings)
BEGIN;
DO $$ BEGIN FOR i IN 1..10 LOOP
    INSERT INTO mlk VALUES (100 + i, 8, '2024-03-01'::timestamptz + i * interval '1 minute', 1, 'buy');
END LOOP; END $$;
SELECT count(*) AS locks_after_10 FROM pg_locks WHERE pid = pg_backend_pid() \gset
DO $$ BEGIN FOR i IN 11..60 LOOP
    INSERT INTO mlk VALUES (100 + i, 8, '2024-03-01'::timestamptz + i * interval '1 minute', 1, 'buy');
END LOOP; END $$;
SELECT count(*) - :locks_after_10 AS more_locks_after_60 FROM pg_locks WHERE pid = pg_backend_pid();
SELECT timeline.as_of('mlkfs', 8, '2024-03-02') ->> 'mlk_n' AS n_of_60;
ROLLBACK;
-- they belong to the transaction (kept for the session, they were owned by
-- the writing role in every session that wrote as it, and DROP ROLE failed
-- while one lived)
INSERT INTO mlk VALUES (17, 8, '2024-03-01', 1, 'buy');
SELECT to_regclass(timeline.work_sql('pg_temp.timeline_changes', 'int4')) IS NULL AS gone_after_commit;
DELETE FROM mlk WHERE id = 17;
-- writes alternating between sources of two entity types keep a set of
-- tables each (each write dropped and created the other type's: out of
-- shared memory again; found by a helper's bug hunt)
CREATE TABLE malt (id bigint, k text, ts timestamptz);
SELECT timeline.create_source('malt', 'malt', 'k', 'ts', 'id', create_index => true);
SELECT timeline.create_feature('malt_n', 'malt', 'count');
SELECT timeline.create_feature_set('maltfs', ARRAY['malt_n']);
SELECT timeline.materialize('maltfs', 'immediate');
BEGIN;
DO $$ BEGIN FOR i IN 1..10 LOOP
    INSERT INTO mlk VALUES (200 + i, 9, '2024-03-01'::timestamptz + i * interval '1 minute', 1, 'buy');
    INSERT INTO malt VALUES (i, 'a', '2024-03-01'::timestamptz + i * interval '1 minute');
END LOOP; END $$;
SELECT count(*) AS locks_after_10 FROM pg_locks WHERE pid = pg_backend_pid() \gset
DO $$ BEGIN FOR i IN 11..60 LOOP
    INSERT INTO mlk VALUES (200 + i, 9, '2024-03-01'::timestamptz + i * interval '1 minute', 1, 'buy');
    INSERT INTO malt VALUES (i, 'a', '2024-03-01'::timestamptz + i * interval '1 minute');
END LOOP; END $$;
SELECT count(*) - :locks_after_10 AS more_locks_after_60_pairs FROM pg_locks WHERE pid = pg_backend_pid();
SELECT timeline.current('mlkfs', 9) ->> 'mlk_n' AS n_int, timeline.current('maltfs', 'a'::text) ->> 'malt_n' AS n_text;
ROLLBACK;
SELECT timeline.drop_materialization('maltfs');
DROP TABLE malt;
SELECT timeline.drop_materialization('mlkfs');
DROP TABLE mlk;

-- immediate mode: a writer to whom the source's row-level security applies
-- leaves its changes in the log for the next refresh (they rebuilt the
-- entity from the rows it sees, 5 instead of 35, for every reader)
CREATE ROLE regress_timeline_rls;
CREATE TABLE mrls (uid int, ts timestamptz, v float8, tenant text);
ALTER TABLE mrls ENABLE ROW LEVEL SECURITY;
CREATE POLICY own ON mrls USING (tenant = current_user);
GRANT SELECT, INSERT ON mrls TO regress_timeline_rls;
INSERT INTO mrls VALUES (1, '2024-01-01', 10, 'other'), (1, '2024-01-03', 20, 'other');
SELECT timeline.create_source('mrls', 'mrls', 'uid', 'ts');
SELECT timeline.create_feature('mrls_sum', 'mrls', 'sum', 'v');
SELECT timeline.create_feature_set('mrlsfs', ARRAY['mrls_sum'], time_zone => 'UTC');
SELECT timeline.materialize('mrlsfs', 'immediate');
DO $$ BEGIN
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO regress_timeline_rls',
                   (SELECT state_table FROM timeline.materializations WHERE feature_set = 'mrlsfs'));
END $$;
SET ROLE regress_timeline_rls;
INSERT INTO mrls VALUES (1, '2024-01-02', 5, 'regress_timeline_rls');
SELECT count(*) AS rows_it_sees FROM mrls;
RESET ROLE;
SELECT timeline.current('mrlsfs', 1) AS before_refresh;
SELECT timeline.refresh('mrlsfs');
SELECT timeline.current('mrlsfs', 1) AS after_refresh;
SELECT count(*) AS differences FROM timeline.verify('mrlsfs');
SELECT timeline.drop_materialization('mrlsfs');
DROP TABLE mrls;
DROP ROLE regress_timeline_rls;

-- a read casts the entity to the state's type only by a cast that runs no
-- code: the state owner's cast from text to its composite entity type ran
-- the owner's function with the reader's rights (a superuser's here)
CREATE ROLE regress_timeline_castowner;
CREATE SCHEMA mcast AUTHORIZATION regress_timeline_castowner;
SET ROLE regress_timeline_castowner;
CREATE TYPE mcast.c AS (x int);
CREATE TABLE mcast.ev (e mcast.c, ts timestamptz, v int);
INSERT INTO mcast.ev VALUES (ROW(1), '2024-01-01', 5), (ROW(1), '2024-01-02', 7);
CREATE FUNCTION mcast.from_text(text) RETURNS mcast.c LANGUAGE plpgsql AS
$$ BEGIN RAISE NOTICE 'the state owner''s cast ran as %', current_user; RETURN ROW(1)::mcast.c; END $$;
CREATE CAST (text AS mcast.c) WITH FUNCTION mcast.from_text(text) AS ASSIGNMENT;
SELECT timeline.create_source('mcast', 'mcast.ev', 'e', 'ts', create_index => true);
SELECT timeline.create_feature('mcast_sum', 'mcast', 'sum', 'v');
SELECT timeline.create_feature_set('mcastfs', ARRAY['mcast_sum'], time_zone => 'UTC');
SELECT timeline.materialize('mcastfs');
RESET ROLE;
SELECT timeline.current('mcastfs', ROW(1)::mcast.c) AS by_its_type;
SELECT timeline.current('mcastfs', '(1)'::text) AS by_text;
-- nor does a training set's spine (its maker's rights)
SELECT timeline.create_training_set('pg_temp.mcast_ts', 'mcastfs', $$SELECT '(1)'::text AS e, timestamptz '2024-01-03' AS ts$$);
SET ROLE regress_timeline_castowner;
SELECT timeline.drop_materialization('mcastfs');
RESET ROLE;
SET client_min_messages = warning;
DROP SCHEMA mcast CASCADE;
RESET client_min_messages;
DROP ROLE regress_timeline_castowner;

-- leave the catalog empty
TRUNCATE timeline.training_set_def, timeline.feature_set_member, timeline.feature_set_def,
         timeline.feature_def, timeline.source_def, timeline.materialization_def,
         timeline.materialization_source;
