# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# Shared helpers for Palisade's integration tests (TAP, run by automake's
# tap-driver.sh).  Every script starts with
#
#     . "${PAL_TESTLIB:-$(dirname "$0")/lib.sh}"
#
# Environment:
#   PALISADE   absolute path of the binary under test (default: ../../palisade)
#   RUNC       the backend runtime (default /usr/sbin/runc)
#   BUSYBOX    a static busybox for the rootfs (default: busybox in $PATH)
#   PAL_FIXTURES, PAL_TESTLIB   set by Makefile.am
#
# Every test works in its own temporary directory $T (pal_tmp): runc state in
# $T/root (always passed with --root), Palisade's configuration in
# $T/palisade.json (PALISADE_CONFIG) with its state_dir in $T/state.  The EXIT
# trap deletes every container under $T, kills what the test started in the
# background, unmounts anything under $T and removes it, even on failure.

set -u

PAL_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${RUNC:=/usr/sbin/runc}"
: "${PALISADE:=$(cd "$PAL_LIB_DIR/../.." && pwd)/palisade}"
: "${PAL_TIMEOUT:=60}"
export RUNC PALISADE

# Applets linked in every rootfs.
PAL_APPLETS="sh cat grep sleep true false id echo ls touch rm mkdir env ps \
wc head tail kill tr test stat date printf tty readlink uname"

PAL_N=0          # assertions emitted so far
PAL_FAILED=0     # of which failed
PAL_PLANNED=     # set once a plan line was printed
PAL_BG_PIDS=     # background processes to kill at exit
T=

# ------------------------------------------------------------------ TAP

plan() {
	echo "1..$1"
	PAL_PLANNED=$1
}

# Print the trailing plan (when no plan was given up front).  Call last.
done_testing() {
	if [ -z "$PAL_PLANNED" ]; then
		echo "1..$PAL_N"
		PAL_PLANNED=$PAL_N
	fi
}

diag() {
	local line
	printf '%s\n' "$*" | while IFS= read -r line; do
		printf '# %s\n' "$line"
	done
}

# Diagnostic dump of a (possibly multi-line) value, indented, truncated.
diag_val() {
	local name=$1 val=$2
	diag "  $name: $(printf '%s' "$val" | head -c 2000 | sed -n '1p')"
	printf '%s' "$val" | head -c 2000 | sed -n '2,40p' | while IFS= read -r l; do
		diag "      $l"
	done
}

# tap_result STATUS DESC: STATUS 0 passes.
tap_result() {
	local st=$1 desc=$2
	PAL_N=$((PAL_N + 1))
	# '#' in a description would start a directive.
	desc=${desc//#/\\#}
	if [ "$st" -eq 0 ]; then
		echo "ok $PAL_N - $desc"
		return 0
	fi
	echo "not ok $PAL_N - $desc"
	PAL_FAILED=$((PAL_FAILED + 1))
	return 1
}

# ok DESC CMD [ARGS...]: passes when CMD exits 0.  CMD's stdout goes to stderr
# (the log), never into the TAP stream.
ok() {
	local desc=$1
	shift
	"$@" >&2
	tap_result $? "$desc"
}

# nok DESC CMD...: passes when CMD exits non-zero.
nok() {
	local desc=$1
	shift
	"$@" >&2
	local st=$?
	[ "$st" -ne 0 ]
	tap_result $? "$desc"
}

# is GOT EXPECTED DESC
is() {
	if [ "$1" == "$2" ]; then
		tap_result 0 "$3"
		return 0
	fi
	tap_result 1 "$3"
	diag_val got "$1"
	diag_val expected "$2"
	return 1
}

# isnt GOT UNEXPECTED DESC
isnt() {
	if [ "$1" != "$2" ]; then
		tap_result 0 "$3"
		return 0
	fi
	tap_result 1 "$3"
	diag_val "got (must differ)" "$1"
	return 1
}

# like GOT ERE DESC
like() {
	if printf '%s' "$1" | grep -Eq -- "$2"; then
		tap_result 0 "$3"
		return 0
	fi
	tap_result 1 "$3"
	diag_val got "$1"
	diag "  expected to match: $2"
	return 1
}

# unlike GOT ERE DESC
unlike() {
	if ! printf '%s' "$1" | grep -Eq -- "$2"; then
		tap_result 0 "$3"
		return 0
	fi
	tap_result 1 "$3"
	diag_val got "$1"
	diag "  expected NOT to match: $2"
	return 1
}

# skip DESC REASON: one skipped assertion.
skip() {
	PAL_N=$((PAL_N + 1))
	echo "ok $PAL_N - ${1//#/\\#} # SKIP $2"
}

# skip_n COUNT DESC REASON
skip_n() {
	local i
	for ((i = 0; i < $1; i++)); do
		skip "$2" "$3"
	done
}

# skip_all REASON: the whole script is skipped (tap-driver: SKIP).  In CI
# the README's command installs every requirement, so a missing one is a
# broken set-up, not a reason to skip: it fails there.
skip_all() {
	if [ "${CI:-}" = true ] && [ -z "${PAL_SKIP_INTEGRATION:-}" ]; then
		echo "Bail out! CI=true but: $*"
		exit 1
	fi
	echo "1..0 # SKIP $*"
	PAL_PLANNED=0
	exit 0
}

# distcheck builds from the tarball as a second pass: the integration tests
# already ran against the same sources in the first.
[ -z "${PAL_SKIP_INTEGRATION:-}" ] || skip_all "PAL_SKIP_INTEGRATION is set"

bail_out() {
	echo "Bail out! $*"
	exit 1
}

# ------------------------------------------------------------ requirements

require_root() {
	[ "$(id -u)" -eq 0 ] || skip_all "needs root (runc creates namespaces and cgroups)"
}

require_runc() {
	[ -x "$RUNC" ] || skip_all "runc not found at $RUNC"
	"$RUNC" --version >/dev/null 2>&1 || skip_all "$RUNC --version fails"
}

require_busybox() {
	: "${BUSYBOX:=$(command -v busybox 2>/dev/null || true)}"
	[ -n "$BUSYBOX" ] && [ -x "$BUSYBOX" ] ||
		skip_all "busybox not found (apt-get install busybox-static)"
	if ldd "$BUSYBOX" >/dev/null 2>&1; then
		skip_all "$BUSYBOX is dynamically linked (apt-get install busybox-static)"
	fi
	export BUSYBOX
}

require_tools() {
	local t
	for t in "$@"; do
		command -v "$t" >/dev/null 2>&1 || skip_all "$t not installed"
	done
}

require_palisade() {
	[ -x "$PALISADE" ] || bail_out "PALISADE=$PALISADE is not an executable (build first)"
}

# Everything an integration script needs, in one call.
pal_require_all() {
	require_root
	require_runc
	require_busybox
	require_tools jq sha256sum stat timeout
	require_palisade
}

# ------------------------------------------------------------ temp + cleanup

pal_cleanup() {
	local rc=$? r id p m
	trap - EXIT INT TERM
	if [ -n "$T" ] && [ -d "$T" ]; then
		for p in $PAL_BG_PIDS; do
			kill -9 "$p" 2>/dev/null
		done
		for r in "$T"/root "$T"/root.*; do
			[ -d "$r" ] || continue
			for id in $("$RUNC" --root "$r" list -q 2>/dev/null); do
				"$RUNC" --root "$r" delete --force "$id" >/dev/null 2>&1 ||
					{ sleep 0.2; "$RUNC" --root "$r" delete --force "$id" >/dev/null 2>&1; }
			done
		done
		# Deepest first.
		while read -r m; do
			umount -l "$m" 2>/dev/null
		done < <(awk -v t="$T" 'index($5, t "/") == 1 { print $5 }' /proc/self/mountinfo | sort -r)
		rm -rf "$T"
	fi
	if [ -n "$PAL_PLANNED" ] || [ "$PAL_N" -eq 0 ]; then
		:
	else
		# Died before done_testing: say so, tap-driver then reports the
		# missing plan as an error.
		echo "# script ended early (exit $rc) after $PAL_N assertions" >&2
	fi
	exit "$rc"
}

# pal_tmp: create $T and install the cleanup trap.
pal_tmp() {
	T=$(mktemp -d "${TMPDIR:-/tmp}/palisade-it.XXXXXX") || bail_out "mktemp failed"
	chmod 755 "$T"
	trap pal_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	mkdir -p "$T/root" "$T/state" "$T/bpffs"
	# A private bpffs: Palisade's pins (bpf_dir) never touch the host's
	# /sys/fs/bpf, and unmounting it at exit drops every pin, link and map.
	mount -t bpf bpf "$T/bpffs" 2>/dev/null || true
	# A short tag unique to this run, for container ids: containers without
	# cgroupsPath get cgroup /<id>, shared by every runc root on the host.
	TAG=$(basename "$T" | sed 's/.*\.//' | tr 'A-Z' 'a-z')
	export T TAG
}

# start_monitor: `palisade monitor` in the background (MON its pid, killed
# at exit); returns once it has written its pid file, i.e. is set up.
start_monitor() {
	PALISADE_CONFIG=$PALISADE_CONFIG "$PALISADE" monitor 2>>"$T/monitor.err" &
	MON=$!
	bg_track "$MON"
	for _ in $(seq 100); do
		[ -s "$T/state/monitor.pid" ] && [ "$(cat "$T/state/monitor.pid")" = "$MON" ] && return 0
		sleep 0.05
	done
	return 1
}

bg_track() {
	PAL_BG_PIDS="$PAL_BG_PIDS $*"
}

# ------------------------------------------------------------ palisade, runc

# write_conf [RUNTIME [STATE_DIR]]: Palisade's configuration in $T.
#
# Profiles come from $T/profiles, then the source tree's profiles/.  The
# default is "passthrough", a test profile that constrains nothing, so the
# foundation's pass-through contract is tested without rules changing the
# spec; PAL_DEFAULT_PROFILE picks another.
write_conf() {
	local rt=${1:-$RUNC} sd=${2:-$T/state}
	mkdir -p "$T/profiles"
	printf '{"description": "test profile: constrains nothing"}\n' >"$T/profiles/passthrough.json"
	jq -n --arg rt "$rt" --arg sd "$sd" --arg pd "$T/profiles" \
		--arg sp "$(cd "${PAL_PROFILES:-$(dirname "${BASH_SOURCE[0]}")/../../profiles}" && pwd -P)" \
		--arg dp "${PAL_DEFAULT_PROFILE:-passthrough}" \
		--arg bd "$T/bpffs/palisade" \
		--arg ml "$T/violations.log" --arg mm "$T/metrics.prom" \
		'{runtime: $rt, state_dir: $sd, bpf_dir: $bd, profile_dirs: [$pd, $sp], default_profile: $dp,
		  monitor: {autostart: "off", log: $ml, metrics: $mm}}' \
		>"$T/palisade.json"
	PALISADE_CONFIG=$T/palisade.json
	export PALISADE_CONFIG
}

# pal ARGS...: Palisade with our config and our root.
pal() {
	PALISADE_CONFIG=$PALISADE_CONFIG timeout -k 5 "$PAL_TIMEOUT" "$PALISADE" --root "$T/root" "$@"
}

# pal_raw ARGS...: Palisade with our config, argv exactly as given.
pal_raw() {
	PALISADE_CONFIG=$PALISADE_CONFIG timeout -k 5 "$PAL_TIMEOUT" "$PALISADE" "$@"
}

# brunc ARGS...: bare runc on our root.
brunc() {
	timeout -k 5 "$PAL_TIMEOUT" "$RUNC" --root "$T/root" "$@"
}

brunc_raw() {
	timeout -k 5 "$PAL_TIMEOUT" "$RUNC" "$@"
}

# run CMD...: RC, OUT, ERR (stdin /dev/null).
run() {
	"$@" >"$T/.out" 2>"$T/.err" </dev/null
	RC=$?
	OUT=$(cat "$T/.out")
	ERR=$(cat "$T/.err")
	return 0
}

# run_in INPUT CMD...: as run, INPUT on stdin.
run_in() {
	local input=$1
	shift
	printf '%s' "$input" | "$@" >"$T/.out" 2>"$T/.err"
	RC=${PIPESTATUS[1]}
	OUT=$(cat "$T/.out")
	ERR=$(cat "$T/.err")
	return 0
}

# ------------------------------------------------------------ bundles

# make_rootfs DIR: busybox rootfs in DIR (a fresh directory).
make_rootfs() {
	local r=$1 a
	mkdir -p "$r/bin" "$r/proc" "$r/dev" "$r/sys" "$r/tmp" "$r/etc" "$r/root"
	chmod 1777 "$r/tmp"
	if [ ! -f "$T/.busybox" ]; then
		cp "$BUSYBOX" "$T/.busybox"
	fi
	# A hard link is enough: nothing writes to the binary.
	ln "$T/.busybox" "$r/bin/busybox" 2>/dev/null || cp "$BUSYBOX" "$r/bin/busybox"
	for a in $PAL_APPLETS; do
		ln -s busybox "$r/bin/$a"
	done
	printf 'root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000:user:/tmp:/bin/sh\n' >"$r/etc/passwd"
	printf 'root:x:0:\nuser:x:1000:\n' >"$r/etc/group"
}

# make_bundle DIR [ARGS...]: `runc spec` in DIR with terminal false, the
# process args (default: sleep 1000) and a writable root.
make_bundle() {
	local dir=$1
	shift
	[ $# -gt 0 ] || set -- sleep 1000
	mkdir -p "$dir"
	make_rootfs "$dir/rootfs"
	(cd "$dir" && "$RUNC" spec) || bail_out "runc spec failed in $dir"
	# jq 1.6 takes "-c" after --args as its own option: one --arg each.
	local jargs=() list= i=0 a
	for a in "$@"; do
		jargs+=(--arg "a$i" "$a")
		list="$list${list:+,}\$a$i"
		i=$((i + 1))
	done
	jq "${jargs[@]}" ".process.terminal = false | .process.args = [$list] | .root.readonly = false" \
		<"$dir/config.json" >"$dir/config.json.new" &&
		mv "$dir/config.json.new" "$dir/config.json" || bail_out "jq edit of $dir/config.json failed"
}

# spec_edit DIR JQ-FILTER [jq args...]: edit DIR/config.json in place.
spec_edit() {
	local dir=$1 f=$2
	shift 2
	jq "$@" "$f" <"$dir/config.json" >"$dir/config.json.new" &&
		mv "$dir/config.json.new" "$dir/config.json" || bail_out "jq edit $f failed"
}

# ------------------------------------------------------------ inspection

sha() { sha256sum <"$1" | cut -d' ' -f1; }
inode() { stat -c %i "$1"; }

# The annotations Palisade writes, as a jq array.
PAL_WRITTEN='["io.palisade.version","io.palisade.applied.profile","io.palisade.applied.mode"]'
# The same three, as written under the test's "passthrough" profile.
PAL_WRITTEN_VALUES='{"io.palisade.applied.mode":"enforce","io.palisade.applied.profile":"passthrough","io.palisade.version":"0.1.0"}'

# The normalised meaning of a spec, without Palisade's annotations (an
# annotations object left empty by that is dropped).
spec_meaning() {
	jq -S --argjson w "$PAL_WRITTEN" 'if .annotations then .annotations |= with_entries(select(.key as $k | $w | index($k) | not)) else . end
	       | if .annotations == {} then del(.annotations) else . end' "$1"
}

# Container ids in root R (default $T/root), one per line, sorted.
ids_in() {
	"$RUNC" --root "${1:-$T/root}" list -q 2>/dev/null | sort
}

# state_status ID: the status from bare runc, or "none".
state_status() {
	local s
	s=$("$RUNC" --root "$T/root" state "$1" 2>/dev/null | jq -r .status 2>/dev/null)
	echo "${s:-none}"
}

# wait_status ID STATUS [TRIES]: poll (0.05 s) until the status matches.
wait_status() {
	local i n=${3:-100}
	for ((i = 0; i < n; i++)); do
		[ "$(state_status "$1")" = "$2" ] && return 0
		sleep 0.05
	done
	return 1
}

# container_absent ID: neither listed nor known to runc state.
container_absent() {
	! ids_in | grep -qxF -- "$1" && ! "$RUNC" --root "$T/root" state "$1" >/dev/null 2>&1
}

# no_containers: the root lists nothing.
no_containers() {
	[ -z "$(ids_in)" ]
}

# force_delete ID...: quietly, with bare runc.
force_delete() {
	local id
	for id in "$@"; do
		"$RUNC" --root "$T/root" delete --force "$id" >/dev/null 2>&1
	done
	return 0
}

# pal_error_line TEXT: exactly one line, starting "palisade: ".
pal_error_line() {
	[ "$(printf '%s\n' "$1" | wc -l)" -eq 1 ] && [ "${1#palisade: }" != "$1" ]
}

# Normalise runc's volatile output: log times, our temp dir, ids.
# norm [FROM TO]...: extra literal replacements (ids) come as pairs.
norm() {
	local s
	s=$(cat)
	while [ $# -ge 2 ]; do
		s=${s//"$1"/"$2"}
		shift 2
	done
	s=${s//"$T"/@T}
	printf '%s' "$s" | sed -E 's/time="[^"]*"/time="X"/g'
}
