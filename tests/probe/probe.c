/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * probe: a small static multi-call program copied into a container's rootfs
 * by the integration tests, to look at the container from inside (the idea
 * of crun's tests/init.c).  It depends on nothing in the image.
 *
 *   probe status                  the CapEff, CapBnd, CapPrm, NoNewPrivs and
 *                                 Seccomp lines of /proc/self/status
 *   probe syscall NAME [ARGS]     make one system call, print "ok" or
 *                                 "errno=N ENAME":
 *       get_mempolicy             query the calling thread's NUMA policy
 *       keyctl                    ask for the session keyring's id
 *       unshare NEWUSER|NEWNS|... unshare(2) with that CLONE_NEW* flag
 *       mount [TARGET]            make TARGET (default /) private, recursively
 *       personality N             personality(N); 0xffffffff only queries
 *       socket FAMILY TYPE [PROTO] numbers or AF_INET, AF_INET6, AF_UNIX,
 *                                 AF_NETLINK, AF_PACKET, AF_VSOCK, SOCK_STREAM,
 *                                 SOCK_DGRAM, SOCK_RAW; PROTO a number
 *                                 (default 0; an inet SOCK_RAW needs one)
 *       clone3                    raw clone3(2) of a child that exits at once
 *                                 (libc may not wrap it)
 *       syscall NUMBER            raw syscall NUMBER with zero arguments
 *                                 (an unknown number shows how the filter
 *                                 answers syscalls it does not name)
 *   probe write PATH              create/truncate PATH and write a byte
 *   probe open PATH               open PATH read-only
 *
 * For the BPF LSM cases (tests/vm), one command per hook:
 *   probe exec PATH [ARGS]        fork, execve PATH with ARGS (argv[0] PATH):
 *                                 the exec's errno, else the child's status
 *                                 ("exit=N" or "signal=N" when not 0)
 *   probe copyexec SRC DST        copy SRC to a new DST, chmod 0755, then as
 *                                 exec with the argument "true" (a file the
 *                                 container wrote itself: drift)
 *   probe true                    exit 0 (what copyexec of the probe runs)
 *   probe movemount SRC DST       open_tree(SRC, OPEN_TREE_CLONE) and
 *                                 move_mount(2) the clone onto DST (the new
 *                                 mount API: the LSM's move_mount hook)
 *   probe ptrace                  fork a sleeping child, PTRACE_ATTACH it,
 *                                 detach, kill it
 *   probe connect udp|tcp ADDR PORT  connect(2) to an IPv4 or IPv6 address
 *                                 (UDP sends nothing: no listener needed)
 *   probe flood udp|tcp ADDR PORT COUNT RATE
 *                                 COUNT connect(2) calls as above, paced at
 *                                 RATE a second (0: as fast as it can), on
 *                                 one socket while the calls fail with EPERM
 *                                 (a denied call leaves it unconnected): each
 *                                 call is one cgroup/connect event.  Prints
 *                                 "flood calls=N eperm=N other=N seconds=S
 *                                 rate=R" (R: calls a second achieved)
 *   probe bpf                     BPF_MAP_CREATE of a one-entry array
 *   probe setuid N [FROM]         setuid(N); with FROM, first become uid FROM
 *                                 keeping CAP_SETUID (keepcaps + capset), so
 *                                 that root can try the FROM -> N change
 *   probe modreq FAMILY           socket(FAMILY, SOCK_STREAM, 0) of a family
 *                                 no built-in code serves: the kernel asks
 *                                 for module net-pf-FAMILY (its errno is
 *                                 printed: not EPERM even when the request
 *                                 is denied, the kernel ignores that answer)
 *   probe sysctl NAME VALUE       write VALUE to /proc/sys/NAME (NAME with
 *                                 dots or slashes)
 *
 * Exit status: 0 ok, 1 the call failed (errno printed), 2 usage.
 * Everything is printed on stdout, one line per answer.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/capability.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef SYS_clone3
#define SYS_clone3 435
#endif
#ifndef AF_VSOCK
#define AF_VSOCK 40
#endif
/* The new mount API (Linux 5.2), spelled out: libc may lack it. */
#ifndef SYS_open_tree
#define SYS_open_tree 428
#endif
#ifndef SYS_move_mount
#define SYS_move_mount 429
#endif
#define PROBE_OPEN_TREE_CLONE         1
#define PROBE_MOVE_MOUNT_F_EMPTY_PATH 0x4

static const struct {
	int num;
	const char *name;
} errnos[] = {
    {EPERM, "EPERM"},
    {ENOENT, "ENOENT"},
    {ESRCH, "ESRCH"},
    {EINTR, "EINTR"},
    {EIO, "EIO"},
    {EBADF, "EBADF"},
    {ENOMEM, "ENOMEM"},
    {EACCES, "EACCES"},
    {EFAULT, "EFAULT"},
    {EBUSY, "EBUSY"},
    {EEXIST, "EEXIST"},
    {ENOTDIR, "ENOTDIR"},
    {EISDIR, "EISDIR"},
    {EINVAL, "EINVAL"},
    {ENOSPC, "ENOSPC"},
    {EROFS, "EROFS"},
    {ENOSYS, "ENOSYS"},
    {ENOTSUP, "EOPNOTSUPP"},
    {EPROTONOSUPPORT, "EPROTONOSUPPORT"},
    {ESOCKTNOSUPPORT, "ESOCKTNOSUPPORT"},
    {EAFNOSUPPORT, "EAFNOSUPPORT"},
    {EUSERS, "EUSERS"},
    {ENOKEY, "ENOKEY"},
    {EAGAIN, "EAGAIN"},
    {ENOEXEC, "ENOEXEC"},
    {ETXTBSY, "ETXTBSY"},
    {ENETUNREACH, "ENETUNREACH"},
    {ECONNREFUSED, "ECONNREFUSED"},
    {EADDRNOTAVAIL, "EADDRNOTAVAIL"},
    {ETIMEDOUT, "ETIMEDOUT"},
    {EHOSTUNREACH, "EHOSTUNREACH"},
};

static int report(long rc, int err)
{
	const char *name = "E?";

	if (rc >= 0) {
		puts("ok");
		return 0;
	}
	for (size_t i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++)
		if (errnos[i].num == err)
			name = errnos[i].name;
	printf("errno=%d %s\n", err, name);
	return 1;
}

static int usage(void)
{
	fputs("usage: probe status | syscall NAME [ARGS] | write PATH | open PATH\n"
	      "       | exec PATH [ARGS] | copyexec SRC DST | true | movemount SRC DST | ptrace\n"
	      "       | connect udp|tcp ADDR PORT | flood udp|tcp ADDR PORT COUNT RATE\n"
	      "       | bpf | setuid N [FROM] | modreq FAMILY\n"
	      "       | sysctl NAME VALUE\n",
	      stderr);
	return 2;
}

/* A number (any base strtoul takes) or one of NAMES. */
static int number(const char *s, const char *const *names, const long *values, size_t n,
                  unsigned long *out)
{
	char *end;

	for (size_t i = 0; i < n; i++)
		if (!strcmp(s, names[i])) {
			*out = (unsigned long)values[i];
			return 0;
		}
	errno = 0;
	*out = strtoul(s, &end, 0);
	return errno || end == s || *end ? -1 : 0;
}

static int status(void)
{
	static const char *const keys[] = {
	    "CapEff:", "CapBnd:", "CapPrm:", "NoNewPrivs:", "Seccomp:"};
	char line[256];
	FILE *f = fopen("/proc/self/status", "re");

	if (!f)
		return report(-1, errno);
	while (fgets(line, sizeof(line), f))
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			if (!strncmp(line, keys[i], strlen(keys[i])))
				fputs(line, stdout);
	fclose(f);
	return 0;
}

static int do_clone3(void)
{
	/* struct clone_args of Linux 5.3, spelled out: libc may lack it */
	struct {
		uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
	} args = {.exit_signal = SIGCHLD};
	long pid = syscall(SYS_clone3, &args, sizeof(args));
	int err = errno, st;

	if (pid == 0)
		syscall(SYS_exit_group, 0);
	if (pid > 0)
		waitpid((pid_t)pid, &st, 0);
	return report(pid, err);
}

static int do_syscall(int argc, char **argv)
{
	const char *name = argv[0];
	unsigned long a, b;
	long rc;

	if (!strcmp(name, "get_mempolicy")) {
		int mode;
		rc = syscall(SYS_get_mempolicy, &mode, NULL, 0UL, NULL, 0UL);
	} else if (!strcmp(name, "keyctl")) {
		/* KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, no create */
		rc = syscall(SYS_keyctl, 0, -3, 0);
	} else if (!strcmp(name, "unshare")) {
		static const char *const names[] = {"NEWUSER", "NEWNS",  "NEWNET",   "NEWPID",
		                                    "NEWUTS",  "NEWIPC", "NEWCGROUP"};
		static const long values[] = {CLONE_NEWUSER,  CLONE_NEWNS,  CLONE_NEWNET,
		                              CLONE_NEWPID,   CLONE_NEWUTS, CLONE_NEWIPC,
		                              CLONE_NEWCGROUP};
		if (argc < 2 || number(argv[1], names, values, 7, &a) < 0)
			return usage();
		rc = unshare((int)a);
	} else if (!strcmp(name, "mount")) {
		rc = mount(NULL, argc > 1 ? argv[1] : "/", NULL, MS_REC | MS_PRIVATE, NULL);
	} else if (!strcmp(name, "personality")) {
		if (argc < 2 || number(argv[1], NULL, NULL, 0, &a) < 0)
			return usage();
		rc = syscall(SYS_personality, a);
	} else if (!strcmp(name, "socket")) {
		static const char *const fam[] = {"AF_INET",    "AF_INET6",  "AF_UNIX",
		                                  "AF_NETLINK", "AF_PACKET", "AF_VSOCK"};
		static const long famv[] = {AF_INET,    AF_INET6,  AF_UNIX,
		                            AF_NETLINK, AF_PACKET, AF_VSOCK};
		static const char *const typ[] = {"SOCK_STREAM", "SOCK_DGRAM", "SOCK_RAW"};
		static const long typv[] = {SOCK_STREAM, SOCK_DGRAM, SOCK_RAW};
		unsigned long proto = 0;
		if (argc < 3 || number(argv[1], fam, famv, 6, &a) < 0 ||
		    number(argv[2], typ, typv, 3, &b) < 0 ||
		    (argc > 3 && number(argv[3], NULL, NULL, 0, &proto) < 0))
			return usage();
		rc = socket((int)a, (int)b, (int)proto);
	} else if (!strcmp(name, "clone3")) {
		return do_clone3();
	} else if (!strcmp(name, "syscall")) {
		if (argc < 2 || number(argv[1], NULL, NULL, 0, &a) < 0)
			return usage();
		rc = syscall((long)a, 0, 0, 0, 0, 0, 0);
	} else {
		return usage();
	}
	return report(rc, errno);
}

/* fork + execve ARGV[0]; a CLOEXEC pipe carries the exec's errno back, so
 * that a denied exec (the LSM's answer) is told from a program that ran
 * and failed. */
static int run_exec(char **argv)
{
	int pfd[2], err = 0, st;
	pid_t pid;
	ssize_t n;

	if (pipe2(pfd, O_CLOEXEC) < 0)
		return report(-1, errno);
	pid = fork();
	if (pid < 0) {
		err = errno;
		close(pfd[0]);
		close(pfd[1]);
		return report(-1, err);
	}
	if (pid == 0) {
		close(pfd[0]);
		execv(argv[0], argv);
		err = errno;
		if (write(pfd[1], &err, sizeof(err)) != sizeof(err))
			_exit(126);
		_exit(127);
	}
	close(pfd[1]);
	do
		n = read(pfd[0], &err, sizeof(err));
	while (n < 0 && errno == EINTR);
	close(pfd[0]);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return report(-1, errno);
	if (n == sizeof(err))
		return report(-1, err);
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return report(0, 0);
	if (WIFEXITED(st))
		printf("exit=%d\n", WEXITSTATUS(st));
	else
		printf("signal=%d\n", WTERMSIG(st));
	return 1;
}

static int copyexec(const char *src, const char *dst)
{
	char buf[65536], *args[] = {(char *)dst, "true", NULL};
	int in, out, err;
	ssize_t n;

	in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return report(-1, errno);
	out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0700);
	if (out < 0) {
		err = errno;
		close(in);
		return report(-1, err);
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n) {
			n = -1;
			break;
		}
	err = errno;
	close(in);
	if (n < 0) {
		close(out);
		return report(-1, err);
	}
	if (fchmod(out, 0755) < 0 || close(out) < 0)
		return report(-1, errno);
	return run_exec(args);
}

static int do_movemount(const char *src, const char *dst)
{
	long fd = syscall(SYS_open_tree, AT_FDCWD, src, PROBE_OPEN_TREE_CLONE | O_CLOEXEC);
	long rc;
	int err;

	if (fd < 0)
		return report(-1, errno);
	rc = syscall(SYS_move_mount, (int)fd, "", AT_FDCWD, dst, PROBE_MOVE_MOUNT_F_EMPTY_PATH);
	err = errno;
	close((int)fd);
	return report(rc, err);
}

static int do_ptrace(void)
{
	pid_t pid = fork();
	long rc;
	int err, st;

	if (pid < 0)
		return report(-1, errno);
	if (pid == 0) {
		for (;;)
			pause();
	}
	rc = ptrace(PTRACE_ATTACH, pid, NULL, NULL);
	err = errno;
	if (rc == 0) {
		waitpid(pid, &st, 0);
		ptrace(PTRACE_DETACH, pid, NULL, NULL);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	return report(rc, err);
}

/* PROTO ADDR PORT into a socket type and an address: -1 on bad usage. */
static int parse_dest(const char *proto, const char *addr, const char *port, int *type,
                      struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	unsigned long p;

	if (!strcmp(proto, "udp"))
		*type = SOCK_DGRAM;
	else if (!strcmp(proto, "tcp"))
		*type = SOCK_STREAM;
	else
		return -1;
	if (number(port, NULL, NULL, 0, &p) < 0 || p > 65535)
		return -1;
	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, addr, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)p);
		*len = sizeof(*s4);
	} else if (inet_pton(AF_INET6, addr, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)p);
		*len = sizeof(*s6);
	} else {
		return -1;
	}
	return 0;
}

static int do_connect(const char *proto, const char *addr, const char *port)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int type, fd, rc, err;

	if (parse_dest(proto, addr, port, &type, &ss, &len) < 0)
		return usage();
	fd = socket(ss.ss_family, type | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return report(-1, errno);
	rc = connect(fd, (struct sockaddr *)&ss, len);
	err = errno;
	close(fd);
	return report(rc, err);
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* The load generator of tests/bench/monitor.sh.  Call i starts no earlier
 * than t0 + i / RATE (busy-waiting: a sleep's wake-up latency is larger
 * than the gap at 100k calls a second); a generator that falls behind
 * catches up without waiting, so the average is RATE as long as the CPU
 * allows, and the rate printed is what was achieved. */
static int do_flood(char **argv)
{
	struct sockaddr_storage ss;
	unsigned long count, rate;
	unsigned long long eperm = 0, other = 0;
	uint64_t t0, t1;
	socklen_t len;
	int type, fd = -1;
	double secs;

	if (parse_dest(argv[0], argv[1], argv[2], &type, &ss, &len) < 0 ||
	    number(argv[3], NULL, NULL, 0, &count) < 0 || number(argv[4], NULL, NULL, 0, &rate) < 0)
		return usage();
	t0 = mono_ns();
	for (unsigned long i = 0; i < count; i++) {
		if (rate) {
			uint64_t due = t0 + (uint64_t)((unsigned __int128)i * 1000000000u / rate);
			while (mono_ns() < due)
				;
		}
		if (fd < 0) {
			fd = socket(ss.ss_family, type | SOCK_CLOEXEC, 0);
			if (fd < 0)
				return report(-1, errno);
		}
		if (connect(fd, (struct sockaddr *)&ss, len) < 0 && errno == EPERM) {
			eperm++;
			continue;
		}
		/* connected, or failed otherwise: a fresh socket for the next */
		other++;
		close(fd);
		fd = -1;
	}
	t1 = mono_ns();
	if (fd >= 0)
		close(fd);
	secs = (double)(t1 - t0) / 1e9;
	printf("flood calls=%lu eperm=%llu other=%llu seconds=%.6f rate=%.0f\n", count, eperm,
	       other, secs, secs > 0 ? (double)count / secs : 0.0);
	return 0;
}

static int do_bpf(void)
{
	union bpf_attr attr;
	long fd;
	int err;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = BPF_MAP_TYPE_ARRAY;
	attr.key_size = 4;
	attr.value_size = 4;
	attr.max_entries = 1;
	fd = syscall(SYS_bpf, BPF_MAP_CREATE, &attr, sizeof(attr));
	err = errno;
	if (fd >= 0)
		close((int)fd);
	return report(fd, err);
}

/* With FROM: keep the permitted set across setresuid(FROM) (keepcaps) and
 * raise CAP_SETUID into the effective set again (capset, no libcap). */
static int do_setuid(int argc, char **argv)
{
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct data[2];
	unsigned long to, from;

	if (number(argv[0], NULL, NULL, 0, &to) < 0)
		return usage();
	if (argc > 1) {
		if (number(argv[1], NULL, NULL, 0, &from) < 0)
			return usage();
		if (prctl(PR_SET_KEEPCAPS, 1L, 0L, 0L, 0L) < 0 ||
		    setresuid((uid_t)from, (uid_t)from, (uid_t)from) < 0 ||
		    syscall(SYS_capget, &hdr, data) < 0)
			return report(-1, errno);
		data[0].effective |= 1U << CAP_SETUID;
		if (syscall(SYS_capset, &hdr, data) < 0)
			return report(-1, errno);
	}
	/* the call first: argument evaluation order is unspecified */
	long rc = setuid((uid_t)to);
	return report(rc, errno);
}

static int do_modreq(const char *family)
{
	unsigned long f;
	int fd, err;

	if (number(family, NULL, NULL, 0, &f) < 0)
		return usage();
	fd = socket((int)f, SOCK_STREAM | SOCK_CLOEXEC, 0);
	err = errno;
	if (fd >= 0)
		close(fd);
	return report(fd, err);
}

static int do_sysctl(const char *name, const char *value)
{
	char path[512];
	size_t len = strlen(value);
	int fd, n, err;

	n = snprintf(path, sizeof(path), "/proc/sys/%s", name);
	if (n < 0 || (size_t)n >= sizeof(path))
		return usage();
	if (!strchr(name, '/'))
		for (char *c = path + strlen("/proc/sys/"); *c; c++)
			if (*c == '.')
				*c = '/';
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return report(-1, errno);
	if (write(fd, value, len) != (ssize_t)len) {
		err = errno;
		close(fd);
		return report(-1, err);
	}
	n = close(fd);
	return report(n, errno);
}

int main(int argc, char **argv)
{
	int fd;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2)
		return usage();
	if (!strcmp(argv[1], "status"))
		return status();
	if (!strcmp(argv[1], "syscall") && argc >= 3)
		return do_syscall(argc - 2, argv + 2);
	if (!strcmp(argv[1], "write") && argc == 3) {
		fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0)
			return report(-1, errno);
		if (write(fd, "x", 1) != 1) {
			int err = errno;
			close(fd);
			return report(-1, err);
		}
		int rc = close(fd);
		return report(rc, errno);
	}
	if (!strcmp(argv[1], "exec") && argc >= 3)
		return run_exec(argv + 2);
	if (!strcmp(argv[1], "copyexec") && argc == 4)
		return copyexec(argv[2], argv[3]);
	if (!strcmp(argv[1], "true"))
		return 0;
	if (!strcmp(argv[1], "movemount") && argc == 4)
		return do_movemount(argv[2], argv[3]);
	if (!strcmp(argv[1], "ptrace") && argc == 2)
		return do_ptrace();
	if (!strcmp(argv[1], "connect") && argc == 5)
		return do_connect(argv[2], argv[3], argv[4]);
	if (!strcmp(argv[1], "flood") && argc == 7)
		return do_flood(argv + 2);
	if (!strcmp(argv[1], "bpf") && argc == 2)
		return do_bpf();
	if (!strcmp(argv[1], "setuid") && (argc == 3 || argc == 4))
		return do_setuid(argc - 2, argv + 2);
	if (!strcmp(argv[1], "modreq") && argc == 3)
		return do_modreq(argv[2]);
	if (!strcmp(argv[1], "sysctl") && argc == 4)
		return do_sysctl(argv[2], argv[3]);
	if (!strcmp(argv[1], "open") && argc == 3) {
		fd = open(argv[2], O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return report(-1, errno);
		close(fd);
		return report(0, 0);
	}
	return usage();
}
