/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * palisade check [--profile P] [--mode M] [--json] BUNDLE|CONFIG.JSON
 *
 * What the rewrite would change (a readable diff) and what it would refuse,
 * touching nothing.  Exit status 0 compliant, 1 would rewrite, 2 would
 * refuse; 3 for usage and load errors.
 */
#ifndef PALISADE_CHECK_H
#define PALISADE_CHECK_H

#include "palisade/conf.h"
#include "palisade/error.h"

/* ARGV[0] is "check"; returns the exit status, or -1 with *ERR set. */
int pal_check_main(const struct pal_conf *conf, int argc, char **argv, pal_error *err);

#endif
