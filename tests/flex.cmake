# SPDX-License-Identifier: MIT
# Byte-stream rings (flex.h) and the console protocol (proto/console.h).
sring_add_cmocka_test(test_flex SOURCES test_flex.c)
sring_add_cmocka_test(test_flex_threads SOURCES test_flex_threads.c
	LABELS threads TIMEOUT 900)
