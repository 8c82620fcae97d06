/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

#include "palisade/cleanup.h"
#include "palisade/log.h"
#include "palisade/util.h"

/* Go's %q quoting, as logrus's text formatter uses for messages. */
static size_t quote(char *out, size_t size, const char *s)
{
	size_t o = 0;

#define PUT(c)                                                                                     \
	do {                                                                                       \
		if (o + 1 < size)                                                                  \
			out[o] = (c);                                                              \
		o++;                                                                               \
	} while (0)
	PUT('"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		char esc[8];
		switch (*p) {
		case '"':
		case '\\':
			PUT('\\');
			PUT((char)*p);
			break;
		case '\n':
			PUT('\\');
			PUT('n');
			break;
		case '\t':
			PUT('\\');
			PUT('t');
			break;
		default:
			if (*p < 0x20 || *p == 0x7f) {
				snprintf(esc, sizeof(esc), "\\x%02x", *p);
				for (char *e = esc; *e; e++)
					PUT(*e);
			} else {
				PUT((char)*p);
			}
		}
	}
	PUT('"');
#undef PUT
	if (size)
		out[o < size ? o : size - 1] = '\0';
	return o;
}

int pal_log_format(char *buf, size_t size, bool json, const char *level, const char *msg,
		   long long epoch_seconds)
{
	char when[64];
	time_t t = (time_t)epoch_seconds;
	struct tm tm;

	if (!gmtime_r(&t, &tm) || !strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm))
		return -1;
	if (json) {
		_cleanup_yajl_gen_ yajl_gen g = yajl_gen_alloc(NULL);
		const unsigned char *out;
		size_t len;

		if (!g)
			return -1;
		yajl_gen_config(g, yajl_gen_validate_utf8, 1);
		if (yajl_gen_map_open(g) != yajl_gen_status_ok)
			return -1;
		const char *kv[][2] = {{"level", level}, {"msg", msg}, {"time", when}};
		for (size_t i = 0; i < 3; i++) {
			if (yajl_gen_string(g, (const unsigned char *)kv[i][0], strlen(kv[i][0])) !=
				    yajl_gen_status_ok ||
			    yajl_gen_string(g, (const unsigned char *)kv[i][1], strlen(kv[i][1])) !=
				    yajl_gen_status_ok)
				return -1;
		}
		if (yajl_gen_map_close(g) != yajl_gen_status_ok ||
		    yajl_gen_get_buf(g, &out, &len) != yajl_gen_status_ok || len + 2 > size)
			return -1;
		memcpy(buf, out, len);
		buf[len] = '\n';
		buf[len + 1] = '\0';
		return 0;
	}
	int n = snprintf(buf, size, "time=\"%s\" level=%s msg=", when, level);
	if (n < 0 || (size_t)n >= size)
		return -1;
	size_t q = quote(buf + n, size - (size_t)n, msg);
	if ((size_t)n + q + 2 > size)
		return -1;
	buf[n + q] = '\n';
	buf[n + q + 1] = '\0';
	return 0;
}

void pal_log_record(const struct pal_log_target *t, const char *level, const char *msg)
{
	char line[8 * PAL_LOG_LINE_MAX];
	_cleanup_close_ int fd = -1;
	long long now = (long long)time(NULL);

	if (!t || !t->path)
		return;
	if (pal_log_format(line, sizeof(line), t->json, level, msg, now) < 0) {
		/* not UTF-8, or too long: log the escaped, bounded form instead */
		_cleanup_free_ char *safe = pal_escape(msg, PAL_LOG_LINE_MAX);
		if (!safe || pal_log_format(line, sizeof(line), t->json, level, safe, now) < 0)
			return;
	}
	/* as runc opens it: append, create 0644; never block on a FIFO */
	fd = open(t->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NONBLOCK, 0644);
	if (fd < 0)
		return;
	(void)pal_write_all(fd, line, strlen(line));
}

void pal_log_error(const struct pal_log_target *t, const char *msg)
{
	fprintf(stderr, "palisade: %s\n", msg);
	fflush(stderr);
	pal_log_record(t, "error", msg);
}
