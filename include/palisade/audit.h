/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Seccomp denials from the kernel's audit stream (src/audit.c): a
 * NETLINK_AUDIT socket (libmnl) bound to the read-only multicast group
 * AUDIT_NLGRP_READLOG, so it coexists with auditd and changes no audit
 * setting.  Binding to that group needs CAP_AUDIT_READ (kernel/audit.c
 * audit_multicast_bind: capable() in the initial user namespace), so the
 * monitor keeps that capability when it drops the others; and the kernel
 * multicasts only in the initial network namespace (kauditd uses
 * init_net's socket), so pal_audit_open() refuses any other.
 *
 * What the kernel sends.  One AUDIT_SECCOMP (1326) record per logged
 * action, from kernel/auditsc.c audit_seccomp(), as text:
 *
 *   audit(1795422913.897:69817): auid=4294967295 uid=0 gid=0
 *   ses=4294967295 [subj=...] pid=31942 comm="exp" exe="/tmp/exp" sig=0
 *   arch=c000003e syscall=110 compat=0 ip=0x7f5c7ab1d4f7 code=0x7ffc0000
 *
 * for SCMP_ACT_LOG and SCMP_ACT_KILL* (and SCMP_ACT_ERRNO, TRAP, TRACE,
 * NOTIFY only with SECCOMP_FILTER_FLAG_LOG, which runc 1.1 cannot set:
 * FACTS.md), unless the action is removed from
 * /proc/sys/kernel/seccomp/actions_logged.  Neither `auditctl -e 1` nor
 * auditd is needed: on 6.x the records are multicast with audit_enabled 0
 * and no auditd (the kernel then also prints each one to the kernel log).
 * comm and exe are "quoted" or, when they hold a space, a quote or a byte
 * outside 0x21..0x7e, upper-case hex (audit_log_untrustedstring); both
 * forms are decoded.  pid is the thread group id; there is no tid.
 *
 * Each record becomes a struct pal_violation: source "audit", hook
 * "seccomp", rule "syscall", the record's own time (millisecond
 * precision), pid, uid (in the initial user namespace), comm, tid 0
 * (unknown), cgroup_id 0 (attribution by pid is the caller's), verdict
 * from the action (pal_audit_verdict), and detail
 *   {"syscall": "getppid", "nr": 110, "arch": "x86_64",
 *    "code": "0x7ffc0000", "exe": "/bin/x"}
 * where "syscall" is left out when libseccomp does not know the number and
 * "exe" when the kernel named none.  code is the action alone: the kernel
 * logs `filter_ret & SECCOMP_RET_ACTION_FULL` (kernel/seccomp.c), so an
 * ERRNO record does not carry the errno.
 *
 * Losses are counted, never silent: an overflowing receive queue makes
 * recvmsg() fail with ENOBUFS once per overrun (pal_audit_dropped counts
 * overruns, not records: the kernel does not say how many).  The queue is
 * PAL_AUDIT_RCVBUF bytes (SO_RCVBUFFORCE, or SO_RCVBUF capped by
 * net.core.rmem_max without CAP_NET_ADMIN).  Records that do not parse,
 * and datagrams not sent by the kernel, are skipped and counted as
 * malformed.
 */
#ifndef PALISADE_AUDIT_H
#define PALISADE_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yajl/yajl_tree.h>

#include "palisade/error.h"
#include "palisade/violation.h"

#define PAL_AUDIT_RCVBUF  (32 << 20) /* about 40,000 queued records */
#define PAL_AUDIT_BATCH   1024       /* datagrams per pal_audit_read() */
#define PAL_AUDIT_EXE_MAX 4096

/* One AUDIT_SECCOMP record, decoded. */
struct pal_audit_record {
	uint64_t time_ns; /* the record's stamp, CLOCK_REALTIME, millisecond precision */
	uint64_t serial;  /* the kernel's record serial: per boot, increasing, wraps at 2^32 */
	uint32_t pid, uid, gid, auid, ses; /* pid: thread group id; ids in the initial ns */
	char comm[17];                     /* decoded, NUL-terminated */
	char exe[PAL_AUDIT_EXE_MAX];       /* decoded; "" when the kernel gave none */
	uint32_t arch;                     /* AUDIT_ARCH_* */
	long nr;                           /* syscall number (x32: with __X32_SYSCALL_BIT) */
	bool compat;
	long sig;     /* the signal the action sent (SIGSYS for kill), else 0 */
	uint64_t ip;  /* user-space instruction pointer */
	uint32_t code; /* SECCOMP_RET_* action (the kernel masks the data off) */
};

struct pal_audit;
typedef int (*pal_audit_cb)(void *ctx, const struct pal_violation *v, pal_error *err);

/* Open, size the queue, bind to the group.  Non-blocking, close-on-exec. */
int pal_audit_open(struct pal_audit **a, pal_error *err);
int pal_audit_fd(const struct pal_audit *a); /* for epoll (level-triggered) */
/* Change the receive queue size (tests make it small to force overruns). */
int pal_audit_set_rcvbuf(struct pal_audit *a, int bytes, pal_error *err);
/* Read what is there, up to PAL_AUDIT_BATCH datagrams, without blocking;
 * CB once per AUDIT_SECCOMP record; other record types are ignored.
 * Returns the number of records passed to CB, or -1 (a socket error, or CB
 * failed: then *err is CB's and reading stops there). */
int pal_audit_read(struct pal_audit *a, pal_audit_cb cb, void *ctx, pal_error *err);
/* The record being passed to CB (its serial, exe, ...); valid only inside
 * CB.  serial with the time tells records apart across monitor restarts. */
const struct pal_audit_record *pal_audit_current(const struct pal_audit *a);
uint64_t pal_audit_dropped(const struct pal_audit *a);   /* ENOBUFS overruns */
uint64_t pal_audit_malformed(const struct pal_audit *a); /* skipped datagrams */
void pal_audit_close(struct pal_audit *a);

/* Without a socket (also for audit.log and kernel log lines: text before
 * "audit(" is skipped).  TEXT need not be NUL-terminated.  EINVAL when a
 * field is missing or malformed. */
int pal_audit_parse(const char *text, size_t len, struct pal_audit_record *rec, pal_error *err);
/* "log" (SECCOMP_RET_LOG), "kill" (KILL_PROCESS, KILL_THREAD, and unknown
 * actions, which the kernel treats as KILL_PROCESS), "deny" (ERRNO, TRAP),
 * "trace" (TRACE), "notify" (USER_NOTIF), "allow" (ALLOW).  Static. */
const char *pal_audit_verdict(uint32_t code);
/* "x86_64", "i386", "x32", "aarch64", ...; NULL when unknown. */
const char *pal_audit_arch_name(uint32_t arch, long nr);
/* Fill *V from REC (V->comm is copied; V->detail is set to *DETAIL, which
 * the caller frees with yajl_tree_free). */
int pal_audit_violation(const struct pal_audit_record *rec, struct pal_violation *v,
			yajl_val *detail, pal_error *err);

#endif
