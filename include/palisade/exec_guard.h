/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `exec` is a privilege path: runc builds the exec'd process from the
 * container's process and then applies --cap, --user, --no-new-privs,
 * --apparmor, --process-label, or takes a whole --process FILE (containerd's
 * shim and conmon always use --process).  Palisade makes sure the result
 * holds nothing the container's own (rewritten) process does not:
 *
 * - explicit flags asking for more are refused: --cap X unless X is in every
 *   set runc adds it to, --no-new-privs=false when the container has it
 *   set, --user/--additional-gids of 0 in a container that is not root,
 *   --apparmor/--process-label other than the container's;
 * - a --process FILE is tightened: each capability set intersected with the
 *   container's, noNewPrivileges kept on, AppArmor profile and SELinux label
 *   forced to the container's, rlimits no higher than the container's; root
 *   asked for in a non-root container is refused (changing who runs the
 *   process is not a tightening one can do silently).  The tightened file is
 *   handed to the backend as a sealed memfd, so the caller's file is never
 *   modified and nobody can change it between check and use.
 */
#ifndef PALISADE_EXEC_GUARD_H
#define PALISADE_EXEC_GUARD_H

#include <yajl/yajl_tree.h>

#include "palisade/cli.h"
#include "palisade/error.h"

#define PAL_PROCESS_MAX_SIZE (4u << 20)

/* Refuse flags that would raise the exec'd process above CONTAINER (the
 * container's "process" object). */
int pal_exec_check_flags(const struct pal_cli *cli, yajl_val container, pal_error *err);

/* Tighten the process object PROC in place against CONTAINER.  *REMOVED
 * (may be NULL) counts the capabilities and limits taken away. */
int pal_exec_tighten(yajl_val proc, yajl_val container, int *removed, pal_error *err);

/* The whole guard: flags, then --process FILE (if given) tightened into a
 * memfd whose /proc/self/fd path replaces the value in ARGV.  The strings
 * put into ARGV are stored in *STORAGE (caller frees after exec fails). */
int pal_exec_guard(const struct pal_cli *cli, char **argv, yajl_val container, int *removed,
		   char **storage, pal_error *err);

#endif
