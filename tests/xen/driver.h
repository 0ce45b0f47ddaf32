/* SPDX-License-Identifier: MIT */
/*
 * The differential driver (driver.c), built four times: against Xen's
 * io/ring.h and sring/xen.h, each with and without
 * XEN_RING_HAS_UNCONSUMED_IS_BOOL. After every step it reports what the
 * macros returned and the whole shared area, so that the builds can be
 * compared step by step (test_xen_diff.c).
 */
#ifndef XDRV_DRIVER_H
#define XDRV_DRIVER_H

#include <stddef.h>
#include <stdint.h>

#define XDRV_MEM 8192 /* bytes of shared area reported at every step */
#define XDRV_MAXV 12  /* values reported per step, at most */

typedef void xdrv_rec_fn(void *ctx, const char *what, const uint64_t *v,
			 unsigned int nv, const unsigned char *mem);

/* ring_start, flex_start: initial indices (near 2^32 to cross the wrap). */
typedef void xdrv_run_fn(xdrv_rec_fn *rec, void *ctx, uint32_t ring_start,
			 uint32_t flex_start, unsigned int rounds);

xdrv_run_fn xdrv_run_xen, xdrv_run_sring, xdrv_run_xen_bool,
	xdrv_run_sring_bool;

#endif
