/* SPDX-License-Identifier: MIT */
/*
 * Xen's own io/ring.h (libxen-dev), with the barriers Linux defines on
 * x86: a locked add to the stack for the full fence (virt_mb), compiler
 * barriers for the read and write barriers. Requests are filled in place,
 * copied out with RING_COPY_REQUEST/RESPONSE and the producer indices are
 * checked with RING_*_PROD_OVERFLOW, as hardened Linux front and back
 * ends do.
 */
#include "bench.h"

#define __XEN_INTERFACE_VERSION__ 0x00040e00
#define xen_mb() __asm__ __volatile__("lock; addl $0,-4(%%rsp)" ::: "memory", "cc")
#define xen_rmb() bench_barrier()
#define xen_wmb() bench_barrier()
#include <xen/io/ring.h>

#define RING_NAME "xen"
#define RING_HAS_EVENTS 1

DEFINE_RING_TYPES(bench, struct bench_req, struct bench_rsp);

static struct bench_sring *shared;
static struct {
	struct bench_front_ring front BENCH_PRIVATE;
	RING_IDX front_rp; /* last rsp_prod read */
	struct bench_back_ring back BENCH_PRIVATE;
	RING_IDX back_rp;  /* last req_prod read */
} pvt BENCH_PRIVATE;
#define front pvt.front
#define back pvt.back
#define front_rp pvt.front_rp
#define back_rp pvt.back_rp

static int ring_setup(unsigned slots)
{
	size_t bytes = offsetof(struct bench_sring, ring) +
		       (size_t)slots * sizeof(union bench_sring_entry);

	shared = (struct bench_sring *)bench_alloc(bytes);
	SHARED_RING_INIT(shared);
	FRONT_RING_INIT(&front, shared, bytes);
	BACK_RING_INIT(&back, shared, bytes);
	front_rp = back_rp = 0;
	return RING_SIZE(&front) == slots ? 0 : -1;
}

static unsigned ring_capacity(void) { return RING_SIZE(&front); }
static int ring_publish_every(unsigned k) { (void)k; return 0; }
static void ring_teardown(void) { free(shared); }

BENCH_OP struct bench_req *fr_slot(void)
{
	if (RING_FULL(&front))
		return NULL;
	return RING_GET_REQUEST(&front, front.req_prod_pvt);
}

BENCH_OP void fr_commit(void) { front.req_prod_pvt++; }

BENCH_OP int fr_push(void)
{
	int notify;

	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&front, notify);
	return notify;
}

BENCH_OP int fr_rsp(struct bench_rsp *r)
{
	if (front.rsp_cons == front_rp) {
		RING_IDX rp = shared->rsp_prod;

		xen_rmb();
		if (RING_RESPONSE_PROD_OVERFLOW(&front, rp))
			return -1;
		front_rp = rp;
		if (front.rsp_cons == rp)
			return 1;
	}
	RING_COPY_RESPONSE(&front, front.rsp_cons, r);
	front.rsp_cons++;
	return 0;
}

BENCH_OP int fr_peek(void) { return RING_HAS_UNCONSUMED_RESPONSES(&front); }

BENCH_OP int fr_final_check(void)
{
	int more;

	RING_FINAL_CHECK_FOR_RESPONSES(&front, more);
	return more;
}

/* Xen's FINAL_CHECK only knows "the next message". */
static void fr_moderate(unsigned k) { (void)k; }

BENCH_OP int bk_req(struct bench_req *q)
{
	if (back.req_cons == back_rp) {
		RING_IDX rp = shared->req_prod;

		xen_rmb();
		if (RING_REQUEST_PROD_OVERFLOW(&back, rp))
			return -1;
		back_rp = rp;
		if (back.req_cons == rp)
			return 1;
	}
	RING_COPY_REQUEST(&back, back.req_cons, q);
	back.req_cons++;
	return 0;
}

BENCH_OP struct bench_rsp *bk_slot(void)
{
	return RING_GET_RESPONSE(&back, back.rsp_prod_pvt);
}

BENCH_OP void bk_commit(void) { back.rsp_prod_pvt++; }

BENCH_OP int bk_push(void)
{
	int notify;

	RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&back, notify);
	return notify;
}

BENCH_OP int bk_peek(void) { return RING_HAS_UNCONSUMED_REQUESTS(&back); }

BENCH_OP int bk_final_check(void)
{
	int more;

	RING_FINAL_CHECK_FOR_REQUESTS(&back, more);
	return more;
}

#include "driver.c"
