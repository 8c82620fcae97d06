/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "palisade/cleanup.h"
#include "palisade/json.h"
#include "palisade/state.h"
#include "palisade/util.h"

/* Lexically clean an absolute path in place: "//", "/./" and "/x/.." go,
 * as Go's filepath.Clean (which runc applies via filepath.Abs) does. */
static void clean_path(char *p)
{
	char *out = p, *in = p;

	while (*in) {
		if (in[0] == '/' && (in[1] == '/' || in[1] == '\0') && out != p) {
			in++;
			continue;
		}
		if (in[0] == '/' && in[1] == '.' && (in[2] == '/' || in[2] == '\0')) {
			in += 2;
			continue;
		}
		if (in[0] == '/' && in[1] == '.' && in[2] == '.' && (in[3] == '/' || in[3] == '\0')) {
			in += 3;
			while (out > p && *--out != '/')
				;
			continue;
		}
		*out++ = *in++;
	}
	if (out == p)
		*out++ = '/';
	else if (out > p + 1 && out[-1] == '/')
		out--;
	*out = '\0';
}

int pal_state_root(const struct pal_cli *cli, char **root, pal_error *err)
{
	const char *given = pal_cli_get(cli, "root", true);
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	char *r;

	if (given && given[0] == '/') {
		r = strdup(given);
	} else if (given) {
		char cwd[PATH_MAX];
		if (!getcwd(cwd, sizeof(cwd)))
			return pal_err(err, errno, "--root %s", given);
		if (asprintf(&r, "%s/%s", cwd, given) < 0)
			r = NULL;
	} else if (geteuid() != 0 && xdg && *xdg) {
		if (asprintf(&r, "%s/runc", xdg) < 0)
			r = NULL;
	} else {
		r = strdup("/run/runc");
	}
	if (!r)
		return pal_err(err, ENOMEM, "--root");
	clean_path(r);
	*root = r;
	return 0;
}

bool pal_state_backend_has(const char *root, const char *id)
{
	_cleanup_free_ char *p = NULL;
	struct stat st;

	if (asprintf(&p, "%s/%s", root, id) < 0)
		return false;
	return lstat(p, &st) == 0;
}

/* STATE/containers/<encoded root> */
static char *record_dir(const struct pal_conf *conf, const char *root)
{
	size_t n = strlen(root);
	_cleanup_free_ char *enc = malloc(n * 3 + 1);
	char *o, *dir;

	if (!enc)
		return NULL;
	o = enc;
	for (const char *c = root; *c; c++) {
		if (*c == '/' || *c == '%')
			o += sprintf(o, "%%%02X", (unsigned char)*c);
		else
			*o++ = *c;
	}
	*o = '\0';
	if (asprintf(&dir, "%s/containers/%s", conf->state_dir, enc) < 0)
		return NULL;
	return dir;
}

static int open_record_dir(const struct pal_conf *conf, const char *root, bool create,
			   pal_error *err)
{
	_cleanup_free_ char *dir = record_dir(conf, root);
	int fd;

	if (!dir)
		return pal_err(err, ENOMEM, "state directory");
	if (create && pal_mkdir_p(dir, 0700, err) < 0)
		return pal_err_prefix(err, "state directory");
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return pal_err(err, errno, "state directory %s", dir);
	return fd;
}

/* The first of annotations A and B that is a string, or NULL. */
static yajl_val first_annotation(yajl_val spec, const char *a, const char *b)
{
	yajl_val ann = pal_json_get(spec, "annotations");
	yajl_val v = pal_json_get(ann, a);

	if (!YAJL_IS_STRING(v))
		v = pal_json_get(ann, b);
	return YAJL_IS_STRING(v) ? v : NULL;
}

int pal_state_save(const struct pal_conf *conf, const char *root, const char *id,
		   const char *bundle, yajl_val spec, yajl_val bpf, pal_error *err)
{
	_cleanup_yajl_val_ yajl_val rec = pal_json_new_object();
	_cleanup_free_ char *name = NULL, *text = NULL;
	_cleanup_close_ int dirfd = -1;
	yajl_val process = pal_json_get(spec, "process");
	yajl_val profile = pal_json_getp(spec, "annotations", "io.palisade.applied.profile", NULL);
	yajl_val mode = pal_json_getp(spec, "annotations", "io.palisade.applied.mode", NULL);
	/* Kubernetes names as containerd's CRI and CRI-O write them */
	yajl_val pod = first_annotation(spec, "io.kubernetes.cri.sandbox-name",
					"io.kubernetes.pod.name");
	yajl_val ns = first_annotation(spec, "io.kubernetes.cri.sandbox-namespace",
				       "io.kubernetes.pod.namespace");
	yajl_val cname = first_annotation(spec, "io.kubernetes.cri.container-name",
					  "io.kubernetes.container.name");
	char created[32];
	size_t len;

	snprintf(created, sizeof(created), "%lld", (long long)time(NULL));
	if (!rec || pal_json_set(rec, "version", pal_json_new_number("1"), err) < 0 ||
	    pal_json_set(rec, "id", pal_json_new_string(id), err) < 0 ||
	    pal_json_set(rec, "root", pal_json_new_string(root), err) < 0 ||
	    pal_json_set(rec, "bundle", pal_json_new_string(bundle), err) < 0 ||
	    pal_json_set(rec, "created", pal_json_new_number(created), err) < 0 ||
	    pal_json_set(rec, "process", process ? pal_json_dup(process) : pal_json_new_object(),
			 err) < 0 ||
	    (YAJL_IS_STRING(profile) &&
	     pal_json_set(rec, "profile", pal_json_dup(profile), err) < 0) ||
	    (YAJL_IS_STRING(mode) && pal_json_set(rec, "mode", pal_json_dup(mode), err) < 0) ||
	    (pod && pal_json_set(rec, "pod", pal_json_dup(pod), err) < 0) ||
	    (ns && pal_json_set(rec, "namespace", pal_json_dup(ns), err) < 0) ||
	    (cname && pal_json_set(rec, "name", pal_json_dup(cname), err) < 0) ||
	    (bpf && pal_json_set(rec, "bpf", pal_json_dup(bpf), err) < 0))
		return pal_err(err, ENOMEM, "state record for %s", id);
	if (pal_json_serialize(rec, false, &text, &len, err) < 0)
		return pal_err_prefix(err, "state record for %s", id);
	if (asprintf(&name, "%s.json", id) < 0)
		return pal_err(err, ENOMEM, "state record for %s", id);
	dirfd = open_record_dir(conf, root, true, err);
	if (dirfd < 0)
		return -1;
	if (pal_write_file_atomic(dirfd, name, text, len, 0600, err) < 0)
		return pal_err_prefix(err, "state record");
	return 0;
}

int pal_state_set(const struct pal_conf *conf, const char *root, const char *id,
		  const char *key, yajl_val value, pal_error *err)
{
	_cleanup_yajl_val_ yajl_val rec = NULL;
	_cleanup_free_ char *name = NULL, *text = NULL;
	_cleanup_close_ int dirfd = -1;
	size_t len;

	if (pal_state_load(conf, root, id, &rec, err) < 0) {
		yajl_tree_free(value);
		return -1;
	}
	if (pal_json_set(rec, key, value, err) < 0 ||
	    pal_json_serialize(rec, false, &text, &len, err) < 0)
		return pal_err_prefix(err, "state record for %s", id);
	if (asprintf(&name, "%s.json", id) < 0)
		return pal_err(err, ENOMEM, "state record for %s", id);
	dirfd = open_record_dir(conf, root, false, err);
	if (dirfd < 0)
		return -1;
	if (pal_write_file_atomic(dirfd, name, text, len, 0600, err) < 0)
		return pal_err_prefix(err, "state record");
	return 0;
}

int pal_state_remove(const struct pal_conf *conf, const char *root, const char *id,
		     pal_error *err)
{
	_cleanup_free_ char *name = NULL;
	_cleanup_close_ int dirfd = -1;

	if (asprintf(&name, "%s.json", id) < 0)
		return pal_err(err, ENOMEM, "state record for %s", id);
	dirfd = open_record_dir(conf, root, false, err);
	if (dirfd < 0)
		return err->errnum == ENOENT ? 0 : -1;
	if (unlinkat(dirfd, name, 0) < 0 && errno != ENOENT)
		return pal_err(err, errno, "state record for %s", id);
	return 0;
}

/* STATE/cgroups/<cgid>.json: {"root": R, "id": I}, cgroup id -> container,
 * for whoever sees only a cgroup id (BPF events, the monitor). */
static int cgroup_index_name(const struct pal_conf *conf, uint64_t cgid, char **dir, char **name,
			     pal_error *err)
{
	if (asprintf(dir, "%s/cgroups", conf->state_dir) < 0) {
		*dir = NULL;
		return pal_err(err, ENOMEM, "state directory");
	}
	if (asprintf(name, "%llu.json", (unsigned long long)cgid) < 0) {
		*name = NULL;
		return pal_err(err, ENOMEM, "state directory");
	}
	return 0;
}

int pal_state_cgroup_save(const struct pal_conf *conf, uint64_t cgid, const char *root,
			  const char *id, pal_error *err)
{
	_cleanup_yajl_val_ yajl_val rec = pal_json_new_object();
	_cleanup_free_ char *dir = NULL, *name = NULL, *text = NULL;
	_cleanup_close_ int dirfd = -1;
	size_t len;

	if (cgroup_index_name(conf, cgid, &dir, &name, err) < 0)
		return -1;
	if (!rec || pal_json_set(rec, "root", pal_json_new_string(root), err) < 0 ||
	    pal_json_set(rec, "id", pal_json_new_string(id), err) < 0 ||
	    pal_json_serialize(rec, false, &text, &len, err) < 0)
		return pal_err(err, ENOMEM, "cgroup record for %s", id);
	if (pal_mkdir_p(dir, 0700, err) < 0)
		return pal_err_prefix(err, "state directory");
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return pal_err(err, errno, "state directory %s", dir);
	if (pal_write_file_atomic(dirfd, name, text, len, 0600, err) < 0)
		return pal_err_prefix(err, "cgroup record");
	return 0;
}

int pal_state_cgroup_remove(const struct pal_conf *conf, uint64_t cgid, pal_error *err)
{
	_cleanup_free_ char *dir = NULL, *name = NULL, *path = NULL;

	if (cgroup_index_name(conf, cgid, &dir, &name, err) < 0)
		return -1;
	if (asprintf(&path, "%s/%s", dir, name) < 0)
		return pal_err(err, ENOMEM, "cgroup record");
	if (unlink(path) < 0 && errno != ENOENT)
		return pal_err(err, errno, "cgroup record %s", path);
	return 0;
}

int pal_state_load(const struct pal_conf *conf, const char *root, const char *id,
		   yajl_val *record, pal_error *err)
{
	_cleanup_free_ char *name = NULL, *buf = NULL;
	_cleanup_close_ int dirfd = -1;
	size_t len;

	if (asprintf(&name, "%s.json", id) < 0)
		return pal_err(err, ENOMEM, "state record for %s", id);
	dirfd = open_record_dir(conf, root, false, err);
	if (dirfd < 0)
		return -1;
	if (pal_read_file(dirfd, name, O_NOFOLLOW, PAL_STATE_MAX_SIZE, &buf, &len, NULL, err) < 0)
		return pal_err_prefix(err, "state record");
	if (pal_json_parse(buf, len, name, record, err) < 0)
		return pal_err_prefix(err, "state record");
	return 0;
}

int pal_state_sweep(const struct pal_conf *conf, const char *root, pal_error *err)
{
	_cleanup_close_ int fd = open_record_dir(conf, root, false, err);
	DIR *d;
	struct dirent *de;

	if (fd < 0)
		return err->errnum == ENOENT ? 0 : -1;
	d = fdopendir(fd);
	if (!d)
		return pal_err(err, errno, "state directory");
	fd = -1; /* owned by d now */
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);
		char id[NAME_MAX + 1];

		struct stat st;

		if (n <= 5 || n > NAME_MAX || strcmp(de->d_name + n - 5, ".json") != 0)
			continue;
		/* A record is written just before the backend's create makes
		 * its own state: leave young records to the create in flight. */
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    time(NULL) - st.st_mtime < PAL_STATE_SWEEP_AGE)
			continue;
		memcpy(id, de->d_name, n - 5);
		id[n - 5] = '\0';
		if (!pal_state_backend_has(root, id))
			(void)unlinkat(dirfd(d), de->d_name, 0);
	}
	closedir(d);
	return 0;
}
