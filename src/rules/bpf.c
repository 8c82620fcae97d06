/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Rule "bpf": when the profile's "bpf" section turns anything on, put
 * Palisade's own hooks first in hooks.createRuntime and hooks.poststop:
 *
 *   {"path": "<this palisade>", "args": ["palisade", "hook", "create-runtime",
 *    "--root", "<runc root>"], "env": ["PALISADE_CONFIG=..."], "timeout": 30}
 *   the same with "poststop"
 *
 * Why a hook: the container's policy must be in the kernel after its cgroup
 * exists and before any of its user code runs, for `create`, `run` and
 * `restore` alike, and whoever makes the cgroup (runc, or systemd with
 * --systemd-cgroup).  runc runs createRuntime hooks once the init process
 * is in its cgroup and before it pivots into the rootfs; a hook that fails
 * makes runc tear the container down.  So the hook is the one point that
 * holds for every command and every cgroup driver, and it fails closed.
 * runc runs poststop hooks whenever it destroys a container (`delete`, and
 * the end of a foreground `run`, which Palisade does not outlive), so the
 * poststop hook unregisters the policy however the container ends; what a
 * crash leaves behind is swept at the next create (hook.h).
 *
 * Whatever Palisade hook the bundle already carries (an earlier rewrite, or
 * one planted to look like ours) is removed first, from every hook kind,
 * so the rule is idempotent and only the hook it wrote survives.  The
 * hooks rule lets exactly such entries through its allow-list
 * (pal_rule_bpf_is_own_hook), because this rule replaces them.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "palisade/bpf_policy.h"
#include "palisade/cleanup.h"
#include "palisade/conf.h"
#include "palisade/json.h"
#include "palisade/rewrite.h"

#define RULE "bpf"
#define HOOK_TIMEOUT "30"
#define DEFAULT_SELF SBINDIR "/palisade"
#define DEFAULT_ROOT "/run/runc"

static const char *self_exe(const struct pal_rewrite_ctx *ctx)
{
	return ctx->self_exe ? ctx->self_exe : DEFAULT_SELF;
}

bool pal_rule_bpf_is_own_hook(const struct pal_rewrite_ctx *ctx, yajl_val hook)
{
	yajl_val path = pal_json_get(hook, "path");
	yajl_val args = pal_json_get(hook, "args");

	return YAJL_IS_STRING(path) && !strcmp(path->u.string, self_exe(ctx)) &&
	       YAJL_IS_ARRAY(args) && args->u.array.len >= 2 &&
	       YAJL_IS_STRING(args->u.array.values[1]) &&
	       !strcmp(args->u.array.values[1]->u.string, "hook");
}

/* Remove our hooks from every kind; drop kinds left empty only if we
 * emptied them (an empty array the bundle had stays). */
static void strip_own(const struct pal_rewrite_ctx *ctx, yajl_val hooks)
{
	for (size_t k = 0; k < hooks->u.object.len; k++) {
		yajl_val list = hooks->u.object.values[k];
		bool removed = false;

		if (!YAJL_IS_ARRAY(list))
			continue; /* the hooks rule reports the shape */
		for (size_t i = list->u.array.len; i-- > 0;) {
			if (pal_rule_bpf_is_own_hook(ctx, list->u.array.values[i])) {
				pal_json_array_remove(list, i);
				removed = true;
			}
		}
		if (removed && list->u.array.len == 0) {
			pal_json_remove(hooks, hooks->u.object.keys[k]);
			k--;
		}
	}
}

static int add_string(yajl_val arr, const char *s, pal_error *err)
{
	yajl_val v = pal_json_new_string(s);

	if (!v)
		return pal_err(err, ENOMEM, "hooks");
	return pal_json_append(arr, v, err);
}

static yajl_val make_hook(const struct pal_rewrite_ctx *ctx, const char *kind, pal_error *err)
{
	_cleanup_yajl_val_ yajl_val hook = pal_json_new_object();
	yajl_val args = pal_json_new_array();
	const char *conf = getenv(PAL_CONF_ENV);
	yajl_val timeout = pal_json_new_number(HOOK_TIMEOUT);

	if (!hook || !args || !timeout) {
		yajl_tree_free(args);
		yajl_tree_free(timeout);
		pal_err(err, ENOMEM, "hooks");
		return NULL;
	}
	if (pal_json_set(hook, "path", pal_json_new_string(self_exe(ctx)), err) < 0 ||
	    pal_json_set(hook, "args", args, err) < 0 || add_string(args, "palisade", err) < 0 ||
	    add_string(args, "hook", err) < 0 || add_string(args, kind, err) < 0 ||
	    add_string(args, "--root", err) < 0 ||
	    add_string(args, ctx->state_root ? ctx->state_root : DEFAULT_ROOT, err) < 0 ||
	    /* a restored process resumes without an exec: no pending phase */
	    (ctx->cmd == PAL_CMD_RESTORE && !strcmp(kind, "create-runtime") &&
	     add_string(args, "--restore", err) < 0)) {
		yajl_tree_free(timeout);
		return NULL;
	}
	if (conf && *conf) {
		/* runc gives a hook exactly the env the spec lists */
		_cleanup_free_ char *kv = NULL;
		yajl_val env = pal_json_new_array();

		if (!env || asprintf(&kv, "%s=%s", PAL_CONF_ENV, conf) < 0) {
			yajl_tree_free(env);
			yajl_tree_free(timeout);
			pal_err(err, ENOMEM, "hooks");
			return NULL;
		}
		if (pal_json_set(hook, "env", env, err) < 0 || add_string(env, kv, err) < 0) {
			yajl_tree_free(timeout);
			return NULL;
		}
	}
	if (pal_json_set(hook, "timeout", timeout, err) < 0)
		return NULL;
	return steal_pointer(&hook);
}

/* Our hooks: hooks.KIND[0] for each kind, the runc hook kind and the
 * `palisade hook` word. */
static const struct {
	const char *kind, *word;
} own_hooks[] = {
    {"createRuntime", "create-runtime"},
    {"poststop", "poststop"},
};
#define N_OWN (sizeof(own_hooks) / sizeof(own_hooks[0]))

/* The bundle already holds exactly WANT[i] first in each kind, and no
 * other hook of ours. */
static bool in_place(const struct pal_rewrite_ctx *ctx, yajl_val hooks, yajl_val *want)
{
	size_t own = 0;

	for (size_t i = 0; i < N_OWN; i++) {
		yajl_val list = pal_json_get(hooks, own_hooks[i].kind);

		if (!YAJL_IS_ARRAY(list) || list->u.array.len == 0 ||
		    !pal_json_equal(list->u.array.values[0], want[i]))
			return false;
	}
	for (size_t k = 0; k < hooks->u.object.len; k++) {
		yajl_val list = hooks->u.object.values[k];

		for (size_t i = 0; YAJL_IS_ARRAY(list) && i < list->u.array.len; i++)
			own += pal_rule_bpf_is_own_hook(ctx, list->u.array.values[i]);
	}
	return own == N_OWN;
}

/* HOOKS[KIND] = [HOOK, ...what was there]; takes HOOK. */
static int prepend(yajl_val hooks, const char *kind, yajl_val hook, pal_error *err)
{
	yajl_val list = pal_json_get(hooks, kind);

	if (list && !YAJL_IS_ARRAY(list)) {
		yajl_tree_free(hook);
		return pal_err(err, EINVAL, "config.json: hooks.%s: must be an array", kind);
	}
	if (!list) {
		list = pal_json_new_array();
		if (!list) {
			yajl_tree_free(hook);
			return pal_err(err, ENOMEM, "hooks");
		}
		if (pal_json_set(hooks, kind, list, err) < 0) {
			yajl_tree_free(hook);
			return -1;
		}
	}
	if (pal_json_append(list, hook, err) < 0)
		return -1;
	memmove(&list->u.array.values[1], &list->u.array.values[0],
		(list->u.array.len - 1) * sizeof(yajl_val));
	list->u.array.values[0] = hook;
	return 0;
}

static int apply(const struct pal_rewrite_ctx *ctx, yajl_val spec, pal_error *err)
{
	struct pal_bpf_policy_spec ps = {0};
	yajl_val hooks = pal_json_get(spec, "hooks");
	yajl_val want[N_OWN] = {0};
	bool empty;
	int r = -1;

	if (hooks && !YAJL_IS_OBJECT(hooks))
		return pal_err(err, EINVAL, "config.json: hooks: must be an object");
	if (pal_bpf_policy_build(ctx->profile, ctx->mode, spec, &ps, err) < 0)
		return -1;
	empty = pal_bpf_policy_empty(&ps);
	pal_bpf_policy_free(&ps);

	if (empty) {
		if (hooks) {
			size_t before = hooks->u.object.len;

			strip_own(ctx, hooks);
			if (before && hooks->u.object.len == 0)
				pal_json_remove(spec, "hooks");
		}
		return 0;
	}
	for (size_t i = 0; i < N_OWN; i++)
		if (!(want[i] = make_hook(ctx, own_hooks[i].word, err)))
			goto out;
	if (hooks && in_place(ctx, hooks, want)) {
		r = 0;
		goto out;
	}
	if (hooks)
		strip_own(ctx, hooks);
	hooks = pal_json_ensure_object(spec, "hooks", err);
	if (!hooks)
		goto out;
	/* first: the policy is in place before any other hook runs, and
	 * removed whatever the others do */
	for (size_t i = 0; i < N_OWN; i++)
		if (prepend(hooks, own_hooks[i].kind, steal_pointer(&want[i]), err) < 0)
			goto out;
	pal_rule_note(ctx, RULE, "hooks",
		      "createRuntime and poststop hooks register and remove the container's BPF "
		      "policy (profile \"%s\")",
		      ctx->profile->name);
	r = 0;
out:
	for (size_t i = 0; i < N_OWN; i++)
		yajl_tree_free(want[i]);
	return r;
}

const struct pal_rule pal_rule_bpf = {
    .name = RULE,
    .audit_applies = true,
    .apply = apply,
};
