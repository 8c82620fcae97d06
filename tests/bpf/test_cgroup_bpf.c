/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel side of the cgroup-BPF hooks (src/bpf/cgroup.bpf.c), tested
 * alone: no loader, no runc.  It loads the cgroup skeleton with its maps
 * pinned in a private bpffs directory, registers a policy for a fresh
 * cgroup v2 directory by writing the maps itself (the layouts of
 * bpf_abi.h), attaches the programs, and runs a probe (this binary,
 * re-exec'd) inside and outside that cgroup:
 *   - before the first exec the policy is pending: nothing is denied;
 *   - after it: raw socket, UDP connect to a denied address (also as an
 *     IPv4-mapped IPv6 address), UDP sendto it, sysctl write get EPERM; an allowed address
 *     and a sysctl read pass; each denial is one ring buffer event;
 *   - a nested cgroup is governed by its registered ancestor;
 *   - outside the cgroup nothing is denied and no event is produced;
 *   - audit mode allows and reports; the rate limiter counts, not floods.
 * It also loads the LSM object against the same pins: on a kernel without
 * BPF LSM (this project's host) that must fail with EPERM and leave the
 * shared pins alone.
 *
 * TAP output; needs root, bpffs and cgroup v2 (else a SKIP plan, or a
 * bail-out under CI=true as the integration tests do).  Everything it
 * makes is removed on every path.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "palisade/bpf_abi.h"

#include "cgroup.skel.h"
#include "lsm.skel.h"

#define SYSCTL "/proc/sys/kernel/hostname"

/* this binary, run again as the probe: by its real path, so that the
 * probe's comm is its name and not "exe" */
static char self[4096];

/* ------------------------------------------------------------ the probe */

/* What one probe saw: the errno of each operation, 0 for success. */
struct probe {
	int raw, udp_denied, udp_allowed, mapped_denied, sendto_denied, sysctl_write, sysctl_read;
};

static int udp_connect(int family, const char *addr)
{
	struct sockaddr_storage ss = {0};
	socklen_t len;
	int fd, e = 0;

	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(9);
		inet_pton(AF_INET, addr, &sin->sin_addr);
		len = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(9);
		inet_pton(AF_INET6, addr, &sin6->sin6_addr);
		len = sizeof(*sin6);
	}
	fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return errno;
	if (connect(fd, (struct sockaddr *)&ss, len) < 0)
		e = errno;
	close(fd);
	return e;
}

/* An unconnected UDP send: cgroup/sendmsg4, not connect4. */
static int udp_sendto(const char *addr)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(9)};
	int fd, e = 0;

	inet_pton(AF_INET, addr, &sin.sin_addr);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return errno;
	if (sendto(fd, "x", 1, 0, (struct sockaddr *)&sin, sizeof(sin)) < 0)
		e = errno;
	close(fd);
	return e;
}

static int raw_socket(void)
{
	int fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

/* Write the sysctl's own value back: harmless where it is not denied. */
static void sysctl_probe(struct probe *pr)
{
	char buf[256];
	ssize_t n;
	int fd = open(SYSCTL, O_RDONLY | O_CLOEXEC);

	pr->sysctl_read = pr->sysctl_write = 0;
	if (fd < 0 || (n = read(fd, buf, sizeof(buf))) < 0) {
		pr->sysctl_read = pr->sysctl_write = errno;
		if (fd >= 0)
			close(fd);
		return;
	}
	close(fd);
	fd = open(SYSCTL, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, buf, n) != n)
		pr->sysctl_write = errno;
	if (fd >= 0)
		close(fd);
}

static void probe(struct probe *pr)
{
	pr->raw = raw_socket();
	pr->udp_denied = udp_connect(AF_INET, "127.0.0.2");
	pr->udp_allowed = udp_connect(AF_INET, "127.0.0.1");
	pr->mapped_denied = udp_connect(AF_INET6, "::ffff:127.0.0.2");
	pr->sendto_denied = udp_sendto("127.0.0.2");
	sysctl_probe(pr);
}

/* "probe": one probe to stdout; "flood N": N raw sockets, how many failed. */
static int probe_main(int argc, char **argv)
{
	struct probe pr;

	if (argc > 3 && !strcmp(argv[2], "flood")) {
		int n = atoi(argv[3]), eperm = 0;

		for (int i = 0; i < n; i++)
			eperm += raw_socket() == EPERM;
		pr = (struct probe){.raw = eperm};
	} else {
		probe(&pr);
	}
	return write(STDOUT_FILENO, &pr, sizeof(pr)) == sizeof(pr) ? 0 : 1;
}

/* ------------------------------------------------------------- harness */

static int n_tests, n_failed;

static void ok(bool cond, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", cond ? "" : "not ", ++n_tests);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!cond)
		n_failed++;
}

static void diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static int skip_all(const char *why)
{
	const char *ci = getenv("CI");

	if (ci && !strcmp(ci, "true") && !getenv("PAL_SKIP_INTEGRATION")) {
		printf("Bail out! CI=true but: %s\n", why);
		return 1;
	}
	printf("1..0 # SKIP %s\n", why);
	return 0;
}

#define MAX_EVENTS 64
static struct pal_bpf_event events[MAX_EVENTS];
static int n_events;

static int on_event(void *ctx, void *data, size_t size)
{
	if (size >= sizeof(struct pal_bpf_event) && n_events < MAX_EVENTS)
		memcpy(&events[n_events++], data, sizeof(struct pal_bpf_event));
	return 0;
}

/* Events of CGID with HOOK (0: any) seen since the last reset. */
static int count_events(uint64_t cgid, unsigned hook)
{
	int n = 0;

	for (int i = 0; i < n_events; i++)
		n += events[i].cgroup_id == cgid && (!hook || events[i].hook == hook);
	return n;
}

static const struct pal_bpf_event *find_event(uint64_t cgid, unsigned hook)
{
	for (int i = 0; i < n_events; i++)
		if (events[i].cgroup_id == cgid && events[i].hook == hook)
			return &events[i];
	return NULL;
}

/*
 * Run the probe (MODE, ARG: see probe_main) in a child, which first joins
 * CGROUP (NULL: stays where it is) and, when PRE is not NULL, probes once
 * before its exec.  Returns the child's pid, or -1.
 */
/* Called with the probe child's pid before it probes anything: the test
 * makes it the container's init (policy.init_tgid), as the createRuntime
 * hook does with the OCI state's pid. */
static void (*on_fork)(pid_t pid);

static struct env *g_env;
static uint64_t g_cgid;
static void make_init(pid_t pid);

static pid_t run_probe(const char *cgroup, const char *mode, const char *arg, struct probe *pre,
		       struct probe *post)
{
	int pipe_pre[2], pipe_post[2], go[2], status;
	char c = 0;
	pid_t pid;

	if (pipe2(pipe_pre, O_CLOEXEC) < 0 || pipe2(pipe_post, O_CLOEXEC) < 0 ||
	    pipe2(go, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		char procs[512];
		int fd;

		if (cgroup) {
			snprintf(procs, sizeof(procs), "%s/cgroup.procs", cgroup);
			fd = open(procs, O_WRONLY | O_CLOEXEC);
			if (fd < 0 || write(fd, "0", 1) != 1)
				_exit(120);
			close(fd);
		}
		if (read(go[0], &c, 1) != 1)
			_exit(124);
		if (pre) {
			struct probe p;

			probe(&p);
			if (write(pipe_pre[1], &p, sizeof(p)) != sizeof(p))
				_exit(121);
		}
		if (dup2(pipe_post[1], STDOUT_FILENO) < 0)
			_exit(122);
		execl(self, "test_cgroup_bpf", "probe", mode, arg, (char *)NULL);
		_exit(123);
	}
	close(pipe_pre[1]);
	close(pipe_post[1]);
	close(go[0]);
	if (on_fork)
		on_fork(pid);
	if (write(go[1], &c, 1) != 1)
		diag("probe child: cannot start it");
	close(go[1]);
	memset(post, 0xff, sizeof(*post));
	if (pre && read(pipe_pre[0], pre, sizeof(*pre)) != sizeof(*pre))
		memset(pre, 0xff, sizeof(*pre));
	if (read(pipe_post[0], post, sizeof(*post)) != sizeof(*post))
		memset(post, 0xff, sizeof(*post));
	close(pipe_pre[0]);
	close(pipe_post[0]);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status))
		diag("probe child: status 0x%x", status);
	return pid;
}

static int cgroup2_root(char *out, size_t size)
{
	static const char *const roots[] = {"/sys/fs/cgroup/unified", "/sys/fs/cgroup"};
	struct statfs sf;

	for (size_t i = 0; i < sizeof(roots) / sizeof(roots[0]); i++)
		if (statfs(roots[i], &sf) == 0 && sf.f_type == CGROUP2_SUPER_MAGIC) {
			snprintf(out, size, "%s", roots[i]);
			return 0;
		}
	return -1;
}

/* The cgroup id: the 64-bit handle of the cgroup v2 directory. */
static int cgroup_id(const char *path, uint64_t *id)
{
	struct {
		struct file_handle fh;
		uint64_t id;
	} h = {.fh.handle_bytes = sizeof(uint64_t)};
	int mount_id;

	if (name_to_handle_at(AT_FDCWD, path, &h.fh, &mount_id, 0) < 0)
		return -1;
	memcpy(id, h.fh.f_handle, sizeof(*id));
	return 0;
}

struct env {
	char pin_root[256], map_dir[300], cg[512], sub[600];
	bool made_pin_root, made_map_dir, made_cg, made_sub;
	struct pal_cgroup *skel;
	struct bpf_link *links[8];
	int n_links;
	struct ring_buffer *rb;
};

/* on_fork: make PID the init of the registered container g_cgid */
static void make_init(pid_t pid)
{
	struct pal_bpf_policy p;

	if (bpf_map__lookup_elem(g_env->skel->maps.pal_policy, &g_cgid, sizeof(g_cgid), &p,
				 sizeof(p), 0) < 0)
		return;
	p.init_tgid = (uint32_t)pid;
	(void)bpf_map__update_elem(g_env->skel->maps.pal_policy, &g_cgid, sizeof(g_cgid), &p,
				   sizeof(p), BPF_EXIST);
}

static void cleanup(struct env *e)
{
	ring_buffer__free(e->rb);
	for (int i = 0; i < e->n_links; i++)
		bpf_link__destroy(e->links[i]);
	if (e->skel) {
		bpf_object__unpin_maps(e->skel->obj, NULL);
		pal_cgroup__destroy(e->skel);
	}
	if (e->made_sub && rmdir(e->sub) < 0)
		diag("rmdir %s: %s", e->sub, strerror(errno));
	if (e->made_cg && rmdir(e->cg) < 0)
		diag("rmdir %s: %s", e->cg, strerror(errno));
	if (e->made_map_dir && rmdir(e->map_dir) < 0)
		diag("rmdir %s: %s", e->map_dir, strerror(errno));
	if (e->made_pin_root && rmdir(e->pin_root) < 0)
		diag("rmdir %s: %s", e->pin_root, strerror(errno));
}

static int attach(struct env *e, struct bpf_program *prog, int cgfd)
{
	struct bpf_link *l = cgfd >= 0 ? bpf_program__attach_cgroup(prog, cgfd)
				       : bpf_program__attach(prog);

	if (!l) {
		diag("attach %s: %s", bpf_program__name(prog), strerror(errno));
		return -1;
	}
	e->links[e->n_links++] = l;
	return 0;
}

static int libbpf_quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return level == LIBBPF_WARN && getenv("PAL_TEST_VERBOSE") ? vfprintf(stderr, fmt, ap) : 0;
}

static int set_policy(struct env *e, const struct pal_bpf_policy *p, bool reset_cstate)
{
	struct pal_bpf_cstate cs = {0};

	if (bpf_map__update_elem(e->skel->maps.pal_policy, &p->cgroup_id, sizeof(p->cgroup_id), p,
				 sizeof(*p), BPF_ANY) < 0)
		return -1;
	if (reset_cstate && bpf_map__update_elem(e->skel->maps.pal_cstate, &p->cgroup_id,
						 sizeof(p->cgroup_id), &cs, sizeof(cs), BPF_ANY) < 0)
		return -1;
	return 0;
}

static int run(struct env *e)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts);
	struct pal_bpf_policy pol = {0}, got;
	struct pal_bpf_cstate cs;
	struct pal_bpf_net_key nk = {0};
	struct pal_bpf_net_val nv = {.bits = 32};
	struct probe pre, in, nested, out, audit, flood;
	const struct pal_bpf_event *ev;
	struct pal_lsm *lsm;
	struct timespec now;
	char root[256], path[700];
	uint64_t cgid;
	pid_t pid;
	int cgfd, err;

	if (cgroup2_root(root, sizeof(root)) < 0)
		return skip_all("no cgroup v2 mount"), -2;
	snprintf(e->cg, sizeof(e->cg), "%s/palisade-test-%d", root, getpid());
	snprintf(e->sub, sizeof(e->sub), "%s/sub", e->cg);
	if (mkdir(e->cg, 0755) < 0)
		return diag("mkdir %s: %s", e->cg, strerror(errno)), -1;
	e->made_cg = true;
	if (mkdir(e->sub, 0755) < 0)
		return diag("mkdir %s: %s", e->sub, strerror(errno)), -1;
	e->made_sub = true;
	if (cgroup_id(e->cg, &cgid) < 0)
		return diag("cgroup id of %s: %s", e->cg, strerror(errno)), -1;
	cgfd = open(e->cg, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cgfd < 0)
		return -1;

	opts.pin_root_path = e->map_dir;
	e->skel = pal_cgroup__open_opts(&opts);
	if (!e->skel)
		return diag("open cgroup object: %s", strerror(errno)), close(cgfd), -1;
	err = pal_cgroup__load(e->skel);
	ok(err == 0, "cgroup object loads and verifies (%s)", strerror(-err));
	if (err) {
		close(cgfd);
		return -1;
	}
	snprintf(path, sizeof(path), "%s/pal_policy", e->map_dir);
	ok(access(path, F_OK) == 0, "maps pinned by name under the pin root");

	/* register by hand: policy (pending), cstate, one denied address */
	clock_gettime(CLOCK_REALTIME, &now);
	pol.cgroup_id = cgid;
	pol.start_realtime_ns = (uint64_t)now.tv_sec * 1000000000ULL + now.tv_nsec;
	pol.action[PAL_BPF_RULE_RAW_SOCKET] = PAL_BPF_ACT_DENY;
	pol.action[PAL_BPF_RULE_CONNECT] = PAL_BPF_ACT_DENY;
	pol.action[PAL_BPF_RULE_SYSCTL_WRITE] = PAL_BPF_ACT_DENY;
	nk.prefixlen = 32 + 64 + 32;
	nk.family = AF_INET;
	nk.cgroup_id = cgid;
	inet_pton(AF_INET, "127.0.0.2", nk.addr);
	if (set_policy(e, &pol, true) < 0 ||
	    bpf_map__update_elem(e->skel->maps.pal_nets, &nk, sizeof(nk), &nv, sizeof(nv),
				 BPF_ANY) < 0) {
		close(cgfd);
		return diag("register: %s", strerror(errno)), -1;
	}
	if (attach(e, e->skel->progs.pal_cg_sock_create, cgfd) < 0 ||
	    attach(e, e->skel->progs.pal_cg_connect4, cgfd) < 0 ||
	    attach(e, e->skel->progs.pal_cg_connect6, cgfd) < 0 ||
	    attach(e, e->skel->progs.pal_cg_sendmsg4, cgfd) < 0 ||
	    attach(e, e->skel->progs.pal_cg_sysctl, cgfd) < 0 ||
	    attach(e, e->skel->progs.pal_arm_exec, -1) < 0) {
		close(cgfd);
		return -1;
	}
	close(cgfd);
	e->rb = ring_buffer__new(bpf_map__fd(e->skel->maps.pal_events), on_event, NULL, NULL);
	if (!e->rb)
		return -1;

	/* pending, another task than the init (a hook run inside the
	 * container, an exec before start): policed, and its exec arms
	 * nothing */
	run_probe(e->cg, "probe", NULL, &pre, &in);
	ring_buffer__consume(e->rb);
	ok(pre.raw == EPERM && pre.udp_denied == EPERM && in.raw == EPERM,
	   "pending: a task other than the init is policed (raw %d, udp %d; after exec raw %d)",
	   pre.raw, pre.udp_denied, in.raw);
	memset(&got, 0, sizeof(got));
	err = bpf_map__lookup_elem(e->skel->maps.pal_policy, &cgid, sizeof(cgid), &got,
				   sizeof(got), 0);
	ok(err == 0 && !(got.flags & PAL_BPF_F_ARMED),
	   "pending: another task's exec does not arm the policy (flags %#x)", got.flags);
	n_events = 0;

	/* the init: not policed before its exec, which arms the policy */
	g_env = e;
	g_cgid = cgid;
	on_fork = make_init;
	pid = run_probe(e->cg, "probe", NULL, &pre, &in);
	on_fork = NULL;
	ring_buffer__consume(e->rb);
	ok(pre.raw == 0 && pre.udp_denied == 0 && pre.sysctl_write == 0,
	   "pending policy (before the first exec) denies nothing (raw %d, udp %d, sysctl %d)",
	   pre.raw, pre.udp_denied, pre.sysctl_write);
	memset(&got, 0, sizeof(got));
	err = bpf_map__lookup_elem(e->skel->maps.pal_policy, &cgid, sizeof(cgid), &got,
				   sizeof(got), 0);
	ok(err == 0 && (got.flags & PAL_BPF_F_ARMED), "the exec armed the policy (flags %#x)",
	   got.flags);
	ok(in.raw == EPERM, "inside: SOCK_RAW denied with EPERM (errno %d)", in.raw);
	ok(in.udp_denied == EPERM, "inside: UDP connect to 127.0.0.2 denied with EPERM (errno %d)",
	   in.udp_denied);
	ok(in.mapped_denied == EPERM,
	   "inside: connect to ::ffff:127.0.0.2 denied as its IPv4 address (errno %d)",
	   in.mapped_denied);
	ok(in.sendto_denied == EPERM, "inside: UDP sendto 127.0.0.2 denied with EPERM (errno %d)",
	   in.sendto_denied);
	ok(in.udp_allowed == 0, "inside: UDP connect to 127.0.0.1 allowed (errno %d)",
	   in.udp_allowed);
	ok(in.sysctl_write == EPERM, "inside: write to %s denied with EPERM (errno %d)", SYSCTL,
	   in.sysctl_write);
	ok(in.sysctl_read == 0, "inside: read of %s allowed (errno %d)", SYSCTL, in.sysctl_read);
	ok(count_events(cgid, 0) == 5, "five events, one per denial (%d)", count_events(cgid, 0));
	ev = find_event(cgid, PAL_BPF_HOOK_CG_SOCK_CREATE);
	ok(ev && ev->rule == PAL_BPF_RULE_RAW_SOCKET && ev->verdict == PAL_BPF_VERDICT_DENY &&
		   ev->d.sock.type == SOCK_RAW && ev->pid == (uint32_t)pid &&
		   !strcmp(ev->comm, "test_cgroup_bpf") && ev->ts_boot_ns > 0,
	   "sock_create event: rule, verdict, type, pid %u, comm '%s'", ev ? ev->pid : 0,
	   ev ? ev->comm : "");
	ev = find_event(cgid, PAL_BPF_HOOK_CG_CONNECT4);
	ok(ev && ev->rule == PAL_BPF_RULE_CONNECT && ev->d.net.family == AF_INET &&
		   ev->d.net.port == 9 && !memcmp(ev->d.net.addr, nk.addr, 4),
	   "connect4 event: 127.0.0.2 port 9 (port %u)", ev ? ev->d.net.port : 0);
	ev = find_event(cgid, PAL_BPF_HOOK_CG_CONNECT6);
	ok(ev && ev->d.net.family == AF_INET6 && ev->d.net.port == 9,
	   "connect6 event for the IPv4-mapped address");
	ev = find_event(cgid, PAL_BPF_HOOK_CG_SENDMSG4);
	ok(ev && ev->rule == PAL_BPF_RULE_CONNECT && ev->d.net.port == 9, "sendmsg4 event");
	ev = find_event(cgid, PAL_BPF_HOOK_CG_SYSCTL);
	ok(ev && ev->rule == PAL_BPF_RULE_SYSCTL_WRITE && !strcmp(ev->d.path, "kernel/hostname"),
	   "sysctl event names 'kernel/hostname' ('%s')", ev ? ev->d.path : "");

	/* a sub-cgroup: the registered ancestor's policy applies */
	n_events = 0;
	run_probe(e->sub, "probe", NULL, NULL, &nested);
	ring_buffer__consume(e->rb);
	ok(nested.raw == EPERM && nested.udp_denied == EPERM,
	   "nested cgroup governed by its registered ancestor (raw %d, udp %d)", nested.raw,
	   nested.udp_denied);
	ok(count_events(cgid, 0) == 5, "nested: events carry the ancestor's cgroup id (%d)",
	   count_events(cgid, 0));

	/* outside: untouched */
	n_events = 0;
	run_probe(NULL, "probe", NULL, NULL, &out);
	ring_buffer__consume(e->rb);
	ok(out.raw == 0 && out.udp_denied == 0 && out.mapped_denied == 0 && out.sendto_denied == 0 &&
		   out.sysctl_write == 0,
	   "outside: raw %d, udp 127.0.0.2 %d, mapped %d, sendto %d, sysctl write %d: all allowed",
	   out.raw, out.udp_denied, out.mapped_denied, out.sendto_denied, out.sysctl_write);
	ok(n_events == 0, "outside: no event (%d)", n_events);

	/* counters: the pending non-init run and two armed runs */
	memset(&cs, 0, sizeof(cs));
	err = bpf_map__lookup_elem(e->skel->maps.pal_cstate, &cgid, sizeof(cgid), &cs, sizeof(cs),
				   0);
	ok(err == 0 && cs.hits[PAL_BPF_RULE_RAW_SOCKET] == 4 && cs.hits[PAL_BPF_RULE_CONNECT] == 12 &&
		   cs.hits[PAL_BPF_RULE_SYSCTL_WRITE] == 4 && cs.suppressed == 0,
	   "cstate hits: raw %llu, connect %llu, sysctl %llu",
	   (unsigned long long)cs.hits[PAL_BPF_RULE_RAW_SOCKET],
	   (unsigned long long)cs.hits[PAL_BPF_RULE_CONNECT],
	   (unsigned long long)cs.hits[PAL_BPF_RULE_SYSCTL_WRITE]);

	/* audit: allowed and reported */
	pol.flags = PAL_BPF_F_ARMED;
	pol.action[PAL_BPF_RULE_RAW_SOCKET] = PAL_BPF_ACT_AUDIT;
	if (set_policy(e, &pol, false) < 0)
		return -1;
	n_events = 0;
	run_probe(e->cg, "probe", NULL, NULL, &audit);
	ring_buffer__consume(e->rb);
	ev = find_event(cgid, PAL_BPF_HOOK_CG_SOCK_CREATE);
	ok(audit.raw == 0 && ev && ev->verdict == PAL_BPF_VERDICT_AUDIT,
	   "audit: raw socket allowed (errno %d) and reported as audit", audit.raw);

	/* rate limit: 3 events a second, 20 denials */
	pol.action[PAL_BPF_RULE_RAW_SOCKET] = PAL_BPF_ACT_DENY;
	pol.rate_per_sec = 3;
	if (set_policy(e, &pol, true) < 0)
		return -1;
	n_events = 0;
	run_probe(e->cg, "flood", "20", NULL, &flood);
	ring_buffer__consume(e->rb);
	memset(&cs, 0, sizeof(cs));
	err = bpf_map__lookup_elem(e->skel->maps.pal_cstate, &cgid, sizeof(cgid), &cs, sizeof(cs),
				   0);
	ok(err == 0 && flood.raw == 20 && count_events(cgid, 0) == 3 && cs.suppressed == 17 &&
		   cs.hits[PAL_BPF_RULE_RAW_SOCKET] == 20,
	   "rate limit: %d of 20 denied, %d events, %llu suppressed, %llu hits", flood.raw,
	   count_events(cgid, 0), (unsigned long long)cs.suppressed,
	   (unsigned long long)cs.hits[PAL_BPF_RULE_RAW_SOCKET]);

	/* the LSM object against the same pins */
	lsm = pal_lsm__open_opts(&opts);
	if (!lsm)
		return diag("open lsm object: %s", strerror(errno)), -1;
	err = pal_lsm__load(lsm);
	pal_lsm__destroy(lsm);
	diag("LSM object load: %s (%d)", err ? strerror(-err) : "loaded", err);
	ok(err == 0 || err == -EPERM, "LSM object loads, or BPF LSM is refused with EPERM");
	ok(access(path, F_OK) == 0 &&
		   bpf_map__lookup_elem(e->skel->maps.pal_policy, &cgid, sizeof(cgid), &got,
					sizeof(got), 0) == 0,
	   "the shared pins and their entries survive the LSM load");
	return 0;
}

int main(int argc, char **argv)
{
	struct env e = {0};
	struct statfs sf;
	int r;

	if (argc > 2 && !strcmp(argv[1], "probe"))
		return probe_main(argc, argv);
	setvbuf(stdout, NULL, _IOLBF, 0);
	r = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (r <= 0) {
		printf("Bail out! readlink /proc/self/exe: %s\n", strerror(errno));
		return 1;
	}
	self[r] = '\0';
	if (getenv("PAL_SKIP_INTEGRATION"))
		return skip_all("PAL_SKIP_INTEGRATION is set");
	if (geteuid() != 0)
		return skip_all("needs root");
	libbpf_set_print(libbpf_quiet);

	/* bpffs: the host's, else a private one (in a private mount
	 * namespace, so nothing outlives the test) */
	if (statfs("/sys/fs/bpf", &sf) < 0 || sf.f_type != BPF_FS_MAGIC) {
		if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
		    mount("bpf", "/sys/fs/bpf", "bpf", 0, NULL) < 0)
			return skip_all("no bpffs at /sys/fs/bpf and cannot mount one");
		diag("bpffs mounted on /sys/fs/bpf in a private mount namespace");
	}
	snprintf(e.pin_root, sizeof(e.pin_root), "/sys/fs/bpf/palisade-test-%d", getpid());
	snprintf(e.map_dir, sizeof(e.map_dir), "%s/map", e.pin_root);
	if (mkdir(e.pin_root, 0700) < 0) {
		printf("Bail out! mkdir %s: %s\n", e.pin_root, strerror(errno));
		return 1;
	}
	e.made_pin_root = true;
	if (mkdir(e.map_dir, 0700) == 0)
		e.made_map_dir = true;

	r = run(&e);
	cleanup(&e);
	if (r == -2)
		return 0; /* skipped */
	if (r < 0) {
		printf("Bail out! set-up failed\n");
		return 1;
	}
	printf("1..%d\n", n_tests);
	return n_failed ? 1 : 0;
}
