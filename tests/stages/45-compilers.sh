#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Compilers and standards beyond the gcc -O2 of 10-dev:
#  1. sring_single.h is exactly what scripts/amalgamate produces;
#  2. the whole-API exchange (tests/compile/api_use.c, .cc) built by gcc,
#     g++, clang and clang++ at -O0, -O2 and -O3, as C99/C11 and
#     C++11/17/20, -pedantic and the strict warning set as errors, linked
#     and run;
#  3. the whole ctest suite built by clang at -O3 with warnings as errors
#     and run (threaded tests in their quick form);
#  4. TinyCC: without hooks sring/atomic.h stops with its #error naming
#     the five hooks; with the hooks of tests/compile/tcc_hooks.h every
#     header compiles and a two-thread exchange runs correctly;
#  5. a partial set of hooks is an #error (gcc and clang);
#  6. sparse (-Wsparse-all) has nothing to say about any header, the
#     amalgamation or the whole-API use;
#  7. atomic.h's MSVC branch, through clang's MSVC mode (x86-64 and ARM64
#     Windows targets, __clang__ undefined so that _MSC_VER alone decides):
#     the branch is the one taken, the whole-API use compiles as C99, C11
#     and C++17 with the strict warnings, and the code it gives has the
#     full fence it must (lock orl on x86-64, dmb ish on ARM64). Compiled,
#     not run: there is no Windows here.
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
out=$root/build/compilers
rm -rf "$out"
mkdir -p "$out"
warn=(-pedantic -Wall -Wextra -Wconversion -Wsign-conversion -Wcast-qual
	-Wshadow -Werror)
fails=0
checks=0
ok() { checks=$((checks + 1)); }
bad() {
	checks=$((checks + 1))
	fails=$((fails + 1))
	echo "FAIL: $*"
}
for p in gcc g++ clang clang++ tcc sparse python3 cmake ninja; do
	command -v "$p" >/dev/null || {
		echo "45-compilers: $p missing (bash scripts/install-deps)"
		exit 1
	}
done
headers=$(cd include && find sring -name '*.h' | LC_ALL=C sort)

echo "--- 1. amalgamation"
if python3 scripts/amalgamate --check; then ok; else bad "sring_single.h"; fi

echo "--- 2. optimisation levels x standards x compilers"
for pair in gcc:g++ clang:clang++; do
	cc=${pair%%:*}
	cxx=${pair##*:}
	for o in -O0 -O2 -O3; do
		for cs in c99 c11; do
			for xs in c++11 c++17 c++20; do
				# Each C standard is paired with each C++ one
				# only at -O2; elsewhere one pair is enough.
				[ "$o" = -O2 ] || [ "$xs" = c++17 ] || continue
				tag=$cc$o-$cs-$xs
				if "$cc" -std=$cs $o "${warn[@]}" -Iinclude \
					-c tests/compile/api_use.c \
					-o "$out/$tag-c.o" &&
					"$cxx" -std=$xs $o "${warn[@]}" \
						-Iinclude -c \
						tests/compile/api_use.cc \
						-o "$out/$tag-cc.o" &&
					"$cc" -std=$cs $o -Wall -Werror \
						tests/compile/api_run.c \
						"$out/$tag-c.o" \
						"$out/$tag-cc.o" \
						-o "$out/$tag" &&
					"$out/$tag" >"$out/$tag.log"; then
					ok
				else
					bad "$tag"
					cat "$out/$tag.log" 2>/dev/null
				fi
			done
		done
	done
done
echo "$((checks - 1)) builds linked and run"

echo "--- 3. the ctest suite with clang -O3"
if cmake -S . -B "$out/clang" -G Ninja -DCMAKE_C_COMPILER=clang \
	-DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Release \
	-DCMAKE_C_FLAGS_RELEASE="-O3 -DNDEBUG" \
	-DCMAKE_CXX_FLAGS_RELEASE="-O3 -DNDEBUG" \
	-DCMAKE_C_FLAGS="-Wall -Wextra -Werror" \
	-DCMAKE_CXX_FLAGS="-Wall -Wextra -Werror" >"$out/clang.log" 2>&1 &&
	cmake --build "$out/clang" >>"$out/clang.log" 2>&1 &&
	SRING_TEST_QUICK=1 ctest --test-dir "$out/clang" -LE 'compile' \
		--output-on-failure -j2 --no-tests=error >>"$out/clang.log" 2>&1
then
	ok
	grep -E 'tests passed' "$out/clang.log"
else
	bad "clang -O3 suite"
	tail -60 "$out/clang.log"
fi

echo "--- 4. tcc"
printf '#include <sring/sring.h>\n' >"$out/tcc_nohooks.c"
if tcc -Iinclude -c "$out/tcc_nohooks.c" -o "$out/tcc_nohooks.o" \
	>"$out/tcc_nohooks.log" 2>&1; then
	bad "tcc compiled sring without ordering hooks"
elif grep -q 'unknown compiler; define SRING_LOAD_RELAXED' \
	"$out/tcc_nohooks.log"; then
	ok
	echo "without hooks: $(grep -o '#error.*' "$out/tcc_nohooks.log" |
		cut -c1-72)..."
else
	bad "tcc failed without hooks, but not with sring's #error:"
	cat "$out/tcc_nohooks.log"
fi
for h in $headers; do
	printf '#include "tcc_hooks.h"\n#include <%s>\n' "$h" >"$out/tcc_h.c"
	if tcc -Wall -Werror -Iinclude -Itests/compile -c "$out/tcc_h.c" \
		-o "$out/tcc_h.o"; then ok; else bad "tcc: $h"; fi
done
if tcc -Wall -Werror -Iinclude -Itests/compile tests/compile/tcc_use.c \
	-lpthread -o "$out/tcc_use" && "$out/tcc_use"; then
	ok
else
	bad "tcc: exchange with user hooks"
fi

echo "--- 5. a partial set of hooks is an #error"
for cc in gcc clang; do
	printf '#define SRING_MB() ((void)0)\n#include <sring/sring.h>\n' \
		>"$out/partial.c"
	if "$cc" -Iinclude -c "$out/partial.c" -o "$out/partial.o" \
		>"$out/partial.log" 2>&1; then
		bad "$cc accepted a partial set of hooks"
	elif grep -q 'override all five' "$out/partial.log"; then
		ok
	else
		bad "$cc: partial hooks failed, but not with sring's #error"
		cat "$out/partial.log"
	fi
done

echo "--- 6. sparse"
# Silent and exit status 0: a sparse that crashes says nothing too.
for h in $headers; do
	printf '#include <%s>\n' "$h" >"$out/sparse.c"
	if s=$(sparse -Wsparse-all -Iinclude "$out/sparse.c" 2>&1) &&
		[ -z "$s" ]; then ok; else bad "sparse: $h"; echo "$s"; fi
done
if s=$(sparse -Wsparse-all -Iinclude -I. tests/compile/api_use.c \
	sring_single.h 2>&1) && [ -z "$s" ]; then
	ok
else
	bad "sparse: api_use.c / sring_single.h"
	echo "$s"
fi

echo "--- 7. the MSVC branch (clang in MSVC mode, compile only)"
# Without __GNUC__/__clang__, config.h has no "unused" attribute for the
# typed layer's functions, and clang (unlike MSVC) warns about unused
# static inline functions expanded in a .c file: -Wno-unused-function.
for t in x86_64:'lock[[:space:]]+orl[[:space:]]+[$]0, [(]%rsp[)]' \
	aarch64:'dmb[[:space:]]+ish'; do
	arch=${t%%:*}
	fence=${t#*:}
	m=(--target="$arch-pc-windows-msvc" -U__clang__ -ffreestanding)
	impl=$(printf '#include <sring/atomic.h>\nSRING_ATOMIC_IMPL\n' |
		clang "${m[@]}" -Iinclude -E -P - 2>&1 | tail -1)
	if [ "$impl" = '"msvc"' ]; then ok; else
		bad "$arch: atomic.h took the $impl branch, not msvc"
	fi
	for cs in c99 c11; do
		if clang "${m[@]}" -std=$cs -O2 "${warn[@]}" \
			-Wno-unused-function -Iinclude -S \
			tests/compile/api_use.c -o "$out/msvc-$arch-$cs.s"
		then ok; else bad "msvc $arch $cs"; fi
	done
	if clang++ "${m[@]}" -std=c++17 -O2 "${warn[@]}" -Iinclude -c \
		tests/compile/api_use.cc -o "$out/msvc-$arch-cc.o"
	then ok; else bad "msvc $arch c++17"; fi
	if grep -qE "$fence" "$out/msvc-$arch-c11.s"; then
		ok
		echo "$arch: msvc branch, fence: $(grep -m1 -oE "$fence" \
			"$out/msvc-$arch-c11.s" | tr -s '[:space:]' ' ')"
	else
		bad "msvc $arch: no full fence ($fence) in the generated code"
	fi
done

echo "45-compilers: $checks checks, $fails failed"
[ "$fails" -eq 0 ]
