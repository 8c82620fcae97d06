/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Placeholder until profile selection lands (issue 3). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "palisade/select.h"

int pal_select_profile(const struct pal_conf *conf, yajl_val spec, const char *override,
		       struct pal_profile *p, enum pal_mode *mode, pal_error *err)
{
	(void)conf;
	(void)spec;
	p->name = strdup(override ? override : "default");
	if (!p->name)
		return pal_err(err, ENOMEM, "profile");
	*mode = PAL_MODE_ENFORCE;
	return 0;
}

void pal_profile_free(struct pal_profile *p)
{
	free(p->name);
	free(p->path);
	if (p->tree)
		yajl_tree_free(p->tree);
	*p = (struct pal_profile){0};
}
