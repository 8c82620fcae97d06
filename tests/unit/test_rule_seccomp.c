/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "pal_test.h"

#include <errno.h>
#include <seccomp.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "palisade/json.h"
#include "palisade/rewrite.h"
#include "palisade/seccomp_filter.h"

/* ------------------------------------------------------------ helpers */

static yajl_val parse(const char *s)
{
	pal_error err = {0};
	yajl_val v = NULL;

	if (pal_json_parse(s, strlen(s), "test", &v, &err) < 0)
		fail_msg("test JSON: %s", err.msg);
	return v;
}

static char *show(yajl_val v)
{
	pal_error err = {0};
	char *out = NULL;
	size_t len;

	if (pal_json_serialize(v, false, &out, &len, &err) < 0)
		fail_msg("serialise: %s", err.msg);
	return out;
}

/* Palisade's listener for the notify form (notify.h); NULL: errno form */
static const char *notify_path;

/* Apply the rule under PROFILE (a JSON profile tree) to SPEC; *NOTES (if
 * not NULL) gets the number of findings it reported. */
static int apply_notes(const char *profile, yajl_val spec, enum pal_mode mode, const char *backend,
                       size_t *notes, pal_error *err)
{
	struct pal_profile p = {.name = "test", .mode = mode};
	struct pal_report report = {0};
	struct pal_rewrite_ctx ctx = {
	    .cmd = PAL_CMD_CREATE,
	    .bundle_fd = -1,
	    .profile = &p,
	    .mode = mode,
	    .backend = backend,
	    .report = &report,
	    .notify_path = notify_path,
	};
	pal_error perr = {0};
	int r;

	if (pal_json_parse_opts(profile, strlen(profile), "profile", PAL_JSON_COMMENTS, &p.tree,
	                        &perr) < 0)
		fail_msg("profile JSON: %s", perr.msg);
	r = pal_rule_seccomp.apply(&ctx, spec, err);
	if (notes)
		*notes = report.n;
	yajl_tree_free(p.tree);
	pal_report_free(&report);
	return r;
}

static int apply(const char *profile, yajl_val spec, enum pal_mode mode, const char *backend,
                 pal_error *err)
{
	return apply_notes(profile, spec, mode, backend, NULL, err);
}

/* The filter must be one libseccomp accepts as runc would build it: no
 * two actions for the same conditions (EEXIST), no two comparisons on one
 * argument (EINVAL). */
static void loads(yajl_val spec)
{
	scmp_filter_ctx ctx = NULL;
	pal_error err = {0};

	if (pal_seccomp_load_oci(pal_json_getp(spec, "linux", "seccomp", NULL), &ctx, &err) < 0)
		fail_msg("libseccomp refuses the output: %s", err.msg);
	seccomp_release(ctx);
}

static int strcmp_p(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every name libseccomp knows on ARCHS, sorted and unique: computed here
 * independently of the rule (x86 numbering only). */
static size_t known_names(const uint32_t *archs, size_t n, char ***out)
{
	char **v = NULL;
	size_t len = 0, cap = 0;

	for (size_t a = 0; a < n; a++) {
		int base = archs[a] == SCMP_ARCH_X32 ? 0x40000000 : 0;

		for (int nr = base; nr < base + 1024; nr++) {
			char *name = seccomp_syscall_resolve_num_arch(archs[a], nr);
			size_t i;

			if (!name)
				continue;
			for (i = 0; i < len && strcmp(v[i], name); i++)
				;
			if (i < len) {
				free(name);
				continue;
			}
			if (len == cap) {
				cap = cap ? cap * 2 : 512;
				v = realloc(v, cap * sizeof(*v));
				assert_non_null(v);
			}
			v[len++] = name;
		}
	}
	qsort(v, len, sizeof(*v), strcmp_p);
	*out = v;
	return len;
}

static bool named_elsewhere(yajl_val syscalls, const char *name)
{
	for (size_t i = 0; i < syscalls->u.array.len; i++) {
		yajl_val names = pal_json_get(syscalls->u.array.values[i], "names");

		for (size_t j = 0; YAJL_IS_ARRAY(names) && j < names->u.array.len; j++)
			if (!strcmp(names->u.array.values[j]->u.string, name))
				return true;
	}
	return false;
}

/* In EXPECTED, an entry whose "names" is "@DENIED" stands for every name
 * libseccomp knows on ARCHS that no other entry names; "@DENIED -a -b"
 * leaves a and b out too. */
static yajl_val expand(const char *expected, const uint32_t *archs, size_t narchs)
{
	yajl_val e = parse(expected);
	yajl_val syscalls = pal_json_get(e, "syscalls");
	pal_error err = {0};

	for (size_t i = 0; YAJL_IS_ARRAY(syscalls) && i < syscalls->u.array.len; i++) {
		yajl_val entry = syscalls->u.array.values[i];
		yajl_val names = pal_json_get(entry, "names");
		yajl_val list;
		char **known;
		size_t n;

		if (!YAJL_IS_STRING(names) || strncmp(names->u.string, "@DENIED", 7))
			continue;
		n = known_names(archs, narchs, &known);
		list = pal_json_new_array();
		for (size_t k = 0; k < n; k++) {
			char minus[80];

			snprintf(minus, sizeof(minus), " -%s ", known[k]);
			if (!named_elsewhere(syscalls, known[k]) && !strstr(names->u.string, minus))
				assert_int_equal(
				    pal_json_append(list, pal_json_new_string(known[k]), &err), 0);
			free(known[k]);
		}
		free(known);
		assert_int_equal(pal_json_set(entry, "names", list, &err), 0);
	}
	return e;
}

static const uint32_t x86_64[] = {SCMP_ARCH_X86_64};
/* a runtime always adds the native architecture: its names are denied too */
static const uint32_t x86_32[] = {SCMP_ARCH_X86, SCMP_ARCH_X86_64};

/* Apply, compare linux.seccomp with EXPECTED, apply again to the output
 * and check that nothing changes. */
static void check(const char *profile, const char *spec_json, enum pal_mode mode,
                  const char *backend, const char *expected, const uint32_t *archs, size_t narchs)
{
	yajl_val spec = parse(spec_json), again, want = expand(expected, archs, narchs);
	pal_error err = {0};
	size_t notes;
	yajl_val got;

	/* the expected lists are x86's; a runtime adds the native ABI */
	if (seccomp_arch_native() != SCMP_ARCH_X86_64) {
		yajl_tree_free(spec);
		yajl_tree_free(want);
		skip();
	}
	if (apply_notes(profile, spec, mode, backend, &notes, &err) < 0)
		fail_msg("apply: %s", err.msg);
	assert_int_equal(notes, 1);
	got = pal_json_getp(spec, "linux", "seccomp", NULL);
	if (!pal_json_equal(got, want)) {
		char *g = show(got), *w = show(want);

		/* cmocka's print_error() truncates at 1 KiB */
		fprintf(stderr, "got:  %s\nwant: %s\n", g, w);
		free(g);
		free(w);
		fail();
	}
	loads(spec);
	again = pal_json_dup(spec);
	assert_int_equal(apply_notes(profile, again, mode, backend, &notes, &err), 0);
	assert_int_equal(notes, 0); /* found compliant, nothing to report */
	if (!pal_json_equal(again, spec)) {
		char *g = show(pal_json_getp(again, "linux", "seccomp", NULL));

		fprintf(stderr, "not idempotent, second pass: %s\n", g);
		free(g);
		fail();
	}
	yajl_tree_free(again);
	yajl_tree_free(spec);
	yajl_tree_free(want);
}

#define NNP "\"process\": {\"noNewPrivileges\": true}"
/* what runc 1.1 does after loading the filter, with exit, exit_group and
 * rt_sigreturn (see the rule's header comment) */
#define RUNC                                                                                       \
	"\"close\", \"execve\", \"exit\", \"exit_group\", \"futex\", \"getpid\", "                 \
	"\"nanosleep\", \"openat\", \"rt_sigreturn\", \"write\""
#define RUNC_READ                                                                                  \
	"\"close\", \"execve\", \"exit\", \"exit_group\", \"futex\", \"getpid\", "                 \
	"\"nanosleep\", \"openat\", \"read\", \"rt_sigreturn\", \"write\""
#define EPERM_LIST    "{\"names\": \"@DENIED\", \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 1}"
#define ARG(i, v, op) "{\"index\": " #i ", \"value\": " #v ", \"valueTwo\": 0, \"op\": \"" op "\"}"

/* ------------------------------------------------------------ no filter */

static void no_section(void **state)
{
	yajl_val spec = parse("{" NNP "}");
	pal_error err = {0};
	(void)state;

	assert_int_equal(
	    apply("{\"capabilities\": {\"allow\": []}}", spec, PAL_MODE_ENFORCE, "runc", &err), 0);
	assert_null(pal_json_get(spec, "linux"));
	yajl_tree_free(spec);
}

static void empty_spec_small_profile(void **state)
{
	(void)state;
	check(
	    "{\"seccomp\": {\"allow\": [\"read\", \"mmap\", \"read\"],"
	    " \"architectures\": [\"SCMP_ARCH_X86_64\"]}}",
	    "{" NNP "}", PAL_MODE_ENFORCE, "runc",
	    "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 38,"
	    " \"architectures\": [\"SCMP_ARCH_X86_64\"],"
	    " \"syscalls\": ["
	    "  {\"names\": [\"close\", \"execve\", \"exit\", \"exit_group\", \"futex\", \"getpid\","
	    "   \"mmap\", \"nanosleep\", \"openat\", \"read\", \"rt_sigreturn\", \"write\"],"
	    "   \"action\": \"SCMP_ACT_ALLOW\"}, " EPERM_LIST "]}",
	    x86_64, 1);
}

/* The notify form (monitor on, runc): the profile's denials go to
 * Palisade's listener, which answers denyErrno; the ENOSYS answers (the
 * default, the "enosys" names) stay SCMP_ACT_ERRNO; runc may hand the
 * listener over (read, sendmsg); the form read again is the same form,
 * and read again without a listener it is exactly the errno form. */
#define SOCK     "/run/palisade/seccomp.sock"
#define META(e)  "{\\\"palisade\\\":1,\\\"root\\\":\\\"/run/runc\\\",\\\"errno\\\":" #e "}"
static void notify_form(void **state)
{
	static const char *profile =
	    "{\"seccomp\": {\"allow\": [\"read\"], \"architectures\": [\"SCMP_ARCH_X86_64\"],"
	    " \"enosys\": [\"clone3\"], \"denyErrno\": \"EACCES\"}}";
	yajl_val spec, plain;
	pal_error err = {0};
	(void)state;

	notify_path = SOCK;
	check(profile, "{" NNP "}", PAL_MODE_ENFORCE, "runc",
	      "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 38,"
	      " \"architectures\": [\"SCMP_ARCH_X86_64\"],"
	      " \"syscalls\": [{\"names\": [\"close\", \"execve\", \"exit\", \"exit_group\", \"futex\","
	      "  \"getpid\", \"nanosleep\", \"openat\", \"read\", \"rt_sigreturn\", \"sendmsg\","
	      "  \"write\"], \"action\": \"SCMP_ACT_ALLOW\"},"
	      " {\"names\": \"@DENIED -clone3 \", \"action\": \"SCMP_ACT_NOTIFY\"}],"
	      " \"listenerPath\": \"" SOCK "\", \"listenerMetadata\": \"" META(13) "\"}",
	      x86_64, 1);
	/* the spec's conditional denials of read (EACCES first) deny it
	 * whole (the rule's reading of an ALLOW default, see its header):
	 * a denial with denyErrno like the profile's, through the listener */
	check(profile,
	      "{" NNP ", \"linux\": {\"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\","
	      " \"architectures\": [\"SCMP_ARCH_X86_64\"], \"syscalls\": ["
	      "  {\"names\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 13,"
	      "   \"args\": [" ARG(0, 7, "SCMP_CMP_EQ") "]},"
	      "  {\"names\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\","
	      "   \"args\": [" ARG(0, 8, "SCMP_CMP_EQ") "]}]}}}",
	      PAL_MODE_ENFORCE, "runc",
	      "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 38,"
	      " \"architectures\": [\"SCMP_ARCH_X86_64\"],"
	      " \"syscalls\": [{\"names\": [\"close\", \"execve\", \"exit\", \"exit_group\", \"futex\","
	      "  \"getpid\", \"nanosleep\", \"openat\", \"rt_sigreturn\", \"sendmsg\", \"write\"],"
	      "  \"action\": \"SCMP_ACT_ALLOW\"},"
	      " {\"names\": \"@DENIED -clone3 \", \"action\": \"SCMP_ACT_NOTIFY\"}],"
	      " \"listenerPath\": \"" SOCK "\", \"listenerMetadata\": \"" META(13) "\"}",
	      x86_64, 1);

	/* read again without a listener: exactly the errno form */
	spec = parse("{" NNP "}");
	plain = parse("{" NNP "}");
	assert_int_equal(apply(profile, spec, PAL_MODE_ENFORCE, "runc", &err), 0);
	notify_path = NULL;
	assert_int_equal(apply(profile, spec, PAL_MODE_ENFORCE, "runc", &err), 0);
	assert_int_equal(apply(profile, plain, PAL_MODE_ENFORCE, "runc", &err), 0);
	assert_true(pal_json_equal(spec, plain));
	assert_null(pal_json_getp(spec, "linux", "seccomp", "listenerPath", NULL));
	yajl_tree_free(spec);
	yajl_tree_free(plain);

	/* no notify form: audit mode (LOG), a crun-style caller passing no
	 * path, denyErrno ENOSYS (a compatibility answer), a spec with its
	 * own listener (one per filter: kept, and noted) */
	notify_path = SOCK;
	spec = parse("{" NNP "}");
	assert_int_equal(apply(profile, spec, PAL_MODE_AUDIT, "runc", &err), 0);
	assert_null(pal_json_getp(spec, "linux", "seccomp", "listenerPath", NULL));
	yajl_tree_free(spec);
	spec = parse("{" NNP "}");
	assert_int_equal(apply("{\"seccomp\": {\"allow\": [\"read\"], \"denyErrno\": \"ENOSYS\"}}",
	                       spec, PAL_MODE_ENFORCE, "runc", &err),
	                 0);
	assert_null(pal_json_getp(spec, "linux", "seccomp", "listenerPath", NULL));
	yajl_tree_free(spec);
	spec = parse("{" NNP ", \"linux\": {\"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\","
	             " \"listenerPath\": \"/run/agent.sock\", \"syscalls\": ["
	             "  {\"names\": [\"getppid\"], \"action\": \"SCMP_ACT_NOTIFY\"}]}}}");
	assert_int_equal(apply(profile, spec, PAL_MODE_ENFORCE, "runc", &err), 0);
	assert_string_equal(pal_json_getp(spec, "linux", "seccomp", "listenerPath", NULL)->u.string,
	                    "/run/agent.sock");
	assert_null(pal_json_getp(spec, "linux", "seccomp", "listenerMetadata", NULL));
	yajl_tree_free(spec);

	/* forged metadata of Palisade's on a foreign listener: its NOTIFY is
	 * read as the metadata's errno, a denial, never as a call let run */
	spec = parse("{" NNP ", \"linux\": {\"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\","
	             " \"listenerPath\": \"/run/agent.sock\", \"listenerMetadata\": \"" META(1) "\","
	             " \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_NOTIFY\"}]}}}");
	notify_path = NULL;
	assert_int_equal(apply(profile, spec, PAL_MODE_ENFORCE, "runc", &err), 0);
	assert_null(pal_json_getp(spec, "linux", "seccomp", "listenerPath", NULL));
	loads(spec);
	yajl_tree_free(spec);
}

/* a failed test must not leave the notify form on for the others (a
 * NOTIFY filter without a listener would block the kernel tests) */
static int notify_off(void **state)
{
	(void)state;
	notify_path = NULL;
	return 0;
}

/* The default architectures of x86-64 and the deny list over all three. */
static void default_architectures(void **state)
{
	static const uint32_t three[] = {SCMP_ARCH_X86_64, SCMP_ARCH_X86, SCMP_ARCH_X32};
	(void)state;

	if (seccomp_arch_native() != SCMP_ARCH_X86_64)
		skip();
	check("{\"seccomp\": {\"allow\": [\"read\"]}}", "{" NNP "}", PAL_MODE_ENFORCE, "runc",
	      "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 38,"
	      " \"architectures\": [\"SCMP_ARCH_X86_64\", \"SCMP_ARCH_X86\", \"SCMP_ARCH_X32\"],"
	      " \"syscalls\": [{\"names\": [" RUNC_READ "], \"action\": \"SCMP_ACT_ALLOW\"},"
	      " " EPERM_LIST "]}",
	      three, 3);
}

static void backends(void **state)
{
	const char *profile = "{\"seccomp\": {\"allow\": [\"read\"],"
	                      " \"architectures\": [\"SCMP_ARCH_X86_64\"]}}";
	(void)state;

	check(profile, "{" NNP "}", PAL_MODE_ENFORCE, "crun",
	      "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 38,"
	      " \"architectures\": [\"SCMP_ARCH_X86_64\"],"
	      " \"syscalls\": [{\"names\": [\"close\", \"close_range\", \"execve\", \"exit\","
	      "  \"exit_group\", \"read\", \"rt_sigreturn\"], \"action\": \"SCMP_ACT_ALLOW\"},"
	      " " EPERM_LIST "]}",
	      x86_64, 1);
	/* unknown backend: both */
	check(profile, "{" NNP "}", PAL_MODE_ENFORCE, NULL,
	      "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 38,"
	      " \"architectures\": [\"SCMP_ARCH_X86_64\"],"
	      " \"syscalls\": [{\"names\": [\"close\", \"close_range\", \"execve\", \"exit\","
	      "  \"exit_group\", \"futex\", \"getpid\", \"nanosleep\", \"openat\", \"read\","
	      "  \"rt_sigreturn\", \"write\"], \"action\": \"SCMP_ACT_ALLOW\"}, " EPERM_LIST "]}",
	      x86_64, 1);
	/* without noNewPrivileges runc loads the filter before the user switch */
	check(
	    profile, "{\"process\": {}}", PAL_MODE_ENFORCE, "runc",
	    "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 38,"
	    " \"architectures\": [\"SCMP_ARCH_X86_64\"],"
	    " \"syscalls\": [{\"names\": [\"capget\", \"capset\", \"chdir\", \"close\", \"execve\","
	    "  \"exit\", \"exit_group\", \"fchown\", \"fcntl\", \"fstat\", \"futex\", "
	    "\"getdents64\","
	    "  \"getpid\", \"getppid\", \"nanosleep\", \"newfstatat\", \"openat\", \"prctl\","
	    "  \"read\", \"rt_sigreturn\", \"setgid\", \"setgroups\", \"setuid\", \"write\"],"
	    "  \"action\": \"SCMP_ACT_ALLOW\"}, " EPERM_LIST "]}",
	    x86_64, 1);
	/* runc 1.2 sets linux.personality after loading the filter */
	check(profile, "{" NNP ", \"linux\": {\"personality\": {\"domain\": \"LINUX32\"}}}",
	      PAL_MODE_ENFORCE, "runc",
	      "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 38,"
	      " \"architectures\": [\"SCMP_ARCH_X86_64\"],"
	      " \"syscalls\": [{\"names\": [" RUNC_READ "], \"action\": \"SCMP_ACT_ALLOW\"},"
	      " {\"names\": [\"personality\"], \"action\": \"SCMP_ACT_ALLOW\","
	      "  \"args\": [" ARG(0, 8, "SCMP_CMP_EQ") "]}, " EPERM_LIST "]}",
	      x86_64, 1);
}

/* defaultErrno for what the filter does not name, denyErrno for the known
 * ones it denies, ENOSYS for "enosys" whatever denyErrno says. */
static void errno_split(void **state)
{
	(void)state;
	check("{\"seccomp\": {\"allow\": [\"read\"], \"defaultErrno\": \"EAGAIN\","
	      " \"denyErrno\": \"EACCES\", \"enosys\": [\"clone3\"],"
	      " \"architectures\": [\"SCMP_ARCH_X86_64\"]}}",
	      "{" NNP "}", PAL_MODE_ENFORCE, "runc",
	      "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 11,"
	      " \"architectures\": [\"SCMP_ARCH_X86_64\"],"
	      " \"syscalls\": [{\"names\": [" RUNC_READ "], \"action\": \"SCMP_ACT_ALLOW\"},"
	      " {\"names\": \"@DENIED\", \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 13},"
	      " {\"names\": [\"clone3\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 38}]}",
	      x86_64, 1);
	/* with the usual ENOSYS default the enosys entry is the default */
	check(
	    "{\"seccomp\": {\"allow\": [\"read\"], \"enosys\": [\"clone3\"],"
	    " \"architectures\": [\"SCMP_ARCH_X86_64\"]}}",
	    "{" NNP "}", PAL_MODE_ENFORCE, "runc",
	    "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 38,"
	    " \"architectures\": [\"SCMP_ARCH_X86_64\"],"
	    " \"syscalls\": [{\"names\": [" RUNC_READ "], \"action\": \"SCMP_ACT_ALLOW\"},"
	    " {\"names\": \"@DENIED -clone3 \", \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 1}]}",
	    x86_64, 1);
}

/* Calls that match no condition fall to the default (defaultErrno): no
 * complement rules, which make libseccomp 2.5.4 loop forever.  Conditional
 * entries come in rule order (fewest comparisons first), whatever the name. */
static void complement_rules(void **state)
{
	(void)state;
	check(
	    "{\"seccomp\": {\"allow\": [\"read\"], \"architectures\": [\"SCMP_ARCH_X86_64\"],"
	    " \"conditional\": ["
	    "  {\"names\": [\"socket\"], \"args\": [" ARG(
	        0, 1,
	        "SCMP_CMP_EQ") ","
	                       "   " ARG(
	                           1, 5,
	                           "SCMP_CMP_LE") "]},"
	                                          "  {\"names\": [\"prctl\"], \"args\": [" ARG(
	                                              0, 1,
	                                              "SCMP_CMP_LT") "]},"
	                                                             "  {\"names\": [\"prctl\"], "
	                                                             "\"args\": [" ARG(
	                                                                 1, 2,
	                                                                 "SCMP_CMP_GE") "]},"
	                                                                                "  "
	                                                                                "{\"names\""
	                                                                                ": "
	                                                                                "[\"persona"
	                                                                                "lity\"], "
	                                                                                "\"args\": "
	                                                                                "[" ARG(
	                                                                                    0, 0,
	                                                                                    "SCMP_"
	                                                                                    "CMP_"
	                                                                                    "EQ") "]},"
	                                                                                          "  {\"names\": [\"personality\"], \"args\": [" ARG(
	                                                                                              0,
	                                                                                              8,
	                                                                                              "SCMP_CMP_EQ") "]},"
	                                                                                                             "  {\"names\": [\"clone\"], \"args\": [{\"index\": 0, \"value\": 2114060288,"
	                                                                                                             "   \"valueTwo\": 0, \"op\": \"SCMP_CMP_MASKED_EQ\"}]},"
	                                                                                                             "  {\"names\": [\"getpgid\"], \"args\": [{\"index\": 0, \"value\": 5,"
	                                                                                                             "   \"valueTwo\": 7, \"op\": \"SCMP_CMP_GT\"}]}]}}",
	    "{" NNP "}", PAL_MODE_ENFORCE, "runc",
	    "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 38,"
	    " \"architectures\": [\"SCMP_ARCH_X86_64\"],"
	    " \"syscalls\": [{\"names\": [" RUNC_READ "], \"action\": \"SCMP_ACT_ALLOW\"},"
	    " {\"names\": [\"prctl\"], \"action\": \"SCMP_ACT_ALLOW\","
	    "  \"args\": [" ARG(
	        0, 1,
	        "SCMP_CMP_LT") "]},"
	                       " {\"names\": [\"personality\"], \"action\": \"SCMP_ACT_ALLOW\","
	                       "  \"args\": [" ARG(
	                           0, 0,
	                           "SCMP_CMP_EQ") "]},"
	                                          " {\"names\": [\"personality\"], \"action\": "
	                                          "\"SCMP_ACT_ALLOW\","
	                                          "  \"args\": [" ARG(
	                                              0, 8,
	                                              "SCMP_CMP_EQ") "]},"
	                                                             /* valueTwo means nothing to
	                                                                GT: normalised to 0 */
	                                                             " {\"names\": [\"getpgid\"], "
	                                                             "\"action\": "
	                                                             "\"SCMP_ACT_ALLOW\","
	                                                             "  \"args\": [" ARG(
	                                                                 0, 5,
	                                                                 "SCMP_CMP_GT") "]},"
	                                                                                " {"
	                                                                                "\"names\":"
	                                                                                " ["
	                                                                                "\"clone\"]"
	                                                                                ", "
	                                                                                "\"action\""
	                                                                                ": "
	                                                                                "\"SCMP_"
	                                                                                "ACT_"
	                                                                                "ALLOW\", "
	                                                                                "\"args\": "
	                                                                                "[{"
	                                                                                "\"index\":"
	                                                                                " 0,"
	                                                                                "  "
	                                                                                "\"value\":"
	                                                                                " 211406028"
	                                                                                "8, "
	                                                                                "\"valueTwo"
	                                                                                "\": 0, "
	                                                                                "\"op\": "
	                                                                                "\"SCMP_"
	                                                                                "CMP_"
	                                                                                "MASKED_"
	                                                                                "EQ\"}]},"
	                                                                                " {"
	                                                                                "\"names\":"
	                                                                                " ["
	                                                                                "\"prctl\"]"
	                                                                                ", "
	                                                                                "\"action\""
	                                                                                ": "
	                                                                                "\"SCMP_"
	                                                                                "ACT_"
	                                                                                "ALLOW\","
	                                                                                "  "
	                                                                                "\"args\": "
	                                                                                "[" ARG(
	                                                                                    1, 2,
	                                                                                    "SCMP_"
	                                                                                    "CMP_"
	                                                                                    "GE") "]},"
	                                                                                          " {\"names\": [\"socket\"], \"action\": \"SCMP_ACT_ALLOW\","
	                                                                                          "  \"args\": [" ARG(0, 1, "SCMP_CMP_EQ") ", " ARG(
	                                                                                              1,
	                                                                                              5,
	                                                                                              "SCMP_CMP_LE") "]}, " EPERM_LIST
	                                                                                                             "]}",
	    x86_64, 1);
}

/* 32-bit x86 reaches socket(2) through socketcall(2), where the family
 * cannot be seen: socketcall keeps only the sub-calls allowed outright. */
static void socketcall_narrowed(void **state)
{
	(void)state;
	check("{\"seccomp\": {\"allow\": [\"read\", \"socketcall\", \"ipc\", \"bind\", \"semget\"],"
	      " \"architectures\": [\"SCMP_ARCH_X86\"], \"conditional\": [{\"names\": [\"socket\"],"
	      " \"args\": [{\"index\": 0, \"value\": 40, \"op\": \"SCMP_CMP_NE\"}]}]}}",
	      "{" NNP "}", PAL_MODE_ENFORCE, "runc",
	      "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 38,"
	      " \"architectures\": [\"SCMP_ARCH_X86\"],"
	      " \"syscalls\": [{\"names\": [\"bind\", \"close\", \"execve\", \"exit\","
	      "  \"exit_group\", \"futex\", \"getpid\", \"nanosleep\", \"openat\", \"read\","
	      "  \"rt_sigreturn\", \"semget\", \"write\"],"
	      "  \"action\": \"SCMP_ACT_ALLOW\"},"
	      " {\"names\": [\"socket\"], \"action\": \"SCMP_ACT_ALLOW\","
	      "  \"args\": [" ARG(
	          0, 40,
	          "SCMP_CMP_NE") "]},"
	                         " {\"names\": [\"socketcall\"], \"action\": \"SCMP_ACT_ALLOW\","
	                         "  \"args\": [" ARG(
	                             0, 2,
	                             "SCMP_CMP_EQ") "]},"
	                                            " {\"names\": [\"ipc\"], \"action\": "
	                                            "\"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 0,"
	                                            "  \"value\": 65535, \"valueTwo\": 2, \"op\": "
	                                            "\"SCMP_CMP_MASKED_EQ\"}]}, " EPERM_LIST "]}",
	      x86_32, 2);
}

/* ------------------------------------------------------- with a filter */

/* Unconditional against conditional both ways, conditional against
 * conditional with a same-argument pair dropped, a denial of the spec
 * filter kept for a syscall the profile allows. */
static void intersect_conditions(void **state)
{
	(void)state;
	check(
	    "{\"seccomp\": {\"allow\": [\"read\", \"getpgid\", \"keyctl\"],"
	    " \"architectures\": [\"SCMP_ARCH_X86_64\"], \"conditional\": ["
	    "  {\"names\": [\"getpriority\"], \"args\": [{\"index\": 0, \"value\": 0, \"op\": "
	    "\"SCMP_CMP_EQ\"}]},"
	    "  {\"names\": [\"personality\"], \"args\": [{\"index\": 0, \"value\": 8, \"op\": "
	    "\"SCMP_CMP_EQ\"}]},"
	    "  {\"names\": [\"personality\"], \"args\": [{\"index\": 1, \"value\": 0, \"op\": "
	    "\"SCMP_CMP_EQ\"}]}]}}",
	    "{" NNP ", \"linux\": {\"seccomp\": {\"defaultAction\": \"SCMP_ACT_ERRNO\","
	    " \"defaultErrnoRet\": 13, \"architectures\": [\"SCMP_ARCH_X86_64\"], \"syscalls\": ["
	    "  {\"names\": [" RUNC
	    ", \"getpriority\", \"read\", \"mmap\"], \"action\": \"SCMP_ACT_ALLOW\"},"
	    "  {\"names\": [\"getpgid\"], \"action\": \"SCMP_ACT_ALLOW\","
	    "   \"args\": [{\"index\": 0, \"value\": 0, \"op\": \"SCMP_CMP_EQ\"}]},"
	    "  {\"names\": [\"personality\"], \"action\": \"SCMP_ACT_ALLOW\","
	    "   \"args\": [{\"index\": 0, \"value\": 0, \"op\": \"SCMP_CMP_EQ\"}]},"
	    "  {\"names\": [\"personality\"], \"action\": \"SCMP_ACT_ALLOW\","
	    "   \"args\": [{\"index\": 0, \"value\": 8, \"op\": \"SCMP_CMP_EQ\"}]}]}}}",
	    PAL_MODE_ENFORCE, "runc",
	    "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 38,"
	    " \"architectures\": [\"SCMP_ARCH_X86_64\"],"
	    " \"syscalls\": [{\"names\": [" RUNC_READ "], \"action\": \"SCMP_ACT_ALLOW\"},"
	    /* profile conditions on an unconditional allow; the filter's
	     * conditions on a profile's unconditional allow */
	    " {\"names\": [\"getpgid\", \"getpriority\"], \"action\": \"SCMP_ACT_ALLOW\","
	    "  \"args\": [" ARG(
	        0, 0,
	        "SCMP_CMP_EQ") "]},"
	                       /* (A0==0 or A0==8) and (A0==8 or A1==0): A0==0 && A0==8 dropped,
	                        * A0==8 && A1==0 implied by A0==8; the calls that match none fall
	                        * to the default (no complement rules) */
	                       " {\"names\": [\"personality\"], \"action\": \"SCMP_ACT_ALLOW\","
	                       "  \"args\": [" ARG(
	                           0, 8,
	                           "SCMP_CMP_EQ") "]},"
	                                          " {\"names\": [\"personality\"], \"action\": "
	                                          "\"SCMP_ACT_ALLOW\","
	                                          "  \"args\": [" ARG(0, 0, "SCMP_CMP_EQ") ", " ARG(
	                                              1, 0,
	                                              "SCMP_CMP_EQ") "]},"
	                                                             " " EPERM_LIST ","
	                                                             /* allowed by the profile,
	                                                                denied by the filter's
	                                                                default */
	                                                             " {\"names\": [\"keyctl\"], "
	                                                             "\"action\": "
	                                                             "\"SCMP_ACT_ERRNO\", "
	                                                             "\"errnoRet\": 13}]}",
	    x86_64, 1);
}

/* A deny-list filter (default ALLOW): its denials stay with their own
 * actions, a NOTIFY stays where the profile allows, unknown names are
 * dropped from allowing and kept denying, its conditional denial is kept
 * and the rest of that syscall allowed through the complement; flags and
 * listener kept; no architectures means the native one only. */
static void intersect_deny_list(void **state)
{
	(void)state;
	if (seccomp_arch_native() != SCMP_ARCH_X86_64)
		skip();
	check(
	    "{\"seccomp\": {\"allow\": [\"read\", \"keyctl\", \"mount\", \"ptrace\", \"ioctl\","
	    " \"fcntl\"]}}",
	    "{" NNP ", \"linux\": {\"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\","
	    " \"flags\": [\"SECCOMP_FILTER_FLAG_LOG\"], \"listenerPath\": \"/run/agent.sock\","
	    " \"listenerMetadata\": \"m\", \"syscalls\": ["
	    "  {\"names\": [\"keyctl\", \"add_key\"], \"action\": \"SCMP_ACT_ERRNO\", "
	    "\"errnoRet\": 13},"
	    "  {\"names\": [\"ptrace\"], \"action\": \"SCMP_ACT_KILL_PROCESS\"},"
	    "  {\"names\": [\"mount\"], \"action\": \"SCMP_ACT_NOTIFY\"},"
	    "  {\"names\": [\"no_such_call\"], \"action\": \"SCMP_ACT_ALLOW\"},"
	    "  {\"names\": [\"no_such_call2\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 13},"
	    "  {\"names\": [\"ioctl\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 1,"
	    "   \"args\": [{\"index\": 1, \"value\": 21522, \"op\": \"SCMP_CMP_EQ\"}]},"
	    "  {\"names\": [\"fcntl\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 1,"
	    "   \"args\": [{\"index\": 1, \"value\": 255, \"valueTwo\": 1,"
	    "    \"op\": \"SCMP_CMP_MASKED_EQ\"}]}]}}}",
	    PAL_MODE_ENFORCE, "runc",
	    "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 38,"
	    " \"architectures\": [\"SCMP_ARCH_X86_64\"],"
	    " \"flags\": [\"SECCOMP_FILTER_FLAG_LOG\"], \"listenerPath\": \"/run/agent.sock\","
	    " \"listenerMetadata\": \"m\","
	    /* runc hands the listener fd over with sendmsg */
	    " \"syscalls\": [{\"names\": [\"close\", \"execve\", \"exit\", \"exit_group\","
	    "  \"futex\", \"getpid\", \"nanosleep\", \"openat\", \"read\", \"rt_sigreturn\","
	    "  \"sendmsg\", \"write\"],"
	    "  \"action\": \"SCMP_ACT_ALLOW\"},"
	    " {\"names\": [\"mount\"], \"action\": \"SCMP_ACT_NOTIFY\"},"
	    /* ioctl: "all but its conditional denial" would need a complement,
	     * fcntl's (MASKED_EQ) has none: both denied whole; add_key, which
	     * the profile denies too, with its denyErrno */
	    " " EPERM_LIST ","
	    " {\"names\": [\"keyctl\", \"no_such_call2\"], \"action\": \"SCMP_ACT_ERRNO\","
	    "  \"errnoRet\": 13},"
	    " {\"names\": [\"ptrace\"], \"action\": \"SCMP_ACT_KILL_PROCESS\"}]}",
	    x86_64, 1);
}

/* A stricter default stays; only the architectures both list. */
static void intersect_kill_default(void **state)
{
	(void)state;
	check("{\"seccomp\": {\"allow\": [\"read\", \"getpid\", \"brk\"],"
	      " \"architectures\": [\"SCMP_ARCH_X86_64\", \"SCMP_ARCH_X86\"]}}",
	      "{" NNP ", \"linux\": {\"seccomp\": {\"defaultAction\": \"SCMP_ACT_KILL_PROCESS\","
	      " \"architectures\": [\"SCMP_ARCH_X86_64\", \"SCMP_ARCH_AARCH64\"], \"syscalls\": ["
	      "  {\"names\": [\"read\", \"write\", \"getpid\", \"mmap\", \"exit_group\"],"
	      "   \"action\": \"SCMP_ACT_ALLOW\"}]}}}",
	      PAL_MODE_ENFORCE, "runc",
	      "{\"defaultAction\": \"SCMP_ACT_KILL_PROCESS\", \"architectures\": "
	      "[\"SCMP_ARCH_X86_64\"],"
	      " \"syscalls\": [{\"names\": [\"exit_group\", \"getpid\", \"read\", \"write\"],"
	      "  \"action\": \"SCMP_ACT_ALLOW\"},"
	      /* allowed by the filter, denied by the profile */
	      " {\"names\": [\"mmap\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 1}]}",
	      x86_64, 1);
}

/* ------------------------------------------------------------- audit */

static void audit_mode(void **state)
{
	(void)state;
	/* LOG instead of every denial: entries equal to the default go */
	check("{\"seccomp\": {\"allow\": [\"read\"], \"architectures\": [\"SCMP_ARCH_X86_64\"],"
	      " \"conditional\": [{\"names\": [\"personality\"],"
	      " \"args\": [{\"index\": 0, \"value\": 0, \"op\": \"SCMP_CMP_EQ\"}]}]}}",
	      "{" NNP "}", PAL_MODE_AUDIT, "runc",
	      "{\"defaultAction\": \"SCMP_ACT_LOG\", \"architectures\": [\"SCMP_ARCH_X86_64\"],"
	      " \"syscalls\": [{\"names\": [" RUNC_READ "], \"action\": \"SCMP_ACT_ALLOW\"},"
	      " {\"names\": [\"personality\"], \"action\": \"SCMP_ACT_ALLOW\","
	      "  \"args\": [" ARG(0, 0, "SCMP_CMP_EQ") "]}]}",
	      x86_64, 1);
	/* the spec's own denials stay: its default, its ERRNO */
	check("{\"seccomp\": {\"allow\": [\"read\", \"getppid\"],"
	      " \"architectures\": [\"SCMP_ARCH_X86_64\"]}}",
	      "{" NNP ", \"linux\": {\"seccomp\": {\"defaultAction\": \"SCMP_ACT_ERRNO\","
	      " \"architectures\": [\"SCMP_ARCH_X86_64\"], \"syscalls\": ["
	      "  {\"names\": [" RUNC ", \"read\", \"keyctl\"], \"action\": \"SCMP_ACT_ALLOW\"},"
	      "  {\"names\": [\"getppid\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 13}]}}}",
	      PAL_MODE_AUDIT, "runc",
	      "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 1,"
	      " \"architectures\": [\"SCMP_ARCH_X86_64\"],"
	      " \"syscalls\": [{\"names\": [" RUNC_READ "], \"action\": \"SCMP_ACT_ALLOW\"},"
	      " {\"names\": [\"keyctl\"], \"action\": \"SCMP_ACT_LOG\"},"
	      " {\"names\": [\"getppid\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 13}]}",
	      x86_64, 1);
}

/* Read as runc 1.1 reads it (seccomp_linux.go, matchCall): an entry
 * whose action is the default is skipped, so the ALLOW entry for socket
 * overrides nothing and its conditional denial stands (socket is then
 * denied whole: what the filter lets run of it would need a complement);
 * a repeated argument index is one rule per comparison, OR-ed; an errnoRet
 * on an action without one is ignored. */
static void runc_reading(void **state)
{
	(void)state;
	check("{\"seccomp\": {\"allow\": [\"read\", \"socket\", \"personality\"],"
	      " \"architectures\": [\"SCMP_ARCH_X86_64\"]}}",
	      "{" NNP ", \"linux\": {\"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\","
	      " \"defaultErrnoRet\": 5, \"architectures\": [\"SCMP_ARCH_X86_64\"], \"syscalls\": ["
	      "  {\"names\": [\"socket\"], \"action\": \"SCMP_ACT_KILL_PROCESS\","
	      "   \"args\": [" ARG(
	          0, 40,
	          "SCMP_CMP_EQ") "]},"
	                         "  {\"names\": [\"socket\"], \"action\": \"SCMP_ACT_ALLOW\"}]}}}",
	      PAL_MODE_ENFORCE, "runc",
	      "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 38,"
	      " \"architectures\": [\"SCMP_ARCH_X86_64\"],"
	      " \"syscalls\": [{\"names\": [\"close\", \"execve\", \"exit\", \"exit_group\","
	      "  \"futex\", \"getpid\", \"nanosleep\", \"openat\", \"personality\", \"read\","
	      "  \"rt_sigreturn\", \"write\"], \"action\": \"SCMP_ACT_ALLOW\"}, " EPERM_LIST ","
	      " {\"names\": [\"socket\"], \"action\": \"SCMP_ACT_KILL_PROCESS\"}]}",
	      x86_64, 1);
	check("{\"seccomp\": {\"allow\": [\"read\", \"personality\"],"
	      " \"architectures\": [\"SCMP_ARCH_X86_64\"]}}",
	      "{" NNP ", \"linux\": {\"seccomp\": {\"defaultAction\": \"SCMP_ACT_ERRNO\","
	      " \"architectures\": [\"SCMP_ARCH_X86_64\"], \"syscalls\": ["
	      "  {\"names\": [" RUNC ", \"read\"], \"action\": \"SCMP_ACT_ALLOW\","
	      "   \"errnoRet\": 7},"
	      "  {\"names\": [\"personality\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": ["
	      "   " ARG(0, 0, "SCMP_CMP_EQ") ", " ARG(
	          0, 8, "SCMP_CMP_EQ") ","
	                               "   " ARG(0, 8, "SCMP_CMP_EQ") "]}]}}}",
	      PAL_MODE_ENFORCE, "runc",
	      "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 38,"
	      " \"architectures\": [\"SCMP_ARCH_X86_64\"],"
	      " \"syscalls\": [{\"names\": [" RUNC_READ "], \"action\": \"SCMP_ACT_ALLOW\"},"
	      " {\"names\": [\"personality\"], \"action\": \"SCMP_ACT_ALLOW\","
	      "  \"args\": [" ARG(
	          0, 0,
	          "SCMP_CMP_EQ") "]},"
	                         " {\"names\": [\"personality\"], \"action\": \"SCMP_ACT_ALLOW\","
	                         "  \"args\": [" ARG(0, 8, "SCMP_CMP_EQ") "]}, " EPERM_LIST "]}",
	      x86_64, 1);
}

/* Two entries with the same conditions and different actions: runc cannot
 * load it (EEXIST); a rewrite could, so it is left as it is. */
static void never_loads_left_alone(void **state)
{
	const char *sc =
	    "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": ["
	    " {\"names\": [\"getpid\"], \"action\": \"SCMP_ACT_LOG\", \"args\": [" ARG(
	        0, 1, "SCMP_CMP_EQ") "]},"
	                             " {\"names\": [\"getpid\"], \"action\": \"SCMP_ACT_KILL\", "
	                             "\"args\": [" ARG(0, 1, "SCMP_CMP_EQ") "]}]}";
	char *json;
	yajl_val spec, before;
	pal_error err = {0};
	size_t notes;

	(void)state;
	assert_true(asprintf(&json, "{\"linux\": {\"seccomp\": %s}}", sc) > 0);
	spec = parse(json);
	before = pal_json_dup(spec);
	assert_int_equal(apply_notes("{\"seccomp\": {\"allow\": [\"read\"]}}", spec,
	                             PAL_MODE_ENFORCE, "runc", &notes, &err),
	                 0);
	assert_int_equal(notes, 1);
	assert_true(pal_json_equal(spec, before));
	yajl_tree_free(spec);
	yajl_tree_free(before);
	free(json);
}

/* --------------------------------------------------------- malformed */

static void malformed(void **state)
{
	static const struct {
		const char *seccomp, *msg;
	} cases[] = {
	    {"[]", "linux.seccomp: not an object"},
	    {"{}", "linux.seccomp.defaultAction: missing"},
	    {"{\"defaultAction\": 1}", "linux.seccomp.defaultAction: not a string"},
	    {"{\"defaultAction\": \"SCMP_ACT_NOTIFY\"}",
	     "linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default action"},
	    {"{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": -1}",
	     "linux.seccomp.defaultAction: errno return value not an integer from 0 to 65535"},
	    {"{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"architectures\": [\"SCMP_ARCH_X86_64\","
	     " \"SCMP_ARCH_Z80\"]}",
	     "linux.seccomp.architectures[1]: unknown architecture \"SCMP_ARCH_Z80\""},
	    {"{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"architectures\": \"SCMP_ARCH_X86\"}",
	     "linux.seccomp.architectures: not an array"},
	    {"{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"flags\": [1]}",
	     "linux.seccomp.flags[0]: not a string"},
	    {"{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"listenerPath\": 1}",
	     "linux.seccomp.listenerPath: not a string"},
	    {"{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": {}}",
	     "linux.seccomp.syscalls: not an array"},
	    {"{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": ["
	     "{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\"},"
	     "{\"names\": [\"write\"], \"action\": \"SCMP_ACT_ALLOW\"},"
	     "{\"names\": [\"close\"], \"action\": \"SCMP_ACT_ALLOW\"},"
	     "{\"names\": [\"open\"], \"action\": \"SCMP_ACT_FOO\"}]}",
	     "linux.seccomp.syscalls[3].action: unknown action \"SCMP_ACT_FOO\""},
	    {"{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"action\": "
	     "\"SCMP_ACT_ALLOW\"}]}",
	     "linux.seccomp.syscalls[0].names: missing"},
	    {"{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": \"read\","
	     " \"action\": \"SCMP_ACT_ALLOW\"}]}",
	     "linux.seccomp.syscalls[0].names: not an array"},
	    {"{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": [\"read\", 2],"
	     " \"action\": \"SCMP_ACT_ALLOW\"}]}",
	     "linux.seccomp.syscalls[0].names[1]: not a string"},
	    {"{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": [\"read\"]}]}",
	     "linux.seccomp.syscalls[0].action: missing"},
	    {"{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": [\"read\"],"
	     " \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 6, \"value\": 0,"
	     " \"op\": \"SCMP_CMP_EQ\"}]}]}",
	     "linux.seccomp.syscalls[0].args[0].index: not an integer from 0 to 5"},
	    {"{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": [\"read\"],"
	     " \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 0, \"value\": 1.5,"
	     " \"op\": \"SCMP_CMP_EQ\"}]}]}",
	     "linux.seccomp.syscalls[0].args[0].value: not an unsigned 64-bit integer"},
	    {"{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": [\"read\"],"
	     " \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 0, \"value\": "
	     "18446744073709551616, \"op\": \"SCMP_CMP_EQ\"}]}]}",
	     "linux.seccomp.syscalls[0].args[0].value: not an unsigned 64-bit integer"},
	    {"{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": [\"read\"],"
	     " \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 0, \"value\": 1,"
	     " \"op\": \"SCMP_CMP_APPROX\"}]}]}",
	     "linux.seccomp.syscalls[0].args[0].op: unknown operator \"SCMP_CMP_APPROX\""},
	    {"{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": [\"read\"],"
	     " \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 0, \"op\": "
	     "\"SCMP_CMP_EQ\"}]}]}",
	     "linux.seccomp.syscalls[0].args[0].value: missing"},
	};
	const char *profile = "{\"seccomp\": {\"allow\": [\"read\"]}}";
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *json;
		yajl_val spec;
		pal_error err = {0};

		assert_true(asprintf(&json, "{\"linux\": {\"seccomp\": %s}}", cases[i].seccomp) >
		            0);
		spec = parse(json);
		assert_int_equal(apply(profile, spec, PAL_MODE_ENFORCE, "runc", &err), -1);
		if (strcmp(err.msg, cases[i].msg))
			fail_msg("case %zu: got \"%s\"", i, err.msg);
		yajl_tree_free(spec);
		free(json);
	}
}

static void malformed_profile(void **state)
{
	static const struct {
		const char *profile, *msg;
	} cases[] = {
	    {"{\"seccomp\": []}", "profile \"test\": seccomp: not an object"},
	    {"{\"seccomp\": {\"allow\": \"read\"}}",
	     "profile \"test\": seccomp.allow: not an array"},
	    {"{\"seccomp\": {\"allow\": [\"read\", \"no_such_call\"]}}",
	     "profile \"test\": seccomp.allow[1]: unknown syscall \"no_such_call\""},
	    {"{\"seccomp\": {\"denyErrno\": \"EWHATEVER\"}}",
	     "profile \"test\": seccomp.denyErrno: unknown errno \"EWHATEVER\""},
	    {"{\"seccomp\": {\"architectures\": [\"SCMP_ARCH_Z80\"]}}",
	     "profile \"test\": seccomp.architectures[0]: not a known architecture"},
	    {"{\"seccomp\": {\"conditional\": [{\"names\": [\"personality\"], \"args\": "
	     "[{\"index\": 0,"
	     " \"value\": 0, \"op\": \"SCMP_CMP_NOPE\"}]}]}}",
	     "profile \"test\": seccomp.conditional[0].args[0].op: unknown operator "
	     "\"SCMP_CMP_NOPE\""},
	};
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		yajl_val spec = parse("{}");
		pal_error err = {0};

		assert_int_equal(apply(cases[i].profile, spec, PAL_MODE_ENFORCE, "runc", &err), -1);
		if (strcmp(err.msg, cases[i].msg))
			fail_msg("case %zu: got \"%s\"", i, err.msg);
		yajl_tree_free(spec);
	}
}

/* ------------------------------------------------------ real kernel */

/* Outcomes a child reports through its exit status. */
enum { CHILD_OK = 0, CHILD_NO_SECCOMP = 77 };

static long sys(long nr, long a0, long a1)
{
	long r = syscall(nr, a0, a1, 0, 0, 0, 0);

	return r < 0 ? -errno : r;
}

/* Load SPEC's filter in a child and run CHECKS there; the child leaves by
 * exit_group with the number of the first check that failed. */
static int run_filtered(yajl_val spec, int (*checks)(void))
{
	scmp_filter_ctx ctx = NULL;
	pal_error err = {0};
	int status;
	pid_t pid;

	if (pal_seccomp_load_oci(pal_json_getp(spec, "linux", "seccomp", NULL), &ctx, &err) < 0)
		fail_msg("load: %s", err.msg);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int code = CHILD_NO_SECCOMP;

		if (seccomp_load(ctx) == 0)
			code = checks();
		syscall(SYS_exit_group, code);
	}
	seccomp_release(ctx);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!WIFEXITED(status))
		fail_msg("child killed by signal %d", WTERMSIG(status));
	if (WEXITSTATUS(status) == CHILD_NO_SECCOMP)
		skip();
	return WEXITSTATUS(status);
}

static const char *kernel_profile =
    "{\"seccomp\": {\"allow\": [\"getpid\"], \"architectures\": [\"SCMP_ARCH_X86_64\"],"
    " \"conditional\": ["
    "  {\"names\": [\"personality\"], \"args\": [{\"index\": 0, \"value\": 4294967295,"
    "   \"op\": \"SCMP_CMP_EQ\"}]},"
    "  {\"names\": [\"getpgid\"], \"args\": [{\"index\": 0, \"value\": 255, \"valueTwo\": 0,"
    "   \"op\": \"SCMP_CMP_MASKED_EQ\"}]}]}}";

static int enforce_checks(void)
{
	if (sys(SYS_getpid, 0, 0) <= 0)
		return 1; /* allowed */
	if (sys(SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -1) != -EPERM)
		return 2; /* known, denied */
	if (sys(SYS_get_mempolicy, 0, 0) != -EPERM)
		return 3;
	if (sys(1000, 0, 0) != -ENOSYS)
		return 4; /* a number no kernel has */
	if (sys(SYS_personality, 0xffffffffL, 0) < 0)
		return 5; /* conditional, matching */
	if (sys(SYS_personality, 8, 0) != -ENOSYS)
		return 6; /* conditional, not matching: the default */
	if (sys(SYS_getpgid, 0, 0) < 0)
		return 7; /* MASKED_EQ, matching */
	if (sys(SYS_getpgid, 1, 0) != -ENOSYS)
		return 8; /* MASKED_EQ, not matching: no complement */
	return CHILD_OK;
}

static int audit_checks(void)
{
	if (sys(SYS_getppid, 0, 0) <= 0)
		return 1; /* not allowed, logged only */
	if (sys(SYS_personality, 0xffffffffL, 0) < 0)
		return 2;
	return CHILD_OK;
}

static void kernel_enforce(void **state)
{
	yajl_val spec = parse("{" NNP "}");
	pal_error err = {0};
	int code;
	(void)state;

	if (seccomp_arch_native() != SCMP_ARCH_X86_64)
		skip();
	assert_int_equal(apply(kernel_profile, spec, PAL_MODE_ENFORCE, "runc", &err), 0);
	code = run_filtered(spec, enforce_checks);
	if (code != CHILD_OK)
		fail_msg("check %d failed in the filtered child", code);
	yajl_tree_free(spec);
}

static void kernel_audit(void **state)
{
	yajl_val spec = parse("{" NNP "}");
	pal_error err = {0};
	int code;
	(void)state;

	if (seccomp_arch_native() != SCMP_ARCH_X86_64)
		skip();
	assert_int_equal(apply(kernel_profile, spec, PAL_MODE_AUDIT, "runc", &err), 0);
	code = run_filtered(spec, audit_checks);
	if (code != CHILD_OK)
		fail_msg("check %d failed in the filtered child", code);
	yajl_tree_free(spec);
}

static char *fixture_text(const char *name)
{
	const char *dir = getenv("PAL_FIXTURES");
	char *text = pal_test_read(dir ? dir : "tests/fixtures", name, NULL);

	if (!text)
		fail_msg("cannot read fixture %s", name);
	return text;
}

static int default_checks(void)
{
	long fd;

	if (sys(SYS_getpid, 0, 0) <= 0)
		return 1;
	if (sys(SYS_keyctl, 0, -1) != -EPERM)
		return 2; /* not in the profile */
	if (sys(SYS_clone3, 0, 0) != -ENOSYS)
		return 3; /* "enosys": libc falls back to clone */
	/* its complement would collide on socketcall (x86 is listed): the
	 * default denies it */
	if (sys(SYS_socket, 40 /* AF_VSOCK */, 1) != -ENOSYS)
		return 4;
	fd = sys(SYS_socket, 1 /* AF_UNIX */, 1 /* SOCK_STREAM */);
	if (fd < 0)
		return 5;
	if (sys(SYS_close, fd, 0) != 0)
		return 6;
	return CHILD_OK;
}

/* The shipped "default" profile, alone and against Podman's filter. */
static void shipped_default_profile(void **state)
{
	char *profile = fixture_text("../../profiles/default.json");
	char *podman = fixture_text("spec-podman.json");
	yajl_val spec = parse("{" NNP "}");
	pal_error err = {0};
	int code;
	(void)state;

	if (seccomp_arch_native() != SCMP_ARCH_X86_64)
		skip();
	for (int pass = 0; pass < 2; pass++) {
		yajl_val s = pass ? parse(podman) : pal_json_dup(spec), again;

		assert_int_equal(apply(profile, s, PAL_MODE_ENFORCE, "runc", &err), 0);
		loads(s);
		again = pal_json_dup(s);
		assert_int_equal(apply(profile, again, PAL_MODE_ENFORCE, "runc", &err), 0);
		assert_true(pal_json_equal(again, s));
		yajl_tree_free(again);
		yajl_tree_free(s);
	}
	assert_int_equal(apply(profile, spec, PAL_MODE_ENFORCE, "runc", &err), 0);
	code = run_filtered(spec, default_checks);
	if (code != CHILD_OK)
		fail_msg("check %d failed in the filtered child", code);
	yajl_tree_free(spec);
	free(profile);
	free(podman);
}

/* The loader does what runc does with what runc tolerates. */
static void load_oci(void **state)
{
	scmp_filter_ctx ctx = NULL;
	pal_error err = {0};
	yajl_val s;
	(void)state;

	/* unknown name skipped, rule equal to the default skipped */
	s = parse("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"architectures\": [\"SCMP_ARCH_X86\"],"
	          " \"flags\": [\"SECCOMP_FILTER_FLAG_SPEC_ALLOW\"], \"syscalls\": ["
	          " {\"names\": [\"read\", \"no_such_call\"], \"action\": \"SCMP_ACT_ALLOW\"},"
	          " {\"names\": [\"write\"], \"action\": \"SCMP_ACT_ERRNO\"}]}");
	assert_int_equal(pal_seccomp_load_oci(s, &ctx, &err), 0);
	assert_non_null(ctx);
	seccomp_release(ctx);
	yajl_tree_free(s);

	s = parse(
	    "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"flags\": [\"SECCOMP_FILTER_FLAG_X\"]}");
	ctx = NULL;
	assert_int_equal(pal_seccomp_load_oci(s, &ctx, &err), -1);
	assert_string_equal(err.msg,
	                    "linux.seccomp.flags[0]: unsupported flag \"SECCOMP_FILTER_FLAG_X\"");
	assert_null(ctx);
	yajl_tree_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(no_section),
	    cmocka_unit_test(empty_spec_small_profile),
	    cmocka_unit_test(default_architectures),
	    cmocka_unit_test(backends),
	    cmocka_unit_test(errno_split),
	    cmocka_unit_test(complement_rules),
	    cmocka_unit_test(runc_reading),
	    cmocka_unit_test(never_loads_left_alone),
	    cmocka_unit_test(socketcall_narrowed),
	    cmocka_unit_test(intersect_conditions),
	    cmocka_unit_test(intersect_deny_list),
	    cmocka_unit_test(intersect_kill_default),
	    cmocka_unit_test(audit_mode),
	    cmocka_unit_test_teardown(notify_form, notify_off),
	    cmocka_unit_test(malformed),
	    cmocka_unit_test(malformed_profile),
	    cmocka_unit_test(kernel_enforce),
	    cmocka_unit_test(kernel_audit),
	    cmocka_unit_test(shipped_default_profile),
	    cmocka_unit_test(load_oci),
	};

	return cmocka_run_group_tests_name("rule_seccomp", tests, NULL, NULL);
}
