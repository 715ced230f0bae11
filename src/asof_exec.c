/*-------------------------------------------------------------------------
 *
 * asof_exec.c
 *	  Executor side of the merge as-of join (Custom Scan TimelineAsOf).
 *
 * Three algorithms, for outer rows s and the events table e.
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
 *	   the first row earlier than the one before (OuterKeep).
 *	3. For each outer row in time order, take in every event at or before
 *	   its time (before, for a strict bound): an event replaces its key's
 *	   entry if it is later, or as late and first by the tie-breaks.  The
 *	   row's key's entry answers it if it passes the lower bound.
 * Sorting by one scalar costs less than by (key, time), an event log in
 * time order is not sorted at all, and no index or collation is involved.
 *
 * The slot join (when the sweep is off or does not fit, and the key merge
 * would sort the events: no index gives them in (key, time) order):
 *	1. Sort the outer rows by (key, time) as for the key merge, and cut them
 *	   into chunks of whole keys that fit work_mem * hash_mem_multiplier.
 *	   Each row with a key and a time is a slot.
 *	2. Read the events once in the table's order (no sort): an event goes to
 *	   the first slot of its key at or after its time (after, for a strict
 *	   bound) and stays there if it is the slot's latest, ties by the
 *	   tie-breaks.  Events of the first chunk go straight into its slots,
 *	   the others into one temporary file per chunk, read back when their
 *	   chunk is loaded.
 *	3. A row's answer is the best event of the last non-empty slot of its
 *	   key at or before it (a key's slots hold increasing spans of time).
 * Each event costs a hash probe and a short binary search instead of its
 * share of a sort of every event; a sort of 10M events at a small work_mem
 * is an external merge of many runs, while the slot join writes and reads
 * the events of later chunks once.  See "The slot join" below.
 *
 * The key merge (when neither runs):
 *	1. Read every outer row, evaluate its key, time and lower bound, and
 *	   sort the rows by (key, time) with a tuplesort (bounded by work_mem,
 *	   spills to disk like any sort).
 *	2. Read the events with a query (built from the table's OID, planned
 *	   and run by the node, as a cursor it owns)
 *	     SELECT ts, k, tie-breaks..., outputs... FROM e
 *	     WHERE k IS NOT NULL AND ts IS NOT NULL ORDER BY k, ts
 *	   (a text-like key is ordered by the "C" collation on both sides unless
 *	   a covering index's order is followed: any order that agrees with the
 *	   key's equality will do, and bytes compare faster than strcoll);
 *	   fetched in batches straight into arrays of datums by a DestReceiver
 *	   of our own (no tuple is formed or copied per event, as SPI's fetch
 *	   would); with a btree index on (k, ts, ...) holding every
 *	   column it needs, it plans as an ordered index-only scan; with one
 *	   that does not cover, on a table whose rows lie in time order, the
 *	   planner chooses between an ordered index scan and a sort (the keys
 *	   then follow the index's collation on both sides); otherwise plain
 *	   index scans are switched off for it (visiting the heap in index order
 *	   costs more than a sort on a table in no useful order), so it reads
 *	   the table and sorts.  The events query is planned before the outer
 *	   rows are sorted, since its plan decides the order of the keys.
 *	3. Merge: for each outer row in order, advance the events while they are
 *	   at or before (key, time) (before, for a strict bound), keeping the
 *	   best event of the key so far: the latest time, and among events of
 *	   that time the first by the subquery's tie-break ORDER BY.  That event
 *	   answers the row if it passes the lower bound; otherwise the row gets
 *	   NULLs (LEFT) or is skipped (CROSS).
 * Both inputs are read once: O((n + m) log) for the sorts plus O(n + m) for
 * the merge, instead of one index descent per outer row.
 *
 * Memory: each sort and the sweep's tuplestore respect work_mem (while the
 * kept rows move into the sort, both hold up to work_mem), the sweep's
 * table of keys and the slot join's chunk work_mem * hash_mem_multiplier
 * (a chunk holds whole keys, so one key with more outer rows than fit makes
 * its chunk larger; the chunk's budget includes its buffer for reading
 * spilled events back); events are held one batch at a time
 * (EVENTS_BATCH rows of datums), plus a copy of the current best event when
 * a batch is replaced (the merge) or of each key's (the sweep).  Per-row
 * work happens in the per-tuple context, reset every row.  Loops check for
 * interrupts, so statement_timeout and cancel act promptly.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/sysattr.h"
#include "access/table.h"
#include "catalog/pg_am.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_inherits.h"
#include "catalog/pg_type.h"
#include "commands/explain.h"
#include "executor/executor.h"
#include "executor/tuptable.h"
#include "miscadmin.h"
#include "nodes/extensible.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/optimizer.h"
#include "parser/parse_clause.h"
#include "parser/parse_oper.h"
#include "parser/parse_relation.h"
#include "rewrite/rewriteHandler.h"
#include "common/hashfn.h"
#include "storage/buffile.h"
#include "tcop/tcopprot.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/ruleutils.h"
#include "utils/sortsupport.h"
#include "utils/tuplesort.h"
#include "utils/tuplestore.h"
#include "utils/typcache.h"

#include "timeline.h"

#define EVENTS_BATCH	4096
#define SLOTS_GROUP	16		/* events a slot search takes together */
#define SPILL_READ	65536	/* bytes of spilled events read at a time, at most */

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

/* Receives fetched events into the state's batch arrays. */
typedef struct EventsReceiver
{
	DestReceiver pub;
	AsofState  *st;
} EventsReceiver;

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

/*
 * Hash and equality of keys, for the sweep's and the slot join's tables: for
 * types whose equal values have equal datums (integers, dates, timestamps
 * passed by value), the datum's bits, with no function call; else the
 * type's own functions.
 */
static inline uint32
AsofKeyHash(AsofState *st, Datum key)
{
	uint64		x = (uint64) key;

	if (!st->key_bitwise)
		return DatumGetUInt32(FunctionCall1Coll(st->key_hash, st->key_collation, key));
	return hash_combine(murmurhash32((uint32) x), murmurhash32((uint32) (x >> 32)));
}

static inline bool
AsofKeyEqual(AsofState *st, Datum a, Datum b)
{
	if (st->key_bitwise)
		return a == b;
	return DatumGetBool(FunctionCall2Coll(st->key_eq, st->key_collation, a, b));
}

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

/*
 * The slot join's table of the loaded chunk's keys (when the key type
 * hashes): a key's slots, found with one probe instead of a binary search
 * over the chunk's directory of keys.
 */
typedef struct SlotKeyEntry
{
	Datum		key;			/* points into the chunk's rows */
	uint32		hash;
	char		status;
	int			first;			/* its slots: first .. end - 1 */
	int			end;
} SlotKeyEntry;

#define SH_PREFIX slotkeys
#define SH_ELEMENT_TYPE SlotKeyEntry
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

static Node *AsofCreateScanState(CustomScan *cscan);
static bool EventsEnsure(AsofState *st);
static inline Datum EventAttr(const Datum *vals, const bool *nulls, int col, bool *isnull);
static bool TiebreakBefore(AsofState *st, const Datum *ev_vals, const bool *ev_nulls,
						   const Datum *other_vals, const bool *other_nulls);
static inline bool PassesLower(AsofState *st, const Datum *ev_vals, const bool *ev_nulls,
							   Datum lower, bool lower_null);
static void AsofCloseCursor(AsofState *st);
static void SlotsStart(AsofState *st);
static void AsofBegin(CustomScanState *node, EState *estate, int eflags);
static TupleTableSlot *AsofExec(CustomScanState *node);
static void AsofEnd(CustomScanState *node);
static void AsofReScan(CustomScanState *node);
static void AsofExplain(CustomScanState *node, List *ancestors, ExplainState *es);

const CustomScanMethods timeline_asof_scan_methods = {
	.CustomName = "TimelineAsOf",
	.CreateCustomScanState = AsofCreateScanState,
};

static const CustomExecMethods asof_exec_methods = {
	.CustomName = "TimelineAsOf",
	.BeginCustomScan = AsofBegin,
	.ExecCustomScan = AsofExec,
	.EndCustomScan = AsofEnd,
	.ReScanCustomScan = AsofReScan,
	.ExplainCustomScan = AsofExplain,
};

/* Creates the scan state of a TimelineAsOf plan node. */
static Node *
AsofCreateScanState(CustomScan *cscan)
{
	AsofState  *st = (AsofState *) newNode(sizeof(AsofState), T_CustomScanState);

	st->css.methods = &asof_exec_methods;
	return (Node *) st;
}

/* Prepares sort support for ordering operator sortop. */
static void
PrepareSortSupport(SortSupport ssup, Oid sortop, Oid collation, bool nulls_first)
{
	memset(ssup, 0, sizeof(SortSupportData));
	ssup->ssup_cxt = CurrentMemoryContext;
	ssup->ssup_collation = collation;
	ssup->ssup_nulls_first = nulls_first;
	PrepareSortSupportFromOrderingOp(sortop, ssup);
}

/* Copies an int list into a new array. */
static int *
IntArray(List *list, int stride, int offset)
{
	int			n = list_length(list) / stride;
	int		   *out = palloc(sizeof(int) * Max(n, 1));

	for (int i = 0; i < n; i++)
		out[i] = list_nth_int(list, i * stride + offset);
	return out;
}

/*
 * Checks the SELECT right on the events' columns that the node reads, as
 * the executor checks the plan's own tables (and with its hook): the
 * lateral subquery's range table does not reach the plan, so without this
 * EXPLAIN and a cursor never fetched went through for a role that may not
 * read them, where the plain plan fails at once.  The columns are those
 * the subquery names: its key and time (its WHERE), tie-breaks (its ORDER
 * BY) and outputs.
 */
static void
CheckEventsRights(AsofState *st)
{
	RangeTblEntry *rte = makeNode(RangeTblEntry);

	rte->rtekind = RTE_RELATION;
	rte->relid = st->relid;
	rte->relkind = get_rel_relkind(st->relid);
	rte->inh = st->inh;
	rte->requiredPerms = ACL_SELECT;
	rte->checkAsUser = InvalidOid;	/* the current user, as the plan made sure */
	rte->selectedCols = bms_add_member(rte->selectedCols,
									   st->key_attno - FirstLowInvalidHeapAttributeNumber);
	rte->selectedCols = bms_add_member(rte->selectedCols,
									   st->time_attno - FirstLowInvalidHeapAttributeNumber);
	for (int i = 0; i < st->ntiebreaks; i++)
		rte->selectedCols = bms_add_member(rte->selectedCols,
										   st->tb_attnos[i] - FirstLowInvalidHeapAttributeNumber);
	for (int i = 0; i < st->noutputs; i++)
		rte->selectedCols = bms_add_member(rte->selectedCols,
										   st->output_attnos[i] - FirstLowInvalidHeapAttributeNumber);
	(void) ExecCheckRTPerms(list_make1(rte), true);
}

/* Reads the plan's private data and prepares the expressions and sorts. */
static void
AsofBegin(CustomScanState *node, EState *estate, int eflags)
{
	AsofState  *st = (AsofState *) node;
	CustomScan *cscan = (CustomScan *) node->ss.ps.plan;
	List	   *priv = linitial(cscan->custom_private);
	List	   *scalars = linitial(priv);
	List	   *flags = lsecond(priv);
	List	   *outputs = lthird(priv);
	List	   *tiebreaks = lfourth(priv);
	List	   *types = list_nth(priv, 4);
	List	   *outer_map = lsecond(cscan->custom_private);
	List	   *inner_map = lthird(cscan->custom_private);
	TypeCacheEntry *tc;

	st->relid = (Oid) list_nth_int(scalars, 0);
	st->inh = list_nth_int(scalars, 1) != 0;
	st->key_attno = list_nth_int(scalars, 2);
	st->time_attno = list_nth_int(scalars, 3);
	st->upper_strict = list_nth_int(scalars, 4) != 0;
	st->has_lower = list_nth_int(flags, 0) != 0;
	st->lower_strict = list_nth_int(flags, 1) != 0;
	st->left = list_nth_int(flags, 2) != 0;
	st->covering = list_nth_int(flags, 3) != 0;
	st->ordered_index = list_nth_int(flags, 4) != 0;
	st->key_collation = (Oid) list_nth_int(types, 0);

	/*
	 * The merge needs one order of the keys on both sides that agrees with
	 * their equality, not the collation's own order.  The planner admits only
	 * deterministic collations, whose equality is bytewise, so when the
	 * events are sorted anyway (no covering index whose order must be
	 * followed) keys are ordered by "C": bytes compared directly, and sorts
	 * with abbreviated keys, instead of a strcoll() per comparison.  With an
	 * index leading with (key, time) that does not cover, EventsOpen decides
	 * once the events query is planned.
	 */
	st->merge_collation = st->key_collation;
	if (OidIsValid(st->key_collation) && !st->covering)
		st->merge_collation = C_COLLATION_OID;
	st->key_type = (Oid) list_nth_int(types, 1);
	st->time_type = (Oid) list_nth_int(types, 2);
	st->noutputs = list_length(outputs);
	st->output_attnos = (AttrNumber *) palloc(sizeof(AttrNumber) * Max(st->noutputs, 1));
	for (int i = 0; i < st->noutputs; i++)
		st->output_attnos[i] = list_nth_int(outputs, i);
	st->ntiebreaks = list_length(tiebreaks) / 4;
	st->tb_attnos = (AttrNumber *) palloc(sizeof(AttrNumber) * Max(st->ntiebreaks, 1));
	st->tb_ssup = palloc0(sizeof(SortSupportData) * Max(st->ntiebreaks, 1));
	for (int i = 0; i < st->ntiebreaks; i++)
	{
		st->tb_attnos[i] = list_nth_int(tiebreaks, i * 4);
		PrepareSortSupport(&st->tb_ssup[i], (Oid) list_nth_int(tiebreaks, i * 4 + 1),
						   (Oid) list_nth_int(tiebreaks, i * 4 + 3),
						   list_nth_int(tiebreaks, i * 4 + 2) != 0);
	}
	st->nouter = list_length(outer_map) / 2;
	st->outer_scanpos = IntArray(outer_map, 2, 0);
	st->outer_childpos = IntArray(outer_map, 2, 1);
	/* the outer columns the projection or the qual read: kept in the sort */
	{
		Bitmapset  *used = NULL;

		pull_varattnos((Node *) cscan->scan.plan.targetlist, INDEX_VAR, &used);
		pull_varattnos((Node *) cscan->scan.plan.qual, INDEX_VAR, &used);
		st->outer_kept = (bool *) palloc(sizeof(bool) * Max(st->nouter, 1));
		for (int i = 0; i < st->nouter; i++)
			st->outer_kept[i] = bms_is_member(st->outer_scanpos[i] - FirstLowInvalidHeapAttributeNumber,
											  used);
	}
	st->ninner = list_length(inner_map) / 2;
	st->inner_scanpos = IntArray(inner_map, 2, 0);
	st->inner_output = IntArray(inner_map, 2, 1);
	for (int i = 0; i < st->nouter; i++)
	{
		st->outer_scanpos[i]--;
		st->outer_childpos[i]--;
	}
	for (int i = 0; i < st->ninner; i++)
	{
		st->inner_scanpos[i]--;
		st->inner_output[i]--;
	}

	/* the sweep needs the key's hash function (of its default hash opclass) */
	tc = lookup_type_cache(st->key_type, TYPECACHE_HASH_PROC_FINFO | TYPECACHE_EQ_OPR_FINFO);
	st->can_sweep = OidIsValid(tc->hash_proc) && OidIsValid(tc->eq_opr);
	st->keys_kb = list_nth_int(types, 3);
	st->sweep_pays = list_nth_int(types, 4) != 0;
	if (st->can_sweep)
	{
		st->key_hash = &tc->hash_proc_finfo;
		st->key_eq = &tc->eq_opr_finfo;
	}
	tc = lookup_type_cache(st->time_type, TYPECACHE_LT_OPR);
	PrepareSortSupport(&st->time_ssup, tc->lt_opr, InvalidOid, false);
	st->time_byval = tc->typbyval;
	st->time_typlen = tc->typlen;
	get_typlenbyval(st->key_type, &st->key_typlen, &st->key_byval);
	/*
	 * types whose equality is their datums' (not float: -0 = 0, NaN = NaN),
	 * when passed by value (int8 and timestamps are not on 32-bit builds)
	 */
	st->key_bitwise = st->key_byval && (st->key_type == INT2OID || st->key_type == INT4OID ||
		st->key_type == INT8OID || st->key_type == OIDOID || st->key_type == DATEOID ||
		st->key_type == TIMESTAMPOID || st->key_type == TIMESTAMPTZOID);
	st->time_int64 = st->time_ssup.comparator == ssup_datum_signed_cmp;

	st->key_expr = ExecInitExpr(linitial(cscan->custom_exprs), &node->ss.ps);
	st->time_expr = ExecInitExpr(lsecond(cscan->custom_exprs), &node->ss.ps);
	st->lower_expr = ExecInitExpr(lthird(cscan->custom_exprs), &node->ss.ps);
	CheckEventsRights(st);
	st->events_rel = table_open(st->relid, AccessShareLock);
	GetUserIdAndSecContext(&st->userid, &st->sec_context);

	st->outer = ExecInitNode(linitial(cscan->custom_plans), estate, eflags);
	/* EXPLAIN shows the children listed here */
	node->custom_ps = list_make1(st->outer);

	st->batch_cxt = AllocSetContextCreate(CurrentMemoryContext, "TimelineAsOf events",
										  ALLOCSET_DEFAULT_SIZES);
	st->cand_cxt = AllocSetContextCreate(CurrentMemoryContext, "TimelineAsOf best event",
										 ALLOCSET_SMALL_SIZES);
	st->keys_cxt = AllocSetContextCreate(CurrentMemoryContext, "TimelineAsOf keys",
										 ALLOCSET_DEFAULT_SIZES);
	st->slots_cxt = AllocSetContextCreate(CurrentMemoryContext, "TimelineAsOf chunks",
										  ALLOCSET_SMALL_SIZES);
	/* blocks of at most 1MB, so that the last one overshoots little */
	st->chunk_cxt = AllocSetContextCreate(CurrentMemoryContext, "TimelineAsOf slots",
										  ALLOCSET_DEFAULT_MINSIZE, ALLOCSET_DEFAULT_INITSIZE,
										  1024 * 1024);
}

/* Adds a column of the events (range table index 1) to q's select list. */
static TargetEntry *
EventsColumn(Query *q, RangeTblEntry *rte, Relation rel, AttrNumber attno)
{
	Form_pg_attribute att = TupleDescAttr(RelationGetDescr(rel), attno - 1);
	TargetEntry *tle;

	tle = makeTargetEntry((Expr *) makeVar(1, attno, att->atttypid, att->atttypmod,
										   att->attcollation, 0),
						  list_length(q->targetList) + 1,
						  pstrdup(NameStr(att->attname)), false);
	q->targetList = lappend(q->targetList, tle);
	rte->selectedCols = bms_add_member(rte->selectedCols,
									   attno - FirstLowInvalidHeapAttributeNumber);
	return tle;
}

/* Orders q by tle's expression, ascending, NULLs last. */
static void
EventsOrderBy(Query *q, TargetEntry *tle)
{
	SortGroupClause *sgc = makeNode(SortGroupClause);
	Oid			type = exprType((Node *) tle->expr);

	get_sort_group_operators(type, true, true, false,
							 &sgc->sortop, &sgc->eqop, NULL, &sgc->hashable);
	sgc->tleSortGroupRef = assignSortGroupRef(tle, q->targetList);
	sgc->nulls_first = false;
	q->sortClause = lappend(q->sortClause, sgc);
}

/*
 * Builds the cursor query over the events: in (key, time) order for the
 * merge, in the table's order for the sweep and the slot join.
 *
 *	 SELECT ts, k, tie-breaks..., outputs... FROM [ONLY] e
 *	 [WHERE k IS NOT NULL AND ts IS NOT NULL] [ORDER BY k, ts]
 *
 * The tree is built from the table the node holds open, by its OID and
 * attribute numbers, as the planner matched them: no name is looked up
 * again (parsing the text as the current user asked for USAGE on the
 * table's schema, which a view's owner need not have, and would follow a
 * rename).  The rights to read the columns are the range table entry's,
 * checked when the query's executor starts, as for any scan.
 *
 * Events without a key or a time match no row: the ordered query leaves
 * them out (so that an index on (key, time) serves it), and so does the
 * other over a partitioned or foreign table (where the quals can prune a
 * partition of NULL keys or go to the remote side); over a plain table or
 * materialized view it has no WHERE clause and EventsReceive drops them
 * (the quals would cost about a third of a plain scan's time).  The tests
 * are on the datum itself (not IS NOT NULL's test of each field of a
 * composite value, whose events were kept).
 */
static Query *
EventsQuery(AsofState *st, bool ordered)
{
	Relation	rel = st->events_rel;
	ParseState *pstate = make_parsestate(NULL);
	RangeTblEntry *rte;
	RangeTblRef *rtr = makeNode(RangeTblRef);
	Query	   *q = makeNode(Query);
	TargetEntry *time_tle,
			   *key_tle;
	List	   *quals = NIL;

	rte = addRangeTableEntryForRelation(pstate, rel, AccessShareLock, NULL,
										st->inh, true)->p_rte;
	q->commandType = CMD_SELECT;
	q->querySource = QSRC_ORIGINAL;
	q->canSetTag = true;
	q->rtable = pstate->p_rtable;
	rtr->rtindex = 1;

	time_tle = EventsColumn(q, rte, rel, st->time_attno);
	key_tle = EventsColumn(q, rte, rel, st->key_attno);
	for (int i = 0; i < st->ntiebreaks; i++)
		(void) EventsColumn(q, rte, rel, st->tb_attnos[i]);
	for (int i = 0; i < st->noutputs; i++)
		(void) EventsColumn(q, rte, rel, st->output_attnos[i]);

	if (ordered || (rel->rd_rel->relkind != RELKIND_RELATION &&
					rel->rd_rel->relkind != RELKIND_MATVIEW))
	{
		TargetEntry *tles[2] = {key_tle, time_tle};

		for (int i = 0; i < 2; i++)
		{
			NullTest   *nt = makeNode(NullTest);

			nt->arg = (Expr *) copyObject(tles[i]->expr);
			nt->nulltesttype = IS_NOT_NULL;
			nt->argisrow = false;
			nt->location = -1;
			quals = lappend(quals, nt);
		}
	}
	q->jointree = makeFromExpr(list_make1(rtr),
							   quals == NIL ? NULL : (Node *) make_ands_explicit(quals));

	if (ordered)
	{
		if (st->merge_collation != st->key_collation)
		{
			/* ORDER BY k COLLATE "C": a column of its own, not returned */
			CollateExpr *ce = makeNode(CollateExpr);

			ce->arg = (Expr *) copyObject(key_tle->expr);
			ce->collOid = C_COLLATION_OID;
			ce->location = -1;
			key_tle = makeTargetEntry((Expr *) ce, list_length(q->targetList) + 1,
									  NULL, true);
			q->targetList = lappend(q->targetList, key_tle);
		}
		EventsOrderBy(q, key_tle);
		EventsOrderBy(q, time_tle);
	}
	free_parsestate(pstate);
	return q;
}

/*
 * The events query as SQL on one line, for EXPLAIN and as the source text
 * its executor reports (pg_stat_statements, auto_explain).
 */
static char *
EventsQueryText(Query *q)
{
	char	   *sql = pg_get_querydef(q, false);
	char	   *out = sql;
	bool		quoted = false;

	/* the deparser's line breaks and indentation become one space */
	for (char *in = sql; *in != '\0'; in++)
	{
		if (*in == '"')
			quoted = !quoted;
		if (!quoted && *in == '\n')
		{
			while (in[1] == ' ')
				in++;
			if (out > sql && out[-1] != ' ')
				*out++ = ' ';
			continue;
		}
		*out++ = *in;
	}
	*out = '\0';
	while (*sql == ' ')
		sql++;
	return sql;
}

/* Switches a setting off until the current setting nest level ends. */
static void
SettingOff(const char *name)
{
	(void) set_config_option(name, "off", PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
}

/*
 * Starts planning the events query: opens a setting nest level with bitmap
 * scans off (every event is read).  Returns the level for EventsCursorEnd.
 */
static int
EventsCursorBegin(void)
{
	int			guc_level = NewGUCNestLevel();

	SettingOff("enable_bitmapscan");
	return guc_level;
}

/*
 * Plans the events query (ordered by (key, time) or not) and starts an
 * executor on it, both in a memory context of their own under the query's;
 * returns the top of the plan.  rewind: the sweep will read it twice.
 *
 * The query is run by this executor, not through a portal (SPI's cursor):
 * a portal belongs to the (sub)transaction it was opened in, so one opened
 * during a FETCH inside a savepoint went away with ROLLBACK TO while the
 * user's cursor lived on, and COMMIT could drop it before persisting a
 * WITH HOLD cursor that still had to read it.  Run by the node, the query
 * lives as long as the node does, its resources held by the same resource
 * owner as the rest of the plan, and under the same snapshot.
 */
static Plan *
EventsCursor(AsofState *st, bool ordered, bool rewind)
{
	EState	   *estate = st->css.ss.ps.state;
	MemoryContext old;
	Query	   *query;
	char	   *sql;
	List	   *queries;
	PlannedStmt *stmt;
	Oid			save_userid;
	int			save_sec_context;

	Assert(st->events_qd == NULL);
	st->events_cxt = AllocSetContextCreate(estate->es_query_cxt, "TimelineAsOf events query",
										   ALLOCSET_DEFAULT_SIZES);
	old = MemoryContextSwitchTo(st->events_cxt);
	/* as the role that started the executor (an error undoes this) */
	GetUserIdAndSecContext(&save_userid, &save_sec_context);
	SetUserIdAndSecContext(st->userid, st->sec_context);
	query = EventsQuery(st, ordered);
	sql = EventsQueryText(query);
	/* the rewriter adds the table's row security policies, if any */
	queries = QueryRewrite(query);
	if (list_length(queries) != 1)
		elog(ERROR, "TimelineAsOf: the events query was rewritten into %d queries",
			 list_length(queries));
	/* no parallel plan: the query is run a batch at a time */
	stmt = pg_plan_query(linitial_node(Query, queries), sql, 0, NULL);
	st->events_qd = CreateQueryDesc(stmt, sql, estate->es_snapshot, InvalidSnapshot,
									None_Receiver, NULL, NULL, 0);
	ExecutorStart(st->events_qd, rewind ? EXEC_FLAG_REWIND : 0);
	SetUserIdAndSecContext(save_userid, save_sec_context);
	st->events_at_end = false;
	MemoryContextSwitchTo(old);
	return stmt->planTree;
}

/*
 * Starts with an empty batch and restores the settings.  unsynced: every
 * run of the query is with synchronize_seqscans off (see SweepCursor).
 */
static void
EventsCursorEnd(AsofState *st, int guc_level, bool unsynced)
{
	st->events_done = false;
	st->batch_n = st->batch_pos = 0;
	st->has_cand = false;
	st->unsynced = unsynced;
	AtEOXact_GUC(true, guc_level);
}

/* Forgets the sweep's events, table and sort. */
static void
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

	SettingOff("enable_indexscan");
	(void) EventsCursor(st, false, true);
	EventsCursorEnd(st, guc_level, true);
}

/*
 * Runs the events query for up to count more rows into dest, with
 * synchronize_seqscans off if it asks for it (see SweepCursor); returns
 * the rows it passed.  Once a run gives fewer rows than asked, the query
 * is not run again until rewound (an index scan run past its end would
 * start over).
 */
static uint64
EventsFetch(AsofState *st, uint64 count, DestReceiver *dest)
{
	QueryDesc  *qd = st->events_qd;
	int			guc_level = 0;
	uint64		n;

	Assert(qd != NULL && count > 0);
	if (st->events_at_end)
		return 0;
	if (st->unsynced)
	{
		guc_level = NewGUCNestLevel();
		SettingOff("synchronize_seqscans");
	}
	qd->dest = dest;
	ExecutorRun(qd, ForwardScanDirection, count, false);
	n = qd->estate->es_processed;
	if (st->unsynced)
		AtEOXact_GUC(true, guc_level);
	st->events_at_end = n < count;
	return n;
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
		SettingOff("synchronize_seqscans");
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
static Tuplesortstate *
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
static bool
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
static void
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
static AsofKeyEntry *
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

/*
 * Plans and opens the events cursor (phase 2's input), in (key, time)
 * order.  Every event is read, so an index scan that visits the heap in
 * index order is no use without an index leading with (key, time): plain
 * index scans are off then, and the cursor reads a covering index with an
 * index-only scan, or the table followed by a sort.  With such an index
 * that does not cover, PostgreSQL's planner chooses on its costs between
 * the ordered index scan (cheap when the table is cached: no sort) and the
 * sort (no heap page visited twice); the keys are merged in the index's
 * collation if it chose the index, else in "C" (planned again).
 */
static void
EventsOpen(AsofState *st)
{
	bool		try_index = st->covering || st->ordered_index;
	int			guc_level = EventsCursorBegin();

	/* enable_indexscan also governs index-only scans */
	if (!try_index)
		SettingOff("enable_indexscan");
	st->merge_collation = st->key_collation;
	if (OidIsValid(st->key_collation) && !try_index)
		st->merge_collation = C_COLLATION_OID;
	for (;;)
	{
		Plan	   *top;

		top = EventsCursor(st, true, false);
		st->events_order = IsA(top, IndexOnlyScan) ? "index-only scan" :
			IsA(top, IndexScan) ? "index scan" :
			IsA(top, Sort) || IsA(top, IncrementalSort) ? "sort" : "other";
		if (!try_index || !OidIsValid(st->key_collation) ||
			st->key_collation == C_COLLATION_OID ||
			!(IsA(top, Sort) || IsA(top, IncrementalSort)))
			break;
		/* sorted in the key's collation after all: sort by bytes instead */
		AsofCloseCursor(st);
		SettingOff("enable_indexscan");
		st->merge_collation = C_COLLATION_OID;
		try_index = false;
	}
	EventsCursorEnd(st, guc_level, false);
}

/*
 * Keeps an outer row for the sweep in the order it came, while the rows
 * come in time order (rows without a key or a time may come anywhere: they
 * match nothing); returns false once one goes back in time: then the rows
 * kept so far move into a sort by time, which takes this row and the rest.
 * Outer rows in time order are common (an observation spine, or the event
 * log joined with itself), and keeping them costs a write and a read
 * where sorting them costs comparisons and an external sort's merge.
 */
static bool
OuterKeep(AsofState *st, TupleTableSlot *sslot)
{
	MemoryContext old;
	TupleTableSlot *move;

	if (sslot->tts_isnull[SORT_KEY] || sslot->tts_isnull[SORT_TIME])
	{
		tuplestore_puttupleslot(st->outer_store, sslot);
		return true;
	}
	if (!st->have_last ||
		ApplySortComparator(sslot->tts_values[SORT_TIME], false, st->last_time, false,
							&st->time_ssup) >= 0)
	{
		st->have_last = true;
		st->last_time = sslot->tts_values[SORT_TIME];
		tuplestore_puttupleslot(st->outer_store, sslot);
		return true;
	}
	old = MemoryContextSwitchTo(st->css.ss.ps.state->es_query_cxt);
	st->sort = TimeSortBegin(st, st->sort_desc, SORT_TIME + 1);
	move = MakeSingleTupleTableSlot(st->sort_desc, &TTSOpsMinimalTuple);
	MemoryContextSwitchTo(old);
	while (tuplestore_gettupleslot(st->outer_store, true, false, move))
	{
		tuplesort_puttupleslot(st->sort, move);
		CHECK_FOR_INTERRUPTS();
	}
	ExecDropSingleTupleTableSlot(move);
	tuplestore_end(st->outer_store);
	st->outer_store = NULL;
	st->outer_order = "sorted by time";
	return false;
}

/* The next outer row in the merge's order, into the sort slot; false at the end. */
static inline bool
OuterNext(AsofState *st, TupleTableSlot *sslot)
{
	if (st->outer_store != NULL)
		return tuplestore_gettupleslot(st->outer_store, true, false, sslot);
	return tuplesort_gettupleslot(st->sort, true, false, sslot, NULL);
}

/*
 * Chooses the algorithm, then reads every outer row into the sort (or the
 * sweep's tuplestore while they come in time order); for the slot join,
 * also reads the events into the slots (phase 1).
 */
static void
AsofSortOuter(AsofState *st)
{
	PlanState  *outer = st->outer;
	TupleDesc	child_desc = ExecGetResultType(outer);
	ExprContext *econtext = st->css.ss.ps.ps_ExprContext;
	TupleTableSlot *scan = st->css.ss.ss_ScanTupleSlot;
	int			ncols = st->has_lower ? 3 : 2;
	AttrNumber	sort_cols[2] = {SORT_KEY + 1, SORT_TIME + 1};
	Oid			sort_ops[2];
	Oid			sort_colls[2];
	bool		nulls_first[2] = {false, false};
	MemoryContext old;

	/*
	 * The sweep when the key hashes and its events' table fits; else the
	 * merge, where the events' plan decides the order of keys the outer
	 * rows follow.
	 */
	st->sweep = st->can_sweep && timeline_enable_asof_sweep && st->sweep_pays &&
		(Size) st->keys_kb * 1024 <= get_hash_memory_limit() && SweepStart(st);
	if (st->sweep)
		st->events_order = st->in_order ? "sweep in table order" : "sweep by time";
	else
	{
		EventsOpen(st);

		/*
		 * Events that would be sorted are read in the table's order into
		 * slots instead (the keys are then ordered by bytes, as for a sort).
		 */
		st->slots = timeline_enable_asof_slots && strcmp(st->events_order, "sort") == 0;
		if (st->slots)
		{
			AsofCloseCursor(st);
			st->events_order = "slots in table order";
		}
	}
	sort_colls[0] = st->merge_collation;
	sort_colls[1] = InvalidOid;

	sort_ops[0] = lookup_type_cache(st->key_type, TYPECACHE_LT_OPR)->lt_opr;
	sort_ops[1] = lookup_type_cache(st->time_type, TYPECACHE_LT_OPR)->lt_opr;

	old = MemoryContextSwitchTo(st->css.ss.ps.state->es_query_cxt);
	PrepareSortSupport(&st->key_ssup, sort_ops[0], st->merge_collation, false);
	/* the child columns the output reads, after the fixed ones */
	st->child_sortpos = (int *) palloc(sizeof(int) * Max(child_desc->natts, 1));
	for (int c = 0; c < child_desc->natts; c++)
		st->child_sortpos[c] = -1;
	for (int i = 0; i < st->nouter; i++)
		if (st->outer_kept[i] && st->child_sortpos[st->outer_childpos[i]] < 0)
			st->child_sortpos[st->outer_childpos[i]] = ncols++;
	st->sort_desc = CreateTemplateTupleDesc(ncols);
	TupleDescInitEntry(st->sort_desc, SORT_TIME + 1, "time", st->time_type, -1, 0);
	TupleDescInitEntry(st->sort_desc, SORT_KEY + 1, "key", st->key_type, -1, 0);
	TupleDescInitEntryCollation(st->sort_desc, SORT_KEY + 1, st->merge_collation);
	if (st->has_lower)
		TupleDescInitEntry(st->sort_desc, SORT_LOWER + 1, "lower", st->time_type, -1, 0);
	for (int c = 0; c < child_desc->natts; c++)
	{
		Form_pg_attribute a = TupleDescAttr(child_desc, c);

		if (st->child_sortpos[c] >= 0)
			TupleDescInitEntry(st->sort_desc, st->child_sortpos[c] + 1, NULL, a->atttypid,
							   a->atttypmod, 0);
	}
	st->sort_slot = MakeSingleTupleTableSlot(st->sort_desc, &TTSOpsMinimalTuple);
	if (st->sweep && st->time_byval)
	{
		/*
		 * The sweep needs the outer rows by time alone; while they come in
		 * that order they are only kept (see OuterKeep), not sorted.
		 */
		st->outer_store = tuplestore_begin_heap(false, false, work_mem);
		st->outer_order = "time order, not sorted";
	}
	else if (st->sweep)
	{
		st->sort = TimeSortBegin(st, st->sort_desc, SORT_TIME + 1);
		st->outer_order = "sorted by time";
	}
	else
	{
		/* the slot join reads the rows twice (SlotsPlanChunks) */
		st->sort = tuplesort_begin_heap(st->sort_desc, 2, sort_cols, sort_ops, sort_colls,
										nulls_first, work_mem, NULL,
										st->slots ? TUPLESORT_RANDOMACCESS : TUPLESORT_NONE);
		st->outer_order = "sorted by key and time";
	}
	MemoryContextSwitchTo(old);
	st->have_last = false;

	for (;;)
	{
		TupleTableSlot *oslot;
		TupleTableSlot *sslot = st->sort_slot;

		CHECK_FOR_INTERRUPTS();
		oslot = ExecProcNode(outer);
		if (TupIsNull(oslot))
			break;
		slot_getallattrs(oslot);
		ResetExprContext(econtext);

		/* the outer columns go where the expressions expect them */
		ExecClearTuple(scan);
		memset(scan->tts_isnull, true, sizeof(bool) * scan->tts_tupleDescriptor->natts);
		for (int i = 0; i < st->nouter; i++)
		{
			scan->tts_values[st->outer_scanpos[i]] = oslot->tts_values[st->outer_childpos[i]];
			scan->tts_isnull[st->outer_scanpos[i]] = oslot->tts_isnull[st->outer_childpos[i]];
		}
		ExecStoreVirtualTuple(scan);
		econtext->ecxt_scantuple = scan;

		ExecClearTuple(sslot);
		/*
		 * the bounds of a row without a key are not computed: it matches
		 * nothing, and PostgreSQL's plan compares no event's time with them
		 * (a bound that fails there, such as a division by a zero of that
		 * row, failed only here)
		 */
		sslot->tts_values[SORT_KEY] = ExecEvalExprSwitchContext(st->key_expr, econtext,
																 &sslot->tts_isnull[SORT_KEY]);
		sslot->tts_values[SORT_TIME] = (Datum) 0;
		sslot->tts_isnull[SORT_TIME] = true;
		if (!sslot->tts_isnull[SORT_KEY])
			sslot->tts_values[SORT_TIME] = ExecEvalExprSwitchContext(st->time_expr, econtext,
																	  &sslot->tts_isnull[SORT_TIME]);
		if (st->has_lower)
		{
			sslot->tts_values[SORT_LOWER] = (Datum) 0;
			sslot->tts_isnull[SORT_LOWER] = true;
			if (!sslot->tts_isnull[SORT_TIME])
				sslot->tts_values[SORT_LOWER] = ExecEvalExprSwitchContext(st->lower_expr, econtext,
																		   &sslot->tts_isnull[SORT_LOWER]);
		}
		/* an inner join drops rows that cannot match */
		if (!st->left && (sslot->tts_isnull[SORT_KEY] || sslot->tts_isnull[SORT_TIME]))
			continue;
		for (int c = 0; c < child_desc->natts; c++)
			if (st->child_sortpos[c] >= 0)
			{
				sslot->tts_values[st->child_sortpos[c]] = oslot->tts_values[c];
				sslot->tts_isnull[st->child_sortpos[c]] = oslot->tts_isnull[c];
			}
		ExecStoreVirtualTuple(sslot);
		if (st->outer_store == NULL || !OuterKeep(st, sslot))
			tuplesort_puttupleslot(st->sort, sslot);
	}
	if (st->sort)
		tuplesort_performsort(st->sort);
	ResetExprContext(econtext);
	if (st->slots)
		SlotsStart(st);
	st->sorted = true;
}

/* Learns the events query's columns, once, and makes the batch arrays. */
static void
EventsStartup(DestReceiver *self, int operation, TupleDesc typeinfo)
{
	AsofState  *st = ((EventsReceiver *) self)->st;
	MemoryContext old;

	if (st->ev_byval != NULL)
		return;
	old = MemoryContextSwitchTo(st->css.ss.ps.state->es_query_cxt);
	st->ev_desc = CreateTupleDescCopy(typeinfo);
	st->ev_ncols = typeinfo->natts;
	st->ev_byval = palloc(sizeof(bool) * st->ev_ncols);
	st->ev_typlen = palloc(sizeof(int16) * st->ev_ncols);
	for (int i = 0; i < st->ev_ncols; i++)
	{
		st->ev_byval[i] = TupleDescAttr(typeinfo, i)->attbyval;
		st->ev_typlen[i] = TupleDescAttr(typeinfo, i)->attlen;
	}
	st->batch_vals = palloc(sizeof(Datum) * st->ev_ncols * EVENTS_BATCH);
	st->batch_nulls = palloc(sizeof(bool) * st->ev_ncols * EVENTS_BATCH);
	st->copy_vals = palloc(sizeof(Datum) * st->ev_ncols);
	st->copy_nulls = palloc(sizeof(bool) * st->ev_ncols);
	MemoryContextSwitchTo(old);
}

/*
 * Stores one fetched event as the next row of the batch, unless its key or
 * time is NULL; values passed by reference are copied into the batch
 * context (the slot's point into pages or memory that the next row may
 * reuse).
 */
static bool
EventsReceive(TupleTableSlot *slot, DestReceiver *self)
{
	AsofState  *st = ((EventsReceiver *) self)->st;
	Datum	   *vals = st->batch_vals + (Size) st->batch_n * st->ev_ncols;
	bool	   *nulls = st->batch_nulls + (Size) st->batch_n * st->ev_ncols;
	MemoryContext old = MemoryContextSwitchTo(st->batch_cxt);

	Assert(st->batch_n < EVENTS_BATCH);
	slot_getallattrs(slot);
	if (slot->tts_isnull[EV_KEY - 1] || slot->tts_isnull[EV_TIME - 1])
	{
		MemoryContextSwitchTo(old);
		return true;
	}
	for (int i = 0; i < st->ev_ncols; i++)
	{
		nulls[i] = slot->tts_isnull[i];
		if (nulls[i])
			vals[i] = (Datum) 0;
		else if (st->ev_byval[i])
			vals[i] = slot->tts_values[i];
		else
			vals[i] = datumCopy(slot->tts_values[i], false, st->ev_typlen[i]);
	}
	MemoryContextSwitchTo(old);
	st->batch_n++;
	return true;
}

/* Nothing to do at the end of a fetch or when the receiver goes. */
static void
EventsNoop(DestReceiver *self)
{
}

/*
 * Copies the best event out of the batch (its datums, by-reference ones into
 * cand_cxt) before the batch is replaced.
 */
static void
CandidateCopy(AsofState *st)
{
	MemoryContext old;

	if (!st->has_cand || st->cand_copied)
		return;
	MemoryContextReset(st->cand_cxt);
	old = MemoryContextSwitchTo(st->cand_cxt);
	for (int i = 0; i < st->ev_ncols; i++)
	{
		st->copy_nulls[i] = st->cand_nulls[i];
		st->copy_vals[i] = (st->cand_nulls[i] || st->ev_byval[i]) ? st->cand_vals[i] :
			datumCopy(st->cand_vals[i], false, st->ev_typlen[i]);
	}
	MemoryContextSwitchTo(old);
	st->cand_vals = st->copy_vals;
	st->cand_nulls = st->copy_nulls;
	st->cand_copied = true;
}

/* Makes sure an event is available at batch_pos; false when none is left. */
static bool
EventsEnsure(AsofState *st)
{
	EventsReceiver recv;

	if (st->batch_pos < st->batch_n)
		return true;
	if (st->events_done)
		return false;

	/* the best event may live in the batch about to be freed */
	CandidateCopy(st);
	MemoryContextReset(st->batch_cxt);
	st->batch_n = st->batch_pos = 0;

	memset(&recv, 0, sizeof(recv));
	recv.pub.receiveSlot = EventsReceive;
	recv.pub.rStartup = EventsStartup;
	recv.pub.rShutdown = EventsNoop;
	recv.pub.rDestroy = EventsNoop;
	recv.pub.mydest = DestNone;
	recv.st = st;
	/* a fetch may return only events without a key or a time */
	while (st->batch_n == 0)
	{
		if (EventsFetch(st, EVENTS_BATCH, (DestReceiver *) &recv) == 0)
		{
			st->events_done = true;
			return false;
		}
		CHECK_FOR_INTERRUPTS();
	}
	st->events_read += st->batch_n;
	return true;
}

/* Returns column col (1-based, of the events query) of an event. */
static inline Datum
EventAttr(const Datum *vals, const bool *nulls, int col, bool *isnull)
{
	*isnull = nulls[col - 1];
	return vals[col - 1];
}

/* Returns whether event ev comes before event other by the tie-breaks. */
static bool
TiebreakBefore(AsofState *st, const Datum *ev_vals, const bool *ev_nulls,
			   const Datum *other_vals, const bool *other_nulls)
{
	for (int i = 0; i < st->ntiebreaks; i++)
	{
		bool		n1,
					n2;
		Datum		d1 = EventAttr(ev_vals, ev_nulls, 3 + i, &n1);
		Datum		d2 = EventAttr(other_vals, other_nulls, 3 + i, &n2);
		int			c = ApplySortComparator(d1, n1, d2, n2, &st->tb_ssup[i]);

		if (c != 0)
			return c < 0;
	}
	return false;
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

/*
 * Finds the answer for the outer row (key, time, lower): advances the
 * events up to it, keeping the best event of the key.  Returns whether an
 * event answers it (then st->cand_vals/cand_nulls).
 */
static bool
AsofFind(AsofState *st, Datum key, Datum time, Datum lower, bool lower_null)
{
	bool		isnull;

	if (st->has_cand &&
		ApplySortComparator(EventAttr(st->cand_vals, st->cand_nulls, EV_KEY, &isnull), false,
							key, false, &st->key_ssup) != 0)
		st->has_cand = false;

	while (EventsEnsure(st))
	{
		Datum	   *ev_vals = st->batch_vals + (Size) st->batch_pos * st->ev_ncols;
		bool	   *ev_nulls = st->batch_nulls + (Size) st->batch_pos * st->ev_ncols;
		Datum		ek = EventAttr(ev_vals, ev_nulls, EV_KEY, &isnull);
		Datum		et = EventAttr(ev_vals, ev_nulls, EV_TIME, &isnull);
		int			c = ApplySortComparator(ek, false, key, false, &st->key_ssup);

		if (c > 0)
			break;
		if (c == 0)
		{
			int			d = ApplySortComparator(et, false, time, false, &st->time_ssup);

			if (st->upper_strict ? d >= 0 : d > 0)
				break;
			if (!st->has_cand)
				d = 1;
			else
				d = ApplySortComparator(et, false, EventAttr(st->cand_vals, st->cand_nulls, EV_TIME, &isnull),
										false, &st->time_ssup);
			if (d > 0 || (d == 0 && TiebreakBefore(st, ev_vals, ev_nulls, st->cand_vals, st->cand_nulls)))
			{
				st->cand_vals = ev_vals;
				st->cand_nulls = ev_nulls;
				st->cand_copied = false;
				st->has_cand = true;
			}
		}
		st->batch_pos++;
		if ((st->batch_pos & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
	}

	if (!st->has_cand)
		return false;
	return PassesLower(st, st->cand_vals, st->cand_nulls, lower, lower_null);
}

/*
 * The slot join.  The outer rows, sorted by (key, time), are cut into
 * chunks of whole keys that fit work_mem * hash_mem_multiplier (estimated
 * per row: the sorted tuple, its slot and a copy of an event).  Every row
 * with a key and a time is a slot.  The events are read once in the
 * table's order (no sort): an event belongs to the first slot of its key at
 * or after its time (after, for a strict bound), found through a hash table
 * of the chunk's keys (a binary search over them if the key type has no
 * hash function) and a binary search over the key's slots, and replaces that slot's best event if later, or
 * as late and first by the tie-breaks.  Events of the first chunk go
 * straight into its slots; those of the others are written to one
 * temporary file per chunk and read back when the chunk is loaded.  A
 * row's answer is then the best event of the last non-empty slot of its
 * key at or before it: the slots of a key hold disjoint, increasing spans
 * of time, so a later slot's best is later than any earlier slot's.  The
 * rows come out in (key, time) order, as from the key merge.  One key's
 * rows are never split, so a key with more rows than fit makes its chunk
 * larger than the limit.
 */

/* What a small allocation of size bytes takes from an AllocSet. */
static Size
ChunkSize(Size size)
{
	Size		p = 8;

	while (p < size)
		p <<= 1;
	return p + 16;
}

/*
 * A slot's best event: the latest event after the previous slot's time and
 * at or before its own (before, for a strict bound), ties by the
 * tie-breaks.  It is kept in place in the chunk's array of slots: ev_ncols
 * datums (by-reference ones copied), then their null flags, slot_stride
 * bytes a slot.  A slot is empty while the flag of its event's time is set
 * (an event in a slot has a time).
 */
static Size
SlotStride(AsofState *st)
{
	return MAXALIGN(st->ev_ncols * (sizeof(Datum) + sizeof(bool)));
}

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

/*
 * The memory a slot's copy of an event takes, estimated from the first
 * batch of events.
 */
static Size
SlotsEventSize(AsofState *st)
{
	Size		size = 0;

	if (st->ev_byval == NULL || st->batch_n == 0)
		return 128;
	for (int r = 0; r < st->batch_n; r++)
	{
		const Datum *vals = st->batch_vals + (Size) r * st->ev_ncols;
		const bool *nulls = st->batch_nulls + (Size) r * st->ev_ncols;

		for (int i = 0; i < st->ev_ncols; i++)
			if (!nulls[i] && !st->ev_byval[i])
				size += ChunkSize(datumGetSize(vals[i], false, st->ev_typlen[i]));
	}
	return SlotStride(st) + size / st->batch_n;
}

/*
 * At most this many chunks (temporary files, each with its buffer): more,
 * and the rows are cut again into chunks larger than the memory limit.
 */
#define SLOTS_MAX_CHUNKS 256

/* Ends the open chunk if the group of rows just read does not fit in it. */
static void
SlotsAddGroup(AsofState *st, Size limit, Size *chunk_bytes, int *cap,
			  bool group_null, Datum group_key, Size group_bytes, int64 group_rows)
{
	if (*chunk_bytes > 0 && *chunk_bytes + group_bytes > limit)
	{
		if (st->nchunks == *cap)
		{
			st->chunk_first = repalloc(st->chunk_first, sizeof(Datum) * *cap * 2);
			st->chunk_rows = repalloc(st->chunk_rows, sizeof(int64) * *cap * 2);
			memset(st->chunk_rows + *cap, 0, sizeof(int64) * *cap);
			*cap *= 2;
		}
		st->chunk_first[st->nchunks] = group_null ? (Datum) 0 :
			datumCopy(group_key, st->key_byval, st->key_typlen);
		if (!group_null)
			st->nkeychunks = st->nchunks + 1;
		st->nchunks++;
		*chunk_bytes = 0;
	}
	st->chunk_rows[st->nchunks - 1] += group_rows;
	*chunk_bytes += group_bytes;
}

/*
 * One reading of the sorted outer rows: cuts them into chunks of whole keys
 * (a key's rows, or one row without a key, make a group) of at most limit
 * bytes each, unless one group is larger; finds the latest time of a row
 * with a key; returns the rows' bytes.  Works in slots_cxt.
 */
static Size
SlotsCutChunks(AsofState *st, Size limit)
{
	TupleTableSlot *sslot = st->sort_slot;
	Size		ev_size = SlotsEventSize(st);
	Size		total = 0,
				chunk_bytes = 0,
				group_bytes = 0;
	int64		group_rows = 0,
				n = 0;
	int			cap = 16;
	bool		in_group = false,
				group_null = false;
	Datum		group_key = (Datum) 0;

	st->chunk_first = palloc(sizeof(Datum) * cap);
	st->chunk_rows = palloc0(sizeof(int64) * cap);
	st->nchunks = 1;
	st->nkeychunks = 1;
	st->have_max = false;
	while (tuplesort_gettupleslot(st->sort, true, false, sslot, NULL))
	{
		bool		should_free;
		MinimalTuple tup = ExecFetchSlotMinimalTuple(sslot, &should_free);
		Size		row = ChunkSize(tup->t_len) + sizeof(MinimalTuple) + 3 * sizeof(int) +
			2 * sizeof(Datum) + ev_size + (st->can_sweep ? 2 * sizeof(SlotKeyEntry) : 0);
		bool		key_null,
					time_null;
		Datum		key,
					time;

		slot_getsomeattrs(sslot, SORT_KEY + 1);
		key = sslot->tts_values[SORT_KEY];
		key_null = sslot->tts_isnull[SORT_KEY];
		time = sslot->tts_values[SORT_TIME];
		time_null = sslot->tts_isnull[SORT_TIME];
		if (!in_group || key_null || group_null ||
			ApplySortComparator(key, false, group_key, false, &st->key_ssup) != 0)
		{
			/* a new group: the one before goes into a chunk */
			if (in_group)
			{
				SlotsAddGroup(st, limit, &chunk_bytes, &cap, group_null, group_key,
							  group_bytes, group_rows);
				if (!group_null && !st->key_byval)
					pfree(DatumGetPointer(group_key));
			}
			group_null = key_null;
			group_key = key_null ? (Datum) 0 : datumCopy(key, st->key_byval, st->key_typlen);
			group_bytes = 0;
			group_rows = 0;
			in_group = true;
		}
		if (!key_null && !time_null &&
			(!st->have_max ||
			 ApplySortComparator(time, false, st->max_time, false, &st->time_ssup) > 0))
		{
			if (st->have_max && !st->time_byval)
				pfree(DatumGetPointer(st->max_time));
			st->max_time = datumCopy(time, st->time_byval, st->time_typlen);
			st->have_max = true;
		}
		group_bytes += row;
		group_rows++;
		total += row;
		if ((++n & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	if (in_group)
		SlotsAddGroup(st, limit, &chunk_bytes, &cap, group_null, group_key,
					  group_bytes, group_rows);
	return total;
}

/*
 * Reads the sorted outer rows to cut them into chunks of whole keys that
 * fit work_mem * hash_mem_multiplier (again with larger chunks if that makes
 * more than SLOTS_MAX_CHUNKS), then rewinds them.
 */
static void
SlotsPlanChunks(AsofState *st)
{
	MemoryContext old = MemoryContextSwitchTo(st->slots_cxt);
	Size		limit = get_hash_memory_limit();
	Size		total;

	/* a loaded chunk's buffer for its spilled events comes out of its limit */
	st->read_base = Min((Size) SPILL_READ, Max(limit / 8, (Size) BLCKSZ));
	total = SlotsCutChunks(st, limit - st->read_base);

	if (st->nchunks > SLOTS_MAX_CHUNKS)
	{
		tuplesort_rescan(st->sort);
		MemoryContextReset(st->slots_cxt);
		/* two neighbouring chunks hold more than the limit: at most 256 */
		(void) SlotsCutChunks(st, total / (SLOTS_MAX_CHUNKS / 2) + 1);
	}
	st->chunks_total += st->nchunks;
	st->chunk_files = palloc0(sizeof(BufFile *) * st->nchunks);
	MemoryContextSwitchTo(old);
	tuplesort_rescan(st->sort);
}

/* The chunk an event's key belongs to (0 when there is one). */
static int
SlotsChunkOf(AsofState *st, Datum key)
{
	int			lo = 1,
				hi = st->nkeychunks;

	/* the last chunk whose first key is at or before key (none is NULL) */
	while (lo < hi)
	{
		int			mid = lo + (hi - lo) / 2;

		if (ApplySortComparator(st->chunk_first[mid], false, key, false, &st->key_ssup) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo - 1;
}

/*
 * Loads chunk st->chunk: its rows from the sort, copied, its slots (the rows
 * with a key and a time, in order, empty) and its table of keys.
 */
static void
SlotsLoadChunk(AsofState *st)
{
	int64		n = st->chunk_rows[st->chunk];
	TupleTableSlot *sslot = st->sort_slot;
	MemoryContext old;

	MemoryContextReset(st->chunk_cxt);
	old = MemoryContextSwitchTo(st->chunk_cxt);
	/* row numbers are ints; the arrays may pass 1GB (huge allocations) */
	if (n >= INT_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("TimelineAsOf: too many outer rows for one key")));
	st->chunk_n = (int) n;
	st->chunk_pos = 0;
	n = Max(n, 1);
	st->rows = MemoryContextAllocHuge(st->chunk_cxt, sizeof(MinimalTuple) * n);
	st->answer = MemoryContextAllocHuge(st->chunk_cxt, sizeof(int) * n);
	st->slot_stride = SlotStride(st);
	st->slot_best = MemoryContextAllocHuge(st->chunk_cxt, st->slot_stride * n);
	st->slot_row = MemoryContextAllocHuge(st->chunk_cxt, sizeof(int) * n);
	st->slot_time = MemoryContextAllocHuge(st->chunk_cxt, sizeof(Datum) * n);
	st->key = MemoryContextAllocHuge(st->chunk_cxt, sizeof(Datum) * n);
	st->key_slot = MemoryContextAllocHuge(st->chunk_cxt, sizeof(int) * (n + 1));
	st->nslots = st->nkeys = 0;
	for (int r = 0; r < st->chunk_n; r++)
	{
		if (!tuplesort_gettupleslot(st->sort, true, false, sslot, NULL))
			elog(ERROR, "TimelineAsOf: the sorted outer rows ended early");
		st->rows[r] = ExecCopySlotMinimalTuple(sslot);
		st->answer[r] = -1;
		/* read the copy, so that by-reference keys point into it */
		ExecStoreMinimalTuple(st->rows[r], sslot, false);
		slot_getsomeattrs(sslot, SORT_KEY + 1);
		if (!sslot->tts_isnull[SORT_KEY] && !sslot->tts_isnull[SORT_TIME])
		{
			Datum		key = sslot->tts_values[SORT_KEY];
			Datum	   *vals = SlotVals(st, st->nslots);

			if (st->nkeys == 0 ||
				ApplySortComparator(key, false, st->key[st->nkeys - 1], false, &st->key_ssup) != 0)
			{
				st->key[st->nkeys] = key;
				st->key_slot[st->nkeys++] = st->nslots;
			}
			st->slot_time[st->nslots] = sslot->tts_values[SORT_TIME];
			SlotNulls(st, vals)[EV_TIME - 1] = true;	/* empty */
			st->slot_row[st->nslots] = r;
			st->nslots++;
		}
		if ((r & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	st->key_slot[st->nkeys] = st->nslots;
	st->slot_keys = NULL;
	if (st->can_sweep)
	{
		st->slot_keys = slotkeys_create(st->chunk_cxt, Max(st->nkeys, 16), st);
		for (int k = 0; k < st->nkeys; k++)
		{
			bool		found;
			SlotKeyEntry *e = slotkeys_insert(st->slot_keys, st->key[k], &found);

			e->first = st->key_slot[k];
			e->end = st->key_slot[k + 1];
		}
	}
	st->group_vals = palloc(sizeof(Datum) * st->ev_ncols * SLOTS_GROUP);
	st->group_nulls = palloc(sizeof(bool) * st->ev_ncols * SLOTS_GROUP);
	ExecClearTuple(sslot);
	MemoryContextSwitchTo(old);
}

/* Compares two times (int64 datums directly, as their comparator would). */
static inline int
SlotTimeCmp(AsofState *st, Datum a, Datum b)
{
	if (st->time_int64)
	{
		int64		x = DatumGetInt64(a),
					y = DatumGetInt64(b);

		return (x > y) - (x < y);
	}
	return ApplySortComparator(a, false, b, false, &st->time_ssup);
}

/*
 * The slot among first .. end - 1 (one key's) that an event of time et
 * falls into: the first at or after it (after, for a strict bound); -1 if
 * none.
 */
static inline int
SlotsSearch(AsofState *st, int first, int end, Datum et)
{
	int			lo = first,
				hi = end;

	while (lo < hi)
	{
		int			mid = lo + (hi - lo) / 2;
		int			c = SlotTimeCmp(st, st->slot_time[mid], et);

		if (st->upper_strict ? c > 0 : c >= 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo < end ? lo : -1;
}

/* The slot of the loaded chunk an event falls into, by its key's place in
 * the chunk's directory of keys (key types that do not hash); -1 if none. */
static int
SlotsFindOrdered(AsofState *st, Datum ek, Datum et)
{
	int			lo = 0,
				hi = st->nkeys;

	while (lo < hi)
	{
		int			mid = lo + (hi - lo) / 2;

		if (ApplySortComparator(st->key[mid], false, ek, false, &st->key_ssup) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == st->nkeys ||
		ApplySortComparator(st->key[lo], false, ek, false, &st->key_ssup) != 0)
		return -1;
	return SlotsSearch(st, st->key_slot[lo], st->key_slot[lo + 1], et);
}

/* Takes one event into slot s if it is later than the slot's best, or as
 * late and first by the tie-breaks. */
static inline void
SlotsTake(AsofState *st, int s, const Datum *vals, const bool *nulls)
{
	Datum	   *bv = SlotVals(st, s);
	bool	   *bn = SlotNulls(st, bv);
	bool		full = !bn[EV_TIME - 1];

	if (full)
	{
		int			d = SlotTimeCmp(st, vals[EV_TIME - 1], bv[EV_TIME - 1]);

		if (d < 0 || (d == 0 && !TiebreakBefore(st, vals, nulls, bv, bn)))
			return;
	}
	EventKeep(st, st->chunk_cxt, vals, nulls, bv, bn, full);
}

/*
 * Takes n events (at most SLOTS_GROUP) into their slots of the loaded chunk.
 * Each event's search reads three places the chunk's other events do not
 * share (its key's entry, its key's slot times, its slot), each a likely
 * cache miss in a chunk of megabytes; with a table of keys the group goes
 * through each step together, prefetching what the next step reads, so
 * the misses of the group overlap instead of following one another.  The
 * events are taken in their order, so two of one slot compare as they
 * would one by one.
 */
static void
SlotsAbsorb(AsofState *st, Datum *const *vals, bool *const *nulls, int n)
{
	uint32		hash[SLOTS_GROUP];
	SlotKeyEntry *ent[SLOTS_GROUP];
	int			slot[SLOTS_GROUP];

	Assert(n <= SLOTS_GROUP);
	if (st->slot_keys == NULL)
	{
		for (int i = 0; i < n; i++)
		{
			int			s = SlotsFindOrdered(st, vals[i][EV_KEY - 1], vals[i][EV_TIME - 1]);

			if (s >= 0)
				SlotsTake(st, s, vals[i], nulls[i]);
		}
		return;
	}
	for (int i = 0; i < n; i++)
	{
		hash[i] = AsofKeyHash(st, vals[i][EV_KEY - 1]);
		__builtin_prefetch(&st->slot_keys->data[hash[i] & st->slot_keys->sizemask]);
	}
	for (int i = 0; i < n; i++)
	{
		ent[i] = slotkeys_lookup_hash(st->slot_keys, vals[i][EV_KEY - 1], hash[i]);
		if (ent[i] != NULL)
		{
			__builtin_prefetch(&st->slot_time[ent[i]->first]);
			__builtin_prefetch(&st->slot_time[ent[i]->end - 1]);
		}
	}
	for (int i = 0; i < n; i++)
	{
		slot[i] = ent[i] == NULL ? -1 :
			SlotsSearch(st, ent[i]->first, ent[i]->end, vals[i][EV_TIME - 1]);
		if (slot[i] >= 0)
			__builtin_prefetch(SlotVals(st, slot[i]));
	}
	for (int i = 0; i < n; i++)
		if (slot[i] >= 0)
			SlotsTake(st, slot[i], vals[i], nulls[i]);
}

/*
 * Writes an event to its chunk's file with one write: its null flags, then
 * each column that is not null: a value passed by value in its typlen
 * bytes, another of fixed length in its typlen bytes, any other its length
 * (uint32) and bytes.
 */
static void
SlotsSpill(AsofState *st, int chunk, const Datum *vals, const bool *nulls)
{
	BufFile    *f = st->chunk_files[chunk];
	Size		size = st->ev_ncols;
	char	   *p;

	if (f == NULL)
	{
		MemoryContext old = MemoryContextSwitchTo(st->slots_cxt);

		f = st->chunk_files[chunk] = BufFileCreateTemp(false);
		MemoryContextSwitchTo(old);
	}
	for (int i = 0; i < st->ev_ncols; i++)
		if (!nulls[i])
			size += st->ev_typlen[i] > 0 ? (Size) st->ev_typlen[i] :
				sizeof(uint32) + datumGetSize(vals[i], false, st->ev_typlen[i]);
	if (size > st->spill_cap)
	{
		st->spill_cap = Max(size, 2 * st->spill_cap);
		st->spill_buf = repalloc_huge(st->spill_buf, st->spill_cap);
	}
	p = st->spill_buf;
	memcpy(p, nulls, st->ev_ncols);
	p += st->ev_ncols;
	for (int i = 0; i < st->ev_ncols; i++)
	{
		int16		len = st->ev_typlen[i];

		if (nulls[i])
			continue;
		if (st->ev_byval[i])
		{
			if (len == 1)
				*p = DatumGetChar(vals[i]);
			else if (len == 2)
			{
				int16		v = DatumGetInt16(vals[i]);

				memcpy(p, &v, 2);
			}
			else if (len == 4)
			{
				int32		v = DatumGetInt32(vals[i]);

				memcpy(p, &v, 4);
			}
			else
				memcpy(p, &vals[i], sizeof(Datum));
			p += len;
		}
		else if (len > 0)
		{
			memcpy(p, DatumGetPointer(vals[i]), len);
			p += len;
		}
		else
		{
			uint32		vlen = (uint32) datumGetSize(vals[i], false, len);

			memcpy(p, &vlen, sizeof(vlen));
			memcpy(p + sizeof(vlen), DatumGetPointer(vals[i]), vlen);
			p += sizeof(vlen) + vlen;
		}
	}
	Assert(p == st->spill_buf + size);
	BufFileWrite(f, st->spill_buf, size);
	st->events_spilled++;
	/* a buffer grown for a large event does not stay large */
	if (st->spill_cap > SPILL_READ)
	{
		pfree(st->spill_buf);
		st->spill_cap = 1024;
		st->spill_buf = MemoryContextAlloc(st->slots_cxt, st->spill_cap);
	}
}

/*
 * Makes at least size bytes of a chunk's file readable at spill_read +
 * read_pos, reading read_base bytes (or size, if more) at a time; false
 * if the file ends first.
 */
static bool
SlotsFill(AsofState *st, BufFile *f, Size size)
{
	Size		left = st->read_len - st->read_pos;

	if (left >= size)
		return true;
	if (st->read_cap > st->read_base && Max(size, left) <= st->read_base)
	{
		/* grown for a large event that is read now: back to its size */
		char	   *buf = MemoryContextAlloc(st->chunk_cxt, st->read_base);

		memcpy(buf, st->spill_read + st->read_pos, left);
		pfree(st->spill_read);
		st->spill_read = buf;
		st->read_cap = st->read_base;
	}
	else
		memmove(st->spill_read, st->spill_read + st->read_pos, left);
	st->read_len = left;
	st->read_pos = 0;
	if (size > st->read_cap)
	{
		st->read_cap = Max(size, 2 * st->read_cap);
		st->spill_read = repalloc_huge(st->spill_read, st->read_cap);
	}
	while (st->read_len < size)
	{
		size_t		got = BufFileRead(f, st->spill_read + st->read_len,
									  st->read_cap - st->read_len);

		if (got == 0)
			return false;
		st->read_len += got;
	}
	return true;
}

static void
SlotsReadFailed(void)
{
	ereport(ERROR,
			(errcode_for_file_access(),
			 errmsg("TimelineAsOf: could not read a temporary file of events")));
}

/*
 * Reads the next event of a chunk's file into vals and nulls (by-reference
 * values allocated in batch_cxt); false at the end of the file.
 */
static bool
SlotsUnspill(AsofState *st, BufFile *f, Datum *vals, bool *nulls)
{
	const char *p;

	if (!SlotsFill(st, f, st->ev_ncols))
	{
		if (st->read_len > st->read_pos)
			SlotsReadFailed();
		return false;
	}
	memcpy(nulls, st->spill_read + st->read_pos, st->ev_ncols);
	st->read_pos += st->ev_ncols;
	for (int i = 0; i < st->ev_ncols; i++)
	{
		int16		len = st->ev_typlen[i];

		vals[i] = (Datum) 0;
		if (nulls[i])
			continue;
		if (len > 0)
		{
			if (!SlotsFill(st, f, len))
				SlotsReadFailed();
			p = st->spill_read + st->read_pos;
			st->read_pos += len;
			if (!st->ev_byval[i])
			{
				char	   *v = MemoryContextAlloc(st->batch_cxt, len);

				memcpy(v, p, len);
				vals[i] = PointerGetDatum(v);
			}
			else if (len == 1)
				vals[i] = CharGetDatum(*p);
			else if (len == 2)
			{
				int16		v;

				memcpy(&v, p, 2);
				vals[i] = Int16GetDatum(v);
			}
			else if (len == 4)
			{
				int32		v;

				memcpy(&v, p, 4);
				vals[i] = Int32GetDatum(v);
			}
			else
				memcpy(&vals[i], p, sizeof(Datum));
		}
		else
		{
			uint32		vlen;
			char	   *v;

			if (!SlotsFill(st, f, sizeof(vlen)))
				SlotsReadFailed();
			memcpy(&vlen, st->spill_read + st->read_pos, sizeof(vlen));
			st->read_pos += sizeof(vlen);
			if (!SlotsFill(st, f, vlen))
				SlotsReadFailed();
			v = MemoryContextAlloc(st->batch_cxt, vlen);
			memcpy(v, st->spill_read + st->read_pos, vlen);
			st->read_pos += vlen;
			vals[i] = PointerGetDatum(v);
		}
	}
	return true;
}

/*
 * Gives every row of the loaded chunk its answer: the last non-empty slot
 * of its key at or before it (the lower bound is checked when the row is
 * returned).
 */
static void
SlotsAnswer(AsofState *st)
{
	Size		mem;

	for (int k = 0; k < st->nkeys; k++)
	{
		int			run = -1;

		for (int i = st->key_slot[k]; i < st->key_slot[k + 1]; i++)
		{
			if (!SlotNulls(st, SlotVals(st, i))[EV_TIME - 1])
				run = i;
			st->answer[st->slot_row[i]] = run;
		}
	}
	mem = MemoryContextMemAllocated(st->chunk_cxt, true);
	st->peak_chunk = Max(st->peak_chunk, mem);
}

/*
 * Starts the slot join once the outer rows are sorted: cuts them into
 * chunks, loads the first, reads every event (into the first chunk's slots
 * or its chunk's file) and answers the first chunk.
 */
static void
SlotsStart(AsofState *st)
{
	int			guc_level = EventsCursorBegin();
	int64		n = 0;
	Datum	   *gv[SLOTS_GROUP];
	bool	   *gn[SLOTS_GROUP];
	int			ng = 0;

	SettingOff("enable_indexscan");
	(void) EventsCursor(st, false, false);
	EventsCursorEnd(st, guc_level, false);
	/* the first batch tells the events' columns and sizes */
	(void) EventsEnsure(st);
	SlotsPlanChunks(st);
	st->spill_cap = 1024;
	st->spill_buf = MemoryContextAlloc(st->slots_cxt, st->spill_cap);
	st->chunk = 0;
	SlotsLoadChunk(st);
	for (;;)
	{
		Datum	   *vals;
		bool	   *nulls;
		int			d,
					c;

		/* the batch's rows are gone once the next one is fetched */
		if (ng > 0 && st->batch_pos >= st->batch_n)
		{
			SlotsAbsorb(st, gv, gn, ng);
			ng = 0;
		}
		/* no outer row with a key and a time: no event is needed */
		if (!st->have_max || !EventsEnsure(st))
			break;
		vals = st->batch_vals + (Size) st->batch_pos * st->ev_ncols;
		nulls = st->batch_nulls + (Size) st->batch_pos * st->ev_ncols;
		st->batch_pos++;
		if ((++n & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
		/* later than every outer row: no slot */
		d = SlotTimeCmp(st, vals[EV_TIME - 1], st->max_time);
		if (st->upper_strict ? d >= 0 : d > 0)
			continue;
		c = SlotsChunkOf(st, vals[EV_KEY - 1]);
		if (c == 0)
		{
			gv[ng] = vals;
			gn[ng] = nulls;
			if (++ng == SLOTS_GROUP)
			{
				SlotsAbsorb(st, gv, gn, ng);
				ng = 0;
			}
		}
		else
			SlotsSpill(st, c, vals, nulls);
	}
	AsofCloseCursor(st);
	MemoryContextReset(st->batch_cxt);
	st->batch_n = st->batch_pos = 0;
	SlotsAnswer(st);
}

/*
 * Loads the next chunk and takes in its spilled events; false when no
 * chunk is left.
 */
static bool
SlotsNextChunk(AsofState *st)
{
	BufFile    *f;
	int64		n = 0;

	if (st->chunk + 1 >= st->nchunks)
		return false;
	st->chunk++;
	SlotsLoadChunk(st);
	f = st->chunk_files[st->chunk];
	if (f != NULL)
	{
		Datum	   *gv[SLOTS_GROUP];
		bool	   *gn[SLOTS_GROUP];
		bool		more = true;

		for (int i = 0; i < SLOTS_GROUP; i++)
		{
			gv[i] = st->group_vals + i * st->ev_ncols;
			gn[i] = st->group_nulls + i * st->ev_ncols;
		}
		if (BufFileSeek(f, 0, 0, SEEK_SET) != 0)
			ereport(ERROR,
					(errcode_for_file_access(),
					 errmsg("TimelineAsOf: could not rewind a temporary file of events")));
		st->read_cap = st->read_base;
		st->spill_read = MemoryContextAlloc(st->chunk_cxt, st->read_cap);
		st->read_len = st->read_pos = 0;
		while (more)
		{
			int			ng = 0;

			while (ng < SLOTS_GROUP && (more = SlotsUnspill(st, f, gv[ng], gn[ng])))
				ng++;
			SlotsAbsorb(st, gv, gn, ng);
			n += ng;
			if ((n & 1023) == 0)
			{
				MemoryContextReset(st->batch_cxt);
				CHECK_FOR_INTERRUPTS();
			}
		}
		MemoryContextReset(st->batch_cxt);
		BufFileClose(f);
		st->chunk_files[st->chunk] = NULL;
	}
	SlotsAnswer(st);
	return true;
}

/*
 * The slot join's next row, in the sort slot, and the slot whose event
 * answers it (-1 if none; the lower bound not checked yet).  False at the
 * end.
 */
static bool
SlotsNextRow(AsofState *st, int *answer)
{
	while (st->chunk_pos >= st->chunk_n)
		if (!SlotsNextChunk(st))
			return false;
	*answer = st->answer[st->chunk_pos];
	ExecStoreMinimalTuple(st->rows[st->chunk_pos], st->sort_slot, false);
	st->chunk_pos++;
	return true;
}

/* Produces the next joined row in the scan slot (phase 2). */
static TupleTableSlot *
AsofNext(ScanState *ss)
{
	AsofState  *st = (AsofState *) ss;
	TupleTableSlot *scan = ss->ss_ScanTupleSlot;

	if (!st->sorted)
		AsofSortOuter(st);

	for (;;)
	{
		TupleTableSlot *sslot = st->sort_slot;
		bool		match = false;
		Datum	   *best_vals = NULL;
		bool	   *best_nulls = NULL;
		int			answer = -1;

		CHECK_FOR_INTERRUPTS();
		if (st->slots ? !SlotsNextRow(st, &answer) :
			!OuterNext(st, sslot))
			return ExecClearTuple(scan);
		slot_getallattrs(sslot);
		if (st->slots)
		{
			/* answered already: the lower bound is left to check */
			Datum	   *bv = answer >= 0 ? SlotVals(st, answer) : NULL;

			match = bv != NULL &&
				PassesLower(st, bv, SlotNulls(st, bv),
							st->has_lower ? sslot->tts_values[SORT_LOWER] : (Datum) 0,
							st->has_lower ? sslot->tts_isnull[SORT_LOWER] : true);
			if (match)
			{
				best_vals = bv;
				best_nulls = SlotNulls(st, bv);
			}
		}
		else if (sslot->tts_isnull[SORT_KEY] || sslot->tts_isnull[SORT_TIME])
			match = false;
		else if (st->sweep)
		{
			AsofKeyEntry *e = SweepFind(st, sslot->tts_values[SORT_KEY], sslot->tts_values[SORT_TIME],
										st->has_lower ? sslot->tts_values[SORT_LOWER] : (Datum) 0,
										st->has_lower ? sslot->tts_isnull[SORT_LOWER] : true);

			match = (e != NULL);
			if (match)
			{
				best_vals = e->vals;
				best_nulls = e->nulls;
			}
		}
		else
		{
			match = AsofFind(st, sslot->tts_values[SORT_KEY], sslot->tts_values[SORT_TIME],
							 st->has_lower ? sslot->tts_values[SORT_LOWER] : (Datum) 0,
							 st->has_lower ? sslot->tts_isnull[SORT_LOWER] : true);
			best_vals = st->cand_vals;
			best_nulls = st->cand_nulls;
		}
		if (!match && !st->left)
			continue;

		ExecClearTuple(scan);
		memset(scan->tts_isnull, true, sizeof(bool) * scan->tts_tupleDescriptor->natts);
		for (int i = 0; i < st->nouter; i++)
			if (st->outer_kept[i])
			{
				int			c = st->child_sortpos[st->outer_childpos[i]];

				scan->tts_values[st->outer_scanpos[i]] = sslot->tts_values[c];
				scan->tts_isnull[st->outer_scanpos[i]] = sslot->tts_isnull[c];
			}
		if (match)
			for (int i = 0; i < st->ninner; i++)
				scan->tts_values[st->inner_scanpos[i]] =
					EventAttr(best_vals, best_nulls, 3 + st->ntiebreaks + st->inner_output[i],
							  &scan->tts_isnull[st->inner_scanpos[i]]);
		return ExecStoreVirtualTuple(scan);
	}
}

/* Nothing to recheck: the scan has no relation of its own. */
static bool
AsofRecheck(ScanState *ss, TupleTableSlot *slot)
{
	return true;
}

/* Returns the next output row. */
static TupleTableSlot *
AsofExec(CustomScanState *node)
{
	return ExecScan(&node->ss, (ExecScanAccessMtd) AsofNext, (ExecScanRecheckMtd) AsofRecheck);
}

/* Ends the events query if it is running, and frees its plan. */
static void
AsofCloseCursor(AsofState *st)
{
	if (st->events_qd != NULL)
	{
		QueryDesc  *qd = st->events_qd;

		st->events_qd = NULL;
		ExecutorFinish(qd);
		ExecutorEnd(qd);
		FreeQueryDesc(qd);
	}
	if (st->events_cxt != NULL)
	{
		MemoryContextDelete(st->events_cxt);
		st->events_cxt = NULL;
	}
}

/* Forgets the sorted rows and the cursor, ready to start again. */
static void
AsofReset(AsofState *st)
{
	AsofCloseCursor(st);
	SweepReset(st);
	st->sweep = false;
	st->in_order = false;
	if (st->sort)
		tuplesort_end(st->sort);
	st->sort = NULL;
	if (st->outer_store)
		tuplestore_end(st->outer_store);
	st->outer_store = NULL;
	if (st->sort_slot)
		ExecDropSingleTupleTableSlot(st->sort_slot);
	st->sort_slot = NULL;
	MemoryContextReset(st->batch_cxt);
	MemoryContextReset(st->cand_cxt);
	st->batch_n = st->batch_pos = 0;
	st->has_cand = false;
	st->sorted = false;
	/* the slot join's files, chunk bounds and loaded chunk */
	for (int c = 0; st->chunk_files != NULL && c < st->nchunks; c++)
		if (st->chunk_files[c] != NULL)
			BufFileClose(st->chunk_files[c]);
	st->chunk_files = NULL;
	st->slots = false;
	st->nchunks = st->chunk = st->chunk_n = st->chunk_pos = 0;
	st->slot_keys = NULL;
	MemoryContextReset(st->slots_cxt);
	MemoryContextReset(st->chunk_cxt);
}

/* Releases the sort, the cursor and the outer plan. */
static void
AsofEnd(CustomScanState *node)
{
	AsofState  *st = (AsofState *) node;

	AsofReset(st);
	ExecEndNode(st->outer);
	if (st->events_rel != NULL)
		table_close(st->events_rel, NoLock);
	st->events_rel = NULL;
}

/*
 * Starts over, for a rescan.  PostgreSQL hands the changed parameters on to
 * a plan's left and right trees only, not to a custom scan's children: the
 * outer plan must be told itself, or a node that keeps its rows (a function
 * scan, a sort, a material) would give the rows of the last parameters.
 */
static void
AsofReScan(CustomScanState *node)
{
	AsofState  *st = (AsofState *) node;

	AsofReset(st);
	if (node->ss.ps.chgParam != NULL)
		UpdateChangedParamSet(st->outer, node->ss.ps.chgParam);
	ExecReScan(st->outer);
}

/* Shows the join's key, bounds and events query in EXPLAIN. */
static void
AsofExplain(CustomScanState *node, List *ancestors, ExplainState *es)
{
	AsofState  *st = (AsofState *) node;
	CustomScan *cscan = (CustomScan *) node->ss.ps.plan;
	List	   *context;
	char	   *key,
			   *time;
	StringInfoData buf;
	Relation	rel;

	context = set_deparse_context_plan(es->deparse_cxt, (Plan *) cscan, ancestors);
	key = deparse_expression(linitial(cscan->custom_exprs), context, true, false);
	time = deparse_expression(lsecond(cscan->custom_exprs), context, true, false);
	rel = RelationIdGetRelation(st->relid);
	initStringInfo(&buf);

	ExplainPropertyText("Join Type", st->left ? "Left" : "Inner", es);
	appendStringInfo(&buf, "%s.%s = %s", RelationGetRelationName(rel),
					 quote_identifier(get_attname(st->relid, st->key_attno, false)), key);
	ExplainPropertyText("As Of Key", buf.data, es);
	resetStringInfo(&buf);
	appendStringInfo(&buf, "%s.%s %s %s", RelationGetRelationName(rel),
					 quote_identifier(get_attname(st->relid, st->time_attno, false)),
					 st->upper_strict ? "<" : "<=", time);
	if (st->has_lower)
		appendStringInfo(&buf, " AND %s.%s %s %s", RelationGetRelationName(rel),
						 quote_identifier(get_attname(st->relid, st->time_attno, false)),
						 st->lower_strict ? ">" : ">=",
						 deparse_expression(lthird(cscan->custom_exprs), context, true, false));
	ExplainPropertyText("As Of Bound", buf.data, es);
	ExplainPropertyInteger("Tie Breaks", NULL, st->ntiebreaks, es);
	RelationClose(rel);
	if (es->verbose)
		ExplainPropertyText("Events Query",
							EventsQueryText(EventsQuery(st, !st->sweep && !st->slots)), es);
	if (es->analyze)
	{
		ExplainPropertyInteger("Events Read", NULL, st->events_read, es);
		if (st->events_order != NULL)
			ExplainPropertyText("Events Order", st->events_order, es);
		if (st->outer_order != NULL)
			ExplainPropertyText("Outer Order", st->outer_order, es);
		if (st->chunks_total > 0)
		{
			/* totals over the rescans (Peak Chunk Memory: the largest) */
			ExplainPropertyInteger("Slot Chunks", NULL, st->chunks_total, es);
			ExplainPropertyInteger("Events Spilled", NULL, st->events_spilled, es);
			ExplainPropertyInteger("Peak Chunk Memory", "kB", (st->peak_chunk + 1023) / 1024, es);
		}
	}
}
