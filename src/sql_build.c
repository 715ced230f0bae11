/*-------------------------------------------------------------------------
 *
 * sql_build.c
 *	  Pieces of the SQL text that timeline's SQL functions build and
 *	  EXECUTE: equality_operator (how entities are matched) and work_sql
 *	  (the names of the current role's work tables).
 *
 * Both are asked at every immediate-mode statement and every refresh (a
 * single-row INSERT calls equality_operator once and work_sql nine
 * times), where the plpgsql versions cost about 0.55 ms of a single-row
 * INSERT of some 4 ms: a query of pg_opclass, pg_amop and pg_operator, and
 * a function call with a SET clause and a regular expression per
 * statement.
 *
 * equality_operator: feature sets, materializations and training sets join
 * rows of one entity with OPERATOR(schema.=), the equality of the entity
 * type's default btree operator class (of the base type, for a domain),
 * and pg_catalog's = when the type has no btree class of its own (arrays,
 * records, enums, ranges, and types that take a class of another type:
 * varchar takes text's), which then resolves as any = does; the same for
 * a type that does not exist (as the catalog query gave).  Read from the
 * type cache.
 *
 * work_sql: the work tables of folding changes are temporary tables per
 * role and entity type (timeline--0.1.sql, before work_tables); a
 * statement names them pg_temp.timeline_changes and _fold, and
 * work_sql appends _<role oid>_<type oid> to each such name not followed
 * by a word character (the regular expression
 * pg_temp\.timeline_(changes|fold)\M it replaced; a byte past
 * ASCII counts as a word character).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/stratnum.h"
#include "catalog/pg_operator.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"
#include "utils/typcache.h"

PG_FUNCTION_INFO_V1(timeline_equality_operator);
PG_FUNCTION_INFO_V1(timeline_work_sql);

/*
 * equality_operator(regtype) returns text: OPERATOR(schema.name) of the
 * equality member of the base type's default btree operator class whose
 * input type is the base type itself, else OPERATOR(pg_catalog.=).
 */
Datum
timeline_equality_operator(PG_FUNCTION_ARGS)
{
	Oid			type = PG_GETARG_OID(0);
	Oid			opr = InvalidOid;
	char	   *result = "OPERATOR(pg_catalog.=)";

	if (SearchSysCacheExists1(TYPEOID, ObjectIdGetDatum(type)))
	{
		Oid			base = getBaseType(type);
		TypeCacheEntry *tc = lookup_type_cache(base, TYPECACHE_BTREE_OPFAMILY);

		if (OidIsValid(tc->btree_opf) && tc->btree_opintype == base)
			opr = get_opfamily_member(tc->btree_opf, base, base, BTEqualStrategyNumber);
	}
	if (OidIsValid(opr))
	{
		HeapTuple	tup = SearchSysCache1(OPEROID, ObjectIdGetDatum(opr));
		Form_pg_operator form;
		char	   *nsp;

		if (!HeapTupleIsValid(tup))
			elog(ERROR, "cache lookup failed for operator %u", opr);
		form = (Form_pg_operator) GETSTRUCT(tup);
		/* a schema dropped meanwhile: no row, as the catalog query's join */
		nsp = get_namespace_name(form->oprnamespace);
		if (nsp != NULL)
			result = psprintf("OPERATOR(%s.%s)", quote_identifier(nsp),
							  NameStr(form->oprname));
		ReleaseSysCache(tup);
	}
	PG_RETURN_TEXT_P(cstring_to_text(result));
}

/* A character that may continue a word, as the regular expression's \M sees it. */
static inline bool
IsWordByte(char c)
{
	return IS_HIGHBIT_SET(c) || isalnum((unsigned char) c) || c == '_';
}

/*
 * work_sql(sql text, entity_type regtype) returns text: sql with every
 * pg_temp.timeline_changes and _fold that no word character
 * follows renamed to the current role's table for the entity type.
 */
Datum
timeline_work_sql(PG_FUNCTION_ARGS)
{
	static const char prefix[] = "pg_temp.timeline_";
	static const char *const kinds[] = {"changes", "fold"};
	text	   *sql = PG_GETARG_TEXT_PP(0);
	Oid			type = PG_GETARG_OID(1);
	const char *p = VARDATA_ANY(sql);
	const char *end = p + VARSIZE_ANY_EXHDR(sql);
	const char *copied = p;
	StringInfoData out;

	initStringInfo(&out);
	while ((Size) (end - p) >= sizeof(prefix) - 1)
	{
		const char *after = NULL;

		if (memcmp(p, prefix, sizeof(prefix) - 1) == 0)
		{
			const char *k = p + sizeof(prefix) - 1;

			for (int i = 0; i < (int) lengthof(kinds); i++)
			{
				size_t		len = strlen(kinds[i]);

				if ((Size) (end - k) >= len && memcmp(k, kinds[i], len) == 0 &&
					(k + len == end || !IsWordByte(k[len])))
				{
					after = k + len;
					break;
				}
			}
		}
		if (after == NULL)
		{
			p++;
			continue;
		}
		appendBinaryStringInfo(&out, copied, after - copied);
		appendStringInfo(&out, "_%u_%u", GetUserId(), type);
		p = copied = after;
	}
	appendBinaryStringInfo(&out, copied, end - copied);
	PG_RETURN_TEXT_P(cstring_to_text_with_len(out.data, out.len));
}
