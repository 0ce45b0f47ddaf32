/* SPDX-License-Identifier: MIT */
/*
 * Reference: sring's core, every check on, on Xen's shared slots with the
 * header split per writer (each index word on a line of its own): the
 * "Xen io/ring.h, header split per writer" design the issue measured. Not
 * a layout the library offers; it tells which shape a machine favours.
 * The ring code is ring_sring_xen.c's; only the set-up differs.
 */
#define RING_NAME "split"
#define BENCH_SPLIT_LAYOUT 1
#include "ring_sring_xen.c"
