# test/lib.sh: shared set-up for the demo, the test suite and the benchmarks.
#
# Sourced, not run.  Provides:
#   tl_setup          install what a fresh Debian 12 machine lacks, build, install
#   tl_cluster_start  start a throwaway PostgreSQL 15 cluster on a unix socket in
#                     a temporary directory (as the postgres OS user when root);
#                     exports PGHOST, PGPORT, PGUSER, PGDATABASE; stopped on exit
#   tl_cluster_stop   stop it and remove the directory (also run on exit/failure)
#   tl_psql           psql against the throwaway cluster, stopping on the first error
set -euo pipefail

TL_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TL_PGBIN=/usr/lib/postgresql/15/bin
TL_PACKAGES="postgresql-15 postgresql-client-15 postgresql-server-dev-15 postgresql-15-cron
             libipc-run-perl libpq-dev build-essential cppcheck"

tl_log() { printf '== %s\n' "$*" >&2; }

# Runs a command as root: directly when we are root, else through sudo.
tl_as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Runs a command as the cluster's owner: postgres when we are root.
tl_as_owner() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

tl_setup() {
    local missing=""
    for p in $TL_PACKAGES; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
            || missing="$missing $p"
    done
    if [ -n "$missing" ]; then
        tl_log "installing:$missing"
        tl_as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
        # shellcheck disable=SC2086
        tl_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
    fi
    tl_log "building timeline"
    make -C "$TL_ROOT" -s with_llvm=no PG_CONFIG="$TL_PGBIN/pg_config" >/dev/null
    tl_as_root make -C "$TL_ROOT" -s with_llvm=no PG_CONFIG="$TL_PGBIN/pg_config" install >/dev/null
}

tl_cluster_stop() {
    if [ -n "${TL_TMP:-}" ] && [ -d "$TL_TMP" ]; then
        if [ -f "$TL_TMP/data/postmaster.pid" ]; then
            tl_as_owner "$TL_PGBIN/pg_ctl" -D "$TL_TMP/data" -m immediate -w stop >/dev/null 2>&1 || true
        fi
        rm -rf "$TL_TMP"
    fi
    TL_TMP=""
}

# tl_cluster_start [extra postgresql.conf lines...]
tl_cluster_start() {
    TL_TMP=$(mktemp -d /tmp/timeline.XXXXXX)
    trap tl_cluster_stop EXIT
    trap 'tl_cluster_stop; exit 130' INT TERM
    chmod 755 "$TL_TMP"
    if [ "$(id -u)" -eq 0 ]; then chown postgres: "$TL_TMP"; fi
    tl_as_owner "$TL_PGBIN/initdb" -D "$TL_TMP/data" -U postgres -A trust -E UTF8 \
        --locale=C.UTF-8 --no-sync >"$TL_TMP/initdb.log" 2>&1 \
        || { cat "$TL_TMP/initdb.log" >&2; return 1; }
    {
        echo "listen_addresses = ''"
        echo "unix_socket_directories = '$TL_TMP'"
        echo "port = 5432"
        echo "fsync = off"
        echo "synchronous_commit = off"
        echo "full_page_writes = off"
        echo "max_parallel_workers_per_gather = 2"
        for line in "$@"; do echo "$line"; done
    } | tl_as_owner tee -a "$TL_TMP/data/postgresql.conf" >/dev/null
    tl_as_owner "$TL_PGBIN/pg_ctl" -D "$TL_TMP/data" -l "$TL_TMP/server.log" -w start >/dev/null \
        || { cat "$TL_TMP/server.log" >&2; return 1; }
    export PGHOST="$TL_TMP" PGPORT=5432 PGUSER=postgres PGDATABASE=postgres
    tl_log "throwaway cluster running in $TL_TMP"
}

tl_psql() {
    "$TL_PGBIN/psql" -X -q -v ON_ERROR_STOP=1 "$@"
}
