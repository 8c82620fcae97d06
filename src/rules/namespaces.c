/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Rule "namespaces": give the container the namespaces the profile requires
 * and refuse joining the host's, under
 *   "namespaces": {"required": [TYPE...], "allowHost": [TYPE...],
 *                  "user": "required" | "optional"}
 *
 * Why: a namespace shared with the host is no isolation at all: the host PID
 * namespace lets root in the container ptrace or signal every host process
 * and read their /proc/PID/environ; the host network namespace exposes
 * services bound to localhost (CVE-2020-15257, containerd's abstract shim
 * socket) and lets CAP_NET_ADMIN reconfigure the host; host IPC exposes
 * shared memory; host UTS lets CAP_SYS_ADMIN rename the host.  The Pod
 * Security Standard "baseline" forbids hostPID, hostIPC and hostNetwork for
 * exactly these reasons.
 *
 * The runtime spec (config-linux.md, "Namespaces") says: an entry without
 * "path" is a new namespace; an entry with "path" joins that namespace; no
 * entry at all means the runtime's own namespace, i.e. the host's.  So:
 * - a required pid, network, ipc or uts TYPE without an entry is REFUSED
 *   unless allowHost lists TYPE: leaving the entry out is exactly how
 *   Docker's --network=host and Kubernetes' hostNetwork / hostPID / hostIPC
 *   are written, and a workload that asked for the host's namespace would
 *   silently break in an empty one; PSS baseline rejects such pods too;
 * - a required mount, cgroup or time TYPE without an entry is ADDED as
 *   {"type": TYPE}: a new namespace only removes privilege (runc needs the
 *   mount one anyway).  Added entries are appended in the fixed order
 *   mount, cgroup, time after the existing ones, whose order is kept;
 * - a required TYPE joined by "path" is refused unless allowHost lists TYPE
 *   or the path is shown not to be the host's (below);
 * - "user": "required" (or "user" in "required") refuses a spec without a
 *   user namespace: one cannot be added, because it needs uid/gid mappings
 *   that the ownership of the rootfs must match.  A joined user namespace is
 *   checked like any other required type.
 *
 * Host or sandbox: a path also joins sibling containers' namespaces, e.g.
 * containerd's /proc/<pause pid>/ns/ipc and CNI's /var/run/netns/cni-<id>
 * for the pod sandbox, which must keep working.  A path is the host's when
 * it names the same namespace as /proc/1/ns/<type> (the host's init) or
 * /proc/self/ns/<type> (the engine's, which is the host's even where
 * /proc/1 is out of reach, as for rootless engines): namespaces are inodes
 * of the one nsfs file system, so "same" is the same st_dev and st_ino
 * after stat(2) follows the path (a /proc magic link or a bind mount of
 * one).  It fails closed: a path that cannot be stat'ed, that is not on
 * nsfs, or with no reference to compare against is refused.  The check
 * happens at rewrite time; the runtime opens the path again later, so a
 * path that someone with root on the host swaps in between is not covered.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "palisade/json.h"
#include "palisade/rewrite.h"

#define RULE "namespaces"

/* Spec names, their /proc/PID/ns names, in the order added ones go. */
static const struct {
	const char *type;
	const char *proc;
} types[] = {
    {"pid", "pid"},   {"network", "net"},   {"ipc", "ipc"},   {"uts", "uts"},
    {"mount", "mnt"}, {"cgroup", "cgroup"}, {"time", "time"}, {"user", "user"},
};

#define NTYPES   (sizeof(types) / sizeof(types[0]))
#define USER_BIT (1u << (NTYPES - 1))
/* pid, network, ipc, uts: left out, they are the host's (hostPID,
 * hostNetwork, hostIPC, --network=host) and the workload relies on that */
#define HOST_SHARING_BITS 0xfu

static int type_index(const char *t)
{
	for (size_t i = 0; i < NTYPES; i++)
		if (!strcmp(t, types[i].type))
			return (int)i;
	return -1;
}

/* A profile list of namespace types as a bit mask. */
static int type_mask(const struct pal_rewrite_ctx *ctx, yajl_val list, const char *key,
                     unsigned *mask, pal_error *err)
{
	*mask = 0;
	if (!list || YAJL_IS_NULL(list))
		return 0;
	if (!YAJL_IS_ARRAY(list))
		return pal_err(err, EINVAL, "profile \"%s\": namespaces.%s: must be an array",
		               ctx->profile->name, key);
	for (size_t i = 0; i < list->u.array.len; i++) {
		yajl_val v = list->u.array.values[i];
		int t = YAJL_IS_STRING(v) ? type_index(v->u.string) : -1;

		if (t < 0)
			return pal_err(err, EINVAL,
			               "profile \"%s\": namespaces.%s[%zu]: not a namespace type",
			               ctx->profile->name, key, i);
		*mask |= 1u << t;
	}
	return 0;
}

/* Stat the reference /proc/REF/ns/PROC into *ST; false when it cannot be. */
static bool reference(const char *ref, const char *proc, struct stat *st)
{
	char path[48];

	snprintf(path, sizeof(path), "/proc/%s/ns/%s", ref, proc);
	return stat(path, st) == 0;
}

/* 1: PATH is the host's namespace of type T; 0: another one; -1: cannot
 * tell, WHY says why. */
static int is_host(size_t t, const char *path, char *why, size_t n)
{
	struct stat target, init, self;
	bool have_init = reference("1", types[t].proc, &init);
	bool have_self = reference("self", types[t].proc, &self);
	const struct stat *nsfs = have_init ? &init : &self;

	if (stat(path, &target) < 0) {
		snprintf(why, n, "cannot stat %s: %s", path, strerror(errno));
		return -1;
	}
	if (!have_init && !have_self) {
		snprintf(why, n, "cannot read /proc/1/ns/%s or /proc/self/ns/%s to compare %s with",
		         types[t].proc, types[t].proc, path);
		return -1;
	}
	if (target.st_dev != nsfs->st_dev) {
		snprintf(why, n, "%s is not a namespace", path);
		return -1;
	}
	if ((have_init && target.st_ino == init.st_ino) ||
	    (have_self && target.st_dev == self.st_dev && target.st_ino == self.st_ino))
		return 1;
	return 0;
}

static int check_entries(yajl_val nss, unsigned *present, pal_error *err)
{
	*present = 0;
	for (size_t i = 0; nss && i < nss->u.array.len; i++) {
		yajl_val e = nss->u.array.values[i], type, path;
		int t;

		if (!YAJL_IS_OBJECT(e))
			return pal_err(err, EINVAL,
			               "config.json: linux.namespaces[%zu]: must be an object", i);
		type = pal_json_get(e, "type");
		if (!YAJL_IS_STRING(type))
			return pal_err(err, EINVAL,
			               "config.json: linux.namespaces[%zu].type: must be a string",
			               i);
		path = pal_json_get(e, "path");
		if (path && !YAJL_IS_NULL(path) && !YAJL_IS_STRING(path))
			return pal_err(err, EINVAL,
			               "config.json: linux.namespaces[%zu].path: must be a string",
			               i);
		/* an unknown type is the runtime's to reject */
		t = type_index(type->u.string);
		if (t >= 0)
			*present |= 1u << t;
	}
	return 0;
}

/* Refuse every joined namespace of a type in CHECK that is the host's. */
static int check_paths(const struct pal_rewrite_ctx *ctx, yajl_val nss, unsigned check,
                       pal_error *err)
{
	for (size_t i = 0; nss && i < nss->u.array.len; i++) {
		yajl_val e = nss->u.array.values[i];
		yajl_val path = pal_json_get(e, "path");
		int t = type_index(pal_json_get(e, "type")->u.string);
		char field[48], why[384];
		int host;

		if (t < 0 || !(check & (1u << t)) || !YAJL_IS_STRING(path) || !*path->u.string)
			continue;
		snprintf(field, sizeof(field), "linux.namespaces[%zu].path", i);
		host = is_host((size_t)t, path->u.string, why, sizeof(why));
		if (host == 1 &&
		    pal_rule_refuse(ctx, RULE, field, err,
		                    "joins the host's %s namespace (%s); the profile requires one "
		                    "of its own (namespaces.allowHost does not list %s)",
		                    types[t].type, path->u.string, types[t].type) < 0)
			return -1;
		if (host < 0 &&
		    pal_rule_refuse(ctx, RULE, field, err,
		                    "cannot tell whether it is the host's %s namespace: %s",
		                    types[t].type, why) < 0)
			return -1;
	}
	return 0;
}

static int add_missing(const struct pal_rewrite_ctx *ctx, yajl_val spec, yajl_val nss, unsigned add,
                       pal_error *err)
{
	yajl_val linux_, e;

	if (!add)
		return 0;
	if (!nss) {
		linux_ = pal_json_ensure_object(spec, "linux", err);
		if (!linux_)
			return -1;
		/* replaces a null "namespaces" in place */
		nss = pal_json_new_array();
		if (pal_json_set(linux_, "namespaces", nss, err) < 0)
			return -1;
	}
	for (size_t t = 0; t < NTYPES; t++) {
		char field[48];

		if (!(add & (1u << t)))
			continue;
		e = pal_json_new_object();
		if (pal_json_append(nss, e, err) < 0 ||
		    pal_json_set(e, "type", pal_json_new_string(types[t].type), err) < 0)
			return -1;
		snprintf(field, sizeof(field), "linux.namespaces[%zu]", nss->u.array.len - 1);
		pal_rule_note(ctx, RULE, field, "added a new %s namespace", types[t].type);
	}
	return 0;
}

static int apply(const struct pal_rewrite_ctx *ctx, yajl_val spec, pal_error *err)
{
	yajl_val sect = pal_profile_get(ctx->profile, "namespaces", NULL);
	yajl_val user, linux_, nss;
	unsigned required, allow_host, present;

	if (!sect || YAJL_IS_NULL(sect))
		return 0;
	if (!YAJL_IS_OBJECT(sect))
		return pal_err(err, EINVAL, "profile \"%s\": namespaces: must be an object",
		               ctx->profile->name);
	if (type_mask(ctx, pal_json_get(sect, "required"), "required", &required, err) < 0 ||
	    type_mask(ctx, pal_json_get(sect, "allowHost"), "allowHost", &allow_host, err) < 0)
		return -1;
	user = pal_json_get(sect, "user");
	if (user && !YAJL_IS_NULL(user)) {
		if (!YAJL_IS_STRING(user) ||
		    (strcmp(user->u.string, "required") && strcmp(user->u.string, "optional")))
			return pal_err(err, EINVAL,
			               "profile \"%s\": namespaces.user: must be \"required\" or "
			               "\"optional\"",
			               ctx->profile->name);
		if (!strcmp(user->u.string, "required"))
			required |= USER_BIT;
	}

	linux_ = pal_json_get(spec, "linux");
	if (linux_ && !YAJL_IS_OBJECT(linux_))
		return pal_err(err, EINVAL, "config.json: linux: must be an object");
	nss = pal_json_get(linux_, "namespaces");
	if (YAJL_IS_NULL(nss))
		nss = NULL;
	if (nss && !YAJL_IS_ARRAY(nss))
		return pal_err(err, EINVAL, "config.json: linux.namespaces: must be an array");
	if (check_entries(nss, &present, err) < 0)
		return -1;

	if (check_paths(ctx, nss, required & ~allow_host, err) < 0)
		return -1;
	if ((required & USER_BIT) && !(present & USER_BIT) &&
	    pal_rule_refuse(ctx, RULE, "linux.namespaces", err,
	                    "no user namespace; the profile requires one and it cannot be added "
	                    "(it needs uid/gid mappings the rootfs ownership must match): run "
	                    "with one (hostUsers: false in the pod, --userns for podman)") < 0)
		return -1;
	/* A left-out entry means the host's namespace.  For pid, network, ipc
	 * and uts that is how hostPID/hostNetwork/hostIPC are written, and a
	 * workload asking for them depends on them: refuse, as the brief's
	 * "a host PID namespace where forbidden" and PSS baseline do, rather
	 * than hand it an empty namespace it did not ask for.  mount and cgroup
	 * are added (runc needs mount anyway).  allowHost admits either form. */
	unsigned missing = required & ~present & ~USER_BIT & ~allow_host;
	for (size_t t = 0; t < NTYPES; t++) {
		if (!(missing & HOST_SHARING_BITS & (1u << t)))
			continue;
		if (pal_rule_refuse(ctx, RULE, "linux.namespaces", err,
		                    "no %s namespace entry: the container would share the host's; "
		                    "the profile requires its own",
		                    types[t].type) < 0)
			return -1;
	}
	return add_missing(ctx, spec, nss, missing & ~HOST_SHARING_BITS, err);
}

const struct pal_rule pal_rule_namespaces = {
    .name = RULE,
    .apply = apply,
};
