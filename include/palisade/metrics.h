/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Per-container, per-hook violation counters, exported in the Prometheus
 * text exposition format (src/metrics.c): written atomically to a file
 * for node_exporter's textfile collector, or formatted for a socket.
 * Bounded: at most PAL_METRICS_MAX_SERIES series; what does not fit is
 * counted in palisade_violations_unaccounted_total.  Owned by the helper
 * writing src/metrics.c: refine freely.
 *
 *   # HELP palisade_violations_total ...
 *   # TYPE palisade_violations_total counter
 *   palisade_violations_total{container="c1",namespace="default",pod="web-1",
 *       hook="file_open",rule="files",verdict="deny"} 3
 *   palisade_violations_unaccounted_total 0
 *   palisade_events_dropped_total{source="bpf",reason="ringbuf_full"} 0
 *
 * One series per (container id, Kubernetes namespace, pod, hook, rule,
 * verdict); an unattributed violation has container="" (and so do unknown
 * namespace and pod).  Label values are made valid UTF-8 as in the log
 * (pal_utf8_safe, util.h), cut at PAL_METRICS_LABEL_MAX bytes, then escaped
 * as the format wants (\\, \", \n).  Series are written sorted by their
 * labels; counters start at 0 with the process (Prometheus reads a restart
 * as a counter reset).
 */
#ifndef PALISADE_METRICS_H
#define PALISADE_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "palisade/error.h"
#include "palisade/violation.h"

#define PAL_METRICS_MAX_SERIES 4096
/* (source, reason) pairs; more are added up under source="other",
 * reason="other" */
#define PAL_METRICS_MAX_DROP_SERIES 64
#define PAL_METRICS_LABEL_MAX       256

struct pal_metrics;
/* NULL when out of memory */
struct pal_metrics *pal_metrics_new(void);
void pal_metrics_count(struct pal_metrics *m, const struct pal_violation *v);
/* Drops a source reports (ring buffer full, rate-limited, audit lost).
 * N adds to the (SOURCE, REASON) counter; N 0 makes it appear at 0. */
void pal_metrics_dropped(struct pal_metrics *m, const char *source, const char *reason, uint64_t n);
/* Violations in series, and those counted as unaccounted (tests, status). */
uint64_t pal_metrics_total(const struct pal_metrics *m, uint64_t *unaccounted);
/* The exposition text; caller frees *out. */
int pal_metrics_format(const struct pal_metrics *m, char **out, size_t *len, pal_error *err);
/* The text written to PATH atomically (util.h), mode 0644 so that
 * node_exporter, not root, can read it. */
int pal_metrics_write(const struct pal_metrics *m, const char *path, pal_error *err);
void pal_metrics_free(struct pal_metrics *m);

#endif
