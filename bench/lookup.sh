#!/usr/bin/env bash
# bench/lookup.sh: the point-in-time lookup benchmark (issue "foundation").
#
# Builds and installs the extension, starts a throwaway cluster with bench
# settings, generates reproducible data (bench/data.sql), times every query of
# bench/lookup.sql serial and parallel against PostgreSQL's own as-of query
# (LEFT JOIN LATERAL ... LIMIT 1), prints the table and stops the cluster.
# Not a pass/fail test: it prints times and ratios measured in the same run;
# it fails only on an error or when a query's result differs from the
# baseline's.
#
# Environment:
#   BENCH_SCALE     1.0 = 10M events / 100K users / 1M probes (default 1.0;
#                   0.1 runs in well under a minute)
#   BENCH_REPS      timed runs per query, the median is reported (default 3)
#   BENCH_WARMUP    untimed runs of each query before its timed runs (default
#                   1: every query is timed with its tables in shared_buffers;
#                   the output shows the warm-up's time in parentheses)
#   BENCH_WORK_MEM  work_mem for every query (default 4MB, PostgreSQL's default)
#   BENCH_HUGE_PAGES   off (default) or on: shared memory in 2 MB pages
#                      (tl_huge_pages in test/lib.sh; bench/README.md)
#   BENCH_WORKERS   max_parallel_workers_per_gather of the parallel run (default 2)
#   BENCH_SEED      setseed() value for the data (default 0.5)
#   BENCH_ONLY      comma-separated query numbers to run besides the baseline
#                   (1-11, see bench/lookup.sql), default all
#   BENCH_EXPLAIN   1 prints every query's plan in both modes (default 1)
#   BENCH_INDEX     plain: events (user_id, ts), the default; covering: events
#                   (user_id, ts, amount), which gives the baseline (and the
#                   GROUP BY of the (b) queries) an index-only scan
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../test/lib.sh
. "$BENCH_DIR/../test/lib.sh"

BENCH_SCALE=${BENCH_SCALE:-1.0}
BENCH_REPS=${BENCH_REPS:-3}
BENCH_WARMUP=${BENCH_WARMUP:-1}
BENCH_WORK_MEM=${BENCH_WORK_MEM:-4MB}
BENCH_HUGE_PAGES=${BENCH_HUGE_PAGES:-off}
BENCH_WORKERS=${BENCH_WORKERS:-2}
BENCH_SEED=${BENCH_SEED:-0.5}
BENCH_ONLY=${BENCH_ONLY:-}
BENCH_EXPLAIN=${BENCH_EXPLAIN:-1}
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
    "log_min_messages = warning"

# every session of the benchmark sees the extension unqualified
export PGOPTIONS="-c search_path=timeline,public"

echo "== timeline lookup benchmark"
echo "date:      $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "commit:    $(git -C "$TL_ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(
    git -C "$TL_ROOT" diff --quiet HEAD -- src 2>/dev/null || echo ' + uncommitted changes in src/')"
echo "server:    $(tl_psql -At -c 'SHOW server_version')"
echo "machine:   $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), $(free -g | awk '/^Mem:/ {print $2}') GB"
echo "huge pages: $TL_HUGE_NOTE"
echo "scale:     $BENCH_SCALE (seed $BENCH_SEED), $BENCH_REPS timed runs per query after $BENCH_WARMUP warm-up"
echo "index:     events $( [ $covering = 1 ] && echo '(user_id, ts, amount)' || echo '(user_id, ts)' )"
echo "load avg:  $(cut -d' ' -f1-3 /proc/loadavg) (before data generation)"

tl_psql -c "CREATE EXTENSION timeline"

tl_log "generating data (scale $BENCH_SCALE)"
gen_start=$(date +%s)
tl_psql -v scale="$BENCH_SCALE" -v seed="$BENCH_SEED" -v covering="$covering" \
    -f "$BENCH_DIR/data.sql"
tl_psql -c "CHECKPOINT"
echo "data generated in $(( $(date +%s) - gen_start )) s"
echo "load avg:  $(cut -d' ' -f1-3 /proc/loadavg) (before the timed runs)"

tl_log "timing"
out=$(mktemp)
tl_psql -v reps="$BENCH_REPS" -v warmup="$BENCH_WARMUP" -v workers="$BENCH_WORKERS" -v only="$BENCH_ONLY" \
    -v explain="$BENCH_EXPLAIN" -f "$BENCH_DIR/lookup.sql" | tee "$out"
echo
echo "load avg:  $(cut -d' ' -f1-3 /proc/loadavg) (after the timed runs)"
echo "total runtime: $(( $(date +%s) - start )) s"

status=0
grep -q '^results agree: yes' "$out" || status=1
rm -f "$out"
exit $status
