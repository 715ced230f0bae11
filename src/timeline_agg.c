/*-------------------------------------------------------------------------
 *
 * timeline_agg.c
 *	  The timeline_agg aggregate: builds a discrete timeline from rows.
 *
 * Transition: append (time, seq, value) to an unsorted array in the
 * aggregate context; rows with a NULL time are skipped, infinite times are
 * rejected.  Final: sort into position order and lay out the timeline.
 *
 * Determinism (SEMANTICS.md s1): with a seq, points are ordered by
 * (time, seq) and two points at one (time, seq) are an error.  Without a
 * seq, points of one time are ordered by value with float8's total order
 * (NaN above every number) and NULLs last, and numbered 0, 1, 2, ...
 * Either way the order is a total order on the data, so the result does not
 * depend on input order, on how parallel workers split the rows, or on the
 * order in which partial states are combined.
 *
 * Parallel aggregation: combine concatenates, serial/deserial write a
 * versioned bytea:
 *	  uint8 version (1), uint8 has_seq (0/1), int32 n, then per point
 *	  int64 time, [int64 seq], uint8 isnull, float8 value.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/memutils.h"

#include "compat.h"
#include "timeline.h"

PG_FUNCTION_INFO_V1(timeline_agg_transfn);
PG_FUNCTION_INFO_V1(timeline_agg_seq_transfn);
PG_FUNCTION_INFO_V1(timeline_agg_bool_transfn);
PG_FUNCTION_INFO_V1(timeline_agg_bool_seq_transfn);
PG_FUNCTION_INFO_V1(timeline_agg_combinefn);
PG_FUNCTION_INFO_V1(timeline_agg_serialfn);
PG_FUNCTION_INFO_V1(timeline_agg_deserialfn);
PG_FUNCTION_INFO_V1(timeline_agg_finalfn);

#define AGG_SERIAL_VERSION	1

typedef struct AggPoint
{
	int64		time;
	int64		seq;
	float8		value;
	bool		isnull;
} AggPoint;

typedef struct AggState
{
	bool		has_seq;
	int64		n;
	int64		cap;
	AggPoint   *points;
} AggState;

/* Returns the aggregate memory context, or errors if not called as one. */
static MemoryContext
AggContext(FunctionCallInfo fcinfo)
{
	MemoryContext aggcxt;

	if (!AggCheckCallContext(fcinfo, &aggcxt))
		elog(ERROR, "timeline_agg support function called in non-aggregate context");
	return aggcxt;
}

/* Creates an empty state in the aggregate context. */
static AggState *
AggStateCreate(MemoryContext aggcxt, bool has_seq, int64 cap)
{
	AggState   *state = MemoryContextAllocZero(aggcxt, sizeof(AggState));

	state->has_seq = has_seq;
	state->cap = Max(cap, 8);
	CheckPointCount(state->cap);
	state->points = MemoryContextAllocHuge(aggcxt, sizeof(AggPoint) * state->cap);
	return state;
}

/* Makes room for extra more points. */
static void
AggStateReserve(AggState *state, int64 extra)
{
	int64		need = state->n + extra;

	if (need <= state->cap)
		return;
	CheckPointCount(need);
	state->cap = Min(Max(state->cap * 2, need), (int64) TL_MAX_POINTS);
	state->points = repalloc_huge(state->points, sizeof(AggPoint) * state->cap);
}

/* The shared transition step of every overload. */
static Datum
AggTransition(FunctionCallInfo fcinfo, bool is_bool, bool has_seq)
{
	MemoryContext aggcxt = AggContext(fcinfo);
	AggState   *state = PG_ARGISNULL(0) ? NULL : (AggState *) PG_GETARG_POINTER(0);
	TimestampTz t;
	AggPoint   *p;

	if (state == NULL)
		state = AggStateCreate(aggcxt, has_seq, 8);
	if (PG_ARGISNULL(1))
		PG_RETURN_POINTER(state);	/* NULL time: skipped */
	t = PG_GETARG_TIMESTAMPTZ(1);
	CheckTimelineTime(t, ERRCODE_INVALID_PARAMETER_VALUE);
	if (has_seq && PG_ARGISNULL(3))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("timeline_agg seq cannot be NULL"),
				 errhint("Pass a non-NULL seq such as an event id, or use the two-argument form.")));

	AggStateReserve(state, 1);
	p = &state->points[state->n++];
	p->time = t;
	p->seq = has_seq ? PG_GETARG_INT64(3) : 0;
	p->isnull = PG_ARGISNULL(2);
	if (p->isnull)
		p->value = 0.0;
	else if (is_bool)
		p->value = PG_GETARG_BOOL(2) ? 1.0 : 0.0;
	else
		p->value = PG_GETARG_FLOAT8(2);
	PG_RETURN_POINTER(state);
}

/* Transition of timeline_agg(timestamptz, float8). */
Datum
timeline_agg_transfn(PG_FUNCTION_ARGS)
{
	return AggTransition(fcinfo, false, false);
}

/* Transition of timeline_agg(timestamptz, float8, bigint). */
Datum
timeline_agg_seq_transfn(PG_FUNCTION_ARGS)
{
	return AggTransition(fcinfo, false, true);
}

/* Transition of timeline_agg(timestamptz, boolean). */
Datum
timeline_agg_bool_transfn(PG_FUNCTION_ARGS)
{
	return AggTransition(fcinfo, true, false);
}

/* Transition of timeline_agg(timestamptz, boolean, bigint). */
Datum
timeline_agg_bool_seq_transfn(PG_FUNCTION_ARGS)
{
	return AggTransition(fcinfo, true, true);
}

/* Merges two partial states (parallel aggregation). */
Datum
timeline_agg_combinefn(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt = AggContext(fcinfo);
	AggState   *s1 = PG_ARGISNULL(0) ? NULL : (AggState *) PG_GETARG_POINTER(0);
	AggState   *s2 = PG_ARGISNULL(1) ? NULL : (AggState *) PG_GETARG_POINTER(1);

	if (s2 == NULL)
		PG_RETURN_POINTER(s1);
	if (s1 == NULL)
		s1 = AggStateCreate(aggcxt, s2->has_seq, s2->n);
	if (s1->has_seq != s2->has_seq)
		elog(ERROR, "cannot combine timeline_agg states with and without seq");
	AggStateReserve(s1, s2->n);
	memcpy(s1->points + s1->n, s2->points, sizeof(AggPoint) * s2->n);
	s1->n += s2->n;
	PG_RETURN_POINTER(s1);
}

/* Writes a partial state as bytea. */
Datum
timeline_agg_serialfn(PG_FUNCTION_ARGS)
{
	AggState   *state = (AggState *) PG_GETARG_POINTER(0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, AGG_SERIAL_VERSION);
	pq_sendbyte(&buf, state->has_seq ? 1 : 0);
	pq_sendint32(&buf, (int32) state->n);
	for (int64 i = 0; i < state->n; i++)
	{
		const AggPoint *p = &state->points[i];

		pq_sendint64(&buf, p->time);
		if (state->has_seq)
			pq_sendint64(&buf, p->seq);
		pq_sendbyte(&buf, p->isnull ? 1 : 0);
		pq_sendfloat8(&buf, p->value);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* Reads a partial state written by timeline_agg_serialfn. */
Datum
timeline_agg_deserialfn(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt = AggContext(fcinfo);
	bytea	   *data = PG_GETARG_BYTEA_PP(0);
	StringInfoData buf;
	int			version;
	bool		has_seq;
	int32		n;
	AggState   *state;

	initReadOnlyStringInfo(&buf, VARDATA_ANY(data), VARSIZE_ANY_EXHDR(data));
	version = pq_getmsgbyte(&buf);
	if (version != AGG_SERIAL_VERSION)
		elog(ERROR, "unsupported timeline_agg state version %d", version);
	has_seq = pq_getmsgbyte(&buf) != 0;
	n = pq_getmsgint(&buf, 4);
	if (n < 0)
		elog(ERROR, "corrupt timeline_agg state: %d points", n);
	state = AggStateCreate(aggcxt, has_seq, n);
	for (int32 i = 0; i < n; i++)
	{
		AggPoint   *p = &state->points[i];

		p->time = pq_getmsgint64(&buf);
		p->seq = has_seq ? pq_getmsgint64(&buf) : 0;
		p->isnull = pq_getmsgbyte(&buf) != 0;
		p->value = pq_getmsgfloat8(&buf);
	}
	state->n = n;
	pq_getmsgend(&buf);
	PG_RETURN_POINTER(state);
}

/* Orders points by (time, seq). */
static int
CompareBySeq(const void *a, const void *b)
{
	const AggPoint *pa = a;
	const AggPoint *pb = b;

	if (pa->time != pb->time)
		return pa->time < pb->time ? -1 : 1;
	if (pa->seq != pb->seq)
		return pa->seq < pb->seq ? -1 : 1;
	return 0;
}

/* Orders points by (time, value with NULLs last). */
static int
CompareByValue(const void *a, const void *b)
{
	const AggPoint *pa = a;
	const AggPoint *pb = b;

	if (pa->time != pb->time)
		return pa->time < pb->time ? -1 : 1;
	if (pa->isnull || pb->isnull)
		return (int) pa->isnull - (int) pb->isnull;
	return float8_cmp_internal(pa->value, pb->value);
}

/* Sorts the points and lays them out as a discrete timeline. */
Datum
timeline_agg_finalfn(PG_FUNCTION_ARGS)
{
	AggState   *state;
	TimelineBuilder b;

	AggContext(fcinfo);
	state = PG_ARGISNULL(0) ? NULL : (AggState *) PG_GETARG_POINTER(0);
	if (state == NULL || state->n == 0)
		PG_RETURN_NULL();		/* no row with a time, like other aggregates */

	/* sorting in place is safe: the state is not used after the final call */
	qsort(state->points, state->n, sizeof(AggPoint),
		  state->has_seq ? CompareBySeq : CompareByValue);

	TimelineBuilderInit(&b, state->has_seq, ERRCODE_UNIQUE_VIOLATION, (int32) state->n);
	for (int64 i = 0; i < state->n; i++)
	{
		const AggPoint *p = &state->points[i];

		TimelineBuilderAppend(&b, p->time, p->seq, p->value, p->isnull);
	}
	PG_RETURN_TIMELINE_P(TimelineBuilderFinish(&b, false));
}
