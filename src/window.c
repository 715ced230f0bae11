/*-------------------------------------------------------------------------
 *
 * window.c
 *	  Aggregations over a timeline (SEMANTICS.md s3): count, count_if, sum,
 *	  mean, min, max, first, last, var_samp, var_pop, stddev_samp,
 *	  stddev_pop; lifetime, trailing (interval), since (reset timeline) and
 *	  sliding over the last k reset periods; the same read only at the
 *	  input's own points (aggregate_at_points) or at given times
 *	  (aggregate_at_times, aggregates_between), and the planner support
 *	  functions that rewrite observe(agg(tl, ...), tl) and
 *	  values_at(agg(tl, ...), times) into those.
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
 * (T - width reaches the point's time, see window_width.c) or values come back
 * (T - width moves back) and no input point exists; its
 * seq is 0 (the only point of its time) for implicit inputs and INT64_MIN
 * for explicit ones.
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
#include "funcapi.h"
#include "pgtime.h"
#include "utils/float.h"
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
#include "utils/datetime.h"
#include "utils/fmgrprotos.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"

#include "timeline.h"

/* the aggregate functions themselves are generated at the end of the file */
PG_FUNCTION_INFO_V1(timeline_aggregates_between);
PG_FUNCTION_INFO_V1(timeline_aggregate_at_points);
PG_FUNCTION_INFO_V1(timeline_aggregate_at_points_trailing);
PG_FUNCTION_INFO_V1(timeline_aggregate_at_points_since);
PG_FUNCTION_INFO_V1(timeline_observe_support);
PG_FUNCTION_INFO_V1(timeline_aggregate_at_times);
PG_FUNCTION_INFO_V1(timeline_aggregate_at_times_trailing);
PG_FUNCTION_INFO_V1(timeline_read_at_times);
PG_FUNCTION_INFO_V1(timeline_values_at_support);

/* the SQL names of the aggregates, in WinKind order */
static const char *const win_names[] = {
	"count", "count_if", "sum", "mean", "min", "max", "first", "last",
	"var_samp", "var_pop", "stddev_samp", "stddev_pop"
};

/*
 * Allocates a queue with room for capacity elements, growing up to bound
 * (the most it will ever hold at once: every point of the timeline).
 */
void
AccQueueInit(AccQueue *q, WinKind kind, int64 capacity, int64 bound, bool with_expiry)
{
	memset(q, 0, sizeof(*q));
	q->kind = kind;
	q->cap = Max(capacity, 1);
	q->bound = Max(bound, q->cap);
	q->item = palloc_extended(sizeof(WinAcc) * q->cap, MCXT_ALLOC_HUGE);
	q->suffix = palloc_extended(sizeof(WinAcc) * q->cap, MCXT_ALLOC_HUGE);
	if (with_expiry)
		q->expiry = palloc_extended(sizeof(TimestampTz) * q->cap, MCXT_ALLOC_HUGE);
}

/*
 * Makes room for one more element in a full queue: moves the live elements
 * to the front if they fill at most half of it (at least cap / 2 pushes
 * come before the next move, so each push moves at most one element on
 * average), else doubles it.
 */
void
AccQueueMakeRoom(AccQueue *q)
{
	int64		live = q->tail - q->head;

	Assert(q->tail == q->cap && q->head <= q->split && q->split <= q->tail);
	if (q->head > 0 && (live <= q->cap / 2 || q->cap >= q->bound))
	{
		memmove(q->item, q->item + q->head, sizeof(WinAcc) * live);
		memmove(q->suffix, q->suffix + q->head, sizeof(WinAcc) * (q->split - q->head));
		if (q->expiry)
			memmove(q->expiry, q->expiry + q->head, sizeof(TimestampTz) * live);
		q->split -= q->head;
		q->tail = live;
		q->head = 0;
		return;
	}
	q->cap = Max(Min(q->cap * 2, q->bound), q->cap + 1);
	q->item = repalloc_huge(q->item, sizeof(WinAcc) * q->cap);
	q->suffix = repalloc_huge(q->suffix, sizeof(WinAcc) * q->cap);
	if (q->expiry)
		q->expiry = repalloc_huge(q->expiry, sizeof(TimestampTz) * q->cap);
}

/* Frees a queue's arrays. */
void
AccQueueFree(AccQueue *q)
{
	pfree(q->item);
	pfree(q->suffix);
	if (q->expiry)
		pfree(q->expiry);
}

/*
 * The first allocation of a trailing window's queue: every point when one
 * width spans the timeline (the queue will hold them all: growing to that
 * would copy them about twice), else twice the points of one width at the
 * timeline's mean density, and never under ACC_QUEUE_FIRST (the queue
 * grows past a wrong guess, and moves down as points leave).
 */
static int64
TrailingQueueFirst(const Timeline *tl, const WindowWidth *ww)
{
	const TimestampTz *times = TimelineTimes(tl);
	int64		reach = ww->fixed ? ww->usecs : ww->reach;
	float8		span;
	float8		guess;

	if (tl->npoints <= ACC_QUEUE_FIRST)
		return tl->npoints;
	/* in float8: the range's two ends are further apart than int64 holds */
	span = (float8) times[tl->npoints - 1] - (float8) times[0];
	if ((float8) reach >= span)
		return tl->npoints;
	guess = 2.0 * (float8) tl->npoints * ((float8) reach / span);
	return Max((int64) Min(guess, (float8) tl->npoints), ACC_QUEUE_FIRST);
}

/* Appends a result point computed from acc. */
static inline void
EmitAcc(TimelineBuilder *out, WinKind kind, TimestampTz t, int64 seq, const WinAcc *acc)
{
	float8		v = 0;
	bool		ok = AccResult(kind, acc, &v);

	TimelineBuilderAppendOrdered(out, t, seq, v, !ok);
}

/*
 * The lifetime (cumulative) aggregate.  at_points: the result at the input's
 * own points only, discrete (aggregate_at_points); the positions are the
 * same here, only the kind differs.
 */
static pg_attribute_always_inline Timeline *
AggregateLifetimeOf(Timeline *tl, WinKind kind, bool at_points)
{
	TimelineCursor c;
	TimelineBuilder out;
	WinAcc		acc = AccEmpty();

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
	return TimelineBuilderFinishCanonical(&out, !at_points);
}

/*
 * Calls body with the aggregate kind as a compile-time constant, so that the
 * always-inline loops below are compiled once per kind and the accumulator
 * keeps only the fields that kind reads, in registers.
 */
#define WIN_DISPATCH(kind, body) \
	switch (kind) \
	{ \
		case WK_COUNT: body(WK_COUNT); \
		case WK_COUNT_IF: body(WK_COUNT_IF); \
		case WK_SUM: body(WK_SUM); \
		case WK_MEAN: body(WK_MEAN); \
		case WK_MIN: body(WK_MIN); \
		case WK_MAX: body(WK_MAX); \
		case WK_FIRST: body(WK_FIRST); \
		case WK_LAST: body(WK_LAST); \
		case WK_VAR_SAMP: body(WK_VAR_SAMP); \
		case WK_VAR_POP: body(WK_VAR_POP); \
		case WK_STDDEV_SAMP: body(WK_STDDEV_SAMP); \
		case WK_STDDEV_POP: body(WK_STDDEV_POP); \
		default: elog(ERROR, "unknown aggregate kind %d", (int) (kind)); \
	}

static Timeline *
AggregateLifetime(Timeline *tl, WinKind kind, bool at_points)
{
#define LIFETIME_OF(k) return AggregateLifetimeOf(tl, k, at_points)
	WIN_DISPATCH(kind, LIFETIME_OF);
#undef LIFETIME_OF
}

/* The next jump, or DT_NOEND. */
static inline TimestampTz
WindowJumpsPeek(const WindowJumps *wj)
{
	return wj->next < wj->n ? wj->at[wj->next] : DT_NOEND;
}

/*
 * The first of tl's points from i on that is in the window at time t, after
 * t - width: a search galloping from i finds it in the logarithm of the
 * distance (one comparison when point i is still in, as with probes closer
 * together than the width); it is at most the first point after t, a point
 * being in the window at its own time.
 */
static int32
FirstInWindowAt(const TimestampTz *times, int32 i, int32 n, const WindowWidth *ww, TimestampTz t)
{
	TimestampTz start = WindowStart(ww, t);
	int32		lo = i,
				hi,
				step = 1;

	if (lo >= n || times[lo] > start)
		return lo;
	/* times[lo] is out at t: find hi, the first known to be in (or n) */
	for (;;)
	{
		hi = (n - lo > step) ? lo + step : n;
		if (hi == n || times[hi] > start)
			break;
		lo = hi;
		step = (step > PG_INT32_MAX / 2) ? step : step * 2;
	}
	/* the answer is in (lo, hi] */
	lo++;
	while (lo < hi)
	{
		int32		mid = lo + (hi - lo) / 2;

		if (times[mid] <= start)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * The window at a jump c, with the points before i read: the non-NULL
 * points in (c - width, c], with their leave times in the segment from c
 * to the next jump.  Points come back only at jumps, so when the window
 * holds no more points than the queue it is the queue's: only the leave
 * times change.  Otherwise the queue is rebuilt and true returned.
 */
bool
TrailingRestart(AccQueue *q, WinKind kind, const WindowWidth *ww, const TimestampTz *times,
				const float8 *values, const bits8 *nulls, int32 i, TimestampTz c,
				TimestampTz until)
{
	int32		first = FirstInWindowAt(times, 0, i, ww, c);
	int64		members = 0;
	int64		pos;
	bool		rebuilt;
	TimestampTz leave = 0;

	for (int32 j = first; j < i; j++)
		members += !TimelinePointIsNull(nulls, j);
	Assert(members >= AccQueueSize(q));
	rebuilt = members > AccQueueSize(q);
	if (rebuilt)
		AccQueueReset(q);
	pos = q->head;
	for (int32 j = first; j < i; j++)
	{
		if (TimelinePointIsNull(nulls, j))
			continue;
		/* later points leave later: once one stays, the rest do */
		if (leave != DT_NOEND)
			leave = LeaveTimeIn(ww, times[j], c, until);
		if (rebuilt)
		{
			WinAcc		one = AccOf(values[j]);

			AccQueuePushOf(q, kind, &one, leave);
		}
		else
			q->expiry[pos++] = leave;
	}
	return rebuilt;
}

/*
 * Whether values that leave (or come back) at the instant of an input
 * point get a point of their own before it, at (now, INT64_MIN): with
 * explicit seqs, when the input's first point at now comes after that seq.
 * Another timeline's position at now before that point (an event of
 * another kind at the same instant, observed) then reads the window
 * without the values that left, as it does between input points.  With
 * implicit seqs the input's first point at now is the instant's first
 * position, and it reads the window after the change already.
 */
static inline bool
LeavePointBefore(int64 expiry_seq, int64 first_seq)
{
	return expiry_seq == PG_INT64_MIN && first_seq > PG_INT64_MIN;
}

/*
 * The trailing window (t - width, t].  at_points: only the points at the
 * input's own points, discrete, without the points where values leave.
 */
static pg_attribute_always_inline Timeline *
AggregateTrailingOf(Timeline *tl, WinKind kind, WindowWidth *ww, bool at_points)
{
	TimelineCursor c;
	TimelineBuilder out;
	AccQueue	q;
	int64		expiry_seq = TimelineSeqs(tl) ? PG_INT64_MIN : 0;
	WinAcc		acc;

	WindowJumps wj;

	TimelineCursorInit(&c, tl);
	AccQueueInit(&q, kind, TrailingQueueFirst(tl, ww), tl->npoints, true);
	WindowJumpsInit(&wj, ww, TimelineTimes(tl), tl->npoints, DT_NOBEGIN, DT_NOEND);
	TimelineBuilderInit(&out, c.seqs != NULL, ERRCODE_INTERNAL_ERROR,
						at_points ? tl->npoints : (int32) Min((int64) tl->npoints * 2, (int64) TL_MAX_POINTS));
	for (;;)
	{
		bool		more = !TimelineCursorDone(&c);
		TimestampTz now = more ? TimelineCursorTime(&c) : DT_NOEND;
		TimestampTz until;
		bool		changed_now = false;

		/*
		 * Values leaving before the next input point or jump get points of
		 * their own; at a jump, values may come back.
		 */
		for (;;)
		{
			TimestampTz jump = WindowJumpsPeek(&wj);
			TimestampTz upto = Min(jump, now);

			while (AccQueueSize(&q) > 0 && q.expiry[q.head] < upto && q.expiry[q.head] != DT_NOEND)
			{
				TimestampTz leave = q.expiry[q.head];

				while (AccQueueSize(&q) > 0 && q.expiry[q.head] <= leave)
					AccQueuePopOf(&q, kind);
				if (!at_points)
				{
					acc = AccQueueTotalOf(&q, kind);
					EmitAcc(&out, kind, leave, expiry_seq, &acc);
				}
			}
			if (jump > now || jump == DT_NOEND)
				break;
			wj.next++;
			if (TrailingRestart(&q, kind, ww, TimelineTimes(tl), TimelineValues(tl),
								TimelineNulls(tl), c.i, jump, WindowJumpsPeek(&wj)))
			{
				if (jump < now && !at_points)
				{
					acc = AccQueueTotalOf(&q, kind);
					EmitAcc(&out, kind, jump, expiry_seq, &acc);
				}
				changed_now |= (jump == now);
			}
		}
		if (!more)
			break;
		/* values leaving exactly now are gone for the points at now */
		while (AccQueueSize(&q) > 0 && q.expiry[q.head] <= now)
		{
			AccQueuePopOf(&q, kind);
			changed_now = true;
		}
		if (changed_now && !at_points && LeavePointBefore(expiry_seq, c.seq))
		{
			acc = AccQueueTotalOf(&q, kind);
			EmitAcc(&out, kind, now, expiry_seq, &acc);
		}
		until = WindowJumpsPeek(&wj);
		if (!TimelineCursorIsNull(&c))
		{
			WinAcc		one = AccOf(TimelineCursorValue(&c));
			TimestampTz leave = LeaveTimeIn(ww, now, now, until);

			if (leave > now)	/* else not in the window even now */
				AccQueuePushOf(&q, kind, &one, leave);
		}
		acc = AccQueueTotalOf(&q, kind);
		EmitAcc(&out, kind, now, c.seq, &acc);
		TimelineCursorNext(&c);
	}
	AccQueueFree(&q);
	return TimelineBuilderFinishCanonical(&out, !at_points);
}

/*
 * count and count_if over a trailing window: the window's count is the
 * running count minus the count of the values that have left, exact in
 * integers, so two indexes into the input replace the queue.  Every
 * non-NULL value is a member (it gives a leave point, as in
 * AggregateTrailingOf, whose positions and values these are); count_if
 * counts only the non-zero ones.
 */
typedef struct CountWindow
{
	const TimestampTz *times;
	const float8 *values;
	const bits8 *nulls;
	WindowWidth *ww;
	bool		count_if;
	int32		head;			/* oldest member that may still be in */
	int32		leave_of;		/* the member whose leave time is in leave */
	TimestampTz leave;
	int64		count;
	TimestampTz seg_from;		/* the segment between jumps we are in */
	TimestampTz seg_until;
} CountWindow;

static void
CountWindowInit(CountWindow *w, Timeline *tl, WinKind kind, WindowWidth *ww)
{
	w->times = TimelineTimes(tl);
	w->values = TimelineValues(tl);
	w->nulls = TimelineNulls(tl);
	w->ww = ww;
	w->count_if = (kind == WK_COUNT_IF);
	w->head = 0;
	w->leave_of = -1;
	w->leave = DT_NOEND;
	w->count = 0;
	w->seg_from = DT_NOBEGIN;
	w->seg_until = DT_NOEND;
}

/* Moves head to the next member before end; false if there is none. */
static inline bool
CountWindowHead(CountWindow *w, int32 end)
{
	while (w->head < end && TimelinePointIsNull(w->nulls, w->head))
		w->head++;
	if (w->head >= end)
		return false;
	if (w->leave_of != w->head)
	{
		w->leave = LeaveTimeIn(w->ww, w->times[w->head], w->seg_from, w->seg_until);
		w->leave_of = w->head;
	}
	return true;
}

/* Drops the member at head. */
static inline void
CountWindowPop(CountWindow *w)
{
	if (!w->count_if || w->values[w->head] != 0.0)
		w->count--;
	w->head++;
}

/*
 * The window at a jump c (see TrailingRestart): its first member and its
 * count, leave times from c on.  True if members came back.
 */
static bool
CountRestart(CountWindow *w, int32 i, TimestampTz c, TimestampTz until)
{
	int32		first = FirstInWindowAt(w->times, 0, i, w->ww, c);
	bool		back = false;

	for (int32 j = first; j < w->head; j++)
		if (!TimelinePointIsNull(w->nulls, j))
		{
			back = true;
			if (!w->count_if || w->values[j] != 0.0)
				w->count++;
		}
	w->head = Min(w->head, first);
	w->seg_from = c;
	w->seg_until = until;
	w->leave_of = -1;
	return back;
}

static Timeline *
CountTrailing(Timeline *tl, WinKind kind, WindowWidth *ww, bool at_points)
{
	TimelineCursor c;
	TimelineBuilder out;
	int64		expiry_seq = TimelineSeqs(tl) ? PG_INT64_MIN : 0;
	CountWindow w;
	WindowJumps wj;

	CountWindowInit(&w, tl, kind, ww);
	TimelineCursorInit(&c, tl);
	WindowJumpsInit(&wj, ww, w.times, tl->npoints, DT_NOBEGIN, DT_NOEND);
	w.seg_until = WindowJumpsPeek(&wj);
	TimelineBuilderInit(&out, c.seqs != NULL, ERRCODE_INTERNAL_ERROR,
						at_points ? tl->npoints : (int32) Min((int64) tl->npoints * 2, (int64) TL_MAX_POINTS));
	for (;;)
	{
		bool		more = !TimelineCursorDone(&c);
		TimestampTz now = more ? TimelineCursorTime(&c) : DT_NOEND;
		bool		changed_now = false;

		/* members leaving before now or the next jump give points of their own */
		for (;;)
		{
			TimestampTz jump = WindowJumpsPeek(&wj);
			TimestampTz upto = Min(jump, now);

			while (CountWindowHead(&w, c.i) && w.leave < upto && w.leave != DT_NOEND)
			{
				TimestampTz leave = w.leave;

				while (CountWindowHead(&w, c.i) && w.leave <= leave)
					CountWindowPop(&w);
				if (!at_points)
					TimelineBuilderAppendOrdered(&out, leave, expiry_seq, (float8) w.count, false);
			}
			if (jump > now || jump == DT_NOEND)
				break;
			wj.next++;
			if (CountRestart(&w, c.i, jump, WindowJumpsPeek(&wj)))
			{
				if (jump < now && !at_points)
					TimelineBuilderAppendOrdered(&out, jump, expiry_seq, (float8) w.count, false);
				changed_now |= (jump == now);
			}
		}
		if (!more)
			break;
		/* members leaving at or before now are gone for the points at now */
		while (CountWindowHead(&w, c.i) && w.leave <= now)
		{
			CountWindowPop(&w);
			changed_now = true;
		}
		if (changed_now && !at_points && LeavePointBefore(expiry_seq, c.seq))
			TimelineBuilderAppendOrdered(&out, now, expiry_seq, (float8) w.count, false);
		if (!ww->fixed && WindowStart(ww, now) >= now)
		{
			/* not in the window even now, nor is anything before it */
			TimelineBuilderAppendOrdered(&out, now, c.seq, (float8) w.count, false);
			TimelineCursorNext(&c);
			w.head = c.i;
			continue;
		}
		if (!TimelineCursorIsNull(&c) && (!w.count_if || TimelineCursorValue(&c) != 0.0))
			w.count++;
		TimelineBuilderAppendOrdered(&out, now, c.seq, (float8) w.count, false);
		TimelineCursorNext(&c);
	}
	return TimelineBuilderFinishCanonical(&out, !at_points);
}

static Timeline *
AggregateTrailing(Timeline *tl, WinKind kind, Interval *width, bool at_points)
{
	WindowWidth ww;

	WindowWidthInit(&ww, width);
	if (kind == WK_COUNT || kind == WK_COUNT_IF)
		return CountTrailing(tl, kind, &ww, at_points);
#define TRAILING_OF(k) return AggregateTrailingOf(tl, k, &ww, at_points)
	WIN_DISPATCH(kind, TRAILING_OF);
#undef TRAILING_OF
}

/*
 * Since the last reset (k = 1) or sliding over the last k reset periods:
 * the current period's accumulator plus a queue of the k - 1 closed ones.
 * at_points: only the points at the input's own positions, discrete.
 */
static Timeline *
AggregateSince(Timeline *tl, WinKind kind, Timeline *reset, int32 k, bool at_points)
{
	Timeline   *inputs[2] = {tl, reset};
	TimelineMerge m;
	TimelineBuilder out;
	AccQueue	closed;
	WinAcc		current = AccEmpty();
	bool		reset_pending = false;
	TimestampTz reset_time = 0;

	if (k < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("number of reset periods must be at least 1"),
				 errhint("Use 1 for the window since the last reset.")));
	TimelineMergeInit(&m, 2, inputs);
	AccQueueInit(&closed, kind, Min(k, ACC_QUEUE_FIRST), k, false);
	if (at_points)
		TimelineBuilderInit(&out, TimelineSeqs(tl) != NULL, ERRCODE_INTERNAL_ERROR, tl->npoints);
	else
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
			current = AccEmpty();
			reset_pending = false;
		}
		if (m.in[0].here && !m.in[0].last_null)
		{
			WinAcc		one = AccOf(m.in[0].last_value);

			current = AccCombine(kind, &current, &one);
		}
		if (!at_points || m.in[0].here)
		{
			total = AccQueueTotal(&closed);
			total = AccCombine(kind, &total, &current);
			EmitAcc(&out, kind, m.time, m.seq, &total);
		}
		if (MergeValue(&m.in[1], &r) && r != 0.0)
		{
			reset_pending = true;
			reset_time = m.time;
		}
	}
	AccQueueFree(&closed);
	return TimelineBuilderFinishCanonical(&out, !at_points);
}

/* Maps an aggregate's SQL name to its kind; -1 if unknown. */
int
WinKindFromName(const char *name)
{

	for (int i = 0; i < (int) lengthof(win_names); i++)
		if (strcmp(name, win_names[i]) == 0)
			return i;
	return -1;
}

/* Maps an aggregate's SQL name to its kind; an error if unknown. */
static WinKind
WinKindFromText(const char *aggname)
{
	int			kind = WinKindFromName(aggname);

	if (kind < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown aggregate: \"%s\"", aggname),
				 errhint("Use one of count, count_if, sum, mean, min, max, first, last, var_samp, var_pop, stddev_samp, stddev_pop.")));
	return (WinKind) kind;
}

/*
 * aggregates_between(tl, aggregate, starts[], ends[]): for every k, the
 * aggregate of the points with starts[k] < time <= ends[k], combined in
 * position order like the lifetime aggregate; NULL bounds give NULL; the
 * result has the shape of starts (ends only needs as many elements).  This
 * is the window (t, t + horizon] of a training-set label taken exactly: a
 * trailing window read at t + horizon would start at (t + horizon) -
 * horizon, which is not t across month ends or daylight-saving changes.
 */
static bool
AggregateBetween(Timeline *tl, WinKind kind, TimestampTz start, TimestampTz end, float8 *v)
{
	const float8 *values = TimelineValues(tl);
	const bits8 *nulls = TimelineNulls(tl);
	WinAcc		acc = AccEmpty();
	int32		lo = TimelineUpperBound(tl, start);
	int32		hi = TimelineUpperBound(tl, end);

	for (int32 i = lo; i < hi; i++)
		if (!TimelinePointIsNull(nulls, i))
		{
			WinAcc		one = AccOf(values[i]);

			acc = AccCombine(kind, &acc, &one);
		}
	return AccResult(kind, &acc, v);
}

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
	out = palloc(sizeof(Datum) * nstarts);
	outnulls = palloc(sizeof(bool) * nstarts);
	for (int k = 0; k < nstarts; k++)
	{
		float8		v = 0;

		/* each window reads its points anew: many wide ones take long */
		CHECK_FOR_INTERRUPTS();
		outnulls[k] = snulls[k] || enulls[k] ||
			!AggregateBetween(tl, kind, DatumGetTimestampTz(starts[k]), DatumGetTimestampTz(ends[k]), &v);
		out[k] = outnulls[k] ? (Datum) 0 : Float8GetDatum(v);
	}
	/* the result has the shape of starts, as values_at's has that of times */
	PG_RETURN_ARRAYTYPE_P(construct_md_array(out, outnulls, ARR_NDIM(starts_arr), ARR_DIMS(starts_arr),
											 ARR_LBOUND(starts_arr), FLOAT8OID,
											 sizeof(float8), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

/*
 * aggregate_at_points(tl, aggregate [, width | reset, periods]): the
 * aggregate evaluated at tl's own points only, discrete.  This is exactly
 * observe(aggregate(tl, ...), tl), the usual way to evaluate a window at
 * every event, without building the result's other points (where values
 * leave a trailing window, the reset timeline's positions) and without the
 * second merge; observe_support rewrites that call into this one.
 */
Datum
timeline_aggregate_at_points(PG_FUNCTION_ARGS)
{
	WinKind		kind = WinKindFromText(text_to_cstring(PG_GETARG_TEXT_PP(1)));

	PG_RETURN_TIMELINE_P(AggregateLifetime(TimelineGetArgCached(fcinfo, 0), kind, true));
}

Datum
timeline_aggregate_at_points_trailing(PG_FUNCTION_ARGS)
{
	WinKind		kind = WinKindFromText(text_to_cstring(PG_GETARG_TEXT_PP(1)));

	PG_RETURN_TIMELINE_P(AggregateTrailing(TimelineGetArgCached(fcinfo, 0), kind,
										   PG_GETARG_INTERVAL_P(2), true));
}

Datum
timeline_aggregate_at_points_since(PG_FUNCTION_ARGS)
{
	WinKind		kind = WinKindFromText(text_to_cstring(PG_GETARG_TEXT_PP(1)));

	PG_RETURN_TIMELINE_P(AggregateSince(TimelineGetArgCached(fcinfo, 0), kind,
										TimelineGetArgCached(fcinfo, 2),
										PG_GETARG_INT32(3), true));
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
			if (!TimelinePointIsNull(nulls, i))
			{
				WinAcc		one = AccOf(values[i]);

				acc = AccCombine(kind, &acc, &one);
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
			i++;
		if (i > 0 && !TimelinePointIsNull(nulls, i - 1))
		{
			pt->outnull[k] = false;
			pt->out[k] = Float8GetDatum(values[i - 1]);
		}
	}
}

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
			if (!TimelinePointIsNull(w.nulls, i) && (!w.count_if || w.values[i] != 0.0))
				w.count++;
		while (CountWindowHead(&w, i) && w.leave <= t && w.leave != DT_NOEND)
			CountWindowPop(&w);
		if (i > 0)
		{
			pt->outnull[k] = false;
			pt->out[k] = Float8GetDatum((float8) w.count);
		}
	}
}

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
					float8		v = 0;

					CHECK_FOR_INTERRUPTS();
					if (pt.isnull[k] || ends == NULL || endnulls[k])
						continue;
					pt.outnull[k] = !AggregateBetween(tl, col->kind, BetweenStart(col, pt.time[k], ends[k]),
													  ends[k], &v);
					pt.out[k] = pt.outnull[k] ? (Datum) 0 : Float8GetDatum(v);
				}
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
 * If expr calls one of this file's aggregation functions (checked by
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
 * one of this file's aggregation functions: the request, that inner call,
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
	PG_RETURN_TIMELINE_P(AggregateLifetime(TimelineGetArgCached(fcinfo, 0), kind, false)); \
} \
Datum \
timeline_##name##_trailing(PG_FUNCTION_ARGS) \
{ \
	PG_RETURN_TIMELINE_P(AggregateTrailing(TimelineGetArgCached(fcinfo, 0), kind, \
										   PG_GETARG_INTERVAL_P(1), false)); \
} \
Datum \
timeline_##name##_since(PG_FUNCTION_ARGS) \
{ \
	PG_RETURN_TIMELINE_P(AggregateSince(TimelineGetArgCached(fcinfo, 0), kind, \
										TimelineGetArgCached(fcinfo, 1), 1, false)); \
} \
Datum \
timeline_##name##_sliding(PG_FUNCTION_ARGS) \
{ \
	PG_RETURN_TIMELINE_P(AggregateSince(TimelineGetArgCached(fcinfo, 0), kind, \
										TimelineGetArgCached(fcinfo, 1), \
										PG_GETARG_INT32(2), false)); \
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
