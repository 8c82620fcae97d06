#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Palisade's own errors: malformed config.json, --log in json and text
# formats, invalid container ids, missing bundles, bad PALISADE_CONFIG.
# Each: one "palisade: " line on stderr, non-zero exit, the bundle untouched,
# no container created, and never a $PATH search for the runtime.
. "${PAL_TESTLIB:-$(dirname "$0")/lib.sh}"

pal_require_all
pal_tmp
write_conf

P=p$TAG
N=0 # id counter

# refused_bundle DESC DIR: create from DIR is refused by Palisade, DIR's
# config.json is left as it was, nothing is created.  Five assertions.
# Leaves RC/ERR of the create.
refused_bundle() {
	local desc=$1 dir=$2 id
	N=$((N + 1))
	id=$P-e$N
	local before after ids_before
	before=$(snapshot "$dir/config.json")
	ids_before=$(ids_in)
	run pal create -b "$dir" "$id"
	isnt "$RC" 0 "$desc: non-zero exit"
	ok "$desc: one error line starting 'palisade: '" pal_error_line "$ERR" ||
		diag_val stderr "$ERR"
	like "$ERR" "config\.json" "$desc: the error names config.json"
	after=$(snapshot "$dir/config.json")
	is "$after" "$before" "$desc: config.json unchanged (type, sha256, inode)"
	ok "$desc: no container created (list unchanged, state fails)" \
		eval '[ "$(ids_in)" = "$ids_before" ] && ! brunc state "$id" >/dev/null 2>&1'
	force_delete "$id"
}

# snapshot FILE: type, link target or content hash, inode.
snapshot() {
	if [ -L "$1" ]; then
		echo "symlink $(readlink "$1") $(stat -c %i "$1")"
	elif [ -p "$1" ]; then
		echo "fifo $(stat -c %i "$1")"
	elif [ -f "$1" ]; then
		echo "file $(sha "$1") $(stat -c %i "$1") $(stat -c %s "$1")"
	else
		echo "missing"
	fi
}

# runc_accepts DIR: control, bare runc creates a container from DIR (runc
# only reads config.json).
runc_accepts() {
	local id=r$TAG-ctl$RANDOM rc
	brunc create -b "$1" "$id" >/dev/null 2>"$T/ctl.err"
	rc=$?
	[ $rc -eq 0 ] || cat "$T/ctl.err" >&2
	force_delete "$id"
	return $rc
}

# ------------------------------------------------------------- malformed config.json
# syntax error at line 5
make_bundle "$T/m_syntax"
awk 'NR == 5 { print "\t\t\"bogus\": @,"; } { print }' "$T/m_syntax/config.json" >"$T/x" &&
	mv "$T/x" "$T/m_syntax/config.json"
refused_bundle "syntax error" "$T/m_syntax"
like "$ERR" "[0-9]+:[0-9]+" "syntax error: the message has line:col"
like "$ERR" "config\.json[^0-9]*5:[0-9]+" "syntax error: at line 5"

# truncated
make_bundle "$T/m_trunc"
head -c 200 "$T/m_trunc/config.json" >"$T/x" && mv "$T/x" "$T/m_trunc/config.json"
refused_bundle "truncated file" "$T/m_trunc"

# empty
make_bundle "$T/m_empty"
: >"$T/m_empty/config.json"
refused_bundle "empty file" "$T/m_empty"

# duplicate key (Go's json takes the last one; Palisade must refuse)
make_bundle "$T/m_dup"
sed -i '0,/"hostname": "runc"/s//"hostname": "runc",\n\t"hostname": "evil"/' "$T/m_dup/config.json"
is "$(grep -c '"hostname"' "$T/m_dup/config.json")" 2 "duplicate key: setup has two \"hostname\" keys"
refused_bundle "duplicate key" "$T/m_dup"
like "$ERR" "hostname|duplicate" "duplicate key: the error names the key or says duplicate"
ok "control: bare runc accepts the duplicate key" runc_accepts "$T/m_dup"

# duplicate key nested
make_bundle "$T/m_dup2"
sed -i '0,/"cwd": "\/"/s//"cwd": "\/",\n\t\t"cwd": "\/tmp"/' "$T/m_dup2/config.json"
refused_bundle "duplicate key inside process" "$T/m_dup2"

# symlinked config.json
make_bundle "$T/m_link"
mv "$T/m_link/config.json" "$T/m_link/real.json"
ln -s real.json "$T/m_link/config.json"
rsha=$(sha "$T/m_link/real.json")
refused_bundle "symlinked config.json" "$T/m_link"
is "$(sha "$T/m_link/real.json")" "$rsha" "symlinked config.json: the target is unchanged"
ok "control: bare runc follows the symlink" runc_accepts "$T/m_link"

# more than 16 MiB (valid JSON, padded with spaces)
make_bundle "$T/m_big"
size=$(stat -c %s "$T/m_big/config.json")
head -c $((16 * 1024 * 1024 + 1 - size)) /dev/zero | tr '\0' ' ' >>"$T/m_big/config.json"
is "$(stat -c %s "$T/m_big/config.json")" 16777217 "big file: setup is 16 MiB + 1 byte of valid JSON"
refused_bundle "config.json larger than 16 MiB" "$T/m_big"
ok "control: bare runc accepts the big file" runc_accepts "$T/m_big"
# exactly 16 MiB is allowed
make_bundle "$T/m_16"
size=$(stat -c %s "$T/m_16/config.json")
head -c $((16 * 1024 * 1024 - size)) /dev/zero | tr '\0' ' ' >>"$T/m_16/config.json"
run pal create -b "$T/m_16" "$P-16"
is "$RC" 0 "config.json of exactly 16 MiB accepted" || diag_val stderr "$ERR"
force_delete "$P-16"

# invalid UTF-8 in a string
make_bundle "$T/m_utf8"
spec_edit "$T/m_utf8" '.annotations = {"org.example": "XXBADXX"}'
sed -i 's/XXBADXX/a\xff\xfeb/' "$T/m_utf8/config.json"
ok "invalid UTF-8: setup has the bytes ff fe" grep -q "$(printf 'a\xff\xfeb')" "$T/m_utf8/config.json"
refused_bundle "invalid UTF-8" "$T/m_utf8"
ok "control: bare runc accepts the invalid UTF-8" runc_accepts "$T/m_utf8"

# overlong UTF-8 encoding of '/' (c0 af)
make_bundle "$T/m_overlong"
spec_edit "$T/m_overlong" '.annotations = {"org.example": "XXBADXX"}'
sed -i 's/XXBADXX/\xc0\xaf/' "$T/m_overlong/config.json"
refused_bundle "overlong UTF-8" "$T/m_overlong"

# top-level array
make_bundle "$T/m_array"
jq '[.]' "$T/m_array/config.json" >"$T/x" && mv "$T/x" "$T/m_array/config.json"
refused_bundle "top-level array" "$T/m_array"

# a FIFO named config.json (a reader that does not check would hang)
make_bundle "$T/m_fifo"
rm "$T/m_fifo/config.json"
mkfifo "$T/m_fifo/config.json"
PAL_TIMEOUT=10 refused_bundle "config.json is a FIFO" "$T/m_fifo"
isnt "$RC" 124 "config.json is a FIFO: refused without blocking"

# a directory named config.json
make_bundle "$T/m_dir"
rm "$T/m_dir/config.json"
mkdir "$T/m_dir/config.json"
refused_bundle "config.json is a directory" "$T/m_dir"

# ------------------------------------------------------------- --log
cp -a "$T/m_syntax" "$T/l_bundle"
printf '%s\n' '{"level":"info","msg":"pre-existing","time":"2020-01-01T00:00:00Z"}' >"$T/log.json"
run pal --log "$T/log.json" --log-format json create -b "$T/l_bundle" "$P-log1"
isnt "$RC" 0 "--log json: non-zero exit"
ok "--log json: one 'palisade: ' line on stderr too" pal_error_line "$ERR"
stderr_msg=${ERR#palisade: }
is "$(head -n 1 "$T/log.json")" '{"level":"info","msg":"pre-existing","time":"2020-01-01T00:00:00Z"}' \
	"--log json: appended (earlier content kept)"
is "$(wc -l <"$T/log.json")" 2 "--log json: one line added"
last=$(tail -n 1 "$T/log.json")
ok "--log json: the line is a JSON object" eval 'printf "%s" "$last" | jq -e "type == \"object\"" >/dev/null'
is "$(printf '%s' "$last" | jq -r .level 2>/dev/null)" error "--log json: level is error"
is "$(printf '%s' "$last" | jq -c 'keys' 2>/dev/null)" '["level","msg","time"]' "--log json: keys level, msg, time"
like "$(printf '%s' "$last" | jq -r .time 2>/dev/null)" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}' \
	"--log json: time is RFC 3339"
lmsg=$(printf '%s' "$last" | jq -r .msg 2>/dev/null)
ok "--log json: msg is the stderr message" eval '[ -n "$lmsg" ] && { [ "$lmsg" = "$stderr_msg" ] || [ "$lmsg" = "$ERR" ]; }' ||
	diag "  log msg: $lmsg" "  stderr:  $ERR"
like "$lmsg" "config\.json" "--log json: msg names config.json"

for fmt in "" text; do
	: >"$T/log.txt"
	if [ -n "$fmt" ]; then
		run pal --log "$T/log.txt" --log-format "$fmt" create -b "$T/l_bundle" "$P-log2"
	else
		run pal --log "$T/log.txt" create -b "$T/l_bundle" "$P-log2"
	fi
	d="--log (format ${fmt:-default})"
	isnt "$RC" 0 "$d: non-zero exit"
	is "$(wc -l <"$T/log.txt")" 1 "$d: one line written"
	like "$(cat "$T/log.txt")" '^time="[0-9]{4}-[0-9]{2}-[0-9]{2}T[^"]*" level=error msg=".*config\.json' \
		"$d: time=\"...\" level=error msg=\"...config.json...\""
done
# --log=FILE spelling, log file created if missing
run pal --log="$T/log2.json" --log-format=json create -b "$T/l_bundle" "$P-log3"
is "$(jq -r .level "$T/log2.json" 2>/dev/null)" error "--log=FILE --log-format=json: file created with the error"
ok "--log: still no container" no_containers

# ------------------------------------------------------------- container ids
make_bundle "$T/ids"
isha=$(sha "$T/ids/config.json") iino=$(inode "$T/ids/config.json")
for id in "../x" "a/b" "" "." ".." "a b" "x/../../y" "$(printf 'a\nb')"; do
	shown=$(printf '%s' "$id" | tr '\n' '?')
	run pal create -b "$T/ids" "$id"
	isnt "$RC" 0 "create invalid id [$shown]: non-zero exit"
	ok "create invalid id [$shown]: one 'palisade: ' line" pal_error_line "$ERR" || diag_val stderr "$ERR"
	ok "create invalid id [$shown]: nothing created" no_containers
	force_delete "$id"
done
is "$(sha "$T/ids/config.json") $(inode "$T/ids/config.json")" "$isha $iino" \
	"invalid ids: the bundle's config.json untouched"
run pal run -b "$T/ids" "../x"
force_delete "../x"
isnt "$RC" 0 "run invalid id ../x: non-zero exit"
ok "run invalid id ../x: one 'palisade: ' line" pal_error_line "$ERR"
run pal exec "../x" true
isnt "$RC" 0 "exec invalid id ../x: non-zero exit"
ok "invalid ids: nothing escaped into \$T" test ! -e "$T/x" -a ! -e "$T/y"

# ------------------------------------------------------------- missing bundle
run pal create -b "$T/nope" "$P-nb"
isnt "$RC" 0 "nonexistent bundle: non-zero exit"
ok "nonexistent bundle: one 'palisade: ' line" pal_error_line "$ERR" || diag_val stderr "$ERR"
like "$ERR" "nope|config\.json" "nonexistent bundle: the error names the bundle or config.json"
ok "nonexistent bundle: nothing created" eval 'no_containers && [ ! -e "$T/nope" ]'
mkdir -p "$T/noconf"
run pal create -b "$T/noconf" "$P-nc"
isnt "$RC" 0 "bundle without config.json: non-zero exit"
ok "bundle without config.json: one 'palisade: ' line naming config.json" \
	eval 'pal_error_line "$ERR" && [[ $ERR == *config.json* ]]'
ok "bundle without config.json: nothing created, no config.json made" \
	eval 'no_containers && [ ! -e "$T/noconf/config.json" ]'

# ------------------------------------------------------------- PALISADE_CONFIG
make_bundle "$T/cb"
mkdir -p "$T/fakebin"
cat >"$T/fakebin/runc" <<EOF
#!/bin/sh
touch "$T/fake-runc-ran"
exit 0
EOF
chmod +x "$T/fakebin/runc"

# conf_case DESC CONFFILE: create and list fail with a palisade error, the
# fake runc first in PATH never runs, nothing created, bundle untouched.
conf_case() {
	local desc=$1 conf=$2 csha cino
	csha=$(sha "$T/cb/config.json") cino=$(inode "$T/cb/config.json")
	rm -f "$T/fake-runc-ran"
	PALISADE_CONFIG=$conf PATH="$T/fakebin:$PATH" run pal create -b "$T/cb" "$P-cf"
	isnt "$RC" 0 "$desc: create: non-zero exit"
	ok "$desc: create: one 'palisade: ' line" pal_error_line "$ERR" || diag_val stderr "$ERR"
	PALISADE_CONFIG=$conf PATH="$T/fakebin:$PATH" run pal list
	isnt "$RC" 0 "$desc: list: non-zero exit"
	ok "$desc: list: one 'palisade: ' line" pal_error_line "$ERR" || diag_val stderr "$ERR"
	ok "$desc: no \$PATH search (fake runc never ran)" test ! -e "$T/fake-runc-ran"
	ok "$desc: nothing created" no_containers
	is "$(sha "$T/cb/config.json") $(inode "$T/cb/config.json")" "$csha $cino" \
		"$desc: bundle untouched"
	force_delete "$P-cf"
}

conf_case "PALISADE_CONFIG names a missing file" "$T/missing.json"
like "$ERR" "missing\.json" "missing PALISADE_CONFIG file: the error names it"
printf '{"runtime": "runc", "state_dir": "%s"}\n' "$T/state" >"$T/rel.json"
conf_case "relative runtime" "$T/rel.json"
printf '{"runtime": "./runc", "state_dir": "%s"}\n' "$T/state" >"$T/rel2.json"
cd "$T/fakebin" || bail_out cd
conf_case "relative runtime ./runc (cwd has a runc)" "$T/rel2.json"
cd / || bail_out cd
printf '{"state_dir": "%s"}\n' "$T/state" >"$T/noruntime.json"
# No "runtime" key: the built-in absolute default (/usr/sbin/runc), still
# never a $PATH search.
rm -f "$T/fake-runc-ran"
PALISADE_CONFIG=$T/noruntime.json PATH="$T/fakebin:$PATH" run pal list
is "$RC" 0 "runtime missing: list runs the built-in default backend"
ok "runtime missing: no \$PATH search (fake runc never ran)" test ! -e "$T/fake-runc-ran"
printf '{"runtime": "", "state_dir": "%s"}\n' "$T/state" >"$T/empty.json"
conf_case "empty runtime" "$T/empty.json"
printf '{"runtime": "%s",\n' "$RUNC" >"$T/broken.json"
conf_case "malformed PALISADE_CONFIG" "$T/broken.json"
printf '{"runtime": "%s", "state_dir": "%s",\n "bogus": 1}\n' "$RUNC" "$T/state" >"$T/unknown.json"
conf_case "unknown key in PALISADE_CONFIG" "$T/unknown.json"
like "$ERR" "bogus" "unknown key in PALISADE_CONFIG: the error names the key"
printf '{"runtime": "%s", "state_dir": "%s"}\n' "$T/does-not-exist/runc" "$T/state" >"$T/absent.json"
conf_case "runtime does not exist" "$T/absent.json"

ok "nothing left in the root" no_containers
done_testing
