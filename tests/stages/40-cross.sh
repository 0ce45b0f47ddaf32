#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# The whole ctest suite, cross-compiled and run under qemu-user, on
# aarch64, armhf, ppc64el, s390x (big-endian), riscv64 and i686.
#
# Weakly ordered CPUs (Arm, POWER, RISC-V) catch missing barriers only in
# the generated code, 32-bit targets (armhf, i686) catch size_t and layout
# assumptions, s390x catches endianness. qemu-user runs guest threads on
# host threads, so the threaded tests run too (SRING_TEST_QUICK=1 shrinks
# them). Tests labelled "host-only" (they spawn host tools) are left to
# the native stages; "xen-abi" tests are left out where Xen's public
# headers do not exist (ppc64el, s390x, riscv64).
#
# cmocka has no cross packages: Debian's cmocka source package is fetched
# (deb-src, through a private apt configuration that leaves the system's
# alone) and built for each target. Nothing is cached between runs.
#
#   SRING_CROSS_TARGETS='aarch64 s390x' bash tests/stages/40-cross.sh
#   SRING_CROSS_JOBS=2   targets built and run at the same time
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
out=$root/build/cross
targets=${SRING_CROSS_TARGETS:-aarch64 armhf ppc64el s390x riscv64 i686}
par=${SRING_CROSS_JOBS:-2}
export SRING_TEST_QUICK=1

rm -rf "$out"
mkdir -p "$out"

# Check every tool first: a missing package is a clear error, not a hang.
missing=""
for t in $targets; do
	tc=$root/cmake/toolchains/$t.cmake
	[ -f "$tc" ] || { echo "40-cross: no toolchain file $tc"; exit 1; }
	triplet=$(sed -n 's/^set(SRING_TRIPLET \(.*\))$/\1/p' "$tc")
	qemu=$(sed -n 's/^set(SRING_QEMU \(.*\))$/\1/p' "$tc")
	for p in "$triplet-gcc" "$triplet-g++" "$qemu"; do
		command -v "$p" >/dev/null || missing="$missing $p"
	done
done
for p in apt-get dpkg-source cmake ninja; do
	command -v "$p" >/dev/null || missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "40-cross: missing:$missing (bash scripts/install-deps)"
	exit 1
fi

# --- cmocka source, from Debian's deb-src, with a private apt state.
fetch_cmocka() {
	local apt=$out/apt uri
	mkdir -p "$apt/sources.list.d" "$apt/lists/partial" \
		"$apt/archives/partial" "$out/cmocka-src"
	uri=$(awk '/^URIs:/ { print $2; exit }' \
		/etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
	uri=${uri:-http://deb.debian.org/debian}
	cat >"$apt/sources.list.d/sring-src.sources" <<-EOF
		Types: deb-src
		URIs: $uri
		Suites: bookworm
		Components: main
		Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
	EOF
	local o=(-o "Dir::Etc::SourceList=/dev/null"
		-o "Dir::Etc::SourceParts=$apt/sources.list.d"
		-o "Dir::State::Lists=$apt/lists"
		-o "Dir::Cache::Archives=$apt/archives"
		-o "APT::Sandbox::User=root" -o "Debug::NoLocking=1")
	apt-get "${o[@]}" -qq update &&
		(cd "$out/cmocka-src" && apt-get "${o[@]}" -qq source cmocka)
}
echo "40-cross: fetching cmocka's Debian source"
if ! fetch_cmocka >"$out/cmocka-fetch.log" 2>&1; then
	cat "$out/cmocka-fetch.log"
	echo "40-cross: could not fetch cmocka's source package"
	exit 1
fi
cmocka_src=$(find "$out/cmocka-src" -mindepth 1 -maxdepth 1 -type d -name 'cmocka-*' |
	head -1)
[ -f "$cmocka_src/include/cmocka.h" ] || {
	echo "40-cross: no cmocka.h in the fetched source"
	exit 1
}

# --- one target: cmocka, sring, ctest. Output to $out/$t.log.
run_target() {
	local t=$1 tc=$root/cmake/toolchains/$1.cmake dir=$out/$1
	local roots="" exclude="host-only" start=$SECONDS
	mkdir -p "$dir"
	case $t in
	i686 | armhf | aarch64)
		# Xen's public headers are arch-independent for x86 and Arm:
		# stage them alone, so no host header leaks into the build.
		if [ -d /usr/include/xen ]; then
			mkdir -p "$dir/xenroot/usr/include"
			ln -s /usr/include/xen "$dir/xenroot/usr/include/xen"
			roots=$dir/xenroot
		fi
		;;
	*) exclude="host-only|xen-abi" ;;
	esac
	echo "### $t: cmocka"
	cmake -S "$cmocka_src" -B "$dir/cmocka" -G Ninja \
		-DCMAKE_TOOLCHAIN_FILE="$tc" -DCMAKE_BUILD_TYPE=Release \
		-DWITH_STATIC_LIB=ON -DWITH_EXAMPLES=OFF -DUNIT_TESTING=OFF
	cmake --build "$dir/cmocka" --target cmocka-static
	echo "### $t: sring"
	# cmocka.h as a system header, as /usr/include/cmocka.h is natively
	# (GCC drops a -I for a directory also given with -isystem): warnings
	# from inside its assert macros are not the tests' to fix.
	# Joined (-isystem<dir>): CMake's compiler checks mangle the split form.
	local sys="-isystem$cmocka_src/include"
	cmake -S "$root" -B "$dir/sring" -G Ninja \
		-DCMAKE_TOOLCHAIN_FILE="$tc" -DSRING_CROSS_ROOTS="$roots" \
		-DCMAKE_BUILD_TYPE=RelWithDebInfo \
		-DCMAKE_C_FLAGS="-Wall -Wextra -Werror $sys" \
		-DCMAKE_CXX_FLAGS="-Wall -Wextra -Werror $sys" \
		-DCMOCKA_INCLUDE_DIR="$cmocka_src/include" \
		-DCMOCKA_LIBRARY="$dir/cmocka/src/libcmocka-static.a"
	cmake --build "$dir/sring"
	echo "### $t: ctest -LE '$exclude' (SRING_TEST_QUICK=1)"
	ctest --test-dir "$dir/sring" -LE "$exclude" --output-on-failure \
		--no-tests=error --timeout 300
	echo "### $t: done in $((SECONDS - start)) s"
}

start=$SECONDS
for t in $targets; do
	while [ "$(jobs -rp | wc -l)" -ge "$par" ]; do
		wait -n || true
	done
	echo "40-cross: $t started"
	( (run_target "$t") >"$out/$t.log" 2>&1; echo $? >"$out/$t.rc") &
done
wait

fail=0
printf '%-8s %-7s %s\n' target result tests
for t in $targets; do
	rc=$(cat "$out/$t.rc" 2>/dev/null || echo 1)
	summary=$(grep -E 'tests passed|tests failed' "$out/$t.log" | tail -1 || true)
	secs=$(sed -n 's/^### .*: done in \([0-9]*\) s$/\1/p' "$out/$t.log")
	if [ "$rc" = 0 ]; then
		printf '%-8s %-7s %s (%s s)\n' "$t" ok "$summary" "${secs:-?}"
	else
		printf '%-8s %-7s %s\n' "$t" FAILED "${summary:-build failed}"
		fail=1
	fi
done
for t in $targets; do
	if [ "$(cat "$out/$t.rc" 2>/dev/null || echo 1)" != 0 ]; then
		echo "=== $t: last 60 lines of $out/$t.log"
		tail -60 "$out/$t.log"
	fi
done
echo "40-cross: $((SECONDS - start)) s"
exit "$fail"
