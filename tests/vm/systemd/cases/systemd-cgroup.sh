# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=sh
#
# BPF registration when systemd makes the container's cgroup (runc
# --systemd-cgroup, the usual Kubernetes setting), in a guest whose PID 1 is
# systemd: the createRuntime hook (`palisade hook create-runtime`) must find
# the scope systemd made from the container init's /proc/PID/cgroup and
# register the profile's policy under that cgroup's id; the policy then
# denies, reports, and goes away with the container.  Two ways in: create +
# start + delete (detached, as containerd does), and a foreground `run`.
#
# cgroupsPath is in systemd's "slice:prefix:name" form: runc asks systemd
# (over D-Bus) for a transient unit "prefix-name.scope" in the slice.

W=$PALVM_WORK/sd
mkdir -p "$W"

# ------------------------------------------------------------ the guest

is "$(cat /proc/1/comm)" systemd "guest: PID 1 is systemd"
ok "guest: systemd is the running init (/run/systemd/system)" test -d /run/systemd/system
ok "guest: cgroup v2 only, at /sys/fs/cgroup" test -f /sys/fs/cgroup/cgroup.controllers
ok "guest: bpffs at /sys/fs/bpf" grep -q ' /sys/fs/bpf bpf ' /proc/mounts
ok "guest: the D-Bus system bus answers" busctl --system call org.freedesktop.DBus \
	/org/freedesktop/DBus org.freedesktop.DBus GetId
like "$(cat /sys/kernel/security/lsm)" '(^|,)bpf(,|$)' "guest: the kernel's LSM list has bpf"

# ------------------------------------------------------------ the profile

jq -n '{description: "VM test: BPF rules, systemd cgroup", bpf: {lsm: "required",
	files: {action: "deny", deny: ["/secret"]}, rawSockets: "deny"}}' \
	>/palvm/profiles/sd-bpf.json

# sd_bundle ID: a bundle under sd-bpf whose process runs the actions (one
# "ACT name answer" line each), prints "READY", and waits for /go in its
# root (at most 60 s) before exiting; cgroupsPath system.slice:palisade:ID.
sd_bundle() {
	_b=$W/$1
	make_bundle "$_b" sh /actions.sh >&2 || return 1
	privileged_spec "$_b" 0 &&
		spec_edit "$_b" '.annotations["io.palisade.profile"] = "sd-bpf"
			| .linux.cgroupsPath = $cg' --arg cg "system.slice:palisade:$1" || return 1
	echo secret >"$_b/rootfs/secret" && echo other >"$_b/rootfs/other" || return 1
	cat >"$_b/rootfs/actions.sh" <<-'EOS'
		#!/bin/sh
		echo "ACT secret $(probe open /secret 2>&1)"
		echo "ACT other $(probe open /other 2>&1)"
		echo "ACT raw $(probe syscall socket AF_INET SOCK_RAW 1 2>&1)"
		echo "ACT udp $(probe syscall socket AF_INET SOCK_DGRAM 0 2>&1)"
		echo READY
		i=0
		while [ ! -e /go ] && [ "$i" -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
	EOS
}

# wait_line FILE LINE [SECONDS [PID]]: poll until FILE has LINE (default
# 60 s), or until process PID is gone.
wait_line() {
	_i=0
	while [ "$_i" -lt $((${3:-60} * 10)) ]; do
		grep -qx "$2" "$1" 2>/dev/null && return 0
		[ -z "${4:-}" ] || kill -0 "$4" 2>/dev/null || return 1
		sleep 0.1
		_i=$((_i + 1))
	done
	return 1
}

answer() {
	sed -n "s/^ACT $2 //p" "$1" | head -n 1
}

# pid_of ID: the container's init, from runc's state.
pid_of() {
	"$RUNC" --root "$PROOT" state "$1" 2>/dev/null | jq -r .pid
}

# unit_state UNIT: systemd's ActiveState of UNIT ("inactive" once gone).
unit_state() {
	systemctl show -p ActiveState --value "$1" 2>/dev/null
}

# check_running ID: while ID's process waits for /go: its cgroup is the
# scope systemd made, the policy is registered under that cgroup's id for
# that init, and the actions were decided by it.  Sets CGID.
check_running() {
	_id=$1
	_pid=$(pid_of "$_id")
	_cg=$(sed -n 's/^0:://p' "/proc/$_pid/cgroup" 2>/dev/null)
	echo "$_id: pid $_pid, cgroup $_cg" >&2
	is "$_cg" "/system.slice/palisade-$_id.scope" \
		"$_id: the container's cgroup is systemd's scope system.slice/palisade-$_id.scope"
	is "$(unit_state "palisade-$_id.scope")" active "$_id: systemd runs palisade-$_id.scope"
	CGID=$(stat -c %i "/sys/fs/cgroup$_cg" 2>/dev/null)
	pal bpf lookup "${CGID:-0}" >"$W/$_id.lookup" 2>&1
	_rc=$?
	cat "$W/$_id.lookup" >&2
	is "$_rc" 0 "$_id: palisade bpf lookup finds a policy under the scope's cgroup id"
	is "$(jq -r '[.cgroup_id, .init_tgid, .armed, .actions.files, .actions.rawSockets]
		| map(tostring) | join(" ")' "$W/$_id.lookup" 2>/dev/null)" \
		"$CGID $_pid true deny deny" \
		"$_id: the policy is the scope's, for the container's init, armed, files and rawSockets deny"
	_out=$W/$_id.out
	is "$(answer "$_out" secret)" "errno=1 EPERM" "$_id: open /secret is refused with EPERM"
	is "$(answer "$_out" raw)" "errno=1 EPERM" "$_id: a raw socket is refused with EPERM"
	is "$(answer "$_out" other)" ok "$_id: open /other (no rule) succeeds"
	is "$(answer "$_out" udp)" ok "$_id: a UDP socket (no rule) succeeds"
}

# check_events ID: the deny events of ID's cgroup (CGID) in $W/ID.events.
check_events() {
	_ev=$W/$1.events
	pal bpf events --timeout 500 >"$_ev" 2>"$_ev.err"
	is $? 0 "$1: palisade bpf events reads the ring buffer"
	cat "$_ev" "$_ev.err" >&2
	is "$(jq -r --argjson cg "${CGID:-0}" 'select(.cgroup_id == $cg and .rule == "files")
		| .verdict + " " + .hook + " " + .path' "$_ev" 2>/dev/null | sort -u)" \
		"deny file_open /secret" "$1: a deny event from file_open for /secret"
	is "$(jq -r --argjson cg "${CGID:-0}" 'select(.cgroup_id == $cg and .rule == "rawSockets")
		| .verdict + " " + .hook' "$_ev" 2>/dev/null | sort -u)" \
		"deny socket_create" "$1: a deny event from socket_create for the raw socket"
}

# check_gone ID: the registration, the scope and its cgroup are gone.
check_gone() {
	pal bpf lookup "${CGID:-0}" >>"$W/$1.lookup" 2>&1
	isnt $? 0 "$1: the registration is gone (bpf lookup fails)"
	isnt "$(unit_state "palisade-$1.scope")" active "$1: the scope is no longer active"
	ok "$1: the scope's cgroup is gone" test ! -e "/sys/fs/cgroup/system.slice/palisade-$1.scope"
}

pal bpf events --timeout 500 >/dev/null 2>&1

# ------------------------------------------------------------ create/start

id=sdtest1
if sd_bundle "$id"; then
	pal --systemd-cgroup create --bundle "$W/$id" "$id" >"$W/$id.out" 2>&1
	is $? 0 "$id: palisade --systemd-cgroup create"
	is "$(status "$id")" created "$id: created"
	pal --systemd-cgroup start "$id" >&2
	is $? 0 "$id: palisade --systemd-cgroup start"
	# (Not created, not started: no waiting for what cannot come.)
	[ "$(status "$id")" = none ] || wait_line "$W/$id.out" READY 60
	cat "$W/$id.out" >&2
	check_running "$id"
	check_events "$id"
	: >"$W/$id/rootfs/go"
	[ "$(status "$id")" = none ] || wait_status "$id" stopped 60
	pal --systemd-cgroup delete "$id" >&2
	is $? 0 "$id: palisade --systemd-cgroup delete"
	is "$(status "$id")" none "$id: delete removes the container"
	check_gone "$id"
else
	tap_result 1 "$id: make the bundle"
fi

# ------------------------------------------------------------ run

id=sdtest2
if sd_bundle "$id"; then
	pal --systemd-cgroup run --bundle "$W/$id" "$id" >"$W/$id.out" 2>&1 &
	runpid=$!
	if wait_line "$W/$id.out" READY 60 "$runpid"; then
		cat "$W/$id.out" >&2
		check_running "$id"
		check_events "$id"
	else
		tap_result 1 "$id: palisade --systemd-cgroup run starts the container"
		cat "$W/$id.out" >&2
	fi
	: >"$W/$id/rootfs/go"
	wait "$runpid"
	is $? 0 "$id: palisade --systemd-cgroup run exits with the container's status"
	is "$(status "$id")" none "$id: run removes the container at its end"
	check_gone "$id"
else
	tap_result 1 "$id: make the bundle"
fi
