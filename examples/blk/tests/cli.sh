#!/bin/sh
# SPDX-License-Identifier: MIT
# cli.sh BINDIR: bad arguments and missing files give a message and the
# documented exit code (2 usage, 3 no back end, 1 I/O error refused by
# the back end); read-only and discard behave.
. "$(dirname "$0")/lib.sh" "$1"
# expect CODE PATTERN CMD...: CMD exits CODE and stderr matches PATTERN.
expect() {
	code=$1
	pat=$2
	shift 2
	set +e
	"$@" >"$T/out" 2>"$T/err" </dev/null
	rc=$?
	set -e
	[ $rc = "$code" ] || fail "$*: exit $rc, want $code ($(cat "$T/err"))"
	grep -q -- "$pat" "$T/err" || fail "$*: no '$pat' in: $(cat "$T/err")"
}
BK="$BIN/sring-blkback"
FR="$BIN/sring-blkfront"
expect 2 "no IMAGE" "$BK"
expect 2 "No such file" "$BK" "$T/missing.img" --socket "$T/x.sock"
expect 2 "unexpected argument" "$BK" a b
expect 2 "no command" "$FR" --socket "$T/x.sock"
expect 2 "unknown command" "$FR" --socket "$T/x.sock" frobnicate
expect 2 "bad OFFSET" "$FR" --socket "$T/x.sock" read xyz 10
expect 2 "unknown protocol" "$FR" --protocol pdp11-abi info
expect 3 "cannot connect" "$FR" --socket "$T/x.sock" info
expect 2 "bad address or port" "$FR" --socket "$T/x.sock" nbd 99999
expect 2 "usage: bench" "$FR" --socket "$T/x.sock" bench --qd 0

head -c 4M /dev/urandom >"$T/disk.img"
start_backend ro "$T/disk.img" --read-only
front ro info | grep -q "read-only" || fail "info does not say read-only"
front ro info | grep -qx "feature-discard: 0" || fail "ro offers discard"
expect 1 "backend answered ERROR" "$FR" --socket "$T/ro.sock" write 0
printf 'x' >"$T/one"
set +e
"$FR" --socket "$T/ro.sock" write 0 <"$T/one" 2>"$T/err"
rc=$?
set -e
[ $rc = 1 ] || fail "write to read-only: exit $rc, want 1"
front ro read 0 4M >"$T/ro.out" || fail "read-only read"
cmp "$T/ro.out" "$T/disk.img" || fail "read-only read differs"
expect 2 "outside the disk" "$FR" --socket "$T/ro.sock" read 4M 1

cp "$T/disk.img" "$T/rw.img"
start_backend rw "$T/rw.img"
front rw discard 4096 65536 || fail "discard"
# Exactly 65536 zero bytes: a failed, empty or short read fails too.
front rw read 4096 65536 >"$T/discarded" || fail "read of the discarded range"
head -c 65536 /dev/zero | cmp - "$T/discarded" ||
	fail "discarded range does not read as 65536 zero bytes"
front rw flush || fail "flush"
cmp -n 4096 "$T/rw.img" "$T/disk.img" || fail "discard touched sector 0-7"
cmp -i 69632 "$T/rw.img" "$T/disk.img" || fail "discard went too far"
# bench: runs, reports, and refuses bad parameters (no timing checked).
front rw bench --ops 300 --qd 8 --rw 50 >"$T/bench.txt" || fail "bench"
grep -q "^ops: 300 in .*errors: 0$" "$T/bench.txt" || fail "bench ops line"
grep -q "^IOPS: " "$T/bench.txt" || fail "bench IOPS line"
grep -q "^latency us: min .* p50 .* p99 .* max " "$T/bench.txt" ||
	fail "bench latency line"
front rw bench --pattern seq --bs 128k --qd 2 --ops 40 >/dev/null ||
	fail "bench seq 128k"
expect 2 "bs must be" "$FR" --socket "$T/rw.sock" bench --bs 1000
expect 2 "read-only" "$FR" --socket "$T/ro.sock" bench --rw 50
echo "cli: usage errors, missing files, no back end, read-only, discard ok"
