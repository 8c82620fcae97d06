/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The rewrite engine: an ordered list of rules, each in src/rules/<name>.c
 * with its test in tests/unit/test_rule_<name>.c, applied to the tree of a
 * bundle's config.json under a profile.
 *
 * A rule only ever removes privilege.  What it cannot make compliant by
 * removing privilege (root where non-root is required, a host PID namespace
 * where forbidden) it refuses through pal_rule_refuse(), which names the
 * rule, the field, the profile and the annotation that would change it.
 * Rules are idempotent: applying the list to its own output changes nothing.
 *
 * Enforce mode: every rule edits the spec; the first refusal stops.
 * Audit mode ("log-only"): every rule runs on a scratch copy so that what it
 * would change and refuse is reported, and only rules flagged audit_applies
 * edit the real spec (seccomp, in its logging form, and annotate).
 */
#ifndef PALISADE_REWRITE_H
#define PALISADE_REWRITE_H

#include <stdbool.h>
#include <stddef.h>
#include <yajl/yajl_tree.h>

#include "palisade/cli.h"
#include "palisade/error.h"
#include "palisade/profile.h"

/* Annotations Palisade reads (selection) and writes (what it applied);
 * engines should keep pods from setting them (see `palisade features`). */
#define PAL_ANNOTATION_PREFIX "io.palisade."
#define PAL_ANNOTATION_PROFILE "io.palisade.profile"
#define PAL_ANNOTATION_MODE "io.palisade.mode"
#define PAL_ANNOTATION_VERSION "io.palisade.version"
#define PAL_ANNOTATION_APPLIED_PROFILE "io.palisade.applied.profile"
#define PAL_ANNOTATION_APPLIED_MODE "io.palisade.applied.mode"

struct pal_finding {
	char rule[32];
	char field[160]; /* JSON path in the spec, e.g. "process.user.uid" */
	bool refused;    /* false: a change the rule made (or would make) */
	char msg[384];
};

struct pal_report {
	struct pal_finding *items;
	size_t n;
};

struct pal_rewrite_ctx {
	enum pal_cmd cmd;                  /* create, run, restore; NONE for check */
	const char *id;                    /* container id, NULL for check */
	const char *bundle;                /* bundle directory as given */
	int bundle_fd;                     /* open bundle dir, -1 when none (unit tests) */
	const struct pal_profile *profile; /* never NULL */
	enum pal_mode mode;                /* effective mode (annotation over profile) */
	const char *backend;               /* "runc", "crun": basename of the runtime */
	struct pal_report *report;         /* may be NULL */
	const char *self_exe;   /* this palisade, for its own hook; NULL: SBINDIR/palisade */
	const char *state_root; /* the backend's --root; NULL: /run/runc */
	/* Palisade's seccomp listener (notify.h): enforce-mode denials go
	 * through it; NULL (unit tests, check): SCMP_ACT_ERRNO */
	const char *notify_path;
};

struct pal_rule {
	const char *name;
	bool audit_applies; /* edits the real spec in audit mode too */
	int (*apply)(const struct pal_rewrite_ctx *ctx, yajl_val spec, pal_error *err);
};

/* Apply every rule in order; a failure is prefixed with the rule's name. */
int pal_rewrite(const struct pal_rewrite_ctx *ctx, yajl_val spec, pal_error *err);

/* For rules: refuse FIELD.  Enforce mode: fills *err with
 *   refused by profile "P" (rule R): FIELD: <why>; select a profile that
 *   allows it with the annotation io.palisade.profile
 * and returns -1.  Audit mode: records a finding and returns 0. */
int pal_rule_refuse(const struct pal_rewrite_ctx *ctx, const char *rule, const char *field,
		    pal_error *err, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* For rules: note a change made (shown by `palisade check`, logged in
 * audit mode).  Never fails: a report that cannot grow loses the note. */
void pal_rule_note(const struct pal_rewrite_ctx *ctx, const char *rule, const char *field,
		   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

void pal_report_free(struct pal_report *r);

/* HOOK is one Palisade's bpf rule writes (see src/rules/bpf.c): the hooks
 * rule lets it through, the bpf rule replaces it. */
bool pal_rule_bpf_is_own_hook(const struct pal_rewrite_ctx *ctx, yajl_val hook);

/* The rules, in the order they run (see rewrite.c). */
extern const struct pal_rule pal_rule_privileged;
extern const struct pal_rule pal_rule_namespaces;
extern const struct pal_rule pal_rule_user;
extern const struct pal_rule pal_rule_capabilities;
extern const struct pal_rule pal_rule_no_new_privileges;
extern const struct pal_rule pal_rule_seccomp;
extern const struct pal_rule pal_rule_masked_paths;
extern const struct pal_rule pal_rule_mounts;
extern const struct pal_rule pal_rule_devices;
extern const struct pal_rule pal_rule_sysctls;
extern const struct pal_rule pal_rule_rlimits;
extern const struct pal_rule pal_rule_hooks;
extern const struct pal_rule pal_rule_bpf;
extern const struct pal_rule pal_rule_rootfs;
extern const struct pal_rule pal_rule_preflight;
extern const struct pal_rule pal_rule_annotate;

#endif
