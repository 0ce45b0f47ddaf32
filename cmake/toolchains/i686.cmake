# SPDX-License-Identifier: MIT
# i686-linux-gnu: 32-bit x86 (blkif's 32-bit layout is native here), tests run under qemu-i386.
set(CMAKE_SYSTEM_PROCESSOR i686)
set(SRING_TRIPLET i686-linux-gnu)
set(SRING_QEMU qemu-i386)
include(${CMAKE_CURRENT_LIST_DIR}/linux-gnu-cross.cmake)
