/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "pal_test.h"

#include <yajl/yajl_gen.h>

#include "palisade/diff.h"
#include "palisade/json.h"

static yajl_val parse(const char *s)
{
	pal_error err = {0};
	yajl_val v = NULL;
	if (pal_json_parse(s, strlen(s), "t", &v, &err) < 0)
		fail_msg("%s", err.msg);
	return v;
}

/* The text diff of A and B, with two spaces of indent. */
static void text_is(const char *a, const char *b, const char *expected)
{
	yajl_val ta = parse(a), tb = parse(b);
	struct pal_diff d = {0};
	pal_error err = {0};
	char *out = NULL;
	size_t len = 0;

	assert_int_equal(pal_diff_trees(ta, tb, &d, &err), 0);
	assert_int_equal(pal_diff_text(&d, "  ", &out, &len, &err), 0);
	assert_string_equal(out, expected);
	assert_int_equal(len, strlen(expected));
	free(out);
	pal_diff_free(&d);
	assert_null(d.v);
	assert_int_equal(d.n, 0);
	yajl_tree_free(ta);
	yajl_tree_free(tb);
}

/* The JSON diff of A and B. */
static void json_is(const char *a, const char *b, const char *expected)
{
	yajl_val ta = parse(a), tb = parse(b);
	struct pal_diff d = {0};
	pal_error err = {0};
	yajl_gen g = yajl_gen_alloc(NULL);
	const unsigned char *buf;
	size_t len;

	assert_non_null(g);
	assert_int_equal(pal_diff_trees(ta, tb, &d, &err), 0);
	assert_int_equal(pal_diff_gen(&d, g, &err), 0);
	assert_int_equal(yajl_gen_get_buf(g, &buf, &len), yajl_gen_status_ok);
	assert_int_equal(len, strlen(expected));
	assert_memory_equal(buf, expected, len);
	yajl_gen_free(g);
	pal_diff_free(&d);
	yajl_tree_free(ta);
	yajl_tree_free(tb);
}

static void identical(void **state)
{
	(void)state;
	text_is("{\"a\": [1, {\"b\": null}], \"c\": \"d\"}",
	        "{\"a\": [1, {\"b\": null}], \"c\": \"d\"}", "");
	/* members in another order: not a change for a reader */
	text_is("{\"a\": 1, \"b\": {\"x\": 1, \"y\": 2}}",
	        "{\"b\": {\"y\": 2, \"x\": 1}, \"a\": 1}", "");
}

static void capabilities_removed(void **state)
{
	(void)state;
	text_is("{\"process\": {\"capabilities\": {"
	        "\"bounding\": [\"CAP_CHOWN\", \"CAP_NET_RAW\", \"CAP_SYS_ADMIN\"],"
	        "\"effective\": [\"CAP_CHOWN\", \"CAP_NET_RAW\"]}}}",
	        "{\"process\": {\"capabilities\": {"
	        "\"bounding\": [\"CAP_CHOWN\"], \"effective\": [\"CAP_CHOWN\"]}}}",
	        "  process.capabilities.bounding: - \"CAP_NET_RAW\", \"CAP_SYS_ADMIN\"\n"
	        "  process.capabilities.effective: - \"CAP_NET_RAW\"\n");
}

static void string_items(void **state)
{
	(void)state;
	text_is("{\"o\": [\"nosuid\", \"rbind\"]}",
	        "{\"o\": [\"rbind\", \"nosuid\", \"nodev\", \"ro\"]}",
	        "  o: + \"nodev\", \"ro\"\n");
	text_is("{\"o\": [\"a\", \"b\"]}", "{\"o\": [\"b\", \"c\"]}",
	        "  o: - \"a\"\n"
	        "  o: + \"c\"\n");
	/* a multiset: one of two equal strings goes */
	text_is("{\"o\": [\"a\", \"a\", \"b\"]}", "{\"o\": [\"a\", \"b\"]}", "  o: - \"a\"\n");
	/* the same strings reordered: one change of the array */
	text_is("{\"args\": [\"-c\", \"x\"]}", "{\"args\": [\"x\", \"-c\"]}",
	        "  args: [\"-c\",\"x\"] -> [\"x\",\"-c\"]\n");
	/* from and to the empty array */
	text_is("{\"o\": []}", "{\"o\": [\"ro\"]}", "  o: + \"ro\"\n");
	text_is("{\"o\": [\"ro\"]}", "{\"o\": []}", "  o: - \"ro\"\n");
}

static void scalars(void **state)
{
	(void)state;
	text_is("{\"process\": {\"noNewPrivileges\": false, \"user\": {\"uid\": 0}}}",
	        "{\"process\": {\"noNewPrivileges\": true, \"user\": {\"uid\": 1000}}}",
	        "  process.noNewPrivileges: false -> true\n"
	        "  process.user.uid: 0 -> 1000\n");
	/* numbers by their text, types */
	text_is("{\"x\": 1, \"y\": 1, \"z\": null}", "{\"x\": 1.0, \"y\": \"1\", \"z\": false}",
	        "  x: 1 -> 1.0\n"
	        "  y: 1 -> \"1\"\n"
	        "  z: null -> false\n");
	/* a scalar becomes an object */
	text_is("{\"root\": \"rootfs\"}", "{\"root\": {\"path\": \"rootfs\"}}",
	        "  root: \"rootfs\" -> {\"path\":\"rootfs\"}\n");
}

static void keys_added_and_removed(void **state)
{
	(void)state;
	text_is("{\"process\": {\"cwd\": \"/\", \"apparmorProfile\": \"unconfined\"}}",
	        "{\"process\": {\"cwd\": \"/\", \"noNewPrivileges\": true}, \"x\": {}, \"y\": []}",
	        "  process.apparmorProfile: - removed \"unconfined\"\n"
	        "  process.noNewPrivileges: + added true\n"
	        "  x: + added {}\n"
	        "  y: + added []\n");
}

static void quoted_keys(void **state)
{
	(void)state;
	text_is("{\"annotations\": {\"a\": \"b\"}}",
	        "{\"annotations\": {\"a\": \"b\", \"io.palisade.version\": \"0.1.0\","
	        " \"we\\\"ird\\n\": 1}}",
	        "  annotations[\"io.palisade.version\"]: + added \"0.1.0\"\n"
	        "  annotations[\"we\\\"ird\\u000a\"]: + added 1\n");
	text_is("{\"a b\": 1}", "{\"a b\": 2}", "  [\"a b\"]: 1 -> 2\n");
}

static void seccomp_summarised(void **state)
{
	(void)state;
	text_is("{\"linux\": {}}",
	        "{\"linux\": {\"seccomp\": {\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": ["
	        "{\"names\": [\"read\", \"write\"], \"action\": \"SCMP_ACT_ALLOW\"},"
	        "{\"names\": [\"ptrace\"], \"action\": \"SCMP_ACT_ERRNO\"},"
	        "{\"names\": [\"personality\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": []}]}}}",
	        "  linux.seccomp: + added (3 syscalls allowed, default SCMP_ACT_ERRNO)\n");
	text_is("{\"linux\": {\"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\"}}}",
	        "{\"linux\": {}}",
	        "  linux.seccomp: - removed {\"defaultAction\":\"SCMP_ACT_ALLOW\"}\n");
}

static void arrays_of_objects(void **state)
{
	(void)state;
	/* same length: element by element */
	text_is("{\"mounts\": [{\"destination\": \"/proc\"},"
	        " {\"destination\": \"/data\", \"options\": [\"rbind\"]}]}",
	        "{\"mounts\": [{\"destination\": \"/proc\"},"
	        " {\"destination\": \"/data\", \"options\": [\"rbind\", \"nosuid\", \"nodev\"]}]}",
	        "  mounts[1].options: + \"nosuid\", \"nodev\"\n");
	/* one removed from the middle: indexed in the old array */
	text_is("{\"mounts\": [{\"d\": \"/a\"}, {\"d\": \"/b\"}, {\"d\": \"/c\"}]}",
	        "{\"mounts\": [{\"d\": \"/a\"}, {\"d\": \"/c\"}]}",
	        "  mounts[1]: - removed {\"d\":\"/b\"}\n");
	/* one added: indexed in the new array; large values summarised */
	text_is(
	    "{\"mounts\": [{\"d\": \"/a\"}]}",
	    "{\"mounts\": [{\"d\": \"/a\"}, {\"destination\": \"/var/lib/something/quite/long\","
	    " \"type\": \"bind\", \"source\": \"/srv/another/long/path\", \"options\": []}]}",
	    "  mounts[1]: + added {4 keys}\n");
	/* nothing in common: removals first, then additions */
	text_is("{\"m\": [{\"n\": 1}, {\"n\": 2}]}", "{\"m\": [{\"n\": 3}]}",
	        "  m[0]: - removed {\"n\":1}\n"
	        "  m[1]: - removed {\"n\":2}\n"
	        "  m[0]: + added {\"n\":3}\n");
	/* mixed arrays are not string arrays */
	text_is("{\"x\": [1, \"a\"]}", "{\"x\": [1, \"a\", null]}", "  x[2]: + added null\n");
}

static void large_array_change_collapsed(void **state)
{
	char a[2048] = "{\"s\": [", b[] = "{\"s\": [{\"n\": 0}, {\"n\": 11}]}";
	(void)state;

	for (int i = 0; i < 12; i++)
		snprintf(a + strlen(a), sizeof(a) - strlen(a), "%s{\"n\": %d}", i ? ", " : "", i);
	strcat(a, "]}");
	/* 11 removals and one addition: more than PAL_DIFF_ARRAY_MAX */
	text_is(a, b, "  s: [12 items] -> [{\"n\":0},{\"n\":11}]\n");
}

static void long_string_summarised(void **state)
{
	(void)state;
	text_is("{\"s\": \"short\"}",
	        "{\"s\": \"0123456789012345678901234567890123456789012345678901234567890123456789"
	        "0123456789\"}",
	        "  s: \"short\" -> \"012345678901234567890123456789012345678901234567890123456789"
	        "0123456...\"\n");
	/* cut between UTF-8 characters, not inside one */
	text_is(
	    "{\"s\": 1}",
	    "{\"s\": \"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\"}",
	    "  s: 1 -> \"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9...\"\n");
}

static void whole_tree(void **state)
{
	(void)state;
	text_is("{\"a\": 1}", "{}", "  a: - removed 1\n");
	/* the root itself (pal_json_parse only gives objects: compare subtrees) */
	yajl_val a = parse("{\"x\": [1]}"), b = parse("{\"x\": {\"y\": 1}}");
	struct pal_diff d = {0};
	pal_error err = {0};
	assert_int_equal(pal_diff_trees(pal_json_get(a, "x"), pal_json_get(b, "x"), &d, &err), 0);
	assert_int_equal(d.n, 1);
	assert_string_equal(d.v[0].path, "(root)");
	assert_int_equal(d.v[0].op, PAL_DIFF_CHANGE);
	pal_diff_free(&d);
	yajl_tree_free(a);
	yajl_tree_free(b);
}

static void entries(void **state)
{
	yajl_val a = parse("{\"c\": [\"A\", \"B\"], \"n\": 1, \"gone\": true}");
	yajl_val b = parse("{\"c\": [\"A\", \"Z\"], \"n\": 2, \"new\": {}}");
	struct pal_diff d = {0};
	pal_error err = {0};
	(void)state;

	assert_int_equal(pal_diff_trees(a, b, &d, &err), 0);
	assert_int_equal(d.n, 5);
	assert_string_equal(d.v[0].path, "c");
	assert_int_equal(d.v[0].op, PAL_DIFF_REMOVE);
	assert_true(d.v[0].item);
	assert_ptr_equal(d.v[0].old_v, a->u.object.values[0]->u.array.values[1]);
	assert_null(d.v[0].new_v);
	assert_int_equal(d.v[1].op, PAL_DIFF_ADD);
	assert_true(d.v[1].item);
	assert_string_equal(d.v[1].new_v->u.string, "Z");
	assert_string_equal(d.v[2].path, "n");
	assert_int_equal(d.v[2].op, PAL_DIFF_CHANGE);
	assert_false(d.v[2].item);
	assert_string_equal(d.v[3].path, "gone");
	assert_int_equal(d.v[3].op, PAL_DIFF_REMOVE);
	assert_string_equal(d.v[4].path, "new");
	assert_int_equal(d.v[4].op, PAL_DIFF_ADD);
	assert_string_equal(pal_diff_op_name(PAL_DIFF_ADD), "add");
	assert_string_equal(pal_diff_op_name(PAL_DIFF_REMOVE), "remove");
	assert_string_equal(pal_diff_op_name(PAL_DIFF_CHANGE), "change");
	pal_diff_free(&d);
	yajl_tree_free(a);
	yajl_tree_free(b);
}

static void json_output(void **state)
{
	(void)state;
	json_is("{\"c\": [\"A\", \"B\"], \"n\": 1, \"gone\": [true], \"linux\": {}}",
	        "{\"c\": [\"A\"], \"n\": 2, \"linux\": {\"seccomp\": {\"defaultAction\": \"X\","
	        " \"syscalls\": []}}}",
	        "[{\"path\":\"c\",\"op\":\"remove\",\"old\":\"B\"},"
	        "{\"path\":\"n\",\"op\":\"change\",\"old\":1,\"new\":2},"
	        "{\"path\":\"gone\",\"op\":\"remove\",\"old\":[true]},"
	        "{\"path\":\"linux.seccomp\",\"op\":\"add\",\"new\":{\"defaultAction\":\"X\","
	        "\"syscalls\":[]}}]");
	json_is("{}", "{}", "[]");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(identical),
	    cmocka_unit_test(capabilities_removed),
	    cmocka_unit_test(string_items),
	    cmocka_unit_test(scalars),
	    cmocka_unit_test(keys_added_and_removed),
	    cmocka_unit_test(quoted_keys),
	    cmocka_unit_test(seccomp_summarised),
	    cmocka_unit_test(arrays_of_objects),
	    cmocka_unit_test(large_array_change_collapsed),
	    cmocka_unit_test(long_string_summarised),
	    cmocka_unit_test(whole_tree),
	    cmocka_unit_test(entries),
	    cmocka_unit_test(json_output),
	};
	return cmocka_run_group_tests_name("diff", tests, NULL, NULL);
}
