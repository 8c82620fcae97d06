/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "rule_test.h"

#define SELF "/opt/palisade/sbin/palisade"
#define PROFILE_ON "{\"bpf\": {\"lsm\": \"optional\", \"mount\": \"deny\"}}"

#define HOOK(kind)                                                                            \
	"{\"path\": \"" SELF "\", \"args\": [\"palisade\", \"hook\", \"" kind "\", \"--root\", " \
	"\"/run/x\"], \"timeout\": 30}"

static void expect(struct rule_test *t, yajl_val spec, const char *want_json)
{
	yajl_val want = rule_test_parse(want_json);

	rule_test_expect(t, &pal_rule_bpf, spec, want);
	yajl_tree_free(want);
}

static void init(struct rule_test *t, const char *profile)
{
	rule_test_init(t, profile);
	t->ctx.self_exe = SELF;
	t->ctx.state_root = "/run/x";
	unsetenv("PALISADE_CONFIG");
}

/* A policy that turns something on: our two hooks, first of their kinds,
 * the bundle's own after them; a second apply changes nothing. */
static void adds_hooks_first(void **state)
{
	struct rule_test t;
	yajl_val spec = rule_test_parse("{\"hooks\": {\"createRuntime\": [{\"path\": \"/bin/a\"}],"
					" \"poststop\": [{\"path\": \"/bin/b\"}]}}");
	(void)state;

	init(&t, PROFILE_ON);
	expect(&t, spec,
			     "{\"hooks\": {\"createRuntime\": [" HOOK("create-runtime")
			     ", {\"path\": \"/bin/a\"}], \"poststop\": [" HOOK("poststop")
			     ", {\"path\": \"/bin/b\"}]}}");
	yajl_tree_free(spec);
	rule_test_fini(&t);
}

/* runc gives a hook exactly the spec's env: a test's PALISADE_CONFIG must
 * reach it. */
static void passes_config(void **state)
{
	struct rule_test t;
	yajl_val spec = rule_test_parse("{}");
	yajl_val env;
	(void)state;

	init(&t, PROFILE_ON);
	setenv("PALISADE_CONFIG", "/tmp/t/palisade.json", 1);
	assert_int_equal(rule_test_apply(&t, &pal_rule_bpf, spec), 0);
	unsetenv("PALISADE_CONFIG");
	env = pal_json_getp(spec, "hooks", "createRuntime", NULL);
	assert_true(YAJL_IS_ARRAY(env) && env->u.array.len == 1);
	env = pal_json_get(env->u.array.values[0], "env");
	{
		yajl_val want = rule_test_parse_value("[\"PALISADE_CONFIG=/tmp/t/palisade.json\"]");
		rule_test_assert_json(env, want);
		yajl_tree_free(want);
	}
	yajl_tree_free(spec);
	rule_test_fini(&t);
}

/* Hooks that look like ours, wherever they are, go; the real ones are
 * written fresh. */
static void replaces_planted(void **state)
{
	struct rule_test t;
	yajl_val spec = rule_test_parse(
	    "{\"hooks\": {\"prestart\": [{\"path\": \"" SELF "\", \"args\": [\"palisade\", "
	    "\"hook\", \"create-runtime\", \"--root\", \"/evil\"]}], \"createRuntime\": "
	    "[{\"path\": \"" SELF "\", \"args\": [\"x\", \"hook\"]}]}}");
	(void)state;

	init(&t, PROFILE_ON);
	expect(&t, spec,
			     "{\"hooks\": {\"createRuntime\": [" HOOK("create-runtime")
			     "], \"poststop\": [" HOOK("poststop") "]}}");
	yajl_tree_free(spec);
	rule_test_fini(&t);
}

/* No bpf section (or everything off): no hooks, and ours from an earlier
 * rewrite are removed; the bundle's own stay. */
static void nothing_on(void **state)
{
	static const char *const profiles[] = {
	    "{}",
	    "{\"bpf\": {\"mount\": \"off\", \"drift\": \"off\"}}",
	};
	(void)state;

	for (size_t i = 0; i < sizeof(profiles) / sizeof(profiles[0]); i++) {
		struct rule_test t;
		yajl_val spec = rule_test_parse("{\"hooks\": {\"createRuntime\": [" HOOK(
		    "create-runtime") ", {\"path\": \"/bin/a\"}], \"poststop\": [" HOOK("poststop") "]}}");
		yajl_val plain = rule_test_parse("{\"process\": {}}");

		init(&t, profiles[i]);
		expect(&t, spec,
				     "{\"hooks\": {\"createRuntime\": [{\"path\": \"/bin/a\"}]}}");
		rule_test_unchanged(&t, &pal_rule_bpf, plain);
		yajl_tree_free(spec);
		yajl_tree_free(plain);
		rule_test_fini(&t);
	}
}

/* The hooks rule lets exactly our hooks through an empty allow-list, so
 * that a rewritten bundle rewrites to itself under "restricted". */
static void hooks_rule_exempts_ours(void **state)
{
	struct rule_test t;
	yajl_val spec = rule_test_parse("{}");
	yajl_val other = rule_test_parse("{\"hooks\": {\"poststop\": [{\"path\": \"" SELF
					 "\", \"args\": [\"palisade\", \"other\"]}]}}");
	(void)state;

	init(&t, "{\"hooks\": {\"allow\": []}, \"bpf\": {\"lsm\": \"optional\", \"bpf\": \"deny\"}}");
	assert_int_equal(rule_test_apply(&t, &pal_rule_bpf, spec), 0);
	rule_test_unchanged(&t, &pal_rule_hooks, spec);
	/* the same path with other arguments is no hook of ours */
	rule_test_refuses(&t, &pal_rule_hooks, other, "hooks.poststop[0].path", "is not in hooks.allow");
	yajl_tree_free(spec);
	yajl_tree_free(other);
	rule_test_fini(&t);
}

/* restore: the process resumes without an exec, so nothing is exempt */
static void restore_not_pending(void **state)
{
	struct rule_test t;
	yajl_val spec = rule_test_parse("{}");
	(void)state;

	init(&t, PROFILE_ON);
	t.ctx.cmd = PAL_CMD_RESTORE;
	expect(&t, spec,
	       "{\"hooks\": {\"createRuntime\": [{\"path\": \"" SELF "\", \"args\": [\"palisade\", "
	       "\"hook\", \"create-runtime\", \"--root\", \"/run/x\", \"--restore\"], \"timeout\": "
	       "30}], \"poststop\": [" HOOK("poststop") "]}}");
	yajl_tree_free(spec);
	rule_test_fini(&t);
}

static void bad_shapes(void **state)
{
	struct rule_test t;
	yajl_val a = rule_test_parse("{\"hooks\": []}");
	yajl_val b = rule_test_parse("{\"hooks\": {\"createRuntime\": {}}}");
	(void)state;

	init(&t, PROFILE_ON);
	assert_int_equal(rule_test_apply(&t, &pal_rule_bpf, a), -1);
	assert_string_equal(t.err.msg, "config.json: hooks: must be an object: Invalid argument");
	assert_int_equal(rule_test_apply(&t, &pal_rule_bpf, b), -1);
	assert_string_equal(t.err.msg,
			    "config.json: hooks.createRuntime: must be an array: Invalid argument");
	yajl_tree_free(a);
	yajl_tree_free(b);
	rule_test_fini(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(adds_hooks_first),   cmocka_unit_test(passes_config),
	    cmocka_unit_test(replaces_planted),   cmocka_unit_test(nothing_on),
	    cmocka_unit_test(hooks_rule_exempts_ours), cmocka_unit_test(restore_not_pending),
	    cmocka_unit_test(bad_shapes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
