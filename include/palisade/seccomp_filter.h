/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The OCI seccomp filter (runtime-spec config-linux.md "Seccomp") as a
 * model, implemented in src/rules/seccomp.c beside the rule that uses it:
 * parsed and validated from a spec's linux.seccomp, and loaded into a
 * libseccomp context the way runc's libcontainer/seccomp does it, so that
 * tests can run a generated filter on the real kernel.
 *
 * Actions are held in libseccomp's own encoding (SCMP_ACT_ERRNO(n) carries
 * its errno), comparisons one per argument index, sorted by index
 * (libseccomp rejects a rule with two different comparisons on one
 * argument).  An entry becomes rules as runc 1.1 makes them
 * (libcontainer/seccomp/seccomp_linux.go, matchCall): no args, one
 * unconditional rule; args on distinct indices, one rule with all of them
 * AND-ed; an index that repeats, even with an identical comparison, one
 * rule per comparison, OR-ed.
 */
#ifndef PALISADE_SECCOMP_FILTER_H
#define PALISADE_SECCOMP_FILTER_H

#include <seccomp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yajl/yajl_tree.h>

#include "palisade/error.h"

#define PAL_SCMP_MAX_ARGS  6
#define PAL_SCMP_MAX_ARCHS 24

struct pal_scmp_cmp {
	unsigned int index; /* 0..5 */
	enum scmp_compare op;
	uint64_t value;     /* the mask for SCMP_CMP_MASKED_EQ */
	uint64_t value_two; /* the datum for SCMP_CMP_MASKED_EQ, else 0 */
};

/* A conjunction of comparisons and the action taken when all match;
 * ncmp == 0 is an unconditional rule. */
struct pal_scmp_rule {
	uint32_t action;
	unsigned int ncmp;
	struct pal_scmp_cmp cmp[PAL_SCMP_MAX_ARGS];
};

struct pal_scmp_entry {
	const char **names; /* borrowed from the parsed tree */
	size_t nnames;
	uint32_t action;
	struct pal_scmp_rule *rules; /* nrules >= 1, all with ACTION */
	size_t nrules;
};

struct pal_scmp_filter {
	uint32_t default_action;
	uint32_t archs[PAL_SCMP_MAX_ARCHS]; /* as listed, duplicates removed */
	size_t narchs;
	struct pal_scmp_entry *entries;
	size_t nentries;
};

/* Parse and validate SECCOMP (the value of linux.seccomp), naming fields
 * from FIELD ("linux.seccomp") in errors, e.g.
 *   linux.seccomp.syscalls[3].action: unknown action "SCMP_ACT_FOO"
 * Syscall names are not resolved here (runc ignores names libseccomp does
 * not know).  *F borrows strings from SECCOMP; free with
 * pal_seccomp_filter_free(). */
int pal_seccomp_parse(yajl_val seccomp, const char *field, struct pal_scmp_filter *f,
                      pal_error *err);
void pal_seccomp_filter_free(struct pal_scmp_filter *f);

/* Parse one comparison object {"index", "value", "valueTwo", "op"}. */
int pal_seccomp_cmp_parse(yajl_val arg, const char *field, struct pal_scmp_cmp *out,
                          pal_error *err);

/* Add C to R keeping R sorted by index; a second, different comparison
 * on the same argument returns -1 (an identical one is merged).  R holds
 * at most PAL_SCMP_MAX_ARGS comparisons, one per index. */
int pal_seccomp_rule_add_cmp(struct pal_scmp_rule *r, const struct pal_scmp_cmp *c);

/* Build a libseccomp context from linux.seccomp as runc 1.1 does: default
 * action, the listed architectures added to the native one, rules in order,
 * names libseccomp cannot resolve skipped, entries whose action equals the
 * default (errno included) skipped, flags mapped to filter attributes.  libseccomp's own
 * defaults are kept otherwise (it sets no_new_privs when loading). */
int pal_seccomp_load_oci(yajl_val seccomp, scmp_filter_ctx *out, pal_error *err);

/* Names and encodings.  *_name() return NULL for what they do not know;
 * *_parse() return -1. */
const char *pal_seccomp_action_name(uint32_t action);
int pal_seccomp_action_parse(const char *name, uint32_t *action);
bool pal_seccomp_action_has_errno(uint32_t action); /* ERRNO and TRACE */
const char *pal_seccomp_op_name(enum scmp_compare op);
int pal_seccomp_op_parse(const char *name, enum scmp_compare *op);
const char *pal_seccomp_arch_name(uint32_t arch);
int pal_seccomp_arch_parse(const char *name, uint32_t *arch);

/* A non-negative JSON integer up to MAX, from its text. */
int pal_seccomp_uint(yajl_val v, uint64_t max, uint64_t *out);

#endif
