/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Palisade's per-container records, under the configured state directory
 * (default /run/palisade, a tmpfs: records die with the boot, as containers
 * do).  A record is written at create time from the rewritten spec, before
 * the backend runs; `exec` reads it to know the ceiling of what an exec'd
 * process may have, and the monitor (later) to attribute events without a
 * runtime call per event.
 *
 * Containers are keyed by (runc root, id): two managers using different
 * roots (containerd's /run/containerd/runc/<ns>, Podman's /run/runc) may
 * reuse an id.  Layout: STATE/containers/<root, '/' and '%' percent-encoded>/<id>.json
 */
#ifndef PALISADE_STATE_H
#define PALISADE_STATE_H

#include <stdbool.h>
#include <stdint.h>
#include <yajl/yajl_tree.h>

#include "palisade/cli.h"
#include "palisade/conf.h"
#include "palisade/error.h"

#define PAL_STATE_MAX_SIZE (4u << 20)
#define PAL_STATE_SWEEP_AGE 60 /* seconds */

/* The backend's state root as runc computes it: --root made absolute and
 * clean, else $XDG_RUNTIME_DIR/runc for a non-root caller, else /run/runc. */
int pal_state_root(const struct pal_cli *cli, char **root, pal_error *err);

/* Does the backend already hold a container ID under ROOT? */
bool pal_state_backend_has(const char *root, const char *id);

/* The record: id, root, bundle, created, the spec's process, the applied
 * profile and mode (annotations), the Kubernetes pod, namespace and
 * container name when the annotations of containerd's CRI or CRI-O carry
 * them (pod, namespace, name), and BPF (the compiled policy, bpf_policy.h
 * JSON form) when not NULL. */
int pal_state_save(const struct pal_conf *conf, const char *root, const char *id,
		   const char *bundle, yajl_val spec, yajl_val bpf, pal_error *err);

/* RECORD[KEY] = VALUE (owned, also on failure), written atomically. */
int pal_state_set(const struct pal_conf *conf, const char *root, const char *id,
		  const char *key, yajl_val value, pal_error *err);

/* Remove the record; absent is not an error. */
int pal_state_remove(const struct pal_conf *conf, const char *root, const char *id,
		     pal_error *err);

/* The cgroup index, STATE/cgroups/<cgroup id>.json = {"root", "id"}:
 * written when a container's BPF policy is registered, removed with it. */
int pal_state_cgroup_save(const struct pal_conf *conf, uint64_t cgid, const char *root,
			  const char *id, pal_error *err);
int pal_state_cgroup_remove(const struct pal_conf *conf, uint64_t cgid, pal_error *err);

/* Load the record; err->errnum is ENOENT when there is none. */
int pal_state_load(const struct pal_conf *conf, const char *root, const char *id,
		   yajl_val *record, pal_error *err);

/* Remove records whose container the backend no longer holds (killed and
 * deleted without Palisade, or whose create failed). */
int pal_state_sweep(const struct pal_conf *conf, const char *root, pal_error *err);

#endif
