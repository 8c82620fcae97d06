/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Seccomp denials from the kernel's audit stream (src/audit.c): a
 * NETLINK_AUDIT socket (libmnl) bound to the read-only multicast group
 * AUDIT_NLGRP_READLOG, so it coexists with auditd and changes no audit
 * setting.  The kernel multicasts AUDIT_SECCOMP (1326) records for
 * SCMP_ACT_LOG and SCMP_ACT_KILL* actions (and for SCMP_ACT_ERRNO only
 * with SECCOMP_FILTER_FLAG_LOG, which runc 1.1 cannot set: FACTS.md).
 * Each record becomes a struct pal_violation (source "audit", hook
 * "seccomp", rule "syscall", verdict "log" for SECCOMP_RET_LOG, "kill" for
 * the kill actions, "deny" for errno) with detail {"syscall", "nr",
 * "arch", "code"} and pid/uid/comm from the record.  Attribution (cgroup
 * id from the pid) is the caller's.  Multicast drops (ENOBUFS) are counted,
 * never silent.  Owned by the helper writing src/audit.c: refine freely.
 */
#ifndef PALISADE_AUDIT_H
#define PALISADE_AUDIT_H

#include <stdint.h>

#include "palisade/error.h"
#include "palisade/violation.h"

struct pal_audit;
typedef int (*pal_audit_cb)(void *ctx, const struct pal_violation *v, pal_error *err);

int pal_audit_open(struct pal_audit **a, pal_error *err);
int pal_audit_fd(const struct pal_audit *a); /* for epoll */
/* Read what is there (non-blocking); CB once per AUDIT_SECCOMP record. */
int pal_audit_read(struct pal_audit *a, pal_audit_cb cb, void *ctx, pal_error *err);
uint64_t pal_audit_dropped(const struct pal_audit *a); /* ENOBUFS overruns */
void pal_audit_close(struct pal_audit *a);

#endif
