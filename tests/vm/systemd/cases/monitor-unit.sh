# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=sh
#
# contrib/systemd/palisade-monitor.service as a user installs it: systemd
# starts the monitor with the unit's capability bounding set and sandboxing,
# it loads what it needs, drops to CAP_BPF, writes a denied LSM operation of
# a container to the default log /var/log/palisade/violations.log (the
# unit's LogsDirectory), and stops cleanly.  The unit reads the guest's
# palisade.conf through a drop-in, as an administrator's override would.

W=$PALVM_WORK/unit
LOG=/var/log/palisade/violations.log
mkdir -p "$W" /etc/systemd/system/palisade-monitor.service.d
printf '[Service]\nEnvironment=PALISADE_CONFIG=%s\n' "$PALISADE_CONFIG" \
	>/etc/systemd/system/palisade-monitor.service.d/palvm.conf
systemctl daemon-reload

ok "unit: systemctl start palisade-monitor" systemctl start palisade-monitor
for _ in $(seq 100); do [ -s /run/palisade/monitor.pid ] && break; sleep 0.1; done
mp=$(systemctl show -p MainPID --value palisade-monitor)
is "$(cat /run/palisade/monitor.pid 2>/dev/null)" "$mp" "unit: the service's main pid is the monitor's"
is "$(sed -n 's/^CapEff:\t//p' "/proc/$mp/status")" 0000008000000000 \
	"unit: the monitor keeps only CAP_BPF"

jq -n '{description: "VM test: monitor unit", bpf: {lsm: "required",
	files: {action: "deny", deny: ["/secret"]}}}' >/palvm/profiles/unit.json
make_bundle "$W/b" sh -c 'probe open /secret' >&2
echo s >"$W/b/rootfs/secret"
spec_edit "$W/b" '.annotations["io.palisade.profile"] = "unit"'
out=$(pal run -b "$W/b" unit1 2>&1)
like "$out" "errno=1 EPERM" "unit: the container's open of /secret is denied"
for _ in $(seq 40); do grep -q '"unit1"' "$LOG" 2>/dev/null && break; sleep 0.05; done
is "$(jq -r 'select(.container.id == "unit1") | "\(.hook) \(.rule) \(.verdict) \(.detail.path)"' "$LOG" 2>/dev/null)" \
	"file_open files deny /secret" "unit: one line in /var/log/palisade/violations.log"

ok "unit: systemctl stop" systemctl stop palisade-monitor
is "$(systemctl show -p ExecMainStatus --value palisade-monitor)" 0 "unit: the monitor exited with 0"
ok "unit: its pid file is gone" test ! -e /run/palisade/monitor.pid
