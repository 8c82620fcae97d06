/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The backend runtime (runc by default, crun optionally): found only by the
 * absolute path in the configuration, never by $PATH, and handed the
 * caller's argv unchanged but for argv[0].  Palisade execs it, so it is gone
 * from the process tree once the backend runs: stdio, terminals, signals,
 * exit codes and pid files are the backend's own.
 */
#ifndef PALISADE_RUNTIME_H
#define PALISADE_RUNTIME_H

#include <stddef.h>

#include "palisade/conf.h"
#include "palisade/error.h"

/* The backend is an absolute path to an executable regular file, and not
 * Palisade itself (which would exec itself forever). */
int pal_runtime_check(const struct pal_conf *conf, pal_error *err);

/* execv the backend with ARGV (argv[0] replaced).  Returns only on error. */
int pal_runtime_exec(const struct pal_conf *conf, char **argv, pal_error *err);

/* Run the backend with ARGV (argv[0] replaced), stdin and stderr inherited,
 * capturing at most MAX bytes of stdout.  *STATUS is its exit code (128+N
 * for a signal). */
int pal_runtime_output(const struct pal_conf *conf, char **argv, size_t max, char **out,
		       size_t *len, int *status, pal_error *err);

#endif
