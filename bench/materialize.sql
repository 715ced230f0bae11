-- bench/materialize.sql: the materialization benchmark (issue
-- "incremental materialization"): a feature set of 10 features materialized
-- over 10M events (timeline.materialize), refreshed after small batches of
-- new events (timeline.refresh) against the full build, the cost of
-- deferred change capture on COPY and on single-row INSERTs, and
-- timeline.current under pgbench against a primary-key lookup.
--
-- Run by bench/materialize.sh in parts (psql variable part):
--   data         events, events_plain (the same rows, no triggers), their
--                indexes, the event id sequence (psql variables scale, seed,
--                covering: 1 for indexes (user_id, ts) INCLUDE (amount, kind))
--   define       the source, the 10 features, the feature set, the helper
--                functions bench_time and bench_pending, bench_result
--   materialize  reps x (drop, timeline.materialize; plain SQL snapshot),
--                interleaved and timed; then features_plain (the snapshot
--                with a primary key) and the snapshot-vs-state check
--   round        one refresh round (variables round, variant append|late,
--                new_events, late_pct, seed): 1000 new events inserted into
--                events (timed) and events_plain, then timeline.refresh
--                (timed); bench/materialize.sh runs every round in a new
--                session, as a scheduler (pg_cron) would
--   explain      an extra, untimed round of each variant and a single-row
--                INSERT under auto_explain (nested statements, ANALYZE);
--                the plans are NOTICEs, on stderr (variable explain_min_ms)
--   copyfiles    the CSV files of the COPY runs (variables reps, copy_rows,
--                dir, seed), written by the server
--   copy         reps x COPY of copy_rows rows into events_plain and events,
--                each after a CHECKPOINT, order alternating, then
--                timeline.refresh of the loaded rows (timed)
--   verify       a last refresh, then timeline.verify(fs, sample) (variable
--                sample: a number, or all)
--   report       the tables
-- pgbench runs (single-row INSERTs, timeline.current vs a primary-key
-- lookup) are started by bench/materialize.sh, which stores their TPS in
-- bench_result.
--
-- The feature set bench_mat over events (user_id, ts), as of any time t
-- (events with time <= t):
--   n_events          lifetime count
--   amount_total      lifetime sum(amount)
--   amount_30d        sum(amount), trailing 30 days (t - 30 days, t]
--   amount_mean_30d   mean(amount), 30 days
--   n_events_7d       count, 7 days
--   amount_max_7d     max(amount), 7 days
--   n_events_1d       count, 1 day
--   n_x_30d           count of kind = 'x', 30 days
--   amount_mean       lifetime mean(amount)
--   amount_stddev_7d  stddev_samp(amount), 7 days
--
-- Times of the events: the generated ones over 2024; refresh rounds append
-- at 2025-01-01 + 1 hour per round (late events: anywhere in 2024); the
-- explain rounds at 2025-02-01; the COPY files at 2025-03-01 + 1 day per
-- run; pgbench INSERTs at clock_timestamp().  So every appended batch is
-- after everything before it.

\set ON_ERROR_STOP 1
\if :{?part} \else \echo 'set the psql variable part (see the head of bench/materialize.sql)' \quit \endif
\if :{?reps} \else \set reps 3 \endif
\if :{?seed} \else \set seed 0.5 \endif

SELECT :'part' = 'data' AS part_data, :'part' = 'define' AS part_define,
       :'part' = 'materialize' AS part_materialize, :'part' = 'round' AS part_round,
       :'part' = 'explain' AS part_explain, :'part' = 'copyfiles' AS part_copyfiles,
       :'part' = 'copy' AS part_copy, :'part' = 'verify' AS part_verify, :'part' = 'statesql' AS part_statesql,
       :'part' = 'report' AS part_report \gset

--------------------------------------------------------------------------
\if :part_data
--------------------------------------------------------------------------
-- events: bench/data.sql's rows (same formulas, same order of random()
-- calls, so the same seed gives the same events) plus kind, chosen from
-- hashint8(event_id) so that no random() call is added: view 50%, click
-- 30%, cart 10%, x 10%.  Skewed users (user 0 has ~31K events at scale 1,
-- the median user ~50), times over 2024 at second resolution, amounts
-- multiples of 1/8, 1% NULL.  Stored in generation order (random in user
-- and time), index (user_id, ts), which refresh reads new events through.
-- events_plain: the same rows in the same order, the same index, no
-- triggers: the target of the "no capture" COPY and INSERT runs.
\if :{?scale} \else \set scale 1.0 \endif

SELECT round(10000000 * :scale)::bigint AS n_events,
       greatest(1, round(100000 * :scale))::int AS n_users
\gset

SET client_min_messages = warning;
DROP TABLE IF EXISTS events, events_plain, features_plain, snapshot, bench_result;
DROP SEQUENCE IF EXISTS bench_event_id;
RESET client_min_messages;

SELECT setseed(:seed) \gset

CREATE TABLE events AS
SELECT g::bigint AS event_id,
       least(:n_users - 1, floor(:n_users * pow(random(), 2)))::int AS user_id,
       timestamptz '2024-01-01 00:00:00+00'
           + floor(random() * 366 * 86400) * interval '1 second' AS ts,
       CASE WHEN random() < 0.01 THEN NULL
            ELSE floor(random() * 80000) / 8 END::float8 AS amount,
       (ARRAY['view', 'view', 'view', 'view', 'view', 'click', 'click', 'click', 'cart', 'x'])
           [1 + (hashint8(g::bigint) & 1023) % 10] AS kind
FROM generate_series(1, :n_events) g;

CREATE TABLE events_plain (LIKE events);
INSERT INTO events_plain SELECT * FROM events;

\if :{?covering} \else \set covering 0 \endif
SELECT CASE WHEN :covering = 1 THEN 'INCLUDE (amount, kind)' ELSE '' END AS include \gset
CREATE INDEX events_user_id_ts_idx ON events (user_id, ts) :include;
CREATE INDEX events_plain_user_id_ts_idx ON events_plain (user_id, ts) :include;
SELECT format('CREATE SEQUENCE bench_event_id START %s', :n_events + 1) \gexec
VACUUM ANALYZE events;
VACUUM ANALYZE events_plain;

\echo
\echo '== data'
SELECT (SELECT count(*) FROM events) AS events,
       (SELECT count(DISTINCT user_id) FROM events) AS users_with_events,
       (SELECT max(n) FROM (SELECT count(*) AS n FROM events GROUP BY user_id) s)
           AS most_events_of_one_user,
       (SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY n)
          FROM (SELECT count(*) AS n FROM events GROUP BY user_id) s) AS median_events_per_user,
       (SELECT count(*) FROM events WHERE kind = 'x') AS kind_x,
       (SELECT count(*) FROM events WHERE amount IS NULL) AS null_amounts,
       pg_size_pretty(pg_total_relation_size('events')) AS events_size,
       pg_size_pretty(pg_total_relation_size('events_plain')) AS events_plain_size;
\endif

--------------------------------------------------------------------------
\if :part_define
--------------------------------------------------------------------------
SET client_min_messages = warning;
SELECT create_source('events', 'events', 'user_id', 'ts') \gset
SELECT create_feature('n_events', 'events', 'count'),
       create_feature('amount_total', 'events', 'sum', 'amount'),
       create_feature('amount_30d', 'events', 'sum', 'amount', '30 days'),
       create_feature('amount_mean_30d', 'events', 'mean', 'amount', '30 days'),
       create_feature('n_events_7d', 'events', 'count', NULL, '7 days'),
       create_feature('amount_max_7d', 'events', 'max', 'amount', '7 days'),
       create_feature('n_events_1d', 'events', 'count', NULL, '1 day'),
       create_feature('n_x_30d', 'events', 'count', NULL, '30 days', $$kind = 'x'$$),
       create_feature('amount_mean', 'events', 'mean', 'amount'),
       create_feature('amount_stddev_7d', 'events', 'stddev_samp', 'amount', '7 days') \gset
SELECT create_feature_set('bench_mat',
           ARRAY['n_events', 'amount_total', 'amount_30d', 'amount_mean_30d', 'n_events_7d',
                 'amount_max_7d', 'n_events_1d', 'n_x_30d', 'amount_mean', 'amount_stddev_7d']) \gset
RESET client_min_messages;

CREATE TABLE bench_result (
    id      serial,
    section text NOT NULL,      -- materialize | refresh | copy | insert | read | verify
    variant text NOT NULL,
    rep     int NOT NULL,
    ms      float8,             -- wall time of the statement (server side)
    n       bigint,             -- rows / entities / transactions
    tps     float8,             -- pgbench runs
    info    text,
    faults  bigint              -- minor page faults of the statement's backend
);

-- The minor page faults of this backend so far (Linux: /proc/self/stat,
-- the 10th field; NULL elsewhere).  Without huge pages, a backend maps
-- each page of shared memory it touches on first touch, one fault per
-- page (or per few pages), so a new session's statement pays for every
-- buffer it reads; on some virtual machines a fault costs tens of
-- microseconds.
CREATE FUNCTION bench_minflt() RETURNS bigint LANGUAGE plpgsql AS $f$
BEGIN
    RETURN (regexp_split_to_array(substring(pg_read_file('/proc/self/stat') FROM '\) (.*)$'), ' '))[8]::bigint;
EXCEPTION WHEN OTHERS THEN
    RETURN NULL;
END
$f$;

-- Runs one statement and records its wall time (clock_timestamp() around
-- EXECUTE, in the caller's transaction; the caller's statement commits
-- right after).  n: the statement's single result (a SELECT) or its row
-- count (INSERT, COPY, CREATE TABLE AS).
CREATE FUNCTION bench_time(p_section text, p_variant text, p_rep int, p_sql text,
                           p_info text DEFAULT NULL)
RETURNS float8 LANGUAGE plpgsql AS $f$
DECLARE
    t0 timestamptz;
    ms float8;
    n bigint;
    f0 bigint;
    faults bigint;
BEGIN
    f0 := bench_minflt();
    t0 := clock_timestamp();
    IF p_sql ~* '^\s*select' THEN
        EXECUTE p_sql INTO n;
    ELSE
        EXECUTE p_sql;
        GET DIAGNOSTICS n = ROW_COUNT;
    END IF;
    ms := extract(epoch FROM clock_timestamp() - t0) * 1000;
    faults := bench_minflt() - f0;
    INSERT INTO bench_result (section, variant, rep, ms, n, info, faults)
    VALUES (p_section, p_variant, p_rep, ms, n, p_info, faults);
    RAISE NOTICE 'bench % / % run %: % ms (n = %)%', p_section, p_variant, p_rep, round(ms::numeric, 1), n,
        coalesce(', ' || p_info, '') || coalesce(', ' || faults || ' page faults', '');
    RETURN ms;
END
$f$;

-- What the change log of bench_mat holds: rows, distinct entities, and how
-- many of them refresh will rebuild from the source (a change at or before
-- the entity's state, or an entity without state) instead of folding.
CREATE FUNCTION bench_pending(OUT log_rows bigint, OUT entities bigint, OUT to_rebuild bigint)
LANGUAGE plpgsql AS $f$
DECLARE
    m record;
BEGIN
    SELECT * INTO m FROM timeline.materializations WHERE feature_set = 'bench_mat';
    EXECUTE format('SELECT (SELECT count(*) FROM %1$s),
                           count(*),
                           count(*) FILTER (WHERE st.entity IS NULL OR c.min_time <= st.last_time)
                    FROM (SELECT entity, min(min_time) AS min_time FROM %1$s GROUP BY entity) c
                    LEFT JOIN %2$s st ON st.entity = c.entity', m.log_table, m.state_table)
       INTO log_rows, entities, to_rebuild;
END
$f$;

\echo
\echo '== features of bench_mat'
SELECT name, aggregate, value_expression, coalesce(window_width::text, window_kind) AS "window", filter
FROM timeline.feature_def
WHERE name IN (SELECT feature FROM timeline.feature_set_member WHERE feature_set = 'bench_mat')
ORDER BY (SELECT position FROM timeline.feature_set_member m
          WHERE m.feature_set = 'bench_mat' AND m.feature = name);
\endif

--------------------------------------------------------------------------
\if :part_materialize
--------------------------------------------------------------------------
-- Full builds, interleaved: per rep, drop the materialization (untimed),
-- CHECKPOINT, timeline.materialize (timed: it creates the state and log
-- tables and the triggers and fills the state from every event), then the
-- plain SQL snapshot (timed): the 10 current values per user at
-- t = 2025-01-01 (after every generated event) by one GROUP BY, written to
-- a table.  The snapshot is not resumable (a new event means recomputing
-- it); it shows what a plain batch recomputation of the same values costs.
\echo
\echo '== settings (the same for every statement)'
SELECT name, current_setting(name) AS setting
FROM pg_settings
WHERE name IN ('work_mem', 'maintenance_work_mem', 'jit', 'shared_buffers', 'max_parallel_workers_per_gather',
               'TimeZone', 'synchronous_commit', 'fsync', 'autovacuum')
ORDER BY name;

\o /dev/null
SELECT format($s$
SELECT timeline.drop_materialization('bench_mat')
WHERE EXISTS (SELECT 1 FROM timeline.materializations WHERE feature_set = 'bench_mat')$s$),
       'CHECKPOINT',
       format($s$SELECT bench_time('materialize', 'timeline.materialize', %s,
                    'SELECT timeline.materialize(''bench_mat'')')$s$, rep),
       CASE WHEN rep > 1 OR to_regclass('snapshot') IS NOT NULL THEN 'DROP TABLE snapshot' END,
       'CHECKPOINT',
       format($s$SELECT bench_time('materialize', 'plain SQL snapshot (GROUP BY)', %s, %L)$s$, rep, $q$
CREATE TABLE snapshot AS
SELECT user_id,
       count(*)::float8 AS n_events,
       sum(amount) AS amount_total,
       sum(amount) FILTER (WHERE ts > t - interval '30 days') AS amount_30d,
       avg(amount) FILTER (WHERE ts > t - interval '30 days') AS amount_mean_30d,
       (count(*) FILTER (WHERE ts > t - interval '7 days'))::float8 AS n_events_7d,
       max(amount) FILTER (WHERE ts > t - interval '7 days') AS amount_max_7d,
       (count(*) FILTER (WHERE ts > t - interval '1 day'))::float8 AS n_events_1d,
       (count(*) FILTER (WHERE ts > t - interval '30 days' AND kind = 'x'))::float8 AS n_x_30d,
       avg(amount) AS amount_mean,
       stddev_samp(amount) FILTER (WHERE ts > t - interval '7 days') AS amount_stddev_7d
FROM events, (SELECT timestamptz '2025-01-01 00:00:00+00' AS t) p
WHERE ts <= t
GROUP BY user_id$q$)
FROM generate_series(1, :reps) rep \gexec
\o

SELECT state_table, log_table FROM timeline.materializations WHERE feature_set = 'bench_mat' \gset
-- the state as autovacuum would leave it soon after the build, and a
-- checkpoint, so the timed runs that follow do not pay for either
VACUUM ANALYZE events;
SELECT format('VACUUM ANALYZE %s', :'state_table') \gexec
CHECKPOINT;

-- the primary-key lookup table of the pgbench read test: the snapshot's
-- 10 values per user, one row per user, primary key user_id
SELECT 'DROP TABLE features_plain' WHERE to_regclass('features_plain') IS NOT NULL \gexec
CREATE TABLE features_plain AS SELECT * FROM snapshot ORDER BY user_id;
ALTER TABLE features_plain ADD PRIMARY KEY (user_id);
VACUUM ANALYZE features_plain;

\echo
\echo '== the materialization'
SELECT feature_set, mode, source, state_table, log_table, watermark, last_entities FROM timeline.materializations;
SELECT format($s$SELECT count(*) AS entities, pg_size_pretty(pg_total_relation_size(%1$L)) AS state_size,
                        round(avg(pg_column_size(st.*))) AS avg_row_bytes,
                        max(pg_column_size(st.*)) AS max_row_bytes
                 FROM %1$s st$s$, :'state_table') \gexec

-- every entity's 10 values read from the state at t = 2025-01-01 against
-- the plain snapshot: equal, or within a relative 1e-9 (means and standard
-- deviations are rounded differently); counts 0 for empty windows
CREATE FUNCTION pg_temp.same(a float8, b float8) RETURNS bool
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN a IS NULL OR b IS NULL THEN a IS NULL AND b IS NULL
                ELSE a = b OR abs(a - b) <= 1e-9 * greatest(abs(a), abs(b)) END
$$;
SELECT format($c$
SELECT count(*) AS snapshot_rows, count(st.entity) AS state_rows,
       count(*) FILTER (WHERE st.entity IS NULL
           OR NOT pg_temp.same(p.n_events, coalesce(state_value_at(st.n_events, t), 0))
           OR NOT pg_temp.same(p.amount_total, state_value_at(st.amount_total, t))
           OR NOT pg_temp.same(p.amount_30d, state_value_at(st.amount_30d, t))
           OR NOT pg_temp.same(p.amount_mean_30d, state_value_at(st.amount_mean_30d, t))
           OR NOT pg_temp.same(p.n_events_7d, coalesce(state_value_at(st.n_events_7d, t), 0))
           OR NOT pg_temp.same(p.amount_max_7d, state_value_at(st.amount_max_7d, t))
           OR NOT pg_temp.same(p.n_events_1d, coalesce(state_value_at(st.n_events_1d, t), 0))
           OR NOT pg_temp.same(p.n_x_30d, coalesce(state_value_at(st.n_x_30d, t), 0))
           OR NOT pg_temp.same(p.amount_mean, state_value_at(st.amount_mean, t))
           OR NOT pg_temp.same(p.amount_stddev_7d, state_value_at(st.amount_stddev_7d, t))) AS bad_rows
FROM snapshot p LEFT JOIN %s st ON st.entity = p.user_id,
     (SELECT timestamptz '2025-01-01 00:00:00+00' AS t) x$c$, :'state_table') AS check_sql \gset
:check_sql \gset check_
\echo
\echo '== check: the state read at 2025-01-01 against the plain SQL snapshot'
SELECT :check_snapshot_rows AS snapshot_rows, :check_state_rows AS state_rows, :check_bad_rows AS bad_rows;
INSERT INTO bench_result (section, variant, rep, n, info)
VALUES ('check', 'state vs snapshot', 1, :check_bad_rows,
        CASE WHEN :check_bad_rows = 0 AND :check_snapshot_rows = :check_state_rows THEN 'ok' ELSE 'MISMATCH' END);
\endif

--------------------------------------------------------------------------
\if :part_round
--------------------------------------------------------------------------
-- One refresh round, in a session of its own: new_events new events, users
-- with the data's skew; variant append: all at 2025-01-01 + (round index)
-- hours + up to an hour, i.e. after every event so far; variant late: the
-- first late_pct% of them at a random time of 2024 instead (most of them
-- before their user's last event: those users are rebuilt from the
-- source), the rest appended.  The batch is one INSERT ... SELECT into
-- events (timed: the deferred trigger logs it) and into events_plain, each
-- committed; then timeline.refresh (timed) in its own transaction.
\if :{?new_events} \else \set new_events 1000 \endif
\if :{?late_pct} \else \set late_pct 10 \endif
\if :{?explain_round} \else \set explain_round 0 \endif
\if :{?hints} \else \set hints 0 \endif
SELECT greatest(1, round(100000 * :scale))::int AS n_users,
       CASE WHEN :'variant' = 'late' THEN :new_events * :late_pct / 100 ELSE 0 END AS n_late,
       CASE WHEN :explain_round = 1 THEN 'explain' ELSE 'refresh' END AS section,
       CASE WHEN :explain_round = 1 THEN timestamptz '2025-02-01 00:00:00+00'
            ELSE timestamptz '2025-01-01 00:00:00+00' END
           + (:round * 4 + :hints * 2 + CASE WHEN :'variant' = 'late' THEN 1 ELSE 0 END) * interval '1 hour' AS hour,
       CASE WHEN :hints = 1 THEN format('diag: refresh (%s), nested loops forced', :'variant')
            ELSE format('refresh (%s)', :'variant') END AS refresh_variant
\gset
SELECT setseed(((:seed * 1000 + :round * 4 + :hints * 2 + CASE WHEN :'variant' = 'late' THEN 1 ELSE 0 END)::int
                % 2000 - 1000) / 1000.0) \gset

CREATE TEMP TABLE bench_new AS
SELECT nextval('bench_event_id') AS event_id,
       least(:n_users - 1, floor(:n_users * pow(random(), 2)))::int AS user_id,
       CASE WHEN g <= :n_late
            THEN timestamptz '2024-01-01 00:00:00+00' + floor(random() * 366 * 86400) * interval '1 second'
            ELSE timestamptz :'hour' + floor(random() * 3600) * interval '1 second' END AS ts,
       CASE WHEN random() < 0.01 THEN NULL ELSE floor(random() * 80000) / 8 END::float8 AS amount,
       (ARRAY['view', 'view', 'view', 'view', 'view', 'click', 'click', 'click', 'cart', 'x'])
           [1 + floor(random() * 10)::int] AS kind
FROM generate_series(1, :new_events) g;

SELECT bench_time(:'section', format('INSERT %s events (%s)', :new_events, :'variant'), :round,
                  'INSERT INTO events SELECT * FROM bench_new') \gset
INSERT INTO events_plain SELECT * FROM bench_new;

SELECT format('%s log rows, %s entities, %s to rebuild', log_rows, entities, to_rebuild) AS pending
FROM bench_pending() \gset
\if :explain_round
LOAD 'auto_explain';
SET auto_explain.log_analyze = on;
SET auto_explain.log_buffers = on;
SET auto_explain.log_timing = on;
SET auto_explain.log_nested_statements = on;
SET auto_explain.log_level = notice;
SELECT set_config('auto_explain.log_min_duration', :'explain_min_ms', false) \gset
\set VERBOSITY terse
\echo
\echo == :refresh_variant after :new_events new events: :pending
\endif
\if :hints
-- diagnostic: what refresh costs when its joins of the changed entities
-- with the source and the state are nested loops over their indexes
-- (hash and merge joins off; not enable_seqscan, which makes the planner
-- scan all of events in index order as the outer side)
SET enable_hashjoin = off;
SET enable_mergejoin = off;
\endif
SELECT bench_time(:'section', :'refresh_variant', :round,
                  'SELECT timeline.refresh(''bench_mat'')', :'pending') \gset
\if :explain_round
SET auto_explain.log_min_duration = -1;
\endif
\endif

--------------------------------------------------------------------------
\if :part_explain
--------------------------------------------------------------------------
-- A single-row INSERT into events with the deferred trigger, under
-- auto_explain (the rounds of the explain are part round with
-- explain_round = 1, run by bench/materialize.sh).
-- Then timeline.current for one user, in a session that has called it
-- once already (as a pgbench client's), under auto_explain too.
SELECT timeline.current('bench_mat', 2) AS warm \gset
LOAD 'auto_explain';
SET auto_explain.log_analyze = on;
SET auto_explain.log_buffers = on;
SET auto_explain.log_nested_statements = on;
SET auto_explain.log_level = notice;
SET auto_explain.log_min_duration = 0;
\set VERBOSITY terse
\echo
\echo '== single-row INSERT into events (deferred capture): every statement it runs'
INSERT INTO events VALUES (nextval('bench_event_id'), 1, timestamptz '2025-02-02 00:00:00+00', 1, 'view');
\echo
\echo '== timeline.current(''bench_mat'', 1) (a warm session): every statement it runs'
SELECT timeline.current('bench_mat', 1) AS current \gset
SET auto_explain.log_min_duration = -1;
SELECT timeline.refresh('bench_mat') \gset
\endif

--------------------------------------------------------------------------
\if :part_statesql
--------------------------------------------------------------------------
-- Prints a pgbench script (diagnostic) that reads what timeline.current
-- returns with one SQL statement on the state table: the same
-- state_value_at calls and jsonb object, without the PL/pgSQL around it.
\pset tuples_only on
\pset format unaligned
SELECT format(E'-- diagnostic: timeline.current(''bench_mat'', :id) as one SQL statement\n'
              '\\set id random(0, :n_users - 1)\n'
              'SELECT pg_catalog.jsonb_build_object(%s) FROM %s st WHERE st.entity = :id::int;',
              string_agg(format('%L, timeline.state_value_at(st.%I, greatest(pg_catalog.now(), st.last_time))',
                                f, f), ', ' ORDER BY o), m.state_table)
FROM timeline.materializations m,
     unnest(ARRAY['n_events', 'amount_total', 'amount_30d', 'amount_mean_30d', 'n_events_7d',
                  'amount_max_7d', 'n_events_1d', 'n_x_30d', 'amount_mean', 'amount_stddev_7d'])
         WITH ORDINALITY AS x(f, o)
WHERE m.feature_set = 'bench_mat'
GROUP BY m.state_table;
\endif

--------------------------------------------------------------------------
\if :part_copyfiles
--------------------------------------------------------------------------
-- One CSV file per COPY run, copy_rows rows each, users with the data's
-- skew, times over one day per run from 2025-03-01 (after every earlier
-- event), written by the server into dir.
SELECT greatest(1, round(100000 * :scale))::int AS n_users \gset
SELECT setseed(-:seed) \gset
SELECT format($s$COPY (SELECT nextval('bench_event_id'),
                             least(%1$s - 1, floor(%1$s * pow(random(), 2)))::int,
                             timestamptz '2025-03-01 00:00:00+00' + (%2$s - 1) * interval '1 day'
                                 + floor(random() * 86400) * interval '1 second',
                             CASE WHEN random() < 0.01 THEN NULL ELSE floor(random() * 80000) / 8 END::float8,
                             (ARRAY['view', 'view', 'view', 'view', 'view', 'click', 'click', 'click', 'cart', 'x'])
                                 [1 + floor(random() * 10)::int]
                      FROM generate_series(1, %3$s) g)
                 TO %4$L WITH (FORMAT csv)$s$,
              :n_users, rep, :copy_rows, format('%s/copy_%s.csv', :'dir', rep))
FROM generate_series(1, :reps) rep \gexec
\endif

--------------------------------------------------------------------------
\if :part_copy
--------------------------------------------------------------------------
-- Per run: CHECKPOINT, COPY into one table, CHECKPOINT, COPY into the
-- other (events_plain first in odd runs, events first in even runs), each
-- COPY one statement (server-side file) in its own transaction; the
-- deferred trigger on events logs one row per user of the file.  Then
-- timeline.refresh of those rows (timed): copy_rows new events over
-- most users, all after their state (folded, not rebuilt).
\o /dev/null
SELECT 'CHECKPOINT',
       format('SELECT bench_time(%L, %L, %s, %L)', 'copy', v.variant, rep,
              format('COPY %I FROM %L WITH (FORMAT csv)', v.tbl, format('%s/copy_%s.csv', :'dir', rep))),
       CASE WHEN v.tbl = 'events' AND rep % 2 = 1 OR v.tbl = 'events_plain' AND rep % 2 = 0 THEN
           format($s$SELECT bench_time('copy', 'refresh after COPY', %s, 'SELECT timeline.refresh(''bench_mat'')',
                                       (SELECT format('%%s log rows, %%s entities, %%s to rebuild', log_rows, entities, to_rebuild)
                                        FROM bench_pending()))$s$, rep)
       END
FROM generate_series(1, :reps) rep,
     (VALUES ('no capture (events_plain)', 'events_plain', 0),
             ('deferred capture (events)', 'events', 1)) v(variant, tbl, ord)
ORDER BY rep, CASE WHEN rep % 2 = 1 THEN v.ord ELSE -v.ord END \gexec
\o
VACUUM ANALYZE events;
VACUUM ANALYZE events_plain;
CHECKPOINT;
\endif

--------------------------------------------------------------------------
\if :part_verify
--------------------------------------------------------------------------
-- A last refresh (the pgbench INSERTs' log), then timeline.verify: every
-- feature of a random sample of entities (or all of them) against a
-- recomputation from the events; no rows = consistent.
\if :{?sample} \else \set sample 1000 \endif
SELECT timeline.refresh('bench_mat') AS refreshed \gset
SELECT CASE WHEN :'sample' = 'all' THEN 'NULL' ELSE :'sample' END AS sample_arg \gset
CREATE TEMP TABLE bench_verify AS SELECT * FROM timeline.verify('bench_mat', :sample_arg);
\echo
\echo == timeline.verify('bench_mat', :sample_arg): differences (no rows = consistent)
SELECT * FROM bench_verify ORDER BY entity, feature LIMIT 20;
INSERT INTO bench_result (section, variant, rep, n, info)
SELECT 'check', format('timeline.verify(bench_mat, %s)', :sample_arg), 1, count(*),
       CASE WHEN count(*) = 0 THEN 'ok' ELSE 'MISMATCH' END
FROM bench_verify;
\endif

--------------------------------------------------------------------------
\if :part_report
--------------------------------------------------------------------------
\echo
\echo '== runs'
SELECT section, variant,
       string_agg(CASE WHEN tps IS NOT NULL THEN round(tps::numeric)::text || ' tps'
                       ELSE round(ms::numeric, 1)::text END, ', ' ORDER BY rep) AS runs,
       string_agg(DISTINCT info, '; ') FILTER (WHERE section <> 'check') AS info
FROM bench_result
WHERE section <> 'check'
GROUP BY section, variant
ORDER BY min(id);

CREATE TEMP VIEW bench_summary AS
SELECT section, variant, count(*) AS runs,
       percentile_disc(0.5) WITHIN GROUP (ORDER BY ms) AS ms,
       min(ms) AS best_ms,
       percentile_disc(0.5) WITHIN GROUP (ORDER BY tps) AS tps,
       max(tps) AS best_tps,
       percentile_disc(0.5) WITHIN GROUP (ORDER BY n) AS n,
       percentile_disc(0.5) WITHIN GROUP (ORDER BY faults) AS faults
FROM bench_result GROUP BY section, variant;

CREATE TEMP VIEW bench_m AS
SELECT (SELECT ms FROM bench_summary WHERE variant = 'timeline.materialize') AS mat,
       (SELECT ms FROM bench_summary WHERE variant = 'plain SQL snapshot (GROUP BY)') AS snap;

\echo
\echo '== timings (medians; the times are server-side wall times of one statement)'
SELECT s.section, s.variant, s.runs,
       CASE WHEN s.tps IS NULL THEN round(s.ms::numeric, 1) END AS median_ms,
       CASE WHEN s.tps IS NULL THEN round(s.best_ms::numeric, 1) END AS best_ms,
       round(s.tps::numeric) AS median_tps,
       round(s.best_tps::numeric) AS best_tps,
       s.n AS median_n,
       s.faults AS median_page_faults,
       CASE WHEN s.variant LIKE '%refresh%'
            THEN round((m.mat / s.ms)::numeric, 1) END AS "materialize/this"
FROM bench_summary s, bench_m m
WHERE s.section NOT IN ('check', 'explain')
ORDER BY array_position('{materialize,refresh,copy,insert,read}'::text[], s.section),
         (SELECT min(id) FROM bench_result r WHERE r.section = s.section AND r.variant = s.variant);

\echo
\echo '== against the targets'
-- per-run ratios of two variants measured next to each other (same rep):
-- on a shared machine they vary less than the medians' ratio can show
CREATE TEMP VIEW bench_ratio AS
SELECT a.section, a.variant AS a_variant, b.variant AS b_variant,
       string_agg(round((CASE WHEN a.tps IS NULL THEN a.ms / b.ms ELSE a.tps / b.tps END)::numeric, 2)::text,
                  ', ' ORDER BY a.rep) AS per_run
FROM bench_result a JOIN bench_result b ON b.section = a.section AND b.rep = a.rep AND b.variant <> a.variant
GROUP BY 1, 2, 3;

CREATE TEMP VIEW bench_targets AS
WITH s AS (SELECT * FROM bench_summary), m AS (SELECT * FROM bench_m)
SELECT 1 AS ord, 'refresh after 1000 appended events vs full materialize' AS what,
       round((m.mat / s.ms)::numeric, 1) || 'x cheaper (' || round(s.ms::numeric, 1) || ' ms vs '
           || round(m.mat::numeric) || ' ms)' AS measured,
       '>= 100x cheaper' AS target, m.mat / s.ms >= 100 AS met, NULL AS per_run
FROM s, m WHERE s.variant = 'refresh (append)' AND s.section = 'refresh'
UNION ALL
SELECT 2, 'refresh after 1000 events with late ones vs full materialize',
       round((m.mat / s.ms)::numeric, 1) || 'x cheaper (' || round(s.ms::numeric, 1) || ' ms vs '
           || round(m.mat::numeric) || ' ms)',
       '>= 100x cheaper', m.mat / s.ms >= 100, NULL
FROM s, m WHERE s.variant = 'refresh (late)' AND s.section = 'refresh'
UNION ALL
SELECT 2, s.variant || ' vs full materialize',
       round((m.mat / s.ms)::numeric, 1) || 'x cheaper (' || round(s.ms::numeric, 1) || ' ms vs '
           || round(m.mat::numeric) || ' ms)',
       '(not a target)', NULL, NULL
FROM s, m WHERE s.variant LIKE 'diag: refresh%' AND s.section = 'refresh'
UNION ALL
SELECT 3, 'COPY ' || c.n || ' rows: deferred capture vs none',
       round((c.ms / p.ms)::numeric, 2) || 'x slower (' || round(c.ms::numeric) || ' ms vs '
           || round(p.ms::numeric) || ' ms)',
       '<= 1.3x slower', c.ms / p.ms <= 1.3,
       (SELECT per_run FROM bench_ratio r WHERE r.section = 'copy' AND r.a_variant = c.variant AND r.b_variant = p.variant)
FROM s c, s p WHERE c.section = 'copy' AND c.variant = 'deferred capture (events)'
                AND p.section = 'copy' AND p.variant = 'no capture (events_plain)'
UNION ALL
SELECT 4, 'single-row INSERT (pgbench): deferred capture vs none',
       round((p.tps / c.tps)::numeric, 2) || 'x slower (' || round(c.tps::numeric) || ' vs '
           || round(p.tps::numeric) || ' tps)',
       '(reported)', NULL,
       (SELECT per_run FROM bench_ratio r WHERE r.section = 'insert' AND r.a_variant = p.variant AND r.b_variant = c.variant)
FROM s c, s p WHERE c.section = 'insert' AND c.variant LIKE 'deferred%' AND p.section = 'insert'
                AND p.variant LIKE 'no capture%'
UNION ALL
SELECT 5, 'timeline.current vs primary-key lookup (pgbench)',
       round((c.tps / p.tps)::numeric, 2) || ' of its TPS (' || round(c.tps::numeric) || ' vs '
           || round(p.tps::numeric) || ' tps)',
       '>= 0.5', c.tps / p.tps >= 0.5,
       (SELECT per_run FROM bench_ratio r WHERE r.section = 'read' AND r.a_variant = c.variant AND r.b_variant = p.variant)
FROM s c, s p WHERE c.section = 'read' AND c.variant LIKE 'timeline.current%' AND p.section = 'read'
                AND p.variant LIKE 'primary-key%'
UNION ALL
SELECT 5, c.variant || ' vs primary-key lookup',
       round((c.tps / p.tps)::numeric, 2) || ' of its TPS (' || round(c.tps::numeric) || ' vs '
           || round(p.tps::numeric) || ' tps)',
       '(not a target)', NULL,
       (SELECT per_run FROM bench_ratio r WHERE r.section = 'read' AND r.a_variant = c.variant AND r.b_variant = p.variant)
FROM s c, s p WHERE c.section = 'read' AND c.variant LIKE 'diag:%' AND p.section = 'read'
                AND p.variant LIKE 'primary-key%'
UNION ALL
SELECT 6, r.variant, r.n || ' differences', '0', r.n = 0, NULL
FROM bench_result r WHERE r.section = 'check';
SELECT what, measured, target, CASE WHEN met THEN 'yes' WHEN NOT met THEN 'no' END AS met,
       per_run AS "same ratio, run by run"
FROM bench_targets ORDER BY ord, what LIKE 'diag:%', what;

SELECT CASE WHEN count(*) FILTER (WHERE info = 'ok') = count(*) AND count(*) >= 2
            THEN 'results agree: yes' ELSE 'results agree: no' END AS verdict
FROM bench_result WHERE section = 'check' \gset
\echo
\echo :verdict
\endif
