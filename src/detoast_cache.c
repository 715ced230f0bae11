/*-------------------------------------------------------------------------
 *
 * detoast_cache.c
 *	  Reuse of detoasted timeline arguments within one query.
 *
 * A point-in-time join calls value_at(f.tl, s.time) once per spine row, and
 * the same stored timeline arrives again and again, each time as the same
 * on-disk TOAST pointer.  Detoasting it on every call would copy the whole
 * timeline per probe.  Instead the calls of one query share a cache of
 * detoasted values keyed by the TOAST pointer's identity (toast relation,
 * value OID), evicted least-recently-used once the cached bytes exceed
 * work_mem * hash_mem_multiplier (the budget of PostgreSQL's hash tables:
 * this is one, and the hash join that usually feeds it hands over its
 * probes one batch at a time, whose timelines then fit; with work_mem
 * alone they thrashed at the default settings).  The cache belongs to the
 * memory context the executor gives every function of the query
 * (fn_mcxt): the first call site to need one
 * creates it there, later call sites of the same query find it through a
 * static pointer that a reset callback clears when that context goes away,
 * and each call site remembers it in fn_extra.  So value_at(tl, t) and
 * count(value_at(tl, t)), or several features read from one timeline,
 * detoast it once between them.
 *
 * The two most recently returned values are never evicted, whatever their
 * size: a function reads at most two timeline arguments, fetched one after
 * the other in one call, and the first must survive the second's fetch.
 *
 * Streaming: a query that reads each timeline once (a window over a table
 * of timelines) gains nothing from the budget and pays for it, every new
 * value landing in fresh memory while old ones wait to be evicted.  So when
 * none of the first DETOAST_STREAMING_AFTER values fetched has come back
 * (other than as one of the two in use), the cache keeps only those two.
 * The values it lets go leave their keys behind (ghosts, without the
 * value); the first ghost found again ends streaming for the query.
 *
 * Correctness: a TOAST value is immutable and its value OID is not reused
 * while a snapshot can still see it, so within one query a pointer identity
 * always names the same bytes.  The cache lives in fn_mcxt, which the
 * executor frees with the query.
 *
 * Values that are not on-disk TOAST pointers (inline, or in memory) are
 * detoasted the usual way; with the type's STORAGE external they are never
 * compressed, so that costs at most a copy of a short value.
 *
 * Fences: beside a large timeline that the query keeps searching, the cache
 * also keeps the fence its searches go through (TimelineCachedFence, below;
 * timeline.h), made once and evicted with the timeline.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/detoast.h"
#include "lib/ilist.h"
#include "miscadmin.h"
#include "utils/hsearch.h"
#include "utils/memutils.h"

#include "timeline.h"

/* streaming (see above): after how many values, and how many ghosts at most */
#define DETOAST_STREAMING_AFTER 256
#define DETOAST_GHOSTS			65536

/*
 * fences (TimelineCachedFence): for timelines of at least so many points,
 * searched at least FENCE_MIN_SEARCHES times and one in FENCE_SEARCHES_PER
 * of their points
 */
#define FENCE_MIN_POINTS		512
#define FENCE_MIN_SEARCHES		4
#define FENCE_SEARCHES_PER		1024

typedef struct DetoastKey
{
	Oid			toastrelid;
	Oid			valueid;
} DetoastKey;

typedef struct DetoastEntry
{
	DetoastKey	key;			/* hash key, must be first */
	Timeline   *value;
	Size		size;			/* of the value and its fence */
	int64		searches;		/* told to TimelineCachedFence */
	TimelineFence *fence;		/* TimelineCachedFence's, or NULL */
	dlist_node	lru;			/* head = most recently used */
} DetoastEntry;

typedef struct DetoastCache
{
	MemoryContext cxt;
	HTAB	   *entries;
	dlist_head	lru;
	Size		bytes;
	/* streaming: values never come back, keep only the two in use */
	bool		streaming;
	bool		reused;			/* a value came back after the two in use */
	int64		fetched;		/* values detoasted */
	int64		ghosts;			/* entries of values evicted while streaming */
	DetoastEntry *last;			/* fast path: same pointer as last call */
	DetoastEntry *before_last;	/* the value returned before it */
	MemoryContext owner;		/* the fn_mcxt it was made in */
	MemoryContextCallback forget;	/* clears shared_cache when owner goes */
} DetoastCache;

/* The cache of the query running now, found by its owner context. */
static DetoastCache *shared_cache = NULL;

/* Drops the static pointer to a cache whose memory is being freed. */
static void
DetoastCacheForget(void *arg)
{
	if (shared_cache == (DetoastCache *) arg)
		shared_cache = NULL;
}

/*
 * Returns the cache of a call site: the one it found before, the query's
 * shared cache when that lives in the same context, or a new one there.
 */
static pg_noinline DetoastCache *
DetoastCacheFor(FmgrInfo *flinfo)
{
	DetoastCache *cache = (DetoastCache *) flinfo->fn_extra;
	HASHCTL		ctl;

	if (cache != NULL)
		return cache;
	if (shared_cache != NULL && shared_cache->owner == flinfo->fn_mcxt)
	{
		flinfo->fn_extra = shared_cache;
		return shared_cache;
	}
	cache = MemoryContextAllocZero(flinfo->fn_mcxt, sizeof(DetoastCache));
	cache->owner = flinfo->fn_mcxt;
	cache->cxt = AllocSetContextCreate(flinfo->fn_mcxt, "timeline detoast cache",
									   ALLOCSET_DEFAULT_SIZES);
	ctl.keysize = sizeof(DetoastKey);
	ctl.entrysize = sizeof(DetoastEntry);
	ctl.hcxt = cache->cxt;
	cache->entries = hash_create("timeline detoast cache", 64, &ctl,
								 HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	dlist_init(&cache->lru);
	cache->forget.func = DetoastCacheForget;
	cache->forget.arg = cache;
	MemoryContextRegisterResetCallback(flinfo->fn_mcxt, &cache->forget);
	shared_cache = cache;
	flinfo->fn_extra = cache;
	return cache;
}

/*
 * Evicts least recently used values until the cache fits its budget.  While
 * streaming, an evicted value leaves its entry behind without the value (a
 * ghost, up to DETOAST_GHOSTS of them), so a value that comes back is seen.
 */
static void
DetoastCacheShrink(DetoastCache *cache, Size budget)
{
	while (cache->bytes > budget && !dlist_is_empty(&cache->lru))
	{
		/* cppcheck-suppress nullPointer ; dlist_tail_element uses offsetof */
		DetoastEntry *victim = dlist_tail_element(DetoastEntry, lru, &cache->lru);

		if (victim == cache->last || victim == cache->before_last)
			break;				/* never evict the values in use */
		dlist_delete(&victim->lru);
		cache->bytes -= victim->size;
		pfree(victim->value);
		if (victim->fence != NULL)
			pfree(victim->fence);
		if (cache->streaming && cache->ghosts < DETOAST_GHOSTS)
		{
			victim->value = NULL;
			victim->fence = NULL;
			victim->size = 0;
			cache->ghosts++;
		}
		else
			hash_search(cache->entries, &victim->key, HASH_REMOVE, NULL);
	}
}

/*
 * Returns argument argno of the current call as a detoasted timeline, from
 * the call site's cache when it is an on-disk TOAST pointer.  The caller must
 * not free the result.
 */
Timeline *
TimelineGetArgCached(FunctionCallInfo fcinfo, int argno)
{
	struct varlena *raw = (struct varlena *) PG_GETARG_POINTER(argno);
	DetoastCache *cache;
	struct varatt_external ptr;
	DetoastKey	key;
	DetoastEntry *entry;
	bool		found;

	/* (a direct call, without flinfo, has no cache either) */
	if (!VARATT_IS_EXTERNAL_ONDISK(raw) || fcinfo->flinfo == NULL)
		return (Timeline *) PG_DETOAST_DATUM(PG_GETARG_DATUM(argno));

	VARATT_EXTERNAL_GET_POINTER(ptr, raw);
	cache = DetoastCacheFor(fcinfo->flinfo);
	if (cache->last != NULL &&
		cache->last->key.valueid == ptr.va_valueid &&
		cache->last->key.toastrelid == ptr.va_toastrelid)
		return cache->last->value;

	memset(&key, 0, sizeof(key));
	key.toastrelid = ptr.va_toastrelid;
	key.valueid = ptr.va_valueid;
	entry = hash_search(cache->entries, &key, HASH_ENTER, &found);
	if (found && entry->value != NULL)
	{
		if (entry != cache->before_last)
			cache->reused = true;
		dlist_delete(&entry->lru);
	}
	else
	{
		MemoryContext old;

		if (found)
		{
			/* a ghost: a value came back after its eviction */
			cache->reused = true;
			cache->streaming = false;
			cache->ghosts--;
		}
		entry->searches = 0;
		entry->fence = NULL;
		old = MemoryContextSwitchTo(cache->cxt);

		PG_TRY();
		{
			entry->value = (Timeline *) detoast_attr(raw);
		}
		PG_CATCH();
		{
			hash_search(cache->entries, &key, HASH_REMOVE, NULL);
			PG_RE_THROW();
		}
		PG_END_TRY();
		MemoryContextSwitchTo(old);
		/*
		 * the memory it takes, not its length: a chunk of up to 8kB is
		 * rounded up to a power of 2, so counting lengths let the values
		 * of 2kB to 8kB (those just out of line) take up to twice the
		 * budget (tuplesort counts the same way)
		 */
		entry->size = GetMemoryChunkSpace(entry->value);
		cache->bytes += entry->size;
		if (++cache->fetched == DETOAST_STREAMING_AFTER && !cache->reused)
			cache->streaming = true;
	}
	dlist_push_head(&cache->lru, &entry->lru);
	cache->before_last = cache->last;
	cache->last = entry;
	DetoastCacheShrink(cache, cache->streaming ? 0 : get_hash_memory_limit());
	return entry->value;
}

/*
 * The fence (timeline.h) of a timeline that TimelineGetArgCached has just
 * returned to this call site from its cache, for the caller's next searches
 * of it (TimelineAsOfIndexFenced); NULL for any other timeline (inline, in
 * memory, or not the last value returned) and for a short one.  It is made
 * once the timeline has been searched, these searches included, at least
 * FENCE_MIN_SEARCHES times and once per FENCE_SEARCHES_PER of its points:
 * making it reads one line in eight of the times (n / 64 lines, in order),
 * about as many as n / 1024 binary searches wait for one after the other
 * (a dozen or more lines each in a large timeline): a query that searches
 * a large timeline a few times never pays for a fence, and one that makes
 * it has spent about as long on the searches before it.  Counted in the
 * cache's budget with its value, and evicted with it.
 */
const TimelineFence *
TimelineCachedFence(FunctionCallInfo fcinfo, const Timeline *tl, int64 searches)
{
	DetoastCache *cache;
	DetoastEntry *entry;

	if (fcinfo->flinfo == NULL)
		return NULL;			/* a direct call, which has no cache */
	cache = (DetoastCache *) fcinfo->flinfo->fn_extra;
	if (cache == NULL || (entry = cache->last) == NULL || entry->value != tl)
		return NULL;
	if (entry->fence == NULL)
	{
		entry->searches += searches;
		if (tl->npoints < FENCE_MIN_POINTS || entry->searches < FENCE_MIN_SEARCHES ||
			entry->searches < tl->npoints / FENCE_SEARCHES_PER)
			return NULL;
		entry->fence = TimelineFenceBuild(tl, cache->cxt);
		entry->size += GetMemoryChunkSpace(entry->fence);
		cache->bytes += GetMemoryChunkSpace(entry->fence);
	}
	return entry->fence;
}
