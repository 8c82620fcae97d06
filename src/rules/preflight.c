/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Rule "preflight": protect the host from the backend's own bugs by looking
 * at the bundle's root file system before the backend touches it.
 *
 * Debian 12 ships runc 1.1.5+deb12u1.  It has the fix for CVE-2024-21626
 * (leaked fds reachable through process.cwd) but not the November 2025 ones:
 *  - CVE-2025-31133: runc bind-mounts the container's /dev/null over every
 *    file in linux.maskedPaths without checking that it is /dev/null; an
 *    image whose /dev/null is a symlink to /proc/sys/kernel/core_pattern gets
 *    a writable core_pattern (kernel upcalls run as root on the host).
 *  - CVE-2025-52565: the same with /dev/pts/N bound onto /dev/console, which
 *    happens before /proc is masked.
 *  - CVE-2025-52881: writes and mounts meant for one place redirected by
 *    symlinks onto other /proc and /sys files.
 * Older runc code also joins "/dev/ptmx", "/dev/fd", ... to the rootfs path
 * and resolves that on the host (setupPtmx, setupDevSymlinks): a /dev that
 * is a symlink to "/" makes it edit the host's own /.
 *
 * So before delegating, refuse a rootfs with
 *  - anything but a directory at /proc, /sys, /dev, /dev/pts, /dev/shm and
 *    /dev/mqueue; anything but the character device 1:3 at /dev/null; a
 *    symlink at /dev/console or among the entries of /dev/pts; anything but
 *    a character device or runc's own "pts/ptmx" link at /dev/ptmx; a
 *    symlink at the devices runc always creates (/dev/zero, /dev/full,
 *    /dev/random, /dev/urandom, /dev/tty);
 *  - a symlink at a path the backend mounts over, masks or creates a device
 *    at (mounts[].destination, linux.maskedPaths, linux.readonlyPaths,
 *    linux.devices[].path): which file it means would depend on who resolves
 *    it, and how;
 *  - a symlink on the way to such a path that, resolved inside the rootfs
 *    (clamped at its root, as runc 1.1.5's securejoin does), lands on /proc
 *    or /sys, or that, resolved naively on the host, climbs out of the
 *    rootfs or reaches the host's /proc or /sys;
 *  - a process.cwd under /proc/self/fd, /proc/thread-self/fd or
 *    /proc/PID/fd, as written or once resolved inside the rootfs (the
 *    CVE-2024-21626 shape: fixed in 1.1.5, refusing costs nothing).
 * Absolute symlinks on the way that stay inside the rootfs are accepted:
 * runc resolves mount destinations inside the root, and Debian-based images
 * have /var/run -> /run under Kubernetes' /var/run/secrets mounts.
 *
 * Paths are resolved inside the rootfs only, never with the host's view:
 * openat2(RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS) answers in one call for the
 * common path without symlinks; otherwise (a symlink met, or no openat2) a
 * walk one component at a time with O_PATH | O_NOFOLLOW from the rootfs fd
 * looks at each link.  Nothing is created or modified.  The check is static:
 * it cannot see a rootfs changed by a racing container afterwards.
 *
 * The rule refuses with pal_err(), not pal_rule_refuse(): no profile can
 * allow a bundle that attacks the runtime, and it does so in audit mode too
 * (audit_applies).  A rootfs that is missing or not a directory is left to
 * the backend, which fails on it by itself.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "palisade/cleanup.h"
#include "palisade/json.h"
#include "palisade/rewrite.h"
#include "palisade/util.h"

#define MAX_LINKS 40  /* the kernel's MAXSYMLINKS */
#define MAX_DEPTH 128 /* components of a resolved path */
#define SHOW_MAX  96  /* bytes of a path or link target shown in a message */
#define SHOW_SIZE (SHOW_MAX * 4 + 4)

#define WHY_31133                                                                                  \
	"runc 1.1.5 bind-mounts /dev/null over the masked paths without checking it "              \
	"(CVE-2025-31133)"
#define WHY_52565                                                                                  \
	"runc 1.1.5 binds the console from /dev/pts onto /dev/console before masking /proc "       \
	"(CVE-2025-52565)"
#define WHY_DEV                                                                                    \
	"runc 1.1.5 creates /dev/ptmx and the /dev/fd links through a path it resolves on the "    \
	"host"
#define WHY_DEVICE "runc 1.1.5 creates or binds its default devices there through any symlink"
#define WHY_52881 "a mount or mask there reaches the kernel's own files (CVE-2025-52881)"
#define WHY_21626                                                                                  \
	"a descriptor leaked by the runtime there can lead out of the container (CVE-2024-21626)"

/* --------------------------------------------------------------- text */

/* A refusal: classified EPERM without strerror text, as pal_rule_refuse()'s,
 * so that callers (check) tell it from an I/O error. */
#define refuse(err, ...) pal_err_code(err, EPERM, __VA_ARGS__)

/* S escaped into BUF (SHOW_SIZE): paths come from the spec and the rootfs,
 * and a newline in a symlink target must not split the error line. */
static const char *show(char *buf, const char *s)
{
	_cleanup_free_ char *e = pal_escape(s, SHOW_MAX);

	snprintf(buf, SHOW_SIZE, "%s", e ? e : "(unprintable)");
	return buf;
}

static const char *type_name(mode_t m)
{
	switch (m & S_IFMT) {
	case S_IFDIR:
		return "a directory";
	case S_IFREG:
		return "a regular file";
	case S_IFCHR:
		return "a character device";
	case S_IFBLK:
		return "a block device";
	case S_IFIFO:
		return "a FIFO";
	case S_IFSOCK:
		return "a socket";
	case S_IFLNK:
		return "a symlink";
	default:
		return "an unknown file type";
	}
}

/* Lexically normalise PATH into OUT as an absolute path without ".", ".."
 * or repeated slashes (a relative PATH counts from the root, as runc's
 * securejoin does).  *CLIMBS is set when a ".." tries to go above the root,
 * where it is kept.  -1 when OUT is too small. */
static int clean(const char *path, char *out, size_t n, bool *climbs)
{
	size_t len = 0;

	if (climbs)
		*climbs = false;
	if (n < 2)
		return -1;
	while (*path) {
		const char *s;
		size_t k;

		while (*path == '/')
			path++;
		s = path;
		while (*path && *path != '/')
			path++;
		k = (size_t)(path - s);
		if (k == 0 || (k == 1 && s[0] == '.'))
			continue;
		if (k == 2 && s[0] == '.' && s[1] == '.') {
			if (len == 0) {
				if (climbs)
					*climbs = true;
				continue;
			}
			while (out[len - 1] != '/')
				len--;
			len--; /* and the slash before it */
			continue;
		}
		if (len + 1 + k + 1 > n)
			return -1;
		out[len] = '/';
		memcpy(out + len + 1, s, k);
		len += 1 + k;
	}
	if (len == 0)
		out[len++] = '/';
	out[len] = '\0';
	return 0;
}

/* PATH (clean) is PREFIX or below it. */
static bool under(const char *path, const char *prefix)
{
	size_t n = strlen(prefix);

	return !strncmp(path, prefix, n) && (path[n] == '\0' || path[n] == '/');
}

/* /proc and /sys: kernel attribute files, never a place to mount on. */
static bool attribute_path(const char *path)
{
	return under(path, "/proc") || under(path, "/sys");
}

/* Next component of *P (advanced past it) into NAME; false at the end.
 * One longer than NAME can hold is cut and *LONG (may be NULL) set. */
static bool next_component_long(const char **p, char *name, size_t n, bool *long_)
{
	const char *s;
	size_t k;

	while (**p == '/')
		(*p)++;
	if (!**p)
		return false;
	s = *p;
	while (**p && **p != '/')
		(*p)++;
	k = (size_t)(*p - s);
	if (long_)
		*long_ = k >= n;
	if (k >= n)
		k = n - 1;
	memcpy(name, s, k);
	name[k] = '\0';
	return true;
}

static bool next_component(const char **p, char *name, size_t n)
{
	return next_component_long(p, name, n, NULL);
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* PATH (clean) is in a /proc fd directory: /proc/{self,thread-self,PID}/fd,
 * or /proc/{self,PID}/task/TID/fd, or below. */
static bool fd_path(const char *path)
{
	char c[NAME_MAX + 1];
	const char *p = path;

	if (!next_component(&p, c, sizeof(c)) || strcmp(c, "proc"))
		return false;
	if (!next_component(&p, c, sizeof(c)))
		return false;
	if (!strcmp(c, "thread-self")) {
		return next_component(&p, c, sizeof(c)) && !strcmp(c, "fd");
	}
	if (strcmp(c, "self") && !all_digits(c))
		return false;
	if (!next_component(&p, c, sizeof(c)))
		return false;
	if (!strcmp(c, "task")) {
		if (!next_component(&p, c, sizeof(c)) || !all_digits(c) ||
		    !next_component(&p, c, sizeof(c)))
			return false;
	}
	return !strcmp(c, "fd");
}

/* ------------------------------------------------------------ resolution */

/* The kernel's resolution inside the root, refusing any symlink.  Returns
 * 1 with *ST when PATH exists and no symlink is on the way (the final
 * component is not one either), 0 when it does not exist (or a
 * non-directory is on the way: the backend fails there by itself) with no
 * symlink before, -1 when the walk must decide: a symlink, or no openat2
 * (older kernels, seccomp filters that deny it). */
static int lookup_fast(int rootfd, const char *path, struct stat *st)
{
	struct open_how how = {
	    .flags = O_PATH | O_NOFOLLOW | O_CLOEXEC,
	    .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	_cleanup_close_ int fd = (int)syscall(SYS_openat2, rootfd, path, &how, sizeof(how));

	if (fd < 0)
		return errno == ENOENT || errno == ENOTDIR ? 0 : -1;
	if (fstat(fd, st) < 0 || S_ISLNK(st->st_mode))
		return -1;
	return 1;
}

enum walk_mode {
	WALK_STRICT, /* stop at the first symlink */
	WALK_TARGET, /* judge the symlinks on the way, stop at a final one */
	WALK_FOLLOW, /* follow every symlink, the final one too */
};

/* What is checked, for messages: FIELD "VALUE" of the spec. */
struct subject {
	const char *field;  /* "mounts[2].destination", "process.cwd" */
	const char *value;  /* as written in the spec */
	const char *rootfs; /* root.path escaped, without trailing slashes */
};

struct walk {
	int rootfd;
	enum walk_mode mode;
	const struct subject *sub;
	int fd[MAX_DEPTH];     /* O_PATH fds of the components, -1 when missing */
	size_t len[MAX_DEPTH]; /* strlen(path) before component i */
	size_t depth;
	char path[PATH_MAX]; /* resolved so far, inside the rootfs; "" is the root */
	/* results */
	bool exists;   /* the final component exists */
	bool blocked;  /* a non-directory or a link loop on the way */
	bool via_link; /* a symlink was followed */
	bool stopped;  /* stopped at a symlink (STRICT, or final in TARGET) */
	char link_at[PATH_MAX + NAME_MAX + 2]; /* that symlink, inside the rootfs */
	char link_to[PATH_MAX];                /* its target */
	struct stat st;                        /* of the final component when it exists */
};

static void walk_release(struct walk *w)
{
	for (size_t i = 0; i < w->depth; i++)
		if (w->fd[i] >= 0)
			(void)close(w->fd[i]); /* O_PATH: nothing to flush */
	w->depth = 0;
}

static int walk_push(struct walk *w, int fd, const char *name, pal_error *err)
{
	size_t n = strlen(w->path), k = strlen(name);

	if (w->depth == MAX_DEPTH || n + 1 + k >= sizeof(w->path)) {
		if (fd >= 0)
			(void)close(fd);
		return pal_err(err, ENAMETOOLONG, "resolving %s in the rootfs", w->sub->field);
	}
	w->fd[w->depth] = fd;
	w->len[w->depth++] = n;
	w->path[n] = '/';
	memcpy(w->path + n + 1, name, k + 1);
	return 0;
}

static void walk_pop(struct walk *w)
{
	if (w->depth == 0)
		return; /* ".." at the root stays there */
	w->depth--;
	if (w->fd[w->depth] >= 0)
		(void)close(w->fd[w->depth]);
	w->path[w->len[w->depth]] = '\0';
}

/* The resolved path so far, "/" for the root. */
static const char *walk_path(const struct walk *w)
{
	return w->path[0] ? w->path : "/";
}

/* A symlink LINK_AT -> TARGET met on the way to the subject with REST still
 * to resolve after it: refuse it when a host-side resolution of it leaves
 * the rootfs or reaches the host's /proc or /sys. */
static int judge_link(const struct walk *w, const char *link_at, const char *target,
                      const char *rest, pal_error *err)
{
	const struct subject *s = w->sub;
	char b1[SHOW_SIZE], b2[SHOW_SIZE], b3[SHOW_SIZE], b4[SHOW_SIZE];

	if (target[0] == '/') {
		char joined[PATH_MAX * 2], host[PATH_MAX];

		snprintf(joined, sizeof(joined), "%s/%s", target, rest);
		if (clean(joined, host, sizeof(host), NULL) == 0 && attribute_path(host))
			return refuse(
			    err,
			    "%s \"%s\": %s%s is a symlink to \"%s\": resolved on the host "
			    "the path is %s, the host's kernel files",
			    s->field, show(b1, s->value), s->rootfs, show(b2, link_at),
			    show(b3, target), show(b4, host));
		return 0;
	}
	/* relative: where it goes from the directory it is in */
	size_t depth = w->depth;
	char c[NAME_MAX + 1];
	const char *p = target;

	while (next_component(&p, c, sizeof(c))) {
		if (!strcmp(c, "."))
			continue;
		if (strcmp(c, "..")) {
			depth++;
			continue;
		}
		if (depth == 0)
			return refuse(
			    err,
			    "%s \"%s\": %s%s is a symlink to \"%s\": resolved on the host "
			    "it climbs out of the rootfs",
			    s->field, show(b1, s->value), s->rootfs, show(b2, link_at),
			    show(b3, target));
		depth--;
	}
	return 0;
}

/* Resolve PATH inside the rootfs one component at a time (see struct walk
 * for the results).  Only fails on an I/O error or a refused link. */
static int walk_run(struct walk *w, const char *path, pal_error *err)
{
	char pend[PATH_MAX * 2], tmp[PATH_MAX * 2], name[NAME_MAX + 1];
	char b1[SHOW_SIZE], b2[SHOW_SIZE];
	const char *p = pend;
	size_t links = 0;
	bool too_long;

	if (snprintf(pend, sizeof(pend), "%s", path) >= (int)sizeof(pend))
		return pal_err(err, ENAMETOOLONG, "%s", w->sub->field);
	while (next_component_long(&p, name, sizeof(name), &too_long)) {
		const char *rest = p;
		bool last;
		int cur, fd;

		if (too_long) {
			w->blocked = true; /* ENAMETOOLONG in the backend too */
			return 0;
		}
		while (*rest == '/')
			rest++;
		last = *rest == '\0';
		if (!strcmp(name, "."))
			continue;
		if (!strcmp(name, "..")) {
			walk_pop(w);
			continue;
		}
		if (w->depth > 0 && w->fd[w->depth - 1] < 0) {
			/* below a missing directory: created later, no link there */
			if (walk_push(w, -1, name, err) < 0)
				return -1;
			continue;
		}
		cur = w->depth > 0 ? w->fd[w->depth - 1] : w->rootfd;
		fd = openat(cur, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 && errno == ENOENT) {
			if (walk_push(w, -1, name, err) < 0)
				return -1;
			continue;
		}
		if (fd < 0 && errno == ENOTDIR) {
			w->blocked = true;
			return 0;
		}
		if (fd < 0 || fstat(fd, &w->st) < 0) {
			int e = errno;
			if (fd >= 0)
				(void)close(fd);
			return pal_err(err, e, "%s: %s%s/%s", w->sub->field, w->sub->rootfs,
			               show(b1, w->path), show(b2, name));
		}
		if (!S_ISLNK(w->st.st_mode)) {
			if (walk_push(w, fd, name, err) < 0)
				return -1;
			continue;
		}

		/* a symlink */
		char target[PATH_MAX];
		ssize_t n = readlinkat(fd, "", target, sizeof(target));
		if (n < 0 || (size_t)n >= sizeof(target)) {
			int e = n < 0 ? errno : ENAMETOOLONG;
			(void)close(fd);
			return pal_err(err, e, "%s: reading the symlink %s%s/%s", w->sub->field,
			               w->sub->rootfs, show(b1, w->path), show(b2, name));
		}
		target[n] = '\0';
		snprintf(w->link_at, sizeof(w->link_at), "%s/%s", w->path, name);
		if (w->mode == WALK_STRICT || (w->mode == WALK_TARGET && last)) {
			snprintf(w->link_to, sizeof(w->link_to), "%s", target);
			w->stopped = true;
			w->exists = true;
			return walk_push(w, fd, name, err);
		}
		(void)close(fd);
		if (w->mode == WALK_TARGET && judge_link(w, w->link_at, target, rest, err) < 0)
			return -1;
		if (++links > MAX_LINKS) {
			w->blocked = true; /* ELOOP in the backend too */
			return 0;
		}
		w->via_link = true;
		if (target[0] == '/')
			while (w->depth > 0)
				walk_pop(w);
		if (snprintf(tmp, sizeof(tmp), "%s/%s", target, rest) >= (int)sizeof(tmp))
			return pal_err(err, ENAMETOOLONG, "%s", w->sub->field);
		memcpy(pend, tmp, strlen(tmp) + 1);
		p = pend;
	}
	w->exists = w->depth == 0 || w->fd[w->depth - 1] >= 0;
	if (w->depth == 0 && fstat(w->rootfd, &w->st) < 0)
		return pal_err(err, errno, "%s: %s", w->sub->field, w->sub->rootfs);
	return 0;
}

static void walk_cleanup(struct walk **w)
{
	if (*w)
		walk_release(*w);
}
#define _cleanup_walk_ __attribute__((cleanup(walk_cleanup)))

/* ------------------------------------------------------------ fixed paths */

enum want {
	WANT_DIR,
	WANT_NULL,    /* the character device 1:3 */
	WANT_CONSOLE, /* a character device, or a regular file (a mount point) */
	WANT_PTMX,    /* a character device, or runc's own link to pts/ptmx */
	WANT_NO_LINK, /* anything but a symlink */
};

static const struct fixed {
	const char *path;
	enum want want;
	const char *why;
} fixed[] = {
    /* parents first: a link at /dev is reported as such */
    {"/proc", WANT_DIR, "runc mounts procfs there (CVE-2019-19921)"},
    {"/sys", WANT_DIR, "runc mounts sysfs there (CVE-2019-19921)"},
    {"/dev", WANT_DIR, WHY_DEV},
    {"/dev/pts", WANT_DIR, WHY_52565},
    {"/dev/shm", WANT_DIR, "runtimes mount a tmpfs there"},
    {"/dev/mqueue", WANT_DIR, "runtimes mount mqueue there"},
    {"/dev/null", WANT_NULL, WHY_31133},
    {"/dev/console", WANT_CONSOLE, WHY_52565},
    {"/dev/ptmx", WANT_PTMX, WHY_DEV},
    /* the devices runc creates whatever linux.devices says */
    {"/dev/zero", WANT_NO_LINK, WHY_DEVICE},
    {"/dev/full", WANT_NO_LINK, WHY_DEVICE},
    {"/dev/random", WANT_NO_LINK, WHY_DEVICE},
    {"/dev/urandom", WANT_NO_LINK, WHY_DEVICE},
    {"/dev/tty", WANT_NO_LINK, WHY_DEVICE},
};

static bool fixed_type_ok(const struct fixed *f, const struct stat *st)
{
	switch (f->want) {
	case WANT_DIR:
		return S_ISDIR(st->st_mode);
	case WANT_NULL:
		return S_ISCHR(st->st_mode) && major(st->st_rdev) == 1 && minor(st->st_rdev) == 3;
	case WANT_CONSOLE:
		/* `docker export` leaves an empty file: runc's own mount point */
		return S_ISCHR(st->st_mode) || S_ISREG(st->st_mode);
	case WANT_PTMX:
		return S_ISCHR(st->st_mode);
	case WANT_NO_LINK:
		return true; /* a symlink never gets here */
	}
	return false;
}

static const char *fixed_want_name(enum want w)
{
	switch (w) {
	case WANT_DIR:
		return "a directory";
	case WANT_NULL:
		return "the character device 1:3";
	case WANT_CONSOLE:
		return "a character device";
	case WANT_PTMX:
		return "a character device";
	case WANT_NO_LINK:
		return "anything but a symlink";
	}
	return "?";
}

static int check_fixed(int rootfd, const char *rootfs, const struct fixed *f, pal_error *err)
{
	const struct subject sub = {.field = "root.path", .value = f->path, .rootfs = rootfs};
	_cleanup_walk_ struct walk *wp = NULL;
	char b1[SHOW_SIZE], b2[SHOW_SIZE];
	struct walk w = {.rootfd = rootfd, .mode = WALK_STRICT, .sub = &sub};
	struct stat st;
	int r = lookup_fast(rootfd, f->path, &st);

	if (r == 0)
		return 0;
	if (r < 0) {
		wp = &w;
		if (walk_run(&w, f->path, err) < 0)
			return -1;
		if (w.blocked || !w.exists)
			return 0;
		if (w.stopped) {
			if (f->want == WANT_PTMX && !strcmp(w.link_at, f->path) &&
			    !strcmp(w.link_to, "pts/ptmx"))
				return 0;
			return refuse(err, "%s%s is a symlink to \"%s\": %s", rootfs,
			              show(b1, w.link_at), show(b2, w.link_to), f->why);
		}
		st = w.st;
	}
	if (fixed_type_ok(f, &st))
		return 0;
	if (f->want == WANT_NULL && S_ISCHR(st.st_mode))
		return refuse(err, "%s%s is the character device %u:%u, not 1:3: %s", rootfs,
		              f->path, major(st.st_rdev), minor(st.st_rdev), f->why);
	return refuse(err, "%s%s is %s, not %s: %s", rootfs, f->path, type_name(st.st_mode),
	              fixed_want_name(f->want), f->why);
}

/* The entries of /dev/pts: runc binds /dev/pts/N onto /dev/console. */
static int check_pts_entries(int rootfd, const char *rootfs, pal_error *err)
{
	_cleanup_close_ int dev =
	    openat(rootfd, "dev", O_PATH | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC);
	char b1[SHOW_SIZE], b2[SHOW_SIZE];
	struct dirent *de;
	DIR *d;
	int fd;

	/* check_fixed() has seen both as directories or missing */
	if (dev < 0)
		return errno == ENOENT ? 0 : pal_err(err, errno, "%s/dev", rootfs);
	fd = openat(dev, "pts", O_RDONLY | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : pal_err(err, errno, "%s/dev/pts", rootfs);
	d = fdopendir(fd);
	if (!d) {
		int e = errno;
		(void)close(fd);
		return pal_err(err, e, "%s/dev/pts", rootfs);
	}
	for (errno = 0; (de = readdir(d)); errno = 0) {
		char target[PATH_MAX];
		ssize_t n;

		if (de->d_type != DT_LNK && de->d_type != DT_UNKNOWN)
			continue;
		n = readlinkat(dirfd(d), de->d_name, target, sizeof(target) - 1);
		if (n < 0 && (errno == EINVAL || errno == ENOENT))
			continue; /* DT_UNKNOWN that is not a link */
		if (n < 0) {
			int e = errno;
			closedir(d);
			return pal_err(err, e, "%s/dev/pts/%s", rootfs, show(b1, de->d_name));
		}
		target[n] = '\0';
		refuse(err, "%s/dev/pts/%s is a symlink to \"%s\": %s", rootfs,
		       show(b1, de->d_name), show(b2, target), WHY_52565);
		closedir(d);
		return -1;
	}
	if (errno) {
		int e = errno;
		closedir(d);
		return pal_err(err, e, "%s/dev/pts", rootfs);
	}
	closedir(d);
	return 0;
}

/* --------------------------------------------------------- spec paths */

/* A path the backend mounts over, masks or creates a device at. */
static int check_target(int rootfd, const struct subject *sub, pal_error *err)
{
	_cleanup_walk_ struct walk *wp = NULL;
	char path[PATH_MAX], b1[SHOW_SIZE], b2[SHOW_SIZE], b3[SHOW_SIZE], b4[SHOW_SIZE];
	struct walk w = {.rootfd = rootfd, .mode = WALK_TARGET, .sub = sub};
	struct stat st;
	bool climbs;

	if (clean(sub->value, path, sizeof(path), &climbs) < 0)
		return pal_err(err, ENAMETOOLONG, "%s", sub->field);
	/* Go's filepath.Join(rootfs, "/../x") is "<parent of rootfs>/x" */
	if (climbs)
		return refuse(err,
		              "%s \"%s\": \"..\" climbs above the root: joined to the rootfs "
		              "path on the host it leaves the rootfs",
		              sub->field, show(b1, sub->value));
	if (lookup_fast(rootfd, path, &st) >= 0)
		return 0;
	wp = &w;
	if (walk_run(&w, path, err) < 0)
		return -1;
	if (w.blocked)
		return 0;
	if (w.stopped) {
		/* A symlink as the last component is common and harmless where it
		 * stays in the rootfs (Ubuntu's /etc/resolv.conf ->
		 * ../run/systemd/resolve/stub-resolv.conf, which engines bind
		 * over): runc resolves it inside the rootfs.  Follow it and judge
		 * where it leads, with the same checks as links on the way. */
		_cleanup_walk_ struct walk *fp = NULL;
		struct walk f = {.rootfd = rootfd, .mode = WALK_FOLLOW, .sub = sub};

		fp = &f;
		if (walk_run(&f, path, err) < 0)
			return -1;
		if (!f.blocked && attribute_path(walk_path(&f)))
			return refuse(err, "%s \"%s\": %s%s is a symlink to \"%s\", which "
			              "resolves in the rootfs to %s: %s",
			              sub->field, show(b1, sub->value), sub->rootfs,
			              show(b2, w.link_at), show(b3, w.link_to),
			              show(b4, walk_path(&f)), WHY_52881);
		return 0;
	}
	if (w.via_link && attribute_path(walk_path(&w)))
		return refuse(err, "%s \"%s\": resolves through symlinks in the rootfs to %s: %s",
		              sub->field, show(b1, sub->value), show(b2, walk_path(&w)), WHY_52881);
	return 0;
}

static int check_cwd(int rootfd, const struct subject *sub, pal_error *err)
{
	_cleanup_walk_ struct walk *wp = NULL;
	char path[PATH_MAX], b1[SHOW_SIZE], b2[SHOW_SIZE];
	struct walk w = {.rootfd = rootfd, .mode = WALK_FOLLOW, .sub = sub};
	struct stat st;

	if (clean(sub->value, path, sizeof(path), NULL) < 0)
		return pal_err(err, ENAMETOOLONG, "%s", sub->field);
	if (fd_path(path))
		return refuse(err, "%s \"%s\": is in a /proc fd directory: %s", sub->field,
		              show(b1, sub->value), WHY_21626);
	if (lookup_fast(rootfd, path, &st) >= 0)
		return 0; /* no symlink: the clean path is the resolved one */
	wp = &w;
	if (walk_run(&w, path, err) < 0)
		return -1;
	if (!w.blocked && fd_path(walk_path(&w)))
		return refuse(err,
		              "%s \"%s\": resolves through symlinks in the rootfs to %s, a /proc "
		              "fd directory: %s",
		              sub->field, show(b1, sub->value), show(b2, walk_path(&w)), WHY_21626);
	return 0;
}

/* Every string of the array at FIELD (NULL: absent), as targets. */
static int check_string_array(int rootfd, const char *rootfs, yajl_val arr, const char *field,
                              pal_error *err)
{
	if (!arr)
		return 0;
	if (!YAJL_IS_ARRAY(arr))
		return pal_err(err, EINVAL, "config.json: %s: must be an array", field);
	for (size_t i = 0; i < arr->u.array.len; i++) {
		yajl_val v = arr->u.array.values[i];
		char f[64];

		snprintf(f, sizeof(f), "%s[%zu]", field, i);
		if (!YAJL_IS_STRING(v))
			return pal_err(err, EINVAL, "config.json: %s: must be a string", f);
		const struct subject sub = {.field = f, .value = v->u.string, .rootfs = rootfs};
		if (check_target(rootfd, &sub, err) < 0)
			return -1;
	}
	return 0;
}

/* The member KEY (a path) of every object of the array at FIELD. */
static int check_object_array(int rootfd, const char *rootfs, yajl_val arr, const char *field,
                              const char *key, pal_error *err)
{
	if (!arr)
		return 0;
	if (!YAJL_IS_ARRAY(arr))
		return pal_err(err, EINVAL, "config.json: %s: must be an array", field);
	for (size_t i = 0; i < arr->u.array.len; i++) {
		yajl_val o = arr->u.array.values[i], v;
		char f[64];

		snprintf(f, sizeof(f), "%s[%zu]", field, i);
		if (!YAJL_IS_OBJECT(o))
			return pal_err(err, EINVAL, "config.json: %s: must be an object", f);
		snprintf(f, sizeof(f), "%s[%zu].%s", field, i, key);
		v = pal_json_get(o, key);
		if (!v)
			continue; /* the backend refuses it */
		if (!YAJL_IS_STRING(v))
			return pal_err(err, EINVAL, "config.json: %s: must be a string", f);
		const struct subject sub = {.field = f, .value = v->u.string, .rootfs = rootfs};
		if (check_target(rootfd, &sub, err) < 0)
			return -1;
	}
	return 0;
}

static int check_rootfs(int rootfd, const char *rootfs, yajl_val spec, pal_error *err)
{
	yajl_val linux_ = pal_json_get(spec, "linux");
	yajl_val process = pal_json_get(spec, "process");
	yajl_val cwd = pal_json_get(process, "cwd");

	if (linux_ && !YAJL_IS_OBJECT(linux_))
		return pal_err(err, EINVAL, "config.json: linux: must be an object");
	if (process && !YAJL_IS_OBJECT(process))
		return pal_err(err, EINVAL, "config.json: process: must be an object");
	if (cwd && !YAJL_IS_STRING(cwd))
		return pal_err(err, EINVAL, "config.json: process.cwd: must be a string");

	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		if (check_fixed(rootfd, rootfs, &fixed[i], err) < 0)
			return -1;
	if (check_pts_entries(rootfd, rootfs, err) < 0 ||
	    check_object_array(rootfd, rootfs, pal_json_get(spec, "mounts"), "mounts",
	                       "destination", err) < 0 ||
	    check_string_array(rootfd, rootfs, pal_json_get(linux_, "maskedPaths"),
	                       "linux.maskedPaths", err) < 0 ||
	    check_string_array(rootfd, rootfs, pal_json_get(linux_, "readonlyPaths"),
	                       "linux.readonlyPaths", err) < 0 ||
	    check_object_array(rootfd, rootfs, pal_json_get(linux_, "devices"), "linux.devices",
	                       "path", err) < 0)
		return -1;
	if (cwd) {
		const struct subject sub = {
		    .field = "process.cwd", .value = cwd->u.string, .rootfs = rootfs};
		if (check_cwd(rootfd, &sub, err) < 0)
			return -1;
	}
	return 0;
}

static int apply(const struct pal_rewrite_ctx *ctx, yajl_val spec, pal_error *err)
{
	yajl_val root = pal_json_get(spec, "root");
	yajl_val path = pal_json_get(root, "path");
	_cleanup_close_ int rootfd = -1;
	char shown[SHOW_SIZE];
	size_t n;

	if (root && !YAJL_IS_OBJECT(root))
		return pal_err(err, EINVAL, "config.json: root: must be an object");
	if (path && !YAJL_IS_STRING(path))
		return pal_err(err, EINVAL, "config.json: root.path: must be a string");
	if (ctx->bundle_fd < 0 || !path)
		return 0; /* no bundle (unit tests), or no rootfs: the backend says so */

	/* root.path is a host path chosen by the engine: followed, as runc does */
	rootfd = openat(ctx->bundle_fd, path->u.string, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0; /* the backend fails on it by itself */
		return pal_err(err, errno, "root.path \"%s\": opening the rootfs to check it",
		               show(shown, path->u.string));
	}
	/* messages name "rootfs/dev/null", whatever the rootfs is called */
	show(shown, path->u.string);
	n = strlen(shown);
	while (n > 0 && shown[n - 1] == '/')
		shown[--n] = '\0';
	return check_rootfs(rootfd, shown, spec, err);
}

const struct pal_rule pal_rule_preflight = {
    .name = "preflight",
    .audit_applies = true,
    .apply = apply,
};
