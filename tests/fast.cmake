# SPDX-License-Identifier: MIT
# sring's fast layout (issue 9): sring/fast.h, docs/fast-layout.md.
sring_add_cmocka_test(test_fast SOURCES test_fast.c)
sring_add_cmocka_test(test_fast_threads SOURCES test_fast.c
	DEFS FAST_THREADS=1 LABELS threads TIMEOUT 600)
