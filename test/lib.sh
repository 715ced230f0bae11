# test/lib.sh: shared set-up for the demo, the test suite and the benchmarks.
#
# Sourced, not run.  Provides:
#   tl_setup          install what a fresh Debian 12 machine lacks, build, install
#   tl_cluster_start  start a throwaway PostgreSQL 15 cluster on a unix socket in
#                     a temporary directory (as the postgres OS user when root);
#                     exports PGHOST, PGPORT, PGUSER, PGDATABASE; stopped on exit
#   tl_cluster_stop   stop it and remove the directory (also run on exit/failure)
#   tl_psql           psql against the throwaway cluster, stopping on the first error
#   tl_huge_pages     before tl_cluster_start: on|off, a benchmark's
#                     BENCH_HUGE_PAGES (see bench/README.md); sets TL_HUGE_CONF
#                     (the huge_pages line) and TL_HUGE_NOTE (what was done)
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
    # huge pages reserved by tl_huge_pages, given back once the server is gone;
    # only those we added, so another run's reservation made meanwhile stays
    tl_huge_pages_give_back
}

# Lowers vm.nr_hugepages by the pages tl_huge_pages added, if any.
tl_huge_pages_give_back() {
    if [ -n "${TL_HUGE_ADDED:-}" ]; then
        local now
        now=$(cat /proc/sys/vm/nr_hugepages)
        echo $(( now > TL_HUGE_ADDED ? now - TL_HUGE_ADDED : 0 )) >/proc/sys/vm/nr_hugepages || true
        TL_HUGE_ADDED=""
    fi
}

# tl_huge_pages on|off [MB of shared memory, default 2200: 2 GB of buffers
# take 2120 MB of shared memory at the benchmarks' settings, plus headroom]
# off: the server's shared memory in 4 kB pages, as a stock install has it.
# on: in 2 MB pages (huge_pages = on); pages that are not free are reserved
# for the run when we are root (vm.nr_hugepages raised by what is missing,
# lowered by as much by tl_cluster_stop, so that runs overlapping in time
# leave it as it was).  Every new backend or parallel worker maps each page
# of shared memory it touches on first touch: one page fault per 4 kB (or
# per few), per 2 MB with huge pages; on some virtual machines a fault costs
# tens of microseconds, so a new session reading 100,000 buffers pays seconds.
# 2 MB pages free and not promised to a running server (one with
# huge_pages = try may hold some)
tl_huge_pages_available() {
    awk '/^HugePages_Free:/ {f = $2} /^HugePages_Rsvd:/ {r = $2} END {print f - r}' /proc/meminfo
}

tl_huge_pages() {
    local mode=$1 mb=${2:-2200} need have total
    TL_HUGE_CONF="huge_pages = $mode"
    TL_HUGE_NOTE="off (4 kB pages)"
    TL_HUGE_ADDED=""
    case $mode in
    off) return 0 ;;
    on) ;;
    *) echo "BENCH_HUGE_PAGES must be on or off" >&2; return 1 ;;
    esac
    need=$(( (mb + 1) / 2 ))
    have=$(tl_huge_pages_available)
    if [ "${have:-0}" -lt "$need" ]; then
        if [ "$(id -u)" -ne 0 ]; then
            echo "huge pages: $need free 2 MB pages needed, ${have:-0} free; run as root or reserve them (vm.nr_hugepages)" >&2
            return 1
        fi
        total=$(cat /proc/sys/vm/nr_hugepages)
        echo $(( total + need - ${have:-0} )) >/proc/sys/vm/nr_hugepages
        # what the kernel could allocate, which tl_cluster_stop gives back
        # (also if we stop before tl_cluster_start sets its traps)
        TL_HUGE_ADDED=$(( $(cat /proc/sys/vm/nr_hugepages) - total ))
        trap tl_cluster_stop EXIT
        have=$(tl_huge_pages_available)
        if [ "$have" -lt "$need" ]; then
            echo "huge pages: could only reserve $have of $need" >&2
            tl_huge_pages_give_back
            return 1
        fi
        TL_HUGE_NOTE="on ($have 2 MB pages available; $TL_HUGE_ADDED reserved for this run and given back at the end)"
    else
        TL_HUGE_NOTE="on ($have 2 MB pages available)"
    fi
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
