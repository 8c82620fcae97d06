#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Palisade's overhead over bare runc: create+start+delete, and run, of a
# busybox container running `true`, interleaved (the order alternates every
# iteration), BENCH_N iterations (default 50).  Prints median and p90 in
# milliseconds for each and the ratio palisade/runc.  Not a test.
#
# Palisade runs under BENCH_PROFILE (default "default", the shipped profile:
# a real rewrite with a generated seccomp filter, and BPF policy registered
# by Palisade's createRuntime hook and removed by its poststop hook).  A
# second Palisade arm runs the same profile with every BPF rule off: the
# difference is what BPF costs (hooks, registration).  'runc+spec' is bare
# runc on the spec Palisade wrote, without those hooks (they refuse a
# container Palisade did not create).  Every cycle starts from
# the pristine config.json, as a manager writes a fresh one per container,
# so the rewrite is paid every time; both sides pay the same copy.
#
#   PALISADE=/path/to/palisade [RUNC=/usr/sbin/runc] [BENCH_N=50] \
#   [BENCH_PROFILE=default] tests/bench/bench.sh
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../integration/lib.sh
. "${PAL_TESTLIB:-$HERE/../integration/lib.sh}"

die() {
	echo "bench: $*" >&2
	exit 1
}

N=${BENCH_N:-50}
case $N in '' | *[!0-9]*) die "BENCH_N must be a positive integer" ;; esac
[ "$N" -gt 0 ] || die "BENCH_N must be a positive integer"
[ "$(id -u)" -eq 0 ] || die "needs root"
[ -x "$RUNC" ] || die "runc not found at $RUNC"
[ -x "$PALISADE" ] || die "PALISADE=$PALISADE is not executable (make first)"
: "${BUSYBOX:=$(command -v busybox 2>/dev/null || true)}"
[ -n "$BUSYBOX" ] || die "busybox not found (apt-get install busybox-static)"
export BUSYBOX
command -v jq >/dev/null || die "jq not found"

pal_tmp
PAL_DEFAULT_PROFILE=${BENCH_PROFILE:-default} write_conf
# the same profile, every BPF rule off
jq -n --arg p "${BENCH_PROFILE:-default}" '{extends: $p, bpf: ({lsm: "optional"} +
	(["drift","mount","ptrace","rawSockets","moduleRequest","bpf","setuidRoot","capabilities",
	  "sysctlWrite"] | map({(.): "off"}) | add) +
	(["exec","files","connect"] | map({(.): {action: "off"}}) | add))}' \
	>"$T/profiles/nobpf.json" || die "jq failed"
make_bundle "$T/bp" true
make_bundle "$T/br" true
make_bundle "$T/bs" true
make_bundle "$T/bh" true
cp "$T/bp/config.json" "$T/pristine.json"
jq '.annotations["io.palisade.profile"] = "nobpf"' "$T/pristine.json" >"$T/pristine-nobpf.json" ||
	die "jq failed"
P=p$TAG
R=r$TAG

now_ns() { date +%s%N; }

# No timeout(1) wrapper here: it would add the same fork/exec to both sides.
pal() { PALISADE_CONFIG=$PALISADE_CONFIG "$PALISADE" --root "$T/root" "$@"; }
paln() { PALISADE_CONFIG=$PALISADE_CONFIG "$PALISADE" --root "$T/root" "$@"; }
brunc() { "$RUNC" --root "$T/root" "$@"; }

# One create/start/delete cycle; prints elapsed ns, fails loudly.
cycle_csd() {
	local who=$1 id=$2 b=$3 src=${4:-$T/pristine.json} t0 t1
	t0=$(now_ns)
	cp "$src" "$b/config.json"
	"$who" create -b "$b" "$id" >/dev/null 2>"$T/err" || die "$who create: $(cat "$T/err")"
	"$who" start "$id" >/dev/null 2>"$T/err" || die "$who start: $(cat "$T/err")"
	"$who" delete --force "$id" >/dev/null 2>"$T/err" || die "$who delete: $(cat "$T/err")"
	t1=$(now_ns)
	echo $((t1 - t0))
}

cycle_run() {
	local who=$1 id=$2 b=$3 src=${4:-$T/pristine.json} t0 t1
	t0=$(now_ns)
	cp "$src" "$b/config.json"
	"$who" run -b "$b" "$id" >/dev/null 2>"$T/err" </dev/null || die "$who run: $(cat "$T/err")"
	t1=$(now_ns)
	echo $((t1 - t0))
}

# stats FILE: "median p90" in ms (nearest rank).
stats() {
	sort -n "$1" | awk '{ v[NR] = $1 } END {
		m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		r = int(0.9 * NR); if (r < 0.9 * NR) r++; if (r < 1) r = 1
		printf "%.2f %.2f\n", m / 1e6, v[r] / 1e6 }'
}

# Warm up (page cache), not measured.  The spec Palisade wrote is kept: a
# third arm runs bare runc on it, which separates Palisade's own cost from
# the cost of the policy inside runc (a seccomp filter is compiled by runc).
cycle_csd pal "$P-w" "$T/bp" >/dev/null
jq '(.hooks // {}) |= with_entries(.value |= map(select(.args[1] != "hook")) | select(.value | length > 0))
    | if .hooks == {} then del(.hooks) else . end' "$T/bp/config.json" >"$T/rewritten.json" ||
	die "jq failed"
cycle_csd brunc "$R-w" "$T/br" >/dev/null

S=s$TAG
H=h$TAG
for f in csd.pal csd.runc csd.spec csd.nobpf run.pal run.runc run.spec run.nobpf; do : >"$T/$f"; done
for ((i = 0; i < N; i++)); do
	# rotate the order of the four arms every iteration
	for k in 0 1 2 3; do
		case $(((i + k) % 4)) in
		0)
			cycle_csd pal "$P-$i" "$T/bp" >>"$T/csd.pal"
			cycle_run pal "$P-r$i" "$T/bp" >>"$T/run.pal"
			;;
		1)
			cycle_csd brunc "$R-$i" "$T/br" >>"$T/csd.runc"
			cycle_run brunc "$R-r$i" "$T/br" >>"$T/run.runc"
			;;
		2)
			cycle_csd brunc "$S-$i" "$T/bs" "$T/rewritten.json" >>"$T/csd.spec"
			cycle_run brunc "$S-r$i" "$T/bs" "$T/rewritten.json" >>"$T/run.spec"
			;;
		3)
			cycle_csd paln "$H-$i" "$T/bh" "$T/pristine-nobpf.json" >>"$T/csd.nobpf"
			cycle_run paln "$H-r$i" "$T/bh" "$T/pristine-nobpf.json" >>"$T/run.nobpf"
			;;
		esac
	done
done

echo "palisade (profile ${BENCH_PROFILE:-default}) vs runc, busybox 'true', N=$N interleaved iterations"
echo "palisade: $PALISADE ($("$PALISADE" --version 2>/dev/null | head -n 1))"
echo "runc:     $RUNC ($("$RUNC" --version | head -n 1))"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0) ? a / b : 0 }'; }
echo "medians (p90) in ms; 'no BPF': the same profile with its BPF rules off; 'runc+spec':"
echo "bare runc on the spec Palisade wrote, without Palisade's hooks; 'BPF ms': palisade - no BPF"
printf '%-21s %17s %17s %17s %17s %9s %9s %8s\n' "" "palisade" "no BPF" "runc" "runc+spec" \
	"pal/runc" "pal/spec" "BPF ms"
for what in csd run; do
	read -r pm p9 <<<"$(stats "$T/$what.pal")"
	read -r nm n9 <<<"$(stats "$T/$what.nobpf")"
	read -r rm r9 <<<"$(stats "$T/$what.runc")"
	read -r sm s9 <<<"$(stats "$T/$what.spec")"
	label=$([ "$what" = csd ] && echo "create+start+delete" || echo "run")
	printf '%-21s %8s (%6s) %8s (%6s) %8s (%6s) %8s (%6s) %9s %9s %8s\n' "$label" "$pm" "$p9" \
		"$nm" "$n9" "$rm" "$r9" "$sm" "$s9" "$(ratio "$pm" "$rm")" "$(ratio "$pm" "$sm")" \
		"$(awk -v a="$pm" -v b="$nm" 'BEGIN { printf "%.2f", a - b }')"
done
[ -z "$(ids_in)" ] || die "containers left behind: $(ids_in | tr '\n' ' ')"
