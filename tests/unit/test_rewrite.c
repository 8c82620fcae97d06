/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "pal_test.h"

#include "palisade/json.h"
#include "palisade/rewrite.h"

static const struct pal_rewrite_ctx ctx = {.cmd = PAL_CMD_CREATE, .id = "c1", .bundle = "/b"};

static yajl_val parse(const char *s)
{
	pal_error err = {0};
	yajl_val v = NULL;
	assert_int_equal(pal_json_parse(s, strlen(s), "t", &v, &err), 0);
	return v;
}

static void annotates(void **state)
{
	pal_error err = {0};
	yajl_val spec = parse("{\"ociVersion\": \"1.0.2\", \"x-future\": [1.0, {\"k\": null}]}");
	yajl_val before = pal_json_dup(spec);
	(void)state;

	assert_int_equal(pal_rewrite(&ctx, spec, &err), 0);
	yajl_val v = pal_json_getp(spec, "annotations", PAL_ANNOTATION_VERSION, NULL);
	assert_true(YAJL_IS_STRING(v));
	assert_string_equal(v->u.string, PACKAGE_VERSION);
	/* nothing else changed */
	assert_int_equal(pal_json_remove(spec, "annotations"), 1);
	assert_true(pal_json_equal(spec, before));
	yajl_tree_free(spec);
	yajl_tree_free(before);
}

static void idempotent(void **state)
{
	pal_error err = {0};
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

static void forged_annotation_replaced(void **state)
{
	pal_error err = {0};
	yajl_val spec = parse("{\"annotations\": {\"io.palisade.version\": \"99\"}}");
	(void)state;
	assert_int_equal(pal_rewrite(&ctx, spec, &err), 0);
	assert_string_equal(pal_json_getp(spec, "annotations", PAL_ANNOTATION_VERSION, NULL)->u.string,
			    PACKAGE_VERSION);
	yajl_tree_free(spec);
}

static void malformed(void **state)
{
	pal_error err = {0};
	yajl_val spec = parse("{\"annotations\": [\"x\"]}");
	(void)state;
	assert_int_equal(pal_rewrite(&ctx, spec, &err), -1);
	assert_non_null(strstr(err.msg, "rule annotate"));
	assert_non_null(strstr(err.msg, "annotations: must be an object"));
	yajl_tree_free(spec);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(annotates),
		cmocka_unit_test(idempotent),
		cmocka_unit_test(forged_annotation_replaced),
		cmocka_unit_test(malformed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
