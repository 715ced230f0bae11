/*-------------------------------------------------------------------------
 *
 * timeline.c
 *	  The timeline value itself: size arithmetic, validation of points,
 *	  the builder every producer goes through, and binary search (directly,
 *	  or through a fence of sampled times for a timeline searched again and
 *	  again).
 *
 * Invariants of a stored timeline (see timeline.h for the layout):
 *	- every time is finite and a valid timestamptz;
 *	- times are non-decreasing; with explicit seqs, (time, seq) is strictly
 *	  increasing, so a position identifies one point;
 *	- reserved flag bits and the reserved word are zero;
 *	- values of NULL points are stored as 0.
 * Equal timelines (timeline_eq) need not be equal byte for byte: seqs may be
 * explicit or implicit, and -0/0 or NaNs with other payloads compare equal.
 * TimelineBuilderAppend checks the first two as points arrive; the text and
 * binary input functions and the aggregate all build through it, so they
 * share exactly one set of validators.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "common/int.h"
#include "utils/fmgrprotos.h"
#include "utils/memutils.h"

#include "timeline.h"

PG_MODULE_MAGIC;

/* Returns the varlena size of a timeline of npoints points with flags. */
Size
TimelineSize(int32 npoints, uint16 flags)
{
	Size		per_point = sizeof(int64) + sizeof(float8);
	Size		size;

	CheckPointCount(npoints);
	if (flags & TL_F_SEQ)
		per_point += sizeof(int64);
	size = TL_HEADER_SIZE + per_point * (Size) npoints;
	if (flags & TL_F_NULLS)
		size += ((Size) npoints + 7) / 8;
	return size;
}

/* Rejects a point count outside what one timeline value can hold. */
void
CheckPointCount(int64 npoints)
{
	if (npoints < 0)
		elog(ERROR, "negative point count " INT64_FORMAT, npoints);
	if (npoints > TL_MAX_POINTS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("timeline would have too many points"),
				 errdetail("A timeline holds at most %d points; this one would have " INT64_FORMAT ".",
						   TL_MAX_POINTS, npoints),
				 errhint("Split the data by entity or by time before building timelines.")));
}

/* Rejects infinite and out-of-range times. */
void
CheckTimelineTime(TimestampTz t, int errcode_malformed)
{
	if (TIMESTAMP_NOT_FINITE(t))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("timeline points cannot have infinite times"),
				 errhint("Filter out rows whose time is infinity or -infinity.")));
	if (!IS_VALID_TIMESTAMP(t))
		ereport(ERROR,
				(errcode(errcode_malformed),
				 errmsg("timeline point time is out of range"),
				 errdetail("The raw time value is " INT64_FORMAT ".", t)));
}

/*
 * Returns the sign (-1, 0, 1) of an interval in PostgreSQL's interval order
 * (a month counts as 30 days), for checks of widths, ages and shifts.
 */
int
IntervalSign(Interval *interval)
{
	Interval	zero;

	memset(&zero, 0, sizeof(zero));
	return DatumGetInt32(DirectFunctionCall2(interval_cmp, IntervalPGetDatum(interval),
											 IntervalPGetDatum(&zero)));
}

/* Prepares an empty builder; expected is a capacity hint. */
void
TimelineBuilderInit(TimelineBuilder *b, bool explicit_seq, int errcode_malformed,
					int32 expected)
{
	memset(b, 0, sizeof(*b));
	b->explicit_seq = explicit_seq;
	b->malformed_code = errcode_malformed;
	b->cap = Max(expected, 8);
	CheckPointCount(b->cap);
	b->times = palloc_extended(sizeof(int64) * b->cap, MCXT_ALLOC_HUGE);
	b->values = palloc_extended(sizeof(float8) * b->cap, MCXT_ALLOC_HUGE);
	b->nulls = palloc_extended(sizeof(bool) * b->cap, MCXT_ALLOC_HUGE);
	if (explicit_seq)
		b->seqs = palloc_extended(sizeof(int64) * b->cap, MCXT_ALLOC_HUGE);
}

/* Doubles the builder's arrays. */
void
TimelineBuilderGrow(TimelineBuilder *b)
{
	int64		newcap = (int64) b->cap * 2;

	if (newcap > TL_MAX_POINTS)
		newcap = TL_MAX_POINTS;
	if (newcap <= b->n)
		CheckPointCount((int64) b->n + 1);
	b->times = repalloc_huge(b->times, sizeof(int64) * newcap);
	b->values = repalloc_huge(b->values, sizeof(float8) * newcap);
	b->nulls = repalloc_huge(b->nulls, sizeof(bool) * newcap);
	if (b->explicit_seq)
		b->seqs = repalloc_huge(b->seqs, sizeof(int64) * newcap);
	b->cap = (int32) newcap;
}

/*
 * Appends one point after validating its time and its position against the
 * previous point.  seq is ignored unless the builder has explicit seqs.
 */
void
TimelineBuilderAppend(TimelineBuilder *b, TimestampTz t, int64 seq,
					  float8 value, bool isnull)
{
	CheckTimelineTime(t, b->malformed_code);
	if (b->n > 0)
	{
		TimestampTz prev = b->times[b->n - 1];

		if (t < prev)
			ereport(ERROR,
					(errcode(b->malformed_code),
					 errmsg("timeline points are not in time order"),
					 errdetail("Point %d comes before point %d in time.",
							   b->n + 1, b->n),
					 errhint("Write the points of a timeline in increasing time order.")));
		if (b->explicit_seq && t == prev && seq <= b->seqs[b->n - 1])
			ereport(ERROR,
					(errcode(b->malformed_code),
					 errmsg(seq == b->seqs[b->n - 1]
							? "timeline has two points at the same position"
							: "timeline points are not in position order"),
					 errdetail("Points %d and %d share a time and have seqs " INT64_FORMAT " and " INT64_FORMAT ".",
							   b->n, b->n + 1, b->seqs[b->n - 1], seq),
					 errhint("Points of one time need distinct, increasing seqs, such as event ids.")));
	}
	TimelineBuilderAppendOrdered(b, t, seq, value, isnull);
}

/*
 * memcpy in slices of 8MB with a check for interrupts between them: laying
 * out a timeline copies up to 1GB, and the first touch of each page of the
 * new value is most of that time (seconds for a timeline near the limit).
 */
static void
CopyInterruptibly(void *dst, const void *src, Size bytes)
{
	const Size	slice = (Size) 8 * 1024 * 1024;

	while (bytes > 0)
	{
		Size		len = Min(bytes, slice);

		CHECK_FOR_INTERRUPTS();
		memcpy(dst, src, len);
		dst = (char *) dst + len;
		src = (const char *) src + len;
		bytes -= len;
	}
}

/* Lays the builder's points out as a Timeline and frees the builder. */
Timeline *
TimelineBuilderFinish(TimelineBuilder *b, bool continuous)
{
	uint16		flags = 0;
	Size		size;
	Timeline   *tl;
	int32		n = b->n;

	if (continuous)
		flags |= TL_F_CONTINUOUS;
	/* an empty timeline has no seqs to carry: one form, whoever built it */
	if (b->explicit_seq && n > 0)
		flags |= TL_F_SEQ;
	if (b->has_nulls)
		flags |= TL_F_NULLS;
	size = TimelineSize(n, flags);
	/* not zeroed: every byte past the header is written below */
	tl = palloc_extended(size, MCXT_ALLOC_HUGE);
	memset(tl, 0, TL_HEADER_SIZE);
	SET_VARSIZE(tl, size);
	tl->version = TL_VERSION;
	tl->flags = flags;
	tl->npoints = n;
	if (n > 0)
	{
		CopyInterruptibly(TimelineTimes(tl), b->times, sizeof(int64) * n);
		if (b->explicit_seq)
			CopyInterruptibly(TimelineSeqs(tl), b->seqs, sizeof(int64) * n);
		CopyInterruptibly(TimelineValues(tl), b->values, sizeof(float8) * n);
		if (b->has_nulls)
		{
			bits8	   *nulls = TimelineNulls(tl);

			memset(nulls, 0, ((Size) n + 7) / 8);
			for (int32 i = 0; i < n; i++)
			{
				TL_CHECK_INTERRUPTS_EVERY_64K(i);
				if (b->nulls[i])
					nulls[i >> 3] |= (bits8) (1 << (i & 7));
			}
		}
	}
	pfree(b->times);
	pfree(b->values);
	pfree(b->nulls);
	if (b->seqs)
		pfree(b->seqs);
	b->times = NULL;
	b->values = NULL;
	b->seqs = NULL;
	b->nulls = NULL;
	return tl;
}

/*
 * Like TimelineBuilderFinish for a builder with explicit seqs, but stores
 * them implicitly when every seq equals the point's rank among the points
 * of its time, so operators keep the compact form whenever positions allow.
 */
Timeline *
TimelineBuilderFinishCanonical(TimelineBuilder *b, bool continuous)
{
	if (b->explicit_seq)
	{
		bool		ranks = true;
		int64		rank = 0;

		for (int32 i = 0; i < b->n && ranks; i++)
		{
			TL_CHECK_INTERRUPTS_EVERY_64K(i);
			rank = (i > 0 && b->times[i] == b->times[i - 1]) ? rank + 1 : 0;
			ranks = (b->seqs[i] == rank);
		}
		if (ranks)
		{
			pfree(b->seqs);
			b->seqs = NULL;
			b->explicit_seq = false;
		}
	}
	return TimelineBuilderFinish(b, continuous);
}

/* One point's value for sorting the points of one time. */
typedef struct TieValue
{
	float8		value;
	bool		isnull;
} TieValue;

static inline int
CompareTieValue(const TieValue *ta, const TieValue *tb)
{
	return TimelineCompareTies(ta->value, ta->isnull, tb->value, tb->isnull);
}

/* sort_ties(): an interruptible sort of one time's values (sort template) */
#define ST_SORT sort_ties
#define ST_ELEMENT_TYPE TieValue
#define ST_COMPARE(a, b) CompareTieValue(a, b)
#define ST_CHECK_FOR_INTERRUPTS
#define ST_SCOPE static
#define ST_DECLARE
#define ST_DEFINE
#include "lib/sort_template.h"

/*
 * Puts the points of each time of a builder without seqs in value order,
 * NULLs last: the order SEMANTICS.md s1 gives points when the caller gives
 * no seqs (timeline input, as timeline_agg).
 */
void
TimelineBuilderSortTies(TimelineBuilder *b)
{
	int32		start = 0;

	Assert(!b->explicit_seq);
	while (start < b->n)
	{
		int32		end = start + 1;
		bool		sorted = true;

		for (; end < b->n && b->times[end] == b->times[start]; end++)
			if (TimelineCompareTies(b->values[end - 1], b->nulls[end - 1],
									b->values[end], b->nulls[end]) > 0)
				sorted = false;
		if (!sorted)
		{
			int32		k = end - start;
			TieValue   *tie = palloc_extended(sizeof(TieValue) * k, MCXT_ALLOC_HUGE);

			for (int32 i = 0; i < k; i++)
			{
				tie[i].value = b->values[start + i];
				tie[i].isnull = b->nulls[start + i];
			}
			sort_ties(tie, k);
			for (int32 i = 0; i < k; i++)
			{
				b->values[start + i] = tie[i].value;
				b->nulls[start + i] = tie[i].isnull;
			}
			pfree(tie);
		}
		start = end;
	}
}

/*
 * Whether the points of each time are in value order, NULLs last, as a
 * timeline without seqs reads back (always with explicit seqs: those order
 * them).  Operators keep positions while values change (-tl, shifts), so a
 * timeline they store without seqs can hold the points of one time in
 * another order; its text and binary forms then carry the seqs.
 */
bool
TimelineTiesInValueOrder(const Timeline *tl)
{
	const int64 *times = TimelineTimes(tl);
	const float8 *values = TimelineValues(tl);
	const bits8 *nulls = TimelineNulls(tl);

	if (TimelineSeqs(tl) != NULL)
		return true;
	for (int32 i = 1; i < tl->npoints; i++)
		if (times[i] == times[i - 1] &&
			TimelineCompareTies(values[i - 1], TimelinePointIsNull(nulls, i - 1),
								values[i], TimelinePointIsNull(nulls, i)) > 0)
			return false;
	return true;
}

/* Returns a new timeline with no points. */
Timeline *
TimelineEmpty(bool continuous)
{
	TimelineBuilder b;

	TimelineBuilderInit(&b, false, ERRCODE_INTERNAL_ERROR, 0);
	return TimelineBuilderFinish(&b, continuous);
}

/*
 * One step of BoundSearch: halves the n candidates starting at base, keeping
 * the half that holds the bound.  Branch-free: it picks the half with a
 * conditional move and prefetches the two places the next step may look, so
 * a probe into a large timeline that is not in cache waits on memory about
 * once per step instead of also paying a mispredicted branch (lookups probe
 * timelines in no particular order).
 */
static inline const int64 *
BoundStep(const int64 *base, int32 *n, TimestampTz t, bool inclusive)
{
	int32		half = *n / 2;
	bool		right;

	__builtin_prefetch(&base[half / 2]);
	__builtin_prefetch(&base[half + half / 2]);
	right = inclusive ? base[half] <= t : base[half] < t;
	*n -= half;
	return right ? base + half : base;
}

/*
 * Asks for every line of n times at once (a short range: at most 1kB), so
 * a search of them waits on memory once, not once per step.
 */
static inline void
PrefetchTimes(const int64 *times, int32 n)
{
	const char *line = (const char *) times;
	const char *end = (const char *) (times + n);

	for (; line < end; line += 64)
		__builtin_prefetch(line);
	if (n > 0)
		__builtin_prefetch(end - 1);	/* the range need not start a line */
}

/*
 * Binary search shared by the bounds: the number of leading times that are
 * <= t (inclusive) or < t (!inclusive).  A caller that reads the value of
 * the point found next (value_at) passes the timeline's values, and the
 * search then keeps more requests to memory in flight: a timeline of at most
 * 128 points has all its times (1kB) prefetched at once, so the steps do not
 * each wait for the next line in turn; and once the search has narrowed to
 * 16 points it prefetches their values, which lie a whole array further on,
 * so the value's cache miss overlaps the last steps instead of following
 * them.  Without values (constant NULL: the function is inlined) the steps
 * are the same, without those prefetches.
 */
static inline int32
BoundSearchIn(const int64 *times, int32 n, TimestampTz t, bool inclusive, const float8 *values)
{
	const int64 *base = times;

	if (n == 0)
		return 0;
	if (values != NULL && n <= 128)
		PrefetchTimes(times, n);
	while (n > 16)
		base = BoundStep(base, &n, t, inclusive);
	if (values != NULL)
	{
		/* at most 16 values, 128 bytes: three lines at most, each holds one of these */
		__builtin_prefetch(&values[base - times]);
		__builtin_prefetch(&values[base - times + n / 2]);
		__builtin_prefetch(&values[base - times + n - 1]);
	}
	while (n > 1)
		base = BoundStep(base, &n, t, inclusive);
	return (int32) (base - times) + (inclusive ? *base <= t : *base < t);
}

static inline int32
BoundSearch(const Timeline *tl, TimestampTz t, bool inclusive, const float8 *values)
{
	return BoundSearchIn(TimelineTimes(tl), tl->npoints, t, inclusive, values);
}

/* Returns the index of the first point whose time is > t (n if none). */
int32
TimelineUpperBound(const Timeline *tl, TimestampTz t)
{
	return BoundSearch(tl, t, true, NULL);
}

/*
 * Returns the index of the last point whose time is <= t (-1 if none), for
 * a caller that reads that point's value next (value_at): the search with
 * the values prefetched (BoundSearch).
 */
int32
TimelineAsOfIndex(const Timeline *tl, TimestampTz t)
{
	return BoundSearch(tl, t, true, TimelineValues(tl)) - 1;
}

/* Returns the index of the first point whose time is >= t (n if none). */
int32
TimelineLowerBound(const Timeline *tl, TimestampTz t)
{
	return BoundSearch(tl, t, false, NULL);
}

/*
 * Builds the fence (timeline.h) of a timeline of at least one point in cxt:
 * a stride through the times (one line in eight), then through each level
 * made.  About a sixty-third of the timeline's times.
 */
TimelineFence *
TimelineFenceBuild(const Timeline *tl, MemoryContext cxt)
{
	int32		count[TL_FENCE_MAX_LEVELS];
	int32		nlevels = 0;
	int64		total = 0;
	int32		below = tl->npoints;
	TimelineFence *fence;
	const int64 *src;
	int64	   *dst;

	Assert(below > 0);
	do
	{
		Assert(nlevels < TL_FENCE_MAX_LEVELS);
		below = (below - 1) / TL_FENCE_STRIDE + 1;
		count[nlevels++] = below;
		total += below;
	} while (below > TL_FENCE_STRIDE);

	fence = MemoryContextAlloc(cxt, offsetof(TimelineFence, data) + sizeof(int64) * total);
	fence->nlevels = nlevels;
	src = TimelineTimes(tl);
	dst = fence->data;
	for (int32 k = 0; k < nlevels; k++)
	{
		fence->count[k] = count[k];
		fence->level[k] = dst;
		for (int32 i = 0; i < count[k]; i++)
			dst[i] = src[(int64) i * TL_FENCE_STRIDE];
		src = dst;
		dst += count[k];
	}
	return fence;
}

/*
 * TimelineAsOfIndex through a fence: from its top level (at most a stride of
 * entries), each level narrows the search to one stride of the level below,
 * whose lines are all asked for at once, then searched; the last stride is
 * of the times themselves.  A large timeline probed again and again thus
 * waits on memory about once per level (a stride's lines arrive together,
 * and the upper levels stay in cache), where a binary search waits once per
 * halving.  The same answer as TimelineAsOfIndex.
 */
int32
TimelineAsOfIndexFenced(const Timeline *tl, TimestampTz t, const TimelineFence *fence)
{
	int32		top;
	int32		j;

	if (fence == NULL)
		return TimelineAsOfIndex(tl, t);
	top = fence->nlevels - 1;
	PrefetchTimes(fence->level[top], fence->count[top]);
	/* j entries of the level are <= t: entry j - 1 is, entry j is not */
	j = BoundSearchIn(fence->level[top], fence->count[top], t, true, NULL);
	for (int32 k = top; k >= 0; k--)
	{
		/* so in the level below, entry (j - 1) * stride is <= t and j * stride is not */
		const int64 *below = k > 0 ? fence->level[k - 1] : TimelineTimes(tl);
		int32		nbelow = k > 0 ? fence->count[k - 1] : tl->npoints;
		int32		base;
		int32		end;

		if (j == 0)
			return -1;
		base = (j - 1) * TL_FENCE_STRIDE + 1;
		end = (int32) Min((int64) j * TL_FENCE_STRIDE, (int64) nbelow);
		if (k > 0)
		{
			PrefetchTimes(below + base, end - base);
			j = base + BoundSearchIn(below + base, end - base, t, true, NULL);
		}
		else					/* with the values: BoundSearchIn asks for the times' lines */
			j = base + BoundSearchIn(below + base, end - base, t, true,
									 TimelineValues(tl) + base);
	}
	return j - 1;
}
