/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Rule "sysctls": with "sysctls": {"allow": [...], "allowPrefixes": [...]}
 * in the profile, every linux.sysctl entry whose key is neither allowed nor
 * under an allowed prefix is removed (and noted).  Values are not looked
 * at.  A section without "allow" or "allowPrefixes" allows none of them.
 *
 * Why: the runtime writes linux.sysctl into /proc/sys as root, inside the
 * container's namespaces but before the container's own restrictions apply.
 * Only some sysctls are per-namespace (net.*, a few kernel.shm*, kernel.msg*,
 * kernel.sem, fs.mqueue.*); the rest are host-wide, and kernel.core_pattern
 * names a program the host kernel runs as root on every crash.  Kubernetes
 * splits sysctls into a "safe" set (allowed by the Pod Security Standards,
 * baseline level) and "unsafe" ones a node must opt in to; the profile says
 * which are acceptable.
 *
 * Keys: the kernel's /proc/sys path uses '/', sysctl(8) and the runtime-spec
 * use '.', and runc turns every '.' into '/' (so "net/ipv4/ip_forward" and
 * "net.ipv4.ip_forward" name the same file).  Keys are therefore compared
 * component by component with both characters as separators.  A key with an
 * empty component ("net..ipv4", a leading or trailing separator) is removed
 * as malformed: with "/" separators it could also spell "." and "..", and
 * "net/ipv4/conf/../../../kernel/core_pattern" must not pass as being under
 * "net.ipv4.conf.".
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "palisade/cleanup.h"
#include "palisade/json.h"
#include "palisade/rewrite.h"
#include "palisade/util.h"

#define RULE "sysctls"

static bool is_sep(char c)
{
	return c == '.' || c == '/';
}

/* KEY with every separator written '.', or NULL (errno EINVAL) when a
 * component is empty.  A PREFIX may end with one separator, dropped. */
static char *normalise(const char *key, bool prefix)
{
	size_t len = strlen(key);
	char *out;

	if (prefix && len > 1 && is_sep(key[len - 1]))
		len--;
	if (len == 0 || is_sep(key[0]) || is_sep(key[len - 1])) {
		errno = EINVAL;
		return NULL;
	}
	for (size_t i = 1; i < len; i++) {
		if (is_sep(key[i]) && is_sep(key[i - 1])) {
			errno = EINVAL;
			return NULL;
		}
	}
	out = strndup(key, len);
	if (!out)
		return NULL;
	for (char *p = out; *p; p++)
		if (*p == '/')
			*p = '.';
	return out;
}

/* Normalised KEY (see normalise()) is allowed by LIST (PREFIX: as a
 * prefix).  -1 with *ERR on a malformed profile entry. */
static int allowed_by(const struct pal_rewrite_ctx *ctx, const char *key, yajl_val list,
                      bool prefix, pal_error *err)
{
	const char *field = prefix ? "sysctls.allowPrefixes" : "sysctls.allow";

	for (size_t i = 0; list && i < list->u.array.len; i++) {
		const char *entry = list->u.array.values[i]->u.string;
		_cleanup_free_ char *norm = normalise(entry, prefix);
		size_t n;

		if (!norm) {
			if (errno != EINVAL)
				return pal_err(err, errno, "%s", field);
			return pal_err(err, EINVAL,
			               "profile \"%s\": %s: \"%s\" is not a sysctl name%s",
			               ctx->profile->name, field, entry, prefix ? " prefix" : "");
		}
		n = strlen(norm);
		if (!strncmp(key, norm, n) && (key[n] == '\0' || (prefix && key[n] == '.')))
			return 1;
	}
	return 0;
}

static int apply(const struct pal_rewrite_ctx *ctx, yajl_val spec, pal_error *err)
{
	yajl_val section = pal_profile_get(ctx->profile, "sysctls", NULL);
	yajl_val allow, prefixes, lnx, sysctl;
	size_t i = 0;

	if (!section)
		return 0;
	if (!YAJL_IS_OBJECT(section))
		return pal_err(err, EINVAL, "profile \"%s\": sysctls: must be an object",
		               ctx->profile->name);
	allow = pal_json_get(section, "allow");
	prefixes = pal_json_get(section, "allowPrefixes");
	if (allow && !pal_json_is_string_array(allow))
		return pal_err(err, EINVAL,
		               "profile \"%s\": sysctls.allow: must be an array of strings",
		               ctx->profile->name);
	if (prefixes && !pal_json_is_string_array(prefixes))
		return pal_err(err, EINVAL,
		               "profile \"%s\": sysctls.allowPrefixes: must be an array of strings",
		               ctx->profile->name);

	lnx = pal_json_get(spec, "linux");
	if (lnx && !YAJL_IS_OBJECT(lnx))
		return pal_err(err, EINVAL, "config.json: linux: must be an object");
	sysctl = pal_json_get(lnx, "sysctl");
	if (!sysctl)
		return 0;
	if (!YAJL_IS_OBJECT(sysctl))
		return pal_err(err, EINVAL, "config.json: linux.sysctl: must be an object");

	while (i < sysctl->u.object.len) {
		const char *key = sysctl->u.object.keys[i];
		_cleanup_free_ char *norm = NULL, *shown = pal_escape(key, 128);
		int ok = 0;

		if (!shown)
			return pal_err(err, ENOMEM, "config.json: linux.sysctl");
		if (!YAJL_IS_STRING(sysctl->u.object.values[i]))
			return pal_err(err, EINVAL,
			               "config.json: linux.sysctl.%s: must be a string", shown);
		norm = normalise(key, false);
		if (!norm && errno != EINVAL)
			return pal_err(err, errno, "config.json: linux.sysctl");
		if (norm) {
			ok = allowed_by(ctx, norm, allow, false, err);
			if (ok == 0)
				ok = allowed_by(ctx, norm, prefixes, true, err);
			if (ok < 0)
				return -1;
		}
		if (ok) {
			i++;
			continue;
		}
		pal_rule_note(ctx, RULE, "linux.sysctl", "removed %s: %s", shown,
		              norm ? "not allowed by the profile"
		                   : "not a well-formed sysctl name");
		pal_json_remove(sysctl, key);
	}
	return 0;
}

const struct pal_rule pal_rule_sysctls = {
    .name = RULE,
    .apply = apply,
};
