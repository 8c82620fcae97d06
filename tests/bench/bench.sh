#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Palisade's overhead over bare runc: create+start+delete, and run, of a
# busybox container running `true`, interleaved (the order alternates every
# iteration), BENCH_N iterations (default 50).  Prints median and p90 in
# milliseconds for each and the ratio palisade/runc.  Not a test.
#
#   PALISADE=/path/to/palisade [RUNC=/usr/sbin/runc] [BENCH_N=50] tests/bench/bench.sh
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
write_conf
make_bundle "$T/bp" true
make_bundle "$T/br" true
P=p$TAG
R=r$TAG

now_ns() { date +%s%N; }

# No timeout(1) wrapper here: it would add the same fork/exec to both sides.
pal() { PALISADE_CONFIG=$PALISADE_CONFIG "$PALISADE" --root "$T/root" "$@"; }
brunc() { "$RUNC" --root "$T/root" "$@"; }

# One create/start/delete cycle; prints elapsed ns, fails loudly.
cycle_csd() {
	local who=$1 id=$2 b=$3 t0 t1
	t0=$(now_ns)
	"$who" create -b "$b" "$id" >/dev/null 2>"$T/err" || die "$who create: $(cat "$T/err")"
	"$who" start "$id" >/dev/null 2>"$T/err" || die "$who start: $(cat "$T/err")"
	"$who" delete --force "$id" >/dev/null 2>"$T/err" || die "$who delete: $(cat "$T/err")"
	t1=$(now_ns)
	echo $((t1 - t0))
}

cycle_run() {
	local who=$1 id=$2 b=$3 t0 t1
	t0=$(now_ns)
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

# Warm up (first create rewrites config.json; page cache), not measured.
cycle_csd pal "$P-w" "$T/bp" >/dev/null
cycle_csd brunc "$R-w" "$T/br" >/dev/null

: >"$T/csd.pal"
: >"$T/csd.runc"
: >"$T/run.pal"
: >"$T/run.runc"
for ((i = 0; i < N; i++)); do
	if ((i % 2 == 0)); then
		cycle_csd pal "$P-$i" "$T/bp" >>"$T/csd.pal"
		cycle_csd brunc "$R-$i" "$T/br" >>"$T/csd.runc"
		cycle_run pal "$P-r$i" "$T/bp" >>"$T/run.pal"
		cycle_run brunc "$R-r$i" "$T/br" >>"$T/run.runc"
	else
		cycle_csd brunc "$R-$i" "$T/br" >>"$T/csd.runc"
		cycle_csd pal "$P-$i" "$T/bp" >>"$T/csd.pal"
		cycle_run brunc "$R-r$i" "$T/br" >>"$T/run.runc"
		cycle_run pal "$P-r$i" "$T/bp" >>"$T/run.pal"
	fi
done

echo "palisade vs runc, busybox 'true', N=$N interleaved iterations"
echo "palisade: $PALISADE ($("$PALISADE" --version 2>/dev/null | head -n 1))"
echo "runc:     $RUNC ($("$RUNC" --version | head -n 1))"
printf '%-22s %10s %10s %10s %10s %8s %8s\n' "" "pal med" "pal p90" "runc med" "runc p90" "ratio" "ratio90"
for what in csd run; do
	read -r pm p9 <<<"$(stats "$T/$what.pal")"
	read -r rm r9 <<<"$(stats "$T/$what.runc")"
	label=$([ "$what" = csd ] && echo "create+start+delete" || echo "run")
	printf '%-22s %8s ms %7s ms %7s ms %7s ms %8s %8s\n' "$label" "$pm" "$p9" "$rm" "$r9" \
		"$(awk -v a="$pm" -v b="$rm" 'BEGIN { printf "%.2f", (b > 0) ? a / b : 0 }')" \
		"$(awk -v a="$p9" -v b="$r9" 'BEGIN { printf "%.2f", (b > 0) ? a / b : 0 }')"
done
[ -z "$(ids_in)" ] || die "containers left behind: $(ids_in | tr '\n' ' ')"
