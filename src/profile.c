/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Profile loader: find NAME.json in the configured directories, parse it
 * (comments allowed: profiles are written by hand), validate it against the
 * schema in profile.h and resolve "extends".
 *
 * Validation is strict on purpose.  A profile is a security policy: a
 * misspelt key ("capabilitys"), a capability libcap does not know or a
 * syscall libseccomp cannot resolve would otherwise be silently ignored and
 * the container would run with less protection than its author believes.
 * So every key must be known, every value of the right type, and every error
 * names the file, line and column.
 *
 * Profiles are searched in the configured order and the first NAME.json
 * wins, so an administrator's /etc/palisade/profiles/NAME.json shadows the
 * shipped one.  A file that exists but cannot be read is an error, never a
 * reason to fall through to the next directory: silently loading a weaker
 * shipped profile instead of the administrator's would invert the policy.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <seccomp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/capability.h>

#include "palisade/bpf_policy.h"
#include "palisade/cleanup.h"
#include "palisade/json.h"
#include "palisade/json_locate.h"
#include "palisade/profile.h"
#include "palisade/seccomp_filter.h"
#include "palisade/util.h"

#ifndef PAL_DATADIR
#error "PAL_DATADIR must be defined (Makefile.am passes $(pkgdatadir))"
#endif

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

bool pal_profile_bool(const struct pal_profile *p, const char *section, const char *key, bool dflt)
{
	yajl_val v = pal_profile_get(p, section, key);
	return YAJL_IS_TRUE(v) ? true : YAJL_IS_FALSE(v) ? false : dflt;
}

void pal_profile_free(struct pal_profile *p)
{
	free(p->name);
	free(p->path);
	if (p->tree)
		yajl_tree_free(p->tree);
	*p = (struct pal_profile){0};
}

/* ------------------------------------------------------------ names */

static bool is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool pal_profile_name_valid(const char *name)
{
	size_t n;

	if (!name || !is_alnum(name[0]))
		return false;
	for (n = 0; name[n]; n++)
		if (!is_alnum(name[n]) && name[n] != '.' && name[n] != '_' && name[n] != '-')
			return false;
	/* no "..": the name becomes a file name, and ".." reads as a path */
	return n <= PAL_PROFILE_NAME_MAX && !strstr(name, "..");
}

bool pal_profile_path_valid(const char *path)
{
	const char *c;

	if (!path || path[0] != '/' || strlen(path) >= PATH_MAX)
		return false;
	if (!path[1])
		return true;
	/* every component between slashes: not empty (no "//", no trailing
	 * slash), not "." or ".." */
	for (c = path + 1;;) {
		const char *end = strchr(c, '/');
		size_t n = end ? (size_t)(end - c) : strlen(c);

		if (n == 0 || (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
			return false;
		if (!end)
			return true;
		c = end + 1;
	}
}

static const struct {
	const char *name;
	int value;
} errnos[] = {
    {"EPERM", EPERM},
    {"ENOENT", ENOENT},
    {"ESRCH", ESRCH},
    {"EINTR", EINTR},
    {"EIO", EIO},
    {"ENXIO", ENXIO},
    {"E2BIG", E2BIG},
    {"ENOEXEC", ENOEXEC},
    {"EBADF", EBADF},
    {"ECHILD", ECHILD},
    {"EAGAIN", EAGAIN},
    {"ENOMEM", ENOMEM},
    {"EACCES", EACCES},
    {"EFAULT", EFAULT},
    {"EBUSY", EBUSY},
    {"EEXIST", EEXIST},
    {"EXDEV", EXDEV},
    {"ENODEV", ENODEV},
    {"ENOTDIR", ENOTDIR},
    {"EISDIR", EISDIR},
    {"EINVAL", EINVAL},
    {"ENFILE", ENFILE},
    {"EMFILE", EMFILE},
    {"ENOTTY", ENOTTY},
    {"EFBIG", EFBIG},
    {"ENOSPC", ENOSPC},
    {"ESPIPE", ESPIPE},
    {"EROFS", EROFS},
    {"EMLINK", EMLINK},
    {"EPIPE", EPIPE},
    {"ERANGE", ERANGE},
    {"ENOSYS", ENOSYS},
    {"ENOTSUP", ENOTSUP},
    {"EOPNOTSUPP", EOPNOTSUPP},
    {"EAFNOSUPPORT", EAFNOSUPPORT},
    {"EPROTONOSUPPORT", EPROTONOSUPPORT},
};

int pal_profile_errno(const char *name)
{
	for (size_t i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++)
		if (!strcmp(errnos[i].name, name))
			return errnos[i].value;
	return -1;
}

/* ------------------------------------------------------------ positions */

/* pal_json_locate() puts an array element just past its first token; move
 * back to the token's first character so that the column points at it. */
int pal_profile_locate(const char *buf, size_t len, const struct pal_json_step *path, size_t n,
                       int *line, int *col)
{
	size_t off = 0, i;
	int ln = 1, cl = 1;

	if (pal_json_locate(buf, len, path, n, line, col) < 0)
		return -1;
	if (path[n - 1].key)
		return 0;
	for (i = 0; i < len && (ln < *line || cl < *col); i++) {
		if (buf[i] == '\n') {
			ln++;
			cl = 1;
		} else {
			cl++;
		}
	}
	off = i;
	if (off == 0)
		return 0;
	if (buf[off - 1] == '"') {
		/* the opening quote: the previous '"' not escaped */
		for (i = off - 1; i > 0; i--) {
			size_t bs = 0;
			if (buf[i - 1] != '"')
				continue;
			while (bs < i - 1 && buf[i - 2 - bs] == '\\')
				bs++;
			if (bs % 2 == 0) {
				off = i - 1;
				break;
			}
		}
	} else if (buf[off - 1] == '{' || buf[off - 1] == '[') {
		off--;
	} else {
		while (off > 0 && (is_alnum(buf[off - 1]) || buf[off - 1] == '.' ||
		                   buf[off - 1] == '-' || buf[off - 1] == '+'))
			off--;
	}
	pal_json_position(buf, len, off, line, col);
	return 0;
}

/* ------------------------------------------------------------ validation */

#define VPATH_MAX 8

struct vctx {
	const char *what;
	const char *buf;
	size_t len;
	struct pal_json_step path[VPATH_MAX];
	size_t n;
	uint32_t arches[24];
	size_t n_arches;
	pal_error *err;
};

static void push_key(struct vctx *v, const char *key)
{
	if (v->n < VPATH_MAX)
		v->path[v->n] = (struct pal_json_step){.key = key};
	v->n++;
}

static void push_index(struct vctx *v, size_t i)
{
	if (v->n < VPATH_MAX)
		v->path[v->n] = (struct pal_json_step){.key = NULL, .index = i};
	v->n++;
}

static void pop(struct vctx *v)
{
	v->n--;
}

/* "seccomp.conditional[0].args[1]" for the current path */
static void path_text(const struct vctx *v, char *out, size_t size)
{
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = 0; i < v->n && i < VPATH_MAX; i++) {
		size_t start = used;
		int r;
		if (v->path[i].key)
			r = snprintf(out + used, size - used, "%s%s", i ? "." : "", v->path[i].key);
		else
			r = snprintf(out + used, size - used, "[%zu]", v->path[i].index);
		if (r < 0 || (size_t)r >= size - used)
			return;
		used += (size_t)r;
		/* keys are the author's text: keep the message one printable line */
		for (size_t j = start; j < used; j++)
			if ((unsigned char)out[j] < 0x20 || (unsigned char)out[j] >= 0x7f)
				out[j] = '?';
	}
}

static int vfail(struct vctx *v, bool with_path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* "FILE:LINE:COL: PATH: MESSAGE" at the current path */
static int vfail(struct vctx *v, bool with_path, const char *fmt, ...)
{
	char msg[512], where[256], pos[32] = "";
	int line, col;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	path_text(v, where, sizeof(where));
	if (v->n > 0 && v->n <= VPATH_MAX &&
	    pal_profile_locate(v->buf, v->len, v->path, v->n, &line, &col) == 0)
		snprintf(pos, sizeof(pos), ":%d:%d", line, col);
	if (with_path)
		return pal_err(v->err, 0, "%s%s: %s: %s", v->what, pos, where, msg);
	return pal_err(v->err, 0, "%s%s: %s", v->what, pos, msg);
}

/* Quote user text for a message without letting it break the line. */
static int vfail_value(struct vctx *v, const char *value, const char *why)
{
	_cleanup_free_ char *e = pal_escape(value, 64);
	return vfail(v, true, "\"%s\" %s", e ? e : "?", why);
}

static int type_error(struct vctx *v, const char *type)
{
	return vfail(v, true, "must be %s", type);
}

typedef int (*check_fn)(struct vctx *v, yajl_val val);

struct member {
	const char *key;
	check_fn check;
};

/* OBJ (at the current path) must be an object whose keys are all in
 * MEMBERS; each member's value is checked with its function. */
static int check_object(struct vctx *v, yajl_val obj, const struct member *members)
{
	if (!YAJL_IS_OBJECT(obj))
		return type_error(v, "an object");
	for (size_t i = 0; i < obj->u.object.len; i++) {
		const char *key = obj->u.object.keys[i];
		const struct member *m;
		int r;

		for (m = members; m->key; m++)
			if (!strcmp(m->key, key))
				break;
		push_key(v, key);
		if (!m->key) {
			_cleanup_free_ char *e = pal_escape(key, 64);
			char where[256];
			/* the path names the section the key is in */
			pop(v);
			path_text(v, where, sizeof(where));
			push_key(v, key);
			if (v->n == 1)
				r = vfail(v, false, "unknown key \"%s\"", e ? e : "?");
			else
				r = vfail(v, false, "unknown key \"%s\" in %s", e ? e : "?", where);
		} else {
			r = m->check(v, obj->u.object.values[i]);
		}
		pop(v);
		if (r < 0)
			return -1;
	}
	return 0;
}

static int check_bool(struct vctx *v, yajl_val val)
{
	return YAJL_IS_TRUE(val) || YAJL_IS_FALSE(val) ? 0 : type_error(v, "true or false");
}

static int check_text(struct vctx *v, yajl_val val)
{
	return YAJL_IS_STRING(val) ? 0 : type_error(v, "a string");
}

static int check_enum(struct vctx *v, yajl_val val, const char *const *values, const char *desc)
{
	if (!YAJL_IS_STRING(val))
		return type_error(v, "a string");
	for (; *values; values++)
		if (!strcmp(*values, val->u.string))
			return 0;
	return vfail_value(v, val->u.string, desc);
}

/* An array of unique strings, each checked with ELEM. */
static int check_strings(struct vctx *v, yajl_val val, int (*elem)(struct vctx *, const char *))
{
	if (!YAJL_IS_ARRAY(val))
		return type_error(v, "an array of strings");
	for (size_t i = 0; i < val->u.array.len; i++) {
		yajl_val e = val->u.array.values[i];
		int r = 0;

		push_index(v, i);
		if (!YAJL_IS_STRING(e)) {
			r = type_error(v, "a string");
		} else {
			for (size_t j = 0; j < i && r == 0; j++)
				if (YAJL_IS_STRING(val->u.array.values[j]) &&
				    !strcmp(val->u.array.values[j]->u.string, e->u.string))
					r = vfail_value(v, e->u.string, "is listed twice");
			if (r == 0 && elem)
				r = elem(v, e->u.string);
		}
		pop(v);
		if (r < 0)
			return -1;
	}
	return 0;
}

/* A non-negative JSON integer up to MAX, from its text (yajl's integer
 * conversion stops at INT64_MAX, seccomp values go to UINT64_MAX). */
static int check_uint(struct vctx *v, yajl_val val, uint64_t max, uint64_t *out)
{
	const char *s;
	uint64_t n = 0;

	if (!YAJL_IS_NUMBER(val))
		return type_error(v, "a number");
	s = val->u.number.r;
	if (!s || !*s)
		return type_error(v, "a non-negative integer");
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return type_error(v, "a non-negative integer");
		if (n > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
			return vfail(v, true, "%s is too large", val->u.number.r);
		n = n * 10 + (uint64_t)(*s - '0');
	}
	if (n > max)
		return vfail(v, true, "%s is more than %llu", val->u.number.r,
		             (unsigned long long)max);
	if (out)
		*out = n;
	return 0;
}

static int elem_path(struct vctx *v, const char *s)
{
	return pal_profile_path_valid(s) ? 0
	                                 : vfail_value(v, s, "is not an absolute, normalised path");
}

static int check_paths(struct vctx *v, yajl_val val)
{
	return check_strings(v, val, elem_path);
}

/* --- top-level scalars */

static int check_extends(struct vctx *v, yajl_val val)
{
	if (!YAJL_IS_STRING(val))
		return type_error(v, "a string");
	return pal_profile_name_valid(val->u.string)
	           ? 0
	           : vfail_value(v, val->u.string, "is not a valid profile name");
}

static int check_mode(struct vctx *v, yajl_val val)
{
	static const char *const modes[] = {"enforce", "audit", NULL};
	return check_enum(v, val, modes, "is not \"enforce\" or \"audit\"");
}

/* --- capabilities */

static int elem_cap(struct vctx *v, const char *s)
{
	cap_value_t c;
	char *canon;
	bool ok;

	/* only the canonical spelling: libcap also accepts "cap_chown" and
	 * "0", which the runtime spec does not */
	if (strncmp(s, "CAP_", 4) != 0)
		return vfail_value(v, s, "is not a capability name (\"CAP_...\")");
	for (const char *p = s; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_'))
			return vfail_value(v, s, "is not a capability name (\"CAP_...\")");
	if (cap_from_name(s, &c) < 0)
		return vfail_value(v, s, "is not a capability libcap knows");
	canon = cap_to_name(c);
	if (!canon)
		return pal_err(v->err, ENOMEM, "%s: capability names", v->what);
	ok = strcasecmp(canon, s) == 0;
	cap_free(canon);
	return ok ? 0 : vfail_value(v, s, "is not a capability libcap knows");
}

static int check_caps_allow(struct vctx *v, yajl_val val)
{
	return check_strings(v, val, elem_cap);
}

static const struct member caps_members[] = {
    {"allow", check_caps_allow},
    {NULL, NULL},
};

static int check_capabilities(struct vctx *v, yajl_val val)
{
	return check_object(v, val, caps_members);
}

/* --- user */

static const struct member user_members[] = {
    {"nonRoot", check_bool},
    {NULL, NULL},
};

static int check_user(struct vctx *v, yajl_val val)
{
	return check_object(v, val, user_members);
}

/* --- namespaces */

static int elem_ns(struct vctx *v, const char *s)
{
	static const char *const types[] = {"pid",    "network", "mount", "ipc", "uts",
	                                    "cgroup", "time",    "user",  NULL};
	for (const char *const *t = types; *t; t++)
		if (!strcmp(*t, s))
			return 0;
	return vfail_value(v, s,
	                   "is not a namespace type (pid, network, mount, ipc, uts, "
	                   "cgroup, time, user)");
}

static int elem_required_ns(struct vctx *v, const char *s)
{
	/* one way to say it: the "user" member below */
	if (!strcmp(s, "user"))
		return vfail_value(v, s, "is set with \"namespaces\": {\"user\": \"required\"}");
	return elem_ns(v, s);
}

static int check_ns_required(struct vctx *v, yajl_val val)
{
	return check_strings(v, val, elem_required_ns);
}

static int check_ns_allow_host(struct vctx *v, yajl_val val)
{
	return check_strings(v, val, elem_ns);
}

static int check_ns_user(struct vctx *v, yajl_val val)
{
	static const char *const values[] = {"required", "optional", NULL};
	return check_enum(v, val, values, "is not \"required\" or \"optional\"");
}

static const struct member ns_members[] = {
    {"required", check_ns_required},
    {"allowHost", check_ns_allow_host},
    {"user", check_ns_user},
    {NULL, NULL},
};

static int check_namespaces(struct vctx *v, yajl_val val)
{
	return check_object(v, val, ns_members);
}

/* --- seccomp */

static int elem_arch(struct vctx *v, const char *s)
{
	uint32_t arch;

	if (pal_seccomp_arch_parse(s, &arch) < 0)
		return vfail_value(v, s, "is not an architecture libseccomp knows (SCMP_ARCH_...)");
	if (v->n_arches < sizeof(v->arches) / sizeof(v->arches[0]))
		v->arches[v->n_arches++] = arch;
	return 0;
}

static int check_arches(struct vctx *v, yajl_val val)
{
	v->n_arches = 0;
	if (check_strings(v, val, elem_arch) < 0)
		return -1;
	if (v->n_arches == 0)
		return vfail(v, true, "must name at least one architecture");
	return 0;
}

/* The native architecture and the compat ones the kernel also runs there,
 * as Docker's archMap has them: a filter for x86-64 alone would let a
 * process switch to the 32-bit entry points. */
static void default_arches(struct vctx *v)
{
	uint32_t native = seccomp_arch_native();

	v->n_arches = 0;
	v->arches[v->n_arches++] = native;
	if (native == SCMP_ARCH_X86_64) {
		v->arches[v->n_arches++] = SCMP_ARCH_X86;
		v->arches[v->n_arches++] = SCMP_ARCH_X32;
	} else if (native == SCMP_ARCH_AARCH64) {
		v->arches[v->n_arches++] = SCMP_ARCH_ARM;
	}
}

/* libseccomp answers a name it knows but that ARCH lacks with a pseudo
 * number below -10000; socketcall(2) and ipc(2) multiplexed calls get -1xx
 * and -2xx, real where the arch has the multiplexer. */
static bool syscall_on(uint32_t arch, const char *name)
{
	int r = seccomp_syscall_resolve_name_arch(arch, name);

	if (r >= 0)
		return true;
	if (r <= -100 && r > -200)
		return seccomp_syscall_resolve_name_arch(arch, "socketcall") >= 0;
	if (r <= -200 && r > -300)
		return seccomp_syscall_resolve_name_arch(arch, "ipc") >= 0;
	return false;
}

static int elem_syscall(struct vctx *v, const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 64 || strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_") != n)
		return vfail_value(v, s, "is not a system call name");
	for (size_t i = 0; i < v->n_arches; i++)
		if (syscall_on(v->arches[i], s))
			return 0;
	return vfail_value(v, s,
	                   "is not a system call libseccomp knows on the profile's "
	                   "architectures");
}

static int check_syscalls(struct vctx *v, yajl_val val)
{
	return check_strings(v, val, elem_syscall);
}

static int check_errno(struct vctx *v, yajl_val val)
{
	if (!YAJL_IS_STRING(val))
		return type_error(v, "a string");
	return pal_profile_errno(val->u.string) >= 0
	           ? 0
	           : vfail_value(v, val->u.string, "is not an errno name (EPERM, ENOSYS...)");
}

static int check_arg_index(struct vctx *v, yajl_val val)
{
	return check_uint(v, val, 5, NULL);
}

static int check_arg_value(struct vctx *v, yajl_val val)
{
	return check_uint(v, val, UINT64_MAX, NULL);
}

static int check_arg_op(struct vctx *v, yajl_val val)
{
	enum scmp_compare op;

	if (!YAJL_IS_STRING(val))
		return type_error(v, "a string");
	if (pal_seccomp_op_parse(val->u.string, &op) < 0)
		return vfail_value(v, val->u.string, "is not a comparison (SCMP_CMP_...)");
	return 0;
}

static const struct member arg_members[] = {
    {"index", check_arg_index},
    {"value", check_arg_value},
    {"valueTwo", check_arg_value},
    {"op", check_arg_op},
    {NULL, NULL},
};

static int check_args(struct vctx *v, yajl_val val)
{
	if (!YAJL_IS_ARRAY(val))
		return type_error(v, "an array of objects");
	if (val->u.array.len == 0)
		return vfail(v, true,
		             "must not be empty (an entry without args belongs in "
		             "\"allow\")");
	for (size_t i = 0; i < val->u.array.len; i++) {
		yajl_val a = val->u.array.values[i];
		int r;

		push_index(v, i);
		r = check_object(v, a, arg_members);
		if (r == 0 && (!pal_json_get(a, "index") || !pal_json_get(a, "value") ||
		               !pal_json_get(a, "op")))
			r = vfail(v, true, "needs \"index\", \"value\" and \"op\"");
		/* libseccomp takes one comparison per argument in a rule */
		for (size_t j = 0; r == 0 && j < i; j++)
			if (pal_json_equal(pal_json_get(val->u.array.values[j], "index"),
			                   pal_json_get(a, "index")))
				r = vfail(v, true, "compares argument %s twice",
				          pal_json_get(a, "index")->u.number.r);
		pop(v);
		if (r < 0)
			return -1;
	}
	return 0;
}

static int check_nonempty_syscalls(struct vctx *v, yajl_val val)
{
	if (check_syscalls(v, val) < 0)
		return -1;
	return val->u.array.len ? 0 : vfail(v, true, "must not be empty");
}

static const struct member cond_members[] = {
    {"names", check_nonempty_syscalls},
    {"args", check_args},
    {NULL, NULL},
};

static int check_conditional(struct vctx *v, yajl_val val)
{
	if (!YAJL_IS_ARRAY(val))
		return type_error(v, "an array of objects");
	for (size_t i = 0; i < val->u.array.len; i++) {
		yajl_val c = val->u.array.values[i];
		int r;

		push_index(v, i);
		r = check_object(v, c, cond_members);
		if (r == 0 && (!pal_json_get(c, "names") || !pal_json_get(c, "args")))
			r = vfail(v, true, "needs \"names\" and \"args\"");
		pop(v);
		if (r < 0)
			return -1;
	}
	return 0;
}

static const struct member seccomp_members[] = {
    {"defaultErrno", check_errno},
    {"denyErrno", check_errno},
    {"allow", check_syscalls},
    {"conditional", check_conditional},
    {"enosys", check_syscalls},
    {"architectures", check_arches},
    {NULL, NULL},
};

static bool in_conditional(yajl_val cond, const char *s)
{
	if (!YAJL_IS_ARRAY(cond))
		return false;
	for (size_t i = 0; i < cond->u.array.len; i++)
		if (pal_json_array_has_string(pal_json_get(cond->u.array.values[i], "names"), s))
			return true;
	return false;
}

/* A syscall in two of allow, conditional and enosys means two things. */
static int check_seccomp_overlap(struct vctx *v, yajl_val sc)
{
	yajl_val allow = pal_json_get(sc, "allow");
	yajl_val cond = pal_json_get(sc, "conditional");
	yajl_val enosys = pal_json_get(sc, "enosys");
	int r = 0;

	for (size_t i = 0; YAJL_IS_ARRAY(cond) && i < cond->u.array.len; i++) {
		yajl_val names = pal_json_get(cond->u.array.values[i], "names");
		for (size_t j = 0; j < names->u.array.len; j++) {
			const char *s = names->u.array.values[j]->u.string;
			if (!pal_json_array_has_string(allow, s))
				continue;
			push_key(v, "conditional");
			push_index(v, i);
			push_key(v, "names");
			push_index(v, j);
			r = vfail_value(v, s, "is also in seccomp.allow");
			v->n -= 4;
			return r;
		}
	}
	for (size_t j = 0; YAJL_IS_ARRAY(enosys) && j < enosys->u.array.len; j++) {
		const char *s = enosys->u.array.values[j]->u.string;
		const char *other = pal_json_array_has_string(allow, s)      ? "seccomp.allow"
		                    : in_conditional(cond, s) ? "seccomp.conditional"
		                                              : NULL;
		if (!other)
			continue;
		push_key(v, "enosys");
		push_index(v, j);
		r = vfail(v, true, "\"%s\" is also in %s", s, other);
		v->n -= 2;
		return r;
	}
	return 0;
}

static int check_seccomp(struct vctx *v, yajl_val val)
{
	yajl_val a;

	if (!YAJL_IS_OBJECT(val))
		return type_error(v, "an object");
	/* names are checked against the architectures, so those come first */
	a = pal_json_get(val, "architectures");
	if (a) {
		push_key(v, "architectures");
		if (check_arches(v, a) < 0)
			return -1;
		pop(v);
	} else {
		default_arches(v);
	}
	if (check_object(v, val, seccomp_members) < 0)
		return -1;
	return check_seccomp_overlap(v, val);
}

/* --- mounts */

static int elem_mount_option(struct vctx *v, const char *s)
{
	/* only options that take something away */
	static const char *const opts[] = {"nosuid", "nodev", "noexec", "ro", NULL};
	for (const char *const *o = opts; *o; o++)
		if (!strcmp(*o, s))
			return 0;
	return vfail_value(v, s, "is not one of nosuid, nodev, noexec, ro");
}

static int check_force_options(struct vctx *v, yajl_val val)
{
	return check_strings(v, val, elem_mount_option);
}

static const struct member mounts_members[] = {
    {"denyHostPaths", check_paths},
    {"forceOptions", check_force_options},
    {NULL, NULL},
};

static int check_mounts(struct vctx *v, yajl_val val)
{
	return check_object(v, val, mounts_members);
}

/* --- devices */

static int check_dev_path(struct vctx *v, yajl_val val)
{
	if (!YAJL_IS_STRING(val))
		return type_error(v, "a string");
	if (!pal_profile_path_valid(val->u.string) || strncmp(val->u.string, "/dev/", 5) != 0)
		return vfail_value(v, val->u.string, "is not a normalised path under /dev/");
	return 0;
}

static int check_dev_type(struct vctx *v, yajl_val val)
{
	static const char *const types[] = {"c", "b", "u", "p", NULL};
	return check_enum(v, val, types, "is not a device type (c, b, u, p)");
}

static int check_dev_number(struct vctx *v, yajl_val val)
{
	return check_uint(v, val, UINT32_MAX, NULL);
}

static const struct member device_members[] = {
    {"path", check_dev_path},
    {"type", check_dev_type},
    {"major", check_dev_number},
    {"minor", check_dev_number},
    {NULL, NULL},
};

static int check_device_list(struct vctx *v, yajl_val val)
{
	if (!YAJL_IS_ARRAY(val))
		return type_error(v, "an array of objects");
	for (size_t i = 0; i < val->u.array.len; i++) {
		yajl_val d = val->u.array.values[i];
		yajl_val type;
		int r;

		push_index(v, i);
		r = check_object(v, d, device_members);
		type = pal_json_get(d, "type");
		if (r == 0 && (!pal_json_get(d, "path") || !type))
			r = vfail(v, true, "needs \"path\" and \"type\"");
		/* a FIFO has no device number; the others need both */
		if (r == 0 && strcmp(type->u.string, "p") != 0 &&
		    (!pal_json_get(d, "major") || !pal_json_get(d, "minor")))
			r = vfail(v, true, "needs \"major\" and \"minor\"");
		pop(v);
		if (r < 0)
			return -1;
	}
	return 0;
}

static const struct member devices_members[] = {
    {"allow", check_device_list},
    {NULL, NULL},
};

static int check_devices(struct vctx *v, yajl_val val)
{
	return check_object(v, val, devices_members);
}

/* --- sysctls */

/* dotted segments of [A-Za-z0-9_-], at least two; a prefix ends in '.' */
static bool sysctl_ok(const char *s, bool prefix)
{
	size_t n = strlen(s), segs = 0, seglen = 0;

	if (n == 0 || n > 256)
		return false;
	if (prefix != (s[n - 1] == '.'))
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '.') {
			if (seglen == 0)
				return false;
			segs++;
			seglen = 0;
		} else if (is_alnum(s[i]) || s[i] == '_' || s[i] == '-') {
			seglen++;
		} else {
			return false;
		}
	}
	if (seglen)
		segs++;
	return prefix ? segs >= 1 : segs >= 2;
}

static int elem_sysctl(struct vctx *v, const char *s)
{
	return sysctl_ok(s, false) ? 0 : vfail_value(v, s, "is not a sysctl name");
}

static int elem_sysctl_prefix(struct vctx *v, const char *s)
{
	return sysctl_ok(s, true) ? 0
	                          : vfail_value(v, s, "is not a sysctl prefix (ending in \".\")");
}

static int check_sysctl_allow(struct vctx *v, yajl_val val)
{
	return check_strings(v, val, elem_sysctl);
}

static int check_sysctl_prefixes(struct vctx *v, yajl_val val)
{
	return check_strings(v, val, elem_sysctl_prefix);
}

static const struct member sysctls_members[] = {
    {"allow", check_sysctl_allow},
    {"allowPrefixes", check_sysctl_prefixes},
    {NULL, NULL},
};

static int check_sysctls(struct vctx *v, yajl_val val)
{
	return check_object(v, val, sysctls_members);
}

/* --- rlimits */

static const char *const rlimit_names[] = {
    "RLIMIT_AS",
    "RLIMIT_CORE",
    "RLIMIT_CPU",
    "RLIMIT_DATA",
    "RLIMIT_FSIZE",
    "RLIMIT_LOCKS",
    "RLIMIT_MEMLOCK",
    "RLIMIT_MSGQUEUE",
    "RLIMIT_NICE",
    "RLIMIT_NOFILE",
    "RLIMIT_NPROC",
    "RLIMIT_RSS",
    "RLIMIT_RTPRIO",
    "RLIMIT_RTTIME",
    "RLIMIT_SIGPENDING",
    "RLIMIT_STACK",
    NULL,
};

static int check_limit(struct vctx *v, yajl_val val)
{
	return check_uint(v, val, UINT64_MAX, NULL);
}

static const struct member limit_members[] = {
    {"soft", check_limit},
    {"hard", check_limit},
    {NULL, NULL},
};

static int check_rlimit_max(struct vctx *v, yajl_val val)
{
	if (!YAJL_IS_OBJECT(val))
		return type_error(v, "an object");
	for (size_t i = 0; i < val->u.object.len; i++) {
		const char *key = val->u.object.keys[i];
		yajl_val l = val->u.object.values[i];
		const char *const *n;
		uint64_t soft = 0, hard = 0;
		int r = 0;

		push_key(v, key);
		for (n = rlimit_names; *n && strcmp(*n, key) != 0; n++)
			;
		if (!*n)
			r = vfail(v, true, "not an rlimit (RLIMIT_AS ... RLIMIT_STACK)");
		if (r == 0)
			r = check_object(v, l, limit_members);
		if (r == 0 && (!pal_json_get(l, "soft") || !pal_json_get(l, "hard")))
			r = vfail(v, true, "needs \"soft\" and \"hard\"");
		if (r == 0) {
			(void)check_uint(v, pal_json_get(l, "soft"), UINT64_MAX, &soft);
			(void)check_uint(v, pal_json_get(l, "hard"), UINT64_MAX, &hard);
			if (soft > hard)
				r = vfail(v, true, "soft limit above the hard one");
		}
		pop(v);
		if (r < 0)
			return -1;
	}
	return 0;
}

static const struct member rlimits_members[] = {
    {"max", check_rlimit_max},
    {NULL, NULL},
};

static int check_rlimits(struct vctx *v, yajl_val val)
{
	return check_object(v, val, rlimits_members);
}

/* --- hooks, rootfs */

static const struct member hooks_members[] = {
    {"allow", check_paths},
    {NULL, NULL},
};

static int check_hooks(struct vctx *v, yajl_val val)
{
	return check_object(v, val, hooks_members);
}

static const struct member rootfs_members[] = {
    {"readonly", check_bool},
    {NULL, NULL},
};

static int check_rootfs(struct vctx *v, yajl_val val)
{
	return check_object(v, val, rootfs_members);
}

/* --- bpf (the members bpf_policy.h lists; compiled by src/bpf_policy.c) */

static int check_bpf_action(struct vctx *v, yajl_val val)
{
	static const char *const values[] = {"deny", "audit", "off", NULL};
	return check_enum(v, val, values, "is not \"deny\", \"audit\" or \"off\"");
}

static int check_bpf_log(struct vctx *v, yajl_val val)
{
	static const char *const values[] = {"log", "off", NULL};
	return check_enum(v, val, values, "is not \"log\" or \"off\"");
}

static int check_bpf_lsm(struct vctx *v, yajl_val val)
{
	static const char *const values[] = {"required", "optional", NULL};
	return check_enum(v, val, values, "is not \"required\" or \"optional\"");
}

/* Events a second the kernel reports for a container (bpf_policy.h). */
static int check_bpf_rate(struct vctx *v, yajl_val val)
{
	uint64_t n = 0;

	if (check_uint(v, val, PAL_BPF_RATE_MAX, &n) < 0)
		return -1;
	if (n < 1)
		return vfail(v, true, "must be at least 1");
	return 0;
}

/* Each list becomes trie entries per container: bounded. */
static int check_bpf_list(struct vctx *v, yajl_val val, int (*elem)(struct vctx *, const char *))
{
	if (YAJL_IS_ARRAY(val) && val->u.array.len > PAL_BPF_LIST_MAX)
		return vfail(v, true, "has %zu entries, at most %d", val->u.array.len,
		             PAL_BPF_LIST_MAX);
	return check_strings(v, val, elem);
}

/* A path the kernel side can hold: the trie key has PAL_BPF_PATH_MAX
 * bytes, and a path cut short would match more than was written. */
static int elem_bpf_path(struct vctx *v, const char *s)
{
	if (elem_path(v, s) < 0)
		return -1;
	if (strlen(s) >= PAL_BPF_PATH_MAX) {
		_cleanup_free_ char *e = pal_escape(s, 64);
		return vfail(v, true, "\"%s\" is longer than %d bytes", e ? e : "?",
		             PAL_BPF_PATH_MAX - 1);
	}
	return 0;
}

static int check_bpf_paths(struct vctx *v, yajl_val val)
{
	return check_bpf_list(v, val, elem_bpf_path);
}

static int elem_cidr(struct vctx *v, const char *s)
{
	struct pal_bpf_cidr c;
	pal_error e = {0};

	if (pal_bpf_cidr_parse(s, &c, &e) < 0)
		return vfail(v, true, "%s", e.msg);
	return 0;
}

static int check_bpf_cidrs(struct vctx *v, yajl_val val)
{
	return check_bpf_list(v, val, elem_cidr);
}

static const struct member bpf_exec_members[] = {
    {"action", check_bpf_action},
    {"denyPrefixes", check_bpf_paths},
    {NULL, NULL},
};

static int check_bpf_exec(struct vctx *v, yajl_val val)
{
	return check_object(v, val, bpf_exec_members);
}

static const struct member bpf_files_members[] = {
    {"action", check_bpf_action},
    {"deny", check_bpf_paths},
    {"denyWrite", check_bpf_paths},
    {NULL, NULL},
};

static int check_bpf_files(struct vctx *v, yajl_val val)
{
	return check_object(v, val, bpf_files_members);
}

static const struct member bpf_connect_members[] = {
    {"action", check_bpf_action},
    {"denyCidrs", check_bpf_cidrs},
    {NULL, NULL},
};

static int check_bpf_connect(struct vctx *v, yajl_val val)
{
	return check_object(v, val, bpf_connect_members);
}

static const struct member bpf_members[] = {
    {"lsm", check_bpf_lsm},
    {"exec", check_bpf_exec},
    {"drift", check_bpf_action},
    {"files", check_bpf_files},
    {"mount", check_bpf_action},
    {"ptrace", check_bpf_action},
    {"rawSockets", check_bpf_action},
    {"connect", check_bpf_connect},
    {"moduleRequest", check_bpf_action},
    {"bpf", check_bpf_action},
    {"setuidRoot", check_bpf_action},
    {"capabilities", check_bpf_log},
    {"sysctlWrite", check_bpf_action},
    {"eventsPerSecond", check_bpf_rate},
    {NULL, NULL},
};

static int check_bpf(struct vctx *v, yajl_val val)
{
	return check_object(v, val, bpf_members);
}

static const struct member top_members[] = {
    {"description", check_text},
    {"extends", check_extends},
    {"mode", check_mode},
    {"privileged", check_bool},
    {"capabilities", check_capabilities},
    {"noNewPrivileges", check_bool},
    {"user", check_user},
    {"namespaces", check_namespaces},
    {"seccomp", check_seccomp},
    {"maskedPaths", check_paths},
    {"readonlyPaths", check_paths},
    {"mounts", check_mounts},
    {"devices", check_devices},
    {"sysctls", check_sysctls},
    {"rlimits", check_rlimits},
    {"hooks", check_hooks},
    {"rootfs", check_rootfs},
    {"bpf", check_bpf},
    {NULL, NULL},
};

int pal_profile_validate(const char *what, const char *text, size_t len, yajl_val tree,
                         pal_error *err)
{
	struct vctx v = {.what = what, .buf = text, .len = len, .err = err};

	if (!YAJL_IS_OBJECT(tree))
		return pal_err(err, 0, "%s: a profile is a JSON object", what);
	return check_object(&v, tree, top_members);
}

/* ------------------------------------------------------------ loading */

const char *const pal_default_profile_dirs[] = {
    PAL_ETC_PROFILE_DIR,
    PAL_DATADIR "/profiles",
    NULL,
};

static size_t dir_count(const struct pal_conf *conf)
{
	size_t n = 0;

	if (conf && conf->n_profile_dirs)
		return conf->n_profile_dirs;
	while (pal_default_profile_dirs[n])
		n++;
	return n;
}

static const char *dir_at(const struct pal_conf *conf, size_t i)
{
	if (conf && conf->n_profile_dirs)
		return conf->profile_dirs[i];
	return pal_default_profile_dirs[i];
}

/* First NAME.json in the search order.  FROM (may be NULL) is the file
 * that asked for it through "extends". */
static int find_profile(const struct pal_conf *conf, const char *name, const char *from,
                        char **path, char **buf, size_t *len, pal_error *err)
{
	char dirs[PAL_ERROR_MAX / 2];
	size_t used = 0, n = dir_count(conf);

	dirs[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *p = NULL;
		const char *dir = dir_at(conf, i);
		int r;

		if (asprintf(&p, "%s/%s.json", dir, name) < 0)
			return pal_err(err, ENOMEM, "profile \"%s\"", name);
		if (pal_read_file(AT_FDCWD, p, 0, PAL_PROFILE_MAX_SIZE, buf, len, NULL, err) == 0) {
			*path = steal_pointer(&p);
			return 0;
		}
		/* absent here: look further; anything else is this file's error */
		if (err->errnum != ENOENT)
			return -1;
		pal_err_clear(err);
		r = snprintf(dirs + used, sizeof(dirs) - used, "%s%s", i ? ", " : "", dir);
		if (r > 0 && (size_t)r < sizeof(dirs) - used)
			used += (size_t)r;
	}
	if (from)
		return pal_err_code(err, ENOENT, "%s: extends \"%s\": profile not found in %s",
				    from, name, dirs);
	return pal_err_code(err, ENOENT, "profile \"%s\" not found in %s", name, dirs);
}

/* Objects member by member, recursively; arrays and scalars replaced whole.
 * SKIP_EXTENDS: at the top, "extends" is resolved here and not kept. */
static int merge_into(yajl_val base, yajl_val over, bool skip_extends, pal_error *err)
{
	for (size_t i = 0; i < over->u.object.len; i++) {
		const char *key = over->u.object.keys[i];
		yajl_val v = over->u.object.values[i];
		yajl_val b = pal_json_get(base, key);

		if (skip_extends && !strcmp(key, "extends"))
			continue;
		if (YAJL_IS_OBJECT(b) && YAJL_IS_OBJECT(v)) {
			if (merge_into(b, v, false, err) < 0)
				return -1;
			continue;
		}
		if (pal_json_set(base, key, pal_json_dup(v), err) < 0)
			return -1;
	}
	return 0;
}

static void chain_text(const char *const *chain, size_t n, const char *last, char *out, size_t size)
{
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = 0; i <= n; i++) {
		int r = snprintf(out + used, size - used, "%s%s", i ? " -> " : "",
		                 i < n ? chain[i] : last);
		if (r < 0 || (size_t)r >= size - used)
			return;
		used += (size_t)r;
	}
}

/* Load CHAIN[DEPTH] (already in CHAIN) and what it extends into *OUT. */
static int resolve(const struct pal_conf *conf, const char **chain, size_t depth, const char *from,
                   yajl_val *out, char **path_out, pal_error *err)
{
	_cleanup_free_ char *path = NULL, *buf = NULL;
	_cleanup_yajl_val_ yajl_val tree = NULL, base = NULL;
	const char *name = chain[depth];
	yajl_val ext;
	size_t len = 0;

	if (find_profile(conf, name, from, &path, &buf, &len, err) < 0)
		return -1;
	if (pal_json_parse_opts(buf, len, path, PAL_JSON_COMMENTS, &tree, err) < 0)
		return -1;
	if (pal_profile_validate(path, buf, len, tree, err) < 0)
		return -1;

	ext = pal_json_get(tree, "extends");
	if (ext) {
		const char *parent = ext->u.string;
		char text[PAL_ERROR_MAX / 2];

		for (size_t i = 0; i <= depth; i++) {
			if (strcmp(chain[i], parent) != 0)
				continue;
			chain_text(chain, depth + 1, parent, text, sizeof(text));
			return pal_err(err, 0, "%s: extends \"%s\": cycle %s", path, parent, text);
		}
		if (depth + 1 > PAL_PROFILE_MAX_DEPTH) {
			chain_text(chain, depth + 1, parent, text, sizeof(text));
			return pal_err(err, 0,
			               "%s: extends \"%s\": more than %d levels of extends: %s",
			               path, parent, PAL_PROFILE_MAX_DEPTH, text);
		}
		chain[depth + 1] = parent;
		if (resolve(conf, chain, depth + 1, path, &base, NULL, err) < 0)
			return -1;
		if (merge_into(base, tree, true, err) < 0)
			return pal_err_prefix(err, "%s", path);
		*out = steal_pointer(&base);
	} else {
		*out = steal_pointer(&tree);
	}
	if (path_out)
		*path_out = steal_pointer(&path);
	return 0;
}

int pal_profile_load(const struct pal_conf *conf, const char *name, struct pal_profile *p,
                     pal_error *err)
{
	const char *chain[PAL_PROFILE_MAX_DEPTH + 1];
	struct pal_profile np = {0};
	yajl_val mode;

	if (!pal_profile_name_valid(name)) {
		_cleanup_free_ char *e = pal_escape(name ? name : "", 64);
		return pal_err_code(
		    err, EINVAL,
		    "profile name \"%s\" is not valid ([A-Za-z0-9][A-Za-z0-9._-]*, no \"..\")",
		    e ? e : "?");
	}
	chain[0] = name;
	if (resolve(conf, chain, 0, NULL, &np.tree, &np.path, err) < 0)
		return -1;
	np.name = strdup(name);
	if (!np.name) {
		pal_profile_free(&np);
		return pal_err(err, ENOMEM, "profile \"%s\"", name);
	}
	mode = pal_json_get(np.tree, "mode");
	np.mode = PAL_MODE_ENFORCE;
	if (mode)
		(void)pal_mode_parse(mode->u.string, &np.mode); /* validated */
	*p = np;
	return 0;
}
