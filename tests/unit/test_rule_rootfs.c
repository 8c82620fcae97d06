/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "rule_test.h"

#define PROFILE "{\"rootfs\": {\"readonly\": true}}"

static void runc_already_readonly(void **state)
{
	struct rule_test t;
	yajl_val spec = rule_test_fixture("spec-runc.json");
	(void)state;

	rule_test_init(&t, PROFILE);
	rule_test_unchanged(&t, &pal_rule_rootfs, spec);
	yajl_tree_free(spec);
	rule_test_fini(&t);
}

static void podman_made_readonly(void **state)
{
	struct rule_test t;
	yajl_val spec = rule_test_fixture("spec-podman.json");
	yajl_val want = rule_test_with(spec, "root.readonly", "true");
	const struct pal_finding *f;
	(void)state;

	rule_test_init(&t, PROFILE);
	rule_test_expect(&t, &pal_rule_rootfs, spec, want);
	f = rule_test_finding(&t, "root.readonly", false);
	assert_non_null(f);
	assert_string_equal(f->rule, "rootfs");
	assert_int_equal(t.report.n, 1); /* the second run noted nothing */
	yajl_tree_free(spec);
	yajl_tree_free(want);
	rule_test_fini(&t);
}

static void containerd_gains_readonly(void **state)
{
	struct rule_test t;
	yajl_val spec = rule_test_fixture("spec-containerd.json");
	yajl_val want = rule_test_with(spec, "root", "{\"path\": \"rootfs\", \"readonly\": true}");
	(void)state;

	rule_test_init(&t, PROFILE);
	rule_test_expect(&t, &pal_rule_rootfs, spec, want);
	yajl_tree_free(spec);
	yajl_tree_free(want);
	rule_test_fini(&t);
}

static void no_root(void **state)
{
	struct rule_test t;
	(void)state;

	rule_test_init(&t, PROFILE);
	rule_test_expect_str(&t, &pal_rule_rootfs, "{\"ociVersion\": \"1.0.2\"}",
	                     "{\"ociVersion\": \"1.0.2\", \"root\": {\"readonly\": true}}");
	rule_test_fini(&t);
}

static void absent_or_false_changes_nothing(void **state)
{
	static const char *const profiles[] = {
	    "{}",
	    "{\"rootfs\": {}}",
	    "{\"rootfs\": {\"readonly\": false}}",
	};
	static const char *const fixtures[] = {"spec-runc.json", "spec-podman.json",
	                                       "spec-containerd.json"};
	(void)state;

	for (size_t p = 0; p < sizeof(profiles) / sizeof(profiles[0]); p++) {
		for (size_t f = 0; f < sizeof(fixtures) / sizeof(fixtures[0]); f++) {
			struct rule_test t;
			yajl_val spec = rule_test_fixture(fixtures[f]);

			rule_test_init(&t, profiles[p]);
			rule_test_unchanged(&t, &pal_rule_rootfs, spec);
			yajl_tree_free(spec);
			rule_test_fini(&t);
		}
	}
}

static void audit_applies_the_same(void **state)
{
	struct rule_test t;
	(void)state;

	/* nothing to refuse: audit mode (on the engine's scratch copy) makes
	 * the same change so that it can report it */
	rule_test_init(&t, PROFILE);
	t.ctx.mode = PAL_MODE_AUDIT;
	rule_test_expect_str(&t, &pal_rule_rootfs,
	                     "{\"root\": {\"path\": \"r\", \"readonly\": false}}",
	                     "{\"root\": {\"path\": \"r\", \"readonly\": true}}");
	assert_non_null(rule_test_finding(&t, "root.readonly", false));
	rule_test_fini(&t);
}

static void malformed(void **state)
{
	struct rule_test t;
	(void)state;

	rule_test_init(&t, PROFILE);
	rule_test_error_str(&t, &pal_rule_rootfs, "{\"root\": {\"readonly\": \"yes\"}}",
	                    "config.json: root.readonly: must be a boolean");
	rule_test_error_str(&t, &pal_rule_rootfs, "{\"root\": {\"readonly\": 1}}",
	                    "root.readonly: must be a boolean");
	rule_test_error_str(&t, &pal_rule_rootfs, "{\"root\": \"rootfs\"}",
	                    "config.json: root: must be an object");
	rule_test_fini(&t);

	rule_test_init(&t, "{\"rootfs\": {\"readonly\": \"true\"}}");
	rule_test_error_str(&t, &pal_rule_rootfs, "{\"root\": {}}",
	                    "profile \"test\": rootfs.readonly: must be a boolean");
	rule_test_fini(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(runc_already_readonly),
	    cmocka_unit_test(podman_made_readonly),
	    cmocka_unit_test(containerd_gains_readonly),
	    cmocka_unit_test(no_root),
	    cmocka_unit_test(absent_or_false_changes_nothing),
	    cmocka_unit_test(audit_applies_the_same),
	    cmocka_unit_test(malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
