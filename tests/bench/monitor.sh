#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# How many BPF events a second `palisade monitor` turns into log lines, and
# what is dropped (and counted) at 50k, 100k and 200k events a second.  Not
# a test: it asserts nothing but that the set-up works, and prints a table.
#
# One monitor, and per target rate one busybox container under a profile
# that denies connect() to 127.0.0.2/32 and lets the kernel report up to
# 1,000,000 events a second ("eventsPerSecond", palisade-profile(5)), so
# that what limits is the monitor and the 256 KiB ring buffer, not the
# rate.  In the container `probe flood` makes COUNT connect() calls on one
# UDP socket, each one denied (one cgroup/connect4 event), paced at the
# target rate by busy-waiting.  A last run uses the default rate (100 a
# second) and shows the in-kernel rate limit: the rest is suppressed and
# counted.
#
# Per run:
#   achieved   calls a second the generator achieved (the probe's count)
#   kernel     denials the kernel counted (palisade bpf lookup:
#              counters.hits.connect); every one is enforced, reported or not
#   lines      lines the monitor wrote for the container
#   ringbuf    events lost to a full ring buffer (the monitor's drop lines,
#              reason ringbuf_full: the buffer is shared, the lines name no
#              container; one container floods at a time here)
#   ratelim    events over the container's rate (drop lines, rate_limited)
#   drop%      (ringbuf + ratelim) / kernel
#   miss       kernel - lines - ringbuf - ratelim: 0 when every event is
#              accounted for
#   lines/s    the monitor's throughput: lines over the span of their
#              timestamps.  The timestamps are the events' (kernel) times;
#              the buffer holds about 880 events, so the monitor is never
#              more than that behind and the span is its writing time to
#              within 880 events ("-" for a rate-limited run: its lines
#              come in a burst at the start of each second)
#   monCPU%    the monitor's user+system time over the flood's wall time
#              (100: one CPU)
#   idle%      the host's idle (and iowait) time, all CPUs (200: two idle)
#   steal%     time the hypervisor gave the host's CPUs to others
#   MB/s       bytes the log grew by over the flood's wall time
#   VmHWM      the monitor's peak resident set after the run (cumulative)
#
#   PALISADE=/path/to/palisade PAL_PROBE=/path/to/probe [RUNC=/usr/sbin/runc] \
#   [BENCH_RATES="50000 100000 200000"] [BENCH_SECONDS=3] [BENCH_DEFAULT_RATE=50000] \
#   [BENCH_LOG_DIR=tmpfs] [BENCH_PIN=1] \
#   tests/bench/monitor.sh
# (`make bench-monitor` sets PALISADE and PAL_PROBE.)
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../integration/lib.sh
. "${PAL_TESTLIB:-$HERE/../integration/lib.sh}"

die() {
	echo "bench: $*" >&2
	exit 1
}

RATES=${BENCH_RATES:-50000 100000 200000}
SECS=${BENCH_SECONDS:-3}
DRATE=${BENCH_DEFAULT_RATE:-50000}
for n in $RATES $SECS $DRATE; do
	case $n in '' | *[!0-9]* | 0) die "BENCH_RATES, BENCH_SECONDS, BENCH_DEFAULT_RATE: positive integers" ;; esac
done
[ "$(id -u)" -eq 0 ] || die "needs root"
[ -x "$RUNC" ] || die "runc not found at $RUNC"
[ -x "$PALISADE" ] || die "PALISADE=$PALISADE is not executable (make first)"
: "${PAL_PROBE:=$(dirname "$PALISADE")/tests/probe/probe}"
[ -x "$PAL_PROBE" ] || die "no probe at $PAL_PROBE (make tests/probe/probe)"
: "${BUSYBOX:=$(command -v busybox 2>/dev/null || true)}"
[ -n "$BUSYBOX" ] || die "busybox not found (apt-get install busybox-static)"
export BUSYBOX
command -v jq >/dev/null || die "jq not found"

# $T with its EXIT trap (lib.sh): containers deleted, background processes
# (the monitor) killed, the private bpffs and everything under $T unmounted
# and removed
pal_tmp
[ "$(stat -f -c %T "$T/bpffs")" = bpf_fs ] || die "cannot mount a bpffs at $T/bpffs"
write_conf
# BENCH_LOG_DIR=tmpfs: the log in a tmpfs mounted under $T, to tell the
# monitor's own cost from the disk's (at 200k lines a second the monitor
# writes over 100 MB a second)
LOG=$T/violations.log
if [ "${BENCH_LOG_DIR:-}" = tmpfs ]; then
	mkdir -p "$T/logfs" && mount -t tmpfs -o size=4g tmpfs "$T/logfs" || die "cannot mount a tmpfs"
	LOG=$T/logfs/violations.log
fi
# no rotation during a run: one file holds every line
jq --arg l "$LOG" '.monitor.log = $l | .monitor.log_max_bytes = 17179869184' "$T/palisade.json" >"$T/p.json" &&
	mv "$T/p.json" "$T/palisade.json" || die "jq failed"
for p in flood:1000000 dflt:; do
	jq -n --arg r "${p#*:}" '{description: "bench: connect to 127.0.0.2 denied",
		bpf: ({lsm: "optional", connect: {action: "deny", denyCidrs: ["127.0.0.2/32"]}}
		      + if $r == "" then {} else {eventsPerSecond: ($r | tonumber)} end)}' \
		>"$T/profiles/${p%%:*}.json" || die "jq failed"
done

PALISADE_CONFIG=$PALISADE_CONFIG "$PALISADE" monitor 2>>"$T/monitor.err" &
MON=$!
bg_track "$MON"
for _ in $(seq 100); do
	[ "$(cat "$T/state/monitor.pid" 2>/dev/null)" = "$MON" ] && break
	sleep 0.05
done
[ "$(cat "$T/state/monitor.pid" 2>/dev/null)" = "$MON" ] ||
	die "the monitor did not start: $(cat "$T/monitor.err")"
# BENCH_PIN (default 1 with two CPUs or more): the monitor on the last CPU,
# the generator on CPU 0.  Unpinned, the scheduler sometimes leaves the
# monitor on the busy-waiting generator's CPU, where it gets half of it,
# and the drop rate at 200k/s varies from 0 to 50% between runs.
PIN=${BENCH_PIN:-1}
[ "$(nproc)" -ge 2 ] || PIN=0
if [ "$PIN" = 1 ]; then
	command -v taskset >/dev/null || die "taskset not found (util-linux), or BENCH_PIN=0"
	taskset -pc "$(($(nproc) - 1))" "$MON" >/dev/null || die "taskset of the monitor failed"
fi

make_bundle "$T/b" sleep 100000
cp "$PAL_PROBE" "$T/b/rootfs/bin/probe"
cp "$T/b/config.json" "$T/pristine.json"

# The monitor's user+system time in clock ticks.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$MON/stat"; }
# The host's idle (idle + iowait) and stolen ticks, all CPUs.
host_ticks() { awk '$1 == "cpu" { print $5 + $6, $9; exit }' /proc/stat; }
# The largest cumulative total of the drop lines for REASON (and container
# ID, when given) so far.
drop_total() {
	grep -F '"rule":"drops"' "$LOG" 2>/dev/null |
		jq -r --arg r "$1" --arg id "${2:-}" 'select(.rule == "drops" and .detail.reason == $r
		and ($id == "" or .container.id == $id)) | .detail.total' | sort -n | tail -n 1
}
# Wait until the log has not grown for 2.5 s: two ticks of the monitor,
# which writes the drop lines once a second.
log_settle() {
	local last=-1 now stable=0
	while [ "$stable" -lt 25 ]; do
		now=$(stat -c %s "$LOG" 2>/dev/null || echo 0)
		if [ "$now" = "$last" ]; then stable=$((stable + 1)); else stable=0; fi
		last=$now
		sleep 0.1
	done
}
# RFC 3339 with nanoseconds to nanoseconds since the epoch.
ns_of() { date -d "$1" +%s%N; }

: >"$T/rows"
# bench_one LABEL PROFILE RATE: one container, one flood, one row.
bench_one() {
	local label=$1 prof=$2 rate=$3 id cg out achieved hits lines rb0 rb1 rl first last span \
		c0 c1 w0 w1 hwm s0 s1 i0 i1 st0 st1 tck
	id=$label$TAG
	jq --arg p "$prof" '.annotations["io.palisade.profile"] = $p' "$T/pristine.json" \
		>"$T/b/config.json" || die "jq failed"
	pal run -d -b "$T/b" "$id" >"$T/run.out" 2>&1 || die "run $id: $(cat "$T/run.out")"
	cg=$(jq -r .cgroupId "$T/state/containers/"*"/$id.json")
	log_settle
	rb0=$(drop_total ringbuf_full)
	c0=$(cpu_ticks)
	read -r i0 st0 <<<"$(host_ticks)"
	s0=$(stat -c %s "$LOG" 2>/dev/null || echo 0)
	w0=$(date +%s%N)
	# the subshell moves itself to CPU 0: what it starts inherits that
	out=$({ [ "$PIN" = 0 ] || taskset -pc 0 "$BASHPID" >/dev/null; } &&
		pal exec "$id" probe flood udp 127.0.0.2 9 $((rate * SECS)) "$rate" 2>&1) ||
		die "flood in $id: $out"
	sleep 0.2 # the monitor is at most a ring buffer (~880 events) behind
	c1=$(cpu_ticks)
	read -r i1 st1 <<<"$(host_ticks)"
	w1=$(date +%s%N)
	s1=$(stat -c %s "$LOG")
	log_settle
	achieved=$(sed -n 's/.* rate=\([0-9]*\).*/\1/p' <<<"$out")
	[ "$(sed -n 's/.* eperm=\([0-9]*\).*/\1/p' <<<"$out")" = $((rate * SECS)) ] ||
		die "not every call was denied: $out"
	hits=$(pal_raw bpf lookup "$cg" | jq -r .counters.hits.connect)
	# the container's event lines, their times sorted (fixed width: sort
	# as text)
	grep -F "\"id\":\"$id\"" "$LOG" | grep -vF '"rule":"drops"' |
		sed -n 's/.*"time":"\([^"]*\)".*/\1/p' | sort >"$T/times"
	lines=$(wc -l <"$T/times")
	first=$(head -n 1 "$T/times")
	last=$(tail -n 1 "$T/times")
	span=0
	[ "$lines" -gt 1 ] && span=$(($(ns_of "$last") - $(ns_of "$first")))
	rb1=$(drop_total ringbuf_full)
	rl=$(drop_total rate_limited "$id")
	tck=$(getconf CLK_TCK)
	hwm=$(sed -n 's/^VmHWM:[[:space:]]*//p' "/proc/$MON/status")
	pal delete --force "$id" >/dev/null 2>&1 || die "delete $id failed"
	echo "$label $rate $achieved $hits $lines $((${rb1:-0} - ${rb0:-0})) ${rl:-0} $span" \
		"$(((c1 - c0) * 100000000000 / tck / (w1 - w0)))" \
		"$(((i1 - i0) * 100000000000 / tck / (w1 - w0)))" \
		"$(((st1 - st0) * 100000000000 / tck / (w1 - w0)))" \
		"$(((s1 - s0) * 1000 / (w1 - w0)))" "$hwm" >>"$T/rows"
}

for r in $RATES; do
	bench_one "r$r-" flood "$r"
done
bench_one dflt- dflt "$DRATE"

kill -0 "$MON" 2>/dev/null || die "the monitor died: $(cat "$T/monitor.err")"
kill -TERM "$MON"
wait "$MON" || die "the monitor exited with $? on SIGTERM: $(cat "$T/monitor.err")"
echo "palisade monitor: BPF events to log lines; ${SECS}s of denied connect() per run, one container"
echo "palisade: $PALISADE ($("$PALISADE" --version 2>/dev/null | head -n 1)), $(nproc) CPUs, $(uname -r)"
echo "ring buffer 256 KiB; profile eventsPerSecond 1000000, last row the default (100)"
echo "pinned: $([ "$PIN" = 1 ] && echo "monitor CPU $(($(nproc) - 1)), generator CPU 0" || echo no)"
echo "log: $LOG ($(stat -f -c %T "$(dirname "$LOG")"))"
printf '%-7s %8s %9s %9s %9s %9s %9s %6s %5s %9s %7s %5s %6s %5s %9s\n' "profile" "target/s" \
	"achieved" "kernel" "lines" "ringbuf" "ratelim" "drop%" "miss" "lines/s" "monCPU%" "idle%" \
	"steal%" "MB/s" "VmHWM"
while read -r label rate achieved hits lines rb rl span cpu idle steal mbs hwm; do
	printf '%-7s %8s %9s %9s %9s %9s %9s %6s %5s %9s %7s %5s %6s %5s %9s\n' \
		"$([ "$label" = dflt- ] && echo 100/s || echo 1M/s)" "$rate" "$achieved" "$hits" \
		"$lines" "$rb" "$rl" \
		"$(awk -v d=$((rb + rl)) -v h="$hits" 'BEGIN { printf "%.1f", h ? 100 * d / h : 0 }')" \
		"$((hits - lines - rb - rl))" \
		"$([ "$rl" -gt 0 ] && echo - ||
			awk -v l="$lines" -v s="$span" 'BEGIN { printf "%.0f", s ? (l - 1) * 1e9 / s : 0 }')" \
		"$cpu" "$idle" "$steal" "$mbs" "$hwm"
done <"$T/rows"
[ -s "$T/monitor.err" ] && { echo "monitor stderr:"; sed 's/^/  /' "$T/monitor.err"; }
exit 0
