/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "palisade/cleanup.h"
#include "palisade/exec_guard.h"
#include "palisade/json.h"
#include "palisade/util.h"

static const char *const cap_sets[] = {"bounding", "effective", "inheritable", "permitted",
				       "ambient"};

/* uid/gid of a process object; absent means 0, as in the OCI spec */
static int id_of(yajl_val proc, const char *which, unsigned long long *out)
{
	yajl_val v = pal_json_getp(proc, "user", which, NULL);
	if (!v) {
		*out = 0;
		return 0;
	}
	if (!YAJL_IS_INTEGER(v) || YAJL_GET_INTEGER(v) < 0)
		return -1;
	*out = (unsigned long long)YAJL_GET_INTEGER(v);
	return 0;
}

static bool container_has_gid0(yajl_val container)
{
	unsigned long long gid;
	yajl_val extra = pal_json_getp(container, "user", "additionalGids", NULL);

	if (id_of(container, "gid", &gid) == 0 && gid == 0)
		return true;
	if (YAJL_IS_ARRAY(extra))
		for (size_t i = 0; i < extra->u.array.len; i++)
			if (YAJL_IS_INTEGER(extra->u.array.values[i]) &&
			    YAJL_GET_INTEGER(extra->u.array.values[i]) == 0)
				return true;
	return false;
}

static bool container_is_root(yajl_val container)
{
	unsigned long long uid;
	return id_of(container, "uid", &uid) == 0 && uid == 0;
}

/* "0", "0:5", "1000:0" as runc's --user takes them */
static int parse_user(const char *s, unsigned long long *uid, unsigned long long *gid,
		      bool *has_gid)
{
	char *end;

	errno = 0;
	*uid = strtoull(s, &end, 10);
	if (errno || end == s)
		return -1;
	*has_gid = *end == ':';
	if (!*has_gid)
		return *end ? -1 : 0;
	s = end + 1;
	*gid = strtoull(s, &end, 10);
	return errno || end == s || *end ? -1 : 0;
}

static const char *string_of(yajl_val proc, const char *key)
{
	yajl_val v = pal_json_get(proc, key);
	return YAJL_IS_STRING(v) ? v->u.string : "";
}

int pal_exec_check_flags(const struct pal_cli *cli, yajl_val container, pal_error *err)
{
	yajl_val caps = pal_json_get(container, "capabilities");
	bool with_ambient = pal_json_get(caps, "inheritable") != NULL;
	yajl_val nnp = pal_json_get(container, "noNewPrivileges");

	for (int i = 0; i < cli->n_opts; i++) {
		const struct pal_cli_opt *o = &cli->opts[i];
		if (o->global)
			continue;
		if (!strcmp(o->name, "cap")) {
			/* runc adds --cap to bounding, effective and permitted,
			 * and to ambient when the process has inheritable set */
			const char *need[] = {"bounding", "effective", "permitted", "ambient"};
			for (size_t s = 0; s < (with_ambient ? 4u : 3u); s++)
				if (!pal_json_array_has_string(pal_json_get(caps, need[s]), o->value))
					return pal_err(err, EPERM,
						       "exec --cap %s: not in the container's %s "
						       "capabilities",
						       o->value, need[s]);
		} else if (!strcmp(o->name, "no-new-privs")) {
			if (YAJL_IS_TRUE(nnp) && !strcmp(o->value, "false"))
				return pal_err(err, EPERM,
					       "exec --no-new-privs=false: the container runs with "
					       "noNewPrivileges");
		} else if (!strcmp(o->name, "user")) {
			unsigned long long uid, gid = 0;
			bool has_gid;
			if (parse_user(o->value, &uid, &gid, &has_gid) < 0)
				continue; /* runc rejects it itself */
			if (uid == 0 && !container_is_root(container))
				return pal_err(err, EPERM,
					       "exec --user %s: the container does not run as root",
					       o->value);
			if (has_gid && gid == 0 && !container_has_gid0(container))
				return pal_err(err, EPERM,
					       "exec --user %s: the container does not run with gid 0",
					       o->value);
		} else if (!strcmp(o->name, "additional-gids")) {
			if (!strcmp(o->value, "0") && !container_has_gid0(container))
				return pal_err(err, EPERM,
					       "exec --additional-gids 0: the container does not "
					       "run with gid 0");
		} else if (!strcmp(o->name, "apparmor")) {
			const char *mine = string_of(container, "apparmorProfile");
			if (*mine && strcmp(mine, o->value))
				return pal_err(err, EPERM,
					       "exec --apparmor %s: the container runs under \"%s\"",
					       o->value, mine);
		} else if (!strcmp(o->name, "process-label")) {
			const char *mine = string_of(container, "selinuxLabel");
			if (*mine && strcmp(mine, o->value))
				return pal_err(err, EPERM,
					       "exec --process-label %s: the container runs as \"%s\"",
					       o->value, mine);
		}
	}
	return 0;
}

/* PROC.capabilities[set] := PROC's ∩ CONTAINER's, a missing set being empty */
static int tighten_caps(yajl_val proc, yajl_val container, int *removed, pal_error *err)
{
	yajl_val mine = pal_json_get(container, "capabilities");
	yajl_val caps = pal_json_ensure_object(proc, "capabilities", err);

	if (!caps)
		return pal_err_prefix(err, "process");
	for (size_t s = 0; s < sizeof(cap_sets) / sizeof(cap_sets[0]); s++) {
		yajl_val want = pal_json_get(caps, cap_sets[s]);
		yajl_val allowed = pal_json_get(mine, cap_sets[s]);

		if (want && !YAJL_IS_ARRAY(want))
			return pal_err(err, EINVAL, "process.capabilities.%s: not an array",
				       cap_sets[s]);
		if (!want) {
			if (pal_json_set(caps, cap_sets[s], pal_json_new_array(), err) < 0)
				return -1;
			continue;
		}
		for (size_t i = want->u.array.len; i-- > 0;) {
			yajl_val v = want->u.array.values[i];
			if (!YAJL_IS_STRING(v))
				return pal_err(err, EINVAL,
					       "process.capabilities.%s[%zu]: not a string",
					       cap_sets[s], i);
			if (!pal_json_array_has_string(allowed, v->u.string)) {
				pal_json_array_remove(want, i);
				(*removed)++;
			}
		}
	}
	return 0;
}

static int check_user(yajl_val proc, yajl_val container, pal_error *err)
{
	unsigned long long uid, gid;
	yajl_val extra = pal_json_getp(proc, "user", "additionalGids", NULL);

	if (id_of(proc, "uid", &uid) < 0 || id_of(proc, "gid", &gid) < 0)
		return pal_err(err, EINVAL, "process.user: uid and gid must be non-negative integers");
	if (uid == 0 && !container_is_root(container))
		return pal_err(err, EPERM, "process.user.uid 0: the container does not run as root");
	if (container_has_gid0(container))
		return 0;
	if (gid == 0)
		return pal_err(err, EPERM, "process.user.gid 0: the container does not run with gid 0");
	if (YAJL_IS_ARRAY(extra))
		for (size_t i = 0; i < extra->u.array.len; i++)
			if (!YAJL_IS_INTEGER(extra->u.array.values[i]) ||
			    YAJL_GET_INTEGER(extra->u.array.values[i]) == 0)
				return pal_err(err, EPERM,
					       "process.user.additionalGids[%zu]: gid 0 is not the "
					       "container's",
					       i);
	return 0;
}

/* Force PROC[key] to CONTAINER's value when the container has one. */
static int force_string(yajl_val proc, yajl_val container, const char *key, int *removed,
			pal_error *err)
{
	const char *mine = string_of(container, key);
	if (!*mine || !strcmp(string_of(proc, key), mine))
		return 0;
	(*removed)++;
	return pal_json_set(proc, key, pal_json_new_string(mine), err);
}

static yajl_val find_rlimit(yajl_val list, const char *type)
{
	if (!YAJL_IS_ARRAY(list))
		return NULL;
	for (size_t i = 0; i < list->u.array.len; i++) {
		yajl_val t = pal_json_get(list->u.array.values[i], "type");
		if (YAJL_IS_STRING(t) && !strcmp(t->u.string, type))
			return list->u.array.values[i];
	}
	return NULL;
}

/* "soft"/"hard" as unsigned 64-bit; RLIM_INFINITY is 2^64-1 in specs */
static int limit_of(yajl_val rl, const char *key, uint64_t *out)
{
	return pal_json_u64(pal_json_get(rl, key), out) ? 0 : -1;
}

static int set_limit(yajl_val rl, const char *key, uint64_t v, pal_error *err)
{
	char text[32];
	snprintf(text, sizeof(text), "%" PRIu64, v);
	return pal_json_set(rl, key, pal_json_new_number(text), err);
}

/* Each rlimit no higher than the container's; types the container does not
 * set are dropped, so the process keeps what the container got. */
static int tighten_rlimits(yajl_val proc, yajl_val container, int *removed, pal_error *err)
{
	yajl_val list = pal_json_get(proc, "rlimits");
	yajl_val mine = pal_json_get(container, "rlimits");

	if (!list)
		return 0;
	if (!YAJL_IS_ARRAY(list))
		return pal_err(err, EINVAL, "process.rlimits: not an array");
	for (size_t i = list->u.array.len; i-- > 0;) {
		yajl_val rl = list->u.array.values[i];
		yajl_val type = pal_json_get(rl, "type");
		yajl_val cap;
		uint64_t soft, hard, csoft, chard;

		if (!YAJL_IS_STRING(type) || limit_of(rl, "soft", &soft) < 0 ||
		    limit_of(rl, "hard", &hard) < 0)
			return pal_err(err, EINVAL, "process.rlimits[%zu]: malformed", i);
		cap = find_rlimit(mine, type->u.string);
		if (!cap || limit_of(cap, "soft", &csoft) < 0 || limit_of(cap, "hard", &chard) < 0) {
			pal_json_array_remove(list, i);
			(*removed)++;
			continue;
		}
		if (hard > chard) {
			hard = chard;
			(*removed)++;
			if (set_limit(rl, "hard", hard, err) < 0)
				return -1;
		}
		if (soft > hard) {
			(*removed)++;
			if (set_limit(rl, "soft", hard, err) < 0)
				return -1;
		}
	}
	return 0;
}

int pal_exec_tighten(yajl_val proc, yajl_val container, int *removed, pal_error *err)
{
	int n = 0;
	yajl_val nnp = pal_json_get(container, "noNewPrivileges");

	if (!YAJL_IS_OBJECT(proc))
		return pal_err(err, EINVAL, "process: not a JSON object");
	if (check_user(proc, container, err) < 0 || tighten_caps(proc, container, &n, err) < 0 ||
	    tighten_rlimits(proc, container, &n, err) < 0 ||
	    force_string(proc, container, "apparmorProfile", &n, err) < 0 ||
	    force_string(proc, container, "selinuxLabel", &n, err) < 0)
		return -1;
	if (YAJL_IS_TRUE(nnp) && !YAJL_IS_TRUE(pal_json_get(proc, "noNewPrivileges"))) {
		n++;
		if (pal_json_set(proc, "noNewPrivileges", pal_json_new_bool(true), err) < 0)
			return -1;
	}
	if (removed)
		*removed = n;
	return 0;
}

/* The tightened process as a sealed memfd: the backend reads exactly what
 * was checked.  The descriptor is moved above the caller's --preserve-fds
 * range so it is never passed into the container by mistake. */
static int sealed_memfd(const char *text, size_t len, int min_fd, pal_error *err)
{
	_cleanup_close_ int fd = memfd_create("palisade-process.json", MFD_ALLOW_SEALING);
	int high;

	if (fd < 0)
		return pal_err(err, errno, "memfd_create");
	if (pal_write_all(fd, text, len) < 0)
		return pal_err(err, errno, "memfd write");
	if (fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) < 0)
		return pal_err(err, errno, "sealing the process file");
	high = fcntl(fd, F_DUPFD, min_fd); /* no FD_CLOEXEC: the backend opens it */
	if (high < 0)
		return pal_err(err, errno, "moving the process file descriptor");
	return high;
}

int pal_exec_guard(const struct pal_cli *cli, char **argv, yajl_val container, int *removed,
		   char **storage, pal_error *err)
{
	const struct pal_cli_opt *popt = NULL;
	_cleanup_free_ char *buf = NULL, *text = NULL;
	_cleanup_yajl_val_ yajl_val proc = NULL;
	const char *preserve;
	size_t len;
	int fd, min_fd = 3;

	if (removed)
		*removed = 0;
	if (pal_exec_check_flags(cli, container, err) < 0)
		return -1;
	for (int i = 0; i < cli->n_opts; i++)
		if (!cli->opts[i].global && !strcmp(cli->opts[i].name, "process"))
			popt = &cli->opts[i];
	if (!popt)
		return 0;
	if (pal_read_file(AT_FDCWD, popt->value, 0, PAL_PROCESS_MAX_SIZE, &buf, &len, NULL, err) < 0)
		return pal_err_prefix(err, "exec --process");
	if (pal_json_parse(buf, len, popt->value, &proc, err) < 0)
		return pal_err_prefix(err, "exec --process");
	if (pal_exec_tighten(proc, container, removed, err) < 0)
		return pal_err_prefix(err, "exec --process %s", popt->value);
	if (pal_json_serialize(proc, false, &text, &len, err) < 0)
		return -1;
	preserve = pal_cli_get(cli, "preserve-fds", false);
	if (preserve)
		min_fd += atoi(preserve) > 0 && atoi(preserve) < 65536 ? atoi(preserve) : 0;
	if (getenv("LISTEN_FDS"))
		min_fd += atoi(getenv("LISTEN_FDS")) > 0 ? atoi(getenv("LISTEN_FDS")) : 0;
	if (min_fd < 64)
		min_fd = 64;
	fd = sealed_memfd(text, len, min_fd, err);
	if (fd < 0)
		return -1;
	if (popt->valuei == popt->argi) {
		/* "--process=FILE": keep the spelling, swap the value */
		const char *eq = strchr(argv[popt->argi], '=');
		if (asprintf(storage, "%.*s=/proc/self/fd/%d", (int)(eq - argv[popt->argi]),
			     argv[popt->argi], fd) < 0)
			return pal_err(err, ENOMEM, "exec");
	} else if (asprintf(storage, "/proc/self/fd/%d", fd) < 0) {
		return pal_err(err, ENOMEM, "exec");
	}
	argv[popt->valuei] = *storage;
	return 0;
}
