/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "pal_test.h"

#include "palisade/log.h"

static void text_format(void **state)
{
	char buf[512];
	(void)state;
	/* logrus's text formatter, as runc writes it */
	assert_int_equal(pal_log_format(buf, sizeof(buf), false, "error",
					"config.json:3:1: duplicate key \"process\"\tand\nmore", 0),
			 0);
	assert_string_equal(buf, "time=\"1970-01-01T00:00:00Z\" level=error "
				 "msg=\"config.json:3:1: duplicate key \\\"process\\\"\\tand\\nmore\"\n");
}

static void json_format(void **state)
{
	char buf[512];
	(void)state;
	assert_int_equal(pal_log_format(buf, sizeof(buf), true, "error", "a \"b\"\n", 86400), 0);
	assert_string_equal(buf,
			    "{\"level\":\"error\",\"msg\":\"a \\\"b\\\"\\n\",\"time\":\"1970-01-02T00:00:00Z\"}\n");
	/* invalid UTF-8 is not written raw into JSON */
	assert_int_equal(pal_log_format(buf, sizeof(buf), true, "error", "bad \xff", 0), -1);
	/* too small a buffer is an error, not an overflow */
	assert_int_equal(pal_log_format(buf, 16, true, "error", "0123456789", 0), -1);
	assert_int_equal(pal_log_format(buf, 16, false, "error", "0123456789", 0), -1);
}

static void record_to_file(void **state)
{
	char *dir = pal_test_tmpdir(), *path, *got;
	size_t len = 0;
	(void)state;
	assert_true(asprintf(&path, "%s/log.json", dir) > 0);
	struct pal_log_target t = {.path = path, .json = true};
	pal_log_record(&t, "error", "first");
	pal_log_record(&t, "warning", "second \xfe");
	got = pal_test_read(dir, "log.json", &len);
	assert_non_null(got);
	assert_non_null(strstr(got, "\"msg\":\"first\""));
	/* the invalid byte arrives escaped, the record is still written */
	assert_non_null(strstr(got, "\"level\":\"warning\",\"msg\":\"second \\\\xfe\""));
	assert_int_equal(got[len - 1], '\n');
	free(got);
	free(path);
	pal_test_rmtree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(text_format),
		cmocka_unit_test(json_format),
		cmocka_unit_test(record_to_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
