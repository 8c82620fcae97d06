/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Golden tests: each shipped profile applied to the spec each engine
 * writes (tests/fixtures/spec-{runc,podman,containerd}.json) must give
 * exactly tests/fixtures/golden/PROFILE-SPEC.json (pretty, as
 * pal_json_serialize() writes it), or, when the profile refuses the spec,
 * exactly the one-line message in PROFILE-SPEC.err.
 *
 * The expected files are the specification of what the profiles do to real
 * specs: they were generated with PAL_GOLDEN_UPDATE=1 and then reviewed
 * change by change.  After a deliberate change to a rule or a profile,
 * regenerate them the same way and review the diff before committing.
 *
 * Each profile runs in its own mode ("audit" in audit mode), with runc as
 * the backend and no bundle directory (the preflight rule's file system
 * checks have their own tests).  A rewrite that succeeds is also applied
 * to its own output, which must not change.
 */
#include "config.h"

#include "pal_test.h"

#include <errno.h>

#include "palisade/conf.h"
#include "palisade/json.h"
#include "palisade/profile.h"
#include "palisade/rewrite.h"

static const char *const profiles[] = {"default", "baseline", "restricted", "audit"};
static const char *const specs[] = {"runc", "podman", "containerd"};

static char *profiles_dir(void)
{
	const char *e = getenv("PAL_PROFILES");
	const char *fx = getenv("PAL_FIXTURES");
	char *d;

	if (e && *e)
		return strdup(e);
	if (asprintf(&d, "%s/../../profiles", fx && *fx ? fx : "tests/fixtures") < 0)
		return NULL;
	return d;
}

static char *fixtures_dir(void)
{
	const char *fx = getenv("PAL_FIXTURES");

	return strdup(fx && *fx ? fx : "tests/fixtures");
}

static yajl_val load_spec(const char *fixtures, const char *name)
{
	pal_error err = {0};
	char *file, *buf;
	size_t len = 0;
	yajl_val v = NULL;

	assert_true(asprintf(&file, "spec-%s.json", name) > 0);
	buf = pal_test_read(fixtures, file, &len);
	if (!buf)
		fail_msg("cannot read %s/%s", fixtures, file);
	if (pal_json_parse(buf, len, file, &v, &err) < 0)
		fail_msg("%s", err.msg);
	free(buf);
	free(file);
	return v;
}

/* Compare GOT with FIXTURES/golden/NAME, or write it there when updating. */
static void expect_file(const char *fixtures, const char *name, const char *got, bool update)
{
	char *dir, *want;
	size_t len = 0;

	assert_true(asprintf(&dir, "%s/golden", fixtures) > 0);
	if (update) {
		if (mkdir(dir, 0755) < 0 && errno != EEXIST)
			fail_msg("mkdir %s: %s", dir, strerror(errno));
		assert_int_equal(pal_test_write(dir, name, got, strlen(got)), 0);
		fprintf(stderr, "# wrote %s/%s: review it\n", dir, name);
		free(dir);
		return;
	}
	want = pal_test_read(dir, name, &len);
	if (!want)
		fail_msg("%s/%s missing (PAL_GOLDEN_UPDATE=1 writes it; review it)", dir, name);
	if (strcmp(got, want) != 0) {
		fprintf(stderr, "# --- got:\n%s\n# --- want (%s/%s):\n%s\n", got, dir, name, want);
		fail_msg("%s differs from the golden file", name);
	}
	free(want);
	free(dir);
}

/* The golden file of the other outcome must not linger. */
static void expect_absent(const char *fixtures, const char *name, bool update)
{
	char *path;

	assert_true(asprintf(&path, "%s/golden/%s", fixtures, name) > 0);
	if (update)
		unlink(path);
	else if (access(path, F_OK) == 0)
		fail_msg("%s exists but the outcome is the other one", path);
	free(path);
}

static void golden_one(const char *profile, const char *spec_name)
{
	char *pdir = profiles_dir(), *fixtures = fixtures_dir(), *dirs[1];
	struct pal_conf conf = {0};
	struct pal_profile p = {0};
	struct pal_report report = {0};
	struct pal_rewrite_ctx ctx;
	pal_error err = {0};
	yajl_val spec, again;
	bool update = getenv("PAL_GOLDEN_UPDATE") != NULL;
	char *out = NULL, *name_json, *name_err, *msg;
	size_t len;

	assert_non_null(pdir);
	assert_non_null(fixtures);
	dirs[0] = pdir;
	conf.profile_dirs = dirs;
	conf.n_profile_dirs = 1;
	if (pal_profile_load(&conf, profile, &p, &err) < 0)
		fail_msg("profile %s: %s", profile, err.msg);
	spec = load_spec(fixtures, spec_name);
	/* The namespaces rule looks at the namespace files a spec joins: the
	 * fixtures name ones that do not exist (a pause container's
	 * /proc/4242/ns/ipc, a rootless netns), and the expected refusals
	 * say so.  On a host where one exists the outcome differs. */
	{
		yajl_val ns = pal_json_getp(spec, "linux", "namespaces", NULL);
		for (size_t i = 0; YAJL_IS_ARRAY(ns) && i < ns->u.array.len; i++) {
			yajl_val path = pal_json_get(ns->u.array.values[i], "path");
			if (YAJL_IS_STRING(path) && access(path->u.string, F_OK) == 0) {
				fprintf(stderr, "# %s exists on this host: %s-%s not comparable\n",
				        path->u.string, profile, spec_name);
				yajl_tree_free(spec);
				pal_profile_free(&p);
				free(pdir);
				free(fixtures);
				skip();
			}
		}
	}
	ctx = (struct pal_rewrite_ctx){
	    .cmd = PAL_CMD_CREATE,
	    .id = "golden",
	    .bundle = "/nonexistent-bundle",
	    .bundle_fd = -1,
	    .profile = &p,
	    .mode = p.mode,
	    .backend = "runc",
	    .report = &report,
	    /* fixed, not the configured prefix: distcheck installs elsewhere */
	    .self_exe = "/usr/sbin/palisade",
	    .state_root = "/run/runc",
	};
	unsetenv("PALISADE_CONFIG"); /* it would go into the hooks' env */
	assert_true(asprintf(&name_json, "%s-%s.json", profile, spec_name) > 0);
	assert_true(asprintf(&name_err, "%s-%s.err", profile, spec_name) > 0);
	if (pal_rewrite(&ctx, spec, &err) < 0) {
		/* a refusal: one line, as main.c would print it after "palisade: " */
		assert_null(strchr(err.msg, '\n'));
		assert_true(asprintf(&msg, "%s\n", err.msg) > 0);
		expect_file(fixtures, name_err, msg, update);
		expect_absent(fixtures, name_json, update);
		free(msg);
	} else {
		assert_int_equal(pal_json_serialize(spec, true, &out, &len, &err), 0);
		assert_true(asprintf(&msg, "%s\n", out) > 0);
		expect_file(fixtures, name_json, msg, update);
		expect_absent(fixtures, name_err, update);
		free(msg);
		/* idempotent on the real thing too */
		again = pal_json_dup(spec);
		assert_non_null(again);
		if (pal_rewrite(&ctx, again, &err) < 0)
			fail_msg("rewriting the golden output fails: %s", err.msg);
		assert_true(pal_json_equal(again, spec));
		yajl_tree_free(again);
		free(out);
	}
	free(name_json);
	free(name_err);
	yajl_tree_free(spec);
	pal_report_free(&report);
	pal_profile_free(&p);
	free(pdir);
	free(fixtures);
}

#define GOLDEN(P, S)                                                                               \
	static void golden_##P##_##S(void **state)                                                 \
	{                                                                                          \
		(void)state;                                                                       \
		golden_one(#P, #S);                                                                \
	}
GOLDEN(default, runc)
GOLDEN(default, podman)
GOLDEN(default, containerd)
GOLDEN(baseline, runc)
GOLDEN(baseline, podman)
GOLDEN(baseline, containerd)
GOLDEN(restricted, runc)
GOLDEN(restricted, podman)
GOLDEN(restricted, containerd)
GOLDEN(audit, runc)
GOLDEN(audit, podman)
GOLDEN(audit, containerd)

/* Every profile and spec above is covered, and nothing else is in golden/. */
static void golden_complete(void **state)
{
	char *fixtures = fixtures_dir(), *dir;
	DIR *d;
	struct dirent *de;
	(void)state;

	assert_true(asprintf(&dir, "%s/golden", fixtures) > 0);
	d = opendir(dir);
	if (!d)
		fail_msg("%s: %s", dir, strerror(errno));
	while ((de = readdir(d))) {
		bool known = false;
		if (de->d_name[0] == '.')
			continue;
		for (size_t i = 0; i < sizeof(profiles) / sizeof(profiles[0]) && !known; i++)
			for (size_t j = 0; j < sizeof(specs) / sizeof(specs[0]) && !known; j++) {
				char a[128], b[128];
				snprintf(a, sizeof(a), "%s-%s.json", profiles[i], specs[j]);
				snprintf(b, sizeof(b), "%s-%s.err", profiles[i], specs[j]);
				known = !strcmp(de->d_name, a) || !strcmp(de->d_name, b);
			}
		if (!known)
			fail_msg("%s/%s: no test uses it", dir, de->d_name);
	}
	closedir(d);
	free(dir);
	free(fixtures);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(golden_default_runc),
	    cmocka_unit_test(golden_default_podman),
	    cmocka_unit_test(golden_default_containerd),
	    cmocka_unit_test(golden_baseline_runc),
	    cmocka_unit_test(golden_baseline_podman),
	    cmocka_unit_test(golden_baseline_containerd),
	    cmocka_unit_test(golden_restricted_runc),
	    cmocka_unit_test(golden_restricted_podman),
	    cmocka_unit_test(golden_restricted_containerd),
	    cmocka_unit_test(golden_audit_runc),
	    cmocka_unit_test(golden_audit_podman),
	    cmocka_unit_test(golden_audit_containerd),
	    cmocka_unit_test(golden_complete),
	};

	return cmocka_run_group_tests_name("golden", tests, NULL, NULL);
}
