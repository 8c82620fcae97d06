/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `palisade events`: the violations log, for people (src/events_cmd.c).
 *
 *   palisade events [--follow] [--container ID|NAMESPACE/POD] [--since T]
 *                   [--json] [--file PATH]
 *
 * The log is --file, else $PALISADE_VIOLATIONS_LOG, else
 * PAL_SINK_DEFAULT_PATH (sink.h); its rotated files (.N .. .1) are read
 * first, oldest first.  T is RFC 3339 ("2026-11-23T08:00:00Z", any offset,
 * fraction optional) or a duration back from now ("90s", "30m", "1h",
 * "2d", "1h30m").  Without --follow every matching line is shown; with it,
 * only new lines (and, with --since, the history since T first), following
 * the file across rotation.
 *
 * `runc events [--interval D] [--stats] ID` (container statistics) has the
 * same command word: pal_events_is_own() tells the two apart, and runc's
 * form goes to the backend untouched.
 */
#ifndef PALISADE_EVENTS_CMD_H
#define PALISADE_EVENTS_CMD_H

#include <stdbool.h>
#include <stdint.h>

#include "palisade/error.h"

#define PAL_EVENTS_LOG_ENV "PALISADE_VIOLATIONS_LOG"

/* ARGV[0] is "events" (the command word), ARGC counts from it.  True when
 * the words name Palisade's reader: one of its options (--follow,
 * --container, --since, --json, --file, in any of Go's spellings) appears
 * before "--", or there is no positional word at all (runc's form needs
 * exactly one container id).  Otherwise runc's. */
bool pal_events_is_own(int argc, char **argv);

/* --since's value as a CLOCK_REALTIME time in ns; NOW_NS is "now". */
int pal_events_parse_since(const char *s, uint64_t now_ns, uint64_t *since_ns, pal_error *err);

/* `palisade events ...` (ARGV[0] "events"): the exit status, or -1 with
 * *err filled.  With --follow it returns only on an error. */
struct pal_conf;
int pal_events_main(const struct pal_conf *conf, int argc, char **argv, pal_error *err);

#endif
