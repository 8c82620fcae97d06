/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `palisade hook create-runtime --root ROOT`: the OCI createRuntime hook the
 * bpf rule puts into a spec (src/rules/bpf.c).  runc runs it with the
 * container's state on stdin once the container's init is in its cgroup
 * and before it has run any of the user's code.  It reads the BPF policy
 * `create` compiled into the container's record, finds the container's
 * cgroup v2 directory from the state's pid, registers the policy there
 * (bpf.h) and records the cgroup id.  Any failure exits non-zero, and runc
 * then destroys the container: nothing runs unprotected.  With --restore
 * (the hook of a `restore`: runc runs it before CRIU resumes the process,
 * which then never execs) nothing is exempt, not even the init.
 *
 * `palisade hook poststop --root ROOT`: runc runs it when it destroys the
 * container (delete, or the end of a foreground run): the policy, the
 * cgroup index entry and the record go.
 */
#ifndef PALISADE_HOOK_H
#define PALISADE_HOOK_H

#include <stddef.h>
#include <yajl/yajl_tree.h>

#include "palisade/bpf_policy.h"
#include "palisade/conf.h"
#include "palisade/error.h"

/* At create, before the backend runs, for a non-empty policy PS of
 * PROFILE: load the BPF objects once per boot (bpf.h), and decide what
 * happens without BPF LSM: refused when the profile requires it, else a
 * one-line WARNING for the log (empty when there is nothing to say).  Also
 * sweeps registrations of containers whose cgroup is gone. */
int pal_hook_prepare(const struct pal_conf *conf, const char *profile,
		     const struct pal_bpf_policy_spec *ps, char *warning, size_t size,
		     pal_error *err);

/* argv[0] is "hook".  Returns 0 or -1 with *err filled. */
int pal_hook_main(const struct pal_conf *conf, int argc, char **argv, pal_error *err);

#endif
