/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Placeholder until the profile loader lands (issue 3). */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "palisade/json.h"
#include "palisade/profile.h"

const char *pal_mode_name(enum pal_mode m)
{
	return m == PAL_MODE_AUDIT ? "audit" : "enforce";
}

int pal_mode_parse(const char *s, enum pal_mode *m)
{
	if (!strcmp(s, "enforce"))
		*m = PAL_MODE_ENFORCE;
	else if (!strcmp(s, "audit"))
		*m = PAL_MODE_AUDIT;
	else
		return -1;
	return 0;
}

yajl_val pal_profile_get(const struct pal_profile *p, const char *section, const char *key)
{
	yajl_val s = pal_json_get(p->tree, section);
	return key ? pal_json_get(s, key) : s;
}

bool pal_profile_bool(const struct pal_profile *p, const char *section, const char *key,
		      bool dflt)
{
	yajl_val v = pal_profile_get(p, section, key);
	return YAJL_IS_TRUE(v) ? true : YAJL_IS_FALSE(v) ? false : dflt;
}
