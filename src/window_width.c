/*-------------------------------------------------------------------------
 *
 * window_width.c
 *	  Where a trailing window (T - width, T] starts, when a point leaves it
 *	  and the instants where T - width moves back (SEMANTICS.md s3): the
 *	  fast path for fixed widths, PostgreSQL's calendar arithmetic in the
 *	  session's time zone for the others, and the search for the jumps it
 *	  makes around offset changes and clamped month ends.  window.c and
 *	  feature_state.c sweep windows with these.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "common/int.h"
#include "pgtime.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/fmgrprotos.h"
#include "utils/timestamp.h"

#include "timeline.h"

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

/* offsets and their changes are within this, with room to spare */
#define WIDTH_SLACK (2 * USECS_PER_DAY)

/* Prepares the width: rejects non-positive ones, picks the fast path. */
void
WindowWidthInit(WindowWidth *ww, Interval *width)
{
	long		gmtoff;

	CheckWindowWidth(width);
	ww->width = width;
	ww->fixed = false;
	/* an upper bound of T - (T - width), saturated */
	ww->reach = END_TIMESTAMP;
	{
		int64		m = (int64) Abs((int64) width->month) * 31 + Abs((int64) width->day);
		int64		r;

		if (m < END_TIMESTAMP / USECS_PER_DAY &&
			!pg_mul_s64_overflow(m, USECS_PER_DAY, &r) &&
			!pg_add_s64_overflow(r, width->time >= 0 ? width->time : -width->time, &r) &&
			!pg_add_s64_overflow(r, WIDTH_SLACK, &r) &&
			r < ww->reach)
			ww->reach = r;
	}
	if (width->month == 0 &&
		(width->day == 0 || pg_get_timezone_offset(session_timezone, &gmtoff)) &&
		!pg_mul_s64_overflow((int64) width->day, USECS_PER_DAY, &ww->usecs) &&
		!pg_add_s64_overflow(ww->usecs, width->time, &ww->usecs))
		ww->fixed = true;
}

/*
 * Where the window starts and when points leave it.
 *
 * A point at time p is in the window at T while T - width < p <= T, with
 * T - width as PostgreSQL computes it (SEMANTICS.md s3).  With the fast path
 * that is T minus a constant.  Otherwise it is calendar arithmetic in the
 * session's time zone: T to wall-clock time, minus the months (the day of
 * the month clamped), back to UTC, to wall-clock time again, minus the
 * days, back to UTC, minus the time part.  Each conversion to UTC moves a
 * wall time that falls in a daylight-saving gap forward to after it, and a
 * conversion to wall-clock time repeats an hour when clocks fall back, so
 * T - width can move back as T moves forward: around a change of offset a
 * point leaves the window and comes back into it an hour later
 * ('2024-03-11 03:15' - '1 day' is '2024-03-10 03:15' in New York, an hour
 * before '2024-03-11 02:59' - '1 day', which is '2024-03-10 03:59').
 *
 * Between the instants where it moves back (jumps) it is monotone, so the
 * window is swept as before within each such segment: a point's leave time
 * is found by bisection in the segment it is in.  At a jump the window is
 * rebuilt from the points in (jump - width, jump].  The jumps are found from
 * the zone's offset changes: where T itself crosses one (wall-clock time
 * repeats), and where the wall-clock time after a step reaches the end of a
 * gap; each candidate is kept only if T - width really moves back there.
 */

/* The least and greatest T - (T - part), part months or days, give or take offsets. */
static void
PartReach(const Interval *part, int64 *lo, int64 *hi)
{
	int64		dlo = (int64) part->month * (part->month >= 0 ? 28 : 31) + part->day;
	int64		dhi = (int64) part->month * (part->month >= 0 ? 31 : 28) + part->day;

	*lo = dlo * USECS_PER_DAY - WIDTH_SLACK;
	*hi = dhi * USECS_PER_DAY + WIDTH_SLACK;
}

/* T - part, one step of timestamptz - interval: months only or days only. */
static inline TimestampTz
StepMinus(TimestampTz t, const Interval *part)
{
	return DatumGetTimestampTz(DirectFunctionCall2(timestamptz_mi_interval,
												   TimestampTzGetDatum(t),
												   IntervalPGetDatum(part)));
}

/* The wall-clock time of T in the session's zone, minus part. */
static inline Timestamp
WallMinus(TimestampTz t, const Interval *part)
{
	Datum		wall = DirectFunctionCall1(timestamptz_timestamp, TimestampTzGetDatum(t));

	return DatumGetTimestamp(DirectFunctionCall2(timestamp_mi_interval, wall,
												 IntervalPGetDatum(part)));
}

/*
 * T - width, or DT_NOBEGIN when that is before the timestamp range (every
 * point is after it).  Near the start of the range, where no zone has
 * offset changes, it is computed 400 years (a whole Gregorian cycle) later
 * and moved back, which leaves calendar arithmetic unchanged.
 */
TimestampTz
WindowStart(const WindowWidth *ww, TimestampTz t)
{
	TimestampTz r;
	int64		shift = 0;

	if (ww->fixed)
	{
		if (pg_sub_s64_overflow(t, ww->usecs, &r) || !IS_VALID_TIMESTAMP(r))
			return DT_NOBEGIN;
		return r;
	}
	while (t + shift < MIN_TIMESTAMP + ww->reach)
	{
		shift += (int64) 146097 * USECS_PER_DAY;
		if (t + shift > END_TIMESTAMP - ww->reach)
			return DT_NOBEGIN;	/* a width of most of the range */
	}
	r = DatumGetTimestampTz(DirectFunctionCall2(timestamptz_mi_interval,
												TimestampTzGetDatum(t + shift),
												IntervalPGetDatum(ww->width)));
	r -= shift;
	return IS_VALID_TIMESTAMP(r) ? r : DT_NOBEGIN;
}

/*
 * The first instant T in [from, until) at which a point at time p has left
 * the window (T - width >= p), T - width being monotone there and the point
 * in the window at from unless from is p; DT_NOEND if it is still in just
 * before until (DT_NOEND: the end of the range).  p itself when the point
 * is not in the window even at its own time: T - width can be T or later
 * (in Pacific/Apia, which skipped 2011-12-30, '2011-12-31 00:30' - '1 day'
 * is that same instant; '1 mon -29 days' from a March day in a leap year).
 */
TimestampTz
LeaveTimeIn(const WindowWidth *ww, TimestampTz p, TimestampTz from, TimestampTz until)
{
	TimestampTz lo,
				hi;

	if (ww->fixed)
		return LeaveTime(ww, p);
	lo = Max(from, p);
	if (WindowStart(ww, lo) >= p)
		return lo;				/* not in the window even at its own time */
	/* T - width >= T - reach: hi is out if it is not past until */
	hi = (p < END_TIMESTAMP - ww->reach) ? p + ww->reach : END_TIMESTAMP - 1;
	if (until != DT_NOEND && until - 1 < hi)
		hi = until - 1;
	if (WindowStart(ww, hi) < p)
		return DT_NOEND;
	/* bracket closer to p + width when the segment allows it */
	if (hi - lo > 8 * USECS_PER_DAY && p < END_TIMESTAMP - ww->reach)
	{
		TimestampTz guess = DatumGetTimestampTz(DirectFunctionCall2(timestamptz_pl_interval,
																	TimestampTzGetDatum(p),
																	IntervalPGetDatum(ww->width)));

		if (guess - 4 * USECS_PER_DAY > lo && WindowStart(ww, guess - 4 * USECS_PER_DAY) < p)
			lo = guess - 4 * USECS_PER_DAY;
		if (guess + 4 * USECS_PER_DAY < hi && WindowStart(ww, guess + 4 * USECS_PER_DAY) >= p)
			hi = guess + 4 * USECS_PER_DAY;
	}
	while (hi - lo > 1)
	{
		TimestampTz mid = lo + (hi - lo) / 2;

		if (WindowStart(ww, mid) >= p)
			hi = mid;
		else
			lo = mid;
	}
	return hi;
}

/* An offset change of the session's zone: at, and the offsets either side. */
typedef struct ZoneChange
{
	TimestampTz at;
	long		before;
	long		after;
} ZoneChange;

/* The session zone's offset changes in (from, to]. */
static ZoneChange *
ZoneChangesIn(TimestampTz from, TimestampTz to, int *n)
{
	int			cap = 16;
	ZoneChange *zc = palloc(sizeof(ZoneChange) * cap);
	pg_time_t	t = timestamptz_to_time_t(from) - 1;

	*n = 0;
	for (;;)
	{
		long		before,
					after;
		int			bdst,
					adst;
		pg_time_t	boundary;
		TimestampTz at;

		if (pg_next_dst_boundary(&t, &before, &bdst, &boundary, &after, &adst,
								 session_timezone) != 1 || boundary <= t)
			break;
		t = boundary;
		at = time_t_to_timestamptz(boundary);
		if (at > to)
			break;
		if (at <= from || before == after)
			continue;
		if (*n == cap)
		{
			cap *= 2;
			zc = repalloc(zc, sizeof(ZoneChange) * cap);
		}
		zc[*n].at = at;
		zc[*n].before = before;
		zc[*n].after = after;
		(*n)++;
	}
	return zc;
}

/* A growable sorted list of instants. */
typedef struct Instants
{
	TimestampTz *at;
	int			n;
	int			cap;
} Instants;

static void
InstantsAdd(Instants *in, TimestampTz t)
{
	if (in->n == in->cap)
	{
		in->cap = Max(16, in->cap * 2);
		in->at = in->at ? repalloc(in->at, sizeof(TimestampTz) * in->cap)
			: palloc(sizeof(TimestampTz) * in->cap);
	}
	in->at[in->n++] = t;
}

static int
CompareInstant(const void *a, const void *b)
{
	TimestampTz ta = *(const TimestampTz *) a;
	TimestampTz tb = *(const TimestampTz *) b;

	return (ta > tb) - (ta < tb);
}

/* Sorts the instants and drops duplicates. */
static void
InstantsSort(Instants *in)
{
	int			k = 0;

	if (in->n == 0)
		return;
	qsort(in->at, in->n, sizeof(TimestampTz), CompareInstant);
	for (int i = 1; i < in->n; i++)
		if (in->at[i] != in->at[k])
			in->at[++k] = in->at[i];
	in->n = k + 1;
}

/* The wall-clock time of T in the session's zone. */
static inline Timestamp
Wall(TimestampTz t)
{
	return DatumGetTimestamp(DirectFunctionCall1(timestamptz_timestamp, TimestampTzGetDatum(t)));
}

/* A function of T that ReachesIn searches. */
typedef int64 (*StepValue) (TimestampTz t, const Interval *part);

/* T - part, one step of timestamptz - interval. */
static int64
StepMinusValue(TimestampTz t, const Interval *part)
{
	return StepMinus(t, part);
}

/* The wall-clock time of T minus part; part NULL: the wall-clock time itself. */
static int64
WallValue(TimestampTz t, const Interval *part)
{
	return part ? WallMinus(t, part) : Wall(t);
}

/*
 * Adds to out the first T of each piece of [a, b] (pieces end before the
 * instants of splits, sorted) at which value(T, part) reaches goal; value
 * is monotone non-decreasing within each piece.
 */
static void
ReachesIn(StepValue value, const Interval *part, int64 goal, TimestampTz a, TimestampTz b,
		  const Instants *splits, Instants *out)
{
	int			r = 0;

	while (r < splits->n && splits->at[r] <= a)
		r++;
	while (a <= b)
	{
		TimestampTz pend = (r < splits->n && splits->at[r] <= b) ? splits->at[r] - 1 : b;
		TimestampTz lo = a,
					hi = pend;

		if (value(lo, part) < goal && value(hi, part) >= goal)
		{
			/* below goal at lo, reaching it at hi: bisect */
			while (hi - lo > 1)
			{
				TimestampTz mid = lo + (hi - lo) / 2;

				if (value(mid, part) >= goal)
					hi = mid;
				else
					lo = mid;
			}
			InstantsAdd(out, hi);
		}
		a = pend + 1;
		r++;
	}
}

/*
 * Candidates for where one step, S(T) = T - part (months only or days
 * only), moves back, T in (from, to].  Its wall-clock time minus part moves
 * back where wall-clock time repeats (at offset changes that set clocks
 * back) and, for months, where the day of the month is clamped: from
 * '03-29 23:59' to '03-30 00:00' minus a month in a leap year goes from
 * '02-29 23:59' back to '02-29 00:00'.  Converting back to UTC moves back
 * where that wall time reaches the end of a gap.  So the candidates are
 * every offset change, every midnight that starts a clamped day, and in
 * each stretch between those where the wall time minus part reaches the end
 * of a gap.  Kept are those where S really moves back.
 */
static void
StepJumpsIn(const Interval *part, TimestampTz from, TimestampTz to, Instants *out)
{
	int64		rlo,
				rhi;
	int			n;
	ZoneChange *zc;
	Instants	splits = {NULL, 0, 0};
	Instants	cand = {NULL, 0, 0};

	PartReach(part, &rlo, &rhi);
	zc = ZoneChangesIn(from - Max(rhi, 0), to + Max(-rlo, 0), &n);
	for (int g = 0; g < n; g++)
		if (zc[g].after < zc[g].before)
			InstantsAdd(&splits, zc[g].at);
	if (part->month != 0)
	{
		/* midnights that start a day clamped by the months step */
		Timestamp	wfrom = Wall(from) - USECS_PER_DAY;
		Timestamp	wto = Wall(to) + USECS_PER_DAY;
		int			y,
					m,
					d,
					jto;
		Instants	fallbacks = splits;

		fallbacks.at = splits.n ? palloc(sizeof(TimestampTz) * splits.n) : NULL;
		if (splits.n)
			memcpy(fallbacks.at, splits.at, sizeof(TimestampTz) * splits.n);
		j2date((int) (wfrom / USECS_PER_DAY) + POSTGRES_EPOCH_JDATE - (wfrom < 0), &y, &m, &d);
		jto = (int) (wto / USECS_PER_DAY) + POSTGRES_EPOCH_JDATE;
		while (date2j(y, m, 1) <= jto)
		{
			int			ty = y,
						tm = m - part->month % 12;
			int			len,
						tlen;

			ty -= part->month / 12;
			if (tm < 1)
			{
				tm += 12;
				ty--;
			}
			else if (tm > 12)
			{
				tm -= 12;
				ty++;
			}
			len = day_tab[isleap(y)][m - 1];
			tlen = day_tab[isleap(ty)][tm - 1];
			for (d = tlen + 1; d <= len; d++)
			{
				Timestamp	midnight = (Timestamp) (date2j(y, m, d) - POSTGRES_EPOCH_JDATE) * USECS_PER_DAY;

				ReachesIn(WallValue, NULL, midnight, Max(from + 1, midnight - WIDTH_SLACK),
						  Min(to, midnight + WIDTH_SLACK), &fallbacks, &cand);
			}
			if (++m > 12)
			{
				m = 1;
				y++;
			}
		}
		for (int i = 0; i < cand.n; i++)
			InstantsAdd(&splits, cand.at[i]);
		InstantsSort(&splits);
	}
	for (int g = 0; g < n; g++)
	{
		if (zc[g].after < zc[g].before)
			InstantsAdd(&cand, zc[g].at);
		else
		{
			/* a gap ends at the wall time of the change */
			ReachesIn(WallValue, part, Wall(zc[g].at), Max(from + 1, zc[g].at + rlo),
					  Min(to, zc[g].at + rhi), &splits, &cand);
			InstantsAdd(&cand, zc[g].at);
		}
	}
	for (int i = 0; i < cand.n; i++)
		if (cand.at[i] > from && cand.at[i] <= to &&
			StepMinus(cand.at[i], part) < StepMinus(cand.at[i] - 1, part))
			InstantsAdd(out, cand.at[i]);
	pfree(zc);
}

/*
 * The jumps of T - width for T in (from, to]: of the months step, and
 * where the months step reaches a jump of the days step; only those where
 * T - width itself moves back.
 */
static void
WidthJumpsIn(const WindowWidth *ww, TimestampTz from, TimestampTz to, Instants *out)
{
	Interval	months = {0, 0, ww->width->month};
	Interval	days = {0, ww->width->day, 0};
	Instants	cand = {NULL, 0, 0};

	from = Max(from, MIN_TIMESTAMP + ww->reach);
	to = Min(to, END_TIMESTAMP - WIDTH_SLACK);
	if (from >= to)
		return;
	if (months.month == 0 || days.day == 0)
		StepJumpsIn(months.month != 0 ? &months : &days, from, to, &cand);
	else
	{
		Instants	mj = {NULL, 0, 0};
		Instants	dj = {NULL, 0, 0};
		int64		rlo,
					rhi;

		PartReach(&months, &rlo, &rhi);
		StepJumpsIn(&months, from, to, &mj);
		InstantsSort(&mj);
		StepJumpsIn(&days, from - rhi, to - rlo, &dj);
		for (int i = 0; i < mj.n; i++)
			InstantsAdd(&cand, mj.at[i]);
		/* where the months step, monotone between its jumps, reaches a jump of the days step */
		for (int j = 0; j < dj.n; j++)
			ReachesIn(StepMinusValue, &months, dj.at[j], Max(from + 1, dj.at[j] + rlo),
					  Min(to, dj.at[j] + rhi), &mj, &cand);
	}
	for (int i = 0; i < cand.n; i++)
		if (WindowStart(ww, cand.at[i]) < WindowStart(ww, cand.at[i] - 1))
			InstantsAdd(out, cand.at[i]);
}

/*
 * The jumps of T - width in (after, upto] that can bring back a point of
 * times[0 .. n) (in order): within reach of a point.  None for the fast
 * path.
 */
void
WindowJumpsInit(WindowJumps *wj, const WindowWidth *ww, const TimestampTz *times, int32 n,
				TimestampTz after, TimestampTz upto)
{
	Instants	in = {NULL, 0, 0};
	int32		i = 0;

	wj->at = NULL;
	wj->n = wj->next = 0;
	if (ww->fixed)
		return;
	while (i < n)
	{
		TimestampTz from = times[i];
		TimestampTz to = (times[i] < END_TIMESTAMP - ww->reach) ? times[i] + ww->reach : END_TIMESTAMP;

		for (i++; i < n && times[i] <= to; i++)
			to = (times[i] < END_TIMESTAMP - ww->reach) ? times[i] + ww->reach : END_TIMESTAMP;
		from = Max(from, after);
		to = Min(to, upto);
		if (from < to)
			WidthJumpsIn(ww, from, to, &in);
	}
	InstantsSort(&in);
	wj->at = in.at;
	wj->n = in.n;
}

