/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * palisade check [--profile P] [--mode enforce|audit] [--json] BUNDLE|CONFIG.JSON
 *
 * What the rewrite would change (a readable diff) and what it would refuse,
 * touching nothing: config.json is read, never written (same bytes, same
 * mtime), and the rules run on copies.
 *
 * The profile is the one create would select (annotations, palisade.conf's
 * selection rules, the default), or --profile's; the mode the selected one,
 * or --mode's.  The rules run twice: in audit mode, which never stops at a
 * refusal, to list every refusal; and in the mode asked for, for the
 * verdict and the changes (in enforce mode, the rules up to the first
 * refusal).  Palisade's own bookkeeping annotations (io.palisade.version,
 * io.palisade.applied.*) are not changes.
 *
 * Text output:
 *     bundle /b: profile "restricted", mode enforce
 *     would change:
 *       process.capabilities.bounding: - "CAP_NET_RAW"
 *     would refuse:
 *       process.user.uid (rule user): ...
 *       (rule preflight): rootfs/dev/null is a symlink to ...
 *     verdict: refuse
 * In audit mode, "would refuse" lists only what still stops the backend
 * (preflight, malformed specs); the profile's refusals, which audit mode
 * only logs, follow under "enforce mode would refuse (audit mode logs it)".
 * --json: one object {"profile", "mode", "verdict": "compliant" | "rewrite"
 * | "refuse", "changes": [{"path", "op", "old", "new"}], "refusals":
 * [{"rule", "field", "message"}]} (see diff.h for "changes").
 *
 * Exit status: 0 compliant (nothing to change or refuse), 1 would rewrite,
 * 2 would refuse (in audit mode: only what the backend would still be kept
 * from running, i.e. preflight and malformed specs).
 */
#ifndef PALISADE_CHECK_H
#define PALISADE_CHECK_H

#include "palisade/conf.h"
#include "palisade/error.h"

/* ARGV[0] is "check".  Prints the report (or the usage for -h/--help) on
 * stdout and returns the exit status 0, 1 or 2; on a usage or load error
 * prints nothing and returns -1 with *ERR set (main prints it; see
 * main.c for the exit status of that case). */
int pal_check_main(const struct pal_conf *conf, int argc, char **argv, pal_error *err);

#endif
