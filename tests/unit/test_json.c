/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "pal_test.h"

#include <errno.h>

#include "palisade/json.h"

/* ------------------------------------------------------------ helpers */

static yajl_val parse_len(const char *s, size_t len)
{
	pal_error err = {0};
	yajl_val v = NULL;

	if (pal_json_parse(s, len, "t.json", &v, &err) < 0)
		fail_msg("unexpected parse error: %s", err.msg);
	assert_non_null(v);
	return v;
}

static yajl_val parse(const char *s)
{
	return parse_len(s, strlen(s));
}

/* Parsing must fail with exactly WANT. */
static void parse_fails_len(const char *s, size_t len, const char *want)
{
	pal_error err = {0};
	yajl_val v = NULL;

	assert_int_equal(pal_json_parse(s, len, "t.json", &v, &err), -1);
	assert_null(v);
	assert_string_equal(err.msg, want);
}

static void parse_fails(const char *s, const char *want)
{
	parse_fails_len(s, strlen(s), want);
}

static char *serialize(yajl_val v, bool pretty)
{
	pal_error err = {0};
	char *out = NULL;
	size_t len = 0;

	if (pal_json_serialize(v, pretty, &out, &len, &err) < 0)
		fail_msg("unexpected serialize error: %s", err.msg);
	assert_int_equal(strlen(out), len);
	return out;
}

static void assert_compact(yajl_val v, const char *want)
{
	char *out = serialize(v, false);
	assert_string_equal(out, want);
	free(out);
}

/* ------------------------------------------------------------ round trips */

/* A fixture's bytes (NUL-terminated); *LEN its length. */
static char *read_fixture(const char *name, size_t *len)
{
	const char *dir = getenv("PAL_FIXTURES");
	char *text = pal_test_read(dir ? dir : "tests/fixtures", name, len);

	if (!text)
		fail_msg("cannot read fixture %s", name);
	return text;
}

/* parse -> serialize -> parse gives an equal tree (numbers by text), and
 * serialising that again gives the same bytes. */
static void roundtrip_one(const char *name, bool pretty)
{
	char *text, *out1, *out2;
	yajl_val a, b, c;
	size_t len;

	text = read_fixture(name, &len);
	a = parse_len(text, len);
	out1 = serialize(a, pretty);
	b = parse(out1);
	assert_true(pal_json_equal(a, b));
	out2 = serialize(b, pretty);
	assert_string_equal(out1, out2);
	/* and the other layout means the same */
	free(out2);
	out2 = serialize(b, !pretty);
	c = parse(out2);
	assert_true(pal_json_equal(a, c));
	yajl_tree_free(a);
	yajl_tree_free(b);
	yajl_tree_free(c);
	free(out1);
	free(out2);
	free(text);
}

static void roundtrip_fixtures(void **state)
{
	static const char *const names[] = {
	    "spec-runc.json",
	    "spec-containerd.json",
	    "spec-podman.json",
	    "spec-unknown-fields.json",
	};
	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		roundtrip_one(names[i], true);
		roundtrip_one(names[i], false);
	}
}

/* `runc spec` is Go's MarshalIndent with tabs: our pretty layout is the
 * same, plus a final newline. */
static void runc_layout(void **state)
{
	char *text, *out;
	yajl_val v;
	size_t len;
	(void)state;

	text = read_fixture("spec-runc.json", &len);
	v = parse_len(text, len);
	out = serialize(v, true);
	assert_int_equal(strlen(out), len + 1);
	assert_memory_equal(out, text, len);
	assert_int_equal(out[len], '\n');
	yajl_tree_free(v);
	free(out);
	free(text);
}

static void unknown_fields_kept(void **state)
{
	char *text, *out;
	yajl_val a, b, n;
	size_t len;
	(void)state;

	text = read_fixture("spec-unknown-fields.json", &len);
	a = parse_len(text, len);
	out = serialize(a, true);
	b = parse(out);
	n = pal_json_getp(b, "linux", "newThing", NULL);
	assert_true(YAJL_IS_ARRAY(n));
	assert_int_equal(n->u.array.len, 2);
	assert_string_equal(YAJL_GET_NUMBER(n->u.array.values[0]), "1.50");
	assert_string_equal(YAJL_GET_NUMBER(n->u.array.values[1]), "1e3");
	n = pal_json_getp(b, "io.example.future", "levels", NULL);
	assert_true(YAJL_IS_ARRAY(n));
	assert_string_equal(YAJL_GET_NUMBER(n->u.array.values[2]), "-0");
	assert_string_equal(YAJL_GET_NUMBER(n->u.array.values[7]), "18446744073709551616");
	assert_string_equal(YAJL_GET_NUMBER(n->u.array.values[8]), "1e999");
	assert_string_equal(YAJL_GET_NUMBER(pal_json_getp(b, "root", "io.example.rootThing", NULL)),
	                    "1.0");
	assert_string_equal(
	    YAJL_GET_STRING(pal_json_getp(b, "process", "io.example.processThing", NULL)),
	    "\xc3\xa9\xe4\xb8\xad\xf0\x9d\x84\x9e raw: \xc3\xa9\xe4\xb8\xad\xf0\x9d\x84\x9e");
	assert_non_null(pal_json_getp(b, "annotations", "", NULL));
	/* key order is the file's */
	assert_string_equal(b->u.object.keys[0], "ociVersion");
	assert_string_equal(b->u.object.keys[1], "io.example.future");
	assert_string_equal(b->u.object.keys[b->u.object.len - 1], "annotations");
	yajl_tree_free(a);
	yajl_tree_free(b);
	free(out);
	free(text);
}

static void numbers_keep_text(void **state)
{
	static const char in[] =
	    "{\"a\":[1.0,1e3,-0,18446744073709551615,1e999,-1.5E-7,0,12345678901234567890123]}";
	yajl_val v;
	yajl_val *n;
	(void)state;

	v = parse(in);
	assert_compact(v, in);
	n = pal_json_get(v, "a")->u.array.values;
	/* the conversions yajl's tree never filled in correctly */
	assert_true(YAJL_IS_INTEGER(n[6]));
	assert_int_equal(YAJL_GET_INTEGER(n[6]), 0);
	assert_false(YAJL_IS_INTEGER(n[0]));
	assert_true(YAJL_IS_DOUBLE(n[0]));
	assert_false(YAJL_IS_INTEGER(n[3])); /* past long long */
	assert_true(YAJL_IS_DOUBLE(n[3]));
	assert_false(YAJL_IS_DOUBLE(n[4])); /* out of range */
	yajl_tree_free(v);
}

static void pretty_layout(void **state)
{
	yajl_val v;
	char *out;
	(void)state;

	v = parse("{\"a\":{},\"b\":[],\"c\":[1,\"x\"],\"d\":{\"e\":null,\"f\":true}}");
	out = serialize(v, true);
	assert_string_equal(out, "{\n"
	                         "\t\"a\": {},\n"
	                         "\t\"b\": [],\n"
	                         "\t\"c\": [\n"
	                         "\t\t1,\n"
	                         "\t\t\"x\"\n"
	                         "\t],\n"
	                         "\t\"d\": {\n"
	                         "\t\t\"e\": null,\n"
	                         "\t\t\"f\": true\n"
	                         "\t}\n"
	                         "}\n");
	free(out);
	yajl_tree_free(v);

	v = parse("{}");
	out = serialize(v, true);
	assert_string_equal(out, "{}\n");
	free(out);
	assert_compact(v, "{}");
	yajl_tree_free(v);
}

static void escapes(void **state)
{
	yajl_val v, w;
	char *out;
	(void)state;

	v = parse("{\"s\":\"q\\\" b\\\\ s\\/ n\\n t\\t c\\u0001 e\\u00e9 p\\ud83d\\ude00\"}");
	assert_string_equal(YAJL_GET_STRING(pal_json_get(v, "s")),
	                    "q\" b\\ s/ n\n t\t c\x01 e\xc3\xa9 p\xf0\x9f\x98\x80");
	out = serialize(v, false);
	w = parse(out);
	assert_true(pal_json_equal(v, w));
	free(out);
	yajl_tree_free(v);
	yajl_tree_free(w);
}

/* ------------------------------------------------------------ rejections */

static void duplicate_keys(void **state)
{
	yajl_val v;
	(void)state;

	parse_fails("{\"process\": 1, \"process\": 2}", "t.json:1:16: duplicate key \"process\"");
	parse_fails("{\n\t\"a\": {\"b\": [\n\t\t{\"c\": 1, \"d\": 2, \"c\": 3}]}}",
	            "t.json:3:20: duplicate key \"c\"");
	/* the same key once escaped, once not */
	parse_fails("{\"a\": 1, \"\\u0061\": 2}", "t.json:1:10: duplicate key \"a\"");
	/* the first duplicate in the text is reported, not the first sorted */
	parse_fails("{\"z\": 1, \"a\": 1, \"z\": 2, \"a\": 2}", "t.json:1:18: duplicate key \"z\"");
	parse_fails("{\"a\": 1, \"z\": 1, \"a\": 2, \"z\": 2}", "t.json:1:18: duplicate key \"a\"");
	parse_fails("{\"a\": 1, \"a\": 2, \"a\": 3}", "t.json:1:10: duplicate key \"a\"");
	/* quotes and control characters are escaped in the message */
	parse_fails("{\"q\\\"\\n\": 1, \"q\\\"\\n\": 2}",
	            "t.json:1:14: duplicate key \"q\\\"\\x0a\"");
	/* the same key in different objects is fine */
	v = parse("{\"a\": {\"x\": 1}, \"b\": {\"x\": 1}, \"x\": [{\"x\": 1}, {\"x\": 2}]}");
	yajl_tree_free(v);
}

/* {"a":[[...]]}: N containers in all. */
static char *nested_arrays(size_t n)
{
	char *s = malloc(5 + 2 * (n - 1) + 2);

	assert_non_null(s);
	memcpy(s, "{\"a\":", 5);
	memset(s + 5, '[', n - 1);
	memset(s + 5 + (n - 1), ']', n - 1);
	memcpy(s + 5 + 2 * (n - 1), "}", 2);
	return s;
}

/* {"a":{"a":...1}}: N objects. */
static char *nested_objects(size_t n)
{
	char *s = malloc(5 * n + 1 + n + 1);

	assert_non_null(s);
	for (size_t i = 0; i < n; i++)
		memcpy(s + 5 * i, "{\"a\":", 5);
	s[5 * n] = '1';
	memset(s + 5 * n + 1, '}', n);
	s[5 * n + 1 + n] = '\0';
	return s;
}

static void depth(void **state)
{
	char *s, want[128];
	yajl_val v;
	(void)state;

	s = nested_arrays(PAL_JSON_MAX_DEPTH);
	v = parse(s);
	free(s);
	/* the deepest tree we accept can be written out again */
	s = serialize(v, true);
	free(s);
	yajl_tree_free(v);

	s = nested_arrays(PAL_JSON_MAX_DEPTH + 1);
	/* the 65th container opens at byte 5 + 63 */
	snprintf(want, sizeof(want), "t.json:1:%d: nesting deeper than %d", 5 + 63 + 1,
	         PAL_JSON_MAX_DEPTH);
	parse_fails(s, want);
	free(s);

	s = nested_objects(PAL_JSON_MAX_DEPTH);
	v = parse(s);
	yajl_tree_free(v);
	free(s);
	s = nested_objects(PAL_JSON_MAX_DEPTH + 1);
	snprintf(want, sizeof(want), "t.json:1:%d: nesting deeper than %d", 5 * 64 + 1,
	         PAL_JSON_MAX_DEPTH);
	parse_fails(s, want);
	free(s);
}

/* A million '[' is refused at the 65th, without deep recursion. */
static void huge_nesting(void **state)
{
	size_t n = 1000000;
	char *s = malloc(n + 6);
	(void)state;

	assert_non_null(s);
	memcpy(s, "{\"a\":", 5);
	memset(s + 5, '[', n);
	parse_fails_len(s, n + 5, "t.json:1:69: nesting deeper than 64");
	/* and without the object around it, at the first byte */
	parse_fails_len(s + 5, n, "t.json:1:1: top level is not an object");
	free(s);
}

static void invalid_utf8(void **state)
{
	static const struct {
		const char *text;
		const char *why;
	} cases[] = {
	    {"{\"a\": \"\xc0\x80\"}", "overlong NUL"},
	    {"{\"a\": \"\xe0\x80\xaf\"}", "overlong '/'"},
	    {"{\"a\": \"\xf0\x82\x82\xac\"}", "overlong euro sign"},
	    {"{\"a\": \"\x80\"}", "lone continuation byte"},
	    {"{\"a\": \"x\xbfy\"}", "continuation byte mid-string"},
	    {"{\"a\": \"\xed\xa0\x80\"}", "UTF-8 encoded high surrogate"},
	    {"{\"a\": \"\xed\xbf\xbf\"}", "UTF-8 encoded low surrogate"},
	    {"{\"a\": \"\xe2\x82\"}", "truncated sequence"},
	    {"{\"a\": \"\xf4\x90\x80\x80\"}", "past U+10FFFF"},
	    {"{\"a\": \"\xff\"}", "0xff"},
	    {"{\"\xed\xa0\x80\": 1}", "surrogate in a key"},
	    {"{\"\xc1\xbf\": 1}", "overlong key"},
	};
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		pal_error err = {0};
		yajl_val v = NULL;
		const char *t = cases[i].text;
		if (pal_json_parse(t, strlen(t), "t.json", &v, &err) == 0)
			fail_msg("accepted %s", cases[i].why);
		if (!strstr(err.msg, ": invalid UTF-8 in string"))
			fail_msg("%s: got \"%s\"", cases[i].why, err.msg);
		assert_null(v);
	}
	/* at the string's opening quote, whether yajl or we found it */
	parse_fails("{\"a\": \"\xed\xa0\x80\"}", "t.json:1:7: invalid UTF-8 in string");
	parse_fails("{\"a\": \"\x80\"}", "t.json:1:7: invalid UTF-8 in string");
	parse_fails("{\"a\": 1,\n \"\xe2\x82\": 1}", "t.json:2:2: invalid UTF-8 in string");
	/* valid: 2-, 3- and 4-byte forms at their boundaries */
	yajl_tree_free(parse("{\"a\": \"\xc2\x80\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf\xf0\x90\x80\x80"
	                     "\xf4\x8f\xbf\xbf\xee\x80\x80\"}"));
}

static void unpaired_surrogates(void **state)
{
	(void)state;
	/* yajl would turn these into '?' or into invalid UTF-8 */
	parse_fails("{\"a\": \"\\ud800\"}", "t.json:1:7: unpaired surrogate in \\u escape");
	parse_fails("{\"a\": \"x\\uDBFFy\"}", "t.json:1:7: unpaired surrogate in \\u escape");
	parse_fails("{\"a\": \"\\udc00\"}", "t.json:1:7: unpaired surrogate in \\u escape");
	parse_fails("{\"a\": \"\\ud800\\u0041\"}", "t.json:1:7: unpaired surrogate in \\u escape");
	parse_fails("{\"a\": \"\\ud800\\n\"}", "t.json:1:7: unpaired surrogate in \\u escape");
	parse_fails("{\"\\ude00\": 1}", "t.json:1:2: unpaired surrogate in \\u escape");
	/* an escaped backslash before "u" is not an escape */
	yajl_tree_free(parse("{\"a\": \"\\\\ud800\"}"));
	yajl_tree_free(parse("{\"a\": \"\\uD83D\\uDE00\", \"b\\\"\": \"\\\\\"}"));
}

static void nul_bytes(void **state)
{
	(void)state;
	parse_fails("{\"a\": \"x\\u0000y\"}", "t.json:1:7: string contains a NUL byte");
	parse_fails("{\"k\\u0000\": 1}", "t.json:1:2: string contains a NUL byte");
	/* a raw NUL is a control character, which JSON does not allow */
	parse_fails_len("{\"a\": \"x\0y\"}", 12,
	                "t.json:1:9: lexical error: invalid character inside string");
}

static void top_level(void **state)
{
	(void)state;
	parse_fails("[]", "t.json:1:1: top level is not an object");
	parse_fails("  \"s\"", "t.json:1:3: top level is not an object");
	parse_fails("\n1", "t.json:2:1: top level is not an object");
	parse_fails("null", "t.json:1:1: top level is not an object");
	parse_fails("true", "t.json:1:1: top level is not an object");
}

static void trailing_garbage(void **state)
{
	(void)state;
	parse_fails("{} x", "t.json:1:4: parse error: trailing garbage");
	parse_fails("{}{}", "t.json:1:3: parse error: trailing garbage");
	parse_fails("{}\n{\"a\":1}", "t.json:2:1: parse error: trailing garbage");
	parse_fails_len("{}\0", 3, "t.json:1:3: parse error: trailing garbage");
	yajl_tree_free(parse(" {} \n\t\r\n"));
}

static void syntax_errors(void **state)
{
	(void)state;
	parse_fails("", "t.json:1:1: empty document");
	parse_fails(" \n\t", "t.json:2:2: empty document");
	parse_fails("{\"a\":", "t.json:1:6: parse error: premature EOF");
	parse_fails("{\"a\": 1,\n \"b\": 2,\n}",
	            "t.json:3:1: parse error: invalid object key (must be a string)");
	parse_fails("{\"a\": tru}", "t.json:1:10: lexical error: invalid string in json text");
	parse_fails("{\"a\": 1 /* c */}", "t.json:1:9: lexical error: probable comment found in "
	                                  "input text, comments are not enabled");
	/* no verbose multi-line dump */
	{
		pal_error err = {0};
		yajl_val v = NULL;
		assert_int_equal(pal_json_parse("{\n\"a\" 1}", 8, "t.json", &v, &err), -1);
		assert_null(strchr(err.msg, '\n'));
	}
}

static void comments_when_asked(void **state)
{
	static const char text[] = "// head\n{/* \"\\ud800\" */ \"a\": /* \"x */ \"\\\\\", # \n"
	                           "\"b\": 1 // tail\n}";
	pal_error err = {0};
	yajl_val v = NULL;
	(void)state;

	/* '#' is not a comment: make sure the error is about it */
	assert_int_equal(
	    pal_json_parse_opts(text, strlen(text), "c.conf", PAL_JSON_COMMENTS, &v, &err), -1);
	assert_non_null(strstr(err.msg, "c.conf:2:"));
	{
		static const char ok[] = "// head\n{/* \"\\ud800\" */ \"a\": /* \"x */ \"\\\\\",\n"
		                         "\"b\": 1 // tail\n}";
		assert_int_equal(
		    pal_json_parse_opts(ok, strlen(ok), "c.conf", PAL_JSON_COMMENTS, &v, &err), 0);
		assert_string_equal(YAJL_GET_STRING(pal_json_get(v, "a")), "\\");
		yajl_tree_free(v);
		/* and without the flag they are refused */
		v = NULL;
		assert_int_equal(pal_json_parse(ok, strlen(ok), "c.conf", &v, &err), -1);
		assert_null(v);
	}
}

/* 100k keys: must not be quadratic (duplicates are found by sorting). */
static void large_object(void **state)
{
	size_t n = 100000, len = 0;
	char *s = malloc(n * 24 + 16);
	yajl_val v;
	(void)state;

	assert_non_null(s);
	s[len++] = '{';
	for (size_t i = 0; i < n; i++)
		len += (size_t)sprintf(s + len, "%s\"key%zu\":%zu", i ? "," : "", i, i);
	s[len++] = '}';
	v = parse_len(s, len);
	assert_int_equal(v->u.object.len, n);
	assert_string_equal(v->u.object.keys[n - 1], "key99999");
	yajl_tree_free(v);

	/* a duplicate of the first key at the very end */
	len--;
	len += (size_t)sprintf(s + len, ",\"key0\":0}");
	{
		pal_error err = {0};
		v = NULL;
		assert_int_equal(pal_json_parse(s, len, "t.json", &v, &err), -1);
		assert_non_null(strstr(err.msg, ": duplicate key \"key0\""));
	}
	free(s);
}

/* ------------------------------------------------------------ editing */

static void equal_semantics(void **state)
{
	yajl_val a, b;
	(void)state;

	/* numbers compare by their text: 1 and 1.0 are different documents */
	a = parse("{\"n\": 1}");
	b = parse("{\"n\": 1.0}");
	assert_false(pal_json_equal(a, b));
	yajl_tree_free(b);
	b = parse("{ \"n\" :1 }");
	assert_true(pal_json_equal(a, b));
	yajl_tree_free(a);
	yajl_tree_free(b);
	/* members compare by position */
	a = parse("{\"x\": 1, \"y\": 2}");
	b = parse("{\"y\": 2, \"x\": 1}");
	assert_false(pal_json_equal(a, b));
	yajl_tree_free(b);
	b = parse("{\"x\": 1, \"z\": 2}");
	assert_false(pal_json_equal(a, b));
	yajl_tree_free(b);
	b = parse("{\"x\": 1, \"y\": \"2\"}");
	assert_false(pal_json_equal(a, b));
	yajl_tree_free(b);
	b = parse("{\"x\": 1}");
	assert_false(pal_json_equal(a, b));
	assert_false(pal_json_equal(a, NULL));
	assert_true(pal_json_equal(NULL, NULL));
	yajl_tree_free(a);
	yajl_tree_free(b);
	a = parse("{\"a\": [true, false, null, \"s\"]}");
	b = parse("{\"a\": [true, false, null]}");
	assert_false(pal_json_equal(a, b));
	yajl_tree_free(b);
	b = parse("{\"a\": [true, true, null, \"s\"]}");
	assert_false(pal_json_equal(a, b));
	yajl_tree_free(b);
	b = parse("{\"a\": [true, false, null, \"s\"]}");
	assert_true(pal_json_equal(a, b));
	yajl_tree_free(a);
	yajl_tree_free(b);
}

static void get_paths(void **state)
{
	yajl_val v;
	(void)state;

	v = parse("{\"a\": {\"b\": {\"c\": 3}}, \"s\": \"x\"}");
	assert_string_equal(YAJL_GET_NUMBER(pal_json_getp(v, "a", "b", "c", NULL)), "3");
	assert_null(pal_json_getp(v, "a", "x", "c", NULL));
	assert_null(pal_json_getp(v, "s", "c", NULL)); /* through a string */
	assert_ptr_equal(pal_json_getp(v, NULL), v);
	assert_null(pal_json_get(pal_json_get(v, "s"), "x"));
	assert_null(pal_json_get(NULL, "x"));
	assert_null(pal_json_get(v, NULL));
	yajl_tree_free(v);
}

static void set_semantics(void **state)
{
	pal_error err = {0};
	yajl_val v;
	(void)state;

	v = parse("{\"a\": 1, \"b\": 2, \"c\": 3}");
	/* a replaced member keeps its place */
	assert_int_equal(pal_json_set(v, "b", pal_json_new_string("two"), &err), 0);
	/* a new one goes last */
	assert_int_equal(pal_json_set(v, "d", pal_json_new_bool(true), &err), 0);
	assert_int_equal(pal_json_set(v, "e", pal_json_new_number("-1.50e+2"), &err), 0);
	assert_int_equal(pal_json_set(v, "f", pal_json_new_array(), &err), 0);
	assert_compact(v, "{\"a\":1,\"b\":\"two\",\"c\":3,\"d\":true,\"e\":-1.50e+2,\"f\":[]}");

	/* ownership passes also on failure (ASan would see a leak) */
	assert_int_equal(pal_json_set(pal_json_get(v, "a"), "x", pal_json_new_string("y"), &err),
	                 -1);
	assert_string_equal(err.msg, "json: cannot set \"x\" in a number");
	assert_int_equal(pal_json_set(NULL, "x", pal_json_new_object(), &err), -1);
	assert_int_equal(pal_json_set(v, NULL, pal_json_new_object(), &err), -1);
	/* a constructor's NULL (out of memory) passed straight in */
	assert_int_equal(pal_json_set(v, "g", NULL, &err), -1);
	assert_int_equal(err.errnum, ENOMEM);
	assert_null(pal_json_get(v, "g"));
	yajl_tree_free(v);

	/* many members: growth keeps everything */
	v = pal_json_new_object();
	assert_non_null(v);
	for (int i = 0; i < 1000; i++) {
		char key[16];
		snprintf(key, sizeof(key), "k%d", i);
		assert_int_equal(pal_json_set(v, key, pal_json_new_bool(i % 2), &err), 0);
	}
	assert_int_equal(v->u.object.len, 1000);
	assert_true(YAJL_IS_TRUE(pal_json_get(v, "k999")));
	assert_true(YAJL_IS_FALSE(pal_json_get(v, "k0")));
	yajl_tree_free(v);
}

static void remove_semantics(void **state)
{
	yajl_val v;
	(void)state;

	v = parse("{\"a\": 1, \"b\": {\"x\": [1]}, \"c\": 3}");
	assert_int_equal(pal_json_remove(v, "b"), 1);
	assert_int_equal(pal_json_remove(v, "b"), 0);
	assert_int_equal(pal_json_remove(v, "zz"), 0);
	assert_int_equal(pal_json_remove(pal_json_get(v, "a"), "a"), 0);
	assert_compact(v, "{\"a\":1,\"c\":3}");
	assert_int_equal(pal_json_remove(v, "c"), 1);
	assert_int_equal(pal_json_remove(v, "a"), 1);
	assert_compact(v, "{}");
	yajl_tree_free(v);
}

static void array_semantics(void **state)
{
	pal_error err = {0};
	yajl_val v, a;
	(void)state;

	v = parse("{\"a\": [1, 2, 3]}");
	a = pal_json_get(v, "a");
	assert_int_equal(pal_json_append(a, pal_json_new_string("4"), &err), 0);
	pal_json_array_remove(a, 1);
	pal_json_array_remove(a, 99); /* out of range: nothing */
	pal_json_array_remove(v, 0);  /* not an array: nothing */
	assert_compact(v, "{\"a\":[1,3,\"4\"]}");
	pal_json_array_remove(a, 2);
	pal_json_array_remove(a, 0);
	pal_json_array_remove(a, 0);
	assert_compact(v, "{\"a\":[]}");
	assert_int_equal(pal_json_append(v, pal_json_new_bool(false), &err), -1);
	assert_string_equal(err.msg, "json: cannot append to an object");
	assert_int_equal(pal_json_append(a, NULL, &err), -1);
	assert_int_equal(err.errnum, ENOMEM);
	for (int i = 0; i < 1000; i++)
		assert_int_equal(pal_json_append(a, pal_json_new_number("7"), &err), 0);
	assert_int_equal(a->u.array.len, 1000);
	yajl_tree_free(v);
}

static void dup_semantics(void **state)
{
	pal_error err = {0};
	yajl_val v, c;
	(void)state;

	v = parse("{\"a\": {\"b\": [1.0, \"s\", null, true, false, {}, []]}, \"n\": "
	          "18446744073709551615}");
	c = pal_json_dup(v);
	assert_non_null(c);
	assert_true(pal_json_equal(v, c));
	assert_ptr_not_equal(pal_json_get(v, "a"), pal_json_get(c, "a"));
	/* numbers keep their conversions too */
	assert_int_equal(pal_json_get(c, "n")->u.number.flags,
	                 pal_json_get(v, "n")->u.number.flags);
	/* independent */
	assert_int_equal(pal_json_set(pal_json_get(c, "a"), "new", pal_json_new_object(), &err), 0);
	assert_false(pal_json_equal(v, c));
	assert_null(pal_json_getp(v, "a", "new", NULL));
	assert_null(pal_json_dup(NULL));
	yajl_tree_free(v);
	yajl_tree_free(c);
}

static void ensure_object_semantics(void **state)
{
	pal_error err = {0};
	yajl_val v, o, o2;
	(void)state;

	v = parse("{\"annotations\": {\"x\": \"y\"}, \"s\": \"str\"}");
	o = pal_json_ensure_object(v, "annotations", &err);
	assert_ptr_equal(o, pal_json_get(v, "annotations"));
	o = pal_json_ensure_object(v, "linux", &err);
	assert_non_null(o);
	o2 = pal_json_ensure_object(o, "sysctl", &err);
	assert_non_null(o2);
	assert_ptr_equal(pal_json_getp(v, "linux", "sysctl", NULL), o2);
	/* a non-object is an error, and left alone */
	assert_null(pal_json_ensure_object(v, "s", &err));
	assert_string_equal(err.msg, "\"s\" is a string, not an object");
	assert_string_equal(YAJL_GET_STRING(pal_json_get(v, "s")), "str");
	assert_null(pal_json_ensure_object(pal_json_get(v, "s"), "x", &err));
	assert_compact(v,
	               "{\"annotations\":{\"x\":\"y\"},\"s\":\"str\",\"linux\":{\"sysctl\":{}}}");
	yajl_tree_free(v);
}

static void constructors(void **state)
{
	static const char *const good[] = {
	    "0", "-0", "1.5", "1e3", "1E+3", "-2.5e-10", "18446744073709551615"};
	static const char *const bad[] = {"",   "-",    "01", "1.",  ".5",       "1e",
	                                  "+1", "0x10", "1 ", "NaN", "Infinity", "1e+"};
	yajl_val v;
	(void)state;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		v = pal_json_new_number(good[i]);
		assert_non_null(v);
		assert_string_equal(YAJL_GET_NUMBER(v), good[i]);
		yajl_tree_free(v);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		if (pal_json_new_number(bad[i]))
			fail_msg("accepted number \"%s\"", bad[i]);
		assert_int_equal(errno, EINVAL);
	}
	assert_null(pal_json_new_number(NULL));
	assert_null(pal_json_new_string(NULL));
	v = pal_json_new_number("42");
	assert_true(YAJL_IS_INTEGER(v));
	assert_int_equal(YAJL_GET_INTEGER(v), 42);
	yajl_tree_free(v);
}

static void serialize_rejects(void **state)
{
	pal_error err = {0};
	char *out = NULL;
	yajl_val v;
	(void)state;

	/* strings are checked on the way out too */
	v = pal_json_new_object();
	assert_int_equal(pal_json_set(v, "bad", pal_json_new_string("\xed\xa0\x80"), &err), 0);
	assert_int_equal(pal_json_serialize(v, true, &out, NULL, &err), -1);
	assert_string_equal(err.msg, "json: member \"bad\": invalid UTF-8 in string");
	assert_null(out);
	yajl_tree_free(v);

	v = pal_json_new_object();
	assert_int_equal(pal_json_set(v, "\xc0\x80", pal_json_new_bool(true), &err), 0);
	assert_int_equal(pal_json_serialize(v, false, &out, NULL, &err), -1);
	assert_string_equal(err.msg, "json: invalid UTF-8 in string");
	yajl_tree_free(v);

	/* a number's text is written verbatim, so it must be valid */
	v = parse("{\"n\": 1}");
	free(pal_json_get(v, "n")->u.number.r);
	pal_json_get(v, "n")->u.number.r = strdup("1,2");
	assert_int_equal(pal_json_serialize(v, false, &out, NULL, &err), -1);
	assert_string_equal(err.msg, "json: invalid number \"1,2\"");
	yajl_tree_free(v);

	assert_int_equal(pal_json_serialize(NULL, false, &out, NULL, &err), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(roundtrip_fixtures),  cmocka_unit_test(runc_layout),
	    cmocka_unit_test(unknown_fields_kept), cmocka_unit_test(numbers_keep_text),
	    cmocka_unit_test(pretty_layout),       cmocka_unit_test(escapes),
	    cmocka_unit_test(duplicate_keys),      cmocka_unit_test(depth),
	    cmocka_unit_test(huge_nesting),        cmocka_unit_test(invalid_utf8),
	    cmocka_unit_test(unpaired_surrogates), cmocka_unit_test(nul_bytes),
	    cmocka_unit_test(top_level),           cmocka_unit_test(trailing_garbage),
	    cmocka_unit_test(syntax_errors),       cmocka_unit_test(comments_when_asked),
	    cmocka_unit_test(large_object),        cmocka_unit_test(equal_semantics),
	    cmocka_unit_test(get_paths),           cmocka_unit_test(set_semantics),
	    cmocka_unit_test(remove_semantics),    cmocka_unit_test(array_semantics),
	    cmocka_unit_test(dup_semantics),       cmocka_unit_test(ensure_object_semantics),
	    cmocka_unit_test(constructors),        cmocka_unit_test(serialize_rejects),
	};
	return cmocka_run_group_tests_name("json", tests, NULL, NULL);
}
