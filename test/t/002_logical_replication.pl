# test/t/002_logical_replication.pl: tables with timeline columns replicate
# through logical replication (pgoutput), in text and binary mode, with
# REPLICA IDENTITY FULL as well as a primary key.
#
# Run by test/tap.sh (installcheck style: the installed PostgreSQL 15 and
# timeline).  Two nodes, a publisher and a subscriber with wal_level =
# logical.  Under REPLICA IDENTITY FULL the subscriber's apply worker finds
# the row an UPDATE or DELETE names by comparing every column with its
# type's equality, which PostgreSQL looks up in the type's default btree or
# hash operator class: without timeline_hash_ops it failed with "could not
# identify an equality operator for type timeline.timeline" on every retry,
# and nothing after the first such change arrived.
#
# Tables: rep_full (REPLICA IDENTITY FULL, no key), rep_pk (primary key),
# rep_bin (REPLICA IDENTITY FULL, a binary-mode subscription).  Each gets
# inserts of empty, small, NULL and TOASTed (50,000-point) timelines, values
# -0 and NaN, updates of the timeline and of another column (the unchanged
# TOASTed value is not resent), and deletes; the test then checks that every
# table's rows are equal on both nodes (md5 of the text of each ordered
# table) and that the subscriptions' workers logged no error.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $pub = PostgreSQL::Test::Cluster->new('publisher');
$pub->init(allows_streaming => 'logical');
$pub->start;
my $sub = PostgreSQL::Test::Cluster->new('subscriber');
$sub->init;
$sub->start;

my $schema = q{
CREATE EXTENSION timeline;
CREATE TABLE rep_full (id int, note text, tl timeline.timeline);
ALTER TABLE rep_full REPLICA IDENTITY FULL;
CREATE TABLE rep_pk (id int PRIMARY KEY, note text, tl timeline.timeline);
CREATE TABLE rep_bin (id int, note text, tl timeline.timeline);
ALTER TABLE rep_bin REPLICA IDENTITY FULL;
};
$pub->safe_psql('postgres', $schema);
$sub->safe_psql('postgres', $schema);

$pub->safe_psql('postgres',
	q{CREATE PUBLICATION pub_text FOR TABLE rep_full, rep_pk;
	  CREATE PUBLICATION pub_bin FOR TABLE rep_bin;});
my $connstr = $pub->connstr . ' dbname=postgres';
$sub->safe_psql('postgres',
	qq{CREATE SUBSCRIPTION sub_text CONNECTION '$connstr' PUBLICATION pub_text;
	   CREATE SUBSCRIPTION sub_bin CONNECTION '$connstr' PUBLICATION pub_bin WITH (binary = true);});
$sub->wait_for_subscription_sync($pub, 'sub_text');
$sub->wait_for_subscription_sync($pub, 'sub_bin');

# the same changes on each table
for my $t (qw(rep_full rep_pk rep_bin))
{
	$pub->safe_psql('postgres', qq{
INSERT INTO $t VALUES
  (1, 'empty', 'discrete{}'),
  (2, 'small', 'continuous{2024-01-01 00:00+00=>1.5, 2024-01-02 00:00+00=>NULL}'),
  (3, 'null', NULL),
  (4, 'minus zero', 'discrete{2024-01-01 00:00+00=>-0, 2024-01-01 00:00+00=>NaN}');
INSERT INTO $t
SELECT 5, 'toasted', timeline.timeline_agg(timestamptz '2024-01-01 00:00+00' + g * interval '1 minute', g)
  FROM generate_series(1, 50000) g;
UPDATE $t SET tl = 'discrete{2024-03-01 00:00+00=>7}' WHERE id = 1;
UPDATE $t SET note = 'toasted, renamed' WHERE id = 5;
UPDATE $t SET tl = 'discrete{2024-01-01 00:00+00=>0}' WHERE id = 4;
DELETE FROM $t WHERE id = 2;
UPDATE $t SET tl = 'continuous{}' WHERE id = 3;
INSERT INTO $t VALUES (6, 'after', 'discrete{2024-05-01 00:00+00=>6}');
});
}

$pub->wait_for_catchup('sub_text');
$pub->wait_for_catchup('sub_bin');

my $digest = q{
SELECT t, md5(string_agg(format('%s|%s|%s', id, note, tl), ';' ORDER BY id))
  FROM (SELECT 'rep_full' AS t, * FROM rep_full
        UNION ALL SELECT 'rep_pk', * FROM rep_pk
        UNION ALL SELECT 'rep_bin', * FROM rep_bin) x
 GROUP BY t ORDER BY t};
my $on_pub = $pub->safe_psql('postgres', $digest);
my $on_sub = $sub->safe_psql('postgres', $digest);
is($on_sub, $on_pub, 'every table has the same rows on the subscriber');

for my $t (qw(rep_full rep_pk rep_bin))
{
	is( $sub->safe_psql('postgres',
			qq{SELECT string_agg(id || ':' || note || ':' || coalesce(timeline.num_points(tl)::text, 'NULL'), ',' ORDER BY id) FROM $t}),
		'1:empty:1,3:null:0,4:minus zero:1,5:toasted, renamed:50000,6:after:1',
		"$t: the updates, the delete and the insert after them arrived");
}

my $log = slurp_file($sub->logfile);
unlike($log, qr/could not identify an equality operator/,
	'no apply worker failed to compare timelines');
unlike($log, qr/ERROR/, 'the subscriber logged no error');

$sub->stop;
$pub->stop;
done_testing();
