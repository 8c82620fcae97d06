/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "rule_test.h"

#define FUSE_PROFILE                                                                               \
	"{\"devices\": {\"allow\": [{\"path\": \"/dev/fuse\", \"type\": \"c\", \"major\": 10, "    \
	"\"minor\": 229}]}}"
#define DENY_ALL "{\"allow\": false, \"access\": \"rwm\"}"

static size_t count(const struct rule_test *t, const char *field)
{
	size_t n = 0;

	for (size_t i = 0; i < t->report.n; i++)
		if (!strcmp(t->report.items[i].field, field))
			n++;
	return n;
}

/* `runc spec` and containerd's specs already start with deny-all and create
 * no extra device: nothing to do, and /dev/pts, /dev/ptmx, /dev/tty keep
 * the access runc grants them. */
static void runc_and_containerd_unchanged(void **state)
{
	static const char *const fixtures[] = {"spec-runc.json", "spec-containerd.json"};
	static const char *const profiles[] = {"{\"devices\": {}}", FUSE_PROFILE};
	(void)state;

	for (size_t p = 0; p < sizeof(profiles) / sizeof(profiles[0]); p++) {
		for (size_t f = 0; f < sizeof(fixtures) / sizeof(fixtures[0]); f++) {
			struct rule_test t;
			yajl_val spec = rule_test_fixture(fixtures[f]);

			rule_test_init(&t, profiles[p]);
			rule_test_unchanged(&t, &pal_rule_devices, spec);
			yajl_tree_free(spec);
			rule_test_fini(&t);
		}
	}
}

static void podman_gains_deny_all(void **state)
{
	struct rule_test t;
	yajl_val spec = rule_test_fixture("spec-podman.json");
	yajl_val want = rule_test_with(spec, "linux.resources.devices", "[" DENY_ALL "]");
	(void)state;

	rule_test_init(&t, "{\"devices\": {}}");
	rule_test_expect(&t, &pal_rule_devices, spec, want);
	assert_int_equal(t.report.n, 1);
	assert_string_equal(t.report.items[0].field, "linux.resources.devices[0]");
	assert_non_null(strstr(t.report.items[0].msg, "deny-all"));
	yajl_tree_free(spec);
	yajl_tree_free(want);
	rule_test_fini(&t);
}

/* A Docker-style spec with a few additions, some standard, some allowed by
 * the profile, some not. */
static void docker_style_filtered(void **state)
{
	struct rule_test t;
	(void)state;

	rule_test_init(&t, FUSE_PROFILE);
	rule_test_expect_str(
	    &t, &pal_rule_devices,
	    "{\"linux\": {\"devices\": ["
	    "{\"path\": \"/dev/fuse\", \"type\": \"c\", \"major\": 10, \"minor\": 229, "
	    "\"fileMode\": 438, \"uid\": 0, \"gid\": 0},"
	    "{\"path\": \"/dev/sda\", \"type\": \"b\", \"major\": 8, \"minor\": 0},"
	    "{\"path\": \"/dev/null\", \"type\": \"c\", \"major\": 1, \"minor\": 3},"
	    "{\"path\": \"/dev/null\", \"type\": \"b\", \"major\": 8, \"minor\": 0},"
	    "{\"path\": \"/dev/tty\", \"type\": \"u\", \"major\": 5, \"minor\": 0},"
	    "{\"path\": \"/dev/kmsg\", \"type\": \"c\", \"major\": 1, \"minor\": 11},"
	    "{\"path\": \"/dev/fuse\", \"type\": \"c\", \"major\": 10, \"minor\": 230}"
	    "], \"resources\": {\"memory\": {\"limit\": 1}, \"devices\": ["
	    "{\"allow\": false, \"access\": \"rwm\"},"
	    "{\"allow\": true, \"type\": \"c\", \"major\": 1, \"minor\": 5, \"access\": \"rwm\"},"
	    "{\"allow\": true, \"type\": \"c\", \"major\": 1, \"minor\": 3, \"access\": \"rwm\"},"
	    "{\"allow\": true, \"type\": \"c\", \"major\": 136, \"access\": \"rwm\"},"
	    "{\"allow\": true, \"type\": \"c\", \"major\": 5, \"minor\": 2, \"access\": \"rwm\"},"
	    "{\"allow\": true, \"type\": \"c\", \"major\": 10, \"minor\": 200, \"access\": "
	    "\"rwm\"},"
	    "{\"allow\": true, \"type\": \"c\", \"access\": \"m\"},"
	    "{\"allow\": true, \"type\": \"b\", \"major\": -1, \"minor\": -1, \"access\": \"m\"},"
	    "{\"allow\": false, \"type\": \"c\", \"major\": 10, \"minor\": 229, \"access\": "
	    "\"rwm\"},"
	    "{\"allow\": true, \"type\": \"c\", \"major\": 10, \"minor\": 229, \"access\": \"rw\"},"
	    "{\"allow\": true, \"access\": \"rwm\"},"
	    "{\"allow\": true, \"type\": \"a\"},"
	    "{\"allow\": true, \"type\": \"c\", \"major\": 1, \"access\": \"rwm\"},"
	    "{\"allow\": true, \"type\": \"b\", \"major\": 8, \"minor\": 0, \"access\": \"r\"},"
	    "{\"allow\": true, \"type\": \"c\", \"access\": \"mw\"},"
	    "{\"allow\": true, \"type\": \"c\", \"major\": 136, \"minor\": 3, \"access\": \"wr\"},"
	    "{\"allow\": true, \"type\": \"c\", \"major\": 5, \"minor\": 1, \"access\": \"rw\"}"
	    "]}}}",
	    "{\"linux\": {\"devices\": ["
	    "{\"path\": \"/dev/fuse\", \"type\": \"c\", \"major\": 10, \"minor\": 229, "
	    "\"fileMode\": 438, \"uid\": 0, \"gid\": 0},"
	    "{\"path\": \"/dev/null\", \"type\": \"c\", \"major\": 1, \"minor\": 3},"
	    "{\"path\": \"/dev/tty\", \"type\": \"u\", \"major\": 5, \"minor\": 0}"
	    "], \"resources\": {\"memory\": {\"limit\": 1}, \"devices\": ["
	    "{\"allow\": false, \"access\": \"rwm\"},"
	    "{\"allow\": true, \"type\": \"c\", \"major\": 1, \"minor\": 5, \"access\": \"rwm\"},"
	    "{\"allow\": true, \"type\": \"c\", \"major\": 1, \"minor\": 3, \"access\": \"rwm\"},"
	    "{\"allow\": true, \"type\": \"c\", \"major\": 136, \"access\": \"rwm\"},"
	    "{\"allow\": true, \"type\": \"c\", \"major\": 5, \"minor\": 2, \"access\": \"rwm\"},"
	    "{\"allow\": true, \"type\": \"c\", \"access\": \"m\"},"
	    "{\"allow\": true, \"type\": \"b\", \"major\": -1, \"minor\": -1, \"access\": \"m\"},"
	    "{\"allow\": false, \"type\": \"c\", \"major\": 10, \"minor\": 229, \"access\": "
	    "\"rwm\"},"
	    "{\"allow\": true, \"type\": \"c\", \"major\": 10, \"minor\": 229, \"access\": \"rw\"},"
	    "{\"allow\": true, \"type\": \"c\", \"major\": 136, \"minor\": 3, \"access\": \"wr\"},"
	    "{\"allow\": true, \"type\": \"c\", \"major\": 5, \"minor\": 1, \"access\": \"rw\"}"
	    "]}}}");
	assert_int_equal(count(&t, "linux.devices"), 4);
	assert_int_equal(count(&t, "linux.resources.devices"), 6);
	assert_int_equal(t.report.n, 10);
	assert_non_null(strstr(t.report.items[0].msg, "/dev/sda (b 8:0)"));
	assert_non_null(strstr(t.report.items[4].msg, "c 10:200 rwm"));
	assert_non_null(strstr(t.report.items[5].msg, "a *:* rwm (allows every device)"));
	rule_test_fini(&t);
}

static void deny_all_inserted_first(void **state)
{
	struct rule_test t;
	(void)state;

	rule_test_init(&t, "{\"devices\": {\"allow\": []}}");
	/* only an allow rule: the device cgroup would inherit the parent's */
	rule_test_expect_str(
	    &t, &pal_rule_devices,
	    "{\"linux\": {\"resources\": {\"devices\": [{\"allow\": true, \"type\": "
	    "\"c\", \"major\": 1, \"minor\": 3, \"access\": \"rwm\"}]}}}",
	    "{\"linux\": {\"resources\": {\"devices\": [" DENY_ALL
	    ", {\"allow\": true, \"type\": \"c\", \"major\": 1, \"minor\": 3, "
	    "\"access\": \"rwm\"}]}}}");
	/* deny rules that are not deny-all: a c-only deny, an m-less deny, a
	 * deny without access (denies nothing) */
	rule_test_expect_str(
	    &t, &pal_rule_devices,
	    "{\"linux\": {\"resources\": {\"devices\": [{\"allow\": false, \"type\": "
	    "\"c\", \"access\": \"rwm\"}]}}}",
	    "{\"linux\": {\"resources\": {\"devices\": [" DENY_ALL
	    ", {\"allow\": false, \"type\": \"c\", \"access\": \"rwm\"}]}}}");
	rule_test_expect_str(&t, &pal_rule_devices,
	                     "{\"linux\": {\"resources\": {\"devices\": [{\"allow\": false, "
	                     "\"access\": \"rw\"}]}}}",
	                     "{\"linux\": {\"resources\": {\"devices\": [" DENY_ALL
	                     ", {\"allow\": false, \"access\": \"rw\"}]}}}");
	rule_test_expect_str(&t, &pal_rule_devices,
	                     "{\"linux\": {\"resources\": {\"devices\": [{\"allow\": false}]}}}",
	                     "{\"linux\": {\"resources\": {\"devices\": [" DENY_ALL
	                     ", {\"allow\": false}]}}}");
	/* an allow-all first: removed, then deny-all */
	rule_test_expect_str(
	    &t, &pal_rule_devices,
	    "{\"linux\": {\"resources\": {\"devices\": [{\"allow\": true, \"access\": "
	    "\"rwm\"}]}}}",
	    "{\"linux\": {\"resources\": {\"devices\": [" DENY_ALL "]}}}");
	/* nothing at all */
	rule_test_expect_str(&t, &pal_rule_devices, "{\"ociVersion\": \"1.0.2\"}",
	                     "{\"ociVersion\": \"1.0.2\", \"linux\": {\"resources\": {\"devices\": "
	                     "[" DENY_ALL "]}}}");
	rule_test_expect_str(&t, &pal_rule_devices,
	                     "{\"linux\": {\"resources\": {\"devices\": []}}}",
	                     "{\"linux\": {\"resources\": {\"devices\": [" DENY_ALL "]}}}");
	rule_test_fini(&t);
}

static void deny_all_recognised(void **state)
{
	static const char *const specs[] = {
	    "{\"linux\": {\"resources\": {\"devices\": [{\"allow\": false, \"access\": "
	    "\"mrw\"}]}}}",
	    "{\"linux\": {\"resources\": {\"devices\": [{\"allow\": false, \"type\": \"a\", "
	    "\"access\": \"rwm\"}]}}}",
	    "{\"linux\": {\"resources\": {\"devices\": [{\"allow\": false, \"type\": \"a\", "
	    "\"major\": -1, \"minor\": -1, \"access\": \"rwm\"}]}}}",
	};
	(void)state;

	for (size_t s = 0; s < sizeof(specs) / sizeof(specs[0]); s++) {
		struct rule_test t;
		yajl_val spec = rule_test_parse(specs[s]);

		rule_test_init(&t, "{\"devices\": {}}");
		rule_test_unchanged(&t, &pal_rule_devices, spec);
		yajl_tree_free(spec);
		rule_test_fini(&t);
	}
}

static void fifo_allowed(void **state)
{
	struct rule_test t;
	(void)state;

	rule_test_init(
	    &t, "{\"devices\": {\"allow\": [{\"path\": \"/dev/myfifo\", \"type\": \"p\"}]}}");
	rule_test_expect_str(
	    &t, &pal_rule_devices,
	    "{\"linux\": {\"devices\": [{\"path\": \"/dev/myfifo\", \"type\": \"p\"}, "
	    "{\"path\": \"/dev/other\", \"type\": \"p\"}], \"resources\": "
	    "{\"devices\": [" DENY_ALL "]}}}",
	    "{\"linux\": {\"devices\": [{\"path\": \"/dev/myfifo\", \"type\": \"p\"}], "
	    "\"resources\": {\"devices\": [" DENY_ALL "]}}}");
	rule_test_fini(&t);
}

static void absent_changes_nothing(void **state)
{
	struct rule_test t;
	yajl_val spec = rule_test_parse(
	    "{\"linux\": {\"devices\": [{\"path\": \"/dev/sda\", \"type\": \"b\", \"major\": 8, "
	    "\"minor\": 0}], \"resources\": {\"devices\": [{\"allow\": true, \"access\": "
	    "\"rwm\"}]}}}");
	yajl_val podman = rule_test_fixture("spec-podman.json");
	(void)state;

	rule_test_init(&t, "{\"rootfs\": {\"readonly\": true}}");
	rule_test_unchanged(&t, &pal_rule_devices, spec);
	rule_test_unchanged(&t, &pal_rule_devices, podman);
	yajl_tree_free(spec);
	yajl_tree_free(podman);
	rule_test_fini(&t);
}

static void audit_same_change(void **state)
{
	struct rule_test t;
	(void)state;

	rule_test_init(&t, "{\"devices\": {}}");
	t.ctx.mode = PAL_MODE_AUDIT;
	rule_test_expect_str(
	    &t, &pal_rule_devices,
	    "{\"linux\": {\"devices\": [{\"path\": \"/dev/mem\", \"type\": \"c\", "
	    "\"major\": 1, \"minor\": 1}], \"resources\": {\"devices\": [" DENY_ALL "]}}}",
	    "{\"linux\": {\"devices\": [], \"resources\": {\"devices\": [" DENY_ALL "]}}}");
	assert_int_equal(t.report.n, 1);
	assert_false(t.report.items[0].refused);
	rule_test_fini(&t);
}

static void malformed(void **state)
{
	static const struct {
		const char *spec, *what;
	} cases[] = {
	    {"{\"linux\": []}", "config.json: linux: must be an object"},
	    {"{\"linux\": {\"devices\": {}}}", "config.json: linux.devices: must be an array"},
	    {"{\"linux\": {\"devices\": [1]}}", "config.json: linux.devices[0]: must be an object"},
	    {"{\"linux\": {\"devices\": [{\"type\": \"c\", \"major\": 1, \"minor\": 3}]}}",
	     "config.json: linux.devices[0].path: must be a string"},
	    {"{\"linux\": {\"devices\": [{\"path\": \"/dev/null\", \"type\": \"x\", \"major\": 1, "
	     "\"minor\": 3}]}}",
	     "config.json: linux.devices[0].type: must be"},
	    {"{\"linux\": {\"devices\": [{\"path\": \"/dev/null\", \"type\": \"c\", \"minor\": "
	     "3}]}}",
	     "config.json: linux.devices[0].major: must be a device number"},
	    {"{\"linux\": {\"devices\": [{\"path\": \"/dev/null\", \"type\": \"c\", \"major\": "
	     "\"1\", "
	     "\"minor\": 3}]}}",
	     "config.json: linux.devices[0].major: must be a device number"},
	    {"{\"linux\": {\"devices\": [{\"path\": \"/dev/null\", \"type\": \"c\", \"major\": 1, "
	     "\"minor\": 3.5}]}}",
	     "config.json: linux.devices[0].minor: must be a device number"},
	    {"{\"linux\": {\"resources\": []}}", "config.json: linux.resources: must be an object"},
	    {"{\"linux\": {\"resources\": {\"devices\": {}}}}",
	     "config.json: linux.resources.devices: must be an array"},
	    {"{\"linux\": {\"resources\": {\"devices\": [{\"access\": \"rwm\"}]}}}",
	     "config.json: linux.resources.devices[0].allow: must be a boolean"},
	    {"{\"linux\": {\"resources\": {\"devices\": [" DENY_ALL
	     ", {\"allow\": true, \"access\": \"rwx\"}]}}}",
	     "config.json: linux.resources.devices[1].access: must be a string of r, w and m"},
	    {"{\"linux\": {\"resources\": {\"devices\": [{\"allow\": true, \"access\": \"\"}]}}}",
	     "config.json: linux.resources.devices[0].access: must be a string of r, w and m"},
	    {"{\"linux\": {\"resources\": {\"devices\": [{\"allow\": false, \"type\": \"u\", "
	     "\"access\": \"rwm\"}]}}}",
	     "config.json: linux.resources.devices[0].type: must be \"a\", \"b\" or \"c\""},
	    {"{\"linux\": {\"resources\": {\"devices\": [{\"allow\": true, \"type\": \"c\", "
	     "\"major\": -2, \"access\": \"r\"}]}}}",
	     "config.json: linux.resources.devices[0].major: must be a device number or -1"},
	};
	struct rule_test t;
	(void)state;

	rule_test_init(&t, FUSE_PROFILE);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		rule_test_error_str(&t, &pal_rule_devices, cases[i].spec, cases[i].what);
	rule_test_fini(&t);

	rule_test_init(&t, "{\"devices\": {\"allow\": {}}}");
	rule_test_error_str(&t, &pal_rule_devices, "{}",
	                    "profile \"test\": devices.allow: must be an array");
	rule_test_fini(&t);

	rule_test_init(&t, "{\"devices\": {\"allow\": [{\"path\": \"/dev/fuse\", \"type\": \"c\", "
	                   "\"major\": 10}]}}");
	rule_test_error_str(&t, &pal_rule_devices, "{}",
	                    "profile \"test\": devices.allow[0].minor: must be a device number");
	rule_test_fini(&t);

	rule_test_init(&t, "{\"devices\": true}");
	rule_test_error_str(&t, &pal_rule_devices, "{}",
	                    "profile \"test\": devices: must be an object");
	rule_test_fini(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(runc_and_containerd_unchanged),
	    cmocka_unit_test(podman_gains_deny_all),
	    cmocka_unit_test(docker_style_filtered),
	    cmocka_unit_test(deny_all_inserted_first),
	    cmocka_unit_test(deny_all_recognised),
	    cmocka_unit_test(fifo_allowed),
	    cmocka_unit_test(absent_changes_nothing),
	    cmocka_unit_test(audit_same_change),
	    cmocka_unit_test(malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
