/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "palisade/cleanup.h"
#include "palisade/json.h"
#include "palisade/rewrite.h"

/* The order is part of the contract:
 * - privileged first: a privileged spec is refused before anything is
 *   rewritten in it;
 * - user and namespaces before capabilities: they refuse, cheaply;
 * - preflight after every rule that adds or changes mounts and masked
 *   paths, so it checks what the backend will really mount over;
 * - annotate last: it records what the rules did. */
static const struct pal_rule *const rules[] = {
	&pal_rule_privileged,
	&pal_rule_namespaces,
	&pal_rule_user,
	&pal_rule_capabilities,
	&pal_rule_no_new_privileges,
	&pal_rule_seccomp,
	&pal_rule_masked_paths,
	&pal_rule_mounts,
	&pal_rule_devices,
	&pal_rule_sysctls,
	&pal_rule_rlimits,
	&pal_rule_hooks,
	&pal_rule_bpf,
	&pal_rule_rootfs,
	&pal_rule_preflight,
	&pal_rule_annotate,
};

#define REFUSAL_HEAD "refused by profile "

static int run(const struct pal_rewrite_ctx *ctx, yajl_val spec, bool only_audit_applies,
	       pal_error *err)
{
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		if (only_audit_applies && !rules[i]->audit_applies)
			continue;
		if (rules[i]->apply(ctx, spec, err) < 0) {
			/* pal_rule_refuse's message names the rule already */
			if (!strncmp(err->msg, REFUSAL_HEAD, strlen(REFUSAL_HEAD)))
				return -1;
			return pal_err_prefix(err, "rule %s", rules[i]->name);
		}
	}
	return 0;
}

int pal_rewrite(const struct pal_rewrite_ctx *ctx, yajl_val spec, pal_error *err)
{
	_cleanup_yajl_val_ yajl_val scratch = NULL;

	if (!YAJL_IS_OBJECT(spec))
		return pal_err(err, EINVAL, "config.json: not a JSON object");
	if (ctx->mode == PAL_MODE_ENFORCE)
		return run(ctx, spec, false, err);

	/* audit: learn what enforce would do on a copy, apply only logging */
	scratch = pal_json_dup(spec);
	if (!scratch)
		return pal_err(err, ENOMEM, "config.json");
	if (run(ctx, scratch, false, err) < 0)
		return -1;
	return run(ctx, spec, true, err);
}

static void add(struct pal_report *r, const char *rule, const char *field, bool refused,
		const char *fmt, va_list ap)
{
	struct pal_finding *items, *f;

	if (!r)
		return;
	items = realloc(r->items, (r->n + 1) * sizeof(*items));
	if (!items)
		return;
	r->items = items;
	f = &items[r->n++];
	snprintf(f->rule, sizeof(f->rule), "%s", rule);
	snprintf(f->field, sizeof(f->field), "%s", field);
	f->refused = refused;
	vsnprintf(f->msg, sizeof(f->msg), fmt, ap);
}

int pal_rule_refuse(const struct pal_rewrite_ctx *ctx, const char *rule, const char *field,
		    pal_error *err, const char *fmt, ...)
{
	char why[PAL_ERROR_MAX / 2];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (ctx->mode == PAL_MODE_AUDIT) {
		va_start(ap, fmt);
		add(ctx->report, rule, field, true, fmt, ap);
		va_end(ap);
		return 0;
	}
	va_start(ap, fmt);
	add(ctx->report, rule, field, true, fmt, ap);
	va_end(ap);
	return pal_err_code(err, EPERM,
			    REFUSAL_HEAD "\"%s\" (rule %s): %s: %s; select a profile that allows "
			    "it with the annotation " PAL_ANNOTATION_PROFILE,
			    ctx->profile->name, rule, field, why);
}

void pal_rule_note(const struct pal_rewrite_ctx *ctx, const char *rule, const char *field,
		   const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add(ctx->report, rule, field, false, fmt, ap);
	va_end(ap);
}

void pal_report_free(struct pal_report *r)
{
	free(r->items);
	r->items = NULL;
	r->n = 0;
}
