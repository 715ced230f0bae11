/*-------------------------------------------------------------------------
 *
 * state_read.c
 *	  Serving reads of materialized feature sets: read_state, the body of
 *	  timeline.current and timeline.as_of.
 *
 * A read is one indexed lookup per state table, but the tables and columns
 * depend on the feature set, so its SQL is built by timeline.read_state_sql
 * (in the install script, with every identifier quoted).  Parsing and
 * planning that SQL on every call would cost far more than the lookup, so
 * each backend keeps the prepared plan per (feature set, entity type, read
 * mode, role) in a hash table.
 *
 * Validity: a plan belongs to one materialization of the feature set, whose
 * feature versions and state tables never change.  Materializing again, or
 * dropping the materialization, drops or creates state tables, and every
 * backend then receives a relation cache invalidation for them: a callback
 * marks the plans reading those tables stale, and the next read rebuilds
 * (or reports that the feature set is no longer materialized).  A valid
 * plan costs one execution per read, no catalog query.
 *
 * Trust: the state tables belong to the materialization's owner and the
 * read runs with the reader's rights, so a plan is made only after
 * timeline.check_state_tables found them, locked, as materialize made them
 * (a view or a policy of the owner's in their place ran its code with the
 * reader's rights, a superuser's too).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "executor/spi.h"
#include "nodes/makefuncs.h"
#include "storage/lockdefs.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

#include "timeline.h"

PG_FUNCTION_INFO_V1(timeline_read_state);

typedef struct ReadPlanKey
{
	char		feature_set[NAMEDATALEN];
	Oid			entity_type;
	bool		at_least_last;
	Oid			reader;			/* the checks depend on the role (policies) */
} ReadPlanKey;

#define READ_MAX_TABLES		16

typedef struct ReadPlanEntry
{
	ReadPlanKey key;
	bool		valid;
	SPIPlanPtr	plan;
	int			ntables;		/* state tables read; -1: too many to track */
	Oid			tables[READ_MAX_TABLES];
} ReadPlanEntry;

static HTAB *read_plans = NULL;

/* Marks stale every plan reading relid (every plan for InvalidOid). */
static void
ReadPlanInvalidate(Datum arg, Oid relid)
{
	HASH_SEQ_STATUS seq;
	ReadPlanEntry *e;

	hash_seq_init(&seq, read_plans);
	while ((e = (ReadPlanEntry *) hash_seq_search(&seq)) != NULL)
	{
		if (!OidIsValid(relid) || e->ntables < 0)
			e->valid = false;
		else
			for (int i = 0; i < e->ntables; i++)
				if (e->tables[i] == relid)
					e->valid = false;
	}
}

/* Returns the cache entry for key, creating the table on first use. */
static ReadPlanEntry *
ReadPlanLookup(const ReadPlanKey *key)
{
	bool		found;
	ReadPlanEntry *e;

	if (read_plans == NULL)
	{
		HASHCTL		ctl;

		ctl.keysize = sizeof(ReadPlanKey);
		ctl.entrysize = sizeof(ReadPlanEntry);
		ctl.hcxt = TopMemoryContext;
		read_plans = hash_create("timeline read plans", 16, &ctl,
								 HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
		CacheRegisterRelcacheCallback(ReadPlanInvalidate, (Datum) 0);
	}
	e = (ReadPlanEntry *) hash_search(read_plans, key, HASH_ENTER, &found);
	if (!found)
	{
		e->valid = false;
		e->plan = NULL;
		e->ntables = 0;
	}
	return e;
}

/*
 * Prepares the read of a feature set (timeline.read_state_sql's SQL) into e,
 * with the state tables it reads; raises if the set is not materialized.
 */
static void
PrepareRead(ReadPlanEntry *e, text *feature_set, Oid entity_type, bool at_least_last)
{
	Oid			argtypes[3] = {TEXTOID, BOOLOID, REGTYPEOID};
	Datum		args[3];
	SPIPlanPtr	sql_plan;
	SPIPlanPtr	plan;
	bool		isnull;
	char	   *sql;
	Oid			read_types[2];

	args[0] = PointerGetDatum(feature_set);
	args[1] = BoolGetDatum(at_least_last);
	args[2] = ObjectIdGetDatum(entity_type);

	/*
	 * the state tables the plan reads, whose invalidation makes it stale:
	 * locked first, then checked (timeline.check_state_tables: they are the
	 * owner's, and a view or a policy of its own in their place would run
	 * its code with the reader's rights), so none can change before the
	 * read is built (read_state_sql compares the reader's entity type with
	 * theirs) and prepared; a change after this transaction invalidates the
	 * plan, and the next read checks again
	 */
	if (SPI_execute_with_args("SELECT m.state_table::pg_catalog.text FROM timeline.materialization_source m "
							  "WHERE m.feature_set = $1 ORDER BY m.id",
							  1, argtypes, args, NULL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not list the state tables of a feature set");
	e->ntables = SPI_processed <= READ_MAX_TABLES ? (int) SPI_processed : -1;
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		char	   *table = SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1);
		Oid			relid;

		relid = RangeVarGetRelid(makeRangeVar("timeline_state", table, -1), AccessShareLock, true);
		if (e->ntables >= 0)
			e->tables[i] = relid;
	}
	if (SPI_execute_with_args("SELECT timeline.check_state_tables($1)",
							  1, argtypes, args, NULL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not check the state tables of a feature set");

	sql_plan = SPI_prepare("SELECT timeline.read_state_sql($1, $2, $3)", 3, argtypes);
	if (sql_plan == NULL ||
		SPI_execute_plan(sql_plan, args, NULL, true, 1) != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "could not build the read of a feature set");
	sql = TextDatumGetCString(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	SPI_freeplan(sql_plan);

	read_types[0] = entity_type;
	read_types[1] = TIMESTAMPTZOID;
	plan = SPI_prepare(sql, 2, read_types);
	if (plan == NULL)
		elog(ERROR, "could not prepare the read of a feature set: %s",
			 SPI_result_code_string(SPI_result));

	if (SPI_keepplan(plan) != 0)
		elog(ERROR, "could not keep the read plan of a feature set");
	e->plan = plan;
	e->valid = true;
}

/*
 * read_state(feature_set, entity, t, at_least_last): every feature of one
 * entity as a jsonb object, read at t (at_least_last: at the later of t and
 * the entity's last event).
 */
Datum
timeline_read_state(PG_FUNCTION_ARGS)
{
	text	   *feature_set;
	Oid			entity_type = get_fn_expr_argtype(fcinfo->flinfo, 1);
	ReadPlanKey key;
	ReadPlanEntry *e;
	Datum		args[2];
	char		nulls[2] = {' ', ' '};
	bool		isnull;
	Datum		result;
	char	   *name;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("feature set NULL is not materialized")));
	if (PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("t must not be NULL")));
	if (!OidIsValid(entity_type))
		elog(ERROR, "could not determine the entity's type");
	feature_set = PG_GETARG_TEXT_PP(0);
	name = text_to_cstring(feature_set);

	memset(&key, 0, sizeof(key));
	strlcpy(key.feature_set, name, NAMEDATALEN);
	key.entity_type = entity_type;
	key.at_least_last = PG_ARGISNULL(3) ? false : PG_GETARG_BOOL(3);
	key.reader = GetUserId();

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	e = ReadPlanLookup(&key);
	/* names longer than a key holds are never trusted to the cache */
	if (!e->valid || strlen(name) >= NAMEDATALEN)
	{
		if (e->plan != NULL)
			SPI_freeplan(e->plan);
		e->plan = NULL;
		e->valid = false;
		PrepareRead(e, feature_set, entity_type, key.at_least_last);
	}

	args[0] = PG_ARGISNULL(1) ? (Datum) 0 : PG_GETARG_DATUM(1);
	if (PG_ARGISNULL(1))
		nulls[0] = 'n';
	args[1] = PG_GETARG_DATUM(2);
	if (SPI_execute_plan(e->plan, args, nulls, true, 1) != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "could not read the state of a feature set");
	result = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	if (!isnull)
		result = SPI_datumTransfer(result, false, -1);
	SPI_finish();
	if (isnull)
		PG_RETURN_NULL();
	PG_RETURN_DATUM(result);
}
