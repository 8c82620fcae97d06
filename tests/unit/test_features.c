/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "pal_test.h"

#include "palisade/features.h"
#include "palisade/json.h"
#include "palisade/rewrite.h"

static yajl_val load_fixture(void)
{
	char *path = pal_test_fixture("features-runc-1.1.5.json");
	char *slash = strrchr(path, '/');
	size_t len = 0;
	pal_error err = {0};
	yajl_val v = NULL;
	*slash = '\0';
	char *text = pal_test_read(path, slash + 1, &len);
	assert_non_null(text);
	assert_int_equal(pal_json_parse(text, len, "features", &v, &err), 0);
	free(text);
	free(path);
	return v;
}

static bool has(yajl_val arr, const char *s)
{
	for (size_t i = 0; YAJL_IS_ARRAY(arr) && i < arr->u.array.len; i++)
		if (YAJL_IS_STRING(arr->u.array.values[i]) &&
		    !strcmp(arr->u.array.values[i]->u.string, s))
			return true;
	return false;
}

static void merges_keeping_backend(void **state)
{
	pal_error err = {0};
	yajl_val f = load_fixture(), orig = load_fixture();
	(void)state;

	assert_int_equal(pal_features_merge(f, &err), 0);
	assert_true(has(pal_json_get(f, "potentiallyUnsafeConfigAnnotations"), "io.palisade."));
	assert_string_equal(pal_json_getp(f, "annotations", "io.palisade.version", NULL)->u.string,
			    PACKAGE_VERSION);
	/* every member the backend gave is there with its value */
	for (size_t i = 0; i < orig->u.object.len; i++) {
		const char *k = orig->u.object.keys[i];
		if (!strcmp(k, "annotations"))
			continue;
		assert_true(pal_json_equal(orig->u.object.values[i], pal_json_get(f, k)));
	}
	yajl_val oa = pal_json_get(orig, "annotations");
	for (size_t i = 0; i < oa->u.object.len; i++)
		assert_true(pal_json_equal(oa->u.object.values[i],
					   pal_json_getp(f, "annotations", oa->u.object.keys[i], NULL)));
	/* twice is once */
	yajl_val once = pal_json_dup(f);
	assert_int_equal(pal_features_merge(f, &err), 0);
	assert_true(pal_json_equal(f, once));
	yajl_tree_free(once);
	yajl_tree_free(f);
	yajl_tree_free(orig);
}

static void extends_existing_list(void **state)
{
	pal_error err = {0};
	const char *s = "{\"potentiallyUnsafeConfigAnnotations\": [\"bundle\", \"org.systemd.property.\"]}";
	yajl_val f = NULL;
	(void)state;
	assert_int_equal(pal_json_parse(s, strlen(s), "f", &f, &err), 0);
	assert_int_equal(pal_features_merge(f, &err), 0);
	yajl_val u = pal_json_get(f, "potentiallyUnsafeConfigAnnotations");
	assert_int_equal(u->u.array.len, 3);
	assert_true(has(u, "bundle"));
	assert_true(has(u, "io.palisade."));
	yajl_tree_free(f);

	s = "{\"potentiallyUnsafeConfigAnnotations\": {}}";
	assert_int_equal(pal_json_parse(s, strlen(s), "f", &f, &err), 0);
	assert_int_equal(pal_features_merge(f, &err), -1);
	yajl_tree_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(merges_keeping_backend),
		cmocka_unit_test(extends_existing_list),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
