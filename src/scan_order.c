/*-------------------------------------------------------------------------
 *
 * scan_order.c
 *	  How well an index's order follows its table's: index_correlation,
 *	  which random_index_read (timeline--0.1.sql) asks of every plain index
 *	  scan in the plan of a statement that reads a whole source in entity
 *	  order (materialize's build, verify, create_training_set,
 *	  feature_timelines).
 *
 * PostgreSQL costs a full index scan of a table that fits in its cache as
 * reading each heap page once; on a table whose rows are not in the
 * index's order (an event table in arrival order, read by entity) it is
 * one random heap access per row, about twice the time of a sequential
 * scan and a sort (README, Materialization).  The statistic that says so
 * is the correlation of the index's leading column, which the planner
 * reads from pg_statistic; so does this function, rather than the
 * pg_stats view, which a role may not be allowed to read and which hides
 * the rows of tables under row-level security.  A role that may not read
 * the column gets NULL (unknown), as do a leading expression and a table
 * without statistics.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_index.h"
#include "catalog/pg_statistic.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

#include "timeline.h"

PG_FUNCTION_INFO_V1(timeline_index_correlation);

/*
 * index_correlation(index regclass) -> float8: the correlation of the
 * index's leading key column with its table's physical order (the table's
 * own statistics, not those of its inheritance tree), or NULL.
 */
Datum
timeline_index_correlation(PG_FUNCTION_ARGS)
{
	Oid			indexoid = PG_GETARG_OID(0);
	HeapTuple	tuple;
	Oid			relid;
	AttrNumber	attnum;
	AttStatsSlot sslot;
	float8		correlation = 0;
	bool		found = false;

	tuple = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(indexoid));
	if (!HeapTupleIsValid(tuple))
		PG_RETURN_NULL();
	relid = ((Form_pg_index) GETSTRUCT(tuple))->indrelid;
	attnum = ((Form_pg_index) GETSTRUCT(tuple))->indkey.values[0];
	ReleaseSysCache(tuple);
	if (attnum <= 0)
		PG_RETURN_NULL();
	if (pg_class_aclcheck(relid, GetUserId(), ACL_SELECT) != ACLCHECK_OK &&
		pg_attribute_aclcheck(relid, attnum, GetUserId(), ACL_SELECT) != ACLCHECK_OK)
		PG_RETURN_NULL();

	tuple = SearchSysCache3(STATRELATTINH, ObjectIdGetDatum(relid), Int16GetDatum(attnum),
							BoolGetDatum(false));
	if (!HeapTupleIsValid(tuple))
		PG_RETURN_NULL();
	if (get_attstatsslot(&sslot, tuple, STATISTIC_KIND_CORRELATION, InvalidOid, ATTSTATSSLOT_NUMBERS))
	{
		if (sslot.nnumbers == 1)
		{
			correlation = sslot.numbers[0];
			found = true;
		}
		free_attstatsslot(&sslot);
	}
	ReleaseSysCache(tuple);
	if (!found)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(correlation);
}
