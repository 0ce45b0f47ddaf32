# SPDX-License-Identifier: MIT
# arm-linux-gnueabihf: 32-bit Arm, hard float (weakly ordered, 32-bit pointers), tests run under qemu-arm.
set(CMAKE_SYSTEM_PROCESSOR arm)
set(SRING_TRIPLET arm-linux-gnueabihf)
set(SRING_QEMU qemu-arm)
include(${CMAKE_CURRENT_LIST_DIR}/linux-gnu-cross.cmake)
