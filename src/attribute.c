/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "palisade/attribute.h"
#include "palisade/cgroup.h"
#include "palisade/cleanup.h"
#include "palisade/json.h"
#include "palisade/state.h"
#include "palisade/util.h"

#define INDEX_MAX (64u << 10)

static int dup_member(yajl_val rec, const char *key, char **out, pal_error *err)
{
	yajl_val v = pal_json_get(rec, key);

	*out = NULL;
	if (!YAJL_IS_STRING(v))
		return 0;
	*out = strdup(v->u.string);
	return *out ? 0 : pal_err(err, ENOMEM, "attribution");
}

int pal_attr_from_record(yajl_val rec, struct pal_attr *a, pal_error *err)
{
	*a = (struct pal_attr){0};
	if (dup_member(rec, "id", &a->id, err) < 0 || dup_member(rec, "root", &a->root, err) < 0 ||
	    dup_member(rec, "bundle", &a->bundle, err) < 0 ||
	    dup_member(rec, "profile", &a->profile, err) < 0 ||
	    dup_member(rec, "mode", &a->mode, err) < 0 || dup_member(rec, "pod", &a->pod, err) < 0 ||
	    dup_member(rec, "namespace", &a->namespace, err) < 0 ||
	    dup_member(rec, "name", &a->name, err) < 0) {
		pal_attr_free(a);
		return -1;
	}
	if (!a->id || !a->root) {
		pal_attr_free(a);
		return pal_err(err, EINVAL, "container record without id or root");
	}
	return 0;
}

int pal_attr_by_cgroup(const struct pal_conf *conf, uint64_t cgid, struct pal_attr *a,
		       pal_error *err)
{
	_cleanup_free_ char *path = NULL, *buf = NULL;
	_cleanup_yajl_val_ yajl_val idx = NULL, rec = NULL;
	yajl_val root, id;
	size_t len;

	if (asprintf(&path, "%s/cgroups/%llu.json", conf->state_dir, (unsigned long long)cgid) < 0)
		return pal_err(err, ENOMEM, "attribution");
	if (pal_read_file(AT_FDCWD, path, O_NOFOLLOW, INDEX_MAX, &buf, &len, NULL, err) < 0 ||
	    pal_json_parse(buf, len, path, &idx, err) < 0)
		return -1;
	root = pal_json_get(idx, "root");
	id = pal_json_get(idx, "id");
	if (!YAJL_IS_STRING(root) || !YAJL_IS_STRING(id))
		return pal_err(err, EINVAL, "%s: no root or id", path);
	if (pal_state_load(conf, root->u.string, id->u.string, &rec, err) < 0)
		return -1;
	return pal_attr_from_record(rec, a, err);
}

int pal_attr_by_pid(const struct pal_conf *conf, pid_t pid, uint64_t *cgid, struct pal_attr *a,
		    pal_error *err)
{
	_cleanup_free_ char *mount = NULL, *path = NULL;
	char *slash;
	bool first = true;

	*cgid = 0;
	if (pal_cgroup2_mount(&mount, err) < 0 || pal_cgroup_path_of(pid, &path, err) < 0)
		return -1;
	/* the process's cgroup, then its ancestors: the nearest in the index */
	for (;;) {
		_cleanup_free_ char *full = NULL;
		struct stat st;

		if (asprintf(&full, "%s%s", mount, path) < 0)
			return pal_err(err, ENOMEM, "attribution");
		if (stat(full, &st) == 0) {
			if (first)
				*cgid = (uint64_t)st.st_ino;
			first = false;
			if (pal_attr_by_cgroup(conf, (uint64_t)st.st_ino, a, err) == 0)
				return 0;
			if (err->errnum != ENOENT)
				return -1;
			pal_err_clear(err);
		}
		slash = strrchr(path, '/');
		if (!slash || slash == path)
			break;
		*slash = '\0';
	}
	return pal_err(err, ENOENT, "process %d: no container of Palisade's", (int)pid);
}
