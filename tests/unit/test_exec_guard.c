/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "pal_test.h"

#include <errno.h>

#include "palisade/cli.h"
#include "palisade/exec_guard.h"
#include "palisade/json.h"

/* A container as `runc spec` makes it, but running as uid 1000 with
 * noNewPrivileges and an rlimit. */
static const char *container_json =
	"{\"user\": {\"uid\": 1000, \"gid\": 1000, \"additionalGids\": [10]},"
	" \"noNewPrivileges\": true, \"apparmorProfile\": \"palisade-default\","
	" \"capabilities\": {"
	"  \"bounding\": [\"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"],"
	"  \"effective\": [\"CAP_KILL\"],"
	"  \"permitted\": [\"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"]},"
	" \"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"hard\": 1024, \"soft\": 1024}]}";

static const char *root_container_json =
	"{\"user\": {\"uid\": 0, \"gid\": 0}, \"noNewPrivileges\": false,"
	" \"capabilities\": {\"bounding\": [\"CAP_CHOWN\"], \"effective\": [\"CAP_CHOWN\"],"
	" \"permitted\": [\"CAP_CHOWN\"], \"inheritable\": [\"CAP_CHOWN\"],"
	" \"ambient\": [\"CAP_CHOWN\"]}}";

static yajl_val parse(const char *s)
{
	pal_error err = {0};
	yajl_val v = NULL;
	assert_int_equal(pal_json_parse(s, strlen(s), "test", &v, &err), 0);
	return v;
}

static int check(const char *container, char **argv, int argc, pal_error *err)
{
	static struct pal_cli cli;
	yajl_val c = parse(container);
	int r;

	assert_int_equal(pal_cli_parse(argc, argv, &cli, err), 0);
	r = pal_exec_check_flags(&cli, c, err);
	yajl_tree_free(c);
	return r;
}

#define CHECK(container, ...)                                                                      \
	({                                                                                         \
		char *argv_[] = {"palisade", __VA_ARGS__, NULL};                                   \
		check(container, argv_, (int)(sizeof(argv_) / sizeof(argv_[0])) - 1, &err);       \
	})

static void flags_refused(void **state)
{
	pal_error err = {0};
	(void)state;

	assert_int_equal(CHECK(container_json, "exec", "--cap", "CAP_SYS_ADMIN", "c1", "true"), -1);
	assert_non_null(strstr(err.msg, "exec --cap CAP_SYS_ADMIN"));
	assert_int_equal(err.errnum, EPERM);
	/* in bounding and permitted but not effective: runc adds to all three */
	assert_int_equal(CHECK(container_json, "exec", "-c", "CAP_NET_BIND_SERVICE", "c1", "true"),
			 -1);
	assert_non_null(strstr(err.msg, "effective"));
	assert_int_equal(CHECK(container_json, "exec", "--no-new-privs=false", "c1", "true"), -1);
	assert_int_equal(CHECK(container_json, "exec", "--user", "0", "c1", "true"), -1);
	assert_int_equal(CHECK(container_json, "exec", "-u", "1000:0", "c1", "true"), -1);
	assert_int_equal(CHECK(container_json, "exec", "--additional-gids", "0", "c1", "true"), -1);
	assert_int_equal(CHECK(container_json, "exec", "--apparmor", "unconfined", "c1", "true"), -1);
	/* the same words after the id belong to the command, not to exec */
	assert_int_equal(CHECK(container_json, "exec", "c1", "--cap", "CAP_SYS_ADMIN"), 0);
}

static void flags_allowed(void **state)
{
	pal_error err = {0};
	(void)state;

	assert_int_equal(CHECK(container_json, "exec", "--cap", "CAP_KILL", "c1", "true"), 0);
	assert_int_equal(CHECK(container_json, "exec", "--no-new-privs", "c1", "true"), 0);
	assert_int_equal(CHECK(container_json, "exec", "--user", "1000:1000", "c1", "true"), 0);
	assert_int_equal(CHECK(container_json, "exec", "--apparmor", "palisade-default", "c1", "x"),
			 0);
	assert_int_equal(CHECK(root_container_json, "exec", "--user", "0:0", "c1", "true"), 0);
	/* inheritable is set: runc adds --cap to ambient too, and it is there */
	assert_int_equal(CHECK(root_container_json, "exec", "--cap", "CAP_CHOWN", "c1", "true"), 0);
	/* lowering NNP is no escalation where the container does not have it */
	assert_int_equal(CHECK(root_container_json, "exec", "--no-new-privs=false", "c1", "x"), 0);
}

static char *tighten(const char *container, const char *proc, int *removed, int *rc,
		     pal_error *err)
{
	yajl_val c = parse(container), p = parse(proc);
	char *out = NULL;
	size_t len = 0;

	*rc = pal_exec_tighten(p, c, removed, err);
	if (*rc == 0)
		assert_int_equal(pal_json_serialize(p, false, &out, &len, err), 0);
	yajl_tree_free(c);
	yajl_tree_free(p);
	return out;
}

static void process_tightened(void **state)
{
	pal_error err = {0};
	int removed = 0, rc;
	(void)state;
	/* what containerd sends when the spec it keeps has more than the
	 * rewritten bundle: every set intersected, NNP on, profile forced */
	char *out = tighten(container_json,
			    "{\"args\": [\"sh\"], \"user\": {\"uid\": 1000, \"gid\": 1000},"
			    " \"noNewPrivileges\": false, \"apparmorProfile\": \"unconfined\","
			    " \"capabilities\": {\"bounding\": [\"CAP_SYS_ADMIN\", \"CAP_KILL\"],"
			    " \"effective\": [\"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"],"
			    " \"ambient\": [\"CAP_KILL\"]},"
			    " \"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"hard\": 4096, \"soft\": 2048},"
			    " {\"type\": \"RLIMIT_CORE\", \"hard\": 1, \"soft\": 1}],"
			    " \"x-unknown\": {\"kept\": 1.50}}",
			    &removed, &rc, &err);
	assert_int_equal(rc, 0);
	assert_string_equal(
		out, "{\"args\":[\"sh\"],\"user\":{\"uid\":1000,\"gid\":1000},\"noNewPrivileges\":true,"
		     "\"apparmorProfile\":\"palisade-default\",\"capabilities\":{\"bounding\":[\"CAP_"
		     "KILL\"],\"effective\":[\"CAP_KILL\"],\"ambient\":[],\"inheritable\":[],"
		     "\"permitted\":[]},\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"hard\":1024,"
		     "\"soft\":1024}],\"x-unknown\":{\"kept\":1.50}}");
	/* SYS_ADMIN, NET_BIND_SERVICE, ambient KILL, NNP, apparmor, hard, soft, CORE */
	assert_int_equal(removed, 8);
	free(out);
}

static void process_within_is_unchanged(void **state)
{
	pal_error err = {0};
	int removed = -1, rc;
	const char *p = "{\"user\":{\"uid\":1000,\"gid\":1000},\"noNewPrivileges\":true,"
			"\"apparmorProfile\":\"palisade-default\",\"capabilities\":{\"bounding\":["
			"\"CAP_KILL\"],\"effective\":[\"CAP_KILL\"],\"inheritable\":[],"
			"\"permitted\":[\"CAP_KILL\"],\"ambient\":[]}}";
	(void)state;
	char *out = tighten(container_json, p, &removed, &rc, &err);
	assert_int_equal(rc, 0);
	assert_int_equal(removed, 0);
	assert_string_equal(out, p);
	free(out);
}

static void process_root_refused(void **state)
{
	pal_error err = {0};
	int removed, rc;
	(void)state;
	assert_null(tighten(container_json, "{\"user\": {\"uid\": 0, \"gid\": 1000}}", &removed, &rc,
			    &err));
	assert_int_equal(rc, -1);
	assert_non_null(strstr(err.msg, "uid 0"));
	assert_null(tighten(container_json, "{\"user\": {\"uid\": 1000, \"gid\": 0}}", &removed,
			    &rc, &err));
	assert_int_equal(rc, -1);
	assert_null(tighten(container_json,
			    "{\"user\": {\"uid\": 1000, \"gid\": 1000, \"additionalGids\": [0]}}",
			    &removed, &rc, &err));
	assert_int_equal(rc, -1);
	/* absent user means root in the OCI spec */
	assert_null(tighten(container_json, "{\"args\": [\"sh\"]}", &removed, &rc, &err));
	assert_int_equal(rc, -1);
	/* malformed fields are errors, not skipped */
	assert_null(tighten(root_container_json, "{\"capabilities\": {\"bounding\": \"CAP_X\"}}",
			    &removed, &rc, &err));
	assert_int_equal(rc, -1);
	assert_null(tighten(root_container_json, "{\"user\": {\"uid\": -1}}", &removed, &rc, &err));
	assert_int_equal(rc, -1);
	yajl_val c = parse(root_container_json), arr = pal_json_new_array();
	assert_int_equal(pal_exec_tighten(arr, c, &removed, &err), -1);
	assert_non_null(strstr(err.msg, "not a JSON object"));
	yajl_tree_free(arr);
	yajl_tree_free(c);
}

static void guard_memfd(void **state)
{
	static struct pal_cli cli;
	pal_error err = {0};
	char *dir = pal_test_tmpdir(), *path, *storage = NULL;
	const char *proc = "{\"user\":{\"uid\":1000,\"gid\":1000},\"capabilities\":{\"bounding\":["
			   "\"CAP_SYS_ADMIN\"]}}";
	yajl_val c = parse(container_json), got = NULL;
	int removed;
	size_t len = 0;
	char *orig, *text;
	(void)state;

	assert_non_null(dir);
	assert_int_equal(pal_test_write(dir, "process.json", proc, strlen(proc)), 0);
	assert_true(asprintf(&path, "%s/process.json", dir) > 0);
	char *argv[] = {"palisade", "exec", "--process", path, "--detach", "c1", NULL};
	assert_int_equal(pal_cli_parse(6, argv, &cli, &err), 0);
	assert_int_equal(pal_exec_guard(&cli, argv, c, &removed, &storage, &err), 0);
	/* CAP_SYS_ADMIN, and the container's NNP and AppArmor profile imposed */
	assert_int_equal(removed, 3);
	assert_ptr_equal(argv[3], storage);
	assert_int_equal(strncmp(argv[3], "/proc/self/fd/", 14), 0);
	/* the caller's file is untouched, the memfd holds the tightened one */
	orig = pal_test_read(dir, "process.json", &len);
	assert_string_equal(orig, proc);
	text = pal_test_read("/", argv[3] + 1, &len);
	assert_non_null(text);
	assert_int_equal(pal_json_parse(text, len, "memfd", &got, &err), 0);
	assert_int_equal(pal_json_getp(got, "capabilities", "bounding", NULL)->u.array.len, 0);
	/* sealed: nobody can change what the backend will read */
	int fd = atoi(argv[3] + 14);
	assert_true(fd >= 64);
	assert_int_equal(write(fd, "x", 1), -1);
	close(fd);
	yajl_tree_free(got);
	yajl_tree_free(c);
	free(text);
	free(orig);
	free(storage);
	free(path);
	pal_test_rmtree(dir);
	free(dir);
}

static void guard_equals_spelling(void **state)
{
	static struct pal_cli cli;
	pal_error err = {0};
	char *dir = pal_test_tmpdir(), *arg, *storage = NULL;
	const char *proc = "{\"user\":{\"uid\":1000,\"gid\":1000}}";
	yajl_val c = parse(container_json);
	int removed;
	(void)state;

	assert_int_equal(pal_test_write(dir, "p.json", proc, strlen(proc)), 0);
	assert_true(asprintf(&arg, "--process=%s/p.json", dir) > 0);
	char *argv[] = {"palisade", "exec", arg, "c1", NULL};
	assert_int_equal(pal_cli_parse(4, argv, &cli, &err), 0);
	assert_int_equal(pal_exec_guard(&cli, argv, c, &removed, &storage, &err), 0);
	assert_int_equal(strncmp(argv[2], "--process=/proc/self/fd/", 24), 0);
	close(atoi(argv[2] + 24));
	/* a process file that does not parse is refused, naming it */
	assert_int_equal(pal_test_write(dir, "p.json", "{\"user\":", 8), 0);
	char *argv2[] = {"palisade", "exec", arg, "c1", NULL};
	free(storage);
	storage = NULL;
	assert_int_equal(pal_cli_parse(4, argv2, &cli, &err), 0);
	assert_int_equal(pal_exec_guard(&cli, argv2, c, &removed, &storage, &err), -1);
	assert_non_null(strstr(err.msg, "p.json"));
	yajl_tree_free(c);
	free(arg);
	pal_test_rmtree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(flags_refused),
		cmocka_unit_test(flags_allowed),
		cmocka_unit_test(process_tightened),
		cmocka_unit_test(process_within_is_unchanged),
		cmocka_unit_test(process_root_refused),
		cmocka_unit_test(guard_memfd),
		cmocka_unit_test(guard_equals_spelling),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
