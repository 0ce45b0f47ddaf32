# SPDX-License-Identifier: MIT
# Byte-stream rings (flex.h) and the console protocol (proto/console.h).
sring_add_cmocka_test(test_flex SOURCES test_flex.c)
