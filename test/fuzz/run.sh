#!/usr/bin/env bash
# test/fuzz/run.sh: builds the fuzz client fuzz_io.c in a temporary directory
# (never in the source tree) and runs it against the database named by the
# usual PG* environment variables (PGHOST, PGPORT, PGUSER, PGDATABASE).
#
# Usage: test/fuzz/run.sh [seed [count]]      (defaults: seed 1, 100000 inputs)
#
# Creates the extension if the database lacks it.  Exits non-zero when an
# input makes the server fail (internal error, crash, broken round trip);
# the client prints the offending input in hex and how to replay it.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PG_CONFIG=${PG_CONFIG:-pg_config}
CC=${CC:-gcc}

work=$(mktemp -d "${TMPDIR:-/tmp}/timeline-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT

"$CC" -O2 -Wall -Wextra -Werror -I"$("$PG_CONFIG" --includedir)" \
    "$here/fuzz_io.c" -L"$("$PG_CONFIG" --libdir)" -lpq -o "$work/fuzz_io"

psql -X -q -v ON_ERROR_STOP=1 \
    -c 'SET client_min_messages = warning' \
    -c 'CREATE EXTENSION IF NOT EXISTS timeline'

"$work/fuzz_io" "$@"
