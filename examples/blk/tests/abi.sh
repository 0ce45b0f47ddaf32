#!/bin/sh
# SPDX-License-Identifier: MIT
# abi.sh BINDIR: one back end, two front ends at once, one forced to the
# x86_32-abi wire format and one x86_64-abi, each writing and reading its
# own half of the disk (the first with 256-segment indirect requests,
# the second with direct ones only); then each reads the other's half.
. "$(dirname "$0")/lib.sh" "$1"
truncate -s 16M "$T/disk.img"
start_backend b "$T/disk.img"
head -c 8M /dev/urandom >"$T/a"
head -c 8M /dev/urandom >"$T/b"
front b --protocol x86_32-abi --ring-page-order 0 --indirect 256 -v \
	write 0 <"$T/a" \
	2>"$T/f32.log" & p32=$!
front b --protocol x86_64-abi --ring-page-order 2 --indirect 0 -v \
	write 8M <"$T/b" \
	2>"$T/f64.log" & p64=$!
wait $p32 || fail "x86_32 write"
wait $p64 || fail "x86_64 write"
front b --protocol x86_32-abi read 8M 8M | cmp - "$T/b" ||
	fail "x86_32 front end reads the other's data wrong"
front b --protocol x86_64-abi read 0 8M | cmp - "$T/a" ||
	fail "x86_64 front end reads the other's data wrong"
front b --protocol x86_32-abi info | grep -qx "protocol: x86_32-abi" ||
	fail "info does not show x86_32-abi"
grep -q "up to 256 pages a request (indirect)" "$T/f32.log" ||
	fail "x86_32 front end did not use indirect requests"
grep -q "up to 11 pages a request$" "$T/f64.log" ||
	fail "x86_64 front end used indirect requests with --indirect 0"
grep -q "x86_32-abi" "$T/b.log" || fail "back end did not see x86_32-abi"
head -c 8M "$T/disk.img" | cmp - "$T/a" || fail "image (first half)"
tail -c 8M "$T/disk.img" | cmp - "$T/b" || fail "image (second half)"
echo "abi: x86_32-abi and x86_64-abi front ends served together"
