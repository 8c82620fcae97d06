/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `palisade monitor` (src/monitor.c): the one violation watcher per host.
 * It reads the BPF ring buffer (bpf.h) and the kernel's seccomp audit
 * records (audit.h), attributes each event to its container from
 * Palisade's state directory (attribute.h), writes one JSON line per
 * violation (violation.h) to the log (sink.h), and keeps per-container
 * counters in a Prometheus text file (metrics.h).  Drops are counted and
 * written to the log as well: ring buffer full, events over a container's
 * rate, audit overruns.
 *
 * One per host: an exclusive lock on STATE_DIR/monitor.lock, whose holder
 * writes its pid into STATE_DIR/monitor.pid.  Once its descriptors are
 * open it drops every capability but CAP_BPF (to read counters by their
 * pins).  It survives kill -9 without loss or duplicates for what the
 * kernel holds: the ring buffer is pinned and its consumer position lives
 * in the map, so a restarted monitor goes on where the last one stopped.
 * SIGTERM/SIGINT stop it, SIGHUP rotates the log now.
 */
#ifndef PALISADE_MONITOR_H
#define PALISADE_MONITOR_H

#include "palisade/conf.h"
#include "palisade/error.h"

/* argv[0] "monitor"; runs until a signal stops it.  Exit status or -1. */
int pal_monitor_main(const struct pal_conf *conf, int argc, char **argv, pal_error *err);

/* For create: does a monitor run?  If not, start one detached
 * (monitor.autostart "start"), refuse ("refuse"), or do nothing ("off"). */
int pal_monitor_ensure(const struct pal_conf *conf, pal_error *err);

#endif
