/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Where the monitor writes violations (src/sink.c): one JSON line each
 * (violation.h) appended to a log file with size-based rotation
 * (violations.log, violations.log.1 .. .N, oldest dropped), and, when
 * asked, to syslog (LOG_AUTHPRIV, "palisade").  Writes are whole lines in
 * one write(2), so a reader never sees half a line; the file is reopened
 * after rotation.  Owned by the helper writing src/sink.c: refine freely,
 * keep the error contract (error.h).
 */
#ifndef PALISADE_SINK_H
#define PALISADE_SINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "palisade/error.h"

struct pal_sink_opts {
	const char *path;   /* e.g. /var/log/palisade/violations.log */
	uint64_t max_bytes; /* rotate when the next line would pass it */
	unsigned keep;      /* rotated files kept */
	bool syslog;
};

struct pal_sink;
int pal_sink_open(const struct pal_sink_opts *o, struct pal_sink **s, pal_error *err);
/* LINE without its newline. */
int pal_sink_write(struct pal_sink *s, const char *line, size_t len, pal_error *err);
void pal_sink_close(struct pal_sink *s);

#endif
