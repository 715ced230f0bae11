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

#include "common/int.h"
#include "datatype/timestamp.h"
#include "utils/timestamp.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/memutils.h"
#include "utils/float.h"

/* for the as-of executor's state */
#include "common/hashfn.h"
#include "executor/execdesc.h"
#include "nodes/execnodes.h"
#include "storage/buffile.h"
#include "utils/sortsupport.h"
#include "utils/tuplesort.h"
#include "utils/tuplestore.h"

#include <math.h>

/*
 * In a loop that can run for seconds over millions of elements without
 * stepping a cursor (which checks at every point): checks for interrupts
 * once in 64K iterations, when the counter n is a multiple of 65,536.
 */
#define TL_CHECK_INTERRUPTS_EVERY_64K(n) \
	do { \
		if (((n) & 0xFFFF) == 0) \
			CHECK_FOR_INTERRUPTS(); \
	} while (0)

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
 * Every 64K points it checks for interrupts, for the loops that append
 * without stepping a cursor (shift_by's sorted points, the points released
 * at once by shift_until, the values leaving a window after the last point).
 */
static inline void
TimelineBuilderAppendOrdered(TimelineBuilder *b, TimestampTz t, int64 seq,
							 float8 value, bool isnull)
{
	Assert(b->n == 0 || t > b->times[b->n - 1] ||
		   (t == b->times[b->n - 1] && (!b->explicit_seq || seq > b->seqs[b->n - 1])));
	TL_CHECK_INTERRUPTS_EVERY_64K(b->n);
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
extern void TimelineBuilderSortTies(TimelineBuilder *b);
extern bool TimelineTiesInValueOrder(const Timeline *tl);

/*
 * The order of the points of one time that the caller gave no seqs for
 * (SEMANTICS.md s1, timeline_agg): by value, float8's total order (NaN
 * above every number) then the bit pattern (so -0 and 0, or NaNs of other
 * payloads, still have an order that does not depend on input order), NULLs
 * last.
 */
static inline int
TimelineCompareValues(float8 a, float8 b)
{
	int			cmp = float8_cmp_internal(a, b);
	uint64		ba,
				bb;

	if (cmp != 0)
		return cmp;
	memcpy(&ba, &a, sizeof(ba));
	memcpy(&bb, &b, sizeof(bb));
	return ba < bb ? -1 : (ba > bb ? 1 : 0);
}

static inline int
TimelineCompareTies(float8 a, bool anull, float8 b, bool bnull)
{
	if (anull || bnull)
		return (int) anull - (int) bnull;
	return TimelineCompareValues(a, b);
}
extern Timeline *TimelineEmpty(bool continuous);
extern int32 TimelineUpperBound(const Timeline *tl, TimestampTz t);
extern int32 TimelineLowerBound(const Timeline *tl, TimestampTz t);
extern int32 TimelineAsOfIndex(const Timeline *tl, TimestampTz t);

/*
 * A fence of a timeline, for repeated searches (TimelineAsOfIndexFenced):
 * levels of sampled times, each holding every TL_FENCE_STRIDE-th entry of
 * the one below it (level 0: of the times, points 0, stride, 2 * stride,
 * ...), up to a level of at most TL_FENCE_STRIDE entries.
 */
#define TL_FENCE_STRIDE 64
#define TL_FENCE_MAX_LEVELS 6	/* 64^6 > TL_MAX_POINTS */
typedef struct TimelineFence
{
	int32		nlevels;
	int32		count[TL_FENCE_MAX_LEVELS];	/* entries of each level */
	int64	   *level[TL_FENCE_MAX_LEVELS];	/* into data, level 0 first */
	int64		data[FLEXIBLE_ARRAY_MEMBER];
} TimelineFence;

extern TimelineFence *TimelineFenceBuild(const Timeline *tl, MemoryContext cxt);
extern int32 TimelineAsOfIndexFenced(const Timeline *tl, TimestampTz t, const TimelineFence *fence);

/* ---- detoast_cache.c: reuse of detoasted arguments within one query ---- */
extern Timeline *TimelineGetArgCached(FunctionCallInfo fcinfo, int argno);
extern const TimelineFence *TimelineCachedFence(FunctionCallInfo fcinfo, const Timeline *tl,
												int64 searches);

/* ---- timeline_io.c: text and binary forms, equality ---- */
extern bool TimelineEquals(const Timeline *a, const Timeline *b);

/* ---- guc.c: module initialisation and settings ---- */
extern bool timeline_enable_asof_join;
extern bool timeline_enable_asof_sweep;
extern bool timeline_enable_asof_slots;
extern bool timeline_avoid_random_index_scans;

/* ---- scan_order.c: index order against table order ---- */
extern void ScanOrderInstallHook(void);

/* ---- asof_path.c: planner side of the merge as-of join ---- */
extern void AsofInstallPlannerHook(void);

/* ---- asof_exec.c: executor side of the merge as-of join ---- */
struct CustomScanMethods;
extern const struct CustomScanMethods timeline_asof_scan_methods;

/*
 * The executor's state and what its three files share: asof_exec.c (the
 * node, the events query, the key merge), asof_sweep.c (the time sweep) and
 * asof_slots.c (the slot join).
 */

/*
 * Column layout of the sorted outer rows (0-based) and of the events query
 * (1-based).  The time comes first in both: tuples are sorted by (key,
 * time), the key travels in the sort's leading datum, and the time is read
 * from the tuple only on a tie of keys, so it must sit at a fixed offset
 * (after a variable-width key every read would walk the tuple).  The sorted
 * rows carry the lower bound only if there is one, then only the outer
 * columns that the output or the filter above the join reads (the key and
 * time were evaluated before the sort).
 */
#define SORT_TIME	0
#define SORT_KEY	1
#define SORT_LOWER	2
#define EV_TIME		1
#define EV_KEY		2

typedef struct AsofState
{
	CustomScanState css;
	PlanState  *outer;			/* the outer rows (also in css.custom_ps) */

	/* what to do (from custom_private) */
	Oid			relid;
	bool		inh;
	AttrNumber	key_attno;
	AttrNumber	time_attno;
	bool		upper_strict;
	bool		has_lower;
	bool		lower_strict;
	bool		left;
	bool		covering;		/* the planner saw a covering (k, ts, ...) index */
	bool		ordered_index;	/* ... or at least a btree leading with (k, ts) */
	const char *events_order;	/* how the events came in order, for EXPLAIN */
	int			noutputs;
	AttrNumber *output_attnos;
	int			ntiebreaks;
	AttrNumber *tb_attnos;
	SortSupportData *tb_ssup;
	int			nouter;
	int		   *outer_scanpos;	/* 0-based scan slot column */
	int		   *outer_childpos; /* 0-based outer child column */
	bool	   *outer_kept;		/* read after the sort (by the output or qual) */
	int		   *child_sortpos;	/* per child column: 0-based sort column, or -1 */
	int			ninner;
	int		   *inner_scanpos;
	int		   *inner_output;	/* 0-based subquery output column */
	SortSupportData key_ssup;
	SortSupportData time_ssup;
	Oid			key_type;
	Oid			time_type;
	Oid			key_collation;
	Oid			merge_collation;	/* the keys' order in the merge */

	ExprState  *key_expr;
	ExprState  *time_expr;
	ExprState  *lower_expr;

	/*
	 * The events table, open and locked from the executor's start to its
	 * end as a scan of it would be (so TRUNCATE or ALTER TABLE in the same
	 * session are refused while a cursor over the query is open), and the
	 * role and security context of that start, with which the events query
	 * is planned, checked and started, whenever the first row is asked for
	 * (a FETCH after SET ROLE, or outside the SECURITY DEFINER function
	 * that opened the cursor)
	 */
	Relation	events_rel;
	Oid			userid;
	int			sec_context;

	/* phase 1: the sorted outer rows */
	bool		sorted;
	MemoryContext scan_cxt;		/* what one scan sets up: reset by a rescan */
	Tuplesortstate *sort;
	TupleDesc	sort_desc;
	TupleTableSlot *sort_slot;
	Tuplestorestate *outer_store;	/* the sweep's outer rows while in time order */
	const char *outer_order;	/* for EXPLAIN ANALYZE */

	/* phase 2: the events query (run by an executor of our own) and the batch */
	QueryDesc  *events_qd;		/* NULL when it is not running */
	MemoryContext events_cxt;	/* its plan and executor state */
	bool		events_at_end;	/* its last run gave fewer rows than asked */
	bool		events_done;
	bool		unsynced;		/* fetch with synchronize_seqscans off */
	MemoryContext batch_cxt;
	int			ev_ncols;		/* columns of the events query */
	bool	   *ev_byval;
	int16	   *ev_typlen;
	Datum	   *batch_vals;		/* EVENTS_BATCH rows of ev_ncols datums */
	bool	   *batch_nulls;
	int			batch_n;
	int			batch_pos;
	int64		events_read;

	/* the time sweep: events sorted by time, the best event of every key */
	bool		can_sweep;		/* the key type hashes */
	int			keys_kb;		/* the planner's estimate of the table of keys */
	bool		sweep_pays;		/* the planner expects the sweep to be faster */
	bool		sweep;			/* this scan runs the sweep, not the merge */
	bool		in_order;		/* ... over the events in the table's order */
	bool		time_byval;
	int16		time_typlen;
	bool		have_prev;
	Datum		prev_time;		/* the last event's time, in_order's check */
	int64		first_pass;		/* events counted by the first pass */
	int64		second_pass;	/* ... and read by the second */
	FmgrInfo   *key_hash;
	FmgrInfo   *key_eq;
	TupleDesc	ev_desc;		/* the events query's columns */
	Tuplesortstate *ev_sort;
	TupleTableSlot *ev_slot;
	bool		ev_pending;		/* ev_slot holds an event not absorbed yet */
	MemoryContext keys_cxt;
	struct asofkeys_hash *keys;
	Size		keys_bytes;		/* estimated size of the keys' best events */

	/* the slot join: outer rows in chunks of keys, events in the table's order */
	bool		slots;			/* this scan runs the slot join */
	MemoryContext slots_cxt;	/* chunk bounds and files, for the whole scan */
	MemoryContext chunk_cxt;	/* the loaded chunk: rows, slots, best events */
	int			nchunks;
	int64		chunks_total;	/* over every rescan, for EXPLAIN */
	Datum	   *chunk_first;	/* the first key of each chunk (0 unused) */
	int64	   *chunk_first_int;	/* the same as int64, for integer keys (else NULL) */
	int64	   *chunk_rows;		/* outer rows per chunk */
	BufFile   **chunk_files;	/* events of chunks 1.., spilled */
	int64		events_spilled;
	bool		key_byval;
	int16		key_typlen;
	int			nkeychunks;		/* chunks whose first row has a key */
	bool		have_max;		/* an outer row has key and time */
	Datum		max_time;		/* the latest outer time: later events are no use */
	bool		have_last;		/* OuterKeep: the last outer time so far */
	Datum		last_time;
	int			chunk;			/* the loaded chunk */
	int			chunk_n;		/* its rows, in (key, time) order */
	int			chunk_pos;		/* the next one to return */
	MinimalTuple *rows;
	int		   *answer;			/* per row: the slot whose event answers it, or -1 */
	int			nslots;			/* rows with a key and a time: the slots */
	char	   *slot_best;		/* per slot: its best event (see SlotVals) */
	Size		slot_stride;
	int		   *slot_row;		/* per slot: its row */
	int			nkeys;			/* the chunk's keys, in order */
	Datum	   *key;
	int		   *key_slot;		/* each key's first slot; key_slot[nkeys] = nslots */
	struct slotkeys_hash *slot_keys;	/* key -> its slots, if the key type hashes */
	Datum	   *slot_time;		/* the slots' times, apart: the search reads them */
	Datum	   *group_vals;		/* SLOTS_GROUP events read back from a file */
	bool	   *group_nulls;
	char	   *spill_buf;		/* one spilled event, assembled */
	Size		spill_cap;
	char	   *spill_read;		/* bytes read from a chunk's file */
	Size		read_cap;
	Size		read_base;		/* its size, counted in the chunk's budget */
	Size		read_len;
	Size		read_pos;
	bool		key_bitwise;	/* keys equal exactly when their datums do */
	bool		key_bytes;		/* varlena keys equal exactly when their bytes do */
	bool		time_int64;		/* times compare as int64 datums */
	Size		peak_chunk;		/* the largest chunk's memory, for EXPLAIN */

	/* the best event of the current key so far: a row of the batch or copy */
	bool		has_cand;
	Datum	   *cand_vals;
	bool	   *cand_nulls;
	bool		cand_copied;
	Datum	   *copy_vals;		/* the copy, ev_ncols each */
	bool	   *copy_nulls;
	MemoryContext cand_cxt;
} AsofState;

/*
 * Hash and equality of keys, for the sweep's and the slot join's tables: for
 * types whose equal values have equal datums (integers, dates, timestamps
 * passed by value), the datum's bits, with no function call; for those
 * whose equal values have equal bytes (text and varchar under a
 * deterministic collation, bytea), the bytes, without the function's
 * collation lookups at every call; else the type's own functions.  The
 * hash only has to agree with the equality within one table.
 */
static inline uint32
AsofKeyHash(AsofState *st, Datum key)
{
	uint64		x = (uint64) key;

	if (st->key_bytes)
	{
		struct varlena *v = pg_detoast_datum_packed((struct varlena *) DatumGetPointer(key));
		uint32		h = hash_bytes((const unsigned char *) VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v));

		if ((Pointer) v != DatumGetPointer(key))
			pfree(v);
		return h;
	}
	if (!st->key_bitwise)
		return DatumGetUInt32(FunctionCall1Coll(st->key_hash, st->key_collation, key));
	return hash_combine(murmurhash32((uint32) x), murmurhash32((uint32) (x >> 32)));
}

static inline bool
AsofKeyEqual(AsofState *st, Datum a, Datum b)
{
	if (st->key_bitwise)
		return a == b;
	if (st->key_bytes)
	{
		struct varlena *va = pg_detoast_datum_packed((struct varlena *) DatumGetPointer(a));
		struct varlena *vb = pg_detoast_datum_packed((struct varlena *) DatumGetPointer(b));
		bool		eq = VARSIZE_ANY_EXHDR(va) == VARSIZE_ANY_EXHDR(vb) &&
			memcmp(VARDATA_ANY(va), VARDATA_ANY(vb), VARSIZE_ANY_EXHDR(va)) == 0;

		if ((Pointer) va != DatumGetPointer(a))
			pfree(va);
		if ((Pointer) vb != DatumGetPointer(b))
			pfree(vb);
		return eq;
	}
	return DatumGetBool(FunctionCall2Coll(st->key_eq, st->key_collation, a, b));
}

/* Returns column col (1-based, of the events query) of an event. */
static inline Datum
EventAttr(const Datum *vals, const bool *nulls, int col, bool *isnull)
{
	*isnull = nulls[col - 1];
	return vals[col - 1];
}

/* Returns whether the best event ev passes the outer row's lower bound. */
static inline bool
PassesLower(AsofState *st, const Datum *ev_vals, const bool *ev_nulls, Datum lower, bool lower_null)
{
	bool		isnull;
	int			c;

	if (!st->has_lower)
		return true;
	if (lower_null)
		return false;
	c = ApplySortComparator(EventAttr(ev_vals, ev_nulls, EV_TIME, &isnull), false,
							lower, false, &st->time_ssup);
	return st->lower_strict ? c > 0 : c >= 0;
}

extern void AsofSettingOff(const char *name);
extern int	EventsCursorBegin(void);
extern Plan *EventsCursor(AsofState *st, bool ordered, bool rewind);
extern void EventsCursorEnd(AsofState *st, int guc_level, bool unsynced);
extern bool EventsEnsure(AsofState *st);
extern bool TiebreakBefore(AsofState *st, const Datum *ev_vals, const bool *ev_nulls,
						   const Datum *other_vals, const bool *other_nulls);
extern void AsofCloseCursor(AsofState *st);

/* ---- asof_sweep.c: the as-of join's time sweep ---- */

/*
 * The time sweep's table: one entry per key of the events, holding a copy
 * of its best event so far (latest time, then first by the tie-breaks).
 */
typedef struct AsofKeyEntry
{
	Datum		key;			/* a copy, in keys_cxt */
	uint32		hash;
	char		status;
	bool		has_best;
	Datum	   *vals;			/* ev_ncols each, by-reference ones copied */
	bool	   *nulls;
} AsofKeyEntry;

extern void SweepReset(AsofState *st);
extern Tuplesortstate *TimeSortBegin(AsofState *st, TupleDesc desc, AttrNumber col);
extern bool SweepStart(AsofState *st);
extern AsofKeyEntry *SweepFind(AsofState *st, Datum key, Datum time, Datum lower,
							   bool lower_null);
extern void EventKeep(AsofState *st, MemoryContext cxt, const Datum *vals, const bool *nulls,
					  Datum *dst_vals, bool *dst_nulls, bool replace);

/* ---- asof_slots.c: the as-of join's slot join ---- */

/* A slot's best event and its null flags (the layout: SlotStride, asof_slots.c). */
static inline Datum *
SlotVals(AsofState *st, int s)
{
	return (Datum *) (st->slot_best + (Size) s * st->slot_stride);
}

static inline bool *
SlotNulls(AsofState *st, Datum *vals)
{
	return (bool *) (vals + st->ev_ncols);
}

extern void SlotsStart(AsofState *st);
extern bool SlotsNextRow(AsofState *st, int *answer);

/* ---- window.c: the accumulator and queue, shared with window_read.c and feature_state.c ---- */

typedef enum WinKind
{
	WK_COUNT, WK_COUNT_IF, WK_SUM, WK_MEAN, WK_MIN, WK_MAX, WK_FIRST, WK_LAST,
	WK_VAR_SAMP, WK_VAR_POP, WK_STDDEV_SAMP, WK_STDDEV_POP
} WinKind;

typedef struct WinAcc
{
	int64		n;				/* non-null values */
	int64		ntrue;			/* non-null, non-zero values */
	float8		sum;
	float8		mean;
	float8		m2;
	float8		min;
	float8		max;
	float8		first;
	float8		last;
	int64		nonfinite;		/* NaN or infinite values (variances are NaN) */
} WinAcc;


/* Returns the accumulator of no value. */
static inline WinAcc
AccEmpty(void)
{
	WinAcc		a;

	memset(&a, 0, sizeof(a));
	return a;
}

/* min and max in float8's SQL order (NaN above every number) */
static inline float8
Float8Min(float8 a, float8 b)
{
	return float8_cmp_internal(a, b) <= 0 ? a : b;
}

static inline float8
Float8Max(float8 a, float8 b)
{
	return float8_cmp_internal(a, b) >= 0 ? a : b;
}

/* Returns the accumulator of one value. */
static inline WinAcc
AccOf(float8 x)
{
	WinAcc		a;

	a.n = 1;
	a.ntrue = (x != 0.0);
	a.sum = x;
	a.mean = x;
	a.m2 = 0.0;
	a.min = a.max = a.first = a.last = x;
	a.nonfinite = isfinite(x) ? 0 : 1;
	if (a.nonfinite)
		a.mean = 0.0;			/* keep the moments finite; nonfinite decides */
	return a;
}

/*
 * Combines a (earlier values) with b (later values), computing only the
 * fields the aggregate kind reads (the moments cost two divisions).
 */
static pg_attribute_always_inline WinAcc
AccCombine(WinKind kind, const WinAcc *a, const WinAcc *b)
{
	WinAcc		r;

	if (a->n == 0)
		return *b;
	if (b->n == 0)
		return *a;
	r = *a;
	r.n = a->n + b->n;
	switch (kind)
	{
		case WK_COUNT:
			break;
		case WK_COUNT_IF:
			r.ntrue = a->ntrue + b->ntrue;
			break;
		case WK_SUM:
		case WK_MEAN:
			r.sum = a->sum + b->sum;
			break;
		case WK_MIN:
			r.min = Float8Min(a->min, b->min);
			break;
		case WK_MAX:
			r.max = Float8Max(a->max, b->max);
			break;
		case WK_FIRST:
		case WK_LAST:
			r.last = b->last;
			break;
		case WK_VAR_SAMP:
		case WK_VAR_POP:
		case WK_STDDEV_SAMP:
		case WK_STDDEV_POP:
			{
				float8		delta = b->mean - a->mean;

				r.nonfinite = a->nonfinite + b->nonfinite;
				r.mean = a->mean + delta * ((float8) b->n / (float8) r.n);
				r.m2 = a->m2 + b->m2 + delta * delta * ((float8) a->n * (float8) b->n / (float8) r.n);
			}
			break;
	}
	return r;
}

/* Reads the aggregate kind from an accumulator; false means NULL. */
static inline bool
AccResult(WinKind kind, const WinAcc *a, float8 *out)
{
	switch (kind)
	{
		case WK_COUNT:
			*out = (float8) a->n;
			return true;
		case WK_COUNT_IF:
			*out = (float8) a->ntrue;
			return true;
		case WK_SUM:
			*out = a->sum;
			return a->n > 0;
		case WK_MEAN:
			*out = a->n > 0 ? a->sum / (float8) a->n : 0;
			return a->n > 0;
		case WK_MIN:
			*out = a->min;
			return a->n > 0;
		case WK_MAX:
			*out = a->max;
			return a->n > 0;
		case WK_FIRST:
			*out = a->first;
			return a->n > 0;
		case WK_LAST:
			*out = a->last;
			return a->n > 0;
		case WK_VAR_SAMP:
		case WK_STDDEV_SAMP:
			if (a->n < 2)
				return false;
			/* like PostgreSQL: any NaN or infinity makes the variance NaN */
			*out = a->nonfinite > 0 ? get_float8_nan() : Max(a->m2, 0.0) / (float8) (a->n - 1);
			break;
		case WK_VAR_POP:
		case WK_STDDEV_POP:
			if (a->n < 1)
				return false;
			*out = a->nonfinite > 0 ? get_float8_nan() : Max(a->m2, 0.0) / (float8) a->n;
			break;
	}
	if (kind == WK_STDDEV_SAMP || kind == WK_STDDEV_POP)
		*out = sqrt(*out);
	return true;
}

/*
 * The two-stack queue.  Elements [head, split) form the front part, whose
 * suffix accumulators are in suffix[]; elements [split, tail) the back part,
 * whose combination is back.  The arrays hold cap elements; a push that
 * finds them full moves the live elements [head, tail) to the front when
 * they fill at most half, and doubles them otherwise, never past twice
 * bound (AccQueueMakeRoom), so a window's memory follows the elements it
 * holds, not every element ever pushed, and each push moves at most one
 * element on average.  Moving copies accumulators and leave
 * times unchanged: totals are the same, bit for bit.
 */
typedef struct AccQueue
{
	WinKind		kind;
	WinAcc	   *item;
	WinAcc	   *suffix;
	TimestampTz *expiry;		/* only for trailing windows */
	int64		head;
	int64		split;
	int64		tail;
	int64		cap;
	int64		bound;			/* it never holds more than this */
	WinAcc		back;
} AccQueue;

/* the first allocation of a queue whose window has no known bound */
#define ACC_QUEUE_FIRST 1024

extern void AccQueueMakeRoom(AccQueue *q);

/*
 * Calls body with the aggregate kind as a compile-time constant, so that the
 * always-inline loops of window.c and window_read.c are compiled once per
 * kind and the accumulator keeps only the fields that kind reads, in
 * registers.
 */
#define WIN_DISPATCH(kind, body) \
	switch (kind) \
	{ \
		case WK_COUNT: body(WK_COUNT); \
		case WK_COUNT_IF: body(WK_COUNT_IF); \
		case WK_SUM: body(WK_SUM); \
		case WK_MEAN: body(WK_MEAN); \
		case WK_MIN: body(WK_MIN); \
		case WK_MAX: body(WK_MAX); \
		case WK_FIRST: body(WK_FIRST); \
		case WK_LAST: body(WK_LAST); \
		case WK_VAR_SAMP: body(WK_VAR_SAMP); \
		case WK_VAR_POP: body(WK_VAR_POP); \
		case WK_STDDEV_SAMP: body(WK_STDDEV_SAMP); \
		case WK_STDDEV_POP: body(WK_STDDEV_POP); \
		default: elog(ERROR, "unknown aggregate kind %d", (int) (kind)); \
	}

/*
 * The queue's operations come in two forms: ...Of takes the aggregate kind
 * as an argument and is always inlined, so a loop instantiated for one kind
 * (WIN_DISPATCH above) combines without a call or a switch; the plain
 * form reads the kind from the queue.
 */
static pg_attribute_always_inline void
AccQueuePushOf(AccQueue *q, WinKind kind, const WinAcc *a, TimestampTz expiry)
{
	if (unlikely(q->tail == q->cap))
		AccQueueMakeRoom(q);
	q->item[q->tail] = *a;
	if (q->expiry)
		q->expiry[q->tail] = expiry;
	q->tail++;
	q->back = AccCombine(kind, &q->back, a);
}

static pg_attribute_always_inline void
AccQueuePopOf(AccQueue *q, WinKind kind)
{
	Assert(q->head < q->tail);
	if (q->head == q->split)
	{
		/* front part empty: turn the back part into suffixes */
		WinAcc		acc = AccEmpty();

		for (int64 i = q->tail - 1; i >= q->head; i--)
		{
			TL_CHECK_INTERRUPTS_EVERY_64K(q->tail - i);
			acc = AccCombine(kind, &q->item[i], &acc);
			q->suffix[i] = acc;
		}
		q->split = q->tail;
		q->back = AccEmpty();
	}
	q->head++;
}

static pg_attribute_always_inline WinAcc
AccQueueTotalOf(const AccQueue *q, WinKind kind)
{
	if (q->head < q->split)
		return AccCombine(kind, &q->suffix[q->head], &q->back);
	return q->back;
}

static inline void
AccQueuePush(AccQueue *q, const WinAcc *a, TimestampTz expiry)
{
	AccQueuePushOf(q, q->kind, a, expiry);
}

static inline void
AccQueuePop(AccQueue *q)
{
	AccQueuePopOf(q, q->kind);
}

static inline WinAcc
AccQueueTotal(const AccQueue *q)
{
	return AccQueueTotalOf(q, q->kind);
}

static inline int64
AccQueueSize(const AccQueue *q)
{
	return q->tail - q->head;
}

/*
 * Empties the queue.  An emptied queue is in exactly this state whatever
 * its history (head, split and tail meet, and the back part has held
 * nothing since the last turn), so its totals from here on are those of a
 * new queue, bit for bit.
 */
static inline void
AccQueueReset(AccQueue *q)
{
	q->head = q->split = q->tail = 0;
	q->back = AccEmpty();
}

/*
 * How a trailing window's width is applied.  A point at time p is in the
 * window (t - width, t] while p > t - width.  For a width without months in
 * a time zone with a fixed offset, t - width is t minus a constant and the
 * point leaves at exactly p + width in microseconds (the fast path).
 * Otherwise (months, or days across daylight-saving changes) t - width is
 * PostgreSQL's calendar arithmetic, which can move back as t moves forward
 * (window_width.c, LeaveTimeIn): leave times are found by bisection between the
 * instants where it jumps back, and points can come back at those jumps.
 */
typedef struct WindowWidth
{
	Interval   *width;
	bool		fixed;			/* usecs is exact */
	int64		usecs;
	int64		reach;			/* |t - (t - width)| and its steps' are at most this;
								 * PG_INT64_MAX: no bound */
} WindowWidth;

/* The instants where t - width jumps back, in order, and the next one due. */
typedef struct WindowJumps
{
	TimestampTz *at;
	int32		n;
	int32		next;
} WindowJumps;

/*
 * count and count_if over a trailing window: the window's count is the
 * running count minus the count of the values that have left, exact in
 * integers, so two indexes into the input replace the queue.  Every
 * non-NULL value is a member (it gives a leave point, as in
 * AggregateTrailingOf, whose positions and values these are); count_if
 * counts only the non-zero ones.
 */
typedef struct CountWindow
{
	const TimestampTz *times;
	const float8 *values;
	const bits8 *nulls;
	WindowWidth *ww;
	bool		count_if;
	int32		head;			/* oldest member that may still be in */
	int32		leave_of;		/* the member whose leave time is in leave */
	TimestampTz leave;
	int64		count;
	TimestampTz seg_from;		/* the segment between jumps we are in */
	TimestampTz seg_until;
} CountWindow;

extern void AccQueueInit(AccQueue *q, WinKind kind, int64 capacity, int64 bound, bool with_expiry);
extern void AccQueueFree(AccQueue *q);
extern bool TrailingRestart(AccQueue *q, WinKind kind, const WindowWidth *ww,
							const TimestampTz *times, const float8 *values, const bits8 *nulls,
							int32 i, TimestampTz c, TimestampTz until);
extern const char *const win_names[];
extern int	WinKindFromName(const char *name);
extern WinKind WinKindFromText(const char *aggname);
extern int64 TrailingQueueFirst(const Timeline *tl, const WindowWidth *ww);
extern Timeline *AggregateTrailing(Timeline *tl, WinKind kind, Interval *width, bool at_points);
extern void CountWindowInit(CountWindow *w, Timeline *tl, WinKind kind, WindowWidth *ww);

/* window_width.c */
extern void WindowWidthInit(WindowWidth *ww, Interval *width);
extern TimestampTz LeaveTimeIn(const WindowWidth *ww, TimestampTz p, TimestampTz from,
							   TimestampTz until);
extern TimestampTz WindowStart(const WindowWidth *ww, TimestampTz t);
extern TimestampTz WindowHorizon(const WindowWidth *ww, TimestampTz t);
extern void WindowJumpsInit(WindowJumps *wj, const WindowWidth *ww, const TimestampTz *times,
							int32 n, TimestampTz after, TimestampTz upto);

/*
 * Returns the first instant at which a point at time p has left the window,
 * for the fast path only: other widths have no single leave time (window_width.c,
 * LeaveTimeIn).
 */
static inline TimestampTz
LeaveTime(const WindowWidth *ww, TimestampTz p)
{
	TimestampTz t;

	Assert(ww->fixed);
	if (pg_add_s64_overflow(p, ww->usecs, &t) || !IS_VALID_TIMESTAMP(t))
		return DT_NOEND;		/* never leaves within the timestamp range */
	return t;
}

/* window.c: the window search and the trailing count, shared with window_read.c */

/*
 * The first of tl's points from i on that is in the window at time t, after
 * t - width: a search galloping from i finds it in the logarithm of the
 * distance (one comparison when point i is still in, as with probes closer
 * together than the width); it is at most the first point after t, a point
 * being in the window at its own time.
 */
static inline int32
FirstInWindowAt(const TimestampTz *times, int32 i, int32 n, const WindowWidth *ww, TimestampTz t)
{
	TimestampTz start = WindowStart(ww, t);
	int32		lo = i,
				hi,
				step = 1;

	if (lo >= n || times[lo] > start)
		return lo;
	/* times[lo] is out at t: find hi, the first known to be in (or n) */
	for (;;)
	{
		hi = (n - lo > step) ? lo + step : n;
		if (hi == n || times[hi] > start)
			break;
		lo = hi;
		step = (step > PG_INT32_MAX / 2) ? step : step * 2;
	}
	/* the answer is in (lo, hi] */
	lo++;
	while (lo < hi)
	{
		int32		mid = lo + (hi - lo) / 2;

		if (times[mid] <= start)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Moves head to the next member before end; false if there is none. */
static inline bool
CountWindowHead(CountWindow *w, int32 end)
{
	while (w->head < end && TimelinePointIsNull(w->nulls, w->head))
		w->head++;
	if (w->head >= end)
		return false;
	if (w->leave_of != w->head)
	{
		w->leave = LeaveTimeIn(w->ww, w->times[w->head], w->seg_from, w->seg_until);
		w->leave_of = w->head;
	}
	return true;
}

/* Drops the member at head. */
static inline void
CountWindowPop(CountWindow *w)
{
	if (!w->count_if || w->values[w->head] != 0.0)
		w->count--;
	w->head++;
}

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

/*
 * Steps to the next point.  Every loop over the points of a timeline steps
 * here, so a cancel or statement_timeout is seen within one point: one
 * timeline can hold tens of millions of them.
 */
static inline void
TimelineCursorNext(TimelineCursor *c)
{
	CHECK_FOR_INTERRUPTS();
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

/* ---- feature_state.c: materialized feature states ---- */
extern bool FeatureStateValueAt(bytea *raw, TimestampTz t, struct pg_tz *tz, float8 *v);

#endif							/* TIMELINE_H */
