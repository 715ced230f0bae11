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
 * without a hash function falls back to its binary form (below), but a composite,
 * array, range or multirange without one (because a field, element or
 * bound type, such as bit or money, has none) is hashed from its parts,
 * each by its own type's hash where it has one: the text form of
 * ('A', B'1') and ('a', B'1') of a (citext, bit) composite differ, though
 * the two are one entity, and its writers lost events as 1.0 and 1.00 did
 * (a helper's bug hunt; a multirange of a range over such a composite took
 * its text form until a later one).
 *
 * The bucket must be the same in every backend: hash functions are, and
 * a type without one is hashed by its binary form (send function), which
 * does not depend on the session's settings as a text form may (money's
 * on lc_monetary); by its text form only when it has no binary form.  The
 * binary form is taken in the database's encoding: a send function writes
 * text in the client's (tsvector's lexemes), so a LATIN1 session took
 * another bucket than a UTF8 one for an accented lexeme, and its write of
 * a lexeme LATIN1 cannot spell failed.  tsquery's equality ignores its
 * operands' weights and prefix marks ('a:A' = 'a:B'), which its binary
 * form holds: it is hashed from what its equality compares.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "common/hashfn.h"
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "mb/pg_wchar.h"
#include "tsearch/ts_type.h"
#include "utils/array.h"
#include "utils/lsyscache.h"
#include "utils/multirangetypes.h"
#include "utils/rangetypes.h"
#include "utils/typcache.h"

#include "timeline.h"

#define ENTITY_LOCK_BUCKETS 1024

PG_FUNCTION_INFO_V1(timeline_entity_lock_bucket);

/*
 * The binary form of a value in the database's encoding, not the
 * client's, in which a send function writes text (pq_sendtext): the
 * client's encoding is put back after, also on error.
 */
static bytea *
SendInDatabaseEncoding(Oid send, Datum value)
{
	int			client = pg_get_client_encoding();
	bytea	   *bytes = NULL;

	if (client == GetDatabaseEncoding())
		return OidSendFunctionCall(send, value);
	SetClientEncoding(GetDatabaseEncoding());
	PG_TRY();
	{
		bytes = OidSendFunctionCall(send, value);
	}
	PG_FINALLY();
	{
		(void) SetClientEncoding(client);
	}
	PG_END_TRY();
	return bytes;
}

/*
 * A hash of a tsquery item and its operands that agrees with tsquery's
 * equality (QTNodeCompare): operators, their arity and phrase distance, and
 * the operands' lexemes, not their weights or prefix marks.
 */
static uint32
tsquery_item_hash(QueryItem *item, char *operand)
{
	uint32		h;

	check_stack_depth();
	if (item->type != QI_OPR)
		return hash_combine(QI_VAL, DatumGetUInt32(hash_any((const unsigned char *) operand + item->qoperand.distance,
															 item->qoperand.length)));
	h = hash_combine(QI_OPR, (uint32) item->qoperator.oper);
	if (item->qoperator.oper == OP_PHRASE)
		h = hash_combine(h, (uint32) item->qoperator.distance);
	/* as QT2QTN builds the tree: the right operand next, the left at left */
	h = hash_combine(h, tsquery_item_hash(item + 1, operand));
	if (item->qoperator.oper != OP_NOT)
		h = hash_combine(h, tsquery_item_hash(item + item->qoperator.left, operand));
	return h;
}

/*
 * A hash of a value of a type that agrees with the equality of the type's
 * default btree operator class: the type's hash function; else, for a
 * composite, an array or a range, a combination of its parts' hashes (each
 * part equal in two equal values, under the collation the equality compares
 * it with); else its binary form, or its text form when it has none.
 */
static uint32
entity_hash(Oid type, Oid collation, Datum value)
{
	TypeCacheEntry *tc;
	Oid			output;
	bool		varlena;
	char	   *text;
	uint32		h;
	int16		typlen;
	bool		typbyval;
	char		typalign;
	char		typdelim;
	Oid			typioparam;
	Oid			send;

	check_stack_depth();
	tc = lookup_type_cache(type, TYPECACHE_HASH_PROC_FINFO);
	if (OidIsValid(tc->hash_proc_finfo.fn_oid))
		return DatumGetUInt32(FunctionCall1Coll(&tc->hash_proc_finfo, collation, value));
	if (tc->typtype == TYPTYPE_DOMAIN)
		return entity_hash(getBaseType(type), collation, value);
	if (tc->typtype == TYPTYPE_COMPOSITE)
	{
		/* as record_eq compares: field by field, each under its collation */
		HeapTupleHeader rec = DatumGetHeapTupleHeader(value);
		TupleDesc	desc = lookup_rowtype_tupdesc(HeapTupleHeaderGetTypeId(rec),
												  HeapTupleHeaderGetTypMod(rec));
		HeapTupleData tuple;
		Datum	   *values = palloc(desc->natts * sizeof(Datum));
		bool	   *nulls = palloc(desc->natts * sizeof(bool));

		tuple.t_len = HeapTupleHeaderGetDatumLength(rec);
		ItemPointerSetInvalid(&(tuple.t_self));
		tuple.t_tableOid = InvalidOid;
		tuple.t_data = rec;
		heap_deform_tuple(&tuple, desc, values, nulls);
		h = 0;
		for (int i = 0; i < desc->natts; i++)
		{
			Form_pg_attribute att = TupleDescAttr(desc, i);

			if (att->attisdropped)
				continue;
			h = hash_combine(h, nulls[i] ? 0 : entity_hash(att->atttypid, att->attcollation, values[i]));
		}
		ReleaseTupleDesc(desc);
		pfree(values);
		pfree(nulls);
		return h;
	}
	if (OidIsValid(get_element_type(type)) && tc->typlen == -1)
	{
		/* as array_eq compares: element by element, under its collation */
		ArrayType  *array = DatumGetArrayTypeP(value);
		Oid			element = ARR_ELEMTYPE(array);
		int16		elmlen;
		bool		elmbyval;
		char		elmalign;
		Datum	   *elems;
		bool	   *elemnulls;
		int			n;

		get_typlenbyvalalign(element, &elmlen, &elmbyval, &elmalign);
		deconstruct_array(array, element, elmlen, elmbyval, elmalign, &elems, &elemnulls, &n);
		h = 0;
		for (int i = 0; i < n; i++)
			h = hash_combine(h, elemnulls[i] ? 0 : entity_hash(element, collation, elems[i]));
		return h;
	}
	if (tc->typtype == TYPTYPE_RANGE)
	{
		/* as range_eq compares: the flags and the bounds, by the subtype */
		RangeType  *range = DatumGetRangeTypeP(value);
		TypeCacheEntry *rtc = lookup_type_cache(RangeTypeGetOid(range), TYPECACHE_RANGE_INFO);
		RangeBound	lower;
		RangeBound	upper;
		bool		empty;

		range_deserialize(rtc, range, &lower, &upper, &empty);
		h = range_get_flags(range);
		if (!empty && !lower.infinite)
			h = hash_combine(h, entity_hash(rtc->rngelemtype->type_id, rtc->rng_collation, lower.val));
		if (!empty && !upper.infinite)
			h = hash_combine(h, entity_hash(rtc->rngelemtype->type_id, rtc->rng_collation, upper.val));
		return h;
	}
	if (tc->typtype == TYPTYPE_MULTIRANGE)
	{
		/* as multirange_eq compares: range by range (range_eq) */
		MultirangeType *mr = DatumGetMultirangeTypeP(value);
		TypeCacheEntry *mtc = lookup_type_cache(MultirangeTypeGetOid(mr), TYPECACHE_MULTIRANGE_INFO);
		int32		n;
		RangeType **ranges;

		multirange_deserialize(mtc->rngtype, mr, &n, &ranges);
		h = (uint32) n;
		for (int32 i = 0; i < n; i++)
			h = hash_combine(h, entity_hash(mtc->rngtype->type_id, collation, RangeTypePGetDatum(ranges[i])));
		return h;
	}
	if (type == TSQUERYOID)
	{
		/* its equality does not compare weights and prefix marks */
		TSQuery		query = DatumGetTSQuery(PG_DETOAST_DATUM(value));

		return query->size == 0 ? 0 : tsquery_item_hash(GETQUERY(query), GETOPERAND(query));
	}
	/*
	 * the binary form where the type has one: its text form may depend on
	 * the session's settings (money's on lc_monetary, so two sessions took
	 * two buckets for one entity); in the database's encoding, as a send
	 * function writes text in the client's
	 */
	get_type_io_data(type, IOFunc_send, &typlen, &typbyval, &typalign, &typdelim, &typioparam, &send);
	if (OidIsValid(send))
	{
		bytea	   *bytes = SendInDatabaseEncoding(send, value);

		h = DatumGetUInt32(hash_any((const unsigned char *) VARDATA(bytes), (int) VARSIZE(bytes) - VARHDRSZ));
		pfree(bytes);
		return h;
	}
	getTypeOutputInfo(type, &output, &varlena);
	text = OidOutputFunctionCall(output, value);
	h = DatumGetUInt32(hash_any((const unsigned char *) text, (int) strlen(text)));
	pfree(text);
	return h;
}

/* Returns the lock bucket (0 .. 1023) of an entity value, by its type's hash. */
Datum
timeline_entity_lock_bucket(PG_FUNCTION_ARGS)
{
	Oid			type = get_fn_expr_argtype(fcinfo->flinfo, 0);
	uint32		h;

	if (!OidIsValid(type))
		elog(ERROR, "could not determine the type of the entity");
	h = entity_hash(type, PG_GET_COLLATION(), PG_GETARG_DATUM(0));
	PG_RETURN_INT32((int32) (h % ENTITY_LOCK_BUCKETS));
}
