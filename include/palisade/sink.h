/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Where the monitor writes violations (src/sink.c): one JSON line each
 * (violation.h) appended to a log file with size-based rotation
 * (violations.log, violations.log.1 .. .N, oldest dropped), and, when
 * asked, to syslog (LOG_AUTHPRIV, "palisade").  Writes are whole lines in
 * one write(2), so a reader never sees half a line; the file is reopened
 * after rotation.  Owned by the helper writing src/sink.c: refine freely,
 * keep the error contract (error.h).
 *
 * The file is created 0640 and its directory 0750 when missing: the log
 * names paths and commands of every container on the host, for root and
 * the file's group only.  It is opened O_APPEND | O_CLOEXEC |
 * O_NOFOLLOW.  One process writes it (the monitor holds a lock); a reader
 * (`palisade events --follow`) reads it concurrently and follows rotation
 * by the file's inode.
 */
#ifndef PALISADE_SINK_H
#define PALISADE_SINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "palisade/error.h"
#include "palisade/violation.h"

#define PAL_SINK_DEFAULT_PATH      "/var/log/palisade/violations.log"
#define PAL_SINK_DEFAULT_MAX_BYTES (16u << 20)
#define PAL_SINK_DEFAULT_KEEP      5
#define PAL_SINK_MAX_KEEP          999 /* rotated files: .1 .. .999 */

struct pal_sink_opts {
	const char *path;   /* e.g. PAL_SINK_DEFAULT_PATH, absolute or relative */
	uint64_t max_bytes; /* rotate when the next line would pass it (0: never) */
	unsigned keep;      /* rotated files kept (0: the log is truncated instead) */
	bool syslog;        /* also each line to syslog */
};

struct pal_sink;
int pal_sink_open(const struct pal_sink_opts *o, struct pal_sink **s, pal_error *err);

/* Append LINE (without its newline) to the log, rotating first when it
 * would grow past max_bytes (a line longer than max_bytes still goes, alone,
 * into a fresh file).  DENY chooses the syslog level: LOG_WARNING for a
 * denial, LOG_NOTICE for an audit or log verdict.  A write the disk cuts
 * short (ENOSPC) is taken back, so the file never holds half a line. */
int pal_sink_write(struct pal_sink *s, const char *line, size_t len, bool deny, pal_error *err);

/* pal_violation_json() then pal_sink_write(), DENY when v->verdict is
 * "deny" or "kill". */
int pal_sink_violation(struct pal_sink *s, const struct pal_violation *v, pal_error *err);

/* Rotate now (a SIGHUP from an operator, tests). */
int pal_sink_rotate(struct pal_sink *s, pal_error *err);

void pal_sink_close(struct pal_sink *s);

#endif
