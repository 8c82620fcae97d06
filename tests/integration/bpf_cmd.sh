#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# `palisade bpf` against the real kernel: status before and after a load,
# load pins everything once (a second load keeps the same program), the
# LSM probe's verdict in the status, lookup of an unknown cgroup, events
# that time out quietly, sweep, unload removing the pin root, a pin root
# off bpffs refused with the way out, usage errors.  The loader's own
# cases (registration, enforcement, events, sweep of a dead cgroup, 200
# cycles) are tests/unit/test_bpf.c.
#
# Pins go to the private bpffs lib.sh mounts at $T/bpffs (this host mounts
# none at /sys/fs/bpf); the EXIT trap unmounts it, which detaches whatever
# is left.
# Needs root, jq and bpftool; not runc: `bpf` never runs the backend.
. "${PAL_TESTLIB:-$(dirname "$0")/lib.sh}"

require_root
require_tools jq timeout
: "${BPFTOOL:=$(command -v bpftool || echo /usr/sbin/bpftool)}"
[ -x "$BPFTOOL" ] || skip_all "bpftool not found"
require_palisade
pal_tmp

# lib.sh mounted a private bpffs at $T/bpffs
[ "$(stat -f -c %T "$T/bpffs")" = bpf_fs ] || skip_all "cannot mount a bpffs"
PIN=$T/bpffs/palisade
# the runtime is not used by `bpf`, but the configuration names one
jq -n --arg sd "$T/state" --arg bd "$PIN" \
	'{runtime: "/usr/sbin/runc", state_dir: $sd, bpf_dir: $bd}' >"$T/palisade.json"
PALISADE_CONFIG=$T/palisade.json
export PALISADE_CONFIG

bpf() { timeout -k 5 "$PAL_TIMEOUT" "$PALISADE" bpf "$@"; }
prog_id() { "$BPFTOOL" -j prog show pinned "$PIN/prog/pal_cg_connect4" | jq -r .id; }

run bpf status
is "$RC" 0 "status before any load: exit 0"
like "$OUT" "loaded: no" "status before any load: not loaded"
run bpf status --json
is "$(jq -r .loaded <<<"$OUT")" false "status --json before any load: loaded false"

run bpf load
is "$RC" 0 "load: exit 0" || diag_val stderr "$ERR"
like "$OUT" "loaded: yes" "load prints the status"
like "$OUT" "lsm: (active|unavailable)" "load says whether BPF LSM works"
is "$(stat -c %a "$T/state/bpf.lock")" 600 "the lock file is STATE_DIR/bpf.lock, 0600"
for p in map/pal_meta map/pal_policy map/pal_events prog/pal_cg_sock_create \
	prog/pal_cg_connect4 prog/pal_cg_sysctl link/pal_arm_exec; do
	ok "pinned: $p" test -e "$PIN/$p"
done
ID1=$(prog_id)

run bpf status --json
is "$RC" 0 "status --json: exit 0"
is "$(jq -r .loaded <<<"$OUT")" true "status --json: loaded"
is "$(jq -r .drops <<<"$OUT")" 0 "status --json: no dropped events"
LSM=$(jq -r .lsm <<<"$OUT")
if [ "$LSM" = unavailable ]; then
	# FACTS.md: this host refuses BPF LSM with EPERM
	like "$(jq -r .lsm_errno <<<"$OUT")" '^[1-9][0-9]*$' "LSM unavailable: with its errno"
	like "$(jq -r .reason <<<"$OUT")" "BPF LSM programs do not load \(errno [0-9]+" \
		"LSM unavailable: the reason says why"
	nok "LSM unavailable: no LSM link pinned" test -e "$PIN/link/pal_file_open"
else
	is "$LSM" active "LSM active"
	like "$(jq -r .lsm_errno <<<"$OUT")" '^0$' "LSM active: errno 0"
	ok "LSM active: its links pinned" test -e "$PIN/link/pal_file_open"
fi

run bpf load
is "$RC" 0 "second load: exit 0"
is "$(prog_id)" "$ID1" "second load loads nothing (same program id $ID1)"

run bpf lookup 12345
is "$RC" 1 "lookup of an unregistered cgroup: exit 1"
like "$ERR" "no policy registered for cgroup 12345" "lookup says so"
run bpf lookup 12x
is "$RC" 1 "lookup of a non-number: exit 1"
like "$ERR" "not a number" "lookup says why"

start=$(date +%s%N)
run bpf events --timeout 200
end=$(date +%s%N)
is "$RC" 0 "events with nothing to read: exit 0 after the timeout"
is "$OUT" "" "events with nothing to read: no output"
ms=$(((end - start) / 1000000))
diag "events --timeout 200 returned after $ms ms"
[ "$ms" -ge 150 ] && [ "$ms" -lt 3000 ]
tap_result $? "events waits about the timeout ($ms ms)"
run bpf events --count
is "$RC" 1 "events --count without a value: exit 1"

run bpf sweep
is "$RC" 0 "sweep: exit 0"
is "$OUT" "swept 0" "sweep with nothing registered"

run bpf unload
is "$RC" 0 "unload: exit 0"
nok "unload removes the pin root" test -e "$PIN"
run bpf status
like "$OUT" "loaded: no" "status after unload: not loaded"
run bpf unload
is "$RC" 0 "unload of nothing: exit 0"

# A pin root off bpffs: refused, with the way out, nothing created.
jq -n --arg sd "$T/state" --arg bd "$T/notbpf/palisade" \
	'{runtime: "/usr/sbin/runc", state_dir: $sd, bpf_dir: $bd}' >"$T/palisade.json"
mkdir "$T/notbpf"
run bpf load
is "$RC" 1 "load with bpf_dir off bpffs: exit 1"
like "$ERR" "not on a BPF file system.*mount -t bpf bpf /sys/fs/bpf" \
	"load with bpf_dir off bpffs: says how to mount one"
nok "load with bpf_dir off bpffs: creates nothing" test -e "$T/notbpf/palisade"

run bpf
is "$RC" 1 "bpf without a command: exit 1"
like "$ERR" "usage: palisade bpf" "bpf without a command: usage"
run bpf frobnicate
like "$ERR" "unknown command \"frobnicate\"" "bpf frobnicate: unknown command"
run bpf status --yaml
is "$RC" 1 "status --yaml: exit 1"

done_testing
