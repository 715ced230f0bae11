#!/usr/bin/env bash
# test/training_fuzz.sh [FROM TO [EVENTS SPINE]]: randomized differential test
# of create_training_set (and check_training_set) against a plain-SQL oracle,
# rounds FROM..TO (default 1..200; each round is reproducible from its
# number), about EVENTS events (default 300) and SPINE spine rows (default
# 100) per round; see test/training_fuzz.sql.  Runs against the server that
# libpq's PGHOST / PGPORT / PGUSER name, with timeline installed, in a
# database of its own ($TL_FUZZ_DB, default timeline_training_fuzz), which it
# creates and drops when every round passed (kept for inspection otherwise:
# fz.rounds, fz.mism).  200 rounds take about 30 s on a 2-core machine.
# Prints the failing rounds and a summary; exits non-zero on any difference.
set -euo pipefail
from=${1:-1}
to=${2:-200}
events=${3:-300}
spine=${4:-100}
db=${TL_FUZZ_DB:-timeline_training_fuzz}
here=$(dirname "${BASH_SOURCE[0]}")

psql -X -q -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
psql -X -q -d "$db" -f "$here/training_fuzz.sql" 2>&1 | grep -v NOTICE || true
for r in $(seq "$from" "$to"); do
    echo "SELECT fz.round($r, $events, $spine);"
done | psql -X -At -q -d "$db" 2>&1 | grep -v NOTICE | grep -v ' 0 mismatches, 0 check diffs$' || true
summary=$(psql -X -At -d "$db" -c "
    SELECT format('%s rounds, %s training-set rows, %s features, %s labels; %s differences, %s check_training_set differences, %s errors',
                  count(*), sum(rows_got), sum(jsonb_array_length(feats)), count(label),
                  sum(n_mismatch), sum(n_check), count(err)),
           sum(n_mismatch) = 0 AND sum(n_check) = 0 AND count(err) = 0 AND count(*) = $to - $from + 1
    FROM fz.rounds")
echo "${summary%|*}"
if [ "${summary##*|}" = t ]; then
    psql -X -q -d postgres -c "DROP DATABASE $db"
else
    echo "kept database $db: SELECT * FROM fz.mism; SELECT * FROM fz.rounds WHERE n_mismatch > 0 OR err IS NOT NULL"
    exit 1
fi
