/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Rule "no_new_privileges": under a profile with "noNewPrivileges": true,
 * set process.noNewPrivileges to true (runtime-spec config.md, "process").
 *
 * Why: the runtime then sets PR_SET_NO_NEW_PRIVS before exec, after which
 * execve() never grants privileges the caller does not have: setuid/setgid
 * bits and file capabilities are ignored (Documentation/userspace-api/
 * no_new_privs.rst).  A setuid binary in the image is the classic way back
 * to root from a non-root container user, and CVE-2019-5736-style exploits
 * of runtimes rely on a privileged exec too.  Docker's
 * --security-opt no-new-privileges, Podman's default and the Pod Security
 * Standard "restricted" (allowPrivilegeEscalation: false) all mean this bit.
 *
 * "noNewPrivileges": false in a profile does nothing: a profile never
 * loosens what the spec asks for.  A spec without "process" gets one holding
 * only the flag: the flag is forced, and runc refuses such a spec anyway.
 */
#include "config.h"

#include <errno.h>

#include "palisade/json.h"
#include "palisade/rewrite.h"

#define RULE "no_new_privileges"

static int apply(const struct pal_rewrite_ctx *ctx, yajl_val spec, pal_error *err)
{
	yajl_val want = pal_profile_get(ctx->profile, "noNewPrivileges", NULL);
	yajl_val process, cur;

	if (!want || YAJL_IS_NULL(want))
		return 0;
	if (!YAJL_IS_TRUE(want) && !YAJL_IS_FALSE(want))
		return pal_err(err, EINVAL, "profile \"%s\": noNewPrivileges: must be a boolean",
		               ctx->profile->name);
	if (YAJL_IS_FALSE(want))
		return 0;

	process = pal_json_get(spec, "process");
	if (process && !YAJL_IS_OBJECT(process))
		return pal_err(err, EINVAL, "config.json: process: must be an object");
	cur = pal_json_get(process, "noNewPrivileges");
	/* null is what Go's decoder (runc's) reads as absent */
	if (YAJL_IS_NULL(cur))
		cur = NULL;
	if (cur && !YAJL_IS_TRUE(cur) && !YAJL_IS_FALSE(cur))
		return pal_err(err, EINVAL,
		               "config.json: process.noNewPrivileges: must be a boolean");
	if (YAJL_IS_TRUE(cur))
		return 0;

	process = pal_json_ensure_object(spec, "process", err);
	if (!process)
		return -1;
	if (pal_json_set(process, "noNewPrivileges", pal_json_new_bool(true), err) < 0)
		return -1;
	pal_rule_note(ctx, RULE, "process.noNewPrivileges", "set to true (was %s)",
	              cur ? "false" : "absent");
	return 0;
}

const struct pal_rule pal_rule_no_new_privileges = {
    .name = RULE,
    .apply = apply,
};
