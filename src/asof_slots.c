/*-------------------------------------------------------------------------
 *
 * asof_slots.c
 *	  The slot join of the merge as-of join (Custom Scan TimelineAsOf): the
 *	  outer rows in chunks of slots, the events taken into them or spilled
 *	  to a file per chunk, the answer of each row.
 *
 * The slot join (when the sweep is off or does not fit, and the key merge
 * would sort the events: no index gives them in (key, time) order):
 *	1. Sort the outer rows by (key, time) as for the key merge, and cut them
 *	   into chunks of whole keys that fit work_mem * hash_mem_multiplier.
 *	   Each row with a key and a time is a slot.
 *	2. Read the events once in the table's order (no sort): an event goes to
 *	   the first slot of its key at or after its time (after, for a strict
 *	   bound) and stays there if it is the slot's latest, ties by the
 *	   tie-breaks.  Events of the first chunk go straight into its slots,
 *	   the others into one temporary file per chunk, read back when their
 *	   chunk is loaded.
 *	3. A row's answer is the best event of the last non-empty slot of its
 *	   key at or before it (a key's slots hold increasing spans of time).
 * Each event costs a hash probe and a short binary search instead of its
 * share of a sort of every event; a sort of 10M events at a small work_mem
 * is an external merge of many runs, while the slot join writes and reads
 * the events of later chunks once.  See "The slot join" below.
 *
 * The node, the events query and its cursor, the outer rows' sort and the
 * memory rules of the three algorithms are in asof_exec.c; the state in
 * timeline.h.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/tuptable.h"
#include "miscadmin.h"
#include "storage/buffile.h"
#include "utils/datum.h"
#include "utils/memutils.h"
#include "utils/sortsupport.h"
#include "utils/tuplesort.h"

#include "timeline.h"

#define SLOTS_GROUP	16		/* events a slot search takes together */
#define SPILL_READ	65536	/* bytes of spilled events read at a time, at most */

/*
 * The slot join's table of the loaded chunk's keys (when the key type
 * hashes): a key's slots, found with one probe instead of a binary search
 * over the chunk's directory of keys.
 */
typedef struct SlotKeyEntry
{
	Datum		key;			/* points into the chunk's rows */
	uint32		hash;
	char		status;
	int			first;			/* its slots: first .. end - 1 */
	int			end;
} SlotKeyEntry;

#define SH_PREFIX slotkeys
#define SH_ELEMENT_TYPE SlotKeyEntry
#define SH_KEY_TYPE Datum
#define SH_KEY key
#define SH_HASH_KEY(tb, k) AsofKeyHash((AsofState *) (tb)->private_data, k)
#define SH_EQUAL(tb, a, b) AsofKeyEqual((AsofState *) (tb)->private_data, a, b)
#define SH_STORE_HASH
#define SH_GET_HASH(tb, a) ((a)->hash)
#define SH_SCOPE static inline
#define SH_DECLARE
#define SH_DEFINE
#include "lib/simplehash.h"

/*
 * The slot join.  The outer rows, sorted by (key, time), are cut into
 * chunks of whole keys that fit work_mem * hash_mem_multiplier (estimated
 * per row: the sorted tuple, its slot and a copy of an event).  Every row
 * with a key and a time is a slot.  The events are read once in the
 * table's order (no sort): an event belongs to the first slot of its key at
 * or after its time (after, for a strict bound), found through a hash table
 * of the chunk's keys (a binary search over them if the key type has no
 * hash function) and a binary search over the key's slots, and replaces that slot's best event if later, or
 * as late and first by the tie-breaks.  Events of the first chunk go
 * straight into its slots; those of the others are written to one
 * temporary file per chunk and read back when the chunk is loaded.  A
 * row's answer is then the best event of the last non-empty slot of its
 * key at or before it: the slots of a key hold disjoint, increasing spans
 * of time, so a later slot's best is later than any earlier slot's.  The
 * rows come out in (key, time) order, as from the key merge.  One key's
 * rows are never split, so a key with more rows than fit makes its chunk
 * larger than the limit.
 */

/* What a small allocation of size bytes takes from an AllocSet. */
static Size
ChunkSize(Size size)
{
	Size		p = 8;

	while (p < size)
		p <<= 1;
	return p + 16;
}

/*
 * A slot's best event: the latest event after the previous slot's time and
 * at or before its own (before, for a strict bound), ties by the
 * tie-breaks.  It is kept in place in the chunk's array of slots: ev_ncols
 * datums (by-reference ones copied), then their null flags, slot_stride
 * bytes a slot.  A slot is empty while the flag of its event's time is set
 * (an event in a slot has a time).
 */
static Size
SlotStride(AsofState *st)
{
	return MAXALIGN(st->ev_ncols * (sizeof(Datum) + sizeof(bool)));
}

/*
 * The memory a slot's copy of an event takes, estimated from the first
 * batch of events.
 */
static Size
SlotsEventSize(AsofState *st)
{
	Size		size = 0;

	if (st->ev_byval == NULL || st->batch_n == 0)
		return 128;
	for (int r = 0; r < st->batch_n; r++)
	{
		const Datum *vals = st->batch_vals + (Size) r * st->ev_ncols;
		const bool *nulls = st->batch_nulls + (Size) r * st->ev_ncols;

		for (int i = 0; i < st->ev_ncols; i++)
			if (!nulls[i] && !st->ev_byval[i])
				size += ChunkSize(datumGetSize(vals[i], false, st->ev_typlen[i]));
	}
	return SlotStride(st) + size / st->batch_n;
}

/*
 * At most this many chunks (temporary files, each with its buffer): more,
 * and the rows are cut again into chunks larger than the memory limit.
 */
#define SLOTS_MAX_CHUNKS 256

/* Ends the open chunk if the group of rows just read does not fit in it. */
static void
SlotsAddGroup(AsofState *st, Size limit, Size *chunk_bytes, int *cap,
			  bool group_null, Datum group_key, Size group_bytes, int64 group_rows)
{
	if (*chunk_bytes > 0 && *chunk_bytes + group_bytes > limit)
	{
		if (st->nchunks == *cap)
		{
			st->chunk_first = repalloc(st->chunk_first, sizeof(Datum) * *cap * 2);
			st->chunk_rows = repalloc(st->chunk_rows, sizeof(int64) * *cap * 2);
			memset(st->chunk_rows + *cap, 0, sizeof(int64) * *cap);
			*cap *= 2;
		}
		st->chunk_first[st->nchunks] = group_null ? (Datum) 0 :
			datumCopy(group_key, st->key_byval, st->key_typlen);
		if (!group_null)
			st->nkeychunks = st->nchunks + 1;
		st->nchunks++;
		*chunk_bytes = 0;
	}
	st->chunk_rows[st->nchunks - 1] += group_rows;
	*chunk_bytes += group_bytes;
}

/*
 * One reading of the sorted outer rows: cuts them into chunks of whole keys
 * (a key's rows, or one row without a key, make a group) of at most limit
 * bytes each, unless one group is larger; finds the latest time of a row
 * with a key; returns the rows' bytes.  Works in slots_cxt.
 */
static Size
SlotsCutChunks(AsofState *st, Size limit)
{
	TupleTableSlot *sslot = st->sort_slot;
	Size		ev_size = SlotsEventSize(st);
	Size		total = 0,
				chunk_bytes = 0,
				group_bytes = 0;
	int64		group_rows = 0,
				n = 0;
	int			cap = 16;
	bool		in_group = false,
				group_null = false;
	Datum		group_key = (Datum) 0;

	st->chunk_first = palloc(sizeof(Datum) * cap);
	st->chunk_rows = palloc0(sizeof(int64) * cap);
	st->nchunks = 1;
	st->nkeychunks = 1;
	st->have_max = false;
	while (tuplesort_gettupleslot(st->sort, true, false, sslot, NULL))
	{
		bool		should_free;
		MinimalTuple tup = ExecFetchSlotMinimalTuple(sslot, &should_free);
		Size		row = ChunkSize(tup->t_len) + sizeof(MinimalTuple) + 3 * sizeof(int) +
			2 * sizeof(Datum) + ev_size + (st->can_sweep ? 2 * sizeof(SlotKeyEntry) : 0);
		bool		key_null,
					time_null;
		Datum		key,
					time;

		slot_getsomeattrs(sslot, SORT_KEY + 1);
		key = sslot->tts_values[SORT_KEY];
		key_null = sslot->tts_isnull[SORT_KEY];
		time = sslot->tts_values[SORT_TIME];
		time_null = sslot->tts_isnull[SORT_TIME];
		if (!in_group || key_null || group_null ||
			ApplySortComparator(key, false, group_key, false, &st->key_ssup) != 0)
		{
			/* a new group: the one before goes into a chunk */
			if (in_group)
			{
				SlotsAddGroup(st, limit, &chunk_bytes, &cap, group_null, group_key,
							  group_bytes, group_rows);
				if (!group_null && !st->key_byval)
					pfree(DatumGetPointer(group_key));
			}
			group_null = key_null;
			group_key = key_null ? (Datum) 0 : datumCopy(key, st->key_byval, st->key_typlen);
			group_bytes = 0;
			group_rows = 0;
			in_group = true;
		}
		if (!key_null && !time_null &&
			(!st->have_max ||
			 ApplySortComparator(time, false, st->max_time, false, &st->time_ssup) > 0))
		{
			if (st->have_max && !st->time_byval)
				pfree(DatumGetPointer(st->max_time));
			st->max_time = datumCopy(time, st->time_byval, st->time_typlen);
			st->have_max = true;
		}
		group_bytes += row;
		group_rows++;
		total += row;
		if ((++n & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	if (in_group)
		SlotsAddGroup(st, limit, &chunk_bytes, &cap, group_null, group_key,
					  group_bytes, group_rows);
	return total;
}

/* An integer key (int2, int4, int8) as int64. */
static inline int64
SlotsKeyInt(AsofState *st, Datum key)
{
	switch (st->key_type)
	{
		case INT2OID:
			return DatumGetInt16(key);
		case INT4OID:
			return DatumGetInt32(key);
		default:
			return DatumGetInt64(key);
	}
}

/*
 * Keeps the chunks' first keys as int64 too when the key is an integer
 * passed by value: SlotsChunkOf then finds an event's chunk without a call
 * or a branch per step.
 */
static void
SlotsIntBounds(AsofState *st)
{
	st->chunk_first_int = NULL;
	if (!st->key_byval ||
		(st->key_type != INT2OID && st->key_type != INT4OID && st->key_type != INT8OID))
		return;
	st->chunk_first_int = palloc(sizeof(int64) * st->nchunks);
	for (int c = 1; c < st->nkeychunks; c++)
		st->chunk_first_int[c] = SlotsKeyInt(st, st->chunk_first[c]);
}

/*
 * Reads the sorted outer rows to cut them into chunks of whole keys that
 * fit work_mem * hash_mem_multiplier (again with larger chunks if that makes
 * more than SLOTS_MAX_CHUNKS), then rewinds them.
 */
static void
SlotsPlanChunks(AsofState *st)
{
	MemoryContext old = MemoryContextSwitchTo(st->slots_cxt);
	Size		limit = get_hash_memory_limit();
	Size		total;

	/* a loaded chunk's buffer for its spilled events comes out of its limit */
	st->read_base = Min((Size) SPILL_READ, Max(limit / 8, (Size) BLCKSZ));
	total = SlotsCutChunks(st, limit - st->read_base);

	if (st->nchunks > SLOTS_MAX_CHUNKS)
	{
		tuplesort_rescan(st->sort);
		MemoryContextReset(st->slots_cxt);
		/* two neighbouring chunks hold more than the limit: at most 256 */
		(void) SlotsCutChunks(st, total / (SLOTS_MAX_CHUNKS / 2) + 1);
	}
	st->chunks_total += st->nchunks;
	st->chunk_files = palloc0(sizeof(BufFile *) * st->nchunks);
	SlotsIntBounds(st);
	MemoryContextSwitchTo(old);
	tuplesort_rescan(st->sort);
}

/* The chunk an event's key belongs to (0 when there is one). */
static int
SlotsChunkOf(AsofState *st, Datum key)
{
	int			lo = 1,
				hi = st->nkeychunks;

	if (st->chunk_first_int != NULL && hi > 1)
	{
		/* how many first keys of chunks 1.. are at or before key */
		const int64 *first = st->chunk_first_int + 1;
		const int64 *base = first;
		int64		k = SlotsKeyInt(st, key);
		int			n = hi - 1;

		while (n > 1)
		{
			int			half = n / 2;

			base = base[half] <= k ? base + half : base;
			n -= half;
		}
		return (int) (base - first) + (*base <= k);
	}

	/* the last chunk whose first key is at or before key (none is NULL) */
	while (lo < hi)
	{
		int			mid = lo + (hi - lo) / 2;

		if (ApplySortComparator(st->chunk_first[mid], false, key, false, &st->key_ssup) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo - 1;
}

/*
 * Loads chunk st->chunk: its rows from the sort, copied, its slots (the rows
 * with a key and a time, in order, empty) and its table of keys.
 */
static void
SlotsLoadChunk(AsofState *st)
{
	int64		n = st->chunk_rows[st->chunk];
	TupleTableSlot *sslot = st->sort_slot;
	MemoryContext old;

	MemoryContextReset(st->chunk_cxt);
	old = MemoryContextSwitchTo(st->chunk_cxt);
	/* row numbers are ints; the arrays may pass 1GB (huge allocations) */
	if (n >= INT_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("TimelineAsOf: too many outer rows for one key")));
	st->chunk_n = (int) n;
	st->chunk_pos = 0;
	n = Max(n, 1);
	st->rows = MemoryContextAllocHuge(st->chunk_cxt, sizeof(MinimalTuple) * n);
	st->answer = MemoryContextAllocHuge(st->chunk_cxt, sizeof(int) * n);
	st->slot_stride = SlotStride(st);
	st->slot_best = MemoryContextAllocHuge(st->chunk_cxt, st->slot_stride * n);
	st->slot_row = MemoryContextAllocHuge(st->chunk_cxt, sizeof(int) * n);
	st->slot_time = MemoryContextAllocHuge(st->chunk_cxt, sizeof(Datum) * n);
	st->key = MemoryContextAllocHuge(st->chunk_cxt, sizeof(Datum) * n);
	st->key_slot = MemoryContextAllocHuge(st->chunk_cxt, sizeof(int) * (n + 1));
	st->nslots = st->nkeys = 0;
	for (int r = 0; r < st->chunk_n; r++)
	{
		if (!tuplesort_gettupleslot(st->sort, true, false, sslot, NULL))
			elog(ERROR, "TimelineAsOf: the sorted outer rows ended early");
		st->rows[r] = ExecCopySlotMinimalTuple(sslot);
		st->answer[r] = -1;
		/* read the copy, so that by-reference keys point into it */
		ExecStoreMinimalTuple(st->rows[r], sslot, false);
		slot_getsomeattrs(sslot, SORT_KEY + 1);
		if (!sslot->tts_isnull[SORT_KEY] && !sslot->tts_isnull[SORT_TIME])
		{
			Datum		key = sslot->tts_values[SORT_KEY];
			Datum	   *vals = SlotVals(st, st->nslots);

			if (st->nkeys == 0 ||
				ApplySortComparator(key, false, st->key[st->nkeys - 1], false, &st->key_ssup) != 0)
			{
				st->key[st->nkeys] = key;
				st->key_slot[st->nkeys++] = st->nslots;
			}
			st->slot_time[st->nslots] = sslot->tts_values[SORT_TIME];
			SlotNulls(st, vals)[EV_TIME - 1] = true;	/* empty */
			st->slot_row[st->nslots] = r;
			st->nslots++;
		}
		if ((r & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	st->key_slot[st->nkeys] = st->nslots;
	st->slot_keys = NULL;
	if (st->can_sweep)
	{
		st->slot_keys = slotkeys_create(st->chunk_cxt, Max(st->nkeys, 16), st);
		for (int k = 0; k < st->nkeys; k++)
		{
			bool		found;
			SlotKeyEntry *e = slotkeys_insert(st->slot_keys, st->key[k], &found);

			e->first = st->key_slot[k];
			e->end = st->key_slot[k + 1];
		}
	}
	st->group_vals = palloc(sizeof(Datum) * st->ev_ncols * SLOTS_GROUP);
	st->group_nulls = palloc(sizeof(bool) * st->ev_ncols * SLOTS_GROUP);
	ExecClearTuple(sslot);
	MemoryContextSwitchTo(old);
}

/* Compares two times (int64 datums directly, as their comparator would). */
static inline int
SlotTimeCmp(AsofState *st, Datum a, Datum b)
{
	if (st->time_int64)
	{
		int64		x = DatumGetInt64(a),
					y = DatumGetInt64(b);

		return (x > y) - (x < y);
	}
	return ApplySortComparator(a, false, b, false, &st->time_ssup);
}

/*
 * The slot among first .. end - 1 (one key's) that an event of time et
 * falls into: the first at or after it (after, for a strict bound); -1 if
 * none.
 */
static inline int
SlotsSearch(AsofState *st, int first, int end, Datum et)
{
	int			lo = first,
				hi = end;

	if (st->time_int64 && end > first)
	{
		/*
		 * int64 times: count the slots before the event's (times before it,
		 * or at it for a strict bound), the times compared inline.  The
		 * compiler keeps a branch per step here; a form without one (a
		 * loop per bound, arithmetic steps) measured 4% slower over the
		 * benchmark's 10M events: the slot times miss the cache, and a
		 * predicted branch starts the next load before the last arrives
		 */
		const Datum *base = st->slot_time + first;
		int64		t = DatumGetInt64(et);
		bool		strict = st->upper_strict;
		int			n = end - first;

		while (n > 1)
		{
			int			half = n / 2;
			int64		x = DatumGetInt64(base[half]);

			base = (x < t || (strict && x == t)) ? base + half : base;
			n -= half;
		}
		lo = (int) (base - st->slot_time) +
			(DatumGetInt64(*base) < t || (strict && DatumGetInt64(*base) == t));
		return lo < end ? lo : -1;
	}
	while (lo < hi)
	{
		int			mid = lo + (hi - lo) / 2;
		int			c = SlotTimeCmp(st, st->slot_time[mid], et);

		if (st->upper_strict ? c > 0 : c >= 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo < end ? lo : -1;
}

/* The slot of the loaded chunk an event falls into, by its key's place in
 * the chunk's directory of keys (key types that do not hash); -1 if none. */
static int
SlotsFindOrdered(AsofState *st, Datum ek, Datum et)
{
	int			lo = 0,
				hi = st->nkeys;

	while (lo < hi)
	{
		int			mid = lo + (hi - lo) / 2;

		if (ApplySortComparator(st->key[mid], false, ek, false, &st->key_ssup) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == st->nkeys ||
		ApplySortComparator(st->key[lo], false, ek, false, &st->key_ssup) != 0)
		return -1;
	return SlotsSearch(st, st->key_slot[lo], st->key_slot[lo + 1], et);
}

/* Takes one event into slot s if it is later than the slot's best, or as
 * late and first by the tie-breaks. */
static inline void
SlotsTake(AsofState *st, int s, const Datum *vals, const bool *nulls)
{
	Datum	   *bv = SlotVals(st, s);
	bool	   *bn = SlotNulls(st, bv);
	bool		full = !bn[EV_TIME - 1];

	if (full)
	{
		int			d = SlotTimeCmp(st, vals[EV_TIME - 1], bv[EV_TIME - 1]);

		if (d < 0 || (d == 0 && !TiebreakBefore(st, vals, nulls, bv, bn)))
			return;
	}
	EventKeep(st, st->chunk_cxt, vals, nulls, bv, bn, full);
}

/*
 * Takes n events (at most SLOTS_GROUP) into their slots of the loaded chunk.
 * Each event's search reads three places the chunk's other events do not
 * share (its key's entry, its key's slot times, its slot), each a likely
 * cache miss in a chunk of megabytes; with a table of keys the group goes
 * through each step together, prefetching what the next step reads, so
 * the misses of the group overlap instead of following one another.  The
 * events are taken in their order, so two of one slot compare as they
 * would one by one.
 */
static void
SlotsAbsorb(AsofState *st, Datum *const *vals, bool *const *nulls, int n)
{
	uint32		hash[SLOTS_GROUP];
	SlotKeyEntry *ent[SLOTS_GROUP];
	int			slot[SLOTS_GROUP];

	Assert(n <= SLOTS_GROUP);
	if (st->slot_keys == NULL)
	{
		for (int i = 0; i < n; i++)
		{
			int			s = SlotsFindOrdered(st, vals[i][EV_KEY - 1], vals[i][EV_TIME - 1]);

			if (s >= 0)
				SlotsTake(st, s, vals[i], nulls[i]);
		}
		return;
	}
	for (int i = 0; i < n; i++)
	{
		hash[i] = AsofKeyHash(st, vals[i][EV_KEY - 1]);
		__builtin_prefetch(&st->slot_keys->data[hash[i] & st->slot_keys->sizemask]);
	}
	for (int i = 0; i < n; i++)
	{
		ent[i] = slotkeys_lookup_hash(st->slot_keys, vals[i][EV_KEY - 1], hash[i]);
		if (ent[i] != NULL)
		{
			__builtin_prefetch(&st->slot_time[ent[i]->first]);
			__builtin_prefetch(&st->slot_time[ent[i]->end - 1]);
		}
	}
	for (int i = 0; i < n; i++)
	{
		slot[i] = ent[i] == NULL ? -1 :
			SlotsSearch(st, ent[i]->first, ent[i]->end, vals[i][EV_TIME - 1]);
		if (slot[i] >= 0)
			__builtin_prefetch(SlotVals(st, slot[i]));
	}
	for (int i = 0; i < n; i++)
		if (slot[i] >= 0)
			SlotsTake(st, slot[i], vals[i], nulls[i]);
}

/*
 * Writes an event to its chunk's file with one write: its null flags, then
 * each column that is not null: a value passed by value in its typlen
 * bytes, another of fixed length in its typlen bytes, any other its length
 * (uint32) and bytes.
 */
static void
SlotsSpill(AsofState *st, int chunk, const Datum *vals, const bool *nulls)
{
	BufFile    *f = st->chunk_files[chunk];
	Size		size = st->ev_ncols;
	char	   *p;

	if (f == NULL)
	{
		MemoryContext old = MemoryContextSwitchTo(st->slots_cxt);

		f = st->chunk_files[chunk] = BufFileCreateTemp(false);
		MemoryContextSwitchTo(old);
	}
	for (int i = 0; i < st->ev_ncols; i++)
		if (!nulls[i])
			size += st->ev_typlen[i] > 0 ? (Size) st->ev_typlen[i] :
				sizeof(uint32) + datumGetSize(vals[i], false, st->ev_typlen[i]);
	if (size > st->spill_cap)
	{
		st->spill_cap = Max(size, 2 * st->spill_cap);
		st->spill_buf = repalloc_huge(st->spill_buf, st->spill_cap);
	}
	p = st->spill_buf;
	memcpy(p, nulls, st->ev_ncols);
	p += st->ev_ncols;
	for (int i = 0; i < st->ev_ncols; i++)
	{
		int16		len = st->ev_typlen[i];

		if (nulls[i])
			continue;
		if (st->ev_byval[i])
		{
			if (len == 1)
				*p = DatumGetChar(vals[i]);
			else if (len == 2)
			{
				int16		v = DatumGetInt16(vals[i]);

				memcpy(p, &v, 2);
			}
			else if (len == 4)
			{
				int32		v = DatumGetInt32(vals[i]);

				memcpy(p, &v, 4);
			}
			else
				memcpy(p, &vals[i], sizeof(Datum));
			p += len;
		}
		else if (len > 0)
		{
			memcpy(p, DatumGetPointer(vals[i]), len);
			p += len;
		}
		else
		{
			uint32		vlen = (uint32) datumGetSize(vals[i], false, len);

			memcpy(p, &vlen, sizeof(vlen));
			memcpy(p + sizeof(vlen), DatumGetPointer(vals[i]), vlen);
			p += sizeof(vlen) + vlen;
		}
	}
	Assert(p == st->spill_buf + size);
	BufFileWrite(f, st->spill_buf, size);
	st->events_spilled++;
	/* a buffer grown for a large event does not stay large */
	if (st->spill_cap > SPILL_READ)
	{
		pfree(st->spill_buf);
		st->spill_cap = 1024;
		st->spill_buf = MemoryContextAlloc(st->slots_cxt, st->spill_cap);
	}
}

/*
 * Makes at least size bytes of a chunk's file readable at spill_read +
 * read_pos, reading read_base bytes (or size, if more) at a time; false
 * if the file ends first.
 */
static bool
SlotsFill(AsofState *st, BufFile *f, Size size)
{
	Size		left = st->read_len - st->read_pos;

	if (left >= size)
		return true;
	if (st->read_cap > st->read_base && Max(size, left) <= st->read_base)
	{
		/* grown for a large event that is read now: back to its size */
		char	   *buf = MemoryContextAlloc(st->chunk_cxt, st->read_base);

		memcpy(buf, st->spill_read + st->read_pos, left);
		pfree(st->spill_read);
		st->spill_read = buf;
		st->read_cap = st->read_base;
	}
	else
		memmove(st->spill_read, st->spill_read + st->read_pos, left);
	st->read_len = left;
	st->read_pos = 0;
	if (size > st->read_cap)
	{
		st->read_cap = Max(size, 2 * st->read_cap);
		st->spill_read = repalloc_huge(st->spill_read, st->read_cap);
	}
	while (st->read_len < size)
	{
		size_t		got = BufFileRead(f, st->spill_read + st->read_len,
									  st->read_cap - st->read_len);

		if (got == 0)
			return false;
		st->read_len += got;
	}
	return true;
}

static void
SlotsReadFailed(void)
{
	ereport(ERROR,
			(errcode_for_file_access(),
			 errmsg("TimelineAsOf: could not read a temporary file of events")));
}

/*
 * Reads the next event of a chunk's file into vals and nulls (by-reference
 * values allocated in batch_cxt); false at the end of the file.
 */
static bool
SlotsUnspill(AsofState *st, BufFile *f, Datum *vals, bool *nulls)
{
	const char *p;

	if (!SlotsFill(st, f, st->ev_ncols))
	{
		if (st->read_len > st->read_pos)
			SlotsReadFailed();
		return false;
	}
	memcpy(nulls, st->spill_read + st->read_pos, st->ev_ncols);
	st->read_pos += st->ev_ncols;
	for (int i = 0; i < st->ev_ncols; i++)
	{
		int16		len = st->ev_typlen[i];

		vals[i] = (Datum) 0;
		if (nulls[i])
			continue;
		if (len > 0)
		{
			if (!SlotsFill(st, f, len))
				SlotsReadFailed();
			p = st->spill_read + st->read_pos;
			st->read_pos += len;
			if (!st->ev_byval[i])
			{
				char	   *v = MemoryContextAlloc(st->batch_cxt, len);

				memcpy(v, p, len);
				vals[i] = PointerGetDatum(v);
			}
			else if (len == 1)
				vals[i] = CharGetDatum(*p);
			else if (len == 2)
			{
				int16		v;

				memcpy(&v, p, 2);
				vals[i] = Int16GetDatum(v);
			}
			else if (len == 4)
			{
				int32		v;

				memcpy(&v, p, 4);
				vals[i] = Int32GetDatum(v);
			}
			else
				memcpy(&vals[i], p, sizeof(Datum));
		}
		else
		{
			uint32		vlen;
			char	   *v;

			if (!SlotsFill(st, f, sizeof(vlen)))
				SlotsReadFailed();
			memcpy(&vlen, st->spill_read + st->read_pos, sizeof(vlen));
			st->read_pos += sizeof(vlen);
			if (!SlotsFill(st, f, vlen))
				SlotsReadFailed();
			v = MemoryContextAlloc(st->batch_cxt, vlen);
			memcpy(v, st->spill_read + st->read_pos, vlen);
			st->read_pos += vlen;
			vals[i] = PointerGetDatum(v);
		}
	}
	return true;
}

/*
 * Gives every row of the loaded chunk its answer: the last non-empty slot
 * of its key at or before it (the lower bound is checked when the row is
 * returned).
 */
static void
SlotsAnswer(AsofState *st)
{
	Size		mem;

	for (int k = 0; k < st->nkeys; k++)
	{
		int			run = -1;

		for (int i = st->key_slot[k]; i < st->key_slot[k + 1]; i++)
		{
			if (!SlotNulls(st, SlotVals(st, i))[EV_TIME - 1])
				run = i;
			st->answer[st->slot_row[i]] = run;
		}
	}
	mem = MemoryContextMemAllocated(st->chunk_cxt, true);
	st->peak_chunk = Max(st->peak_chunk, mem);
}

/*
 * Starts the slot join once the outer rows are sorted: cuts them into
 * chunks, loads the first, reads every event (into the first chunk's slots
 * or its chunk's file) and answers the first chunk.
 */
void
SlotsStart(AsofState *st)
{
	int			guc_level = EventsCursorBegin();
	int64		n = 0;
	Datum	   *gv[SLOTS_GROUP];
	bool	   *gn[SLOTS_GROUP];
	int			ng = 0;

	AsofSettingOff("enable_indexscan");
	(void) EventsCursor(st, false, false);
	EventsCursorEnd(st, guc_level, false);
	/* the first batch tells the events' columns and sizes */
	(void) EventsEnsure(st);
	SlotsPlanChunks(st);
	st->spill_cap = 1024;
	st->spill_buf = MemoryContextAlloc(st->slots_cxt, st->spill_cap);
	st->chunk = 0;
	SlotsLoadChunk(st);
	for (;;)
	{
		Datum	   *vals;
		bool	   *nulls;
		int			d,
					c;

		/* the batch's rows are gone once the next one is fetched */
		if (ng > 0 && st->batch_pos >= st->batch_n)
		{
			SlotsAbsorb(st, gv, gn, ng);
			ng = 0;
		}
		/* no outer row with a key and a time: no event is needed */
		if (!st->have_max || !EventsEnsure(st))
			break;
		vals = st->batch_vals + (Size) st->batch_pos * st->ev_ncols;
		nulls = st->batch_nulls + (Size) st->batch_pos * st->ev_ncols;
		st->batch_pos++;
		if ((++n & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
		/* later than every outer row: no slot */
		d = SlotTimeCmp(st, vals[EV_TIME - 1], st->max_time);
		if (st->upper_strict ? d >= 0 : d > 0)
			continue;
		c = SlotsChunkOf(st, vals[EV_KEY - 1]);
		if (c == 0)
		{
			gv[ng] = vals;
			gn[ng] = nulls;
			if (++ng == SLOTS_GROUP)
			{
				SlotsAbsorb(st, gv, gn, ng);
				ng = 0;
			}
		}
		else
			SlotsSpill(st, c, vals, nulls);
	}
	AsofCloseCursor(st);
	MemoryContextReset(st->batch_cxt);
	st->batch_n = st->batch_pos = 0;
	SlotsAnswer(st);
}

/*
 * Loads the next chunk and takes in its spilled events; false when no
 * chunk is left.
 */
static bool
SlotsNextChunk(AsofState *st)
{
	BufFile    *f;
	int64		n = 0;

	if (st->chunk + 1 >= st->nchunks)
		return false;
	st->chunk++;
	SlotsLoadChunk(st);
	f = st->chunk_files[st->chunk];
	if (f != NULL)
	{
		Datum	   *gv[SLOTS_GROUP];
		bool	   *gn[SLOTS_GROUP];
		bool		more = true;

		for (int i = 0; i < SLOTS_GROUP; i++)
		{
			gv[i] = st->group_vals + i * st->ev_ncols;
			gn[i] = st->group_nulls + i * st->ev_ncols;
		}
		if (BufFileSeek(f, 0, 0, SEEK_SET) != 0)
			ereport(ERROR,
					(errcode_for_file_access(),
					 errmsg("TimelineAsOf: could not rewind a temporary file of events")));
		st->read_cap = st->read_base;
		st->spill_read = MemoryContextAlloc(st->chunk_cxt, st->read_cap);
		st->read_len = st->read_pos = 0;
		while (more)
		{
			int			ng = 0;

			while (ng < SLOTS_GROUP && (more = SlotsUnspill(st, f, gv[ng], gn[ng])))
				ng++;
			SlotsAbsorb(st, gv, gn, ng);
			n += ng;
			if ((n & 1023) == 0)
			{
				MemoryContextReset(st->batch_cxt);
				CHECK_FOR_INTERRUPTS();
			}
		}
		MemoryContextReset(st->batch_cxt);
		BufFileClose(f);
		st->chunk_files[st->chunk] = NULL;
	}
	SlotsAnswer(st);
	return true;
}

/*
 * The slot join's next row, in the sort slot, and the slot whose event
 * answers it (-1 if none; the lower bound not checked yet).  False at the
 * end.
 */
bool
SlotsNextRow(AsofState *st, int *answer)
{
	while (st->chunk_pos >= st->chunk_n)
		if (!SlotsNextChunk(st))
			return false;
	*answer = st->answer[st->chunk_pos];
	ExecStoreMinimalTuple(st->rows[st->chunk_pos], st->sort_slot, false);
	st->chunk_pos++;
	return true;
}
