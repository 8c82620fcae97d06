/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Violation counters (src/metrics.c): the exact exposition text for a few
 * violations, label values escaped as the Prometheus text format wants
 * (after the log's UTF-8 escaping), the series bound and its overflow
 * counter, drop counters and their bound, and the atomic file write.
 */
#include "config.h"

#include "pal_test.h"

#include <errno.h>

#include "palisade/metrics.h"

static const char HEAD_V[] =
    "# HELP palisade_violations_total Violations (denials and audit-mode hits) the monitor "
    "logged, by container, hook, rule and verdict.\n"
    "# TYPE palisade_violations_total counter\n";

static const char HEAD_U[] =
    "# HELP palisade_violations_unaccounted_total Violations the monitor logged but counted "
    "in no series of palisade_violations_total: its 4096 series were taken.\n"
    "# TYPE palisade_violations_unaccounted_total counter\n";

static const char HEAD_D[] = "# HELP palisade_events_dropped_total Events lost before they "
                             "became log lines, by source and reason.\n"
                             "# TYPE palisade_events_dropped_total counter\n";

static char *text_of(const struct pal_metrics *m)
{
	pal_error err = {0};
	char *out = NULL;
	size_t len = 0;

	if (pal_metrics_format(m, &out, &len, &err) < 0)
		fail_msg("pal_metrics_format: %s", err.msg);
	assert_int_equal(strlen(out), len);
	return out;
}

static void count(struct pal_metrics *m, const struct pal_attr *a, const char *hook,
                  const char *rule, const char *verdict, int times)
{
	struct pal_violation v = {
	    .source = "bpf", .hook = hook, .rule = rule, .verdict = verdict, .attr = a};

	for (int i = 0; i < times; i++)
		pal_metrics_count(m, &v);
}

static void exact_text(void **state)
{
	struct pal_metrics *m = pal_metrics_new();
	struct pal_attr c1 = {
	    .id = "c1", .root = "/run/runc", .namespace = "default", .pod = "web-1"};
	struct pal_attr c2 = {.id = "c2", .root = "/run/runc"};
	char *text, *want;
	(void)state;

	assert_non_null(m);
	count(m, &c1, "file_open", "files", "deny", 3);
	count(m, &c2, "cg_connect4", "network", "deny", 1);
	count(m, &c1, "bprm_check", "exec", "audit", 2);
	count(m, NULL, "seccomp", "seccomp", "deny", 1);
	pal_metrics_dropped(m, "bpf", "ringbuf_full", 5);
	pal_metrics_dropped(m, "audit", "lost", 0);
	pal_metrics_dropped(m, "bpf", "ringbuf_full", 2);
	text = text_of(m);
	assert_true(
	    asprintf(&want,
	             "%s"
	             "palisade_violations_total{container=\"\",namespace=\"\",pod=\"\","
	             "hook=\"seccomp\",rule=\"seccomp\",verdict=\"deny\"} 1\n"
	             "palisade_violations_total{container=\"c1\",namespace=\"default\","
	             "pod=\"web-1\",hook=\"bprm_check\",rule=\"exec\",verdict=\"audit\"} 2\n"
	             "palisade_violations_total{container=\"c1\",namespace=\"default\","
	             "pod=\"web-1\",hook=\"file_open\",rule=\"files\",verdict=\"deny\"} 3\n"
	             "palisade_violations_total{container=\"c2\",namespace=\"\",pod=\"\","
	             "hook=\"cg_connect4\",rule=\"network\",verdict=\"deny\"} 1\n"
	             "%s"
	             "palisade_violations_unaccounted_total 0\n"
	             "%s"
	             "palisade_events_dropped_total{source=\"audit\",reason=\"lost\"} 0\n"
	             "palisade_events_dropped_total{source=\"bpf\",reason=\"ringbuf_full\"} 7\n",
	             HEAD_V, HEAD_U, HEAD_D) > 0);
	assert_string_equal(text, want);
	uint64_t unacc = 99;
	assert_int_equal(pal_metrics_total(m, &unacc), 7);
	assert_int_equal(unacc, 0);
	free(text);
	free(want);
	pal_metrics_free(m);
}

static void empty_is_still_well_formed(void **state)
{
	struct pal_metrics *m = pal_metrics_new();
	char *text = text_of(m), *want;
	(void)state;

	assert_true(asprintf(&want, "%s%spalisade_violations_unaccounted_total 0\n%s", HEAD_V,
	                     HEAD_U, HEAD_D) > 0);
	assert_string_equal(text, want);
	free(text);
	free(want);
	pal_metrics_free(m);
}

static void label_escaping(void **state)
{
	struct pal_metrics *m = pal_metrics_new();
	/* a backslash, a quote, a newline, a byte that is not UTF-8, and
	 * valid UTF-8 that stays */
	struct pal_attr a = {
	    .id = "c\\1", .root = "/r", .namespace = "ns\"x", .pod = "p\nq\xff\xc3\xa9"};
	char *text;
	(void)state;

	count(m, &a, "file_open", "files", "deny", 1);
	text = text_of(m);
	/* \ -> \\ (as the log: \\ for a backslash), then the format: each
	 * backslash doubled again; " -> \"; newline -> \n; 0xff -> \xff ->
	 * \\xff */
	assert_non_null(strstr(text, "palisade_violations_total{container=\"c\\\\\\\\1\","
	                             "namespace=\"ns\\\"x\",pod=\"p\\nq\\\\xff\xc3\xa9\","
	                             "hook=\"file_open\",rule=\"files\",verdict=\"deny\"} 1\n"));
	/* every sample line is one line */
	assert_null(strstr(text, "\nq"));
	free(text);
	pal_metrics_free(m);
}

static void long_labels_are_cut(void **state)
{
	struct pal_metrics *m = pal_metrics_new();
	char *id = malloc(5000), *text, *start, *end;
	struct pal_attr a = {.id = id, .root = "/r"};
	(void)state;

	memset(id, 'i', 4999);
	id[4999] = '\0';
	count(m, &a, "h", "r", "deny", 1);
	/* a second violation whose id differs only after the cut joins it */
	id[4000] = 'j';
	count(m, &a, "h", "r", "deny", 1);
	text = text_of(m);
	start = strstr(text, "container=\"");
	assert_non_null(start);
	start += strlen("container=\"");
	end = strchr(start, '"');
	assert_int_equal(end - start, PAL_METRICS_LABEL_MAX);
	assert_non_null(strstr(text, "verdict=\"deny\"} 2\n"));
	free(text);
	free(id);
	pal_metrics_free(m);
}

static void series_bound(void **state)
{
	struct pal_metrics *m = pal_metrics_new();
	struct pal_attr a = {.root = "/r"};
	char id[32], *text;
	uint64_t unacc;
	(void)state;

	for (int i = 0; i < PAL_METRICS_MAX_SERIES + 10; i++) {
		snprintf(id, sizeof(id), "c%05d", i);
		a.id = id;
		count(m, &a, "h", "r", "deny", 1);
	}
	/* a series that exists still counts after the table is full */
	snprintf(id, sizeof(id), "c%05d", 0);
	count(m, &a, "h", "r", "deny", 4);
	/* every violation is counted: in a series or as unaccounted */
	assert_int_equal(pal_metrics_total(m, &unacc), PAL_METRICS_MAX_SERIES + 4);
	assert_int_equal(unacc, 10);
	text = text_of(m);
	assert_non_null(strstr(text, "palisade_violations_unaccounted_total 10\n"));
	assert_non_null(strstr(text, "{container=\"c00000\",namespace=\"\",pod=\"\",hook=\"h\","
	                             "rule=\"r\",verdict=\"deny\"} 5\n"));
	assert_null(strstr(text, "container=\"c04096\""));
	size_t samples = 0;
	for (char *p = text; (p = strstr(p, "\npalisade_violations_total{")); p++)
		samples++;
	assert_int_equal(samples, PAL_METRICS_MAX_SERIES);
	free(text);
	pal_metrics_free(m);
}

static void drop_bound(void **state)
{
	struct pal_metrics *m = pal_metrics_new();
	char reason[32], *text;
	(void)state;

	for (int i = 0; i < PAL_METRICS_MAX_DROP_SERIES + 5; i++) {
		snprintf(reason, sizeof(reason), "r%02d", i);
		pal_metrics_dropped(m, "bpf", reason, 1);
	}
	/* a known pair still adds up in its own series */
	pal_metrics_dropped(m, "bpf", "r00", 1);
	text = text_of(m);
	assert_non_null(strstr(text, "{source=\"bpf\",reason=\"r00\"} 2\n"));
	assert_non_null(strstr(text, "{source=\"bpf\",reason=\"r62\"} 1\n"));
	assert_null(strstr(text, "reason=\"r63\""));
	/* 64 + 5 pairs, 63 own slots: the other 6 in one */
	assert_non_null(strstr(text, "{source=\"other\",reason=\"other\"} 6\n"));
	free(text);
	pal_metrics_free(m);
}

static void file_written_atomically(void **state)
{
	struct pal_metrics *m = pal_metrics_new();
	char *dir = pal_test_tmpdir(), *path, *got, *want;
	struct pal_attr a = {.id = "c1", .root = "/r"};
	pal_error err = {0};
	struct stat st;
	DIR *d;
	struct dirent *de;
	int n = 0;
	(void)state;

	assert_true(asprintf(&path, "%s/palisade.prom", dir) > 0);
	assert_int_equal(pal_test_write(dir, "palisade.prom", "old", 3), 0);
	count(m, &a, "h", "r", "deny", 2);
	assert_int_equal(pal_metrics_write(m, path, &err), 0);
	got = pal_test_read(dir, "palisade.prom", NULL);
	want = text_of(m);
	assert_string_equal(got, want);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	/* nothing else left in the directory */
	d = opendir(dir);
	while ((de = readdir(d)))
		n += de->d_name[0] != '.';
	closedir(d);
	assert_int_equal(n, 1);
	/* a missing directory is an error naming the file */
	free(path);
	assert_true(asprintf(&path, "%s/missing/palisade.prom", dir) > 0);
	assert_int_equal(pal_metrics_write(m, path, &err), -1);
	assert_int_equal(err.errnum, ENOENT);
	assert_non_null(strstr(err.msg, "palisade.prom"));
	free(got);
	free(want);
	free(path);
	pal_test_rmtree(dir);
	free(dir);
	pal_metrics_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(exact_text),
	    cmocka_unit_test(empty_is_still_well_formed),
	    cmocka_unit_test(label_escaping),
	    cmocka_unit_test(long_labels_are_cut),
	    cmocka_unit_test(series_bound),
	    cmocka_unit_test(drop_bound),
	    cmocka_unit_test(file_written_atomically),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
