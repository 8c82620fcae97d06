/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "palisade/attribute.h"
#include "palisade/bpf.h"
#include "palisade/bpf_policy.h"
#include "palisade/cgroup.h"
#include "palisade/cleanup.h"
#include "palisade/hook.h"
#include "palisade/id.h"
#include "palisade/json.h"
#include "palisade/sink.h"
#include "palisade/state.h"
#include "palisade/util.h"
#include "palisade/violation.h"

#define STATE_MAX (1u << 20)

static void policy_freep(struct pal_bpf_policy_spec *ps)
{
	pal_bpf_policy_free(ps);
}

/* stdin to EOF, at most MAX bytes (runc writes the state and closes) */
static int read_stdin(size_t max, char **out, size_t *len, pal_error *err)
{
	_cleanup_free_ char *buf = malloc(max + 1);
	size_t got = 0;

	if (!buf)
		return pal_err(err, ENOMEM, "stdin");
	for (;;) {
		ssize_t n = read(STDIN_FILENO, buf + got, max + 1 - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return pal_err(err, errno, "reading stdin");
		if (n == 0)
			break;
		got += (size_t)n;
		if (got > max)
			return pal_err(err, EFBIG, "stdin: more than %zu bytes", max);
	}
	buf[got] = '\0';
	*out = steal_pointer(&buf);
	*len = got;
	return 0;
}

/* The OCI state runc writes on the hook's stdin: id and (PID not NULL) pid. */
static int read_state(char **id, pid_t *pid, pal_error *err)
{
	_cleanup_free_ char *buf = NULL;
	_cleanup_yajl_val_ yajl_val st = NULL;
	yajl_val vid, vpid;
	uint64_t n = 0;
	size_t len = 0;

	if (read_stdin(STATE_MAX, &buf, &len, err) < 0)
		return pal_err_prefix(err, "container state on stdin");
	if (pal_json_parse(buf, len, "container state", &st, err) < 0)
		return -1;
	vid = pal_json_get(st, "id");
	vpid = pal_json_get(st, "pid");
	if (!YAJL_IS_STRING(vid))
		return pal_err(err, EINVAL, "container state: \"id\" must be a string");
	if (pal_id_validate(vid->u.string, err) < 0)
		return pal_err_prefix(err, "container state");
	if (pid && (!pal_json_u64(vpid, &n) || n == 0 || n > 0x3fffffff))
		return pal_err(err, EINVAL, "container state: \"pid\" must be a process id");
	*id = strdup(vid->u.string);
	if (!*id)
		return pal_err(err, ENOMEM, "container state");
	if (pid)
		*pid = (pid_t)n;
	return 0;
}

/* The container's cgroup: never Palisade's own, nor one of its ancestors
 * (the root cgroup included), or the policy would govern the host. */
static int container_cgroup(pid_t pid, int *fd, uint64_t *cgid, pal_error *err)
{
	_cleanup_free_ char *mount = NULL, *path = NULL, *self = NULL;

	if (pal_cgroup2_mount(&mount, err) < 0 || pal_cgroup_path_of(pid, &path, err) < 0 ||
	    pal_cgroup_path_of(0, &self, err) < 0)
		return -1;
	if (pal_cgroup_contains(path, self))
		return pal_err(err, EPERM,
			       "the container's cgroup %s holds Palisade itself (its cgroup is %s): "
			       "refusing to put the host under the container's policy",
			       path, self);
	return pal_cgroup_open(mount, path, fd, cgid, err);
}

static int create_runtime(const struct pal_conf *conf, const char *root, bool restore,
			  pal_error *err)
{
	_cleanup_free_ char *id = NULL;
	_cleanup_yajl_val_ yajl_val rec = NULL;
	_cleanup_close_ int cgfd = -1;
	struct pal_bpf_policy_spec ps __attribute__((cleanup(policy_freep))) = {0};
	char num[24];
	struct timespec now;
	uint64_t cgid;
	pid_t pid;

	if (read_state(&id, &pid, err) < 0)
		return -1;
	if (pal_state_load(conf, root, id, &rec, err) < 0)
		return pal_err_prefix(err, "container %s", id);
	if (pal_bpf_policy_from_json(pal_json_get(rec, "bpf"), &ps, err) < 0)
		return pal_err_prefix(err, "container %s: state record: bpf", id);
	if (container_cgroup(pid, &cgfd, &cgid, err) < 0)
		return pal_err_prefix(err, "container %s", id);
	if (clock_gettime(CLOCK_REALTIME, &now) < 0)
		return pal_err(err, errno, "clock_gettime");
	if (pal_bpf_register(conf->bpf_dir, cgfd, cgid, &ps,
			     (uint64_t)now.tv_sec * 1000000000ull + (uint64_t)now.tv_nsec,
			     restore ? 0 : (uint32_t)pid, err) < 0)
		return pal_err_prefix(err, "container %s: registering its BPF policy", id);
	snprintf(num, sizeof(num), "%llu", (unsigned long long)cgid);
	if (pal_state_set(conf, root, id, "cgroupId", pal_json_new_number(num), err) < 0 ||
	    pal_state_cgroup_save(conf, cgid, root, id, err) < 0) {
		pal_error ignored = {0};
		(void)pal_bpf_unregister(conf->bpf_dir, cgid, &ignored);
		return pal_err_prefix(err, "container %s", id);
	}
	return 0;
}

/* Cgroup index entries (state.h) whose registration is gone: swept by
 * pal_bpf_sweep(), or a hook that died between the two writes.  The hook
 * registers before it writes the entry, so a live entry is never taken
 * for a stale one. */
static void sweep_index(const struct pal_conf *conf)
{
	_cleanup_free_ char *dir = NULL;
	struct dirent *de;
	DIR *d;

	if (asprintf(&dir, "%s/cgroups", conf->state_dir) < 0)
		return;
	d = opendir(dir);
	if (!d)
		return;
	while ((de = readdir(d))) {
		pal_error e = {0};
		char *end;
		uint64_t cgid;

		errno = 0;
		cgid = strtoull(de->d_name, &end, 10);
		if (errno || end == de->d_name || strcmp(end, ".json") != 0)
			continue;
		if (pal_bpf_lookup(conf->bpf_dir, cgid, NULL, NULL, &e) < 0 && e.errnum == ENOENT)
			(void)unlinkat(dirfd(d), de->d_name, 0);
	}
	closedir(d);
}

int pal_hook_prepare(const struct pal_conf *conf, const char *profile,
		     const struct pal_bpf_policy_spec *ps, char *warning, size_t size, pal_error *err)
{
	_cleanup_free_ char *lock = NULL, *mount = NULL;
	struct pal_bpf_status st = {0};
	char lsm_only[256];

	warning[0] = '\0';
	if (asprintf(&lock, "%s/bpf.lock", conf->state_dir) < 0)
		return pal_err(err, ENOMEM, "bpf");
	if (pal_mkdir_p(conf->state_dir, 0700, err) < 0 ||
	    pal_bpf_ensure(conf->bpf_dir, lock, &st, err) < 0)
		return pal_err_prefix(err, "profile \"%s\" needs BPF", profile);
	if (st.lsm != PAL_BPF_LSM_ACTIVE && pal_bpf_policy_lsm_only(ps, lsm_only, sizeof(lsm_only))) {
		if (ps->lsm_required)
			return pal_err(err, st.lsm_errno ? st.lsm_errno : EOPNOTSUPP,
				       "profile \"%s\" requires BPF LSM (\"bpf\": {\"lsm\": "
				       "\"required\"}) for %s, and this kernel cannot run it: %s",
				       profile, lsm_only, st.lsm_reason);
		snprintf(warning, size,
			 "profile \"%s\": BPF LSM is not available (%s): not enforced: %s; the "
			 "cgroup-BPF hooks apply (\"lsm\": \"optional\")",
			 profile, st.lsm_reason, lsm_only);
	}
	/* housekeeping: containers killed without delete */
	if (pal_cgroup2_mount(&mount, err) == 0) {
		_cleanup_close_ int fd = open(mount, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd >= 0)
			(void)pal_bpf_sweep(conf->bpf_dir, fd, NULL, err);
	}
	sweep_index(conf);
	pal_err_clear(err);
	return 0;
}

/* The count of events the kernel held back for the container goes with
 * its registration: say it in the violations log first (a monitor reports
 * it only once a second), as a cumulative total like the monitor's own
 * drop lines, so that nothing is dropped silently. */
static void final_drops(const struct pal_conf *conf, uint64_t cgid, yajl_val rec)
{
	struct pal_bpf_cstate cs;
	struct pal_attr attr = {0};
	struct pal_sink *sink = NULL;
	struct timespec now;
	char num[24];
	pal_error e = {0};
	_cleanup_yajl_val_ yajl_val detail = pal_json_new_object();
	struct pal_sink_opts o = {
	    .path = conf->monitor.log,
	    .max_bytes = conf->monitor.log_max_bytes,
	    .keep = conf->monitor.log_keep,
	    .syslog = conf->monitor.syslog,
	};
	struct pal_violation v = {
	    .source = "bpf",
	    .cgroup_id = cgid,
	    .hook = "monitor",
	    .rule = "drops",
	    .verdict = "dropped",
	};

	if (!detail || pal_bpf_lookup(conf->bpf_dir, cgid, NULL, &cs, &e) < 0 || !cs.suppressed)
		return;
	snprintf(num, sizeof(num), "%llu", (unsigned long long)cs.suppressed);
	clock_gettime(CLOCK_REALTIME, &now);
	v.time_ns = (uint64_t)now.tv_sec * 1000000000ull + (uint64_t)now.tv_nsec;
	if (pal_json_set(detail, "reason", pal_json_new_string("rate_limited"), &e) < 0 ||
	    pal_json_set(detail, "total", pal_json_new_number(num), &e) < 0 ||
	    pal_json_set(detail, "final", pal_json_new_bool(true), &e) < 0)
		return;
	v.detail = detail;
	if (pal_attr_from_record(rec, &attr, &e) == 0)
		v.attr = &attr;
	if (pal_sink_open(&o, &sink, &e) == 0) {
		(void)pal_sink_violation(sink, &v, &e);
		pal_sink_close(sink);
	}
	pal_attr_free(&attr);
}

/* runc destroyed the container (its cgroup is gone): unregister its
 * policy, drop its cgroup index entry and its record. */
static int poststop(const struct pal_conf *conf, const char *root, pal_error *err)
{
	_cleanup_free_ char *id = NULL;
	_cleanup_yajl_val_ yajl_val rec = NULL;
	uint64_t cgid;

	if (read_state(&id, NULL, err) < 0)
		return -1;
	if (pal_state_load(conf, root, id, &rec, err) < 0) {
		if (err->errnum != ENOENT)
			return pal_err_prefix(err, "container %s", id);
		pal_err_clear(err); /* nothing of ours left */
		return 0;
	}
	if (pal_json_u64(pal_json_get(rec, "cgroupId"), &cgid)) {
		final_drops(conf, cgid, rec);
		if (pal_bpf_unregister(conf->bpf_dir, cgid, err) < 0 ||
		    pal_state_cgroup_remove(conf, cgid, err) < 0)
			return pal_err_prefix(err, "container %s", id);
	}
	return pal_state_remove(conf, root, id, err);
}

int pal_hook_main(const struct pal_conf *conf, int argc, char **argv, pal_error *err)
{
	/* exactly what src/rules/bpf.c writes */
	bool restore = argc == 5 && !strcmp(argv[4], "--restore");

	if ((argc == 4 || restore) && !strcmp(argv[2], "--root") && argv[3][0] == '/') {
		if (!strcmp(argv[1], "create-runtime"))
			return create_runtime(conf, argv[3], restore, err);
		if (!strcmp(argv[1], "poststop") && !restore)
			return poststop(conf, argv[3], err);
	}
	return pal_err(err, EINVAL,
		       "usage: palisade hook create-runtime|poststop --root ROOT [--restore] (OCI hooks "
		       "Palisade writes into the spec; not for use by hand)");
}
