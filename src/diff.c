/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A readable JSON tree diff (diff.h).  It serves a person reading what a
 * rewrite changes, so it favours what they think in: capabilities that go,
 * a mount that gains "nosuid", a seccomp filter that appears, rather than
 * a minimal edit script.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "palisade/cleanup.h"
#include "palisade/diff.h"
#include "palisade/json.h"

#define SHORT_MAX 72         /* a value longer than this is summarised */
#define LCS_MAX   (1u << 22) /* cells of the LCS table before giving up */

struct differ {
	struct pal_diff *d;
	size_t cap;
	pal_error *err;
};

const char *pal_diff_op_name(enum pal_diff_op op)
{
	switch (op) {
	case PAL_DIFF_ADD:
		return "add";
	case PAL_DIFF_REMOVE:
		return "remove";
	case PAL_DIFF_CHANGE:
		return "change";
	}
	return "?";
}

void pal_diff_free(struct pal_diff *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->v[i].path);
	free(d->v);
	d->v = NULL;
	d->n = 0;
}

static int push(struct differ *c, const char *path, enum pal_diff_op op, bool item, yajl_val a,
                yajl_val b)
{
	struct pal_diff_entry *e;

	if (c->d->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 16;
		struct pal_diff_entry *v = realloc(c->d->v, cap * sizeof(*v));
		if (!v)
			return pal_err(c->err, ENOMEM, "diff");
		c->d->v = v;
		c->cap = cap;
	}
	e = &c->d->v[c->d->n];
	*e = (struct pal_diff_entry){.op = op, .item = item, .old_v = a, .new_v = b};
	e->path = strdup(*path ? path : "(root)");
	if (!e->path)
		return pal_err(c->err, ENOMEM, "diff");
	c->d->n++;
	return 0;
}

/* Drop the entries from N on (to replace them by one). */
static void truncate_to(struct differ *c, size_t n)
{
	while (c->d->n > n)
		free(c->d->v[--c->d->n].path);
}

/* ------------------------------------------------------------ paths */

static bool plain_key(const char *k)
{
	if (!*k)
		return false;
	for (; *k; k++) {
		char ch = *k;
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '_' || ch == '-'))
			return false;
	}
	return true;
}

/* PARENT.KEY, or PARENT["KEY"] with JSON escapes; malloc'd or NULL. */
static char *child_key(const char *parent, const char *key)
{
	_cleanup_free_ char *q = NULL;
	char *out = NULL, *o;

	if (plain_key(key)) {
		if (asprintf(&out, "%s%s%s", parent, *parent ? "." : "", key) < 0)
			return NULL;
		return out;
	}
	q = malloc(strlen(key) * 6 + 1);
	if (!q)
		return NULL;
	o = q;
	for (const unsigned char *k = (const unsigned char *)key; *k; k++) {
		if (*k == '"' || *k == '\\') {
			*o++ = '\\';
			*o++ = (char)*k;
		} else if (*k < 0x20 || *k == 0x7f) {
			o += sprintf(o, "\\u%04x", *k);
		} else {
			*o++ = (char)*k;
		}
	}
	*o = '\0';
	if (asprintf(&out, "%s[\"%s\"]", parent, q) < 0)
		return NULL;
	return out;
}

static char *child_index(const char *parent, size_t i)
{
	char *out;

	if (asprintf(&out, "%s[%zu]", parent, i) < 0)
		return NULL;
	return out;
}

/* ------------------------------------------------------------ diff */

static int diff(struct differ *c, const char *path, yajl_val a, yajl_val b);

/* Arrays of strings as multisets: what goes, what comes. */
static int diff_strings(struct differ *c, const char *path, yajl_val a, yajl_val b)
{
	size_t na = a->u.array.len, nb = b->u.array.len, before = c->d->n;
	_cleanup_free_ bool *used = calloc(nb ? nb : 1, sizeof(*used));

	if (!used)
		return pal_err(c->err, ENOMEM, "diff");
	for (size_t i = 0; i < na; i++) {
		const char *s = a->u.array.values[i]->u.string;
		size_t j;
		for (j = 0; j < nb; j++)
			if (!used[j] && !strcmp(s, b->u.array.values[j]->u.string))
				break;
		if (j < nb)
			used[j] = true;
		else if (push(c, path, PAL_DIFF_REMOVE, true, a->u.array.values[i], NULL) < 0)
			return -1;
	}
	for (size_t j = 0; j < nb; j++)
		if (!used[j] && push(c, path, PAL_DIFF_ADD, true, NULL, b->u.array.values[j]) < 0)
			return -1;
	/* the same strings in another order */
	if (c->d->n == before)
		return push(c, path, PAL_DIFF_CHANGE, false, a, b);
	return 0;
}

/* Arrays of different lengths: elements matched in order by equality. */
static int diff_lcs(struct differ *c, const char *path, yajl_val a, yajl_val b)
{
	size_t na = a->u.array.len, nb = b->u.array.len, w = nb + 1, before = c->d->n;
	_cleanup_free_ uint32_t *l = NULL;
	size_t i = 0, j = 0;

	if ((na + 1) * w > LCS_MAX)
		return push(c, path, PAL_DIFF_CHANGE, false, a, b);
	l = calloc((na + 1) * w, sizeof(*l));
	if (!l)
		return pal_err(c->err, ENOMEM, "diff");
	/* l[i][j]: length of the LCS of a[i..] and b[j..] */
	for (size_t x = na; x-- > 0;)
		for (size_t y = nb; y-- > 0;)
			l[x * w + y] = pal_json_equal(a->u.array.values[x], b->u.array.values[y])
			                   ? l[(x + 1) * w + y + 1] + 1
			               : l[(x + 1) * w + y] >= l[x * w + y + 1] ? l[(x + 1) * w + y]
			                                                        : l[x * w + y + 1];
	while (i < na || j < nb) {
		_cleanup_free_ char *p = NULL;
		bool take_a;

		if (i < na && j < nb &&
		    pal_json_equal(a->u.array.values[i], b->u.array.values[j])) {
			i++;
			j++;
			continue;
		}
		take_a = j == nb || (i < na && l[(i + 1) * w + j] >= l[i * w + j + 1]);
		p = child_index(path, take_a ? i : j);
		if (!p)
			return pal_err(c->err, ENOMEM, "diff");
		if (take_a ? push(c, p, PAL_DIFF_REMOVE, false, a->u.array.values[i++], NULL)
		           : push(c, p, PAL_DIFF_ADD, false, NULL, b->u.array.values[j++]))
			return -1;
	}
	if (c->d->n - before > PAL_DIFF_ARRAY_MAX) {
		truncate_to(c, before);
		return push(c, path, PAL_DIFF_CHANGE, false, a, b);
	}
	return 0;
}

static int diff_objects(struct differ *c, const char *path, yajl_val a, yajl_val b)
{
	for (size_t i = 0; i < a->u.object.len; i++) {
		const char *k = a->u.object.keys[i];
		yajl_val bv = pal_json_get(b, k);
		_cleanup_free_ char *p = child_key(path, k);

		if (!p)
			return pal_err(c->err, ENOMEM, "diff");
		if (bv ? diff(c, p, a->u.object.values[i], bv) < 0
		       : push(c, p, PAL_DIFF_REMOVE, false, a->u.object.values[i], NULL) < 0)
			return -1;
	}
	for (size_t i = 0; i < b->u.object.len; i++) {
		const char *k = b->u.object.keys[i];
		_cleanup_free_ char *p = NULL;

		if (pal_json_get(a, k))
			continue;
		p = child_key(path, k);
		if (!p)
			return pal_err(c->err, ENOMEM, "diff");
		if (push(c, p, PAL_DIFF_ADD, false, NULL, b->u.object.values[i]) < 0)
			return -1;
	}
	return 0;
}

static int diff(struct differ *c, const char *path, yajl_val a, yajl_val b)
{
	/* members in another order are unequal here, but give no entry */
	if (pal_json_equal(a, b))
		return 0;
	if (YAJL_IS_OBJECT(a) && YAJL_IS_OBJECT(b))
		return diff_objects(c, path, a, b);
	if (YAJL_IS_ARRAY(a) && YAJL_IS_ARRAY(b)) {
		if (pal_json_is_string_array(a) && pal_json_is_string_array(b))
			return diff_strings(c, path, a, b);
		if (a->u.array.len != b->u.array.len)
			return diff_lcs(c, path, a, b);
		for (size_t i = 0; i < a->u.array.len; i++) {
			_cleanup_free_ char *p = child_index(path, i);
			if (!p)
				return pal_err(c->err, ENOMEM, "diff");
			if (diff(c, p, a->u.array.values[i], b->u.array.values[i]) < 0)
				return -1;
		}
		return 0;
	}
	/* a scalar, or the type changed */
	return push(c, path, PAL_DIFF_CHANGE, false, a, b);
}

int pal_diff_trees(yajl_val a, yajl_val b, struct pal_diff *d, pal_error *err)
{
	struct differ c = {.d = d, .err = err};

	*d = (struct pal_diff){0};
	if (diff(&c, "", a, b) < 0) {
		pal_diff_free(d);
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------ text */

/* A seccomp filter in a few words: how many syscalls it allows. */
static bool seccomp_summary(yajl_val v, char *buf, size_t n)
{
	yajl_val calls = pal_json_get(v, "syscalls"), dflt = pal_json_get(v, "defaultAction");
	size_t allowed = 0;

	if (!YAJL_IS_ARRAY(calls))
		return false;
	for (size_t i = 0; i < calls->u.array.len; i++) {
		yajl_val r = calls->u.array.values[i];
		yajl_val action = pal_json_get(r, "action"), names = pal_json_get(r, "names");
		if (YAJL_IS_STRING(action) && !strcmp(action->u.string, "SCMP_ACT_ALLOW") &&
		    YAJL_IS_ARRAY(names))
			allowed += names->u.array.len;
	}
	if (YAJL_IS_STRING(dflt))
		snprintf(buf, n, "(%zu syscalls allowed, default %s)", allowed, dflt->u.string);
	else
		snprintf(buf, n, "(%zu syscalls allowed)", allowed);
	return true;
}

/* V as compact JSON, or a summary when that is long; malloc'd. */
static char *render(const char *path, yajl_val v, pal_error *err)
{
	_cleanup_free_ char *json = NULL;
	char buf[128];
	char *out;
	size_t len;

	if (!strcmp(path, "linux.seccomp") && YAJL_IS_OBJECT(v) &&
	    seccomp_summary(v, buf, sizeof(buf))) {
		out = strdup(buf);
		goto done;
	}
	if (pal_json_serialize(v, false, &json, &len, err) < 0)
		return NULL;
	if (len <= SHORT_MAX)
		return steal_pointer(&json);
	if (YAJL_IS_OBJECT(v))
		snprintf(buf, sizeof(buf), "{%zu keys}", v->u.object.len);
	else if (YAJL_IS_ARRAY(v))
		snprintf(buf, sizeof(buf), "[%zu items]", v->u.array.len);
	else { /* a long string: its head, cut between UTF-8 characters */
		int cut = SHORT_MAX - 4;
		while (cut > 0 && ((unsigned char)json[cut] & 0xc0) == 0x80)
			cut--;
		snprintf(buf, sizeof(buf), "%.*s...\"", cut, json);
	}
	out = strdup(buf);
done:
	if (!out)
		pal_err(err, ENOMEM, "diff");
	return out;
}

int pal_diff_text(const struct pal_diff *d, const char *indent, char **out, size_t *len,
                  pal_error *err)
{
	_cleanup_free_ char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	bool ok = f != NULL;

	if (!f)
		return pal_err(err, errno, "diff");
	for (size_t i = 0; ok && i < d->n; i++) {
		const struct pal_diff_entry *e = &d->v[i];
		_cleanup_free_ char *o = NULL, *nw = NULL;

		if (e->item) {
			/* the run of items of one array with the same op */
			const char *sign = e->op == PAL_DIFF_ADD ? "+" : "-";
			ok = fprintf(f, "%s%s: %s", indent, e->path, sign) >= 0;
			for (size_t j = i; ok && j < d->n && d->v[j].item && d->v[j].op == e->op &&
			                   !strcmp(d->v[j].path, e->path);
			     j++) {
				yajl_val v = e->op == PAL_DIFF_ADD ? d->v[j].new_v : d->v[j].old_v;
				_cleanup_free_ char *s = render(e->path, v, err);
				if (!s)
					goto fail;
				ok = fprintf(f, "%s %s", j > i ? "," : "", s) >= 0;
				i = j;
			}
			ok = ok && fputc('\n', f) != EOF;
			continue;
		}
		if (e->old_v && !(o = render(e->path, e->old_v, err)))
			goto fail;
		if (e->new_v && !(nw = render(e->path, e->new_v, err)))
			goto fail;
		switch (e->op) {
		case PAL_DIFF_ADD:
			ok = fprintf(f, "%s%s: + added %s\n", indent, e->path, nw) >= 0;
			break;
		case PAL_DIFF_REMOVE:
			ok = fprintf(f, "%s%s: - removed %s\n", indent, e->path, o) >= 0;
			break;
		case PAL_DIFF_CHANGE:
			ok = fprintf(f, "%s%s: %s -> %s\n", indent, e->path, o, nw) >= 0;
			break;
		}
	}
	if (fclose(f) != 0 || !ok)
		return pal_err(err, ENOMEM, "diff");
	*out = steal_pointer(&buf);
	if (len)
		*len = n;
	return 0;
fail:
	fclose(f);
	return -1;
}

/* ------------------------------------------------------------ JSON */

static int gen_str(yajl_gen g, const char *s, pal_error *err)
{
	if (yajl_gen_string(g, (const unsigned char *)s, strlen(s)) != yajl_gen_status_ok)
		return pal_err(err, 0, "diff: generating \"%s\"", s);
	return 0;
}

int pal_diff_gen(const struct pal_diff *d, yajl_gen g, pal_error *err)
{
	if (yajl_gen_array_open(g) != yajl_gen_status_ok)
		return pal_err(err, 0, "diff: generating the changes");
	for (size_t i = 0; i < d->n; i++) {
		const struct pal_diff_entry *e = &d->v[i];

		if (yajl_gen_map_open(g) != yajl_gen_status_ok)
			return pal_err(err, 0, "diff: generating the changes");
		if (gen_str(g, "path", err) < 0 || gen_str(g, e->path, err) < 0 ||
		    gen_str(g, "op", err) < 0 || gen_str(g, pal_diff_op_name(e->op), err) < 0)
			return -1;
		if (e->old_v && (gen_str(g, "old", err) < 0 || pal_json_gen(e->old_v, g, err) < 0))
			return -1;
		if (e->new_v && (gen_str(g, "new", err) < 0 || pal_json_gen(e->new_v, g, err) < 0))
			return -1;
		if (yajl_gen_map_close(g) != yajl_gen_status_ok)
			return pal_err(err, 0, "diff: generating the changes");
	}
	if (yajl_gen_array_close(g) != yajl_gen_status_ok)
		return pal_err(err, 0, "diff: generating the changes");
	return 0;
}
