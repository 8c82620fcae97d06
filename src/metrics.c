/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Violation counters in the Prometheus text exposition format (metrics.h).
 *
 * Memory is bounded up front: one table of PAL_METRICS_MAX_SERIES series,
 * each label cut at PAL_METRICS_LABEL_MAX bytes, so a container that makes
 * up a new path or name per call cannot grow the monitor; what does not
 * fit is still counted (palisade_violations_unaccounted_total), never
 * silently lost.  The series are found through an open-addressing hash
 * index, as a burst of 100,000 events must not cost a linear scan each.
 *
 * Label values are stored already escaped, so that formatting is a copy:
 * first pal_utf8_safe() (the exposition format is UTF-8, container bytes
 * need not be), then the format's own escapes: backslash, double quote,
 * newline (https://prometheus.io/docs/instrumenting/exposition_formats/).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "palisade/cleanup.h"
#include "palisade/metrics.h"
#include "palisade/util.h"

enum { L_CONTAINER, L_NAMESPACE, L_POD, L_HOOK, L_RULE, L_VERDICT, N_LABELS };
static const char *const label_names[N_LABELS] = {"container", "namespace", "pod",
                                                  "hook",      "rule",      "verdict"};

struct series {
	char *label[N_LABELS];
	uint64_t count;
};

struct drop {
	char *source, *reason;
	uint64_t count;
};

/* twice the series: the index stays at most half full */
#define INDEX_SIZE (2 * PAL_METRICS_MAX_SERIES)
#define NO_SERIES  UINT32_MAX

struct pal_metrics {
	struct series *series; /* PAL_METRICS_MAX_SERIES */
	size_t n_series;
	uint32_t *index; /* INDEX_SIZE slots: a series number or NO_SERIES */
	uint64_t unaccounted;
	struct drop drops[PAL_METRICS_MAX_DROP_SERIES];
	size_t n_drops;
};

_Static_assert((INDEX_SIZE & (INDEX_SIZE - 1)) == 0, "the index size is a power of two");

struct pal_metrics *pal_metrics_new(void)
{
	_cleanup_free_ struct pal_metrics *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->series = calloc(PAL_METRICS_MAX_SERIES, sizeof(*m->series));
	m->index = malloc(INDEX_SIZE * sizeof(*m->index));
	if (!m->series || !m->index) {
		free(m->series);
		free(m->index);
		return NULL;
	}
	for (size_t i = 0; i < INDEX_SIZE; i++)
		m->index[i] = NO_SERIES;
	return steal_pointer(&m);
}

/* A label value as the exposition format holds it; NULL: no memory. */
static char *label_value(const char *s)
{
	_cleanup_free_ char *safe = pal_utf8_safe(s ? s : "", PAL_METRICS_LABEL_MAX);
	char *out, *o;

	if (!safe)
		return NULL;
	out = malloc(2 * strlen(safe) + 1);
	if (!out)
		return NULL;
	o = out;
	for (const char *p = safe; *p; p++) {
		switch (*p) {
		case '\\':
			*o++ = '\\';
			*o++ = '\\';
			break;
		case '"':
			*o++ = '\\';
			*o++ = '"';
			break;
		case '\n':
			*o++ = '\\';
			*o++ = 'n';
			break;
		default:
			*o++ = *p;
		}
	}
	*o = '\0';
	return out;
}

static uint64_t hash_labels(char *const *label)
{
	uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a */

	for (int i = 0; i < N_LABELS; i++) {
		for (const unsigned char *p = (const unsigned char *)label[i]; *p; p++)
			h = (h ^ *p) * 0x100000001b3ull;
		h = (h ^ 0xff) * 0x100000001b3ull; /* a byte no label holds: separator */
	}
	return h;
}

static bool same_labels(char *const *a, char *const *b)
{
	for (int i = 0; i < N_LABELS; i++)
		if (strcmp(a[i], b[i]) != 0)
			return false;
	return true;
}

static void free_labels(char **label)
{
	for (int i = 0; i < N_LABELS; i++) {
		free(label[i]);
		label[i] = NULL;
	}
}

void pal_metrics_count(struct pal_metrics *m, const struct pal_violation *v)
{
	const struct pal_attr *a = v->attr;
	const char *raw[N_LABELS] = {
	    [L_CONTAINER] = a ? a->id : NULL,
	    [L_NAMESPACE] = a ? a->namespace : NULL,
	    [L_POD] = a ? a->pod : NULL,
	    [L_HOOK] = v->hook,
	    [L_RULE] = v->rule,
	    [L_VERDICT] = v->verdict,
	};
	char *label[N_LABELS] = {0};
	size_t slot;

	if (!m)
		return;
	for (int i = 0; i < N_LABELS; i++) {
		label[i] = label_value(raw[i]);
		if (!label[i]) {
			free_labels(label);
			m->unaccounted++;
			return;
		}
	}
	for (slot = hash_labels(label) & (INDEX_SIZE - 1); m->index[slot] != NO_SERIES;
	     slot = (slot + 1) & (INDEX_SIZE - 1)) {
		struct series *s = &m->series[m->index[slot]];
		if (same_labels(s->label, label)) {
			s->count++;
			free_labels(label);
			return;
		}
	}
	if (m->n_series == PAL_METRICS_MAX_SERIES) {
		free_labels(label);
		m->unaccounted++;
		return;
	}
	m->index[slot] = (uint32_t)m->n_series;
	memcpy(m->series[m->n_series].label, label, sizeof(label));
	m->series[m->n_series].count = 1;
	m->n_series++;
}

static struct drop *find_drop(struct pal_metrics *m, const char *src, const char *why)
{
	for (size_t i = 0; i < m->n_drops; i++)
		if (!strcmp(m->drops[i].source, src) && !strcmp(m->drops[i].reason, why))
			return &m->drops[i];
	return NULL;
}

void pal_metrics_dropped(struct pal_metrics *m, const char *source, const char *reason, uint64_t n)
{
	_cleanup_free_ char *src = NULL, *why = NULL;
	struct drop *d;

	if (!m)
		return;
	src = label_value(source);
	why = label_value(reason);
	d = src && why ? find_drop(m, src, why) : NULL;
	if (!d && (!src || !why || m->n_drops >= PAL_METRICS_MAX_DROP_SERIES - 1)) {
		/* the last slot adds up what has no slot of its own */
		d = find_drop(m, "other", "other");
		if (!d) {
			free(src);
			free(why);
			src = strdup("other");
			why = strdup("other");
			if (!src || !why)
				return;
		}
	}
	if (d) {
		d->count += n;
		return;
	}
	d = &m->drops[m->n_drops++];
	d->source = steal_pointer(&src);
	d->reason = steal_pointer(&why);
	d->count = n;
}

uint64_t pal_metrics_total(const struct pal_metrics *m, uint64_t *unaccounted)
{
	uint64_t total = 0;

	for (size_t i = 0; i < m->n_series; i++)
		total += m->series[i].count;
	if (unaccounted)
		*unaccounted = m->unaccounted;
	return total;
}

static int cmp_series(const void *a, const void *b)
{
	const struct series *x = *(const struct series *const *)a;
	const struct series *y = *(const struct series *const *)b;

	for (int i = 0; i < N_LABELS; i++) {
		int c = strcmp(x->label[i], y->label[i]);
		if (c)
			return c;
	}
	return 0;
}

static int cmp_drop(const void *a, const void *b)
{
	const struct drop *x = *(const struct drop *const *)a;
	const struct drop *y = *(const struct drop *const *)b;
	int c = strcmp(x->source, y->source);

	return c ? c : strcmp(x->reason, y->reason);
}

int pal_metrics_format(const struct pal_metrics *m, char **out, size_t *len, pal_error *err)
{
	_cleanup_free_ const struct series **order = NULL;
	_cleanup_free_ const struct drop **dorder = NULL;
	_cleanup_free_ char *text = NULL;
	size_t size = 0;
	FILE *f;

	order = malloc((m->n_series + 1) * sizeof(*order));
	dorder = malloc((m->n_drops + 1) * sizeof(*dorder));
	if (!order || !dorder)
		return pal_err(err, ENOMEM, "metrics");
	for (size_t i = 0; i < m->n_series; i++)
		order[i] = &m->series[i];
	for (size_t i = 0; i < m->n_drops; i++)
		dorder[i] = &m->drops[i];
	qsort(order, m->n_series, sizeof(*order), cmp_series);
	qsort(dorder, m->n_drops, sizeof(*dorder), cmp_drop);

	f = open_memstream(&text, &size);
	if (!f)
		return pal_err(err, errno, "metrics");
	fputs("# HELP palisade_violations_total Violations (denials and audit-mode hits) the "
	      "monitor logged, by container, hook, rule and verdict.\n"
	      "# TYPE palisade_violations_total counter\n",
	      f);
	for (size_t i = 0; i < m->n_series; i++) {
		fputs("palisade_violations_total{", f);
		for (int l = 0; l < N_LABELS; l++)
			fprintf(f, "%s%s=\"%s\"", l ? "," : "", label_names[l], order[i]->label[l]);
		fprintf(f, "} %llu\n", (unsigned long long)order[i]->count);
	}
	fprintf(f,
	        "# HELP palisade_violations_unaccounted_total Violations the monitor logged but "
	        "counted in no series of palisade_violations_total: its %d series were taken.\n"
	        "# TYPE palisade_violations_unaccounted_total counter\n"
	        "palisade_violations_unaccounted_total %llu\n",
	        PAL_METRICS_MAX_SERIES, (unsigned long long)m->unaccounted);
	fputs("# HELP palisade_events_dropped_total Events lost before they became log lines, "
	      "by source and reason.\n"
	      "# TYPE palisade_events_dropped_total counter\n",
	      f);
	for (size_t i = 0; i < m->n_drops; i++)
		fprintf(f, "palisade_events_dropped_total{source=\"%s\",reason=\"%s\"} %llu\n",
		        dorder[i]->source, dorder[i]->reason, (unsigned long long)dorder[i]->count);
	if (ferror(f)) {
		fclose(f);
		return pal_err(err, ENOMEM, "metrics");
	}
	if (fclose(f) != 0)
		return pal_err(err, errno, "metrics");
	*out = steal_pointer(&text);
	*len = size;
	return 0;
}

int pal_metrics_write(const struct pal_metrics *m, const char *path, pal_error *err)
{
	_cleanup_free_ char *text = NULL, *dir = strdup(path);
	_cleanup_close_ int dirfd = -1;
	const char *name = path;
	char *slash;
	size_t len;

	if (!dir)
		return pal_err(err, ENOMEM, "%s", path);
	slash = strrchr(dir, '/');
	if (slash) {
		name = path + (slash - dir) + 1;
		if (slash == dir)
			slash[1] = '\0';
		else
			*slash = '\0';
	}
	if (!*name)
		return pal_err(err, EINVAL, "metrics file %s: no file name", path);
	dirfd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return pal_err(err, errno, "metrics file %s: its directory", path);
	if (pal_metrics_format(m, &text, &len, err) < 0 ||
	    pal_write_file_atomic(dirfd, name, text, len, 0644, err) < 0)
		return pal_err_prefix(err, "metrics file %s", path);
	return 0;
}

void pal_metrics_free(struct pal_metrics *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n_series; i++)
		free_labels(m->series[i].label);
	for (size_t i = 0; i < m->n_drops; i++) {
		free(m->drops[i].source);
		free(m->drops[i].reason);
	}
	free(m->series);
	free(m->index);
	free(m);
}
