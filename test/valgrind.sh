#!/usr/bin/env bash
# test/valgrind.sh: runs part of the pg_regress suite, and two short checks
# of the code it does not reach, against a PostgreSQL server running under
# valgrind memcheck, and fails when memcheck reports an error with a frame
# in timeline's library.
#
# Usage: bash test/valgrind.sh [test ...]   (default: the subset in VG_TESTS)
#
# Builds and installs timeline (test/lib.sh's tl_setup, with valgrind added
# to the packages it installs when missing), runs initdb as usual in
# /tmp/vg_timeline.XXXXXX, then starts the postmaster itself under memcheck,
# as the postgres OS user, at nice 19, on a unix socket in that directory.
# Backends and parallel workers are forks of the postmaster, so each runs
# under memcheck and writes its own log (vg/vg.<pid>.log).  pg_regress runs
# the chosen files with the options test/check.sh uses (installcheck: the
# Makefile's REGRESS_OPTS), so their expected output must still match.  The
# cluster is stopped (fast, also on failure or interrupt) before the logs are
# read, so every process has written its last report.
#
# The subset: the files that exercise the C code and take a few seconds each
# under memcheck (about 50 s together on 2 cores): io, agg, lookup, sparkline,
# zones, window, combine, shift, search_path (the type and the temporal
# operators, with timelines of 100,000 points), features, training_set and
# materialize (feature_expr.c, feature_state.c, state_read.c through SPI and
# triggers).
# Left out because memcheck makes them take minutes each (measured on 2
# cores, all passing with no report in timeline): oracle_window (33 min),
# asof_join (11 min), oracle_training (6.5 min), parallel_agg (5.5 min),
# feature_state (4 to 5 min), leakage (3.5 min), oracle_lookup (3.5 min);
# and install, which checks the catalog rather than the C code.  In
# their place, two short checks in this script: the merge as-of join
# (asof_path.c, asof_exec.c, asof_sweep.c, asof_slots.c) on 10,000 events
# (more than one fetch batch, with a text column), and timeline_agg under a forced
# parallel plan (combine, serial and deserial functions); each compares its
# answer with the plain plan's and requires the plan it is there to test.
#
# What memcheck sees here: Debian's PostgreSQL is not built with
# USE_VALGRIND, so memcheck knows malloc'd blocks but not the palloc'd chunks
# inside a memory context's block.  It reports uninitialised values our code
# branches on, indexes with or passes to a system call; reads and writes
# outside a malloc'd block, which includes every chunk over 8 kB (each is its
# own block: a timeline of more than about 500 points); and use of such a chunk
# after it is freed.  An overrun that stays inside a context's block is not
# seen.
#
# An error is ours when any frame of its report (its stack, the allocation
# of the address, the origin of an uninitialised value) is in timeline.so:
# a source file of src/ or "(in .../timeline.so)".  Known errors inside
# PostgreSQL and libc are suppressed in test/valgrind.supp, each with its
# reason; any other error outside timeline is printed but does not fail the
# step.
#
# Prints pg_regress's output, the checks' results and every error report
# (ours first), then one line "valgrind: N error reports in timeline, M
# elsewhere (not ours)".  Exits non-zero when pg_regress or a check fails or
# when an error is ours.  VG_KEEP=1 keeps the directory with the logs.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

VG_TESTS="io agg lookup sparkline zones window combine shift search_path features training_set materialize"
VG_SUPP="$TL_ROOT/test/valgrind.supp"
TL_PACKAGES="$TL_PACKAGES valgrind"
VG_DIR=""
VG_PID=""
started=$(date +%s)

# Stops the server (fast, then immediate) and waits for memcheck to finish
# writing its logs.
vg_cluster_stop() {
    if [ -n "$VG_DIR" ] && [ -f "$VG_DIR/data/postmaster.pid" ]; then
        tl_as_owner "$TL_PGBIN/pg_ctl" -D "$VG_DIR/data" -m fast -w -t 120 stop >/dev/null 2>&1 \
            || tl_as_owner "$TL_PGBIN/pg_ctl" -D "$VG_DIR/data" -m immediate -w -t 60 stop >/dev/null 2>&1 \
            || true
    fi
    if [ -n "$VG_PID" ]; then
        wait "$VG_PID" 2>/dev/null || true
        VG_PID=""
    fi
}

# Stops the server and removes its directory, unless VG_KEEP=1.
vg_cleanup() {
    vg_cluster_stop
    if [ -n "$VG_DIR" ] && [ -d "$VG_DIR" ]; then
        if [ "${VG_KEEP:-0}" = 1 ]; then
            tl_log "kept $VG_DIR (logs in $VG_DIR/vg)"
        else
            rm -rf "$VG_DIR"
        fi
    fi
    VG_DIR=""
}

# Starts the throwaway cluster with the postmaster under memcheck.
vg_cluster_start() {
    VG_DIR=$(mktemp -d /tmp/vg_timeline.XXXXXX)
    trap vg_cleanup EXIT
    trap 'vg_cleanup; exit 130' INT TERM
    chmod 755 "$VG_DIR"
    mkdir "$VG_DIR/vg"
    if [ "$(id -u)" -eq 0 ]; then chown postgres: "$VG_DIR" "$VG_DIR/vg"; fi
    tl_as_owner "$TL_PGBIN/initdb" -D "$VG_DIR/data" -U postgres -A trust -E UTF8 \
        --locale=C.UTF-8 --no-sync >"$VG_DIR/initdb.log" 2>&1 \
        || { cat "$VG_DIR/initdb.log" >&2; return 1; }
    # test/check.sh's settings, without pg_cron (no file of the subset needs
    # it); autovacuum and JIT off: each would run PostgreSQL code, not ours,
    # many times slower under memcheck, and the tests ANALYZE what they use
    {
        echo "listen_addresses = ''"
        echo "unix_socket_directories = '$VG_DIR'"
        echo "port = 5432"
        echo "fsync = off"
        echo "synchronous_commit = off"
        echo "full_page_writes = off"
        echo "max_parallel_workers_per_gather = 2"
        echo "max_worker_processes = 8"
        echo "max_parallel_workers = 4"
        echo "shared_preload_libraries = 'timeline'"
        echo "autovacuum = off"
        echo "jit = off"
    } | tl_as_owner tee -a "$VG_DIR/data/postgresql.conf" >/dev/null
    # --leak-check=no: backends exit without freeing their memory contexts,
    # by design; --error-markers delimit each report for the scan below;
    # --fullpath-after= prints source paths whole (src/window.c, not a bare
    # window.c that PostgreSQL has too when its debug symbols are installed);
    # no --error-exitcode: the postmaster takes a backend's unusual exit
    # status for a crash and restarts every session, so the logs decide
    # --track-origins (VG_TRACK_ORIGINS=yes) says where an uninitialised
    # value came from, at about 1.5 times the time: the suite finds the same
    # errors without it; rerun the failing files with it to see the origin
    tl_as_owner nice -n 19 valgrind --tool=memcheck --trace-children=yes \
        --track-origins="${VG_TRACK_ORIGINS:-no}" --num-callers=50 --leak-check=no \
        --suppressions="$VG_SUPP" --gen-suppressions=all --fullpath-after= \
        --error-markers=VGERROR-BEGIN,VGERROR-END --log-file="$VG_DIR/vg/vg.%p.log" \
        "$TL_PGBIN/postgres" -D "$VG_DIR/data" >"$VG_DIR/server.log" 2>&1 &
    VG_PID=$!
    local _
    for _ in $(seq 1 120); do
        "$TL_PGBIN/pg_isready" -q -h "$VG_DIR" -p 5432 && break
        if ! kill -0 "$VG_PID" 2>/dev/null; then
            cat "$VG_DIR/server.log" >&2
            return 1
        fi
        sleep 1
    done
    "$TL_PGBIN/pg_isready" -q -h "$VG_DIR" -p 5432 || { cat "$VG_DIR/server.log" >&2; return 1; }
    export PGHOST="$VG_DIR" PGPORT=5432 PGUSER=postgres PGDATABASE=postgres
    tl_log "cluster under valgrind running in $VG_DIR"
}

# Runs pg_regress over the chosen files, as test/check.sh's installcheck does.
vg_regress() {
    local rc=0
    nice -n 19 "$("$TL_PGBIN/pg_config" --pkglibdir)/pgxs/src/test/regress/pg_regress" \
        --inputdir=. --bindir="$TL_PGBIN" --load-extension=timeline \
        --dbname=contrib_regression --host="$VG_DIR" --port=5432 --user=postgres \
        --outputdir="$VG_DIR/regress" "$@" || rc=$?
    if [ "$rc" -ne 0 ] && [ -f "$VG_DIR/regress/regression.diffs" ]; then
        cat "$VG_DIR/regress/regression.diffs"
    fi
    return "$rc"
}

# The merge as-of join on 10,000 events (three fetch batches; a text output
# column) against 2,000 spine rows: with no
# index on the events the nested loop would scan them once per spine row, so
# the merge is chosen; its answer must equal the nested loop's (run after an
# index makes that plan cheap).
vg_check_asof() {
    local q qk plan diff
    q="SELECT s.sid, f.id, f.amount, f.note FROM vg_sp s LEFT JOIN LATERAL (
           SELECT e.id, e.amount, e.note FROM vg_ev e
           WHERE e.user_id = s.user_id AND e.ts <= s.ts
           ORDER BY e.ts DESC, e.id DESC LIMIT 1) f ON true"
    tl_psql -d vg_check <<SQL || return 1
CREATE TABLE vg_ev (id int, user_id int, ts timestamptz, amount float8, note text);
INSERT INTO vg_ev
SELECT g, g % 50, timestamptz '2024-01-01 00:00:00+00' + (g * 7919 % 500) * interval '1 hour',
       CASE WHEN g % 13 = 0 THEN NULL ELSE g % 97 - 40 END, repeat('n', g % 7) || g
FROM generate_series(1, 10000) g;
CREATE TABLE vg_sp (sid int, user_id int, ts timestamptz);
INSERT INTO vg_sp
SELECT g, g % 60, timestamptz '2023-12-31 00:00:00+00' + (g * 104729 % 560) * interval '1 hour'
FROM generate_series(1, 2000) g;
ANALYZE vg_ev;
ANALYZE vg_sp;
SQL
    plan=$(tl_psql -d vg_check -At -c "SET max_parallel_workers_per_gather = 0" \
        -c "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) CREATE TABLE vg_asof_on AS $q") \
        || return 1
    # the same over the events as a log in time order (the sweep reads it
    # twice in its own order, not sorting it)
    plan="$plan
$(tl_psql -d vg_check -At -c "SET max_parallel_workers_per_gather = 0" \
        -c "CREATE TABLE vg_evl AS SELECT * FROM vg_ev ORDER BY ts, id" -c "ANALYZE vg_evl" \
        -c "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) CREATE TABLE vg_asof_log AS ${q/vg_ev e/vg_evl e}")" \
        || return 1
    # the same with the key merge instead of the time sweep
    plan="$plan
$(tl_psql -d vg_check -At -c "SET max_parallel_workers_per_gather = 0" \
        -c "SET timeline.enable_asof_sweep = off" -c "SET timeline.enable_asof_slots = off" \
        -c "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) CREATE TABLE vg_asof_merge AS $q")" \
        || return 1
    # the spine in time order over the log: the sweep keeps the outer rows
    # as they come (64kB: in a temporary file) instead of sorting them
    qk=${q/vg_ev e/vg_evl e}
    qk=${qk/vg_sp s/vg_spo s}
    plan="$plan
$(tl_psql -d vg_check -At -c "SET max_parallel_workers_per_gather = 0" \
        -c "CREATE TABLE vg_spo AS SELECT * FROM vg_sp ORDER BY ts, sid" -c "ANALYZE vg_spo" \
        -c "SET work_mem = '64kB'" -c "SET hash_mem_multiplier = 16" \
        -c "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) CREATE TABLE vg_asof_kept AS $qk")" \
        || return 1
    # and with the slot join, in chunks (64kB): events spilled and read back
    plan="$plan
$(tl_psql -d vg_check -At -c "SET max_parallel_workers_per_gather = 0" \
        -c "SET timeline.enable_asof_sweep = off" -c "SET work_mem = '64kB'" \
        -c "SET hash_mem_multiplier = 1" \
        -c "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) CREATE TABLE vg_asof_slots AS $q")" \
        || return 1
    # the same written as scalar subqueries, which the planner hook rewrites
    # into as-of joins (three, one per column)
    local qs="SELECT s.sid,
           (SELECT e.id FROM vg_ev e WHERE e.user_id = s.user_id AND e.ts <= s.ts
            ORDER BY e.ts DESC, e.id DESC LIMIT 1) AS id,
           (SELECT e.amount FROM vg_ev e WHERE e.user_id = s.user_id AND e.ts <= s.ts
            ORDER BY e.ts DESC, e.id DESC LIMIT 1) AS amount,
           (SELECT e.note FROM vg_ev e WHERE e.user_id = s.user_id AND e.ts <= s.ts
            ORDER BY e.ts DESC, e.id DESC LIMIT 1) AS note
       FROM vg_sp s"
    local splan
    splan=$(tl_psql -d vg_check -At -c "SET max_parallel_workers_per_gather = 0" \
        -c "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) CREATE TABLE vg_asof_scalar AS $qs") \
        || return 1
    tl_psql -d vg_check <<SQL || return 1
SET max_parallel_workers_per_gather = 0;
CREATE INDEX ON vg_ev (user_id, ts);
ANALYZE vg_ev;
SET timeline.enable_asof_join = off;
CREATE TABLE vg_asof_off AS $q;
SQL
    diff=$(tl_psql -d vg_check -At -c "SELECT (SELECT count(*) FROM vg_asof_on), (SELECT count(*) FROM
            ((TABLE vg_asof_on EXCEPT ALL TABLE vg_asof_off) UNION ALL
             (TABLE vg_asof_off EXCEPT ALL TABLE vg_asof_on)) d), (SELECT count(*) FROM
            ((TABLE vg_asof_merge EXCEPT ALL TABLE vg_asof_off) UNION ALL
             (TABLE vg_asof_off EXCEPT ALL TABLE vg_asof_merge)) d), (SELECT count(*) FROM
            ((TABLE vg_asof_log EXCEPT ALL TABLE vg_asof_off) UNION ALL
             (TABLE vg_asof_off EXCEPT ALL TABLE vg_asof_log)) d), (SELECT count(*) FROM
            ((TABLE vg_asof_slots EXCEPT ALL TABLE vg_asof_off) UNION ALL
             (TABLE vg_asof_off EXCEPT ALL TABLE vg_asof_slots)) d), (SELECT count(*) FROM
            ((TABLE vg_asof_kept EXCEPT ALL TABLE vg_asof_off) UNION ALL
             (TABLE vg_asof_off EXCEPT ALL TABLE vg_asof_kept)) d), (SELECT count(*) FROM
            ((TABLE vg_asof_scalar EXCEPT ALL TABLE vg_asof_off) UNION ALL
             (TABLE vg_asof_off EXCEPT ALL TABLE vg_asof_scalar)) d)") || return 1
    echo "as-of merge: rows, rows differing from the nested loop (time sweep, key merge, sweep of a log, slot join, outer rows kept in time order, scalar subqueries): $diff"
    if ! grep -q 'Events Order: sweep by time' <<<"$plan" || ! grep -q 'Events Order: sort' <<<"$plan" ||
        ! grep -q 'Events Order: sweep in table order' <<<"$plan" ||
        ! grep -q 'Events Order: slots in table order' <<<"$plan" ||
        ! grep -Eq 'Events Spilled: [1-9]' <<<"$plan" ||
        ! grep -q 'Outer Order: time order, not sorted' <<<"$plan" ||
        [ "$(grep -c 'Custom Scan (TimelineAsOf)' <<<"$splan")" != 3 ]; then
        echo "as-of merge: the plans do not show the time sweep (sorted and in table order), the key merge," \
            "the slot join with spilled events, outer rows kept in time order and three merges for the scalar subqueries:"
        echo "$plan"
        echo "scalar subqueries: $splan"
        return 1
    fi
    [ "$diff" = "2000|0|0|0|0|0|0" ]
}

# timeline_agg (every overload) under a forced parallel plan, where workers
# serialize their partial states and the leader deserializes and combines
# them, against the serial plan.
vg_check_parallel() {
    local q qk plan diff par
    q="SELECT entity, timeline_agg(ts, v) AS a, timeline_agg(ts, v, id) AS b,
              timeline_agg(ts, v > 0) AS c, timeline_agg(ts, v > 0, id) AS d
       FROM vg_pa GROUP BY entity"
    # max_parallel_maintenance_workers = 0: with these costs the new table's
    # TOAST index would be built in parallel, which is not what is tested
    par="SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0;
         SET min_parallel_table_scan_size = 0; SET parallel_leader_participation = off;
         SET max_parallel_workers_per_gather = 2; SET enable_hashagg = off;
         SET max_parallel_maintenance_workers = 0;"
    tl_psql -d vg_check <<SQL || return 1
SET search_path = timeline, public;
CREATE TABLE vg_pa (entity int, ts timestamptz, v float8, id bigint);
INSERT INTO vg_pa
SELECT g % 40, timestamptz '2024-01-01 00:00:00+00' + (g * 7919 % 300) * interval '1 minute',
       CASE WHEN g % 17 = 0 THEN NULL WHEN g % 101 = 0 THEN 'NaN'::float8 ELSE (g * 31 % 200) - 100 END,
       g
FROM generate_series(1, 20000) g;
ANALYZE vg_pa;
SET max_parallel_workers_per_gather = 0;
CREATE TABLE vg_pa_serial AS $q;
SQL
    plan=$(tl_psql -d vg_check -At -c "SET search_path = timeline, public" -c "$par" \
        -c "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) CREATE TABLE vg_pa_parallel AS $q") \
        || return 1
    diff=$(tl_psql -d vg_check -At -c "SET search_path = timeline, public" \
        -c "SELECT count(*), count(*) FILTER (WHERE s.a IS DISTINCT FROM p.a OR s.b IS DISTINCT FROM p.b
                OR s.c IS DISTINCT FROM p.c OR s.d IS DISTINCT FROM p.d)
            FROM vg_pa_serial s FULL JOIN vg_pa_parallel p USING (entity)") || return 1
    echo "parallel timeline_agg: entities, entities differing from the serial plan: $diff"
    if ! grep -q 'Partial GroupAggregate' <<<"$plan" || ! grep -q 'Workers Launched: [1-9]' <<<"$plan"; then
        echo "parallel timeline_agg: no partial aggregation in parallel workers, so the check tested nothing:"
        echo "$plan"
        return 1
    fi
    [ "$diff" = "40|0" ]
}

# Prints every error report of the logs, ours first, each distinct report
# once (addresses and pids aside) with the number of processes that gave it;
# prints "<ours> <others>" on the last line.
vg_scan() {
    local names
    names=$(cd "$TL_ROOT/src" && ls -- *.c *.h | sed 's/\.[ch]$//' | sort -u | paste -sd'|')
    awk -v names="$names" '
        function flush(   key) {
            key = norm
            if (!(key in count)) {
                order[++n] = key
                text[key] = block
                mine[key] = ours
                where[key] = FILENAME; sub(/.*\//, "", where[key])
            }
            count[key]++
        }
        BEGIN {
            frame = "\\((in [^ ]*/timeline\\.so|([^ ]*/)?src/(" names ")\\.[ch]:[0-9]+)\\)$"
        }
        /VGERROR-BEGIN$/ { inblock = 1; block = ""; norm = ""; ours = 0; next }
        /VGERROR-END$/ { inblock = 0; insupp = 0; flush(); last = norm; next }
        inblock {
            line = $0
            sub(/^==[0-9]+== ?/, "", line)
            if (line ~ frame) ours = 1
            block = block line "\n"
            gsub(/0x[0-9A-Fa-f]+/, "", line)
            norm = norm line "\n"
            next
        }
        # the suppression template memcheck prints after a report
        /^\{$/ && last != "" { insupp = 1; supp[last] = "" }
        insupp { supp[last] = supp[last] $0 "\n"; if ($0 ~ /^\}$/) { insupp = 0; last = "" } next }
        END {
            for (pass = 1; pass >= 0; pass--)
                for (i = 1; i <= n; i++) {
                    k = order[i]
                    if (mine[k] != pass) continue
                    if (pass) { nours++; head = "error in timeline" }
                    else { nother++; head = "error outside timeline (not ours, does not fail)" }
                    printf "\n--- %s: %d process(es), first in %s\n%s", head, count[k], where[k], text[k]
                    if (!pass && supp[k] != "") printf "suppression, if it is PostgreSQL'\''s:\n%s", supp[k]
                }
            printf "%d %d\n", nours, nother
        }' "$VG_DIR"/vg/vg.*.log
}

tl_setup
cd "$TL_ROOT" || exit 1
# shellcheck disable=SC2206
tests=(${@:-$VG_TESTS})
tl_log "valgrind: starting the cluster under memcheck"
vg_cluster_start
fail=""
tl_log "valgrind: pg_regress ${tests[*]}"
vg_regress "${tests[@]}" || fail="$fail pg_regress"
if [ "$#" -eq 0 ]; then
    tl_log "valgrind: checks of the as-of merge and parallel timeline_agg"
    if tl_psql -c "CREATE DATABASE vg_check" && tl_psql -d vg_check -c "CREATE EXTENSION timeline"; then
        vg_check_asof || fail="$fail as-of-check"
        vg_check_parallel || fail="$fail parallel-check"
    else
        fail="$fail checks"
    fi
fi
tl_log "valgrind: stopping the cluster"
vg_cluster_stop
if ! grep -qs 'Memcheck, a memory error detector' "$VG_DIR"/vg/vg.*.log; then
    echo "valgrind: no memcheck log was written"
    exit 1
fi
scan=$(vg_scan)
echo "$scan" | sed '$d'
read -r ours others <<<"$(echo "$scan" | tail -n 1)"
[ "$ours" -eq 0 ] || fail="$fail memcheck"
tl_log "valgrind: $(ls "$VG_DIR"/vg | wc -l) processes ran under memcheck; $(($(date +%s) - started)) s"
echo "valgrind: $ours error reports in timeline, $others elsewhere (not ours)"
if [ -n "$fail" ]; then
    tl_log "valgrind: FAILED:$fail"
    exit 1
fi
