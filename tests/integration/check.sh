#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# `palisade check`: the verdict and its exit status (0 compliant, 1 would
# rewrite, 2 would refuse), the readable diff and the JSON report, every
# refusal listed, the preflight rule refusing attack shapes in the rootfs in
# audit mode too, BUNDLE and CONFIG.JSON forms, usage and load errors, and
# nothing touched: config.json keeps its bytes, inode and mtime, the rootfs
# and the bundle directory are as they were.
#
# Needs runc (for `runc spec`), a static busybox and jq; not root: check
# starts nothing.
. "${PAL_TESTLIB:-$(dirname "$0")/lib.sh}"

# The exit status of a usage or load error: check.h says 3 (1 would read
# as "would rewrite"); it depends on main.c mapping check's -1 to it.
CHECK_ERR_RC=3

require_runc
require_busybox
require_tools jq sha256sum stat timeout find
require_palisade
pal_tmp
write_conf

# Profiles of this test, in its own profile directory (write_conf puts
# $T/profiles first in profile_dirs; the default is "passthrough").
cat >"$T/profiles/t-caps.json" <<'EOF'
// check.sh: a capability allow list that runc spec's defaults exceed
{"description": "check.sh caps", "capabilities": {"allow": ["CAP_CHOWN", "CAP_KILL"]}}
EOF
cat >"$T/profiles/t-nonroot.json" <<'EOF'
{"description": "check.sh non-root", "user": {"nonRoot": true}}
EOF
cat >"$T/profiles/t-nonroot-audit.json" <<'EOF'
{"description": "check.sh non-root, audit", "extends": "t-nonroot", "mode": "audit"}
EOF

# snapshot DIR: what check must not change: config.json's bytes, inode and
# mtime, the bundle directory's entries and the rootfs tree.
snapshot() {
	printf '%s %s %s\n' "$(sha "$1/config.json")" "$(inode "$1/config.json")" \
		"$(stat -c %Y.%y "$1/config.json")"
	ls -A "$1"
	(cd "$1" && find rootfs -printf '%p %y %m %l %T@\n' | sort) | sha256sum
}

# has_line TEXT LINE: TEXT has exactly LINE as one of its lines.
has_line() {
	printf '%s\n' "$1" | grep -Fxq -- "$2"
}

# after TEXT LINE: the line of TEXT that follows LINE.
after() {
	printf '%s\n' "$1" | grep -A1 -Fx -- "$2" | sed -n 2p
}

# chk ARGS...: palisade check ARGS (with the test's --root first, as a
# runtime wrapper would be called).
chk() {
	run pal check "$@"
}

make_bundle "$T/b"
B=$T/b
before=$(snapshot "$B")

# ------------------------------------------------------------- compliant
chk "$B"
is "$RC" 0 "compliant bundle (passthrough profile): exit 0" || diag_val stderr "$ERR"
is "$OUT" "bundle $B: profile \"passthrough\", mode enforce
would change: nothing
would refuse: nothing
verdict: compliant" "compliant: the report says nothing to change or refuse"
is "$ERR" "" "compliant: nothing on stderr"
chk --json "$B"
is "$RC" 0 "compliant --json: exit 0"
is "$OUT" '{"profile":"passthrough","mode":"enforce","verdict":"compliant","changes":[],"refusals":[]}' \
	"compliant --json: exactly the empty report"

# ------------------------------------------------------------- rewrite
chk --profile t-caps "$B"
is "$RC" 1 "capabilities beyond the allow list: exit 1 (would rewrite)" || diag_val stderr "$ERR"
is "$(printf '%s\n' "$OUT" | sed -n '1,2p')" "bundle $B: profile \"t-caps\", mode enforce
would change:" "rewrite: header"
ok "rewrite: the capabilities that go, one line for the bounding set" \
	has_line "$OUT" '  process.capabilities.bounding: - "CAP_AUDIT_WRITE", "CAP_NET_BIND_SERVICE"'
is "$(printf '%s\n' "$OUT" | tail -n 2)" "would refuse: nothing
verdict: rewrite" "rewrite: nothing refused, verdict rewrite"
unlike "$OUT" 'io\.palisade' "rewrite: Palisade's own annotations are not shown as changes"

chk --json --profile t-caps "$B"
is "$RC" 1 "rewrite --json: exit 1"
is "$(jq -r '.profile + " " + .mode + " " + .verdict' <<<"$OUT")" "t-caps enforce rewrite" \
	"rewrite --json: profile, mode, verdict"
is "$(jq -c '[.changes[] | select(.path == "process.capabilities.bounding")]' <<<"$OUT")" \
	'[{"path":"process.capabilities.bounding","op":"remove","old":"CAP_AUDIT_WRITE"},{"path":"process.capabilities.bounding","op":"remove","old":"CAP_NET_BIND_SERVICE"}]' \
	"rewrite --json: one remove entry per capability, with the old value"
is "$(jq -c '.refusals' <<<"$OUT")" '[]' "rewrite --json: no refusals"
is "$(jq -r '[.changes[].path | select(startswith("annotations"))] | length' <<<"$OUT")" 0 \
	"rewrite --json: no bookkeeping annotation among the changes"

# CONFIG.JSON instead of the bundle: the same report, bundle = its directory
chk --json --profile t-caps "$B/config.json"
is "$RC" 1 "CONFIG.JSON form: exit 1"
is "$(jq -c .changes <<<"$OUT")" "$(pal check --json --profile t-caps "$B" | jq -c .changes)" \
	"CONFIG.JSON form: same changes as the bundle form"
(cd "$B" && pal check --profile t-caps config.json) >"$T/.out" 2>&1
like "$(cat "$T/.out")" '^bundle \.: ' "CONFIG.JSON in the current directory: bundle is ."

# ------------------------------------------------------------- refuse
spec_edit "$B" '.process.user = {"uid": 0, "gid": 0}'
before=$(snapshot "$B")
chk --json --profile t-nonroot "$B"
is "$RC" 2 "root user under a nonRoot profile: exit 2 (would refuse)" || diag_val stderr "$ERR"
is "$(jq -r .verdict <<<"$OUT")" refuse "refuse --json: verdict refuse"
is "$(jq -r '[.refusals[] | .rule + " " + .field] | join(",")' <<<"$OUT")" "user process.user.uid" \
	"refuse --json: the refusal names rule and field"
ok "refuse --json: the refusal has a message" jq -e '.refusals[0].message | length > 0' <<<"$OUT"
chk --profile t-nonroot "$B"
like "$(after "$OUT" "would refuse:")" '^  process\.user\.uid \(rule user\): .+' \
	"refuse (text): field, rule and message under 'would refuse'"
is "$(printf '%s\n' "$OUT" | tail -n 1)" "verdict: refuse" "refuse (text): verdict refuse"

# the profile's own mode: audit logs the refusal, the backend would run
chk --profile t-nonroot-audit "$B"
isnt "$RC" 2 "audit profile: a policy refusal does not make the verdict 'refuse'"
is "$(printf '%s\n' "$OUT" | head -n 1)" "bundle $B: profile \"t-nonroot-audit\", mode audit" \
	"audit profile: mode audit comes from the profile"
like "$(after "$OUT" "enforce mode would refuse (audit mode logs it):")" \
	'^  process\.user\.uid \(rule user\): ' "audit profile: the refusal is listed as enforce-only"
ok "audit profile: no refusal the backend would see" has_line "$OUT" "would refuse: nothing"
chk --json --mode enforce --profile t-nonroot-audit "$B"
is "$RC|$(jq -r '.mode + " " + .verdict' <<<"$OUT")" "2|enforce refuse" \
	"--mode enforce overrides the profile's audit mode"

# every refusal is listed, not only the first
spec_edit "$B" '.process.cwd = "/proc/self/fd/7"'
chk --json --profile t-nonroot "$B"
is "$RC" 2 "two refusals: exit 2"
is "$(jq -r '[.refusals[].rule] | join(",")' <<<"$OUT")" "user,preflight" \
	"two refusals: both listed (user, then preflight on process.cwd)"
is "$(jq -r '.refusals[1] | .field + ": " + .message' <<<"$OUT")" \
	'process.cwd: process.cwd "/proc/self/fd/7": is in a /proc fd directory: a descriptor leaked by the runtime there can lead out of the container (CVE-2024-21626)' \
	"preflight: process.cwd in /proc/self/fd refused, field and message exact"
spec_edit "$B" '.process.cwd = "/" | .process.user = {"uid": 1000, "gid": 1000}'
before=$(snapshot "$B")

# ------------------------------------------------------------- preflight
# attack shapes in the rootfs: refused whatever the profile, audit included
ln -s /proc/sys/kernel/core_pattern "$B/rootfs/dev/null"
core_before=$(cat /proc/sys/kernel/core_pattern)
chk "$B"
is "$RC" 2 "rootfs /dev/null -> core_pattern: exit 2 under passthrough"
is "$OUT" "bundle $B: profile \"passthrough\", mode enforce
would change: nothing
would refuse:
  (rule preflight): rootfs/dev/null is a symlink to \"/proc/sys/kernel/core_pattern\": runc 1.1.5 bind-mounts /dev/null over the masked paths without checking it (CVE-2025-31133)
verdict: refuse" "rootfs /dev/null -> core_pattern: the exact report"
chk --json --mode audit "$B"
is "$RC|$(jq -r '.verdict + " " + .refusals[0].rule' <<<"$OUT")" "2|refuse preflight" \
	"preflight refuses in audit mode too"
is "$(cat /proc/sys/kernel/core_pattern)" "$core_before" "the host's core_pattern is untouched"
rm "$B/rootfs/dev/null"

mv "$B/rootfs/dev" "$B/rootfs/dev.real"
ln -s / "$B/rootfs/dev"
chk --json "$B"
is "$RC|$(jq -r '.refusals[0].message' <<<"$OUT")" \
	'2|rootfs/dev is a symlink to "/": runc 1.1.5 creates /dev/ptmx and the /dev/fd links through a path it resolves on the host' \
	"rootfs /dev -> /: refused"
rm "$B/rootfs/dev"
mv "$B/rootfs/dev.real" "$B/rootfs/dev"

# a mount whose destination climbs out through a relative link
n=$(jq '.mounts | length' "$B/config.json")
spec_edit "$B" '.mounts += [{"destination": "/data/x", "type": "bind", "source": "/tmp", "options": ["rbind", "ro"]}]'
ln -s ../../../../../../proc "$B/rootfs/data"
chk --json "$B"
is "$RC|$(jq -r '.refusals[0] | .field + " | " + .message' <<<"$OUT")" \
	"2|mounts[$n].destination | mounts[$n].destination \"/data/x\": rootfs/data is a symlink to \"../../../../../../proc\": resolved on the host it climbs out of the rootfs" \
	"mount destination behind a climbing link: refused, field named"
rm "$B/rootfs/data"
ok "mount destination missing: nothing created in the rootfs" test ! -e "$B/rootfs/data"
chk "$B"
is "$RC" 0 "mount destination that does not exist yet: accepted"
spec_edit "$B" 'del(.mounts[-1])'
before=$(snapshot "$B")

# ------------------------------------------------------------- untouched
for p in passthrough t-caps t-nonroot t-nonroot-audit restricted; do
	pal check --profile "$p" "$B" >/dev/null 2>&1
	pal check --json --profile "$p" "$B/config.json" >/dev/null 2>&1
done
is "$(snapshot "$B")" "$before" \
	"after checks under every profile: config.json bytes, inode, mtime, bundle entries and rootfs unchanged"

# ------------------------------------------------------------- real profiles
chk --json --profile restricted "$B"
ok "profile restricted on runc spec's bundle: a verdict and a valid report (exit 0-2)" \
	eval '[ "$RC" -le 2 ] && jq -e ".profile == \"restricted\" and (.changes | type) == \"array\"" <<<"$OUT" >/dev/null'

# ------------------------------------------------------------- errors
# error_case DESC ARGS...: one "palisade: check..." line, nothing on stdout,
# CHECK_ERR_RC.
error_case() {
	local desc=$1
	shift
	run pal check "$@"
	is "$RC" "$CHECK_ERR_RC" "$desc: exit $CHECK_ERR_RC"
	ok "$desc: one error line 'palisade: check...'" \
		eval 'pal_error_line "$ERR" && [[ $ERR == "palisade: check"* ]]' || diag_val stderr "$ERR"
	is "$OUT" "" "$desc: nothing on stdout"
}
error_case "no bundle"
error_case "two bundles" "$B" "$B"
error_case "unknown option" --frobnicate "$B"
error_case "--mode bogus" --mode bogus "$B"
error_case "--profile without a name" "$B" --profile
error_case "missing bundle" "$T/nope"
error_case "unknown profile" --profile t-missing "$B"
like "$ERR" 't-missing' "unknown profile: the error names it"
mkdir -p "$T/bad"
printf '{"ociVersion": ' >"$T/bad/config.json"
error_case "malformed config.json" "$T/bad"
like "$ERR" 'config\.json' "malformed config.json: the error names it"

run pal check --help
is "$RC" 0 "--help: exit 0"
like "$OUT" '^Usage: palisade check ' "--help: usage on stdout"

done_testing
