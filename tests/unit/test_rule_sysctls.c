/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "rule_test.h"

#define PROFILE                                                                                    \
	"{\"sysctls\": {\"allow\": [\"net.ipv4.ip_unprivileged_port_start\", "                     \
	"\"kernel.shm_rmid_forced\"], \"allowPrefixes\": [\"net.ipv4.conf.\", "                    \
	"\"net.ipv6.conf\"]}}"

static void filtered(void **state)
{
	struct rule_test t;
	(void)state;

	rule_test_init(&t, PROFILE);
	rule_test_expect_str(&t, &pal_rule_sysctls,
	                     "{\"linux\": {\"sysctl\": {"
	                     "\"net.ipv4.ip_forward\": \"1\","
	                     "\"net/ipv4/ip_unprivileged_port_start\": \"0\","
	                     "\"kernel.shm_rmid_forced\": \"1\","
	                     "\"kernel.core_pattern\": \"|/tmp/x %p\","
	                     "\"net.ipv4.conf.all.rp_filter\": \"2\","
	                     "\"net/ipv4/conf/eth0.100/rp_filter\": \"1\","
	                     "\"net.ipv4.confx.y\": \"1\","
	                     "\"net/ipv4/conf/../../../kernel/core_pattern\": \"|/tmp/x\","
	                     "\"net.ipv4.conf..all.rp_filter\": \"1\","
	                     "\".net.ipv4.conf.all.rp_filter\": \"1\","
	                     "\"kernel.shm_rmid_forced.\": \"1\","
	                     "\"net.ipv6.conf.all.forwarding\": \"1\","
	                     "\"net.ipv6.confx\": \"1\","
	                     "\"kernel.shm_rmid_forced_x\": \"1\","
	                     "\"\": \"1\""
	                     "}, \"x\": 1}}",
	                     "{\"linux\": {\"sysctl\": {"
	                     "\"net/ipv4/ip_unprivileged_port_start\": \"0\","
	                     "\"kernel.shm_rmid_forced\": \"1\","
	                     "\"net.ipv4.conf.all.rp_filter\": \"2\","
	                     "\"net/ipv4/conf/eth0.100/rp_filter\": \"1\","
	                     "\"net.ipv6.conf.all.forwarding\": \"1\""
	                     "}, \"x\": 1}}");
	/* one note per removed key, on the first run only */
	assert_int_equal(t.report.n, 10);
	for (size_t i = 0; i < t.report.n; i++) {
		assert_false(t.report.items[i].refused);
		assert_string_equal(t.report.items[i].rule, "sysctls");
		assert_string_equal(t.report.items[i].field, "linux.sysctl");
	}
	assert_non_null(strstr(t.report.items[0].msg, "net.ipv4.ip_forward"));
	assert_non_null(strstr(t.report.items[0].msg, "not allowed"));
	assert_non_null(strstr(t.report.items[3].msg, "not a well-formed sysctl name"));
	rule_test_fini(&t);
}

/* "/" and "." are the same separator: either form of a key matches either
 * form of a profile entry. */
static void separators_equivalent(void **state)
{
	struct rule_test t;
	(void)state;

	rule_test_init(&t, "{\"sysctls\": {\"allow\": [\"net/ipv4/ip_forward\"], "
	                   "\"allowPrefixes\": [\"fs/mqueue/\"]}}");
	rule_test_expect_str(&t, &pal_rule_sysctls,
	                     "{\"linux\": {\"sysctl\": {\"net.ipv4.ip_forward\": \"1\", "
	                     "\"fs.mqueue.msg_max\": \"64\", \"net.ipv4/ip_forward\": \"0\", "
	                     "\"kernel.msgmax\": \"1\"}}}",
	                     "{\"linux\": {\"sysctl\": {\"net.ipv4.ip_forward\": \"1\", "
	                     "\"fs.mqueue.msg_max\": \"64\", \"net.ipv4/ip_forward\": \"0\"}}}");
	rule_test_fini(&t);
}

static void empty_section_removes_all(void **state)
{
	static const char *const profiles[] = {
	    "{\"sysctls\": {}}",
	    "{\"sysctls\": {\"allow\": [], \"allowPrefixes\": []}}",
	};
	(void)state;

	for (size_t p = 0; p < sizeof(profiles) / sizeof(profiles[0]); p++) {
		struct rule_test t;

		rule_test_init(&t, profiles[p]);
		rule_test_expect_str(&t, &pal_rule_sysctls,
		                     "{\"linux\": {\"sysctl\": {\"net.ipv4.ip_forward\": \"1\", "
		                     "\"kernel.shm_rmid_forced\": \"1\"}}}",
		                     "{\"linux\": {\"sysctl\": {}}}");
		rule_test_fini(&t);
	}
}

static void fixtures_unchanged(void **state)
{
	static const char *const fixtures[] = {"spec-runc.json", "spec-podman.json",
	                                       "spec-containerd.json"};
	(void)state;

	for (size_t f = 0; f < sizeof(fixtures) / sizeof(fixtures[0]); f++) {
		struct rule_test t;
		yajl_val spec = rule_test_fixture(fixtures[f]);

		rule_test_init(&t, PROFILE);
		rule_test_unchanged(&t, &pal_rule_sysctls, spec);
		yajl_tree_free(spec);
		rule_test_fini(&t);
	}
}

static void podman_with_sysctls(void **state)
{
	struct rule_test t;
	yajl_val spec = rule_test_fixture("spec-podman.json");
	yajl_val in = rule_test_with(spec, "linux.sysctl",
	                             "{\"net.ipv4.ping_group_range\": \"0 0\", "
	                             "\"net.ipv4.conf.default.rp_filter\": \"1\"}");
	yajl_val want =
	    rule_test_with(spec, "linux.sysctl", "{\"net.ipv4.conf.default.rp_filter\": \"1\"}");
	(void)state;

	rule_test_init(&t, PROFILE);
	rule_test_expect(&t, &pal_rule_sysctls, in, want);
	yajl_tree_free(spec);
	yajl_tree_free(in);
	yajl_tree_free(want);
	rule_test_fini(&t);
}

static void absent_changes_nothing(void **state)
{
	struct rule_test t;
	yajl_val spec =
	    rule_test_parse("{\"linux\": {\"sysctl\": {\"kernel.core_pattern\": \"|x\", "
	                    "\"net.ipv4.ip_forward\": \"1\"}}}");
	(void)state;

	rule_test_init(&t, "{\"hooks\": {\"allow\": []}}");
	rule_test_unchanged(&t, &pal_rule_sysctls, spec);
	yajl_tree_free(spec);
	rule_test_fini(&t);
}

static void audit_same_change(void **state)
{
	struct rule_test t;
	(void)state;

	rule_test_init(&t, PROFILE);
	t.ctx.mode = PAL_MODE_AUDIT;
	rule_test_expect_str(&t, &pal_rule_sysctls,
	                     "{\"linux\": {\"sysctl\": {\"kernel.core_pattern\": \"|x\"}}}",
	                     "{\"linux\": {\"sysctl\": {}}}");
	assert_non_null(rule_test_finding(&t, "linux.sysctl", false));
	assert_null(rule_test_finding(&t, "linux.sysctl", true));
	rule_test_fini(&t);
}

static void malformed(void **state)
{
	struct rule_test t;
	(void)state;

	rule_test_init(&t, PROFILE);
	rule_test_error_str(&t, &pal_rule_sysctls, "{\"linux\": 1}",
	                    "config.json: linux: must be an object");
	rule_test_error_str(&t, &pal_rule_sysctls, "{\"linux\": {\"sysctl\": [\"a=b\"]}}",
	                    "config.json: linux.sysctl: must be an object");
	rule_test_error_str(
	    &t, &pal_rule_sysctls,
	    "{\"linux\": {\"sysctl\": {\"net.ipv4.conf.all.rp_filter\": 1}}}",
	    "config.json: linux.sysctl.net.ipv4.conf.all.rp_filter: must be a string");
	rule_test_fini(&t);

	rule_test_init(&t, "{\"sysctls\": {\"allow\": \"kernel.shm_rmid_forced\"}}");
	rule_test_error_str(&t, &pal_rule_sysctls, "{}",
	                    "profile \"test\": sysctls.allow: must be an array of strings");
	rule_test_fini(&t);

	rule_test_init(&t, "{\"sysctls\": {\"allowPrefixes\": [\"\"]}}");
	rule_test_error_str(&t, &pal_rule_sysctls, "{\"linux\": {\"sysctl\": {\"a.b\": \"1\"}}}",
	                    "profile \"test\": sysctls.allowPrefixes: \"\" is not a sysctl name "
	                    "prefix");
	rule_test_fini(&t);

	rule_test_init(&t, "{\"sysctls\": {\"allow\": [\"net..ipv4\"]}}");
	rule_test_error_str(&t, &pal_rule_sysctls, "{\"linux\": {\"sysctl\": {\"a.b\": \"1\"}}}",
	                    "profile \"test\": sysctls.allow: \"net..ipv4\" is not a sysctl name");
	rule_test_fini(&t);

	rule_test_init(&t, "{\"sysctls\": [\"net.\"]}");
	rule_test_error_str(&t, &pal_rule_sysctls, "{}",
	                    "profile \"test\": sysctls: must be an object");
	rule_test_fini(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(filtered),
	    cmocka_unit_test(separators_equivalent),
	    cmocka_unit_test(empty_section_removes_all),
	    cmocka_unit_test(fixtures_unchanged),
	    cmocka_unit_test(podman_with_sysctls),
	    cmocka_unit_test(absent_changes_nothing),
	    cmocka_unit_test(audit_same_change),
	    cmocka_unit_test(malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
