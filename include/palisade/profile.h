/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Profiles: named least-privilege policies, JSON with comments, looked up as
 * NAME.json in the configured profile directories (default
 * /etc/palisade/profiles, then the shipped PAL_DATADIR/profiles), first
 * match wins.  "extends": "OTHER" resolves OTHER first (cycles and depth > 8
 * are errors) and merges the child over it: objects member by member,
 * recursively; arrays and scalars replaced whole.  man/palisade-profile.5 is
 * the reference; this is the summary rules are written against.  Every
 * section is optional: an absent section constrains nothing.
 *
 *   "description": "text"
 *   "extends": "baseline"
 *   "mode": "enforce" | "audit"                 default enforce
 *   "privileged": false                         true allows privileged specs
 *   "capabilities": {"allow": ["CAP_CHOWN", ...]}
 *          every set (bounding, effective, permitted, inheritable, ambient)
 *          is intersected with "allow"; ambient kept within permitted and
 *          inheritable (the kernel's rule)
 *   "noNewPrivileges": true                     forces process.noNewPrivileges
 *   "user": {"nonRoot": true}                   refuse uid 0 / name "root"
 *   "namespaces": {"required": ["pid", "ipc", "uts", "mount", "network",
 *          "cgroup"], "allowHost": ["network"], "user": "required"|"optional"}
 *          a required pid, network, ipc or uts namespace left out of the
 *          spec (the host's: hostPID, hostNetwork...) or joined by a "path"
 *          to the host's is refused unless its type is in allowHost; a
 *          missing mount, cgroup or time namespace is added (a new one)
 *   "seccomp": {
 *       "defaultErrno": "ENOSYS",     for syscalls the filter does not name
 *       "denyErrno": "EPERM",         for known syscalls not allowed
 *       "allow": ["read", ...],       unconditionally allowed
 *       "conditional": [{"names": ["personality"], "args": [{"index": 0,
 *           "value": 0, "valueTwo": 0, "op": "SCMP_CMP_EQ"}]}, ...],
 *           allowed when every arg comparison holds; entries are or'ed
 *       "enosys": ["clone3"],         denied with ENOSYS whatever denyErrno
 *           says, so that libc falls back (clone3 -> clone, whose flags a
 *           "conditional" entry can check; Docker and containerd do this)
 *       "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"]
 *   }       a name may appear in only one of allow, conditional and enosys
 *   "maskedPaths": ["/proc/kcore", ...], "readonlyPaths": ["/proc/sys", ...]
 *          at least these
 *   "mounts": {"denyHostPaths": ["/", "/etc", ...],
 *              "forceOptions": ["nosuid", "nodev"]}   (bind mounts)
 *   "devices": {"allow": [{"path": "/dev/fuse", "type": "c", "major": 10,
 *              "minor": 229}, ...]}                    beyond the standard set
 *   "sysctls": {"allow": ["net.ipv4.ip_local_port_range", ...],
 *               "allowPrefixes": ["net.ipv4.conf."]}
 *   "rlimits": {"max": {"RLIMIT_NOFILE": {"soft": 1024, "hard": 4096}}}
 *   "hooks": {"allow": ["/usr/libexec/palisade/hook", ...]}
 *   "rootfs": {"readonly": true}
 *   "bpf": {"lsm": "optional", "mount": "deny", ...}
 *          eBPF rules enforced while the container runs; members and
 *          meaning in bpf_policy.h, compiled by src/bpf_policy.c
 *
 * Names: NAME matches [A-Za-z0-9][A-Za-z0-9._-]* (no '/', no "..").  Paths
 * are absolute and normalised (no "//", "/./", "/../", trailing '/').
 * Capabilities are written "CAP_X" (libcap must know them), syscalls must
 * be known to libseccomp on at least one of "architectures" (default: the
 * native one and, on x86-64, x86 and x32), errnos by name (EPERM...).
 */
#ifndef PALISADE_PROFILE_H
#define PALISADE_PROFILE_H

#include <stdbool.h>
#include <yajl/yajl_tree.h>

#include "palisade/conf.h"
#include "palisade/error.h"
#include "palisade/json_locate.h"

#define PAL_PROFILE_MAX_SIZE (1u << 20)
#define PAL_PROFILE_MAX_DEPTH 8 /* extends chain */
#define PAL_PROFILE_NAME_MAX 128

enum pal_mode {
	PAL_MODE_ENFORCE = 0,
	PAL_MODE_AUDIT,
};

struct pal_profile {
	char *name;    /* as selected */
	char *path;    /* file of the profile itself */
	yajl_val tree; /* resolved: extends merged in, "extends" removed */
	enum pal_mode mode;
};

/* Find, parse, validate and resolve profile NAME in CONF's profile_dirs
 * (the built-in ones when it has none).  Errors name the file, line and
 * column ("/etc/palisade/profiles/restricted.json:12:5: unknown key
 * \"capabilitys\"").  A missing profile is an error with errnum ENOENT. */
int pal_profile_load(const struct pal_conf *conf, const char *name, struct pal_profile *p,
		     pal_error *err);

/* Validate one profile file's own text (no extends resolution): schema,
 * capability names (libcap), syscall names (libseccomp, for each listed
 * architecture), paths absolute and normalised, enums.  WHAT names it. */
int pal_profile_validate(const char *what, const char *text, size_t len, yajl_val tree,
			 pal_error *err);

void pal_profile_free(struct pal_profile *p);

/* Accessors for rules: SECTION[KEY] (KEY NULL: SECTION itself), NULL when
 * the profile does not set it. */
yajl_val pal_profile_get(const struct pal_profile *p, const char *section, const char *key);
bool pal_profile_bool(const struct pal_profile *p, const char *section, const char *key,
		      bool dflt);

const char *pal_mode_name(enum pal_mode m);
int pal_mode_parse(const char *s, enum pal_mode *m);

/* NAME is a well-formed profile name (see above). */
bool pal_profile_name_valid(const char *name);

/* PATH is absolute and normalised (see above). */
bool pal_profile_path_valid(const char *path);

/* The errno a profile's errno name stands for ("EPERM" -> 1), -1 when the
 * name is not one a profile may use. */
int pal_profile_errno(const char *name);

/* pal_json_locate(), except that an array element's column is that of its
 * first character (pal_json_locate() gives the end of the token). */
int pal_profile_locate(const char *buf, size_t len, const struct pal_json_step *path, size_t n,
		       int *line, int *col);

#endif
