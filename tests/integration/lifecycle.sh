#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# A container's whole life through Palisade: create, start, state, exec, ps,
# pause/resume, update, kill, delete; run in the foreground and detached;
# --pid-file, --console-socket, stdin.  Results are compared with bare runc
# on an equivalent container where the output is deterministic.
. "${PAL_TESTLIB:-$(dirname "$0")/lib.sh}"

pal_require_all
pal_tmp
write_conf

P=p$TAG
R=r$TAG

# ------------------------------------------------------------- create/start/kill/delete
make_bundle "$T/b1"
run pal create -b "$T/b1" --pid-file "$T/b1.pid" "$P-1"
is "$RC" 0 "create exits 0" || diag_val stderr "$ERR"
is "$OUT" "" "create prints nothing"
is "$(state_status "$P-1")" created "state after create: created"
run pal state "$P-1"
is "$RC" 0 "palisade state exits 0"
is "$(printf '%s' "$OUT" | jq -r .status)" created "palisade state: created"
is "$(printf '%s' "$OUT" | jq -r .bundle)" "$T/b1" "palisade state: the bundle"
ok "--pid-file written" test -s "$T/b1.pid"
is "$(cat "$T/b1.pid" 2>/dev/null)" "$(printf '%s' "$OUT" | jq -r .pid)" "--pid-file holds the init pid"
run pal start "$P-1"
is "$RC" 0 "start exits 0"
ok "state after start: running" wait_status "$P-1" running
run pal ps "$P-1"
is "$RC" 0 "ps exits 0"
like "$OUT" "sleep 1000" "ps shows the process"

# exec: output, stderr and exit code, compared with runc's on its container.
make_bundle "$T/r1"
brunc run -d -b "$T/r1" "$R-1" >/dev/null 2>&1
run pal exec "$P-1" sh -c 'echo out; echo err >&2; exit 3'
prc=$RC pout=$OUT perr=$ERR
run brunc exec "$R-1" sh -c 'echo out; echo err >&2; exit 3'
is "$prc" 3 "exec: the process's exit code (3)"
is "$prc" "$RC" "exec: exit code equal to runc's"
is "$pout" "out" "exec: stdout"
is "$perr" "err" "exec: stderr"
is "$pout|$perr" "$OUT|$ERR" "exec: stdout/stderr equal to runc's"
run_in "from-stdin" pal exec "$P-1" cat
is "$OUT" "from-stdin" "exec: stdin reaches the process"
run pal exec --env FOO=bar --cwd /tmp "$P-1" sh -c 'echo "$FOO $(pwd)"'
is "$OUT" "bar /tmp" "exec --env --cwd passed through"
run pal exec "$P-1" sh -c 'kill -9 $$'
prc=$RC
run brunc exec "$R-1" sh -c 'kill -9 $$'
is "$prc" "$RC" "exec: exit code of a killed process equal to runc's ($RC)"
run pal exec -d "$P-1" sleep 999
is "$RC" 0 "exec -d exits 0"
sleep 0.2
like "$(pal ps "$P-1")" "sleep 999" "exec -d: the process runs in the container"
is "$(pal ps --format json "$P-1" | jq length)" 2 "ps --format json: two processes"

# pause / resume
run pal pause "$P-1"
is "$RC" 0 "pause exits 0"
is "$(pal state "$P-1" | jq -r .status)" paused "state after pause: paused"
like "$(pal list)" "$P-1 +[0-9]+ +paused" "list shows paused"
run pal resume "$P-1"
is "$RC" 0 "resume exits 0"
is "$(pal state "$P-1" | jq -r .status)" running "state after resume: running"

# update: hybrid cgroups (v1 controllers); compare with runc.
run pal update --memory 64M "$P-1"
prc=$RC
run brunc update --memory 64M "$R-1"
is "$prc" "$RC" "update --memory 64M: exit code equal to runc's ($RC)"
is "$(pal events --stats "$P-1" | jq -r .data.memory.usage.limit)" \
	"$(brunc events --stats "$R-1" | jq -r .data.memory.usage.limit)" \
	"update --memory: limit equal to runc's"
is "$(pal events --stats "$P-1" | jq -r .data.memory.usage.limit)" 67108864 "update --memory: limit is 64 MiB"
run pal update --pids-limit 50 "$P-1"
prc=$RC
run brunc update --pids-limit 50 "$R-1"
is "$prc" "$RC" "update --pids-limit 50: exit code equal to runc's ($RC)"
is "$(pal events --stats "$P-1" | jq -r .data.pids.limit)" 50 "update --pids-limit: limit is 50"
run pal update --pids-limit 60 --memory 32M "$P-1"
is "$RC" 0 "update with two flags exits 0"
is "$(pal events --stats "$P-1" | jq -c '[.data.pids.limit, .data.memory.usage.limit]')" "[60,33554432]" \
	"update with two flags: both applied"

run pal kill "$P-1" KILL
is "$RC" 0 "kill KILL exits 0"
ok "state after kill: stopped" wait_status "$P-1" stopped
run pal delete "$P-1"
is "$RC" 0 "delete exits 0"
ok "after delete: gone from list and state" container_absent "$P-1"
force_delete "$R-1"

# ------------------------------------------------------------- run (foreground)
make_bundle "$T/b2" sh -c 'echo hi; echo oops >&2; exit 7'
make_bundle "$T/r2" sh -c 'echo hi; echo oops >&2; exit 7'
run pal run -b "$T/b2" "$P-2"
prc=$RC pout=$OUT perr=$ERR
run brunc run -b "$T/r2" "$R-2"
is "$prc" 7 "run: the container's exit code (7)"
is "$prc" "$RC" "run: exit code equal to runc's"
is "$pout" "hi" "run: stdout"
is "$perr" "oops" "run: stderr"
is "$pout|$perr" "$OUT|$ERR" "run: output equal to runc's"
ok "run: container gone afterwards" container_absent "$P-2"

make_bundle "$T/b3" sh -c 'kill -9 $$'
make_bundle "$T/r3" sh -c 'kill -9 $$'
run pal run -b "$T/b3" "$P-3"
prc=$RC
run brunc run -b "$T/r3" "$R-3"
is "$prc" "$RC" "run: exit code of a killed init equal to runc's ($RC)"
ok "run (killed): container gone afterwards" container_absent "$P-3"

# stdin passthrough
make_bundle "$T/b4" cat
run_in "$(printf 'data\nline2')" pal run -b "$T/b4" "$P-4"
is "$RC" 0 "run cat: exits 0"
is "$OUT" "$(printf 'data\nline2')" "run: stdin reaches the container"
ok "run cat: container gone afterwards" container_absent "$P-4"

# cwd as the bundle (no -b)
make_bundle "$T/b5" sh -c 'echo from-cwd'
(cd "$T/b5" && run pal run "$P-5" && printf '%s\n' "$RC $OUT" >"$T/b5.res")
is "$(cat "$T/b5.res")" "0 from-cwd" "run with the bundle in the current directory"
ok "run (cwd): container gone afterwards" container_absent "$P-5"

# ------------------------------------------------------------- run --detach
make_bundle "$T/b6"
run pal run --detach --pid-file "$T/b6.pid" -b "$T/b6" "$P-6"
is "$RC" 0 "run --detach exits 0" || diag_val stderr "$ERR"
is "$(state_status "$P-6")" running "run --detach: running"
is "$(cat "$T/b6.pid" 2>/dev/null)" "$(brunc state "$P-6" | jq -r .pid)" "run --detach --pid-file holds the pid"
run pal exec "$P-6" echo inside
is "$OUT" "inside" "exec into the detached container"
run pal delete "$P-6"
isnt "$RC" 0 "delete of a running container fails (as runc's)"
ok "delete without --force left it running" wait_status "$P-6" running
run pal delete --force "$P-6"
is "$RC" 0 "delete --force exits 0"
ok "run --detach: gone after delete --force" container_absent "$P-6"

# run -d with the short flag
make_bundle "$T/b7"
run pal run -d -b "$T/b7" "$P-7"
is "$RC" 0 "run -d exits 0"
is "$(state_status "$P-7")" running "run -d: running"
run pal kill "$P-7" 9
is "$RC" 0 "kill ID 9 exits 0"
ok "kill 9: stopped" wait_status "$P-7" stopped
run pal delete "$P-7"
ok "run -d: gone after delete" container_absent "$P-7"

# ------------------------------------------------------------- --console-socket
if command -v python3 >/dev/null 2>&1 && python3 -c 'import socket; socket.recv_fds' 2>/dev/null; then
	cat >"$T/recv.py" <<'EOF'
import os, signal, socket, sys
path, out = sys.argv[1], sys.argv[2]
signal.alarm(30)
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(path)
s.listen(1)
open(path + ".ready", "w").close()
c, _ = s.accept()
msg, fds, flags, addr = socket.recv_fds(c, 4096, 1)
with open(out, "wb") as f:
    while True:
        try:
            d = os.read(fds[0], 4096)
        except OSError:
            break
        if not d:
            break
        f.write(d)
        f.flush()
EOF
	make_bundle "$T/b8" sh -c 'echo tty-ok; tty; sleep 0.2'
	spec_edit "$T/b8" '.process.terminal = true'
	python3 "$T/recv.py" "$T/cs.sock" "$T/cs.out" &
	recv_pid=$!
	bg_track "$recv_pid"
	for _ in $(seq 100); do
		[ -e "$T/cs.sock.ready" ] && break
		sleep 0.05
	done
	run pal create --console-socket "$T/cs.sock" -b "$T/b8" "$P-8"
	is "$RC" 0 "create --console-socket exits 0" || diag_val stderr "$ERR"
	run pal start "$P-8"
	is "$RC" 0 "start (terminal) exits 0"
	wait "$recv_pid"
	is "$(tr -d '\r' <"$T/cs.out" 2>/dev/null)" "$(printf 'tty-ok\n/dev/pts/0')" \
		"--console-socket: the receiver got the pty master and the output"
	ok "terminal container stopped" wait_status "$P-8" stopped
	pal delete "$P-8" >/dev/null 2>&1
	ok "terminal container gone after delete" container_absent "$P-8"
else
	skip_n 5 "--console-socket" "python3 with socket.recv_fds (3.9+) not available"
fi

ok "nothing left in the root" no_containers
done_testing
