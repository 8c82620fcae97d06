/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Placeholder until `palisade check` lands (issue 3). */
#include "config.h"

#include "palisade/check.h"

int pal_check_main(const struct pal_conf *conf, int argc, char **argv, pal_error *err)
{
	(void)conf;
	(void)argc;
	(void)argv;
	return pal_err(err, 0, "check: not implemented yet");
}
