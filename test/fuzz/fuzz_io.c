/*-------------------------------------------------------------------------
 *
 * fuzz_io.c
 *	  Fuzz test of the timeline type's input functions (timeline_in and
 *	  timeline_recv): a libpq client that sends mutated text and binary
 *	  timelines and fails when the server reports an internal error, loses
 *	  the connection, or an accepted value does not round-trip.
 *
 * This file and run.sh own test/fuzz/.  The client uses only libpq and the
 * C library, never the extension's headers: it tests the formats documented
 * in src/timeline_io.c, not the code that implements them.
 *
 * Usage: fuzz_io [seed [count]]				(defaults 1 and 100000)
 *		  fuzz_io --replay text|binary HEX [timezone [datestyle]]
 *
 * The connection comes from the PG* environment variables.  Inputs
 * alternate between a text parameter and a binary one, both typed timeline,
 * so the server runs timeline_in or timeline_recv while binding.  Every
 * input is derived from the seed: a corpus of valid timelines (fixed texts,
 * generated ones, their binary forms as the server sends them, and accepted
 * inputs) is mutated byte-wise and structurally.
 *
 * An input passes when the server accepts it or rejects it with an ordinary
 * error.  It fails on SQLSTATE class XX, 58 or 53, on a statement timeout,
 * on a lost connection, and when an accepted value t does not round-trip:
 *	  in(out(t)) = t, out(in(out(t))) = out(t), send(recv(send(t))) =
 *	  send(t), and for binary input x send(recv(x)) = x byte for byte (the
 *	  binary form encodes each value in exactly one way), unless x gives no
 *	  seqs and has points of one time out of value order, which recv puts
 *	  in order (SEMANTICS.md s1: the caller gave none).
 * The first failure prints the input in hex (replayable with --replay) and
 * exits 1.  The session's TimeZone and DateStyle change every few thousand
 * inputs, since both affect the text form.
 *
 *-------------------------------------------------------------------------
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "libpq-fe.h"

/* constants of PostgreSQL and of the timeline format, restated on purpose */
#define USECS_PER_SEC		INT64_C(1000000)
#define USECS_PER_DAY		INT64_C(86400000000)
#define MIN_TIMESTAMP		INT64_C(-211813488000000000)	/* 4714-11-24 BC */
#define END_TIMESTAMP		INT64_C(9223371331200000000)	/* 294277-01-01 */
#define TS_2024				INT64_C(757382400000000)	/* 2024-01-01 UTC */
#define TS_1970				INT64_C(-946684800000000)
#define DAYS_1970_TO_2000	10957
#define TL_MAX_POINTS		42949672	/* (MaxAllocSize - 16) / 25 */
#define TL_BIN_HEADER		8

/* fuzzer limits */
#define MAX_INPUT_LEN		(256 * 1024)
#define MAX_CORPUS_ITEM		(64 * 1024)
#define CORPUS_CAP			2048
#define SETTINGS_EVERY		2500
#define MAX_STATES			64

#define lengthof(a)			(sizeof(a) / sizeof((a)[0]))
#define PICK(a)				((a)[below(lengthof(a))])

typedef struct Buf
{
	unsigned char *data;		/* always NUL-terminated */
	size_t		len;
	size_t		cap;
} Buf;

typedef struct Corpus
{
	Buf		   *items;
	int			n;
	int			nfixed;			/* the first nfixed are never replaced */
} Corpus;

/* one point of a binary timeline, possibly malformed */
typedef struct Point
{
	int64_t		time;
	int64_t		seq;
	uint8_t		isnull;
	uint64_t	value;			/* float8 bits */
} Point;

/* a binary timeline as a list of points, with a header that may lie */
typedef struct Model
{
	uint16_t	version;
	uint16_t	flags;
	int			count_mode;		/* COUNT_* */
	uint32_t	count;			/* with COUNT_FIXED */
	int			n;
	int			cap;
	Point	   *pts;
} Model;

#define COUNT_TRUE			0	/* the number of points */
#define COUNT_FIXED			1	/* Model.count */
#define COUNT_FITS			2	/* the most that passes the 9-bytes check */
#define COUNT_FITS_PLUS		3	/* one more than that */

typedef struct StateCount
{
	char		code[6];
	long		count[2];		/* text, binary */
} StateCount;

static const char *const mode_name[2] = {"text", "binary"};

static const int64_t interesting64[] = {
	0, 1, -1, 2, INT64_MIN, INT64_MIN + 1, INT64_MAX, INT64_MAX - 1,
	MIN_TIMESTAMP, MIN_TIMESTAMP - 1, MIN_TIMESTAMP + 1,
	END_TIMESTAMP, END_TIMESTAMP - 1, END_TIMESTAMP + 1,
	INT64_C(0x7fffffff), INT64_C(0x80000000), INT64_C(0xffffffff),
	INT64_C(-2147483648), TS_2024, -TS_2024, USECS_PER_DAY, TS_1970,
	INT64_C(0x0100000000000000), INT64_C(0x00ffffffffffffff),
	INT64_C(0x7ff0000000000000), INT64_C(-0x0010000000000000)
};

static const int64_t interesting32[] = {
	0, 1, -1, 2, 7, 8, 9, 16, 255, 256, 0x7fff, 0x8000, 0xffff, 0x10000,
	0x7fffffff, INT64_C(-2147483648), TL_MAX_POINTS - 1, TL_MAX_POINTS,
	TL_MAX_POINTS + 1, 0x3fffffff, 0x40000000, 0x0fffffff
};

static const int64_t interesting16[] = {
	0, 1, 2, 3, 4, 5, 6, 7, 8, 0x10, 0xff, 0x100, 0x7fff, 0x8000, 0xffff
};

static const int64_t interesting8[] = {
	0, 1, 2, 0x7f, 0x80, 0xff, '0', '1', 0xfe
};

static const uint64_t interesting_float[] = {
	UINT64_C(0x7ff8000000000000),	/* NaN */
	UINT64_C(0xfff8000000000000),	/* -NaN */
	UINT64_C(0x7ff0000000000001),	/* signalling NaN */
	UINT64_C(0x7fffffffffffffff),	/* NaN, full payload */
	UINT64_C(0x7ff0000000000000),	/* Infinity */
	UINT64_C(0xfff0000000000000),	/* -Infinity */
	UINT64_C(0x8000000000000000),	/* -0 */
	UINT64_C(0x0000000000000000),	/* 0 */
	UINT64_C(0x0000000000000001),	/* smallest subnormal */
	UINT64_C(0x000fffffffffffff),	/* largest subnormal */
	UINT64_C(0x0010000000000000),	/* smallest normal */
	UINT64_C(0x7fefffffffffffff),	/* DBL_MAX */
	UINT64_C(0xffefffffffffffff),	/* -DBL_MAX */
	UINT64_C(0x3ff0000000000000),	/* 1 */
	UINT64_C(0x3fb999999999999a)	/* 0.1 */
};

static const char *const fixed_texts[] = {
	"discrete{2024-01-01T00:00:00+00:00=>1.5, 2024-01-02T00:00:00+00:00=>NULL}",
	"continuous{2024-01-01T00:00:00+00:00#7=>1, 2024-01-01T00:00:00+00:00#9=>-0}",
	"discrete{}",
	"continuous{}",
	"{}",
	"  discrete  {  }  ",
	"{2024-01-01 00:00:00+00 => 1}",
	"discrete{2024-01-01T00:00:00+00:00=>NaN, 2024-01-01T00:00:00+00:00=>Infinity, 2024-01-01T00:00:00+00:00=>-Infinity}",
	"continuous{2024-01-01T00:00:00.5+00:00=>-1e308, 2024-01-01T00:00:00.999999+00:00=>4.9e-324}",
	"discrete{2024-01-01T00:00:00.123456+05:30=>1, 2024-01-01T00:00:00-08:00=>2, 2024-06-30T23:59:59.000001+14:00=>3}",
	"continuous{2024-03-10 02:30:00 America/New_York#-9223372036854775808=>0, 2024-03-10 02:30:00 America/New_York#9223372036854775807=>NULL}",
	"DISCRETE{Jan 1 2024 00:00 UTC=>1, 2024-01-01 00:00:00+00=>2, 2024-01-01 00:00:00+00=>3}",
	"discrete{4714-11-24T00:00:00+00:00 BC=>1, 294276-12-31T23:59:59.999999+00:00=>2}",
	"discrete{1970-01-01T00:00:00+00:00=>0, 2000-01-01T00:00:00+00:00=>0}",
	"continuous{2024-01-01T00:00:00+00:00=>null, 2024-01-02T00:00:00+00:00=>NULL, 2024-01-03T00:00:00+00:00=>nan}",
	"discrete{2024-01-01 00:00:00.1234565+00 => 0x1p-3, 2024-01-02 => 1e-10}",
	"continuous { 2024-01-01T00:00:00Z # 1 => 1 ,2024-01-01T00:00:00Z#2=>2 }",
	"discrete{2016-12-31 23:59:60+00=>1, 2024-01-01 24:00:00+00=>2}",
	"discrete{1883-11-18 12:00:00 America/New_York=>1, 1937-07-01 00:00:00 Europe/Amsterdam=>2}"
};

/* any of these may appear where a time is expected */
static const char *const dict_times[] = {
	"infinity", "-infinity", "+infinity", "epoch", "now", "today", "tomorrow",
	"yesterday", "allballs", "294276-12-31 23:59:59.999999+00",
	"294277-01-01 00:00:00+00", "294276-12-31T23:59:59.999999-15:59",
	"294277-01-01T00:00:00+15:59", "4714-11-24 00:00:00+00 BC",
	"4714-11-23 23:59:59.999999+00 BC", "4714-11-24T00:00:00+15:59 BC",
	"4714-11-24T00:00:00-15:59 BC", "4713-01-01 BC", "5874897-12-31",
	"5874898-01-01", "0000-01-01", "0001-01-01 BC", "2024-02-29",
	"2023-02-29", "2024-13-01", "2024-00-10", "2024-01-32",
	"2024-01-01 24:00:00", "2024-01-01 24:00:01", "2016-12-31 23:59:60+00",
	"2024-01-01 00:00:00.9999995+00", "2024-01-01 00:00:00.0000005",
	"2024-01-01 00:00:00+16", "2024-01-01 00:00:00+15:59:59",
	"2024-01-01 00:00:00-15:59:59", "2024-01-01 00:00:00+99:99",
	"2024-03-10 02:30:00 America/New_York",
	"2024-11-03 01:30:00 America/New_York", "2024-01-01 Europe/Nowhere",
	"2024-01-01 00:00 PST8PDT", "2024-01-01 00:00 UTC+5", "Jan 1 2024",
	"1/2/2024", "13/01/2024", "01.02.2024", "20240101T000000Z", "J2451545",
	"J0", "J-1", "2024-001", "2024-W01-1", "1e10", "9999999999999999999",
	"2024-01-01 00:00:00.123456789012345678901234567890", "T", "Z", "BC",
	"AD", "", " ", "2024", "2024-01-01 00:00:00+00:00:00:00",
	"1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1",
	"2024-01-01 00:00:00 +00 -00 +00", "Mon Jan 01 00:00:00 2024 UTC",
	"2024-01-01 00:00:00 z", "infinityx", "2024-01-01 00:00:00 BC BC",
	"2024-01-01 AM PM", "12:00 am", "2024-01-01 1:2:3.", "292277-01-01",
	"-294277-01-01", "2024-01-01 00:00:00-00:00:01 BC",
	"99999999-01-01", "2024-01-01 00:00:00 +9223372036854775807"
};

static const char *const dict_values[] = {
	"NULL", "null", "Null", "NULLx", "NaN", "nan", "-NaN", "+nan",
	"nan(0x7ff)", "NAN(123)", "Infinity", "-Infinity", "+Infinity", "inf",
	"-inf", "INF", "infinit", "1e308", "1.7976931348623157e308",
	"1.7976931348623159e308", "1e309", "-1e309", "1e-400", "4.9e-324",
	"2.4e-324", "2.2250738585072014e-308", "0x1p-1074",
	"0x1.fffffffffffffp1023", "0x1p1024", "-0", "+0", "0", ".5", "5.", ".",
	"-", "+", "e5", "1e", "1e+", "1_000", "1,5", "0.1", "  7  ", "1 2",
	"9223372036854775807", "-9223372036854775808",
	"99999999999999999999999999999999999",
	"0.000000000000000000000000000000001",
	"1.00000000000000000000000000000000000000000001", "", " "
};

static const char *const dict_seqs[] = {
	"0", "-0", "+1", "1", "-1", "9223372036854775807",
	"-9223372036854775808", "9223372036854775808", "-9223372036854775809",
	"18446744073709551616", "0x10", "1e3", "1.5", "", " ", "07", "NULL",
	"9223372036854775807 ", " 1", "--1", "1 2"
};

static const char *const dict_tokens[] = {
	"discrete", "continuous", "Discrete", "CONTINUOUS", "continuou",
	"discretee", "{", "}", ",", "=>", "#", "=", ">", "=>=>", "##", ",,", "{}",
	"}{", " ", "\t", "\n", "\r", "\v", "\f", "'", "\"", "\\", "%s", "%n",
	"\xc3\xa9", "\xe6\x97\xa5\xe6\x9c\xac", "\xc2\xa0", "\xd9\xa3", "NULL",
	"NaN", "-", "+", ".", ":", "T", "Z", "BC", "e", "0", "9", "#1=>", "=>1",
	", 2024-01-01T00:00:00+00:00=>1", "2024-01-01", "00:00:00", "+00:00",
	"discrete{", "continuous{"
};

static const char *const kind_words[] = {
	"", "DISCRETE", "Continuous", "discreet", "continuous continuous",
	"discrete discrete", "disc", "CONTINUOUSLY", "discrete\t", "\ncontinuous"
};

static const char *const bad_separators[] = {
	"", ";", ",,", " , , ", "}", "{", ",}", "=>", "#"
};

static const char *const bad_arrows[] = {
	"=", ">", "->", "= >", "==>", "=>>", "=>=>", "#", ""
};

static const char *const timezones[] = {
	"UTC", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe",
	"Pacific/Chatham", "Pacific/Kiritimati", "America/St_Johns",
	"Europe/Dublin", "Africa/Casablanca", "Asia/Kathmandu", "Etc/GMT+12",
	"+15:59", "-15:59", "Europe/Amsterdam", "America/Sao_Paulo",
	"Antarctica/Troll"
};

static const char *const datestyles[] = {
	"ISO, MDY", "ISO, DMY", "ISO, YMD", "SQL, DMY", "German", "Postgres, MDY"
};

static const char *const query_send =
"SELECT timeline.timeline_send($1::timeline.timeline)";

/*
 * Works from b = send(in(x)) or send(recv(x)) as returned by query_send, so
 * the input is parsed once only ("now" in a text input changes between two
 * transactions).
 */
static const char *const query_roundtrip =
"SELECT t OPERATOR(timeline.=) t::text::timeline.timeline,"
"       t::text = t::text::timeline.timeline::text,"
"       timeline.timeline_send(t),"
"       t::text "
"FROM (SELECT $1::timeline.timeline AS t) s";

static const char *const roundtrip_check[2] = {
	"in(out(t)) = t",
	"out(in(out(t))) = out(t)"
};

static uint64_t rng_state;
static PGconn *conn;
static unsigned int timeline_oid;
static Corpus text_corpus;
static Corpus binary_corpus;
static StateCount states[MAX_STATES];
static int	nstates;
static long n_sent[2];
static long n_accepted[2];
static long n_passed;
static long input_no;
static const char *cur_timezone = "(server default)";
static const char *cur_datestyle = "(server default)";
static bool verbose;			/* --replay: say what happened */

/* ---- memory and buffers ---- */

/* Exits on allocation failure: a fuzz client has nothing better to do. */
static void *
xrealloc(void *p, size_t size)
{
	void	   *r = realloc(p, size ? size : 1);

	if (r == NULL)
	{
		fprintf(stderr, "fuzz: out of memory\n");
		exit(2);
	}
	return r;
}

/* Makes room for need more bytes plus the terminating NUL. */
static void
buf_reserve(Buf *b, size_t need)
{
	size_t		cap = b->cap ? b->cap : 64;

	if (b->len + need + 1 <= b->cap)
		return;
	while (cap < b->len + need + 1)
		cap *= 2;
	b->data = xrealloc(b->data, cap);
	b->cap = cap;
}

/* Empties a buffer, keeping its memory. */
static void
buf_reset(Buf *b)
{
	buf_reserve(b, 0);
	b->len = 0;
	b->data[0] = '\0';
}

/* Inserts n bytes at pos (clamped to the end). */
static void
buf_insert(Buf *b, size_t pos, const void *p, size_t n)
{
	buf_reserve(b, n);
	if (pos > b->len)
		pos = b->len;
	memmove(b->data + pos + n, b->data + pos, b->len - pos);
	memcpy(b->data + pos, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

/* Removes up to n bytes at pos. */
static void
buf_erase(Buf *b, size_t pos, size_t n)
{
	if (pos >= b->len)
		return;
	if (n > b->len - pos)
		n = b->len - pos;
	memmove(b->data + pos, b->data + pos + n, b->len - pos - n);
	b->len -= n;
	b->data[b->len] = '\0';
}

/* Appends n bytes. */
static void
buf_append(Buf *b, const void *p, size_t n)
{
	buf_insert(b, b->len, p, n);
}

/* Appends a C string. */
static void
buf_puts(Buf *b, const char *s)
{
	buf_append(b, s, strlen(s));
}

/* Replaces the contents with n bytes. */
static void
buf_set(Buf *b, const void *p, size_t n)
{
	buf_reset(b);
	buf_append(b, p, n);
}

/* Appends printf-style formatted text. */
static void __attribute__((format(printf, 2, 3)))
buf_printf(Buf *b, const char *fmt,...)
{
	va_list		ap;
	int			n;

	buf_reserve(b, 64);
	va_start(ap, fmt);
	n = vsnprintf((char *) b->data + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if ((size_t) n >= b->cap - b->len)
	{
		buf_reserve(b, (size_t) n);
		va_start(ap, fmt);
		vsnprintf((char *) b->data + b->len, (size_t) n + 1, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t) n;
}

/* Appends an integer of width bytes in network byte order. */
static void
buf_put_be(Buf *b, uint64_t v, int width)
{
	unsigned char tmp[8];

	for (int i = 0; i < width; i++)
		tmp[i] = (unsigned char) (v >> (8 * (width - 1 - i)));
	buf_append(b, tmp, (size_t) width);
}

/* Overwrites width bytes at pos in network byte order, within the buffer. */
static void
buf_write_be(Buf *b, size_t pos, uint64_t v, int width)
{
	for (int i = 0; i < width && pos + i < b->len; i++)
		b->data[pos + i] = (unsigned char) (v >> (8 * (width - 1 - i)));
}

/* Reads width bytes at pos in network byte order (zero past the end). */
static uint64_t
buf_get_be(const Buf *b, size_t pos, int width)
{
	uint64_t	v = 0;

	for (int i = 0; i < width; i++)
		v = (v << 8) | (pos + i < b->len ? b->data[pos + i] : 0);
	return v;
}

/* ---- random numbers ---- */

/* Returns the next pseudo-random number (splitmix64). */
static uint64_t
rnd(void)
{
	uint64_t	z = (rng_state += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* Returns a number in [0, n), 0 when n is 0. */
static uint64_t
below(uint64_t n)
{
	return n == 0 ? 0 : rnd() % n;
}

/* Returns true with probability pct percent. */
static bool
chance(unsigned pct)
{
	return below(100) < pct;
}

/* Adds with two's complement wrap-around instead of undefined overflow. */
static int64_t
wrap_add(int64_t a, int64_t b)
{
	return (int64_t) ((uint64_t) a + (uint64_t) b);
}

/* ---- corpus ---- */

/* Adds a copy of an input; once full, replaces a random non-fixed item. */
static void
corpus_add(Corpus *c, const unsigned char *data, size_t len)
{
	Buf		   *slot;

	if (len > MAX_CORPUS_ITEM)
		return;
	if (c->items == NULL)
		c->items = xrealloc(NULL, sizeof(Buf) * CORPUS_CAP);
	if (c->n < CORPUS_CAP)
	{
		slot = &c->items[c->n++];
		memset(slot, 0, sizeof(*slot));
	}
	else
		slot = &c->items[c->nfixed + below(CORPUS_CAP - c->nfixed)];
	buf_set(slot, data, len);
}

/* Returns a random corpus item (never called on an empty corpus). */
static const Buf *
corpus_pick(const Corpus *c)
{
	/* favour the fixed seeds a little: they are the most varied */
	if (c->nfixed > 0 && chance(25))
		return &c->items[below(c->nfixed)];
	return &c->items[below(c->n)];
}

/* ---- the point model: valid timelines and structural mutations ---- */

/* Returns a random valid time, biased to recent dates and to the bounds. */
static int64_t
random_time(void)
{
	int64_t		t;

	switch (below(10))
	{
		case 0:
			return (int64_t) ((uint64_t) MIN_TIMESTAMP +
							  below((uint64_t) END_TIMESTAMP - (uint64_t) MIN_TIMESTAMP));
		case 1:
			return (int64_t) below(200 * 365 * USECS_PER_DAY) - 100 * 365 * USECS_PER_DAY;
		case 2:
			{
				static const int64_t bounds[] = {
					MIN_TIMESTAMP, MIN_TIMESTAMP + 1, MIN_TIMESTAMP + USECS_PER_DAY,
					END_TIMESTAMP - 1, END_TIMESTAMP - USECS_PER_DAY, 0, TS_1970, -1
				};

				return PICK(bounds);
			}
		default:
			t = TS_2024 + (int64_t) below(400 * USECS_PER_DAY) - 200 * USECS_PER_DAY;
			if (chance(60))
				t -= t % USECS_PER_SEC;
			return t;
	}
}

/* Returns a random gap to the next point's time (often 0). */
static int64_t
random_step(void)
{
	switch (below(10))
	{
		case 0:
		case 1:
			return 0;
		case 2:
			return 1;
		case 3:
		case 4:
		case 5:
			return (int64_t) below(60) * USECS_PER_SEC;
		case 6:
		case 7:
			return (int64_t) below(USECS_PER_DAY);
		default:
			return (int64_t) below(INT64_C(1000000000000000));
	}
}

/* Fills a point's value: mostly plain numbers, some NULLs and specials. */
static void
random_value(Point *p)
{
	double		d;

	p->isnull = 0;
	switch (below(20))
	{
		case 0:
		case 1:
		case 2:
			p->isnull = 1;
			p->value = 0;
			return;
		case 3:
		case 4:
			p->value = PICK(interesting_float);
			return;
		case 5:
			p->value = rnd();
			return;
		case 6:
		case 7:
		case 8:
		case 9:
			d = (double) (int64_t) below(2001) - 1000;
			break;
		default:
			d = ((double) below(1000000) / 1000.0) *
				(double) (INT64_C(1) << below(20)) * (chance(30) ? -1 : 1);
			break;
	}
	memcpy(&p->value, &d, sizeof(d));
}

/* Makes room for one more point. */
static void
model_grow(Model *m)
{
	if (m->n >= m->cap)
	{
		m->cap = m->cap ? m->cap * 2 : 16;
		m->pts = xrealloc(m->pts, sizeof(Point) * (size_t) m->cap);
	}
}

/* Appends k points that keep the model valid (times and positions ordered). */
static void
model_append_valid(Model *m, int k)
{
	bool		seqs = (m->flags & 2) != 0;

	for (int i = 0; i < k; i++)
	{
		Point	   *p;
		Point	   *prev;

		model_grow(m);
		p = &m->pts[m->n];
		prev = m->n > 0 ? &m->pts[m->n - 1] : NULL;
		if (prev == NULL)
			p->time = random_time();
		else
		{
			int64_t		step = random_step();

			if (prev->time < MIN_TIMESTAMP || prev->time >= END_TIMESTAMP)
				p->time = random_time();
			else if ((uint64_t) step > (uint64_t) (END_TIMESTAMP - 1) - (uint64_t) prev->time)
				p->time = END_TIMESTAMP - 1;
			else
				p->time = prev->time + step;
			/* a seq cannot follow INT64_MAX at the same time */
			if (seqs && p->time == prev->time && prev->seq > INT64_MAX - 8)
			{
				if (prev->time == END_TIMESTAMP - 1)
					return;
				p->time++;
			}
		}
		if (prev != NULL && seqs && p->time == prev->time)
			p->seq = prev->seq + 1 + (int64_t) below(3);
		else if (chance(60))
			p->seq = (int64_t) below(100);
		else if (chance(50))
			p->seq = PICK(interesting64);
		else
			p->seq = (int64_t) rnd();
		if (!seqs)
			p->seq = 0;
		random_value(p);
		m->n++;
	}
}

/* Returns a random small-ish point count, occasionally a large one. */
static int
random_npoints(void)
{
	switch (below(10))
	{
		case 0:
			return 0;
		case 1:
		case 2:
		case 3:
		case 4:
		case 5:
			return 1 + (int) below(4);
		case 6:
		case 7:
		case 8:
			return 5 + (int) below(28);
		default:
			return 33 + (int) below(168);
	}
}

/* Makes a random valid timeline of n points. */
static void
model_generate(Model *m, int n)
{
	m->version = 1;
	m->flags = (uint16_t) below(4);
	m->count_mode = COUNT_TRUE;
	m->count = 0;
	m->n = 0;
	model_append_valid(m, n);
}

/* Reads binary data leniently, keeping a header that does not match. */
static void
model_decode(Model *m, const Buf *b)
{
	size_t		pos = TL_BIN_HEADER;
	uint32_t	count = (uint32_t) buf_get_be(b, 4, 4);

	m->version = (uint16_t) buf_get_be(b, 0, 2);
	m->flags = (uint16_t) buf_get_be(b, 2, 2);
	m->n = 0;
	while ((uint32_t) m->n < count && pos + 9 <= b->len && m->n < 100000)
	{
		Point	   *p;

		model_grow(m);
		p = &m->pts[m->n];
		p->time = (int64_t) buf_get_be(b, pos, 8);
		pos += 8;
		p->seq = 0;
		if (m->flags & 2)
		{
			p->seq = (int64_t) buf_get_be(b, pos, 8);
			pos += 8;
		}
		p->isnull = (uint8_t) buf_get_be(b, pos, 1);
		pos++;
		p->value = 0;
		if (p->isnull == 0)
		{
			p->value = buf_get_be(b, pos, 8);
			pos += 8;
		}
		if (pos > b->len)
			break;
		m->n++;
	}
	m->count_mode = ((uint32_t) m->n == count) ? COUNT_TRUE : COUNT_FIXED;
	m->count = count;
}

/* Writes the binary form; a value follows isnull 0 only, like the reader. */
static void
model_encode(const Model *m, Buf *out)
{
	uint32_t	count = (uint32_t) m->n;

	buf_reset(out);
	buf_put_be(out, m->version, 2);
	buf_put_be(out, m->flags, 2);
	buf_put_be(out, 0, 4);
	for (int i = 0; i < m->n; i++)
	{
		const Point *p = &m->pts[i];

		buf_put_be(out, (uint64_t) p->time, 8);
		if (m->flags & 2)
			buf_put_be(out, (uint64_t) p->seq, 8);
		buf_put_be(out, p->isnull, 1);
		if (p->isnull == 0)
			buf_put_be(out, p->value, 8);
	}
	if (m->count_mode == COUNT_FIXED)
		count = m->count;
	else if (m->count_mode == COUNT_FITS || m->count_mode == COUNT_FITS_PLUS)
		count = (uint32_t) ((out->len - TL_BIN_HEADER) / 9 +
							(m->count_mode == COUNT_FITS_PLUS ? 1 : 0));
	buf_write_be(out, 4, count, 4);
}

/* Applies one structural mutation: bad times, seqs, flags, counts, ... */
static void
model_mutate(Model *m)
{
	int			i = (int) below((uint64_t) m->n);
	Point	   *p = m->n > 0 ? &m->pts[i] : NULL;
	Point		tmp;

	switch (below(17))
	{
		case 0:
			if (p)
				p->time = PICK(interesting64);
			break;
		case 1:
			/* same time as the previous point, maybe the same position */
			if (p && i > 0)
			{
				p->time = m->pts[i - 1].time;
				if (chance(50))
					p->seq = m->pts[i - 1].seq;
			}
			break;
		case 2:
			/* slightly before the previous point */
			if (p && i > 0)
				p->time = wrap_add(m->pts[i - 1].time, -1 - (int64_t) below(3));
			break;
		case 3:
			if (m->n > 1)
			{
				int			j = (int) below((uint64_t) m->n);

				tmp = m->pts[i];
				m->pts[i] = m->pts[j];
				m->pts[j] = tmp;
			}
			break;
		case 4:
			if (p)
			{
				if (i > 0 && chance(50))
					p->seq = wrap_add(m->pts[i - 1].seq, -(int64_t) below(2));
				else
					p->seq = chance(50) ? PICK(interesting64) : (int64_t) rnd();
			}
			break;
		case 5:
			/* duplicate a point: a duplicate position with seqs */
			if (p)
			{
				model_grow(m);
				memmove(&m->pts[i + 1], &m->pts[i], sizeof(Point) * (size_t) (m->n - i));
				m->n++;
			}
			break;
		case 6:
			if (p)
			{
				memmove(&m->pts[i], &m->pts[i + 1], sizeof(Point) * (size_t) (m->n - i - 1));
				m->n--;
			}
			break;
		case 7:
			if (p)
			{
				p->isnull = 0;
				p->value = chance(70) ? PICK(interesting_float) : rnd();
			}
			break;
		case 8:
			if (p)
				p->isnull = (uint8_t) PICK(interesting8);
			break;
		case 9:
			if (chance(50))
				m->flags = (uint16_t) PICK(interesting16);
			else
				m->flags ^= (uint16_t) (1 << below(16));
			break;
		case 10:
			m->version = (uint16_t) PICK(interesting16);
			break;
		case 11:
			switch (below(5))
			{
				case 0:
					m->count_mode = COUNT_FITS;
					break;
				case 1:
					m->count_mode = COUNT_FITS_PLUS;
					break;
				case 2:
					m->count_mode = COUNT_FIXED;
					m->count = (uint32_t) m->n + 1;
					break;
				case 3:
					m->count_mode = COUNT_FIXED;
					m->count = (uint32_t) m->n - 1;
					break;
				default:
					m->count_mode = COUNT_FIXED;
					m->count = (uint32_t) PICK(interesting32);
					break;
			}
			break;
		case 12:
			/* seqs appear or vanish: the layout no longer matches */
			m->flags ^= 2;
			break;
		case 13:
			model_append_valid(m, 1 + (int) below(64));
			break;
		case 14:
			if (p)
				p->time = wrap_add(p->time, chance(50) ? 1 : -1);
			break;
		case 15:
			m->n = (int) below((uint64_t) m->n);
			break;
		default:
			/* move a point to the other end of time */
			if (p)
				p->time = chance(50) ? END_TIMESTAMP - 1 : MIN_TIMESTAMP;
			break;
	}
}

/* ---- text rendering of a model ---- */

/* Appends optional white space (the text form allows it between tokens). */
static void
render_space(Buf *out, bool corrupt)
{
	static const char *const spaces[] = {" ", "  ", "\t", "\n", " \r\n ", "\f\v"};

	if (chance(corrupt ? 20 : 8))
		buf_puts(out, PICK(spaces));
}

/* Converts days since 1970-01-01 to a proleptic Gregorian date. */
static void
civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	int64_t		era;
	int64_t		doe,
				yoe,
				doy,
				mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int) (doy - (153 * mp + 2) / 5 + 1);
	*m = (int) (mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

/* Returns a UTC offset in seconds to write a time in. */
static int
random_offset(void)
{
	static const int common[] = {
		3600, -18000, 19800, 20700, 45900, -12600, 50400, -36000, 57540, -57540
	};

	switch (below(10))
	{
		case 0:
		case 1:
		case 2:
		case 3:
			return 0;
		case 4:
			return (int) below(2 * 57600 - 1) - (57600 - 1);
		case 5:
			return ((int) below(2 * 960 - 1) - (960 - 1)) * 60;
		default:
			return PICK(common);
	}
}

/*
 * Appends a time in one of the syntaxes timestamptz accepts, for any int64
 * (out-of-range times come out as dates the server must reject).  Unless
 * exact, the fraction may be truncated or rounded and the date written in
 * a DateStyle-dependent order.
 */
static void
render_time(Buf *out, int64_t t, bool exact)
{
	int			off = random_offset();
	int64_t		days = t / USECS_PER_DAY;
	int64_t		usec = t % USECS_PER_DAY;
	int64_t		year;
	int			mon,
				mday,
				aoff = off < 0 ? -off : off;
	int			digits;

	if ((t == INT64_MAX || t == INT64_MIN) && chance(50))
	{
		buf_puts(out, t == INT64_MAX ? "infinity" : "-infinity");
		return;
	}
	/* local time = t + off, without overflowing */
	if (usec < 0)
	{
		usec += USECS_PER_DAY;
		days--;
	}
	usec += (int64_t) off * USECS_PER_SEC;
	if (usec < 0)
	{
		usec += USECS_PER_DAY;
		days--;
	}
	else if (usec >= USECS_PER_DAY)
	{
		usec -= USECS_PER_DAY;
		days++;
	}
	civil_from_days(days + DAYS_1970_TO_2000, &year, &mon, &mday);
	if (!exact && chance(5))
		buf_printf(out, "%02d/%02d/%04" PRId64, mon, mday, year <= 0 ? 1 - year : year);
	else
		buf_printf(out, "%04" PRId64 "-%02d-%02d", year <= 0 ? 1 - year : year, mon, mday);
	buf_puts(out, chance(50) ? "T" : " ");
	buf_printf(out, "%02d:%02d:%02d",
			   (int) (usec / (3600 * USECS_PER_SEC)),
			   (int) (usec / (60 * USECS_PER_SEC) % 60),
			   (int) (usec / USECS_PER_SEC % 60));

	/*
	 * Fractional seconds: as many digits as needed or more (zeros), or when
	 * inexact also truncated or with extra digits to round away.
	 */
	{
		char		frac[16];
		int			needed = 6;

		snprintf(frac, sizeof(frac), "%06d", (int) (usec % USECS_PER_SEC));
		while (needed > 0 && frac[needed - 1] == '0')
			needed--;
		digits = chance(60) ? 6 : needed + (int) below((uint64_t) (10 - needed));
		if (!exact && chance(30))
			digits = (int) below(10);
		for (int i = 6; i < digits; i++)
			frac[i] = exact ? '0' : (char) ('0' + below(10));
		frac[digits] = '\0';
		if (digits > 0)
			buf_printf(out, ".%s", frac);
	}

	switch (below(8))
	{
		case 0:
			if (off == 0)
			{
				buf_puts(out, "Z");
				break;
			}
			/* FALLTHROUGH */
		case 1:
			buf_printf(out, "%c%02d:%02d:%02d", off < 0 ? '-' : '+',
					   aoff / 3600, aoff / 60 % 60, aoff % 60);
			break;
		case 2:
			if (aoff % 60 == 0)
			{
				buf_printf(out, "%c%02d%02d", off < 0 ? '-' : '+',
						   aoff / 3600, aoff / 60 % 60);
				break;
			}
			/* FALLTHROUGH */
		default:
			if (aoff % 60 != 0)
				buf_printf(out, "%c%02d:%02d:%02d", off < 0 ? '-' : '+',
						   aoff / 3600, aoff / 60 % 60, aoff % 60);
			else if (aoff % 3600 == 0 && chance(30))
				buf_printf(out, "%c%02d", off < 0 ? '-' : '+', aoff / 3600);
			else
				buf_printf(out, "%c%02d:%02d", off < 0 ? '-' : '+',
						   aoff / 3600, aoff / 60 % 60);
			break;
	}
	if (year <= 0)
		buf_puts(out, " BC");
}

/* Appends a point's value in one of the spellings float8in accepts. */
static void
render_value(Buf *out, const Point *p)
{
	static const char *const nulls[] = {"NULL", "null", "Null", "nULL"};
	static const char *const nans[] = {"NaN", "nan", "NAN", "-nan", "+NaN"};
	static const char *const pinfs[] = {"Infinity", "inf", "+inf", "INFINITY"};
	static const char *const ninfs[] = {"-Infinity", "-inf", "-INF"};
	double		d;
	char		tmp[64];

	if (p->isnull)
	{
		buf_puts(out, PICK(nulls));
		return;
	}
	memcpy(&d, &p->value, sizeof(d));
	if (d != d)
		buf_puts(out, PICK(nans));
	else if (d > 1.7976931348623157e308)
		buf_puts(out, PICK(pinfs));
	else if (d < -1.7976931348623157e308)
		buf_puts(out, PICK(ninfs));
	else if (d > 1e300 || d < -1e300 || (d != 0 && d < 1e-300 && d > -1e-300))
	{
		/* shortened forms could overflow or underflow: write it exactly */
		snprintf(tmp, sizeof(tmp), chance(50) ? "%.17g" : "%a", d);
		buf_puts(out, tmp);
	}
	else
	{
		switch (below(6))
		{
			case 0:
				snprintf(tmp, sizeof(tmp), "%.*g", 1 + (int) below(17), d);
				break;
			case 1:
				snprintf(tmp, sizeof(tmp), "%a", d);
				break;
			case 2:
				if (d < 1e15 && d > -1e15)
				{
					snprintf(tmp, sizeof(tmp), "%.*f", (int) below(8), d);
					break;
				}
				/* FALLTHROUGH */
			case 3:
				snprintf(tmp, sizeof(tmp), "%e", d);
				break;
			default:
				snprintf(tmp, sizeof(tmp), "%.17g", d);
				break;
		}
		buf_puts(out, tmp);
	}
}

/*
 * Writes a model as text.  Clean output is valid when the model is; with
 * corrupt, tokens are now and then replaced by dictionary entries.
 */
static void
render_text(const Model *m, Buf *out, bool corrupt)
{
	bool		seqs = (m->flags & 2) != 0;

	buf_reset(out);
	render_space(out, corrupt);
	if (corrupt && chance(10))
		buf_puts(out, PICK(kind_words));
	else if (m->flags & 1)
		buf_puts(out, chance(90) ? "continuous" : "Continuous");
	else if (chance(85))
		buf_puts(out, chance(90) ? "discrete" : "DISCRETE");
	render_space(out, corrupt);
	buf_puts(out, "{");
	render_space(out, corrupt);
	for (int i = 0; i < m->n; i++)
	{
		const Point *p = &m->pts[i];
		bool		this_seq = seqs;

		if (i > 0)
		{
			if (corrupt && chance(3))
				buf_puts(out, PICK(bad_separators));
			else
				buf_puts(out, chance(80) ? ", " : ",");
			render_space(out, corrupt);
		}
		if (corrupt && chance(4))
			buf_puts(out, PICK(dict_times));
		else
			render_time(out, p->time, !corrupt);
		render_space(out, corrupt);
		if (corrupt && chance(3))
			this_seq = !this_seq;
		if (this_seq)
		{
			buf_puts(out, "#");
			render_space(out, corrupt);
			if (corrupt && chance(4))
				buf_puts(out, PICK(dict_seqs));
			else
				buf_printf(out, "%" PRId64, p->seq);
			render_space(out, corrupt);
		}
		if (corrupt && chance(3))
			buf_puts(out, PICK(bad_arrows));
		else
			buf_puts(out, "=>");
		render_space(out, corrupt);
		if (corrupt && chance(4))
			buf_puts(out, PICK(dict_values));
		else
			render_value(out, p);
		render_space(out, corrupt);
	}
	if (!(corrupt && chance(5)))
		buf_puts(out, "}");
	render_space(out, corrupt);
	if (corrupt && chance(3))
		buf_puts(out, PICK(dict_tokens));
}

/* ---- byte-level and token-level mutations ---- */

/* Returns a byte for text input: mostly printable, sometimes anything. */
static unsigned char
random_text_byte(void)
{
	static const char specials[] = "{}#=>,.-+:eE0123456789 TZ";

	switch (below(20))
	{
		case 0:
			return (unsigned char) below(256);
		case 1:
			return (unsigned char) (1 + below(31));
		case 2:
		case 3:
		case 4:
			return (unsigned char) specials[below(sizeof(specials) - 1)];
		default:
			return (unsigned char) (0x20 + below(0x5f));
	}
}

/* Returns an interesting integer of the given width in bytes. */
static uint64_t
interesting_of_width(int width)
{
	switch (width)
	{
		case 1:
			return (uint64_t) PICK(interesting8);
		case 2:
			return (uint64_t) PICK(interesting16);
		case 4:
			return (uint64_t) PICK(interesting32);
		default:
			return chance(20) ? PICK(interesting_float) : (uint64_t) PICK(interesting64);
	}
}

/* Applies one classic byte-level mutation. */
static void
mutate_bytes(Buf *b, bool text)
{
	size_t		pos = (size_t) below(b->len + 1);
	size_t		k;
	int			width;
	unsigned char tmp[8];

	switch (below(11))
	{
		case 0:
			if (b->len > 0)
			{
				pos = (size_t) below(b->len);
				b->data[pos] ^= (unsigned char) (1 << below(8));
			}
			break;
		case 1:
			if (b->len > 0)
			{
				pos = (size_t) below(b->len);
				b->data[pos] = text ? random_text_byte() : (unsigned char) rnd();
			}
			break;
		case 2:
			k = 1 + (size_t) below(4);
			for (size_t i = 0; i < k; i++)
				tmp[i] = text ? random_text_byte() : (unsigned char) rnd();
			buf_insert(b, pos, tmp, k);
			break;
		case 3:
			buf_erase(b, pos, 1 + (size_t) below(chance(80) ? 4 : 64));
			break;
		case 4:
			/* duplicate a range somewhere else */
			if (b->len > 0)
			{
				Buf			chunk = {0};
				size_t		from = (size_t) below(b->len);

				k = 1 + (size_t) below(b->len - from < 64 ? b->len - from : 64);
				buf_set(&chunk, b->data + from, k);
				buf_insert(b, pos, chunk.data, k);
				free(chunk.data);
			}
			break;
		case 5:
			b->len = pos;
			b->data[b->len] = '\0';
			break;
		case 6:
		case 7:
			/* an interesting number at any offset, aligned or not */
			width = 1 << below(4);
			if (text || b->len < (size_t) width)
			{
				if (b->len > 0)
					b->data[below(b->len)] = (unsigned char) PICK(interesting8);
				break;
			}
			buf_write_be(b, (size_t) below(b->len - (size_t) width + 1),
						 interesting_of_width(width), width);
			break;
		case 8:
			/* small arithmetic on a big-endian number */
			width = 1 << below(4);
			if (b->len >= (size_t) width)
			{
				pos = (size_t) below(b->len - (size_t) width + 1);
				buf_write_be(b, pos, buf_get_be(b, pos, width) +
							 (uint64_t) ((int64_t) below(33) - 16), width);
			}
			break;
		case 9:
			if (b->len > 1)
			{
				size_t		a = (size_t) below(b->len);
				size_t		c = (size_t) below(b->len);
				unsigned char x = b->data[a];

				b->data[a] = b->data[c];
				b->data[c] = x;
			}
			break;
		default:
			/* repeat a range many times: long tokens and many points */
			if (b->len > 0)
			{
				Buf			chunk = {0};
				size_t		from = (size_t) below(b->len);
				int			reps = 2 + (int) below(chance(90) ? 16 : 2000);

				k = 1 + (size_t) below(b->len - from < 128 ? b->len - from : 128);
				buf_set(&chunk, b->data + from, k);
				for (int r = 0; r < reps && b->len < MAX_INPUT_LEN; r++)
					buf_insert(b, pos, chunk.data, k);
				free(chunk.data);
			}
			break;
	}
}

/* Returns whether c may end the field that starts after an opener. */
static bool
is_field_end(unsigned char c, const char *ends)
{
	return c == '\0' || strchr(ends, c) != NULL;
}

/*
 * Replaces a field of the text form with rep: the bytes after a random
 * occurrence of one of the opener characters up to the next end character.
 */
static bool
replace_field(Buf *b, const char *openers, const char *ends, const char *rep)
{
	size_t		hits = 0,
				target,
				start,
				end;

	for (size_t i = 0; i < b->len; i++)
		if (strchr(openers, b->data[i]) != NULL && b->data[i] != '\0')
			hits++;
	if (hits == 0)
		return false;
	target = (size_t) below(hits);
	for (start = 0;; start++)
		if (strchr(openers, b->data[start]) != NULL && b->data[start] != '\0' &&
			target-- == 0)
			break;
	start++;
	for (end = start; end < b->len && !is_field_end(b->data[end], ends); end++)
		;
	buf_erase(b, start, end - start);
	buf_insert(b, start, rep, strlen(rep));
	return true;
}

/* Replaces a random run of digits with an interesting number. */
static void
replace_digits(Buf *b)
{
	size_t		runs = 0,
				target,
				start = 0,
				end;
	char		num[32];

	for (size_t i = 0; i < b->len; i++)
		if (b->data[i] >= '0' && b->data[i] <= '9' &&
			(i == 0 || !(b->data[i - 1] >= '0' && b->data[i - 1] <= '9')))
			runs++;
	if (runs == 0)
		return;
	target = (size_t) below(runs);
	for (size_t i = 0; i < b->len; i++)
		if (b->data[i] >= '0' && b->data[i] <= '9' &&
			(i == 0 || !(b->data[i - 1] >= '0' && b->data[i - 1] <= '9')) &&
			target-- == 0)
		{
			start = i;
			break;
		}
	for (end = start; end < b->len && b->data[end] >= '0' && b->data[end] <= '9'; end++)
		;
	switch (below(4))
	{
		case 0:
			snprintf(num, sizeof(num), "%" PRId64, PICK(interesting64));
			break;
		case 1:
			snprintf(num, sizeof(num), "%" PRIu64, (uint64_t) PICK(interesting64));
			break;
		case 2:
			snprintf(num, sizeof(num), "%" PRId64, (int64_t) below(100));
			break;
		default:
			snprintf(num, sizeof(num), "%0*d", 1 + (int) below(25), (int) below(10));
			break;
	}
	buf_erase(b, start, end - start);
	buf_insert(b, start, num, strlen(num));
}

/* Swaps, duplicates or deletes one comma-separated point of the text. */
static void
shuffle_points(Buf *b)
{
	size_t		cuts[256];
	int			ncuts = 0;
	int			i,
				j;
	Buf			a = {0},
				c = {0};

	for (size_t p = 0; p < b->len && ncuts < 256; p++)
		if (b->data[p] == '{' || b->data[p] == ',' || b->data[p] == '}')
			cuts[ncuts++] = p;
	if (ncuts < 2)
		return;
	/* segments are (cuts[k], cuts[k + 1]] exclusive of the delimiters */
	i = (int) below((uint64_t) ncuts - 1);
	j = (int) below((uint64_t) ncuts - 1);
	buf_set(&a, b->data + cuts[i] + 1, cuts[i + 1] - cuts[i] - 1);
	switch (below(3))
	{
		case 0:
			/* swap segments i and j (i < j) */
			if (i == j)
				break;
			if (i > j)
			{
				int			t = i;

				i = j;
				j = t;
				buf_set(&a, b->data + cuts[i] + 1, cuts[i + 1] - cuts[i] - 1);
			}
			buf_set(&c, b->data + cuts[j] + 1, cuts[j + 1] - cuts[j] - 1);
			buf_erase(b, cuts[j] + 1, c.len);
			buf_insert(b, cuts[j] + 1, a.data, a.len);
			buf_erase(b, cuts[i] + 1, a.len);
			buf_insert(b, cuts[i] + 1, c.data, c.len);
			break;
		case 1:
			buf_insert(b, cuts[i + 1], ",", 1);
			buf_insert(b, cuts[i + 1] + 1, a.data, a.len);
			break;
		default:
			buf_erase(b, cuts[i] + 1, cuts[i + 1] - cuts[i]);
			break;
	}
	free(a.data);
	free(c.data);
}

/* Applies one text-aware mutation. */
static void
mutate_text(Buf *b)
{
	const char *tok;
	size_t		pos;

	switch (below(12))
	{
		case 0:
		case 1:
			mutate_bytes(b, true);
			break;
		case 2:
			tok = chance(50) ? PICK(dict_tokens) :
				chance(50) ? PICK(dict_times) : PICK(dict_values);
			buf_insert(b, (size_t) below(b->len + 1), tok, strlen(tok));
			break;
		case 3:
			pos = (size_t) below(b->len + 1);
			buf_erase(b, pos, (size_t) below(17));
			tok = PICK(dict_tokens);
			buf_insert(b, pos, tok, strlen(tok));
			break;
		case 4:
		case 5:
			replace_digits(b);
			break;
		case 6:
			replace_field(b, "{,", "#=,}", PICK(dict_times));
			break;
		case 7:
			replace_field(b, ">", ",}", PICK(dict_values));
			break;
		case 8:
			replace_field(b, "#", "=,}", PICK(dict_seqs));
			break;
		case 9:
		case 10:
			shuffle_points(b);
			break;
		default:
			/* flip the case of a letter run */
			pos = (size_t) below(b->len + 1);
			for (; pos < b->len && ((b->data[pos] | 0x20) >= 'a' && (b->data[pos] | 0x20) <= 'z'); pos++)
				b->data[pos] ^= 0x20;
			break;
	}
}

/* Sets out to a prefix of a joined to a suffix of b. */
static void
splice(Buf *out, const Buf *a, const Buf *b)
{
	size_t		cut_a = (size_t) below(a->len + 1);
	size_t		cut_b = (size_t) below(b->len + 1);

	buf_set(out, a->data, cut_a);
	buf_append(out, b->data + cut_b, b->len - cut_b);
}

/*
 * Makes text input valid UTF-8 most of the time (the server rejects other
 * text before timeline_in sees it) and drops NUL bytes, which a text
 * parameter cannot carry.
 */
static void
sanitize_text(Buf *b)
{
	bool		keep_invalid = chance(5);
	size_t		w = 0;

	for (size_t r = 0; r < b->len;)
	{
		unsigned char c = b->data[r];
		size_t		k = 0;

		if (c == 0)
		{
			r++;
			continue;
		}
		if (c < 0x80)
			k = 1;
		else if (c >= 0xc2 && c <= 0xdf)
			k = 2;
		else if (c >= 0xe1 && c <= 0xec)
			k = 3;
		else if (c >= 0xf1 && c <= 0xf3)
			k = 4;
		for (size_t i = 1; i < k; i++)
			if (r + i >= b->len || (b->data[r + i] & 0xc0) != 0x80)
				k = 0;
		if (k == 0 && !keep_invalid)
		{
			b->data[w++] = '?';
			r++;
			continue;
		}
		if (k == 0)
			k = 1;
		memmove(b->data + w, b->data + r, k);
		w += k;
		r += k;
	}
	b->len = w;
	b->data[w] = '\0';
}

/* ---- making inputs ---- */

/* Builds the next text input. */
static void
make_text(Buf *out, Model *m)
{
	int			rounds = 1 + (int) below(4);

	switch (below(20))
	{
		case 0:
		case 1:
		case 2:
		case 3:
		case 4:
		case 5:
		case 6:
			{
				const Buf  *src = corpus_pick(&text_corpus);

				buf_set(out, src->data, src->len);
			}
			for (int r = 0; r < rounds; r++)
				mutate_text(out);
			break;
		case 7:
		case 8:
		case 9:
		case 10:
		case 11:
		case 12:
		case 13:
		case 14:
			if (chance(50))
				model_decode(m, corpus_pick(&binary_corpus));
			else
				model_generate(m, random_npoints());
			if (chance(70))
				for (int r = (int) below(3); r >= 0; r--)
					model_mutate(m);
			render_text(m, out, chance(30));
			if (chance(20))
				mutate_text(out);
			break;
		case 15:
		case 16:
			splice(out, corpus_pick(&text_corpus), corpus_pick(&text_corpus));
			if (chance(50))
				mutate_text(out);
			break;
		case 17:
			buf_reset(out);
			if (chance(50))
			{
				size_t		k = (size_t) below(80);

				for (size_t i = 0; i < k; i++)
				{
					unsigned char c = random_text_byte();

					buf_append(out, &c, 1);
				}
			}
			else
				for (int r = (int) below(8); r >= 0; r--)
					buf_puts(out, chance(70) ? PICK(dict_tokens) : PICK(dict_times));
			break;
		case 18:
			/* short inputs: a kind, braces and nothing much */
			buf_reset(out);
			for (int r = (int) below(3); r > 0; r--)
				buf_puts(out, chance(50) ? PICK(kind_words) : PICK(dict_tokens));
			break;
		default:
			model_generate(m, 200 + (int) below(chance(90) ? 800 : 4000));
			if (chance(50))
				model_mutate(m);
			render_text(m, out, chance(20));
			break;
	}
	if (out->len > MAX_INPUT_LEN)
	{
		out->len = MAX_INPUT_LEN;
		out->data[out->len] = '\0';
	}
	sanitize_text(out);
}

/* Builds the next binary input. */
static void
make_binary(Buf *out, Model *m)
{
	int			rounds = 1 + (int) below(4);
	const Buf  *src;

	switch (below(20))
	{
		case 0:
		case 1:
		case 2:
		case 3:
		case 4:
		case 5:
		case 6:
			src = corpus_pick(&binary_corpus);
			buf_set(out, src->data, src->len);
			for (int r = 0; r < rounds; r++)
				mutate_bytes(out, false);
			break;
		case 7:
		case 8:
		case 9:
		case 10:
		case 11:
		case 12:
		case 13:
		case 14:
			if (chance(50))
				model_decode(m, corpus_pick(&binary_corpus));
			else
				model_generate(m, random_npoints());
			if (chance(80))
				for (int r = (int) below(3); r >= 0; r--)
					model_mutate(m);
			model_encode(m, out);
			if (chance(25))
				mutate_bytes(out, false);
			break;
		case 15:
		case 16:
			splice(out, corpus_pick(&binary_corpus), corpus_pick(&binary_corpus));
			if (chance(50))
				mutate_bytes(out, false);
			break;
		case 17:
			buf_reset(out);
			for (size_t k = (size_t) below(64); k > 0; k--)
				buf_put_be(out, rnd(), 1);
			break;
		case 18:
			/* empty, or a prefix of a header */
			src = corpus_pick(&binary_corpus);
			buf_set(out, src->data, (size_t) below(src->len < 24 ? src->len + 1 : 25));
			break;
		default:
			model_generate(m, 200 + (int) below(chance(90) ? 800 : 8000));
			if (chance(50))
				model_mutate(m);
			model_encode(m, out);
			break;
	}
	if (out->len > MAX_INPUT_LEN)
	{
		out->len = MAX_INPUT_LEN;
		out->data[out->len] = '\0';
	}
}

/* ---- talking to the server ---- */

/* Prints bytes as one line of hex. */
static void
print_hex(FILE *f, const Buf *b)
{
	for (size_t i = 0; i < b->len; i++)
		fprintf(f, "%02x", b->data[i]);
	fputc('\n', f);
}

/* Prints bytes as the body of a C string literal. */
static void
print_escaped(FILE *f, const Buf *b)
{
	for (size_t i = 0; i < b->len; i++)
	{
		unsigned char c = b->data[i];

		if (c == '\\' || c == '"')
			fprintf(f, "\\%c", c);
		else if (c >= 0x20 && c < 0x7f)
			fputc(c, f);
		else
			fprintf(f, "\\x%02x", c);
	}
}

/* Prints the summary line and ends the run. */
static void
finish(int failed)
{
	printf("fuzz: %ld passed, %d failed\n", n_passed, failed);
	fflush(stdout);
	if (conn)
		PQfinish(conn);
	exit(failed ? 1 : 0);
}

/* Reports a failing input with everything known about it, then exits 1. */
static void
fail(const char *why, bool binary, const Buf *in, const PGresult *res)
{
	fflush(stdout);
	fprintf(stderr, "fuzz: FAILURE at input %ld (%s, %zu bytes): %s\n",
			input_no, mode_name[binary], in->len, why);
	fprintf(stderr, "fuzz: session TimeZone %s, DateStyle %s\n",
			cur_timezone, cur_datestyle);
	fprintf(stderr, "fuzz: input hex: ");
	print_hex(stderr, in);
	fprintf(stderr, "fuzz: input escaped: \"");
	print_escaped(stderr, in);
	fprintf(stderr, "\"\n");
	if (res != NULL)
	{
		char	   *msg = PQresultVerboseErrorMessage(res, PQERRORS_VERBOSE,
													  PQSHOW_CONTEXT_ALWAYS);

		if (msg != NULL && *msg != '\0')
			fprintf(stderr, "fuzz: server said:\n%s", msg);
		PQfreemem(msg);
	}
	if (PQstatus(conn) != CONNECTION_OK)
		fprintf(stderr, "fuzz: connection lost: %s"
				"fuzz: the server log should say what happened to the backend\n",
				PQerrorMessage(conn));
	fprintf(stderr, "fuzz: replay: fuzz_io --replay %s '", mode_name[binary]);
	for (size_t i = 0; i < in->len; i++)
		fprintf(stderr, "%02x", in->data[i]);
	fprintf(stderr, "' '%s' '%s'\n", cur_timezone, cur_datestyle);
	finish(1);
}

/* Runs a command that must succeed (set-up; not an input). */
static void
exec_ok(const char *sql)
{
	PGresult   *res = PQexec(conn, sql);

	if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK)
	{
		fprintf(stderr, "fuzz: \"%s\" failed: %s", sql, PQerrorMessage(conn));
		PQclear(res);
		PQfinish(conn);
		exit(2);
	}
	PQclear(res);
}

/* Runs a command whose failure does not matter (e.g. needs superuser). */
static void
exec_try(const char *sql)
{
	PQclear(PQexec(conn, sql));
}

/* Sets the session's TimeZone and DateStyle. */
static void
set_session(const char *tz, const char *ds)
{
	char		sql[256];

	snprintf(sql, sizeof(sql), "SET TimeZone = '%s'", tz);
	exec_ok(sql);
	snprintf(sql, sizeof(sql), "SET DateStyle = '%s'", ds);
	exec_ok(sql);
	cur_timezone = tz;
	cur_datestyle = ds;
}

/* Connects, finds the timeline type and prepares the two queries. */
static void
connect_db(void)
{
	PGresult   *res;
	Oid			types[1];

	conn = PQconnectdb("application_name=timeline_fuzz");
	if (PQstatus(conn) != CONNECTION_OK)
	{
		fprintf(stderr, "fuzz: cannot connect: %s", PQerrorMessage(conn));
		exit(2);
	}
	exec_ok("SET client_min_messages = warning");
	exec_ok("SET statement_timeout = '20s'");
	/* 100,000 expected errors would flood the server log; crashes still show */
	exec_try("SET log_min_messages = fatal");
	exec_try("SET log_min_error_statement = panic");

	res = PQexec(conn, "SELECT 'timeline.timeline'::pg_catalog.regtype::pg_catalog.oid");
	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1)
	{
		fprintf(stderr, "fuzz: type timeline.timeline not found (CREATE EXTENSION timeline first): %s",
				PQerrorMessage(conn));
		exit(2);
	}
	timeline_oid = (unsigned int) strtoul(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);

	types[0] = (Oid) timeline_oid;
	res = PQprepare(conn, "tl_send", query_send, 1, types);
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
	{
		fprintf(stderr, "fuzz: cannot prepare: %s", PQerrorMessage(conn));
		exit(2);
	}
	PQclear(res);
	res = PQprepare(conn, "tl_roundtrip", query_roundtrip, 1, types);
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
	{
		fprintf(stderr, "fuzz: cannot prepare: %s", PQerrorMessage(conn));
		exit(2);
	}
	PQclear(res);
}

/* Returns whether a rejection's SQLSTATE means the server misbehaved. */
static bool
sqlstate_is_failure(const char *s)
{
	if (s == NULL || strlen(s) != 5)
		return true;			/* no SQLSTATE: the client made the error up */
	return strncmp(s, "XX", 2) == 0 ||	/* internal error, data corrupted */
		strncmp(s, "58", 2) == 0 || /* system error */
		strncmp(s, "53", 2) == 0 || /* out of memory on a small input */
		strcmp(s, "57014") == 0;	/* statement timeout: a hang */
}

/* Counts a rejection under its SQLSTATE. */
static void
count_state(const char *s, bool binary)
{
	int			i;

	for (i = 0; i < nstates; i++)
		if (strcmp(states[i].code, s) == 0)
			break;
	if (i == nstates)
	{
		if (nstates == MAX_STATES)
			i = MAX_STATES - 1; /* lump the rest together */
		else
		{
			snprintf(states[i].code, sizeof(states[i].code), "%s", s);
			nstates++;
		}
	}
	states[i].count[binary]++;
}

/* Returns whether column col of row 0 is a binary-format true. */
static bool
is_true(const PGresult *res, int col)
{
	return !PQgetisnull(res, 0, col) && PQgetlength(res, 0, col) == 1 &&
		PQgetvalue(res, 0, col)[0] == 1;
}

/* Reads a big-endian 64-bit integer. */
static uint64_t
get_be64(const unsigned char *p)
{
	uint64_t	v = 0;

	for (int i = 0; i < 8; i++)
		v = (v << 8) | p[i];
	return v;
}

/*
 * Orders two points of one time as the server orders points without seqs:
 * NULLs last, then by value in float8's total order (NaN above every
 * number, -0 equal to 0), then by bit pattern.
 */
static int
compare_ties(bool anull, uint64_t abits, bool bnull, uint64_t bbits)
{
	double		a,
				b;

	if (anull || bnull)
		return (int) anull - (int) bnull;
	memcpy(&a, &abits, sizeof(a));
	memcpy(&b, &bbits, sizeof(b));
	if (a != a || b != b)
	{
		if ((a != a) != (b != b))
			return (a != a) ? 1 : -1;
	}
	else if (a != b)
		return a < b ? -1 : 1;
	return abits < bbits ? -1 : (abits > bbits ? 1 : 0);
}

/*
 * Whether an accepted binary input gives no seqs and has points of one time
 * out of value order (so that recv reorders them).
 */
static bool
binary_ties_out_of_order(const Buf *in)
{
	size_t		pos = 8;
	bool		have_prev = false;
	uint64_t	prev_time = 0,
				prev_bits = 0;
	bool		prev_null = false;

	if (in->len < 8 || (in->data[3] & 0x02))	/* explicit seqs */
		return false;
	while (pos + 9 <= in->len)
	{
		uint64_t	t = get_be64(in->data + pos);
		bool		isnull = in->data[pos + 8] != 0;
		uint64_t	bits = 0;

		pos += 9;
		if (!isnull)
		{
			if (pos + 8 > in->len)
				break;
			bits = get_be64(in->data + pos);
			pos += 8;
		}
		if (have_prev && t == prev_time &&
			compare_ties(prev_null, prev_bits, isnull, bits) > 0)
			return true;
		have_prev = true;
		prev_time = t;
		prev_bits = bits;
		prev_null = isnull;
	}
	return false;
}

/*
 * Whether an accepted binary input is an empty timeline with the explicit
 * seqs flag, and sent is the same without it: an empty timeline has one
 * form (earlier builds wrote the flag on one made by ticks).
 */
static bool
binary_empty_with_seqs(const Buf *in, const Buf *sent)
{
	if (in->len != 8 || sent->len != 8 || !(in->data[3] & 0x02) ||
		buf_get_be(in, 4, 4) != 0)
		return false;
	return memcmp(in->data, sent->data, 3) == 0 &&
		sent->data[3] == (in->data[3] & ~0x02) &&
		memcmp(in->data + 4, sent->data + 4, 4) == 0;
}

/*
 * Checks an accepted input: sent is the server's binary form of it.  Adds
 * the input and the server's forms of it to the corpora.
 */
static void
check_roundtrip(bool binary, const Buf *in, const Buf *sent)
{
	const char *values[1];
	int			lengths[1];
	int			formats[1];
	PGresult   *res;

	if (binary && (sent->len != in->len || memcmp(sent->data, in->data, in->len) != 0) &&
		!(sent->len == in->len && binary_ties_out_of_order(in)) &&
		!binary_empty_with_seqs(in, sent))
	{
		fprintf(stderr, "fuzz: timeline_send gave: ");
		print_hex(stderr, sent);
		fail("accepted binary input differs from what timeline_send returns for it",
			 binary, in, NULL);
	}

	values[0] = (const char *) sent->data;
	lengths[0] = (int) sent->len;
	formats[0] = 1;
	res = PQexecPrepared(conn, "tl_roundtrip", 1, values, lengths, formats, 1);
	if (res == NULL || PQstatus(conn) != CONNECTION_OK)
		fail("lost the connection to the server in the round-trip check",
			 binary, in, res);
	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1 ||
		PQnfields(res) != 4)
		fail("round-trip query failed on an accepted input", binary, in, res);
	for (int c = 0; c < 2; c++)
		if (!is_true(res, c))
		{
			char		why[128];

			snprintf(why, sizeof(why), "round trip broken: %s is false",
					 roundtrip_check[c]);
			fprintf(stderr, "fuzz: out(t) = %.*s\n",
					PQgetlength(res, 0, 3), PQgetvalue(res, 0, 3));
			fail(why, binary, in, NULL);
		}
	if (PQgetlength(res, 0, 2) != (int) sent->len ||
		memcmp(PQgetvalue(res, 0, 2), sent->data, sent->len) != 0)
		fail("round trip broken: send(recv(send(t))) <> send(t)", binary, in, NULL);
	if (verbose)
		printf("out(t): %.*s\n", PQgetlength(res, 0, 3), PQgetvalue(res, 0, 3));

	if (chance(50))
	{
		corpus_add(binary ? &binary_corpus : &text_corpus, in->data, in->len);
		if (binary)
			corpus_add(&text_corpus, (const unsigned char *) PQgetvalue(res, 0, 3),
					   (size_t) PQgetlength(res, 0, 3));
		else
			corpus_add(&binary_corpus, sent->data, sent->len);
	}
	PQclear(res);
}

/*
 * Sends one input; returns true when it was accepted.  Exits through fail()
 * when the server misbehaves.
 */
static bool
run_one(bool binary, const Buf *in)
{
	const char *values[1];
	int			lengths[1];
	int			formats[1];
	PGresult   *res;
	ExecStatusType st;

	values[0] = (const char *) in->data;
	lengths[0] = (int) in->len;
	formats[0] = binary;
	n_sent[binary]++;
	res = PQexecPrepared(conn, "tl_send", 1, values, lengths, formats, 1);
	st = PQresultStatus(res);
	if (res == NULL || PQstatus(conn) != CONNECTION_OK)
		fail("lost the connection to the server", binary, in, res);
	if (st == PGRES_TUPLES_OK)
	{
		Buf			sent = {0};

		if (PQntuples(res) != 1 || PQgetisnull(res, 0, 0))
			fail("accepted input gave no binary form", binary, in, res);
		buf_set(&sent, PQgetvalue(res, 0, 0), (size_t) PQgetlength(res, 0, 0));
		PQclear(res);
		if (verbose)
		{
			printf("accepted; timeline_send: ");
			print_hex(stdout, &sent);
		}
		check_roundtrip(binary, in, &sent);
		free(sent.data);
		n_accepted[binary]++;
		return true;
	}
	if (st == PGRES_FATAL_ERROR)
	{
		const char *code = PQresultErrorField(res, PG_DIAG_SQLSTATE);

		if (sqlstate_is_failure(code))
			fail("server error of a failing class", binary, in, res);
		if (verbose)
			printf("rejected: %s", PQresultErrorMessage(res));
		count_state(code, binary);
		PQclear(res);
		return false;
	}
	fail("unexpected result status", binary, in, res);
	return false;
}

/* Adds the fixed and generated seeds, which must all be accepted. */
static void
build_corpus(void)
{
	Model		m = {0};
	Buf			in = {0};
	const char *values[1];
	int			lengths[1];
	int			formats[1] = {0};

	for (size_t i = 0; i < lengthof(fixed_texts) + 64; i++)
	{
		PGresult   *res;

		if (i < lengthof(fixed_texts))
			buf_set(&in, fixed_texts[i], strlen(fixed_texts[i]));
		else
		{
			model_generate(&m, random_npoints());
			model_encode(&m, &in);
			corpus_add(&binary_corpus, in.data, in.len);
			render_text(&m, &in, false);
		}
		values[0] = (const char *) in.data;
		lengths[0] = (int) in.len;
		res = PQexecPrepared(conn, "tl_send", 1, values, lengths, formats, 1);
		if (PQresultStatus(res) != PGRES_TUPLES_OK)
		{
			fprintf(stderr, "fuzz: seed rejected: %s\nfuzz: %s", (char *) in.data,
					PQerrorMessage(conn));
			if (PQstatus(conn) != CONNECTION_OK)
				finish(1);
			exit(2);
		}
		corpus_add(&text_corpus, in.data, in.len);
		corpus_add(&binary_corpus, (const unsigned char *) PQgetvalue(res, 0, 0),
				   (size_t) PQgetlength(res, 0, 0));
		PQclear(res);
	}
	/* hand-built binary forms: empty, all NULL, seqs at INT64 bounds */
	buf_reset(&in);
	buf_put_be(&in, 1, 2);
	buf_put_be(&in, 1, 2);
	buf_put_be(&in, 0, 4);
	corpus_add(&binary_corpus, in.data, in.len);
	buf_reset(&in);
	buf_put_be(&in, 1, 2);
	buf_put_be(&in, 3, 2);
	buf_put_be(&in, 2, 4);
	buf_put_be(&in, (uint64_t) TS_2024, 8);
	buf_put_be(&in, (uint64_t) INT64_MIN, 8);
	buf_put_be(&in, 1, 1);
	buf_put_be(&in, (uint64_t) TS_2024, 8);
	buf_put_be(&in, (uint64_t) INT64_MAX, 8);
	buf_put_be(&in, 0, 1);
	buf_put_be(&in, UINT64_C(0xfff8000000000001), 8);
	corpus_add(&binary_corpus, in.data, in.len);
	text_corpus.nfixed = text_corpus.n;
	binary_corpus.nfixed = binary_corpus.n;
	free(in.data);
	free(m.pts);
}

/* Decodes hex into a buffer; returns false on bad hex. */
static bool
from_hex(const char *hex, Buf *out)
{
	size_t		n = strlen(hex);

	buf_reset(out);
	if (n % 2 != 0)
		return false;
	for (size_t i = 0; i < n; i += 2)
	{
		unsigned int v;

		if (sscanf(hex + i, "%2x", &v) != 1)
			return false;
		buf_put_be(out, v, 1);
	}
	return true;
}

/* Sends one input given in hex and says what happened. */
static int
replay(int argc, char **argv)
{
	Buf			in = {0};
	bool		binary;

	if (argc < 4 || (strcmp(argv[2], "text") != 0 && strcmp(argv[2], "binary") != 0) ||
		!from_hex(argv[3], &in))
	{
		fprintf(stderr, "usage: fuzz_io --replay text|binary HEX [timezone [datestyle]]\n");
		return 2;
	}
	binary = strcmp(argv[2], "binary") == 0;
	connect_db();
	set_session(argc > 4 ? argv[4] : "UTC", argc > 5 ? argv[5] : "ISO, MDY");
	verbose = true;
	run_one(binary, &in);
	n_passed = 1;
	finish(0);
	return 0;
}

/* Runs the fuzz loop and prints the summary. */
int
main(int argc, char **argv)
{
	unsigned long seed = 1;
	long		count = 100000;
	Buf			in = {0};
	Model		m = {0};
	struct timespec t0,
				t1;
	double		secs;
	PGresult   *res;

	if (argc > 1 && strcmp(argv[1], "--replay") == 0)
		return replay(argc, argv);
	if (argc > 3 || (argc > 1 && argv[1][0] == '-'))
	{
		fprintf(stderr, "usage: fuzz_io [seed [count]]\n"
				"       fuzz_io --replay text|binary HEX [timezone [datestyle]]\n");
		return 2;
	}
	if (argc > 1)
		seed = strtoul(argv[1], NULL, 10);
	if (argc > 2)
		count = strtol(argv[2], NULL, 10);
	rng_state = seed;

	connect_db();
	set_session("UTC", "ISO, MDY");
	build_corpus();
	printf("fuzz: seed %lu, %ld inputs, server %s, timeline oid %u, %d+%d seeds\n",
		   seed, count, PQparameterStatus(conn, "server_version"), timeline_oid,
		   text_corpus.n, binary_corpus.n);
	fflush(stdout);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (input_no = 0; input_no < count; input_no++)
	{
		bool		binary = (input_no & 1) != 0;

		if (input_no % SETTINGS_EVERY == 0 && input_no > 0)
			set_session(PICK(timezones), PICK(datestyles));
		if (binary)
			make_binary(&in, &m);
		else
			make_text(&in, &m);
		run_one(binary, &in);
		n_passed++;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double) (t1.tv_sec - t0.tv_sec) + (double) (t1.tv_nsec - t0.tv_nsec) / 1e9;

	/* the server must still answer */
	res = PQexec(conn, "SELECT 1");
	if (PQresultStatus(res) != PGRES_TUPLES_OK || strcmp(PQgetvalue(res, 0, 0), "1") != 0)
	{
		fprintf(stderr, "fuzz: SELECT 1 failed after the run: %s", PQerrorMessage(conn));
		PQclear(res);
		finish(1);
	}
	PQclear(res);

	printf("fuzz: sent %ld text + %ld binary in %.1f s\n", n_sent[0], n_sent[1], secs);
	printf("fuzz: accepted %ld (text %ld, binary %ld), all round-tripped\n",
		   n_accepted[0] + n_accepted[1], n_accepted[0], n_accepted[1]);
	printf("fuzz: rejected by SQLSTATE (text, binary):\n");
	for (int i = 0; i < nstates; i++)
		printf("fuzz:   %s %8ld %8ld\n", states[i].code, states[i].count[0],
			   states[i].count[1]);
	printf("fuzz: SELECT 1 ok, server still up\n");
	free(in.data);
	free(m.pts);
	finish(0);
	return 0;
}
