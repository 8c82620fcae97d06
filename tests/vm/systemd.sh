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
# Steps 1 and 4 are tests/vm/lib.sh's, shared with run.sh: this script says
# what goes into the image and how the guest is booted.
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
# shellcheck source=SCRIPTDIR/lib.sh
. "$here/lib.sh"
: "${PAL_VM_MEM:=2048}"
: "${PAL_VM_MIRROR:=http://deb.debian.org/debian}"

# The root's recipe.  Bump ROOT_RECIPE whenever ROOT_SUITE, ROOT_PKGS or
# the mmdebstrap options below change: the cached archive is named by it.
ROOT_RECIPE=bookworm-systemd-1
ROOT_SUITE=bookworm
# dbus: runc 1.1's systemd driver talks to systemd over the system bus.
# The libraries are what `ldd palisade` lists (checked before each boot).
ROOT_PKGS=systemd,systemd-sysv,dbus,runc,busybox-static,jq,libbpf1,libseccomp2,libyajl2,libcap2,libmnl0,libelf1
ROOT_CPIO=$PAL_VM_CACHE/root-$ROOT_RECIPE.cpio.gz

vm_require "apt-get download and mmdebstrap into $PAL_VM_CACHE" \
	"apt-get install qemu-system-x86 cpio mmdebstrap" mmdebstrap
vm_require_build
vm_start palisade-vmsd

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

# The kernel as run.sh's (tests/vm/lib.sh: the same cache, names and
# lock), then the root.
vm_locked vm_fetch_kernel make_root

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
	cp "$here/systemd/palvm.target" "$here/systemd/palvm.service" \
		"$here/../../contrib/systemd/palisade-monitor.service" "$R/etc/systemd/system/" &&
	cp "$here/systemd/run" "$R/palvm/run" &&
	cp "$here/guest/lib.sh" "$R/palvm/lib.sh" &&
	cp "$here"/systemd/cases/*.sh "$R/palvm/cases/" &&
	chmod 755 "$R/init" "$R/palvm/run" || bail_out "cannot copy the guest files"

# The kernel unpacks concatenated archives in turn, the later over the
# earlier: the cached root, then this run's files.
vm_cpio "$R" "$W/overlay.cpio.gz" && cat "$ROOT_CPIO" "$W/overlay.cpio.gz" >"$W/initrd.gz" ||
	bail_out "cpio of the initramfs failed"
diag "kernel: $KSRC"
diag "root: $RSRC"
diag "initramfs: $(du -k "$W/initrd.gz" | cut -f1) KiB compressed"

vm_boot "console=ttyS0 quiet loglevel=1 panic=-1 systemd.unit=palvm.target systemd.show_status=0"
vm_results
