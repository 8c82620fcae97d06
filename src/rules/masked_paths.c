/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Rule "masked_paths": linux.maskedPaths and linux.readonlyPaths hold at
 * least the profile's "maskedPaths" and "readonlyPaths".  What the spec
 * already lists stays, in its order; the profile's missing paths are
 * appended in the profile's order.  Nothing is ever removed: a path the
 * spec makes read-only and the profile masks ends up in both lists, which
 * is harmless (the runtime masks after it remounts read-only, and a masked
 * path is unreadable whatever else applies).
 *
 * Why: procfs and sysfs expose host-wide kernel state that the namespaces
 * do not isolate.  The runtime (runtime-spec config-linux.md "Masked
 * Paths", "Readonly Paths") bind-mounts /dev/null or an empty read-only
 * tmpfs over masked paths and remounts read-only paths read-only.  Docker,
 * containerd, CRI-O and Podman mask by default, for instance:
 *   /proc/kcore        the kernel's memory as an ELF core;
 *   /proc/keys, /proc/timer_list, /proc/sched_debug, /proc/latency_stats
 *                      host-wide information leaks (keys, timers, tasks);
 *   /proc/scsi         writing to it could remove host SCSI devices
 *                      (CVE-2017-16539);
 *   /proc/acpi         host ACPI state and controls;
 *   /sys/firmware      ACPI tables with licence keys, iSCSI CHAP secrets
 *                      (moby PR 26618);
 *   /sys/devices/virtual/powercap
 *                      RAPL energy counters, a power side channel on the
 *                      host's other workloads (CVE-2020-8694, "PLATYPUS");
 * and make read-only /proc/sys, /proc/irq, /proc/bus, /proc/fs and
 * /proc/sysrq-trigger (a write there reboots or crashes the host: the file
 * checks no capability, only write access).
 *
 * Paths compare as exact strings: the runtime masks the string it is given,
 * so "/proc//kcore" in the spec does not prove "/proc/kcore" is masked in
 * the way the profile means; a duplicate is harmless, a miss is not.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "palisade/json.h"
#include "palisade/rewrite.h"

#define RULE "masked_paths"

/* linux.KEY |= the profile's KEY.  *LNX (the spec's "linux") is created on
 * first need. */
static int merge(const struct pal_rewrite_ctx *ctx, yajl_val spec, yajl_val *lnx, const char *key,
                 const char *what, pal_error *err)
{
	yajl_val want = pal_profile_get(ctx->profile, key, NULL);
	char field[64];
	yajl_val have;

	if (!want)
		return 0;
	snprintf(field, sizeof(field), "linux.%s", key);
	if (!pal_json_is_string_array(want))
		return pal_err(err, EINVAL, "profile \"%s\": %s: must be an array of strings",
		               ctx->profile->name, key);
	have = pal_json_get(*lnx, key);
	if (have && !pal_json_is_string_array(have))
		return pal_err(err, EINVAL, "config.json: linux.%s: must be an array of strings",
		               key);

	for (size_t i = 0; i < want->u.array.len; i++) {
		const char *path = want->u.array.values[i]->u.string;

		if (pal_json_array_has_string(have, path))
			continue;
		if (!*lnx) {
			*lnx = pal_json_ensure_object(spec, "linux", err);
			if (!*lnx)
				return pal_err_prefix(err, "config.json: linux");
		}
		if (!have) {
			if (pal_json_set(*lnx, key, pal_json_new_array(), err) < 0)
				return pal_err_prefix(err, "config.json: linux.%s", key);
			have = pal_json_get(*lnx, key);
		}
		if (pal_json_append(have, pal_json_new_string(path), err) < 0)
			return pal_err_prefix(err, "config.json: linux.%s", key);
		pal_rule_note(ctx, RULE, field, "%s %s", what, path);
	}
	return 0;
}

static int apply(const struct pal_rewrite_ctx *ctx, yajl_val spec, pal_error *err)
{
	yajl_val lnx = pal_json_get(spec, "linux");

	if (lnx && !YAJL_IS_OBJECT(lnx))
		return pal_err(err, EINVAL, "config.json: linux: must be an object");
	if (merge(ctx, spec, &lnx, "maskedPaths", "masked", err) < 0 ||
	    merge(ctx, spec, &lnx, "readonlyPaths", "made read-only", err) < 0)
		return -1;
	return 0;
}

const struct pal_rule pal_rule_masked_paths = {
    .name = RULE,
    .apply = apply,
};
