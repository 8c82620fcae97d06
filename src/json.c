/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Strict, lossless JSON (see json.h).
 *
 * The tree is built by our own yajl callbacks in the same pass that
 * validates, rather than by yajl_tree_parse(): that one enables comments
 * unconditionally, grows every container one element at a time (quadratic
 * for a 100k-key object), leaks on a failed parse, and never sets
 * YAJL_NUMBER_INT_VALID.  The nodes are the same struct yajl_val_s, built
 * with malloc() like yajl_tree.c does, so yajl_tree_free() frees them.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <yajl/yajl_parse.h>

#include "palisade/cleanup.h"
#include "palisade/json.h"
#include "palisade/json_locate.h"

/* ------------------------------------------------------------ helpers */

/* Strict UTF-8: yajl's own check only looks at the shape of a sequence and
 * lets overlong forms, UTF-16 surrogates and code points past U+10FFFF
 * through, which other readers reject or replace. */
static bool utf8_valid(const unsigned char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned char c = s[i];
		uint32_t cp;
		size_t n;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			cp = c & 0x07;
		} else {
			return false; /* continuation byte, C0/C1 overlong, F5..FF */
		}
		if (len - i - 1 < n)
			return false;
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
			return false;
		i += n + 1;
	}
	return true;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* RFC 8259 number grammar. */
static bool number_valid(const char *s)
{
	if (*s == '-')
		s++;
	if (*s == '0') {
		s++;
	} else if (*s >= '1' && *s <= '9') {
		while (is_digit(*s))
			s++;
	} else {
		return false;
	}
	if (*s == '.') {
		if (!is_digit(*++s))
			return false;
		while (is_digit(*s))
			s++;
	}
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '+' || *s == '-')
			s++;
		if (!is_digit(*s))
			return false;
		while (is_digit(*s))
			s++;
	}
	return *s == '\0';
}

/* S for a one-line message: quotes, backslashes and control bytes escaped,
 * long keys cut.  OUT must hold SHOW_MAX bytes. */
#define SHOW_MAX 80
static const char *show(char *out, const char *s)
{
	size_t o = 0;

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (o + 8 >= SHOW_MAX) {
			/* not in the middle of a UTF-8 sequence */
			while (o > 0 && ((unsigned char)out[o - 1] & 0xc0) == 0x80)
				o--;
			if (o > 0 && (unsigned char)out[o - 1] >= 0xc0)
				o--;
			memcpy(out + o, "...", 3);
			o += 3;
			break;
		}
		if (c == '"' || c == '\\') {
			out[o++] = '\\';
			out[o++] = (char)c;
		} else if (c < 0x20 || c == 0x7f) {
			o += (size_t)snprintf(out + o, SHOW_MAX - o, "\\x%02x", c);
		} else {
			out[o++] = (char)c;
		}
	}
	out[o] = '\0';
	return out;
}

static const char *type_name(yajl_val v)
{
	switch (v->type) {
	case yajl_t_string:
		return "a string";
	case yajl_t_number:
		return "a number";
	case yajl_t_object:
		return "an object";
	case yajl_t_array:
		return "an array";
	case yajl_t_true:
		return "true";
	case yajl_t_false:
		return "false";
	case yajl_t_null:
		return "null";
	default:
		return "an invalid node";
	}
}

static yajl_val node_new(yajl_type type)
{
	yajl_val v = calloc(1, sizeof(*v));

	if (v)
		v->type = type;
	return v;
}

/* Fill i/d/flags from the text, as yajl's tree means to (it never sets
 * INT_VALID).  The text stays authoritative: it is what gets written. */
static void number_convert(yajl_val v)
{
	const char *r = v->u.number.r;
	char *end;

	v->u.number.flags = 0;
	if (!strpbrk(r, ".eE")) {
		long long i;
		errno = 0;
		i = strtoll(r, &end, 10);
		if (errno == 0 && *end == '\0') {
			v->u.number.i = i;
			v->u.number.flags |= YAJL_NUMBER_INT_VALID;
		}
	}
	{
		double d;
		errno = 0;
		d = strtod(r, &end);
		if (errno == 0 && *end == '\0') {
			v->u.number.d = d;
			v->u.number.flags |= YAJL_NUMBER_DOUBLE_VALID;
		}
	}
}

static yajl_val number_new(const char *text, size_t len)
{
	yajl_val v = node_new(yajl_t_number);

	if (!v)
		return NULL;
	v->u.number.r = malloc(len + 1);
	if (!v->u.number.r) {
		free(v);
		return NULL;
	}
	memcpy(v->u.number.r, text, len);
	v->u.number.r[len] = '\0';
	number_convert(v);
	return v;
}

static yajl_val string_new(const char *s, size_t len)
{
	yajl_val v = node_new(yajl_t_string);

	if (!v)
		return NULL;
	v->u.string = malloc(len + 1);
	if (!v->u.string) {
		free(v);
		return NULL;
	}
	memcpy(v->u.string, s, len);
	v->u.string[len] = '\0';
	return v;
}

/* ARR resized to hold element LEN, or NULL (ARR intact).  The capacity of
 * a yajl tree's arrays is not recorded, so ask for the next power of two
 * every time: realloc() returns the block in place when it is already that
 * big, which keeps repeated appends amortised O(1). */
static void *grow(void *arr, size_t len, size_t size)
{
	size_t cap = 4;

	while (cap < len + 1)
		cap *= 2;
	return reallocarray(arr, cap, size);
}

/* ------------------------------------------------------------ parsing */

struct keyref {
	const char *key;
	size_t off; /* where the key starts in the text */
};

struct frame {
	yajl_val node;       /* attached to its parent (or the root) already */
	size_t cap;          /* allocated elements of node's arrays */
	struct keyref *refs; /* objects: keys with positions, for duplicates */
	char *key;           /* objects: key read, its value not yet */
	size_t key_off;
};

struct parser {
	yajl_handle h;
	const unsigned char *buf;
	size_t len;
	const char *what;
	pal_error *err;
	yajl_val root;
	struct frame stack[PAL_JSON_MAX_DEPTH];
	size_t depth;    /* open containers */
	size_t last_end; /* text consumed at the previous event */
	bool failed;
};

static int fail_at(struct parser *p, size_t off, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail_at(struct parser *p, size_t off, const char *fmt, ...)
{
	char reason[PAL_ERROR_MAX];
	int line, col;
	va_list ap;

	va_start(ap, fmt);
	if (vsnprintf(reason, sizeof(reason), fmt, ap) < 0)
		reason[0] = '\0';
	va_end(ap);
	pal_json_position((const char *)p->buf, p->len, off, &line, &col);
	pal_err(p->err, 0, "%s:%d:%d: %s", p->what, line, col, reason);
	p->failed = true;
	return 0; /* stops yajl */
}

static int fail_nomem(struct parser *p)
{
	pal_err(p->err, ENOMEM, "%s", p->what);
	p->failed = true;
	return 0;
}

static bool is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static size_t first_token(const struct parser *p)
{
	size_t i = 0;

	while (i < p->len && is_space(p->buf[i]))
		i++;
	return i;
}

static size_t consumed(const struct parser *p)
{
	return yajl_get_bytes_consumed(p->h);
}

/* Every event but a map key starts a value; only an object may stand at the
 * top. */
static int begin_value(struct parser *p, bool is_object)
{
	if (p->depth == 0 && !is_object)
		return fail_at(p, first_token(p), "top level is not an object");
	return 1;
}

/* Double the capacity of F's arrays. */
static int frame_grow(struct frame *f)
{
	size_t cap = f->cap ? 2 * f->cap : 8;
	yajl_val c = f->node;

	if (YAJL_IS_ARRAY(c)) {
		yajl_val *vs = reallocarray(c->u.array.values, cap, sizeof(*vs));
		if (!vs)
			return -1;
		c->u.array.values = vs;
	} else {
		const char **ks = reallocarray(c->u.object.keys, cap, sizeof(*ks));
		yajl_val *vs;
		struct keyref *rs;

		if (!ks)
			return -1;
		c->u.object.keys = ks;
		vs = reallocarray(c->u.object.values, cap, sizeof(*vs));
		if (!vs)
			return -1;
		c->u.object.values = vs;
		rs = reallocarray(f->refs, cap, sizeof(*rs));
		if (!rs)
			return -1;
		f->refs = rs;
	}
	f->cap = cap;
	return 0;
}

/* Attach V (owned) to the open container or make it the root. */
static int add_value(struct parser *p, yajl_val v)
{
	struct frame *f;
	yajl_val c;

	if (!v)
		return fail_nomem(p);
	if (p->depth == 0) {
		p->root = v;
		return 1;
	}
	f = &p->stack[p->depth - 1];
	c = f->node;
	if ((YAJL_IS_OBJECT(c) ? c->u.object.len : c->u.array.len) == f->cap && frame_grow(f) < 0) {
		yajl_tree_free(v);
		return fail_nomem(p);
	}
	if (YAJL_IS_OBJECT(c)) {
		size_t n = c->u.object.len++;
		c->u.object.keys[n] = f->key;
		c->u.object.values[n] = v;
		f->refs[n] = (struct keyref){.key = f->key, .off = f->key_off};
		f->key = NULL;
	} else {
		c->u.array.values[c->u.array.len++] = v;
	}
	return 1;
}

static unsigned int hex4(const unsigned char *s)
{
	unsigned int v = 0;

	for (int i = 0; i < 4; i++) {
		unsigned char c = s[i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else
			v |= c - 'A' + 10;
	}
	return v;
}

/* Start of the string token that ends at the current position: the last
 * quote before the closing one that is not escaped (an even run of
 * backslashes precedes it).  Scanning backwards stays inside the token,
 * so comments before it (PAL_JSON_COMMENTS) cannot mislead us. */
static size_t string_start(const struct parser *p, size_t end)
{
	size_t j = end - 1; /* the closing quote */

	while (j-- > p->last_end) {
		size_t k = j;
		if (p->buf[j] != '"')
			continue;
		while (k > 0 && p->buf[k - 1] == '\\')
			k--;
		if ((j - k) % 2 == 0)
			return j;
	}
	return p->last_end;
}

/* yajl turns a lone high surrogate escape into '?' and a lone low one into
 * invalid UTF-8, so the raw escapes are checked for pairing.  The lexer
 * has already checked that every \u has four hex digits. */
static bool escapes_valid(const unsigned char *s, size_t len)
{
	for (size_t i = 0; i + 1 < len; i++) {
		unsigned int cp;
		if (s[i] != '\\')
			continue;
		if (s[++i] != 'u' || i + 5 > len)
			continue;
		cp = hex4(s + i + 1);
		i += 4;
		if (cp >= 0xdc00 && cp <= 0xdfff)
			return false;
		if (cp >= 0xd800 && cp <= 0xdbff) {
			if (i + 7 > len || s[i + 1] != '\\' || s[i + 2] != 'u')
				return false;
			cp = hex4(s + i + 3);
			if (cp < 0xdc00 || cp > 0xdfff)
				return false;
			i += 6;
		}
	}
	return true;
}

/* Checks shared by keys and string values; *OFF is where the token starts. */
static int check_string(struct parser *p, const unsigned char *s, size_t len, size_t *off)
{
	size_t end = consumed(p);

	/* events come from one chunk, so END is an offset into p->buf */
	*off = end >= 2 && end <= p->len ? string_start(p, end) : p->last_end;
	if (end >= 2 && end <= p->len && !escapes_valid(p->buf + *off, end - *off))
		return fail_at(p, *off, "unpaired surrogate in \\u escape");
	if (!utf8_valid(s, len))
		return fail_at(p, *off, "invalid UTF-8 in string");
	if (memchr(s, '\0', len))
		return fail_at(p, *off, "string contains a NUL byte");
	return 1;
}

static int done(struct parser *p, int ok)
{
	p->last_end = consumed(p);
	return ok;
}

static int on_null(void *ctx)
{
	struct parser *p = ctx;

	if (!begin_value(p, false))
		return 0;
	return done(p, add_value(p, node_new(yajl_t_null)));
}

static int on_boolean(void *ctx, int b)
{
	struct parser *p = ctx;

	if (!begin_value(p, false))
		return 0;
	return done(p, add_value(p, node_new(b ? yajl_t_true : yajl_t_false)));
}

static int on_number(void *ctx, const char *s, size_t len)
{
	struct parser *p = ctx;

	if (!begin_value(p, false))
		return 0;
	return done(p, add_value(p, number_new(s, len)));
}

static int on_string(void *ctx, const unsigned char *s, size_t len)
{
	struct parser *p = ctx;
	size_t off;

	if (!begin_value(p, false) || !check_string(p, s, len, &off))
		return 0;
	return done(p, add_value(p, string_new((const char *)s, len)));
}

static int on_key(void *ctx, const unsigned char *s, size_t len)
{
	struct parser *p = ctx;
	struct frame *f = &p->stack[p->depth - 1];
	size_t off;

	if (!check_string(p, s, len, &off))
		return 0;
	f->key = malloc(len + 1);
	if (!f->key)
		return fail_nomem(p);
	memcpy(f->key, s, len);
	f->key[len] = '\0';
	f->key_off = off;
	return done(p, 1);
}

static int open_container(struct parser *p, yajl_type type)
{
	yajl_val v;

	if (!begin_value(p, type == yajl_t_object))
		return 0;
	if (p->depth == PAL_JSON_MAX_DEPTH)
		return fail_at(p, consumed(p) - 1, "nesting deeper than %d", PAL_JSON_MAX_DEPTH);
	v = node_new(type);
	if (!add_value(p, v))
		return 0;
	p->stack[p->depth++] = (struct frame){.node = v};
	return done(p, 1);
}

static int on_start_map(void *ctx)
{
	return open_container(ctx, yajl_t_object);
}

static int on_start_array(void *ctx)
{
	return open_container(ctx, yajl_t_array);
}

static int keyref_cmp(const void *a, const void *b)
{
	const struct keyref *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	if (c)
		return c;
	return (x->off > y->off) - (x->off < y->off);
}

/* Sorting keeps a 100k-key object O(n log n) without a hash that a crafted
 * file could flood.  Reports the duplicate that comes first in the text. */
static int check_duplicates(struct parser *p, struct frame *f)
{
	size_t n = f->node->u.object.len;
	const struct keyref *dup = NULL;
	char buf[SHOW_MAX];

	if (n < 2)
		return 1;
	qsort(f->refs, n, sizeof(*f->refs), keyref_cmp);
	for (size_t i = 1; i < n; i++) {
		if (strcmp(f->refs[i - 1].key, f->refs[i].key) == 0 &&
		    (!dup || f->refs[i].off < dup->off))
			dup = &f->refs[i];
	}
	if (dup)
		return fail_at(p, dup->off, "duplicate key \"%s\"", show(buf, dup->key));
	return 1;
}

static int close_container(struct parser *p)
{
	struct frame *f = &p->stack[p->depth - 1];
	int ok = 1;

	if (YAJL_IS_OBJECT(f->node))
		ok = check_duplicates(p, f);
	if (!ok)
		return 0; /* the frame is released with the others */
	free(f->refs);
	p->depth--;
	return done(p, 1);
}

static int on_end(void *ctx)
{
	return close_container(ctx);
}

static const yajl_callbacks callbacks = {
    .yajl_null = on_null,
    .yajl_boolean = on_boolean,
    .yajl_number = on_number, /* text, never yajl's lossy integer/double */
    .yajl_string = on_string,
    .yajl_start_map = on_start_map,
    .yajl_map_key = on_key,
    .yajl_end_map = on_end,
    .yajl_start_array = on_start_array,
    .yajl_end_array = on_end,
};

/* yajl's short message, e.g. "parse error: trailing garbage", without its
 * trailing newline and full stop.  AT_END: found by yajl_complete_parse(),
 * whose offset is into a one-space chunk of its own. */
static int syntax_error(struct parser *p, bool at_end)
{
	unsigned char *msg = yajl_get_error(p->h, 0, p->buf, p->len);
	size_t off = at_end ? p->len : consumed(p);
	size_t n;

	if (!msg)
		return fail_at(p, off, "syntax error");
	n = strlen((char *)msg);
	while (n > 0 && (is_space(msg[n - 1]) || msg[n - 1] == '.'))
		msg[--n] = '\0';
	if (at_end) {
		fail_at(p, off, "%s", (char *)msg);
	} else if (strstr((char *)msg, "UTF8")) {
		/* The lexer's shape check: report it like ours, at the string's
		 * opening quote (the first one since the last event). */
		const unsigned char *q = memchr(p->buf + p->last_end, '"', off - p->last_end);
		fail_at(p, q ? (size_t)(q - p->buf) : off, "invalid UTF-8 in string");
	} else if (strncmp((char *)msg, "lexical", 7) == 0) {
		/* the lexer backs up to the offending byte */
		fail_at(p, off, "%s", (char *)msg);
	} else {
		/* the parser has consumed the token it did not expect */
		fail_at(p, off > 0 ? off - 1 : 0, "%s", (char *)msg);
	}
	yajl_free_error(p->h, msg);
	return 0;
}

static void parser_release(struct parser *p)
{
	for (size_t i = 0; i < p->depth; i++) {
		free(p->stack[i].refs);
		free(p->stack[i].key);
	}
	if (p->root)
		yajl_tree_free(p->root);
	if (p->h)
		yajl_free(p->h);
}

int pal_json_parse_opts(const char *buf, size_t len, const char *what, unsigned int flags,
                        yajl_val *out, pal_error *err)
{
	struct parser p = {
	    .buf = (const unsigned char *)buf,
	    .len = len,
	    .what = what ? what : "json",
	    .err = err,
	};
	yajl_status st;

	p.h = yajl_alloc(&callbacks, NULL, &p);
	if (!p.h)
		return pal_err(err, ENOMEM, "%s", p.what);
	/* default: comments off, one value, no trailing garbage, UTF-8 checked */
	if ((flags & PAL_JSON_COMMENTS) && !yajl_config(p.h, yajl_allow_comments, 1)) {
		parser_release(&p);
		return pal_err(err, 0, "%s: cannot enable comments", p.what);
	}
	if (first_token(&p) == len) {
		fail_at(&p, len, "empty document");
	} else {
		st = yajl_parse(p.h, p.buf, len);
		if (st == yajl_status_error) {
			syntax_error(&p, false);
		} else if (st == yajl_status_ok) {
			st = yajl_complete_parse(p.h);
			if (st == yajl_status_error)
				syntax_error(&p, true);
		}
		if (st != yajl_status_ok && !p.failed)
			fail_at(&p, consumed(&p), "parse cancelled");
	}
	if (p.failed) {
		parser_release(&p);
		return -1;
	}
	*out = steal_pointer(&p.root);
	parser_release(&p);
	return 0;
}

int pal_json_parse(const char *buf, size_t len, const char *what, yajl_val *out, pal_error *err)
{
	return pal_json_parse_opts(buf, len, what, 0, out, err);
}

/* ------------------------------------------------------------ output */

static int gen_status(yajl_gen_status s, const char *key, pal_error *err)
{
	char buf[SHOW_MAX];
	const char *why;

	switch (s) {
	case yajl_gen_status_ok:
		return 0;
	case yajl_max_depth_exceeded:
		why = "nesting too deep to generate";
		break;
	case yajl_gen_invalid_string:
		why = "invalid UTF-8 in string";
		break;
	case yajl_gen_generation_complete:
		why = "generator already holds a complete document";
		break;
	case yajl_gen_keys_must_be_strings:
		why = "object key is not a string";
		break;
	default:
		why = "generator error";
		break;
	}
	if (key)
		return pal_err(err, 0, "json: member \"%s\": %s", show(buf, key), why);
	return pal_err(err, 0, "json: %s", why);
}

/* KEY names the member V is the value of (or NULL), for messages. */
static int gen(yajl_val v, yajl_gen g, const char *key, pal_error *err)
{
	yajl_gen_status s;

	if (!v)
		return pal_err(err, 0, "json: missing value");
	switch (v->type) {
	case yajl_t_string: {
		const char *str = v->u.string ? v->u.string : "";
		size_t n = strlen(str);
		if (!utf8_valid((const unsigned char *)str, n))
			return gen_status(yajl_gen_invalid_string, key, err);
		return gen_status(yajl_gen_string(g, (const unsigned char *)str, n), key, err);
	}
	case yajl_t_number: {
		char buf[SHOW_MAX];
		/* the text is written verbatim: never let a bad one through */
		if (!v->u.number.r || !number_valid(v->u.number.r))
			return pal_err(err, 0, "json: invalid number \"%s\"",
			               show(buf, v->u.number.r ? v->u.number.r : ""));
		return gen_status(yajl_gen_number(g, v->u.number.r, strlen(v->u.number.r)), key,
		                  err);
	}
	case yajl_t_object:
		/* yajl's beautifier prints an empty container as "{\n\n\t}";
		 * as a raw atom it comes out "{}" like Go's MarshalIndent */
		if (v->u.object.len == 0)
			return gen_status(yajl_gen_number(g, "{}", 2), key, err);
		if (gen_status(yajl_gen_map_open(g), key, err) < 0)
			return -1;
		for (size_t i = 0; i < v->u.object.len; i++) {
			const char *k = v->u.object.keys[i];
			size_t n = k ? strlen(k) : 0;
			if (!k || !utf8_valid((const unsigned char *)k, n))
				return gen_status(yajl_gen_invalid_string, key, err);
			s = yajl_gen_string(g, (const unsigned char *)k, n);
			if (gen_status(s, k, err) < 0 || gen(v->u.object.values[i], g, k, err) < 0)
				return -1;
		}
		return gen_status(yajl_gen_map_close(g), key, err);
	case yajl_t_array:
		if (v->u.array.len == 0)
			return gen_status(yajl_gen_number(g, "[]", 2), key, err);
		if (gen_status(yajl_gen_array_open(g), key, err) < 0)
			return -1;
		for (size_t i = 0; i < v->u.array.len; i++) {
			if (gen(v->u.array.values[i], g, key, err) < 0)
				return -1;
		}
		return gen_status(yajl_gen_array_close(g), key, err);
	case yajl_t_true:
	case yajl_t_false:
		return gen_status(yajl_gen_bool(g, v->type == yajl_t_true), key, err);
	case yajl_t_null:
		return gen_status(yajl_gen_null(g), key, err);
	default:
		return pal_err(err, 0, "json: node of unknown type %d", (int)v->type);
	}
}

int pal_json_gen(yajl_val v, yajl_gen g, pal_error *err)
{
	return gen(v, g, NULL, err);
}

int pal_json_serialize(yajl_val v, bool pretty, char **out, size_t *len, pal_error *err)
{
	_cleanup_yajl_gen_ yajl_gen g = yajl_gen_alloc(NULL);
	const unsigned char *buf;
	size_t n;
	char *copy;
	bool nl;

	if (!g)
		return pal_err(err, ENOMEM, "json: generator");
	if (!yajl_gen_config(g, yajl_gen_validate_utf8, 1) ||
	    (pretty && (!yajl_gen_config(g, yajl_gen_beautify, 1) ||
	                !yajl_gen_config(g, yajl_gen_indent_string, "\t"))))
		return pal_err(err, 0, "json: configuring the generator");
	if (pal_json_gen(v, g, err) < 0)
		return -1;
	if (yajl_gen_get_buf(g, &buf, &n) != yajl_gen_status_ok)
		return pal_err(err, 0, "json: no generator buffer");
	/* yajl's beautifier ends the document with a newline already */
	nl = pretty && (n == 0 || buf[n - 1] != '\n');
	copy = malloc(n + nl + 1);
	if (!copy)
		return pal_err(err, ENOMEM, "json: output");
	memcpy(copy, buf, n);
	if (nl)
		copy[n++] = '\n';
	copy[n] = '\0';
	*out = copy;
	if (len)
		*len = n;
	return 0;
}

/* ------------------------------------------------------------ access */

bool pal_json_equal(yajl_val a, yajl_val b)
{
	if (a == b)
		return true;
	if (!a || !b || a->type != b->type)
		return false;
	switch (a->type) {
	case yajl_t_string:
		return a->u.string && b->u.string && strcmp(a->u.string, b->u.string) == 0;
	case yajl_t_number:
		return a->u.number.r && b->u.number.r && strcmp(a->u.number.r, b->u.number.r) == 0;
	case yajl_t_object:
		if (a->u.object.len != b->u.object.len)
			return false;
		for (size_t i = 0; i < a->u.object.len; i++) {
			if (strcmp(a->u.object.keys[i], b->u.object.keys[i]) != 0 ||
			    !pal_json_equal(a->u.object.values[i], b->u.object.values[i]))
				return false;
		}
		return true;
	case yajl_t_array:
		if (a->u.array.len != b->u.array.len)
			return false;
		for (size_t i = 0; i < a->u.array.len; i++) {
			if (!pal_json_equal(a->u.array.values[i], b->u.array.values[i]))
				return false;
		}
		return true;
	default:
		return true;
	}
}

/* Index of KEY in OBJ, or -1. */
static ssize_t find(yajl_val obj, const char *key)
{
	if (!YAJL_IS_OBJECT(obj) || !key)
		return -1;
	for (size_t i = 0; i < obj->u.object.len; i++) {
		if (strcmp(obj->u.object.keys[i], key) == 0)
			return (ssize_t)i;
	}
	return -1;
}

yajl_val pal_json_get(yajl_val obj, const char *key)
{
	ssize_t i = find(obj, key);

	return i < 0 ? NULL : obj->u.object.values[i];
}

yajl_val pal_json_getp(yajl_val obj, ...)
{
	const char *key;
	va_list ap;

	va_start(ap, obj);
	while (obj && (key = va_arg(ap, const char *)))
		obj = pal_json_get(obj, key);
	va_end(ap);
	return obj;
}

yajl_val pal_json_new_string(const char *s)
{
	if (!s) {
		errno = EINVAL;
		return NULL;
	}
	return string_new(s, strlen(s));
}

yajl_val pal_json_new_bool(bool b)
{
	return node_new(b ? yajl_t_true : yajl_t_false);
}

yajl_val pal_json_new_object(void)
{
	return node_new(yajl_t_object);
}

yajl_val pal_json_new_array(void)
{
	return node_new(yajl_t_array);
}

yajl_val pal_json_new_number(const char *text)
{
	if (!text || !number_valid(text)) {
		errno = EINVAL;
		return NULL;
	}
	return number_new(text, strlen(text));
}

int pal_json_set(yajl_val obj, const char *key, yajl_val v, pal_error *err)
{
	_cleanup_yajl_val_ yajl_val owned = v;
	_cleanup_free_ char *k = NULL;
	char buf[SHOW_MAX];
	const char **ks;
	yajl_val *vs;
	ssize_t i;

	if (!key)
		return pal_err(err, 0, "json: setting a member without a name");
	if (!YAJL_IS_OBJECT(obj))
		return pal_err(err, 0, "json: cannot set \"%s\" in %s", show(buf, key),
		               obj ? type_name(obj) : "nothing");
	/* a constructor's NULL passed straight in */
	if (!owned)
		return pal_err(err, ENOMEM, "json: \"%s\"", show(buf, key));
	i = find(obj, key);
	if (i >= 0) {
		yajl_tree_free(obj->u.object.values[i]);
		obj->u.object.values[i] = steal_pointer(&owned);
		return 0;
	}
	k = strdup(key);
	if (!k)
		return pal_err(err, ENOMEM, "json: \"%s\"", show(buf, key));
	ks = grow(obj->u.object.keys, obj->u.object.len, sizeof(*ks));
	if (!ks)
		return pal_err(err, ENOMEM, "json: \"%s\"", show(buf, key));
	obj->u.object.keys = ks;
	vs = grow(obj->u.object.values, obj->u.object.len, sizeof(*vs));
	if (!vs)
		return pal_err(err, ENOMEM, "json: \"%s\"", show(buf, key));
	obj->u.object.values = vs;
	obj->u.object.keys[obj->u.object.len] = steal_pointer(&k);
	obj->u.object.values[obj->u.object.len] = steal_pointer(&owned);
	obj->u.object.len++;
	return 0;
}

int pal_json_remove(yajl_val obj, const char *key)
{
	ssize_t i = find(obj, key);
	size_t tail;

	if (i < 0)
		return 0;
	free((char *)obj->u.object.keys[i]);
	yajl_tree_free(obj->u.object.values[i]);
	tail = obj->u.object.len - (size_t)i - 1;
	memmove(&obj->u.object.keys[i], &obj->u.object.keys[i + 1], tail * sizeof(char *));
	memmove(&obj->u.object.values[i], &obj->u.object.values[i + 1], tail * sizeof(yajl_val));
	obj->u.object.len--;
	return 1;
}

int pal_json_append(yajl_val arr, yajl_val v, pal_error *err)
{
	_cleanup_yajl_val_ yajl_val owned = v;
	yajl_val *vs;

	if (!YAJL_IS_ARRAY(arr))
		return pal_err(err, 0, "json: cannot append to %s",
		               arr ? type_name(arr) : "nothing");
	if (!owned)
		return pal_err(err, ENOMEM, "json: array element");
	vs = grow(arr->u.array.values, arr->u.array.len, sizeof(*vs));
	if (!vs)
		return pal_err(err, ENOMEM, "json: array element");
	arr->u.array.values = vs;
	arr->u.array.values[arr->u.array.len++] = steal_pointer(&owned);
	return 0;
}

void pal_json_array_remove(yajl_val arr, size_t i)
{
	if (!YAJL_IS_ARRAY(arr) || i >= arr->u.array.len)
		return;
	yajl_tree_free(arr->u.array.values[i]);
	memmove(&arr->u.array.values[i], &arr->u.array.values[i + 1],
	        (arr->u.array.len - i - 1) * sizeof(yajl_val));
	arr->u.array.len--;
}

bool pal_json_u64(yajl_val v, uint64_t *out)
{
	const char *s;
	unsigned long long n;
	char *end;

	if (!YAJL_IS_NUMBER(v) || !v->u.number.r)
		return false;
	s = v->u.number.r;
	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno || *end)
		return false;
	*out = n;
	return true;
}

bool pal_json_is_string_array(yajl_val v)
{
	if (!YAJL_IS_ARRAY(v))
		return false;
	for (size_t i = 0; i < v->u.array.len; i++)
		if (!YAJL_IS_STRING(v->u.array.values[i]))
			return false;
	return true;
}

bool pal_json_array_has_string(yajl_val arr, const char *s)
{
	if (!YAJL_IS_ARRAY(arr))
		return false;
	for (size_t i = 0; i < arr->u.array.len; i++) {
		yajl_val v = arr->u.array.values[i];
		if (YAJL_IS_STRING(v) && !strcmp(v->u.string, s))
			return true;
	}
	return false;
}

yajl_val pal_json_dup(yajl_val v)
{
	_cleanup_yajl_val_ yajl_val c = NULL;

	if (!v) {
		errno = EINVAL;
		return NULL;
	}
	c = node_new(v->type);
	if (!c)
		return NULL;
	switch (v->type) {
	case yajl_t_string:
		c->u.string = strdup(v->u.string ? v->u.string : "");
		if (!c->u.string)
			return NULL;
		break;
	case yajl_t_number:
		c->u.number = v->u.number;
		c->u.number.r = strdup(v->u.number.r ? v->u.number.r : "");
		if (!c->u.number.r)
			return NULL;
		break;
	case yajl_t_object: {
		size_t n = v->u.object.len;
		if (n == 0)
			break;
		/* zeroed, and len counts filled slots, so that a partial copy
		 * is freed by yajl_tree_free() */
		c->u.object.keys = calloc(n, sizeof(char *));
		c->u.object.values = calloc(n, sizeof(yajl_val));
		if (!c->u.object.keys || !c->u.object.values)
			return NULL;
		for (size_t i = 0; i < n; i++) {
			c->u.object.len = i + 1;
			c->u.object.keys[i] = strdup(v->u.object.keys[i]);
			if (!c->u.object.keys[i])
				return NULL;
			c->u.object.values[i] = pal_json_dup(v->u.object.values[i]);
			if (!c->u.object.values[i])
				return NULL;
		}
		break;
	}
	case yajl_t_array: {
		size_t n = v->u.array.len;
		if (n == 0)
			break;
		c->u.array.values = calloc(n, sizeof(yajl_val));
		if (!c->u.array.values)
			return NULL;
		for (size_t i = 0; i < n; i++) {
			c->u.array.len = i + 1;
			c->u.array.values[i] = pal_json_dup(v->u.array.values[i]);
			if (!c->u.array.values[i])
				return NULL;
		}
		break;
	}
	default:
		break;
	}
	return steal_pointer(&c);
}

yajl_val pal_json_ensure_object(yajl_val obj, const char *key, pal_error *err)
{
	yajl_val cur = pal_json_get(obj, key);
	char buf[SHOW_MAX];

	if (cur) {
		if (YAJL_IS_OBJECT(cur))
			return cur;
		pal_err(err, 0, "\"%s\" is %s, not an object", show(buf, key), type_name(cur));
		return NULL;
	}
	cur = pal_json_new_object();
	if (pal_json_set(obj, key, cur, err) < 0)
		return NULL;
	return cur;
}
