/* timeline--0.1.sql: install script of release 0.1 (never edited once released) */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION timeline" to load this file. \quit

-- The extension owns its schema, so DROP EXTENSION removes it too (the
-- control file names pg_catalog, as pg_cron does for its cron schema).
CREATE SCHEMA timeline;
COMMENT ON SCHEMA timeline IS 'the timeline extension: timelines, temporal operators and point-in-time lookups';
GRANT USAGE ON SCHEMA timeline TO PUBLIC;

--
-- The timeline type
--
CREATE TYPE timeline.timeline;

CREATE FUNCTION timeline.timeline_in(pg_catalog.cstring)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_in'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.timeline_in(pg_catalog.cstring) IS
'reads the text form of a timeline (times without an offset are in the session time zone)';

CREATE FUNCTION timeline.timeline_out(timeline.timeline)
RETURNS pg_catalog.cstring
AS 'MODULE_PATHNAME', 'timeline_out'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.timeline_out(timeline.timeline) IS
'writes the text form of a timeline, times in ISO 8601 with the session time zone''s offset';

CREATE FUNCTION timeline.timeline_recv(pg_catalog.internal)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_recv'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.timeline_recv(pg_catalog.internal) IS
'reads the binary form of a timeline, with the same validation as text input';

CREATE FUNCTION timeline.timeline_send(timeline.timeline)
RETURNS pg_catalog.bytea
AS 'MODULE_PATHNAME', 'timeline_send'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.timeline_send(timeline.timeline) IS
'writes the binary form of a timeline';

-- STORAGE external: stored out of line when large but never compressed, so
-- a detoast is a plain copy; float8 values gain little from pglz, and
-- lookups are far more frequent than writes.
CREATE TYPE timeline.timeline (
    INPUT = timeline.timeline_in,
    OUTPUT = timeline.timeline_out,
    RECEIVE = timeline.timeline_recv,
    SEND = timeline.timeline_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = double,
    STORAGE = external,
    -- category T (timespan), not preferred: in sum(tl, '7 days') the literal
    -- resolves to interval, the preferred type of that category, rather than
    -- to timeline (the since-window form takes a timeline: cast a literal)
    CATEGORY = 'T'
);
COMMENT ON TYPE timeline.timeline IS
'how a numeric value changes over time for one entity: points (time, value) in position order, discrete or continuous';

--
-- Whole-value equality
--
CREATE FUNCTION timeline.timeline_eq(timeline.timeline, timeline.timeline)
RETURNS pg_catalog.bool
AS 'MODULE_PATHNAME', 'timeline_eq'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.timeline_eq(timeline.timeline, timeline.timeline) IS
'true when both timelines have the same kind and the same points at the same positions';

CREATE FUNCTION timeline.timeline_ne(timeline.timeline, timeline.timeline)
RETURNS pg_catalog.bool
AS 'MODULE_PATHNAME', 'timeline_ne'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.timeline_ne(timeline.timeline, timeline.timeline) IS
'negation of timeline_eq';

CREATE OPERATOR timeline.= (
    LEFTARG = timeline.timeline,
    RIGHTARG = timeline.timeline,
    FUNCTION = timeline.timeline_eq,
    COMMUTATOR = OPERATOR(timeline.=),
    NEGATOR = OPERATOR(timeline.<>),
    RESTRICT = pg_catalog.eqsel,
    JOIN = pg_catalog.eqjoinsel,
    HASHES
);
COMMENT ON OPERATOR timeline.= (timeline.timeline, timeline.timeline) IS
'whole-value equality of two timelines';

CREATE OPERATOR timeline.<> (
    LEFTARG = timeline.timeline,
    RIGHTARG = timeline.timeline,
    FUNCTION = timeline.timeline_ne,
    COMMUTATOR = OPERATOR(timeline.<>),
    NEGATOR = OPERATOR(timeline.=),
    RESTRICT = pg_catalog.neqsel,
    JOIN = pg_catalog.neqjoinsel
);
COMMENT ON OPERATOR timeline.<> (timeline.timeline, timeline.timeline) IS
'whole-value inequality of two timelines';

-- a hash operator class agreeing with =, and no ordering: DISTINCT, GROUP
-- BY, UNION, hash joins, = between arrays or rows holding timelines and
-- logical replication under REPLICA IDENTITY FULL find timeline's equality
-- through it (PostgreSQL looks a type's = up in its default btree or hash
-- operator class)
CREATE FUNCTION timeline.timeline_hash(timeline.timeline)
RETURNS pg_catalog.int4
AS 'MODULE_PATHNAME', 'timeline_hash'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.timeline_hash(timeline.timeline) IS
'hash of a timeline, equal for timelines that are = (support function of timeline_hash_ops)';

CREATE FUNCTION timeline.timeline_hash_extended(timeline.timeline, pg_catalog.int8)
RETURNS pg_catalog.int8
AS 'MODULE_PATHNAME', 'timeline_hash_extended'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.timeline_hash_extended(timeline.timeline, pg_catalog.int8) IS
'64-bit seeded hash of a timeline (support function of timeline_hash_ops, for hash partitioning)';

CREATE OPERATOR CLASS timeline.timeline_hash_ops
DEFAULT FOR TYPE timeline.timeline USING hash AS
    OPERATOR 1 timeline.= (timeline.timeline, timeline.timeline),
    FUNCTION 1 timeline.timeline_hash(timeline.timeline),
    FUNCTION 2 timeline.timeline_hash_extended(timeline.timeline, pg_catalog.int8);
COMMENT ON OPERATOR CLASS timeline.timeline_hash_ops USING hash IS
'whole-value equality of timelines, hashed: DISTINCT, GROUP BY, UNION and hash joins on timelines';
COMMENT ON OPERATOR FAMILY timeline.timeline_hash_ops USING hash IS
'whole-value equality of timelines, hashed';

--
-- timeline_agg: build a discrete timeline from rows
--
CREATE FUNCTION timeline.timeline_agg_transfn(pg_catalog.internal, pg_catalog.timestamptz, pg_catalog.float8)
RETURNS pg_catalog.internal
AS 'MODULE_PATHNAME', 'timeline_agg_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION timeline.timeline_agg_transfn(pg_catalog.internal, pg_catalog.timestamptz, pg_catalog.float8) IS
'transition function of timeline_agg(timestamptz, float8)';

CREATE FUNCTION timeline.timeline_agg_seq_transfn(pg_catalog.internal, pg_catalog.timestamptz, pg_catalog.float8, pg_catalog.int8)
RETURNS pg_catalog.internal
AS 'MODULE_PATHNAME', 'timeline_agg_seq_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION timeline.timeline_agg_seq_transfn(pg_catalog.internal, pg_catalog.timestamptz, pg_catalog.float8, pg_catalog.int8) IS
'transition function of timeline_agg(timestamptz, float8, bigint)';

CREATE FUNCTION timeline.timeline_agg_bool_transfn(pg_catalog.internal, pg_catalog.timestamptz, pg_catalog.bool)
RETURNS pg_catalog.internal
AS 'MODULE_PATHNAME', 'timeline_agg_bool_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION timeline.timeline_agg_bool_transfn(pg_catalog.internal, pg_catalog.timestamptz, pg_catalog.bool) IS
'transition function of timeline_agg(timestamptz, boolean)';

CREATE FUNCTION timeline.timeline_agg_bool_seq_transfn(pg_catalog.internal, pg_catalog.timestamptz, pg_catalog.bool, pg_catalog.int8)
RETURNS pg_catalog.internal
AS 'MODULE_PATHNAME', 'timeline_agg_bool_seq_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION timeline.timeline_agg_bool_seq_transfn(pg_catalog.internal, pg_catalog.timestamptz, pg_catalog.bool, pg_catalog.int8) IS
'transition function of timeline_agg(timestamptz, boolean, bigint)';

CREATE FUNCTION timeline.timeline_agg_combinefn(pg_catalog.internal, pg_catalog.internal)
RETURNS pg_catalog.internal
AS 'MODULE_PATHNAME', 'timeline_agg_combinefn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION timeline.timeline_agg_combinefn(pg_catalog.internal, pg_catalog.internal) IS
'combines two partial timeline_agg states (parallel aggregation)';

CREATE FUNCTION timeline.timeline_agg_serialfn(pg_catalog.internal)
RETURNS pg_catalog.bytea
AS 'MODULE_PATHNAME', 'timeline_agg_serialfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.timeline_agg_serialfn(pg_catalog.internal) IS
'serializes a partial timeline_agg state (versioned format)';

CREATE FUNCTION timeline.timeline_agg_deserialfn(pg_catalog.bytea, pg_catalog.internal)
RETURNS pg_catalog.internal
AS 'MODULE_PATHNAME', 'timeline_agg_deserialfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.timeline_agg_deserialfn(pg_catalog.bytea, pg_catalog.internal) IS
'deserializes a partial timeline_agg state';

-- the final function sorts the state in place; sorting a multiset of points
-- does not change what it holds, so further transitions stay valid
CREATE FUNCTION timeline.timeline_agg_finalfn(pg_catalog.internal)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_agg_finalfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION timeline.timeline_agg_finalfn(pg_catalog.internal) IS
'final function of timeline_agg: sorts into position order and builds the timeline';

CREATE AGGREGATE timeline.timeline_agg(pg_catalog.timestamptz, pg_catalog.float8) (
    SFUNC = timeline.timeline_agg_transfn,
    STYPE = pg_catalog.internal,
    FINALFUNC = timeline.timeline_agg_finalfn,
    FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = timeline.timeline_agg_combinefn,
    SERIALFUNC = timeline.timeline_agg_serialfn,
    DESERIALFUNC = timeline.timeline_agg_deserialfn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE timeline.timeline_agg(pg_catalog.timestamptz, pg_catalog.float8) IS
'builds a discrete timeline of (time, value); rows with a NULL time are skipped; points of one time are ordered by value, NULLs last';

CREATE AGGREGATE timeline.timeline_agg(pg_catalog.timestamptz, pg_catalog.float8, pg_catalog.int8) (
    SFUNC = timeline.timeline_agg_seq_transfn,
    STYPE = pg_catalog.internal,
    FINALFUNC = timeline.timeline_agg_finalfn,
    FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = timeline.timeline_agg_combinefn,
    SERIALFUNC = timeline.timeline_agg_serialfn,
    DESERIALFUNC = timeline.timeline_agg_deserialfn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE timeline.timeline_agg(pg_catalog.timestamptz, pg_catalog.float8, pg_catalog.int8) IS
'builds a discrete timeline of (time, value) ordered by (time, seq); two rows at one (time, seq) are an error';

CREATE AGGREGATE timeline.timeline_agg(pg_catalog.timestamptz, pg_catalog.bool) (
    SFUNC = timeline.timeline_agg_bool_transfn,
    STYPE = pg_catalog.internal,
    FINALFUNC = timeline.timeline_agg_finalfn,
    FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = timeline.timeline_agg_combinefn,
    SERIALFUNC = timeline.timeline_agg_serialfn,
    DESERIALFUNC = timeline.timeline_agg_deserialfn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE timeline.timeline_agg(pg_catalog.timestamptz, pg_catalog.bool) IS
'builds a discrete timeline of a boolean (true 1, false 0); rows with a NULL time are skipped';

CREATE AGGREGATE timeline.timeline_agg(pg_catalog.timestamptz, pg_catalog.bool, pg_catalog.int8) (
    SFUNC = timeline.timeline_agg_bool_seq_transfn,
    STYPE = pg_catalog.internal,
    FINALFUNC = timeline.timeline_agg_finalfn,
    FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = timeline.timeline_agg_combinefn,
    SERIALFUNC = timeline.timeline_agg_serialfn,
    DESERIALFUNC = timeline.timeline_agg_deserialfn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE timeline.timeline_agg(pg_catalog.timestamptz, pg_catalog.bool, pg_catalog.int8) IS
'builds a discrete timeline of a boolean (true 1, false 0) ordered by (time, seq)';

--
-- Reading a timeline
--
CREATE FUNCTION timeline.value_at(timeline.timeline, pg_catalog.timestamptz)
RETURNS pg_catalog.float8
AS 'MODULE_PATHNAME', 'timeline_value_at'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.value_at(timeline.timeline, pg_catalog.timestamptz) IS
'value as of t, inclusive: the latest-positioned point at or before t; NULL if none';

CREATE FUNCTION timeline.value_at(timeline.timeline, pg_catalog.timestamptz, max_age pg_catalog.interval)
RETURNS pg_catalog.float8
AS 'MODULE_PATHNAME', 'timeline_value_at_max_age'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.value_at(timeline.timeline, pg_catalog.timestamptz, pg_catalog.interval) IS
'value as of t, or NULL when the latest point at or before t is older than t - max_age';

CREATE FUNCTION timeline.values_at_support(pg_catalog.internal)
RETURNS pg_catalog.internal
AS 'MODULE_PATHNAME', 'timeline_values_at_support'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.values_at_support(pg_catalog.internal) IS
'planner support for values_at: values_at(aggregate(tl [, width]), times) becomes aggregate_at_times(tl, ...)';

CREATE FUNCTION timeline.values_at(timeline.timeline, pg_catalog.timestamptz[])
RETURNS pg_catalog.float8[]
AS 'MODULE_PATHNAME', 'timeline_values_at'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
SUPPORT timeline.values_at_support;
COMMENT ON FUNCTION timeline.values_at(timeline.timeline, pg_catalog.timestamptz[]) IS
'value_at for every element of an array of times, in the same order and shape';

CREATE FUNCTION timeline.points(timeline.timeline, OUT "time" pg_catalog.timestamptz, OUT value pg_catalog.float8)
RETURNS SETOF pg_catalog.record
AS 'MODULE_PATHNAME', 'timeline_points'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 100;
COMMENT ON FUNCTION timeline.points(timeline.timeline) IS
'the points of a timeline as rows (time, value), in position order';

CREATE FUNCTION timeline.num_points(timeline.timeline)
RETURNS pg_catalog.int4
AS 'MODULE_PATHNAME', 'timeline_num_points'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.num_points(timeline.timeline) IS
'number of points';

CREATE FUNCTION timeline.first_time(timeline.timeline)
RETURNS pg_catalog.timestamptz
AS 'MODULE_PATHNAME', 'timeline_first_time'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.first_time(timeline.timeline) IS
'time of the first point; NULL when the timeline is empty';

CREATE FUNCTION timeline.last_time(timeline.timeline)
RETURNS pg_catalog.timestamptz
AS 'MODULE_PATHNAME', 'timeline_last_time'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.last_time(timeline.timeline) IS
'time of the last point; NULL when the timeline is empty';

CREATE FUNCTION timeline.slice(timeline.timeline, "from" pg_catalog.timestamptz, "to" pg_catalog.timestamptz)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_slice'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION timeline.slice(timeline.timeline, pg_catalog.timestamptz, pg_catalog.timestamptz) IS
'the points with from <= time < to, same kind; a NULL bound is unbounded';

CREATE FUNCTION timeline.kind(timeline.timeline)
RETURNS pg_catalog.text
AS 'MODULE_PATHNAME', 'timeline_kind'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.kind(timeline.timeline) IS
'''discrete'' or ''continuous''';

CREATE FUNCTION timeline.sparkline(timeline.timeline, width pg_catalog.int4 DEFAULT 40)
RETURNS pg_catalog.text
AS 'MODULE_PATHNAME', 'timeline_sparkline'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.sparkline(timeline.timeline, pg_catalog.int4) IS
'a one-line picture of the values, at most width characters (runs of points show their mean)';

--
-- Aggregations over a timeline (continuous results, SEMANTICS.md s3)
--
CREATE FUNCTION timeline.count(timeline.timeline)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_count'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.count(timeline.timeline) IS
'number of non-NULL values, lifetime (cumulative)';

CREATE FUNCTION timeline.count(timeline.timeline, width pg_catalog.interval)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_count_trailing'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.count(timeline.timeline, pg_catalog.interval) IS
'number of non-NULL values, over the trailing window (t - width, t], exact at every instant';

CREATE FUNCTION timeline.count(timeline.timeline, reset timeline.timeline)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_count_since'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.count(timeline.timeline, timeline.timeline) IS
'number of non-NULL values, since the last position where reset was true, strictly before the current one';

CREATE FUNCTION timeline.count(timeline.timeline, reset timeline.timeline, periods pg_catalog.int4)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_count_sliding'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.count(timeline.timeline, timeline.timeline, pg_catalog.int4) IS
'number of non-NULL values, over the last periods reset periods';

CREATE FUNCTION timeline.count_if(timeline.timeline)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_count_if'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.count_if(timeline.timeline) IS
'number of values that are true (neither NULL nor 0), lifetime (cumulative)';

CREATE FUNCTION timeline.count_if(timeline.timeline, width pg_catalog.interval)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_count_if_trailing'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.count_if(timeline.timeline, pg_catalog.interval) IS
'number of values that are true (neither NULL nor 0), over the trailing window (t - width, t], exact at every instant';

CREATE FUNCTION timeline.count_if(timeline.timeline, reset timeline.timeline)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_count_if_since'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.count_if(timeline.timeline, timeline.timeline) IS
'number of values that are true (neither NULL nor 0), since the last position where reset was true, strictly before the current one';

CREATE FUNCTION timeline.count_if(timeline.timeline, reset timeline.timeline, periods pg_catalog.int4)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_count_if_sliding'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.count_if(timeline.timeline, timeline.timeline, pg_catalog.int4) IS
'number of values that are true (neither NULL nor 0), over the last periods reset periods';

CREATE FUNCTION timeline.sum(timeline.timeline)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_sum'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.sum(timeline.timeline) IS
'sum of the non-NULL values; NULL when there is none, lifetime (cumulative)';

CREATE FUNCTION timeline.sum(timeline.timeline, width pg_catalog.interval)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_sum_trailing'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.sum(timeline.timeline, pg_catalog.interval) IS
'sum of the non-NULL values; NULL when there is none, over the trailing window (t - width, t], exact at every instant';

CREATE FUNCTION timeline.sum(timeline.timeline, reset timeline.timeline)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_sum_since'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.sum(timeline.timeline, timeline.timeline) IS
'sum of the non-NULL values; NULL when there is none, since the last position where reset was true, strictly before the current one';

CREATE FUNCTION timeline.sum(timeline.timeline, reset timeline.timeline, periods pg_catalog.int4)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_sum_sliding'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.sum(timeline.timeline, timeline.timeline, pg_catalog.int4) IS
'sum of the non-NULL values; NULL when there is none, over the last periods reset periods';

CREATE FUNCTION timeline.mean(timeline.timeline)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_mean'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.mean(timeline.timeline) IS
'mean of the non-NULL values; NULL when there is none, lifetime (cumulative)';

CREATE FUNCTION timeline.mean(timeline.timeline, width pg_catalog.interval)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_mean_trailing'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.mean(timeline.timeline, pg_catalog.interval) IS
'mean of the non-NULL values; NULL when there is none, over the trailing window (t - width, t], exact at every instant';

CREATE FUNCTION timeline.mean(timeline.timeline, reset timeline.timeline)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_mean_since'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.mean(timeline.timeline, timeline.timeline) IS
'mean of the non-NULL values; NULL when there is none, since the last position where reset was true, strictly before the current one';

CREATE FUNCTION timeline.mean(timeline.timeline, reset timeline.timeline, periods pg_catalog.int4)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_mean_sliding'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.mean(timeline.timeline, timeline.timeline, pg_catalog.int4) IS
'mean of the non-NULL values; NULL when there is none, over the last periods reset periods';

CREATE FUNCTION timeline.min(timeline.timeline)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_min'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.min(timeline.timeline) IS
'smallest non-NULL value, lifetime (cumulative)';

CREATE FUNCTION timeline.min(timeline.timeline, width pg_catalog.interval)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_min_trailing'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.min(timeline.timeline, pg_catalog.interval) IS
'smallest non-NULL value, over the trailing window (t - width, t], exact at every instant';

CREATE FUNCTION timeline.min(timeline.timeline, reset timeline.timeline)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_min_since'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.min(timeline.timeline, timeline.timeline) IS
'smallest non-NULL value, since the last position where reset was true, strictly before the current one';

CREATE FUNCTION timeline.min(timeline.timeline, reset timeline.timeline, periods pg_catalog.int4)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_min_sliding'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.min(timeline.timeline, timeline.timeline, pg_catalog.int4) IS
'smallest non-NULL value, over the last periods reset periods';

CREATE FUNCTION timeline.max(timeline.timeline)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_max'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.max(timeline.timeline) IS
'largest non-NULL value, lifetime (cumulative)';

CREATE FUNCTION timeline.max(timeline.timeline, width pg_catalog.interval)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_max_trailing'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.max(timeline.timeline, pg_catalog.interval) IS
'largest non-NULL value, over the trailing window (t - width, t], exact at every instant';

CREATE FUNCTION timeline.max(timeline.timeline, reset timeline.timeline)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_max_since'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.max(timeline.timeline, timeline.timeline) IS
'largest non-NULL value, since the last position where reset was true, strictly before the current one';

CREATE FUNCTION timeline.max(timeline.timeline, reset timeline.timeline, periods pg_catalog.int4)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_max_sliding'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.max(timeline.timeline, timeline.timeline, pg_catalog.int4) IS
'largest non-NULL value, over the last periods reset periods';

CREATE FUNCTION timeline.first(timeline.timeline)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_first'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.first(timeline.timeline) IS
'first non-NULL value, lifetime (cumulative)';

CREATE FUNCTION timeline.first(timeline.timeline, width pg_catalog.interval)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_first_trailing'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.first(timeline.timeline, pg_catalog.interval) IS
'first non-NULL value, over the trailing window (t - width, t], exact at every instant';

CREATE FUNCTION timeline.first(timeline.timeline, reset timeline.timeline)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_first_since'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.first(timeline.timeline, timeline.timeline) IS
'first non-NULL value, since the last position where reset was true, strictly before the current one';

CREATE FUNCTION timeline.first(timeline.timeline, reset timeline.timeline, periods pg_catalog.int4)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_first_sliding'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.first(timeline.timeline, timeline.timeline, pg_catalog.int4) IS
'first non-NULL value, over the last periods reset periods';

CREATE FUNCTION timeline.last(timeline.timeline)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_last'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.last(timeline.timeline) IS
'last non-NULL value, lifetime (cumulative)';

CREATE FUNCTION timeline.last(timeline.timeline, width pg_catalog.interval)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_last_trailing'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.last(timeline.timeline, pg_catalog.interval) IS
'last non-NULL value, over the trailing window (t - width, t], exact at every instant';

CREATE FUNCTION timeline.last(timeline.timeline, reset timeline.timeline)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_last_since'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.last(timeline.timeline, timeline.timeline) IS
'last non-NULL value, since the last position where reset was true, strictly before the current one';

CREATE FUNCTION timeline.last(timeline.timeline, reset timeline.timeline, periods pg_catalog.int4)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_last_sliding'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.last(timeline.timeline, timeline.timeline, pg_catalog.int4) IS
'last non-NULL value, over the last periods reset periods';

CREATE FUNCTION timeline.var_samp(timeline.timeline)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_var_samp'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.var_samp(timeline.timeline) IS
'sample variance of the non-NULL values (NULL below 2 values), lifetime (cumulative)';

CREATE FUNCTION timeline.var_samp(timeline.timeline, width pg_catalog.interval)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_var_samp_trailing'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.var_samp(timeline.timeline, pg_catalog.interval) IS
'sample variance of the non-NULL values (NULL below 2 values), over the trailing window (t - width, t], exact at every instant';

CREATE FUNCTION timeline.var_samp(timeline.timeline, reset timeline.timeline)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_var_samp_since'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.var_samp(timeline.timeline, timeline.timeline) IS
'sample variance of the non-NULL values (NULL below 2 values), since the last position where reset was true, strictly before the current one';

CREATE FUNCTION timeline.var_samp(timeline.timeline, reset timeline.timeline, periods pg_catalog.int4)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_var_samp_sliding'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.var_samp(timeline.timeline, timeline.timeline, pg_catalog.int4) IS
'sample variance of the non-NULL values (NULL below 2 values), over the last periods reset periods';

CREATE FUNCTION timeline.var_pop(timeline.timeline)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_var_pop'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.var_pop(timeline.timeline) IS
'population variance of the non-NULL values, lifetime (cumulative)';

CREATE FUNCTION timeline.var_pop(timeline.timeline, width pg_catalog.interval)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_var_pop_trailing'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.var_pop(timeline.timeline, pg_catalog.interval) IS
'population variance of the non-NULL values, over the trailing window (t - width, t], exact at every instant';

CREATE FUNCTION timeline.var_pop(timeline.timeline, reset timeline.timeline)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_var_pop_since'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.var_pop(timeline.timeline, timeline.timeline) IS
'population variance of the non-NULL values, since the last position where reset was true, strictly before the current one';

CREATE FUNCTION timeline.var_pop(timeline.timeline, reset timeline.timeline, periods pg_catalog.int4)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_var_pop_sliding'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.var_pop(timeline.timeline, timeline.timeline, pg_catalog.int4) IS
'population variance of the non-NULL values, over the last periods reset periods';

CREATE FUNCTION timeline.stddev_samp(timeline.timeline)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_stddev_samp'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.stddev_samp(timeline.timeline) IS
'sample standard deviation of the non-NULL values (NULL below 2 values), lifetime (cumulative)';

CREATE FUNCTION timeline.stddev_samp(timeline.timeline, width pg_catalog.interval)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_stddev_samp_trailing'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.stddev_samp(timeline.timeline, pg_catalog.interval) IS
'sample standard deviation of the non-NULL values (NULL below 2 values), over the trailing window (t - width, t], exact at every instant';

CREATE FUNCTION timeline.stddev_samp(timeline.timeline, reset timeline.timeline)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_stddev_samp_since'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.stddev_samp(timeline.timeline, timeline.timeline) IS
'sample standard deviation of the non-NULL values (NULL below 2 values), since the last position where reset was true, strictly before the current one';

CREATE FUNCTION timeline.stddev_samp(timeline.timeline, reset timeline.timeline, periods pg_catalog.int4)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_stddev_samp_sliding'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.stddev_samp(timeline.timeline, timeline.timeline, pg_catalog.int4) IS
'sample standard deviation of the non-NULL values (NULL below 2 values), over the last periods reset periods';

CREATE FUNCTION timeline.stddev_pop(timeline.timeline)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_stddev_pop'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.stddev_pop(timeline.timeline) IS
'population standard deviation of the non-NULL values, lifetime (cumulative)';

CREATE FUNCTION timeline.stddev_pop(timeline.timeline, width pg_catalog.interval)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_stddev_pop_trailing'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.stddev_pop(timeline.timeline, pg_catalog.interval) IS
'population standard deviation of the non-NULL values, over the trailing window (t - width, t], exact at every instant';

CREATE FUNCTION timeline.stddev_pop(timeline.timeline, reset timeline.timeline)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_stddev_pop_since'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.stddev_pop(timeline.timeline, timeline.timeline) IS
'population standard deviation of the non-NULL values, since the last position where reset was true, strictly before the current one';

CREATE FUNCTION timeline.stddev_pop(timeline.timeline, reset timeline.timeline, periods pg_catalog.int4)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_stddev_pop_sliding'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.stddev_pop(timeline.timeline, timeline.timeline, pg_catalog.int4) IS
'population standard deviation of the non-NULL values, over the last periods reset periods';

--
-- Arithmetic and comparisons, pointwise over the union of positions (SEMANTICS.md s5)
--
CREATE FUNCTION timeline.aggregates_between(tl timeline.timeline, aggregate pg_catalog.text,
                                            starts pg_catalog.timestamptz[], ends pg_catalog.timestamptz[])
RETURNS pg_catalog.float8[]
AS 'MODULE_PATHNAME', 'timeline_aggregates_between'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.aggregates_between(timeline.timeline, pg_catalog.text, pg_catalog.timestamptz[], pg_catalog.timestamptz[]) IS
'for each k, the aggregate of the points with starts[k] < time <= ends[k] (NULL bounds give NULL)';

CREATE FUNCTION timeline.timeline_add(timeline.timeline, timeline.timeline)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_add'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.timeline_add(timeline.timeline, timeline.timeline) IS
'pointwise sum of two timelines';

CREATE FUNCTION timeline.timeline_add_num(timeline.timeline, pg_catalog.float8)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_add_num'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.timeline_add_num(timeline.timeline, pg_catalog.float8) IS
'pointwise sum of a timeline and a number';

CREATE FUNCTION timeline.timeline_num_add(pg_catalog.float8, timeline.timeline)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_num_add'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.timeline_num_add(pg_catalog.float8, timeline.timeline) IS
'pointwise sum of a number and a timeline';

CREATE OPERATOR timeline.+ (
    LEFTARG = timeline.timeline,
    RIGHTARG = timeline.timeline,
    FUNCTION = timeline.timeline_add,
    COMMUTATOR = OPERATOR(timeline.+)
);
COMMENT ON OPERATOR timeline.+ (timeline.timeline, timeline.timeline) IS
'pointwise sum';

CREATE OPERATOR timeline.+ (
    LEFTARG = timeline.timeline,
    RIGHTARG = pg_catalog.float8,
    FUNCTION = timeline.timeline_add_num,
    COMMUTATOR = OPERATOR(timeline.+)
);
COMMENT ON OPERATOR timeline.+ (timeline.timeline, pg_catalog.float8) IS
'pointwise sum';

CREATE OPERATOR timeline.+ (
    LEFTARG = pg_catalog.float8,
    RIGHTARG = timeline.timeline,
    FUNCTION = timeline.timeline_num_add,
    COMMUTATOR = OPERATOR(timeline.+)
);
COMMENT ON OPERATOR timeline.+ (pg_catalog.float8, timeline.timeline) IS
'pointwise sum';

CREATE FUNCTION timeline.timeline_sub(timeline.timeline, timeline.timeline)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_sub'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.timeline_sub(timeline.timeline, timeline.timeline) IS
'pointwise difference of two timelines';

CREATE FUNCTION timeline.timeline_sub_num(timeline.timeline, pg_catalog.float8)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_sub_num'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.timeline_sub_num(timeline.timeline, pg_catalog.float8) IS
'pointwise difference of a timeline and a number';

CREATE FUNCTION timeline.timeline_num_sub(pg_catalog.float8, timeline.timeline)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_num_sub'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.timeline_num_sub(pg_catalog.float8, timeline.timeline) IS
'pointwise difference of a number and a timeline';

CREATE OPERATOR timeline.- (
    LEFTARG = timeline.timeline,
    RIGHTARG = timeline.timeline,
    FUNCTION = timeline.timeline_sub
);
COMMENT ON OPERATOR timeline.- (timeline.timeline, timeline.timeline) IS
'pointwise difference';

CREATE OPERATOR timeline.- (
    LEFTARG = timeline.timeline,
    RIGHTARG = pg_catalog.float8,
    FUNCTION = timeline.timeline_sub_num
);
COMMENT ON OPERATOR timeline.- (timeline.timeline, pg_catalog.float8) IS
'pointwise difference';

CREATE OPERATOR timeline.- (
    LEFTARG = pg_catalog.float8,
    RIGHTARG = timeline.timeline,
    FUNCTION = timeline.timeline_num_sub
);
COMMENT ON OPERATOR timeline.- (pg_catalog.float8, timeline.timeline) IS
'pointwise difference';

CREATE FUNCTION timeline.timeline_mul(timeline.timeline, timeline.timeline)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_mul'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.timeline_mul(timeline.timeline, timeline.timeline) IS
'pointwise product of two timelines';

CREATE FUNCTION timeline.timeline_mul_num(timeline.timeline, pg_catalog.float8)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_mul_num'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.timeline_mul_num(timeline.timeline, pg_catalog.float8) IS
'pointwise product of a timeline and a number';

CREATE FUNCTION timeline.timeline_num_mul(pg_catalog.float8, timeline.timeline)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_num_mul'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.timeline_num_mul(pg_catalog.float8, timeline.timeline) IS
'pointwise product of a number and a timeline';

CREATE OPERATOR timeline.* (
    LEFTARG = timeline.timeline,
    RIGHTARG = timeline.timeline,
    FUNCTION = timeline.timeline_mul,
    COMMUTATOR = OPERATOR(timeline.*)
);
COMMENT ON OPERATOR timeline.* (timeline.timeline, timeline.timeline) IS
'pointwise product';

CREATE OPERATOR timeline.* (
    LEFTARG = timeline.timeline,
    RIGHTARG = pg_catalog.float8,
    FUNCTION = timeline.timeline_mul_num,
    COMMUTATOR = OPERATOR(timeline.*)
);
COMMENT ON OPERATOR timeline.* (timeline.timeline, pg_catalog.float8) IS
'pointwise product';

CREATE OPERATOR timeline.* (
    LEFTARG = pg_catalog.float8,
    RIGHTARG = timeline.timeline,
    FUNCTION = timeline.timeline_num_mul,
    COMMUTATOR = OPERATOR(timeline.*)
);
COMMENT ON OPERATOR timeline.* (pg_catalog.float8, timeline.timeline) IS
'pointwise product';

CREATE FUNCTION timeline.timeline_div(timeline.timeline, timeline.timeline)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_div'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.timeline_div(timeline.timeline, timeline.timeline) IS
'pointwise quotient (NULL where the divisor is 0) of two timelines';

CREATE FUNCTION timeline.timeline_div_num(timeline.timeline, pg_catalog.float8)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_div_num'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.timeline_div_num(timeline.timeline, pg_catalog.float8) IS
'pointwise quotient (NULL where the divisor is 0) of a timeline and a number';

CREATE FUNCTION timeline.timeline_num_div(pg_catalog.float8, timeline.timeline)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_num_div'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.timeline_num_div(pg_catalog.float8, timeline.timeline) IS
'pointwise quotient (NULL where the divisor is 0) of a number and a timeline';

CREATE OPERATOR timeline./ (
    LEFTARG = timeline.timeline,
    RIGHTARG = timeline.timeline,
    FUNCTION = timeline.timeline_div
);
COMMENT ON OPERATOR timeline./ (timeline.timeline, timeline.timeline) IS
'pointwise quotient (NULL where the divisor is 0)';

CREATE OPERATOR timeline./ (
    LEFTARG = timeline.timeline,
    RIGHTARG = pg_catalog.float8,
    FUNCTION = timeline.timeline_div_num
);
COMMENT ON OPERATOR timeline./ (timeline.timeline, pg_catalog.float8) IS
'pointwise quotient (NULL where the divisor is 0)';

CREATE OPERATOR timeline./ (
    LEFTARG = pg_catalog.float8,
    RIGHTARG = timeline.timeline,
    FUNCTION = timeline.timeline_num_div
);
COMMENT ON OPERATOR timeline./ (pg_catalog.float8, timeline.timeline) IS
'pointwise quotient (NULL where the divisor is 0)';

CREATE FUNCTION timeline.lt(timeline.timeline, timeline.timeline)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_lt'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.lt(timeline.timeline, timeline.timeline) IS
'pointwise comparison: 1 where the first is less than the second, 0 where not, NULL where either is NULL';

CREATE FUNCTION timeline.timeline_lt_num(timeline.timeline, pg_catalog.float8)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_lt_num'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.timeline_lt_num(timeline.timeline, pg_catalog.float8) IS
'pointwise comparison with a number (less than)';

CREATE FUNCTION timeline.timeline_num_lt(pg_catalog.float8, timeline.timeline)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_num_lt'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.timeline_num_lt(pg_catalog.float8, timeline.timeline) IS
'pointwise comparison of a number with a timeline (less than)';

CREATE OPERATOR timeline.< (
    LEFTARG = timeline.timeline,
    RIGHTARG = pg_catalog.float8,
    FUNCTION = timeline.timeline_lt_num,
    COMMUTATOR = OPERATOR(timeline.>)
);
COMMENT ON OPERATOR timeline.< (timeline.timeline, pg_catalog.float8) IS
'pointwise comparison: 1, 0 or NULL at every point';

CREATE OPERATOR timeline.< (
    LEFTARG = pg_catalog.float8,
    RIGHTARG = timeline.timeline,
    FUNCTION = timeline.timeline_num_lt,
    COMMUTATOR = OPERATOR(timeline.>)
);
COMMENT ON OPERATOR timeline.< (pg_catalog.float8, timeline.timeline) IS
'pointwise comparison: 1, 0 or NULL at every point';

CREATE FUNCTION timeline.le(timeline.timeline, timeline.timeline)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_le'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.le(timeline.timeline, timeline.timeline) IS
'pointwise comparison: 1 where the first is less than or equal the second, 0 where not, NULL where either is NULL';

CREATE FUNCTION timeline.timeline_le_num(timeline.timeline, pg_catalog.float8)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_le_num'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.timeline_le_num(timeline.timeline, pg_catalog.float8) IS
'pointwise comparison with a number (less than or equal)';

CREATE FUNCTION timeline.timeline_num_le(pg_catalog.float8, timeline.timeline)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_num_le'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.timeline_num_le(pg_catalog.float8, timeline.timeline) IS
'pointwise comparison of a number with a timeline (less than or equal)';

CREATE OPERATOR timeline.<= (
    LEFTARG = timeline.timeline,
    RIGHTARG = pg_catalog.float8,
    FUNCTION = timeline.timeline_le_num,
    COMMUTATOR = OPERATOR(timeline.>=)
);
COMMENT ON OPERATOR timeline.<= (timeline.timeline, pg_catalog.float8) IS
'pointwise comparison: 1, 0 or NULL at every point';

CREATE OPERATOR timeline.<= (
    LEFTARG = pg_catalog.float8,
    RIGHTARG = timeline.timeline,
    FUNCTION = timeline.timeline_num_le,
    COMMUTATOR = OPERATOR(timeline.>=)
);
COMMENT ON OPERATOR timeline.<= (pg_catalog.float8, timeline.timeline) IS
'pointwise comparison: 1, 0 or NULL at every point';

CREATE FUNCTION timeline.eq(timeline.timeline, timeline.timeline)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_eq_pointwise'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.eq(timeline.timeline, timeline.timeline) IS
'pointwise comparison: 1 where the first is equal the second, 0 where not, NULL where either is NULL';

CREATE FUNCTION timeline.timeline_eq_num(timeline.timeline, pg_catalog.float8)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_eq_num'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.timeline_eq_num(timeline.timeline, pg_catalog.float8) IS
'pointwise comparison with a number (equal)';

CREATE FUNCTION timeline.timeline_num_eq(pg_catalog.float8, timeline.timeline)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_num_eq'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.timeline_num_eq(pg_catalog.float8, timeline.timeline) IS
'pointwise comparison of a number with a timeline (equal)';

CREATE OPERATOR timeline.= (
    LEFTARG = timeline.timeline,
    RIGHTARG = pg_catalog.float8,
    FUNCTION = timeline.timeline_eq_num,
    COMMUTATOR = OPERATOR(timeline.=)
);
COMMENT ON OPERATOR timeline.= (timeline.timeline, pg_catalog.float8) IS
'pointwise comparison: 1, 0 or NULL at every point';

CREATE OPERATOR timeline.= (
    LEFTARG = pg_catalog.float8,
    RIGHTARG = timeline.timeline,
    FUNCTION = timeline.timeline_num_eq,
    COMMUTATOR = OPERATOR(timeline.=)
);
COMMENT ON OPERATOR timeline.= (pg_catalog.float8, timeline.timeline) IS
'pointwise comparison: 1, 0 or NULL at every point';

CREATE FUNCTION timeline.ne(timeline.timeline, timeline.timeline)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_ne_pointwise'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.ne(timeline.timeline, timeline.timeline) IS
'pointwise comparison: 1 where the first is not equal the second, 0 where not, NULL where either is NULL';

CREATE FUNCTION timeline.timeline_ne_num(timeline.timeline, pg_catalog.float8)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_ne_num'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.timeline_ne_num(timeline.timeline, pg_catalog.float8) IS
'pointwise comparison with a number (not equal)';

CREATE FUNCTION timeline.timeline_num_ne(pg_catalog.float8, timeline.timeline)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_num_ne'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.timeline_num_ne(pg_catalog.float8, timeline.timeline) IS
'pointwise comparison of a number with a timeline (not equal)';

CREATE OPERATOR timeline.<> (
    LEFTARG = timeline.timeline,
    RIGHTARG = pg_catalog.float8,
    FUNCTION = timeline.timeline_ne_num,
    COMMUTATOR = OPERATOR(timeline.<>)
);
COMMENT ON OPERATOR timeline.<> (timeline.timeline, pg_catalog.float8) IS
'pointwise comparison: 1, 0 or NULL at every point';

CREATE OPERATOR timeline.<> (
    LEFTARG = pg_catalog.float8,
    RIGHTARG = timeline.timeline,
    FUNCTION = timeline.timeline_num_ne,
    COMMUTATOR = OPERATOR(timeline.<>)
);
COMMENT ON OPERATOR timeline.<> (pg_catalog.float8, timeline.timeline) IS
'pointwise comparison: 1, 0 or NULL at every point';

CREATE FUNCTION timeline.ge(timeline.timeline, timeline.timeline)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_ge'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.ge(timeline.timeline, timeline.timeline) IS
'pointwise comparison: 1 where the first is greater than or equal the second, 0 where not, NULL where either is NULL';

CREATE FUNCTION timeline.timeline_ge_num(timeline.timeline, pg_catalog.float8)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_ge_num'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.timeline_ge_num(timeline.timeline, pg_catalog.float8) IS
'pointwise comparison with a number (greater than or equal)';

CREATE FUNCTION timeline.timeline_num_ge(pg_catalog.float8, timeline.timeline)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_num_ge'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.timeline_num_ge(pg_catalog.float8, timeline.timeline) IS
'pointwise comparison of a number with a timeline (greater than or equal)';

CREATE OPERATOR timeline.>= (
    LEFTARG = timeline.timeline,
    RIGHTARG = pg_catalog.float8,
    FUNCTION = timeline.timeline_ge_num,
    COMMUTATOR = OPERATOR(timeline.<=)
);
COMMENT ON OPERATOR timeline.>= (timeline.timeline, pg_catalog.float8) IS
'pointwise comparison: 1, 0 or NULL at every point';

CREATE OPERATOR timeline.>= (
    LEFTARG = pg_catalog.float8,
    RIGHTARG = timeline.timeline,
    FUNCTION = timeline.timeline_num_ge,
    COMMUTATOR = OPERATOR(timeline.<=)
);
COMMENT ON OPERATOR timeline.>= (pg_catalog.float8, timeline.timeline) IS
'pointwise comparison: 1, 0 or NULL at every point';

CREATE FUNCTION timeline.gt(timeline.timeline, timeline.timeline)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_gt'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.gt(timeline.timeline, timeline.timeline) IS
'pointwise comparison: 1 where the first is greater than the second, 0 where not, NULL where either is NULL';

CREATE FUNCTION timeline.timeline_gt_num(timeline.timeline, pg_catalog.float8)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_gt_num'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.timeline_gt_num(timeline.timeline, pg_catalog.float8) IS
'pointwise comparison with a number (greater than)';

CREATE FUNCTION timeline.timeline_num_gt(pg_catalog.float8, timeline.timeline)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_num_gt'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.timeline_num_gt(pg_catalog.float8, timeline.timeline) IS
'pointwise comparison of a number with a timeline (greater than)';

CREATE OPERATOR timeline.> (
    LEFTARG = timeline.timeline,
    RIGHTARG = pg_catalog.float8,
    FUNCTION = timeline.timeline_gt_num,
    COMMUTATOR = OPERATOR(timeline.<)
);
COMMENT ON OPERATOR timeline.> (timeline.timeline, pg_catalog.float8) IS
'pointwise comparison: 1, 0 or NULL at every point';

CREATE OPERATOR timeline.> (
    LEFTARG = pg_catalog.float8,
    RIGHTARG = timeline.timeline,
    FUNCTION = timeline.timeline_num_gt,
    COMMUTATOR = OPERATOR(timeline.<)
);
COMMENT ON OPERATOR timeline.> (pg_catalog.float8, timeline.timeline) IS
'pointwise comparison: 1, 0 or NULL at every point';

--
-- Filtering and combining
--
CREATE FUNCTION timeline.aggregate_at_points(tl timeline.timeline, aggregate pg_catalog.text)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_aggregate_at_points'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.aggregate_at_points(timeline.timeline, pg_catalog.text) IS
'discrete: the lifetime aggregate at each point of tl; equals observe(aggregate(tl), tl)';

CREATE FUNCTION timeline.aggregate_at_points(tl timeline.timeline, aggregate pg_catalog.text, width pg_catalog.interval)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_aggregate_at_points_trailing'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.aggregate_at_points(timeline.timeline, pg_catalog.text, pg_catalog.interval) IS
'discrete: the trailing-window aggregate at each point of tl; equals observe(aggregate(tl, width), tl)';

CREATE FUNCTION timeline.aggregate_at_points(tl timeline.timeline, aggregate pg_catalog.text,
                                             reset timeline.timeline, periods pg_catalog.int4 DEFAULT 1)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_aggregate_at_points_since'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.aggregate_at_points(timeline.timeline, pg_catalog.text, timeline.timeline, pg_catalog.int4) IS
'discrete: the aggregate over the last periods reset periods at each point of tl; equals observe(aggregate(tl, reset, periods), tl)';

CREATE FUNCTION timeline.aggregate_at_times(tl timeline.timeline, aggregate pg_catalog.text, times pg_catalog.timestamptz[])
RETURNS pg_catalog.float8[]
AS 'MODULE_PATHNAME', 'timeline_aggregate_at_times'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.aggregate_at_times(timeline.timeline, pg_catalog.text, pg_catalog.timestamptz[]) IS
'the lifetime aggregate as of each element of times; equals values_at(aggregate(tl), times)';

CREATE FUNCTION timeline.aggregate_at_times(tl timeline.timeline, aggregate pg_catalog.text, width pg_catalog.interval,
                                            times pg_catalog.timestamptz[])
RETURNS pg_catalog.float8[]
AS 'MODULE_PATHNAME', 'timeline_aggregate_at_times_trailing'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.aggregate_at_times(timeline.timeline, pg_catalog.text, pg_catalog.interval, pg_catalog.timestamptz[]) IS
'the trailing-window aggregate as of each element of times; equals values_at(aggregate(tl, width), times)';

CREATE FUNCTION timeline.read_at_times(ids pg_catalog.int8[], times pg_catalog.timestamptz[],
                                       ends pg_catalog.timestamptz[], reads pg_catalog.text[],
                                       aggregates pg_catalog.text[], widths pg_catalog.interval[],
                                       states pg_catalog.int4[], VARIADIC timelines "any")
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'timeline_read_at_times'
LANGUAGE C STABLE PARALLEL SAFE ROWS 10;
COMMENT ON FUNCTION timeline.read_at_times(pg_catalog.int8[], pg_catalog.timestamptz[], pg_catalog.timestamptz[], pg_catalog.text[], pg_catalog.text[], pg_catalog.interval[], pg_catalog.int4[], "any") IS
'one row per element of ids: the id and one float8 per read (value, value_at_ends, at, between) of timelines[states[c]]; needs a column list';

CREATE FUNCTION timeline.observe_support(pg_catalog.internal)
RETURNS pg_catalog.internal
AS 'MODULE_PATHNAME', 'timeline_observe_support'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.observe_support(pg_catalog.internal) IS
'planner support for observe: observe(aggregate(tl, ...), tl) becomes aggregate_at_points(tl, ...)';

CREATE FUNCTION timeline.observe(timeline.timeline, "at" timeline.timeline)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_observe'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
SUPPORT timeline.observe_support;
COMMENT ON FUNCTION timeline.observe(timeline.timeline, timeline.timeline) IS
'discrete: at each point of at, the value of tl there (as of, for a continuous tl)';

CREATE FUNCTION timeline.filter(timeline.timeline, predicate timeline.timeline)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_filter'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.filter(timeline.timeline, timeline.timeline) IS
'discrete: the positions where predicate is true (NULL is false), with the value of tl there';

CREATE FUNCTION timeline.fill_nulls(timeline.timeline, fill timeline.timeline)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_fill_nulls'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.fill_nulls(timeline.timeline, timeline.timeline) IS
'the value of tl, or of fill where tl is NULL, at every position of either';

CREATE FUNCTION timeline.fill_nulls(timeline.timeline, fill pg_catalog.float8)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_fill_nulls_num'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.fill_nulls(timeline.timeline, pg_catalog.float8) IS
'the value of tl, or the number where tl is NULL';

CREATE FUNCTION timeline.is_valid(timeline.timeline)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_is_valid'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.is_valid(timeline.timeline) IS
'1 where the value is not NULL, 0 where it is; same positions and kind';

--
-- Time: ticks, lag, gaps and forward-only shifts (SEMANTICS.md s4, s6)
--
CREATE FUNCTION timeline.ticks("from" pg_catalog.timestamptz, "to" pg_catalog.timestamptz, step pg_catalog.interval)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_ticks'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.ticks(pg_catalog.timestamptz, pg_catalog.timestamptz, pg_catalog.interval) IS
'discrete 1s at 2000-01-01 UTC + n * step within [from, to], after every other point of their instant';

CREATE FUNCTION timeline.ticks("from" pg_catalog.timestamptz, "to" pg_catalog.timestamptz, step pg_catalog.interval, origin pg_catalog.timestamptz)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_ticks'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.ticks(pg_catalog.timestamptz, pg_catalog.timestamptz, pg_catalog.interval, pg_catalog.timestamptz) IS
'discrete 1s at origin + n * step within [from, to] (month steps on the UTC calendar)';

CREATE FUNCTION timeline.lag(timeline.timeline, n pg_catalog.int4)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_lag'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.lag(timeline.timeline, pg_catalog.int4) IS
'continuous: at every point, the n-th previous non-NULL value';

CREATE FUNCTION timeline.seconds_since_previous(timeline.timeline)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_seconds_since_previous'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.seconds_since_previous(timeline.timeline) IS
'discrete: at every point, seconds since the previous point (NULL at the first)';

CREATE FUNCTION timeline.shift_by(timeline.timeline, d pg_catalog.interval)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_shift_by'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.shift_by(timeline.timeline, pg_catalog.interval) IS
'discrete: every point moved to time + d; d must not be negative';

CREATE FUNCTION timeline.shift_until(timeline.timeline, predicate timeline.timeline)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_shift_until'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.shift_until(timeline.timeline, timeline.timeline) IS
'discrete: each point held until the first position at or after it where predicate is true';

CREATE FUNCTION timeline.shift_to(timeline.timeline, t pg_catalog.timestamptz)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_shift_to'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.shift_to(timeline.timeline, pg_catalog.timestamptz) IS
'discrete: every point moved to the fixed time t; a point after t is an error';

--
-- Feature catalog: sources, versioned features, feature sets and training
-- sets.  The tables are the extension's configuration (pg_dump dumps their
-- rows); everyone may read them and add rows through the functions below,
-- nobody but their owner may change or delete a row, and a trigger stamps
-- who added it and when.  Relations are kept by schema and name, not
-- regclass, so pg_upgrade accepts the tables.
--

CREATE FUNCTION timeline.check_expression(relation pg_catalog.regclass, expression pg_catalog.text,
                                          what pg_catalog.text DEFAULT 'the expression')
RETURNS pg_catalog.regtype
AS 'MODULE_PATHNAME', 'timeline_check_expression'
LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION timeline.check_expression(pg_catalog.regclass, pg_catalog.text, pg_catalog.text) IS
'validates a single non-volatile row expression over relation (aliased src) and returns its type';

CREATE FUNCTION timeline.check_name(kind pg_catalog.text, name pg_catalog.text)
RETURNS pg_catalog.text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF name IS NULL OR name !~ '^[A-Za-z_][A-Za-z0-9_]*$' OR length(name) > 63 THEN
        RAISE EXCEPTION 'invalid % name: %', kind, coalesce(quote_literal(name), 'NULL')
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'A name is a letter or underscore followed by letters, digits or underscores, at most 63 characters.',
                  HINT = 'Names become column names of training sets, so they follow SQL identifier rules.';
    END IF;
    RETURN name;
END;
$$;
COMMENT ON FUNCTION timeline.check_name(pg_catalog.text, pg_catalog.text) IS
'internal: returns name if it is a valid source, feature or feature set name, else raises 22023';

CREATE FUNCTION timeline.stamp_change()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    -- the table's owner (a restore by pg_dump, typically) keeps the stamps it
    -- gives; everyone else is stamped, so attribution cannot be forged
    IF NEW.created_at IS NULL OR NEW.created_by IS NULL
       OR NOT pg_has_role(current_user, (SELECT c.relowner FROM pg_class c WHERE c.oid = TG_RELID), 'USAGE') THEN
        NEW.created_at := pg_catalog.now();
        NEW.created_by := current_user;
    END IF;
    RETURN NEW;
END;
$$;
COMMENT ON FUNCTION timeline.stamp_change() IS
'internal: trigger that records who added a catalog row and when (rows restored by the table''s owner keep theirs)';

CREATE TABLE timeline.source_def (
    name pg_catalog.text PRIMARY KEY
        CHECK (name ~ '^[A-Za-z_][A-Za-z0-9_]*$' AND length(name) <= 63),
    relation_schema pg_catalog.name NOT NULL,
    relation_name pg_catalog.name NOT NULL,
    entity_column pg_catalog.name NOT NULL,
    time_column pg_catalog.name NOT NULL,
    seq_column pg_catalog.name,
    created_at pg_catalog.timestamptz NOT NULL,
    created_by pg_catalog.name NOT NULL
);
COMMENT ON TABLE timeline.source_def IS
'event tables registered as feature sources (entity, time and optional seq column); read through timeline.sources';

CREATE TABLE timeline.feature_def (
    name pg_catalog.text NOT NULL
        CHECK (name ~ '^[A-Za-z_][A-Za-z0-9_]*$' AND length(name) <= 63),
    version pg_catalog.int4 NOT NULL CHECK (version >= 1),
    source pg_catalog.text NOT NULL REFERENCES timeline.source_def (name),
    aggregate pg_catalog.text NOT NULL
        CHECK (aggregate IN ('count', 'count_if', 'sum', 'mean', 'min', 'max', 'first', 'last',
                             'var_samp', 'var_pop', 'stddev_samp', 'stddev_pop')),
    value_expression pg_catalog.text,
    window_kind pg_catalog.text NOT NULL CHECK (window_kind IN ('lifetime', 'trailing', 'since')),
    window_width pg_catalog.interval,
    window_predicate pg_catalog.text,
    filter pg_catalog.text,
    description pg_catalog.text,
    owner pg_catalog.text,
    created_at pg_catalog.timestamptz NOT NULL,
    created_by pg_catalog.name NOT NULL,
    PRIMARY KEY (name, version),
    CHECK ((window_kind = 'trailing') = (window_width IS NOT NULL)),
    CHECK ((window_kind = 'since') = (window_predicate IS NOT NULL))
);
COMMENT ON TABLE timeline.feature_def IS
'every version of every feature definition, never changed once written; read through timeline.features and timeline.feature_versions';

CREATE TABLE timeline.feature_set_def (
    name pg_catalog.text PRIMARY KEY
        CHECK (name ~ '^[A-Za-z_][A-Za-z0-9_]*$' AND length(name) <= 63),
    description pg_catalog.text,
    time_zone pg_catalog.text NOT NULL,
    created_at pg_catalog.timestamptz NOT NULL,
    created_by pg_catalog.name NOT NULL
);
COMMENT ON TABLE timeline.feature_set_def IS
'named lists of feature versions; read through timeline.feature_sets';

CREATE TABLE timeline.feature_set_member (
    feature_set pg_catalog.text NOT NULL REFERENCES timeline.feature_set_def (name),
    position pg_catalog.int4 NOT NULL,
    feature pg_catalog.text NOT NULL,
    version pg_catalog.int4 NOT NULL,
    created_at pg_catalog.timestamptz NOT NULL,
    created_by pg_catalog.name NOT NULL,
    PRIMARY KEY (feature_set, position),
    UNIQUE (feature_set, feature),
    FOREIGN KEY (feature, version) REFERENCES timeline.feature_def (name, version)
);
COMMENT ON TABLE timeline.feature_set_member IS
'the feature versions of each feature set, in column order';

CREATE TABLE timeline.training_set_def (
    target_schema pg_catalog.name NOT NULL,
    target_name pg_catalog.name NOT NULL,
    feature_set pg_catalog.text NOT NULL REFERENCES timeline.feature_set_def (name),
    spine pg_catalog.text NOT NULL,
    entity_column pg_catalog.name NOT NULL,
    time_column pg_catalog.name NOT NULL,
    label pg_catalog.text,
    horizon pg_catalog.interval,
    incomplete_labels pg_catalog.text NOT NULL,
    created_at pg_catalog.timestamptz NOT NULL,
    created_by pg_catalog.name NOT NULL,
    PRIMARY KEY (target_schema, target_name)
);
COMMENT ON TABLE timeline.training_set_def IS
'how each training set table was made, for timeline.check_training_set';

CREATE TRIGGER stamp BEFORE INSERT ON timeline.source_def
    FOR EACH ROW EXECUTE FUNCTION timeline.stamp_change();
CREATE TRIGGER stamp BEFORE INSERT ON timeline.feature_def
    FOR EACH ROW EXECUTE FUNCTION timeline.stamp_change();
CREATE TRIGGER stamp BEFORE INSERT ON timeline.feature_set_def
    FOR EACH ROW EXECUTE FUNCTION timeline.stamp_change();
CREATE TRIGGER stamp BEFORE INSERT ON timeline.feature_set_member
    FOR EACH ROW EXECUTE FUNCTION timeline.stamp_change();
CREATE TRIGGER stamp BEFORE INSERT ON timeline.training_set_def
    FOR EACH ROW EXECUTE FUNCTION timeline.stamp_change();

GRANT SELECT, INSERT ON timeline.source_def, timeline.feature_def, timeline.feature_set_def,
    timeline.feature_set_member TO PUBLIC;
-- everyone reads; a row is added by its maker for a table of theirs, and
-- deleted (create_training_set replaces it) by its maker or by the owner of
-- its table, or by anyone once the table is gone
ALTER TABLE timeline.training_set_def ENABLE ROW LEVEL SECURITY;
CREATE FUNCTION timeline.may_record_training_set(target_schema pg_catalog.name,
                                                 target_name pg_catalog.name)
RETURNS pg_catalog.bool
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT NOT EXISTS (SELECT 1 FROM pg_catalog.pg_class c
                       JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                       WHERE n.nspname = target_schema AND c.relname = target_name
                         AND NOT pg_catalog.pg_has_role(current_user, c.relowner, 'MEMBER'))
$$;
COMMENT ON FUNCTION timeline.may_record_training_set(pg_catalog.name, pg_catalog.name) IS
'internal: whether the current user may record or replace the training set of a table (none by that name, or one of a role they belong to)';
CREATE POLICY read ON timeline.training_set_def FOR SELECT USING (true);
-- added only for a table that exists (create_training_set has just made
-- it) and belongs to a role of the adder: a record for a name nobody has
-- taken yet would describe whatever table someone creates there later
CREATE POLICY add ON timeline.training_set_def FOR INSERT
    WITH CHECK (created_by = current_user
                AND pg_catalog.to_regclass(pg_catalog.format('%I.%I', target_schema, target_name)) IS NOT NULL
                AND timeline.may_record_training_set(target_schema, target_name));
CREATE POLICY remove ON timeline.training_set_def FOR DELETE
    USING (created_by = current_user
           OR EXISTS (SELECT 1 FROM pg_catalog.pg_roles r WHERE r.rolname = created_by
                        AND pg_catalog.pg_has_role(current_user, r.oid, 'MEMBER'))
           OR timeline.may_record_training_set(target_schema, target_name));
GRANT SELECT, INSERT, DELETE ON timeline.training_set_def TO PUBLIC;
-- a feature's name belongs to the role that defined its first version: only
-- that role (or a member of it) adds later versions, which readers of the
-- bare name then get; anyone may define a new name
ALTER TABLE timeline.feature_def ENABLE ROW LEVEL SECURITY;
CREATE FUNCTION timeline.feature_name_owner(feature pg_catalog.text)
RETURNS pg_catalog.name
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT d.created_by FROM timeline.feature_def d WHERE d.name = feature
     ORDER BY d.version LIMIT 1
$$;
COMMENT ON FUNCTION timeline.feature_name_owner(pg_catalog.text) IS
'internal: the role that defined the first version of a feature (NULL for a new name)';
CREATE FUNCTION timeline.may_add_feature_version(feature pg_catalog.text)
RETURNS pg_catalog.bool
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT o IS NULL
           OR EXISTS (SELECT 1 FROM pg_catalog.pg_roles r
                      WHERE r.rolname = o AND pg_catalog.pg_has_role(current_user, r.oid, 'MEMBER'))
    FROM timeline.feature_name_owner(feature) AS o
$$;
COMMENT ON FUNCTION timeline.may_add_feature_version(pg_catalog.text) IS
'internal: whether the current user may add a version of a feature (a new name, or one whose first version a role of theirs defined)';
CREATE POLICY read ON timeline.feature_def FOR SELECT USING (true);
CREATE POLICY add ON timeline.feature_def FOR INSERT
    WITH CHECK (timeline.may_add_feature_version(name));
-- feature sets do not change: members are added only with their set, in
-- the transaction and by the role that created it (create_feature_set)
ALTER TABLE timeline.feature_set_member ENABLE ROW LEVEL SECURITY;
CREATE POLICY read ON timeline.feature_set_member FOR SELECT USING (true);
CREATE POLICY add ON timeline.feature_set_member FOR INSERT
    WITH CHECK (EXISTS (SELECT 1 FROM timeline.feature_set_def d
                        WHERE d.name = feature_set AND d.created_by = current_user
                          AND d.created_at = pg_catalog.now()));

SELECT pg_catalog.pg_extension_config_dump('timeline.source_def', '');
SELECT pg_catalog.pg_extension_config_dump('timeline.feature_def', '');
SELECT pg_catalog.pg_extension_config_dump('timeline.feature_set_def', '');
SELECT pg_catalog.pg_extension_config_dump('timeline.feature_set_member', '');
SELECT pg_catalog.pg_extension_config_dump('timeline.training_set_def', '');

-- a relation by schema and name, whoever asks
CREATE FUNCTION timeline.relation_named(schema_name pg_catalog.name, relation_name pg_catalog.name)
RETURNS pg_catalog.regclass
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE      -- keeps its plan (equality_operator)
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN (SELECT c.oid::pg_catalog.regclass FROM pg_catalog.pg_class c
              JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = schema_name AND c.relname = relation_name);
END;
$$;
COMMENT ON FUNCTION timeline.relation_named(pg_catalog.name, pg_catalog.name) IS
'internal: the relation of a schema and a name, read from the catalogs (to_regclass fails without USAGE on the schema: a reader of the catalog, or the DDL of any role, must not)';

-- the type of a column as format_type spells it (a source's entity: state
-- tables, change logs, feature sets' entity column); NULL when the
-- relation or the column is gone
CREATE FUNCTION timeline.column_type(relation pg_catalog.regclass, column_name pg_catalog.name)
RETURNS pg_catalog.text
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE      -- keeps its plan (equality_operator)
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN (SELECT format_type(a.atttypid, a.atttypmod) FROM pg_catalog.pg_attribute a
             WHERE a.attrelid = relation AND a.attname = column_name AND NOT a.attisdropped);
END;
$$;
COMMENT ON FUNCTION timeline.column_type(pg_catalog.regclass, pg_catalog.name) IS
'internal: the type of a column of a relation, as format_type spells it (NULL when it is gone)';

-- " COLLATE schema.name" for a collation, always schema-qualified: the
-- SQL built with it may run under the caller's search_path, where a schema
-- of theirs listed before pg_catalog could hold a collation named "C"
-- (column_collation, spine_entity_sql)
CREATE FUNCTION timeline.collate_clause(collation_oid pg_catalog.oid)
RETURNS pg_catalog.text
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT pg_catalog.format(' COLLATE %I.%I', n.nspname, c.collname)
      FROM pg_catalog.pg_collation c
      JOIN pg_catalog.pg_namespace n ON n.oid = c.collnamespace
     WHERE c.oid = collation_oid
$$;
COMMENT ON FUNCTION timeline.collate_clause(pg_catalog.oid) IS
'internal: a schema-qualified COLLATE clause naming a collation';

-- the collation of a column where it is not its type's, as a COLLATE
-- clause ('' otherwise; NULL when the column is gone): a source's entity
-- column under a nondeterministic collation ('A' = 'a') keeps it in the
-- state and log tables and where the work tables are grouped, so the
-- state holds one entity where feature_timelines' GROUP BY sees one (the
-- default collation split them: refresh failed with 55000 forever and
-- current read nothing for 'A'; found by a helper's bug hunt).  Named:
-- its type's too, where an entity meets another source's under another
-- collation (entity_join_sql, verify); schema-qualified (collate_clause)
CREATE FUNCTION timeline.column_collation(relation pg_catalog.regclass, column_name pg_catalog.name,
    named pg_catalog.bool DEFAULT false)
RETURNS pg_catalog.text
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE      -- keeps its plan (equality_operator)
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN (SELECT CASE WHEN a.attcollation <> 0 AND (named OR a.attcollation <> t.typcollation)
                        THEN timeline.collate_clause(a.attcollation) ELSE '' END
              FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
             WHERE a.attrelid = relation AND a.attname = column_name AND NOT a.attisdropped);
END;
$$;
COMMENT ON FUNCTION timeline.column_collation(pg_catalog.regclass, pg_catalog.name, pg_catalog.bool) IS
'internal: a COLLATE clause naming a column''s collation where it is not its type''s, or any it has when named ('''' otherwise)';

-- the equality of an entity type, spelled with its schema: that of its
-- (or its domain's base type's) default btree operator class, which is the
-- equality GROUP BY, DISTINCT and the state's primary key use, wherever it
-- lives; pg_catalog's otherwise (arrays, records, enums and ranges, whose
-- classes are polymorphic).  The statements of materialization run with
-- search_path = pg_catalog, where a bare = between two citext entities is
-- text's, by citext's implicit cast: 'X@a.org' and 'x@a.org' were one
-- entity to the GROUP BY and two to every join (wrong sums in both modes,
-- current reading NULL for one spelling; found by a helper's bug hunt)
CREATE FUNCTION timeline.equality_operator(entity_type pg_catalog.regtype)
RETURNS pg_catalog.text
-- C (src/sql_build.c), reading the type cache: every immediate-mode
-- statement and refresh asks, and the catalog query took 0.3 ms of each
AS 'MODULE_PATHNAME', 'timeline_equality_operator'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.equality_operator(pg_catalog.regtype) IS
'internal: OPERATOR(schema.=), the equality of an entity type''s default btree operator class (pg_catalog''s if none of its own)';

CREATE FUNCTION timeline.source_relation(source pg_catalog.text,
    OUT relation pg_catalog.regclass, OUT entity_column pg_catalog.name,
    OUT time_column pg_catalog.name, OUT seq_column pg_catalog.name)
LANGUAGE plpgsql STABLE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    s timeline.source_def;
BEGIN
    SELECT * INTO s FROM timeline.source_def d WHERE d.name = source;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'source % does not exist', quote_literal(source)
            USING ERRCODE = 'undefined_object',
                  HINT = 'Register it with timeline.create_source; timeline.sources lists the registered ones.';
    END IF;
    relation := timeline.relation_named(s.relation_schema, s.relation_name);
    IF relation IS NULL THEN
        RAISE EXCEPTION 'relation %.% of source % does not exist',
                quote_ident(s.relation_schema), quote_ident(s.relation_name), quote_literal(source)
            USING ERRCODE = 'undefined_table',
                  HINT = 'A source follows its relation by schema and name; recreate the relation or register a new source.';
    END IF;
    entity_column := s.entity_column;
    time_column := s.time_column;
    seq_column := s.seq_column;
END;
$$;
COMMENT ON FUNCTION timeline.source_relation(pg_catalog.text) IS
'internal: the relation and columns of a registered source, with clear errors when either is gone';

-- the types a source's time and seq columns must have, at registration
-- (create_source), at every compile (checked_source) and at DDL of a
-- materialized source (check_source_ddl): times are absolute, seqs are
-- read as int8 exactly.  NULL for no type (a column gone)
CREATE FUNCTION timeline.source_column_type_ok(role pg_catalog.text, typ pg_catalog.oid)
RETURNS pg_catalog.bool
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT CASE role WHEN 'time' THEN typ = 'timestamptz'::pg_catalog.regtype
                     WHEN 'seq' THEN typ IN ('int2'::pg_catalog.regtype, 'int4'::pg_catalog.regtype,
                                             'int8'::pg_catalog.regtype) END
$$;
COMMENT ON FUNCTION timeline.source_column_type_ok(pg_catalog.text, pg_catalog.oid) IS
'internal: whether a type is one a source''s time (''time'') or seq (''seq'') column may have';

CREATE FUNCTION timeline.create_source(name pg_catalog.text, relation pg_catalog.regclass,
    entity_column pg_catalog.name, time_column pg_catalog.name,
    seq_column pg_catalog.name DEFAULT NULL, create_index pg_catalog.bool DEFAULT false)
RETURNS pg_catalog.text
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    rel_kind "char";
    rel_persistence "char";
    rel_schema name;
    rel_name name;
    col record;
    entity_attnum int2;
    time_attnum int2;
    old timeline.source_def;
BEGIN
    PERFORM timeline.check_name('source', name);
    IF relation IS NULL OR entity_column IS NULL OR time_column IS NULL THEN
        RAISE EXCEPTION 'relation, entity_column and time_column must not be NULL'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    SELECT c.relkind, c.relpersistence, n.nspname, c.relname INTO rel_kind, rel_persistence, rel_schema, rel_name
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = relation;
    IF rel_kind NOT IN ('r', 'p', 'v', 'm', 'f') THEN
        RAISE EXCEPTION '% is not a table, view or materialized view', relation
            USING ERRCODE = 'wrong_object_type';
    END IF;
    -- the catalog outlives the session; a source kept as pg_temp_3.name
    -- would read whatever table of that name a later session makes there
    IF rel_persistence = 't' THEN
        RAISE EXCEPTION '% is a temporary relation', relation
            USING ERRCODE = 'wrong_object_type',
                  DETAIL = 'The catalog outlives the session, and a source follows its relation by schema and name.',
                  HINT = 'Register a permanent or unlogged table, or a view over one.';
    END IF;
    -- SELECT on the table or on its entity, time and seq columns (checked
    -- below): column grants are enough, as for a query that reads only those
    IF NOT has_any_column_privilege(relation, 'SELECT') THEN
        RAISE EXCEPTION 'permission denied for relation %', relation
            USING ERRCODE = 'insufficient_privilege',
                  DETAIL = 'Registering a source needs SELECT on its entity, time and seq columns.';
    END IF;

    -- each column must exist and have a usable type
    FOR col IN
        SELECT r.role, a.attnum, a.atttypid
          FROM (VALUES ('entity', entity_column), ('time', time_column), ('seq', seq_column)) AS r(role, colname)
          LEFT JOIN pg_attribute a
            ON a.attrelid = relation AND a.attname = r.colname AND a.attnum > 0 AND NOT a.attisdropped
         WHERE r.colname IS NOT NULL
    LOOP
        IF col.attnum IS NULL THEN
            RAISE EXCEPTION 'column % of relation % does not exist',
                    quote_ident(CASE col.role WHEN 'entity' THEN entity_column
                                              WHEN 'time' THEN time_column ELSE seq_column END), relation
                USING ERRCODE = 'undefined_column';
        END IF;
        IF NOT has_column_privilege(relation, col.attnum, 'SELECT') THEN
            RAISE EXCEPTION 'permission denied for column % of relation %',
                    quote_ident(CASE col.role WHEN 'entity' THEN entity_column
                                              WHEN 'time' THEN time_column ELSE seq_column END), relation
                USING ERRCODE = 'insufficient_privilege',
                      DETAIL = 'Registering a source needs SELECT on its entity, time and seq columns.';
        END IF;
        IF col.role = 'time' AND NOT timeline.source_column_type_ok('time', col.atttypid) THEN
            RAISE EXCEPTION 'time column % of % has type %, not timestamp with time zone',
                    quote_ident(time_column), relation, format_type(col.atttypid, NULL)
                USING ERRCODE = 'datatype_mismatch',
                      HINT = 'Event times must be absolute; register a view that converts it, such as ts AT TIME ZONE ''UTC''.';
        ELSIF col.role = 'seq' AND NOT timeline.source_column_type_ok('seq', col.atttypid) THEN
            RAISE EXCEPTION 'seq column % of % has type %, not an integer type',
                    quote_ident(seq_column), relation, format_type(col.atttypid, NULL)
                USING ERRCODE = 'datatype_mismatch',
                      HINT = 'The seq orders events that share a time; an event id is a good choice.';
        END IF;
        IF col.role = 'entity' THEN entity_attnum := col.attnum; END IF;
        IF col.role = 'time' THEN time_attnum := col.attnum; END IF;
    END LOOP;
    -- features group by the entity and feature sets join on it: a type
    -- without an equality to group by (json, xml, point, timeline, box,
    -- json[]) could never be used
    BEGIN
        EXECUTE format('SELECT 1 FROM %s AS src WHERE false GROUP BY src.%I', relation, entity_column);
    EXCEPTION WHEN undefined_function THEN
        RAISE EXCEPTION 'entity column % of % has type %, which cannot be grouped',
                quote_ident(entity_column), relation, timeline.column_type(relation, entity_column)
            USING ERRCODE = 'datatype_mismatch';
    END;

    -- a source is never redefined: the same definition again is a no-op
    -- (one registration at a time per name, so two at once give that too)
    PERFORM pg_advisory_xact_lock(hashtext('timeline.source_def'), hashtext(name));
    SELECT * INTO old FROM timeline.source_def d WHERE d.name = create_source.name;
    IF FOUND THEN
        IF (old.relation_schema, old.relation_name, old.entity_column, old.time_column, old.seq_column)
           IS NOT DISTINCT FROM (rel_schema, rel_name, entity_column, time_column, seq_column) THEN
            RETURN name;
        END IF;
        RAISE EXCEPTION 'source % already exists with another definition', quote_literal(name)
            USING ERRCODE = 'duplicate_object',
                  HINT = 'Sources are not redefined, since features depend on them; register it under a new name.';
    END IF;

    -- an index on (entity, time) serves the as-of join and per-entity reads
    IF rel_kind IN ('r', 'p', 'm') AND NOT EXISTS (
        SELECT 1 FROM pg_index i
         WHERE i.indrelid = relation AND i.indnkeyatts >= 2
           AND i.indkey[0] = entity_attnum AND i.indkey[1] = time_attnum) THEN
        IF create_index THEN
            EXECUTE format('CREATE INDEX ON %I.%I (%I, %I)', rel_schema, rel_name, entity_column, time_column);
            RAISE NOTICE 'created an index on %.% (%, %)', quote_ident(rel_schema), quote_ident(rel_name),
                quote_ident(entity_column), quote_ident(time_column);
        ELSE
            RAISE NOTICE 'relation % has no index on (%, %)', relation, quote_ident(entity_column), quote_ident(time_column)
                USING HINT = format('Point-in-time reads of one entity and the as-of join are faster with CREATE INDEX ON %I.%I (%I, %I), or pass create_index => true.',
                                    rel_schema, rel_name, entity_column, time_column);
        END IF;
    END IF;

    INSERT INTO timeline.source_def (name, relation_schema, relation_name, entity_column, time_column, seq_column)
    VALUES (name, rel_schema, rel_name, entity_column, time_column, seq_column);
    RETURN name;
END;
$$;
COMMENT ON FUNCTION timeline.create_source(pg_catalog.text, pg_catalog.regclass, pg_catalog.name, pg_catalog.name, pg_catalog.name, pg_catalog.bool) IS
'registers an event table (entity, time [, seq] columns) as a feature source, checking the columns and the (entity, time) index';

-- the relation and columns of a source whose time and seq columns still
-- have the types create_source checked, which the table may have lost
-- since (a timestamp was read in the computing session's zone, a text or
-- numeric seq was cast or rounded to int8); a column gone is reported by
-- the statement that reads it.  Once per compile (compile_parts), or once
-- for all the features of a set over one source (state_columns: at every
-- immediate-mode write, where each feature checking its source again cost
-- about 0.03 ms a feature)
CREATE FUNCTION timeline.checked_source(source pg_catalog.text,
    OUT relation pg_catalog.regclass, OUT entity_column pg_catalog.name,
    OUT time_column pg_catalog.name, OUT seq_column pg_catalog.name)
LANGUAGE plpgsql STABLE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    s record;
    typ regtype;
BEGIN
    s := timeline.source_relation(source);
    SELECT a.atttypid INTO typ FROM pg_attribute a
     WHERE a.attrelid = s.relation AND a.attname = s.time_column AND a.attnum > 0 AND NOT a.attisdropped;
    IF NOT timeline.source_column_type_ok('time', typ) THEN
        RAISE EXCEPTION 'time column % of source % has type %, not timestamp with time zone',
                quote_ident(s.time_column), quote_literal(source), format_type(typ, NULL)
            USING ERRCODE = 'datatype_mismatch',
                  HINT = 'The table changed after the source was registered; register a view that converts it, such as ts AT TIME ZONE ''UTC'', as a new source.';
    END IF;
    typ := NULL;
    SELECT a.atttypid INTO typ FROM pg_attribute a
     WHERE a.attrelid = s.relation AND a.attname = s.seq_column AND a.attnum > 0 AND NOT a.attisdropped;
    IF NOT timeline.source_column_type_ok('seq', typ) THEN
        RAISE EXCEPTION 'seq column % of source % has type %, not an integer type',
                quote_ident(s.seq_column), quote_literal(source), format_type(typ, NULL)
            USING ERRCODE = 'datatype_mismatch',
                  HINT = 'The table changed after the source was registered.';
    END IF;
    relation := s.relation;
    entity_column := s.entity_column;
    time_column := s.time_column;
    seq_column := s.seq_column;
END;
$$;
COMMENT ON FUNCTION timeline.checked_source(pg_catalog.text) IS
'internal: the relation and columns of a registered source, after checking that its time and seq columns keep their types';

-- the per-entity timeline_agg expressions of one aggregate definition over
-- a checked source (checked_source): the points, and the resets of a since
-- window, validating each expression against the relation
CREATE FUNCTION timeline.compile_exprs(relation pg_catalog.regclass, time_column pg_catalog.name,
    seq_column pg_catalog.name, value_expression pg_catalog.text, window_kind pg_catalog.text,
    window_predicate pg_catalog.text, filter pg_catalog.text, what pg_catalog.text,
    OUT points pg_catalog.text, OUT reset pg_catalog.text)
LANGUAGE plpgsql STABLE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    typ regtype;
    seq_arg text := '';
    value_sql text;
BEGIN
    IF seq_column IS NOT NULL THEN
        seq_arg := format(', src.%I::pg_catalog.int8', seq_column);
    END IF;

    IF value_expression IS NULL THEN
        value_sql := '1::pg_catalog.float8';
    ELSE
        typ := timeline.check_expression(relation, value_expression, 'the value of ' || what);
        IF typ = 'boolean'::regtype THEN
            value_sql := format(E'(%s\n)', value_expression);
        ELSIF typ IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype, 'float4'::regtype,
                      'float8'::regtype, 'numeric'::regtype) THEN
            value_sql := format(E'(%s\n)::pg_catalog.float8', value_expression);
        ELSE
            RAISE EXCEPTION 'the value of % has type %, not a number or boolean', what, typ
                USING ERRCODE = 'datatype_mismatch',
                      HINT = 'Cast it in the expression, such as (price)::float8.';
        END IF;
    END IF;
    points := format('timeline.timeline_agg(src.%I, %s%s)', time_column, value_sql, seq_arg);

    IF filter IS NOT NULL THEN
        typ := timeline.check_expression(relation, filter, 'the filter of ' || what);
        IF typ <> 'boolean'::regtype THEN
            RAISE EXCEPTION 'the filter of % has type %, not boolean', what, typ
                USING ERRCODE = 'datatype_mismatch';
        END IF;
        points := points || format(E' FILTER (WHERE (%s\n))', filter);
    END IF;

    IF window_kind = 'since' THEN
        typ := timeline.check_expression(relation, window_predicate, 'the window predicate of ' || what);
        IF typ <> 'boolean'::regtype THEN
            RAISE EXCEPTION 'the window predicate of % has type %, not boolean', what, typ
                USING ERRCODE = 'datatype_mismatch';
        END IF;
        -- the reset timeline holds every row of the source, filtered or not
        reset := format(E'timeline.timeline_agg(src.%I, (%s\n)%s)', time_column, window_predicate, seq_arg);
    ELSIF window_kind NOT IN ('lifetime', 'trailing') THEN
        RAISE EXCEPTION 'unknown window kind %', window_kind;
    END IF;
END;
$$;
COMMENT ON FUNCTION timeline.compile_exprs(pg_catalog.regclass, pg_catalog.name, pg_catalog.name, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text) IS
'internal: the per-entity timeline_agg expressions (points, and resets of a since window) of one aggregate definition over a checked source, validating each expression';

CREATE FUNCTION timeline.compile_parts(source pg_catalog.text, aggregate pg_catalog.text,
    value_expression pg_catalog.text, window_kind pg_catalog.text, window_width pg_catalog.interval,
    window_predicate pg_catalog.text, filter pg_catalog.text, what pg_catalog.text,
    OUT points pg_catalog.text, OUT reset pg_catalog.text)
LANGUAGE plpgsql STABLE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    s record;
BEGIN
    s := timeline.checked_source(source);
    SELECT e.points, e.reset INTO points, reset
      FROM timeline.compile_exprs(s.relation, s.time_column, s.seq_column, value_expression,
                                  window_kind, window_predicate, filter, what) e;
END;
$$;
COMMENT ON FUNCTION timeline.compile_parts(pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.interval, pg_catalog.text, pg_catalog.text, pg_catalog.text) IS
'internal: the per-entity timeline_agg expressions (points, and resets of a since window) of one aggregate definition, validating the source and each expression';

CREATE FUNCTION timeline.compile_aggregate(source pg_catalog.text, aggregate pg_catalog.text,
    value_expression pg_catalog.text, window_kind pg_catalog.text, window_width pg_catalog.interval,
    window_predicate pg_catalog.text, filter pg_catalog.text, what pg_catalog.text)
RETURNS pg_catalog.text
LANGUAGE plpgsql STABLE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    p record;
BEGIN
    p := timeline.compile_parts(source, aggregate, value_expression, window_kind, window_width,
                                window_predicate, filter, what);
    IF window_kind = 'lifetime' THEN
        RETURN format('timeline.%I(%s)', aggregate, p.points);
    ELSIF window_kind = 'trailing' THEN
        RETURN format('timeline.%I(%s, %L::pg_catalog.interval)', aggregate, p.points, window_width);
    END IF;
    RETURN format('timeline.%I(%s, %s)', aggregate, p.points, p.reset);
END;
$$;
COMMENT ON FUNCTION timeline.compile_aggregate(pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.interval, pg_catalog.text, pg_catalog.text, pg_catalog.text) IS
'internal: the per-entity SQL expression (over the source aliased src, grouped by entity) of one aggregate definition, validating each expression';

CREATE FUNCTION timeline.parse_window(spec pg_catalog.text,
    OUT window_kind pg_catalog.text, OUT window_width pg_catalog.interval, OUT window_predicate pg_catalog.text)
LANGUAGE plpgsql STABLE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    m text[];
BEGIN
    IF spec IS NULL OR btrim(spec) = '' OR lower(btrim(spec)) = 'lifetime' THEN
        window_kind := 'lifetime';
        RETURN;
    END IF;
    -- an E'' string reads the same whatever standard_conforming_strings says
    m := regexp_match(spec, E'^\\s*since\\s*\\((.*)\\)\\s*$', 'i');
    IF m IS NOT NULL THEN
        window_kind := 'since';
        window_predicate := btrim(m[1]);
        RETURN;
    END IF;
    BEGIN
        window_width := spec::interval;
    EXCEPTION WHEN invalid_datetime_format OR datetime_field_overflow OR interval_field_overflow THEN
        window_width := NULL;
    END;
    IF window_width IS NULL THEN
        RAISE EXCEPTION 'invalid window: %', quote_literal(spec)
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'A window is ''lifetime'' (or NULL), a trailing interval such as ''30 days'', or since(<predicate on the source row>).';
    END IF;
    IF window_width <= interval '0' THEN
        RAISE EXCEPTION 'window width must be positive: %', quote_literal(spec)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    window_kind := 'trailing';
END;
$$;
COMMENT ON FUNCTION timeline.parse_window(pg_catalog.text) IS
'internal: reads a window: lifetime, a trailing interval or since(predicate)';

CREATE FUNCTION timeline.resolve_feature(ref pg_catalog.text, OUT name pg_catalog.text, OUT version pg_catalog.int4)
LANGUAGE plpgsql STABLE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    m text[];
BEGIN
    m := regexp_match(ref, '^([A-Za-z_][A-Za-z0-9_]*)(@([0-9]{1,9}))?$');
    IF m IS NULL THEN
        RAISE EXCEPTION 'invalid feature reference: %', coalesce(quote_literal(ref), 'NULL')
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Name a feature (its current version) or name@version.';
    END IF;
    name := m[1];
    IF m[3] IS NULL THEN
        SELECT max(d.version) INTO version FROM timeline.feature_def d WHERE d.name = m[1];
        IF version IS NULL THEN
            RAISE EXCEPTION 'feature % does not exist', quote_literal(name)
                USING ERRCODE = 'undefined_object',
                      HINT = 'timeline.features lists the defined features.';
        END IF;
    ELSE
        version := m[3]::int4;
        IF NOT EXISTS (SELECT 1 FROM timeline.feature_def d WHERE d.name = m[1] AND d.version = m[3]::int4) THEN
            RAISE EXCEPTION 'feature % has no version %', quote_literal(name), version
                USING ERRCODE = 'undefined_object',
                      HINT = 'timeline.feature_versions lists the versions of every feature.';
        END IF;
    END IF;
END;
$$;
COMMENT ON FUNCTION timeline.resolve_feature(pg_catalog.text) IS
'internal: resolves name or name@version to a feature version (a bare name is the current version)';

CREATE FUNCTION timeline.compile_feature(feature pg_catalog.text, version pg_catalog.int4)
RETURNS pg_catalog.text
LANGUAGE plpgsql STABLE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    f timeline.feature_def;
BEGIN
    SELECT * INTO f FROM timeline.feature_def d WHERE d.name = feature AND d.version = compile_feature.version;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'feature % has no version %', quote_literal(feature), version
            USING ERRCODE = 'undefined_object';
    END IF;
    RETURN timeline.compile_aggregate(f.source, f.aggregate, f.value_expression, f.window_kind,
                                      f.window_width, f.window_predicate, f.filter,
                                      format('feature %s@%s', f.name, f.version));
END;
$$;
COMMENT ON FUNCTION timeline.compile_feature(pg_catalog.text, pg_catalog.int4) IS
'internal: the per-entity SQL expression of one feature version';

CREATE FUNCTION timeline.feature_sql(feature pg_catalog.text)
RETURNS pg_catalog.text
LANGUAGE plpgsql STABLE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    f record;
    s record;
BEGIN
    f := timeline.resolve_feature(feature);
    s := timeline.source_relation((SELECT d.source FROM timeline.feature_def d
                                    WHERE d.name = f.name AND d.version = f.version));
    RETURN format(E'SELECT src.%I AS entity,\n       %s AS %I\nFROM %s AS src\nGROUP BY src.%I',
                  s.entity_column, timeline.compile_feature(f.name, f.version), f.name,
                  s.relation, s.entity_column);
END;
$$;
COMMENT ON FUNCTION timeline.feature_sql(pg_catalog.text) IS
'the SQL a feature (name or name@version) compiles to: one timeline per entity';

CREATE FUNCTION timeline.create_feature(name pg_catalog.text, source pg_catalog.text,
    aggregate pg_catalog.text, value_expression pg_catalog.text DEFAULT NULL,
    "window" pg_catalog.text DEFAULT NULL, filter pg_catalog.text DEFAULT NULL,
    description pg_catalog.text DEFAULT NULL, owner pg_catalog.text DEFAULT NULL)
RETURNS pg_catalog.int4
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    agg text := lower(aggregate);
    w record;
    s record;
    expr text;
    cur timeline.feature_def;
BEGIN
    PERFORM timeline.check_name('feature', name);
    -- feature names become columns beside others timeline adds, and
    -- materialization prefixes them with two characters
    IF name IN ('entity', 'last_time', 'label', 'label_complete') OR left(name, 9) = 'timeline_' OR length(name) > 61 THEN
        RAISE EXCEPTION 'invalid feature name: %', quote_literal(name)
            USING ERRCODE = 'invalid_name',
                  DETAIL = 'entity, last_time, label, label_complete and names starting with timeline_ are columns that timeline adds beside the features (feature_timelines, materialized states, training sets), and materialization prefixes feature names with two characters, so they have at most 61.',
                  HINT = 'Choose another name.';
    END IF;
    IF agg IS NULL OR agg NOT IN ('count', 'count_if', 'sum', 'mean', 'min', 'max', 'first', 'last',
                                  'var_samp', 'var_pop', 'stddev_samp', 'stddev_pop') THEN
        RAISE EXCEPTION 'unknown aggregate: %', coalesce(quote_literal(aggregate), 'NULL')
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Use one of count, count_if, sum, mean, min, max, first, last, var_samp, var_pop, stddev_samp, stddev_pop.';
    END IF;
    IF value_expression IS NULL AND agg <> 'count' THEN
        RAISE EXCEPTION 'aggregate % needs a value expression', agg
            USING ERRCODE = 'null_value_not_allowed',
                  HINT = 'Only count may omit it, to count the rows.';
    END IF;
    w := timeline.parse_window("window");
    s := timeline.source_relation(source);

    -- validate every expression, then plan the compiled SQL with the
    -- caller's rights, so a definition that cannot run is never stored
    expr := timeline.compile_aggregate(source, agg, value_expression, w.window_kind, w.window_width,
                                       w.window_predicate, filter, format('feature %s', name));
    EXECUTE format('SELECT %s FROM %s AS src WHERE false GROUP BY src.%I', expr, s.relation, s.entity_column);

    -- one version at a time per feature name
    PERFORM pg_advisory_xact_lock(hashtext('timeline.feature_def'), hashtext(name));
    SELECT * INTO cur FROM timeline.feature_def d WHERE d.name = create_feature.name
     ORDER BY d.version DESC LIMIT 1;
    -- widths compare by their text: '1 mon', '30 days' and '720 hours' are
    -- equal intervals but different windows (month ends, daylight saving)
    IF FOUND AND (cur.source, cur.aggregate, cur.value_expression, cur.window_kind, cur.window_width::text,
                  cur.window_predicate, cur.filter, cur.description, cur.owner)
                 IS NOT DISTINCT FROM
                 (source, agg, value_expression, w.window_kind, w.window_width::text,
                  w.window_predicate, filter, description, owner) THEN
        RETURN cur.version;     -- unchanged: redefining is idempotent
    END IF;
    IF FOUND AND NOT timeline.may_add_feature_version(name) THEN
        RAISE EXCEPTION 'feature % belongs to role %', quote_literal(name),
                        quote_ident(timeline.feature_name_owner(name))
            USING ERRCODE = 'insufficient_privilege',
                  DETAIL = 'New versions of a feature are added by the role that defined its first version, or by a member of that role: whoever reads the feature by its bare name gets the latest version.',
                  HINT = 'Define your feature under another name, or ask that role to add the version.';
    END IF;
    INSERT INTO timeline.feature_def (name, version, source, aggregate, value_expression, window_kind,
                                      window_width, window_predicate, filter, description, owner)
    VALUES (name, coalesce(cur.version, 0) + 1, source, agg, value_expression, w.window_kind,
            w.window_width, w.window_predicate, filter, description, owner);
    RETURN coalesce(cur.version, 0) + 1;
END;
$$;
COMMENT ON FUNCTION timeline.create_feature(pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text) IS
'defines a feature, or a new version of it when the definition changed; returns the version';

-- why the entity columns of these sources are not one kind of entity
-- (NULL when they are): 'type' when a source's entities would be compared
-- with an equality other than the one its GROUP BY groups them with once
-- cast to the set's type ('Ab' and 'aB', one citext entity, are two text
-- entities; two bigints round to one double), 'collation' when the columns'
-- collations differ and one of them is nondeterministic.  A domain is its
-- base type (its equality is the base type's).  Different base types are
-- one kind of entity only within a family of built-in types whose common
-- type holds each exactly and compares them as their own equality, in
-- whichever order a join meets them (feature_timelines joins in the set's
-- order, a materialization's read view in its sources'): integers and
-- numeric; text and varchar; inet and cidr (not date and timestamp: a
-- date after 294276 AD has no timestamp, and every read of the set failed
-- with 22008).  Not
-- char(n) or name with another type: each cast implicitly both ways with
-- text and varchar, so the first source's became the set's type or the
-- join's equality (varchar 'a ' and 'a' both met char(n) 'a' under bpchar's
-- =; text 'a ' and 'a' were two rows of the read view's char(n) entity 'a',
-- and verify failed with 21000; two long texts were one name entity).  Not
-- timestamp with timestamptz, which meet through the session's time zone
-- (two timestamps of a spring-forward gap met one timestamptz), nor
-- floating point, arrays or other types of pg_catalog with another type,
-- nor another schema's types (citext).  Deterministic collations all
-- compare bytes for equality: the join names the first source's
-- (entity_join_sql)
CREATE FUNCTION timeline.entity_mismatch(sources pg_catalog.text[])
RETURNS pg_catalog.text
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    WITH RECURSIVE c AS (
        SELECT a.atttypid AS typ, a.attcollation AS coll
          FROM unnest(sources) AS u(source)
          JOIN timeline.source_def s ON s.name = u.source
          JOIN pg_catalog.pg_attribute a
            ON a.attrelid = timeline.relation_named(s.relation_schema, s.relation_name)
           AND a.attname = s.entity_column AND NOT a.attisdropped),
    d(base) AS (
        SELECT c.typ FROM c
        UNION
        SELECT t.typbasetype FROM d JOIN pg_catalog.pg_type t ON t.oid = d.base WHERE t.typtype = 'd'),
    b AS (
        SELECT d.base::pg_catalog.regtype AS base
          FROM d JOIN pg_catalog.pg_type t ON t.oid = d.base WHERE t.typtype <> 'd')
    SELECT CASE
        WHEN (SELECT count(DISTINCT b.base) FROM b) > 1
             AND NOT EXISTS (
                 SELECT 1 FROM (VALUES ('{int2,int4,int8,numeric}'::pg_catalog.regtype[]), ('{text,varchar}'),
                                       ('{inet,cidr}')) AS f(family)
                  WHERE (SELECT pg_catalog.bool_and(b.base = ANY (f.family)) FROM b))
            THEN 'type'
        WHEN (SELECT count(DISTINCT c.coll) FROM c) > 1
             AND EXISTS (SELECT 1 FROM c JOIN pg_catalog.pg_collation l ON l.oid = c.coll
                          WHERE NOT l.collisdeterministic)
            THEN 'collation'
        END
$$;
COMMENT ON FUNCTION timeline.entity_mismatch(pg_catalog.text[]) IS
'internal: ''type'' or ''collation'' when the entity columns of these sources would not compare as one entity, NULL when they do';

-- the type of the entity column of a feature set over these sources (in
-- the order feature_set_sql joins them): the sources' entity type, or the
-- one FULL JOIN ... USING (entity) resolves theirs to (int4 and int8 give
-- int8), which a UNION resolves the same way; NULL when they have none
-- (text and int4), a source's table is gone, or they do not
-- compare as one entity (entity_mismatch)
CREATE FUNCTION timeline.entity_type(sources pg_catalog.text[])
RETURNS pg_catalog.text
LANGUAGE plpgsql STABLE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    types text[];
    result text;
BEGIN
    SELECT array_agg(timeline.column_type(timeline.relation_named(s.relation_schema, s.relation_name),
                                          s.entity_column) ORDER BY u.ord) INTO types
      FROM unnest(sources) WITH ORDINALITY AS u(source, ord)
      JOIN timeline.source_def s ON s.name = u.source;
    IF cardinality(types) IS DISTINCT FROM cardinality(sources) OR array_position(types, NULL) IS NOT NULL THEN
        RETURN NULL;
    END IF;
    IF timeline.entity_mismatch(sources) IS NOT NULL THEN
        RETURN NULL;
    END IF;
    IF (SELECT count(DISTINCT t) FROM unnest(types) t) = 1 THEN
        RETURN types[1];
    END IF;
    EXECUTE format('SELECT pg_typeof(x)::text FROM (%s) u LIMIT 1',
                   (SELECT string_agg(format('SELECT NULL::%s AS x', t), ' UNION ALL ' ORDER BY o)
                      FROM unnest(types) WITH ORDINALITY AS u(t, o)))
       INTO result;
    RETURN result;
EXCEPTION WHEN datatype_mismatch THEN
    RETURN NULL;
END;
$$;
COMMENT ON FUNCTION timeline.entity_type(pg_catalog.text[]) IS
'internal: the entity type of a feature set over these sources, joined in this order (NULL when they have no common type)';

-- the DETAIL of an error about the entity columns of sources: each
-- source's column type and collation, in order (check_set_entities, and
-- create_training_set's label source)
CREATE FUNCTION timeline.entity_columns_detail(sources pg_catalog.text[])
RETURNS pg_catalog.text
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT string_agg(format('Source %s: %s%s.', quote_literal(u.source),
                             coalesce(timeline.column_type(r.rel, sd.entity_column), 'its table is gone'),
                             timeline.column_collation(r.rel, sd.entity_column)),
                      ' ' ORDER BY u.ord)
      FROM unnest(sources) WITH ORDINALITY AS u(source, ord)
      JOIN timeline.source_def sd ON sd.name = u.source
     CROSS JOIN LATERAL timeline.relation_named(sd.relation_schema, sd.relation_name) AS r(rel)
$$;
COMMENT ON FUNCTION timeline.entity_columns_detail(pg_catalog.text[]) IS
'internal: "Source ''s'': type [COLLATE c]." for each source, the DETAIL of entity mismatch errors';

-- the error for a feature set whose sources' entity columns have no common
-- type or do not compare as one entity (entity_mismatch): at its creation,
-- and where it is read after an ALTER TABLE of a source
CREATE FUNCTION timeline.check_set_entities(feature_set pg_catalog.text, sources pg_catalog.text[])
RETURNS void
LANGUAGE plpgsql STABLE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    detail text;
BEGIN
    IF timeline.entity_type(sources) IS NULL THEN
        detail := timeline.entity_columns_detail(sources);
        IF timeline.entity_mismatch(sources) = 'collation' THEN
            RAISE EXCEPTION 'the sources of feature set % have entity columns of collations that compare differently', quote_literal(feature_set)
                USING ERRCODE = 'collation_mismatch',
                      DETAIL = detail,
                      HINT = 'A feature set joins its sources on the entity with one equality; register views whose entity columns have one collation.';
        END IF;
        RAISE EXCEPTION 'the sources of feature set % have entity columns of types that do not match', quote_literal(feature_set)
            USING ERRCODE = 'datatype_mismatch',
                  DETAIL = detail,
                  HINT = 'A feature set joins its sources on the entity with one equality; register views that cast the entity columns to one type, or put features of sources with other kinds of entities in separate sets.';
    END IF;
END;
$$;
COMMENT ON FUNCTION timeline.check_set_entities(pg_catalog.text, pg_catalog.text[]) IS
'internal: raises 42804 or 42P21 when the entity columns of a feature set''s sources do not meet as one entity';

CREATE FUNCTION timeline.create_feature_set(name pg_catalog.text, features pg_catalog.text[],
    description pg_catalog.text DEFAULT NULL, time_zone pg_catalog.text DEFAULT NULL)
RETURNS pg_catalog.text
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    caller_zone text;
    resolved text[] := '{}';
    existing text[];
    pos int := 0;
    ref text;
    f record;
    sources text[];
BEGIN
    PERFORM timeline.check_name('feature set', name);
    -- the zone in which the set's windows, horizons and expressions are
    -- computed, whoever computes them: by default the creator's
    -- stored as TimeZone spells it once set (22023 for a zone it refuses,
    -- such as an abbreviation; '+03' is read as ISO, east of Greenwich,
    -- and kept as '<+03>-03', which reads the same everywhere)
    caller_zone := pg_catalog.current_setting('TimeZone');
    PERFORM pg_catalog.set_config('TimeZone', coalesce(time_zone, caller_zone), true);
    time_zone := pg_catalog.current_setting('TimeZone');
    PERFORM pg_catalog.set_config('TimeZone', caller_zone, true);
    IF features IS NULL OR cardinality(features) = 0 THEN
        RAISE EXCEPTION 'a feature set needs at least one feature'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    FOREACH ref IN ARRAY features LOOP
        IF ref IS NULL THEN
            RAISE EXCEPTION 'feature references must not be NULL'
                USING ERRCODE = 'null_value_not_allowed';
        END IF;
        f := timeline.resolve_feature(ref);
        IF EXISTS (SELECT 1 FROM unnest(resolved) r WHERE split_part(r, '@', 1) = f.name) THEN
            RAISE EXCEPTION 'feature % appears twice in feature set %', quote_literal(f.name), quote_literal(name)
                USING ERRCODE = 'invalid_parameter_value',
                      DETAIL = 'Each feature becomes one column, named after it.';
        END IF;
        resolved := resolved || (f.name || '@' || f.version);
    END LOOP;
    -- the sources are joined on the entity: their entity columns need a
    -- common type
    SELECT array_agg(x.source ORDER BY x.pos) INTO sources
      FROM (SELECT d.source, min(u.pos) AS pos
              FROM unnest(resolved) WITH ORDINALITY AS u(ref, pos)
              JOIN timeline.feature_def d
                ON d.name = split_part(u.ref, '@', 1) AND d.version = split_part(u.ref, '@', 2)::int4
             GROUP BY d.source) x;
    -- a table or an entity column gone is said as such, not as a mismatch
    FOREACH ref IN ARRAY sources LOOP
        f := timeline.source_relation(ref);
        IF timeline.column_type(f.relation, f.entity_column) IS NULL THEN
            RAISE EXCEPTION 'entity column % of source % does not exist', quote_ident(f.entity_column), quote_literal(ref)
                USING ERRCODE = 'undefined_column',
                      HINT = format('A source follows its relation by schema and name; %s no longer has that column.', f.relation);
        END IF;
    END LOOP;
    PERFORM timeline.check_set_entities(name, sources);

    PERFORM pg_advisory_xact_lock(hashtext('timeline.feature_set_def'), hashtext(name));
    IF EXISTS (SELECT 1 FROM timeline.feature_set_def d WHERE d.name = create_feature_set.name) THEN
        SELECT array_agg(m.feature || '@' || m.version ORDER BY m.position) INTO existing
          FROM timeline.feature_set_member m WHERE m.feature_set = create_feature_set.name;
        IF existing = resolved AND (SELECT d.time_zone FROM timeline.feature_set_def d
                                     WHERE d.name = create_feature_set.name) = time_zone THEN
            RETURN name;        -- the same list and zone again is a no-op
        END IF;
        RAISE EXCEPTION 'feature set % already exists with other features or another time zone', quote_literal(name)
            USING ERRCODE = 'duplicate_object',
                  DETAIL = format('It holds %s, in time zone %s.', array_to_string(existing, ', '),
                                  (SELECT d.time_zone FROM timeline.feature_set_def d
                                    WHERE d.name = create_feature_set.name)),
                  HINT = 'Feature sets do not change, so training sets made from them stay reproducible; create one under a new name.';
    END IF;
    INSERT INTO timeline.feature_set_def (name, description, time_zone) VALUES (name, description, time_zone);
    FOREACH ref IN ARRAY resolved LOOP
        pos := pos + 1;
        INSERT INTO timeline.feature_set_member (feature_set, position, feature, version)
        VALUES (name, pos, split_part(ref, '@', 1), split_part(ref, '@', 2)::int4);
    END LOOP;
    RETURN name;
END;
$$;
COMMENT ON FUNCTION timeline.create_feature_set(pg_catalog.text, pg_catalog.text[], pg_catalog.text, pg_catalog.text) IS
'creates a named, unchangeable list of feature versions (a bare name means the current version), computed in one time zone (default: the session''s)';

-- sets TimeZone to the feature set's, so a set's windows, horizons and
-- expressions mean the same in every session.  A local setting outlives
-- the function that makes it unless that function's SET clause names the
-- setting, so every caller has SET TimeZone (or puts the caller's back)
CREATE FUNCTION timeline.enter_feature_set_zone(feature_set pg_catalog.text)
RETURNS void
LANGUAGE sql VOLATILE PARALLEL UNSAFE
AS $$
    SELECT pg_catalog.set_config('TimeZone', d.time_zone, true)
      FROM timeline.feature_set_def d WHERE d.name = $1
$$;
COMMENT ON FUNCTION timeline.enter_feature_set_zone(pg_catalog.text) IS
'internal: switches TimeZone to the feature set''s; callers name TimeZone in their SET clause, which undoes it on return';

CREATE FUNCTION timeline.feature_set_members(feature_set pg_catalog.text,
    OUT "position" pg_catalog.int4, OUT feature pg_catalog.text, OUT version pg_catalog.int4,
    OUT source pg_catalog.text, OUT aggregate pg_catalog.text)
RETURNS SETOF record
LANGUAGE plpgsql STABLE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM timeline.feature_set_def d WHERE d.name = feature_set) THEN
        RAISE EXCEPTION 'feature set % does not exist', coalesce(quote_literal(feature_set), 'NULL')
            USING ERRCODE = 'undefined_object',
                  HINT = 'timeline.feature_sets lists the defined feature sets.';
    END IF;
    RETURN QUERY
        SELECT m.position, m.feature, m.version, d.source, d.aggregate
          FROM timeline.feature_set_member m
          JOIN timeline.feature_def d ON d.name = m.feature AND d.version = m.version
         WHERE m.feature_set = feature_set_members.feature_set
         ORDER BY m.position;
END;
$$;
COMMENT ON FUNCTION timeline.feature_set_members(pg_catalog.text) IS
'the feature versions of a feature set in column order, with their sources';

-- a feature set's sources, each once, in the order of their first feature:
-- the order feature_set_sql joins them and the entity checks list them
CREATE FUNCTION timeline.set_sources(feature_set pg_catalog.text)
RETURNS pg_catalog.text[]
LANGUAGE sql STABLE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT ARRAY(SELECT m.source FROM timeline.feature_set_members(feature_set) m
                  GROUP BY m.source ORDER BY min(m.position))
$$;
COMMENT ON FUNCTION timeline.set_sources(pg_catalog.text) IS
'internal: the sources of a feature set, each once, in the order of their first feature';

-- the FROM clause joining one relation per source on the entity, and the
-- entity it gives: items[i] aliased aliases[i], each with an entity column,
-- full joined on the coalesce of the entities before it with the entity
-- type's own equality (the one each source's GROUP BY uses, see
-- equality_operator: USING (entity) took the = of search_path pg_catalog,
-- text's for citext entities, so 'Ab' of one source and 'aB' of another
-- were two entities; and three sources or more were a syntax error).  For
-- feature_set_sql's sources and the read view's states
CREATE FUNCTION timeline.entity_join_sql(sources pg_catalog.text[], items pg_catalog.text[],
    aliases pg_catalog.text[], OUT from_sql pg_catalog.text, OUT entity_sql pg_catalog.text)
LANGUAGE plpgsql STABLE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    eq text := coalesce(timeline.equality_operator(timeline.entity_type(sources)::regtype), 'OPERATOR(pg_catalog.=)');
    entities text := aliases[1] || '.entity';
    -- the first source's collation, named: columns of other deterministic
    -- ones meet it (entity_mismatch refuses nondeterministic ones that
    -- differ); three under "C", "POSIX" and the default failed with 42P22
    coll text := (SELECT timeline.column_collation(timeline.relation_named(s.relation_schema, s.relation_name),
                                                   s.entity_column, true)
                    FROM timeline.source_def s WHERE s.name = sources[1]);
BEGIN
    from_sql := items[1];
    FOR i IN 2 .. cardinality(items) LOOP
        from_sql := from_sql || format(E'\nFULL JOIN %s ON %s%s %s %s.entity',
                                       items[i], CASE WHEN i = 2 THEN entities ELSE format('coalesce(%s)', entities) END,
                                       coalesce(coll, ''), eq, aliases[i]);
        entities := entities || format(', %s.entity', aliases[i]);
    END LOOP;
    entity_sql := CASE WHEN cardinality(items) = 1 THEN 'entity'
                       ELSE format('coalesce(%s)%s AS entity', entities, coalesce(coll, '')) END;
END;
$$;
COMMENT ON FUNCTION timeline.entity_join_sql(pg_catalog.text[], pg_catalog.text[], pg_catalog.text[]) IS
'internal: the FROM clause full joining one relation per source on the entity with its type''s equality, and the entity column it gives';

CREATE FUNCTION timeline.feature_set_sql(feature_set pg_catalog.text)
RETURNS pg_catalog.text
LANGUAGE plpgsql STABLE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    g record;
    s record;
    parts text[] := '{}';
    cols text;
    i int := 0;
    sources text[] := '{}';
    aliases text[] := '{}';
    j record;
BEGIN
    -- one GROUP BY query per source: every feature of a source in one scan
    FOR g IN
        SELECT m.source, array_agg(m.feature ORDER BY m.position) AS features,
               array_agg(m.version ORDER BY m.position) AS versions
          FROM timeline.feature_set_members(feature_set) m
         GROUP BY m.source ORDER BY min(m.position)
    LOOP
        i := i + 1;
        sources := sources || g.source;
        aliases := aliases || ('g' || i);
        s := timeline.source_relation(g.source);
        SELECT string_agg(format(E'\n       %s AS %I', timeline.compile_feature(f, v), f), ',')
          INTO cols FROM unnest(g.features, g.versions) AS u(f, v);
        -- rows without an entity belong to no entity (a training set gives
        -- a NULL entity NULL features)
        parts := parts || format(E'(SELECT src.%I AS entity,%s\n FROM %s AS src\n WHERE src.%I IS DISTINCT FROM NULL\n GROUP BY src.%I) AS g%s',
                                 s.entity_column, cols, s.relation, s.entity_column, s.entity_column, i);
    END LOOP;
    -- joined on the entity (entity_join_sql), as one kind of entity still
    -- after an ALTER TABLE of a source
    PERFORM timeline.check_set_entities(feature_set, sources);
    j := timeline.entity_join_sql(sources, parts, aliases);
    SELECT string_agg(format('%I', m.feature), ', ' ORDER BY m.position) INTO cols
      FROM timeline.feature_set_members(feature_set) m;
    RETURN format(E'SELECT %s, %s\nFROM %s', j.entity_sql, cols, j.from_sql);
END;
$$;
COMMENT ON FUNCTION timeline.feature_set_sql(pg_catalog.text) IS
'the SQL of timeline.feature_timelines: one row per entity, one timeline column per feature, one scan per source';

CREATE FUNCTION timeline.feature_timelines(feature_set pg_catalog.text)
RETURNS SETOF record
LANGUAGE plpgsql STABLE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
SET TimeZone = 'UTC'              -- undoes enter_feature_set_zone on return
SET timeline.avoid_random_index_scans = on     -- see load_hooks
AS $$
DECLARE
    sql text;
BEGIN
    PERFORM timeline.enter_feature_set_zone(feature_set);
    sql := timeline.feature_set_sql(feature_set);
    -- every entity's timelines in one GROUP BY per source
    PERFORM timeline.load_hooks();
    RETURN QUERY EXECUTE sql;
END;
$$;
COMMENT ON FUNCTION timeline.feature_timelines(pg_catalog.text) IS
'one row per entity with one timeline per feature of the set; name the columns as timeline.feature_sets.column_definitions shows';

-- whether t + i is later than t at every t: no field of i (months, days,
-- time) is negative and one is positive; '1 mon -29 days' is a positive
-- interval, but 2023-02-01 + it is 2023-01-31
CREATE FUNCTION timeline.moves_forward(i pg_catalog.interval)
RETURNS pg_catalog.bool
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT m >= 0 AND d >= 0 AND us >= 0 AND (m > 0 OR d > 0 OR us > 0)
    FROM (SELECT m, d, extract(epoch FROM i - make_interval(months => m, days => d)) AS us
          FROM (SELECT (extract(year FROM i) * 12 + extract(month FROM i))::int4 AS m,
                       extract(day FROM i)::int4 AS d) f) g
$$;
COMMENT ON FUNCTION timeline.moves_forward(pg_catalog.interval) IS
'internal: whether t + i is later than t at every t (no field of i negative, one positive)';

-- parses a label: a feature reference (its value at t + horizon) or
-- aggregate(source [, value]) over the source's events in (t, t + horizon]
CREATE FUNCTION timeline.zero_count_sql(aggregate pg_catalog.text, value_sql pg_catalog.text,
                                        known_sql pg_catalog.text DEFAULT NULL)
RETURNS pg_catalog.text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    -- a count is 0, not NULL, before the entity's first event, wherever
    -- the entity and the time are known (known_sql; NULL: always)
    SELECT CASE WHEN aggregate NOT IN ('count', 'count_if') THEN value_sql
                WHEN known_sql IS NULL THEN format('coalesce(%s, 0)', value_sql)
                ELSE format('CASE WHEN %s THEN coalesce(%s, 0) END', known_sql, value_sql) END
$$;
COMMENT ON FUNCTION timeline.zero_count_sql(pg_catalog.text, pg_catalog.text, pg_catalog.text) IS
'internal: the SQL of a feature value read by value_sql: coalesced to 0 for count and count_if where known_sql holds';

-- drops a work table of create_training_set or check_training_set left in
-- this transaction by an earlier call that failed, known by a column of
-- its own; a temporary table of the user's with that name is refused, not
-- dropped (it was dropped with its rows)
CREATE FUNCTION timeline.drop_work_table(name pg_catalog.text, marker pg_catalog.text)
RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    rel regclass := to_regclass('pg_temp.' || quote_ident(name));
BEGIN
    IF rel IS NULL THEN
        RETURN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_attribute a
                   WHERE a.attrelid = rel AND a.attname = marker AND NOT a.attisdropped) THEN
        RAISE EXCEPTION 'relation pg_temp.% already exists', quote_ident(name)
            USING ERRCODE = 'duplicate_table',
                  DETAIL = 'timeline.create_training_set and timeline.check_training_set keep their work in a temporary table of that name.',
                  HINT = 'Rename your temporary table, or make the training set in another session.';
    END IF;
    EXECUTE format('DROP TABLE pg_temp.%I', name);
END;
$$;
COMMENT ON FUNCTION timeline.drop_work_table(pg_catalog.text, pg_catalog.text) IS
'internal: drops a training-set work table left by an earlier failed call in this transaction; refuses (42P07) a user''s temporary table of that name';

-- the aggregate a label is read with: any(source) counts the rows in its
-- window, any(source, condition) those meeting the condition
CREATE FUNCTION timeline.label_count_aggregate(aggregate pg_catalog.text, counts_rows pg_catalog.bool)
RETURNS pg_catalog.text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT CASE WHEN aggregate OPERATOR(pg_catalog.<>) 'any' THEN aggregate
                WHEN counts_rows THEN 'count' ELSE 'count_if' END
$$;
COMMENT ON FUNCTION timeline.label_count_aggregate(pg_catalog.text, pg_catalog.bool) IS
'internal: the aggregate a training-set label is read with (any(source) as count, any(source, condition) as count_if)';

CREATE FUNCTION timeline.compile_label(label pg_catalog.text, horizon pg_catalog.interval,
    OUT source pg_catalog.text, OUT expression pg_catalog.text, OUT aggregate pg_catalog.text,
    OUT reader pg_catalog.text, OUT counts_rows pg_catalog.bool, OUT width pg_catalog.interval,
    OUT filter pg_catalog.text)
LANGUAGE plpgsql STABLE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    m text[];
    f record;
    d timeline.feature_def;
BEGIN
    IF horizon IS NULL OR NOT timeline.moves_forward(horizon) THEN
        RAISE EXCEPTION 'a label needs a positive horizon'
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'The label of an example observed at t comes from data in (t, t + horizon], so t + horizon must be later than t at every t: no field of the horizon (months, days, time) may be negative.',
                  HINT = 'Pass horizon, such as interval ''30 days''.';
    END IF;
    m := regexp_match(label, E'^\\s*([A-Za-z_]+)\\s*\\(\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*(,(.*))?\\)\\s*$');
    -- a feature: its aggregate over its window at t + horizon, cut at t
    -- (the window from the later of t and (t + horizon) - width, or from t
    -- for a lifetime one), so the label reads only data in (t, t + horizon]
    -- (read whole, a lifetime feature or a month at a month's end reached
    -- back to t and before: the event at t was in the label and the
    -- features both); a since window cannot be cut that way
    IF m IS NULL THEN
        f := timeline.resolve_feature(btrim(label));
        SELECT * INTO d FROM timeline.feature_def fd WHERE fd.name = f.name AND fd.version = f.version;
        IF d.window_kind NOT IN ('lifetime', 'trailing') THEN
            RAISE EXCEPTION 'feature %@% cannot be a label: its window starts at a reset, which can come before t',
                    d.name, d.version
                USING ERRCODE = 'invalid_parameter_value',
                      DETAIL = 'The label of an example observed at t comes from data in (t, t + horizon] only.',
                      HINT = 'Label with a feature of a lifetime or trailing window, or with an aggregate over the source, such as count(purchases).';
        END IF;
        source := d.source;
        aggregate := d.aggregate;
        expression := (timeline.compile_parts(d.source, d.aggregate, d.value_expression, d.window_kind,
                                              d.window_width, d.window_predicate, d.filter,
                                              format('feature %s@%s', d.name, d.version))).points;
        reader := 'between';
        width := d.window_width;
        filter := d.filter;
        counts_rows := false;
        RETURN;
    END IF;
    aggregate := lower(m[1]);
    source := m[2];
    IF aggregate NOT IN ('any', 'count', 'count_if', 'sum', 'mean', 'min', 'max', 'first', 'last',
                         'var_samp', 'var_pop', 'stddev_samp', 'stddev_pop') THEN
        RAISE EXCEPTION 'unknown label aggregate: %', quote_literal(m[1])
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Use any, count, count_if, sum, mean, min, max, first, last, var_samp, var_pop, stddev_samp or stddev_pop.';
    END IF;
    IF m[4] IS NULL AND aggregate NOT IN ('any', 'count') THEN
        RAISE EXCEPTION 'label aggregate % needs a value: %(%, <expression>)', aggregate, aggregate, source
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- the source's points, aggregated over exactly (t, t + horizon] (a
    -- trailing window read at t + horizon would start at (t + horizon) -
    -- horizon, which is not t across month ends and daylight-saving changes)
    -- any(source, condition): whether some event in the window meets the
    -- condition, a count_if over it (read as a count of every event with a
    -- non-NULL value, it was true for any event)
    expression := (timeline.compile_parts(source,
                                          CASE WHEN aggregate = 'any' AND m[4] IS NOT NULL THEN 'count_if'
                                               ELSE aggregate END,
                                          btrim(m[4]), 'lifetime', NULL, NULL, NULL, 'the label')).points;
    reader := 'between';
    counts_rows := m[4] IS NULL;     -- any(source) or count(source): a point per row
END;
$$;
COMMENT ON FUNCTION timeline.compile_label(pg_catalog.text, pg_catalog.interval) IS
'internal: the per-entity SQL expression of a training-set label, its source, how read_at_times reads it (between, with a width for a feature of a trailing window), whether it counts rows, and its filter';

-- whether an entity of one type may be cast to another where a spine or a
-- read meets a feature set's entities: by a cast of one of the contexts
-- ('i' implicit, 'a' assignment) that runs no role's code, binary coercible
-- (which only a superuser creates: citext's from text) or by a superuser's
-- function (citext's from char), to a type that is not a domain (whose
-- CHECK is its owner's code).  Another role's cast function ran with the
-- rights of the reader or the training set's maker (a state owner's cast
-- from text to its composite entity type, run by a superuser's current;
-- found by a helper's review)
CREATE FUNCTION timeline.cast_runs_no_code(source pg_catalog.regtype, target pg_catalog.regtype,
                                           contexts "char"[])
RETURNS pg_catalog.bool
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_cast c
                     JOIN pg_catalog.pg_type ty ON ty.oid OPERATOR(pg_catalog.=) c.casttarget
                    WHERE c.castsource OPERATOR(pg_catalog.=) source
                      AND c.casttarget OPERATOR(pg_catalog.=) target
                      AND c.castcontext OPERATOR(pg_catalog.=) ANY (contexts)
                      AND ty.typtype OPERATOR(pg_catalog.<>) 'd'
                      AND (c.castmethod OPERATOR(pg_catalog.=) 'b'
                           OR (c.castmethod OPERATOR(pg_catalog.=) 'f'
                               AND (SELECT r.rolsuper FROM pg_catalog.pg_proc p
                                      JOIN pg_catalog.pg_roles r ON r.oid OPERATOR(pg_catalog.=) p.proowner
                                     WHERE p.oid OPERATOR(pg_catalog.=) c.castfunc))))
$$;
COMMENT ON FUNCTION timeline.cast_runs_no_code(pg_catalog.regtype, pg_catalog.regtype, "char"[]) IS
'internal: whether a cast of the given contexts from source to target runs no role''s code (binary coercible or a superuser''s function, to a type that is not a domain)';

-- how a spine's entities (or a training set's, checked) meet a feature
-- set's: with the set's equality (that of its entity type, see
-- equality_operator), the spine's entity cast to the set's type where it is
-- cast implicitly (citext to text: text's = is then the set's) or where the
-- set's equality takes it only assigned (text to citext), and under the
-- collation of the set's entity column, so the spine is grouped as the
-- sources are.  NULL entity when the two do not compare.  (A bare = under
-- search_path pg_catalog was text's for citext entities: the spine's
-- 'X@A.ORG' met only the events of that spelling, 1000 where
-- feature_timelines gives 1111; and a spine under another collation than
-- the set's grouped or compared its entities under the spine's)
CREATE FUNCTION timeline.spine_entity_sql(feature_set pg_catalog.text, entity_sql pg_catalog.text,
    entity_type pg_catalog.regtype, OUT entity pg_catalog.text, OUT eq pg_catalog.text)
LANGUAGE plpgsql STABLE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    sources text[];
    set_type regtype;
    s record;
    coll text;
BEGIN
    sources := timeline.set_sources(feature_set);
    set_type := timeline.entity_type(sources)::regtype;
    entity := entity_sql;
    eq := 'OPERATOR(pg_catalog.=)';
    IF set_type IS NULL THEN
        RETURN;                 -- a source gone: the statement says which
    END IF;
    eq := timeline.equality_operator(set_type);
    IF entity_type <> set_type THEN
        -- only by casts that run no role's code (cast_runs_no_code)
        IF timeline.cast_runs_no_code(entity_type, set_type, '{i}') THEN
            entity := format('(%s)::%s', entity_sql, set_type);
        ELSE
            BEGIN
                EXECUTE format('SELECT NULL::%s %s NULL::%s', set_type, eq, entity_type);
            EXCEPTION WHEN undefined_function THEN
                IF NOT timeline.cast_runs_no_code(entity_type, set_type, '{a}') THEN
                    entity := NULL;
                    RETURN;
                END IF;
                entity := format('(%s)::%s', entity_sql, set_type);
            END;
        END IF;
    END IF;
    -- the collation of the (first) source's entity column, its type's too
    IF (SELECT t.typcollation FROM pg_type t
         WHERE t.oid = CASE WHEN entity = entity_sql THEN entity_type ELSE set_type END) <> 0 THEN
        s := timeline.source_relation(sources[1]);
        coll := nullif(timeline.column_collation(s.relation, s.entity_column), '');
        IF coll IS NULL THEN
            coll := (SELECT timeline.collate_clause(t.typcollation) FROM pg_type t
                      WHERE t.oid = set_type AND t.typcollation <> 0);
        END IF;
        entity := entity || coalesce(coll, '');
    END IF;
END;
$$;
COMMENT ON FUNCTION timeline.spine_entity_sql(pg_catalog.text, pg_catalog.text, pg_catalog.regtype) IS
'internal: a spine''s entity as it meets a feature set''s (cast, under the set''s collation) and the set''s equality; NULL entity when they do not compare';

CREATE FUNCTION timeline.create_training_set_in(target_table pg_catalog.text, feature_set pg_catalog.text,
    spine pg_catalog.text, label pg_catalog.text, horizon pg_catalog.interval,
    incomplete_labels pg_catalog.text, caller_search_path pg_catalog.text)
RETURNS pg_catalog.int8
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    -- put back before returning: local settings made here outlive the
    -- function (its SET clause names only search_path, and the spine runs
    -- in the caller's TimeZone and planner settings)
    caller_settings text[] := ARRAY[pg_catalog.current_setting('TimeZone'),
                                    NULL,       -- timeline.avoid_random_index_scans, below
                                    pg_catalog.current_setting('enable_sort'),
                                    pg_catalog.current_setting('jit')];
    target_parts text[];
    tgt_schema name;
    set_entity_type text;
    set_sources text[];
    mismatch text;
    spine_entity record;
    tgt_name name;
    spine_cols text[];
    spine_types regtype[];
    e_col text;
    t_col text;
    lab record;
    lab_source text;
    lab_expression text;
    lab_aggregate text;
    lab_reader text;
    lab_counts_rows bool;
    lab_width interval;
    lab_filter text;
    oldest timestamptz;
    label_rel regclass;
    newest timestamptz;
    newest_sql text;
    newest_state int;
    whole_source bool;
    lateral_join text;
    lateral_on text;
    read_cols text;
    g record;
    s record;
    ctes text[] := '{}';
    joins text := '';
    select_cols text := '';
    state_of int[];
    state_args text;
    hashagg text;
    unnest_cols text;
    u_cols text;
    fcols text;
    gi int := 0;
    label_gi int;
    source_entities float8;
    spine_entities float8;
    group_sources text[] := '{}';
    states text[];
    point_states text[];
    read_aggs text[];
    k int;
    col text;
    sql text;
    nrows int8;
BEGIN
    -- the library first (load_hooks), so that the setting reads as a
    -- boolean: until it is loaded, a placeholder left by a rolled-back SET
    -- reads as ''
    PERFORM timeline.load_hooks();
    caller_settings[2] := pg_catalog.current_setting('timeline.avoid_random_index_scans');
    -- the catalog queries here run without JIT: under the caller's
    -- enable_sort = off a sort of theirs is costed as disabled (plus 1e10),
    -- above every jit_*_above_cost, and compiling them took about 1 s of a
    -- small training set (a helper's randomized run); only the spine runs
    -- with the caller's setting
    PERFORM set_config('jit', 'off', true);
    IF incomplete_labels IS NULL OR incomplete_labels NOT IN ('exclude', 'flag') THEN
        RAISE EXCEPTION 'incomplete_labels must be ''exclude'' or ''flag'', not %', coalesce(quote_literal(incomplete_labels), 'NULL')
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF spine IS NULL OR target_table IS NULL THEN
        RAISE EXCEPTION 'target_table and spine must not be NULL'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF label IS NULL AND horizon IS NOT NULL THEN
        RAISE EXCEPTION 'a horizon needs a label'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Pass a label, or leave both NULL for a features-only training set.';
    END IF;
    PERFORM timeline.feature_set_members(feature_set);     -- raises if unknown
    IF label IS NOT NULL THEN
        lab := timeline.compile_label(label, horizon);
        lab_reader := lab.reader;
        lab_source := lab.source;
        lab_expression := lab.expression;
        lab_aggregate := lab.aggregate;
        lab_counts_rows := lab.counts_rows;
        lab_width := lab.width;
        lab_filter := lab.filter;
    END IF;
    -- the set's sources still one kind of entity after an ALTER TABLE of
    -- one (as feature_timelines checks), and the label's source one kind
    -- with them: each is joined to the spine's entities with the set's
    -- equality (a source retyped to float8, or a label's source of
    -- float8, matched the spine's bigint 9007199254740993 to the events
    -- of 9007199254740992; text failed with 42883 and the whole
    -- statement).  A source gone is said below, where it is read
    set_sources := timeline.set_sources(feature_set);
    IF timeline.entity_mismatch(set_sources) IS NOT NULL THEN
        PERFORM timeline.check_set_entities(feature_set, set_sources);
    END IF;
    IF lab_source IS NOT NULL AND lab_source <> ALL (set_sources) THEN
        mismatch := timeline.entity_mismatch(set_sources || lab_source);
        IF mismatch IS NOT NULL THEN
            RAISE EXCEPTION 'the entity column of label source % does not compare with the entities of feature set %',
                            quote_literal(lab_source), quote_literal(feature_set)
                USING ERRCODE = CASE WHEN mismatch = 'collation' THEN 'collation_mismatch' ELSE 'datatype_mismatch' END,
                      DETAIL = timeline.entity_columns_detail(set_sources || lab_source),
                      HINT = 'The label''s events are joined to the spine''s entities with the set''s equality; label with a source whose entity column is of the set''s kind of entity (a view that casts it).';
        END IF;
    END IF;

    -- the target's schema and the spine follow the caller's search_path
    target_parts := parse_ident(target_table);
    IF cardinality(target_parts) > 2 THEN
        RAISE EXCEPTION 'improper table name: %', target_table
            USING ERRCODE = 'invalid_name';
    END IF;
    PERFORM set_config('search_path', caller_search_path, true);
    tgt_name := target_parts[cardinality(target_parts)];
    tgt_schema := CASE WHEN cardinality(target_parts) = 2 THEN target_parts[1] ELSE current_schema() END;
    IF tgt_schema IS NULL THEN
        RAISE EXCEPTION 'no schema has been selected to create the training set in'
            USING ERRCODE = 'invalid_schema_name',
                  HINT = 'Qualify target_table with a schema.';
    END IF;
    IF to_regclass(format('%I.%I', tgt_schema, tgt_name)) IS NOT NULL THEN
        RAISE EXCEPTION 'relation %.% already exists', quote_ident(tgt_schema), quote_ident(tgt_name)
            USING ERRCODE = 'duplicate_table',
                  HINT = 'Training sets are written to a new table; drop it or choose another name.';
    END IF;
    PERFORM timeline.drop_work_table('timeline_spine', 'timeline_rid');
    PERFORM set_config('jit', caller_settings[4], true);
    EXECUTE format('CREATE TEMP TABLE timeline_spine ON COMMIT DROP AS SELECT pg_catalog.row_number() OVER () AS timeline_rid, s.* FROM (%s) AS s', spine);
    PERFORM set_config('jit', 'off', true);
    PERFORM set_config('search_path', 'pg_catalog, pg_temp', true);
    -- the spine ran in the caller's zone; features, label and horizon are
    -- the feature set's
    PERFORM timeline.enter_feature_set_zone(feature_set);

    SELECT array_agg(a.attname::text ORDER BY a.attnum), array_agg(a.atttypid::regtype ORDER BY a.attnum)
      INTO spine_cols, spine_types
      FROM pg_attribute a
     WHERE a.attrelid = 'pg_temp.timeline_spine'::regclass AND a.attnum > 1 AND NOT a.attisdropped;
    IF coalesce(cardinality(spine_cols), 0) < 2 THEN
        RAISE EXCEPTION 'the spine must return an entity and an observation time'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Write the spine as SELECT user_id, observed_at [, other columns] FROM ...';
    END IF;
    IF spine_types[2] <> 'timestamptz'::regtype THEN
        RAISE EXCEPTION 'the spine''s second column % has type %, not timestamp with time zone', quote_ident(spine_cols[2]), spine_types[2]
            USING ERRCODE = 'datatype_mismatch',
                  HINT = 'Observation times must be absolute: convert with AT TIME ZONE in the spine query.';
    END IF;
    e_col := spine_cols[1];
    t_col := spine_cols[2];
    -- a spine entity that the feature set's entities do not compare with:
    -- said in the caller's terms (it failed with 42883 and the whole
    -- statement built below)
    -- (the spine's entities meet the set's with the set's equality, cast
    -- and under its collation as spine_entity_sql says)
    set_entity_type := timeline.entity_type(ARRAY(SELECT DISTINCT m.source FROM timeline.feature_set_members(feature_set) m));
    spine_entity := timeline.spine_entity_sql(feature_set, 'sp.' || quote_ident(e_col), spine_types[1]);
    IF set_entity_type IS NOT NULL THEN
        IF spine_entity.entity IS NULL THEN
            RAISE EXCEPTION 'the spine''s entity column % has type %, but the entities of feature set % are of type %',
                            quote_ident(e_col), spine_types[1], quote_literal(feature_set), set_entity_type
                USING ERRCODE = 'datatype_mismatch',
                      HINT = format('Cast it to %s in the spine query.', set_entity_type);
        END IF;
        -- floating point against another type compares through a rounding
        -- cast: one spine value then equals several entities (bigint
        -- 9007199254740992 and ...993 both equal that double), and the row
        -- took the features of one of them
        IF set_entity_type::regtype <> spine_types[1]
           AND (set_entity_type::regtype IN ('float4'::regtype, 'float8'::regtype)
                OR spine_types[1] IN ('float4'::regtype, 'float8'::regtype)) THEN
            RAISE EXCEPTION 'the spine''s entity column % has type %, but the entities of feature set % are of type %',
                            quote_ident(e_col), spine_types[1], quote_literal(feature_set), set_entity_type
                USING ERRCODE = 'datatype_mismatch',
                      DETAIL = 'Floating-point values compare with other types through a rounding cast, so a spine value can match an entity it does not equal, or several.',
                      HINT = format('Cast it to %s in the spine query.', set_entity_type);
        END IF;
    END IF;
    -- statistics of the columns the statements below use only: the other
    -- columns are just carried along, and sampling them costs with their
    -- width (1,000,000 spine rows of 4 columns: 0.14 s for all of them)
    EXECUTE format('ANALYZE pg_temp.timeline_spine (timeline_rid, %I, %I)', e_col, t_col);
    FOR col IN
        SELECT c FROM unnest(spine_cols) c
        WHERE c = 'timeline_rid'
           OR c IN (SELECT m.feature FROM timeline.feature_set_members(feature_set) m)
           OR (label IS NOT NULL AND c = 'label')
           OR (label IS NOT NULL AND incomplete_labels = 'flag' AND c = 'label_complete')
    LOOP
        RAISE EXCEPTION 'spine column % collides with a column of the training set', quote_ident(col)
            USING ERRCODE = 'duplicate_column',
                  HINT = 'Rename it in the spine query.';
    END LOOP;

    -- the spine per entity: its times (and label ends) and row ids
    PERFORM timeline.drop_work_table('timeline_spine_arrays', 'rids');
    -- sorted, not hashed: array_agg's per-group states are large, so a
    -- HashAggregate spills most groups (1,000,000 spine rows: 1.0 s sorted,
    -- 1.3 s hashed, bench/training.sh); sorted by time within an entity
    -- too, at no measurable cost, so read_at_times finds its times in order
    -- (its sort of them checks that first) and reads them front to back
    hashagg := current_setting('enable_hashagg');
    PERFORM set_config('enable_hashagg', 'off', true);
    -- (the entity as it meets the set's: grouped as the sources group theirs)
    EXECUTE format('CREATE TEMP TABLE timeline_spine_arrays ON COMMIT DROP AS
                    SELECT sp.entity, pg_catalog.array_agg(sp.t) AS ts,
                           pg_catalog.array_agg(sp.t + %3$L::pg_catalog.interval) AS tsl,
                           pg_catalog.array_agg(sp.rid) AS rids
                    FROM (SELECT %4$s AS entity, sp.%2$I AS t, sp.timeline_rid AS rid
                          FROM pg_temp.timeline_spine sp WHERE sp.%1$I IS DISTINCT FROM NULL ORDER BY 1, 2) sp
                    GROUP BY 1',
                   e_col, t_col, coalesce(horizon, interval '0'), spine_entity.entity);
    PERFORM set_config('enable_hashagg', hashagg, true);
    CREATE INDEX ON pg_temp.timeline_spine_arrays (entity);
    -- only the entity's statistics: those of the arrays are never used,
    -- and sampling them reads 30,000 of the arrays (0.30 s against 0.05 s)
    ANALYZE pg_temp.timeline_spine_arrays (entity);
    SELECT c.reltuples INTO spine_entities FROM pg_class c WHERE c.oid = 'pg_temp.timeline_spine_arrays'::regclass;

    -- per source: every feature (and the label) in one scan.  The
    -- aggregate hands over one timeline per entity and distinct point
    -- expression (state); one read_at_times per entity reads them all at
    -- the spine's times, one row per spine row: lifetime and trailing
    -- features as aggregate_at_times would (no result timeline is built;
    -- the values are those of values_at bit for bit), since features their
    -- result timeline as values_at would, the label as aggregates_between
    -- over (t, t + horizon] would (a feature's from the later of t and its
    -- window's start at t + horizon).
    FOR g IN
        SELECT x.source, array_agg(x.state ORDER BY x.ord) AS states,
               array_agg(x.read ORDER BY x.ord) AS reads, array_agg(x.agg ORDER BY x.ord) AS aggs,
               array_agg(x.width ORDER BY x.ord) AS widths, array_agg(x.col ORDER BY x.ord) AS cols,
               array_agg(x.counts_rows ORDER BY x.ord) AS counts_rows,
               array_agg(x.filter ORDER BY x.ord) AS filters
          FROM (SELECT m.source,
                       CASE WHEN d.window_kind IN ('lifetime', 'trailing')
                            THEN (timeline.compile_parts(d.source, d.aggregate, d.value_expression, d.window_kind,
                                                         d.window_width, d.window_predicate, d.filter,
                                                         format('feature %s@%s', d.name, d.version))).points
                            ELSE timeline.compile_feature(m.feature, m.version) END AS state,
                       CASE WHEN d.window_kind IN ('lifetime', 'trailing') THEN 'at' ELSE 'value' END AS read,
                       CASE WHEN d.window_kind IN ('lifetime', 'trailing') THEN d.aggregate END AS agg,
                       CASE WHEN d.window_kind = 'trailing' THEN d.window_width END AS width,
                       'c' || m.position AS col, m.position AS ord,
                       (d.aggregate = 'count' AND d.value_expression IS NULL
                        AND d.window_kind IN ('lifetime', 'trailing')) AS counts_rows,
                       d.filter
                  FROM timeline.feature_set_members(feature_set) m
                  JOIN timeline.feature_def d ON d.name = m.feature AND d.version = m.version
                UNION ALL
                SELECT lab_source, lab_expression, lab_reader,
                       CASE WHEN lab_reader = 'between' THEN timeline.label_count_aggregate(lab_aggregate, lab_counts_rows) END,
                       lab_width, 'label', 1000000, lab_counts_rows, lab_filter
                 WHERE label IS NOT NULL) x
         GROUP BY x.source ORDER BY min(x.ord)
    LOOP
        gi := gi + 1;
        s := timeline.source_relation(g.source);
        states := '{}';
        state_of := '{}';
        read_aggs := g.aggs;
        point_states := g.states;
        -- a count of rows reads the points of another expression with the
        -- same filter (one point per row with a time, NULL values too) with
        -- count_rows, so no timeline of ones is built for it
        FOR i IN 1 .. cardinality(g.states) LOOP
            CONTINUE WHEN NOT g.counts_rows[i];
            FOR j IN 1 .. cardinality(g.states) LOOP
                IF NOT g.counts_rows[j] AND g.reads[j] IN ('at', 'between')
                   AND g.filters[j] IS NOT DISTINCT FROM g.filters[i] THEN
                    point_states[i] := g.states[j];
                    read_aggs[i] := 'count_rows';
                    EXIT;
                END IF;
            END LOOP;
        END LOOP;
        FOR i IN 1 .. cardinality(g.states) LOOP
            k := array_position(states, point_states[i]);
            IF k IS NULL THEN
                states := states || point_states[i];
                k := cardinality(states);
            END IF;
            state_of := state_of || k;
        END LOOP;
        SELECT string_agg(format(E'\n             %s AS %I', st, 's' || o), ',' ORDER BY o),
               string_agg(format('f.%I', 's' || o), ', ' ORDER BY o)
          INTO fcols, state_args
          FROM unnest(states) WITH ORDINALITY AS u(st, o);
        SELECT string_agg(format('%I pg_catalog.float8', c), ', '), string_agg(format('u.%I', c), ', '),
               string_agg(format('%I', c), ', ')
          INTO unnest_cols, u_cols, read_cols
          FROM unnest(g.cols) AS u(c);
        -- each entity's timelines stream out of the aggregate and meet its
        -- spine arrays by an index lookup (OFFSET 0 keeps it a lookup), so
        -- no wide timeline is ever hashed or sorted; spine rows of entities
        -- without events get their NULLs from the final LEFT JOIN
        -- a spine holding most of the source's entities reads the whole
        -- source: probing every event against the spine costs more than
        -- aggregating the few entities it lacks (entities from pg_stats)
        SELECT CASE WHEN st.n_distinct < 0 THEN -st.n_distinct * c.reltuples ELSE st.n_distinct END
          INTO source_entities
          FROM pg_stats st JOIN pg_class c ON c.oid = s.relation
         WHERE st.schemaname = (SELECT n.nspname FROM pg_namespace n WHERE n.oid = c.relnamespace)
           AND st.tablename = c.relname AND st.attname = s.entity_column;
        whole_source := coalesce(source_entities > 0 AND spine_entities >= 0.5 * source_entities, false);
        -- the label's completeness needs the source's newest time.  When
        -- this scan reads the whole source and holds a timeline of every
        -- row with a time (an expression without filter), the newest time
        -- is the latest of those timelines' last times: every entity's
        -- (entities without spine rows too, hence the LEFT JOINs, whose
        -- rows have a NULL row id and join no spine row), with no second
        -- scan of the source (0.7-1 s of 10,000,000 events)
        newest_state := NULL;
        IF 'label' = ANY (g.cols) AND whole_source THEN
            FOR i IN 1 .. cardinality(g.states) LOOP
                IF g.reads[i] IN ('at', 'between') AND g.filters[i] IS NULL THEN
                    newest_state := state_of[i];
                    EXIT;
                END IF;
            END LOOP;
        END IF;
        lateral_join := CASE WHEN newest_state IS NULL THEN 'CROSS' ELSE 'LEFT' END;
        lateral_on := CASE WHEN newest_state IS NULL THEN '' ELSE ' ON true' END;
        ctes := ctes || format(
            E'g%s AS (\n'
            '  SELECT u.timeline_rid, %s%s\n'
            '  FROM (SELECT src.%I AS entity,%s\n'
            '        FROM %s AS src\n'
            '        %s\n'
            '        GROUP BY src.%I) f\n'
            '  %s JOIN LATERAL (SELECT sp.ts, sp.tsl, sp.rids FROM pg_temp.timeline_spine_arrays sp\n'
            '                      WHERE sp.entity %s f.entity OFFSET 0) sp%s\n'
            '  %s JOIN LATERAL timeline.read_at_times(sp.rids, sp.ts, sp.tsl, %L::pg_catalog.text[], %L::pg_catalog.text[],\n'
            '                                            %L::pg_catalog.interval[], %L::pg_catalog.int4[], %s)\n'
            '             AS u(timeline_rid pg_catalog.int8, %s)%s)',
            gi, u_cols,
            CASE WHEN newest_state IS NULL THEN ''
                 ELSE format(', timeline.last_time(f.%I) AS timeline_newest', 's' || newest_state) END,
            s.entity_column, fcols, s.relation,
            CASE WHEN whole_source THEN ''
                 ELSE format('WHERE src.%I %s ANY (SELECT sp.entity FROM pg_temp.timeline_spine_arrays sp)',
                             s.entity_column, spine_entity.eq) END,
            s.entity_column, lateral_join, spine_entity.eq, lateral_on, lateral_join,
            g.reads, read_aggs, g.widths, state_of, state_args, unnest_cols, lateral_on);
        -- back to the spine by merge joins in row id order: each side
        -- sorted in a subquery, so the planner needs no hash join and no
        -- final sort (1,000,000 spine rows: 1.7 s instead of 2.2 s), and
        -- DISTINCT ON tells it that a row id occurs once, so the merge
        -- needs no Materialize of this side (the rows with a NULL id, of
        -- entities without spine rows, collapse into one and join none)
        -- (the read columns only: the newest time is not sorted along)
        joins := joins || format(E'\nLEFT JOIN (SELECT DISTINCT ON (timeline_rid) timeline_rid, %s FROM g%s ORDER BY timeline_rid) g%s\n'
                                 '       ON g%s.timeline_rid = s.timeline_rid', read_cols, gi, gi, gi);
        group_sources := group_sources || g.source;
        IF 'label' = ANY (g.cols) THEN
            label_gi := gi;
            label_rel := s.relation;
            IF newest_state IS NOT NULL THEN
                newest_sql := format('(SELECT pg_catalog.max(g%s.timeline_newest) FROM g%s)', gi, gi);
            END IF;
        END IF;
    END LOOP;

    -- columns: the spine's, one per feature (count features are 0, not
    -- NULL, before an entity's first event, when entity and time are
    -- known), then the label
    SELECT string_agg(format('s.%I', c), ', ' ORDER BY o) INTO select_cols
      FROM unnest(spine_cols) WITH ORDINALITY AS u(c, o);
    SELECT select_cols || string_agg(
               format(E',\n       %s AS %I',
                      timeline.zero_count_sql(m.aggregate,
                                              format('g%s.%I', array_position(group_sources, m.source), 'c' || m.position),
                                              format('s.%I IS DISTINCT FROM NULL AND s.%I IS DISTINCT FROM NULL', e_col, t_col)),
                      m.feature), '' ORDER BY m.position)
      INTO select_cols
      FROM timeline.feature_set_members(feature_set) m;
    IF label IS NOT NULL THEN
        select_cols := select_cols || format(
            E',\n       %s AS label',
            timeline.zero_count_sql(timeline.label_count_aggregate(lab_aggregate, lab_counts_rows),
                                    format('g%s.label', label_gi),
                                    format('s.%I IS DISTINCT FROM NULL AND s.%I IS DISTINCT FROM NULL', e_col, t_col))
            || CASE WHEN lab_aggregate = 'any' THEN ' > 0' ELSE '' END);
        IF newest_sql IS NULL THEN
            -- an infinite time fails here as it fails timeline_agg when the
            -- whole source is aggregated (taken as the newest event, it
            -- made every label complete); max and min, which an index
            -- leading with the time serves both
            EXECUTE format('SELECT pg_catalog.max(src.%1$I), pg_catalog.min(src.%1$I) FROM %2$s AS src',
                           (timeline.source_relation(lab_source)).time_column, label_rel) INTO newest, oldest;
            IF NOT pg_catalog.isfinite(newest) OR NOT pg_catalog.isfinite(oldest) THEN
                RAISE EXCEPTION 'timeline points cannot have infinite times'
                    USING ERRCODE = 'datetime_field_overflow',
                          DETAIL = format('Source %s, which the label reads, has an event at an infinite time.', quote_literal(lab_source)),
                          HINT = 'Filter out rows whose time is infinity or -infinity.';
            END IF;
            -- in UTC and ISO form: the session's DateStyle would write the
            -- zone as an abbreviation (IST, read back as Israel's), moving
            -- the newest event and with it every label's completeness
            newest_sql := CASE WHEN newest IS NULL OR NOT pg_catalog.isfinite(newest)
                               THEN format('%L::pg_catalog.timestamptz', newest)
                               ELSE format('%L::pg_catalog.timestamptz',
                                           pg_catalog.to_char(newest AT TIME ZONE 'UTC',
                                                              'YYYY-MM-DD"T"HH24:MI:SS.US"+00" BC'))
                          END;
        END IF;
        IF incomplete_labels = 'flag' THEN
            select_cols := select_cols || format(E',\n       coalesce(s.%I + %L::pg_catalog.interval <= %s, false) AS label_complete',
                                                 t_col, horizon, newest_sql);
        END IF;
    END IF;

    sql := format(E'CREATE TABLE %I.%I AS\nWITH %s\nSELECT %s\nFROM (SELECT * FROM pg_temp.timeline_spine ORDER BY timeline_rid) s%s',
                  tgt_schema, tgt_name, array_to_string(ctes, E',\n'), select_cols, joins);
    IF label IS NOT NULL AND incomplete_labels = 'exclude' THEN
        sql := sql || format(E'\nWHERE s.%I + %L::pg_catalog.interval <= %s',
                             t_col, horizon, newest_sql);
    END IF;
    sql := sql || E'\nORDER BY s.timeline_rid';
    -- reading most of a source in entity order through its index is one
    -- random heap read per event when the table is in arrival order; a scan
    -- and a sort or hash is faster, and bitmap scans still serve a small
    -- spine.  Of those two, the hash: with the sort off the GROUP BY is a
    -- HashAggregate (the sorts of the subqueries stay, having no other way),
    -- which the planner costs within a few percent of a Sort and
    -- GroupAggregate but which ran 7% faster in bench/training.sh's
    -- statement (4 runs each, interleaved) and on two machines.  Plain
    -- index scans stay where they read no source at random: a source in
    -- entity order, an index-only scan (timeline.avoid_random_index_scans,
    -- see load_hooks; set here, not in a SET clause, since the spine ran
    -- in the caller's settings).  (The caller's settings are put back
    -- below.)
    PERFORM set_config('enable_sort', 'off', true);
    PERFORM set_config('timeline.avoid_random_index_scans', 'on', true);
    -- and without JIT: the sorts that stay are costed as disabled (plus
    -- 1e10), which puts any statement above every jit_*_above_cost, and
    -- inlining and optimizing the plan's expressions took 1.5 s of the
    -- benchmark's statement with PostgreSQL's default jit = on
    PERFORM set_config('jit', 'off', true);
    EXECUTE sql;
    GET DIAGNOSTICS nrows = ROW_COUNT;
    -- the record names the table's schema as the catalogs do: pg_temp is
    -- this session's pg_temp_N (check_training_set found no record of it)
    SELECT n.nspname INTO tgt_schema FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.oid = to_regclass(format('%I.%I', tgt_schema, tgt_name));

    DELETE FROM timeline.training_set_def d WHERE d.target_schema = tgt_schema
       AND d.target_name = tgt_name;
    INSERT INTO timeline.training_set_def (target_schema, target_name, feature_set, spine, entity_column,
                                           time_column, label, horizon, incomplete_labels)
    VALUES (tgt_schema, tgt_name, feature_set, spine, e_col, t_col, label, horizon, incomplete_labels);
    DROP TABLE pg_temp.timeline_spine, pg_temp.timeline_spine_arrays;
    PERFORM set_config('TimeZone', caller_settings[1], true),
            set_config('timeline.avoid_random_index_scans', caller_settings[2], true),
            set_config('enable_sort', caller_settings[3], true), set_config('jit', caller_settings[4], true);
    RETURN nrows;
END;
$$;
COMMENT ON FUNCTION timeline.create_training_set_in(pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.interval, pg_catalog.text, pg_catalog.text) IS
'internal: the body of timeline.create_training_set, run with a pinned search_path';

CREATE FUNCTION timeline.create_training_set(target_table pg_catalog.text, feature_set pg_catalog.text,
    spine pg_catalog.text, label pg_catalog.text DEFAULT NULL, horizon pg_catalog.interval DEFAULT NULL,
    incomplete_labels pg_catalog.text DEFAULT 'exclude')
RETURNS pg_catalog.int8
LANGUAGE sql VOLATILE PARALLEL UNSAFE
AS $$
    SELECT timeline.create_training_set_in($1, $2, $3, $4, $5, $6, pg_catalog.current_setting('search_path'))
$$;
COMMENT ON FUNCTION timeline.create_training_set(pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.interval, pg_catalog.text) IS
'creates target_table: the spine''s rows, every feature as of the observation time, and a label from (t, t + horizon]; returns the row count';

CREATE FUNCTION timeline.check_training_set(target_table pg_catalog.regclass, sample pg_catalog.int4 DEFAULT 100,
    feature_set pg_catalog.text DEFAULT NULL)
RETURNS TABLE (entity pg_catalog.text, "time" pg_catalog.timestamptz, feature pg_catalog.text,
               stored pg_catalog.float8, recomputed pg_catalog.float8)
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
SET TimeZone = 'UTC'              -- undoes enter_feature_set_zone on return
AS $$
#variable_conflict use_column
DECLARE
    def timeline.training_set_def;
    fs text := feature_set;
    set_sources text[];
    e_col text;
    t_col text;
    missing text;
    g record;
    s record;
    ctes text[] := '{}';
    joins text := '';
    checks text[] := '{}';
    fcols text;
    vcols text;
    gi int := 0;
    m record;
    check_entity record;
BEGIN
    IF sample IS NULL OR sample < 1 THEN
        RAISE EXCEPTION 'sample must be at least 1' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT d.* INTO def FROM timeline.training_set_def d
      JOIN pg_class c ON c.relname = d.target_name
      JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = d.target_schema
     WHERE c.oid = target_table;
    IF FOUND THEN
        fs := coalesce(fs, def.feature_set);
        e_col := def.entity_column;
        t_col := def.time_column;
    ELSE
        IF fs IS NULL THEN
            RAISE EXCEPTION '% was not made by timeline.create_training_set', target_table
                USING ERRCODE = 'undefined_object',
                      HINT = 'Pass feature_set to check a table made another way; its first two columns must be the entity and the observation time.';
        END IF;
        SELECT (array_agg(a.attname::text ORDER BY a.attnum))[1], (array_agg(a.attname::text ORDER BY a.attnum))[2]
          INTO e_col, t_col
          FROM pg_attribute a WHERE a.attrelid = target_table AND a.attnum > 0 AND NOT a.attisdropped;
    END IF;
    PERFORM timeline.enter_feature_set_zone(fs);
    -- its sources still one kind of entity after an ALTER TABLE of one, as
    -- create_training_set checks (a source retyped to float8 recomputed
    -- the spine's bigint 9007199254740993 from the events of ...992)
    set_sources := timeline.set_sources(fs);
    IF timeline.entity_mismatch(set_sources) IS NOT NULL THEN
        PERFORM timeline.check_set_entities(fs, set_sources);
    END IF;
    SELECT string_agg(quote_ident(m.feature), ', ') INTO missing
      FROM timeline.feature_set_members(fs) m
     WHERE NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = target_table
                          AND a.attname = m.feature AND a.attnum > 0 AND NOT a.attisdropped);
    IF missing IS NOT NULL THEN
        RAISE EXCEPTION '% has no column for feature %', target_table, missing
            USING ERRCODE = 'undefined_column';
    END IF;

    -- a random sample of the rows, with their stored feature values
    PERFORM timeline.drop_work_table('timeline_check', 'timeline_rid');
    SELECT string_agg(format(', t.%I::pg_catalog.float8 AS %I', m.feature, 'c' || m.position), '' ORDER BY m.position)
      INTO fcols FROM timeline.feature_set_members(fs) m;
    EXECUTE format('CREATE TEMP TABLE timeline_check ON COMMIT DROP AS
                    SELECT pg_catalog.row_number() OVER () AS timeline_rid, x.*
                    FROM (SELECT t.%I AS e, t.%I AS t%s FROM %s AS t
                          ORDER BY pg_catalog.random() LIMIT %s) x',
                   e_col, t_col, fcols, target_table, sample);
    -- its entities meet the set's as the spine's did (spine_entity_sql)
    check_entity := timeline.spine_entity_sql(fs, 'c.e',
                                              (SELECT a.atttypid FROM pg_attribute a
                                                WHERE a.attrelid = 'pg_temp.timeline_check'::regclass AND a.attname = 'e'));
    IF check_entity.entity IS NULL THEN
        RAISE EXCEPTION 'the entity column % of % has type %, but the entities of feature set % are of type %',
                        quote_ident(e_col), target_table, timeline.column_type(target_table, e_col), quote_literal(fs),
                        timeline.entity_type(ARRAY(SELECT DISTINCT m.source FROM timeline.feature_set_members(fs) m))
            USING ERRCODE = 'datatype_mismatch';
    END IF;

    -- recompute each sampled row from the events at or before its time only
    FOR g IN
        SELECT m.source, array_agg(m.feature ORDER BY m.position) AS features,
               array_agg(m.version ORDER BY m.position) AS versions,
               array_agg(m.position ORDER BY m.position) AS positions
          FROM timeline.feature_set_members(fs) m
         GROUP BY m.source ORDER BY min(m.position)
    LOOP
        gi := gi + 1;
        s := timeline.source_relation(g.source);
        SELECT string_agg(format(E'\n  %s AS %I', timeline.compile_feature(f, v), 'c' || p), ','),
               string_agg(format('timeline.value_at(f.%I, c.t) AS %I', 'c' || p, 'c' || p), ', ')
          INTO fcols, vcols
          FROM unnest(g.features, g.versions, g.positions) AS u(f, v, p);
        ctes := ctes || format(E'r%s AS (SELECT c.timeline_rid, %s\n FROM pg_temp.timeline_check c\n'
                               ' LEFT JOIN LATERAL (SELECT %s\n   FROM %s AS src WHERE src.%I %s %s AND src.%I <= c.t) f ON true)',
                               gi, vcols, fcols, s.relation, s.entity_column, check_entity.eq, check_entity.entity,
                               s.time_column);
        joins := joins || format(' LEFT JOIN r%s USING (timeline_rid)', gi);
        FOR m IN SELECT u.f, u.p, d.aggregate FROM unnest(g.features, g.positions) AS u(f, p)
                   JOIN timeline.feature_def d ON d.name = u.f AND d.version = g.versions[array_position(g.positions, u.p)]
        LOOP
            checks := checks || format(
                E'SELECT c.e::pg_catalog.text, c.t, %L, c.%I, %s FROM pg_temp.timeline_check c%s\n'
                ' WHERE c.%I IS DISTINCT FROM %s',
                m.f, 'c' || m.p,
                timeline.zero_count_sql(m.aggregate, format('r%s.%I', gi, 'c' || m.p),
                                        'c.e IS DISTINCT FROM NULL AND c.t IS DISTINCT FROM NULL'),
                '%JOINS%', 'c' || m.p,
                timeline.zero_count_sql(m.aggregate, format('r%s.%I', gi, 'c' || m.p),
                                        'c.e IS DISTINCT FROM NULL AND c.t IS DISTINCT FROM NULL'));
        END LOOP;
    END LOOP;
    RETURN QUERY EXECUTE format(E'WITH %s\n%s\nORDER BY 1, 2, 3', array_to_string(ctes, E',\n'),
                                replace(array_to_string(checks, E'\nUNION ALL\n'), '%JOINS%', joins));
    DROP TABLE pg_temp.timeline_check;
END;
$$;
COMMENT ON FUNCTION timeline.check_training_set(pg_catalog.regclass, pg_catalog.int4, pg_catalog.text) IS
'recomputes a random sample of a training set''s rows from only the events at or before each observation time; returns every difference';

CREATE FUNCTION timeline.feature_stats(feature pg_catalog.text, "from" pg_catalog.timestamptz,
    "to" pg_catalog.timestamptz, bucket pg_catalog.interval,
    baseline_from pg_catalog.timestamptz DEFAULT NULL, baseline_to pg_catalog.timestamptz DEFAULT NULL)
RETURNS TABLE (bucket_start pg_catalog.timestamptz, bucket_end pg_catalog.timestamptz,
               count pg_catalog.int8, null_rate pg_catalog.float8, mean pg_catalog.float8,
               stddev pg_catalog.float8, min pg_catalog.float8, max pg_catalog.float8,
               quantiles pg_catalog.float8[], psi pg_catalog.float8)
LANGUAGE plpgsql STABLE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
SET timeline.avoid_random_index_scans = on     -- see load_hooks
AS $$
DECLARE
    f record;
    s record;
    agg text;
    t timestamptz;
    starts timestamptz[] := '{}';
    expr text;
    seq_arg text := '';
    read_sql text;
BEGIN
    IF feature IS NULL OR "from" IS NULL OR "to" IS NULL OR bucket IS NULL THEN
        RAISE EXCEPTION 'feature, from, to and bucket must not be NULL' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF NOT isfinite("from") OR NOT isfinite("to") THEN
        RAISE EXCEPTION 'from and to must be finite' USING ERRCODE = '22008';
    END IF;
    IF "from" >= "to" THEN
        RAISE EXCEPTION 'from must be before to' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF NOT timeline.moves_forward(bucket) THEN
        RAISE EXCEPTION 'bucket must be a positive interval' USING ERRCODE = 'invalid_parameter_value',
            DETAIL = 'Every bucket must end after it starts: no field of the bucket (months, days, time) may be negative.';
    END IF;
    -- bucket n starts at from + n * bucket, as ticks steps from its origin
    -- (monthly buckets from January 31 start on the last day of each month;
    -- adding a month to the previous start drifted to the 28th); the starts
    -- increase with n, no field of bucket being negative
    BEGIN
        LOOP
            t := "from" + pg_catalog.cardinality(starts) * bucket;
            EXIT WHEN t >= "to";
            IF pg_catalog.cardinality(starts) = 100000 THEN
                RAISE EXCEPTION 'too many buckets: more than 100000' USING ERRCODE = 'program_limit_exceeded',
                    HINT = 'Use a wider bucket or a shorter range.';
            END IF;
            starts := starts || t;
        END LOOP;
    EXCEPTION WHEN datetime_field_overflow THEN
        NULL;   -- a start past the end of the timestamp range is past to
    END;
    IF (baseline_from IS NULL) <> (baseline_to IS NULL) OR baseline_from >= baseline_to THEN
        RAISE EXCEPTION 'baseline_from and baseline_to must both be given, in order, or both be NULL'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    f := timeline.resolve_feature(feature);
    SELECT d.source, d.aggregate INTO s FROM timeline.feature_def d WHERE d.name = f.name AND d.version = f.version;
    agg := s.aggregate;
    s := timeline.source_relation(s.source);
    IF s.seq_column IS NOT NULL THEN
        seq_arg := format(', src.%I::pg_catalog.int8', s.seq_column);
    END IF;
    -- the feature's timeline; an entity without a row that passes the
    -- feature's filter has none (NULL), read as empty, and a NULL entity
    -- has no features (as in a training set)
    expr := format($e$coalesce(CASE WHEN src.%I IS DISTINCT FROM NULL THEN %s END, 'discrete{}'::timeline.timeline)$e$,
                   s.entity_column, timeline.compile_feature(f.name, f.version));
    expr := format('timeline.observe(%s, timeline.timeline_agg(src.%I, 1::pg_catalog.float8%s) FILTER (WHERE %s))',
                   expr, s.time_column, seq_arg,
                   format('(src.%1$I >= $1 AND src.%1$I < $2) OR (src.%1$I >= $4 AND src.%1$I < $5)', s.time_column));
    IF agg IN ('count', 'count_if') THEN
        -- 0 before the entity's first (filtered) row, as in a training set
        expr := format('CASE WHEN src.%I IS DISTINCT FROM NULL THEN timeline.fill_nulls(%s, 0) ELSE %s END',
                       s.entity_column, expr, expr);
    END IF;

    -- the feature's value as of every event of its source in [from, to) and
    -- in the baseline period, computed from the events before the later of
    -- their ends (nothing later can change it): every entity's timeline in
    -- one GROUP BY
    read_sql := format('SELECT %s AS tl FROM %s AS src WHERE src.%I < greatest($2, $5) GROUP BY src.%I',
                       expr, s.relation, s.time_column, s.entity_column);
    PERFORM timeline.load_hooks();
    RETURN QUERY EXECUTE format($q$
        WITH b AS (
            SELECT u.s AS bucket_start, coalesce(pg_catalog.lead(u.s) OVER (ORDER BY u.i), $2) AS bucket_end,
                   u.i AS bi
            FROM pg_catalog.unnest($6) WITH ORDINALITY AS u(s, i)),
        v AS (
            SELECT p."time" AS t, p.value AS v,
                   CASE WHEN p."time" >= $1 AND p."time" < $2
                        THEN pg_catalog.width_bucket(p."time", $6) END AS bi
            FROM (%s) x,
                 LATERAL timeline.points(x.tl) p),
        base AS (
            SELECT v.v FROM v WHERE v.v IS NOT NULL
               AND CASE WHEN $4 IS NULL THEN v.bi = 1 ELSE v.t >= $4 AND v.t < $5 END),
        edges AS (
            SELECT pg_catalog.array_agg(DISTINCT q ORDER BY q) AS e
            FROM pg_catalog.unnest((SELECT pg_catalog.percentile_disc(ARRAY[0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9])
                                            WITHIN GROUP (ORDER BY base.v) FROM base)) AS q),
        base_bins AS (
            SELECT pg_catalog.width_bucket(base.v, (SELECT e FROM edges)) AS bin,
                   pg_catalog.count(*)::pg_catalog.float8 / pg_catalog.sum(pg_catalog.count(*)) OVER () AS p
            FROM base GROUP BY 1),
        bucket_bins AS (
            SELECT v.bi, pg_catalog.width_bucket(v.v, (SELECT e FROM edges)) AS bin,
                   pg_catalog.count(*)::pg_catalog.float8 / pg_catalog.sum(pg_catalog.count(*)) OVER (PARTITION BY v.bi) AS q
            FROM v WHERE v.v IS NOT NULL AND v.bi IS NOT NULL GROUP BY 1, 2),
        psi AS (
            SELECT bb.bi, pg_catalog.sum((greatest(coalesce(q.q, 0), 1e-4) - greatest(coalesce(bb0.p, 0), 1e-4))
                                     * pg_catalog.ln(greatest(coalesce(q.q, 0), 1e-4)
                                                     / greatest(coalesce(bb0.p, 0), 1e-4))) AS psi
            FROM (SELECT DISTINCT bucket_bins.bi FROM bucket_bins) bb
            CROSS JOIN (SELECT bin FROM base_bins UNION SELECT bin FROM bucket_bins) bins
            LEFT JOIN base_bins bb0 ON bb0.bin = bins.bin
            LEFT JOIN bucket_bins q ON q.bi = bb.bi AND q.bin = bins.bin
            WHERE EXISTS (SELECT 1 FROM base)
            GROUP BY bb.bi)
        SELECT b.bucket_start, b.bucket_end, pg_catalog.count(v.bi),
               CASE WHEN pg_catalog.count(v.bi) > 0
                    THEN pg_catalog.count(v.bi) FILTER (WHERE v.v IS NULL)::pg_catalog.float8 / pg_catalog.count(v.bi) END,
               pg_catalog.avg(v.v), pg_catalog.stddev_samp(v.v), pg_catalog.min(v.v), pg_catalog.max(v.v),
               pg_catalog.percentile_cont(ARRAY[0.05, 0.25, 0.5, 0.75, 0.95]) WITHIN GROUP (ORDER BY v.v),
               psi.psi
        FROM b LEFT JOIN v ON v.bi = b.bi
        -- joined, not a subquery per bucket (which ran the whole PSI
        -- aggregation again for each: 20,000 buckets took 30 s)
        LEFT JOIN psi ON psi.bi = b.bi
        GROUP BY b.bi, b.bucket_start, b.bucket_end, psi.psi
        ORDER BY b.bucket_start $q$, read_sql)
    USING "from", "to", bucket, baseline_from, baseline_to, starts;
END;
$$;
COMMENT ON FUNCTION timeline.feature_stats(pg_catalog.text, pg_catalog.timestamptz, pg_catalog.timestamptz, pg_catalog.interval, pg_catalog.timestamptz, pg_catalog.timestamptz) IS
'per bucket of [from, to): count, null rate, mean, stddev, min, max, quantiles (5/25/50/75/95%) and PSI drift against a baseline (default the first bucket) of a feature''s values at its source''s events';

-- discovery views
CREATE FUNCTION timeline.try_feature_sql(feature pg_catalog.text, version pg_catalog.int4)
RETURNS pg_catalog.text
LANGUAGE plpgsql STABLE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN timeline.feature_sql(feature || '@' || version);
EXCEPTION WHEN OTHERS THEN
    RETURN '-- cannot compile: ' || SQLERRM;
END;
$$;
COMMENT ON FUNCTION timeline.try_feature_sql(pg_catalog.text, pg_catalog.int4) IS
'internal: timeline.feature_sql of one version, or why it cannot compile, for the catalog views';

CREATE VIEW timeline.sources AS
SELECT d.name, format('%I.%I', d.relation_schema, d.relation_name) AS relation,
       d.entity_column, d.time_column, d.seq_column,
       (SELECT count(DISTINCT f.name) FROM timeline.feature_def f WHERE f.source = d.name) AS features,
       d.created_at, d.created_by
FROM timeline.source_def d;
COMMENT ON VIEW timeline.sources IS 'registered feature sources';

CREATE VIEW timeline.feature_versions AS
SELECT d.name, d.version,
       d.version = max(d.version) OVER (PARTITION BY d.name) AS is_current,
       d.source, d.aggregate, d.value_expression,
       CASE d.window_kind WHEN 'lifetime' THEN 'lifetime'
                          WHEN 'trailing' THEN d.window_width::text
                          ELSE 'since(' || d.window_predicate || ')' END AS "window",
       d.filter, d.description, d.owner, d.created_at, d.created_by,
       timeline.try_feature_sql(d.name, d.version) AS sql
FROM timeline.feature_def d;
COMMENT ON VIEW timeline.feature_versions IS 'every version of every feature, with the SQL it compiles to';

CREATE VIEW timeline.features AS
SELECT v.name, v.version AS current_version,
       (SELECT count(*) FROM timeline.feature_def d WHERE d.name = v.name) AS versions,
       v.source, v.aggregate, v.value_expression, v."window", v.filter, v.description, v.owner,
       v.created_at AS updated_at, v.created_by AS updated_by,
       ARRAY(SELECT DISTINCT m.feature_set || CASE WHEN m.version = v.version THEN '' ELSE '@' || m.version END
               FROM timeline.feature_set_member m WHERE m.feature = v.name ORDER BY 1) AS feature_sets,
       v.sql
FROM timeline.feature_versions v
WHERE v.is_current;
COMMENT ON VIEW timeline.features IS
'the current version of every feature, its SQL and the feature sets that use it (set@version where they pin an older version)';

CREATE VIEW timeline.feature_sets AS
SELECT d.name, d.description, d.time_zone,
       ARRAY(SELECT m.feature || '@' || m.version FROM timeline.feature_set_member m
              WHERE m.feature_set = d.name ORDER BY m.position) AS features,
       ARRAY(SELECT DISTINCT f.source FROM timeline.feature_set_member m
               JOIN timeline.feature_def f ON f.name = m.feature AND f.version = m.version
              WHERE m.feature_set = d.name ORDER BY 1) AS sources,
       'entity ' || timeline.entity_type(timeline.set_sources(d.name))
         || (SELECT string_agg(format(', %I timeline.timeline', m.feature), '' ORDER BY m.position)
               FROM timeline.feature_set_member m WHERE m.feature_set = d.name) AS column_definitions,
       d.created_at, d.created_by
FROM timeline.feature_set_def d;
COMMENT ON VIEW timeline.feature_sets IS
'feature sets, their pinned feature versions and the column definitions to use with timeline.feature_timelines';

CREATE VIEW timeline.training_sets AS
SELECT format('%I.%I', d.target_schema, d.target_name) AS target_table,
       timeline.relation_named(d.target_schema, d.target_name) IS NOT NULL AS exists,
       d.feature_set, d.spine, d.entity_column, d.time_column, d.label, d.horizon, d.incomplete_labels,
       d.created_at, d.created_by
FROM timeline.training_set_def d;
COMMENT ON VIEW timeline.training_sets IS 'training sets made by timeline.create_training_set';

GRANT SELECT ON timeline.sources, timeline.feature_versions, timeline.features, timeline.feature_sets,
    timeline.training_sets TO PUBLIC;

--
-- Resumable feature state (incremental materialization): the state of one
-- aggregation of one entity, advanced by later points, read at any later
-- time, equal bit for bit to the aggregation over all points.
--
CREATE FUNCTION timeline.state_new(aggregate pg_catalog.text, width pg_catalog.interval DEFAULT NULL,
                                   since pg_catalog.bool DEFAULT false)
RETURNS pg_catalog.bytea
AS 'MODULE_PATHNAME', 'timeline_state_new'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION timeline.state_new(pg_catalog.text, pg_catalog.interval, pg_catalog.bool) IS
'an empty feature state: an aggregate over a lifetime window, a trailing window of width, or a since window';

CREATE FUNCTION timeline.state_advance(state pg_catalog.bytea, points timeline.timeline,
                                       reset timeline.timeline DEFAULT NULL)
RETURNS pg_catalog.bytea
AS 'MODULE_PATHNAME', 'timeline_state_advance'
LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION timeline.state_advance(pg_catalog.bytea, timeline.timeline, timeline.timeline) IS
'the feature state after later points (and, for a since window, later reset points); NULL timelines add nothing';

CREATE FUNCTION timeline.state_value_at(state pg_catalog.bytea, t pg_catalog.timestamptz)
RETURNS pg_catalog.float8
AS 'MODULE_PATHNAME', 'timeline_state_value_at'
LANGUAGE C STABLE STRICT PARALLEL SAFE;     -- a width of days or months reads the session's time zone
COMMENT ON FUNCTION timeline.state_value_at(pg_catalog.bytea, pg_catalog.timestamptz) IS
'the feature''s value at t, at or after the state''s last point (trailing windows expire exactly)';

CREATE FUNCTION timeline.state_value_at(state pg_catalog.bytea, t pg_catalog.timestamptz,
    time_zone pg_catalog.text)
RETURNS pg_catalog.float8
AS 'MODULE_PATHNAME', 'timeline_state_value_at_zone'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.state_value_at(pg_catalog.bytea, pg_catalog.timestamptz, pg_catalog.text) IS
'the feature''s value at t as computed in time_zone (the zone the state was advanced in), whatever the session''s';

CREATE FUNCTION timeline.state_last_time(state pg_catalog.bytea)
RETURNS pg_catalog.timestamptz
AS 'MODULE_PATHNAME', 'timeline_state_last_time'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.state_last_time(pg_catalog.bytea) IS
'the time of the last point a feature state holds; NULL if none';

--
-- Materialization: per-entity feature states kept current from a change
-- log (deferred, folded by timeline.refresh) or by the writing statement
-- (immediate).  Each (feature set, source) pair has a state table (one
-- bytea state per feature, see feature_state.c) and a change log in schema
-- timeline_state; the catalog below links them.
--
CREATE SCHEMA timeline_state;
COMMENT ON SCHEMA timeline_state IS 'state and change-log tables of timeline''s materialized feature sets';
GRANT USAGE, CREATE ON SCHEMA timeline_state TO PUBLIC;

CREATE TABLE timeline.materialization_def (
    feature_set pg_catalog.text PRIMARY KEY REFERENCES timeline.feature_set_def (name),
    mode pg_catalog.text NOT NULL CHECK (mode IN ('deferred', 'immediate')),
    job_name pg_catalog.text,
    owner pg_catalog.name NOT NULL DEFAULT current_user,
    created_at pg_catalog.timestamptz NOT NULL,
    created_by pg_catalog.name NOT NULL
);
COMMENT ON TABLE timeline.materialization_def IS 'materialized feature sets; read through timeline.materializations';

CREATE TABLE timeline.materialization_source (
    id pg_catalog.int4 PRIMARY KEY,
    feature_set pg_catalog.text NOT NULL REFERENCES timeline.materialization_def (feature_set),
    source pg_catalog.text NOT NULL REFERENCES timeline.source_def (name),
    state_table pg_catalog.name NOT NULL,
    log_table pg_catalog.name NOT NULL,
    watermark pg_catalog.timestamptz,
    refreshed_at pg_catalog.timestamptz,
    refreshes pg_catalog.int8 NOT NULL DEFAULT 0,
    last_entities pg_catalog.int8,
    -- how many tables carry the capture triggers: the source and its
    -- partitions or child tables, as refresh last saw them
    captured_tables pg_catalog.int4 NOT NULL DEFAULT 1,
    owner pg_catalog.name NOT NULL DEFAULT current_user,
    UNIQUE (feature_set, source)
);
COMMENT ON TABLE timeline.materialization_source IS
'one row per source of a materialized feature set: its state and change-log tables and refresh status';

CREATE SEQUENCE timeline.materialization_id_seq;
COMMENT ON SEQUENCE timeline.materialization_id_seq IS 'numbers the state and change-log tables';

CREATE TRIGGER stamp BEFORE INSERT ON timeline.materialization_def
    FOR EACH ROW EXECUTE FUNCTION timeline.stamp_change();

-- everyone reads, and every reader of a materialization trusts the state
-- its owner keeps: so a feature set is materialized only by the role that
-- created it (or a member of it), a materialization's sources are added
-- only with it (in its transaction, by its owner), and only its owner
-- changes or removes them (found by a helper's security review: any role
-- could add a source row naming tables of its own to another role's
-- materialization, whose readers then ran that role's code)
CREATE FUNCTION timeline.may_materialize(feature_set pg_catalog.text)
RETURNS pg_catalog.bool
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT EXISTS (SELECT 1 FROM timeline.feature_set_def f
                   JOIN pg_catalog.pg_roles r ON r.rolname = f.created_by
                   WHERE f.name = feature_set AND pg_catalog.pg_has_role(current_user, r.oid, 'MEMBER'))
$$;
COMMENT ON FUNCTION timeline.may_materialize(pg_catalog.text) IS
'internal: whether the current user may materialize a feature set (the role that created it, or a member of it)';
ALTER TABLE timeline.materialization_def ENABLE ROW LEVEL SECURITY;
ALTER TABLE timeline.materialization_source ENABLE ROW LEVEL SECURITY;
CREATE POLICY read ON timeline.materialization_def FOR SELECT USING (true);
CREATE POLICY add ON timeline.materialization_def FOR INSERT
    WITH CHECK (owner = current_user AND timeline.may_materialize(feature_set));
CREATE POLICY change ON timeline.materialization_def FOR UPDATE
    USING (pg_catalog.pg_has_role(current_user, owner, 'MEMBER'))
    WITH CHECK (pg_catalog.pg_has_role(current_user, owner, 'MEMBER') AND timeline.may_materialize(feature_set));
CREATE POLICY remove ON timeline.materialization_def FOR DELETE
    USING (pg_catalog.pg_has_role(current_user, owner, 'MEMBER'));
CREATE POLICY read ON timeline.materialization_source FOR SELECT USING (true);
CREATE POLICY add ON timeline.materialization_source FOR INSERT
    WITH CHECK (owner = current_user
                AND EXISTS (SELECT 1 FROM timeline.materialization_def d
                            WHERE d.feature_set = materialization_source.feature_set
                              AND d.owner = current_user AND d.created_at = pg_catalog.now()));
CREATE POLICY change ON timeline.materialization_source FOR UPDATE
    USING (pg_catalog.pg_has_role(current_user, owner, 'MEMBER'))
    WITH CHECK (pg_catalog.pg_has_role(current_user, owner, 'MEMBER')
                AND EXISTS (SELECT 1 FROM timeline.materialization_def d
                            WHERE d.feature_set = materialization_source.feature_set
                              AND d.owner = materialization_source.owner));
CREATE POLICY remove ON timeline.materialization_source FOR DELETE
    USING (pg_catalog.pg_has_role(current_user, owner, 'MEMBER'));
GRANT SELECT, INSERT, UPDATE, DELETE ON timeline.materialization_def, timeline.materialization_source TO PUBLIC;
GRANT USAGE ON SEQUENCE timeline.materialization_id_seq TO PUBLIC;

SELECT pg_catalog.pg_extension_config_dump('timeline.materialization_def', '');
SELECT pg_catalog.pg_extension_config_dump('timeline.materialization_source', '');
SELECT pg_catalog.pg_extension_config_dump('timeline.materialization_id_seq', '');

-- raises unless the feature set is materialized
CREATE FUNCTION timeline.check_materialized(feature_set pg_catalog.text)
RETURNS void
LANGUAGE plpgsql STABLE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM timeline.materialization_def d WHERE d.feature_set = check_materialized.feature_set) THEN
        RAISE EXCEPTION 'feature set % is not materialized', coalesce(quote_literal(feature_set), 'NULL')
            USING ERRCODE = 'undefined_object',
                  HINT = 'Create its state with timeline.materialize.';
    END IF;
END;
$$;
COMMENT ON FUNCTION timeline.check_materialized(pg_catalog.text) IS
'internal: raises 42704 unless the feature set is materialized';

-- the per-feature SQL of a materialization: column names and the state
-- expressions, full (from nothing) and folded (from the stored state), and
-- with timelines => true (verify) the SQL of each feature's timeline, whose
-- compilation was half of the SQL compiled at every immediate-mode write
-- (0.5 ms of 4.8 with ten features), which never read it
CREATE FUNCTION timeline.state_columns(feature_set pg_catalog.text, source pg_catalog.text,
    timelines pg_catalog.bool DEFAULT false,
    OUT feature pg_catalog.text, OUT aggregate pg_catalog.text, OUT new_state pg_catalog.text,
    OUT points pg_catalog.text, OUT reset pg_catalog.text, OUT timeline_sql pg_catalog.text)
RETURNS SETOF record
LANGUAGE plpgsql STABLE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    m record;
    d timeline.feature_def;
    p record;
    src record;
    checked bool := false;
BEGIN
    FOR m IN SELECT * FROM timeline.feature_set_members(feature_set) x WHERE x.source = state_columns.source
             ORDER BY x.position
    LOOP
        SELECT * INTO d FROM timeline.feature_def f WHERE f.name = m.feature AND f.version = m.version;
        -- every member here reads this source: it is checked once
        IF NOT checked THEN
            src := timeline.checked_source(d.source);
            checked := true;
        END IF;
        p := timeline.compile_exprs(src.relation, src.time_column, src.seq_column, d.value_expression,
                                    d.window_kind, d.window_predicate, d.filter,
                                    format('feature %s@%s', d.name, d.version));
        feature := d.name;
        aggregate := d.aggregate;
        points := p.points;
        reset := coalesce(p.reset, 'NULL::timeline.timeline');
        new_state := format('timeline.state_new(%L, %s, %s)', d.aggregate,
                            CASE WHEN d.window_kind = 'trailing' THEN format('%L::pg_catalog.interval', d.window_width)
                                 ELSE 'NULL' END,
                            CASE WHEN d.window_kind = 'since' THEN 'true' ELSE 'false' END);
        timeline_sql := CASE WHEN timelines THEN timeline.compile_feature(d.name, d.version) END;
        RETURN NEXT;
    END LOOP;
END;
$$;
COMMENT ON FUNCTION timeline.state_columns(pg_catalog.text, pg_catalog.text, pg_catalog.bool) IS
'internal: per feature of a feature set over one source, the SQL of its state (new, points, resets) and, if asked, of its timeline';

-- the work tables of folding changes (pg_temp.timeline_changes and _fold in
-- the SQL below) are temporary tables kept for the transaction,
-- one set per role: a session may write as several roles (SET ROLE, SECURITY
-- DEFINER functions), and a role can neither use nor drop another's tables
-- (found by the materialize test of a writer role), and one per entity
-- type, so writes alternating between sources of two types reuse theirs
-- (each statement dropped and created them: locks to the end of the
-- transaction again; found by a helper's bug hunt); work_sql gives a
-- statement the names of the current role's tables for an entity type
CREATE FUNCTION timeline.work_sql(sql pg_catalog.text, entity_type pg_catalog.regtype)
RETURNS pg_catalog.text
-- C (src/sql_build.c): nine calls at every immediate-mode statement,
-- where a plpgsql function with a SET clause and a regular expression
-- cost about 0.2 ms in all
AS 'MODULE_PATHNAME', 'timeline_work_sql'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.work_sql(pg_catalog.text, pg_catalog.regtype) IS
'internal: a statement naming pg_temp.timeline_changes or _fold, with the current role''s work tables for an entity type instead';

-- creates the work tables of the current role for an entity type unless
-- they exist, dropped at commit (kept for the session, they were owned by
-- their role in every session that wrote as it: DROP ROLE failed while one
-- lived); the entity columns take the type without its modifier
-- (varchar(10) and varchar(20) entities share them)
CREATE FUNCTION timeline.work_tables(entity_type pg_catalog.regtype)
RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    w record;
    name text;
BEGIN
    FOR w IN SELECT * FROM (VALUES ('changes', ', min_time pg_catalog.timestamptz, everything pg_catalog.bool'),
                                   ('fold', ', last_time pg_catalog.timestamptz')) v(kind, more_columns) LOOP
        name := timeline.work_sql('pg_temp.timeline_' || w.kind, entity_type);
        IF to_regclass(name) IS NULL THEN
            EXECUTE format('CREATE TEMP TABLE %s (entity %s%s) ON COMMIT DROP', name, entity_type, w.more_columns);
        END IF;
    END LOOP;
END;
$$;
COMMENT ON FUNCTION timeline.work_tables(pg_catalog.regtype) IS
'internal: creates the current role''s work tables for an entity type (pg_temp.timeline_changes_<role>_<type> and _fold_) unless they exist, dropped at commit';

-- loads the library in this session, if it has not been (calling any of its
-- C functions does), so that its planner hooks act on the statements planned
-- after.  materialize's build, verify, create_training_set,
-- feature_timelines and feature_stats read a whole source in entity order
-- (one GROUP BY of every entity's timelines): PostgreSQL plans that as a
-- full index scan of (entity, time) where the table fits in its cache,
-- costing each heap page as read once; in a table in arrival order (an
-- event table's usual order) that is one random heap access per event
-- (bench/materialize.sh's build of 10M events: 17-19 s so, 9.5 s by a
-- sequential scan and a sort; on the events clustered by entity the index
-- scan took 4.4 s against 6.9 s).  They run their statements with
-- timeline.avoid_random_index_scans on (scan_order.c), whatever the
-- caller's setting, after calling this
CREATE FUNCTION timeline.load_hooks()
RETURNS pg_catalog.void
AS 'MODULE_PATHNAME', 'timeline_load_hooks'
LANGUAGE C VOLATILE PARALLEL SAFE;
COMMENT ON FUNCTION timeline.load_hooks() IS
'internal: loads the library, whose planner hooks then act on the statements planned after';

-- folds the changes in pg_temp.timeline_changes into one state table:
-- entities whose changes all come after their state are advanced by their
-- new events; the others (late events, updates, deletes, new entities) are
-- rebuilt from the source; a truncation rebuilds everything.  The caller
-- has made the work tables (work_tables) and filled timeline_changes
CREATE FUNCTION timeline.apply_changes(materialization pg_catalog.int4, record_status pg_catalog.bool)
RETURNS pg_catalog.int8
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
SET TimeZone = 'UTC'              -- undoes enter_feature_set_zone on return
SET timeline.avoid_random_index_scans = on     -- see load_hooks
AS $$
DECLARE
    ms timeline.materialization_source;
    s record;
    full_cols text;
    fold_sets text;
    batch_cols text;
    excluded_sets text;
    names text;
    n_rebuilt int8 := 0;
    n_folded int8 := 0;
    n_fold int8;                -- entities in the fold and rebuild lists
    n_rebuild int8;
    newest timestamptz;
    newest_fold timestamptz;
    sort_sql text;
    build_sql text;
    everything bool;
    et regtype;
    coll text;
    eq text;
BEGIN
    SELECT * INTO ms FROM timeline.materialization_source m WHERE m.id = materialization;
    PERFORM timeline.enter_feature_set_zone(ms.feature_set);
    s := timeline.source_relation(ms.source);
    et := timeline.column_type(s.relation, s.entity_column)::regtype;
    -- the work tables' entities are grouped under the source's collation
    coll := coalesce(timeline.column_collation(s.relation, s.entity_column), '');
    -- and compared with the type's own equality (search_path is pg_catalog)
    eq := timeline.equality_operator(et);
    SELECT string_agg(format('%I', c.feature), ', '),
           string_agg(format('timeline.state_advance(%s, %s, %s)', c.new_state, c.points, c.reset), ', '),
           string_agg(format('%1$I = timeline.state_advance(st.%1$I, b.%2$I, b.%3$I)', c.feature,
                             'p_' || c.feature, 'r_' || c.feature), ', '),
           string_agg(format('%s AS %I, %s AS %I', c.points, 'p_' || c.feature, c.reset, 'r_' || c.feature), ', '),
           -- a writer under REPEATABLE READ that waited for another's new
           -- entity gets a serialization failure rather than a duplicate key
           string_agg(format('%1$I = excluded.%1$I', c.feature), ', ')
      INTO names, full_cols, fold_sets, batch_cols, excluded_sets
      FROM timeline.state_columns(ms.feature_set, ms.source) c;

    EXECUTE timeline.work_sql('SELECT EXISTS (SELECT 1 FROM pg_temp.timeline_changes c WHERE c.everything)', et) INTO everything;
    IF everything THEN
        EXECUTE format('DELETE FROM timeline_state.%I', ms.state_table);
        build_sql := format('WITH w AS (INSERT INTO timeline_state.%I (entity, last_time, %s)
                        SELECT src.%I, pg_catalog.max(src.%I), %s FROM %s AS src
                        WHERE src.%I IS DISTINCT FROM NULL AND src.%I IS DISTINCT FROM NULL GROUP BY src.%I
                        RETURNING last_time) SELECT pg_catalog.count(*), pg_catalog.max(last_time) FROM w',
                       ms.state_table, names, s.entity_column, s.time_column, full_cols, s.relation,
                       s.entity_column, s.time_column, s.entity_column);
        PERFORM timeline.load_hooks();
        EXECUTE build_sql INTO n_rebuilt, newest;
    ELSE
        -- sort the changed entities into one work table of the transaction,
        -- emptied for each use (one per call kept a lock per dropped table to
        -- the end of the transaction: immediate mode ran out of shared memory
        -- after about 800 statements): each with its state's last time if
        -- it is folded (its changes all strictly after the state), NULL if
        -- it is rebuilt.  The changes are analyzed first: taken for a table
        -- of about 2,000 rows (never analyzed), they were joined by a hash
        -- join over the whole state where it held a few thousand entities,
        -- at every immediate-mode statement and refresh.  (A table each for
        -- the folded and the rebuilt entities cost a temporary table more
        -- per transaction: about 0.45 ms of an immediate-mode INSERT)
        sort_sql := format('WITH w AS (INSERT INTO pg_temp.timeline_fold (entity, last_time)
                            SELECT c.entity, st.last_time
                            FROM (SELECT c.entity%2$s AS entity, pg_catalog.min(c.min_time) AS min_time
                                  FROM pg_temp.timeline_changes c WHERE c.entity IS DISTINCT FROM NULL GROUP BY 1) c
                            LEFT JOIN timeline_state.%1$I st ON st.entity %3$s c.entity AND c.min_time > st.last_time
                            RETURNING last_time)
                            SELECT pg_catalog.count(w.last_time), pg_catalog.count(*) - pg_catalog.count(w.last_time) FROM w',
                           ms.state_table, coll, eq);
        EXECUTE timeline.work_sql('TRUNCATE pg_temp.timeline_fold', et);
        EXECUTE timeline.work_sql('ANALYZE pg_temp.timeline_changes', et);
        EXECUTE timeline.work_sql(sort_sql, et) INTO n_fold, n_rebuild;
        -- an empty list is neither analyzed nor applied (nothing to do: an
        -- immediate-mode write of new events folds one entity and rebuilds
        -- none, and each statement skipped is one planned less)
        IF n_fold + n_rebuild > 0 THEN
            EXECUTE timeline.work_sql('ANALYZE pg_temp.timeline_fold', et);
        END IF;
        IF n_rebuild > 0 THEN
            EXECUTE timeline.work_sql(format('DELETE FROM timeline_state.%I st USING pg_temp.timeline_fold r
                           WHERE r.last_time IS NULL AND st.entity %s r.entity',
                           ms.state_table, eq), et);
            EXECUTE format(timeline.work_sql('WITH w AS (INSERT INTO timeline_state.%I (entity, last_time, %s)
                        SELECT src.%I, pg_catalog.max(src.%I), %s
                        FROM %s AS src
                        WHERE src.%I %s ANY (SELECT r.entity FROM pg_temp.timeline_fold r WHERE r.last_time IS NULL)
                          AND src.%I IS DISTINCT FROM NULL
                        GROUP BY src.%I
                        ON CONFLICT (entity) DO UPDATE SET last_time = excluded.last_time, %s
                        RETURNING last_time) SELECT pg_catalog.count(*), pg_catalog.max(last_time) FROM w', et),
                           ms.state_table, names, s.entity_column, s.time_column, full_cols,
                           s.relation, s.entity_column, eq, s.time_column, s.entity_column, excluded_sets) INTO n_rebuilt, newest;
        END IF;
        -- driven by the folded entities of the (analyzed) work table: per
        -- entity, an index range scan of its new events, then the state
        -- row by its key
        IF n_fold > 0 THEN
            EXECUTE format(timeline.work_sql('WITH w AS (UPDATE timeline_state.%I st SET last_time = b.timeline_newest, %s
                        FROM (SELECT f.entity AS timeline_entity, b.*
                              FROM pg_temp.timeline_fold f
                              CROSS JOIN LATERAL (
                                  SELECT pg_catalog.max(src.%I) AS timeline_newest, %s
                                  FROM %s AS src
                                  WHERE src.%I %s f.entity AND src.%I > f.last_time) b
                              WHERE f.last_time IS NOT NULL AND b.timeline_newest IS NOT NULL) b
                        WHERE st.entity %s b.timeline_entity
                        RETURNING st.last_time) SELECT pg_catalog.count(*), pg_catalog.max(last_time) FROM w', et),
                           ms.state_table, fold_sets, s.time_column, batch_cols,
                           s.relation, s.entity_column, eq, s.time_column, eq) INTO n_folded, newest_fold;
        END IF;
        newest := greatest(newest, newest_fold);
    END IF;

    -- immediate writers skip this: one shared row would serialize (and
    -- could deadlock) writers of different entities
    IF record_status THEN
        UPDATE timeline.materialization_source m
           SET watermark = greatest(m.watermark, newest), refreshed_at = pg_catalog.clock_timestamp(),
               refreshes = m.refreshes + 1, last_entities = n_rebuilt + n_folded
         WHERE m.id = materialization;
    END IF;
    RETURN n_rebuilt + n_folded;
END;
$$;
COMMENT ON FUNCTION timeline.apply_changes(pg_catalog.int4, pg_catalog.bool) IS
'internal: folds pg_temp.timeline_changes into a state table (recording refresh status if asked); returns the number of entities written';

-- a source's rows live in the table and in its partitions or child tables
-- (at any depth); a statement trigger fires only for the table the statement
-- names, so each of them carries the capture triggers
CREATE FUNCTION timeline.source_tables(relation pg_catalog.regclass)
RETURNS SETOF pg_catalog.regclass
LANGUAGE plpgsql STABLE PARALLEL SAFE      -- keeps its plan (equality_operator)
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    -- not a partition whose DETACH CONCURRENTLY is pending (queries of the
    -- parent no longer read it), nor a temporary child table (only its
    -- session reads its rows, and other sessions cannot put triggers on it)
    RETURN QUERY
    WITH RECURSIVE t(rel) AS (
        SELECT relation::pg_catalog.oid
        UNION
        SELECT i.inhrelid FROM pg_catalog.pg_inherits i JOIN t ON i.inhparent OPERATOR(pg_catalog.=) t.rel
        JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) i.inhrelid
        WHERE NOT i.inhdetachpending AND c.relpersistence OPERATOR(pg_catalog.<>) 't')
    SELECT t.rel::pg_catalog.regclass FROM t ORDER BY t.rel;
END;
$$;
COMMENT ON FUNCTION timeline.source_tables(pg_catalog.regclass) IS
'internal: a table and its partitions or child tables, at any depth';

-- the tables carrying all four capture triggers of a materialization: the
-- source's tables, and those of the materialization's owner (detached
-- since).  Anyone may give a trigger of a table of theirs those names: its
-- table was taken for one detached, whose triggers every write through the
-- source's tables, every refresh and drop_materialization then failed to
-- drop (found by a helper's security review).  A table detached since
-- that belongs to another role is not counted either: the count of
-- tables falls, which rebuilds every entity
CREATE FUNCTION timeline.captured_tables(materialization pg_catalog.int4)
RETURNS SETOF pg_catalog.regclass
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT tg.tgrelid::pg_catalog.regclass FROM pg_catalog.pg_trigger tg
    JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) tg.tgrelid
    WHERE tg.tgname OPERATOR(pg_catalog.=) ANY (ARRAY['timeline_' || materialization || '_insert',
                                                     'timeline_' || materialization || '_update',
                                                     'timeline_' || materialization || '_delete',
                                                     'timeline_' || materialization || '_truncate']::pg_catalog.name[])
      AND (c.relowner OPERATOR(pg_catalog.=) (SELECT r.oid FROM pg_catalog.pg_roles r
                                               JOIN timeline.materialization_source ms
                                                 ON ms.owner OPERATOR(pg_catalog.=) r.rolname
                                               WHERE ms.id OPERATOR(pg_catalog.=) materialization)
           OR tg.tgrelid OPERATOR(pg_catalog.=) ANY (ARRAY(
                  SELECT t::pg_catalog.oid
                    FROM timeline.materialization_source ms
                    JOIN timeline.source_def sd ON sd.name OPERATOR(pg_catalog.=) ms.source
                    CROSS JOIN LATERAL timeline.source_tables(timeline.relation_named(sd.relation_schema,
                                                                                      sd.relation_name)) t
                   WHERE ms.id OPERATOR(pg_catalog.=) materialization)))
    GROUP BY tg.tgrelid HAVING pg_catalog.count(*) OPERATOR(pg_catalog.=) 4
    ORDER BY tg.tgrelid
$$;
COMMENT ON FUNCTION timeline.captured_tables(pg_catalog.int4) IS
'internal: the tables that carry a materialization''s capture triggers';

-- CREATE OR REPLACE and IF EXISTS: two writers in immediate mode may both
-- find a new partition without the triggers, the second after waiting for
-- the first's lock (it failed with 42710; found by a helper's bug hunt)
CREATE FUNCTION timeline.set_capture_triggers(materialization pg_catalog.int4, relation pg_catalog.regclass,
                                              present pg_catalog.bool)
RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
SET client_min_messages = warning  -- DROP TRIGGER IF EXISTS's notice
AS $$
DECLARE
    op text;
BEGIN
    FOREACH op IN ARRAY ARRAY['insert', 'update', 'delete', 'truncate'] LOOP
        IF NOT present THEN
            EXECUTE format('DROP TRIGGER IF EXISTS %I ON %s', 'timeline_' || materialization || '_' || op, relation);
        ELSE
            EXECUTE format('CREATE OR REPLACE TRIGGER %I AFTER %s ON %s %s FOR EACH STATEMENT EXECUTE FUNCTION timeline.capture_changes(%L)',
                           'timeline_' || materialization || '_' || op, upper(op), relation,
                           CASE op WHEN 'insert' THEN 'REFERENCING NEW TABLE AS new_rows'
                                   WHEN 'update' THEN 'REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows'
                                   WHEN 'delete' THEN 'REFERENCING OLD TABLE AS old_rows'
                                   ELSE '' END,
                           materialization);
        END IF;
    END LOOP;
END;
$$;
COMMENT ON FUNCTION timeline.set_capture_triggers(pg_catalog.int4, pg_catalog.regclass, pg_catalog.bool) IS
'internal: creates (present) or drops a materialization''s four capture triggers on one table';

-- partitions created, attached, detached or dropped since the triggers were
-- set: a new one gets the triggers and its entities are logged for a rebuild
-- (rows written to it directly before were not captured), a detached one
-- loses them and its entities are logged (its rows left the source), and a
-- dropped one logs everything (its entities are unknown).  Refresh logs
-- into the change log; an immediate-mode writer into its own changes, before
-- it applies them, so the state never reads a table without the triggers and
-- a table's later removal is always seen (found by a helper's bug hunt: a
-- partition created, read by a fold and dropped between two refreshes left
-- its rows in the state)
CREATE FUNCTION timeline.follow_source_tables(materialization pg_catalog.int4,
                                              into_changes pg_catalog.bool DEFAULT false)
RETURNS pg_catalog.bool
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    ms timeline.materialization_source;
    s record;
    tree oid[];
    caught oid[];
    r oid;
    target text;
    et regtype;
BEGIN
    SELECT m.* INTO ms FROM timeline.materialization_source m WHERE m.id = materialization;
    s := timeline.source_relation(ms.source);
    tree := ARRAY(SELECT t::oid FROM timeline.source_tables(s.relation) t);
    -- a table without partitions or children, as at the last look
    IF tree = ARRAY[s.relation::oid] AND ms.captured_tables = 1 THEN
        RETURN false;
    END IF;
    caught := ARRAY(SELECT t::oid FROM timeline.captured_tables(ms.id) t);
    IF tree = caught AND ms.captured_tables = cardinality(tree) THEN
        RETURN false;
    END IF;
    IF into_changes THEN
        et := timeline.column_type(s.relation, s.entity_column)::regtype;
        PERFORM timeline.work_tables(et);
        target := timeline.work_sql('pg_temp.timeline_changes', et);
    ELSE
        target := format('timeline_state.%I', ms.log_table);
    END IF;
    IF cardinality(caught) < ms.captured_tables THEN
        EXECUTE format('INSERT INTO %s (entity, min_time, everything) VALUES (NULL, ''-infinity'', true)', target);
    END IF;
    -- new (in the tree only) or detached (caught only): rows came or went
    -- unseen
    FOR r IN SELECT x FROM unnest(tree || caught) x GROUP BY x HAVING count(*) = 1 ORDER BY x LOOP
        -- the triggers first: on a new table they lock out writers, so the
        -- read below sees every row written before them; a table dropped
        -- meanwhile took its rows along (writers failed with relation does
        -- not exist)
        BEGIN
            PERFORM timeline.set_capture_triggers(ms.id, r::regclass, r = ANY (tree));
        EXCEPTION WHEN undefined_table THEN
            CONTINUE;
        END;
        CONTINUE WHEN to_regclass(r::regclass::text) IS NULL;
        -- a detached table whose entity column was renamed since cannot
        -- say whose its rows were
        IF timeline.column_type(r::regclass, s.entity_column) IS DISTINCT FROM
               timeline.column_type(s.relation, s.entity_column) THEN
            EXECUTE format('INSERT INTO %s (entity, min_time, everything) VALUES (NULL, ''-infinity'', true)', target);
        ELSE
            EXECUTE format('INSERT INTO %s (entity, min_time, everything)
                            SELECT DISTINCT t.%I, ''-infinity''::pg_catalog.timestamptz, false FROM ONLY %s t
                            WHERE t.%I IS DISTINCT FROM NULL',
                           target, s.entity_column, r::regclass, s.entity_column);
        END IF;
    END LOOP;
    -- the count must follow, or a table dropped later goes unseen: a writer
    -- who may add triggers but not change the materialization stops here
    UPDATE timeline.materialization_source m SET captured_tables = cardinality(tree) WHERE m.id = ms.id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'partitions of source % changed since materialized feature set % last followed them',
                        quote_literal(ms.source), quote_literal(ms.feature_set)
            USING ERRCODE = 'insufficient_privilege',
                  DETAIL = format('Only the materialization''s owner, %s, or a member of that role, follows them.', quote_ident(ms.owner)),
                  HINT = format('Have that role run SELECT timeline.refresh(%L);', ms.feature_set);
    END IF;
    RETURN true;
END;
$$;
COMMENT ON FUNCTION timeline.follow_source_tables(pg_catalog.int4, pg_catalog.bool) IS
'internal: puts a materialization''s capture triggers on partitions or child tables added since, removes them from detached ones, and logs the entities whose rows were not captured; true if anything changed';

-- the advisory lock bucket of an entity in immediate mode, from its
-- type's hash function (or its parts', for a composite, array, range or
-- multirange without one), so values equal as entities share one
-- (entity_lock.c)
CREATE FUNCTION timeline.entity_lock_bucket(pg_catalog.anyelement)
RETURNS pg_catalog.int4
AS 'MODULE_PATHNAME', 'timeline_entity_lock_bucket'
-- stable: a type without a hash function falls back to its output function
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timeline.entity_lock_bucket(pg_catalog.anyelement) IS
'internal: the lock bucket (0 to 1023) of an entity value in immediate mode, by its type''s hash function';

-- immediate mode: applies the changes gathered in a work table to the
-- state, one writer per entity at a time
CREATE FUNCTION timeline.apply_immediate(materialization pg_catalog.int4, changes pg_catalog.text)
RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    ms timeline.materialization_source;
    e record;
    everything bool;
    s record;
BEGIN
    SELECT m.* INTO ms FROM timeline.materialization_source m WHERE m.id = materialization;
    s := timeline.source_relation(ms.source);
    -- one writer per entity at a time, in a fixed order (no deadlocks:
    -- no other lock is shared between writers of different entities),
    -- then the changes are applied with a snapshot taken after the wait
    -- entities hash into 1024 lock buckets, so one statement changing
    -- many entities holds at most 1024 locks (the lock table is shared);
    -- by the type's hash, as equal values must share a bucket (the text
    -- form split numeric 1.0 and 1.00, and both writers ran at once)
    -- (under the entity column's collation: 'A' and 'a' may be one entity)
    FOR e IN EXECUTE format('SELECT DISTINCT timeline.entity_lock_bucket(c.entity%s) AS h FROM %s c
                             WHERE NOT c.everything ORDER BY 1',
                            coalesce(timeline.column_collation(s.relation, s.entity_column), ''), changes)
    LOOP
        PERFORM pg_advisory_xact_lock(ms.id, e.h);
    END LOOP;
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM %s c WHERE c.everything)', changes) INTO everything;
    IF everything THEN
        PERFORM pg_advisory_xact_lock(pg_catalog.hashtext('timeline.refresh'), pg_catalog.hashtext(ms.feature_set));
    END IF;
    PERFORM timeline.apply_changes(ms.id, false);
END;
$$;
COMMENT ON FUNCTION timeline.apply_immediate(pg_catalog.int4, pg_catalog.text) IS
'internal: immediate mode: locks the entities of a work table of changes and applies them to the state';

-- the statement-level trigger on a materialized source: logs the changed
-- entities (deferred) or applies the changes at once (immediate)
CREATE FUNCTION timeline.capture_changes()
RETURNS trigger
LANGUAGE plpgsql PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
SET TimeZone = 'UTC'              -- undoes enter_feature_set_zone on return
AS $$
DECLARE
    ms timeline.materialization_source;
    mode text;
    s record;
    target text;
    root regclass;
    logged bool := false;       -- immediate mode, but the changes wait in the log
    et regtype;
BEGIN
    SELECT m.* INTO ms FROM timeline.materialization_source m WHERE m.id = TG_ARGV[0]::int4;
    IF NOT FOUND THEN
        RETURN NULL;            -- the materialization is being dropped
    END IF;
    PERFORM timeline.enter_feature_set_zone(ms.feature_set);
    SELECT d.mode INTO mode FROM timeline.materialization_def d WHERE d.feature_set = ms.feature_set;
    -- TG_RELID is the source or one of its partitions or child tables, or
    -- one detached since: its changes are logged all the same (a rebuild
    -- reads the source as it is), unless the source is gone (refresh then
    -- says so) or the table lost the source's columns (everything is logged)
    root := (SELECT timeline.relation_named(d.relation_schema, d.relation_name)
               FROM timeline.source_def d WHERE d.name = ms.source);
    IF root IS NULL THEN
        RETURN NULL;
    END IF;
    s := timeline.source_relation(ms.source);
    IF TG_RELID <> root THEN
        IF timeline.column_type(TG_RELID, s.entity_column) IS DISTINCT FROM
               timeline.column_type(s.relation, s.entity_column)
           OR timeline.column_type(TG_RELID, s.time_column) IS NULL THEN
            EXECUTE format('INSERT INTO timeline_state.%I (entity, min_time, everything) VALUES (NULL, ''-infinity'', true)',
                           ms.log_table);
            RETURN NULL;
        END IF;
        logged := mode <> 'deferred'
                    AND NOT EXISTS (SELECT 1 FROM timeline.source_tables(root) t WHERE t = TG_RELID);
    END IF;

    -- a detached table's changes wait in the log in either mode: applied at
    -- once, they were lost when it was attached again before the partitions
    -- were followed (found by a helper's bug hunt); so do those of a writer
    -- to whom the source's row-level security applies: its entities would
    -- be rebuilt from the rows it sees, for every reader (a helper's hunt)
    logged := logged OR (mode <> 'deferred' AND row_security_active(root));
    IF mode = 'deferred' OR logged THEN
        target := format('timeline_state.%I', ms.log_table);
    ELSE
        -- one table of changes for all of the transaction's statements on
        -- sources of this entity type (see work_sql), emptied for each
        et := timeline.column_type(s.relation, s.entity_column)::regtype;
        PERFORM timeline.work_tables(et);
        target := timeline.work_sql('pg_temp.timeline_changes', et);
        EXECUTE 'TRUNCATE ' || target;
        -- partitions created or attached get the triggers before the state
        -- reads them
        PERFORM timeline.follow_source_tables(ms.id, true);
    END IF;

    IF TG_OP = 'INSERT' THEN
        EXECUTE format('INSERT INTO %s (entity, min_time, everything)
                        SELECT n.%I, pg_catalog.min(n.%I), false FROM new_rows n
                        WHERE n.%I IS DISTINCT FROM NULL AND n.%I IS DISTINCT FROM NULL GROUP BY 1',
                       target, s.entity_column, s.time_column, s.entity_column, s.time_column);
    ELSIF TG_OP = 'UPDATE' THEN
        EXECUTE format('INSERT INTO %s (entity, min_time, everything)
                        SELECT x.e, ''-infinity'', false
                        FROM (SELECT o.%I AS e FROM old_rows o UNION SELECT n.%I FROM new_rows n) x
                        WHERE x.e IS DISTINCT FROM NULL',
                       target, s.entity_column, s.entity_column);
    ELSIF TG_OP = 'DELETE' THEN
        EXECUTE format('INSERT INTO %s (entity, min_time, everything)
                        SELECT DISTINCT o.%I, ''-infinity''::pg_catalog.timestamptz, false FROM old_rows o
                        WHERE o.%I IS DISTINCT FROM NULL',
                       target, s.entity_column, s.entity_column);
    ELSE
        EXECUTE format('INSERT INTO %s (entity, min_time, everything) VALUES (NULL, ''-infinity'', true)', target);
    END IF;

    IF mode = 'immediate' AND NOT logged THEN
        PERFORM timeline.apply_immediate(ms.id, target);
    END IF;
    RETURN NULL;
END;
$$;
COMMENT ON FUNCTION timeline.capture_changes() IS
'internal: statement trigger of materialized sources: logs changed entities (deferred) or applies them (immediate)';

CREATE FUNCTION timeline.materialize(feature_set pg_catalog.text, mode pg_catalog.text DEFAULT 'deferred')
RETURNS pg_catalog.int8
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
SET TimeZone = 'UTC'              -- undoes enter_feature_set_zone on return
AS $$
DECLARE
    src record;
    s record;
    id int4;
    state_table name;
    log_table name;
    entity_type text;
    cols text;
    view_from text;
    view_cols text;
    view_entity text;
    n int8 := 0;
    total int8 := 0;
    compression text;
BEGIN
    IF mode IS NULL OR mode NOT IN ('deferred', 'immediate') THEN
        RAISE EXCEPTION 'mode must be ''deferred'' or ''immediate'', not %', coalesce(quote_literal(mode), 'NULL')
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    PERFORM timeline.feature_set_members(feature_set);      -- raises if unknown
    PERFORM timeline.enter_feature_set_zone(feature_set);
    PERFORM pg_advisory_xact_lock(hashtext('timeline.refresh'), hashtext(feature_set));
    IF EXISTS (SELECT 1 FROM timeline.materialization_def d WHERE d.feature_set = materialize.feature_set) THEN
        RAISE EXCEPTION 'feature set % is already materialized', quote_literal(feature_set)
            USING ERRCODE = 'duplicate_object',
                  HINT = 'Use timeline.refresh to bring it up to date, or timeline.drop_materialization first.';
    END IF;
    IF feature_set ~ '^(state|log)_[0-9]+$' THEN
        RAISE EXCEPTION 'feature set % cannot be materialized under that name', quote_literal(feature_set)
            USING ERRCODE = 'invalid_name',
                  DETAIL = 'Names like state_<n> and log_<n> are taken by the state tables of schema timeline_state.';
    END IF;
    IF to_regclass(format('timeline_state.%I', feature_set)) IS NOT NULL THEN
        RAISE EXCEPTION 'relation %.% already exists', 'timeline_state', quote_ident(feature_set)
            USING ERRCODE = 'duplicate_table',
                  DETAIL = 'The read view of a materialized feature set takes its name in schema timeline_state.',
                  HINT = 'Drop or rename that relation, or materialize a feature set of another name.';
    END IF;
    IF NOT timeline.may_materialize(feature_set) THEN
        RAISE EXCEPTION 'feature set % belongs to role %', quote_literal(feature_set),
                        quote_ident((SELECT d.created_by FROM timeline.feature_set_def d
                                      WHERE d.name = materialize.feature_set))
            USING ERRCODE = 'insufficient_privilege',
                  DETAIL = 'A feature set is materialized by the role that created it, or a member of it: whoever reads it with current or as_of trusts the state its materializer keeps.',
                  HINT = 'Ask that role to materialize it, or create a feature set of your own with the same features.';
    END IF;
    PERFORM timeline.check_set_entities(feature_set, timeline.set_sources(feature_set));
    INSERT INTO timeline.materialization_def (feature_set, mode) VALUES (feature_set, mode);
    -- the state columns are compressed with lz4 where the server has it:
    -- every fold rewrites an entity's whole state, and rewriting a busy
    -- entity's 2.4 MB took 75 ms with pglz, 32 with lz4, 29 uncompressed
    -- (STORAGE EXTERNAL, which also moves out of line the states of 2 kB
    -- that compression keeps in the row), stored in 1.67 MB against 2.07.
    -- Unless default_toast_compression was set (server, database, login
    -- role or session): then it governs them, as any column
    SELECT CASE WHEN g.source = 'default' AND 'lz4' = ANY (g.enumvals) THEN ' COMPRESSION lz4' ELSE '' END
      INTO compression FROM pg_settings g WHERE g.name = 'default_toast_compression';

    FOR src IN SELECT DISTINCT m.source FROM timeline.feature_set_members(feature_set) m ORDER BY 1 LOOP
        s := timeline.source_relation(src.source);
        IF (SELECT c.relkind FROM pg_class c WHERE c.oid = s.relation) NOT IN ('r', 'p') THEN
            RAISE EXCEPTION 'source % is not a table', quote_literal(src.source)
                USING ERRCODE = 'feature_not_supported',
                      DETAIL = 'Materialization captures changes with triggers, which need a table.';
        END IF;
        -- schema timeline_state is open to everyone: skip numbers whose
        -- names someone took
        LOOP
            id := nextval('timeline.materialization_id_seq');
            EXIT WHEN to_regclass(format('timeline_state.%I', 'state_' || id)) IS NULL
                  AND to_regclass(format('timeline_state.%I', 'log_' || id)) IS NULL;
        END LOOP;
        state_table := 'state_' || id;
        log_table := 'log_' || id;
        entity_type := timeline.column_type(s.relation, s.entity_column);
        SELECT string_agg(format('%I pg_catalog.bytea%s NOT NULL', c.feature, coalesce(compression, '')), ', ') INTO cols
          FROM timeline.state_columns(feature_set, src.source) c;
        -- the entity column's collation too: entities equal under it are one
        EXECUTE format('CREATE TABLE timeline_state.%I (entity %s%s PRIMARY KEY, last_time pg_catalog.timestamptz NOT NULL, %s)',
                       state_table, entity_type, timeline.column_collation(s.relation, s.entity_column), cols);
        EXECUTE format('COMMENT ON TABLE timeline_state.%I IS %L', state_table,
                       format('feature states of feature set %s over source %s (timeline.materialize)', feature_set, src.source));
        EXECUTE format('CREATE TABLE timeline_state.%I (entity %s%s, min_time pg_catalog.timestamptz, everything pg_catalog.bool NOT NULL)',
                       log_table, entity_type, timeline.column_collation(s.relation, s.entity_column));
        EXECUTE format('COMMENT ON TABLE timeline_state.%I IS %L', log_table,
                       format('change log of feature set %s over source %s, folded by timeline.refresh', feature_set, src.source));
        EXECUTE format('GRANT INSERT ON timeline_state.%I TO PUBLIC', log_table);
        INSERT INTO timeline.materialization_source (id, feature_set, source, state_table, log_table, captured_tables)
        VALUES (id, feature_set, src.source, state_table, log_table,
                (SELECT count(*) FROM timeline.source_tables(s.relation)));

        -- on the source and each of its partitions or child tables (a
        -- statement trigger fires only for the table a statement names);
        -- they lock out writers until this transaction ends, so the build
        -- below sees every event and misses none
        PERFORM timeline.set_capture_triggers(id, t, true) FROM timeline.source_tables(s.relation) t;

        PERFORM timeline.work_tables(entity_type::regtype);
        EXECUTE timeline.work_sql('TRUNCATE pg_temp.timeline_changes', entity_type::regtype);
        EXECUTE timeline.work_sql('INSERT INTO pg_temp.timeline_changes VALUES (NULL, ''-infinity'', true)', entity_type::regtype);
        n := timeline.apply_changes(id, true);
        total := total + n;
    END LOOP;

    -- the read view: one row per entity with every feature as of now; the
    -- states joined on the entity as feature_set_sql joins the sources
    -- (entity_join_sql)
    SELECT j.from_sql, j.entity_sql INTO view_from, view_entity
      FROM (SELECT array_agg(m.source ORDER BY m.id) AS sources,
                   array_agg(format('timeline_state.%I s%s', m.state_table, m.id) ORDER BY m.id) AS items,
                   array_agg('s' || m.id ORDER BY m.id) AS aliases
              FROM timeline.materialization_source m WHERE m.feature_set = materialize.feature_set) x,
           timeline.entity_join_sql(x.sources, x.items, x.aliases) j;
    SELECT (SELECT string_agg(format('%s AS %I',
                                     timeline.zero_count_sql(x.aggregate,
                                         format('timeline.state_value_at(s%1$s.%2$I, greatest(pg_catalog.now(), %3$s), %4$L)',
                                                ms2.id, x.feature, lasts.times, fd.time_zone)),
                                     x.feature), ', ' ORDER BY x.position)
              FROM timeline.feature_set_members(materialize.feature_set) x
              JOIN timeline.materialization_source ms2 ON ms2.feature_set = materialize.feature_set AND ms2.source = x.source
              JOIN timeline.feature_set_def fd ON fd.name = materialize.feature_set
              -- every feature at one instant: now, or the entity's last
              -- event in any of the sources when later
              CROSS JOIN (SELECT string_agg(format('s%s.last_time', m3.id), ', ' ORDER BY m3.id) AS times
                            FROM timeline.materialization_source m3
                           WHERE m3.feature_set = materialize.feature_set) lasts)
      INTO view_cols;
    EXECUTE format('CREATE VIEW timeline_state.%I AS SELECT %s, %s FROM %s', feature_set, view_entity, view_cols, view_from);
    EXECUTE format('COMMENT ON VIEW timeline_state.%I IS %L', feature_set,
                   format('every feature of feature set %s as of now, one row per entity (timeline.materialize)', feature_set));
    RETURN total;
END;
$$;
COMMENT ON FUNCTION timeline.materialize(pg_catalog.text, pg_catalog.text) IS
'creates and fills the per-entity state of a feature set, kept current by triggers (deferred: logged for timeline.refresh; immediate: applied by the writing statement); returns the entity count';

CREATE FUNCTION timeline.refresh(feature_set pg_catalog.text)
RETURNS pg_catalog.int8
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
SET TimeZone = 'UTC'              -- undoes enter_feature_set_zone on return
AS $$
DECLARE
    ms timeline.materialization_source;
    s record;
    total int8 := 0;
    pending bool;
    et regtype;
BEGIN
    PERFORM timeline.check_materialized(feature_set);
    PERFORM timeline.enter_feature_set_zone(feature_set);
    -- one refresh of a feature set at a time; writers are not blocked
    PERFORM pg_advisory_xact_lock(hashtext('timeline.refresh'), hashtext(feature_set));
    FOR ms IN SELECT * FROM timeline.materialization_source m WHERE m.feature_set = refresh.feature_set ORDER BY m.id LOOP
        -- the triggers that fill the log go with their table: a source
        -- table dropped and created again logs nothing
        s := timeline.source_relation(ms.source);
        IF s.relation <> ALL (ARRAY(SELECT timeline.captured_tables(ms.id))) THEN
            RAISE EXCEPTION 'changes to source % of materialized feature set % are no longer captured',
                            quote_literal(ms.source), quote_literal(feature_set)
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      DETAIL = format('Table %s has lost the triggers timeline.materialize put on it (it was dropped and created again, or they were dropped), so the state may miss its changes.', s.relation),
                      HINT = format('Rebuild it: SELECT timeline.drop_materialization(%L); SELECT timeline.materialize(%L);',
                                    feature_set, feature_set);
        END IF;
        PERFORM timeline.follow_source_tables(ms.id);
        et := timeline.column_type(s.relation, s.entity_column)::regtype;
        PERFORM timeline.work_tables(et);
        EXECUTE timeline.work_sql('TRUNCATE pg_temp.timeline_changes', et);
        -- take the log first: an event committed after this statement keeps
        -- its log row for the next refresh, whether or not it is read below
        EXECUTE timeline.work_sql(format('WITH d AS (DELETE FROM timeline_state.%I RETURNING entity, min_time, everything)
                                          INSERT INTO pg_temp.timeline_changes SELECT * FROM d', ms.log_table), et);
        EXECUTE timeline.work_sql('SELECT EXISTS (SELECT 1 FROM pg_temp.timeline_changes)', et) INTO pending;
        IF pending THEN
            total := total + timeline.apply_changes(ms.id, true);
        ELSE
            UPDATE timeline.materialization_source m
               SET refreshed_at = pg_catalog.clock_timestamp(), refreshes = m.refreshes + 1, last_entities = 0
             WHERE m.id = ms.id;
        END IF;
    END LOOP;
    RETURN total;
END;
$$;
COMMENT ON FUNCTION timeline.refresh(pg_catalog.text) IS
'folds a materialized feature set''s change log into its state, touching only the changed entities; returns how many were written';

-- the SQL of one read of a materialized feature set: $1 the entity, $2 the
-- time; one indexed lookup per state table (counts are 0, the rest NULL, for
-- an entity a table does not hold); prepared and cached by read_state,
-- under the caller's search_path, so its = is spelled as pg_catalog's (an =
-- of someone else's for the entity's type is not used)
CREATE FUNCTION timeline.read_state_sql(feature_set pg_catalog.text, at_least_last pg_catalog.bool,
                                        entity_type pg_catalog.regtype)
RETURNS pg_catalog.text
LANGUAGE plpgsql STABLE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    ms timeline.materialization_source;
    parts text[] := '{}';
    pairs text;
    empty text;
    at text := '$2';
    state_type text;
    eq text;
    entity_sql text;
    lasts text[] := '{}';
BEGIN
    PERFORM timeline.check_materialized(feature_set);
    -- current: every feature at now, or at the entity's last event in any
    -- of the set's sources when that is later (one instant for all)
    IF at_least_last THEN
        at := 'a.at';           -- the FROM below
    END IF;
    FOR ms IN SELECT * FROM timeline.materialization_source m WHERE m.feature_set = read_state_sql.feature_set ORDER BY m.id LOOP
        -- an entity of a type the state's entities do not compare with:
        -- said in the caller's terms (it failed with 42883 and this SQL)
        state_type := timeline.column_type(format('timeline_state.%I', ms.state_table)::regclass, 'entity');
        -- the state's own equality (citext's, say), pg_catalog's for built-in
        -- types; an entity it does not take but that is assigned to the
        -- state's type (text to citext: current('fs', 'x@a.org')) is cast
        eq := timeline.equality_operator(state_type::regtype);
        entity_sql := '$1';
        BEGIN
            EXECUTE format('SELECT NULL::%s %s NULL::%s', state_type, eq, entity_type);
        EXCEPTION WHEN undefined_function THEN
            -- only by a cast that runs no role's code (cast_runs_no_code)
            IF NOT timeline.cast_runs_no_code(entity_type, state_type::regtype, '{a,i}') THEN
                RAISE EXCEPTION 'the entities of feature set % are of type %, not %', quote_literal(feature_set),
                                state_type, entity_type
                    USING ERRCODE = 'datatype_mismatch',
                          HINT = format('Cast the entity to %s.', state_type);
            END IF;
            entity_sql := format('$1::%s', state_type);
        END;
        SELECT string_agg(format('%L, timeline.state_value_at(s.%I, %s, %L)', c.feature, c.feature,
                                 at, c.time_zone), ', ' ORDER BY c.position),
               string_agg(format('%L, %s', c.feature,
                                 CASE WHEN c.aggregate IN ('count', 'count_if') THEN 'CASE WHEN $1 IS DISTINCT FROM NULL THEN 0 END'
                                      ELSE 'NULL::pg_catalog.float8' END), ', ' ORDER BY c.position)
          INTO pairs, empty
          FROM (SELECT m.feature, m.position, d.aggregate, fd.time_zone
                  FROM timeline.feature_set_member m
                  JOIN timeline.feature_def d ON d.name = m.feature AND d.version = m.version
                  JOIN timeline.feature_set_def fd ON fd.name = m.feature_set
                 WHERE m.feature_set = ms.feature_set AND d.source = ms.source) c;
        parts := parts || format('coalesce((SELECT pg_catalog.jsonb_build_object(%s) FROM timeline_state.%I s WHERE s.entity %s %s), pg_catalog.jsonb_build_object(%s))',
                                 pairs, ms.state_table, eq, entity_sql, empty);
        lasts := lasts || format('(SELECT l.last_time FROM timeline_state.%I l WHERE l.entity %s %s)',
                                 ms.state_table, eq, entity_sql);
    END LOOP;
    IF at_least_last THEN
        RETURN 'SELECT ' || array_to_string(parts, ' OPERATOR(pg_catalog.||) ')
               || format(' FROM (SELECT greatest($2, %s) AS at) a', array_to_string(lasts, ', '));
    END IF;
    RETURN 'SELECT ' || array_to_string(parts, ' OPERATOR(pg_catalog.||) ');
END;
$$;
COMMENT ON FUNCTION timeline.read_state_sql(pg_catalog.text, pg_catalog.bool, pg_catalog.regtype) IS
'internal: the SQL of one read of a materialized feature set ($1 entity of the given type, $2 time), prepared and cached by read_state';

-- a read runs with the reader's rights on the owner's state tables, whose
-- owner can make them run its code: a view in a state table's place (the
-- schema is open to CREATE), row-level security policies, or a column of
-- a type of its own cast implicitly where the read takes bytea or
-- timestamptz: the functions of each ran with the reader's rights (a
-- superuser's read made the owner superuser; found by a helper's security
-- review).  So a read takes only state tables as materialize made them:
-- tables, of the columns and types it made, without row-level security
-- that applies to the reader.  read_state calls it once the read is
-- prepared, holding the tables' locks, so none can change in between
CREATE FUNCTION timeline.check_state_tables(feature_set pg_catalog.text)
RETURNS void
LANGUAGE plpgsql STABLE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    ms timeline.materialization_source;
    rel regclass;
    src regclass;
    entity_column name;
    problem text;
BEGIN
    FOR ms IN SELECT * FROM timeline.materialization_source m WHERE m.feature_set = check_state_tables.feature_set ORDER BY m.id LOOP
        rel := timeline.relation_named('timeline_state', ms.state_table);
        SELECT timeline.relation_named(d.relation_schema, d.relation_name), d.entity_column INTO src, entity_column
          FROM timeline.source_def d WHERE d.name = ms.source;
        problem := CASE
            WHEN rel IS NULL THEN NULL
            WHEN (SELECT c.relkind FROM pg_class c WHERE c.oid = rel) <> 'r' THEN 'it is not a table'
            WHEN row_security_active(rel) THEN 'row-level security applies to it'
            WHEN timeline.column_type(rel, 'last_time') IS DISTINCT FROM 'timestamp with time zone' THEN
                'its column last_time is not of type timestamp with time zone'
            WHEN EXISTS (SELECT 1 FROM timeline.feature_set_member m
                           JOIN timeline.feature_def d ON d.name = m.feature AND d.version = m.version
                          WHERE m.feature_set = ms.feature_set AND d.source = ms.source
                            AND timeline.column_type(rel, m.feature) IS DISTINCT FROM 'bytea') THEN
                'a column of a feature is not of type bytea'
            -- the source's entity type, which check_source_ddl keeps
            WHEN src IS NOT NULL AND timeline.column_type(rel, 'entity')
                                     IS DISTINCT FROM timeline.column_type(src, entity_column) THEN
                format('its column entity is not of type %s', timeline.column_type(src, entity_column))
        END;
        IF problem IS NOT NULL THEN
            RAISE EXCEPTION 'state table %.% of materialized feature set % is not as timeline.materialize made it',
                            'timeline_state', quote_ident(ms.state_table), quote_literal(ms.feature_set)
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      DETAIL = format('%s: reading it could run code of its owner, %s, with your rights.',
                                      upper(left(problem, 1)) || substr(problem, 2), quote_ident(ms.owner)),
                      HINT = format('Have that role rebuild it: SELECT timeline.drop_materialization(%1$L); SELECT timeline.materialize(%1$L);',
                                    ms.feature_set);
        END IF;
    END LOOP;
END;
$$;
COMMENT ON FUNCTION timeline.check_state_tables(pg_catalog.text) IS
'internal: raises unless the state tables of a materialized feature set are tables as materialize made them, without row-level security that applies to the caller';

CREATE FUNCTION timeline.read_state(feature_set pg_catalog.text, entity anyelement, t pg_catalog.timestamptz,
                                    at_least_last pg_catalog.bool)
RETURNS pg_catalog.jsonb
AS 'MODULE_PATHNAME', 'timeline_read_state'
LANGUAGE C STABLE PARALLEL UNSAFE;
COMMENT ON FUNCTION timeline.read_state(pg_catalog.text, anyelement, pg_catalog.timestamptz, pg_catalog.bool) IS
'internal: the materialized features of one entity at a time, as a jsonb object (plan cached per session)';

CREATE FUNCTION timeline.current(feature_set pg_catalog.text, entity anynonarray)
RETURNS pg_catalog.jsonb
LANGUAGE sql STABLE PARALLEL UNSAFE
AS $$ SELECT timeline.read_state($1, $2, pg_catalog.now(), true) $$;
COMMENT ON FUNCTION timeline.current(pg_catalog.text, anynonarray) IS
'the materialized features of one entity as of now (trailing windows exact at read time), as a jsonb object';

CREATE FUNCTION timeline.current(feature_set pg_catalog.text, entities anyarray)
RETURNS TABLE (entity anyelement, features pg_catalog.jsonb)
LANGUAGE sql STABLE PARALLEL UNSAFE
AS $$ SELECT e, timeline.read_state($1, e, pg_catalog.now(), true) FROM pg_catalog.unnest($2) AS e $$;
COMMENT ON FUNCTION timeline.current(pg_catalog.text, anyarray) IS
'the materialized features of each entity as of now, one row per array element';

CREATE FUNCTION timeline.as_of(feature_set pg_catalog.text, entity anynonarray, t pg_catalog.timestamptz)
RETURNS pg_catalog.jsonb
LANGUAGE sql STABLE PARALLEL UNSAFE
AS $$ SELECT timeline.read_state($1, $2, $3, false) $$;
COMMENT ON FUNCTION timeline.as_of(pg_catalog.text, anynonarray, pg_catalog.timestamptz) IS
'the materialized features of one entity at t, which must be at or after the entity''s last event in the state';

CREATE FUNCTION timeline.verify(feature_set pg_catalog.text, sample pg_catalog.int4 DEFAULT NULL)
RETURNS TABLE (entity pg_catalog.text, feature pg_catalog.text, materialized pg_catalog.float8,
               recomputed pg_catalog.float8)
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
SET TimeZone = 'UTC'              -- undoes enter_feature_set_zone on return
SET timeline.avoid_random_index_scans = on     -- see load_hooks
AS $$
DECLARE
    ms timeline.materialization_source;
    s record;
    cols_state text;
    cols_tl text;
    vals text;
    others text;
    pending int8;
    t timestamptz := pg_catalog.statement_timestamp();
    eq text;
    sql text;
BEGIN
    PERFORM timeline.check_materialized(feature_set);
    PERFORM timeline.enter_feature_set_zone(feature_set);
    IF sample IS NOT NULL AND sample < 1 THEN
        RAISE EXCEPTION 'sample must be at least 1' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    PERFORM timeline.load_hooks();      -- for the statements of the loop
    FOR ms IN SELECT * FROM timeline.materialization_source m WHERE m.feature_set = verify.feature_set ORDER BY m.id LOOP
        s := timeline.source_relation(ms.source);
        -- the entity type's own equality (see equality_operator)
        eq := timeline.equality_operator(timeline.column_type(s.relation, s.entity_column)::regtype);
        EXECUTE format('SELECT pg_catalog.count(*) FROM timeline_state.%I', ms.log_table) INTO pending;
        IF pending > 0 THEN
            RAISE NOTICE 'source % has % pending changes; their entities are skipped until timeline.refresh',
                quote_literal(ms.source), pending;
        END IF;
        SELECT string_agg(format('st.%I AS %I', c.feature, 's_' || c.feature), ', '),
               string_agg(format('%s AS %I', c.timeline_sql, 't_' || c.feature), ', '),
               string_agg(format('(%L, %s, %s)', c.feature,
                                 timeline.zero_count_sql(c.aggregate, format('timeline.state_value_at(x.%I, x.at)', 's_' || c.feature)),
                                 timeline.zero_count_sql(c.aggregate, format('timeline.value_at(x.%I, x.at)', 't_' || c.feature))), ', ')
          INTO cols_state, cols_tl, vals
          FROM timeline.state_columns(ms.feature_set, ms.source, timelines => true) c;
        -- the entity's last event in the other sources, in their states and
        -- recomputed: every feature is read at one instant
        -- (under this source's collation: the sources' may differ, if
        -- deterministic, see entity_mismatch)
        SELECT coalesce(string_agg(format(
                   ', (SELECT o.last_time FROM timeline_state.%1$I o WHERE o.entity %5$s coalesce(st.st_entity, rc.rc_entity)%6$s)'
                   ', (SELECT pg_catalog.max(o.%2$I) FROM %3$s AS o WHERE o.%4$I %5$s coalesce(st.st_entity, rc.rc_entity)%6$s)',
                   m2.state_table, o.time_column, o.relation, o.entity_column,
                   timeline.equality_operator(timeline.column_type(o.relation, o.entity_column)::regtype),
                   timeline.column_collation(s.relation, s.entity_column, true)), '' ORDER BY m2.id), '')
          INTO others
          FROM timeline.materialization_source m2, timeline.source_relation(m2.source) o
         WHERE m2.feature_set = verify.feature_set AND m2.id <> ms.id;
        sql := format(
            'WITH st AS (SELECT st.entity AS st_entity, st.last_time AS st_last, %s FROM timeline_state.%I st %s),
                  rc AS (SELECT src.%I AS rc_entity, pg_catalog.max(src.%I) AS rc_last, %s
                         FROM %s AS src
                         WHERE src.%I IS DISTINCT FROM NULL AND src.%I IS DISTINCT FROM NULL %s
                         GROUP BY src.%I),
                  x AS (SELECT coalesce(st.st_entity, rc.rc_entity) AS entity,
                               greatest($1, st.st_last, rc.rc_last%s) AS at, st.*, rc.*
                        FROM st FULL JOIN rc ON rc.rc_entity %s st.st_entity
                        WHERE NOT EXISTS (SELECT 1 FROM timeline_state.%I l
                                          WHERE l.entity %s coalesce(st.st_entity, rc.rc_entity) OR l.everything))
             SELECT x.entity::pg_catalog.text, v.feature, v.materialized, v.recomputed
             FROM x CROSS JOIN LATERAL (VALUES %s) AS v(feature, materialized, recomputed)
             WHERE v.materialized IS DISTINCT FROM v.recomputed
             ORDER BY 1, 2',
            cols_state, ms.state_table,
            CASE WHEN sample IS NULL THEN '' ELSE format('ORDER BY pg_catalog.random() LIMIT %s', sample) END,
            s.entity_column, s.time_column, cols_tl, s.relation, s.entity_column, s.time_column,
            CASE WHEN sample IS NULL THEN ''
                 ELSE format('AND src.%I %s ANY (SELECT st.st_entity FROM st)', s.entity_column, eq) END,
            s.entity_column, others, eq, ms.log_table, eq, vals);
        RETURN QUERY EXECUTE sql USING t;
    END LOOP;
END;
$$;
COMMENT ON FUNCTION timeline.verify(pg_catalog.text, pg_catalog.int4) IS
'compares the materialized features (all entities, or a random sample) with a recomputation from the definitions; one row per difference';

CREATE FUNCTION timeline.schedule_refresh(feature_set pg_catalog.text, cron_expression pg_catalog.text)
RETURNS pg_catalog.int8
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    job text := 'timeline_refresh_' || feature_set;
    jobid int8;
BEGIN
    PERFORM timeline.check_materialized(feature_set);
    -- the job runs refresh as its scheduler, and its name is recorded for
    -- drop_materialization: only who may change the materialization (a
    -- job of anyone else failed every run, and row-level security kept its
    -- name out of the record, so drop_materialization left it behind); and
    -- only its owner, not a member of that role nor a superuser: every run
    -- computes the features, whose code is the owner's, with the job's
    -- rights (a superuser's job made the owner superuser at its next run
    -- after the owner replaced a function a feature calls; found by a
    -- helper's security review)
    IF NOT EXISTS (SELECT 1 FROM timeline.materialization_def d
                   WHERE d.feature_set = schedule_refresh.feature_set
                     AND d.owner = current_user) THEN
        RAISE EXCEPTION 'materialized feature set % belongs to role %', quote_literal(feature_set),
                        quote_ident((SELECT d.owner::text FROM timeline.materialization_def d
                                      WHERE d.feature_set = schedule_refresh.feature_set))
            USING ERRCODE = 'insufficient_privilege',
                  DETAIL = 'Its refreshes are scheduled by the materialization''s owner, and run as that role: each run computes the features with the job''s rights.',
                  HINT = format('Schedule them as that role (SET ROLE %I).',
                                (SELECT d.owner FROM timeline.materialization_def d
                                  WHERE d.feature_set = schedule_refresh.feature_set));
    END IF;
    IF to_regnamespace('cron') IS NULL OR NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_cron') THEN
        RAISE EXCEPTION 'pg_cron is not installed in this database'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Add pg_cron to shared_preload_libraries, set cron.database_name to this database, and CREATE EXTENSION pg_cron; or call timeline.refresh from your own scheduler.';
    END IF;
    EXECUTE 'SELECT cron.schedule($1, $2, $3)'
       INTO jobid USING job, cron_expression, format('SELECT timeline.refresh(%L)', feature_set);
    UPDATE timeline.materialization_def d SET job_name = job WHERE d.feature_set = schedule_refresh.feature_set;
    RETURN jobid;
END;
$$;
COMMENT ON FUNCTION timeline.schedule_refresh(pg_catalog.text, pg_catalog.text) IS
'schedules timeline.refresh of a feature set with pg_cron (job timeline_refresh_<feature set>); returns the job id';

CREATE FUNCTION timeline.drop_materialization(feature_set pg_catalog.text)
RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    d timeline.materialization_def;
    ms timeline.materialization_source;
    rel regclass;
BEGIN
    PERFORM timeline.check_materialized(feature_set);
    SELECT * INTO d FROM timeline.materialization_def m WHERE m.feature_set = drop_materialization.feature_set;
    PERFORM pg_advisory_xact_lock(hashtext('timeline.refresh'), hashtext(feature_set));
    -- the owner's job (schedule_refresh's): a superuser sees every role's
    -- jobs, and another role's of that name is none of this
    IF d.job_name IS NOT NULL AND to_regnamespace('cron') IS NOT NULL THEN
        EXECUTE 'SELECT cron.unschedule(jobid) FROM cron.job WHERE jobname = $1 AND username = $2'
          USING d.job_name, d.owner::text;
    END IF;
    EXECUTE format('DROP VIEW IF EXISTS timeline_state.%I', feature_set);
    FOR ms IN SELECT * FROM timeline.materialization_source m WHERE m.feature_set = drop_materialization.feature_set LOOP
        -- from every table carrying them: the source, its partitions or
        -- child tables, and any detached since; not from a table of a role
        -- the caller is not a member of outside the source's tables: anyone
        -- may name a trigger of theirs so, which failed this (must be owner)
        FOR rel IN SELECT DISTINCT tg.tgrelid::regclass FROM pg_catalog.pg_trigger tg
                    JOIN pg_catalog.pg_class c ON c.oid = tg.tgrelid
                    WHERE tg.tgname LIKE E'timeline\\_' || ms.id || E'\\_%'
                      AND (pg_has_role(current_user, c.relowner, 'MEMBER')
                           OR tg.tgrelid IN (SELECT t FROM timeline.source_def sd,
                                                 timeline.source_tables(timeline.relation_named(sd.relation_schema,
                                                                                                sd.relation_name)) t
                                              WHERE sd.name = ms.source)) LOOP
            PERFORM timeline.set_capture_triggers(ms.id, rel, false);
        END LOOP;
        EXECUTE format('DROP TABLE IF EXISTS timeline_state.%I, timeline_state.%I', ms.state_table, ms.log_table);
    END LOOP;
    DELETE FROM timeline.materialization_source m WHERE m.feature_set = drop_materialization.feature_set;
    DELETE FROM timeline.materialization_def m WHERE m.feature_set = drop_materialization.feature_set;
END;
$$;
COMMENT ON FUNCTION timeline.drop_materialization(pg_catalog.text) IS
'removes a feature set''s triggers, state and change-log tables and its pg_cron job';

CREATE VIEW timeline.materializations AS
SELECT d.feature_set, d.mode, m.source, format('timeline_state.%I', m.state_table) AS state_table,
       format('timeline_state.%I', m.log_table) AS log_table, m.watermark, m.refreshed_at, m.refreshes,
       m.last_entities, d.job_name, d.owner, d.created_at, d.created_by
FROM timeline.materialization_def d JOIN timeline.materialization_source m ON m.feature_set = d.feature_set;
COMMENT ON VIEW timeline.materializations IS
'materialized feature sets per source: state and log tables, watermark (newest event folded) and refresh status';
GRANT SELECT ON timeline.materializations TO PUBLIC;

-- DDL that would break a materialization is refused, as PostgreSQL refuses
-- to drop a column a view reads: renaming or moving the source's table (a
-- source follows its table by name: its triggers went on capturing nothing),
-- or renaming, dropping or retyping a column the features or the capture
-- read (every write then failed in immediate mode, every refresh in
-- deferred mode)
CREATE FUNCTION timeline.check_source_ddl(materialization pg_catalog.int4)
RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
SET TimeZone = 'UTC'              -- undoes enter_feature_set_zone on return
AS $$
DECLARE
    ms timeline.materialization_source;
    d timeline.source_def;
    s record;
    full_cols text;
BEGIN
    SELECT m.* INTO ms FROM timeline.materialization_source m WHERE m.id = materialization;
    SELECT * INTO d FROM timeline.source_def sd WHERE sd.name = ms.source;
    IF timeline.relation_named(d.relation_schema, d.relation_name) IS NULL THEN
        RAISE EXCEPTION 'cannot rename or move table %.% because materialized feature set % reads it as source %',
                        quote_ident(d.relation_schema), quote_ident(d.relation_name),
                        quote_literal(ms.feature_set), quote_literal(ms.source)
            USING ERRCODE = 'dependent_objects_still_exist',
                  DETAIL = 'A source follows its table by schema and name.',
                  HINT = format('Drop the materialization first: SELECT timeline.drop_materialization(%L);', ms.feature_set);
    END IF;
    s := timeline.source_relation(ms.source);
    -- the state's full build, reading nothing: every column and type the
    -- features and the capture read
    BEGIN
        PERFORM timeline.enter_feature_set_zone(ms.feature_set);
        SELECT string_agg(format('timeline.state_advance(%s, %s, %s)', c.new_state, c.points, c.reset), ', ')
          INTO full_cols FROM timeline.state_columns(ms.feature_set, ms.source) c;
        -- parsed and analysed (PREPARE), never planned: the planner computes
        -- a feature's immutable functions of constants, so the check ran the
        -- features' code with the rights of whoever ran the DDL (a
        -- superuser's ALTER TYPE of a type a column of the source has, its
        -- ALTER SCHEMA of the source's schema: found by a helper's security
        -- review, any role became superuser that way); what the check looks
        -- for (columns, types, operators, literals of the features no
        -- longer of a column's type) is found by the analysis
        IF EXISTS (SELECT 1 FROM pg_prepared_statements p WHERE p.name = 'timeline_check_source_ddl') THEN
            EXECUTE 'DEALLOCATE timeline_check_source_ddl';
        END IF;
        EXECUTE format('PREPARE timeline_check_source_ddl AS SELECT src.%I, pg_catalog.max(src.%I), %s FROM %s AS src WHERE false GROUP BY src.%I',
                       s.entity_column, s.time_column, full_cols, s.relation, s.entity_column);
        EXECUTE 'DEALLOCATE timeline_check_source_ddl';
    EXCEPTION WHEN OTHERS THEN
        -- syntax or access rule violations, or data exceptions: a column
        -- or a type gone, a literal of the features no longer of the
        -- column's type; any other failure (a right the DDL's role lacks,
        -- an error of a feature's own functions) is not the DDL's doing
        IF (SQLSTATE NOT LIKE '42%' AND SQLSTATE NOT LIKE '22%') OR SQLSTATE = '42501' THEN
            RAISE WARNING 'could not check materialized feature set % after the change to table %',
                          quote_literal(ms.feature_set), s.relation
                USING DETAIL = format('%s (SQLSTATE %s)', SQLERRM, SQLSTATE);
            RETURN;
        END IF;
        RAISE EXCEPTION 'cannot change table % this way because materialized feature set % reads it as source %',
                        s.relation, quote_literal(ms.feature_set), quote_literal(ms.source)
            USING ERRCODE = 'dependent_objects_still_exist',
                  DETAIL = format('The materialization would fail: %s (SQLSTATE %s)', SQLERRM, SQLSTATE),
                  HINT = format('Drop the materialization first: SELECT timeline.drop_materialization(%L);', ms.feature_set);
    END;
    -- the columns the capture and the state keep, with the types
    -- create_source checked and the state was made with (a retyped entity
    -- column made every write fail, a seq column of text or float8 failed
    -- or rounded)
    IF timeline.column_type(s.relation, s.entity_column) IS DISTINCT FROM
           timeline.column_type(format('timeline_state.%I', ms.state_table)::regclass, 'entity')
       -- and its collation, which the state's entities take: under another
       -- one the source's GROUP BY and the state would disagree on which
       -- entities are one (a helper's bug hunt)
       OR timeline.column_collation(s.relation, s.entity_column) IS DISTINCT FROM
           timeline.column_collation(format('timeline_state.%I', ms.state_table)::regclass, 'entity')
       -- by type, not as format_type spells it: timestamptz(3) is one
       -- (its every ALTER TABLE was refused)
       OR NOT coalesce(timeline.source_column_type_ok('time', (SELECT a.atttypid FROM pg_attribute a
                                                                WHERE a.attrelid = s.relation AND a.attname = s.time_column
                                                                  AND NOT a.attisdropped)), false)
       OR (s.seq_column IS NOT NULL
           AND NOT timeline.source_column_type_ok('seq', (SELECT a.atttypid FROM pg_attribute a
                                                           WHERE a.attrelid = s.relation AND a.attname = s.seq_column
                                                             AND NOT a.attisdropped))) THEN
        RAISE EXCEPTION 'cannot change table % this way because materialized feature set % reads it as source %',
                        s.relation, quote_literal(ms.feature_set), quote_literal(ms.source)
            USING ERRCODE = 'dependent_objects_still_exist',
                  DETAIL = format('Its entity column must keep type %s and its collation, its time column timestamp with time zone, and its seq column an integer type.',
                                  timeline.column_type(format('timeline_state.%I', ms.state_table)::regclass, 'entity')),
                  HINT = format('Drop the materialization first: SELECT timeline.drop_materialization(%L);', ms.feature_set);
    END IF;
END;
$$;
COMMENT ON FUNCTION timeline.check_source_ddl(pg_catalog.int4) IS
'internal: raises 2BP01 if the source of a materialization was renamed or moved, or no longer has what its features read';

-- a table rewritten by ALTER TABLE (a column's type changed, or its values
-- computed by USING) may hold other values without any write: every
-- materialization reading it logs a rebuild of everything, which refresh
-- does in deferred mode and the end of the command in immediate mode
-- (float8 to numeric, or USING amount * 100, left the state as it was)
CREATE FUNCTION timeline.mark_rewritten_source()
RETURNS event_trigger
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    m record;
BEGIN
    IF NOT has_schema_privilege('timeline', 'USAGE')
       OR NOT has_table_privilege('timeline.materialization_source', 'SELECT') THEN
        RETURN;
    END IF;
    FOR m IN SELECT DISTINCT ms.id, ms.log_table, ms.feature_set, ms.owner FROM timeline.materialization_source ms
             JOIN pg_trigger tg ON tg.tgname = 'timeline_' || ms.id || '_insert'
                               AND tg.tgrelid = pg_event_trigger_table_rewrite_oid()
             ORDER BY ms.id
    LOOP
        -- the log is the owner's table: its triggers, rules, defaults and
        -- constraints are the owner's code, which another role's ALTER
        -- TABLE would run with its own rights (a superuser's, for one)
        IF m.owner IS DISTINCT FROM current_user THEN
            RAISE EXCEPTION 'cannot rewrite table % because materialized feature set % of role % reads it',
                            pg_event_trigger_table_rewrite_oid()::regclass, quote_literal(m.feature_set), quote_ident(m.owner)
                USING ERRCODE = 'insufficient_privilege',
                      DETAIL = 'The rewrite must be logged in that role''s change log, which only that role writes to.',
                      HINT = format('Run the ALTER TABLE as that role (SET ROLE %I), or drop the materialization first: SELECT timeline.drop_materialization(%L);',
                                    m.owner, m.feature_set);
        END IF;
        EXECUTE format('INSERT INTO timeline_state.%I (entity, min_time, everything) VALUES (NULL, ''-infinity'', true)',
                       m.log_table);
    END LOOP;
END;
$$;
COMMENT ON FUNCTION timeline.mark_rewritten_source() IS
'internal: event trigger: a table rewritten by ALTER TABLE makes the materializations reading it rebuild every entity';

-- immediate mode follows partition maintenance as it happens: a partition
-- or child table created or attached gets the capture triggers (and the
-- rows it brings reach the state), one detached or dropped leaves the state
-- without its rows, all within the DDL's transaction.  Unless the
-- materialization's owner runs the DDL (not a member of that role, nor a
-- superuser: following runs the features' code with the DDL's rights), or
-- when a writer holds one of the entities (or the table) for over 100 ms,
-- a warning says so and the next write through the source's tables or
-- refresh follows instead.
CREATE FUNCTION timeline.follow_table_ddl()
RETURNS event_trigger
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
-- the DDL holds locks that a writer it would wait for may be waiting for:
-- it gives up before the deadlock detector (deadlock_timeout, 1 s by
-- default) could pick the writer
SET lock_timeout = '100ms'
AS $$
DECLARE
    m record;
    s record;
    changes text;
    rewritten bool;
BEGIN
    -- a role that may not read the materializations (the catalog's rights
    -- taken from PUBLIC) has its DDL run as without the extension: failing
    -- here would fail every CREATE TABLE of theirs
    IF NOT has_schema_privilege('timeline', 'USAGE')
       OR NOT has_table_privilege('timeline.materialization_source', 'SELECT')
       OR NOT has_table_privilege('timeline.materialization_def', 'SELECT')
       OR NOT has_table_privilege('timeline.source_def', 'SELECT') THEN
        RETURN;
    END IF;
    -- only DDL on users' permanent tables can change a source's tables:
    -- the temporary work tables made below (and by every writer) and the
    -- state and log tables that materialize and drop_materialization make
    -- and drop end here, and so does DROP EXTENSION timeline
    IF TG_EVENT = 'ddl_command_end' AND TG_TAG IN ('ALTER INDEX', 'ALTER VIEW', 'ALTER MATERIALIZED VIEW',
                                                  'ALTER SCHEMA', 'ALTER TYPE') THEN
        -- a schema, type or relation renamed or changed another way (ALTER
        -- INDEX and ALTER VIEW rename tables too): the materializations
        -- whose triggers are on the relation, on a table in the schema, or
        -- on a table with a column of the type are checked (every one was,
        -- so a materialization broken some other way, its table dropped or
        -- a feature's function gone, refused everyone's ALTER VIEW)
        FOR m IN SELECT DISTINCT ms.id
                   FROM timeline.materialization_source ms
                   JOIN pg_trigger tg ON tg.tgname = 'timeline_' || ms.id || '_insert'
                   JOIN pg_class r ON r.oid = tg.tgrelid
                   JOIN pg_event_trigger_ddl_commands() c
                     ON (c.classid = 'pg_class'::regclass AND c.objid = r.oid)
                     OR (c.classid = 'pg_namespace'::regclass AND c.objid = r.relnamespace)
                     OR (c.classid = 'pg_type'::regclass
                         AND EXISTS (SELECT 1 FROM pg_attribute a
                                     WHERE a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped
                                       AND (a.atttypid = c.objid
                                            OR a.atttypid IN (SELECT t.oid FROM pg_type t
                                                              WHERE t.typelem = c.objid OR t.typbasetype = c.objid))))
                  ORDER BY ms.id
        LOOP
            PERFORM timeline.check_source_ddl(m.id);
        END LOOP;
        RETURN;
    END IF;
    IF TG_EVENT = 'sql_drop' THEN
        IF NOT EXISTS (SELECT 1 FROM pg_event_trigger_dropped_objects() o
                       WHERE o.object_type IN ('table', 'foreign table') AND NOT o.is_temporary
                         AND o.schema_name <> 'timeline'
                         AND NOT (o.schema_name = 'timeline_state' AND o.object_name IN
                                  (SELECT x.state_table FROM timeline.materialization_source x
                                   UNION ALL SELECT x.log_table FROM timeline.materialization_source x))) THEN
            RETURN;
        END IF;
    ELSIF NOT EXISTS (SELECT 1 FROM pg_event_trigger_ddl_commands() c JOIN pg_class r ON r.oid = c.objid
                      WHERE c.classid = 'pg_class'::regclass AND NOT c.in_extension AND r.relpersistence <> 't'
                        AND c.schema_name <> 'timeline'
                        AND NOT (c.schema_name = 'timeline_state' AND r.relname IN
                                 (SELECT x.state_table FROM timeline.materialization_source x
                                  UNION ALL SELECT x.log_table FROM timeline.materialization_source x))) THEN
        RETURN;
    END IF;
    IF TG_EVENT = 'ddl_command_end' THEN
        -- a table carrying a materialization's triggers was changed, or one
        -- above it (a change made there recurses into it unreported)
        FOR m IN SELECT DISTINCT ms.id
                   FROM timeline.materialization_source ms
                   JOIN pg_trigger tg ON tg.tgname = 'timeline_' || ms.id || '_insert'
                   JOIN pg_event_trigger_ddl_commands() c ON c.classid = 'pg_class'::regclass
                    AND tg.tgrelid IN (SELECT t FROM timeline.source_tables(c.objid::regclass) t)
                  ORDER BY ms.id
        LOOP
            PERFORM timeline.check_source_ddl(m.id);
        END LOOP;
        -- a foreign table made a partition or child of a materialized
        -- source: no trigger of its can have a transition table, so its
        -- writes could not be captured, and adding the triggers failed every
        -- write through the source's tables and every refresh
        -- (materialize refuses such a source the same way)
        FOR m IN SELECT ms.feature_set, ms.source, f.oid::regclass AS rel
                   FROM timeline.materialization_source ms
                   JOIN timeline.source_def sd ON sd.name = ms.source
                   CROSS JOIN LATERAL (SELECT array_agg(t) AS tables
                                         FROM timeline.source_tables(timeline.relation_named(sd.relation_schema,
                                                                                             sd.relation_name)) t) st
                   JOIN pg_class f ON f.oid = ANY (st.tables) AND f.relkind = 'f'
                  WHERE EXISTS (SELECT 1 FROM pg_event_trigger_ddl_commands() c
                                WHERE c.classid = 'pg_class'::regclass AND c.objid = ANY (st.tables))
                  ORDER BY ms.id, f.oid
                  LIMIT 1
        LOOP
            RAISE EXCEPTION 'cannot make foreign table % a table of source % because materialized feature set % reads it',
                            m.rel, quote_literal(m.source), quote_literal(m.feature_set)
                USING ERRCODE = 'dependent_objects_still_exist',
                      DETAIL = 'Triggers on foreign tables cannot have transition tables, so its writes could not be captured.',
                      HINT = format('Drop the materialization first: SELECT timeline.drop_materialization(%L);', m.feature_set);
        END LOOP;
    END IF;
    FOR m IN SELECT ms.id, ms.feature_set, ms.source, ms.log_table, ms.captured_tables, r.root, d.owner
               FROM timeline.materialization_source ms
               JOIN timeline.materialization_def d ON d.feature_set = ms.feature_set
               JOIN timeline.source_def sd ON sd.name = ms.source
               CROSS JOIN LATERAL (SELECT timeline.relation_named(sd.relation_schema, sd.relation_name) AS root) r
              WHERE d.mode = 'immediate'
                -- a source table gone, or one without the triggers (made
                -- again, or being restored: pg_dump's triggers come last),
                -- is refresh's to report
                AND EXISTS (SELECT 1 FROM pg_trigger tg
                            WHERE tg.tgrelid = r.root AND tg.tgname = 'timeline_' || ms.id || '_insert')
              ORDER BY ms.id
    LOOP
        BEGIN
            -- another role's DDL touches nothing of the owner's: not the
            -- features' code, not the log (the owner's table, which may be a
            -- view of theirs by now: timeline_state is open to CREATE), not
            -- the source's tables; from the catalogs alone it says whether
            -- partitions changed, and leaves following them to the owner
            IF m.owner IS DISTINCT FROM current_user THEN
                IF ARRAY(SELECT t::oid FROM timeline.source_tables(m.root) t ORDER BY 1)
                       IS DISTINCT FROM ARRAY(SELECT t::oid FROM timeline.captured_tables(m.id) t ORDER BY 1)
                   OR m.captured_tables IS DISTINCT FROM
                          (SELECT count(*) FROM timeline.source_tables(m.root) t) THEN
                    RAISE EXCEPTION 'only the owner of materialized feature set %, %, follows it in its DDL',
                                    quote_literal(m.feature_set), quote_ident(m.owner)
                        USING ERRCODE = 'insufficient_privilege',
                              DETAIL = 'Following runs the features'' code with the rights of the role running the DDL.';
                END IF;
                CONTINUE;
            END IF;
            s := timeline.source_relation(m.source);
            changes := timeline.work_sql('pg_temp.timeline_changes',
                                         timeline.column_type(s.relation, s.entity_column)::regtype);
            IF to_regclass(changes) IS NOT NULL THEN
                EXECUTE 'TRUNCATE ' || changes;
            END IF;
            -- the owner's own DDL: applying changes runs the features' code
            -- with the rights of the DDL's role (a superuser's, or a
            -- member's, ran every role's: any role's code ran with a
            -- superuser's rights at its next CREATE TABLE of any table, after
            -- that role dropped a trigger of its partition or logged a
            -- rewrite; found by a helper's security review)
            IF timeline.follow_source_tables(m.id, true) THEN
                PERFORM timeline.apply_immediate(m.id, changes);
            END IF;
            -- a table of the source rewritten (mark_rewritten_source, which
            -- only the owner's DDL gets past)
            EXECUTE format('SELECT EXISTS (SELECT 1 FROM timeline_state.%I l WHERE l.everything)', m.log_table)
               INTO rewritten;
            IF rewritten THEN
                PERFORM timeline.refresh(m.feature_set);
            END IF;
        EXCEPTION WHEN OTHERS THEN
            -- said only to DDL on the source's tables: a change left for the
            -- owner warned every other role's DDL, on any table, meanwhile
            CONTINUE WHEN NOT (
                CASE WHEN TG_EVENT = 'sql_drop'
                     THEN EXISTS (SELECT 1 FROM pg_event_trigger_dropped_objects() o
                                  WHERE o.object_type = 'trigger'
                                    AND o.object_identity LIKE E'timeline\\_' || m.id || E'\\_insert on %')
                     ELSE EXISTS (SELECT 1 FROM pg_event_trigger_ddl_commands() c
                                  WHERE c.classid = 'pg_class'::regclass
                                    AND c.objid IN (SELECT t FROM timeline.source_tables(m.root) t))
                END);
            RAISE WARNING 'materialized feature set % did not follow the change to the tables of source %',
                          quote_literal(m.feature_set), quote_literal(m.source)
                USING DETAIL = format('%s (SQLSTATE %s)', SQLERRM, SQLSTATE),
                      HINT = format('Writes naming a partition created or attached, and a partition detached or dropped, reach the state with the next write through the source''s tables or SELECT timeline.refresh(%L);',
                                    m.feature_set);
        END;
    END LOOP;
END;
$$;
COMMENT ON FUNCTION timeline.follow_table_ddl() IS
'internal: event trigger: immediate-mode materializations follow partitions and child tables created, attached, detached or dropped';

CREATE EVENT TRIGGER timeline_follow_tables ON ddl_command_end
    WHEN TAG IN ('CREATE TABLE', 'ALTER TABLE', 'CREATE FOREIGN TABLE', 'ALTER FOREIGN TABLE', 'CREATE SCHEMA',
                 'ALTER INDEX', 'ALTER VIEW', 'ALTER MATERIALIZED VIEW', 'ALTER SCHEMA', 'ALTER TYPE')
    EXECUTE FUNCTION timeline.follow_table_ddl();
CREATE EVENT TRIGGER timeline_rewritten_tables ON table_rewrite
    EXECUTE FUNCTION timeline.mark_rewritten_source();
CREATE EVENT TRIGGER timeline_follow_dropped_tables ON sql_drop
    EXECUTE FUNCTION timeline.follow_table_ddl();
COMMENT ON EVENT TRIGGER timeline_follow_tables IS
'immediate-mode materializations follow partitions and child tables created or attached, detached or uninherited';
COMMENT ON EVENT TRIGGER timeline_rewritten_tables IS
'materializations reading a table that ALTER TABLE rewrites rebuild every entity';
COMMENT ON EVENT TRIGGER timeline_follow_dropped_tables IS
'immediate-mode materializations follow partitions and child tables dropped';
