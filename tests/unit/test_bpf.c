/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The BPF loader (src/bpf.c) against the real kernel: load once, load once
 * under four concurrent loaders, the LSM probe's verdict, a registered
 * cgroup whose process is denied after its exec and not before, the event
 * records, unregister, sweep, 200 register/unregister cycles without a
 * leak, unload.  Plus the event JSON without a kernel.
 *
 * Isolation: the test runs in its own mount namespace with a private bpffs
 * instance under a temporary directory (not /sys/fs/bpf, which this host
 * does not even mount), so whatever happens, its pins (and with them every
 * link it attached) vanish with the process.  Its cgroups live under
 * CGROUP2/palisade-test-bpf.PID and are removed by the group teardown,
 * which also kills any child left behind by a failed assertion.
 *
 * The child probe: this binary run as `test_bpf --probe` tries a raw
 * socket, UDP connect and sendto to a denied and an allowed address, and a
 * sysctl write, and prints one errno per operation.
 *
 * Needs root and bpf(2); otherwise every kernel case is skipped.
 */
#include "config.h"

#include "pal_test.h"

#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <errno.h>
#include <linux/magic.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <time.h>
#include <yajl/yajl_tree.h>

#include "palisade/bpf.h"
#include "palisade/util.h"

#define MAX_KIDS    16
#define SYSCTL_FILE "/proc/sys/kernel/domainname"

static struct {
	bool ok;         /* kernel cases can run */
	char why[256];   /* else why not */
	char *base;      /* temporary directory */
	char *bpffs;     /* base/bpffs: a private bpffs mount */
	char *pin_root;  /* bpffs/palisade */
	char *lock;      /* base/state/bpf.lock */
	char *cgbase;    /* CGROUP2/palisade-test-bpf.PID */
	int cg2_fd;      /* the cgroup v2 mount */
	bool securityfs; /* mounted by us, in our namespace */
	pid_t kids[MAX_KIDS];
	int n_kids;
} E = {.cg2_fd = -1};

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* ------------------------------------------------------------ the probe */

static int udp_to(const char *ip, bool connect_it)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(9)};
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), e = 0;

	if (fd < 0)
		return errno;
	inet_pton(AF_INET, ip, &sa.sin_addr);
	if (connect_it) {
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
			e = errno;
	} else if (sendto(fd, "x", 1, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		e = errno;
	}
	close(fd);
	return e;
}

static int sysctl_rewrite(void)
{
	char buf[256];
	ssize_t n;
	int fd = open(SYSCTL_FILE, O_RDONLY | O_CLOEXEC), e = 0;

	if (fd < 0)
		return errno;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n <= 0)
		return n < 0 ? errno : EIO;
	/* the value it has: nothing changes when the write goes through */
	fd = open(SYSCTL_FILE, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	if (write(fd, buf, (size_t)n) < 0)
		e = errno;
	close(fd);
	return e;
}

static void probe(char *out, size_t size)
{
	int raw = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);
	int e_raw = raw < 0 ? errno : 0;

	if (raw >= 0)
		close(raw);
	snprintf(out, size, "raw=%d connect_deny=%d connect_allow=%d sendto_deny=%d sysctl=%d",
	         e_raw, udp_to("127.0.0.2", true), udp_to("127.0.0.3", true),
	         udp_to("127.0.0.2", false), sysctl_rewrite());
}

static void expect_probe(const char *got, int raw, int deny, int sysctl)
{
	char want[160];
	snprintf(want, sizeof(want),
	         "raw=%d connect_deny=%d connect_allow=0 sendto_deny=%d sysctl=%d", raw, deny, deny,
	         sysctl);
	assert_string_equal(got, want);
}

/* ------------------------------------------------------------ helpers */

static void track(pid_t pid)
{
	assert_true(E.n_kids < MAX_KIDS);
	E.kids[E.n_kids++] = pid;
}

static void reap(pid_t pid, int *status)
{
	assert_int_equal(waitpid(pid, status, 0), pid);
	for (int i = 0; i < E.n_kids; i++)
		if (E.kids[i] == pid)
			E.kids[i] = E.kids[--E.n_kids];
}

static char *cg_make(const char *name, uint64_t *cgid, int *fd)
{
	char *p;
	struct stat st;
	assert_true(asprintf(&p, "%s/%s", E.cgbase, name) > 0);
	assert_int_equal(mkdir(p, 0755), 0);
	assert_int_equal(stat(p, &st), 0);
	*cgid = st.st_ino;
	if (fd) {
		*fd = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		assert_true(*fd >= 0);
	}
	return p;
}

static void cg_join(const char *cg, pid_t pid)
{
	char *procs, num[32];
	int fd;
	assert_true(asprintf(&procs, "%s/cgroup.procs", cg) > 0);
	fd = open(procs, O_WRONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	snprintf(num, sizeof(num), "%d", (int)pid);
	assert_true(write(fd, num, strlen(num)) == (ssize_t)strlen(num));
	close(fd);
	free(procs);
}

static char *pin(const char *rel)
{
	static char p[PATH_MAX];
	snprintf(p, sizeof(p), "%s/%s", E.pin_root, rel);
	return p;
}

static bool exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

static uint32_t obj_id(const char *path)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);
	int fd = bpf_obj_get(path);
	assert_true(fd >= 0);
	memset(&info, 0, sizeof(info));
	assert_int_equal(bpf_obj_get_info_by_fd(fd, &info, &len), 0);
	close(fd);
	return info.id;
}

static unsigned count_entries(const char *map)
{
	unsigned char cur[512], next[512];
	struct bpf_map_info info;
	__u32 len = sizeof(info);
	char p[PATH_MAX];
	unsigned n = 0;
	void *prev = NULL;
	int fd;

	snprintf(p, sizeof(p), "%s/map/%s", E.pin_root, map);
	fd = bpf_obj_get(p);
	assert_true(fd >= 0);
	memset(&info, 0, sizeof(info));
	assert_int_equal(bpf_obj_get_info_by_fd(fd, &info, &len), 0);
	assert_true(info.key_size <= sizeof(cur));
	while (bpf_map_get_next_key(fd, prev, next) == 0 && n < 100000) {
		n++;
		memcpy(cur, next, info.key_size);
		prev = cur;
	}
	close(fd);
	return n;
}

/* Every path under DIR, relative, one per line, sorted by the shell's
 * order of readdir: compared as a multiset by sorting. */
static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list_tree(const char *dir, const char *rel, char ***names, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	if (!d)
		return;
	while ((de = readdir(d))) {
		char *full, *r;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		assert_true(asprintf(&full, "%s/%s", dir, de->d_name) > 0);
		assert_true(asprintf(&r, "%s%s", rel, de->d_name) > 0);
		*names = realloc(*names, (*n + 1) * sizeof(char *));
		(*names)[(*n)++] = r;
		if (de->d_type == DT_DIR) {
			char *sub;
			assert_true(asprintf(&sub, "%s/", r) > 0);
			list_tree(full, sub, names, n);
			free(sub);
		}
		free(full);
	}
	closedir(d);
}

static char *tree(const char *dir)
{
	char **names = NULL, *out = strdup("");
	size_t n = 0;
	list_tree(dir, "", &names, &n);
	qsort(names, n, sizeof(char *), cmp_str);
	for (size_t i = 0; i < n; i++) {
		char *o;
		assert_true(asprintf(&o, "%s%s\n", out, names[i]) > 0);
		free(out);
		free(names[i]);
		out = o;
	}
	free(names);
	return out;
}

static struct pal_bpf_policy_spec policy(void)
{
	static char *exec_deny[] = {"/tmp", "/dev/shm"};
	static char *open_deny[] = {"/proc/kcore"};
	static char *write_deny[] = {"/proc/sys", "/proc/sysrq-trigger"};
	static struct pal_bpf_cidr cidrs[3];
	struct pal_bpf_policy_spec ps;
	pal_error err;

	memset(&ps, 0, sizeof(ps));
	assert_int_equal(pal_bpf_cidr_parse("127.0.0.2/32", &cidrs[0], &err), 0);
	assert_int_equal(pal_bpf_cidr_parse("169.254.169.254/32", &cidrs[1], &err), 0);
	assert_int_equal(pal_bpf_cidr_parse("fd00::/8", &cidrs[2], &err), 0);
	ps.action[PAL_BPF_RULE_RAW_SOCKET] = PAL_BPF_ACT_DENY;
	ps.action[PAL_BPF_RULE_CONNECT] = PAL_BPF_ACT_DENY;
	ps.action[PAL_BPF_RULE_SYSCTL_WRITE] = PAL_BPF_ACT_DENY;
	ps.action[PAL_BPF_RULE_FILES] = PAL_BPF_ACT_DENY;
	ps.action[PAL_BPF_RULE_EXEC_PATH] = PAL_BPF_ACT_DENY;
	ps.action[PAL_BPF_RULE_CAPABLE] = PAL_BPF_ACT_AUDIT;
	ps.exec_deny = exec_deny;
	ps.n_exec_deny = 2;
	ps.open_deny = open_deny;
	ps.n_open_deny = 1;
	ps.write_deny = write_deny;
	ps.n_write_deny = 2;
	ps.cidrs = cidrs;
	ps.n_cidrs = 3;
	return ps;
}

static void ensure_loaded(void)
{
	struct pal_bpf_status st;
	pal_error err = {0};
	if (pal_bpf_ensure(E.pin_root, E.lock, &st, &err) < 0)
		fail_msg("ensure: %s", err.msg);
	assert_true(st.loaded);
}

#define NEED_KERNEL()                                                                              \
	do {                                                                                       \
		if (!E.ok) {                                                                       \
			print_message("# skipped: %s\n", E.why);                                   \
			skip();                                                                    \
		}                                                                                  \
	} while (0)

/* ------------------------------------------------------------ no kernel */

static yajl_val parse(const char *s)
{
	char ebuf[256];
	yajl_val v = yajl_tree_parse(s, ebuf, sizeof(ebuf));
	if (!v)
		fail_msg("not JSON (%s): %s", ebuf, s);
	assert_null(strchr(s, '\n'));
	return v;
}

static const char *jstr(yajl_val v, const char *key)
{
	const char *path[] = {key, NULL};
	yajl_val s = yajl_tree_get(v, path, yajl_t_string);
	assert_non_null(s);
	return YAJL_GET_STRING(s);
}

static long long jint(yajl_val v, const char *key)
{
	const char *path[] = {key, NULL};
	yajl_val s = yajl_tree_get(v, path, yajl_t_number);
	assert_non_null(s);
	return YAJL_GET_INTEGER(s);
}

static void event_json(void **state)
{
	struct pal_bpf_event ev;
	pal_error err;
	char *line;
	yajl_val v;
	(void)state;

	/* a path from the container: a quote, a backslash, invalid UTF-8,
	 * an overlong '/', a valid two-byte character, a control byte */
	memset(&ev, 0, sizeof(ev));
	ev.ts_boot_ns = 18446744073709551615ULL;
	ev.cgroup_id = 4242;
	ev.pid = 7;
	ev.tid = 8;
	ev.uid = 1000;
	ev.hook = PAL_BPF_HOOK_FILE_OPEN;
	ev.rule = PAL_BPF_RULE_FILES;
	ev.verdict = PAL_BPF_VERDICT_DENY;
	memcpy(ev.comm, "a\"b\xff\xfe", 5);
	memcpy(ev.d.path, "/x\"\\\xc3\xa9\xc0\xaf\x01\xed\xa0\x80", 13);
	assert_int_equal(pal_bpf_event_json(&ev, &line, &err), 0);
	v = parse(line);
	assert_string_equal(jstr(v, "comm"), "a\"b\\xff\\xfe");
	assert_string_equal(jstr(v, "path"), "/x\"\\\\\xc3\xa9\\xc0\\xaf\x01\\xed\\xa0\\x80");
	assert_string_equal(jstr(v, "hook"), "file_open");
	assert_string_equal(jstr(v, "rule"), "files");
	assert_string_equal(jstr(v, "verdict"), "deny");
	assert_int_equal(jint(v, "cgroup_id"), 4242);
	assert_int_equal(jint(v, "pid"), 7);
	assert_int_equal(jint(v, "tid"), 8);
	assert_int_equal(jint(v, "uid"), 1000);
	assert_non_null(strstr(line, "\"ts_boot_ns\":18446744073709551615"));
	yajl_tree_free(v);
	free(line);

	/* a full-length comm and path without a terminating NUL */
	memset(ev.comm, 'c', sizeof(ev.comm));
	memset(ev.d.path, 'p', sizeof(ev.d.path));
	assert_int_equal(pal_bpf_event_json(&ev, &line, &err), 0);
	v = parse(line);
	assert_int_equal(strlen(jstr(v, "comm")), PAL_BPF_COMM_LEN);
	assert_int_equal(strlen(jstr(v, "path")), PAL_BPF_PATH_MAX);
	yajl_tree_free(v);
	free(line);

	memset(&ev.d, 0, sizeof(ev.d));
	ev.hook = PAL_BPF_HOOK_CG_CONNECT4;
	ev.rule = PAL_BPF_RULE_CONNECT;
	ev.verdict = PAL_BPF_VERDICT_AUDIT;
	ev.d.net.family = AF_INET;
	ev.d.net.port = 80;
	memcpy(ev.d.net.addr, "\xa9\xfe\xa9\xfe", 4);
	assert_int_equal(pal_bpf_event_json(&ev, &line, &err), 0);
	v = parse(line);
	assert_string_equal(jstr(v, "hook"), "cgroup/connect4");
	assert_string_equal(jstr(v, "rule"), "connect");
	assert_string_equal(jstr(v, "verdict"), "audit");
	assert_string_equal(jstr(v, "family"), "inet");
	assert_string_equal(jstr(v, "address"), "169.254.169.254");
	assert_int_equal(jint(v, "port"), 80);
	yajl_tree_free(v);
	free(line);

	ev.hook = PAL_BPF_HOOK_SOCKET_CONNECT;
	ev.d.net.family = AF_INET6;
	memcpy(ev.d.net.addr, "\xfd\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x01", 16);
	assert_int_equal(pal_bpf_event_json(&ev, &line, &err), 0);
	v = parse(line);
	assert_string_equal(jstr(v, "family"), "inet6");
	assert_string_equal(jstr(v, "address"), "fd00::1");
	yajl_tree_free(v);
	free(line);

	memset(&ev.d, 0, sizeof(ev.d));
	ev.hook = PAL_BPF_HOOK_CG_SOCK_CREATE;
	ev.rule = PAL_BPF_RULE_RAW_SOCKET;
	ev.d.sock.family = AF_INET;
	ev.d.sock.type = SOCK_RAW;
	ev.d.sock.protocol = IPPROTO_ICMP;
	assert_int_equal(pal_bpf_event_json(&ev, &line, &err), 0);
	assert_non_null(strstr(line, "\"socket\":{\"family\":2,\"type\":3,\"protocol\":1}"));
	free(line);

	ev.hook = PAL_BPF_HOOK_CAPABLE;
	ev.rule = PAL_BPF_RULE_CAPABLE;
	ev.verdict = PAL_BPF_VERDICT_LOG;
	ev.d.cap.cap = 21;
	assert_int_equal(pal_bpf_event_json(&ev, &line, &err), 0);
	v = parse(line);
	assert_string_equal(jstr(v, "capability"), "CAP_SYS_ADMIN");
	assert_string_equal(jstr(v, "verdict"), "log");
	assert_string_equal(jstr(v, "rule"), "capabilities");
	yajl_tree_free(v);
	free(line);

	ev.hook = PAL_BPF_HOOK_TASK_FIX_SETUID;
	ev.d.setuid.old_uid = 1000;
	ev.d.setuid.new_uid = 0;
	assert_int_equal(pal_bpf_event_json(&ev, &line, &err), 0);
	assert_non_null(strstr(line, "\"old_uid\":1000,\"new_uid\":0"));
	free(line);

	ev.hook = PAL_BPF_HOOK_BPF;
	ev.d.bpf.cmd = 5;
	assert_int_equal(pal_bpf_event_json(&ev, &line, &err), 0);
	assert_non_null(strstr(line, "\"bpf_cmd\":5"));
	free(line);

	ev.hook = PAL_BPF_HOOK_PTRACE;
	ev.d.ptrace.target_pid = 99;
	ev.d.ptrace.mode = 0x11;
	assert_int_equal(pal_bpf_event_json(&ev, &line, &err), 0);
	assert_non_null(strstr(line, "\"target_pid\":99,\"mode\":17"));
	free(line);

	/* out of range: "?" rather than a crash or a lie */
	ev.hook = 999;
	ev.rule = 200;
	ev.verdict = 0;
	assert_int_equal(pal_bpf_event_json(&ev, &line, &err), 0);
	v = parse(line);
	assert_string_equal(jstr(v, "hook"), "?");
	assert_string_equal(jstr(v, "rule"), "?");
	assert_string_equal(jstr(v, "verdict"), "?");
	yajl_tree_free(v);
	free(line);
}

static void names(void **state)
{
	static const char *const hooks[] = {"file_open",
	                                    "bprm_check_security",
	                                    "sb_mount",
	                                    "move_mount",
	                                    "ptrace_access_check",
	                                    "socket_create",
	                                    "socket_connect",
	                                    "kernel_module_request",
	                                    "bpf",
	                                    "task_fix_setuid",
	                                    "capable",
	                                    "cgroup/sock_create",
	                                    "cgroup/connect4",
	                                    "cgroup/connect6",
	                                    "cgroup/sendmsg4",
	                                    "cgroup/sendmsg6",
	                                    "cgroup/sysctl"};
	static const char *const rules[] = {"exec",   "drift",      "files",        "mount",
	                                    "ptrace", "rawSockets", "connect",      "moduleRequest",
	                                    "bpf",    "setuidRoot", "capabilities", "sysctlWrite"};
	(void)state;
	assert_int_equal(sizeof(hooks) / sizeof(hooks[0]), PAL_BPF_HOOK_MAX - 1);
	assert_int_equal(sizeof(rules) / sizeof(rules[0]), PAL_BPF_RULE_MAX);
	for (unsigned i = 1; i < PAL_BPF_HOOK_MAX; i++)
		assert_string_equal(pal_bpf_hook_name(i), hooks[i - 1]);
	for (unsigned i = 0; i < PAL_BPF_RULE_MAX; i++)
		assert_string_equal(pal_bpf_rule_name(i), rules[i]);
	assert_string_equal(pal_bpf_hook_name(0), "?");
	assert_string_equal(pal_bpf_hook_name(PAL_BPF_HOOK_MAX), "?");
	assert_string_equal(pal_bpf_rule_name(PAL_BPF_RULE_MAX), "?");
	assert_string_equal(pal_bpf_verdict_name(PAL_BPF_VERDICT_DENY), "deny");
	assert_string_equal(pal_bpf_verdict_name(PAL_BPF_VERDICT_AUDIT), "audit");
	assert_string_equal(pal_bpf_verdict_name(PAL_BPF_VERDICT_LOG), "log");
	assert_string_equal(pal_bpf_verdict_name(4), "?");
}

/* ------------------------------------------------------------ kernel */

static void not_bpffs(void **state)
{
	struct pal_bpf_status st;
	pal_error err = {0};
	char *p;
	(void)state;
	NEED_KERNEL();
	/* the temporary directory itself is not a bpffs */
	assert_true(asprintf(&p, "%s/pins", E.base) > 0);
	assert_int_equal(pal_bpf_ensure(p, E.lock, &st, &err), -1);
	assert_non_null(strstr(err.msg, "mount -t bpf bpf /sys/fs/bpf"));
	assert_false(exists(p));
	assert_int_equal(pal_bpf_status(p, &st, &err), 0);
	assert_false(st.loaded);
	free(p);
}

static void ensure_once(void **state)
{
	static const char *const maps[] = {"pal_policy", "pal_cstate", "pal_paths",   "pal_nets",
	                                   "pal_events", "pal_drops",  "pal_capseen", "pal_meta"};
	static const char *const progs[] = {"pal_cg_sock_create", "pal_cg_connect4",
	                                    "pal_cg_connect6",    "pal_cg_sendmsg4",
	                                    "pal_cg_sendmsg6",    "pal_cg_sysctl"};
	struct pal_bpf_status st, st2;
	pal_error err = {0};
	uint32_t prog_id, link_id;
	double t0, t1, t2;
	(void)state;
	NEED_KERNEL();

	assert_int_equal(pal_bpf_unload(E.pin_root, &err), 0);
	assert_int_equal(pal_bpf_status(E.pin_root, &st, &err), 0);
	assert_false(st.loaded);

	t0 = now_ms();
	if (pal_bpf_ensure(E.pin_root, E.lock, &st, &err) < 0)
		fail_msg("ensure: %s", err.msg);
	t1 = now_ms();
	assert_true(st.loaded);
	for (size_t i = 0; i < sizeof(maps) / sizeof(maps[0]); i++) {
		char rel[64];
		snprintf(rel, sizeof(rel), "map/%s", maps[i]);
		assert_true(exists(pin(rel)));
	}
	for (size_t i = 0; i < sizeof(progs) / sizeof(progs[0]); i++) {
		char rel[64];
		snprintf(rel, sizeof(rel), "prog/%s", progs[i]);
		assert_true(exists(pin(rel)));
	}
	assert_true(exists(pin("link/pal_arm_exec")));
	assert_true(exists(pin("cg")));
	/* the lock file: 0600 */
	struct stat lk;
	assert_int_equal(stat(E.lock, &lk), 0);
	assert_int_equal(lk.st_mode & 07777, 0600);

	/* FACTS.md: BPF LSM does not load on this host */
	print_message("# lsm: state %d errno %d: %s\n", st.lsm, st.lsm_errno, st.lsm_reason);
	if (st.lsm == PAL_BPF_LSM_UNAVAILABLE) {
		char word[32];
		assert_true(st.lsm_errno > 0);
		snprintf(word, sizeof(word), "errno %d", st.lsm_errno);
		assert_non_null(strstr(st.lsm_reason, word));
		assert_non_null(strstr(st.lsm_reason, strerror(st.lsm_errno)));
		assert_non_null(strstr(st.lsm_reason, "/sys/kernel/security/lsm"));
		assert_false(exists(pin("link/pal_file_open")));
		/* the reason quotes the LSM list, or says it could not */
		FILE *f = fopen("/sys/kernel/security/lsm", "re");
		char list[256] = "";
		if (f) {
			assert_non_null(fgets(list, sizeof(list), f));
			fclose(f);
			assert_non_null(strstr(
			    st.lsm_reason, strstr(list, "bpf") ? "lists bpf" : "does not list"));
		} else {
			assert_non_null(strstr(st.lsm_reason, "not readable"));
		}
		if (E.securityfs) {
			assert_int_equal(umount2("/sys/kernel/security", MNT_DETACH), 0);
			E.securityfs = false;
			assert_int_equal(pal_bpf_status(E.pin_root, &st2, &err), 0);
			assert_non_null(strstr(st2.lsm_reason, "is not readable"));
			assert_int_equal(st2.lsm_errno, st.lsm_errno);
		}
	} else {
		assert_int_equal(st.lsm, PAL_BPF_LSM_ACTIVE);
		assert_true(exists(pin("link/pal_file_open")));
		assert_true(exists(pin("link/pal_capable")));
	}

	prog_id = obj_id(pin("prog/pal_cg_connect4"));
	link_id = obj_id(pin("link/pal_arm_exec"));
	if (pal_bpf_ensure(E.pin_root, E.lock, &st2, &err) < 0)
		fail_msg("second ensure: %s", err.msg);
	t2 = now_ms();
	assert_true(st2.loaded);
	assert_int_equal(st2.lsm, st.lsm);
	assert_int_equal(st2.lsm_errno, st.lsm_errno);
	assert_int_equal(obj_id(pin("prog/pal_cg_connect4")), prog_id);
	assert_int_equal(obj_id(pin("link/pal_arm_exec")), link_id);
	print_message("# first ensure (load) %.1f ms, second ensure (no load) %.2f ms\n", t1 - t0,
	              t2 - t1);

	assert_int_equal(pal_bpf_status(E.pin_root, &st2, &err), 0);
	assert_true(st2.loaded);
	assert_int_equal(st2.lsm, st.lsm);
}

static void ensure_concurrent(void **state)
{
	int go[2], res[2];
	pid_t pids[4];
	uint32_t ids[4];
	pal_error err = {0};
	double t0;
	(void)state;
	NEED_KERNEL();

	assert_int_equal(pal_bpf_unload(E.pin_root, &err), 0);
	assert_int_equal(pipe2(go, O_CLOEXEC), 0);
	assert_int_equal(pipe2(res, O_CLOEXEC), 0);
	for (int i = 0; i < 4; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0) {
			struct pal_bpf_status st;
			char c;
			uint32_t id = 0;
			close(go[1]);
			/* all four start together: EOF on the pipe */
			(void)!read(go[0], &c, 1);
			if (pal_bpf_ensure(E.pin_root, E.lock, &st, &err) == 0 && st.loaded) {
				int fd = bpf_obj_get(pin("prog/pal_cg_connect4"));
				struct bpf_prog_info info;
				__u32 len = sizeof(info);
				memset(&info, 0, sizeof(info));
				if (fd >= 0 && bpf_obj_get_info_by_fd(fd, &info, &len) == 0)
					id = info.id;
			}
			(void)!write(res[1], &id, sizeof(id));
			_exit(0);
		}
		track(pids[i]);
	}
	t0 = now_ms();
	close(go[0]);
	close(go[1]);
	close(res[1]);
	for (int i = 0; i < 4; i++)
		assert_int_equal(read(res[0], &ids[i], sizeof(ids[i])), sizeof(ids[i]));
	for (int i = 0; i < 4; i++) {
		int status;
		reap(pids[i], &status);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	close(res[0]);
	print_message("# 4 concurrent ensures: %.1f ms, prog ids %u %u %u %u\n", now_ms() - t0,
	              ids[0], ids[1], ids[2], ids[3]);
	/* one load: everybody saw the program the first one pinned */
	for (int i = 0; i < 4; i++) {
		assert_true(ids[i] != 0);
		assert_int_equal(ids[i], ids[0]);
	}
	assert_int_equal(obj_id(pin("prog/pal_cg_connect4")), ids[0]);
}

/* A child in cgroup CG: probes before exec (pending policy), then execs
 * the probe (armed).  Returns the two lines. */
static void run_child(const char *cg, char *before, char *after, size_t size, pid_t *pid_out,
                      void (*between)(void *, pid_t), void *ctx)
{
	int go[2], out[2], status;
	pid_t pid;
	char buf[512];
	ssize_t n, len = 0;

	char exe[PATH_MAX];
	ssize_t el = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	assert_true(el > 0);
	exe[el] = '\0';
	assert_int_equal(pipe2(go, O_CLOEXEC), 0);
	assert_int_equal(pipe2(out, 0), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char line[200], c;
		char *argv[] = {"test_bpf", "--probe", NULL};
		close(go[1]);
		close(out[0]);
		(void)!read(go[0], &c, 1);
		probe(line, sizeof(line));
		dprintf(out[1], "%s\n", line);
		if (dup2(out[1], 1) < 0)
			_exit(3);
		/* by its name, so that comm is "test_bpf" */
		execv(exe, argv);
		_exit(4);
	}
	track(pid);
	close(go[0]);
	close(out[1]);
	cg_join(cg, pid);
	if (between)
		between(ctx, pid);
	close(go[1]);
	while ((n = read(out[0], buf + len, sizeof(buf) - 1 - (size_t)len)) > 0)
		len += n;
	close(out[0]);
	buf[len] = '\0';
	reap(pid, &status);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	char *nl = strchr(buf, '\n');
	assert_non_null(nl);
	*nl = '\0';
	assert_true(strlen(buf) < size && strlen(nl + 1) < size);
	strcpy(before, buf);
	strcpy(after, nl + 1);
	nl = strchr(after, '\n');
	if (nl)
		*nl = '\0';
	if (pid_out)
		*pid_out = pid;
}

struct reg_ctx {
	int cg_fd;
	uint64_t cgid;
	struct pal_bpf_policy_spec *ps;
};

/* the child is the container's init: exempt until its exec */
static void do_register(void *vctx, pid_t init)
{
	struct reg_ctx *c = vctx;
	pal_error err = {0};
	if (pal_bpf_register(E.pin_root, c->cg_fd, c->cgid, c->ps, 1, (uint32_t)init, &err) < 0)
		fail_msg("register: %s", err.msg);
}

struct collected {
	char *lines[32];
	int n;
};

static int collect(void *vctx, const struct pal_bpf_event *ev, pal_error *err)
{
	struct collected *c = vctx;
	if (c->n == 32)
		return 0;
	return pal_bpf_event_json(ev, &c->lines[c->n++], err);
}

static yajl_val find_event(struct collected *c, uint64_t cgid, const char *hook)
{
	for (int i = 0; i < c->n; i++) {
		yajl_val v = parse(c->lines[i]);
		if ((uint64_t)jint(v, "cgroup_id") == cgid && !strcmp(jstr(v, "hook"), hook))
			return v;
		yajl_tree_free(v);
	}
	fail_msg("no %s event for cgroup %llu among %d", hook, (unsigned long long)cgid, c->n);
	return NULL;
}

static void register_enforce(void **state)
{
	struct pal_bpf_policy_spec ps;
	struct pal_bpf_policy pol;
	struct pal_bpf_cstate cs;
	struct pal_bpf_reader *rd = NULL;
	struct collected col = {0};
	struct reg_ctx rc;
	char before[200], after[200], self[200], *cg, rel[64];
	pal_error err = {0};
	pid_t child;
	yajl_val v;
	(void)state;
	NEED_KERNEL();
	ensure_loaded();

	ps = policy();
	ps.rate_per_sec = 4321; /* the profile's "eventsPerSecond" */
	cg = cg_make("enforce", &rc.cgid, &rc.cg_fd);
	rc.ps = &ps;
	if (pal_bpf_reader_open(E.pin_root, collect, &col, &rd, &err) < 0)
		fail_msg("reader: %s", err.msg);
	assert_true(pal_bpf_reader_fd(rd) >= 0);
	assert_int_equal(pal_bpf_reader_poll(rd, 0, &err), 0);

	run_child(cg, before, after, sizeof(before), &child, do_register, &rc);
	print_message("# in the cgroup, before exec: %s\n# after exec: %s\n", before, after);
	/* pending until the exec: the child's own setup is not policed */
	expect_probe(before, 0, 0, 0);
	expect_probe(after, EPERM, EPERM, EPERM);
	/* the parent, outside the cgroup, is untouched */
	probe(self, sizeof(self));
	expect_probe(self, 0, 0, 0);

	snprintf(rel, sizeof(rel), "cg/%llu/pal_cg_connect4", (unsigned long long)rc.cgid);
	assert_true(exists(pin(rel)));
	assert_int_equal(pal_bpf_lookup(E.pin_root, rc.cgid, &pol, &cs, &err), 0);
	assert_true(pol.flags & PAL_BPF_F_ARMED);
	assert_int_equal(pol.cgroup_id, rc.cgid);
	assert_int_equal(pol.action[PAL_BPF_RULE_CONNECT], PAL_BPF_ACT_DENY);
	assert_int_equal(pol.rate_per_sec, 4321);
	assert_int_equal(cs.hits[PAL_BPF_RULE_RAW_SOCKET], 1);
	assert_int_equal(cs.hits[PAL_BPF_RULE_CONNECT], 2);
	assert_int_equal(cs.hits[PAL_BPF_RULE_SYSCTL_WRITE], 1);

	/* the events, as JSON lines */
	assert_true(pal_bpf_reader_poll(rd, 100, &err) >= 4);
	print_message("# %d events, e.g. %s\n", col.n, col.n ? col.lines[0] : "");
	v = find_event(&col, rc.cgid, "cgroup/sock_create");
	assert_string_equal(jstr(v, "rule"), "rawSockets");
	assert_string_equal(jstr(v, "verdict"), "deny");
	assert_string_equal(jstr(v, "comm"), "test_bpf");
	assert_int_equal(jint(v, "pid"), child);
	assert_int_equal(jint(v, "uid"), 0);
	assert_true(jint(v, "ts_boot_ns") > 0);
	assert_non_null(
	    strstr(col.lines[0], "\"socket\":{\"family\":2,\"type\":3,\"protocol\":1}"));
	yajl_tree_free(v);
	v = find_event(&col, rc.cgid, "cgroup/connect4");
	assert_string_equal(jstr(v, "rule"), "connect");
	assert_string_equal(jstr(v, "family"), "inet");
	assert_string_equal(jstr(v, "address"), "127.0.0.2");
	assert_int_equal(jint(v, "port"), 9);
	yajl_tree_free(v);
	v = find_event(&col, rc.cgid, "cgroup/sendmsg4");
	assert_string_equal(jstr(v, "address"), "127.0.0.2");
	yajl_tree_free(v);
	v = find_event(&col, rc.cgid, "cgroup/sysctl");
	assert_string_equal(jstr(v, "rule"), "sysctlWrite");
	assert_string_equal(jstr(v, "path"), "kernel/domainname");
	yajl_tree_free(v);
	for (int i = 0; i < col.n; i++)
		free(col.lines[i]);
	pal_bpf_reader_free(rd);

	uint64_t drops = 99;
	assert_int_equal(pal_bpf_drops(E.pin_root, &drops, &err), 0);
	assert_int_equal(drops, 0);

	/* refused: the same cgroup again (an armed policy is never reset),
	 * cgroup id 0, an id that is not the descriptor's */
	assert_int_equal(pal_bpf_register(E.pin_root, rc.cg_fd, rc.cgid, &ps, 1, 1, &err), -1);
	assert_int_equal(err.errnum, EEXIST);
	assert_int_equal(pal_bpf_lookup(E.pin_root, rc.cgid, &pol, NULL, &err), 0);
	assert_true(pol.flags & PAL_BPF_F_ARMED);
	assert_int_equal(pal_bpf_register(E.pin_root, rc.cg_fd, 0, &ps, 1, 1, &err), -1);
	assert_int_equal(err.errnum, EINVAL);
	assert_int_equal(pal_bpf_register(E.pin_root, rc.cg_fd, rc.cgid + 1, &ps, 1, 1, &err), -1);
	assert_int_equal(err.errnum, EINVAL);

	/* what the LSM side records (capable), put there by hand: this
	 * host never runs it */
	struct pal_bpf_capseen_key ck = {.cgroup_id = rc.cgid, .cap = 21};
	__u8 one = 1;
	int capfd = bpf_obj_get(pin("map/pal_capseen"));
	assert_true(capfd >= 0);
	assert_int_equal(bpf_map_update_elem(capfd, &ck, &one, BPF_ANY), 0);
	ck.cgroup_id = rc.cgid + 1000; /* another container's: kept */
	assert_int_equal(bpf_map_update_elem(capfd, &ck, &one, BPF_ANY), 0);
	close(capfd);
	assert_int_equal(count_entries("pal_capseen"), 2);

	/* unregister: pins and entries gone, the cgroup is free again */
	assert_int_equal(pal_bpf_unregister(E.pin_root, rc.cgid, &err), 0);
	snprintf(rel, sizeof(rel), "cg/%llu", (unsigned long long)rc.cgid);
	assert_false(exists(pin(rel)));
	assert_int_equal(pal_bpf_lookup(E.pin_root, rc.cgid, &pol, &cs, &err), -1);
	assert_int_equal(err.errnum, ENOENT);
	assert_int_equal(count_entries("pal_paths"), 0);
	assert_int_equal(count_entries("pal_nets"), 0);
	assert_int_equal(count_entries("pal_cstate"), 0);
	assert_int_equal(count_entries("pal_capseen"), 1);
	capfd = bpf_obj_get(pin("map/pal_capseen"));
	assert_int_equal(bpf_map_delete_elem(capfd, &ck), 0);
	close(capfd);
	run_child(cg, before, after, sizeof(before), NULL, NULL, NULL);
	expect_probe(after, 0, 0, 0);
	/* absent: not an error */
	assert_int_equal(pal_bpf_unregister(E.pin_root, rc.cgid, &err), 0);
	close(rc.cg_fd);
	assert_int_equal(rmdir(cg), 0);
	free(cg);
}

static void sweep(void **state)
{
	struct pal_bpf_policy_spec ps = policy();
	uint64_t gone_id, live_id;
	int gone_fd, live_fd;
	char *gone, *live, rel[64];
	pal_error err = {0};
	size_t n = 99;
	(void)state;
	NEED_KERNEL();
	ensure_loaded();

	gone = cg_make("gone", &gone_id, &gone_fd);
	live = cg_make("live", &live_id, &live_fd);
	if (pal_bpf_register(E.pin_root, gone_fd, gone_id, &ps, 1, 1, &err) < 0 ||
	    pal_bpf_register(E.pin_root, live_fd, live_id, &ps, 1, 1, &err) < 0)
		fail_msg("register: %s", err.msg);
	assert_int_equal(pal_bpf_sweep(E.pin_root, E.cg2_fd, &n, &err), 0);
	assert_int_equal(n, 0);
	close(gone_fd);
	assert_int_equal(rmdir(gone), 0);
	if (pal_bpf_sweep(E.pin_root, E.cg2_fd, &n, &err) < 0)
		fail_msg("sweep: %s", err.msg);
	assert_int_equal(n, 1);
	snprintf(rel, sizeof(rel), "cg/%llu", (unsigned long long)gone_id);
	assert_false(exists(pin(rel)));
	assert_int_equal(pal_bpf_lookup(E.pin_root, gone_id, NULL, NULL, &err), -1);
	assert_int_equal(err.errnum, ENOENT);
	snprintf(rel, sizeof(rel), "cg/%llu", (unsigned long long)live_id);
	assert_true(exists(pin(rel)));
	assert_int_equal(pal_bpf_lookup(E.pin_root, live_id, NULL, NULL, &err), 0);
	/* only the live one's entries are left: 5 paths, 3 CIDRs */
	assert_int_equal(count_entries("pal_paths"), 5);
	assert_int_equal(count_entries("pal_nets"), 3);

	assert_int_equal(pal_bpf_unregister(E.pin_root, live_id, &err), 0);
	close(live_fd);
	assert_int_equal(rmdir(live), 0);
	free(gone);
	free(live);
}

static void no_leak(void **state)
{
	static const char *const maps[] = {"pal_policy", "pal_cstate", "pal_paths", "pal_nets",
	                                   "pal_capseen"};
	struct pal_bpf_policy_spec ps = policy();
	unsigned before[5];
	uint64_t cgid;
	int fd;
	char *cg, *tree0, *tree1;
	pal_error err = {0};
	double t0, t;
	(void)state;
	NEED_KERNEL();
	ensure_loaded();

	cg = cg_make("cycle", &cgid, &fd);
	for (int i = 0; i < 5; i++)
		before[i] = count_entries(maps[i]);
	tree0 = tree(E.pin_root);
	t0 = now_ms();
	for (int i = 0; i < 200; i++) {
		if (pal_bpf_register(E.pin_root, fd, cgid, &ps, 1, 1, &err) < 0)
			fail_msg("cycle %d: register: %s", i, err.msg);
		if (i == 0) {
			/* really there while registered */
			assert_int_equal(count_entries("pal_paths"), before[2] + 5);
			assert_int_equal(count_entries("pal_nets"), before[3] + 3);
		}
		if (pal_bpf_unregister(E.pin_root, cgid, &err) < 0)
			fail_msg("cycle %d: unregister: %s", i, err.msg);
	}
	t = now_ms() - t0;
	for (int i = 0; i < 5; i++)
		assert_int_equal(count_entries(maps[i]), before[i]);
	tree1 = tree(E.pin_root);
	assert_string_equal(tree1, tree0);
	print_message("# 200 register/unregister cycles: %.0f ms (%.2f ms each); entries "
	              "policy/cstate/paths/nets/capseen %u/%u/%u/%u/%u before and after\n",
	              t, t / 200, before[0], before[1], before[2], before[3], before[4]);
	free(tree0);
	free(tree1);
	close(fd);
	assert_int_equal(rmdir(cg), 0);
	free(cg);
}

static void leftovers_and_unload(void **state)
{
	struct pal_bpf_status st;
	pal_error err = {0};
	(void)state;
	NEED_KERNEL();

	/* the remains of a load that died before pal_meta: loaded again */
	assert_int_equal(pal_bpf_unload(E.pin_root, &err), 0);
	assert_int_equal(mkdir(E.pin_root, 0700), 0);
	assert_int_equal(mkdir(pin("prog"), 0700), 0);
	assert_int_equal(mkdir(pin("prog/junk"), 0700), 0);
	assert_int_equal(pal_bpf_status(E.pin_root, &st, &err), 0);
	assert_false(st.loaded);
	ensure_loaded();
	assert_false(exists(pin("prog/junk")));

	assert_int_equal(pal_bpf_unload(E.pin_root, &err), 0);
	assert_false(exists(E.pin_root));
	assert_int_equal(pal_bpf_status(E.pin_root, &st, &err), 0);
	assert_false(st.loaded);
	/* twice: nothing to do */
	assert_int_equal(pal_bpf_unload(E.pin_root, &err), 0);
}

/* ------------------------------------------------------------ set-up */

static int setup(void **state)
{
	static const char *const cg2[] = {"/sys/fs/cgroup/unified", "/sys/fs/cgroup"};
	struct statfs sfs;
	(void)state;

	E.base = pal_test_tmpdir();
	if (!E.base)
		return -1;
	if (asprintf(&E.bpffs, "%s/bpffs", E.base) < 0 ||
	    asprintf(&E.pin_root, "%s/palisade", E.bpffs) < 0 ||
	    asprintf(&E.lock, "%s/state/bpf.lock", E.base) < 0)
		return -1;
	if (geteuid() != 0) {
		snprintf(E.why, sizeof(E.why), "needs root");
		return 0;
	}
	/* our own mount namespace: the bpffs mount dies with us */
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
		snprintf(E.why, sizeof(E.why), "no private mount namespace: %s", strerror(errno));
		return 0;
	}
	/* securityfs, for the LSM list the probe quotes; ours alone too */
	if (access("/sys/kernel/security/lsm", R_OK) < 0 &&
	    mount("securityfs", "/sys/kernel/security", "securityfs", 0, NULL) == 0)
		E.securityfs = true;
	if (mkdir(E.bpffs, 0700) < 0 || mount("bpf", E.bpffs, "bpf", 0, "mode=0700") < 0) {
		snprintf(E.why, sizeof(E.why), "cannot mount a bpffs: %s", strerror(errno));
		return 0;
	}
	for (size_t i = 0; i < 2; i++) {
		if (statfs(cg2[i], &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC) {
			E.cg2_fd = open(cg2[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (asprintf(&E.cgbase, "%s/palisade-test-bpf.%d", cg2[i], (int)getpid()) <
			    0)
				return -1;
			break;
		}
	}
	if (E.cg2_fd < 0) {
		snprintf(E.why, sizeof(E.why), "no cgroup v2 mount");
		return 0;
	}
	if (mkdir(E.cgbase, 0755) < 0) {
		snprintf(E.why, sizeof(E.why), "mkdir %s: %s", E.cgbase, strerror(errno));
		free(E.cgbase);
		E.cgbase = NULL;
		return 0;
	}
	E.ok = true;
	return 0;
}

static int teardown(void **state)
{
	pal_error err;
	(void)state;

	for (int i = 0; i < E.n_kids; i++) {
		kill(E.kids[i], SIGKILL);
		waitpid(E.kids[i], NULL, 0);
	}
	if (E.ok)
		(void)pal_bpf_unload(E.pin_root, &err);
	if (E.cgbase) {
		DIR *d = opendir(E.cgbase);
		struct dirent *de;
		while (d && (de = readdir(d))) {
			char *p;
			if (de->d_type != DT_DIR || de->d_name[0] == '.')
				continue;
			if (asprintf(&p, "%s/%s", E.cgbase, de->d_name) > 0) {
				rmdir(p);
				free(p);
			}
		}
		if (d)
			closedir(d);
		rmdir(E.cgbase);
	}
	if (E.ok)
		umount2(E.bpffs, MNT_DETACH);
	if (E.cg2_fd >= 0)
		close(E.cg2_fd);
	pal_test_rmtree(E.base);
	free(E.base);
	free(E.bpffs);
	free(E.pin_root);
	free(E.lock);
	free(E.cgbase);
	return 0;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(event_json),
	    cmocka_unit_test(names),
	    cmocka_unit_test(not_bpffs),
	    cmocka_unit_test(ensure_once),
	    cmocka_unit_test(ensure_concurrent),
	    cmocka_unit_test(register_enforce),
	    cmocka_unit_test(sweep),
	    cmocka_unit_test(no_leak),
	    cmocka_unit_test(leftovers_and_unload),
	};

	if (argc == 2 && !strcmp(argv[1], "--probe")) {
		char line[200];
		probe(line, sizeof(line));
		printf("%s\n", line);
		return 0;
	}
	return cmocka_run_group_tests(tests, setup, teardown);
}
