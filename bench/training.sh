#!/usr/bin/env bash
# bench/training.sh: the training-set benchmark (issue "training sets").
#
# A training set of 10 features (lifetime, 30-, 7- and 1-day windows, a
# filtered count) and a label (events in the next 7 days) for every spine
# row, made by timeline.create_training_set and by the equivalent
# hand-written SQL (CREATE TABLE AS: window functions, LATERAL joins, or
# both), timed in the same run.  Builds and installs the extension, starts a
# throwaway cluster with bench settings, generates reproducible data
# (bench/training.sql part data), defines the features (part define), times
# every variant (part time), prints EXPLAIN ANALYZE of what
# create_training_set runs (part explain), compares every row and column of
# each hand-written table with timeline's (part check), prints the table
# (part report) and stops the cluster.
# Not a pass/fail test: it prints times and ratios measured in the same run;
# it fails only on an error or when a hand-written table differs from
# timeline's.
#
# Environment:
#   BENCH_SCALE      1.0 = 10M events over 100K users, 1M spine rows
#                    (default 1.0; 0.1 runs in about a minute)
#   BENCH_REPS       runs per variant, the median is reported (default 3)
#   BENCH_LONG_MS    a variant whose first run takes longer runs once
#                    (default 180000)
#   BENCH_BASELINES  hand-written variants to time, comma-separated, of
#                    window, hybrid, lateral (default window,hybrid: the
#                    fastest; lateral takes ~7 minutes at scale 1)
#   BENCH_SEED       setseed() value for the data (default 0.5)
#   BENCH_EVENT_ORDER  arrival: events stored in generation order (random in
#                    user and time, as bench/data.sql), the default; user:
#                    stored in (user_id, ts) order (CLUSTER on the index)
#   BENCH_WORK_MEM   work_mem for every statement (default 4MB, PostgreSQL's
#                    default)
#   BENCH_HUGE_PAGES   off (default) or on: shared memory in 2 MB pages
#                      (tl_huge_pages in test/lib.sh; bench/README.md)
#   BENCH_WORKERS    max_parallel_workers_per_gather (default 0: serial)
#   BENCH_EXPLAIN    1 prints the hand-written plans and EXPLAIN ANALYZE of
#                    timeline's statement, an extra untimed run (default 1)
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../test/lib.sh
. "$BENCH_DIR/../test/lib.sh"

BENCH_SCALE=${BENCH_SCALE:-1.0}
BENCH_REPS=${BENCH_REPS:-3}
BENCH_LONG_MS=${BENCH_LONG_MS:-180000}
BENCH_BASELINES=${BENCH_BASELINES:-window,hybrid}
BENCH_SEED=${BENCH_SEED:-0.5}
BENCH_EVENT_ORDER=${BENCH_EVENT_ORDER:-arrival}
case "$BENCH_EVENT_ORDER" in
    arrival | user) ;;
    *) echo "BENCH_EVENT_ORDER must be arrival or user" >&2; exit 2 ;;
esac
BENCH_WORK_MEM=${BENCH_WORK_MEM:-4MB}
BENCH_HUGE_PAGES=${BENCH_HUGE_PAGES:-off}
BENCH_WORKERS=${BENCH_WORKERS:-0}
BENCH_EXPLAIN=${BENCH_EXPLAIN:-1}

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
    "timezone = 'UTC'" \
    "log_min_messages = warning" \
    "autovacuum = off"

# every session of the benchmark sees the extension unqualified
export PGOPTIONS="-c search_path=timeline,public"

echo "== timeline training-set benchmark"
echo "date:      $(date -u +%Y-%m-%dT%H:%M:%SZ)"
if git -C "$TL_ROOT" rev-parse --short HEAD >/dev/null 2>&1; then
    echo "commit:    $(git -C "$TL_ROOT" rev-parse --short HEAD)$(
        git -C "$TL_ROOT" diff --quiet HEAD -- src timeline--0.1.sql || echo ' + uncommitted changes in src/ or timeline--0.1.sql')"
else
    echo "commit:    ? (not a git work tree)"
fi
echo "server:    $(tl_psql -At -c 'SHOW server_version')"
echo "machine:   $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), $(free -g | awk '/^Mem:/ {print $2}') GB"
echo "huge pages: $TL_HUGE_NOTE"
echo "events:    stored in $( [ "$BENCH_EVENT_ORDER" = user ] && echo '(user_id, ts) order' || echo 'arrival (generation) order')"
echo "scale:     $BENCH_SCALE (seed $BENCH_SEED), $BENCH_REPS runs per variant (1 if the first takes over $BENCH_LONG_MS ms), max_parallel_workers_per_gather = $BENCH_WORKERS"
echo "load avg:  $(cut -d' ' -f1-3 /proc/loadavg) (before data generation)"

tl_psql -c "CREATE EXTENSION timeline"

tl_log "generating data (scale $BENCH_SCALE)"
gen_start=$(date +%s)
tl_psql -v part=data -v scale="$BENCH_SCALE" -v seed="$BENCH_SEED" -v order="$BENCH_EVENT_ORDER" \
    -f "$BENCH_DIR/training.sql"
tl_psql -v part=define -f "$BENCH_DIR/training.sql"
tl_psql -c "CHECKPOINT"
echo "data generated in $(( $(date +%s) - gen_start )) s"
echo "load avg:  $(cut -d' ' -f1-3 /proc/loadavg) (before the timed runs)"

tl_log "timing timeline and the hand-written SQL ($BENCH_BASELINES)"
tl_psql -v part=time -v reps="$BENCH_REPS" -v baselines="$BENCH_BASELINES" \
    -v long_ms="$BENCH_LONG_MS" -v explain="$BENCH_EXPLAIN" -f "$BENCH_DIR/training.sql"
echo
echo "load avg:  $(cut -d' ' -f1-3 /proc/loadavg) (after the timed runs)"

if [ "$BENCH_EXPLAIN" = 1 ]; then
    tl_log "EXPLAIN ANALYZE of timeline's statements (an extra, untimed run)"
    tl_psql -v part=explain -f "$BENCH_DIR/training.sql" 2>&1 | sed 's/^NOTICE:  //'
fi

tl_log "comparing every row and column"
out=$(mktemp)
tl_psql -v part=check -f "$BENCH_DIR/training.sql" | tee "$out"
tl_psql -v part=report -f "$BENCH_DIR/training.sql"
echo
echo "total runtime: $(( $(date +%s) - start )) s"

status=0
grep -q '^results agree: yes' "$out" || status=1
rm -f "$out"
exit $status
