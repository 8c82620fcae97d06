/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Seccomp user notification (src/notify.c).  Without a kernel: the rule
 * side's decision, the listenerMetadata round trip and its refusals, and
 * the parser of runc's message (the text below is what runc 1.1.5 sent on
 * this host) with its refusals.
 *
 * Against the kernel: a forked child plays runc and container at once.  It
 * connects to the listener, loads a filter with SCMP_ACT_NOTIFY for
 * getppid, hands the notify fd over in two pieces (SCM_RIGHTS with the
 * first), keeps the connection open as runc does, and calls getppid: every
 * call must fail with the metadata's errno and be reported once, with the
 * caller's tid; when the child exits its fd is dropped (EPOLLHUP).
 * Connections that pass no fd, a fd that is not a notify fd, or a message
 * that is not runc's are closed and leave nothing listened to.  The round
 * trip is timed against SCMP_ACT_ERRNO and printed (not asserted).
 */
#include "config.h"

#include "pal_test.h"

#include <errno.h>
#include <poll.h>
#include <seccomp.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>

#include "palisade/conf.h"
#include "palisade/json.h"
#include "palisade/notify.h"

/* runc 1.1.5's message on this host (strace of the monitor), bundle and
 * root shortened */
#define RUNC_HELLO                                                                                 \
	"{\"ociVersion\":\"1.0.2-dev\",\"fds\":[\"seccompFd\"],\"pid\":22510,\"metadata\":"      \
	"\"{\\\"palisade\\\":1,\\\"root\\\":\\\"/tmp/it/root\\\",\\\"errno\\\":1}\","            \
	"\"state\":{\"ociVersion\":\"1.0.2-dev\",\"id\":\"x1\",\"status\":\"creating\","         \
	"\"pid\":22510,\"bundle\":\"/tmp/it/b1\",\"annotations\":{\"io.palisade.profile\":"      \
	"\"default\"}}}"

/* ------------------------------------------------------------ rule side */

static void test_socket_for(void **state)
{
	struct pal_conf conf = {.state_dir = (char *)"/run/palisade"};
	pal_error err = {0};
	char *path;

	(void)state;
	conf.monitor.autostart = PAL_AUTOSTART_START;
	assert_int_equal(pal_notify_socket_for(&conf, "runc", &path, &err), 0);
	assert_string_equal(path, "/run/palisade/seccomp.sock");
	free(path);
	conf.monitor.autostart = PAL_AUTOSTART_REFUSE;
	assert_int_equal(pal_notify_socket_for(&conf, "runc", &path, &err), 0);
	assert_non_null(path);
	free(path);
	/* nobody would answer */
	conf.monitor.autostart = PAL_AUTOSTART_OFF;
	assert_int_equal(pal_notify_socket_for(&conf, "runc", &path, &err), 0);
	assert_null(path);
	conf.monitor.autostart = PAL_AUTOSTART_START;
	assert_int_equal(pal_notify_socket_for(&conf, "crun", &path, &err), 0);
	assert_null(path);
	assert_int_equal(pal_notify_socket_for(&conf, NULL, &path, &err), 0);
	assert_null(path);
	conf.state_dir = (char *)"/run/a-state-directory-whose-name-is-far-too-long-for-the-"
				 "sun_path-of-a-unix-socket-address-xxxxxxxxxxxxxxxx";
	assert_int_equal(pal_notify_socket_for(&conf, "runc", &path, &err), -1);
	assert_int_equal(err.errnum, ENAMETOOLONG);
	assert_null(path);
}

static void test_meta(void **state)
{
	static const char *const bad[] = {
	    "",
	    "not json",
	    "{}",
	    "{\"root\":\"/run/runc\",\"errno\":1}",
	    "{\"palisade\":2,\"root\":\"/run/runc\",\"errno\":1}",
	    "{\"palisade\":1,\"root\":\"run/runc\",\"errno\":1}",
	    "{\"palisade\":1,\"root\":1,\"errno\":1}",
	    "{\"palisade\":1,\"root\":\"/run/runc\",\"errno\":0}",
	    "{\"palisade\":1,\"root\":\"/run/runc\",\"errno\":4096}",
	    "{\"palisade\":1,\"root\":\"/run/runc\",\"errno\":-1}",
	    "{\"palisade\":1,\"root\":\"/run/runc\",\"errno\":\"EPERM\"}",
	    "{\"palisade\":1,\"root\":\"/run/runc\"}",
	};
	struct pal_notify_meta m;
	pal_error err = {0};
	char *text;

	(void)state;
	assert_int_equal(pal_notify_meta_format("/run/containerd/runc/k8s.io", 13, &text, &err), 0);
	assert_string_equal(text, "{\"palisade\":1,\"root\":\"/run/containerd/runc/k8s.io\","
				  "\"errno\":13}");
	assert_int_equal(pal_notify_meta_parse(text, &m, &err), 0);
	assert_string_equal(m.root, "/run/containerd/runc/k8s.io");
	assert_int_equal(m.errnum, 13);
	pal_notify_meta_free(&m);
	free(text);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		pal_err_clear(&err);
		if (pal_notify_meta_parse(bad[i], &m, &err) != -1 || err.errnum != EINVAL)
			fail_msg("accepted: %s", bad[i]);
		assert_null(m.root);
	}
	assert_int_equal(pal_notify_meta_parse(NULL, &m, &err), -1);
}

static void test_hello(void **state)
{
	static const char *const bad[] = {
	    /* fds */
	    "{\"fds\":[],\"pid\":1,\"metadata\":\"{\\\"palisade\\\":1,\\\"root\\\":\\\"/r\\\","
	    "\\\"errno\\\":1}\",\"state\":{\"id\":\"c\"}}",
	    "{\"fds\":[\"seccompFd\",\"seccompFd\"],\"pid\":1,\"metadata\":\"{\\\"palisade\\\":1,"
	    "\\\"root\\\":\\\"/r\\\",\\\"errno\\\":1}\",\"state\":{\"id\":\"c\"}}",
	    "{\"fds\":[\"other\"],\"pid\":1,\"metadata\":\"{\\\"palisade\\\":1,\\\"root\\\":"
	    "\\\"/r\\\",\\\"errno\\\":1}\",\"state\":{\"id\":\"c\"}}",
	    /* pid */
	    "{\"fds\":[\"seccompFd\"],\"pid\":0,\"metadata\":\"{\\\"palisade\\\":1,\\\"root\\\":"
	    "\\\"/r\\\",\\\"errno\\\":1}\",\"state\":{\"id\":\"c\"}}",
	    /* no metadata (a listener of someone else's, or runc without it) */
	    "{\"fds\":[\"seccompFd\"],\"pid\":1,\"state\":{\"id\":\"c\"}}",
	    "{\"fds\":[\"seccompFd\"],\"pid\":1,\"metadata\":\"agent\",\"state\":{\"id\":\"c\"}}",
	    /* state */
	    "{\"fds\":[\"seccompFd\"],\"pid\":1,\"metadata\":\"{\\\"palisade\\\":1,\\\"root\\\":"
	    "\\\"/r\\\",\\\"errno\\\":1}\",\"state\":{\"id\":\"\"}}",
	    "{\"fds\":[\"seccompFd\"],\"pid\":1,\"metadata\":\"{\\\"palisade\\\":1,\\\"root\\\":"
	    "\\\"/r\\\",\\\"errno\\\":1}\"}",
	    "{}",
	};
	struct pal_notify_hello h;
	pal_error err = {0};

	(void)state;
	assert_int_equal(pal_notify_hello_parse(RUNC_HELLO, strlen(RUNC_HELLO), &h, &err), 0);
	assert_string_equal(h.id, "x1");
	assert_string_equal(h.bundle, "/tmp/it/b1");
	assert_int_equal(h.pid, 22510);
	assert_string_equal(h.meta.root, "/tmp/it/root");
	assert_int_equal(h.meta.errnum, 1);
	pal_notify_hello_free(&h);
	/* a piece of it is not a message: the listener waits for more */
	assert_int_equal(pal_notify_hello_parse(RUNC_HELLO, 100, &h, &err), -1);
	assert_int_not_equal(err.errnum, EINVAL);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		pal_err_clear(&err);
		if (pal_notify_hello_parse(bad[i], strlen(bad[i]), &h, &err) != -1 ||
		    err.errnum != EINVAL)
			fail_msg("accepted: %s (%s)", bad[i], err.msg);
		assert_null(h.id);
	}
}

/* ------------------------------------------------------------ kernel */

struct live {
	char *dir;
	struct pal_conf conf;
	struct pal_notify *n;
	int ep;
	size_t seen, bad;
	pid_t expect_tid;
};

static void on_violation(void *ctx, const struct pal_violation *v)
{
	struct live *l = ctx;
	yajl_val sc = pal_json_get(v->detail, "syscall");
	yajl_val en = pal_json_get(v->detail, "errno");
	yajl_val args = pal_json_get(v->detail, "args");

	l->seen++;
	if (strcmp(v->source, "seccomp-notify") || strcmp(v->verdict, "deny") ||
	    !YAJL_IS_STRING(sc) || strcmp(sc->u.string, "getppid") || !YAJL_IS_NUMBER(en) ||
	    strcmp(en->u.number.r, "1") || !YAJL_IS_ARRAY(args) || args->u.array.len != 6 ||
	    (l->expect_tid && v->tid != (uint32_t)l->expect_tid) || v->attr)
		l->bad++;
}

static int live_setup(void **state)
{
	struct live *l = calloc(1, sizeof(*l));
	pal_error err = {0};

	assert_non_null(l);
	l->dir = pal_test_tmpdir();
	assert_non_null(l->dir);
	l->conf.state_dir = l->dir;
	l->ep = epoll_create1(EPOLL_CLOEXEC);
	assert_true(l->ep >= 0);
	if (pal_notify_open(&l->conf, on_violation, l, &l->n, &err) < 0)
		fail_msg("pal_notify_open: %s", err.msg);
	if (pal_notify_attach(l->n, l->ep, &err) < 0)
		fail_msg("pal_notify_attach: %s", err.msg);
	*state = l;
	return 0;
}

static int live_teardown(void **state)
{
	struct live *l = *state;
	char path[4096];

	snprintf(path, sizeof(path), "%s/seccomp.sock", l->dir);
	pal_notify_close(l->n);
	assert_int_equal(access(path, F_OK), -1); /* removed */
	close(l->ep);
	pal_test_rmtree(l->dir);
	free(l->dir);
	free(l);
	return 0;
}

/* Serve events for up to MS milliseconds, or until DONE (when not NULL)
 * says so. */
static void serve(struct live *l, int ms, bool (*done)(struct live *, void *), void *arg)
{
	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		struct epoll_event evs[8];
		int n = epoll_wait(l->ep, evs, 8, 10);

		for (int i = 0; i < n; i++)
			assert_true(pal_notify_handle(l->n, evs[i].data.fd, evs[i].events));
		if (done && done(l, arg))
			return;
		clock_gettime(CLOCK_MONOTONIC, &t);
		if ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000 > ms)
			return;
	}
}

static int connect_to(const struct live *l)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/seccomp.sock", l->dir);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -1;
	return fd;
}

static int send_with_fds(int sock, const char *buf, size_t len, const int *fds, size_t nfds)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(4 * sizeof(int))];
	} ctl = {0};
	struct iovec iov = {.iov_base = (void *)buf, .iov_len = len};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};

	if (nfds) {
		struct cmsghdr *c;

		msg.msg_control = ctl.buf;
		msg.msg_controllen = CMSG_SPACE(nfds * sizeof(int));
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(nfds * sizeof(int));
		memcpy(CMSG_DATA(c), fds, nfds * sizeof(int));
	}
	return sendmsg(sock, &msg, MSG_NOSIGNAL) == (ssize_t)len ? 0 : -1;
}

#define CALLS 200
#define BENCH 10000

/* The child: runc and the container.  NOTIFY or (bench) ERRNO for
 * getppid, N calls, exit 0 when every one failed with EPERM. */
static void child(const struct live *l, bool notify, int n, bool split)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	char msg[1024];
	int sock = -1, nfd, eperm = 0;
	size_t len, half;

	if (notify && (sock = connect_to(l)) < 0)
		_exit(10);
	if (!ctx ||
	    seccomp_rule_add(ctx, notify ? SCMP_ACT_NOTIFY : SCMP_ACT_ERRNO(EPERM),
			     SCMP_SYS(getppid), 0) < 0 ||
	    seccomp_load(ctx) < 0)
		_exit(11);
	if (notify) {
		nfd = seccomp_notify_fd(ctx);
		if (nfd < 0)
			_exit(12);
		len = (size_t)snprintf(
		    msg, sizeof(msg),
		    "{\"ociVersion\":\"1.0.2\",\"fds\":[\"seccompFd\"],\"pid\":%d,\"metadata\":"
		    "\"{\\\"palisade\\\":1,\\\"root\\\":\\\"/nonexistent\\\",\\\"errno\\\":1}\","
		    "\"state\":{\"ociVersion\":\"1.0.2\",\"id\":\"t1\",\"status\":\"creating\","
		    "\"pid\":%d,\"bundle\":\"/b\"}}",
		    (int)getpid(), (int)getpid());
		half = split ? len / 2 : len;
		if (send_with_fds(sock, msg, half, &nfd, 1) < 0)
			_exit(13);
		if (split) {
			usleep(50000);
			if (send_with_fds(sock, msg + half, len - half, NULL, 0) < 0)
				_exit(14);
		}
		close(nfd); /* the listener has it; SOCK stays open, as runc's */
	}
	for (int i = 0; i < n; i++)
		if (syscall(SYS_getppid) == -1 && errno == EPERM)
			eperm++;
	_exit(eperm == n ? 0 : 1);
}

struct waitc {
	pid_t pid;
	int status;
	bool exited;
};

static bool child_gone(struct live *l, void *arg)
{
	struct waitc *w = arg;

	if (!w->exited && waitpid(w->pid, &w->status, WNOHANG) == w->pid)
		w->exited = true;
	return w->exited && pal_notify_count(l->n) == 0;
}

static double run_child(struct live *l, bool notify, int n, bool split, struct waitc *w)
{
	struct timespec t0, t1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	*w = (struct waitc){.pid = fork()};
	assert_true(w->pid >= 0);
	if (w->pid == 0)
		child(l, notify, n, split);
	l->expect_tid = w->pid;
	if (notify) {
		serve(l, 20000, child_gone, w);
	} else {
		assert_int_equal(waitpid(w->pid, &w->status, 0), w->pid);
		w->exited = true;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (!w->exited) {
		kill(w->pid, SIGKILL);
		waitpid(w->pid, &w->status, 0);
		fail_msg("the child did not finish");
	}
	return (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
}

static void test_live(void **state)
{
	struct live *l = *state;
	struct waitc w;

	l->seen = l->bad = 0;
	run_child(l, true, CALLS, true, &w);
	assert_true(WIFEXITED(w.status));
	assert_int_equal(WEXITSTATUS(w.status), 0); /* every call EPERM */
	assert_int_equal(l->seen, CALLS);            /* every call reported once */
	assert_int_equal(l->bad, 0);
	assert_int_equal(pal_notify_count(l->n), 0); /* its fd dropped at exit */
}

/* A client that sends BUF with FDS, then sees whether the listener closed
 * the connection (it refused) within a second. */
static void refused(struct live *l, const char *buf, const int *fds, size_t nfds)
{
	int sock = connect_to(l);
	char c;

	assert_true(sock >= 0);
	assert_int_equal(send_with_fds(sock, buf, strlen(buf), fds, nfds), 0);
	if (!nfds || fds[0] < 0)
		shutdown(sock, SHUT_WR); /* EOF: the message is final */
	serve(l, 300, NULL, NULL);
	assert_int_equal(pal_notify_count(l->n), 0);
	struct pollfd p = {.fd = sock, .events = POLLIN};
	assert_int_equal(poll(&p, 1, 1000), 1);
	assert_int_equal(read(sock, &c, 1), 0); /* closed by the listener */
	close(sock);
}

static void test_refusals(void **state)
{
	struct live *l = *state;
	int pfd[2], two[2];

	assert_int_equal(pipe2(pfd, O_CLOEXEC), 0);
	l->seen = 0;
	/* runc's message without its fd */
	refused(l, RUNC_HELLO, NULL, 0);
	/* with a fd that is not a notify fd */
	refused(l, RUNC_HELLO, pfd, 1);
	/* two fds */
	two[0] = pfd[0];
	two[1] = pfd[1];
	refused(l, RUNC_HELLO, two, 2);
	/* not a message at all */
	refused(l, "{\"hello\":", NULL, 0);
	close(pfd[0]);
	close(pfd[1]);
	assert_int_equal(l->seen, 0);
	/* and the listener still serves */
	test_live(state);
}

/* Not a pass/fail test: what a denied call costs through the listener
 * (without the log write the monitor adds) against SCMP_ACT_ERRNO. */
static void test_cost(void **state)
{
	struct live *l = *state;
	struct waitc w;
	double tn, te;

	l->seen = l->bad = 0;
	tn = run_child(l, true, BENCH, false, &w);
	assert_int_equal(WEXITSTATUS(w.status), 0);
	assert_int_equal(l->seen, BENCH);
	te = run_child(l, false, BENCH, false, &w);
	assert_int_equal(WEXITSTATUS(w.status), 0);
	print_message("# %d denied getppid calls: %.3f s through the listener (%.1f us each), "
		      "%.3f s by SCMP_ACT_ERRNO (fork and filter load included in both)\n",
		      BENCH, tn, tn * 1e6 / BENCH, te);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_socket_for),
	    cmocka_unit_test(test_meta),
	    cmocka_unit_test(test_hello),
	    cmocka_unit_test_setup_teardown(test_live, live_setup, live_teardown),
	    cmocka_unit_test_setup_teardown(test_refusals, live_setup, live_teardown),
	    cmocka_unit_test_setup_teardown(test_cost, live_setup, live_teardown),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests_name("notify", tests, NULL, NULL);
}
