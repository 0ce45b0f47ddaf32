#!/bin/sh
# SPDX-License-Identifier: MIT
# death.sh BINDIR: the back end dies (SIGKILL) in the middle of a long
# read, under an idle NBD export, and stops answering (SIGSTOP): each
# front end must say so and exit non-zero (3) within its timeout, never
# hang. And a front end with no back end at all exits 3 at once.
. "$(dirname "$0")/lib.sh" "$1"
truncate -s 64M "$T/disk.img"

# 1. Mid-stream: a slow reader keeps the read in progress.
start_backend b "$T/disk.img"
bpid=$LAST_PID
( rc=0; "$BIN/sring-blkfront" --socket "$T/b.sock" read 0 64M \
	2>"$T/f1.log" || rc=$?; echo $rc >"$T/rc1" ) | ( head -c 2M >/dev/null; sleep 0.5; cat >/dev/null ) &
rpid=$!
PIDS="$PIDS $rpid"
wait_log "$T/b.log" "connected"
kill -9 "$bpid"
i=0
while [ ! -s "$T/rc1" ]; do
	i=$((i + 1))
	[ $i -gt 200 ] && fail "front end hung after the back end died"
	sleep 0.05
done
[ "$(cat "$T/rc1")" = 3 ] || fail "mid-stream: exit $(cat "$T/rc1"), want 3"
grep -q "backend vanished" "$T/f1.log" || fail "mid-stream: no message"

# 2. Idle NBD export: the export ends when the back end dies.
start_backend b2 "$T/disk.img"
bpid=$LAST_PID
start_nbd b2
npid=$LAST_PID
kill -9 "$bpid"
i=0
while kill -0 "$npid" 2>/dev/null; do
	i=$((i + 1))
	[ $i -gt 100 ] && fail "nbd export did not notice the back end died"
	sleep 0.05
done
set +e
wait "$npid"
rc=$?
set -e
[ $rc = 3 ] || fail "nbd export: exit $rc, want 3"

# 3. A back end that stops answering mid-read (SIGSTOP): the front
# end's --timeout fires.
start_backend b3 "$T/disk.img"
bpid=$LAST_PID
( rc=0; timeout 60 "$BIN/sring-blkfront" --socket "$T/b3.sock" \
	--timeout 1000 read 0 64M 2>"$T/f3.log" || rc=$?; echo $rc >"$T/rc3" ) |
	( head -c 2M >/dev/null; sleep 0.5; cat >/dev/null ) &
PIDS="$PIDS $!"
wait_log "$T/b3.log" "connected"
kill -STOP "$bpid"
i=0
while [ ! -s "$T/rc3" ]; do
	i=$((i + 1))
	[ $i -gt 400 ] && { kill -CONT "$bpid"; fail "hung on a stopped back end"; }
	sleep 0.05
done
kill -CONT "$bpid"
[ "$(cat "$T/rc3")" = 3 ] || fail "stopped back end: exit $(cat "$T/rc3"), want 3"
grep -q "not responding" "$T/f3.log" || fail "stopped back end: no message"

# 4. No back end at all.
set +e
"$BIN/sring-blkfront" --socket "$T/nobody.sock" info 2>"$T/f4.log"
rc=$?
set -e
[ $rc = 3 ] || fail "no back end: exit $rc, want 3"
grep -q "cannot connect" "$T/f4.log" || fail "no back end: no message"
echo "death: killed, idle-killed, stopped and absent back ends all" \
	"reported with exit 3"
