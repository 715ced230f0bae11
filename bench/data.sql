-- bench/data.sql: reproducible data for the lookup benchmark (bench/lookup.sh).
--
-- psql variables: scale (1.0 = 10,000,000 events over 100,000 users and
-- 1,000,000 probes), seed (a float in [-1, 1] for setseed), covering (1: index
-- events (user_id, ts, amount) instead of (user_id, ts), so the baseline can
-- use an index-only scan; default 0).
-- Needs the timeline extension and search_path = timeline, public.
--
-- events: user_id skewed (least(n-1, floor(n * random()^2))), so user 0 has
--   ~0.3% of all events and the top 1% of users ~10%; times over 2024 rounded
--   to the second, so active users have several events at one time; amounts
--   are multiples of 1/8 (sums are exact in any order, so results can be
--   compared exactly) and 1% are NULL (a NULL value is a real point).
-- probes: same skew, times over 2023-12-01 .. 2025-01-31, rounded to the
--   second (some before a user's first event, some exactly at an event).
-- user_tl: one stored timeline per user, built before anything is timed.
-- user_tl_inline: the same rows in a table with toast_tuple_target = 8160,
--   which keeps timelines of up to about 500 points in the row (the default
--   target, about 2kB, moves those over about 120 points to TOAST).

\if :{?covering} \else \set covering 0 \endif

SELECT round(10000000 * :scale)::bigint AS n_events,
       greatest(1, round(100000 * :scale))::int AS n_users,
       round(1000000 * :scale)::bigint AS n_probes
\gset

SET client_min_messages = warning;
DROP TABLE IF EXISTS events, probes, user_tl, user_tl_inline;
RESET client_min_messages;

SELECT setseed(:seed) \gset

CREATE TABLE events AS
SELECT g::bigint AS event_id,
       least(:n_users - 1, floor(:n_users * pow(random(), 2)))::int AS user_id,
       timestamptz '2024-01-01 00:00:00+00'
           + floor(random() * 366 * 86400) * interval '1 second' AS ts,
       CASE WHEN random() < 0.01 THEN NULL
            ELSE floor(random() * 80000) / 8 END::float8 AS amount
FROM generate_series(1, :n_events) g;

CREATE TABLE probes AS
SELECT g::bigint AS probe_id,
       least(:n_users - 1, floor(:n_users * pow(random(), 2)))::int AS user_id,
       timestamptz '2023-12-01 00:00:00+00'
           + floor(random() * 428 * 86400) * interval '1 second' AS ts
FROM generate_series(1, :n_probes) g;

\if :covering
CREATE INDEX events_user_id_ts_amount_idx ON events (user_id, ts, amount);
\else
CREATE INDEX events_user_id_ts_idx ON events (user_id, ts);
\endif
VACUUM ANALYZE events;
VACUUM ANALYZE probes;

CREATE TABLE user_tl AS
SELECT user_id, timeline_agg(ts, amount) AS tl
FROM events
GROUP BY user_id;
-- the key a table of timelines has (README, Storage and repeated lookups);
-- queries 12 and 13 merge-join the probes with the tables through it
ALTER TABLE user_tl ADD PRIMARY KEY (user_id);
VACUUM ANALYZE user_tl;

CREATE TABLE user_tl_inline (user_id int PRIMARY KEY, tl timeline) WITH (toast_tuple_target = 8160);
INSERT INTO user_tl_inline SELECT user_id, tl FROM user_tl;
VACUUM ANALYZE user_tl_inline;

\echo
\echo '== data'
SELECT (SELECT count(*) FROM events) AS events,
       (SELECT count(DISTINCT user_id) FROM events) AS users_with_events,
       (SELECT count(*) FROM probes) AS probes,
       (SELECT max(n) FROM (SELECT count(*) AS n FROM events GROUP BY user_id) s)
           AS most_events_of_one_user,
       (SELECT count(*) FROM (SELECT 1 FROM events GROUP BY user_id, ts
                              HAVING count(*) > 1) s) AS tied_user_times,
       (SELECT count(*) FROM events WHERE amount IS NULL) AS null_amounts,
       pg_size_pretty(pg_total_relation_size('events')) AS events_size,
       pg_size_pretty(pg_total_relation_size('user_tl')) AS user_tl_size,
       (SELECT count(*) FROM user_tl WHERE pg_column_size(tl) > 2000) AS user_tl_toasted,
       (SELECT count(*) FROM user_tl_inline WHERE pg_column_size(tl) > 8000) AS user_tl_inline_toasted;
