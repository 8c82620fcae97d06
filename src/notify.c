/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Seccomp user notification: the rule side's decision and metadata, and
 * the monitor's listener (see include/palisade/notify.h for the protocol
 * and why).
 *
 * The listener is one SOCK_STREAM unix socket.  Each connection is runc
 * handing over one container's notify fd: it is read without blocking
 * (the monitor is one thread serving every container) until runc closes
 * it, bounded in size, with exactly one SCM_RIGHTS fd that must be a
 * seccomp notify fd; anything else is refused and closed.  The notify fd
 * then joins the monitor's epoll set.  A notification is received with
 * libseccomp (seccomp_notify_receive), the caller's comm, tgid and uid
 * read from /proc, the id checked still valid (the /proc reads are then
 * known to be about the caller: libseccomp's documented TOCTOU check),
 * answered -errno, and only then logged, so that the container waits for
 * the kernel round trip and two small reads, not for the log.  When every
 * task of the filter has exited the fd reports EPOLLHUP and is closed.
 *
 * Bounds: PAL_NOTIFY_MAX_FDS containers and PAL_NOTIFY_MAX_CONN pending
 * connections; past them a connection is closed at once, so that runc
 * create fails (fail closed) and the monitor says why on stderr.  Memory
 * is one entry per fd plus the attribution strings of its container.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <seccomp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "palisade/attribute.h"
#include "palisade/audit.h"
#include "palisade/cgroup.h"
#include "palisade/cleanup.h"
#include "palisade/json.h"
#include "palisade/notify.h"
#include "palisade/state.h"
#include "palisade/util.h"

#define META_MARK 1 /* "palisade": the metadata's version */

/* ------------------------------------------------------------ rule side */

/* Can BACKEND make a SCMP_ACT_ERRNO denial visible by itself?  Only with
 * SECCOMP_FILTER_FLAG_LOG (the kernel then audits it, without arguments).
 * runc 1.1 refuses linux.seccomp.flags, and its `runc features` has no
 * list of supported flags (runc 1.2 adds linux.seccomp.supportedFlags):
 * asking it would cost an exec per create to learn "no".  crun could set
 * the flag, but its listener message is not tested on these hosts
 * (FACTS.md: crun refuses the hybrid cgroups), so it keeps SCMP_ACT_ERRNO
 * until it is.  Decided by name: the one place to change when a backend
 * gains either. */
static bool backend_uses_notify(const char *backend)
{
	return backend && !strcmp(backend, "runc");
}

int pal_notify_socket_for(const struct pal_conf *conf, const char *backend, char **path,
			  pal_error *err)
{
	*path = NULL;
	/* with the monitor off nobody would answer: runc create would fail */
	if (conf->monitor.autostart == PAL_AUTOSTART_OFF || !backend_uses_notify(backend))
		return 0;
	if (asprintf(path, "%s/%s", conf->state_dir, PAL_NOTIFY_SOCKET) < 0) {
		*path = NULL;
		return pal_err(err, ENOMEM, "seccomp listener");
	}
	/* sun_path holds 107 bytes and a NUL */
	if (strlen(*path) >= sizeof(((struct sockaddr_un *)0)->sun_path)) {
		pal_err(err, ENAMETOOLONG, "seccomp listener %s: path too long for a unix socket",
			*path);
		free(*path);
		*path = NULL;
		return -1;
	}
	return 0;
}

int pal_notify_meta_format(const char *root, int errnum, char **out, pal_error *err)
{
	_cleanup_yajl_val_ yajl_val o = pal_json_new_object();
	char num[16];
	size_t len;

	*out = NULL;
	if (!o)
		return pal_err(err, ENOMEM, "listenerMetadata");
	snprintf(num, sizeof(num), "%d", errnum);
	if (pal_json_set(o, "palisade", pal_json_new_number("1"), err) < 0 ||
	    pal_json_set(o, "root", pal_json_new_string(root), err) < 0 ||
	    pal_json_set(o, "errno", pal_json_new_number(num), err) < 0)
		return -1;
	return pal_json_serialize(o, false, out, &len, err);
}

int pal_notify_meta_parse(const char *text, struct pal_notify_meta *m, pal_error *err)
{
	_cleanup_yajl_val_ yajl_val o = NULL;
	yajl_val mark, root, en;
	uint64_t n;

	*m = (struct pal_notify_meta){0};
	if (!text || pal_json_parse(text, strlen(text), "listenerMetadata", &o, err) < 0) {
		pal_err_clear(err);
		return pal_err(err, EINVAL, "listenerMetadata: not Palisade's");
	}
	mark = pal_json_get(o, "palisade");
	root = pal_json_get(o, "root");
	en = pal_json_get(o, "errno");
	if (!YAJL_IS_OBJECT(o) || !pal_json_u64(mark, &n) || n != META_MARK)
		return pal_err(err, EINVAL, "listenerMetadata: not Palisade's");
	if (!YAJL_IS_STRING(root) || root->u.string[0] != '/' || strlen(root->u.string) >= PATH_MAX)
		return pal_err(err, EINVAL, "listenerMetadata: root not an absolute path");
	/* 0 would make the call "succeed" without running it */
	if (!pal_json_u64(en, &n) || n < 1 || n > 4095)
		return pal_err(err, EINVAL, "listenerMetadata: errno not from 1 to 4095");
	m->root = strdup(root->u.string);
	if (!m->root)
		return pal_err(err, ENOMEM, "listenerMetadata");
	m->errnum = (int)n;
	return 0;
}

void pal_notify_meta_free(struct pal_notify_meta *m)
{
	free(m->root);
	m->root = NULL;
}

/* ------------------------------------------------------- runc's message */

int pal_notify_hello_parse(const char *buf, size_t len, struct pal_notify_hello *h,
			   pal_error *err)
{
	_cleanup_yajl_val_ yajl_val o = NULL;
	yajl_val fds, pid, meta, state, id, bundle;
	uint64_t n;

	*h = (struct pal_notify_hello){0};
	if (pal_json_parse(buf, len, "seccomp listener message", &o, err) < 0)
		return -1;
	fds = pal_json_get(o, "fds");
	pid = pal_json_get(o, "pid");
	meta = pal_json_get(o, "metadata");
	state = pal_json_get(o, "state");
	id = pal_json_get(state, "id");
	bundle = pal_json_get(state, "bundle");
	if (!YAJL_IS_OBJECT(o) || !YAJL_IS_ARRAY(fds) || fds->u.array.len != 1 ||
	    !YAJL_IS_STRING(fds->u.array.values[0]) ||
	    strcmp(fds->u.array.values[0]->u.string, "seccompFd"))
		return pal_err(err, EINVAL, "seccomp listener message: fds is not [\"seccompFd\"]");
	if (!pal_json_u64(pid, &n) || n < 1 || n > INT_MAX)
		return pal_err(err, EINVAL, "seccomp listener message: no pid");
	if (!YAJL_IS_OBJECT(state) || !YAJL_IS_STRING(id) || !id->u.string[0] ||
	    (bundle && !YAJL_IS_STRING(bundle)))
		return pal_err(err, EINVAL, "seccomp listener message: no state.id");
	if (!YAJL_IS_STRING(meta))
		return pal_err(err, EINVAL, "seccomp listener message: no metadata (runc < 1.1?)");
	if (pal_notify_meta_parse(meta->u.string, &h->meta, err) < 0)
		return pal_err_prefix(err, "seccomp listener message");
	h->pid = (pid_t)n;
	h->id = strdup(id->u.string);
	h->bundle = bundle ? strdup(bundle->u.string) : NULL;
	if (!h->id || (bundle && !h->bundle)) {
		pal_notify_hello_free(h);
		return pal_err(err, ENOMEM, "seccomp listener message");
	}
	return 0;
}

void pal_notify_hello_free(struct pal_notify_hello *h)
{
	free(h->id);
	free(h->bundle);
	pal_notify_meta_free(&h->meta);
	*h = (struct pal_notify_hello){0};
}

/* ------------------------------------------------------------ listener */

enum kind { K_CONN = 1, K_NOTIF };

struct entry {
	enum kind kind;
	int fd;
	/* K_CONN: what runc sent so far */
	char *buf;
	size_t len;
	int passed; /* the fd it passed, -1 */
	/* K_NOTIF */
	int errnum;
	uint64_t cgid;
	char *id;
	struct pal_attr attr; /* attr.id NULL: not attributed */
};

struct pal_notify {
	const struct pal_conf *conf;
	char *path;
	int lfd, ep;
	pal_notify_cb cb;
	void *cbctx;
	struct entry **byfd; /* indexed by fd */
	size_t cap;
	size_t nnotif, nconn;
	struct seccomp_notif *req;
	struct seccomp_notif_resp *resp;
};

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	va_list ap;

	fputs("palisade monitor: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static struct entry *entry_of(const struct pal_notify *n, int fd)
{
	return fd >= 0 && (size_t)fd < n->cap ? n->byfd[fd] : NULL;
}

static int entry_put(struct pal_notify *n, struct entry *e)
{
	if ((size_t)e->fd >= n->cap) {
		size_t cap = n->cap ? n->cap : 64;
		struct entry **v;

		while (cap <= (size_t)e->fd)
			cap *= 2;
		v = realloc(n->byfd, cap * sizeof(*v));
		if (!v)
			return -1;
		memset(v + n->cap, 0, (cap - n->cap) * sizeof(*v));
		n->byfd = v;
		n->cap = cap;
	}
	n->byfd[e->fd] = e;
	return 0;
}

/* Forget E and close its fds (closing takes it out of the epoll set). */
static void entry_drop(struct pal_notify *n, struct entry *e)
{
	if (!e)
		return;
	if (n->byfd[e->fd] == e)
		n->byfd[e->fd] = NULL;
	if (e->kind == K_CONN)
		n->nconn--;
	else
		n->nnotif--;
	close(e->fd);
	if (e->passed >= 0)
		close(e->passed);
	free(e->buf);
	free(e->id);
	pal_attr_free(&e->attr);
	free(e);
}

static int watch(struct pal_notify *n, int fd)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.fd = fd};

	return n->ep < 0 ? 0 : epoll_ctl(n->ep, EPOLL_CTL_ADD, fd, &ev);
}

int pal_notify_open(const struct pal_conf *conf, pal_notify_cb cb, void *cbctx,
		    struct pal_notify **out, pal_error *err)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct pal_notify *n;
	mode_t old;
	int r;

	*out = NULL;
	/* libseccomp 2.5 answers EOPNOTSUPP from its notify calls until its
	 * API level has been probed in this process */
	if (seccomp_api_get() < 5)
		return pal_err(err, EOPNOTSUPP,
			       "seccomp listener: libseccomp or the kernel lacks user notification");
	n = calloc(1, sizeof(*n));
	if (!n)
		return pal_err(err, ENOMEM, "seccomp listener");
	n->conf = conf;
	n->cb = cb;
	n->cbctx = cbctx;
	n->lfd = n->ep = -1;
	if (asprintf(&n->path, "%s/%s", conf->state_dir, PAL_NOTIFY_SOCKET) < 0) {
		n->path = NULL;
		pal_err(err, ENOMEM, "seccomp listener");
		goto fail;
	}
	if (strlen(n->path) >= sizeof(sa.sun_path)) {
		pal_err(err, ENAMETOOLONG, "%s: path too long for a unix socket", n->path);
		goto fail;
	}
	r = seccomp_notify_alloc(&n->req, &n->resp);
	if (r < 0) {
		pal_err(err, -r, "seccomp_notify_alloc");
		goto fail;
	}
	memcpy(sa.sun_path, n->path, strlen(n->path));
	n->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (n->lfd < 0) {
		pal_err(err, errno, "seccomp listener: socket");
		goto fail;
	}
	/* the lock is ours: a socket file here is a dead monitor's */
	if (unlink(n->path) < 0 && errno != ENOENT) {
		pal_err(err, errno, "%s", n->path);
		goto fail;
	}
	old = umask(0177);
	r = bind(n->lfd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (r < 0 || chmod(n->path, 0600) < 0 || listen(n->lfd, PAL_NOTIFY_MAX_CONN) < 0) {
		pal_err(err, errno, "%s", n->path);
		goto fail;
	}
	*out = n;
	return 0;
fail:
	pal_notify_close(n);
	return -1;
}

int pal_notify_attach(struct pal_notify *n, int epfd, pal_error *err)
{
	n->ep = epfd;
	if (watch(n, n->lfd) < 0)
		return pal_err(err, errno, "epoll_ctl");
	return 0;
}

size_t pal_notify_count(const struct pal_notify *n)
{
	return n->nnotif;
}

static void accept_all(struct pal_notify *n)
{
	for (;;) {
		int fd = accept4(n->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct entry *e;

		if (fd < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR &&
			    errno != ECONNABORTED)
				say("%s: accept: %s", n->path, strerror(errno));
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			return;
		}
		if (n->nnotif >= PAL_NOTIFY_MAX_FDS || n->nconn >= PAL_NOTIFY_MAX_CONN) {
			/* runc create fails: fail closed, and say so */
			say("seccomp listener: refusing a container: %zu containers and %zu "
			    "connections already (limits %d and %d)",
			    n->nnotif, n->nconn, PAL_NOTIFY_MAX_FDS, PAL_NOTIFY_MAX_CONN);
			close(fd);
			continue;
		}
		e = calloc(1, sizeof(*e));
		if (!e || (e->kind = K_CONN, e->fd = fd, e->passed = -1, entry_put(n, e) < 0)) {
			say("seccomp listener: out of memory");
			free(e);
			close(fd);
			continue;
		}
		n->nconn++;
		if (watch(n, fd) < 0) {
			say("seccomp listener: epoll_ctl: %s", strerror(errno));
			entry_drop(n, e);
		}
	}
}

/* Is FD a seccomp notify fd?  The kernel names its anon inode so. */
static bool is_notify_fd(int fd)
{
	char link[64], target[64];
	ssize_t len;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	len = readlink(link, target, sizeof(target) - 1);
	if (len < 0)
		return false;
	target[len] = '\0';
	return !strcmp(target, "anon_inode:seccomp notify");
}

static uint64_t cgroup_of(pid_t pid)
{
	_cleanup_free_ char *mount = NULL, *path = NULL, *full = NULL;
	pal_error e = {0};
	struct stat st;

	if (pal_cgroup2_mount(&mount, &e) < 0 || pal_cgroup_path_of(pid, &path, &e) < 0 ||
	    asprintf(&full, "%s%s", mount, path) < 0 || stat(full, &st) < 0)
		return 0;
	return (uint64_t)st.st_ino;
}

/* runc's message is complete (or the connection closed: FINAL): the fd
 * becomes a container's notify fd.  False when more is to come. */
static bool conn_done(struct pal_notify *n, struct entry *e, bool final)
{
	struct pal_notify_hello h;
	_cleanup_yajl_val_ yajl_val rec = NULL;
	pal_error err = {0};
	int fd;

	if (e->passed < 0 || !is_notify_fd(e->passed)) {
		say("seccomp listener: refusing a connection: no seccomp notify fd passed");
		entry_drop(n, e);
		return true;
	}
	if (pal_notify_hello_parse(e->buf, e->len, &h, &err) < 0) {
		if (!final && err.errnum != EINVAL)
			return false; /* not all of it yet */
		say("seccomp listener: refusing a connection: %s", err.msg);
		entry_drop(n, e);
		return true;
	}
	/* the connection goes, the entry lives on under the notify fd */
	fd = e->passed;
	n->byfd[e->fd] = NULL;
	close(e->fd);
	n->nconn--;
	free(e->buf);
	e->buf = NULL;
	e->kind = K_NOTIF;
	e->fd = fd;
	e->passed = -1;
	e->errnum = h.meta.errnum;
	e->id = steal_pointer(&h.id);
	e->cgid = cgroup_of(h.pid);
	n->nnotif++;
	if (pal_state_load(n->conf, h.meta.root, e->id, &rec, &err) < 0 ||
	    pal_attr_from_record(rec, &e->attr, &err) < 0)
		say("seccomp listener: container %s (root %s): not attributed: %s", e->id,
		    h.meta.root, err.msg);
	pal_notify_hello_free(&h);
	if (entry_put(n, e) < 0 || watch(n, fd) < 0) {
		say("seccomp listener: container %s: cannot listen: %s", e->id, strerror(errno));
		entry_drop(n, e);
	}
	return true;
}

static void conn_read(struct pal_notify *n, struct entry *e)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(4 * sizeof(int))];
	} ctl;
	struct iovec iov;
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
	bool bad = false;
	ssize_t len;

	if (!e->buf) {
		e->buf = malloc(PAL_NOTIFY_MSG_MAX);
		if (!e->buf) {
			say("seccomp listener: out of memory");
			entry_drop(n, e);
			return;
		}
	}
	for (;;) {
		iov = (struct iovec){.iov_base = e->buf + e->len,
				     .iov_len = PAL_NOTIFY_MSG_MAX - e->len};
		msg.msg_control = ctl.buf;
		msg.msg_controllen = sizeof(ctl.buf);
		len = recvmsg(e->fd, &msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
		if (len < 0 && errno == EINTR)
			continue;
		if (len < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (len < 0) {
			say("seccomp listener: recvmsg: %s", strerror(errno));
			entry_drop(n, e);
			return;
		}
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
			size_t nfd;

			if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) {
				bad = true;
				continue;
			}
			nfd = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
			for (size_t i = 0; i < nfd; i++) {
				int fd;

				memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(fd));
				if (e->passed < 0 && !bad)
					e->passed = fd;
				else {
					bad = true;
					close(fd);
				}
			}
		}
		if (bad || (msg.msg_flags & MSG_CTRUNC)) {
			say("seccomp listener: refusing a connection: unexpected ancillary data");
			entry_drop(n, e);
			return;
		}
		if (len == 0) {
			conn_done(n, e, true);
			return;
		}
		e->len += (size_t)len;
		/* runc keeps the connection open after sending (until it exits):
		 * the message is done when it parses */
		if (e->passed >= 0 && e->buf[e->len - 1] == '}' && conn_done(n, e, false))
			return;
		if (e->len == PAL_NOTIFY_MSG_MAX) {
			say("seccomp listener: refusing a connection: message over %u bytes",
			    PAL_NOTIFY_MSG_MAX);
			entry_drop(n, e);
			return;
		}
	}
}

static uint64_t realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* The caller's comm, tgid and uid, from /proc while it waits for us. */
static void caller(struct pal_violation *v, pid_t tid)
{
	_cleanup_free_ char *buf = NULL;
	char path[64];
	pal_error e = {0};
	size_t len;
	const char *p;

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)tid);
	if (pal_read_file(AT_FDCWD, path, 0, sizeof(v->comm), &buf, &len, NULL, &e) == 0) {
		len = strcspn(buf, "\n");
		memcpy(v->comm, buf, len < sizeof(v->comm) - 1 ? len : sizeof(v->comm) - 1);
	}
	free(steal_pointer(&buf));
	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	if (pal_read_file(AT_FDCWD, path, 0, 16384, &buf, &len, NULL, &e) < 0)
		return;
	if ((p = strstr(buf, "\nTgid:")))
		v->pid = (uint32_t)strtoul(p + 6, NULL, 10);
	if ((p = strstr(buf, "\nUid:")))
		v->uid = (uint32_t)strtoul(p + 5, NULL, 10); /* the real uid */
}

static int set_num(yajl_val o, const char *key, unsigned long long x, pal_error *err)
{
	char num[24];

	snprintf(num, sizeof(num), "%llu", x);
	return pal_json_set(o, key, pal_json_new_number(num), err);
}

static yajl_val detail_of(const struct seccomp_notif *req, int errnum)
{
	_cleanup_yajl_val_ yajl_val d = pal_json_new_object();
	_cleanup_free_ char *name = NULL;
	const char *arch = pal_audit_arch_name(req->data.arch, req->data.nr);
	uint32_t scmp = req->data.arch;
	yajl_val args = pal_json_new_array();
	pal_error err = {0};
	char hex[16];

	if (!d || !args) {
		if (args)
			yajl_tree_free(args);
		return NULL;
	}
	/* x32 is AUDIT_ARCH_X86_64 with __X32_SYSCALL_BIT in the number */
	if (arch && !strcmp(arch, "x32"))
		scmp = SCMP_ARCH_X32;
	name = seccomp_syscall_resolve_num_arch(scmp, req->data.nr);
	if (!arch) {
		snprintf(hex, sizeof(hex), "0x%08x", req->data.arch);
		arch = hex;
	}
	if (name && pal_json_set(d, "syscall", pal_json_new_string(name), &err) < 0)
		goto fail;
	if (set_num(d, "nr", (unsigned long long)(unsigned int)req->data.nr, &err) < 0)
		goto fail;
	if (pal_json_set(d, "arch", pal_json_new_string(arch), &err) < 0)
		goto fail;
	for (int i = 0; i < 6; i++) {
		char num[24];

		snprintf(num, sizeof(num), "%llu", (unsigned long long)req->data.args[i]);
		if (pal_json_append(args, pal_json_new_number(num), &err) < 0)
			goto fail;
	}
	if (pal_json_set(d, "args", steal_pointer(&args), &err) < 0 ||
	    set_num(d, "errno", (unsigned long long)errnum, &err) < 0)
		goto fail;
	return steal_pointer(&d);
fail:
	if (args)
		yajl_tree_free(args);
	return NULL;
}

static void notif_read(struct pal_notify *n, struct entry *e)
{
	_cleanup_yajl_val_ yajl_val detail = NULL;
	struct pal_violation v = {
	    .source = "seccomp-notify",
	    .cgroup_id = e->cgid,
	    .hook = "seccomp",
	    .rule = "syscall",
	    .verdict = "deny",
	    .attr = e->attr.id ? &e->attr : NULL,
	};
	int r;

	memset(n->req, 0, sizeof(*n->req));
	r = seccomp_notify_receive(e->fd, n->req);
	if (r < 0)
		return; /* the caller went (a fatal signal) before we took it */
	v.time_ns = realtime_ns();
	v.tid = n->req->pid;
	v.pid = n->req->pid;
	caller(&v, (pid_t)n->req->pid);
	/* answer first: the container waits for this, not for the log */
	if (seccomp_notify_id_valid(e->fd, n->req->id) == 0) {
		memset(n->resp, 0, sizeof(*n->resp));
		n->resp->id = n->req->id;
		n->resp->val = 0;
		n->resp->error = -e->errnum;
		n->resp->flags = 0;
		(void)seccomp_notify_respond(e->fd, n->resp); /* ENOENT: it went */
	}
	detail = detail_of(n->req, e->errnum);
	v.detail = detail;
	n->cb(n->cbctx, &v);
}

bool pal_notify_handle(struct pal_notify *n, int fd, uint32_t events)
{
	struct entry *e;

	if (fd == n->lfd) {
		accept_all(n);
		return true;
	}
	e = entry_of(n, fd);
	if (!e)
		return false;
	if (e->kind == K_CONN) {
		conn_read(n, e);
	} else if (events & EPOLLIN) {
		notif_read(n, e);
	} else if (events & (EPOLLHUP | EPOLLERR)) {
		/* every task of the filter has exited */
		entry_drop(n, e);
	}
	return true;
}

void pal_notify_close(struct pal_notify *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->cap; i++)
		entry_drop(n, n->byfd[i]);
	if (n->lfd >= 0) {
		close(n->lfd);
		(void)unlink(n->path);
	}
	if (n->req)
		seccomp_notify_free(n->req, n->resp);
	free(n->byfd);
	free(n->path);
	free(n);
}
