# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# Host side of the VM tests: what tests/vm/run.sh (a busybox guest) and
# tests/vm/systemd.sh (a Debian guest whose init is systemd) share.  Not to
# be confused with tests/vm/guest/lib.sh, which runs inside the guest.  Each
# script sets its own defaults (PAL_VM_MEM, ...), sources this file, then:
#
#   vm_require ROOT_WHY INSTALL [TOOL...]  skip rules and the host's tools
#   vm_require_build                       the binaries and profiles under test
#   vm_start PREFIX                        work directory $W, cleanup trap
#   vm_locked CMD...                       CMDs under the cache's lock (vm_fetch_kernel, ...)
#   vm_cpio DIR OUT                        DIR as a gzipped newc archive
#   vm_boot APPEND                         one qemu boot of $VMLINUZ and $W/initrd.gz
#   vm_results                             the console's "PALVM: " lines as TAP; exits
#
# The guest reports over the serial console, the only channel (the cloud
# kernel's virtio and 9p drivers are modules): "PALVM: " TAP lines and the
# "PALVM-BOOTED "/"PALVM-END " markers.  A boot that fails, panics, times
# out or ends without the end marker is a failure that shows the tail of the
# console.  Skips ("1..0 # SKIP" plan) only for PAL_SKIP_INTEGRATION, the
# sanitizer build (PAL_SANITIZERS) and, unless CI=true, a missing
# requirement.
#
# Environment: PALISADE, PAL_PROBE, PAL_PROFILES (set by Makefile.am),
# PAL_VM_CACHE (default /var/cache/palisade/vm), PAL_VM_TIMEOUT (seconds,
# default 600), PAL_VM_MEM (MiB, the script's default), PAL_VM_KEEP=1 keeps
# the work directory (path printed).

VM_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$VM_LIB_DIR/../.." && pwd)
: "${PALISADE:=$top/palisade}"
: "${PAL_PROBE:=$top/tests/probe/probe}"
: "${PAL_PROFILES:=$top/profiles}"
: "${PAL_VM_CACHE:=/var/cache/palisade/vm}"
: "${PAL_VM_TIMEOUT:=600}"
KPKG_META=linux-image-cloud-amd64

W=
QEMU_PID=
N=0

# ------------------------------------------------------------ TAP

skip_all() {
	echo "1..0 # SKIP $*"
	exit 0
}

# A requirement the README's test command installs: missing in CI is a
# broken set-up, not a reason to skip.
missing() {
	if [ "${CI:-}" = true ]; then
		echo "Bail out! CI=true but: $*"
		exit 1
	fi
	skip_all "$*"
}

bail_out() {
	echo "Bail out! $*"
	exit 1
}

diag() {
	local line
	printf '%s\n' "$*" | while IFS= read -r line; do
		printf '# %s\n' "$line"
	done
}

tap() { # STATUS DESC
	N=$((N + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $N - $2"
	else
		echo "not ok $N - $2"
	fi
}

elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# ------------------------------------------------------------ set-up

# vm_require ROOT_WHY INSTALL [TOOL...]: the skip rules, root (ROOT_WHY says
# what for) and the host's tools, the common ones and TOOLs (INSTALL says
# which packages give them).
vm_require() {
	local root_why=$1 install=$2 t
	shift 2
	[ -z "${PAL_SKIP_INTEGRATION:-}" ] || skip_all "PAL_SKIP_INTEGRATION is set"
	[ -z "${PAL_SANITIZERS:-}" ] ||
		skip_all "sanitizer build: an ASan palisade under TCG emulation is too slow" \
			"(the plain build runs the VM)"
	[ "$(id -u)" -eq 0 ] || missing "needs root ($root_why)"
	for t in qemu-system-x86_64 cpio apt-get apt-cache dpkg-deb gzip timeout ldd "$@"; do
		command -v "$t" >/dev/null 2>&1 ||
			missing "$t not installed ($install)"
	done
}

# vm_require_build: what the build gives; without it the run is broken, not
# skipped.
vm_require_build() {
	[ -x "$PALISADE" ] || bail_out "PALISADE=$PALISADE is not an executable (build first)"
	[ -x "$PAL_PROBE" ] ||
		bail_out "PAL_PROBE=$PAL_PROBE is not an executable (make check builds it)"
	ldd "$PAL_PROBE" >/dev/null 2>&1 && bail_out "PAL_PROBE=$PAL_PROBE is not static"
	[ -d "$PAL_PROFILES" ] || bail_out "PAL_PROFILES=$PAL_PROFILES is not a directory"
}

cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	if [ -n "$QEMU_PID" ]; then
		# timeout(1) leads its own process group, qemu in it.
		kill -TERM -- -"$QEMU_PID" 2>/dev/null || kill -TERM "$QEMU_PID" 2>/dev/null
		sleep 1
		kill -KILL -- -"$QEMU_PID" 2>/dev/null
		wait "$QEMU_PID" 2>/dev/null
	fi
	if [ -n "$W" ] && [ -d "$W" ]; then
		if [ -n "${PAL_VM_KEEP:-}" ]; then
			echo "# kept $W" >&2
		else
			rm -rf "$W"
		fi
	fi
	exit "$rc"
}

# vm_start PREFIX: makes the work directory $W ($TMPDIR/PREFIX.XXXXXX),
# removed with qemu killed on any exit, and starts the clock ($t_start).
vm_start() {
	W=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX") || bail_out "mktemp failed"
	trap cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	t_start=$(date +%s.%N)
}

# ------------------------------------------------------------ the cache

# vm_locked CMD...: runs each CMD in turn holding $PAL_VM_CACHE.lock.  Two
# builds' test runs may fill the cache at once: one does, the other waits.
vm_locked() {
	local cmd
	mkdir -p "$(dirname "$PAL_VM_CACHE")" && exec 9>>"$PAL_VM_CACHE.lock" ||
		missing "cannot create $PAL_VM_CACHE.lock"
	flock 9
	for cmd; do
		"$cmd"
	done
	flock -u 9
	exec 9>&-
}

# vm_fetch_kernel: sets VMLINUZ to a cached vmlinuz of the current cloud
# kernel package, downloading it once, and KSRC to where it came from.  The
# cache keeps the .deb (what apt-get download gives) and the vmlinuz taken
# out of it, under the package's versioned name; an older one is removed
# once a newer one is in place.
# shellcheck disable=SC2034 # KSRC is the caller's, for its diag line
vm_fetch_kernel() {
	local pkg deb d
	mkdir -p "$PAL_VM_CACHE" || missing "cannot create $PAL_VM_CACHE"
	pkg=$(apt-cache depends "$KPKG_META" 2>/dev/null |
		awk '$1 == "Depends:" && $2 ~ /^linux-image-/ { print $2; exit }')
	if [ -z "$pkg" ]; then
		# No package lists (apt-get update not run): a cached kernel
		# still does.
		VMLINUZ=$(ls -1 "$PAL_VM_CACHE"/*.vmlinuz 2>/dev/null | sort -V | tail -n 1)
		[ -n "$VMLINUZ" ] ||
			missing "apt-cache does not know $KPKG_META (apt-get update?) and $PAL_VM_CACHE has no kernel"
		KSRC="cached $(basename "$VMLINUZ" .vmlinuz), apt-cache knows no $KPKG_META"
		return 0
	fi
	VMLINUZ=$PAL_VM_CACHE/$pkg.vmlinuz
	if [ -s "$VMLINUZ" ]; then
		KSRC="$pkg (cached in $PAL_VM_CACHE)"
		return 0
	fi
	d=$(mktemp -d "$PAL_VM_CACHE/.dl.XXXXXX") || missing "cannot write to $PAL_VM_CACHE"
	# apt-get download writes into the current directory; as root it warns
	# that _apt cannot reach the directory: the download still succeeds.
	if ! (cd "$d" && apt-get download -q "$pkg" >"$W/apt.log" 2>&1); then
		rm -rf "$d"
		diag "$(tail -n 20 "$W/apt.log")"
		missing "apt-get download $pkg failed"
	fi
	deb=$(ls -1 "$d"/*.deb 2>/dev/null | head -n 1)
	if [ -z "$deb" ] ||
		! dpkg-deb --fsys-tarfile "$deb" |
		tar -x -C "$d" --wildcards './boot/vmlinuz-*' 2>"$W/tar.log"; then
		diag "$(cat "$W/tar.log" 2>/dev/null)"
		rm -rf "$d"
		missing "no boot/vmlinuz-* in the package $pkg"
	fi
	mv -f "$deb" "$PAL_VM_CACHE/" &&
		mv -f "$d"/boot/vmlinuz-* "$VMLINUZ.new" && mv -f "$VMLINUZ.new" "$VMLINUZ"
	rm -rf "$d"
	[ -s "$VMLINUZ" ] || missing "could not store $VMLINUZ"
	# Older kernels are of no more use once a newer one is in place.
	find "$PAL_VM_CACHE" -maxdepth 1 -type f \( -name '*.vmlinuz' -o -name '*.deb' \) \
		! -name "$pkg.vmlinuz" ! -name "${pkg}_*.deb" -delete
	KSRC="$pkg (downloaded into $PAL_VM_CACHE)"
}

# ------------------------------------------------------------ boot

# vm_cpio DIR OUT: DIR's contents as a gzipped newc archive, in a stable
# order.
vm_cpio() {
	(cd "$1" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --quiet) | gzip -1 >"$2"
}

# vm_boot APPEND: boots $VMLINUZ with $W/initrd.gz and the kernel command
# line APPEND, PAL_VM_MEM MiB, for at most PAL_VM_TIMEOUT s.  Sets qrc (the
# exit status of timeout(1)), t_boot, t_end and $W/console (the serial
# console without its CRs).  The serial console is qemu's stdio
# (-nographic); stdin from /dev/null so that qemu's monitor escape never
# reads the test runner's terminal.
vm_boot() {
	t_boot=$(date +%s.%N)
	# exec: $! must be timeout(1) itself, which leads the process group that
	# cleanup kills (bash would fork once more for a trap-carrying subshell).
	(exec timeout -k 10 "$PAL_VM_TIMEOUT" \
		qemu-system-x86_64 -accel tcg -cpu max -m "$PAL_VM_MEM" -smp 2 \
		-kernel "$VMLINUZ" -initrd "$W/initrd.gz" \
		-append "$1" \
		-nographic -monitor none -no-reboot \
		</dev/null >"$W/console.raw" 2>"$W/qemu.err") &
	QEMU_PID=$!
	wait "$QEMU_PID"
	qrc=$?
	QEMU_PID=
	t_end=$(date +%s.%N)
	tr -d '\r' <"$W/console.raw" >"$W/console"
}

# ------------------------------------------------------------ results

console_tail() {
	diag "--- last 40 lines of the guest console ($(wc -l <"$W/console") lines) ---"
	diag "$(tail -n 40 "$W/console")"
	if [ -s "$W/qemu.err" ]; then
		diag "--- qemu stderr ---"
		diag "$(tail -n 10 "$W/qemu.err")"
	fi
}

# vm_results: turns the guest's "PALVM: " lines into this script's TAP
# stream, adds one result for the boot as a whole, the timings, the plan,
# and ends the script.
vm_results() {
	local line l st desc why
	local guest_plan='' booted='' end_marker='' guest_boot='' guest_end='' results=0 fail=0

	# Kernel messages can land in the middle of a guest line; the guest
	# turns most of them off (kernel.printk), and a line cut that way is
	# reported as missing from the plan rather than misread.
	while IFS= read -r line; do
		# The BIOS's terminal escapes can precede the first line.
		case $line in *PALVM*) line=PALVM${line#*PALVM} ;; esac
		case $line in
		"PALVM-BOOTED "*)
			booted=1
			guest_boot=${line#PALVM-BOOTED }
			;;
		"PALVM-END "*)
			end_marker=${line#PALVM-END }
			;;
		"PALVM: 1.."*)
			guest_plan=${line#PALVM: 1..}
			;;
		"PALVM: ok "* | "PALVM: not ok "*)
			l=${line#PALVM: }
			st=0
			case $l in "not ok "*) st=1 ;; esac
			desc=${l#*ok }
			desc=${desc#* - }
			tap "$st" "$desc"
			results=$((results + 1))
			;;
		"PALVM: #"*)
			echo "${line#PALVM: }"
			;;
		esac
	done <"$W/console"

	guest_end=${end_marker##*uptime=}

	if [ -z "$booted" ]; then
		if [ "$qrc" -eq 124 ] || [ "$qrc" -eq 137 ]; then
			diag "qemu killed after ${PAL_VM_TIMEOUT}s (PAL_VM_TIMEOUT) before the guest's init ran"
		else
			diag "qemu exited with $qrc before the guest's init ran"
		fi
		grep -q 'Kernel panic' "$W/console" && diag "the guest kernel panicked"
		console_tail
		tap 1 "the VM boots and runs the guest init"
		fail=1
	elif [ -z "$end_marker" ]; then
		if [ "$qrc" -eq 124 ] || [ "$qrc" -eq 137 ]; then
			why="timed out after ${PAL_VM_TIMEOUT}s (PAL_VM_TIMEOUT)"
		elif grep -q 'Kernel panic' "$W/console"; then
			why="the guest kernel panicked"
		else
			why="qemu exited ($qrc) without it"
		fi
		diag "no end marker from the guest: $why"
		console_tail
		tap 1 "the guest ran every case to its end marker"
		fail=1
	else
		st=0
		if [ -z "$guest_plan" ] || [ "$guest_plan" -ne "$results" ]; then
			st=1
			diag "the guest planned ${guest_plan:-nothing} results, the console carried $results"
			console_tail
		elif [ "$qrc" -ne 0 ]; then
			st=1
			diag "qemu exited with $qrc after the end marker"
			console_tail
		fi
		tap "$st" "the guest ran every case to its end marker ($end_marker)"
		[ "$st" -eq 0 ] || fail=1
	fi
	if [ "$fail" -eq 0 ] && grep -q '^PALVM: not ok' "$W/console"; then
		console_tail
	fi

	diag "VM: boot to init $(printf '%s' "${guest_boot:-?}" | sed 's/.*uptime=//') s (guest clock)," \
		"cases done at ${guest_end:-?} s (guest clock), qemu $(elapsed "$t_boot" "$t_end") s," \
		"whole VM test $(elapsed "$t_start" "$t_end") s"
	echo "1..$N"
	exit 0
}
