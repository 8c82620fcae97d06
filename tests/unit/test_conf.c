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
	pal_conf_free(&conf);
}

static void errors(void **state)
{
	struct pal_conf conf;
	pal_error err = {0};
	(void)state;

	assert_int_equal(load_text("{\n  \"runtime\": \"/usr/sbin/runc\",\n  \"runtme\": \"x\"\n}",
				   &conf, &err),
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
		cmocka_unit_test(errors),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
