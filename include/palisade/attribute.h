/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Attribution (src/attribute.c): which container a cgroup id or a pid
 * belongs to, from Palisade's own state directory (state.h): the cgroup
 * index written when a container's BPF policy is registered, and the
 * container record written at create.  No runtime call per event.  A pid
 * is mapped through its cgroup v2 directory (/proc/PID/cgroup), so a
 * process in a sub-cgroup of a container, or one that is not registered
 * for BPF, is found by walking up to the nearest cgroup in the index.
 */
#ifndef PALISADE_ATTRIBUTE_H
#define PALISADE_ATTRIBUTE_H

#include <stdint.h>
#include <sys/types.h>
#include <yajl/yajl_tree.h>

#include "palisade/conf.h"
#include "palisade/error.h"
#include "palisade/violation.h"

/* err->errnum ENOENT when no container of Palisade's owns CGID. */
int pal_attr_by_cgroup(const struct pal_conf *conf, uint64_t cgid, struct pal_attr *a,
		       pal_error *err);

/* The container of PID, and its cgroup id in *CGID (0 when unknown). */
int pal_attr_by_pid(const struct pal_conf *conf, pid_t pid, uint64_t *cgid, struct pal_attr *a,
		    pal_error *err);

/* From a container record (state.h) already loaded. */
int pal_attr_from_record(yajl_val rec, struct pal_attr *a, pal_error *err);

#endif
