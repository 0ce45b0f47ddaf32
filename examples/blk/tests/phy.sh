#!/bin/sh
# SPDX-License-Identifier: MIT
# phy.sh BINDIR: the "phy:" path. A loop device over a file is served
# with O_DIRECT: unaligned round trip, discard, flush, and the backing
# file checked. Needs root and a free loop device; where there is none
# the test says so and exits 77, which ctest reports as skipped (never as
# passed).
. "$(dirname "$0")/lib.sh" "$1"
truncate -s 16M "$T/backing.img"
if ! LOOP=$(losetup -f --show "$T/backing.img" 2>"$T/losetup.log"); then
	echo "phy: no loop device here ($(cat "$T/losetup.log")): skipped"
	exit 77
fi
trap 'losetup -d "$LOOP" 2>/dev/null || true; cleanup' EXIT
start_backend p "$LOOP"
grep -q "(phy," "$T/p.log" || fail "back end did not take the phy path"
head -c 3000001 /dev/urandom >"$T/data"
front p write 4097 <"$T/data" || fail "write"
front p read 4097 3000001 | cmp - "$T/data" || fail "read back differs"
front p flush || fail "flush"
front p discard 8M 1M || fail "discard"
front p read 8M 1M | cmp - /dev/zero 2>&1 | grep -q EOF ||
	fail "discarded range does not read as zeroes"
sync
dd if="$T/backing.img" bs=4097 skip=1 status=none | head -c 3000001 |
	cmp - "$T/data" || fail "backing file differs"
echo "phy: $LOOP served with O_DIRECT; round trip, flush, discard ok"
