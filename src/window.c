/*-------------------------------------------------------------------------
 *
 * window.c
 *	  Aggregations over a timeline (SEMANTICS.md s3): count, count_if, sum,
 *	  mean, min, max, first, last, var_samp, var_pop, stddev_samp,
 *	  stddev_pop; lifetime, trailing (interval), since (reset timeline) and
 *	  sliding over the last k reset periods.
 *
 * One accumulator serves every aggregate: WinAcc holds count, count of true
 * values, sum, mean and sum of squared deviations (Welford), min, max, first
 * and last, and two accumulators combine associatively (Chan et al. for the
 * moments).  Lifetime and since windows keep one running accumulator.
 *
 * Trailing and sliding windows need values to leave.  Rather than subtract
 * (which lets float error drift and cannot undo min or max), they use a
 * queue built from two stacks: new elements are combined into a running
 * total of the back part; when the front part runs out, the back part is
 * turned into suffix accumulators in one backward pass.  The window's
 * aggregate is suffix(front head) combined with the back total, so every
 * element is combined O(1) times amortized and nothing is ever subtracted:
 * O(n) for the whole timeline, exact window membership, and float results
 * as accurate as a fresh sum.
 *
 * Positions: results are continuous with a point at every input point.  A
 * trailing window also has a point at every instant where a value leaves
 * (the first T with T - width >= point time, see LeaveTime) and no input
 * point exists; its seq is 0 (the only
 * point of its time) for implicit inputs and INT64_MIN for explicit ones.
 * Since and sliding results have a point at every position of the input and
 * of the reset timeline.  A reset at time t takes effect after every point
 * of time t (SEMANTICS.md s1), so windows are (previous reset, t] and the
 * resetting point belongs to the window it closes.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "common/int.h"
#include "pgtime.h"
#include "utils/float.h"
#include "utils/fmgrprotos.h"
#include "utils/timestamp.h"

#include "timeline.h"

typedef enum WinKind
{
	WK_COUNT, WK_COUNT_IF, WK_SUM, WK_MEAN, WK_MIN, WK_MAX, WK_FIRST, WK_LAST,
	WK_VAR_SAMP, WK_VAR_POP, WK_STDDEV_SAMP, WK_STDDEV_POP
} WinKind;

typedef struct WinAcc
{
	int64		n;				/* non-null values */
	int64		ntrue;			/* non-null, non-zero values */
	float8		sum;
	float8		mean;
	float8		m2;
	float8		min;
	float8		max;
	float8		first;
	float8		last;
	int64		nonfinite;		/* NaN or infinite values (variances are NaN) */
} WinAcc;

static const WinAcc EmptyAcc = {0};

/* min and max in float8's SQL order (NaN above every number) */
static inline float8
Float8Min(float8 a, float8 b)
{
	return float8_cmp_internal(a, b) <= 0 ? a : b;
}

static inline float8
Float8Max(float8 a, float8 b)
{
	return float8_cmp_internal(a, b) >= 0 ? a : b;
}

/* Returns the accumulator of one value. */
static inline WinAcc
AccOf(float8 x)
{
	WinAcc		a;

	a.n = 1;
	a.ntrue = (x != 0.0);
	a.sum = x;
	a.mean = x;
	a.m2 = 0.0;
	a.min = a.max = a.first = a.last = x;
	a.nonfinite = isfinite(x) ? 0 : 1;
	if (a.nonfinite)
		a.mean = 0.0;			/* keep the moments finite; nonfinite decides */
	return a;
}

/*
 * Combines a (earlier values) with b (later values), computing only the
 * fields the aggregate kind reads (the moments cost two divisions).
 */
static inline WinAcc
AccCombine(WinKind kind, const WinAcc *a, const WinAcc *b)
{
	WinAcc		r;

	if (a->n == 0)
		return *b;
	if (b->n == 0)
		return *a;
	r = *a;
	r.n = a->n + b->n;
	switch (kind)
	{
		case WK_COUNT:
			break;
		case WK_COUNT_IF:
			r.ntrue = a->ntrue + b->ntrue;
			break;
		case WK_SUM:
		case WK_MEAN:
			r.sum = a->sum + b->sum;
			break;
		case WK_MIN:
			r.min = Float8Min(a->min, b->min);
			break;
		case WK_MAX:
			r.max = Float8Max(a->max, b->max);
			break;
		case WK_FIRST:
		case WK_LAST:
			r.last = b->last;
			break;
		case WK_VAR_SAMP:
		case WK_VAR_POP:
		case WK_STDDEV_SAMP:
		case WK_STDDEV_POP:
			{
				float8		delta = b->mean - a->mean;

				r.nonfinite = a->nonfinite + b->nonfinite;
				r.mean = a->mean + delta * ((float8) b->n / (float8) r.n);
				r.m2 = a->m2 + b->m2 + delta * delta * ((float8) a->n * (float8) b->n / (float8) r.n);
			}
			break;
	}
	return r;
}

/* Reads the aggregate kind from an accumulator; false means NULL. */
static bool
AccResult(WinKind kind, const WinAcc *a, float8 *out)
{
	switch (kind)
	{
		case WK_COUNT:
			*out = (float8) a->n;
			return true;
		case WK_COUNT_IF:
			*out = (float8) a->ntrue;
			return true;
		case WK_SUM:
			*out = a->sum;
			return a->n > 0;
		case WK_MEAN:
			*out = a->n > 0 ? a->sum / (float8) a->n : 0;
			return a->n > 0;
		case WK_MIN:
			*out = a->min;
			return a->n > 0;
		case WK_MAX:
			*out = a->max;
			return a->n > 0;
		case WK_FIRST:
			*out = a->first;
			return a->n > 0;
		case WK_LAST:
			*out = a->last;
			return a->n > 0;
		case WK_VAR_SAMP:
		case WK_STDDEV_SAMP:
			if (a->n < 2)
				return false;
			/* like PostgreSQL: any NaN or infinity makes the variance NaN */
			*out = a->nonfinite > 0 ? get_float8_nan() : Max(a->m2, 0.0) / (float8) (a->n - 1);
			break;
		case WK_VAR_POP:
		case WK_STDDEV_POP:
			if (a->n < 1)
				return false;
			*out = a->nonfinite > 0 ? get_float8_nan() : Max(a->m2, 0.0) / (float8) a->n;
			break;
	}
	if (kind == WK_STDDEV_SAMP || kind == WK_STDDEV_POP)
		*out = sqrt(*out);
	return true;
}

/*
 * The two-stack queue.  Elements [head, split) form the front part, whose
 * suffix accumulators are in suffix[]; elements [split, tail) the back part,
 * whose combination is back.  Arrays hold every element ever pushed (the
 * caller knows the bound), so indexes only grow.
 */
typedef struct AccQueue
{
	WinKind		kind;
	WinAcc	   *item;
	WinAcc	   *suffix;
	TimestampTz *expiry;		/* only for trailing windows */
	int64		head;
	int64		split;
	int64		tail;
	WinAcc		back;
} AccQueue;

static void
AccQueueInit(AccQueue *q, WinKind kind, int64 capacity, bool with_expiry)
{
	memset(q, 0, sizeof(*q));
	q->kind = kind;
	capacity = Max(capacity, 1);
	q->item = palloc_extended(sizeof(WinAcc) * capacity, MCXT_ALLOC_HUGE);
	q->suffix = palloc_extended(sizeof(WinAcc) * capacity, MCXT_ALLOC_HUGE);
	if (with_expiry)
		q->expiry = palloc_extended(sizeof(TimestampTz) * capacity, MCXT_ALLOC_HUGE);
}

static inline void
AccQueuePush(AccQueue *q, const WinAcc *a, TimestampTz expiry)
{
	q->item[q->tail] = *a;
	if (q->expiry)
		q->expiry[q->tail] = expiry;
	q->tail++;
	q->back = AccCombine(q->kind, &q->back, a);
}

static inline void
AccQueuePop(AccQueue *q)
{
	Assert(q->head < q->tail);
	if (q->head == q->split)
	{
		/* front part empty: turn the back part into suffixes */
		WinAcc		acc = EmptyAcc;

		for (int64 i = q->tail - 1; i >= q->head; i--)
		{
			acc = AccCombine(q->kind, &q->item[i], &acc);
			q->suffix[i] = acc;
		}
		q->split = q->tail;
		q->back = EmptyAcc;
	}
	q->head++;
}

static inline WinAcc
AccQueueTotal(const AccQueue *q)
{
	if (q->head < q->split)
		return AccCombine(q->kind, &q->suffix[q->head], &q->back);
	return q->back;
}

static inline int64
AccQueueSize(const AccQueue *q)
{
	return q->tail - q->head;
}

static void
AccQueueFree(AccQueue *q)
{
	pfree(q->item);
	pfree(q->suffix);
	if (q->expiry)
		pfree(q->expiry);
}

/* Appends a result point computed from acc. */
static inline void
EmitAcc(TimelineBuilder *out, WinKind kind, TimestampTz t, int64 seq, const WinAcc *acc)
{
	float8		v = 0;
	bool		ok = AccResult(kind, acc, &v);

	TimelineBuilderAppendOrdered(out, t, seq, v, !ok);
}

/* The lifetime (cumulative) aggregate. */
static Timeline *
AggregateLifetime(Timeline *tl, WinKind kind)
{
	TimelineCursor c;
	TimelineBuilder out;
	WinAcc		acc = EmptyAcc;

	TimelineCursorInit(&c, tl);
	TimelineBuilderInit(&out, c.seqs != NULL, ERRCODE_INTERNAL_ERROR, tl->npoints);
	for (; !TimelineCursorDone(&c); TimelineCursorNext(&c))
	{
		if (!TimelineCursorIsNull(&c))
		{
			WinAcc		one = AccOf(TimelineCursorValue(&c));

			acc = AccCombine(kind, &acc, &one);
		}
		EmitAcc(&out, kind, TimelineCursorTime(&c), c.seq, &acc);
	}
	return TimelineBuilderFinishCanonical(&out, true);
}

/* Rejects a window width that is not positive. */
static void
CheckWindowWidth(Interval *width)
{
	if (IntervalSign(width) <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("window width must be positive"),
				 errhint("Give the width of a trailing window as a positive interval, such as '7 days'.")));
}

/*
 * How a trailing window's width is applied.  A point at time p is in the
 * window (t - width, t] while p > t - width, so it leaves at the first
 * instant T with T - width >= p.  For a width without months in a time zone
 * with a fixed offset, that is exactly p + width in microseconds (the fast
 * path).  Otherwise (months, or days across daylight-saving changes) it is
 * found by bisection around p + width on the monotone function T - width,
 * exactly as PostgreSQL's timestamptz - interval computes it.
 */
typedef struct WindowWidth
{
	Interval   *width;
	bool		fixed;			/* usecs is exact */
	int64		usecs;
} WindowWidth;

/* Prepares the width: rejects non-positive ones, picks the fast path. */
static void
WindowWidthInit(WindowWidth *ww, Interval *width)
{
	long		gmtoff;

	CheckWindowWidth(width);
	ww->width = width;
	ww->fixed = false;
	if (width->month == 0 &&
		(width->day == 0 || pg_get_timezone_offset(session_timezone, &gmtoff)) &&
		!pg_mul_s64_overflow((int64) width->day, USECS_PER_DAY, &ww->usecs) &&
		!pg_add_s64_overflow(ww->usecs, width->time, &ww->usecs))
		ww->fixed = true;
}

/* Returns T - width. */
static inline TimestampTz
MinusWidth(const WindowWidth *ww, TimestampTz t)
{
	return DatumGetTimestampTz(DirectFunctionCall2(timestamptz_mi_interval,
												   TimestampTzGetDatum(t),
												   IntervalPGetDatum(ww->width)));
}

/* Returns the first instant at which a point at time p has left the window. */
static TimestampTz
LeaveTime(const WindowWidth *ww, TimestampTz p)
{
	TimestampTz lo,
				hi,
				guess;

	if (ww->fixed)
	{
		if (pg_add_s64_overflow(p, ww->usecs, &guess) || !IS_VALID_TIMESTAMP(guess))
			return DT_NOEND;	/* never leaves within the timestamp range */
		return guess;
	}
	guess = DatumGetTimestampTz(DirectFunctionCall2(timestamptz_pl_interval,
													TimestampTzGetDatum(p),
													IntervalPGetDatum(ww->width)));
	/* bracket the answer: T - width >= p at hi, not at lo */
	lo = guess - 4 * USECS_PER_DAY;
	hi = guess + 4 * USECS_PER_DAY;
	if (lo <= p)
		lo = p;					/* at T = p the point is in the window */
	if (MinusWidth(ww, hi) < p)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("window width must move every time forward"),
				 errhint("Avoid widths that mix positive months with negative days.")));
	while (hi - lo > 1)
	{
		TimestampTz mid = lo + (hi - lo) / 2;

		if (MinusWidth(ww, mid) >= p)
			hi = mid;
		else
			lo = mid;
	}
	return hi;
}

/* The trailing window (t - width, t]. */
static Timeline *
AggregateTrailing(Timeline *tl, WinKind kind, Interval *width)
{
	TimelineCursor c;
	TimelineBuilder out;
	AccQueue	q;
	int64		expiry_seq = TimelineSeqs(tl) ? PG_INT64_MIN : 0;
	WinAcc		acc;
	WindowWidth ww;

	WindowWidthInit(&ww, width);
	TimelineCursorInit(&c, tl);
	AccQueueInit(&q, kind, tl->npoints, true);
	TimelineBuilderInit(&out, c.seqs != NULL, ERRCODE_INTERNAL_ERROR, (int32) Min((int64) tl->npoints * 2, (int64) TL_MAX_POINTS));
	for (;;)
	{
		bool		more = !TimelineCursorDone(&c);
		TimestampTz now = more ? TimelineCursorTime(&c) : DT_NOEND;

		/* values leaving before the next input point get points of their own */
		while (AccQueueSize(&q) > 0 && q.expiry[q.head] < now && q.expiry[q.head] != DT_NOEND)
		{
			TimestampTz leave = q.expiry[q.head];

			while (AccQueueSize(&q) > 0 && q.expiry[q.head] <= leave)
				AccQueuePop(&q);
			acc = AccQueueTotal(&q);
			EmitAcc(&out, kind, leave, expiry_seq, &acc);
		}
		if (!more)
			break;
		/* values leaving exactly now are gone for the points at now */
		while (AccQueueSize(&q) > 0 && q.expiry[q.head] <= now)
			AccQueuePop(&q);
		if (!TimelineCursorIsNull(&c))
		{
			WinAcc		one = AccOf(TimelineCursorValue(&c));

			AccQueuePush(&q, &one, LeaveTime(&ww, now));
		}
		acc = AccQueueTotal(&q);
		EmitAcc(&out, kind, now, c.seq, &acc);
		TimelineCursorNext(&c);
	}
	AccQueueFree(&q);
	return TimelineBuilderFinishCanonical(&out, true);
}

/*
 * Since the last reset (k = 1) or sliding over the last k reset periods:
 * the current period's accumulator plus a queue of the k - 1 closed ones.
 */
static Timeline *
AggregateSince(Timeline *tl, WinKind kind, Timeline *reset, int32 k)
{
	Timeline   *inputs[2] = {tl, reset};
	TimelineMerge m;
	TimelineBuilder out;
	AccQueue	closed;
	WinAcc		current = EmptyAcc;
	bool		reset_pending = false;
	TimestampTz reset_time = 0;

	if (k < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("number of reset periods must be at least 1"),
				 errhint("Use 1 for the window since the last reset.")));
	TimelineMergeInit(&m, 2, inputs);
	AccQueueInit(&closed, kind, (int64) tl->npoints + reset->npoints + 1, false);
	TimelineBuilderInit(&out, m.explicit_seq, ERRCODE_INTERNAL_ERROR, tl->npoints + reset->npoints);
	while (TimelineMergeNext(&m))
	{
		WinAcc		total;
		float8		r;

		/* a reset takes effect after every point of its instant */
		if (reset_pending && m.time > reset_time)
		{
			if (k > 1)
			{
				AccQueuePush(&closed, &current, 0);
				if (AccQueueSize(&closed) > k - 1)
					AccQueuePop(&closed);
			}
			current = EmptyAcc;
			reset_pending = false;
		}
		if (m.in[0].here && !m.in[0].last_null)
		{
			WinAcc		one = AccOf(m.in[0].last_value);

			current = AccCombine(kind, &current, &one);
		}
		total = AccQueueTotal(&closed);
		total = AccCombine(kind, &total, &current);
		EmitAcc(&out, kind, m.time, m.seq, &total);
		if (MergeValue(&m.in[1], &r) && r != 0.0)
		{
			reset_pending = true;
			reset_time = m.time;
		}
	}
	AccQueueFree(&closed);
	return TimelineBuilderFinishCanonical(&out, true);
}

/*
 * One SQL-callable function per aggregate and window form, generated:
 * timeline_<agg>(tl), _<agg>_trailing(tl, interval), _<agg>_since(tl, tl),
 * _<agg>_sliding(tl, tl, int).
 */
#define TIMELINE_AGGREGATE(name, kind) \
PG_FUNCTION_INFO_V1(timeline_##name); \
PG_FUNCTION_INFO_V1(timeline_##name##_trailing); \
PG_FUNCTION_INFO_V1(timeline_##name##_since); \
PG_FUNCTION_INFO_V1(timeline_##name##_sliding); \
Datum \
timeline_##name(PG_FUNCTION_ARGS) \
{ \
	PG_RETURN_TIMELINE_P(AggregateLifetime(TimelineGetArgCached(fcinfo, 0), kind)); \
} \
Datum \
timeline_##name##_trailing(PG_FUNCTION_ARGS) \
{ \
	PG_RETURN_TIMELINE_P(AggregateTrailing(TimelineGetArgCached(fcinfo, 0), kind, \
										   PG_GETARG_INTERVAL_P(1))); \
} \
Datum \
timeline_##name##_since(PG_FUNCTION_ARGS) \
{ \
	PG_RETURN_TIMELINE_P(AggregateSince(TimelineGetArgCached(fcinfo, 0), kind, \
										TimelineGetArgCached(fcinfo, 1), 1)); \
} \
Datum \
timeline_##name##_sliding(PG_FUNCTION_ARGS) \
{ \
	PG_RETURN_TIMELINE_P(AggregateSince(TimelineGetArgCached(fcinfo, 0), kind, \
										TimelineGetArgCached(fcinfo, 1), \
										PG_GETARG_INT32(2))); \
}

TIMELINE_AGGREGATE(count, WK_COUNT)
TIMELINE_AGGREGATE(count_if, WK_COUNT_IF)
TIMELINE_AGGREGATE(sum, WK_SUM)
TIMELINE_AGGREGATE(mean, WK_MEAN)
TIMELINE_AGGREGATE(min, WK_MIN)
TIMELINE_AGGREGATE(max, WK_MAX)
TIMELINE_AGGREGATE(first, WK_FIRST)
TIMELINE_AGGREGATE(last, WK_LAST)
TIMELINE_AGGREGATE(var_samp, WK_VAR_SAMP)
TIMELINE_AGGREGATE(var_pop, WK_VAR_POP)
TIMELINE_AGGREGATE(stddev_samp, WK_STDDEV_SAMP)
TIMELINE_AGGREGATE(stddev_pop, WK_STDDEV_POP)
