/*-------------------------------------------------------------------------
 *
 * compat.h
 *	  Every PG_VERSION_NUM guard of the timeline extension, in one place.
 *
 * The extension targets PostgreSQL 15; newer releases renamed or added a
 * few APIs, bridged here so the .c files stay free of version checks.
 *
 *-------------------------------------------------------------------------
 */
#ifndef TIMELINE_COMPAT_H
#define TIMELINE_COMPAT_H

#include "lib/stringinfo.h"

#if PG_VERSION_NUM < 170000
/* Points a StringInfo at existing read-only bytes (added in PostgreSQL 17). */
static inline void
initReadOnlyStringInfo(StringInfo str, char *data, int len)
{
	str->data = data;
	str->len = len;
	str->maxlen = 0;
	str->cursor = 0;
}
#endif

#endif							/* TIMELINE_COMPAT_H */
