#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The systemd VM guest (issue 4): runc's --systemd-cgroup driver (the usual
# Kubernetes setting) asks systemd, over D-Bus, to make the container's
# cgroup, and Palisade's createRuntime hook must find it there.  The build
# hosts have no systemd as PID 1 and the busybox guest of run.sh has none
# either, so this second guest boots a Debian 12 root whose init is
# systemd.  This script, a TAP producer run by `make check`:
#
#   1. takes the same cloud kernel as run.sh, from the same cache
#      ($PAL_VM_CACHE, default /var/cache/palisade/vm; `apt-get download`);
#   2. makes, once, a minimal Debian 12 root with mmdebstrap (systemd,
#      dbus, runc, busybox-static, jq and the libraries palisade links) and
#      keeps it in the cache as a gzipped cpio archive, named by
#      $ROOT_RECIPE (bump it when the recipe below changes);
#   3. appends a second, small cpio archive (the kernel unpacks both into
#      the initramfs): the freshly built palisade ($PALISADE), the static
#      probe ($PAL_PROBE), the shipped profiles, tests/vm/guest/lib.sh and
#      tests/vm/systemd/ (a stage-1 /init that moves the root into a tmpfs
#      and execs systemd, a palvm.target/palvm.service that run the cases);
#   4. boots it ONCE under `qemu-system-x86_64 -accel tcg` with a hard time
#      limit; the guest reports over the serial console with run.sh's
#      protocol ("PALVM: " TAP lines, "PALVM-BOOTED "/"PALVM-END " markers),
#      turned here into this script's TAP stream.
#
# Skipped (exit with a "1..0 # SKIP" plan) only when not root, when
# PAL_SKIP_INTEGRATION is set, or in the sanitizer build (PAL_SANITIZERS);
# with CI=true a missing package, kernel or root fails.
#
# Environment: PALISADE, PAL_PROBE, PAL_PROFILES (set by Makefile.am),
# PAL_VM_CACHE, PAL_VM_TIMEOUT (seconds, default 600), PAL_VM_MEM (MiB,
# default 2048: the whole root lives in memory), PAL_VM_MIRROR (Debian
# mirror, default http://deb.debian.org/debian), PAL_VM_KEEP=1 keeps the
# work directory (path printed).

set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
: "${PALISADE:=$top/palisade}"
: "${PAL_PROBE:=$top/tests/probe/probe}"
: "${PAL_PROFILES:=$top/profiles}"
: "${PAL_VM_CACHE:=/var/cache/palisade/vm}"
: "${PAL_VM_TIMEOUT:=600}"
: "${PAL_VM_MEM:=2048}"
: "${PAL_VM_MIRROR:=http://deb.debian.org/debian}"
KPKG_META=linux-image-cloud-amd64

# The root's recipe.  Bump ROOT_RECIPE whenever ROOT_SUITE, ROOT_PKGS or
# the mmdebstrap options below change: the cached archive is named by it.
ROOT_RECIPE=bookworm-systemd-1
ROOT_SUITE=bookworm
# dbus: runc 1.1's systemd driver talks to systemd over the system bus.
# The libraries are what `ldd palisade` lists (checked before each boot).
ROOT_PKGS=systemd,systemd-sysv,dbus,runc,busybox-static,jq,libbpf1,libseccomp2,libyajl2,libcap2,libmnl0,libelf1
ROOT_CPIO=$PAL_VM_CACHE/root-$ROOT_RECIPE.cpio.gz

W=
QEMU_PID=
N=0

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

[ -z "${PAL_SKIP_INTEGRATION:-}" ] || skip_all "PAL_SKIP_INTEGRATION is set"
[ -z "${PAL_SANITIZERS:-}" ] ||
	skip_all "sanitizer build: an ASan palisade under TCG emulation is too slow" \
		"(the plain build runs the VM)"
[ "$(id -u)" -eq 0 ] ||
	missing "needs root (apt-get download and mmdebstrap into $PAL_VM_CACHE)"

for t in qemu-system-x86_64 cpio apt-get apt-cache dpkg-deb gzip timeout ldd mmdebstrap; do
	command -v "$t" >/dev/null 2>&1 ||
		missing "$t not installed (apt-get install qemu-system-x86 cpio mmdebstrap)"
done
[ -x "$PALISADE" ] || bail_out "PALISADE=$PALISADE is not an executable (build first)"
[ -x "$PAL_PROBE" ] || bail_out "PAL_PROBE=$PAL_PROBE is not an executable (make check builds it)"
ldd "$PAL_PROBE" >/dev/null 2>&1 && bail_out "PAL_PROBE=$PAL_PROBE is not static"
[ -d "$PAL_PROFILES" ] || bail_out "PAL_PROFILES=$PAL_PROFILES is not a directory"

W=$(mktemp -d "${TMPDIR:-/tmp}/palisade-vmsd.XXXXXX") || bail_out "mktemp failed"
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

t_start=$(date +%s.%N)

# ------------------------------------------------------------ the kernel

# fetch_kernel: as run.sh's (the same cache, names and lock): sets VMLINUZ
# to a cached vmlinuz of the current cloud kernel package, downloading it
# once.
fetch_kernel() {
	local pkg deb d
	mkdir -p "$PAL_VM_CACHE" || missing "cannot create $PAL_VM_CACHE"
	pkg=$(apt-cache depends "$KPKG_META" 2>/dev/null |
		awk '$1 == "Depends:" && $2 ~ /^linux-image-/ { print $2; exit }')
	if [ -z "$pkg" ]; then
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
	find "$PAL_VM_CACHE" -maxdepth 1 -type f \( -name '*.vmlinuz' -o -name '*.deb' \) \
		! -name "$pkg.vmlinuz" ! -name "${pkg}_*.deb" -delete
	KSRC="$pkg (downloaded into $PAL_VM_CACHE)"
}

# ------------------------------------------------------------ the root

# make_root: sets RSRC; makes $ROOT_CPIO (and its file list, $ROOT_CPIO.files)
# unless the cache has it.  Docs, man pages and locales are left out.
make_root() {
	local r t0
	if [ -s "$ROOT_CPIO" ] && [ -s "$ROOT_CPIO.files" ]; then
		RSRC="$ROOT_RECIPE (cached in $PAL_VM_CACHE)"
		return 0
	fi
	t0=$(date +%s.%N)
	r=$W/sdroot
	if ! mmdebstrap --mode=root --variant=essential --format=directory \
		--include="$ROOT_PKGS" \
		--dpkgopt='path-exclude=/usr/share/man/*' \
		--dpkgopt='path-exclude=/usr/share/doc/*' \
		--dpkgopt='path-exclude=/usr/share/locale/*' \
		--dpkgopt='path-exclude=/usr/share/info/*' \
		"$ROOT_SUITE" "$r" "$PAL_VM_MIRROR" >"$W/mmdebstrap.log" 2>&1; then
		diag "$(tail -n 20 "$W/mmdebstrap.log")"
		rm -rf "$r"
		missing "mmdebstrap of a $ROOT_SUITE root from $PAL_VM_MIRROR failed"
	fi
	if ! (cd "$r" && find . -mindepth 1 | LC_ALL=C sort >"$W/root.files" &&
		cpio -o -H newc --quiet <"$W/root.files" | gzip -1 >"$ROOT_CPIO.new"); then
		rm -rf "$r" "$ROOT_CPIO.new"
		bail_out "cpio of the Debian root failed"
	fi
	RSRC="$ROOT_RECIPE (made in $(elapsed "$t0" "$(date +%s.%N)") s: $(du -sm "$r" | cut -f1) MiB"
	RSRC="$RSRC, $(grep -c '^' "$W/root.files") files, $(du -k "$ROOT_CPIO.new" | cut -f1) KiB gzipped)"
	rm -rf "$r"
	mv -f "$W/root.files" "$ROOT_CPIO.files" && mv -f "$ROOT_CPIO.new" "$ROOT_CPIO" ||
		bail_out "cannot store $ROOT_CPIO"
	# Roots of older recipes are of no more use.
	find "$PAL_VM_CACHE" -maxdepth 1 -type f -name 'root-*.cpio.gz*' \
		! -name "root-$ROOT_RECIPE.cpio.gz" ! -name "root-$ROOT_RECIPE.cpio.gz.files" -delete
}

# Two builds' test runs may fill the cache at once: one does, the other waits.
mkdir -p "$(dirname "$PAL_VM_CACHE")" && exec 9>>"$PAL_VM_CACHE.lock" ||
	missing "cannot create $PAL_VM_CACHE.lock"
flock 9
fetch_kernel
make_root
flock -u 9
exec 9>&-

# Palisade runs on the root's own libraries: each one ldd lists must be
# there (the recipe names their packages).
for lib in $(ldd "$PALISADE" 2>/dev/null | grep -oE '/[^ ]+'); do
	grep -qxF -e ".$lib" -e "./usr$lib" "$ROOT_CPIO.files" ||
		bail_out "the root $ROOT_RECIPE has no $lib (ldd $PALISADE): add its package to ROOT_PKGS"
done

# ------------------------------------------------------------ the overlay

R=$W/overlay
mkdir -p "$R"/usr/sbin "$R"/usr/bin "$R"/usr/share/palisade "$R"/etc/systemd/system \
	"$R"/palvm/cases || bail_out "cannot make $R"
cp "$PALISADE" "$R/usr/sbin/palisade" &&
	cp "$PAL_PROBE" "$R/usr/bin/probe" &&
	cp -r "$PAL_PROFILES" "$R/usr/share/palisade/profiles" &&
	cp "$here/systemd/init" "$R/init" &&
	cp "$here/systemd/palvm.target" "$here/systemd/palvm.service" "$R/etc/systemd/system/" &&
	cp "$here/systemd/run" "$R/palvm/run" &&
	cp "$here/guest/lib.sh" "$R/palvm/lib.sh" &&
	cp "$here"/systemd/cases/*.sh "$R/palvm/cases/" &&
	chmod 755 "$R/init" "$R/palvm/run" || bail_out "cannot copy the guest files"

# The kernel unpacks concatenated archives in turn, the later over the
# earlier: the cached root, then this run's files.
(cd "$R" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --quiet) |
	gzip -1 >"$W/overlay.cpio.gz" && cat "$ROOT_CPIO" "$W/overlay.cpio.gz" >"$W/initrd.gz" ||
	bail_out "cpio of the initramfs failed"
diag "kernel: $KSRC"
diag "root: $RSRC"
diag "initramfs: $(du -k "$W/initrd.gz" | cut -f1) KiB compressed"

# ------------------------------------------------------------ boot

t_boot=$(date +%s.%N)
(exec timeout -k 10 "$PAL_VM_TIMEOUT" \
	qemu-system-x86_64 -accel tcg -cpu max -m "$PAL_VM_MEM" -smp 2 \
	-kernel "$VMLINUZ" -initrd "$W/initrd.gz" \
	-append "console=ttyS0 quiet loglevel=1 panic=-1 systemd.unit=palvm.target systemd.show_status=0" \
	-nographic -monitor none -no-reboot \
	</dev/null >"$W/console.raw" 2>"$W/qemu.err") &
QEMU_PID=$!
wait "$QEMU_PID"
qrc=$?
QEMU_PID=
t_end=$(date +%s.%N)
tr -d '\r' <"$W/console.raw" >"$W/console"


console_tail() {
	diag "--- last 40 lines of the guest console ($(wc -l <"$W/console") lines) ---"
	diag "$(tail -n 40 "$W/console")"
	if [ -s "$W/qemu.err" ]; then
		diag "--- qemu stderr ---"
		diag "$(tail -n 10 "$W/qemu.err")"
	fi
}

# Kernel messages can land in the middle of a guest line; the guest turns
# most of them off (kernel.printk), and a line cut that way is reported as
# missing from the plan rather than misread.
guest_plan=
results=0
booted=
end_marker=
guest_boot=
guest_end=
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

fail=0
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
