/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `palisade events` (src/events_cmd.c): which vectors are Palisade's reader
 * and which are runc's statistics command (passed through untouched), and
 * the --since forms.  The reading itself is tested end to end by
 * tests/integration/events_cmd.sh.
 */
#include "config.h"

#include "pal_test.h"

#include <errno.h>

#include "palisade/events_cmd.h"

/* words after "events", NULL-terminated */
static bool own(const char *first, ...)
{
	char *argv[32] = {"events"};
	int argc = 1;
	va_list ap;

	va_start(ap, first);
	for (const char *w = first; w && argc < 31; w = va_arg(ap, const char *))
		argv[argc++] = (char *)w;
	va_end(ap);
	return pal_events_is_own(argc, argv);
}

static void routing(void **state)
{
	(void)state;
	/* runc's form: exactly one id, runc's options in any place */
	assert_false(own("ID", NULL));
	assert_false(own("--stats", "ID", NULL));
	assert_false(own("ID", "--stats", NULL));
	assert_false(own("--interval", "5s", "ID", NULL));
	assert_false(own("-interval", "5s", "ID", NULL));
	assert_false(own("--interval=5s", "ID", NULL));
	assert_false(own("ID", "--interval", "1s", "--stats=true", NULL));
	assert_false(own("ID", "--help", NULL));
	/* two ids: still runc's (it says so) */
	assert_false(own("a", "b", NULL));
	/* an unknown option with an id: runc refuses it in its words */
	assert_false(own("--bogus", "ID", NULL));
	/* "--" makes what follows positional */
	assert_false(own("--", "--follow", NULL));

	/* Palisade's: no positional word at all... */
	assert_true(own(NULL));
	assert_true(own("--help", NULL));
	assert_true(own("--stats", NULL));
	assert_true(own("--interval", "5s", NULL)); /* the value is not an id */
	/* ...or any of its options, in Go's spellings, wherever they are */
	assert_true(own("--follow", NULL));
	assert_true(own("-follow", NULL));
	assert_true(own("--json", "ID", NULL));
	assert_true(own("ID", "--container", "c1", NULL));
	assert_true(own("--container=c1", NULL));
	assert_true(own("--since", "1h", NULL));
	assert_true(own("-since=1h", NULL));
	assert_true(own("--file", "/x", NULL));
	assert_true(own("--follow=true", NULL));
}

#define S 1000000000ull
/* 2026-11-23T08:02:48Z */
#define NOW (1795420968ull * S)

static uint64_t since(const char *s)
{
	pal_error err = {0};
	uint64_t t = 12345;

	if (pal_events_parse_since(s, NOW, &t, &err) < 0)
		fail_msg("--since %s: %s", s, err.msg);
	return t;
}

static void since_forms(void **state)
{
	pal_error err;
	uint64_t t;
	(void)state;

	assert_int_equal(since("2026-11-23T08:02:48Z"), NOW);
	assert_int_equal(since("2026-11-23t08:02:48z"), NOW);
	assert_int_equal(since("2026-11-23T08:02:48.5Z"), NOW + S / 2);
	assert_int_equal(since("2026-11-23T08:02:48.123456789123Z"), NOW + 123456789);
	assert_int_equal(since("2026-11-23T09:02:48+01:00"), NOW);
	assert_int_equal(since("2026-11-23T07:32:48-00:30"), NOW);
	assert_int_equal(since("1970-01-01T00:00:00Z"), 0);
	assert_int_equal(since("90s"), NOW - 90 * S);
	assert_int_equal(since("30m"), NOW - 1800 * S);
	assert_int_equal(since("1h30m"), NOW - 5400 * S);
	assert_int_equal(since("2d"), NOW - 2 * 86400 * S);
	assert_int_equal(since("0s"), NOW);
	/* further back than the epoch: from the start */
	assert_int_equal(since("100000d"), 0);

	const char *bad[] = {"",
	                     "1",
	                     "h",
	                     "1x",
	                     "-1h",
	                     "1h ",
	                     "2026-11-23",
	                     "2026-11-23T08:02:48",
	                     "2026-11-23T08:02:48.Z",
	                     "2026-02-30T00:00:00Z",
	                     "2026-13-01T00:00:00Z",
	                     "2026-11-23T24:00:00Z",
	                     "2026-11-23T08:02:48+1:00",
	                     "1969-12-31T23:59:59Z",
	                     "99999999999999999999s"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (pal_events_parse_since(bad[i], NOW, &t, &err) == 0)
			fail_msg("--since \"%s\" accepted", bad[i]);
		assert_int_equal(err.errnum, EINVAL);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(routing),
	    cmocka_unit_test(since_forms),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
