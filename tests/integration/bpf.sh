#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# BPF hooks on this host, with real runc containers: the cgroup-BPF hooks
# (raw inet sockets, connect/sendmsg to denied CIDRs, sysctl writes) deny
# inside a container under an enforcing profile and produce events naming
# its cgroup; audit mode allows and reports; a container without the rules,
# and the host, are untouched.  Where BPF LSM cannot load (this host, see
# ../shared/FACTS.md) the fallback is logged once and a profile that
# requires LSM is refused with nothing created.  Registration goes through
# the createRuntime hook for create and run alike; the poststop hook
# removes the pins at delete and at the end of a foreground run;
# stale registrations are swept; 200 create/delete cycles leak nothing.
#
# Each script mounts a private bpffs (lib.sh): nothing is pinned on the host.
. "${PAL_TESTLIB:-$(dirname "$0")/lib.sh}"

pal_require_all
require_tools bpftool
: "${PAL_PROBE:=$(dirname "$PALISADE")/tests/probe/probe}"
[ -x "$PAL_PROBE" ] || skip_all "probe not built at $PAL_PROBE (make check builds it)"
pal_tmp
# lib.sh mounted a private bpffs at $T/bpffs
[ "$(stat -f -c %T "$T/bpffs")" = bpf_fs ] || skip_all "cannot mount a bpffs"
write_conf
BPF=$T/bpffs/palisade

# A profile that constrains nothing but the cgroup-BPF rules (and one LSM
# rule, "mount", to exercise the fallback), so that an allowed action really
# succeeds in the control container.
cat >"$T/profiles/cg.json" <<'EOF'
{
	"description": "test: cgroup-BPF rules only (and mount, for the LSM fallback)",
	"bpf": {
		"lsm": "optional",
		"rawSockets": "deny",
		"connect": {"action": "deny", "denyCidrs": ["127.0.0.2/32", "127.0.0.4/32", "fd00::/8"]},
		"sysctlWrite": "deny",
		"mount": "deny",
		"eventsPerSecond": 2500
	}
}
EOF
sed -e 's/"optional"/"required"/' -e 's/cgroup-BPF rules only/LSM required/' \
	"$T/profiles/cg.json" >"$T/profiles/lsmreq.json"

# probe_bundle DIR SCRIPT: a root container with the capabilities the
# actions need (so that only Palisade's BPF can stop them), /proc/sys
# writable, the probe as /bin/probe, running SCRIPT.
probe_bundle() {
	make_bundle "$1" sh -c "$2"
	cp "$PAL_PROBE" "$1/rootfs/bin/probe"
	spec_edit "$1" '.process.capabilities |= with_entries(.value += ["CAP_NET_RAW","CAP_NET_ADMIN","CAP_SYS_ADMIN"] | .value |= unique)
		| .linux.readonlyPaths |= map(select(. != "/proc/sys"))'
}

ACTIONS='echo "raw=$(probe syscall socket AF_INET SOCK_RAW 1)"
echo "c4=$(probe connect udp 127.0.0.2 9)"
echo "c4ok=$(probe connect udp 127.0.0.3 9)"
echo "c4m=$(probe connect udp ::ffff:127.0.0.4 9)"
echo "c6=$(probe connect udp fd00::1 9)"
echo "sysctl=$(probe sysctl net/ipv4/ip_forward 0)"
echo end'

# field NAME OUTPUT: the value of NAME= in the probe script's output
field() { printf '%s\n' "$2" | sed -n "s/^$1=//p"; }

# events: every event in the ring buffer now, one JSON line each
events() { pal_raw bpf events --timeout 300; }

# cgid ID: the cgroup id Palisade recorded for container ID
cgid() { jq -r .cgroupId "$T/state/containers/"*"/$1.json" 2>/dev/null; }

# ------------------------------------------------------------ enforce
probe_bundle "$T/b1" "$ACTIONS"
spec_edit "$T/b1" '.annotations["io.palisade.profile"] = "cg"'
cp "$T/b1/config.json" "$T/b1.orig"
run pal --log "$T/log1" --log-format json run -b "$T/b1" "e$TAG"
is "$RC" 0 "run under profile cg exits 0" || diag_val stderr "$ERR"
is "$(jq -r '.hooks.createRuntime[0].args[1:3] | join(" ")' "$T/b1/config.json")" "hook create-runtime" \
	"the rewritten spec's first createRuntime hook is Palisade's"
is "$(jq -r '.hooks.createRuntime[0].path' "$T/b1/config.json")" "$(readlink -f "$PALISADE")" \
	"the hook runs this palisade"
like "$(field raw "$OUT")" "^errno=1 EPERM" "raw inet socket: EPERM (cgroup/sock_create)"
like "$(field c4 "$OUT")" "^errno=1 EPERM" "UDP connect to denied 127.0.0.2: EPERM (cgroup/connect4)"
is "$(field c4ok "$OUT")" "ok" "UDP connect to 127.0.0.3 (not denied): ok"
like "$(field c4m "$OUT")" "^errno=1 EPERM" "connect to IPv4-mapped ::ffff:127.0.0.4: EPERM (looked up as IPv4)"
like "$(field c6 "$OUT")" "^errno=1 EPERM" "connect to fd00::1 in denied fd00::/8: EPERM (cgroup/connect6)"
like "$(field sysctl "$OUT")" "^errno=1 EPERM" "sysctl write: EPERM (cgroup/sysctl)"
ev=$(events)
id1=$(jq -r '.cgroup_id' <<<"$ev" | sort -u)
is "$(wc -l <<<"$id1")" 1 "every event names one cgroup" || diag_val events "$ev"
# the IPv4-mapped destination comes through connect6 (an IPv6 socket)
for r in "rawSockets cgroup/sock_create 1" "connect cgroup/connect4 1" "connect cgroup/connect6 2" \
	"sysctlWrite cgroup/sysctl 1"; do
	set -- $r
	is "$(jq -c --arg r "$1" --arg h "$2" 'select(.rule == $r and .hook == $h and .verdict == "deny")' <<<"$ev" | wc -l | tr -d ' ')" \
		"$3" "events: $1 denied at $2, once per denial"
done
is "$(jq -r 'select(.rule == "connect" and .hook == "cgroup/connect4") | "\(.address):\(.port)"' <<<"$ev")" \
	"127.0.0.2:9" "connect events carry the address and port"
like "$(jq -r 'select(.rule == "connect" and .hook == "cgroup/connect6") | .address' <<<"$ev" | sort | tr '\n' ' ')" \
	"127\\.0\\.0\\.4 .*fd00::1 |fd00::1 .*127\\.0\\.0\\.4" "connect6 events: the mapped address and fd00::1"
is "$(jq -r 'select(.rule == "sysctlWrite") | .path' <<<"$ev")" "net/ipv4/ip_forward" "sysctl event names the sysctl"
is "$(jq -r 'select(.rule == "rawSockets") | .comm' <<<"$ev")" "probe" "events carry the process's comm"
log1=$(cat "$T/log1" 2>/dev/null)
is "$(grep -c 'BPF LSM is not available' <<<"$log1")" 1 "the LSM fallback is logged once (--log)"
like "$log1" 'not enforced: [^"]*mount' "the log says which rules go unenforced"
like "$log1" '"level":"warning"' "as a warning"
ok "end of run (poststop hook): no cg/ pins left" test -z "$(ls "$BPF/cg" 2>/dev/null)"
ok "end of run: no record left" test -z "$(ls "$T/state/containers/"*/ 2>/dev/null)"

# ------------------------------------------------------------ create/start, and delete
probe_bundle "$T/b2" "$ACTIONS; sleep 1000"
spec_edit "$T/b2" '.annotations["io.palisade.profile"] = "cg"'
pal create -b "$T/b2" "c$TAG" >"$T/b2.out" 2>"$T/b2.err"
is "$?" 0 "create under profile cg" || diag_val stderr "$(cat "$T/b2.err")"
cg2=$(cgid "c$TAG")
like "$cg2" '^[0-9]+$' "the hook recorded the container's cgroup id"
cgpath=$(sed -n 's/^0:://p' "/proc/$("$RUNC" --root "$T/root" state "c$TAG" | jq -r .pid)/cgroup")
is "$cg2" "$(stat -c %i "/sys/fs/cgroup/unified$cgpath" 2>/dev/null || stat -c %i "/sys/fs/cgroup$cgpath")" \
	"the cgroup id is the inode of the container's cgroup v2 directory"
ok "pins in cg/<cgid>/ after create" test -n "$(ls "$BPF/cg/$cg2" 2>/dev/null)"
lk=$(pal_raw bpf lookup "$cg2")
is "$(jq -r .init_tgid <<<"$lk")|$(jq -r .armed <<<"$lk")" \
	"$("$RUNC" --root "$T/root" state "c$TAG" | jq -r .pid)|false" \
	"registered pending, exempting only the container's init (the state's pid)"
is "$(jq -r .rate_per_sec <<<"$lk")" 2500 "the profile's eventsPerSecond is the kernel's rate"
ok "the cgroup index names the container" grep -q "\"c$TAG\"" "$T/state/cgroups/$cg2.json"
ok "before start, nothing ran: no event yet" test -z "$(events)"
pal start "c$TAG"
for _ in $(seq 50); do grep -q '^end' "$T/b2.out" && break; sleep 0.1; done
out=$(cat "$T/b2.out")
is "$(pal_raw bpf lookup "$cg2" | jq -r .armed)" true "the init's exec armed the policy"
like "$(field raw "$out")" "^errno=1 EPERM" "create+start: raw socket EPERM"
like "$(field c4 "$out")" "^errno=1 EPERM" "create+start: denied connect EPERM"
ev=$(events)
is "$(jq -r .cgroup_id <<<"$ev" | sort -u)" "$cg2" "create+start: the events name this container's cgroup"
run pal delete --force "c$TAG"
is "$RC" 0 "delete --force exits 0" || diag_val stderr "$ERR"
ok "delete removed cg/<cgid>/" test ! -e "$BPF/cg/$cg2"
ok "delete removed the cgroup index entry" test ! -e "$T/state/cgroups/$cg2.json"
is "$(bpftool -j map dump pinned "$BPF/map/pal_policy" | jq length)" 0 "delete removed the policy entry"
is "$(bpftool -j map dump pinned "$BPF/map/pal_nets" | jq length)" 0 "delete removed the CIDR entries"

# ------------------------------------------------------------ audit mode, no rule, host
probe_bundle "$T/b3" "$ACTIONS"
spec_edit "$T/b3" '.annotations["io.palisade.profile"] = "cg" | .annotations["io.palisade.mode"] = "audit"'
run pal run -b "$T/b3" "a$TAG"
is "$(field raw "$OUT")" ok "audit: raw socket allowed"
is "$(field c4 "$OUT")" ok "audit: connect to 127.0.0.2 allowed"
is "$(field sysctl "$OUT")" ok "audit: sysctl write allowed"
ev=$(events)
is "$(jq -r 'select(.verdict == "audit") | .rule' <<<"$ev" | sort -u | tr '\n' ' ')" \
	"connect rawSockets sysctlWrite " "audit: each action reported with verdict audit"
is "$(jq -r 'select(.verdict != "audit")' <<<"$ev")" "" "audit: nothing denied"

probe_bundle "$T/b4" "$ACTIONS"
run pal run -b "$T/b4" "n$TAG"
is "$(field raw "$OUT")|$(field c4 "$OUT")|$(field sysctl "$OUT")" "ok|ok|ok" \
	"no bpf rules: every action succeeds"
ok "no bpf rules: no createRuntime hook" test "$(jq '.hooks.createRuntime // [] | length' "$T/b4/config.json")" = 0
is "$(events)" "" "no bpf rules: no event"
is "$("$PAL_PROBE" syscall socket AF_INET SOCK_RAW 1)|$("$PAL_PROBE" connect udp 127.0.0.2 9)" "ok|ok" \
	"on the host: the same actions succeed"
is "$(events)" "" "on the host: no event"

# ------------------------------------------------------------ LSM required
probe_bundle "$T/b5" "true"
spec_edit "$T/b5" '.annotations["io.palisade.profile"] = "lsmreq"'
cp "$T/b5/config.json" "$T/b5.orig"
run pal run -b "$T/b5" "q$TAG"
isnt "$RC" 0 "a profile requiring BPF LSM is refused on this host"
ok "with one error line" pal_error_line "$ERR"
like "$ERR" 'requires BPF LSM .*mount.*this kernel cannot run it' "the error says what and why" ||
	diag_val stderr "$ERR"
ok "nothing was created" container_absent "q$TAG"
is "$(sha "$T/b5/config.json")" "$(sha "$T/b5.orig")" "the bundle is intact"

# ------------------------------------------------------------ the hook by hand
run_in '{"id": "x", "pid": '$$'}' pal_raw hook create-runtime --root "$T/root"
isnt "$RC" 0 "hook: a container without a record is refused"
probe_bundle "$T/b6" "sleep 1000"
spec_edit "$T/b6" '.annotations["io.palisade.profile"] = "cg"'
pal create -b "$T/b6" "h$TAG" >/dev/null 2>&1
run_in "{\"id\": \"h$TAG\", \"pid\": $$}" pal_raw hook create-runtime --root "$T/root"
isnt "$RC" 0 "hook: a pid in Palisade's own cgroup is refused"
like "$ERR" 'holds Palisade itself' "hook: ... saying so"
run_in 'not json' pal_raw hook create-runtime --root "$T/root"
ok "hook: garbage on stdin is one error line" pal_error_line "$ERR"
force_delete "h$TAG"

# ------------------------------------------------------------ sweep
probe_bundle "$T/b7" "sleep 1000"
spec_edit "$T/b7" '.annotations["io.palisade.profile"] = "cg"'
pal create -b "$T/b7" "s$TAG" >/dev/null 2>&1
cg7=$(cgid "s$TAG")
# deleted by something that does not run the spec's hooks (runc reads
# them from its state at delete): Palisade's poststop never runs
jq 'del(.config.Hooks)' "$T/root/s$TAG/state.json" >"$T/s.json" && mv "$T/s.json" "$T/root/s$TAG/state.json"
force_delete "s$TAG"
ok "deleted without Palisade's poststop hook: pins remain" test -d "$BPF/cg/$cg7"
sleep 0.5 # the kernel frees a removed cgroup asynchronously
probe_bundle "$T/b8" "true"
spec_edit "$T/b8" '.annotations["io.palisade.profile"] = "cg"'
pal run -b "$T/b8" "w$TAG" >/dev/null 2>&1 # any create with BPF policy sweeps
ok "the next create swept the stale registration" test ! -e "$BPF/cg/$cg7"

# ------------------------------------------------------------ no leak
probe_bundle "$T/b9" "true"
spec_edit "$T/b9" '.annotations["io.palisade.profile"] = "cg"'
fails=0
for i in $(seq 200); do
	pal create -b "$T/b9" "l$TAG" >/dev/null 2>&1 && pal delete "l$TAG" >/dev/null 2>&1 ||
		fails=$((fails + 1))
done
is "$fails" 0 "200 create/delete cycles"
is "$(ls "$BPF/cg" | wc -l)|$(bpftool -j map dump pinned "$BPF/map/pal_policy" | jq length)|$(bpftool -j map dump pinned "$BPF/map/pal_cstate" | jq length)|$(bpftool -j map dump pinned "$BPF/map/pal_nets" | jq length)" \
	"0|0|0|0" "after 200 cycles: no pins, policies, counters or CIDR entries left"
is "$(ls "$T/state/cgroups" | wc -l)" 0 "after 200 cycles: no cgroup index entries left"
ok "no containers left" no_containers

done_testing
