/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A bundle's config.json: safe load, lossless edit, atomic write (spec.h).
 *
 * Everything goes through the bundle's directory fd, so a bundle path that
 * is renamed or replaced while we work cannot redirect the write.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "palisade/cleanup.h"
#include "palisade/json.h"
#include "palisade/spec.h"
#include "palisade/util.h"

#define TMP_PREFIX     ".config.json.palisade-"
#define TMP_SUFFIX_LEN 6
#define TMP_TRIES      32

int pal_spec_load(const char *bundle, struct pal_spec *spec, pal_error *err)
{
	_cleanup_close_ int dirfd = open(bundle, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	_cleanup_free_ char *buf = NULL;
	_cleanup_free_ char *name = NULL;
	_cleanup_yajl_val_ yajl_val orig = NULL;
	_cleanup_yajl_val_ yajl_val root = NULL;
	struct stat st;
	size_t len = 0;

	if (dirfd < 0)
		return pal_err(err, errno, "bundle %s", bundle);
	if (pal_read_file(dirfd, PAL_SPEC_FILE, O_NOFOLLOW, PAL_SPEC_MAX_SIZE, &buf, &len, &st,
			  err) < 0 ||
	    pal_json_parse(buf, len, PAL_SPEC_FILE, &orig, err) < 0)
		return pal_err_prefix(err, "bundle %s", bundle);
	root = pal_json_dup(orig);
	name = strdup(bundle);
	if (!root || !name)
		return pal_err(err, ENOMEM, PAL_SPEC_FILE);
	spec->bundle = steal_pointer(&name);
	spec->dirfd = steal_fd(&dirfd);
	spec->st = st;
	spec->orig = steal_pointer(&orig);
	spec->root = steal_pointer(&root);
	return 0;
}

/* The temporary file: one owner, removed unless it was renamed into place. */
struct tmpfile {
	int dirfd;
	int fd;
	bool exists;
	char name[sizeof(TMP_PREFIX) + TMP_SUFFIX_LEN];
};

static void tmpfile_cleanup(struct tmpfile *t)
{
	int saved = errno;

	if (t->fd >= 0)
		(void)close(t->fd); /* only on failure paths: the file goes anyway */
	if (t->exists)
		(void)unlinkat(t->dirfd, t->name, 0);
	errno = saved;
}
#define _cleanup_tmpfile_ __attribute__((cleanup(tmpfile_cleanup)))

static int tmpfile_create(struct tmpfile *t, pal_error *err)
{
	static const char chars[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

	for (int tries = 0; tries < TMP_TRIES; tries++) {
		unsigned char rnd[TMP_SUFFIX_LEN];
		char *p = t->name + strlen(TMP_PREFIX);
		ssize_t n;

		do
			n = getrandom(rnd, sizeof(rnd), 0);
		while (n < 0 && errno == EINTR);
		if (n != (ssize_t)sizeof(rnd))
			return pal_err(err, n < 0 ? errno : EIO, PAL_SPEC_FILE ": getrandom");
		memcpy(t->name, TMP_PREFIX, strlen(TMP_PREFIX));
		for (size_t i = 0; i < sizeof(rnd); i++)
			p[i] = chars[rnd[i] % (sizeof(chars) - 1)];
		p[TMP_SUFFIX_LEN] = '\0';
		t->fd = openat(t->dirfd, t->name,
		               O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (t->fd >= 0) {
			t->exists = true;
			return 0;
		}
		if (errno != EEXIST)
			return pal_err(err, errno,
			               PAL_SPEC_FILE ": creating a temporary file in the bundle");
	}
	return pal_err(err, EEXIST, PAL_SPEC_FILE ": creating a temporary file in the bundle");
}

/* The file loaded is still config.json and was not modified in place. */
static bool unchanged(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
	       a->st_ctim.tv_sec == b->st_ctim.tv_sec && a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

int pal_spec_write(struct pal_spec *spec, bool *changed, pal_error *err)
{
	_cleanup_tmpfile_ struct tmpfile tmp = {.dirfd = spec->dirfd, .fd = -1};
	_cleanup_free_ char *data = NULL;
	_cleanup_yajl_val_ yajl_val written = NULL;
	struct stat st, now;
	size_t len;

	if (changed)
		*changed = false;
	if (pal_json_equal(spec->orig, spec->root))
		return 0;
	if (spec->dirfd < 0 || !spec->root)
		return pal_err(err, 0, PAL_SPEC_FILE ": not loaded");
	if (pal_json_serialize(spec->root, true, &data, &len, err) < 0)
		return pal_err_prefix(err, PAL_SPEC_FILE);
	/* the new original, taken now so that nothing can fail after rename */
	written = pal_json_dup(spec->root);
	if (!written)
		return pal_err(err, ENOMEM, PAL_SPEC_FILE);

	if (tmpfile_create(&tmp, err) < 0)
		return -1;
	/* An unprivileged run may not chown, which does not matter when the
	 * original is ours anyway. */
	if (fchown(tmp.fd, spec->st.st_uid, spec->st.st_gid) < 0 &&
	    !(errno == EPERM && spec->st.st_uid == geteuid() && spec->st.st_gid == getegid()))
		return pal_err(err, errno, PAL_SPEC_FILE ": giving %s owner %u:%u", tmp.name,
		               (unsigned)spec->st.st_uid, (unsigned)spec->st.st_gid);
	if (pal_write_all(tmp.fd, data, len) < 0)
		return pal_err(err, errno, PAL_SPEC_FILE ": writing %s", tmp.name);
	/* The mode last: both fchown() and an unprivileged write() clear the
	 * set-id bits; until here the file is 0600. */
	if (fchmod(tmp.fd, spec->st.st_mode & 07777) < 0)
		return pal_err(err, errno, PAL_SPEC_FILE ": giving %s mode %04o", tmp.name,
		               (unsigned)(spec->st.st_mode & 07777));
	if (fsync(tmp.fd) < 0)
		return pal_err(err, errno, PAL_SPEC_FILE ": syncing %s", tmp.name);
	if (fstat(tmp.fd, &st) < 0)
		return pal_err(err, errno, PAL_SPEC_FILE ": %s", tmp.name);
	/* close() can report a failed write-back (NFS); never retried */
	if (close(steal_fd(&tmp.fd)) < 0)
		return pal_err(err, errno, PAL_SPEC_FILE ": closing %s", tmp.name);

	/* Someone may have replaced or edited config.json since we read it:
	 * renaming over theirs would silently drop their change.  (The
	 * window between this check and the rename remains.) */
	if (fstatat(spec->dirfd, PAL_SPEC_FILE, &now, AT_SYMLINK_NOFOLLOW) < 0)
		return pal_err(err, errno, PAL_SPEC_FILE);
	if (!unchanged(&now, &spec->st))
		return pal_err(err, 0, PAL_SPEC_FILE " changed while Palisade was rewriting it");
	if (renameat(spec->dirfd, tmp.name, spec->dirfd, PAL_SPEC_FILE) < 0)
		return pal_err(err, errno, PAL_SPEC_FILE ": renaming %s over it", tmp.name);
	tmp.exists = false;

	/* config.json is the new file now, whatever happens next */
	yajl_tree_free(spec->orig);
	spec->orig = steal_pointer(&written);
	spec->st = st;
	if (changed)
		*changed = true;
	if (fsync(spec->dirfd) < 0)
		return pal_err(err, errno,
		               PAL_SPEC_FILE ": replaced, but syncing the bundle directory failed");
	return 0;
}

void pal_spec_free(struct pal_spec *spec)
{
	if (!spec)
		return;
	free(spec->bundle);
	spec->bundle = NULL;
	if (spec->dirfd >= 0)
		(void)close(spec->dirfd); /* read-only directory: nothing to report */
	spec->dirfd = -1;
	if (spec->orig)
		yajl_tree_free(spec->orig);
	spec->orig = NULL;
	if (spec->root)
		yajl_tree_free(spec->root);
	spec->root = NULL;
}
