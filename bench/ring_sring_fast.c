/* SPDX-License-Identifier: MIT */
/*
 * sring with its own fast layout (include/sring/fast.h): separate response
 * array, each side's index and event words on a line of its own. The ring
 * code is ring_sring_xen.c's; only the set-up differs.
 */
#define RING_NAME "sring-fast"
#define BENCH_FAST_LAYOUT 1
#include "ring_sring_xen.c"
