/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The ABI between Palisade's BPF programs (src/bpf/NAME.bpf.c) and user space:
 * map keys and values, the event record, rule and hook numbers.  Included
 * by both sides, so: fixed-size types only, no pointers, no libc.  Any
 * change to a layout bumps PAL_BPF_ABI_VERSION; a loader that finds pinned
 * objects of another version refuses to use them (see bpf.h).
 *
 * Policy is keyed by a container's cgroup v2 id (the inode number of its
 * cgroup directory, what bpf_get_current_cgroup_id() returns), never by a
 * pid or a namespace inode: both are reused, a 64-bit cgroup id is not
 * within a boot.  A task in a descendant of a registered cgroup (a
 * container that makes sub-cgroups) is governed by the nearest registered
 * ancestor: programs walk up to PAL_BPF_MAX_DEPTH levels.
 *
 * A registered container is "pending" until its init process (the
 * runtime's, init_tgid: the pid in the OCI state) execs the user's
 * process: until then that one process is not policed, so the runtime's
 * own setup after registration (mounts, setuid, sysctls) goes through.
 * Every other task in the cgroup is policed from registration on (a
 * createContainer hook the runtime runs inside the container, an exec
 * into a container not yet started).  The init's exec arms the policy
 * before a single instruction of user code runs (raw tracepoint
 * sched_process_exec, and the LSM file_open of the exec'd file where BPF
 * LSM is available, so that the exec itself is checked).
 */
#ifndef PALISADE_BPF_ABI_H
#define PALISADE_BPF_ABI_H

#ifdef __BPF__
/* vmlinux.h gives the __u8.. types on the BPF side */
#else
#include <linux/types.h>
#endif

#define PAL_BPF_ABI_VERSION 1

#define PAL_BPF_MAX_DEPTH 16   /* cgroup levels walked to find a policy */
#define PAL_BPF_PATH_MAX 240   /* path bytes in trie keys and events */
#define PAL_BPF_COMM_LEN 16
#define PAL_BPF_RATE_DEFAULT 100 /* events per second per container */
#define PAL_BPF_RATE_BURST_NS 1000000000ULL /* the rate's window */

/* Rules: what a profile turns on (palisade-profile(5) "bpf" section).
 * policy.action[rule] is one of PAL_BPF_ACT_*. */
enum pal_bpf_rule {
	PAL_BPF_RULE_EXEC_PATH = 0, /* exec of a file under a denied prefix */
	PAL_BPF_RULE_DRIFT,         /* exec of a file created/changed after start */
	PAL_BPF_RULE_FILES,         /* open of a protected path */
	PAL_BPF_RULE_MOUNT,         /* mount / move_mount from inside */
	PAL_BPF_RULE_PTRACE,        /* ptrace, process_vm_* of any task */
	PAL_BPF_RULE_RAW_SOCKET,    /* SOCK_RAW, SOCK_PACKET, AF_PACKET */
	PAL_BPF_RULE_CONNECT,       /* connect/sendmsg to a denied CIDR */
	PAL_BPF_RULE_MODULE,        /* kernel module autoload request */
	PAL_BPF_RULE_BPF,           /* the bpf(2) system call */
	PAL_BPF_RULE_SETUID_ROOT,   /* a uid change to root in a non-root container */
	PAL_BPF_RULE_CAPABLE,       /* capabilities used (log only, first use) */
	PAL_BPF_RULE_SYSCTL_WRITE,  /* a write to /proc/sys (cgroup/sysctl) */
	PAL_BPF_RULE_MAX,
};

enum pal_bpf_action {
	PAL_BPF_ACT_OFF = 0,
	PAL_BPF_ACT_AUDIT = 1, /* allow, report */
	PAL_BPF_ACT_DENY = 2,  /* -EPERM, report */
};

/* Where an event came from. */
enum pal_bpf_hook {
	PAL_BPF_HOOK_FILE_OPEN = 1,
	PAL_BPF_HOOK_BPRM_CHECK,
	PAL_BPF_HOOK_SB_MOUNT,
	PAL_BPF_HOOK_MOVE_MOUNT,
	PAL_BPF_HOOK_PTRACE,
	PAL_BPF_HOOK_SOCKET_CREATE,
	PAL_BPF_HOOK_SOCKET_CONNECT,
	PAL_BPF_HOOK_KMOD_REQUEST,
	PAL_BPF_HOOK_BPF,
	PAL_BPF_HOOK_TASK_FIX_SETUID,
	PAL_BPF_HOOK_CAPABLE,
	PAL_BPF_HOOK_CG_SOCK_CREATE, /* cgroup-BPF from here on */
	PAL_BPF_HOOK_CG_CONNECT4,
	PAL_BPF_HOOK_CG_CONNECT6,
	PAL_BPF_HOOK_CG_SENDMSG4,
	PAL_BPF_HOOK_CG_SENDMSG6,
	PAL_BPF_HOOK_CG_SYSCTL,
	PAL_BPF_HOOK_MAX,
};

enum pal_bpf_verdict {
	PAL_BPF_VERDICT_DENY = 1,  /* the operation failed with EPERM */
	PAL_BPF_VERDICT_AUDIT = 2, /* allowed; enforce mode would deny */
	PAL_BPF_VERDICT_LOG = 3,   /* allowed; reported for learning (capable) */
};

/* policy.flags */
#define PAL_BPF_F_ARMED (1u << 0) /* set by the BPF side at init_tgid's exec */

/* Map "pal_policy": HASH, key __u64 cgroup id. */
struct pal_bpf_policy {
	__u64 cgroup_id;         /* the key, again (events carry it) */
	__u64 start_realtime_ns; /* drift: a file whose ctime is later is new */
	__u32 flags;             /* PAL_BPF_F_* */
	__u32 root_kuid;         /* the kuid that is uid 0 in the container */
	__u32 rate_per_sec;      /* events per window; 0: PAL_BPF_RATE_DEFAULT */
	__u32 init_tgid;         /* exempt until its exec arms the policy */
	__u8 action[16];         /* indexed by enum pal_bpf_rule */
};

/* Map "pal_cstate": HASH, key __u64 cgroup id; created zeroed at
 * registration.  Counters and the in-kernel rate limiter. */
struct pal_bpf_cstate {
	__u64 window_start_ns; /* bpf_ktime_get_ns() */
	__u64 window_count;    /* events emitted in the window */
	__u64 suppressed;      /* events over the rate, counted not sent */
	__u64 hits[16];        /* denials and audit hits per rule */
};

/* Map "pal_paths": LPM_TRIE.  Matching is by path component: an entry
 * "/proc/sys" matches "/proc/sys" and "/proc/sys/x", not "/proc/sysx";
 * "/" matches everything.  The prefix length counts bits from "kind". */
enum pal_bpf_path_kind {
	PAL_BPF_PATH_EXEC = 1,  /* exec denied (rule EXEC_PATH) */
	PAL_BPF_PATH_OPEN = 2,  /* any open denied (rule FILES) */
	PAL_BPF_PATH_WRITE = 3, /* open for writing denied (rule FILES) */
};
struct pal_bpf_path_key {
	__u32 prefixlen; /* 32 + 64 + 8 * strlen(path) for an entry */
	__u32 kind;
	__u64 cgroup_id;
	char path[PAL_BPF_PATH_MAX];
};
struct pal_bpf_path_val {
	__u32 len; /* strlen of the entry's path */
	__u32 pad;
};

/* Map "pal_nets": LPM_TRIE of denied destinations.  IPv4 is stored as
 * family 2 with 4 address bytes; an IPv4-mapped IPv6 destination
 * (::ffff:a.b.c.d) is looked up as IPv4. */
struct pal_bpf_net_key {
	__u32 prefixlen; /* 32 + 64 + CIDR bits */
	__u32 family;    /* AF_INET (2) or AF_INET6 (10) */
	__u64 cgroup_id;
	__u8 addr[16];
};
struct pal_bpf_net_val {
	__u32 bits;
	__u32 pad;
};

/* Map "pal_meta": ARRAY, one entry, written by the loader. */
enum pal_bpf_lsm_state {
	PAL_BPF_LSM_UNKNOWN = 0,
	PAL_BPF_LSM_ACTIVE = 1,      /* LSM programs loaded and attached */
	PAL_BPF_LSM_UNAVAILABLE = 2, /* probe failed: lsm_errno says why */
};
struct pal_bpf_meta {
	__u32 abi;       /* PAL_BPF_ABI_VERSION of the loader that pinned */
	__u32 lsm_state; /* enum pal_bpf_lsm_state */
	__s32 lsm_errno; /* positive errno of the failed LSM load */
	__u32 pad;
};

/* Map "pal_capseen": LRU_HASH, value __u8 (1): the capabilities a
 * container has been seen using, so that rule CAPABLE reports each
 * (container, capability) once.  Unregister deletes a container's keys. */
struct pal_bpf_capseen_key {
	__u64 cgroup_id;
	__u32 cap;
	__u32 pad; /* zero */
};

/* Map "pal_drops": PERCPU_ARRAY, one __u64: ring buffer reservations that
 * failed (the buffer was full).  Rate-limited events are not drops: they
 * are counted in pal_cstate.suppressed. */

/* Map "pal_events": RINGBUF of struct pal_bpf_event. */
struct pal_bpf_event {
	__u64 ts_boot_ns; /* bpf_ktime_get_boot_ns() */
	__u64 cgroup_id;  /* the container's (the policy key) */
	__u32 pid;        /* tgid, in the initial pid namespace */
	__u32 tid;
	__u32 uid;        /* kuid */
	__u16 hook;       /* enum pal_bpf_hook */
	__u8 rule;        /* enum pal_bpf_rule */
	__u8 verdict;     /* enum pal_bpf_verdict */
	char comm[PAL_BPF_COMM_LEN];
	union {
		/* file_open, bprm_check (exec'd path), kmod_request (module
		 * name), sb_mount ("type source"), sysctl ("kernel/x") */
		char path[PAL_BPF_PATH_MAX];
		struct {
			__u32 family; /* AF_INET, AF_INET6 */
			__u16 port;   /* host order */
			__u16 pad;
			__u8 addr[16];
		} net;
		struct {
			__s32 family, type, protocol;
		} sock;
		struct {
			__s32 cap;
		} cap;
		struct {
			__u32 old_uid, new_uid;
		} setuid;
		struct {
			__s32 cmd;
		} bpf;
		struct {
			__u32 target_pid; /* tgid of the tracee */
			__u32 mode;       /* PTRACE_MODE_* */
		} ptrace;
	} d;
};

#endif
