/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <stdbool.h>
#include <string.h>
#include <yajl/yajl_parse.h>

#include "palisade/json.h"
#include "palisade/json_locate.h"

struct frame {
	bool is_array;
	size_t count; /* elements seen so far, for arrays */
};

struct locate {
	yajl_handle h;
	const char *buf;
	const struct pal_json_step *path;
	size_t n;
	struct frame stack[PAL_JSON_MAX_DEPTH + 1];
	size_t depth;   /* open containers; the top-level one is depth 1 */
	size_t on_path; /* the container at depth k <= on_path is reached by
			   path[0..k-1): inside it, path[k-1] is looked for */
	bool pending;   /* the next value is the path step just matched */
	bool found;
	size_t offset;
};

static void hit(struct locate *l)
{
	l->found = true;
	l->offset = yajl_get_bytes_consumed(l->h);
}

/* A value begins at the current depth; *ENTER tells whether it is the next
 * step of the path.  Returns false to stop the scan (found). */
static bool value_start(struct locate *l, bool *enter)
{
	struct frame *f;
	size_t d;

	*enter = false;
	if (l->depth == 0)
		return true;
	f = &l->stack[l->depth];
	d = l->depth - 1;
	if (f->is_array) {
		size_t i = f->count++;
		if (l->on_path == l->depth && d < l->n && !l->path[d].key && l->path[d].index == i) {
			if (d + 1 == l->n) {
				hit(l);
				return false;
			}
			*enter = true;
		}
	} else {
		*enter = l->pending;
	}
	l->pending = false;
	return true;
}

static int push(struct locate *l, bool is_array)
{
	bool enter;

	if (!value_start(l, &enter))
		return 0;
	if (l->depth >= PAL_JSON_MAX_DEPTH)
		return 0;
	l->depth++;
	l->stack[l->depth] = (struct frame){.is_array = is_array, .count = 0};
	if (enter || l->depth == 1)
		l->on_path = l->depth;
	return 1;
}

static int pop(struct locate *l)
{
	if (l->on_path == l->depth)
		l->on_path = l->depth - 1;
	l->depth--;
	return 1;
}

static int scalar(void *ctx)
{
	bool enter;
	return value_start(ctx, &enter) ? 1 : 0;
}

static int on_null(void *ctx)
{
	return scalar(ctx);
}
static int on_bool(void *ctx, int b)
{
	(void)b;
	return scalar(ctx);
}
static int on_number(void *ctx, const char *s, size_t len)
{
	(void)s;
	(void)len;
	return scalar(ctx);
}
static int on_string(void *ctx, const unsigned char *s, size_t len)
{
	(void)s;
	(void)len;
	return scalar(ctx);
}
static int on_start_map(void *ctx)
{
	return push(ctx, false);
}
static int on_start_array(void *ctx)
{
	return push(ctx, true);
}
static int on_end(void *ctx)
{
	return pop(ctx);
}

/* The opening quote of the key whose closing quote ends just before END
 * (escapes make the key's length in the text differ from its value's). */
static size_t key_start(const char *buf, size_t end)
{
	if (end < 2)
		return 0;
	for (size_t j = end - 2; j > 0; j--) {
		size_t bs = 0;
		if (buf[j] != '"')
			continue;
		while (bs < j && buf[j - 1 - bs] == '\\')
			bs++;
		if (bs % 2 == 0)
			return j;
	}
	return 0;
}

static int on_key(void *ctx, const unsigned char *key, size_t len)
{
	struct locate *l = ctx;
	size_t d = l->depth - 1;

	l->pending = false;
	if (l->on_path != l->depth || d >= l->n || !l->path[d].key)
		return 1;
	if (strlen(l->path[d].key) != len || memcmp(l->path[d].key, key, len) != 0)
		return 1;
	if (d + 1 == l->n) {
		hit(l);
		l->offset = key_start(l->buf, l->offset);
		return 0;
	}
	l->pending = true;
	return 1;
}

static const yajl_callbacks callbacks = {
	.yajl_null = on_null,
	.yajl_boolean = on_bool,
	.yajl_number = on_number,
	.yajl_string = on_string,
	.yajl_start_map = on_start_map,
	.yajl_map_key = on_key,
	.yajl_end_map = on_end,
	.yajl_start_array = on_start_array,
	.yajl_end_array = on_end,
};

void pal_json_position(const char *buf, size_t len, size_t offset, int *line, int *col)
{
	int ln = 1, cl = 1;
	if (offset > len)
		offset = len;
	for (size_t i = 0; i < offset; i++) {
		if (buf[i] == '\n') {
			ln++;
			cl = 1;
		} else {
			cl++;
		}
	}
	*line = ln;
	*col = cl;
}

int pal_json_locate(const char *buf, size_t len, const struct pal_json_step *path, size_t n,
		    int *line, int *col)
{
	struct locate l = {.buf = buf, .path = path, .n = n};

	if (n == 0)
		return -1;
	l.h = yajl_alloc(&callbacks, NULL, &l);
	if (!l.h)
		return -1;
	yajl_config(l.h, yajl_allow_comments, 1);
	(void)yajl_parse(l.h, (const unsigned char *)buf, len);
	if (!l.found)
		(void)yajl_complete_parse(l.h);
	yajl_free(l.h);
	if (!l.found)
		return -1;
	pal_json_position(buf, len, l.offset, line, col);
	return 0;
}
