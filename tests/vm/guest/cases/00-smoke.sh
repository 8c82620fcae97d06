# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=sh
#
# Smoke: the guest is what the LSM cases need (BPF LSM in the kernel's list,
# a pure cgroup v2 hierarchy, bpffs), and containers run in it, under bare
# runc and under Palisade.

like "$(cat /sys/kernel/security/lsm)" '(^|,)bpf(,|$)' "guest: the kernel's LSM list has bpf"
ok "guest: cgroup v2 only, at /sys/fs/cgroup" test -f /sys/fs/cgroup/cgroup.controllers
ok "guest: bpffs at /sys/fs/bpf" grep -q ' /sys/fs/bpf bpf ' /proc/mounts

# smoke_lifecycle NAME TOOL...: create, start, see the output, delete.
smoke_lifecycle() {
	name=$1
	shift
	b=$PALVM_WORK/$name
	make_bundle "$b" sh -c "echo smoke-$name-ran; sleep 1" >&2 ||
		{ tap_result 1 "$name: make the busybox bundle"; return; }
	spec_edit "$b" '.annotations["io.palisade.profile"] = "passthrough"'
	"$@" create --bundle "$b" "$name" >"$b.out" 2>&1
	is "$(status "$name")" created "$name: create leaves the container created"
	"$@" start "$name" >&2
	wait_status "$name" stopped 60
	is "$(status "$name")" stopped "$name: start runs the process to its end"
	like "$(cat "$b.out")" "^smoke-$name-ran$" "$name: the process's output"
	"$@" delete "$name" >&2
	is "$(status "$name")" none "$name: delete removes the container"
	[ -d "/sys/fs/cgroup/palvm/$name" ]
	is $? 1 "$name: delete removes its cgroup"
}

smoke_lifecycle runc brunc
smoke_lifecycle palisade pal
like "$(jq -c .annotations "$PALVM_WORK/palisade/config.json")" \
	'"io.palisade.applied.profile":"passthrough"' "palisade: rewrote config.json under passthrough"
