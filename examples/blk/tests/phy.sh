#!/bin/sh
# SPDX-License-Identifier: MIT
# phy.sh BINDIR: the "phy:" path. A loop device over a file is served
# with O_DIRECT: unaligned round trip, discard, flush, and the backing
# file checked. Needs root and a free loop device; where there is none
# the test says so and exits 77, which ctest reports as skipped (never as
# passed) -- unless SRING_REQUIRE_PHY=1 (the CMake option of that name)
# or CI=true (set by the CI environment) is set, and then it fails, so
# CI cannot lose this test to a missing loop device.
. "$(dirname "$0")/lib.sh" "$1"
truncate -s 16M "$T/backing.img"
if ! LOOP=$(losetup -f --show "$T/backing.img" 2>"$T/losetup.log"); then
	if [ "${SRING_REQUIRE_PHY:-0}" = 1 ] || [ "${CI:-}" = true ]; then
		fail "phy: no loop device here ($(cat "$T/losetup.log")) and it is required (SRING_REQUIRE_PHY=1 or CI=true)"
	fi
	echo "phy: no loop device here ($(cat "$T/losetup.log")): skipped"
	exit 77
fi
trap 'losetup -d "$LOOP" 2>/dev/null || true; cleanup' EXIT
start_backend p "$LOOP"
grep -q "(phy," "$T/p.log" || fail "back end did not take the phy path"
head -c 3000001 /dev/urandom >"$T/data"
front p write 4097 <"$T/data" || fail "write"
front p read 4097 3000001 >"$T/back" || fail "read back"
cmp "$T/back" "$T/data" || fail "read back differs"
front p flush || fail "flush"
# The range is written first: on the sparse backing file a discard that
# did nothing would otherwise still read as zeroes.
head -c 1M /dev/urandom >"$T/fill"
front p write 8M <"$T/fill" || fail "write before discard"
front p discard 8M 1M || fail "discard"
# Exactly 1 MiB of zero bytes: a failed, empty or short read fails too.
front p read 8M 1M >"$T/discarded" || fail "read of the discarded range"
head -c 1M /dev/zero | cmp - "$T/discarded" ||
	fail "discarded range does not read as 1M zero bytes"
sync
dd if="$T/backing.img" bs=4097 skip=1 status=none | head -c 3000001 |
	cmp - "$T/data" || fail "backing file differs"
echo "phy: $LOOP served with O_DIRECT; round trip, flush, discard ok"
