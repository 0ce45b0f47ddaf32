#!/bin/sh
# SPDX-License-Identifier: MIT
# roundtrip.sh BINARY WORKDIR [EMULATOR]: pipes random files through
# sring-console and compares what comes back with cmp.
set -eu
bin=$1
dir=$2
emu=${3:-}
mkdir -p "$dir"
mb=16
[ "${SRING_TEST_QUICK:-0}" != 0 ] && mb=2
head -c $((mb * 1024 * 1024 + 12345)) /dev/urandom >"$dir/in"
# shellcheck disable=SC2086  # the emulator may be a command with options
$emu "$bin" -q <"$dir/in" >"$dir/out"
cmp "$dir/in" "$dir/out"
echo "console_roundtrip: $(wc -c <"$dir/in") bytes came back intact"
# With the greeting: one line, then the input.
head -c 100000 /dev/urandom >"$dir/in2"
$emu "$bin" <"$dir/in2" >"$dir/out2"
head -n 1 "$dir/out2" | grep -qx 'guest: sring console up, echoing input'
tail -c +40 "$dir/out2" | cmp - "$dir/in2"
# An empty input ends at once, with the greeting only.
$emu "$bin" </dev/null >"$dir/out3"
[ "$(cat "$dir/out3")" = "guest: sring console up, echoing input" ]
echo "console_roundtrip: greeting and empty input ok"
