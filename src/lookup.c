/*-------------------------------------------------------------------------
 *
 * lookup.c
 *	  Reading a timeline: point-in-time lookups (value_at, values_at) and
 *	  accessors (points, num_points, first_time, last_time, slice, kind).
 *
 * value_at(tl, t) is as of, inclusive (SEMANTICS.md s2): the value of the
 * last point at or before t, the latest-positioned one if several share that
 * time; NULL if there is none.  It is one binary search over the dense times
 * array: O(log n) per probe.  Lookups take their timeline through the
 * detoast cache, so probing one stored timeline many times in a query
 * detoasts it once.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/timestamp.h"

#include "timeline.h"

PG_FUNCTION_INFO_V1(timeline_value_at);
PG_FUNCTION_INFO_V1(timeline_value_at_max_age);
PG_FUNCTION_INFO_V1(timeline_values_at);
PG_FUNCTION_INFO_V1(timeline_points);
PG_FUNCTION_INFO_V1(timeline_num_points);
PG_FUNCTION_INFO_V1(timeline_first_time);
PG_FUNCTION_INFO_V1(timeline_last_time);
PG_FUNCTION_INFO_V1(timeline_slice);

/*
 * Finds the as-of point for t: returns its index, or -1 if no point is at or
 * before t.  A large stored timeline probed again and again in a query is
 * searched through its fence (TimelineCachedFence).
 */
static inline int32
AsOfIndex(FunctionCallInfo fcinfo, const Timeline *tl, TimestampTz t)
{
	return TimelineAsOfIndexFenced(tl, t, TimelineCachedFence(fcinfo, tl, 1));
}

/* Rejects a negative max age. */
static void
CheckMaxAge(Interval *max_age)
{
	if (IntervalSign(max_age) < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("max_age cannot be negative"),
				 errhint("Give how old the latest point may be, such as '7 days'.")));
}

/* Returns the value of tl as of t, or NULL. */
Datum
timeline_value_at(PG_FUNCTION_ARGS)
{
	Timeline   *tl = TimelineGetArgCached(fcinfo, 0);
	TimestampTz t = PG_GETARG_TIMESTAMPTZ(1);
	int32		i = AsOfIndex(fcinfo, tl, t);

	if (i < 0 || TimelinePointIsNull(TimelineNulls(tl), i))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(TimelineValues(tl)[i]);
}

/*
 * Returns the value of tl as of t, or NULL if the latest point at or before
 * t is older than t - max_age.
 */
Datum
timeline_value_at_max_age(PG_FUNCTION_ARGS)
{
	Timeline   *tl = TimelineGetArgCached(fcinfo, 0);
	TimestampTz t = PG_GETARG_TIMESTAMPTZ(1);
	Interval   *max_age = PG_GETARG_INTERVAL_P(2);
	int32		i;
	TimestampTz oldest;

	CheckMaxAge(max_age);
	i = AsOfIndex(fcinfo, tl, t);
	if (i < 0 || TimelinePointIsNull(TimelineNulls(tl), i))
		PG_RETURN_NULL();
	if (!TIMESTAMP_NOT_FINITE(t))
	{
		/*
		 * t - max_age as a trailing window's start: before the timestamp
		 * range (DT_NOBEGIN), every point is young enough (it failed with
		 * "timestamp out of range")
		 */
		if (IntervalSign(max_age) > 0)
		{
			WindowWidth ww;

			WindowWidthInit(&ww, max_age);
			oldest = WindowStart(&ww, t);
		}
		else
			oldest = DatumGetTimestampTz(DirectFunctionCall2(timestamptz_mi_interval,
															 TimestampTzGetDatum(t),
															 IntervalPGetDatum(max_age)));
		if (oldest != DT_NOBEGIN && TimelineTimes(tl)[i] < oldest)
			PG_RETURN_NULL();
	}
	else if (TIMESTAMP_IS_NOEND(t))
		PG_RETURN_NULL();		/* every point is infinitely old at +infinity */
	PG_RETURN_FLOAT8(TimelineValues(tl)[i]);
}

/* Returns the value of tl as of each element of times (NULL stays NULL). */
Datum
timeline_values_at(PG_FUNCTION_ARGS)
{
	Timeline   *tl = TimelineGetArgCached(fcinfo, 0);
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(1);
	const float8 *values = TimelineValues(tl);
	const bits8 *tlnulls = TimelineNulls(tl);
	const TimelineFence *fence;
	Datum	   *elems;
	bool	   *elemnulls;
	int			nelems;
	Datum	   *out;
	bool	   *outnulls;
	int			ndims = ARR_NDIM(arr);
	int			lbs[MAXDIM];
	ArrayType  *result;

	deconstruct_array(arr, TIMESTAMPTZOID, sizeof(TimestampTz), FLOAT8PASSBYVAL,
					  TYPALIGN_DOUBLE, &elems, &elemnulls, &nelems);
	fence = TimelineCachedFence(fcinfo, tl, nelems);
	out = palloc(sizeof(Datum) * Max(nelems, 1));
	outnulls = palloc(sizeof(bool) * Max(nelems, 1));
	for (int k = 0; k < nelems; k++)
	{
		int32		i = -1;

		CHECK_FOR_INTERRUPTS();
		if (!elemnulls[k])
			i = TimelineAsOfIndexFenced(tl, DatumGetTimestampTz(elems[k]), fence);
		outnulls[k] = (i < 0 || TimelinePointIsNull(tlnulls, i));
		out[k] = outnulls[k] ? (Datum) 0 : Float8GetDatum(values[i]);
	}
	if (nelems == 0)
		PG_RETURN_ARRAYTYPE_P(construct_empty_array(FLOAT8OID));
	for (int d = 0; d < ndims; d++)
		lbs[d] = ARR_LBOUND(arr)[d];
	result = construct_md_array(out, outnulls, ndims, ARR_DIMS(arr), lbs,
								FLOAT8OID, sizeof(float8), FLOAT8PASSBYVAL,
								TYPALIGN_DOUBLE);
	PG_RETURN_ARRAYTYPE_P(result);
}

typedef struct PointsState
{
	Timeline   *tl;
	int32		next;
} PointsState;

/* Returns the points of tl as rows (time, value), in position order. */
Datum
timeline_points(PG_FUNCTION_ARGS)
{
	FuncCallContext *funcctx;
	PointsState *st;

	if (SRF_IS_FIRSTCALL())
	{
		MemoryContext old;
		TupleDesc	tupdesc;

		funcctx = SRF_FIRSTCALL_INIT();
		old = MemoryContextSwitchTo(funcctx->multi_call_memory_ctx);
		if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
			elog(ERROR, "points() must return a composite type");
		funcctx->tuple_desc = BlessTupleDesc(tupdesc);
		st = palloc(sizeof(PointsState));
		st->tl = PG_GETARG_TIMELINE_P(0);
		st->next = 0;
		funcctx->user_fctx = st;
		MemoryContextSwitchTo(old);
	}
	funcctx = SRF_PERCALL_SETUP();
	st = funcctx->user_fctx;
	if (st->next < st->tl->npoints)
	{
		int32		i = st->next++;
		Datum		values[2];
		bool		nulls[2] = {false, false};

		values[0] = TimestampTzGetDatum(TimelineTimes(st->tl)[i]);
		nulls[1] = TimelinePointIsNull(TimelineNulls(st->tl), i);
		values[1] = nulls[1] ? (Datum) 0 : Float8GetDatum(TimelineValues(st->tl)[i]);
		SRF_RETURN_NEXT(funcctx,
						HeapTupleGetDatum(heap_form_tuple(funcctx->tuple_desc, values, nulls)));
	}
	SRF_RETURN_DONE(funcctx);
}

/* Returns the number of points. */
Datum
timeline_num_points(PG_FUNCTION_ARGS)
{
	Timeline   *tl = TimelineGetArgCached(fcinfo, 0);

	PG_RETURN_INT32(tl->npoints);
}

/* Returns the time of the first point, NULL when empty. */
Datum
timeline_first_time(PG_FUNCTION_ARGS)
{
	Timeline   *tl = TimelineGetArgCached(fcinfo, 0);

	if (tl->npoints == 0)
		PG_RETURN_NULL();
	PG_RETURN_TIMESTAMPTZ(TimelineTimes(tl)[0]);
}

/* Returns the time of the last point, NULL when empty. */
Datum
timeline_last_time(PG_FUNCTION_ARGS)
{
	Timeline   *tl = TimelineGetArgCached(fcinfo, 0);

	if (tl->npoints == 0)
		PG_RETURN_NULL();
	PG_RETURN_TIMESTAMPTZ(TimelineTimes(tl)[tl->npoints - 1]);
}

/*
 * Returns the points with from <= time < to, keeping kind and seqs; a NULL
 * bound is unbounded, like a range constructor's.
 */
Datum
timeline_slice(PG_FUNCTION_ARGS)
{
	Timeline   *tl;
	int32		lo,
				hi;
	TimelineBuilder b;
	const int64 *times;
	const int64 *seqs;
	const float8 *values;
	const bits8 *nulls;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	tl = TimelineGetArgCached(fcinfo, 0);
	if (!PG_ARGISNULL(1) && !PG_ARGISNULL(2) &&
		PG_GETARG_TIMESTAMPTZ(1) > PG_GETARG_TIMESTAMPTZ(2))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("slice lower bound must be less than or equal to its upper bound")));
	lo = PG_ARGISNULL(1) ? 0 : TimelineLowerBound(tl, PG_GETARG_TIMESTAMPTZ(1));
	hi = PG_ARGISNULL(2) ? tl->npoints : TimelineLowerBound(tl, PG_GETARG_TIMESTAMPTZ(2));

	times = TimelineTimes(tl);
	seqs = TimelineSeqs(tl);
	values = TimelineValues(tl);
	nulls = TimelineNulls(tl);
	TimelineBuilderInit(&b, seqs != NULL, ERRCODE_INTERNAL_ERROR, Max(hi - lo, 0));
	for (int32 i = lo; i < hi; i++)
	{
		TL_CHECK_INTERRUPTS_EVERY_64K(i - lo);
		TimelineBuilderAppend(&b, times[i], seqs ? seqs[i] : 0, values[i],
							  TimelinePointIsNull(nulls, i));
	}
	PG_RETURN_TIMELINE_P(TimelineBuilderFinish(&b, TimelineIsContinuous(tl)));
}
