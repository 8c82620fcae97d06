/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "rule_test.h"

static void absent_section(void **state)
{
	struct rule_test t;
	yajl_val spec = rule_test_fixture("spec-containerd.json");
	(void)state;

	rule_test_init(&t, "{\"privileged\": false}");
	rule_test_unchanged(&t, &pal_rule_no_new_privileges, spec);
	yajl_tree_free(spec);
	rule_test_fini(&t);
}

/* false in a profile never loosens the spec's true, nor sets anything */
static void profile_false(void **state)
{
	struct rule_test t;
	yajl_val spec = rule_test_parse("{\"process\": {\"noNewPrivileges\": true}}");
	yajl_val off = rule_test_parse("{\"process\": {\"noNewPrivileges\": false}}");
	(void)state;

	rule_test_init(&t, "{\"noNewPrivileges\": false}");
	rule_test_unchanged(&t, &pal_rule_no_new_privileges, spec);
	rule_test_unchanged(&t, &pal_rule_no_new_privileges, off);
	yajl_tree_free(spec);
	yajl_tree_free(off);
	rule_test_fini(&t);
}

static void fixtures(void **state)
{
	struct rule_test t;
	yajl_val runc = rule_test_fixture("spec-runc.json");
	yajl_val podman = rule_test_fixture("spec-podman.json");
	yajl_val cd = rule_test_fixture("spec-containerd.json");
	/* containerd's spec has no noNewPrivileges: appended to process */
	yajl_val want = rule_test_with(cd, "process.noNewPrivileges", "true");
	(void)state;

	rule_test_init(&t, "{\"noNewPrivileges\": true}");
	rule_test_unchanged(&t, &pal_rule_no_new_privileges, runc);
	rule_test_unchanged(&t, &pal_rule_no_new_privileges, podman);
	rule_test_expect(&t, &pal_rule_no_new_privileges, cd, want);
	assert_int_equal(t.report.n, 1);
	assert_string_equal(t.report.items[0].rule, "no_new_privileges");
	assert_string_equal(t.report.items[0].field, "process.noNewPrivileges");
	assert_string_equal(t.report.items[0].msg, "set to true (was absent)");
	assert_false(t.report.items[0].refused);
	yajl_tree_free(runc);
	yajl_tree_free(podman);
	yajl_tree_free(cd);
	yajl_tree_free(want);
	rule_test_fini(&t);
}

static void false_becomes_true(void **state)
{
	struct rule_test t;
	(void)state;

	rule_test_init(&t, "{\"noNewPrivileges\": true}");
	/* replaced in place: the member keeps its position */
	rule_test_expect_str(&t, &pal_rule_no_new_privileges,
	                     "{\"process\": {\"noNewPrivileges\": false, \"args\": [\"sh\"]}}",
	                     "{\"process\": {\"noNewPrivileges\": true, \"args\": [\"sh\"]}}");
	assert_int_equal(t.report.n, 1);
	assert_string_equal(t.report.items[0].msg, "set to true (was false)");
	/* null is absent to runc's decoder */
	rule_test_expect_str(&t, &pal_rule_no_new_privileges,
	                     "{\"process\": {\"noNewPrivileges\": null, \"args\": [\"sh\"]}}",
	                     "{\"process\": {\"noNewPrivileges\": true, \"args\": [\"sh\"]}}");
	/* no process at all: the flag is forced all the same */
	rule_test_expect_str(
	    &t, &pal_rule_no_new_privileges, "{\"ociVersion\": \"1.0.2\"}",
	    "{\"ociVersion\": \"1.0.2\", \"process\": {\"noNewPrivileges\": true}}");
	rule_test_fini(&t);
}

/* the engine runs every rule in audit mode too (on a scratch copy) */
static void audit_mode(void **state)
{
	struct rule_test t;
	(void)state;

	rule_test_init(&t, "{\"noNewPrivileges\": true}");
	t.ctx.mode = PAL_MODE_AUDIT;
	rule_test_expect_str(&t, &pal_rule_no_new_privileges,
	                     "{\"process\": {\"noNewPrivileges\": false}}",
	                     "{\"process\": {\"noNewPrivileges\": true}}");
	assert_non_null(rule_test_finding(&t, "process.noNewPrivileges", false));
	rule_test_fini(&t);
}

static void malformed(void **state)
{
	struct rule_test t;
	(void)state;

	rule_test_init(&t, "{\"noNewPrivileges\": true}");
	rule_test_error_str(&t, &pal_rule_no_new_privileges,
	                    "{\"process\": {\"noNewPrivileges\": \"yes\"}}",
	                    "config.json: process.noNewPrivileges: must be a boolean");
	rule_test_error_str(&t, &pal_rule_no_new_privileges,
	                    "{\"process\": {\"noNewPrivileges\": 1}}", "process.noNewPrivileges");
	rule_test_error_str(&t, &pal_rule_no_new_privileges, "{\"process\": [true]}",
	                    "config.json: process: must be an object");
	rule_test_fini(&t);

	rule_test_init(&t, "{\"noNewPrivileges\": \"true\"}");
	rule_test_error_str(&t, &pal_rule_no_new_privileges, "{}",
	                    "profile \"test\": noNewPrivileges: must be a boolean");
	rule_test_fini(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(absent_section), cmocka_unit_test(profile_false),
	    cmocka_unit_test(fixtures),       cmocka_unit_test(false_becomes_true),
	    cmocka_unit_test(audit_mode),     cmocka_unit_test(malformed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
