#!/usr/bin/env bash
# bench/materialize.sh: the materialization benchmark (issue "incremental
# materialization").
#
# A feature set of 10 features (lifetime, 30-, 7- and 1-day windows, a
# filtered count) over 10M events of 100K users:
#   - full build: timeline.materialize, and a plain SQL GROUP BY snapshot of
#     the same current values for reference;
#   - timeline.refresh after 1,000 new events (appended at the end of time;
#     and a variant with 10% late events), each round in a new session, as a
#     scheduler would run it, against the full build (target: 100x cheaper);
#   - COPY of 1M rows into the source with the deferred-capture triggers vs
#     into an identical table without them (target: at most 1.3x slower),
#     and the refresh of those rows;
#   - single-row INSERTs under pgbench with and without capture;
#   - timeline.current(fs, entity) under pgbench vs a primary-key lookup of
#     a plain 100K-row table (target: at least half its TPS);
#   - timeline.verify on a sample (must return no rows).
# Diagnostics (not targets): the refresh rounds again with hash and merge
# joins off (the refresh's joins become nested loops over the indexes), the
# state read of timeline.current as one SQL statement under pgbench, and
# EXPLAIN ANALYZE (auto_explain) of every statement of a refresh of each
# kind, of a captured single-row INSERT and of timeline.current.
# Builds and installs the extension, starts a throwaway cluster with bench
# settings, generates reproducible data (bench/materialize.sql part data),
# runs everything, prints the tables and stops the cluster.
# Not a pass/fail test: it prints times, TPS and ratios measured in the same
# run; it fails only on an error or a wrong result (the state read at the
# end of the data against the plain SQL snapshot, and timeline.verify).
#
# Environment:
#   BENCH_SCALE        1.0 = 10M events over 100K users, COPY of 1M rows
#                      (default 1.0; 0.1 runs in a few minutes, most of it
#                      the fixed-length pgbench runs)
#   BENCH_REPS         runs of timeline.materialize, of the snapshot and of
#                      each COPY (default 3)
#   BENCH_ROUNDS       refresh rounds per variant (append, late) (default 7)
#   BENCH_NEW_EVENTS   new events per refresh round (default 1000; not scaled)
#   BENCH_LATE_PCT     late events in the late variant, % (default 10)
#   BENCH_COPY_ROWS    rows per COPY (default 1,000,000 x BENCH_SCALE)
#   BENCH_PGBENCH_TIME seconds per pgbench run (default 20)
#   BENCH_PGBENCH_RUNS pgbench runs per variant (default 3)
#   BENCH_CLIENTS      pgbench clients (and threads) (default 2)
#   BENCH_SEED         setseed() value for the data (default 0.5)
#   BENCH_WORK_MEM     work_mem (default 4MB, PostgreSQL's default)
#   BENCH_WORKERS      max_parallel_workers_per_gather (default 0: serial)
#   BENCH_VERIFY       timeline.verify sample size, or all (default 1000)
#   BENCH_INDEX        plain: events (user_id, ts), the default; covering:
#                      events (user_id, ts) INCLUDE (amount, kind), the
#                      columns the features read, so the refresh reads an
#                      entity's events from the index alone (index-only
#                      scans: a late event's rebuild touches a few index
#                      pages per entity instead of a heap page per event)
#   BENCH_HUGE_PAGES   off: shared memory in 4 kB pages, as a stock install
#                      has it (default); on: in 2 MB pages (tl_huge_pages in
#                      test/lib.sh).  Each refresh round runs in a new
#                      session, which maps every shared buffer it touches,
#                      one page fault per 4 kB page; the rounds print them
#   BENCH_EXPLAIN      1: an extra round of each variant and a single-row
#                      INSERT under auto_explain (nested statements, ANALYZE,
#                      those taking at least BENCH_EXPLAIN_MIN_MS, default 1)
#                      (default 1)
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../test/lib.sh
. "$BENCH_DIR/../test/lib.sh"

BENCH_SCALE=${BENCH_SCALE:-1.0}
BENCH_REPS=${BENCH_REPS:-3}
BENCH_ROUNDS=${BENCH_ROUNDS:-7}
BENCH_NEW_EVENTS=${BENCH_NEW_EVENTS:-1000}
BENCH_LATE_PCT=${BENCH_LATE_PCT:-10}
BENCH_COPY_ROWS=${BENCH_COPY_ROWS:-$(awk -v s="$BENCH_SCALE" 'BEGIN { printf "%d", 1000000 * s + 0.5 }')}
BENCH_PGBENCH_TIME=${BENCH_PGBENCH_TIME:-20}
BENCH_PGBENCH_RUNS=${BENCH_PGBENCH_RUNS:-3}
BENCH_CLIENTS=${BENCH_CLIENTS:-2}
BENCH_SEED=${BENCH_SEED:-0.5}
BENCH_WORK_MEM=${BENCH_WORK_MEM:-4MB}
BENCH_WORKERS=${BENCH_WORKERS:-0}
BENCH_VERIFY=${BENCH_VERIFY:-1000}
BENCH_EXPLAIN=${BENCH_EXPLAIN:-1}
BENCH_EXPLAIN_MIN_MS=${BENCH_EXPLAIN_MIN_MS:-1}
BENCH_HUGE_PAGES=${BENCH_HUGE_PAGES:-off}
BENCH_INDEX=${BENCH_INDEX:-plain}
case "$BENCH_INDEX" in
    plain) covering=0 ;;
    covering) covering=1 ;;
    *) echo "BENCH_INDEX must be plain or covering" >&2; exit 2 ;;
esac

start=$(date +%s)

tl_setup

tl_huge_pages "$BENCH_HUGE_PAGES"
tl_cluster_start \
    "$TL_HUGE_CONF" \
    "shared_buffers = 2GB" \
    "work_mem = '$BENCH_WORK_MEM'" \
    "jit = off" \
    "max_parallel_workers_per_gather = $BENCH_WORKERS" \
    "max_wal_size = 4GB" \
    "max_connections = 20" \
    "timezone = 'UTC'" \
    "log_min_messages = warning"

# every session of the benchmark sees the extension unqualified
export PGOPTIONS="-c search_path=timeline,public"
SQL="$BENCH_DIR/materialize.sql"
n_users=$(awk -v s="$BENCH_SCALE" 'BEGIN { n = int(100000 * s + 0.5); print (n < 1 ? 1 : n) }')

echo "== timeline materialization benchmark"
echo "date:      $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "commit:    $(git -C "$TL_ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(
    git -C "$TL_ROOT" diff --quiet HEAD -- src timeline--0.1.sql 2>/dev/null || echo ' + uncommitted changes in src/ or timeline--0.1.sql')"
echo "server:    $(tl_psql -At -c 'SHOW server_version')"
echo "machine:   $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), $(free -g | awk '/^Mem:/ {print $2}') GB"
echo "scale:     $BENCH_SCALE (seed $BENCH_SEED): $n_users users; $BENCH_REPS runs of materialize and of each COPY ($BENCH_COPY_ROWS rows);"
echo "           $BENCH_ROUNDS refresh rounds per variant of $BENCH_NEW_EVENTS new events ($BENCH_LATE_PCT% late in the late variant);"
echo "           $BENCH_PGBENCH_RUNS pgbench runs per variant, $BENCH_PGBENCH_TIME s, $BENCH_CLIENTS clients, -M prepared"
echo "huge pages: $TL_HUGE_NOTE"
echo "index:     events $( [ $covering = 1 ] && echo '(user_id, ts) INCLUDE (amount, kind)' || echo '(user_id, ts)' )"
echo "load avg:  $(cut -d' ' -f1-3 /proc/loadavg) (before data generation)"

tl_psql -c "CREATE EXTENSION timeline"

tl_log "generating data (scale $BENCH_SCALE)"
gen_start=$(date +%s)
tl_psql -v part=data -v scale="$BENCH_SCALE" -v seed="$BENCH_SEED" -v covering="$covering" -f "$SQL"
tl_psql -v part=define -f "$SQL"
tl_psql -c "CHECKPOINT"
echo "data generated in $(( $(date +%s) - gen_start )) s"
echo "load avg:  $(cut -d' ' -f1-3 /proc/loadavg) (before the timed runs)"

tl_log "full builds: timeline.materialize and the plain SQL snapshot, $BENCH_REPS runs each"
tl_psql -v part=materialize -v reps="$BENCH_REPS" -f "$SQL"

# refresh rounds: each in a new session (a scheduler's job runs in a new
# backend: its first call of refresh pays for compiling the PL/pgSQL and
# filling the caches, as here), variants interleaved
tl_log "refresh rounds: $BENCH_ROUNDS x (append, late) of $BENCH_NEW_EVENTS events"
# (and, as a diagnostic, the same rounds with the refresh's joins forced to
# nested loops over the indexes: enable_seqscan, enable_hashjoin and
# enable_mergejoin off for the refresh only)
for round in $(seq 1 "$BENCH_ROUNDS"); do
    for hints in 0 1; do
        for variant in append late; do
            tl_psql -v part=round -v round="$round" -v variant="$variant" -v hints="$hints" \
                -v scale="$BENCH_SCALE" -v seed="$BENCH_SEED" -v new_events="$BENCH_NEW_EVENTS" \
                -v late_pct="$BENCH_LATE_PCT" -f "$SQL" 2>&1 | sed 's/^NOTICE:  //'
        done
    done
done

if [ "$BENCH_EXPLAIN" = 1 ]; then
    tl_log "EXPLAIN ANALYZE of what refresh and a captured INSERT run (auto_explain; extra, untimed)"
    for hints in 0 1; do
        for variant in append late; do
            tl_psql -v part=round -v round=1 -v variant="$variant" -v hints="$hints" \
                -v scale="$BENCH_SCALE" -v seed="$BENCH_SEED" -v new_events="$BENCH_NEW_EVENTS" \
                -v late_pct="$BENCH_LATE_PCT" -v explain_round=1 -v explain_min_ms="$BENCH_EXPLAIN_MIN_MS" \
                -f "$SQL" 2>&1 | sed 's/^NOTICE:  //'
        done
    done
    tl_psql -v part=explain -f "$SQL" 2>&1 | sed 's/^NOTICE:  //'
fi

tl_log "COPY of $BENCH_COPY_ROWS rows, with and without capture, $BENCH_REPS runs each"
tl_psql -v part=copyfiles -v reps="$BENCH_REPS" -v scale="$BENCH_SCALE" -v seed="$BENCH_SEED" \
    -v copy_rows="$BENCH_COPY_ROWS" -v dir="$TL_TMP" -f "$SQL"
tl_psql -v part=copy -v reps="$BENCH_REPS" -v dir="$TL_TMP" -f "$SQL" 2>&1 | sed 's/^NOTICE:  //'
rm -f "$TL_TMP"/copy_*.csv

# run_pgbench section variant run script: one pgbench run, its TPS (without
# the initial connection time) and transaction count into bench_result
run_pgbench() {
    local section=$1 variant=$2 run=$3 script=$4 out tps xacts
    out=$("$TL_PGBIN/pgbench" -n -M prepared -c "$BENCH_CLIENTS" -j "$BENCH_CLIENTS" -T "$BENCH_PGBENCH_TIME" \
        -D n_users="$n_users" --random-seed=$(( 1000 + run )) -f "$script" 2>&1) \
        || { echo "$out" >&2; return 1; }
    tps=$(echo "$out" | sed -n 's/^tps = \([0-9.]*\) (without initial connection time)/\1/p')
    xacts=$(echo "$out" | sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p')
    if [ -z "$tps" ] || [ -z "$xacts" ]; then echo "$out" >&2; return 1; fi
    echo "bench $section / $variant run $run: $tps tps, $xacts transactions"
    tl_psql -c "INSERT INTO bench_result (section, variant, rep, n, tps)
                VALUES ('$section', '$variant', $run, $xacts, $tps)"
}

tl_log "single-row INSERTs (pgbench), with and without capture, $BENCH_PGBENCH_RUNS x $BENCH_PGBENCH_TIME s each"
for run in $(seq 1 "$BENCH_PGBENCH_RUNS"); do
    if [ $(( run % 2 )) = 1 ]; then order="plain events"; else order="events plain"; fi
    for t in $order; do
        if [ "$t" = plain ]; then
            run_pgbench insert "no capture (events_plain)" "$run" "$BENCH_DIR/pgbench_mat_insert_plain.sql"
        else
            run_pgbench insert "deferred capture (events)" "$run" "$BENCH_DIR/pgbench_mat_insert_events.sql"
        fi
    done
    tl_psql -c "SELECT bench_time('insert', 'refresh after a pgbench run', $run,
                    'SELECT timeline.refresh(''bench_mat'')',
                    (SELECT format('%s log rows, %s entities, %s to rebuild', log_rows, entities, to_rebuild)
                     FROM bench_pending()))" 2>&1 | sed 's/^NOTICE:  //'
done
tl_psql -c "VACUUM ANALYZE events" -c "VACUUM ANALYZE events_plain" -c "CHECKPOINT"

# (and, as a diagnostic, the state read that current does, as one SQL
# statement: the script is written from the state table's name)
tl_psql -v part=statesql -f "$SQL" >"$TL_TMP/pgbench_mat_state.sql"
tl_log "timeline.current vs a primary-key lookup (pgbench), $BENCH_PGBENCH_RUNS x $BENCH_PGBENCH_TIME s each"
for run in $(seq 1 "$BENCH_PGBENCH_RUNS"); do
    if [ $(( run % 2 )) = 1 ]; then order="pk current state"; else order="state current pk"; fi
    for t in $order; do
        case $t in
        pk) run_pgbench read "primary-key lookup (features_plain)" "$run" "$BENCH_DIR/pgbench_mat_pk.sql" ;;
        current) run_pgbench read "timeline.current(bench_mat, id)" "$run" "$BENCH_DIR/pgbench_mat_current.sql" ;;
        state) run_pgbench read "diag: the state read of current as one SQL statement" "$run" \
                   "$TL_TMP/pgbench_mat_state.sql" ;;
        esac
    done
done
echo "load avg:  $(cut -d' ' -f1-3 /proc/loadavg) (after the timed runs)"

tl_log "timeline.verify (sample $BENCH_VERIFY)"
tl_psql -v part=verify -v sample="$BENCH_VERIFY" -f "$SQL" 2>&1 | sed 's/^NOTICE:  //'

out=$(mktemp)
tl_psql -v part=report -f "$SQL" | tee "$out"
echo
echo "total runtime: $(( $(date +%s) - start )) s"

status=0
grep -q '^results agree: yes' "$out" || status=1
rm -f "$out"
exit $status
