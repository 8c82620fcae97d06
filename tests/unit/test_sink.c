/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The violations log (src/sink.c): modes of what it creates, rotation at the
 * exact boundary, the number of rotated files kept, one write(2) per line
 * of any length, a short write taken back, a concurrent reader that only
 * ever completes whole lines, and syslog's facility and levels (as root,
 * in a private mount namespace whose /dev/log is the test's socket).
 *
 * write(2) is wrapped (-Wl,--wrap=write) to count the calls on the log and
 * to cut one short, as a full disk would.
 */
#include "config.h"

#include "pal_test.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "palisade/sink.h"

/* ------------------------------------------------------------ write(2) */

ssize_t __real_write(int fd, const void *buf, size_t n);
ssize_t __wrap_write(int fd, const void *buf, size_t n);

static int watch_fd = -1; /* count and cut writes to this descriptor */
static unsigned n_writes; /* on watch_fd */
static size_t cut_to;     /* when not 0: the next write writes this much */

ssize_t __wrap_write(int fd, const void *buf, size_t n)
{
	if (fd != watch_fd || watch_fd < 0)
		return __real_write(fd, buf, n);
	n_writes++;
	if (cut_to && cut_to < n) {
		size_t c = cut_to;
		cut_to = 0;
		return __real_write(fd, buf, c);
	}
	return __real_write(fd, buf, n);
}

/* The sink's descriptor: the one open on PATH (a sink has one). */
static int fd_of(const char *path)
{
	struct stat want, st;

	if (stat(path, &want) < 0)
		return -1;
	for (int fd = 3; fd < 1024; fd++)
		if (fstat(fd, &st) == 0 && st.st_ino == want.st_ino && st.st_dev == want.st_dev)
			return fd;
	return -1;
}

/* ------------------------------------------------------------ helpers */

struct fixture {
	char *dir, *path;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f || !(f->dir = pal_test_tmpdir()) ||
	    asprintf(&f->path, "%s/log/violations.log", f->dir) < 0)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	pal_test_rmtree(f->dir);
	free(f->dir);
	free(f->path);
	free(f);
	return 0;
}

static char *slurp(const char *path)
{
	char *dir = strdup(path), *slash = strrchr(dir, '/'), *out;

	*slash = '\0';
	out = pal_test_read(dir, slash + 1, NULL);
	free(dir);
	return out;
}

static char *rotated(const struct fixture *f, unsigned i)
{
	char *p, *out;

	if (asprintf(&p, "%s.%u", f->path, i) < 0)
		return NULL;
	out = slurp(p);
	free(p);
	return out;
}

static bool exists(const struct fixture *f, unsigned i)
{
	char p[4096];
	struct stat st;

	if (i)
		snprintf(p, sizeof(p), "%s.%u", f->path, i);
	else
		snprintf(p, sizeof(p), "%s", f->path);
	return lstat(p, &st) == 0;
}

/* a line of exactly LEN bytes: "<tag>" then filler */
static char *line(char tag, size_t len)
{
	char *l = malloc(len + 1);

	memset(l, tag, len);
	l[len] = '\0';
	return l;
}

static void put(struct pal_sink *s, const char *l)
{
	pal_error err = {0};

	if (pal_sink_write(s, l, strlen(l), true, &err) < 0)
		fail_msg("pal_sink_write: %s", err.msg);
}

static struct pal_sink *open_sink(const struct fixture *f, uint64_t max, unsigned keep)
{
	struct pal_sink_opts o = {.path = f->path, .max_bytes = max, .keep = keep};
	struct pal_sink *s = NULL;
	pal_error err = {0};

	if (pal_sink_open(&o, &s, &err) < 0)
		fail_msg("pal_sink_open: %s", err.msg);
	return s;
}

/* ------------------------------------------------------------ tests */

static void modes_whatever_the_umask(void **state)
{
	struct fixture *f = *state;
	mode_t old = umask(077);
	struct pal_sink *s = open_sink(f, 0, 1);
	char dir[4096];
	struct stat st;

	umask(old);
	put(s, "{}");
	pal_sink_close(s);
	assert_int_equal(stat(f->path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	snprintf(dir, sizeof(dir), "%s/log", f->dir);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0750);

	/* an existing log keeps the mode an operator gave it, and its lines */
	assert_int_equal(chmod(f->path, 0600), 0);
	s = open_sink(f, 0, 1);
	put(s, "[]");
	pal_sink_close(s);
	assert_int_equal(stat(f->path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	char *text = slurp(f->path);
	assert_string_equal(text, "{}\n[]\n");
	free(text);
}

static void rotation_boundary(void **state)
{
	struct fixture *f = *state;
	struct pal_sink *s = open_sink(f, 100, 3);
	char *a = line('a', 49), *b = line('b', 49), *c = line('c', 49), *d = line('d', 10);
	char *text;

	/* 50 + 50 bytes: exactly the limit, no rotation */
	put(s, a);
	put(s, b);
	assert_false(exists(f, 1));
	text = slurp(f->path);
	assert_int_equal(strlen(text), 100);
	free(text);
	/* one byte more would pass it: rotate first */
	put(s, c);
	assert_true(exists(f, 1));
	text = rotated(f, 1);
	assert_int_equal(strlen(text), 100);
	assert_int_equal(text[0], 'a');
	assert_int_equal(text[50], 'b');
	free(text);
	text = slurp(f->path);
	assert_int_equal(strlen(text), 50);
	assert_int_equal(text[0], 'c');
	free(text);
	put(s, d);
	text = slurp(f->path);
	assert_int_equal(strlen(text), 61);
	free(text);
	pal_sink_close(s);

	/* a reopened sink counts what the file already holds */
	s = open_sink(f, 100, 3);
	put(s, c); /* 61 + 50 > 100 */
	pal_sink_close(s);
	text = rotated(f, 1);
	assert_int_equal(strlen(text), 61);
	free(text);
	text = rotated(f, 2);
	assert_int_equal(text[0], 'a');
	free(text);
	free(a);
	free(b);
	free(c);
	free(d);
}

static void keeps_n_files(void **state)
{
	struct fixture *f = *state;
	struct pal_sink *s = open_sink(f, 10, 3);
	char l[8];

	/* 7 bytes a line: every line after the first rotates */
	for (int i = 0; i < 20; i++) {
		snprintf(l, sizeof(l), "line%02d", i);
		put(s, l);
	}
	pal_sink_close(s);
	assert_true(exists(f, 0));
	assert_true(exists(f, 1));
	assert_true(exists(f, 2));
	assert_true(exists(f, 3));
	assert_false(exists(f, 4));
	/* newest in the log, older as the number grows, oldest dropped */
	const char *want[] = {"line19\n", "line18\n", "line17\n", "line16\n"};
	for (unsigned i = 0; i < 4; i++) {
		char *text = i ? rotated(f, i) : slurp(f->path);
		assert_string_equal(text, want[i]);
		free(text);
	}
}

static void keep_zero_truncates(void **state)
{
	struct fixture *f = *state;
	struct pal_sink *s = open_sink(f, 10, 0);

	put(s, "first");
	put(s, "second");
	pal_sink_close(s);
	assert_false(exists(f, 1));
	char *text = slurp(f->path);
	assert_string_equal(text, "second\n");
	free(text);
}

static void one_write_per_line(void **state)
{
	struct fixture *f = *state;
	struct pal_sink *s = open_sink(f, 1u << 20, 2);
	size_t big = 3 * 65536 + 17; /* far past PIPE_BUF (4096) */
	char *l = line('x', big), *text;

	watch_fd = fd_of(f->path);
	assert_true(watch_fd >= 0);
	n_writes = 0;
	put(s, "small");
	put(s, l);
	assert_int_equal(n_writes, 2);
	watch_fd = -1;

	/* a line longer than the limit goes, alone, into a fresh file */
	pal_sink_close(s);
	s = open_sink(f, 1000, 2);
	put(s, l);
	put(s, "after");
	pal_sink_close(s);
	text = rotated(f, 2);
	assert_int_equal(strlen(text), 6 + big + 1); /* small + big */
	free(text);
	text = rotated(f, 1);
	assert_int_equal(strlen(text), big + 1);
	free(text);
	text = slurp(f->path);
	assert_string_equal(text, "after\n");
	free(text);
	free(l);
}

static void short_write_taken_back(void **state)
{
	struct fixture *f = *state;
	struct pal_sink *s = open_sink(f, 0, 1);
	pal_error err = {0};
	char *text;

	put(s, "one");
	watch_fd = fd_of(f->path);
	cut_to = 3;
	assert_int_equal(pal_sink_write(s, "two-cut", 7, true, &err), -1);
	assert_int_equal(err.errnum, ENOSPC);
	watch_fd = -1;
	put(s, "three");
	pal_sink_close(s);
	text = slurp(f->path);
	assert_string_equal(text, "one\nthree\n");
	free(text);
}

static void refusals(void **state)
{
	struct fixture *f = *state;
	struct pal_sink_opts o = {.path = f->path, .keep = 1};
	struct pal_sink *s = NULL;
	pal_error err = {0};
	char target[4096];

	/* a newline would make two lines of one */
	s = open_sink(f, 0, 1);
	assert_int_equal(pal_sink_write(s, "a\nb", 3, false, &err), -1);
	assert_int_equal(err.errnum, EINVAL);
	pal_sink_close(s);
	/* the log is never a symbolic link planted elsewhere */
	assert_int_equal(unlink(f->path), 0);
	snprintf(target, sizeof(target), "%s/elsewhere", f->dir);
	assert_int_equal(symlink(target, f->path), 0);
	s = NULL;
	assert_int_equal(pal_sink_open(&o, &s, &err), -1);
	assert_null(s);
	assert_false(access(target, F_OK) == 0);
	o.keep = PAL_SINK_MAX_KEEP + 1;
	assert_int_equal(pal_sink_open(&o, &s, &err), -1);
	assert_int_equal(err.errnum, EINVAL);
}

/* ------------------------------------------------------------ concurrency */

#define N_LINES 3000

struct writer {
	struct pal_sink *s;
	int failed;
};

/* line I: "I:" then a length that varies past PIPE_BUF, of the letter I%26 */
static size_t line_len(int i)
{
	return (size_t)(i * 7919 % 9000) + 1;
}

static void *write_all(void *arg)
{
	struct writer *w = arg;
	char *buf = malloc(16 + 9001);
	pal_error err;

	for (int i = 0; i < N_LINES; i++) {
		int n = sprintf(buf, "%d:", i);
		size_t len = line_len(i);
		memset(buf + n, 'a' + i % 26, len);
		if (pal_sink_write(w->s, buf, (size_t)n + len, false, &err) < 0) {
			w->failed = 1;
			break;
		}
		if (i % 64 == 0)
			sched_yield();
	}
	free(buf);
	return NULL;
}

static bool line_ok(const char *l, size_t n, int want)
{
	char *end;
	long i = strtol(l, &end, 10);

	if (i != want || *end != ':')
		return false;
	end++;
	if ((size_t)(l + n - end) != line_len(want))
		return false;
	for (const char *p = end; p < l + n; p++)
		if (*p != 'a' + want % 26)
			return false;
	return true;
}

static void concurrent_reader_sees_whole_lines(void **state)
{
	struct fixture *f = *state;
	struct writer w = {.s = open_sink(f, 0, 1)};
	size_t cap = 1 << 16, len = 0;
	char *buf = malloc(cap);
	int fd = open(f->path, O_RDONLY | O_CLOEXEC), next = 0;
	pthread_t th;

	assert_true(fd >= 0);
	assert_int_equal(pthread_create(&th, NULL, write_all, &w), 0);
	/* read while the writer writes; a line is whole once its newline is
	 * there, and every whole line must be the next one, intact */
	for (int idle = 0; next < N_LINES && idle < 20000;) {
		ssize_t n;
		if (cap - len < 16384)
			buf = realloc(buf, cap *= 2);
		n = read(fd, buf + len, cap - len);
		assert_true(n >= 0);
		if (n == 0) {
			idle++;
			usleep(100);
			continue;
		}
		idle = 0;
		len += (size_t)n;
		size_t start = 0;
		for (char *nl; (nl = memchr(buf + start, '\n', len - start));) {
			if (!line_ok(buf + start, (size_t)(nl - (buf + start)), next))
				fail_msg("line %d is not whole or not next", next);
			next++;
			start = (size_t)(nl - buf) + 1;
		}
		memmove(buf, buf + start, len - start);
		len -= start;
	}
	assert_int_equal(pthread_join(th, NULL), 0);
	assert_int_equal(w.failed, 0);
	assert_int_equal(next, N_LINES);
	assert_int_equal(len, 0);
	close(fd);
	free(buf);
	pal_sink_close(w.s);
}

/* ------------------------------------------------------------ syslog */

static int syslog_child(const char *dir)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct pal_sink_opts o = {.keep = 1, .syslog = true};
	struct pal_sink *s = NULL;
	char path[4096], got[2][512];
	pal_error err;
	int sock;

	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("tmpfs", "/dev", "tmpfs", 0, "mode=0755") < 0)
		return 2;
	sock = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	strcpy(sa.sun_path, "/dev/log");
	if (sock < 0 || bind(sock, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return 3;
	snprintf(path, sizeof(path), "%s/violations.log", dir);
	o.path = path;
	if (pal_sink_open(&o, &s, &err) < 0 || pal_sink_write(s, "{\"d\":1}", 7, true, &err) < 0 ||
	    pal_sink_write(s, "{\"a\":2}", 7, false, &err) < 0)
		return 4;
	for (int i = 0; i < 2; i++) {
		ssize_t n = recv(sock, got[i], sizeof(got[i]) - 1, MSG_DONTWAIT);
		if (n <= 0)
			return 5;
		got[i][n] = '\0';
	}
	pal_sink_close(s);
	/* "<PRI>Mmm dd hh:mm:ss palisade[PID]: LINE": LOG_AUTHPRIV is 10 << 3,
	 * LOG_WARNING 4, LOG_NOTICE 5 */
	if (strncmp(got[0], "<84>", 4) || !strstr(got[0], " palisade[") ||
	    !strstr(got[0], "]: {\"d\":1}"))
		return 6;
	if (strncmp(got[1], "<85>", 4) || !strstr(got[1], "]: {\"a\":2}"))
		return 7;
	return 0;
}

static void syslog_levels(void **state)
{
	struct fixture *f = *state;
	int status;
	pid_t pid;

	if (geteuid() != 0) {
		skip();
		return;
	}
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(syslog_child(f->dir));
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == 2) {
		skip(); /* no mount namespace here */
		return;
	}
	assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(modes_whatever_the_umask, setup, teardown),
	    cmocka_unit_test_setup_teardown(rotation_boundary, setup, teardown),
	    cmocka_unit_test_setup_teardown(keeps_n_files, setup, teardown),
	    cmocka_unit_test_setup_teardown(keep_zero_truncates, setup, teardown),
	    cmocka_unit_test_setup_teardown(one_write_per_line, setup, teardown),
	    cmocka_unit_test_setup_teardown(short_write_taken_back, setup, teardown),
	    cmocka_unit_test_setup_teardown(refusals, setup, teardown),
	    cmocka_unit_test_setup_teardown(concurrent_reader_sees_whole_lines, setup, teardown),
	    cmocka_unit_test_setup_teardown(syslog_levels, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
