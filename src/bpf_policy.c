/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The BPF policy compiler: a profile's "bpf" section (palisade-profile(5)),
 * the effective mode and the rewritten spec in; one container's policy
 * (struct pal_bpf_policy_spec, bpf_policy.h) out.  No kernel here: bpf.c
 * turns the result into map entries, and the createRuntime hook gets it
 * from the state record as JSON (to_json / from_json below).
 *
 * What the compiler decides, so that nothing downstream has to:
 * - one action per rule: "deny", "audit" or "off" ("log" for
 *   "capabilities", stored as PAL_BPF_ACT_AUDIT: allow and report); audit
 *   mode turns every deny into audit;
 * - a rule that needs a list (exec prefixes, protected files, CIDRs) and
 *   has an empty one is off, and an off rule carries no list: a policy
 *   never says "deny" about nothing;
 * - which host uid is root in the container (root_kuid), from the user
 *   namespace mappings, and whether "setuidRoot" can mean anything there;
 * - whether BPF LSM is required: the profile's "lsm", by default
 *   "required" as soon as any rule is on;
 * - how many events a second the kernel reports for the container
 *   ("eventsPerSecond", always explicit in the result and the record, so
 *   that a change of the built-in default never changes a running
 *   container's record).
 *
 * The JSON record is read back by the createRuntime hook from the state
 * directory.  That file is root's, but it crosses a process boundary and
 * may be edited by hand, so from_json checks it as the profile validator
 * would check a profile (every key known, every value typed, paths
 * normalised, CIDRs canonical) instead of trusting it: a record that
 * silently lost a rule would run the container with less protection than
 * its profile says.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "palisade/bpf_policy.h"
#include "palisade/cleanup.h"
#include "palisade/json.h"
#include "palisade/util.h"

/* The kernel's INVALID_UID: no host uid is root in the container. */
#define NO_KUID UINT32_MAX

/* Rules by their profile names, in enum order (also the JSON record's
 * order).  LSM_ONLY: only a BPF LSM hook enforces it; CAVEAT: what the
 * cgroup-BPF hook leaves to LSM, for the "not enforced" line. */
static const struct rule_info {
	const char *name;
	bool lsm_only;
	const char *caveat;
} rules[PAL_BPF_RULE_MAX] = {
    [PAL_BPF_RULE_EXEC_PATH] = {"exec", true, NULL},
    [PAL_BPF_RULE_DRIFT] = {"drift", true, NULL},
    [PAL_BPF_RULE_FILES] = {"files", true, NULL},
    [PAL_BPF_RULE_MOUNT] = {"mount", true, NULL},
    [PAL_BPF_RULE_PTRACE] = {"ptrace", true, NULL},
    /* cgroup/sock_create runs for inet sockets only (inet_create,
     * inet6_create): raw IPv4/IPv6 sockets are stopped without LSM,
     * AF_PACKET ones are not */
    [PAL_BPF_RULE_RAW_SOCKET] = {"rawSockets", false, "AF_PACKET"},
    /* cgroup/connect4/6 and sendmsg4/6 cover it entirely */
    [PAL_BPF_RULE_CONNECT] = {"connect", false, NULL},
    [PAL_BPF_RULE_MODULE] = {"moduleRequest", true, NULL},
    [PAL_BPF_RULE_BPF] = {"bpf", true, NULL},
    [PAL_BPF_RULE_SETUID_ROOT] = {"setuidRoot", true, NULL},
    [PAL_BPF_RULE_CAPABLE] = {"capabilities", true, NULL},
    /* cgroup/sysctl is the only hook for it */
    [PAL_BPF_RULE_SYSCTL_WRITE] = {"sysctlWrite", false, NULL},
};

_Static_assert(PAL_BPF_RULE_MAX <= sizeof(((struct pal_bpf_policy *)0)->action),
               "struct pal_bpf_policy has a slot per rule");

static const char *action_name(unsigned rule, uint8_t a)
{
	if (a == PAL_BPF_ACT_OFF)
		return "off";
	if (rule == PAL_BPF_RULE_CAPABLE)
		return "log";
	return a == PAL_BPF_ACT_DENY ? "deny" : "audit";
}

/* V ("deny", "audit", "off"; "log", "off" for capabilities) into *OUT.
 * WHAT names V in errors. */
static int parse_action(unsigned rule, yajl_val v, const char *what, uint8_t *out, pal_error *err)
{
	const char *s = YAJL_IS_STRING(v) ? v->u.string : NULL;

	if (rule == PAL_BPF_RULE_CAPABLE) {
		if (s && !strcmp(s, "log"))
			*out = PAL_BPF_ACT_AUDIT;
		else if (s && !strcmp(s, "off"))
			*out = PAL_BPF_ACT_OFF;
		else
			return pal_err_code(err, EINVAL, "%s: must be \"log\" or \"off\"", what);
		return 0;
	}
	if (s && !strcmp(s, "deny"))
		*out = PAL_BPF_ACT_DENY;
	else if (s && !strcmp(s, "audit"))
		*out = PAL_BPF_ACT_AUDIT;
	else if (s && !strcmp(s, "off"))
		*out = PAL_BPF_ACT_OFF;
	else
		return pal_err_code(err, EINVAL, "%s: must be \"deny\", \"audit\" or \"off\"",
		                    what);
	return 0;
}

static void free_strings(char **list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

/* Element I of the string array V repeats an earlier one. */
static bool listed_before(yajl_val v, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (!strcmp(v->u.array.values[j]->u.string, v->u.array.values[i]->u.string))
			return true;
	return false;
}

/* An array of at most PAL_BPF_LIST_MAX unique, normalised absolute paths
 * shorter than PAL_BPF_PATH_MAX (the trie key's room) into a new list.
 * NULL V: an empty list. */
static int parse_paths(yajl_val v, const char *what, char ***out, size_t *n_out, pal_error *err)
{
	char **list = NULL;
	size_t n = 0;

	*out = NULL;
	*n_out = 0;
	if (!v)
		return 0;
	if (!pal_json_is_string_array(v))
		return pal_err_code(err, EINVAL, "%s: must be an array of strings", what);
	if (v->u.array.len > PAL_BPF_LIST_MAX)
		return pal_err_code(err, EINVAL, "%s: %zu entries, at most %d", what,
		                    v->u.array.len, PAL_BPF_LIST_MAX);
	if (v->u.array.len == 0)
		return 0;
	list = calloc(v->u.array.len, sizeof(*list));
	if (!list)
		return pal_err(err, ENOMEM, "%s", what);
	for (size_t i = 0; i < v->u.array.len; i++) {
		const char *s = v->u.array.values[i]->u.string;
		_cleanup_free_ char *e = NULL;

		if (!pal_profile_path_valid(s) || strlen(s) >= PAL_BPF_PATH_MAX ||
		    listed_before(v, i)) {
			e = pal_escape(s, 64);
			if (!pal_profile_path_valid(s))
				pal_err_code(err, EINVAL,
				             "%s[%zu]: \"%s\" is not an absolute, normalised path",
				             what, i, e ? e : "?");
			else if (strlen(s) >= PAL_BPF_PATH_MAX)
				pal_err_code(err, EINVAL, "%s[%zu]: \"%s\" is longer than %d bytes",
				             what, i, e ? e : "?", PAL_BPF_PATH_MAX - 1);
			else
				pal_err_code(err, EINVAL, "%s[%zu]: \"%s\" is listed twice", what,
				             i, e ? e : "?");
			free_strings(list, n);
			return -1;
		}
		list[n] = strdup(s);
		if (!list[n]) {
			free_strings(list, n);
			return pal_err(err, ENOMEM, "%s", what);
		}
		n++;
	}
	*out = list;
	*n_out = n;
	return 0;
}

/* The same for CIDR texts. */
static int parse_cidrs(yajl_val v, const char *what, struct pal_bpf_cidr **out, size_t *n_out,
                       pal_error *err)
{
	_cleanup_free_ struct pal_bpf_cidr *list = NULL;

	*out = NULL;
	*n_out = 0;
	if (!v)
		return 0;
	if (!pal_json_is_string_array(v))
		return pal_err_code(err, EINVAL, "%s: must be an array of strings", what);
	if (v->u.array.len > PAL_BPF_LIST_MAX)
		return pal_err_code(err, EINVAL, "%s: %zu entries, at most %d", what,
		                    v->u.array.len, PAL_BPF_LIST_MAX);
	if (v->u.array.len == 0)
		return 0;
	list = calloc(v->u.array.len, sizeof(*list));
	if (!list)
		return pal_err(err, ENOMEM, "%s", what);
	for (size_t i = 0; i < v->u.array.len; i++) {
		if (pal_bpf_cidr_parse(v->u.array.values[i]->u.string, &list[i], err) < 0)
			return pal_err_prefix(err, "%s[%zu]", what, i);
		for (size_t j = 0; j < i; j++)
			if (list[j].family == list[i].family && list[j].bits == list[i].bits &&
			    !memcmp(list[j].addr, list[i].addr, sizeof(list[i].addr)))
				return pal_err_code(err, EINVAL, "%s[%zu]: \"%s\" is listed twice",
				                    what, i, v->u.array.values[i]->u.string);
	}
	*out = steal_pointer(&list);
	*n_out = v->u.array.len;
	return 0;
}

/* The invariants build and from_json both establish: a list rule with an
 * empty list is off; an off rule has no list; nothing on, nothing
 * required. */
static void settle(struct pal_bpf_policy_spec *ps)
{
	if (ps->n_exec_deny == 0)
		ps->action[PAL_BPF_RULE_EXEC_PATH] = PAL_BPF_ACT_OFF;
	if (ps->n_open_deny == 0 && ps->n_write_deny == 0)
		ps->action[PAL_BPF_RULE_FILES] = PAL_BPF_ACT_OFF;
	if (ps->n_cidrs == 0)
		ps->action[PAL_BPF_RULE_CONNECT] = PAL_BPF_ACT_OFF;
	if (ps->action[PAL_BPF_RULE_EXEC_PATH] == PAL_BPF_ACT_OFF) {
		free_strings(ps->exec_deny, ps->n_exec_deny);
		ps->exec_deny = NULL;
		ps->n_exec_deny = 0;
	}
	if (ps->action[PAL_BPF_RULE_FILES] == PAL_BPF_ACT_OFF) {
		free_strings(ps->open_deny, ps->n_open_deny);
		free_strings(ps->write_deny, ps->n_write_deny);
		ps->open_deny = ps->write_deny = NULL;
		ps->n_open_deny = ps->n_write_deny = 0;
	}
	if (ps->action[PAL_BPF_RULE_CONNECT] == PAL_BPF_ACT_OFF) {
		free(ps->cidrs);
		ps->cidrs = NULL;
		ps->n_cidrs = 0;
	}
	if (pal_bpf_policy_empty(ps))
		ps->lsm_required = false;
}

void pal_bpf_policy_free(struct pal_bpf_policy_spec *ps)
{
	free_strings(ps->exec_deny, ps->n_exec_deny);
	free_strings(ps->open_deny, ps->n_open_deny);
	free_strings(ps->write_deny, ps->n_write_deny);
	free(ps->cidrs);
	*ps = (struct pal_bpf_policy_spec){0};
}

bool pal_bpf_policy_empty(const struct pal_bpf_policy_spec *ps)
{
	for (unsigned r = 0; r < PAL_BPF_RULE_MAX; r++)
		if (ps->action[r] != PAL_BPF_ACT_OFF)
			return false;
	return true;
}

/* ------------------------------------------------------------ CIDRs */

int pal_bpf_cidr_parse(const char *text, struct pal_bpf_cidr *out, pal_error *err)
{
	static const uint8_t v4mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	_cleanup_free_ char *e = pal_escape(text ? text : "", 64);
	const char *q = e ? e : "?";
	char addr[INET6_ADDRSTRLEN + 1];
	const char *slash = text ? strrchr(text, '/') : NULL;
	struct pal_bpf_cidr c = {0};
	unsigned max, bits = 0;
	size_t alen;

	if (!slash)
		return pal_err_code(err, EINVAL,
		                    "\"%s\" is not a CIDR (\"a.b.c.d/n\" or \"x::y/n\")", q);
	alen = (size_t)(slash - text);
	if (alen == 0 || alen >= sizeof(addr))
		return pal_err_code(err, EINVAL,
		                    "\"%s\" is not a CIDR (\"a.b.c.d/n\" or \"x::y/n\")", q);
	memcpy(addr, text, alen);
	addr[alen] = '\0';
	c.family = strchr(addr, ':') ? AF_INET6 : AF_INET;
	max = c.family == AF_INET6 ? 128 : 32;
	if (inet_pton(c.family, addr, c.addr) != 1)
		return pal_err_code(err, EINVAL,
		                    "\"%s\" is not a CIDR (\"a.b.c.d/n\" or \"x::y/n\")", q);
	/* the prefix: plain decimal, no sign, no leading zero */
	if (!slash[1] || (slash[1] == '0' && slash[2]) || strlen(slash + 1) > 3)
		return pal_err_code(err, EINVAL, "\"%s\": the prefix length must be 0 to %u", q,
		                    max);
	for (const char *p = slash + 1; *p; p++) {
		if (*p < '0' || *p > '9')
			return pal_err_code(err, EINVAL,
			                    "\"%s\": the prefix length must be 0 to %u", q, max);
		bits = bits * 10 + (unsigned)(*p - '0');
	}
	if (bits > max)
		return pal_err_code(err, EINVAL, "\"%s\": the prefix length must be 0 to %u", q,
		                    max);
	c.bits = bits;
	/* an IPv4-mapped destination is looked up as IPv4 (bpf_abi.h): an
	 * entry written as ::ffff:a.b.c.d would never match */
	if (c.family == AF_INET6 && !memcmp(c.addr, v4mapped, sizeof(v4mapped)) && bits >= 96) {
		char v4[INET_ADDRSTRLEN];
		inet_ntop(AF_INET, c.addr + 12, v4, sizeof(v4));
		return pal_err_code(err, EINVAL,
		                    "\"%s\" is an IPv4-mapped address: write it as IPv4 (%s/%u), "
		                    "which also covers its mapped form",
		                    q, v4, bits - 96);
	}
	/* host bits must be zero: "10.0.0.1/8" is a typo or a misunderstanding,
	 * and which of the two cannot be guessed */
	for (unsigned i = 0; i < max / 8; i++) {
		unsigned keep = bits >= (i + 1) * 8 ? 8 : bits > i * 8 ? bits - i * 8 : 0;
		uint8_t mask = (uint8_t)(0xff00u >> keep);
		if (c.addr[i] & (uint8_t)~mask) {
			struct pal_bpf_cidr n = c;
			char net[INET6_ADDRSTRLEN];
			for (unsigned j = i; j < max / 8; j++) {
				unsigned k = bits >= (j + 1) * 8 ? 8
				             : bits > j * 8      ? bits - j * 8
				                                 : 0;
				n.addr[j] &= (uint8_t)(0xff00u >> k);
			}
			inet_ntop(c.family, n.addr, net, sizeof(net));
			return pal_err_code(err, EINVAL,
			                    "\"%s\" has host bits set (the network is %s/%u)", q,
			                    net, bits);
		}
	}
	*out = c;
	return 0;
}

/* "a.b.c.d/n" or "x::y/n", the form pal_bpf_cidr_parse() reads back. */
static int cidr_text(const struct pal_bpf_cidr *c, char *buf, size_t size)
{
	char a[INET6_ADDRSTRLEN];
	int r;

	if (!inet_ntop(c->family, c->addr, a, sizeof(a)))
		return -1;
	r = snprintf(buf, size, "%s/%u", a, c->bits);
	return r < 0 || (size_t)r >= size ? -1 : 0;
}

/* "eventsPerSecond": an integer from 1 to PAL_BPF_RATE_MAX.  0 is refused
 * rather than read as "no limit": the ring buffer is shared by every
 * container, and one that may fill it hides the others' events. */
static int parse_rate(yajl_val v, const char *what, uint32_t *out, pal_error *err)
{
	uint64_t n;

	if (!pal_json_u64(v, &n) || n < 1 || n > PAL_BPF_RATE_MAX)
		return pal_err_code(err, EINVAL, "%s: must be an integer from 1 to %d", what,
		                    PAL_BPF_RATE_MAX);
	*out = (uint32_t)n;
	return 0;
}

/* ------------------------------------------------------------ build */

/* The host uid that is uid 0 in the container: 0 without a user
 * namespace, the mapping of container uid 0 with one, NO_KUID when the
 * user namespace maps no uid 0 (or is joined by path: its mappings are
 * the kernel's, not the spec's). */
static int root_kuid(yajl_val spec, uint32_t *out, pal_error *err)
{
	yajl_val nss = pal_json_getp(spec, "linux", "namespaces", NULL);
	yajl_val maps = pal_json_getp(spec, "linux", "uidMappings", NULL);
	bool userns = false;

	*out = 0;
	if (YAJL_IS_ARRAY(nss))
		for (size_t i = 0; i < nss->u.array.len; i++) {
			yajl_val t = pal_json_get(nss->u.array.values[i], "type");
			if (YAJL_IS_STRING(t) && !strcmp(t->u.string, "user"))
				userns = true;
		}
	if (!userns)
		return 0;
	*out = NO_KUID;
	if (!maps)
		return 0;
	if (!YAJL_IS_ARRAY(maps))
		return pal_err_code(err, EINVAL, "linux.uidMappings: must be an array");
	for (size_t i = 0; i < maps->u.array.len; i++) {
		yajl_val m = maps->u.array.values[i];
		uint64_t cid, hid, size;

		if (!pal_json_u64(pal_json_get(m, "containerID"), &cid) ||
		    !pal_json_u64(pal_json_get(m, "hostID"), &hid) ||
		    !pal_json_u64(pal_json_get(m, "size"), &size) || cid > UINT32_MAX ||
		    hid > UINT32_MAX || size > UINT32_MAX)
			return pal_err_code(err, EINVAL,
			                    "linux.uidMappings[%zu]: containerID, hostID and size "
			                    "must be unsigned 32-bit integers",
			                    i);
		/* uid 0 can only lie in a range that starts at 0 */
		if (cid == 0 && size > 0) {
			*out = (uint32_t)hid;
			return 0;
		}
	}
	return 0;
}

/* process.user.uid, 0 when absent (runc runs the process as 0 then). */
static int process_uid(yajl_val spec, uint64_t *uid, pal_error *err)
{
	yajl_val v = pal_json_getp(spec, "process", "user", "uid", NULL);

	*uid = 0;
	if (v && (!pal_json_u64(v, uid) || *uid > UINT32_MAX))
		return pal_err_code(err, EINVAL,
		                    "process.user.uid: must be an unsigned 32-bit integer");
	return 0;
}

int pal_bpf_policy_build(const struct pal_profile *p, enum pal_mode mode, yajl_val spec,
                         struct pal_bpf_policy_spec *ps, pal_error *err)
{
	struct pal_bpf_policy_spec np = {0};
	yajl_val sec = pal_profile_get(p, "bpf", NULL), lsm, rate;
	uint64_t uid;
	int r = 0;

	np.rate_per_sec = PAL_BPF_RATE_DEFAULT;
	*ps = np;
	if (!sec)
		return 0;
	if (!YAJL_IS_OBJECT(sec))
		return pal_err_code(err, EINVAL, "profile \"%s\": bpf: must be an object", p->name);

	for (unsigned rule = 0; rule < PAL_BPF_RULE_MAX && r == 0; rule++) {
		yajl_val v = pal_json_get(sec, rules[rule].name), a = v;
		char what[64];

		if (!v)
			continue;
		snprintf(what, sizeof(what), "bpf.%s", rules[rule].name);
		if (rule == PAL_BPF_RULE_EXEC_PATH || rule == PAL_BPF_RULE_FILES ||
		    rule == PAL_BPF_RULE_CONNECT) {
			if (!YAJL_IS_OBJECT(v)) {
				r = pal_err_code(err, EINVAL, "%s: must be an object", what);
				break;
			}
			a = pal_json_get(v, "action");
			snprintf(what, sizeof(what), "bpf.%s.action", rules[rule].name);
		}
		/* an object without "action" (a child that only replaces the
		 * list, with no parent to give one): off */
		if (a)
			r = parse_action(rule, a, what, &np.action[rule], err);
	}
	if (r == 0)
		r = parse_paths(pal_json_getp(sec, "exec", "denyPrefixes", NULL),
		                "bpf.exec.denyPrefixes", &np.exec_deny, &np.n_exec_deny, err);
	if (r == 0)
		r = parse_paths(pal_json_getp(sec, "files", "deny", NULL), "bpf.files.deny",
		                &np.open_deny, &np.n_open_deny, err);
	if (r == 0)
		r = parse_paths(pal_json_getp(sec, "files", "denyWrite", NULL),
		                "bpf.files.denyWrite", &np.write_deny, &np.n_write_deny, err);
	if (r == 0)
		r = parse_cidrs(pal_json_getp(sec, "connect", "denyCidrs", NULL),
		                "bpf.connect.denyCidrs", &np.cidrs, &np.n_cidrs, err);
	lsm = pal_json_get(sec, "lsm");
	if (r == 0 && lsm &&
	    (!YAJL_IS_STRING(lsm) ||
	     (strcmp(lsm->u.string, "required") != 0 && strcmp(lsm->u.string, "optional") != 0)))
		r = pal_err_code(err, EINVAL, "bpf.lsm: must be \"required\" or \"optional\"");
	rate = pal_json_get(sec, "eventsPerSecond");
	if (r == 0 && rate)
		r = parse_rate(rate, "bpf.eventsPerSecond", &np.rate_per_sec, err);
	if (r < 0) {
		pal_bpf_policy_free(&np);
		return pal_err_prefix(err, "profile \"%s\"", p->name);
	}
	/* the spec's own errors name its field */
	if (root_kuid(spec, &np.root_kuid, err) < 0 || process_uid(spec, &uid, err) < 0) {
		pal_bpf_policy_free(&np);
		return -1;
	}

	if (mode == PAL_MODE_AUDIT)
		for (unsigned rule = 0; rule < PAL_BPF_RULE_MAX; rule++)
			if (np.action[rule] == PAL_BPF_ACT_DENY)
				np.action[rule] = PAL_BPF_ACT_AUDIT;
	/* A root container is root already: a change to uid 0 gains nothing
	 * and is what its init and daemons do all the time (dropping and
	 * regaining privileges).  Nothing to protect, so no rule, no noise.
	 * With a user namespace that maps no uid 0, no uid change can reach
	 * a root that does not exist. */
	if (uid == 0 || np.root_kuid == NO_KUID)
		np.action[PAL_BPF_RULE_SETUID_ROOT] = PAL_BPF_ACT_OFF;
	/* "required" unless the profile says "optional" */
	np.lsm_required = !lsm || !strcmp(lsm->u.string, "required");
	settle(&np);
	*ps = np;
	return 0;
}

/* ------------------------------------------------------------ reports */

bool pal_bpf_policy_lsm_only(const struct pal_bpf_policy_spec *ps, char *buf, size_t size)
{
	size_t used = 0;
	bool any = false;

	if (size)
		buf[0] = '\0';
	for (unsigned rule = 0; rule < PAL_BPF_RULE_MAX; rule++) {
		int n;

		if (ps->action[rule] == PAL_BPF_ACT_OFF ||
		    (!rules[rule].lsm_only && !rules[rule].caveat))
			continue;
		if (rules[rule].caveat)
			n = snprintf(buf + used, size - used, "%s%s (%s)", any ? ", " : "",
			             rules[rule].name, rules[rule].caveat);
		else
			n = snprintf(buf + used, size - used, "%s%s", any ? ", " : "",
			             rules[rule].name);
		any = true;
		/* truncated: what fits stays, the answer is still "some" */
		if (n < 0 || (size_t)n >= size - used)
			used = size ? size - 1 : 0;
		else
			used += (size_t)n;
	}
	return any;
}

bool pal_bpf_policy_needs_cgroup(const struct pal_bpf_policy_spec *ps, enum pal_bpf_hook hook)
{
	switch (hook) {
	case PAL_BPF_HOOK_CG_SOCK_CREATE:
		return ps->action[PAL_BPF_RULE_RAW_SOCKET] != PAL_BPF_ACT_OFF;
	/* all four whatever the families listed: an IPv4 entry must also
	 * catch its IPv4-mapped form, which goes through connect6/sendmsg6 */
	case PAL_BPF_HOOK_CG_CONNECT4:
	case PAL_BPF_HOOK_CG_CONNECT6:
	case PAL_BPF_HOOK_CG_SENDMSG4:
	case PAL_BPF_HOOK_CG_SENDMSG6:
		return ps->action[PAL_BPF_RULE_CONNECT] != PAL_BPF_ACT_OFF;
	case PAL_BPF_HOOK_CG_SYSCTL:
		return ps->action[PAL_BPF_RULE_SYSCTL_WRITE] != PAL_BPF_ACT_OFF;
	default:
		return false;
	}
}

/* ------------------------------------------------------------ JSON */

static yajl_val strings_json(char **list, size_t n)
{
	_cleanup_yajl_val_ yajl_val a = pal_json_new_array();
	pal_error e = {0};

	if (!a)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (pal_json_append(a, pal_json_new_string(list[i]), &e) < 0)
			return NULL;
	return steal_pointer(&a);
}

int pal_bpf_policy_to_json(const struct pal_bpf_policy_spec *ps, yajl_val *out, pal_error *err)
{
	_cleanup_yajl_val_ yajl_val rec = pal_json_new_object();
	yajl_val actions, cidrs;
	char num[16], rate[16];

	*out = NULL;
	if (!rec)
		return pal_err(err, ENOMEM, "BPF policy record");
	/* members in a fixed order, every one always there */
	if (pal_json_set(rec, "actions", pal_json_new_object(), err) < 0)
		return pal_err_prefix(err, "BPF policy record");
	actions = pal_json_get(rec, "actions");
	for (unsigned rule = 0; rule < PAL_BPF_RULE_MAX; rule++)
		if (pal_json_set(actions, rules[rule].name,
		                 pal_json_new_string(action_name(rule, ps->action[rule])), err) < 0)
			return pal_err_prefix(err, "BPF policy record");
	snprintf(num, sizeof(num), "%u", (unsigned)ps->root_kuid);
	snprintf(rate, sizeof(rate), "%u",
	         (unsigned)(ps->rate_per_sec ? ps->rate_per_sec : PAL_BPF_RATE_DEFAULT));
	if (pal_json_set(rec, "lsm",
	                 pal_json_new_string(ps->lsm_required ? "required" : "optional"),
	                 err) < 0 ||
	    pal_json_set(rec, "rootKuid", pal_json_new_number(num), err) < 0 ||
	    pal_json_set(rec, "eventsPerSecond", pal_json_new_number(rate), err) < 0 ||
	    pal_json_set(rec, "execDeny", strings_json(ps->exec_deny, ps->n_exec_deny), err) < 0 ||
	    pal_json_set(rec, "openDeny", strings_json(ps->open_deny, ps->n_open_deny), err) < 0 ||
	    pal_json_set(rec, "writeDeny", strings_json(ps->write_deny, ps->n_write_deny), err) <
	        0 ||
	    pal_json_set(rec, "denyCidrs", pal_json_new_array(), err) < 0)
		return pal_err_prefix(err, "BPF policy record");
	cidrs = pal_json_get(rec, "denyCidrs");
	for (size_t i = 0; i < ps->n_cidrs; i++) {
		char text[INET6_ADDRSTRLEN + 8];
		if (cidr_text(&ps->cidrs[i], text, sizeof(text)) < 0)
			return pal_err_code(err, EINVAL, "BPF policy record: CIDR %zu is malformed",
			                    i);
		if (pal_json_append(cidrs, pal_json_new_string(text), err) < 0)
			return pal_err_prefix(err, "BPF policy record");
	}
	*out = steal_pointer(&rec);
	return 0;
}

static const char *const record_keys[] = {
    "actions",   "lsm",       "rootKuid", "eventsPerSecond", "execDeny", "openDeny",
    "writeDeny", "denyCidrs", NULL,
};

/* Every key of OBJ in KEYS and every key of KEYS in OBJ. */
static int exact_keys(yajl_val obj, const char *const *keys, const char *what, pal_error *err)
{
	if (!YAJL_IS_OBJECT(obj))
		return pal_err_code(err, EINVAL, "%s: must be an object", what);
	for (size_t i = 0; i < obj->u.object.len; i++) {
		const char *const *k;
		for (k = keys; *k && strcmp(*k, obj->u.object.keys[i]) != 0; k++)
			;
		if (!*k) {
			_cleanup_free_ char *e = pal_escape(obj->u.object.keys[i], 64);
			return pal_err_code(err, EINVAL, "%s: unknown key \"%s\"", what,
			                    e ? e : "?");
		}
	}
	for (const char *const *k = keys; *k; k++)
		if (!pal_json_get(obj, *k))
			return pal_err_code(err, EINVAL, "%s: \"%s\" is missing", what, *k);
	return 0;
}

int pal_bpf_policy_from_json(yajl_val in, struct pal_bpf_policy_spec *ps, pal_error *err)
{
	const char *rule_keys[PAL_BPF_RULE_MAX + 1];
	struct pal_bpf_policy_spec np = {0};
	yajl_val actions, lsm;
	uint64_t kuid;
	int r;

	*ps = np;
	for (unsigned rule = 0; rule < PAL_BPF_RULE_MAX; rule++)
		rule_keys[rule] = rules[rule].name;
	rule_keys[PAL_BPF_RULE_MAX] = NULL;

	/* every key, always: a record that lost one was damaged, and a rule
	 * read as "off" for want of its key would be a silent loosening */
	r = exact_keys(in, record_keys, "BPF policy record", err);
	actions = pal_json_get(in, "actions");
	if (r == 0)
		r = exact_keys(actions, rule_keys, "BPF policy record: actions", err);
	for (unsigned rule = 0; rule < PAL_BPF_RULE_MAX && r == 0; rule++) {
		char what[64];
		snprintf(what, sizeof(what), "BPF policy record: actions.%s", rules[rule].name);
		r = parse_action(rule, pal_json_get(actions, rules[rule].name), what,
		                 &np.action[rule], err);
	}
	lsm = pal_json_get(in, "lsm");
	if (r == 0 && (!YAJL_IS_STRING(lsm) || (strcmp(lsm->u.string, "required") != 0 &&
	                                        strcmp(lsm->u.string, "optional") != 0)))
		r = pal_err_code(err, EINVAL,
		                 "BPF policy record: lsm: must be \"required\" or \"optional\"");
	if (r == 0 && (!pal_json_u64(pal_json_get(in, "rootKuid"), &kuid) || kuid > UINT32_MAX))
		r = pal_err_code(err, EINVAL,
		                 "BPF policy record: rootKuid: must be an unsigned 32-bit integer");
	if (r == 0)
		r = parse_rate(pal_json_get(in, "eventsPerSecond"),
		               "BPF policy record: eventsPerSecond", &np.rate_per_sec, err);
	if (r == 0)
		r = parse_paths(pal_json_get(in, "execDeny"), "BPF policy record: execDeny",
		                &np.exec_deny, &np.n_exec_deny, err);
	if (r == 0)
		r = parse_paths(pal_json_get(in, "openDeny"), "BPF policy record: openDeny",
		                &np.open_deny, &np.n_open_deny, err);
	if (r == 0)
		r = parse_paths(pal_json_get(in, "writeDeny"), "BPF policy record: writeDeny",
		                &np.write_deny, &np.n_write_deny, err);
	if (r == 0)
		r = parse_cidrs(pal_json_get(in, "denyCidrs"), "BPF policy record: denyCidrs",
		                &np.cidrs, &np.n_cidrs, err);
	if (r < 0) {
		pal_bpf_policy_free(&np);
		return -1;
	}
	np.lsm_required = !strcmp(lsm->u.string, "required");
	np.root_kuid = (uint32_t)kuid;
	settle(&np);
	*ps = np;
	return 0;
}
