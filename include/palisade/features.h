/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `features`: the backend's JSON with Palisade's additions.  containerd reads
 * it to decide, among others, user-namespace and recursive read-only mount
 * support, so everything the backend says is kept; Palisade adds its
 * annotations to potentiallyUnsafeConfigAnnotations (entries ending in "."
 * are prefixes, runtime-spec features.md) and its own version.
 */
#ifndef PALISADE_FEATURES_H
#define PALISADE_FEATURES_H

#include <yajl/yajl_tree.h>

#include "palisade/error.h"

int pal_features_merge(yajl_val features, pal_error *err);

#endif
