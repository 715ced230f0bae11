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
extern void TimelineBuilderInit(TimelineBuilder *b, bool explicit_seq,
								int errcode_malformed, int32 expected);
extern void TimelineBuilderAppend(TimelineBuilder *b, TimestampTz t,
								  int64 seq, float8 value, bool isnull);
extern Timeline *TimelineBuilderFinish(TimelineBuilder *b, bool continuous);
extern Timeline *TimelineEmpty(bool continuous);
extern int32 TimelineUpperBound(const Timeline *tl, TimestampTz t);
extern int32 TimelineLowerBound(const Timeline *tl, TimestampTz t);

/* ---- detoast_cache.c: reuse of detoasted arguments within one call site ---- */
extern Timeline *TimelineGetArgCached(FunctionCallInfo fcinfo, int argno);

/* ---- timeline_io.c: text and binary forms, equality ---- */
extern bool TimelineEquals(const Timeline *a, const Timeline *b);

#endif							/* TIMELINE_H */
