/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Rule "rlimits": cap process.rlimits at the profile's "rlimits": {"max":
 * {TYPE: {"soft": S, "hard": H}}}.
 *
 * Why: the runtime calls setrlimit(2) for each entry before exec (runtime-
 * spec config.md, "POSIX process", rlimits), and whatever hard limit the
 * container starts with is the most it can ever have: raising a hard limit
 * needs CAP_SYS_RESOURCE, which the capabilities rule keeps out.  Limits are
 * the cheap defence against fork bombs (RLIMIT_NPROC is per real uid, across
 * containers sharing it), descriptor exhaustion and huge core dumps; Docker
 * (--ulimit, default-ulimits) and Podman (default_ulimits in
 * containers.conf) set them the same way.
 *
 * For each TYPE in "max":
 * - an existing entry is lowered: hard = min(hard, max.hard), soft =
 *   min(soft, max.soft, new hard) (the kernel requires soft <= hard);
 * - a missing entry is added with the max: with no entry the container
 *   inherits the runtime's own limits, often RLIM_INFINITY, so adding one
 *   only removes privilege.
 * Entries of other types are left as they are.  Values are unsigned 64-bit
 * (RLIM_INFINITY is 18446744073709551615 in a spec, as runc's Go uint64
 * reads it); a value not written as a plain non-negative integer is an
 * error, because runc would refuse it too.  Only changed values are
 * rewritten, as plain integers, so an unchanged spec stays byte-identical.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "palisade/json.h"
#include "palisade/rewrite.h"

#define RULE "rlimits"

/* The RLIMIT_* names runc and crun accept (runtime-spec config.md). */
static const char *const known_types[] = {
    "RLIMIT_AS",     "RLIMIT_CORE",   "RLIMIT_CPU",        "RLIMIT_DATA",
    "RLIMIT_FSIZE",  "RLIMIT_LOCKS",  "RLIMIT_MEMLOCK",    "RLIMIT_MSGQUEUE",
    "RLIMIT_NICE",   "RLIMIT_NOFILE", "RLIMIT_NPROC",      "RLIMIT_RSS",
    "RLIMIT_RTPRIO", "RLIMIT_RTTIME", "RLIMIT_SIGPENDING", "RLIMIT_STACK",
};

static bool known_type(const char *t)
{
	for (size_t i = 0; i < sizeof(known_types) / sizeof(known_types[0]); i++)
		if (!strcmp(t, known_types[i]))
			return true;
	return false;
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static int profile_max(const struct pal_rewrite_ctx *ctx, yajl_val max, size_t i, uint64_t *soft,
                       uint64_t *hard, pal_error *err)
{
	const char *type = max->u.object.keys[i];
	yajl_val m = max->u.object.values[i];

	if (!known_type(type))
		return pal_err(err, EINVAL, "profile \"%s\": rlimits.max: unknown type \"%s\"",
		               ctx->profile->name, type);
	if (!YAJL_IS_OBJECT(m) || !pal_json_u64(pal_json_get(m, "soft"), soft) ||
	    !pal_json_u64(pal_json_get(m, "hard"), hard))
		return pal_err(err, EINVAL,
		               "profile \"%s\": rlimits.max.%s: must be {\"soft\": N, \"hard\": N} "
		               "with unsigned integers",
		               ctx->profile->name, type);
	return 0;
}

/* Every entry must be an object with a string type and unsigned soft and
 * hard: runc's decoder rejects anything else, and a missing number would
 * silently read as 0 there. */
static int check_entries(yajl_val rl, pal_error *err)
{
	for (size_t i = 0; i < rl->u.array.len; i++) {
		yajl_val e = rl->u.array.values[i];
		uint64_t n;

		if (!YAJL_IS_OBJECT(e))
			return pal_err(err, EINVAL,
			               "config.json: process.rlimits[%zu]: must be an object", i);
		if (!YAJL_IS_STRING(pal_json_get(e, "type")))
			return pal_err(err, EINVAL,
			               "config.json: process.rlimits[%zu].type: must be a string",
			               i);
		if (!pal_json_u64(pal_json_get(e, "soft"), &n))
			return pal_err(
			    err, EINVAL,
			    "config.json: process.rlimits[%zu].soft: must be an unsigned "
			    "integer",
			    i);
		if (!pal_json_u64(pal_json_get(e, "hard"), &n))
			return pal_err(
			    err, EINVAL,
			    "config.json: process.rlimits[%zu].hard: must be an unsigned "
			    "integer",
			    i);
	}
	return 0;
}

static int set_u64(yajl_val obj, const char *key, uint64_t n, pal_error *err)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%" PRIu64, n);
	return pal_json_set(obj, key, pal_json_new_number(buf), err);
}

static int lower(const struct pal_rewrite_ctx *ctx, yajl_val e, size_t i, uint64_t max_soft,
                 uint64_t max_hard, pal_error *err)
{
	uint64_t soft = 0, hard = 0, nsoft, nhard;
	char field[64];

	/* both checked by check_entries() */
	pal_json_u64(pal_json_get(e, "soft"), &soft);
	pal_json_u64(pal_json_get(e, "hard"), &hard);
	nhard = min_u64(hard, max_hard);
	nsoft = min_u64(min_u64(soft, max_soft), nhard);
	if (nhard == hard && nsoft == soft)
		return 0;
	if (nhard != hard && set_u64(e, "hard", nhard, err) < 0)
		return -1;
	if (nsoft != soft && set_u64(e, "soft", nsoft, err) < 0)
		return -1;
	snprintf(field, sizeof(field), "process.rlimits[%zu]", i);
	pal_rule_note(ctx, RULE, field,
	              "%s lowered from soft %" PRIu64 " hard %" PRIu64 " to soft %" PRIu64
	              " hard %" PRIu64,
	              pal_json_get(e, "type")->u.string, soft, hard, nsoft, nhard);
	return 0;
}

static int add(const struct pal_rewrite_ctx *ctx, yajl_val spec, yajl_val *rl, const char *type,
               uint64_t soft, uint64_t hard, pal_error *err)
{
	yajl_val process, e;
	char field[64];

	if (!*rl) {
		process = pal_json_ensure_object(spec, "process", err);
		if (!process)
			return -1;
		*rl = pal_json_new_array();
		if (pal_json_set(process, "rlimits", *rl, err) < 0)
			return -1;
	}
	/* member order as `runc spec` writes it */
	e = pal_json_new_object();
	if (pal_json_append(*rl, e, err) < 0)
		return -1;
	if (pal_json_set(e, "type", pal_json_new_string(type), err) < 0 ||
	    set_u64(e, "hard", hard, err) < 0 || set_u64(e, "soft", min_u64(soft, hard), err) < 0)
		return -1;
	snprintf(field, sizeof(field), "process.rlimits[%zu]", (*rl)->u.array.len - 1);
	pal_rule_note(ctx, RULE, field, "%s added with soft %" PRIu64 " hard %" PRIu64, type,
	              min_u64(soft, hard), hard);
	return 0;
}

static int apply(const struct pal_rewrite_ctx *ctx, yajl_val spec, pal_error *err)
{
	yajl_val max = pal_profile_get(ctx->profile, "rlimits", "max");
	yajl_val process, rl;
	uint64_t soft, hard;

	if (!max || YAJL_IS_NULL(max))
		return 0;
	if (!YAJL_IS_OBJECT(max))
		return pal_err(err, EINVAL, "profile \"%s\": rlimits.max: must be an object",
		               ctx->profile->name);
	for (size_t i = 0; i < max->u.object.len; i++)
		if (profile_max(ctx, max, i, &soft, &hard, err) < 0)
			return -1;

	process = pal_json_get(spec, "process");
	if (process && !YAJL_IS_OBJECT(process))
		return pal_err(err, EINVAL, "config.json: process: must be an object");
	rl = pal_json_get(process, "rlimits");
	if (YAJL_IS_NULL(rl))
		rl = NULL; /* Go reads null as absent; add() replaces it */
	if (rl && !YAJL_IS_ARRAY(rl))
		return pal_err(err, EINVAL, "config.json: process.rlimits: must be an array");
	if (rl && check_entries(rl, err) < 0)
		return -1;

	for (size_t i = 0; i < max->u.object.len; i++) {
		const char *type = max->u.object.keys[i];
		size_t n = rl ? rl->u.array.len : 0;
		bool found = false;

		profile_max(ctx, max, i, &soft, &hard, err); /* checked above */
		for (size_t j = 0; j < n; j++) {
			yajl_val e = rl->u.array.values[j];

			if (strcmp(pal_json_get(e, "type")->u.string, type))
				continue;
			/* duplicates are invalid, but every one is lowered:
			 * which one a runtime applies last is its business */
			found = true;
			if (lower(ctx, e, j, soft, hard, err) < 0)
				return -1;
		}
		if (!found && add(ctx, spec, &rl, type, soft, hard, err) < 0)
			return -1;
	}
	return 0;
}

const struct pal_rule pal_rule_rlimits = {
    .name = RULE,
    .apply = apply,
};
