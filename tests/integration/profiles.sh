#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The shipped profiles on real runc containers, seen from inside with the
# static probe (tests/probe/probe.c): capability sets, no_new_privs and the
# seccomp mode in /proc/self/status, denied and allowed system calls, a
# read-only root, refusals that create nothing, and audit mode that denies
# nothing.  Each behaviour is compared with a control run of the same bundle
# under bare runc, so that "denied" is Palisade's doing and not the host's;
# where the call fails in both with ENOSYS or ENOENT (a kernel without the
# feature, no loadable modules) the assertion is skipped as not applicable.
#
# Environment (besides lib.sh's): PAL_PROBE, the static probe (default: the
# build tree's tests/probe/probe next to $PALISADE); PAL_PROFILES, the
# shipped profiles (default: $PAL_FIXTURES/../../profiles).
. "${PAL_TESTLIB:-$(dirname "$0")/lib.sh}"

pal_require_all
: "${PAL_PROBE:=$(dirname "$PALISADE")/tests/probe/probe}"
[ -x "$PAL_PROBE" ] || skip_all "probe not built at $PAL_PROBE (make check builds it)"
ldd "$PAL_PROBE" >/dev/null 2>&1 && skip_all "$PAL_PROBE is not static"
: "${PAL_PROFILES:=${PAL_FIXTURES:-$PAL_LIB_DIR/../fixtures}/../../profiles}"
[ -f "$PAL_PROFILES/default.json" ] || skip_all "no shipped profiles in $PAL_PROFILES"
PAL_PROFILES=$(cd "$PAL_PROFILES" && pwd)
pal_tmp

P=q$TAG

# write_profiles_conf DEFAULT_PROFILE: Palisade's configuration with the
# source tree's profiles (lib.sh's write_conf knows no profile_dirs).
write_profiles_conf() {
	jq -n --arg rt "$RUNC" --arg sd "$T/state" --arg pd "$PAL_PROFILES" --arg dp "$1" \
		--arg bd "$T/bpffs/palisade" \
		'{runtime: $rt, state_dir: $sd, bpf_dir: $bd, profile_dirs: [$pd], default_profile: $dp,
		  monitor: {autostart: "off"}}' \
		>"$T/palisade.json" || bail_out "cannot write $T/palisade.json"
	PALISADE_CONFIG=$T/palisade.json
	export PALISADE_CONFIG
}

# probe_bundle DIR PROBE-ARGS...: a bundle whose process is the probe.
probe_bundle() {
	local dir=$1
	shift
	make_bundle "$dir" /bin/probe "$@"
	cp "$PAL_PROBE" "$dir/rootfs/bin/probe" || bail_out "cannot copy the probe"
}

# pair NAME PROBE-ARGS...: two identical bundles, $T/NAME.ctl for bare runc
# and $T/NAME for Palisade; edit both with pair_edit.
pair() {
	local name=$1
	shift
	probe_bundle "$T/$name" "$@"
	cp -a "$T/$name" "$T/$name.ctl"
}

pair_edit() {
	local name=$1
	shift
	spec_edit "$T/$name" "$@"
	spec_edit "$T/$name.ctl" "$@"
}

# ctl NAME: run the control under bare runc: RC, OUT, ERR.
ctl() {
	run brunc run -b "$T/$1.ctl" "c$TAG-$1"
	force_delete "c$TAG-$1"
}

# under NAME: run it under Palisade: RC, OUT, ERR.
under() {
	run pal run -b "$T/$1" "$P-$1"
	force_delete "$P-$1"
}

# status_field TEXT KEY: the value of KEY in probe status output.
status_field() {
	printf '%s\n' "$1" | awk -v k="$2:" '$1 == k { print $2 }'
}

# The capability numbers of the kernel ABI (linux/capability.h), by name.
declare -A CAPNUM=(
	[CAP_CHOWN]=0 [CAP_DAC_OVERRIDE]=1 [CAP_DAC_READ_SEARCH]=2 [CAP_FOWNER]=3 [CAP_FSETID]=4
	[CAP_KILL]=5 [CAP_SETGID]=6 [CAP_SETUID]=7 [CAP_SETPCAP]=8 [CAP_LINUX_IMMUTABLE]=9
	[CAP_NET_BIND_SERVICE]=10 [CAP_NET_BROADCAST]=11 [CAP_NET_ADMIN]=12 [CAP_NET_RAW]=13
	[CAP_IPC_LOCK]=14 [CAP_IPC_OWNER]=15 [CAP_SYS_MODULE]=16 [CAP_SYS_RAWIO]=17
	[CAP_SYS_CHROOT]=18 [CAP_SYS_PTRACE]=19 [CAP_SYS_PACCT]=20 [CAP_SYS_ADMIN]=21
	[CAP_SYS_BOOT]=22 [CAP_SYS_NICE]=23 [CAP_SYS_RESOURCE]=24 [CAP_SYS_TIME]=25
	[CAP_SYS_TTY_CONFIG]=26 [CAP_MKNOD]=27 [CAP_LEASE]=28 [CAP_AUDIT_WRITE]=29
	[CAP_AUDIT_CONTROL]=30 [CAP_SETFCAP]=31 [CAP_MAC_OVERRIDE]=32 [CAP_MAC_ADMIN]=33
	[CAP_SYSLOG]=34 [CAP_WAKE_ALARM]=35 [CAP_BLOCK_SUSPEND]=36 [CAP_AUDIT_READ]=37
	[CAP_PERFMON]=38 [CAP_BPF]=39 [CAP_CHECKPOINT_RESTORE]=40
)

# capmask NAME...: the /proc/self/status hex of a set of capabilities.
capmask() {
	local m=0 c
	for c in "$@"; do
		[ -n "${CAPNUM[$c]:-}" ] && m=$((m | (1 << CAPNUM[$c])))
	done
	printf '%016x' "$m"
}

# profile_json NAME: the profile file without its comments (// to the end
# of a line; the shipped profiles have no "//" inside strings).
profile_json() {
	sed 's|//.*$||' "$PAL_PROFILES/$1.json"
}

# profile_get NAME JQ: JQ on the profile, following "extends" while the
# profile does not set it (arrays and scalars are replaced whole, so the
# nearest profile that sets it decides).
profile_get() {
	local name=$1 q=$2 v
	while [ -n "$name" ]; do
		v=$(profile_json "$name" | jq -c "$q") || bail_out "profile $name: jq $q"
		if [ "$v" != null ]; then
			printf '%s\n' "$v"
			return 0
		fi
		name=$(profile_json "$name" | jq -r '.extends // empty')
	done
	echo null
}

# expected_caps BUNDLE SET PROFILE: the spec's SET intersected with the
# profile's capabilities.allow, as /proc/self/status shows it.
expected_caps() {
	local allow
	allow=$(profile_get "$3" '.capabilities.allow')
	# shellcheck disable=SC2046
	capmask $(jq -r --argjson allow "$allow" --arg set "$2" \
		'.process.capabilities[$set] // [] | map(select(. as $c | $allow | index($c))) | .[]' \
		"$1/config.json.orig")
}

# expected_eff_nonroot BUNDLE PROFILE: what CapEff a non-root process has
# after execve: only its ambient set survives (no file capabilities in the
# image), and the kernel keeps ambient within permitted and inheritable.
expected_eff_nonroot() {
	local allow
	allow=$(profile_get "$2" '.capabilities.allow')
	# shellcheck disable=SC2046
	capmask $(jq -r --argjson allow "$allow" '
		.process.capabilities as $c
		| ($c.ambient // []) | map(select(. as $x | ($allow | index($x))
			and (($c.permitted // []) | index($x)) and (($c.inheritable // []) | index($x))))
		| .[]' "$1/config.json.orig")
}

# na_both CTL_OUT PAL_OUT: both runs failed for want of the feature.
na_both() {
	[[ $1 == *"ENOSYS"* || $1 == *"ENOENT"* ]] && [[ $2 == *"ENOSYS"* || $2 == *"ENOENT"* ]]
}

# denied NAME DESC PROBE-ARGS...: the control can make the call, Palisade
# denies it with errno EPERM or ENOSYS (3 assertions).
denied() {
	local name=$1 desc=$2 cout
	shift 2
	pair "$name" syscall "$@"
	ctl "$name"
	cout=$OUT
	under "$name"
	is "$RC" 1 "$desc: the probe ran and the call failed under Palisade" ||
		diag_val stderr "$ERR"
	if na_both "$cout" "$OUT"; then
		skip "$desc: bare runc can make the call" "fails in both (not applicable): $cout"
		skip "$desc: Palisade denies it" "fails in both (not applicable): $OUT"
		return
	fi
	is "$cout" ok "$desc: bare runc can make the call"
	like "$OUT" '^errno=(1 EPERM|38 ENOSYS)$' "$desc: Palisade denies it"
}

write_profiles_conf default

# ------------------------------------------------------------ default
# `runc spec` as it comes (root, three capabilities, no filter), under the
# configured default profile.
pair def status
cp "$T/def/config.json" "$T/def/config.json.orig"
ctl def
CTL=$OUT
under def
is "$RC" 0 "default: container runs under Palisade" || diag_val stderr "$ERR"
is "$(status_field "$CTL" Seccomp)" 0 "control: bare runc installs no seccomp filter"
is "$(status_field "$OUT" Seccomp)" 2 "default: Seccomp 2 (a filter is installed)"
is "$(status_field "$OUT" NoNewPrivs)" 1 "default: NoNewPrivs 1"
is "$(status_field "$OUT" CapEff)" "$(expected_caps "$T/def" effective default)" \
	"default: CapEff is the spec's effective set within the profile's"
is "$(status_field "$OUT" CapBnd)" "$(expected_caps "$T/def" bounding default)" \
	"default: CapBnd is the spec's bounding set within the profile's"
is "$(jq -r '.annotations["io.palisade.applied.profile"]' "$T/def/config.json")" default \
	"default: selected by default_profile, recorded in the annotation"

# Capabilities beyond the profile are dropped: add CAP_SYS_ADMIN and
# CAP_NET_RAW to the spec; default allows NET_RAW, not SYS_ADMIN.
pair defcap status
pair_edit defcap '.process.capabilities |= with_entries(.value += ["CAP_SYS_ADMIN", "CAP_NET_RAW"])'
cp "$T/defcap/config.json" "$T/defcap/config.json.orig"
ctl defcap
CTL=$OUT
under defcap
is "$(status_field "$CTL" CapBnd)" \
	"$(capmask CAP_AUDIT_WRITE CAP_KILL CAP_NET_BIND_SERVICE CAP_SYS_ADMIN CAP_NET_RAW)" \
	"control: bare runc grants CAP_SYS_ADMIN and CAP_NET_RAW"
is "$(status_field "$OUT" CapBnd)" "$(expected_caps "$T/defcap" bounding default)" \
	"default: CapBnd without CAP_SYS_ADMIN"
is "$(status_field "$OUT" CapEff)" "$(capmask CAP_AUDIT_WRITE CAP_KILL CAP_NET_BIND_SERVICE CAP_NET_RAW)" \
	"default: CapEff keeps CAP_NET_RAW (allowed), drops CAP_SYS_ADMIN"

# System calls: default (Docker's list minus capability-gated entries)
# denies keyctl (known: denyErrno EPERM) and get_mempolicy (CAP_SYS_NICE
# group), answers clone3 with ENOSYS, allows personality's query.
for s in keyctl get_mempolicy add_key; do
	grep -q "\"$s\"" "$PAL_PROFILES/default.json" &&
		bail_out "default.json now allows $s: update this test"
done
denied dkey "default: keyctl" keyctl
denied dmem "default: get_mempolicy" get_mempolicy
denied dvsock "default: socket(AF_VSOCK)" socket AF_VSOCK SOCK_STREAM
pair dclone3 syscall clone3
ctl dclone3
CTL=$OUT
under dclone3
if na_both "$CTL" "$OUT"; then
	skip "default: clone3 fails with ENOSYS (libc falls back to clone)" "no clone3 here: $CTL"
else
	is "$CTL|$OUT" "ok|errno=38 ENOSYS" "default: clone3 fails with ENOSYS (libc falls back to clone)"
fi
pair dpers syscall personality 0xffffffff
under dpers
is "$OUT" ok "default: personality(0xffffffff) (a query) is allowed"
pair dopen open /etc/passwd
under dopen
is "$OUT" ok "default: an ordinary open(2) is allowed"
# A number no kernel has: the filter's default (ENOSYS), like the kernel's
# own answer without a filter.
pair dunk syscall syscall 1000
ctl dunk
CTL=$OUT
under dunk
is "$CTL|$OUT" "errno=38 ENOSYS|errno=38 ENOSYS" "default: an unknown syscall number gives ENOSYS"

# ------------------------------------------------------------ baseline
# PSS Baseline: no CAP_NET_RAW, cgroup namespace required.
pair base status
pair_edit base '.process.capabilities |= with_entries(.value += ["CAP_NET_RAW"])
	| .annotations["io.palisade.profile"] = "baseline"'
cp "$T/base/config.json" "$T/base/config.json.orig"
ctl base
CTL=$OUT
under base
is "$RC" 0 "baseline (annotation): container runs" || diag_val stderr "$ERR"
is "$(status_field "$CTL" CapBnd)" "$(capmask CAP_AUDIT_WRITE CAP_KILL CAP_NET_BIND_SERVICE CAP_NET_RAW)" \
	"control: CapBnd has CAP_NET_RAW"
is "$(status_field "$OUT" CapBnd)" "$(expected_caps "$T/base" bounding baseline)" \
	"baseline: CapBnd is the spec's within the profile's (no CAP_NET_RAW)"
is "$(status_field "$OUT" CapBnd)" "$(capmask CAP_AUDIT_WRITE CAP_KILL CAP_NET_BIND_SERVICE)" \
	"baseline: CapBnd is exactly AUDIT_WRITE, KILL, NET_BIND_SERVICE"
is "$(status_field "$OUT" Seccomp)|$(status_field "$OUT" NoNewPrivs)" "2|1" \
	"baseline: Seccomp 2, NoNewPrivs 1"
is "$(jq -c '[.linux.namespaces[].type] | sort' "$T/base/config.json")" \
	'["cgroup","ipc","mount","network","pid","uts"]' "baseline: the cgroup namespace was added"

# ------------------------------------------------------------ restricted
# Root is refused with Palisade's one-line message, and nothing is created.
pair rroot status
pair_edit rroot '.annotations["io.palisade.profile"] = "restricted"'
s0=$(sha "$T/rroot/config.json")
st0=$(find "$T/state" -mindepth 1 | sort)
run pal run -b "$T/rroot" "$P-rroot"
isnt "$RC" 0 "restricted: a root spec is refused"
ok "restricted: the refusal is one line starting \"palisade: \"" pal_error_line "$ERR"
like "$ERR" 'refused by profile "restricted" \(rule user\): process\.user\.uid: ' \
	"restricted: the refusal names the profile, the rule and the field"
like "$ERR" 'io\.palisade\.profile' "restricted: the refusal names the annotation that selects another"
is "$OUT" "" "restricted: the probe never ran (no output)"
ok "restricted: no container was created" container_absent "$P-rroot"
ok "restricted: nothing in runc's root" no_containers
is "$(sha "$T/rroot/config.json")" "$s0" "restricted: config.json untouched"
is "$(find "$T/state" -mindepth 1 | sort)" "$st0" "restricted: no Palisade state recorded"

# uid 1000: runs with NET_BIND_SERVICE at most, a read-only root.
pair ruser status
pair_edit ruser '.process.user = {uid: 1000, gid: 1000} | .annotations["io.palisade.profile"] = "restricted"'
cp "$T/ruser/config.json" "$T/ruser/config.json.orig"
ctl ruser
CTL=$OUT
under ruser
is "$RC" 0 "restricted (uid 1000): container runs" || diag_val stderr "$ERR"
like "$(status_field "$OUT" CapEff)" '^(0000000000000000|0000000000000400)$' \
	"restricted: CapEff is empty or NET_BIND_SERVICE only"
is "$(status_field "$OUT" CapEff)" "$(expected_eff_nonroot "$T/ruser" restricted)" \
	"restricted: CapEff is what survives execve for uid 1000 (ambient within the profile's)"
is "$(status_field "$OUT" CapBnd)" "$(capmask CAP_NET_BIND_SERVICE)" \
	"restricted: CapBnd is NET_BIND_SERVICE only"
is "$(status_field "$OUT" Seccomp)|$(status_field "$OUT" NoNewPrivs)" "2|1" \
	"restricted: Seccomp 2, NoNewPrivs 1"
pair rw write /probe-was-here
pair_edit rw '.process.user = {uid: 1000, gid: 1000} | .annotations["io.palisade.profile"] = "restricted"
	| .root.readonly = false'
chmod 1777 "$T/rw/rootfs" "$T/rw.ctl/rootfs"
ctl rw
CTL=$OUT
under rw
is "$CTL" ok "control: uid 1000 can write to / (rootfs writable, mode 1777)"
is "$OUT" "errno=30 EROFS" "restricted: a write to / fails with EROFS (read-only rootfs)"
is "$(jq -r .root.readonly "$T/rw/config.json")" true "restricted: root.readonly set in config.json"

# ------------------------------------------------------------ audit
# "restricted" logged, not enforced: even root runs, the call restricted
# would deny succeeds, and the filter logs instead of denying.
pair aud syscall keyctl
pair_edit aud '.annotations["io.palisade.profile"] = "audit"'
ctl aud
CTL=$OUT
under aud
is "$RC" 0 "audit: a root spec that restricted refuses runs" || diag_val stderr "$ERR"
if na_both "$CTL" "$OUT"; then
	skip "audit: keyctl succeeds" "fails in both (not applicable): $CTL"
else
	is "$OUT" ok "audit: keyctl (denied by restricted) succeeds"
fi
is "$(jq -r '.annotations["io.palisade.applied.mode"]' "$T/aud/config.json")" audit \
	"audit: applied mode recorded as audit"
ok "audit: the filter logs (SCMP_ACT_LOG) instead of denying" \
	jq -e '.linux.seccomp.defaultAction == "SCMP_ACT_LOG"
	       and ([.linux.seccomp.syscalls[].action] | all(. == "SCMP_ACT_ALLOW" or . == "SCMP_ACT_LOG"))' \
	"$T/aud/config.json"
pair audst status
pair_edit audst '.annotations["io.palisade.profile"] = "audit"'
under audst
is "$(status_field "$OUT" Seccomp)" 2 "audit: a (logging) filter is installed"
is "$(jq -c .process.capabilities.bounding "$T/audst/config.json")" \
	'["CAP_AUDIT_WRITE","CAP_KILL","CAP_NET_BIND_SERVICE"]' "audit: capabilities left as they were"

ok "no container left" no_containers
done_testing
