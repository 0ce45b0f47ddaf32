# SPDX-License-Identifier: MIT
# The request/response ring (issue: core headers).
sring_add_cmocka_test(test_ring SOURCES test_ring.c)
sring_add_cmocka_test(test_ring_ordering SOURCES test_ring_ordering.c)
sring_add_cmocka_test(test_ring_threads SOURCES test_ring_threads.c
	LABELS threads TIMEOUT 900)
