#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Every runc command that can run here goes through Palisade unchanged:
# same stdout, same exit code (and, for errors, the same stderr) as bare runc,
# either on the very same container or on an equivalent one.
. "${PAL_TESTLIB:-$(dirname "$0")/lib.sh}"

pal_require_all
pal_tmp
write_conf

P=p$TAG # Palisade's containers
R=r$TAG # runc's containers (same length: table columns line up)

# same_as_runc DESC PAL-ARGS... -- RUNC-ARGS...: stdout, stderr (normalised:
# log times, $T, and the ids given in NORM_IDS as "from to" pairs) and exit
# code equal.  Three assertions.
NORM_IDS=()
same_as_runc() {
	local desc=$1
	shift
	local pargs=() rargs=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		pargs+=("$1")
		shift
	done
	shift
	rargs=("$@")
	run pal "${pargs[@]}"
	local prc=$RC pout=$OUT perr=$ERR
	run brunc "${rargs[@]}"
	is "$prc" "$RC" "$desc: exit code equal to runc's ($RC)"
	is "$(printf '%s' "$pout" | norm "${NORM_IDS[@]}")" \
		"$(printf '%s' "$OUT" | norm "${NORM_IDS[@]}")" "$desc: stdout equal to runc's"
	is "$(printf '%s' "$perr" | norm "${NORM_IDS[@]}")" \
		"$(printf '%s' "$ERR" | norm "${NORM_IDS[@]}")" "$desc: stderr equal to runc's"
}

# runc_msg ERR: the msg="..." of runc's last log line, unescaped, without a
# leading "/path/to/runc: ".
runc_msg() {
	printf '%s\n' "$1" | sed -n 's/.*level=error msg="\(.*\)"$/\1/p' | tail -n 1 |
		sed -e 's/\\"/"/g' -e 's|^/[^ :]*: ||'
}

# pal_or_runc_error PAL-ARGS... -- RUNC-ARGS...: three assertions.
pal_or_runc_error() {
	local pargs=() rargs=() desc
	while [ "$1" != -- ]; do
		pargs+=("$1")
		shift
	done
	shift
	rargs=("$@")
	desc=$(printf '%s ' "${rargs[@]}" | sed -e "s/$R-u1/ID/g" -e 's/ $//')
	run pal "${pargs[@]}"
	local prc=$RC pout=$OUT perr=$ERR
	run brunc "${rargs[@]}"
	local rmsg
	rmsg=$(runc_msg "$ERR")
	is "$prc" "$RC" "${desc}: exit code equal to runc's ($RC)"
	if [ "$(printf '%s' "$perr" | norm "$P-u1" ID)" = "$(printf '%s' "$ERR" | norm "$R-u1" ID)" ]; then
		tap_result 0 "${desc}: stderr equal to runc's (passed through)"
		is "$pout" "$OUT" "${desc}: stdout equal to runc's"
	else
		ok "${desc}: refused by palisade: one line with runc's message [$rmsg]" \
			eval '[ -n "$rmsg" ] && pal_error_line "$perr" && [[ $perr == *"$rmsg"* ]]' ||
			diag_val "palisade stderr" "$perr"
		is "$pout" "" "${desc}: refused by palisade: nothing on stdout"
	fi
}

# ------------------------------------------------------------- --version

run pal_raw --version
is "$RC" 0 "--version exits 0"
is "$(printf '%s\n' "$OUT" | sed -n 1p)" "palisade version 0.1.0" "--version: first line is palisade's version"
rver=$("$RUNC" --version)
is "$(printf '%s\n' "$OUT" | sed 1d)" "$rver" "--version: then runc's own version output, unchanged"
run pal_raw -v
is "$(printf '%s\n' "$OUT" | sed -n 1p)" "palisade version 0.1.0" "-v: first line is palisade's version"
run pal --version
is "$(printf '%s\n' "$OUT" | sed -n 1p)" "palisade version 0.1.0" "--root R --version: first line is palisade's version"

# ------------------------------------------------------------- help

for args in "--help" "-h" "help" "help create" "create --help" "exec --help" "help frobnicate"; do
	# shellcheck disable=SC2086
	same_as_runc "$args" $args -- $args
done

# `create --help` in a bundle's directory must not touch the bundle.
make_bundle "$T/bh"
h_sha=$(sha "$T/bh/config.json") h_ino=$(inode "$T/bh/config.json")
(cd "$T/bh" && run pal create --help && [ "$RC" -eq 0 ])
ok "create --help in a bundle directory exits 0" test $? -eq 0
is "$(sha "$T/bh/config.json") $(inode "$T/bh/config.json")" "$h_sha $h_ino" \
	"create --help leaves config.json alone (sha256, inode)"
(cd "$T/bh" && pal run "$P-help" --help >/dev/null 2>&1)
is "$(sha "$T/bh/config.json")" "$h_sha" "run ID --help leaves config.json alone"
ok "create --help / run --help created nothing" no_containers

# ------------------------------------------------------------- spec

for variant in "" "--rootless"; do
	mkdir -p "$T/spec_p$variant" "$T/spec_r$variant"
	# shellcheck disable=SC2086
	(cd "$T/spec_p$variant" && pal_raw spec $variant) 2>"$T/spec.err"
	prc=$?
	# shellcheck disable=SC2086
	(cd "$T/spec_r$variant" && "$RUNC" spec $variant)
	is "$prc" 0 "spec $variant exits 0"
	ok "spec $variant: config.json byte-identical to runc's" \
		cmp "$T/spec_p$variant/config.json" "$T/spec_r$variant/config.json"
done
mkdir -p "$T/spec_b"
run pal_raw spec -b "$T/spec_b"
ok "spec -b DIR writes DIR/config.json identical to runc's" \
	cmp "$T/spec_b/config.json" "$T/spec_r/config.json"
# A second spec refuses to overwrite, as runc does.
same_as_runc "spec over an existing config.json" spec -b "$T/spec_b" -- spec -b "$T/spec_b"

# ------------------------------------------------------------- features

run pal features
is "$RC" 0 "features exits 0"
"$RUNC" features >"$T/features.runc"
printf '%s' "$OUT" >"$T/features.pal"
ok "features prints valid JSON" jq -e . "$T/features.pal"
# Every leaf runc printed is there with the same value; arrays keep length.
ok "features: everything runc printed is there with the same value" \
	jq -e -n --slurpfile a "$T/features.runc" --slurpfile b "$T/features.pal" '
	  $a[0] as $A | $b[0] as $B
	  | [ $A | paths(scalars or . == null) ] as $ps
	  | [ $A | paths(type == "array") ] as $arrs
	  | all($ps[]; . as $p | ($B | getpath($p)) == ($A | getpath($p)))
	    and all($arrs[]; . as $p | ($B | getpath($p) | length) == ($A | getpath($p) | length))'
ok "features: potentiallyUnsafeConfigAnnotations contains \"io.palisade.\"" \
	jq -e '.potentiallyUnsafeConfigAnnotations | index("io.palisade.") != null' "$T/features.pal"
ok "features: runc's potentiallyUnsafeConfigAnnotations (if any) kept" \
	jq -e -n --slurpfile a "$T/features.runc" --slurpfile b "$T/features.pal" '
	  ($a[0].potentiallyUnsafeConfigAnnotations // []) - ($b[0].potentiallyUnsafeConfigAnnotations // []) == []'
is "$(jq -r '.annotations["io.palisade.version"]' "$T/features.pal")" "0.1.0" \
	"features: annotations[\"io.palisade.version\"] is 0.1.0"
is "$(jq -c 'del(.potentiallyUnsafeConfigAnnotations) | del(.annotations["io.palisade.version"])' "$T/features.pal")" \
	"$(jq -c 'del(.potentiallyUnsafeConfigAnnotations)' "$T/features.runc")" \
	"features: nothing else added or changed"

# ------------------------------------------------------------- containers

make_bundle "$T/bp"
make_bundle "$T/br"
run pal create -b "$T/bp" "$P-c1"
is "$RC" 0 "create through palisade" || diag_val stderr "$ERR"
run brunc create -b "$T/br" "$R-c1"
is "$RC" 0 "create with bare runc (control)" || diag_val stderr "$ERR"

# Same root, same containers: output must be identical, no normalisation.
same_as_runc "list" list -- list
same_as_runc "list --format json" list --format json -- list --format json
same_as_runc "list -f json" list -f json -- list -f json
same_as_runc "list -q" list -q -- list -q
is "$(pal list -q 2>/dev/null | sort | tr '\n' ' ')" "$P-c1 $R-c1 " "list -q shows both containers"
same_as_runc "state (palisade's container)" state "$P-c1" -- state "$P-c1"
same_as_runc "state (runc's container)" state "$R-c1" -- state "$R-c1"
is "$(pal state "$P-c1" | jq -r .status)" created "state: palisade's container is created"

run pal start "$P-c1"
is "$RC" 0 "start through palisade"
brunc start "$R-c1"
ok "palisade's container running" wait_status "$P-c1" running
ok "runc's container running" wait_status "$R-c1" running

same_as_runc "ps ID" ps "$P-c1" -- ps "$P-c1"
like "$(pal ps "$P-c1")" "sleep 1000" "ps ID shows the container's process"
same_as_runc "ps --format json ID" ps --format json "$P-c1" -- ps --format json "$P-c1"
is "$(pal ps --format json "$P-c1" | jq -c '.[0]')" "$(brunc state "$P-c1" | jq -c .pid)" \
	"ps --format json lists the init pid"
# Equivalent containers: same shape.
is "$(pal ps --format json "$P-c1" | jq length)" "$(brunc ps --format json "$R-c1" | jq length)" \
	"ps: palisade's and runc's containers have as many processes"
same_as_runc "list (running)" list -- list
same_as_runc "state (running)" state "$P-c1" -- state "$P-c1"

# events --stats: one shot; values move, the shape does not.
run pal events --stats "$P-c1"
is "$RC" 0 "events --stats exits 0"
pev=$OUT
rev=$(brunc events --stats "$R-c1")
is "$(printf '%s' "$pev" | jq -r '.type + " " + .id')" "stats $P-c1" "events --stats: type and id"
is "$(printf '%s' "$pev" | jq -c '.data | keys')" "$(printf '%s' "$rev" | jq -c '.data | keys')" \
	"events --stats: same data keys as runc's"
is "$(printf '%s' "$pev" | jq -c '.data.pids')" "$(printf '%s' "$rev" | jq -c '.data.pids')" \
	"events --stats: same pids stats as runc's equivalent container"
same_as_runc "events --stats on a missing container" events --stats "$P-none" -- events --stats "$P-none"

same_as_runc "state of a missing container" state "$P-none" -- state "$P-none"
same_as_runc "ps of a missing container" ps "$P-none" -- ps "$P-none"

# ------------------------------------------------------------- checkpoint
# criu cannot work on this kernel: compare the failure.
NORM_IDS=("$P-c1" ID "$R-c1" ID)
mkdir -p "$T/ck"
run pal checkpoint --image-path "$T/ck/img" --work-path "$T/ck/work" "$P-c1"
prc=$RC perr=$(printf '%s' "$ERR" | norm "${NORM_IDS[@]}") pout=$OUT
rm -rf "$T/ck/img" "$T/ck/work"
run brunc checkpoint --image-path "$T/ck/img" --work-path "$T/ck/work" "$R-c1"
is "$prc" "$RC" "checkpoint: exit code equal to runc's ($RC)"
is "$perr" "$(printf '%s' "$ERR" | norm "${NORM_IDS[@]}")" "checkpoint: error text equal to runc's"
is "$pout" "$OUT" "checkpoint: stdout equal to runc's"
is "$(state_status "$P-c1")" "$(state_status "$R-c1")" "checkpoint: container left in the same state as runc's"

# ------------------------------------------------------------- kill
# default signal (TERM): a shell that exits on TERM.
make_bundle "$T/bkp" sh -c 'trap "exit 0" TERM; while :; do sleep 0.1; done'
make_bundle "$T/bkr" sh -c 'trap "exit 0" TERM; while :; do sleep 0.1; done'
pal run -d -b "$T/bkp" "$P-k1" >/dev/null 2>&1
brunc run -d -b "$T/bkr" "$R-k1" >/dev/null 2>&1
NORM_IDS=("$P-k1" ID "$R-k1" ID)
same_as_runc "kill ID (default signal)" kill "$P-k1" -- kill "$R-k1"
ok "kill ID: palisade's container stopped" wait_status "$P-k1" stopped
ok "kill ID: runc's container stopped" wait_status "$R-k1" stopped
same_as_runc "kill of a stopped container" kill "$P-k1" KILL -- kill "$R-k1" KILL
same_as_runc "delete" delete "$P-k1" -- delete "$R-k1"
ok "delete: container gone" container_absent "$P-k1"

# kill ID KILL on the first pair.
NORM_IDS=("$P-c1" ID "$R-c1" ID)
same_as_runc "kill ID KILL" kill "$P-c1" KILL -- kill "$R-c1" KILL
ok "kill ID KILL: stopped" wait_status "$P-c1" stopped
same_as_runc "delete of a stopped container" delete "$P-c1" -- delete "$R-c1"

# kill --all: several processes.
make_bundle "$T/bap" sh -c 'sleep 1000 & sleep 1000 & wait'
make_bundle "$T/bar" sh -c 'sleep 1000 & sleep 1000 & wait'
pal run -d -b "$T/bap" "$P-a1" >/dev/null 2>&1
brunc run -d -b "$T/bar" "$R-a1" >/dev/null 2>&1
NORM_IDS=("$P-a1" ID "$R-a1" ID)
sleep 0.2
is "$(pal ps --format json "$P-a1" | jq length)" 3 "kill --all setup: three processes"
same_as_runc "kill --all ID KILL" kill --all "$P-a1" KILL -- kill --all "$R-a1" KILL
ok "kill --all: stopped" wait_status "$P-a1" stopped
same_as_runc "delete --force" delete --force "$P-a1" -- delete --force "$R-a1"
ok "nothing left in the root" no_containers

# ------------------------------------------------------------- unknown things
# In a bundle's directory: nothing must be rewritten or created.
make_bundle "$T/bu"
u_sha=$(sha "$T/bu/config.json") u_ino=$(inode "$T/bu/config.json")
cd "$T/bu" || bail_out "cd"
NORM_IDS=("$P-u1" ID "$R-u1" ID)
same_as_runc "unknown command" frobnicate "$P-u1" -- frobnicate "$R-u1"
same_as_runc "unknown global flag" --frob create "$P-u1" -- --frob create "$R-u1"
# create/run/exec with a vector Palisade cannot read: either passed through
# (runc's output), or refused by Palisade itself (fail closed, src/main.c)
# with runc's exit code and runc's message on one "palisade: " line.
pal_or_runc_error create --frob "$P-u1" -- create --frob "$R-u1"
pal_or_runc_error run "$P-u1" --frob -- run "$R-u1" --frob
pal_or_runc_error create -b -- create -b
pal_or_runc_error exec --frob "$P-u1" true -- exec --frob "$R-u1" true
same_as_runc "start of a missing container" start "$P-u1" -- start "$R-u1"
cd / || bail_out "cd"
is "$(sha "$T/bu/config.json") $(inode "$T/bu/config.json")" "$u_sha $u_ino" \
	"unknown command/flags: config.json not rewritten (sha256, inode)"
ok "unknown command/flags: no container created" no_containers

done_testing
