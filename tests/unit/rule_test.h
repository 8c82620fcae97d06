/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Helpers for the tests of the rewrite rules (tests/unit/test_rule_*.c).
 *
 *	struct rule_test t;
 *	rule_test_init(&t, "{\"noNewPrivileges\": true}");   profile "test"
 *	spec = rule_test_fixture("spec-runc.json");
 *	rule_test_expect(&t, &pal_rule_x, spec, want);     apply, compare, apply again
 *	rule_test_refuses(&t, &pal_rule_x, spec, "process.user.uid", "uid 0");
 *	rule_test_fini(&t);
 *
 * Every helper asserts; a JSON mismatch prints both sides (pretty) to stderr
 * before failing.  The profile is not validated (the rules get a validated
 * one; a test may want a section the validator would reject to see the rule
 * cope).  The API is shared by all rule tests: extend it, do not change it.
 */
#ifndef PAL_RULE_TEST_H
#define PAL_RULE_TEST_H

#include "pal_test.h"

#include <errno.h>

#include "palisade/json.h"
#include "palisade/profile.h"
#include "palisade/rewrite.h"

#define RULE_TEST_PROFILE "test"

struct rule_test {
	struct pal_profile profile; /* name "test", tree from the JSON given */
	struct pal_report report;   /* findings of every apply since init */
	struct pal_rewrite_ctx ctx; /* enforce, cmd create, id "c1", bundle_fd -1 */
	pal_error err;              /* of the last rule_test_apply() */
	char *bundle;               /* rule_test_bundle(): temporary bundle dir */
};

/* Parse JSON (comments allowed) or fail the test. */
static inline yajl_val rule_test_parse(const char *json)
{
	pal_error err = {0};
	yajl_val v = NULL;

	if (pal_json_parse_opts(json, strlen(json), "test", PAL_JSON_COMMENTS, &v, &err) < 0)
		fail_msg("bad test JSON: %s", err.msg);
	return v;
}

/* Parse any JSON value (pal_json_parse() wants an object at the top). */
static inline yajl_val rule_test_parse_value(const char *json)
{
	char *wrapped;
	yajl_val obj, v;

	assert_true(asprintf(&wrapped, "{\"v\": %s\n}", json) > 0);
	obj = rule_test_parse(wrapped);
	free(wrapped);
	assert_true(YAJL_IS_OBJECT(obj) && obj->u.object.len == 1);
	v = obj->u.object.values[0];
	obj->u.object.values[0] = NULL;
	obj->u.object.len = 0;
	free((void *)obj->u.object.keys[0]);
	yajl_tree_free(obj);
	return v;
}

/* A fixture from tests/fixtures (PAL_FIXTURES when set), parsed; caller
 * frees with yajl_tree_free(). */
static inline yajl_val rule_test_fixture(const char *name)
{
	const char *dir = getenv("PAL_FIXTURES");
	char *buf;
	yajl_val v;

	if (!dir)
		dir = "tests/fixtures";
	buf = pal_test_read(dir, name, NULL);
	if (!buf)
		fail_msg("cannot read fixture %s/%s (set PAL_FIXTURES or run from the source tree)",
		         dir, name);
	v = rule_test_parse(buf);
	free(buf);
	return v;
}

/* PROFILE_JSON: the resolved profile tree (NULL: an empty profile). */
static inline void rule_test_init(struct rule_test *t, const char *profile_json)
{
	memset(t, 0, sizeof(*t));
	t->profile.name = strdup(RULE_TEST_PROFILE);
	assert_non_null(t->profile.name);
	t->profile.tree = rule_test_parse(profile_json ? profile_json : "{}");
	t->profile.mode = PAL_MODE_ENFORCE;
	t->ctx.cmd = PAL_CMD_CREATE;
	t->ctx.id = "c1";
	t->ctx.bundle = "/nonexistent-bundle";
	t->ctx.bundle_fd = -1;
	t->ctx.profile = &t->profile;
	t->ctx.mode = PAL_MODE_ENFORCE;
	t->ctx.backend = "runc";
	t->ctx.report = &t->report;
}

static inline void rule_test_fini(struct rule_test *t)
{
	if (t->ctx.bundle_fd >= 0)
		close(t->ctx.bundle_fd);
	if (t->bundle) {
		pal_test_rmtree(t->bundle);
		free(t->bundle);
	}
	yajl_tree_free(t->profile.tree);
	free(t->profile.name);
	pal_report_free(&t->report);
	memset(t, 0, sizeof(*t));
}

/* Make a temporary bundle with an empty "rootfs" directory and point
 * ctx.bundle / ctx.bundle_fd at it; removed by rule_test_fini().  Returns
 * the bundle's path. */
static inline const char *rule_test_bundle(struct rule_test *t)
{
	char *rootfs;

	assert_null(t->bundle);
	t->bundle = pal_test_tmpdir();
	assert_non_null(t->bundle);
	assert_true(asprintf(&rootfs, "%s/rootfs", t->bundle) > 0);
	assert_int_equal(mkdir(rootfs, 0755), 0);
	free(rootfs);
	t->ctx.bundle = t->bundle;
	t->ctx.bundle_fd = open(t->bundle, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(t->ctx.bundle_fd >= 0);
	return t->bundle;
}

/* Write DATA to RELPATH (e.g. "rootfs/etc/passwd") in the bundle, making
 * the directories on the way. */
static inline void rule_test_bundle_file(struct rule_test *t, const char *relpath, const char *data)
{
	char *path, *p;

	assert_non_null(t->bundle);
	assert_true(asprintf(&path, "%s/%s", t->bundle, relpath) > 0);
	for (p = path + strlen(t->bundle) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			fail_msg("mkdir %s: %s", path, strerror(errno));
		*p = '/';
	}
	free(path);
	assert_int_equal(pal_test_write(t->bundle, relpath, data, strlen(data)), 0);
}

/* Apply RULE once; returns its result, the error is in t->err. */
static inline int rule_test_apply(struct rule_test *t, const struct pal_rule *rule, yajl_val spec)
{
	pal_err_clear(&t->err);
	return rule->apply(&t->ctx, spec, &t->err);
}

/* Assert GOT and WANT are equal (pal_json_equal: key order and number text
 * count); on mismatch print both. */
static inline void rule_test_assert_json(yajl_val got, yajl_val want)
{
	pal_error err = {0};
	char *a = NULL, *b = NULL;
	size_t la, lb;

	if (pal_json_equal(got, want))
		return;
	assert_int_equal(pal_json_serialize(got, true, &a, &la, &err), 0);
	assert_int_equal(pal_json_serialize(want, true, &b, &lb, &err), 0);
	fprintf(stderr, "# --- got:\n%s\n# --- want:\n%s\n", a, b);
	free(a);
	free(b);
	fail_msg("JSON differs from what was expected (both printed above)");
}

/* rule_test_assert_json() with WANT as text. */
static inline void rule_test_assert_json_str(yajl_val got, const char *want)
{
	yajl_val w = rule_test_parse(want);

	rule_test_assert_json(got, w);
	yajl_tree_free(w);
}

/* A copy of SPEC with the member at PATH ("process.capabilities": keys
 * separated by '.', so a key holding a '.' cannot be named) replaced by
 * JSON, or removed when JSON is NULL.  Objects missing on the way are
 * created.  Caller frees. */
static inline yajl_val rule_test_with(yajl_val spec, const char *path, const char *json)
{
	pal_error err = {0};
	yajl_val out = pal_json_dup(spec), obj = out;
	char *copy = strdup(path), *key = copy, *dot;

	assert_non_null(out);
	assert_non_null(copy);
	while ((dot = strchr(key, '.'))) {
		*dot = '\0';
		obj = pal_json_ensure_object(obj, key, &err);
		if (!obj)
			fail_msg("rule_test_with %s: %s", path, err.msg);
		key = dot + 1;
	}
	if (json)
		assert_int_equal(pal_json_set(obj, key, rule_test_parse_value(json), &err), 0);
	else
		pal_json_remove(obj, key);
	free(copy);
	return out;
}

/* Apply RULE to SPEC (enforce, must succeed), assert the result equals
 * WANT, apply again and assert nothing changed (idempotence).  SPEC is
 * left rewritten. */
static inline void rule_test_expect(struct rule_test *t, const struct pal_rule *rule, yajl_val spec,
                                    yajl_val want)
{
	yajl_val once;

	if (rule_test_apply(t, rule, spec) < 0)
		fail_msg("rule %s failed: %s", rule->name, t->err.msg);
	rule_test_assert_json(spec, want);
	once = pal_json_dup(spec);
	assert_non_null(once);
	if (rule_test_apply(t, rule, spec) < 0)
		fail_msg("rule %s failed on its own output: %s", rule->name, t->err.msg);
	rule_test_assert_json(spec, once);
	yajl_tree_free(once);
}

/* rule_test_expect() on texts. */
static inline void rule_test_expect_str(struct rule_test *t, const struct pal_rule *rule,
                                        const char *spec_json, const char *want_json)
{
	yajl_val spec = rule_test_parse(spec_json), want = rule_test_parse(want_json);

	rule_test_expect(t, rule, spec, want);
	yajl_tree_free(spec);
	yajl_tree_free(want);
}

/* Assert RULE leaves SPEC exactly as it is (also on a second run) and
 * notes nothing. */
static inline void rule_test_unchanged(struct rule_test *t, const struct pal_rule *rule,
                                       yajl_val spec)
{
	yajl_val want = pal_json_dup(spec);
	size_t n = t->report.n;

	assert_non_null(want);
	rule_test_expect(t, rule, spec, want);
	yajl_tree_free(want);
	assert_int_equal(t->report.n, n);
}

/* The first finding for FIELD with the given REFUSED flag, NULL if none. */
static inline const struct pal_finding *rule_test_finding(const struct rule_test *t,
                                                          const char *field, bool refused)
{
	for (size_t i = 0; i < t->report.n; i++)
		if (t->report.items[i].refused == refused &&
		    !strcmp(t->report.items[i].field, field))
			return &t->report.items[i];
	return NULL;
}

/* Assert RULE refuses SPEC:
 * - enforce: -1, EPERM, a message naming the profile, the rule, FIELD, the
 *   annotation that selects another profile, and WHY (a substring; NULL:
 *   not checked), and a refused finding for FIELD in the report;
 * - audit (on a copy): 0, no error, and a refused finding for FIELD.
 * SPEC itself is not modified; t->err keeps the enforce error. */
static inline void rule_test_refuses(struct rule_test *t, const struct pal_rule *rule,
                                     yajl_val spec, const char *field, const char *why)
{
	char want[256];
	yajl_val copy = pal_json_dup(spec);
	pal_error audit_err;
	enum pal_mode saved = t->ctx.mode;
	int rc;

	assert_non_null(copy);
	t->ctx.mode = PAL_MODE_ENFORCE;
	pal_report_free(&t->report);
	rc = rule_test_apply(t, rule, copy);
	if (rc == 0)
		fail_msg("rule %s did not refuse %s", rule->name, field);
	assert_int_equal(rc, -1);
	assert_int_equal(t->err.errnum, EPERM);
	snprintf(want, sizeof(want), "refused by profile \"%s\" (rule %s): %s: ", RULE_TEST_PROFILE,
	         rule->name, field);
	if (!strstr(t->err.msg, want))
		fail_msg("\"%s\" lacks \"%s\"", t->err.msg, want);
	if (!strstr(t->err.msg, PAL_ANNOTATION_PROFILE))
		fail_msg("\"%s\" lacks the annotation", t->err.msg);
	if (why && !strstr(t->err.msg, why))
		fail_msg("\"%s\" lacks \"%s\"", t->err.msg, why);
	assert_non_null(rule_test_finding(t, field, true));
	yajl_tree_free(copy);

	copy = pal_json_dup(spec);
	assert_non_null(copy);
	pal_report_free(&t->report);
	t->ctx.mode = PAL_MODE_AUDIT;
	audit_err = t->err;
	rc = rule_test_apply(t, rule, copy);
	if (rc != 0)
		fail_msg("rule %s failed in audit mode: %s", rule->name, t->err.msg);
	assert_int_equal(t->err.errnum, 0);
	assert_non_null(rule_test_finding(t, field, true));
	t->err = audit_err;
	t->ctx.mode = saved;
	yajl_tree_free(copy);
}

/* Assert RULE fails on SPEC with a non-EPERM error containing WHAT (e.g.
 * the malformed field's name); t->err keeps it. */
static inline void rule_test_error(struct rule_test *t, const struct pal_rule *rule, yajl_val spec,
                                   const char *what)
{
	assert_int_equal(rule_test_apply(t, rule, spec), -1);
	assert_int_not_equal(t->err.errnum, EPERM);
	if (!strstr(t->err.msg, what))
		fail_msg("\"%s\" lacks \"%s\"", t->err.msg, what);
}

/* rule_test_error() on a text. */
static inline void rule_test_error_str(struct rule_test *t, const struct pal_rule *rule,
                                       const char *spec_json, const char *what)
{
	yajl_val spec = rule_test_parse(spec_json);

	rule_test_error(t, rule, spec, what);
	yajl_tree_free(spec);
}

#endif
