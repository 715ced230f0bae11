-- bench/pgbench_mat_insert_plain.sql: one single-row INSERT into events_plain,
-- the same rows as events but no triggers (no capture); as
-- bench/pgbench_mat_insert_events.sql: users with the data's skew,
-- time clock_timestamp() (after every earlier event).  pgbench -D n_users=N.
\set r random(0, 999999999)
\set u least(:n_users - 1, int(:n_users * pow(:r / 1000000000.0, 2)))
\set a random(0, 79999)
\set k random(1, 10)
INSERT INTO events_plain (event_id, user_id, ts, amount, kind)
VALUES (nextval('bench_event_id'), :u, clock_timestamp(), :a / 8.0,
        (ARRAY['view', 'view', 'view', 'view', 'view', 'click', 'click', 'click', 'cart', 'x'])[:k]);
