# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=sh disable=SC2016
#
# The monitor under real BPF LSM: a denied LSM operation (an open of a
# protected path, decided at file_open) becomes exactly one JSON line in
# the violations log naming the container, within a second, and the
# metrics file counts it; `palisade events --container` shows it.  The
# other cases read the ring buffer themselves, so the monitor runs only
# here, with its own configuration, and is stopped at the end.

W=$PALVM_WORK/monitor
mkdir -p "$W"
MCONF=$W/palisade.json
LOG=$W/violations.log
PROM=$W/metrics.prom
jq --arg l "$LOG" --arg m "$PROM" '.monitor = {autostart: "off", log: $l, metrics: $m}' \
	"$PALISADE_CONFIG" >"$MCONF"

printf '{"description": "VM test: monitor", "bpf": {"lsm": "required",
  "files": {"action": "deny", "deny": ["/secret"]}}}\n' >/palvm/profiles/mon.json

PALISADE_CONFIG=$MCONF palisade monitor 2>"$W/monitor.err" &
MON=$!
for _ in $(seq 100); do
	[ "$(cat /run/palisade/monitor.pid 2>/dev/null)" = "$MON" ] && break
	sleep 0.1
done
is "$(cat /run/palisade/monitor.pid 2>/dev/null)" "$MON" "monitor: started"

make_bundle "$W/b" sh -c 'probe open /secret; probe open /other' >&2
touch "$W/b/rootfs/secret" "$W/b/rootfs/other"
cp /usr/bin/probe "$W/b/rootfs/bin/probe"
spec_edit "$W/b" '.annotations["io.palisade.profile"] = "mon"'
out=$(PALISADE_CONFIG=$MCONF timeout -s KILL 120 palisade --root "$PROOT" run -b "$W/b" mon1)
like "$out" "errno=1 EPERM" "monitor: the container's open of /secret is denied"
n=0
for _ in $(seq 20); do
	n=$(jq -c 'select(.container.id == "mon1")' "$LOG" 2>/dev/null | wc -l)
	[ "$n" -ge 1 ] && break
	sleep 0.05
done
line=$(jq -c 'select(.container.id == "mon1")' "$LOG" 2>/dev/null)
is "$(printf '%s\n' "$line" | grep -c .)" 1 "monitor: exactly one line for the one denial"
# latency: when the line was written (the log's mtime; busybox gives
# whole seconds) against the event's own time
ev_s=$(printf '%s' "$line" | jq -r '.time[0:19] + "Z" | fromdateiso8601')
ok "monitor: written within a second of the event (event $ev_s, log $(stat -c %Y "$LOG"))" \
	test $(($(stat -c %Y "$LOG") - ev_s)) -le 1
is "$(printf '%s' "$line" | jq -r '"\(.source) \(.hook) \(.rule) \(.verdict) \(.detail.path) \(.container.profile)"')" \
	"bpf file_open files deny /secret mon" "monitor: the line names hook, rule, verdict, path and profile"
for _ in $(seq 30); do grep -q 'container="mon1"' "$PROM" 2>/dev/null && break; sleep 0.1; done
is "$(grep 'container="mon1"' "$PROM" 2>/dev/null | awk '{ s += $NF } END { print s + 0 }')" 1 \
	"monitor: the metrics file counts it"
is "$(PALISADE_CONFIG=$MCONF palisade events --file "$LOG" --container mon1 --json | jq -r .detail.path)" \
	"/secret" "monitor: palisade events --container shows it"
is "$(PALISADE_CONFIG=$MCONF palisade events --file "$LOG" --container nobody --json | wc -l)" 0 \
	"monitor: ... and filters out other containers"

kill -TERM "$MON"
wait "$MON"
is "$?" 0 "monitor: SIGTERM stops it"
