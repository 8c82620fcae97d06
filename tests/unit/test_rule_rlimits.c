/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "rule_test.h"

#define R(type, hard, soft) "{\"type\": \"" type "\", \"hard\": " #hard ", \"soft\": " #soft "}"

static const char *profile = "{\"rlimits\": {\"max\": {"
                             " \"RLIMIT_NOFILE\": {\"soft\": 1024, \"hard\": 4096},"
                             " \"RLIMIT_NPROC\": {\"soft\": 512, \"hard\": 512},"
                             " \"RLIMIT_CORE\": {\"soft\": 0, \"hard\": 0}}}}";

static void absent_section(void **state)
{
	struct rule_test t;
	yajl_val spec = rule_test_fixture("spec-podman.json");
	(void)state;

	rule_test_init(&t, "{\"noNewPrivileges\": true}");
	rule_test_unchanged(&t, &pal_rule_rlimits, spec);
	yajl_tree_free(spec);
	rule_test_fini(&t);
	/* a section without "max" constrains nothing either */
	spec = rule_test_fixture("spec-podman.json");
	rule_test_init(&t, "{\"rlimits\": {}}");
	rule_test_unchanged(&t, &pal_rule_rlimits, spec);
	yajl_tree_free(spec);
	rule_test_fini(&t);
}

static void runc_fixture(void **state)
{
	struct rule_test t;
	yajl_val spec = rule_test_fixture("spec-runc.json");
	/* NOFILE 1024/1024 is already within; the others are added in the
	 * profile's order, members ordered as `runc spec` writes them */
	yajl_val want =
	    rule_test_with(spec, "process.rlimits",
	                   "[" R("RLIMIT_NOFILE", 1024, 1024) "," R("RLIMIT_NPROC", 512, 512) "," R(
	                       "RLIMIT_CORE", 0, 0) "]");
	(void)state;

	rule_test_init(&t, profile);
	rule_test_expect(&t, &pal_rule_rlimits, spec, want);
	assert_int_equal(t.report.n, 2);
	assert_string_equal(t.report.items[0].field, "process.rlimits[1]");
	assert_string_equal(t.report.items[0].msg, "RLIMIT_NPROC added with soft 512 hard 512");
	assert_string_equal(t.report.items[1].field, "process.rlimits[2]");
	assert_string_equal(t.report.items[1].msg, "RLIMIT_CORE added with soft 0 hard 0");
	yajl_tree_free(spec);
	yajl_tree_free(want);
	rule_test_fini(&t);
}

static void podman_fixture(void **state)
{
	struct rule_test t;
	yajl_val spec = rule_test_fixture("spec-podman.json");
	yajl_val want =
	    rule_test_with(spec, "process.rlimits",
	                   "[" R("RLIMIT_NOFILE", 4096, 1024) "," R("RLIMIT_NPROC", 512, 512) "," R(
	                       "RLIMIT_CORE", 0, 0) "]");
	(void)state;

	rule_test_init(&t, profile);
	rule_test_expect(&t, &pal_rule_rlimits, spec, want);
	assert_int_equal(t.report.n, 3);
	assert_string_equal(t.report.items[0].field, "process.rlimits[0]");
	assert_string_equal(t.report.items[0].msg,
	                    "RLIMIT_NOFILE lowered from soft 1048576 hard 1048576 to soft 1024 "
	                    "hard 4096");
	yajl_tree_free(spec);
	yajl_tree_free(want);
	rule_test_fini(&t);
}

static void containerd_fixture(void **state)
{
	struct rule_test t;
	yajl_val spec = rule_test_fixture("spec-containerd.json");
	/* no rlimits at all: the array is appended to process */
	yajl_val want =
	    rule_test_with(spec, "process.rlimits",
	                   "[" R("RLIMIT_NOFILE", 4096, 1024) "," R("RLIMIT_NPROC", 512, 512) "," R(
	                       "RLIMIT_CORE", 0, 0) "]");
	(void)state;

	rule_test_init(&t, profile);
	rule_test_expect(&t, &pal_rule_rlimits, spec, want);
	yajl_tree_free(spec);
	yajl_tree_free(want);
	rule_test_fini(&t);
}

static void lowering(void **state)
{
	struct rule_test t;
	(void)state;

	rule_test_init(&t, "{\"rlimits\": {\"max\": {\"RLIMIT_NOFILE\": {\"soft\": 1024, \"hard\": "
	                   "4096}}}}");
	/* soft above the max soft but hard below the max hard */
	rule_test_expect_str(&t, &pal_rule_rlimits,
	                     "{\"process\": {\"rlimits\": [" R("RLIMIT_NOFILE", 2048, 2048) "]}}",
	                     "{\"process\": {\"rlimits\": [" R("RLIMIT_NOFILE", 2048, 1024) "]}}");
	/* already lower: untouched, also soft < hard */
	rule_test_expect_str(&t, &pal_rule_rlimits,
	                     "{\"process\": {\"rlimits\": [" R("RLIMIT_NOFILE", 100, 10) "]}}",
	                     "{\"process\": {\"rlimits\": [" R("RLIMIT_NOFILE", 100, 10) "]}}");
	/* RLIM_INFINITY, other types untouched, member order kept */
	rule_test_expect_str(&t, &pal_rule_rlimits,
	                     "{\"process\": {\"rlimits\": ["
	                     "{\"soft\": 18446744073709551615, \"type\": \"RLIMIT_NOFILE\","
	                     " \"hard\": 18446744073709551615},"
	                     "{\"type\": \"RLIMIT_STACK\", \"hard\": 18446744073709551615,"
	                     " \"soft\": 8388608}]}}",
	                     "{\"process\": {\"rlimits\": ["
	                     "{\"soft\": 1024, \"type\": \"RLIMIT_NOFILE\", \"hard\": 4096},"
	                     "{\"type\": \"RLIMIT_STACK\", \"hard\": 18446744073709551615,"
	                     " \"soft\": 8388608}]}}");
	/* duplicates (invalid, but which one wins is the runtime's) both go */
	rule_test_expect_str(&t, &pal_rule_rlimits,
	                     "{\"process\": {\"rlimits\": [" R("RLIMIT_NOFILE", 9999, 9999) "," R(
	                         "RLIMIT_NOFILE", 8888, 8888) "]}}",
	                     "{\"process\": {\"rlimits\": [" R("RLIMIT_NOFILE", 4096, 1024) "," R(
	                         "RLIMIT_NOFILE", 4096, 1024) "]}}");
	/* null is absent: replaced in place; no process at all gets one */
	rule_test_expect_str(
	    &t, &pal_rule_rlimits, "{\"process\": {\"rlimits\": null, \"cwd\": \"/\"}}",
	    "{\"process\": {\"rlimits\": [" R("RLIMIT_NOFILE", 4096, 1024) "], \"cwd\": \"/\"}}");
	rule_test_expect_str(&t, &pal_rule_rlimits, "{}",
	                     "{\"process\": {\"rlimits\": [" R("RLIMIT_NOFILE", 4096, 1024) "]}}");
	rule_test_fini(&t);

	/* an infinite max hard never raises; a max soft above its hard is
	 * capped by the hard */
	rule_test_init(&t, "{\"rlimits\": {\"max\": {"
	                   "\"RLIMIT_NOFILE\": {\"soft\": 1024, \"hard\": 18446744073709551615},"
	                   "\"RLIMIT_NPROC\": {\"soft\": 900, \"hard\": 100}}}}");
	rule_test_expect_str(&t, &pal_rule_rlimits,
	                     "{\"process\": {\"rlimits\": [" R("RLIMIT_NOFILE", 4096, 4096) "]}}",
	                     "{\"process\": {\"rlimits\": [" R("RLIMIT_NOFILE", 4096, 1024) "," R(
	                         "RLIMIT_NPROC", 100, 100) "]}}");
	rule_test_fini(&t);
}

static void audit_mode(void **state)
{
	struct rule_test t;
	(void)state;

	rule_test_init(&t, profile);
	t.ctx.mode = PAL_MODE_AUDIT;
	rule_test_expect_str(
	    &t, &pal_rule_rlimits, "{\"process\": {\"rlimits\": [" R("RLIMIT_CORE", 1, 1) "]}}",
	    "{\"process\": {\"rlimits\": [" R("RLIMIT_CORE", 0, 0) "," R(
	        "RLIMIT_NOFILE", 4096, 1024) "," R("RLIMIT_NPROC", 512, 512) "]}}");
	assert_non_null(rule_test_finding(&t, "process.rlimits[0]", false));
	assert_null(rule_test_finding(&t, "process.rlimits[0]", true));
	rule_test_fini(&t);
}

static void malformed(void **state)
{
	struct rule_test t;
	(void)state;

	rule_test_init(&t, profile);
	rule_test_error_str(&t, &pal_rule_rlimits, "{\"process\": {\"rlimits\": {}}}",
	                    "config.json: process.rlimits: must be an array");
	rule_test_error_str(&t, &pal_rule_rlimits, "{\"process\": {\"rlimits\": [1]}}",
	                    "config.json: process.rlimits[0]: must be an object");
	rule_test_error_str(&t, &pal_rule_rlimits,
	                    "{\"process\": {\"rlimits\": [{\"hard\": 1, \"soft\": 1}]}}",
	                    "process.rlimits[0].type: must be a string");
	rule_test_error_str(&t, &pal_rule_rlimits,
	                    "{\"process\": {\"rlimits\": [" R("RLIMIT_NOFILE", 1,
	                                                      1) "," R("RLIMIT_STACK", 1, -1) "]}}",
	                    "process.rlimits[1].soft: must be an unsigned integer");
	rule_test_error_str(&t, &pal_rule_rlimits,
	                    "{\"process\": {\"rlimits\": [" R("RLIMIT_NOFILE", 1e3, 1) "]}}",
	                    "process.rlimits[0].hard: must be an unsigned integer");
	rule_test_error_str(&t, &pal_rule_rlimits,
	                    "{\"process\": {\"rlimits\": [" R("RLIMIT_NOFILE", 1.5, 1) "]}}",
	                    "process.rlimits[0].hard");
	rule_test_error_str(
	    &t, &pal_rule_rlimits,
	    "{\"process\": {\"rlimits\": [" R("RLIMIT_NOFILE", 18446744073709551616, 1) "]}}",
	    "process.rlimits[0].hard");
	rule_test_error_str(&t, &pal_rule_rlimits,
	                    "{\"process\": {\"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", "
	                    "\"hard\": 1}]}}",
	                    "process.rlimits[0].soft");
	rule_test_error_str(&t, &pal_rule_rlimits,
	                    "{\"process\": {\"rlimits\": [" R("RLIMIT_NOFILE", "1", 1) "]}}",
	                    "process.rlimits[0].hard");
	rule_test_error_str(&t, &pal_rule_rlimits, "{\"process\": 1}",
	                    "config.json: process: must be an object");
	rule_test_fini(&t);

	rule_test_init(&t,
	               "{\"rlimits\": {\"max\": {\"RLIMIT_FOO\": {\"soft\": 1, \"hard\": 1}}}}");
	rule_test_error_str(&t, &pal_rule_rlimits, "{}",
	                    "profile \"test\": rlimits.max: unknown type \"RLIMIT_FOO\"");
	rule_test_fini(&t);
	rule_test_init(&t, "{\"rlimits\": {\"max\": {\"RLIMIT_NOFILE\": {\"soft\": 1}}}}");
	rule_test_error_str(&t, &pal_rule_rlimits, "{}",
	                    "profile \"test\": rlimits.max.RLIMIT_NOFILE");
	rule_test_fini(&t);
	rule_test_init(&t, "{\"rlimits\": {\"max\": []}}");
	rule_test_error_str(&t, &pal_rule_rlimits, "{}", "rlimits.max: must be an object");
	rule_test_fini(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(absent_section), cmocka_unit_test(runc_fixture),
	    cmocka_unit_test(podman_fixture), cmocka_unit_test(containerd_fixture),
	    cmocka_unit_test(lowering),       cmocka_unit_test(audit_mode),
	    cmocka_unit_test(malformed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
