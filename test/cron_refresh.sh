#!/usr/bin/env bash
# test/cron_refresh.sh: timeline.schedule_refresh with pg_cron refreshes a
# deferred materialization on schedule, and drop_materialization removes the
# job.
#
# Usage: bash test/cron_refresh.sh
#
# Runs against the already running cluster named by PGHOST, PGPORT and PGUSER
# (a superuser), in database $CRON_DATABASE (default postgres), which must be
# the cluster's cron.database_name, with pg_cron (1.4, minute granularity)
# and timeline in shared_preload_libraries and timeline installed, e.g.
#   tl_cluster_start "shared_preload_libraries = 'timeline,pg_cron'" \
#       "cron.database_name = 'postgres'" "cron.use_background_workers = on"
# pg_cron runs a job through a libpq connection to the job's nodename
# (localhost) unless cron.use_background_workers = on; when it is off and the
# server listens on no TCP address (test/lib.sh's clusters), this script
# points its job at the server's unix socket directory instead (UPDATE
# cron.job SET nodename), so the job can connect.
#
# Creates pg_cron and timeline if missing (dropped again at the end only if it
# created them), a scratch schema cron_<pid> with an event table and a source,
# three features (lifetime count, lifetime sum, trailing '1 day' sum) and a
# feature set, materialized deferred.  Inserts events (later events of known
# entities, a late event, a new entity) and leaves them unrefreshed, then:
#   1. the new events are pending: change log not empty, the new entity reads
#      count 0 from timeline.current;
#   2. timeline.schedule_refresh(fs, '*/30 * * * *') and again with
#      '* * * * *' return the same job id; cron.job has exactly one row
#      named timeline_refresh_<fs> with the new schedule, the database and
#      the command SELECT timeline.refresh('<fs>'); timeline.materializations
#      shows the job name;
#   3. within $CRON_TIMEOUT s (default 150; polled every 2 s) a run of the job
#      succeeds in cron.job_run_details and timeline.materializations'
#      refreshes grows (a failed run fails at once, with its message);
#   4. the state reflects the inserted events: the change log is empty,
#      timeline.verify returns no rows, timeline.as_of of every entity an hour
#      after its last event gives the count, sum and trailing-day sum
#      computed with plain SQL, timeline.current of the new entity counts its
#      events, and the watermark is the newest event;
#   5. timeline.drop_materialization leaves no cron.job row for the job and
#      no timeline.materializations row.
# Removes its job, materialization, catalog rows and schema on exit.
# Prints what failed and one line "cron_refresh: N passed, M failed"; exits
# non-zero on any failure.
set -euo pipefail

PGBIN=${TL_PGBIN:-/usr/lib/postgresql/15/bin}
CRON_TIMEOUT=${CRON_TIMEOUT:-150}
export PGDATABASE=${CRON_DATABASE:-postgres} PGTZ=UTC PGAPPNAME=timeline_cron_refresh
tag="cron_$$"
fs="${tag}_fs"
job="timeline_refresh_$fs"
started=$(date +%s%N)
passed=0
failed=0
made_cron=0
made_timeline=0

log() { printf '== cron_refresh: %s\n' "$*" >&2; }
q() { "$PGBIN/psql" -X -q -At -v ON_ERROR_STOP=1 "$@"; }

# check NAME OK(0/1) [DETAIL]
check() {
    if [ "$2" -eq 1 ]; then
        passed=$((passed + 1))
        log "ok: $1"
    else
        failed=$((failed + 1))
        log "FAILED: $1${3:+: $3}"
    fi
}
# same NAME GOT WANT
same() {
    if [ "$2" = "$3" ]; then check "$1" 1; else check "$1" 0 "got '$2', want '$3'"; fi
}
finish() {
    local elapsed=$(( ($(date +%s%N) - started) / 1000000 ))
    log "finished in $((elapsed / 1000)).$(printf '%03d' $((elapsed % 1000))) s"
    echo "cron_refresh: $passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}

cleanup() {
    q >/dev/null 2>&1 <<SQL || true
SET client_min_messages = warning;
SELECT cron.unschedule(jobid) FROM cron.job WHERE jobname = '$job';
SELECT timeline.drop_materialization('$fs') FROM timeline.materialization_def WHERE feature_set = '$fs';
DELETE FROM timeline.feature_set_member WHERE feature_set = '$fs';
DELETE FROM timeline.feature_set_def WHERE name = '$fs';
DELETE FROM timeline.feature_def WHERE source = '${tag}_ev';
DELETE FROM timeline.source_def WHERE name = '${tag}_ev';
DROP SCHEMA IF EXISTS $tag CASCADE;
SQL
    if [ -n "${jobid:-}" ]; then
        q -c "DELETE FROM cron.job_run_details WHERE jobid = $jobid" >/dev/null 2>&1 || true
    fi
    if [ "$made_timeline" -eq 1 ]; then q -c "DROP EXTENSION IF EXISTS timeline CASCADE" >/dev/null 2>&1 || true; fi
    if [ "$made_cron" -eq 1 ]; then q -c "DROP EXTENSION IF EXISTS pg_cron" >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- preconditions ------------------------------------------------------------
preload=$(q -c "SHOW shared_preload_libraries")
crondb=$(q -c "SELECT current_setting('cron.database_name', true)")
if ! grep -q 'pg_cron' <<<"$preload"; then
    log "FAILED: pg_cron is not in shared_preload_libraries ('$preload'); start the cluster with" \
        "shared_preload_libraries = 'timeline,pg_cron' and cron.database_name = '$PGDATABASE'"
    failed=1
    finish || exit 1
fi
if [ "$crondb" != "$PGDATABASE" ]; then
    log "FAILED: cron.database_name is '$crondb', not '$PGDATABASE'"
    failed=1
    finish || exit 1
fi
[ "$(q -c "SELECT count(*) FROM pg_extension WHERE extname = 'pg_cron'")" = 0 ] && made_cron=1
[ "$(q -c "SELECT count(*) FROM pg_extension WHERE extname = 'timeline'")" = 0 ] && made_timeline=1
q -c "SET client_min_messages = warning" -c "CREATE EXTENSION IF NOT EXISTS pg_cron" \
  -c "CREATE EXTENSION IF NOT EXISTS timeline"

# --- set-up -------------------------------------------------------------------
# amounts are binary fractions: sums are exact whatever the order
q >/dev/null <<SQL
SET client_min_messages = warning;
CREATE SCHEMA $tag;
CREATE TABLE $tag.ev (id bigserial PRIMARY KEY, entity int NOT NULL, ts timestamptz NOT NULL,
                      amount float8, kind text NOT NULL);
INSERT INTO $tag.ev (entity, ts, amount, kind)
SELECT 1 + g % 3, timestamptz '2024-05-01' + g * interval '3 hours', (g % 7) * 0.25, 'buy'
FROM generate_series(1, 60) g;
SELECT timeline.create_source('${tag}_ev', '$tag.ev', 'entity', 'ts', 'id', create_index => true);
SELECT timeline.create_feature('${tag}_n', '${tag}_ev', 'count');
SELECT timeline.create_feature('${tag}_amount', '${tag}_ev', 'sum', 'amount');
SELECT timeline.create_feature('${tag}_amount_1d', '${tag}_ev', 'sum', 'amount', '1 day');
SELECT timeline.create_feature_set('$fs', ARRAY['${tag}_n', '${tag}_amount', '${tag}_amount_1d']);
SELECT timeline.materialize('$fs');
-- unrefreshed: later events of entities 1 and 2, a late event of entity 3,
-- a new entity 4
INSERT INTO $tag.ev (entity, ts, amount, kind) VALUES
    (1, timestamptz '2024-05-09 01:00', 10.5, 'buy'),
    (1, timestamptz '2024-05-09 02:00', 20.25, 'buy'),
    (2, timestamptz '2024-05-09 03:00', 1.75, 'buy'),
    (3, timestamptz '2024-05-02 00:30', 100, 'buy'),
    (4, timestamptz '2024-05-10 00:00', 7, 'buy'),
    (4, timestamptz '2024-05-10 00:00', 8, 'buy');
SQL
state=$(q -c "SELECT state_table FROM timeline.materializations WHERE feature_set = '$fs'")
log_table=$(q -c "SELECT log_table FROM timeline.materializations WHERE feature_set = '$fs'")

# --- 1. pending -----------------------------------------------------------------
check "the new events are pending in the change log" \
    "$([ "$(q -c "SELECT count(*) FROM $log_table")" -gt 0 ] && echo 1 || echo 0)"
same "the new entity reads count 0 before a refresh" \
    "$(q -c "SELECT timeline.current('$fs', 4) ->> '${tag}_n'")" "0"
refreshes0=$(q -c "SELECT refreshes FROM timeline.materializations WHERE feature_set = '$fs'")

# --- 2. schedule ------------------------------------------------------------------
id_first=$(q -c "SELECT timeline.schedule_refresh('$fs', '*/30 * * * *')")
jobid=$(q -c "SELECT timeline.schedule_refresh('$fs', '* * * * *')")
same "scheduling again keeps the job id" "$jobid" "$id_first"
same "cron.job: one row, schedule, database and command" \
    "$(q -F '|' -c "SELECT count(*), min(schedule), min(database), min(command), min(jobid) FROM cron.job WHERE jobname = '$job'")" \
    "1|* * * * *|$PGDATABASE|SELECT timeline.refresh('$fs')|$jobid"
same "timeline.materializations shows the job" \
    "$(q -c "SELECT job_name FROM timeline.materializations WHERE feature_set = '$fs'")" "$job"

bgw=$(q -c "SELECT current_setting('cron.use_background_workers', true)")
listen=$(q -c "SHOW listen_addresses")
if [ "$bgw" != on ] && [ -z "$listen" ]; then
    sockdir=$(q -c "SELECT split_part(current_setting('unix_socket_directories'), ',', 1)")
    log "cron.use_background_workers is off and the server listens on no TCP address:" \
        "pointing job $jobid at the unix socket in $sockdir"
    q -c "UPDATE cron.job SET nodename = '$sockdir', nodeport = current_setting('port')::int WHERE jobid = $jobid" >/dev/null
else
    log "pg_cron runs jobs $([ "$bgw" = on ] && echo 'in background workers' || echo "over TCP to localhost")"
fi

# --- 3. wait for a run ------------------------------------------------------------
log "waiting for pg_cron (up to $CRON_TIMEOUT s; the job runs at the start of each minute)"
deadline=$(( $(date +%s) + CRON_TIMEOUT ))
ran=0
refreshes=$refreshes0
bad_runs=0
message=""
while [ "$(date +%s)" -lt "$deadline" ]; do
    res=$(q -F '|' -c "SELECT (SELECT refreshes FROM timeline.materializations WHERE feature_set = '$fs'),
                              count(*) FILTER (WHERE status = 'succeeded'),
                              count(*) FILTER (WHERE status = 'failed'),
                              min(return_message) FILTER (WHERE status = 'failed')
                       FROM cron.job_run_details WHERE jobid = $jobid")
    IFS='|' read -r refreshes ok_runs bad_runs message <<<"$res"
    if [ "$bad_runs" -gt 0 ]; then
        log "pg_cron run failed: $message"
        break
    fi
    if [ "$ok_runs" -gt 0 ] && [ "$refreshes" -gt "$refreshes0" ]; then
        ran=1
        break
    fi
    sleep 2
done
waited=$(( ($(date +%s%N) - started) / 1000000000 ))
check "a pg_cron run of the job succeeded and refreshed (refreshes $refreshes0 -> $refreshes, ${waited} s)" "$ran" \
    "$([ "$bad_runs" -gt 0 ] && echo "failed run: $message" || echo "no successful run within $CRON_TIMEOUT s")"

# --- 4. the state ---------------------------------------------------------------------
same "the change log is empty" "$(q -c "SELECT count(*) FROM $log_table")" "0"
same "timeline.verify returns no rows" "$(q -F ' ' -c "SELECT * FROM timeline.verify('$fs')")" ""
got=$(q -c "SELECT string_agg(format('%s %s', e.entity,
                    timeline.as_of('$fs', e.entity, e.last + interval '1 hour')), '; ' ORDER BY e.entity)
            FROM (SELECT entity, max(ts) AS last FROM $tag.ev GROUP BY entity) e")
want=$(q -c "SELECT string_agg(format('%s %s', e.entity, jsonb_build_object(
                    '${tag}_n', (SELECT count(*) FROM $tag.ev x WHERE x.entity = e.entity),
                    '${tag}_amount', (SELECT sum(amount) FROM $tag.ev x WHERE x.entity = e.entity),
                    '${tag}_amount_1d', (SELECT coalesce(sum(amount), 0) FROM $tag.ev x WHERE x.entity = e.entity
                                           AND x.ts > e.last + interval '1 hour' - interval '1 day'))), '; '
                    ORDER BY e.entity)
             FROM (SELECT entity, max(ts) AS last FROM $tag.ev GROUP BY entity) e")
log "as_of: $got"
same "timeline.as_of an hour after each entity's last event = plain SQL" "$got" "$want"
same "timeline.current of the new entity counts its events" \
    "$(q -c "SELECT timeline.current('$fs', 4) ->> '${tag}_n'")" "2"
same "the watermark is the newest event" \
    "$(q -c "SELECT watermark = (SELECT max(ts) FROM $tag.ev) FROM timeline.materializations WHERE feature_set = '$fs'")" "t"

# --- 5. drop ------------------------------------------------------------------------------
q -c "SELECT timeline.drop_materialization('$fs')" >/dev/null
same "drop_materialization removes the cron job" "$(q -c "SELECT count(*) FROM cron.job WHERE jobname = '$job' OR jobid = $jobid")" "0"
same "drop_materialization removes the materialization" \
    "$(q -c "SELECT count(*) FROM timeline.materializations WHERE feature_set = '$fs'")" "0"
same "drop_materialization drops the state table" "$(q -c "SELECT to_regclass('$state') IS NULL")" "t"

finish
