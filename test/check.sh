#!/usr/bin/env bash
# test/check.sh: sets up a fresh Debian 12 machine (see test/lib.sh) and runs
# the whole test suite against a throwaway cluster: static analysis,
# pg_regress (including the oracle and parallel tests), and the I/O fuzzer.
# Ends with one line "N passed, N failed"; exits non-zero on any failure.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

tl_setup
cd "$TL_ROOT"
passed=0
failed=0
failures=""

# run_step NAME COMMAND...: runs one suite step and counts it
run_step() {
    local name=$1
    shift
    tl_log "$name"
    if "$@"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        failures="$failures $name"
        tl_log "FAILED: $name"
    fi
}

static_analysis() {
    cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
        --std=c99 --inline-suppr -D__GNUC__ -I src -I "$("$TL_PGBIN/pg_config" --includedir-server)" \
        --suppress=missingIncludeSystem src/*.c
}

regress() {
    rm -rf results regression.diffs regression.out
    if make -s with_llvm=no PG_CONFIG="$TL_PGBIN/pg_config" installcheck; then
        return 0
    fi
    [ -f regression.diffs ] && cat regression.diffs
    return 1
}

run_step "static analysis (cppcheck)" static_analysis
tl_cluster_start "max_worker_processes = 8" "max_parallel_workers = 4"
run_step "pg_regress" regress
run_step "fuzz (malformed text and binary input)" bash test/fuzz/run.sh
tl_cluster_stop

if [ "$failed" -gt 0 ]; then
    tl_log "failed steps:$failures"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
