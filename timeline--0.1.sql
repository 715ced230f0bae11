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
    STORAGE = external
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
