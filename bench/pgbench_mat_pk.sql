-- bench/pgbench_mat_pk.sql: the baseline of pgbench_mat_current.sql, one row
-- of a plain table by its primary key: features_plain holds the same 10
-- values per user (the plain SQL snapshot of bench/materialize.sql).
\set id random(0, :n_users - 1)
SELECT * FROM features_plain WHERE user_id = :id;
