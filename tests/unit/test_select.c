/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "pal_test.h"

#include <errno.h>

#include "palisade/json.h"
#include "palisade/select.h"

static char *dir;

static int setup(void **state)
{
	(void)state;
	dir = pal_test_tmpdir();
	if (!dir)
		return -1;
	/* each profile says who it is; "audited" is in audit mode itself */
	static const char *const names[] = {"default",   "restricted", "prod",    "trusted",
	                                    "untrusted", "team",       "fallback"};
	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++) {
		char file[64], text[128];
		snprintf(file, sizeof(file), "%s.json", names[i]);
		snprintf(text, sizeof(text), "{\"description\": \"%s\"}", names[i]);
		if (pal_test_write(dir, file, text, strlen(text)) < 0)
			return -1;
	}
	static const char audited[] = "{\"description\": \"audited\", \"mode\": \"audit\"}";
	return pal_test_write(dir, "audited.json", audited, strlen(audited));
}

static int teardown(void **state)
{
	(void)state;
	pal_test_rmtree(dir);
	free(dir);
	return 0;
}

/* The rules of a palisade.conf, in order:
 *  1. namespace "prod"                                   -> prod, enforce
 *  2. image_prefix "registry.example.com/"
 *     and annotation team=blue                           -> team
 *  3. image_prefix "registry.example.com/"               -> trusted
 *  4. image_not_prefix "registry.example.com/"           -> untrusted, audit
 */
static char *ann_team_k[] = {"team"};
static char *ann_team_v[] = {"blue"};
static struct pal_selection_rule rules[] = {
    {.kube_namespace = "prod", .profile = "prod", .mode = "enforce"},
    {.image_prefix = "registry.example.com/",
     .ann_keys = ann_team_k,
     .ann_values = ann_team_v,
     .n_ann = 1,
     .profile = "team"},
    {.image_prefix = "registry.example.com/", .profile = "trusted"},
    {.image_not_prefix = "registry.example.com/", .profile = "untrusted", .mode = "audit"},
};

static struct pal_conf make_conf(char **dirs, bool with_rules)
{
	dirs[0] = dir;
	return (struct pal_conf){
	    .profile_dirs = dirs,
	    .n_profile_dirs = 1,
	    .rules = with_rules ? rules : NULL,
	    .n_rules = with_rules ? sizeof(rules) / sizeof(*rules) : 0,
	};
}

static yajl_val spec_with(const char *annotations)
{
	pal_error err = {0};
	yajl_val v = NULL;
	char *text;
	if (annotations)
		assert_true(asprintf(&text, "{\"ociVersion\": \"1.0.2\", \"annotations\": %s}",
		                     annotations) > 0);
	else
		assert_true(asprintf(&text, "{\"ociVersion\": \"1.0.2\"}") > 0);
	assert_int_equal(pal_json_parse(text, strlen(text), "config.json", &v, &err), 0);
	free(text);
	return v;
}

/* Select on ANNOTATIONS; check the profile, its source, the mode. */
static void expect(bool with_rules, const char *annotations, const char *profile,
                   const char *source, int mode_set, enum pal_mode mode)
{
	char *dirs[1];
	struct pal_conf conf = make_conf(dirs, with_rules);
	struct pal_selection sel;
	pal_error err = {0};
	yajl_val spec = spec_with(annotations);

	if (pal_select(&conf, spec, &sel, &err) != 0)
		fail_msg("%s: %s", annotations, err.msg);
	if (strcmp(sel.profile, profile) != 0 || strcmp(sel.source, source) != 0)
		fail_msg("%s: got %s from %s, wanted %s from %s", annotations, sel.profile,
		         sel.source, profile, source);
	assert_int_equal(sel.mode_set, mode_set);
	if (mode_set)
		assert_int_equal(sel.mode, mode);
	pal_selection_free(&sel);
	assert_null(sel.profile);
	yajl_tree_free(spec);
}

static void expect_error(const char *annotations, const char *msg)
{
	char *dirs[1];
	struct pal_conf conf = make_conf(dirs, true);
	struct pal_selection sel;
	pal_error err = {0};
	yajl_val spec = spec_with(annotations);

	assert_int_equal(pal_select(&conf, spec, &sel, &err), -1);
	assert_string_equal(err.msg, msg);
	assert_int_equal(err.errnum, EINVAL);
	assert_null(sel.profile);
	yajl_tree_free(spec);
}

static void default_profile(void **state)
{
	char *dirs[1];
	struct pal_conf conf = make_conf(dirs, false);
	struct pal_selection sel;
	pal_error err = {0};
	(void)state;

	/* nothing selects: "default" */
	expect(false, NULL, "default", "default_profile", false, 0);
	expect(false, "{}", "default", "default_profile", false, 0);
	expect(true,
	       "{\"io.kubernetes.cri.sandbox-namespace\": \"dev\", "
	       "\"io.kubernetes.cri.image-name\": \"registry.example.com/app\"}",
	       "trusted", "selection rule 3", false, 0);

	/* the configured default_profile */
	conf.default_profile = "fallback";
	assert_int_equal(pal_select(&conf, NULL, &sel, &err), 0);
	assert_string_equal(sel.profile, "fallback");
	assert_string_equal(sel.source, "default_profile");
	assert_false(sel.mode_set);
	pal_selection_free(&sel);

	/* no conf at all */
	assert_int_equal(pal_select(NULL, NULL, &sel, &err), 0);
	assert_string_equal(sel.profile, "default");
	pal_selection_free(&sel);
}

static void annotation_first(void **state)
{
	(void)state;
	expect(true, "{\"io.palisade.profile\": \"restricted\"}", "restricted",
	       "annotation io.palisade.profile", false, 0);
	/* over every rule that would match */
	expect(true,
	       "{\"io.palisade.profile\": \"restricted\","
	       " \"io.kubernetes.cri.sandbox-namespace\": \"prod\"}",
	       "restricted", "annotation io.palisade.profile", false, 0);
	/* the mode annotation alone: the profile comes from the rules */
	expect(true,
	       "{\"io.palisade.mode\": \"audit\","
	       " \"io.kubernetes.pod.namespace\": \"prod\"}",
	       "prod", "selection rule 1", true, PAL_MODE_AUDIT);
	expect(true, "{\"io.palisade.mode\": \"enforce\"}", "untrusted", "selection rule 4", true,
	       PAL_MODE_ENFORCE);
	expect(false, "{\"io.palisade.mode\": \"audit\", \"io.palisade.profile\": \"prod\"}",
	       "prod", "annotation io.palisade.profile", true, PAL_MODE_AUDIT);
}

static void rules_in_order(void **state)
{
	(void)state;
	/* namespace: containerd's key, else CRI-O's; containerd's wins */
	expect(true, "{\"io.kubernetes.cri.sandbox-namespace\": \"prod\"}", "prod",
	       "selection rule 1", true, PAL_MODE_ENFORCE);
	expect(true, "{\"io.kubernetes.pod.namespace\": \"prod\"}", "prod", "selection rule 1",
	       true, PAL_MODE_ENFORCE);
	expect(true,
	       "{\"io.kubernetes.cri.sandbox-namespace\": \"dev\","
	       " \"io.kubernetes.pod.namespace\": \"prod\"}",
	       "untrusted", "selection rule 4", true, PAL_MODE_AUDIT);
	/* a namespace that only starts the same does not match */
	expect(true, "{\"io.kubernetes.pod.namespace\": \"production\"}", "untrusted",
	       "selection rule 4", true, PAL_MODE_AUDIT);

	/* image: each key, first present wins */
	expect(true, "{\"io.kubernetes.cri.image-name\": \"registry.example.com/a:1\"}", "trusted",
	       "selection rule 3", false, 0);
	expect(true, "{\"io.kubernetes.cri-o.ImageName\": \"registry.example.com/a:1\"}", "trusted",
	       "selection rule 3", false, 0);
	expect(true, "{\"org.opencontainers.image.ref.name\": \"registry.example.com/a\"}",
	       "trusted", "selection rule 3", false, 0);
	expect(true,
	       "{\"io.kubernetes.cri.image-name\": \"docker.io/evil\","
	       " \"org.opencontainers.image.ref.name\": \"registry.example.com/a\"}",
	       "untrusted", "selection rule 4", true, PAL_MODE_AUDIT);
	/* a prefix is a prefix of the whole name, not of a host name */
	expect(true, "{\"io.kubernetes.cri.image-name\": \"registry.example.com.evil/a\"}",
	       "untrusted", "selection rule 4", true, PAL_MODE_AUDIT);

	/* every condition of a rule must hold; the first rule that does wins */
	expect(true,
	       "{\"io.kubernetes.cri.image-name\": \"registry.example.com/a\","
	       " \"team\": \"blue\"}",
	       "team", "selection rule 2", false, 0);
	expect(true,
	       "{\"io.kubernetes.cri.image-name\": \"registry.example.com/a\","
	       " \"team\": \"red\"}",
	       "trusted", "selection rule 3", false, 0);
	expect(true, "{\"io.kubernetes.cri.image-name\": \"docker.io/a\", \"team\": \"blue\"}",
	       "untrusted", "selection rule 4", true, PAL_MODE_AUDIT);
	expect(true,
	       "{\"io.kubernetes.pod.namespace\": \"prod\","
	       " \"io.kubernetes.cri.image-name\": \"registry.example.com/a\","
	       " \"team\": \"blue\"}",
	       "prod", "selection rule 1", true, PAL_MODE_ENFORCE);

	/* an unknown image is not from the trusted registry */
	expect(true, "{}", "untrusted", "selection rule 4", true, PAL_MODE_AUDIT);
}

static void malformed_annotations(void **state)
{
	char *dirs[1];
	struct pal_conf conf = make_conf(dirs, true);
	struct pal_selection sel;
	pal_error err = {0};
	yajl_val spec;
	(void)state;

	expect_error("{\"io.palisade.profile\": 7}",
	             "annotation io.palisade.profile: must be a string");
	expect_error("{\"io.palisade.profile\": \"../x\"}",
	             "annotation io.palisade.profile: \"../x\" is not a valid profile name");
	expect_error("{\"io.palisade.profile\": \"\"}",
	             "annotation io.palisade.profile: \"\" is not a valid profile name");
	expect_error("{\"io.palisade.mode\": \"permissive\"}",
	             "annotation io.palisade.mode: \"permissive\" is not \"enforce\" or \"audit\"");
	expect_error("{\"io.palisade.mode\": true}",
	             "annotation io.palisade.mode: must be a string");
	expect_error("{\"io.palisade.mode\": \"Audit\\n\"}",
	             "annotation io.palisade.mode: \"Audit\\x0a\" is not \"enforce\" or \"audit\"");
	/* what the rules read must be strings too */
	expect_error("{\"io.kubernetes.pod.namespace\": [\"prod\"]}",
	             "annotation io.kubernetes.pod.namespace: must be a string");
	expect_error("{\"io.kubernetes.cri-o.ImageName\": null}",
	             "annotation io.kubernetes.cri-o.ImageName: must be a string");
	expect_error("{\"io.kubernetes.cri.image-name\": \"registry.example.com/a\", \"team\": 1}",
	             "annotation team: must be a string");
	expect_error("[]", "annotations: must be an object");

	/* without rules the rules' annotations are not read */
	conf.n_rules = 0;
	spec = spec_with("{\"io.kubernetes.pod.namespace\": 5}");
	assert_int_equal(pal_select(&conf, spec, &sel, &err), 0);
	assert_string_equal(sel.profile, "default");
	pal_selection_free(&sel);
	yajl_tree_free(spec);
}

static void select_and_load(void **state)
{
	char *dirs[1];
	struct pal_conf conf = make_conf(dirs, true);
	struct pal_profile p = {0};
	enum pal_mode mode = PAL_MODE_ENFORCE;
	pal_error err = {0};
	yajl_val spec;
	char *msg;
	(void)state;

	/* the profile's own mode when nobody sets one */
	spec = spec_with("{\"io.palisade.profile\": \"audited\"}");
	assert_int_equal(pal_select_profile(&conf, spec, NULL, &p, &mode, &err), 0);
	assert_string_equal(p.name, "audited");
	assert_int_equal(p.mode, PAL_MODE_AUDIT);
	assert_int_equal(mode, PAL_MODE_AUDIT);
	pal_profile_free(&p);
	yajl_tree_free(spec);

	/* the annotation's over the profile's */
	spec =
	    spec_with("{\"io.palisade.profile\": \"audited\", \"io.palisade.mode\": \"enforce\"}");
	assert_int_equal(pal_select_profile(&conf, spec, NULL, &p, &mode, &err), 0);
	assert_int_equal(p.mode, PAL_MODE_AUDIT);
	assert_int_equal(mode, PAL_MODE_ENFORCE);
	pal_profile_free(&p);
	yajl_tree_free(spec);

	/* the rule's over the profile's */
	spec = spec_with("{\"io.kubernetes.cri.image-name\": \"quay.io/x\"}");
	assert_int_equal(pal_select_profile(&conf, spec, NULL, &p, &mode, &err), 0);
	assert_string_equal(pal_profile_get(&p, "description", NULL)->u.string, "untrusted");
	assert_int_equal(p.mode, PAL_MODE_ENFORCE);
	assert_int_equal(mode, PAL_MODE_AUDIT);
	pal_profile_free(&p);

	/* an override replaces selection, mode included */
	assert_int_equal(pal_select_profile(&conf, spec, "restricted", &p, &mode, &err), 0);
	assert_string_equal(p.name, "restricted");
	assert_int_equal(mode, PAL_MODE_ENFORCE);
	pal_profile_free(&p);
	yajl_tree_free(spec);

	/* an unknown profile is refused, naming where its name came from */
	spec = spec_with("{\"io.palisade.profile\": \"nope\"}");
	mode = PAL_MODE_AUDIT;
	assert_int_equal(pal_select_profile(&conf, spec, NULL, &p, &mode, &err), -1);
	assert_true(asprintf(&msg,
	                     "profile selected by annotation io.palisade.profile: profile \"nope\" "
	                     "not found in %s",
	                     dir) > 0);
	assert_string_equal(err.msg, msg);
	assert_int_equal(err.errnum, ENOENT);
	free(msg);
	assert_null(p.tree);
	assert_int_equal(mode, PAL_MODE_AUDIT); /* untouched */
	yajl_tree_free(spec);

	/* (no rules: rule 4 would match a spec without an image) */
	conf.default_profile = "gone";
	conf.n_rules = 0;
	assert_int_equal(pal_select_profile(&conf, NULL, NULL, &p, &mode, &err), -1);
	assert_non_null(strstr(err.msg, "profile selected by default_profile: profile \"gone\""));
	conf.default_profile = NULL;
	conf.n_rules = sizeof(rules) / sizeof(*rules);

	assert_int_equal(pal_select_profile(&conf, NULL, "a/b", &p, &mode, &err), -1);
	assert_string_equal(err.msg, "profile selected by override: profile name \"a/b\" is not "
	                             "valid ([A-Za-z0-9][A-Za-z0-9._-]*, no \"..\")");

	rules[0].profile = "missing";
	spec = spec_with("{\"io.kubernetes.pod.namespace\": \"prod\"}");
	assert_int_equal(pal_select_profile(&conf, spec, NULL, &p, &mode, &err), -1);
	rules[0].profile = "prod";
	assert_non_null(
	    strstr(err.msg, "profile selected by selection rule 1: profile \"missing\""));
	yajl_tree_free(spec);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(default_profile), cmocka_unit_test(annotation_first),
	    cmocka_unit_test(rules_in_order),  cmocka_unit_test(malformed_annotations),
	    cmocka_unit_test(select_and_load),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
