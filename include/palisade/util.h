/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Small file helpers shared by the modules that read and write state. */
#ifndef PALISADE_UTIL_H
#define PALISADE_UTIL_H

#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "palisade/error.h"

/* Read PATH (relative to DIRFD) into a NUL-terminated malloc'd buffer.
 * OFLAGS is or'ed into the open flags (O_NOFOLLOW to refuse symlinks).
 * Only regular files, at most MAX bytes; *ST (may be NULL) receives the
 * file's fstat.  Errors name PATH; err->errnum is the errno (ENOENT for a
 * missing file). */
int pal_read_file(int dirfd, const char *path, int oflags, size_t max, char **buf, size_t *len,
		  struct stat *st, pal_error *err);

/* write(2) all of BUF, retrying on EINTR and short writes.  -1 with errno. */
int pal_write_all(int fd, const void *buf, size_t len);

/* Replace DIRFD/NAME with DATA atomically: temporary file, fsync, rename,
 * fsync of the directory.  Nothing is left behind on failure. */
int pal_write_file_atomic(int dirfd, const char *name, const char *data, size_t len, mode_t mode,
			  pal_error *err);

/* mkdir -p with MODE for the directories it creates. */
int pal_mkdir_p(const char *path, mode_t mode, pal_error *err);

/* Escape S for a one-line message: control and non-ASCII bytes as \xNN,
 * at most MAX input bytes (then "..."). Returns malloc'd text or NULL. */
char *pal_escape(const char *s, size_t max);

/* Bytes that came from a container (comm, paths, names) as a string a JSON
 * generator can take and a reader can tell apart: valid UTF-8 sequences are
 * kept (the generator then escapes quotes and control characters), every
 * byte that is not part of one becomes the four characters \xNN, and a
 * backslash becomes \\ so that the two cannot be confused.  At most MAX
 * bytes are read, up to a NUL; the input need not be terminated.  Returns
 * malloc'd text or NULL (ENOMEM). */
char *pal_utf8_safe(const char *s, size_t max);

#endif
