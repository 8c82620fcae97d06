/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Palisade's cgroup-BPF programs: the checks that load where BPF LSM
 * cannot (old kernels, "bpf" missing from lsm=, this project's own host:
 * FACTS.md).  The loader attaches them to a container's cgroup v2
 * directory at registration; each one still looks up the policy of the
 * current task (its cgroup or nearest registered ancestor), so a program
 * reached through a nested cgroup applies the right container's policy.
 * A cgroup-BPF program denies by returning 0 (the call fails with EPERM)
 * and allows with 1.
 *
 * Also here: the exec (raw) tracepoint that arms a pending policy, since
 * tracepoints load everywhere.
 *
 * Helpers: every hook here runs in the calling task's context, and since
 * 6.1 the sock_create, sock_addr and sysctl types may call the get_current
 * helpers (cgroup_current_func_proto: uid_gid, pid_tgid, comm, cgroup_id,
 * ancestor_cgroup_id); ring buffer, map and ktime helpers are in the base
 * set of every type.
 */
#include "common.bpf.h"

#define CG_DENY 0
#define CG_ALLOW 1

static __always_inline int cg_verdict(int verdict)
{
	return verdict == PAL_BPF_VERDICT_DENY ? CG_DENY : CG_ALLOW;
}

/* inet sockets only reach this hook (inet_create, inet6_create): packet
 * sockets are the LSM program's, or the capability set's, to stop. */
SEC("cgroup/sock_create")
int pal_cg_sock_create(struct bpf_sock *sk)
{
	struct pal_bpf_policy *p;
	struct pal_bpf_event *ev;
	int v;

	if (sk->type != SOCK_RAW)
		return CG_ALLOW;
	v = policed(PAL_BPF_RULE_RAW_SOCKET, &p);
	if (!v)
		return CG_ALLOW;
	ev = event_open(p, PAL_BPF_HOOK_CG_SOCK_CREATE, PAL_BPF_RULE_RAW_SOCKET, v);
	if (ev) {
		ev->d.sock.family = sk->family;
		ev->d.sock.type = sk->type;
		ev->d.sock.protocol = sk->protocol;
		event_send(ev);
	}
	return cg_verdict(v);
}

/* The destination of a connect or an unconnected sendmsg. */
static __always_inline int check_dest(struct bpf_sock_addr *ctx, unsigned hook, bool v6)
{
	struct pal_bpf_policy *p;
	struct pal_bpf_event *ev;
	__u32 addr[4] = {}, family;
	int v;

	v = policed(PAL_BPF_RULE_CONNECT, &p);
	if (!v)
		return CG_ALLOW;
	if (v6) {
		family = AF_INET6;
		addr[0] = ctx->user_ip6[0];
		addr[1] = ctx->user_ip6[1];
		addr[2] = ctx->user_ip6[2];
		addr[3] = ctx->user_ip6[3];
	} else {
		family = AF_INET;
		addr[0] = ctx->user_ip4;
	}
	if (!net_denied(p, family, addr))
		return CG_ALLOW;
	ev = event_open(p, hook, PAL_BPF_RULE_CONNECT, v);
	if (ev) {
		/* user_port holds the network-order port in its low 16 bits */
		event_net(ev, family, addr, (__u16)ctx->user_port);
		event_send(ev);
	}
	return cg_verdict(v);
}

SEC("cgroup/connect4")
int pal_cg_connect4(struct bpf_sock_addr *ctx)
{
	return check_dest(ctx, PAL_BPF_HOOK_CG_CONNECT4, false);
}

/* Also sees an IPv4-mapped destination of a dual-stack socket: the kernel
 * then connects over IPv4 without running connect4. */
SEC("cgroup/connect6")
int pal_cg_connect6(struct bpf_sock_addr *ctx)
{
	return check_dest(ctx, PAL_BPF_HOOK_CG_CONNECT6, true);
}

/* UDP sendto/sendmsg with an address (a connected socket was checked at
 * connect). */
SEC("cgroup/sendmsg4")
int pal_cg_sendmsg4(struct bpf_sock_addr *ctx)
{
	return check_dest(ctx, PAL_BPF_HOOK_CG_SENDMSG4, false);
}

SEC("cgroup/sendmsg6")
int pal_cg_sendmsg6(struct bpf_sock_addr *ctx)
{
	return check_dest(ctx, PAL_BPF_HOOK_CG_SENDMSG6, true);
}

/* Any write under /proc/sys.  Reads stay allowed. */
SEC("cgroup/sysctl")
int pal_cg_sysctl(struct bpf_sysctl *ctx)
{
	struct pal_bpf_policy *p;
	struct pal_bpf_event *ev;
	int v;

	if (!ctx->write)
		return CG_ALLOW;
	v = policed(PAL_BPF_RULE_SYSCTL_WRITE, &p);
	if (!v)
		return CG_ALLOW;
	ev = event_open(p, PAL_BPF_HOOK_CG_SYSCTL, PAL_BPF_RULE_SYSCTL_WRITE, v);
	if (ev) {
		/* the full name, "kernel/core_pattern" */
		bpf_sysctl_get_name(ctx, ev->d.path, sizeof(ev->d.path), 0);
		event_send(ev);
	}
	return cg_verdict(v);
}

/*
 * Arm a pending policy at the container's first exec (bpf_abi.h): it fires
 * after the new image is in place and before its first instruction, so no
 * user code runs unpoliced.  Where BPF LSM loads, file_open arms it a
 * little earlier, at the exec's open, so that the exec itself is checked.
 * A raw tracepoint, not a "tracepoint/": it attaches by name through
 * bpf(2), where a perf tracepoint needs tracefs mounted to find its id.
 */
SEC("raw_tracepoint/sched_process_exec")
int pal_arm_exec(void *ctx)
{
	struct pal_bpf_policy *p = find_policy(false);

	if (p)
		arm(p);
	return 0;
}
