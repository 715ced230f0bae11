# test/t/004_unloaded_session.pl: timeline's planner hooks in a session that
# has not loaded the library (no shared_preload_libraries, the common case
# of CREATE EXTENSION alone).
#
# Run by test/tap.sh (installcheck style: the installed PostgreSQL 15 and
# timeline).  One node without shared_preload_libraries; a source table mbo
# of 20,000 events of 1,000 entities in arrival order with an index on
# (user_id, ts), and work_mem small enough that PostgreSQL plans a GROUP BY
# of every entity's timeline as a full scan of that index (one random heap
# read per event).  Every psql below is a new session:
#   - a query of the user's own is planned before the library is loaded, so
#     timeline.avoid_random_index_scans cannot act (the README says so) and
#     the index scan stays; after timeline.load_hooks() in the same session
#     the hook costs it as disabled;
#   - materialize, verify, feature_timelines, feature_stats and
#     create_training_set, each the first statement of its session and with
#     the caller's setting off, read the source without its index (the
#     transaction's scan counters of the table and the index) and leave the
#     caller's setting off;
#   - create_training_set after a SET of the setting rolled back before the
#     library was loaded (a placeholder reading as '').
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $db = 'postgres';
my $node = PostgreSQL::Test::Cluster->new('unloaded');
$node->init;
$node->append_conf('postgresql.conf', "max_parallel_workers_per_gather = 0\nwork_mem = '64kB'\n");
$node->start;

$node->safe_psql($db, q{
CREATE EXTENSION timeline;
SELECT setseed(0.3);
CREATE TABLE mbo (id bigint, user_id int, ts timestamptz, amount float8);
INSERT INTO mbo SELECT g, (random() * 999)::int, timestamptz '2024-01-01' + random() * interval '300 days', g % 7
FROM generate_series(1, 20000) g;
SELECT timeline.create_source('mbo_src', 'mbo', 'user_id', 'ts', 'id', create_index => true);
SELECT timeline.create_feature('mbo_sum', 'mbo_src', 'sum', 'amount');
SELECT timeline.create_feature('mbo_n7', 'mbo_src', 'count', NULL, '7 days');
SELECT timeline.create_feature_set('mbo_fs', ARRAY['mbo_sum', 'mbo_n7']);
ANALYZE mbo;
});

my $query = 'SELECT user_id, timeline.timeline_agg(ts, amount) FROM mbo GROUP BY user_id';
my $plans = $node->safe_psql($db, qq{
EXPLAIN (COSTS OFF) $query;
SELECT timeline.load_hooks();
EXPLAIN (COSTS OFF) $query;
});
my ($before, $after) = split /\n\n/, $plans, 2;
$before //= '';
$after //= '';
like($before, qr/Index Scan using mbo_user_id_ts_idx/,
	'before the library is loaded, the user\'s GROUP BY keeps PostgreSQL\'s index scan');
unlike($after, qr/Index Scan/, 'after load_hooks the hook costs the index scan as disabled');
like($after, qr/Seq Scan on mbo/, 'after load_hooks the GROUP BY reads the table in its order');

# the transaction's scans of mbo's index and of mbo by one statement, the
# first of a new session, and the caller's setting after it
sub scans
{
	my ($statement) = @_;
	return $node->safe_psql($db, qq{
SET timeline.avoid_random_index_scans = off;
BEGIN;
$statement;
SELECT pg_stat_get_xact_numscans('mbo_user_id_ts_idx'::regclass) || ' ' || pg_stat_get_xact_numscans('mbo'::regclass)
       || ' ' || current_setting('timeline.avoid_random_index_scans');
COMMIT;
});
}

my @cases = (
	[ 'materialize', q{SELECT timeline.materialize('mbo_fs')} ],
	[ 'verify', q{SELECT count(*) FROM timeline.verify('mbo_fs')} ],
	[ 'feature_timelines',
	  q{SELECT count(*) FROM timeline.feature_timelines('mbo_fs') AS f(entity int, mbo_sum timeline.timeline, mbo_n7 timeline.timeline)} ],
	[ 'feature_stats',
	  q{SELECT count(*) FROM timeline.feature_stats('mbo_sum', '2024-03-01', '2024-09-01', '1 month')} ],
	[ 'create_training_set',
	  q{SELECT timeline.create_training_set('mbo_ts', 'mbo_fs', 'SELECT user_id, ts FROM mbo WHERE id % 10 = 0')} ]);
for my $case (@cases)
{
	my ($name, $statement) = @$case;
	my @out = split /\n/, scans($statement);
	my ($index_scans, $seq_scans, $setting) = split / /, $out[-1];
	is($index_scans, 0, "$name, first in its session: no scan of the source's index");
	cmp_ok($seq_scans, '>=', 1, "$name: the source read by a sequential scan");
	is($setting, 'off', "$name: the caller's setting is off again after it");
}
is($node->safe_psql($db, 'SELECT count(*) FROM timeline.verify(\'mbo_fs\')'), '0',
	'the materialized state equals a recomputation');

# a SET of the setting rolled back before the library is loaded leaves a
# placeholder that reads as '' (not a boolean): create_training_set reads
# the caller's value only once the library is loaded, and puts it back
my @ts = split /\n/, $node->safe_psql($db, q{
BEGIN; SET LOCAL timeline.avoid_random_index_scans = off; ROLLBACK;
SELECT quote_nullable(current_setting('timeline.avoid_random_index_scans', true));
SELECT timeline.create_training_set('mbo_ts2', 'mbo_fs', 'SELECT user_id, ts FROM mbo WHERE id % 10 = 0');
SELECT current_setting('timeline.avoid_random_index_scans');
});
is($ts[0], "''", 'a rolled-back SET leaves a placeholder reading as an empty string');
is($ts[1], '2000', 'create_training_set after it writes the spine\'s 2,000 rows');
is($ts[2], 'on', 'and leaves the setting at its default');

$node->stop;
done_testing();
