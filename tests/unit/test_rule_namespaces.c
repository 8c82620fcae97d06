/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "rule_test.h"

#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/wait.h>

/* Docker's and containerd's default, with the host network allowed */
static const char *profile = "{\"namespaces\": {\"required\": [\"pid\", \"ipc\", \"uts\", "
                             "\"mount\", \"network\", \"cgroup\"], \"allowHost\": [\"network\"]}}";
/* the same without allowHost */
static const char *strict = "{\"namespaces\": {\"required\": [\"pid\", \"ipc\", \"uts\", "
                            "\"mount\", \"network\", \"cgroup\"]}}";

/* A process in new namespaces of FLAGS, like a pod's sandbox (pause)
 * process; 0 when they cannot be made (not root). */
static pid_t sandbox_start(int flags)
{
	int p[2];
	pid_t pid;
	char c;

	assert_int_equal(pipe(p), 0);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* never outlive the test, nor hold its output open: a failing
		 * assertion skips sandbox_stop() */
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);

		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() == 1 || null < 0 ||
		    dup2(null, 1) < 0 || dup2(null, 2) < 0)
			_exit(3);
		close(p[0]);
		if (unshare(flags) < 0)
			_exit(1);
		if (write(p[1], "x", 1) != 1)
			_exit(2);
		for (;;)
			pause();
	}
	close(p[1]);
	if (read(p[0], &c, 1) != 1) {
		close(p[0]);
		waitpid(pid, NULL, 0);
		return 0;
	}
	close(p[0]);
	return pid;
}

static void sandbox_stop(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

static void need_root(void)
{
	if (geteuid() != 0) {
		print_message("# skipped: needs root to read /proc/1/ns and make namespaces\n");
		skip();
	}
}

static yajl_val ns_spec(const char *namespaces)
{
	char *s;
	yajl_val v;

	assert_true(asprintf(&s, "{\"linux\": {\"namespaces\": %s}}", namespaces) > 0);
	v = rule_test_parse(s);
	free(s);
	return v;
}

static void absent_section(void **state)
{
	struct rule_test t;
	yajl_val spec = rule_test_fixture("spec-containerd.json");
	(void)state;

	rule_test_init(&t, "{\"noNewPrivileges\": true}");
	rule_test_unchanged(&t, &pal_rule_namespaces, spec);
	rule_test_fini(&t);
	/* an empty section requires nothing */
	rule_test_init(&t, "{\"namespaces\": {}}");
	rule_test_unchanged(&t, &pal_rule_namespaces, spec);
	rule_test_fini(&t);
	yajl_tree_free(spec);
}

static void runc_fixture(void **state)
{
	struct rule_test t;
	yajl_val spec = rule_test_fixture("spec-runc.json");
	yajl_val want = rule_test_with(spec, "linux.namespaces",
	                               "[{\"type\": \"pid\"}, {\"type\": \"network\"},"
	                               " {\"type\": \"ipc\"}, {\"type\": \"uts\"},"
	                               " {\"type\": \"mount\"}, {\"type\": \"cgroup\"}]");
	(void)state;

	rule_test_init(&t, profile);
	rule_test_expect(&t, &pal_rule_namespaces, spec, want);
	assert_int_equal(t.report.n, 1);
	assert_string_equal(t.report.items[0].field, "linux.namespaces[5]");
	assert_string_equal(t.report.items[0].msg, "added a new cgroup namespace");
	yajl_tree_free(spec);
	yajl_tree_free(want);
	rule_test_fini(&t);
}

static void podman_fixture(void **state)
{
	struct rule_test t;
	yajl_val spec = rule_test_fixture("spec-podman.json");
	yajl_val full, want;
	(void)state;

	/* this spec leaves ipc out: it would share the host's, refused */
	rule_test_init(&t, profile);
	rule_test_refuses(&t, &pal_rule_namespaces, spec, "linux.namespaces",
	                  "no ipc namespace entry: the container would share the host's");
	/* with its own ipc and uts, the rootless netns path is not even looked
	 * at (network may be the host's) and mount and cgroup are added */
	full = rule_test_with(spec, "linux.namespaces",
	                      "[{\"type\": \"pid\"}, {\"type\": \"network\", \"path\":"
	                      " \"/run/user/1000/netns/netns-7c0b\"}, {\"type\": \"user\"},"
	                      " {\"type\": \"ipc\"}, {\"type\": \"uts\"}]");
	want = rule_test_with(spec, "linux.namespaces",
	                      "[{\"type\": \"pid\"}, {\"type\": \"network\", \"path\":"
	                      " \"/run/user/1000/netns/netns-7c0b\"}, {\"type\": \"user\"},"
	                      " {\"type\": \"ipc\"}, {\"type\": \"uts\"},"
	                      " {\"type\": \"mount\"}, {\"type\": \"cgroup\"}]");
	pal_report_free(&t.report);
	rule_test_expect(&t, &pal_rule_namespaces, full, want);
	assert_int_equal(t.report.n, 2);
	yajl_tree_free(spec);
	yajl_tree_free(full);
	yajl_tree_free(want);
	rule_test_fini(&t);
}

/* containerd joins the pod sandbox's ipc, uts and net by /proc/PID/ns: not
 * the host, allowed even by the strict profile. */
static void containerd_fixture_sandbox(void **state)
{
	struct rule_test t;
	yajl_val spec = rule_test_fixture("spec-containerd.json"), pod, want;
	pid_t sb;
	char *ns;
	(void)state;

	need_root();
	sb = sandbox_start(CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWNET);
	assert_true(sb > 0);
	assert_true(
	    asprintf(&ns,
	             "[{\"type\": \"pid\"}, {\"type\": \"ipc\", \"path\": \"/proc/%d/ns/ipc\"},"
	             " {\"type\": \"uts\", \"path\": \"/proc/%d/ns/uts\"},"
	             " {\"type\": \"mount\"},"
	             " {\"type\": \"network\", \"path\": \"/proc/%d/ns/net\"}]",
	             (int)sb, (int)sb, (int)sb) > 0);
	pod = rule_test_with(spec, "linux.namespaces", ns);
	free(ns);
	/* the fixture's entries with the sandbox's pid, then cgroup added */
	want = pal_json_dup(pod);
	assert_non_null(want);
	{
		pal_error err = {0};
		assert_int_equal(pal_json_append(pal_json_getp(want, "linux", "namespaces", NULL),
		                                 rule_test_parse("{\"type\": \"cgroup\"}"), &err),
		                 0);
	}
	rule_test_init(&t, strict);
	rule_test_expect(&t, &pal_rule_namespaces, pod, want);
	sandbox_stop(sb);
	yajl_tree_free(spec);
	yajl_tree_free(pod);
	yajl_tree_free(want);
	rule_test_fini(&t);
}

static void host_paths_refused(void **state)
{
	struct rule_test t;
	yajl_val spec;
	(void)state;

	need_root();
	rule_test_init(&t, strict);
	/* the engine's own pid namespace is the host's */
	spec = ns_spec(
	    "[{\"type\": \"pid\", \"path\": \"/proc/self/ns/pid\"}, {\"type\": \"mount\"}]");
	rule_test_refuses(
	    &t, &pal_rule_namespaces, spec, "linux.namespaces[0].path",
	    "joins the host's pid namespace (/proc/self/ns/pid); the profile requires "
	    "one of its own (namespaces.allowHost does not list pid)");
	yajl_tree_free(spec);
	/* Kubernetes hostPID expressed as a path, the host's init: where pid 1
	 * cannot be inspected (Yama, a non-dumpable init) it is refused all
	 * the same, as unknown */
	spec =
	    ns_spec("[{\"type\": \"pid\", \"path\": \"/proc/1/ns/pid\"}, {\"type\": \"mount\"}]");
	if (access("/proc/1/ns/pid", F_OK) == 0 || errno != EACCES) {
		rule_test_refuses(
		    &t, &pal_rule_namespaces, spec, "linux.namespaces[0].path",
		    "joins the host's pid namespace (/proc/1/ns/pid); the profile "
		    "requires one of its own (namespaces.allowHost does not list pid)");
	} else {
		print_message("# /proc/1/ns/pid is out of reach here: checking it fails closed\n");
		rule_test_refuses(&t, &pal_rule_namespaces, spec, "linux.namespaces[0].path",
		                  "cannot tell whether it is the host's pid namespace: cannot stat "
		                  "/proc/1/ns/pid: Permission denied");
	}
	yajl_tree_free(spec);
	/* the engine's own namespaces are the host's too */
	spec = ns_spec(
	    "[{\"type\": \"mount\"}, {\"type\": \"ipc\", \"path\": \"/proc/self/ns/ipc\"}]");
	rule_test_refuses(&t, &pal_rule_namespaces, spec, "linux.namespaces[1].path",
	                  "joins the host's ipc namespace");
	yajl_tree_free(spec);
	spec = ns_spec("[{\"type\": \"network\", \"path\": \"/proc/self/ns/net\"}]");
	rule_test_refuses(&t, &pal_rule_namespaces, spec, "linux.namespaces[0].path",
	                  "joins the host's network namespace (/proc/self/ns/net)");
	yajl_tree_free(spec);
	rule_test_fini(&t);

	/* allowHost lets the same path through, unchanged */
	rule_test_init(&t, "{\"namespaces\": {\"required\": [\"pid\"], \"allowHost\": [\"pid\"]}}");
	spec = ns_spec("[{\"type\": \"pid\", \"path\": \"/proc/self/ns/pid\"}]");
	rule_test_unchanged(&t, &pal_rule_namespaces, spec);
	yajl_tree_free(spec);
	rule_test_fini(&t);
	/* a type the profile does not require is not looked at */
	rule_test_init(&t, "{\"namespaces\": {\"required\": [\"mount\"]}}");
	spec = ns_spec(
	    "[{\"type\": \"mount\"}, {\"type\": \"pid\", \"path\": \"/proc/self/ns/pid\"}]");
	rule_test_unchanged(&t, &pal_rule_namespaces, spec);
	yajl_tree_free(spec);
	rule_test_fini(&t);
}

/* a namespace made here is no host's: allowed; the host's twin refused */
static void own_namespace_allowed(void **state)
{
	struct rule_test t;
	yajl_val spec;
	pid_t sb;
	char *ns;
	(void)state;

	need_root();
	sb = sandbox_start(CLONE_NEWNET);
	assert_true(sb > 0);
	rule_test_init(&t, strict);
	assert_true(
	    asprintf(&ns,
	             "[{\"type\": \"pid\"}, {\"type\": \"network\", \"path\": \"/proc/%d/ns/net\"},"
	             " {\"type\": \"ipc\"}, {\"type\": \"uts\"}, {\"type\": \"mount\"},"
	             " {\"type\": \"cgroup\"}]",
	             (int)sb) > 0);
	spec = ns_spec(ns);
	free(ns);
	rule_test_unchanged(&t, &pal_rule_namespaces, spec);
	yajl_tree_free(spec);
	/* the same child's pid namespace is still the host's */
	assert_true(asprintf(&ns, "[{\"type\": \"pid\", \"path\": \"/proc/%d/ns/pid\"}]", (int)sb) >
	            0);
	spec = ns_spec(ns);
	free(ns);
	rule_test_refuses(&t, &pal_rule_namespaces, spec, "linux.namespaces[0].path",
	                  "joins the host's pid namespace");
	yajl_tree_free(spec);
	sandbox_stop(sb);
	rule_test_fini(&t);
}

/* How `ip netns add` and CNI keep a network namespace: a bind mount of its
 * nsfs file (/var/run/netns/cni-...).  The pod's is allowed, one of the
 * host's is refused.  Mounts are made in a child's private mount namespace. */
static int bind_ns(const char *src, const char *dir, const char *name)
{
	char *dst;
	int rc;

	if (pal_test_write(dir, name, "", 0) < 0 || asprintf(&dst, "%s/%s", dir, name) < 0)
		return -1;
	rc = mount(src, dst, NULL, MS_BIND, NULL);
	free(dst);
	return rc;
}

static int apply_netns(struct rule_test *t, const char *dir, const char *name)
{
	char *ns;
	yajl_val spec;
	int rc;

	if (asprintf(&ns,
	             "{\"linux\": {\"namespaces\": [{\"type\": \"network\", \"path\": "
	             "\"%s/%s\"}]}}",
	             dir, name) < 0)
		return -2;
	spec = rule_test_parse(ns);
	free(ns);
	rc = rule_test_apply(t, &pal_rule_namespaces, spec);
	yajl_tree_free(spec);
	return rc;
}

static void bind_mounted_netns(void **state)
{
	struct rule_test t;
	char *dir, *pod;
	pid_t sb, pid;
	int status;
	(void)state;

	need_root();
	sb = sandbox_start(CLONE_NEWNET);
	assert_true(sb > 0);
	dir = pal_test_tmpdir();
	assert_non_null(dir);
	assert_true(asprintf(&pod, "/proc/%d/ns/net", (int)sb) > 0);
	rule_test_init(&t, "{\"namespaces\": {\"required\": [\"network\"]}}");
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* no cmocka assertions here: a failure would longjmp in the child */
		if (unshare(CLONE_NEWNS) < 0 ||
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
			_exit(77);
		if (bind_ns(pod, dir, "cni-0b1c") < 0 ||
		    bind_ns("/proc/self/ns/net", dir, "host") < 0)
			_exit(77);
		if (apply_netns(&t, dir, "cni-0b1c") != 0)
			_exit(1);
		if (apply_netns(&t, dir, "host") != -1 ||
		    !strstr(t.err.msg, "joins the host's network namespace"))
			_exit(2);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	sandbox_stop(sb);
	pal_test_rmtree(dir);
	free(dir);
	free(pod);
	rule_test_fini(&t);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == 77) {
		print_message("# skipped: cannot bind-mount namespace files here\n");
		skip();
	}
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* fail closed: what cannot be shown not to be the host's is refused */
static void unknown_paths_refused(void **state)
{
	struct rule_test t;
	yajl_val spec;
	char *dir, *ns;
	(void)state;

	rule_test_init(&t, strict);
	spec = ns_spec("[{\"type\": \"mount\"}, {\"type\": \"uts\", \"path\": "
	               "\"/nonexistent/palisade/ns\"}]");
	rule_test_refuses(&t, &pal_rule_namespaces, spec, "linux.namespaces[1].path",
	                  "cannot tell whether it is the host's uts namespace: cannot stat "
	                  "/nonexistent/palisade/ns: No such file or directory");
	yajl_tree_free(spec);
	/* a plain file is no namespace */
	dir = pal_test_tmpdir();
	assert_non_null(dir);
	assert_int_equal(pal_test_write(dir, "netns", "", 0), 0);
	assert_true(asprintf(&ns, "[{\"type\": \"network\", \"path\": \"%s/netns\"}]", dir) > 0);
	spec = ns_spec(ns);
	free(ns);
	if (geteuid() == 0)
		rule_test_refuses(&t, &pal_rule_namespaces, spec, "linux.namespaces[0].path",
		                  "netns is not a namespace");
	else
		rule_test_refuses(&t, &pal_rule_namespaces, spec, "linux.namespaces[0].path", NULL);
	yajl_tree_free(spec);
	pal_test_rmtree(dir);
	free(dir);
	rule_test_fini(&t);
}

static void adding(void **state)
{
	struct rule_test t;
	yajl_val spec;
	(void)state;

	rule_test_init(&t, strict);
	/* left out, pid/network/ipc/uts are the host's: refused, one by one */
	spec = rule_test_parse("{\"ociVersion\": \"1.0.2\"}");
	rule_test_refuses(&t, &pal_rule_namespaces, spec, "linux.namespaces",
	                  "no pid namespace entry: the container would share the host's");
	yajl_tree_free(spec);
	spec = rule_test_parse("{\"linux\": {\"namespaces\": [{\"type\": \"pid\"},"
	                       " {\"type\": \"ipc\"}, {\"type\": \"uts\"}]}}");
	rule_test_refuses(&t, &pal_rule_namespaces, spec, "linux.namespaces",
	                  "no network namespace entry: the container would share the host's");
	yajl_tree_free(spec);
	/* mount and cgroup are added; existing entries keep order and members */
	rule_test_expect_str(
	    &t, &pal_rule_namespaces,
	    "{\"linux\": {\"namespaces\": [{\"type\": \"uts\", \"path\": \"\"},"
	    " {\"type\": \"time\"}, {\"type\": \"network\"}, {\"type\": \"ipc\"},"
	    " {\"type\": \"pid\"}], \"x\": 1}}",
	    "{\"linux\": {\"namespaces\": [{\"type\": \"uts\", \"path\": \"\"},"
	    " {\"type\": \"time\"}, {\"type\": \"network\"}, {\"type\": \"ipc\"},"
	    " {\"type\": \"pid\"}, {\"type\": \"mount\"}, {\"type\": \"cgroup\"}], \"x\": 1}}");
	rule_test_fini(&t);

	/* allowHost admits the left-out form too (how --network=host and
	 * hostNetwork are written): nothing added for it */
	rule_test_init(&t, profile);
	rule_test_expect_str(
	    &t, &pal_rule_namespaces,
	    "{\"linux\": {\"namespaces\": [{\"type\": \"mount\"}, {\"type\": \"pid\"},"
	    " {\"type\": \"ipc\"}, {\"type\": \"uts\"}]}}",
	    "{\"linux\": {\"namespaces\": [{\"type\": \"mount\"}, {\"type\": \"pid\"},"
	    " {\"type\": \"ipc\"}, {\"type\": \"uts\"}, {\"type\": \"cgroup\"}]}}");
	rule_test_fini(&t);
	rule_test_init(&t, "{\"namespaces\": {\"required\": [\"time\", \"mount\"]}}");
	rule_test_expect_str(&t, &pal_rule_namespaces, "{\"linux\": {\"namespaces\": []}}",
	                     "{\"linux\": {\"namespaces\": [{\"type\": \"mount\"},"
	                     " {\"type\": \"time\"}]}}");
	rule_test_fini(&t);
}

static void user_namespace(void **state)
{
	struct rule_test t;
	yajl_val spec;
	(void)state;

	rule_test_init(&t, "{\"namespaces\": {\"required\": [\"mount\"], \"user\": \"required\"}}");
	spec = ns_spec("[{\"type\": \"mount\"}]");
	rule_test_refuses(&t, &pal_rule_namespaces, spec, "linux.namespaces",
	                  "no user namespace; the profile requires one and it cannot be added");
	yajl_tree_free(spec);
	spec = ns_spec("[{\"type\": \"user\"}, {\"type\": \"mount\"}]");
	rule_test_unchanged(&t, &pal_rule_namespaces, spec);
	yajl_tree_free(spec);
	/* the podman fixture has one */
	spec = rule_test_fixture("spec-podman.json");
	assert_int_equal(rule_test_apply(&t, &pal_rule_namespaces, spec), 0);
	yajl_tree_free(spec);
	rule_test_fini(&t);

	/* "user" in "required" means the same, never an added entry */
	rule_test_init(&t, "{\"namespaces\": {\"required\": [\"user\", \"pid\"]}}");
	spec = ns_spec("[{\"type\": \"mount\"}]");
	rule_test_refuses(&t, &pal_rule_namespaces, spec, "linux.namespaces", "no user namespace");
	yajl_tree_free(spec);
	rule_test_fini(&t);

	/* optional: nothing required */
	rule_test_init(&t, "{\"namespaces\": {\"user\": \"optional\"}}");
	spec = ns_spec("[{\"type\": \"mount\"}]");
	rule_test_unchanged(&t, &pal_rule_namespaces, spec);
	yajl_tree_free(spec);
	rule_test_fini(&t);
}

/* audit: the refusal is a finding, the additions are still made (on the
 * engine's scratch copy) */
static void audit_mode(void **state)
{
	struct rule_test t;
	yajl_val spec = ns_spec("[{\"type\": \"uts\", \"path\": \"/nonexistent/ns\"}]");
	(void)state;

	rule_test_init(&t, "{\"namespaces\": {\"required\": [\"uts\", \"mount\"]}}");
	t.ctx.mode = PAL_MODE_AUDIT;
	assert_int_equal(rule_test_apply(&t, &pal_rule_namespaces, spec), 0);
	rule_test_assert_json_str(spec,
	                          "{\"linux\": {\"namespaces\": [{\"type\": \"uts\", \"path\":"
	                          " \"/nonexistent/ns\"}, {\"type\": \"mount\"}]}}");
	assert_int_equal(t.report.n, 2);
	assert_non_null(rule_test_finding(&t, "linux.namespaces[0].path", true));
	assert_non_null(rule_test_finding(&t, "linux.namespaces[1]", false));
	yajl_tree_free(spec);
	rule_test_fini(&t);

	/* a missing user namespace is reported, never added */
	rule_test_init(&t, "{\"namespaces\": {\"required\": [\"mount\"], \"user\": \"required\"}}");
	t.ctx.mode = PAL_MODE_AUDIT;
	spec = rule_test_parse("{}");
	assert_int_equal(rule_test_apply(&t, &pal_rule_namespaces, spec), 0);
	rule_test_assert_json_str(spec, "{\"linux\": {\"namespaces\": [{\"type\": \"mount\"}]}}");
	assert_non_null(rule_test_finding(&t, "linux.namespaces", true));
	yajl_tree_free(spec);
	rule_test_fini(&t);
}

static void malformed(void **state)
{
	struct rule_test t;
	(void)state;

	rule_test_init(&t, strict);
	rule_test_error_str(&t, &pal_rule_namespaces, "{\"linux\": []}",
	                    "config.json: linux: must be an object");
	rule_test_error_str(&t, &pal_rule_namespaces, "{\"linux\": {\"namespaces\": {}}}",
	                    "config.json: linux.namespaces: must be an array");
	rule_test_error_str(&t, &pal_rule_namespaces,
	                    "{\"linux\": {\"namespaces\": [{\"type\": \"pid\"}, \"ipc\"]}}",
	                    "config.json: linux.namespaces[1]: must be an object");
	rule_test_error_str(&t, &pal_rule_namespaces,
	                    "{\"linux\": {\"namespaces\": [{\"path\": \"/proc/1/ns/pid\"}]}}",
	                    "config.json: linux.namespaces[0].type: must be a string");
	rule_test_error_str(&t, &pal_rule_namespaces,
	                    "{\"linux\": {\"namespaces\": [{\"type\": \"pid\", \"path\": 1}]}}",
	                    "config.json: linux.namespaces[0].path: must be a string");
	rule_test_fini(&t);

	rule_test_init(&t, "{\"namespaces\": {\"required\": \"pid\"}}");
	rule_test_error_str(&t, &pal_rule_namespaces, "{}",
	                    "profile \"test\": namespaces.required: must be an array");
	rule_test_fini(&t);
	rule_test_init(&t, "{\"namespaces\": {\"allowHost\": [\"pid\", \"net\"]}}");
	rule_test_error_str(&t, &pal_rule_namespaces, "{}",
	                    "profile \"test\": namespaces.allowHost[1]: not a namespace type");
	rule_test_fini(&t);
	rule_test_init(&t, "{\"namespaces\": {\"user\": true}}");
	rule_test_error_str(&t, &pal_rule_namespaces, "{}",
	                    "namespaces.user: must be \"required\" or \"optional\"");
	rule_test_fini(&t);
	rule_test_init(&t, "{\"namespaces\": [\"pid\"]}");
	rule_test_error_str(&t, &pal_rule_namespaces, "{}",
	                    "profile \"test\": namespaces: must be an object");
	rule_test_fini(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(absent_section),
	    cmocka_unit_test(runc_fixture),
	    cmocka_unit_test(podman_fixture),
	    cmocka_unit_test(containerd_fixture_sandbox),
	    cmocka_unit_test(host_paths_refused),
	    cmocka_unit_test(own_namespace_allowed),
	    cmocka_unit_test(bind_mounted_netns),
	    cmocka_unit_test(unknown_paths_refused),
	    cmocka_unit_test(adding),
	    cmocka_unit_test(user_namespace),
	    cmocka_unit_test(audit_mode),
	    cmocka_unit_test(malformed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
