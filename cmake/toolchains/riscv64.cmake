# SPDX-License-Identifier: MIT
# riscv64-linux-gnu: 64-bit RISC-V (RVWMO, weakly ordered), tests run under qemu-riscv64.
set(CMAKE_SYSTEM_PROCESSOR riscv64)
set(SRING_TRIPLET riscv64-linux-gnu)
set(SRING_QEMU qemu-riscv64)
include(${CMAKE_CURRENT_LIST_DIR}/linux-gnu-cross.cmake)
