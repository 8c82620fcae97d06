/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The never-loosen property of the rewrite engine, tested on random specs.
 *
 * For every (spec, profile) pair, where the specs come from a seeded
 * generator and the profiles are a random one per spec plus the shipped
 * ones (profiles/NAME.json, when present):
 *   - pal_rewrite() in enforce mode either refuses, with a refusal that
 *     names a rule and a field, or succeeds;
 *   - on success, by the model in privilege.c: OUTPUT <= INPUT (grants
 *     nothing the input did not) and OUTPUT <= PROFILE (grants nothing the
 *     profile forbids), and rewriting the output again changes nothing.
 * A violation is blamed on a rule by re-running the rules one at a time.
 *
 * The seccomp part of the model is itself checked against the kernel: for
 * a few hundred generated filters, a child loads the filter with libseccomp
 * and makes real, harmless system calls (getpid, getpriority, personality,
 * umask ...) whose results must be among the model's.
 *
 * Environment: PAL_SEED (default 0x5eed, printed on failure), PAL_SPECS
 * (default 10000), PAL_ONLY=N (only spec N, for replay), PAL_KERNEL_SPECS
 * (default 300), PAL_PROFILES (shipped profiles; default PAL_FIXTURES/../../profiles),
 * PAL_NL_VERBOSE=1 (print every violation, not the first of each kind),
 * PAL_NL_SHOW=1 (print input, profile and output of every pair: with
 * PAL_ONLY), PAL_JOBS (worker processes, default the number of CPUs, at
 * most 8).  The outcome depends on the host where rules look at it (the
 * namespaces rule stats namespace paths, the mounts rule and the model
 * resolve host symlinks such as /var/run) and on libseccomp's version
 * (the kernel probes); not on PAL_JOBS, and on timing only in that a
 * libseccomp that does not finish a probe in 500 ms counts as hung.
 */
#include "config.h"

#include "pal_test.h"

#include <errno.h>
#include <inttypes.h>
#include <seccomp.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include "palisade/conf.h"
#include "palisade/json.h"
#include "palisade/profile.h"
#include "palisade/rewrite.h"
#include "privilege.h"

/* ------------------------------------------------------------- PRNG */

/* splitmix64: tiny, fast, and every spec gets its own stream from
 * (seed, index), so one spec can be replayed alone. */
struct rng {
	uint64_t s;
};

static uint64_t rnd(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint32_t below(struct rng *r, uint32_t n)
{
	return n ? (uint32_t)(rnd(r) % n) : 0;
}

static bool chance(struct rng *r, unsigned pct)
{
	return below(r, 100) < pct;
}

#define PICK(r, arr) ((arr)[below((r), sizeof(arr) / sizeof((arr)[0]))])

/* In a worker process cmocka's failure handling would longjmp back into
 * the test runner and run the remaining tests there: workers die instead. */
static bool in_worker;

#define NL_CHECK(cond)                                                                             \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			if (in_worker) {                                                           \
				fprintf(stderr, "# worker: %s:%d: %s\n", __FILE__, __LINE__,       \
				        #cond);                                                    \
				_exit(99);                                                         \
			}                                                                          \
			fail_msg("%s:%d: %s", __FILE__, __LINE__, #cond);                          \
		}                                                                                  \
	} while (0)
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------- text builder */

struct sb {
	char *buf;
	size_t len, cap;
};

static void sb_add(struct sb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void sb_add(struct sb *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->buf ? b->buf + b->len : NULL, b->buf ? b->cap - b->len : 0, fmt,
		              ap);
		va_end(ap);
		NL_CHECK(n >= 0);
		if (b->buf && b->len + (size_t)n < b->cap)
			break;
		b->cap = (b->cap + (size_t)n + 1) * 2;
		b->buf = realloc(b->buf, b->cap);
		NL_CHECK((b->buf) != NULL);
	}
	b->len += (size_t)n;
}

/* A JSON array of strings: each of LIST with probability PCT. */
static void sb_subset(struct sb *b, struct rng *r, const char *const *list, size_t n, unsigned pct)
{
	bool first = true;

	sb_add(b, "[");
	for (size_t i = 0; i < n; i++)
		if (chance(r, pct)) {
			sb_add(b, "%s\"%s\"", first ? "" : ",", list[i]);
			first = false;
		}
	sb_add(b, "]");
}

/* ------------------------------------------------------------- vocabulary */

static const char *const ns_types[] = {"pid", "network", "ipc", "uts", "mount", "user", "cgroup"};

static const char *const host_paths[] = {"/",
                                         "/etc",
                                         "/var/run/docker.sock",
                                         "/run/containerd/containerd.sock",
                                         "/proc",
                                         "/sys",
                                         "/dev",
                                         "/home/user/data",
                                         "/var/lib/data",
                                         "/tmp/x",
                                         "/etc/passwd",
                                         "/root",
                                         "/boot",
                                         "/lib/modules",
                                         "/var/log",
                                         "/run/crio/crio.sock",
                                         "/var/run",
                                         "/usr",
                                         "/srv/www",
                                         "/etc/kubernetes"};

static const char *const mount_opts[] = {
    "rbind", "bind",   "ro",      "rw",       "nosuid", "nodev", "noexec", "shared",  "rshared",
    "slave", "rslave", "private", "rprivate", "suid",   "dev",   "exec",   "relatime"};

static const char *const masked_std[] = {"/proc/acpi",
                                         "/proc/asound",
                                         "/proc/kcore",
                                         "/proc/keys",
                                         "/proc/latency_stats",
                                         "/proc/timer_list",
                                         "/proc/timer_stats",
                                         "/proc/sched_debug",
                                         "/sys/firmware",
                                         "/proc/scsi",
                                         "/sys/devices/virtual/powercap",
                                         "/proc/interrupts"};
static const char *const ro_std[] = {
    "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", "/sys/fs/cgroup"};

static const struct {
	const char *path, *type;
	int major, minor;
} dev_list[] = {{"/dev/fuse", "c", 10, 229}, {"/dev/kmsg", "c", 1, 11},
                {"/dev/sda", "b", 8, 0},     {"/dev/mem", "c", 1, 1},
                {"/dev/null", "c", 1, 3},    {"/dev/net/tun", "c", 10, 200},
                {"/dev/kvm", "c", 10, 232}};

static const char *const sysctl_keys[] = {"net.ipv4.ip_forward",
                                          "net.ipv4.ip_local_port_range",
                                          "kernel.shm_rmid_forced",
                                          "kernel.msgmax",
                                          "net.ipv4.conf.all.route_localnet",
                                          "kernel.core_pattern",
                                          "vm.overcommit_memory",
                                          "fs.mqueue.msg_max",
                                          "net.core.somaxconn",
                                          "kernel.domainname",
                                          "net.ipv4.ping_group_range",
                                          "kernel.sem",
                                          "net.ipv4.tcp_syncookies",
                                          "kernel.modprobe"};
static const char *const sysctl_prefixes[] = {"net.ipv4.conf.", "net.", "kernel.shm", "fs.mqueue."};

static const char *const rlimit_types[] = {"RLIMIT_NOFILE",  "RLIMIT_NPROC", "RLIMIT_CORE",
                                           "RLIMIT_MEMLOCK", "RLIMIT_STACK", "RLIMIT_AS"};
static const char *const rlimit_vals[] = {"0",     "1024",    "4096",
                                          "65536", "1048576", "18446744073709551615"};

static const char *const hook_paths[] = {"/usr/libexec/palisade/hook",
                                         "/usr/bin/nvidia-container-runtime-hook", "/tmp/evil",
                                         "/usr/local/bin/oci-hook"};
static const char *const hook_stages[] = {"prestart",       "createRuntime", "createContainer",
                                          "startContainer", "poststart",     "poststop"};

/* Harmless calls the kernel check makes for real (first), then calls that
 * matter to the profiles. */
static const char *const probe_calls[] = {
    "getpid",      "getppid", "getuid",  "geteuid",           "getgid",
    "getegid",     "gettid",  "getpgrp", "sched_yield",       "getpriority",
    "personality", "umask",   "getsid",  "sched_getscheduler"};
static const char *const other_calls[] = {"mount",         "umount2",
                                          "unshare",       "setns",
                                          "keyctl",        "add_key",
                                          "request_key",   "ptrace",
                                          "bpf",           "perf_event_open",
                                          "clone",         "clone3",
                                          "init_module",   "kexec_load",
                                          "reboot",        "swapon",
                                          "pivot_root",    "socket",
                                          "get_mempolicy", "io_uring_setup",
                                          "userfaultfd",   "open_by_handle_at",
                                          "read",          "write",
                                          "openat",        "close",
                                          "mmap",          "execve",
                                          "chroot",        "syslog",
                                          "socketcall",    "no_such_syscall",
                                          "_llseek"};
/* A typical small base every allow-list profile has. */
static const char *const base_calls[] = {
    "read",         "write",  "openat", "close", "mmap",  "execve", "exit_group", "brk",
    "rt_sigreturn", "getpid", "getuid", "futex", "clone", "wait4",  "fstat",      "newfstatat"};

static const char *const actions[] = {
    "SCMP_ACT_ERRNO", "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD",
    "SCMP_ACT_TRAP",  "SCMP_ACT_LOG",  "SCMP_ACT_TRACE",        "SCMP_ACT_ALLOW"};
static const char *const ops[] = {"SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE",       "SCMP_CMP_EQ",
                                  "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ"};
/* errnoRet values the harmless probes never return themselves (they fail
 * with ESRCH and EINVAL only) */
static const unsigned errnos[] = {1, 13, 38, 95, 5};
static const char *const arg_vals[] = {
    "0",  "1", "2", "3", "8", "255", "268435456", "131072", "4294967295", "18446744073709551615",
    "20", "19"};

/* ------------------------------------------------------------- spec generator */

static void gen_caps(struct sb *b, struct rng *r)
{
	int n = priv_cap_count();
	static const char *const sets[] = {"bounding", "effective", "permitted", "inheritable",
	                                   "ambient"};
	unsigned pct = PICK(r, ((const unsigned[]){3, 20, 50, 95}));
	bool first = true;

	sb_add(b, "\"capabilities\":{");
	for (size_t s = 0; s < NELEM(sets); s++) {
		if (!chance(r, 85))
			continue;
		sb_add(b, "%s\"%s\":[", first ? "" : ",", sets[s]);
		first = false;
		bool f2 = true;
		for (int c = 0; c < n; c++)
			if (chance(r, pct)) {
				sb_add(b, "%s\"%s\"", f2 ? "" : ",", priv_cap_name(c));
				f2 = false;
			}
		if (chance(r, 2))
			sb_add(b, "%s\"CAP_NO_SUCH\"", f2 ? "" : ",");
		sb_add(b, "]");
	}
	sb_add(b, "},");
}

static void gen_uid(struct sb *b, struct rng *r, const char *key)
{
	switch (below(r, 3)) {
	case 0:
		sb_add(b, "\"%s\":0", key);
		break;
	case 1:
		sb_add(b, "\"%s\":1000", key);
		break;
	default:
		sb_add(b, "\"%s\":%u", key, 1 + below(r, 2000000000));
	}
}

static void gen_process(struct sb *b, struct rng *r)
{
	sb_add(b, "\"process\":{\"terminal\":false,\"user\":{");
	gen_uid(b, r, "uid");
	sb_add(b, ",");
	gen_uid(b, r, "gid");
	if (chance(r, 30))
		sb_add(b, ",\"additionalGids\":[%s]",
		       PICK(r, ((const char *const[]){"0", "10,1000", "5", ""})));
	if (chance(r, 10))
		sb_add(b, ",\"umask\":18");
	if (chance(r, 3))
		sb_add(b, ",\"username\":\"%s\"", chance(r, 50) ? "root" : "app");
	sb_add(b, "},\"args\":[\"sh\"],\"env\":[\"PATH=/bin\"],\"cwd\":\"/\",");
	if (chance(r, 90))
		gen_caps(b, r);
	if (chance(r, 70)) {
		size_t n = below(r, 4);
		sb_add(b, "\"rlimits\":[");
		for (size_t i = 0; i < n; i++) {
			unsigned s = below(r, NELEM(rlimit_vals)),
			         h = s + below(r, NELEM(rlimit_vals) - s);
			sb_add(b, "%s{\"type\":\"%s\",\"soft\":%s,\"hard\":%s}", i ? "," : "",
			       PICK(r, rlimit_types), rlimit_vals[s], rlimit_vals[h]);
		}
		sb_add(b, "],");
	}
	if (chance(r, 10))
		sb_add(b, "\"apparmorProfile\":\"unconfined\",");
	if (chance(r, 10))
		sb_add(b, "\"x-proc\":{\"k\":[1,2]},");
	switch (below(r, 3)) {
	case 0:
		sb_add(b, "\"noNewPrivileges\":true,");
		break;
	case 1:
		sb_add(b, "\"noNewPrivileges\":false,");
		break;
	}
	sb_add(b, "\"oomScoreAdj\":%d},", (int)below(r, 1000));
}

static void gen_mount(struct sb *b, struct rng *r, bool *first)
{
	sb_add(b, "%s", *first ? "" : ",");
	*first = false;
	switch (below(r, 6)) {
	case 0:
		sb_add(b,
		       "{\"destination\":\"/host/proc%u\",\"type\":\"proc\",\"source\":\"proc\"}",
		       below(r, 3));
		return;
	case 1:
		sb_add(b,
		       "{\"destination\":\"/sys2\",\"type\":\"sysfs\",\"source\":\"sysfs\","
		       "\"options\":[\"nosuid\",\"%s\"]}",
		       chance(r, 50) ? "ro" : "rw");
		return;
	case 2:
		sb_add(b, "{\"destination\":\"/run\",\"type\":\"tmpfs\",\"source\":\"tmpfs\","
		          "\"options\":[\"nosuid\",\"nodev\",\"mode=755\"]}");
		return;
	}
	sb_add(b, "{\"destination\":\"/mnt/b%u\",", below(r, 100));
	if (chance(r, 70))
		sb_add(b, "\"type\":\"bind\",");
	sb_add(b, "\"source\":\"%s\",\"options\":", PICK(r, host_paths));
	/* a bind without "type" needs bind/rbind in its options */
	sb_add(b, "[\"%s\"", chance(r, 50) ? "rbind" : "bind");
	for (size_t i = 0; i < NELEM(mount_opts); i++)
		if (chance(r, 15))
			sb_add(b, ",\"%s\"", mount_opts[i]);
	sb_add(b, "]}");
}

static void gen_mounts(struct sb *b, struct rng *r)
{
	static const char *const std[] = {
	    "{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"}",
	    "{\"destination\":\"/"
	    "dev\",\"type\":\"tmpfs\",\"source\":\"tmpfs\",\"options\":[\"nosuid\",\"strictatime\","
	    "\"mode=755\",\"size=65536k\"]}",
	    "{\"destination\":\"/dev/"
	    "pts\",\"type\":\"devpts\",\"source\":\"devpts\",\"options\":[\"nosuid\",\"noexec\","
	    "\"newinstance\",\"ptmxmode=0666\",\"mode=0620\",\"gid=5\"]}",
	    "{\"destination\":\"/dev/"
	    "shm\",\"type\":\"tmpfs\",\"source\":\"shm\",\"options\":[\"nosuid\",\"noexec\","
	    "\"nodev\",\"mode=1777\",\"size=65536k\"]}",
	    "{\"destination\":\"/dev/"
	    "mqueue\",\"type\":\"mqueue\",\"source\":\"mqueue\",\"options\":[\"nosuid\",\"noexec\","
	    "\"nodev\"]}",
	    "{\"destination\":\"/"
	    "sys\",\"type\":\"sysfs\",\"source\":\"sysfs\",\"options\":[\"nosuid\",\"noexec\","
	    "\"nodev\",\"ro\"]}",
	    "{\"destination\":\"/sys/fs/"
	    "cgroup\",\"type\":\"cgroup\",\"source\":\"cgroup\",\"options\":[\"nosuid\",\"noexec\","
	    "\"nodev\",\"relatime\",\"ro\"]}",
	};
	bool first = true;
	size_t extra = below(r, 5);

	sb_add(b, "\"mounts\":[");
	for (size_t i = 0; i < NELEM(std); i++)
		if (chance(r, 85)) {
			sb_add(b, "%s%s", first ? "" : ",", std[i]);
			first = false;
		}
	for (size_t i = 0; i < extra; i++)
		gen_mount(b, r, &first);
	sb_add(b, "],");
}

static void gen_namespaces(struct sb *b, struct rng *r, bool *userns)
{
	bool first = true;

	*userns = false;
	sb_add(b, "\"namespaces\":[");
	for (size_t i = 0; i < NELEM(ns_types); i++) {
		bool is_user = !strcmp(ns_types[i], "user");
		if (!chance(r, is_user ? 20 : 75))
			continue;
		sb_add(b, "%s{\"type\":\"%s\"", first ? "" : ",", ns_types[i]);
		first = false;
		if (chance(r, 10))
			sb_add(b, ",\"path\":\"%s%s\"",
			       chance(r, 50) ? "/proc/1/ns/" : "/var/run/netns/", ns_types[i]);
		else if (is_user)
			*userns = true;
		sb_add(b, "}");
	}
	sb_add(b, "],");
	if (*userns)
		sb_add(b,
		       "\"uidMappings\":[{\"containerID\":0,\"hostID\":100000,\"size\":65536}],"
		       "\"gidMappings\":[{\"containerID\":0,\"hostID\":100000,\"size\":65536}],");
}

static void gen_devices(struct sb *b, struct rng *r)
{
	bool first = true;

	sb_add(b, "\"devices\":[");
	for (size_t i = 0; i < NELEM(dev_list); i++) {
		if (!chance(r, 20))
			continue;
		sb_add(b, "%s{\"path\":\"%s\",\"type\":\"%s\",\"major\":%d,\"minor\":%d",
		       first ? "" : ",", dev_list[i].path, dev_list[i].type, dev_list[i].major,
		       dev_list[i].minor);
		first = false;
		if (chance(r, 40))
			sb_add(b, ",\"fileMode\":%d", chance(r, 50) ? 0666 : 0600);
		if (chance(r, 30))
			sb_add(b, ",\"uid\":0,\"gid\":0");
		sb_add(b, "}");
	}
	sb_add(b, "],");
}

static void gen_devcg(struct sb *b, struct rng *r)
{
	size_t n = below(r, 5);
	bool first = true;

	sb_add(b, "\"resources\":{\"devices\":[");
	if (chance(r, 70)) {
		sb_add(b, "{\"allow\":false,\"access\":\"rwm\"}");
		first = false;
	}
	for (size_t i = 0; i < n; i++) {
		static const char *const accs[] = {"r", "w", "m", "rw", "rwm", "rm"};
		sb_add(b, "%s{\"allow\":%s", first ? "" : ",", chance(r, 60) ? "true" : "false");
		first = false;
		if (chance(r, 85))
			sb_add(b, ",\"type\":\"%s\"",
			       PICK(r, ((const char *const[]){"c", "b", "a"})));
		if (chance(r, 80))
			sb_add(b, ",\"major\":%d", PICK(r, ((const int[]){1, 5, 8, 10, 136})));
		if (chance(r, 60))
			sb_add(b, ",\"minor\":%d", PICK(r, ((const int[]){1, 3, 5, 229, 0})));
		sb_add(b, ",\"access\":\"%s\"}", PICK(r, accs));
	}
	sb_add(b, "]},");
}

/* One comparison on argument INDEX (-1: a random one of 0..2). */
static void gen_arg(struct sb *b, struct rng *r, int index)
{
	const char *op = PICK(r, ops);

	sb_add(b, "{\"index\":%u,\"value\":%s,", index < 0 ? below(r, 3) : (unsigned)index,
	       PICK(r, arg_vals));
	if (!strcmp(op, "SCMP_CMP_MASKED_EQ"))
		sb_add(b, "\"valueTwo\":%s,",
		       PICK(r, ((const char *const[]){"0", "1", "8", "268435456"})));
	else if (chance(r, 50))
		sb_add(b, "\"valueTwo\":0,");
	sb_add(b, "\"op\":\"%s\"}", op);
}

static const char *call_name(struct rng *r)
{
	return chance(r, 55) ? PICK(r, probe_calls) : PICK(r, other_calls);
}

static void gen_seccomp_entry(struct sb *b, struct rng *r, const char *action, bool *first)
{
	size_t nn = 1 + below(r, 3), na = chance(r, 40) ? 1 + below(r, 3) : 0;

	sb_add(b, "%s{\"names\":[", *first ? "" : ",");
	*first = false;
	for (size_t i = 0; i < nn; i++)
		sb_add(b, "%s\"%s\"", i ? "," : "", call_name(r));
	sb_add(b, "],\"action\":\"%s\"", action);
	if ((!strcmp(action, "SCMP_ACT_ERRNO") || !strcmp(action, "SCMP_ACT_TRACE")) &&
	    chance(r, 50))
		sb_add(b, ",\"errnoRet\":%u", PICK(r, errnos));
	if (na) {
		/* mostly one comparison per argument; a repeated index (which
		 * runc splits into OR-ed rules) now and then */
		bool repeat = chance(r, 10);
		sb_add(b, ",\"args\":[");
		for (size_t i = 0; i < na; i++) {
			sb_add(b, "%s", i ? "," : "");
			gen_arg(b, r, repeat ? -1 : (int)i);
		}
		sb_add(b, "]");
	}
	if (chance(r, 5))
		sb_add(b, ",\"comment\":\"x\"");
	sb_add(b, "}");
}

static void gen_seccomp(struct sb *b, struct rng *r)
{
	bool first = true;
	bool allow_list = chance(r, 50);
	size_t n = below(r, 8);

	sb_add(b, "\"seccomp\":{");
	if (allow_list) {
		sb_add(b, "\"defaultAction\":\"%s\"",
		       PICK(r, ((const char *const[]){"SCMP_ACT_ERRNO", "SCMP_ACT_ERRNO",
		                                      "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_TRAP",
		                                      "SCMP_ACT_LOG"})));
		if (chance(r, 40))
			sb_add(b, ",\"defaultErrnoRet\":%u", PICK(r, errnos));
	} else {
		sb_add(b, "\"defaultAction\":\"SCMP_ACT_ALLOW\"");
	}
	if (chance(r, 60))
		sb_add(b, ",\"architectures\":[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\",\"SCMP_ARCH_"
		          "X32\"]");
	if (chance(r, 15))
		sb_add(b, ",\"flags\":[\"%s\"]",
		       PICK(r, ((const char *const[]){"SECCOMP_FILTER_FLAG_LOG",
		                                      "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
		                                      "SECCOMP_FILTER_FLAG_TSYNC"})));
	sb_add(b, ",\"syscalls\":[");
	if (allow_list) {
		/* a big ALLOW entry, then refinements */
		sb_add(b, "{\"names\":[");
		bool f2 = true;
		for (size_t i = 0; i < NELEM(base_calls); i++)
			if (chance(r, 80)) {
				sb_add(b, "%s\"%s\"", f2 ? "" : ",", base_calls[i]);
				f2 = false;
			}
		for (size_t i = 0; i < NELEM(probe_calls); i++)
			if (chance(r, 50))
				sb_add(b, "%s\"%s\"", f2 ? "" : ",", probe_calls[i]);
		sb_add(b, "%s\"getpid\"],\"action\":\"SCMP_ACT_ALLOW\"}", f2 ? "" : ",");
		first = false;
		for (size_t i = 0; i < n; i++)
			gen_seccomp_entry(b, r, chance(r, 60) ? "SCMP_ACT_ALLOW" : PICK(r, actions),
			                  &first);
	} else {
		for (size_t i = 0; i < n; i++)
			gen_seccomp_entry(b, r, PICK(r, actions), &first);
	}
	if (chance(r, 3)) {
		sb_add(b, "%s{\"names\":[\"getppid\"],\"action\":\"SCMP_ACT_NOTIFY\"}",
		       first ? "" : ",");
		sb_add(b, "]");
		sb_add(b, ",\"listenerPath\":\"/run/agent.sock\"},");
		return;
	}
	sb_add(b, "]},");
}

/* One random spec as JSON text. */
static void gen_spec(struct sb *b, struct rng *r)
{
	bool userns;

	sb_add(b, "{\"ociVersion\":\"1.0.2\",");
	gen_process(b, r);
	sb_add(b, "\"root\":{\"path\":\"rootfs\"");
	if (chance(r, 66))
		sb_add(b, ",\"readonly\":%s", chance(r, 50) ? "true" : "false");
	sb_add(b, "},\"hostname\":\"h\",");
	gen_mounts(b, r);
	if (chance(r, 40)) {
		sb_add(b, "\"hooks\":{");
		bool first = true;
		for (size_t s = 0; s < NELEM(hook_stages); s++) {
			if (!chance(r, 30))
				continue;
			sb_add(b, "%s\"%s\":[", first ? "" : ",", hook_stages[s]);
			first = false;
			size_t n = 1 + below(r, 2);
			for (size_t i = 0; i < n; i++) {
				sb_add(b, "%s{\"path\":\"%s\"", i ? "," : "", PICK(r, hook_paths));
				if (chance(r, 50))
					sb_add(b, ",\"args\":[\"hook\",\"%s\"]",
					       PICK(r, hook_stages));
				if (chance(r, 30))
					sb_add(b, ",\"timeout\":%u", 1 + below(r, 30));
				sb_add(b, "}");
			}
			sb_add(b, "]");
		}
		sb_add(b, "},");
	}
	if (chance(r, 70)) {
		sb_add(b, "\"annotations\":{\"org.example.a\":\"b\"");
		if (chance(r, 5))
			sb_add(b, ",\"io.palisade.applied.profile\":\"forged\"");
		if (chance(r, 5))
			sb_add(b, ",\"io.palisade.version\":\"99\"");
		sb_add(b, "},");
	}
	if (chance(r, 50))
		sb_add(b, "\"x-unknown\":{\"nested\":[1,\"two\",{\"three\":null}],\"n\":1.50},");
	sb_add(b, "\"linux\":{");
	gen_namespaces(b, r, &userns);
	if (chance(r, 60))
		gen_devices(b, r);
	if (chance(r, 70))
		gen_devcg(b, r);
	if (chance(r, 50)) {
		bool first = true;
		sb_add(b, "\"sysctl\":{");
		for (size_t i = 0; i < NELEM(sysctl_keys); i++)
			if (chance(r, 20)) {
				sb_add(b, "%s\"%s\":\"%u\"", first ? "" : ",", sysctl_keys[i],
				       below(r, 3));
				first = false;
			}
		sb_add(b, "},");
	}
	if (chance(r, 80)) {
		sb_add(b, "\"maskedPaths\":");
		sb_subset(b, r, masked_std, NELEM(masked_std), 70);
		sb_add(b, ",");
	}
	if (chance(r, 80)) {
		sb_add(b, "\"readonlyPaths\":");
		sb_subset(b, r, ro_std, NELEM(ro_std), 70);
		sb_add(b, ",");
	}
	if (chance(r, 70))
		gen_seccomp(b, r);
	if (chance(r, 20))
		sb_add(b, "\"rootfsPropagation\":\"%s\",",
		       PICK(r, ((const char *const[]){"rprivate", "rslave", "shared"})));
	if (chance(r, 10))
		sb_add(b, "\"x-linux\":true,");
	sb_add(b, "\"cgroupsPath\":\"/palisade-test\"}}");
}

/* ------------------------------------------------------------- profile generator */

static void gen_profile(struct sb *b, struct rng *r)
{
	bool first = true;
#define SECTION(pct) (chance(r, pct) && (sb_add(b, "%s", first ? "" : ","), first = false, true))

	sb_add(b, "{");
	if (SECTION(20))
		sb_add(b, "\"privileged\":%s", chance(r, 20) ? "true" : "false");
	if (SECTION(60)) {
		const char *caps[64];
		int n = priv_cap_count();
		for (int c = 0; c < n && c < 64; c++)
			caps[c] = priv_cap_name(c);
		sb_add(b, "\"capabilities\":{\"allow\":");
		sb_subset(b, r, caps, (size_t)n, PICK(r, ((const unsigned[]){0, 10, 30, 60})));
		sb_add(b, "}");
	}
	if (SECTION(50))
		sb_add(b, "\"noNewPrivileges\":true");
	if (SECTION(50))
		sb_add(b, "\"user\":{\"nonRoot\":%s}", chance(r, 60) ? "true" : "false");
	if (SECTION(60)) {
		static const char *const req[] = {"pid",   "ipc",     "uts",
		                                  "mount", "network", "cgroup"};
		sb_add(b, "\"namespaces\":{\"required\":");
		sb_subset(b, r, req, NELEM(req), 60);
		sb_add(b, ",\"allowHost\":");
		sb_subset(b, r, req, NELEM(req), 15);
		if (chance(r, 50))
			sb_add(b, ",\"user\":\"%s\"", chance(r, 30) ? "required" : "optional");
		sb_add(b, "}");
	}
	if (SECTION(60)) {
		sb_add(b,
		       "\"seccomp\":{\"defaultErrno\":\"%s\",\"denyErrno\":\"EPERM\",\"allow\":[",
		       chance(r, 50) ? "ENOSYS" : "EPERM");
		bool f2 = true;
		for (size_t i = 0; i < NELEM(base_calls); i++)
			if (chance(r, 90)) {
				sb_add(b, "%s\"%s\"", f2 ? "" : ",", base_calls[i]);
				f2 = false;
			}
		for (size_t i = 0; i < NELEM(probe_calls); i++)
			if (chance(r, 50)) {
				sb_add(b, "%s\"%s\"", f2 ? "" : ",", probe_calls[i]);
				f2 = false;
			}
		for (size_t i = 0; i < NELEM(other_calls); i++)
			if (chance(r, 20) && strcmp(other_calls[i], "no_such_syscall") &&
			    strcmp(other_calls[i], "socketcall") &&
			    strcmp(other_calls[i], "_llseek")) {
				sb_add(b, "%s\"%s\"", f2 ? "" : ",", other_calls[i]);
				f2 = false;
			}
		sb_add(b, "]");
		if (chance(r, 60)) {
			sb_add(b, ",\"conditional\":[");
			size_t n = 1 + below(r, 3);
			for (size_t i = 0; i < n; i++) {
				sb_add(
				    b, "%s{\"names\":[\"%s\"],\"args\":[", i ? "," : "",
				    PICK(r, ((const char *const[]){"personality", "getpriority",
				                                   "clone", "socket", "umask"})));
				gen_arg(b, r, -1);
				sb_add(b, "]}");
			}
			sb_add(b, "]");
		}
		if (chance(r, 50))
			sb_add(b, ",\"architectures\":[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\"]");
		sb_add(b, "}");
	}
	if (SECTION(50)) {
		sb_add(b, "\"maskedPaths\":");
		sb_subset(b, r, masked_std, NELEM(masked_std), 60);
	}
	if (SECTION(50)) {
		sb_add(b, "\"readonlyPaths\":");
		sb_subset(b, r, ro_std, NELEM(ro_std), 60);
	}
	if (SECTION(50)) {
		static const char *const force[] = {"nosuid", "nodev", "noexec"};
		sb_add(b, "\"mounts\":{\"denyHostPaths\":");
		sb_subset(b, r, host_paths, NELEM(host_paths), 30);
		sb_add(b, ",\"forceOptions\":");
		sb_subset(b, r, force, NELEM(force), 50);
		sb_add(b, "}");
	}
	if (SECTION(40)) {
		bool f2 = true;
		sb_add(b, "\"devices\":{\"allow\":[");
		for (size_t i = 0; i < NELEM(dev_list); i++)
			if (chance(r, 30)) {
				sb_add(
				    b,
				    "%s{\"path\":\"%s\",\"type\":\"%s\",\"major\":%d,\"minor\":%d}",
				    f2 ? "" : ",", dev_list[i].path, dev_list[i].type,
				    dev_list[i].major, dev_list[i].minor);
				f2 = false;
			}
		sb_add(b, "]}");
	}
	if (SECTION(50)) {
		sb_add(b, "\"sysctls\":{\"allow\":");
		sb_subset(b, r, sysctl_keys, NELEM(sysctl_keys), 30);
		sb_add(b, ",\"allowPrefixes\":");
		sb_subset(b, r, sysctl_prefixes, NELEM(sysctl_prefixes), 25);
		sb_add(b, "}");
	}
	if (SECTION(40)) {
		bool f2 = true;
		sb_add(b, "\"rlimits\":{\"max\":{");
		for (size_t i = 0; i < NELEM(rlimit_types); i++)
			if (chance(r, 35)) {
				unsigned s = below(r, NELEM(rlimit_vals)),
				         h = s + below(r, NELEM(rlimit_vals) - s);
				sb_add(b, "%s\"%s\":{\"soft\":%s,\"hard\":%s}", f2 ? "" : ",",
				       rlimit_types[i], rlimit_vals[s], rlimit_vals[h]);
				f2 = false;
			}
		sb_add(b, "}}");
	}
	if (SECTION(40)) {
		sb_add(b, "\"hooks\":{\"allow\":");
		sb_subset(b, r, hook_paths, NELEM(hook_paths), 40);
		sb_add(b, "}");
	}
	if (SECTION(40))
		sb_add(b, "\"rootfs\":{\"readonly\":%s}", chance(r, 70) ? "true" : "false");
	sb_add(b, "}");
#undef SECTION
}

/* ------------------------------------------------------------- harness */

/* The rules in rewrite.c's order, for blame only (pal_rewrite() is what is
 * tested). */
static const struct pal_rule *const rules[] = {
    &pal_rule_privileged,
    &pal_rule_namespaces,
    &pal_rule_user,
    &pal_rule_capabilities,
    &pal_rule_no_new_privileges,
    &pal_rule_seccomp,
    &pal_rule_masked_paths,
    &pal_rule_mounts,
    &pal_rule_devices,
    &pal_rule_sysctls,
    &pal_rule_rlimits,
    &pal_rule_hooks,
    &pal_rule_rootfs,
    &pal_rule_preflight,
    &pal_rule_annotate,
};

struct kind {
	char key[96]; /* property / rule / section */
	size_t count;
	size_t first_spec;
	char example[1600];
};

#define MAX_KINDS 64

struct stats {
	uint64_t seed;
	size_t pairs, ok, refused, errors;
	size_t refused_by[NELEM(rules)];
	size_t unjustified_by[NELEM(rules)];
	struct kind kinds[MAX_KINDS];
	size_t nkinds;
	size_t violations;
	size_t asked, probes, timeouts; /* the model's kernel probes */
	bool verbose;
	bool show; /* PAL_NL_SHOW: print input, profile, output of every pair */
};

static uint64_t env_u64(const char *name, uint64_t dflt)
{
	const char *v = getenv(name);
	char *end;
	uint64_t x;

	if (!v || !*v)
		return dflt;
	errno = 0;
	x = strtoull(v, &end, 0);
	if (errno || *end)
		fail_msg("%s=%s: not a number", name, v);
	return x;
}

static char *compact(yajl_val v)
{
	pal_error err = {0};
	char *s = NULL;
	size_t len;

	if (pal_json_serialize(v, false, &s, &len, &err) < 0)
		return strdup("(unserialisable)");
	return s;
}

/* The first place where A and B differ, as a path ("linux.seccomp.syscalls[3]"),
 * with both values there; false when they are equal. */
static bool first_diff(yajl_val a, yajl_val b, char *path, size_t len, yajl_val *da, yajl_val *db)
{
	size_t n = strlen(path);

	if (pal_json_equal(a, b))
		return false;
	*da = a;
	*db = b;
	if (YAJL_IS_OBJECT(a) && YAJL_IS_OBJECT(b)) {
		for (size_t i = 0; i < a->u.object.len; i++) {
			yajl_val bv = pal_json_get(b, a->u.object.keys[i]);
			snprintf(path + n, len - n, "%s%s", n ? "." : "", a->u.object.keys[i]);
			if (!bv) {
				*db = NULL;
				*da = a->u.object.values[i];
				return true;
			}
			if (first_diff(a->u.object.values[i], bv, path, len, da, db))
				return true;
		}
		for (size_t i = 0; i < b->u.object.len; i++)
			if (!pal_json_get(a, b->u.object.keys[i])) {
				snprintf(path + n, len - n, "%s%s", n ? "." : "",
				         b->u.object.keys[i]);
				*da = NULL;
				*db = b->u.object.values[i];
				return true;
			}
		path[n] = '\0';
		return true; /* same members, different order */
	}
	if (YAJL_IS_ARRAY(a) && YAJL_IS_ARRAY(b)) {
		for (size_t i = 0; i < a->u.array.len && i < b->u.array.len; i++) {
			snprintf(path + n, len - n, "[%zu]", i);
			if (first_diff(a->u.array.values[i], b->u.array.values[i], path, len, da,
			               db))
				return true;
		}
		snprintf(path + n, len - n, " (length %zu vs %zu)", a->u.array.len, b->u.array.len);
		return true;
	}
	return true;
}

/* Record a violation of PROPERTY blamed on RULE; the first of each kind
 * keeps an example with what is needed to replay it. */
static void violation(struct stats *st, const char *property, const char *rule, const char *section,
                      size_t spec, const char *profile, const char *msg, yajl_val in, yajl_val prof)
{
	char key[96];
	struct kind *k = NULL;

	st->violations++;
	snprintf(key, sizeof(key), "%s / rule %s / %s", property, rule, section);
	for (size_t i = 0; i < st->nkinds && !k; i++)
		if (!strcmp(st->kinds[i].key, key))
			k = &st->kinds[i];
	if (!k && st->nkinds < MAX_KINDS) {
		k = &st->kinds[st->nkinds++];
		snprintf(k->key, sizeof(k->key), "%s", key);
		k->first_spec = spec;
		snprintf(k->example, sizeof(k->example),
		         "spec #%zu, profile %s (replay: PAL_SEED=%#" PRIx64 " PAL_ONLY=%zu): %s",
		         spec, profile, st->seed, spec, msg);
		if (!st->verbose) {
			/* shipped profiles are known by name */
			char *a = compact(in),
			     *b = prof && !strcmp(profile, "random") ? compact(prof) : NULL;
			fprintf(stderr, "# VIOLATION %s\n#   %s\n#   input: %s\n#   profile: %s\n",
			        key, k->example, a ? a : "?", b ? b : profile);
			free(a);
			free(b);
		}
	}
	if (k)
		k->count++;
	if (st->verbose)
		fprintf(stderr, "# VIOLATION %s: spec #%zu profile %s: %s\n", key, spec, profile,
		        msg);
}

/* Every third pair runs as `create` does with the monitor on and runc:
 * the seccomp rule's notify form (Palisade's listener, notify.h). */
static bool nl_notify;

static struct pal_rewrite_ctx make_ctx(const struct pal_profile *p)
{
	return (struct pal_rewrite_ctx){
	    .notify_path = nl_notify ? "/run/palisade/seccomp.sock" : NULL,
	    .cmd = PAL_CMD_CREATE,
	    .id = "c1",
	    .bundle = "/nonexistent-bundle",
	    .bundle_fd = -1,
	    .profile = p,
	    .mode = PAL_MODE_ENFORCE,
	    .backend = "runc",
	    .report = NULL,
	};
}

static size_t rule_index(const char *name)
{
	for (size_t i = 0; i < NELEM(rules); i++)
		if (!strcmp(rules[i]->name, name))
			return i;
	return NELEM(rules);
}

/* Run the rules one by one on a copy of IN and return the first whose own
 * step loosens SECTION (by the model); NULL when no single step does. */
static const char *blame_step(const struct pal_profile *p, yajl_val in, const char *section)
{
	struct pal_rewrite_ctx ctx = make_ctx(p);
	yajl_val cur = pal_json_dup(in);
	const char *who = NULL;

	NL_CHECK((cur) != NULL);
	for (size_t i = 0; i < NELEM(rules) && !who; i++) {
		yajl_val prev = pal_json_dup(cur);
		pal_error err = {0};
		struct priv_result r = {0};

		NL_CHECK((prev) != NULL);
		if (rules[i]->apply(&ctx, cur, &err) < 0) {
			yajl_tree_free(prev);
			break;
		}
		priv_le_input(cur, prev, &r);
		for (size_t k = 0; k < r.n && !who; k++)
			if (!strcmp(r.v[k].section, section))
				who = rules[i]->name;
		yajl_tree_free(prev);
	}
	yajl_tree_free(cur);
	return who;
}

/* The first rule that changes OUT (a rewrite's result) when applied to it
 * again; NULL when none does. */
static const char *blame_idempotence(const struct pal_profile *p, yajl_val out)
{
	struct pal_rewrite_ctx ctx = make_ctx(p);
	yajl_val cur = pal_json_dup(out);
	const char *who = NULL;

	NL_CHECK((cur) != NULL);
	for (size_t i = 0; i < NELEM(rules) && !who; i++) {
		yajl_val prev = pal_json_dup(cur);
		pal_error err = {0};

		NL_CHECK((prev) != NULL);
		if (rules[i]->apply(&ctx, cur, &err) < 0 || !pal_json_equal(cur, prev))
			who = rules[i]->name;
		yajl_tree_free(prev);
	}
	yajl_tree_free(cur);
	return who;
}

/* "rule R: refused by profile "P" (rule R): FIELD: why; select ..." */
static bool parse_refusal(const char *msg, const char *profile, char *rule, size_t rl, char *field,
                          size_t fl)
{
	char head[200];
	const char *p, *q;

	snprintf(head, sizeof(head), "refused by profile \"%s\" (rule ", profile);
	p = strstr(msg, head);
	if (!p)
		return false;
	p += strlen(head);
	q = strstr(p, "): ");
	if (!q || (size_t)(q - p) >= rl)
		return false;
	memcpy(rule, p, (size_t)(q - p));
	rule[q - p] = '\0';
	p = q + 3;
	q = strstr(p, ": ");
	if (!q || q == p || (size_t)(q - p) >= fl)
		return false;
	memcpy(field, p, (size_t)(q - p));
	field[q - p] = '\0';
	return strstr(msg, PAL_ANNOTATION_PROFILE) != NULL;
}

/* Best effort: does IN really break something PROFILE forbids, in the area
 * of RULE?  Rules the model cannot judge (privileged, preflight) pass. */
static bool refusal_justified(const char *rule, yajl_val in, yajl_val prof)
{
	struct priv_result r = {0};
	const char *sec;

	if (!strcmp(rule, "privileged") || !strcmp(rule, "preflight"))
		return true;
	priv_le_profile(in, prof, &r);
	for (size_t k = 0; k < r.n; k++) {
		sec = priv_section_rule(r.v[k].section);
		if (!strcmp(sec, rule))
			return true;
	}
	return r.total > r.n; /* some were not kept: cannot tell */
}

static void check_pair(struct stats *st, size_t idx, yajl_val spec, const struct pal_profile *p)
{
	struct pal_rewrite_ctx ctx = (nl_notify = idx % 3 == 0, make_ctx(p));
	yajl_val out = pal_json_dup(spec), again;
	pal_error err = {0};
	struct priv_result r = {0};
	char rule[40], field[200], msg[1200];

	NL_CHECK((out) != NULL);
	st->pairs++;
	if (st->show) {
		char *a = compact(spec), *b = compact(p->tree);
		fprintf(stderr, "# SHOW profile %s\n#   input:   %s\n#   profile: %s\n", p->name, a,
		        strcmp(p->name, "random") ? p->name : b);
		free(a);
		free(b);
	}
	if (pal_rewrite(&ctx, out, &err) < 0) {
		if (st->show)
			fprintf(stderr, "#   error:   %s\n", err.msg);
		if (err.errnum == EPERM &&
		    parse_refusal(err.msg, p->name, rule, sizeof(rule), field, sizeof(field))) {
			size_t ri = rule_index(rule);
			st->refused++;
			if (ri == NELEM(rules)) {
				snprintf(msg, sizeof(msg), "refusal names unknown rule: %s",
				         err.msg);
				violation(st, "refusal", rule, "-", idx, p->name, msg, spec,
				          p->tree);
			} else {
				st->refused_by[ri]++;
				if (!refusal_justified(rule, spec, p->tree)) {
					st->unjustified_by[ri]++;
					snprintf(msg, sizeof(msg),
					         "refused but the model sees nothing the profile "
					         "forbids "
					         "there: %s",
					         err.msg);
					violation(st, "refusal unjustified?", rule, field, idx,
					          p->name, msg, spec, p->tree);
				}
			}
		} else {
			char *at = strstr(err.msg, "rule ");
			st->errors++;
			snprintf(rule, sizeof(rule), "%s", at ? at + 5 : "?");
			if (strchr(rule, ':'))
				*strchr(rule, ':') = '\0';
			snprintf(msg, sizeof(msg), "error (errno %d) on a well-formed spec: %s",
			         err.errnum, err.msg);
			violation(st, "error", rule, "-", idx, p->name, msg, spec, p->tree);
		}
		yajl_tree_free(out);
		return;
	}
	st->ok++;
	if (st->show) {
		char *a = compact(out);
		fprintf(stderr, "#   output:  %s\n", a);
		free(a);
	}
	priv_le_input(out, spec, &r);
	for (size_t k = 0; k < r.n; k++) {
		const char *who = blame_step(p, spec, r.v[k].section);
		violation(st, "OUTPUT <= INPUT", who ? who : "(no single rule)", r.v[k].section,
		          idx, p->name, r.v[k].msg, spec, p->tree);
	}
	memset(&r, 0, sizeof(r));
	priv_le_profile(out, p->tree, &r);
	for (size_t k = 0; k < r.n; k++)
		violation(st, "OUTPUT <= PROFILE", priv_section_rule(r.v[k].section),
		          r.v[k].section, idx, p->name, r.v[k].msg, spec, p->tree);

	again = pal_json_dup(out);
	NL_CHECK((again) != NULL);
	if (pal_rewrite(&ctx, again, &err) < 0) {
		snprintf(msg, sizeof(msg), "rewriting the output fails: %s", err.msg);
		violation(st, "idempotence", blame_idempotence(p, out) ?: "?", "-", idx, p->name,
		          msg, spec, p->tree);
	} else if (!pal_json_equal(again, out)) {
		char path[256] = "";
		yajl_val da = NULL, db = NULL;
		char *a, *b;

		first_diff(out, again, path, sizeof(path), &da, &db);
		a = da ? compact(da) : strdup("(absent)");
		b = db ? compact(db) : strdup("(absent)");
		snprintf(
		    msg, sizeof(msg),
		    "second rewrite differs at %.200s:\n#     once:  %.400s\n#     twice: %.400s",
		    path, a ? a : "?", b ? b : "?");
		free(a);
		free(b);
		violation(st, "idempotence", blame_idempotence(p, out) ?: "?", "-", idx, p->name,
		          msg, spec, p->tree);
		/* and does the second pass loosen what the first produced? */
		memset(&r, 0, sizeof(r));
		priv_le_input(again, out, &r);
		for (size_t k = 0; k < r.n; k++)
			violation(st, "TWICE <= ONCE", blame_idempotence(p, out) ?: "?",
			          r.v[k].section, idx, p->name, r.v[k].msg, spec, p->tree);
	}
	yajl_tree_free(again);
	yajl_tree_free(out);
}

/* ------------------------------------------------------------- profiles */

struct shipped {
	struct pal_profile p[8];
	size_t n;
	char *dir;
};

static char *profiles_dir(void)
{
	const char *e = getenv("PAL_PROFILES");
	const char *fx = getenv("PAL_FIXTURES");
	char *d = NULL;
	struct stat st;

	if (e && *e)
		return strdup(e);
	if (asprintf(&d, "%s/../../profiles", fx && *fx ? fx : "tests/fixtures") < 0)
		return NULL;
	if (stat(d, &st) < 0 || !S_ISDIR(st.st_mode)) {
		free(d);
		return NULL;
	}
	return d;
}

/* Load every shipped profile (enforce-mode ones; "audit" is tested as its
 * parent in enforce mode, which is what audit would log). */
static void load_shipped(struct shipped *s)
{
	static const char *const names[] = {"default", "baseline", "restricted", "audit"};
	char *dirs[1];
	struct pal_conf conf = {0};

	memset(s, 0, sizeof(*s));
	s->dir = profiles_dir();
	if (!s->dir)
		return;
	dirs[0] = s->dir;
	conf.profile_dirs = dirs;
	conf.n_profile_dirs = 1;
	for (size_t i = 0; i < NELEM(names); i++) {
		pal_error err = {0};
		char *path;
		struct stat stt;

		if (asprintf(&path, "%s/%s.json", s->dir, names[i]) < 0)
			fail_msg("ENOMEM");
		if (stat(path, &stt) < 0) {
			free(path);
			continue;
		}
		free(path);
		if (pal_profile_load(&conf, names[i], &s->p[s->n], &err) < 0)
			fail_msg("shipped profile %s does not load: %s", names[i], err.msg);
		s->n++;
	}
}

static void free_shipped(struct shipped *s)
{
	for (size_t i = 0; i < s->n; i++)
		pal_profile_free(&s->p[i]);
	free(s->dir);
}

static yajl_val parse_text(const char *text, size_t len, const char *what)
{
	pal_error err = {0};
	yajl_val v = NULL;

	if (pal_json_parse(text, len, what, &v, &err) < 0) {
		fprintf(stderr, "# generated %s is not valid JSON (generator bug): %s\n%s\n", what,
		        err.msg, text);
		NL_CHECK(!"generator bug");
	}
	return v;
}

/* ------------------------------------------------------------- the property */

static void report(const struct stats *st, double secs)
{
	fprintf(stderr,
	        "# seed %#" PRIx64 ": %zu pairs in %.2f s: %zu rewritten, %zu refused, %zu errors; "
	        "%zu violations of %zu kinds\n",
	        st->seed, st->pairs, secs, st->ok, st->refused, st->errors, st->violations,
	        st->nkinds);
	for (size_t i = 0; i < NELEM(rules); i++)
		if (st->refused_by[i])
			fprintf(stderr,
			        "#   refused by %-18s %6zu (unjustified by the model: %zu)\n",
			        rules[i]->name, st->refused_by[i], st->unjustified_by[i]);
	for (size_t i = 0; i < st->nkinds; i++)
		fprintf(stderr, "#   %6zu x %s\n#            first: %.400s\n", st->kinds[i].count,
		        st->kinds[i].key, st->kinds[i].example);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void run_specs(struct stats *st, const struct shipped *ship, uint64_t n, uint64_t only,
                      unsigned worker, unsigned nworkers)
{
	for (uint64_t i = worker; i < n; i += nworkers) {
		struct rng r = {.s = st->seed ^ (i * 0xd1b54a32d192ed03ULL)};
		struct sb sb = {0}, pb = {0};
		struct pal_profile rp = {0};
		yajl_val spec;

		if (only != UINT64_MAX && i != only)
			continue;
		gen_spec(&sb, &r);
		spec = parse_text(sb.buf, sb.len, "spec");
		gen_profile(&pb, &r);
		rp.name = "random";
		rp.tree = parse_text(pb.buf, pb.len, "profile");
		rp.mode = PAL_MODE_ENFORCE;
		check_pair(st, (size_t)i, spec, &rp);
		for (size_t k = 0; k < ship->n; k++)
			check_pair(st, (size_t)i, spec, &ship->p[k]);
		yajl_tree_free(rp.tree);
		yajl_tree_free(spec);
		free(sb.buf);
		free(pb.buf);
	}
	st->asked = priv_kernel_asked;
	st->probes = priv_kernel_probes;
	st->timeouts = priv_kernel_timeouts;
}

/* Add worker W's findings to T; of two examples of a kind the one of the
 * lower spec number stays, so the report does not depend on scheduling. */
static void merge(struct stats *t, const struct stats *w)
{
	t->pairs += w->pairs;
	t->ok += w->ok;
	t->refused += w->refused;
	t->errors += w->errors;
	t->violations += w->violations;
	t->asked += w->asked;
	t->probes += w->probes;
	t->timeouts += w->timeouts;
	for (size_t i = 0; i < NELEM(rules); i++) {
		t->refused_by[i] += w->refused_by[i];
		t->unjustified_by[i] += w->unjustified_by[i];
	}
	for (size_t i = 0; i < w->nkinds; i++) {
		struct kind *k = NULL;
		for (size_t j = 0; j < t->nkinds && !k; j++)
			if (!strcmp(t->kinds[j].key, w->kinds[i].key))
				k = &t->kinds[j];
		if (!k) {
			if (t->nkinds == MAX_KINDS)
				continue;
			t->kinds[t->nkinds++] = w->kinds[i];
			continue;
		}
		k->count += w->kinds[i].count;
		if (w->kinds[i].first_spec < k->first_spec) {
			memcpy(k->example, w->kinds[i].example, sizeof(k->example));
			k->first_spec = w->kinds[i].first_spec;
		}
	}
}

static int cmp_kind(const void *a, const void *b)
{
	const struct kind *x = a, *y = b;

	return (x->first_spec > y->first_spec) - (x->first_spec < y->first_spec);
}

static void never_loosen(void **state)
{
	uint64_t n = env_u64("PAL_SPECS", 10000);
	uint64_t only = env_u64("PAL_ONLY", UINT64_MAX);
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned nw = (unsigned)env_u64("PAL_JOBS", cpus < 1 ? 1 : cpus > 8 ? 8 : (uint64_t)cpus);
	struct stats *ws, *total = calloc(1, sizeof(*total));
	struct shipped ship;
	double t0 = now();
	bool crashed = false;
	(void)state;

	NL_CHECK(total != NULL);
	if (only != UINT64_MAX || nw < 1)
		nw = 1;
	ws =
	    mmap(NULL, nw * sizeof(*ws), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	NL_CHECK(ws != MAP_FAILED);
	memset(ws, 0, nw * sizeof(*ws));
	total->seed = env_u64("PAL_SEED", 0x5eed);
	load_shipped(&ship);
	if (!ship.n)
		fprintf(stderr,
		        "# no shipped profiles found (PAL_PROFILES): random profiles only\n");
	/* workers: the specs are independent, and fork keeps the engine's and
	 * the model's static state private to each */
	for (unsigned w = 0; w < nw; w++) {
		pid_t pid = fork();
		NL_CHECK(pid >= 0);
		if (pid == 0) {
			static const int sigs[] = {SIGSYS, SIGSEGV, SIGILL,
			                           SIGFPE, SIGBUS,  SIGABRT};
			for (size_t i = 0; i < NELEM(sigs); i++)
				signal(sigs[i], SIG_DFL);
			in_worker = true;
			ws[w].seed = total->seed;
			ws[w].verbose = getenv("PAL_NL_VERBOSE") != NULL;
			ws[w].show = getenv("PAL_NL_SHOW") != NULL;
			run_specs(&ws[w], &ship, n, only, w, nw);
			fflush(stderr);
			_exit(0);
		}
	}
	for (unsigned w = 0; w < nw; w++) {
		int status;
		pid_t pid = wait(&status);
		NL_CHECK(pid > 0);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			fprintf(stderr,
			        "# a worker died (status %#x): its specs are not all checked\n",
			        status);
			crashed = true;
		}
	}
	for (unsigned w = 0; w < nw; w++)
		merge(total, &ws[w]);
	munmap(ws, nw * sizeof(*ws));
	qsort(total->kinds, total->nkinds, sizeof(total->kinds[0]), cmp_kind);
	report(total, now() - t0);
	fprintf(
	    stderr,
	    "# %u workers; %zu ambiguous seccomp comparisons settled by the kernel (%zu probes, "
	    "%zu timed out)\n",
	    nw, total->asked, total->probes, total->timeouts);
	free_shipped(&ship);
	if (total->nkinds || crashed) {
		fprintf(stderr, "# replay one: PAL_SEED=%#" PRIx64 " PAL_ONLY=<spec>\n",
		        total->seed);
		free(total);
		fail_msg("never-loosen: violations (see above)");
	}
	free(total);
}

/* ------------------------------------------------------------- the model vs the kernel */

/* What a call is seen to do: executed, failed with an errno, killed. */
#define OBS_EXEC     0
#define OBS_ERRNO(e) (1000 + (e))
#define OBS_SIGSYS   2000

#define KERNEL_TIMEOUT 2 /* seconds for libseccomp to build and load a filter */

static int expected_obs(uint32_t act)
{
	switch (act & 0xffff0000u) {
	case SCMP_ACT_ALLOW:
	case SCMP_ACT_LOG:
		return OBS_EXEC;
	case SCMP_ACT_ERRNO(0):
		return OBS_ERRNO((int)(act & 0xffff));
	case SCMP_ACT_TRACE(0):
		return OBS_ERRNO(ENOSYS); /* no tracer attached */
	default:
		return OBS_SIGSYS;
	}
}

struct kjob {
	int nr;
	uint64_t a[6];
};

/* Load F in a child and make each call of JOBS in a grandchild of its own
 * (a call may kill); OBS gets what was seen.  Returns 0, or -errno from
 * loading the filter. */
static int kernel_run(const struct priv_filter *f, const struct kjob *jobs, size_t n, int *obs)
{
	size_t sz = (n + 1) * sizeof(int);
	int *shared = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	/* exit_group, clone, wait4: the child's own; munmap, brk, madvise:
	 * free() inside seccomp_load() after the filter is live (a TRAP there
	 * killed the child now and then, depending on the heap) */
	const int keep[] = {
	    SCMP_SYS(exit_group), SCMP_SYS(exit), SCMP_SYS(clone),   SCMP_SYS(wait4),
	    SCMP_SYS(munmap),     SCMP_SYS(brk),  SCMP_SYS(madvise), -1};
	int status, rc;
	pid_t pid;

	assert_true(shared != MAP_FAILED);
	shared[n] = 1;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* cmocka catches SIGSYS (TRAP) and would carry on running the
		 * tests in this child: the default action is what is observed */
		static const int sigs[] = {SIGSYS, SIGSEGV, SIGILL, SIGFPE, SIGBUS};
		for (size_t i = 0; i < NELEM(sigs); i++)
			signal(sigs[i], SIG_DFL);
		alarm(KERNEL_TIMEOUT); /* libseccomp can take exponential time */
		rc = priv_filter_load(f, keep);
		if (rc < 0) {
			shared[n] = rc;
			_exit(0);
		}
		/* from here on: raw system calls only, the filter is live */
		for (size_t i = 0; i < n; i++) {
			shared[n] = 100000 + (int)i; /* progress, for a post-mortem */
			long g = syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
			if (g == 0) {
				long r =
				    syscall(jobs[i].nr, jobs[i].a[0], jobs[i].a[1], jobs[i].a[2],
				            jobs[i].a[3], jobs[i].a[4], jobs[i].a[5]);
				int e = errno;
				syscall(SYS_exit_group, r >= 0 ? 0 : (e > 0 && e < 255 ? e : 255));
			}
			if (g < 0 || syscall(SYS_wait4, g, &status, 0, 0) < 0) {
				shared[i] = -1;
				continue;
			}
			if (WIFSIGNALED(status))
				shared[i] =
				    WTERMSIG(status) == SIGSYS ? OBS_SIGSYS : -WTERMSIG(status);
			else {
				int c = WEXITSTATUS(status);
				shared[i] =
				    (c == 0 || c == ESRCH || c == EINVAL) ? OBS_EXEC : OBS_ERRNO(c);
			}
		}
		shared[n] = 0;
		syscall(SYS_exit_group, 0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	rc = shared[n];
	if (WIFSIGNALED(status)) {
		rc = WTERMSIG(status) == SIGALRM ? -ETIMEDOUT : -EINTR;
		if (rc == -EINTR)
			fprintf(stderr, "# kernel_run: child killed by signal %d after %d calls\n",
			        WTERMSIG(status), shared[n]);
	}
	memcpy(obs, shared, n * sizeof(int));
	munmap(shared, sz);
	return rc;
}

struct kstats {
	size_t filters, calls, disagree, skipped, ambiguous, timeouts;
	double slowest; /* seconds: load plus the calls */
	char slowest_what[64];
};

#define STR_(x) #x
#define STR(x)  STR_(x)

/* Check F's model against the kernel on the harmless probes. */
static void kernel_check(struct kstats *ks, const struct priv_filter *f, const char *what,
                         yajl_val json)
{
	bool shown = false;
	double t0, t1;
	struct kjob jobs[160];
	int obs[160];
	size_t n = 0;
	char b1[32];
	int rc;

	if (priv_filter_has_notify(f)) {
		ks->skipped++;
		return;
	}
	for (size_t p = 0; p < NELEM(probe_calls); p++) {
		int nr = priv_syscall_nr(probe_calls[p]);
		size_t nv;
		uint64_t(*v)[6] = priv_filter_argvecs(&f, 1, nr, &nv);

		assert_non_null(v);
		for (size_t i = 0; i < nv && i < 10 && n < NELEM(jobs); i++) {
			jobs[n].nr = nr;
			memcpy(jobs[n].a, v[i], sizeof(jobs[n].a));
			n++;
		}
		free(v);
	}
	t0 = now();
	rc = kernel_run(f, jobs, n, obs);
	t1 = now() - t0;
	if (t1 > ks->slowest) {
		ks->slowest = t1;
		snprintf(ks->slowest_what, sizeof(ks->slowest_what), "%s", what);
	}
	if (rc == -ETIMEDOUT) {
		/* not the model's business: never_loosen reports such outputs */
		ks->timeouts++;
		fprintf(stderr,
		        "# KERNEL: %s: libseccomp took more than " STR(
		            KERNEL_TIMEOUT) " s to load the filter (skipped)\n",
		        what);
		return;
	}
	if (rc < 0) {
		char *j = compact(json);
		/* libseccomp refused what the model accepted */
		ks->disagree++;
		fprintf(stderr, "# KERNEL: %s: libseccomp %s the filter: %s\n#   filter: %s\n",
		        what,
		        rc == -ETIMEDOUT ? "took more than " STR(KERNEL_TIMEOUT) " s to load"
		                         : "refuses",
		        strerror(-rc), j ? j : "?");
		free(j);
		return;
	}
	ks->filters++;
	for (size_t i = 0; i < n; i++) {
		struct priv_outcome o;
		bool ok = false;

		priv_filter_eval(f, jobs[i].nr, jobs[i].a, &o);
		for (size_t k = 0; k < o.n && !ok; k++)
			ok = expected_obs(o.act[k]) == obs[i];
		if (ok && o.n > 1) {
			/* ambiguous: the transplanted probe must find what happened */
			uint32_t act;
			ks->ambiguous++;
			ok = priv_filter_kernel_action(f, jobs[i].nr, jobs[i].a, &act) == 0 &&
			     expected_obs(act) == obs[i];
		}
		ks->calls++;
		if (!ok) {
			char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_X86_64, jobs[i].nr);
			ks->disagree++;
			if (ks->disagree <= 10)
				fprintf(stderr,
				        "# KERNEL: %s: %s(%#" PRIx64 ", %#" PRIx64 ", %#" PRIx64
				        "): kernel %d, model %s%s\n",
				        what, name ? name : "?", jobs[i].a[0], jobs[i].a[1],
				        jobs[i].a[2], obs[i],
				        priv_action_name(o.act[0], b1, sizeof(b1)),
				        o.n > 1 ? " (or others)" : "");
			free(name);
			if (!shown && ks->disagree <= 10) {
				char *j = compact(json);
				fprintf(stderr, "#   filter: %s\n", j ? j : "?");
				free(j);
				shown = true;
			}
		}
	}
}

static void kernel_agrees(void **state)
{
	struct kstats ks = {0};
	struct shipped ship;
	uint64_t seed = env_u64("PAL_SEED", 0x5eed);
	uint64_t n = env_u64("PAL_KERNEL_SPECS", 300);
	uint64_t only = env_u64("PAL_ONLY", UINT64_MAX);
	double t0 = now();
	char why[160];
	(void)state;

	load_shipped(&ship);
	if (only != UINT64_MAX)
		n = only + 1;
	for (uint64_t i = 0; i < n; i++) {
		struct rng r = {.s = seed ^ (i * 0xd1b54a32d192ed03ULL)};
		struct sb sb = {0}, pb = {0};
		struct pal_profile rp = {.name = "random", .mode = PAL_MODE_ENFORCE};
		const struct pal_profile *ps[2] = {&rp, ship.n ? &ship.p[i % ship.n] : NULL};
		yajl_val spec;
		struct priv_filter *f;
		char what[64];

		if (only != UINT64_MAX && i != only)
			continue;
		gen_spec(&sb, &r);
		spec = parse_text(sb.buf, sb.len, "spec");
		gen_profile(&pb, &r);
		rp.tree = parse_text(pb.buf, pb.len, "profile");
		f = priv_filter_compile(pal_json_getp(spec, "linux", "seccomp", NULL), why,
		                        sizeof(why));
		if (f && !pal_json_getp(spec, "linux", "seccomp", NULL)) {
			priv_filter_free(f);
			f = NULL; /* no filter: nothing to compare */
		}
		if (f) {
			snprintf(what, sizeof(what), "spec #%" PRIu64 " input", i);
			kernel_check(&ks, f, what, pal_json_getp(spec, "linux", "seccomp", NULL));
			priv_filter_free(f);
		}
		for (size_t k = 0; k < 2; k++) {
			struct pal_rewrite_ctx ctx;
			yajl_val out;
			pal_error err = {0};

			if (!ps[k])
				continue;
			nl_notify = i % 3 == 0;
			ctx = make_ctx(ps[k]);
			out = pal_json_dup(spec);
			assert_non_null(out);
			if (pal_rewrite(&ctx, out, &err) == 0 &&
			    pal_json_getp(out, "linux", "seccomp", NULL)) {
				f = priv_filter_compile(
				    pal_json_getp(out, "linux", "seccomp", NULL), why, sizeof(why));
				if (f) {
					snprintf(what, sizeof(what),
					         "spec #%" PRIu64 " output under %s", i,
					         ps[k]->name);
					kernel_check(&ks, f, what,
					             pal_json_getp(out, "linux", "seccomp", NULL));
					priv_filter_free(f);
				}
			}
			yajl_tree_free(out);
		}
		yajl_tree_free(rp.tree);
		yajl_tree_free(spec);
		free(sb.buf);
		free(pb.buf);
	}
	free_shipped(&ship);
	fprintf(
	    stderr,
	    "# kernel check: %zu filters loaded, %zu calls (%zu ambiguous in the model, settled "
	    "by the getppid probe), %zu disagreements, %zu skipped (notify), %zu too slow to "
	    "load, %.2f s\n",
	    ks.filters, ks.calls, ks.ambiguous, ks.disagree, ks.skipped, ks.timeouts, now() - t0);
	fprintf(stderr, "# slowest filter: %s, %.3f s\n", ks.slowest_what, ks.slowest);
	assert_true(ks.filters > 0);
	assert_int_equal(ks.disagree, 0);
}

/* ------------------------------------------------------------- the model itself */

struct model_case {
	const char *name;
	const char *in, *out, *profile; /* profile NULL: check OUT <= IN */
	const char *want;               /* section of the (only) violation, NULL: none */
};

#define CAPS(x) "{\"process\":{\"capabilities\":{\"bounding\":[" x "]}}}"
#define SC(x)   "{\"linux\":{\"seccomp\":" x "}}"
#define DENY_KEYCTL                                                                                \
	"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"keyctl\"],\"action\":"  \
	"\"SCMP_ACT_ERRNO\"}]}"

#define OWN_HOOK(w)                                                                           \
	"{\"path\":\"" SBINDIR "/palisade\",\"args\":[\"palisade\",\"hook\",\"" w "\","       \
	"\"--root\",\"/run/runc\"],\"timeout\":30}"
#define OWN_HOOKS                                                                             \
	"{\"hooks\":{\"createRuntime\":[" OWN_HOOK("create-runtime") "],\"poststop\":[" OWN_HOOK( \
	    "poststop") "]}}"
#define BPF_PROFILE "{\"bpf\":{\"lsm\":\"optional\",\"mount\":\"deny\"}}"

static const struct model_case model_cases[] = {
    /* Palisade's own BPF hooks add nothing; a look-alike does; a profile
     * with BPF rules needs them */
    {"own hooks added", "{}", OWN_HOOKS, NULL, NULL},
    {"look-alike hook added", "{}",
     "{\"hooks\":{\"prestart\":[{\"path\":\"" SBINDIR "/palisade\",\"args\":[\"palisade\","
     "\"hook\",\"create-runtime\",\"--root\",\"/x\"],\"env\":[\"LD_PRELOAD=/x\"],"
     "\"timeout\":30}]}}",
     NULL, "hooks"},
    {"bpf profile, hooks present", NULL, OWN_HOOKS, BPF_PROFILE, NULL},
    {"bpf profile, hooks missing", NULL, "{}", BPF_PROFILE, "bpf"},
    {"bpf profile, all off", NULL, "{}", "{\"bpf\":{\"mount\":\"off\",\"lsm\":\"required\"}}", NULL},
    {"caps equal", CAPS("\"CAP_KILL\""), CAPS("\"CAP_KILL\""), NULL, NULL},
    {"caps fewer", CAPS("\"CAP_KILL\",\"CAP_CHOWN\""), CAPS("\"CAP_KILL\""), NULL, NULL},
    {"cap added", CAPS("\"CAP_KILL\""), CAPS("\"CAP_KILL\",\"CAP_SYS_ADMIN\""), NULL,
     "capabilities"},
    {"capabilities removed = none (runc 1.1)", CAPS("\"CAP_KILL\""), "{\"process\":{}}", NULL,
     NULL},
    {"capabilities added to none", "{\"process\":{}}", CAPS("\"CAP_KILL\""), NULL, "capabilities"},
    {"nnp turned off", "{\"process\":{\"noNewPrivileges\":true}}",
     "{\"process\":{\"noNewPrivileges\":false}}", NULL, "no_new_privileges"},
    {"nnp turned on", "{\"process\":{}}", "{\"process\":{\"noNewPrivileges\":true}}", NULL, NULL},
    {"user changed", "{\"process\":{\"user\":{\"uid\":0,\"gid\":0}}}",
     "{\"process\":{\"user\":{\"uid\":1000,\"gid\":0}}}", NULL, "user"},
    {"ns path changed", "{\"linux\":{\"namespaces\":[{\"type\":\"network\"}]}}",
     "{\"linux\":{\"namespaces\":[{\"type\":\"network\",\"path\":\"/proc/1/ns/net\"}]}}", NULL,
     "namespaces"},
    {"ns dropped", "{\"linux\":{\"namespaces\":[{\"type\":\"pid\"}]}}",
     "{\"linux\":{\"namespaces\":[]}}", NULL, "namespaces"},
    {"ns added", "{\"linux\":{\"namespaces\":[]}}",
     "{\"linux\":{\"namespaces\":[{\"type\":\"pid\"}]}}", NULL, NULL},
    {"mount nosuid dropped",
     "{\"mounts\":[{\"destination\":\"/m\",\"type\":\"bind\",\"source\":\"/"
     "s\",\"options\":[\"rbind\",\"nosuid\"]}]}",
     "{\"mounts\":[{\"destination\":\"/m\",\"type\":\"bind\",\"source\":\"/"
     "s\",\"options\":[\"rbind\"]}]}",
     NULL, "mounts"},
    {"mount rw added",
     "{\"mounts\":[{\"destination\":\"/m\",\"type\":\"bind\",\"source\":\"/"
     "s\",\"options\":[\"ro\"]}]}",
     "{\"mounts\":[{\"destination\":\"/m\",\"type\":\"bind\",\"source\":\"/"
     "s\",\"options\":[\"ro\",\"rw\"]}]}",
     NULL, "mounts"},
    {"mount shared dropped, nodev added",
     "{\"mounts\":[{\"destination\":\"/m\",\"type\":\"bind\",\"source\":\"/"
     "s\",\"options\":[\"rbind\",\"rshared\"]}]}",
     "{\"mounts\":[{\"destination\":\"/m\",\"type\":\"bind\",\"source\":\"/"
     "s\",\"options\":[\"rbind\",\"nodev\",\"rprivate\"]}]}",
     NULL, NULL},
    {"mount added", "{\"mounts\":[]}",
     "{\"mounts\":[{\"destination\":\"/m\",\"type\":\"bind\",\"source\":\"/"
     "\",\"options\":[\"rbind\"]}]}",
     NULL, "mounts"},
    {"masked path dropped", "{\"linux\":{\"maskedPaths\":[\"/proc/kcore\"]}}",
     "{\"linux\":{\"maskedPaths\":[]}}", NULL, "maskedPaths"},
    {"readonly path dropped", "{\"linux\":{\"readonlyPaths\":[\"/proc/sys\"]}}", "{\"linux\":{}}",
     NULL, "readonlyPaths"},
    {"device node added", "{\"linux\":{}}",
     "{\"linux\":{\"devices\":[{\"path\":\"/dev/mem\",\"type\":\"c\",\"major\":1,\"minor\":1}]}}",
     NULL, "devices"},
    {"devcg deny-all dropped",
     "{\"linux\":{\"resources\":{\"devices\":[{\"allow\":false,\"access\":\"rwm\"}]}}}",
     "{\"linux\":{\"resources\":{\"devices\":[]}}}", NULL, "devices"},
    {"devcg allow narrowed",
     "{\"linux\":{\"resources\":{\"devices\":[{\"allow\":false,\"access\":\"rwm\"},{\"allow\":true,"
     "\"type\":\"c\",\"major\":10,\"access\":\"rwm\"}]}}}",
     "{\"linux\":{\"resources\":{\"devices\":[{\"allow\":false,\"access\":\"rwm\"},{\"allow\":true,"
     "\"type\":\"c\",\"major\":10,\"minor\":229,\"access\":\"rw\"}]}}}",
     NULL, NULL},
    {"sysctl added", "{\"linux\":{\"sysctl\":{}}}",
     "{\"linux\":{\"sysctl\":{\"kernel.core_pattern\":\"|/x\"}}}", NULL, "sysctls"},
    {"rlimit raised",
     "{\"process\":{\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"soft\":1024,\"hard\":1024}]}}",
     "{\"process\":{\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"soft\":1024,\"hard\":4096}]}}", NULL,
     "rlimits"},
    {"rlimit dropped",
     "{\"process\":{\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"soft\":1024,\"hard\":1024}]}}",
     "{\"process\":{\"rlimits\":[]}}", NULL, "rlimits"},
    {"rlimit u64 max kept",
     "{\"process\":{\"rlimits\":[{\"type\":\"RLIMIT_AS\",\"soft\":18446744073709551615,\"hard\":"
     "18446744073709551615}]}}",
     "{\"process\":{\"rlimits\":[{\"type\":\"RLIMIT_AS\",\"soft\":4096,\"hard\":"
     "18446744073709551615}]}}",
     NULL, NULL},
    {"hook added", "{\"hooks\":{}}", "{\"hooks\":{\"prestart\":[{\"path\":\"/tmp/evil\"}]}}", NULL,
     "hooks"},
    {"readonly off", "{\"root\":{\"readonly\":true}}", "{\"root\":{\"readonly\":false}}", NULL,
     "rootfs"},
    {"seccomp deny removed", SC(DENY_KEYCTL),
     SC("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[]}"), NULL, "seccomp"},
    {"seccomp filter removed", SC(DENY_KEYCTL), "{\"linux\":{}}", NULL, "seccomp"},
    {"seccomp same", SC(DENY_KEYCTL), SC(DENY_KEYCTL), NULL, NULL},
    {"seccomp errno changed", SC(DENY_KEYCTL),
     SC("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"keyctl\"],\"action\":"
        "\"SCMP_ACT_KILL_PROCESS\"}]}"),
     NULL, NULL},
    {"seccomp conditional allow widened",
     SC("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"personality\"],"
        "\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":8,\"op\":\"SCMP_CMP_EQ\"}]}"
        "]}"),
     SC("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"personality\"],"
        "\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":8,\"op\":\"SCMP_CMP_LE\"}]}"
        "]}"),
     NULL, "seccomp"},
    {"seccomp trace -> allow",
     SC("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"ptrace\"],\"action\":"
        "\"SCMP_ACT_TRACE\"}]}"),
     SC("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[]}"), NULL, "seccomp"},
    {"seccomp repeated index is OR (runc)",
     SC("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"personality\"],"
        "\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":0,\"op\":\"SCMP_CMP_EQ\"},{"
        "\"index\":0,\"value\":8,\"op\":\"SCMP_CMP_EQ\"}]}]}"),
     SC("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"personality\"],"
        "\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":8,\"op\":\"SCMP_CMP_EQ\"}]}"
        ",{\"names\":[\"personality\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,"
        "\"value\":0,\"op\":\"SCMP_CMP_EQ\"}]}]}"),
     NULL, NULL},
    {"seccomp spec_allow flag added", SC(DENY_KEYCTL),
     SC("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"flags\":[\"SECCOMP_FILTER_FLAG_SPEC_ALLOW\"],"
        "\"syscalls\":[{\"names\":[\"keyctl\"],\"action\":\"SCMP_ACT_ERRNO\"}]}"),
     NULL, "seccomp"},
    /* against a profile */
    {"profile caps", NULL, CAPS("\"CAP_KILL\",\"CAP_NET_RAW\""),
     "{\"capabilities\":{\"allow\":[\"CAP_KILL\"]}}", "capabilities"},
    {"profile caps absent = none", NULL, "{\"process\":{}}",
     "{\"capabilities\":{\"allow\":[\"CAP_KILL\"]}}", NULL},
    {"profile nnp", NULL, "{\"process\":{}}", "{\"noNewPrivileges\":true}", "no_new_privileges"},
    {"profile nonRoot", NULL, "{\"process\":{\"user\":{\"uid\":0}}}",
     "{\"user\":{\"nonRoot\":true}}", "user"},
    {"profile nonRoot ok", NULL, "{\"process\":{\"user\":{\"uid\":1000}}}",
     "{\"user\":{\"nonRoot\":true}}", NULL},
    {"profile ns required", NULL, "{\"linux\":{\"namespaces\":[{\"type\":\"pid\"}]}}",
     "{\"namespaces\":{\"required\":[\"pid\",\"network\"]}}", "namespaces"},
    {"profile ns host path", NULL,
     "{\"linux\":{\"namespaces\":[{\"type\":\"network\",\"path\":\"/proc/1/ns/net\"}]}}",
     "{\"namespaces\":{\"required\":[\"network\"]}}", "namespaces"},
    {"profile ns left out, host allowed", NULL, "{\"linux\":{\"namespaces\":[]}}",
     "{\"namespaces\":{\"required\":[\"network\"],\"allowHost\":[\"network\"]}}", NULL},
    {"profile ns host path allowed", NULL,
     "{\"linux\":{\"namespaces\":[{\"type\":\"network\",\"path\":\"/proc/1/ns/net\"}]}}",
     "{\"namespaces\":{\"required\":[\"network\"],\"allowHost\":[\"network\"]}}", NULL},
    {"profile denied host path below", NULL,
     "{\"mounts\":[{\"destination\":\"/m\",\"type\":\"bind\",\"source\":\"/etc/"
     "ssl\",\"options\":[\"rbind\"]}]}",
     "{\"mounts\":{\"denyHostPaths\":[\"/etc\"]}}", "mounts"},
    {"profile root denies only root", NULL,
     "{\"mounts\":[{\"destination\":\"/m\",\"source\":\"/"
     "srv\",\"options\":[\"rbind\",\"nosuid\"]}]}",
     "{\"mounts\":{\"denyHostPaths\":[\"/\"],\"forceOptions\":[\"nosuid\"]}}", NULL},
    {"profile force options", NULL,
     "{\"mounts\":[{\"destination\":\"/m\",\"source\":\"/srv\",\"options\":[\"rbind\"]}]}",
     "{\"mounts\":{\"forceOptions\":[\"nosuid\"]}}", "mounts"},
    {"profile sysctl prefix", NULL, "{\"linux\":{\"sysctl\":{\"net.ipv4.conf.all.x\":\"1\"}}}",
     "{\"sysctls\":{\"allow\":[],\"allowPrefixes\":[\"net.ipv4.conf.\"]}}", NULL},
    {"profile sysctl denied", NULL, "{\"linux\":{\"sysctl\":{\"kernel.core_pattern\":\"1\"}}}",
     "{\"sysctls\":{\"allow\":[],\"allowPrefixes\":[\"net.\"]}}", "sysctls"},
    {"profile rlimit max", NULL,
     "{\"process\":{\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"soft\":1024,\"hard\":8192}]}}",
     "{\"rlimits\":{\"max\":{\"RLIMIT_NOFILE\":{\"soft\":1024,\"hard\":4096}}}}", "rlimits"},
    {"profile hooks", NULL, "{\"hooks\":{\"prestart\":[{\"path\":\"/tmp/evil\"}]}}",
     "{\"hooks\":{\"allow\":[]}}", "hooks"},
    {"profile readonly", NULL, "{\"root\":{}}", "{\"rootfs\":{\"readonly\":true}}", "rootfs"},
    {"profile seccomp absent filter", NULL, "{\"linux\":{}}",
     "{\"seccomp\":{\"allow\":[\"read\"]}}", "seccomp"},
    {"profile seccomp within", NULL,
     SC("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"],\"action\":"
        "\"SCMP_ACT_ALLOW\"},{\"names\":[\"personality\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{"
        "\"index\":0,\"value\":8,\"op\":\"SCMP_CMP_EQ\"}]}]}"),
     "{\"seccomp\":{\"allow\":[\"read\"],\"conditional\":[{\"names\":[\"personality\"],\"args\":[{"
     "\"index\":0,\"value\":8,\"op\":\"SCMP_CMP_EQ\"}]}]}}",
     NULL},
    {"profile seccomp conditional made unconditional", NULL,
     SC("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"personality\"],"
        "\"action\":\"SCMP_ACT_ALLOW\"}]}"),
     "{\"seccomp\":{\"allow\":[],\"conditional\":[{\"names\":[\"personality\"],\"args\":[{"
     "\"index\":0,\"value\":8,\"op\":\"SCMP_CMP_EQ\"}]}]}}",
     "seccomp"},
};

static yajl_val model_parse(const char *s)
{
	return parse_text(s, strlen(s), "model case");
}

static void model_cases_hold(void **state)
{
	(void)state;
	for (size_t i = 0; i < NELEM(model_cases); i++) {
		const struct model_case *c = &model_cases[i];
		yajl_val out = model_parse(c->out);
		yajl_val other = model_parse(c->profile ? c->profile : c->in);
		struct priv_result r = {0};

		if (c->profile)
			priv_le_profile(out, other, &r);
		else
			priv_le_input(out, other, &r);
		if (!c->want && r.total)
			fail_msg("model case \"%s\": unexpected violation %s: %s", c->name,
			         r.v[0].section, r.v[0].msg);
		if (c->want) {
			if (r.total == 0)
				fail_msg("model case \"%s\": no violation, want %s", c->name,
				         c->want);
			for (size_t k = 0; k < r.n; k++)
				if (strcmp(r.v[k].section, c->want) != 0)
					fail_msg(
					    "model case \"%s\": violation in %s (%s), want only %s",
					    c->name, r.v[k].section, r.v[k].msg, c->want);
		}
		yajl_tree_free(out);
		yajl_tree_free(other);
	}
}

/* The libseccomp behaviours the model encodes, measured on this kernel. */
static void model_seccomp_semantics(void **state)
{
	static const struct {
		const char *filter;
		uint64_t a0, a1;
		int want; /* observation */
	} cases[] = {
	    /* an unconditional rule beats a conditional one, in either order */
	    {"[{\"names\":[\"getpriority\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":13,\"args\":"
	     "[{\"index\":0,\"value\":0,\"op\":\"SCMP_CMP_EQ\"}]},"
	     "{\"names\":[\"getpriority\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":95}]",
	     0, 0, OBS_ERRNO(95)},
	    {"[{\"names\":[\"getpriority\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":95},"
	     "{\"names\":[\"getpriority\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":13,\"args\":["
	     "{\"index\":0,\"value\":0,\"op\":\"SCMP_CMP_EQ\"}]}]",
	     0, 0, OBS_ERRNO(95)},
	    /* of two unconditional rules the first wins */
	    {"[{\"names\":[\"getpriority\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":95},"
	     "{\"names\":[\"getpriority\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":13}]",
	     0, 0, OBS_ERRNO(95)},
	    /* a repeated index is OR (runc splits the entry) */
	    {"[{\"names\":[\"getpriority\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":13,\"args\":"
	     "[{\"index\":0,\"value\":5,\"op\":\"SCMP_CMP_EQ\"},{\"index\":0,\"value\":0,\"op\":"
	     "\"SCMP_CMP_EQ\"}]}]",
	     0, 0, OBS_ERRNO(13)},
	    /* distinct indices are AND */
	    {"[{\"names\":[\"getpriority\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":13,\"args\":"
	     "[{\"index\":0,\"value\":0,\"op\":\"SCMP_CMP_EQ\"},{\"index\":1,\"value\":7,\"op\":"
	     "\"SCMP_CMP_EQ\"}]}]",
	     0, 0, OBS_EXEC},
	    /* masked: (arg & value) == valueTwo */
	    {"[{\"names\":[\"getpriority\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":13,\"args\":"
	     "[{\"index\":1,\"value\":4,\"valueTwo\":4,\"op\":\"SCMP_CMP_MASKED_EQ\"}]}]",
	     0, 6, OBS_ERRNO(13)},
	    /* ... and libseccomp masks valueTwo too: 1 & 20 == 0 */
	    {"[{\"names\":[\"getpriority\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":13,\"args\":"
	     "[{\"index\":1,\"value\":20,\"valueTwo\":1,\"op\":\"SCMP_CMP_MASKED_EQ\"}]}]",
	     0, 0, OBS_ERRNO(13)},
	    /* 64-bit unsigned comparison */
	    {"[{\"names\":[\"getpriority\"],\"action\":\"SCMP_ACT_KILL_PROCESS\",\"args\":[{"
	     "\"index\":1,\"value\":4294967296,\"op\":\"SCMP_CMP_GE\"}]}]",
	     0, 0xffffffff00000000ULL, OBS_SIGSYS},
	};
	char why[160], text[1024];
	(void)state;

	for (size_t i = 0; i < NELEM(cases); i++) {
		struct priv_filter *f;
		struct priv_outcome o;
		struct kjob job = {.nr = SCMP_SYS(getpriority), .a = {cases[i].a0, cases[i].a1}};
		int obs;
		yajl_val v;

		snprintf(text, sizeof(text),
		         "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":%s}", cases[i].filter);
		v = model_parse(text);
		f = priv_filter_compile(v, why, sizeof(why));
		if (!f)
			fail_msg("case %zu: model refuses: %s", i, why);
		priv_filter_eval(f, job.nr, job.a, &o);
		{
			bool among = false;
			for (size_t k = 0; k < o.n; k++)
				among = among || expected_obs(o.act[k]) == cases[i].want;
			if (!among || (o.n > 1 && !o.unreliable))
				fail_msg("case %zu: model says %d (of %zu), want %d", i,
				         expected_obs(o.act[0]), o.n, cases[i].want);
		}
		assert_int_equal(kernel_run(f, &job, 1, &obs), 0);
		if (obs != cases[i].want)
			fail_msg("case %zu: kernel says %d, want %d", i, obs, cases[i].want);
		{
			uint32_t act;
			assert_int_equal(priv_filter_kernel_action(f, job.nr, job.a, &act), 0);
			if (expected_obs(act) != cases[i].want)
				fail_msg("case %zu: getppid probe says %d, want %d", i,
				         expected_obs(act), cases[i].want);
		}
		priv_filter_free(f);
		yajl_tree_free(v);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(model_cases_hold),
	    cmocka_unit_test(model_seccomp_semantics),
	    cmocka_unit_test(kernel_agrees),
	    cmocka_unit_test(never_loosen),
	};

	return cmocka_run_group_tests_name("never_loosen", tests, NULL, NULL);
}
