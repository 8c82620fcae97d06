/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Palisade's own configuration: /etc/palisade/palisade.conf, a JSON object.
 * The environment variable PALISADE_CONFIG names another file (tests use
 * their own).  A missing default file means defaults; a missing file named
 * by PALISADE_CONFIG is an error (a typo must not silently drop a policy).
 *
 *   {
 *     "runtime": "/usr/sbin/runc",      backend, absolute, never $PATH
 *     "state_dir": "/run/palisade"      per-container records
 *   }
 *
 * Unknown keys are errors naming the file and line.
 */
#ifndef PALISADE_CONF_H
#define PALISADE_CONF_H

#include "palisade/error.h"

#define PAL_CONF_ENV "PALISADE_CONFIG"
#define PAL_CONF_MAX_SIZE (1u << 20)
#define PAL_DEFAULT_STATE_DIR "/run/palisade"

struct pal_conf {
	char *path;      /* file read, or NULL when defaults were used */
	char *runtime;   /* absolute path of the backend */
	char *state_dir; /* absolute */
};

int pal_conf_load(struct pal_conf *conf, pal_error *err);
void pal_conf_free(struct pal_conf *conf);

#endif
