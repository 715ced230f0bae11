/*-------------------------------------------------------------------------
 *
 * entity_lock.c
 *	  The lock buckets that serialize immediate-mode writers of one entity:
 *	  entity_lock_bucket.
 *
 * Immediate mode applies a statement's changes while holding, for every
 * entity they touch, a transaction-level advisory lock on one of 1024
 * buckets of the materialization (so a statement changing many entities
 * holds at most 1024 locks; README, "Modes").  Two values that the state
 * keeps as one entity must therefore fall in one bucket: the bucket comes
 * from the entity type's own hash function, which agrees with its equality
 * (numeric 1.0 and 1.00, float8 -0 and 0, text under its collation).  The
 * text form did not: writers of 1.0 and 1.00 took different buckets, ran at
 * once, and one's events were lost from the state (or its write failed
 * with "points must come after the feature state's last point").  A type
 * without a hash function falls back to its text form.
 *
 * The bucket must be the same in every backend: hash functions are, and
 * the text fallback is for a type whose output does not depend on the
 * session's settings.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "common/hashfn.h"
#include "fmgr.h"
#include "utils/lsyscache.h"
#include "utils/typcache.h"

#include "timeline.h"

#define ENTITY_LOCK_BUCKETS 1024

PG_FUNCTION_INFO_V1(timeline_entity_lock_bucket);

/* Returns the lock bucket (0 .. 1023) of an entity value, by its type's hash. */
Datum
timeline_entity_lock_bucket(PG_FUNCTION_ARGS)
{
	Oid			type = get_fn_expr_argtype(fcinfo->flinfo, 0);
	Datum		value = PG_GETARG_DATUM(0);
	TypeCacheEntry *tc;
	uint32		h;

	if (!OidIsValid(type))
		elog(ERROR, "could not determine the type of the entity");
	tc = lookup_type_cache(type, TYPECACHE_HASH_PROC_FINFO);
	if (OidIsValid(tc->hash_proc_finfo.fn_oid))
		h = DatumGetUInt32(FunctionCall1Coll(&tc->hash_proc_finfo, PG_GET_COLLATION(), value));
	else
	{
		Oid			output;
		bool		varlena;
		char	   *text;

		getTypeOutputInfo(type, &output, &varlena);
		text = OidOutputFunctionCall(output, value);
		h = DatumGetUInt32(hash_any((const unsigned char *) text, (int) strlen(text)));
		pfree(text);
	}
	PG_RETURN_INT32((int32) (h % ENTITY_LOCK_BUCKETS));
}
