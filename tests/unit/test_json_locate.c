/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "pal_test.h"

#include "palisade/json_locate.h"

static const char *text = "{\n"
			  "  \"a\": {\"b\": 1, \"c\": [10, {\"d\": true}]},\n"
			  "  // a comment\n"
			  "  \"e\": [\"x\", [\"y\", \"z\"]],\n"
			  "  \"c\": 2\n"
			  "}\n";

static void locate(void **state)
{
	int line, col;
	(void)state;
	struct pal_json_step a[] = {{.key = "a"}};
	struct pal_json_step ab[] = {{.key = "a"}, {.key = "b"}};
	struct pal_json_step acd[] = {{.key = "a"}, {.key = "c"}, {.index = 1}, {.key = "d"}};
	struct pal_json_step e11[] = {{.key = "e"}, {.index = 1}, {.index = 1}};
	struct pal_json_step c[] = {{.key = "c"}};
	struct pal_json_step missing[] = {{.key = "a"}, {.key = "zz"}};
	struct pal_json_step bad_index[] = {{.key = "e"}, {.index = 5}};

	assert_int_equal(pal_json_locate(text, strlen(text), a, 1, &line, &col), 0);
	assert_int_equal(line, 2);
	assert_int_equal(col, 3);
	assert_int_equal(pal_json_locate(text, strlen(text), ab, 2, &line, &col), 0);
	assert_int_equal(line, 2);
	assert_int_equal(col, 9);
	assert_int_equal(pal_json_locate(text, strlen(text), acd, 4, &line, &col), 0);
	assert_int_equal(line, 2);
	assert_int_equal(col, 28);
	assert_int_equal(pal_json_locate(text, strlen(text), e11, 3, &line, &col), 0);
	assert_int_equal(line, 4);
	/* the top-level "c", not a.c */
	assert_int_equal(pal_json_locate(text, strlen(text), c, 1, &line, &col), 0);
	assert_int_equal(line, 5);
	assert_int_equal(col, 3);
	assert_int_equal(pal_json_locate(text, strlen(text), missing, 2, &line, &col), -1);
	assert_int_equal(pal_json_locate(text, strlen(text), bad_index, 2, &line, &col), -1);
	assert_int_equal(pal_json_locate(text, strlen(text), a, 0, &line, &col), -1);
	assert_int_equal(pal_json_locate("{\"a\":", 5, ab, 2, &line, &col), -1);
	/* a key spelled with escapes: the position is its opening quote */
	const char *esc = "{\"x\": 1,\n   \"\\u0061\\\"\": 2}";
	struct pal_json_step q[] = {{.key = "a\""}};
	assert_int_equal(pal_json_locate(esc, strlen(esc), q, 1, &line, &col), 0);
	assert_int_equal(line, 2);
	assert_int_equal(col, 4);
}

static void position(void **state)
{
	int line, col;
	(void)state;
	pal_json_position("ab\ncd\n", 6, 4, &line, &col);
	assert_int_equal(line, 2);
	assert_int_equal(col, 2);
	pal_json_position("ab", 2, 99, &line, &col);
	assert_int_equal(line, 1);
	assert_int_equal(col, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(locate),
		cmocka_unit_test(position),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
