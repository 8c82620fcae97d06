#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The VM test harness (issue 4): BPF LSM cannot load on this project's own
# hosts (../../FACTS: "program_type lsm is NOT available"), so the LSM hooks
# are tested in a QEMU guest that runs Debian's cloud kernel, whose default
# LSM list has "bpf".  This script, a TAP producer run by `make check`:
#
#   1. fetches the kernel package `apt-cache depends linux-image-cloud-amd64`
#      names with `apt-get download` into $PAL_VM_CACHE (default
#      /var/cache/palisade/vm, kept between runs and fresh clones) and takes
#      its vmlinuz out;
#   2. builds an initramfs in a temporary directory: busybox, the freshly
#      built palisade ($PALISADE), the static probe ($PAL_PROBE), runc, jq,
#      their shared libraries, the shipped profiles and tests/vm/guest/;
#   3. boots it ONCE under `qemu-system-x86_64 -accel tcg` (KVM hangs on
#      these machines) with a hard time limit, every case batched into that
#      boot; the guest reports over the serial console, the only channel:
#      the cloud kernel's virtio and 9p drivers are modules;
#   4. turns the guest's "PALVM: " lines into this script's TAP stream.
#
# Steps 1, 3 and 4 are tests/vm/lib.sh's, shared with systemd.sh: this
# script says what goes into the image and how the guest is booted.
#
# A boot that fails, panics, times out or ends without the guest's end
# marker is a failure that shows the tail of the console.  Skipped (exit
# with a "1..0 # SKIP" plan) only when not root, when PAL_SKIP_INTEGRATION
# is set, or in the sanitizer build (PAL_SANITIZERS, from Makefile.am: an
# ASan palisade under TCG emulation is too slow and the plain build runs
# the same cases); with CI=true a missing package or kernel fails.
#
# Environment: PALISADE, PAL_PROBE, PAL_PROFILES (set by Makefile.am),
# PAL_VM_CACHE, PAL_VM_TIMEOUT (seconds, default 600), PAL_VM_MEM (MiB,
# default 1024), PAL_VM_KEEP=1 keeps the work directory (path printed),
# PAL_VM_CASES="smoke lsm" runs only those guest case files.

set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=SCRIPTDIR/lib.sh
. "$here/lib.sh"
: "${PAL_VM_MEM:=1024}"
: "${PAL_VM_CASES:=}"
RUNC=${RUNC:-/usr/sbin/runc}
BUSYBOX=${BUSYBOX:-/bin/busybox}
JQ=${JQ:-/usr/bin/jq}

vm_require "apt-get download into $PAL_VM_CACHE, runc in the guest" \
	"apt-get install qemu-system-x86 cpio"
[ -x "$RUNC" ] || missing "runc not found at $RUNC"
[ -x "$JQ" ] || missing "jq not found at $JQ"
[ -x "$BUSYBOX" ] && ! ldd "$BUSYBOX" >/dev/null 2>&1 ||
	missing "$BUSYBOX is not a static busybox (apt-get install busybox-static)"
vm_require_build
vm_start palisade-vm
vm_locked vm_fetch_kernel

# ------------------------------------------------------------ the initramfs

R=$W/root
mkdir -p "$R"/{bin,sbin,usr/bin,usr/sbin,lib,lib64,etc,proc,sys,dev,tmp,run,newroot} \
	"$R"/usr/share/palisade "$R"/palvm || bail_out "cannot make $R"

# copy_bin SRC DST: the binary and every library ldd names, at the same
# paths (the dynamic loader included).
copy_bin() {
	local src=$1 dst=$2 lib
	cp -L "$src" "$R$dst" || bail_out "cannot copy $src"
	ldd "$src" 2>/dev/null | grep -oE '/[^ ]+' | while read -r lib; do
		[ -e "$R$lib" ] && continue
		mkdir -p "$R$(dirname "$lib")" && cp -L "$lib" "$R$lib" || exit 1
	done || bail_out "cannot copy the libraries of $src"
}

cp "$BUSYBOX" "$R/bin/busybox" || bail_out "cannot copy $BUSYBOX"
# The kernel opens /dev/console for init before anything is mounted.
mknod -m 600 "$R/dev/console" c 5 1 || bail_out "mknod $R/dev/console"
for a in $("$BUSYBOX" --list); do
	case $a in
	busybox | modprobe | insmod | depmod | rmmod | lsmod) ;; # no modules in the guest
	*) ln -s busybox "$R/bin/$a" ;;
	esac
done
copy_bin "$PALISADE" /usr/sbin/palisade
copy_bin "$RUNC" /usr/sbin/runc
copy_bin "$JQ" /usr/bin/jq
cp "$PAL_PROBE" "$R/usr/bin/probe" || bail_out "cannot copy $PAL_PROBE"
cp -r "$PAL_PROFILES" "$R/usr/share/palisade/profiles" || bail_out "cannot copy $PAL_PROFILES"
cp "$here/guest/init" "$R/init" && chmod 755 "$R/init" &&
	cp "$here/guest/lib.sh" "$R/palvm/lib.sh" &&
	mkdir -p "$R/palvm/cases" || bail_out "cannot copy the guest files"
for f in "$here"/guest/cases/*.sh; do
	c=$(basename "$f" .sh)
	if [ -n "$PAL_VM_CASES" ] && ! printf ' %s ' "$PAL_VM_CASES" | grep -q " ${c#[0-9][0-9]-} "; then
		continue
	fi
	cp "$f" "$R/palvm/cases/" || bail_out "cannot copy $f"
done
printf 'root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000:user:/tmp:/bin/sh\n' >"$R/etc/passwd"
printf 'root:x:0:\nuser:x:1000:\n' >"$R/etc/group"

vm_cpio "$R" "$W/initrd.gz" || bail_out "cpio of the initramfs failed"
diag "kernel: $KSRC"
diag "initramfs: $(du -k "$W/initrd.gz" | cut -f1) KiB compressed"

vm_boot "console=ttyS0 quiet panic=-1"
vm_results
