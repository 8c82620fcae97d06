/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A privilege model of an OCI runtime spec, for the property tests of the
 * rewrite engine (tests/unit/test_never_loosen.c).
 *
 * priv_le_input(OUT, IN) reports every way OUT grants a privilege IN did
 * not; priv_le_profile(OUT, PROFILE) every way OUT grants what a resolved
 * profile tree forbids.  The model is deliberately independent of the rules
 * (it is written from the runtime-spec and from what runc 1.1 does with each
 * field), so that a rule and the model agreeing is evidence, not an echo.
 *
 * Seccomp filters are evaluated by a small interpreter of the OCI seccomp
 * object for the native architecture (x86_64), following runc's translation
 * to libseccomp; see privilege.c for the semantics and where the model is
 * conservative.
 */
#ifndef PAL_PRIVILEGE_H
#define PAL_PRIVILEGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yajl/yajl_tree.h>

#define PRIV_MAX_VIOLATIONS 16

struct priv_violation {
	char section[24]; /* "capabilities", "seccomp", ... (see priv_section_rule) */
	char msg[360];
};

struct priv_result {
	struct priv_violation v[PRIV_MAX_VIOLATIONS];
	size_t n;     /* kept (at most PRIV_MAX_VIOLATIONS) */
	size_t total; /* found */
};

/* OUT grants nothing IN did not.  Appends to R; returns the number found. */
size_t priv_le_input(yajl_val out, yajl_val in, struct priv_result *r);

/* OUT grants nothing the resolved profile tree PROFILE forbids. */
size_t priv_le_profile(yajl_val out, yajl_val profile, struct priv_result *r);

/* The rule that owns a section of the model, for blame: "capabilities" ->
 * "capabilities", "maskedPaths" -> "masked_paths", ... */
const char *priv_section_rule(const char *section);

/* The capabilities libcap knows ("CAP_CHOWN", ...), by number. */
int priv_cap_count(void);
const char *priv_cap_name(int c);

/* ------------------------------------------------------------- seccomp */

/* Privilege of a seccomp outcome: the call is not executed, executed under
 * a supervisor (tracer, user notification), executed. */
enum priv_level {
	PRIV_DENIED = 0,
	PRIV_SUPERVISED = 1,
	PRIV_EXECUTED = 2,
};

#define PRIV_MAX_OUTCOMES 16

/* The possible actions (libseccomp values, SCMP_ACT_*) for one call.  More
 * than one when rules of the call overlap with different actions: which one
 * libseccomp's decision tree returns is not specified, so the model keeps
 * all of them. */
struct priv_outcome {
	uint32_t act[PRIV_MAX_OUTCOMES];
	size_t n;
	bool matched;    /* some rule matched (false: the default action) */
	bool unreliable; /* several conditional rules: the set holds every action
	                    libseccomp's merged tree may give, not just the
	                    matching rules' (see privilege.c) */
};

struct priv_filter;

/* Compile the OCI "linux.seccomp" object SECCOMP (NULL: no filter, which
 * allows every call).  NULL with WHY filled when the object is one runc
 * would refuse to load (then it grants nothing: the container does not
 * start). */
struct priv_filter *priv_filter_compile(yajl_val seccomp, char *why, size_t whylen);

/* The profile's "seccomp" section as a filter: allow and conditional are
 * SCMP_ACT_ALLOW, anything else is denied.  NULL section: allows all. */
struct priv_filter *priv_filter_from_profile(yajl_val section, char *why, size_t whylen);

void priv_filter_free(struct priv_filter *f);

void priv_filter_eval(const struct priv_filter *f, int nr, const uint64_t args[6],
                      struct priv_outcome *o);

/* The rule list of NR in A and in B is the same (same actions, conditions,
 * order) and so is the default: libseccomp builds the same tree for both. */
bool priv_filter_same_rules(const struct priv_filter *a, const struct priv_filter *b, int nr);

/* Does F contain a rule with SCMP_ACT_NOTIFY (a kernel check would block)? */
bool priv_filter_has_notify(const struct priv_filter *f);

/* Load F into the calling process with libseccomp (for the kernel check;
 * call in a child).  ALSO_ALLOW: syscall numbers forced to SCMP_ACT_ALLOW
 * (exit_group: the child must be able to report), -1 terminated.  Returns
 * 0 or -errno. */
int priv_filter_load(const struct priv_filter *f, const int *also_allow);

/* Syscall numbers any of the filters names, plus FIXED (-1 terminated);
 * sorted, unique; caller frees. */
int *priv_filter_syscalls(const struct priv_filter *const *fs, size_t nfs, const int *fixed,
                          size_t *n);

/* Argument vectors worth trying for NR in any of FS: each rule's
 * conditions met, and each one missed, plus zeros and all-ones.  Returns a
 * malloc'd array of *N vectors. */
uint64_t (*priv_filter_argvecs(const struct priv_filter *const *fs, size_t nfs, int nr,
                               size_t *n))[6];

/* The action libseccomp and the kernel really take for NR(ARGS) under F,
 * found by loading F's rules for NR (moved onto getppid, actions replaced
 * by markers) in a child.  For calls the model leaves ambiguous.  0 or
 * -errno. */
int priv_filter_kernel_action(const struct priv_filter *f, int nr, const uint64_t args[6],
                              uint32_t *act);

/* How many ambiguous comparisons were settled by asking the kernel, how
 * many probes ran (others were cached), how many timed out. */
extern size_t priv_kernel_asked, priv_kernel_probes, priv_kernel_timeouts;

enum priv_level priv_action_level(uint32_t act);
const char *priv_action_name(uint32_t act, char *buf, size_t len);

/* Syscall number on x86_64, negative when libseccomp does not know it there
 * (cached). */
int priv_syscall_nr(const char *name);

/* ------------------------------------------------------------- devices */

/* Does the device cgroup list RULES (linux.resources.devices) let a
 * container use device TYPE ('c'/'b') MAJOR:MINOR for ACCESS ('r','w','m')?
 * Starting from runc's "allow all" for an empty list, the last matching
 * rule wins. */
bool priv_devcg_allows(yajl_val rules, char type, int64_t major, int64_t minor, char access);

#endif
