#!/usr/bin/env bash
# bench/asof.sh: the merge as-of join benchmark (issue "merge as-of join path").
#
# Times the point-in-time LEFT JOIN LATERAL (... ORDER BY ts DESC, id DESC
# LIMIT 1) query with timeline's TimelineAsOf path off (PostgreSQL's plan)
# and on, the timeline_agg + value_at formulation of the same question, and
# DuckDB's ASOF LEFT JOIN (SET threads = 1, and 2) on the same data, on two
# workloads:
#   flights    real data: vega-datasets' flights-3m.parquet (3M US flights,
#              2001-01 .. 2001-06), for every flight the delay of the latest
#              flight that departed from its destination at or before its
#              departure
#   generated  bench/data.sql's events (10M over 100K users) and probes (1M):
#              for every probe the amount of the user's latest event at or
#              before it
# Builds and installs the extension, starts a throwaway cluster with
# shared_preload_libraries = 'timeline' (the path is active in every
# session), installs DuckDB (@duckdb/node-api) and vega-datasets from the npm
# registry into bench/asof_duckdb/node_modules (benchmark only, never a
# dependency of the extension), prints the plans, the table, the targets and
# the agreement checks, and stops the cluster.  Not a pass/fail test of
# speed: it fails only on an error, when the path is not taken, or when a
# PostgreSQL variant's answer differs from the plain LATERAL's (or DuckDB's
# differs other than on tied timestamps, where it has no tie-break).
#
# Environment:
#   BENCH_REPS        runs per variant, the median is reported (default 3)
#   BENCH_LONG_MS     a variant whose first run takes longer runs once
#                     (default 20000)
#   BENCH_WORK_MEM    work_mem for every query (default 4MB, PostgreSQL's default)
#   BENCH_HUGE_PAGES   off (default) or on: shared memory in 2 MB pages
#                      (tl_huge_pages in test/lib.sh; bench/README.md)
#   BENCH_SCALE       generated workload: 1.0 = 10M events / 100K users / 1M
#                     probes (default 1.0)
#   BENCH_SEED        setseed() value for the generated data (default 0.5)
#   BENCH_WORKLOADS   comma-separated: flights, generated (default both)
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../test/lib.sh
. "$BENCH_DIR/../test/lib.sh"

BENCH_REPS=${BENCH_REPS:-3}
BENCH_LONG_MS=${BENCH_LONG_MS:-20000}
BENCH_WORK_MEM=${BENCH_WORK_MEM:-4MB}
BENCH_HUGE_PAGES=${BENCH_HUGE_PAGES:-off}
BENCH_SCALE=${BENCH_SCALE:-1.0}
BENCH_SEED=${BENCH_SEED:-0.5}
BENCH_WORKLOADS=${BENCH_WORKLOADS:-flights,generated}
DUCKDB_THREADS=1,2         # 1: the reference; 2: does its answer change on ties?
NODE_DIR="$BENCH_DIR/asof_duckdb"

start=$(date +%s)

tl_setup
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    tl_log "installing: nodejs npm"
    tl_as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    tl_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi
if [ ! -d "$NODE_DIR/node_modules/@duckdb/node-api" ] || [ ! -d "$NODE_DIR/node_modules/vega-datasets" ]; then
    tl_log "installing @duckdb/node-api and vega-datasets into bench/asof_duckdb/node_modules"
    npm install --prefix "$NODE_DIR" --no-package-lock --no-audit --no-fund --loglevel=error >&2
fi

# the flights file: flights-3m.parquet, else the largest flights parquet the
# installed vega-datasets ships
data_dir="$NODE_DIR/node_modules/vega-datasets/data"
flights_file="$data_dir/flights-3m.parquet"
if [ ! -f "$flights_file" ]; then
    flights_file=$(ls -S "$data_dir"/flights*.parquet 2>/dev/null | head -1 || true)
    [ -n "$flights_file" ] || { echo "vega-datasets ships no flights parquet" >&2; exit 1; }
    tl_log "no flights-3m.parquet in vega-datasets; using the largest: $(basename "$flights_file")"
fi

# single-threaded PostgreSQL (the path is serial; DuckDB's reference runs
# with threads = 1); the library preloaded so every session has the path
tl_huge_pages "$BENCH_HUGE_PAGES"
tl_cluster_start \
    "$TL_HUGE_CONF" \
    "shared_buffers = 2GB" \
    "shared_preload_libraries = 'timeline'" \
    "work_mem = '$BENCH_WORK_MEM'" \
    "jit = off" \
    "max_parallel_workers_per_gather = 0" \
    "max_wal_size = 4GB" \
    "timezone = 'UTC'" \
    "log_min_messages = warning"

# every session of the benchmark sees the extension unqualified; its tables
# go to public
export PGOPTIONS="-c search_path=public,timeline"
work="$TL_TMP/asof"        # CSVs, removed with the cluster's directory on exit
mkdir -p "$work"

echo "== timeline merge as-of join benchmark"
echo "date:      $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "commit:    $(git -C "$TL_ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(
    git -C "$TL_ROOT" diff --quiet HEAD -- src 2>/dev/null || echo ' + uncommitted changes in src/')"
echo "server:    $(tl_psql -At -c 'SHOW server_version'), shared_preload_libraries = $(tl_psql -At -c 'SHOW shared_preload_libraries')"
echo "settings:  $(tl_psql -At -c "SELECT string_agg(name || ' = ' || current_setting(name), ', ' ORDER BY name)
                  FROM pg_settings WHERE name IN ('shared_buffers', 'work_mem', 'jit',
                  'max_parallel_workers_per_gather', 'timeline.enable_asof_join')")"
echo "machine:   $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), $(free -g | awk '/^Mem:/ {print $2}') GB"
echo "huge pages: $TL_HUGE_NOTE"
echo "duckdb:    @duckdb/node-api $(node -p "require('$NODE_DIR/node_modules/@duckdb/node-api/package.json').version"), node $(node --version), threads $DUCKDB_THREADS"
echo "flights:   vega-datasets $(node -p "require('$NODE_DIR/node_modules/vega-datasets/package.json').version") $(basename "$flights_file") ($(du -h "$flights_file" | cut -f1))"
echo "runs:      $BENCH_REPS per variant, median reported; 1 run for a variant whose first run takes over $BENCH_LONG_MS ms"
echo "load avg:  $(cut -d' ' -f1-3 /proc/loadavg) (before data loading)"

tl_psql -c "CREATE EXTENSION timeline"
tl_psql -v part=init -f "$BENCH_DIR/asof.sql"

# run_workload NAME psql-variable assignments...: times PostgreSQL, then
# DuckDB on $work/*.csv, then compares the per-row answers
run_workload() {
    local w=$1; shift
    local vars=(-v workload="$w" -v reps="$BENCH_REPS" -v long_ms="$BENCH_LONG_MS" "$@")
    echo "load avg:  $(cut -d' ' -f1-3 /proc/loadavg) (before timing $w)"
    tl_log "$w: timing PostgreSQL"
    tl_psql "${vars[@]}" -v part=time -f "$BENCH_DIR/asof.sql"

    tl_log "$w: timing DuckDB (threads $DUCKDB_THREADS)"
    echo
    echo "== $w: DuckDB"
    node "$NODE_DIR/asof.mjs" run "$w" "$work" "$BENCH_REPS" "$BENCH_LONG_MS" "$DUCKDB_THREADS" \
        >"$work/duck.tsv" 2>"$work/duck.log" || { cat "$work/duck.log" >&2; exit 1; }
    sed 's/^# //' "$work/duck.log"
    tl_psql -c "COPY bench_result FROM STDIN" <"$work/duck.tsv"
    local t
    for t in ${DUCKDB_THREADS//,/ }; do
        tl_psql -c "SET client_min_messages = warning" -c "DROP TABLE IF EXISTS duck_rows_${w}_$t" \
                -c "CREATE TABLE duck_rows_${w}_$t (probe_id bigint, e_id bigint)"
        tl_psql -c "COPY duck_rows_${w}_$t FROM STDIN (FORMAT csv)" <"$work/duck_rows_$t.csv"
        rm -f "$work/duck_rows_$t.csv"
    done

    tl_log "$w: comparing answers row by row"
    tl_psql "${vars[@]}" -v part=compare -f "$BENCH_DIR/asof.sql"
}

if [[ ",$BENCH_WORKLOADS," == *,flights,* ]]; then
    tl_log "flights: parquet -> CSV -> PostgreSQL"
    load_start=$(date +%s)
    node "$NODE_DIR/asof.mjs" flights-csv "$flights_file" "$work/flights.csv" 2>&1 | sed 's/^# //'
    tl_psql -c "SET client_min_messages = warning" -c "DROP TABLE IF EXISTS flights" \
            -c "CREATE TABLE flights (id bigint, ts timestamptz, origin text, destination text,
                                      delay float8, distance int)"
    tl_psql -c "COPY flights FROM STDIN (FORMAT csv)" <"$work/flights.csv"
    tl_psql -c "CREATE INDEX flights_origin_ts_idx ON flights (origin, ts)" \
            -c "VACUUM ANALYZE flights" -c "CHECKPOINT"
    echo
    echo "== flights: data (loaded in $(( $(date +%s) - load_start )) s)"
    tl_psql -c "SELECT count(*) AS flights, count(DISTINCT origin) AS origins,
                       min(ts) AS first_departure, max(ts) AS last_departure,
                       (SELECT count(*) FROM (SELECT 1 FROM flights GROUP BY origin, ts
                                              HAVING count(*) > 1) s) AS tied_origin_times,
                       (SELECT max(n) FROM (SELECT count(*) AS n FROM flights GROUP BY origin) s)
                           AS most_flights_of_one_origin,
                       pg_size_pretty(pg_total_relation_size('flights')) AS size
                FROM flights"
    run_workload flights -v otab=flights -v oalias=f -v oid=id -v okey=destination \
        -v etab=flights -v ekey=origin -v eid=id -v val=delay
    tl_psql -c "DROP TABLE flights_rows_off" # keep the disk use down
fi

if [[ ",$BENCH_WORKLOADS," == *,generated,* ]]; then
    tl_log "generated: bench/data.sql (scale $BENCH_SCALE)"
    gen_start=$(date +%s)
    tl_psql -v scale="$BENCH_SCALE" -v seed="$BENCH_SEED" -v covering=0 -f "$BENCH_DIR/data.sql"
    tl_psql -c "CHECKPOINT"
    tl_psql -c "COPY (SELECT event_id, user_id, ts AT TIME ZONE 'UTC', amount FROM events)
                TO STDOUT (FORMAT csv)" >"$work/events.csv"
    tl_psql -c "COPY (SELECT probe_id, user_id, ts AT TIME ZONE 'UTC' FROM probes)
                TO STDOUT (FORMAT csv)" >"$work/probes.csv"
    echo "generated data and CSVs in $(( $(date +%s) - gen_start )) s"
    run_workload generated -v otab=probes -v oalias=p -v oid=probe_id -v okey=user_id \
        -v etab=events -v ekey=user_id -v eid=event_id -v val=amount
fi

out="$work/report.txt"
tl_psql -v part=report -v long_ms="$BENCH_LONG_MS" -f "$BENCH_DIR/asof.sql" | tee "$out"
echo
echo "load avg:  $(cut -d' ' -f1-3 /proc/loadavg) (after the timed runs)"
echo "total runtime: $(( $(date +%s) - start )) s"
grep -q '^checks pass: yes' "$out"
