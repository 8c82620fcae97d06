/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Rule "capabilities": intersect every capability set of the process with
 * the profile's "capabilities": {"allow": [...]}.
 *
 * Why: capabilities are root's privileges in pieces (capabilities(7));
 * whatever is in the bounding set can be regained by executing a setuid or
 * file-capability binary, so every set is cut, not only the effective one.
 * Docker and containerd start from a default list of 14 and Kubernetes' Pod
 * Security Standard "restricted" allows only NET_BIND_SERVICE; a profile
 * states its own list.
 *
 * - Each of bounding, effective, permitted, inheritable and ambient
 *   (runtime-spec config.md, "process.capabilities") keeps only the names
 *   allowed; a set absent stays absent, a present one may become [].
 * - Then ambient is kept within permitted AND inheritable: the kernel
 *   refuses PR_CAP_AMBIENT_RAISE for anything else and drops ambient
 *   capabilities that leave either set (capabilities(7), "Ambient
 *   capability set"); runc then fails or warns, so such entries only
 *   mislead.  `runc spec` itself lists ambient without inheritable.
 * - Names compare by the capability they denote (libcap's cap_from_name,
 *   so "cap_chown" matches an allowed "CAP_CHOWN").  A name that is not
 *   exactly a capability's name, ignoring case, is dropped: runc warns
 *   about and ignores names it does not know, so dropping changes nothing
 *   there, and no runtime can read it as more than the profile allows.
 * - The order of the remaining entries is kept; every removal is noted.
 * - No process.capabilities at all is written out as five empty sets: what
 *   runc makes of a missing object changed (1.1 drops every capability,
 *   later versions leave the runtime's own, i.e. all of root's, untouched),
 *   and empty sets are the only answer that grants nothing under either
 *   reading.  (Docker's default writes no inheritable set since
 *   CVE-2022-24769; none of the engines leaves the object out.)
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/capability.h>

#include "palisade/json.h"
#include "palisade/rewrite.h"

#define RULE "capabilities"

static const char *const sets[] = {"bounding", "effective", "permitted", "inheritable", "ambient"};

/* The capability NAME denotes: cap_from_name() also takes numbers ("21")
 * and trailing blanks, which no runtime reads as a capability name, so the
 * name must also be the canonical one ignoring case. */
static bool cap_value(const char *name, cap_value_t *v)
{
	char *canon;
	bool ok;

	if (cap_from_name(name, v) < 0)
		return false;
	canon = cap_to_name(*v);
	if (!canon)
		return false;
	ok = !strcasecmp(name, canon);
	cap_free(canon);
	return ok;
}

struct capset {
	/* indexed by cap_value_t; 64 covers the kernel's 64-bit sets */
	bool has[64];
};

static void capset_add(struct capset *s, cap_value_t v)
{
	if (v >= 0 && v < 64)
		s->has[v] = true;
}

static bool capset_has(const struct capset *s, cap_value_t v)
{
	return v >= 0 && v < 64 && s->has[v];
}

static int check_set(yajl_val set, const char *name, pal_error *err)
{
	if (!YAJL_IS_ARRAY(set))
		return pal_err(err, EINVAL,
		               "config.json: process.capabilities.%s: must be an array of strings",
		               name);
	for (size_t i = 0; i < set->u.array.len; i++)
		if (!YAJL_IS_STRING(set->u.array.values[i]))
			return pal_err(
			    err, EINVAL,
			    "config.json: process.capabilities.%s[%zu]: must be a string", name, i);
	return 0;
}

/* Remove from SET every entry whose capability is not in KEEP, and every
 * name that is not a capability's; WHY says why in the note. */
static void filter(const struct pal_rewrite_ctx *ctx, yajl_val set, const char *name,
                   const struct capset *keep, const char *why)
{
	char field[48];
	size_t i = 0;

	snprintf(field, sizeof(field), "process.capabilities.%s", name);
	while (i < set->u.array.len) {
		const char *cap = set->u.array.values[i]->u.string;
		cap_value_t v;

		if (!cap_value(cap, &v))
			pal_rule_note(ctx, RULE, field, "removed \"%s\": not a capability name",
			              cap);
		else if (!capset_has(keep, v))
			pal_rule_note(ctx, RULE, field, "removed %s: %s", cap, why);
		else {
			i++;
			continue;
		}
		/* the note has copied CAP: it may go now */
		pal_json_array_remove(set, i);
	}
}

static void collect(yajl_val set, struct capset *out)
{
	for (size_t i = 0; set && i < set->u.array.len; i++) {
		cap_value_t v;

		if (cap_value(set->u.array.values[i]->u.string, &v))
			capset_add(out, v);
	}
}

/* process.capabilities with every set empty (see the header). */
static int write_empty(const struct pal_rewrite_ctx *ctx, yajl_val spec, pal_error *err)
{
	yajl_val process = pal_json_ensure_object(spec, "process", err), caps;

	if (!process)
		return -1;
	caps = pal_json_new_object();
	/* replaces a null in place */
	if (pal_json_set(process, "capabilities", caps, err) < 0)
		return -1;
	for (size_t s = 0; s < 5; s++)
		if (pal_json_set(caps, sets[s], pal_json_new_array(), err) < 0)
			return -1;
	pal_rule_note(ctx, RULE, "process.capabilities",
	              "absent (all or none, depending on the runtime version): set to none");
	return 0;
}

static int apply(const struct pal_rewrite_ctx *ctx, yajl_val spec, pal_error *err)
{
	yajl_val allow = pal_profile_get(ctx->profile, "capabilities", "allow");
	yajl_val process, caps, found[5] = {NULL};
	struct capset allowed = {{false}}, pi = {{false}}, inh = {{false}};

	if (!allow || YAJL_IS_NULL(allow))
		return 0;
	if (!YAJL_IS_ARRAY(allow))
		return pal_err(err, EINVAL, "profile \"%s\": capabilities.allow: must be an array",
		               ctx->profile->name);
	for (size_t i = 0; i < allow->u.array.len; i++) {
		yajl_val a = allow->u.array.values[i];
		cap_value_t v;

		if (!YAJL_IS_STRING(a) || !cap_value(a->u.string, &v))
			return pal_err(
			    err, EINVAL,
			    "profile \"%s\": capabilities.allow[%zu]: not a capability name",
			    ctx->profile->name, i);
		capset_add(&allowed, v);
	}

	process = pal_json_get(spec, "process");
	if (process && !YAJL_IS_OBJECT(process))
		return pal_err(err, EINVAL, "config.json: process: must be an object");
	caps = pal_json_get(process, "capabilities");
	if (!caps || YAJL_IS_NULL(caps))
		return write_empty(ctx, spec, err);
	if (!YAJL_IS_OBJECT(caps))
		return pal_err(err, EINVAL, "config.json: process.capabilities: must be an object");
	/* check everything before changing anything */
	for (size_t s = 0; s < 5; s++) {
		found[s] = pal_json_get(caps, sets[s]);
		if (YAJL_IS_NULL(found[s]))
			found[s] = NULL;
		if (found[s] && check_set(found[s], sets[s], err) < 0)
			return -1;
	}

	for (size_t s = 0; s < 5; s++)
		if (found[s])
			filter(ctx, found[s], sets[s], &allowed, "not allowed by the profile");

	/* ambient within permitted AND inheritable (sets[2], sets[3]) */
	if (found[4]) {
		collect(found[2], &pi);
		collect(found[3], &inh);
		for (size_t v = 0; v < 64; v++)
			pi.has[v] = pi.has[v] && inh.has[v];
		filter(ctx, found[4], sets[4], &pi,
		       "an ambient capability must also be permitted "
		       "and inheritable");
	}
	return 0;
}

const struct pal_rule pal_rule_capabilities = {
    .name = RULE,
    .apply = apply,
};
