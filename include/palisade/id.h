/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Container ids, accepted exactly when runc 1.1.5 accepts them, plus a
 * length cap: an id names a directory under the state root and appears in
 * paths and log lines, so Palisade refuses anything runc would refuse before
 * using it for either.
 */
#ifndef PALISADE_ID_H
#define PALISADE_ID_H

#include "palisade/error.h"

/* Longest id accepted, in bytes (runc itself has no cap; a file name has
 * 255, so longer ids fail later in runc anyway). */
#define PAL_ID_MAX 1024

/* 0 when ID is a valid container id: one or more of [A-Za-z0-9_+,.-], not
 * "." or "..", at most PAL_ID_MAX bytes.  Otherwise -1 with runc's wording
 * ("container id cannot be empty", "invalid container ID format: ...") and
 * the id escaped so the message is safe to print. */
int pal_id_validate(const char *id, pal_error *err);

#endif
