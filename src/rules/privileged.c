/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Rule "privileged": under "privileged": false, refuse a spec made by
 * `docker run --privileged`, `podman run --privileged`, `ctr run
 * --privileged` or a Kubernetes container with privileged: true.
 *
 * Why: such a container is the host's root with a different mount table.
 * It can load kernel modules, mount the host's disks (it has every device),
 * write the host's cgroup release_agent (CVE-2022-0492) and /sys, and every
 * protection the other rules would install was removed on purpose by whoever
 * asked for it.  Quietly taking the privileges away would start a container
 * that then fails in confusing ways, so it is refused, naming what made it
 * privileged.  The Pod Security Standard "baseline" forbids privileged
 * containers outright.  Absent "privileged" (or true) the rule does nothing.
 *
 * There is no "privileged" field in the runtime spec: each engine expands
 * the flag into settings.  From what they write (moby's daemon/oci_linux.go,
 * containerd's oci.WithPrivileged and CRI, Podman's containers/common):
 * every capability in every set, no seccomp filter, AppArmor "unconfined",
 * no maskedPaths and readonlyPaths, a device cgroup rule allowing all
 * devices ({"allow": true, "access": "rwm"}), sysfs and cgroupfs mounted
 * read-write and every host device node in linux.devices.
 *
 * Criteria, erring on the side of detecting: CAP_SYS_ADMIN in any of the
 * capability sets (the inheritable set survives execve for root even when
 * bounding lacks it), together with AT LEAST ONE of
 *   - a linux.resources.devices rule allowing every device: allow true,
 *     type absent or "a", major and minor absent or -1; or type "c" or "b"
 *     with wildcard numbers and read or write access (Docker's default
 *     "c *:* m" only allows mknod, which is harmless without access);
 *   - linux.maskedPaths absent or empty; likewise linux.readonlyPaths;
 *   - process.apparmorProfile "unconfined";
 *   - a sysfs, cgroup or cgroup2 mount without a final "ro" option;
 *   - /dev/mem, /dev/kmem, /dev/port or a block device in linux.devices.
 * Each of these is absent from what the engines write for an ordinary
 * container.  A missing seccomp filter is not a signal: it is Kubernetes'
 * default (Unconfined) for every pod, and the seccomp rule installs one.
 * CAP_SYS_ADMIN alone (Docker's --cap-add SYS_ADMIN, which keeps the other
 * protections) is the capabilities rule's business, not this one's.
 * Capability names compare as libcap reads them ("cap_sys_admin", "21"
 * count too).  The refusal names the set holding CAP_SYS_ADMIN as its field
 * and lists the signals seen.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>

#include "palisade/json.h"
#include "palisade/rewrite.h"

#define RULE "privileged"

static const char *const cap_sets[] = {"bounding", "effective", "permitted", "inheritable",
                                       "ambient"};

/* What made the spec privileged, as one line. */
struct signals {
	char text[320];
	size_t len;
	unsigned n;
};

static void signal_add(struct signals *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void signal_add(struct signals *s, const char *fmt, ...)
{
	va_list ap;
	int r;

	if (s->len + 3 >= sizeof(s->text))
		return;
	if (s->n++)
		s->len += (size_t)snprintf(s->text + s->len, sizeof(s->text) - s->len, ", ");
	va_start(ap, fmt);
	r = vsnprintf(s->text + s->len, sizeof(s->text) - s->len, fmt, ap);
	va_end(ap);
	if (r > 0)
		s->len += (size_t)r;
	if (s->len >= sizeof(s->text))
		s->len = sizeof(s->text) - 1;
}

/* OBJ[KEY] (OBJ being the spec's PARENT, NULL at the top), NULL when
 * absent or null; an error naming the field when it is not of the kind IS
 * accepts. */
static int member(yajl_val obj, const char *parent, const char *key, bool (*is)(yajl_val),
                  const char *kind, yajl_val *out, pal_error *err)
{
	yajl_val v = pal_json_get(obj, key);

	*out = NULL;
	if (!v || YAJL_IS_NULL(v))
		return 0;
	if (!is(v))
		return pal_err(err, EINVAL, "config.json: %s%s%s: must be %s", parent ? parent : "",
		               parent ? "." : "", key, kind);
	*out = v;
	return 0;
}

static bool is_object(yajl_val v)
{
	return YAJL_IS_OBJECT(v);
}

static bool is_array(yajl_val v)
{
	return YAJL_IS_ARRAY(v);
}

static bool is_string(yajl_val v)
{
	return YAJL_IS_STRING(v);
}

static bool is_number(yajl_val v)
{
	return YAJL_IS_NUMBER(v);
}

static bool is_bool(yajl_val v)
{
	return YAJL_IS_TRUE(v) || YAJL_IS_FALSE(v);
}

/* The first capability set holding CAP_SYS_ADMIN, NULL if none. */
static int sys_admin_set(yajl_val process, const char **set, pal_error *err)
{
	yajl_val caps, list;

	*set = NULL;
	if (member(process, "process", "capabilities", is_object, "an object", &caps, err) < 0)
		return -1;
	for (size_t s = 0; caps && s < 5; s++) {
		if (member(caps, "process.capabilities", cap_sets[s], pal_json_is_string_array,
		           "an array of strings", &list, err) < 0)
			return -1;
		for (size_t i = 0; list && i < list->u.array.len; i++) {
			cap_value_t v;

			if (cap_from_name(list->u.array.values[i]->u.string, &v) == 0 &&
			    v == CAP_SYS_ADMIN && !*set)
				*set = cap_sets[s];
		}
	}
	return 0;
}

static bool wildcard(yajl_val n)
{
	return !n || YAJL_IS_NULL(n) || !strcmp(n->u.number.r, "-1");
}

static int devices_cgroup(yajl_val linux_, struct signals *sig, pal_error *err)
{
	yajl_val res, devs;

	if (member(linux_, "linux", "resources", is_object, "an object", &res, err) < 0 ||
	    member(res, "linux.resources", "devices", is_array, "an array", &devs, err) < 0)
		return -1;
	for (size_t i = 0; devs && i < devs->u.array.len; i++) {
		yajl_val d = devs->u.array.values[i], allow, type, major, minor, access;
		char field[64];

		snprintf(field, sizeof(field), "linux.resources.devices[%zu]", i);
		if (!YAJL_IS_OBJECT(d))
			return pal_err(err, EINVAL, "config.json: %s: must be an object", field);
		if (member(d, field, "allow", is_bool, "a boolean", &allow, err) < 0 ||
		    member(d, field, "type", is_string, "a string", &type, err) < 0 ||
		    member(d, field, "major", is_number, "a number", &major, err) < 0 ||
		    member(d, field, "minor", is_number, "a number", &minor, err) < 0 ||
		    member(d, field, "access", is_string, "a string", &access, err) < 0)
			return -1;
		if (!YAJL_IS_TRUE(allow) || !wildcard(major) || !wildcard(minor))
			continue;
		if (!type || !strcmp(type->u.string, "a")) {
			signal_add(sig, "%s allowing every device", field);
			break;
		}
		if ((!strcmp(type->u.string, "c") || !strcmp(type->u.string, "b")) &&
		    (!access || strpbrk(access->u.string, "rw"))) {
			signal_add(sig, "%s allowing every %s device", field,
			           type->u.string[0] == 'c' ? "character" : "block");
			break;
		}
	}
	return 0;
}

static int paths_list(yajl_val linux_, const char *key, struct signals *sig, pal_error *err)
{
	char field[32];
	yajl_val v;

	snprintf(field, sizeof(field), "linux.%s", key);
	if (member(linux_, "linux", key, is_array, "an array", &v, err) < 0)
		return -1;
	if (!v || v->u.array.len == 0)
		signal_add(sig, "no %s", field);
	return 0;
}

static int apparmor(yajl_val process, struct signals *sig, pal_error *err)
{
	yajl_val v;

	if (member(process, "process", "apparmorProfile", is_string, "a string", &v, err) < 0)
		return -1;
	if (v && !strcmp(v->u.string, "unconfined"))
		signal_add(sig, "AppArmor unconfined");
	return 0;
}

/* sysfs or cgroupfs the container can write: the last of "ro"/"rw" wins,
 * as in mount(8); none means read-write. */
static int writable_kernel_fs(yajl_val spec, struct signals *sig, pal_error *err)
{
	yajl_val mounts;

	if (member(spec, NULL, "mounts", is_array, "an array", &mounts, err) < 0)
		return -1;
	for (size_t i = 0; mounts && i < mounts->u.array.len; i++) {
		yajl_val m = mounts->u.array.values[i], type, opts;
		char field[48];
		bool ro = false;

		snprintf(field, sizeof(field), "mounts[%zu]", i);
		if (!YAJL_IS_OBJECT(m))
			return pal_err(err, EINVAL, "config.json: %s: must be an object", field);
		if (member(m, field, "type", is_string, "a string", &type, err) < 0 ||
		    member(m, field, "options", pal_json_is_string_array, "an array of strings", &opts,
		           err) < 0)
			return -1;
		if (!type || (strcmp(type->u.string, "sysfs") && strcmp(type->u.string, "cgroup") &&
		              strcmp(type->u.string, "cgroup2")))
			continue;
		for (size_t j = 0; opts && j < opts->u.array.len; j++) {
			const char *o = opts->u.array.values[j]->u.string;

			if (!strcmp(o, "ro"))
				ro = true;
			else if (!strcmp(o, "rw"))
				ro = false;
		}
		if (!ro) {
			signal_add(sig, "%s mounted read-write (mounts[%zu])", type->u.string, i);
			break;
		}
	}
	return 0;
}

static int host_devices(yajl_val linux_, struct signals *sig, pal_error *err)
{
	static const char *const raw[] = {"/dev/mem", "/dev/kmem", "/dev/port"};
	yajl_val devs;

	if (member(linux_, "linux", "devices", is_array, "an array", &devs, err) < 0)
		return -1;
	for (size_t i = 0; devs && i < devs->u.array.len; i++) {
		yajl_val d = devs->u.array.values[i], path, type;
		char field[48];
		bool hit;

		snprintf(field, sizeof(field), "linux.devices[%zu]", i);
		if (!YAJL_IS_OBJECT(d))
			return pal_err(err, EINVAL, "config.json: %s: must be an object", field);
		if (member(d, field, "path", is_string, "a string", &path, err) < 0 ||
		    member(d, field, "type", is_string, "a string", &type, err) < 0)
			return -1;
		hit = type && !strcmp(type->u.string, "b");
		for (size_t r = 0; path && r < sizeof(raw) / sizeof(raw[0]); r++)
			hit = hit || !strcmp(path->u.string, raw[r]);
		if (hit) {
			signal_add(sig, "host device %s (%s)", path ? path->u.string : "?", field);
			break;
		}
	}
	return 0;
}

static int apply(const struct pal_rewrite_ctx *ctx, yajl_val spec, pal_error *err)
{
	yajl_val allowed = pal_profile_get(ctx->profile, "privileged", NULL);
	yajl_val process, linux_;
	struct signals sig = {.len = 0};
	const char *set;
	char field[48];

	if (!allowed || YAJL_IS_NULL(allowed))
		return 0;
	if (!YAJL_IS_TRUE(allowed) && !YAJL_IS_FALSE(allowed))
		return pal_err(err, EINVAL, "profile \"%s\": privileged: must be a boolean",
		               ctx->profile->name);
	if (YAJL_IS_TRUE(allowed))
		return 0;

	if (member(spec, NULL, "process", is_object, "an object", &process, err) < 0 ||
	    member(spec, NULL, "linux", is_object, "an object", &linux_, err) < 0)
		return -1;
	/* every field is read (and so checked) whatever the capabilities */
	if (sys_admin_set(process, &set, err) < 0 || devices_cgroup(linux_, &sig, err) < 0 ||
	    paths_list(linux_, "maskedPaths", &sig, err) < 0 ||
	    paths_list(linux_, "readonlyPaths", &sig, err) < 0 ||
	    apparmor(process, &sig, err) < 0 || writable_kernel_fs(spec, &sig, err) < 0 ||
	    host_devices(linux_, &sig, err) < 0)
		return -1;
	if (!set || !sig.n)
		return 0;
	snprintf(field, sizeof(field), "process.capabilities.%s", set);
	return pal_rule_refuse(ctx, RULE, field, err,
	                       "a privileged container: CAP_SYS_ADMIN with %s; run it without "
	                       "--privileged (privileged: false in the pod)",
	                       sig.text);
}

const struct pal_rule pal_rule_privileged = {
    .name = RULE,
    .apply = apply,
};
