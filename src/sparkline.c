/*-------------------------------------------------------------------------
 *
 * sparkline.c
 *	  A one-line Unicode picture of a timeline, for psql.
 *
 * Each character is one of the eight block elements U+2581..U+2588, scaled
 * between the smallest and largest finite value.  A timeline of at most
 * width points gets one character per point; a longer one is cut into width
 * runs of consecutive points (as equal as possible) and each run shows the
 * mean of its finite values.  A run with no finite value shows a space,
 * except that runs of only +Infinity or -Infinity show the top or bottom
 * block.  When every finite value is equal, every run shows the middle block.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <float.h>
#include <math.h>

#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/float.h"

#include "timeline.h"

PG_FUNCTION_INFO_V1(timeline_sparkline);

#define SPARK_LEVELS		8
#define SPARK_MAX_WIDTH		10000

static const char *const spark_blocks[SPARK_LEVELS] = {
	"\u2581", "\u2582", "\u2583", "\u2584", "\u2585", "\u2586", "\u2587", "\u2588"
};

/* Returns the sparkline of a timeline, at most width characters wide. */
Datum
timeline_sparkline(PG_FUNCTION_ARGS)
{
	Timeline   *tl = TimelineGetArgCached(fcinfo, 0);
	int32		width = PG_GETARG_INT32(1);
	int32		n = tl->npoints;
	const float8 *values = TimelineValues(tl);
	const bits8 *nulls = TimelineNulls(tl);
	int32		runs;
	float8	   *means;
	int		   *kinds;			/* 0 none, 1 finite mean, 2 +inf, 3 -inf */
	float8		lo = get_float8_infinity(),
				hi = -get_float8_infinity();
	StringInfoData buf;

	if (width < 1 || width > SPARK_MAX_WIDTH)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("sparkline width must be between 1 and %d", SPARK_MAX_WIDTH)));

	runs = Min(n, width);
	means = palloc0(sizeof(float8) * Max(runs, 1));
	kinds = palloc0(sizeof(int) * Max(runs, 1));
	for (int32 r = 0; r < runs; r++)
	{
		int32		from = (int32) ((int64) r * n / runs);
		int32		to = (int32) ((int64) (r + 1) * n / runs);
		float8		sum = 0.0;
		int32		count = 0;
		bool		pos_inf = false,
					neg_inf = false;

		for (int32 i = from; i < to; i++)
		{
			float8		v = values[i];

			if (TimelinePointIsNull(nulls, i) || isnan(v))
				continue;
			if (isinf(v))
			{
				pos_inf |= v > 0;
				neg_inf |= v < 0;
				continue;
			}
			sum += v;
			count++;
		}
		if (count > 0)
		{
			float8		mean = sum / count;

			if (isinf(sum))
			{
				/*
				 * The finite values overflowed their sum, not their mean
				 * (1.2e308 twice): add each one's share instead, each at
				 * most DBL_MAX / count.
				 */
				mean = 0.0;
				for (int32 i = from; i < to; i++)
				{
					float8		v = values[i];

					if (!TimelinePointIsNull(nulls, i) && isfinite(v))
						mean += v / count;
				}
				if (isinf(mean))	/* rounding up, every value near DBL_MAX */
					mean = copysign(DBL_MAX, mean);
			}
			kinds[r] = 1;
			means[r] = mean;
			lo = Min(lo, means[r]);
			hi = Max(hi, means[r]);
		}
		else if (pos_inf != neg_inf)
			kinds[r] = pos_inf ? 2 : 3;
	}

	initStringInfo(&buf);
	for (int32 r = 0; r < runs; r++)
	{
		int			level;

		switch (kinds[r])
		{
			case 1:
				{
					/*
					 * hi - lo overflows for values of both signs near
					 * DBL_MAX: then scale the halves (halving every value
					 * would lose subnormal ones, 5e-324 / 2 is 0)
					 */
					float8		scaled = isinf(hi - lo)
						? (means[r] / 2 - lo / 2) / (hi / 2 - lo / 2)
						: (means[r] - lo) / (hi - lo);

					if (hi > lo && !isnan(scaled))
						level = (int) floor(Max(0.0, Min(1.0, scaled)) * (SPARK_LEVELS - 1) + 0.5);
					else
						level = SPARK_LEVELS / 2 - 1;
				}
				appendStringInfoString(&buf, spark_blocks[level]);
				break;
			case 2:
				appendStringInfoString(&buf, spark_blocks[SPARK_LEVELS - 1]);
				break;
			case 3:
				appendStringInfoString(&buf, spark_blocks[0]);
				break;
			default:
				appendStringInfoChar(&buf, ' ');
		}
	}
	PG_RETURN_TEXT_P(cstring_to_text_with_len(buf.data, buf.len));
}
