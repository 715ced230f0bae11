/*-------------------------------------------------------------------------
 *
 * timeline_io.c
 *	  Text and binary forms of the timeline type, whole-value equality and
 *	  the hash that agrees with it.
 *
 * Text form (output is always exactly this; input also accepts any time
 * syntax timestamptz accepts, any spacing, and a missing kind word, which
 * means discrete):
 *
 *	  discrete{2024-01-01T00:00:00+00:00=>1.5, 2024-01-02T00:00:00+00:00=>NULL}
 *	  continuous{2024-01-01T00:00:00+00:00#7=>1}
 *
 * Times are printed in ISO 8601 with the session time zone's offset (so the
 * output functions are STABLE), values in the shortest form that reads back
 * exactly.  "#seq" appears on every point or on none: it is printed when the
 * timeline carries explicit seqs, or when it stores the points of some time
 * without seqs but not in value order (an operator kept their positions and
 * changed their values: -tl, shift_to).  Points without seqs are read in
 * value order within each time, NULLs last (SEMANTICS.md s1: the caller gave
 * none), so every text form reads back as the timeline it came from.  The
 * binary form does the same.
 *
 * Binary form (network byte order):
 *
 *	  int16 version (1), int16 flags (bit 0 continuous, bit 1 explicit seqs,
 *	  others zero), int32 npoints, then per point: int64 time,
 *	  [int64 seq], int8 isnull (0 or 1), [float8 value unless null].
 *
 * Both input functions feed points to TimelineBuilderAppend, which runs the
 * same validators for both; malformed text is 22P02, malformed binary
 * 08P01, infinite or out-of-range times 22008, a number out of its type's
 * range in text 22003 (and PostgreSQL's own time parser may raise its
 * codes, such as 22008 for a field out of range, 22009 for a zone offset,
 * 22023 for an unknown zone).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <ctype.h>

#include "common/hashfn.h"
#include "common/shortest_dec.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/float.h"

#include "timeline.h"

PG_FUNCTION_INFO_V1(timeline_in);
PG_FUNCTION_INFO_V1(timeline_out);
PG_FUNCTION_INFO_V1(timeline_recv);
PG_FUNCTION_INFO_V1(timeline_send);
PG_FUNCTION_INFO_V1(timeline_eq);
PG_FUNCTION_INFO_V1(timeline_ne);
PG_FUNCTION_INFO_V1(timeline_hash);
PG_FUNCTION_INFO_V1(timeline_hash_extended);
PG_FUNCTION_INFO_V1(timeline_kind);

#define TL_BINARY_KNOWN_FLAGS	(TL_F_CONTINUOUS | TL_F_SEQ)

/* Reports malformed timeline text. */
static pg_attribute_noreturn() void
ReportSyntax(const char *input, const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type timeline: \"%s\"", input),
			 errdetail("%s", detail),
			 errhint("Write a timeline as discrete{time=>value, ...} or continuous{time#seq=>value, ...}.")));
}

/*
 * A point's value or seq that is a number out of its type's range: 22003, as
 * float8in and int8in raise it (an array's input gives the same), not 22P02.
 */
static pg_attribute_noreturn() void
ReportOutOfRange(const char *token, const char *type_name)
{
	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("\"%s\" is out of range for type %s", token, type_name),
			 errhint("A timeline's values are double precision and its seqs bigint.")));
}

static const char *
SkipSpace(const char *p)
{
	while (*p && isspace((unsigned char) *p))
		p++;
	return p;
}

/* Parses one time of the text form, in any syntax timestamptz_in accepts. */
static TimestampTz
ParseTime(const char *token, const char *input)
{
	char		workbuf[MAXDATELEN + MAXDATEFIELDS];
	char	   *field[MAXDATEFIELDS];
	int			ftype[MAXDATEFIELDS];
	int			nf,
				dtype = 0,
				tz;
	struct pg_tm tt;
	fsec_t		fsec;
	TimestampTz result;
	int			dterr;

	dterr = ParseDateTime(token, workbuf, sizeof(workbuf), field, ftype,
						  MAXDATEFIELDS, &nf);
	if (dterr == 0)
		dterr = DecodeDateTime(field, ftype, nf, &dtype, &tt, &fsec, &tz);
	/*
	 * A time with a field out of range (2024-02-30, 25:00, a zone offset of
	 * 16 hours) raises what timestamptz_in raises (22008, 22009); anything
	 * else is malformed timeline text
	 */
	if (dterr == DTERR_FIELD_OVERFLOW || dterr == DTERR_MD_FIELD_OVERFLOW ||
		dterr == DTERR_TZDISP_OVERFLOW)
		DateTimeParseError(dterr, token, "timestamp with time zone");
	if (dterr != 0)
		ReportSyntax(input, psprintf("\"%s\" is not a valid time.", token));

	switch (dtype)
	{
		case DTK_DATE:
			if (tm2timestamp(&tt, fsec, &tz, &result) != 0)
				ereport(ERROR,
						(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
						 errmsg("timestamp out of range: \"%s\"", token)));
			break;
		case DTK_EPOCH:
			result = SetEpochTimestamp();
			break;
		case DTK_LATE:
			TIMESTAMP_NOEND(result);
			break;
		case DTK_EARLY:
			TIMESTAMP_NOBEGIN(result);
			break;
		default:
			ReportSyntax(input, psprintf("\"%s\" is not a valid time.", token));
			result = 0;			/* keep compiler quiet */
	}
	return result;
}

/* Copies s[0..len) without surrounding white space into a new string. */
static char *
TrimmedCopy(const char *s, size_t len)
{
	while (len > 0 && isspace((unsigned char) *s))
		s++, len--;
	while (len > 0 && isspace((unsigned char) s[len - 1]))
		len--;
	return pnstrdup(s, len);
}

/* Parses the text form of a timeline. */
Datum
timeline_in(PG_FUNCTION_ARGS)
{
	const char *input = PG_GETARG_CSTRING(0);
	const char *p = SkipSpace(input);
	bool		continuous = false;
	int			seq_mode = -1;	/* -1 unknown, 0 implicit, 1 explicit */
	TimelineBuilder b;
	bool		builder_ready = false;
	Timeline   *result;

	memset(&b, 0, sizeof(b));

	if (pg_strncasecmp(p, "discrete", 8) == 0)
		p += 8;
	else if (pg_strncasecmp(p, "continuous", 10) == 0)
	{
		continuous = true;
		p += 10;
	}
	p = SkipSpace(p);
	if (*p != '{')
		ReportSyntax(input, "Expected \"{\" after the kind (discrete or continuous).");
	p = SkipSpace(p + 1);

	if (*p == '}')
		p++;
	else
	{
		for (;;)
		{
			const char *start = p;
			char	   *token;
			TimestampTz t;
			int64		seq = 0;
			bool		has_seq;
			float8		value = 0.0;
			bool		isnull;

			CHECK_FOR_INTERRUPTS();
			/* time: up to '#' or "=>" */
			while (*p && *p != '#' && !(p[0] == '=' && p[1] == '>') &&
				   *p != ',' && *p != '}')
				p++;
			if (*p != '#' && *p != '=')
				ReportSyntax(input, "Expected \"=>\" after a point's time.");
			token = TrimmedCopy(start, p - start);
			if (*token == '\0')
				ReportSyntax(input, "A point has no time.");
			t = ParseTime(token, input);

			has_seq = (*p == '#');
			if (has_seq)
			{
				char	   *end;

				p++;
				start = p;
				while (*p && *p != '=' && *p != ',' && *p != '}')
					p++;
				token = TrimmedCopy(start, p - start);
				errno = 0;
				seq = strtoi64(token, &end, 10);
				if (*token != '\0' && *end == '\0' && errno == ERANGE)
					ReportOutOfRange(token, "bigint");
				if (*token == '\0' || *end != '\0' || errno != 0)
					ReportSyntax(input, psprintf("\"%s\" is not a valid seq (a bigint).", token));
				if (!(p[0] == '=' && p[1] == '>'))
					ReportSyntax(input, "Expected \"=>\" after a point's seq.");
			}
			if (seq_mode == -1)
			{
				seq_mode = has_seq ? 1 : 0;
				TimelineBuilderInit(&b, has_seq, ERRCODE_INVALID_TEXT_REPRESENTATION, 8);
				builder_ready = true;
			}
			else if (seq_mode != (has_seq ? 1 : 0))
				ReportSyntax(input, "Either every point has a #seq or none has.");
			p += 2;				/* skip "=>" */

			/* value: up to ',' or '}' */
			start = p;
			while (*p && *p != ',' && *p != '}')
				p++;
			if (*p == '\0')
				ReportSyntax(input, "Missing \"}\" at the end.");
			token = TrimmedCopy(start, p - start);
			isnull = (pg_strcasecmp(token, "null") == 0);
			if (!isnull)
			{
				char	   *end;
				bool		have_error = false;

				if (*token == '\0')
					ReportSyntax(input, "A point has no value.");
				value = float8in_internal_opt_error(token, &end, "timeline",
													input, &have_error);
				if (have_error)
				{
					/* a number too large or too small, as float8in says */
					errno = 0;
					(void) strtod(token, &end);
					if (end != token && *end == '\0' && errno == ERANGE)
						ReportOutOfRange(token, "double precision");
				}
				if (have_error || *end != '\0')
					ReportSyntax(input, psprintf("\"%s\" is not a valid value (a double precision number or NULL).", token));
			}
			TimelineBuilderAppend(&b, t, seq, value, isnull);

			if (*p == '}')
			{
				p++;
				break;
			}
			p = SkipSpace(p + 1);	/* skip ',' */
		}
	}
	p = SkipSpace(p);
	if (*p != '\0')
		ReportSyntax(input, "Unexpected text after \"}\".");

	if (builder_ready)
	{
		if (seq_mode == 0)
			TimelineBuilderSortTies(&b);
		result = TimelineBuilderFinish(&b, continuous);
	}
	else
		result = TimelineEmpty(continuous);
	PG_RETURN_TIMELINE_P(result);
}

/*
 * Returns the logical seq of point i given the previous point's, for a
 * timeline whose seqs may be implicit (rank among points of one time).
 */
static inline int64
NextSeq(const Timeline *tl, const int64 *seqs, int32 i, int64 prev_seq)
{
	if (seqs)
		return seqs[i];
	if (i > 0 && TimelineTimes(tl)[i] == TimelineTimes(tl)[i - 1])
		return prev_seq + 1;
	return 0;
}

/* Appends a time in ISO 8601 with the session zone's offset. */
static void
AppendTime(StringInfo buf, TimestampTz t)
{
	struct pg_tm tt;
	fsec_t		fsec;
	int			tz;
	const char *tzn;
	char		tbuf[MAXDATELEN + 1];

	if (timestamp2tm(t, &tz, &tt, &fsec, &tzn, NULL) != 0)
		elog(ERROR, "timeline point time " INT64_FORMAT " is out of range", t);
	EncodeDateTime(&tt, fsec, true, tz, tzn, USE_XSD_DATES, tbuf);
	appendStringInfoString(buf, tbuf);
}

/*
 * The longest text a timeline may have: a text value (::text, COPY) of it
 * must fit in MaxAllocSize with its varlena header, and the longest text of
 * one point (a time with its zone, ", ", "#seq", "=>", the shortest form of
 * a float8) is under TL_POINT_TEXT_MAX bytes.  The shortest is 30 bytes
 * ("2024-01-01T00:00:00+00:00=>1, "), 32 with "#0".
 */
#define TL_TEXT_MAX_LEN		((Size) (MaxAllocSize - VARHDRSZ - 1))
#define TL_POINT_TEXT_MAX	((Size) (MAXDATELEN + MAXINT8LEN + DOUBLE_SHORTEST_DECIMAL_LEN + 16))
#define TL_POINT_TEXT_MIN	30

/* Reports a timeline whose text would pass 1 GB. */
static pg_attribute_noreturn() void
ReportTextTooLarge(int32 npoints, const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
			 errmsg("timeline of %d points is too large for its text form", npoints),
			 errdetail("%s", detail),
			 errhint("A text value holds at most 1 GB. Copy such timelines with COPY ... (FORMAT binary), or split them with slice().")));
}

/* Formats a timeline as text. */
Datum
timeline_out(PG_FUNCTION_ARGS)
{
	Timeline   *tl = PG_GETARG_TIMELINE_P(0);
	const int64 *times = TimelineTimes(tl);
	const int64 *seqs = TimelineSeqs(tl);
	const float8 *values = TimelineValues(tl);
	const bits8 *nulls = TimelineNulls(tl);
	StringInfoData buf;
	char		vbuf[DOUBLE_SHORTEST_DECIMAL_LEN];
	bool		ranks = !TimelineTiesInValueOrder(tl);	/* print the implicit seqs */
	int64		seq = 0;
	int			point_min = TL_POINT_TEXT_MIN + ((seqs || ranks) ? 2 : 0);	/* "#0" */

	/* a count whose shortest text passes the limit fails before any work */
	if ((Size) tl->npoints * point_min > TL_TEXT_MAX_LEN)
		ReportTextTooLarge(tl->npoints,
						   psprintf("Each point takes at least %d bytes of text.", point_min));
	initStringInfo(&buf);
	appendStringInfoString(&buf, TimelineIsContinuous(tl) ? "continuous{" : "discrete{");
	for (int32 i = 0; i < tl->npoints; i++)
	{
		CHECK_FOR_INTERRUPTS();
		if ((Size) buf.len > TL_TEXT_MAX_LEN - TL_POINT_TEXT_MAX)
			ReportTextTooLarge(tl->npoints,
							   psprintf("Its text passes 1 GB at point %d.", i + 1));
		if (i > 0)
			appendStringInfoString(&buf, ", ");
		AppendTime(&buf, times[i]);
		seq = NextSeq(tl, seqs, i, seq);
		if (seqs || ranks)
			appendStringInfo(&buf, "#" INT64_FORMAT, seq);
		appendStringInfoString(&buf, "=>");
		if (TimelinePointIsNull(nulls, i))
			appendStringInfoString(&buf, "NULL");
		else
		{
			double_to_shortest_decimal_buf(values[i], vbuf);
			appendStringInfoString(&buf, vbuf);
		}
	}
	appendStringInfoChar(&buf, '}');
	PG_RETURN_CSTRING(buf.data);
}

/* Reports malformed binary input. */
static pg_attribute_noreturn() void
ReportBinary(const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_PROTOCOL_VIOLATION),
			 errmsg("invalid binary data for type timeline"),
			 errdetail("%s", detail)));
}

/* Reads the binary form of a timeline. */
Datum
timeline_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int			version = pq_getmsgint(buf, 2);
	int			flags = pq_getmsgint(buf, 2);
	int32		n = (int32) pq_getmsgint(buf, 4);
	int32		remaining;
	TimelineBuilder b;

	if (version != TL_VERSION)
		ReportBinary(psprintf("Format version %d is not supported; expected %d.",
							  version, TL_VERSION));
	if (flags & ~TL_BINARY_KNOWN_FLAGS)
		ReportBinary(psprintf("Unknown flag bits 0x%04x are set.",
							  flags & ~TL_BINARY_KNOWN_FLAGS));
	if (n < 0 || n > TL_MAX_POINTS)
		ReportBinary(psprintf("Point count %d is out of range.", n));
	/* each point takes at least 9 bytes: never trust n for allocation */
	remaining = buf->len - buf->cursor;
	if ((int64) n * 9 > remaining)
		ReportBinary(psprintf("%d points cannot fit in the %d bytes left.", n, remaining));

	TimelineBuilderInit(&b, (flags & TL_F_SEQ) != 0, ERRCODE_PROTOCOL_VIOLATION, n);
	for (int32 i = 0; i < n; i++)
	{
		TimestampTz t = (TimestampTz) pq_getmsgint64(buf);
		int64		seq = (flags & TL_F_SEQ) ? pq_getmsgint64(buf) : 0;
		int			isnull = pq_getmsgbyte(buf);
		float8		value = 0.0;

		CHECK_FOR_INTERRUPTS();

		if (isnull != 0 && isnull != 1)
			ReportBinary(psprintf("Null flag %d of point %d is neither 0 nor 1.", isnull, i + 1));
		if (!isnull)
			value = pq_getmsgfloat8(buf);
		TimelineBuilderAppend(&b, t, seq, value, isnull != 0);
	}
	if (buf->cursor != buf->len)
		ReportBinary(psprintf("%d bytes follow the last point.", buf->len - buf->cursor));
	if (!(flags & TL_F_SEQ))
		TimelineBuilderSortTies(&b);
	PG_RETURN_TIMELINE_P(TimelineBuilderFinish(&b, (flags & TL_F_CONTINUOUS) != 0));
}

/* Writes the binary form of a timeline. */
Datum
timeline_send(PG_FUNCTION_ARGS)
{
	Timeline   *tl = PG_GETARG_TIMELINE_P(0);
	const int64 *times = TimelineTimes(tl);
	const int64 *seqs = TimelineSeqs(tl);
	const float8 *values = TimelineValues(tl);
	const bits8 *nulls = TimelineNulls(tl);
	StringInfoData buf;
	bool		ranks = !TimelineTiesInValueOrder(tl);	/* send the implicit seqs */
	int64		seq = 0;

	pq_begintypsend(&buf);
	pq_sendint16(&buf, TL_VERSION);
	pq_sendint16(&buf, (tl->flags & TL_BINARY_KNOWN_FLAGS) | (ranks ? TL_F_SEQ : 0));
	pq_sendint32(&buf, tl->npoints);
	for (int32 i = 0; i < tl->npoints; i++)
	{
		bool		isnull = TimelinePointIsNull(nulls, i);

		CHECK_FOR_INTERRUPTS();
		pq_sendint64(&buf, times[i]);
		seq = NextSeq(tl, seqs, i, seq);
		if (seqs || ranks)
			pq_sendint64(&buf, seq);
		pq_sendbyte(&buf, isnull ? 1 : 0);
		if (!isnull)
			pq_sendfloat8(&buf, values[i]);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/*
 * Compares two timelines as whole values: same kind and the same points at
 * the same positions with the same values (float8 equality: NaN equals NaN,
 * -0 equals 0).  Explicit and implicit seqs compare by their logical value.
 */
bool
TimelineEquals(const Timeline *a, const Timeline *b)
{
	const int64 *ta = TimelineTimes(a),
			   *tb = TimelineTimes(b);
	const int64 *sa = TimelineSeqs(a),
			   *sb = TimelineSeqs(b);
	const float8 *va = TimelineValues(a),
			   *vb = TimelineValues(b);
	const bits8 *na = TimelineNulls(a),
			   *nb = TimelineNulls(b);
	int64		seqa = 0,
				seqb = 0;

	if (TimelineIsContinuous(a) != TimelineIsContinuous(b) ||
		a->npoints != b->npoints)
		return false;
	for (int32 i = 0; i < a->npoints; i++)
	{
		bool		nulla = TimelinePointIsNull(na, i),
					nullb = TimelinePointIsNull(nb, i);

		seqa = NextSeq(a, sa, i, seqa);
		seqb = NextSeq(b, sb, i, seqb);
		if (ta[i] != tb[i] || seqa != seqb || nulla != nullb)
			return false;
		if (!nulla && float8_cmp_internal(va[i], vb[i]) != 0)
			return false;
	}
	return true;
}

/* Implements timeline = timeline. */
Datum
timeline_eq(PG_FUNCTION_ARGS)
{
	Timeline   *a = PG_GETARG_TIMELINE_P(0);
	Timeline   *b = PG_GETARG_TIMELINE_P(1);
	bool		result = TimelineEquals(a, b);

	PG_FREE_IF_COPY(a, 0);
	PG_FREE_IF_COPY(b, 1);
	PG_RETURN_BOOL(result);
}

/* Implements timeline <> timeline. */
Datum
timeline_ne(PG_FUNCTION_ARGS)
{
	Timeline   *a = PG_GETARG_TIMELINE_P(0);
	Timeline   *b = PG_GETARG_TIMELINE_P(1);
	bool		result = !TimelineEquals(a, b);

	PG_FREE_IF_COPY(a, 0);
	PG_FREE_IF_COPY(b, 1);
	PG_RETURN_BOOL(result);
}

/*
 * Hashes a timeline as TimelineEquals compares it: the kind, then each
 * point's time, logical seq, NULL flag and value, with -0 hashed as 0 and
 * every NaN as one NaN (as hashfloat8 does), so equal timelines hash alike
 * whether their seqs are explicit or implicit and whatever their NaNs'
 * payloads.  The low 32 bits with seed 0 are the standard hash, as the
 * hash operator class's support functions 1 and 2 must agree.
 */
static uint64
TimelineHash(const Timeline *tl, uint64 seed)
{
	const int64 *times = TimelineTimes(tl);
	const int64 *seqs = TimelineSeqs(tl);
	const float8 *values = TimelineValues(tl);
	const bits8 *nulls = TimelineNulls(tl);
	int64		seq = 0;
	uint64		h;

	h = hash_bytes_uint32_extended(TimelineIsContinuous(tl) ? 1 : 0, seed);
	for (int32 i = 0; i < tl->npoints; i++)
	{
		struct
		{
			int64		time;
			int64		seq;
			float8		value;
		}			point;
		bool		isnull = TimelinePointIsNull(nulls, i);

		TL_CHECK_INTERRUPTS_EVERY_64K(i);
		seq = NextSeq(tl, seqs, i, seq);
		memset(&point, 0, sizeof(point));
		point.time = times[i];
		point.seq = seq;
		if (isnull)
			point.value = 0.0;
		else if (values[i] == 0.0)
			point.value = 0.0;	/* -0 */
		else if (isnan(values[i]))
			point.value = get_float8_nan();
		else
			point.value = values[i];
		h = hash_combine64(h, hash_bytes_extended((const unsigned char *) &point,
												  sizeof(point), isnull ? 1 : 0));
	}
	return h;
}

/* Hash support function of timeline's hash operator class. */
Datum
timeline_hash(PG_FUNCTION_ARGS)
{
	Timeline   *tl = PG_GETARG_TIMELINE_P(0);
	uint32		result = (uint32) TimelineHash(tl, 0);

	PG_FREE_IF_COPY(tl, 0);
	PG_RETURN_INT32((int32) result);
}

/* Extended (seeded, 64-bit) hash support function, for hash partitioning. */
Datum
timeline_hash_extended(PG_FUNCTION_ARGS)
{
	Timeline   *tl = PG_GETARG_TIMELINE_P(0);
	uint64		result = TimelineHash(tl, (uint64) PG_GETARG_INT64(1));

	PG_FREE_IF_COPY(tl, 0);
	PG_RETURN_INT64((int64) result);
}

/* Returns 'discrete' or 'continuous'. */
Datum
timeline_kind(PG_FUNCTION_ARGS)
{
	Timeline   *tl = TimelineGetArgCached(fcinfo, 0);

	PG_RETURN_TEXT_P(cstring_to_text(TimelineIsContinuous(tl) ? "continuous" : "discrete"));
}
