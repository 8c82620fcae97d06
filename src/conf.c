/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * palisade.conf (conf.h).  Everything is checked when the file is read, so
 * that a mistake in the policy configuration stops Palisade with a message
 * pointing at the line, instead of surfacing as a container running under
 * an unintended profile.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "palisade/cleanup.h"
#include "palisade/conf.h"
#include "palisade/json.h"
#include "palisade/json_locate.h"
#include "palisade/profile.h"
#include "palisade/util.h"

struct cctx {
	const char *path;
	const char *buf;
	size_t len;
	pal_error *err;
};

static int cfail(const struct cctx *c, const struct pal_json_step *at, size_t n, const char *fmt,
                 ...) __attribute__((format(printf, 4, 5)));

/* "FILE:LINE:COL: MESSAGE" at AT (N steps), "FILE: MESSAGE" when the text
 * cannot be located. */
static int cfail(const struct cctx *c, const struct pal_json_step *at, size_t n, const char *fmt,
                 ...)
{
	char msg[512];
	int line, col;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n && pal_profile_locate(c->buf, c->len, at, n, &line, &col) == 0)
		return pal_err(c->err, 0, "%s:%d:%d: %s", c->path, line, col, msg);
	return pal_err(c->err, 0, "%s: %s", c->path, msg);
}

static int dup_string(const struct cctx *c, const char *s, char **dst)
{
	char *copy = strdup(s);

	if (!copy)
		return pal_err(c->err, ENOMEM, "%s", c->path);
	free(*dst);
	*dst = copy;
	return 0;
}

static int set_path(const struct cctx *c, char **dst, yajl_val v, const char *key)
{
	struct pal_json_step at[] = {{.key = key}};

	if (!YAJL_IS_STRING(v))
		return cfail(c, at, 1, "value of %s must be a string", key);
	if (v->u.string[0] != '/')
		return cfail(c, at, 1,
		             "value of %s must be an absolute path (Palisade never searches $PATH)",
		             key);
	return dup_string(c, v->u.string, dst);
}

static void free_strv(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static int set_profile_dirs(struct pal_conf *conf, const struct cctx *c, yajl_val v)
{
	struct pal_json_step at[2] = {{.key = "profile_dirs"}};
	char **dirs;

	if (!YAJL_IS_ARRAY(v))
		return cfail(c, at, 1, "value of profile_dirs must be an array of directories");
	if (v->u.array.len == 0)
		return cfail(c, at, 1, "profile_dirs must name at least one directory");
	dirs = calloc(v->u.array.len, sizeof(*dirs));
	if (!dirs)
		return pal_err(c->err, ENOMEM, "%s", c->path);
	for (size_t i = 0; i < v->u.array.len; i++) {
		yajl_val d = v->u.array.values[i];

		at[1] = (struct pal_json_step){.key = NULL, .index = i};
		if (!YAJL_IS_STRING(d) || !pal_profile_path_valid(d->u.string)) {
			free_strv(dirs, i);
			return cfail(c, at, 2,
			             "profile_dirs[%zu] must be an absolute, normalised path", i);
		}
		dirs[i] = strdup(d->u.string);
		if (!dirs[i]) {
			free_strv(dirs, i);
			return pal_err(c->err, ENOMEM, "%s", c->path);
		}
	}
	free_strv(conf->profile_dirs, conf->n_profile_dirs);
	conf->profile_dirs = dirs;
	conf->n_profile_dirs = v->u.array.len;
	return 0;
}

static int check_profile_name(const struct cctx *c, const struct pal_json_step *at, size_t n,
                              yajl_val v, const char *what)
{
	if (!YAJL_IS_STRING(v))
		return cfail(c, at, n, "%s must be a string", what);
	if (!pal_profile_name_valid(v->u.string)) {
		_cleanup_free_ char *e = pal_escape(v->u.string, 64);
		return cfail(c, at, n, "%s: \"%s\" is not a valid profile name", what, e ? e : "?");
	}
	return 0;
}

static void rule_free(struct pal_selection_rule *r)
{
	free(r->kube_namespace);
	free(r->image_prefix);
	free(r->image_not_prefix);
	free_strv(r->ann_keys, r->n_ann);
	free_strv(r->ann_values, r->n_ann);
	free(r->profile);
	free(r->mode);
	*r = (struct pal_selection_rule){0};
}

/* selection[I].match.annotation */
static int parse_rule_annotations(const struct cctx *c, struct pal_selection_rule *r, yajl_val v,
                                  size_t i)
{
	struct pal_json_step at[5] = {
	    {.key = "selection"}, {.index = i}, {.key = "match"}, {.key = "annotation"}};
	size_t n;

	if (!YAJL_IS_OBJECT(v) || v->u.object.len == 0)
		return cfail(c, at, 4,
		             "selection[%zu].match.annotation must be a non-empty object of "
		             "strings",
		             i);
	n = v->u.object.len;
	r->ann_keys = calloc(n, sizeof(char *));
	r->ann_values = calloc(n, sizeof(char *));
	if (!r->ann_keys || !r->ann_values)
		return pal_err(c->err, ENOMEM, "%s", c->path);
	for (size_t k = 0; k < n; k++) {
		yajl_val val = v->u.object.values[k];

		at[4] = (struct pal_json_step){.key = v->u.object.keys[k]};
		if (!YAJL_IS_STRING(val))
			return cfail(c, at, 5,
			             "selection[%zu].match.annotation: value must be a "
			             "string",
			             i);
		r->ann_keys[k] = strdup(v->u.object.keys[k]);
		r->ann_values[k] = strdup(val->u.string);
		r->n_ann = k + 1;
		if (!r->ann_keys[k] || !r->ann_values[k])
			return pal_err(c->err, ENOMEM, "%s", c->path);
	}
	return 0;
}

static int parse_match(const struct cctx *c, struct pal_selection_rule *r, yajl_val m, size_t i)
{
	struct pal_json_step at[4] = {{.key = "selection"}, {.index = i}, {.key = "match"}};

	if (!YAJL_IS_OBJECT(m))
		return cfail(c, at, 3, "selection[%zu].match must be an object", i);
	if (m->u.object.len == 0)
		return cfail(c, at, 3,
		             "selection[%zu].match must name at least one condition (use "
		             "default_profile for a catch-all)",
		             i);
	for (size_t k = 0; k < m->u.object.len; k++) {
		const char *key = m->u.object.keys[k];
		yajl_val v = m->u.object.values[k];
		char **dst;

		at[3] = (struct pal_json_step){.key = key};
		if (!strcmp(key, "annotation")) {
			if (parse_rule_annotations(c, r, v, i) < 0)
				return -1;
			continue;
		}
		if (!strcmp(key, "namespace"))
			dst = &r->kube_namespace;
		else if (!strcmp(key, "image_prefix"))
			dst = &r->image_prefix;
		else if (!strcmp(key, "image_not_prefix"))
			dst = &r->image_not_prefix;
		else {
			_cleanup_free_ char *e = pal_escape(key, 64);
			return cfail(c, at, 4, "unknown key %s in selection[%zu].match",
			             e ? e : "?", i);
		}
		/* an empty string would match everything (prefix) or nothing */
		if (!YAJL_IS_STRING(v) || !v->u.string[0])
			return cfail(c, at, 4, "selection[%zu].match.%s must be a non-empty string",
			             i, key);
		if (dup_string(c, v->u.string, dst) < 0)
			return -1;
	}
	return 0;
}

static int parse_rule(const struct cctx *c, struct pal_selection_rule *r, yajl_val o, size_t i)
{
	struct pal_json_step at[3] = {{.key = "selection"}, {.index = i}};

	if (!YAJL_IS_OBJECT(o))
		return cfail(c, at, 2, "selection[%zu] must be an object", i);
	for (size_t k = 0; k < o->u.object.len; k++) {
		const char *key = o->u.object.keys[k];
		yajl_val v = o->u.object.values[k];
		enum pal_mode m;

		at[2] = (struct pal_json_step){.key = key};
		if (!strcmp(key, "match")) {
			if (parse_match(c, r, v, i) < 0)
				return -1;
		} else if (!strcmp(key, "profile")) {
			if (check_profile_name(c, at, 3, v, "profile") < 0 ||
			    dup_string(c, v->u.string, &r->profile) < 0)
				return -1;
		} else if (!strcmp(key, "mode")) {
			if (!YAJL_IS_STRING(v) || pal_mode_parse(v->u.string, &m) < 0)
				return cfail(c, at, 3,
				             "selection[%zu].mode must be \"enforce\" or \"audit\"",
				             i);
			if (dup_string(c, v->u.string, &r->mode) < 0)
				return -1;
		} else {
			_cleanup_free_ char *e = pal_escape(key, 64);
			return cfail(c, at, 3, "unknown key %s in selection[%zu]", e ? e : "?", i);
		}
	}
	if (!pal_json_get(o, "match") || !r->profile)
		return cfail(c, at, 2, "selection[%zu] needs \"match\" and \"profile\"", i);
	return 0;
}

static int set_selection(struct pal_conf *conf, const struct cctx *c, yajl_val v)
{
	struct pal_json_step at[] = {{.key = "selection"}};
	struct pal_selection_rule *rules;
	size_t n;

	if (!YAJL_IS_ARRAY(v))
		return cfail(c, at, 1, "value of selection must be an array of rules");
	n = v->u.array.len;
	rules = calloc(n ? n : 1, sizeof(*rules));
	if (!rules)
		return pal_err(c->err, ENOMEM, "%s", c->path);
	for (size_t i = 0; i < n; i++) {
		if (parse_rule(c, &rules[i], v->u.array.values[i], i) < 0) {
			for (size_t j = 0; j <= i; j++)
				rule_free(&rules[j]);
			free(rules);
			return -1;
		}
	}
	for (size_t i = 0; i < conf->n_rules; i++)
		rule_free(&conf->rules[i]);
	free(conf->rules);
	conf->rules = rules;
	conf->n_rules = n;
	return 0;
}

/* "monitor": {"log": PATH, "log_max_bytes": N, "log_keep": N,
 *             "syslog": BOOL, "metrics": PATH, "autostart": "start"|"refuse"|"off"} */
static int set_monitor(struct pal_conf *conf, const struct cctx *c, yajl_val v)
{
	struct pal_json_step at[2] = {{.key = "monitor"}};
	struct pal_monitor_conf *m = &conf->monitor;

	if (!YAJL_IS_OBJECT(v))
		return cfail(c, at, 1, "value of monitor must be an object");
	for (size_t i = 0; i < v->u.object.len; i++) {
		const char *key = v->u.object.keys[i];
		yajl_val x = v->u.object.values[i];
		uint64_t n;

		at[1].key = key;
		if (!strcmp(key, "log") || !strcmp(key, "metrics")) {
			char **dst = !strcmp(key, "log") ? &m->log : &m->metrics;

			if (!YAJL_IS_STRING(x) || x->u.string[0] != '/')
				return cfail(c, at, 2, "value of monitor.%s must be an absolute path",
					     key);
			free(*dst);
			*dst = NULL;
			if (dup_string(c, x->u.string, dst) < 0)
				return -1;
		} else if (!strcmp(key, "log_max_bytes") || !strcmp(key, "log_keep")) {
			bool bytes = !strcmp(key, "log_max_bytes");

			if (!pal_json_u64(x, &n) || (bytes ? n < 4096 : n > 100))
				return cfail(c, at, 2, "value of monitor.%s must be %s", key,
					     bytes ? "a byte count of at least 4096"
						   : "a number of files from 0 to 100");
			if (bytes)
				m->log_max_bytes = n;
			else
				m->log_keep = (unsigned)n;
		} else if (!strcmp(key, "syslog")) {
			if (!YAJL_IS_TRUE(x) && !YAJL_IS_FALSE(x))
				return cfail(c, at, 2, "value of monitor.syslog must be true or false");
			m->syslog = YAJL_IS_TRUE(x);
		} else if (!strcmp(key, "autostart")) {
			static const char *const values[] = {"start", "refuse", "off"};
			bool found = false;

			for (size_t k = 0; k < 3 && YAJL_IS_STRING(x) && !found; k++)
				if (!strcmp(x->u.string, values[k])) {
					m->autostart = (enum pal_autostart)k;
					found = true;
				}
			if (!found)
				return cfail(c, at, 2,
					     "value of monitor.autostart must be \"start\", \"refuse\" "
					     "or \"off\"");
		} else {
			_cleanup_free_ char *e = pal_escape(key, 64);
			return cfail(c, at, 2, "unknown key monitor.%s", e ? e : "?");
		}
	}
	return 0;
}

static int conf_parse(struct pal_conf *conf, const char *path, const char *buf, size_t len,
                      pal_error *err)
{
	_cleanup_yajl_val_ yajl_val root = NULL;
	const struct cctx c = {.path = path, .buf = buf, .len = len, .err = err};

	if (pal_json_parse_opts(buf, len, path, PAL_JSON_COMMENTS, &root, err) < 0)
		return -1;
	for (size_t i = 0; i < root->u.object.len; i++) {
		const char *key = root->u.object.keys[i];
		yajl_val v = root->u.object.values[i];
		struct pal_json_step at[] = {{.key = key}};
		int r;

		if (!strcmp(key, "runtime")) {
			r = set_path(&c, &conf->runtime, v, key);
		} else if (!strcmp(key, "state_dir")) {
			r = set_path(&c, &conf->state_dir, v, key);
		} else if (!strcmp(key, "bpf_dir")) {
			r = set_path(&c, &conf->bpf_dir, v, key);
		} else if (!strcmp(key, "profile_dirs")) {
			r = set_profile_dirs(conf, &c, v);
		} else if (!strcmp(key, "default_profile")) {
			r = check_profile_name(&c, at, 1, v, "value of default_profile");
			if (r == 0)
				r = dup_string(&c, v->u.string, &conf->default_profile);
		} else if (!strcmp(key, "selection")) {
			r = set_selection(conf, &c, v);
		} else if (!strcmp(key, "monitor")) {
			r = set_monitor(conf, &c, v);
		} else {
			_cleanup_free_ char *e = pal_escape(key, 64);
			r = cfail(&c, at, 1, "unknown key %s", e ? e : "?");
		}
		if (r < 0)
			return -1;
	}
	return 0;
}

static int set_defaults(struct pal_conf *conf, pal_error *err)
{
	size_t n = 0;

	while (pal_default_profile_dirs[n])
		n++;
	conf->runtime = strdup(PAL_DEFAULT_RUNTIME);
	conf->state_dir = strdup(PAL_DEFAULT_STATE_DIR);
	conf->bpf_dir = strdup(PAL_DEFAULT_BPF_DIR);
	conf->monitor.log = strdup(PAL_DEFAULT_VIOLATIONS_LOG);
	conf->monitor.log_max_bytes = PAL_DEFAULT_LOG_MAX_BYTES;
	conf->monitor.log_keep = PAL_DEFAULT_LOG_KEEP;
	conf->monitor.autostart = PAL_AUTOSTART_START;
	conf->default_profile = strdup(PAL_DEFAULT_PROFILE);
	conf->profile_dirs = calloc(n, sizeof(char *));
	if (!conf->runtime || !conf->state_dir || !conf->bpf_dir || !conf->monitor.log ||
	    !conf->default_profile || !conf->profile_dirs)
		return pal_err(err, ENOMEM, "configuration");
	for (size_t i = 0; i < n; i++) {
		conf->profile_dirs[i] = strdup(pal_default_profile_dirs[i]);
		if (!conf->profile_dirs[i])
			return pal_err(err, ENOMEM, "configuration");
		conf->n_profile_dirs = i + 1;
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
	if (set_defaults(conf, err) < 0)
		return -1;

	r = pal_read_file(AT_FDCWD, path, 0, PAL_CONF_MAX_SIZE, &buf, &len, NULL, err);
	if (r < 0) {
		/* The default file is optional; one named explicitly is not. */
		if (err->errnum == ENOENT && !(env && *env)) {
			pal_err_clear(err);
			return 0;
		}
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
	free(conf->bpf_dir);
	free(conf->monitor.log);
	free(conf->monitor.metrics);
	free_strv(conf->profile_dirs, conf->n_profile_dirs);
	free(conf->default_profile);
	for (size_t i = 0; i < conf->n_rules; i++)
		rule_free(&conf->rules[i]);
	free(conf->rules);
	*conf = (struct pal_conf){0};
}
