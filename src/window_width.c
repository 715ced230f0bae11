/*-------------------------------------------------------------------------
 *
 * window_width.c
 *	  Where a trailing window (T - width, T] starts, when a point leaves it
 *	  and the instants where T - width moves back (SEMANTICS.md s3): the
 *	  fast path for fixed widths, PostgreSQL's calendar arithmetic in the
 *	  session's time zone for the others, and the search for the jumps it
 *	  makes around offset changes and clamped month ends.  window.c,
 *	  window_read.c and feature_state.c sweep windows with these.
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

/*
 * Offsets and their changes are within this, with room to spare: a zone's
 * offsets span at most about 26 hours (Apia, from -11:26 to +14), and T -
 * width converts to wall-clock time and back twice.
 */
#define WIDTH_SLACK_DAYS 3
#define WIDTH_SLACK (WIDTH_SLACK_DAYS * USECS_PER_DAY)

/*
 * The least and greatest number of days in months consecutive months
 * (months >= 0).  Every 4800 months (400 years) have 146097 days; Y whole
 * years of the rest have 365 days each and 97 leap days per 400 years,
 * give or take 2 (checked over every start month of the 400-year cycle
 * and every length up to 4800 months); the months left have 28 to 31 days.
 * (Bounds of 365 and 366 days a year were 808 years apart at 295,000
 * years, and searches between them ran for minutes.)
 */
static inline void
MonthsDays(int64 months, int64 *lo, int64 *hi)
{
	int64		cycles = months / 4800 * 146097;
	int64		years = months % 4800 / MONTHS_PER_YEAR;
	int64		rest = months % MONTHS_PER_YEAR;

	*lo = Max(cycles + years * 365 + years * 97 / 400 - 2, months / MONTHS_PER_YEAR * 365) + rest * 28;
	*hi = Min(cycles + years * 365 + (years * 97 + 399) / 400 + 2, months / MONTHS_PER_YEAR * 366) + rest * 31;
}

/* The same for months of either sign: the least and greatest signed days. */
static inline void
SignedMonthsDays(int32 months, int64 *lo, int64 *hi)
{
	int64		mlo,
				mhi;

	MonthsDays(Abs((int64) months), &mlo, &mhi);
	*lo = months < 0 ? -mhi : mlo;
	*hi = months < 0 ? -mlo : mhi;
}

/*
 * days * USECS_PER_DAY + usec as a bound of a distance in time, upper or
 * lower.  The range is wider than int64 microseconds, so where that does
 * not fit, the bound is infinite on its side (PG_INT64_MAX for an upper
 * bound, PG_INT64_MIN for a lower one) and the nearest int64 on the other;
 * TimeAdd takes the infinite ones as such.
 */
static int64
BoundUsecs(int64 days, int64 usec, bool upper)
{
	int64		r;
	bool		positive;

	if (pg_mul_s64_overflow(days, USECS_PER_DAY, &r))
		positive = days > 0;
	else if (pg_add_s64_overflow(r, usec, &r))
		positive = usec > 0;
	else if (r != PG_INT64_MAX && r != PG_INT64_MIN)
		return r;
	else
		positive = r > 0;
	if (positive)
		return upper ? PG_INT64_MAX : PG_INT64_MAX - 1;
	return upper ? PG_INT64_MIN + 1 : PG_INT64_MIN;
}

/* t + d within the timestamp range [MIN_TIMESTAMP, END_TIMESTAMP - 1], d a bound */
static inline TimestampTz
TimeAdd(TimestampTz t, int64 d)
{
	TimestampTz r;

	if (d == PG_INT64_MAX)
		return END_TIMESTAMP - 1;
	if (d == PG_INT64_MIN)
		return MIN_TIMESTAMP;
	if (pg_add_s64_overflow(t, d, &r))
		r = (d > 0) ? PG_INT64_MAX : PG_INT64_MIN;
	return Max(Min(r, END_TIMESTAMP - 1), MIN_TIMESTAMP);
}

/* hi - lo for lo <= hi in the range, which can be wider than int64 */
static inline uint64
Span(TimestampTz lo, TimestampTz hi)
{
	return (uint64) hi - (uint64) lo;
}

/* t - d, as TimeAdd */
static inline TimestampTz
TimeSub(TimestampTz t, int64 d)
{
	if (d == PG_INT64_MAX)
		return MIN_TIMESTAMP;
	if (d == PG_INT64_MIN)
		return END_TIMESTAMP - 1;
	return TimeAdd(t, -d);
}

/* A function of T, monotone non-decreasing where it is searched. */
typedef int64 (*Monotone) (TimestampTz t, const void *arg);

/* The first T in (lo, hi] at which value(T, arg) reaches goal, given value(lo) < goal <= value(hi). */
static TimestampTz
FirstReaching(Monotone value, const void *arg, int64 goal, TimestampTz lo, TimestampTz hi)
{
	while (Span(lo, hi) > 1)
	{
		TimestampTz mid = lo + (int64) (Span(lo, hi) / 2);

		if (value(mid, arg) >= goal)
			hi = mid;
		else
			lo = mid;
	}
	return hi;
}

/* Prepares the width: rejects non-positive ones, picks the fast path. */
void
WindowWidthInit(WindowWidth *ww, Interval *width)
{
	long		gmtoff;

	CheckWindowWidth(width);
	ww->width = width;
	ww->fixed = false;
	/* an upper bound of |T - (T - width)| and of each step's distance */
	{
		int64		mlo,
					mhi;

		MonthsDays(Abs((int64) width->month), &mlo, &mhi);
		ww->reach = (width->time == PG_INT64_MIN) ? PG_INT64_MAX :
			BoundUsecs(mhi + Abs((int64) width->day) + WIDTH_SLACK_DAYS, Abs(width->time), true);
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

/* The least and greatest T - (T - iv), give or take offsets, as bounds (BoundUsecs). */
static void
WidthReach(const Interval *iv, int64 *lo, int64 *hi)
{
	int64		mlo,
				mhi;

	SignedMonthsDays(iv->month, &mlo, &mhi);
	*lo = BoundUsecs(mlo + iv->day - WIDTH_SLACK_DAYS, iv->time, false);
	*hi = BoundUsecs(mhi + iv->day + WIDTH_SLACK_DAYS, iv->time, true);
}

/*
 * t plus the least (upper: the greatest) T - (T - iv), as WidthReach
 * bounds it, within the range, or END_TIMESTAMP past it.  Computed in
 * whole days and microseconds: a distance past int64 microseconds (292,277
 * years) has only the largest int64 as its lower bound in WidthReach, and
 * near the start of the range t plus that lands thousands of years short
 * of t plus the distance, which made every search from an offset change
 * scan thousands of years.
 */
static TimestampTz
ReachFrom(TimestampTz t, const Interval *iv, bool upper)
{
	int64		mlo,
				mhi,
				days,
				usec;

	SignedMonthsDays(iv->month, &mlo, &mhi);
	days = (upper ? mhi + WIDTH_SLACK_DAYS : mlo - WIDTH_SLACK_DAYS) + iv->day;
	/* t as whole days and microseconds into the day, then plus the distance */
	days += t / USECS_PER_DAY + iv->time / USECS_PER_DAY;
	usec = t % USECS_PER_DAY + iv->time % USECS_PER_DAY;
	days += usec / USECS_PER_DAY;
	usec %= USECS_PER_DAY;
	if (days > END_TIMESTAMP / USECS_PER_DAY)
		return END_TIMESTAMP;
	if (days < MIN_TIMESTAMP / USECS_PER_DAY - 1)
		return MIN_TIMESTAMP;
	return Max(Min(days * USECS_PER_DAY + usec, END_TIMESTAMP), MIN_TIMESTAMP);
}

/*
 * Calendar arithmetic past the ends of the timestamp range.
 *
 * T - width for T near an end of the range can leave it in a step and come
 * back in the next (a width with negative months, or months and days of
 * opposite signs), and a width can be longer than the whole range, where
 * PostgreSQL reports 22008.  So T - width is computed here as PostgreSQL
 * does within the range, and continued beyond it: the proleptic Gregorian
 * calendar goes on, and the zone keeps the offsets it has at the ends of
 * the range, which repeat every 400 years (146097 days, a whole number of
 * weeks) beyond them: before the range no zone changes offset for
 * thousands of years, and after 2037 a zone's offsets follow its rules for
 * the future, which the time zone code repeats in 400-year cycles.  A
 * DayTime holds such an instant or wall-clock time as whole days since
 * 2000-01-01 and microseconds into the day, which int64 microseconds
 * cannot past the end of the range.
 */
typedef struct DayTime
{
	int64		day;
	int64		usec;			/* 0 <= usec < USECS_PER_DAY */
} DayTime;

#define CYCLE_DAYS INT64CONST(146097)	/* days in 400 Gregorian years */
/* days well within the range: the offsets at them are PostgreSQL's own */
#define FIRST_DAY (MIN_TIMESTAMP / USECS_PER_DAY + 2)
#define LAST_DAY (END_TIMESTAMP / USECS_PER_DAY - 2)

/* x moved by usec microseconds (any int64). */
static inline DayTime
DayTimeAdd(DayTime x, int64 usec)
{
	x.day += usec / USECS_PER_DAY;
	x.usec += usec % USECS_PER_DAY;
	if (x.usec < 0)
	{
		x.usec += USECS_PER_DAY;
		x.day--;
	}
	else if (x.usec >= USECS_PER_DAY)
	{
		x.usec -= USECS_PER_DAY;
		x.day++;
	}
	return x;
}

/* t (int64 microseconds) as a DayTime. */
static inline DayTime
DayTimeOf(int64 t)
{
	return DayTimeAdd((DayTime) {0, 0}, t);
}

/* x as int64 microseconds, DT_NOBEGIN or DT_NOEND where those cannot hold it. */
static inline int64
DayTimeValue(DayTime x)
{
	if (x.day < PG_INT64_MIN / USECS_PER_DAY)
		return DT_NOBEGIN;
	if (x.day >= PG_INT64_MAX / USECS_PER_DAY)
		return DT_NOEND;
	return x.day * USECS_PER_DAY + x.usec;
}

/* The days that move day by whole 400-year cycles to within [FIRST_DAY, LAST_DAY). */
static inline int64
CycleShift(int64 day)
{
	if (day < FIRST_DAY)
		return (FIRST_DAY - day + CYCLE_DAYS - 1) / CYCLE_DAYS * CYCLE_DAYS;
	if (day >= LAST_DAY)
		return -((day - LAST_DAY) / CYCLE_DAYS + 1) * CYCLE_DAYS;
	return 0;
}

/* Seconds east of UTC of the session's zone at instant x. */
static int64
ZoneOffsetAt(DayTime x)
{
	struct pg_tm tm;
	fsec_t		fsec;
	int			tz;

	if (timestamp2tm((x.day + CycleShift(x.day)) * USECS_PER_DAY + x.usec, &tz, &tm, &fsec,
					 NULL, NULL) != 0)
		elog(ERROR, "timestamp out of range in window arithmetic");
	return -tz;
}

/* The wall-clock time of instant x in the session's zone. */
static inline DayTime
ToWall(DayTime x)
{
	return DayTimeAdd(x, ZoneOffsetAt(x) * USECS_PER_SEC);
}

/* The instant of wall-clock time w, a time in a gap moved forward, as PostgreSQL does. */
static DayTime
FromWall(DayTime w)
{
	struct pg_tm tm = {0};
	int64		s = w.usec / USECS_PER_SEC;

	j2date((int) (w.day + CycleShift(w.day) + POSTGRES_EPOCH_JDATE),
		   &tm.tm_year, &tm.tm_mon, &tm.tm_mday);
	tm.tm_hour = (int) (s / SECS_PER_HOUR);
	tm.tm_min = (int) (s / SECS_PER_MINUTE % MINS_PER_HOUR);
	tm.tm_sec = (int) (s % SECS_PER_MINUTE);
	return DayTimeAdd(w, (int64) DetermineTimeZoneOffset(&tm, session_timezone) * USECS_PER_SEC);
}

/* Day (since 2000-01-01) minus months, the day of the month clamped as PostgreSQL does. */
static int64
DayMinusMonths(int64 day, int32 months)
{
	int64		cycles = day / CYCLE_DAYS - (day % CYCLE_DAYS < 0);
	int64		ym;
	int			y,
				m,
				d;

	/* the day moved into 2000 .. 2399, the cycles added back at the end */
	j2date((int) (day - cycles * CYCLE_DAYS + POSTGRES_EPOCH_JDATE), &y, &m, &d);
	ym = (int64) y * MONTHS_PER_YEAR + (m - 1) - months;
	cycles += ym / (400 * MONTHS_PER_YEAR) - (ym % (400 * MONTHS_PER_YEAR) < 0);
	ym -= (ym / (400 * MONTHS_PER_YEAR) - (ym % (400 * MONTHS_PER_YEAR) < 0)) * 400 * MONTHS_PER_YEAR;
	y = (int) (ym / MONTHS_PER_YEAR);
	m = (int) (ym % MONTHS_PER_YEAR) + 1;
	d = Min(d, day_tab[isleap(y)][m - 1]);
	return date2j(y, m, d) - POSTGRES_EPOCH_JDATE + cycles * CYCLE_DAYS;
}

/* T - iv as timestamptz - interval computes it, continued past the range. */
static DayTime
MinusCalendar(TimestampTz t, const Interval *iv)
{
	DayTime		x = DayTimeOf(t);

	if (iv->month != 0)
	{
		DayTime		w = ToWall(x);

		w.day = DayMinusMonths(w.day, iv->month);
		x = FromWall(w);
	}
	if (iv->day != 0)
	{
		DayTime		w = ToWall(x);

		w.day -= iv->day;
		x = FromWall(w);
	}
	/* minus the time part, in two halves: -INT64_MIN does not exist */
	x = DayTimeAdd(x, -(iv->time / 2));
	return DayTimeAdd(x, -(iv->time - iv->time / 2));
}

/* T - part, one step of timestamptz - interval (months only or days only), saturated. */
static inline TimestampTz
StepMinus(TimestampTz t, const Interval *part)
{
	return DayTimeValue(MinusCalendar(t, part));
}

/* The wall-clock time of T in the session's zone (T within the range). */
static inline Timestamp
Wall(TimestampTz t)
{
	return DayTimeValue(ToWall(DayTimeOf(t)));
}

/* The wall-clock time of T in the session's zone, minus part, saturated. */
static inline Timestamp
WallMinus(TimestampTz t, const Interval *part)
{
	DayTime		w = ToWall(DayTimeOf(t));

	if (part->month != 0)
		w.day = DayMinusMonths(w.day, part->month);
	w.day -= part->day;
	return DayTimeValue(DayTimeAdd(w, -part->time));
}

/* Whether no step of t - width or t + width can leave the range: PostgreSQL's own arithmetic serves. */
static inline bool
WithinReach(const WindowWidth *ww, TimestampTz t)
{
	return t >= MIN_TIMESTAMP + ww->reach && t <= END_TIMESTAMP - ww->reach;
}

/*
 * T - width: DT_NOBEGIN when that is before the timestamp range (every
 * point is after it), DT_NOEND when it is after it.  PostgreSQL's own
 * arithmetic where no step can leave the range, the calendar above near
 * its ends.
 */
TimestampTz
WindowStart(const WindowWidth *ww, TimestampTz t)
{
	TimestampTz r;

	if (ww->fixed)
	{
		if (pg_sub_s64_overflow(t, ww->usecs, &r))
			return ww->usecs > 0 ? DT_NOBEGIN : DT_NOEND;
		if (r < MIN_TIMESTAMP)
			return DT_NOBEGIN;
		return r >= END_TIMESTAMP ? DT_NOEND : r;
	}
	if (WithinReach(ww, t))
		return DatumGetTimestampTz(DirectFunctionCall2(timestamptz_mi_interval,
													   TimestampTzGetDatum(t),
													   IntervalPGetDatum(ww->width)));
	r = DayTimeValue(MinusCalendar(t, ww->width));
	return r < MIN_TIMESTAMP ? DT_NOBEGIN : r >= END_TIMESTAMP ? DT_NOEND : r;
}

/*
 * t - reach: no point at or before it is in the window at t or later;
 * DT_NOBEGIN where that is before the range.
 */
TimestampTz
WindowHorizon(const WindowWidth *ww, TimestampTz t)
{
	TimestampTz r = TimeSub(t, ww->reach);

	return r == MIN_TIMESTAMP ? DT_NOBEGIN : r;
}

/* T - width, as FirstReaching searches it. */
static int64
WindowStartValue(TimestampTz t, const void *ww)
{
	return WindowStart((const WindowWidth *) ww, t);
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
	hi = TimeAdd(p, ww->reach);
	if (until != DT_NOEND && until - 1 < hi)
		hi = until - 1;
	if (WindowStart(ww, hi) < p)
		return DT_NOEND;
	if (WithinReach(ww, p))
	{
		TimestampTz guess = DatumGetTimestampTz(DirectFunctionCall2(timestamptz_pl_interval,
																	TimestampTzGetDatum(p),
																	IntervalPGetDatum(ww->width)));

		/*
		 * Mostly p + width is the answer: the first T in (lo, hi] reaching p,
		 * T - width being monotone there.  Elsewhere (a clamped month end, an
		 * offset change) bracket closer to it before the bisection.
		 */
		if (guess > lo && guess <= hi && WindowStart(ww, guess) >= p &&
			WindowStart(ww, guess - 1) < p)
			return guess;
		if (Span(lo, hi) > 8 * USECS_PER_DAY)
		{
			if (guess - 4 * USECS_PER_DAY > lo && WindowStart(ww, guess - 4 * USECS_PER_DAY) < p)
				lo = guess - 4 * USECS_PER_DAY;
			if (guess + 4 * USECS_PER_DAY < hi && WindowStart(ww, guess + 4 * USECS_PER_DAY) >= p)
				hi = guess + 4 * USECS_PER_DAY;
		}
	}
	return FirstReaching(WindowStartValue, ww, p, lo, hi);
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

		CHECK_FOR_INTERRUPTS();
		if (pg_next_dst_boundary(&t, &before, &bdst, &boundary, &after, &adst,
								 session_timezone) != 1 || boundary <= t)
		{
			/*
			 * A zone's table of changes ends some centuries ahead (after it,
			 * the time zone code repeats its rules in 400-year cycles), and
			 * from the table's last change itself it reports none after;
			 * from a second later it does.  Found by a helper's fuzzing:
			 * St. John's changes after 2769-11-02 went missing.
			 */
			pg_time_t	next = t + 1;

			if (pg_next_dst_boundary(&next, &before, &bdst, &boundary, &after, &adst,
									 session_timezone) != 1 || boundary <= next)
				break;
		}
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

static inline int
CompareInstant(const TimestampTz *a, const TimestampTz *b)
{
	return (*a > *b) - (*a < *b);
}

/* sort_instants(): an interruptible sort of instants (sort template) */
#define ST_SORT sort_instants
#define ST_ELEMENT_TYPE TimestampTz
#define ST_COMPARE(a, b) CompareInstant(a, b)
#define ST_CHECK_FOR_INTERRUPTS
#define ST_SCOPE static
#define ST_DECLARE
#define ST_DEFINE
#include "lib/sort_template.h"

/* Sorts the instants and drops duplicates. */
static void
InstantsSort(Instants *in)
{
	int			k = 0;

	if (in->n == 0)
		return;
	sort_instants(in->at, in->n);
	for (int i = 1; i < in->n; i++)
		if (in->at[i] != in->at[k])
			in->at[++k] = in->at[i];
	in->n = k + 1;
}

/* T - part, one step of timestamptz - interval, as ReachesIn searches it. */
static int64
StepMinusValue(TimestampTz t, const void *part)
{
	return StepMinus(t, (const Interval *) part);
}

/* The wall-clock time of T minus part; part NULL: the wall-clock time itself. */
static int64
WallValue(TimestampTz t, const void *part)
{
	return part ? WallMinus(t, (const Interval *) part) : Wall(t);
}

/*
 * Adds to out the first T of each piece of [a, b] (pieces end before the
 * instants of splits, sorted) at which value(T, part) reaches goal; value
 * is monotone non-decreasing within each piece.
 */
static void
ReachesIn(Monotone value, const Interval *part, int64 goal, TimestampTz a, TimestampTz b,
		  const Instants *splits, Instants *out)
{
	int			lo = 0,
				hi = splits->n;
	int			r;

	/* the first split after a (callers make one call per jump of a zone) */
	while (lo < hi)
	{
		int			mid = lo + (hi - lo) / 2;

		if (splits->at[mid] <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	r = lo;
	while (a <= b)
	{
		TimestampTz pend = (r < splits->n && splits->at[r] <= b) ? splits->at[r] - 1 : b;

		CHECK_FOR_INTERRUPTS();

		/* below goal at a, reaching it at pend: bisect */
		if (value(a, part) < goal && value(pend, part) >= goal)
			InstantsAdd(out, FirstReaching(value, part, goal, a, pend));
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

	WidthReach(part, &rlo, &rhi);
	zc = ZoneChangesIn(TimeSub(from, Max(rhi, 0)), TimeSub(to, Min(rlo, 0)), &n);
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

			CHECK_FOR_INTERRUPTS();
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

				ReachesIn(WallValue, NULL, midnight, Max(from, midnight - WIDTH_SLACK),
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
		CHECK_FOR_INTERRUPTS();
		if (zc[g].after < zc[g].before)
			InstantsAdd(&cand, zc[g].at);
		else
		{
			/* a gap ends at the wall time of the change */
			ReachesIn(WallValue, part, Wall(zc[g].at), Max(from, ReachFrom(zc[g].at, part, false)),
					  Min(to, ReachFrom(zc[g].at, part, true)), &splits, &cand);
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

	/*
	 * T - width can be in the range, or has just left it, only from
	 * MIN_TIMESTAMP plus the width's least distance on: past the range for
	 * a width longer than it ('300000 years' keeps every value)
	 */
	from = Max(from, TimeAdd(ReachFrom(MIN_TIMESTAMP, ww->width, false), -1));
	to = Min(to, END_TIMESTAMP - 1);
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

		WidthReach(&months, &rlo, &rhi);
		StepJumpsIn(&months, from, to, &mj);
		InstantsSort(&mj);
		StepJumpsIn(&days, TimeSub(from, rhi), TimeSub(to, rlo), &dj);
		for (int i = 0; i < mj.n; i++)
			InstantsAdd(&cand, mj.at[i]);
		/* where the months step, monotone between its jumps, reaches a jump of the days step */
		for (int j = 0; j < dj.n; j++)
			ReachesIn(StepMinusValue, &months, dj.at[j], Max(from, ReachFrom(dj.at[j], &months, false)),
					  Min(to, ReachFrom(dj.at[j], &months, true)), &mj, &cand);
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
		TimestampTz to = TimeAdd(times[i], ww->reach);

		for (i++; i < n && times[i] <= to; i++)
			to = TimeAdd(times[i], ww->reach);
		from = Max(from, after);
		to = Min(to, upto);
		if (from < to)
			WidthJumpsIn(ww, from, to, &in);
	}
	InstantsSort(&in);
	wj->at = in.at;
	wj->n = in.n;
}

