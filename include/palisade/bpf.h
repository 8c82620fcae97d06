/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * BPF lifecycle (src/bpf.c): load once per boot, pin, probe, register a
 * container's policy, unregister, sweep, unload; and the event reader.
 * Kernel side in src/bpf/{lsm,cgroup}.bpf.c, layouts in bpf_abi.h.
 *
 * Pins, under PIN_ROOT (palisade.conf "bpf_dir", default
 * /sys/fs/bpf/palisade; tests use their own):
 *   map/<name>          every map (pal_policy, pal_cstate, pal_paths,
 *                       pal_nets, pal_events, pal_drops, pal_capseen,
 *                       pal_meta), shared by both objects
 *   prog/<name>         cgroup-BPF programs, attached per container
 *   link/<name>         global attachments: the LSM programs (where BPF
 *                       LSM loads) and the exec tracepoint that arms
 *   cg/<cgroup id>/<p>  one container's cgroup-BPF links; removing the
 *                       directory detaches them
 * "map/pal_meta" is pinned last: its presence means a complete load.
 *
 * Concurrency: pal_bpf_ensure() holds an exclusive flock on LOCK_PATH
 * while it loads, so two concurrent creates load once.
 *
 * Error contract as everywhere (error.h): -1 and *err filled; libbpf's
 * -errno returns are translated here, once.
 */
#ifndef PALISADE_BPF_H
#define PALISADE_BPF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "palisade/bpf_abi.h"
#include "palisade/bpf_policy.h"
#include "palisade/error.h"

/* default pin root: PAL_DEFAULT_BPF_DIR (conf.h) */

struct pal_bpf_status {
	bool loaded;           /* pins complete and of our ABI */
	enum pal_bpf_lsm_state lsm;
	int lsm_errno;         /* why LSM is unavailable */
	char lsm_reason[256];  /* one readable line: what was tried, what failed */
};

/* Load and pin everything unless already pinned (then only read the
 * status).  Mounts nothing: a missing bpffs under PIN_ROOT is an error
 * that says so.  The LSM object is probed by really loading and attaching
 * it (a listed "bpf" in /sys/kernel/security/lsm proves nothing); its
 * failure is not an error, it is recorded in the status and in pal_meta. */
int pal_bpf_ensure(const char *pin_root, const char *lock_path, struct pal_bpf_status *st,
		   pal_error *err);

/* Read the status of what is pinned; st->loaded false when nothing is. */
int pal_bpf_status(const char *pin_root, struct pal_bpf_status *st, pal_error *err);

/* Register a container: write its policy (pending: INIT_TGID, the
 * runtime's init, is exempt until its exec arms it; bpf_abi.h), zeroed
 * cstate, path and CIDR entries, and attach the cgroup-BPF programs its
 * policy needs to CGROUP_FD (its cgroup v2 directory, whose inode is CGID),
 * pinning the links in cg/<cgid>/ (where BPF LSM is active its socket
 * hooks replace cgroup sock_create and connect4/6).  All or nothing: a
 * failure removes what was done. */
int pal_bpf_register(const char *pin_root, int cgroup_fd, uint64_t cgid,
		     const struct pal_bpf_policy_spec *ps, uint64_t start_realtime_ns,
		     uint32_t init_tgid, pal_error *err);

/* Remove everything registered for CGID (policy, cstate, trie entries,
 * links).  Absent entries are not an error. */
int pal_bpf_unregister(const char *pin_root, uint64_t cgid, pal_error *err);

/* Unregister every container whose cgroup no longer exists.  CGROUP2_FD
 * is an open directory on the cgroup v2 mount (used with open_by_handle_at
 * to test a cgroup id).  *n_swept, when not NULL, gets the count. */
int pal_bpf_sweep(const char *pin_root, int cgroup2_fd, size_t *n_swept, pal_error *err);

/* Detach and unpin everything under PIN_ROOT, then remove it. */
int pal_bpf_unload(const char *pin_root, pal_error *err);

/* The policy and counters registered for CGID (tests, `palisade bpf`);
 * err->errnum ENOENT when none. */
int pal_bpf_lookup(const char *pin_root, uint64_t cgid, struct pal_bpf_policy *policy,
		   struct pal_bpf_cstate *cstate, pal_error *err);

/* Sum of the per-CPU drop counters. */
int pal_bpf_drops(const char *pin_root, uint64_t *drops, pal_error *err);

/* Event reader: the ring buffer's consumer.  CB is called once per event,
 * in order; a negative return stops pal_bpf_reader_poll() with that value
 * (and *err as CB filled it). */
struct pal_bpf_reader;
typedef int (*pal_bpf_event_cb)(void *ctx, const struct pal_bpf_event *ev, pal_error *err);

int pal_bpf_reader_open(const char *pin_root, pal_bpf_event_cb cb, void *ctx,
			struct pal_bpf_reader **reader, pal_error *err);
/* Wait up to TIMEOUT_MS (-1: forever) and consume what is there; returns
 * the number of events consumed. */
int pal_bpf_reader_poll(struct pal_bpf_reader *reader, int timeout_ms, pal_error *err);
/* A descriptor for epoll, readable when events wait. */
int pal_bpf_reader_fd(const struct pal_bpf_reader *reader);
void pal_bpf_reader_free(struct pal_bpf_reader *reader);

/* Names for logs: "file_open", "exec", "deny"... ("?" when out of range). */
const char *pal_bpf_hook_name(unsigned hook);
const char *pal_bpf_rule_name(unsigned rule);
const char *pal_bpf_verdict_name(unsigned verdict);

/* One event as one JSON object on one line (no newline), every string
 * from the container escaped.  Caller frees *out. */
int pal_bpf_event_json(const struct pal_bpf_event *ev, char **out, pal_error *err);

/* Only the event's detail ("path", "address"...), as one JSON object. */
int pal_bpf_event_detail_json(const struct pal_bpf_event *ev, char **out, pal_error *err);

/* `palisade bpf status|load|events|lookup|sweep|unload` (src/bpf_cmd.c),
 * ARGV[0] "bpf".  Returns the exit status, or -1 with *err filled. */
struct pal_conf;
int pal_bpf_main(const struct pal_conf *conf, int argc, char **argv, pal_error *err);

#endif
