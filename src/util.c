/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "palisade/cleanup.h"
#include "palisade/util.h"

int pal_read_file(int dirfd, const char *path, int oflags, size_t max, char **out, size_t *len,
		  struct stat *stp, pal_error *err)
{
	/* O_NONBLOCK: a FIFO planted where a file is expected must not hang us
	 * (it is then refused as not a regular file) */
	_cleanup_close_ int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | oflags);
	_cleanup_free_ char *buf = NULL;
	struct stat st;
	size_t cap = 0, got = 0;

	if (fd < 0) {
		if (errno == ELOOP && (oflags & O_NOFOLLOW))
			return pal_err(err, 0, "%s: is a symbolic link (refusing to follow)", path);
		return pal_err(err, errno, "%s", path);
	}
	if (fstat(fd, &st) < 0)
		return pal_err(err, errno, "%s", path);
	if (!S_ISREG(st.st_mode))
		return pal_err(err, 0, "%s: not a regular file", path);
	if ((unsigned long long)st.st_size > max)
		return pal_err(err, 0, "%s: %lld bytes, more than the %zu allowed", path,
			       (long long)st.st_size, max);
	/* st_size is only a hint: read until EOF but never more than max + 1
	 * bytes, so a file growing under us is caught, not read without bound */
	for (;;) {
		ssize_t n;

		if (got == cap) {
			size_t ncap = cap ? 2 * cap : (size_t)st.st_size + 1;
			char *nbuf;

			if (ncap > max + 1)
				ncap = max + 1;
			nbuf = realloc(buf, ncap + 1);
			if (!nbuf)
				return pal_err(err, ENOMEM, "%s", path);
			buf = nbuf;
			cap = ncap;
		}
		n = read(fd, buf + got, cap - got);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return pal_err(err, errno, "%s: reading", path);
		}
		if (n == 0)
			break;
		got += (size_t)n;
		if (got > max)
			return pal_err(err, 0, "%s: grew past the %zu bytes allowed while being read",
				       path, max);
	}
	buf[got] = '\0';
	if (stp)
		*stp = st;
	*out = steal_pointer(&buf);
	*len = got;
	return 0;
}

int pal_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0) {
			errno = EIO;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int pal_write_file_atomic(int dirfd, const char *name, const char *data, size_t len, mode_t mode,
			  pal_error *err)
{
	char tmp[64];
	_cleanup_close_ int fd = -1;
	unsigned int rnd;

	for (int tries = 0; fd < 0; tries++) {
		if (getrandom(&rnd, sizeof(rnd), 0) != sizeof(rnd))
			return pal_err(err, errno, "%s: getrandom", name);
		snprintf(tmp, sizeof(tmp), ".palisade-tmp-%08x", rnd);
		fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
		if (fd < 0 && (errno != EEXIST || tries >= 16))
			return pal_err(err, errno, "%s: creating a temporary file", name);
	}
	if (fchmod(fd, mode) < 0 || pal_write_all(fd, data, len) < 0 || fsync(fd) < 0) {
		int e = errno;
		unlinkat(dirfd, tmp, 0);
		return pal_err(err, e, "%s: writing", name);
	}
	if (close(steal_fd(&fd)) < 0) {
		int e = errno;
		unlinkat(dirfd, tmp, 0);
		return pal_err(err, e, "%s: writing", name);
	}
	if (renameat(dirfd, tmp, dirfd, name) < 0) {
		int e = errno;
		unlinkat(dirfd, tmp, 0);
		return pal_err(err, e, "%s: renaming into place", name);
	}
	if (fsync(dirfd) < 0)
		return pal_err(err, errno, "%s: syncing its directory", name);
	return 0;
}

int pal_mkdir_p(const char *path, mode_t mode, pal_error *err)
{
	_cleanup_free_ char *copy = strdup(path);

	if (!copy)
		return pal_err(err, ENOMEM, "%s", path);
	for (char *p = copy + 1;; p++) {
		if (*p == '/' || *p == '\0') {
			char c = *p;
			*p = '\0';
			if (mkdir(copy, mode) < 0 && errno != EEXIST)
				return pal_err(err, errno, "creating %s", copy);
			*p = c;
			if (c == '\0')
				break;
		}
	}
	return 0;
}

char *pal_escape(const char *s, size_t max)
{
	size_t n = strnlen(s, max + 1);
	bool cut = n > max;
	char *out, *o;

	if (cut)
		n = max;
	out = malloc(n * 4 + 4);
	if (!out)
		return NULL;
	o = out;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c >= 0x7f || c == '\\') {
			if (c == '\\') {
				*o++ = '\\';
				*o++ = '\\';
			} else {
				o += sprintf(o, "\\x%02x", c);
			}
		} else {
			*o++ = (char)c;
		}
	}
	if (cut)
		o += sprintf(o, "...");
	*o = '\0';
	return out;
}

/* The escaping that makes container bytes JSON-safe (util.h), first written
 * for BPF events (src/bpf.c) and shared by every writer of container strings:
 * BPF events, violation lines (src/violation.c), metric labels (src/metrics.c). */
char *pal_utf8_safe(const char *s, size_t max)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = strnlen(s, max);
	char *out = malloc(n * 4 + 1), *o = out;

	if (!out)
		return NULL;
	for (size_t i = 0; i < n;) {
		unsigned char c = u[i];
		size_t len = 0;
		if (c == '\\') {
			*o++ = '\\';
			*o++ = '\\';
			i++;
			continue;
		}
		if (c < 0x80)
			len = 1;
		else if (c >= 0xc2 && c <= 0xdf)
			len = 2;
		else if (c >= 0xe0 && c <= 0xef)
			len = 3;
		else if (c >= 0xf0 && c <= 0xf4)
			len = 4;
		if (len > 1) {
			/* continuation bytes; no overlong form, surrogate, or > U+10FFFF */
			unsigned char lo = 0x80, hi = 0xbf;
			if (c == 0xe0)
				lo = 0xa0;
			else if (c == 0xed)
				hi = 0x9f;
			else if (c == 0xf0)
				lo = 0x90;
			else if (c == 0xf4)
				hi = 0x8f;
			if (i + len > n || u[i + 1] < lo || u[i + 1] > hi)
				len = 0;
			for (size_t k = 2; len && k < len; k++)
				if (u[i + k] < 0x80 || u[i + k] > 0xbf)
					len = 0;
		}
		if (!len) {
			o += sprintf(o, "\\x%02x", c);
			i++;
			continue;
		}
		memcpy(o, u + i, len);
		o += len;
		i += len;
	}
	*o = '\0';
	return out;
}
