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
 * Running even a prepared plan costs several times the lookup (executor
 * start-up of its subqueries and twenty-odd expressions), so where the
 * entity is of the state's own type a read is done here directly: the
 * primary key's btree looked up in each state table under the caller's
 * snapshot, the states' values computed and the jsonb object built as the
 * SQL builds it (the "direct read", about twice as many reads a second).
 * The plan stays for everything else (an entity cast to the state's type,
 * a reader with only column privileges) and is the direct read's oracle in
 * the tests.
 *
 * Validity: a plan belongs to one materialization of the feature set, whose
 * feature versions and state tables never change.  Materializing again, or
 * dropping the materialization, drops or creates state tables, and every
 * backend then receives a relation cache invalidation for them: a callback
 * marks the plans reading those tables stale, and the next read rebuilds
 * (or reports that the feature set is no longer materialized).  The tables
 * are locked before a cached read is trusted, so a change committed since
 * the reader's transaction began is seen too.  A valid plan costs one
 * execution per read, no catalog query; the direct read also checks the
 * reader's SELECT right, row-level security, and its rights on the
 * functions and schemas the plan names, at every read (a role's membership,
 * BYPASSRLS or a function's or schema's rights change without
 * invalidating any table).
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

#include "access/genam.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "access/tableam.h"
#include "catalog/namespace.h"
#include "catalog/pg_am.h"
#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "executor/spi.h"
#include "executor/tuptable.h"
#include "nodes/makefuncs.h"
#include "parser/parse_func.h"
#include "pgtime.h"
#include "storage/lmgr.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "utils/rel.h"
#include "utils/rls.h"
#include "utils/snapmgr.h"

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

/* one feature of a direct read: its state column and jsonb key */
typedef struct DirectFeature
{
	char	   *name;
	int			namelen;
	AttrNumber	attno;
	bool		zero_if_absent; /* counts: 0 for an entity without state */
} DirectFeature;

/* one state table of a direct read: its primary key lookup */
typedef struct DirectTable
{
	Oid			relid;
	Oid			indexid;
	Oid			eqproc;			/* the key's btree equality */
	Oid			keytype;		/* its operator class's input type */
	Oid			collation;		/* the key column's */
	AttrNumber	last_attno;
	int			nfeatures;
	DirectFeature *features;
} DirectTable;

/*
 * The read done without SPI: a primary-key lookup in each state table, the
 * states' values computed and put in a jsonb object here, what the SQL of
 * read_state_sql computes, for an entity of the state's own type.
 */
typedef struct DirectRead
{
	MemoryContext cxt;			/* holds this */
	pg_tz	   *tz;				/* the feature set's time zone */
	int			ntables;
	DirectTable *tables;
	int			nprocs;
	Oid			procs[4];		/* the functions the plan calls, EXECUTE checked */
	Oid			schemas[2];		/* the schemas it names, USAGE checked */
} DirectRead;

typedef struct ReadPlanEntry
{
	ReadPlanKey key;
	bool		valid;
	SPIPlanPtr	plan;
	DirectRead *direct;			/* NULL: the read is the plan's */
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
		e->direct = NULL;
		e->ntables = 0;
	}
	return e;
}

/*
 * Describes the direct read of a feature set for entities of entity_type,
 * or returns NULL when the read must stay the plan's: an entity of another
 * type (compared by a cast or a cross-type operator), a state table without
 * a one-column btree primary key on entity, more tables than tracked.  SPI
 * connected; the state tables locked and checked (PrepareRead).
 */
static DirectRead *
PrepareDirectRead(text *feature_set, Oid entity_type)
{
	Oid			argtypes[1] = {TEXTOID};
	Datum		args[1];
	MemoryContext cxt;
	MemoryContext old;
	DirectRead *d;
	char	   *zone = NULL;
	char	   *last_table = NULL;
	bool		ok = true;

	args[0] = PointerGetDatum(feature_set);
	if (SPI_execute_with_args("SELECT m.state_table::pg_catalog.text, f.feature, "
							  "       d.aggregate IN ('count', 'count_if'), fd.time_zone "
							  "FROM timeline.materialization_source m "
							  "JOIN timeline.feature_set_def fd ON fd.name = m.feature_set "
							  "JOIN timeline.feature_set_member f ON f.feature_set = m.feature_set "
							  "JOIN timeline.feature_def d ON d.name = f.feature AND d.version = f.version "
							  "                           AND d.source = m.source "
							  "WHERE m.feature_set = $1 ORDER BY m.id, f.position",
							  1, argtypes, args, NULL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not list the features of a feature set");
	if (SPI_processed == 0)
		return NULL;

	/*
	 * made under the caller's context, so that an error below frees it with
	 * that context; it moves under TopMemoryContext once complete
	 */
	cxt = AllocSetContextCreate(CurrentMemoryContext, "timeline direct read", ALLOCSET_SMALL_SIZES);
	old = MemoryContextSwitchTo(cxt);
	d = palloc0(sizeof(DirectRead));
	d->cxt = cxt;
	d->tables = palloc0(sizeof(DirectTable) * SPI_processed);
	for (uint64 i = 0; i < SPI_processed && ok; i++)
	{
		HeapTuple	row = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		char	   *table = SPI_getvalue(row, desc, 1);
		char	   *feature = SPI_getvalue(row, desc, 2);
		bool		isnull;
		bool		is_count = DatumGetBool(SPI_getbinval(row, desc, 3, &isnull));
		DirectTable *dt;
		DirectFeature *df;

		if (zone == NULL)
			zone = SPI_getvalue(row, desc, 4);
		if (last_table == NULL || strcmp(last_table, table) != 0)
		{
			Relation	rel;
			Relation	idx;
			Oid			opfamily;
			Oid			eqop;

			last_table = table;
			dt = &d->tables[d->ntables++];
			dt->relid = RangeVarGetRelid(makeRangeVar("timeline_state", table, -1), NoLock, true);
			dt->features = palloc0(sizeof(DirectFeature) * SPI_processed);
			if (!OidIsValid(dt->relid))
			{
				ok = false;
				break;
			}
			rel = table_open(dt->relid, AccessShareLock);
			dt->indexid = RelationGetPrimaryKeyIndex(rel);
			dt->last_attno = get_attnum(dt->relid, "last_time");
			if (!OidIsValid(dt->indexid) || dt->last_attno == InvalidAttrNumber ||
				get_attnum(dt->relid, "entity") != 1 ||
				TupleDescAttr(RelationGetDescr(rel), 0)->atttypid != entity_type)
			{
				table_close(rel, NoLock);
				ok = false;
				break;
			}
			idx = index_open(dt->indexid, AccessShareLock);
			if (idx->rd_rel->relam != BTREE_AM_OID ||
				IndexRelationGetNumberOfKeyAttributes(idx) != 1 ||
				idx->rd_index->indkey.values[0] != 1)
				ok = false;
			else
			{
				opfamily = idx->rd_opfamily[0];
				dt->keytype = idx->rd_opcintype[0];
				dt->collation = idx->rd_indcollation[0];
				eqop = get_opfamily_member(opfamily, dt->keytype, dt->keytype, BTEqualStrategyNumber);
				dt->eqproc = OidIsValid(eqop) ? get_opcode(eqop) : InvalidOid;
				ok = OidIsValid(dt->eqproc);
			}
			index_close(idx, NoLock);
			table_close(rel, NoLock);
		}
		dt = &d->tables[d->ntables - 1];
		df = &dt->features[dt->nfeatures++];
		df->name = feature;		/* SPI_getvalue's copy, in cxt */
		df->namelen = strlen(feature);
		df->attno = get_attnum(dt->relid, feature);
		df->zero_if_absent = !isnull && is_count;
		if (df->attno == InvalidAttrNumber)
			ok = false;
	}
	MemoryContextSwitchTo(old);

	/*
	 * the functions the plan's execution calls, and checks the reader's
	 * EXECUTE right on at every read: each state's value, the entities'
	 * equality, the object and the concatenation of one per state table
	 */
	if (ok && d->ntables > 0)
	{
		Oid			value_at_args[3] = {BYTEAOID, TIMESTAMPTZOID, TEXTOID};
		List	   *value_at = list_make1(makeString("timeline"));

		value_at = lappend(value_at, makeString("state_value_at"));
		d->procs[d->nprocs++] = LookupFuncName(value_at, 3, value_at_args, true);
		d->procs[d->nprocs++] = d->tables[0].eqproc;
		d->procs[d->nprocs++] = F_JSONB_BUILD_OBJECT_ANY;
		if (d->ntables > 1)
			d->procs[d->nprocs++] = F_JSONB_CONCAT;
		ok = OidIsValid(d->procs[0]);
		if (ok)
		{
			d->schemas[0] = get_rel_namespace(d->tables[0].relid);
			d->schemas[1] = get_func_namespace(d->procs[0]);
		}
	}
	if (ok && d->ntables <= READ_MAX_TABLES && zone != NULL)
		d->tz = pg_tzset(zone);
	if (!ok || d->ntables > READ_MAX_TABLES || d->tz == NULL)
	{
		MemoryContextDelete(cxt);
		return NULL;
	}
	MemoryContextSetParent(cxt, TopMemoryContext);
	return d;
}

/* A float8 as jsonb_build_object puts it: a number, or a string (NaN, Infinity). */
static void
Float8Jsonb(float8 v, JsonbValue *jv)
{
	char	   *s = DatumGetCString(DirectFunctionCall1(float8out, Float8GetDatum(v)));

	if (strchr(s, 'N') == NULL && strchr(s, 'n') == NULL)
	{
		jv->type = jbvNumeric;
		jv->val.numeric = DatumGetNumeric(DirectFunctionCall3(numeric_in, CStringGetDatum(s),
															  ObjectIdGetDatum(InvalidOid),
															  Int32GetDatum(-1)));
	}
	else
	{
		jv->type = jbvString;
		jv->val.string.val = s;
		jv->val.string.len = strlen(s);
	}
}

/*
 * The direct read of e (valid, with a DirectRead) of entity at t; false,
 * with nothing read, when the read must be the plan's after all: a state
 * table gone or changed (e is stale once its lock is taken, or made stale
 * here when row-level security applies to the reader: the read is then
 * built and checked again), one the reader may not read as a whole
 * (the plan's execution checks the columns, as for any query), or a
 * function or schema of the plan the reader may not use (the plan then
 * refuses the read, as it did before the read was direct).
 */
static bool
DirectReadRun(ReadPlanEntry *e, Datum entity, bool entity_null, TimestampTz t,
			  bool at_least_last, Datum *result)
{
	DirectRead *d = e->direct;
	Relation	rels[READ_MAX_TABLES];
	TupleTableSlot *slots[READ_MAX_TABLES];
	bool		found[READ_MAX_TABLES];
	Snapshot	snapshot;
	TimestampTz at = t;
	JsonbParseState *ps = NULL;
	JsonbValue *obj;
	int			nopen = 0;
	bool		ok = true;

	/* the read's snapshot is the caller's, as for the plan run by SPI */
	if (!ActiveSnapshotSet())
		return false;
	snapshot = GetActiveSnapshot();
	for (int i = 0; i < d->ntables && ok; i++)
	{
		DirectTable *dt = &d->tables[i];

		rels[i] = try_table_open(dt->relid, AccessShareLock);
		if (rels[i] == NULL)
			e->valid = false;
		else
		{
			nopen++;

			/*
			 * row-level security that applies to the reader now (a role that
			 * lost BYPASSRLS, which invalidates nothing): the read is built
			 * again, and its checks refuse the table
			 */
			if (check_enable_rls(dt->relid, InvalidOid, true) == RLS_ENABLED)
				e->valid = false;
		}
		/* taking the lock processed invalidations: e may be stale now */
		ok = e->valid &&
			pg_class_aclcheck(dt->relid, GetUserId(), ACL_SELECT) == ACLCHECK_OK;
	}
	/*
	 * nor does a right on a function or on a schema taken away (the plan is
	 * analysed again after any change of a schema, and checks USAGE then)
	 */
	for (int i = 0; i < d->nprocs && ok; i++)
		ok = pg_proc_aclcheck(d->procs[i], GetUserId(), ACL_EXECUTE) == ACLCHECK_OK;
	for (int i = 0; i < (int) lengthof(d->schemas) && ok; i++)
		ok = pg_namespace_aclcheck(d->schemas[i], GetUserId(), ACL_USAGE) == ACLCHECK_OK;
	if (!ok)
	{
		for (int i = 0; i < nopen; i++)
			table_close(rels[i], NoLock);
		return false;
	}

	for (int i = 0; i < d->ntables; i++)
	{
		DirectTable *dt = &d->tables[i];

		slots[i] = table_slot_create(rels[i], NULL);
		found[i] = false;
		if (!entity_null)
		{
			Relation	idx = index_open(dt->indexid, AccessShareLock);
			IndexScanDesc scan;
			ScanKeyData key;

			ScanKeyEntryInitialize(&key, 0, 1, BTEqualStrategyNumber, dt->keytype,
								   dt->collation, dt->eqproc, entity);
			scan = index_beginscan(rels[i], idx, snapshot, 1, 0);
			index_rescan(scan, &key, 1, NULL, 0);
			found[i] = index_getnext_slot(scan, ForwardScanDirection, slots[i]);
			index_endscan(scan);
			index_close(idx, NoLock);
		}
		if (found[i])
		{
			bool		isnull;
			Datum		last = slot_getattr(slots[i], dt->last_attno, &isnull);

			if (at_least_last && !isnull && DatumGetTimestampTz(last) > at)
				at = DatumGetTimestampTz(last);
		}
	}

	pushJsonbValue(&ps, WJB_BEGIN_OBJECT, NULL);
	for (int i = 0; i < d->ntables; i++)
	{
		DirectTable *dt = &d->tables[i];

		for (int j = 0; j < dt->nfeatures; j++)
		{
			DirectFeature *df = &dt->features[j];
			JsonbValue	k;
			JsonbValue	v;

			k.type = jbvString;
			k.val.string.val = df->name;
			k.val.string.len = df->namelen;
			pushJsonbValue(&ps, WJB_KEY, &k);
			v.type = jbvNull;
			if (found[i])
			{
				bool		isnull;
				Datum		raw = slot_getattr(slots[i], df->attno, &isnull);
				float8		value;

				if (!isnull)
				{
					bytea	   *state = DatumGetByteaP(raw);

					if (FeatureStateValueAt(state, at, d->tz, &value))
						Float8Jsonb(value, &v);
					if ((Pointer) state != DatumGetPointer(raw))
						pfree(state);
				}
			}
			else if (df->zero_if_absent && !entity_null)
			{
				v.type = jbvNumeric;
				v.val.numeric = int64_to_numeric(0);
			}
			pushJsonbValue(&ps, WJB_VALUE, &v);
		}
	}
	obj = pushJsonbValue(&ps, WJB_END_OBJECT, NULL);
	*result = JsonbPGetDatum(JsonbValueToJsonb(obj));

	for (int i = 0; i < d->ntables; i++)
	{
		ExecDropSingleTupleTableSlot(slots[i]);
		table_close(rels[i], NoLock);
	}
	return true;
}

/*
 * A state table the catalog lists, as of the statement's snapshot, is not
 * there once its lock is taken.  If the catalog as of now no longer lists
 * it, the feature set was dropped or materialized again by a transaction
 * that committed while this read waited for the table (or after this
 * statement's snapshot): the read cannot be done under that snapshot
 * (the new state tables' rows are not in it), so it fails with 40001, to
 * be run again.  Otherwise (the table was dropped by hand) the read's SQL
 * fails to prepare, naming it (42P01).
 */
static void
StateTableGone(text *feature_set, const char *table)
{
	Oid			argtypes[2] = {TEXTOID, TEXTOID};
	Datum		args[2];
	int			rc;

	args[0] = PointerGetDatum(feature_set);
	args[1] = CStringGetTextDatum(table);
	PushActiveSnapshot(GetLatestSnapshot());
	rc = SPI_execute_with_args("SELECT 1 FROM timeline.materialization_source m "
							   "WHERE m.feature_set = $1 AND m.state_table::pg_catalog.text = $2",
							   2, argtypes, args, NULL, true, 1);
	PopActiveSnapshot();
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "could not look up a state table of a feature set");
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
				 errmsg("feature set %s was dropped or materialized again while this read waited for it",
						quote_literal_cstr(text_to_cstring(feature_set))),
				 errhint("Read again.")));
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
	{
		SPITupleTable *listed = SPI_tuptable;
		uint64		nlisted = SPI_processed;

		for (uint64 i = 0; i < nlisted; i++)
		{
			char	   *table = SPI_getvalue(listed->vals[i], listed->tupdesc, 1);
			Oid			relid;

			relid = RangeVarGetRelid(makeRangeVar("timeline_state", table, -1), AccessShareLock, true);
			if (e->ntables >= 0)
				e->tables[i] = relid;
			if (!OidIsValid(relid))
				StateTableGone(feature_set, table);
		}
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
	e->direct = PrepareDirectRead(feature_set, entity_type);
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

	e = ReadPlanLookup(&key);

	/*
	 * Lock the state tables of a cached read before trusting it: a change
	 * committed since this transaction began (a view put in a table's place)
	 * arrives with the lock and makes e stale, so the read is built and
	 * checked again rather than the plan re-planned over what is there now.
	 */
	if (e->valid)
	{
		if (e->ntables < 0)
			AcceptInvalidationMessages();
		for (int i = 0; i < e->ntables; i++)
			LockRelationOid(e->tables[i], AccessShareLock);
	}
	/* names longer than a key holds are never trusted to the cache */
	if (e->valid && e->direct != NULL && strlen(name) < NAMEDATALEN &&
		DirectReadRun(e, PG_ARGISNULL(1) ? (Datum) 0 : PG_GETARG_DATUM(1), PG_ARGISNULL(1),
					  PG_GETARG_TIMESTAMPTZ(2), key.at_least_last, &result))
		PG_RETURN_DATUM(result);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (!e->valid || strlen(name) >= NAMEDATALEN)
	{
		if (e->plan != NULL)
			SPI_freeplan(e->plan);
		if (e->direct != NULL)
			MemoryContextDelete(e->direct->cxt);
		e->plan = NULL;
		e->direct = NULL;
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
