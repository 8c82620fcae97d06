/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "palisade/cleanup.h"
#include "palisade/conf.h"
#include "palisade/json.h"
#include "palisade/json_locate.h"
#include "palisade/util.h"

/* Where in the file a member is, for "FILE:LINE:COL: ..." messages. */
static int conf_err_at(pal_error *err, const char *path, const char *buf, size_t len,
		       const char *key, const char *fmt, const char *detail)
{
	struct pal_json_step step = {.key = key};
	int line, col;

	if (pal_json_locate(buf, len, &step, 1, &line, &col) == 0)
		return pal_err(err, 0, "%s:%d:%d: %s %s", path, line, col, fmt, detail);
	return pal_err(err, 0, "%s: %s %s", path, fmt, detail);
}

static int set_path(char **dst, yajl_val v, const char *key, const char *path, const char *buf,
		    size_t len, pal_error *err)
{
	char *copy;

	if (!YAJL_IS_STRING(v))
		return conf_err_at(err, path, buf, len, key, "value of", "must be a string");
	if (v->u.string[0] != '/')
		return conf_err_at(err, path, buf, len, key, "value of",
				   "must be an absolute path (Palisade never searches $PATH)");
	copy = strdup(v->u.string);
	if (!copy)
		return pal_err(err, ENOMEM, "%s", path);
	free(*dst);
	*dst = copy;
	return 0;
}

static int conf_parse(struct pal_conf *conf, const char *path, const char *buf, size_t len,
		      pal_error *err)
{
	_cleanup_yajl_val_ yajl_val root = NULL;

	if (pal_json_parse_opts(buf, len, path, PAL_JSON_COMMENTS, &root, err) < 0)
		return -1;
	for (size_t i = 0; i < root->u.object.len; i++) {
		const char *key = root->u.object.keys[i];
		yajl_val v = root->u.object.values[i];
		char **dst;

		if (!strcmp(key, "runtime"))
			dst = &conf->runtime;
		else if (!strcmp(key, "state_dir"))
			dst = &conf->state_dir;
		else
			return conf_err_at(err, path, buf, len, key, "unknown key", key);
		if (set_path(dst, v, key, path, buf, len, err) < 0)
			return -1;
	}
	return 0;
}

int pal_conf_load(struct pal_conf *conf, pal_error *err)
{
	const char *env = getenv(PAL_CONF_ENV);
	const char *path = env && *env ? env : PAL_DEFAULT_CONFIG;
	_cleanup_free_ char *buf = NULL;
	size_t len = 0;
	int r;

	*conf = (struct pal_conf){0};
	conf->runtime = strdup(PAL_DEFAULT_RUNTIME);
	conf->state_dir = strdup(PAL_DEFAULT_STATE_DIR);
	if (!conf->runtime || !conf->state_dir)
		return pal_err(err, ENOMEM, "configuration");

	r = pal_read_file(AT_FDCWD, path, 0, PAL_CONF_MAX_SIZE, &buf, &len, NULL, err);
	if (r < 0) {
		/* The default file is optional; one named explicitly is not. */
		if (err->errnum == ENOENT && !(env && *env))
			return 0;
		return -1;
	}
	conf->path = strdup(path);
	if (!conf->path)
		return pal_err(err, ENOMEM, "configuration");
	return conf_parse(conf, path, buf, len, err);
}

void pal_conf_free(struct pal_conf *conf)
{
	free(conf->path);
	free(conf->runtime);
	free(conf->state_dir);
	*conf = (struct pal_conf){0};
}
