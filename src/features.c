/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "palisade/features.h"
#include "palisade/json.h"
#include "palisade/rewrite.h"

int pal_features_merge(yajl_val features, pal_error *err)
{
	yajl_val unsafe = pal_json_get(features, "potentiallyUnsafeConfigAnnotations");
	yajl_val ann;

	if (!YAJL_IS_OBJECT(features))
		return pal_err(err, EINVAL, "features: the runtime's output is not a JSON object");
	if (!unsafe) {
		if (pal_json_set(features, "potentiallyUnsafeConfigAnnotations", pal_json_new_array(),
				 err) < 0)
			return -1;
		unsafe = pal_json_get(features, "potentiallyUnsafeConfigAnnotations");
	}
	if (!YAJL_IS_ARRAY(unsafe))
		return pal_err(err, EINVAL, "features: potentiallyUnsafeConfigAnnotations: not an array");
	if (!pal_json_array_has_string(unsafe, PAL_ANNOTATION_PREFIX) &&
	    pal_json_append(unsafe, pal_json_new_string(PAL_ANNOTATION_PREFIX), err) < 0)
		return -1;
	ann = pal_json_ensure_object(features, "annotations", err);
	if (!ann)
		return pal_err_prefix(err, "features");
	return pal_json_set(ann, PAL_ANNOTATION_VERSION, pal_json_new_string(PACKAGE_VERSION), err);
}
