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
    JOIN = pg_catalog.eqjoinsel
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

CREATE FUNCTION timeline.values_at(timeline.timeline, pg_catalog.timestamptz[])
RETURNS pg_catalog.float8[]
AS 'MODULE_PATHNAME', 'timeline_values_at'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
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
CREATE FUNCTION timeline.observe(timeline.timeline, "at" timeline.timeline)
RETURNS timeline.timeline
AS 'MODULE_PATHNAME', 'timeline_observe'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
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
