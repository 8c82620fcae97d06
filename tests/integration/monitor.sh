#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# `palisade monitor` with real runc containers: one monitor per host (the
# lock), capabilities dropped to CAP_BPF, a denied cgroup-BPF operation
# becomes exactly one JSON line naming the container within a second, the
# metrics file counts what the log holds, a burst is rate-limited in the
# kernel and every event is accounted for (logged, or counted as dropped)
# across a kill -9 and restart of the monitor, and `create` starts a
# monitor when none runs (monitor.autostart) or refuses.
. "${PAL_TESTLIB:-$(dirname "$0")/lib.sh}"

pal_require_all
: "${PAL_PROBE:=$(dirname "$PALISADE")/tests/probe/probe}"
[ -x "$PAL_PROBE" ] || skip_all "probe not built at $PAL_PROBE (make check builds it)"
pal_tmp
# lib.sh mounted a private bpffs at $T/bpffs
[ "$(stat -f -c %T "$T/bpffs")" = bpf_fs ] || skip_all "cannot mount a bpffs"
write_conf
LOG=$T/violations.log
PROM=$T/metrics.prom

cat >"$T/profiles/cg.json" <<'EOF'
{
	"description": "test: cgroup-BPF rules only",
	"bpf": {
		"lsm": "optional",
		"rawSockets": "deny",
		"connect": {"action": "deny", "denyCidrs": ["127.0.0.2/32"]}
	}
}
EOF

# probe_bundle DIR SCRIPT: root container with CAP_NET_RAW, the probe in it
probe_bundle() {
	make_bundle "$1" sh -c "$2"
	cp "$PAL_PROBE" "$1/rootfs/bin/probe"
	spec_edit "$1" '.process.capabilities |= with_entries(.value += ["CAP_NET_RAW"] | .value |= unique)
		| .annotations["io.palisade.profile"] = "cg"'
}

# lines ID: the log's lines naming container ID
lines() { jq -c --arg id "$1" 'select(.container.id == $id)' "$LOG" 2>/dev/null; }

ok "the monitor starts" start_monitor
run pal_raw monitor
is "$RC" 1 "a second monitor is refused"
like "$ERR" 'a palisade monitor already runs \(pid '"$MON" "... naming the one that runs"
is "$(sed -n 's/^CapEff:\t//p' "/proc/$MON/status")" 0000008000000000 \
	"the monitor keeps only CAP_BPF once set up"
is "$(sed -n 's/^CapBnd:\t//p' "/proc/$MON/status")" 0000008000000000 \
	"... in its bounding set too"

# ------------------------------------------------------------ one line per denial
probe_bundle "$T/b1" 'probe syscall socket AF_INET SOCK_RAW 1; probe connect udp 127.0.0.2 9; probe connect udp 127.0.0.3 9'
run pal run -b "$T/b1" "m$TAG"
like "$OUT" "errno=1 EPERM" "the container was denied" || diag_val stderr "$ERR"
for _ in $(seq 40); do [ "$(lines "m$TAG" | wc -l)" -ge 2 ] && break; sleep 0.05; done
got=$(lines "m$TAG")
is "$(wc -l <<<"$got" | tr -d ' ')" 2 "exactly one line per denial (raw socket, connect)" ||
	diag_val log "$(cat "$LOG" 2>/dev/null)"
# latency: when the last line was written (the log's mtime) against the
# event's own time
ev_ns=$(jq -r .time <<<"$got" | tail -n 1 | xargs -I{} date -d {} +%s%N)
lat_ms=$((($(stat -c %.9Y "$LOG" | tr -d .) - ev_ns) / 1000000))
ok "written within a second of the event (${lat_ms} ms)" test "$lat_ms" -lt 1000
is "$(jq -r '"\(.v) \(.source) \(.container.bundle) \(.container.profile) \(.container.mode)"' <<<"$got" | sort -u)" \
	"1 bpf $T/b1 cg enforce" "lines name the container, its bundle, profile and mode"
is "$(jq -r '"\(.hook)/\(.rule)/\(.verdict)"' <<<"$got" | sort | tr '\n' ' ')" \
	"cgroup/connect4/connect/deny cgroup/sock_create/rawSockets/deny " "... the hook, rule and verdict"
is "$(jq -r 'select(.rule == "connect") | "\(.detail.address):\(.detail.port) \(.comm)"' <<<"$got")" \
	"127.0.0.2:9 probe" "... and the detail: address, port, comm"
like "$(jq -r .time <<<"$got" | head -n 1)" '^20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]{9}Z$' \
	"time is RFC 3339 UTC with nanoseconds"
for _ in $(seq 30); do grep -q "m$TAG" "$PROM" 2>/dev/null && break; sleep 0.1; done
is "$(grep "container=\"m$TAG\"" "$PROM" | grep -c 'verdict="deny"')|$(grep "container=\"m$TAG\"" "$PROM" | awk '{ s += $NF } END { print s }')" \
	"2|2" "the metrics file counts what the log holds"

# ------------------------------------------------------------ Kubernetes names
# as containerd's CRI writes them into the spec; CRI-O's keys are the others
probe_bundle "$T/b5" 'probe connect udp 127.0.0.2 9'
spec_edit "$T/b5" '.annotations += {"io.kubernetes.cri.sandbox-name": "web-1",
	"io.kubernetes.cri.sandbox-namespace": "shop", "io.kubernetes.cri.container-name": "nginx"}'
pal run -b "$T/b5" "p$TAG" >/dev/null 2>&1
for _ in $(seq 40); do [ -n "$(lines "p$TAG")" ] && break; sleep 0.05; done
is "$(lines "p$TAG" | jq -r '"\(.container.namespace)/\(.container.pod)/\(.container.name)"')" \
	"shop/web-1/nginx" "lines carry the pod, namespace and container names from the spec"
like "$(grep "container=\"p$TAG\"" "$PROM" 2>/dev/null; sleep 1.2; grep "container=\"p$TAG\"" "$PROM")" \
	'namespace="shop".*pod="web-1"|pod="web-1".*namespace="shop"' "... and so do the metrics"

# ------------------------------------------------------------ burst, kill -9, restart
# 400 denied connects in a tight loop: the kernel sends 100 a second and
# counts the rest; the monitor is killed in the middle and restarted.
probe_bundle "$T/b2" 'i=0; while [ $i -lt 400 ]; do probe connect udp 127.0.0.2 9 >/dev/null; i=$((i+1)); done; echo burst-done; sleep 1000'
pal create -b "$T/b2" "k$TAG" >"$T/b2.out" 2>&1 &&
	pal start "k$TAG"
sleep 0.3
kill -9 "$MON"
wait "$MON" 2>/dev/null
ok "restarted after kill -9" start_monitor
for _ in $(seq 200); do grep -q burst-done "$T/b2.out" && break; sleep 0.1; done
ok "the burst did not block the container" grep -q burst-done "$T/b2.out"
sleep 2.5 # two ticks: the counters are read once a second
cg=$(jq -r .cgroupId "$T/state/containers/"*"/k$TAG.json")
hits=$(pal_raw bpf lookup "$cg" | jq -r '.counters.hits.connect')
denials=$(lines "k$TAG" | jq -c 'select(.verdict == "deny")' | wc -l)
suppressed=$(lines "k$TAG" | jq -r 'select(.rule == "drops") | .detail.total' | sort -n | tail -n 1)
ring=$(jq -r 'select(.rule == "drops" and .detail.reason == "ringbuf_full") | .detail.total' "$LOG" | sort -n | tail -n 1)
is "$hits" 400 "the kernel counted 400 denied connects"
is "$((denials + ${suppressed:-0} + ${ring:-0}))" "$hits" \
	"every one is a log line or counted as dropped ($denials lines, ${suppressed:-0} rate-limited, ${ring:-0} ring buffer)"
ok "most were rate-limited, not logged" test "$denials" -lt 300
is "$(lines "k$TAG" | jq -r 'select(.verdict == "deny") | .time' | sort | uniq -d)" "" \
	"no line was written twice across the restart"
pal delete --force "k$TAG"
is "$(lines "k$TAG" | jq -r 'select(.rule == "drops" and .detail.final) | .detail.total')" \
	"${suppressed:-0}" "delete writes the final rate-limited total (the poststop hook)"

# ------------------------------------------------------------ 100,000 at once
# As fast as the container can: it is not blocked (the kernel answers
# EPERM whatever the monitor does), the monitor's memory stays bounded.
hwm0=$(sed -n 's/^VmHWM:[^0-9]*\([0-9]*\).*/\1/p' "/proc/$MON/status")
probe_bundle "$T/b4" 'probe flood udp 127.0.0.2 9 100000 0'
run timeout 60 "$PALISADE" --root "$T/root" run -b "$T/b4" "f$TAG"
like "$OUT" "flood calls=100000 eperm=100000 other=0" \
	"a burst of 100,000 denied connects runs to its end, every one denied" || diag_val err "$ERR"
sleep 1.2
hwm1=$(sed -n 's/^VmHWM:[^0-9]*\([0-9]*\).*/\1/p' "/proc/$MON/status")
ok "the monitor's peak memory grew by less than 4 MiB (${hwm0} kB -> ${hwm1} kB)" \
	test $((hwm1 - hwm0)) -lt 4096
fin=$(lines "f$TAG" | jq -r 'select(.rule == "drops" and .detail.final) | .detail.total')
den=$(lines "f$TAG" | jq -c 'select(.verdict == "deny")' | wc -l)
is "$((den + ${fin:-0}))" 100000 "all 100,000 accounted for: $den lines, ${fin:-0} rate-limited (final total)"

# ------------------------------------------------------------ SIGTERM
kill -TERM "$MON"
wait "$MON"
is "$?" 0 "SIGTERM stops the monitor cleanly"
ok "its pid file is gone" test ! -e "$T/state/monitor.pid"

# ------------------------------------------------------------ autostart
jq '.monitor.autostart = "refuse"' "$T/palisade.json" >"$T/p.json" && mv "$T/p.json" "$T/palisade.json"
make_bundle "$T/b3" true
run pal run -b "$T/b3" "r$TAG"
isnt "$RC" 0 "autostart \"refuse\": create is refused when no monitor runs"
like "$ERR" 'no palisade monitor runs' "... saying so"
ok "... and nothing was created" container_absent "r$TAG"
jq '.monitor.autostart = "start"' "$T/palisade.json" >"$T/p.json" && mv "$T/p.json" "$T/palisade.json"
run pal run -b "$T/b3" "s$TAG"
is "$RC" 0 "autostart \"start\": create starts a monitor" || diag_val stderr "$ERR"
for _ in $(seq 100); do [ -s "$T/state/monitor.pid" ] && break; sleep 0.05; done
mp=$(cat "$T/state/monitor.pid" 2>/dev/null)
ok "a monitor runs (pid ${mp:-none})" kill -0 "${mp:-0}"
[ -n "$mp" ] && bg_track "$mp"
ok "in a session of its own, not the caller's" \
	test "$(ps -o sid= -p "${mp:-0}" | tr -d ' ')" != "$(ps -o sid= -p $$ | tr -d ' ')"
run pal run -b "$T/b3" "s2$TAG"
is "$(cat "$T/state/monitor.pid" 2>/dev/null)" "$mp" "a second create leaves the running monitor alone"
kill -TERM "$mp" 2>/dev/null

done_testing
