-- bench/pgbench_mat_insert_events.sql: one single-row INSERT into events,
-- the source of bench/materialize.sh's feature set (deferred capture: its
-- statement trigger logs the row).  Users with bench/materialize.sql's skew,
-- time clock_timestamp() (after every earlier event).  pgbench -D n_users=N.
\set r random(0, 999999999)
\set u least(:n_users - 1, int(:n_users * pow(:r / 1000000000.0, 2)))
\set a random(0, 79999)
\set k random(1, 10)
INSERT INTO events (event_id, user_id, ts, amount, kind)
VALUES (nextval('bench_event_id'), :u, clock_timestamp(), :a / 8.0,
        (ARRAY['view', 'view', 'view', 'view', 'view', 'click', 'click', 'click', 'cart', 'x'])[:k]);
