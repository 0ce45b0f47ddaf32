# SPDX-License-Identifier: MIT
# powerpc64le-linux-gnu: 64-bit POWER, little-endian (weakly ordered), tests run under qemu-ppc64le.
set(CMAKE_SYSTEM_PROCESSOR ppc64le)
set(SRING_TRIPLET powerpc64le-linux-gnu)
set(SRING_QEMU qemu-ppc64le)
include(${CMAKE_CURRENT_LIST_DIR}/linux-gnu-cross.cmake)
