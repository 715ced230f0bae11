/*-------------------------------------------------------------------------
 *
 * timeline.h
 *	  Shared types, layout macros and cross-file prototypes of the timeline
 *	  extension, sectioned by the file that owns them.
 *
 * On-disk layout of a timeline (a varlena, ALIGNMENT double, STORAGE
 * external):
 *
 *	  int32   vl_len_       varlena header
 *	  uint16  version       TL_VERSION; anything else is rejected
 *	  uint16  flags         TL_F_* bits; reserved bits must be zero
 *	  int32   npoints       number of points, >= 0
 *	  int32   reserved      zero; keeps the arrays 8-byte aligned
 *	  int64   times[n]      TimestampTz, finite, non-decreasing
 *	  int64   seqs[n]       only with TL_F_SEQ: (time, seq) strictly increasing
 *	  float8  values[n]     0 where the point is NULL
 *	  bits8   nulls[(n+7)/8] only with TL_F_NULLS: bit set = value is NULL
 *
 * The arrays are columnar so a lookup is a binary search over one dense
 * int64 array.  Without TL_F_SEQ the seq of a point is implicit: its rank
 * among the points of the same time (0, 1, 2, ...), see SEMANTICS.md s1.
 *
 *-------------------------------------------------------------------------
 */
#ifndef TIMELINE_H
#define TIMELINE_H

#include "postgres.h"

#include "datatype/timestamp.h"
#include "utils/timestamp.h"
#include "fmgr.h"
#include "utils/memutils.h"

#define TL_VERSION			1

#define TL_F_CONTINUOUS		0x0001	/* step function, else discrete */
#define TL_F_SEQ			0x0002	/* explicit seqs array present */
#define TL_F_NULLS			0x0004	/* null bitmap present */
#define TL_F_KNOWN			(TL_F_CONTINUOUS | TL_F_SEQ | TL_F_NULLS)

typedef struct Timeline
{
	int32		vl_len_;
	uint16		version;
	uint16		flags;
	int32		npoints;
	int32		reserved;
	/* arrays follow, see the layout above */
} Timeline;

#define TL_HEADER_SIZE		((Size) sizeof(Timeline))

/*
 * Largest point count we accept: keeps every size computation far below
 * MaxAllocSize (1GB) even with seqs and a null bitmap (24.125 bytes/point).
 */
#define TL_MAX_POINTS		((int32) ((MaxAllocSize - TL_HEADER_SIZE) / 25))

#define DatumGetTimelineP(X)		((Timeline *) PG_DETOAST_DATUM(X))
#define PG_GETARG_TIMELINE_P(n)		DatumGetTimelineP(PG_GETARG_DATUM(n))
#define PG_RETURN_TIMELINE_P(x)		PG_RETURN_POINTER(x)

static inline bool
TimelineIsContinuous(const Timeline *tl)
{
	return (tl->flags & TL_F_CONTINUOUS) != 0;
}

static inline int64 *
TimelineTimes(const Timeline *tl)
{
	return (int64 *) ((char *) tl + TL_HEADER_SIZE);
}

/* NULL when the seqs are implicit */
static inline int64 *
TimelineSeqs(const Timeline *tl)
{
	if (!(tl->flags & TL_F_SEQ))
		return NULL;
	return TimelineTimes(tl) + tl->npoints;
}

static inline float8 *
TimelineValues(const Timeline *tl)
{
	/* cppcheck-suppress invalidPointerCast ; the layout puts float8s there */
	return (float8 *) ((char *) tl + TL_HEADER_SIZE +
					   ((tl->flags & TL_F_SEQ) ? 2 : 1) * sizeof(int64) * (Size) tl->npoints);
}

/* NULL when no point is NULL */
static inline bits8 *
TimelineNulls(const Timeline *tl)
{
	if (!(tl->flags & TL_F_NULLS))
		return NULL;
	return (bits8 *) (TimelineValues(tl) + tl->npoints);
}

static inline bool
TimelinePointIsNull(const bits8 *nulls, int i)
{
	return nulls != NULL && (nulls[i >> 3] & (1 << (i & 7))) != 0;
}

/*
 * A growable list of points, in position order, that becomes a Timeline.
 * Every producer of timelines (input functions, the aggregate, operators)
 * appends through TimelineBuilderAppend, which enforces the invariants.
 */
typedef struct TimelineBuilder
{
	int32		n;
	int32		cap;
	bool		explicit_seq;
	bool		has_nulls;
	int			malformed_code; /* SQLSTATE for order violations */
	int64	   *times;
	int64	   *seqs;			/* only with explicit_seq */
	float8	   *values;
	bool	   *nulls;
} TimelineBuilder;

/* ---- timeline.c: layout, validation, builder ---- */
extern Size TimelineSize(int32 npoints, uint16 flags);
extern void CheckTimelineTime(TimestampTz t, int errcode_malformed);
extern void CheckPointCount(int64 npoints);
extern int	IntervalSign(Interval *interval);
extern void TimelineBuilderInit(TimelineBuilder *b, bool explicit_seq,
								int errcode_malformed, int32 expected);
extern void TimelineBuilderAppend(TimelineBuilder *b, TimestampTz t,
								  int64 seq, float8 value, bool isnull);
extern Timeline *TimelineBuilderFinish(TimelineBuilder *b, bool continuous);
extern void TimelineBuilderGrow(TimelineBuilder *b);

/*
 * Appends a point that is valid and in position order by construction: the
 * operators derive their points from validated timelines, so they skip the
 * per-point checks of TimelineBuilderAppend (asserted in debug builds).
 */
static inline void
TimelineBuilderAppendOrdered(TimelineBuilder *b, TimestampTz t, int64 seq,
							 float8 value, bool isnull)
{
	Assert(b->n == 0 || t > b->times[b->n - 1] ||
		   (t == b->times[b->n - 1] && (!b->explicit_seq || seq > b->seqs[b->n - 1])));
	if (b->n >= b->cap)
		TimelineBuilderGrow(b);
	b->times[b->n] = t;
	if (b->explicit_seq)
		b->seqs[b->n] = seq;
	b->values[b->n] = isnull ? 0.0 : value;
	b->nulls[b->n] = isnull;
	b->has_nulls |= isnull;
	b->n++;
}
extern Timeline *TimelineBuilderFinishCanonical(TimelineBuilder *b, bool continuous);
extern Timeline *TimelineEmpty(bool continuous);
extern int32 TimelineUpperBound(const Timeline *tl, TimestampTz t);
extern int32 TimelineLowerBound(const Timeline *tl, TimestampTz t);

/* ---- detoast_cache.c: reuse of detoasted arguments within one call site ---- */
extern Timeline *TimelineGetArgCached(FunctionCallInfo fcinfo, int argno);

/* ---- timeline_io.c: text and binary forms, equality ---- */
extern bool TimelineEquals(const Timeline *a, const Timeline *b);

/* ---- guc.c: module initialisation and settings ---- */
extern bool timeline_enable_asof_join;

/* ---- asof_path.c: planner side of the merge as-of join ---- */
extern void AsofInstallPlannerHook(void);

/* ---- asof_exec.c: executor side of the merge as-of join ---- */
struct CustomScanMethods;
extern const struct CustomScanMethods timeline_asof_scan_methods;

#endif							/* TIMELINE_H */

/*
 * A forward iterator over the points of a timeline that knows each point's
 * logical seq (explicit, or the rank among points of one time).
 */
typedef struct TimelineCursor
{
	const Timeline *tl;
	const int64 *times;
	const int64 *seqs;
	const float8 *values;
	const bits8 *nulls;
	int32		n;
	int32		i;				/* current point; n when done */
	int64		seq;			/* logical seq of point i */
} TimelineCursor;

static inline void
TimelineCursorSetSeq(TimelineCursor *c)
{
	if (c->i >= c->n)
		return;
	if (c->seqs)
		c->seq = c->seqs[c->i];
	else if (c->i > 0 && c->times[c->i] == c->times[c->i - 1])
		c->seq = c->seq + 1;
	else
		c->seq = 0;
}

static inline void
TimelineCursorInit(TimelineCursor *c, const Timeline *tl)
{
	c->tl = tl;
	c->times = TimelineTimes(tl);
	c->seqs = TimelineSeqs(tl);
	c->values = TimelineValues(tl);
	c->nulls = TimelineNulls(tl);
	c->n = tl->npoints;
	c->i = 0;
	c->seq = 0;
	TimelineCursorSetSeq(c);
}

static inline bool
TimelineCursorDone(const TimelineCursor *c)
{
	return c->i >= c->n;
}

static inline void
TimelineCursorNext(TimelineCursor *c)
{
	c->i++;
	TimelineCursorSetSeq(c);
}

static inline TimestampTz
TimelineCursorTime(const TimelineCursor *c)
{
	return c->times[c->i];
}

static inline bool
TimelineCursorIsNull(const TimelineCursor *c)
{
	return TimelinePointIsNull(c->nulls, c->i);
}

static inline float8
TimelineCursorValue(const TimelineCursor *c)
{
	return c->values[c->i];
}

/* Compares positions (t1, s1) and (t2, s2). */
static inline int
ComparePositions(TimestampTz t1, int64 s1, TimestampTz t2, int64 s2)
{
	if (t1 != t2)
		return t1 < t2 ? -1 : 1;
	if (s1 != s2)
		return s1 < s2 ? -1 : 1;
	return 0;
}

/* The seq of tick points: after every point of their instant (SEMANTICS s1). */
#define TL_SEQ_AFTER_ALL	PG_INT64_MAX

/*
 * A step of a merge over several timelines: the position and, per input,
 * whether it has a point exactly there and its value seen from there.
 */
#define TL_MAX_INPUTS		3

typedef struct MergeInput
{
	TimelineCursor cur;
	bool		continuous;
	bool		here;			/* has a point at the current position */
	bool		has_last;		/* a point was seen at or before it */
	float8		last_value;		/* value of that point */
	bool		last_null;
} MergeInput;

typedef struct TimelineMerge
{
	int			ninputs;
	MergeInput	in[TL_MAX_INPUTS];
	bool		explicit_seq;	/* some input has explicit seqs */
	TimestampTz time;			/* current position */
	int64		seq;
} TimelineMerge;

/* ---- merge.c: walking the union of positions of several timelines ---- */
extern void TimelineMergeInit(TimelineMerge *m, int ninputs, Timeline **inputs);
extern bool TimelineMergeNext(TimelineMerge *m);
extern bool MergeValue(const MergeInput *in, float8 *value);
extern bool MergeValueAsOf(const MergeInput *in, float8 *value);
