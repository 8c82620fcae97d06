/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Rule "seccomp": every container runs under a syscall filter no wider than
 * the profile's "seccomp" section (no section: the rule does nothing).
 *
 * Why: most container escapes go through a syscall the workload never
 * needed: keyctl (CVE-2016-0728), unshare into a user namespace and then
 * fsconfig (CVE-2022-0185), io_uring (CVE-2023-2598), bpf, userfaultfd to
 * win kernel races, perf_event_open, ptrace.  Kubernetes' Pod Security
 * Standards ("restricted") require a RuntimeDefault or Localhost seccomp
 * profile; Docker and Podman install one by default, a plain `runc spec`
 * bundle has none.
 *
 * No filter in the spec: the profile's filter is installed.  Its
 * defaultAction is SCMP_ACT_ERRNO with defaultErrno (ENOSYS): a syscall the
 * filter does not name, typically one newer than the profile, fails the way
 * it does on an older kernel, and glibc then falls back (clone3 to clone,
 * faccessat2 to faccessat, ...).  Docker's EPERM default broke real images
 * when glibc 2.34 started using clone3 (moby #42680, fixed for clone3
 * alone by #42681); runc answers syscalls newer than the filter with ENOSYS
 * for the same reason.  Every syscall that
 * libseccomp knows for the filter's architectures and that is not allowed
 * is denied explicitly with denyErrno (EPERM), as an administrator would
 * expect from a known-but-forbidden call, except the profile's "enosys"
 * names, denied with ENOSYS so that libc falls back (clone3, whose flags
 * sit where seccomp cannot read them, to clone, whose flags it can).  The
 * profile's unconditional names go in one ALLOW entry: unconditional rules
 * keep the kernel's constant-action bitmap (Linux 5.11) able to answer
 * them without running the filter.
 *
 * A filter in the spec: the result allows a syscall only where both filters
 * allow it (see below), keeps the spec filter's own denials (a syscall it
 * kills stays killed: the stricter action wins), keeps its flags and its
 * listener, and keeps only the architectures both have.  An architecture
 * missing from a filter is refused by libseccomp's bad-arch action, so
 * fewer architectures is less privilege; a runtime always adds the native
 * one, so a spec filter that lists none covers the native one only.  The
 * default action is the profile's unless the spec's is stricter (KILL,
 * TRAP).
 *
 * What the runtime itself needs: runc and crun load the filter before they
 * execve the container process and make a few syscalls in between, which
 * the filter must allow or the container never starts (runc #2097).
 * With process.noNewPrivileges (which the no_new_privileges rule sets)
 * both load it as late as possible:
 *   runc 1.1 (libcontainer/standard_init_linux.go, after InitSeccomp):
 *     close      the init pipe, the log pipe and the exec fifo's O_PATH fd
 *     openat     the exec fifo, reopened through /proc/self/fd
 *     write      "0" to the exec fifo (blocks until `runc start`)
 *     getpid     the state handed to startContainer hooks
 *     execve     the container process
 *     futex      the Go runtime: a thread blocked in that write hands its
 *                P to another; a failing futex wake aborts the runtime
 *     nanosleep  the Go runtime's sysmon sleeps while init waits
 *     personality  runc 1.2 applies linux.personality after the filter:
 *                allowed only with the spec's own domain as argument
 *     read, sendmsg  handing a seccomp listener fd to runc (listenerPath)
 *   crun (src/libcrun/container.c, container_init, after
 *   libcrun_apply_seccomp):
 *     close      the bpf and listener fds
 *     close_range  closing inherited fds before exec (CVE-2024-21626 class)
 *     execve     the container process
 *     wait4, munmap  the listener helper process and its shared page
 * Without noNewPrivileges the filter is loaded before the credentials
 * change (loading it needs CAP_SYS_ADMIN then), and the user switch, the
 * capability sets and the fd clean-up run under it too: capget, capset,
 * chdir, fchown, fcntl, fstat, getdents64, getppid, newfstatat, prctl,
 * read, setgid, setgroups, setuid (runc: finalizeNamespace, setupUser,
 * fixStdioPermissions); capset, chdir, newfstatat, prctl, pselect6, read,
 * rt_sigprocmask, select, setgid, setgroups, setuid, write (crun:
 * apply_security_settings, the sync socket, the exec fifo).  An unknown
 * backend gets the union.  exit, exit_group and rt_sigreturn are always
 * allowed.  These are allowed for the container process too: a filter
 * cannot tell the runtime's last syscalls from the workload's.
 * startContainer hooks run after the filter is loaded and need what the
 * profile gives them.  The Go runtime may also start a thread (clone,
 * mmap, sigaltstack, rt_sigprocmask, gettid) when a garbage collection
 * falls into a long wait between `runc create` and `runc start`; any
 * profile for a real workload allows those, a minimal one must too.
 *
 * socketcall and ipc: 32-bit x86 (also s390, ppc) reaches the socket and
 * SysV IPC calls through these multiplexers, whose real arguments sit
 * behind a pointer seccomp cannot read, so a condition on "socket" (say,
 * on the address family) could be bypassed through socketcall.  For least
 * privilege a profile's socketcall (ipc) is narrowed to the sub-calls
 * (its first argument) that the result allows unconditionally; when all
 * are, it stays unconditional.  libseccomp itself adds, for every rule on
 * a call the multiplexer carries, a rule on the multiplexer matching the
 * call number in place of the rule's first-argument comparison: a
 * conditional ALLOW of socket() thus allows socketcall(SYS_SOCKET) for
 * every family on those ABIs (Docker's and containerd's filters share this
 * gap; only leaving the 32-bit ABI out of "architectures" closes it), and
 * two rules differing only in that comparison collide (EEXIST, the runtime
 * fails), so the denying one is left out there and its calls fall to the
 * default action.
 *
 * Audit mode: the same filter with SCMP_ACT_LOG for every action the
 * profile would deny with, default included, so the kernel logs would-be
 * denials (audit type 1326, SECCOMP) and denies nothing; the spec filter's
 * own denials stay (audit mode never loosens what the spec had).  Entries
 * whose action equals the default are left out: runc skips them and
 * libseccomp refuses them (EACCES).
 *
 * Notify form (enforce mode, ctx->notify_path set: the backend cannot log
 * SCMP_ACT_ERRNO denials and the monitor is on; notify.h): the result is
 * decided as above, then every rule denying with denyErrno becomes
 * SCMP_ACT_NOTIFY, and listenerPath/listenerMetadata name the monitor,
 * which logs each call with its arguments and answers denyErrno.  ENOSYS
 * answers stay SCMP_ACT_ERRNO, unlogged: the default action (syscalls the
 * filter does not name; a default cannot be NOTIFY anyway) and the
 * "enosys" names are the compatibility answer of a kernel that lacks the
 * call, on which libc falls back, not violations.  A spec with a listener
 * of its own keeps it and the errno form (one listener per filter); a
 * filter the rule wrote in this form is read back as the errno form it
 * encodes (its metadata carries the errno), so the rule stays idempotent.
 * NOTIFY is still a denial: without a listener (monitor killed) the kernel
 * fails the call with ENOSYS, and runc create fails if none listens.
 *
 * Malformed linux.seccomp (unknown action, operator or architecture, an
 * argument index over 5, wrong types) is an error naming the field.  As in
 * runc 1.1 (libcontainer/seccomp/seccomp_linux.go, matchCall): an entry
 * whose action equals defaultAction (errno included) is skipped, so under
 * an ALLOW default an unconditional ALLOW entry overrides none of that
 * syscall's conditional denials; an entry whose args repeat an index
 * becomes one rule per comparison, OR-ed; an errnoRet on an action that
 * has none is ignored.  A syscall name libseccomp does not know is not an
 * error: runc ignores such names (Docker's profile lists syscalls newer
 * than many libseccomp releases), so they are dropped where they would
 * allow and kept where they deny.  A spec filter that runc cannot load
 * (two entries with the same conditions and different actions for one
 * syscall: libseccomp's EEXIST) is left as it is, with a note: a rewrite
 * could start what the spec never could.
 *
 * The output is normalised (names sorted, entries in a fixed order,
 * conditional ones fewest comparisons first: libseccomp 2.5.4 refuses some
 * pairs added the other way round) so that the rule applied to its own
 * output finds it compliant.  Before it is written, the result is compiled
 * with libseccomp as runc would, in a child killed after 2 s: 2.5.4 loops
 * forever in seccomp_rule_add() on some rule pairs (the same NE/LT/GE test
 * on one argument, then tests on different arguments) and runc init would
 * hang at 100% CPU.  A filter that does not compile is an error, never
 * handed to runc.  This costs a fork and a compile, a few ms per create.
 *
 * How argument conditions are treated
 *   A profile condition ("conditional": names and args) allows the call
 *   only when all its comparisons hold; several entries for one syscall
 *   allow it when any holds.  Conditions are kept only where the profile
 *   or the spec filter has them.  Calls that match none fall to the
 *   default action and fail with defaultErrno (ENOSYS), not denyErrno:
 *   "none of these holds" would need complement rules (NE for EQ, GE for
 *   LT, ...), and exactly those make libseccomp 2.5.4 loop (above); an
 *   unconditional EPERM cannot be used instead, since libseccomp lets an
 *   unconditional rule override every conditional one.  containers-common
 *   (Podman's seccomp.json, defaultErrnoRet ENOSYS) works the same way:
 *   its conditional ALLOW rules, the default action for the rest.
 *   Intersecting with a spec filter: where one side allows a syscall
 *   unconditionally, the other side's conditions apply; where both have
 *   conditions, every pair of rules is joined into one rule with both
 *   comparison lists.  A pair that puts two different comparisons on the
 *   same argument is dropped: that can only remove permission, never add
 *   it.  The spec filter's conditional denials are kept as they are.  When
 *   its default action lets calls run, what it allows of a syscall it
 *   denies conditionally would be the complement of those conditions: that
 *   syscall is denied whole (with the strictest of its denials).  When it
 *   only changes how some calls run (LOG, TRACE, NOTIFY conditions), every
 *   call of that syscall gets the strictest of those and its default.
 *   Errnos: where both sides deny, the profile's errno wins if the profile
 *   denies the whole syscall (its "enosys" names keep ENOSYS), else the
 *   spec's.  On socketcall (ipc), a rule picking a sub-call with another
 *   action than that sub-call's own rules is left out: libseccomp writes
 *   those rules on the multiplexer too, and the pair would collide.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "palisade/cleanup.h"
#include "palisade/json.h"
#include "palisade/notify.h"
#include "palisade/rewrite.h"
#include "palisade/seccomp_filter.h"

#define RULE          "seccomp"
#define FIELD         "linux.seccomp"
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------- the OCI filter model */

#define ACTION_DATA_MASK 0x0000ffffU

static const struct {
	const char *name;
	uint32_t action;
} action_names[] = {
    /* SCMP_ACT_KILL is SCMP_ACT_KILL_THREAD; the first name is canonical */
    {"SCMP_ACT_KILL", SCMP_ACT_KILL},
    {"SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD},
    {"SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS},
    {"SCMP_ACT_TRAP", SCMP_ACT_TRAP},
    {"SCMP_ACT_ERRNO", SCMP_ACT_ERRNO(0)},
    {"SCMP_ACT_TRACE", SCMP_ACT_TRACE(0)},
    {"SCMP_ACT_LOG", SCMP_ACT_LOG},
    {"SCMP_ACT_ALLOW", SCMP_ACT_ALLOW},
    {"SCMP_ACT_NOTIFY", SCMP_ACT_NOTIFY},
};

static const struct {
	const char *name;
	enum scmp_compare op;
} op_names[] = {
    {"SCMP_CMP_NE", SCMP_CMP_NE},
    {"SCMP_CMP_LT", SCMP_CMP_LT},
    {"SCMP_CMP_LE", SCMP_CMP_LE},
    {"SCMP_CMP_EQ", SCMP_CMP_EQ},
    {"SCMP_CMP_GE", SCMP_CMP_GE},
    {"SCMP_CMP_GT", SCMP_CMP_GT},
    {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ},
};

static const struct {
	const char *name;
	uint32_t arch;
} arch_names[] = {
    {"SCMP_ARCH_X86", SCMP_ARCH_X86},
    {"SCMP_ARCH_X86_64", SCMP_ARCH_X86_64},
    {"SCMP_ARCH_X32", SCMP_ARCH_X32},
    {"SCMP_ARCH_ARM", SCMP_ARCH_ARM},
    {"SCMP_ARCH_AARCH64", SCMP_ARCH_AARCH64},
    {"SCMP_ARCH_MIPS", SCMP_ARCH_MIPS},
    {"SCMP_ARCH_MIPS64", SCMP_ARCH_MIPS64},
    {"SCMP_ARCH_MIPS64N32", SCMP_ARCH_MIPS64N32},
    {"SCMP_ARCH_MIPSEL", SCMP_ARCH_MIPSEL},
    {"SCMP_ARCH_MIPSEL64", SCMP_ARCH_MIPSEL64},
    {"SCMP_ARCH_MIPSEL64N32", SCMP_ARCH_MIPSEL64N32},
    {"SCMP_ARCH_PPC", SCMP_ARCH_PPC},
    {"SCMP_ARCH_PPC64", SCMP_ARCH_PPC64},
    {"SCMP_ARCH_PPC64LE", SCMP_ARCH_PPC64LE},
    {"SCMP_ARCH_S390", SCMP_ARCH_S390},
    {"SCMP_ARCH_S390X", SCMP_ARCH_S390X},
#ifdef SCMP_ARCH_PARISC
    {"SCMP_ARCH_PARISC", SCMP_ARCH_PARISC},
    {"SCMP_ARCH_PARISC64", SCMP_ARCH_PARISC64},
#endif
#ifdef SCMP_ARCH_RISCV64
    {"SCMP_ARCH_RISCV64", SCMP_ARCH_RISCV64},
#endif
#ifdef SCMP_ARCH_LOONGARCH64
    {"SCMP_ARCH_LOONGARCH64", SCMP_ARCH_LOONGARCH64},
#endif
};

const char *pal_seccomp_action_name(uint32_t action)
{
	uint32_t base = pal_seccomp_action_has_errno(action) ? action & ~ACTION_DATA_MASK : action;

	for (size_t i = 0; i < ARRAY_SIZE(action_names); i++)
		if (action_names[i].action == base)
			return action_names[i].name;
	return NULL;
}

int pal_seccomp_action_parse(const char *name, uint32_t *action)
{
	for (size_t i = 0; i < ARRAY_SIZE(action_names); i++) {
		if (strcmp(action_names[i].name, name))
			continue;
		/* runc's default return value for ERRNO and TRACE */
		*action =
		    action_names[i].action |
		    (pal_seccomp_action_has_errno(action_names[i].action) ? (uint32_t)EPERM : 0);
		return 0;
	}
	return -1;
}

bool pal_seccomp_action_has_errno(uint32_t action)
{
	uint32_t base = action & ~ACTION_DATA_MASK;

	return base == SCMP_ACT_ERRNO(0) || base == SCMP_ACT_TRACE(0);
}

const char *pal_seccomp_op_name(enum scmp_compare op)
{
	for (size_t i = 0; i < ARRAY_SIZE(op_names); i++)
		if (op_names[i].op == op)
			return op_names[i].name;
	return NULL;
}

int pal_seccomp_op_parse(const char *name, enum scmp_compare *op)
{
	for (size_t i = 0; i < ARRAY_SIZE(op_names); i++) {
		if (!strcmp(op_names[i].name, name)) {
			*op = op_names[i].op;
			return 0;
		}
	}
	return -1;
}

const char *pal_seccomp_arch_name(uint32_t arch)
{
	for (size_t i = 0; i < ARRAY_SIZE(arch_names); i++)
		if (arch_names[i].arch == arch)
			return arch_names[i].name;
	return NULL;
}

int pal_seccomp_arch_parse(const char *name, uint32_t *arch)
{
	for (size_t i = 0; i < ARRAY_SIZE(arch_names); i++) {
		if (!strcmp(arch_names[i].name, name)) {
			*arch = arch_names[i].arch;
			return 0;
		}
	}
	return -1;
}

int pal_seccomp_uint(yajl_val v, uint64_t max, uint64_t *out)
{
	const char *s;
	char *end;
	unsigned long long n;

	if (!YAJL_IS_NUMBER(v) || !v->u.number.r)
		return -1;
	s = v->u.number.r;
	/* digits only: no sign, fraction or exponent */
	if (*s < '0' || *s > '9' || strspn(s, "0123456789") != strlen(s))
		return -1;
	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno || *end || n > max)
		return -1;
	*out = n;
	return 0;
}

int pal_seccomp_rule_add_cmp(struct pal_scmp_rule *r, const struct pal_scmp_cmp *c)
{
	unsigned int i;

	for (i = 0; i < r->ncmp && r->cmp[i].index < c->index; i++)
		;
	if (i < r->ncmp && r->cmp[i].index == c->index)
		return memcmp(&r->cmp[i], c, sizeof(*c)) ? -1 : 0;
	memmove(&r->cmp[i + 1], &r->cmp[i], (r->ncmp - i) * sizeof(*c));
	r->cmp[i] = *c;
	r->ncmp++;
	return 0;
}

int pal_seccomp_cmp_parse(yajl_val arg, const char *field, struct pal_scmp_cmp *out, pal_error *err)
{
	yajl_val index = pal_json_get(arg, "index");
	yajl_val value = pal_json_get(arg, "value");
	yajl_val value_two = pal_json_get(arg, "valueTwo");
	yajl_val op = pal_json_get(arg, "op");
	uint64_t n;

	memset(out, 0, sizeof(*out));
	if (!YAJL_IS_OBJECT(arg))
		return pal_err(err, 0, "%s: not an object", field);
	if (!index)
		return pal_err(err, 0, "%s.index: missing", field);
	if (pal_seccomp_uint(index, PAL_SCMP_MAX_ARGS - 1, &n) < 0)
		return pal_err(err, 0, "%s.index: not an integer from 0 to %d", field,
		               PAL_SCMP_MAX_ARGS - 1);
	out->index = (unsigned int)n;
	if (!value)
		return pal_err(err, 0, "%s.value: missing", field);
	if (pal_seccomp_uint(value, UINT64_MAX, &out->value) < 0)
		return pal_err(err, 0, "%s.value: not an unsigned 64-bit integer", field);
	if (value_two && pal_seccomp_uint(value_two, UINT64_MAX, &out->value_two) < 0)
		return pal_err(err, 0, "%s.valueTwo: not an unsigned 64-bit integer", field);
	if (!op)
		return pal_err(err, 0, "%s.op: missing", field);
	if (!YAJL_IS_STRING(op))
		return pal_err(err, 0, "%s.op: not a string", field);
	if (pal_seccomp_op_parse(op->u.string, &out->op) < 0)
		return pal_err(err, 0, "%s.op: unknown operator \"%s\"", field, op->u.string);
	/* valueTwo means something only to MASKED_EQ (runc passes it to
	 * libseccomp, which ignores it for the others) */
	if (out->op != SCMP_CMP_MASKED_EQ)
		out->value_two = 0;
	return 0;
}

static int parse_action(yajl_val action, yajl_val errno_ret, const char *field, uint32_t *out,
                        pal_error *err)
{
	uint64_t n;

	if (!action)
		return pal_err(err, 0, "%s: missing", field);
	if (!YAJL_IS_STRING(action))
		return pal_err(err, 0, "%s: not a string", field);
	if (pal_seccomp_action_parse(action->u.string, out) < 0)
		return pal_err(err, 0, "%s: unknown action \"%s\"", field, action->u.string);
	/* runc 1.1 (getAction) ignores a return value for an action that
	 * has none; so does the result, which does not write it */
	if (!errno_ret || !pal_seccomp_action_has_errno(*out))
		return 0;
	/* libseccomp keeps 16 bits: a larger value would silently change */
	if (pal_seccomp_uint(errno_ret, ACTION_DATA_MASK, &n) < 0)
		return pal_err(err, 0, "%s: errno return value not an integer from 0 to %u", field,
		               ACTION_DATA_MASK);
	*out = (*out & ~ACTION_DATA_MASK) | (uint32_t)n;
	return 0;
}

static int parse_strings(yajl_val arr, const char *field, pal_error *err)
{
	if (!YAJL_IS_ARRAY(arr))
		return pal_err(err, 0, "%s: not an array", field);
	for (size_t i = 0; i < arr->u.array.len; i++)
		if (!YAJL_IS_STRING(arr->u.array.values[i]))
			return pal_err(err, 0, "%s[%zu]: not a string", field, i);
	return 0;
}

static int parse_entry(yajl_val sc, const char *field, struct pal_scmp_entry *e, pal_error *err)
{
	yajl_val names = pal_json_get(sc, "names");
	yajl_val args = pal_json_get(sc, "args");
	size_t nargs = YAJL_IS_ARRAY(args) ? args->u.array.len : 0;
	_cleanup_free_ struct pal_scmp_cmp *cmps = NULL;
	unsigned int count[PAL_SCMP_MAX_ARGS] = {0};
	bool split = false;
	char sub[256];

	if (!YAJL_IS_OBJECT(sc))
		return pal_err(err, 0, "%s: not an object", field);
	snprintf(sub, sizeof(sub), "%s.names", field);
	if (!names)
		return pal_err(err, 0, "%s: missing", sub);
	if (parse_strings(names, sub, err) < 0)
		return -1;
	snprintf(sub, sizeof(sub), "%s.action", field);
	if (parse_action(pal_json_get(sc, "action"), pal_json_get(sc, "errnoRet"), sub, &e->action,
	                 err) < 0)
		return -1;
	if (args && !YAJL_IS_ARRAY(args))
		return pal_err(err, 0, "%s.args: not an array", field);
	if (nargs) {
		cmps = calloc(nargs, sizeof(*cmps));
		if (!cmps)
			return pal_err(err, ENOMEM, "%s", field);
	}
	for (size_t i = 0; i < nargs; i++) {
		snprintf(sub, sizeof(sub), "%s.args[%zu]", field, i);
		if (pal_seccomp_cmp_parse(args->u.array.values[i], sub, &cmps[i], err) < 0)
			return -1;
		/* runc: any index counted twice, identical or not, splits */
		if (++count[cmps[i].index] > 1)
			split = true;
	}
	e->rules = calloc(split ? nargs : 1, sizeof(*e->rules));
	if (!e->rules)
		return pal_err(err, ENOMEM, "%s", field);
	if (!split) {
		e->rules[0].action = e->action;
		for (size_t i = 0; i < nargs; i++)
			(void)pal_seccomp_rule_add_cmp(&e->rules[0], &cmps[i]); /* distinct */
		e->nrules = 1;
	} else {
		for (size_t i = 0; i < nargs; i++) {
			struct pal_scmp_rule r = {.action = e->action, .ncmp = 1, .cmp = {cmps[i]}};
			size_t j;

			/* an identical comparison adds nothing to the OR */
			for (j = 0; j < e->nrules && memcmp(&e->rules[j], &r, sizeof(r)); j++)
				;
			if (j == e->nrules)
				e->rules[e->nrules++] = r;
		}
	}
	e->nnames = names->u.array.len;
	if (e->nnames) {
		e->names = calloc(e->nnames, sizeof(*e->names));
		if (!e->names)
			return pal_err(err, ENOMEM, "%s", field);
		for (size_t i = 0; i < e->nnames; i++)
			e->names[i] = names->u.array.values[i]->u.string;
	}
	return 0;
}

int pal_seccomp_parse(yajl_val seccomp, const char *field, struct pal_scmp_filter *f,
                      pal_error *err)
{
	yajl_val arches = pal_json_get(seccomp, "architectures");
	yajl_val flags = pal_json_get(seccomp, "flags");
	yajl_val syscalls = pal_json_get(seccomp, "syscalls");
	char sub[192];

	memset(f, 0, sizeof(*f));
	if (!YAJL_IS_OBJECT(seccomp))
		return pal_err(err, 0, "%s: not an object", field);
	snprintf(sub, sizeof(sub), "%s.defaultAction", field);
	if (parse_action(pal_json_get(seccomp, "defaultAction"),
	                 pal_json_get(seccomp, "defaultErrnoRet"), sub, &f->default_action,
	                 err) < 0)
		return -1;
	if (f->default_action == SCMP_ACT_NOTIFY)
		return pal_err(err, 0, "%s: SCMP_ACT_NOTIFY cannot be the default action", sub);
	if (arches) {
		snprintf(sub, sizeof(sub), "%s.architectures", field);
		if (parse_strings(arches, sub, err) < 0)
			return -1;
		for (size_t i = 0; i < arches->u.array.len; i++) {
			const char *name = arches->u.array.values[i]->u.string;
			uint32_t a;
			size_t j;

			if (pal_seccomp_arch_parse(name, &a) < 0)
				return pal_err(err, 0, "%s[%zu]: unknown architecture \"%s\"", sub,
				               i, name);
			for (j = 0; j < f->narchs && f->archs[j] != a; j++)
				;
			if (j == f->narchs)
				f->archs[f->narchs++] = a;
		}
	}
	if (flags) {
		snprintf(sub, sizeof(sub), "%s.flags", field);
		if (parse_strings(flags, sub, err) < 0)
			return -1;
	}
	if (pal_json_get(seccomp, "listenerPath") &&
	    !YAJL_IS_STRING(pal_json_get(seccomp, "listenerPath")))
		return pal_err(err, 0, "%s.listenerPath: not a string", field);
	if (pal_json_get(seccomp, "listenerMetadata") &&
	    !YAJL_IS_STRING(pal_json_get(seccomp, "listenerMetadata")))
		return pal_err(err, 0, "%s.listenerMetadata: not a string", field);
	if (!syscalls)
		return 0;
	if (!YAJL_IS_ARRAY(syscalls))
		return pal_err(err, 0, "%s.syscalls: not an array", field);
	if (syscalls->u.array.len) {
		f->entries = calloc(syscalls->u.array.len, sizeof(*f->entries));
		if (!f->entries)
			return pal_err(err, ENOMEM, "%s.syscalls", field);
	}
	for (size_t i = 0; i < syscalls->u.array.len; i++) {
		snprintf(sub, sizeof(sub), "%s.syscalls[%zu]", field, i);
		f->nentries++;
		if (parse_entry(syscalls->u.array.values[i], sub, &f->entries[i], err) < 0) {
			pal_seccomp_filter_free(f);
			return -1;
		}
	}
	return 0;
}

void pal_seccomp_filter_free(struct pal_scmp_filter *f)
{
	for (size_t i = 0; i < f->nentries; i++) {
		free(f->entries[i].names);
		free(f->entries[i].rules);
	}
	free(f->entries);
	f->entries = NULL;
	f->nentries = 0;
}

static void ctx_releasep(scmp_filter_ctx *ctx)
{
	if (*ctx)
		seccomp_release(*ctx);
}

static int set_flags(scmp_filter_ctx ctx, yajl_val flags, pal_error *err)
{
	static const struct {
		const char *name;
		enum scmp_filter_attr attr;
	} map[] = {
	    {"SECCOMP_FILTER_FLAG_TSYNC", SCMP_FLTATR_CTL_TSYNC},
	    {"SECCOMP_FILTER_FLAG_LOG", SCMP_FLTATR_CTL_LOG},
	    {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", SCMP_FLTATR_CTL_SSB},
	};

	for (size_t i = 0; flags && i < flags->u.array.len; i++) {
		const char *name = flags->u.array.values[i]->u.string;
		size_t j;
		int r;

		for (j = 0; j < ARRAY_SIZE(map) && strcmp(map[j].name, name); j++)
			;
		if (j == ARRAY_SIZE(map))
			return pal_err(err, 0, "linux.seccomp.flags[%zu]: unsupported flag \"%s\"",
			               i, name);
		r = seccomp_attr_set(ctx, map[j].attr, 1);
		if (r < 0)
			return pal_err(err, -r, "linux.seccomp.flags[%zu]: %s", i, name);
	}
	return 0;
}

static int add_entry(scmp_filter_ctx ctx, uint32_t default_action, const struct pal_scmp_entry *e,
                     size_t idx, pal_error *err)
{
	/* runc skips what the default already does; libseccomp would refuse
	 * it with EACCES */
	if (e->action == default_action)
		return 0;
	for (size_t k = 0; k < e->nrules; k++) {
		const struct pal_scmp_rule *rl = &e->rules[k];
		struct scmp_arg_cmp cmp[PAL_SCMP_MAX_ARGS];

		for (unsigned int i = 0; i < rl->ncmp; i++) {
			cmp[i].arg = rl->cmp[i].index;
			cmp[i].op = rl->cmp[i].op;
			cmp[i].datum_a = rl->cmp[i].value;
			cmp[i].datum_b = rl->cmp[i].value_two;
		}
		for (size_t i = 0; i < e->nnames; i++) {
			int nr = seccomp_syscall_resolve_name(e->names[i]);
			int r;

			if (nr == __NR_SCMP_ERROR)
				continue; /* as runc: a name this libseccomp does not know */
			r = seccomp_rule_add_array(ctx, rl->action, nr, rl->ncmp, cmp);
			if (r < 0)
				return pal_err(err, -r, "linux.seccomp.syscalls[%zu]: %s", idx,
				               e->names[i]);
		}
	}
	return 0;
}

int pal_seccomp_load_oci(yajl_val seccomp, scmp_filter_ctx *out, pal_error *err)
{
	__attribute__((cleanup(ctx_releasep))) scmp_filter_ctx ctx = NULL;
	struct pal_scmp_filter f;
	int r = -1;

	if (pal_seccomp_parse(seccomp, "linux.seccomp", &f, err) < 0)
		return -1;
	ctx = seccomp_init(f.default_action);
	if (!ctx) {
		pal_err(err, ENOMEM, "linux.seccomp: seccomp_init");
		goto out;
	}
	for (size_t i = 0; i < f.narchs; i++) {
		int ar = seccomp_arch_add(ctx, f.archs[i]);

		if (ar < 0 && ar != -EEXIST) {
			pal_err(err, -ar, "linux.seccomp.architectures: %s",
			        pal_seccomp_arch_name(f.archs[i]));
			goto out;
		}
	}
	if (set_flags(ctx, pal_json_get(seccomp, "flags"), err) < 0)
		goto out;
	for (size_t i = 0; i < f.nentries; i++)
		if (add_entry(ctx, f.default_action, &f.entries[i], i, err) < 0)
			goto out;
	*out = steal_pointer(&ctx);
	r = 0;
out:
	pal_seccomp_filter_free(&f);
	return r;
}

/* ------------------------------------------------------------------ sets */

struct rset {
	struct pal_scmp_rule *v;
	size_t n, cap;
};

static void rset_free(struct rset *s)
{
	free(s->v);
	memset(s, 0, sizeof(*s));
}

static int rset_push(struct rset *s, const struct pal_scmp_rule *r)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 8;
		struct pal_scmp_rule *v = realloc(s->v, cap * sizeof(*v));

		if (!v)
			return -1;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = *r;
	return 0;
}

static void rset_remove(struct rset *s, size_t i)
{
	memmove(&s->v[i], &s->v[i + 1], (s->n - i - 1) * sizeof(*s->v));
	s->n--;
}

static int push_all(struct rset *s, uint32_t action)
{
	struct pal_scmp_rule r = {.action = action};

	return rset_push(s, &r);
}

static bool rset_all(const struct rset *s)
{
	return s->n == 1 && s->v[0].ncmp == 0;
}

/* Strictness, for "the stricter side wins"; 3 and up deny the call. */
static int rank(uint32_t a)
{
	uint32_t base = a & 0xffff0000U;

	if (a == SCMP_ACT_KILL_PROCESS)
		return 6;
	if (a == SCMP_ACT_KILL_THREAD)
		return 5;
	if (a == SCMP_ACT_TRAP)
		return 4;
	if (base == SCMP_ACT_ERRNO(0))
		return 3;
	/* a tracer or a listener may let the call run */
	if (base == SCMP_ACT_TRACE(0) || a == SCMP_ACT_NOTIFY)
		return 2;
	if (a == SCMP_ACT_LOG)
		return 1;
	return 0;
}

static bool denies(uint32_t a)
{
	return rank(a) >= 3;
}

/* The stricter of A and B, A on a tie. */
static uint32_t stricter(uint32_t a, uint32_t b)
{
	return rank(b) > rank(a) ? b : a;
}

static int cmp_order(const struct pal_scmp_cmp *a, const struct pal_scmp_cmp *b)
{
	if (a->index != b->index)
		return a->index < b->index ? -1 : 1;
	if (a->op != b->op)
		return a->op < b->op ? -1 : 1;
	if (a->value != b->value)
		return a->value < b->value ? -1 : 1;
	if (a->value_two != b->value_two)
		return a->value_two < b->value_two ? -1 : 1;
	return 0;
}

static int conds_order(const struct pal_scmp_rule *a, const struct pal_scmp_rule *b)
{
	if (a->ncmp != b->ncmp)
		return a->ncmp < b->ncmp ? -1 : 1;
	for (unsigned int i = 0; i < a->ncmp; i++) {
		int c = cmp_order(&a->cmp[i], &b->cmp[i]);

		if (c)
			return c;
	}
	return 0;
}

/* Every comparison of A is in B: B's calls are a subset of A's. */
static bool conds_within(const struct pal_scmp_rule *a, const struct pal_scmp_rule *b)
{
	for (unsigned int i = 0; i < a->ncmp; i++) {
		unsigned int j;

		for (j = 0; j < b->ncmp && cmp_order(&a->cmp[i], &b->cmp[j]); j++)
			;
		if (j == b->ncmp)
			return false;
	}
	return true;
}

static int rule_order(const void *pa, const void *pb)
{
	const struct pal_scmp_rule *a = pa, *b = pb;
	int c = conds_order(a, b);

	if (c)
		return c;
	return a->action < b->action ? -1 : a->action > b->action;
}

/* One form for one meaning: an unconditional rule replaces the rest (as in
 * libseccomp); equal conditions keep the stricter action; a rule implied by
 * a wider one with the same action goes; sorted. */
static void rset_normalise(struct rset *s)
{
	for (size_t i = 0; i < s->n; i++) {
		if (s->v[i].ncmp)
			continue;
		uint32_t a = s->v[i].action;

		for (size_t j = 0; j < s->n; j++)
			if (!s->v[j].ncmp)
				a = stricter(a, s->v[j].action);
		s->v[0] = (struct pal_scmp_rule){.action = a};
		s->n = 1;
		return;
	}
	for (size_t i = 0; i < s->n; i++) {
		for (size_t j = i + 1; j < s->n; j++) {
			if (conds_order(&s->v[i], &s->v[j]))
				continue;
			s->v[i].action = stricter(s->v[i].action, s->v[j].action);
			rset_remove(s, j--);
		}
	}
	/* no two are equal now, so "wider" is a strict order: a removed rule
	 * always leaves a wider one behind */
	for (size_t i = 0; i < s->n;) {
		size_t j;

		for (j = 0; j < s->n; j++)
			if (j != i && s->v[j].action == s->v[i].action &&
			    conds_within(&s->v[j], &s->v[i]))
				break;
		if (j < s->n)
			rset_remove(s, i);
		else
			i++;
	}
	if (s->n)
		qsort(s->v, s->n, sizeof(*s->v), rule_order);
}

/* Every pair of A's and B's rules joined, with A's action; a pair with two
 * different comparisons on one argument is dropped. */
static int rset_intersect(const struct rset *a, const struct rset *b, struct rset *out)
{
	for (size_t i = 0; i < a->n; i++) {
		for (size_t j = 0; j < b->n; j++) {
			struct pal_scmp_rule r = a->v[i];
			unsigned int k;

			for (k = 0; k < b->v[j].ncmp; k++)
				if (pal_seccomp_rule_add_cmp(&r, &b->v[j].cmp[k]) < 0)
					break;
			if (k == b->v[j].ncmp && rset_push(out, &r) < 0)
				return -1;
		}
	}
	rset_normalise(out);
	return 0;
}

/* -------------------------------------------------------------- profile */

struct cond {
	const char *name;
	struct pal_scmp_rule rule;
};

struct prof {
	uint32_t pdefault, pdeny, penosys; /* what the profile denies with, per mode */
	yajl_val enosys;                   /* names denied with ENOSYS */
	uint32_t archs[PAL_SCMP_MAX_ARCHS];
	size_t narchs;
	const char **allow; /* sorted, unique */
	size_t nallow, capallow;
	struct cond *conds;
	size_t nconds, capconds;
};

static void prof_free(struct prof *p)
{
	free(p->allow);
	free(p->conds);
}

static int allow_add(struct prof *p, const char *name)
{
	if (p->nallow == p->capallow) {
		size_t cap = p->capallow ? p->capallow * 2 : 64;
		const char **v = realloc(p->allow, cap * sizeof(*v));

		if (!v)
			return -1;
		p->allow = v;
		p->capallow = cap;
	}
	p->allow[p->nallow++] = name;
	return 0;
}

static int cond_add(struct prof *p, const char *name, const struct pal_scmp_rule *r)
{
	if (p->nconds == p->capconds) {
		size_t cap = p->capconds ? p->capconds * 2 : 16;
		struct cond *v = realloc(p->conds, cap * sizeof(*v));

		if (!v)
			return -1;
		p->conds = v;
		p->capconds = cap;
	}
	p->conds[p->nconds++] = (struct cond){.name = name, .rule = *r};
	return 0;
}

static int strp_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool allowed_all(const struct prof *p, const char *name)
{
	return p->nallow && bsearch(&name, p->allow, p->nallow, sizeof(*p->allow), strp_cmp);
}

static int profile_errno(const struct pal_rewrite_ctx *ctx, const char *key, int dflt, int *out,
                         pal_error *err)
{
	yajl_val v = pal_profile_get(ctx->profile, "seccomp", key);
	uint64_t n;

	*out = dflt;
	if (!v)
		return 0;
	if (YAJL_IS_STRING(v)) {
		*out = pal_profile_errno(v->u.string);
		if (*out > 0)
			return 0;
		return pal_err(err, 0, "profile \"%s\": seccomp.%s: unknown errno \"%s\"",
		               ctx->profile->name, key, v->u.string);
	}
	/* 0 would make the call "succeed" without running; above 4095 libc
	 * does not see an error */
	if (pal_seccomp_uint(v, 4095, &n) < 0 || n == 0)
		return pal_err(err, 0,
		               "profile \"%s\": seccomp.%s: not an errno name or number (1-4095)",
		               ctx->profile->name, key);
	*out = (int)n;
	return 0;
}

static int profile_names(const struct pal_rewrite_ctx *ctx, yajl_val arr, const char *field,
                         pal_error *err)
{
	if (!YAJL_IS_ARRAY(arr))
		return pal_err(err, 0, "profile \"%s\": %s: not an array", ctx->profile->name,
		               field);
	for (size_t i = 0; i < arr->u.array.len; i++) {
		yajl_val n = arr->u.array.values[i];

		if (!YAJL_IS_STRING(n))
			return pal_err(err, 0, "profile \"%s\": %s[%zu]: not a string",
			               ctx->profile->name, field, i);
		if (seccomp_syscall_resolve_name(n->u.string) == __NR_SCMP_ERROR)
			return pal_err(err, 0, "profile \"%s\": %s[%zu]: unknown syscall \"%s\"",
			               ctx->profile->name, field, i, n->u.string);
	}
	return 0;
}

static int profile_archs(const struct pal_rewrite_ctx *ctx, struct prof *p, pal_error *err)
{
	yajl_val v = pal_profile_get(ctx->profile, "seccomp", "architectures");

	if (!v) {
		/* a 64-bit kernel runs its 32-bit ABIs too: deny them the same */
		switch (seccomp_arch_native()) {
		case SCMP_ARCH_X86_64:
			p->archs[p->narchs++] = SCMP_ARCH_X86_64;
			p->archs[p->narchs++] = SCMP_ARCH_X86;
			p->archs[p->narchs++] = SCMP_ARCH_X32;
			break;
		case SCMP_ARCH_AARCH64:
			p->archs[p->narchs++] = SCMP_ARCH_AARCH64;
			p->archs[p->narchs++] = SCMP_ARCH_ARM;
			break;
		default:
			p->archs[p->narchs++] = seccomp_arch_native();
		}
		return 0;
	}
	if (!YAJL_IS_ARRAY(v))
		return pal_err(err, 0, "profile \"%s\": seccomp.architectures: not an array",
		               ctx->profile->name);
	for (size_t i = 0; i < v->u.array.len; i++) {
		yajl_val s = v->u.array.values[i];
		uint32_t a;
		size_t j;

		if (!YAJL_IS_STRING(s) || pal_seccomp_arch_parse(s->u.string, &a) < 0)
			return pal_err(err, 0,
			               "profile \"%s\": seccomp.architectures[%zu]: not a known "
			               "architecture",
			               ctx->profile->name, i);
		for (j = 0; j < p->narchs && p->archs[j] != a; j++)
			;
		if (j == p->narchs && p->narchs < PAL_SCMP_MAX_ARCHS)
			p->archs[p->narchs++] = a;
	}
	return 0;
}

static int profile_conditional(const struct pal_rewrite_ctx *ctx, struct prof *p, pal_error *err)
{
	yajl_val v = pal_profile_get(ctx->profile, "seccomp", "conditional");
	const char *pn = ctx->profile->name;
	char field[96];

	if (!v)
		return 0;
	if (!YAJL_IS_ARRAY(v))
		return pal_err(err, 0, "profile \"%s\": seccomp.conditional: not an array", pn);
	for (size_t i = 0; i < v->u.array.len; i++) {
		yajl_val c = v->u.array.values[i];
		yajl_val names = pal_json_get(c, "names");
		yajl_val args = pal_json_get(c, "args");
		struct pal_scmp_rule r = {.action = SCMP_ACT_ALLOW};

		if (!YAJL_IS_OBJECT(c))
			return pal_err(err, 0,
			               "profile \"%s\": seccomp.conditional[%zu]: not an object",
			               pn, i);
		snprintf(field, sizeof(field), "seccomp.conditional[%zu].names", i);
		if (!names)
			return pal_err(err, 0, "profile \"%s\": %s: missing", pn, field);
		if (profile_names(ctx, names, field, err) < 0)
			return -1;
		if (args && !YAJL_IS_ARRAY(args))
			return pal_err(
			    err, 0, "profile \"%s\": seccomp.conditional[%zu].args: not an array",
			    pn, i);
		for (size_t j = 0; args && j < args->u.array.len; j++) {
			struct pal_scmp_cmp cmp;

			snprintf(field, sizeof(field), "seccomp.conditional[%zu].args[%zu]", i, j);
			if (pal_seccomp_cmp_parse(args->u.array.values[j], field, &cmp, err) < 0)
				return pal_err_prefix(err, "profile \"%s\"", pn);
			if (pal_seccomp_rule_add_cmp(&r, &cmp) < 0)
				return pal_err(
				    err, 0,
				    "profile \"%s\": %s: a second comparison on argument %u", pn,
				    field, cmp.index);
		}
		for (size_t j = 0; j < names->u.array.len; j++) {
			const char *name = names->u.array.values[j]->u.string;
			int rc = r.ncmp ? cond_add(p, name, &r) : allow_add(p, name);

			if (rc < 0)
				return pal_err(err, ENOMEM, "profile \"%s\"", pn);
		}
	}
	return 0;
}

/* What the backend runs between loading the filter and execve; see the
 * header comment for where each comes from. */
static const char *const always_needed[] = {"exit", "exit_group", "rt_sigreturn"};
static const char *const runc_late[] = {"close",     "execve", "futex", "getpid",
                                        "nanosleep", "openat", "write"};
static const char *const runc_early[] = {"capget", "capset",     "chdir",     "fchown",     "fcntl",
                                         "fstat",  "getdents64", "getppid",   "newfstatat", "prctl",
                                         "read",   "setgid",     "setgroups", "setuid"};
static const char *const runc_listener[] = {"read", "sendmsg"};
static const char *const crun_late[] = {"close", "close_range", "execve"};
static const char *const crun_early[] = {"capset",   "chdir",     "newfstatat",     "prctl",
                                         "pselect6", "read",      "rt_sigprocmask", "select",
                                         "setgid",   "setgroups", "setuid",         "write"};
static const char *const crun_listener[] = {"munmap", "wait4"};

static int add_names(struct prof *p, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (allow_add(p, names[i]) < 0)
			return -1;
	return 0;
}

#define ADD_NAMES(p, a) add_names(p, a, ARRAY_SIZE(a))

static int runtime_needs(const struct pal_rewrite_ctx *ctx, yajl_val spec, bool listener,
                         struct prof *p, pal_error *err)
{
	bool runc = !ctx->backend || strcmp(ctx->backend, "crun");
	bool crun = !ctx->backend || strcmp(ctx->backend, "runc");
	bool nnp = YAJL_IS_TRUE(pal_json_getp(spec, "process", "noNewPrivileges", NULL));
	yajl_val domain = pal_json_getp(spec, "linux", "personality", "domain", NULL);
	int rc = ADD_NAMES(p, always_needed);

	if (runc) {
		rc |= ADD_NAMES(p, runc_late);
		if (!nnp)
			rc |= ADD_NAMES(p, runc_early);
		if (listener)
			rc |= ADD_NAMES(p, runc_listener);
		if (YAJL_IS_STRING(domain) &&
		    (!strcmp(domain->u.string, "LINUX") || !strcmp(domain->u.string, "LINUX32"))) {
			struct pal_scmp_rule r = {.action = SCMP_ACT_ALLOW, .ncmp = 1};

			r.cmp[0] = (struct pal_scmp_cmp){
			    .index = 0,
			    .op = SCMP_CMP_EQ,
			    .value = strcmp(domain->u.string, "LINUX") ? 0x0008 /* PER_LINUX32 */
			                                               : 0,
			};
			rc |= cond_add(p, "personality", &r);
		}
	}
	if (crun) {
		rc |= ADD_NAMES(p, crun_late);
		if (!nnp)
			rc |= ADD_NAMES(p, crun_early);
		if (listener)
			rc |= ADD_NAMES(p, crun_listener);
	}
	return rc ? pal_err(err, ENOMEM, FIELD) : 0;
}

static int profile_load(const struct pal_rewrite_ctx *ctx, yajl_val spec, bool listener,
                        struct prof *p, pal_error *err)
{
	yajl_val allow = pal_profile_get(ctx->profile, "seccomp", "allow");
	int dflt, deny;

	if (profile_errno(ctx, "defaultErrno", ENOSYS, &dflt, err) < 0 ||
	    profile_errno(ctx, "denyErrno", EPERM, &deny, err) < 0)
		return -1;
	if (ctx->mode == PAL_MODE_AUDIT) {
		p->pdefault = p->pdeny = p->penosys = SCMP_ACT_LOG;
	} else {
		p->pdefault = SCMP_ACT_ERRNO((uint32_t)dflt);
		p->pdeny = SCMP_ACT_ERRNO((uint32_t)deny);
		p->penosys = SCMP_ACT_ERRNO(ENOSYS);
	}
	if (profile_archs(ctx, p, err) < 0)
		return -1;
	p->enosys = pal_profile_get(ctx->profile, "seccomp", "enosys");
	if (p->enosys && profile_names(ctx, p->enosys, "seccomp.enosys", err) < 0)
		return -1;
	if (allow) {
		if (profile_names(ctx, allow, "seccomp.allow", err) < 0)
			return -1;
		for (size_t i = 0; i < allow->u.array.len; i++)
			if (allow_add(p, allow->u.array.values[i]->u.string) < 0)
				return pal_err(err, ENOMEM, FIELD);
	}
	if (profile_conditional(ctx, p, err) < 0 || runtime_needs(ctx, spec, listener, p, err) < 0)
		return -1;
	if (p->nallow) {
		size_t n = 1;

		qsort(p->allow, p->nallow, sizeof(*p->allow), strp_cmp);
		for (size_t i = 1; i < p->nallow; i++)
			if (strcmp(p->allow[i], p->allow[n - 1]))
				p->allow[n++] = p->allow[i];
		p->nallow = n;
	}
	return 0;
}

/* The multiplexers of 32-bit x86 (also s390, ppc) and their sub-calls
 * (first argument), with the syscall each sub-call does (linux/net.h,
 * ipc/syscall.c). */
static const char *const socketcall_subs[] = {
    NULL,          "socket",     "bind",    "connect",  "listen",  "accept",   "getsockname",
    "getpeername", "socketpair", "sendto",  "recvfrom", "sendto",  "recvfrom", "shutdown",
    "setsockopt",  "getsockopt", "sendmsg", "recvmsg",  "accept4", "recvmmsg", "sendmmsg",
};
static const char *const ipc_subs[] = {
    NULL, "semop", "semget", "semctl", "semtimedop", NULL,     NULL,     NULL,
    NULL, NULL,    NULL,     "msgsnd", "msgrcv",     "msgget", "msgctl", NULL,
    NULL, NULL,    NULL,     NULL,     "shmat",      "shmdt",  "shmget", "shmctl",
};

struct mux {
	const char *name;
	const char *const *subs;
	size_t nsubs;
	bool masked; /* ipc's call number carries a version in its upper 16 bits */
};

static const struct mux muxes[] = {
    {"socketcall", socketcall_subs, ARRAY_SIZE(socketcall_subs), false},
    {"ipc", ipc_subs, ARRAY_SIZE(ipc_subs), true},
};

/* The multiplexer NAME is, or NULL. */
static const struct mux *mux_named(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(muxes); i++)
		if (!strcmp(muxes[i].name, name))
			return &muxes[i];
	return NULL;
}

/* The multiplexer that carries NAME, or NULL. */
static const struct mux *mux_carrying(const char *name)
{
	if (!strcmp(name, "send") || !strcmp(name, "recv"))
		return &muxes[0];
	for (size_t i = 0; i < ARRAY_SIZE(muxes); i++)
		for (size_t j = 0; j < muxes[i].nsubs; j++)
			if (muxes[i].subs[j] && !strcmp(muxes[i].subs[j], name))
				return &muxes[i];
	return NULL;
}

/* What the profile denies NAME with. */
static uint32_t profile_deny(const struct prof *p, const char *name)
{
	for (size_t i = 0; p->enosys && i < p->enosys->u.array.len; i++)
		if (!strcmp(p->enosys->u.array.values[i]->u.string, name))
			return p->penosys;
	return p->pdeny;
}

/* The profile's side for NAME: ALLOW rules (none: denied). */
static int profile_rules(const struct prof *p, const char *name, struct rset *out)
{
	if (allowed_all(p, name)) {
		if (push_all(out, SCMP_ACT_ALLOW) < 0)
			return -1;
	} else {
		for (size_t i = 0; i < p->nconds; i++)
			if (!strcmp(p->conds[i].name, name) &&
			    rset_push(out, &p->conds[i].rule) < 0)
				return -1;
	}
	rset_normalise(out);
	return 0;
}

/* ----------------------------------------------------------- spec filter */

struct eside {
	struct rset allow; /* where it lets the call run, with its actions */
	struct rset deny;  /* its conditional denials, kept as they are */
	bool all;          /* runs unconditionally */
	bool uncond_deny;  /* an unconditional denial names it */
	bool has_ed;       /* what it denies the rest with */
	uint32_t ed;
};

static void eside_free(struct eside *e)
{
	rset_free(&e->allow);
	rset_free(&e->deny);
}

static int existing_side(const struct pal_scmp_filter *f, const char *name, bool known,
                         uint32_t out_dflt, struct eside *e)
{
	struct rset conds = {0};
	bool urun = false;
	uint32_t ur = 0;
	int r = -1;

	for (size_t i = 0; i < f->nentries; i++) {
		const struct pal_scmp_entry *en = &f->entries[i];
		size_t j;

		/* runc never adds it (libseccomp would refuse it): an ALLOW
		 * entry under an ALLOW default overrides nothing */
		if (en->action == f->default_action)
			continue;
		for (j = 0; j < en->nnames && strcmp(en->names[j], name); j++)
			;
		if (j == en->nnames)
			continue;
		for (size_t k = 0; k < en->nrules; k++) {
			const struct pal_scmp_rule *rl = &en->rules[k];

			if (!rl->ncmp && denies(rl->action)) {
				e->ed = e->uncond_deny ? stricter(e->ed, rl->action) : rl->action;
				e->uncond_deny = e->has_ed = true;
			} else if (!rl->ncmp) {
				ur = urun ? stricter(ur, rl->action) : rl->action;
				urun = true;
			} else if (rset_push(&conds, rl) < 0 ||
			           rset_push(denies(rl->action) ? &e->deny : &e->allow, rl) < 0) {
				goto out;
			}
		}
	}
	/* libseccomp: an unconditional rule overrides the conditional ones */
	if (e->uncond_deny || urun) {
		e->allow.n = e->deny.n = 0;
		if (!e->uncond_deny) {
			e->all = true;
			if (push_all(&e->allow, ur) < 0)
				goto out;
		}
	} else if (denies(f->default_action)) {
		e->has_ed = true;
		e->ed = f->default_action;
	} else if (!conds.n) {
		e->all = true;
		if (push_all(&e->allow, f->default_action) < 0)
			goto out;
	} else if (e->deny.n) {
		/* the default lets the rest run, but what runs is "none of its
		 * conditional denials matches", which one seccomp rule cannot
		 * say without a complement (see the header): allow nothing;
		 * its denials and ours cover the call */
		e->allow.n = 0;
		e->has_ed = true;
		e->ed = e->deny.v[0].action;
		for (size_t i = 1; i < e->deny.n; i++)
			e->ed = stricter(e->ed, e->deny.v[i].action);
		e->deny.n = 0;
		e->uncond_deny = true;
	} else if (f->default_action != out_dflt) {
		/* every call runs, under its default or one of its conditional
		 * actions (LOG, TRACE, NOTIFY, ALLOW): the strictest of them
		 * for all, so that no call is supervised or logged less */
		uint32_t a = f->default_action;

		for (size_t i = 0; i < e->allow.n; i++)
			a = stricter(a, e->allow.v[i].action);
		e->allow.n = 0;
		e->all = true;
		if (push_all(&e->allow, a) < 0)
			goto out;
	}
	/* else (audit mode, both defaults LOG): its conditional rules as they
	 * are, and the result's default is its own for the rest */
	if (!known) {
		/* runc ignores a name it cannot resolve: it allows nothing */
		e->allow.n = 0;
		e->all = false;
	}
	rset_normalise(&e->allow);
	rset_normalise(&e->deny);
	r = 0;
out:
	rset_free(&conds);
	return r;
}

/* ---------------------------------------------------------------- result */

struct out_rule {
	const char *name;
	struct pal_scmp_rule r;
};

struct outv {
	struct out_rule *v;
	size_t n, cap;
	uint32_t dflt;
};

static int emit(struct outv *o, const char *name, const struct pal_scmp_rule *r)
{
	if (r->action == o->dflt)
		return 0;
	if (o->n == o->cap) {
		size_t cap = o->cap ? o->cap * 2 : 256;
		struct out_rule *v = realloc(o->v, cap * sizeof(*v));

		if (!v)
			return -1;
		o->v = v;
		o->cap = cap;
	}
	o->v[o->n++] = (struct out_rule){.name = name, .r = *r};
	return 0;
}

static bool same_conds_as(const struct rset *s, const struct pal_scmp_rule *r)
{
	for (size_t i = 0; i < s->n; i++)
		if (!conds_order(&s->v[i], r))
			return true;
	return false;
}

/* The result lets NAME run unconditionally (the rules of every other name
 * are in O when a multiplexer is decided). */
static bool result_runs(const struct outv *o, const struct prof *p, const char *name)
{
	for (size_t i = 0; i < o->n; i++)
		if (!o->v[i].r.ncmp && !strcmp(o->v[i].name, name))
			return !denies(o->v[i].r.action) && o->v[i].r.action != p->pdeny;
	return false;
}

/* socketcall and ipc hide their real arguments behind a pointer: narrow
 * PR to the sub-calls the result allows outright. */
static int mux_narrow(const struct mux *m, const struct prof *p, const struct outv *o,
                      struct rset *pr)
{
	struct rset gate = {0}, narrowed = {0};
	bool every = true;
	int r = -1;

	for (size_t i = 0; i < m->nsubs; i++) {
		struct pal_scmp_rule g = {.action = SCMP_ACT_ALLOW, .ncmp = 1};

		if (!m->subs[i])
			continue;
		if (!result_runs(o, p, m->subs[i])) {
			every = false;
			continue;
		}
		g.cmp[0] = m->masked ? (struct pal_scmp_cmp){0, SCMP_CMP_MASKED_EQ, 0xffff, i}
		                     : (struct pal_scmp_cmp){0, SCMP_CMP_EQ, i, 0};
		if (rset_push(&gate, &g) < 0)
			goto out;
	}
	r = 0;
	if (every)
		goto out;
	r = -1;
	if (rset_intersect(pr, &gate, &narrowed) < 0)
		goto out;
	rset_free(pr);
	*pr = narrowed;
	narrowed = (struct rset){0};
	r = 0;
out:
	rset_free(&gate);
	rset_free(&narrowed);
	return r;
}

/* A rule of multiplexer M whose first comparison picks sub-call K (EQ K,
 * for ipc MASKED_EQ 0xffff K), or -1. */
static long mux_sub_of(const struct mux *m, const struct pal_scmp_rule *r)
{
	const struct pal_scmp_cmp *c = &r->cmp[0];

	if (!r->ncmp || c->index)
		return -1;
	if (c->op == SCMP_CMP_EQ && c->value < m->nsubs)
		return (long)c->value;
	if (m->masked && c->op == SCMP_CMP_MASKED_EQ && c->value == 0xffff &&
	    c->value_two < m->nsubs)
		return (long)c->value_two;
	return -1;
}

/* libseccomp writes every rule of a sub-call as a rule of its multiplexer
 * picking that sub-call; one of ours that picks it with another action
 * collides with it (EEXIST).  Such a rule goes: its calls fall to the
 * default action, denied. */
static void mux_drop_clashes(const struct mux *m, const struct outv *o, struct rset *res)
{
	for (size_t i = 0; i < res->n;) {
		long k = mux_sub_of(m, &res->v[i]);
		bool clash = false;

		for (size_t j = 0; k >= 0 && m->subs[k] && j < o->n; j++)
			if (!strcmp(o->v[j].name, m->subs[k]) &&
			    o->v[j].r.action != res->v[i].action)
				clash = true;
		if (clash)
			rset_remove(res, i);
		else
			i++;
	}
}

static bool same_past_a0(const struct pal_scmp_rule *a, const struct pal_scmp_rule *b)
{
	struct pal_scmp_rule x = *a, y = *b;

	if (x.ncmp && !x.cmp[0].index)
		memmove(&x.cmp[0], &x.cmp[1], --x.ncmp * sizeof(x.cmp[0]));
	if (y.ncmp && !y.cmp[0].index)
		memmove(&y.cmp[0], &y.cmp[1], --y.ncmp * sizeof(y.cmp[0]));
	return !conds_order(&x, &y);
}

/* Where the filter has socketcall (ipc), libseccomp adds to every rule of
 * a call it carries one on the multiplexer with the call number as first
 * argument, in place of the rule's own first-argument comparison.  Two
 * rules that differ only there collide (EEXIST, and the runtime fails):
 * keep the one that lets the call run; the calls the other denied fall to
 * the default action, denied all the same. */
static void mux_collisions(struct rset *s)
{
	for (size_t i = 0; i < s->n; i++) {
		for (size_t j = i + 1; j < s->n; j++) {
			size_t drop;

			if (s->v[i].action == s->v[j].action || !same_past_a0(&s->v[i], &s->v[j]))
				continue;
			drop = denies(s->v[j].action) || !denies(s->v[i].action) ? j : i;
			rset_remove(s, drop);
			i = (size_t)-1; /* start over */
			break;
		}
	}
}

static bool on_any(const uint32_t *archs, size_t narchs, const char *name)
{
	for (size_t i = 0; i < narchs; i++)
		if (seccomp_syscall_resolve_name_arch(archs[i], name) >= 0)
			return true;
	return false;
}

/* The rules for NAME in the result, into FIN. */
static int decide_rules(const struct prof *p, const struct pal_scmp_filter *f,
                        const uint32_t *archs, size_t narchs, const char *name,
                        const struct outv *o, struct rset *fin)
{
	struct eside e = {0};
	struct rset pr = {0}, res = {0};
	const struct mux *m = mux_named(name);
	uint32_t rem, pd = profile_deny(p, name);
	int r = -1;

	if (existing_side(f, name, seccomp_syscall_resolve_name(name) != __NR_SCMP_ERROR, o->dflt,
	                  &e) < 0)
		goto out;
	if (!on_any(archs, narchs, name)) {
		/* nothing to allow on these architectures; its denials stay */
		if (e.uncond_deny) {
			r = push_all(fin, e.ed);
			goto out;
		}
		for (size_t i = 0; i < e.deny.n; i++)
			if (rset_push(fin, &e.deny.v[i]) < 0)
				goto out;
		r = 0;
		goto out;
	}
	if (profile_rules(p, name, &pr) < 0)
		goto out;
	if (m && pr.n && mux_narrow(m, p, o, &pr) < 0)
		goto out;
	if (rset_intersect(&e.allow, &pr, &res) < 0)
		goto out;
	for (size_t i = 0; i < res.n; i++)
		if (same_conds_as(&e.deny, &res.v[i]))
			rset_remove(&res, i--); /* its denial wins */
	if (m)
		mux_drop_clashes(m, o, &res);
	if (rset_all(&res)) {
		r = rset_push(fin, &res.v[0]);
		goto out;
	}
	/* What the calls outside RES get, when that is all of them: the side
	 * that denies them.  On a tie (two errnos) the profile's where it
	 * denies the call too (its "enosys" names keep ENOSYS), else the
	 * spec's; either way the result read again decides the same. */
	if (!e.has_ed)
		rem = pd;
	else if (!pr.n)
		rem = stricter(pd, e.ed);
	else
		rem = stricter(e.ed, pd);
	if (!res.n) {
		for (size_t i = 0; i < e.deny.n; i++)
			rem = stricter(rem, e.deny.v[i].action);
		r = push_all(fin, rem);
		goto out;
	}
	/* the calls that match none of RES's rules fall to the default
	 * action (no complement rules: see the header) */
	for (size_t i = 0; i < res.n; i++)
		if (rset_push(fin, &res.v[i]) < 0)
			goto out;
	for (size_t i = 0; i < e.deny.n; i++)
		if (rset_push(fin, &e.deny.v[i]) < 0)
			goto out;
	r = 0;
out:
	eside_free(&e);
	rset_free(&pr);
	rset_free(&res);
	return r;
}

static int decide(const struct prof *p, const struct pal_scmp_filter *f, const uint32_t *archs,
                  size_t narchs, const char *name, struct outv *o)
{
	const struct mux *m = mux_carrying(name);
	struct rset fin = {0};
	int r = decide_rules(p, f, archs, narchs, name, o, &fin);

	if (!r && m && on_any(archs, narchs, m->name))
		mux_collisions(&fin);
	for (size_t i = 0; !r && i < fin.n; i++)
		r = emit(o, name, &fin.v[i]);
	rset_free(&fin);
	return r;
}

/* ------------------------------------------------------------ name sets */

struct strv {
	char **v;
	size_t n, cap;
};

static void strv_free(struct strv *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
}

/* Takes S (malloc'd), also on failure. */
static int strv_take(struct strv *s, char *str)
{
	if (!str)
		return -1;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 1024;
		char **v = realloc(s->v, cap * sizeof(*v));

		if (!v) {
			free(str);
			return -1;
		}
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = str;
	return 0;
}

static void strv_sort_unique(struct strv *s)
{
	size_t n = 0;

	if (!s->n)
		return;
	qsort(s->v, s->n, sizeof(*s->v), strp_cmp);
	for (size_t i = 0; i < s->n; i++) {
		if (n && !strcmp(s->v[i], s->v[n - 1]))
			free(s->v[i]);
		else
			s->v[n++] = s->v[i];
	}
	s->n = n;
}

/* Every name libseccomp knows for ARCH: its syscall numbers start at 0,
 * except x32's (__X32_SYSCALL_BIT) and MIPS's (o32 4000, n64 5000, n32
 * 6000); ARM has a few private ones at 0x0f0000. */
static int enumerate(uint32_t arch, struct strv *s)
{
	int base = 0;

	switch (arch) {
	case SCMP_ARCH_X32:
		base = 0x40000000;
		break;
	case SCMP_ARCH_MIPS:
	case SCMP_ARCH_MIPSEL:
		base = 4000;
		break;
	case SCMP_ARCH_MIPS64:
	case SCMP_ARCH_MIPSEL64:
		base = 5000;
		break;
	case SCMP_ARCH_MIPS64N32:
	case SCMP_ARCH_MIPSEL64N32:
		base = 6000;
		break;
	}
	for (int nr = base; nr < base + 1024; nr++) {
		char *name = seccomp_syscall_resolve_num_arch(arch, nr);

		if (name && strv_take(s, name) < 0)
			return -1;
	}
	for (int nr = 0x0f0000; arch == SCMP_ARCH_ARM && nr < 0x0f0010; nr++) {
		char *name = seccomp_syscall_resolve_num_arch(arch, nr);

		if (name && strv_take(s, name) < 0)
			return -1;
	}
	return 0;
}

/* -------------------------------------------------------------- output */

static int out_rule_order(const void *pa, const void *pb)
{
	const struct out_rule *a = pa, *b = pb;
	int c = rule_order(&a->r, &b->r);

	return c ? c : strcmp(a->name, b->name);
}

struct group {
	const struct out_rule *first;
	size_t n;
};

/* Unconditional ALLOW first, then the conditional entries by syscall,
 * then the unconditional denials. */
static int group_class(const struct group *g)
{
	if (g->first->r.ncmp)
		return 1;
	return g->first->r.action == SCMP_ACT_ALLOW ? 0 : 2;
}

static int group_order(const void *pa, const void *pb)
{
	const struct group *a = pa, *b = pb;
	int ca = group_class(a), cb = group_class(b), c;

	if (ca != cb)
		return ca < cb ? -1 : 1;
	/* conditional entries in rule order, whatever their names: every
	 * syscall then gets its rules in the same order, fewest comparisons
	 * first (libseccomp 2.5.4 refuses, EEXIST, some pairs added the
	 * other way round: a0>=2 && a1!=2 then a0>=20) */
	if (ca == 1 && (c = rule_order(&a->first->r, &b->first->r)))
		return c;
	if (ca == 1)
		return strcmp(a->first->name, b->first->name);
	if (rank(a->first->r.action) != rank(b->first->r.action))
		return rank(a->first->r.action) < rank(b->first->r.action) ? -1 : 1;
	return rule_order(&a->first->r, &b->first->r);
}

static int set_new(yajl_val obj, const char *key, yajl_val v, pal_error *err)
{
	if (!v)
		return pal_err(err, ENOMEM, FIELD);
	return pal_json_set(obj, key, v, err);
}

static int append_new(yajl_val arr, yajl_val v, pal_error *err)
{
	if (!v)
		return pal_err(err, ENOMEM, FIELD);
	return pal_json_append(arr, v, err);
}

static yajl_val new_u64(uint64_t n)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%" PRIu64, n);
	return pal_json_new_number(buf);
}

static int set_action(yajl_val obj, const char *key, const char *errkey, uint32_t action,
                      pal_error *err)
{
	if (set_new(obj, key, pal_json_new_string(pal_seccomp_action_name(action)), err) < 0)
		return -1;
	if (pal_seccomp_action_has_errno(action))
		return set_new(obj, errkey, new_u64(action & 0xffffU), err);
	return 0;
}

static int entry_json(const struct group *g, yajl_val arr, pal_error *err)
{
	const struct pal_scmp_rule *r = &g->first->r;
	_cleanup_yajl_val_ yajl_val e = pal_json_new_object();
	yajl_val names, args;

	if (!e)
		return pal_err(err, ENOMEM, FIELD);
	names = pal_json_new_array();
	if (set_new(e, "names", names, err) < 0)
		return -1;
	for (size_t i = 0; i < g->n; i++)
		if (append_new(names, pal_json_new_string(g->first[i].name), err) < 0)
			return -1;
	if (set_action(e, "action", "errnoRet", r->action, err) < 0)
		return -1;
	if (r->ncmp) {
		args = pal_json_new_array();
		if (set_new(e, "args", args, err) < 0)
			return -1;
		for (unsigned int i = 0; i < r->ncmp; i++) {
			yajl_val a = pal_json_new_object();

			if (append_new(args, a, err) < 0 ||
			    set_new(a, "index", new_u64(r->cmp[i].index), err) < 0 ||
			    set_new(a, "value", new_u64(r->cmp[i].value), err) < 0 ||
			    set_new(a, "valueTwo", new_u64(r->cmp[i].value_two), err) < 0 ||
			    set_new(a, "op", pal_json_new_string(pal_seccomp_op_name(r->cmp[i].op)),
			            err) < 0)
				return -1;
		}
	}
	return pal_json_append(arr, steal_pointer(&e), err);
}

static int syscalls_json(struct outv *o, yajl_val arr, pal_error *err)
{
	_cleanup_free_ struct group *groups = NULL;
	size_t n = 0, ng = 0;

	if (!o->n)
		return 0;
	qsort(o->v, o->n, sizeof(*o->v), out_rule_order);
	/* a name listed twice in the spec filter: once here */
	for (size_t i = 0; i < o->n; i++)
		if (!n || out_rule_order(&o->v[n - 1], &o->v[i]))
			o->v[n++] = o->v[i];
	o->n = n;
	groups = calloc(o->n, sizeof(*groups));
	if (!groups)
		return pal_err(err, ENOMEM, FIELD);
	for (size_t i = 0; i < o->n; i++) {
		if (ng && !rule_order(&groups[ng - 1].first->r, &o->v[i].r))
			groups[ng - 1].n++;
		else
			groups[ng++] = (struct group){.first = &o->v[i], .n = 1};
	}
	qsort(groups, ng, sizeof(*groups), group_order);
	for (size_t i = 0; i < ng; i++)
		if (entry_json(&groups[i], arr, err) < 0)
			return -1;
	return 0;
}

static const char *const kept_keys[] = {"flags", "listenerPath", "listenerMetadata"};
static const char *const known_keys[] = {
    "defaultAction", "defaultErrnoRet",  "architectures", "flags",
    "listenerPath",  "listenerMetadata", "syscalls",
};

static int build(yajl_val old, const uint32_t *archs, size_t narchs, struct outv *o, yajl_val *out,
                 pal_error *err)
{
	_cleanup_yajl_val_ yajl_val s = pal_json_new_object();
	yajl_val arr;

	if (!s)
		return pal_err(err, ENOMEM, FIELD);
	if (set_action(s, "defaultAction", "defaultErrnoRet", o->dflt, err) < 0)
		return -1;
	if (narchs) {
		arr = pal_json_new_array();
		if (set_new(s, "architectures", arr, err) < 0)
			return -1;
		for (size_t i = 0; i < narchs; i++)
			if (append_new(arr, pal_json_new_string(pal_seccomp_arch_name(archs[i])),
			               err) < 0)
				return -1;
	}
	/* the spec's own, as they are */
	for (size_t i = 0; i < ARRAY_SIZE(kept_keys); i++) {
		yajl_val v = pal_json_get(old, kept_keys[i]);

		if (v && set_new(s, kept_keys[i], pal_json_dup(v), err) < 0)
			return -1;
	}
	arr = pal_json_new_array();
	if (set_new(s, "syscalls", arr, err) < 0 || syscalls_json(o, arr, err) < 0)
		return -1;
	/* fields of a newer runtime-spec: kept as they are */
	for (size_t i = 0; YAJL_IS_OBJECT(old) && i < old->u.object.len; i++) {
		size_t k;

		for (k = 0;
		     k < ARRAY_SIZE(known_keys) && strcmp(known_keys[k], old->u.object.keys[i]);
		     k++)
			;
		if (k == ARRAY_SIZE(known_keys) &&
		    set_new(s, old->u.object.keys[i], pal_json_dup(old->u.object.values[i]), err) <
		        0)
			return -1;
	}
	*out = steal_pointer(&s);
	return 0;
}

/* -------------------------------------------------------- compile check */

/* How long libseccomp may take to compile the result; a real filter of
 * ~450 syscalls on three architectures takes a few milliseconds. */
#define COMPILE_TIMEOUT_MS 2000

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* In the child: 0 when FILTER loads and compiles. */
static char compile_child(yajl_val filter)
{
	scmp_filter_ctx c = NULL;
	pal_error e = {0};
	int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	char ok = 1;

	if (fd >= 0 && pal_seccomp_load_oci(filter, &c, &e) == 0 && seccomp_export_bpf(c, fd) == 0)
		ok = 0;
	if (c)
		seccomp_release(c);
	if (fd >= 0)
		close(fd);
	return ok;
}

/* libseccomp 2.5.4 loops forever in seccomp_rule_add() on some pairs of
 * rules of one syscall (the same NE/LT/GE test on one argument, then tests
 * on different arguments), and runc init would then spin at 100% CPU
 * under `runc create`.  The rule writes no such pairs any more, but a
 * filter handed to runc must be one libseccomp finishes: compile it the
 * way runc does, in a child that is killed if it takes too long. */
static int check_compiles(yajl_val filter, pal_error *err)
{
	int pfd[2], st = 0, rc;
	int64_t deadline;
	char res = 1;
	ssize_t n = 0;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC) < 0)
		return pal_err(err, errno, FIELD ": pipe");
	pid = fork();
	if (pid < 0) {
		int e = errno;

		close(pfd[0]);
		close(pfd[1]);
		return pal_err(err, e, FIELD ": fork");
	}
	if (pid == 0) {
		char ok;

		close(pfd[0]);
		ok = compile_child(filter);
		_exit(write(pfd[1], &ok, 1) == 1 ? 0 : 1);
	}
	close(pfd[1]);
	deadline = now_ms() + COMPILE_TIMEOUT_MS;
	for (;;) {
		struct pollfd p = {.fd = pfd[0], .events = POLLIN};
		int64_t left = deadline - now_ms();

		rc = left > 0 ? poll(&p, 1, (int)left) : 0;
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc > 0) {
			do
				n = read(pfd[0], &res, 1);
			while (n < 0 && errno == EINTR);
		}
		break;
	}
	close(pfd[0]);
	if (rc == 0)
		kill(pid, SIGKILL);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (rc == 0)
		return pal_err(err, 0,
		               FIELD ": the resulting filter cannot be compiled by libseccomp "
		                     "(still adding rules after %d ms; libseccomp 2.5.4 loops "
		                     "forever on some rule pairs and runc would hang)",
		               COMPILE_TIMEOUT_MS);
	if (rc < 0 || n != 1 || res)
		return pal_err(err, 0,
		               FIELD ": the resulting filter cannot be compiled by libseccomp "
		                     "(seccomp_rule_add or seccomp_export_bpf failed)");
	return 0;
}

/* A syscall name libseccomp knows that both A and B list, or NULL. */
static const char *shared_name(const struct pal_scmp_entry *a, const struct pal_scmp_entry *b)
{
	for (size_t i = 0; i < a->nnames; i++)
		for (size_t j = 0; j < b->nnames; j++)
			if (!strcmp(a->names[i], b->names[j]) &&
			    seccomp_syscall_resolve_name(a->names[i]) != __NR_SCMP_ERROR)
				return a->names[i];
	return NULL;
}

/* Two rules for one syscall with the same conditions and different
 * actions: libseccomp refuses the second (EEXIST) and runc fails to start
 * the container.  A rewritten filter might no longer have the pair, and
 * would start what the spec as written could not; refusing would blame
 * the profile for what is the spec's own error.  Such a filter is left
 * as it is (runc then fails as it would have): true, with a note. */
static bool spec_never_loads(const struct pal_rewrite_ctx *ctx, const struct pal_scmp_filter *f)
{
	for (size_t i = 0; i < f->nentries; i++) {
		const struct pal_scmp_entry *a = &f->entries[i];

		if (a->action == f->default_action)
			continue;
		for (size_t j = i + 1; j < f->nentries; j++) {
			const struct pal_scmp_entry *b = &f->entries[j];
			const char *n = NULL;

			if (b->action == f->default_action || b->action == a->action)
				continue;
			for (size_t ka = 0; !n && ka < a->nrules; ka++)
				for (size_t kb = 0; !n && kb < b->nrules; kb++)
					if (a->rules[ka].ncmp &&
					    !conds_order(&a->rules[ka], &b->rules[kb]))
						n = shared_name(a, b);
			if (n) {
				pal_rule_note(
				    ctx, RULE, FIELD,
				    "left as it is: syscalls[%zu] has the same conditions "
				    "as syscalls[%zu] with another action for \"%s\", "
				    "which libseccomp refuses (EEXIST), so runc will not "
				    "start the container",
				    j, i, n);
				return true;
			}
		}
	}
	return false;
}

/* ------------------------------------------------------- notification */

/* OLD written by this rule in its notify form (Palisade's listenerMetadata,
 * notify.h) read back as the errno form it encodes: every SCMP_ACT_NOTIFY
 * becomes SCMP_ACT_ERRNO with the metadata's errno, and the listener keys
 * go.  The rule then decides as for any errno filter and encodes again, so
 * that its output read again gives the same output.  Metadata that only
 * looks like Palisade's loses nothing: its listener would have had to
 * answer, and now the kernel denies.  *PLAIN is NULL when OLD is not ours. */
static int unnotify(yajl_val old, yajl_val *plain, pal_error *err)
{
	yajl_val md = pal_json_get(old, "listenerMetadata");
	_cleanup_yajl_val_ yajl_val p = NULL;
	struct pal_notify_meta m;
	yajl_val calls;
	pal_error e = {0};
	char num[16];

	*plain = NULL;
	if (!YAJL_IS_STRING(md) || pal_notify_meta_parse(md->u.string, &m, &e) < 0)
		return 0;
	snprintf(num, sizeof(num), "%d", m.errnum);
	pal_notify_meta_free(&m);
	p = pal_json_dup(old);
	if (!p)
		return pal_err(err, ENOMEM, FIELD);
	pal_json_remove(p, "listenerPath");
	pal_json_remove(p, "listenerMetadata");
	calls = pal_json_get(p, "syscalls");
	for (size_t i = 0; YAJL_IS_ARRAY(calls) && i < calls->u.array.len; i++) {
		yajl_val c = calls->u.array.values[i];
		yajl_val a = pal_json_get(c, "action");

		if (!YAJL_IS_STRING(a) || strcmp(a->u.string, "SCMP_ACT_NOTIFY"))
			continue;
		if (pal_json_set(c, "action", pal_json_new_string("SCMP_ACT_ERRNO"), err) < 0 ||
		    pal_json_set(c, "errnoRet", pal_json_new_number(num), err) < 0)
			return -1;
	}
	*plain = steal_pointer(&p);
	return 0;
}

/* The notify form: the profile's denials (DENY, SCMP_ACT_ERRNO(denyErrno))
 * become SCMP_ACT_NOTIFY answered by Palisade's monitor, which logs each
 * with its arguments and answers denyErrno (notify.h).  Only those:
 * ENOSYS (the default action, the "enosys" names) is the compatibility
 * answer of a kernel that lacks the call, on which libc falls back, not a
 * violation; and a default action cannot be NOTIFY.  A denial of the
 * spec's own with the same errno is indistinguishable and goes through
 * the listener too, which answers it the same.  Returns how many rules
 * changed. */
static size_t notify_form(struct outv *o, uint32_t deny)
{
	size_t n = 0;

	for (size_t i = 0; i < o->n; i++)
		if (o->v[i].r.action == deny) {
			o->v[i].r.action = SCMP_ACT_NOTIFY;
			n++;
		}
	return n;
}

static int set_listener(const struct pal_rewrite_ctx *ctx, yajl_val s, int deny,
                        pal_error *err)
{
	_cleanup_free_ char *md = NULL;

	if (pal_notify_meta_format(ctx->state_root ? ctx->state_root : "/run/runc", deny, &md,
	                           err) < 0)
		return -1;
	if (pal_json_set(s, "listenerPath", pal_json_new_string(ctx->notify_path), err) < 0 ||
	    pal_json_set(s, "listenerMetadata", pal_json_new_string(md), err) < 0)
		return -1;
	return 0;
}

/* ---------------------------------------------------------------- rule */

static int apply(const struct pal_rewrite_ctx *ctx, yajl_val spec, pal_error *err)
{
	yajl_val section = pal_profile_get(ctx->profile, "seccomp", NULL);
	yajl_val orig = pal_json_getp(spec, "linux", "seccomp", NULL), old;
	_cleanup_yajl_val_ yajl_val plain = NULL;
	struct pal_scmp_filter f = {.default_action = SCMP_ACT_ALLOW};
	bool notify = false;
	int deny = 0;
	struct prof p = {0};
	struct strv names = {0};
	struct outv o = {0};
	uint32_t archs[PAL_SCMP_MAX_ARCHS], eff[PAL_SCMP_MAX_ARCHS + 1];
	size_t narchs = 0, neff, k;
	yajl_val result = NULL, lx;
	int r = -1;

	if (!section)
		return 0;
	if (!YAJL_IS_OBJECT(section))
		return pal_err(err, 0, "profile \"%s\": seccomp: not an object",
		               ctx->profile->name);
	if (YAJL_IS_NULL(orig))
		orig = NULL;
	if (orig && unnotify(orig, &plain, err) < 0)
		return -1;
	old = plain ? plain : orig;
	if (old && pal_seccomp_parse(old, FIELD, &f, err) < 0)
		return -1;
	if (old && spec_never_loads(ctx, &f)) {
		r = 0;
		goto out;
	}
	/* the notify form, where the backend cannot log errno denials */
	if (ctx->notify_path && ctx->mode == PAL_MODE_ENFORCE) {
		if (profile_errno(ctx, "denyErrno", EPERM, &deny, err) < 0)
			goto out;
		notify = deny != ENOSYS;
		if (old && pal_json_get(old, "listenerPath")) {
			notify = false;
			pal_rule_note(ctx, RULE, FIELD ".listenerPath",
			              "the spec's own listener kept: denials stay SCMP_ACT_ERRNO "
			              "and are not logged (a filter has one listener)");
		}
	}
again:
	if (profile_load(ctx, spec, notify || (old && pal_json_get(old, "listenerPath")), &p,
	                 err) < 0)
		goto out;

	/* the architectures both have; a runtime always adds the native one */
	for (size_t i = 0; i < p.narchs; i++) {
		bool in = !old || p.archs[i] == seccomp_arch_native();

		for (size_t j = 0; !in && j < f.narchs; j++)
			in = f.archs[j] == p.archs[i];
		if (in)
			archs[narchs++] = p.archs[i];
	}
	memcpy(eff, archs, narchs * sizeof(*archs));
	neff = narchs;
	for (k = 0; k < narchs && archs[k] != seccomp_arch_native(); k++)
		;
	if (k == narchs) /* not listed, there all the same */
		eff[neff++] = seccomp_arch_native();

	/* every name that could need a rule */
	for (size_t i = 0; i < neff; i++)
		if (enumerate(eff[i], &names) < 0)
			goto nomem;
	for (size_t i = 0; i < p.nallow; i++)
		if (strv_take(&names, strdup(p.allow[i])) < 0)
			goto nomem;
	for (size_t i = 0; i < p.nconds; i++)
		if (strv_take(&names, strdup(p.conds[i].name)) < 0)
			goto nomem;
	for (size_t i = 0; i < f.nentries; i++)
		for (size_t j = 0; j < f.entries[i].nnames; j++)
			if (strv_take(&names, strdup(f.entries[i].names[j])) < 0)
				goto nomem;
	strv_sort_unique(&names);

	o.dflt = rank(f.default_action) > rank(p.pdefault) ? f.default_action : p.pdefault;
	/* the multiplexers last: they follow what their sub-calls got */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < names.n; i++)
			if ((mux_named(names.v[i]) != NULL) == (pass == 1) &&
			    decide(&p, &f, eff, neff, names.v[i], &o) < 0)
				goto nomem;
	if (notify && !notify_form(&o, SCMP_ACT_ERRNO((uint32_t)deny))) {
		/* nothing denied with it: the errno form, without a listener
		 * and what runc needs to hand one over */
		notify = false;
		prof_free(&p);
		p = (struct prof){0};
		free(o.v);
		o = (struct outv){0};
		strv_free(&names);
		names = (struct strv){0};
		narchs = 0;
		goto again;
	}
	if (build(old, archs, narchs, &o, &result, err) < 0 ||
	    (notify && set_listener(ctx, result, deny, err) < 0))
		goto out;
	if (orig && pal_json_equal(orig, result)) {
		r = 0;
		goto out;
	}
	if (check_compiles(result, err) < 0)
		goto out;
	lx = pal_json_ensure_object(spec, "linux", err);
	if (!lx)
		goto out;
	if (pal_json_set(lx, "seccomp", steal_pointer(&result), err) < 0)
		goto out;
	pal_rule_note(ctx, RULE, FIELD, "%s%s", old ? "intersected with" : "set to",
	              ctx->mode == PAL_MODE_AUDIT ? " the profile's filter, logging only"
	              : notify ? " the profile's filter, denials reported to the monitor"
	                       : " the profile's filter");
	r = 0;
	goto out;
nomem:
	pal_err(err, ENOMEM, FIELD);
out:
	if (result)
		yajl_tree_free(result);
	free(o.v);
	strv_free(&names);
	prof_free(&p);
	pal_seccomp_filter_free(&f);
	return r;
}

const struct pal_rule pal_rule_seccomp = {
    .name = RULE,
    .audit_applies = true,
    .apply = apply,
};
