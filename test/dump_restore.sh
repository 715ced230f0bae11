#!/usr/bin/env bash
# test/dump_restore.sh: checks that a pg_dump / restore round trip keeps
# timeline's feature catalog: sources, every version of every feature
# definition, feature sets (pinned and current versions), training set
# records, and who made each row and when.
#
# Usage: bash test/dump_restore.sh
#
# Runs against the already running cluster named by PGHOST, PGPORT and PGUSER
# (a superuser; test/lib.sh's tl_cluster_start exports them), with timeline
# built and installed.  In a scratch database it registers two sources (one a
# quoted mixed-case "Ev Schema"."Clicks"), defines features (versions 1, 2 and
# 3 of one, a since() window, filters with quotes, descriptions and owners, one
# feature made by another role), two feature sets (one pinning an old version)
# and a training set, and an immediate-mode materialization of a partitioned
# source.  It dumps the database in plain format (restored with
# psql) and in custom format, restored with pg_restore once in one job and
# once in parallel (-j 2, the README's recipe: timeline's catalog in one job,
# since pg_restore -j ignores the order its foreign keys need), each into a
# fresh database, and compares with the original:
#   1. the rows of timeline.source_def, feature_def, feature_set_def,
#      feature_set_member and training_set_def without created_at/created_by
#   2. the same rows with every column: the original created_at/created_by
#      stamps must survive the restore
#   3. the views timeline.sources, features, feature_versions, feature_sets
#      and training_sets, every column
#   4. timeline.feature_timelines of every feature set and the training set
#      table
# then uses each database the same way (a new version of a feature, which
# must be version 4, a feature set with it, a new training set, and
# timeline.check_training_set on both training sets) and compares the results
# with the original database's; and the materialization (its triggers, its
# state equal to a recomputation, writes into a partition created after the
# restore).
#
# Prints what differs and one line "dump_restore: N passed, N failed"; exits
# non-zero on any difference.  Drops its databases and role on exit.
set -euo pipefail

PGBIN=${TL_PGBIN:-/usr/lib/postgresql/15/bin}
tag="dumptest_$$"
db_orig="${tag}_orig"
db_plain="${tag}_plain"
db_custom="${tag}_custom"
db_parallel="${tag}_parallel"
analyst="${tag}_analyst"
work=$(mktemp -d "${TMPDIR:-/tmp}/timeline-dump.XXXXXX")
started=$(date +%s%N)

# every session shows times in UTC, so the snapshots of two databases compare
export PGTZ=UTC PGDATESTYLE=ISO PGOPTIONS="${PGOPTIONS:-} -c intervalstyle=postgres"

psql_db() {
    local db=$1
    shift
    "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -d "$db" "$@"
}

cleanup() {
    local db
    for db in "$db_orig" "$db_plain" "$db_custom" "$db_parallel"; do
        "$PGBIN/dropdb" --if-exists "$db" >/dev/null 2>&1 || true
    done
    "$PGBIN/psql" -X -q -d postgres -c "DROP ROLE IF EXISTS $analyst" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
trap 'echo "dump_restore: FAILED: the command at line $LINENO failed" >&2' ERR

passed=0
failed=0
# compare NAME EXPECTED ACTUAL [HINT]: one check, with a diff when it fails
compare() {
    local name=$1 expected=$2 actual=$3 hint=${4:-}
    if cmp -s "$expected" "$actual"; then
        passed=$((passed + 1))
        return
    fi
    failed=$((failed + 1))
    echo "FAILED: $name" >&2
    if [ -n "$hint" ]; then echo "  $hint" >&2; fi
    echo "  $(paste -d '\n' "$expected" "$actual" | paste - - | awk -F '\t' '$1 != $2' | wc -l) of $(wc -l <"$expected") lines differ" >&2
    # one JSON object a line: long lines are cut, the first 40 differences shown
    diff -U0 --label original --label restored "$expected" "$actual" | head -n 42 | cut -c1-240 \
        | sed 's/^/  /' >&2 || true
}
fail() {
    failed=$((failed + 1))
    echo "FAILED: $*" >&2
}

# ---------------------------------------------------------------------------
# the original database
"$PGBIN/createdb" -T template0 "$db_orig"
psql_db "$db_orig" -c "CREATE ROLE $analyst NOLOGIN" >/dev/null
psql_db "$db_orig" -v analyst="$analyst" >/dev/null <<'SQL'
SET client_min_messages = warning;
CREATE EXTENSION timeline;

CREATE TABLE public.events (
    id bigint PRIMARY KEY,
    user_id int NOT NULL,
    ts timestamptz NOT NULL,
    amount numeric,
    kind text NOT NULL
);
INSERT INTO public.events
SELECT i, 1 + i % 5, timestamptz '2024-01-01 00:00:00+00' + i * interval '7 hours 13 minutes',
       round((i * 37 % 101) / 4.0, 2),
       (ARRAY['buy', 'it''s', 'reset', 'buy', 'view'])[1 + (i * 7) % 5]
FROM generate_series(1, 200) i;
CREATE INDEX ON public.events (user_id, ts);

CREATE SCHEMA "Ev Schema";
CREATE TABLE "Ev Schema"."Clicks" (
    "User Id" int NOT NULL,
    "Clicked At" timestamptz NOT NULL,
    "Page" text NOT NULL,
    "Click Seq" bigint NOT NULL
);
INSERT INTO "Ev Schema"."Clicks"
SELECT 1 + i % 6, timestamptz '2024-01-02 00:00:00+00' + (i / 2) * interval '11 hours',
       (ARRAY['home''s', 'cart', 'home''s', 'help'])[1 + i % 4], i
FROM generate_series(1, 150) i;

CREATE TABLE public.spine (user_id int, observed_at timestamptz, note text);
INSERT INTO public.spine
SELECT u, timestamptz '2024-01-05 12:00:00+00' + d * interval '9 days', 'it''s row ' || u || '/' || d
FROM generate_series(1, 6) u, generate_series(0, 5) d;

SELECT timeline.create_source('orders', 'public.events', 'user_id', 'ts', 'id');
SELECT timeline.create_source('clicks', '"Ev Schema"."Clicks"', 'User Id', 'Clicked At', 'Click Seq',
                              create_index => true);

-- versions 1, 2 and 3 of spend
SELECT timeline.create_feature('spend', 'orders', 'sum', 'amount');
SELECT timeline.create_feature('spend', 'orders', 'sum', 'amount', '30 days',
                               description => 'spend over 30 days');
SELECT timeline.create_feature('spend', 'orders', 'sum', 'amount', '30 days',
                               filter => $$kind = 'it''s'$$,
                               description => 'spend on "it''s" orders over 30 days',
                               owner => 'O''Brien <ob@example.com>');
SELECT timeline.create_feature('n_orders', 'orders', 'count', description => 'orders so far', owner => 'growth');
SELECT timeline.create_feature('spend_since_reset', 'orders', 'sum', 'amount + 1',
                               $$since(kind = 'reset')$$, $$kind IN ('buy', 'it''s')$$,
                               'spend since the last reset', 'risk team');
SELECT timeline.create_feature('clicks_7d', 'clicks', 'count', NULL, '7 days',
                               $$"Page" = 'home''s' AND "Click Seq" % 3 <> 0$$);
SELECT timeline.create_feature('clicks_7d', 'clicks', 'count', NULL, '7 days',
                               $$"Page" = 'home''s'$$);

-- one feature made by another role: its created_by must survive too
GRANT SELECT ON public.events TO :"analyst";
SET ROLE :"analyst";
SELECT timeline.create_feature('last_amount', 'orders', 'last', 'amount',
                               filter => $$kind <> 'view'$$, owner => current_user);
RESET ROLE;

SELECT timeline.create_feature_set('fs_pinned', ARRAY['spend@1', 'n_orders', 'clicks_7d@1'],
                                   'pins spend@1 and clicks_7d@1');
SELECT timeline.create_feature_set('fs_current',
                                   ARRAY['spend', 'spend_since_reset', 'last_amount', 'clicks_7d', 'n_orders']);

SELECT timeline.create_training_set('public.ts_orig', 'fs_pinned',
                                    $$SELECT user_id, observed_at, note FROM public.spine WHERE note <> 'x''y'$$,
                                    'sum(orders, amount)', interval '10 days');

-- an immediate-mode materialization of a partitioned source: its state,
-- log and capture triggers are restored as they were (a restore's
-- ALTER TABLE ... ADD CONSTRAINT, before the triggers, must not make the
-- event trigger add them: the restore's CREATE TRIGGER then failed)
CREATE TABLE public.pevents (id bigint, user_id int, ts timestamptz, amount numeric, PRIMARY KEY (id, ts))
    PARTITION BY RANGE (ts);
CREATE TABLE public.pevents_h1 PARTITION OF public.pevents FOR VALUES FROM ('2024-01-01') TO ('2024-07-01');
CREATE TABLE public.pevents_h2 PARTITION OF public.pevents FOR VALUES FROM ('2024-07-01') TO ('2025-01-01');
INSERT INTO public.pevents SELECT id, user_id, ts, amount FROM public.events;
SELECT timeline.create_source('porders', 'public.pevents', 'user_id', 'ts', 'id', create_index => true);
SELECT timeline.create_feature('pspend', 'porders', 'sum', 'amount');
SELECT timeline.create_feature_set('fs_mat', ARRAY['pspend', 'n_orders']);
SELECT timeline.materialize('fs_mat', 'immediate');
SQL

# snapshot DB FILE: the catalog, the views and what the definitions compute,
# in sections FILE.defs, FILE.rows, FILE.views and FILE.values (one session,
# which fails on the first error)
snapshot() {
    local db=$1 out=$2
    psql_db "$db" -A -t -v out="$out" <<'SQL'
\o :out.defs
SELECT 'source_def ' || r FROM (SELECT (to_jsonb(t) - 'created_at' - 'created_by')::text r FROM timeline.source_def t) x ORDER BY r;
SELECT 'feature_def ' || r FROM (SELECT (to_jsonb(t) - 'created_at' - 'created_by')::text r FROM timeline.feature_def t) x ORDER BY r;
SELECT 'feature_set_def ' || r FROM (SELECT (to_jsonb(t) - 'created_at' - 'created_by')::text r FROM timeline.feature_set_def t) x ORDER BY r;
SELECT 'feature_set_member ' || r FROM (SELECT (to_jsonb(t) - 'created_at' - 'created_by')::text r FROM timeline.feature_set_member t) x ORDER BY r;
SELECT 'training_set_def ' || r FROM (SELECT (to_jsonb(t) - 'created_at' - 'created_by')::text r FROM timeline.training_set_def t) x ORDER BY r;
\o :out.rows
SELECT format('source_def %s %s %s', t.created_at, t.created_by, to_jsonb(t) - 'created_at' - 'created_by') FROM timeline.source_def t ORDER BY (to_jsonb(t) - 'created_at' - 'created_by')::text;
SELECT format('feature_def %s %s %s', t.created_at, t.created_by, to_jsonb(t) - 'created_at' - 'created_by') FROM timeline.feature_def t ORDER BY (to_jsonb(t) - 'created_at' - 'created_by')::text;
SELECT format('feature_set_def %s %s %s', t.created_at, t.created_by, to_jsonb(t) - 'created_at' - 'created_by') FROM timeline.feature_set_def t ORDER BY (to_jsonb(t) - 'created_at' - 'created_by')::text;
SELECT format('feature_set_member %s %s %s', t.created_at, t.created_by, to_jsonb(t) - 'created_at' - 'created_by') FROM timeline.feature_set_member t ORDER BY (to_jsonb(t) - 'created_at' - 'created_by')::text;
SELECT format('training_set_def %s %s %s', t.created_at, t.created_by, to_jsonb(t) - 'created_at' - 'created_by') FROM timeline.training_set_def t ORDER BY (to_jsonb(t) - 'created_at' - 'created_by')::text;
\o :out.views
SELECT 'sources ' || to_jsonb(v)::text FROM timeline.sources v ORDER BY v.name;
SELECT 'feature_versions ' || to_jsonb(v)::text FROM timeline.feature_versions v ORDER BY v.name, v.version;
SELECT 'features ' || to_jsonb(v)::text FROM timeline.features v ORDER BY v.name;
SELECT 'feature_sets ' || to_jsonb(v)::text FROM timeline.feature_sets v ORDER BY v.name;
SELECT 'training_sets ' || to_jsonb(v)::text FROM timeline.training_sets v ORDER BY v.target_table;
\o :out.values
SELECT format($q$SELECT %L || ' ' || to_jsonb(t)::text FROM timeline.feature_timelines(%L) AS t(%s) ORDER BY t.entity$q$,
              name, name, column_definitions)
FROM timeline.feature_sets ORDER BY name
\gexec
SELECT 'ts_orig ' || to_jsonb(t)::text FROM public.ts_orig t ORDER BY t.user_id, t.observed_at;
\o
SQL
}

# use DB FILE: uses the definitions after the dump, the same way in every
# database; FILE holds what that gives, without the new rows' stamps
use_catalog() {
    local db=$1 out=$2
    psql_db "$db" -A -t >"$out" <<'SQL'
SET client_min_messages = warning;
SELECT 'new spend version ' || timeline.create_feature('spend', 'orders', 'sum', 'amount', '14 days',
                                                         filter => $$kind = 'it''s'$$);
SELECT 'spend versions ' || string_agg(version::text, ',' ORDER BY version) FROM timeline.feature_def WHERE name = 'spend';
SELECT 'redefining spend@3 again ' || timeline.create_feature('spend', 'orders', 'sum', 'amount', '30 days',
                               filter => $$kind = 'it''s'$$,
                               description => 'spend on "it''s" orders over 30 days',
                               owner => 'O''Brien <ob@example.com>');
SELECT 'new feature set ' || timeline.create_feature_set('fs_after', ARRAY['spend', 'clicks_7d', 'last_amount']);
SELECT 'same feature set again ' || timeline.create_feature_set('fs_pinned', ARRAY['spend@1', 'n_orders', 'clicks_7d@1']);
SELECT 'training set rows ' || timeline.create_training_set('public.ts_again', 'fs_current',
                                    $$SELECT user_id, observed_at FROM public.spine$$,
                                    'count(clicks)', interval '3 days', 'flag');
SELECT 'ts_again ' || to_jsonb(t)::text FROM public.ts_again t ORDER BY t.user_id, t.observed_at;
SELECT 'check ts_orig ' || to_jsonb(c)::text FROM timeline.check_training_set('public.ts_orig', 1000) c;
SELECT 'check ts_orig rows ' || count(*) FROM timeline.check_training_set('public.ts_orig', 1000);
SELECT 'check ts_again rows ' || count(*) FROM timeline.check_training_set('public.ts_again', 1000);
SELECT format('feature_def %s %s', t.created_by, to_jsonb(t) - 'created_at' - 'created_by') FROM timeline.feature_def t ORDER BY t.name, t.version;
SELECT format('feature_set_member %s %s', t.created_by, to_jsonb(t) - 'created_at' - 'created_by') FROM timeline.feature_set_member t ORDER BY t.feature_set, t.position;
SELECT format('training_set_def %s %s', t.created_by, to_jsonb(t) - 'created_at' - 'created_by') FROM timeline.training_set_def t ORDER BY t.target_schema, t.target_name;
SELECT format($q$SELECT %L || ' ' || to_jsonb(t)::text FROM timeline.feature_timelines(%L) AS t(%s) ORDER BY t.entity$q$,
              name, name, column_definitions)
FROM timeline.feature_sets WHERE name = 'fs_after'
\gexec
SELECT 'feature ' || to_jsonb(v)::text FROM (SELECT name, current_version, versions, feature_sets, sql FROM timeline.features) v ORDER BY 1;
SQL
}

snapshot "$db_orig" "$work/orig"
for s in defs rows views values; do
    if [ ! -s "$work/orig.$s" ]; then fail "the original database's $s snapshot is empty"; fi
done
# the set-up is what this test means to cover
grep -q '^feature_def {.*"name": "spend".*"version": 3' "$work/orig.defs" \
    || fail "set-up: spend has no version 3"
grep -q '"features": \["spend@1", "n_orders@1", "clicks_7d@1"\]' "$work/orig.views" \
    || fail "set-up: fs_pinned does not pin spend@1 and clicks_7d@1"
grep -q "^feature_def [0-9: .+-]* $analyst {\"name\": \"last_amount\"" "$work/orig.rows" \
    || fail "set-up: no catalog row was made by $analyst"
[ "$(grep -c '^training_set_def ' "$work/orig.defs")" -eq 1 ] \
    || fail "set-up: timeline.training_set_def should have one row"
[ "$(grep -c '^ts_orig ' "$work/orig.values")" -gt 0 ] \
    || fail "set-up: the training set ts_orig is empty"

# ---------------------------------------------------------------------------
# dump, restore into fresh databases
"$PGBIN/pg_dump" -d "$db_orig" -f "$work/plain.sql"
"$PGBIN/pg_dump" -d "$db_orig" -Fc -f "$work/custom.dump"
"$PGBIN/createdb" -T template0 "$db_plain"
"$PGBIN/createdb" -T template0 "$db_custom"
"$PGBIN/createdb" -T template0 "$db_parallel"
restored="plain custom parallel"
psql_db "$db_plain" -f "$work/plain.sql" >"$work/restore_plain.log" 2>&1 \
    || { cat "$work/restore_plain.log" >&2; fail "psql could not restore the plain dump"; restored=${restored/plain/}; }
"$PGBIN/pg_restore" --exit-on-error -d "$db_custom" "$work/custom.dump" >"$work/restore_custom.log" 2>&1 \
    || { cat "$work/restore_custom.log" >&2; fail "pg_restore could not restore the custom dump"; restored=${restored/custom/}; }
# the README's parallel restore: everything but the data and what follows it,
# then timeline's catalog data in one job (its tables reference each other,
# and pg_restore -j does not order extension tables' data by their foreign
# keys), then the rest of the data and the post-data section in two jobs
{
    "$PGBIN/pg_restore" --exit-on-error --section=pre-data -d "$db_parallel" "$work/custom.dump" &&
    "$PGBIN/pg_restore" --exit-on-error --section=data -n timeline -d "$db_parallel" "$work/custom.dump" &&
    "$PGBIN/pg_restore" --exit-on-error --section=data -N timeline -j 2 -d "$db_parallel" "$work/custom.dump" &&
    "$PGBIN/pg_restore" --exit-on-error --section=post-data -j 2 -d "$db_parallel" "$work/custom.dump"
} >"$work/restore_parallel.log" 2>&1 \
    || { cat "$work/restore_parallel.log" >&2; fail "pg_restore -j 2 (the README's recipe) could not restore the custom dump"; restored=${restored/parallel/}; }

usable=""
for kind in $restored; do
    db_var="db_$kind"
    if ! snapshot "${!db_var}" "$work/$kind" 2>"$work/$kind.err"; then
        fail "$kind dump: reading the restored catalog failed: $(cat "$work/$kind.err")"
        continue
    fi
    usable="$usable $kind"
    compare "$kind dump: catalog definitions (every column but created_at/created_by)" \
        "$work/orig.defs" "$work/$kind.defs"
    compare "$kind dump: catalog rows with created_at/created_by" "$work/orig.rows" "$work/$kind.rows" \
        "the restore did not keep the original created_at/created_by: the BEFORE INSERT trigger stamp (timeline.stamp_change()) fires on the restore's COPY into the config tables"
    compare "$kind dump: views sources, feature_versions, features, feature_sets, training_sets" \
        "$work/orig.views" "$work/$kind.views" \
        "every column compared, the stamps (created_at, updated_at, created_by, updated_by) too"
    compare "$kind dump: feature_timelines of every feature set and the training set table" \
        "$work/orig.values" "$work/$kind.values"
done

# use_materialization DB FILE: the restored state, then writes to the
# partitioned source (one into a partition created after the restore, which
# the event trigger follows) and a refresh; FILE holds what that gives
use_materialization() {
    local db=$1 out=$2
    psql_db "$db" -A -t >"$out" <<'SQL'
SET client_min_messages = warning;
SELECT 'materializations ' || string_agg(format('%s %s %s %s', feature_set, mode, source, captured), ' ')
FROM (SELECT m.feature_set, m.mode, m.source,
             (SELECT string_agg(c::text, ',' ORDER BY c::text) FROM timeline.captured_tables(ms.id) c) AS captured
      FROM timeline.materializations m JOIN timeline.materialization_source ms USING (feature_set, source)) x;
SELECT 'verify restored ' || count(*) FROM timeline.verify('fs_mat');
SELECT 'state ' || e || ' ' || timeline.current('fs_mat', e)::text FROM generate_series(1, 6) e;
CREATE TABLE public.pevents_2025 PARTITION OF public.pevents FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
INSERT INTO public.pevents_2025 VALUES (100000, 1, '2025-03-01', 1000);
INSERT INTO public.pevents VALUES (100001, 2, '2024-08-01', 10);
SELECT 'after writes ' || e || ' ' || timeline.current('fs_mat', e)::text FROM generate_series(1, 6) e;
SELECT 'verify after writes ' || count(*) FROM timeline.verify('fs_mat');
SELECT 'refresh ' || timeline.refresh('fs_mat');
SQL
}

use_catalog "$db_orig" "$work/orig.use"
grep -qx 'new spend version 4' "$work/orig.use" || fail "original: the new version of spend is not 4"
grep -qx 'check ts_orig rows 0' "$work/orig.use" || fail "original: check_training_set found differences in ts_orig"
for kind in $usable; do
    db_var="db_$kind"
    if ! use_catalog "${!db_var}" "$work/$kind.use" 2>"$work/$kind.err"; then
        fail "$kind dump: using the restored definitions failed: $(cat "$work/$kind.err")"
        continue
    fi
    grep -qx 'new spend version 4' "$work/$kind.use" \
        || fail "$kind dump: after the restore, a new version of spend is not version 4: $(grep '^new spend version' "$work/$kind.use")"
    compare "$kind dump: using the restored definitions (new version, feature set, training set, check_training_set)" \
        "$work/orig.use" "$work/$kind.use"
done

use_materialization "$db_orig" "$work/orig.mat"
grep -qx 'verify restored 0' "$work/orig.mat" || fail "original: the materialization differs from a recomputation"
grep -qx 'verify after writes 0' "$work/orig.mat" \
    || fail "original: the materialization differs from a recomputation after writes"
grep -q '^after writes 1 {"pspend": [0-9.]*, "n_orders": [0-9]*}' "$work/orig.mat" \
    || fail "set-up: no state for entity 1 after the writes"
for kind in $usable; do
    db_var="db_$kind"
    if ! use_materialization "${!db_var}" "$work/$kind.mat" 2>"$work/$kind.err"; then
        fail "$kind dump: using the restored materialization failed: $(cat "$work/$kind.err")"
        continue
    fi
    compare "$kind dump: the restored immediate-mode materialization (triggers, state, writes to a new partition)" \
        "$work/orig.mat" "$work/$kind.mat"
done

elapsed_ms=$((($(date +%s%N) - started) / 1000000))
elapsed="$((elapsed_ms / 1000)).$((elapsed_ms % 1000 / 100))"
counts=$(grep -c '^feature_def ' "$work/orig.defs" || true)
echo "dump_restore: $passed passed, $failed failed (plain, custom and parallel-restored custom dumps of $counts feature versions; ${elapsed}s)"
if [ "$failed" -ne 0 ]; then exit 1; fi
