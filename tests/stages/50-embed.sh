#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# sring embedded where there is no C library (tests/embed/):
#  1. bare metal, arm-none-eabi, Cortex-M4 and Cortex-M0 (armv6-m: no
#     ldrex/strex, but 32-bit __atomic loads, stores and fences are plain
#     accesses and dmb): linked with -nostdlib, no libgcc either; the link
#     map names no library; the ordering points compile to dmb; the same
#     code, built to end with an exit system call, runs under qemu-arm and
#     the exchange reports success (qemu-user's M-profile models abort at
#     load in Debian 12's qemu 7.2, so the A-profile default CPU executes
#     the Thumb code; the binaries are the Cortex-M ones);
#  2. freestanding x86_64 (gcc and clang): -ffreestanding -nostdlib -static
#     with our own _start, no library in the link map, run natively;
#  3. a Linux kernel module (tests/embed/kmod) built against Debian's
#     linux-headers-amd64 with the kernel's barriers as sring's hooks,
#     W=1 and C=1 (sparse): the build must print no warning at all.
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
out=$root/build/embed
rm -rf "$out"
mkdir -p "$out"
warn=(-std=c99 -pedantic -Wall -Wextra -Wconversion -Wsign-conversion
	-Wcast-qual -Wshadow -Werror -ffreestanding)
fails=0
checks=0
ok() { checks=$((checks + 1)); echo "ok: $*"; }
bad() {
	checks=$((checks + 1))
	fails=$((fails + 1))
	echo "FAIL: $*"
}
for p in arm-none-eabi-gcc qemu-arm gcc clang make sparse; do
	command -v "$p" >/dev/null || {
		echo "50-embed: $p missing (bash scripts/install-deps)"
		exit 1
	}
done

# A link map may name only our own objects: no libc, libgcc, crt files.
map_clean() {
	! grep -E 'lib(c|g|gcc|nosys|m)(_nano)?\.a|crt[0-9in]|libc\.so' "$1"
}

echo "--- 1. Cortex-M, no OS, -nostdlib"
bm=tests/embed/baremetal
for cpu in cortex-m4 cortex-m0; do
	for variant in board qemu; do
		defs=()
		[ $variant = qemu ] && defs=(-DSRING_EMBED_QEMU)
		elf=$out/$cpu-$variant.elf
		if ! arm-none-eabi-gcc -mcpu=$cpu -mthumb -O2 "${warn[@]}" \
			-nostdlib "${defs[@]}" -Iinclude $bm/cortexm.c \
			tests/compile/api_use.c -T $bm/cortexm.ld \
			-Wl,-Map="$elf.map" -o "$elf"; then
			bad "$cpu ($variant): does not build or link"
			continue
		fi
		if [ -n "$(arm-none-eabi-nm -u "$elf")" ] ||
			! map_clean "$elf.map"; then
			bad "$cpu ($variant): library in the link"
		else
			ok "$cpu ($variant): linked with nothing but its own code"
		fi
	done
	elf=$out/$cpu-board.elf
	arm-none-eabi-objdump -d "$elf" >"$elf.dis"
	dmb=$(grep -cE '\sdmb\s' "$elf.dis")
	if [ "$dmb" -gt 0 ]; then
		ok "$cpu: $dmb dmb instructions"
	else
		bad "$cpu: no dmb: where did the barriers go?"
	fi
	if grep -qE '\s(ldrex|strex)' "$elf.dis"; then
		bad "$cpu: exclusive accesses (sring needs no RMW atomics)"
	else
		ok "$cpu: no ldrex/strex"
	fi
	if qemu-arm "$out/$cpu-qemu.elf"; then
		ok "$cpu: the exchange ran (qemu-arm, exit status 0)"
	else
		bad "$cpu: the exchange failed (step $?)"
	fi
done

echo "--- 2. freestanding x86_64"
for cc in gcc clang; do
	exe=$out/x86_64-$cc
	if ! $cc -O2 "${warn[@]}" -nostdlib -static -fno-pie \
		-fno-stack-protector -Iinclude tests/embed/x86_64/start.c \
		tests/compile/api_use.c -Wl,-Map="$exe.map" -o "$exe"; then
		bad "x86_64 $cc: does not build or link"
		continue
	fi
	if [ -n "$(nm -u "$exe")" ] || ! map_clean "$exe.map"; then
		bad "x86_64 $cc: library in the link"
	else
		ok "x86_64 $cc: linked with nothing but its own code"
	fi
	if "$exe"; then
		ok "x86_64 $cc: the exchange ran (exit status 0)"
	else
		bad "x86_64 $cc: the exchange failed (step $?)"
	fi
done

echo "--- 3. Linux kernel module"
kdir=""
for d in /usr/src/linux-headers-*-amd64; do
	[ -f "$d/Makefile" ] && kdir=$d
done
if [ -z "$kdir" ]; then
	bad "no /usr/src/linux-headers-*-amd64: apt-get install linux-headers-amd64"
else
	cp -r tests/embed/kmod "$out/kmod"
	log=$out/kmod/build.log
	if make -s -C "$kdir" M="$out/kmod" SRING_ROOT="$root" \
		modules W=1 C=1 >"$log" 2>&1 && [ -f "$out/kmod/sring_kmod.ko" ]
	then
		# Only the note that there is no vmlinux to build BTF from.
		noise=$(grep -v 'Skipping BTF generation' "$log")
		if [ -n "$noise" ]; then
			bad "kmod: the build printed something:"
			echo "$noise"
		else
			ok "kmod: built warning-free against $(basename "$kdir") (W=1, C=1)"
		fi
		if nm -u "$out/kmod/sring_kmod.ko" |
			grep -E ' (mem(cpy|set|move)|__atomic_|__sync_)'; then
			bad "kmod: calls library helpers"
		else
			ok "kmod: no memcpy/memset/__atomic helper calls"
		fi
	else
		bad "kmod: build failed against $kdir"
		cat "$log"
	fi
fi

echo "50-embed: $checks checks, $fails failed"
[ "$fails" -eq 0 ]
