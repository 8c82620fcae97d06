/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "rule_test.h"

#include <seccomp.h>
#include <sys/wait.h>

#define NONROOT   "{\"user\": {\"nonRoot\": true}}"
#define HINT_PART "set a non-root user (USER in the image"

static yajl_val user_spec(const char *user)
{
	char *s;
	yajl_val v;

	assert_true(asprintf(&s,
	                     "{\"process\": {\"user\": %s, \"args\": [\"sh\"]},"
	                     " \"root\": {\"path\": \"rootfs\"}}",
	                     user) > 0);
	v = rule_test_parse(s);
	free(s);
	return v;
}

static void absent_section(void **state)
{
	struct rule_test t;
	yajl_val spec = rule_test_fixture("spec-runc.json");
	(void)state;

	rule_test_init(&t, "{\"noNewPrivileges\": true}");
	rule_test_unchanged(&t, &pal_rule_user, spec);
	rule_test_fini(&t);
	rule_test_init(&t, "{\"user\": {}}");
	rule_test_unchanged(&t, &pal_rule_user, spec);
	rule_test_fini(&t);
	rule_test_init(&t, "{\"user\": {\"nonRoot\": false}}");
	rule_test_unchanged(&t, &pal_rule_user, spec);
	rule_test_fini(&t);
	yajl_tree_free(spec);
}

static void fixtures(void **state)
{
	struct rule_test t;
	yajl_val runc = rule_test_fixture("spec-runc.json");
	yajl_val podman = rule_test_fixture("spec-podman.json");
	yajl_val cd = rule_test_fixture("spec-containerd.json");
	(void)state;

	rule_test_init(&t, NONROOT);
	rule_test_refuses(&t, &pal_rule_user, runc, "process.user.uid", "runs as root (uid 0); ");
	assert_non_null(strstr(t.err.msg, HINT_PART));
	/* the whole message, as main.c would print it */
	assert_string_equal(t.err.msg,
	                    "refused by profile \"test\" (rule user): process.user.uid: runs as "
	                    "root (uid 0); set a non-root user (USER in the image, runAsUser and "
	                    "runAsNonRoot in the pod, --user for docker or podman); select a "
	                    "profile that allows it with the annotation io.palisade.profile");
	/* uid 1000 and 101: never rewritten */
	rule_test_unchanged(&t, &pal_rule_user, podman);
	rule_test_unchanged(&t, &pal_rule_user, cd);
	yajl_tree_free(runc);
	yajl_tree_free(podman);
	yajl_tree_free(cd);
	rule_test_fini(&t);
}

static void uids(void **state)
{
	struct rule_test t;
	yajl_val spec;
	(void)state;

	rule_test_init(&t, NONROOT);
	/* no uid is uid 0 for the runtime */
	spec = user_spec("{\"gid\": 1000}");
	rule_test_refuses(&t, &pal_rule_user, spec, "process.user.uid",
	                  "runs as root (uid 0, no uid given)");
	yajl_tree_free(spec);
	spec = user_spec("{\"uid\": null}");
	rule_test_refuses(&t, &pal_rule_user, spec, "process.user.uid", "no uid given");
	yajl_tree_free(spec);
	spec = rule_test_parse("{\"ociVersion\": \"1.0.2\"}");
	rule_test_refuses(&t, &pal_rule_user, spec, "process.user.uid", "no uid given");
	yajl_tree_free(spec);
	/* a name is refused by itself */
	spec = user_spec("{\"uid\": 1000, \"username\": \"root\"}");
	rule_test_refuses(&t, &pal_rule_user, spec, "process.user.username",
	                  "the user is \"root\"; " HINT_PART);
	yajl_tree_free(spec);
	/* gid 0 is not checked: runAsNonRoot is about the uid */
	spec = user_spec("{\"uid\": 1000, \"gid\": 0, \"username\": \"app\"}");
	rule_test_unchanged(&t, &pal_rule_user, spec);
	yajl_tree_free(spec);
	spec = user_spec("{\"uid\": 4294967295}");
	rule_test_unchanged(&t, &pal_rule_user, spec);
	yajl_tree_free(spec);
	rule_test_fini(&t);
}

/* audit: both refusals of one spec are reported, nothing fails */
static void audit_reports_all(void **state)
{
	struct rule_test t;
	yajl_val spec = user_spec("{\"uid\": 0, \"username\": \"root\"}");
	(void)state;

	rule_test_init(&t, NONROOT);
	t.ctx.mode = PAL_MODE_AUDIT;
	assert_int_equal(rule_test_apply(&t, &pal_rule_user, spec), 0);
	assert_int_equal(t.report.n, 2);
	assert_non_null(rule_test_finding(&t, "process.user.username", true));
	assert_non_null(rule_test_finding(&t, "process.user.uid", true));
	yajl_tree_free(spec);
	rule_test_fini(&t);
}

#define PASSWD_NAMING_1000_ROOT "root:x:1000:1000:not really:/root:/bin/sh\n"

static void passwd(void **state)
{
	struct rule_test t;
	yajl_val spec = user_spec("{\"uid\": 1000}");
	(void)state;

	rule_test_init(&t, NONROOT);
	rule_test_bundle(&t);
	/* no passwd: fine */
	rule_test_unchanged(&t, &pal_rule_user, spec);
	/* a usual one */
	rule_test_bundle_file(&t, "rootfs/etc/passwd",
	                      "root:x:0:0:root:/root:/bin/sh\n"
	                      "rootless:x:1000:1000::/home/r:/bin/sh\n"
	                      "app:x:1000:1000::/home/app:/bin/sh");
	rule_test_unchanged(&t, &pal_rule_user, spec);
	/* the image names uid 1000 "root" (last line, no newline) */
	rule_test_bundle_file(&t, "rootfs/etc/passwd",
	                      "daemon:x:1:1::/:/bin/false\nroot:x:1000:1000::/root:/bin/sh");
	rule_test_refuses(&t, &pal_rule_user, spec, "process.user.uid",
	                  "uid 1000 is named \"root\" in the image's /etc/passwd; " HINT_PART);
	rule_test_bundle_file(&t, "rootfs/etc/passwd", PASSWD_NAMING_1000_ROOT);
	rule_test_refuses(&t, &pal_rule_user, spec, "process.user.uid", "is named \"root\"");
	/* not fooled by look-alikes */
	rule_test_bundle_file(&t, "rootfs/etc/passwd",
	                      "roots:x:1000:1:::\nxroot:x:1000:1:::\nroot:x:10000:1:::\n"
	                      "root:x:+1000:1:::\nroot:x: 1000:1:::\nroot\n:x:1000:1:::\n");
	rule_test_unchanged(&t, &pal_rule_user, spec);
	yajl_tree_free(spec);
	rule_test_fini(&t);
}

/* A passwd that would take the reader out of the rootfs, block it or
 * exhaust it is ignored for names. */
static void passwd_hostile(void **state)
{
	struct rule_test t;
	yajl_val spec = user_spec("{\"uid\": 1000}");
	char *host, *path, *big;
	size_t n = (4u << 20) + 2;
	(void)state;

	/* a "host" directory outside the bundle naming uid 1000 root */
	host = pal_test_tmpdir();
	assert_non_null(host);
	assert_int_equal(pal_test_write(host, "passwd", PASSWD_NAMING_1000_ROOT,
	                                strlen(PASSWD_NAMING_1000_ROOT)),
	                 0);
	rule_test_init(&t, NONROOT);
	rule_test_bundle(&t);
	assert_true(asprintf(&path, "%s/rootfs/etc", t.bundle) > 0);
	assert_int_equal(mkdir(path, 0755), 0);
	free(path);

	/* passwd a symlink to the host's file: never followed */
	assert_true(asprintf(&path, "%s/rootfs/etc/passwd", t.bundle) > 0);
	{
		char *target;
		assert_true(asprintf(&target, "%s/passwd", host) > 0);
		assert_int_equal(symlink(target, path), 0);
		free(target);
	}
	rule_test_unchanged(&t, &pal_rule_user, spec);
	assert_int_equal(unlink(path), 0);
	/* ... nor one pointing inside the rootfs */
	rule_test_bundle_file(&t, "rootfs/real-passwd", PASSWD_NAMING_1000_ROOT);
	assert_int_equal(symlink("/real-passwd", path), 0);
	rule_test_unchanged(&t, &pal_rule_user, spec);
	assert_int_equal(unlink(path), 0);

	/* a FIFO must not hang the rewrite */
	assert_int_equal(mkfifo(path, 0644), 0);
	rule_test_unchanged(&t, &pal_rule_user, spec);
	assert_int_equal(unlink(path), 0);

	/* more than 4 MiB */
	big = malloc(n + 1);
	assert_non_null(big);
	memset(big, '#', n);
	memcpy(big, PASSWD_NAMING_1000_ROOT, strlen(PASSWD_NAMING_1000_ROOT));
	big[n] = '\0';
	rule_test_bundle_file(&t, "rootfs/etc/passwd", big);
	free(big);
	rule_test_unchanged(&t, &pal_rule_user, spec);
	assert_int_equal(unlink(path), 0);
	free(path);

	/* etc a symlink to the host directory: with openat2 resolved inside
	 * the rootfs, where it does not exist */
	assert_true(asprintf(&path, "%s/rootfs/etc", t.bundle) > 0);
	assert_int_equal(rmdir(path), 0);
	assert_int_equal(symlink(host, path), 0);
	free(path);
	rule_test_unchanged(&t, &pal_rule_user, spec);

	yajl_tree_free(spec);
	rule_test_fini(&t);
	pal_test_rmtree(host);
	free(host);
}

/* With openat2 an absolute symlink resolves inside the rootfs (as the
 * container will see it); the fallback walk for kernels without openat2
 * (forced here with a seccomp filter answering ENOSYS) ignores any
 * symlink, and still reads a plain passwd. */
/* In a child: openat2 answers ERRNO (ENOSYS as before Linux 5.6, EPERM as
 * older engines' seccomp filters do); with etc a symlink the passwd must be
 * ignored, and when FULL also a plain etc/passwd read.  No cmocka
 * assertions in the child: a failure would longjmp there. */
static int fallback_child(struct rule_test *t, yajl_val spec, int errnum, bool full)
{
	scmp_filter_ctx f = seccomp_init(SCMP_ACT_ALLOW);
	char *path;

	if (!f || seccomp_rule_add(f, SCMP_ACT_ERRNO((unsigned)errnum), SCMP_SYS(openat2), 0) < 0 ||
	    seccomp_load(f) < 0)
		return 10;
	if (rule_test_apply(t, &pal_rule_user, spec) != 0)
		return 11;
	if (!full)
		return 0;
	if (asprintf(&path, "%s/rootfs/etc", t->bundle) < 0 || unlink(path) < 0 ||
	    mkdir(path, 0755) < 0)
		return 12;
	free(path);
	if (pal_test_write(t->bundle, "rootfs/etc/passwd", PASSWD_NAMING_1000_ROOT,
	                   strlen(PASSWD_NAMING_1000_ROOT)) < 0)
		return 13;
	if (rule_test_apply(t, &pal_rule_user, spec) != -1 ||
	    !strstr(t->err.msg, "is named \"root\""))
		return 14;
	return 0;
}

static void passwd_fallback(void **state)
{
	struct rule_test t;
	yajl_val spec = user_spec("{\"uid\": 1000}");
	static const int errs[] = {EPERM, ENOSYS};
	char *path;
	(void)state;

	rule_test_init(&t, NONROOT);
	rule_test_bundle(&t);
	rule_test_bundle_file(&t, "rootfs/real/etc/passwd", PASSWD_NAMING_1000_ROOT);
	assert_true(asprintf(&path, "%s/rootfs/etc", t.bundle) > 0);
	assert_int_equal(symlink("/real/etc", path), 0);
	free(path);
	/* openat2 follows the symlink inside the rootfs */
	rule_test_refuses(&t, &pal_rule_user, spec, "process.user.uid", "is named \"root\"");

	for (size_t i = 0; i < 2; i++) {
		pid_t pid;
		int status;

		fflush(NULL);
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0)
			_exit(fallback_child(&t, spec, errs[i], i == 1));
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
	yajl_tree_free(spec);
	rule_test_fini(&t);
}

static void malformed(void **state)
{
	struct rule_test t;
	static const char *const bad_uids[] = {"\"1000\"", "-1",         "1.0",
	                                       "1e3",      "4294967296", "true"};
	(void)state;

	rule_test_init(&t, NONROOT);
	for (size_t i = 0; i < sizeof(bad_uids) / sizeof(bad_uids[0]); i++) {
		char *u;
		yajl_val spec;

		assert_true(asprintf(&u, "{\"uid\": %s}", bad_uids[i]) > 0);
		spec = user_spec(u);
		free(u);
		rule_test_error(
		    &t, &pal_rule_user, spec,
		    "config.json: process.user.uid: must be an unsigned 32-bit integer");
		yajl_tree_free(spec);
	}
	rule_test_error_str(&t, &pal_rule_user, "{\"process\": {\"user\": [0]}}",
	                    "config.json: process.user: must be an object");
	rule_test_error_str(&t, &pal_rule_user, "{\"process\": \"root\"}",
	                    "config.json: process: must be an object");
	rule_test_error_str(&t, &pal_rule_user,
	                    "{\"process\": {\"user\": {\"uid\": 1, \"username\": 0}}}",
	                    "config.json: process.user.username: must be a string");
	/* with a bundle, root.path is read */
	rule_test_bundle(&t);
	rule_test_error_str(&t, &pal_rule_user,
	                    "{\"process\": {\"user\": {\"uid\": 1}}, \"root\": {\"path\": 1}}",
	                    "config.json: root.path: must be a string");
	rule_test_error_str(
	    &t, &pal_rule_user,
	    "{\"process\": {\"user\": {\"uid\": 1}}, \"root\": {\"path\": \"nope\"}}",
	    "root.path nope: No such file or directory");
	rule_test_fini(&t);

	rule_test_init(&t, "{\"user\": {\"nonRoot\": 1}}");
	rule_test_error_str(&t, &pal_rule_user, "{}",
	                    "profile \"test\": user.nonRoot: must be a boolean");
	rule_test_fini(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(absent_section),
	    cmocka_unit_test(fixtures),
	    cmocka_unit_test(uids),
	    cmocka_unit_test(audit_reports_all),
	    cmocka_unit_test(passwd),
	    cmocka_unit_test(passwd_hostile),
	    cmocka_unit_test(passwd_fallback),
	    cmocka_unit_test(malformed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
