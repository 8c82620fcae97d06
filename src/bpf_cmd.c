/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `palisade bpf ...` (bpf.h): the administrator's view of the BPF objects
 * Palisade pins under bpf_dir, and the test consumer of the event ring.
 *
 *   status [--json]                  what is loaded; whether BPF LSM works
 *   load                             load and pin unless already (as create
 *                                    does), then print the status
 *   events [--timeout MS] [--count N]
 *                                    one JSON line per event on stdout,
 *                                    flushed each; exit 0 after N events, or
 *                                    after MS (default 1000) without one
 *   lookup CGID                      a container's policy and counters, JSON
 *   sweep                            unregister the cgroups that are gone
 *   unload                           detach and unpin everything
 *
 * The load lock is STATE_DIR/bpf.lock, shared with create.  This file only
 * parses and prints; src/bpf.c does the work.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

#include "palisade/bpf.h"
#include "palisade/cleanup.h"
#include "palisade/conf.h"

#define USAGE                                                                                      \
	"palisade bpf status [--json] | load | events [--timeout MS] [--count N] | lookup CGID | " \
	"sweep | unload"

static const char *lsm_state_name(enum pal_bpf_lsm_state s)
{
	switch (s) {
	case PAL_BPF_LSM_ACTIVE:
		return "active";
	case PAL_BPF_LSM_UNAVAILABLE:
		return "unavailable";
	default:
		return "unknown";
	}
}

static const char *action_name(unsigned a)
{
	switch (a) {
	case PAL_BPF_ACT_OFF:
		return "off";
	case PAL_BPF_ACT_AUDIT:
		return "audit";
	case PAL_BPF_ACT_DENY:
		return "deny";
	default:
		return "?";
	}
}

static int g_str(yajl_gen g, const char *s)
{
	return yajl_gen_string(g, (const unsigned char *)s, strlen(s)) == yajl_gen_status_ok ? 0
	                                                                                     : -1;
}

static int g_u64(yajl_gen g, const char *k, unsigned long long v)
{
	char num[24];
	int n = snprintf(num, sizeof(num), "%llu", v);

	return g_str(g, k) < 0 || yajl_gen_number(g, num, (size_t)n) != yajl_gen_status_ok ? -1 : 0;
}

static int g_kv(yajl_gen g, const char *k, const char *v)
{
	return g_str(g, k) < 0 || g_str(g, v) < 0 ? -1 : 0;
}

static int g_bool(yajl_gen g, const char *k, bool v)
{
	return g_str(g, k) < 0 || yajl_gen_bool(g, v) != yajl_gen_status_ok ? -1 : 0;
}

static int g_print(yajl_gen g, pal_error *err)
{
	const unsigned char *buf;
	size_t len;

	if (yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok)
		return pal_err(err, EINVAL, "formatting JSON");
	if (printf("%.*s\n", (int)len, (const char *)buf) < 0 || fflush(stdout) != 0)
		return pal_err(err, errno, "writing to stdout");
	return 0;
}

static int print_status(const struct pal_conf *conf, const struct pal_bpf_status *st, bool json,
                        pal_error *err)
{
	if (!json) {
		printf("pin root: %s\nloaded: %s\n", conf->bpf_dir, st->loaded ? "yes" : "no");
		if (st->loaded)
			printf("lsm: %s\n", lsm_state_name(st->lsm));
		printf("%s\n", st->lsm_reason);
		if (fflush(stdout) != 0)
			return pal_err(err, errno, "writing to stdout");
		return 0;
	}
	_cleanup_yajl_gen_ yajl_gen g = yajl_gen_alloc(NULL);
	if (!g)
		return pal_err(err, ENOMEM, "status");
	if (yajl_gen_map_open(g) != yajl_gen_status_ok || g_kv(g, "pin_root", conf->bpf_dir) < 0 ||
	    g_bool(g, "loaded", st->loaded) < 0 || g_kv(g, "lsm", lsm_state_name(st->lsm)) < 0 ||
	    g_u64(g, "lsm_errno", (unsigned long long)st->lsm_errno) < 0 ||
	    g_kv(g, "reason", st->lsm_reason) < 0)
		return pal_err(err, EINVAL, "formatting the status");
	if (st->loaded) {
		uint64_t drops;
		if (pal_bpf_drops(conf->bpf_dir, &drops, err) < 0)
			return -1;
		if (g_u64(g, "drops", drops) < 0)
			return pal_err(err, EINVAL, "formatting the status");
	}
	if (yajl_gen_map_close(g) != yajl_gen_status_ok)
		return pal_err(err, EINVAL, "formatting the status");
	return g_print(g, err);
}

static int lock_path(const struct pal_conf *conf, char *buf, size_t size, pal_error *err)
{
	int n = snprintf(buf, size, "%s/bpf.lock", conf->state_dir);

	if (n < 0 || (size_t)n >= size)
		return pal_err(err, ENAMETOOLONG, "%s", conf->state_dir);
	return 0;
}

static int parse_num(const char *s, unsigned long long max, unsigned long long *out, pal_error *err)
{
	char *end;

	errno = 0;
	*out = strtoull(s, &end, 10);
	if (!*s || *s == '-' || *end || errno || *out > max)
		return pal_err_code(err, EINVAL, "\"%s\": not a number up to %llu", s, max);
	return 0;
}

struct events_ctx {
	unsigned long long want, seen; /* want 0: no limit */
	bool done;
};

static int on_event(void *vctx, const struct pal_bpf_event *ev, pal_error *err)
{
	struct events_ctx *ctx = vctx;
	_cleanup_free_ char *line = NULL;

	if (pal_bpf_event_json(ev, &line, err) < 0)
		return -1;
	if (printf("%s\n", line) < 0 || fflush(stdout) != 0)
		return pal_err(err, errno, "writing to stdout");
	ctx->seen++;
	if (ctx->want && ctx->seen >= ctx->want) {
		ctx->done = true;
		return -ECANCELED; /* stops the poll; not an error (done) */
	}
	return 0;
}

static int cmd_events(const struct pal_conf *conf, int argc, char **argv, pal_error *err)
{
	struct events_ctx ctx = {0};
	unsigned long long timeout = 1000;
	struct pal_bpf_reader *reader = NULL;
	int r;

	for (int i = 1; i < argc; i++) {
		unsigned long long *dst;
		if (!strcmp(argv[i], "--timeout"))
			dst = &timeout;
		else if (!strcmp(argv[i], "--count"))
			dst = &ctx.want;
		else
			return pal_err_code(err, EINVAL,
			                    "bpf events: unknown argument \"%s\"; usage: %s",
			                    argv[i], USAGE);
		if (i + 1 >= argc)
			return pal_err_code(err, EINVAL, "bpf events: %s needs a value", argv[i]);
		if (parse_num(argv[++i], INT_MAX, dst, err) < 0)
			return pal_err_prefix(err, "bpf events %s", argv[i - 1]);
	}
	if (pal_bpf_reader_open(conf->bpf_dir, on_event, &ctx, &reader, err) < 0)
		return -1;
	for (;;) {
		r = pal_bpf_reader_poll(reader, (int)timeout, err);
		if (ctx.done) {
			r = 0;
			break;
		}
		if (r <= 0)
			break; /* an error, or quiet for TIMEOUT */
	}
	pal_bpf_reader_free(reader);
	return r < 0 ? -1 : 0;
}

static int cmd_lookup(const struct pal_conf *conf, const char *arg, pal_error *err)
{
	struct pal_bpf_policy pol;
	struct pal_bpf_cstate cs;
	unsigned long long cgid;

	if (parse_num(arg, UINT64_MAX, &cgid, err) < 0)
		return pal_err_prefix(err, "bpf lookup");
	if (pal_bpf_lookup(conf->bpf_dir, cgid, &pol, &cs, err) < 0)
		return -1;
	_cleanup_yajl_gen_ yajl_gen g = yajl_gen_alloc(NULL);
	if (!g)
		return pal_err(err, ENOMEM, "lookup");
	bool ok = yajl_gen_map_open(g) == yajl_gen_status_ok &&
	          g_u64(g, "cgroup_id", pol.cgroup_id) == 0 &&
	          g_bool(g, "armed", pol.flags & PAL_BPF_F_ARMED) == 0 &&
	          g_u64(g, "flags", pol.flags) == 0 &&
	          g_u64(g, "init_tgid", pol.init_tgid) == 0 &&
	          g_u64(g, "start_realtime_ns", pol.start_realtime_ns) == 0 &&
	          g_u64(g, "root_kuid", pol.root_kuid) == 0 &&
	          g_u64(g, "rate_per_sec", pol.rate_per_sec) == 0 && g_str(g, "actions") == 0 &&
	          yajl_gen_map_open(g) == yajl_gen_status_ok;
	for (unsigned i = 0; ok && i < PAL_BPF_RULE_MAX; i++)
		ok = g_kv(g, pal_bpf_rule_name(i),
		          /* the profile's word: capabilities are logged, never denied */
		          i == PAL_BPF_RULE_CAPABLE && pol.action[i] ? "log"
		                                                     : action_name(pol.action[i])) == 0;
	ok = ok && yajl_gen_map_close(g) == yajl_gen_status_ok && g_str(g, "counters") == 0 &&
	     yajl_gen_map_open(g) == yajl_gen_status_ok &&
	     g_u64(g, "window_start_ns", cs.window_start_ns) == 0 &&
	     g_u64(g, "window_count", cs.window_count) == 0 &&
	     g_u64(g, "suppressed", cs.suppressed) == 0 && g_str(g, "hits") == 0 &&
	     yajl_gen_map_open(g) == yajl_gen_status_ok;
	for (unsigned i = 0; ok && i < PAL_BPF_RULE_MAX; i++)
		ok = g_u64(g, pal_bpf_rule_name(i), cs.hits[i]) == 0;
	ok = ok && yajl_gen_map_close(g) == yajl_gen_status_ok &&
	     yajl_gen_map_close(g) == yajl_gen_status_ok &&
	     yajl_gen_map_close(g) == yajl_gen_status_ok;
	if (!ok)
		return pal_err(err, EINVAL, "formatting the policy of cgroup %llu", cgid);
	return g_print(g, err);
}

/* The cgroup v2 mount point: the first cgroup2 line of mountinfo. */
static int cgroup2_open(pal_error *err)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
	_cleanup_free_ char *line = NULL;
	size_t cap = 0;

	if (!f)
		return pal_err(err, errno, "/proc/self/mountinfo");
	while (getline(&line, &cap, f) > 0) {
		char *sep = strstr(line, " - "), *save = NULL, *mp = NULL, *t;
		int field = 0;
		if (!sep || strncmp(sep + 3, "cgroup2 ", 8))
			continue;
		*sep = '\0';
		for (t = strtok_r(line, " ", &save); t; t = strtok_r(NULL, " ", &save))
			if (++field == 5)
				mp = t;
		/* mount points with escaped blanks (\040) are not for us */
		if (!mp || strchr(mp, '\\'))
			continue;
		int fd = open(mp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			return pal_err(err, errno, "opening %s", mp);
		return fd;
	}
	return pal_err_code(err, ENOENT, "no cgroup v2 mount in /proc/self/mountinfo");
}

int pal_bpf_main(const struct pal_conf *conf, int argc, char **argv, pal_error *err)
{
	struct pal_bpf_status st;
	char lock[PATH_MAX];
	const char *sub = argc > 1 ? argv[1] : NULL;

	if (!sub)
		return pal_err_code(err, EINVAL, "usage: %s", USAGE);
	if (!strcmp(sub, "status")) {
		bool json = argc == 3 && !strcmp(argv[2], "--json");
		if (argc > 3 || (argc == 3 && !json))
			return pal_err_code(err, EINVAL, "usage: palisade bpf status [--json]");
		if (pal_bpf_status(conf->bpf_dir, &st, err) < 0 ||
		    print_status(conf, &st, json, err) < 0)
			return -1;
		return 0;
	}
	if (!strcmp(sub, "load")) {
		if (argc != 2)
			return pal_err_code(err, EINVAL, "usage: palisade bpf load");
		if (lock_path(conf, lock, sizeof(lock), err) < 0 ||
		    pal_bpf_ensure(conf->bpf_dir, lock, &st, err) < 0 ||
		    print_status(conf, &st, false, err) < 0)
			return -1;
		return 0;
	}
	if (!strcmp(sub, "events"))
		return cmd_events(conf, argc - 1, argv + 1, err);
	if (!strcmp(sub, "lookup")) {
		if (argc != 3)
			return pal_err_code(err, EINVAL, "usage: palisade bpf lookup CGID");
		return cmd_lookup(conf, argv[2], err);
	}
	if (!strcmp(sub, "sweep")) {
		size_t n = 0;
		if (argc != 2)
			return pal_err_code(err, EINVAL, "usage: palisade bpf sweep");
		_cleanup_close_ int cg = cgroup2_open(err);
		if (cg < 0 || pal_bpf_sweep(conf->bpf_dir, cg, &n, err) < 0)
			return -1;
		printf("swept %zu\n", n);
		return fflush(stdout) == 0 ? 0 : pal_err(err, errno, "writing to stdout");
	}
	if (!strcmp(sub, "unload")) {
		if (argc != 2)
			return pal_err_code(err, EINVAL, "usage: palisade bpf unload");
		return pal_bpf_unload(conf->bpf_dir, err) < 0 ? -1 : 0;
	}
	return pal_err_code(err, EINVAL, "bpf: unknown command \"%s\"; usage: %s", sub, USAGE);
}
