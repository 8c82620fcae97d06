/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "pal_test.h"

#include <errno.h>

#include "palisade/bpf_abi.h"
#include "palisade/json.h"
#include "palisade/profile.h"

static char *dir;  /* scratch profile directory */
static char *dir2; /* a second one, searched after DIR */

static int setup(void **state)
{
	(void)state;
	dir = pal_test_tmpdir();
	dir2 = pal_test_tmpdir();
	return dir && dir2 ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	pal_test_rmtree(dir);
	pal_test_rmtree(dir2);
	free(dir);
	free(dir2);
	return 0;
}

/* The source tree's profiles/: $PAL_PROFILES (set by `make check`), else
 * tests/fixtures/../../profiles. */
static char *shipped_dir(void)
{
	const char *env = getenv("PAL_PROFILES");
	char *fx, *p;

	if (env && *env) {
		p = strdup(env);
		assert_non_null(p);
		return p;
	}
	fx = pal_test_fixture("");
	assert_non_null(fx);
	assert_true(asprintf(&p, "%s/../../profiles", fx) > 0);
	free(fx);
	return p;
}

static void put(const char *d, const char *name, const char *text)
{
	assert_int_equal(pal_test_write(d, name, text, strlen(text)), 0);
}

static int load(const char *name, struct pal_profile *p, pal_error *err)
{
	char *dirs[] = {dir, dir2};
	struct pal_conf conf = {.profile_dirs = dirs, .n_profile_dirs = 2};
	*p = (struct pal_profile){0};
	return pal_profile_load(&conf, name, p, err);
}

static char *serialize(yajl_val v)
{
	pal_error err = {0};
	char *out = NULL;
	size_t len;
	assert_int_equal(pal_json_serialize(v, false, &out, &len, &err), 0);
	return out;
}

static size_t array_len(yajl_val v)
{
	assert_true(YAJL_IS_ARRAY(v));
	return v->u.array.len;
}

static bool has_string(yajl_val arr, const char *s)
{
	for (size_t i = 0; i < array_len(arr); i++)
		if (YAJL_IS_STRING(arr->u.array.values[i]) &&
		    !strcmp(arr->u.array.values[i]->u.string, s))
			return true;
	return false;
}

/* ------------------------------------------------------------ shipped */

static void shipped_profiles(void **state)
{
	char *sd = shipped_dir();
	char *dirs[] = {sd};
	struct pal_conf conf = {.profile_dirs = dirs, .n_profile_dirs = 1};
	struct pal_profile d = {0}, b = {0}, r = {0}, a = {0};
	pal_error err = {0};
	(void)state;

	assert_int_equal(pal_profile_load(&conf, "default", &d, &err), 0);
	assert_int_equal(pal_profile_load(&conf, "baseline", &b, &err), 0);
	assert_int_equal(pal_profile_load(&conf, "restricted", &r, &err), 0);
	assert_int_equal(pal_profile_load(&conf, "audit", &a, &err), 0);

	/* default: Docker's 14 capabilities, its filter, containerd's masks */
	assert_string_equal(d.name, "default");
	assert_non_null(strstr(d.path, "/profiles/default.json"));
	assert_int_equal(d.mode, PAL_MODE_ENFORCE);
	assert_int_equal(array_len(pal_profile_get(&d, "capabilities", "allow")), 14);
	assert_true(has_string(pal_profile_get(&d, "capabilities", "allow"), "CAP_NET_RAW"));
	assert_true(has_string(pal_profile_get(&d, "seccomp", "allow"), "read"));
	assert_false(has_string(pal_profile_get(&d, "seccomp", "allow"), "io_uring_setup"));
	assert_false(has_string(pal_profile_get(&d, "seccomp", "allow"), "mount"));
	assert_false(has_string(pal_profile_get(&d, "seccomp", "allow"), "socket"));
	assert_false(has_string(pal_profile_get(&d, "seccomp", "allow"), "clone"));
	assert_int_equal(array_len(pal_profile_get(&d, "seccomp", "conditional")), 7);
	assert_true(has_string(pal_profile_get(&d, "seccomp", "enosys"), "clone3"));
	assert_string_equal(pal_profile_get(&d, "seccomp", "defaultErrno")->u.string, "ENOSYS");
	assert_string_equal(pal_profile_get(&d, "seccomp", "denyErrno")->u.string, "EPERM");
	assert_true(has_string(pal_profile_get(&d, "maskedPaths", NULL), "/proc/kcore"));
	assert_true(
	    has_string(pal_profile_get(&d, "maskedPaths", NULL), "/sys/devices/virtual/powercap"));
	assert_int_equal(array_len(pal_profile_get(&d, "readonlyPaths", NULL)), 5);
	assert_true(pal_profile_bool(&d, "noNewPrivileges", NULL, false));
	assert_false(pal_profile_bool(&d, "privileged", NULL, true));
	assert_int_equal(array_len(pal_profile_get(&d, "devices", "allow")), 0);
	assert_true(has_string(pal_profile_get(&d, "mounts", "denyHostPaths"), "/"));
	assert_true(has_string(pal_profile_get(&d, "mounts", "denyHostPaths"),
	                       "/run/containerd/containerd.sock"));
	assert_null(pal_profile_get(&d, "mounts", "forceOptions"));
	assert_null(pal_profile_get(&d, "extends", NULL));

	/* baseline: no NET_RAW, the PSS sysctls, default's seccomp inherited */
	assert_int_equal(array_len(pal_profile_get(&b, "capabilities", "allow")), 13);
	assert_false(has_string(pal_profile_get(&b, "capabilities", "allow"), "CAP_NET_RAW"));
	assert_int_equal(array_len(pal_profile_get(&b, "sysctls", "allow")), 10);
	assert_true(pal_json_equal(pal_profile_get(&b, "seccomp", NULL),
	                           pal_profile_get(&d, "seccomp", NULL)));
	assert_true(pal_json_equal(pal_profile_get(&b, "maskedPaths", NULL),
	                           pal_profile_get(&d, "maskedPaths", NULL)));
	assert_int_equal(array_len(pal_profile_get(&b, "namespaces", "required")), 6);
	assert_int_equal(array_len(pal_profile_get(&b, "namespaces", "allowHost")), 0);
	assert_true(has_string(pal_profile_get(&b, "mounts", "denyHostPaths"), "/etc"));
	/* arrays replace: default's entries had to be repeated */
	for (size_t i = 0; i < array_len(pal_profile_get(&d, "mounts", "denyHostPaths")); i++)
		assert_true(has_string(
		    pal_profile_get(&b, "mounts", "denyHostPaths"),
		    pal_profile_get(&d, "mounts", "denyHostPaths")->u.array.values[i]->u.string));
	assert_null(pal_profile_get(&b, "extends", NULL));

	/* restricted: objects merged with baseline's */
	assert_int_equal(array_len(pal_profile_get(&r, "capabilities", "allow")), 1);
	assert_true(
	    has_string(pal_profile_get(&r, "capabilities", "allow"), "CAP_NET_BIND_SERVICE"));
	assert_true(pal_profile_bool(&r, "user", "nonRoot", false));
	assert_true(pal_profile_bool(&r, "rootfs", "readonly", false));
	assert_int_equal(array_len(pal_profile_get(&r, "hooks", "allow")), 0);
	assert_int_equal(array_len(pal_profile_get(&r, "mounts", "forceOptions")), 2);
	assert_true(pal_json_equal(pal_profile_get(&r, "mounts", "denyHostPaths"),
	                           pal_profile_get(&b, "mounts", "denyHostPaths")));
	assert_string_equal(pal_profile_get(&r, "namespaces", "user")->u.string, "optional");
	assert_true(pal_json_equal(pal_profile_get(&r, "namespaces", "required"),
	                           pal_profile_get(&b, "namespaces", "required")));
	assert_true(pal_json_equal(pal_profile_get(&r, "sysctls", NULL),
	                           pal_profile_get(&b, "sysctls", NULL)));
	assert_int_equal(r.mode, PAL_MODE_ENFORCE);

	/* bpf: default's rules, baseline's on top (objects merge), restricted
	 * adds drift; every shipped profile runs without BPF LSM */
	assert_string_equal(pal_profile_get(&d, "bpf", "drift")->u.string, "off");
	assert_string_equal(pal_profile_get(&d, "bpf", "ptrace")->u.string, "off");
	assert_string_equal(pal_profile_get(&d, "bpf", "lsm")->u.string, "optional");
	assert_string_equal(pal_json_getp(d.tree, "bpf", "exec", "action", NULL)->u.string, "off");
	assert_null(pal_json_getp(d.tree, "bpf", "files", "deny", NULL));
	assert_true(
	    has_string(pal_json_getp(d.tree, "bpf", "files", "denyWrite", NULL), "/proc/sys"));
	assert_true(has_string(pal_json_getp(d.tree, "bpf", "connect", "denyCidrs", NULL),
	                       "169.254.169.254/32"));
	assert_string_equal(pal_profile_get(&b, "bpf", "drift")->u.string, "off");
	assert_string_equal(pal_profile_get(&b, "bpf", "capabilities")->u.string, "log");
	assert_string_equal(pal_profile_get(&b, "bpf", "lsm")->u.string, "optional");
	assert_string_equal(pal_json_getp(b.tree, "bpf", "exec", "action", NULL)->u.string, "deny");
	assert_true(has_string(pal_json_getp(b.tree, "bpf", "exec", "denyPrefixes", NULL), "/tmp"));
	assert_true(has_string(pal_json_getp(b.tree, "bpf", "files", "deny", NULL), "/proc/kcore"));
	assert_true(pal_json_equal(pal_json_getp(b.tree, "bpf", "files", "denyWrite", NULL),
	                           pal_json_getp(d.tree, "bpf", "files", "denyWrite", NULL)));
	assert_true(pal_json_equal(pal_profile_get(&b, "bpf", "connect"),
	                           pal_profile_get(&d, "bpf", "connect")));
	assert_string_equal(pal_profile_get(&r, "bpf", "drift")->u.string, "deny");
	{
		yajl_val rb = pal_profile_get(&r, "bpf", NULL);
		for (size_t i = 0; i < rb->u.object.len; i++) {
			const char *k = rb->u.object.keys[i];
			yajl_val v = rb->u.object.values[i];
			if (!strcmp(k, "drift") || !strcmp(k, "lsm"))
				continue;
			assert_true(pal_json_equal(v, pal_profile_get(&b, "bpf", k)));
			/* every rule on in restricted */
			if (YAJL_IS_OBJECT(v))
				v = pal_json_get(v, "action");
			if (strcmp(v->u.string, "deny") != 0 && strcmp(v->u.string, "log") != 0)
				fail_msg("restricted: bpf.%s is %s", k, v->u.string);
		}
		assert_int_equal(rb->u.object.len, 13);
	}

	/* audit: restricted, in audit mode */
	assert_int_equal(a.mode, PAL_MODE_AUDIT);
	assert_true(
	    pal_json_equal(pal_profile_get(&a, "bpf", NULL), pal_profile_get(&r, "bpf", NULL)));
	assert_true(pal_json_equal(pal_profile_get(&a, "capabilities", NULL),
	                           pal_profile_get(&r, "capabilities", NULL)));
	assert_true(pal_json_equal(pal_profile_get(&a, "rootfs", NULL),
	                           pal_profile_get(&r, "rootfs", NULL)));

	pal_profile_free(&d);
	pal_profile_free(&b);
	pal_profile_free(&r);
	pal_profile_free(&a);
	assert_null(d.tree);
	free(sd);
}

/* The fixture that sets every key: it loads, and comes out as written. */
static void every_key(void **state)
{
	char *fx = pal_test_fixture("profiles");
	char *dirs[] = {fx};
	struct pal_conf conf = {.profile_dirs = dirs, .n_profile_dirs = 1};
	struct pal_profile p = {0};
	pal_error err = {0};
	char *s;
	(void)state;

	assert_non_null(fx);
	if (pal_profile_load(&conf, "everything", &p, &err) != 0)
		fail_msg("%s", err.msg);
	assert_int_equal(p.mode, PAL_MODE_AUDIT);
	assert_int_equal(p.tree->u.object.len, 17); /* all but "extends" */
	s = serialize(pal_profile_get(&p, "seccomp", "conditional"));
	assert_string_equal(s, "[{\"names\":[\"personality\"],\"args\":[{\"index\":0,\"value\":0,"
	                       "\"op\":\"SCMP_CMP_EQ\"}]},{\"names\":[\"clone\"],\"args\":"
	                       "[{\"index\":0,\"value\":2114060288,\"valueTwo\":0,"
	                       "\"op\":\"SCMP_CMP_MASKED_EQ\"}]}]");
	free(s);
	s = serialize(pal_profile_get(&p, "rlimits", NULL));
	assert_string_equal(s, "{\"max\":{\"RLIMIT_NOFILE\":{\"soft\":1024,\"hard\":4096}}}");
	free(s);
	assert_string_equal(pal_profile_get(&p, "devices", "allow")
	                        ->u.array.values[0]
	                        ->u.object.values[0]
	                        ->u.string,
	                    "/dev/fuse");
	assert_true(pal_profile_bool(&p, "user", "nonRoot", false));
	assert_false(pal_profile_bool(&p, "privileged", NULL, true));
	assert_int_equal(pal_profile_get(&p, "bpf", NULL)->u.object.len, 14);
	assert_string_equal(pal_profile_get(&p, "bpf", "eventsPerSecond")->u.number.r, "2500");
	s = serialize(pal_profile_get(&p, "bpf", "connect"));
	assert_string_equal(s, "{\"action\":\"audit\",\"denyCidrs\":[\"169.254.169.254/32\","
	                       "\"fd00:ec2::254/128\"]}");
	free(s);
	/* absent: the default given */
	assert_true(pal_profile_bool(&p, "nosuch", NULL, true));
	assert_false(pal_profile_bool(&p, "rootfs", "nosuch", false));
	pal_profile_free(&p);
	free(fx);
}

/* ------------------------------------------------------------ merge */

static void extends_merge(void **state)
{
	struct pal_profile p;
	pal_error err = {0};
	char *s;
	(void)state;

	put(dir, "parent.json",
	    "// the base\n"
	    "{\"description\": \"parent\", \"mode\": \"audit\",\n"
	    " \"capabilities\": {\"allow\": [\"CAP_CHOWN\", \"CAP_KILL\"]},\n"
	    " \"namespaces\": {\"required\": [\"pid\"], \"allowHost\": [\"network\"]},\n"
	    " \"rootfs\": {\"readonly\": false}}\n");
	put(dir, "child.json",
	    "{\"extends\": \"parent\", /* objects merge, arrays replace */\n"
	    " \"namespaces\": {\"allowHost\": [], \"user\": \"optional\"},\n"
	    " \"rootfs\": {\"readonly\": true}, \"noNewPrivileges\": true}\n");

	assert_int_equal(load("child", &p, &err), 0);
	s = serialize(p.tree);
	assert_string_equal(s, "{\"description\":\"parent\",\"mode\":\"audit\","
	                       "\"capabilities\":{\"allow\":[\"CAP_CHOWN\",\"CAP_KILL\"]},"
	                       "\"namespaces\":{\"required\":[\"pid\"],\"allowHost\":[],"
	                       "\"user\":\"optional\"},"
	                       "\"rootfs\":{\"readonly\":true},\"noNewPrivileges\":true}");
	free(s);
	/* the mode is inherited like any member; the path is the child's own */
	assert_int_equal(p.mode, PAL_MODE_AUDIT);
	assert_string_equal(p.name, "child");
	assert_non_null(strstr(p.path, "/child.json"));
	pal_profile_free(&p);

	/* bpf: a child turns a rule off, replaces a list, keeps the rest */
	put(dir, "bpfparent.json",
	    "{\"bpf\": {\"drift\": \"deny\", \"mount\": \"deny\",\n"
	    " \"exec\": {\"action\": \"deny\", \"denyPrefixes\": [\"/tmp\", \"/dev\"]},\n"
	    " \"connect\": {\"action\": \"deny\", \"denyCidrs\": [\"169.254.169.254/32\"]}}}");
	put(dir, "bpfchild.json",
	    "{\"extends\": \"bpfparent\", \"bpf\": {\"drift\": \"off\",\n"
	    " \"exec\": {\"denyPrefixes\": [\"/var/tmp\"]}, \"connect\": {\"action\": \"off\"}}}");
	assert_int_equal(load("bpfchild", &p, &err), 0);
	s = serialize(pal_profile_get(&p, "bpf", NULL));
	assert_string_equal(s, "{\"drift\":\"off\",\"mount\":\"deny\","
	                       "\"exec\":{\"action\":\"deny\",\"denyPrefixes\":[\"/var/tmp\"]},"
	                       "\"connect\":{\"action\":\"off\","
	                       "\"denyCidrs\":[\"169.254.169.254/32\"]}}");
	free(s);
	pal_profile_free(&p);

	/* a child's scalar replaces the parent's */
	put(dir, "child2.json", "{\"extends\": \"child\", \"mode\": \"enforce\"}");
	assert_int_equal(load("child2", &p, &err), 0);
	assert_int_equal(p.mode, PAL_MODE_ENFORCE);
	assert_true(pal_profile_bool(&p, "rootfs", "readonly", false));
	pal_profile_free(&p);

	/* no mode anywhere: enforce */
	put(dir, "plain.json", "{}");
	assert_int_equal(load("plain", &p, &err), 0);
	assert_int_equal(p.mode, PAL_MODE_ENFORCE);
	assert_null(pal_profile_get(&p, "seccomp", NULL));
	assert_true(pal_profile_bool(&p, "rootfs", "readonly", true));
	pal_profile_free(&p);
}

/* ------------------------------------------------------------ validation */

static void expect_invalid(const char *text, const char *msg)
{
	pal_error err = {0};
	yajl_val tree = NULL;

	assert_int_equal(
	    pal_json_parse_opts(text, strlen(text), "t.json", PAL_JSON_COMMENTS, &tree, &err), 0);
	if (pal_profile_validate("t.json", text, strlen(text), tree, &err) != -1)
		fail_msg("accepted: %s", text);
	if (strcmp(err.msg, msg) != 0)
		fail_msg("for %s\n  got:    %s\n  wanted: %s", text, err.msg, msg);
	yajl_tree_free(tree);
}

static void expect_valid(const char *text)
{
	pal_error err = {0};
	yajl_val tree = NULL;

	assert_int_equal(
	    pal_json_parse_opts(text, strlen(text), "t.json", PAL_JSON_COMMENTS, &tree, &err), 0);
	if (pal_profile_validate("t.json", text, strlen(text), tree, &err) != 0)
		fail_msg("refused: %s: %s", text, err.msg);
	yajl_tree_free(tree);
}

static void validate_keys_and_types(void **state)
{
	(void)state;
	expect_invalid("{\n  \"capabilitys\": {}\n}", "t.json:2:3: unknown key \"capabilitys\"");
	expect_invalid("{\"seccomp\": {\"alow\": []}}",
	               "t.json:1:14: unknown key \"alow\" in seccomp");
	expect_invalid(
	    "{\"devices\": {\"allow\": [\n"
	    "  {\"path\": \"/dev/fuse\", \"type\": \"c\", \"major\": 10, \"minor\": 229,\n"
	    "   \"mode\": 438}]}}",
	    "t.json:3:4: unknown key \"mode\" in devices.allow[0]");
	expect_invalid("{\"x\\u0001\": 1}", "t.json:1:2: unknown key \"x\\x01\"");
	expect_invalid("{\"privileged\": \"yes\"}",
	               "t.json:1:2: privileged: must be true or false");
	expect_invalid("{\"description\": 5}", "t.json:1:2: description: must be a string");
	expect_invalid("{\"user\": []}", "t.json:1:2: user: must be an object");
	expect_invalid("{\"user\": {\"nonRoot\": 1}}",
	               "t.json:1:11: user.nonRoot: must be true or false");
	expect_invalid("{\"rootfs\": {\"readonly\": null}}",
	               "t.json:1:13: rootfs.readonly: must be true or false");
	expect_invalid("{\"mode\": \"permissive\"}",
	               "t.json:1:2: mode: \"permissive\" is not \"enforce\" or \"audit\"");
	expect_invalid("{\"extends\": \"../etc/x\"}",
	               "t.json:1:2: extends: \"../etc/x\" is not a valid profile name");
	/* gone: "bpf": {"lsm": "optional"} says it now */
	expect_invalid("{\"optional\": [\"lsm\"]}", "t.json:1:2: unknown key \"optional\"");
	expect_invalid("{\"maskedPaths\": \"/proc/kcore\"}",
	               "t.json:1:2: maskedPaths: must be an array of strings");
}

static void validate_capabilities(void **state)
{
	(void)state;
	expect_invalid("{\"capabilities\": {\"allow\": [\"CAP_CHOWN\", \"cap_kill\"]}}",
	               "t.json:1:42: capabilities.allow[1]: \"cap_kill\" is not a capability name "
	               "(\"CAP_...\")");
	expect_invalid("{\"capabilities\": {\"allow\": [\"CAP_FLY\"]}}",
	               "t.json:1:29: capabilities.allow[0]: \"CAP_FLY\" is not a capability libcap "
	               "knows");
	expect_invalid("{\"capabilities\": {\"allow\": [\"0\"]}}",
	               "t.json:1:29: capabilities.allow[0]: \"0\" is not a capability name "
	               "(\"CAP_...\")");
	expect_invalid("{\"capabilities\": {\"allow\": [\"CAP_KILL\", \"CAP_KILL\"]}}",
	               "t.json:1:41: capabilities.allow[1]: \"CAP_KILL\" is listed twice");
	expect_invalid("{\"capabilities\": {\"allow\": \"CAP_KILL\"}}",
	               "t.json:1:19: capabilities.allow: must be an array of strings");
	expect_invalid("{\"capabilities\": {\"allow\": [7]}}",
	               "t.json:1:29: capabilities.allow[0]: must be a string");
	expect_valid("{\"capabilities\": {\"allow\": [\"CAP_CHOWN\", \"CAP_SYS_ADMIN\", "
	             "\"CAP_CHECKPOINT_RESTORE\"]}}");
}

static void validate_seccomp(void **state)
{
	(void)state;
	expect_invalid("{\"seccomp\": {\"allow\": [\"read\", \"bogus\"]}}",
	               "t.json:1:32: seccomp.allow[1]: \"bogus\" is not a system call libseccomp "
	               "knows on the profile's architectures");
	expect_invalid("{\"seccomp\": {\"allow\": [\"Read\"]}}",
	               "t.json:1:24: seccomp.allow[0]: \"Read\" is not a system call name");
	/* known, but not on the listed architecture */
	expect_invalid("{\"seccomp\": {\"architectures\": [\"SCMP_ARCH_X86_64\"], \"allow\": "
	               "[\"chown32\"]}}",
	               "t.json:1:63: seccomp.allow[0]: \"chown32\" is not a system call libseccomp "
	               "knows on the profile's architectures");
	expect_valid("{\"seccomp\": {\"architectures\": [\"SCMP_ARCH_X86_64\", \"SCMP_ARCH_X86\"],"
	             " \"allow\": [\"chown32\", \"socketcall\", \"recv\", \"semop\"]}}");
	/* recv exists on x86 only through socketcall(2) */
	expect_invalid("{\"seccomp\": {\"architectures\": [\"SCMP_ARCH_X86_64\"], \"allow\": "
	               "[\"recv\"]}}",
	               "t.json:1:63: seccomp.allow[0]: \"recv\" is not a system call libseccomp "
	               "knows on the profile's architectures");
	expect_invalid("{\"seccomp\": {\"architectures\": [\"SCMP_ARCH_FOO\"]}}",
	               "t.json:1:32: seccomp.architectures[0]: \"SCMP_ARCH_FOO\" is not an "
	               "architecture libseccomp knows (SCMP_ARCH_...)");
	expect_invalid("{\"seccomp\": {\"architectures\": []}}",
	               "t.json:1:14: seccomp.architectures: must name at least one architecture");
	expect_invalid("{\"seccomp\": {\"defaultErrno\": \"EWHAT\"}}",
	               "t.json:1:14: seccomp.defaultErrno: \"EWHAT\" is not an errno name (EPERM, "
	               "ENOSYS...)");
	expect_invalid("{\"seccomp\": {\"denyErrno\": 1}}",
	               "t.json:1:14: seccomp.denyErrno: must be a string");
	expect_invalid("{\"seccomp\": {\"enosys\": [\"clone3\", \"clone3\"]}}",
	               "t.json:1:35: seccomp.enosys[1]: \"clone3\" is listed twice");
}

#define COND_HEAD "{\"seccomp\": {\"conditional\": [{\"names\": [\"personality\"],\n"

static void validate_seccomp_conditional(void **state)
{
	(void)state;
	expect_invalid(COND_HEAD " \"args\": [{\"index\": 0, \"value\": 0,\n"
	                         "  \"op\": \"SCMP_CMP_XX\"}]}]}}",
	               "t.json:3:3: seccomp.conditional[0].args[0].op: \"SCMP_CMP_XX\" is not a "
	               "comparison (SCMP_CMP_...)");
	expect_invalid(COND_HEAD " \"args\": [{\"op\": \"SCMP_CMP_EQ\", \"value\": 0,\n"
	                         "  \"index\": 6}]}]}}",
	               "t.json:3:3: seccomp.conditional[0].args[0].index: 6 is more than 5");
	expect_invalid(COND_HEAD " \"args\": [{\"op\": \"SCMP_CMP_EQ\", \"index\": 0,\n"
	                         "  \"value\": -1}]}]}}",
	               "t.json:3:3: seccomp.conditional[0].args[0].value: must be a non-negative "
	               "integer");
	expect_invalid(COND_HEAD " \"args\": [{\"op\": \"SCMP_CMP_EQ\", \"index\": 0,\n"
	                         "  \"value\": 1.5}]}]}}",
	               "t.json:3:3: seccomp.conditional[0].args[0].value: must be a non-negative "
	               "integer");
	expect_invalid(COND_HEAD " \"args\": [{\"op\": \"SCMP_CMP_EQ\", \"index\": 0,\n"
	                         "  \"value\": \"0\"}]}]}}",
	               "t.json:3:3: seccomp.conditional[0].args[0].value: must be a number");
	expect_invalid(COND_HEAD
	               " \"args\": [{\"op\": \"SCMP_CMP_EQ\", \"index\": 0, \"value\": 0,\n"
	               "  \"valueTwo\": 18446744073709551616}]}]}}",
	               "t.json:3:3: seccomp.conditional[0].args[0].valueTwo: "
	               "18446744073709551616 is too large");
	expect_valid(COND_HEAD " \"args\": [{\"op\": \"SCMP_CMP_MASKED_EQ\", \"index\": 5,"
	                       " \"value\": 18446744073709551615, \"valueTwo\": 0}]}]}}");
	expect_invalid(COND_HEAD " \"args\": [\n"
	                         "  {\"index\": 0, \"value\": 0}]}]}}",
	               "t.json:3:3: seccomp.conditional[0].args[0]: needs \"index\", \"value\" and "
	               "\"op\"");
	expect_invalid(COND_HEAD
	               " \"args\": [{\"index\": 0, \"value\": 0, \"op\": \"SCMP_CMP_GE\"},\n"
	               "  {\"index\": 0, \"value\": 9, \"op\": \"SCMP_CMP_LE\"}]}]}}",
	               "t.json:3:3: seccomp.conditional[0].args[1]: compares argument 0 twice");
	expect_invalid(COND_HEAD " \"args\": []}]}}",
	               "t.json:2:2: seccomp.conditional[0].args: must not be empty (an entry "
	               "without args belongs in \"allow\")");
	expect_invalid("{\"seccomp\": {\"conditional\": [\n"
	               "  {\"args\": [{\"index\": 0, \"value\": 0, \"op\": \"SCMP_CMP_EQ\"}]}]}}",
	               "t.json:2:3: seccomp.conditional[0]: needs \"names\" and \"args\"");
	expect_invalid("{\"seccomp\": {\"conditional\": [{\"names\": [],\n"
	               " \"args\": [{\"index\": 0, \"value\": 0, \"op\": \"SCMP_CMP_EQ\"}]}]}}",
	               "t.json:1:31: seccomp.conditional[0].names: must not be empty");
	expect_invalid("{\"seccomp\": {\"conditional\": {}}}",
	               "t.json:1:14: seccomp.conditional: must be an array of objects");
	/* one meaning per syscall */
	expect_invalid("{\"seccomp\": {\"allow\": [\"personality\"],\n"
	               " \"conditional\": [{\"names\": [\"clone\", \"personality\"],"
	               " \"args\": [{\"index\": 0, \"value\": 0, \"op\": \"SCMP_CMP_EQ\"}]}]}}",
	               "t.json:2:38: seccomp.conditional[0].names[1]: \"personality\" is also in "
	               "seccomp.allow");
	expect_invalid("{\"seccomp\": {\"allow\": [\"read\"], \"enosys\": [\"clone3\", \"read\"]}}",
	               "t.json:1:54: seccomp.enosys[1]: \"read\" is also in seccomp.allow");
	expect_invalid(COND_HEAD
	               " \"args\": [{\"index\": 0, \"value\": 0, \"op\": \"SCMP_CMP_EQ\"}]}],\n"
	               " \"enosys\": [\"personality\"]}}",
	               "t.json:3:13: seccomp.enosys[0]: \"personality\" is also in "
	               "seccomp.conditional");
}

static void validate_paths_and_enums(void **state)
{
	(void)state;
	expect_invalid("{\"maskedPaths\": [\"/proc/kcore\", \"proc/keys\"]}",
	               "t.json:1:33: maskedPaths[1]: \"proc/keys\" is not an absolute, normalised "
	               "path");
	expect_invalid("{\"readonlyPaths\": [\"/proc//sys\"]}",
	               "t.json:1:20: readonlyPaths[0]: \"/proc//sys\" is not an absolute, "
	               "normalised path");
	expect_invalid("{\"mounts\": {\"denyHostPaths\": [\"/\", \"/etc/\"]}}",
	               "t.json:1:36: mounts.denyHostPaths[1]: \"/etc/\" is not an absolute, "
	               "normalised path");
	expect_invalid("{\"hooks\": {\"allow\": [\"hook.sh\"]}}",
	               "t.json:1:22: hooks.allow[0]: \"hook.sh\" is not an absolute, normalised "
	               "path");
	expect_invalid("{\"mounts\": {\"forceOptions\": [\"nosuid\", \"suid\"]}}",
	               "t.json:1:40: mounts.forceOptions[1]: \"suid\" is not one of nosuid, nodev, "
	               "noexec, ro");
	expect_invalid("{\"namespaces\": {\"required\": [\"net\"]}}",
	               "t.json:1:30: namespaces.required[0]: \"net\" is not a namespace type (pid, "
	               "network, mount, ipc, uts, cgroup, time, user)");
	expect_invalid("{\"namespaces\": {\"required\": [\"user\"]}}",
	               "t.json:1:30: namespaces.required[0]: \"user\" is set with \"namespaces\": "
	               "{\"user\": \"required\"}");
	expect_invalid("{\"namespaces\": {\"user\": \"maybe\"}}",
	               "t.json:1:17: namespaces.user: \"maybe\" is not \"required\" or "
	               "\"optional\"");
	expect_valid("{\"namespaces\": {\"required\": [\"pid\", \"time\"], \"allowHost\": "
	             "[\"network\", \"user\"], \"user\": \"required\"}}");
	expect_invalid("{\"devices\": {\"allow\": [{\"path\": \"/etc/x\", \"type\": \"c\"}]}}",
	               "t.json:1:25: devices.allow[0].path: \"/etc/x\" is not a normalised path "
	               "under /dev/");
	expect_invalid("{\"devices\": {\"allow\": [{\"path\": \"/dev/x\", \"type\": \"x\"}]}}",
	               "t.json:1:43: devices.allow[0].type: \"x\" is not a device type (c, b, u, "
	               "p)");
	expect_invalid("{\"devices\": {\"allow\": [{\"path\": \"/dev/x\", \"type\": \"c\", "
	               "\"major\": 1}]}}",
	               "t.json:1:24: devices.allow[0]: needs \"major\" and \"minor\"");
	expect_invalid("{\"devices\": {\"allow\": [{\"type\": \"c\"}]}}",
	               "t.json:1:24: devices.allow[0]: needs \"path\" and \"type\"");
	expect_valid(
	    "{\"devices\": {\"allow\": [{\"path\": \"/dev/fifo\", \"type\": \"p\"},"
	    " {\"path\": \"/dev/fuse\", \"type\": \"c\", \"major\": 10, \"minor\": 229}]}}");
	expect_invalid("{\"sysctls\": {\"allow\": [\"net\"]}}",
	               "t.json:1:24: sysctls.allow[0]: \"net\" is not a sysctl name");
	expect_invalid("{\"sysctls\": {\"allow\": [\"net..core\"]}}",
	               "t.json:1:24: sysctls.allow[0]: \"net..core\" is not a sysctl name");
	expect_invalid("{\"sysctls\": {\"allowPrefixes\": [\"net.ipv4\"]}}",
	               "t.json:1:32: sysctls.allowPrefixes[0]: \"net.ipv4\" is not a sysctl prefix "
	               "(ending in \".\")");
	expect_valid("{\"sysctls\": {\"allow\": [\"net.ipv4.ping_group_range\"], "
	             "\"allowPrefixes\": [\"net.ipv4.conf.\", \"kernel.\"]}}");
	expect_invalid("{\"rlimits\": {\"max\": {\"RLIMIT_FOO\": {\"soft\": 1, \"hard\": 1}}}}",
	               "t.json:1:22: rlimits.max.RLIMIT_FOO: not an rlimit (RLIMIT_AS ... "
	               "RLIMIT_STACK)");
	expect_invalid("{\"rlimits\": {\"max\": {\"RLIMIT_NOFILE\": {\"soft\": 9, \"hard\": 1}}}}",
	               "t.json:1:22: rlimits.max.RLIMIT_NOFILE: soft limit above the hard one");
	expect_invalid("{\"rlimits\": {\"max\": {\"RLIMIT_NOFILE\": {\"soft\": 9}}}}",
	               "t.json:1:22: rlimits.max.RLIMIT_NOFILE: needs \"soft\" and \"hard\"");
	expect_invalid("{\"rlimits\": {\"max\": {\"RLIMIT_CORE\": {\"soft\": 0, \"hard\": 0, "
	               "\"max\": 0}}}}",
	               "t.json:1:60: unknown key \"max\" in rlimits.max.RLIMIT_CORE");
	expect_valid("{\"rlimits\": {\"max\": {\"RLIMIT_NOFILE\": {\"soft\": 1024, \"hard\": 4096},"
	             " \"RLIMIT_CORE\": {\"soft\": 0, \"hard\": 0}}}}");
}

static void validate_bpf(void **state)
{
	char *text, *msg, *p;
	char long_path[PAL_BPF_PATH_MAX + 1];
	(void)state;

	expect_invalid("{\"bpf\": []}", "t.json:1:2: bpf: must be an object");
	expect_invalid("{\"bpf\": {\"exex\": {}}}", "t.json:1:10: unknown key \"exex\" in bpf");
	expect_invalid("{\"bpf\": {\"exec\": {\"action\": \"deny\", \"prefixes\": []}}}",
	               "t.json:1:37: unknown key \"prefixes\" in bpf.exec");
	expect_invalid("{\"bpf\": {\"exec\": \"deny\"}}",
	               "t.json:1:10: bpf.exec: must be an object");
	expect_invalid("{\"bpf\": {\"mount\": \"block\"}}",
	               "t.json:1:10: bpf.mount: \"block\" is not \"deny\", \"audit\" or \"off\"");
	expect_invalid("{\"bpf\": {\"drift\": true}}", "t.json:1:10: bpf.drift: must be a string");
	expect_invalid("{\"bpf\": {\"capabilities\": \"deny\"}}",
	               "t.json:1:10: bpf.capabilities: \"deny\" is not \"log\" or \"off\"");
	expect_invalid("{\"bpf\": {\"lsm\": \"maybe\"}}",
	               "t.json:1:10: bpf.lsm: \"maybe\" is not \"required\" or \"optional\"");
	expect_invalid("{\"bpf\": {\"eventsPerSecond\": 0}}",
	               "t.json:1:10: bpf.eventsPerSecond: must be at least 1");
	expect_invalid("{\"bpf\": {\"mount\": \"deny\",\n  \"eventsPerSecond\": 1000001}}",
	               "t.json:2:3: bpf.eventsPerSecond: 1000001 is more than 1000000");
	expect_invalid("{\"bpf\": {\"eventsPerSecond\": -5}}",
	               "t.json:1:10: bpf.eventsPerSecond: must be a non-negative integer");
	expect_invalid("{\"bpf\": {\"eventsPerSecond\": 1.5}}",
	               "t.json:1:10: bpf.eventsPerSecond: must be a non-negative integer");
	expect_invalid("{\"bpf\": {\"eventsPerSecond\": \"100\"}}",
	               "t.json:1:10: bpf.eventsPerSecond: must be a number");
	expect_valid("{\"bpf\": {\"eventsPerSecond\": 1}}");
	expect_valid("{\"bpf\": {\"eventsPerSecond\": 1000000}}");
	expect_invalid("{\"bpf\": {\"connect\": {\"action\": \"deny\",\n"
	               "  \"denyCidrs\": [\"169.254.169.254/32\", \"10.0.0.1/8\"]}}}",
	               "t.json:2:39: bpf.connect.denyCidrs[1]: \"10.0.0.1/8\" has host bits set "
	               "(the network is 10.0.0.0/8)");
	expect_invalid("{\"bpf\": {\"connect\": {\"denyCidrs\": [\"10.0.0.0/33\"]}}}",
	               "t.json:1:36: bpf.connect.denyCidrs[0]: \"10.0.0.0/33\": the prefix length "
	               "must be 0 to 32");
	expect_invalid("{\"bpf\": {\"connect\": {\"denyCidrs\": [\"metadata\"]}}}",
	               "t.json:1:36: bpf.connect.denyCidrs[0]: \"metadata\" is not a CIDR "
	               "(\"a.b.c.d/n\" or \"x::y/n\")");
	expect_invalid(
	    "{\"bpf\": {\"connect\": {\"denyCidrs\": [\"::ffff:169.254.169.254/128\"]}}}",
	    "t.json:1:36: bpf.connect.denyCidrs[0]: \"::ffff:169.254.169.254/128\" is an "
	    "IPv4-mapped address: write it as IPv4 (169.254.169.254/32), which also "
	    "covers its mapped form");
	expect_invalid(
	    "{\"bpf\": {\"connect\": {\"denyCidrs\": [\"10.0.0.0/8\", \"10.0.0.0/8\"]}}}",
	    "t.json:1:50: bpf.connect.denyCidrs[1]: \"10.0.0.0/8\" is listed twice");
	expect_invalid("{\"bpf\": {\"exec\": {\"denyPrefixes\": [\"tmp\"]}}}",
	               "t.json:1:36: bpf.exec.denyPrefixes[0]: \"tmp\" is not an absolute, "
	               "normalised path");
	expect_invalid("{\"bpf\": {\"files\": {\"deny\": [\"/proc/\"]}}}",
	               "t.json:1:29: bpf.files.deny[0]: \"/proc/\" is not an absolute, normalised "
	               "path");

	/* a path the trie key can hold: 239 bytes, not 240 */
	memset(long_path, 'a', sizeof(long_path));
	long_path[0] = '/';
	long_path[PAL_BPF_PATH_MAX] = '\0';
	assert_true(
	    asprintf(&text, "{\"bpf\": {\"files\": {\"denyWrite\": [\"%s\"]}}}", long_path) > 0);
	assert_true(
	    asprintf(&msg,
	             "t.json:1:34: bpf.files.denyWrite[0]: \"/%.63s...\" is longer than 239 "
	             "bytes",
	             long_path + 1) > 0);
	expect_invalid(text, msg);
	free(text);
	free(msg);
	long_path[PAL_BPF_PATH_MAX - 1] = '\0';
	assert_true(
	    asprintf(&text, "{\"bpf\": {\"files\": {\"denyWrite\": [\"%s\"]}}}", long_path) > 0);
	expect_valid(text);
	free(text);

	/* at most 64 entries in a list */
	text = malloc(64 * 16 + 128);
	assert_non_null(text);
	for (int n = 64; n <= 65; n++) {
		p = text + sprintf(text, "{\"bpf\": {\"files\": {\n  \"deny\": [");
		for (int i = 0; i < n; i++)
			p += sprintf(p, "%s\"/p%d\"", i ? ", " : "", i);
		sprintf(p, "]}}}");
		if (n == 64)
			expect_valid(text);
		else
			expect_invalid(text,
			               "t.json:2:3: bpf.files.deny: has 65 entries, at most 64");
	}
	free(text);

	expect_valid(
	    "{\"bpf\": {\"lsm\": \"optional\", \"exec\": {\"action\": \"audit\", "
	    "\"denyPrefixes\": [\"/\"]}, \"connect\": {\"action\": \"off\", \"denyCidrs\": "
	    "[\"0.0.0.0/0\", \"::/0\", \"fd00:ec2::254/128\", \"100.64.0.0/10\"]}, "
	    "\"files\": {\"denyWrite\": []}, \"capabilities\": \"off\", \"drift\": \"off\"}}");
	expect_valid("{\"bpf\": {}}");
}

static void names_paths_errnos(void **state)
{
	static const char *const good_names[] = {"default", "a", "web-1.2_x", "0", "A.b"};
	static const char *const bad_names[] = {"",   ".hidden", "-x",  "a/b", "a..b",
	                                        "..", "a b",     "x\n", "é"};
	static const char *const good_paths[] = {"/", "/a", "/a/b", "/a.b/.c/..d", "/a/b c"};
	static const char *const bad_paths[] = {"",     "a",    "//",      "/a//b", "/a/",
	                                        "/./a", "/a/.", "/a/../b", "/.."};
	char long_name[PAL_PROFILE_NAME_MAX + 2];
	struct pal_profile p;
	pal_error err = {0};
	(void)state;

	for (size_t i = 0; i < sizeof(good_names) / sizeof(*good_names); i++)
		assert_true(pal_profile_name_valid(good_names[i]));
	for (size_t i = 0; i < sizeof(bad_names) / sizeof(*bad_names); i++)
		if (pal_profile_name_valid(bad_names[i]))
			fail_msg("accepted name \"%s\"", bad_names[i]);
	assert_false(pal_profile_name_valid(NULL));
	memset(long_name, 'a', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	assert_false(pal_profile_name_valid(long_name));
	long_name[sizeof(long_name) - 2] = '\0';
	assert_true(pal_profile_name_valid(long_name));

	for (size_t i = 0; i < sizeof(good_paths) / sizeof(*good_paths); i++)
		assert_true(pal_profile_path_valid(good_paths[i]));
	for (size_t i = 0; i < sizeof(bad_paths) / sizeof(*bad_paths); i++)
		if (pal_profile_path_valid(bad_paths[i]))
			fail_msg("accepted path \"%s\"", bad_paths[i]);

	assert_int_equal(pal_profile_errno("EPERM"), EPERM);
	assert_int_equal(pal_profile_errno("ENOSYS"), ENOSYS);
	assert_int_equal(pal_profile_errno("EACCES"), EACCES);
	assert_int_equal(pal_profile_errno("eperm"), -1);
	assert_int_equal(pal_profile_errno("1"), -1);

	/* the loader refuses before touching the file system */
	assert_int_equal(load("../../etc/passwd", &p, &err), -1);
	assert_string_equal(err.msg, "profile name \"../../etc/passwd\" is not valid "
	                             "([A-Za-z0-9][A-Za-z0-9._-]*, no \"..\")");
	assert_int_equal(err.errnum, EINVAL);
	assert_int_equal(load("x\x1b", &p, &err), -1);
	assert_non_null(strstr(err.msg, "\"x\\x1b\""));
}

static void locate_columns(void **state)
{
	const char *t = "{\"a\": [\"x\\\"y\", 12, {\"k\": 1}, [1], true, \"\"]}";
	struct pal_json_step s[2] = {{.key = "a"}, {.index = 0}};
	int line, col;
	(void)state;

	for (size_t i = 0; i < 6; i++) {
		static const int want[] = {8, 16, 20, 30, 35, 41};
		s[1].index = i;
		assert_int_equal(pal_profile_locate(t, strlen(t), s, 2, &line, &col), 0);
		assert_int_equal(line, 1);
		if (col != want[i])
			fail_msg("a[%zu]: column %d, wanted %d", i, col, want[i]);
	}
	/* members keep pal_json_locate's position: the key */
	assert_int_equal(pal_profile_locate(t, strlen(t), s, 1, &line, &col), 0);
	assert_int_equal(col, 2);
	s[1].index = 6;
	assert_int_equal(pal_profile_locate(t, strlen(t), s, 2, &line, &col), -1);
}

/* ------------------------------------------------------------ loading */

static void search_order(void **state)
{
	struct pal_profile p;
	pal_error err = {0};
	char *path, *msg;
	(void)state;

	put(dir, "both.json", "{\"description\": \"first\"}");
	put(dir2, "both.json", "{\"description\": \"second\"}");
	put(dir2, "only2.json", "{\"description\": \"only in the second\"}");

	assert_int_equal(load("both", &p, &err), 0);
	assert_string_equal(pal_profile_get(&p, "description", NULL)->u.string, "first");
	assert_true(asprintf(&path, "%s/both.json", dir) > 0);
	assert_string_equal(p.path, path);
	free(path);
	pal_profile_free(&p);

	assert_int_equal(load("only2", &p, &err), 0);
	assert_string_equal(pal_profile_get(&p, "description", NULL)->u.string,
	                    "only in the second");
	pal_profile_free(&p);

	/* "extends" searches from the start too: dir's "both" */
	put(dir2, "ext.json", "{\"extends\": \"both\"}");
	assert_int_equal(load("ext", &p, &err), 0);
	assert_string_equal(pal_profile_get(&p, "description", NULL)->u.string, "first");
	pal_profile_free(&p);

	/* not found anywhere: both directories named */
	assert_int_equal(load("nope", &p, &err), -1);
	assert_int_equal(err.errnum, ENOENT);
	assert_true(asprintf(&msg, "profile \"nope\" not found in %s, %s", dir, dir2) > 0);
	assert_string_equal(err.msg, msg);
	free(msg);

	/* a missing directory is passed over */
	{
		char *dirs[] = {"/nonexistent/palisade", dir2};
		struct pal_conf conf = {.profile_dirs = dirs, .n_profile_dirs = 2};
		assert_int_equal(pal_profile_load(&conf, "only2", &p, &err), 0);
		pal_profile_free(&p);
	}

	/* something there that cannot be loaded stops the search: falling
	 * through to the next directory would load another policy */
	assert_true(asprintf(&path, "%s/shadow.json", dir) > 0);
	assert_int_equal(mkdir(path, 0700), 0);
	put(dir2, "shadow.json", "{}");
	assert_int_equal(load("shadow", &p, &err), -1);
	assert_true(asprintf(&msg, "%s: not a regular file", path) > 0);
	assert_string_equal(err.msg, msg);
	free(msg);
	free(path);

	put(dir, "broken.json", "{\"description\": \"x\",\n \"mode\": }");
	put(dir2, "broken.json", "{}");
	assert_int_equal(load("broken", &p, &err), -1);
	assert_true(asprintf(&path, "%s/broken.json:2:", dir) > 0);
	assert_non_null(strstr(err.msg, path));
	free(path);

	/* at most PAL_PROFILE_MAX_SIZE bytes */
	{
		size_t n = PAL_PROFILE_MAX_SIZE + 1;
		char *big = malloc(n + 1);
		assert_non_null(big);
		memset(big, ' ', n);
		big[0] = '{';
		big[n - 1] = '}';
		big[n] = '\0';
		put(dir, "big.json", big);
		free(big);
		assert_int_equal(load("big", &p, &err), -1);
		assert_non_null(strstr(err.msg, "more than the 1048576 allowed"));
	}

	/* a validation error names the file it is in */
	put(dir, "bad.json", "{\n\t\"capabilities\": {\"allow\": [\"CAP_NOPE\"]}}");
	assert_int_equal(load("bad", &p, &err), -1);
	assert_true(asprintf(&msg,
	                     "%s/bad.json:2:29: capabilities.allow[0]: \"CAP_NOPE\" is not a "
	                     "capability libcap knows",
	                     dir) > 0);
	assert_string_equal(err.msg, msg);
	free(msg);

	/* ... also when it is in a profile extended */
	put(dir2, "onbad.json", "{\"extends\": \"bad\"}");
	assert_int_equal(load("onbad", &p, &err), -1);
	assert_true(asprintf(&msg, "%s/bad.json:2:29:", dir) > 0);
	assert_non_null(strstr(err.msg, msg));
	free(msg);
	assert_null(p.tree);
}

static void extends_errors(void **state)
{
	struct pal_profile p;
	pal_error err = {0};
	char *msg;
	(void)state;

	put(dir, "a.json", "{\"extends\": \"b\"}");
	put(dir, "b.json", "{\"extends\": \"c\"}");
	put(dir, "c.json", "{\"extends\": \"a\"}");
	assert_int_equal(load("a", &p, &err), -1);
	assert_true(asprintf(&msg, "%s/c.json: extends \"a\": cycle a -> b -> c -> a", dir) > 0);
	assert_string_equal(err.msg, msg);
	free(msg);
	assert_int_equal(load("b", &p, &err), -1);
	assert_true(asprintf(&msg, "%s/a.json: extends \"b\": cycle b -> c -> a -> b", dir) > 0);
	assert_string_equal(err.msg, msg);
	free(msg);

	put(dir, "self.json", "{\"extends\": \"self\"}");
	assert_int_equal(load("self", &p, &err), -1);
	assert_true(asprintf(&msg, "%s/self.json: extends \"self\": cycle self -> self", dir) > 0);
	assert_string_equal(err.msg, msg);
	free(msg);

	put(dir, "orphan.json", "{\"extends\": \"missing\"}");
	assert_int_equal(load("orphan", &p, &err), -1);
	assert_true(asprintf(&msg,
	                     "%s/orphan.json: extends \"missing\": profile not found in %s, %s",
	                     dir, dir, dir2) > 0);
	assert_string_equal(err.msg, msg);
	free(msg);

	/* d0 -> d1 -> ... -> d8: eight levels are allowed, nine are not */
	for (int i = 0; i < PAL_PROFILE_MAX_DEPTH + 1; i++) {
		char name[32], text[64];
		snprintf(name, sizeof(name), "d%d.json", i);
		snprintf(text, sizeof(text), "{\"extends\": \"d%d\"}", i + 1);
		put(dir, name, text);
	}
	put(dir, "d9.json", "{\"description\": \"bottom\"}");
	assert_int_equal(load("d1", &p, &err), 0);
	assert_string_equal(pal_profile_get(&p, "description", NULL)->u.string, "bottom");
	assert_null(pal_profile_get(&p, "extends", NULL));
	pal_profile_free(&p);
	assert_int_equal(load("d0", &p, &err), -1);
	assert_true(asprintf(&msg,
	                     "%s/d8.json: extends \"d9\": more than 8 levels of extends: d0 -> d1 "
	                     "-> d2 -> d3 -> d4 -> d5 -> d6 -> d7 -> d8 -> d9",
	                     dir) > 0);
	assert_string_equal(err.msg, msg);
	free(msg);
}

static void default_dirs(void **state)
{
	struct pal_profile p;
	pal_error err = {0};
	(void)state;

	/* a conf with no directories uses the built-in ones */
	assert_string_equal(pal_default_profile_dirs[0], "/etc/palisade/profiles");
	assert_string_equal(pal_default_profile_dirs[1], PAL_DATADIR "/profiles");
	assert_null(pal_default_profile_dirs[2]);
	assert_int_equal(pal_profile_load(&(struct pal_conf){0}, "palisade-test-none", &p, &err),
	                 -1);
	assert_string_equal(err.msg, "profile \"palisade-test-none\" not found in "
	                             "/etc/palisade/profiles, " PAL_DATADIR "/profiles");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(shipped_profiles),
	    cmocka_unit_test(every_key),
	    cmocka_unit_test(extends_merge),
	    cmocka_unit_test(validate_keys_and_types),
	    cmocka_unit_test(validate_capabilities),
	    cmocka_unit_test(validate_seccomp),
	    cmocka_unit_test(validate_seccomp_conditional),
	    cmocka_unit_test(validate_paths_and_enums),
	    cmocka_unit_test(validate_bpf),
	    cmocka_unit_test(names_paths_errnos),
	    cmocka_unit_test(locate_columns),
	    cmocka_unit_test(search_order),
	    cmocka_unit_test(extends_errors),
	    cmocka_unit_test(default_dirs),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
