/*-------------------------------------------------------------------------
 *
 * combine.c
 *	  Pointwise operations between timelines and numbers (SEMANTICS.md s5):
 *	  arithmetic, comparisons, observe, filter, fill_nulls, is_valid.
 *
 * Every operation is one merge (merge.c) over its inputs.  The result has a
 * point at every position of either input (observe: of `at` only; filter:
 * only where the predicate holds); a discrete input is NULL away from its
 * own points, a continuous input gives its as-of value, and a number is a
 * continuous constant.  The result is continuous only if every input is.
 *
 * Arithmetic follows IEEE float8 (overflow gives Infinity), except that
 * division by zero gives NULL, so one bad point cannot fail a batch.
 * Comparisons use float8's SQL order (NaN equals NaN and sorts above every
 * number) and give 1, 0 or NULL.  A predicate holds where its value is
 * neither NULL nor 0.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "utils/float.h"

#include "timeline.h"

PG_FUNCTION_INFO_V1(timeline_add);
PG_FUNCTION_INFO_V1(timeline_sub);
PG_FUNCTION_INFO_V1(timeline_mul);
PG_FUNCTION_INFO_V1(timeline_div);
PG_FUNCTION_INFO_V1(timeline_add_num);
PG_FUNCTION_INFO_V1(timeline_sub_num);
PG_FUNCTION_INFO_V1(timeline_mul_num);
PG_FUNCTION_INFO_V1(timeline_div_num);
PG_FUNCTION_INFO_V1(timeline_num_add);
PG_FUNCTION_INFO_V1(timeline_num_sub);
PG_FUNCTION_INFO_V1(timeline_num_mul);
PG_FUNCTION_INFO_V1(timeline_num_div);
PG_FUNCTION_INFO_V1(timeline_lt);
PG_FUNCTION_INFO_V1(timeline_le);
PG_FUNCTION_INFO_V1(timeline_eq_pointwise);
PG_FUNCTION_INFO_V1(timeline_ne_pointwise);
PG_FUNCTION_INFO_V1(timeline_ge);
PG_FUNCTION_INFO_V1(timeline_gt);
PG_FUNCTION_INFO_V1(timeline_lt_num);
PG_FUNCTION_INFO_V1(timeline_le_num);
PG_FUNCTION_INFO_V1(timeline_eq_num);
PG_FUNCTION_INFO_V1(timeline_ne_num);
PG_FUNCTION_INFO_V1(timeline_ge_num);
PG_FUNCTION_INFO_V1(timeline_gt_num);
PG_FUNCTION_INFO_V1(timeline_num_lt);
PG_FUNCTION_INFO_V1(timeline_num_le);
PG_FUNCTION_INFO_V1(timeline_num_eq);
PG_FUNCTION_INFO_V1(timeline_num_ne);
PG_FUNCTION_INFO_V1(timeline_num_ge);
PG_FUNCTION_INFO_V1(timeline_num_gt);
PG_FUNCTION_INFO_V1(timeline_fill_nulls);
PG_FUNCTION_INFO_V1(timeline_fill_nulls_num);
PG_FUNCTION_INFO_V1(timeline_observe);
PG_FUNCTION_INFO_V1(timeline_filter);
PG_FUNCTION_INFO_V1(timeline_is_valid);

typedef enum CombineOp
{
	OP_ADD, OP_SUB, OP_MUL, OP_DIV,
	OP_LT, OP_LE, OP_EQ, OP_NE, OP_GE, OP_GT,
	OP_FILL
} CombineOp;

/* Applies op to two values; returns false for a NULL result. */
static bool
ApplyOp(CombineOp op, bool anull, float8 a, bool bnull, float8 b, float8 *out)
{
	int			cmp;

	if (op == OP_FILL)
	{
		if (!anull)
			*out = a;
		else if (!bnull)
			*out = b;
		return !anull || !bnull;
	}
	if (anull || bnull)
		return false;
	switch (op)
	{
		case OP_ADD:
			*out = a + b;
			return true;
		case OP_SUB:
			*out = a - b;
			return true;
		case OP_MUL:
			*out = a * b;
			return true;
		case OP_DIV:
			if (b == 0.0)
				return false;	/* documented: NULL, not an error */
			*out = a / b;
			return true;
		default:
			break;
	}
	cmp = float8_cmp_internal(a, b);
	switch (op)
	{
		case OP_LT:
			*out = cmp < 0;
			break;
		case OP_LE:
			*out = cmp <= 0;
			break;
		case OP_EQ:
			*out = cmp == 0;
			break;
		case OP_NE:
			*out = cmp != 0;
			break;
		case OP_GE:
			*out = cmp >= 0;
			break;
		case OP_GT:
			*out = cmp > 0;
			break;
		default:
			elog(ERROR, "unknown timeline operation %d", (int) op);
	}
	return true;
}

/*
 * Combines a and b (b NULL: the constant bconst, on the right unless
 * swapped) over the union of their positions.
 */
static Timeline *
Combine(Timeline *a, Timeline *b, float8 bconst, bool swapped, CombineOp op)
{
	Timeline   *inputs[2] = {a, b};
	TimelineMerge m;
	TimelineBuilder out;
	bool		continuous = TimelineIsContinuous(a) && (b == NULL || TimelineIsContinuous(b));

	TimelineMergeInit(&m, b ? 2 : 1, inputs);
	/* a hint: the union may be smaller than both inputs together */
	TimelineBuilderInit(&out, m.explicit_seq, ERRCODE_INTERNAL_ERROR,
						(int32) Min((int64) a->npoints + (b ? b->npoints : 0),
									(int64) TL_MAX_POINTS));
	while (TimelineMergeNext(&m))
	{
		float8		va = 0,
					vb = bconst,
					r = 0;
		bool		anull = !MergeValue(&m.in[0], &va);
		bool		bnull = b ? !MergeValue(&m.in[1], &vb) : false;
		bool		ok;

		if (swapped)
			ok = ApplyOp(op, bnull, vb, anull, va, &r);
		else
			ok = ApplyOp(op, anull, va, bnull, vb, &r);
		TimelineBuilderAppendOrdered(&out, m.time, m.seq, r, !ok);
	}
	return TimelineBuilderFinishCanonical(&out, continuous);
}

#define TIMELINE_TT(name, op) \
Datum \
name(PG_FUNCTION_ARGS) \
{ \
	PG_RETURN_TIMELINE_P(Combine(TimelineGetArgCached(fcinfo, 0), \
								 TimelineGetArgCached(fcinfo, 1), 0, false, op)); \
}
#define TIMELINE_TN(name, op) \
Datum \
name(PG_FUNCTION_ARGS) \
{ \
	PG_RETURN_TIMELINE_P(Combine(TimelineGetArgCached(fcinfo, 0), NULL, \
								 PG_GETARG_FLOAT8(1), false, op)); \
}
#define TIMELINE_NT(name, op) \
Datum \
name(PG_FUNCTION_ARGS) \
{ \
	PG_RETURN_TIMELINE_P(Combine(TimelineGetArgCached(fcinfo, 1), NULL, \
								 PG_GETARG_FLOAT8(0), true, op)); \
}

/* timeline OP timeline, timeline OP number and number OP timeline */
TIMELINE_TT(timeline_add, OP_ADD)
TIMELINE_TT(timeline_sub, OP_SUB)
TIMELINE_TT(timeline_mul, OP_MUL)
TIMELINE_TT(timeline_div, OP_DIV)
TIMELINE_TN(timeline_add_num, OP_ADD)
TIMELINE_TN(timeline_sub_num, OP_SUB)
TIMELINE_TN(timeline_mul_num, OP_MUL)
TIMELINE_TN(timeline_div_num, OP_DIV)
TIMELINE_NT(timeline_num_add, OP_ADD)
TIMELINE_NT(timeline_num_sub, OP_SUB)
TIMELINE_NT(timeline_num_mul, OP_MUL)
TIMELINE_NT(timeline_num_div, OP_DIV)
TIMELINE_TT(timeline_lt, OP_LT)
TIMELINE_TT(timeline_le, OP_LE)
TIMELINE_TT(timeline_eq_pointwise, OP_EQ)
TIMELINE_TT(timeline_ne_pointwise, OP_NE)
TIMELINE_TT(timeline_ge, OP_GE)
TIMELINE_TT(timeline_gt, OP_GT)
TIMELINE_TN(timeline_lt_num, OP_LT)
TIMELINE_TN(timeline_le_num, OP_LE)
TIMELINE_TN(timeline_eq_num, OP_EQ)
TIMELINE_TN(timeline_ne_num, OP_NE)
TIMELINE_TN(timeline_ge_num, OP_GE)
TIMELINE_TN(timeline_gt_num, OP_GT)
TIMELINE_NT(timeline_num_lt, OP_LT)
TIMELINE_NT(timeline_num_le, OP_LE)
TIMELINE_NT(timeline_num_eq, OP_EQ)
TIMELINE_NT(timeline_num_ne, OP_NE)
TIMELINE_NT(timeline_num_ge, OP_GE)
TIMELINE_NT(timeline_num_gt, OP_GT)
TIMELINE_TT(timeline_fill_nulls, OP_FILL)
TIMELINE_TN(timeline_fill_nulls_num, OP_FILL)

/* Returns whether a predicate's value at the merge position holds. */
static inline bool
PredicateHolds(const MergeInput *pred)
{
	float8		v;

	return MergeValue(pred, &v) && v != 0.0;
}

/* Returns, at each point of `at`, the value of tl there (discrete). */
Datum
timeline_observe(PG_FUNCTION_ARGS)
{
	Timeline   *inputs[2] = {TimelineGetArgCached(fcinfo, 0), TimelineGetArgCached(fcinfo, 1)};
	TimelineMerge m;
	TimelineBuilder out;

	TimelineMergeInit(&m, 2, inputs);
	TimelineBuilderInit(&out, TimelineSeqs(inputs[1]) != NULL, ERRCODE_INTERNAL_ERROR, inputs[1]->npoints);
	while (TimelineMergeNext(&m))
	{
		float8		v = 0;

		if (m.in[1].here)
		{
			bool		ok = MergeValue(&m.in[0], &v);

			TimelineBuilderAppendOrdered(&out, m.time, m.seq, v, !ok);
		}
	}
	PG_RETURN_TIMELINE_P(TimelineBuilderFinishCanonical(&out, false));
}

/* Keeps the positions where predicate holds, with tl's value (discrete). */
Datum
timeline_filter(PG_FUNCTION_ARGS)
{
	Timeline   *inputs[2] = {TimelineGetArgCached(fcinfo, 0), TimelineGetArgCached(fcinfo, 1)};
	TimelineMerge m;
	TimelineBuilder out;

	TimelineMergeInit(&m, 2, inputs);
	TimelineBuilderInit(&out, true, ERRCODE_INTERNAL_ERROR, inputs[0]->npoints);
	while (TimelineMergeNext(&m))
	{
		float8		v = 0;

		if (PredicateHolds(&m.in[1]))
		{
			bool		ok = MergeValue(&m.in[0], &v);

			TimelineBuilderAppendOrdered(&out, m.time, m.seq, v, !ok);
		}
	}
	PG_RETURN_TIMELINE_P(TimelineBuilderFinishCanonical(&out, false));
}

/* Returns 1 where tl's value is not NULL, else 0; same positions and kind. */
Datum
timeline_is_valid(PG_FUNCTION_ARGS)
{
	Timeline   *tl = TimelineGetArgCached(fcinfo, 0);
	TimelineCursor c;
	TimelineBuilder out;

	TimelineCursorInit(&c, tl);
	TimelineBuilderInit(&out, c.seqs != NULL, ERRCODE_INTERNAL_ERROR, tl->npoints);
	for (; !TimelineCursorDone(&c); TimelineCursorNext(&c))
		TimelineBuilderAppendOrdered(&out, TimelineCursorTime(&c), c.seq,
							  TimelineCursorIsNull(&c) ? 0.0 : 1.0, false);
	PG_RETURN_TIMELINE_P(TimelineBuilderFinishCanonical(&out, TimelineIsContinuous(tl)));
}
