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

/*
 * Appends a shifted point keeping the order of arrival: its seq is kept
 * while positions stay increasing, else it follows the previous point.
 */
static void
AppendShifted(TimelineBuilder *out, TimestampTz t, int64 seq, float8 value, bool isnull)
{
	if (out->n > 0 && out->times[out->n - 1] == t && seq <= out->seqs[out->n - 1])
	{
		if (out->seqs[out->n - 1] == PG_INT64_MAX)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("too many points land on one instant")));
		seq = out->seqs[out->n - 1] + 1;
	}
	TimelineBuilderAppend(out, t, seq, value, isnull);
}

/* Moves every point to time + d (d >= 0). */
Datum
timeline_shift_by(PG_FUNCTION_ARGS)
{
	Timeline   *tl = TimelineGetArgCached(fcinfo, 0);
	Interval   *d = PG_GETARG_INTERVAL_P(1);
	TimelineCursor c;
	TimelineBuilder out;

	if (IntervalSign(d) < 0)
		ReportBackwardShift("The shift interval is negative.");

	TimelineCursorInit(&c, tl);
	TimelineBuilderInit(&out, true, ERRCODE_INTERNAL_ERROR, tl->npoints);
	for (; !TimelineCursorDone(&c); TimelineCursorNext(&c))
	{
		TimestampTz t = TimelineCursorTime(&c);
		TimestampTz moved = DatumGetTimestampTz(DirectFunctionCall2(timestamptz_pl_interval,
																	TimestampTzGetDatum(t),
																	IntervalPGetDatum(d)));

		if (moved < t)
			ReportBackwardShift("The shift interval moves some times backward (negative days or time with positive months).");
		AppendShifted(&out, moved, c.seq, TimelineCursorValue(&c), TimelineCursorIsNull(&c));
	}
	PG_RETURN_TIMELINE_P(TimelineBuilderFinishCanonical(&out, false));
}

/*
 * Holds each point until the first position at or after it where predicate
 * holds, and releases it there; points released together keep their order.
 */
Datum
timeline_shift_until(PG_FUNCTION_ARGS)
{
	Timeline   *inputs[2] = {TimelineGetArgCached(fcinfo, 0), TimelineGetArgCached(fcinfo, 1)};
	Timeline   *tl = inputs[0];
	TimelineMerge m;
	TimelineBuilder out;
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
			for (int32 i = 0; i < nheld; i++)
				AppendShifted(&out, m.time, 0, held_values[i], held_nulls[i]);
			nheld = 0;
		}
	}
	pfree(held_values);
	pfree(held_nulls);
	PG_RETURN_TIMELINE_P(TimelineBuilderFinishCanonical(&out, false));
}

/* Moves every point to the fixed time t; a point after t is an error. */
Datum
timeline_shift_to(PG_FUNCTION_ARGS)
{
	Timeline   *tl = TimelineGetArgCached(fcinfo, 0);
	TimestampTz t = PG_GETARG_TIMESTAMPTZ(1);
	TimelineCursor c;
	TimelineBuilder out;

	CheckTimelineTime(t, ERRCODE_INVALID_PARAMETER_VALUE);
	if (tl->npoints > 0 && TimelineTimes(tl)[tl->npoints - 1] > t)
		ReportBackwardShift("The timeline has points after the target time.");
	TimelineCursorInit(&c, tl);
	TimelineBuilderInit(&out, true, ERRCODE_INTERNAL_ERROR, tl->npoints);
	for (; !TimelineCursorDone(&c); TimelineCursorNext(&c))
		AppendShifted(&out, t, 0, TimelineCursorValue(&c), TimelineCursorIsNull(&c));
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
			TimelineBuilderAppendOrdered(&out, TimelineCursorTime(&c), c.seq,
								  (float8) (c.times[c.i] - c.times[c.i - 1]) / USECS_PER_SEC,
								  false);
	}
	PG_RETURN_TIMELINE_P(TimelineBuilderFinishCanonical(&out, false));
}
