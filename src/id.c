/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * runc 1.1.5's validateID (libcontainer/factory_linux.go):
 *
 *     idRegex.MatchString(id) && "/"+id == utils.CleanPath("/"+id)
 *
 * with idRegex = ^[\w+-\.]+$.  In that character class "+-\." is a RANGE,
 * '+' (0x2b) to '.' (0x2e), so it admits ',' too: "runc state a,b" says
 * "container does not exist", not "invalid container ID format" (verified
 * against /usr/sbin/runc 1.1.5).  \w is ASCII only in Go, so any byte >= 0x80
 * is refused ("runc state é": invalid).  Without '/', the CleanPath test only
 * refuses "." and ".."; "..." and "a..b" pass (verified).  runc checks for
 * the empty id before validateID, with its own message.
 */
#include "config.h"

#include <stdbool.h>
#include <string.h>

#include "palisade/id.h"

static bool id_byte_ok(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || (c >= '+' && c <= '.');
}

/* At most 64 bytes of ID, made printable: a rejected id is printed, and it
 * may hold escape sequences meant for the operator's terminal.  A fixed
 * buffer, because reporting an error must not need an allocation. */
static const char *id_escape(char out[static 64 * 4 + 4], const char *id)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0, i;

	for (i = 0; id[i] && i < 64; i++) {
		unsigned char c = (unsigned char)id[i];

		if (c >= 0x20 && c < 0x7f && c != '\\' && c != '"') {
			out[o++] = (char)c;
		} else if (c == '\\' || c == '"') {
			out[o++] = '\\';
			out[o++] = (char)c;
		} else {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 0xf];
		}
	}
	if (id[i]) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
	return out;
}

int pal_id_validate(const char *id, pal_error *err)
{
	char buf[64 * 4 + 4];
	size_t len;

	if (!id || !*id)
		return pal_err(err, 0, "container id cannot be empty");
	len = strnlen(id, PAL_ID_MAX + 1);
	if (len > PAL_ID_MAX)
		return pal_err(err, 0,
		               "invalid container ID format: \"%s\" is longer than %d bytes",
		               id_escape(buf, id), PAL_ID_MAX);
	for (size_t i = 0; i < len; i++)
		if (!id_byte_ok((unsigned char)id[i]))
			return pal_err(err, 0, "invalid container ID format: \"%s\"",
			               id_escape(buf, id));
	if (!strcmp(id, ".") || !strcmp(id, ".."))
		return pal_err(err, 0, "invalid container ID format: \"%s\"", id_escape(buf, id));
	return 0;
}
