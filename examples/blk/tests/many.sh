#!/bin/sh
# SPDX-License-Identifier: MIT
# many.sh BINDIR: one back end, five front ends at once: four keep their
# rings completely full (queue depth = ring slots, orders 0 and 4, both
# wire formats, direct and indirect), and one writes and reads back a
# file meanwhile (the benches stay in the first 32 MiB, the file goes at
# 40 MiB). No refusals, no disconnects, data intact.
. "$(dirname "$0")/lib.sh" "$1"
ops=20000
[ "${SRING_TEST_QUICK:-0}" != 0 ] && ops=3000
truncate -s 64M "$T/disk.img"
start_backend b "$T/disk.img"
i=0
for args in "--ring-page-order 4 bench --qd 512 --rw 50" \
	"--ring-page-order 0 --protocol x86_32-abi bench --qd 32 --rw 30" \
	"--ring-page-order 4 --indirect 0 bench --qd 512 --rw 70 --bs 16k" \
	"--ring-page-order 2 --protocol x86_32-abi bench --qd 128 --bs 256k"; do
	i=$((i + 1))
	# shellcheck disable=SC2086
	front b $args --size 32M --ops $ops >"$T/bench$i.txt" 2>"$T/bench$i.log" &
	eval "p$i=$!"
done
head -c 16M /dev/urandom >"$T/data"
front b write 40M <"$T/data" 2>"$T/rt.log" || fail "write beside the benches"
front b read 40M 16M | cmp - "$T/data" || fail "read beside the benches"
for k in 1 2 3 4; do
	eval "wait \$p$k" || fail "bench $k failed"
	grep -q "^ops: $ops in .*errors: 0$" "$T/bench$k.txt" ||
		fail "bench $k: $(cat "$T/bench$k.txt")"
done
if grep -q "request refused\|violation\|cannot connect" "$T/b.log"; then
	fail "the back end refused or dropped a well-behaved front end"
fi
echo "many: 4 full rings and a round trip at once, $ops ops each, no errors"
