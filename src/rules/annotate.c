/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Rule "annotate": record in the spec's annotations what Palisade applied:
 * its version, the profile and the mode.  These values are never trusted as
 * input: a bundle that arrives already carrying them is rewritten all the
 * same (the selection annotations io.palisade.profile/mode are inputs and
 * are left as they are).
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "palisade/json.h"
#include "palisade/rewrite.h"

static int set(yajl_val ann, const char *key, const char *value, pal_error *err)
{
	yajl_val cur = pal_json_get(ann, key);

	if (YAJL_IS_STRING(cur) && !strcmp(cur->u.string, value))
		return 0;
	return pal_json_set(ann, key, pal_json_new_string(value), err);
}

static int apply(const struct pal_rewrite_ctx *ctx, yajl_val spec, pal_error *err)
{
	yajl_val ann = pal_json_get(spec, "annotations");

	if (ann && !YAJL_IS_OBJECT(ann))
		return pal_err(err, EINVAL, "config.json: annotations: must be an object");
	if (!ann) {
		ann = pal_json_ensure_object(spec, "annotations", err);
		if (!ann)
			return -1;
	}
	if (set(ann, PAL_ANNOTATION_VERSION, PACKAGE_VERSION, err) < 0 ||
	    set(ann, PAL_ANNOTATION_APPLIED_PROFILE, ctx->profile->name, err) < 0 ||
	    set(ann, PAL_ANNOTATION_APPLIED_MODE, pal_mode_name(ctx->mode), err) < 0)
		return -1;
	return 0;
}

const struct pal_rule pal_rule_annotate = {
	.name = "annotate",
	.audit_applies = true,
	.apply = apply,
};
