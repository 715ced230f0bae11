/*-------------------------------------------------------------------------
 *
 * asof_path.c
 *	  Planner side of the merge as-of join: recognises the LATERAL top-1
 *	  query Postgres users write for point-in-time joins and offers a
 *	  CustomPath (TimelineAsOf) that answers it with one merge.
 *
 * The recognised shape, with s any relation or join on the outer side:
 *
 *	  s [LEFT] JOIN LATERAL (
 *	      SELECT e.c1, e.c2 ...                      -- plain columns of e
 *	      FROM events e                              -- one table
 *	      WHERE e.k = s.k                            -- equality, same type
 *	        AND e.ts <= s.ts                         -- or <, same type
 *	        [AND e.ts > lower]                       -- or >=, lower uses s only
 *	      ORDER BY e.ts DESC [, e.x ASC|DESC ...]    -- ts first, then tie-breaks
 *	      LIMIT 1) f ON true                         -- or CROSS JOIN LATERAL
 *
 * The same subquery as a scalar subquery in a select list is rewritten into
 * that join before planning (AsofPlanner, below), where that cannot change
 * the answer.
 *
 * Operands may be written either way round.  Anything else (other quals,
 * expressions in the select list, OFFSET, DISTINCT, aggregates, a join tree
 * of more than one table, ON conditions, set-returning functions, volatile
 * functions, a parameterized outer side) is left to the normal plan, so an
 * unrecognised query never gets a different answer.
 *
 * Why it is safe: the subquery means "for each s, the first event of key
 * s.k in (lower, s.ts] by the ORDER BY".  Sorting the outer rows by
 * (k, ts) and reading the events in (k, ts) order finds exactly that event
 * for every outer row in one pass (asof_exec.c).  The path is chosen on
 * cost against the nested loop of index probes, and can be switched off
 * with timeline.enable_asof_join.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_am.h"
#include "catalog/pg_class.h"
#include "catalog/pg_operator.h"
#include "catalog/pg_statistic.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/clauses.h"
#include "optimizer/cost.h"
#include "parser/parsetree.h"
#include "optimizer/optimizer.h"
#include "optimizer/pathnode.h"
#include "optimizer/paths.h"
#include "optimizer/planner.h"
#include "optimizer/restrictinfo.h"
#include "rewrite/rewriteManip.h"
#include "miscadmin.h"
#include "utils/lsyscache.h"
#include "utils/selfuncs.h"
#include "utils/syscache.h"
#include "utils/typcache.h"

#include "nodes/extensible.h"
#include "timeline.h"

static set_join_pathlist_hook_type prev_join_pathlist_hook = NULL;
static planner_hook_type prev_planner_hook = NULL;

static Plan *AsofPlanCustomPath(PlannerInfo *root, RelOptInfo *rel,
								CustomPath *best_path, List *tlist,
								List *clauses, List *custom_plans);

static const CustomPathMethods asof_path_methods = {
	.CustomName = "TimelineAsOf",
	.PlanCustomPath = AsofPlanCustomPath,
};

/* What the recognised subquery asks for. */
typedef struct AsofShape
{
	Oid			relid;			/* the events table */
	bool		inh;			/* include inheritance children */
	AttrNumber	key_attno;
	AttrNumber	time_attno;
	Oid			key_type;
	Oid			key_collation;
	Oid			time_type;
	Expr	   *outer_key;		/* expressions of outer Vars (level 0) */
	Expr	   *outer_time;
	Expr	   *lower;			/* NULL without a lower bound */
	bool		upper_strict;	/* e.ts < s.ts */
	bool		lower_strict;	/* e.ts > lower */
	List	   *output_attnos;	/* e's attno of each subquery output column */
	List	   *tiebreaks;		/* flattened (attno, sortop, nulls_first, collation) */
	/* through views: the table's attno of each of the subquery's columns */
	AttrNumber *attmap;			/* NULL when the subquery reads the table */
	int			attmap_len;
} AsofShape;

/* Returns the inner Var of e (varno 1, level 0) in expr, or NULL. */
static Var *
InnerVar(Node *expr)
{
	if (expr && IsA(expr, RelabelType))
		expr = (Node *) ((RelabelType *) expr)->arg;
	if (expr && IsA(expr, Var) && ((Var *) expr)->varno == 1 &&
		((Var *) expr)->varlevelsup == 0 && ((Var *) expr)->varattno > 0)
		return (Var *) expr;
	return NULL;
}

/*
 * The events table's column behind an inner Var (through the views the
 * subquery reads, if any); 0 if it is not a plain column of the table.
 */
static AttrNumber
TableAttno(const AsofShape *shape, const Var *var)
{
	if (shape->attmap == NULL)
		return var->varattno;
	if (var->varattno < 1 || var->varattno > shape->attmap_len)
		return 0;
	return shape->attmap[var->varattno - 1];
}

/*
 * Follows a simple view, expanded by the rewriter into a subquery: one
 * table (or another such view) in FROM, no WHERE, no security barrier,
 * nothing but plain columns in its select list, as if the subquery named
 * the table.  Returns the table's range table entry and composes *map (the
 * table's attno of each column of the view, or 0 for none), or NULL.
 */
static RangeTblEntry *
ViewTable(RangeTblEntry *rte, AttrNumber **map, int *map_len)
{
	while (rte->rtekind == RTE_SUBQUERY)
	{
		Query	   *v = rte->subquery;
		RangeTblRef *rtr;
		AttrNumber *inner;
		int			n = 0;
		ListCell   *lc;

		if (v == NULL || rte->security_barrier || v->commandType != CMD_SELECT ||
			v->hasAggs || v->hasWindowFuncs || v->hasTargetSRFs || v->hasSubLinks ||
			v->hasDistinctOn || v->hasRecursive || v->hasModifyingCTE || v->hasForUpdate ||
			v->hasRowSecurity || v->cteList || v->groupClause || v->groupingSets ||
			v->havingQual || v->windowClause || v->distinctClause || v->setOperations ||
			v->sortClause || v->limitOffset || v->limitCount || v->rowMarks ||
			v->jointree == NULL || v->jointree->quals != NULL ||
			list_length(v->jointree->fromlist) != 1 ||
			!IsA(linitial(v->jointree->fromlist), RangeTblRef))
			return NULL;
		rtr = linitial(v->jointree->fromlist);
		inner = palloc0(sizeof(AttrNumber) * Max(list_length(v->targetList), 1));
		foreach(lc, v->targetList)
		{
			TargetEntry *tle = lfirst(lc);
			Var		   *var = (Var *) tle->expr;

			if (tle->resjunk)
				continue;
			if (IsA(var, Var) && var->varno == rtr->rtindex && var->varlevelsup == 0 &&
				var->varattno > 0)
				inner[n] = var->varattno;
			n++;
		}
		/* compose: the outer map's entries name columns of this view */
		if (*map == NULL)
		{
			*map = inner;
			*map_len = n;
		}
		else
			for (int i = 0; i < *map_len; i++)
				(*map)[i] = ((*map)[i] >= 1 && (*map)[i] <= n) ? inner[(*map)[i] - 1] : 0;
		rte = rt_fetch(rtr->rtindex, v->rtable);
	}
	return rte;
}

/*
 * Whether values of column type coltype, read as type (the operator's
 * input, to which the column is relabelled: varchar as text, a domain as
 * its base type), sort and hash alike under both: the events query orders
 * and the executor compares them as the column's type and as type.  True
 * for varchar and text (one operator family), not for int4 and oid.
 */
static bool
SameOrdering(Oid coltype, Oid type)
{
	TypeCacheEntry *a,
			   *b;

	if (coltype == type)
		return true;
	a = lookup_type_cache(coltype, TYPECACHE_BTREE_OPFAMILY | TYPECACHE_HASH_OPFAMILY);
	b = lookup_type_cache(type, TYPECACHE_BTREE_OPFAMILY | TYPECACHE_HASH_OPFAMILY);
	return OidIsValid(a->btree_opf) && a->btree_opf == b->btree_opf &&
		a->hash_opf == b->hash_opf;
}

/*
 * Finds anything that keeps an expression from being evaluated per outer
 * row, where the outer row's Vars are at query level *context (1 inside the
 * subquery, 0 once moved to the outer query): Vars of another level or
 * system columns, and nodes the merge cannot evaluate.
 */
static bool
NotOuterWalker(Node *node, void *context)
{
	Index		level = *(Index *) context;

	if (node == NULL)
		return false;
	if (IsA(node, Var))
		return ((Var *) node)->varlevelsup != level || ((Var *) node)->varattno < 0;
	if (IsA(node, Param))
		return ((Param *) node)->paramkind == PARAM_EXEC;
	if (IsA(node, PlaceHolderVar) || IsA(node, Aggref) || IsA(node, GroupingFunc) ||
		IsA(node, WindowFunc) || IsA(node, SubLink) || IsA(node, SubPlan) ||
		IsA(node, CurrentOfExpr))
		return true;
	return expression_tree_walker(node, NotOuterWalker, context);
}

/* Returns whether expr uses only the outer row (Vars of level) and constants. */
static bool
IsOuterExpr(Node *expr, Index level)
{
	return !NotOuterWalker(expr, &level) && !contain_volatile_functions(expr);
}

/* Splits an AND tree of quals into a list. */
static List *
FlattenQuals(Node *quals)
{
	if (quals == NULL)
		return NIL;
	if (IsA(quals, List))
	{
		List	   *out = NIL;
		ListCell   *lc;

		foreach(lc, (List *) quals)
			out = list_concat(out, FlattenQuals(lfirst(lc)));
		return out;
	}
	if (is_andclause(quals))
		return FlattenQuals((Node *) ((BoolExpr *) quals)->args);
	return list_make1(quals);
}

/*
 * Classifies one WHERE qual of the subquery; returns false if it is not
 * part of the recognised shape.
 */
static bool
ClassifyQual(Node *qual, AsofShape *shape, bool *have_key, bool *have_upper,
			 bool *have_lower)
{
	OpExpr	   *op;
	Node	   *l,
			   *r;
	Var		   *inner;
	Node	   *outer;
	Oid			opno;
	Oid			type;
	TypeCacheEntry *tc;

	if (!IsA(qual, OpExpr))
		return false;
	op = (OpExpr *) qual;
	if (list_length(op->args) != 2)
		return false;
	l = linitial(op->args);
	r = lsecond(op->args);
	opno = op->opno;
	if ((inner = InnerVar(l)) != NULL && IsOuterExpr(r, 1))
	{
		outer = r;
		type = exprType(l);
	}
	else if ((inner = InnerVar(r)) != NULL && IsOuterExpr(l, 1))
	{
		outer = l;
		type = exprType(r);
		opno = get_commutator(opno);
		if (!OidIsValid(opno))
			return false;
	}
	else
		return false;
	/* both sides of the operator's type, the column perhaps relabelled */
	if (exprType(outer) != type || !SameOrdering(inner->vartype, type))
		return false;

	tc = lookup_type_cache(type, TYPECACHE_EQ_OPR | TYPECACHE_LT_OPR | TYPECACHE_GT_OPR |
						   TYPECACHE_BTREE_OPFAMILY);
	if (!OidIsValid(tc->eq_opr) || !OidIsValid(tc->lt_opr))
		return false;

	if (opno == tc->eq_opr && !*have_key)
	{
		if (op->inputcollid != inner->varcollid)
			return false;
		shape->key_attno = TableAttno(shape, inner);
		if (shape->key_attno == 0)
			return false;
		shape->key_type = type;
		shape->key_collation = inner->varcollid;
		shape->outer_key = (Expr *) outer;
		*have_key = true;
		return true;
	}
	if ((opno == tc->lt_opr ||
		 opno == get_opfamily_member(tc->btree_opf, type, type,
									 BTLessEqualStrategyNumber)) && !*have_upper)
	{
		if (TableAttno(shape, inner) == 0 ||
			(*have_lower && TableAttno(shape, inner) != shape->time_attno))
			return false;
		shape->time_attno = TableAttno(shape, inner);
		shape->time_type = type;
		shape->outer_time = (Expr *) outer;
		shape->upper_strict = (opno == tc->lt_opr);
		*have_upper = true;
		return true;
	}
	if ((opno == tc->gt_opr ||
		 opno == get_opfamily_member(tc->btree_opf, type, type,
									 BTGreaterEqualStrategyNumber)) && !*have_lower)
	{
		if (TableAttno(shape, inner) == 0 ||
			(*have_upper && TableAttno(shape, inner) != shape->time_attno))
			return false;
		shape->time_attno = TableAttno(shape, inner);
		shape->time_type = type;
		shape->lower = (Expr *) outer;
		shape->lower_strict = (opno == tc->gt_opr);
		*have_lower = true;
		return true;
	}
	return false;
}

/* Recognises the LATERAL top-1 subquery; fills shape and returns true. */
static bool
RecogniseSubquery(PlannerInfo *root, Query *q, AsofShape *shape)
{
	RangeTblEntry *erte;
	RangeTblRef *rtr;
	ListCell   *lc;
	bool		have_key = false,
				have_upper = false,
				have_lower = false;
	SortGroupClause *first;
	TargetEntry *first_tle;
	Var		   *tv;
	TypeCacheEntry *tc;
	Node	   *limit;

	memset(shape, 0, sizeof(*shape));
	if (q->commandType != CMD_SELECT || q->hasAggs || q->hasWindowFuncs ||
		q->hasTargetSRFs || q->hasSubLinks || q->hasDistinctOn || q->hasRecursive ||
		q->hasModifyingCTE || q->hasForUpdate || q->hasRowSecurity ||
		q->cteList || q->groupClause || q->groupingSets || q->havingQual ||
		q->windowClause || q->distinctClause || q->setOperations ||
		q->limitCount == NULL || q->sortClause == NIL ||
		q->limitOption != LIMIT_OPTION_COUNT)
		return false;
	/*
	 * LIMIT 1 (the parser leaves the cast of the literal to the planner; a
	 * parameter counts when its value is known, in a custom plan)
	 */
	limit = eval_const_expressions(root, copyObject(q->limitCount));
	if (!IsA(limit, Const) || ((Const *) limit)->constisnull ||
		((Const *) limit)->consttype != INT8OID ||
		DatumGetInt64(((Const *) limit)->constvalue) != 1)
		return false;
	/* OFFSET 0 or NULL skips nothing */
	if (q->limitOffset != NULL)
	{
		Node	   *offset = eval_const_expressions(root, copyObject(q->limitOffset));

		if (!IsA(offset, Const) || ((Const *) offset)->consttype != INT8OID ||
			(!((Const *) offset)->constisnull &&
			 DatumGetInt64(((Const *) offset)->constvalue) != 0))
			return false;
	}
	/* FROM one plain table, or a simple view of one */
	if (list_length(q->rtable) != 1 || list_length(q->jointree->fromlist) != 1 ||
		!IsA(linitial(q->jointree->fromlist), RangeTblRef))
		return false;
	rtr = linitial(q->jointree->fromlist);
	if (rtr->rtindex != 1)
		return false;
	erte = ViewTable(rt_fetch(rtr->rtindex, q->rtable), &shape->attmap, &shape->attmap_len);
	if (erte == NULL || erte->rtekind != RTE_RELATION ||
		(erte->relkind != RELKIND_RELATION && erte->relkind != RELKIND_PARTITIONED_TABLE &&
		 erte->relkind != RELKIND_MATVIEW) ||
		erte->tablesample != NULL || erte->securityQuals != NIL)
		return false;
	/*
	 * the events are read with the current user's rights (not a view
	 * owner's): through a view, that holds for this role only, so a cached
	 * plan is made again for another (it read with the rights of whoever ran
	 * it, and failed); and like a scan of it, the plan depends on the table
	 * (ALTER TABLE makes it again)
	 */
	if (OidIsValid(erte->checkAsUser) && erte->checkAsUser != GetUserId())
		return false;
	if (root != NULL)
	{
		if (OidIsValid(erte->checkAsUser))
			root->glob->dependsOnRole = true;
		root->glob->relationOids = lappend_oid(root->glob->relationOids, erte->relid);
	}
	shape->relid = erte->relid;
	shape->inh = erte->inh;

	/* WHERE: key equality, upper bound, optional lower bound, nothing else */
	foreach(lc, FlattenQuals(q->jointree->quals))
		if (!ClassifyQual(lfirst(lc), shape, &have_key, &have_upper, &have_lower))
			return false;
	if (!have_key || !have_upper)
		return false;
	/* the merge orders times without a collation, and keys with the column's */
	if (type_is_collatable(shape->time_type))
		return false;
	if (OidIsValid(shape->key_collation) && !get_collation_isdeterministic(shape->key_collation))
		return false;

	/* ORDER BY e.ts DESC first, then tie-breaks on plain columns of e */
	first = linitial(q->sortClause);
	first_tle = get_sortgroupclause_tle(first, q->targetList);
	tv = InnerVar((Node *) first_tle->expr);
	if (tv == NULL || TableAttno(shape, tv) != shape->time_attno)
		return false;
	tc = lookup_type_cache(shape->time_type, TYPECACHE_GT_OPR);
	if (first->sortop != tc->gt_opr)
		return false;
	for_each_from(lc, q->sortClause, 1)
	{
		SortGroupClause *sgc = lfirst(lc);
		TargetEntry *tle = get_sortgroupclause_tle(sgc, q->targetList);
		Var		   *v = InnerVar((Node *) tle->expr);

		if (v == NULL || !OidIsValid(sgc->sortop) || TableAttno(shape, v) == 0)
			return false;
		shape->tiebreaks = lappend_int(shape->tiebreaks, TableAttno(shape, v));
		shape->tiebreaks = lappend_int(shape->tiebreaks, (int) sgc->sortop);
		shape->tiebreaks = lappend_int(shape->tiebreaks, sgc->nulls_first ? 1 : 0);
		shape->tiebreaks = lappend_int(shape->tiebreaks, (int) v->varcollid);
	}

	/* select list: plain columns of e */
	foreach(lc, q->targetList)
	{
		TargetEntry *tle = lfirst(lc);
		Var		   *v;

		if (tle->resjunk)
			continue;
		v = IsA(tle->expr, Var) ? (Var *) tle->expr : NULL;
		if (v == NULL || v->varno != 1 || v->varlevelsup != 0 || v->varattno <= 0 ||
			TableAttno(shape, v) == 0)
			return false;
		shape->output_attnos = lappend_int(shape->output_attnos, TableAttno(shape, v));
	}

	return true;
}

/*
 * Turns an outer expression of the subquery into one of the outer query:
 * its Vars move from level 1 to level 0, join alias Vars become the columns
 * they stand for, and the planner's expression preprocessing runs (function
 * defaults and named arguments expanded, COLLATE clauses resolved,
 * constants folded), since nothing else will plan this copy.  Returns NULL
 * if it then uses anything but the outer relations.
 */
static Expr *
PrepareOuterExpr(PlannerInfo *root, Expr *expr, Relids outer_relids)
{
	Node	   *node;

	if (expr == NULL)
		return NULL;
	node = copyObject((Node *) expr);
	IncrementVarSublevelsUp(node, -1, 1);
	if (root->hasJoinRTEs)
		node = flatten_join_alias_vars(root->parse, node);
	node = eval_const_expressions(root, node);
	if (!IsOuterExpr(node, 0) || !bms_is_subset(pull_varnos(root, node), outer_relids))
		return NULL;
	return (Expr *) node;
}

/* Returns whether index is a btree on all rows leading with (key, time). */
static bool
IndexLeadsWithShape(IndexOptInfo *index, const AsofShape *shape)
{
	return index->relam == BTREE_AM_OID && index->nkeycolumns >= 2 && index->indpred == NIL &&
		index->indexkeys[0] == shape->key_attno && index->indexkeys[1] == shape->time_attno;
}

/* Returns whether index leads with (key, time) and holds every column needed. */
static bool
IndexCoversShape(IndexOptInfo *index, const AsofShape *shape)
{
	ListCell   *lc;

	if (!IndexLeadsWithShape(index, shape))
		return false;
	foreach(lc, shape->output_attnos)
	{
		bool		has = false;

		for (int j = 0; j < index->ncolumns && !has; j++)
			has = (index->indexkeys[j] == lfirst_int(lc));
		if (!has)
			return false;
	}
	for (int i = 0; i < list_length(shape->tiebreaks); i += 4)
	{
		bool		has = false;

		for (int j = 0; j < index->ncolumns && !has; j++)
			has = (index->indexkeys[j] == list_nth_int(shape->tiebreaks, i));
		if (!has)
			return false;
	}
	return true;
}

/*
 * Returns the correlation between the physical order of the events' rows
 * and their times (ANALYZE's statistic), 0 if unknown.
 */
static double
TimeCorrelation(const AsofShape *shape)
{
	HeapTuple	tup;
	AttStatsSlot sslot;
	double		corr = 0.0;

	/* the table's own rows, else (a parent of others) the whole tree */
	tup = SearchSysCache3(STATRELATTINH, ObjectIdGetDatum(shape->relid),
						  Int16GetDatum(shape->time_attno), BoolGetDatum(false));
	if (!HeapTupleIsValid(tup) && shape->inh)
		tup = SearchSysCache3(STATRELATTINH, ObjectIdGetDatum(shape->relid),
							  Int16GetDatum(shape->time_attno), BoolGetDatum(true));
	if (!HeapTupleIsValid(tup))
		return 0.0;
	if (get_attstatsslot(&sslot, tup, STATISTIC_KIND_CORRELATION, InvalidOid, ATTSTATSSLOT_NUMBERS))
	{
		if (sslot.nnumbers == 1)
			corr = sslot.numbers[0];
		free_attstatsslot(&sslot);
	}
	ReleaseSysCache(tup);
	return corr;
}

/*
 * Adds up the tables under an inheritance parent or partitioned table (at
 * any depth): the parent's own tuples are those its quals leave of them
 * (a handful per outer row here), and a partitioned table has no pages, so
 * the merge looked as cheap as one probe whatever the table's size.
 */
static void
InheritedSize(PlannerInfo *root, Index parent, double *tuples, double *pages)
{
	ListCell   *lc;

	foreach(lc, root->append_rel_list)
	{
		AppendRelInfo *appinfo = lfirst(lc);
		RelOptInfo *child;

		if (appinfo->parent_relid != parent)
			continue;
		child = root->simple_rel_array[appinfo->child_relid];
		if (child == NULL)
			continue;
		if (root->simple_rte_array[appinfo->child_relid]->inh)
			InheritedSize(root, appinfo->child_relid, tuples, pages);
		else
		{
			/* an unanalysed foreign table may say -1 */
			*tuples += Max(child->tuples, 0);
			*pages += child->pages;
		}
	}
}

/*
 * Estimates the cost of reading the events in (key, time) order: an
 * index-only scan of a covering index, else the table and a sort.  Also
 * says whether another index leading with (key, time) is worth offering
 * to the events query: only when the rows lie in time order (an event log
 * appended as it happens).  Then an index scan walks the table forward
 * within each key, and rows of one key at close times share pages, so a
 * fetch mostly finds its page already pinned: on the 3M flights, read in
 * time order, 1.2-1.5 s against 2.4-4.3 s for the sort; on 10M events in
 * random order it is the other way round (8.9 s against 5.2-6.2 s).  The
 * executor then lets PostgreSQL's planner choose between the two, and the
 * sort's cost stays the estimate here (an upper bound).
 */
static void
EventsCost(PlannerInfo *subroot, RelOptInfo *erel, const AsofShape *shape, bool time_ordered,
		   Cost *cost, double *rows, bool *covering, bool *ordered_index)
{
	double		tuples = erel->tuples;
	double		pages = erel->pages;
	ListCell   *lc;

	if (subroot->simple_rte_array[erel->relid]->inh)
	{
		tuples = pages = 0;
		InheritedSize(subroot, erel->relid, &tuples, &pages);
	}
	tuples = Max(tuples, 1.0);
	pages = Max(pages, 1.0);

	*rows = tuples;
	*covering = false;
	*ordered_index = false;
	foreach(lc, erel->indexlist)
	{
		IndexOptInfo *index = lfirst(lc);

		*ordered_index |= time_ordered && IndexLeadsWithShape(index, shape);
		if (IndexCoversShape(index, shape))
		{
			/*
			 * An ordered index-only scan, plus handing every event through
			 * the cursor: measured at about a quarter of a nested loop's
			 * index-only probe per event on the reference machine.
			 */
			*cost = Max(index->pages, 1) * seq_page_cost + tuples * 2.5 * cpu_tuple_cost;
			*covering = true;
			return;
		}
	}

	/*
	 * A full ordered read: the pages, a sort's comparisons, and the cost of
	 * handing every event through the cursor and the merge (about five
	 * tuple costs, measured when each event was formed and copied as a
	 * tuple; the receiver no longer does that, but the sorts cost more than
	 * this term says on some machines, so it stays: bench/README.md).
	 */
	*cost = pages * seq_page_cost + tuples * 6.0 * cpu_tuple_cost +
		tuples * 2.0 * cpu_operator_cost * log2(Max(tuples, 2.0));
}

/* Offers the merge as-of path for a join with a recognised LATERAL subquery. */
static void
AsofJoinPathlist(PlannerInfo *root, RelOptInfo *joinrel, RelOptInfo *outerrel,
				 RelOptInfo *innerrel, JoinType jointype, JoinPathExtraData *extra)
{
	RangeTblEntry *rte;
	AsofShape	shape;
	Path	   *outer_path;
	CustomPath *cpath;
	Cost		events_cost;
	double		events_rows;
	bool		covering;
	bool		ordered_index;
	bool		time_ordered;
	double		keys_kb;
	bool		sweep_pays;
	double		outer_rows;
	RelOptInfo *erel;
	List	   *priv;
	ListCell   *lc;

	if (prev_join_pathlist_hook)
		prev_join_pathlist_hook(root, joinrel, outerrel, innerrel, jointype, extra);

	if (!timeline_enable_asof_join)
		return;
	if (jointype != JOIN_LEFT && jointype != JOIN_INNER)
		return;
	if (innerrel->reloptkind != RELOPT_BASEREL || innerrel->rtekind != RTE_SUBQUERY ||
		innerrel->subroot == NULL)
		return;
	rte = root->simple_rte_array[innerrel->relid];
	if (!rte->lateral || rte->subquery == NULL)
		return;
	/* ON true: no join quals of any kind */
	if (extra->restrictlist != NIL)
		return;
	/* the subquery's outer references must all come from the outer side */
	if (!bms_is_subset(innerrel->lateral_relids, outerrel->relids) ||
		bms_is_empty(innerrel->lateral_relids))
		return;
	/* quals on the subquery's output (they stay above its LIMIT) */
	if (innerrel->baserestrictinfo != NIL)
		return;
	if (!RecogniseSubquery(root, rte->subquery, &shape))
		return;
	shape.outer_key = PrepareOuterExpr(root, shape.outer_key, outerrel->relids);
	shape.outer_time = PrepareOuterExpr(root, shape.outer_time, outerrel->relids);
	if (shape.outer_key == NULL || shape.outer_time == NULL)
		return;
	if (shape.lower != NULL &&
		(shape.lower = PrepareOuterExpr(root, shape.lower, outerrel->relids)) == NULL)
		return;

	/*
	 * The join's output may only hold plain Vars, and those of the subquery
	 * must name one of its output columns (not the whole row, f.*).
	 */
	foreach(lc, joinrel->reltarget->exprs)
	{
		Var		   *var = lfirst(lc);

		if (!IsA(var, Var))
			return;
		if (var->varno == (int) innerrel->relid &&
			(var->varattno <= 0 || var->varattno > list_length(shape.output_attnos)))
			return;
	}
	foreach(lc, outerrel->reltarget->exprs)
		if (!IsA(lfirst(lc), Var))
			return;

	outer_path = outerrel->cheapest_total_path;
	if (outer_path == NULL || outer_path->param_info != NULL)
		return;

	/* the table's relation in the subquery's planning (a view is pulled up) */
	erel = NULL;
	for (int i = 1; i < innerrel->subroot->simple_rel_array_size && erel == NULL; i++)
	{
		RelOptInfo *r = innerrel->subroot->simple_rel_array[i];

		if (r != NULL && r->reloptkind == RELOPT_BASEREL && r->rtekind == RTE_RELATION &&
			innerrel->subroot->simple_rte_array[i]->relid == shape.relid)
			erel = r;
	}
	if (erel == NULL)
		return;
	/* the events lie in time order (an event log appended as it happens) */
	time_ordered = fabs(TimeCorrelation(&shape)) >= 0.9;
	EventsCost(innerrel->subroot, erel, &shape, time_ordered, &events_cost, &events_rows, &covering,
			   &ordered_index);
	outer_rows = Max(outer_path->rows, 1.0);

	/*
	 * The time sweep's table of keys, estimated (in kB) from the distinct
	 * keys and the width of the events' columns: the executor does not try
	 * the sweep when this passes its memory limit (it also checks the real
	 * size as it reads the events).  The sweep pays when its sort by time
	 * is cheap (the events lie in time order) or its table stays in cache
	 * (at most 1MB); otherwise the key merge is preferred: on 10M events in
	 * random order over 100K keys (a 9MB table) the sweep took 9.8-10.7 s
	 * against the merge's 7.3-7.8 s, while over the 229 airports of the
	 * flights it wins in time order (1.9-2.3 s against 4.0-4.6 s) and
	 * shuffled (3.0-3.7 s against 4.8-5.2 s).
	 */
	{
		Var		   *kvar = makeVar(erel->relid, shape.key_attno, get_atttype(shape.relid, shape.key_attno),
									   -1, shape.key_collation, 0);
		VariableStatData vardata;
		bool		isdefault;
		double		nkeys;

		/* distinct keys in the whole table (not per outer row, as the quals say) */
		examine_variable(innerrel->subroot, (Node *) kvar, 0, &vardata);
		nkeys = get_variable_numdistinct(&vardata, &isdefault);
		ReleaseVariableStats(vardata);

		keys_kb = Min(nkeys * (erel->reltarget->width + 2.0 * 48) / 1024.0, (double) INT_MAX);
		sweep_pays = keys_kb <= 1024.0 || time_ordered;
	}

	priv = list_make5(list_make5_int((int) shape.relid, shape.inh ? 1 : 0,
									 shape.key_attno, shape.time_attno,
									 shape.upper_strict ? 1 : 0),
					  list_make5_int(shape.lower != NULL ? 1 : 0, shape.lower_strict ? 1 : 0,
									 jointype == JOIN_LEFT ? 1 : 0, covering ? 1 : 0,
									 ordered_index ? 1 : 0),
					  shape.output_attnos,
					  shape.tiebreaks,
					  list_make5_int((int) shape.key_collation, (int) shape.key_type,
									 (int) shape.time_type, (int) keys_kb, sweep_pays ? 1 : 0));

	cpath = makeNode(CustomPath);
	cpath->path.pathtype = T_CustomScan;
	cpath->path.parent = joinrel;
	cpath->path.pathtarget = joinrel->reltarget;
	cpath->path.param_info = NULL;
	cpath->path.parallel_aware = false;
	cpath->path.parallel_safe = false;
	cpath->path.parallel_workers = 0;
	cpath->path.rows = joinrel->rows;
	cpath->path.startup_cost = outer_path->total_cost + events_cost +
		outer_rows * 2.0 * cpu_operator_cost * log2(Max(outer_rows, 2.0));
	cpath->path.total_cost = cpath->path.startup_cost +
		(outer_rows + events_rows) * cpu_tuple_cost;
	cpath->path.pathkeys = NIL;
	cpath->flags = 0;
	cpath->custom_paths = list_make1(outer_path);
	cpath->custom_private = list_make2(priv,
									   list_make3(shape.outer_key, shape.outer_time, shape.lower));
	cpath->methods = &asof_path_methods;
	add_path(joinrel, &cpath->path);
}

/* Returns the 1-based position of var in tlist, adding it as junk if absent. */
static int
TlistPosition(List **tlist, Var *var)
{
	ListCell   *lc;
	int			pos = 0;

	foreach(lc, *tlist)
	{
		TargetEntry *tle = lfirst(lc);

		pos++;
		if (equal(tle->expr, var))
			return pos;
	}
	*tlist = lappend(*tlist, makeTargetEntry((Expr *) copyObject(var), pos + 1, NULL, true));
	return pos + 1;
}

/*
 * Turns the path into a CustomScan replacing the join: its scan tuple
 * (custom_scan_tlist) holds the outer Vars and the subquery's output Vars.
 */
static Plan *
AsofPlanCustomPath(PlannerInfo *root, RelOptInfo *rel, CustomPath *best_path,
				   List *tlist, List *clauses, List *custom_plans)
{
	CustomScan *cscan = makeNode(CustomScan);
	List	   *priv = linitial(best_path->custom_private);
	List	   *exprs = lsecond(best_path->custom_private);
	Plan	   *outer_plan = linitial(custom_plans);
	List	   *scan_tlist = NIL;
	List	   *outer_map = NIL;
	List	   *inner_map = NIL;
	Index		inner_relid = 0;
	ListCell   *lc;
	int			pos;

	/* the inner relation is the one of rel not provided by the outer path */
	{
		Path	   *outer_path = linitial(best_path->custom_paths);
		Relids		inner = bms_difference(rel->relids, outer_path->parent->relids);

		if (bms_num_members(inner) != 1)
			elog(ERROR, "TimelineAsOf: unexpected inner relations");
		inner_relid = bms_singleton_member(inner);
	}

	/*
	 * The Vars of the join's output first.  The output may hold expressions
	 * over them (the query's final target list is applied to the top join,
	 * as in SELECT md5(f.note)): the plan's target list computes those from
	 * the scan tuple.
	 */
	foreach(lc, pull_var_clause((Node *) rel->reltarget->exprs, PVC_RECURSE_PLACEHOLDERS))
		(void) TlistPosition(&scan_tlist, lfirst(lc));
	/* outer Vars used by the key, time and bound expressions */
	foreach(lc, pull_var_clause((Node *) exprs, PVC_RECURSE_PLACEHOLDERS))
		(void) TlistPosition(&scan_tlist, lfirst(lc));

	/* where each scan column comes from */
	pos = 0;
	foreach(lc, scan_tlist)
	{
		TargetEntry *tle = lfirst(lc);
		Var		   *var = (Var *) tle->expr;

		pos++;
		if (var->varno == (int) inner_relid)
		{
			inner_map = lappend_int(inner_map, pos);
			inner_map = lappend_int(inner_map, var->varattno);	/* subquery output column */
		}
		else
		{
			ListCell   *lc2;
			int			cpos = 0;
			int			found = 0;

			foreach(lc2, outer_plan->targetlist)
			{
				TargetEntry *ctle = lfirst(lc2);

				cpos++;
				if (equal(ctle->expr, var))
				{
					found = cpos;
					break;
				}
			}
			if (found == 0)
				elog(ERROR, "TimelineAsOf: outer column not found in the outer plan");
			outer_map = lappend_int(outer_map, pos);
			outer_map = lappend_int(outer_map, found);
		}
	}

	cscan->scan.plan.targetlist = tlist;
	cscan->scan.plan.qual = extract_actual_clauses(clauses, false);
	cscan->scan.scanrelid = 0;
	cscan->flags = best_path->flags;
	cscan->custom_plans = custom_plans;
	cscan->custom_exprs = exprs;
	cscan->custom_private = list_make3(priv, outer_map, inner_map);
	cscan->custom_scan_tlist = scan_tlist;
	cscan->custom_relids = bms_copy(rel->relids);
	cscan->methods = &timeline_asof_scan_methods;
	return &cscan->scan.plan;
}

/*
 * The scalar-subquery form of the as-of query,
 *
 *	  SELECT s.*, (SELECT e.c FROM events e WHERE ... ORDER BY e.ts DESC LIMIT 1)
 *	  FROM s
 *
 * means the same as s LEFT JOIN LATERAL (the same subquery) f ON true with
 * f.c in its place: one value per row of s, NULL when no event qualifies
 * (LIMIT 1 gives at most one row, so the scalar subquery cannot fail on
 * several).  PostgreSQL plans it as a SubPlan, which no join hook sees, so
 * before planning such a select-list entry becomes that LEFT JOIN LATERAL,
 * and the join hook offers the merge as for one written so.
 *
 * A SubPlan runs only where its value is needed; the join computes it for
 * every row of s.  So the rewrite happens only where the two cannot be told
 * apart, not even by an error or by much more work:
 *
 *	  - the subquery reads the outer row only as plain columns (and
 *		constants), so computing it for a row PostgreSQL would have skipped
 *		cannot fail (a bound such as s.ts - interval '30 days' could);
 *	  - its value is needed for every row: the entry is the subquery itself
 *		in the select list of a query that returns all its rows (no LIMIT,
 *		OFFSET or cursor, no volatile filter the join would stay under), or
 *		a column of a FROM subquery of such a query that the query reads for
 *		every row (in its select list, through functions and operators only,
 *		or in an aggregate's arguments without FILTER), as in
 *		SELECT count(x.v) FROM (SELECT s.id, (SELECT ...) AS v FROM s) x and
 *		INSERT INTO t SELECT ...;
 *	  - the query is a plain SELECT over one FROM item, with no aggregates,
 *		grouping, window functions, DISTINCT, set operations, set-returning
 *		functions or FOR UPDATE (not allowed on the nullable side of a join).
 *
 * If the merge is not chosen, the nested loop over the lateral subquery
 * probes the index once per row, as the SubPlan did.
 */

/*
 * Whether expr is a constant or a plain column of a table of the outer
 * query (not of a view or subquery, whose column may be computed and then
 * fail for rows PostgreSQL would skip: found by a helper's review).
 */
static bool
PlainOuterOperand(Query *outer, Expr *expr)
{
	while (expr != NULL && IsA(expr, RelabelType))
		expr = ((RelabelType *) expr)->arg;
	if (expr == NULL || IsA(expr, Const))
		return true;
	return IsA(expr, Var) && ((Var *) expr)->varattno > 0 &&
		rt_fetch(((Var *) expr)->varno, outer->rtable)->rtekind == RTE_RELATION;
}

/*
 * Whether tle is exactly a subquery of the recognised shape; gives it and
 * its one output entry.
 */
static bool
ScalarAsofEntry(Query *outer, TargetEntry *tle, Query **subquery, TargetEntry **output)
{
	SubLink    *sl;
	Query	   *q;
	AsofShape	shape;
	int			outputs = 0;
	ListCell   *lc;

	if (!IsA(tle->expr, SubLink))
		return false;
	sl = (SubLink *) tle->expr;
	if (sl->subLinkType != EXPR_SUBLINK || !IsA(sl->subselect, Query))
		return false;
	q = (Query *) sl->subselect;
	foreach(lc, q->targetList)
		if (!((TargetEntry *) lfirst(lc))->resjunk)
		{
			*output = lfirst(lc);
			outputs++;
		}
	if (outputs != 1 || !RecogniseSubquery(NULL, q, &shape))
		return false;
	if (!PlainOuterOperand(outer, shape.outer_key) ||
		!PlainOuterOperand(outer, shape.outer_time) ||
		!PlainOuterOperand(outer, shape.lower))
		return false;
	*subquery = q;
	return true;
}

/* Whether parse may have select-list entries rewritten at all. */
static bool
ScalarAsofQueryOk(Query *parse)
{
	return parse->commandType == CMD_SELECT && parse->utilityStmt == NULL &&
		parse->hasSubLinks && !parse->setOperations && !parse->hasAggs &&
		!parse->hasWindowFuncs && !parse->hasTargetSRFs && !parse->hasForUpdate &&
		parse->rowMarks == NIL && parse->groupClause == NIL &&
		parse->groupingSets == NIL && parse->havingQual == NULL &&
		parse->distinctClause == NIL && parse->limitCount == NULL &&
		parse->limitOffset == NULL && list_length(parse->jointree->fromlist) == 1 &&
		!contain_volatile_functions((Node *) parse->jointree);
}

/*
 * Turns the recognised scalar subqueries of parse's select list into joins:
 * every one if needed is NULL, else those whose resno it holds.
 */
static void
AsofScalarSubqueriesToJoins(Query *parse, const Bitmapset *needed)
{
	ListCell   *lc;

	if (!ScalarAsofQueryOk(parse))
		return;
	foreach(lc, parse->targetList)
	{
		TargetEntry *tle = lfirst(lc);
		Query	   *q;
		TargetEntry *out;
		RangeTblEntry *rte;
		RangeTblEntry *jrte;
		RangeTblRef *rtr;
		JoinExpr   *j;
		Index		rti;

		if (needed != NULL && !bms_is_member(tle->resno, needed))
			continue;			/* not needed for every row */
		if (!ScalarAsofEntry(parse, tle, &q, &out))
			continue;

		/* the subquery, as a LATERAL item of the FROM list */
		rte = makeNode(RangeTblEntry);
		rte->rtekind = RTE_SUBQUERY;
		rte->subquery = q;
		rte->lateral = true;
		rte->inFromCl = true;
		rte->eref = makeAlias("asof_subquery",
							  list_make1(makeString(pstrdup(out->resname ? out->resname : "?column?"))));
		parse->rtable = lappend(parse->rtable, rte);
		rti = list_length(parse->rtable);

		/* the LEFT JOIN of the FROM item with it, ON true */
		jrte = makeNode(RangeTblEntry);
		jrte->rtekind = RTE_JOIN;
		jrte->jointype = JOIN_LEFT;
		jrte->inFromCl = true;
		jrte->eref = makeAlias("unnamed_join", NIL);
		parse->rtable = lappend(parse->rtable, jrte);

		rtr = makeNode(RangeTblRef);
		rtr->rtindex = rti;
		j = makeNode(JoinExpr);
		j->jointype = JOIN_LEFT;
		j->larg = linitial(parse->jointree->fromlist);
		j->rarg = (Node *) rtr;
		j->quals = (Node *) makeBoolConst(true, false);
		j->rtindex = list_length(parse->rtable);
		parse->jointree->fromlist = list_make1(j);

		/* the entry reads the subquery's column */
		tle->expr = (Expr *) makeVar(rti, 1, exprType((Node *) out->expr),
									 exprTypmod((Node *) out->expr),
									 exprCollation((Node *) out->expr), 0);
	}
}

/*
 * Which columns of the FROM subquery at varno of query top top reads for
 * every row: as a Var in its select list, under functions, operators and
 * type changes only (which evaluate all their arguments), directly or as
 * a join's alias of such a column, or in the arguments of an aggregate
 * without FILTER.
 */
typedef struct NeededColumns
{
	Query	   *top;
	int			varno;
	Bitmapset  *cols;
} NeededColumns;

static void
NeededVar(Var *v, NeededColumns *need)
{
	RangeTblEntry *rte;
	Node	   *alias;

	if (v->varlevelsup != 0 || v->varattno <= 0)
		return;
	if (v->varno == need->varno)
	{
		need->cols = bms_add_member(need->cols, v->varattno);
		return;
	}
	rte = rt_fetch(v->varno, need->top->rtable);
	if (rte->rtekind != RTE_JOIN || v->varattno > list_length(rte->joinaliasvars))
		return;
	alias = list_nth(rte->joinaliasvars, v->varattno - 1);
	if (alias != NULL && IsA(alias, Var))
		NeededVar((Var *) alias, need);
}

/* Walks an expression evaluated whole: stops at anything conditional. */
static void
NeededWalk(Node *node, NeededColumns *need)
{
	ListCell   *lc;
	List	   *args;

	if (node == NULL)
		return;
	switch (nodeTag(node))
	{
		case T_Var:
			NeededVar((Var *) node, need);
			return;
		case T_RelabelType:
			NeededWalk((Node *) ((RelabelType *) node)->arg, need);
			return;
		case T_CoerceViaIO:
			NeededWalk((Node *) ((CoerceViaIO *) node)->arg, need);
			return;
		case T_FuncExpr:
			args = ((FuncExpr *) node)->args;
			break;
		case T_OpExpr:
			args = ((OpExpr *) node)->args;
			break;
		default:
			return;
	}
	foreach(lc, args)
		NeededWalk(lfirst(lc), need);
}

/* Finds the aggregates without FILTER of an expression and walks their arguments. */
static bool
NeededAggWalker(Node *node, NeededColumns *need)
{
	if (node == NULL)
		return false;
	if (IsA(node, Aggref))
	{
		Aggref	   *agg = (Aggref *) node;
		ListCell   *lc;

		if (agg->agglevelsup == 0 && agg->aggfilter == NULL)
			foreach(lc, agg->args)
				NeededWalk((Node *) ((TargetEntry *) lfirst(lc))->expr, need);
		return false;
	}
	if (IsA(node, Query) || IsA(node, SubLink))
		return false;
	return expression_tree_walker(node, NeededAggWalker, need);
}

/* Whether parse reads every row of its FROM subqueries, all its rows. */
static bool
ReadsWholeSubqueries(Query *parse)
{
	return (parse->commandType == CMD_SELECT || parse->commandType == CMD_INSERT) &&
		parse->utilityStmt == NULL && parse->setOperations == NULL &&
		parse->limitCount == NULL && parse->limitOffset == NULL &&
		!parse->hasForUpdate && parse->rowMarks == NIL &&
		!contain_volatile_functions((Node *) parse->jointree);
}

/*
 * Rewrites parse, and the FROM subqueries of parse (one level), where
 * their value is needed for every row; cursors are read row by row, so a
 * query planned for one is left alone.  Every planned query comes here, so
 * only subqueries with a SubLink are looked at, and parse itself only once
 * there is one.
 */
static void
AsofRewriteQuery(Query *parse, int cursorOptions)
{
	ListCell   *lc;
	Index		rti = 0;
	int			whole = -1;		/* ReadsWholeSubqueries(parse), once known */

	if (cursorOptions & (CURSOR_OPT_FAST_PLAN | CURSOR_OPT_SCROLL | CURSOR_OPT_NO_SCROLL |
						 CURSOR_OPT_HOLD | CURSOR_OPT_BINARY | CURSOR_OPT_INSENSITIVE |
						 CURSOR_OPT_ASENSITIVE))
		return;
	foreach(lc, parse->rtable)
	{
		RangeTblEntry *rte = lfirst(lc);
		NeededColumns need;
		ListCell   *lc2;

		rti++;
		if (rte->rtekind != RTE_SUBQUERY || rte->subquery == NULL ||
			!rte->subquery->hasSubLinks)
			continue;
		if (whole < 0)
			whole = ReadsWholeSubqueries(parse) ? 1 : 0;
		if (!whole)
			break;
		need.top = parse;
		need.varno = (int) rti;
		need.cols = NULL;
		foreach(lc2, parse->targetList)
			NeededWalk((Node *) ((TargetEntry *) lfirst(lc2))->expr, &need);
		(void) NeededAggWalker((Node *) parse->targetList, &need);
		(void) NeededAggWalker(parse->havingQual, &need);
		if (need.cols != NULL)
			AsofScalarSubqueriesToJoins(rte->subquery, need.cols);
	}
	AsofScalarSubqueriesToJoins(parse, NULL);
}

/* planner_hook: rewrites scalar as-of subqueries, then plans as usual. */
static PlannedStmt *
AsofPlanner(Query *parse, const char *query_string, int cursorOptions,
			ParamListInfo boundParams)
{
	if (timeline_enable_asof_join)
		AsofRewriteQuery(parse, cursorOptions);
	if (prev_planner_hook)
		return prev_planner_hook(parse, query_string, cursorOptions, boundParams);
	return standard_planner(parse, query_string, cursorOptions, boundParams);
}

/* Installs the planner hooks (called once from _PG_init). */
void
AsofInstallPlannerHook(void)
{
	prev_join_pathlist_hook = set_join_pathlist_hook;
	set_join_pathlist_hook = AsofJoinPathlist;
	prev_planner_hook = planner_hook;
	planner_hook = AsofPlanner;
}
