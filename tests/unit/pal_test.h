/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared helpers for the cmocka unit tests.  Each test binary is one cmocka
 * group; CMOCKA_MESSAGE_OUTPUT=TAP (set by `make check`) makes it speak TAP. */
#ifndef PAL_TEST_H
#define PAL_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* cmocka needs the four above first */
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A fresh private directory under $TMPDIR (or /tmp); caller frees and
 * removes it with pal_test_rmtree(). */
static inline char *pal_test_tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	char *path;
	if (!base || !*base)
		base = "/tmp";
	if (asprintf(&path, "%s/palisade-test.XXXXXX", base) < 0)
		return NULL;
	if (!mkdtemp(path)) {
		free(path);
		return NULL;
	}
	return path;
}

static inline void pal_test_rmtree(const char *path)
{
	struct stat st;
	if (!path || lstat(path, &st) < 0)
		return;
	if (S_ISDIR(st.st_mode)) {
		DIR *d = opendir(path);
		struct dirent *de;
		if (!d)
			return;
		chmod(path, 0700);
		while ((de = readdir(d))) {
			char *child;
			if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
				continue;
			if (asprintf(&child, "%s/%s", path, de->d_name) < 0)
				break;
			pal_test_rmtree(child);
			free(child);
		}
		closedir(d);
		rmdir(path);
	} else {
		unlink(path);
	}
}

static inline int pal_test_write(const char *dir, const char *name, const char *data, size_t len)
{
	char *path;
	int fd, rc = -1;
	if (asprintf(&path, "%s/%s", dir, name) < 0)
		return -1;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	free(path);
	if (fd < 0)
		return -1;
	if (write(fd, data, len) == (ssize_t)len)
		rc = 0;
	close(fd);
	return rc;
}

/* Whole file into a malloc'd NUL-terminated buffer; NULL on error. */
static inline char *pal_test_read(const char *dir, const char *name, size_t *len)
{
	char *path, *buf = NULL;
	FILE *f;
	long n;
	if (asprintf(&path, "%s/%s", dir, name) < 0)
		return NULL;
	f = fopen(path, "re");
	free(path);
	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)n + 1);
		if (buf && fread(buf, 1, (size_t)n, f) == (size_t)n) {
			buf[n] = '\0';
			if (len)
				*len = (size_t)n;
		} else {
			free(buf);
			buf = NULL;
		}
	}
	fclose(f);
	return buf;
}

/* Path of a fixture file from tests/fixtures (PAL_FIXTURES or the source
 * tree relative to the build). */
static inline char *pal_test_fixture(const char *name)
{
	const char *dir = getenv("PAL_FIXTURES");
	char *path;
	if (!dir)
		dir = "tests/fixtures";
	if (asprintf(&path, "%s/%s", dir, name) < 0)
		return NULL;
	return path;
}

#endif
