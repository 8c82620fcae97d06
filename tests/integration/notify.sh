#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Seccomp denials through user notification with real runc (notify.h):
# with the monitor on, the seccomp rule's denials become SCMP_ACT_NOTIFY
# with Palisade's listener; the container's call fails with the profile's
# errno (EPERM) and the monitor writes exactly one line naming the
# container, the syscall and its arguments within a second; a second
# container's denials are its own; ENOSYS answers stay silent; a monitor
# killed with -9 leaves no container blocked (denied calls then fail with
# ENOSYS), and a restarted one serves new containers.  With the monitor
# off the errno form stays.
. "${PAL_TESTLIB:-$(dirname "$0")/lib.sh}"

pal_require_all
: "${PAL_PROBE:=$(dirname "$PALISADE")/tests/probe/probe}"
[ -x "$PAL_PROBE" ] || skip_all "probe not built at $PAL_PROBE (make check builds it)"
ldd "$PAL_PROBE" >/dev/null 2>&1 && skip_all "$PAL_PROBE is not static"
pal_tmp
write_conf
# the shipped "default" profile denies keyctl (EPERM) and answers unknown
# syscalls with ENOSYS; create refuses to run without a monitor
jq '.default_profile = "default" | .monitor.autostart = "refuse"' "$T/palisade.json" >"$T/p.json" &&
	mv "$T/p.json" "$T/palisade.json"
LOG=$T/violations.log
SOCK=$T/state/seccomp.sock

# probe_bundle DIR SCRIPT: the probe in a busybox rootfs, SCRIPT run by sh
probe_bundle() {
	make_bundle "$1" sh -c "$2"
	cp "$PAL_PROBE" "$1/rootfs/bin/probe"
}

lines() { jq -c --arg id "$1" 'select(.container.id == $id)' "$LOG" 2>/dev/null; }

# wait_lines ID N: up to 2 s for N lines naming ID
wait_lines() {
	for _ in $(seq 40); do [ "$(lines "$1" | wc -l)" -ge "$2" ] && break; sleep 0.05; done
}

ok "the monitor starts" start_monitor
is "$(stat -c '%F %a' "$SOCK" 2>/dev/null)" "socket 600" "it listens on STATE/seccomp.sock, mode 0600"

# ------------------------------------------------------------ one denial, one line
probe_bundle "$T/b1" 'probe syscall keyctl; probe syscall syscall 1000'
t0=$(date +%s%N)
run pal run -b "$T/b1" "n1$TAG"
like "$OUT" "^errno=1 EPERM" "a denied call fails with the profile's errno" || diag_val stderr "$ERR"
like "$OUT" "errno=38 ENOSYS" "an unknown syscall is answered ENOSYS"
wait_lines "n1$TAG" 1
t1=$(date +%s%N)
got=$(lines "n1$TAG")
is "$(wc -l <<<"$got" | tr -d ' ')" 1 "exactly one line: the denial, not the ENOSYS answer" ||
	diag_val log "$(cat "$LOG" 2>/dev/null)"
ok "within a second" test $(((t1 - t0) / 1000000)) -lt 1000
is "$(jq -r '"\(.source) \(.hook)/\(.rule)/\(.verdict) \(.container.bundle) \(.container.profile) \(.comm)"' <<<"$got")" \
	"seccomp-notify seccomp/syscall/deny $T/b1 default probe" \
	"it names the container, its bundle and profile, and the caller"
# the probe's keyctl(0, -3, 0): an int -3 reaches the kernel as 0xfffffffd
is "$(jq -c '.detail | [.syscall, .nr, .arch, (.args | length), .args[0], .args[1], .args[2], .errno]' <<<"$got")" \
	'["keyctl",250,"x86_64",6,0,4294967293,0,1]' \
	"the detail: syscall, number, arch, the six arguments, the errno answered"
ok "pid and tid are the caller's" test "$(jq -r '.pid > 0 and .tid == .pid' <<<"$got")" = true
ok "the cgroup id is the container's" test "$(jq -r '.cgroup_id > 0' <<<"$got")" = true

# ------------------------------------------------------------ a second container
probe_bundle "$T/b2" 'probe syscall keyctl; probe syscall keyctl'
run pal run -b "$T/b2" "n2$TAG"
is "$(grep -c EPERM <<<"$OUT")" 2 "a second container is denied too" || diag_val stderr "$ERR"
wait_lines "n2$TAG" 2
is "$(lines "n2$TAG" | wc -l)" 2 "its two denials are two lines naming it"
is "$(lines "n1$TAG" | wc -l)" 1 "... and none is the first container's"
is "$(jq -r '.linux.seccomp.listenerPath' "$T/b2/config.json")" "$SOCK" \
	"the spec names Palisade's listener"
is "$(jq -r '.linux.seccomp.listenerMetadata | fromjson | "\(.palisade) \(.root) \(.errno)"' "$T/b2/config.json")" \
	"1 $T/root 1" "... with the metadata the monitor needs (runc root, errno)"
is "$(jq -r '[.linux.seccomp.syscalls[] | select(.names | index("keyctl")) | .action] | join(",")' "$T/b2/config.json")" \
	SCMP_ACT_NOTIFY "keyctl is SCMP_ACT_NOTIFY"
is "$(jq -r '.linux.seccomp.defaultAction' "$T/b2/config.json")" SCMP_ACT_ERRNO \
	"the default action stays SCMP_ACT_ERRNO (ENOSYS)"

# ------------------------------------------------------------ kill -9
probe_bundle "$T/b3" 'probe syscall keyctl; while [ ! -e /go ]; do sleep 0.05; done; probe syscall keyctl; echo after; sleep 1000'
pal create -b "$T/b3" "n3$TAG" >"$T/b3.out" 2>&1 && pal start "n3$TAG"
wait_lines "n3$TAG" 1
is "$(lines "n3$TAG" | wc -l)" 1 "a running container's denial is logged"
kill -9 "$MON"
wait "$MON" 2>/dev/null
t0=$(date +%s%N)
touch "$T/b3/rootfs/go"
for _ in $(seq 100); do grep -q after "$T/b3.out" && break; sleep 0.05; done
t1=$(date +%s%N)
ok "with the monitor killed, the container is not blocked" grep -q after "$T/b3.out"
is "$(grep errno= "$T/b3.out" | tr '\n' ' ')" "errno=1 EPERM errno=38 ENOSYS " \
	"... its denied call fails with ENOSYS (no listener), it never runs" ||
	diag_val out "$(cat "$T/b3.out")"
ok "... at once ($(((t1 - t0) / 1000000)) ms)" test $(((t1 - t0) / 1000000)) -lt 5000
run pal run -b "$T/b1" "n4$TAG"
isnt "$RC" 0 "no monitor (autostart \"refuse\"): create is refused"
pal delete --force "n3$TAG"

# ------------------------------------------------------------ restart
ok "the monitor restarts" start_monitor
run pal run -b "$T/b1" "n5$TAG"
like "$OUT" "^errno=1 EPERM" "a new container is denied" || diag_val stderr "$ERR"
wait_lines "n5$TAG" 1
is "$(lines "n5$TAG" | wc -l)" 1 "... and its denial logged"

is "$(grep -c 'seccomp listener' "$T/monitor.err")" 0 "the monitor refused no connection of runc's" ||
	diag_val stderr "$(cat "$T/monitor.err")"

# ------------------------------------------------------------ autostart
kill -TERM "$MON"
wait "$MON"
is "$?" 0 "SIGTERM stops the monitor"
ok "... and its socket is removed" test ! -e "$SOCK"
jq '.monitor.autostart = "start"' "$T/palisade.json" >"$T/p.json" && mv "$T/p.json" "$T/palisade.json"
run pal run -b "$T/b1" "n7$TAG"
like "$OUT" "^errno=1 EPERM" "autostart \"start\": create starts a monitor and waits for its socket" ||
	diag_val stderr "$ERR"
wait_lines "n7$TAG" 1
is "$(lines "n7$TAG" | wc -l)" 1 "... which logs the denial"
AUTO=$(cat "$T/state/monitor.pid" 2>/dev/null)
[ -n "$AUTO" ] && bg_track "$AUTO"
kill -TERM "$AUTO" 2>/dev/null
for _ in $(seq 100); do [ -e "$T/state/monitor.pid" ] || break; sleep 0.05; done

# ------------------------------------------------------------ monitor off
jq '.monitor.autostart = "off"' "$T/palisade.json" >"$T/p.json" && mv "$T/p.json" "$T/palisade.json"
probe_bundle "$T/b8" 'probe syscall keyctl'
run pal run -b "$T/b8" "n8$TAG"
like "$OUT" "^errno=1 EPERM" "monitor off: the call is still denied" || diag_val stderr "$ERR"
is "$(jq -r '.linux.seccomp.listenerPath // "none"' "$T/b8/config.json")" none \
	"... by the errno form, no listener"

done_testing
