/*-------------------------------------------------------------------------
 *
 * guc.c
 *	  Module initialisation: the settings of the timeline extension (all
 *	  registered here, named timeline.*) and the planner hooks, and
 *	  load_hooks, which SQL functions call to have them in place before
 *	  they plan a statement.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "nodes/extensible.h"
#include "utils/guc.h"

#include "timeline.h"

bool		timeline_enable_asof_join = true;
bool		timeline_enable_asof_sweep = true;
bool		timeline_enable_asof_slots = true;
bool		timeline_avoid_random_index_scans = true;

void		_PG_init(void);

PG_FUNCTION_INFO_V1(timeline_load_hooks);

/* Registers the settings, the custom scan and the planner hook. */
void
_PG_init(void)
{
	DefineCustomBoolVariable("timeline.enable_asof_join",
							 "Enables the merge plan (TimelineAsOf) for LATERAL point-in-time joins.",
							 "When off, LATERAL ... ORDER BY time DESC LIMIT 1 subqueries keep the normal plan.",
							 &timeline_enable_asof_join,
							 true,
							 PGC_USERSET,
							 0,
							 NULL, NULL, NULL);
	DefineCustomBoolVariable("timeline.enable_asof_sweep",
							 "Lets TimelineAsOf sweep both inputs in time order with a table of keys.",
							 "When off, or when the table of keys would not fit in work_mem * hash_mem_multiplier, "
							 "it merges the inputs in (key, time) order.",
							 &timeline_enable_asof_sweep,
							 true,
							 PGC_USERSET,
							 0,
							 NULL, NULL, NULL);
	DefineCustomBoolVariable("timeline.enable_asof_slots",
							 "Lets TimelineAsOf read unsorted events in the table's order into the outer rows' slots.",
							 "When off, events that are not read in (key, time) order from an index are sorted "
							 "for the key merge.",
							 &timeline_enable_asof_slots,
							 true,
							 PGC_USERSET,
							 0,
							 NULL, NULL, NULL);
	DefineCustomBoolVariable("timeline.avoid_random_index_scans",
							 "Keeps timeline_agg ... GROUP BY from reading a table through an index its rows do not follow.",
							 "When on, a plain index scan of a tenth of a non-empty table or more (an "
							 "index-only scan fetching a quarter of its rows from the heap), whose leading "
							 "column's correlation with the table's order is under 0.9 in absolute value or "
							 "unknown, is costed as disabled in a query that groups rows into timelines and "
							 "reads them all, and in the subqueries in its FROM that feed it.",
							 &timeline_avoid_random_index_scans,
							 true,
							 PGC_USERSET,
							 0,
							 NULL, NULL, NULL);
	MarkGUCPrefixReserved("timeline");
	RegisterCustomScanMethods(&timeline_asof_scan_methods);
	AsofInstallPlannerHook();
	ScanOrderInstallHook();
}

/*
 * load_hooks() -> void: nothing; calling it loads the library in a session
 * that has not yet (its planner hooks act from the next statement planned).
 * The functions that build timelines of every entity call it first, since
 * their statements rely on avoid_random_index_scans.
 */
Datum
timeline_load_hooks(PG_FUNCTION_ARGS)
{
	PG_RETURN_VOID();
}
