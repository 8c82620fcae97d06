/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "pal_test.h"

#include <errno.h>
#include <sys/time.h>

#include "palisade/json.h"
#include "palisade/state.h"
#include "palisade/util.h"

static char *root_of(const char *arg)
{
	static struct pal_cli cli;
	pal_error err = {0};
	char *argv[] = {"palisade", "--root", (char *)arg, "list", NULL};
	char *root = NULL;
	assert_int_equal(pal_cli_parse(4, argv, &cli, &err), 0);
	assert_int_equal(pal_state_root(&cli, &root, &err), 0);
	return root;
}

static void root_cleaned(void **state)
{
	char *r;
	(void)state;
	r = root_of("/run//containerd/./runc/k8s.io/");
	assert_string_equal(r, "/run/containerd/runc/k8s.io");
	free(r);
	r = root_of("/a/b/../../..");
	assert_string_equal(r, "/");
	free(r);
	r = root_of("/a/b/../c");
	assert_string_equal(r, "/a/c");
	free(r);
	/* relative to the working directory, as runc's filepath.Abs */
	char cwd[4096], *want;
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_true(asprintf(&want, "%s/x", strcmp(cwd, "/") ? cwd : "") > 0);
	r = root_of("x/");
	assert_string_equal(r, want);
	free(r);
	free(want);
}

static void save_load_sweep(void **state)
{
	char *dir = pal_test_tmpdir(), *statedir, *root, *rdir;
	struct pal_conf conf = {0};
	pal_error err = {0};
	yajl_val spec = NULL, rec = NULL;
	const char *s = "{\"process\": {\"user\": {\"uid\": 5}, \"noNewPrivileges\": true}}";
	(void)state;

	assert_true(asprintf(&statedir, "%s/state", dir) > 0);
	assert_true(asprintf(&root, "%s/root", dir) > 0);
	conf.state_dir = statedir;
	assert_int_equal(pal_json_parse(s, strlen(s), "t", &spec, &err), 0);

	assert_int_equal(pal_state_load(&conf, root, "c1", &rec, &err), -1);
	assert_int_equal(err.errnum, ENOENT);

	assert_int_equal(pal_state_save(&conf, root, "c1", "/b", spec, NULL, &err), 0);
	assert_int_equal(pal_state_load(&conf, root, "c1", &rec, &err), 0);
	assert_true(pal_json_equal(pal_json_get(rec, "process"), pal_json_get(spec, "process")));
	assert_string_equal(pal_json_get(rec, "bundle")->u.string, "/b");
	assert_string_equal(pal_json_get(rec, "root")->u.string, root);
	yajl_tree_free(rec);

	/* a different root is a different container */
	assert_int_equal(pal_state_load(&conf, "/other", "c1", &rec, &err), -1);

	/* the backend does not hold c1: a young record survives the sweep,
	 * an old one goes */
	assert_false(pal_state_backend_has(root, "c1"));
	assert_int_equal(pal_state_sweep(&conf, root, &err), 0);
	assert_int_equal(pal_state_load(&conf, root, "c1", &rec, &err), 0);
	yajl_tree_free(rec);
	char *enc_dir;
	assert_true(asprintf(&rdir, "%s/c1", root) > 0);
	assert_int_equal(pal_mkdir_p(rdir, 0700, &err), 0);
	assert_true(pal_state_backend_has(root, "c1"));
	assert_int_equal(pal_state_save(&conf, root, "c2", "/b", spec, NULL, &err), 0);
	/* age both records */
	{
		char *r1 = NULL;
		struct timeval old[2] = {{.tv_sec = 1000}, {.tv_sec = 1000}};
		(void)r1;
		assert_true(asprintf(&enc_dir, "%s/containers", statedir) > 0);
		DIR *d = opendir(enc_dir);
		struct dirent *de;
		assert_non_null(d);
		while ((de = readdir(d)))
			if (de->d_name[0] != '.') {
				char *p1, *p2;
				assert_true(asprintf(&p1, "%s/%s/c1.json", enc_dir, de->d_name) > 0);
				assert_true(asprintf(&p2, "%s/%s/c2.json", enc_dir, de->d_name) > 0);
				assert_int_equal(utimes(p1, old), 0);
				assert_int_equal(utimes(p2, old), 0);
				free(p1);
				free(p2);
			}
		closedir(d);
	}
	assert_int_equal(pal_state_sweep(&conf, root, &err), 0);
	assert_int_equal(pal_state_load(&conf, root, "c1", &rec, &err), 0); /* still held */
	yajl_tree_free(rec);
	assert_int_equal(pal_state_load(&conf, root, "c2", &rec, &err), -1); /* swept */
	assert_int_equal(err.errnum, ENOENT);

	yajl_tree_free(spec);
	free(enc_dir);
	free(rdir);
	free(root);
	free(statedir);
	pal_test_rmtree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(root_cleaned),
		cmocka_unit_test(save_load_sweep),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
