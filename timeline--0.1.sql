/* timeline--0.1.sql: install script of release 0.1 (never edited once released) */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION timeline" to load this file. \quit

--
-- The timeline type
--
CREATE TYPE @extschema@.timeline;

CREATE FUNCTION @extschema@.timeline_in(pg_catalog.cstring)
RETURNS @extschema@.timeline
AS 'MODULE_PATHNAME', 'timeline_in'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.timeline_in(pg_catalog.cstring) IS
'reads the text form of a timeline (times without an offset are in the session time zone)';

CREATE FUNCTION @extschema@.timeline_out(@extschema@.timeline)
RETURNS pg_catalog.cstring
AS 'MODULE_PATHNAME', 'timeline_out'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.timeline_out(@extschema@.timeline) IS
'writes the text form of a timeline, times in ISO 8601 with the session time zone''s offset';

CREATE FUNCTION @extschema@.timeline_recv(pg_catalog.internal)
RETURNS @extschema@.timeline
AS 'MODULE_PATHNAME', 'timeline_recv'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.timeline_recv(pg_catalog.internal) IS
'reads the binary form of a timeline, with the same validation as text input';

CREATE FUNCTION @extschema@.timeline_send(@extschema@.timeline)
RETURNS pg_catalog.bytea
AS 'MODULE_PATHNAME', 'timeline_send'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.timeline_send(@extschema@.timeline) IS
'writes the binary form of a timeline';

-- STORAGE external: stored out of line when large but never compressed, so
-- a detoast is a plain copy; float8 values gain little from pglz, and
-- lookups are far more frequent than writes.
CREATE TYPE @extschema@.timeline (
    INPUT = @extschema@.timeline_in,
    OUTPUT = @extschema@.timeline_out,
    RECEIVE = @extschema@.timeline_recv,
    SEND = @extschema@.timeline_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = double,
    STORAGE = external
);
COMMENT ON TYPE @extschema@.timeline IS
'how a numeric value changes over time for one entity: points (time, value) in position order, discrete or continuous';

--
-- Whole-value equality
--
CREATE FUNCTION @extschema@.timeline_eq(@extschema@.timeline, @extschema@.timeline)
RETURNS pg_catalog.bool
AS 'MODULE_PATHNAME', 'timeline_eq'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.timeline_eq(@extschema@.timeline, @extschema@.timeline) IS
'true when both timelines have the same kind and the same points at the same positions';

CREATE FUNCTION @extschema@.timeline_ne(@extschema@.timeline, @extschema@.timeline)
RETURNS pg_catalog.bool
AS 'MODULE_PATHNAME', 'timeline_ne'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.timeline_ne(@extschema@.timeline, @extschema@.timeline) IS
'negation of timeline_eq';

CREATE OPERATOR @extschema@.= (
    LEFTARG = @extschema@.timeline,
    RIGHTARG = @extschema@.timeline,
    FUNCTION = @extschema@.timeline_eq,
    COMMUTATOR = OPERATOR(@extschema@.=),
    NEGATOR = OPERATOR(@extschema@.<>),
    RESTRICT = pg_catalog.eqsel,
    JOIN = pg_catalog.eqjoinsel
);
COMMENT ON OPERATOR @extschema@.= (@extschema@.timeline, @extschema@.timeline) IS
'whole-value equality of two timelines';

CREATE OPERATOR @extschema@.<> (
    LEFTARG = @extschema@.timeline,
    RIGHTARG = @extschema@.timeline,
    FUNCTION = @extschema@.timeline_ne,
    COMMUTATOR = OPERATOR(@extschema@.<>),
    NEGATOR = OPERATOR(@extschema@.=),
    RESTRICT = pg_catalog.neqsel,
    JOIN = pg_catalog.neqjoinsel
);
COMMENT ON OPERATOR @extschema@.<> (@extschema@.timeline, @extschema@.timeline) IS
'whole-value inequality of two timelines';

--
-- timeline_agg: build a discrete timeline from rows
--
CREATE FUNCTION @extschema@.timeline_agg_transfn(pg_catalog.internal, pg_catalog.timestamptz, pg_catalog.float8)
RETURNS pg_catalog.internal
AS 'MODULE_PATHNAME', 'timeline_agg_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.timeline_agg_transfn(pg_catalog.internal, pg_catalog.timestamptz, pg_catalog.float8) IS
'transition function of timeline_agg(timestamptz, float8)';

CREATE FUNCTION @extschema@.timeline_agg_seq_transfn(pg_catalog.internal, pg_catalog.timestamptz, pg_catalog.float8, pg_catalog.int8)
RETURNS pg_catalog.internal
AS 'MODULE_PATHNAME', 'timeline_agg_seq_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.timeline_agg_seq_transfn(pg_catalog.internal, pg_catalog.timestamptz, pg_catalog.float8, pg_catalog.int8) IS
'transition function of timeline_agg(timestamptz, float8, bigint)';

CREATE FUNCTION @extschema@.timeline_agg_bool_transfn(pg_catalog.internal, pg_catalog.timestamptz, pg_catalog.bool)
RETURNS pg_catalog.internal
AS 'MODULE_PATHNAME', 'timeline_agg_bool_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.timeline_agg_bool_transfn(pg_catalog.internal, pg_catalog.timestamptz, pg_catalog.bool) IS
'transition function of timeline_agg(timestamptz, boolean)';

CREATE FUNCTION @extschema@.timeline_agg_bool_seq_transfn(pg_catalog.internal, pg_catalog.timestamptz, pg_catalog.bool, pg_catalog.int8)
RETURNS pg_catalog.internal
AS 'MODULE_PATHNAME', 'timeline_agg_bool_seq_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.timeline_agg_bool_seq_transfn(pg_catalog.internal, pg_catalog.timestamptz, pg_catalog.bool, pg_catalog.int8) IS
'transition function of timeline_agg(timestamptz, boolean, bigint)';

CREATE FUNCTION @extschema@.timeline_agg_combinefn(pg_catalog.internal, pg_catalog.internal)
RETURNS pg_catalog.internal
AS 'MODULE_PATHNAME', 'timeline_agg_combinefn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.timeline_agg_combinefn(pg_catalog.internal, pg_catalog.internal) IS
'combines two partial timeline_agg states (parallel aggregation)';

CREATE FUNCTION @extschema@.timeline_agg_serialfn(pg_catalog.internal)
RETURNS pg_catalog.bytea
AS 'MODULE_PATHNAME', 'timeline_agg_serialfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.timeline_agg_serialfn(pg_catalog.internal) IS
'serializes a partial timeline_agg state (versioned format)';

CREATE FUNCTION @extschema@.timeline_agg_deserialfn(pg_catalog.bytea, pg_catalog.internal)
RETURNS pg_catalog.internal
AS 'MODULE_PATHNAME', 'timeline_agg_deserialfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.timeline_agg_deserialfn(pg_catalog.bytea, pg_catalog.internal) IS
'deserializes a partial timeline_agg state';

-- the final function sorts the state in place; sorting a multiset of points
-- does not change what it holds, so further transitions stay valid
CREATE FUNCTION @extschema@.timeline_agg_finalfn(pg_catalog.internal)
RETURNS @extschema@.timeline
AS 'MODULE_PATHNAME', 'timeline_agg_finalfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.timeline_agg_finalfn(pg_catalog.internal) IS
'final function of timeline_agg: sorts into position order and builds the timeline';

CREATE AGGREGATE @extschema@.timeline_agg(pg_catalog.timestamptz, pg_catalog.float8) (
    SFUNC = @extschema@.timeline_agg_transfn,
    STYPE = pg_catalog.internal,
    FINALFUNC = @extschema@.timeline_agg_finalfn,
    FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = @extschema@.timeline_agg_combinefn,
    SERIALFUNC = @extschema@.timeline_agg_serialfn,
    DESERIALFUNC = @extschema@.timeline_agg_deserialfn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.timeline_agg(pg_catalog.timestamptz, pg_catalog.float8) IS
'builds a discrete timeline of (time, value); rows with a NULL time are skipped; points of one time are ordered by value, NULLs last';

CREATE AGGREGATE @extschema@.timeline_agg(pg_catalog.timestamptz, pg_catalog.float8, pg_catalog.int8) (
    SFUNC = @extschema@.timeline_agg_seq_transfn,
    STYPE = pg_catalog.internal,
    FINALFUNC = @extschema@.timeline_agg_finalfn,
    FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = @extschema@.timeline_agg_combinefn,
    SERIALFUNC = @extschema@.timeline_agg_serialfn,
    DESERIALFUNC = @extschema@.timeline_agg_deserialfn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.timeline_agg(pg_catalog.timestamptz, pg_catalog.float8, pg_catalog.int8) IS
'builds a discrete timeline of (time, value) ordered by (time, seq); two rows at one (time, seq) are an error';

CREATE AGGREGATE @extschema@.timeline_agg(pg_catalog.timestamptz, pg_catalog.bool) (
    SFUNC = @extschema@.timeline_agg_bool_transfn,
    STYPE = pg_catalog.internal,
    FINALFUNC = @extschema@.timeline_agg_finalfn,
    FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = @extschema@.timeline_agg_combinefn,
    SERIALFUNC = @extschema@.timeline_agg_serialfn,
    DESERIALFUNC = @extschema@.timeline_agg_deserialfn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.timeline_agg(pg_catalog.timestamptz, pg_catalog.bool) IS
'builds a discrete timeline of a boolean (true 1, false 0); rows with a NULL time are skipped';

CREATE AGGREGATE @extschema@.timeline_agg(pg_catalog.timestamptz, pg_catalog.bool, pg_catalog.int8) (
    SFUNC = @extschema@.timeline_agg_bool_seq_transfn,
    STYPE = pg_catalog.internal,
    FINALFUNC = @extschema@.timeline_agg_finalfn,
    FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = @extschema@.timeline_agg_combinefn,
    SERIALFUNC = @extschema@.timeline_agg_serialfn,
    DESERIALFUNC = @extschema@.timeline_agg_deserialfn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.timeline_agg(pg_catalog.timestamptz, pg_catalog.bool, pg_catalog.int8) IS
'builds a discrete timeline of a boolean (true 1, false 0) ordered by (time, seq)';

--
-- Reading a timeline
--
CREATE FUNCTION @extschema@.value_at(@extschema@.timeline, pg_catalog.timestamptz)
RETURNS pg_catalog.float8
AS 'MODULE_PATHNAME', 'timeline_value_at'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.value_at(@extschema@.timeline, pg_catalog.timestamptz) IS
'value as of t, inclusive: the latest-positioned point at or before t; NULL if none';

CREATE FUNCTION @extschema@.value_at(@extschema@.timeline, pg_catalog.timestamptz, max_age pg_catalog.interval)
RETURNS pg_catalog.float8
AS 'MODULE_PATHNAME', 'timeline_value_at_max_age'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.value_at(@extschema@.timeline, pg_catalog.timestamptz, pg_catalog.interval) IS
'value as of t, or NULL when the latest point at or before t is older than t - max_age';

CREATE FUNCTION @extschema@.values_at(@extschema@.timeline, pg_catalog.timestamptz[])
RETURNS pg_catalog.float8[]
AS 'MODULE_PATHNAME', 'timeline_values_at'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.values_at(@extschema@.timeline, pg_catalog.timestamptz[]) IS
'value_at for every element of an array of times, in the same order and shape';

CREATE FUNCTION @extschema@.points(@extschema@.timeline, OUT "time" pg_catalog.timestamptz, OUT value pg_catalog.float8)
RETURNS SETOF pg_catalog.record
AS 'MODULE_PATHNAME', 'timeline_points'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 100;
COMMENT ON FUNCTION @extschema@.points(@extschema@.timeline) IS
'the points of a timeline as rows (time, value), in position order';

CREATE FUNCTION @extschema@.num_points(@extschema@.timeline)
RETURNS pg_catalog.int4
AS 'MODULE_PATHNAME', 'timeline_num_points'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.num_points(@extschema@.timeline) IS
'number of points';

CREATE FUNCTION @extschema@.first_time(@extschema@.timeline)
RETURNS pg_catalog.timestamptz
AS 'MODULE_PATHNAME', 'timeline_first_time'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.first_time(@extschema@.timeline) IS
'time of the first point; NULL when the timeline is empty';

CREATE FUNCTION @extschema@.last_time(@extschema@.timeline)
RETURNS pg_catalog.timestamptz
AS 'MODULE_PATHNAME', 'timeline_last_time'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.last_time(@extschema@.timeline) IS
'time of the last point; NULL when the timeline is empty';

CREATE FUNCTION @extschema@.slice(@extschema@.timeline, "from" pg_catalog.timestamptz, "to" pg_catalog.timestamptz)
RETURNS @extschema@.timeline
AS 'MODULE_PATHNAME', 'timeline_slice'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.slice(@extschema@.timeline, pg_catalog.timestamptz, pg_catalog.timestamptz) IS
'the points with from <= time < to, same kind; a NULL bound is unbounded';

CREATE FUNCTION @extschema@.kind(@extschema@.timeline)
RETURNS pg_catalog.text
AS 'MODULE_PATHNAME', 'timeline_kind'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.kind(@extschema@.timeline) IS
'''discrete'' or ''continuous''';

CREATE FUNCTION @extschema@.sparkline(@extschema@.timeline, width pg_catalog.int4 DEFAULT 40)
RETURNS pg_catalog.text
AS 'MODULE_PATHNAME', 'timeline_sparkline'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.sparkline(@extschema@.timeline, pg_catalog.int4) IS
'a one-line picture of the values, at most width characters (runs of points show their mean)';
