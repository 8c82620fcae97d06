/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The engine itself: annotations, idempotence, refusal wording, audit mode.
 * Each rule has its own test_rule_<name>.c. */
#include "config.h"

#include "pal_test.h"

#include <errno.h>

#include "palisade/json.h"
#include "palisade/rewrite.h"

static yajl_val parse(const char *s)
{
	pal_error err = {0};
	yajl_val v = NULL;
	assert_int_equal(pal_json_parse(s, strlen(s), "t", &v, &err), 0);
	return v;
}

/* A profile that constrains nothing: only "annotate" changes the spec. */
static struct pal_profile empty = {.name = "empty"};

static struct pal_rewrite_ctx ctx_for(struct pal_profile *p, enum pal_mode mode,
				      struct pal_report *r)
{
	return (struct pal_rewrite_ctx){.cmd = PAL_CMD_CREATE,
					.id = "c1",
					.bundle = "/b",
					.bundle_fd = -1,
					.profile = p,
					.mode = mode,
					.backend = "runc",
					.report = r};
}

static int setup(void **state)
{
	(void)state;
	empty.tree = parse("{}");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	yajl_tree_free(empty.tree);
	return 0;
}

static void annotates(void **state)
{
	pal_error err = {0};
	struct pal_rewrite_ctx ctx = ctx_for(&empty, PAL_MODE_ENFORCE, NULL);
	yajl_val spec = parse("{\"ociVersion\": \"1.0.2\", \"x-future\": [1.0, {\"k\": null}]}");
	yajl_val before = pal_json_dup(spec);
	(void)state;

	assert_int_equal(pal_rewrite(&ctx, spec, &err), 0);
	yajl_val ann = pal_json_get(spec, "annotations");
	assert_string_equal(pal_json_get(ann, PAL_ANNOTATION_VERSION)->u.string, PACKAGE_VERSION);
	assert_string_equal(pal_json_get(ann, PAL_ANNOTATION_APPLIED_PROFILE)->u.string, "empty");
	assert_string_equal(pal_json_get(ann, PAL_ANNOTATION_APPLIED_MODE)->u.string, "enforce");
	assert_int_equal(ann->u.object.len, 3);
	/* nothing else changed */
	assert_int_equal(pal_json_remove(spec, "annotations"), 1);
	assert_true(pal_json_equal(spec, before));
	yajl_tree_free(spec);
	yajl_tree_free(before);
}

static void idempotent(void **state)
{
	pal_error err = {0};
	struct pal_rewrite_ctx ctx = ctx_for(&empty, PAL_MODE_ENFORCE, NULL);
	yajl_val spec = parse("{\"annotations\": {\"a\": \"b\"}}");
	yajl_val once;
	(void)state;

	assert_int_equal(pal_rewrite(&ctx, spec, &err), 0);
	once = pal_json_dup(spec);
	assert_int_equal(pal_rewrite(&ctx, spec, &err), 0);
	assert_true(pal_json_equal(spec, once));
	assert_string_equal(pal_json_getp(spec, "annotations", "a", NULL)->u.string, "b");
	yajl_tree_free(spec);
	yajl_tree_free(once);
}

static void forged_annotations_replaced(void **state)
{
	pal_error err = {0};
	struct pal_rewrite_ctx ctx = ctx_for(&empty, PAL_MODE_AUDIT, NULL);
	yajl_val spec = parse("{\"annotations\": {\"io.palisade.version\": \"99\","
			      " \"io.palisade.applied.profile\": \"privileged\","
			      " \"io.palisade.applied.mode\": \"enforce\"}}");
	(void)state;
	assert_int_equal(pal_rewrite(&ctx, spec, &err), 0);
	assert_string_equal(pal_json_getp(spec, "annotations", PAL_ANNOTATION_VERSION, NULL)->u.string,
			    PACKAGE_VERSION);
	assert_string_equal(
		pal_json_getp(spec, "annotations", PAL_ANNOTATION_APPLIED_PROFILE, NULL)->u.string,
		"empty");
	assert_string_equal(
		pal_json_getp(spec, "annotations", PAL_ANNOTATION_APPLIED_MODE, NULL)->u.string,
		"audit");
	yajl_tree_free(spec);
}

static void malformed(void **state)
{
	pal_error err = {0};
	struct pal_rewrite_ctx ctx = ctx_for(&empty, PAL_MODE_ENFORCE, NULL);
	yajl_val spec = parse("{\"annotations\": [\"x\"]}");
	(void)state;
	assert_int_equal(pal_rewrite(&ctx, spec, &err), -1);
	assert_non_null(strstr(err.msg, "rule annotate"));
	assert_non_null(strstr(err.msg, "annotations: must be an object"));
	yajl_tree_free(spec);
	spec = pal_json_new_array();
	assert_int_equal(pal_rewrite(&ctx, spec, &err), -1);
	yajl_tree_free(spec);
}

static void refusal_wording(void **state)
{
	pal_error err = {0};
	struct pal_report r = {0};
	struct pal_rewrite_ctx ctx = ctx_for(&empty, PAL_MODE_ENFORCE, &r);
	(void)state;

	assert_int_equal(pal_rule_refuse(&ctx, "user", "process.user.uid", &err,
					 "uid %d, the profile requires a non-root user", 0),
			 -1);
	assert_int_equal(err.errnum, EPERM);
	assert_string_equal(err.msg, "refused by profile \"empty\" (rule user): process.user.uid: "
				     "uid 0, the profile requires a non-root user; select a profile "
				     "that allows it with the annotation io.palisade.profile");
	assert_int_equal(r.n, 1);
	assert_true(r.items[0].refused);

	/* audit: a finding, no error */
	ctx.mode = PAL_MODE_AUDIT;
	pal_err_clear(&err);
	assert_int_equal(pal_rule_refuse(&ctx, "hooks", "hooks.prestart[0].path", &err, "x"), 0);
	assert_string_equal(err.msg, "");
	pal_rule_note(&ctx, "capabilities", "process.capabilities.bounding", "removed %s",
		      "CAP_SYS_ADMIN");
	assert_int_equal(r.n, 3);
	assert_string_equal(r.items[1].rule, "hooks");
	assert_string_equal(r.items[1].field, "hooks.prestart[0].path");
	assert_false(r.items[2].refused);
	assert_string_equal(r.items[2].msg, "removed CAP_SYS_ADMIN");
	pal_report_free(&r);
	assert_int_equal(r.n, 0);
	/* no report: notes are dropped, refusals still refuse */
	ctx.report = NULL;
	ctx.mode = PAL_MODE_ENFORCE;
	pal_rule_note(&ctx, "x", "y", "z");
	assert_int_equal(pal_rule_refuse(&ctx, "x", "y", &err, "z"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(annotates),
		cmocka_unit_test(idempotent),
		cmocka_unit_test(forged_annotations_replaced),
		cmocka_unit_test(malformed),
		cmocka_unit_test(refusal_wording),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
