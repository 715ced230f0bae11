#!/usr/bin/env bash
# test/tap.sh: runs timeline's TAP tests (test/t/*.pl, PostgreSQL::Test::Cluster)
# against the installed PostgreSQL 15 and the installed timeline
# (installcheck style: build and install first, e.g. test/check.sh's tl_setup
# or make with_llvm=no install).
#
# Usage: bash test/tap.sh [test/t/NNN_name.pl ...]     (default: all of test/t)
#
# Each test starts its own nodes (initdb, unix socket in a private /tmp
# directory), so no running cluster is needed or touched.  The server refuses
# to run as root: when run as root, prove runs as the postgres OS user
# (runuser), in a temporary directory that user owns, holding a copy of the
# tests; the node data and logs go to its tmp_check/.  Needs prove (perl),
# IPC::Run (libipc-run-perl) and PostgreSQL's test modules from
# postgresql-server-dev-15.
#
# Prints prove's output, on failure the tests' logs (tmp_check/log), and one
# line "tap: N passed, M failed" (TAP assertions); exits non-zero on any
# failure.  TAP_KEEP=1 keeps the temporary directory.
set -euo pipefail

PGBIN=${TL_PGBIN:-/usr/lib/postgresql/15/bin}
PGLIB=$("$PGBIN/pg_config" --pkglibdir)
PGSHARE=$("$PGBIN/pg_config" --sharedir)
PERLLIB="$PGLIB/pgxs/src/test/perl"
PG_REGRESS_BIN="$PGLIB/pgxs/src/test/regress/pg_regress"
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
started=$(date +%s%N)

die() { printf 'tap: %s\n' "$*" >&2; echo "tap: 0 passed, 1 failed"; exit 1; }

[ -f "$PGSHARE/extension/timeline.control" ] || die "timeline is not installed in $PGSHARE (make with_llvm=no install)"
[ -f "$PERLLIB/PostgreSQL/Test/Cluster.pm" ] || die "PostgreSQL test modules missing in $PERLLIB (postgresql-server-dev-15)"
[ -x "$PG_REGRESS_BIN" ] || die "pg_regress missing: $PG_REGRESS_BIN"
command -v prove >/dev/null || die "prove (perl) not found"
perl -MIPC::Run -e 1 2>/dev/null || die "perl IPC::Run missing (libipc-run-perl)"

if [ "$#" -gt 0 ]; then
    tests=("$@")
else
    tests=("$here"/t/*.pl)
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/timeline-tap.XXXXXX")
cleanup() {
    if [ "${TAP_KEEP:-0}" = 1 ]; then
        printf 'tap: kept %s\n' "$work" >&2
    else
        rm -rf "$work"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir "$work/t"
for t in "${tests[@]}"; do
    [ -f "$t" ] || die "no such test: $t"
    cp "$t" "$work/t/"
done
chmod -R a+rX "$work"

as_owner=()
if [ "$(id -u)" -eq 0 ]; then
    chown -R postgres: "$work"
    as_owner=(runuser -u postgres --)
fi

rc=0
(
    cd "$work"
    "${as_owner[@]}" env -u PGHOST -u PGPORT -u PGUSER -u PGDATABASE -u PGDATA -u PGOPTIONS \
        PATH="$PGBIN:$PATH" PERL5LIB="$PERLLIB${PERL5LIB:+:$PERL5LIB}" \
        PG_REGRESS="$PG_REGRESS_BIN" TESTDIR="$work" HOME="$work" \
        prove -v --timer --ext=.pl t/
) >"$work/prove.out" 2>&1 || rc=$?
cat "$work/prove.out"

n_ok=$(grep -cE '^ *ok [0-9]+' "$work/prove.out" || true)
n_bad=$(grep -cE '^ *not ok [0-9]+' "$work/prove.out" || true)
if [ "$rc" -ne 0 ]; then
    for f in "$work"/tmp_check/log/*; do
        [ -f "$f" ] || continue
        printf '\n--- %s (last 60 lines)\n' "${f#"$work"/}" >&2
        tail -n 60 "$f" >&2
    done
    # prove failed without a failed assertion: a died test or a bad plan
    [ "$n_bad" -eq 0 ] && n_bad=1
fi
elapsed=$(( ($(date +%s%N) - started) / 1000000 ))
printf 'tap: finished in %d.%03d s\n' $((elapsed / 1000)) $((elapsed % 1000)) >&2
echo "tap: $n_ok passed, $n_bad failed"
[ "$rc" -eq 0 ] && [ "$n_bad" -eq 0 ] && [ "$n_ok" -gt 0 ]
