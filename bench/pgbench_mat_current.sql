-- bench/pgbench_mat_current.sql: the 10 materialized features of one random
-- user as of now (bench/materialize.sh).  pgbench -M prepared -D n_users=N.
\set id random(0, :n_users - 1)
SELECT timeline.current('bench_mat', :id::int);
