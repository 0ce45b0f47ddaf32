# SPDX-License-Identifier: MIT
#
# Shared part of sring's Linux cross toolchain files (Debian's
# gcc-<triplet> / g++-<triplet> packages, libc6-dev-<arch>-cross). The
# per-target file sets SRING_TRIPLET, SRING_QEMU and CMAKE_SYSTEM_PROCESSOR
# and includes this one.
#
# Tests run under qemu-user through CMAKE_CROSSCOMPILING_EMULATOR. By
# default executables are linked -static: dynamic i686 binaries hang under
# `qemu-i386 -L` (the host's ld.so.cache picks a mismatched libc), and a
# static binary needs no sysroot at run time. Configure with
# -DSRING_CROSS_DYNAMIC=ON to link dynamically and run with
# `qemu-<arch> -L /usr/<triplet>` instead (fine except on i686).
#
# Extra search roots (a cmocka built for the target, a staged copy of the
# arch-independent Xen headers) go in SRING_CROSS_ROOTS, a ;-list.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_C_COMPILER ${SRING_TRIPLET}-gcc)
set(CMAKE_CXX_COMPILER ${SRING_TRIPLET}-g++)
set(CMAKE_FIND_ROOT_PATH /usr/${SRING_TRIPLET} ${SRING_CROSS_ROOTS})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
# try_compile projects re-read this file: pass the variables along.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES SRING_CROSS_ROOTS
	SRING_CROSS_DYNAMIC)

if(SRING_CROSS_DYNAMIC)
	set(CMAKE_CROSSCOMPILING_EMULATOR ${SRING_QEMU} -L /usr/${SRING_TRIPLET})
else()
	set(CMAKE_CROSSCOMPILING_EMULATOR ${SRING_QEMU})
	set(CMAKE_EXE_LINKER_FLAGS_INIT -static)
endif()
