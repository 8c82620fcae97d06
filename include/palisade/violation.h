/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A violation: one denial (or audit-mode hit) by the kernel, from whichever
 * source saw it, attributed to its container (src/violation.c).  The
 * monitor turns each into one JSON line, schema version
 * PAL_VIOLATION_SCHEMA, documented in man/palisade-monitor.8:
 *
 *   {"v": 1, "time": "2026-11-23T08:02:48.123456789Z", "source": "bpf",
 *    "container": {"id": "c1", "root": "/run/runc", "bundle": "/b",
 *                  "profile": "restricted", "mode": "enforce",
 *                  "pod": "web-1", "namespace": "default", "name": "nginx"},
 *    "cgroup_id": 4242, "pid": 17, "tid": 17, "uid": 1000, "comm": "sh",
 *    "hook": "file_open", "rule": "files", "verdict": "deny",
 *    "detail": {"path": "/proc/kcore"}}
 *
 * "container" is null when the event cannot be attributed (a container
 * not created through Palisade, or one already gone); its members other
 * than "id" and "root" are left out when unknown.  "source" is "bpf",
 * "seccomp-notify" or "audit".  Seccomp details: {"syscall": "keyctl",
 * "nr": 250, "arch": "x86_64", "args": [..6 numbers..], "errno": 1}.
 * Every string that came from the container (comm, paths, names) is
 * escaped so that the line is valid JSON and one line whatever it holds:
 * valid UTF-8 is kept, any other byte is written \u00XX-free as "\\xNN".
 */
#ifndef PALISADE_VIOLATION_H
#define PALISADE_VIOLATION_H

#include <stdint.h>
#include <yajl/yajl_tree.h>

#include "palisade/error.h"

#define PAL_VIOLATION_SCHEMA 1

/* Who a cgroup or process belongs to, from Palisade's state directory
 * (state.h: the container record and the cgroup index).  Strings are owned
 * (pal_attr_free); NULL when unknown. */
struct pal_attr {
	char *id, *root, *bundle, *profile, *mode;
	char *pod, *namespace, *name; /* Kubernetes, from the spec's annotations */
};

struct pal_violation {
	uint64_t time_ns;   /* CLOCK_REALTIME */
	const char *source; /* "bpf", "seccomp-notify", "audit" */
	uint64_t cgroup_id; /* 0: unknown */
	uint32_t pid, tid, uid;
	char comm[17];
	const char *hook, *rule, *verdict;
	/* an object, or NULL (written as {}); not owned.  Its strings are the
	 * raw bytes (pal_violation_json escapes them), its numbers are written
	 * from their text when they have one (u.number.r) */
	yajl_val detail;
	const struct pal_attr *attr; /* NULL: not attributed */
};

/* The line, without a newline; caller frees *out. */
int pal_violation_json(const struct pal_violation *v, char **out, size_t *len, pal_error *err);

/* Frees A's strings (not A itself) and zeroes A; NULL is fine. */
void pal_attr_free(struct pal_attr *a);

#endif
