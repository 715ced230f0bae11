#!/usr/bin/env bash
# test/soak.sh: randomized soak test of timeline's materialization under
# concurrent writers.
#
# Usage: bash test/soak.sh
#
# Runs against the already running cluster named by PGHOST, PGPORT and PGUSER
# (a superuser; test/lib.sh's tl_cluster_start exports them), with timeline
# built and installed.  Works in its own database soak_<pid> (or
# $SOAK_DATABASE, which must exist and is left in place; the scratch schema
# "soak" in it is dropped), dropped on exit.
#
# Set-up: a source table soak.ev (entity, ts, amount, kind, id as seq column)
# with $SOAK_ENTITIES entities and three days of history, and a feature set of
# eleven features: lifetime count / sum / last, trailing '1 hour' sum,
# trailing '1 day' count / mean / stddev_samp, a since(kind = 'login') window
# with a filter, filtered max and count, and count_if.
#
# Phase 1 (deferred, $SOAK_SECONDS, default 60): timeline.materialize(fs),
# then, all at once (each a pgbench process):
#   - $SOAK_WRITERS writer clients, a weighted mix of: single inserts in time
#     order (clock_timestamp()), 20-row multi-entity inserts, late
#     (out-of-order) inserts up to 36 hours and 3 days back, inserts with a
#     NULL amount, updates of amount/kind by id and of an entity's last hour,
#     updates moving an event to another entity and time, deletes by id and of
#     a whole entity, and (SOAK_MULTI_STATEMENT=1, the default) multi-statement
#     transactions mixing these over two entities (taken in the order
#     immediate mode locks entities, so no cycle of entity locks alone can
#     form);
#   - a refresher calling timeline.refresh every 0.5 s;
#   - a verifier calling timeline.verify(fs, 100) every second and keeping
#     every row it returns (state and recomputation are read in one snapshot,
#     so even while writers run, an entity whose log rows are folded must
#     match).
# Then a final refresh and the checks below.
#
# Phase 2 (immediate, $SOAK_IMMEDIATE_SECONDS, default 15): writers start
# against the deferred materialization; after 2 s, while they run,
# drop_materialization (checked: no triggers, state or log tables left) and
# materialize(fs, 'immediate'); then the refresher (a no-op here) and the
# verifier join until the end.  Same checks.
#
# Checks after each phase:
#   - no writer, refresher or verifier client aborted or had a failed
#     transaction.  Deferred mode takes no lock in writers, so nothing may
#     deadlock there.  Immediate mode holds each changed entity's lock bucket
#     to the end of the transaction: a multi-statement transaction that
#     changed entity e and then waits for a row another writer holds, while
#     that writer's statement (an UPDATE or DELETE of e's rows) waits for e's
#     bucket, is a real deadlock, as with any trigger-maintained summary row
#     (README, Modes).  The immediate phase's writers therefore retry a
#     deadlocked transaction as an application would (pgbench --max-tries,
#     $SOAK_RETRIES, default 10); one still failing after that fails the
#     check, and the retries are printed;
#   - the concurrent verifier found no difference;
#   - the change log is empty after the final refresh;
#   - timeline.verify(fs) returns no rows;
#   - the state has one row per count(DISTINCT entity) of the source;
#   - per entity, the state's last_time = max(ts) and the lifetime count
#     read from the state = count(*).
#
# Prints what failed, the number of statements per kind, rows inserted and
# refreshes done, and one line "soak: N passed, M failed"; exits non-zero on
# any failure.
set -euo pipefail

PGBIN=${TL_PGBIN:-/usr/lib/postgresql/15/bin}
SOAK_SECONDS=${SOAK_SECONDS:-60}
SOAK_IMMEDIATE_SECONDS=${SOAK_IMMEDIATE_SECONDS:-15}
SOAK_WRITERS=${SOAK_WRITERS:-4}
SOAK_RETRIES=${SOAK_RETRIES:-10}
SOAK_ENTITIES=${SOAK_ENTITIES:-3000}
SOAK_MULTI_STATEMENT=${SOAK_MULTI_STATEMENT:-1}
fs=soak_fs
if [ -n "${SOAK_DATABASE:-}" ]; then
    db=$SOAK_DATABASE
    own_db=0
else
    db="soak_$$"
    own_db=1
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/timeline-soak.XXXXXX")
started=$(date +%s%N)
passed=0
failed=0
bg_pids=()

export PGDATABASE=$db PGTZ=UTC PGAPPNAME=timeline_soak

log() { printf '== soak: %s\n' "$*" >&2; }

q() { "$PGBIN/psql" -X -q -At -v ON_ERROR_STOP=1 "$@"; }

cleanup() {
    local pid
    # the background subshells and their pgbench
    for pid in "${bg_pids[@]}"; do
        # shellcheck disable=SC2046  # a list of pids
        kill $(ps -o pid= --ppid "$pid" 2>/dev/null) "$pid" 2>/dev/null || true
    done
    for pid in "${bg_pids[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    if [ "$own_db" -eq 1 ]; then
        "$PGBIN/dropdb" --if-exists --force --maintenance-db=postgres "$db" >/dev/null 2>&1 || true
    else
        q -c "SELECT timeline.drop_materialization('$fs') FROM timeline.materialization_def
              WHERE feature_set = '$fs'" >/dev/null 2>&1 || true
        q -c "DROP SCHEMA IF EXISTS soak CASCADE" >/dev/null 2>&1 || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

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

# --- set-up -------------------------------------------------------------------
if [ "$own_db" -eq 1 ]; then
    PGDATABASE=postgres "$PGBIN/createdb" "$db"
fi
q >/dev/null <<SQL
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS timeline;
DROP SCHEMA IF EXISTS soak CASCADE;
CREATE SCHEMA soak;
CREATE TABLE soak.ev (
    id bigserial PRIMARY KEY,
    entity int NOT NULL,
    ts timestamptz NOT NULL,
    amount numeric(10,2),
    kind text NOT NULL
);
-- every difference the concurrent verifier saw
CREATE TABLE soak.diffs (phase text, seen_at timestamptz, entity text, feature text,
                         materialized float8, recomputed float8);
SELECT setseed(0.4242);
INSERT INTO soak.ev (entity, ts, amount, kind)
SELECT 1 + floor(random() * $SOAK_ENTITIES)::int,
       clock_timestamp() - random() * interval '3 days',
       CASE WHEN random() < 0.05 THEN NULL ELSE round((random() * 200 - 50)::numeric, 2) END,
       (ARRAY['buy', 'buy', 'view', 'login', 'refund'])[1 + floor(random() * 5)::int]
FROM generate_series(1, $SOAK_ENTITIES * 30);
ANALYZE soak.ev;
SELECT timeline.create_source('soak_ev', 'soak.ev', 'entity', 'ts', 'id', create_index => true);
SELECT timeline.create_feature('soak_n', 'soak_ev', 'count');
SELECT timeline.create_feature('soak_amount', 'soak_ev', 'sum', 'amount');
SELECT timeline.create_feature('soak_last_amount', 'soak_ev', 'last', 'amount');
SELECT timeline.create_feature('soak_amount_1h', 'soak_ev', 'sum', 'amount', '1 hour');
SELECT timeline.create_feature('soak_n_1d', 'soak_ev', 'count', NULL, '1 day');
SELECT timeline.create_feature('soak_mean_1d', 'soak_ev', 'mean', 'amount', '1 day');
SELECT timeline.create_feature('soak_sd_1d', 'soak_ev', 'stddev_samp', 'amount', '1 day');
SELECT timeline.create_feature('soak_buys_since_login', 'soak_ev', 'count', NULL,
                               'since(kind = ''login'')', \$\$kind = 'buy'\$\$);
SELECT timeline.create_feature('soak_max_buy', 'soak_ev', 'max', 'amount', NULL, \$\$kind = 'buy'\$\$);
SELECT timeline.create_feature('soak_refunds', 'soak_ev', 'count', NULL, '1 day', \$\$kind = 'refund'\$\$);
SELECT timeline.create_feature('soak_big', 'soak_ev', 'count_if', 'amount > 100');
SELECT timeline.create_feature_set('$fs', ARRAY['soak_n', 'soak_amount', 'soak_last_amount', 'soak_amount_1h',
    'soak_n_1d', 'soak_mean_1d', 'soak_sd_1d', 'soak_buys_since_login', 'soak_max_buy', 'soak_refunds',
    'soak_big']);
SQL
log "database $db: $(q -c "SELECT count(*) || ' events, ' || count(DISTINCT entity) || ' entities' FROM soak.ev")"

# --- pgbench scripts ------------------------------------------------------------
N=$SOAK_ENTITIES
# a random existing-or-recently-deleted event id
rid="(SELECT 1 + floor(random() * last_value)::bigint FROM soak.ev_id_seq)"
amount="CASE WHEN random() < 0.03 THEN NULL ELSE round((random() * 200 - 50)::numeric, 2) END"
kind="(ARRAY['buy', 'buy', 'view', 'login', 'refund'])[1 + floor(random() * 5)::int]"
# new entities appear: entities go up to 1.2 N
cat >"$work/insert.sql" <<SQL
\set e random(1, $((N * 12 / 10)))
INSERT INTO soak.ev (entity, ts, amount, kind) VALUES (:e, clock_timestamp(), $amount, $kind);
SQL
cat >"$work/batch.sql" <<SQL
INSERT INTO soak.ev (entity, ts, amount, kind)
SELECT 1 + floor(random() * $((N * 12 / 10)))::int, clock_timestamp(), $amount, $kind
FROM generate_series(1, 20);
SQL
cat >"$work/late.sql" <<SQL
\set e random(1, $N)
INSERT INTO soak.ev (entity, ts, amount, kind)
VALUES (:e, clock_timestamp() - random() * interval '36 hours', $amount, $kind);
SQL
cat >"$work/late_batch.sql" <<SQL
INSERT INTO soak.ev (entity, ts, amount, kind)
SELECT 1 + floor(random() * $N)::int, clock_timestamp() - random() * interval '3 days', $amount, $kind
FROM generate_series(1, 10);
SQL
cat >"$work/slightly_late.sql" <<SQL
\set e random(1, $N)
INSERT INTO soak.ev (entity, ts, amount, kind)
VALUES (:e, clock_timestamp() - random() * interval '2 seconds', $amount, $kind);
SQL
cat >"$work/update.sql" <<SQL
UPDATE soak.ev SET amount = $amount, kind = $kind WHERE id = $rid;
SQL
cat >"$work/update_entity.sql" <<SQL
\set e random(1, $N)
UPDATE soak.ev SET amount = coalesce(amount, 0) + 1 WHERE entity = :e AND ts > clock_timestamp() - interval '1 hour';
SQL
cat >"$work/move.sql" <<SQL
\set e random(1, $N)
UPDATE soak.ev SET entity = :e, ts = ts - interval '90 minutes' WHERE id = $rid;
SQL
cat >"$work/delete.sql" <<SQL
DELETE FROM soak.ev WHERE id = $rid;
SQL
cat >"$work/delete_entity.sql" <<SQL
\set e random(1, $((N * 12 / 10)))
DELETE FROM soak.ev WHERE entity = :e;
SQL
# two entities in the order immediate mode locks them (hashtext of the
# entity & 1023, ascending; no statement touches another entity), so no cycle of
# entity locks alone can form (one through a row lock can: see the header)
cat >"$work/txn.sql" <<SQL
\set a random(1, $N)
\set b random(1, $N)
SELECT CASE WHEN (hashtext(:a::text) & 1023) <= (hashtext(:b::text) & 1023) THEN :a ELSE :b END AS lo,
       CASE WHEN (hashtext(:a::text) & 1023) <= (hashtext(:b::text) & 1023) THEN :b ELSE :a END AS hi \gset
BEGIN;
INSERT INTO soak.ev (entity, ts, amount, kind) VALUES (:lo, clock_timestamp(), $amount, $kind);
UPDATE soak.ev SET amount = $amount WHERE id = (SELECT id FROM soak.ev WHERE entity = :lo ORDER BY id DESC OFFSET 1 LIMIT 1);
INSERT INTO soak.ev (entity, ts, amount, kind) VALUES (:hi, clock_timestamp() - interval '1 hour', $amount, $kind);
DELETE FROM soak.ev WHERE id = (SELECT min(id) FROM soak.ev WHERE entity = :hi);
INSERT INTO soak.ev (entity, ts, amount, kind) VALUES (:lo, clock_timestamp(), $amount, 'login');
COMMIT;
SQL
cat >"$work/refresh.sql" <<SQL
SELECT timeline.refresh('$fs');
\sleep 500 ms
SQL
writer_scripts=(insert.sql@40 batch.sql@8 late.sql@10 late_batch.sql@2 slightly_late.sql@8 update.sql@10
                update_entity.sql@3 move.sql@2 delete.sql@6 delete_entity.sql@1)
if [ "$SOAK_MULTI_STATEMENT" = 1 ]; then
    writer_scripts+=(txn.sql@6)
fi

# pgbench_start NAME SECONDS CLIENTS TRIES SCRIPT@WEIGHT...: runs pgbench in
# the background (a transaction failing on a deadlock or serialization failure
# is tried up to TRIES times), output in $work/NAME.out / .err, exit status in
# $work/NAME.rc
pgbench_start() {
    local name=$1 secs=$2 clients=$3 tries=$4
    shift 4
    local args=()
    for s in "$@"; do args+=(-f "$work/$s"); done
    (
        rc=0
        PGOPTIONS="-c client_min_messages=warning" \
            "$PGBIN/pgbench" -n -c "$clients" -j "$clients" -T "$secs" --max-tries="$tries" --verbose-errors --failures-detailed \
            "${args[@]}" >"$work/$name.out" 2>"$work/$name.err" || rc=$?
        echo "$rc" >"$work/$name.rc"
    ) &
    bg_pids+=($!)
}

# pgbench_check NAME: one check per pgbench run: exit 0, nothing aborted or
# failed (after retries, where allowed); prints how many transactions were
# retried, and on failure pgbench's summary and errors
pgbench_check() {
    local name=$1 rc nfail aborted retried ok=1 detail=""
    rc=$(cat "$work/$name.rc" 2>/dev/null || echo missing)
    retried=$(sed -n 's/^number of transactions retried: \([0-9]*\).*/\1/p' "$work/$name.out" | head -1)
    if [ "${retried:-0}" != 0 ]; then
        log "$name: $retried transactions retried after a deadlock or serialization failure" \
            "($(sed -n 's/^total number of retries: \([0-9]*\).*/\1/p' "$work/$name.out" | head -1) retries)"
    fi
    nfail=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$work/$name.out" | head -1)
    aborted=$(cat "$work/$name.err" "$work/$name.out" | { grep -c 'aborted' || true; })
    if [ "$rc" != 0 ]; then ok=0; detail="pgbench exit status $rc"; fi
    if [ "${nfail:-0}" != 0 ]; then ok=0; detail="$detail $nfail failed transactions"; fi
    if [ "$aborted" != 0 ]; then ok=0; detail="$detail aborted clients"; fi
    if [ "$ok" -eq 0 ]; then
        log "$name output:"
        grep -E '^(number of|number of transactions actually)' "$work/$name.out" >&2 || true
        sort "$work/$name.err" | uniq -c | sort -rn | head -15 >&2 || true
    fi
    check "$name: no aborted or failed transactions" "$ok" "$detail"
}

# the transaction count of each script of a pgbench run, "script=count ..."
pgbench_counts() {
    awk '/^SQL script [0-9]+: / { name = $4; sub(/.*\//, "", name); sub(/\.sql$/, "", name) }
         /^ - [0-9]+ transactions/ && name != "" { printf "%s=%s ", name, $2; name = "" }
         /^number of transactions actually processed/ { total = $NF }
         END { if (total != "") printf "(total %s)", total }' "$work/$1.out"
}

wait_bg() {
    local pid
    for pid in "${bg_pids[@]}"; do wait "$pid" || true; done
    bg_pids=()
}

# final_checks PHASE
final_checks() {
    local phase=$1 n pending out
    q -c "SELECT timeline.refresh('$fs')" >/dev/null
    pending=$(q <<SQL
SELECT format('SELECT count(*) FROM %s', log_table)
FROM timeline.materializations WHERE feature_set = '$fs' \gexec
SQL
)
    check "$phase: change log empty after the final refresh" "$([ "$pending" = 0 ] && echo 1 || echo 0)" "$pending rows"

    n=$(q -c "SELECT count(*) FROM soak.diffs WHERE phase = '$phase'")
    if [ "$n" != 0 ]; then
        q -c "SELECT * FROM soak.diffs WHERE phase = '$phase' ORDER BY seen_at LIMIT 20" >&2
    fi
    check "$phase: the concurrent verifier saw no difference" "$([ "$n" = 0 ] && echo 1 || echo 0)" "$n rows"

    out=$(q -F ' ' -c "SELECT * FROM timeline.verify('$fs') LIMIT 20")
    [ -n "$out" ] && printf '%s\n' "$out" >&2
    check "$phase: timeline.verify returns no rows" "$([ -z "$out" ] && echo 1 || echo 0)"

    out=$(q -F ' ' <<SQL
SELECT format('SELECT (SELECT count(*) FROM %s) AS state_rows, (SELECT count(DISTINCT entity) FROM soak.ev) AS entities',
              state_table)
FROM timeline.materializations WHERE feature_set = '$fs' \gexec
SQL
)
    check "$phase: state rows = count(DISTINCT entity)" \
        "$(awk '{print ($1 == $2) ? 1 : 0}' <<<"$out")" "state rows, entities: $out"

    out=$(q -F ' ' <<SQL
SELECT format(\$q\$
    SELECT count(*)
    FROM %s st FULL JOIN (SELECT entity, count(*) AS n, max(ts) AS last FROM soak.ev GROUP BY entity) e
         ON e.entity = st.entity
    WHERE st.entity IS NULL OR e.entity IS NULL OR st.last_time IS DISTINCT FROM e.last
       OR timeline.state_value_at(st.soak_n, st.last_time) IS DISTINCT FROM e.n::float8\$q\$, state_table)
FROM timeline.materializations WHERE feature_set = '$fs' \gexec
SQL
)
    check "$phase: per entity, state last_time = max(ts) and lifetime count = count(*)" \
        "$([ "$out" = 0 ] && echo 1 || echo 0)" "$out entities differ"
}

phase_report() {
    local phase=$1 seq0=$2 seq1 refreshes
    seq1=$(q -c "SELECT last_value FROM soak.ev_id_seq")
    refreshes=$(q -c "SELECT refreshes FROM timeline.materializations WHERE feature_set = '$fs'")
    log "$phase: writers $(pgbench_counts "$phase-writers")"
    log "$phase: refresher $(pgbench_counts "$phase-refresher"), catalog refreshes $refreshes;" \
        "verifier $(pgbench_counts "$phase-verifier")"
    log "$phase: $((seq1 - seq0)) rows inserted; now $(q -c "SELECT count(*) || ' events, ' || count(DISTINCT entity) || ' entities' FROM soak.ev")"
}

verifier_script() {
    cat >"$work/verify_$1.sql" <<SQL
INSERT INTO soak.diffs SELECT '$1', clock_timestamp(), v.* FROM timeline.verify('$fs', 100) v;
\sleep 1000 ms
SQL
}

# --- phase 1: deferred ------------------------------------------------------------
phase=deferred
q -c "SELECT timeline.materialize('$fs')" >/dev/null
seq0=$(q -c "SELECT last_value FROM soak.ev_id_seq")
verifier_script "$phase"
log "$phase: $SOAK_WRITERS writers, a refresher and a verifier for $SOAK_SECONDS s"
pgbench_start "$phase-writers" "$SOAK_SECONDS" "$SOAK_WRITERS" 1 "${writer_scripts[@]}"
pgbench_start "$phase-refresher" "$SOAK_SECONDS" 1 1 refresh.sql
pgbench_start "$phase-verifier" "$SOAK_SECONDS" 1 1 "verify_$phase.sql"
wait_bg
for n in writers refresher verifier; do pgbench_check "$phase-$n"; done
final_checks "$phase"
phase_report "$phase" "$seq0"

# --- phase 2: immediate, switched to while writers run -------------------------------
phase=immediate
seq0=$(q -c "SELECT last_value FROM soak.ev_id_seq")
verifier_script "$phase"
log "$phase: $SOAK_WRITERS writers for $SOAK_IMMEDIATE_SECONDS s; after 2 s drop_materialization and" \
    "materialize(fs, 'immediate') under them, then a refresher and a verifier"
pgbench_start "$phase-writers" "$SOAK_IMMEDIATE_SECONDS" "$SOAK_WRITERS" "$SOAK_RETRIES" "${writer_scripts[@]}"
sleep 2
old=$(q -c "SELECT string_agg(state_table || ' ' || log_table, ' ') FROM timeline.materializations WHERE feature_set = '$fs'")
q -c "SELECT timeline.drop_materialization('$fs')" >/dev/null
left=$(q -c "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'soak.ev'::regclass AND tgname LIKE 'timeline\_%'")
for t in $old; do
    left=$((left + $(q -c "SELECT count(*) FROM pg_class WHERE oid = to_regclass('$t')")))
done
check "$phase: drop_materialization leaves no trigger, state or log table" "$([ "$left" = 0 ] && echo 1 || echo 0)"
q -c "SELECT timeline.materialize('$fs', 'immediate')" >/dev/null
# the refresher and verifier run for what is left of the writers' time
t_left=$((SOAK_IMMEDIATE_SECONDS - 3))
[ "$t_left" -lt 2 ] && t_left=2
pgbench_start "$phase-refresher" "$t_left" 1 1 refresh.sql
pgbench_start "$phase-verifier" "$t_left" 1 1 "verify_$phase.sql"
wait_bg
for n in writers refresher verifier; do pgbench_check "$phase-$n"; done
final_checks "$phase"
phase_report "$phase" "$seq0"

elapsed=$(( ($(date +%s%N) - started) / 1000000 ))
log "finished in $((elapsed / 1000)).$(printf '%03d' $((elapsed % 1000))) s"
echo "soak: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
