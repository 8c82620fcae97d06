/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `palisade events` (events_cmd.h): the violations log the monitor writes
 * (src/sink.c), filtered, as one readable line per violation or as the raw
 * JSON lines, and followed as it grows.
 *
 * Why the command shares its word with runc's: "events" is what a person
 * types to see what happened to a container, and runc's own `events ID`
 * (statistics) keeps working because the two forms never overlap: runc's
 * needs exactly one container id and knows none of Palisade's options.
 *
 * Reading a file another process appends to: a read(2) may return part of
 * a line the monitor is writing (a regular file's read is not atomic
 * against a write), so an incomplete last line is kept until its newline
 * arrives and never shown half.  Rotation (violations.log -> .1) is seen as
 * a new inode at the path: the old file is read to its end first (still
 * open, so nothing written before the rename is lost), then any rotated
 * file written and rotated between two looks, then the new log.
 *
 * Everything shown on a terminal that came from a container is escaped
 * again for the terminal: control characters (C0, DEL and C1) as \xNN.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "palisade/cleanup.h"
#include "palisade/cli.h"
#include "palisade/events_cmd.h"
#include "palisade/json.h"
#include "palisade/sink.h"
#include "palisade/violation.h"

#define USAGE                                                                                      \
	"palisade events [--follow] [--container ID|NAMESPACE/POD] [--since TIME|DURATION] "       \
	"[--json] [--file PATH]"

#define CHUNK          65536
#define LINE_MAX_BYTES (1u << 20) /* longer lines are skipped (counted) */
#define POLL_NS        100000000L /* --follow looks every 100 ms */

/* ------------------------------------------------------------ routing */

static bool name_is(const char *name, size_t n, const char *const *set, size_t n_set)
{
	for (size_t i = 0; i < n_set; i++)
		if (strlen(set[i]) == n && !strncmp(name, set[i], n))
			return true;
	return false;
}

static const char *const own_bools[] = {"follow", "json"};
static const char *const own_values[] = {"container", "since", "file"};

bool pal_events_is_own(int argc, char **argv)
{
	int positional = 0;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *name;
		size_t n;

		if (!strcmp(a, "--")) {
			positional += argc - i - 1;
			break;
		}
		if (a[0] != '-' || !a[1]) {
			positional++;
			continue;
		}
		name = a + 1 + (a[1] == '-');
		n = strcspn(name, "=");
		if (name_is(name, n, own_bools, 2) || name_is(name, n, own_values, 3))
			return true;
		/* runc's one value option: its value is not a positional word */
		if (n == 8 && !strncmp(name, "interval", 8) && !name[n])
			i++;
	}
	return positional == 0;
}

/* ------------------------------------------------------------ times */

static bool digits(const char **p, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++, (*p)++) {
		if (**p < '0' || **p > '9')
			return false;
		v = v * 10 + (**p - '0');
	}
	*out = v;
	return true;
}

/* RFC 3339: YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM); nanoseconds since
 * the epoch.  -1 when S is not one (or before 1970). */
static int parse_rfc3339(const char *s, uint64_t *ns)
{
	int y, mo, d, h, mi, sec, oh = 0, om = 0, sign = 0;
	uint64_t frac = 0;
	struct tm tm = {0}, back;
	time_t t;

	if (!digits(&s, 4, &y) || *s++ != '-' || !digits(&s, 2, &mo) || *s++ != '-' ||
	    !digits(&s, 2, &d) || (*s != 'T' && *s != 't' && *s != ' ') || !s++ ||
	    !digits(&s, 2, &h) || *s++ != ':' || !digits(&s, 2, &mi) || *s++ != ':' ||
	    !digits(&s, 2, &sec))
		return -1;
	if (*s == '.') {
		int nd = 0;
		s++;
		if (*s < '0' || *s > '9')
			return -1;
		for (; *s >= '0' && *s <= '9'; s++, nd++)
			if (nd < 9)
				frac = frac * 10 + (uint64_t)(*s - '0');
		for (; nd < 9; nd++)
			frac *= 10;
	}
	if (*s == 'Z' || *s == 'z') {
		s++;
	} else if (*s == '+' || *s == '-') {
		sign = *s++ == '+' ? 1 : -1;
		if (!digits(&s, 2, &oh) || *s++ != ':' || !digits(&s, 2, &om) || oh > 23 || om > 59)
			return -1;
	} else {
		return -1;
	}
	if (*s || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 59)
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	t = timegm(&tm);
	/* timegm normalises 02-30 to 03-02: refuse what does not exist */
	if (t == (time_t)-1 || !gmtime_r(&t, &back) || back.tm_mday != d || back.tm_mon != mo - 1)
		return -1;
	t -= sign * (oh * 3600 + om * 60);
	if (t < 0)
		return -1;
	*ns = (uint64_t)t * 1000000000u + frac;
	return 0;
}

/* 90s, 30m, 1h, 2d, 1h30m: seconds, or -1. */
static int parse_duration(const char *s, uint64_t *secs)
{
	uint64_t total = 0;

	if (!*s)
		return -1;
	while (*s) {
		uint64_t n = 0, unit;
		if (*s < '0' || *s > '9')
			return -1;
		for (; *s >= '0' && *s <= '9'; s++) {
			if (n > (UINT64_MAX - 9) / 10)
				return -1;
			n = n * 10 + (uint64_t)(*s - '0');
		}
		switch (*s++) {
		case 's':
			unit = 1;
			break;
		case 'm':
			unit = 60;
			break;
		case 'h':
			unit = 3600;
			break;
		case 'd':
			unit = 86400;
			break;
		default:
			return -1;
		}
		if (n > (UINT64_MAX / 1000000000u - total) / unit)
			return -1;
		total += n * unit;
	}
	*secs = total;
	return 0;
}

int pal_events_parse_since(const char *s, uint64_t now_ns, uint64_t *since_ns, pal_error *err)
{
	uint64_t secs;

	if (parse_rfc3339(s, since_ns) == 0)
		return 0;
	if (parse_duration(s, &secs) == 0) {
		uint64_t back = secs * 1000000000u;
		*since_ns = back > now_ns ? 0 : now_ns - back;
		return 0;
	}
	return pal_err_code(err, EINVAL,
	                    "--since \"%.64s\": neither an RFC 3339 time "
	                    "(2026-11-23T08:00:00Z) nor a duration (90s, 30m, 1h, 2d, 1h30m)",
	                    s);
}

/* ------------------------------------------------------------ options */

struct opts {
	bool follow, json, help;
	const char *container, *since, *file;
};

static int usage(pal_error *err, const char *why, const char *what)
{
	return pal_err_code(err, EINVAL, "events: %s%s; usage: " USAGE, why, what ? what : "");
}


static bool is_flag(const char *a, const char *name)
{
	const char *n = a + 1 + (a[1] == '-');

	return !strcmp(n, name) || (!strncmp(n, name, strlen(name)) && n[strlen(name)] == '=' &&
	                            !strcmp(n + strlen(name) + 1, "true"));
}

static int parse_args(int argc, char **argv, struct opts *o, pal_error *err)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v;
		const char **dst = NULL;
		bool missing;

		if (a[0] != '-' || !a[1] || !strcmp(a, "--"))
			return usage(err,
			             "no container id with Palisade's options (runc's statistics: "
			             "events [--interval D] [--stats] ID)",
			             NULL);
		if (is_flag(a, "h") || is_flag(a, "help"))
			o->help = true;
		else if (is_flag(a, "follow"))
			o->follow = true;
		else if (is_flag(a, "json"))
			o->json = true;
		else if ((v = pal_cli_option_value(argc, argv, &i, "container", &missing)) || missing)
			dst = &o->container;
		else if ((v = pal_cli_option_value(argc, argv, &i, "since", &missing)) || missing)
			dst = &o->since;
		else if ((v = pal_cli_option_value(argc, argv, &i, "file", &missing)) || missing)
			dst = &o->file;
		else
			return usage(err, "unknown option ", a);
		if (dst) {
			if (missing || !*v)
				return usage(err, "a value is needed after ", a);
			*dst = v;
		}
	}
	return 0;
}

/* ------------------------------------------------------------ output */

struct reader {
	struct opts *o;
	uint64_t since_ns;
	uint64_t malformed;
	FILE *out;
};

/* S for a terminal: C0 controls, DEL and C1 controls (U+0080..U+009F, which
 * some terminals obey) as \xNN; quoted when it holds a space or a quote or
 * is empty, so that "key=value" stays one word. */
static void put_term(FILE *f, const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	bool quote = !*s || strpbrk(s, " \"") != NULL;

	if (quote)
		fputc('"', f);
	for (; *u; u++) {
		if (*u < 0x20 || *u == 0x7f)
			fprintf(f, "\\x%02x", *u);
		else if (*u == 0xc2 && u[1] >= 0x80 && u[1] <= 0x9f)
			fprintf(f, "\\xc2\\x%02x", *++u);
		else if (*u == '"' && quote)
			fputs("\\\"", f);
		else
			fputc(*u, f);
	}
	if (quote)
		fputc('"', f);
}

static void put_scalar(FILE *f, yajl_val v)
{
	if (YAJL_IS_STRING(v))
		put_term(f, v->u.string);
	else if (YAJL_IS_NUMBER(v))
		fputs(v->u.number.r ? v->u.number.r : "?", f);
	else if (YAJL_IS_TRUE(v))
		fputs("true", f);
	else if (YAJL_IS_FALSE(v))
		fputs("false", f);
	else if (YAJL_IS_ARRAY(v)) {
		fputc('[', f);
		for (size_t i = 0; i < v->u.array.len; i++) {
			if (i)
				fputc(',', f);
			put_scalar(f, v->u.array.values[i]);
		}
		fputc(']', f);
	} else if (YAJL_IS_OBJECT(v)) {
		fputs("{...}", f);
	} else {
		fputs("null", f);
	}
}

/* " key=value" per member of DETAIL, "a.b=value" for nested objects */
static void put_detail(FILE *f, const char *prefix, yajl_val detail, int depth)
{
	if (!YAJL_IS_OBJECT(detail))
		return;
	for (size_t i = 0; i < detail->u.object.len; i++) {
		yajl_val v = detail->u.object.values[i];
		_cleanup_free_ char *key = NULL;

		if (asprintf(&key, "%s%s%s", prefix, *prefix ? "." : "", detail->u.object.keys[i]) <
		    0)
			return;
		if (YAJL_IS_OBJECT(v) && depth < 4) {
			put_detail(f, key, v, depth + 1);
			continue;
		}
		fputc(' ', f);
		put_term(f, key);
		fputc('=', f);
		put_scalar(f, v);
	}
}

static const char *str_at(yajl_val root, const char *a, const char *b)
{
	yajl_val v = b ? pal_json_getp(root, a, b, NULL) : pal_json_get(root, a);

	return YAJL_IS_STRING(v) ? v->u.string : NULL;
}

/* TIME CONTAINER VERDICT RULE HOOK detail... comm=.. pid=.. */
static void put_human(FILE *f, yajl_val root)
{
	const char *id = str_at(root, "container", "id");
	const char *ns = str_at(root, "container", "namespace");
	const char *pod = str_at(root, "container", "pod");
	const char *fields[] = {str_at(root, "verdict", NULL), str_at(root, "rule", NULL),
	                        str_at(root, "hook", NULL)};
	yajl_val pid = pal_json_get(root, "pid");

	put_term(f, str_at(root, "time", NULL) ? str_at(root, "time", NULL) : "?");
	fputc(' ', f);
	if (id) {
		put_term(f, id);
		if (ns && pod) {
			fputc('(', f);
			put_term(f, ns);
			fputc('/', f);
			put_term(f, pod);
			fputc(')', f);
		}
	} else {
		fputc('-', f);
	}
	for (size_t i = 0; i < 3; i++) {
		fputc(' ', f);
		put_term(f, fields[i] ? fields[i] : "?");
	}
	put_detail(f, "", pal_json_get(root, "detail"), 0);
	if (str_at(root, "comm", NULL)) {
		fputs(" comm=", f);
		put_term(f, str_at(root, "comm", NULL));
	}
	if (YAJL_IS_NUMBER(pid)) {
		fputs(" pid=", f);
		put_scalar(f, pid);
	}
	if (str_at(root, "source", NULL)) {
		fputs(" source=", f);
		put_term(f, str_at(root, "source", NULL));
	}
	fputc('\n', f);
}

static bool container_matches(yajl_val root, const char *want)
{
	const char *slash = strchr(want, '/');
	const char *id = str_at(root, "container", "id");

	if (!slash)
		return id && !strcmp(id, want);
	const char *ns = str_at(root, "container", "namespace");
	const char *pod = str_at(root, "container", "pod");
	return ns && pod && strlen(ns) == (size_t)(slash - want) &&
	       !strncmp(ns, want, (size_t)(slash - want)) && !strcmp(pod, slash + 1);
}

/* One line of the log (without its newline).  QUIET: a line that does not
 * parse is not counted (an unfinished last line read without --follow). */
static void handle_line(struct reader *r, const char *line, size_t len, bool quiet)
{
	_cleanup_yajl_val_ yajl_val root = NULL;
	pal_error ignored;
	uint64_t t;

	if (!len)
		return;
	if (pal_json_parse(line, len, "line", &root, &ignored) < 0) {
		if (!quiet)
			r->malformed++;
		return;
	}
	if (r->o->container && !container_matches(root, r->o->container))
		return;
	if (r->o->since) {
		const char *when = str_at(root, "time", NULL);
		if (!when || parse_rfc3339(when, &t) < 0) {
			r->malformed++;
			return;
		}
		if (t < r->since_ns)
			return;
	}
	if (r->o->json) {
		fwrite(line, 1, len, r->out);
		fputc('\n', r->out);
	} else {
		put_human(r->out, root);
	}
}

/* ------------------------------------------------------------ reading */

struct tail {
	int fd;
	dev_t dev;
	ino_t ino;
	char *buf;
	size_t len, cap;
	bool skip; /* drop bytes up to the next newline */
};

static void tail_reset(struct tail *t)
{
	t->len = 0;
	t->skip = false;
}

static void tail_close(struct tail *t)
{
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
	tail_reset(t);
}

/* Read what T's file holds now, a line at a time. */
static int tail_drain(struct reader *r, struct tail *t, const char *path, pal_error *err)
{
	for (;;) {
		size_t start = 0, scan = t->len;
		ssize_t n;

		if (t->cap - t->len < CHUNK) {
			char *nbuf = realloc(t->buf, t->len + CHUNK);
			if (!nbuf)
				return pal_err(err, ENOMEM, "events");
			t->buf = nbuf;
			t->cap = t->len + CHUNK;
		}
		n = read(t->fd, t->buf + t->len, CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return pal_err(err, errno, "%s: reading", path);
		if (n == 0)
			return 0;
		t->len += (size_t)n;
		for (char *nl; (nl = memchr(t->buf + scan, '\n', t->len - scan));) {
			size_t end = (size_t)(nl - t->buf);
			if (t->skip)
				t->skip = false;
			else
				handle_line(r, t->buf + start, end - start, false);
			start = scan = end + 1;
		}
		memmove(t->buf, t->buf + start, t->len - start);
		t->len -= start;
		if (t->skip) {
			t->len = 0;
		} else if (t->len > LINE_MAX_BYTES) {
			r->malformed++;
			t->skip = true;
			t->len = 0;
		}
	}
}

static int tail_open(struct tail *t, const char *path, pal_error *err)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);

	if (fd < 0)
		return pal_err(err, errno, "%s", path);
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		int e = errno;
		close(fd);
		return S_ISREG(st.st_mode) ? pal_err(err, e, "%s", path)
		                           : pal_err(err, 0, "%s: not a regular file", path);
	}
	tail_close(t);
	t->fd = fd;
	t->dev = st.st_dev;
	t->ino = st.st_ino;
	return 0;
}

/* All of PATH; ENOENT is not an error (*found tells). */
static int read_whole(struct reader *r, struct tail *t, const char *path, bool *found,
                      pal_error *err)
{
	if (tail_open(t, path, err) < 0) {
		if (err->errnum == ENOENT)
			return 0;
		return -1;
	}
	*found = true;
	if (tail_drain(r, t, path, err) < 0)
		return -1;
	/* a last line without its newline: a hand-written file, or one the
	 * monitor is writing right now (then it does not parse: not counted) */
	if (!t->skip && t->len)
		handle_line(r, t->buf, t->len, true);
	tail_close(t);
	return 0;
}

/* The rotated files that exist: .1 .. .N without a gap. */
static unsigned rotated_count(const char *path)
{
	char name[PATH_MAX];
	struct stat st;
	unsigned k;

	for (k = 1; k <= PAL_SINK_MAX_KEEP; k++) {
		snprintf(name, sizeof(name), "%s.%u", path, k);
		if (stat(name, &st) < 0)
			break;
	}
	return k - 1;
}

static int read_rotated(struct reader *r, struct tail *t, const char *path, unsigned from,
                        bool *found, pal_error *err)
{
	char name[PATH_MAX];

	for (unsigned k = from; k >= 1; k--) {
		snprintf(name, sizeof(name), "%s.%u", path, k);
		if (read_whole(r, t, name, found, err) < 0)
			return -1;
	}
	return 0;
}

/* T's file was rotated away: read its end, then the rotated files that
 * came after it (written and rotated between two looks), newest last. */
static int catch_up(struct reader *r, struct tail *t, const char *path, pal_error *err)
{
	char name[PATH_MAX];
	unsigned n = rotated_count(path);
	dev_t dev = t->dev;
	ino_t ino = t->ino;
	bool found = false;

	if (tail_drain(r, t, path, err) < 0)
		return -1;
	tail_close(t);
	for (unsigned k = 1; k <= n; k++) {
		struct stat st;
		snprintf(name, sizeof(name), "%s.%u", path, k);
		if (stat(name, &st) == 0 && st.st_ino == ino && st.st_dev == dev)
			return read_rotated(r, t, path, k - 1, &found, err);
	}
	return 0;
}

static int follow(struct reader *r, struct tail *t, const char *path, pal_error *err)
{
	const struct timespec pause = {0, POLL_NS};

	for (;;) {
		struct stat st;

		if (t->fd >= 0 && tail_drain(r, t, path, err) < 0)
			return -1;
		if (fflush(r->out) != 0)
			return pal_err(err, errno, "events: writing");
		if (stat(path, &st) == 0) {
			if (t->fd < 0) {
				/* created (or re-created) since the last look */
				if (tail_open(t, path, err) < 0 && err->errnum != ENOENT)
					return -1;
				continue;
			}
			if (st.st_ino != t->ino || st.st_dev != t->dev) {
				if (catch_up(r, t, path, err) < 0)
					return -1;
				continue;
			}
			off_t off = lseek(t->fd, 0, SEEK_CUR);
			if (off > st.st_size) {
				/* truncated in place (a log kept without rotated files) */
				if (lseek(t->fd, 0, SEEK_SET) < 0)
					return pal_err(err, errno, "%s", path);
				tail_reset(t);
				continue;
			}
		}
		nanosleep(&pause, NULL);
	}
}

/* Open PATH positioned at its end, at a line boundary. */
static int open_at_end(struct tail *t, const char *path, pal_error *err)
{
	off_t end;
	char last;

	if (tail_open(t, path, err) < 0)
		return err->errnum == ENOENT ? 0 : -1;
	end = lseek(t->fd, 0, SEEK_END);
	if (end < 0)
		return pal_err(err, errno, "%s", path);
	/* in the middle of a line being written: its rest is not a line */
	if (end > 0 && pread(t->fd, &last, 1, end - 1) == 1 && last != '\n')
		t->skip = true;
	return 0;
}

static void put_usage(FILE *f)
{
	fputs("usage: " USAGE "\n"
	      "Show the violations the monitor logged (" PAL_SINK_DEFAULT_PATH
	      ", or $" PAL_EVENTS_LOG_ENV ", or --file), its rotated files first.\n"
	      "  --follow            only new violations (since --since, if given), as they come\n"
	      "  --container ID      one container, by id, or by Kubernetes NAMESPACE/POD\n"
	      "  --since T           from T: RFC 3339 (2026-11-23T08:00:00Z) or a duration back\n"
	      "                      from now (90s, 30m, 1h, 2d, 1h30m)\n"
	      "  --json              the log's JSON lines (schema: palisade-monitor(8))\n"
	      "runc's container statistics stay `palisade events [--interval D] [--stats] ID`.\n",
	      f);
}

int pal_events_main(const struct pal_conf *conf, int argc, char **argv, pal_error *err)
{
	struct opts o = {0};
	struct reader r = {.o = &o, .out = stdout};
	struct tail t = {.fd = -1};
	const char *path;
	bool found = false;
	int rc = -1;

	(void)conf;
	if (parse_args(argc, argv, &o, err) < 0)
		return -1;
	if (o.help) {
		put_usage(stdout);
		return fflush(stdout) == 0 ? 0 : pal_err(err, errno, "events: writing");
	}
	path = o.file ? o.file : getenv(PAL_EVENTS_LOG_ENV);
	if (!path || !*path)
		path = PAL_SINK_DEFAULT_PATH;
	if (strlen(path) + 8 > PATH_MAX)
		return pal_err(err, ENAMETOOLONG, "events: %.64s...", path);
	if (o.since) {
		struct timespec now;
		clock_gettime(CLOCK_REALTIME, &now);
		if (pal_events_parse_since(
		        o.since, (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec,
		        &r.since_ns, err) < 0)
			return pal_err_prefix(err, "events");
	}

	if (!o.follow || o.since) {
		if (read_rotated(&r, &t, path, rotated_count(path), &found, err) < 0)
			goto out;
	}
	if (!o.follow) {
		if (read_whole(&r, &t, path, &found, err) < 0)
			goto out;
		if (!found) {
			pal_err_code(
			    err, ENOENT,
			    "events: no violations log at %s (is `palisade monitor` running? "
			    "--file names another)",
			    path);
			goto out;
		}
		rc = 0;
	} else {
		if (o.since) {
			if (tail_open(&t, path, err) < 0 && err->errnum != ENOENT)
				goto out;
		} else if (open_at_end(&t, path, err) < 0) {
			goto out;
		}
		rc = follow(&r, &t, path, err);
	}
out:
	tail_close(&t);
	free(t.buf);
	if (fflush(stdout) != 0 && rc == 0)
		rc = pal_err(err, errno, "events: writing");
	if (rc == 0 && r.malformed)
		fprintf(stderr,
		        "palisade: events: %llu line%s of %s skipped: not violation records\n",
		        (unsigned long long)r.malformed, r.malformed == 1 ? "" : "s", path);
	return rc;
}
