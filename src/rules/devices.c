/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Rule "devices": with "devices": {"allow": [{"path", "type", "major",
 * "minor"}, ...]} in the profile (no "allow": none beyond the standard set):
 *
 * - linux.devices (device nodes the runtime creates in the container) keeps
 *   only the runtime-spec's default devices (config-linux.md "Default
 *   Devices": /dev/null, zero, full, random, urandom, tty, console, ptmx)
 *   and the profile's, matched on path, type, major and minor: /dev/null
 *   with the numbers of /dev/sda is not /dev/null.  Others are removed.
 * - linux.resources.devices (the device cgroup) starts with a deny-all
 *   rule, inserted when missing, and keeps an "allow" rule only when it
 *   lies within a standard rule or an allowed device (type, major, minor
 *   within, access a subset).  Others, allow-all rules first of all, are
 *   removed.  Deny rules are kept: they only take away.
 *
 * Why: a device node is a door to a kernel driver.  Access to a host disk
 * (b 8:*), /dev/mem or /dev/kmsg is a host compromise whatever the
 * namespaces say; only the device cgroup (v1 devices controller, v2 eBPF
 * filter) stops a process that can mknod or that finds a node in a volume.
 * Without a deny-all rule first, a cgroup v1 container inherits its parent's
 * device list, usually everything (Docker and containerd always emit
 * {"allow": false, "access": "rwm"} first; CIS Docker 5.17 warns against
 * passing host devices).
 *
 * The standard cgroup rules are those runc appends to every container after
 * the spec's own (libcontainer/specconv AllowedDevices): mknod ("m") of any
 * char or block device, rwm on the default devices, on the pty slaves
 * /dev/pts/N (c 136:*) and on /dev/ptmx (c 5:2); plus rwm on the
 * runtime-spec's /dev/console (c 5:1), the terminal the runtime sets up.
 * Spec rules within that set grant nothing runc would not grant anyway, so
 * terminals and the default devices keep working; mknod alone opens
 * nothing (using a node needs "r" or "w").
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "palisade/cleanup.h"
#include "palisade/json.h"
#include "palisade/rewrite.h"
#include "palisade/util.h"

#define RULE "devices"
#define ANY  (-1) /* wildcard major or minor, as runc writes it */

struct node {
	const char *path;
	char type;     /* 'c', 'b' or 'p' ('u' is read as 'c') */
	int64_t major; /* ANY when absent (fifos only) */
	int64_t minor;
};

struct cgrule {
	char type; /* 'a', 'c' or 'b' */
	int64_t major, minor;
	char access[4];
};

static const struct node standard_nodes[] = {
    {"/dev/null", 'c', 1, 3},    {"/dev/zero", 'c', 1, 5},    {"/dev/full", 'c', 1, 7},
    {"/dev/random", 'c', 1, 8},  {"/dev/urandom", 'c', 1, 9}, {"/dev/tty", 'c', 5, 0},
    {"/dev/console", 'c', 5, 1}, {"/dev/ptmx", 'c', 5, 2},
};

/* The default nodes, plus what runc always allows. */
static const struct cgrule standard_rules[] = {
    {'c', ANY, ANY, "m"},
    {'b', ANY, ANY, "m"},
    {'c', 136, ANY, "rwm"},
};

static const char *const deny_all_json = "{\"allow\": false, \"access\": \"rwm\"}";

/* An integer member KEY of OBJ into *OUT; absent: ANY.  -1 when present and
 * not an integer >= -1. */
static int get_number(yajl_val obj, const char *key, int64_t *out)
{
	yajl_val v = pal_json_get(obj, key);

	*out = ANY;
	if (!v)
		return 0;
	if (!YAJL_IS_INTEGER(v) || YAJL_GET_INTEGER(v) < ANY)
		return -1;
	*out = YAJL_GET_INTEGER(v);
	return 0;
}

/* Parse a device node (linux.devices[i] or the profile's devices.allow[i],
 * WHAT names it in errors). */
static int parse_node(yajl_val v, const char *what, struct node *n, pal_error *err)
{
	yajl_val path = pal_json_get(v, "path"), type = pal_json_get(v, "type");
	const char *t;

	if (!YAJL_IS_OBJECT(v))
		return pal_err(err, EINVAL, "%s: must be an object", what);
	if (!YAJL_IS_STRING(path))
		return pal_err(err, EINVAL, "%s.path: must be a string", what);
	if (!YAJL_IS_STRING(type))
		return pal_err(err, EINVAL, "%s.type: must be a string", what);
	t = type->u.string;
	if (strlen(t) != 1 || !strchr("cbup", t[0]))
		return pal_err(err, EINVAL, "%s.type: must be \"c\", \"b\", \"u\" or \"p\"", what);
	n->path = path->u.string;
	n->type = t[0] == 'u' ? 'c' : t[0];
	if (get_number(v, "major", &n->major) < 0 || (n->type != 'p' && n->major == ANY))
		return pal_err(err, EINVAL, "%s.major: must be a device number", what);
	if (get_number(v, "minor", &n->minor) < 0 || (n->type != 'p' && n->minor == ANY))
		return pal_err(err, EINVAL, "%s.minor: must be a device number", what);
	return 0;
}

/* Parse a cgroup rule linux.resources.devices[i]; *ALLOW gets "allow". */
static int parse_rule(yajl_val v, const char *what, struct cgrule *r, bool *allow, pal_error *err)
{
	yajl_val a = pal_json_get(v, "allow"), type = pal_json_get(v, "type");
	yajl_val access = pal_json_get(v, "access");
	const char *s;
	size_t n;

	if (!YAJL_IS_OBJECT(v))
		return pal_err(err, EINVAL, "%s: must be an object", what);
	if (!YAJL_IS_TRUE(a) && !YAJL_IS_FALSE(a))
		return pal_err(err, EINVAL, "%s.allow: must be a boolean", what);
	*allow = YAJL_IS_TRUE(a);
	r->type = 'a';
	if (type) {
		if (!YAJL_IS_STRING(type) || strlen(type->u.string) != 1 ||
		    !strchr("abc", type->u.string[0]))
			return pal_err(err, EINVAL, "%s.type: must be \"a\", \"b\" or \"c\"", what);
		r->type = type->u.string[0];
	}
	if (get_number(v, "major", &r->major) < 0)
		return pal_err(err, EINVAL, "%s.major: must be a device number or -1", what);
	if (get_number(v, "minor", &r->minor) < 0)
		return pal_err(err, EINVAL, "%s.minor: must be a device number or -1", what);
	/* runc refuses an empty access; read an absent one as the worst case:
	 * an allow rule allows everything, a deny rule denies nothing */
	s = *allow ? "rwm" : "";
	if (access) {
		if (!YAJL_IS_STRING(access) || !*access->u.string ||
		    strspn(access->u.string, "rwm") != strlen(access->u.string))
			return pal_err(err, EINVAL, "%s.access: must be a string of r, w and m",
			               what);
		s = access->u.string;
	}
	/* canonical order, so that "mwr" compares equal to "rwm" */
	n = 0;
	for (const char *c = "rwm"; *c; c++)
		if (strchr(s, *c))
			r->access[n++] = *c;
	r->access[n] = '\0';
	return 0;
}

/* R grants nothing beyond P. */
static bool within(const struct cgrule *r, const struct cgrule *p)
{
	if (p->type != 'a' && r->type != p->type)
		return false;
	if (p->major != ANY && r->major != p->major)
		return false;
	if (p->minor != ANY && r->minor != p->minor)
		return false;
	return strspn(r->access, p->access) == strlen(r->access);
}

static bool node_equal(const struct node *a, const struct node *b)
{
	return !strcmp(a->path, b->path) && a->type == b->type && a->major == b->major &&
	       a->minor == b->minor;
}

/* The profile's device I, parsed. */
static int profile_node(const struct pal_rewrite_ctx *ctx, yajl_val allow, size_t i, struct node *n,
                        pal_error *err)
{
	char what[96];

	snprintf(what, sizeof(what), "profile \"%s\": devices.allow[%zu]", ctx->profile->name, i);
	return parse_node(allow->u.array.values[i], what, n, err);
}

static int node_allowed(const struct pal_rewrite_ctx *ctx, yajl_val allow, const struct node *n,
                        bool *ok, pal_error *err)
{
	struct node p;

	*ok = true;
	for (size_t i = 0; i < sizeof(standard_nodes) / sizeof(standard_nodes[0]); i++)
		if (node_equal(n, &standard_nodes[i]))
			return 0;
	for (size_t i = 0; allow && i < allow->u.array.len; i++) {
		if (profile_node(ctx, allow, i, &p, err) < 0)
			return -1;
		if (node_equal(n, &p))
			return 0;
	}
	*ok = false;
	return 0;
}

static int rule_allowed(const struct pal_rewrite_ctx *ctx, yajl_val allow, const struct cgrule *r,
                        bool *ok, pal_error *err)
{
	struct cgrule p = {.access = "rwm"};
	struct node n;

	*ok = true;
	for (size_t i = 0; i < sizeof(standard_rules) / sizeof(standard_rules[0]); i++)
		if (within(r, &standard_rules[i]))
			return 0;
	for (size_t i = 0; i < sizeof(standard_nodes) / sizeof(standard_nodes[0]); i++) {
		p.type = standard_nodes[i].type;
		p.major = standard_nodes[i].major;
		p.minor = standard_nodes[i].minor;
		if (within(r, &p))
			return 0;
	}
	for (size_t i = 0; allow && i < allow->u.array.len; i++) {
		if (profile_node(ctx, allow, i, &n, err) < 0)
			return -1;
		if (n.type == 'p') /* fifos are not in the device cgroup */
			continue;
		p.type = n.type;
		p.major = n.major;
		p.minor = n.minor;
		if (within(r, &p))
			return 0;
	}
	*ok = false;
	return 0;
}

static void show_num(char *buf, size_t size, int64_t v)
{
	if (v == ANY)
		snprintf(buf, size, "*");
	else
		snprintf(buf, size, "%lld", (long long)v);
}

static int filter_nodes(const struct pal_rewrite_ctx *ctx, yajl_val devices, yajl_val allow,
                        pal_error *err)
{
	char what[64];
	size_t i = 0;

	if (!YAJL_IS_ARRAY(devices))
		return pal_err(err, EINVAL, "config.json: linux.devices: must be an array");
	while (i < devices->u.array.len) {
		_cleanup_free_ char *shown = NULL;
		char maj[24], min[24];
		struct node n;
		bool ok;

		snprintf(what, sizeof(what), "config.json: linux.devices[%zu]", i);
		if (parse_node(devices->u.array.values[i], what, &n, err) < 0 ||
		    node_allowed(ctx, allow, &n, &ok, err) < 0)
			return -1;
		if (ok) {
			i++;
			continue;
		}
		shown = pal_escape(n.path, 128);
		if (!shown)
			return pal_err(err, ENOMEM, "%s", what);
		show_num(maj, sizeof(maj), n.major);
		show_num(min, sizeof(min), n.minor);
		pal_rule_note(ctx, RULE, "linux.devices",
		              "removed device %s (%c %s:%s): not a standard device nor allowed by "
		              "the profile",
		              shown, n.type, maj, min);
		pal_json_array_remove(devices, i);
	}
	return 0;
}

static bool is_deny_all(const struct cgrule *r, bool allow)
{
	return !allow && r->type == 'a' && r->major == ANY && r->minor == ANY &&
	       !strcmp(r->access, "rwm");
}

static int filter_rules(const struct pal_rewrite_ctx *ctx, yajl_val rules, yajl_val allow,
                        pal_error *err)
{
	char what[80];
	size_t i = 0;

	while (i < rules->u.array.len) {
		char maj[24], min[24];
		struct cgrule r;
		bool is_allow, ok;

		snprintf(what, sizeof(what), "config.json: linux.resources.devices[%zu]", i);
		if (parse_rule(rules->u.array.values[i], what, &r, &is_allow, err) < 0)
			return -1;
		if (!is_allow) {
			i++;
			continue;
		}
		if (rule_allowed(ctx, allow, &r, &ok, err) < 0)
			return -1;
		if (ok) {
			i++;
			continue;
		}
		show_num(maj, sizeof(maj), r.major);
		show_num(min, sizeof(min), r.minor);
		pal_rule_note(ctx, RULE, "linux.resources.devices",
		              "removed allow rule %c %s:%s %s%s", r.type, maj, min, r.access,
		              r.type == 'a'
		                  ? " (allows every device)"
		                  : ": not within the standard devices nor the profile's");
		pal_json_array_remove(rules, i);
	}
	return 0;
}

/* linux.resources.devices[0] := deny-all unless it is one already. */
static int deny_first(const struct pal_rewrite_ctx *ctx, yajl_val spec, yajl_val rules,
                      pal_error *err)
{
	_cleanup_yajl_val_ yajl_val deny = NULL;
	yajl_val first, *vs;
	struct cgrule r;
	bool is_allow;
	size_t n;

	if (rules && rules->u.array.len > 0) {
		if (parse_rule(rules->u.array.values[0], "config.json: linux.resources.devices[0]",
		               &r, &is_allow, err) < 0)
			return -1;
		if (is_deny_all(&r, is_allow))
			return 0;
	}
	if (pal_json_parse(deny_all_json, strlen(deny_all_json), "devices", &deny, err) < 0)
		return -1;
	if (!rules) {
		yajl_val lnx = pal_json_ensure_object(spec, "linux", err);
		yajl_val res = lnx ? pal_json_ensure_object(lnx, "resources", err) : NULL;

		if (!res)
			return pal_err_prefix(err, "config.json: linux.resources");
		if (pal_json_set(res, "devices", pal_json_new_array(), err) < 0)
			return pal_err_prefix(err, "config.json: linux.resources.devices");
		rules = pal_json_get(res, "devices");
	}
	if (pal_json_append(rules, steal_pointer(&deny), err) < 0)
		return pal_err_prefix(err, "config.json: linux.resources.devices");
	/* the rules apply in order: move it from the end to the front */
	vs = rules->u.array.values;
	n = rules->u.array.len;
	first = vs[n - 1];
	memmove(&vs[1], &vs[0], (n - 1) * sizeof(*vs));
	vs[0] = first;
	pal_rule_note(ctx, RULE, "linux.resources.devices[0]",
	              "inserted a deny-all rule first (a *:* rwm)");
	return 0;
}

static int apply(const struct pal_rewrite_ctx *ctx, yajl_val spec, pal_error *err)
{
	yajl_val section = pal_profile_get(ctx->profile, "devices", NULL);
	yajl_val allow, lnx, nodes, res, rules;

	if (!section)
		return 0;
	if (!YAJL_IS_OBJECT(section))
		return pal_err(err, EINVAL, "profile \"%s\": devices: must be an object",
		               ctx->profile->name);
	allow = pal_json_get(section, "allow");
	if (allow && !YAJL_IS_ARRAY(allow))
		return pal_err(err, EINVAL, "profile \"%s\": devices.allow: must be an array",
		               ctx->profile->name);
	for (size_t i = 0; allow && i < allow->u.array.len; i++) {
		struct node n;

		if (profile_node(ctx, allow, i, &n, err) < 0)
			return -1;
	}

	lnx = pal_json_get(spec, "linux");
	if (lnx && !YAJL_IS_OBJECT(lnx))
		return pal_err(err, EINVAL, "config.json: linux: must be an object");
	nodes = pal_json_get(lnx, "devices");
	if (nodes && filter_nodes(ctx, nodes, allow, err) < 0)
		return -1;
	res = pal_json_get(lnx, "resources");
	if (res && !YAJL_IS_OBJECT(res))
		return pal_err(err, EINVAL, "config.json: linux.resources: must be an object");
	rules = pal_json_get(res, "devices");
	if (rules && !YAJL_IS_ARRAY(rules))
		return pal_err(err, EINVAL,
		               "config.json: linux.resources.devices: must be an array");
	if (rules && filter_rules(ctx, rules, allow, err) < 0)
		return -1;
	return deny_first(ctx, spec, rules, err);
}

const struct pal_rule pal_rule_devices = {
    .name = RULE,
    .apply = apply,
};
