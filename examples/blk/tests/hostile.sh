#!/bin/sh
# SPDX-License-Identifier: MIT
# hostile.sh BINDIR: a well-behaved front end connects (an NBD export),
# then blk-hostile runs its cases in both wire formats against the same
# back end: garbage, bad grants, read-only grants, out-of-range sectors,
# corrupt ring indices, corrupt xenbus messages. The back end must answer
# errors or disconnect, never touch what was not granted (blk-hostile
# checks its pages), never write outside the image or outside the
# sectors blk-hostile may use, and the first connection must keep
# working throughout.
. "$(dirname "$0")/lib.sh" "$1"
truncate -s 16M "$T/disk.img"
head -c 16M /dev/urandom >"$T/disk.img"
cp "$T/disk.img" "$T/orig.img"
start_backend b "$T/disk.img"
bpid=$LAST_PID
start_nbd b --ring-page-order 1
URI="nbd://127.0.0.1:$PORT"
TO="timeout 60"

head -c 1M /dev/urandom >"$T/good"
$TO nbdcopy "$T/good" "$URI" || fail "good front end, before"
# While the hostile front ends run, the good one keeps copying through
# the same back end.
( i=0; while [ $i -lt 20 ]; do
	$TO nbdcopy "$T/good" "$URI" && $TO nbdcopy "$URI" "$T/busy" &&
		head -c 1M "$T/busy" | cmp -s - "$T/good" ||
		{ echo bad >"$T/busy.fail"; exit 1; }
	i=$((i + 1))
done; echo done >"$T/busy.done" ) &
busy=$!
PIDS="$PIDS $busy"
$TO "$BIN/blk-hostile" --socket "$T/b.sock" >"$T/hostile64.log" 2>&1 ||
	fail "blk-hostile (x86_64-abi) found misbehaviour"
kill -0 "$bpid" || fail "back end died"
$TO "$BIN/blk-hostile" --socket "$T/b.sock" --protocol x86_32-abi \
	>"$T/hostile32.log" 2>&1 ||
	fail "blk-hostile (x86_32-abi) found misbehaviour"
kill -0 "$bpid" || fail "back end died"
wait "$busy" || fail "the good connection failed while under attack"
[ -f "$T/busy.done" ] && [ ! -f "$T/busy.fail" ] ||
	fail "the good connection's copies did not all complete"
grep -q "^0 failures" "$T/hostile64.log" || fail "hostile64 incomplete"
grep -q "^0 failures" "$T/hostile32.log" || fail "hostile32 incomplete"
[ "$(grep -c '^ok:' "$T/hostile64.log")" -ge 31 ] ||
	fail "hostile64 ran too few cases"

# The well-behaved connection, made before, still works.
head -c 1M /dev/urandom >"$T/good2"
$TO nbdcopy "$T/good2" "$URI" || fail "good front end, after"
$TO nbdcopy "$URI" "$T/back" || fail "good front end read, after"
head -c 1M "$T/back" | cmp - "$T/good2" || fail "good data differs"
grep -q "protocol violation: corrupt ring indices" "$T/b.log" ||
	fail "back end did not report the corrupt indices"

# Nothing outside what was allowed changed: blk-hostile writes the last
# 64 sectors (32 KiB), the good front end the first MiB; the rest and the
# size are as before.
[ "$(stat -c %s "$T/disk.img")" = $((16 * 1024 * 1024)) ] ||
	fail "image size changed"
cmp -i 1048576 -n $((15 * 1024 * 1024 - 32768)) "$T/disk.img" \
	"$T/orig.img" ||
	fail "image changed outside the allowed range"
head -c 1M "$T/disk.img" | cmp - "$T/good2" || fail "image first MiB"
# A fresh front end can still connect.
"$BIN/sring-blkfront" --socket "$T/b.sock" info >/dev/null ||
	fail "new connection after the hostile ones"
echo "hostile: $(grep -c '^ok:' "$T/hostile64.log") cases per format" \
	"behaved; the other connection kept working"
