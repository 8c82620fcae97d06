#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The README's two commands, for a fresh Debian 12 machine, as root:
#   bash contrib/quickstart.sh demo   install, build, run a container under Palisade
#   bash contrib/quickstart.sh test   install, build, run the whole test suite
# Both install what they need with apt-get first.  Builds happen out of tree
# under _build/ so the source tree stays clean.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

packages=(
	build-essential autoconf automake libtool pkg-config
	libseccomp-dev libcap-dev libbpf-dev libyajl-dev libmnl-dev libcmocka-dev
	runc busybox-static jq python3 ca-certificates
	clang llvm bpftool qemu-system-x86 cpio mmdebstrap
)

install_packages() {
	local missing=()
	for p in "${packages[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			missing+=("$p")
	done
	if ((${#missing[@]})); then
		echo "quickstart: installing ${missing[*]}"
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq
		apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
	fi
}

# build DIR [configure flags...]
build() {
	local dir=$1
	shift
	[ -x configure ] && [ configure -nt configure.ac ] && [ configure -nt Makefile.am ] ||
		autoreconf -fi >/dev/null
	mkdir -p "$dir"
	(cd "$dir" && "$top/configure" -q "$@" && make -s -j"$(nproc)")
}

demo() {
	build _build/release --enable-werror
	local pal=$top/_build/release/palisade t rc
	t=$(mktemp -d /tmp/palisade-demo.XXXXXX)
	# shellcheck disable=SC2064
	trap "runc --root '$t/root' delete --force palisade-demo >/dev/null 2>&1 || true; kill \$(cat '$t/state/monitor.pid' 2>/dev/null) 2>/dev/null; umount -l '$t/bpffs' 2>/dev/null; rm -rf '$t'" EXIT
	mkdir -p "$t/bundle/rootfs/bin" "$t/bundle/rootfs/tmp" "$t/state" "$t/bpffs"
	# BPF pins on a bpffs of the demo's own (gone with it); a host mounts
	# one at /sys/fs/bpf, Palisade's default bpf_dir is under it
	mount -t bpf bpf "$t/bpffs"
	cp /bin/busybox "$t/bundle/rootfs/bin/busybox"
	for a in sh echo cat grep id touch unshare true nc head sed; do ln -s busybox "$t/bundle/rootfs/bin/$a"; done
	(cd "$t/bundle" && runc spec)
	# a workload that tries three things the strict profile forbids
	jq '.process.terminal = false | .process.user = {uid: 1000, gid: 1000} |
	    .process.args = ["sh", "-c", "id; grep -E \"^(CapEff|NoNewPrivs|Seccomp):\" /proc/self/status; touch /x 2>/dev/null || echo \"blocked: write to the root filesystem (read-only)\"; unshare -U true 2>/dev/null || echo \"blocked: unshare(CLONE_NEWUSER) (seccomp: EPERM)\"; nc -w 1 169.254.169.254 80 </dev/null 2>&1 | head -n 1 | sed \"s/^/cloud metadata address: /\""]' \
		"$t/bundle/config.json" >"$t/c.json" && mv "$t/c.json" "$t/bundle/config.json"
	cp "$t/bundle/config.json" "$t/original.json"
	# the monitor (started by create: monitor.autostart) logs to the demo's dir
	jq -n --arg s "$t/state" --arg p "$top/profiles" --arg b "$t/bpffs/palisade" \
		--arg l "$t/violations.log" \
		'{runtime: "/usr/sbin/runc", state_dir: $s, bpf_dir: $b, profile_dirs: [$p], default_profile: "restricted",
		  monitor: {autostart: "start", log: $l}}' \
		>"$t/palisade.conf"
	export PALISADE_CONFIG=$t/palisade.conf

	echo "== the same workload under bare runc:"
	runc --root "$t/root" run --bundle "$t/bundle" palisade-demo || true
	echo "== under palisade, profile \"restricted\" (Pod Security Standards restricted + Palisade hardening):"
	"$pal" --root "$t/root" --log "$t/runc-log.json" --log-format json run --bundle "$t/bundle" palisade-demo
	echo "== exit code: $?"
	echo "== what the kernel denied, as the monitor logged it (palisade events; JSON lines in $t/violations.log):"
	sleep 0.5
	"$pal" events --file "$t/violations.log"
	tail -n 1 "$t/violations.log"
	echo "== and in --log (this host cannot run BPF LSM: the rules only it enforces are named):"
	jq -r 'select(.msg | test("BPF LSM")) | .msg' "$t/runc-log.json" | head -n 1
	echo "== what Palisade changed in config.json (palisade check on the original):"
	cp "$t/original.json" "$t/bundle/config.json"
	"$pal" check "$t/bundle" | head -n 25 || true
	echo "== the same bundle asking to run as root is refused, nothing is started:"
	jq '.process.user = {uid: 0, gid: 0}' "$t/original.json" >"$t/bundle/config.json"
	rc=0
	"$pal" --root "$t/root" --log "$t/runc-log.json" --log-format json run --bundle "$t/bundle" palisade-demo || rc=$?
	echo "== exit code: $rc; the refusal as containerd or conmon read it from --log:"
	tail -n 1 "$t/runc-log.json"
	echo "== a malformed config.json is refused and left as it was:"
	printf '{"ociVersion": "1.0.2", "process": {"args": ["sh"]},\n "process": {}}\n' >"$t/bundle/config.json"
	sum=$(sha256sum <"$t/bundle/config.json")
	if "$pal" --root "$t/root" create --bundle "$t/bundle" palisade-demo2; then
		echo "quickstart: expected a refusal" >&2
		exit 1
	fi
	[ "$sum" = "$(sha256sum <"$t/bundle/config.json")" ] && echo "== config.json unchanged"
}

# "N passed, N failed, N skipped" over every TAP result of the given builds
summary() {
	local results
	results=$(find "$@" -name '*.trs' -exec grep -h '^:test-result:' {} + 2>/dev/null || true)
	printf '%d passed, %d failed, %d skipped\n' \
		"$(grep -c 'PASS$' <<<"$results" || true)" \
		"$(grep -cE '(FAIL|ERROR)$' <<<"$results" || true)" \
		"$(grep -c 'SKIP$' <<<"$results" || true)"
}

test_all() {
	local werror=--enable-werror rc=0
	# 1. the suite, unit and integration, against real runc
	build _build/release $werror
	make -s -C _build/release check || rc=1
	# 2. the same suite built with ASan + UBSan
	build _build/asan $werror --enable-sanitizers
	((rc)) || make -s -C _build/asan check || rc=1
	# 3. the release tarball builds and passes its unit tests from a clean tree
	((rc)) || PAL_SKIP_INTEGRATION=1 make -s -C _build/release distcheck \
		DISTCHECK_CONFIGURE_FLAGS="$werror" >/dev/null || rc=1
	((rc)) || echo "quickstart: distcheck passed"
	echo "quickstart: $(summary _build/release _build/asan)"
	return "$rc"
}

case "${1:-}" in
demo)
	install_packages
	demo
	;;
test)
	install_packages
	test_all
	;;
*)
	echo "usage: $0 demo|test" >&2
	exit 2
	;;
esac
