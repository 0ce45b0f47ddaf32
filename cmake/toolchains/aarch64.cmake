# SPDX-License-Identifier: MIT
# aarch64-linux-gnu: 64-bit Arm (weakly ordered), tests run under qemu-aarch64.
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(SRING_TRIPLET aarch64-linux-gnu)
set(SRING_QEMU qemu-aarch64)
include(${CMAKE_CURRENT_LIST_DIR}/linux-gnu-cross.cmake)
