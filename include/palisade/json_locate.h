/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Where in a JSON text is a given member?  yajl's tree keeps no positions,
 * so on the (rare) error path the text is scanned again to find the line and
 * column of a member named by its path, for messages like
 * "palisade.conf:7:3: unknown key runtme".
 */
#ifndef PALISADE_JSON_LOCATE_H
#define PALISADE_JSON_LOCATE_H

#include <stddef.h>

struct pal_json_step {
	const char *key; /* object member, or NULL for an array element */
	size_t index;    /* array index when key == NULL */
};

/* Find the member at PATH (N steps) in BUF; for an object member the
 * position is that of its key.  Returns 0 and sets *LINE and *COL (1-based),
 * or -1 when not found (or the text is not valid JSON). */
int pal_json_locate(const char *buf, size_t len, const struct pal_json_step *path, size_t n,
		    int *line, int *col);

/* Line and column (1-based) of byte OFFSET in BUF. */
void pal_json_position(const char *buf, size_t len, size_t offset, int *line, int *col);

#endif
