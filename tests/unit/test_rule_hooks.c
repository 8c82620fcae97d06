/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "rule_test.h"

#define SYSTEMD_HOOK "/usr/libexec/oci/hooks.d/oci-systemd-hook"
#define NVIDIA_HOOK  "/usr/bin/nvidia-container-runtime-hook"
#define CONMON       "/usr/libexec/podman/conmon"

static void podman_all_allowed(void **state)
{
	struct rule_test t;
	yajl_val spec = rule_test_fixture("spec-podman.json");
	(void)state;

	rule_test_init(&t, "{\"hooks\": {\"allow\": [\"" CONMON "\", \"" NVIDIA_HOOK
	                   "\", \"" SYSTEMD_HOOK "\"]}}");
	rule_test_unchanged(&t, &pal_rule_hooks, spec);
	yajl_tree_free(spec);
	rule_test_fini(&t);
}

static void podman_one_not_allowed(void **state)
{
	struct rule_test t;
	yajl_val spec = rule_test_fixture("spec-podman.json");
	yajl_val before = pal_json_dup(spec);
	(void)state;

	rule_test_init(&t, "{\"hooks\": {\"allow\": [\"" CONMON "\", \"" SYSTEMD_HOOK "\"]}}");
	rule_test_refuses(&t, &pal_rule_hooks, spec, "hooks.createRuntime[0].path",
	                  "hook " NVIDIA_HOOK " is not in hooks.allow");
	assert_string_equal(
	    t.err.msg, "refused by profile \"test\" (rule hooks): hooks.createRuntime[0].path: "
	               "hook " NVIDIA_HOOK " is not in hooks.allow (a hook runs as root, "
	               "outside the container's restrictions); select a profile that allows it "
	               "with the annotation io.palisade.profile");
	/* audit: the one finding, and the hook kept */
	assert_int_equal(t.report.n, 1);
	rule_test_assert_json(spec, before);
	yajl_tree_free(spec);
	yajl_tree_free(before);
	rule_test_fini(&t);
}

/* "allow": [] and a section without "allow" both refuse every hook; audit
 * mode reports each one and keeps them all. */
static void every_hook_refused(void **state)
{
	static const char *const profiles[] = {
	    "{\"hooks\": {\"allow\": []}}",
	    "{\"hooks\": {}}",
	};
	(void)state;

	for (size_t p = 0; p < sizeof(profiles) / sizeof(profiles[0]); p++) {
		struct rule_test t;
		yajl_val spec = rule_test_fixture("spec-podman.json");
		yajl_val before = pal_json_dup(spec);

		rule_test_init(&t, profiles[p]);
		rule_test_refuses(&t, &pal_rule_hooks, spec, "hooks.prestart[0].path",
		                  SYSTEMD_HOOK);

		pal_report_free(&t.report);
		t.ctx.mode = PAL_MODE_AUDIT;
		assert_int_equal(rule_test_apply(&t, &pal_rule_hooks, spec), 0);
		rule_test_assert_json(spec, before);
		assert_int_equal(t.report.n, 3);
		assert_non_null(rule_test_finding(&t, "hooks.prestart[0].path", true));
		assert_non_null(rule_test_finding(&t, "hooks.createRuntime[0].path", true));
		assert_non_null(rule_test_finding(&t, "hooks.poststop[0].path", true));
		assert_non_null(strstr(t.report.items[2].msg, CONMON));
		yajl_tree_free(spec);
		yajl_tree_free(before);
		rule_test_fini(&t);
	}
}

static void every_kind_checked(void **state)
{
	static const char *const kinds[] = {"prestart",       "createRuntime", "createContainer",
	                                    "startContainer", "poststart",     "poststop",
	                                    "someFutureHook"};
	(void)state;

	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		struct rule_test t;
		char json[512], field[64];
		yajl_val spec;

		snprintf(json, sizeof(json),
		         "{\"hooks\": {\"%s\": [{\"path\": \"/usr/bin/ok\"}, "
		         "{\"path\": \"/usr/bin/bad\", \"args\": [\"bad\"]}]}}",
		         kinds[k]);
		snprintf(field, sizeof(field), "hooks.%s[1].path", kinds[k]);
		spec = rule_test_parse(json);
		rule_test_init(&t, "{\"hooks\": {\"allow\": [\"/usr/bin/ok\"]}}");
		rule_test_refuses(&t, &pal_rule_hooks, spec, field, "/usr/bin/bad");
		yajl_tree_free(spec);
		rule_test_fini(&t);
	}
}

/* Exact strings: a path that walks out of an allowed one is not allowed. */
static void exact_paths(void **state)
{
	struct rule_test t;
	yajl_val spec = rule_test_parse("{\"hooks\": {\"prestart\": [{\"path\": "
	                                "\"/usr/libexec/palisade/hook/../../../../tmp/x\"}]}}");
	(void)state;

	rule_test_init(&t, "{\"hooks\": {\"allow\": [\"/usr/libexec/palisade/hook\"]}}");
	rule_test_refuses(&t, &pal_rule_hooks, spec, "hooks.prestart[0].path", "/tmp/x");
	yajl_tree_free(spec);
	rule_test_fini(&t);
}

/* The path is the bundle author's text: it cannot break the one-line error. */
static void path_escaped(void **state)
{
	struct rule_test t;
	yajl_val spec = rule_test_parse(
	    "{\"hooks\": {\"poststart\": [{\"path\": \"/bin/x\\nrefused by profile\"}]}}");
	(void)state;

	rule_test_init(&t, "{\"hooks\": {\"allow\": []}}");
	rule_test_refuses(&t, &pal_rule_hooks, spec, "hooks.poststart[0].path",
	                  "/bin/x\\x0arefused by profile");
	assert_null(strchr(t.err.msg, '\n'));
	yajl_tree_free(spec);
	rule_test_fini(&t);
}

static void no_hooks_unchanged(void **state)
{
	static const char *const fixtures[] = {"spec-runc.json", "spec-containerd.json"};
	(void)state;

	for (size_t f = 0; f < sizeof(fixtures) / sizeof(fixtures[0]); f++) {
		struct rule_test t;
		yajl_val spec = rule_test_fixture(fixtures[f]);

		rule_test_init(&t, "{\"hooks\": {\"allow\": []}}");
		rule_test_unchanged(&t, &pal_rule_hooks, spec);
		yajl_tree_free(spec);
		rule_test_fini(&t);
	}
	{
		struct rule_test t;

		rule_test_init(&t, "{\"hooks\": {\"allow\": []}}");
		rule_test_expect_str(&t, &pal_rule_hooks, "{\"hooks\": {\"prestart\": []}}",
		                     "{\"hooks\": {\"prestart\": []}}");
		rule_test_fini(&t);
	}
}

static void absent_changes_nothing(void **state)
{
	struct rule_test t;
	yajl_val spec = rule_test_fixture("spec-podman.json");
	(void)state;

	rule_test_init(&t, "{\"sysctls\": {}}");
	rule_test_unchanged(&t, &pal_rule_hooks, spec);
	yajl_tree_free(spec);
	rule_test_fini(&t);
}

static void malformed(void **state)
{
	struct rule_test t;
	(void)state;

	rule_test_init(&t, "{\"hooks\": {\"allow\": [\"/usr/bin/ok\"]}}");
	rule_test_error_str(&t, &pal_rule_hooks, "{\"hooks\": []}",
	                    "config.json: hooks: must be an object");
	rule_test_error_str(&t, &pal_rule_hooks, "{\"hooks\": {\"prestart\": {\"path\": \"/x\"}}}",
	                    "config.json: hooks.prestart: must be an array");
	rule_test_error_str(&t, &pal_rule_hooks, "{\"hooks\": {\"poststop\": [\"/usr/bin/ok\"]}}",
	                    "config.json: hooks.poststop[0]: must be an object");
	rule_test_error_str(&t, &pal_rule_hooks,
	                    "{\"hooks\": {\"createRuntime\": [{\"path\": \"/usr/bin/ok\"}, "
	                    "{\"args\": [\"x\"]}]}}",
	                    "config.json: hooks.createRuntime[1].path: must be a string");
	rule_test_error_str(&t, &pal_rule_hooks,
	                    "{\"hooks\": {\"createRuntime\": [{\"path\": 7}]}}",
	                    "config.json: hooks.createRuntime[0].path: must be a string");
	rule_test_fini(&t);

	rule_test_init(&t, "{\"hooks\": {\"allow\": \"/usr/bin/ok\"}}");
	rule_test_error_str(&t, &pal_rule_hooks, "{}",
	                    "profile \"test\": hooks.allow: must be an array of strings");
	rule_test_fini(&t);

	rule_test_init(&t, "{\"hooks\": [\"/usr/bin/ok\"]}");
	rule_test_error_str(&t, &pal_rule_hooks, "{}",
	                    "profile \"test\": hooks: must be an object");
	rule_test_fini(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(podman_all_allowed), cmocka_unit_test(podman_one_not_allowed),
	    cmocka_unit_test(every_hook_refused), cmocka_unit_test(every_kind_checked),
	    cmocka_unit_test(exact_paths),        cmocka_unit_test(path_escaped),
	    cmocka_unit_test(no_hooks_unchanged), cmocka_unit_test(absent_changes_nothing),
	    cmocka_unit_test(malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
