/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "rule_test.h"

#define ALL_CAPS                                                                                   \
	"[\"CAP_CHOWN\", \"CAP_DAC_OVERRIDE\", \"CAP_DAC_READ_SEARCH\", \"CAP_FOWNER\","           \
	" \"CAP_FSETID\", \"CAP_KILL\", \"CAP_SETGID\", \"CAP_SETUID\", \"CAP_SETPCAP\","          \
	" \"CAP_LINUX_IMMUTABLE\", \"CAP_NET_BIND_SERVICE\", \"CAP_NET_BROADCAST\","               \
	" \"CAP_NET_ADMIN\", \"CAP_NET_RAW\", \"CAP_IPC_LOCK\", \"CAP_IPC_OWNER\","                \
	" \"CAP_SYS_MODULE\", \"CAP_SYS_RAWIO\", \"CAP_SYS_CHROOT\", \"CAP_SYS_PTRACE\","          \
	" \"CAP_SYS_PACCT\", \"CAP_SYS_ADMIN\", \"CAP_SYS_BOOT\", \"CAP_SYS_NICE\","               \
	" \"CAP_SYS_RESOURCE\", \"CAP_SYS_TIME\", \"CAP_SYS_TTY_CONFIG\", \"CAP_MKNOD\","          \
	" \"CAP_LEASE\", \"CAP_AUDIT_WRITE\", \"CAP_AUDIT_CONTROL\", \"CAP_SETFCAP\","             \
	" \"CAP_MAC_OVERRIDE\", \"CAP_MAC_ADMIN\", \"CAP_SYSLOG\", \"CAP_WAKE_ALARM\","            \
	" \"CAP_BLOCK_SUSPEND\", \"CAP_AUDIT_READ\", \"CAP_PERFMON\", \"CAP_BPF\","                \
	" \"CAP_CHECKPOINT_RESTORE\"]"

#define PRIV "{\"privileged\": false}"

/* What `docker run --privileged` makes of `runc spec`'s defaults: every
 * capability, AppArmor unconfined, no masked or read-only paths, every
 * device allowed and present, sysfs and cgroupfs read-write. */
static yajl_val docker_privileged(void)
{
	yajl_val base = rule_test_fixture("spec-runc.json"), a, b;

	a = rule_test_with(base, "process.capabilities",
	                   "{\"bounding\": " ALL_CAPS ", \"effective\": " ALL_CAPS
	                   ", \"permitted\": " ALL_CAPS "}");
	yajl_tree_free(base);
	b = rule_test_with(a, "process.apparmorProfile", "\"unconfined\"");
	yajl_tree_free(a);
	a = rule_test_with(b, "linux.maskedPaths", NULL);
	yajl_tree_free(b);
	b = rule_test_with(a, "linux.readonlyPaths", NULL);
	yajl_tree_free(a);
	a = rule_test_with(b, "linux.resources.devices",
	                   "[{\"allow\": true, \"access\": \"rwm\"}]");
	yajl_tree_free(b);
	b = rule_test_with(
	    a, "linux.devices",
	    "[{\"path\": \"/dev/mem\", \"type\": \"c\", \"major\": 1, \"minor\": 1},"
	    " {\"path\": \"/dev/sda\", \"type\": \"b\", \"major\": 8, \"minor\": 0}]");
	yajl_tree_free(a);
	/* sysfs (mounts[5]) and cgroup (mounts[6]): "ro" became "rw" */
	a = rule_test_with(b, "mounts", NULL);
	{
		pal_error err = {0};
		yajl_val mounts = pal_json_dup(pal_json_get(b, "mounts"));

		assert_non_null(mounts);
		for (size_t m = 5; m <= 6; m++) {
			yajl_val opts = pal_json_get(mounts->u.array.values[m], "options");
			yajl_val last = opts->u.array.values[opts->u.array.len - 1];

			assert_string_equal(last->u.string, "ro");
			last->u.string[1] = 'w';
			last->u.string[0] = 'r';
		}
		assert_int_equal(pal_json_set(a, "mounts", mounts, &err), 0);
	}
	yajl_tree_free(b);
	return a;
}

/* containerd's spec with CAP_SYS_ADMIN added, as --cap-add SYS_ADMIN or a
 * pod's capabilities.add make it: every other protection in place */
static yajl_val cap_add_sys_admin(void)
{
	yajl_val cd = rule_test_fixture("spec-containerd.json");
	yajl_val out = rule_test_with(
	    cd, "process.capabilities",
	    "{\"bounding\": [\"CAP_CHOWN\", \"CAP_SYS_ADMIN\"], \"effective\": [\"CAP_CHOWN\","
	    " \"CAP_SYS_ADMIN\"], \"permitted\": [\"CAP_CHOWN\", \"CAP_SYS_ADMIN\"]}");

	yajl_tree_free(cd);
	return out;
}

static void absent_or_true(void **state)
{
	struct rule_test t;
	yajl_val spec = docker_privileged();
	(void)state;

	rule_test_init(&t, "{\"noNewPrivileges\": true}");
	rule_test_unchanged(&t, &pal_rule_privileged, spec);
	rule_test_fini(&t);
	rule_test_init(&t, "{\"privileged\": true}");
	rule_test_unchanged(&t, &pal_rule_privileged, spec);
	rule_test_fini(&t);
	yajl_tree_free(spec);
}

static void fixtures_not_privileged(void **state)
{
	struct rule_test t;
	static const char *const names[] = {"spec-runc.json", "spec-podman.json",
	                                    "spec-containerd.json"};
	(void)state;

	rule_test_init(&t, PRIV);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		yajl_val spec = rule_test_fixture(names[i]);

		rule_test_unchanged(&t, &pal_rule_privileged, spec);
		yajl_tree_free(spec);
	}
	/* CAP_SYS_ADMIN alone is the capabilities rule's business */
	{
		yajl_val spec = cap_add_sys_admin();

		rule_test_unchanged(&t, &pal_rule_privileged, spec);
		yajl_tree_free(spec);
	}
	rule_test_fini(&t);
}

static void docker_privileged_refused(void **state)
{
	struct rule_test t;
	yajl_val spec = docker_privileged();
	(void)state;

	rule_test_init(&t, PRIV);
	rule_test_refuses(&t, &pal_rule_privileged, spec, "process.capabilities.bounding", NULL);
	assert_string_equal(
	    t.err.msg,
	    "refused by profile \"test\" (rule privileged): process.capabilities.bounding: a "
	    "privileged container: CAP_SYS_ADMIN with linux.resources.devices[0] allowing every "
	    "device, no linux.maskedPaths, no linux.readonlyPaths, AppArmor unconfined, sysfs "
	    "mounted read-write (mounts[5]), host device /dev/mem (linux.devices[0]); run it "
	    "without --privileged (privileged: false in the pod); select a profile that allows "
	    "it with the annotation io.palisade.profile");
	yajl_tree_free(spec);
	rule_test_fini(&t);
}

/* Each signal alone, on top of --cap-add SYS_ADMIN, is enough. */
static void each_signal(void **state)
{
	static const struct {
		const char *path, *json, *why;
	} cases[] = {
	    {"linux.resources.devices",
	     "[{\"allow\": false, \"access\": \"rwm\"}, {\"allow\": true, \"access\": \"rwm\"}]",
	     "CAP_SYS_ADMIN with linux.resources.devices[1] allowing every device;"},
	    {"linux.resources.devices",
	     "[{\"allow\": true, \"type\": \"a\", \"major\": -1, \"minor\": -1, \"access\": "
	     "\"rwm\"}]",
	     "with linux.resources.devices[0] allowing every device;"},
	    {"linux.resources.devices",
	     "[{\"allow\": false, \"access\": \"rwm\"}, {\"allow\": true, \"type\": \"b\","
	     " \"access\": \"rw\"}]",
	     "with linux.resources.devices[1] allowing every block device;"},
	    {"linux.resources.devices", "[{\"allow\": true, \"type\": \"c\", \"major\": -1}]",
	     "with linux.resources.devices[0] allowing every character device;"},
	    {"linux.maskedPaths", "[]", "CAP_SYS_ADMIN with no linux.maskedPaths;"},
	    {"linux.maskedPaths", NULL, "CAP_SYS_ADMIN with no linux.maskedPaths;"},
	    {"linux.maskedPaths", "null", "CAP_SYS_ADMIN with no linux.maskedPaths;"},
	    {"linux.readonlyPaths", "[]", "CAP_SYS_ADMIN with no linux.readonlyPaths;"},
	    {"process.apparmorProfile", "\"unconfined\"",
	     "CAP_SYS_ADMIN with AppArmor unconfined;"},
	    {"mounts",
	     "[{\"destination\": \"/sys\", \"type\": \"sysfs\", \"source\": \"sysfs\","
	     " \"options\": [\"nosuid\", \"ro\", \"rw\"]}]",
	     "CAP_SYS_ADMIN with sysfs mounted read-write (mounts[0]);"},
	    {"mounts",
	     "[{\"destination\": \"/proc\", \"type\": \"proc\"}, {\"destination\": "
	     "\"/sys/fs/cgroup\", \"type\": \"cgroup2\"}]",
	     "CAP_SYS_ADMIN with cgroup2 mounted read-write (mounts[1]);"},
	    {"linux.devices",
	     "[{\"path\": \"/dev/fuse\", \"type\": \"c\"}, {\"path\": \"/dev/port\", \"type\": "
	     "\"c\"}]",
	     "CAP_SYS_ADMIN with host device /dev/port (linux.devices[1]);"},
	    {"linux.devices", "[{\"path\": \"/dev/nvme0n1\", \"type\": \"b\"}]",
	     "with host device /dev/nvme0n1 (linux.devices[0]);"},
	};
	struct rule_test t;
	(void)state;

	rule_test_init(&t, PRIV);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		yajl_val base = cap_add_sys_admin();
		yajl_val spec = rule_test_with(base, cases[i].path, cases[i].json);

		print_message("# case %zu: %s\n", i, cases[i].path);
		rule_test_refuses(&t, &pal_rule_privileged, spec, "process.capabilities.bounding",
		                  cases[i].why);
		yajl_tree_free(base);
		yajl_tree_free(spec);
	}
	rule_test_fini(&t);
}

/* Rules that look alike but are what ordinary containers get. */
static void near_misses(void **state)
{
	static const struct {
		const char *path, *json;
	} cases[] = {
	    /* Docker's default: mknod on anything, access to a few */
	    {"linux.resources.devices",
	     "[{\"allow\": false, \"access\": \"rwm\"}, {\"allow\": true, \"type\": \"c\","
	     " \"major\": -1, \"minor\": -1, \"access\": \"m\"}, {\"allow\": true, \"type\": \"b\","
	     " \"access\": \"m\"}, {\"allow\": true, \"type\": \"c\", \"major\": 1, \"minor\": 3,"
	     " \"access\": \"rwm\"}, {\"allow\": true, \"type\": \"c\", \"major\": 136,"
	     " \"access\": \"rwm\"}]"},
	    {"linux.resources.devices", "[{\"allow\": false}]"},
	    {"process.apparmorProfile", "\"docker-default\""},
	    {"linux.devices", "[{\"path\": \"/dev/fuse\", \"type\": \"c\", \"major\": 10}]"},
	    {"mounts", "[{\"destination\": \"/sys\", \"type\": \"sysfs\", \"options\": [\"rw\","
	               " \"ro\"]}, {\"destination\": \"/data\", \"type\": \"bind\"}]"},
	    {"linux.seccomp", NULL},
	};
	struct rule_test t;
	(void)state;

	rule_test_init(&t, PRIV);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		yajl_val base = cap_add_sys_admin();
		yajl_val spec = rule_test_with(base, cases[i].path, cases[i].json);

		print_message("# case %zu: %s\n", i, cases[i].path);
		rule_test_unchanged(&t, &pal_rule_privileged, spec);
		yajl_tree_free(base);
		yajl_tree_free(spec);
	}
	rule_test_fini(&t);
}

/* CAP_SYS_ADMIN in any set, under any name libcap reads, names the field. */
static void where_sys_admin_is(void **state)
{
	static const struct {
		const char *caps, *field;
	} cases[] = {
	    {"{\"bounding\": [\"CAP_KILL\"], \"inheritable\": [\"CAP_SYS_ADMIN\"]}",
	     "process.capabilities.inheritable"},
	    {"{\"ambient\": [\"CAP_SYS_ADMIN\"], \"effective\": [\"CAP_SYS_ADMIN\"]}",
	     "process.capabilities.effective"},
	    {"{\"permitted\": [\"cap_sys_admin\"]}", "process.capabilities.permitted"},
	    {"{\"bounding\": [\"21\"]}", "process.capabilities.bounding"},
	};
	struct rule_test t;
	(void)state;

	rule_test_init(&t, PRIV);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		yajl_val base = cap_add_sys_admin(), a, spec;

		a = rule_test_with(base, "process.capabilities", cases[i].caps);
		spec = rule_test_with(a, "linux.maskedPaths", "[]");
		rule_test_refuses(&t, &pal_rule_privileged, spec, cases[i].field,
		                  "CAP_SYS_ADMIN with no linux.maskedPaths");
		yajl_tree_free(base);
		yajl_tree_free(a);
		yajl_tree_free(spec);
	}
	rule_test_fini(&t);
}

static void malformed(void **state)
{
	static const struct {
		const char *path, *json, *what;
	} cases[] = {
	    {"process.capabilities", "[]", "config.json: process.capabilities: must be an object"},
	    {"process.capabilities.bounding", "\"CAP_SYS_ADMIN\"",
	     "config.json: process.capabilities.bounding: must be an array of strings"},
	    {"process.capabilities.ambient", "[21]",
	     "config.json: process.capabilities.ambient: must be an array of strings"},
	    {"linux.resources", "[]", "config.json: linux.resources: must be an object"},
	    {"linux.resources.devices", "{}",
	     "config.json: linux.resources.devices: must be an array"},
	    {"linux.resources.devices", "[true]",
	     "config.json: linux.resources.devices[0]: must be an object"},
	    {"linux.resources.devices", "[{\"allow\": \"yes\"}]",
	     "config.json: linux.resources.devices[0].allow: must be a boolean"},
	    {"linux.resources.devices", "[{\"allow\": true, \"major\": \"8\"}]",
	     "config.json: linux.resources.devices[0].major: must be a number"},
	    {"linux.resources.devices", "[{\"allow\": true, \"access\": 7}]",
	     "config.json: linux.resources.devices[0].access: must be a string"},
	    {"linux.maskedPaths", "\"/proc/kcore\"",
	     "config.json: linux.maskedPaths: must be an array"},
	    {"linux.readonlyPaths", "{}", "config.json: linux.readonlyPaths: must be an array"},
	    {"process.apparmorProfile", "0",
	     "config.json: process.apparmorProfile: must be a string"},
	    {"mounts", "{}", "config.json: mounts: must be an array"},
	    {"mounts", "[{\"type\": \"sysfs\", \"options\": \"ro\"}]",
	     "config.json: mounts[0].options: must be an array of strings"},
	    {"mounts", "[[]]", "config.json: mounts[0]: must be an object"},
	    {"linux.devices", "[{\"path\": 1}]",
	     "config.json: linux.devices[0].path: must be a string"},
	    {"process", "[]", "config.json: process: must be an object"},
	    {"linux", "1", "config.json: linux: must be an object"},
	};
	struct rule_test t;
	(void)state;

	rule_test_init(&t, PRIV);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		/* malformed fields are errors whether or not CAP_SYS_ADMIN is there */
		yajl_val base = rule_test_fixture("spec-containerd.json");
		yajl_val spec = rule_test_with(base, cases[i].path, cases[i].json);

		print_message("# case %zu: %s\n", i, cases[i].path);
		rule_test_error(&t, &pal_rule_privileged, spec, cases[i].what);
		yajl_tree_free(base);
		yajl_tree_free(spec);
	}
	rule_test_fini(&t);

	rule_test_init(&t, "{\"privileged\": \"no\"}");
	rule_test_error_str(&t, &pal_rule_privileged, "{}",
	                    "profile \"test\": privileged: must be a boolean");
	rule_test_fini(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(absent_or_true),
	    cmocka_unit_test(fixtures_not_privileged),
	    cmocka_unit_test(docker_privileged_refused),
	    cmocka_unit_test(each_signal),
	    cmocka_unit_test(near_misses),
	    cmocka_unit_test(where_sys_admin_is),
	    cmocka_unit_test(malformed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
