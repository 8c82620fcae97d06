/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "rule_test.h"

static const char *profile = "{\"capabilities\": {\"allow\": [\"CAP_CHOWN\", \"CAP_KILL\","
                             " \"CAP_NET_BIND_SERVICE\", \"CAP_SETUID\", \"CAP_SETGID\"]}}";

static void absent_section(void **state)
{
	struct rule_test t;
	yajl_val spec = rule_test_fixture("spec-containerd.json");
	(void)state;

	rule_test_init(&t, "{\"noNewPrivileges\": true}");
	rule_test_unchanged(&t, &pal_rule_capabilities, spec);
	rule_test_fini(&t);
	/* a section without "allow" constrains nothing */
	rule_test_init(&t, "{\"capabilities\": {}}");
	rule_test_unchanged(&t, &pal_rule_capabilities, spec);
	rule_test_fini(&t);
	yajl_tree_free(spec);
}

static void runc_fixture(void **state)
{
	struct rule_test t;
	yajl_val spec = rule_test_fixture("spec-runc.json");
	/* ambient: `runc spec` lists it without inheritable, which the kernel
	 * requires of every ambient capability */
	yajl_val want = rule_test_with(spec, "process.capabilities",
	                               "{\"bounding\": [\"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"],"
	                               " \"effective\": [\"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"],"
	                               " \"permitted\": [\"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"],"
	                               " \"ambient\": []}");
	static const char *const notes[][2] = {
	    {"process.capabilities.bounding",
	     "removed CAP_AUDIT_WRITE: not allowed by the profile"},
	    {"process.capabilities.effective",
	     "removed CAP_AUDIT_WRITE: not allowed by the profile"},
	    {"process.capabilities.permitted",
	     "removed CAP_AUDIT_WRITE: not allowed by the profile"},
	    {"process.capabilities.ambient", "removed CAP_AUDIT_WRITE: not allowed by the profile"},
	    {"process.capabilities.ambient",
	     "removed CAP_KILL: an ambient capability must also be permitted and inheritable"},
	    {"process.capabilities.ambient", "removed CAP_NET_BIND_SERVICE: an ambient capability "
	                                     "must also be permitted and inheritable"},
	};
	(void)state;

	rule_test_init(&t, profile);
	rule_test_expect(&t, &pal_rule_capabilities, spec, want);
	assert_int_equal(t.report.n, 6);
	for (size_t i = 0; i < 6; i++) {
		assert_string_equal(t.report.items[i].rule, "capabilities");
		assert_string_equal(t.report.items[i].field, notes[i][0]);
		assert_string_equal(t.report.items[i].msg, notes[i][1]);
		assert_false(t.report.items[i].refused);
	}
	yajl_tree_free(spec);
	yajl_tree_free(want);
	rule_test_fini(&t);
}

static void podman_fixture(void **state)
{
	struct rule_test t;
	yajl_val spec = rule_test_fixture("spec-podman.json");
	(void)state;

	/* everything it has is allowed: nothing changes, nothing noted */
	rule_test_init(&t, profile);
	rule_test_unchanged(&t, &pal_rule_capabilities, spec);
	yajl_tree_free(spec);
	rule_test_fini(&t);
}

static void containerd_fixture(void **state)
{
	struct rule_test t;
	yajl_val spec = rule_test_fixture("spec-containerd.json");
#define KEPT                                                                                       \
	"[\"CAP_CHOWN\", \"CAP_KILL\", \"CAP_SETGID\", \"CAP_SETUID\", \"CAP_NET_BIND_SERVICE\"]"
	/* containerd's default 13, in its order, cut to the allowed five */
	yajl_val want = rule_test_with(spec, "process.capabilities",
	                               "{\"bounding\": " KEPT ", \"effective\": " KEPT
	                               ", \"permitted\": " KEPT "}");
#undef KEPT
	(void)state;

	rule_test_init(&t, profile);
	rule_test_expect(&t, &pal_rule_capabilities, spec, want);
	assert_int_equal(t.report.n, 3 * 8);
	yajl_tree_free(spec);
	yajl_tree_free(want);
	rule_test_fini(&t);
}

static void ambient(void **state)
{
	struct rule_test t;
	(void)state;

	rule_test_init(&t, profile);
	/* CHOWN is permitted but not inheritable; KILL is both */
	rule_test_expect_str(&t, &pal_rule_capabilities,
	                     "{\"process\": {\"capabilities\": {\"bounding\": [\"CAP_KILL\"],"
	                     " \"permitted\": [\"CAP_KILL\", \"CAP_CHOWN\"],"
	                     " \"inheritable\": [\"CAP_KILL\"],"
	                     " \"ambient\": [\"CAP_CHOWN\", \"CAP_KILL\"]}}}",
	                     "{\"process\": {\"capabilities\": {\"bounding\": [\"CAP_KILL\"],"
	                     " \"permitted\": [\"CAP_KILL\", \"CAP_CHOWN\"],"
	                     " \"inheritable\": [\"CAP_KILL\"],"
	                     " \"ambient\": [\"CAP_KILL\"]}}}");
	/* the intersection with allow comes first: an ambient capability whose
	 * inheritable entry was cut goes too */
	rule_test_expect_str(&t, &pal_rule_capabilities,
	                     "{\"process\": {\"capabilities\": {"
	                     " \"permitted\": [\"CAP_SYS_ADMIN\", \"CAP_KILL\"],"
	                     " \"inheritable\": [\"CAP_SYS_ADMIN\", \"CAP_KILL\"],"
	                     " \"ambient\": [\"CAP_SYS_ADMIN\", \"CAP_KILL\"]}}}",
	                     "{\"process\": {\"capabilities\": {"
	                     " \"permitted\": [\"CAP_KILL\"],"
	                     " \"inheritable\": [\"CAP_KILL\"],"
	                     " \"ambient\": [\"CAP_KILL\"]}}}");
	rule_test_fini(&t);
}

static void names(void **state)
{
	struct rule_test t;
	(void)state;

	rule_test_init(&t, profile);
	/* lower case names the allowed capability: kept as written; numbers,
	 * unknown names and names with blanks are no names a runtime reads */
	rule_test_expect_str(&t, &pal_rule_capabilities,
	                     "{\"process\": {\"capabilities\": {\"bounding\": [\"cap_chown\","
	                     " \"CAP_FOO\", \"21\", \"CAP_KILL \", \"\", \"CAP_KILL\"]}}}",
	                     "{\"process\": {\"capabilities\": {\"bounding\": [\"cap_chown\","
	                     " \"CAP_KILL\"]}}}");
	assert_int_equal(t.report.n, 4);
	assert_string_equal(t.report.items[0].msg, "removed \"CAP_FOO\": not a capability name");
	assert_string_equal(t.report.items[1].msg, "removed \"21\": not a capability name");
	assert_string_equal(t.report.items[2].msg, "removed \"CAP_KILL \": not a capability name");
	assert_string_equal(t.report.items[3].msg, "removed \"\": not a capability name");
	/* lower case not allowed is removed like any other */
	rule_test_expect_str(
	    &t, &pal_rule_capabilities,
	    "{\"process\": {\"capabilities\": {\"effective\": [\"cap_sys_admin\"]}}}",
	    "{\"process\": {\"capabilities\": {\"effective\": []}}}");
	rule_test_fini(&t);
}

static void sets_absent_or_empty(void **state)
{
	struct rule_test t;
	(void)state;

	rule_test_init(&t, "{\"capabilities\": {\"allow\": []}}");
	/* allow [] empties every present set; absent and null ones stay */
	rule_test_expect_str(&t, &pal_rule_capabilities,
	                     "{\"process\": {\"capabilities\": {\"bounding\": [\"CAP_KILL\"],"
	                     " \"effective\": null, \"ambient\": [\"CAP_KILL\"]}}}",
	                     "{\"process\": {\"capabilities\": {\"bounding\": [],"
	                     " \"effective\": null, \"ambient\": []}}}");
	rule_test_fini(&t);

	/* no capabilities object: all or none depending on runc's version;
	 * written out as none, which is right under both readings */
	rule_test_init(&t, profile);
#define NONE                                                                                       \
	"{\"bounding\": [], \"effective\": [], \"permitted\": [], \"inheritable\": [],"            \
	" \"ambient\": []}"
	rule_test_expect_str(&t, &pal_rule_capabilities, "{\"process\": {\"args\": [\"sh\"]}}",
	                     "{\"process\": {\"args\": [\"sh\"], \"capabilities\": " NONE "}}");
	assert_int_equal(t.report.n, 1);
	assert_string_equal(t.report.items[0].field, "process.capabilities");
	assert_string_equal(t.report.items[0].msg,
	                    "absent (all or none, depending on the runtime version): set to none");
	rule_test_expect_str(&t, &pal_rule_capabilities,
	                     "{\"process\": {\"capabilities\": null, \"cwd\": \"/\"}}",
	                     "{\"process\": {\"capabilities\": " NONE ", \"cwd\": \"/\"}}");
	rule_test_expect_str(&t, &pal_rule_capabilities, "{}",
	                     "{\"process\": {\"capabilities\": " NONE "}}");
#undef NONE
	rule_test_fini(&t);
}

static void audit_mode(void **state)
{
	struct rule_test t;
	(void)state;

	rule_test_init(&t, profile);
	t.ctx.mode = PAL_MODE_AUDIT;
	rule_test_expect_str(
	    &t, &pal_rule_capabilities,
	    "{\"process\": {\"capabilities\": {\"bounding\": [\"CAP_SYS_ADMIN\"]}}}",
	    "{\"process\": {\"capabilities\": {\"bounding\": []}}}");
	assert_non_null(rule_test_finding(&t, "process.capabilities.bounding", false));
	assert_null(rule_test_finding(&t, "process.capabilities.bounding", true));
	rule_test_fini(&t);
}

static void malformed(void **state)
{
	struct rule_test t;
	yajl_val spec;
	(void)state;

	rule_test_init(&t, profile);
	rule_test_error_str(&t, &pal_rule_capabilities, "{\"process\": {\"capabilities\": []}}",
	                    "config.json: process.capabilities: must be an object");
	rule_test_error_str(&t, &pal_rule_capabilities, "{\"process\": []}",
	                    "config.json: process: must be an object");
	rule_test_error_str(
	    &t, &pal_rule_capabilities,
	    "{\"process\": {\"capabilities\": {\"bounding\": \"CAP_KILL\"}}}",
	    "config.json: process.capabilities.bounding: must be an array of strings");
	/* checked before anything changes: bounding is left as it was */
	spec =
	    rule_test_parse("{\"process\": {\"capabilities\": {\"bounding\": [\"CAP_SYS_ADMIN\"],"
	                    " \"ambient\": [\"CAP_KILL\", 7]}}}");
	rule_test_error(&t, &pal_rule_capabilities, spec,
	                "config.json: process.capabilities.ambient[1]: must be a string");
	rule_test_assert_json_str(spec, "{\"process\": {\"capabilities\": {\"bounding\": "
	                                "[\"CAP_SYS_ADMIN\"], \"ambient\": [\"CAP_KILL\", 7]}}}");
	yajl_tree_free(spec);
	rule_test_fini(&t);

	rule_test_init(&t, "{\"capabilities\": {\"allow\": \"CAP_KILL\"}}");
	rule_test_error_str(&t, &pal_rule_capabilities, "{}",
	                    "profile \"test\": capabilities.allow: must be an array");
	rule_test_fini(&t);
	rule_test_init(&t, "{\"capabilities\": {\"allow\": [\"CAP_KILL\", \"KILL\"]}}");
	rule_test_error_str(&t, &pal_rule_capabilities, "{}",
	                    "profile \"test\": capabilities.allow[1]: not a capability name");
	rule_test_fini(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(absent_section),
	    cmocka_unit_test(runc_fixture),
	    cmocka_unit_test(podman_fixture),
	    cmocka_unit_test(containerd_fixture),
	    cmocka_unit_test(ambient),
	    cmocka_unit_test(names),
	    cmocka_unit_test(sets_absent_or_empty),
	    cmocka_unit_test(audit_mode),
	    cmocka_unit_test(malformed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
