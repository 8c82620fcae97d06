/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reporting, in runc's shape.  runc prints a fatal error to stderr and also
 * writes it through logrus to --log (default stderr only) in --log-format
 * "text" or "json"; containerd's shim and conmon read that file to show the
 * runtime's error to the user, so Palisade writes its own errors there too.
 */
#ifndef PALISADE_LOG_H
#define PALISADE_LOG_H

#include <stdbool.h>
#include <stddef.h>

#define PAL_LOG_LINE_MAX 1024

struct pal_log_target {
	const char *path;   /* --log, NULL for none */
	bool json;          /* --log-format json */
};

/* "palisade: MSG" to stderr, and a level=error record to the --log file.
 * Never fails: reporting is best effort, the exit code carries the error. */
void pal_log_error(const struct pal_log_target *t, const char *msg);

/* A level=LEVEL record to the --log file only (e.g. "warning"). */
void pal_log_record(const struct pal_log_target *t, const char *level, const char *msg);

/* Format one record as runc's logrus would, into BUF (NUL-terminated, with
 * a trailing newline).  Exposed for tests. */
int pal_log_format(char *buf, size_t size, bool json, const char *level, const char *msg,
		   long long epoch_seconds);

#endif
