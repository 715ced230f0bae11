/*-------------------------------------------------------------------------
 *
 * feature_expr.c
 *	  Validation of the SQL expressions in feature definitions (value,
 *	  filter and since-window predicate): check_expression.
 *
 * A feature's expressions are user text that the catalog functions later
 * splice into dynamic SQL, so each one is checked by PostgreSQL's own parser
 * before it is stored and again every time it is compiled:
 *
 *	  - the text parses as exactly one expression: "SELECT <text>" must give
 *		one statement with one unnamed target and no other clause, so a
 *		statement separator, a FROM, a set operation or a comment that
 *		swallows the rest cannot get through;
 *	  - analysed against the source relation (aliased src, as in the
 *		compiled SQL), it must be a row expression: no subquery (a feature
 *		reads its own source only, which also keeps it runnable inside a
 *		Citus shard), no aggregate, window or set-returning function, and no
 *		volatile function (a feature must give the same value in training
 *		and in serving).
 *
 * The result is the expression's type, from which the caller picks the
 * timeline_agg overload.  Analysis checks no privileges and looks the
 * source up by OID, not by name (so it needs no USAGE on the source's
 * schema either); the queries that use a feature run with the caller's
 * rights.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/relation.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "common/keywords.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "nodes/parsenodes.h"
#include "optimizer/optimizer.h"
#include "parser/parse_coerce.h"
#include "parser/parse_collate.h"
#include "parser/parse_expr.h"
#include "parser/parse_relation.h"
#include "parser/parser.h"
#include "parser/scanner.h"
#include "utils/builtins.h"
#include "utils/rel.h"

#include "timeline.h"

PG_FUNCTION_INFO_V1(timeline_check_expression);

typedef struct ExprErrorContext
{
	const char *sql;			/* "SELECT <text>", what the parser saw */
	const char *what;
} ExprErrorContext;

/*
 * Moves a parser error's cursor from the caller's statement to the checked
 * text, and says what was being checked.
 */
static void
ExprErrorCallback(void *arg)
{
	ExprErrorContext *ctx = (ExprErrorContext *) arg;
	int			pos = geterrposition();

	if (pos > 0)
	{
		errposition(0);
		internalerrposition(pos);
		internalerrquery(ctx->sql);
	}
	errcontext("checking %s", ctx->what);
}

/* Reports that the text is not one plain expression, with why in detail. */
static void
RejectShape(const char *what, const char *why)
{
	ereport(ERROR,
			(errcode(ERRCODE_SYNTAX_ERROR),
			 errmsg("%s must be a single expression over the source's columns", what),
			 errdetail("The text %s.", why),
			 errhint("Write one SQL expression such as amount * 2 or kind = 'refund'.")));
}

/* Reports a subquery: a feature reads only its own source's row. */
static void
ReportSubquery(const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
			 errmsg("subqueries are not allowed in %s", what),
			 errdetail("A feature reads only the row of its own source."),
			 errhint("Join the other table into a view and register the view as the source.")));
}

/* Finds a subquery in a raw expression tree. */
static bool
ContainsSubLinkWalker(Node *node, void *context)
{
	if (node == NULL)
		return false;
	if (IsA(node, SubLink))
		return true;
	return raw_expression_tree_walker(node, ContainsSubLinkWalker, context);
}

/* The offset in sql of its second token (after SELECT), -1 if none. */
static int
SecondTokenLocation(const char *sql)
{
	core_yy_extra_type yyextra;
	core_YYSTYPE yylval;
	YYLTYPE		yylloc = -1;
	core_yyscan_t scanner = scanner_init(sql, &yyextra, &ScanKeywords, ScanKeywordTokens);

	/* raw_parser has warned of a nonstandard escape in these tokens */
	yyextra.escape_string_warning = false;
	if (core_yylex(&yylval, &yylloc, scanner) == 0 || core_yylex(&yylval, &yylloc, scanner) == 0)
		yylloc = -1;
	scanner_finish(scanner);
	return yylloc;
}

/*
 * Checks the raw parse of sql, "SELECT <text>": one target and nothing
 * else, the target starting the text (SELECT ALL amount parses as SELECT
 * amount: ALL amount was taken here, then failed to compile).
 */
static SelectStmt *
CheckShape(List *raw, const char *sql, const char *what)
{
	RawStmt    *rs;
	SelectStmt *sel;
	ResTarget  *rt;

	if (list_length(raw) != 1)
		RejectShape(what, "holds more than one statement");
	rs = linitial_node(RawStmt, raw);
	/* a statement ended by a semicolon has a length; alone it runs to the end */
	if (rs->stmt_len != 0)
		RejectShape(what, "ends with a statement separator");
	if (!IsA(rs->stmt, SelectStmt))
		RejectShape(what, "is not an expression");
	sel = (SelectStmt *) rs->stmt;
	if (sel->op != SETOP_NONE || sel->valuesLists != NIL)
		RejectShape(what, "contains a set operation");
	if (sel->fromClause != NIL || sel->whereClause != NULL ||
		sel->groupClause != NIL || sel->havingClause != NULL ||
		sel->windowClause != NIL || sel->sortClause != NIL ||
		sel->limitCount != NULL || sel->limitOffset != NULL ||
		sel->lockingClause != NIL || sel->withClause != NULL ||
		sel->intoClause != NULL || sel->distinctClause != NIL)
		RejectShape(what, "contains a clause of a query");
	if (list_length(sel->targetList) != 1)
		RejectShape(what, list_length(sel->targetList) == 0 ?
					"is empty" : "holds several expressions");
	rt = linitial_node(ResTarget, sel->targetList);
	if (rt->name != NULL)
		RejectShape(what, "names its result with AS");
	if (rt->location != SecondTokenLocation(sql))
		RejectShape(what, "begins with a keyword of a SELECT list");
	if (IsA(rt->val, ColumnRef) &&
		IsA(llast(((ColumnRef *) rt->val)->fields), A_Star))
		RejectShape(what, "is a * column list");
	if (ContainsSubLinkWalker(rt->val, NULL))
		ReportSubquery(what);
	return sel;
}

/*
 * Validates expression as a row expression over relation and returns its
 * type.  The third argument names the expression in messages.
 */
Datum
timeline_check_expression(PG_FUNCTION_ARGS)
{
	Oid			relid = PG_GETARG_OID(0);
	char	   *expr = text_to_cstring(PG_GETARG_TEXT_PP(1));
	char	   *what = text_to_cstring(PG_GETARG_TEXT_PP(2));
	char	   *sql;
	List	   *raw;
	SelectStmt *sel;
	ResTarget  *rt;
	Relation	rel;
	ParseState *pstate;
	ParseNamespaceItem *nsitem;
	Node	   *node;
	ExprErrorContext errctx;
	ErrorContextCallback errcallback;

	/* by OID, as the source found it: no name lookup, so no USAGE check */
	rel = try_relation_open(relid, AccessShareLock);
	if (rel == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation with OID %u does not exist", relid)));
	if (rel->rd_rel->relkind != RELKIND_RELATION && rel->rd_rel->relkind != RELKIND_PARTITIONED_TABLE &&
		rel->rd_rel->relkind != RELKIND_VIEW && rel->rd_rel->relkind != RELKIND_MATVIEW &&
		rel->rd_rel->relkind != RELKIND_FOREIGN_TABLE)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("\"%s\" is not a table, view or materialized view", RelationGetRelationName(rel))));

	sql = psprintf("SELECT %s", expr);
	errctx.sql = sql;
	errctx.what = what;
	errcallback.callback = ExprErrorCallback;
	errcallback.arg = &errctx;
	errcallback.previous = error_context_stack;
	error_context_stack = &errcallback;

	raw = raw_parser(sql, RAW_PARSE_DEFAULT);
	sel = CheckShape(raw, sql, what);
	rt = linitial_node(ResTarget, sel->targetList);

	/* the same scope as the compiled SQL: the source alone, aliased src */
	pstate = make_parsestate(NULL);
	pstate->p_sourcetext = sql;
	nsitem = addRangeTableEntryForRelation(pstate, rel, AccessShareLock,
										   makeAlias("src", NIL), false, true);
	addNSItemToQuery(pstate, nsitem, false, true, true);
	node = transformExpr(pstate, rt->val, EXPR_KIND_SELECT_TARGET);
	/* a bare literal or NULL is text, as in a SELECT list */
	if (exprType(node) == UNKNOWNOID)
		node = coerce_type(pstate, node, UNKNOWNOID, TEXTOID, -1,
						   COERCION_IMPLICIT, COERCE_IMPLICIT_CAST, -1);
	assign_expr_collations(pstate, node);

	if (pstate->p_hasSubLinks)
		ReportSubquery(what);
	if (pstate->p_hasAggs)
		ereport(ERROR,
				(errcode(ERRCODE_GROUPING_ERROR),
				 errmsg("aggregate functions are not allowed in %s", what),
				 errhint("Give the aggregate as the feature's aggregate, and the expression it aggregates as the value.")));
	if (pstate->p_hasWindowFuncs)
		ereport(ERROR,
				(errcode(ERRCODE_WINDOWING_ERROR),
				 errmsg("window functions are not allowed in %s", what),
				 errhint("Give the window as the feature's window.")));
	if (pstate->p_hasTargetSRFs)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("set-returning functions are not allowed in %s", what)));
	if (contain_volatile_functions(node))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
				 errmsg("functions in %s must not be volatile", what),
				 errdetail("A feature must give the same value every time it is computed, in training and in serving.")));

	error_context_stack = errcallback.previous;
	free_parsestate(pstate);
	relation_close(rel, NoLock);
	PG_RETURN_OID(exprType(node));
}
