#!/bin/sh
# SPDX-License-Identifier: MIT
# nbd.sh BINDIR: standard NBD clients (nbdinfo, nbdcopy from libnbd-bin;
# qemu-img, qemu-io from qemu-utils) against sring-blkfront's export:
# whole images copied in and out through the ring and compared by
# checksum, qemu-io patterns verified, discard reaching the image.
. "$(dirname "$0")/lib.sh" "$1"
for tool in nbdinfo nbdcopy qemu-img qemu-io; do
	command -v $tool >/dev/null ||
		fail "$tool missing (scripts/install-deps installs it)"
done
mb=32
truncate -s ${mb}M "$T/disk.img"
start_backend b "$T/disk.img"
start_nbd b
URI="nbd://127.0.0.1:$PORT"
TO="timeout 120"

[ "$($TO nbdinfo --size "$URI")" = $((mb * 1024 * 1024)) ] ||
	fail "nbdinfo --size"
$TO nbdinfo "$URI" >"$T/info.txt" || fail "nbdinfo"
grep -q "can_trim: true" "$T/info.txt" || fail "export does not offer trim"
grep -q "can_flush: true" "$T/info.txt" || fail "export does not offer flush"

# In with qemu-img, out with nbdcopy.
head -c ${mb}M /dev/urandom >"$T/src1"
$TO qemu-img convert -n -f raw -O raw "$T/src1" "$URI" ||
	fail "qemu-img convert in"
$TO nbdcopy "$URI" "$T/out1" || fail "nbdcopy out"
sum_src=$(sha256sum <"$T/src1")
[ "$(sha256sum <"$T/out1")" = "$sum_src" ] || fail "nbdcopy out differs"
[ "$(sha256sum <"$T/disk.img")" = "$sum_src" ] ||
	fail "image differs after qemu-img convert"

# In with nbdcopy, out with qemu-img; qemu-img compare over NBD.
head -c ${mb}M /dev/urandom >"$T/src2"
$TO nbdcopy "$T/src2" "$URI" || fail "nbdcopy in"
$TO qemu-img convert -f raw -O raw "$URI" "$T/out2" ||
	fail "qemu-img convert out"
sum_src=$(sha256sum <"$T/src2")
[ "$(sha256sum <"$T/out2")" = "$sum_src" ] || fail "qemu-img out differs"
[ "$(sha256sum <"$T/disk.img")" = "$sum_src" ] ||
	fail "image differs after nbdcopy"
$TO qemu-img compare -f raw -F raw "$URI" "$T/src2" >/dev/null ||
	fail "qemu-img compare"

# qemu-io: patterns at aligned and unaligned places, verified on read;
# discard must read back as zeroes (hole punched in the image).
$TO qemu-io -f raw \
	-c 'write -P 0xa5 0 1M' -c 'read -P 0xa5 0 1M' \
	-c 'write -P 0x3c 1000 70001' -c 'read -P 0x3c 1000 70001' \
	-c 'read -P 0xa5 71001 10000' -c 'read -P 0xa5 0 1000' \
	-c 'aio_write -P 0x11 2M 64k' -c 'aio_write -P 0x22 3M 64k' \
	-c 'aio_flush' -c 'read -P 0x11 2M 64k' -c 'read -P 0x22 3M 64k' \
	-c 'writev -P 0x77 5M 4k 8k 512' -c 'readv -P 0x77 5M 12800' \
	-c 'discard 8M 1M' -c 'read -P 0 8M 1M' -c 'flush' \
	"$URI" >"$T/qemu-io.txt" 2>&1 || fail "qemu-io exited non-zero"
if grep -Eiq "fail|error|mismatch" "$T/qemu-io.txt"; then
	cat "$T/qemu-io.txt" >&2
	fail "qemu-io reported a failure"
fi
[ "$(grep -c '^read ' "$T/qemu-io.txt")" -ge 7 ] ||
	{ cat "$T/qemu-io.txt" >&2; fail "qemu-io did not run every read"; }
# A wrong pattern must be noticed (the check above can fail).
$TO qemu-io -f raw -c 'read -P 0x99 0 4k' "$URI" >"$T/neg.txt" 2>&1 || true
grep -qi "fail" "$T/neg.txt" || fail "qemu-io did not see a wrong pattern"
# And the image file itself has the pattern.
head -c 12800 /dev/zero | tr '\000' '\167' >"$T/p77"
dd if="$T/disk.img" bs=1M skip=5 count=1 status=none | head -c 12800 |
	cmp - "$T/p77" || fail "image lacks qemu-io's writev pattern"
echo "nbd: nbdinfo, nbdcopy, qemu-img and qemu-io through the ring agree"
