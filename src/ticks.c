/*-------------------------------------------------------------------------
 *
 * ticks.c
 *	  ticks(from, to, step [, origin]): a discrete timeline of 1s at the
 *	  boundaries origin + n * step within [from, to] (SEMANTICS.md s4).
 *
 * Fixed steps (days and time, no months) align like date_bin: a day is 24
 * hours, arithmetic in microseconds, so the result is the same in every
 * time zone.  Calendar steps (months and years only) align like date_trunc
 * in UTC: origin plus n months on the UTC calendar, the day clamped to the
 * month's end as timestamptz + interval does.  The default origin is
 * 2000-01-01 00:00:00 UTC.  Each tick sits after every other point of its
 * instant (seq TL_SEQ_AFTER_ALL), so a reset or observation at a tick sees
 * every event of that instant.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "common/int.h"
#include "utils/datetime.h"

#include "timeline.h"

PG_FUNCTION_INFO_V1(timeline_ticks);

/* Reports a step that is not usable. */
static pg_attribute_noreturn() void
ReportBadStep(const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid tick step"),
			 errdetail("%s", detail),
			 errhint("Use a positive fixed step such as '1 hour' or '7 days', or a whole number of months such as '1 month'.")));
}

/*
 * Returns origin + months on the UTC calendar; DT_NOEND past the end of
 * the timestamp range, DT_NOBEGIN before its start (no tick there).
 */
static TimestampTz
AddMonthsUTC(TimestampTz origin, int64 months)
{
	struct pg_tm tt;
	fsec_t		fsec;
	TimestampTz result;
	int64		m;

	if (timestamp2tm(origin, NULL, &tt, &fsec, NULL, NULL) != 0)
		ereport(ERROR, (errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
						errmsg("timestamp out of range")));
	m = (int64) tt.tm_year * 12 + (tt.tm_mon - 1) + months;
	if (m < -12 * 5000 || m > 12 * (int64) 300000)
		return m < 0 ? DT_NOBEGIN : DT_NOEND;
	tt.tm_year = (int) (m >= 0 ? m / 12 : -((-m + 11) / 12));
	tt.tm_mon = (int) (m - (int64) tt.tm_year * 12) + 1;
	if (tt.tm_mday > day_tab[isleap(tt.tm_year)][tt.tm_mon - 1])
		tt.tm_mday = day_tab[isleap(tt.tm_year)][tt.tm_mon - 1];
	if (tm2timestamp(&tt, fsec, NULL, &result) != 0 || !IS_VALID_TIMESTAMP(result))
		return m < 0 ? DT_NOBEGIN : DT_NOEND;
	return result;
}

/* Appends one tick, enforcing the size limit. */
static inline void
AppendTick(TimelineBuilder *out, TimestampTz t)
{
	TimelineBuilderAppend(out, t, TL_SEQ_AFTER_ALL, 1.0, false);
}

/* Returns the ticks at origin + n * step within [from, to]. */
Datum
timeline_ticks(PG_FUNCTION_ARGS)
{
	TimestampTz from = PG_GETARG_TIMESTAMPTZ(0);
	TimestampTz to = PG_GETARG_TIMESTAMPTZ(1);
	Interval   *step = PG_GETARG_INTERVAL_P(2);
	TimestampTz origin = PG_NARGS() > 3 ? PG_GETARG_TIMESTAMPTZ(3) : 0;	/* 2000-01-01 UTC */
	TimelineBuilder out;

	CheckTimelineTime(from, ERRCODE_INVALID_PARAMETER_VALUE);
	CheckTimelineTime(to, ERRCODE_INVALID_PARAMETER_VALUE);
	CheckTimelineTime(origin, ERRCODE_INVALID_PARAMETER_VALUE);
	TimelineBuilderInit(&out, true, ERRCODE_INTERNAL_ERROR, 8);

	if (step->month != 0)
	{
		int64		n;

		if (step->day != 0 || step->time != 0)
			ReportBadStep("A step cannot mix months with days or time.");
		if (step->month < 0)
			ReportBadStep("The step is negative.");
		if (from <= to)
		{
			/* start a little before from and walk forward */
			struct pg_tm a,
						b;
			fsec_t		fa,
						fb;

			if (timestamp2tm(origin, NULL, &a, &fa, NULL, NULL) != 0 ||
				timestamp2tm(from, NULL, &b, &fb, NULL, NULL) != 0)
				ereport(ERROR, (errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
								errmsg("timestamp out of range")));
			n = (((int64) b.tm_year * 12 + b.tm_mon) - ((int64) a.tm_year * 12 + a.tm_mon)) / step->month - 1;
			while (AddMonthsUTC(origin, n * step->month) >= from)
				n--;
			for (;; n++)
			{
				TimestampTz t = AddMonthsUTC(origin, n * step->month);

				CHECK_FOR_INTERRUPTS();
				if (t > to)
					break;
				if (t >= from)
				{
					CheckPointCount((int64) out.n + 1);
					AppendTick(&out, t);
				}
			}
		}
	}
	else
	{
		int64		usecs;
		int64		k;
		TimestampTz t;

		if (pg_mul_s64_overflow((int64) step->day, USECS_PER_DAY, &usecs) ||
			pg_add_s64_overflow(usecs, step->time, &usecs))
			ReportBadStep("The step is too large.");
		if (usecs <= 0)
			ReportBadStep("The step is not positive.");
		if (from <= to)
		{
			/* first boundary at or after from: origin + ceil((from - origin) / step) * step */
			int128		diff = (int128) from - origin;
			int128		q = diff / usecs;
			int128		first;

			if (diff % usecs != 0 && diff > 0)
				q += 1;
			first = (int128) origin + q * usecs;
			if (((int128) to - first) / usecs + 1 > TL_MAX_POINTS)
				CheckPointCount((int64) (((int128) to - first) / usecs + 1));
			for (k = 0;; k++)
			{
				int128		tt = first + (int128) k * usecs;

				CHECK_FOR_INTERRUPTS();
				if (tt > to)
					break;
				t = (TimestampTz) tt;
				AppendTick(&out, t);
			}
		}
	}
	PG_RETURN_TIMELINE_P(TimelineBuilderFinish(&out, false));
}
