# SPDX-License-Identifier: MIT
# s390x-linux-gnu: IBM Z (big-endian), tests run under qemu-s390x.
set(CMAKE_SYSTEM_PROCESSOR s390x)
set(SRING_TRIPLET s390x-linux-gnu)
set(SRING_QEMU qemu-s390x)
include(${CMAKE_CURRENT_LIST_DIR}/linux-gnu-cross.cmake)
