/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "pal_test.h"

#include <errno.h>

#include "palisade/conf.h"

static char *dir;

static int setup(void **state)
{
	(void)state;
	dir = pal_test_tmpdir();
	return dir ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	pal_test_rmtree(dir);
	free(dir);
	unsetenv(PAL_CONF_ENV);
	return 0;
}

static int load_text(const char *text, struct pal_conf *conf, pal_error *err)
{
	char *path;
	int r;
	assert_int_equal(pal_test_write(dir, "palisade.conf", text, strlen(text)), 0);
	assert_true(asprintf(&path, "%s/palisade.conf", dir) > 0);
	setenv(PAL_CONF_ENV, path, 1);
	r = pal_conf_load(conf, err);
	free(path);
	return r;
}

static void values(void **state)
{
	struct pal_conf conf;
	pal_error err = {0};
	(void)state;
	assert_int_equal(load_text("// comments are allowed\n{\"runtime\": \"/usr/bin/crun\",\n"
	                           " /* here too */ \"state_dir\": \"/tmp/s\"}",
	                           &conf, &err),
	                 0);
	assert_string_equal(conf.runtime, "/usr/bin/crun");
	assert_string_equal(conf.state_dir, "/tmp/s");
	assert_non_null(conf.path);
	pal_conf_free(&conf);
}

static void defaults(void **state)
{
	struct pal_conf conf;
	pal_error err = {0};
	(void)state;
	assert_int_equal(load_text("{}", &conf, &err), 0);
	assert_string_equal(conf.runtime, PAL_DEFAULT_RUNTIME);
	assert_string_equal(conf.state_dir, PAL_DEFAULT_STATE_DIR);
	assert_int_equal(conf.n_profile_dirs, 2);
	assert_string_equal(conf.profile_dirs[0], "/etc/palisade/profiles");
	assert_string_equal(conf.profile_dirs[1], PAL_DATADIR "/profiles");
	assert_string_equal(conf.default_profile, "default");
	assert_int_equal(conf.n_rules, 0);
	assert_null(conf.rules);
	pal_conf_free(&conf);
	assert_null(conf.profile_dirs);
}

static void profiles_and_selection(void **state)
{
	struct pal_conf conf;
	pal_error err = {0};
	(void)state;
	assert_int_equal(
	    load_text("{\"profile_dirs\": [\"/srv/profiles\"],\n"
	              " \"default_profile\": \"baseline\",\n"
	              " \"selection\": [\n"
	              "  // production namespaces are enforced\n"
	              "  {\"match\": {\"namespace\": \"prod\"}, \"profile\": \"restricted\","
	              " \"mode\": \"enforce\"},\n"
	              "  {\"match\": {\"image_prefix\": \"registry.example.com/\","
	              " \"annotation\": {\"team\": \"blue\", \"tier\": \"web\"}},"
	              " \"profile\": \"team-blue\"},\n"
	              "  {\"profile\": \"audit\", \"mode\": \"audit\","
	              " \"match\": {\"image_not_prefix\": \"registry.example.com/\"}}\n"
	              " ]}",
	              &conf, &err),
	    0);
	assert_int_equal(conf.n_profile_dirs, 1);
	assert_string_equal(conf.profile_dirs[0], "/srv/profiles");
	assert_string_equal(conf.default_profile, "baseline");
	assert_int_equal(conf.n_rules, 3);

	assert_string_equal(conf.rules[0].kube_namespace, "prod");
	assert_null(conf.rules[0].image_prefix);
	assert_null(conf.rules[0].image_not_prefix);
	assert_int_equal(conf.rules[0].n_ann, 0);
	assert_string_equal(conf.rules[0].profile, "restricted");
	assert_string_equal(conf.rules[0].mode, "enforce");

	assert_null(conf.rules[1].kube_namespace);
	assert_string_equal(conf.rules[1].image_prefix, "registry.example.com/");
	assert_int_equal(conf.rules[1].n_ann, 2);
	assert_string_equal(conf.rules[1].ann_keys[0], "team");
	assert_string_equal(conf.rules[1].ann_values[0], "blue");
	assert_string_equal(conf.rules[1].ann_keys[1], "tier");
	assert_string_equal(conf.rules[1].ann_values[1], "web");
	assert_string_equal(conf.rules[1].profile, "team-blue");
	assert_null(conf.rules[1].mode);

	assert_string_equal(conf.rules[2].image_not_prefix, "registry.example.com/");
	assert_string_equal(conf.rules[2].profile, "audit");
	assert_string_equal(conf.rules[2].mode, "audit");
	pal_conf_free(&conf);

	/* an empty selection is allowed: nothing but default_profile */
	assert_int_equal(load_text("{\"selection\": []}", &conf, &err), 0);
	assert_int_equal(conf.n_rules, 0);
	pal_conf_free(&conf);
}

static void expect_conf_error(const char *text, const char *msg)
{
	struct pal_conf conf;
	pal_error err = {0};
	char *want;

	assert_true(asprintf(&want, "%s/palisade.conf%s", dir, msg) > 0);
	if (load_text(text, &conf, &err) != -1)
		fail_msg("accepted: %s", text);
	if (strcmp(err.msg, want) != 0)
		fail_msg("for %s\n  got:    %s\n  wanted: %s", text, err.msg, want);
	free(want);
	pal_conf_free(&conf);
}

static void selection_errors(void **state)
{
	(void)state;
	expect_conf_error("{\"profile_dirs\": \"/etc/palisade/profiles\"}",
	                  ":1:2: value of profile_dirs must be an array of directories");
	expect_conf_error("{\"profile_dirs\": []}",
	                  ":1:2: profile_dirs must name at least one directory");
	expect_conf_error("{\"profile_dirs\": [\"/etc/palisade/profiles\", \"profiles\"]}",
	                  ":1:45: profile_dirs[1] must be an absolute, normalised path");
	expect_conf_error("{\"profile_dirs\": [\"/etc/palisade//profiles\"]}",
	                  ":1:19: profile_dirs[0] must be an absolute, normalised path");
	expect_conf_error("{\"profile_dirs\": [7]}",
	                  ":1:19: profile_dirs[0] must be an absolute, normalised path");
	expect_conf_error("{\"default_profile\": \"../x\"}",
	                  ":1:2: value of default_profile: \"../x\" is not a valid profile name");
	expect_conf_error("{\"default_profile\": null}",
	                  ":1:2: value of default_profile must be a string");
	expect_conf_error("{\"selection\": {}}",
	                  ":1:2: value of selection must be an array of rules");
	expect_conf_error("{\"selection\": [\n  \"restricted\"]}",
	                  ":2:3: selection[0] must be an object");
	expect_conf_error("{\"selection\": [\n  {\"profile\": \"restricted\"}]}",
	                  ":2:3: selection[0] needs \"match\" and \"profile\"");
	expect_conf_error("{\"selection\": [\n  {\"match\": {\"namespace\": \"a\"}}]}",
	                  ":2:3: selection[0] needs \"match\" and \"profile\"");
	expect_conf_error("{\"selection\": [{\"match\": {\"namespace\": \"a\"},\n"
	                  "  \"profile\": \"x/y\"}]}",
	                  ":2:3: profile: \"x/y\" is not a valid profile name");
	expect_conf_error("{\"selection\": [{\"match\": {\"namespace\": \"a\"},\n"
	                  "  \"profile\": \"p\", \"mode\": \"strict\"}]}",
	                  ":2:19: selection[0].mode must be \"enforce\" or \"audit\"");
	expect_conf_error("{\"selection\": [{\"match\": {\"namespace\": \"a\"},\n"
	                  "  \"profile\": \"p\", \"priority\": 1}]}",
	                  ":2:19: unknown key priority in selection[0]");
	expect_conf_error("{\"selection\": [{\"profile\": \"p\",\n"
	                  "  \"match\": {\"namespace\": \"a\", \"image\": \"b\"}}]}",
	                  ":2:31: unknown key image in selection[0].match");
	expect_conf_error("{\"selection\": [{\"profile\": \"p\",\n"
	                  "  \"match\": {}}]}",
	                  ":2:3: selection[0].match must name at least one condition (use "
	                  "default_profile for a catch-all)");
	expect_conf_error("{\"selection\": [{\"profile\": \"p\",\n"
	                  "  \"match\": [\"prod\"]}]}",
	                  ":2:3: selection[0].match must be an object");
	expect_conf_error("{\"selection\": [{\"profile\": \"p\",\n"
	                  "  \"match\": {\"image_prefix\": \"\"}}]}",
	                  ":2:13: selection[0].match.image_prefix must be a non-empty string");
	expect_conf_error("{\"selection\": [{\"profile\": \"p\",\n"
	                  "  \"match\": {\"namespace\": [\"a\"]}}]}",
	                  ":2:13: selection[0].match.namespace must be a non-empty string");
	expect_conf_error("{\"selection\": [{\"profile\": \"p\",\n"
	                  "  \"match\": {\"annotation\": {}}}]}",
	                  ":2:13: selection[0].match.annotation must be a non-empty object of "
	                  "strings");
	expect_conf_error("{\"selection\": [{\"profile\": \"p\",\n"
	                  "  \"match\": {\"annotation\": {\"a\": \"1\",\n"
	                  "   \"b\": 2}}}]}",
	                  ":3:4: selection[0].match.annotation: value must be a string");
	/* the second rule: positions and indexes are its own */
	expect_conf_error(
	    "{\"selection\": [{\"profile\": \"p\", \"match\": {\"namespace\": \"a\"}},\n"
	    "  {\"profile\": \"q\", \"match\": {\"namespace\": \"\"}}]}",
	    ":2:30: selection[1].match.namespace must be a non-empty string");
}

static void errors(void **state)
{
	struct pal_conf conf;
	pal_error err = {0};
	(void)state;

	assert_int_equal(
	    load_text("{\n  \"runtime\": \"/usr/sbin/runc\",\n  \"runtme\": \"x\"\n}", &conf, &err),
	    -1);
	assert_non_null(strstr(err.msg, "palisade.conf:3:3: unknown key runtme"));
	pal_conf_free(&conf);

	assert_int_equal(load_text("{\"runtime\": \"runc\"}", &conf, &err), -1);
	assert_non_null(strstr(err.msg, "absolute path"));
	assert_non_null(strstr(err.msg, ":1:2:"));
	pal_conf_free(&conf);

	assert_int_equal(load_text("{\"runtime\": 5}", &conf, &err), -1);
	assert_non_null(strstr(err.msg, "must be a string"));
	pal_conf_free(&conf);

	assert_int_equal(load_text("{\"runtime\": \"/a\",, }", &conf, &err), -1);
	assert_non_null(strstr(err.msg, "palisade.conf:1:"));
	pal_conf_free(&conf);

	/* a file named by the environment must exist */
	setenv(PAL_CONF_ENV, "/nonexistent/palisade.conf", 1);
	assert_int_equal(pal_conf_load(&conf, &err), -1);
	assert_int_equal(err.errnum, ENOENT);
	assert_non_null(strstr(err.msg, "/nonexistent/palisade.conf"));
	pal_conf_free(&conf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(values),
	    cmocka_unit_test(defaults),
	    cmocka_unit_test(profiles_and_selection),
	    cmocka_unit_test(errors),
	    cmocka_unit_test(selection_errors),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
