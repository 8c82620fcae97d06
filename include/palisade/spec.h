/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A bundle's config.json: safe load, lossless edit, atomic write.
 *
 * Load opens the bundle directory once and config.json relative to it,
 * without following symlinks (O_NOFOLLOW), insists on a regular file no
 * larger than PAL_SPEC_MAX_SIZE, and keeps the tree as loaded.
 *
 * Write serialises the edited tree; when it is equal to the original tree
 * nothing is written (a second rewrite of a rewritten bundle is a no-op).
 * Otherwise it writes a temporary file in the bundle directory with the
 * original's mode and owner, fsyncs it, renames it over config.json and
 * fsyncs the directory.  On any failure the temporary file is removed and
 * config.json is untouched; the one exception is a failed fsync of the
 * directory after the rename, reported with *CHANGED set.  The rename is
 * refused when config.json is no longer the file loaded (another inode, or
 * the same one with another size, mtime or ctime).
 */
#ifndef PALISADE_SPEC_H
#define PALISADE_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <yajl/yajl_tree.h>

#include "palisade/error.h"

#define PAL_SPEC_MAX_SIZE (16u << 20) /* 16 MiB; real specs are < 1 MiB */
#define PAL_SPEC_FILE "config.json"

struct pal_spec {
	char *bundle;   /* as given */
	int dirfd;      /* the bundle directory, O_DIRECTORY|O_PATH-free */
	struct stat st; /* of config.json at load */
	yajl_val orig;  /* the tree as loaded: never modified */
	yajl_val root;  /* the tree transforms edit */
};

#define PAL_SPEC_INIT {.bundle = NULL, .dirfd = -1, .orig = NULL, .root = NULL}

/* SPEC starts as PAL_SPEC_INIT; it is left as it was on failure. */
int pal_spec_load(const char *bundle, struct pal_spec *spec, pal_error *err);

/* Write spec->root if it differs from spec->orig.  *CHANGED (may be NULL)
 * tells whether a write happened; once it has, spec->orig is the tree
 * written, so writing again without further edits is a no-op. */
int pal_spec_write(struct pal_spec *spec, bool *changed, pal_error *err);

void pal_spec_free(struct pal_spec *spec);

static inline void pal_spec_freep(struct pal_spec *s)
{
	pal_spec_free(s);
}
#define _cleanup_spec_ __attribute__((cleanup(pal_spec_freep)))

#endif
