/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The BPF policy compiler (src/bpf_policy.c): profile "bpf" sections, modes
 * and specs in, policies out; CIDRs; the JSON record and its strict
 * reader; which hooks a policy needs and what only LSM enforces. */
#include "config.h"

#include "rule_test.h"

#include <arpa/inet.h>
#include <sys/socket.h>

#include "palisade/bpf_policy.h"
#include "palisade/cleanup.h"

#define DENY  PAL_BPF_ACT_DENY
#define AUDIT PAL_BPF_ACT_AUDIT
#define OFF   PAL_BPF_ACT_OFF

/* Every rule on, as restricted has them. */
#define ALL_RULES                                                                                  \
	"{\"bpf\": {\n"                                                                            \
	"  \"exec\": {\"action\": \"deny\", \"denyPrefixes\": [\"/tmp\", \"/dev/shm\"]},\n"        \
	"  \"drift\": \"deny\",\n"                                                                 \
	"  \"files\": {\"action\": \"deny\", \"deny\": [\"/proc/kcore\"],\n"                       \
	"            \"denyWrite\": [\"/proc/sys\", \"/proc/sysrq-trigger\"]},\n"                  \
	"  \"mount\": \"deny\", \"ptrace\": \"deny\", \"rawSockets\": \"deny\",\n"                 \
	"  \"connect\": {\"action\": \"deny\",\n"                                                  \
	"              \"denyCidrs\": [\"169.254.169.254/32\", \"fd00:ec2::254/128\"]},\n"         \
	"  \"moduleRequest\": \"deny\", \"bpf\": \"deny\", \"setuidRoot\": \"deny\",\n"            \
	"  \"capabilities\": \"log\", \"sysctlWrite\": \"deny\"}}"

#define USER_SPEC "{\"process\": {\"user\": {\"uid\": 1000, \"gid\": 1000}}}"

/* A profile "test" from TEXT, which must pass the validator (a policy is
 * only ever built from a validated profile). */
static void profile_from(struct pal_profile *p, const char *text)
{
	pal_error err = {0};

	*p = (struct pal_profile){0};
	p->name = strdup("test");
	assert_non_null(p->name);
	p->tree = rule_test_parse(text);
	if (pal_profile_validate("test", text, strlen(text), p->tree, &err) < 0)
		fail_msg("invalid test profile: %s", err.msg);
}

/* Build from PROFILE text, MODE and SPEC text, or fail the test. */
static void build(const char *profile, enum pal_mode mode, const char *spec,
                  struct pal_bpf_policy_spec *ps)
{
	struct pal_profile p;
	pal_error err = {0};
	yajl_val s = rule_test_parse(spec);

	profile_from(&p, profile);
	if (pal_bpf_policy_build(&p, mode, s, ps, &err) < 0)
		fail_msg("build: %s", err.msg);
	yajl_tree_free(s);
	pal_profile_free(&p);
}

/* Build must fail with an error containing WHAT. */
static void build_fails(const char *profile, const char *spec, const char *what)
{
	struct pal_bpf_policy_spec ps;
	struct pal_profile p;
	pal_error err = {0};
	yajl_val s = rule_test_parse(spec);

	profile_from(&p, profile);
	assert_int_equal(pal_bpf_policy_build(&p, PAL_MODE_ENFORCE, s, &ps, &err), -1);
	if (!strstr(err.msg, what))
		fail_msg("\"%s\" lacks \"%s\"", err.msg, what);
	assert_true(pal_bpf_policy_empty(&ps));
	assert_null(ps.exec_deny);
	yajl_tree_free(s);
	pal_profile_free(&p);
}

static void assert_actions(const struct pal_bpf_policy_spec *ps, const uint8_t *want)
{
	for (unsigned r = 0; r < PAL_BPF_RULE_MAX; r++)
		if (ps->action[r] != want[r])
			fail_msg("rule %u: action %u, wanted %u", r, ps->action[r], want[r]);
}

/* ------------------------------------------------------------ build */

static void build_every_rule(void **state)
{
	static const uint8_t want[PAL_BPF_RULE_MAX] = {
	    DENY, DENY, DENY, DENY, DENY, DENY, DENY, DENY, DENY, DENY, AUDIT, DENY,
	};
	struct pal_bpf_policy_spec ps;
	char text[INET6_ADDRSTRLEN];
	(void)state;

	build(ALL_RULES, PAL_MODE_ENFORCE, USER_SPEC, &ps);
	assert_actions(&ps, want);
	assert_false(pal_bpf_policy_empty(&ps));
	assert_true(ps.lsm_required); /* the default */
	assert_int_equal(ps.root_kuid, 0);
	assert_int_equal(ps.rate_per_sec, PAL_BPF_RATE_DEFAULT); /* explicit, not 0 */
	assert_int_equal(ps.n_exec_deny, 2);
	assert_string_equal(ps.exec_deny[0], "/tmp");
	assert_string_equal(ps.exec_deny[1], "/dev/shm");
	assert_int_equal(ps.n_open_deny, 1);
	assert_string_equal(ps.open_deny[0], "/proc/kcore");
	assert_int_equal(ps.n_write_deny, 2);
	assert_string_equal(ps.write_deny[1], "/proc/sysrq-trigger");
	assert_int_equal(ps.n_cidrs, 2);
	assert_int_equal(ps.cidrs[0].family, AF_INET);
	assert_int_equal(ps.cidrs[0].bits, 32);
	assert_memory_equal(ps.cidrs[0].addr, "\xa9\xfe\xa9\xfe", 4);
	assert_int_equal(ps.cidrs[1].family, AF_INET6);
	assert_int_equal(ps.cidrs[1].bits, 128);
	assert_non_null(inet_ntop(AF_INET6, ps.cidrs[1].addr, text, sizeof(text)));
	assert_string_equal(text, "fd00:ec2::254");
	pal_bpf_policy_free(&ps);
	assert_null(ps.exec_deny);
	assert_int_equal(ps.n_cidrs, 0);

	/* lsm as written */
	build("{\"bpf\": {\"lsm\": \"optional\", \"mount\": \"deny\"}}", PAL_MODE_ENFORCE,
	      USER_SPEC, &ps);
	assert_false(ps.lsm_required);
	assert_int_equal(ps.action[PAL_BPF_RULE_MOUNT], DENY);
	pal_bpf_policy_free(&ps);
	build("{\"bpf\": {\"lsm\": \"required\", \"mount\": \"audit\"}}", PAL_MODE_ENFORCE,
	      USER_SPEC, &ps);
	assert_true(ps.lsm_required);
	assert_int_equal(ps.action[PAL_BPF_RULE_MOUNT], AUDIT);
	pal_bpf_policy_free(&ps);

	/* the rate as written, at both ends of its range */
	build("{\"bpf\": {\"mount\": \"deny\", \"eventsPerSecond\": 1}}", PAL_MODE_ENFORCE,
	      USER_SPEC, &ps);
	assert_int_equal(ps.rate_per_sec, 1);
	pal_bpf_policy_free(&ps);
	build("{\"bpf\": {\"mount\": \"deny\", \"eventsPerSecond\": 1000000}}", PAL_MODE_ENFORCE,
	      USER_SPEC, &ps);
	assert_int_equal(ps.rate_per_sec, PAL_BPF_RATE_MAX);
	pal_bpf_policy_free(&ps);
}

/* A tree that skipped the validator is still not trusted. */
static void build_unvalidated(void **state)
{
	static const struct {
		const char *profile, *msg;
	} bad[] = {
	    {"{\"bpf\": []}", "profile \"test\": bpf: must be an object"},
	    {"{\"bpf\": {\"mount\": \"block\"}}",
	     "profile \"test\": bpf.mount: must be \"deny\", \"audit\" or \"off\""},
	    {"{\"bpf\": {\"exec\": \"deny\"}}", "profile \"test\": bpf.exec: must be an object"},
	    {"{\"bpf\": {\"files\": {\"action\": \"log\"}}}",
	     "profile \"test\": bpf.files.action: must be \"deny\", \"audit\" or \"off\""},
	    {"{\"bpf\": {\"exec\": {\"action\": \"deny\", \"denyPrefixes\": [\"tmp\"]}}}",
	     "profile \"test\": bpf.exec.denyPrefixes[0]: \"tmp\" is not an absolute, normalised "
	     "path"},
	    {"{\"bpf\": {\"connect\": {\"action\": \"deny\", \"denyCidrs\": [\"10.0.0.1/8\"]}}}",
	     "profile \"test\": bpf.connect.denyCidrs[0]: \"10.0.0.1/8\" has host bits set (the "
	     "network is 10.0.0.0/8)"},
	    {"{\"bpf\": {\"lsm\": \"maybe\"}}",
	     "profile \"test\": bpf.lsm: must be \"required\" or \"optional\""},
	    {"{\"bpf\": {\"eventsPerSecond\": 0}}",
	     "profile \"test\": bpf.eventsPerSecond: must be an integer from 1 to 1000000"},
	    {"{\"bpf\": {\"eventsPerSecond\": 1000001}}",
	     "profile \"test\": bpf.eventsPerSecond: must be an integer from 1 to 1000000"},
	    {"{\"bpf\": {\"eventsPerSecond\": -1}}",
	     "profile \"test\": bpf.eventsPerSecond: must be an integer from 1 to 1000000"},
	    {"{\"bpf\": {\"eventsPerSecond\": \"100\"}}",
	     "profile \"test\": bpf.eventsPerSecond: must be an integer from 1 to 1000000"},
	    {"{\"bpf\": {\"eventsPerSecond\": 100.5}}",
	     "profile \"test\": bpf.eventsPerSecond: must be an integer from 1 to 1000000"},
	};
	yajl_val spec = rule_test_parse(USER_SPEC);
	(void)state;

	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		struct pal_bpf_policy_spec ps;
		struct pal_profile p = {.name = "test", .tree = rule_test_parse(bad[i].profile)};
		pal_error err = {0};

		assert_int_equal(pal_bpf_policy_build(&p, PAL_MODE_ENFORCE, spec, &ps, &err), -1);
		if (strcmp(err.msg, bad[i].msg) != 0)
			fail_msg("for %s\n  got:    %s\n  wanted: %s", bad[i].profile, err.msg,
			         bad[i].msg);
		assert_true(pal_bpf_policy_empty(&ps));
		yajl_tree_free(p.tree);
	}
	yajl_tree_free(spec);
}

static void build_audit_mode(void **state)
{
	static const uint8_t want[PAL_BPF_RULE_MAX] = {
	    AUDIT, AUDIT, AUDIT, AUDIT, AUDIT, AUDIT, AUDIT, AUDIT, AUDIT, AUDIT, AUDIT, AUDIT,
	};
	struct pal_bpf_policy_spec ps;
	(void)state;

	build(ALL_RULES, PAL_MODE_AUDIT, USER_SPEC, &ps);
	assert_actions(&ps, want);
	/* the lists stay: audit reports what they would deny */
	assert_int_equal(ps.n_exec_deny, 2);
	assert_int_equal(ps.n_cidrs, 2);
	assert_true(ps.lsm_required);
	pal_bpf_policy_free(&ps);

	/* off stays off, audit stays audit */
	build("{\"bpf\": {\"mount\": \"off\", \"ptrace\": \"audit\", \"bpf\": \"deny\"}}",
	      PAL_MODE_AUDIT, USER_SPEC, &ps);
	assert_int_equal(ps.action[PAL_BPF_RULE_MOUNT], OFF);
	assert_int_equal(ps.action[PAL_BPF_RULE_PTRACE], AUDIT);
	assert_int_equal(ps.action[PAL_BPF_RULE_BPF], AUDIT);
	pal_bpf_policy_free(&ps);
}

static void build_empty(void **state)
{
	static const char *const empty[] = {
	    "{}",
	    "{\"bpf\": {}}",
	    "{\"bpf\": {\"lsm\": \"required\"}}",
	    "{\"bpf\": {\"lsm\": \"required\", \"mount\": \"off\", \"capabilities\": \"off\"}}",
	    /* an action with nothing to act on is off */
	    "{\"bpf\": {\"exec\": {\"action\": \"deny\"}}}",
	    "{\"bpf\": {\"exec\": {\"action\": \"deny\", \"denyPrefixes\": []}}}",
	    "{\"bpf\": {\"files\": {\"action\": \"deny\", \"deny\": [], \"denyWrite\": []}}}",
	    "{\"bpf\": {\"connect\": {\"action\": \"audit\", \"denyCidrs\": []}}}",
	    /* a list without an action is off too */
	    "{\"bpf\": {\"exec\": {\"denyPrefixes\": [\"/tmp\"]}}}",
	    "{\"bpf\": {\"connect\": {\"action\": \"off\", \"denyCidrs\": [\"10.0.0.0/8\"]}}}",
	};
	struct pal_bpf_policy_spec ps;
	char buf[64];
	(void)state;

	for (size_t i = 0; i < sizeof(empty) / sizeof(*empty); i++) {
		build(empty[i], PAL_MODE_ENFORCE, USER_SPEC, &ps);
		if (!pal_bpf_policy_empty(&ps))
			fail_msg("not empty: %s", empty[i]);
		/* nothing on, nothing to require, nothing listed */
		assert_false(ps.lsm_required);
		assert_int_equal(ps.rate_per_sec, PAL_BPF_RATE_DEFAULT);
		assert_int_equal(ps.n_exec_deny + ps.n_open_deny + ps.n_write_deny + ps.n_cidrs, 0);
		assert_false(pal_bpf_policy_lsm_only(&ps, buf, sizeof(buf)));
		assert_string_equal(buf, "");
		for (unsigned h = 1; h < PAL_BPF_HOOK_MAX; h++)
			assert_false(pal_bpf_policy_needs_cgroup(&ps, h));
		pal_bpf_policy_free(&ps);
	}

	/* one list of two is enough for "files" */
	build("{\"bpf\": {\"files\": {\"action\": \"deny\", \"denyWrite\": [\"/proc/sys\"]}}}",
	      PAL_MODE_ENFORCE, USER_SPEC, &ps);
	assert_int_equal(ps.action[PAL_BPF_RULE_FILES], DENY);
	assert_int_equal(ps.n_open_deny, 0);
	assert_int_equal(ps.n_write_deny, 1);
	pal_bpf_policy_free(&ps);

	/* capabilities logging alone is a policy */
	build("{\"bpf\": {\"capabilities\": \"log\"}}", PAL_MODE_ENFORCE, USER_SPEC, &ps);
	assert_false(pal_bpf_policy_empty(&ps));
	assert_int_equal(ps.action[PAL_BPF_RULE_CAPABLE], AUDIT);
	assert_true(ps.lsm_required);
	pal_bpf_policy_free(&ps);
}

static void build_setuid_root(void **state)
{
	static const char prof[] = "{\"bpf\": {\"setuidRoot\": \"deny\", \"mount\": \"deny\"}}";
	struct pal_bpf_policy_spec ps;
	(void)state;

	build(prof, PAL_MODE_ENFORCE, USER_SPEC, &ps);
	assert_int_equal(ps.action[PAL_BPF_RULE_SETUID_ROOT], DENY);
	pal_bpf_policy_free(&ps);

	/* a root container: nothing to protect */
	build(prof, PAL_MODE_ENFORCE, "{\"process\": {\"user\": {\"uid\": 0}}}", &ps);
	assert_int_equal(ps.action[PAL_BPF_RULE_SETUID_ROOT], OFF);
	assert_int_equal(ps.action[PAL_BPF_RULE_MOUNT], DENY);
	pal_bpf_policy_free(&ps);
	/* no uid: runc runs it as 0 */
	build(prof, PAL_MODE_ENFORCE, "{\"process\": {\"user\": {}}}", &ps);
	assert_int_equal(ps.action[PAL_BPF_RULE_SETUID_ROOT], OFF);
	pal_bpf_policy_free(&ps);
	build(prof, PAL_MODE_ENFORCE, "{}", &ps);
	assert_int_equal(ps.action[PAL_BPF_RULE_SETUID_ROOT], OFF);
	pal_bpf_policy_free(&ps);
	/* only the rule that asked: a policy of it alone is empty for root */
	build("{\"bpf\": {\"setuidRoot\": \"deny\"}}", PAL_MODE_ENFORCE, "{}", &ps);
	assert_true(pal_bpf_policy_empty(&ps));
	pal_bpf_policy_free(&ps);

	build_fails(prof, "{\"process\": {\"user\": {\"uid\": -1}}}", "process.user.uid");
	build_fails(prof, "{\"process\": {\"user\": {\"uid\": 4294967296}}}", "process.user.uid");
	build_fails(prof, "{\"process\": {\"user\": {\"uid\": \"1000\"}}}", "process.user.uid");
}

#define USERNS(maps)                                                                               \
	"{\"process\": {\"user\": {\"uid\": 1000}}, \"linux\": {\"namespaces\": [{\"type\": "      \
	"\"pid\"}, {\"type\": \"user\"}], \"uidMappings\": " maps "}}"

static void build_root_kuid(void **state)
{
	static const char prof[] = "{\"bpf\": {\"setuidRoot\": \"deny\", \"mount\": \"deny\"}}";
	struct pal_bpf_policy_spec ps;
	(void)state;

	build(prof, PAL_MODE_ENFORCE,
	      USERNS("[{\"containerID\": 0, \"hostID\": 100000, \"size\": 65536}]"), &ps);
	assert_int_equal(ps.root_kuid, 100000);
	assert_int_equal(ps.action[PAL_BPF_RULE_SETUID_ROOT], DENY);
	pal_bpf_policy_free(&ps);

	/* uid 0 in the second range */
	build(prof, PAL_MODE_ENFORCE,
	      USERNS("[{\"containerID\": 1000, \"hostID\": 1000, \"size\": 1},"
	             " {\"containerID\": 0, \"hostID\": 231072, \"size\": 1000}]"),
	      &ps);
	assert_int_equal(ps.root_kuid, 231072);
	assert_int_equal(ps.action[PAL_BPF_RULE_SETUID_ROOT], DENY);
	pal_bpf_policy_free(&ps);

	/* no uid 0 in the namespace: no root to become */
	build(prof, PAL_MODE_ENFORCE,
	      USERNS("[{\"containerID\": 1, \"hostID\": 100001, \"size\": 65535}]"), &ps);
	assert_int_equal(ps.root_kuid, UINT32_MAX);
	assert_int_equal(ps.action[PAL_BPF_RULE_SETUID_ROOT], OFF);
	assert_int_equal(ps.action[PAL_BPF_RULE_MOUNT], DENY);
	pal_bpf_policy_free(&ps);
	build(prof, PAL_MODE_ENFORCE,
	      USERNS("[{\"containerID\": 0, \"hostID\": 100000, \"size\": 0}]"), &ps);
	assert_int_equal(ps.root_kuid, UINT32_MAX);
	assert_int_equal(ps.action[PAL_BPF_RULE_SETUID_ROOT], OFF);
	pal_bpf_policy_free(&ps);
	/* a namespace joined by path: its mappings are not in the spec */
	build(prof, PAL_MODE_ENFORCE,
	      "{\"process\": {\"user\": {\"uid\": 1000}}, \"linux\": {\"namespaces\": "
	      "[{\"type\": \"user\", \"path\": \"/proc/1234/ns/user\"}]}}",
	      &ps);
	assert_int_equal(ps.root_kuid, UINT32_MAX);
	assert_int_equal(ps.action[PAL_BPF_RULE_SETUID_ROOT], OFF);
	pal_bpf_policy_free(&ps);

	/* mappings without a user namespace mean nothing */
	build(prof, PAL_MODE_ENFORCE,
	      "{\"process\": {\"user\": {\"uid\": 1000}}, \"linux\": {\"namespaces\": "
	      "[{\"type\": \"pid\"}], \"uidMappings\": [{\"containerID\": 0, \"hostID\": 5, "
	      "\"size\": 1}]}}",
	      &ps);
	assert_int_equal(ps.root_kuid, 0);
	assert_int_equal(ps.action[PAL_BPF_RULE_SETUID_ROOT], DENY);
	pal_bpf_policy_free(&ps);

	build_fails(prof, USERNS("{}"), "linux.uidMappings: must be an array");
	build_fails(prof, USERNS("[{\"containerID\": 0, \"hostID\": -1, \"size\": 1}]"),
	            "linux.uidMappings[0]");
	build_fails(prof, USERNS("[{\"containerID\": 0, \"size\": 1}]"), "linux.uidMappings[0]");
}

/* A child profile turns a rule off and replaces a list (extends merges
 * objects member by member, arrays whole). */
static void build_extends(void **state)
{
	static const char parent[] =
	    "{\"bpf\": {\"drift\": \"deny\", \"mount\": \"deny\",\n"
	    " \"exec\": {\"action\": \"deny\", \"denyPrefixes\": [\"/tmp\", \"/dev\"]},\n"
	    " \"files\": {\"action\": \"deny\", \"deny\": [\"/proc/kcore\"]},\n"
	    " \"eventsPerSecond\": 5000}}";
	static const char child[] =
	    "{\"extends\": \"parent\", \"bpf\": {\"drift\": \"off\",\n"
	    " \"exec\": {\"denyPrefixes\": [\"/var/tmp\"]}, \"files\": {\"action\": \"off\"}}}";
	char *dir = pal_test_tmpdir(), *dirs[1];
	struct pal_conf conf = {.profile_dirs = dirs, .n_profile_dirs = 1};
	struct pal_bpf_policy_spec ps;
	struct pal_profile p;
	pal_error err = {0};
	yajl_val spec = rule_test_parse(USER_SPEC);
	(void)state;

	assert_non_null(dir);
	dirs[0] = dir;
	assert_int_equal(pal_test_write(dir, "parent.json", parent, strlen(parent)), 0);
	assert_int_equal(pal_test_write(dir, "child.json", child, strlen(child)), 0);
	if (pal_profile_load(&conf, "child", &p, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(pal_bpf_policy_build(&p, p.mode, spec, &ps, &err), 0);
	assert_int_equal(ps.action[PAL_BPF_RULE_DRIFT], OFF);
	assert_int_equal(ps.action[PAL_BPF_RULE_MOUNT], DENY);
	assert_int_equal(ps.action[PAL_BPF_RULE_EXEC_PATH], DENY);
	assert_int_equal(ps.n_exec_deny, 1);
	assert_string_equal(ps.exec_deny[0], "/var/tmp");
	assert_int_equal(ps.action[PAL_BPF_RULE_FILES], OFF);
	assert_int_equal(ps.n_open_deny, 0);
	assert_int_equal(ps.rate_per_sec, 5000); /* the parent's, kept */
	pal_bpf_policy_free(&ps);
	pal_profile_free(&p);
	yajl_tree_free(spec);
	pal_test_rmtree(dir);
	free(dir);
}

/* What the shipped profiles compile to, for a non-root container. */
static void build_shipped(void **state)
{
	static const uint8_t restricted[PAL_BPF_RULE_MAX] = {
	    DENY, DENY, DENY, DENY, DENY, DENY, DENY, DENY, DENY, DENY, AUDIT, DENY,
	};
	static const uint8_t baseline[PAL_BPF_RULE_MAX] = {
	    DENY, OFF, DENY, DENY, DENY, DENY, DENY, DENY, DENY, DENY, AUDIT, DENY,
	};
	static const uint8_t dflt[PAL_BPF_RULE_MAX] = {
	    OFF, OFF, DENY, DENY, OFF, DENY, DENY, DENY, DENY, OFF, OFF, DENY,
	};
	static const uint8_t audit[PAL_BPF_RULE_MAX] = {
	    AUDIT, AUDIT, AUDIT, AUDIT, AUDIT, AUDIT, AUDIT, AUDIT, AUDIT, AUDIT, AUDIT, AUDIT,
	};
	static const struct {
		const char *name;
		const uint8_t *want;
	} cases[] = {
	    {"restricted", restricted},
	    {"baseline", baseline},
	    {"default", dflt},
	    {"audit", audit},
	};
	const char *env = getenv("PAL_PROFILES");
	char *fx = pal_test_fixture(""), *sd = NULL, *dirs[1];
	struct pal_conf conf = {.profile_dirs = dirs, .n_profile_dirs = 1};
	yajl_val spec = rule_test_parse(USER_SPEC);
	(void)state;

	/* $PAL_PROFILES (set by `make check`), else the source tree's */
	assert_non_null(fx);
	if (env && *env)
		sd = strdup(env);
	else
		assert_true(asprintf(&sd, "%s/../../profiles", fx) > 0);
	assert_non_null(sd);
	dirs[0] = sd;

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct pal_bpf_policy_spec ps;
		struct pal_profile p;
		pal_error err = {0};

		if (pal_profile_load(&conf, cases[i].name, &p, &err) < 0)
			fail_msg("%s (set PAL_PROFILES)", err.msg);
		if (pal_bpf_policy_build(&p, p.mode, spec, &ps, &err) < 0)
			fail_msg("%s: %s", cases[i].name, err.msg);
		for (unsigned r = 0; r < PAL_BPF_RULE_MAX; r++)
			if (ps.action[r] != cases[i].want[r])
				fail_msg("%s: rule %u is %u, wanted %u", cases[i].name, r,
				         ps.action[r], cases[i].want[r]);
		/* they run on hosts without BPF LSM */
		assert_false(ps.lsm_required);
		/* the metadata services, in all four */
		assert_true(ps.n_cidrs >= 3);
		assert_true(ps.n_write_deny >= 1);
		pal_bpf_policy_free(&ps);
		pal_profile_free(&p);
	}
	yajl_tree_free(spec);
	free(sd);
	free(fx);
}

/* ------------------------------------------------------------ CIDRs */

static void cidr_parse(void **state)
{
	static const struct {
		const char *text;
		int family;
		unsigned bits;
		const char *addr; /* inet_ntop of the result */
	} good[] = {
	    {"169.254.169.254/32", AF_INET, 32, "169.254.169.254"},
	    {"100.100.100.200/32", AF_INET, 32, "100.100.100.200"},
	    {"10.0.0.0/8", AF_INET, 8, "10.0.0.0"},
	    {"100.64.0.0/10", AF_INET, 10, "100.64.0.0"},
	    {"0.0.0.0/0", AF_INET, 0, "0.0.0.0"},
	    {"fd00:ec2::254/128", AF_INET6, 128, "fd00:ec2::254"},
	    {"FD00:EC2::254/128", AF_INET6, 128, "fd00:ec2::254"},
	    {"fe80::/10", AF_INET6, 10, "fe80::"},
	    {"::/0", AF_INET6, 0, "::"},
	    {"::1/128", AF_INET6, 128, "::1"},
	};
	static const struct {
		const char *text;
		const char *msg;
	} bad[] = {
	    {"10.0.0.1/8", "\"10.0.0.1/8\" has host bits set (the network is 10.0.0.0/8)"},
	    {"169.254.169.254/16",
	     "\"169.254.169.254/16\" has host bits set (the network is 169.254.0.0/16)"},
	    {"100.64.0.0/9", "\"100.64.0.0/9\" has host bits set (the network is 100.0.0.0/9)"},
	    {"fe80::1/10", "\"fe80::1/10\" has host bits set (the network is fe80::/10)"},
	    {"fd00:ec2::255/127",
	     "\"fd00:ec2::255/127\" has host bits set (the network is fd00:ec2::254/127)"},
	    {"10.0.0.0/33", "\"10.0.0.0/33\": the prefix length must be 0 to 32"},
	    {"::/129", "\"::/129\": the prefix length must be 0 to 128"},
	    {"10.0.0.0/1000", "\"10.0.0.0/1000\": the prefix length must be 0 to 32"},
	    {"10.0.0.0/08", "\"10.0.0.0/08\": the prefix length must be 0 to 32"},
	    {"10.0.0.0/+8", "\"10.0.0.0/+8\": the prefix length must be 0 to 32"},
	    {"10.0.0.0/-1", "\"10.0.0.0/-1\": the prefix length must be 0 to 32"},
	    {"10.0.0.0/", "\"10.0.0.0/\": the prefix length must be 0 to 32"},
	    {"10.0.0.0/8 ", "\"10.0.0.0/8 \": the prefix length must be 0 to 32"},
	    {"::ffff:169.254.169.254/128",
	     "\"::ffff:169.254.169.254/128\" is an IPv4-mapped address: write it as IPv4 "
	     "(169.254.169.254/32), which also covers its mapped form"},
	    {"::ffff:0:0/96", "\"::ffff:0:0/96\" is an IPv4-mapped address: write it as IPv4 "
	                      "(0.0.0.0/0), which also covers its mapped form"},
	    {"169.254.169.254", "\"169.254.169.254\" is not a CIDR (\"a.b.c.d/n\" or \"x::y/n\")"},
	    {"garbage/8", "\"garbage/8\" is not a CIDR (\"a.b.c.d/n\" or \"x::y/n\")"},
	    {"", "\"\" is not a CIDR (\"a.b.c.d/n\" or \"x::y/n\")"},
	    {"/8", "\"/8\" is not a CIDR (\"a.b.c.d/n\" or \"x::y/n\")"},
	    {"10.0.0/24", "\"10.0.0/24\" is not a CIDR (\"a.b.c.d/n\" or \"x::y/n\")"},
	    {"010.0.0.0/8", "\"010.0.0.0/8\" is not a CIDR (\"a.b.c.d/n\" or \"x::y/n\")"},
	    {" 10.0.0.0/8", "\" 10.0.0.0/8\" is not a CIDR (\"a.b.c.d/n\" or \"x::y/n\")"},
	    {"10.0.0.0/8/8", "\"10.0.0.0/8/8\" is not a CIDR (\"a.b.c.d/n\" or \"x::y/n\")"},
	    {"fe80::%eth0/10", "\"fe80::%eth0/10\" is not a CIDR (\"a.b.c.d/n\" or \"x::y/n\")"},
	    {"1:2:3:4:5:6:7:8:9/128",
	     "\"1:2:3:4:5:6:7:8:9/128\" is not a CIDR (\"a.b.c.d/n\" or \"x::y/n\")"},
	    {"10.0.0.0\n/8", "\"10.0.0.0\\x0a/8\" is not a CIDR (\"a.b.c.d/n\" or \"x::y/n\")"},
	};
	(void)state;

	for (size_t i = 0; i < sizeof(good) / sizeof(*good); i++) {
		struct pal_bpf_cidr c;
		pal_error err = {0};
		char text[INET6_ADDRSTRLEN];

		if (pal_bpf_cidr_parse(good[i].text, &c, &err) < 0)
			fail_msg("%s: %s", good[i].text, err.msg);
		assert_int_equal(c.family, good[i].family);
		assert_int_equal(c.bits, good[i].bits);
		assert_non_null(inet_ntop(c.family, c.addr, text, sizeof(text)));
		assert_string_equal(text, good[i].addr);
		if (c.family == AF_INET)
			for (size_t j = 4; j < sizeof(c.addr); j++)
				assert_int_equal(c.addr[j], 0);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		struct pal_bpf_cidr c = {.family = 99};
		pal_error err = {0};

		if (pal_bpf_cidr_parse(bad[i].text, &c, &err) == 0)
			fail_msg("accepted \"%s\"", bad[i].text);
		assert_int_equal(err.errnum, EINVAL);
		if (strcmp(err.msg, bad[i].msg) != 0)
			fail_msg("for \"%s\"\n  got:    %s\n  wanted: %s", bad[i].text, err.msg,
			         bad[i].msg);
		assert_int_equal(c.family, 99); /* untouched on failure */
	}
}

/* ------------------------------------------------------------ JSON */

static char *to_text(const struct pal_bpf_policy_spec *ps)
{
	_cleanup_yajl_val_ yajl_val j = NULL;
	pal_error err = {0};
	char *out = NULL;
	size_t len;

	if (pal_bpf_policy_to_json(ps, &j, &err) < 0)
		fail_msg("to_json: %s", err.msg);
	assert_int_equal(pal_json_serialize(j, false, &out, &len, &err), 0);
	return out;
}

static void json_round_trip(void **state)
{
	struct pal_bpf_policy_spec ps, back;
	pal_error err = {0};
	yajl_val j;
	char *text, *again;
	(void)state;

	build(ALL_RULES, PAL_MODE_ENFORCE,
	      USERNS("[{\"containerID\": 0, \"hostID\": 100000, \"size\": 65536}]"), &ps);
	text = to_text(&ps);
	assert_string_equal(
	    text, "{\"actions\":{\"exec\":\"deny\",\"drift\":\"deny\",\"files\":\"deny\","
	          "\"mount\":\"deny\",\"ptrace\":\"deny\",\"rawSockets\":\"deny\","
	          "\"connect\":\"deny\",\"moduleRequest\":\"deny\",\"bpf\":\"deny\","
	          "\"setuidRoot\":\"deny\",\"capabilities\":\"log\",\"sysctlWrite\":\"deny\"},"
	          "\"lsm\":\"required\",\"rootKuid\":100000,\"eventsPerSecond\":100,"
	          "\"execDeny\":[\"/tmp\",\"/dev/shm\"],"
	          "\"openDeny\":[\"/proc/kcore\"],\"writeDeny\":[\"/proc/sys\","
	          "\"/proc/sysrq-trigger\"],\"denyCidrs\":[\"169.254.169.254/32\","
	          "\"fd00:ec2::254/128\"]}");

	j = rule_test_parse(text);
	if (pal_bpf_policy_from_json(j, &back, &err) < 0)
		fail_msg("from_json: %s", err.msg);
	yajl_tree_free(j);
	assert_memory_equal(back.action, ps.action, sizeof(ps.action));
	assert_int_equal(back.lsm_required, ps.lsm_required);
	assert_int_equal(back.root_kuid, 100000);
	assert_int_equal(back.rate_per_sec, PAL_BPF_RATE_DEFAULT);
	assert_int_equal(back.n_exec_deny, 2);
	assert_string_equal(back.exec_deny[1], "/dev/shm");
	assert_int_equal(back.n_cidrs, 2);
	assert_memory_equal(back.cidrs, ps.cidrs, 2 * sizeof(*ps.cidrs));
	again = to_text(&back);
	assert_string_equal(again, text);
	free(again);
	free(text);
	pal_bpf_policy_free(&back);
	pal_bpf_policy_free(&ps);

	/* audit mode, no user namespace mapping 0, lsm optional, a rate */
	build("{\"bpf\": {\"lsm\": \"optional\", \"capabilities\": \"log\", \"ptrace\": \"deny\","
	      " \"eventsPerSecond\": 250000}}",
	      PAL_MODE_AUDIT, USERNS("[{\"containerID\": 1, \"hostID\": 1, \"size\": 1}]"), &ps);
	text = to_text(&ps);
	assert_string_equal(
	    text, "{\"actions\":{\"exec\":\"off\",\"drift\":\"off\",\"files\":\"off\","
	          "\"mount\":\"off\",\"ptrace\":\"audit\",\"rawSockets\":\"off\","
	          "\"connect\":\"off\",\"moduleRequest\":\"off\",\"bpf\":\"off\","
	          "\"setuidRoot\":\"off\",\"capabilities\":\"log\",\"sysctlWrite\":\"off\"},"
	          "\"lsm\":\"optional\",\"rootKuid\":4294967295,\"eventsPerSecond\":250000,"
	          "\"execDeny\":[],\"openDeny\":[],"
	          "\"writeDeny\":[],\"denyCidrs\":[]}");
	j = rule_test_parse(text);
	assert_int_equal(pal_bpf_policy_from_json(j, &back, &err), 0);
	yajl_tree_free(j);
	assert_memory_equal(back.action, ps.action, sizeof(ps.action));
	assert_false(back.lsm_required);
	assert_int_equal(back.root_kuid, UINT32_MAX);
	assert_int_equal(back.rate_per_sec, 250000);
	pal_bpf_policy_free(&back);
	free(text);
	pal_bpf_policy_free(&ps);

	/* the empty policy too */
	build("{}", PAL_MODE_ENFORCE, "{}", &ps);
	text = to_text(&ps);
	j = rule_test_parse(text);
	assert_int_equal(pal_bpf_policy_from_json(j, &back, &err), 0);
	assert_true(pal_bpf_policy_empty(&back));
	assert_false(back.lsm_required);
	assert_int_equal(back.root_kuid, 0);
	assert_int_equal(back.rate_per_sec, PAL_BPF_RATE_DEFAULT);
	yajl_tree_free(j);
	free(text);
	pal_bpf_policy_free(&back);
	pal_bpf_policy_free(&ps);

	/* a spec made by hand (rate 0: the default) still writes a record
	 * that reads back */
	ps = (struct pal_bpf_policy_spec){.action[PAL_BPF_RULE_MOUNT] = DENY};
	text = to_text(&ps);
	assert_non_null(strstr(text, "\"eventsPerSecond\":100,"));
	j = rule_test_parse(text);
	assert_int_equal(pal_bpf_policy_from_json(j, &back, &err), 0);
	assert_int_equal(back.rate_per_sec, PAL_BPF_RATE_DEFAULT);
	yajl_tree_free(j);
	free(text);
	pal_bpf_policy_free(&back);
}

#define RECORD_ACTIONS                                                                             \
	"{\"exec\":\"deny\",\"drift\":\"deny\",\"files\":\"deny\",\"mount\":\"deny\","             \
	"\"ptrace\":\"deny\",\"rawSockets\":\"deny\",\"connect\":\"deny\","                        \
	"\"moduleRequest\":\"deny\",\"bpf\":\"deny\",\"setuidRoot\":\"deny\","                     \
	"\"capabilities\":\"log\",\"sysctlWrite\":\"deny\"}"

/* A good record with member PATH ("actions.mount") set to JSON (NULL:
 * removed), read back: must fail with WHAT in the message. */
static void record_refused(const char *path, const char *json, const char *what)
{
	static const char good[] = "{\"actions\":" RECORD_ACTIONS ",\"lsm\":\"required\","
	                           "\"rootKuid\":0,\"eventsPerSecond\":100,\"execDeny\":[\"/tmp\"],"
	                           "\"openDeny\":[\"/proc/kcore\"],\"writeDeny\":[\"/proc/sys\"],"
	                           "\"denyCidrs\":[\"169.254.169.254/32\"]}";
	struct pal_bpf_policy_spec ps;
	pal_error err = {0};
	yajl_val base = rule_test_parse(good);
	yajl_val rec = path ? rule_test_with(base, path, json) : rule_test_parse(json);

	if (pal_bpf_policy_from_json(rec, &ps, &err) == 0)
		fail_msg("accepted %s = %s", path ? path : "record", json ? json : "(removed)");
	assert_int_equal(err.errnum, EINVAL);
	if (strcmp(err.msg, what) != 0)
		fail_msg("for %s = %s\n  got:    %s\n  wanted: %s", path ? path : "record",
		         json ? json : "(removed)", err.msg, what);
	/* nothing half-built is left */
	assert_true(pal_bpf_policy_empty(&ps));
	assert_null(ps.exec_deny);
	assert_null(ps.cidrs);
	yajl_tree_free(rec);
	yajl_tree_free(base);
}

static void json_refused(void **state)
{
	char *many, *p, *long_path, *msg;
	(void)state;

	record_refused(NULL, "{\"actions\": " RECORD_ACTIONS "}",
	               "BPF policy record: \"lsm\" is missing");
	record_refused("extra", "1", "BPF policy record: unknown key \"extra\"");
	record_refused("execDeny", NULL, "BPF policy record: \"execDeny\" is missing");
	record_refused("actions", "[]", "BPF policy record: actions: must be an object");
	record_refused("actions.exex", "\"deny\"",
	               "BPF policy record: actions: unknown key \"exex\"");
	record_refused("actions.drift", NULL, "BPF policy record: actions: \"drift\" is missing");
	record_refused("actions.mount", "\"block\"",
	               "BPF policy record: actions.mount: must be \"deny\", \"audit\" or \"off\"");
	record_refused("actions.mount", "2",
	               "BPF policy record: actions.mount: must be \"deny\", \"audit\" or \"off\"");
	record_refused("actions.capabilities", "\"deny\"",
	               "BPF policy record: actions.capabilities: must be \"log\" or \"off\"");
	record_refused("actions.exec", "\"log\"",
	               "BPF policy record: actions.exec: must be \"deny\", \"audit\" or \"off\"");
	record_refused("lsm", "true",
	               "BPF policy record: lsm: must be \"required\" or \"optional\"");
	record_refused("rootKuid", "-1",
	               "BPF policy record: rootKuid: must be an unsigned 32-bit integer");
	record_refused("rootKuid", "4294967296",
	               "BPF policy record: rootKuid: must be an unsigned 32-bit integer");
	record_refused("rootKuid", "\"0\"",
	               "BPF policy record: rootKuid: must be an unsigned 32-bit integer");
	record_refused("rootKuid", "1.0",
	               "BPF policy record: rootKuid: must be an unsigned 32-bit integer");
	record_refused("eventsPerSecond", NULL,
	               "BPF policy record: \"eventsPerSecond\" is missing");
	record_refused("eventsPerSecond", "0",
	               "BPF policy record: eventsPerSecond: must be an integer from 1 to 1000000");
	record_refused("eventsPerSecond", "1000001",
	               "BPF policy record: eventsPerSecond: must be an integer from 1 to 1000000");
	record_refused("eventsPerSecond", "\"100\"",
	               "BPF policy record: eventsPerSecond: must be an integer from 1 to 1000000");
	record_refused("eventsPerSecond", "1e3",
	               "BPF policy record: eventsPerSecond: must be an integer from 1 to 1000000");
	record_refused("execDeny", "\"/tmp\"",
	               "BPF policy record: execDeny: must be an array of strings");
	record_refused("execDeny", "[\"/tmp\", 1]",
	               "BPF policy record: execDeny: must be an array of strings");
	record_refused("execDeny", "[\"tmp\"]",
	               "BPF policy record: execDeny[0]: \"tmp\" is not an absolute, normalised "
	               "path");
	record_refused("openDeny", "[\"/proc/../etc/shadow\"]",
	               "BPF policy record: openDeny[0]: \"/proc/../etc/shadow\" is not an "
	               "absolute, normalised path");
	record_refused("writeDeny", "[\"/proc/sys\", \"/proc/sys\"]",
	               "BPF policy record: writeDeny[1]: \"/proc/sys\" is listed twice");
	record_refused("denyCidrs", "[\"169.254.169.254/24\"]",
	               "BPF policy record: denyCidrs[0]: \"169.254.169.254/24\" has host bits set "
	               "(the network is 169.254.169.0/24)");
	record_refused("denyCidrs", "[\"10.0.0.0/8\", \"10.0.0.0/8\"]",
	               "BPF policy record: denyCidrs[1]: \"10.0.0.0/8\" is listed twice");
	record_refused(NULL, "{}", "BPF policy record: \"actions\" is missing");

	long_path = malloc(PAL_BPF_PATH_MAX + 1);
	assert_non_null(long_path);
	memset(long_path, 'x', PAL_BPF_PATH_MAX);
	long_path[0] = '/';
	long_path[PAL_BPF_PATH_MAX] = '\0';
	assert_true(asprintf(&p, "[\"%s\"]", long_path) > 0);
	assert_true(asprintf(&msg,
	                     "BPF policy record: execDeny[0]: \"/%.63s...\" is longer than 239 "
	                     "bytes",
	                     long_path + 1) > 0);
	record_refused("execDeny", p, msg);
	free(p);
	free(msg);
	free(long_path);

	many = malloc(65 * 8 + 8);
	assert_non_null(many);
	p = many + sprintf(many, "[");
	for (int i = 0; i < 65; i++)
		p += sprintf(p, "%s\"/p%d\"", i ? "," : "", i);
	sprintf(p, "]");
	record_refused("openDeny", many, "BPF policy record: openDeny: 65 entries, at most 64");
	free(many);
}

/* A hand-edited record that leaves a rule with nothing to act on reads
 * as build would have written it. */
static void json_settles(void **state)
{
	static const char rec[] =
	    "{\"actions\":" RECORD_ACTIONS ",\"lsm\":\"required\",\"rootKuid\":0,"
	    "\"eventsPerSecond\":100,\"execDeny\":[],\"openDeny\":[],\"writeDeny\":[],"
	    "\"denyCidrs\":[]}";
	struct pal_bpf_policy_spec ps;
	pal_error err = {0};
	yajl_val j = rule_test_parse(rec);
	(void)state;

	assert_int_equal(pal_bpf_policy_from_json(j, &ps, &err), 0);
	assert_int_equal(ps.action[PAL_BPF_RULE_EXEC_PATH], OFF);
	assert_int_equal(ps.action[PAL_BPF_RULE_FILES], OFF);
	assert_int_equal(ps.action[PAL_BPF_RULE_CONNECT], OFF);
	assert_int_equal(ps.action[PAL_BPF_RULE_MOUNT], DENY);
	assert_true(ps.lsm_required);
	pal_bpf_policy_free(&ps);
	yajl_tree_free(j);
}

/* ------------------------------------------------------------ hooks */

static void needs_cgroup(void **state)
{
	static const enum pal_bpf_hook connect[] = {
	    PAL_BPF_HOOK_CG_CONNECT4, PAL_BPF_HOOK_CG_CONNECT6, PAL_BPF_HOOK_CG_SENDMSG4,
	    PAL_BPF_HOOK_CG_SENDMSG6};
	struct pal_bpf_policy_spec ps;
	(void)state;

	build("{\"bpf\": {\"rawSockets\": \"deny\"}}", PAL_MODE_ENFORCE, USER_SPEC, &ps);
	for (unsigned h = 1; h < PAL_BPF_HOOK_MAX; h++)
		assert_int_equal(pal_bpf_policy_needs_cgroup(&ps, h),
		                 h == PAL_BPF_HOOK_CG_SOCK_CREATE);
	pal_bpf_policy_free(&ps);

	/* an IPv4 list needs the IPv6 hooks too (mapped addresses) */
	build("{\"bpf\": {\"connect\": {\"action\": \"deny\", \"denyCidrs\": "
	      "[\"169.254.169.254/32\"]}}}",
	      PAL_MODE_ENFORCE, USER_SPEC, &ps);
	for (unsigned h = 1; h < PAL_BPF_HOOK_MAX; h++) {
		bool want = false;
		for (size_t i = 0; i < 4; i++)
			want |= h == connect[i];
		assert_int_equal(pal_bpf_policy_needs_cgroup(&ps, h), want);
	}
	pal_bpf_policy_free(&ps);

	/* audit needs the hook as much as deny */
	build("{\"bpf\": {\"sysctlWrite\": \"deny\"}}", PAL_MODE_AUDIT, USER_SPEC, &ps);
	assert_int_equal(ps.action[PAL_BPF_RULE_SYSCTL_WRITE], AUDIT);
	for (unsigned h = 1; h < PAL_BPF_HOOK_MAX; h++)
		assert_int_equal(pal_bpf_policy_needs_cgroup(&ps, h), h == PAL_BPF_HOOK_CG_SYSCTL);
	pal_bpf_policy_free(&ps);

	/* LSM-only rules need no cgroup program */
	build("{\"bpf\": {\"mount\": \"deny\", \"ptrace\": \"deny\", \"capabilities\": \"log\"}}",
	      PAL_MODE_ENFORCE, USER_SPEC, &ps);
	for (unsigned h = 0; h <= PAL_BPF_HOOK_MAX; h++)
		assert_false(pal_bpf_policy_needs_cgroup(&ps, h));
	pal_bpf_policy_free(&ps);
}

static void lsm_only(void **state)
{
	struct pal_bpf_policy_spec ps;
	char buf[256], small[12];
	(void)state;

	build(ALL_RULES, PAL_MODE_ENFORCE, USER_SPEC, &ps);
	assert_true(pal_bpf_policy_lsm_only(&ps, buf, sizeof(buf)));
	assert_string_equal(buf, "exec, drift, files, mount, ptrace, rawSockets (AF_PACKET), "
	                         "moduleRequest, bpf, setuidRoot, capabilities");
	/* cut short, still NUL-terminated, still "some" */
	assert_true(pal_bpf_policy_lsm_only(&ps, small, sizeof(small)));
	assert_string_equal(small, "exec, drift");
	pal_bpf_policy_free(&ps);

	/* what cgroup-BPF covers entirely is not listed */
	build("{\"bpf\": {\"connect\": {\"action\": \"deny\", \"denyCidrs\": [\"10.0.0.0/8\"]},"
	      " \"sysctlWrite\": \"deny\"}}",
	      PAL_MODE_ENFORCE, USER_SPEC, &ps);
	assert_false(pal_bpf_policy_lsm_only(&ps, buf, sizeof(buf)));
	assert_string_equal(buf, "");
	pal_bpf_policy_free(&ps);

	build("{\"bpf\": {\"rawSockets\": \"audit\", \"sysctlWrite\": \"deny\"}}", PAL_MODE_ENFORCE,
	      USER_SPEC, &ps);
	assert_true(pal_bpf_policy_lsm_only(&ps, buf, sizeof(buf)));
	assert_string_equal(buf, "rawSockets (AF_PACKET)");
	pal_bpf_policy_free(&ps);
}

int main(void)
{
	/* one test a line */
	// clang-format off
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(build_every_rule),
	    cmocka_unit_test(build_unvalidated),
	    cmocka_unit_test(build_audit_mode),
	    cmocka_unit_test(build_empty),
	    cmocka_unit_test(build_setuid_root),
	    cmocka_unit_test(build_root_kuid),
	    cmocka_unit_test(build_extends),
	    cmocka_unit_test(build_shipped),
	    cmocka_unit_test(cidr_parse),
	    cmocka_unit_test(json_round_trip),
	    cmocka_unit_test(json_refused),
	    cmocka_unit_test(json_settles),
	    cmocka_unit_test(needs_cgroup),
	    cmocka_unit_test(lsm_only),
	};
	// clang-format on
	return cmocka_run_group_tests(tests, NULL, NULL);
}
