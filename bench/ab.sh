#!/usr/bin/env bash
# bench/ab.sh: interleaved A/B timing of two builds of timeline's library on
# an existing cluster, for changes smaller than a shared machine's noise.
#
# Usage: bash bench/ab.sh A.so B.so DATABASE QUERIES.sql [SESSIONS]
#
# For each of SESSIONS rounds (default 6): installs A.so as the server's
# timeline.so, runs QUERIES.sql in a new psql session, then the same with
# B.so.  QUERIES.sql turns psql's \timing on before the statements to time
# (settings before it are not timed).  Prints each session's times, then per
# build the median and range of every timed statement but each session's
# first (which pays for loading the library and warming caches), so a file
# that runs one query three times counts its second and third runs.  A
# library is installed by copying it beside the installed one and renaming
# it over it, so running backends keep the file they mapped (overwriting it
# in place would crash them); new sessions load the new one.  The library that was installed
# before is put back at the end, also on failure or interrupt.
#
# Runs against the cluster named by PGHOST, PGPORT, PGUSER (a role that can
# run the queries); needs write access to PostgreSQL's library directory.
# For a development machine only: while it runs, every new session of that
# PostgreSQL installation loads A or B.  Each session must load the library
# (call a timeline function, or LOAD 'timeline' first in QUERIES.sql), and
# both builds must match the installed SQL objects.  Not a test.
set -euo pipefail

if [ "$#" -lt 4 ]; then
    echo "usage: bash bench/ab.sh A.so B.so DATABASE QUERIES.sql [SESSIONS]" >&2
    exit 2
fi
a=$1 b=$2 db=$3 sql=$4 sessions=${5:-6}
for f in "$a" "$b" "$sql"; do
    [ -f "$f" ] || { echo "ab: no such file: $f" >&2; exit 2; }
done

lib="$(pg_config --pkglibdir)/timeline.so"
saved=$(mktemp)
out=$(mktemp)
times=$(mktemp)
cp "$lib" "$saved"
# mktemp made $saved private (0600), and cp keeps an existing file's mode:
# give it the library's, or the restored library is unreadable by the server
chmod --reference="$lib" "$saved"
restore() {
    cp "$saved" "$lib.ab" && mv -f "$lib.ab" "$lib"
    rm -f "$saved" "$out" "$times"
}
trap restore EXIT
trap 'exit 130' INT TERM

install_lib() {
    cp "$1" "$lib.ab"
    mv -f "$lib.ab" "$lib"
}

for i in $(seq 1 "$sessions"); do
    for v in A B; do
        if [ "$v" = A ]; then install_lib "$a"; else install_lib "$b"; fi
        psql -X -q -d "$db" -v ON_ERROR_STOP=1 -f "$sql" >"$out" 2>&1 \
            || { cat "$out" >&2; exit 1; }
        ms=$(sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' "$out" | tr '\n' ' ')
        echo "$v session $i: $ms"
        # every run but the session's first
        echo "$ms" | tr ' ' '\n' | sed '/^$/d' | tail -n +2 | sed "s/^/$v /" >>"$times"
    done
done

echo "median (min-max) over every run but each session's first, in ms:"
for v in A B; do
    sort -k2 -n "$times" | awk -v v="$v" '$1 == v { x[n++] = $2 }
        END {
            if (n == 0) { printf "%s: no runs\n", v; exit }
            m = (n % 2) ? x[int(n / 2)] : (x[n / 2 - 1] + x[n / 2]) / 2
            printf "%s: %.0f (%.0f-%.0f), %d runs\n", v, m, x[0], x[n - 1], n
        }'
done
