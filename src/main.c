/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * palisade: a runc-compatible runtime that tightens bundles before the real
 * runtime creates them.  This file is the only place that prints an error
 * and chooses an exit code; every other module reports through pal_error.
 *
 * Control flow, per command:
 *   create, run, restore  rewrite config.json (with, when the profile has
 *                         BPF rules, a createRuntime hook that registers
 *                         the container's policy), record, exec the backend
 *   exec                  check/tighten against the record, then exec
 *   features              the backend's answer plus Palisade's additions
 *   check, hook, bpf      Palisade's own commands (no backend)
 *   events                Palisade's violations reader, unless the words
 *                         are runc's (events_cmd.h: then the backend's)
 *   everything else       exec the backend with the identical argv
 * Palisade never waits for a container: once the backend runs, Palisade is
 * gone from the process tree (exec, not fork).  The BPF policy goes when
 * runc runs the poststop hook (src/rules/bpf.c).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "palisade/bpf.h"
#include "palisade/bpf_policy.h"
#include "palisade/cleanup.h"
#include "palisade/cli.h"
#include "palisade/conf.h"
#include "palisade/events_cmd.h"
#include "palisade/exec_guard.h"
#include "palisade/features.h"
#include "palisade/hook.h"
#include "palisade/monitor.h"
#include "palisade/notify.h"
#include "palisade/id.h"
#include "palisade/json.h"
#include "palisade/log.h"
#include "palisade/rewrite.h"
#include "palisade/runtime.h"
#include "palisade/select.h"
#include "palisade/bpf.h"
#include "palisade/check.h"
#include "palisade/spec.h"
#include "palisade/state.h"

#define FEATURES_MAX_OUTPUT (1u << 20)

static int container_id(const struct pal_cli *cli, bool exact, const char **id, pal_error *err)
{
	const char *name = pal_cli_cmd_name(cli->cmd);

	/* runc's checkArgs wording */
	if (exact && cli->n_args != 1)
		return pal_err(err, 0, "\"%s\" requires exactly 1 argument(s)", name);
	if (cli->n_args < 1)
		return pal_err(err, 0, "\"%s\" requires a minimum of 1 argument(s)", name);
	if (pal_id_validate(cli->args[0], err) < 0)
		return -1;
	*id = cli->args[0];
	return 0;
}

/* Audit mode enforces nothing: say once, in the backend's log, what enforce
 * would have changed and refused. */
static void log_findings(const struct pal_log_target *log, const struct pal_rewrite_ctx *ctx)
{
	for (size_t i = 0; i < ctx->report->n; i++) {
		const struct pal_finding *f = &ctx->report->items[i];
		char msg[PAL_ERROR_MAX];
		snprintf(msg, sizeof(msg), "audit: profile \"%s\" would %s %s (rule %s): %s",
			 ctx->profile->name, f->refused ? "refuse" : "change", f->field, f->rule,
			 f->msg);
		pal_log_record(log, "warning", msg);
	}
}

/* The BPF policy of the rewritten spec: when it is not empty, load the BPF
 * objects (once per boot), refuse when the profile requires BPF LSM the
 * kernel lacks, and give the policy's record form in *JSON. */
static int prepare_bpf(const struct pal_conf *conf, const struct pal_rewrite_ctx *ctx,
		       yajl_val spec, yajl_val *json, char *warning, size_t size, pal_error *err)
{
	struct pal_bpf_policy_spec ps = {0};
	int r = -1;

	warning[0] = '\0';
	if (pal_bpf_policy_build(ctx->profile, ctx->mode, spec, &ps, err) < 0)
		return -1;
	if (pal_bpf_policy_empty(&ps)) {
		r = 0;
		goto out;
	}
	/* audit mode refuses nothing: a missing LSM is reported, not fatal */
	if (ctx->mode == PAL_MODE_AUDIT)
		ps.lsm_required = false;
	if (pal_hook_prepare(conf, ctx->profile->name, &ps, warning, size, err) < 0 ||
	    pal_bpf_policy_to_json(&ps, json, err) < 0)
		goto out;
	r = 0;
out:
	pal_bpf_policy_free(&ps);
	return r;
}

static int do_create(const struct pal_conf *conf, const struct pal_cli *cli,
		     const struct pal_log_target *log, char **argv, pal_error *err)
{
	_cleanup_spec_ struct pal_spec spec = PAL_SPEC_INIT;
	_cleanup_free_ char *root = NULL, *self = NULL, *notify = NULL;
	_cleanup_yajl_val_ yajl_val bpf = NULL;
	char warning[PAL_ERROR_MAX];
	struct pal_profile profile = {0};
	struct pal_report report = {0};
	const char *bundle = pal_cli_get(cli, "bundle", false);
	const char *backend = strrchr(conf->runtime, '/') + 1;
	const char *id;
	int r = -1;

	if (container_id(cli, true, &id, err) < 0)
		return -1;
	/* runc chdirs into a non-empty --bundle and reads config.json there */
	if (!bundle || !*bundle)
		bundle = ".";
	if (pal_state_root(cli, &root, err) < 0)
		return -1;
	/* A second create of a live id fails in the backend anyway; refusing
	 * first keeps its record from being replaced by the new bundle's. */
	if (pal_state_backend_has(root, id))
		return pal_err(err, EEXIST, "container with given ID already exists: %s", id);

	if (pal_spec_load(bundle, &spec, err) < 0)
		return -1;
	struct pal_rewrite_ctx ctx = {
		.cmd = cli->cmd,
		.id = id,
		.bundle = bundle,
		.bundle_fd = spec.dirfd,
		.profile = &profile,
		.backend = backend,
		.report = &report,
		.state_root = root,
	};
	/* the path runc will run the createRuntime hook by */
	self = realpath("/proc/self/exe", NULL);
	if (!self) {
		r = pal_err(err, errno, "/proc/self/exe");
		goto out;
	}
	ctx.self_exe = self;
	/* denials the backend cannot log go to the monitor (notify.h) */
	if (pal_notify_socket_for(conf, backend, &notify, err) < 0)
		goto out;
	ctx.notify_path = notify;
	if (pal_select_profile(conf, spec.root, NULL, &profile, &ctx.mode, err) < 0) {
		pal_err_prefix(err, "bundle %s", bundle);
		goto out;
	}
	/* BPF before the write: a refusal leaves the bundle as it was */
	if (pal_rewrite(&ctx, spec.root, err) < 0 ||
	    prepare_bpf(conf, &ctx, spec.root, &bpf, warning, sizeof(warning), err) < 0 ||
	    pal_spec_write(&spec, NULL, err) < 0) {
		pal_err_prefix(err, "bundle %s", bundle);
		goto out;
	}
	if (ctx.mode == PAL_MODE_AUDIT)
		log_findings(log, &ctx);
	if (warning[0])
		pal_log_record(log, "warning", warning);
	if (pal_state_save(conf, root, id, bundle, spec.root, bpf, err) < 0)
		goto out;
	(void)pal_state_sweep(conf, root, err); /* housekeeping, never fatal */
	pal_err_clear(err);
	/* violations must have somewhere to go (monitor.autostart) */
	if (pal_monitor_ensure(conf, err) < 0)
		goto out;
	r = pal_runtime_exec(conf, argv, err);
out:
	pal_report_free(&report);
	pal_profile_free(&profile);
	return r;
}

static int do_exec(const struct pal_conf *conf, const struct pal_cli *cli,
		   const struct pal_log_target *log, char **argv, pal_error *err)
{
	_cleanup_free_ char *root = NULL, *storage = NULL;
	_cleanup_yajl_val_ yajl_val rec = NULL;
	const char *id;
	int removed = 0;

	if (container_id(cli, false, &id, err) < 0)
		return -1;
	if (pal_state_root(cli, &root, err) < 0)
		return -1;
	/* No such container: the backend says so in its own words. */
	if (!pal_state_backend_has(root, id))
		return pal_runtime_exec(conf, argv, err);
	if (pal_state_load(conf, root, id, &rec, err) < 0) {
		if (err->errnum == ENOENT)
			return pal_err(err, EPERM,
				       "exec %s: the container was not created through Palisade "
				       "(no record in %s): refusing an unguarded exec",
				       id, conf->state_dir);
		return -1;
	}
	if (pal_exec_guard(cli, argv, pal_json_get(rec, "process"), &removed, &storage, err) < 0)
		return -1;
	if (removed > 0) {
		char msg[160];
		snprintf(msg, sizeof(msg),
			 "exec %s: %d capabilities or limits beyond the container's were removed "
			 "from the process",
			 id, removed);
		pal_log_record(log, "warning", msg);
	}
	return pal_runtime_exec(conf, argv, err);
}

static int do_features(const struct pal_conf *conf, char **argv, int *status, pal_error *err)
{
	_cleanup_free_ char *out = NULL, *text = NULL;
	_cleanup_yajl_val_ yajl_val features = NULL;
	size_t len;

	if (pal_runtime_output(conf, argv, FEATURES_MAX_OUTPUT, &out, &len, status, err) < 0)
		return -1;
	if (*status != 0) {
		/* the backend failed: its output and exit code, untouched */
		fwrite(out, 1, len, stdout);
		return 0;
	}
	if (pal_json_parse(out, len, "features", &features, err) < 0 ||
	    pal_features_merge(features, err) < 0 ||
	    pal_json_serialize(features, true, &text, &len, err) < 0)
		return pal_err_prefix(err, "runtime %s", conf->runtime);
	if (fwrite(text, 1, len, stdout) != len || fflush(stdout) != 0)
		return pal_err(err, errno, "writing features");
	return 0;
}

int main(int argc, char **argv)
{
	static struct pal_cli cli; /* large: keep it off the stack */
	struct pal_conf conf = {0};
	pal_error err = {0};
	struct pal_log_target log = {0};
	int parsed, status = 0;
	const char *fmt;

	parsed = pal_cli_parse(argc, argv, &cli, &err);
	log.path = pal_cli_get(&cli, "log", true);
	fmt = pal_cli_get(&cli, "log-format", true);
	log.json = fmt && !strcmp(fmt, "json");

	if (parsed == 0 && cli.version && cli.cmd == PAL_CMD_NONE) {
		printf("palisade version %s\n", PACKAGE_VERSION);
		fflush(stdout);
	}
	if (pal_conf_load(&conf, &err) < 0)
		goto fail;
	/* Palisade's own commands never run the backend; every other path does */
	if (cli.cmd == PAL_CMD_UNKNOWN && parsed == 0 && !strcmp(cli.cmd_word, "hook")) {
		status = pal_hook_main(&conf, argc - cli.cmd_index, argv + cli.cmd_index, &err);
		goto own;
	}
	if (cli.cmd == PAL_CMD_UNKNOWN && parsed == 0 && !strcmp(cli.cmd_word, "monitor")) {
		status = pal_monitor_main(&conf, argc - cli.cmd_index, argv + cli.cmd_index, &err);
		goto own;
	}
	if (cli.cmd == PAL_CMD_UNKNOWN && parsed == 0 && !strcmp(cli.cmd_word, "bpf")) {
		status = pal_bpf_main(&conf, argc - cli.cmd_index, argv + cli.cmd_index, &err);
		goto own;
	}
	/* `events`: Palisade's violations reader, or runc's statistics with
	 * runc's options and one id (events_cmd.h); global --help/--version
	 * are runc's business either way */
	if (cli.cmd == PAL_CMD_EVENTS && cli.cmd_index >= 0 && !cli.version &&
	    pal_cli_get_bool(&cli, "help", true) != 1 &&
	    pal_events_is_own(argc - cli.cmd_index, argv + cli.cmd_index)) {
		status = pal_events_main(&conf, argc - cli.cmd_index, argv + cli.cmd_index, &err);
		goto own;
	}
	if (!(cli.cmd == PAL_CMD_UNKNOWN && parsed == 0 && !strcmp(cli.cmd_word, "check")) &&
	    pal_runtime_check(&conf, &err) < 0)
		goto fail;

	switch (cli.cmd) {
	case PAL_CMD_CREATE:
	case PAL_CMD_RUN:
	case PAL_CMD_RESTORE:
	case PAL_CMD_EXEC:
		/* A vector Palisade cannot read exactly is never forwarded for
		 * a command that makes or enters a container. */
		if (parsed < 0)
			goto fail;
		if (cli.help)
			break;
		if (cli.cmd == PAL_CMD_EXEC ? do_exec(&conf, &cli, &log, argv, &err) < 0
					    : do_create(&conf, &cli, &log, argv, &err) < 0)
			goto fail;
		break; /* not reached: exec'd */
	case PAL_CMD_UNKNOWN:
		/* Palisade's own command, a word runc does not have */
		if (parsed == 0 && !strcmp(cli.cmd_word, "check")) {
			status = pal_check_main(&conf, argc - cli.cmd_index, argv + cli.cmd_index,
						&err);
			if (status < 0) {
				/* 1 and 2 are verdicts (check.h): an error is 3 */
				pal_log_error(&log, err.msg);
				pal_conf_free(&conf);
				return 3;
			}
			pal_conf_free(&conf);
			return status;
		}
		break;
	case PAL_CMD_FEATURES:
		if (parsed < 0 || cli.help)
			break;
		if (do_features(&conf, argv, &status, &err) < 0)
			goto fail;
		pal_conf_free(&conf);
		return status;
	default:
		break;
	}
	pal_runtime_exec(&conf, argv, &err);
fail:
	pal_log_error(&log, err.msg);
	pal_conf_free(&conf);
	return 1;
own:
	if (status < 0)
		goto fail;
	pal_conf_free(&conf);
	return status;
}
