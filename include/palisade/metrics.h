/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Per-container, per-hook violation counters, exported in the Prometheus
 * text exposition format (src/metrics.c): written atomically to a file
 * for node_exporter's textfile collector.  Bounded: at most
 * PAL_METRICS_MAX_SERIES series; what does not fit is counted in
 * palisade_violations_unaccounted_total.  Owned by the helper writing
 * src/metrics.c: refine freely.
 *
 *   palisade_violations_total{container="c1",namespace="default",pod="web-1",
 *       hook="file_open",rule="files",verdict="deny"} 3
 *   palisade_events_dropped_total{source="bpf"} 0
 */
#ifndef PALISADE_METRICS_H
#define PALISADE_METRICS_H

#include <stdint.h>

#include "palisade/error.h"
#include "palisade/violation.h"

#define PAL_METRICS_MAX_SERIES 4096

struct pal_metrics;
struct pal_metrics *pal_metrics_new(void);
void pal_metrics_count(struct pal_metrics *m, const struct pal_violation *v);
/* Drops a source reports (ring buffer full, rate-limited, audit lost). */
void pal_metrics_dropped(struct pal_metrics *m, const char *source, const char *reason,
			 uint64_t n);
int pal_metrics_write(const struct pal_metrics *m, const char *path, pal_error *err);
void pal_metrics_free(struct pal_metrics *m);

#endif
