# test/t/001_crash_refresh.pl: a crash (kill -9) in the middle of a large
# deferred timeline.refresh loses nothing: after restart the change log and
# the state are as before the refresh, and the next refresh brings the state
# to exactly what a recomputation gives.
#
# Run by test/tap.sh (installcheck style: the installed PostgreSQL 15 and
# timeline).  One node; source table ev with 20,000 entities; feature set
# crash_fs (lifetime count and sum, trailing '1 day' count, a since() window
# with a filter, filtered max) materialized deferred, and the same features
# as crash_imm materialized immediate on the same table (its triggers apply
# every change inside the writing statement).
#
# Each trial makes about 215,000 changes (about 50,000 change-log rows, one
# per entity and statement): 150,000 in-order events for the 20,000 entities
# (the fold path), 40,000 late events and 20,000 events of 4,000 new entities
# (rebuilds), and updates and deletes (logged as rebuilds), then:
#   - trial 0 refreshes without a crash and times the refresh (D);
#   - trials 1-3 start timeline.refresh('crash_fs') in a background psql,
#     wait until pg_stat_activity shows it running, wait about 10%, 50% and
#     80% of D (random jitter), and crash the server, each a different way:
#       1. SIGKILL of the refreshing backend (the postmaster's own crash
#          recovery, restart_after_crash = on),
#       2. SIGKILL of the postmaster and every child (the whole server, as in
#          a power loss), then start,
#       3. pg_ctl stop -m immediate, then start;
#   - trial 4 crashes the server (as 2) in the middle of the big INSERT that
#     writes the change log (deferred logging and immediate apply) instead.
# After each crash and restart: the refresh was interrupted (the catalog's
# refresh count did not move, its psql failed; a refresh that committed
# before the crash is checked and the trial repeated with more changes and a
# shorter wait, up to 4 times), the change log and the state
# table are exactly as before (row count, md5 of the whole state), the
# source is unchanged (trial 4: the insert was rolled back); then
# timeline.refresh, and for both feature sets: timeline.verify returns no
# rows, the change log is empty, the state has one row per entity, and per
# entity the lifetime count read from the state equals count(*) and
# last_time = max(ts).
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use IPC::Run;
use Time::HiRes qw(usleep time);

my $db = 'postgres';
my $node = PostgreSQL::Test::Cluster->new('crash');
$node->init;
$node->append_conf('postgresql.conf', qq(
restart_after_crash = on
log_statement = none
max_wal_size = 1GB
checkpoint_timeout = 30min
));
$node->start;

my $seed = $ENV{CRASH_SEED} // time();
srand($seed);
note "random seed $seed (set CRASH_SEED to repeat)";

$node->safe_psql($db, q{
CREATE EXTENSION timeline;
CREATE TABLE ev (id bigserial PRIMARY KEY, entity int NOT NULL, ts timestamptz NOT NULL,
                 amount float8, kind text NOT NULL);
INSERT INTO ev (entity, ts, amount, kind)
SELECT 1 + g % 20000, timestamptz '2024-01-01' + (g * 7919 % 300000) * interval '8 s',
       (g * 31 % 1000) / 8.0 - 25, (ARRAY['buy', 'view', 'login', 'buy'])[1 + g * 13 % 4]
FROM generate_series(1::bigint, 300000) g;
ANALYZE ev;
SELECT timeline.create_source('ev', 'ev', 'entity', 'ts', 'id', create_index => true);
SELECT timeline.create_feature('n', 'ev', 'count');
SELECT timeline.create_feature('total', 'ev', 'sum', 'amount');
SELECT timeline.create_feature('n_1d', 'ev', 'count', NULL, '1 day');
SELECT timeline.create_feature('buys_since_login', 'ev', 'count', NULL, 'since(kind = ''login'')',
                               $$kind = 'buy'$$);
SELECT timeline.create_feature('max_buy', 'ev', 'max', 'amount', NULL, $$kind = 'buy'$$);
SELECT timeline.create_feature_set('crash_fs', ARRAY['n', 'total', 'n_1d', 'buys_since_login', 'max_buy']);
SELECT timeline.create_feature_set('crash_imm', ARRAY['n', 'total', 'n_1d', 'buys_since_login', 'max_buy']);
SELECT timeline.materialize('crash_fs');
SELECT timeline.materialize('crash_imm', 'immediate');

-- one trial's changes: in-order events after everything so far, late
-- events, new entities, updates and deletes
CREATE FUNCTION crash_new_events(k int) RETURNS void LANGUAGE sql AS $f$
    INSERT INTO ev (entity, ts, amount, kind)
    SELECT 1 + (g * 7 + k) % 20000,
           timestamptz '2024-03-01' + k * interval '2 days' + g * interval '1 s',
           (g % 997) / 4.0, (ARRAY['buy', 'view', 'login', 'buy', 'buy'])[1 + (g + k) % 5]
    FROM generate_series(1, 150000) g
$f$;
CREATE FUNCTION crash_other_changes(k int) RETURNS void LANGUAGE sql AS $f$
    INSERT INTO ev (entity, ts, amount, kind)
    SELECT 1 + (g * 13 + k) % 20000, timestamptz '2024-01-01' + (g * 104729 + k) % 2500000 * interval '1 s',
           (g % 89) - 10, (ARRAY['buy', 'login', 'view'])[1 + g % 3]
    FROM generate_series(1::bigint, 40000) g;
    INSERT INTO ev (entity, ts, amount, kind)
    SELECT 100000 * (k + 1) + g % 4000, timestamptz '2024-03-01' + k * interval '2 days' + g * interval '3 s',
           g % 50, 'buy'
    FROM generate_series(1, 20000) g;
    UPDATE ev SET amount = amount + 1, kind = CASE kind WHEN 'buy' THEN 'view' ELSE 'buy' END
    WHERE id % 211 = k;
    DELETE FROM ev WHERE id % 307 = k + 1;
$f$;
});

my %state_table = map { split /\|/ } split /\n/, $node->safe_psql($db,
    "SELECT feature_set, state_table FROM timeline.materializations");
my %log_table = map { split /\|/ } split /\n/, $node->safe_psql($db,
    "SELECT feature_set, log_table FROM timeline.materializations");

# the state table of a feature set, digested: rows, md5 of everything
sub state_digest
{
    my ($fs) = @_;
    return $node->safe_psql($db,
        "SELECT count(*) || ' ' || coalesce(md5(string_agg(s::text, ',' ORDER BY entity)), '-')
         FROM $state_table{$fs} s");
}

sub log_rows
{
    my ($fs) = @_;
    return $node->safe_psql($db, "SELECT count(*) FROM $log_table{$fs}");
}

sub refreshes
{
    return $node->safe_psql($db,
        "SELECT refreshes FROM timeline.materializations WHERE feature_set = 'crash_fs'");
}

# state equals recomputation, for both feature sets
sub check_consistent
{
    my ($label) = @_;
    for my $fs ('crash_fs', 'crash_imm')
    {
        my $diffs = $node->safe_psql($db,
            "SELECT entity || ' ' || feature || ': ' || coalesce(materialized::text, 'NULL') || ' <> '
                    || coalesce(recomputed::text, 'NULL')
             FROM timeline.verify('$fs') LIMIT 10");
        is($diffs, '', "$label: timeline.verify('$fs') returns no rows");
        is(log_rows($fs), '0', "$label: $fs change log empty");
        my $bad = $node->safe_psql($db, qq{
            SELECT count(*) || ' entities differ; state rows ' || (SELECT count(*) FROM $state_table{$fs})
                   || ', entities ' || (SELECT count(DISTINCT entity) FROM ev)
                   || ', state total count ' || (SELECT sum(timeline.state_value_at(n, last_time)) FROM $state_table{$fs})
                   || ', count(*) ' || (SELECT count(*) FROM ev)
            FROM $state_table{$fs} st
                 FULL JOIN (SELECT entity, count(*) AS n, max(ts) AS last FROM ev GROUP BY entity) e
                 ON e.entity = st.entity
            WHERE st.entity IS NULL OR e.entity IS NULL OR st.last_time IS DISTINCT FROM e.last
               OR timeline.state_value_at(st.n, st.last_time) IS DISTINCT FROM e.n::float8});
        like($bad, qr/^0 entities differ; state rows (\d+), entities \1, state total count (\d+), count\(\*\) \2$/,
            "$label: $fs state: one row per entity, count feature = count(*) and last_time = max(ts) per entity");
    }
}

# the pids of the postmaster's children, read from /proc
sub children
{
    my ($ppid) = @_;
    my @kids;
    opendir(my $dh, '/proc') or die "cannot read /proc: $!";
    for my $pid (grep { /^\d+$/ } readdir($dh))
    {
        open(my $fh, '<', "/proc/$pid/stat") or next;
        my $stat = <$fh>;
        close $fh;
        next unless defined $stat && $stat =~ /\)\s+\S+\s+(\d+)/;
        push @kids, $pid if $1 == $ppid;
    }
    closedir $dh;
    return @kids;
}

# a process exists until its parent (init) has reaped it: the server's
# start refuses while the old postmaster's pid still exists, even a zombie
sub alive
{
    my ($pid) = @_;
    return -e "/proc/$pid" ? 1 : 0;
}

# crash the server: one of 'backend', 'server', 'immediate'
sub crash
{
    my ($how, $backend_pid) = @_;
    my $postmaster = $node->{_pid};
    if ($how eq 'backend')
    {
        note "kill -9 of backend $backend_pid";
        my $offset = -s $node->logfile;
        kill 'KILL', $backend_pid;
        # the postmaster notices, kills the rest, recovers and reopens
        $node->wait_for_log(
            qr/signal 9.*all server processes terminated; reinitializing.*ready to accept connections/s, $offset);
        $node->poll_query_until($db, 'SELECT 1', '1')
          or BAIL_OUT('server did not come back after a backend crash');
        return;
    }
    if ($how eq 'server')
    {
        # stop the postmaster so it forks no more, then kill it and every child
        kill 'STOP', $postmaster;
        my @victims = ($postmaster, children($postmaster));
        note "kill -9 of postmaster $postmaster and children @victims[1 .. $#victims]";
        kill 'KILL', @victims;
        $node->kill9;    # marks the node stopped (the postmaster is gone)
        my $deadline = time() + 60;
        while (grep { alive($_) } @victims)
        {
            BAIL_OUT('server processes did not die') if time() > $deadline;
            usleep(50_000);
        }
    }
    else
    {
        $node->stop('immediate');
    }
    $node->start;
}

# start a statement in the background; returns (harness, \stdout, \stderr)
sub start_background
{
    my ($sql) = @_;
    my ($out, $err) = ('', '');
    my $h = IPC::Run::start(
        [ $node->installed_command('psql'), '-XAt', '-v', 'ON_ERROR_STOP=1', '-d', $node->connstr($db), '-c', $sql ],
        '>', \$out, '2>', \$err);
    return ($h, \$out, \$err);
}

# waits until pg_stat_activity shows a statement starting with $prefix
# running; returns its backend pid
sub wait_running
{
    my ($prefix) = @_;
    my $deadline = time() + 60;
    while (time() < $deadline)
    {
        my $pid = $node->safe_psql($db,
            "SELECT pid FROM pg_stat_activity WHERE state = 'active' AND pid <> pg_backend_pid()
             AND query LIKE '$prefix%' LIMIT 1");
        return $pid if $pid ne '';
        usleep(5_000);
    }
    return undef;
}

sub finish_background
{
    my ($h) = @_;
    my $ok = eval { $h->finish; 1 };
    return ($ok && $h->result == 0) ? 1 : 0;
}

sub changes
{
    my ($k) = @_;
    $node->safe_psql($db, "SELECT crash_new_events($k)");
    $node->safe_psql($db, "SELECT crash_other_changes($k)");
}

# trial 0: no crash, time the refresh
changes(0);
note "change log: " . log_rows('crash_fs') . " rows";
my $t0 = time();
$node->safe_psql($db, "SELECT timeline.refresh('crash_fs')");
my $duration = time() - $t0;
note sprintf("refresh of trial 0 took %.2f s", $duration);
# CRASH_DELAY_SCALE stretches the waits (exercises the retries below)
$duration *= $ENV{CRASH_DELAY_SCALE} if $ENV{CRASH_DELAY_SCALE};
check_consistent('trial 0 (no crash)');

my @trials = ([ 1, 'backend', 0.10 ], [ 2, 'server', 0.50 ], [ 3, 'immediate', 0.80 ]);
for my $trial (@trials)
{
    my ($k, $how, $frac) = @$trial;
    my $interrupted = 0;
    # a refresh that commits before the crash (a slower machine when D was
    # measured) proves little: then more changes and a shorter wait
    for my $attempt (1 .. 4)
    {
        changes($k);
        my $log_before = log_rows('crash_fs');
        my $state_before = state_digest('crash_fs');
        my $imm_before = state_digest('crash_imm');
        my $refreshes_before = refreshes();
        my $events_before = $node->safe_psql($db, "SELECT count(*) || ' ' || sum(id) FROM ev");

        my ($h, $out, $err) = start_background("SELECT timeline.refresh('crash_fs')");
        my $t_start = time();
        my $pid = wait_running('SELECT timeline.refresh');
        ok(defined $pid, "trial $k: refresh seen running in pg_stat_activity");
        # wait frac of the measured refresh time, +-15% jitter, at least 50 ms
        my $delay = $duration * $frac * (0.85 + rand(0.3));
        $delay = 0.05 if $delay < 0.05;
        usleep(int(1_000_000 * ($delay - (time() - $t_start)))) if $delay > time() - $t_start;
        my $at = time() - $t_start;
        note sprintf("trial %d: crash (%s) %.0f ms into the refresh", $k, $how, 1000 * $at);
        crash($how, $pid);
        my $refresh_ok = finish_background($h);

        if (refreshes() != $refreshes_before)
        {
            note "trial $k: the refresh committed before the crash (attempt $attempt); again, waiting less";
            check_consistent("trial $k attempt $attempt ($how crash after the refresh committed)");
            $duration = $at / 2;
            next;
        }
        $interrupted = 1;
        ok(!$refresh_ok, "trial $k: the refresh was interrupted (psql failed)")
          or diag "refresh output: $$out $$err";
        is(log_rows('crash_fs'), $log_before, "trial $k: change log intact after the crash ($log_before rows)");
        is(state_digest('crash_fs'), $state_before, "trial $k: crash_fs state as before the refresh");
        is(state_digest('crash_imm'), $imm_before, "trial $k: crash_imm state unchanged");
        is($node->safe_psql($db, "SELECT count(*) || ' ' || sum(id) FROM ev"), $events_before,
            "trial $k: source unchanged");

        $node->safe_psql($db, "SELECT timeline.refresh('crash_fs')");
        is(refreshes(), $refreshes_before + 1, "trial $k: refresh after restart counted");
        check_consistent("trial $k ($how crash during refresh)");
        last;
    }
    ok($interrupted, "trial $k: a crash interrupted a refresh (refresh count unchanged after the crash)");
}

# trial 4: crash while the change log is written (the big insert)
{
    my $k = 4;
    my $log_before = log_rows('crash_fs');
    my $events_before = $node->safe_psql($db, "SELECT count(*) || ' ' || sum(id) FROM ev");
    my ($h, $out, $err) = start_background("SELECT crash_new_events($k)");
    my $t_start = time();
    my $pid = wait_running('SELECT crash_new_events');
    ok(defined $pid, "trial $k: insert seen running");
    usleep(int(1_000_000 * (0.3 + rand(0.7))));
    note sprintf("trial %d: crash (server) %.0f ms into the insert", $k, 1000 * (time() - $t_start));
    crash('server', $pid);
    ok(!finish_background($h), "trial $k: the insert was interrupted") or diag "output: $$out $$err";
    is($node->safe_psql($db, "SELECT count(*) || ' ' || sum(id) FROM ev"), $events_before,
        "trial $k: insert rolled back");
    is(log_rows('crash_fs'), $log_before, "trial $k: change log as before");
    # the interrupted statement again, then the rest, refreshed
    changes($k);
    $node->safe_psql($db, "SELECT timeline.refresh('crash_fs')");
    check_consistent("trial $k (crash during the insert)");
}

$node->stop;
done_testing();
