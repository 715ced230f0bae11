/*-------------------------------------------------------------------------
 *
 * shift.c
 *	  Moving values in time, forward only (SEMANTICS.md s4, s6): shift_by,
 *	  shift_until, shift_to, and the look-back operators lag and
 *	  seconds_since_previous.
 *
 * No operation here reads a value positioned after the position it answers
 * for: shifts only move points later, lag looks at earlier points only.
 * Shifted points keep their relative order; points that land on one
 * instant are numbered in that order (their seqs become ranks, or stay the
 * original seqs where those remain increasing).  Results of shifts are
 * discrete; lag is continuous; seconds_since_previous is discrete.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "common/int.h"

#include "utils/fmgrprotos.h"

#include "timeline.h"

PG_FUNCTION_INFO_V1(timeline_shift_by);
PG_FUNCTION_INFO_V1(timeline_shift_until);
PG_FUNCTION_INFO_V1(timeline_shift_to);
PG_FUNCTION_INFO_V1(timeline_lag);
PG_FUNCTION_INFO_V1(timeline_seconds_since_previous);

/* Reports an attempt to move a point backward in time. */
static pg_attribute_noreturn() void
ReportBackwardShift(const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("cannot shift a timeline backward in time"),
			 errdetail("%s", detail),
			 errhint("Shifts only move values later, so features never see the future.")));
}

/* Writes the seqs of the run at the top of the last instant (AppendShifted). */
static void
SettleShifted(TimelineBuilder *out, int32 *top)
{
	if (*top < 0)
		return;
	for (int32 k = *top; k < out->n; k++)
		out->seqs[k] = PG_INT64_MAX - (int64) (out->n - 1 - k);
	*top = -1;
}

/*
 * Appends a shifted point keeping the order of arrival: its seq is kept
 * while positions stay increasing, else it follows the previous point.
 * After a point with the last seq of its instant (a tick's), the new point
 * takes that seq and the points of the instant before it move down as far
 * as needed (two ticks shifted onto one instant across a change of UTC
 * offset, or by a month from the 30th and the 31st, failed with "too many
 * points land on one instant").
 *
 * Those points are then a run at the top of the instant, their seqs one
 * apart up to PG_INT64_MAX, and every later point of the instant moves the
 * whole run down by one.  Rewriting the run at each point took time
 * quadratic in the points landing there (40,000 points shifted by a month
 * onto a tick's instant: 0.5 s, ten times that for 4 times the points), so
 * the run is kept by where it starts, *top (-1 when there is none): the
 * seqs of its points from *top to the last but one are written once, by
 * SettleShifted, when a point of a later instant comes or the builder is
 * finished; the last point's seq, which the builder checks the next point
 * against, is always written.  The seqs written are those the rewriting
 * gave.
 */
static void
AppendShifted(TimelineBuilder *out, int32 *top, TimestampTz t, int64 seq, float8 value, bool isnull)
{
	if (out->n > 0 && out->times[out->n - 1] == t && seq <= out->seqs[out->n - 1])
	{
		if (out->seqs[out->n - 1] < PG_INT64_MAX)
			seq = out->seqs[out->n - 1] + 1;
		else
		{
			/*
			 * The run from *top moves down by one under the new point, to
			 * PG_INT64_MAX - (n - *top) at *top; a point before it joins it
			 * where its seq is that or higher, as the rewriting moved it.  A
			 * run holds fewer than 2^31 points, so seqs never pass
			 * PG_INT64_MIN.
			 */
			if (*top < 0)
				*top = out->n - 1;
			while (*top > 0 && out->times[*top - 1] == t &&
				   out->seqs[*top - 1] >= PG_INT64_MAX - (int64) (out->n - *top))
				(*top)--;
			out->seqs[out->n - 1] = PG_INT64_MAX - 1;
			seq = PG_INT64_MAX;
		}
	}
	else if (*top >= 0)
		SettleShifted(out, top);
	TimelineBuilderAppend(out, t, seq, value, isnull);
}

/* A shifted point of shift_by, before the points are put in time order. */
typedef struct ShiftedPoint
{
	TimestampTz time;
	int64		seq;
	int32		index;			/* position in the input */
	bool		isnull;
	float8		value;
} ShiftedPoint;

/* Orders shifted points by time, then by their order in the input. */
static inline int
ShiftedPointCmp(const ShiftedPoint *x, const ShiftedPoint *y)
{
	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* sort_shifted(): an interruptible sort of shifted points (sort template) */
#define ST_SORT sort_shifted
#define ST_ELEMENT_TYPE ShiftedPoint
#define ST_COMPARE(a, b) ShiftedPointCmp(a, b)
#define ST_CHECK_FOR_INTERRUPTS
#define ST_SCOPE static
#define ST_DECLARE
#define ST_DEFINE
#include "lib/sort_template.h"

/*
 * Moves every point to time + d (d >= 0), computed as SQL's timestamptz +
 * interval: days and months in the session's time zone.  Across a change
 * of UTC offset that is not order-preserving (with TimeZone America/New_York,
 * 01:59 EDT + 1 day lands after 01:00 EST + 1 day, which came later), so
 * the moved points are put in time order; points that land on one instant
 * keep their order.  Every point still moves later.
 */
Datum
timeline_shift_by(PG_FUNCTION_ARGS)
{
	Timeline   *tl = TimelineGetArgCached(fcinfo, 0);
	Interval   *d = PG_GETARG_INTERVAL_P(1);
	TimelineCursor c;
	TimelineBuilder out;
	int32		top = -1;
	ShiftedPoint *pts;
	int32		n = 0;
	bool		sorted = true;

	if (IntervalSign(d) < 0)
		ReportBackwardShift("The shift interval is negative.");

	pts = palloc_extended(sizeof(ShiftedPoint) * Max(tl->npoints, 1), MCXT_ALLOC_HUGE);
	TimelineCursorInit(&c, tl);
	for (; !TimelineCursorDone(&c); TimelineCursorNext(&c))
	{
		TimestampTz t = TimelineCursorTime(&c);
		TimestampTz moved = DatumGetTimestampTz(DirectFunctionCall2(timestamptz_pl_interval,
																	TimestampTzGetDatum(t),
																	IntervalPGetDatum(d)));

		if (moved < t)
			ReportBackwardShift("The shift interval moves some times backward (negative days or time with positive months).");
		if (n > 0 && moved < pts[n - 1].time)
			sorted = false;
		pts[n].time = moved;
		pts[n].seq = c.seq;
		pts[n].index = n;
		pts[n].value = TimelineCursorValue(&c);
		pts[n].isnull = TimelineCursorIsNull(&c);
		n++;
	}
	if (!sorted)
		sort_shifted(pts, n);
	TimelineBuilderInit(&out, true, ERRCODE_INTERNAL_ERROR, tl->npoints);
	for (int32 i = 0; i < n; i++)
		AppendShifted(&out, &top, pts[i].time, pts[i].seq, pts[i].value, pts[i].isnull);
	pfree(pts);
	SettleShifted(&out, &top);
	PG_RETURN_TIMELINE_P(TimelineBuilderFinishCanonical(&out, false));
}

/*
 * Holds each point until the first position at or after it where predicate
 * holds, and releases it there, at that position (time and seq), never
 * before it; points released together keep their order and take the
 * positions from there on (at a tick, the last position of its instant,
 * they take the last positions, ending at the tick's: after every ordinary
 * point of the instant).
 */
Datum
timeline_shift_until(PG_FUNCTION_ARGS)
{
	Timeline   *inputs[2] = {TimelineGetArgCached(fcinfo, 0), TimelineGetArgCached(fcinfo, 1)};
	Timeline   *tl = inputs[0];
	TimelineMerge m;
	TimelineBuilder out;
	int32		top = -1;
	float8	   *held_values = palloc_extended(sizeof(float8) * Max(tl->npoints, 1), MCXT_ALLOC_HUGE);
	bool	   *held_nulls = palloc_extended(sizeof(bool) * Max(tl->npoints, 1), MCXT_ALLOC_HUGE);
	int32		nheld = 0;

	TimelineMergeInit(&m, 2, inputs);
	TimelineBuilderInit(&out, true, ERRCODE_INTERNAL_ERROR, tl->npoints);
	while (TimelineMergeNext(&m))
	{
		float8		p;

		if (m.in[0].here)
		{
			held_values[nheld] = m.in[0].last_value;
			held_nulls[nheld] = m.in[0].last_null;
			nheld++;
		}
		if (nheld > 0 && MergeValue(&m.in[1], &p) && p != 0.0)
		{
			int64		first = Min(m.seq, PG_INT64_MAX - (int64) (nheld - 1));

			for (int32 i = 0; i < nheld; i++)
				AppendShifted(&out, &top, m.time, first + i, held_values[i], held_nulls[i]);
			nheld = 0;
		}
	}
	pfree(held_values);
	pfree(held_nulls);
	SettleShifted(&out, &top);
	PG_RETURN_TIMELINE_P(TimelineBuilderFinishCanonical(&out, false));
}

/*
 * Moves every point to the fixed time t; a point after t is an error.  The
 * points keep their order: the earlier ones come first, with seqs from 0,
 * then those already at t, their seqs moved up after them where needed
 * (AppendShifted), never before a position they had.
 */
Datum
timeline_shift_to(PG_FUNCTION_ARGS)
{
	Timeline   *tl = TimelineGetArgCached(fcinfo, 0);
	TimestampTz t = PG_GETARG_TIMESTAMPTZ(1);
	TimelineCursor c;
	TimelineBuilder out;
	int32		top = -1;

	CheckTimelineTime(t, ERRCODE_INVALID_PARAMETER_VALUE);
	if (tl->npoints > 0 && TimelineTimes(tl)[tl->npoints - 1] > t)
		ReportBackwardShift("The timeline has points after the target time.");
	TimelineCursorInit(&c, tl);
	TimelineBuilderInit(&out, true, ERRCODE_INTERNAL_ERROR, tl->npoints);
	for (; !TimelineCursorDone(&c); TimelineCursorNext(&c))
		AppendShifted(&out, &top, t, TimelineCursorTime(&c) == t ? c.seq : 0,
					  TimelineCursorValue(&c), TimelineCursorIsNull(&c));
	SettleShifted(&out, &top);
	PG_RETURN_TIMELINE_P(TimelineBuilderFinishCanonical(&out, false));
}

/* At every point, the n-th previous non-null value (continuous). */
Datum
timeline_lag(PG_FUNCTION_ARGS)
{
	Timeline   *tl = TimelineGetArgCached(fcinfo, 0);
	int32		n = PG_GETARG_INT32(1);
	TimelineCursor c;
	TimelineBuilder out;
	float8	   *ring;
	int64		seen = 0;

	if (n < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("lag must look back at least 1 value"),
				 errhint("Use lag(tl, 1) for the previous value.")));
	ring = palloc_extended(sizeof(float8) * Min(n, Max(tl->npoints, 1)), MCXT_ALLOC_HUGE);
	TimelineCursorInit(&c, tl);
	TimelineBuilderInit(&out, true, ERRCODE_INTERNAL_ERROR, tl->npoints);
	for (; !TimelineCursorDone(&c); TimelineCursorNext(&c))
	{
		int32		size = Min(n, Max(tl->npoints, 1));

		if (seen >= n)
			TimelineBuilderAppendOrdered(&out, TimelineCursorTime(&c), c.seq,
								  ring[(seen - n) % size], false);
		else
			TimelineBuilderAppendOrdered(&out, TimelineCursorTime(&c), c.seq, 0, true);
		if (!TimelineCursorIsNull(&c))
		{
			if (size >= n)
				ring[seen % size] = TimelineCursorValue(&c);
			seen++;
		}
	}
	pfree(ring);
	PG_RETURN_TIMELINE_P(TimelineBuilderFinishCanonical(&out, true));
}

/* At every point, seconds since the previous point; NULL at the first. */
Datum
timeline_seconds_since_previous(PG_FUNCTION_ARGS)
{
	Timeline   *tl = TimelineGetArgCached(fcinfo, 0);
	TimelineCursor c;
	TimelineBuilder out;

	TimelineCursorInit(&c, tl);
	TimelineBuilderInit(&out, true, ERRCODE_INTERNAL_ERROR, tl->npoints);
	for (; !TimelineCursorDone(&c); TimelineCursorNext(&c))
	{
		if (c.i == 0)
			TimelineBuilderAppendOrdered(&out, TimelineCursorTime(&c), c.seq, 0, true);
		else
		{
			int64		gap;

			/* the whole range of timestamps spans more than int64 holds */
			if (pg_sub_s64_overflow(c.times[c.i], c.times[c.i - 1], &gap))
				TimelineBuilderAppendOrdered(&out, TimelineCursorTime(&c), c.seq,
											 ((float8) c.times[c.i] - (float8) c.times[c.i - 1]) / USECS_PER_SEC,
											 false);
			else
				TimelineBuilderAppendOrdered(&out, TimelineCursorTime(&c), c.seq,
											 (float8) gap / USECS_PER_SEC, false);
		}
	}
	PG_RETURN_TIMELINE_P(TimelineBuilderFinishCanonical(&out, false));
}
