/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/epoll.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "palisade/attribute.h"
#include "palisade/audit.h"
#include "palisade/bpf.h"
#include "palisade/cleanup.h"
#include "palisade/json.h"
#include "palisade/metrics.h"
#include "palisade/monitor.h"
#include "palisade/notify.h"
#include "palisade/sink.h"
#include "palisade/util.h"
#include "palisade/violation.h"

#define CACHE_N 256        /* containers remembered (bounded memory) */
#define NEGATIVE_TTL 2     /* seconds an unknown cgroup is not looked up again */
#define TICK_MS 1000       /* drops, counters, metrics file */

struct cached {
	uint64_t cgid;
	bool known;
	time_t at;
	uint64_t suppressed; /* pal_cstate.suppressed already reported */
	struct pal_attr attr;
};

struct mon {
	const struct pal_conf *conf;
	struct pal_sink *sink;
	struct pal_metrics *metrics;
	char *metrics_path;
	struct pal_bpf_reader *bpf;
	struct pal_audit *audit;
	struct pal_notify *notify; /* seccomp user notification (notify.h) */
	struct cached cache[CACHE_N];
	size_t next;
	uint64_t bpf_drops, audit_drops; /* already reported */
	bool dirty;                      /* metrics changed since written */
};

/* ------------------------------------------------------------ attribution */

static struct cached *lookup(struct mon *m, uint64_t cgid)
{
	struct cached *c = NULL;
	time_t now = time(NULL);
	pal_error e = {0};

	for (size_t i = 0; i < CACHE_N; i++)
		if (m->cache[i].cgid == cgid && cgid) {
			c = &m->cache[i];
			break;
		}
	if (c && (c->known || now - c->at < NEGATIVE_TTL))
		return c;
	if (!c) {
		c = &m->cache[m->next];
		m->next = (m->next + 1) % CACHE_N;
		pal_attr_free(&c->attr);
		*c = (struct cached){.cgid = cgid};
	}
	c->at = now;
	c->known = pal_attr_by_cgroup(m->conf, cgid, &c->attr, &e) == 0;
	return c;
}

/* ------------------------------------------------------------ output */

static void emit(struct mon *m, struct pal_violation *v)
{
	pal_error e = {0};

	if (pal_sink_violation(m->sink, v, &e) < 0)
		fprintf(stderr, "palisade monitor: %s\n", e.msg);
	pal_metrics_count(m->metrics, v);
	m->dirty = true;
}

static uint64_t realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* A drop report: a line of its own, so the log says what it misses.
 * TOTAL is the kernel's cumulative count (it survives a monitor restart,
 * so a restarted monitor repeats a total rather than adding to it), N what
 * is new since this monitor last said so. */
static void emit_drops(struct mon *m, const char *source, const char *reason, uint64_t total,
		       uint64_t n, const struct cached *c)
{
	_cleanup_yajl_val_ yajl_val detail = pal_json_new_object();
	char num[24];
	pal_error e = {0};
	struct pal_violation v = {
	    .time_ns = realtime_ns(),
	    .source = source,
	    .cgroup_id = c ? c->cgid : 0,
	    .hook = "monitor",
	    .rule = "drops",
	    .verdict = "dropped",
	    .attr = c && c->known ? &c->attr : NULL,
	};

	if (!detail || pal_json_set(detail, "reason", pal_json_new_string(reason), &e) < 0)
		return;
	snprintf(num, sizeof(num), "%llu", (unsigned long long)total);
	if (pal_json_set(detail, "total", pal_json_new_number(num), &e) < 0)
		return;
	snprintf(num, sizeof(num), "%llu", (unsigned long long)n);
	if (pal_json_set(detail, "new", pal_json_new_number(num), &e) < 0)
		return;
	v.detail = detail;
	pal_metrics_dropped(m->metrics, source, reason, n);
	emit(m, &v);
}

/* ------------------------------------------------------------ sources */

static int on_bpf(void *ctx, const struct pal_bpf_event *ev, pal_error *err)
{
	struct mon *m = ctx;
	_cleanup_free_ char *detail_text = NULL;
	_cleanup_yajl_val_ yajl_val detail = NULL;
	struct timespec boot;
	struct cached *c = lookup(m, ev->cgroup_id);
	struct pal_violation v = {
	    .source = "bpf",
	    .cgroup_id = ev->cgroup_id,
	    .pid = ev->pid,
	    .tid = ev->tid,
	    .uid = ev->uid,
	    .hook = pal_bpf_hook_name(ev->hook),
	    .rule = pal_bpf_rule_name(ev->rule),
	    .verdict = pal_bpf_verdict_name(ev->verdict),
	    .attr = c->known ? &c->attr : NULL,
	};

	(void)err;
	/* the event's boot-clock time, on the wall clock */
	clock_gettime(CLOCK_BOOTTIME, &boot);
	v.time_ns = realtime_ns() -
		    ((uint64_t)boot.tv_sec * 1000000000ull + (uint64_t)boot.tv_nsec - ev->ts_boot_ns);
	memcpy(v.comm, ev->comm, sizeof(ev->comm));
	v.comm[sizeof(ev->comm)] = '\0';
	if (pal_bpf_event_detail_json(ev, &detail_text, err) == 0)
		(void)pal_json_parse(detail_text, strlen(detail_text), "detail", &detail, err);
	pal_err_clear(err);
	v.detail = detail;
	emit(m, &v);
	return 0;
}

static int on_audit(void *ctx, const struct pal_violation *in, pal_error *err)
{
	struct mon *m = ctx;
	struct pal_violation v = *in;
	struct pal_attr attr = {0};
	uint64_t cgid = 0;
	pal_error e = {0};

	(void)err;
	if (pal_attr_by_pid(m->conf, (pid_t)v.pid, &cgid, &attr, &e) < 0 && cgid) {
		/* a live process of no container of ours (a host service's own
		 * seccomp log): not a container's violation */
		return 0;
	}
	v.cgroup_id = cgid;
	v.attr = attr.id ? &attr : NULL; /* gone (killed): not attributable */
	emit(m, &v);
	pal_attr_free(&attr);
	return 0;
}

/* A denied call that Palisade's seccomp listener answered (notify.c). */
static void on_notify(void *ctx, const struct pal_violation *v)
{
	struct pal_violation copy = *v;

	emit(ctx, &copy);
}

/* Events over a container's rate, for every registered container (the
 * cgroup index), not only those this monitor has heard from. */
static void account_suppressed(struct mon *m)
{
	_cleanup_free_ char *dir = NULL;
	struct dirent *de;
	DIR *d;

	if (asprintf(&dir, "%s/cgroups", m->conf->state_dir) < 0 || !(d = opendir(dir)))
		return;
	while ((de = readdir(d))) {
		struct pal_bpf_cstate cs;
		pal_error e = {0};
		struct cached *c;
		char *end;
		uint64_t cgid = strtoull(de->d_name, &end, 10);

		if (end == de->d_name || strcmp(end, ".json") != 0 ||
		    pal_bpf_lookup(m->conf->bpf_dir, cgid, NULL, &cs, &e) < 0 || !cs.suppressed)
			continue;
		c = lookup(m, cgid);
		if (cs.suppressed > c->suppressed) {
			emit_drops(m, "bpf", "rate_limited", cs.suppressed,
				   cs.suppressed - c->suppressed, c);
			c->suppressed = cs.suppressed;
		}
	}
	closedir(d);
}

/* Once a tick: what the kernel counted and did not send. */
static void account_drops(struct mon *m)
{
	pal_error e = {0};
	uint64_t n;

	if (m->bpf && pal_bpf_drops(m->conf->bpf_dir, &n, &e) == 0 && n > m->bpf_drops) {
		emit_drops(m, "bpf", "ringbuf_full", n, n - m->bpf_drops, NULL);
		m->bpf_drops = n;
	}
	if (m->bpf)
		account_suppressed(m);
	if (m->audit && (n = pal_audit_dropped(m->audit)) > m->audit_drops) {
		emit_drops(m, "audit", "overrun", n, n - m->audit_drops, NULL);
		m->audit_drops = n;
	}
	if (m->dirty && pal_metrics_write(m->metrics, m->metrics_path, &e) == 0)
		m->dirty = false;
	else if (m->dirty)
		fprintf(stderr, "palisade monitor: %s\n", e.msg);
}

/* ------------------------------------------------------------ set-up */

static int lock_path(const struct pal_conf *conf, const char *name, char **out, pal_error *err)
{
	if (asprintf(out, "%s/%s", conf->state_dir, name) < 0) {
		*out = NULL;
		return pal_err(err, ENOMEM, "monitor");
	}
	return 0;
}

/* The lock that keeps the monitor single: FD on success. */
static int take_lock(const struct pal_conf *conf, bool wait, pal_error *err)
{
	_cleanup_free_ char *path = NULL;
	_cleanup_close_ int fd = -1;

	if (pal_mkdir_p(conf->state_dir, 0700, err) < 0 || lock_path(conf, "monitor.lock", &path, err) < 0)
		return -1;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return pal_err(err, errno, "%s", path);
	if (flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB)) < 0)
		return pal_err(err, errno, "%s", path);
	return steal_fd(&fd);
}

static void running_pid(const struct pal_conf *conf, char *buf, size_t size)
{
	_cleanup_free_ char *path = NULL, *text = NULL;
	pal_error e = {0};
	size_t len;

	snprintf(buf, size, "?");
	if (lock_path(conf, "monitor.pid", &path, &e) == 0 &&
	    pal_read_file(AT_FDCWD, path, O_NOFOLLOW, 64, &text, &len, NULL, &e) == 0)
		snprintf(buf, size, "%.*s", (int)strcspn(text, "\n"), text);
}

/* Every capability but CAP_BPF, from every set and the bounding set. */
static int drop_capabilities(pal_error *err)
{
	cap_value_t keep[] = {CAP_BPF};
	cap_t caps = cap_init();
	int r = -1;

	if (!caps)
		return pal_err(err, errno, "cap_init");
	if (cap_set_flag(caps, CAP_EFFECTIVE, 1, keep, CAP_SET) < 0 ||
	    cap_set_flag(caps, CAP_PERMITTED, 1, keep, CAP_SET) < 0) {
		pal_err(err, errno, "cap_set_flag");
		goto out;
	}
	for (cap_value_t c = 0; c <= CAP_LAST_CAP; c++)
		if (c != CAP_BPF && prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL) {
			pal_err(err, errno, "dropping capability %d from the bounding set", c);
			goto out;
		}
	if (cap_set_proc(caps) < 0) {
		pal_err(err, errno, "cap_set_proc");
		goto out;
	}
	r = 0;
out:
	cap_free(caps);
	return r;
}

static int open_sink(struct mon *m, pal_error *err)
{
	struct pal_sink_opts o = {
	    .path = m->conf->monitor.log,
	    .max_bytes = m->conf->monitor.log_max_bytes,
	    .keep = m->conf->monitor.log_keep,
	    .syslog = m->conf->monitor.syslog,
	};

	return pal_sink_open(&o, &m->sink, err);
}

static int add_fd(int ep, int fd, pal_error *err)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.fd = fd};

	if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0)
		return pal_err(err, errno, "epoll_ctl");
	return 0;
}

static void mon_free(struct mon *m)
{
	for (size_t i = 0; i < CACHE_N; i++)
		pal_attr_free(&m->cache[i].attr);
	if (m->bpf)
		pal_bpf_reader_free(m->bpf);
	if (m->audit)
		pal_audit_close(m->audit);
	pal_notify_close(m->notify); /* removes the socket */
	if (m->sink)
		pal_sink_close(m->sink);
	if (m->metrics)
		pal_metrics_free(m->metrics);
	free(m->metrics_path);
}

/* ------------------------------------------------------------ main */

static int run(struct mon *m, pal_error *err)
{
	_cleanup_close_ int ep = epoll_create1(EPOLL_CLOEXEC), sfd = -1, tfd = -1;
	struct itimerspec tick = {.it_interval = {.tv_sec = TICK_MS / 1000},
				  .it_value = {.tv_sec = TICK_MS / 1000}};
	sigset_t mask;

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	if (ep < 0 || sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
		return pal_err(err, errno, "monitor set-up");
	sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	if (sfd < 0 || tfd < 0 || timerfd_settime(tfd, 0, &tick, NULL) < 0)
		return pal_err(err, errno, "monitor set-up");
	if (add_fd(ep, sfd, err) < 0 || add_fd(ep, tfd, err) < 0 ||
	    (m->bpf && add_fd(ep, pal_bpf_reader_fd(m->bpf), err) < 0) ||
	    (m->audit && add_fd(ep, pal_audit_fd(m->audit), err) < 0) ||
	    (m->notify && pal_notify_attach(m->notify, ep, err) < 0))
		return -1;
	/* what the kernel kept while no monitor ran */
	if (m->bpf && pal_bpf_reader_poll(m->bpf, 0, err) < 0)
		return -1;

	for (;;) {
		struct epoll_event evs[8];
		int n = epoll_wait(ep, evs, 8, -1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return pal_err(err, errno, "epoll_wait");
		for (int i = 0; i < n; i++) {
			int fd = evs[i].data.fd;

			if (fd == sfd) {
				struct signalfd_siginfo si;

				if (read(sfd, &si, sizeof(si)) != sizeof(si))
					continue;
				if (si.ssi_signo != SIGHUP) {
					account_drops(m);
					return 0;
				}
				if (pal_sink_rotate(m->sink, err) < 0)
					return -1;
			} else if (fd == tfd) {
				uint64_t expirations;

				if (read(tfd, &expirations, sizeof(expirations)) > 0)
					account_drops(m);
			} else if (m->bpf && fd == pal_bpf_reader_fd(m->bpf)) {
				if (pal_bpf_reader_poll(m->bpf, 0, err) < 0)
					return -1;
			} else if (m->audit && fd == pal_audit_fd(m->audit)) {
				if (pal_audit_read(m->audit, on_audit, m, err) < 0)
					return -1;
			} else if (m->notify) {
				(void)pal_notify_handle(m->notify, fd, evs[i].events);
			}
		}
	}
}

int pal_monitor_main(const struct pal_conf *conf, int argc, char **argv, pal_error *err)
{
	_cleanup_close_ int lock = -1;
	_cleanup_free_ char *pidfile = NULL, *lockdir = NULL;
	struct mon m = {.conf = conf};
	struct pal_bpf_status st;
	char pid[32], who[32];
	int r = -1;

	if (argc != 1)
		return pal_err(err, EINVAL, "usage: palisade monitor (it runs until SIGTERM)");
	lock = take_lock(conf, false, err);
	if (lock < 0) {
		if (err->errnum != EWOULDBLOCK)
			return -1;
		running_pid(conf, who, sizeof(who));
		return pal_err(err, EBUSY, "a palisade monitor already runs (pid %s, lock %s/monitor.lock)",
			       who, conf->state_dir);
	}
	if (lock_path(conf, "monitor.pid", &pidfile, err) < 0)
		return -1;

	if (conf->monitor.metrics)
		m.metrics_path = strdup(conf->monitor.metrics);
	else if (asprintf(&m.metrics_path, "%s/metrics.prom", conf->state_dir) < 0)
		m.metrics_path = NULL;
	m.metrics = pal_metrics_new();
	if (!m.metrics_path || !m.metrics) {
		pal_err(err, ENOMEM, "monitor");
		goto out;
	}
	if (open_sink(&m, err) < 0)
		goto out;
	/* BPF events need the objects loaded; the monitor may come first */
	if (asprintf(&lockdir, "%s/bpf.lock", conf->state_dir) < 0) {
		pal_err(err, ENOMEM, "monitor");
		goto out;
	}
	if (pal_bpf_ensure(conf->bpf_dir, lockdir, &st, err) < 0 ||
	    pal_bpf_reader_open(conf->bpf_dir, on_bpf, &m, &m.bpf, err) < 0) {
		fprintf(stderr, "palisade monitor: no BPF events: %s\n", err->msg);
		pal_err_clear(err);
	}
	if (pal_audit_open(&m.audit, err) < 0) {
		fprintf(stderr, "palisade monitor: no seccomp audit records: %s\n", err->msg);
		pal_err_clear(err);
	}
	/* runc create connects here when the seccomp rule chose notification
	 * (notify.h): without it those creates fail, so no monitor runs */
	if (pal_notify_open(conf, on_notify, &m, &m.notify, err) < 0)
		goto out;
	if (drop_capabilities(err) < 0)
		goto out;
	/* the pid file says: set up, running */
	snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	{
		_cleanup_close_ int dir =
		    open(conf->state_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		if (dir < 0) {
			pal_err(err, errno, "%s", conf->state_dir);
			goto out;
		}
		if (pal_write_file_atomic(dir, "monitor.pid", pid, strlen(pid), 0644, err) < 0)
			goto out;
	}
	r = run(&m, err);
	if (r == 0 && m.dirty)
		(void)pal_metrics_write(m.metrics, m.metrics_path, err);
out:
	(void)unlink(pidfile);
	mon_free(&m);
	return r < 0 ? -1 : 0;
}

/* Wait until a monitor has written its pid file, i.e. is set up: runc
 * create connects to its seccomp socket (notify.h).  The lock is not
 * probed here: holding it for a moment could make a starting monitor
 * believe another runs. */
#define READY_WAIT_MS 5000
static int wait_ready(const struct pal_conf *conf, pal_error *err)
{
	_cleanup_free_ char *pidfile = NULL;

	if (lock_path(conf, "monitor.pid", &pidfile, err) < 0)
		return -1;
	for (int ms = 0; ms < READY_WAIT_MS; ms += 5) {
		if (access(pidfile, F_OK) == 0)
			return 0;
		usleep(5000);
	}
	return pal_err(err, ETIMEDOUT,
		       "no palisade monitor was set up after %d ms (run `palisade monitor` "
		       "to see why)",
		       READY_WAIT_MS);
}

int pal_monitor_ensure(const struct pal_conf *conf, pal_error *err)
{
	_cleanup_close_ int lock = -1;
	_cleanup_free_ char *pidfile = NULL;
	pid_t pid;
	int st;

	if (conf->monitor.autostart == PAL_AUTOSTART_OFF)
		return 0;
	lock = take_lock(conf, false, err);
	if (lock < 0) {
		if (err->errnum != EWOULDBLOCK)
			return -1;
		pal_err_clear(err);
		return wait_ready(conf, err); /* one runs, or is setting up */
	}
	if (conf->monitor.autostart == PAL_AUTOSTART_REFUSE)
		return pal_err(err, ESRCH,
			       "no palisade monitor runs (monitor.autostart is \"refuse\"): start "
			       "it (systemctl start palisade-monitor) so that violations are logged");
	/* a pid file without the lock is a killed monitor's: not "ready" */
	if (lock_path(conf, "monitor.pid", &pidfile, err) < 0)
		return -1;
	(void)unlink(pidfile);
	/* free the lock for the monitor, then start it detached: its own
	 * session, stdio on /dev/null, not a child of the runtime */
	close(steal_fd(&lock));
	pid = fork();
	if (pid < 0)
		return pal_err(err, errno, "starting the monitor");
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);

		if (null < 0 || setsid() < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 ||
		    dup2(null, 2) < 0)
			_exit(127);
		if (fork() != 0)
			_exit(0);
		execl("/proc/self/exe", "palisade", "monitor", (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return pal_err(err, errno, "starting the monitor");
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return pal_err(err, ECHILD, "starting the monitor failed");
	return wait_ready(conf, err);
}
