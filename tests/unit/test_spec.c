/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "pal_test.h"

#include <errno.h>
#include <sys/resource.h>
#include <sys/time.h>

#include "palisade/json.h"
#include "palisade/spec.h"

/* ------------------------------------------------------------ injection */

/* Linked with --wrap=fsync,write,renameat: the calls go through here and,
 * when a test arms it, the NTH call from then on fails with ERR. */
struct inject {
	int nth;
	int err;
	int calls;
};

static struct inject fsync_inj, write_inj, rename_inj;
static size_t write_max; /* nonzero: short writes of at most this much */

static bool injected(struct inject *in)
{
	in->calls++;
	if (in->nth && in->calls == in->nth) {
		errno = in->err;
		return true;
	}
	return false;
}

static void arm(struct inject *in, int nth, int err)
{
	*in = (struct inject){.nth = nth, .err = err};
}

static void disarm(void)
{
	arm(&fsync_inj, 0, 0);
	arm(&write_inj, 0, 0);
	arm(&rename_inj, 0, 0);
	write_max = 0;
}

int __real_fsync(int fd);
int __wrap_fsync(int fd);
ssize_t __real_write(int fd, const void *buf, size_t n);
ssize_t __wrap_write(int fd, const void *buf, size_t n);
int __real_renameat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath);
int __wrap_renameat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath);

int __wrap_fsync(int fd)
{
	if (injected(&fsync_inj))
		return -1;
	return __real_fsync(fd);
}

ssize_t __wrap_write(int fd, const void *buf, size_t n)
{
	if (injected(&write_inj))
		return -1;
	if (write_max && n > write_max)
		n = write_max;
	return __real_write(fd, buf, n);
}

int __wrap_renameat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath)
{
	if (injected(&rename_inj))
		return -1;
	return __real_renameat(olddirfd, oldpath, newdirfd, newpath);
}

/* ------------------------------------------------------------ fixtures */

/* Compact, with numbers and fields a rewrite must keep as they are. */
static const char BASE[] = "{\"ociVersion\":\"1.0.2\",\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\","
                           "\"user\":{\"uid\":0,\"gid\":0}},\"root\":{\"path\":\"rootfs\"},"
                           "\"io.example.future\":{\"n\":[1.0,1e3,-0,18446744073709551615]},"
                           "\"linux\":{\"newThing\":[1.50,1e3]}}";

static char *dir;

static int setup(void **state)
{
	int r;
	(void)state;
	dir = pal_test_tmpdir();
	if (!dir)
		return -1;
	r = pal_test_write(dir, PAL_SPEC_FILE, BASE, strlen(BASE));
	disarm(); /* counts start at zero in every test */
	return r;
}

static int teardown(void **state)
{
	(void)state;
	disarm();
	pal_test_rmtree(dir);
	free(dir);
	dir = NULL;
	return 0;
}

static char *path_of(const char *name)
{
	char *p;
	assert_true(asprintf(&p, "%s/%s", dir, name) > 0);
	return p;
}

static void stat_config(struct stat *st)
{
	char *p = path_of(PAL_SPEC_FILE);
	assert_int_equal(lstat(p, st), 0);
	free(p);
}

/* config.json holds exactly WANT. */
static void assert_config(const char *want, size_t len)
{
	size_t got_len = 0;
	char *got = pal_test_read(dir, PAL_SPEC_FILE, &got_len);

	assert_non_null(got);
	assert_int_equal(got_len, len);
	assert_memory_equal(got, want, len);
	free(got);
}

static void assert_config_is_base(void)
{
	assert_config(BASE, strlen(BASE));
}

/* No temporary file left in the bundle. */
static void assert_no_temp(void)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	assert_non_null(d);
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, ".config.json.palisade-", 22) == 0)
			fail_msg("temporary file %s left behind", de->d_name);
	}
	closedir(d);
}

/* MSG is PREFIX ... SUFFIX (the middle names the random temporary file). */
static void assert_msg(const char *msg, const char *prefix, const char *suffix)
{
	size_t m = strlen(msg), p = strlen(prefix), s = strlen(suffix);

	if (m < p + s || strncmp(msg, prefix, p) != 0 || strcmp(msg + m - s, suffix) != 0)
		fail_msg("\"%s\" is not \"%s...%s\"", msg, prefix, suffix);
}

static void load(struct pal_spec *spec)
{
	pal_error err = {0};

	if (pal_spec_load(dir, spec, &err) < 0)
		fail_msg("load: %s", err.msg);
}

/* An edit such as a transform would make. */
static void edit(struct pal_spec *spec)
{
	pal_error err = {0};
	yajl_val ann = pal_json_ensure_object(spec->root, "annotations", &err);

	assert_non_null(ann);
	assert_int_equal(pal_json_set(ann, "io.palisade.test", pal_json_new_string("yes"), &err),
	                 0);
}

static void load_fails(const char *want)
{
	struct pal_spec spec = PAL_SPEC_INIT;
	pal_error err = {0};

	char *full;

	assert_int_equal(pal_spec_load(dir, &spec, &err), -1);
	/* every load error names the bundle first */
	assert_true(asprintf(&full, "bundle %s: %s", dir, want) > 0);
	assert_string_equal(err.msg, full);
	free(full);
	/* left as it was */
	assert_null(spec.bundle);
	assert_int_equal(spec.dirfd, -1);
	assert_null(spec.orig);
	assert_null(spec.root);
	pal_spec_free(&spec);
}

/* Load, edit, and have the write fail with PREFIX...SUFFIX; config.json
 * must be untouched, no temporary file left, and the spec still usable: a
 * retry without the fault succeeds. */
static void write_fails(const char *prefix, const char *suffix)
{
	_cleanup_spec_ struct pal_spec spec = PAL_SPEC_INIT;
	pal_error err = {0};
	struct stat before, after;
	bool changed = true;
	struct inject f = fsync_inj, w = write_inj, r = rename_inj;
	size_t wm = write_max;

	disarm();
	load(&spec);
	edit(&spec);
	stat_config(&before);
	fsync_inj = f;
	write_inj = w;
	rename_inj = r;
	write_max = wm;
	assert_int_equal(pal_spec_write(&spec, &changed, &err), -1);
	disarm();
	assert_msg(err.msg, prefix, suffix);
	assert_false(changed);
	assert_config_is_base();
	stat_config(&after);
	assert_int_equal(after.st_ino, before.st_ino);
	assert_no_temp();

	assert_int_equal(pal_spec_write(&spec, &changed, &err), 0);
	assert_true(changed);
	assert_no_temp();
	/* back to the start for the next case */
	assert_int_equal(pal_test_write(dir, PAL_SPEC_FILE, BASE, strlen(BASE)), 0);
}

/* ------------------------------------------------------------ load */

static void load_modify_write(void **state)
{
	const char *fix = getenv("PAL_FIXTURES");
	_cleanup_spec_ struct pal_spec spec = PAL_SPEC_INIT;
	struct pal_spec again = PAL_SPEC_INIT;
	pal_error err = {0};
	bool changed = false;
	char *text, *out;
	size_t len = 0;
	yajl_val n;
	(void)state;

	text = pal_test_read(fix ? fix : "tests/fixtures", "spec-unknown-fields.json", &len);
	assert_non_null(text);
	assert_int_equal(pal_test_write(dir, PAL_SPEC_FILE, text, len), 0);
	load(&spec);
	assert_string_equal(spec.bundle, dir);
	assert_true(spec.dirfd >= 0);
	assert_true(pal_json_equal(spec.orig, spec.root));
	assert_ptr_not_equal(spec.orig, spec.root);
	edit(&spec);
	assert_int_equal(pal_json_set(pal_json_get(spec.root, "process"), "cwd",
	                              pal_json_new_string("/srv"), &err),
	                 0);
	assert_int_equal(pal_spec_write(&spec, &changed, &err), 0);
	assert_true(changed);
	assert_no_temp();

	load(&again);
	assert_true(pal_json_equal(again.root, spec.root));
	assert_string_equal(YAJL_GET_STRING(pal_json_getp(again.root, "process", "cwd", NULL)),
	                    "/srv");
	n = pal_json_getp(again.root, "linux", "newThing", NULL);
	assert_string_equal(YAJL_GET_NUMBER(n->u.array.values[0]), "1.50");
	assert_string_equal(YAJL_GET_NUMBER(n->u.array.values[1]), "1e3");
	assert_non_null(pal_json_getp(again.root, "io.example.future", "nested", "deeper", NULL));
	/* written as `runc spec` would lay it out */
	assert_int_equal(pal_json_serialize(spec.root, true, &out, &len, &err), 0);
	assert_config(out, len);
	assert_int_equal(out[len - 1], '\n');
	assert_non_null(strstr(out, "\n\t\"process\": {\n\t\t\"user\": {"));
	free(out);
	free(text);
	pal_spec_free(&again);
	pal_spec_free(&again); /* twice is fine */
}

static void malformed(void **state)
{
	static const char bad[] = "{\n  \"ociVersion\": \"1.0.2\",\n  \"process\": {\"a\": 1,}\n}";
	(void)state;

	assert_int_equal(pal_test_write(dir, PAL_SPEC_FILE, bad, strlen(bad)), 0);
	load_fails("config.json:3:22: parse error: invalid object key (must be a string)");
	assert_config(bad, strlen(bad));

	assert_int_equal(pal_test_write(dir, PAL_SPEC_FILE, "", 0), 0);
	load_fails("config.json:1:1: empty document");
	assert_int_equal(pal_test_write(dir, PAL_SPEC_FILE, "{\"a\":1,\"a\":2}", 13), 0);
	load_fails("config.json:1:8: duplicate key \"a\"");
}

static void symlinked(void **state)
{
	char *link = path_of(PAL_SPEC_FILE);
	(void)state;

	assert_int_equal(pal_test_write(dir, "target.json", BASE, strlen(BASE)), 0);
	assert_int_equal(unlink(link), 0);
	assert_int_equal(symlink("target.json", link), 0);
	load_fails("config.json: is a symbolic link (refusing to follow)");
	{
		size_t len = 0;
		char *t = pal_test_read(dir, "target.json", &len);
		assert_non_null(t);
		assert_int_equal(len, strlen(BASE));
		assert_memory_equal(t, BASE, len);
		free(t);
	}
	/* dangling, too */
	assert_int_equal(unlink(link), 0);
	assert_int_equal(symlink("/nonexistent", link), 0);
	load_fails("config.json: is a symbolic link (refusing to follow)");
	free(link);
}

static void not_regular(void **state)
{
	char *p = path_of(PAL_SPEC_FILE);
	(void)state;

	assert_int_equal(unlink(p), 0);
	assert_int_equal(mkdir(p, 0755), 0);
	load_fails("config.json: not a regular file");
	assert_int_equal(rmdir(p), 0);
	/* a FIFO with no writer would block a plain open() forever: the
	 * alarm turns a hang into a failure */
	assert_int_equal(mkfifo(p, 0644), 0);
	alarm(10);
	load_fails("config.json: not a regular file");
	alarm(0);
	free(p);
}

static void oversize(void **state)
{
	char *p = path_of(PAL_SPEC_FILE);
	int fd;
	(void)state;

	fd = open(p, O_WRONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 20 << 20), 0); /* sparse */
	load_fails("config.json: 20971520 bytes, more than the 16777216 allowed");
	assert_int_equal(ftruncate(fd, PAL_SPEC_MAX_SIZE + 1), 0);
	load_fails("config.json: 16777217 bytes, more than the 16777216 allowed");
	assert_int_equal(close(fd), 0);

	/* exactly the limit is fine: an object padded with whitespace */
	{
		struct pal_spec spec = PAL_SPEC_INIT;
		char *big = malloc(PAL_SPEC_MAX_SIZE);
		assert_non_null(big);
		memset(big, ' ', PAL_SPEC_MAX_SIZE);
		memcpy(big, BASE, strlen(BASE));
		assert_int_equal(pal_test_write(dir, PAL_SPEC_FILE, big, PAL_SPEC_MAX_SIZE), 0);
		free(big);
		load(&spec);
		assert_string_equal(YAJL_GET_STRING(pal_json_get(spec.root, "ociVersion")),
		                    "1.0.2");
		pal_spec_free(&spec);
	}
	free(p);
}

static void missing(void **state)
{
	struct pal_spec spec = PAL_SPEC_INIT;
	pal_error err = {0};
	char *p;
	(void)state;

	assert_int_equal(pal_spec_load("/nonexistent/bundle", &spec, &err), -1);
	assert_string_equal(err.msg, "bundle /nonexistent/bundle: No such file or directory");
	assert_int_equal(err.errnum, ENOENT);

	p = path_of(PAL_SPEC_FILE);
	assert_int_equal(pal_spec_load(p, &spec, &err), -1);
	assert_int_equal(err.errnum, ENOTDIR);
	assert_int_equal(unlink(p), 0);
	free(p);
	load_fails("config.json: No such file or directory");
	pal_spec_free(&spec);
}

/* ------------------------------------------------------------ write */

static void noop_write(void **state)
{
	_cleanup_spec_ struct pal_spec spec = PAL_SPEC_INIT;
	struct timespec old[2] = {{.tv_sec = 1000000000}, {.tv_sec = 1000000000}};
	struct stat before, after;
	pal_error err = {0};
	bool changed = true;
	char *p = path_of(PAL_SPEC_FILE);
	(void)state;

	assert_int_equal(utimensat(AT_FDCWD, p, old, 0), 0);
	free(p);
	load(&spec);
	stat_config(&before);
	/* an edit that changes nothing is no change */
	assert_int_equal(pal_json_set(spec.root, "ociVersion", pal_json_new_string("1.0.2"), &err),
	                 0);
	assert_int_equal(pal_spec_write(&spec, &changed, &err), 0);
	assert_false(changed);
	assert_int_equal(pal_spec_write(&spec, NULL, &err), 0);
	stat_config(&after);
	assert_int_equal(after.st_ino, before.st_ino);
	assert_int_equal(after.st_mtim.tv_sec, 1000000000);
	assert_int_equal(after.st_mtim.tv_nsec, 0);
	assert_int_equal(write_inj.calls + fsync_inj.calls + rename_inj.calls, 0);
	assert_config_is_base();
	assert_no_temp();
}

static void idempotent(void **state)
{
	struct pal_spec spec = PAL_SPEC_INIT;
	pal_error err = {0};
	bool changed = false;
	struct stat first, second;
	char *bytes;
	size_t len = 0;
	(void)state;

	load(&spec);
	edit(&spec);
	assert_int_equal(pal_spec_write(&spec, &changed, &err), 0);
	assert_true(changed);
	/* the written tree is the new original */
	assert_int_equal(pal_spec_write(&spec, &changed, &err), 0);
	assert_false(changed);
	pal_spec_free(&spec);
	stat_config(&first);
	bytes = pal_test_read(dir, PAL_SPEC_FILE, &len);
	assert_non_null(bytes);

	/* the same transform on the rewritten bundle is a no-op */
	load(&spec);
	edit(&spec);
	assert_int_equal(pal_spec_write(&spec, &changed, &err), 0);
	assert_false(changed);
	pal_spec_free(&spec);
	stat_config(&second);
	assert_int_equal(first.st_ino, second.st_ino);
	assert_config(bytes, len);
	free(bytes);
}

static void mode_and_owner(void **state)
{
	static const mode_t modes[] = {0640, 0604, 02750};
	bool root = geteuid() == 0;
	char *p = path_of(PAL_SPEC_FILE);
	(void)state;

	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		_cleanup_spec_ struct pal_spec spec = PAL_SPEC_INIT;
		pal_error err = {0};
		bool changed = false;
		struct stat st, orig;

		assert_int_equal(pal_test_write(dir, PAL_SPEC_FILE, BASE, strlen(BASE)), 0);
		if (root)
			assert_int_equal(chown(p, 1234, 5678), 0);
		assert_int_equal(chmod(p, modes[i]), 0);
		stat_config(&orig);
		load(&spec);
		edit(&spec);
		assert_int_equal(pal_spec_write(&spec, &changed, &err), 0);
		assert_true(changed);
		stat_config(&st);
		assert_int_not_equal(st.st_ino, orig.st_ino);
		/* unprivileged, chmod() may drop set-gid silently */
		if (root || !(modes[i] & 07000))
			assert_int_equal(orig.st_mode & 07777, modes[i]);
		assert_int_equal(st.st_mode & 07777, orig.st_mode & 07777);
		assert_int_equal(st.st_uid, orig.st_uid);
		assert_int_equal(st.st_gid, orig.st_gid);
		if (root) {
			assert_int_equal(st.st_uid, 1234);
			assert_int_equal(st.st_gid, 5678);
		}
	}
	free(p);
}

static void fsync_fails(void **state)
{
	(void)state;
	arm(&fsync_inj, 1, EIO);
	write_fails("config.json: syncing .config.json.palisade-", ": Input/output error");
}

static void write_error(void **state)
{
	(void)state;
	arm(&write_inj, 1, ENOSPC);
	write_fails("config.json: writing .config.json.palisade-", ": No space left on device");
	/* after part of the file was written */
	arm(&write_inj, 3, EIO);
	write_max = 16;
	write_fails("config.json: writing .config.json.palisade-", ": Input/output error");
}

/* Short writes and EINTR are not errors: the file comes out whole. */
static void short_writes(void **state)
{
	_cleanup_spec_ struct pal_spec spec = PAL_SPEC_INIT;
	pal_error err = {0};
	bool changed = false;
	char *out;
	size_t len;
	(void)state;

	load(&spec);
	edit(&spec);
	write_max = 7;
	arm(&write_inj, 2, EINTR);
	assert_int_equal(pal_spec_write(&spec, &changed, &err), 0);
	assert_true(write_inj.calls > 10);
	disarm();
	assert_true(changed);
	assert_int_equal(pal_json_serialize(spec.root, true, &out, &len, &err), 0);
	assert_config(out, len);
	free(out);
}

static void rename_fails(void **state)
{
	(void)state;
	arm(&rename_inj, 1, EROFS);
	write_fails("config.json: renaming .config.json.palisade-",
	            " over it: Read-only file system");
	arm(&rename_inj, 1, EACCES);
	write_fails("config.json: renaming .config.json.palisade-", " over it: Permission denied");
}

/* The temporary file cannot be created.  As root, a 0555 directory does
 * not stop us, but running out of file descriptors does. */
static void unwritable_bundle(void **state)
{
	struct rlimit saved, low;
	int probe;
	(void)state;

	assert_int_equal(chmod(dir, 0555), 0);
	probe = pal_test_write(dir, "probe", "", 0);
	if (probe == 0) {
		/* privileged: the mode is not enforced */
		char *p = path_of("probe");
		assert_int_equal(unlink(p), 0);
		free(p);
	} else {
		_cleanup_spec_ struct pal_spec spec = PAL_SPEC_INIT;
		pal_error err = {0};
		bool changed = true;

		load(&spec);
		edit(&spec);
		assert_int_equal(pal_spec_write(&spec, &changed, &err), -1);
		assert_string_equal(err.msg,
		                    "config.json: creating a temporary file in the bundle: "
		                    "Permission denied");
		assert_false(changed);
		assert_config_is_base();
		assert_no_temp();
	}
	assert_int_equal(chmod(dir, 0755), 0);

	assert_int_equal(getrlimit(RLIMIT_NOFILE, &saved), 0);
	{
		_cleanup_spec_ struct pal_spec spec = PAL_SPEC_INIT;
		pal_error err = {0};
		bool changed = true;
		int next;

		load(&spec);
		edit(&spec);
		next = open("/dev/null", O_RDONLY | O_CLOEXEC);
		assert_true(next >= 0);
		assert_int_equal(close(next), 0);
		low = saved;
		low.rlim_cur = (rlim_t)next; /* no new descriptor from here */
		assert_int_equal(setrlimit(RLIMIT_NOFILE, &low), 0);
		assert_int_equal(pal_spec_write(&spec, &changed, &err), -1);
		assert_int_equal(setrlimit(RLIMIT_NOFILE, &saved), 0);
		assert_string_equal(err.msg,
		                    "config.json: creating a temporary file in the bundle: "
		                    "Too many open files");
		assert_false(changed);
	}
	assert_config_is_base();
	assert_no_temp();
}

/* Once renamed, config.json is the new file even if the directory sync
 * then fails: the error says so and *changed is set. */
static void dir_fsync_fails(void **state)
{
	_cleanup_spec_ struct pal_spec spec = PAL_SPEC_INIT;
	pal_error err = {0};
	bool changed = false;
	char *out;
	size_t len;
	(void)state;

	load(&spec);
	edit(&spec);
	arm(&fsync_inj, 2, EIO);
	assert_int_equal(pal_spec_write(&spec, &changed, &err), -1);
	disarm();
	assert_string_equal(err.msg,
	                    "config.json: replaced, but syncing the bundle directory failed: "
	                    "Input/output error");
	assert_true(changed);
	assert_int_equal(pal_json_serialize(spec.root, true, &out, &len, &err), 0);
	assert_config(out, len);
	free(out);
	assert_no_temp();
	/* and it is the spec's original now */
	assert_int_equal(pal_spec_write(&spec, &changed, &err), 0);
	assert_false(changed);
}

static void replaced_meanwhile(void **state)
{
	static const char theirs[] = "{\"ociVersion\":\"theirs\"}";
	static const char longer[] = "{\"ociVersion\":\"edited in place, longer\"}";
	char *p = path_of(PAL_SPEC_FILE), *q = path_of("new.json");
	(void)state;

	/* replaced by rename: another inode */
	{
		_cleanup_spec_ struct pal_spec spec = PAL_SPEC_INIT;
		pal_error err = {0};
		bool changed = true;

		load(&spec);
		edit(&spec);
		assert_int_equal(pal_test_write(dir, "new.json", theirs, strlen(theirs)), 0);
		assert_int_equal(rename(q, p), 0);
		assert_int_equal(pal_spec_write(&spec, &changed, &err), -1);
		assert_string_equal(err.msg, "config.json changed while Palisade was rewriting it");
		assert_false(changed);
		assert_config(theirs, strlen(theirs));
		assert_no_temp();
	}
	/* edited in place: same inode, other size */
	{
		_cleanup_spec_ struct pal_spec spec = PAL_SPEC_INIT;
		pal_error err = {0};

		load(&spec);
		edit(&spec);
		assert_int_equal(pal_test_write(dir, PAL_SPEC_FILE, longer, strlen(longer)), 0);
		assert_int_equal(pal_spec_write(&spec, NULL, &err), -1);
		assert_string_equal(err.msg, "config.json changed while Palisade was rewriting it");
		assert_config(longer, strlen(longer));
		assert_no_temp();
	}
	/* removed */
	{
		_cleanup_spec_ struct pal_spec spec = PAL_SPEC_INIT;
		pal_error err = {0};
		struct stat st;

		load(&spec);
		edit(&spec);
		assert_int_equal(unlink(p), 0);
		assert_int_equal(pal_spec_write(&spec, NULL, &err), -1);
		assert_string_equal(err.msg, "config.json: No such file or directory");
		assert_int_equal(lstat(p, &st), -1);
		assert_no_temp();
	}
	free(p);
	free(q);
}

static void free_safety(void **state)
{
	struct pal_spec spec = PAL_SPEC_INIT;
	(void)state;

	pal_spec_free(&spec);
	pal_spec_free(&spec);
	pal_spec_free(NULL);
	load(&spec);
	pal_spec_free(&spec);
	assert_null(spec.bundle);
	assert_int_equal(spec.dirfd, -1);
	assert_null(spec.orig);
	assert_null(spec.root);
	pal_spec_free(&spec);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(load_modify_write), T(malformed),         T(symlinked),       T(not_regular),
	    T(oversize),          T(missing),           T(noop_write),      T(idempotent),
	    T(mode_and_owner),    T(fsync_fails),       T(write_error),     T(short_writes),
	    T(rename_fails),      T(unwritable_bundle), T(dir_fsync_fails), T(replaced_meanwhile),
	    T(free_safety),
	};
	return cmocka_run_group_tests_name("spec", tests, NULL, NULL);
}
