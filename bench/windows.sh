#!/usr/bin/env bash
# bench/windows.sh: the windowed-aggregation benchmark (issue "temporal
# operators").
#
# Per entity, evaluated at every event: the running sum, a 30-day trailing
# sum, a 30-day trailing mean and a 1-hour trailing count, by timeline's
# aggregations over stored timelines, by PostgreSQL's window functions and by
# DuckDB's (single-threaded, through bench/duckdb/windows.mjs).  Builds and
# installs the extension, starts a throwaway cluster with bench settings,
# generates reproducible data (bench/windows.sql part data), times everything
# (parts time and DuckDB), checks values event by event on a sample of users
# (part check), prints the tables (part report) and stops the cluster.
# Not a pass/fail test: it prints times and ratios measured in the same run;
# it fails only on an error or when a result differs from PostgreSQL's.
#
# Environment:
#   BENCH_SCALE     1.0 = 10M events over 100K users (default 1.0; 0.1 runs in
#                   well under a minute)
#   BENCH_REPS      runs per query, the median is reported (default 3)
#   BENCH_SEED      setseed() value for the data (default 0.5)
#   BENCH_WORK_MEM  work_mem for every query (default 4MB, PostgreSQL's default)
#   BENCH_HUGE_PAGES   off (default) or on: shared memory in 2 MB pages
#                      (tl_huge_pages in test/lib.sh; bench/README.md)
#   BENCH_EXPLAIN   1 prints the PostgreSQL and timeline plans (default 1)
#   BENCH_DUCKDB    1 runs the DuckDB side (default 1; needs node and npm,
#                   installs @duckdb/node-api into bench/duckdb/node_modules)
#   BENCH_DUCKDB_THREADS  DuckDB's threads setting (default 1)
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../test/lib.sh
. "$BENCH_DIR/../test/lib.sh"

BENCH_SCALE=${BENCH_SCALE:-1.0}
BENCH_REPS=${BENCH_REPS:-3}
BENCH_SEED=${BENCH_SEED:-0.5}
BENCH_WORK_MEM=${BENCH_WORK_MEM:-4MB}
BENCH_HUGE_PAGES=${BENCH_HUGE_PAGES:-off}
BENCH_EXPLAIN=${BENCH_EXPLAIN:-1}
BENCH_DUCKDB=${BENCH_DUCKDB:-1}
BENCH_DUCKDB_THREADS=${BENCH_DUCKDB_THREADS:-1}

start=$(date +%s)

tl_setup
if [ "$BENCH_DUCKDB" = 1 ]; then
    if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
        tl_log "installing: nodejs npm"
        tl_as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
        tl_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
    fi
    if [ ! -d "$BENCH_DIR/duckdb/node_modules/@duckdb/node-api" ]; then
        tl_log "installing @duckdb/node-api into bench/duckdb/node_modules"
        npm install --prefix "$BENCH_DIR/duckdb" --no-package-lock --no-audit --no-fund \
            --loglevel=error >&2
    fi
fi

# single-threaded everywhere: PostgreSQL's window functions do not run in
# parallel, and DuckDB runs with threads = 1
tl_huge_pages "$BENCH_HUGE_PAGES"
tl_cluster_start \
    "$TL_HUGE_CONF" \
    "shared_buffers = 2GB" \
    "work_mem = '$BENCH_WORK_MEM'" \
    "jit = off" \
    "max_parallel_workers_per_gather = 0" \
    "max_wal_size = 4GB" \
    "timezone = 'UTC'" \
    "log_min_messages = warning"

# every session of the benchmark sees the extension unqualified
export PGOPTIONS="-c search_path=timeline,public"

echo "== timeline windowed-aggregation benchmark"
echo "date:      $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "commit:    $(git -C "$TL_ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(
    git -C "$TL_ROOT" diff --quiet HEAD -- src 2>/dev/null || echo ' + uncommitted changes in src/')"
echo "server:    $(tl_psql -At -c 'SHOW server_version')"
echo "machine:   $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), $(free -g | awk '/^Mem:/ {print $2}') GB"
echo "huge pages: $TL_HUGE_NOTE"
echo "scale:     $BENCH_SCALE (seed $BENCH_SEED), $BENCH_REPS runs per query, all single-threaded"
echo "load avg:  $(cut -d' ' -f1-3 /proc/loadavg) (before data generation)"

tl_psql -c "CREATE EXTENSION timeline"

tl_log "generating data (scale $BENCH_SCALE)"
gen_start=$(date +%s)
tl_psql -v part=data -v scale="$BENCH_SCALE" -v seed="$BENCH_SEED" -f "$BENCH_DIR/windows.sql"
tl_psql -c "CHECKPOINT"
echo "data generated in $(( $(date +%s) - gen_start )) s"

csv="$TL_TMP/events.csv"   # removed with the cluster's directory on exit
if [ "$BENCH_DUCKDB" = 1 ]; then
    tl_log "exporting events to CSV for DuckDB"
    tl_psql -c "COPY (SELECT event_id, user_id, ts AT TIME ZONE 'UTC', amount
                      FROM events ORDER BY user_id, ts)
                TO STDOUT WITH (FORMAT csv)" >"$csv"
    echo "events CSV: $(du -h "$csv" | cut -f1)"
fi
echo "load avg:  $(cut -d' ' -f1-3 /proc/loadavg) (before the timed runs)"

tl_log "timing PostgreSQL and timeline"
tl_psql -v part=time -v reps="$BENCH_REPS" -v explain="$BENCH_EXPLAIN" -f "$BENCH_DIR/windows.sql"

if [ "$BENCH_DUCKDB" = 1 ]; then
    tl_log "timing DuckDB (threads = $BENCH_DUCKDB_THREADS)"
    echo
    echo "== DuckDB"
    node "$BENCH_DIR/duckdb/windows.mjs" "$csv" "$BENCH_REPS" "$BENCH_DUCKDB_THREADS" \
        >"$TL_TMP/duckdb.tsv" 2>"$TL_TMP/duckdb.log" || { cat "$TL_TMP/duckdb.log" >&2; exit 1; }
    grep -v ' run [0-9]*: ' "$TL_TMP/duckdb.log" | sed 's/^# //'
    tl_psql -c "COPY bench_result FROM STDIN" <"$TL_TMP/duckdb.tsv"
fi
rm -f "$csv"

tl_log "checking values event by event"
out=$(mktemp)
tl_psql -v part=check -f "$BENCH_DIR/windows.sql" | tee "$out"
tl_psql -v part=report -v reps="$BENCH_REPS" -f "$BENCH_DIR/windows.sql" | tee -a "$out"
echo
echo "load avg:  $(cut -d' ' -f1-3 /proc/loadavg) (after the timed runs)"
echo "total runtime: $(( $(date +%s) - start )) s"

status=0
grep -q '^results agree: yes' "$out" || status=1
grep -q '^event check agrees: yes' "$out" || status=1
rm -f "$out"
exit $status
