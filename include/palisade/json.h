/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Lossless JSON on top of yajl's tree.
 *
 * pal_json_parse() validates strictly before building the tree: UTF-8, nesting
 * depth (the tree code and our generator recurse), no duplicate keys (runc's
 * Go decoder keeps the last one, other readers the first: a bundle must mean
 * one thing to everyone who reads it), no NUL inside strings (yajl's tree holds
 * C strings and would silently truncate), an object at the top.
 *
 * Numbers keep their original text (yajl keeps it in u.number.r) and are
 * re-emitted from it, so 1.0, 1e3 or 18446744073709551615 survive a rewrite.
 * Object key order is kept.  yajl's tree uses malloc/free, so nodes made here
 * are owned by the tree they are inserted into and freed by yajl_tree_free().
 */
#ifndef PALISADE_JSON_H
#define PALISADE_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "palisade/error.h"

#define PAL_JSON_MAX_DEPTH 64

/* Parse BUF (LEN bytes, not necessarily NUL-terminated).  WHAT names the
 * source in errors: "WHAT:LINE:COL: reason". */
int pal_json_parse(const char *buf, size_t len, const char *what, yajl_val *out,
		   pal_error *err);

/* pal_json_parse() with FLAGS.  Added for src/conf.c: palisade.conf is
 * written by hand and may carry comments; specs never do. */
#define PAL_JSON_COMMENTS 0x1u /* allow C and C++ style comments */
int pal_json_parse_opts(const char *buf, size_t len, const char *what, unsigned int flags,
			yajl_val *out, pal_error *err);

/* Serialise V; PRETTY indents with tabs like `runc spec`.  *OUT is
 * NUL-terminated and malloc'd. */
int pal_json_serialize(yajl_val v, bool pretty, char **out, size_t *len,
		       pal_error *err);

/* Emit V into an open generator. */
int pal_json_gen(yajl_val v, yajl_gen g, pal_error *err);

/* Deep equality of the representation: numbers compare by their text
 * ("1" and "1.0" differ) and object members by position, so equal trees
 * serialise to the same bytes. */
bool pal_json_equal(yajl_val a, yajl_val b);

/* Member KEY of object OBJ, NULL if OBJ is not an object or has no KEY. */
yajl_val pal_json_get(yajl_val obj, const char *key);

/* Follow a path of keys; NULL at the first missing one.  Last arg NULL. */
yajl_val pal_json_getp(yajl_val obj, ...) __attribute__((sentinel));

/* New nodes (NULL on ENOMEM). */
yajl_val pal_json_new_string(const char *s);
yajl_val pal_json_new_bool(bool b);
yajl_val pal_json_new_object(void);
yajl_val pal_json_new_array(void);
/* A number from its text, which must be a valid JSON number (else NULL,
 * errno EINVAL). */
yajl_val pal_json_new_number(const char *text);

/* Insert or replace OBJ[KEY] = V.  Takes ownership of V, also on failure.
 * A replaced member keeps its position. */
int pal_json_set(yajl_val obj, const char *key, yajl_val v, pal_error *err);

/* Remove OBJ[KEY]; returns 1 if removed, 0 if absent. */
int pal_json_remove(yajl_val obj, const char *key);

/* Append V to ARR; takes ownership of V, also on failure. */
int pal_json_append(yajl_val arr, yajl_val v, pal_error *err);

/* Remove element I of ARR (frees it). */
void pal_json_array_remove(yajl_val arr, size_t i);

/* V as an unsigned 64-bit integer written in plain digits (no sign,
 * fraction or exponent), as Go's decoder reads a uint64 field; yajl's own
 * integer is a signed long long, so the number's text is parsed. */
bool pal_json_u64(yajl_val v, uint64_t *out);

/* V is an array whose every element is a string. */
bool pal_json_is_string_array(yajl_val v);

/* ARR is an array holding the string S (other elements ignored). */
bool pal_json_array_has_string(yajl_val arr, const char *s);

/* Deep copy (NULL on ENOMEM). */
yajl_val pal_json_dup(yajl_val v);

/* OBJ[KEY] if it is an object, else a new empty object inserted there
 * (a non-object value there is an error, not silently replaced). */
yajl_val pal_json_ensure_object(yajl_val obj, const char *key, pal_error *err);

#endif
