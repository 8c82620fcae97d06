/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The rewrite engine: an ordered list of rules, each in src/rules/<name>.c,
 * applied to the tree of a bundle's config.json.  A rule may only tighten;
 * it refuses (returns -1 with a message naming itself, the field and why)
 * what it cannot make compliant.  Rules are idempotent: applying the list to
 * its own output changes nothing.
 */
#ifndef PALISADE_REWRITE_H
#define PALISADE_REWRITE_H

#include <yajl/yajl_tree.h>

#include "palisade/cli.h"
#include "palisade/error.h"

/* Annotations Palisade writes; engines should keep pods from setting them
 * (see `palisade features`). */
#define PAL_ANNOTATION_PREFIX "io.palisade."
#define PAL_ANNOTATION_VERSION "io.palisade.version"

struct pal_rewrite_ctx {
	enum pal_cmd cmd;   /* create, run or restore */
	const char *id;     /* container id */
	const char *bundle; /* bundle directory as given */
};

struct pal_rule {
	const char *name;
	int (*apply)(const struct pal_rewrite_ctx *ctx, yajl_val spec, pal_error *err);
};

/* Apply every rule in order; a failure is prefixed with the rule's name. */
int pal_rewrite(const struct pal_rewrite_ctx *ctx, yajl_val spec, pal_error *err);

/* The rules, in the order they run. */
extern const struct pal_rule pal_rule_annotate;

#endif
