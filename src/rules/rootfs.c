/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Rule "rootfs": with "rootfs": {"readonly": true} in the profile,
 * root.readonly becomes true.
 *
 * Why: a read-only root filesystem means a compromised process cannot plant
 * binaries, libraries or cron/profile scripts in the image, nor tamper with
 * the image's own tools; writable state goes to explicit volumes and tmpfs
 * mounts that can carry noexec.  Docker's --read-only, Kubernetes'
 * readOnlyRootFilesystem and CIS Docker Benchmark 5.12 recommend it
 * (runtime-spec config.md "Root": readonly is applied by the runtime with a
 * read-only remount of the root after the mounts are set up).
 *
 * "readonly": false (or absent) constrains nothing: it does not make a
 * read-only root writable, that would add privilege.
 */
#include "config.h"

#include <errno.h>

#include "palisade/json.h"
#include "palisade/rewrite.h"

#define RULE "rootfs"

static int apply(const struct pal_rewrite_ctx *ctx, yajl_val spec, pal_error *err)
{
	yajl_val want = pal_profile_get(ctx->profile, "rootfs", "readonly");
	yajl_val root, ro;

	if (!want)
		return 0;
	if (!YAJL_IS_TRUE(want) && !YAJL_IS_FALSE(want))
		return pal_err(err, EINVAL, "profile \"%s\": rootfs.readonly: must be a boolean",
		               ctx->profile->name);
	if (YAJL_IS_FALSE(want))
		return 0;

	root = pal_json_get(spec, "root");
	if (root && !YAJL_IS_OBJECT(root))
		return pal_err(err, EINVAL, "config.json: root: must be an object");
	ro = pal_json_get(root, "readonly");
	if (ro && !YAJL_IS_TRUE(ro) && !YAJL_IS_FALSE(ro))
		return pal_err(err, EINVAL, "config.json: root.readonly: must be a boolean");
	if (YAJL_IS_TRUE(ro))
		return 0;

	/* A spec without "root" cannot start (runc: "root must be specified");
	 * adding the object keeps the rule simple and never loosens anything. */
	if (!root) {
		root = pal_json_ensure_object(spec, "root", err);
		if (!root)
			return pal_err_prefix(err, "config.json: root");
	}
	if (pal_json_set(root, "readonly", pal_json_new_bool(true), err) < 0)
		return pal_err_prefix(err, "config.json: root.readonly");
	pal_rule_note(ctx, RULE, "root.readonly", "root filesystem made read-only");
	return 0;
}

const struct pal_rule pal_rule_rootfs = {
    .name = RULE,
    .apply = apply,
};
