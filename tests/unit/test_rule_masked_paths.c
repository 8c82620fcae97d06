/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "rule_test.h"

/* Docker's defaults (moby oci/defaults.go), in a different order from the
 * fixtures' so that "appended in the profile's order" is visible. */
#define MASKED                                                                                     \
	"[\"/proc/asound\", \"/proc/acpi\", \"/proc/kcore\", \"/proc/keys\", "                     \
	"\"/proc/latency_stats\", \"/proc/timer_list\", \"/proc/timer_stats\", "                   \
	"\"/proc/sched_debug\", \"/proc/scsi\", \"/sys/firmware\", "                               \
	"\"/sys/devices/virtual/powercap\"]"
#define READONLY                                                                                   \
	"[\"/proc/bus\", \"/proc/fs\", \"/proc/irq\", \"/proc/sys\", \"/proc/sysrq-trigger\"]"
#define PROFILE "{\"maskedPaths\": " MASKED ", \"readonlyPaths\": " READONLY "}"

static size_t notes(const struct rule_test *t, const char *field)
{
	size_t n = 0;

	for (size_t i = 0; i < t->report.n; i++)
		if (!t->report.items[i].refused && !strcmp(t->report.items[i].field, field))
			n++;
	return n;
}

static void runc_gains_powercap(void **state)
{
	struct rule_test t;
	yajl_val spec = rule_test_fixture("spec-runc.json");
	yajl_val want =
	    rule_test_with(spec, "linux.maskedPaths",
	                   "[\"/proc/acpi\", \"/proc/asound\", \"/proc/kcore\", \"/proc/keys\", "
	                   "\"/proc/latency_stats\", \"/proc/timer_list\", \"/proc/timer_stats\", "
	                   "\"/proc/sched_debug\", \"/sys/firmware\", \"/proc/scsi\", "
	                   "\"/sys/devices/virtual/powercap\"]");
	(void)state;

	rule_test_init(&t, PROFILE);
	rule_test_expect(&t, &pal_rule_masked_paths, spec, want);
	assert_int_equal(t.report.n, 1);
	assert_string_equal(t.report.items[0].field, "linux.maskedPaths");
	assert_non_null(strstr(t.report.items[0].msg, "/sys/devices/virtual/powercap"));
	yajl_tree_free(spec);
	yajl_tree_free(want);
	rule_test_fini(&t);
}

static void podman_appended_in_profile_order(void **state)
{
	struct rule_test t;
	yajl_val spec = rule_test_fixture("spec-podman.json");
	yajl_val w1 =
	    rule_test_with(spec, "linux.maskedPaths",
	                   "[\"/proc/acpi\", \"/proc/kcore\", \"/proc/asound\", \"/proc/keys\", "
	                   "\"/proc/latency_stats\", \"/proc/timer_list\", \"/proc/timer_stats\", "
	                   "\"/proc/sched_debug\", \"/proc/scsi\", \"/sys/firmware\", "
	                   "\"/sys/devices/virtual/powercap\"]");
	yajl_val want =
	    rule_test_with(w1, "linux.readonlyPaths",
	                   "[\"/proc/bus\", \"/proc/sys\", \"/proc/fs\", \"/proc/irq\", "
	                   "\"/proc/sysrq-trigger\"]");
	(void)state;

	rule_test_init(&t, PROFILE);
	rule_test_expect(&t, &pal_rule_masked_paths, spec, want);
	assert_int_equal(notes(&t, "linux.maskedPaths"), 9);
	assert_int_equal(notes(&t, "linux.readonlyPaths"), 3);
	yajl_tree_free(spec);
	yajl_tree_free(w1);
	yajl_tree_free(want);
	rule_test_fini(&t);
}

/* containerd makes /proc/asound read-only; the profile masks it: it ends up
 * in both lists, masking being the stronger. */
static void containerd_readonly_path_also_masked(void **state)
{
	struct rule_test t;
	yajl_val spec = rule_test_fixture("spec-containerd.json");
	yajl_val want = rule_test_with(
	    spec, "linux.maskedPaths",
	    "[\"/proc/acpi\", \"/proc/kcore\", \"/proc/keys\", \"/proc/latency_stats\", "
	    "\"/proc/timer_list\", \"/proc/timer_stats\", \"/proc/sched_debug\", \"/proc/scsi\", "
	    "\"/sys/firmware\", \"/proc/asound\", \"/sys/devices/virtual/powercap\"]");
	yajl_val ro;
	(void)state;

	rule_test_init(&t, PROFILE);
	rule_test_expect(&t, &pal_rule_masked_paths, spec, want);
	ro = pal_json_getp(spec, "linux", "readonlyPaths", NULL);
	assert_int_equal(ro->u.array.len, 6);
	assert_string_equal(ro->u.array.values[0]->u.string, "/proc/asound");
	yajl_tree_free(spec);
	yajl_tree_free(want);
	rule_test_fini(&t);
}

static void created_when_missing(void **state)
{
	struct rule_test t;
	(void)state;

	rule_test_init(&t, "{\"maskedPaths\": [\"/proc/kcore\", \"/proc/kcore\"], "
	                   "\"readonlyPaths\": [\"/proc/sys\"]}");
	rule_test_expect_str(&t, &pal_rule_masked_paths, "{\"ociVersion\": \"1.0.2\"}",
	                     "{\"ociVersion\": \"1.0.2\", \"linux\": {\"maskedPaths\": "
	                     "[\"/proc/kcore\"], \"readonlyPaths\": [\"/proc/sys\"]}}");
	rule_test_expect_str(&t, &pal_rule_masked_paths, "{\"linux\": {\"sysctl\": {}}}",
	                     "{\"linux\": {\"sysctl\": {}, \"maskedPaths\": [\"/proc/kcore\"], "
	                     "\"readonlyPaths\": [\"/proc/sys\"]}}");
	rule_test_fini(&t);
}

/* Only exact strings count: the runtime masks the string it is given. */
static void exact_strings(void **state)
{
	struct rule_test t;
	(void)state;

	rule_test_init(&t, "{\"maskedPaths\": [\"/proc/kcore\"]}");
	rule_test_expect_str(&t, &pal_rule_masked_paths,
	                     "{\"linux\": {\"maskedPaths\": [\"/proc//kcore\", \"/proc/kcore/\"]}}",
	                     "{\"linux\": {\"maskedPaths\": [\"/proc//kcore\", \"/proc/kcore/\", "
	                     "\"/proc/kcore\"]}}");
	rule_test_fini(&t);
}

static void one_list_only(void **state)
{
	struct rule_test t;
	yajl_val spec = rule_test_fixture("spec-podman.json");
	yajl_val want = rule_test_with(spec, "linux.readonlyPaths",
	                               "[\"/proc/bus\", \"/proc/sys\", \"/proc/sysrq-trigger\"]");
	(void)state;

	rule_test_init(&t, "{\"readonlyPaths\": [\"/proc/sysrq-trigger\"]}");
	rule_test_expect(&t, &pal_rule_masked_paths, spec, want);
	yajl_tree_free(spec);
	yajl_tree_free(want);
	rule_test_fini(&t);
}

static void absent_changes_nothing(void **state)
{
	static const char *const fixtures[] = {"spec-runc.json", "spec-podman.json",
	                                       "spec-containerd.json"};
	(void)state;

	for (size_t f = 0; f < sizeof(fixtures) / sizeof(fixtures[0]); f++) {
		struct rule_test t;
		yajl_val spec = rule_test_fixture(fixtures[f]);

		rule_test_init(&t, "{\"rootfs\": {\"readonly\": true}}");
		rule_test_unchanged(&t, &pal_rule_masked_paths, spec);
		yajl_tree_free(spec);
		rule_test_fini(&t);
	}
	/* nor is "linux" created for nothing */
	{
		struct rule_test t;

		rule_test_init(&t, "{\"maskedPaths\": []}");
		rule_test_expect_str(&t, &pal_rule_masked_paths, "{}", "{}");
		rule_test_fini(&t);
	}
}

static void malformed(void **state)
{
	struct rule_test t;
	(void)state;

	rule_test_init(&t, PROFILE);
	rule_test_error_str(&t, &pal_rule_masked_paths, "{\"linux\": {\"maskedPaths\": \"/proc\"}}",
	                    "config.json: linux.maskedPaths: must be an array of strings");
	rule_test_error_str(&t, &pal_rule_masked_paths,
	                    "{\"linux\": {\"readonlyPaths\": [\"/proc/sys\", 1]}}",
	                    "config.json: linux.readonlyPaths: must be an array of strings");
	rule_test_error_str(&t, &pal_rule_masked_paths, "{\"linux\": []}",
	                    "config.json: linux: must be an object");
	rule_test_fini(&t);

	rule_test_init(&t, "{\"maskedPaths\": \"/proc/kcore\"}");
	rule_test_error_str(&t, &pal_rule_masked_paths, "{}",
	                    "profile \"test\": maskedPaths: must be an array of strings");
	rule_test_fini(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(runc_gains_powercap),
	    cmocka_unit_test(podman_appended_in_profile_order),
	    cmocka_unit_test(containerd_readonly_path_also_masked),
	    cmocka_unit_test(created_when_missing),
	    cmocka_unit_test(exact_strings),
	    cmocka_unit_test(one_list_only),
	    cmocka_unit_test(absent_changes_nothing),
	    cmocka_unit_test(malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
