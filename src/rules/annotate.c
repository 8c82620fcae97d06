/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Rule "annotate": record in the spec's annotations that Palisade rewrote
 * it, and with which version.  The value is never trusted as input: a bundle
 * that arrives already carrying it is rewritten all the same.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "palisade/json.h"
#include "palisade/rewrite.h"

static int apply(const struct pal_rewrite_ctx *ctx, yajl_val spec, pal_error *err)
{
	yajl_val ann = pal_json_get(spec, "annotations");
	yajl_val cur;

	(void)ctx;
	if (ann && !YAJL_IS_OBJECT(ann))
		return pal_err(err, EINVAL, "config.json: annotations: must be an object");
	if (!ann) {
		ann = pal_json_ensure_object(spec, "annotations", err);
		if (!ann)
			return -1;
	}
	cur = pal_json_get(ann, PAL_ANNOTATION_VERSION);
	if (YAJL_IS_STRING(cur) && !strcmp(cur->u.string, PACKAGE_VERSION))
		return 0;
	return pal_json_set(ann, PAL_ANNOTATION_VERSION, pal_json_new_string(PACKAGE_VERSION), err);
}

const struct pal_rule pal_rule_annotate = {
	.name = "annotate",
	.apply = apply,
};
