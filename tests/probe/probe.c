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
 *       socket FAMILY TYPE        numbers or AF_INET, AF_INET6, AF_UNIX,
 *                                 AF_NETLINK, AF_PACKET, AF_VSOCK, SOCK_STREAM,
 *                                 SOCK_DGRAM, SOCK_RAW
 *       clone3                    raw clone3(2) of a child that exits at once
 *                                 (libc may not wrap it)
 *       syscall NUMBER            raw syscall NUMBER with zero arguments
 *                                 (an unknown number shows how the filter
 *                                 answers syscalls it does not name)
 *   probe write PATH              create/truncate PATH and write a byte
 *   probe open PATH               open PATH read-only
 *
 * Exit status: 0 ok, 1 the call failed (errno printed), 2 usage.
 * Everything is printed on stdout, one line per answer.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SYS_clone3
#define SYS_clone3 435
#endif
#ifndef AF_VSOCK
#define AF_VSOCK 40
#endif

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
	fputs("usage: probe status | syscall NAME [ARGS] | write PATH | open PATH\n", stderr);
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
		if (argc < 3 || number(argv[1], fam, famv, 6, &a) < 0 ||
		    number(argv[2], typ, typv, 3, &b) < 0)
			return usage();
		rc = socket((int)a, (int)b, 0);
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
		return report(close(fd), errno);
	}
	if (!strcmp(argv[1], "open") && argc == 3) {
		fd = open(argv[2], O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return report(-1, errno);
		close(fd);
		return report(0, 0);
	}
	return usage();
}
