/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Container id validation against runc 1.1.5's validateID.  Where runc's
 * answer is not obvious, the comment gives what "runc state ID" printed.
 */
#include "config.h"

#include "pal_test.h"

#include "palisade/id.h"

static void expect_valid(const char *id)
{
	pal_error err = {0};

	if (pal_id_validate(id, &err) != 0)
		fail_msg("\"%s\" refused: %s", id, err.msg);
}

static void expect_invalid(const char *id, const char *msg)
{
	pal_error err = {0};

	if (pal_id_validate(id, &err) != -1)
		fail_msg("\"%s\" accepted", id ? id : "(null)");
	if (msg && strcmp(err.msg, msg))
		fail_msg("\"%s\": message \"%s\", expected \"%s\"", id, err.msg, msg);
}

static void test_valid(void **state)
{
	/* clang-format off */
	static const char *const ids[] = {
		/* containerd, CRI-O and Podman hand runc 64 hex digits */
		"3f2a9c0e5b7d41a8b6c2e9f0d1a3b5c7e9f1a2b3c4d5e6f708192a3b4c5d6e7f",
		"c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00",
		/* names people give "runc run" */
		"mycontainer",
		"k8s_POD_nginx-7c5ddbdf54-x2x5z_default_0",
		"A",
		"0",
		"a+b-c_d.e",
		/* runc's [\w+-\.]: "+-\." is a range that takes in ','
		 * (runc: "container does not exist", not "invalid") */
		"a,b",
		/* only "." and ".." are paths CleanPath changes */
		"...",
		"a..b",
		".hidden",
		"-x",
		"--",
	};
	/* clang-format on */

	(void)state;
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		expect_valid(ids[i]);
}

static void test_invalid(void **state)
{
	/* clang-format off */
	static const char *const ids[] = {
		".",  "..",     "a/b",  "../x", "./a",  "a/",  "/a", "a b", "a:b", "a@b",
		"a*b", "a\\b", "a\"b", "a\tb", "a\nb", "\x7f", "a~", "a;rm", "$(x)",
	};
	/* clang-format on */

	(void)state;
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		expect_invalid(ids[i], NULL);
}

static void test_messages(void **state)
{
	(void)state;
	/* runc's own messages; ours add the id */
	expect_invalid("", "container id cannot be empty");
	expect_invalid(NULL, "container id cannot be empty");
	expect_invalid("a b", "invalid container ID format: \"a b\"");
	expect_invalid("..", "invalid container ID format: \"..\"");
	expect_invalid("../x", "invalid container ID format: \"../x\"");
	/* what is printed cannot drive a terminal */
	expect_invalid("\x1b[2J\x1b]0;pwned\x07",
	               "invalid container ID format: \"\\x1b[2J\\x1b]0;pwned\\x07\"");
	expect_invalid("a\"b\\c", "invalid container ID format: \"a\\\"b\\\\c\"");
	/* \w is ASCII in Go: UTF-8 letters are refused (runc: invalid) */
	expect_invalid("caf\xc3\xa9", "invalid container ID format: \"caf\\xc3\\xa9\"");
	expect_invalid("\xff", "invalid container ID format: \"\\xff\"");
}

static void test_length(void **state)
{
	char id[PAL_ID_MAX + 2];
	char want[200];

	(void)state;
	memset(id, 'a', sizeof(id));
	id[PAL_ID_MAX] = '\0';
	expect_valid(id);

	id[PAL_ID_MAX] = 'a';
	id[PAL_ID_MAX + 1] = '\0';
	snprintf(want, sizeof(want),
	         "invalid container ID format: \"%.64s...\" is longer than %d bytes", id,
	         PAL_ID_MAX);
	expect_invalid(id, want);

	/* a long bad id is cut in the message */
	memset(id, '/', 100);
	id[100] = '\0';
	snprintf(want, sizeof(want), "invalid container ID format: \"%.64s...\"", id);
	expect_invalid(id, want);
}

int main(void)
{
	/* clang-format off */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_messages),
		cmocka_unit_test(test_length),
	};
	/* clang-format on */

	return cmocka_run_group_tests(tests, NULL, NULL);
}
