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
 * stores only each element's value and expiry plus the split, and rebuilds
 * the same accumulators, with the same floating-point operations, on load.
 *
 * Stored as bytea (a format of our own, validated on every load):
 *
 *	  int32   vl_len_
 *	  uint16  version       STATE_VERSION
 *	  uint8   kind          WinKind
 *	  uint8   window        STATE_LIFETIME, STATE_TRAILING or STATE_SINCE
 *	  int32   nitems        trailing: elements in the window
 *	  int32   front         trailing: elements of the front part (<= nitems)
 *	  int32   flags         STATE_F_RESET_PENDING
 *	  int32   reserved      zero
 *	  int64   last_time     time of the last point consumed; DT_NOBEGIN if none
 *	  int64   reset_time    since: time of the pending reset
 *	  Interval width        trailing: the window width
 *	  WinAcc  acc           lifetime: running total; since: current period
 *	  float8  values[nitems]
 *	  int64   expiry[nitems]
 *
 * Points must arrive strictly after last_time: a late point changes what the
 * window held when, so the caller rebuilds the state from the source then.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "common/int.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"

#include "timeline.h"

PG_FUNCTION_INFO_V1(timeline_state_new);
PG_FUNCTION_INFO_V1(timeline_state_advance);
PG_FUNCTION_INFO_V1(timeline_state_value_at);
PG_FUNCTION_INFO_V1(timeline_state_last_time);

#define STATE_VERSION			1
#define STATE_LIFETIME			0
#define STATE_TRAILING			1
#define STATE_SINCE				2
#define STATE_F_RESET_PENDING	0x0001

typedef struct StateHeader
{
	int32		vl_len_;
	uint16		version;
	uint8		kind;
	uint8		window;
	int32		nitems;
	int32		front;
	int32		flags;
	int32		reserved;
	int64		last_time;
	int64		reset_time;
	Interval	width;
	WinAcc		acc;
	/* float8 values[nitems], int64 expiry[nitems] follow */
} StateHeader;

/* A loaded state: the header, and for trailing windows a live queue. */
typedef struct FeatureState
{
	StateHeader hdr;
	AccQueue	q;
	WindowWidth ww;
} FeatureState;

/* Reports a malformed state. */
static void
RejectState(const char *why)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATA_CORRUPTED),
			 errmsg("invalid feature state: %s", why),
			 errhint("Feature states are written by timeline.state_new and timeline.state_advance; rebuild it with timeline.refresh or timeline.materialize.")));
}

/* Returns the size of a state with n trailing elements. */
static Size
StateSize(int32 n)
{
	return sizeof(StateHeader) + (Size) n * (sizeof(float8) + sizeof(int64));
}

/*
 * Loads a state: validates the bytes and, for a trailing window, rebuilds
 * the queue exactly as window.c had it, with room for extra more elements.
 */
static void
StateLoad(FeatureState *fs, bytea *raw, int64 extra)
{
	const char *elems = (const char *) raw + sizeof(StateHeader);

	if (VARSIZE_ANY_EXHDR(raw) + VARHDRSZ < sizeof(StateHeader) || VARATT_IS_SHORT(raw))
		RejectState("too short");
	memcpy(&fs->hdr, raw, sizeof(StateHeader));
	if (fs->hdr.version != STATE_VERSION)
		RejectState("unknown version");
	if (fs->hdr.kind > WK_STDDEV_POP || fs->hdr.window > STATE_SINCE ||
		fs->hdr.reserved != 0 || (fs->hdr.flags & ~STATE_F_RESET_PENDING) != 0)
		RejectState("unknown aggregate, window or flags");
	if (fs->hdr.nitems < 0 || fs->hdr.front < 0 || fs->hdr.front > fs->hdr.nitems ||
		(fs->hdr.window != STATE_TRAILING && fs->hdr.nitems != 0))
		RejectState("bad element counts");
	if (VARSIZE(raw) != StateSize(fs->hdr.nitems))
		RejectState("size does not match the element count");

	if (fs->hdr.window != STATE_TRAILING)
		return;
	WindowWidthInit(&fs->ww, &fs->hdr.width);
	AccQueueInit(&fs->q, (WinKind) fs->hdr.kind, (int64) fs->hdr.nitems + extra, true);
	/* memcpy: a bytea inside a tuple is only int-aligned */
	for (int32 i = 0; i < fs->hdr.nitems; i++)
	{
		float8		v;

		memcpy(&v, elems + i * sizeof(float8), sizeof(float8));
		fs->q.item[i] = AccOf(v);
		memcpy(&fs->q.expiry[i], elems + ((Size) fs->hdr.nitems + i) * sizeof(int64), sizeof(int64));
	}
	fs->q.head = 0;
	fs->q.tail = fs->hdr.nitems;
	fs->q.split = fs->hdr.front;
	/* front part: the suffixes of the last flip, over what is left of it */
	{
		WinAcc		acc = AccEmpty();

		for (int32 i = fs->hdr.front - 1; i >= 0; i--)
		{
			acc = AccCombine(fs->q.kind, &fs->q.item[i], &acc);
			fs->q.suffix[i] = acc;
		}
	}
	/* back part: everything pushed since, left to right */
	fs->q.back = AccEmpty();
	for (int32 i = fs->hdr.front; i < fs->hdr.nitems; i++)
		fs->q.back = AccCombine(fs->q.kind, &fs->q.back, &fs->q.item[i]);
}

/* Writes a state out as bytea. */
static bytea *
StateStore(FeatureState *fs)
{
	int32		n = 0;
	bytea	   *out;
	StateHeader *h;

	if (fs->hdr.window == STATE_TRAILING)
	{
		if (AccQueueSize(&fs->q) > PG_INT32_MAX / 32)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("too many points in one trailing window of a feature state")));
		n = (int32) AccQueueSize(&fs->q);
	}
	out = palloc0(StateSize(n));
	SET_VARSIZE(out, StateSize(n));
	h = (StateHeader *) out;
	memcpy(h, &fs->hdr, sizeof(StateHeader));
	SET_VARSIZE(out, StateSize(n));
	h->nitems = n;
	h->front = 0;
	if (fs->hdr.window == STATE_TRAILING)
	{
		char	   *elems = (char *) out + sizeof(StateHeader);

		h->front = (int32) Max(fs->q.split - fs->q.head, 0);
		for (int32 i = 0; i < n; i++)
		{
			/* an element's accumulator is AccOf(value): its value is sum */
			memcpy(elems + i * sizeof(float8), &fs->q.item[fs->q.head + i].sum, sizeof(float8));
			memcpy(elems + ((Size) n + i) * sizeof(int64), &fs->q.expiry[fs->q.head + i], sizeof(int64));
		}
	}
	return out;
}

/* Pops what a trailing window has lost by time t (as window.c does). */
static void
StateExpire(FeatureState *fs, TimestampTz t)
{
	while (AccQueueSize(&fs->q) > 0 && fs->q.expiry[fs->q.head] <= t &&
		   fs->q.expiry[fs->q.head] != DT_NOEND)
		AccQueuePop(&fs->q);
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
		AccQueueInit(&fs.q, (WinKind) kind, 1, true);
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
		/* window.c's AggregateTrailing: expire, then push */
		TimelineCursorInit(&c, tl);
		for (; !TimelineCursorDone(&c); TimelineCursorNext(&c))
		{
			TimestampTz now = TimelineCursorTime(&c);

			StateExpire(&fs, now);
			if (!TimelineCursorIsNull(&c))
			{
				WinAcc		one = AccOf(TimelineCursorValue(&c));

				AccQueuePush(&fs.q, &one, LeaveTime(&fs.ww, now));
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
	}

	if (tl != NULL && tl->npoints > 0)
		fs.hdr.last_time = Max(fs.hdr.last_time, TimelineTimes(tl)[tl->npoints - 1]);
	if (reset != NULL && reset->npoints > 0)
		fs.hdr.last_time = Max(fs.hdr.last_time, TimelineTimes(reset)[reset->npoints - 1]);
	PG_RETURN_BYTEA_P(StateStore(&fs));
}

/*
 * Returns the feature's value at t, which must be at or after the state's
 * last point: what value_at(aggregate(all points), t) gives.
 */
Datum
timeline_state_value_at(PG_FUNCTION_ARGS)
{
	bytea	   *raw = PG_GETARG_BYTEA_P(0);
	TimestampTz t = PG_GETARG_TIMESTAMPTZ(1);
	FeatureState fs;
	WinAcc		acc;
	float8		v = 0;

	StateLoad(&fs, raw, 0);
	if (fs.hdr.last_time != DT_NOBEGIN && t < fs.hdr.last_time)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot read a feature state before its last point"),
				 errdetail("The state holds points up to %s.", timestamptz_to_str(fs.hdr.last_time)),
				 errhint("Compute values at earlier times from the source, with timeline.create_training_set.")));
	if (fs.hdr.window == STATE_TRAILING)
	{
		StateExpire(&fs, t);
		acc = AccQueueTotal(&fs.q);
	}
	else
		acc = fs.hdr.acc;		/* a pending reset shows from the next point on */
	if (!AccResult((WinKind) fs.hdr.kind, &acc, &v))
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
