/*-------------------------------------------------------------------------
 *
 * scan_order.c
 *	  The planner hook that keeps timeline builds off index scans whose
 *	  order their table's rows do not follow (set_rel_pathlist_hook, for
 *	  any query's timeline_agg ... GROUP BY; the setting
 *	  timeline.avoid_random_index_scans), and how well an index's order
 *	  follows its table's (the correlation of its leading column).  The
 *	  functions that read a whole source in entity order (materialize's
 *	  build, verify, create_training_set, feature_timelines, feature_stats)
 *	  run their statements with the setting on.
 *
 * PostgreSQL costs a full index scan of a table that fits in its cache as
 * reading each heap page once; on a table whose rows are not in the
 * index's order (an event table in arrival order, read by entity) it is
 * one random heap access per row, about twice the time of a sequential
 * scan and a sort (README, Materialization).  The statistic that says so
 * is the correlation of the index's leading column, which the hook reads
 * from pg_statistic as the planner's own costing does, whatever the role.
 *
 * The hook acts where a query groups every row it reads into timelines:
 * timeline_agg with GROUP BY, and no LIMIT or cursor fraction (where a fast
 * start may pay for an index scan) there or in a query it is a subquery in
 * FROM of, also in the subqueries in its FROM that feed it (a view with a
 * window function or its own GROUP BY).  A plain index scan there that
 * reads a tenth of its table or more (not one entity's rows: a nested
 * loop's inner scan), on a table whose statistics do not say its rows
 * follow the index's leading column (|correlation| under 0.9, or none), is
 * costed as disabled (disable_cost, as enable_indexscan = off costs it), so
 * a sequential scan with a hash or sort wins unless nothing else can run
 * the query (the sequential scan is added again where add_path had dropped
 * it for costing more than the index scan).  An index-only scan counts when
 * it fetches a quarter of the table's rows or more from the heap (those on
 * pages not all visible: ReadsAtRandom); tables in the index's order and
 * empty tables (a partition made ahead, whose index scan an ordered Append
 * of its siblings' may need) are left alone.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_index.h"
#include "catalog/pg_statistic.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/cost.h"
#include "optimizer/optimizer.h"
#include "optimizer/pathnode.h"
#include "optimizer/paths.h"
#include "storage/bufmgr.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/syscache.h"

#include "timeline.h"

static set_rel_pathlist_hook_type prev_rel_pathlist_hook = NULL;

/*
 * The correlation of an index's leading key column with its table's
 * physical order, from the table's own statistics (not those of its
 * inheritance tree), or for a leading expression the index's own (which
 * ANALYZE gathers as it does a column's); false when unknown (no
 * statistics).
 */
static bool
LeadingCorrelation(Oid indexoid, float8 *correlation)
{
	HeapTuple	tuple;
	Oid			relid;
	AttrNumber	attnum;
	AttStatsSlot sslot;
	bool		found = false;

	tuple = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(indexoid));
	if (!HeapTupleIsValid(tuple))
		return false;
	relid = ((Form_pg_index) GETSTRUCT(tuple))->indrelid;
	attnum = ((Form_pg_index) GETSTRUCT(tuple))->indkey.values[0];
	ReleaseSysCache(tuple);
	if (attnum < 0)
		return false;

	if (attnum == 0)
		tuple = SearchSysCache3(STATRELATTINH, ObjectIdGetDatum(indexoid), Int16GetDatum(1),
								BoolGetDatum(false));
	else
		tuple = SearchSysCache3(STATRELATTINH, ObjectIdGetDatum(relid), Int16GetDatum(attnum),
								BoolGetDatum(false));
	if (!HeapTupleIsValid(tuple))
		return false;
	if (get_attstatsslot(&sslot, tuple, STATISTIC_KIND_CORRELATION, InvalidOid, ATTSTATSSLOT_NUMBERS))
	{
		if (sslot.nnumbers == 1)
		{
			*correlation = sslot.numbers[0];
			found = true;
		}
		free_attstatsslot(&sslot);
	}
	ReleaseSysCache(tuple);
	return found;
}

/* Whether an expression holds a call of timeline.timeline_agg. */
static bool
CallsTimelineAgg(Node *node, void *context)
{
	if (node == NULL)
		return false;
	if (IsA(node, Aggref))
	{
		Oid			fn = ((Aggref *) node)->aggfnoid;
		char	   *name;

		if (get_func_namespace(fn) == *(Oid *) context &&
			(name = get_func_name(fn)) != NULL && strcmp(name, "timeline_agg") == 0)
			return true;
	}
	return expression_tree_walker(node, CallsTimelineAgg, context);
}

/*
 * Whether a path is an index scan that reads a large part of its table's
 * heap in an order the table's rows do not follow: a plain index scan of
 * RANDOM_SCAN_SHARE of the table's rows or more (as the planner estimates:
 * IS NOT NULL on the leading column does not make a scan selective), or an
 * index-only scan that fetches RANDOM_FETCH_SHARE of them or more from the
 * heap, those on pages the visibility map does not say are all visible (a
 * table loaded and never vacuumed has none).  The second share is larger
 * since the alternative reads and groups the whole table.  Over 10M events
 * in random order (2-core KVM machine), timeline_agg ... GROUP BY user_id
 * took 1.6-1.8 s by an index-only scan of (user_id, ts) INCLUDE (amount),
 * 15.7-15.9 s by the same scan before the table's first VACUUM, and
 * 4.5-5.3 s by a sequential scan and a hash, so fetching more than about
 * 0.23 of the rows costs more than the sequential scan; in materialize's
 * build of ten features (index-only 4.3 s, plain index scan 17-19 s,
 * sequential scan and sort 9.5 s) about 0.38.
 */
#define RANDOM_SCAN_SHARE 0.1
#define RANDOM_FETCH_SHARE 0.25
static bool
ReadsAtRandom(Path *path)
{
	IndexPath  *ipath = (IndexPath *) path;
	float8		correlation;

	if (!IsA(path, IndexPath))
		return false;
	if (path->pathtype == T_IndexScan)
	{
		if (ipath->indexselectivity < RANDOM_SCAN_SHARE)
			return false;
	}
	else if (path->pathtype == T_IndexOnlyScan)
	{
		if (ipath->indexselectivity * (1.0 - path->parent->allvisfrac) < RANDOM_FETCH_SHARE)
			return false;
	}
	else
		return false;
	return !(LeadingCorrelation(ipath->indexinfo->indexoid, &correlation) &&
			 fabs(correlation) >= 0.9);
}

/* Takes out of *paths those that read at random, and returns them. */
static List *
TakeRandomReads(List **paths)
{
	List	   *taken = NIL;
	ListCell   *lc;

	foreach(lc, *paths)
		if (ReadsAtRandom((Path *) lfirst(lc)))
			taken = lappend(taken, lfirst(lc));
	foreach(lc, taken)
		*paths = list_delete_ptr(*paths, lfirst(lc));
	return taken;
}

/*
 * Costs a rel's random index reads (ReadsAtRandom) as enable_indexscan = off
 * costs an index scan, with disable_cost, and adds them again, so that the
 * lists stay in order of cost; and adds the sequential scan, which add_path
 * may have dropped for costing more than them (a bitmap scan so dropped is
 * not made again).
 */
static void
RandomIndexScansOff(PlannerInfo *root, RelOptInfo *rel)
{
	List	   *off = TakeRandomReads(&rel->pathlist);
	List	   *off_partial = TakeRandomReads(&rel->partial_pathlist);
	ListCell   *lc;

	if (off == NIL && off_partial == NIL)
		return;
	foreach(lc, list_concat_copy(off, off_partial))
	{
		Path	   *path = (Path *) lfirst(lc);

		path->startup_cost += disable_cost;
		path->total_cost += disable_cost;
	}
	/* as set_plain_rel_pathlist makes them */
	add_path(rel, create_seqscan_path(root, rel, rel->lateral_relids, 0));
	foreach(lc, off)
		add_path(rel, (Path *) lfirst(lc));
	if (off_partial != NIL && rel->consider_parallel && rel->lateral_relids == NULL)
	{
		int			workers = compute_parallel_worker(rel, rel->pages, -1,
													  max_parallel_workers_per_gather);

		if (workers > 0)
			add_partial_path(rel, create_seqscan_path(root, rel, NULL, workers));
	}
	foreach(lc, off_partial)
		add_partial_path(rel, (Path *) lfirst(lc));
}

/*
 * Whether a query level's LIMIT (or cursor fraction: tuple_fraction) may
 * stop it before it has read every row below it: not when it returns one
 * aggregate of them all, nor when the first thing it orders by is computed
 * (the ten longest timelines, ORDER BY num_points(tl) DESC LIMIT 10, need
 * every group), where a plain column (the entity) may come in order from
 * below.
 */
static bool
MayStopEarly(PlannerInfo *root)
{
	Query	   *parse = root->parse;
	Node	   *first;

	if (root->tuple_fraction <= 0)
		return false;
	if (parse->hasAggs && parse->groupClause == NIL && parse->groupingSets == NIL)
		return false;
	if (parse->sortClause == NIL)
		return true;
	first = get_sortgroupclause_expr(linitial_node(SortGroupClause, parse->sortClause),
									 parse->targetList);
	return IsA(first, Var);
}

/*
 * Whether every row a query level reads goes into timelines: it groups with
 * timeline_agg (GROUP BY), or a query it is a subquery in FROM of does (a
 * view or subquery the planner could not merge into it: one with a window
 * function, a GROUP BY or DISTINCT of its own); and neither it nor any
 * query it is a subquery in FROM of may stop early (MayStopEarly), so a
 * view of timelines read with ORDER BY entity LIMIT keeps the index scan
 * that gives its first groups at once.  The walk stops at a CTE or a
 * subquery in an expression: PostgreSQL plans those before the query
 * around them knows its LIMIT (a parent_root not yet in query_planner), so
 * a query grouping with timeline_agg above them does not count, while one
 * within them does.
 */
static bool
GroupsIntoTimelines(PlannerInfo *root)
{
	Oid			nsp = InvalidOid;
	bool		grouped = false;

	for (;;)
	{
		Query	   *parse = root->parse;

		if (MayStopEarly(root))
			return false;
		if (!grouped && parse->hasAggs && parse->groupClause != NIL)
		{
			if (!OidIsValid(nsp) && !OidIsValid(nsp = get_namespace_oid("timeline", true)))
				return false;
			grouped = CallsTimelineAgg((Node *) parse->targetList, &nsp) ||
				CallsTimelineAgg(parse->havingQual, &nsp);
		}
		if (root->parent_root == NULL || root->parent_root->simple_rel_array == NULL)
			return grouped;
		root = root->parent_root;
	}
}

/*
 * set_rel_pathlist_hook: where every row a query reads goes into timelines
 * (GroupsIntoTimelines), a plain index scan of a large part of a table
 * whose rows are not in the index's order is costed as disabled, as
 * enable_indexscan = off would; the paths that read the table in its own
 * order then win.
 */
static void
ScanOrderRelPathlist(PlannerInfo *root, RelOptInfo *rel, Index rti, RangeTblEntry *rte)
{
	Relation	r;
	bool		empty;

	if (prev_rel_pathlist_hook)
		prev_rel_pathlist_hook(root, rel, rti, rte);
	/* a plain table or materialized view, not sampled */
	if (!timeline_avoid_random_index_scans || rte->rtekind != RTE_RELATION ||
		(rte->relkind != RELKIND_RELATION && rte->relkind != RELKIND_MATVIEW) ||
		rte->inh || rte->tablesample != NULL || !GroupsIntoTimelines(root))
		return;
	/*
	 * an empty table (a partition made ahead, never analyzed) costs
	 * nothing, and an ordered Append of its siblings may need its index
	 */
	r = table_open(rte->relid, NoLock);
	empty = RelationGetNumberOfBlocks(r) == 0;
	table_close(r, NoLock);
	if (!empty)
		RandomIndexScansOff(root, rel);
}

void
ScanOrderInstallHook(void)
{
	prev_rel_pathlist_hook = set_rel_pathlist_hook;
	set_rel_pathlist_hook = ScanOrderRelPathlist;
}
