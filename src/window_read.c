/*-------------------------------------------------------------------------
 *
 * window_read.c
 *	  Readings of window.c's aggregations at given times, without building
 *	  the result timeline: aggregate_at_times (the lifetime or trailing
 *	  aggregate as of each element of an array of times), aggregates_between
 *	  (the aggregate of the points in (start, end]) and read_at_times (many
 *	  such readings of a few timelines at the same times, as rows: how a
 *	  training set reads its features); and the planner support functions
 *	  observe_support and values_at_support, which rewrite
 *	  observe(agg(tl, ...), tl) into aggregate_at_points and
 *	  values_at(agg(tl, ...), times) into aggregate_at_times.
 *
 * aggregate_at_times, and the at readings of read_at_times, equal bit for
 * bit the value of window.c's result timeline at each time, with the same
 * accumulator (WinAcc) and two-stack queue (AccQueue, timeline.h),
 * instantiated per aggregate kind (WIN_DISPATCH).  The times are sorted once
 * and read in one pass over the points: a lifetime aggregate keeps one
 * running accumulator; a trailing window pushes and pops its queue in the
 * same order as window.c's sweep (values leave in the order they entered,
 * and every value whose leave time is at or before a point's time has left
 * before that point enters), so its total at a time is the value of the
 * result's last point at or before it.  Between two times far apart relative
 * to the width, the queue jumps over the points that enter and leave in
 * between, starting empty where it would be empty anyway (TrailingJump);
 * count and count_if keep a running count minus the values that have left,
 * with two indexes into the input instead of the queue.  Widths whose window
 * start can move back (months, or days across daylight-saving changes, see
 * window_width.c) are read off the whole result timeline instead
 * (ProbeFromResult): the queue here only moves forward.
 *
 * aggregates_between combines the points of (start, end] afresh for every
 * window, in position order like the lifetime aggregate: the window
 * (t, t + horizon] of a training-set label taken exactly; count, count_if,
 * first, last, min and max read many wide windows off an index of the
 * points instead (BetweenIndex), with the same results.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "funcapi.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_language.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "nodes/supportnodes.h"
#include "optimizer/clauses.h"
#include "optimizer/optimizer.h"
#include "parser/parse_func.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"

#include "timeline.h"

/* the readings at given times, then the planner support functions */
PG_FUNCTION_INFO_V1(timeline_aggregates_between);
PG_FUNCTION_INFO_V1(timeline_aggregate_at_times);
PG_FUNCTION_INFO_V1(timeline_aggregate_at_times_trailing);
PG_FUNCTION_INFO_V1(timeline_read_at_times);
PG_FUNCTION_INFO_V1(timeline_observe_support);
PG_FUNCTION_INFO_V1(timeline_values_at_support);

/*
 * aggregates_between(tl, aggregate, starts[], ends[]): for every k, the
 * aggregate of the points with starts[k] < time <= ends[k], combined in
 * position order like the lifetime aggregate; NULL bounds give NULL; the
 * result has the shape of starts (ends only needs as many elements).  This
 * is the window (t, t + horizon] of a training-set label taken exactly: a
 * trailing window read at t + horizon would start at (t + horizon) -
 * horizon, which is not t across month ends or daylight-saving changes.
 */
static pg_attribute_always_inline bool
AggregateRangeOf(Timeline *tl, WinKind kind, int32 lo, int32 hi, float8 *v)
{
	const float8 *values = TimelineValues(tl);
	const bits8 *nulls = TimelineNulls(tl);
	WinAcc		acc = AccEmpty();

	for (int32 i = lo; i < hi; i++)
		if (!TimelinePointIsNull(nulls, i))
		{
			WinAcc		one = AccOf(values[i]);

			acc = AccCombine(kind, &acc, &one);
		}
	return AccResult(kind, &acc, v);
}

/* The aggregate of the points [lo, hi), combined for the kind (WIN_DISPATCH). */
static bool
AggregateRange(Timeline *tl, WinKind kind, int32 lo, int32 hi, float8 *v)
{
#define RANGE_OF(k) return AggregateRangeOf(tl, k, lo, hi, v)
	WIN_DISPATCH(kind, RANGE_OF);
#undef RANGE_OF
	return false;				/* not reached */
}

/*
 * Combining each window's points afresh costs the number of points in it,
 * so windows that overlap much (a training set's labels over a long horizon
 * at every event of a busy entity) cost the windows times their width:
 * 40,000 labels of 300 days over an entity's 360,000 events took 17 s, and
 * twice the windows over twice the events four times that.  Where the
 * result does not depend on how the window's points are grouped, an index
 * built once over the points reads each window in constant or logarithmic
 * time, with the same result bit for bit: count and count_if are
 * differences of running counts, first and last the first and last non-NULL
 * point of the window, min and max its leftmost least or greatest value,
 * which a segment tree finds (Float8Min and Float8Max keep the earlier of
 * two values that compare equal, such as 0 and -0, and so does any grouping
 * of the tree's).  Sums, means and variances depend on the order of their
 * additions, which is the window's position order: they still combine every
 * point.  The index is built when the windows hold more points in all than
 * the timeline, where reading them would cost more than building it.
 */
typedef struct BetweenIndex
{
	WinKind		kind;
	const float8 *values;
	int64	   *before;			/* count, count_if: members among points [0, i) */
	int32	   *next;			/* first: the first non-NULL point at or after i,
								 * or n; last: the last non-NULL point before i,
								 * or -1 */
	int32	   *tree;			/* min, max: a segment tree of point indexes, -1
								 * for none; its leaves from size */
	int32		size;
} BetweenIndex;

static inline bool
BetweenIndexable(WinKind kind)
{
	return kind == WK_COUNT || kind == WK_COUNT_IF || kind == WK_FIRST || kind == WK_LAST ||
		kind == WK_MIN || kind == WK_MAX;
}

/* Of two points (or -1), the one min or max keeps: the earlier when equal. */
static inline int32
BetweenPick(const BetweenIndex *bi, int32 a, int32 b)
{
	int			cmp;

	if (a < 0)
		return b;
	if (b < 0)
		return a;
	cmp = float8_cmp_internal(bi->values[a], bi->values[b]);
	if (bi->kind == WK_MIN)
		return cmp <= 0 ? a : b;
	return cmp >= 0 ? a : b;
}

static void
BetweenIndexInit(BetweenIndex *bi, Timeline *tl, WinKind kind)
{
	const bits8 *nulls = TimelineNulls(tl);
	int32		n = tl->npoints;

	memset(bi, 0, sizeof(*bi));
	bi->kind = kind;
	bi->values = TimelineValues(tl);
	switch (kind)
	{
		case WK_COUNT:
		case WK_COUNT_IF:
			bi->before = palloc_extended(sizeof(int64) * ((Size) n + 1), MCXT_ALLOC_HUGE);
			bi->before[0] = 0;
			for (int32 i = 0; i < n; i++)
				bi->before[i + 1] = bi->before[i] +
					(!TimelinePointIsNull(nulls, i) && (kind == WK_COUNT || bi->values[i] != 0.0));
			break;
		case WK_FIRST:
			bi->next = palloc_extended(sizeof(int32) * ((Size) n + 1), MCXT_ALLOC_HUGE);
			bi->next[n] = n;
			for (int32 i = n - 1; i >= 0; i--)
				bi->next[i] = TimelinePointIsNull(nulls, i) ? bi->next[i + 1] : i;
			break;
		case WK_LAST:
			bi->next = palloc_extended(sizeof(int32) * ((Size) n + 1), MCXT_ALLOC_HUGE);
			bi->next[0] = -1;
			for (int32 i = 0; i < n; i++)
				bi->next[i + 1] = TimelinePointIsNull(nulls, i) ? bi->next[i] : i;
			break;
		case WK_MIN:
		case WK_MAX:
			bi->size = 1;
			while (bi->size < n)
				bi->size *= 2;
			bi->tree = palloc_extended(sizeof(int32) * 2 * (Size) bi->size, MCXT_ALLOC_HUGE);
			for (int32 i = 0; i < bi->size; i++)
				bi->tree[bi->size + i] = (i < n && !TimelinePointIsNull(nulls, i)) ? i : -1;
			for (int32 i = bi->size - 1; i >= 1; i--)
				bi->tree[i] = BetweenPick(bi, bi->tree[2 * i], bi->tree[2 * i + 1]);
			break;
		default:
			elog(ERROR, "aggregate kind %d has no between index", (int) kind);
	}
}

/* The aggregate of the points [lo, hi), as AggregateRange gives it. */
static bool
BetweenIndexRead(const BetweenIndex *bi, int32 lo, int32 hi, float8 *v)
{
	int32		left = -1,
				right = -1,
				i;

	if (hi < lo)
		hi = lo;				/* an empty window */
	switch (bi->kind)
	{
		case WK_COUNT:
		case WK_COUNT_IF:
			*v = (float8) (bi->before[hi] - bi->before[lo]);
			return true;
		case WK_FIRST:
			i = bi->next[lo];
			break;
		case WK_LAST:
			i = bi->next[hi];
			if (i < lo)
				i = -1;
			break;
		default:
			/* the pick of [lo, hi): the left parts in order, then the right ones */
			for (int32 l = lo + bi->size, r = hi + bi->size; l < r; l /= 2, r /= 2)
			{
				if (l & 1)
					left = BetweenPick(bi, left, bi->tree[l++]);
				if (r & 1)
					right = BetweenPick(bi, bi->tree[--r], right);
			}
			i = BetweenPick(bi, left, right);
			break;
	}
	if (i < 0 || i >= hi)
		return false;
	*v = bi->values[i];
	return true;
}

/*
 * Every window (starts[k], ends[k]] not skipped, into out and outnull (a
 * skipped one is NULL).
 */
static void
AggregatesBetween(Timeline *tl, WinKind kind, int n, const TimestampTz *starts,
				  const TimestampTz *ends, const bool *skip, Datum *out, bool *outnull)
{
	int32	   *lo = palloc(sizeof(int32) * Max(n, 1));
	int32	   *hi = palloc(sizeof(int32) * Max(n, 1));
	int64		total = 0;
	BetweenIndex bi;
	bool		indexed = false;

	for (int k = 0; k < n; k++)
	{
		if (skip[k])
			continue;
		lo[k] = TimelineUpperBound(tl, starts[k]);
		hi[k] = TimelineUpperBound(tl, ends[k]);
		total += Max(hi[k] - lo[k], 0);
	}
	if (total > tl->npoints && BetweenIndexable(kind))
	{
		BetweenIndexInit(&bi, tl, kind);
		indexed = true;
	}
	for (int k = 0; k < n; k++)
	{
		float8		v = 0;

		/* each window reads its points anew: many wide ones take long */
		CHECK_FOR_INTERRUPTS();
		outnull[k] = skip[k] ||
			!(indexed ? BetweenIndexRead(&bi, lo[k], hi[k], &v) : AggregateRange(tl, kind, lo[k], hi[k], &v));
		out[k] = outnull[k] ? (Datum) 0 : Float8GetDatum(v);
	}
	pfree(lo);
	pfree(hi);
}

/* aggregates_between(tl, aggregate, starts, ends): see AggregatesBetween. */
Datum
timeline_aggregates_between(PG_FUNCTION_ARGS)
{
	Timeline   *tl = TimelineGetArgCached(fcinfo, 0);
	char	   *aggname = text_to_cstring(PG_GETARG_TEXT_PP(1));
	ArrayType  *starts_arr = PG_GETARG_ARRAYTYPE_P(2);
	ArrayType  *ends_arr = PG_GETARG_ARRAYTYPE_P(3);
	WinKind		kind = WinKindFromText(aggname);
	Datum	   *starts,
			   *ends;
	bool	   *snulls,
			   *enulls;
	int			nstarts,
				nends;
	TimestampTz *st,
			   *en;
	bool	   *skip;
	Datum	   *out;
	bool	   *outnulls;

	deconstruct_array(starts_arr, TIMESTAMPTZOID, sizeof(TimestampTz), FLOAT8PASSBYVAL,
					  TYPALIGN_DOUBLE, &starts, &snulls, &nstarts);
	deconstruct_array(ends_arr, TIMESTAMPTZOID, sizeof(TimestampTz), FLOAT8PASSBYVAL,
					  TYPALIGN_DOUBLE, &ends, &enulls, &nends);
	if (nstarts != nends)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("starts and ends must have the same number of elements")));
	if (nstarts == 0)
		PG_RETURN_ARRAYTYPE_P(construct_empty_array(FLOAT8OID));
	st = palloc(sizeof(TimestampTz) * nstarts);
	en = palloc(sizeof(TimestampTz) * nstarts);
	skip = palloc(sizeof(bool) * nstarts);
	for (int k = 0; k < nstarts; k++)
	{
		skip[k] = snulls[k] || enulls[k];
		st[k] = skip[k] ? 0 : DatumGetTimestampTz(starts[k]);
		en[k] = skip[k] ? 0 : DatumGetTimestampTz(ends[k]);
	}
	out = palloc(sizeof(Datum) * nstarts);
	outnulls = palloc(sizeof(bool) * nstarts);
	AggregatesBetween(tl, kind, nstarts, st, en, skip, out, outnulls);
	/* the result has the shape of starts, as values_at's has that of times */
	PG_RETURN_ARRAYTYPE_P(construct_md_array(out, outnulls, ARR_NDIM(starts_arr), ARR_DIMS(starts_arr),
											 ARR_LBOUND(starts_arr), FLOAT8OID,
											 sizeof(float8), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

/*
 * aggregate_at_times(tl, aggregate [, width], times[]): for every k, the
 * value of aggregate(tl [, width]) as of times[k], exactly what
 * values_at(aggregate(tl [, width]), times) gives (NULL for a NULL time and
 * before tl's first point), in one pass over tl's points and the times in
 * time order, without building the result timeline.
 *
 * Bit for bit: values leave the queue in the order they entered, and every
 * value whose leave time is at or before a point's time has left before that
 * point enters, here as in AggregateTrailingOf, so the queue goes through the
 * same pushes and pops in the same order and its total at a time is the
 * value of the result's last point at or before it.  A value that never
 * leaves within the timestamp range (leave time infinity) stays for an
 * infinite time too, as in the result timeline.
 */
typedef struct ProbeTimes
{
	int			n;				/* number of times */
	TimestampTz *time;			/* times[k] */
	bool	   *isnull;
	int		   *order;			/* the non-NULL k in time order */
	int			norder;
	Datum	   *out;
	bool	   *outnull;
} ProbeTimes;

/* Compares two probe indexes by their times. */
static inline int
CompareProbe(const int *a, const int *b, const TimestampTz *time)
{
	TimestampTz ta = time[*a];
	TimestampTz tb = time[*b];

	return (ta > tb) - (ta < tb);
}

/* sort_probes(): an interruptible sort of probe indexes by their times */
#define ST_SORT sort_probes
#define ST_ELEMENT_TYPE int
#define ST_COMPARE_ARG_TYPE const TimestampTz
#define ST_COMPARE(a, b, arg) CompareProbe(a, b, arg)
#define ST_CHECK_FOR_INTERRUPTS
#define ST_SCOPE static
#define ST_DECLARE
#define ST_DEFINE
#include "lib/sort_template.h"

/* Reads the times array and orders its non-NULL elements by time. */
static void
ProbeTimesInit(ProbeTimes *pt, ArrayType *arr)
{
	Datum	   *elems;

	deconstruct_array(arr, TIMESTAMPTZOID, sizeof(TimestampTz), FLOAT8PASSBYVAL,
					  TYPALIGN_DOUBLE, &elems, &pt->isnull, &pt->n);
	pt->time = palloc(sizeof(TimestampTz) * Max(pt->n, 1));
	pt->order = palloc(sizeof(int) * Max(pt->n, 1));
	pt->out = palloc0(sizeof(Datum) * Max(pt->n, 1));
	pt->outnull = palloc(sizeof(bool) * Max(pt->n, 1));
	pt->norder = 0;
	for (int k = 0; k < pt->n; k++)
	{
		pt->outnull[k] = true;
		if (pt->isnull[k])
			continue;
		pt->time[k] = DatumGetTimestampTz(elems[k]);
		pt->order[pt->norder++] = k;
	}
	sort_probes(pt->order, pt->norder, pt->time);
}

/* Stores the aggregate of acc as the answer for times[k]. */
static inline void
ProbeAnswer(ProbeTimes *pt, int k, WinKind kind, const WinAcc *acc)
{
	float8		v = 0;

	pt->outnull[k] = !AccResult(kind, acc, &v);
	pt->out[k] = pt->outnull[k] ? (Datum) 0 : Float8GetDatum(v);
}

/* The result array, shaped like the times array. */
static ArrayType *
ProbeTimesResult(ProbeTimes *pt, ArrayType *arr)
{
	int			lbs[MAXDIM];

	if (pt->n == 0)
		return construct_empty_array(FLOAT8OID);
	for (int d = 0; d < ARR_NDIM(arr); d++)
		lbs[d] = ARR_LBOUND(arr)[d];
	return construct_md_array(pt->out, pt->outnull, ARR_NDIM(arr), ARR_DIMS(arr), lbs,
							  FLOAT8OID, sizeof(float8), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE);
}

/* Answers every probe with the lifetime aggregate up to its time. */
static pg_attribute_always_inline void
LifetimeAtTimesOf(Timeline *tl, WinKind kind, ProbeTimes *pt)
{
	const TimestampTz *times = TimelineTimes(tl);
	const float8 *values = TimelineValues(tl);
	const bits8 *nulls = TimelineNulls(tl);
	WinAcc		acc = AccEmpty();
	int32		i = 0;

	for (int o = 0; o < pt->norder; o++)
	{
		int			k = pt->order[o];

		CHECK_FOR_INTERRUPTS();
		for (; i < tl->npoints && times[i] <= pt->time[k]; i++)
		{
			TL_CHECK_INTERRUPTS_EVERY_64K(i);
			if (!TimelinePointIsNull(nulls, i))
			{
				WinAcc		one = AccOf(values[i]);

				acc = AccCombine(kind, &acc, &one);
			}
		}
		if (i > 0)
			ProbeAnswer(pt, k, kind, &acc);
	}
}

/*
 * Where the queue may jump to on its way to probe time t, with the points
 * before i pushed: a point m in [i, n) at which the queue just before m's
 * push holds nothing, every point in [i, m) having entered and left before
 * it, so that starting an empty queue at m gives the same totals bit for bit
 * as pushing and popping every point in between.  That holds at the first
 * point after t when every point up to t leaves by t, and at a point m
 * whose predecessor leaves by times[m] (so do all earlier ones) when every
 * point in [i, m) leaves by t.  Returns i when there is no such jump.  With
 * probes far apart relative to the width, as in a training set's spine,
 * this reads only the points of the probes' windows.
 */
static int32
TrailingJump(const TimestampTz *times, int32 i, int32 n, const WindowWidth *ww, TimestampTz t)
{
	int32		j = FirstInWindowAt(times, i, n, ww, t);

	if (j == i)
		return i;
	if (j == n || times[j] > t)
		return j;
	for (int32 m = j; m > i; m--)
		if (LeaveTime(ww, times[m - 1]) <= times[m])
			return m;
	return i;
}

/*
 * The answers read off the whole result timeline, for widths whose window
 * start can move back (see LeaveTimeIn): the queue below only moves forward,
 * and the result's sweep rebuilds it at the jumps.
 */
static void
ProbeFromResult(ProbeTimes *pt, Timeline *res)
{
	const TimestampTz *times = TimelineTimes(res);
	const float8 *values = TimelineValues(res);
	const bits8 *nulls = TimelineNulls(res);
	int32		i = 0;

	for (int o = 0; o < pt->norder; o++)
	{
		int			k = pt->order[o];

		CHECK_FOR_INTERRUPTS();
		while (i < res->npoints && times[i] <= pt->time[k])
		{
			TL_CHECK_INTERRUPTS_EVERY_64K(i);
			i++;
		}
		if (i > 0 && !TimelinePointIsNull(nulls, i - 1))
		{
			pt->outnull[k] = false;
			pt->out[k] = Float8GetDatum(values[i - 1]);
		}
	}
}

/* Answers every probe with the trailing window at its time. */
static pg_attribute_always_inline void
TrailingAtTimesOf(Timeline *tl, WinKind kind, WindowWidth *ww, ProbeTimes *pt)
{
	const TimestampTz *times = TimelineTimes(tl);
	const float8 *values = TimelineValues(tl);
	const bits8 *nulls = TimelineNulls(tl);
	AccQueue	q;
	int32		i = 0;

	if (!ww->fixed)
	{
		ProbeFromResult(pt, AggregateTrailing(tl, kind, ww->width, false));
		return;
	}
	AccQueueInit(&q, kind, TrailingQueueFirst(tl, ww), tl->npoints, true);
	for (int o = 0; o < pt->norder; o++)
	{
		int			k = pt->order[o];
		TimestampTz t = pt->time[k];
		WinAcc		acc;
		int32		jump = TrailingJump(times, i, tl->npoints, ww, t);

		CHECK_FOR_INTERRUPTS();
		if (jump > i)
		{
			AccQueueReset(&q);
			i = jump;
		}
		for (; i < tl->npoints && times[i] <= t; i++)
		{
			TL_CHECK_INTERRUPTS_EVERY_64K(i);
			while (AccQueueSize(&q) > 0 && q.expiry[q.head] <= times[i])
				AccQueuePopOf(&q, kind);
			if (!TimelinePointIsNull(nulls, i))
			{
				WinAcc		one = AccOf(values[i]);

				AccQueuePushOf(&q, kind, &one, LeaveTime(ww, times[i]));
			}
		}
		while (AccQueueSize(&q) > 0 && q.expiry[q.head] <= t && q.expiry[q.head] != DT_NOEND)
			AccQueuePopOf(&q, kind);
		if (i > 0)
		{
			acc = AccQueueTotalOf(&q, kind);
			ProbeAnswer(pt, k, kind, &acc);
		}
	}
	AccQueueFree(&q);
}

/* count and count_if: the running count minus the values that have left */
static void
CountAtTimes(Timeline *tl, WinKind kind, WindowWidth *ww, ProbeTimes *pt)
{
	CountWindow w;
	int32		i = 0;

	if (!ww->fixed)
	{
		ProbeFromResult(pt, AggregateTrailing(tl, kind, ww->width, false));
		return;
	}
	CountWindowInit(&w, tl, kind, ww);
	for (int o = 0; o < pt->norder; o++)
	{
		int			k = pt->order[o];
		TimestampTz t = pt->time[k];
		int32		first = FirstInWindowAt(w.times, i, tl->npoints, ww, t);

		CHECK_FOR_INTERRUPTS();
		/* the points before first, counted or not yet, have all left by t */
		if (first > i)
		{
			w.count = 0;
			w.head = i = first;
		}
		for (; i < tl->npoints && w.times[i] <= t; i++)
		{
			TL_CHECK_INTERRUPTS_EVERY_64K(i);
			if (!TimelinePointIsNull(w.nulls, i) && (!w.count_if || w.values[i] != 0.0))
				w.count++;
		}
		while (CountWindowHead(&w, i) && w.leave <= t && w.leave != DT_NOEND)
			CountWindowPop(&w);
		if (i > 0)
		{
			pt->outnull[k] = false;
			pt->out[k] = Float8GetDatum((float8) w.count);
		}
	}
}

/* aggregate_at_times(tl, aggregate, times[]): the lifetime aggregate. */
Datum
timeline_aggregate_at_times(PG_FUNCTION_ARGS)
{
	Timeline   *tl = TimelineGetArgCached(fcinfo, 0);
	WinKind		kind = WinKindFromText(text_to_cstring(PG_GETARG_TEXT_PP(1)));
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(2);
	ProbeTimes	pt;

	ProbeTimesInit(&pt, arr);
#define LIFETIME_AT(k) LifetimeAtTimesOf(tl, k, &pt); break
	WIN_DISPATCH(kind, LIFETIME_AT);
#undef LIFETIME_AT
	PG_RETURN_ARRAYTYPE_P(ProbeTimesResult(&pt, arr));
}

/* aggregate_at_times(tl, aggregate, width, times[]): the trailing window. */
Datum
timeline_aggregate_at_times_trailing(PG_FUNCTION_ARGS)
{
	Timeline   *tl = TimelineGetArgCached(fcinfo, 0);
	WinKind		kind = WinKindFromText(text_to_cstring(PG_GETARG_TEXT_PP(1)));
	WindowWidth ww;
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(3);
	ProbeTimes	pt;

	WindowWidthInit(&ww, PG_GETARG_INTERVAL_P(2));
	ProbeTimesInit(&pt, arr);
	if (kind == WK_COUNT || kind == WK_COUNT_IF)
		CountAtTimes(tl, kind, &ww, &pt);
	else
	{
#define TRAILING_AT(k) TrailingAtTimesOf(tl, k, &ww, &pt); break
		WIN_DISPATCH(kind, TRAILING_AT);
#undef TRAILING_AT
	}
	PG_RETURN_ARRAYTYPE_P(ProbeTimesResult(&pt, arr));
}

/*
 * read_at_times(ids int8[], times timestamptz[], ends timestamptz[],
 * reads text[], aggregates text[], widths interval[], states int4[],
 * VARIADIC timelines "any"): several readings of a few timelines at the
 * same times, as rows: for every k, ids[k] and one float8 per element c of
 * reads, which says what that column holds (tl is timelines[states[c]]):
 *   value          values_at(tl, times)[k]
 *   value_at_ends  values_at(tl, ends)[k]
 *   at             aggregate_at_times(tl, aggregates[c] [, widths[c]], times)[k]
 *                  (lifetime when widths[c] is NULL)
 *   between        aggregates_between(tl, aggregates[c], times, ends)[k];
 *                  with widths[c], from the later of times[k] and
 *                  ends[k] - widths[c] (a trailing window read at ends[k],
 *                  cut at times[k]: a training set's feature label)
 * with the same values bit for bit.  An at or between read may also take
 * the aggregate count_rows: count, but of points rather than of non-NULL
 * values, found by binary searches alone.  A training set's count(events)
 * features read it from a timeline it builds anyway (any point expression
 * of the same source and filter has one point per row), which saves the
 * aggregate a timeline of ones.  This is how create_training_set reads
 * every feature of one entity at its spine rows' times: one call, one sort
 * of the times and one row per spine row, where a ROWS FROM of one unnested
 * array per feature cost about as much again as computing the arrays.
 * The spec (reads, aggregates, widths, states) is checked and prepared once
 * per call site when it is constant, as in a generated statement.
 */
typedef enum ReadKind
{
	RK_VALUE,
	RK_VALUE_AT_ENDS,
	RK_AT,
	RK_BETWEEN
} ReadKind;

typedef struct ColumnRead
{
	ReadKind	read;
	WinKind		kind;
	bool		trailing;
	bool		rows;			/* count_rows: points, NULL values too */
	WindowWidth ww;				/* trailing: the width (a copy) */
	int			state;			/* index into the timelines, from 0 */
} ColumnRead;

typedef struct ReadSpec
{
	int			ncols;
	ColumnRead *cols;
} ReadSpec;

/* Checks and prepares the spec (reads, aggregates, widths, states) in mcxt. */
static ReadSpec *
ReadSpecMake(FunctionCallInfo fcinfo, int ntimelines, MemoryContext mcxt)
{
	Datum	   *reads,
			   *aggs,
			   *widths,
			   *states;
	bool	   *readnulls,
			   *aggnulls,
			   *widthnulls,
			   *statenulls;
	int			nreads,
				naggs,
				nwidths,
				nstates;
	ReadSpec   *spec;

	for (int a = 3; a <= 6; a++)
		if (PG_ARGISNULL(a))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("reads, aggregates, widths and states must not be NULL")));
	deconstruct_array(PG_GETARG_ARRAYTYPE_P(3), TEXTOID, -1, false, TYPALIGN_INT,
					  &reads, &readnulls, &nreads);
	deconstruct_array(PG_GETARG_ARRAYTYPE_P(4), TEXTOID, -1, false, TYPALIGN_INT,
					  &aggs, &aggnulls, &naggs);
	deconstruct_array(PG_GETARG_ARRAYTYPE_P(5), INTERVALOID, sizeof(Interval), false,
					  TYPALIGN_DOUBLE, &widths, &widthnulls, &nwidths);
	deconstruct_array(PG_GETARG_ARRAYTYPE_P(6), INT4OID, sizeof(int32), true, TYPALIGN_INT,
					  &states, &statenulls, &nstates);
	if (naggs != nreads || nwidths != nreads || nstates != nreads)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("reads, aggregates, widths and states must have the same number of elements")));
	spec = MemoryContextAlloc(mcxt, sizeof(ReadSpec));
	spec->ncols = nreads;
	spec->cols = MemoryContextAllocZero(mcxt, sizeof(ColumnRead) * Max(nreads, 1));
	for (int c = 0; c < nreads; c++)
	{
		ColumnRead *col = &spec->cols[c];
		char	   *read = readnulls[c] ? NULL : TextDatumGetCString(reads[c]);
		char	   *agg;

		if (read != NULL && strcmp(read, "value") == 0)
			col->read = RK_VALUE;
		else if (read != NULL && strcmp(read, "value_at_ends") == 0)
			col->read = RK_VALUE_AT_ENDS;
		else if (read != NULL && strcmp(read, "at") == 0)
			col->read = RK_AT;
		else if (read != NULL && strcmp(read, "between") == 0)
			col->read = RK_BETWEEN;
		else
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("unknown read: %s", read ? quote_literal_cstr(read) : "NULL"),
					 errhint("Use value, value_at_ends, at or between.")));
		if (statenulls[c] || DatumGetInt32(states[c]) < 1 || DatumGetInt32(states[c]) > ntimelines)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("state %s of column %d is not one of the %d timelines",
							statenulls[c] ? "NULL" : psprintf("%d", DatumGetInt32(states[c])),
							c + 1, ntimelines)));
		col->state = DatumGetInt32(states[c]) - 1;
		if (col->read == RK_VALUE || col->read == RK_VALUE_AT_ENDS)
		{
			if (!aggnulls[c] || !widthnulls[c])
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("column %d reads values: its aggregate and width must be NULL", c + 1)));
			continue;
		}
		if (aggnulls[c])
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("column %d reads an aggregate: its aggregate must not be NULL", c + 1)));
		agg = TextDatumGetCString(aggs[c]);
		if (strcmp(agg, "count_rows") == 0)
		{
			col->kind = WK_COUNT;
			col->rows = true;
		}
		else
			col->kind = WinKindFromText(agg);
		if (!widthnulls[c])
		{
			Interval   *width = MemoryContextAlloc(mcxt, sizeof(Interval));

			memcpy(width, DatumGetIntervalP(widths[c]), sizeof(Interval));
			WindowWidthInit(&col->ww, width);
			col->trailing = true;
		}
	}
	return spec;
}

/* Reads the times of an array; NULL for a NULL array (every read NULL). */
static TimestampTz *
ReadTimes(ArrayType *arr, bool **isnull, int *n)
{
	Datum	   *elems;
	TimestampTz *times;

	deconstruct_array(arr, TIMESTAMPTZOID, sizeof(TimestampTz), FLOAT8PASSBYVAL,
					  TYPALIGN_DOUBLE, &elems, isnull, n);
	times = palloc(sizeof(TimestampTz) * Max(*n, 1));
	for (int k = 0; k < *n; k++)
		times[k] = (*isnull)[k] ? 0 : DatumGetTimestampTz(elems[k]);
	return times;
}

/*
 * Where a between read's window starts: at time, or with a width at the
 * later of time and end - width (at an infinite end, DT_NOEND: the window is
 * empty, as a trailing window at infinity is).
 */
static inline TimestampTz
BetweenStart(const ColumnRead *col, TimestampTz time, TimestampTz end)
{
	if (!col->trailing)
		return time;
	return Max(time, WindowStart(&col->ww, end));
}

/*
 * count_rows at one column: the points (NULL values too) at or before each
 * time, in the trailing window there, or in (time, end], with the NULLs of
 * count's readings: none before the first point for at, none for between.
 */
static void
CountRowsAt(Timeline *tl, const ColumnRead *col, ProbeTimes *pt, const TimestampTz *ends,
			const bool *endnulls)
{
	const TimestampTz *times = TimelineTimes(tl);

	for (int k = 0; k < pt->n; k++)
	{
		int32		upto;
		int64		count;

		if (pt->isnull[k])
			continue;
		upto = TimelineUpperBound(tl, pt->time[k]);
		if (col->read == RK_BETWEEN)
		{
			if (ends == NULL || endnulls[k])
				continue;
			if (col->trailing)
				upto = TimelineUpperBound(tl, BetweenStart(col, pt->time[k], ends[k]));
			count = Max(TimelineUpperBound(tl, ends[k]) - upto, 0);
		}
		else if (upto == 0)
			continue;
		else if (col->trailing)
			count = upto - FirstInWindowAt(times, 0, upto, &col->ww, pt->time[k]);
		else
			count = upto;
		pt->outnull[k] = false;
		pt->out[k] = Float8GetDatum((float8) count);
	}
}

/* read_at_times(ids, times, ends, ...): one row of readings per time. */
Datum
timeline_read_at_times(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	int			ntimelines = PG_NARGS() - 7;
	ReadSpec   *spec = (ReadSpec *) fcinfo->flinfo->fn_extra;
	TupleDesc	tupdesc;
	Timeline  **tls;
	Datum	   *ids;
	bool	   *idnulls;
	int			n;
	ProbeTimes	pt;
	TimestampTz *ends = NULL;
	bool	   *endnulls = NULL;
	TimestampTz *starts;
	bool	   *skip;
	Datum	   *row;
	bool	   *rownulls;
	Datum	  **colvals;
	bool	  **colnulls;
	bool		shape_ok;

	if (get_fn_expr_variadic(fcinfo->flinfo))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("read_at_times takes its timelines as separate arguments, not as a VARIADIC array")));
	if (spec == NULL)
	{
		Oid			timeline_type = GetSysCacheOid2(TYPENAMENSP, Anum_pg_type_oid,
													CStringGetDatum("timeline"),
													ObjectIdGetDatum(get_func_namespace(fcinfo->flinfo->fn_oid)));
		bool		stable = true;

		for (int a = 7; a < PG_NARGS(); a++)
			if (get_fn_expr_argtype(fcinfo->flinfo, a) != timeline_type)
				ereport(ERROR,
						(errcode(ERRCODE_DATATYPE_MISMATCH),
						 errmsg("argument %d of read_at_times is not a timeline", a + 1)));
		for (int a = 3; a <= 6; a++)
			stable = stable && get_fn_expr_arg_stable(fcinfo->flinfo, a);
		spec = ReadSpecMake(fcinfo, ntimelines, stable ? fcinfo->flinfo->fn_mcxt : CurrentMemoryContext);
		if (stable)
			fcinfo->flinfo->fn_extra = spec;
	}

	InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
	tupdesc = rsinfo->setDesc;
	shape_ok = (tupdesc->natts == spec->ncols + 1 &&
				TupleDescAttr(tupdesc, 0)->atttypid == INT8OID);
	for (int c = 1; shape_ok && c <= spec->ncols; c++)
		shape_ok = (TupleDescAttr(tupdesc, c)->atttypid == FLOAT8OID);
	if (!shape_ok)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg_plural("read_at_times returns a bigint column and %d float8 column",
							   "read_at_times returns a bigint column and %d float8 columns",
							   spec->ncols, spec->ncols),
				 errhint("Give a column list: one bigint, then one float8 per read.")));
	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		return (Datum) 0;		/* no rows */

	deconstruct_array(PG_GETARG_ARRAYTYPE_P(0), INT8OID, sizeof(int64), FLOAT8PASSBYVAL,
					  TYPALIGN_DOUBLE, &ids, &idnulls, &n);
	ProbeTimesInit(&pt, PG_GETARG_ARRAYTYPE_P(1));
	if (pt.n != n)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("ids and times must have the same number of elements")));
	if (!PG_ARGISNULL(2))
	{
		int			nends;

		ends = ReadTimes(PG_GETARG_ARRAYTYPE_P(2), &endnulls, &nends);
		if (nends != n)
			ereport(ERROR,
					(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
					 errmsg("ids and ends must have the same number of elements")));
	}
	starts = palloc(sizeof(TimestampTz) * Max(n, 1));
	skip = palloc(sizeof(bool) * Max(n, 1));
	tls = palloc(sizeof(Timeline *) * ntimelines);
	for (int s = 0; s < ntimelines; s++)
		tls[s] = PG_ARGISNULL(7 + s) ? NULL : (Timeline *) PG_DETOAST_DATUM(PG_GETARG_DATUM(7 + s));

	/* every column at every time, into arrays like aggregate_at_times's */
	colvals = palloc(sizeof(Datum *) * Max(spec->ncols, 1));
	colnulls = palloc(sizeof(bool *) * Max(spec->ncols, 1));
	for (int c = 0; c < spec->ncols; c++)
	{
		ColumnRead *col = &spec->cols[c];
		Timeline   *tl = tls[col->state];

		pt.out = colvals[c] = palloc0(sizeof(Datum) * Max(n, 1));
		pt.outnull = colnulls[c] = palloc(sizeof(bool) * Max(n, 1));
		memset(pt.outnull, true, sizeof(bool) * Max(n, 1));
		if (tl == NULL)
			continue;
		if (col->rows)
		{
			CountRowsAt(tl, col, &pt, ends, endnulls);
			continue;
		}
		switch (col->read)
		{
			case RK_VALUE:
			case RK_VALUE_AT_ENDS:
				for (int k = 0; k < n; k++)
				{
					bool		tnull = (col->read == RK_VALUE) ? pt.isnull[k] : (ends == NULL || endnulls[k]);
					int32		i;

					CHECK_FOR_INTERRUPTS();
					if (tnull)
						continue;
					i = TimelineUpperBound(tl, col->read == RK_VALUE ? pt.time[k] : ends[k]) - 1;
					if (i >= 0 && !TimelinePointIsNull(TimelineNulls(tl), i))
					{
						pt.outnull[k] = false;
						pt.out[k] = Float8GetDatum(TimelineValues(tl)[i]);
					}
				}
				break;
			case RK_AT:
				if (!col->trailing)
				{
#define LIFETIME_AT(k) LifetimeAtTimesOf(tl, k, &pt); break
					WIN_DISPATCH(col->kind, LIFETIME_AT);
#undef LIFETIME_AT
				}
				else if (col->kind == WK_COUNT || col->kind == WK_COUNT_IF)
					CountAtTimes(tl, col->kind, &col->ww, &pt);
				else
				{
#define TRAILING_AT(k) TrailingAtTimesOf(tl, k, &col->ww, &pt); break
					WIN_DISPATCH(col->kind, TRAILING_AT);
#undef TRAILING_AT
				}
				break;
			case RK_BETWEEN:
				for (int k = 0; k < n; k++)
				{
					skip[k] = pt.isnull[k] || ends == NULL || endnulls[k];
					starts[k] = skip[k] ? 0 : BetweenStart(col, pt.time[k], ends[k]);
				}
				AggregatesBetween(tl, col->kind, n, starts, ends, skip, pt.out, pt.outnull);
				break;
		}
	}

	/* one row per time */
	row = palloc(sizeof(Datum) * (spec->ncols + 1));
	rownulls = palloc(sizeof(bool) * (spec->ncols + 1));
	for (int k = 0; k < n; k++)
	{
		row[0] = ids[k];
		rownulls[0] = idnulls[k];
		for (int c = 0; c < spec->ncols; c++)
		{
			row[c + 1] = colvals[c][k];
			rownulls[c + 1] = colnulls[c][k];
		}
		tuplestore_putvalues(rsinfo->setResult, tupdesc, row, rownulls);
	}
	return (Datum) 0;
}

/*
 * If expr calls one of window.c's aggregation functions (checked by
 * schema, name, argument types and C symbol, so a same-named function of
 * another origin never matches), returns its aggregate's name and sets
 * *form to the symbol's suffix ("", "_trailing", "_since", "_sliding").
 */
static const char *
WindowCallName(Node *expr, Oid nspid, Oid timeline_type, const char **form)
{
	FuncExpr   *f;
	HeapTuple	tup;
	Form_pg_proc proc;
	const char *name = NULL;
	char		symbol[NAMEDATALEN * 2];

	if (!IsA(expr, FuncExpr))
		return NULL;
	f = (FuncExpr *) expr;
	if (f->funcretset || f->funcresulttype != timeline_type)
		return NULL;
	tup = SearchSysCache1(PROCOID, ObjectIdGetDatum(f->funcid));
	if (!HeapTupleIsValid(tup))
		return NULL;
	proc = (Form_pg_proc) GETSTRUCT(tup);
	if (proc->pronamespace == nspid && proc->prolang == ClanguageId &&
		proc->pronargs >= 1 && proc->proargtypes.values[0] == timeline_type)
	{
		Oid		   *types = proc->proargtypes.values;

		if (proc->pronargs == 1)
			*form = "";
		else if (proc->pronargs == 2 && types[1] == INTERVALOID)
			*form = "_trailing";
		else if (proc->pronargs == 2 && types[1] == timeline_type)
			*form = "_since";
		else if (proc->pronargs == 3 && types[1] == timeline_type && types[2] == INT4OID)
			*form = "_sliding";
		else
			*form = NULL;
		if (*form && WinKindFromName(NameStr(proc->proname)) >= 0)
			name = win_names[WinKindFromName(NameStr(proc->proname))];
		if (name)
		{
			bool		isnull;
			Datum		src = SysCacheGetAttr(PROCOID, tup, Anum_pg_proc_prosrc, &isnull);

			snprintf(symbol, sizeof(symbol), "timeline_%s%s", name, *form);
			if (isnull || strcmp(TextDatumGetCString(src), symbol) != 0)
				name = NULL;
		}
	}
	ReleaseSysCache(tup);
	return name;
}

/*
 * For a support request on a two-argument call whose first argument calls
 * one of window.c's aggregation functions: the request, that inner call,
 * its aggregate's name and form (see WindowCallName).  False otherwise.
 */
static bool
WindowCallArgument(Node *rawreq, SupportRequestSimplify **req, FuncExpr **inner,
				   const char **name, const char **form)
{
	if (!IsA(rawreq, SupportRequestSimplify))
		return false;
	*req = (SupportRequestSimplify *) rawreq;
	if (list_length((*req)->fcall->args) != 2)
		return false;
	*inner = (FuncExpr *) linitial((*req)->fcall->args);
	*name = WindowCallName((Node *) *inner, get_func_namespace((*req)->fcall->funcid),
						   exprType((Node *) *inner), form);
	return *name != NULL;
}

/*
 * The call fname(args) of the function of that name in the schema of the
 * call being simplified, resolved by the arguments' types; NULL if there is
 * no such function.
 */
static Node *
CallInOwnSchema(SupportRequestSimplify *req, const char *fname, List *args)
{
	Oid			argtypes[FUNC_MAX_ARGS];
	int			nargs = 0;
	ListCell   *lc;
	String	   *schema;
	String	   *name;
	Oid			target;
	FuncExpr   *result;

	foreach(lc, args)
		argtypes[nargs++] = exprType((Node *) lfirst(lc));
	schema = makeString(get_namespace_name(get_func_namespace(req->fcall->funcid)));
	name = makeString(pstrdup(fname));
	target = LookupFuncName(lappend(list_make1(schema), name), nargs, argtypes, true);
	if (!OidIsValid(target))
		return NULL;
	result = makeFuncExpr(target, get_func_rettype(target), args, InvalidOid,
						  DEFAULT_COLLATION_OID, COERCE_EXPLICIT_CALL);
	result->location = req->fcall->location;
	return (Node *) result;
}

/* The aggregate's name as a text constant, an argument of the rewritten call. */
static Node *
AggregateNameConst(const char *name)
{
	return (Node *) makeConst(TEXTOID, -1, DEFAULT_COLLATION_OID, -1,
							  CStringGetTextDatum(name), false, false);
}

/*
 * Planner support for observe(tl, at): observe(agg(x, ...), x), with the
 * same non-volatile x on both sides, becomes aggregate_at_points(x, 'agg',
 * ...).  EXPLAIN VERBOSE shows the rewritten call.
 */
Datum
timeline_observe_support(PG_FUNCTION_ARGS)
{
	SupportRequestSimplify *req;
	FuncExpr   *inner;
	Node	   *at;
	const char *name;
	const char *form;
	List	   *args;

	if (!WindowCallArgument((Node *) PG_GETARG_POINTER(0), &req, &inner, &name, &form))
		PG_RETURN_POINTER(NULL);
	at = (Node *) lsecond(req->fcall->args);
	if (!equal(linitial(inner->args), at) || contain_volatile_functions(at) || contain_subplans(at))
		PG_RETURN_POINTER(NULL);
	args = list_make1(at);
	args = lappend(args, AggregateNameConst(name));
	if (strcmp(form, "_trailing") == 0)
		args = lappend(args, lsecond(inner->args));
	else if (strcmp(form, "") != 0)
	{
		args = lappend(args, lsecond(inner->args));
		args = lappend(args, strcmp(form, "_sliding") == 0 ? lthird(inner->args) :
					   (Node *) makeConst(INT4OID, -1, InvalidOid, sizeof(int32),
										  Int32GetDatum(1), false, true));
	}
	PG_RETURN_POINTER(CallInOwnSchema(req, "aggregate_at_points", args));
}

/*
 * Planner support for values_at(tl, times): values_at(agg(x), times) and
 * values_at(agg(x, width), times) become aggregate_at_times(x, 'agg'
 * [, width], times), which reads the window at the times without building
 * its result timeline.
 */
Datum
timeline_values_at_support(PG_FUNCTION_ARGS)
{
	SupportRequestSimplify *req;
	FuncExpr   *inner;
	const char *name;
	const char *form;
	List	   *args;

	if (!WindowCallArgument((Node *) PG_GETARG_POINTER(0), &req, &inner, &name, &form) ||
		(strcmp(form, "") != 0 && strcmp(form, "_trailing") != 0))
		PG_RETURN_POINTER(NULL);
	args = list_make1(linitial(inner->args));
	args = lappend(args, AggregateNameConst(name));
	if (strcmp(form, "_trailing") == 0)
		args = lappend(args, lsecond(inner->args));
	args = lappend(args, lsecond(req->fcall->args));
	PG_RETURN_POINTER(CallInOwnSchema(req, "aggregate_at_times", args));
}
