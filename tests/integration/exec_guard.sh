#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# exec may not give a process more privilege than the container's own process
# (as rewritten at create): extra capabilities, no_new_privs off, uid 0 in a
# non-root container, another AppArmor profile are refused; a --process file
# asking for more capabilities runs with them removed, the file untouched.
# Every refusal has a control: bare runc on the same container grants it.
. "${PAL_TESTLIB:-$(dirname "$0")/lib.sh}"

pal_require_all
pal_tmp
write_conf

P=p$TAG
A=$P-root # root, runc spec's default caps, noNewPrivileges true
U=$P-user # uid/gid 1000

# runc spec's default sets: CAP_AUDIT_WRITE(29), CAP_KILL(5), CAP_NET_BIND_SERVICE(10)
DEFMASK=0000000020000420
SYSADMIN_MASK=0000000020200420 # + CAP_SYS_ADMIN(21)

make_bundle "$T/ba"
make_bundle "$T/bu"
spec_edit "$T/bu" '.process.user = {uid: 1000, gid: 1000}'
run pal run -d -b "$T/ba" "$A"
is "$RC" 0 "root container started through palisade" || diag_val stderr "$ERR"
run pal run -d -b "$T/bu" "$U"
is "$RC" 0 "uid-1000 container started through palisade" || diag_val stderr "$ERR"

# cap_line OUTPUT FIELD: the hex mask of FIELD (CapBnd, CapEff...) in OUTPUT.
cap_of() {
	printf '%s\n' "$1" | awk -v f="$2:" '$1 == f { print $2 }'
}

# refused DESC MARKER PAL-ARGS...: non-zero, one "palisade: " line, and the
# process (touch MARKER inside $A's or $U's rootfs) never ran.  Three assertions.
refused() {
	local desc=$1 marker=$2
	shift 2
	rm -f "$marker"
	run pal "$@"
	isnt "$RC" 0 "$desc: refused (non-zero exit)"
	ok "$desc: one error line starting 'palisade: '" pal_error_line "$ERR" ||
		diag_val stderr "$ERR"
	ok "$desc: the process never ran" test ! -e "$marker"
}

# ------------------------------------------------------------- baseline
run pal exec "$A" grep Cap /proc/self/status
is "$RC" 0 "plain exec allowed"
is "$(cap_of "$OUT" CapBnd)" "$DEFMASK" "plain exec: CapBnd is the container's"
is "$(cap_of "$OUT" CapEff)" "$DEFMASK" "plain exec: CapEff is the container's"

# ------------------------------------------------------------- --cap
MA=$T/ba/rootfs/tmp/marker
refused "exec --cap CAP_SYS_ADMIN" "$MA" exec --cap CAP_SYS_ADMIN "$A" touch /tmp/marker
like "$ERR" "SYS_ADMIN" "exec --cap CAP_SYS_ADMIN: the error names the capability"
refused "exec --cap=CAP_SYS_ADMIN" "$MA" exec --cap=CAP_SYS_ADMIN "$A" touch /tmp/marker
refused "exec -c CAP_SYS_ADMIN" "$MA" exec -c CAP_SYS_ADMIN "$A" touch /tmp/marker
refused "exec --cap CAP_KILL --cap CAP_NET_ADMIN (second beyond)" "$MA" \
	exec --cap CAP_KILL --cap CAP_NET_ADMIN "$A" touch /tmp/marker
# control: runc alone grants it.
run brunc exec --cap CAP_SYS_ADMIN "$A" grep Cap /proc/self/status
is "$(cap_of "$OUT" CapBnd)" "$SYSADMIN_MASK" "control: bare runc exec --cap CAP_SYS_ADMIN would add it"

run pal exec --cap CAP_KILL "$A" grep Cap /proc/self/status
is "$RC" 0 "exec --cap CAP_KILL (in the container's sets) allowed" || diag_val stderr "$ERR"
is "$(cap_of "$OUT" CapBnd)" "$DEFMASK" "exec --cap CAP_KILL: CapBnd unchanged"
is "$(cap_of "$OUT" CapEff)" "$DEFMASK" "exec --cap CAP_KILL: CapEff unchanged"
run pal exec --cap CAP_NET_BIND_SERVICE --cap CAP_AUDIT_WRITE "$A" true
is "$RC" 0 "exec with two --cap both in the container's sets allowed"

# ------------------------------------------------------------- no_new_privs
refused "exec --no-new-privs=false (container has noNewPrivileges)" "$MA" \
	exec --no-new-privs=false "$A" touch /tmp/marker
run brunc exec --no-new-privs=false "$A" grep NoNewPrivs /proc/self/status
like "$OUT" "NoNewPrivs:[[:space:]]+0" "control: bare runc exec --no-new-privs=false would clear it"
run pal exec --no-new-privs "$A" grep NoNewPrivs /proc/self/status
like "$OUT" "NoNewPrivs:[[:space:]]+1" "exec --no-new-privs allowed, no_new_privs set"
run pal exec --no-new-privs=true "$A" grep NoNewPrivs /proc/self/status
is "$RC" 0 "exec --no-new-privs=true allowed"
run pal exec "$A" grep NoNewPrivs /proc/self/status
like "$OUT" "NoNewPrivs:[[:space:]]+1" "plain exec: no_new_privs set"

# ------------------------------------------------------------- --user
MU=$T/bu/rootfs/tmp/marker
refused "exec --user 0 in a uid-1000 container" "$MU" exec --user 0 "$U" touch /tmp/marker
refused "exec --user 0:0 in a uid-1000 container" "$MU" exec --user 0:0 "$U" touch /tmp/marker
refused "exec -u 0 in a uid-1000 container" "$MU" exec -u 0 "$U" touch /tmp/marker
refused "exec --user=0:1000 in a uid-1000 container" "$MU" exec --user=0:1000 "$U" touch /tmp/marker
run brunc exec --user 0 "$U" id -u
is "$OUT" 0 "control: bare runc exec --user 0 would run as root"
run pal exec "$U" id
is "$OUT" "uid=1000(user) gid=1000(user)" "plain exec in the uid-1000 container runs as 1000"
run pal exec --user 1000 "$U" id -u
is "$RC|$OUT" "0|1000" "exec --user 1000 (the container's own uid) allowed"
run pal exec --user 0 "$A" id -u
is "$RC|$OUT" "0|0" "exec --user 0 in a root container allowed"
run pal exec --user 0:0 "$A" id
is "$RC" 0 "exec --user 0:0 in a root container allowed"

# ------------------------------------------------------------- --process FILE
# The container's own process, asking for CAP_SYS_ADMIN and CAP_NET_ADMIN.
jq '.process
    | .args = ["grep", "-E", "Cap|NoNewPrivs", "/proc/self/status"]
    | .capabilities |= with_entries(.value += ["CAP_SYS_ADMIN", "CAP_NET_ADMIN"])' \
	"$T/ba/config.json" >"$T/proc.json"
chmod 0600 "$T/proc.json"
psha=$(sha "$T/proc.json") pino=$(inode "$T/proc.json")
run brunc exec --process "$T/proc.json" "$A"
is "$(cap_of "$OUT" CapBnd)" 0000000020201420 "control: bare runc --process would grant SYS_ADMIN and NET_ADMIN"
run pal exec --process "$T/proc.json" "$A"
is "$RC" 0 "exec --process asking for more capabilities runs" || diag_val stderr "$ERR"
is "$(cap_of "$OUT" CapBnd)" "$DEFMASK" "exec --process: CapBnd without the extra capabilities"
is "$(cap_of "$OUT" CapEff)" "$DEFMASK" "exec --process: CapEff without the extra capabilities"
is "$(cap_of "$OUT" CapPrm)" "$DEFMASK" "exec --process: CapPrm without the extra capabilities"
is "$(sha "$T/proc.json") $(inode "$T/proc.json") $(stat -c %a "$T/proc.json")" "$psha $pino 600" \
	"exec --process: the file is unchanged (sha256, inode, mode)"
run pal exec -p "$T/proc.json" "$A"
is "$(cap_of "$OUT" CapBnd)" "$DEFMASK" "exec -p FILE: capabilities removed too"
run pal exec --process="$T/proc.json" "$A"
is "$(cap_of "$OUT" CapBnd)" "$DEFMASK" "exec --process=FILE: capabilities removed too"
cd "$T" || bail_out cd
run pal exec --process proc.json "$A"
cd / || bail_out cd
is "$RC|$(cap_of "$OUT" CapBnd)" "0|$DEFMASK" "exec --process RELATIVE (from the cwd): capabilities removed too"

# A process file asking for no_new_privs off or uid 0 must not get it.
jq '.process | .args = ["grep", "NoNewPrivs", "/proc/self/status"] | .noNewPrivileges = false' \
	"$T/ba/config.json" >"$T/proc_nnp.json"
run brunc exec --process "$T/proc_nnp.json" "$A"
like "$OUT" "NoNewPrivs:[[:space:]]+0" "control: bare runc --process noNewPrivileges=false clears it"
run pal exec --process "$T/proc_nnp.json" "$A"
unlike "$OUT" "NoNewPrivs:[[:space:]]+0" \
	"exec --process noNewPrivileges=false: refused or run with no_new_privs"
jq '.process | .args = ["id", "-u"] | .user = {uid: 0, gid: 0}' "$T/bu/config.json" >"$T/proc_root.json"
run brunc exec --process "$T/proc_root.json" "$U"
is "$OUT" 0 "control: bare runc --process user 0 runs as root in the uid-1000 container"
run pal exec --process "$T/proc_root.json" "$U"
isnt "$OUT" 0 "exec --process user 0 in a uid-1000 container: never runs as root"

# ------------------------------------------------------------- --apparmor
# Needs AppArmor with a loaded profile to give the container; this project's
# hosts have neither (lsm = lockdown,capability,landlock,bpf), so it skips.
aa_prof=
if [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ]; then
	aa_prof=$(sed -n '1s/ (.*//p' /sys/kernel/security/apparmor/profiles 2>/dev/null)
fi
if [ -n "$aa_prof" ]; then
	make_bundle "$T/baa"
	spec_edit "$T/baa" '.process.apparmorProfile = $p' --arg p "$aa_prof"
	run pal run -d -b "$T/baa" "$P-aa"
	if [ "$RC" -eq 0 ]; then
		refused "exec --apparmor other than the container's ($aa_prof)" "$T/baa/rootfs/tmp/marker" \
			exec --apparmor unconfined "$P-aa" touch /tmp/marker
	else
		skip_n 3 "exec --apparmor X different from the container's is refused" \
			"a container with apparmorProfile $aa_prof could not be started: $ERR"
	fi
	force_delete "$P-aa"
elif [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ]; then
	skip_n 3 "exec --apparmor X different from the container's is refused" \
		"AppArmor is enabled but no profile is loaded (or securityfs is not mounted)"
else
	skip_n 3 "exec --apparmor X different from the container's is refused" \
		"AppArmor is not enabled on this host: a container with an apparmorProfile cannot be created"
fi

# ------------------------------------------------------------- id reuse
# The guard follows the container that exists now, not an earlier one of the
# same id: root container deleted, same id re-created with uid 1000.
make_bundle "$T/bre1"
make_bundle "$T/bre2"
spec_edit "$T/bre2" '.process.user = {uid: 1000, gid: 1000}'
pal run -d -b "$T/bre1" "$P-re" >/dev/null 2>&1
run pal exec --user 0 "$P-re" id -u
is "$RC|$OUT" "0|0" "id reuse: exec --user 0 allowed in the first (root) container"
pal delete --force "$P-re" >/dev/null 2>&1
run pal run -d -b "$T/bre2" "$P-re"
is "$RC" 0 "id reuse: same id re-created as uid 1000"
refused "id reuse: exec --user 0 in the re-created uid-1000 container" \
	"$T/bre2/rootfs/tmp/marker" exec --user 0 "$P-re" touch /tmp/marker
force_delete "$P-re"

# Refused execs left nothing running.
is "$(pal ps --format json "$A" | jq length)" 1 "root container: only its init process runs"
is "$(pal ps --format json "$U" | jq length)" 1 "uid-1000 container: only its init process runs"
force_delete "$A" "$U"
ok "nothing left in the root" no_containers
done_testing
