/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The audit source (src/audit.c).  Without a kernel: the record parser on
 * record texts this host's kernel really sent (plain and hex-encoded comm
 * and exe, i386 compat, x32, unknown syscall and arch, audit.log and
 * kernel log prefixes, malformed ones), the verdict of each action, the
 * violation and its detail.
 *
 * Against the kernel (root, CAP_AUDIT_READ): forked children load a
 * libseccomp filter (SCMP_ACT_LOG for getppid, SCMP_ACT_ERRNO for
 * getpriority, SCMP_ACT_KILL_PROCESS for getpgrp) and the test reads back
 * exactly their records, matched by pid: LOG and KILL each give one,
 * ERRNO gives none (no SECCOMP_FILTER_FLAG_LOG), the parent's own calls
 * give none.  Plus serials, an overrun counted as a drop, a callback
 * error, and open's refusals without CAP_AUDIT_READ or in another network
 * namespace.  Other processes on the host may produce records at the same
 * time; only our children's pids are counted.
 *
 * Without root every kernel case is skipped, except under CI=true, where
 * the whole binary bails out (as tests/bpf/test_cgroup_bpf does): CI must
 * run it.
 */
#include "config.h"

#include "pal_test.h"

#include <errno.h>
#include <linux/audit.h>
#include <poll.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include "palisade/audit.h"
#include "palisade/json.h"

/* A record this host's kernel (6.18) multicast for SCMP_ACT_LOG on getppid. */
#define RAW_LOG                                                                                    \
	"audit(1795422913.897:69817): auid=4294967295 uid=0 gid=0 ses=4294967295 pid=31942 "      \
	"comm=\"exp\" exe=\"/tmp/auditexp/exp\" sig=0 arch=c000003e syscall=110 compat=0 "        \
	"ip=0x7f5c7ab1d4f7 code=0x7ffc0000"

static struct {
	struct pal_audit *a;
	char why[PAL_ERROR_MAX];
} E;

#define NEED_KERNEL()                                                                              \
	do {                                                                                       \
		if (!E.a) {                                                                        \
			print_message("# skipped: %s\n", E.why);                                   \
			skip();                                                                    \
		}                                                                                  \
	} while (0)

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static uint64_t real_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ------------------------------------------------------------ no kernel */

static void parse_ok(const char *text, struct pal_audit_record *rec)
{
	pal_error err = {0};
	if (pal_audit_parse(text, strlen(text), rec, &err) < 0)
		fail_msg("parse %s: %s", text, err.msg);
}

static char *detail_json(const struct pal_audit_record *rec, struct pal_violation *v)
{
	yajl_val d = NULL;
	pal_error err = {0};
	char *out = NULL;
	size_t len;

	if (pal_audit_violation(rec, v, &d, &err) < 0)
		fail_msg("violation: %s", err.msg);
	assert_ptr_equal(v->detail, d);
	if (pal_json_serialize(d, false, &out, &len, &err) < 0)
		fail_msg("serialize: %s", err.msg);
	yajl_tree_free(d);
	v->detail = NULL;
	return out;
}

static void parse_plain(void **state)
{
	struct pal_audit_record rec;
	struct pal_violation v;
	char *json;
	(void)state;

	parse_ok(RAW_LOG, &rec);
	assert_int_equal(rec.time_ns, 1795422913897000000ull);
	assert_int_equal(rec.serial, 69817);
	assert_int_equal(rec.auid, 4294967295u);
	assert_int_equal(rec.uid, 0);
	assert_int_equal(rec.ses, 4294967295u);
	assert_int_equal(rec.pid, 31942);
	assert_string_equal(rec.comm, "exp");
	assert_string_equal(rec.exe, "/tmp/auditexp/exp");
	assert_int_equal(rec.sig, 0);
	assert_int_equal(rec.arch, AUDIT_ARCH_X86_64);
	assert_int_equal(rec.nr, 110);
	assert_false(rec.compat);
	assert_int_equal(rec.ip, 0x7f5c7ab1d4f7ull);
	assert_int_equal(rec.code, 0x7ffc0000u);

	json = detail_json(&rec, &v);
	assert_string_equal(json, "{\"syscall\":\"getppid\",\"nr\":110,\"arch\":\"x86_64\","
				  "\"code\":\"0x7ffc0000\",\"exe\":\"/tmp/auditexp/exp\"}");
	free(json);
	assert_int_equal(v.time_ns, rec.time_ns);
	assert_string_equal(v.source, "audit");
	assert_string_equal(v.hook, "seccomp");
	assert_string_equal(v.rule, "syscall");
	assert_string_equal(v.verdict, "log");
	assert_int_equal(v.pid, 31942);
	assert_int_equal(v.tid, 0);
	assert_int_equal(v.uid, 0);
	assert_int_equal(v.cgroup_id, 0);
	assert_null(v.attr);
	assert_string_equal(v.comm, "exp");
}

static void parse_hex(void **state)
{
	struct pal_audit_record rec;
	struct pal_violation v;
	char *json;
	(void)state;

	/* comm "a b\"c" as this kernel wrote it; exe "/tmp/a b/\nx" */
	parse_ok("audit(1795422910.561:69816): auid=1000 uid=1000 gid=100 ses=3 pid=7 "
		 "comm=6120622263 exe=2F746D702F6120622F0A78 sig=31 arch=c000003e syscall=111 "
		 "compat=0 ip=0x1 code=0x80000000",
		 &rec);
	assert_string_equal(rec.comm, "a b\"c");
	assert_string_equal(rec.exe, "/tmp/a b/\nx");
	assert_int_equal(rec.uid, 1000);
	assert_int_equal(rec.gid, 100);
	assert_int_equal(rec.sig, SIGSYS);
	json = detail_json(&rec, &v);
	assert_string_equal(json, "{\"syscall\":\"getpgrp\",\"nr\":111,\"arch\":\"x86_64\","
				  "\"code\":\"0x80000000\",\"exe\":\"/tmp/a b/\\nx\"}");
	free(json);
	assert_string_equal(v.verdict, "kill");
	assert_string_equal(v.comm, "a b\"c");
	assert_int_equal(v.uid, 1000);

	/* lower-case hex is accepted too; a comm longer than 16 is cut */
	parse_ok("audit(1.000:1): uid=0 pid=1 comm=6162636465666768696a6b6c6d6e6f707172 "
		 "arch=c000003e syscall=0 code=0x0",
		 &rec);
	assert_string_equal(rec.comm, "abcdefghijklmnop");
	assert_string_equal(rec.exe, "");
}

static void parse_arches(void **state)
{
	struct pal_audit_record rec;
	struct pal_violation v;
	char *json;
	(void)state;

	/* a 32-bit process: int 0x80 getpid is 20 */
	parse_ok("audit(1795422913.001:5): auid=4294967295 uid=0 gid=0 ses=4294967295 pid=9 "
		 "comm=\"a32\" exe=\"/a32\" sig=0 arch=40000003 syscall=20 compat=1 ip=0xf7f1 "
		 "code=0x7ffc0000",
		 &rec);
	assert_true(rec.compat);
	assert_int_equal(rec.time_ns, 1795422913001000000ull);
	json = detail_json(&rec, &v);
	assert_string_equal(json, "{\"syscall\":\"getpid\",\"nr\":20,\"arch\":\"i386\","
				  "\"code\":\"0x7ffc0000\",\"exe\":\"/a32\"}");
	free(json);

	/* x32: AUDIT_ARCH_X86_64 with __X32_SYSCALL_BIT in the number */
	parse_ok("audit(1.000:6): uid=0 pid=9 comm=\"x\" arch=c000003e syscall=1073741863 "
		 "code=0x7ffc0000",
		 &rec);
	json = detail_json(&rec, &v);
	assert_string_equal(json, "{\"syscall\":\"getpid\",\"nr\":1073741863,\"arch\":\"x32\","
				  "\"code\":\"0x7ffc0000\"}");
	free(json);

	/* a number libseccomp does not know: no "syscall", the number stays */
	parse_ok("audit(1.000:7): uid=0 pid=9 comm=\"x\" exe=(null) arch=c000003e syscall=999 "
		 "code=0x7ffc0000",
		 &rec);
	json = detail_json(&rec, &v);
	assert_string_equal(json, "{\"nr\":999,\"arch\":\"x86_64\",\"code\":\"0x7ffc0000\"}");
	free(json);

	/* an arch we do not know: hex, and no name */
	parse_ok("audit(1.000:8): uid=0 pid=9 comm=\"x\" arch=12345678 syscall=1 code=0x7ffc0000",
		 &rec);
	json = detail_json(&rec, &v);
	assert_string_equal(json, "{\"nr\":1,\"arch\":\"0x12345678\",\"code\":\"0x7ffc0000\"}");
	free(json);
	assert_null(pal_audit_arch_name(0x12345678, 1));
	assert_string_equal(pal_audit_arch_name(AUDIT_ARCH_AARCH64, 1), "aarch64");
}

static void parse_forms(void **state)
{
	struct pal_audit_record rec;
	char buf[600];
	(void)state;

	/* auditd's audit.log line, with an LSM subject */
	parse_ok("type=SECCOMP msg=audit(1795422913.897:69817): auid=1000 uid=0 gid=0 ses=2 "
		 "subj=unconfined pid=4 comm=\"sh\" exe=\"/bin/sh\" sig=0 arch=c000003e "
		 "syscall=110 compat=0 ip=0x7f code=0x7ffc0000 AUID=\"alice\"",
		 &rec);
	assert_int_equal(rec.serial, 69817);
	assert_int_equal(rec.pid, 4);
	assert_int_equal(rec.auid, 1000);
	assert_string_equal(rec.exe, "/bin/sh");
	/* the kernel log's line, with a newline */
	parse_ok("audit: type=1326 audit(1795422913.897:69818): auid=4294967295 uid=0 gid=0 "
		 "ses=4294967295 pid=31943 comm=\"exp\" exe=\"/tmp/auditexp/exp\" sig=31 "
		 "arch=c000003e syscall=111 compat=0 ip=0x7f5c7ab1d777 code=0x80000000\n",
		 &rec);
	assert_int_equal(rec.serial, 69818);
	assert_int_equal(rec.code, 0x80000000u);
	/* not NUL-terminated: only LEN bytes count */
	snprintf(buf, sizeof(buf), "%s", RAW_LOG " ip=0x2");
	{
		pal_error err = {0};
		assert_int_equal(pal_audit_parse(buf, strlen(RAW_LOG), &rec, &err), 0);
		assert_int_equal(rec.ip, 0x7f5c7ab1d4f7ull);
	}
}

static void parse_malformed(void **state)
{
	static const char *const bad[] = {
	    "",
	    "auid=0 uid=0 pid=1 comm=\"x\" arch=c000003e syscall=1 code=0x0",
	    "audit(1.000:1) uid=0 pid=1 comm=\"x\" arch=c000003e syscall=1 code=0x0",
	    "audit(1.00:1): uid=0 pid=1 comm=\"x\" arch=c000003e syscall=1 code=0x0",
	    "audit(x.000:1): uid=0 pid=1 comm=\"x\" arch=c000003e syscall=1 code=0x0",
	    "audit(1.000:): uid=0 pid=1 comm=\"x\" arch=c000003e syscall=1 code=0x0",
	    "audit(1.000:1): uid=0 comm=\"x\" arch=c000003e syscall=1 code=0x0",
	    "audit(1.000:1): uid=0 pid=1 arch=c000003e syscall=1 code=0x0",
	    "audit(1.000:1): uid=0 pid=1 comm=\"x\" syscall=1 code=0x0",
	    "audit(1.000:1): uid=0 pid=1 comm=\"x\" arch=c000003e code=0x0",
	    "audit(1.000:1): uid=0 pid=1 comm=\"x\" arch=c000003e syscall=1",
	    "audit(1.000:1): uid=0 pid=1 pid=2 comm=\"x\" arch=c000003e syscall=1 code=0x0",
	    "audit(1.000:1): uid=-1 pid=1 comm=\"x\" arch=c000003e syscall=1 code=0x0",
	    "audit(1.000:1): uid=0 pid=0 comm=\"x\" arch=c000003e syscall=1 code=0x0",
	    "audit(1.000:1): uid=0 pid=1x comm=\"x\" arch=c000003e syscall=1 code=0x0",
	    "audit(1.000:1): uid=4294967296 pid=1 comm=\"x\" arch=c000003e syscall=1 code=0x0",
	    "audit(1.000:1): uid=0 pid=1 comm=616 arch=c000003e syscall=1 code=0x0",
	    "audit(1.000:1): uid=0 pid=1 comm=6100 arch=c000003e syscall=1 code=0x0",
	    "audit(1.000:1): uid=0 pid=1 comm=xyz arch=c000003e syscall=1 code=0x0",
	    "audit(1.000:1): uid=0 pid=1 comm=\"x\" arch=0xc000003e syscall=1 code=0x0",
	    "audit(1.000:1): uid=0 pid=1 comm=\"x\" arch=c000003e syscall=1 code=7ffc0000",
	    "audit(1.000:1): uid=0 pid=1 comm=\"x\" arch=c000003e syscall=1 code=0x100000000",
	    "audit(1.000:1): uid=0 pid=1 comm=\"x\" arch=c000003e syscall=1 compat=2 code=0x0",
	    "audit(1.000:1): uid=0 pid=1 comm=\"x\" exe=\"a\"b\" arch=c000003e syscall=1 code=0x0",
	};
	struct pal_audit_record rec;
	(void)state;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		pal_error err = {0};
		if (pal_audit_parse(bad[i], strlen(bad[i]), &rec, &err) != -1)
			fail_msg("accepted: %s", bad[i]);
		assert_int_equal(err.errnum, EINVAL);
		assert_true(strncmp(err.msg, "audit record: ", 14) == 0);
	}
}

static void verdicts(void **state)
{
	static const struct {
		uint32_t code;
		const char *verdict;
	} t[] = {
	    {0x7ffc0000, "log"},   {0x80000000, "kill"},  {0x00000000, "kill"},
	    {0x00050000, "deny"},  {0x00050001, "deny"},  {0x00030000, "deny"},
	    {0x7ff00000, "trace"}, {0x7fc00000, "notify"}, {0x7fff0000, "allow"},
	    {0x12340000, "kill"},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		assert_string_equal(pal_audit_verdict(t[i].code), t[i].verdict);
}

/* ------------------------------------------------------------ kernel */

#define MAX_SEEN 64

struct seen {
	struct pal_audit_record rec;
	char comm[17];
	const char *verdict;
	uint32_t pid, uid;
	uint64_t time_ns;
	char *detail;
};
static struct seen seen[MAX_SEEN];
static int n_seen;     /* records of the watched pid, kept up to MAX_SEEN */
static int n_watched;  /* records of the watched pid */
static int parent_hits; /* records naming this process: must stay 0 */

static void reset_seen(void)
{
	for (int i = 0; i < n_seen; i++)
		free(seen[i].detail);
	n_seen = n_watched = 0;
}

static int collect(void *ctx, const struct pal_violation *v, pal_error *err)
{
	const struct pal_audit_record *rec = pal_audit_current(E.a);
	pid_t want = *(pid_t *)ctx;
	struct seen *s;
	size_t len;

	assert_non_null(rec);
	assert_int_equal(rec->pid, v->pid);
	if (v->pid == (uint32_t)getpid())
		parent_hits++;
	if (v->pid != (uint32_t)want)
		return 0;
	n_watched++;
	if (n_seen == MAX_SEEN)
		return 0;
	s = &seen[n_seen++];
	s->rec = *rec;
	memcpy(s->comm, v->comm, sizeof(s->comm));
	s->verdict = v->verdict;
	s->pid = v->pid;
	s->uid = v->uid;
	s->time_ns = v->time_ns;
	s->detail = NULL;
	if (v->detail && pal_json_serialize(v->detail, false, &s->detail, &len, err) < 0)
		return -1;
	return 0;
}

/* Read until WANT records of PID arrived (then 300 ms more, to see any
 * extra one) or TIMEOUT_MS passed. */
static void read_for(pid_t pid, int want, double timeout_ms)
{
	double end = now_ms() + timeout_ms;
	bool got = false;

	reset_seen();
	for (;;) {
		struct pollfd pfd = {.fd = pal_audit_fd(E.a), .events = POLLIN};
		pal_error err = {0};
		double left = end - now_ms();

		if (left <= 0)
			break;
		poll(&pfd, 1, (int)left + 1);
		if (pal_audit_read(E.a, collect, &pid, &err) < 0)
			fail_msg("read: %s", err.msg);
		if (!got && n_watched >= want) {
			got = true;
			end = now_ms() + 300;
		}
	}
}

static void drain(void)
{
	pid_t none = 0;
	pal_error err = {0};
	while (pal_audit_read(E.a, collect, &none, &err) > 0)
		;
}

static void self_exe(char *buf, size_t size)
{
	ssize_t n = readlink("/proc/self/exe", buf, size - 1);
	assert_true(n > 0);
	buf[n] = '\0';
}

/* Child: name itself COMM, LOG getppid, ERRNO getpriority, KILL_PROCESS
 * getpgrp; call getppid LOGS times, getpriority once, getpgrp if KILL.
 * Exit 0 when everything behaved, else a code saying what did not. */
static pid_t spawn(const char *comm, int logs, bool kill)
{
	pid_t pid = fork();
	scmp_filter_ctx ctx;
	long ppid;

	assert_true(pid >= 0);
	if (pid > 0)
		return pid;
	ppid = getppid();
	if (prctl(PR_SET_NAME, comm) < 0)
		_exit(10);
	ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx || seccomp_rule_add(ctx, SCMP_ACT_LOG, SCMP_SYS(getppid), 0) < 0 ||
	    seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(getpriority), 0) < 0 ||
	    seccomp_rule_add(ctx, SCMP_ACT_KILL_PROCESS, SCMP_SYS(getpgrp), 0) < 0 ||
	    seccomp_load(ctx) < 0)
		_exit(11);
	for (int i = 0; i < logs; i++)
		if (syscall(SYS_getppid) != ppid)
			_exit(12);
	errno = 0;
	if (syscall(SYS_getpriority, PRIO_PROCESS, 0) != -1 || errno != EPERM)
		_exit(13);
	if (kill) {
		syscall(SYS_getpgrp);
		_exit(14); /* not reached */
	}
	_exit(0);
}

static void reap(pid_t pid, int sig)
{
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	if (sig) {
		if (!WIFSIGNALED(st) || WTERMSIG(st) != sig)
			fail_msg("child status 0x%x, wanted signal %d", st, sig);
	} else if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fail_msg("child status 0x%x", st);
	}
}

static void kernel_log(void **state)
{
	char exe[PATH_MAX], want[PATH_MAX + 200];
	uint64_t before, after;
	pid_t pid;
	(void)state;

	NEED_KERNEL();
	drain();
	before = real_ns();
	pid = spawn("pal-audit-log", 1, false);
	reap(pid, 0);
	read_for(pid, 1, 3000);
	after = real_ns();
	/* one record: the LOG; the ERRNO of getpriority is not audited */
	assert_int_equal(n_watched, 1);
	assert_string_equal(seen[0].verdict, "log");
	assert_string_equal(seen[0].comm, "pal-audit-log");
	assert_int_equal(seen[0].uid, getuid());
	assert_int_equal(seen[0].rec.arch, AUDIT_ARCH_X86_64);
	assert_int_equal(seen[0].rec.nr, SYS_getppid);
	assert_int_equal(seen[0].rec.code, 0x7ffc0000u);
	assert_int_equal(seen[0].rec.sig, 0);
	assert_false(seen[0].rec.compat);
	assert_true(seen[0].rec.serial > 0);
	/* the record's own stamp: coarse clock, millisecond precision */
	assert_true(seen[0].time_ns + 20000000 >= before);
	assert_true(seen[0].time_ns <= after + 20000000);
	self_exe(exe, sizeof(exe));
	snprintf(want, sizeof(want),
		 "{\"syscall\":\"getppid\",\"nr\":%d,\"arch\":\"x86_64\",\"code\":\"0x7ffc0000\","
		 "\"exe\":\"%s\"}",
		 SYS_getppid, exe);
	assert_string_equal(seen[0].detail, want);
	assert_int_equal(parent_hits, 0);
	assert_int_equal(pal_audit_dropped(E.a), 0);
}

static void kernel_kill(void **state)
{
	pid_t pid;
	(void)state;

	NEED_KERNEL();
	drain();
	/* a space: the kernel writes this comm in hex */
	pid = spawn("pal audit kill", 1, true);
	reap(pid, SIGSYS);
	read_for(pid, 2, 3000);
	/* the LOG of getppid, then the KILL of getpgrp; nothing for the ERRNO */
	assert_int_equal(n_watched, 2);
	assert_string_equal(seen[0].verdict, "log");
	assert_string_equal(seen[1].verdict, "kill");
	assert_string_equal(seen[1].comm, "pal audit kill");
	assert_int_equal(seen[1].rec.nr, SYS_getpgrp);
	assert_int_equal(seen[1].rec.code, 0x80000000u);
	assert_int_equal(seen[1].rec.sig, SIGSYS);
	assert_non_null(strstr(seen[1].detail, "\"syscall\":\"getpgrp\""));
	assert_non_null(strstr(seen[1].detail, "\"arch\":\"x86_64\""));
	assert_true(seen[1].rec.serial > seen[0].rec.serial);
	assert_int_equal(parent_hits, 0);
}

static void serials(void **state)
{
	pid_t pid;
	(void)state;

	NEED_KERNEL();
	drain();
	pid = spawn("pal-audit-ser", 5, false);
	reap(pid, 0);
	read_for(pid, 5, 3000);
	assert_int_equal(n_watched, 5);
	for (int i = 1; i < n_seen; i++) {
		assert_true(seen[i].rec.serial > seen[i - 1].rec.serial);
		assert_true(seen[i].time_ns >= seen[i - 1].time_ns);
	}
}

static void parent_quiet(void **state)
{
	pid_t self = getpid();
	(void)state;

	NEED_KERNEL();
	drain();
	parent_hits = 0;
	for (int i = 0; i < 10; i++) {
		assert_true(syscall(SYS_getppid) >= 0);
		assert_true(syscall(SYS_getpgrp) >= 0);
	}
	read_for(self, 1, 500);
	assert_int_equal(n_watched, 0);
	assert_int_equal(parent_hits, 0);
}

static void nonblocking(void **state)
{
	pid_t none = 0;
	pal_error err = {0};
	double t;
	(void)state;

	NEED_KERNEL();
	drain();
	t = now_ms();
	assert_true(pal_audit_read(E.a, collect, &none, &err) >= 0);
	assert_true(now_ms() - t < 100);
}

static int fail_cb(void *ctx, const struct pal_violation *v, pal_error *err)
{
	if (v->pid != (uint32_t) * (pid_t *)ctx)
		return 0;
	return pal_err_code(err, ECANCELED, "stop at %u", v->pid);
}

static void callback_error(void **state)
{
	char want[64];
	pid_t pid;
	double end;
	int r = 0;
	(void)state;

	NEED_KERNEL();
	drain();
	pid = spawn("pal-audit-cb", 2, false);
	reap(pid, 0);
	snprintf(want, sizeof(want), "stop at %d", (int)pid);
	for (end = now_ms() + 3000; now_ms() < end;) {
		struct pollfd pfd = {.fd = pal_audit_fd(E.a), .events = POLLIN};
		pal_error err = {0};
		poll(&pfd, 1, 100);
		r = pal_audit_read(E.a, fail_cb, &pid, &err);
		if (r < 0) {
			assert_int_equal(err.errnum, ECANCELED);
			assert_string_equal(err.msg, want);
			break;
		}
	}
	assert_int_equal(r, -1);
	/* the second record is still there for the next read */
	read_for(pid, 1, 3000);
	assert_int_equal(n_watched, 1);
}

static void overrun(void **state)
{
	const int calls = 2000;
	pal_error err = {0};
	pid_t pid;
	uint64_t before;
	(void)state;

	NEED_KERNEL();
	drain();
	before = pal_audit_dropped(E.a);
	if (pal_audit_set_rcvbuf(E.a, 4096, &err) < 0)
		fail_msg("%s", err.msg);
	pid = spawn("pal-audit-burst", calls, false);
	reap(pid, 0);
	usleep(300000); /* kauditd multicasts after the calls returned */
	read_for(pid, calls, 1000);
	if (pal_audit_set_rcvbuf(E.a, PAL_AUDIT_RCVBUF, &err) < 0)
		fail_msg("%s", err.msg);
	print_message("# %d of %d records, %llu overruns\n", n_watched, calls,
		      (unsigned long long)(pal_audit_dropped(E.a) - before));
	assert_true(n_watched > 0);
	assert_true(n_watched < calls);
	assert_true(pal_audit_dropped(E.a) > before);
}

/* pal_audit_open() in a child that does something to itself first;
 * exits with the errno open failed with, 0 when it succeeded. */
static int open_in_child(int what)
{
	pid_t pid = fork();
	int st;

	assert_true(pid >= 0);
	if (pid == 0) {
		struct pal_audit *a = NULL;
		pal_error err = {0};
		if (what == 0) {
			cap_t caps = cap_get_proc();
			cap_value_t v = CAP_AUDIT_READ;
			if (!caps || cap_set_flag(caps, CAP_EFFECTIVE, 1, &v, CAP_CLEAR) < 0 ||
			    cap_set_proc(caps) < 0)
				_exit(200);
		} else if (unshare(CLONE_NEWNET) < 0) {
			_exit(201);
		}
		if (pal_audit_open(&a, &err) == 0)
			_exit(0);
		if (what == 0 && !strstr(err.msg, "CAP_AUDIT_READ"))
			_exit(202);
		_exit(err.errnum);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	return WEXITSTATUS(st);
}

static void refusals(void **state)
{
	(void)state;

	NEED_KERNEL();
	assert_int_equal(open_in_child(0), EPERM);
	assert_int_equal(open_in_child(1), EOPNOTSUPP);
}

static int teardown(void **state)
{
	(void)state;
	reset_seen();
	pal_audit_close(E.a);
	E.a = NULL;
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(parse_plain),  cmocka_unit_test(parse_hex),
	    cmocka_unit_test(parse_arches), cmocka_unit_test(parse_forms),
	    cmocka_unit_test(parse_malformed), cmocka_unit_test(verdicts),
	    cmocka_unit_test(kernel_log),   cmocka_unit_test(kernel_kill),
	    cmocka_unit_test(serials),      cmocka_unit_test(parent_quiet),
	    cmocka_unit_test(nonblocking),  cmocka_unit_test(callback_error),
	    cmocka_unit_test(overrun),      cmocka_unit_test(refusals),
	};
	const char *ci = getenv("CI");
	pal_error err = {0};

	if (geteuid() != 0)
		snprintf(E.why, sizeof(E.why), "needs root");
	else if (pal_audit_open(&E.a, &err) < 0)
		snprintf(E.why, sizeof(E.why), "%s", err.msg);
	/* CI must run the kernel cases: a missing privilege there is a failure */
	if (!E.a && ci && !strcmp(ci, "true") && !getenv("PAL_SKIP_INTEGRATION")) {
		printf("Bail out! CI=true but: %s\n", E.why);
		return 1;
	}
	return cmocka_run_group_tests(tests, NULL, teardown);
}
