#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# `palisade events`: the violations log read back for people, from a
# hand-written log with rotated files: the order of the files, the human
# line (container strings escaped for the terminal), --json, --container by
# id and by namespace/pod, --since as RFC 3339 and as a duration, the file
# from --file and from $PALISADE_VIOLATIONS_LOG, errors, --follow picking up
# appended lines and following two rotations; and runc's own
# `events [--interval] [--stats] ID` still going to the backend.
#
# Needs runc and jq; root only for the pass-through cases (runc's state).
. "${PAL_TESTLIB:-$(dirname "$0")/lib.sh}"

require_runc
require_tools jq timeout date
require_palisade
pal_tmp
write_conf

L=$T/log/violations.log
mkdir -p "$T/log"

# rec TIME ID NS POD COMM PATH: one record as the monitor writes it
rec() {
	jq -cn --arg t "$1" --arg id "$2" --arg ns "$3" --arg pod "$4" --arg comm "$5" --arg p "$6" \
		'{v: 1, time: $t, source: "bpf",
		  container: (if $id == "" then null else
			{id: $id, root: "/run/runc"} + (if $ns == "" then {} else {pod: $pod, namespace: $ns} end) end),
		  cgroup_id: 4242, pid: 17, tid: 17, uid: 0, comm: $comm,
		  hook: "file_open", rule: "files", verdict: "deny", detail: {path: $p}}'
}

now_minus() { date -u -d "@$(($(date +%s) - $1))" +%Y-%m-%dT%H:%M:%S.000000000Z; }

# Oldest in .2, then .1, then the log; the last two are recent.
rec 2026-01-01T00:00:00.000000001Z c1 "" "" sh /etc/shadow >"$L.2"
rec 2026-01-02T00:00:00.000000000Z c2 default web-1 nginx /proc/kcore >>"$L.2"
rec 2026-01-03T00:00:00.000000000Z "" "" "" x /unattributed >"$L.1"
rec "$(now_minus 7200)" c1 "" "" sh /two-hours-ago >"$L"
rec "$(now_minus 600)" c2 default web-1 "$(printf 'e\033[31mvil')" "$(printf '/a b\nc')" >>"$L"

ev() { pal_raw events --file "$L" "$@"; }

# ---------------------------------------------------------------- reading
run ev
is "$RC" 0 "events: exit 0"
is "$(printf '%s\n' "$OUT" | wc -l)" 5 "events: one line per record, rotated files included"
is "$(printf '%s\n' "$OUT" | awk '{print $5}' | sed -n '1p;3p;5p' | tr '\n' ' ')" \
	"file_open file_open file_open " "events: time container verdict rule hook"
is "$(printf '%s\n' "$OUT" | grep -o 'path=[^ ]*' | sed -n 1,4p | tr '\n' ' ')" \
	"path=/etc/shadow path=/proc/kcore path=/unattributed path=/two-hours-ago " \
	"events: oldest rotated file first, the log last"
like "$(printf '%s\n' "$OUT" | sed -n 1p)" \
	'^2026-01-01T00:00:00\.000000001Z c1 deny files file_open path=/etc/shadow comm=sh pid=17 source=bpf$' \
	"events: the human line"
like "$(printf '%s\n' "$OUT" | sed -n 2p)" '^[^ ]+ c2\(default/web-1\) deny ' \
	"events: namespace/pod shown with the id"
like "$(printf '%s\n' "$OUT" | sed -n 3p)" '^[^ ]+ - deny ' "events: unattributed is -"
# the hostile comm and path: escaped, no ESC byte, still one line
like "$(printf '%s\n' "$OUT" | sed -n 5p)" 'path="/a b\\x0ac" comm=e\\x1b\[31mvil ' \
	"events: container strings escaped for the terminal"
is "$(printf '%s' "$OUT" | tr -d -c '\033' | wc -c)" 0 "events: no escape byte reaches the terminal"

run ev --json
is "$OUT" "$(cat "$L.2" "$L.1" "$L")" "--json: the raw lines, in order"

run ev --container c1 --json
is "$(printf '%s\n' "$OUT" | jq -r .detail.path | tr '\n' ' ')" "/etc/shadow /two-hours-ago " \
	"--container ID: that container only"
run ev --container=default/web-1
is "$(printf '%s\n' "$OUT" | wc -l)" 2 "--container=NAMESPACE/POD: by Kubernetes names"
run ev -container nosuch
is "$RC/$OUT" "0/" "--container: nothing for an unknown id"

run ev --since 2026-01-02T00:00:00Z --json
is "$(printf '%s\n' "$OUT" | jq -r .detail.path | head -1)" /proc/kcore "--since RFC 3339: at or after"
is "$(printf '%s\n' "$OUT" | wc -l)" 4 "--since RFC 3339: count"
run ev --since 2026-01-02T01:00:00+01:00 --json
is "$(printf '%s\n' "$OUT" | jq -r .detail.path | head -1)" /proc/kcore "--since: a UTC offset"
run ev --since 1h --json
is "$(printf '%s\n' "$OUT" | jq -r .detail.path)" "$(printf '/a b\nc')" "--since 1h: the last hour only"
run ev --since 1h30m --container c1
is "$OUT" "" "--since 1h30m with --container: both filters"
run ev --since 3h --container c1 --json
is "$(printf '%s\n' "$OUT" | jq -r .detail.path)" /two-hours-ago "--since 3h: a duration"

run env PALISADE_VIOLATIONS_LOG="$L" "$PALISADE" events --container c2
is "$(printf '%s\n' "$OUT" | wc -l)" 2 "\$PALISADE_VIOLATIONS_LOG names the log"

# a line that is not a record is skipped and counted, the rest shown
cp "$L" "$T/bad.log"
echo 'not json' >>"$T/bad.log"
run pal_raw events --file "$T/bad.log"
is "$RC" 0 "a malformed line: still exit 0"
is "$(printf '%s\n' "$OUT" | wc -l)" 2 "a malformed line: the records shown"
like "$ERR" '1 line of .* skipped' "a malformed line: counted on stderr"

# ---------------------------------------------------------------- errors
run ev --since yesterday
is "$RC" 1 "--since garbage: exit 1"
ok "--since garbage: one error line" pal_error_line "$ERR"
like "$ERR" 'neither an RFC 3339 time' "--since garbage: says why"
run ev --since 2026-02-30T00:00:00Z
is "$RC" 1 "--since: a date that does not exist"
run pal_raw events --file "$T/nosuch.log"
is "$RC" 1 "no log: exit 1"
like "$ERR" "no violations log at $T/nosuch.log" "no log: says where it looked"
run ev --follow ID
is "$RC" 1 "Palisade's options with an id: refused"
like "$ERR" "runc's statistics" "Palisade's options with an id: points at runc's form"
run ev --bogus
is "$RC" 1 "an unknown option: exit 1"
run pal_raw events --help
is "$RC" 0 "--help alone: Palisade's usage"
like "$OUT" '^usage: palisade events' "--help alone: the usage text"

# ---------------------------------------------------------------- follow
F=$T/follow/violations.log
mkdir -p "$T/follow"
rec 2026-01-01T00:00:00Z old "" "" sh /before-follow >"$F"
PALISADE_CONFIG=$PALISADE_CONFIG "$PALISADE" events --follow --json --file "$F" \
	>"$T/follow.out" 2>"$T/follow.err" &
FPID=$!
bg_track "$FPID"

# wait_lines N: until follow.out has N lines (3 s at most)
wait_lines() {
	local i
	for ((i = 0; i < 60; i++)); do
		[ "$(wc -l <"$T/follow.out")" -ge "$1" ] && return 0
		sleep 0.05
	done
	return 1
}
sleep 0.3
rec 2026-01-01T00:00:01Z c1 "" "" sh /appended >>"$F"
ok "--follow: an appended line arrives" wait_lines 1
# the last line before a rotation, then the rotation, then a new log
rec 2026-01-01T00:00:02Z c1 "" "" sh /last-before-rotation >>"$F"
mv "$F" "$F.1"
rec 2026-01-01T00:00:03Z c1 "" "" sh /after-rotation >"$F"
ok "--follow: lines across a rotation arrive" wait_lines 3
# two rotations while the reader is stopped: the file in between is read too
kill -STOP "$FPID"
rec 2026-01-01T00:00:04Z c1 "" "" sh /in-between >"$F.new" && mv "$F.1" "$F.2" && mv "$F" "$F.1" &&
	mv "$F.new" "$F"
rec 2026-01-01T00:00:05Z c1 "" "" sh /newest >"$F.new" && mv "$F.2" "$F.3" && mv "$F.1" "$F.2" &&
	mv "$F" "$F.1" && mv "$F.new" "$F"
kill -CONT "$FPID"
ok "--follow: two rotations between two looks" wait_lines 5
# a line written in two parts is shown once it is whole
line=$(rec 2026-01-01T00:00:06Z c1 "" "" sh /written-in-two-parts)
printf '%s' "${line:0:40}" >>"$F"
sleep 0.3
printf '%s\n' "${line:40}" >>"$F"
ok "--follow: a line written in two parts" wait_lines 6
kill "$FPID" 2>/dev/null
wait "$FPID" 2>/dev/null
is "$(jq -r .detail.path <"$T/follow.out" | tr '\n' ' ')" \
	"/appended /last-before-rotation /after-rotation /in-between /newest /written-in-two-parts " \
	"--follow: every new line once, in order, not the old ones"
is "$(cat "$T/follow.err")" "" "--follow: nothing on stderr"

# --follow --since: the history first
rec 2026-01-01T00:00:07Z c1 "" "" sh /history >>"$F"
timeout 1 "$PALISADE" events --follow --since 2026-01-01T00:00:05Z --json --file "$F" \
	>"$T/since.out" 2>/dev/null
is "$(jq -r .detail.path <"$T/since.out" | tr '\n' ' ')" "/newest /written-in-two-parts /history " \
	"--follow --since: the history since T, rotated files included"

# ---------------------------------------------------------------- runc's events
if [ "$(id -u)" -eq 0 ]; then
	run brunc events nosuch
	want_rc=$RC want_err=$(printf '%s' "$ERR" | norm)
	run pal events nosuch
	is "$RC" "$want_rc" "events ID: runc's exit status"
	is "$(printf '%s' "$ERR" | norm)" "$want_err" "events ID: runc's own error for an unknown id"
	like "$ERR" 'container does not exist' "events ID: reached runc"
	run brunc events --stats --interval 1s nosuch
	want_err=$(printf '%s' "$ERR" | norm)
	run pal events --stats --interval 1s nosuch
	is "$(printf '%s' "$ERR" | norm)" "$want_err" "events --stats --interval 1s ID: runc's"
	run pal events nosuch --interval=2s
	like "$ERR" 'container does not exist' "events ID --interval=2s: runc's"
else
	skip_n 5 "runc's events" "needs root"
fi

done_testing
