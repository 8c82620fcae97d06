/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One violation as one JSON line (violation.h; the schema is documented in
 * man/palisade-monitor.8).  The line is what a person greps, what
 * `palisade events` reads back and what a log shipper forwards, so three
 * things hold whatever the container did:
 *
 * - It is one line: yajl escapes every control character (a newline in a
 *   path becomes \n), and the generator never pretty-prints.
 * - It is valid JSON: every string that came from the container (comm, the
 *   strings of "detail", the Kubernetes names from the spec's annotations)
 *   goes through pal_utf8_safe(), the escaper shared with `palisade bpf
 *   events` (util.h), so a byte that is not UTF-8 becomes the text \xNN
 *   instead of making the generator fail and the event vanish.
 * - Numbers keep their exact value: "detail" numbers are re-emitted from
 *   their text (a syscall argument is a full 64-bit value, more than a
 *   double or a long long holds).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <yajl/yajl_gen.h>

#include "palisade/cleanup.h"
#include "palisade/util.h"
#include "palisade/violation.h"

/* detail strings: a path is at most PATH_MAX, with room to spare */
#define BYTES_MAX 16384
/* detail nesting (the sources give at most 2) */
#define DEPTH_MAX 8

static int g_str(yajl_gen g, const char *s)
{
	return yajl_gen_string(g, (const unsigned char *)s, strlen(s)) == yajl_gen_status_ok ? 0
	                                                                                     : -1;
}

/* bytes from the container, NULL as null */
static int g_bytes(yajl_gen g, const char *s, size_t max)
{
	_cleanup_free_ char *safe = NULL;

	if (!s)
		return yajl_gen_null(g) == yajl_gen_status_ok ? 0 : -1;
	safe = pal_utf8_safe(s, max);
	return safe ? g_str(g, safe) : -1;
}

static int g_kv_bytes(yajl_gen g, const char *k, const char *v, size_t max)
{
	return g_str(g, k) < 0 || g_bytes(g, v, max) < 0 ? -1 : 0;
}

static int g_kv_u64(yajl_gen g, const char *k, unsigned long long v)
{
	char num[24];
	int n = snprintf(num, sizeof(num), "%llu", v);

	return g_str(g, k) < 0 || yajl_gen_number(g, num, (size_t)n) != yajl_gen_status_ok ? -1 : 0;
}

/* The number as it was given when it came from parsed text (yajl_tree keeps
 * it in .r), else from the value a hand-built tree set. */
static int g_number(yajl_gen g, yajl_val v)
{
	char num[64];
	int n;

	if (v->u.number.r && *v->u.number.r)
		return yajl_gen_number(g, v->u.number.r, strlen(v->u.number.r)) ==
		               yajl_gen_status_ok
		           ? 0
		           : -1;
	if (v->u.number.flags & YAJL_NUMBER_INT_VALID)
		n = snprintf(num, sizeof(num), "%lld", v->u.number.i);
	else
		n = snprintf(num, sizeof(num), "%.17g", v->u.number.d);
	return yajl_gen_number(g, num, (size_t)n) == yajl_gen_status_ok ? 0 : -1;
}

static int g_value(yajl_gen g, yajl_val v, int depth)
{
	if (depth > DEPTH_MAX)
		return -1;
	if (!v || YAJL_IS_NULL(v))
		return yajl_gen_null(g) == yajl_gen_status_ok ? 0 : -1;
	switch (v->type) {
	case yajl_t_string:
		return g_bytes(g, v->u.string, BYTES_MAX);
	case yajl_t_number:
		return g_number(g, v);
	case yajl_t_true:
	case yajl_t_false:
		return yajl_gen_bool(g, v->type == yajl_t_true) == yajl_gen_status_ok ? 0 : -1;
	case yajl_t_object:
		if (yajl_gen_map_open(g) != yajl_gen_status_ok)
			return -1;
		for (size_t i = 0; i < v->u.object.len; i++)
			if (g_bytes(g, v->u.object.keys[i], BYTES_MAX) < 0 ||
			    g_value(g, v->u.object.values[i], depth + 1) < 0)
				return -1;
		return yajl_gen_map_close(g) == yajl_gen_status_ok ? 0 : -1;
	case yajl_t_array:
		if (yajl_gen_array_open(g) != yajl_gen_status_ok)
			return -1;
		for (size_t i = 0; i < v->u.array.len; i++)
			if (g_value(g, v->u.array.values[i], depth + 1) < 0)
				return -1;
		return yajl_gen_array_close(g) == yajl_gen_status_ok ? 0 : -1;
	default:
		return -1;
	}
}

/* "container": the members the record has; "id" and "root" always. */
static int g_container(yajl_gen g, const struct pal_attr *a)
{
	const struct {
		const char *key, *val;
	} opt[] = {
	    {"bundle", a->bundle}, {"profile", a->profile},     {"mode", a->mode},
	    {"pod", a->pod},       {"namespace", a->namespace}, {"name", a->name},
	};

	if (yajl_gen_map_open(g) != yajl_gen_status_ok ||
	    g_kv_bytes(g, "id", a->id, BYTES_MAX) < 0 ||
	    g_kv_bytes(g, "root", a->root, BYTES_MAX) < 0)
		return -1;
	for (size_t i = 0; i < sizeof(opt) / sizeof(opt[0]); i++)
		if (opt[i].val && g_kv_bytes(g, opt[i].key, opt[i].val, BYTES_MAX) < 0)
			return -1;
	return yajl_gen_map_close(g) == yajl_gen_status_ok ? 0 : -1;
}

/* RFC 3339 in UTC with nanoseconds: 2026-11-23T08:02:48.123456789Z */
static int rfc3339(uint64_t ns, char *buf, size_t size)
{
	time_t t = (time_t)(ns / 1000000000u);
	struct tm tm;
	size_t n;

	if (!gmtime_r(&t, &tm))
		return -1;
	n = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!n || snprintf(buf + n, size - n, ".%09uZ", (unsigned)(ns % 1000000000u)) != 11)
		return -1;
	return 0;
}

int pal_violation_json(const struct pal_violation *v, char **out, size_t *len, pal_error *err)
{
	_cleanup_yajl_gen_ yajl_gen g = yajl_gen_alloc(NULL);
	const unsigned char *buf;
	char when[64];
	size_t n;

	if (!g)
		return pal_err(err, ENOMEM, "violation JSON");
	if (rfc3339(v->time_ns, when, sizeof(when)) < 0)
		return pal_err(err, EINVAL, "violation JSON: time %llu out of range",
		               (unsigned long long)v->time_ns);
	if (v->detail && !YAJL_IS_OBJECT(v->detail))
		return pal_err(err, EINVAL, "violation JSON: detail is not an object");
	/* every string is valid UTF-8 by now: this only guards that promise */
	yajl_gen_config(g, yajl_gen_validate_utf8, 1);
	if (yajl_gen_map_open(g) != yajl_gen_status_ok ||
	    g_kv_u64(g, "v", PAL_VIOLATION_SCHEMA) < 0 ||
	    g_kv_bytes(g, "time", when, sizeof(when)) < 0 ||
	    g_kv_bytes(g, "source", v->source, BYTES_MAX) < 0 || g_str(g, "container") < 0 ||
	    (v->attr ? g_container(g, v->attr)
	             : (yajl_gen_null(g) == yajl_gen_status_ok ? 0 : -1)) < 0 ||
	    g_kv_u64(g, "cgroup_id", v->cgroup_id) < 0 || g_kv_u64(g, "pid", v->pid) < 0 ||
	    g_kv_u64(g, "tid", v->tid) < 0 || g_kv_u64(g, "uid", v->uid) < 0 ||
	    g_kv_bytes(g, "comm", v->comm, sizeof(v->comm)) < 0 ||
	    g_kv_bytes(g, "hook", v->hook, BYTES_MAX) < 0 ||
	    g_kv_bytes(g, "rule", v->rule, BYTES_MAX) < 0 ||
	    g_kv_bytes(g, "verdict", v->verdict, BYTES_MAX) < 0 || g_str(g, "detail") < 0 ||
	    (v->detail ? g_value(g, v->detail, 0)
	     : (yajl_gen_map_open(g) != yajl_gen_status_ok ||
	        yajl_gen_map_close(g) != yajl_gen_status_ok)
	         ? -1
	         : 0) < 0 ||
	    yajl_gen_map_close(g) != yajl_gen_status_ok ||
	    yajl_gen_get_buf(g, &buf, &n) != yajl_gen_status_ok)
		return pal_err(err, EINVAL, "formatting a violation as JSON");
	*out = strndup((const char *)buf, n);
	if (!*out)
		return pal_err(err, ENOMEM, "violation JSON");
	if (len)
		*len = n;
	return 0;
}

void pal_attr_free(struct pal_attr *a)
{
	if (!a)
		return;
	free(a->id);
	free(a->root);
	free(a->bundle);
	free(a->profile);
	free(a->mode);
	free(a->pod);
	free(a->namespace);
	free(a->name);
	*a = (struct pal_attr){0};
}
