/*-------------------------------------------------------------------------
 *
 * asof_exec.c
 *	  Executor side of the merge as-of join (Custom Scan TimelineAsOf): the
 *	  node, its outer rows, the events query and its cursor, the key merge.
 *
 * Three algorithms, for outer rows s and the events table e, one file each.
 *
 * The time sweep (asof_sweep.c; the default when the key type hashes, and
 * the latest event of every key fits in work_mem * hash_mem_multiplier):
 * the events and the outer rows are both taken in time order (sorted by
 * time unless they come in it: an event log is read twice in the table's
 * order, outer rows are kept as they come by OuterKeep, here), each key's
 * latest event so far held in a hash table that answers the rows.
 *
 * The slot join (asof_slots.c; when the sweep is off or does not fit, and
 * the key merge would sort the events: no index gives them in (key, time)
 * order): the outer rows, sorted by (key, time) and cut into chunks of
 * whole keys, are slots, and the events, read once in the table's order,
 * go to the slots of their keys (those of later chunks through one
 * temporary file per chunk).
 *
 * The key merge (this file; when neither runs):
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
 * This file chooses among the three (AsofSortOuter) and holds what they
 * share: the node's callbacks, the outer rows and their sort, the events
 * query, its cursor and the DestReceiver that fetches it in batches
 * (EventsEnsure), the tie-breaks and the lower bound.  AsofState, the
 * column layouts and the helpers the three files share are in timeline.h.
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
#include "catalog/pg_collation.h"
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

/* Receives fetched events into the state's batch arrays. */
typedef struct EventsReceiver
{
	DestReceiver pub;
	AsofState  *st;
} EventsReceiver;

static Node *AsofCreateScanState(CustomScan *cscan);
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
 * The events' columns that the node reads, as a range table entry's
 * selectedCols: those the subquery names, its key and time (its WHERE),
 * tie-breaks (its ORDER BY) and outputs.  Both CheckEventsRights and the
 * events query ask for the right to read exactly these.
 */
static Bitmapset *
EventsSelectedCols(AsofState *st)
{
	Bitmapset  *cols = NULL;

	cols = bms_add_member(cols, st->key_attno - FirstLowInvalidHeapAttributeNumber);
	cols = bms_add_member(cols, st->time_attno - FirstLowInvalidHeapAttributeNumber);
	for (int i = 0; i < st->ntiebreaks; i++)
		cols = bms_add_member(cols, st->tb_attnos[i] - FirstLowInvalidHeapAttributeNumber);
	for (int i = 0; i < st->noutputs; i++)
		cols = bms_add_member(cols, st->output_attnos[i] - FirstLowInvalidHeapAttributeNumber);
	return cols;
}

/*
 * Checks the SELECT right on those columns, as the executor checks the
 * plan's own tables (and with its hook): the lateral subquery's range table
 * does not reach the plan, so without this EXPLAIN and a cursor never
 * fetched went through for a role that may not read them, where the plain
 * plan fails at once.
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
	rte->selectedCols = EventsSelectedCols(st);
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
	/*
	 * text and varchar under a deterministic collation, and bytea: equal
	 * exactly when their bytes are (texteq, byteaeq)
	 */
	st->key_bytes = st->can_sweep &&
		((st->key_type == TEXTOID || st->key_type == VARCHAROID) ?
		 OidIsValid(st->key_collation) && get_collation_isdeterministic(st->key_collation) :
		 st->key_type == BYTEAOID);
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

	st->scan_cxt = AllocSetContextCreate(CurrentMemoryContext, "TimelineAsOf scan",
										 ALLOCSET_SMALL_SIZES);
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
EventsColumn(Query *q, Relation rel, AttrNumber attno)
{
	Form_pg_attribute att = TupleDescAttr(RelationGetDescr(rel), attno - 1);
	TargetEntry *tle;

	tle = makeTargetEntry((Expr *) makeVar(1, attno, att->atttypid, att->atttypmod,
										   att->attcollation, 0),
						  list_length(q->targetList) + 1,
						  pstrdup(NameStr(att->attname)), false);
	q->targetList = lappend(q->targetList, tle);
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
 * again (parsing SQL text that named the table asked the current user
 * for USAGE on its schema, which a view's owner need not have: PostgreSQL
 * looked the name up when the view was made).  The rights to read the
 * columns are the range table entry's, checked when the query's executor
 * starts, as for any scan.
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
	rte->selectedCols = EventsSelectedCols(st);

	time_tle = EventsColumn(q, rel, st->time_attno);
	key_tle = EventsColumn(q, rel, st->key_attno);
	for (int i = 0; i < st->ntiebreaks; i++)
		(void) EventsColumn(q, rel, st->tb_attnos[i]);
	for (int i = 0; i < st->noutputs; i++)
		(void) EventsColumn(q, rel, st->output_attnos[i]);

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
void
AsofSettingOff(const char *name)
{
	(void) set_config_option(name, "off", PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
}

/*
 * Starts planning the events query: opens a setting nest level with bitmap
 * scans off (every event is read).  Returns the level for EventsCursorEnd.
 */
int
EventsCursorBegin(void)
{
	int			guc_level = NewGUCNestLevel();

	AsofSettingOff("enable_bitmapscan");
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
Plan *
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
void
EventsCursorEnd(AsofState *st, int guc_level, bool unsynced)
{
	st->events_done = false;
	st->batch_n = st->batch_pos = 0;
	st->has_cand = false;
	st->unsynced = unsynced;
	AtEOXact_GUC(true, guc_level);
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
		AsofSettingOff("synchronize_seqscans");
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
		AsofSettingOff("enable_indexscan");
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
		AsofSettingOff("enable_indexscan");
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

	/*
	 * in the scan's own context, not the query's: a rescan (once per outer
	 * row of a nested loop or a correlated subquery) sets them up again
	 */
	old = MemoryContextSwitchTo(st->scan_cxt);
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
bool
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

/* Returns whether event ev comes before event other by the tie-breaks. */
bool
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
void
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
	/* the sort's descriptor, the child's columns in it, the keys' sort support */
	MemoryContextReset(st->scan_cxt);
	st->sort_desc = NULL;
	st->child_sortpos = NULL;
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
