/*-------------------------------------------------------------------------
 *
 * merge.c
 *	  Walking the union of positions of several timelines, the one mechanism
 *	  behind every operation that combines timelines (SEMANTICS.md s1).
 *
 * TimelineMergeNext advances to the next position (time, seq) held by any
 * input and records, per input, whether it has a point exactly there and the
 * value of its latest point at or before that position.  A consumer then
 * reads an input's value the combining way with MergeValue: a discrete input
 * gives its own value at an exact position and NULL elsewhere, a continuous
 * input gives its as-of value.  Each step is O(number of inputs), so a merge
 * is one pass over all points.
 *
 * The result of a merge has implicit seqs when every input does: the union
 * of the ranks {0..a-1} and {0..b-1} of one time is {0..max(a,b)-1}, again
 * ranks.  Otherwise seqs are explicit.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "timeline.h"

/* Starts a merge over inputs; they must stay valid while it is used. */
void
TimelineMergeInit(TimelineMerge *m, int ninputs, Timeline **inputs)
{
	Assert(ninputs >= 1 && ninputs <= TL_MAX_INPUTS);
	memset(m, 0, sizeof(*m));
	m->ninputs = ninputs;
	for (int k = 0; k < ninputs; k++)
	{
		TimelineCursorInit(&m->in[k].cur, inputs[k]);
		m->in[k].continuous = TimelineIsContinuous(inputs[k]);
		m->explicit_seq |= (TimelineSeqs(inputs[k]) != NULL);
	}
}

/*
 * Moves to the next position of the union; returns false when every input
 * is exhausted.  Inputs with a point at the new position consume it.
 */
bool
TimelineMergeNext(TimelineMerge *m)
{
	bool		found = false;

	for (int k = 0; k < m->ninputs; k++)
	{
		TimelineCursor *c = &m->in[k].cur;

		if (TimelineCursorDone(c))
			continue;
		if (!found ||
			ComparePositions(TimelineCursorTime(c), c->seq, m->time, m->seq) < 0)
		{
			m->time = TimelineCursorTime(c);
			m->seq = c->seq;
			found = true;
		}
	}
	if (!found)
		return false;

	for (int k = 0; k < m->ninputs; k++)
	{
		MergeInput *in = &m->in[k];
		TimelineCursor *c = &in->cur;

		in->here = !TimelineCursorDone(c) &&
			TimelineCursorTime(c) == m->time && c->seq == m->seq;
		if (in->here)
		{
			in->has_last = true;
			in->last_null = TimelineCursorIsNull(c);
			in->last_value = TimelineCursorValue(c);
			TimelineCursorNext(c);
		}
	}
	return true;
}

/*
 * Reads an input at the current position the combining way; returns false
 * (NULL) for a discrete input without a point here, or before any point.
 */
bool
MergeValue(const MergeInput *in, float8 *value)
{
	if (!in->continuous && !in->here)
		return false;
	return MergeValueAsOf(in, value);
}

/* Reads the value of an input's latest point at or before the position. */
bool
MergeValueAsOf(const MergeInput *in, float8 *value)
{
	if (!in->has_last || in->last_null)
		return false;
	*value = in->last_value;
	return true;
}
