# SPDX-License-Identifier: MIT
# The request/response ring (issue: core headers).
sring_add_cmocka_test(test_ring SOURCES test_ring.c)
# copy.h: every size and alignment, constant and run-time sizes.
sring_add_cmocka_test(test_copy SOURCES test_copy.c)
sring_add_cmocka_test(test_ring_ordering SOURCES test_ring_ordering.c)
sring_add_cmocka_test(test_ring_threads SOURCES test_ring_threads.c
	LABELS threads TIMEOUT 900)
# Against Debian's libxen-dev headers; Xen's macros make plain accesses to
# shared fields, so this one is not run under TSan (label xen, not threads).
sring_add_cmocka_test(test_ring_xen SOURCES test_ring_xen.c LABELS xen
	TIMEOUT 600)
# Local misuse with SRING_ASSERT off (the default users get): the status
# returned and the state left alone, which the assert-catching tests
# cannot reach.
sring_add_cmocka_test(test_misuse SOURCES test_misuse.c)
