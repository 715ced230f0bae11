/*-------------------------------------------------------------------------
 *
 * timeline.h
 *	  Shared types, layout macros and cross-file prototypes of the timeline
 *	  extension, sectioned by the file that owns them.
 *
 * On-disk layout of a timeline (a varlena, ALIGNMENT double, STORAGE
 * external):
 *
 *	  int32   vl_len_       varlena header
 *	  uint16  version       TL_VERSION; anything else is rejected
 *	  uint16  flags         TL_F_* bits; reserved bits must be zero
 *	  int32   npoints       number of points, >= 0
 *	  int32   reserved      zero; keeps the arrays 8-byte aligned
 *	  int64   times[n]      TimestampTz, finite, non-decreasing
 *	  int64   seqs[n]       only with TL_F_SEQ: (time, seq) strictly increasing
 *	  float8  values[n]     0 where the point is NULL
 *	  bits8   nulls[(n+7)/8] only with TL_F_NULLS: bit set = value is NULL
 *
 * The arrays are columnar so a lookup is a binary search over one dense
 * int64 array.  Without TL_F_SEQ the seq of a point is implicit: its rank
 * among the points of the same time (0, 1, 2, ...), see SEMANTICS.md s1.
 *
 *-------------------------------------------------------------------------
 */
#ifndef TIMELINE_H
#define TIMELINE_H

#include "postgres.h"

#include "common/int.h"
#include "datatype/timestamp.h"
#include "utils/timestamp.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/memutils.h"
#include "utils/float.h"

#include <math.h>

#define TL_VERSION			1

#define TL_F_CONTINUOUS		0x0001	/* step function, else discrete */
#define TL_F_SEQ			0x0002	/* explicit seqs array present */
#define TL_F_NULLS			0x0004	/* null bitmap present */
#define TL_F_KNOWN			(TL_F_CONTINUOUS | TL_F_SEQ | TL_F_NULLS)

typedef struct Timeline
{
	int32		vl_len_;
	uint16		version;
	uint16		flags;
	int32		npoints;
	int32		reserved;
	/* arrays follow, see the layout above */
} Timeline;

#define TL_HEADER_SIZE		((Size) sizeof(Timeline))

/*
 * Largest point count we accept: keeps every size computation far below
 * MaxAllocSize (1GB) even with seqs and a null bitmap (24.125 bytes/point).
 */
#define TL_MAX_POINTS		((int32) ((MaxAllocSize - TL_HEADER_SIZE) / 25))

#define DatumGetTimelineP(X)		((Timeline *) PG_DETOAST_DATUM(X))
#define PG_GETARG_TIMELINE_P(n)		DatumGetTimelineP(PG_GETARG_DATUM(n))
#define PG_RETURN_TIMELINE_P(x)		PG_RETURN_POINTER(x)

static inline bool
TimelineIsContinuous(const Timeline *tl)
{
	return (tl->flags & TL_F_CONTINUOUS) != 0;
}

static inline int64 *
TimelineTimes(const Timeline *tl)
{
	return (int64 *) ((char *) tl + TL_HEADER_SIZE);
}

/* NULL when the seqs are implicit */
static inline int64 *
TimelineSeqs(const Timeline *tl)
{
	if (!(tl->flags & TL_F_SEQ))
		return NULL;
	return TimelineTimes(tl) + tl->npoints;
}

static inline float8 *
TimelineValues(const Timeline *tl)
{
	/* cppcheck-suppress invalidPointerCast ; the layout puts float8s there */
	return (float8 *) ((char *) tl + TL_HEADER_SIZE +
					   ((tl->flags & TL_F_SEQ) ? 2 : 1) * sizeof(int64) * (Size) tl->npoints);
}

/* NULL when no point is NULL */
static inline bits8 *
TimelineNulls(const Timeline *tl)
{
	if (!(tl->flags & TL_F_NULLS))
		return NULL;
	return (bits8 *) (TimelineValues(tl) + tl->npoints);
}

static inline bool
TimelinePointIsNull(const bits8 *nulls, int i)
{
	return nulls != NULL && (nulls[i >> 3] & (1 << (i & 7))) != 0;
}

/*
 * A growable list of points, in position order, that becomes a Timeline.
 * Every producer of timelines (input functions, the aggregate, operators)
 * appends through TimelineBuilderAppend, which enforces the invariants.
 */
typedef struct TimelineBuilder
{
	int32		n;
	int32		cap;
	bool		explicit_seq;
	bool		has_nulls;
	int			malformed_code; /* SQLSTATE for order violations */
	int64	   *times;
	int64	   *seqs;			/* only with explicit_seq */
	float8	   *values;
	bool	   *nulls;
} TimelineBuilder;

/* ---- timeline.c: layout, validation, builder ---- */
extern Size TimelineSize(int32 npoints, uint16 flags);
extern void CheckTimelineTime(TimestampTz t, int errcode_malformed);
extern void CheckPointCount(int64 npoints);
extern int	IntervalSign(Interval *interval);
extern void TimelineBuilderInit(TimelineBuilder *b, bool explicit_seq,
								int errcode_malformed, int32 expected);
extern void TimelineBuilderAppend(TimelineBuilder *b, TimestampTz t,
								  int64 seq, float8 value, bool isnull);
extern Timeline *TimelineBuilderFinish(TimelineBuilder *b, bool continuous);
extern void TimelineBuilderGrow(TimelineBuilder *b);

/*
 * Appends a point that is valid and in position order by construction: the
 * operators derive their points from validated timelines, so they skip the
 * per-point checks of TimelineBuilderAppend (asserted in debug builds).
 */
static inline void
TimelineBuilderAppendOrdered(TimelineBuilder *b, TimestampTz t, int64 seq,
							 float8 value, bool isnull)
{
	Assert(b->n == 0 || t > b->times[b->n - 1] ||
		   (t == b->times[b->n - 1] && (!b->explicit_seq || seq > b->seqs[b->n - 1])));
	if (b->n >= b->cap)
		TimelineBuilderGrow(b);
	b->times[b->n] = t;
	if (b->explicit_seq)
		b->seqs[b->n] = seq;
	b->values[b->n] = isnull ? 0.0 : value;
	b->nulls[b->n] = isnull;
	b->has_nulls |= isnull;
	b->n++;
}
extern Timeline *TimelineBuilderFinishCanonical(TimelineBuilder *b, bool continuous);
extern void TimelineBuilderSortTies(TimelineBuilder *b);
extern bool TimelineTiesInValueOrder(const Timeline *tl);

/*
 * The order of the points of one time that the caller gave no seqs for
 * (SEMANTICS.md s1, timeline_agg): by value, float8's total order (NaN
 * above every number) then the bit pattern (so -0 and 0, or NaNs of other
 * payloads, still have an order that does not depend on input order), NULLs
 * last.
 */
static inline int
TimelineCompareValues(float8 a, float8 b)
{
	int			cmp = float8_cmp_internal(a, b);
	uint64		ba,
				bb;

	if (cmp != 0)
		return cmp;
	memcpy(&ba, &a, sizeof(ba));
	memcpy(&bb, &b, sizeof(bb));
	return ba < bb ? -1 : (ba > bb ? 1 : 0);
}

static inline int
TimelineCompareTies(float8 a, bool anull, float8 b, bool bnull)
{
	if (anull || bnull)
		return (int) anull - (int) bnull;
	return TimelineCompareValues(a, b);
}
extern Timeline *TimelineEmpty(bool continuous);
extern int32 TimelineUpperBound(const Timeline *tl, TimestampTz t);
extern int32 TimelineLowerBound(const Timeline *tl, TimestampTz t);
extern int32 TimelineAsOfIndex(const Timeline *tl, TimestampTz t);

/* ---- detoast_cache.c: reuse of detoasted arguments within one query ---- */
extern Timeline *TimelineGetArgCached(FunctionCallInfo fcinfo, int argno);

/* ---- timeline_io.c: text and binary forms, equality ---- */
extern bool TimelineEquals(const Timeline *a, const Timeline *b);

/* ---- guc.c: module initialisation and settings ---- */
extern bool timeline_enable_asof_join;
extern bool timeline_enable_asof_sweep;
extern bool timeline_enable_asof_slots;

/* ---- asof_path.c: planner side of the merge as-of join ---- */
extern void AsofInstallPlannerHook(void);

/* ---- asof_exec.c: executor side of the merge as-of join ---- */
struct CustomScanMethods;
extern const struct CustomScanMethods timeline_asof_scan_methods;

/* ---- window.c: the accumulator and queue shared with feature_state.c ---- */

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


/* Returns the accumulator of no value. */
static inline WinAcc
AccEmpty(void)
{
	WinAcc		a;

	memset(&a, 0, sizeof(a));
	return a;
}

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
static pg_attribute_always_inline WinAcc
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
static inline bool
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
 * whose combination is back.  The arrays hold cap elements; a push that
 * finds them full moves the live elements [head, tail) to the front when
 * they fill at most half, and doubles them otherwise, never past bound
 * (AccQueueMakeRoom), so a window's memory follows the elements it holds,
 * not every element ever pushed.  Moving copies accumulators and leave
 * times unchanged: totals are the same, bit for bit.
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
	int64		cap;
	int64		bound;			/* it never holds more than this */
	WinAcc		back;
} AccQueue;

/* the first allocation of a queue whose window has no known bound */
#define ACC_QUEUE_FIRST 1024

extern void AccQueueMakeRoom(AccQueue *q);

/*
 * The queue's operations come in two forms: ...Of takes the aggregate kind
 * as an argument and is always inlined, so a loop instantiated for one kind
 * (WIN_DISPATCH in window.c) combines without a call or a switch; the plain
 * form reads the kind from the queue.
 */
static pg_attribute_always_inline void
AccQueuePushOf(AccQueue *q, WinKind kind, const WinAcc *a, TimestampTz expiry)
{
	if (unlikely(q->tail == q->cap))
		AccQueueMakeRoom(q);
	q->item[q->tail] = *a;
	if (q->expiry)
		q->expiry[q->tail] = expiry;
	q->tail++;
	q->back = AccCombine(kind, &q->back, a);
}

static pg_attribute_always_inline void
AccQueuePopOf(AccQueue *q, WinKind kind)
{
	Assert(q->head < q->tail);
	if (q->head == q->split)
	{
		/* front part empty: turn the back part into suffixes */
		WinAcc		acc = AccEmpty();

		for (int64 i = q->tail - 1; i >= q->head; i--)
		{
			acc = AccCombine(kind, &q->item[i], &acc);
			q->suffix[i] = acc;
		}
		q->split = q->tail;
		q->back = AccEmpty();
	}
	q->head++;
}

static pg_attribute_always_inline WinAcc
AccQueueTotalOf(const AccQueue *q, WinKind kind)
{
	if (q->head < q->split)
		return AccCombine(kind, &q->suffix[q->head], &q->back);
	return q->back;
}

static inline void
AccQueuePush(AccQueue *q, const WinAcc *a, TimestampTz expiry)
{
	AccQueuePushOf(q, q->kind, a, expiry);
}

static inline void
AccQueuePop(AccQueue *q)
{
	AccQueuePopOf(q, q->kind);
}

static inline WinAcc
AccQueueTotal(const AccQueue *q)
{
	return AccQueueTotalOf(q, q->kind);
}

static inline int64
AccQueueSize(const AccQueue *q)
{
	return q->tail - q->head;
}

/*
 * Empties the queue.  An emptied queue is in exactly this state whatever
 * its history (head, split and tail meet, and the back part has held
 * nothing since the last turn), so its totals from here on are those of a
 * new queue, bit for bit.
 */
static inline void
AccQueueReset(AccQueue *q)
{
	q->head = q->split = q->tail = 0;
	q->back = AccEmpty();
}

/*
 * How a trailing window's width is applied.  A point at time p is in the
 * window (t - width, t] while p > t - width.  For a width without months in
 * a time zone with a fixed offset, t - width is t minus a constant and the
 * point leaves at exactly p + width in microseconds (the fast path).
 * Otherwise (months, or days across daylight-saving changes) t - width is
 * PostgreSQL's calendar arithmetic, which can move back as t moves forward
 * (window_width.c, LeaveTimeIn): leave times are found by bisection between the
 * instants where it jumps back, and points can come back at those jumps.
 */
typedef struct WindowWidth
{
	Interval   *width;
	bool		fixed;			/* usecs is exact */
	int64		usecs;
	int64		reach;			/* |t - (t - width)| and its steps' are at most this;
								 * PG_INT64_MAX: no bound */
} WindowWidth;

/* The instants where t - width jumps back, in order, and the next one due. */
typedef struct WindowJumps
{
	TimestampTz *at;
	int32		n;
	int32		next;
} WindowJumps;

extern void AccQueueInit(AccQueue *q, WinKind kind, int64 capacity, int64 bound, bool with_expiry);
extern void AccQueueFree(AccQueue *q);
extern bool TrailingRestart(AccQueue *q, WinKind kind, const WindowWidth *ww,
							const TimestampTz *times, const float8 *values, const bits8 *nulls,
							int32 i, TimestampTz c, TimestampTz until);
extern int	WinKindFromName(const char *name);

/* window_width.c */
extern void WindowWidthInit(WindowWidth *ww, Interval *width);
extern TimestampTz LeaveTimeIn(const WindowWidth *ww, TimestampTz p, TimestampTz from,
							   TimestampTz until);
extern TimestampTz WindowStart(const WindowWidth *ww, TimestampTz t);
extern TimestampTz WindowHorizon(const WindowWidth *ww, TimestampTz t);
extern void WindowJumpsInit(WindowJumps *wj, const WindowWidth *ww, const TimestampTz *times,
							int32 n, TimestampTz after, TimestampTz upto);

/*
 * Returns the first instant at which a point at time p has left the window,
 * for the fast path only: other widths have no single leave time (window_width.c,
 * LeaveTimeIn).
 */
static inline TimestampTz
LeaveTime(const WindowWidth *ww, TimestampTz p)
{
	TimestampTz t;

	Assert(ww->fixed);
	if (pg_add_s64_overflow(p, ww->usecs, &t) || !IS_VALID_TIMESTAMP(t))
		return DT_NOEND;		/* never leaves within the timestamp range */
	return t;
}

/*
 * A forward iterator over the points of a timeline that knows each point's
 * logical seq (explicit, or the rank among points of one time).
 */
typedef struct TimelineCursor
{
	const Timeline *tl;
	const int64 *times;
	const int64 *seqs;
	const float8 *values;
	const bits8 *nulls;
	int32		n;
	int32		i;				/* current point; n when done */
	int64		seq;			/* logical seq of point i */
} TimelineCursor;

static inline void
TimelineCursorSetSeq(TimelineCursor *c)
{
	if (c->i >= c->n)
		return;
	if (c->seqs)
		c->seq = c->seqs[c->i];
	else if (c->i > 0 && c->times[c->i] == c->times[c->i - 1])
		c->seq = c->seq + 1;
	else
		c->seq = 0;
}

static inline void
TimelineCursorInit(TimelineCursor *c, const Timeline *tl)
{
	c->tl = tl;
	c->times = TimelineTimes(tl);
	c->seqs = TimelineSeqs(tl);
	c->values = TimelineValues(tl);
	c->nulls = TimelineNulls(tl);
	c->n = tl->npoints;
	c->i = 0;
	c->seq = 0;
	TimelineCursorSetSeq(c);
}

static inline bool
TimelineCursorDone(const TimelineCursor *c)
{
	return c->i >= c->n;
}

/*
 * Steps to the next point.  Every loop over the points of a timeline steps
 * here, so a cancel or statement_timeout is seen within one point: one
 * timeline can hold tens of millions of them.
 */
static inline void
TimelineCursorNext(TimelineCursor *c)
{
	CHECK_FOR_INTERRUPTS();
	c->i++;
	TimelineCursorSetSeq(c);
}

static inline TimestampTz
TimelineCursorTime(const TimelineCursor *c)
{
	return c->times[c->i];
}

static inline bool
TimelineCursorIsNull(const TimelineCursor *c)
{
	return TimelinePointIsNull(c->nulls, c->i);
}

static inline float8
TimelineCursorValue(const TimelineCursor *c)
{
	return c->values[c->i];
}

/* Compares positions (t1, s1) and (t2, s2). */
static inline int
ComparePositions(TimestampTz t1, int64 s1, TimestampTz t2, int64 s2)
{
	if (t1 != t2)
		return t1 < t2 ? -1 : 1;
	if (s1 != s2)
		return s1 < s2 ? -1 : 1;
	return 0;
}

/* The seq of tick points: after every point of their instant (SEMANTICS s1). */
#define TL_SEQ_AFTER_ALL	PG_INT64_MAX

/*
 * A step of a merge over several timelines: the position and, per input,
 * whether it has a point exactly there and its value seen from there.
 */
#define TL_MAX_INPUTS		3

typedef struct MergeInput
{
	TimelineCursor cur;
	bool		continuous;
	bool		here;			/* has a point at the current position */
	bool		has_last;		/* a point was seen at or before it */
	float8		last_value;		/* value of that point */
	bool		last_null;
} MergeInput;

typedef struct TimelineMerge
{
	int			ninputs;
	MergeInput	in[TL_MAX_INPUTS];
	bool		explicit_seq;	/* some input has explicit seqs */
	TimestampTz time;			/* current position */
	int64		seq;
} TimelineMerge;

/* ---- merge.c: walking the union of positions of several timelines ---- */
extern void TimelineMergeInit(TimelineMerge *m, int ninputs, Timeline **inputs);
extern bool TimelineMergeNext(TimelineMerge *m);
extern bool MergeValue(const MergeInput *in, float8 *value);
extern bool MergeValueAsOf(const MergeInput *in, float8 *value);

#endif							/* TIMELINE_H */
