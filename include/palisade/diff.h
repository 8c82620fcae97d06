/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A readable difference between two JSON trees, for `palisade check`: what
 * the rewrite would change in a config.json.
 *
 * Entries, in document order:
 *  - objects are compared member by member, by key (member order is not a
 *    difference): a key only in A is removed, only in B added;
 *  - arrays whose elements are all strings (capabilities, masked paths,
 *    mount options) are compared as multisets: each string that goes is one
 *    REMOVE item, each string that comes one ADD item, the path naming the
 *    array; the same strings in another order are one CHANGE of the array;
 *  - other arrays of the same length are compared element by element
 *    ("mounts[3].options"); of different lengths, elements are matched in
 *    order by equality (a longest common subsequence): unmatched ones are
 *    removed ("mounts[3]", indexed in A) or added (indexed in B), removals
 *    first where the order is free.  When that gives more than
 *    PAL_DIFF_ARRAY_MAX entries, the array is reported as one CHANGE;
 *  - anything else that differs (a scalar, a type) is a CHANGE.
 *
 * Paths: keys joined by ".", indexes as "[N]", keys that are not plain
 * identifiers quoted: annotations["io.palisade.version"].  The whole tree
 * is "(root)".  Values are borrowed from A and B, which must outlive the
 * diff.
 */
#ifndef PALISADE_DIFF_H
#define PALISADE_DIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "palisade/error.h"

#define PAL_DIFF_ARRAY_MAX 8

enum pal_diff_op {
	PAL_DIFF_ADD,
	PAL_DIFF_REMOVE,
	PAL_DIFF_CHANGE,
};

struct pal_diff_entry {
	char *path;
	enum pal_diff_op op;
	bool item;      /* a string of an array of strings; PATH names the array */
	yajl_val old_v; /* in A; NULL for ADD */
	yajl_val new_v; /* in B; NULL for REMOVE */
};

struct pal_diff {
	struct pal_diff_entry *v;
	size_t n;
};

/* D starts zeroed; on failure it is left empty. */
int pal_diff_trees(yajl_val a, yajl_val b, struct pal_diff *d, pal_error *err);

/* One line per entry, items of one array with the same op on one line:
 *   process.capabilities.bounding: - "CAP_NET_RAW", "CAP_SYS_ADMIN"
 *   process.noNewPrivileges: false -> true
 *   linux.seccomp: + added (312 syscalls allowed, default SCMP_ACT_ERRNO)
 *   mounts[7]: - removed {"destination":"/x","type":"bind",...}
 * each line starting with INDENT.  Large values are summarised
 * ("{12 keys}", "[40 items]").  *OUT is malloc'd and NUL-terminated. */
int pal_diff_text(const struct pal_diff *d, const char *indent, char **out, size_t *len,
                  pal_error *err);

/* An array of {"path", "op", "old", "new"} ("old" absent for add, "new"
 * for remove) into an open generator, values in full. */
int pal_diff_gen(const struct pal_diff *d, yajl_gen g, pal_error *err);

/* "add", "remove", "change" */
const char *pal_diff_op_name(enum pal_diff_op op);

void pal_diff_free(struct pal_diff *d);

#endif
