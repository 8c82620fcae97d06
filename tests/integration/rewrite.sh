#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The config.json rewrite on create, run and restore: the annotation
# "io.palisade.version": "0.1.0" is added; everything else keeps its meaning;
# unknown fields survive; a second rewrite writes nothing (same bytes, same
# inode); mode and owner are kept; the bundle found is the one runc uses
# (-b, --bundle, =value, after the id, last of several, current directory).
. "${PAL_TESTLIB:-$(dirname "$0")/lib.sh}"

pal_require_all
pal_tmp
write_conf

P=p$TAG
ANN='.annotations["io.palisade.version"]'

# annotated FILE: the annotation is there, "0.1.0".
annotated() {
	[ "$(jq -r "$ANN" "$1" 2>/dev/null)" = "0.1.0" ]
}

# same_meaning ORIG NEW: equal after removing the annotation.
same_meaning() {
	[ "$(spec_meaning "$1")" = "$(spec_meaning "$2")" ] || {
		diff <(spec_meaning "$1") <(spec_meaning "$2") | head -20 >&2
		return 1
	}
}

# ------------------------------------------------------------- create -b
make_bundle "$T/b1"
chmod 0640 "$T/b1/config.json"
chown 1234:2345 "$T/b1/config.json"
cp -p "$T/b1/config.json" "$T/b1.orig"
run pal create -b "$T/b1" "$P-1"
is "$RC" 0 "create -b DIR exits 0" || diag_val stderr "$ERR"
ok "create: config.json is valid JSON" jq -e . "$T/b1/config.json"
is "$(jq -r "$ANN" "$T/b1/config.json")" "0.1.0" "create: annotations[io.palisade.version] is 0.1.0"
ok "create: every other field equal in meaning (jq -S)" same_meaning "$T/b1.orig" "$T/b1/config.json"
is "$(jq -c '.annotations | keys' "$T/b1/config.json")" \
	'["io.palisade.applied.mode","io.palisade.applied.profile","io.palisade.version"]' \
	"create: no other annotation added"
is "$(stat -c %a "$T/b1/config.json")" 640 "create: mode 0640 preserved"
is "$(stat -c %u:%g "$T/b1/config.json")" 1234:2345 "create: owner and group preserved"
is "$(ls -A "$T/b1" | tr '\n' ' ')" "config.json rootfs " "create: no temporary file left in the bundle"
is "$(brunc state "$P-1" | jq -r "$ANN")" "0.1.0" \
	"runc state shows the annotation: the container got the rewritten spec"
is "$(pal state "$P-1" | jq -S -c .annotations)" "$PAL_WRITTEN_VALUES" \
	"palisade state shows exactly Palisade's annotations"
s1=$(sha "$T/b1/config.json") i1=$(inode "$T/b1/config.json") m1=$(stat -c %Y.%y "$T/b1/config.json")
pal delete --force "$P-1" >/dev/null 2>&1
ok "delete: gone" container_absent "$P-1"

# a second create of the same bundle writes nothing.
sleep 1.1 # an mtime change would be visible
run pal create -b "$T/b1" "$P-1b"
is "$RC" 0 "second create of the same bundle exits 0" || diag_val stderr "$ERR"
is "$(sha "$T/b1/config.json")" "$s1" "second create: config.json byte-identical (sha256)"
is "$(inode "$T/b1/config.json")" "$i1" "second create: same inode (not rewritten)"
is "$(stat -c %Y.%y "$T/b1/config.json")" "$m1" "second create: mtime unchanged"
is "$(brunc state "$P-1b" | jq -r "$ANN")" "0.1.0" "second create: container has the annotation"
pal delete --force "$P-1b" >/dev/null 2>&1

# ------------------------------------------------------------- unknown fields
make_bundle "$T/b2"
spec_edit "$T/b2" '
  .annotations = {"org.example.keep": "yes", "empty": ""}
  | ."x-top" = {"nested": [1, "two", {"three": null, "four": true, "five": false}],
                "float": 1.5e300, "neg": -0.25, "zero": 0, "emptyobj": {}, "emptyarr": [],
                "uni": "é ☃ 😀 \u00e9", "esc": "q\"b\\s/\b\f\n\r\t"}
  | .process."x-proc" = {"k": [[], {}, [[{"deep": "yes"}]]]}
  | .linux."x-linux" = "v"
  | .mounts[0]."x-mount" = 42
  | .root."x-root" = [null]'
# Things jq itself cannot carry losslessly: edit the text.
sed -i '0,/"x-top": {/s//"x-top": {\n"big": 9007199254740993, "bigneg": -9223372036854775808, /' \
	"$T/b2/config.json"
jq -e . "$T/b2/config.json" >/dev/null || bail_out "b2/config.json is not JSON after the sed edit"
cp -p "$T/b2/config.json" "$T/b2.orig"
run pal create -b "$T/b2" "$P-2"
is "$RC" 0 "create with unknown fields exits 0" || diag_val stderr "$ERR"
ok "unknown fields: annotation added" annotated "$T/b2/config.json"
ok "unknown fields: everything equal in meaning (jq -S)" same_meaning "$T/b2.orig" "$T/b2/config.json"
is "$(jq -c '."x-top".nested' "$T/b2/config.json")" '[1,"two",{"three":null,"four":true,"five":false}]' \
	"unknown top-level object: nested array/object/null/booleans kept"
is "$(jq -c '.process."x-proc"' "$T/b2/config.json")" '{"k":[[],{},[[{"deep":"yes"}]]]}' \
	"unknown field inside process kept"
is "$(jq -c '.linux."x-linux", .mounts[0]."x-mount", .root."x-root"' "$T/b2/config.json" | tr '\n' ' ')" \
	'"v" 42 [null] ' "unknown fields inside linux, mounts[0], root kept"
is "$(jq -c --argjson w "$PAL_WRITTEN" '.annotations | with_entries(select(.key as $k | $w | index($k) | not))' "$T/b2/config.json")" \
	'{"org.example.keep":"yes","empty":""}' "existing annotations kept"
is "$(jq -r '."x-top".uni' "$T/b2/config.json")" "é ☃ 😀 é" "non-ASCII strings kept"
is "$(jq -c '."x-top".esc' "$T/b2/config.json")" '"q\"b\\s/\b\f\n\r\t"' "escaped characters kept"
ok "integer 9007199254740993 (beyond double precision) kept exactly" \
	grep -q '9007199254740993' "$T/b2/config.json"
ok "integer -9223372036854775808 kept exactly" grep -q -- '-9223372036854775808' "$T/b2/config.json"
is "$(jq -c '."x-top".float' "$T/b2/config.json")" "$(jq -c '."x-top".float' "$T/b2.orig")" "1.5e300 kept"
pal delete --force "$P-2" >/dev/null 2>&1
s2=$(sha "$T/b2/config.json") i2=$(inode "$T/b2/config.json")
run pal create -b "$T/b2" "$P-2b"
is "$(sha "$T/b2/config.json") $(inode "$T/b2/config.json")" "$s2 $i2" \
	"unknown fields: second create writes nothing (sha256, inode)"
pal delete --force "$P-2b" >/dev/null 2>&1

# An escaped NUL ("a\u0000b") is valid JSON: kept exactly, or refused by
# Palisade naming config.json, but never silently truncated.
make_bundle "$T/b2n"
sed -i '0,/"hostname": "runc"/s//"hostname": "runc", "x-nul": "a\\u0000b"/' "$T/b2n/config.json"
jq -e '."x-nul" == "a\u0000b"' "$T/b2n/config.json" >/dev/null || bail_out "b2n setup"
nsha=$(sha "$T/b2n/config.json")
run pal create -b "$T/b2n" "$P-2n"
if [ "$RC" -eq 0 ]; then
	is "$(jq -c '."x-nul"' "$T/b2n/config.json")" '"a\u0000b"' "string with an escaped NUL: kept exactly"
else
	ok "string with an escaped NUL: refused with one palisade error naming config.json" \
		eval 'pal_error_line "$ERR" && [[ $ERR == *config.json* ]] && [ "$(sha "$T/b2n/config.json")" = "$nsha" ]'
	diag "escaped NUL refused: $ERR"
fi
force_delete "$P-2n"

# ------------------------------------------------------------- already annotated
# Compact, already carrying the annotation: nothing to change, nothing written.
make_bundle "$T/b3"
spec_edit "$T/b3" -c --argjson a "$PAL_WRITTEN_VALUES" '.annotations = $a'
s3=$(sha "$T/b3/config.json") i3=$(inode "$T/b3/config.json")
run pal create -b "$T/b3" "$P-3"
is "$RC" 0 "create of an already-annotated compact config exits 0"
is "$(sha "$T/b3/config.json") $(inode "$T/b3/config.json")" "$s3 $i3" \
	"already annotated (other formatting): not rewritten (sha256, inode)"
pal delete --force "$P-3" >/dev/null 2>&1

# A stale value is replaced.
make_bundle "$T/b4"
spec_edit "$T/b4" '.annotations = {"io.palisade.version": "0.0.9"}'
run pal create -b "$T/b4" "$P-4"
is "$(jq -r "$ANN" "$T/b4/config.json")" "0.1.0" "a stale io.palisade.version is replaced by 0.1.0"
pal delete --force "$P-4" >/dev/null 2>&1

# ------------------------------------------------------------- how the bundle is named
# bundle_case DESC DIR ARGS...: create with ARGS (cwd $T), then check that DIR
# was rewritten and that the container uses DIR.  Three assertions.
bundle_case() {
	local desc=$1 dir=$2 id=$3
	shift 3
	(cd "$T" && pal "$@") >"$T/.out" 2>"$T/.err"
	is "$?" 0 "$desc: exits 0" || diag_val stderr "$(cat "$T/.err")"
	ok "$desc: $dir/config.json annotated" annotated "$T/$dir/config.json"
	is "$(brunc state "$id" 2>/dev/null | jq -r '.bundle + " " + .annotations["io.palisade.version"]')" \
		"$T/$dir 0.1.0" "$desc: container uses that bundle, annotated"
	force_delete "$id"
}
for d in bb1 bb2 bb3 bb4 bb5 bb6 bb7 bb8 bb9; do make_bundle "$T/$d"; done
bundle_case "--bundle=DIR" bb1 "$P-b1" create --bundle="$T/bb1" "$P-b1"
bundle_case "--bundle DIR" bb2 "$P-b2" create --bundle "$T/bb2" "$P-b2"
bundle_case "-b=DIR" bb3 "$P-b3" create -b="$T/bb3" "$P-b3"
bundle_case "-bundle DIR (one dash)" bb4 "$P-b4" create -bundle "$T/bb4" "$P-b4"
bundle_case "flags after the id (create ID -b DIR --pid-file F)" bb5 "$P-b5" \
	create "$P-b5" -b "$T/bb5" --pid-file "$T/bb5.pid"
bundle_case "relative -b DIR" bb6 "$P-b6" create -b bb6 "$P-b6"
bundle_case "global flags first (--log F --debug create)" bb7 "$P-b7" \
	--log "$T/bb7.log" --debug create --bundle "$T/bb7" "$P-b7"
# several -b: the last wins, as in Go's flag package; the first is untouched.
sf=$(sha "$T/bb8/config.json") if=$(inode "$T/bb8/config.json")
bundle_case "-b A -b B (last wins)" bb9 "$P-b9" create -b "$T/bb8" -b "$T/bb9" "$P-b9"
is "$(sha "$T/bb8/config.json") $(inode "$T/bb8/config.json")" "$sf $if" "-b A -b B: A left untouched"

# no -b: the current directory.
make_bundle "$T/bc"
(cd "$T/bc" && pal create "$P-c") >/dev/null 2>"$T/.err"
is "$?" 0 "create without -b (bundle = cwd) exits 0" || diag_val stderr "$(cat "$T/.err")"
ok "cwd bundle: config.json annotated" annotated "$T/bc/config.json"
is "$(brunc state "$P-c" | jq -r "$ANN")" "0.1.0" "cwd bundle: container annotated"
force_delete "$P-c"

# ------------------------------------------------------------- run
make_bundle "$T/br" sh -c 'echo ran'
cp -p "$T/br/config.json" "$T/br.orig"
run pal run -b "$T/br" "$P-r"
is "$RC|$OUT" "0|ran" "run: exits 0, the process ran" || diag_val stderr "$ERR"
ok "run: config.json annotated" annotated "$T/br/config.json"
ok "run: otherwise equal in meaning" same_meaning "$T/br.orig" "$T/br/config.json"
make_bundle "$T/brd"
run pal run "$P-rd" --bundle "$T/brd" --detach
is "$RC" 0 "run ID --bundle DIR --detach (flags after the id) exits 0"
ok "run (flags after the id): config.json annotated" annotated "$T/brd/config.json"
is "$(brunc state "$P-rd" 2>/dev/null | jq -r "$ANN")" "0.1.0" "run --detach: container annotated"
force_delete "$P-rd"
make_bundle "$T/brc" sh -c 'echo cwd-run'
(cd "$T/brc" && pal run "$P-rc") >/dev/null 2>&1
ok "run without -b (cwd): config.json annotated" annotated "$T/brc/config.json"

# ------------------------------------------------------------- not rewritten
# Commands other than create/run/restore never touch config.json.
make_bundle "$T/bn"
sn=$(sha "$T/bn/config.json") in=$(inode "$T/bn/config.json")
(cd "$T/bn" && {
	pal list
	pal state "$P-none"
	pal spec
	pal delete "$P-none"
	pal exec "$P-none" true
	pal ps "$P-none"
}) >/dev/null 2>&1
is "$(sha "$T/bn/config.json") $(inode "$T/bn/config.json")" "$sn $in" \
	"list/state/spec/delete/exec/ps in a bundle's directory: config.json untouched"

# ------------------------------------------------------------- restore
# criu cannot restore here; the rewrite (or Palisade's refusal) comes first.
make_bundle "$T/bre"
make_bundle "$T/bre_r"
mkdir -p "$T/img" "$T/work"
run pal restore --image-path "$T/img" --work-path "$T/work" -b "$T/bre" "$P-re"
prc=$RC perr=$ERR
isnt "$prc" 0 "restore without images fails"
if annotated "$T/bre/config.json"; then
	tap_result 0 "restore: config.json rewritten (annotation present)"
	run brunc restore --image-path "$T/img" --work-path "$T/work" -b "$T/bre_r" "r$TAG-re"
	is "$prc" "$RC" "restore: exit code is runc's ($RC)"
	is "$(printf '%s' "$perr" | norm "$P-re" ID)" "$(printf '%s' "$ERR" | norm "r$TAG-re" ID)" \
		"restore: the error is runc's"
elif pal_error_line "$perr"; then
	tap_result 0 "restore: refused by palisade before runc ran: $perr"
	skip "restore: exit code is runc's" "palisade refused restore itself"
	skip "restore: the error is runc's" "palisade refused restore itself"
else
	tap_result 1 "restore: config.json rewritten, or a palisade error"
	diag_val stderr "$perr"
	skip_n 2 "restore: runc's exit code and error" "neither rewritten nor refused"
fi
ok "restore: no container left" container_absent "$P-re"

ok "nothing left in the root" no_containers
done_testing
