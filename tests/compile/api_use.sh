#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# An object using the whole API has no undefined symbols.
#
#   api_use.sh SRCDIR WORKDIR CC CXX [NM [quick]]
#
# Compiles api_use.c (C99, C11) and api_use.cc (C++11, C++17, C++20) at
# -O0 and -O2, freestanding, with the strict warning set as errors, and
# checks that `nm -u` of every object is empty: at -O0 nothing is inlined
# away, so every sring function the exchange reaches is emitted and
# inspected; at -O2 the compiler's own memcpy/memset idiom recognition is
# on. Also built on sring_single.h alone. Only sring_api_use (or sring_api_use_cxx) may be defined globally.
set -u
src=$1
work=$2
cc=$3
cxx=$4
nm=${5:-nm}
# quick (cross compilers): C11 and C++17 only; the host runs cover the rest.
cstds="c99 c11" cxxstds="c++11 c++17 c++20"
[ "${6:-}" = quick ] && cstds=c11 cxxstds=c++17
warn="-pedantic -Wall -Wextra -Wconversion -Wsign-conversion -Wcast-qual
      -Wshadow -Werror -ffreestanding"
# Undefined symbols, less those the static linker itself defines as part
# of the ABI (ppc64's TOC base, the x86 GOT): they name no code anyone
# has to provide.
undefined() {
	"$nm" -u "$1" | awk '{ print $NF }' |
		grep -vxE '\.TOC\.|_GLOBAL_OFFSET_TABLE_' || true
}
rm -rf "$work"
mkdir -p "$work"
fails=0
runs=0
check() {
	local comp=$1 std=$2 opt=$3 file=$4 obj undef
	obj=$work/$(basename "$file")_$(basename "$comp")_${std}${opt}.o
	runs=$((runs + 1))
	# shellcheck disable=SC2086
	if ! "$comp" -std="$std" "$opt" $warn -I"$src/include" -c "$file" \
		-o "$obj"; then
		echo "FAIL: $comp -std=$std $opt $file does not compile"
		fails=$((fails + 1))
		return
	fi
	undef=$(undefined "$obj")
	if [ -n "$undef" ]; then
		echo "FAIL: $comp -std=$std $opt: undefined symbols:"
		echo "$undef" | sed 's/^/    /'
		fails=$((fails + 1))
	fi
	if ! "$nm" -g --defined-only "$obj" | grep -q ' T sring_api_use'; then
		echo "FAIL: $comp -std=$std $opt: sring_api_use* not defined"
		fails=$((fails + 1))
	fi
}
for opt in -O0 -O2; do
	for std in $cstds; do
		check "$cc" "$std" "$opt" "$src/tests/compile/api_use.c"
	done
	for std in $cxxstds; do
		check "$cxx" "$std" "$opt" "$src/tests/compile/api_use.cc"
	done
done
# With the private counters on (SRING_STATS=1): more code, same promise.
for opt in -O0 -O2; do
	runs=$((runs + 1))
	obj=$work/stats$opt.o
	# shellcheck disable=SC2086
	if ! "$cc" -std=c11 "$opt" $warn -DSRING_STATS=1 -I"$src/include" \
		-c "$src/tests/compile/api_use.c" -o "$obj" ||
		[ -n "$(undefined "$obj")" ]; then
		echo "FAIL: api_use.c with SRING_STATS=1 ($cc $opt)"
		fails=$((fails + 1))
	fi
done

# The amalgamation alone (no include path to include/sring at all).
if [ -f "$src/sring_single.h" ]; then
	for opt in -O0 -O2; do
		runs=$((runs + 1))
		obj=$work/single$opt.o
		# shellcheck disable=SC2086
		if ! "$cc" -std=c99 "$opt" $warn -include "$src/sring_single.h" \
			-DSRING_API_USE_NO_INCLUDE -c "$src/tests/compile/api_use.c" \
			-o "$obj" || [ -n "$(undefined "$obj")" ]; then
			echo "FAIL: api_use.c on sring_single.h alone ($cc $opt)"
			fails=$((fails + 1))
		fi
	done
fi
echo "$cc / $cxx: $runs objects using the whole API, $fails failed"
[ "$fails" -eq 0 ]
