# test/t/003_pg_upgrade.pl: a cluster holding timeline data survives
# pg_upgrade (15 to 15, the same binaries: the testable case), in copy mode
# (and link mode with TL_UPGRADE_LINK=1): everything readable is the same
# afterwards, and everything still works.
#
# Run by test/tap.sh (installcheck style: the installed PostgreSQL 15 and
# timeline).  The old node (shared_preload_libraries = 'timeline', as the
# README recommends) gets:
#   - stored timelines in a user table: empty, NULL, small discrete and
#     continuous ones with implicit and explicit seqs, -0 and NaN, and
#     TOASTed ones of 30,000 and 20,000 points, with a hash index on the
#     timeline column;
#   - a source of 5,000 events, features (two versions of one, a trailing
#     window, a since() window, filters), two feature sets (one pinning the
#     old version, one in another time zone), a training set;
#   - fs_def materialized deferred and fs_imm immediate, changes (inserts,
#     updates, deletes) folded by one refresh, then more changes left pending
#     in fs_def's change log;
#   - a range-partitioned source materialized immediate (fs_part), with a
#     partition created after materialize (its capture triggers added by the
#     event trigger);
#   - a table hash-partitioned by a timeline column.
# It records a fingerprint of everything readable: the stored timelines'
# text and readings, the catalog's views, the training set and
# check_training_set, the materializations' catalog rows, change logs and
# state tables (md5 of every row), current() and as_of() of 260 entities
# for the three sets, feature_timelines, verify, which partition holds each
# row of the hash-partitioned table, the extension's members, initial
# privileges, table ACLs, row-level security policies, config tables,
# triggers and event triggers.
# Then pg_upgrade --check and pg_upgrade (copy mode) into a fresh node, and:
#   - the fingerprint is the same, and so is pg_dump --schema-only;
#   - new events reach the three materializations, also through a
#     partition created after the upgrade (the capture triggers and the
#     event triggers work, refresh empties the log, verify returns no rows,
#     a count read from the state equals count(*));
#   - the hash index answers tl = ... (enable_seqscan = off, its plan shown);
#     rows inserted into the hash-partitioned table go to the partitions
#     the same values went to before, and tl = ... finds old and new rows;
#   - a new feature, feature set, materialization (its tables numbered after
#     the old ones by the carried-over sequence) and training set work;
#   - ALTER EXTENSION timeline UPDATE is a no-op; a full pg_dump restores
#     (psql, ON_ERROR_STOP) into a new database with the same fingerprint;
#   - DROP EXTENSION timeline CASCADE leaves nothing of it: no schema, event
#     trigger, trigger, type, function, operator class, policy, initial
#     privilege or dangling dependency, the same as in the restored
#     database (where the extension was made by a plain CREATE EXTENSION).
# With TL_UPGRADE_LINK=1 (about 15 s more), last, pg_upgrade --link of the
# old node (left intact by copy mode) into a third node (without --check,
# which was run above): the same fingerprint, and a refresh, verify, the
# hash index and hash partitioning work there.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $db = 'postgres';
my $old = PostgreSQL::Test::Cluster->new('old');
$old->init;
$old->append_conf('postgresql.conf', "shared_preload_libraries = 'timeline'\n");
$old->start;

$old->safe_psql($db, q{
CREATE EXTENSION timeline;
CREATE TABLE store (id int PRIMARY KEY, note text, tl timeline.timeline);
INSERT INTO store VALUES
  (1, 'empty', 'discrete{}'),
  (2, 'small continuous', 'continuous{2024-01-01 00:00+00=>1.5, 2024-01-02 00:00+00=>NULL}'),
  (3, 'null', NULL),
  (4, 'ties, -0, NaN', 'discrete{2024-01-01 00:00+00=>-0, 2024-01-01 00:00+00=>NaN}');
INSERT INTO store SELECT 5, 'toasted discrete, explicit seqs',
  timeline.timeline_agg(timestamptz '2024-01-01 00:00+00' + (g / 3) * interval '1 minute', g, 1000 - g)
  FROM generate_series(1, 30000) g;
INSERT INTO store SELECT 6, 'toasted continuous',
  timeline.sum(timeline.timeline_agg(timestamptz '2024-01-01 00:00+00' + g * interval '1 minute', g))
  FROM generate_series(1, 20000) g;
INSERT INTO store SELECT 7, 'small, explicit seqs',
  timeline.timeline_agg(timestamptz '2024-01-01 00:00+00' + (g / 2) * interval '1 hour', g * 0.5, g)
  FROM generate_series(1, 10) g;
CREATE INDEX store_tl_hash ON store USING hash (tl);

CREATE TABLE ev (id bigserial PRIMARY KEY, entity int NOT NULL, ts timestamptz NOT NULL,
                 amount float8, kind text NOT NULL);
INSERT INTO ev (entity, ts, amount, kind)
SELECT 1 + g % 200, timestamptz '2024-01-01 00:00+00' + (g * 7919 % 30000) * interval '1 minute',
       (g * 31 % 1000) / 8.0 - 25, (ARRAY['buy', 'view', 'login', 'buy'])[1 + g * 13 % 4]
FROM generate_series(1, 5000) g;
SET client_min_messages = warning;
SELECT timeline.create_source('ev', 'ev', 'entity', 'ts', 'id', create_index => true);
SELECT timeline.create_feature('n', 'ev', 'count');
SELECT timeline.create_feature('total', 'ev', 'sum', 'amount', description => 'money');
SELECT timeline.create_feature('total', 'ev', 'sum', 'amount * 2');
SELECT timeline.create_feature('n_1d', 'ev', 'count', NULL, '1 day');
SELECT timeline.create_feature('buys_since_login', 'ev', 'count', NULL, 'since(kind = ''login'')',
                               $$kind = 'buy'$$);
SELECT timeline.create_feature('max_buy', 'ev', 'max', 'amount', NULL, $$kind = 'buy'$$);
SELECT timeline.create_feature_set('fs_def', ARRAY['n', 'total@1', 'n_1d', 'buys_since_login', 'max_buy']);
SELECT timeline.create_feature_set('fs_imm', ARRAY['n', 'total', 'n_1d', 'buys_since_login', 'max_buy'],
                                   time_zone => 'America/New_York');
CREATE TABLE spine AS
SELECT e AS entity, timestamptz '2024-01-05 00:00+00' + (e % 7) * interval '1 day' AS t
FROM generate_series(1, 200, 3) e;
SELECT timeline.create_training_set('public.train', 'fs_def', 'SELECT entity, t FROM spine',
                                    'count(ev)', '2 days');
SELECT timeline.materialize('fs_def');
SELECT timeline.materialize('fs_imm', 'immediate');
INSERT INTO ev (entity, ts, amount, kind)
SELECT 1 + g % 250, timestamptz '2024-02-01 00:00+00' + g * interval '1 minute', g % 97,
       (ARRAY['buy', 'login', 'view'])[1 + g % 3]
FROM generate_series(1, 500) g;
UPDATE ev SET amount = amount + 1 WHERE id % 97 = 3;
DELETE FROM ev WHERE id % 113 = 5;
SELECT timeline.refresh('fs_def');
-- left pending in fs_def's change log: late events and deletes
INSERT INTO ev (entity, ts, amount, kind)
SELECT 1 + g % 50, timestamptz '2024-01-10 00:00+00' + g * interval '7 minute', g % 13, 'buy'
FROM generate_series(1, 300) g;
DELETE FROM ev WHERE id % 211 = 7;

-- a partitioned source, materialized immediate, with a partition made since
CREATE TABLE pev (id bigserial, entity int NOT NULL, ts timestamptz NOT NULL, amount float8)
  PARTITION BY RANGE (ts);
CREATE TABLE pev_01 PARTITION OF pev FOR VALUES FROM ('2024-01-01 00:00+00') TO ('2024-02-01 00:00+00');
CREATE TABLE pev_02 PARTITION OF pev FOR VALUES FROM ('2024-02-01 00:00+00') TO ('2024-03-01 00:00+00');
INSERT INTO pev (entity, ts, amount)
SELECT 1 + g % 40, timestamptz '2024-01-01 00:00+00' + g * interval '17 minute', g % 23
FROM generate_series(1, 3000) g;
SELECT timeline.create_source('pev', 'pev', 'entity', 'ts', 'id');
SELECT timeline.create_feature('pn', 'pev', 'count');
SELECT timeline.create_feature('psum_7d', 'pev', 'sum', 'amount', '7 days');
SELECT timeline.create_feature_set('fs_part', ARRAY['pn', 'psum_7d']);
SELECT timeline.materialize('fs_part', 'immediate');
CREATE TABLE pev_03 PARTITION OF pev FOR VALUES FROM ('2024-03-01 00:00+00') TO ('2024-04-01 00:00+00');
INSERT INTO pev (entity, ts, amount)
SELECT 1 + g % 50, timestamptz '2024-02-20 00:00+00' + g * interval '13 minute', g % 7
FROM generate_series(1, 2000) g;

-- a table hash-partitioned by a timeline column
CREATE TABLE hp (id int, tl timeline.timeline) PARTITION BY HASH (tl);
CREATE TABLE hp0 PARTITION OF hp FOR VALUES WITH (MODULUS 3, REMAINDER 0);
CREATE TABLE hp1 PARTITION OF hp FOR VALUES WITH (MODULUS 3, REMAINDER 1);
CREATE TABLE hp2 PARTITION OF hp FOR VALUES WITH (MODULUS 3, REMAINDER 2);
INSERT INTO hp SELECT id, tl FROM store WHERE tl IS NOT NULL;
});

# everything readable, one line per item
my $fingerprint_sql = q{
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SELECT 'store ' || count(*) || ' ' || md5(string_agg(id || ':' || coalesce(tl::text, 'NULL'), ',' ORDER BY id)) FROM store;
SELECT 'store readings ' || md5(string_agg(concat_ws(' ', id, timeline.num_points(tl), timeline.first_time(tl),
        timeline.last_time(tl), timeline.value_at(tl, '2024-01-05'), timeline.kind(tl)), ',' ORDER BY id)) FROM store;
SELECT 'ev ' || count(*) || ' ' || sum(id) FROM ev;
SELECT 'sources ' || md5(string_agg(s::text, ',' ORDER BY s::text)) FROM timeline.sources s;
SELECT 'features ' || md5(string_agg(f::text, ',' ORDER BY f::text)) FROM timeline.feature_versions f;
SELECT 'feature_sets ' || md5(string_agg(f::text, ',' ORDER BY f::text)) FROM timeline.feature_sets f;
SELECT 'training_sets ' || md5(string_agg(f::text, ',' ORDER BY f::text)) FROM timeline.training_sets f;
SELECT 'train ' || count(*) || ' ' || md5(string_agg(t::text, ',' ORDER BY t::text)) FROM train t;
SELECT 'check_training_set ' || md5(coalesce(string_agg(c::text, ',' ORDER BY c::text), '-'))
  FROM timeline.check_training_set('train', 1000) c;
SELECT 'materializations ' || md5(string_agg(m::text, ',' ORDER BY m.feature_set)) FROM timeline.materializations m;
SELECT 'materialization_source ' || md5(string_agg(m::text, ',' ORDER BY m.id)) FROM timeline.materialization_source m;
SELECT 'materialization_id_seq ' || last_value FROM timeline.materialization_id_seq;
SELECT 'table ' || format('%I', t) || ' ' || (xpath('/row/d/text()', query_to_xml(
         format('SELECT count(*) || '' '' || coalesce(md5(string_agg(s::text, '','' ORDER BY s::text)), ''-'') AS d
                 FROM timeline_state.%I s', t), false, true, '')))[1]::text
  FROM timeline.materialization_source m, LATERAL (VALUES (m.state_table), (m.log_table)) v(t) ORDER BY m.id, t;
SELECT 'current ' || fs || ' ' || md5(string_agg(c.entity || ':' || c.features::text, ',' ORDER BY c.entity))
  FROM unnest(ARRAY['fs_def', 'fs_imm', 'fs_part']) fs, timeline.current(fs, ARRAY(SELECT generate_series(1, 260))) c
  GROUP BY fs ORDER BY fs;
SELECT 'as_of ' || fs || ' ' || md5(string_agg(timeline.as_of(fs, e, '2024-06-01')::text, ',' ORDER BY e))
  FROM unnest(ARRAY['fs_def', 'fs_imm', 'fs_part']) fs, generate_series(1, 260) e GROUP BY fs ORDER BY fs;
SELECT 'feature_timelines ' || md5(string_agg(f::text, ',' ORDER BY f.entity))
  FROM timeline.feature_timelines('fs_def') AS f(entity int, n timeline.timeline, total timeline.timeline,
       n_1d timeline.timeline, b timeline.timeline, m timeline.timeline);
SELECT 'verify ' || fs || ' ' || count(v.entity)
  FROM unnest(ARRAY['fs_def', 'fs_imm', 'fs_part']) fs LEFT JOIN LATERAL timeline.verify(fs) v ON true
  GROUP BY fs ORDER BY fs;
SELECT 'pev ' || count(*) || ' ' || sum(id) || ' ' || count(DISTINCT tableoid) FROM pev;
SELECT 'hp ' || string_agg(tableoid::regclass || ':' || id, ' ' ORDER BY id) FROM hp;
SELECT 'members ' || count(*) || ' ' || md5(string_agg(x, ',' ORDER BY x))
  FROM (SELECT pg_describe_object(classid, objid, objsubid) AS x
        FROM pg_depend WHERE refclassid = 'pg_extension'::regclass AND deptype = 'e'
         AND refobjid = (SELECT oid FROM pg_extension WHERE extname = 'timeline')) m;
SELECT 'init_privs ' || count(*) || ' ' || md5(string_agg(x, ',' ORDER BY x))
  FROM (SELECT pg_describe_object(classoid, objoid, objsubid) || ' ' || privtype::text || ' ' || initprivs::text AS x
        FROM pg_init_privs WHERE objoid >= 16384) p;
SELECT 'acls ' || md5(string_agg(x, ',' ORDER BY x))
  FROM (SELECT c.oid::regclass::text || ' ' || coalesce(c.relacl::text, '-') || ' ' || c.relrowsecurity::text AS x
        FROM pg_class c WHERE c.relnamespace IN ('timeline'::regnamespace, 'timeline_state'::regnamespace,
                                                 'public'::regnamespace)) a;
SELECT 'schema acls ' || string_agg(nspname || ' ' || coalesce(nspacl::text, '-'), ', ' ORDER BY nspname)
  FROM pg_namespace WHERE nspname IN ('timeline', 'timeline_state');
SELECT 'policies ' || md5(string_agg(x, ',' ORDER BY x))
  FROM (SELECT polrelid::regclass::text || ' ' || polname || ' ' || polcmd::text || ' '
               || coalesce(pg_get_expr(polqual, polrelid), '-') || ' '
               || coalesce(pg_get_expr(polwithcheck, polrelid), '-') AS x FROM pg_policy) p;
SELECT 'config ' || extconfig::regclass[]::text || ' ' || extcondition::text || ' ' || extversion
  FROM pg_extension WHERE extname = 'timeline';
SELECT 'triggers ' || string_agg(x, ', ' ORDER BY x)
  FROM (SELECT tgrelid::regclass::text || '.' || tgname || ' ' || tgenabled::text AS x
        FROM pg_trigger WHERE NOT tgisinternal) t;
SELECT 'event triggers ' || string_agg(evtname || ' ' || evtevent || ' ' || evtenabled::text, ', ' ORDER BY evtname)
  FROM pg_event_trigger;
};

sub fingerprint
{
	my ($node, $dbname) = @_;
	return $node->safe_psql($dbname // $db, $fingerprint_sql);
}

my $before = fingerprint($old);
like($before, qr/^verify fs_def 0\nverify fs_imm 0\nverify fs_part 0$/m, 'old node: verify returns no rows for the three sets');
like($before, qr/^hp (hp\d:\d ){5}hp\d:7$/m, 'old node: six timelines in hp');
like($before, qr/^table log_1 78 /m, 'old node: fs_def has pending changes');

# pg_dump --schema-only, without psql's \restrict key (random per run)
sub dump_schema
{
	my ($node) = @_;
	my ($out, $err) = run_command([ 'pg_dump', '--schema-only', '-d', $node->connstr($db) ]);
	die "pg_dump failed: $err" if $? != 0;
	$out =~ s/^\\(un)?restrict .*$//mg;
	return $out;
}

my $schema_before = dump_schema($old);
$old->stop;

# pg_upgrade writes its scripts into the working directory: run it in tmp_check
my ($bindir) = run_command([ 'pg_config', '--bindir' ]);
chomp $bindir;
chdir $PostgreSQL::Test::Utils::tmp_check;

sub upgrade
{
	my ($new, $check, @mode) = @_;
	my @cmd = ('pg_upgrade', '--no-sync', '-d', $old->data_dir, '-D', $new->data_dir,
		'-b', $bindir, '-B', $bindir, '-s', $new->host, '-p', $old->port, '-P', $new->port, @mode);
	my $name = join(' ', 'pg_upgrade', @mode);
	command_ok([ @cmd, '--check' ], "$name --check accepts the cluster") if $check;
	ok(run_log(\@cmd), $name)
	  or BAIL_OUT('pg_upgrade failed: see ' . $new->data_dir . '/pg_upgrade_output.d');
}

my $new = PostgreSQL::Test::Cluster->new('new');
$new->init;
$new->append_conf('postgresql.conf', "shared_preload_libraries = 'timeline'\n");
upgrade($new, 1);
$new->start;

is(fingerprint($new), $before, 'copy mode: everything readable is the same after pg_upgrade');
is(dump_schema($new), $schema_before, 'copy mode: pg_dump --schema-only is the same');

# everything still works
$new->safe_psql($db, q{
INSERT INTO ev (entity, ts, amount, kind)
SELECT 1 + g % 300, timestamptz '2024-03-01 00:00+00' + g * interval '1 minute', g % 11, 'buy'
FROM generate_series(1, 400) g;
UPDATE ev SET kind = 'login' WHERE id % 101 = 1;
INSERT INTO pev (entity, ts, amount)
SELECT 1 + g % 60, timestamptz '2024-01-15 00:00+00' + g * interval '61 minute', g % 5
FROM generate_series(1, 1500) g;
CREATE TABLE pev_04 PARTITION OF pev FOR VALUES FROM ('2024-04-01 00:00+00') TO ('2024-05-01 00:00+00');
INSERT INTO pev (entity, ts, amount) VALUES (7, '2024-04-02 00:00+00', 1), (77, '2024-04-03 00:00+00', 2);
DELETE FROM pev WHERE id % 37 = 1;
});
is($new->safe_psql($db, 'SELECT count(*) > 78 FROM timeline_state.log_1'), 't',
	'new events reach the deferred change log');
is($new->safe_psql($db, "SELECT timeline.refresh('fs_def') > 0"), 't', 'refresh folds them');
is($new->safe_psql($db, q{
SELECT string_agg(fs || ' ' || v.entity || ' ' || v.feature, ', ')
FROM unnest(ARRAY['fs_def', 'fs_imm', 'fs_part']) fs, timeline.verify(fs) v}), '',
	'verify returns no rows for any set after new events (and a new partition)');
is($new->safe_psql($db, 'SELECT count(*) FROM timeline_state.log_1'), '0', 'the change log is empty');
is($new->safe_psql($db, q{
SELECT count(*) FROM (SELECT entity, count(*) AS n FROM ev GROUP BY entity) e
WHERE (timeline.current('fs_def', e.entity)->>'n')::float8 IS DISTINCT FROM e.n
   OR (timeline.current('fs_imm', e.entity)->>'n')::float8 IS DISTINCT FROM e.n}), '0',
	'current() of both sets counts every entity\'s events');
is($new->safe_psql($db, q{
SELECT count(*) FROM (SELECT entity, count(*) AS n FROM pev GROUP BY entity) e
WHERE (timeline.current('fs_part', e.entity)->>'pn')::float8 IS DISTINCT FROM e.n}), '0',
	'current() of the partitioned source\'s set counts every entity\'s events');

my $hash_sql = q{
SET search_path = public, timeline;
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT id FROM store WHERE tl = 'discrete{2024-01-01 00:00+00=>0, 2024-01-01 00:00+00=>NaN}';
SELECT string_agg(id::text, ' ' ORDER BY id) FROM store
WHERE tl IN ((SELECT s.tl FROM store s WHERE s.id = 5), (SELECT s.tl FROM store s WHERE s.id = 6),
             'discrete{2024-01-01 00:00+00=>0, 2024-01-01 00:00+00=>NaN}',
             'continuous{2024-01-01 00:00+00=>1.5, 2024-01-02 00:00+00=>NULL}', 'discrete{}');
-- rows routed now go where the same values went before, and tl = ... (pruned
-- to one partition by the same hash) finds old and new rows
INSERT INTO hp SELECT id + 100, tl FROM store WHERE tl IS NOT NULL;
SELECT 'misrouted ' || count(*) FROM hp a JOIN hp b ON b.id = a.id + 100 WHERE a.tableoid <> b.tableoid;
SELECT 'found ' || count(*) FROM store s WHERE s.tl IS NOT NULL
   AND (SELECT count(*) FROM hp WHERE hp.tl = s.tl) = 2;
DELETE FROM hp WHERE id > 100;
};
my $hash = $new->safe_psql($db, $hash_sql);
like($hash, qr/Index Cond: \(tl = /, 'the hash index is used for tl = ...');
like($hash, qr/^1 2 4 5 6$/m, 'the hash index finds small, TOASTed and -0 timelines');
like($hash, qr/^misrouted 0\nfound 6$/m, 'hash partitioning by a timeline routes and finds rows as before');

$new->safe_psql($db, q{
SET client_min_messages = warning;
SELECT timeline.create_feature('n_7d', 'ev', 'count', NULL, '7 days');
SELECT timeline.create_feature_set('fs_new', ARRAY['n', 'n_7d']);
SELECT timeline.materialize('fs_new');
SELECT timeline.create_training_set('public.train2', 'fs_new', 'SELECT entity, t FROM spine', 'count(ev)', '2 days');
});
is($new->safe_psql($db, "SELECT state_table || ' ' || log_table FROM timeline.materialization_source WHERE feature_set = 'fs_new'"),
	'state_4 log_4', 'a new materialization is numbered after the old ones');
is($new->safe_psql($db, "SELECT count(*) FROM timeline.verify('fs_new')"), '0', 'the new materialization verifies');
is($new->safe_psql($db, "SELECT count(*) FROM timeline.check_training_set('train2')"), '0',
	'a new training set checks');

my ($ret, $stdout, $stderr) = $new->psql($db, 'ALTER EXTENSION timeline UPDATE');
is($ret, 0, 'ALTER EXTENSION timeline UPDATE succeeds');
like($stderr, qr/version "0.1" of extension "timeline" is already installed/, 'ALTER EXTENSION timeline UPDATE is a no-op');

# a full dump of the upgraded cluster restores
my $dump = "$PostgreSQL::Test::Utils::tmp_check/upgraded.sql";
command_ok([ 'pg_dump', '-f', $dump, '-d', $new->connstr($db) ], 'pg_dump of the upgraded cluster');
$new->safe_psql($db, 'CREATE DATABASE restored');
command_ok([ 'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-f', $dump, '-d', $new->connstr('restored') ],
	'its dump restores into a new database');
is(fingerprint($new, 'restored'), fingerprint($new), 'the restored database reads the same');

# DROP EXTENSION ... CASCADE leaves nothing, in the upgraded database as in
# the restored one (made by a plain CREATE EXTENSION, not pg_upgrade's)
my $leftovers_sql = q{
SET client_min_messages = warning;
DROP EXTENSION timeline CASCADE;
SELECT 'schema ' || nspname FROM pg_namespace WHERE nspname LIKE 'timeline%';
SELECT 'event trigger ' || evtname FROM pg_event_trigger;
SELECT 'trigger ' || tgrelid::regclass || '.' || tgname FROM pg_trigger WHERE NOT tgisinternal;
SELECT 'relation ' || oid::regclass || ' ' || relkind::text FROM pg_class
 WHERE oid >= 16384 AND relnamespace <> 'pg_toast'::regnamespace ORDER BY 1;
SELECT 'column ' || attrelid::regclass || '.' || attname FROM pg_attribute
 WHERE attrelid IN ('store'::regclass, 'ev'::regclass, 'pev'::regclass) AND attnum > 0 AND NOT attisdropped ORDER BY 1;
SELECT 'type ' || t.oid::regtype FROM pg_type t
 WHERE t.oid >= 16384 AND t.typrelid = 0
   AND NOT EXISTS (SELECT 1 FROM pg_type e WHERE e.oid = t.typelem AND e.typrelid <> 0);
SELECT 'function ' || oid::regprocedure FROM pg_proc WHERE oid >= 16384;
SELECT 'operator ' || oid::regoperator FROM pg_operator WHERE oid >= 16384;
SELECT 'opclass ' || opcname FROM pg_opclass WHERE oid >= 16384;
SELECT 'opfamily ' || opfname FROM pg_opfamily WHERE oid >= 16384;
SELECT 'cast ' || castsource::regtype || ' ' || casttarget::regtype FROM pg_cast WHERE oid >= 16384;
SELECT 'policy ' || polname FROM pg_policy;
SELECT 'init_privs ' || objoid FROM pg_init_privs WHERE objoid >= 16384;
SELECT 'dangling ' || classid::regclass || ' ' || objid || ' -> ' || refclassid::regclass || ' ' || refobjid
  FROM pg_depend WHERE (classid <> 0 AND pg_describe_object(classid, objid, objsubid) IS NULL)
                    OR (refclassid <> 0 AND pg_describe_object(refclassid, refobjid, 0) IS NULL);
};
my $left_restored = $new->safe_psql('restored', $leftovers_sql);
my $left_new = $new->safe_psql($db, $leftovers_sql);
is($left_new, $left_restored,
	'DROP EXTENSION timeline CASCADE leaves the same on the upgraded database as on the restored one');
unlike($left_new, qr/^(schema|event trigger|trigger|type|function|operator|opclass|opfamily|cast|policy|init_privs|dangling) /m,
	'DROP EXTENSION timeline CASCADE leaves nothing of timeline');
like($left_new, qr/^column store\.id\ncolumn store\.note$/m, 'the timeline column went with it');
unlike($left_new, qr/^relation hp/m, 'and the table partitioned by a timeline');
$new->stop;

# link mode, from the same old node (it cannot be started after this): about
# 15 s more, so only with TL_UPGRADE_LINK=1
if ($ENV{TL_UPGRADE_LINK})
{
	my $linked = PostgreSQL::Test::Cluster->new('linked');
	$linked->init;
	$linked->append_conf('postgresql.conf', "shared_preload_libraries = 'timeline'\n");
	upgrade($linked, 0, '--link');
	$linked->start;
	is(fingerprint($linked), $before, 'link mode: everything readable is the same after pg_upgrade');
	$linked->safe_psql($db, q{
	INSERT INTO ev (entity, ts, amount, kind) VALUES (7, '2024-04-01 00:00+00', 1, 'buy'), (999, '2024-04-01 00:00+00', 2, 'view');
	SELECT timeline.refresh('fs_def');
	});
	is($linked->safe_psql($db, q{
	SELECT count(*) FROM unnest(ARRAY['fs_def', 'fs_imm', 'fs_part']) fs, timeline.verify(fs)}), '0',
		'link mode: refresh and verify work');
	like($linked->safe_psql($db, $hash_sql), qr/^1 2 4 5 6\n.*^misrouted 0\nfound 6$/ms,
		'link mode: the hash index and hash partitioning answer');
	$linked->stop;
}

done_testing();
