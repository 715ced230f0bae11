/*-------------------------------------------------------------------------
 *
 * window.c
 *	  Aggregations over a timeline (SEMANTICS.md s3): count, count_if, sum,
 *	  mean, min, max, first, last, var_samp, var_pop, stddev_samp,
 *	  stddev_pop; lifetime, trailing (interval), since (reset timeline) and
 *	  sliding over the last k reset periods; the same read only at the
 *	  input's own points (aggregate_at_points).  Their readings at given
 *	  times (aggregate_at_times, aggregates_between, read_at_times) and the
 *	  planner support functions that rewrite observe(agg(tl, ...), tl) and
 *	  values_at(agg(tl, ...), times) into aggregate_at_points and
 *	  aggregate_at_times are in window_read.c.
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

#include "utils/builtins.h"
#include "utils/timestamp.h"

#include "timeline.h"

/* the aggregate functions themselves are generated at the end of the file */
PG_FUNCTION_INFO_V1(timeline_aggregate_at_points);
PG_FUNCTION_INFO_V1(timeline_aggregate_at_points_trailing);
PG_FUNCTION_INFO_V1(timeline_aggregate_at_points_since);

/* the SQL names of the aggregates, in WinKind order */
const char *const win_names[] = {
	"count", "count_if", "sum", "mean", "min", "max", "first", "last",
	"var_samp", "var_pop", "stddev_samp", "stddev_pop"
};

/*
 * Allocates a queue with room for capacity elements, growing up to bound
 * (the most it will ever hold at once: every point of the timeline, or k
 * periods), and past it up to twice bound only when it is held full
 * (AccQueueMakeRoom).
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
 * average), else doubles it, up to bound, and past bound up to twice bound,
 * where the live elements (at most bound) fill at most half.  Moving them
 * whenever the queue had reached bound, more than half full, moved almost
 * every element at each push: a sliding window over k reset periods, whose
 * queue stays at its bound k, moved k - 1 accumulators at every reset.
 */
void
AccQueueMakeRoom(AccQueue *q)
{
	int64		live = q->tail - q->head;
	int64		limit;

	Assert(q->tail == q->cap && q->head <= q->split && q->split <= q->tail);
	if (q->head > 0 && live <= q->cap / 2)
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
	limit = (q->cap < q->bound) ? q->bound : 2 * q->bound;
	q->cap = Max(Min(q->cap * 2, limit), q->cap + 1);
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
int64
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

/* Runs the lifetime aggregate, AggregateLifetimeOf compiled for its kind. */
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
	{
		TL_CHECK_INTERRUPTS_EVERY_64K(j - first);
		members += !TimelinePointIsNull(nulls, j);
	}
	Assert(members >= AccQueueSize(q));
	rebuilt = members > AccQueueSize(q);
	if (rebuilt)
		AccQueueReset(q);
	pos = q->head;
	for (int32 j = first; j < i; j++)
	{
		TL_CHECK_INTERRUPTS_EVERY_64K(j - first);
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

/* Starts an empty count window over tl's points, with no jump known yet. */
void
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
	{
		TL_CHECK_INTERRUPTS_EVERY_64K(j - first);
		if (!TimelinePointIsNull(w->nulls, j))
		{
			back = true;
			if (!w->count_if || w->values[j] != 0.0)
				w->count++;
		}
	}
	w->head = Min(w->head, first);
	w->seg_from = c;
	w->seg_until = until;
	w->leave_of = -1;
	return back;
}

/* Computes count or count_if over a trailing window (see CountWindow). */
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

/* Computes a trailing window, counts apart, the others compiled per kind. */
Timeline *
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
		TimelineBuilderInit(&out, m.explicit_seq, ERRCODE_INTERNAL_ERROR,
							(int32) Min((int64) tl->npoints + reset->npoints, (int64) TL_MAX_POINTS));
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
WinKind
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

/* aggregate_at_points(tl, aggregate, width): the trailing window's form. */
Datum
timeline_aggregate_at_points_trailing(PG_FUNCTION_ARGS)
{
	WinKind		kind = WinKindFromText(text_to_cstring(PG_GETARG_TEXT_PP(1)));

	PG_RETURN_TIMELINE_P(AggregateTrailing(TimelineGetArgCached(fcinfo, 0), kind,
										   PG_GETARG_INTERVAL_P(2), true));
}

/* aggregate_at_points(tl, aggregate, reset, periods): since and sliding. */
Datum
timeline_aggregate_at_points_since(PG_FUNCTION_ARGS)
{
	WinKind		kind = WinKindFromText(text_to_cstring(PG_GETARG_TEXT_PP(1)));

	PG_RETURN_TIMELINE_P(AggregateSince(TimelineGetArgCached(fcinfo, 0), kind,
										TimelineGetArgCached(fcinfo, 2),
										PG_GETARG_INT32(3), true));
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
