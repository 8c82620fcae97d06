/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>

#include "palisade/rewrite.h"

/* Order matters once rules read what earlier ones wrote: the annotation
 * recording what was applied comes last. */
static const struct pal_rule *const rules[] = {
	&pal_rule_annotate,
};

int pal_rewrite(const struct pal_rewrite_ctx *ctx, yajl_val spec, pal_error *err)
{
	if (!YAJL_IS_OBJECT(spec))
		return pal_err(err, EINVAL, "config.json: not a JSON object");
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (rules[i]->apply(ctx, spec, err) < 0)
			return pal_err_prefix(err, "rule %s", rules[i]->name);
	return 0;
}
