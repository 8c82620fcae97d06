# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=sh
#
# The BPF LSM matrix of issue 4: for every hook, an action that a container
# under an enforcing profile ("lsm-deny") is refused with EPERM and reported
# for; the same action under the same rules in audit mode ("lsm-audit")
# succeeds and is reported; in a container whose profile has no "bpf"
# section ("lsm-none"), and on the guest itself outside any container, it
# succeeds and nothing is reported.
#
# Batched: per profile, one root container runs every action (and a second
# one, uid 1000 keeping CAP_SETUID, the setuid-to-root action: that rule
# only applies to non-root containers), prints one "ACT name answer" line
# per action, and exits; the events of the ring buffer are then read once
# (`palisade bpf events`) and matched by the container's cgroup id.
#
# Every container holds every capability and has no masked or read-only
# paths (privileged_spec), so that what the allowed runs show is the BPF
# policy's doing, not a capability or a read-only /proc/sys.

PROFILES=/palvm/profiles
W=$PALVM_WORK/lsm
mkdir -p "$W"

# ------------------------------------------------------------ profiles

BPF_RULES='{
  "lsm": "required",
  "exec": {"action": "deny", "denyPrefixes": ["/deny"]},
  "drift": "deny",
  "files": {"action": "deny", "deny": ["/secret"], "denyWrite": ["/ro"]},
  "mount": "deny", "ptrace": "deny", "rawSockets": "deny",
  "connect": {"action": "deny", "denyCidrs": ["127.0.0.2/32"]},
  "moduleRequest": "deny", "bpf": "deny", "setuidRoot": "deny",
  "capabilities": "log", "sysctlWrite": "deny"
}'
jq -n --argjson b "$BPF_RULES" '{description: "VM test: every BPF rule denies", bpf: $b}' \
	>"$PROFILES/lsm-deny.json"
jq -n --argjson b "$BPF_RULES" '{description: "VM test: every BPF rule audits", mode: "audit",
	bpf: $b}' >"$PROFILES/lsm-audit.json"
printf '{"description": "VM test: no BPF section"}\n' >"$PROFILES/lsm-none.json"

# ------------------------------------------------------------ actions

# The actions: NAME;RULE;HOOK;EVENT-FILTER;COMMAND.  HOOK is where the
# event must come from; EVENT-FILTER (jq, on one event of the right
# container) tells this action's event from another one's under the same
# rule.  sysctlWrite has no LSM hook: cgroup/sysctl is its only one.  The
# exec path prefix is judged at the LSM file_open of the exec'd file (an
# FMODE_EXEC open, before bprm_check_security), where bpf_d_path may be
# called; drift at bprm_check_security.  The AF_TIPC family (30) is a
# module in the cloud kernel and the guest has no modules: socket() makes
# the kernel request "net-pf-30".
ACTIONS='
exec;exec;file_open;.path == "/deny/probe";probe exec /deny/probe true
drift;drift;bprm_check_security;(.path // "" | test("drifted"));probe copyexec /bin/probe /tmp/drifted
files-open;files;file_open;.path == "/secret";probe open /secret
files-write;files;file_open;.path == "/ro/file";probe write /ro/file
mount;mount;sb_mount;.hook == "sb_mount";probe syscall mount /
move-mount;mount;move_mount;.hook == "move_mount";probe movemount /tmp /mnt
ptrace;ptrace;ptrace_access_check;true;probe ptrace
raw-inet;rawSockets;socket_create;.socket.family == 2;probe syscall socket AF_INET SOCK_RAW 1
raw-packet;rawSockets;socket_create;.socket.family == 17;probe syscall socket AF_PACKET SOCK_RAW
connect;connect;socket_connect;.address == "127.0.0.2";probe connect udp 127.0.0.2 9
modreq;moduleRequest;kernel_module_request;(.path // "" | test("net-pf-30"));probe modreq 30
bpf;bpf;bpf;true;probe bpf
sysctl;sysctlWrite;cgroup/sysctl;true;probe sysctl net/ipv4/ip_default_ttl 64
'
# Run as uid 1000 (with CAP_SETUID): the rule is about non-root containers.
USER_ACTIONS='
setuid;setuidRoot;task_fix_setuid;.new_uid == 0;probe setuid 0
'
# Controls: the same hooks, outside the rules (read of a file under a
# write-protected prefix, another address, an exec outside the prefix):
# allowed, no event.  (Events carry no open flags: the read is of another
# file than the write action's.)
CONTROLS='
open-ro;files;file_open;.path == "/ro/other";probe open /ro/other
connect-other;connect;socket_connect;.address == "127.0.0.3";probe connect udp 127.0.0.3 9
exec-other;exec;file_open;.path == "/bin/probe";probe exec /bin/probe true
'

# actions_script LIST: a busybox sh script performing every action of LIST,
# one "ACT name answer" line each (the probe's answer, or "exit=N").
actions_script() {
	printf '#!/bin/sh\n'
	printf '%s\n' "$1" | while IFS=';' read -r name rule hook filter cmd; do
		[ -n "$name" ] || continue
		# shellcheck disable=SC2016
		printf 'r=$(%s 2>&1); echo "ACT %s $r"\n' "$cmd" "$name"
	done
}

# fixtures ROOT: the files the actions use, under ROOT.
fixtures() {
	mkdir -p "$1/deny" "$1/ro" "$1/bin" "$1/mnt" || return 1
	[ -e "$1/bin/probe" ] || cp /usr/bin/probe "$1/bin/probe" || return 1
	cp /usr/bin/probe "$1/deny/probe" && echo secret >"$1/secret" && echo ro >"$1/ro/file" &&
		echo ro >"$1/ro/other"
}

# answer OUTFILE NAME: the answer of action NAME.
answer() {
	sed -n "s/^ACT $2 //p" "$1" | head -n 1
}

# events_of CGID FILTER: the events (one JSON per line) of cgroup CGID in
# $EVENTS that FILTER selects.
events_of() {
	jq -c --argjson cg "$1" "select(.cgroup_id == \$cg) | select($2)" "$EVENTS" 2>/dev/null
}

# ------------------------------------------------------------ one container

# run_container ID PROFILE UID LIST: create, register, start, wait for the
# end, look at the registration, delete; leaves $W/ID.out (the answers)
# and CGID (its cgroup id).
run_container() {
	_id=$1 _prof=$2 _uid=$3 _list=$4
	_b=$W/$_id
	CGID=
	make_bundle "$_b" sh /actions.sh >&2 || return 1
	privileged_spec "$_b" "$_uid" &&
		spec_edit "$_b" '.annotations["io.palisade.profile"] = $p' --arg p "$_prof" || return 1
	fixtures "$_b/rootfs" || return 1
	actions_script "$_list" >"$_b/rootfs/actions.sh"
	if ! pal create --bundle "$_b" "$_id" >"$_b.out" 2>&1; then
		echo "create $_id failed:" >&2
		cat "$_b.out" >&2
		return 1
	fi
	CGID=$(cgroup_id "$_id")
	echo "$_id: cgroup id $CGID" >&2
	pal start "$_id" >&2 || return 1
	wait_status "$_id" stopped 120 || echo "$_id did not stop" >&2
	pal bpf lookup "$CGID" >"$_b.lookup" 2>&1
	echo $? >"$_b.lookup.rc"
	pal delete --force "$_id" >&2
	pal bpf lookup "$CGID" >"$_b.lookup-after" 2>&1
	echo $? >"$_b.lookup-after.rc"
	cat "$_b.lookup" "$_b.lookup-after" >&2
	cat "$_b.out" >&2
}

# check_scenario SCEN ID LIST: the per-action assertions of scenario SCEN
# (deny, audit, none) on container ID's answers and events.
check_scenario() {
	_scen=$1 _id=$2 _list=$3
	_out=$W/$_id.out
	printf '%s\n' "$_list" | while IFS=';' read -r name rule hook filter cmd; do
		[ -n "$name" ] || continue
		a=$(answer "$_out" "$name")
		ev=$(events_of "$CGID" ".rule == \"$rule\" and ($filter)")
		verdicts=$(printf '%s\n' "$ev" | jq -r '.verdict + " from " + .hook' 2>/dev/null |
			sort -u | tr '\n' ' ')
		case $_scen in
		deny)
			if [ "$name" = modreq ]; then
				# The kernel ignores request_module's answer:
				# socket() fails the same (EAFNOSUPPORT) whether
				# the request was denied or not; the event is the
				# evidence.
				like "$a" '^errno=' "lsm-deny $name: $cmd fails (as without the rule)"
			else
				is "$a" "errno=1 EPERM" "lsm-deny $name: $cmd is refused with EPERM"
			fi
			is "$verdicts" "deny from $hook " "lsm-deny $name: \"deny\" events of rule $rule from $hook"
			;;
		audit)
			if [ "$name" = modreq ]; then
				like "$a" '^errno=' "lsm-audit $name: $cmd fails as it does without the rule"
			else
				is "$a" ok "lsm-audit $name: $cmd succeeds"
			fi
			is "$verdicts" "audit from $hook " \
				"lsm-audit $name: \"audit\" events of rule $rule from $hook"
			;;
		none)
			if [ "$name" = modreq ]; then
				like "$a" '^errno=' "lsm-none $name: $cmd fails as it does without the rule"
			else
				is "$a" ok "lsm-none $name: $cmd succeeds"
			fi
			;;
		esac
	done
}

# check_controls ID: the controls in container ID are allowed, no event.
check_controls() {
	printf '%s\n' "$CONTROLS" | while IFS=';' read -r name rule hook filter cmd; do
		[ -n "$name" ] || continue
		is "$(answer "$W/$1.out" "$name")" ok "$1 control $name: $cmd succeeds"
		is "$(events_of "$CGID" ".rule == \"$rule\" and ($filter)")" "" \
			"$1 control $name: no event"
	done
}

# read_events FILE: drain the ring buffer into FILE (quiet for 2 s: done).
read_events() {
	pal bpf events --timeout 2000 >"$1" 2>"$1.err"
	_rc=$?
	[ "$_rc" -eq 0 ] || { echo "bpf events: exit $_rc" >&2; cat "$1.err" >&2; }
	echo "events: $(wc -l <"$1") lines" >&2
	cat "$1" >&2
	return "$_rc"
}

# ------------------------------------------------------------ the runs

# The ring buffer holds what came before this case (nothing, normally):
# drained so that events are read per scenario.
pal bpf events --timeout 500 >/dev/null 2>&1

for scen in deny audit none; do
	prof=lsm-$scen
	run_container "$prof" "$prof" 0 "$ACTIONS
$CONTROLS"
	ok "$prof: the root container ran its actions" test -s "$W/$prof.out"
	if [ "$scen" = deny ]; then
		st=$(pal bpf status --json 2>&1)
		echo "status: $st" >&2
		is "$(printf '%s' "$st" | jq -r .lsm 2>/dev/null)" active \
			"bpf status: BPF LSM is active in the guest"
	fi
	EVENTS=$W/$prof.events
	read_events "$EVENTS"
	is $? 0 "$prof: palisade bpf events reads the ring buffer"
	[ -n "$CGID" ] || CGID=0
	cg_root=$CGID
	check_scenario "$scen" "$prof" "$ACTIONS"
	check_controls "$prof"
	case $scen in
	deny | audit)
		is "$(jq -r '.actions.exec + " " + (.armed | tostring)' "$W/$prof.lookup" 2>/dev/null)" \
			"$scen true" "$prof: registered under its cgroup id, armed, exec $scen"
		isnt "$(cat "$W/$prof.lookup-after.rc")" 0 "$prof: delete removes the registration"
		;;
	none)
		is "$(events_of "$CGID" true)" "" "lsm-none: no event at all from its container"
		isnt "$(cat "$W/$prof.lookup.rc")" 0 "lsm-none: nothing registered (lookup fails)"
		;;
	esac
	if [ "$scen" = audit ]; then
		for cap in CAP_SYS_ADMIN CAP_NET_RAW CAP_BPF; do
			like "$(events_of "$cg_root" ".rule == \"capabilities\" and .capability == \"$cap\"" |
				jq -r .verdict 2>/dev/null | sort -u)" '^log$' \
				"lsm-audit: the use of $cap is logged once per container"
		done
	fi

	uid=$prof-user
	run_container "$uid" "$prof" 1000 "$USER_ACTIONS"
	ok "$uid: the uid 1000 container ran its action" test -s "$W/$uid.out"
	EVENTS=$W/$uid.events
	read_events "$EVENTS"
	check_scenario "$scen" "$uid" "$USER_ACTIONS"
	case $scen in
	deny | audit)
		like "$(events_of "$CGID" '.rule == "capabilities" and .capability == "CAP_SETUID"' |
			jq -r .verdict 2>/dev/null)" '^log$' "$prof-user: the use of CAP_SETUID is logged"
		;;
	none) is "$(events_of "$CGID" true)" "" "lsm-none-user: no event at all" ;;
	esac
done

# ------------------------------------------------------------ the host

# The same actions on the guest itself, from a cgroup of their own, while
# the programs are attached: allowed, and no event from that cgroup.
fixtures ""
mkdir -p /sys/fs/cgroup/palvm-host
HOSTCG=$(stat -c %i /sys/fs/cgroup/palvm-host)
actions_script "$ACTIONS
$CONTROLS" >"$W/host.sh"
sh -c 'echo $$ >/sys/fs/cgroup/palvm-host/cgroup.procs && exec sh "$1"' host "$W/host.sh" \
	>"$W/host.out" 2>&1
sh -c 'echo $$ >/sys/fs/cgroup/palvm-host/cgroup.procs && probe setuid 0 1000' |
	sed 's/^/ACT setuid /' >>"$W/host.out"
cat "$W/host.out" >&2
EVENTS=$W/host.events
read_events "$EVENTS"
CGID=$HOSTCG
printf '%s\n' "$ACTIONS$USER_ACTIONS" | while IFS=';' read -r name rule hook filter cmd; do
	[ -n "$name" ] || continue
	a=$(answer "$W/host.out" "$name")
	if [ "$name" = modreq ]; then
		like "$a" '^errno=' "host $name: $cmd fails as in a container without the rule"
	else
		is "$a" ok "host $name: $cmd succeeds"
	fi
done
is "$(events_of "$HOSTCG" true)" "" "host: no event from the guest's own processes"
rm -f /tmp/drifted
