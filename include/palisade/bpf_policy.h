/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A container's BPF policy, compiled from its profile's "bpf" section
 * (palisade-profile(5)), the effective mode and the rewritten spec
 * (src/bpf_policy.c).  Pure user space: no kernel, no maps; bpf.c turns
 * it into map entries.  It travels from `create` to the createRuntime hook
 * inside the container's state record, as JSON (to_json / from_json).
 *
 * Profile section (every member optional; values "deny", "audit", "off",
 * and "log"/"off" for "capabilities"):
 *   "bpf": {
 *     "lsm": "required" | "optional",   default "required": without BPF LSM
 *                                       the container is refused; "optional"
 *                                       logs once what is not enforced
 *     "exec": {"action": "deny", "denyPrefixes": ["/tmp", "/dev/shm"]},
 *     "drift": "deny",
 *     "files": {"action": "deny", "deny": ["/proc/kcore"],
 *               "denyWrite": ["/proc/sys", "/proc/sysrq-trigger"]},
 *     "mount": "deny", "ptrace": "deny", "rawSockets": "deny",
 *     "connect": {"action": "deny", "denyCidrs": ["169.254.169.254/32"]},
 *     "moduleRequest": "deny", "bpf": "deny", "setuidRoot": "deny",
 *     "capabilities": "log", "sysctlWrite": "deny",
 *     "eventsPerSecond": 100            events a second the kernel reports
 *                                       per container (1..PAL_BPF_RATE_MAX,
 *                                       default PAL_BPF_RATE_DEFAULT); the
 *                                       rest are counted, not sent
 *   }
 * In audit mode every "deny" becomes "audit".  "setuidRoot" applies only
 * when the container's process.user.uid is not 0 (otherwise it is off).
 */
#ifndef PALISADE_BPF_POLICY_H
#define PALISADE_BPF_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yajl/yajl_tree.h>

#include "palisade/bpf_abi.h"
#include "palisade/error.h"
#include "palisade/profile.h"

/* At most this many entries in each list of the section (denyPrefixes,
 * deny, denyWrite, denyCidrs): trie entries are per container. */
#define PAL_BPF_LIST_MAX 64

/* The most events a second a profile may let one container report: past
 * this the ring buffer, not the rate, is what limits (bpf_abi.h). */
#define PAL_BPF_RATE_MAX 1000000

struct pal_bpf_cidr {
	int family;        /* AF_INET or AF_INET6 */
	uint8_t addr[16];  /* network order; host bits zeroed */
	unsigned bits;
};

struct pal_bpf_policy_spec {
	uint8_t action[PAL_BPF_RULE_MAX]; /* enum pal_bpf_action */
	bool lsm_required;
	uint32_t root_kuid; /* host uid of container uid 0 (uidMappings) */
	uint32_t rate_per_sec; /* "eventsPerSecond"; 0: PAL_BPF_RATE_DEFAULT */
	char **exec_deny;   /* normalised absolute paths */
	size_t n_exec_deny;
	char **open_deny;
	size_t n_open_deny;
	char **write_deny;
	size_t n_write_deny;
	struct pal_bpf_cidr *cidrs;
	size_t n_cidrs;
};

/* Compile.  A profile without "bpf" gives an empty policy. */
int pal_bpf_policy_build(const struct pal_profile *p, enum pal_mode mode, yajl_val spec,
			 struct pal_bpf_policy_spec *ps, pal_error *err);

/* Every action off: nothing to register, no hook. */
bool pal_bpf_policy_empty(const struct pal_bpf_policy_spec *ps);

/* Rules that only BPF LSM enforces and that are on ("exec, drift, files,
 * ..."), written into BUF; false when none.  Raw sockets and connect also
 * have cgroup-BPF hooks (inet sockets only: AF_PACKET needs LSM, so a
 * raw-socket rule is listed with that caveat). */
bool pal_bpf_policy_lsm_only(const struct pal_bpf_policy_spec *ps, char *buf, size_t size);

/* Does the policy need cgroup-BPF program P attached?  (sock_create,
 * connect4/6, sendmsg4/6, sysctl) */
bool pal_bpf_policy_needs_cgroup(const struct pal_bpf_policy_spec *ps, enum pal_bpf_hook hook);

int pal_bpf_policy_to_json(const struct pal_bpf_policy_spec *ps, yajl_val *out, pal_error *err);
/* Strict: a record edited by hand is checked as a profile would be. */
int pal_bpf_policy_from_json(yajl_val in, struct pal_bpf_policy_spec *ps, pal_error *err);

/* Parse "a.b.c.d/n" or "x::y/n" (host bits must be zero). */
int pal_bpf_cidr_parse(const char *text, struct pal_bpf_cidr *out, pal_error *err);

void pal_bpf_policy_free(struct pal_bpf_policy_spec *ps);

#endif
