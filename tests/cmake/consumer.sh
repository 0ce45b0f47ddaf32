#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# sring as a dependency, the three ways the README offers:
#   consumer.sh SRCDIR WORKDIR CMAKE CC
#  1. cmake --install into a prefix; a project finds it with find_package;
#  2. the prefix is moved elsewhere: find_package still works, and so does
#     `pkg-config --cflags sring` (the .pc file is relocatable);
#  3. a project vendors the source tree with add_subdirectory, and sring
#     then builds none of its own tests or examples.
# Each consumer program is built and run (it exchanges one message).
set -eu
src=$1
work=$2
cmake=$3
cc=$4
here=$(cd "$(dirname "$0")" && pwd)
gen=()
command -v ninja >/dev/null && gen=(-G Ninja)
rm -rf "$work"
mkdir -p "$work"

step() { echo "--- $*"; }

step "install sring into $work/prefix"
"$cmake" -S "$src" -B "$work/sring" "${gen[@]}" -DCMAKE_C_COMPILER="$cc" \
	-DCMAKE_INSTALL_PREFIX="$work/prefix" -DSRING_BUILD_TESTS=OFF \
	-DSRING_BUILD_EXAMPLES=OFF -DSRING_BUILD_FUZZ=OFF >"$work/log" 2>&1 ||
	{ cat "$work/log"; exit 1; }
"$cmake" --install "$work/sring" >>"$work/log" 2>&1 ||
	{ cat "$work/log"; exit 1; }

consume() { # build dir, extra cmake args...
	local b=$1
	shift
	"$cmake" -S "$here" -B "$b" "${gen[@]}" -DCMAKE_C_COMPILER="$cc" \
		"$@" >"$b.log" 2>&1 || { cat "$b.log"; exit 1; }
	"$cmake" --build "$b" >>"$b.log" 2>&1 || { cat "$b.log"; exit 1; }
	"$b/consumer"
}

step "find_package(sring) from the prefix"
consume "$work/pkg" -DSRING_CONSUMER_MODE=package \
	-DCMAKE_PREFIX_PATH="$work/prefix"

step "move the prefix; find_package and pkg-config from the new place"
mv "$work/prefix" "$work/moved"
consume "$work/pkg-moved" -DSRING_CONSUMER_MODE=package \
	-DCMAKE_PREFIX_PATH="$work/moved"
grep -q "$work/moved/" "$work/pkg-moved/CMakeCache.txt" || {
	echo "find_package did not use the moved prefix"
	exit 1
}
export PKG_CONFIG_PATH="$work/moved/share/pkgconfig"
unset PKG_CONFIG_LIBDIR PKG_CONFIG_SYSROOT_DIR
cflags=$(pkg-config --cflags sring)
echo "pkg-config --cflags sring: $cflags"
inc=${cflags#-I}
inc=${inc%% *}
if [ "$(cd "$inc" && pwd -P)" != "$(cd "$work/moved/include" && pwd -P)" ]; then
	echo "pkg-config points at $inc, not the moved prefix"
	exit 1
fi
[ -f "$inc/sring/sring.h" ] || { echo "no sring.h under $inc"; exit 1; }
want=$(sed -n 's/^project(sring VERSION \([0-9.]*\).*/\1/p' "$src/CMakeLists.txt")
got=$(pkg-config --modversion sring)
[ "$got" = "$want" ] || { echo "pkg-config version $got, want $want"; exit 1; }
# shellcheck disable=SC2086
"$cc" -std=c99 -Wall -Wextra -Werror $cflags "$here/consumer.c" \
	-o "$work/pc-consumer"
"$work/pc-consumer"

step "add_subdirectory(sring)"
consume "$work/subdir" -DSRING_CONSUMER_MODE=subdir \
	-DSRING_SOURCE_DIR="$src"
echo "consumer: all three ways work"
