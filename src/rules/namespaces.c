/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Rule "namespaces": placeholder until its module lands (issue 3). */
#include "config.h"

#include "palisade/rewrite.h"

static int apply(const struct pal_rewrite_ctx *ctx, yajl_val spec, pal_error *err)
{
	(void)ctx;
	(void)spec;
	(void)err;
	return 0;
}

const struct pal_rule pal_rule_namespaces = {
	.name = "namespaces",
	.apply = apply,
};
