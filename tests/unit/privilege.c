/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The privilege model behind the never-loosen property test: see
 * privilege.h.  Each check reads the spec the way runc 1.1 does:
 *
 * - process.capabilities absent, or one of its sets absent: that set is
 *   empty (runc 1.1 applies an empty capability configuration; crun too).
 *   Unknown capability names are ignored (runc warns).
 * - mounts: a mount of the output must be one of the input (destination,
 *   source, type), keep every protective option the input gave (ro,
 *   nosuid, nodev, noexec, nosymfollow, and private/slave/unbindable
 *   propagation) and add none that loosens it (rw, suid, dev, exec, shared,
 *   rshared, rbind).
 * - linux.resources.devices: runc starts from "allow all" (a new cgroup
 *   inherits its parent's; cgroup v2 is emulated the same way) and the last
 *   matching rule decides, per access letter.  This is an approximation of
 *   cgroup v1's exception lists, on the generous side for wildcard allows.
 * - rlimits: runc applies them in order, so the last entry of a type wins;
 *   an input limit missing from the output is a loosening (the process
 *   would inherit runc's own, usually higher).
 *
 * Seccomp (native x86_64 only).  runc turns each entry of "syscalls" into
 * libseccomp rules: an entry whose action equals the default action is
 * skipped; names libseccomp cannot resolve are skipped; no args: one
 * unconditional rule; args with distinct indices: one rule, conditions
 * AND-ed; an index repeated: one rule per condition, i.e. OR-ed.  What
 * libseccomp then does with several rules of one syscall was measured
 * (tests/unit/test_never_loosen.c checks it against the kernel):
 * - an unconditional rule beats every conditional one; of several
 *   unconditional ones the first added wins;
 * - conditional rules with different actions that match the same call are
 *   resolved by the shape of libseccomp's decision tree (argument index,
 *   operator), which is not specified: the model returns every action that
 *   may result;
 * - two conditional rules with identical conditions and different actions
 *   make seccomp_rule_add() fail with EEXIST, so runc refuses the filter.
 * Comparisons are unsigned 64-bit; SCMP_CMP_MASKED_EQ is
 * (arg & value) == (valueTwo & value): libseccomp masks the datum as well,
 * so {"value": 20, "valueTwo": 1} matches every arg with bits 2 and 4 clear.  TRACE without a
 * tracer returns ENOSYS, but a tracer or a notify listener may let the call run: "supervised",
 * between denied and executed.  Except Palisade's own listener (its listenerMetadata says so):
 * it answers every call with the metadata's errno, and without it the kernel answers ENOSYS, so
 * its NOTIFY is read as that ERRNO.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <seccomp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "palisade/json.h"
#include "privilege.h"

/* ------------------------------------------------------------- helpers */

static void add(struct priv_result *r, const char *section, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void add(struct priv_result *r, const char *section, const char *fmt, ...)
{
	va_list ap;

	r->total++;
	if (r->n >= PRIV_MAX_VIOLATIONS)
		return;
	snprintf(r->v[r->n].section, sizeof(r->v[r->n].section), "%s", section);
	va_start(ap, fmt);
	vsnprintf(r->v[r->n].msg, sizeof(r->v[r->n].msg), fmt, ap);
	va_end(ap);
	r->n++;
}

static const char *str(yajl_val v)
{
	return YAJL_IS_STRING(v) ? v->u.string : NULL;
}

static size_t alen(yajl_val v)
{
	return YAJL_IS_ARRAY(v) ? v->u.array.len : 0;
}

static yajl_val aget(yajl_val v, size_t i)
{
	return v->u.array.values[i];
}

static bool has_str(yajl_val arr, const char *s)
{
	for (size_t i = 0; i < alen(arr); i++)
		if (str(aget(arr, i)) && !strcmp(str(aget(arr, i)), s))
			return true;
	return false;
}

static bool streq_null(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* A JSON integer as an unsigned 64-bit value (negative: 0, with *neg). */
static bool num_u64(yajl_val v, uint64_t *out)
{
	char *end;

	if (!YAJL_IS_NUMBER(v) || !v->u.number.r || v->u.number.r[0] == '-')
		return false;
	errno = 0;
	*out = strtoull(v->u.number.r, &end, 10);
	return errno == 0 && *end == '\0';
}

static bool num_i64(yajl_val v, int64_t *out)
{
	if (!YAJL_IS_INTEGER(v))
		return false;
	*out = YAJL_GET_INTEGER(v);
	return true;
}

/* ------------------------------------------------------------- capabilities */

static const char *const cap_sets[] = {"bounding", "effective", "permitted", "inheritable",
                                       "ambient"};

/* Upper-case names of the capabilities libcap knows, built once: cap_from_name()
 * parses a whole text form per call, too slow for 10^5 specs. */
static char cap_table[64][32];
static int cap_count = -1;

static void cap_table_init(void)
{
	int n = (int)cap_max_bits();

	if (cap_count >= 0)
		return;
	if (n > 64)
		n = 64;
	for (int c = 0; c < n; c++) {
		char *name = cap_to_name(c);
		size_t i;
		for (i = 0; name && name[i] && i + 1 < sizeof(cap_table[c]); i++)
			cap_table[c][i] =
			    (char)((name[i] >= 'a' && name[i] <= 'z') ? name[i] - 'a' + 'A'
			                                              : name[i]);
		cap_table[c][i] = '\0';
		cap_free(name);
	}
	cap_count = n;
}

static int cap_index(const char *name)
{
	cap_table_init();
	for (int c = 0; c < cap_count; c++)
		if (!strcmp(cap_table[c], name))
			return c;
	return -1; /* unknown: runc 1.1 ignores it with a warning */
}

int priv_cap_count(void)
{
	cap_table_init();
	return cap_count;
}

const char *priv_cap_name(int c)
{
	cap_table_init();
	return c >= 0 && c < cap_count ? cap_table[c] : NULL;
}

/* The set SET of process.capabilities CAPS as a mask.  CAPS absent: runc
 * 1.1 applies an empty configs.Capabilities, i.e. no capability at all
 * (checked with runc 1.1.5: CapEff, CapBnd 0 for a root process). */
static uint64_t cap_mask(yajl_val caps, const char *set)
{
	yajl_val l = pal_json_get(caps, set);
	uint64_t m = 0;

	for (size_t i = 0; i < alen(l); i++) {
		int c = str(aget(l, i)) ? cap_index(str(aget(l, i))) : -1;
		if (c >= 0)
			m |= 1ULL << c;
	}
	return m;
}

static void cap_names(uint64_t m, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	cap_table_init();
	for (int c = 0; c < 64 && m; c++) {
		if (!(m & (1ULL << c)))
			continue;
		m &= ~(1ULL << c);
		int w = snprintf(buf + off, len - off, "%s%s", off ? "," : "",
		                 c < cap_count ? cap_table[c] + 4 : "?");
		if (w < 0 || (size_t)w >= len - off)
			return;
		off += (size_t)w;
	}
}

static void check_caps(yajl_val out, yajl_val in, uint64_t allow, bool have_allow,
                       struct priv_result *r)
{
	yajl_val oc = pal_json_getp(out, "process", "capabilities", NULL);
	yajl_val ic = in ? pal_json_getp(in, "process", "capabilities", NULL) : NULL;
	char names[512];

	for (size_t i = 0; i < sizeof(cap_sets) / sizeof(cap_sets[0]); i++) {
		uint64_t o = cap_mask(oc, cap_sets[i]);
		uint64_t extra = in ? o & ~cap_mask(ic, cap_sets[i]) : 0;

		if (extra) {
			cap_names(extra, names, sizeof(names));
			add(r, "capabilities", "process.capabilities.%s gains %s", cap_sets[i],
			    names);
		}
		if (have_allow && (o & ~allow)) {
			cap_names(o & ~allow, names, sizeof(names));
			add(r, "capabilities", "process.capabilities.%s has %s beyond the profile",
			    cap_sets[i], names);
		}
	}
}

/* ------------------------------------------------------------- namespaces */

static yajl_val ns_find(yajl_val list, const char *type)
{
	for (size_t i = 0; i < alen(list); i++)
		if (streq_null(str(pal_json_get(aget(list, i), "type")), type))
			return aget(list, i);
	return NULL;
}

static void check_ns_input(yajl_val out, yajl_val in, struct priv_result *r)
{
	yajl_val ol = pal_json_getp(out, "linux", "namespaces", NULL);
	yajl_val il = pal_json_getp(in, "linux", "namespaces", NULL);

	for (size_t i = 0; i < alen(il); i++) {
		const char *t = str(pal_json_get(aget(il, i), "type"));
		const char *p = str(pal_json_get(aget(il, i), "path"));
		yajl_val o = ns_find(ol, t);

		if (!o)
			add(r, "namespaces", "linux.namespaces: %s namespace dropped (host's now)",
			    t ? t : "?");
		else if (!streq_null(p, str(pal_json_get(o, "path"))))
			add(r, "namespaces", "linux.namespaces: %s path changed from %s to %s",
			    t ? t : "?", p ? p : "(new)",
			    str(pal_json_get(o, "path")) ? str(pal_json_get(o, "path")) : "(new)");
	}
	for (size_t i = 0; i < alen(ol); i++) {
		const char *t = str(pal_json_get(aget(ol, i), "type"));
		const char *p = str(pal_json_get(aget(ol, i), "path"));
		if (p && !ns_find(il, t))
			add(r, "namespaces",
			    "linux.namespaces: joins %s namespace %s not in the input", t ? t : "?",
			    p);
	}
}

static void check_ns_profile(yajl_val out, yajl_val sec, struct priv_result *r)
{
	yajl_val ol = pal_json_getp(out, "linux", "namespaces", NULL);
	yajl_val req = pal_json_get(sec, "required");
	yajl_val host = pal_json_get(sec, "allowHost");
	const char *user = str(pal_json_get(sec, "user"));

	for (size_t i = 0; i < alen(req) + 1; i++) {
		const char *t = i < alen(req) ? str(aget(req, i))
		                              : (user && !strcmp(user, "required") ? "user" : NULL);
		yajl_val o;

		if (!t)
			continue;
		o = ns_find(ol, t);
		/* allowHost admits the host's namespace in either form: joined
		 * by path, or left out (which is how the spec asks for it) */
		if (!o && !has_str(host, t))
			add(r, "namespaces", "linux.namespaces: required %s namespace missing", t);
		else if (pal_json_get(o, "path") && !has_str(host, t))
			add(r, "namespaces",
			    "linux.namespaces: required %s namespace joined by path %s", t,
			    str(pal_json_get(o, "path")) ? str(pal_json_get(o, "path")) : "?");
	}
}

/* ------------------------------------------------------------- mounts */

static bool is_bind(yajl_val m)
{
	yajl_val opts = pal_json_get(m, "options");

	return streq_null(str(pal_json_get(m, "type")), "bind") || has_str(opts, "bind") ||
	       has_str(opts, "rbind");
}

/* Options that take something away: dropping one loosens.  Dropping any
 * other (dev, suid, rbind, shared, strictatime ...) does not. */
static const char *const protective[] = {"ro",          "nosuid",     "nodev",      "noexec",
                                         "nosymfollow", "private",    "rprivate",   "slave",
                                         "rslave",      "unbindable", "runbindable"};
static const char *const loosening[] = {"rw", "suid", "dev", "exec", "shared", "rshared", "rbind"};

static bool in_list(const char *s, const char *const *l, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(s, l[i]))
			return true;
	return false;
}

/* Why mount O is not a restriction of mount I (NULL: it is). */
static const char *mount_le(yajl_val o, yajl_val i, char *buf, size_t len)
{
	yajl_val oo = pal_json_get(o, "options"), io = pal_json_get(i, "options");

	for (size_t k = 0; k < alen(io); k++) {
		const char *opt = str(aget(io, k));
		if (opt && !has_str(oo, opt) &&
		    in_list(opt, protective, sizeof(protective) / sizeof(*protective))) {
			snprintf(buf, len, "option %s dropped", opt);
			return buf;
		}
	}
	for (size_t k = 0; k < alen(oo); k++) {
		const char *opt = str(aget(oo, k));
		if (opt && !has_str(io, opt) &&
		    in_list(opt, loosening, sizeof(loosening) / sizeof(*loosening))) {
			snprintf(buf, len, "option %s added", opt);
			return buf;
		}
	}
	return NULL;
}

static void check_mounts_input(yajl_val out, yajl_val in, struct priv_result *r)
{
	yajl_val ol = pal_json_get(out, "mounts"), il = pal_json_get(in, "mounts");
	char why[128];

	for (size_t a = 0; a < alen(ol); a++) {
		yajl_val o = aget(ol, a);
		const char *d = str(pal_json_get(o, "destination"));
		const char *s = str(pal_json_get(o, "source"));
		const char *t = str(pal_json_get(o, "type"));
		const char *last = "not in the input";
		bool ok = false;

		for (size_t b = 0; b < alen(il) && !ok; b++) {
			yajl_val i = aget(il, b);
			if (!streq_null(d, str(pal_json_get(i, "destination"))) ||
			    !streq_null(s, str(pal_json_get(i, "source"))) ||
			    !streq_null(t, str(pal_json_get(i, "type"))))
				continue;
			const char *w = mount_le(o, i, why, sizeof(why));
			if (!w)
				ok = true;
			else
				last = w;
		}
		if (!ok)
			add(r, "mounts", "mounts: %s (source %s, type %s): %s", d ? d : "?",
			    s ? s : "-", t ? t : "-", last);
	}
}

/* Is A below directory B (strictly)? */
static bool below(const char *a, const char *b)
{
	size_t n = strlen(b);

	if (!strcmp(b, "/"))
		return a[0] == '/' && a[1] != '\0';
	return !strncmp(a, b, n) && a[n] == '/';
}

static bool exposes(const char *path, const char *d)
{
	return !strcmp(path, d) || below(d, path) || (strcmp(d, "/") != 0 && below(path, d));
}

/* PATH with the host's symlinks resolved (/var/run -> /run), or PATH when
 * it does not exist; cached, the host does not change during a test. */
static const char *resolved(const char *path)
{
	static struct {
		char *from, *to;
	} cache[256];
	static size_t n;
	char *rp;

	for (size_t i = 0; i < n; i++)
		if (!strcmp(cache[i].from, path))
			return cache[i].to;
	rp = realpath(path, NULL);
	if (n == sizeof(cache) / sizeof(cache[0]))
		return path; /* a leak would be worse than the syscall */
	cache[n].from = strdup(path);
	cache[n].to = rp ? rp : strdup(path);
	if (!cache[n].from || !cache[n].to) {
		free(cache[n].from);
		free(cache[n].to);
		return path;
	}
	return cache[n++].to;
}

/* Does a bind of host PATH expose one of DENIED: PATH is one, lies below
 * one, or contains one (binding /var/run exposes /var/run/docker.sock), as
 * written or with the host's symlinks resolved on both sides.  "/" denies
 * "/" itself only: everything lies below it. */
static const char *denied_path(const char *path, yajl_val denied)
{
	for (size_t i = 0; i < alen(denied); i++) {
		const char *d = str(aget(denied, i));
		if (!d)
			continue;
		if (exposes(path, d) || exposes(resolved(path), resolved(d)))
			return d;
	}
	return NULL;
}

static void check_mounts_profile(yajl_val out, yajl_val sec, struct priv_result *r)
{
	yajl_val ol = pal_json_get(out, "mounts");
	yajl_val deny = pal_json_get(sec, "denyHostPaths");
	yajl_val force = pal_json_get(sec, "forceOptions");

	for (size_t a = 0; a < alen(ol); a++) {
		yajl_val o = aget(ol, a);
		const char *d = str(pal_json_get(o, "destination"));
		const char *s = str(pal_json_get(o, "source"));
		const char *hit;

		if (!is_bind(o))
			continue;
		if (s && (hit = denied_path(s, deny)))
			add(r, "mounts", "mounts: %s binds denied host path %s (denyHostPaths %s)",
			    d ? d : "?", s, hit);
		for (size_t k = 0; k < alen(force); k++)
			if (str(aget(force, k)) &&
			    !has_str(pal_json_get(o, "options"), str(aget(force, k))))
				add(r, "mounts", "mounts: bind %s lacks forced option %s",
				    d ? d : "?", str(aget(force, k)));
	}
}

/* ------------------------------------------------------------- path lists */

static void check_superset(yajl_val out_list, yajl_val want, const char *field, const char *section,
                           const char *whose, struct priv_result *r)
{
	for (size_t i = 0; i < alen(want); i++) {
		const char *p = str(aget(want, i));
		if (p && !has_str(out_list, p))
			add(r, section, "%s: %s (%s) missing", field, p, whose);
	}
}

/* ------------------------------------------------------------- devices */

static bool dev_same(yajl_val a, yajl_val b)
{
	int64_t ma, mb, na, nb;

	return streq_null(str(pal_json_get(a, "path")), str(pal_json_get(b, "path"))) &&
	       streq_null(str(pal_json_get(a, "type")), str(pal_json_get(b, "type"))) &&
	       num_i64(pal_json_get(a, "major"), &ma) && num_i64(pal_json_get(b, "major"), &mb) &&
	       ma == mb && num_i64(pal_json_get(a, "minor"), &na) &&
	       num_i64(pal_json_get(b, "minor"), &nb) && na == nb;
}

static int64_t dev_int(yajl_val d, const char *key, int64_t dflt)
{
	int64_t v;

	return num_i64(pal_json_get(d, key), &v) ? v : dflt;
}

static void check_devices_input(yajl_val out, yajl_val in, struct priv_result *r)
{
	yajl_val ol = pal_json_getp(out, "linux", "devices", NULL);
	yajl_val il = pal_json_getp(in, "linux", "devices", NULL);

	for (size_t a = 0; a < alen(ol); a++) {
		yajl_val o = aget(ol, a);
		bool ok = false;
		for (size_t b = 0; b < alen(il) && !ok; b++) {
			yajl_val i = aget(il, b);
			ok = dev_same(o, i) &&
			     (dev_int(o, "fileMode", 0666) & ~dev_int(i, "fileMode", 0666)) == 0 &&
			     dev_int(o, "uid", 0) == dev_int(i, "uid", 0) &&
			     dev_int(o, "gid", 0) == dev_int(i, "gid", 0);
		}
		if (!ok)
			add(r, "devices", "linux.devices: %s not in the input (or more permissive)",
			    str(pal_json_get(o, "path")) ? str(pal_json_get(o, "path")) : "?");
	}
}

bool priv_devcg_allows(yajl_val rules, char type, int64_t major, int64_t minor, char access)
{
	bool allowed = true;

	for (size_t i = 0; i < alen(rules); i++) {
		yajl_val e = aget(rules, i);
		const char *t = str(pal_json_get(e, "type"));
		const char *acc = str(pal_json_get(e, "access"));
		int64_t ma = dev_int(e, "major", -1), mi = dev_int(e, "minor", -1);

		if (t && strcmp(t, "a") != 0 && t[0] != type)
			continue;
		if (ma >= 0 && ma != major)
			continue;
		if (mi >= 0 && mi != minor)
			continue;
		if (acc && *acc && !strchr(acc, access))
			continue;
		allowed = YAJL_IS_TRUE(pal_json_get(e, "allow"));
	}
	return allowed;
}

static void devcg_values(yajl_val rules, const char *key, int64_t *vals, size_t *n, size_t max)
{
	for (size_t i = 0; i < alen(rules) && *n < max; i++) {
		int64_t v = dev_int(aget(rules, i), key, -1);
		if (v >= 0)
			vals[(*n)++] = v;
	}
}

static void check_devcg_input(yajl_val out, yajl_val in, struct priv_result *r)
{
	yajl_val orl = pal_json_getp(out, "linux", "resources", "devices", NULL);
	yajl_val irl = pal_json_getp(in, "linux", "resources", "devices", NULL);
	int64_t majors[64] = {1, 4, 5, 8, 10, 136, 189, 254, 4095};
	int64_t minors[64] = {0, 1, 3, 5, 9, 229, 255};
	size_t nma = 9, nmi = 7;
	static const char types[] = "cb", accs[] = "rwm";

	devcg_values(orl, "major", majors, &nma, 64);
	devcg_values(irl, "major", majors, &nma, 64);
	devcg_values(orl, "minor", minors, &nmi, 64);
	devcg_values(irl, "minor", minors, &nmi, 64);
	for (size_t t = 0; t < 2; t++)
		for (size_t a = 0; a < nma; a++)
			for (size_t b = 0; b < nmi; b++)
				for (size_t c = 0; c < 3; c++)
					if (priv_devcg_allows(orl, types[t], majors[a], minors[b],
					                      accs[c]) &&
					    !priv_devcg_allows(irl, types[t], majors[a], minors[b],
					                       accs[c])) {
						add(r, "devices",
						    "linux.resources.devices: %c %" PRId64
						    ":%" PRId64 " %c allowed, the input denied it",
						    types[t], majors[a], minors[b], accs[c]);
						return;
					}
}

static bool std_device(yajl_val d)
{
	static const struct {
		const char *path;
		int64_t major, minor;
	} std[] = {{"/dev/null", 1, 3},    {"/dev/zero", 1, 5},    {"/dev/full", 1, 7},
	           {"/dev/random", 1, 8},  {"/dev/urandom", 1, 9}, {"/dev/tty", 5, 0},
	           {"/dev/console", 5, 1}, {"/dev/ptmx", 5, 2}};

	for (size_t i = 0; i < sizeof(std) / sizeof(std[0]); i++)
		if (streq_null(str(pal_json_get(d, "path")), std[i].path) &&
		    streq_null(str(pal_json_get(d, "type")), "c") &&
		    dev_int(d, "major", -2) == std[i].major &&
		    dev_int(d, "minor", -2) == std[i].minor)
			return true;
	return false;
}

static void check_devices_profile(yajl_val out, yajl_val sec, struct priv_result *r)
{
	yajl_val ol = pal_json_getp(out, "linux", "devices", NULL);
	yajl_val allow = pal_json_get(sec, "allow");

	for (size_t a = 0; a < alen(ol); a++) {
		yajl_val o = aget(ol, a);
		bool ok = std_device(o);
		for (size_t b = 0; b < alen(allow) && !ok; b++)
			ok = dev_same(o, aget(allow, b));
		if (!ok)
			add(r, "devices", "linux.devices: %s is neither standard nor allowed",
			    str(pal_json_get(o, "path")) ? str(pal_json_get(o, "path")) : "?");
	}
}

/* ------------------------------------------------------------- sysctls */

static void check_sysctls(yajl_val out, yajl_val in, yajl_val sec, struct priv_result *r)
{
	yajl_val o = pal_json_getp(out, "linux", "sysctl", NULL);
	yajl_val i = in ? pal_json_getp(in, "linux", "sysctl", NULL) : NULL;

	if (!YAJL_IS_OBJECT(o))
		return;
	for (size_t k = 0; k < o->u.object.len; k++) {
		const char *key = o->u.object.keys[k];
		if (in) {
			yajl_val iv = pal_json_get(i, key);
			if (!iv || !pal_json_equal(iv, o->u.object.values[k]))
				add(r, "sysctls",
				    "linux.sysctl: %s not in the input with this value", key);
		}
		if (sec) {
			bool ok = has_str(pal_json_get(sec, "allow"), key);
			yajl_val pre = pal_json_get(sec, "allowPrefixes");
			for (size_t p = 0; p < alen(pre) && !ok; p++)
				ok = str(aget(pre, p)) &&
				     !strncmp(key, str(aget(pre, p)), strlen(str(aget(pre, p))));
			if (!ok)
				add(r, "sysctls", "linux.sysctl: %s not allowed by the profile",
				    key);
		}
	}
}

/* ------------------------------------------------------------- rlimits */

/* The last entry of TYPE in process.rlimits. */
static yajl_val rlimit_find(yajl_val spec, const char *type)
{
	yajl_val l = pal_json_getp(spec, "process", "rlimits", NULL), found = NULL;

	for (size_t i = 0; i < alen(l); i++)
		if (streq_null(str(pal_json_get(aget(l, i), "type")), type))
			found = aget(l, i);
	return found;
}

static void rlimit_cmp(yajl_val o, yajl_val limit, const char *type, const char *whose,
                       struct priv_result *r)
{
	static const char *const keys[] = {"soft", "hard"};

	for (size_t k = 0; k < 2; k++) {
		uint64_t ov, lv;
		if (!num_u64(pal_json_get(limit, keys[k]), &lv))
			continue;
		if (!num_u64(pal_json_get(o, keys[k]), &ov))
			add(r, "rlimits", "process.rlimits %s.%s unreadable", type, keys[k]);
		else if (ov > lv)
			add(r, "rlimits", "process.rlimits %s.%s %" PRIu64 " > %s %" PRIu64, type,
			    keys[k], ov, whose, lv);
	}
}

static void check_rlimits_input(yajl_val out, yajl_val in, struct priv_result *r)
{
	yajl_val il = pal_json_getp(in, "process", "rlimits", NULL);

	for (size_t i = 0; i < alen(il); i++) {
		const char *t = str(pal_json_get(aget(il, i), "type"));
		yajl_val last, o;
		if (!t)
			continue;
		last = rlimit_find(in, t);
		if (last != aget(il, i))
			continue; /* an earlier entry runc overrides */
		o = rlimit_find(out, t);
		if (!o)
			add(r, "rlimits", "process.rlimits %s dropped (inherits runc's)", t);
		else
			rlimit_cmp(o, last, t, "input", r);
	}
}

static void check_rlimits_profile(yajl_val out, yajl_val sec, struct priv_result *r)
{
	yajl_val max = pal_json_get(sec, "max");

	if (!YAJL_IS_OBJECT(max))
		return;
	for (size_t k = 0; k < max->u.object.len; k++) {
		const char *t = max->u.object.keys[k];
		yajl_val o = rlimit_find(out, t);
		if (!o)
			add(r, "rlimits",
			    "process.rlimits %s absent: unbounded by the profile's max", t);
		else
			rlimit_cmp(o, max->u.object.values[k], t, "profile max", r);
	}
}

/* ------------------------------------------------------------- hooks */

/* Palisade's own hooks (src/rules/bpf.c) run Palisade itself to register
 * and remove the container's BPF policy: no privilege for the bundle.
 * They are exactly {"path": SBINDIR/palisade, "args": ["palisade", "hook",
 * "create-runtime"|"poststop", "--root", R], "timeout": 30} (the model's
 * rewrite has no self_exe and no PALISADE_CONFIG). */
static bool own_hook(yajl_val h, const char *word)
{
	yajl_val args = pal_json_get(h, "args");
	const char *p = str(pal_json_get(h, "path"));

	return p && !strcmp(p, SBINDIR "/palisade") &&
	       (alen(args) == 5 ||
		(alen(args) == 6 && str(aget(args, 5)) && !strcmp(str(aget(args, 5)), "--restore"))) &&
	       str(aget(args, 1)) && !strcmp(str(aget(args, 1)), "hook") && str(aget(args, 2)) &&
	       (word ? !strcmp(str(aget(args, 2)), word)
		     : (!strcmp(str(aget(args, 2)), "create-runtime") ||
			!strcmp(str(aget(args, 2)), "poststop"))) &&
	       h->u.object.len == 3 && pal_json_get(h, "timeout");
}

static void check_hooks(yajl_val out, yajl_val in, yajl_val sec, struct priv_result *r)
{
	yajl_val oh = pal_json_get(out, "hooks");

	if (!YAJL_IS_OBJECT(oh))
		return;
	for (size_t s = 0; s < oh->u.object.len; s++) {
		const char *stage = oh->u.object.keys[s];
		yajl_val ol = oh->u.object.values[s];
		yajl_val il = in ? pal_json_getp(in, "hooks", stage, NULL) : NULL;

		for (size_t a = 0; a < alen(ol); a++) {
			yajl_val h = aget(ol, a);
			const char *p = str(pal_json_get(h, "path"));
			bool ok = false;
			if (own_hook(h, NULL))
				continue;
			for (size_t b = 0; b < alen(il) && !ok; b++)
				ok = pal_json_equal(h, aget(il, b));
			if (in && !ok)
				add(r, "hooks", "hooks.%s: %s not in the input", stage,
				    p ? p : "?");
			if (sec && (!p || !has_str(pal_json_get(sec, "allow"), p)))
				add(r, "hooks", "hooks.%s: %s not allowed by the profile", stage,
				    p ? p : "?");
		}
	}
}

/* A profile's "bpf" section turns some rule on: a string rule not "off",
 * or an object whose action is not "off" and whose list is not empty. */
static bool bpf_on(yajl_val sec)
{
	for (size_t i = 0; i < sec->u.object.len; i++) {
		const char *k = sec->u.object.keys[i];
		yajl_val v = sec->u.object.values[i];
		const char *a = str(YAJL_IS_OBJECT(v) ? pal_json_get(v, "action") : v);

		if (!strcmp(k, "lsm") || !a || !strcmp(a, "off"))
			continue;
		if (!YAJL_IS_OBJECT(v) || alen(pal_json_get(v, "denyPrefixes")) ||
		    alen(pal_json_get(v, "deny")) || alen(pal_json_get(v, "denyWrite")) ||
		    alen(pal_json_get(v, "denyCidrs")))
			return true;
	}
	return false;
}

/* The profile wants BPF policy: Palisade's hooks must register it first
 * and remove it, or the container would run without it. */
static void check_bpf_profile(yajl_val out, struct priv_result *r)
{
	yajl_val cr = pal_json_getp(out, "hooks", "createRuntime", NULL);
	yajl_val ps = pal_json_getp(out, "hooks", "poststop", NULL);

	if (!alen(cr) || !own_hook(aget(cr, 0), "create-runtime"))
		add(r, "bpf", "hooks.createRuntime[0] is not Palisade's registration hook");
	if (!alen(ps) || !own_hook(aget(ps, 0), "poststop"))
		add(r, "bpf", "hooks.poststop[0] is not Palisade's removal hook");
}

/* ------------------------------------------------------------- seccomp */

#define ACTION_MASK 0xffff0000u /* the kernel's SECCOMP_RET_ACTION_FULL */
#define NR_MAX      1024        /* x86_64 numbers are below 512; x32 ones are not native */

enum { OP_NE, OP_LT, OP_LE, OP_EQ, OP_GE, OP_GT, OP_MASKED_EQ };

struct cond {
	uint8_t idx, op;
	uint64_t v, v2;
};

struct srule {
	uint32_t act;
	uint8_t n;
	struct cond c[6];
};

struct rules {
	struct srule *r;
	size_t n, cap;
};

struct priv_filter {
	bool none; /* no filter: every call executes */
	uint32_t def;
	bool notify, spec_allow, log_flag;
	struct rules nr[NR_MAX];
};

/* name -> number cache: libseccomp's lookup is a linear scan per name */
struct nrcache_ent {
	char *name;
	int nr;
};
static struct nrcache_ent nrcache[4096];

static uint32_t hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

int priv_syscall_nr(const char *name)
{
	uint32_t h = hash(name);

	for (size_t i = 0; i < 4096; i++) {
		struct nrcache_ent *e = &nrcache[(h + i) % 4096];
		if (!e->name) {
			int nr = seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86_64, name);
			e->name = strdup(name);
			if (!e->name)
				return nr;
			e->nr = nr;
			return nr;
		}
		if (!strcmp(e->name, name))
			return e->nr;
	}
	return seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86_64, name);
}

static int parse_action(const char *s, yajl_val errno_ret, uint32_t *act)
{
	uint64_t e = 1; /* runc: EPERM unless errnoRet */

	if (errno_ret && (!num_u64(errno_ret, &e) || e > 0xffff))
		return -1;
	if (!s)
		return -1;
	if (!strcmp(s, "SCMP_ACT_KILL") || !strcmp(s, "SCMP_ACT_KILL_THREAD"))
		*act = SCMP_ACT_KILL_THREAD;
	else if (!strcmp(s, "SCMP_ACT_KILL_PROCESS"))
		*act = SCMP_ACT_KILL_PROCESS;
	else if (!strcmp(s, "SCMP_ACT_TRAP"))
		*act = SCMP_ACT_TRAP;
	else if (!strcmp(s, "SCMP_ACT_ERRNO"))
		*act = SCMP_ACT_ERRNO((uint16_t)e);
	else if (!strcmp(s, "SCMP_ACT_TRACE"))
		*act = SCMP_ACT_TRACE((uint16_t)e);
	else if (!strcmp(s, "SCMP_ACT_ALLOW"))
		*act = SCMP_ACT_ALLOW;
	else if (!strcmp(s, "SCMP_ACT_LOG"))
		*act = SCMP_ACT_LOG;
	else if (!strcmp(s, "SCMP_ACT_NOTIFY"))
		*act = SCMP_ACT_NOTIFY;
	else
		return -1;
	return 0;
}

static int parse_op(const char *s)
{
	static const char *const ops[] = {"SCMP_CMP_NE",       "SCMP_CMP_LT", "SCMP_CMP_LE",
	                                  "SCMP_CMP_EQ",       "SCMP_CMP_GE", "SCMP_CMP_GT",
	                                  "SCMP_CMP_MASKED_EQ"};

	for (int i = 0; s && i < 7; i++)
		if (!strcmp(s, ops[i]))
			return i;
	return -1;
}

static bool cond_equal(const struct cond *a, const struct cond *b)
{
	return a->idx == b->idx && a->op == b->op && a->v == b->v && a->v2 == b->v2;
}

static bool conds_same_set(const struct srule *a, const struct srule *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++) {
		bool found = false;
		for (size_t j = 0; j < b->n && !found; j++)
			found = cond_equal(&a->c[i], &b->c[j]);
		if (!found)
			return false;
	}
	return true;
}

static int push_rule(struct priv_filter *f, int nr, const struct srule *s, char *why, size_t wl)
{
	struct rules *rs = &f->nr[nr];

	for (size_t i = 0; i < rs->n; i++)
		if (s->n && rs->r[i].n && rs->r[i].act != s->act && conds_same_set(&rs->r[i], s)) {
			snprintf(why, wl,
			         "syscall %d: the same conditions with two actions (EEXIST)", nr);
			return -1;
		}
	if (rs->n == rs->cap) {
		size_t cap = rs->cap ? rs->cap * 2 : 2;
		struct srule *r = realloc(rs->r, cap * sizeof(*r));
		if (!r) {
			snprintf(why, wl, "out of memory");
			return -1;
		}
		rs->r = r;
		rs->cap = cap;
	}
	rs->r[rs->n++] = *s;
	return 0;
}

static struct priv_filter *filter_new(void)
{
	return calloc(1, sizeof(struct priv_filter));
}

void priv_filter_free(struct priv_filter *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < NR_MAX; i++)
		free(f->nr[i].r);
	free(f);
}

/* One OCI "syscalls" entry (or a profile conditional) as runc adds it. */
static int add_entry(struct priv_filter *f, yajl_val names, uint32_t act, yajl_val args, char *why,
                     size_t wl)
{
	struct cond c[6];
	size_t nc = 0;
	unsigned count[6] = {0};
	bool split = false;

	if (args && !YAJL_IS_ARRAY(args)) {
		snprintf(why, wl, "args not an array");
		return -1;
	}
	for (size_t i = 0; i < alen(args); i++) {
		yajl_val a = aget(args, i);
		uint64_t idx, v = 0, v2 = 0;
		int op = parse_op(str(pal_json_get(a, "op")));

		if (!num_u64(pal_json_get(a, "index"), &idx) || idx >= 6 || op < 0 ||
		    (pal_json_get(a, "value") && !num_u64(pal_json_get(a, "value"), &v)) ||
		    (pal_json_get(a, "valueTwo") && !num_u64(pal_json_get(a, "valueTwo"), &v2))) {
			snprintf(why, wl, "bad args[%zu]", i);
			return -1;
		}
		if (nc == 6) {
			/* more than six conditions: runc splits (an index repeats) */
			split = true;
			continue;
		}
		c[nc++] = (struct cond){.idx = (uint8_t)idx, .op = (uint8_t)op, .v = v, .v2 = v2};
		if (++count[idx] > 1)
			split = true;
	}
	if (act == f->def)
		return 0;
	for (size_t n = 0; n < alen(names); n++) {
		const char *name = str(aget(names, n));
		int nr;

		if (!name || !*name) {
			snprintf(why, wl, "empty syscall name");
			return -1;
		}
		nr = priv_syscall_nr(name);
		if (nr < 0 || nr >= NR_MAX)
			continue;
		if (!split) {
			struct srule s = {.act = act, .n = (uint8_t)nc};
			memcpy(s.c, c, nc * sizeof(c[0]));
			if (push_rule(f, nr, &s, why, wl) < 0)
				return -1;
			continue;
		}
		for (size_t i = 0; i < alen(args); i++) {
			yajl_val a = aget(args, i);
			uint64_t idx = 0, v = 0, v2 = 0;
			num_u64(pal_json_get(a, "index"), &idx);
			num_u64(pal_json_get(a, "value"), &v);
			num_u64(pal_json_get(a, "valueTwo"), &v2);
			struct srule s = {.act = act, .n = 1};
			s.c[0] = (struct cond){.idx = (uint8_t)idx,
			                       .op = (uint8_t)parse_op(str(pal_json_get(a, "op"))),
			                       .v = v,
			                       .v2 = v2};
			if (push_rule(f, nr, &s, why, wl) < 0)
				return -1;
		}
	}
	return 0;
}

/* The errno Palisade's own listener answers with, or 0.  Its
 * listenerMetadata is {"palisade": 1, "errno": N, ...} (src/notify.c):
 * the monitor answers every notification with -N and never lets a call
 * run, and with no monitor the kernel fails it with ENOSYS, so such a
 * NOTIFY is a denial.  Any other listener may let the call run. */
static uint16_t palisade_listener_errno(yajl_val sc)
{
	const char *md = str(pal_json_get(sc, "listenerMetadata"));
	yajl_val o = NULL;
	pal_error err = {0};
	uint64_t mark = 0, e = 0;

	if (!md || pal_json_parse(md, strlen(md), "metadata", &o, &err) < 0)
		return 0;
	if (!num_u64(pal_json_get(o, "palisade"), &mark) || mark != 1 ||
	    !num_u64(pal_json_get(o, "errno"), &e) || e < 1 || e > 4095)
		e = 0;
	yajl_tree_free(o);
	return (uint16_t)e;
}

struct priv_filter *priv_filter_compile(yajl_val sc, char *why, size_t wl)
{
	struct priv_filter *f = filter_new();
	yajl_val calls, flags;

	if (!f) {
		snprintf(why, wl, "out of memory");
		return NULL;
	}
	if (!sc) {
		f->none = true;
		return f;
	}
	if (!YAJL_IS_OBJECT(sc) || parse_action(str(pal_json_get(sc, "defaultAction")),
	                                        pal_json_get(sc, "defaultErrnoRet"), &f->def) < 0) {
		snprintf(why, wl, "bad defaultAction");
		goto fail;
	}
	if (f->def == SCMP_ACT_NOTIFY) {
		snprintf(why, wl, "SCMP_ACT_NOTIFY as default action");
		goto fail;
	}
	flags = pal_json_get(sc, "flags");
	f->spec_allow = has_str(flags, "SECCOMP_FILTER_FLAG_SPEC_ALLOW");
	f->log_flag = has_str(flags, "SECCOMP_FILTER_FLAG_LOG");
	calls = pal_json_get(sc, "syscalls");
	if (calls && !YAJL_IS_ARRAY(calls)) {
		snprintf(why, wl, "syscalls not an array");
		goto fail;
	}
	for (size_t i = 0; i < alen(calls); i++) {
		yajl_val e = aget(calls, i);
		yajl_val names = pal_json_get(e, "names");
		uint32_t act;

		if (!YAJL_IS_ARRAY(names) || parse_action(str(pal_json_get(e, "action")),
		                                          pal_json_get(e, "errnoRet"), &act) < 0) {
			snprintf(why, wl, "syscalls[%zu]: bad names or action", i);
			goto fail;
		}
		if (act == SCMP_ACT_NOTIFY && palisade_listener_errno(sc))
			act = SCMP_ACT_ERRNO(palisade_listener_errno(sc));
		if (act == SCMP_ACT_NOTIFY) {
			if (has_str(names, "write")) {
				snprintf(why, wl, "SCMP_ACT_NOTIFY for write");
				goto fail;
			}
			f->notify = true;
		}
		if (add_entry(f, names, act, pal_json_get(e, "args"), why, wl) < 0)
			goto fail;
	}
	return f;
fail:
	priv_filter_free(f);
	return NULL;
}

struct priv_filter *priv_filter_from_profile(yajl_val sec, char *why, size_t wl)
{
	struct priv_filter *f = filter_new();
	yajl_val cond;

	if (!f) {
		snprintf(why, wl, "out of memory");
		return NULL;
	}
	if (!sec) {
		f->none = true;
		return f;
	}
	/* any denied value is level DENIED; the errno does not matter here */
	f->def = SCMP_ACT_ERRNO(1);
	if (add_entry(f, pal_json_get(sec, "allow"), SCMP_ACT_ALLOW, NULL, why, wl) < 0)
		goto fail;
	cond = pal_json_get(sec, "conditional");
	for (size_t i = 0; i < alen(cond); i++)
		if (add_entry(f, pal_json_get(aget(cond, i), "names"), SCMP_ACT_ALLOW,
		              pal_json_get(aget(cond, i), "args"), why, wl) < 0)
			goto fail;
	return f;
fail:
	priv_filter_free(f);
	return NULL;
}

static bool cond_match(const struct cond *c, const uint64_t args[6])
{
	uint64_t a = args[c->idx];

	switch (c->op) {
	case OP_NE:
		return a != c->v;
	case OP_LT:
		return a < c->v;
	case OP_LE:
		return a <= c->v;
	case OP_EQ:
		return a == c->v;
	case OP_GE:
		return a >= c->v;
	case OP_GT:
		return a > c->v;
	case OP_MASKED_EQ:
		/* libseccomp masks the datum too (db.c, _db_rule_gen_64:
		 * datum & mask): a valueTwo bit outside the mask is ignored */
		return (a & c->v) == (c->v2 & c->v);
	}
	return false;
}

static void outcome_add(struct priv_outcome *o, uint32_t act)
{
	for (size_t i = 0; i < o->n; i++)
		if (o->act[i] == act)
			return;
	if (o->n < PRIV_MAX_OUTCOMES)
		o->act[o->n++] = act;
}

void priv_filter_eval(const struct priv_filter *f, int nr, const uint64_t args[6],
                      struct priv_outcome *o)
{
	const struct rules *rs;

	o->n = 0;
	o->matched = false;
	o->unreliable = false;
	if (f->none) {
		outcome_add(o, SCMP_ACT_ALLOW);
		return;
	}
	if (nr < 0 || nr >= NR_MAX) {
		outcome_add(o, f->def);
		return;
	}
	rs = &f->nr[nr];
	for (size_t i = 0; i < rs->n; i++)
		if (rs->r[i].n == 0) {
			o->matched = true;
			outcome_add(o, rs->r[i].act);
			return;
		}
	for (size_t i = 0; i < rs->n; i++) {
		bool m = true;
		for (size_t k = 0; k < rs->r[i].n && m; k++)
			m = cond_match(&rs->r[i].c[k], args);
		if (m) {
			o->matched = true;
			outcome_add(o, rs->r[i].act);
		}
	}
	if (!o->matched)
		outcome_add(o, f->def);
	if (rs->n >= 2) {
		/* Several conditional rules: libseccomp 2.5.4 merges them into
		 * one decision tree and the tree does not always mean their
		 * union (measured: a call matching none got a rule's action, a
		 * call matching one got the default).  Any of them may result. */
		o->unreliable = true;
		for (size_t i = 0; i < rs->n; i++)
			outcome_add(o, rs->r[i].act);
		outcome_add(o, f->def);
	}
}

bool priv_filter_same_rules(const struct priv_filter *a, const struct priv_filter *b, int nr)
{
	const struct rules *x, *y;

	if (a->none || b->none)
		return a->none == b->none;
	if (a->def != b->def || nr < 0 || nr >= NR_MAX)
		return a->def == b->def;
	x = &a->nr[nr];
	y = &b->nr[nr];
	if (x->n != y->n)
		return false;
	for (size_t i = 0; i < x->n; i++) {
		if (x->r[i].act != y->r[i].act || x->r[i].n != y->r[i].n)
			return false;
		for (size_t k = 0; k < x->r[i].n; k++)
			if (!cond_equal(&x->r[i].c[k], &y->r[i].c[k]))
				return false;
	}
	return true;
}

bool priv_filter_has_notify(const struct priv_filter *f)
{
	return f->notify;
}

enum priv_level priv_action_level(uint32_t act)
{
	switch (act & ACTION_MASK) {
	case SCMP_ACT_ALLOW:
	case SCMP_ACT_LOG:
		return PRIV_EXECUTED;
	case SCMP_ACT_TRACE(0):
	case SCMP_ACT_NOTIFY:
		return PRIV_SUPERVISED;
	default:
		return PRIV_DENIED;
	}
}

const char *priv_action_name(uint32_t act, char *buf, size_t len)
{
	switch (act & ACTION_MASK) {
	case SCMP_ACT_ALLOW:
		return "ALLOW";
	case SCMP_ACT_LOG:
		return "LOG";
	case SCMP_ACT_NOTIFY:
		return "NOTIFY";
	case SCMP_ACT_TRAP:
		return "TRAP";
	case SCMP_ACT_KILL_PROCESS:
		return "KILL_PROCESS";
	case SCMP_ACT_KILL_THREAD:
		return "KILL_THREAD";
	case SCMP_ACT_TRACE(0):
		snprintf(buf, len, "TRACE(%u)", act & 0xffff);
		return buf;
	case SCMP_ACT_ERRNO(0):
		snprintf(buf, len, "ERRNO(%u)", act & 0xffff);
		return buf;
	}
	snprintf(buf, len, "0x%08x", act);
	return buf;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

int *priv_filter_syscalls(const struct priv_filter *const *fs, size_t nfs, const int *fixed,
                          size_t *n)
{
	int *out = malloc((NR_MAX + 64) * sizeof(int));
	size_t k = 0;

	if (!out)
		return NULL;
	for (int nr = 0; nr < NR_MAX; nr++) {
		bool any = false;
		for (size_t i = 0; i < nfs && !any; i++)
			any = fs[i] && !fs[i]->none && fs[i]->nr[nr].n;
		if (any)
			out[k++] = nr;
	}
	for (size_t i = 0; fixed && fixed[i] >= 0 && i < 64; i++) {
		bool dup = false;
		for (size_t j = 0; j < k && !dup; j++)
			dup = out[j] == fixed[i];
		if (!dup)
			out[k++] = fixed[i];
	}
	qsort(out, k, sizeof(int), cmp_int);
	*n = k;
	return out;
}

/* A value meeting C (false: none exists). */
static bool cond_meet(const struct cond *c, uint64_t *a)
{
	switch (c->op) {
	case OP_NE:
		*a = c->v + 1;
		return true;
	case OP_LT:
		*a = c->v - 1;
		return c->v != 0;
	case OP_LE:
	case OP_EQ:
	case OP_GE:
		*a = c->v;
		return true;
	case OP_GT:
		*a = c->v + 1;
		return c->v != UINT64_MAX;
	case OP_MASKED_EQ:
		*a = c->v2 & c->v;
		return true;
	}
	return false;
}

/* A value missing C. */
static bool cond_miss(const struct cond *c, uint64_t *a)
{
	switch (c->op) {
	case OP_NE:
		*a = c->v;
		return true;
	case OP_LT:
		*a = c->v;
		return true;
	case OP_LE:
		*a = c->v + 1;
		return c->v != UINT64_MAX;
	case OP_EQ:
		*a = c->v + 1;
		return true;
	case OP_GE:
		*a = c->v - 1;
		return c->v != 0;
	case OP_GT:
		*a = c->v;
		return true;
	case OP_MASKED_EQ:
		/* flip the lowest bit the mask looks at */
		*a = (c->v2 & c->v) ^ (c->v & -c->v);
		return c->v != 0;
	}
	return false;
}

#define MAX_VECS 96

uint64_t (*priv_filter_argvecs(const struct priv_filter *const *fs, size_t nfs, int nr,
                               size_t *n))[6]
{
	uint64_t(*v)[6] = calloc(MAX_VECS, sizeof(*v));
	size_t k = 0;

	if (!v)
		return NULL;
	/* zeros, then all ones */
	k = 1;
	for (int i = 0; i < 6; i++)
		v[k][i] = UINT64_MAX;
	k++;
	for (size_t f = 0; f < nfs; f++) {
		const struct rules *rs;
		if (!fs[f] || fs[f]->none || nr < 0 || nr >= NR_MAX)
			continue;
		rs = &fs[f]->nr[nr];
		for (size_t r = 0; r < rs->n; r++) {
			const struct srule *s = &rs->r[r];
			uint64_t meet[6] = {0};
			bool ok = true;
			if (!s->n)
				continue;
			for (size_t c = 0; c < s->n; c++)
				ok = cond_meet(&s->c[c], &meet[s->c[c].idx]) && ok;
			if (ok && k < MAX_VECS)
				memcpy(v[k++], meet, sizeof(meet));
			for (size_t c = 0; c < s->n && k < MAX_VECS; c++) {
				uint64_t miss;
				if (!cond_miss(&s->c[c], &miss))
					continue;
				memcpy(v[k], meet, sizeof(meet));
				v[k++][s->c[c].idx] = miss;
			}
		}
	}
	*n = k;
	return v;
}

int priv_filter_load(const struct priv_filter *f, const int *also_allow)
{
	scmp_filter_ctx ctx;
	int rc;

	if (f->none)
		return 0;
	ctx = seccomp_init(f->def);
	if (!ctx)
		return -ENOMEM;
	for (size_t i = 0; also_allow && also_allow[i] >= 0; i++) {
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, also_allow[i], 0);
		if (rc < 0 && rc != -EACCES) { /* EACCES: the default already allows */
			seccomp_release(ctx);
			return rc;
		}
	}
	for (int nr = 0; nr < NR_MAX; nr++) {
		const struct rules *rs = &f->nr[nr];
		bool keep = false;
		for (size_t i = 0; also_allow && also_allow[i] >= 0 && !keep; i++)
			keep = also_allow[i] == nr;
		for (size_t i = 0; i < rs->n && !keep; i++) {
			struct scmp_arg_cmp cmp[6];
			static const enum scmp_compare ops[] = {
			    SCMP_CMP_NE, SCMP_CMP_LT, SCMP_CMP_LE,       SCMP_CMP_EQ,
			    SCMP_CMP_GE, SCMP_CMP_GT, SCMP_CMP_MASKED_EQ};
			for (size_t c = 0; c < rs->r[i].n; c++)
				cmp[c] = (struct scmp_arg_cmp){.arg = rs->r[i].c[c].idx,
				                               .op = ops[rs->r[i].c[c].op],
				                               .datum_a = rs->r[i].c[c].v,
				                               .datum_b = rs->r[i].c[c].v2};
			rc = seccomp_rule_add_array(ctx, rs->r[i].act, nr, rs->r[i].n, cmp);
			if (rc < 0) {
				seccomp_release(ctx);
				return rc;
			}
		}
	}
	rc = seccomp_load(ctx);
	seccomp_release(ctx);
	return rc;
}

/* What libseccomp really decides for NR(ARGS) under F, asked of the kernel:
 * F's rules for NR are moved onto getppid (harmless, never fails, ignores
 * its arguments; libseccomp builds one decision tree per syscall from that
 * syscall's rules alone) and every distinct action, default included, is
 * replaced by its own errno marker, so that the call reports which action
 * was taken without taking it.  Used where the model is ambiguous. */
static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 1099511628211ULL;
	return h;
}

/* Hash of what libseccomp builds NR's tree from: the default and NR's rules. */
static uint64_t rules_hash(const struct priv_filter *f, int nr)
{
	const struct rules *rs = &f->nr[nr];
	uint64_t h = fnv(14695981039346656037ULL, &f->def, sizeof(f->def));

	for (size_t i = 0; i < rs->n; i++) {
		h = fnv(h, &rs->r[i].act, sizeof(rs->r[i].act));
		h = fnv(h, &rs->r[i].n, sizeof(rs->r[i].n));
		for (size_t k = 0; k < rs->r[i].n; k++) {
			const struct cond *c = &rs->r[i].c[k];
			h = fnv(h, &c->idx, 1);
			h = fnv(h, &c->op, 1);
			h = fnv(h, &c->v, 8);
			h = fnv(h, &c->v2, 8);
		}
	}
	return h;
}

#define PROBE_CACHE      (1u << 16)
#define PROBE_TIMEOUT_MS 500

static struct {
	uint64_t key;
	uint32_t act;
	int state; /* 0 empty, 1 known, -errno failed */
} probe_cache[PROBE_CACHE];

static int probe_lookup(uint64_t key, uint32_t *act, bool store, int state)
{
	for (size_t i = 0; i < 64; i++) {
		size_t at = (size_t)((key + i) % PROBE_CACHE);
		if (probe_cache[at].state == 0) {
			if (store) {
				probe_cache[at].key = key;
				probe_cache[at].act = *act;
				probe_cache[at].state = state;
			}
			return 0;
		}
		if (probe_cache[at].key == key) {
			*act = probe_cache[at].act;
			return probe_cache[at].state;
		}
	}
	return 0; /* full there: not cached */
}

size_t priv_kernel_probes, priv_kernel_timeouts;

/* The argument vectors check_seccomp() is about to try for one syscall: a
 * probe answers all of them in one child. */
static const uint64_t (*batch)[6];
static size_t batch_n;

static int kernel_actions(const struct priv_filter *f, int nr, const uint64_t (*args)[6], size_t n,
                          uint32_t *out);

int priv_filter_kernel_action(const struct priv_filter *f, int nr, const uint64_t args[6],
                              uint32_t *act)
{
	uint64_t rh, key;
	uint64_t(*vecs)[6];
	uint32_t *acts;
	size_t n = 0;
	int rc;

	if (f->none || nr < 0 || nr >= NR_MAX) {
		*act = f->none ? SCMP_ACT_ALLOW : f->def;
		return 0;
	}
	rh = rules_hash(f, nr);
	/* a tree libseccomp could not build in time is remembered without args */
	if (probe_lookup(rh ^ 0x5a5a5a5a5a5a5a5aULL, act, false, 0) == -ETIMEDOUT)
		return -ETIMEDOUT;
	key = fnv(rh, args, 6 * sizeof(uint64_t));
	if (probe_lookup(key, act, false, 0) == 1)
		return 0;
	vecs = calloc(batch_n + 1, sizeof(*vecs));
	acts = calloc(batch_n + 1, sizeof(*acts));
	if (!vecs || !acts) {
		free(vecs);
		free(acts);
		return -ENOMEM;
	}
	memcpy(vecs[n++], args, sizeof(vecs[0]));
	for (size_t i = 0; i < batch_n; i++)
		memcpy(vecs[n++], batch[i], sizeof(vecs[0]));
	rc = kernel_actions(f, nr, (const uint64_t(*)[6])vecs, n, acts);
	if (rc == -ETIMEDOUT) {
		priv_kernel_timeouts++;
		probe_lookup(rh ^ 0x5a5a5a5a5a5a5a5aULL, act, true, -ETIMEDOUT);
	} else if (rc == 0) {
		for (size_t i = 0; i < n; i++)
			probe_lookup(fnv(rh, vecs[i], 6 * sizeof(uint64_t)), &acts[i], true, 1);
		*act = acts[0];
	}
	free(vecs);
	free(acts);
	return rc;
}

static int kernel_actions(const struct priv_filter *f, int nr, const uint64_t (*args)[6], size_t n,
                          uint32_t *out)
{
	enum { MARK = 3000 };
	uint32_t acts[64];
	size_t na = 0, sz = (n + 1) * sizeof(int);
	const struct rules *rs = &f->nr[nr];
	int *shared, status, rc;
	pid_t pid;

	priv_kernel_probes++;
	acts[na++] = f->def;
	for (size_t i = 0; i < rs->n; i++) {
		size_t k;
		for (k = 0; k < na && acts[k] != rs->r[i].act; k++)
			;
		if (k == na && na < 64)
			acts[na++] = rs->r[i].act;
	}
	shared = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED)
		return -errno;
	shared[n] = -1;
	pid = fork();
	if (pid < 0) {
		rc = -errno;
		munmap(shared, sz);
		return rc;
	}
	if (pid == 0) {
		static const int sigs[] = {SIGSYS, SIGSEGV, SIGILL, SIGFPE, SIGBUS};
		scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ERRNO(MARK));

		for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
			signal(sigs[i], SIG_DFL);
		/* libseccomp 2.5.4 loops forever on some rule pairs (two rules
		 * sharing a first NE, LT or GE comparison on one argument, then
		 * comparing different ones); a good probe takes milliseconds */
		setitimer(ITIMER_REAL,
		          &(struct itimerval){.it_value = {.tv_usec = PROBE_TIMEOUT_MS * 1000}},
		          NULL);
		/* exit_group: ours; munmap, brk, madvise: free() inside
		 * seccomp_load() once the filter is live */
		if (!ctx || seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(exit_group), 0) < 0 ||
		    seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(munmap), 0) < 0 ||
		    seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(brk), 0) < 0 ||
		    seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(madvise), 0) < 0)
			_exit(1);
		for (size_t i = 0; i < rs->n; i++) {
			struct scmp_arg_cmp cmp[6];
			size_t k;
			for (k = 0; k < na && acts[k] != rs->r[i].act; k++)
				;
			if (k == 0)
				continue; /* the default's own action: runc skips it */
			for (size_t c = 0; c < rs->r[i].n; c++)
				cmp[c] = (struct scmp_arg_cmp){
				    .arg = rs->r[i].c[c].idx,
				    .op = (enum scmp_compare)(rs->r[i].c[c].op + 1),
				    .datum_a = rs->r[i].c[c].v,
				    .datum_b = rs->r[i].c[c].v2};
			if (seccomp_rule_add_array(ctx, SCMP_ACT_ERRNO(MARK + (uint16_t)k),
			                           SCMP_SYS(getppid), rs->r[i].n, cmp) < 0)
				_exit(2);
		}
		if (seccomp_load(ctx) < 0)
			_exit(3);
		/* every action is a marker errno: no call is made, none kills */
		for (size_t i = 0; i < n; i++) {
			long r = syscall(SYS_getppid, args[i][0], args[i][1], args[i][2],
			                 args[i][3], args[i][4], args[i][5]);
			shared[i] = r < 0 ? errno : 0;
		}
		shared[n] = 0;
		syscall(SYS_exit_group, 0);
	}
	rc = 0;
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
	    shared[n] != 0)
		rc = WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM ? -ETIMEDOUT : -EPROTO;
	for (size_t i = 0; i < n && rc == 0; i++) {
		if (shared[i] < MARK || (size_t)(shared[i] - MARK) >= na)
			rc = -EPROTO;
		else
			out[i] = acts[shared[i] - MARK];
	}
	munmap(shared, sz);
	return rc;
}

/* The privilege of NR(ARGS) under F: the model's when it has one answer,
 * the kernel's when the model has several (and AMBIGUOUS is counted). */
static enum priv_level level_of(const struct priv_filter *f, int nr, const uint64_t args[6],
                                const struct priv_outcome *o, uint32_t *act, bool high, int *rc)
{
	enum priv_level lvl = high ? PRIV_DENIED : PRIV_EXECUTED;

	*act = o->act[0];
	*rc = 0;
	if (o->n == 1)
		return priv_action_level(o->act[0]);
	*rc = priv_filter_kernel_action(f, nr, args, act);
	if (*rc == 0)
		return priv_action_level(*act);
	/* no kernel answer: the most (HIGH) or least permissive possible */
	for (size_t k = 0; k < o->n; k++)
		if (high ? priv_action_level(o->act[k]) > lvl
		         : priv_action_level(o->act[k]) < lvl) {
			lvl = priv_action_level(o->act[k]);
			*act = o->act[k];
		}
	return lvl;
}

/* What the seccomp rule lets through whatever the profile says, because
 * runc makes these calls after loading the filter and before execve (the
 * rule's header comment lists where in runc 1.1 each comes from): allowed
 * by the model of the profile too, so that anything else is still caught. */
static void allow_runtime_needs(struct priv_filter *fp, yajl_val out)
{
	static const char *const always[] = {"exit",   "exit_group", "rt_sigreturn", "close",
	                                     "openat", "write",      "getpid",       "execve",
	                                     "futex",  "nanosleep"};
	static const char *const no_nnp[] = {
	    "capget",  "capset",     "chdir", "fchown", "fcntl",  "fstat",     "getdents64",
	    "getppid", "newfstatat", "prctl", "read",   "setgid", "setgroups", "setuid"};
	static const char *const listener[] = {"read", "sendmsg"};
	char why[32];

	for (size_t i = 0; i < sizeof(always) / sizeof(always[0]); i++) {
		struct srule s = {.act = SCMP_ACT_ALLOW};
		int nr = priv_syscall_nr(always[i]);
		if (nr >= 0 && nr < NR_MAX && !fp->nr[nr].n)
			push_rule(fp, nr, &s, why, sizeof(why));
	}
	if (!YAJL_IS_TRUE(pal_json_getp(out, "process", "noNewPrivileges", NULL)))
		for (size_t i = 0; i < sizeof(no_nnp) / sizeof(no_nnp[0]); i++) {
			struct srule s = {.act = SCMP_ACT_ALLOW};
			int nr = priv_syscall_nr(no_nnp[i]);
			if (nr >= 0 && nr < NR_MAX && !fp->nr[nr].n)
				push_rule(fp, nr, &s, why, sizeof(why));
		}
	if (pal_json_getp(out, "linux", "seccomp", "listenerPath", NULL))
		for (size_t i = 0; i < sizeof(listener) / sizeof(listener[0]); i++) {
			struct srule s = {.act = SCMP_ACT_ALLOW};
			int nr = priv_syscall_nr(listener[i]);
			if (nr >= 0 && nr < NR_MAX && !fp->nr[nr].n)
				push_rule(fp, nr, &s, why, sizeof(why));
		}
}

size_t priv_kernel_asked;

static void hangs(struct priv_result *r, const struct priv_filter *f, int nr)
{
	char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_X86_64, nr);

	add(r, "seccomp-hang",
	    "linux.seccomp: libseccomp did not finish adding %s's %zu rules of the output in %d ms "
	    "(2.5.4 loops forever on some rule pairs): runc create would hang",
	    name ? name : "?", f->nr[nr].n, PROBE_TIMEOUT_MS);
	free(name);
}

static void check_seccomp(yajl_val out, yajl_val in, yajl_val psec, bool have_psec,
                          struct priv_result *r)
{
	char why[160], b1[32], b2[32];
	struct priv_filter *fo = NULL, *fi = NULL, *fp = NULL;
	const struct priv_filter *all[3];
	int *nrs = NULL;
	size_t nnr, reported = 0;
	static int fixed[8] = {-2};

	if (fixed[0] == -2) {
		static const char *const names[] = {"get_mempolicy", "keyctl", "unshare", "mount",
		                                    "personality",   "clone3", "getpid"};
		size_t k = 0;
		for (size_t i = 0; i < 7; i++) {
			int nr = priv_syscall_nr(names[i]);
			if (nr >= 0)
				fixed[k++] = nr;
		}
		fixed[k] = -1;
	}
	fo = priv_filter_compile(pal_json_getp(out, "linux", "seccomp", NULL), why, sizeof(why));
	if (in) {
		char iwhy[160];
		fi = priv_filter_compile(pal_json_getp(in, "linux", "seccomp", NULL), iwhy,
		                         sizeof(iwhy));
		if (!fi && fo)
			/* the input never started; starting it now is a loosening */
			add(r, "seccomp",
			    "input linux.seccomp would not load in runc (%s), the output does",
			    iwhy);
		if (fi && !fo)
			add(r, "seccomp", "linux.seccomp of the output would not load in runc: %s",
			    why);
		if (!fi || !fo)
			goto out;
		if (fo->spec_allow && !fi->spec_allow)
			add(r, "seccomp",
			    "linux.seccomp.flags: SECCOMP_FILTER_FLAG_SPEC_ALLOW added");
	}
	if (!fo)
		goto out; /* runc refuses it: nothing is granted */
	if (have_psec) {
		fp = priv_filter_from_profile(psec, why, sizeof(why));
		if (!fp) {
			add(r, "seccomp", "profile seccomp section unreadable by the model: %s",
			    why);
			goto out;
		}
		if (!fp->none)
			allow_runtime_needs(fp, out);
	}
	all[0] = fo;
	all[1] = fi;
	all[2] = fp;
	nrs = priv_filter_syscalls(all, 3, fixed, &nnr);
	if (!nrs)
		goto out;
	for (size_t i = 0; i < nnr && reported < 3; i++) {
		int nr = nrs[i];
		size_t nv;
		uint64_t(*vecs)[6] = priv_filter_argvecs(all, 3, nr, &nv);
		bool same = fi && priv_filter_same_rules(fo, fi, nr);

		if (!vecs)
			break;
		batch = (const uint64_t(*)[6])vecs;
		batch_n = nv;
		for (size_t v = 0; v < nv; v++) {
			struct priv_outcome oo, io, po;
			enum priv_level omax = PRIV_DENIED, imin = PRIV_EXECUTED, ol, il;
			uint32_t oact, iact;
			int orc, irc;
			char *name;

			priv_filter_eval(fo, nr, vecs[v], &oo);
			for (size_t k = 0; k < oo.n; k++)
				if (priv_action_level(oo.act[k]) > omax)
					omax = priv_action_level(oo.act[k]);
			if (omax == PRIV_DENIED)
				continue;
			if (fi && !same) {
				priv_filter_eval(fi, nr, vecs[v], &io);
				for (size_t k = 0; k < io.n; k++)
					if (priv_action_level(io.act[k]) < imin)
						imin = priv_action_level(io.act[k]);
				if (omax > imin) {
					/* the model cannot rule it out: settle it */
					if (oo.n > 1 || io.n > 1)
						priv_kernel_asked++;
					ol = level_of(fo, nr, vecs[v], &oo, &oact, true, &orc);
					il = level_of(fi, nr, vecs[v], &io, &iact, false, &irc);
					if (orc == -ETIMEDOUT && irc != -ETIMEDOUT) {
						hangs(r, fo, nr);
						reported++;
						break;
					}
					if (ol > il) {
						name = seccomp_syscall_resolve_num_arch(
						    SCMP_ARCH_X86_64, nr);
						add(r, "seccomp",
						    "linux.seccomp: %s(%#" PRIx64 ", %#" PRIx64
						    ", %#" PRIx64
						    ", ...) -> %s, the input gave %s%s",
						    name ? name : "?", vecs[v][0], vecs[v][1],
						    vecs[v][2],
						    priv_action_name(oact, b1, sizeof(b1)),
						    priv_action_name(iact, b2, sizeof(b2)),
						    oo.n > 1 || io.n > 1 ? " (asked of the kernel)"
						                         : "");
						free(name);
						reported++;
						break;
					}
				}
			}
			if (fp) {
				priv_filter_eval(fp, nr, vecs[v], &po);
				if (omax > priv_action_level(po.act[0])) {
					if (oo.n > 1)
						priv_kernel_asked++;
					ol = level_of(fo, nr, vecs[v], &oo, &oact, true, &orc);
					if (orc == -ETIMEDOUT) {
						hangs(r, fo, nr);
						reported++;
						break;
					}
					if (ol > priv_action_level(po.act[0])) {
						name = seccomp_syscall_resolve_num_arch(
						    SCMP_ARCH_X86_64, nr);
						add(r, "seccomp",
						    "linux.seccomp: %s(%#" PRIx64 ", %#" PRIx64
						    ", %#" PRIx64
						    ", ...) -> %s, the profile denies it",
						    name ? name : "?", vecs[v][0], vecs[v][1],
						    vecs[v][2],
						    priv_action_name(oact, b1, sizeof(b1)));
						free(name);
						reported++;
						break;
					}
				}
			}
		}
		batch = NULL;
		batch_n = 0;
		free(vecs);
	}
out:
	free(nrs);
	priv_filter_free(fo);
	priv_filter_free(fi);
	priv_filter_free(fp);
}

/* ------------------------------------------------------------- entry points */

size_t priv_le_input(yajl_val out, yajl_val in, struct priv_result *r)
{
	size_t before = r->total;
	yajl_val ir, orr;

	check_caps(out, in, 0, false, r);
	if (YAJL_IS_TRUE(pal_json_getp(in, "process", "noNewPrivileges", NULL)) &&
	    !YAJL_IS_TRUE(pal_json_getp(out, "process", "noNewPrivileges", NULL)))
		add(r, "no_new_privileges", "process.noNewPrivileges turned off");
	{
		yajl_val ou = pal_json_getp(out, "process", "user", NULL);
		yajl_val iu = pal_json_getp(in, "process", "user", NULL);
		if (!(ou == NULL && iu == NULL) && !(ou && iu && pal_json_equal(ou, iu)))
			add(r, "user", "process.user changed");
	}
	check_ns_input(out, in, r);
	check_mounts_input(out, in, r);
	check_superset(pal_json_getp(out, "linux", "maskedPaths", NULL),
	               pal_json_getp(in, "linux", "maskedPaths", NULL), "linux.maskedPaths",
	               "maskedPaths", "input's", r);
	check_superset(pal_json_getp(out, "linux", "readonlyPaths", NULL),
	               pal_json_getp(in, "linux", "readonlyPaths", NULL), "linux.readonlyPaths",
	               "readonlyPaths", "input's", r);
	check_devices_input(out, in, r);
	check_devcg_input(out, in, r);
	check_sysctls(out, in, NULL, r);
	check_rlimits_input(out, in, r);
	check_hooks(out, in, NULL, r);
	ir = pal_json_getp(in, "root", "readonly", NULL);
	orr = pal_json_getp(out, "root", "readonly", NULL);
	if (YAJL_IS_TRUE(ir) && !YAJL_IS_TRUE(orr))
		add(r, "rootfs", "root.readonly turned off");
	check_seccomp(out, in, NULL, false, r);
	return r->total - before;
}

size_t priv_le_profile(yajl_val out, yajl_val p, struct priv_result *r)
{
	size_t before = r->total;
	yajl_val sec;

	if ((sec = pal_json_get(p, "capabilities")) && pal_json_get(sec, "allow")) {
		uint64_t allow = 0;
		yajl_val l = pal_json_get(sec, "allow");
		for (size_t i = 0; i < alen(l); i++) {
			int c = str(aget(l, i)) ? cap_index(str(aget(l, i))) : -1;
			if (c >= 0)
				allow |= 1ULL << c;
		}
		check_caps(out, NULL, allow, true, r);
	}
	if (YAJL_IS_TRUE(pal_json_get(p, "noNewPrivileges")) &&
	    !YAJL_IS_TRUE(pal_json_getp(out, "process", "noNewPrivileges", NULL)))
		add(r, "no_new_privileges", "process.noNewPrivileges not true");
	if (YAJL_IS_TRUE(pal_json_getp(p, "user", "nonRoot", NULL))) {
		yajl_val uid = pal_json_getp(out, "process", "user", "uid", NULL);
		const char *un = str(pal_json_getp(out, "process", "user", "username", NULL));
		if (!YAJL_IS_INTEGER(uid) || YAJL_GET_INTEGER(uid) == 0 ||
		    (un && !strcmp(un, "root")))
			add(r, "user", "process.user is root under user.nonRoot");
	}
	if ((sec = pal_json_get(p, "namespaces")))
		check_ns_profile(out, sec, r);
	check_superset(pal_json_getp(out, "linux", "maskedPaths", NULL),
	               pal_json_get(p, "maskedPaths"), "linux.maskedPaths", "maskedPaths",
	               "profile's", r);
	check_superset(pal_json_getp(out, "linux", "readonlyPaths", NULL),
	               pal_json_get(p, "readonlyPaths"), "linux.readonlyPaths", "readonlyPaths",
	               "profile's", r);
	if ((sec = pal_json_get(p, "mounts")))
		check_mounts_profile(out, sec, r);
	if ((sec = pal_json_get(p, "devices")))
		check_devices_profile(out, sec, r);
	if ((sec = pal_json_get(p, "sysctls")))
		check_sysctls(out, NULL, sec, r);
	if ((sec = pal_json_get(p, "rlimits")))
		check_rlimits_profile(out, sec, r);
	if ((sec = pal_json_get(p, "hooks")))
		check_hooks(out, NULL, sec, r);
	if ((sec = pal_json_get(p, "bpf")) && YAJL_IS_OBJECT(sec) && bpf_on(sec))
		check_bpf_profile(out, r);
	if (YAJL_IS_TRUE(pal_json_getp(p, "rootfs", "readonly", NULL)) &&
	    !YAJL_IS_TRUE(pal_json_getp(out, "root", "readonly", NULL)))
		add(r, "rootfs", "root.readonly not true");
	if ((sec = pal_json_get(p, "seccomp")))
		check_seccomp(out, NULL, sec, true, r);
	return r->total - before;
}

const char *priv_section_rule(const char *section)
{
	static const char *const map[][2] = {
	    {"capabilities", "capabilities"},
	    {"no_new_privileges", "no_new_privileges"},
	    {"user", "user"},
	    {"namespaces", "namespaces"},
	    {"mounts", "mounts"},
	    {"maskedPaths", "masked_paths"},
	    {"readonlyPaths", "masked_paths"},
	    {"devices", "devices"},
	    {"sysctls", "sysctls"},
	    {"rlimits", "rlimits"},
	    {"hooks", "hooks"},
	    {"bpf", "bpf"},
	    {"rootfs", "rootfs"},
	    {"seccomp", "seccomp"},
	    {"seccomp-hang", "seccomp"},
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(map[i][0], section))
			return map[i][1];
	return "?";
}
