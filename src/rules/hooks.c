/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Rule "hooks": with "hooks": {"allow": [paths]} in the profile, every hook
 * whose "path" is not in "allow" is refused; the refusal names the hook's
 * field and path.  "allow": [] (or no "allow") refuses every hook.
 *
 * Why: hooks are programs the runtime executes on the host
 * (runtime-spec config.md "POSIX-platform Hooks"): prestart, createRuntime
 * and poststart/poststop hooks run in the runtime's namespaces, as root;
 * createContainer and startContainer run in the container's namespaces
 * before the user's process is locked down.  A hook in a bundle is
 * therefore code execution as root on the host for whoever wrote the
 * bundle.  Removing a hook silently is no fix: the engine that asked for it
 * (a GPU or network hook, Podman's hooks.d) may rely on it to set the
 * container up, so the container would start broken; keeping it is the
 * privilege.  Hence refuse, like a forbidden host namespace.
 *
 * Every member of "hooks" is checked, not only the kinds known today: a
 * runtime that learns a new hook kind must not run it unchecked.  Paths
 * compare as exact strings; the profile's are normalised (profile.h), and
 * "/usr/libexec/x/../../../tmp/evil" must not pass for an allowed one.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "palisade/cleanup.h"
#include "palisade/json.h"
#include "palisade/rewrite.h"
#include "palisade/util.h"

#define RULE "hooks"

static bool allowed(yajl_val allow, const char *path)
{
	for (size_t i = 0; allow && i < allow->u.array.len; i++)
		if (!strcmp(allow->u.array.values[i]->u.string, path))
			return true;
	return false;
}

static int check_kind(const struct pal_rewrite_ctx *ctx, const char *kind, yajl_val list,
                      yajl_val allow, pal_error *err)
{
	_cleanup_free_ char *shown_kind = pal_escape(kind, 32);
	char field[160];

	if (!shown_kind)
		return pal_err(err, ENOMEM, "config.json: hooks");
	if (!YAJL_IS_ARRAY(list))
		return pal_err(err, EINVAL, "config.json: hooks.%s: must be an array", shown_kind);
	for (size_t i = 0; i < list->u.array.len; i++) {
		yajl_val hook = list->u.array.values[i];
		yajl_val path = pal_json_get(hook, "path");
		_cleanup_free_ char *shown = NULL;

		snprintf(field, sizeof(field), "hooks.%s[%zu].path", shown_kind, i);
		if (!YAJL_IS_OBJECT(hook))
			return pal_err(err, EINVAL, "config.json: hooks.%s[%zu]: must be an object",
			               shown_kind, i);
		if (!YAJL_IS_STRING(path))
			return pal_err(err, EINVAL, "config.json: %s: must be a string", field);
		if (allowed(allow, path->u.string) || pal_rule_bpf_is_own_hook(ctx, hook))
			continue; /* Palisade's own: the bpf rule rewrites it */
		shown = pal_escape(path->u.string, 256);
		if (!shown)
			return pal_err(err, ENOMEM, "config.json: %s", field);
		if (pal_rule_refuse(ctx, RULE, field, err,
		                    "hook %s is not in hooks.allow (a hook runs as root, outside "
		                    "the container's restrictions)",
		                    shown) < 0)
			return -1;
	}
	return 0;
}

static int apply(const struct pal_rewrite_ctx *ctx, yajl_val spec, pal_error *err)
{
	yajl_val section = pal_profile_get(ctx->profile, "hooks", NULL);
	yajl_val allow, hooks;

	if (!section)
		return 0;
	if (!YAJL_IS_OBJECT(section))
		return pal_err(err, EINVAL, "profile \"%s\": hooks: must be an object",
		               ctx->profile->name);
	allow = pal_json_get(section, "allow");
	if (allow) {
		bool ok = YAJL_IS_ARRAY(allow);

		for (size_t i = 0; ok && i < allow->u.array.len; i++)
			ok = YAJL_IS_STRING(allow->u.array.values[i]);
		if (!ok)
			return pal_err(err, EINVAL,
			               "profile \"%s\": hooks.allow: must be an array of strings",
			               ctx->profile->name);
	}

	hooks = pal_json_get(spec, "hooks");
	if (!hooks)
		return 0;
	if (!YAJL_IS_OBJECT(hooks))
		return pal_err(err, EINVAL, "config.json: hooks: must be an object");
	for (size_t i = 0; i < hooks->u.object.len; i++)
		if (check_kind(ctx, hooks->u.object.keys[i], hooks->u.object.values[i], allow,
		               err) < 0)
			return -1;
	return 0;
}

const struct pal_rule pal_rule_hooks = {
    .name = RULE,
    .apply = apply,
};
