/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The violation line (src/violation.c): the exact schema of violation.h and
 * man/palisade-monitor.8, and one valid JSON line whatever the container
 * put in its comm, paths and names (parsed back with yajl).
 */
#include "config.h"

#include "pal_test.h"

#include <errno.h>

#include "palisade/cleanup.h"
#include "palisade/json.h"
#include "palisade/violation.h"

/* 2026-11-23T08:02:48.123456789Z */
#define T0 (1795420968ull * 1000000000ull + 123456789ull)

static yajl_val parse(const char *text)
{
	pal_error err;
	yajl_val v = NULL;

	assert_int_equal(pal_json_parse(text, strlen(text), "test", &v, &err), 0);
	return v;
}

static char *line_of(const struct pal_violation *v)
{
	pal_error err = {0};
	char *out = NULL;
	size_t len = 0;

	assert_int_equal(pal_violation_json(v, &out, &len, &err), 0);
	assert_non_null(out);
	assert_int_equal(strlen(out), len);
	return out;
}

/* OUT is one line that yajl parses as an object (its tree returned). */
static yajl_val one_json_line(const char *out)
{
	char errbuf[256];
	yajl_val v;

	assert_null(strchr(out, '\n'));
	assert_null(strchr(out, '\r'));
	v = yajl_tree_parse(out, errbuf, sizeof(errbuf));
	if (!v)
		fail_msg("not JSON: %s: %s", errbuf, out);
	assert_true(YAJL_IS_OBJECT(v));
	return v;
}

static const char *str(yajl_val root, const char *a, const char *b)
{
	const char *path[] = {a, b, NULL};
	yajl_val v = yajl_tree_get(root, path, yajl_t_string);

	assert_non_null(v);
	return v->u.string;
}

static void full_record(void **state)
{
	_cleanup_yajl_val_ yajl_val detail = parse("{\"path\": \"/proc/kcore\"}");
	struct pal_attr a = {
	    .id = "c1",
	    .root = "/run/runc",
	    .bundle = "/b",
	    .profile = "restricted",
	    .mode = "enforce",
	    .pod = "web-1",
	    .namespace = "default",
	    .name = "nginx",
	};
	struct pal_violation v = {
	    .time_ns = T0,
	    .source = "bpf",
	    .cgroup_id = 4242,
	    .pid = 17,
	    .tid = 18,
	    .uid = 1000,
	    .comm = "sh",
	    .hook = "file_open",
	    .rule = "files",
	    .verdict = "deny",
	    .detail = detail,
	    .attr = &a,
	};
	_cleanup_free_ char *out = line_of(&v);
	(void)state;

	assert_string_equal(
	    out, "{\"v\":1,\"time\":\"2026-11-23T08:02:48.123456789Z\",\"source\":\"bpf\","
	         "\"container\":{\"id\":\"c1\",\"root\":\"/run/runc\",\"bundle\":\"/b\","
	         "\"profile\":\"restricted\",\"mode\":\"enforce\",\"pod\":\"web-1\","
	         "\"namespace\":\"default\",\"name\":\"nginx\"},"
	         "\"cgroup_id\":4242,\"pid\":17,\"tid\":18,\"uid\":1000,\"comm\":\"sh\","
	         "\"hook\":\"file_open\",\"rule\":\"files\",\"verdict\":\"deny\","
	         "\"detail\":{\"path\":\"/proc/kcore\"}}");
}

static void unattributed_and_minimal(void **state)
{
	struct pal_attr a = {.id = "c2", .root = "/run/runc"};
	struct pal_violation v = {
	    .time_ns = 0,
	    .source = "audit",
	    .comm = "x",
	    .hook = "seccomp",
	    .rule = "seccomp",
	    .verdict = "audit",
	};
	_cleanup_free_ char *none = NULL, *some = NULL;
	(void)state;

	/* no attribution: null; no detail: {} */
	none = line_of(&v);
	assert_string_equal(none,
	                    "{\"v\":1,\"time\":\"1970-01-01T00:00:00.000000000Z\",\"source\":"
	                    "\"audit\",\"container\":null,\"cgroup_id\":0,\"pid\":0,\"tid\":0,"
	                    "\"uid\":0,\"comm\":\"x\",\"hook\":\"seccomp\",\"rule\":\"seccomp\","
	                    "\"verdict\":\"audit\",\"detail\":{}}");
	/* unknown members are left out, id and root stay */
	v.attr = &a;
	some = line_of(&v);
	assert_non_null(strstr(some, "\"container\":{\"id\":\"c2\",\"root\":\"/run/runc\"},"));
}

/* comm, detail strings and names with quotes, backslashes, newlines,
 * control characters and bytes that are not UTF-8 */
static void hostile_strings(void **state)
{
	_cleanup_yajl_val_ yajl_val detail = NULL;
	_cleanup_yajl_val_ yajl_val back = NULL;
	_cleanup_free_ char *out = NULL;
	struct pal_attr a = {
	    .id = "c3", .root = "/run/runc", .pod = "p\xc3\x28od", .name = "n\"\n"};
	struct pal_violation v = {
	    .time_ns = T0,
	    .source = "bpf",
	    .hook = "file_open",
	    .rule = "files",
	    .verdict = "deny",
	    .attr = &a,
	};
	pal_error err;
	(void)state;

	/* a comm of 16 bytes, not terminated within them */
	memcpy(v.comm,
	       "a\"b\\c\nd\x01\xff\xfe"
	       "efghij",
	       16);
	v.comm[16] = '\0';
	/* a tree whose strings are raw container bytes (as the monitor builds
	 * it from an event), not text a JSON parser would accept */
	detail = pal_json_new_object();
	assert_non_null(detail);
	assert_int_equal(
	    pal_json_set(detail, "path",
	                 pal_json_new_string("/tmp/x\ny\"z\\w\x1b[31m\xe2\x82\xac\xed\xa0\x80"),
	                 &err),
	    0);
	assert_int_equal(pal_json_set(detail, "args", pal_json_new_array(), &err), 0);
	assert_int_equal(pal_json_append(pal_json_get(detail, "args"),
	                                 pal_json_new_number("18446744073709551615"), &err),
	                 0);
	v.detail = detail;

	out = line_of(&v);
	back = one_json_line(out);
	/* valid UTF-8 is kept; the control characters come back as they were;
	 * a stray byte is the text \xNN, a backslash is doubled */
	assert_string_equal(str(back, "comm", NULL), "a\"b\\\\c\nd\x01\\xff\\xfeefghij");
	{
		const char *p[] = {"detail", "path", NULL};
		yajl_val path = yajl_tree_get(back, p, yajl_t_string);
		assert_non_null(path);
		/* U+20AC kept; ED A0 80 (a surrogate) is not UTF-8 */
		assert_string_equal(path->u.string,
		                    "/tmp/x\ny\"z\\\\w\x1b[31m\xe2\x82\xac\\xed\\xa0\\x80");
	}
	assert_string_equal(str(back, "container", "pod"), "p\\xc3(od");
	assert_string_equal(str(back, "container", "name"), "n\"\n");
	/* the 64-bit argument keeps every digit */
	assert_non_null(strstr(out, "\"args\":[18446744073709551615]"));
	/* the raw line has no control byte at all */
	for (const char *p = out; *p; p++)
		assert_true((unsigned char)*p >= 0x20);
}

static void refuses_what_is_not_an_object(void **state)
{
	_cleanup_yajl_val_ yajl_val arr = pal_json_new_array();
	struct pal_violation v = {.source = "bpf", .detail = arr};
	char *out = NULL;
	pal_error err;
	(void)state;

	assert_int_equal(pal_violation_json(&v, &out, NULL, &err), -1);
	assert_int_equal(err.errnum, EINVAL);
	assert_null(out);
}

static void nested_detail_and_seccomp_shape(void **state)
{
	_cleanup_yajl_val_ yajl_val detail =
	    parse("{\"syscall\": \"keyctl\", \"nr\": 250, \"arch\": \"x86_64\", "
	          "\"args\": [1, 2, 3, 0, 0, 18446744073709551615], \"errno\": 1, "
	          "\"socket\": {\"family\": 2, \"ok\": true, \"none\": null, \"d\": -1.5e3}}");
	struct pal_violation v = {.time_ns = T0, .source = "seccomp-notify", .detail = detail};
	_cleanup_free_ char *out = line_of(&v);
	_cleanup_yajl_val_ yajl_val back = one_json_line(out);
	(void)state;

	assert_non_null(
	    strstr(out, "\"detail\":{\"syscall\":\"keyctl\",\"nr\":250,\"arch\":\"x86_64\","
	                "\"args\":[1,2,3,0,0,18446744073709551615],\"errno\":1,"
	                "\"socket\":{\"family\":2,\"ok\":true,\"none\":null,\"d\":-1.5e3}}}"));
	/* NULL hook, rule and verdict are null, not a crash */
	assert_non_null(strstr(out, "\"hook\":null,\"rule\":null,\"verdict\":null"));
}

static void attr_free(void **state)
{
	struct pal_attr a = {.id = strdup("c"), .root = strdup("/r"), .pod = strdup("p")};
	(void)state;

	pal_attr_free(&a);
	assert_null(a.id);
	assert_null(a.root);
	assert_null(a.pod);
	pal_attr_free(&a); /* twice is fine */
	pal_attr_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(full_record),
	    cmocka_unit_test(unattributed_and_minimal),
	    cmocka_unit_test(hostile_strings),
	    cmocka_unit_test(refuses_what_is_not_an_object),
	    cmocka_unit_test(nested_detail_and_seccomp_shape),
	    cmocka_unit_test(attr_free),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
