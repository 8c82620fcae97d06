# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=sh disable=SC2016
# (SC2016: the single-quoted $ are jq's and the container scripts')
#
# The SHIPPED profiles under real BPF LSM (10-lsm.sh tests every hook with
# test profiles; this case tests what a user gets from profiles/*.json):
#
#   restricted   a non-root container (uid 1000, read-only root, tmpfs /tmp
#                and /scratch as its writable places) tries what an attacker
#                would.  restricted also drops every capability but
#                CAP_NET_BIND_SERVICE and has Docker's seccomp filter, so
#                not every action reaches a BPF hook: each action below says
#                which layer stops it, and the test asserts that answer and
#                whether a BPF event exists.  Where BPF is the layer that
#                decides, the answer is EPERM and there is exactly one
#                "deny" event naming the container's cgroup id;
#   default      a root container (keeping CAP_NET_RAW): the metadata
#                address and a raw inet socket are denied by BPF, exec from
#                /tmp and ptrace are allowed with no event (both rules off);
#   audit        restricted's rules in audit mode: the /tmp exec succeeds
#                and is reported as "audit";
#   `palisade run` (foreground, not create + start) under restricted with
#                "lsm": "required": the container starts (BPF LSM is there),
#                is denied with an event, and when `run` returns the
#                poststop hook has removed the registration and its
#                cg/<cgid> pin directory.

PROFILES=/palvm/profiles
BPF_DIR=/sys/fs/bpf/palisade
W=$PALVM_WORK/shipped
mkdir -p "$W"

# "lsm": "required" on top of restricted, as palisade-profile(5) tells a
# user to write it: here, where BPF LSM loads, it must start as usual.
printf '{"description": "VM test: restricted, BPF LSM required", "extends": "restricted",
  "bpf": {"lsm": "required"}}\n' >"$PROFILES/restricted-lsm.json"

# ------------------------------------------------------------ helpers

# bundle DIR PROFILE UID SCRIPT: a busybox bundle running SCRIPT (a file
# put at /actions.sh) as UID under PROFILE, with a read-only root (what
# restricted asks for) and two tmpfs mounts: /tmp (in baseline's exec
# denyPrefixes) and /scratch (not in them: where drift is what decides).
bundle() {
	make_bundle "$1" sh /actions.sh >&2 || return 1
	# runc gives a tmpfs the mode of the directory it covers (mode= in
	# the options would not count): 1777, as make_bundle's /tmp.
	mkdir -p "$1/rootfs/scratch" && chmod 1777 "$1/rootfs/scratch" &&
		cp "$4" "$1/rootfs/actions.sh" || return 1
	spec_edit "$1" '.process.user = {uid: $u, gid: $u} | .root.readonly = true
		| .mounts += [{destination: "/tmp", type: "tmpfs", source: "tmpfs",
		               options: ["nosuid", "nodev"]},
		              {destination: "/scratch", type: "tmpfs", source: "tmpfs",
		               options: ["nosuid", "nodev"]}]
		| .annotations["io.palisade.profile"] = $p' --argjson u "$3" --arg p "$2"
}

# actions_script LIST: a busybox sh script performing every action of LIST
# (lines NAME;COMMAND), one "ACT name answer" line each.
actions_script() {
	printf '#!/bin/sh\n'
	printf '%s\n' "$1" | while IFS=';' read -r name cmd; do
		[ -n "$name" ] || continue
		printf 'r=$( (%s) 2>&1 | tr "\\n" " "); echo "ACT %s ${r%% }"\n' "$cmd" "$name"
	done
}

# answer NAME: the answer of action NAME in $OUT.
answer() {
	sed -n "s/^ACT $1 //p" "$OUT" | head -n 1
}

# events FILTER: "verdict hook" of each event of container $CGID in $EVENTS
# that FILTER (jq) selects, one per line.
events() {
	jq -r --argjson cg "$CGID" "select(.cgroup_id == \$cg) | select($1)
		| .verdict + \" \" + .hook" "$EVENTS" 2>/dev/null
}

# read_events FILE: drain the ring buffer into FILE (quiet for 2 s: done).
read_events() {
	pal bpf events --timeout 2000 >"$1" 2>"$1.err" ||
		{ echo "bpf events failed:" >&2; cat "$1.err" >&2; }
	echo "events: $(wc -l <"$1") lines" >&2
	cat "$1" >&2
}

# check PREFIX NAME ANSWER-ERE EVENT-FILTER EXPECTED-EVENTS WHY: action NAME
# answered ANSWER-ERE, and the events EVENT-FILTER selects are exactly
# EXPECTED-EVENTS ("deny file_open": one such event; "": none).
check() {
	like "$(answer "$2")" "$3" "$1 $2: answer /$3/ ($6)"
	is "$(events "$4")" "$5" "$1 $2: events [$5]"
}

# applied DIR: the profile Palisade rewrote DIR's config.json under.
applied() {
	jq -r '.annotations["io.palisade.applied.profile"]' "$1/config.json" 2>/dev/null
}

# run_detached ID DIR: create + start, wait for the end, delete.  Sets CGID
# and OUT (the container's output).
run_detached() {
	OUT=$2.out
	CGID=0
	if ! pal create --bundle "$2" "$1" >"$OUT" 2>&1; then
		echo "create $1 failed:" >&2
		cat "$OUT" >&2
		return 1
	fi
	CGID=$(cgroup_id "$1")
	CGID=${CGID:-0}
	echo "$1: cgroup id $CGID" >&2
	pal start "$1" >&2
	wait_status "$1" stopped 120 || echo "$1 did not stop" >&2
	pal delete --force "$1" >&2
	cat "$OUT" >&2
}

# Whatever came before this case is not ours.
pal bpf events --timeout 500 >/dev/null 2>&1

# ------------------------------------------------------------ restricted

# The layer that stops each action (uid 1000, no effective capability,
# no_new_privs, Docker's seccomp filter, read-only root, masked /proc):
#  exec-tmp   BPF "exec" (baseline's denyPrefixes /tmp): LSM file_open of
#             the exec'd file, before bprm_check_security, so drift (the
#             file was written after start) never sees it: one event;
#  drift      BPF "drift": /scratch is no exec prefix, the copy is newer
#             than the container: bprm_check_security;
#  kallsyms   BPF "files" deny: /proc/kallsyms is 0444, not masked, so
#             DAC lets uid 1000 open it and BPF decides;
#  kcore      masked (a bind of /dev/null, which uid 1000 may open): the
#             mount does not hide the path, and BPF "files" denies it;
#  sysctl     /proc/sys files are 0644 root (and a read-only mount):
#             may_open refuses uid 1000 with EACCES before security_file_open,
#             so neither "files" denyWrite nor cgroup/sysctl (at write())
#             runs, and there is no event;
#  metadata   BPF "connect": with BPF LSM active the cgroup connect4 hook is
#             not attached and LSM socket_connect is what reports it;
#  raw-inet, raw-packet  BPF "rawSockets": security_socket_create runs in
#             __sock_create before the family's create(), whose CAP_NET_RAW
#             check would also refuse: the LSM hook decides, one event;
#  ptrace     BPF "ptrace": a same-uid descendant, which DAC and Yama allow
#             and the seccomp filter lets through;
#  modreq     BPF "moduleRequest" (AF_TIPC is a module, the guest has none):
#             socket() fails with the kernel's own errno either way;
#  bpf        seccomp: bpf(2) is not in the filter (and without CAP_BPF the
#             syscall would refuse before its LSM hook): no event;
#  mount      seccomp: mount(2) is not in the filter (without the filter,
#             sb_mount would run before may_mount's CAP_SYS_ADMIN check and
#             BPF would decide): no event;
#  setuid     capabilities: without CAP_SETUID, __sys_setuid refuses before
#             task_fix_setuid: no "setuidRoot" event.
# Controls, allowed with no event of the same rule: an exec from the image,
# an open of another /proc file.
RESTRICTED_ACTIONS='
exec-tmp;cp /bin/probe /tmp/probe && probe exec /tmp/probe true
drift;probe copyexec /bin/probe /scratch/drifted
kallsyms;probe open /proc/kallsyms
kcore;probe open /proc/kcore
sysctl;probe sysctl net/ipv4/ip_default_ttl 64
metadata;probe connect udp 169.254.169.254 80
raw-inet;probe syscall socket AF_INET SOCK_RAW 1
raw-packet;probe syscall socket AF_PACKET SOCK_RAW
ptrace;probe ptrace
modreq;probe modreq 30
bpf;probe bpf
mount;probe syscall mount /
setuid;probe setuid 0
exec-image;probe exec /bin/probe true
open-other;probe open /proc/self/status
id;id -u
seccomp;probe status | sed -n "s/^Seccomp:[[:space:]]*//p"
'
actions_script "$RESTRICTED_ACTIONS" >"$W/restricted.sh"
B=$W/restricted
bundle "$B" restricted 1000 "$W/restricted.sh" || tap_result 1 "restricted: make the bundle"
run_detached restricted "$B"
EVENTS=$W/restricted.events
read_events "$EVENTS"
P=restricted
is "$(answer id)" 1000 "$P: the container ran its actions as uid 1000"
is "$(applied "$B")" restricted "$P: config.json was rewritten under restricted"
is "$(answer seccomp)" 2 "$P: the container runs under a seccomp filter"
isnt "$CGID" 0 "$P: the container has a cgroup id"
check $P exec-tmp '^errno=1 EPERM$' '.rule == "exec" and .path == "/tmp/probe"' \
	"deny file_open" "BPF exec denyPrefixes"
is "$(events '.rule == "drift" and .path == "/tmp/probe"')" "" \
	"$P exec-tmp: no drift event (file_open refused it first)"
check $P drift '^errno=1 EPERM$' '.rule == "drift" and (.path // "" | test("drifted"))' \
	"deny bprm_check_security" "BPF drift"
check $P kallsyms '^errno=1 EPERM$' '.rule == "files" and .path == "/proc/kallsyms"' \
	"deny file_open" "BPF files deny"
check $P kcore '^errno=1 EPERM$' '.rule == "files" and .path == "/proc/kcore"' \
	"deny file_open" "masked, BPF files deny"
check $P sysctl '^errno=13 EACCES$' \
	'(.rule == "files" and (.path // "" | startswith("/proc/sys"))) or .rule == "sysctlWrite"' \
	"" "DAC before the LSM hook"
check $P metadata '^errno=1 EPERM$' '.rule == "connect" and .address == "169.254.169.254"' \
	"deny socket_connect" "BPF connect, LSM socket_connect"
check $P raw-inet '^errno=1 EPERM$' '.rule == "rawSockets" and .socket.family == 2' \
	"deny socket_create" "BPF rawSockets before CAP_NET_RAW"
check $P raw-packet '^errno=1 EPERM$' '.rule == "rawSockets" and .socket.family == 17' \
	"deny socket_create" "BPF rawSockets before CAP_NET_RAW"
check $P ptrace '^errno=1 EPERM$' '.rule == "ptrace"' "deny ptrace_access_check" "BPF ptrace"
check $P modreq '^errno=' '.rule == "moduleRequest" and (.path // "" | test("net-pf-30"))' \
	"deny kernel_module_request" "BPF moduleRequest, the kernel ignores its answer"
check $P bpf '^errno=1 EPERM$' '.rule == "bpf"' "" "seccomp"
check $P mount '^errno=1 EPERM$' '.rule == "mount"' "" "seccomp"
check $P setuid '^errno=1 EPERM$' '.rule == "setuidRoot"' "" "no CAP_SETUID"
check $P exec-image '^ok$' '.rule == "exec" and .path == "/bin/probe"' "" "control"
check $P open-other '^ok$' '.rule == "files" and .path != "/proc/kallsyms" and
	.path != "/proc/kcore"' "" "control"

# ------------------------------------------------------------ default

# Root; the bundle asks for every capability and the rewrite leaves
# default's (Docker's) 14, CAP_NET_RAW among them (bit 13 of CapEff), so
# BPF alone denies the raw socket; exec, drift and ptrace are off.
DEFAULT_ACTIONS='
capeff;probe status | sed -n "s/^CapEff:[[:space:]]*//p"
metadata;probe connect udp 169.254.169.254 80
raw-inet;probe syscall socket AF_INET SOCK_RAW 1
exec-tmp;cp /bin/probe /tmp/probe && probe exec /tmp/probe true
ptrace;probe ptrace
id;id -u
'
actions_script "$DEFAULT_ACTIONS" >"$W/default.sh"
B=$W/default
bundle "$B" default 0 "$W/default.sh" || tap_result 1 "default: make the bundle"
spec_edit "$B" '.root.readonly = false | .process.capabilities = {bounding: $c, effective: $c,
	permitted: $c}' --argjson c "$ALL_CAPS"
run_detached default "$B"
EVENTS=$W/default.events
read_events "$EVENTS"
P=default
is "$(answer id)" 0 "$P: the container ran its actions as root"
is "$(applied "$B")" default "$P: config.json was rewritten under default"
capeff=$(answer capeff)
is "$(( (0x${capeff:-0} >> 13) & 1 ))" 1 "$P: the container holds CAP_NET_RAW (CapEff $capeff)"
check $P metadata '^errno=1 EPERM$' '.rule == "connect" and .address == "169.254.169.254"' \
	"deny socket_connect" "BPF connect"
check $P raw-inet '^errno=1 EPERM$' '.rule == "rawSockets"' "deny socket_create" \
	"BPF rawSockets, CAP_NET_RAW held"
check $P exec-tmp '^ok$' '.rule == "exec" or .rule == "drift"' "" "exec and drift off"
check $P ptrace '^ok$' '.rule == "ptrace"' "" "ptrace off"

# ------------------------------------------------------------ audit

# restricted in audit mode: nothing refused (the seccomp filter logs), each
# rule reports.  The /tmp exec is allowed by file_open ("exec", audit) and
# then seen by bprm_check_security ("drift", audit: the copy is new).
# The metadata connect passes BPF and fails on the route (the container's
# network namespace has none): not EPERM, and an "audit" event.
AUDIT_ACTIONS='
exec-tmp;cp /bin/probe /tmp/probe && probe exec /tmp/probe true
metadata;probe connect udp 169.254.169.254 80
'
actions_script "$AUDIT_ACTIONS" >"$W/audit.sh"
B=$W/audit
bundle "$B" audit 1000 "$W/audit.sh" || tap_result 1 "audit: make the bundle"
run_detached audit "$B"
EVENTS=$W/audit.events
read_events "$EVENTS"
P=audit
is "$(applied "$B")" audit "$P: config.json was rewritten under audit"
check $P exec-tmp '^ok$' '.rule == "exec" and .path == "/tmp/probe"' "audit file_open" \
	"audit mode"
is "$(events '.rule == "drift" and .path == "/tmp/probe"')" "audit bprm_check_security" \
	"$P exec-tmp: drift reports it too"
check $P metadata '^errno=' '.rule == "connect" and .address == "169.254.169.254"' \
	"audit socket_connect" "audit mode"
isnt "$(answer metadata)" "errno=1 EPERM" "$P metadata: not refused by BPF"

# ------------------------------------------------------------ palisade run

# Foreground `palisade run` under restricted + "lsm": "required".  The
# container does its action, then waits for /tmp/go (written from outside
# through /proc/PID/root) so that its registration can be looked at while
# it runs; `run` returns once it has exited and runc has run the poststop
# hook.
RUN_ACTIONS='
exec-tmp;cp /bin/probe /tmp/probe && probe exec /tmp/probe true
wait;i=0; while [ ! -e /tmp/go ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done; echo $i
'
actions_script "$RUN_ACTIONS" >"$W/run.sh"
B=$W/run
ID=run-restricted
P="run (restricted-lsm)"
OUT=$B.out
bundle "$B" restricted-lsm 1000 "$W/run.sh" || tap_result 1 "$P: make the bundle"
pal run --bundle "$B" "$ID" >"$OUT" 2>&1 &
RUNPID=$!
wait_status "$ID" running 60
is "$(status "$ID")" running "$P: the container runs (lsm required, BPF LSM active)"
is "$(applied "$B")" restricted-lsm "$P: config.json was rewritten under restricted-lsm"
CGID=$(cgroup_id "$ID")
CGID=${CGID:-0}
echo "$ID: cgroup id $CGID" >&2
i=0
while ! grep -q '^ACT exec-tmp' "$OUT" && [ "$i" -lt 300 ]; do
	sleep 0.1
	i=$((i + 1))
done
lookup=$(pal bpf lookup "$CGID" 2>&1)
echo "lookup while running: $lookup" >&2
is "$(printf '%s' "$lookup" | jq -r '(.armed | tostring) + " " + .actions.exec' 2>/dev/null)" \
	"true deny" "$P: registered while it runs, armed, exec deny"
ok "$P: its pin directory cg/$CGID exists while it runs" test -d "$BPF_DIR/cg/$CGID"
pid=$(brunc state "$ID" 2>/dev/null | jq -r .pid)
: >"/proc/$pid/root/tmp/go" || echo "cannot write /proc/$pid/root/tmp/go" >&2
wait "$RUNPID"
is $? 0 "$P: palisade run returns the container's exit status (0)"
cat "$OUT" >&2
is "$(status "$ID")" none "$P: run removed the container"
like "$(answer exec-tmp)" '^errno=1 EPERM$' "$P exec-tmp: refused with EPERM"
EVENTS=$W/run.events
read_events "$EVENTS"
is "$(events '.rule == "exec" and .path == "/tmp/probe"')" "deny file_open" \
	"$P exec-tmp: one deny event from file_open with its cgroup id"
pal bpf lookup "$CGID" >"$B.lookup-after" 2>&1
isnt $? 0 "$P: after run returns, bpf lookup $CGID fails (poststop unregistered it)"
cat "$B.lookup-after" >&2
ok "$P: after run returns, no cg/$CGID pin directory" test ! -e "$BPF_DIR/cg/$CGID"
# Whatever failed above, nothing of it is left behind.
pal delete --force "$ID" >/dev/null 2>&1
rm -f /tmp/probe
