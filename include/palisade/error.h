/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Palisade's error contract.
 *
 * - A function that can fail takes `pal_error *err` as its LAST parameter and
 *   returns a negative int (or NULL) on failure, after filling *err exactly
 *   once with pal_err().  It never prints.
 * - A caller that adds context does so with pal_err_prefix() and returns -1:
 *       if (pal_spec_load(dir, &spec, err) < 0)
 *               return pal_err_prefix(err, "bundle %s", dir);
 *   giving "bundle /b: config.json:12: ...".
 * - Library conventions are translated once, where the library is called:
 *   libseccomp and libbpf return -errno, libcap and libmnl set errno, yajl
 *   gives a status or an error buffer.
 * - Only src/main.c prints an error (one line, to stderr and to --log) and
 *   chooses the exit code.
 *
 * The message lives in a fixed buffer so that reporting an error never needs
 * an allocation that could itself fail.
 */
#ifndef PALISADE_ERROR_H
#define PALISADE_ERROR_H

#include <stddef.h>

#define PAL_ERROR_MAX 1024

typedef struct pal_error {
	int errnum;              /* errno-style cause, 0 if none */
	char msg[PAL_ERROR_MAX]; /* one line, no trailing newline */
} pal_error;

/* Set *err to the formatted message; when errnum != 0 append ": strerror".
 * Always returns -1. */
int pal_err(pal_error *err, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Like pal_err, but ERRNUM only classifies the error (EPERM for a policy
 * refusal, EINVAL for a malformed input) and no strerror text is appended:
 * the message says it all.  Always returns -1. */
int pal_err_code(pal_error *err, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Prepend "context: " to the message already in *err.  Returns -1. */
int pal_err_prefix(pal_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Reset *err to "no error". */
void pal_err_clear(pal_error *err);

#endif
