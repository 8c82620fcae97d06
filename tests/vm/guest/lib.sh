# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=sh
#
# Helpers for the VM guest's case files (busybox sh; sourced by /init for
# each /palvm/cases/*.sh in a child shell).  Results are TAP lines prefixed
# "PALVM: " on stdout; the numbering lives in $PALVM_STATE so that it runs
# on across case files.  Command output goes to stderr, the case's log,
# which /init shows when a case fails.
#
# Guest layout (made by tests/vm/run.sh and /init):
#   /usr/sbin/palisade, /usr/sbin/runc, /usr/bin/probe (static), /usr/bin/jq
#   /usr/share/palisade/profiles   the source tree's shipped profiles
#   /palvm/profiles                test profiles (palvm_profiles writes them)
#   /etc/palisade.json             PALISADE_CONFIG
#   /run/palisade                  Palisade's state_dir
#   /run/palvm/root                runc's --root for every container
#   /sys/fs/bpf/palisade           bpf_dir

PATH=/usr/sbin:/usr/bin:/sbin:/bin
PALISADE_CONFIG=/etc/palisade.json
RUNC=/usr/sbin/runc
PROOT=/run/palvm/root
PALVM_WORK=/palvm/work
export PATH PALISADE_CONFIG

# ------------------------------------------------------------------ TAP

diag() {
	printf '%s\n' "$*" | while IFS= read -r l; do
		printf 'PALVM: # %s\n' "$l"
	done
}

# tap_result STATUS DESC
tap_result() {
	n=$(($(cat "$PALVM_STATE/n") + 1))
	echo "$n" >"$PALVM_STATE/n"
	if [ "$1" -eq 0 ]; then
		echo "PALVM: ok $n - $2"
		return 0
	fi
	echo "PALVM: not ok $n - $2"
	echo $(($(cat "$PALVM_STATE/failed") + 1)) >"$PALVM_STATE/failed"
	echo "FAILED: $2" >&2
	return 1
}

# ok DESC CMD...: passes when CMD exits 0 (its output goes to the log).
ok() {
	_d=$1
	shift
	"$@" >&2
	tap_result $? "$_d"
}

# is GOT EXPECTED DESC
is() {
	if [ "$1" = "$2" ]; then
		tap_result 0 "$3"
		return 0
	fi
	tap_result 1 "$3"
	diag "  got:      $(printf '%s' "$1" | head -c 300)"
	diag "  expected: $2"
	return 1
}

# isnt GOT UNEXPECTED DESC
isnt() {
	if [ "$1" != "$2" ]; then
		tap_result 0 "$3"
		return 0
	fi
	tap_result 1 "$3"
	diag "  got (must differ): $(printf '%s' "$1" | head -c 300)"
	return 1
}

# like GOT ERE DESC
like() {
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then
		tap_result 0 "$3"
		return 0
	fi
	tap_result 1 "$3"
	diag "  got: $(printf '%s' "$1" | head -c 300)"
	diag "  expected to match: $2"
	return 1
}

# skip DESC REASON
skip() {
	n=$(($(cat "$PALVM_STATE/n") + 1))
	echo "$n" >"$PALVM_STATE/n"
	echo "PALVM: ok $n - $1 # SKIP $2"
}

# ------------------------------------------------------------------ set-up

# palvm_conf: Palisade's configuration, the test profiles' directory and a
# "passthrough" profile that constrains nothing (as tests/integration).  No
# monitor is started: the cases read the ring buffer themselves.
palvm_conf() {
	mkdir -p /palvm/profiles /run/palisade "$PROOT" "$PALVM_WORK"
	[ -f /palvm/profiles/passthrough.json ] ||
		printf '{"description": "test profile: constrains nothing"}\n' \
			>/palvm/profiles/passthrough.json
	[ -f "$PALISADE_CONFIG" ] ||
		jq -n '{runtime: "/usr/sbin/runc", state_dir: "/run/palisade",
		        bpf_dir: "/sys/fs/bpf/palisade",
		        profile_dirs: ["/palvm/profiles", "/usr/share/palisade/profiles"],
		        default_profile: "passthrough",
		        monitor: {autostart: "off"}}' >"$PALISADE_CONFIG"
}

# pal ARGS...: palisade on the shared runc root, with a time limit.
pal() {
	timeout -s KILL 120 palisade --root "$PROOT" "$@"
}

# brunc ARGS...: bare runc on the shared root.
brunc() {
	timeout -s KILL 120 "$RUNC" --root "$PROOT" "$@"
}

# status ID: runc's status of ID, or "none".
status() {
	_s=$("$RUNC" --root "$PROOT" state "$1" 2>/dev/null | jq -r .status 2>/dev/null)
	echo "${_s:-none}"
}

# wait_status ID STATUS [SECONDS]: poll every 0.1 s (default 60 s).
wait_status() {
	_i=0
	_n=$((${3:-60} * 10))
	while [ "$_i" -lt "$_n" ]; do
		[ "$(status "$1")" = "$2" ] && return 0
		sleep 0.1
		_i=$((_i + 1))
	done
	return 1
}

# Every capability Linux 6.1 knows: the test containers hold them all, so
# that an action the BPF policy allows really succeeds.
ALL_CAPS='["CAP_CHOWN","CAP_DAC_OVERRIDE","CAP_DAC_READ_SEARCH","CAP_FOWNER","CAP_FSETID",
"CAP_KILL","CAP_SETGID","CAP_SETUID","CAP_SETPCAP","CAP_LINUX_IMMUTABLE","CAP_NET_BIND_SERVICE",
"CAP_NET_BROADCAST","CAP_NET_ADMIN","CAP_NET_RAW","CAP_IPC_LOCK","CAP_IPC_OWNER","CAP_SYS_MODULE",
"CAP_SYS_RAWIO","CAP_SYS_CHROOT","CAP_SYS_PTRACE","CAP_SYS_PACCT","CAP_SYS_ADMIN","CAP_SYS_BOOT",
"CAP_SYS_NICE","CAP_SYS_RESOURCE","CAP_SYS_TIME","CAP_SYS_TTY_CONFIG","CAP_MKNOD","CAP_LEASE",
"CAP_AUDIT_WRITE","CAP_AUDIT_CONTROL","CAP_SETFCAP","CAP_MAC_OVERRIDE","CAP_MAC_ADMIN",
"CAP_SYSLOG","CAP_WAKE_ALARM","CAP_BLOCK_SUSPEND","CAP_AUDIT_READ","CAP_PERFMON","CAP_BPF",
"CAP_CHECKPOINT_RESTORE"]'

# make_bundle DIR ARG...: a busybox bundle from `runc spec` (no jq on the
# host side of the guest is needed beyond the copied one): process ARGs,
# terminal off, writable root, the probe in /bin, cgroupsPath
# /palvm/<basename DIR> so that the host side can find the cgroup.
make_bundle() {
	_dir=$1
	shift
	mkdir -p "$_dir/rootfs/bin" "$_dir/rootfs/proc" "$_dir/rootfs/dev" "$_dir/rootfs/sys" \
		"$_dir/rootfs/tmp" "$_dir/rootfs/etc" "$_dir/rootfs/root" || return 1
	chmod 1777 "$_dir/rootfs/tmp"
	cp /bin/busybox "$_dir/rootfs/bin/busybox" && cp /usr/bin/probe "$_dir/rootfs/bin/probe" ||
		return 1
	for _a in sh cat echo sleep true false id ls mkdir cp chmod grep stat; do
		ln -sf busybox "$_dir/rootfs/bin/$_a"
	done
	cp /etc/passwd /etc/group "$_dir/rootfs/etc/"
	(cd "$_dir" && rm -f config.json && "$RUNC" spec) || return 1
	# One --arg per argument: jq 1.6 would read a "-c" after --args as its
	# own option.
	_args='[]'
	for _a in "$@"; do
		_args=$(jq -cn --argjson l "$_args" --arg x "$_a" '$l + [$x]') || return 1
	done
	spec_edit "$_dir" '.process.terminal = false | .process.args = $a | .root.readonly = false
		| .linux.cgroupsPath = $cg' --argjson a "$_args" --arg cg "/palvm/$(basename "$_dir")"
}

# spec_edit DIR FILTER [jq args...]
spec_edit() {
	_dir=$1
	_f=$2
	shift 2
	jq "$@" "$_f" <"$_dir/config.json" >"$_dir/config.json.new" &&
		mv "$_dir/config.json.new" "$_dir/config.json"
}

# privileged_spec DIR [UID]: every capability in every set (ambient too, so
# that a non-root process keeps them across execve), no masked or read-only
# paths, /proc/sys writable: the container may do everything the BPF policy
# is to decide on.
privileged_spec() {
	spec_edit "$1" '.process.capabilities = {bounding: $c, effective: $c, permitted: $c,
			inheritable: $c, ambient: $c}
		| .process.user = {uid: $u, gid: $u} | .process.noNewPrivileges = false
		| .linux.maskedPaths = [] | .linux.readonlyPaths = []
		| .mounts |= map(if .destination == "/sys" then .options -= ["ro"] else . end)' \
		--argjson c "$ALL_CAPS" --argjson u "${2:-0}"
}

# cgroup_id ID: the cgroup id (the v2 directory's inode) of container ID,
# from its init's /proc/PID/cgroup.
cgroup_id() {
	_pid=$("$RUNC" --root "$PROOT" state "$1" 2>/dev/null | jq -r .pid) || return 1
	_cg=$(sed -n 's/^0:://p' "/proc/$_pid/cgroup") || return 1
	[ -n "$_cg" ] && stat -c %i "/sys/fs/cgroup$_cg"
}

palvm_conf
