#!/bin/sh
# SPDX-License-Identifier: MIT
# roundtrip.sh BINDIR [FRONT OPTIONS]: a multi-megabyte random file
# written through the front end at assorted offsets and sizes (aligned and
# not), read back and compared byte for byte, and the image file itself
# compared with the expected disk. With FRONT OPTIONS (e.g. --protocol
# x86_32-abi --ring-page-order 0) the same against the same back end.
. "$(dirname "$0")/lib.sh" "$1"
shift
FOPTS="$*" # front-end options: no spaces inside any of them
mb=8
[ "${SRING_TEST_QUICK:-0}" != 0 ] && mb=2
truncate -s 24M "$T/disk.img"
cp "$T/disk.img" "$T/expect.img"
start_backend b "$T/disk.img"
head -c $((mb * 1024 * 1024 + 777)) /dev/urandom >"$T/data"
size=$(wc -c <"$T/data")

# put OFFSET LENGTH SRC_OFFSET: write a slice through the ring and into
# the expected image.
put() {
	dd if="$T/data" of="$T/slice" bs=65536 skip="$3" count="$2" \
		iflag=skip_bytes,count_bytes status=none
	# shellcheck disable=SC2086
	front b $FOPTS write "$1" <"$T/slice" 2>>"$T/front.log" ||
		fail "write $2 bytes at $1"
	dd if="$T/slice" of="$T/expect.img" bs=4096 seek="$1" conv=notrunc \
		oflag=seek_bytes status=none
}
# The whole file at an unaligned offset, then pieces over it.
# shellcheck disable=SC2086
front b $FOPTS write 4097 <"$T/data" 2>>"$T/front.log" || fail "big write"
dd if="$T/data" of="$T/expect.img" bs=65536 seek=4097 conv=notrunc \
	oflag=seek_bytes status=none
# shellcheck disable=SC2086
front b $FOPTS read 4097 "$size" >"$T/back" 2>>"$T/front.log" ||
	fail "big read"
cmp "$T/data" "$T/back" || fail "read back differs from what was written"
for spec in "0 512 0" "512 4096 1000" "13 1 77" "65535 70001 3" \
	"1048576 1048576 5000" "3000000 45057 12345" \
	"$((24 * 1024 * 1024 - 4096)) 4096 99" \
	"$((24 * 1024 * 1024 - 1)) 1 5" "20000000 300000 200000"; do
	# shellcheck disable=SC2086
	put $spec
done
# shellcheck disable=SC2086
front b $FOPTS read 0 $((24 * 1024 * 1024)) >"$T/whole" \
	2>>"$T/front.log" || fail "whole read"
cmp "$T/whole" "$T/expect.img" || fail "disk read through the ring differs"
cmp "$T/disk.img" "$T/expect.img" || fail "image file differs"
# Past the end: refused before any I/O, exit code 2, image unchanged.
# shellcheck disable=SC2086
if front b $FOPTS read $((24 * 1024 * 1024 - 10)) 11 >/dev/null \
	2>>"$T/front.log"; then
	fail "read past the end succeeded"
fi
[ "$(stat -c %s "$T/disk.img")" = $((24 * 1024 * 1024)) ] ||
	fail "image size changed"
echo "roundtrip $FOPTS: $size bytes and 9 slices intact, image identical"
