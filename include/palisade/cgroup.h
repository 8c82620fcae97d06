/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Finding a process's cgroup v2 directory and its id (src/cgroup.c).  The
 * id of a cgroup v2 directory is its inode number: what the kernel's
 * bpf_get_current_cgroup_id() returns for tasks in it.  Works the same on
 * a pure v2 host (/sys/fs/cgroup) and a hybrid one (/sys/fs/cgroup/unified):
 * the mount is found in /proc/self/mountinfo, the process's path in the
 * "0::" line of /proc/PID/cgroup.
 */
#ifndef PALISADE_CGROUP_H
#define PALISADE_CGROUP_H

#include <stdint.h>
#include <sys/types.h>

#include "palisade/error.h"

/* Mount point of the first cgroup2 file system; ENOENT when none. */
int pal_cgroup2_mount(char **path, pal_error *err);

/* The cgroup v2 path of PID (0: this process), "/" for the root. */
int pal_cgroup_path_of(pid_t pid, char **path, pal_error *err);

/* Open the cgroup v2 directory PATH under MOUNT; its id in *CGID. */
int pal_cgroup_open(const char *mount, const char *path, int *fd, uint64_t *cgid,
		    pal_error *err);

/* Is PATH (a cgroup v2 path) OTHER or one of OTHER's ancestors? */
int pal_cgroup_contains(const char *path, const char *other);

#endif
