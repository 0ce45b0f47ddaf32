# SPDX-License-Identifier: MIT
# The block protocol, proto/blkif.h (issue: block protocol).
sring_add_cmocka_test(test_blkif SOURCES test_blkif.c)
