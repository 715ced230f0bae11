/*-------------------------------------------------------------------------
 *
 * feature_state.c
 *	  Resumable feature state for incremental materialization: state_new,
 *	  state_advance, state_value_at, state_last_time.
 *
 * A feature state is what one aggregation of window.c (one aggregate, one
 * window) holds after it has consumed an entity's points: the running
 * accumulator of a lifetime window, the current period's accumulator and a
 * pending reset of a since window, or the points still inside a trailing
 * window with their expiry times.  state_advance feeds it the points that
 * came after it, doing exactly the operations window.c does on them, in the
 * same order; state_value_at reads it at any time at or after its last
 * point, expiring what window.c would have expired by then.  So the state
 * built from a prefix and advanced by the rest gives, bit for bit, the value
 * window.c computes from the whole timeline: incremental materialization is
 * equal to recomputation by construction, not within a tolerance.
 *
 * Why this is exact for trailing windows: window.c's queue (two stacks) has
 * no hidden history.  Its front part holds suffix accumulators computed, at
 * the last flip, backwards over the elements still present; its back part
 * is the left-to-right combination of the elements pushed since.  Both are
 * functions of the elements and of the split index alone, so the state
 * stores only each element's value and expiry plus the split, and combines
 * them, with the same floating-point operations, when it is read (advancing
 * a state moves only values, leave times and the split: StateQueue).
 *
 * Stored as bytea (a format of our own, validated on every load):
 *
 *	  int32   vl_len_
 *	  uint16  version       STATE_VERSION
 *	  uint8   kind          WinKind
 *	  uint8   window        STATE_LIFETIME, STATE_TRAILING or STATE_SINCE
 *	  int32   nitems        trailing: elements in the window
 *	  int32   front         trailing: elements of the front part (<= nitems)
 *	  int32   flags         STATE_F_RESET_PENDING; since: STATE_F_RESET_HOLDS
 *	  int32   reserved      zero
 *	  int64   last_time     time of the last point consumed; DT_NOBEGIN if none
 *	  int64   reset_time    since: time of the pending reset
 *	  Interval width        trailing: the window width
 *	  WinAcc  acc           lifetime: running total; since: current period
 *	  float8  values[nitems]
 *	  int64   expiry[nitems]
 *
 * A width with months or days (calendar arithmetic in the session's zone)
 * sets STATE_F_CALENDAR and stores, instead, the points that may still be
 * read, in time order: those before the window that can come back into it
 * (window_width.c, LeaveTimeIn: t - width can move back as t moves forward), then
 * the window's own, with reserved counting the first kind:
 *
 *	  float8  values[reserved + nitems]
 *	  int64   expiry[reserved + nitems]    zero for the points before the window
 *	  int64   times[reserved + nitems]
 *
 * Every point after last_time - reach (WindowWidth) is kept, as a jump of
 * t - width at a later t can bring back no earlier one.  Where window.c
 * rebuilds its queue at a jump, the state does the same, from these points.
 *
 * Points must arrive strictly after last_time: a late point changes what the
 * window held when, so the caller rebuilds the state from the source then.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "common/int.h"
#include "pgtime.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"

#include "timeline.h"

PG_FUNCTION_INFO_V1(timeline_state_new);
PG_FUNCTION_INFO_V1(timeline_state_advance);
PG_FUNCTION_INFO_V1(timeline_state_value_at);
PG_FUNCTION_INFO_V1(timeline_state_value_at_zone);
PG_FUNCTION_INFO_V1(timeline_state_last_time);

#define STATE_VERSION			1
#define STATE_LIFETIME			0
#define STATE_TRAILING			1
#define STATE_SINCE				2
#define STATE_F_RESET_PENDING	0x0001
#define STATE_F_CALENDAR		0x0002
#define STATE_F_RESET_HOLDS		0x0004	/* a continuous reset's last value was
										 * true: it still holds */

typedef struct StateHeader
{
	int32		vl_len_;
	uint16		version;
	uint8		kind;
	uint8		window;
	int32		nitems;
	int32		front;
	int32		flags;
	int32		reserved;		/* calendar: points kept before the window */
	int64		last_time;
	int64		reset_time;
	Interval	width;
	WinAcc		acc;
	/* float8 values[nitems], int64 expiry[nitems] follow */
} StateHeader;

/*
 * A trailing window's queue as a state keeps it: window.c's two-stack
 * queue (AccQueue) without its accumulators, only each element's value
 * and leave time and where the front part ends.  Its pushes, pops and turns
 * move head, split and tail as AccQueue's do, and its total combines, in
 * the same order, the same elements AccQueue's suffix and back
 * accumulators combined, so every value read is the same bit for bit.
 * Advancing a state needs no accumulator at all: loading one into an
 * AccQueue built two 80-byte accumulators per element (8 MB for a window
 * of 50,000 points) that a fold of a few points then threw away.
 */
typedef struct StateQueue
{
	float8	   *value;
	TimestampTz *expiry;
	int64		head;
	int64		split;			/* [head, split) front part, [split, tail) back */
	int64		tail;
	int64		cap;
} StateQueue;

/*
 * A loaded state: the header, and for trailing windows a live queue; with
 * a calendar width also the points kept, whose last StateQueueSize are the
 * queue's (the queue holds a suffix of the points: it loses its oldest, and
 * is rebuilt from a suffix at a jump).
 */
typedef struct FeatureState
{
	StateHeader hdr;
	StateQueue	q;
	WindowWidth ww;
	bool		calendar;
	int32		npoints;		/* kept points, the queue's included */
	TimestampTz *times;
	float8	   *values;
} FeatureState;

/* Whether a width keeps points for jumps: it has months or days. */
static inline bool
CalendarWidth(const Interval *width)
{
	return width->month != 0 || width->day != 0;
}

/* Reports a malformed state. */
static void
RejectState(const char *why)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATA_CORRUPTED),
			 errmsg("invalid feature state: %s", why),
			 errhint("Feature states are written by timeline.state_new and timeline.state_advance; rebuild it with timeline.refresh or timeline.materialize.")));
}

/* The number of elements in the queue. */
static inline int64
StateQueueSize(const StateQueue *q)
{
	return q->tail - q->head;
}

/* AccQueuePush without the accumulators. */
static inline void
StateQueuePush(StateQueue *q, float8 value, TimestampTz expiry)
{
	if (unlikely(q->tail >= q->cap))
		elog(ERROR, "feature state queue overflow");
	q->value[q->tail] = value;
	q->expiry[q->tail] = expiry;
	q->tail++;
}

/* AccQueuePop without the accumulators: an empty front part turns. */
static inline void
StateQueuePop(StateQueue *q)
{
	Assert(q->head < q->tail);
	if (q->head == q->split)
		q->split = q->tail;
	q->head++;
}

/*
 * AccQueueTotal: the suffix accumulator of the front part at head (its
 * elements combined from the last one back, as AccQueuePop's turn and
 * StateLoad computed it) with the back part (its elements combined left to
 * right, as the pushes did).  An element's accumulator is AccOf(value).
 */
static WinAcc
StateQueueTotal(const StateQueue *q, WinKind kind)
{
	WinAcc		back = AccEmpty();

	for (int64 i = q->split; i < q->tail; i++)
	{
		WinAcc		one = AccOf(q->value[i]);

		back = AccCombine(kind, &back, &one);
	}
	if (q->head < q->split)
	{
		WinAcc		front = AccEmpty();

		for (int64 i = q->split - 1; i >= q->head; i--)
		{
			WinAcc		one = AccOf(q->value[i]);

			front = AccCombine(kind, &one, &front);
		}
		return AccCombine(kind, &front, &back);
	}
	return back;
}

/* Returns the size of a state with n trailing elements. */
static Size
StateSize(int32 n, bool calendar)
{
	return sizeof(StateHeader) + (Size) n * (sizeof(float8) + sizeof(int64) +
											 (calendar ? sizeof(int64) : 0));
}

/*
 * Loads a state: validates the bytes and, for a trailing window, rebuilds
 * the queue exactly as window.c had it (its elements and split), with room
 * for extra more elements.
 */
static void
StateLoad(FeatureState *fs, bytea *raw, int64 extra)
{
	const char *elems = (const char *) raw + sizeof(StateHeader);
	int32		nkept;

	if (VARSIZE_ANY_EXHDR(raw) + VARHDRSZ < sizeof(StateHeader) || VARATT_IS_SHORT(raw))
		RejectState("too short");
	memcpy(&fs->hdr, raw, sizeof(StateHeader));
	if (fs->hdr.version != STATE_VERSION)
		RejectState("unknown version");
	if (fs->hdr.kind > WK_STDDEV_POP || fs->hdr.window > STATE_SINCE ||
		(fs->hdr.flags & ~(STATE_F_RESET_PENDING | STATE_F_CALENDAR | STATE_F_RESET_HOLDS)) != 0 ||
		((fs->hdr.flags & STATE_F_RESET_HOLDS) && fs->hdr.window != STATE_SINCE))
		RejectState("unknown aggregate, window or flags");
	fs->calendar = (fs->hdr.flags & STATE_F_CALENDAR) != 0;
	nkept = fs->calendar ? fs->hdr.reserved : 0;
	if (fs->hdr.nitems < 0 || fs->hdr.front < 0 || fs->hdr.front > fs->hdr.nitems ||
		nkept < 0 || nkept > PG_INT32_MAX / 32 - fs->hdr.nitems ||
		(fs->hdr.window != STATE_TRAILING && fs->hdr.nitems != 0) || (!fs->calendar && fs->hdr.reserved != 0))
		RejectState("bad element counts");
	if (fs->calendar != (fs->hdr.window == STATE_TRAILING && CalendarWidth(&fs->hdr.width)))
	{
		if (!fs->calendar && fs->hdr.window == STATE_TRAILING)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_CORRUPTED),
					 errmsg("feature state of a width with months or days is in an earlier format"),
					 errhint("Build it again from the source: materialize the feature set again with timeline.materialize.")));
		RejectState("flags do not match the window");
	}
	fs->npoints = nkept + fs->hdr.nitems;
	if (VARSIZE(raw) != StateSize(fs->npoints, fs->calendar))
		RejectState("size does not match the element count");

	if (fs->hdr.window != STATE_TRAILING)
		return;
	WindowWidthInit(&fs->ww, &fs->hdr.width);
	fs->q.cap = Max((int64) fs->npoints + extra, 1);
	fs->q.value = palloc_extended(sizeof(float8) * fs->q.cap, MCXT_ALLOC_HUGE);
	fs->q.expiry = palloc_extended(sizeof(TimestampTz) * fs->q.cap, MCXT_ALLOC_HUGE);
	if (fs->calendar)
	{
		fs->times = palloc_extended(sizeof(TimestampTz) * ((int64) fs->npoints + extra + 1), MCXT_ALLOC_HUGE);
		fs->values = palloc_extended(sizeof(float8) * ((int64) fs->npoints + extra + 1), MCXT_ALLOC_HUGE);
		memcpy(fs->values, elems, sizeof(float8) * fs->npoints);
		memcpy(fs->times, elems + (Size) fs->npoints * 2 * sizeof(int64), sizeof(int64) * fs->npoints);
		for (int32 i = 0; i < fs->npoints; i++)
			if (!IS_VALID_TIMESTAMP(fs->times[i]) || fs->times[i] > fs->hdr.last_time ||
				(i > 0 && fs->times[i] < fs->times[i - 1]))
				RejectState("points out of order");
	}
	/* memcpy: a bytea inside a tuple is only int-aligned */
	memcpy(fs->q.value, elems + (Size) nkept * sizeof(float8), sizeof(float8) * fs->hdr.nitems);
	memcpy(fs->q.expiry, elems + ((Size) fs->npoints + nkept) * sizeof(int64), sizeof(int64) * fs->hdr.nitems);
	fs->q.head = 0;
	fs->q.tail = fs->hdr.nitems;
	fs->q.split = fs->hdr.front;	/* the front part of the last turn */
}

/* Frees what StateLoad allocated. */
static void
StateFree(FeatureState *fs)
{
	if (fs->hdr.window != STATE_TRAILING)
		return;
	pfree(fs->q.value);
	pfree(fs->q.expiry);
	if (fs->calendar)
	{
		pfree(fs->times);
		pfree(fs->values);
	}
}

/* Writes a state out as bytea. */
static bytea *
StateStore(FeatureState *fs)
{
	int32		n = 0;
	int32		nkept = 0;
	int32		first = 0;
	bytea	   *out;
	StateHeader *h;
	bool		calendar = fs->hdr.window == STATE_TRAILING && fs->calendar;

	if (fs->hdr.window == STATE_TRAILING)
	{
		if (StateQueueSize(&fs->q) > PG_INT32_MAX / 32 ||
			(calendar && fs->npoints > PG_INT32_MAX / 32))
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("too many points in one trailing window of a feature state")));
		n = (int32) StateQueueSize(&fs->q);
	}
	if (calendar)
	{
		/* keep the points after last_time - reach: no jump can bring back others */
		TimestampTz horizon = WindowHorizon(&fs->ww, fs->hdr.last_time);

		Assert(fs->npoints >= n);
		while (first < fs->npoints - n && fs->times[first] <= horizon)
			first++;
		nkept = fs->npoints - n - first;
	}
	/* a bytea holds at most 1 GB (a calendar window's 24 bytes a point) */
	if (StateSize(nkept + n, calendar) > MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many points in one trailing window of a feature state"),
				 errdetail("Its state would take %zu bytes, more than 1 GB.",
						   StateSize(nkept + n, calendar))));
	/* every byte is written below: palloc0 cleared megabytes for nothing */
	out = palloc(StateSize(nkept + n, calendar));
	SET_VARSIZE(out, StateSize(nkept + n, calendar));
	h = (StateHeader *) out;
	memcpy(h, &fs->hdr, sizeof(StateHeader));
	SET_VARSIZE(out, StateSize(nkept + n, calendar));
	h->nitems = n;
	h->front = 0;
	h->reserved = nkept;
	h->flags = (fs->hdr.flags & ~STATE_F_CALENDAR) | (calendar ? STATE_F_CALENDAR : 0);
	if (fs->hdr.window == STATE_TRAILING)
	{
		char	   *elems = (char *) out + sizeof(StateHeader);
		int32		all = nkept + n;

		h->front = (int32) Max(fs->q.split - fs->q.head, 0);
		if (calendar && all > 0)
		{
			memcpy(elems, fs->values + first, sizeof(float8) * nkept);
			/* the points before the window have no leave time: zero */
			memset(elems + (Size) all * sizeof(float8), 0, sizeof(int64) * nkept);
			memcpy(elems + (Size) all * 2 * sizeof(int64), fs->times + first, sizeof(int64) * all);
		}
		if (n > 0)
		{
			memcpy(elems + (Size) nkept * sizeof(float8), fs->q.value + fs->q.head, sizeof(float8) * n);
			memcpy(elems + ((Size) all + nkept) * sizeof(int64), fs->q.expiry + fs->q.head, sizeof(int64) * n);
		}
	}
	return out;
}

/* Pops what a trailing window has lost by time t (as window.c does). */
static void
StateExpire(FeatureState *fs, TimestampTz t)
{
	while (StateQueueSize(&fs->q) > 0 && fs->q.expiry[fs->q.head] <= t &&
		   fs->q.expiry[fs->q.head] != DT_NOEND)
		StateQueuePop(&fs->q);
}

/*
 * The jumps of t - width after the state's last point that can bring back
 * its kept points or those of more (points to come).  All of them, as
 * window.c has them: a leave time is found up to the next jump.
 */
static void
StateJumpsInit(FeatureState *fs, WindowJumps *wj, const Timeline *more)
{
	int32		nmore = more ? more->npoints : 0;
	TimestampTz *all;

	wj->at = NULL;
	wj->n = wj->next = 0;
	if (!fs->calendar || fs->npoints + nmore == 0)
		return;
	all = palloc_extended(sizeof(TimestampTz) * (1 + (int64) nmore), MCXT_ALLOC_HUGE);
	/* the kept points are all within reach of the last one */
	all[0] = fs->npoints > 0 ? fs->times[fs->npoints - 1] : TimelineTimes(more)[0];
	if (nmore > 0)
		memcpy(all + 1, TimelineTimes(more), sizeof(TimestampTz) * nmore);
	WindowJumpsInit(wj, &fs->ww, all, 1 + nmore, fs->hdr.last_time, DT_NOEND);
	pfree(all);
}

/*
 * window.c's TrailingRestart on the state's queue: the window at a jump c,
 * the kept points in (c - width, c], with their leave times in the segment
 * from c to until; the queue is rebuilt only when it holds fewer of them.
 */
static void
StateRestart(FeatureState *fs, TimestampTz c, TimestampTz until)
{
	StateQueue *q = &fs->q;
	int32		first = FirstInWindowAt(fs->times, 0, fs->npoints, &fs->ww, c);
	int64		members = fs->npoints - first;
	bool		rebuilt;
	int64		pos;
	TimestampTz leave = 0;

	Assert(members >= StateQueueSize(q));
	rebuilt = members > StateQueueSize(q);
	if (rebuilt)
		q->head = q->split = q->tail = 0;
	pos = q->head;
	for (int32 j = first; j < fs->npoints; j++)
	{
		/* later points leave later: once one stays, the rest do */
		if (leave != DT_NOEND)
			leave = LeaveTimeIn(&fs->ww, fs->times[j], c, until);
		if (rebuilt)
			StateQueuePush(q, fs->values[j], leave);
		else
			q->expiry[pos++] = leave;
	}
}

/*
 * Goes through the jumps up to t as window.c does: what leaves before a
 * jump leaves, then the window is made again at the jump.
 */
static void
StateJumpsUpTo(FeatureState *fs, WindowJumps *wj, TimestampTz t)
{
	while (wj->next < wj->n && wj->at[wj->next] <= t)
	{
		TimestampTz jump = wj->at[wj->next++];

		while (StateQueueSize(&fs->q) > 0 && fs->q.expiry[fs->q.head] < jump &&
			   fs->q.expiry[fs->q.head] != DT_NOEND)
			StateQueuePop(&fs->q);
		StateRestart(fs, jump, wj->next < wj->n ? wj->at[wj->next] : DT_NOEND);
	}
}

/* Rejects points that do not come after the state's last point. */
static void
CheckAfter(const FeatureState *fs, const Timeline *tl)
{
	if (tl != NULL && tl->npoints > 0 && fs->hdr.last_time != DT_NOBEGIN &&
		TimelineTimes(tl)[0] <= fs->hdr.last_time)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("points must come after the feature state's last point"),
				 errdetail("The first new point is at or before the last point the state holds."),
				 errhint("Rebuild the state from all the points when late points arrive.")));
}

/*
 * Returns a new, empty state for an aggregate over a lifetime window (width
 * NULL, since false), a trailing window (width) or a since window (since).
 */
Datum
timeline_state_new(PG_FUNCTION_ARGS)
{
	char	   *agg;
	FeatureState fs;
	int			kind = -1;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("aggregate must not be NULL")));
	agg = text_to_cstring(PG_GETARG_TEXT_PP(0));
	kind = WinKindFromName(agg);
	if (kind < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown aggregate: \"%s\"", agg),
				 errhint("Use one of count, count_if, sum, mean, min, max, first, last, var_samp, var_pop, stddev_samp, stddev_pop.")));

	memset(&fs, 0, sizeof(fs));
	fs.hdr.version = STATE_VERSION;
	fs.hdr.kind = (uint8) kind;
	fs.hdr.last_time = DT_NOBEGIN;
	fs.hdr.acc = AccEmpty();
	if (!PG_ARGISNULL(1))
	{
		if (!PG_ARGISNULL(2) && PG_GETARG_BOOL(2))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("a feature state has a width or a since window, not both")));
		fs.hdr.window = STATE_TRAILING;
		fs.hdr.width = *PG_GETARG_INTERVAL_P(1);
		WindowWidthInit(&fs.ww, &fs.hdr.width);		/* rejects widths <= 0 */
		fs.calendar = CalendarWidth(&fs.hdr.width);
	}
	else if (!PG_ARGISNULL(2) && PG_GETARG_BOOL(2))
		fs.hdr.window = STATE_SINCE;
	else
		fs.hdr.window = STATE_LIFETIME;
	PG_RETURN_BYTEA_P(StateStore(&fs));
}

/*
 * Returns the state advanced by the points of tl (NULL: none) and, for a
 * since window, of the reset timeline (NULL: none); every point must come
 * after the state's last point.
 */
Datum
timeline_state_advance(PG_FUNCTION_ARGS)
{
	bytea	   *raw;
	Timeline   *tl = PG_ARGISNULL(1) ? NULL : PG_GETARG_TIMELINE_P(1);
	Timeline   *reset = PG_ARGISNULL(2) ? NULL : PG_GETARG_TIMELINE_P(2);
	FeatureState fs;
	WinKind		kind;
	TimelineCursor c;
	bytea	   *out;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("feature state must not be NULL"),
				 errhint("Start from timeline.state_new(...).")));
	raw = PG_GETARG_BYTEA_P(0);
	StateLoad(&fs, raw, tl ? tl->npoints : 0);
	kind = (WinKind) fs.hdr.kind;
	CheckAfter(&fs, tl);
	CheckAfter(&fs, reset);
	if (reset != NULL && fs.hdr.window != STATE_SINCE)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("only a since window takes reset points")));

	if (fs.hdr.window == STATE_LIFETIME && tl != NULL)
	{
		/* window.c's AggregateLifetime */
		TimelineCursorInit(&c, tl);
		for (; !TimelineCursorDone(&c); TimelineCursorNext(&c))
			if (!TimelineCursorIsNull(&c))
			{
				WinAcc		one = AccOf(TimelineCursorValue(&c));

				fs.hdr.acc = AccCombine(kind, &fs.hdr.acc, &one);
			}
	}
	else if (fs.hdr.window == STATE_TRAILING && tl != NULL)
	{
		/* window.c's AggregateTrailing: jumps, expire, then push */
		WindowJumps wj;

		StateJumpsInit(&fs, &wj, tl);
		TimelineCursorInit(&c, tl);
		for (; !TimelineCursorDone(&c); TimelineCursorNext(&c))
		{
			TimestampTz now = TimelineCursorTime(&c);

			StateJumpsUpTo(&fs, &wj, now);
			StateExpire(&fs, now);
			if (!TimelineCursorIsNull(&c))
			{
				TimestampTz leave = LeaveTimeIn(&fs.ww, now, now,
												wj.next < wj.n ? wj.at[wj.next] : DT_NOEND);

				if (leave > now)	/* else not in the window even now */
					StateQueuePush(&fs.q, TimelineCursorValue(&c), leave);
				if (fs.calendar)
				{
					fs.times[fs.npoints] = now;
					fs.values[fs.npoints++] = TimelineCursorValue(&c);
				}
			}
		}
	}
	else if (fs.hdr.window == STATE_SINCE && (tl != NULL || reset != NULL))
	{
		/* window.c's AggregateSince with one period */
		Timeline   *inputs[2];
		TimelineMerge m;
		float8		r;

		inputs[0] = tl ? tl : TimelineEmpty(false);
		inputs[1] = reset ? reset : TimelineEmpty(false);
		TimelineMergeInit(&m, 2, inputs);

		/*
		 * A continuous reset whose last point, in an earlier call, was true
		 * still holds until its next point: window.c reads it as of, so it
		 * resets at each input point meanwhile.  Without this the result
		 * depended on where the points were split between calls.
		 */
		if ((fs.hdr.flags & STATE_F_RESET_HOLDS) &&
			(reset == NULL || reset->npoints == 0 || TimelineIsContinuous(reset)))
		{
			m.in[1].continuous = true;
			m.in[1].has_last = true;
			m.in[1].last_null = false;
			m.in[1].last_value = 1.0;
		}
		while (TimelineMergeNext(&m))
		{
			if ((fs.hdr.flags & STATE_F_RESET_PENDING) && m.time > fs.hdr.reset_time)
			{
				fs.hdr.acc = AccEmpty();
				fs.hdr.flags &= ~STATE_F_RESET_PENDING;
			}
			if (m.in[0].here && !m.in[0].last_null)
			{
				WinAcc		one = AccOf(m.in[0].last_value);

				fs.hdr.acc = AccCombine(kind, &fs.hdr.acc, &one);
			}
			if (MergeValue(&m.in[1], &r) && r != 0.0)
			{
				fs.hdr.flags |= STATE_F_RESET_PENDING;
				fs.hdr.reset_time = m.time;
			}
		}
		if (reset != NULL && reset->npoints > 0)
		{
			fs.hdr.flags &= ~STATE_F_RESET_HOLDS;
			if (TimelineIsContinuous(reset) && MergeValueAsOf(&m.in[1], &r) && r != 0.0)
				fs.hdr.flags |= STATE_F_RESET_HOLDS;
		}
	}

	if (tl != NULL && tl->npoints > 0)
		fs.hdr.last_time = Max(fs.hdr.last_time, TimelineTimes(tl)[tl->npoints - 1]);
	if (reset != NULL && reset->npoints > 0)
		fs.hdr.last_time = Max(fs.hdr.last_time, TimelineTimes(reset)[reset->npoints - 1]);
	out = StateStore(&fs);

	/*
	 * Give back the loaded state and the old value now, not at the end of
	 * the row: the next feature's state, read and written in the same row,
	 * then reuses memory already mapped instead of faulting in fresh pages
	 * (a few megabytes per busy state).
	 */
	StateFree(&fs);
	PG_FREE_IF_COPY(raw, 0);
	PG_RETURN_BYTEA_P(out);
}

/*
 * The feature's value at t, which must be at or after the state's last
 * point: what value_at(aggregate(all points), t) gives.  false for NULL.
 */
static bool
StateValueAt(bytea *raw, TimestampTz t, float8 *v)
{
	FeatureState fs;
	WinAcc		acc;

	StateLoad(&fs, raw, 0);
	if (fs.hdr.last_time != DT_NOBEGIN && t < fs.hdr.last_time)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot read a feature state before its last point"),
				 errdetail("The state holds points up to %s.", timestamptz_to_str(fs.hdr.last_time)),
				 errhint("Compute values at earlier times from the source, with timeline.create_training_set.")));
	if (fs.hdr.window == STATE_TRAILING)
	{
		WindowJumps wj;

		StateJumpsInit(&fs, &wj, NULL);
		StateJumpsUpTo(&fs, &wj, t);
		StateExpire(&fs, t);
		acc = StateQueueTotal(&fs.q, (WinKind) fs.hdr.kind);
	}
	else
		acc = fs.hdr.acc;		/* a pending reset shows from the next point on */
	StateFree(&fs);				/* for the next feature of the row */
	return AccResult((WinKind) fs.hdr.kind, &acc, v);
}

/* state_value_at(state, t): in the session's time zone. */
Datum
timeline_state_value_at(PG_FUNCTION_ARGS)
{
	bytea	   *raw = PG_GETARG_BYTEA_P(0);
	float8		v = 0;
	bool		found = StateValueAt(raw, PG_GETARG_TIMESTAMPTZ(1), &v);

	PG_FREE_IF_COPY(raw, 0);
	if (!found)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(v);
}

/*
 * The value at t of a state (detoasted) advanced in zone tz: what
 * state_value_at(state, t, zone) gives, false for NULL.  The session's zone
 * is swapped for the call: the calendar arithmetic of window_width.c reads
 * it, as PostgreSQL's does.  Also the direct read of state_read.c.
 */
bool
FeatureStateValueAt(bytea *raw, TimestampTz t, pg_tz *tz, float8 *v)
{
	pg_tz	   *session = session_timezone;
	bool		found = false;

	session_timezone = tz;
	PG_TRY();
	{
		found = StateValueAt(raw, t, v);
	}
	PG_FINALLY();
	{
		session_timezone = session;
	}
	PG_END_TRY();
	return found;
}

/*
 * state_value_at(state, t, time_zone): in the given zone, the one the
 * state was advanced in (a materialized feature set's), whatever the
 * session's.
 */
Datum
timeline_state_value_at_zone(PG_FUNCTION_ARGS)
{
	char	   *zone = text_to_cstring(PG_GETARG_TEXT_PP(2));
	pg_tz	   *tz = pg_tzset(zone);
	bytea	   *raw = PG_GETARG_BYTEA_P(0);
	float8		v = 0;
	bool		found;

	if (tz == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("time zone \"%s\" not recognized", zone)));
	found = FeatureStateValueAt(raw, PG_GETARG_TIMESTAMPTZ(1), tz, &v);
	PG_FREE_IF_COPY(raw, 0);
	if (!found)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(v);
}

/* Returns the time of the state's last point, or NULL if it has none. */
Datum
timeline_state_last_time(PG_FUNCTION_ARGS)
{
	bytea	   *raw = PG_GETARG_BYTEA_P(0);
	FeatureState fs;

	StateLoad(&fs, raw, 0);
	if (fs.hdr.last_time == DT_NOBEGIN)
		PG_RETURN_NULL();
	PG_RETURN_TIMESTAMPTZ(fs.hdr.last_time);
}
