/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Seccomp denials from the kernel's audit multicast (audit.h): a libmnl
 * NETLINK_AUDIT socket bound to AUDIT_NLGRP_READLOG, the text of each
 * AUDIT_SECCOMP record parsed into a struct pal_audit_record, and that
 * turned into a struct pal_violation for the monitor.
 *
 * Why the multicast group and not the unicast audit socket: the unicast
 * one has a single reader (auditd, by AUDIT_SET pid) and claiming it
 * would take the records away from the host's auditd; the group is
 * read-only, for any number of readers, and needs no audit setting.
 *
 * The record text comes from kernel/auditsc.c (audit_log_task() and
 * audit_seccomp()).  Only comm and exe come from the task, and the kernel
 * writes them through audit_log_untrustedstring(): quoted when they hold
 * nothing but 0x21..0x7e minus '"', upper-case hex otherwise.  So no value
 * contains a space or a quote, and splitting at spaces is exact; a record
 * that repeats a field cannot come from the kernel and is refused.
 *
 * Datagrams are read with recvmsg() rather than mnl_socket_recvfrom() to
 * see the sender: only the kernel (nl_pid 0) is believed.  A process with
 * CAP_NET_ADMIN in the initial user namespace could otherwise multicast
 * forged records to the group (net/netlink/af_netlink.c netlink_sendmsg).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/audit.h>
#include <linux/netlink.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>

#include "palisade/audit.h"
#include "palisade/cleanup.h"
#include "palisade/json.h"

#ifndef __X32_SYSCALL_BIT
#define __X32_SYSCALL_BIT 0x40000000
#endif

/* A record is at most a few hundred bytes plus exe, hex-encoded at worst
 * (2 * PATH_MAX); the kernel grows its buffer to fit (audit_expand). */
#define RECV_BUF (4 * PAL_AUDIT_EXE_MAX + 4096)

struct pal_audit {
	struct mnl_socket *nl;
	uint64_t dropped, malformed;
	const struct pal_audit_record *cur;
	struct pal_audit_record rec;
	char buf[RECV_BUF];
};

/* ------------------------------------------------------------ arches */

/* AUDIT_ARCH_* to libseccomp's token.  They are equal today (seccomp.h
 * defines SCMP_ARCH_X86_64 as AUDIT_ARCH_X86_64), except x32, which audit
 * reports as AUDIT_ARCH_X86_64 with __X32_SYSCALL_BIT in the number
 * (arch/x86/include/asm/syscall.h syscall_get_arch()); the table keeps
 * that from being an accident. */
static const struct {
	uint32_t audit, scmp;
	const char *name;
} arches[] = {
    {AUDIT_ARCH_X86_64, SCMP_ARCH_X86_64, "x86_64"},
    {AUDIT_ARCH_I386, SCMP_ARCH_X86, "i386"},
    {AUDIT_ARCH_AARCH64, SCMP_ARCH_AARCH64, "aarch64"},
    {AUDIT_ARCH_ARM, SCMP_ARCH_ARM, "arm"},
    {AUDIT_ARCH_PPC64LE, SCMP_ARCH_PPC64LE, "ppc64le"},
    {AUDIT_ARCH_PPC64, SCMP_ARCH_PPC64, "ppc64"},
    {AUDIT_ARCH_S390X, SCMP_ARCH_S390X, "s390x"},
    {AUDIT_ARCH_RISCV64, SCMP_ARCH_RISCV64, "riscv64"},
};

static bool is_x32(uint32_t arch, long nr)
{
	return arch == AUDIT_ARCH_X86_64 && nr >= 0 && (nr & __X32_SYSCALL_BIT);
}

const char *pal_audit_arch_name(uint32_t arch, long nr)
{
	if (is_x32(arch, nr))
		return "x32";
	for (size_t i = 0; i < sizeof(arches) / sizeof(arches[0]); i++)
		if (arches[i].audit == arch)
			return arches[i].name;
	return NULL;
}

/* malloc'd name, or NULL when unknown. */
static char *syscall_name(uint32_t arch, long nr)
{
	uint32_t scmp = 0;

	if (nr < 0 || nr > INT32_MAX)
		return NULL;
	if (is_x32(arch, nr)) {
		scmp = SCMP_ARCH_X32;
	} else {
		for (size_t i = 0; i < sizeof(arches) / sizeof(arches[0]); i++)
			if (arches[i].audit == arch)
				scmp = arches[i].scmp;
	}
	if (!scmp)
		return NULL;
	return seccomp_syscall_resolve_num_arch(scmp, (int)nr);
}

const char *pal_audit_verdict(uint32_t code)
{
	switch (code & SECCOMP_RET_ACTION_FULL) {
	case SECCOMP_RET_LOG:
		return "log";
	case SECCOMP_RET_ERRNO:
	case SECCOMP_RET_TRAP:
		return "deny";
	case SECCOMP_RET_TRACE:
		return "trace";
	case SECCOMP_RET_USER_NOTIF:
		return "notify";
	case SECCOMP_RET_ALLOW:
		return "allow";
	default: /* KILL_PROCESS, KILL_THREAD (0), and what the kernel treats as them */
		return "kill";
	}
}

/* ------------------------------------------------------------ parsing */

static int num(const char *s, int base, bool is_signed, int64_t min, uint64_t max, void *out,
	       size_t size)
{
	char *end;
	uint64_t u;
	int64_t i;

	if (!*s || (base == 16 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) ||
	    (!is_signed && *s == '-') || *s == '+' || *s == ' ')
		return -1;
	errno = 0;
	if (is_signed) {
		i = strtoll(s, &end, base);
		if (errno || *end || i < min || (i > 0 && (uint64_t)i > max))
			return -1;
		u = (uint64_t)i;
	} else {
		u = strtoull(s, &end, base);
		if (errno || *end || u > max)
			return -1;
	}
	if (size == 8)
		*(uint64_t *)out = u;
	else
		*(uint32_t *)out = (uint32_t)u;
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* audit_log_untrustedstring()'s two forms into OUT (truncated to SIZE-1).
 * LITERAL_OK: an unquoted non-hex value such as exe=(null) means "none". */
static int untrusted(const char *s, char *out, size_t size, bool literal_ok)
{
	size_t n = strlen(s), o = 0;

	if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
		if (memchr(s + 1, '"', n - 2))
			return -1; /* the kernel hex-encodes a quote */
		for (size_t i = 1; i < n - 1 && o + 1 < size; i++)
			out[o++] = s[i];
		out[o] = '\0';
		return 0;
	}
	if (n > 0 && n % 2 == 0) {
		bool hex = true;
		for (size_t i = 0; i < n && hex; i++)
			hex = hexval(s[i]) >= 0;
		if (hex) {
			for (size_t i = 0; i < n; i += 2) {
				int b = hexval(s[i]) << 4 | hexval(s[i + 1]);
				if (b == 0)
					return -1; /* a task string holds no NUL */
				if (o + 1 < size)
					out[o++] = (char)b;
			}
			out[o] = '\0';
			return 0;
		}
	}
	if (!literal_ok || strchr(s, '"'))
		return -1;
	out[0] = '\0';
	return 0;
}

/* "audit(SECONDS.MILLIS:SERIAL): " at P; returns what follows. */
static const char *stamp(const char *p, struct pal_audit_record *rec)
{
	char *end;
	uint64_t sec, ms;

	p += strlen("audit(");
	if (*p < '0' || *p > '9')
		return NULL;
	errno = 0;
	sec = strtoull(p, &end, 10);
	if (errno || *end != '.' || sec > UINT64_MAX / 1000000000 - 1)
		return NULL;
	p = end + 1;
	if (strspn(p, "0123456789") != 3 || p[3] != ':')
		return NULL;
	ms = strtoull(p, NULL, 10);
	p += 4;
	if (*p < '0' || *p > '9')
		return NULL;
	rec->serial = strtoull(p, &end, 10);
	if (errno || end[0] != ')' || end[1] != ':')
		return NULL;
	rec->time_ns = sec * 1000000000 + ms * 1000000;
	return end + 2;
}

enum {
	F_AUID,
	F_UID,
	F_GID,
	F_SES,
	F_PID,
	F_COMM,
	F_EXE,
	F_SIG,
	F_ARCH,
	F_SYSCALL,
	F_COMPAT,
	F_IP,
	F_CODE,
	F_COUNT
};
static const char *const field_names[F_COUNT] = {
    "auid", "uid", "gid", "ses", "pid", "comm", "exe", "sig", "arch", "syscall", "compat", "ip",
    "code"};
/* What audit_seccomp() always writes; auid, gid, ses, exe, sig and ip are
 * taken when present (auditd's own log keeps all of them). */
#define REQUIRED                                                                                   \
	(1u << F_UID | 1u << F_PID | 1u << F_COMM | 1u << F_ARCH | 1u << F_SYSCALL |              \
	 1u << F_CODE)

static int field(struct pal_audit_record *rec, int f, const char *v)
{
	uint64_t u64;
	uint32_t u32;

	switch (f) {
	case F_AUID:
		return num(v, 10, false, 0, UINT32_MAX, &rec->auid, 4);
	case F_UID:
		return num(v, 10, false, 0, UINT32_MAX, &rec->uid, 4);
	case F_GID:
		return num(v, 10, false, 0, UINT32_MAX, &rec->gid, 4);
	case F_SES:
		return num(v, 10, false, 0, UINT32_MAX, &rec->ses, 4);
	case F_PID:
		if (num(v, 10, false, 0, INT32_MAX, &rec->pid, 4) < 0 || rec->pid == 0)
			return -1;
		return 0;
	case F_COMM:
		return untrusted(v, rec->comm, sizeof(rec->comm), false);
	case F_EXE:
		return untrusted(v, rec->exe, sizeof(rec->exe), true);
	case F_SIG:
		if (num(v, 10, true, INT32_MIN, INT32_MAX, &u64, 8) < 0)
			return -1;
		rec->sig = (long)(int64_t)u64;
		return 0;
	case F_ARCH:
		return num(v, 16, false, 0, UINT32_MAX, &rec->arch, 4);
	case F_SYSCALL:
		if (num(v, 10, true, INT32_MIN, INT32_MAX, &u64, 8) < 0)
			return -1;
		rec->nr = (long)(int64_t)u64;
		return 0;
	case F_COMPAT:
		if (num(v, 10, false, 0, 1, &u32, 4) < 0)
			return -1;
		rec->compat = u32;
		return 0;
	case F_IP:
		if (strncmp(v, "0x", 2))
			return -1;
		return num(v + 2, 16, false, 0, UINT64_MAX, &rec->ip, 8);
	case F_CODE:
		if (strncmp(v, "0x", 2))
			return -1;
		return num(v + 2, 16, false, 0, UINT32_MAX, &rec->code, 4);
	}
	return -1;
}

int pal_audit_parse(const char *text, size_t len, struct pal_audit_record *rec, pal_error *err)
{
	_cleanup_free_ char *s = NULL;
	const char *p;
	char *tok, *save = NULL;
	unsigned int seen = 0;

	memset(rec, 0, sizeof(*rec));
	if (memchr(text, '\0', len))
		len = strlen(text);
	s = strndup(text, len);
	if (!s)
		return pal_err(err, errno, "audit record");
	/* the netlink payload starts here; audit.log and the kernel log put
	 * "type=SECCOMP msg=" or "audit: type=1326 " in front */
	p = strstr(s, "audit(");
	if (!p)
		return pal_err_code(err, EINVAL, "audit record: no audit(...) stamp");
	p = stamp(p, rec);
	if (!p)
		return pal_err_code(err, EINVAL, "audit record: malformed audit(...) stamp");
	for (tok = strtok_r((char *)p, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save)) {
		char *eq = strchr(tok, '=');
		int f;

		if (!eq)
			continue;
		*eq = '\0';
		for (f = 0; f < F_COUNT; f++)
			if (!strcmp(tok, field_names[f]))
				break;
		if (f == F_COUNT)
			continue; /* subj=, and whatever a later kernel adds */
		if (seen & (1u << f))
			return pal_err_code(err, EINVAL, "audit record: %s= twice", tok);
		seen |= 1u << f;
		if (field(rec, f, eq + 1) < 0)
			return pal_err_code(err, EINVAL, "audit record: malformed %s=", tok);
	}
	if ((seen & REQUIRED) != REQUIRED) {
		for (int f = 0; f < F_COUNT; f++)
			if ((REQUIRED & (1u << f)) && !(seen & (1u << f)))
				return pal_err_code(err, EINVAL, "audit record: no %s=",
						    field_names[f]);
	}
	return 0;
}

/* ------------------------------------------------------------ violation */

static int set_number(yajl_val obj, const char *key, long long n, pal_error *err)
{
	char text[32];
	yajl_val v;

	snprintf(text, sizeof(text), "%lld", n);
	v = pal_json_new_number(text);
	if (!v)
		return pal_err(err, errno, "audit detail");
	return pal_json_set(obj, key, v, err);
}

static int set_string(yajl_val obj, const char *key, const char *s, pal_error *err)
{
	yajl_val v = pal_json_new_string(s);
	if (!v)
		return pal_err(err, errno, "audit detail");
	return pal_json_set(obj, key, v, err);
}

int pal_audit_violation(const struct pal_audit_record *rec, struct pal_violation *v,
			yajl_val *detail, pal_error *err)
{
	_cleanup_yajl_val_ yajl_val d = pal_json_new_object();
	_cleanup_free_ char *name = syscall_name(rec->arch, rec->nr);
	const char *arch = pal_audit_arch_name(rec->arch, rec->nr);
	char code[16], archhex[16];

	*detail = NULL;
	if (!d)
		return pal_err(err, errno, "audit detail");
	if (!arch) {
		snprintf(archhex, sizeof(archhex), "0x%08x", rec->arch);
		arch = archhex;
	}
	snprintf(code, sizeof(code), "0x%08x", rec->code);
	if ((name && set_string(d, "syscall", name, err) < 0) ||
	    set_number(d, "nr", rec->nr, err) < 0 || set_string(d, "arch", arch, err) < 0 ||
	    set_string(d, "code", code, err) < 0 ||
	    (rec->exe[0] && set_string(d, "exe", rec->exe, err) < 0))
		return -1;

	*v = (struct pal_violation){
	    .time_ns = rec->time_ns,
	    .source = "audit",
	    .pid = rec->pid,
	    .uid = rec->uid,
	    .hook = "seccomp",
	    .rule = "syscall",
	    .verdict = pal_audit_verdict(rec->code),
	};
	snprintf(v->comm, sizeof(v->comm), "%s", rec->comm);
	v->detail = *detail = steal_pointer(&d);
	return 0;
}

/* ------------------------------------------------------------ socket */

/* The kernel multicasts from init_net's audit socket only
 * (kernel/audit.c kauditd_send_multicast_skb()): elsewhere a bound socket
 * would wait forever.  kthreadd (pid 2 in the initial pid namespace) is
 * always in init_net; pid 1's links may be closed to us by the ptrace
 * access check (on the build host they are: EACCES).  Unknown (another pid
 * namespace, no /proc) is not refused. */
static bool foreign_netns(void)
{
	static const char *const inits[] = {"/proc/2", "/proc/1"};
	struct stat self, init;
	char comm[32] = "", path[32];

	if (stat("/proc/self/ns/net", &self) < 0)
		return false;
	for (size_t i = 0; i < 2; i++) {
		_cleanup_fclose_ FILE *f = NULL;

		if (i == 0) {
			snprintf(path, sizeof(path), "%s/comm", inits[i]);
			f = fopen(path, "re");
			if (!f || !fgets(comm, sizeof(comm), f) || strcmp(comm, "kthreadd\n"))
				continue;
		}
		snprintf(path, sizeof(path), "%s/ns/net", inits[i]);
		if (stat(path, &init) == 0)
			return self.st_ino != init.st_ino || self.st_dev != init.st_dev;
	}
	return false;
}

int pal_audit_set_rcvbuf(struct pal_audit *a, int bytes, pal_error *err)
{
	int fd = mnl_socket_get_fd(a->nl);

	/* FORCE passes net.core.rmem_max with CAP_NET_ADMIN */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof(bytes)) == 0)
		return 0;
	if (errno != EPERM)
		return pal_err(err, errno, "audit socket: SO_RCVBUFFORCE %d", bytes);
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof(bytes)) < 0)
		return pal_err(err, errno, "audit socket: SO_RCVBUF %d", bytes);
	return 0;
}

int pal_audit_open(struct pal_audit **out, pal_error *err)
{
	_cleanup_free_ struct pal_audit *a = calloc(1, sizeof(*a));

	if (!a)
		return pal_err(err, errno, "audit");
	if (foreign_netns())
		return pal_err_code(err, EOPNOTSUPP,
				    "audit: not in the host's network namespace, where alone the "
				    "kernel multicasts audit records");
	a->nl = mnl_socket_open2(NETLINK_AUDIT, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (!a->nl)
		return pal_err(err, errno, "audit: netlink socket");
	/* sized before bind: records may arrive as soon as we are a member */
	if (pal_audit_set_rcvbuf(a, PAL_AUDIT_RCVBUF, err) < 0) {
		mnl_socket_close(a->nl);
		return -1;
	}
	if (mnl_socket_bind(a->nl, 1u << (AUDIT_NLGRP_READLOG - 1), MNL_SOCKET_AUTOPID) < 0) {
		pal_err(err, errno,
			"audit: join multicast group AUDIT_NLGRP_READLOG (needs CAP_AUDIT_READ)");
		mnl_socket_close(a->nl);
		return -1;
	}
	*out = steal_pointer(&a);
	return 0;
}

int pal_audit_fd(const struct pal_audit *a)
{
	return mnl_socket_get_fd(a->nl);
}

const struct pal_audit_record *pal_audit_current(const struct pal_audit *a)
{
	return a->cur;
}

uint64_t pal_audit_dropped(const struct pal_audit *a)
{
	return a->dropped;
}

uint64_t pal_audit_malformed(const struct pal_audit *a)
{
	return a->malformed;
}

void pal_audit_close(struct pal_audit *a)
{
	if (!a)
		return;
	mnl_socket_close(a->nl);
	free(a);
}

/* One AUDIT_SECCOMP message: 1 when passed to CB, 0 when skipped, -1 when
 * CB failed. */
static int deliver(struct pal_audit *a, const struct nlmsghdr *nlh, pal_audit_cb cb, void *ctx,
		   pal_error *err)
{
	_cleanup_yajl_val_ yajl_val detail = NULL;
	struct pal_violation v;
	pal_error perr = {0};
	int r;

	if (pal_audit_parse(mnl_nlmsg_get_payload(nlh), mnl_nlmsg_get_payload_len(nlh), &a->rec,
			    &perr) < 0) {
		a->malformed++;
		return 0;
	}
	if (pal_audit_violation(&a->rec, &v, &detail, err) < 0)
		return -1;
	a->cur = &a->rec;
	r = cb(ctx, &v, err);
	a->cur = NULL;
	return r < 0 ? -1 : 1;
}

int pal_audit_read(struct pal_audit *a, pal_audit_cb cb, void *ctx, pal_error *err)
{
	int fd = mnl_socket_get_fd(a->nl), delivered = 0;

	for (int i = 0; i < PAL_AUDIT_BATCH; i++) {
		struct sockaddr_nl sa;
		struct iovec iov = {.iov_base = a->buf, .iov_len = sizeof(a->buf)};
		struct msghdr msg = {
		    .msg_name = &sa, .msg_namelen = sizeof(sa), .msg_iov = &iov, .msg_iovlen = 1};
		const struct nlmsghdr *nlh;
		ssize_t n = recvmsg(fd, &msg, MSG_DONTWAIT);
		int left;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			if (errno == ENOBUFS) { /* the queue overflowed: records are lost */
				a->dropped++;
				continue;
			}
			return pal_err(err, errno, "audit socket: receive");
		}
		if ((msg.msg_flags & MSG_TRUNC) || msg.msg_namelen != sizeof(sa) ||
		    sa.nl_family != AF_NETLINK || sa.nl_pid != 0) {
			a->malformed++;
			continue;
		}
		left = (int)n;
		for (nlh = (const struct nlmsghdr *)a->buf; mnl_nlmsg_ok(nlh, left);
		     nlh = mnl_nlmsg_next(nlh, &left)) {
			int r;
			if (nlh->nlmsg_type != AUDIT_SECCOMP)
				continue;
			r = deliver(a, nlh, cb, ctx, err);
			if (r < 0)
				return -1;
			delivered += r;
		}
	}
	return delivered;
}
