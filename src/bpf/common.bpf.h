/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What both BPF objects (lsm.bpf.c, cgroup.bpf.c) share: the maps, the
 * policy lookup, the verdict, the event emitter with its in-kernel rate
 * limiter, and the CIDR and path matchers.  Layouts are bpf_abi.h's.
 *
 * Every shared map is pinned by name (LIBBPF_PIN_BY_NAME): the loader gives
 * both objects the same pin_root_path, so whichever object loads first
 * creates and pins a map and the other one reuses it.  The two objects
 * must therefore declare each map identically, which is why they are
 * declared here and only here.
 *
 * Kernels: the same objects load on 6.1 (Debian's cloud kernel) and on
 * current kernels; every kernel struct is read through CO-RE relocations
 * against the build machine's vmlinux.h.
 */
#ifndef PALISADE_COMMON_BPF_H
#define PALISADE_COMMON_BPF_H

#include "vmlinux.h"

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "palisade/bpf_abi.h"

/* uapi values that vmlinux.h (types only) does not carry */
#define EPERM 1
#define AF_INET 2
#define AF_INET6 10
#define AF_PACKET 17
#define SOCK_RAW 3
#define SOCK_PACKET 10
#define SOCK_TYPE_MASK 0xf

char LICENSE[] SEC("license") = "GPL";

/* ------------------------------------------------------------------ maps */

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, struct pal_bpf_policy);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} pal_policy SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, struct pal_bpf_cstate);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} pal_cstate SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 16384);
	__type(key, struct pal_bpf_path_key);
	__type(value, struct pal_bpf_path_val);
	__uint(map_flags, BPF_F_NO_PREALLOC); /* an LPM trie requires it */
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} pal_paths SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 4096);
	__type(key, struct pal_bpf_net_key);
	__type(value, struct pal_bpf_net_val);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} pal_nets SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} pal_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} pal_drops SEC(".maps");

/* LRU: an unbounded stream of (container, capability) pairs must not fill
 * the map; forgetting an old pair only means its next use is logged again. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, struct pal_bpf_capseen_key);
	__type(value, __u8);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} pal_capseen SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct pal_bpf_meta);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} pal_meta SEC(".maps");

/* --------------------------------------------------------------- policy */

/* The current task is the container's init, not yet exec'd: the runtime
 * setting the container up, not policed. */
static __always_inline bool is_pending_init(const struct pal_bpf_policy *p)
{
	return !(p->flags & PAL_BPF_F_ARMED) &&
	       (__u32)(bpf_get_current_pid_tgid() >> 32) == p->init_tgid;
}

/*
 * The policy governing the current task: its own cgroup's, else the nearest
 * registered ancestor's (a container may make sub-cgroups).  The walk goes
 * from level 1 down and stops at the first level the task does not reach
 * (ancestor id 0); the deepest hit is the nearest ancestor.  Walking this
 * way costs a host task (depth 1-3, no policy) a few lookups per hook
 * instead of PAL_BPF_MAX_DEPTH.  The root cgroup (level 0) is never a
 * container.  NEED_ARMED (all but the arming paths): NULL for the pending
 * init, which is not policed.
 */
static __always_inline struct pal_bpf_policy *find_policy(bool need_armed)
{
	struct pal_bpf_policy *p, *found = NULL;
	__u64 cgid = bpf_get_current_cgroup_id();

	p = bpf_map_lookup_elem(&pal_policy, &cgid);
	if (p)
		goto out;
	for (int level = 1; level <= PAL_BPF_MAX_DEPTH; level++) {
		__u64 anc = bpf_get_current_ancestor_cgroup_id(level);

		if (!anc || anc == cgid)
			break;
		p = bpf_map_lookup_elem(&pal_policy, &anc);
		if (p)
			found = p;
	}
	p = found;
out:
	if (p && need_armed && is_pending_init(p))
		return NULL;
	return p;
}

/* Arm at the init's exec: from now on every check applies to every task
 * (bpf_abi.h, "pending").  Another task's exec arms nothing. */
static __always_inline void arm(struct pal_bpf_policy *p)
{
	if (!(p->flags & PAL_BPF_F_ARMED) &&
	    (__u32)(bpf_get_current_pid_tgid() >> 32) == p->init_tgid)
		__sync_fetch_and_or(&p->flags, PAL_BPF_F_ARMED);
}

/* The verdict RULE gives under P: 0 when the rule is off. */
static __always_inline int rule_verdict(const struct pal_bpf_policy *p, unsigned rule)
{
	if (rule >= PAL_BPF_RULE_MAX)
		return 0;
	switch (p->action[rule]) {
	case PAL_BPF_ACT_DENY:
		return PAL_BPF_VERDICT_DENY;
	case PAL_BPF_ACT_AUDIT:
		return PAL_BPF_VERDICT_AUDIT;
	default:
		return 0;
	}
}

/* The verdict RULE gives the current task, 0 when no armed policy governs
 * it or the rule is off; *PP is the policy (set whenever the result is
 * not 0). */
static __always_inline int policed(unsigned rule, struct pal_bpf_policy **pp)
{
	*pp = find_policy(true);
	return *pp ? rule_verdict(*pp, rule) : 0;
}

/* What an LSM program returns for VERDICT. */
static __always_inline int decide(int verdict)
{
	return verdict == PAL_BPF_VERDICT_DENY ? -EPERM : 0;
}

/* --------------------------------------------------------------- events */

/*
 * Count a hit of RULE for P's container and, unless the container is over
 * its rate, reserve an event with everything but the detail filled (the
 * detail is zeroed).  NULL when there is nothing to fill: the caller then
 * only returns its verdict.  The rate is a fixed one-second window per
 * container; its reset races benignly (two CPUs may both reset it, letting
 * a few more events through), the counts themselves are atomic.  Without a
 * cstate entry (registration is all or nothing, so only during an
 * unregister) the event goes out unlimited rather than be lost.
 */
static __always_inline struct pal_bpf_event *event_open(const struct pal_bpf_policy *p,
							unsigned hook, unsigned rule,
							unsigned verdict)
{
	struct pal_bpf_cstate *cs = bpf_map_lookup_elem(&pal_cstate, &p->cgroup_id);
	struct pal_bpf_event *ev;
	__u64 id, now;

	if (cs) {
		__u32 rate = p->rate_per_sec ? p->rate_per_sec : PAL_BPF_RATE_DEFAULT;

		if (rule < PAL_BPF_RULE_MAX)
			__sync_fetch_and_add(&cs->hits[rule], 1);
		now = bpf_ktime_get_ns();
		if (now - cs->window_start_ns >= PAL_BPF_RATE_BURST_NS) {
			cs->window_start_ns = now;
			cs->window_count = 0;
		}
		if (__sync_fetch_and_add(&cs->window_count, 1) >= rate) {
			__sync_fetch_and_add(&cs->suppressed, 1);
			return NULL;
		}
	}

	ev = bpf_ringbuf_reserve(&pal_events, sizeof(*ev), 0);
	if (!ev) {
		__u32 zero = 0;
		__u64 *drops = bpf_map_lookup_elem(&pal_drops, &zero);

		if (drops)
			*drops += 1; /* per CPU: no other writer */
		return NULL;
	}
	id = bpf_get_current_pid_tgid();
	ev->ts_boot_ns = bpf_ktime_get_boot_ns();
	ev->cgroup_id = p->cgroup_id;
	ev->pid = id >> 32;
	ev->tid = (__u32)id;
	ev->uid = (__u32)bpf_get_current_uid_gid();
	ev->hook = hook;
	ev->rule = rule;
	ev->verdict = verdict;
	bpf_get_current_comm(ev->comm, sizeof(ev->comm));
	/* the ring's memory holds older records: never hand them out again */
	__builtin_memset(&ev->d, 0, sizeof(ev->d));
	return ev;
}

static __always_inline void event_send(struct pal_bpf_event *ev)
{
	bpf_ringbuf_submit(ev, 0);
}

/* An event without detail. */
static __always_inline void emit(const struct pal_bpf_policy *p, unsigned hook, unsigned rule,
				 unsigned verdict)
{
	struct pal_bpf_event *ev = event_open(p, hook, rule, verdict);

	if (ev)
		event_send(ev);
}

/* ----------------------------------------------------------------- CIDRs */

/*
 * Is a destination denied for P's container?  ADDR is in network order:
 * 4 bytes for AF_INET, 16 for AF_INET6.  An IPv4-mapped IPv6 address
 * (::ffff:a.b.c.d) is looked up as the IPv4 address it is, so that a v4
 * deny entry cannot be bypassed through a dual-stack socket.
 */
static __always_inline bool net_denied(const struct pal_bpf_policy *p, __u32 family,
				       const __u32 addr[4])
{
	struct pal_bpf_net_key key = {};

	key.cgroup_id = p->cgroup_id;
	if (family == AF_INET6 && addr[0] == 0 && addr[1] == 0 &&
	    addr[2] == bpf_htonl(0x0000ffff)) {
		family = AF_INET;
		addr = &addr[3];
	}
	key.family = family;
	if (family == AF_INET) {
		key.prefixlen = 32 + 64 + 32;
		__builtin_memcpy(key.addr, addr, 4);
	} else if (family == AF_INET6) {
		key.prefixlen = 32 + 64 + 128;
		__builtin_memcpy(key.addr, addr, 16);
	} else {
		return false;
	}
	return bpf_map_lookup_elem(&pal_nets, &key) != NULL;
}

/* The event's net detail; PORT in network order as sockaddrs carry it. */
static __always_inline void event_net(struct pal_bpf_event *ev, __u32 family, const __u32 addr[4],
				      __u16 port_be)
{
	ev->d.net.family = family;
	ev->d.net.port = bpf_ntohs(port_be);
	if (family == AF_INET)
		__builtin_memcpy(ev->d.net.addr, addr, 4);
	else
		__builtin_memcpy(ev->d.net.addr, addr, 16);
}

#endif
