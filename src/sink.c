/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The violations log (sink.h): append-only JSON lines with size-based
 * rotation, and optionally syslog.
 *
 * Why one write(2) per line, whatever its length: O_APPEND makes the kernel
 * place each write(2) at the end of the file as a whole, so lines never
 * interleave or split, even past PIPE_BUF (that limit is about pipes, not
 * regular files).  A reader may still catch a write in progress (a regular
 * file's read is not atomic against a write), so `palisade events` keeps an
 * incomplete last line until its newline arrives; what the sink promises is
 * that the file only ever holds whole lines.  A write the disk cuts short
 * is taken back with ftruncate(2) for that reason.
 *
 * Rotation renames .N-1 to .N down to the log to .1 (rename(2) replaces the
 * oldest in one step), then creates a fresh log.  The old descriptor stays
 * open until the new file exists, so a failed rotation loses nothing: the
 * next line goes to the old file and the rotation is tried again.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "palisade/cleanup.h"
#include "palisade/sink.h"
#include "palisade/util.h"

#define FILE_MODE 0640
#define DIR_MODE  0750

struct pal_sink {
	char *path;
	uint64_t max_bytes;
	unsigned keep;
	bool syslog;
	int fd;
	uint64_t size; /* of the open file, as we wrote it */
	char *buf;     /* line + newline */
	size_t cap;
};

/* Open (creating 0640 when missing) the log at PATH; *SIZE its size. */
static int open_log(const char *path, uint64_t *size, pal_error *err)
{
	const int flags = O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK;
	_cleanup_close_ int fd = open(path, flags | O_CREAT | O_EXCL, FILE_MODE);
	struct stat st;

	if (fd >= 0) {
		/* ours: the mode exactly, whatever the umask */
		if (fchmod(fd, FILE_MODE) < 0)
			return pal_err(err, errno, "%s: chmod", path);
	} else if (errno == EEXIST) {
		fd = open(path, flags);
		if (fd < 0 && errno == ELOOP)
			return pal_err(err, 0, "%s: is a symbolic link (refusing to follow)", path);
		if (fd < 0)
			return pal_err(err, errno, "%s", path);
	} else {
		return pal_err(err, errno, "%s", path);
	}
	if (fstat(fd, &st) < 0)
		return pal_err(err, errno, "%s", path);
	if (!S_ISREG(st.st_mode))
		return pal_err(err, 0, "%s: not a regular file", path);
	/* a FIFO is refused above; the rest wants blocking writes */
	if (fcntl(fd, F_SETFL, O_APPEND) < 0)
		return pal_err(err, errno, "%s", path);
	*size = (uint64_t)st.st_size;
	return steal_fd(&fd);
}

/* The directory of PATH, 0750 when it has to be made. */
static int make_dir(const char *path, pal_error *err)
{
	_cleanup_free_ char *dir = strdup(path);
	char *slash;
	struct stat st;

	if (!dir)
		return pal_err(err, ENOMEM, "%s", path);
	slash = strrchr(dir, '/');
	if (!slash)
		return 0;
	if (slash == dir)
		return 0; /* "/" */
	*slash = '\0';
	if (stat(dir, &st) == 0)
		return S_ISDIR(st.st_mode) ? 0 : pal_err(err, ENOTDIR, "%s", dir);
	if (pal_mkdir_p(dir, DIR_MODE, err) < 0)
		return -1;
	/* the last one is the log's own: its mode exactly, whatever the umask */
	if (chmod(dir, DIR_MODE) < 0)
		return pal_err(err, errno, "%s: chmod", dir);
	return 0;
}

int pal_sink_open(const struct pal_sink_opts *o, struct pal_sink **out, pal_error *err)
{
	_cleanup_free_ struct pal_sink *s = NULL;
	_cleanup_free_ char *path = NULL;

	if (!o->path || !*o->path)
		return pal_err(err, EINVAL, "violations log: no path");
	if (o->keep > PAL_SINK_MAX_KEEP)
		return pal_err(err, EINVAL, "violations log: keep %u is more than %u", o->keep,
		               PAL_SINK_MAX_KEEP);
	if (strlen(o->path) + 8 > PATH_MAX)
		return pal_err(err, ENAMETOOLONG, "violations log");
	path = strdup(o->path);
	s = calloc(1, sizeof(*s));
	if (!path || !s)
		return pal_err(err, ENOMEM, "violations log");
	if (make_dir(path, err) < 0)
		return pal_err_prefix(err, "violations log");
	s->fd = open_log(path, &s->size, err);
	if (s->fd < 0)
		return pal_err_prefix(err, "violations log");
	s->max_bytes = o->max_bytes;
	s->keep = o->keep;
	s->syslog = o->syslog;
	/* LOG_NDELAY: connect now, while /dev/log is reachable; the daemon may
	 * drop privileges or change root afterwards */
	if (s->syslog)
		openlog("palisade", LOG_PID | LOG_NDELAY, LOG_AUTHPRIV);
	s->path = steal_pointer(&path);
	*out = steal_pointer(&s);
	return 0;
}

static void rotated_name(char *buf, size_t size, const char *path, unsigned i)
{
	snprintf(buf, size, "%s.%u", path, i);
}

int pal_sink_rotate(struct pal_sink *s, pal_error *err)
{
	char from[PATH_MAX], to[PATH_MAX];
	uint64_t size;
	int fd;

	if (s->keep == 0) {
		/* nothing kept: start the one file over */
		if (ftruncate(s->fd, 0) < 0)
			return pal_err(err, errno, "%s: truncating", s->path);
		s->size = 0;
		return 0;
	}
	for (unsigned i = s->keep - 1; i >= 1; i--) {
		rotated_name(from, sizeof(from), s->path, i);
		rotated_name(to, sizeof(to), s->path, i + 1);
		if (rename(from, to) < 0 && errno != ENOENT)
			return pal_err(err, errno, "rotating %s to %s", from, to);
	}
	rotated_name(to, sizeof(to), s->path, 1);
	if (rename(s->path, to) < 0 && errno != ENOENT)
		return pal_err(err, errno, "rotating %s to %s", s->path, to);
	fd = open_log(s->path, &size, err);
	if (fd < 0)
		return pal_err_prefix(err, "violations log after rotation");
	close(s->fd);
	s->fd = fd;
	s->size = size;
	return 0;
}

/* The line did not fit: is the file really that full?  (Someone may have
 * truncated or moved it; then follow the file at the path.) */
static int need_rotation(struct pal_sink *s, uint64_t add, pal_error *err)
{
	struct stat st, at;

	if (!s->max_bytes || s->size + add <= s->max_bytes)
		return 0;
	if (fstat(s->fd, &st) < 0)
		return pal_err(err, errno, "%s", s->path);
	if (lstat(s->path, &at) < 0 || at.st_ino != st.st_ino || at.st_dev != st.st_dev) {
		/* moved away (logrotate): reopen what is at the path */
		uint64_t size;
		int fd = open_log(s->path, &size, err);

		if (fd < 0)
			return pal_err_prefix(err, "violations log");
		close(s->fd);
		s->fd = fd;
		s->size = size;
	} else {
		s->size = (uint64_t)st.st_size;
	}
	/* a line longer than the limit goes alone into a fresh file */
	return s->size > 0 && s->size + add > s->max_bytes;
}

int pal_sink_write(struct pal_sink *s, const char *line, size_t len, bool deny, pal_error *err)
{
	size_t total = len + 1;
	ssize_t n;
	int r;

	if (memchr(line, '\n', len))
		return pal_err(err, EINVAL, "violations log: a line with a newline");
	if (total > s->cap) {
		char *nbuf = realloc(s->buf, total);
		if (!nbuf)
			return pal_err(err, ENOMEM, "violations log");
		s->buf = nbuf;
		s->cap = total;
	}
	memcpy(s->buf, line, len);
	s->buf[len] = '\n';

	r = need_rotation(s, total, err);
	if (r < 0 || (r > 0 && pal_sink_rotate(s, err) < 0))
		return -1;
	do
		n = write(s->fd, s->buf, total);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return pal_err(err, errno, "%s: writing", s->path);
	if ((size_t)n != total) {
		/* the disk is full: take the half line back */
		off_t end = lseek(s->fd, 0, SEEK_END);
		if (end >= n)
			(void)!ftruncate(s->fd, end - n);
		return pal_err(err, ENOSPC, "%s: writing (%zd of %zu bytes)", s->path, n, total);
	}
	s->size += total;
	if (s->syslog)
		syslog(LOG_AUTHPRIV | (deny ? LOG_WARNING : LOG_NOTICE), "%.*s",
		       len > INT_MAX ? INT_MAX : (int)len, line);
	return 0;
}

int pal_sink_violation(struct pal_sink *s, const struct pal_violation *v, pal_error *err)
{
	_cleanup_free_ char *line = NULL;
	size_t len;

	if (pal_violation_json(v, &line, &len, err) < 0)
		return -1;
	/* a kill (seccomp's SCMP_ACT_KILL*, from audit) is a denial too */
	return pal_sink_write(
	    s, line, len,
	    v->verdict && (!strcmp(v->verdict, "deny") || !strcmp(v->verdict, "kill")), err);
}

void pal_sink_close(struct pal_sink *s)
{
	if (!s)
		return;
	if (s->fd >= 0)
		close(s->fd);
	if (s->syslog)
		closelog();
	free(s->path);
	free(s->buf);
	free(s);
}
