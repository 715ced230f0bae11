/*-------------------------------------------------------------------------
 *
 * timeline_agg.c
 *	  The timeline_agg aggregate: builds a discrete timeline from rows.
 *
 * Transition: append (time, value) to an unsorted array (seqs and a null
 * bitmap in side arrays, only when needed); rows with a NULL time are
 * skipped, infinite times are rejected.  Final: sort into position order
 * and lay out the timeline.
 *
 * Determinism (SEMANTICS.md s1): with a seq, points are ordered by
 * (time, seq) and two points at one (time, seq) are an error.  Without a
 * seq, points of one time are ordered by value with float8's total order
 * (NaN above every number) and NULLs last, and numbered 0, 1, 2, ...
 * Either way the order is a total order on the data, so the result does not
 * depend on input order, on how parallel workers split the rows, or on the
 * order in which partial states are combined.
 *
 * Parallel aggregation: the serial function sorts a partial state into
 * position order before writing it (in the worker that built it, so the
 * workers share the sorting), combine merges two sorted states (while the
 * merge moves few of the points already there, AGG_MERGE_RATIO) and appends
 * otherwise, and the final function sorts only a state not known sorted.
 * serial/deserial write a versioned bytea that only travels between
 * processes of one server:
 *	  uint8 version (3), uint8 flags (1 seqs, 2 nulls, 4 sorted), int32 n,
 *	  then the raw arrays: (time, value) pairs, [seqs], [null bitmap].
 * The reader checks that a state said to be sorted is.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/memutils.h"

#include "compat.h"
#include "timeline.h"

PG_FUNCTION_INFO_V1(timeline_agg_transfn);
PG_FUNCTION_INFO_V1(timeline_agg_seq_transfn);
PG_FUNCTION_INFO_V1(timeline_agg_bool_transfn);
PG_FUNCTION_INFO_V1(timeline_agg_bool_seq_transfn);
PG_FUNCTION_INFO_V1(timeline_agg_combinefn);
PG_FUNCTION_INFO_V1(timeline_agg_serialfn);
PG_FUNCTION_INFO_V1(timeline_agg_deserialfn);
PG_FUNCTION_INFO_V1(timeline_agg_finalfn);

#define AGG_SERIAL_VERSION	3
#define AGG_FLAG_SEQS		1
#define AGG_FLAG_NULLS		2
#define AGG_FLAG_SORTED		4
#define AGG_MERGE_RATIO		8	/* see timeline_agg_combinefn */

/* One point as accumulated; seqs and nulls live in side arrays. */
typedef struct AggPair
{
	int64		time;
	float8		value;
} AggPair;

/*
 * The transition state of one group.  The point arrays live in a context of
 * their own (PointContext), not in the aggregate context: a hash aggregate
 * keeps its group keys in the aggregate context, and interleaving them with
 * large point arrays would scatter the hash table over hundreds of
 * megabytes, turning every lookup into a cache miss.
 */
typedef struct TimelineAggState
{
	bool		has_seq;
	bool		has_nulls;
	bool		sorted;			/* points in position order (AggComparePoints) */
	int32		n;
	int32		cap;
	AggPair    *pairs;
	int64	   *seqs;			/* only with has_seq */
	bits8	   *nulls;			/* allocated at the first NULL value */
	MemoryContext cxt;			/* where the arrays live */
} TimelineAggState;

/*
 * Per call site, per aggregate context: the point context.  One call site
 * can see several aggregate contexts (grouping sets: one per sorted set and
 * one for the hashed sets), so each gets an entry and a reset callback of
 * its own.  A reset of the aggregate context deletes the point context (its
 * child) and fires the callback, which clears the entry; PostgreSQL removes
 * a callback from the context's list before calling it, so registering the
 * same entry's callback again after that is safe.
 */
typedef struct PointContextEntry
{
	MemoryContext aggcxt;
	MemoryContext pointcxt;		/* NULL after a reset */
	MemoryContextCallback reset_cb;
	struct PointContextEntry *next;
} PointContextEntry;

/* Forgets the point context when its parent aggregate context is reset. */
static void
PointContextForget(void *arg)
{
	PointContextEntry *entry = (PointContextEntry *) arg;

	entry->pointcxt = NULL;
}

/* Returns the aggregate memory context, or errors if not called as one. */
static MemoryContext
AggContext(FunctionCallInfo fcinfo)
{
	MemoryContext aggcxt;

	if (!AggCheckCallContext(fcinfo, &aggcxt))
		elog(ERROR, "timeline_agg support function called in non-aggregate context");
	return aggcxt;
}

/*
 * Returns the context for point arrays: a child of the aggregate context,
 * created once per aggregate context and remembered in fn_extra until that
 * context is reset (which deletes the child).
 */
static MemoryContext
PointContext(FunctionCallInfo fcinfo, MemoryContext aggcxt)
{
	PointContextEntry **head = (PointContextEntry **) &fcinfo->flinfo->fn_extra;
	PointContextEntry *entry;

	for (entry = *head; entry != NULL; entry = entry->next)
		if (entry->aggcxt == aggcxt)
			break;
	if (entry == NULL)
	{
		entry = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(PointContextEntry));
		entry->aggcxt = aggcxt;
		entry->reset_cb.func = PointContextForget;
		entry->reset_cb.arg = entry;
		entry->next = *head;
		*head = entry;
	}
	if (entry->pointcxt == NULL)
	{
		entry->pointcxt = AllocSetContextCreate(aggcxt, "timeline_agg points",
												ALLOCSET_DEFAULT_SIZES);
		MemoryContextRegisterResetCallback(aggcxt, &entry->reset_cb);
	}
	return entry->pointcxt;
}

/* Creates an empty state: header in aggcxt, arrays in pointcxt. */
static TimelineAggState *
AggStateCreate(MemoryContext aggcxt, MemoryContext pointcxt, bool has_seq, int64 cap)
{
	TimelineAggState   *state = MemoryContextAllocZero(aggcxt, sizeof(TimelineAggState));

	CheckPointCount(cap);
	state->has_seq = has_seq;
	state->sorted = true;		/* no point yet */
	state->cap = (int32) Max(cap, 4);
	state->cxt = pointcxt;
	state->pairs = MemoryContextAllocHuge(pointcxt, sizeof(AggPair) * state->cap);
	if (has_seq)
		state->seqs = MemoryContextAllocHuge(pointcxt, sizeof(int64) * state->cap);
	return state;
}

/* Allocates the null bitmap (all not-null) for the current capacity. */
static void
AggStateAddNulls(TimelineAggState *state)
{
	state->nulls = MemoryContextAllocExtended(state->cxt, (state->cap + 7) / 8,
											  MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
	state->has_nulls = true;
}

/* Makes room for extra more points. */
static void
AggStateReserve(TimelineAggState *state, int64 extra)
{
	int64		need = (int64) state->n + extra;
	int64		newcap;

	if (need <= state->cap)
		return;
	CheckPointCount(need);
	newcap = Min(Max((int64) state->cap * 2, need), (int64) TL_MAX_POINTS);
	state->pairs = repalloc_huge(state->pairs, sizeof(AggPair) * newcap);
	if (state->has_seq)
		state->seqs = repalloc_huge(state->seqs, sizeof(int64) * newcap);
	if (state->has_nulls)
	{
		Size		oldbytes = (state->cap + 7) / 8;
		Size		newbytes = (newcap + 7) / 8;

		state->nulls = repalloc_huge(state->nulls, newbytes);
		memset(state->nulls + oldbytes, 0, newbytes - oldbytes);
	}
	state->cap = (int32) newcap;
}

static inline bool
AggIsNull(const TimelineAggState *state, int64 i)
{
	return state->has_nulls && (state->nulls[i >> 3] & (1 << (i & 7))) != 0;
}

/* A point with every sort key, for the sorts. */
typedef struct AggPoint
{
	int64		time;
	int64		seq;
	float8		value;
	bool		isnull;
} AggPoint;

/* Orders values as timeline.h's TimelineCompareValues. */
#define CompareValues(a, b) TimelineCompareValues((a), (b))

/* Orders points by (time, seq). */
static inline int
CompareBySeq(const AggPoint *pa, const AggPoint *pb)
{
	if (pa->time != pb->time)
		return pa->time < pb->time ? -1 : 1;
	if (pa->seq != pb->seq)
		return pa->seq < pb->seq ? -1 : 1;
	return 0;
}

/* Orders points by (time, value with NULLs last). */
static inline int
CompareByValue(const AggPoint *pa, const AggPoint *pb)
{
	if (pa->time != pb->time)
		return pa->time < pb->time ? -1 : 1;
	if (pa->isnull || pb->isnull)
		return (int) pa->isnull - (int) pb->isnull;
	return CompareValues(pa->value, pb->value);
}

/* Orders pairs by (time, value); used when there is no seq and no NULL. */
static inline int
ComparePairs(const AggPair *pa, const AggPair *pb)
{
	if (pa->time != pb->time)
		return pa->time < pb->time ? -1 : 1;
	return CompareValues(pa->value, pb->value);
}

/*
 * The final sorts, generated from PostgreSQL's sort template with the
 * comparisons inlined (a qsort calling a comparator through a pointer took a
 * fifth of a large GROUP BY's time), and interruptible: sorting 10M points
 * takes a second or two, which a cancel need not wait for.
 */
#define ST_SORT sort_pairs
#define ST_ELEMENT_TYPE AggPair
#define ST_COMPARE(a, b) ComparePairs(a, b)
#define ST_CHECK_FOR_INTERRUPTS
#define ST_SCOPE static
#define ST_DECLARE
#define ST_DEFINE
#include "lib/sort_template.h"

#define ST_SORT sort_points_by_seq
#define ST_ELEMENT_TYPE AggPoint
#define ST_COMPARE(a, b) CompareBySeq(a, b)
#define ST_CHECK_FOR_INTERRUPTS
#define ST_SCOPE static
#define ST_DECLARE
#define ST_DEFINE
#include "lib/sort_template.h"

#define ST_SORT sort_points_by_value
#define ST_ELEMENT_TYPE AggPoint
#define ST_COMPARE(a, b) CompareByValue(a, b)
#define ST_CHECK_FOR_INTERRUPTS
#define ST_SCOPE static
#define ST_DECLARE
#define ST_DEFINE
#include "lib/sort_template.h"

/*
 * Orders point i of a and point j of b (states of one overload) in position
 * order: by (time, seq), or without a seq by (time, value with NULLs last),
 * as the sorts below.
 */
static inline int
AggComparePoints(const TimelineAggState *a, int32 i,
				 const TimelineAggState *b, int32 j)
{
	if (a->pairs[i].time != b->pairs[j].time)
		return a->pairs[i].time < b->pairs[j].time ? -1 : 1;
	if (a->has_seq)
		return a->seqs[i] < b->seqs[j] ? -1 : (a->seqs[i] > b->seqs[j] ? 1 : 0);
	return TimelineCompareTies(a->pairs[i].value, AggIsNull(a, i),
							   b->pairs[j].value, AggIsNull(b, j));
}

/* The points of a state with a seq or NULLs, as sort elements. */
static AggPoint *
AggStatePoints(const TimelineAggState *state)
{
	AggPoint   *points = palloc_extended(sizeof(AggPoint) * Max(state->n, 1), MCXT_ALLOC_HUGE);

	for (int32 i = 0; i < state->n; i++)
	{
		TL_CHECK_INTERRUPTS_EVERY_64K(i);
		points[i].time = state->pairs[i].time;
		points[i].value = state->pairs[i].value;
		points[i].seq = state->has_seq ? state->seqs[i] : 0;
		points[i].isnull = AggIsNull(state, i);
	}
	return points;
}

/* Sorts points taken from state (AggStatePoints) into position order. */
static void
AggSortPoints(const TimelineAggState *state, AggPoint *points)
{
	if (state->has_seq)
		sort_points_by_seq(points, state->n);
	else
		sort_points_by_value(points, state->n);
}

/*
 * Sorts a state's points into position order in place (the serial
 * function, before writing a partial state).
 */
static void
AggStateSort(TimelineAggState *state)
{
	if (state->sorted)
		return;
	if (!state->has_seq && !state->has_nulls)
		sort_pairs(state->pairs, state->n);
	else
	{
		AggPoint   *points = AggStatePoints(state);

		AggSortPoints(state, points);
		if (state->has_nulls)
			memset(state->nulls, 0, (state->n + 7) / 8);
		for (int32 i = 0; i < state->n; i++)
		{
			state->pairs[i].time = points[i].time;
			state->pairs[i].value = points[i].value;
			if (state->has_seq)
				state->seqs[i] = points[i].seq;
			if (points[i].isnull)
				state->nulls[i >> 3] |= (bits8) (1 << (i & 7));
		}
		pfree(points);
	}
	state->sorted = true;
}

/* The shared transition step of every overload. */
static Datum
AggTransition(FunctionCallInfo fcinfo, bool is_bool, bool has_seq)
{
	MemoryContext aggcxt = AggContext(fcinfo);
	TimelineAggState   *state = PG_ARGISNULL(0) ? NULL : (TimelineAggState *) PG_GETARG_POINTER(0);
	TimestampTz t;
	AggPair    *p;
	int32		i;

	if (state == NULL)
		state = AggStateCreate(aggcxt, PointContext(fcinfo, aggcxt), has_seq, 4);
	if (PG_ARGISNULL(1))
		PG_RETURN_POINTER(state);	/* NULL time: skipped */
	t = PG_GETARG_TIMESTAMPTZ(1);
	CheckTimelineTime(t, ERRCODE_INVALID_PARAMETER_VALUE);
	if (has_seq && PG_ARGISNULL(3))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("timeline_agg seq cannot be NULL"),
				 errhint("Pass a non-NULL seq such as an event id, or use the two-argument form.")));

	AggStateReserve(state, 1);
	state->sorted = false;
	i = state->n++;
	p = &state->pairs[i];
	p->time = t;
	if (has_seq)
		state->seqs[i] = PG_GETARG_INT64(3);
	if (PG_ARGISNULL(2))
	{
		if (!state->has_nulls)
			AggStateAddNulls(state);
		state->nulls[i >> 3] |= (bits8) (1 << (i & 7));
		p->value = 0.0;
	}
	else if (is_bool)
		p->value = PG_GETARG_BOOL(2) ? 1.0 : 0.0;
	else
		p->value = PG_GETARG_FLOAT8(2);
	PG_RETURN_POINTER(state);
}

/* Transition of timeline_agg(timestamptz, float8). */
Datum
timeline_agg_transfn(PG_FUNCTION_ARGS)
{
	return AggTransition(fcinfo, false, false);
}

/* Transition of timeline_agg(timestamptz, float8, bigint). */
Datum
timeline_agg_seq_transfn(PG_FUNCTION_ARGS)
{
	return AggTransition(fcinfo, false, true);
}

/* Transition of timeline_agg(timestamptz, boolean). */
Datum
timeline_agg_bool_transfn(PG_FUNCTION_ARGS)
{
	return AggTransition(fcinfo, true, false);
}

/* Transition of timeline_agg(timestamptz, boolean, bigint). */
Datum
timeline_agg_bool_seq_transfn(PG_FUNCTION_ARGS)
{
	return AggTransition(fcinfo, true, true);
}

/* Appends the points of src to dst. */
static void
AggStateAppend(TimelineAggState *dst, const TimelineAggState *src)
{
	AggStateReserve(dst, src->n);
	memcpy(dst->pairs + dst->n, src->pairs, sizeof(AggPair) * src->n);
	if (dst->has_seq)
		memcpy(dst->seqs + dst->n, src->seqs, sizeof(int64) * src->n);
	if (src->has_nulls)
	{
		if (!dst->has_nulls)
			AggStateAddNulls(dst);
		for (int32 i = 0; i < src->n; i++)
			if (AggIsNull(src, i))
				dst->nulls[(dst->n + i) >> 3] |= (bits8) (1 << ((dst->n + i) & 7));
	}
	dst->n += src->n;
}

/*
 * Merges the points of src into dst, both in position order: one pass from
 * the end, in dst's arrays grown to hold both, so dst stays sorted.
 */
static void
AggStateMerge(TimelineAggState *dst, const TimelineAggState *src)
{
	int32		i = dst->n - 1;
	int32		j = src->n - 1;
	int64		k;

	AggStateReserve(dst, src->n);
	if (src->has_nulls && !dst->has_nulls)
		AggStateAddNulls(dst);
	for (k = (int64) dst->n + src->n - 1; j >= 0; k--)
	{
		const TimelineAggState *from;
		int32		at;

		TL_CHECK_INTERRUPTS_EVERY_64K(k);
		if (i >= 0 && AggComparePoints(dst, i, src, j) > 0)
			from = dst, at = i--;
		else
			from = src, at = j--;
		dst->pairs[k] = from->pairs[at];
		if (dst->has_seq)
			dst->seqs[k] = from->seqs[at];
		if (dst->has_nulls)
		{
			if (AggIsNull(from, at))
				dst->nulls[k >> 3] |= (bits8) (1 << (k & 7));
			else
				dst->nulls[k >> 3] &= (bits8) ~(1 << (k & 7));
		}
	}
	dst->n += src->n;
}

/*
 * The position in sorted dst of src's first point: the number of dst's
 * points at or before it.
 */
static int32
AggUpperBound(const TimelineAggState *dst, const TimelineAggState *src)
{
	int32		lo = 0;
	int32		hi = dst->n;

	while (lo < hi)
	{
		int32		mid = lo + (hi - lo) / 2;

		if (AggComparePoints(dst, mid, src, 0) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Merges two partial states (parallel or partitionwise aggregation).  Two
 * sorted states (as the serial function writes them) stay sorted: src is
 * appended if it comes after dst, merged if the points of dst it moves (its
 * tail after src's first point) are at most AGG_MERGE_RATIO times src's.
 * Otherwise, and for unsorted states, src is appended and the final
 * function sorts.  The bound keeps a group of many partial states (one per
 * partition, under partitionwise aggregation of hundreds) from merging each
 * small state into a large one, O(states * points): each merge moves at
 * most AGG_MERGE_RATIO + 1 points per point of src, so all of a group's
 * merges together move at most that many times its points.
 */
Datum
timeline_agg_combinefn(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt = AggContext(fcinfo);
	TimelineAggState   *s1 = PG_ARGISNULL(0) ? NULL : (TimelineAggState *) PG_GETARG_POINTER(0);
	TimelineAggState   *s2 = PG_ARGISNULL(1) ? NULL : (TimelineAggState *) PG_GETARG_POINTER(1);

	if (s2 == NULL)
		PG_RETURN_POINTER(s1);
	if (s1 == NULL)
		s1 = AggStateCreate(aggcxt, PointContext(fcinfo, aggcxt), s2->has_seq, s2->n);
	if (s1->has_seq != s2->has_seq)
		elog(ERROR, "cannot combine timeline_agg states with and without seq");
	if (s2->n > 0)
	{
		/* s1's points after s2's first, or -1 when either is not sorted */
		int32		tail = (s1->sorted && s2->sorted) ? s1->n - AggUpperBound(s1, s2) : -1;

		if (tail > 0 && tail <= AGG_MERGE_RATIO * (int64) s2->n)
			AggStateMerge(s1, s2);
		else
		{
			AggStateAppend(s1, s2);
			s1->sorted = (tail == 0);	/* s2 came after s1 (or s1 was empty) */
		}
	}
	PG_RETURN_POINTER(s1);
}

/*
 * Writes a partial state as bytea: the arrays are copied raw (the state
 * only travels between processes of one server), behind a version byte.
 * The points are sorted first, in place (the partial aggregate is done with
 * the state), so that the worker that built them sorts them, not the
 * leader's final function, and the combine function merges.
 */
Datum
timeline_agg_serialfn(PG_FUNCTION_ARGS)
{
	TimelineAggState   *state = (TimelineAggState *) PG_GETARG_POINTER(0);
	StringInfoData buf;

	AggStateSort(state);
	pq_begintypsend(&buf);
	pq_sendbyte(&buf, AGG_SERIAL_VERSION);
	pq_sendbyte(&buf, (state->has_seq ? AGG_FLAG_SEQS : 0) |
				(state->has_nulls ? AGG_FLAG_NULLS : 0) | AGG_FLAG_SORTED);
	pq_sendint32(&buf, state->n);
	pq_sendbytes(&buf, (const char *) state->pairs, sizeof(AggPair) * state->n);
	if (state->has_seq)
		pq_sendbytes(&buf, (const char *) state->seqs, sizeof(int64) * state->n);
	if (state->has_nulls)
		pq_sendbytes(&buf, (const char *) state->nulls, (state->n + 7) / 8);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/*
 * Reads a partial state written by timeline_agg_serialfn.  The state is
 * built in the current memory context (the executor calls this in a
 * per-input-tuple context): the combine function copies it into the
 * group's state, so a copy in the aggregate context would only stay there,
 * unread, until the group ends, doubling the memory of a finalize step.
 */
Datum
timeline_agg_deserialfn(PG_FUNCTION_ARGS)
{
	bytea	   *data = PG_GETARG_BYTEA_PP(0);
	StringInfoData buf;
	int			version;
	int			flags;
	int32		n;
	TimelineAggState   *state;

	AggContext(fcinfo);			/* only as an aggregate's support function */
	initReadOnlyStringInfo(&buf, VARDATA_ANY(data), VARSIZE_ANY_EXHDR(data));
	version = pq_getmsgbyte(&buf);
	if (version != AGG_SERIAL_VERSION)
		elog(ERROR, "unsupported timeline_agg state version %d", version);
	flags = pq_getmsgbyte(&buf);
	n = pq_getmsgint(&buf, 4);
	if (n < 0)
		elog(ERROR, "corrupt timeline_agg state: %d points", n);
	/* check the size before allocating for n points */
	if ((flags & ~(AGG_FLAG_SEQS | AGG_FLAG_NULLS | AGG_FLAG_SORTED)) != 0 ||
		(int64) (buf.len - buf.cursor) !=
		(int64) n * (int64) (sizeof(AggPair) + ((flags & AGG_FLAG_SEQS) ? sizeof(int64) : 0)) +
		((flags & AGG_FLAG_NULLS) ? ((int64) n + 7) / 8 : 0))
		elog(ERROR, "corrupt timeline_agg state: flags %d, %d points in %d bytes",
			 flags, n, buf.len - buf.cursor);
	state = AggStateCreate(CurrentMemoryContext, CurrentMemoryContext,
						   (flags & AGG_FLAG_SEQS) != 0, n);
	pq_copymsgbytes(&buf, (char *) state->pairs, sizeof(AggPair) * n);
	if (state->has_seq)
		pq_copymsgbytes(&buf, (char *) state->seqs, sizeof(int64) * n);
	if (flags & AGG_FLAG_NULLS)
	{
		AggStateAddNulls(state);
		pq_copymsgbytes(&buf, (char *) state->nulls, (n + 7) / 8);
	}
	state->n = n;
	pq_getmsgend(&buf);
	/* the combine and final functions rely on a sorted state being so */
	state->sorted = (flags & AGG_FLAG_SORTED) != 0;
	if (state->sorted)
	{
		for (int32 i = 1; i < n; i++)
		{
			TL_CHECK_INTERRUPTS_EVERY_64K(i);
			if (AggComparePoints(state, i - 1, state, i) > 0)
				elog(ERROR, "corrupt timeline_agg state: points %d and %d out of order",
					 i, i + 1);
		}
	}
	PG_RETURN_POINTER(state);
}


/*
 * Sorts the points (unless the state is known sorted) and lays them out as a
 * discrete timeline.
 */
Datum
timeline_agg_finalfn(PG_FUNCTION_ARGS)
{
	TimelineAggState   *state;
	TimelineBuilder b;

	AggContext(fcinfo);
	state = PG_ARGISNULL(0) ? NULL : (TimelineAggState *) PG_GETARG_POINTER(0);
	if (state == NULL || state->n == 0)
		PG_RETURN_NULL();		/* no row with a time, like other aggregates */

	TimelineBuilderInit(&b, state->has_seq, ERRCODE_UNIQUE_VIOLATION, state->n);
	if (state->sorted || (!state->has_seq && !state->has_nulls))
	{
		/* sorted, or the common case where sorting the pairs in place is enough */
		if (!state->sorted)
			sort_pairs(state->pairs, state->n);
		for (int32 i = 0; i < state->n; i++)
		{
			TL_CHECK_INTERRUPTS_EVERY_64K(i);
			TimelineBuilderAppend(&b, state->pairs[i].time,
								  state->has_seq ? state->seqs[i] : 0,
								  state->pairs[i].value, AggIsNull(state, i));
		}
	}
	else
	{
		AggPoint   *points = AggStatePoints(state);

		AggSortPoints(state, points);
		for (int32 i = 0; i < state->n; i++)
		{
			TL_CHECK_INTERRUPTS_EVERY_64K(i);
			TimelineBuilderAppend(&b, points[i].time, points[i].seq,
								  points[i].value, points[i].isnull);
		}
		pfree(points);
	}
	PG_RETURN_TIMELINE_P(TimelineBuilderFinish(&b, false));
}
