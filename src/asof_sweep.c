/*-------------------------------------------------------------------------
 *
 * asof_sweep.c
 *	  The time sweep of the merge as-of join (Custom Scan TimelineAsOf): the
 *	  table of every key's best event, the passes over the events, the
 *	  answer of each outer row in time order.
 *
 * The time sweep (the default when the key type hashes, and the latest
 * event of every key fits in work_mem * hash_mem_multiplier):
 *	1. Read the events in the table's order (no ORDER BY), entering each
 *	   key in a hash table; if the table's estimated size (each key's event
 *	   estimated by its first) passes the limit, give up (nothing has been
 *	   returned) and merge instead.  While their times never decrease, the
 *	   events are only counted; if all of them are in time order (an event
 *	   log appended as it happens), they will be read again in the table's
 *	   order (the cursor rewound, synchronized scans off: the same rows in the
 *	   same order, which the second reading checks).  At the first event
 *	   out of order, start again, this time putting the events into a
 *	   tuplesort by time.
 *	2. Sort the outer rows by time alone; while they come in time order (a
 *	   spine built in order, the event log joined with itself) they are
 *	   only kept as they come, in a tuplestore, and move into the sort at
 *	   the first row earlier than the one before (OuterKeep, in asof_exec.c).
 *	3. For each outer row in time order, take in every event at or before
 *	   its time (before, for a strict bound): an event replaces its key's
 *	   entry if it is later, or as late and first by the tie-breaks.  The
 *	   row's key's entry answers it if it passes the lower bound.
 * Sorting by one scalar costs less than by (key, time), an event log in
 * time order is not sorted at all, and no index or collation is involved.
 *
 * The node, the events query and its cursor, the outer rows and the
 * memory rules of the three algorithms are in asof_exec.c; the state and
 * the table's entry (AsofKeyEntry) in timeline.h.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_am.h"
#include "catalog/pg_inherits.h"
#include "executor/executor.h"
#include "executor/tuptable.h"
#include "miscadmin.h"
#include "utils/datum.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/sortsupport.h"
#include "utils/tuplesort.h"
#include "utils/typcache.h"

#include "timeline.h"

#define SH_PREFIX asofkeys
#define SH_ELEMENT_TYPE AsofKeyEntry
#define SH_KEY_TYPE Datum
#define SH_KEY key
#define SH_HASH_KEY(tb, k) AsofKeyHash((AsofState *) (tb)->private_data, k)
#define SH_EQUAL(tb, a, b) AsofKeyEqual((AsofState *) (tb)->private_data, a, b)
#define SH_STORE_HASH
#define SH_GET_HASH(tb, a) ((a)->hash)
#define SH_SCOPE static inline
#define SH_DECLARE
#define SH_DEFINE
#include "lib/simplehash.h"

/* Forgets the sweep's events, table and sort. */
void
SweepReset(AsofState *st)
{
	if (st->ev_sort)
		tuplesort_end(st->ev_sort);
	st->ev_sort = NULL;
	if (st->ev_slot)
		ExecDropSingleTupleTableSlot(st->ev_slot);
	st->ev_slot = NULL;
	st->ev_pending = false;
	st->keys = NULL;
	MemoryContextReset(st->keys_cxt);
}

/* The memory an event's columns take when copied into the sweep's table. */
static Size
EventCopySize(AsofState *st, const Datum *vals, const bool *nulls)
{
	Size		size = st->ev_ncols * (sizeof(Datum) + sizeof(bool));

	for (int i = 0; i < st->ev_ncols; i++)
		if (!nulls[i] && !st->ev_byval[i])
			size += MAXALIGN(datumGetSize(vals[i], false, st->ev_typlen[i]));
	return size;
}

/*
 * Opens the events query in the table's order.  A scan of a large table
 * may join one already running and start mid-table (synchronize_seqscans,
 * read when a scan starts: at the query's first run, or for a later
 * partition of a partitioned table at a later one), so every run of this
 * query is with that setting off: each table is read from its first page.
 */
static void
SweepCursor(AsofState *st)
{
	int			guc_level = EventsCursorBegin();

	AsofSettingOff("enable_indexscan");
	(void) EventsCursor(st, false, true);
	EventsCursorEnd(st, guc_level, true);
}

/*
 * Rewinds the sweep's events query for its second reading: the same plan
 * and snapshot scan again (each heap scan from the page it started at,
 * the first), so the rows come back in the same order.
 */
static void
SweepRewind(AsofState *st)
{
	int			guc_level = 0;

	if (st->unsynced)
	{
		guc_level = NewGUCNestLevel();
		AsofSettingOff("synchronize_seqscans");
	}
	ExecutorRewind(st->events_qd);
	if (st->unsynced)
		AtEOXact_GUC(true, guc_level);
	st->events_at_end = false;
	MemoryContextReset(st->batch_cxt);
	st->events_done = false;
	st->batch_n = st->batch_pos = 0;
}

/*
 * Whether an event's time is earlier than the previous event's (in the
 * table's order); remembers it as the previous one.
 */
static inline bool
TimeGoesBack(AsofState *st, const Datum *vals)
{
	bool		back = st->have_prev &&
		ApplySortComparator(vals[EV_TIME - 1], false, st->prev_time, false, &st->time_ssup) < 0;

	st->have_prev = true;
	st->prev_time = vals[EV_TIME - 1];
	return back;
}

/*
 * Begins a sort by time alone of tuples of desc whose time is column col
 * (1-based): the sweep's events and outer rows.
 */
Tuplesortstate *
TimeSortBegin(AsofState *st, TupleDesc desc, AttrNumber col)
{
	Oid			op = lookup_type_cache(st->time_type, TYPECACHE_LT_OPR)->lt_opr;
	Oid			coll = InvalidOid;
	bool		nulls_first = false;

	return tuplesort_begin_heap(desc, 1, &col, &op, &coll, &nulls_first, work_mem, NULL,
								TUPLESORT_NONE);
}

/* What the sweep's first pass found. */
typedef enum SweepLoad
{
	SWEEP_TOO_BIG,				/* the keys do not fit: merge instead */
	SWEEP_SORTED,				/* the events are in the sort */
	SWEEP_IN_ORDER,				/* the table is in time order: read it again */
	SWEEP_OUT_OF_ORDER			/* it is not: start again, sorting */
} SweepLoad;

/*
 * The sweep's first pass: reads the events in the table's order (no index,
 * no sort), entering every key in the table.  The table will hold one
 * event per key; when that would pass the hash memory limit (work_mem *
 * hash_mem_multiplier, the event of a key estimated by its first one),
 * everything is undone and SWEEP_TOO_BIG returned: the merge runs instead,
 * and nothing has been returned yet.
 *
 * With check_order, the events are only counted while their times never
 * decrease; at the first that does, SWEEP_OUT_OF_ORDER (the pass is to be
 * made again without check_order), and if none did, SWEEP_IN_ORDER: the
 * sweep reads the table a second time instead of sorting it (an event log
 * is usually appended in time order).  Without it, the events go into a
 * tuplesort by time (SWEEP_SORTED).
 */
static SweepLoad
SweepLoadEvents(AsofState *st, bool check_order)
{
	EState	   *estate = st->css.ss.ps.state;
	size_t		limit = get_hash_memory_limit();
	SweepLoad	result = check_order ? SWEEP_IN_ORDER : SWEEP_SORTED;

	SweepReset(st);
	SweepCursor(st);
	st->keys = asofkeys_create(st->keys_cxt, 1024, st);
	st->keys_bytes = 0;
	st->first_pass = 0;
	st->have_prev = false;
	while (result != SWEEP_OUT_OF_ORDER && EventsEnsure(st))
	{
		Datum	   *vals = st->batch_vals + (Size) st->batch_pos * st->ev_ncols;
		bool	   *nulls = st->batch_nulls + (Size) st->batch_pos * st->ev_ncols;
		AsofKeyEntry *e;
		bool		found;

		if (check_order)
		{
			if (TimeGoesBack(st, vals))
			{
				result = SWEEP_OUT_OF_ORDER;
				break;
			}
		}
		else if (st->ev_sort == NULL)
		{
			/* the events' columns are known now */
			MemoryContext old = MemoryContextSwitchTo(estate->es_query_cxt);

			st->ev_slot = MakeSingleTupleTableSlot(st->ev_desc, &TTSOpsMinimalTuple);
			st->ev_sort = TimeSortBegin(st, st->ev_desc, EV_TIME);
			MemoryContextSwitchTo(old);
		}
		e = asofkeys_insert(st->keys, vals[EV_KEY - 1], &found);
		if (!found)
		{
			MemoryContext old = MemoryContextSwitchTo(st->keys_cxt);

			/* the table holds the batch's datum: keep a copy instead */
			e->key = datumCopy(vals[EV_KEY - 1], st->ev_byval[EV_KEY - 1], st->ev_typlen[EV_KEY - 1]);
			MemoryContextSwitchTo(old);
			e->has_best = false;
			e->vals = NULL;
			e->nulls = NULL;
			st->keys_bytes += EventCopySize(st, vals, nulls);
			if (MemoryContextMemAllocated(st->keys_cxt, true) + st->keys_bytes > limit)
			{
				result = SWEEP_TOO_BIG;
				break;
			}
		}
		if (!check_order)
		{
			ExecClearTuple(st->ev_slot);
			memcpy(st->ev_slot->tts_values, vals, sizeof(Datum) * st->ev_ncols);
			memcpy(st->ev_slot->tts_isnull, nulls, sizeof(bool) * st->ev_ncols);
			ExecStoreVirtualTuple(st->ev_slot);
			tuplesort_puttupleslot(st->ev_sort, st->ev_slot);
		}
		st->first_pass++;
		st->batch_pos++;
		if ((st->batch_pos & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	/* an event log in time order keeps its cursor for the second reading */
	if (result != SWEEP_IN_ORDER)
		AsofCloseCursor(st);
	MemoryContextReset(st->batch_cxt);
	st->batch_n = st->batch_pos = 0;
	if (result == SWEEP_TOO_BIG || result == SWEEP_OUT_OF_ORDER)
		SweepReset(st);
	else if (st->ev_sort)
		tuplesort_performsort(st->ev_sort);
	return result;
}

/*
 * Whether two scans of the events return the same rows in the same order:
 * true for heap tables and materialized views (and a partitioned or
 * inherited table made of them), read under one snapshot; not for a
 * foreign table (each scan asks the remote side again) or another table
 * access method.
 */
static bool
EventsRereadable(AsofState *st)
{
	List	   *rels = st->inh ? find_all_inheritors(st->relid, AccessShareLock, NULL) :
		list_make1_oid(st->relid);
	ListCell   *lc;
	bool		ok = true;

	foreach(lc, rels)
	{
		Relation	rel = RelationIdGetRelation(lfirst_oid(lc));

		if (!RelationIsValid(rel))
			elog(ERROR, "TimelineAsOf: could not open relation %u", lfirst_oid(lc));
		if (rel->rd_rel->relkind != RELKIND_PARTITIONED_TABLE &&
			((rel->rd_rel->relkind != RELKIND_RELATION && rel->rd_rel->relkind != RELKIND_MATVIEW) ||
			 rel->rd_rel->relam != HEAP_TABLE_AM_OID))
			ok = false;
		RelationClose(rel);
		if (!ok)
			break;
	}
	list_free(rels);
	return ok;
}

/*
 * Prepares the sweep's events: in the table's order if the table is in
 * time order (read twice, never sorted), else sorted by time.  Returns
 * false when the keys do not fit (the merge runs instead).
 */
bool
SweepStart(AsofState *st)
{
	SweepLoad	load = SWEEP_OUT_OF_ORDER;

	st->in_order = false;
	if (st->time_byval && EventsRereadable(st))
		load = SweepLoadEvents(st, true);
	if (load == SWEEP_OUT_OF_ORDER)
		load = SweepLoadEvents(st, false);
	if (load == SWEEP_TOO_BIG)
		return false;
	if (load == SWEEP_IN_ORDER)
	{
		/* the second pass: the same rows, in the same order */
		st->in_order = true;
		st->have_prev = false;
		st->second_pass = 0;
		SweepRewind(st);
	}
	return true;
}

/*
 * The next event of the table in time order (read a second time), or NULL
 * at the end.  Checks what the first pass established: times that never
 * decrease, and as many events.
 */
static Datum *
SweepNextInOrder(AsofState *st, bool **nulls)
{
	Datum	   *vals;

	if (!EventsEnsure(st))
	{
		if (st->second_pass != st->first_pass)
			elog(ERROR, "TimelineAsOf: the events table gave %lld rows, then %lld",
				 (long long) st->first_pass, (long long) st->second_pass);
		return NULL;
	}
	vals = st->batch_vals + (Size) st->batch_pos * st->ev_ncols;
	*nulls = st->batch_nulls + (Size) st->batch_pos * st->ev_ncols;
	if (TimeGoesBack(st, vals))
		elog(ERROR, "TimelineAsOf: the events table is no longer in time order");
	return vals;
}

/*
 * Keeps a copy of an event's columns in dst_vals and dst_nulls, values
 * passed by reference copied into cxt; with replace, first frees those of
 * the copy it replaces.
 */
void
EventKeep(AsofState *st, MemoryContext cxt, const Datum *vals, const bool *nulls,
		  Datum *dst_vals, bool *dst_nulls, bool replace)
{
	MemoryContext old;

	if (replace)
		for (int i = 0; i < st->ev_ncols; i++)
			if (!dst_nulls[i] && !st->ev_byval[i])
				pfree(DatumGetPointer(dst_vals[i]));
	old = MemoryContextSwitchTo(cxt);
	for (int i = 0; i < st->ev_ncols; i++)
	{
		dst_nulls[i] = nulls[i];
		dst_vals[i] = (nulls[i] || st->ev_byval[i]) ? vals[i] :
			datumCopy(vals[i], false, st->ev_typlen[i]);
	}
	MemoryContextSwitchTo(old);
}

/*
 * Takes one event (in time order) into the sweep's table: it becomes its
 * key's best event if it is later than the best so far, or as late and
 * first by the tie-breaks.
 */
static void
SweepAbsorb(AsofState *st, const Datum *vals, const bool *nulls)
{
	AsofKeyEntry *e = asofkeys_lookup(st->keys, vals[EV_KEY - 1]);

	if (e == NULL)
		elog(ERROR, "TimelineAsOf: an event's key is missing from the sweep's table");
	if (e->has_best)
	{
		bool		isnull;
		int			d = ApplySortComparator(vals[EV_TIME - 1], false,
											EventAttr(e->vals, e->nulls, EV_TIME, &isnull), false,
											&st->time_ssup);

		if (d < 0 || (d == 0 && !TiebreakBefore(st, vals, nulls, e->vals, e->nulls)))
			return;
	}
	else
	{
		e->vals = MemoryContextAlloc(st->keys_cxt, sizeof(Datum) * st->ev_ncols);
		e->nulls = MemoryContextAlloc(st->keys_cxt, sizeof(bool) * st->ev_ncols);
	}
	EventKeep(st, st->keys_cxt, vals, nulls, e->vals, e->nulls, e->has_best);
	e->has_best = true;
}

/*
 * Finds the answer for an outer row in the sweep (rows come in time order):
 * takes in every event up to the row's time, then reads its key's best
 * event.  Returns it if it answers the row, else NULL.
 */
AsofKeyEntry *
SweepFind(AsofState *st, Datum key, Datum time, Datum lower, bool lower_null)
{
	AsofKeyEntry *e;
	int64		n = 0;

	while (st->in_order)
	{
		bool	   *nulls;
		Datum	   *vals = SweepNextInOrder(st, &nulls);
		int			d;

		if (vals == NULL)
			break;
		d = ApplySortComparator(vals[EV_TIME - 1], false, time, false, &st->time_ssup);
		if (st->upper_strict ? d >= 0 : d > 0)
			break;
		SweepAbsorb(st, vals, nulls);
		st->second_pass++;
		st->batch_pos++;
		if ((++n & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	while (st->ev_sort != NULL)
	{
		int			d;

		if (!st->ev_pending)
		{
			if (!tuplesort_gettupleslot(st->ev_sort, true, false, st->ev_slot, NULL))
				break;
			slot_getallattrs(st->ev_slot);
			st->ev_pending = true;
		}
		d = ApplySortComparator(st->ev_slot->tts_values[EV_TIME - 1], false, time, false,
								&st->time_ssup);
		if (st->upper_strict ? d >= 0 : d > 0)
			break;
		SweepAbsorb(st, st->ev_slot->tts_values, st->ev_slot->tts_isnull);
		st->ev_pending = false;
		if ((++n & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	e = asofkeys_lookup(st->keys, key);
	if (e == NULL || !e->has_best || !PassesLower(st, e->vals, e->nulls, lower, lower_null))
		return NULL;
	return e;
}
