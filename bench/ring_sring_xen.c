/* SPDX-License-Identifier: MIT */
/*
 * sring with the Xen layout: the same shared bytes as ring_xen.c, with
 * every hostile-peer check on (indices validated, slots copied once, the
 * broken latch). Front fills requests in place (get_request), back copies
 * requests out and fills responses in place.
 */
#include "bench.h"

#include <sring/ring.h>

#ifndef RING_NAME
#define RING_NAME "sring-xen"
#endif
#define RING_HAS_EVENTS 1
#define RING_EMPTY SRING_EMPTY

SRING_DEFINE_RING_TYPES(bench, struct bench_req, struct bench_rsp);

static void *shared;
static struct {
	struct bench_front front BENCH_PRIVATE;
	struct bench_back back BENCH_PRIVATE;
} pvt BENCH_PRIVATE;
#define front pvt.front
#define back pvt.back

#ifdef BENCH_FAST_LAYOUT
#include <sring/fast.h>
SRING_DEFINE_FAST_LAYOUT(bench);

static int ring_setup(unsigned slots)
{
	size_t bytes = sring_fast_bytes(slots, sizeof(struct bench_req),
					sizeof(struct bench_rsp));

	shared = bench_alloc(bytes);
	if (bench_fast_init(shared, bytes) != SRING_OK ||
	    bench_front_fast_attach(&front, shared, bytes, 0) != SRING_OK ||
	    bench_back_fast_attach(&back, shared, bytes, 0) != SRING_OK)
		return -1;
	return bench_front_size(&front) == slots ? 0 : -1;
}
#elif defined(BENCH_SPLIT_LAYOUT)
/*
 * Reference, not a layout the library offers: Xen's slots (a response
 * overwrites its request) with each of the four index words on a cache
 * line of its own. Lines 0-3 hold the words; from line 4 on lies an
 * ordinary Xen-layout area, described by the library (bench_layout()),
 * whose own header words are then left unused. Every sring check stays on.
 */
#define SPLIT_LINE 64u
static int ring_setup(unsigned slots)
{
	size_t area = SRING_HEADER_SIZE +
		      (size_t)slots * sizeof(union bench_sring_entry);
	unsigned char *m;
	struct bench_sring *xen;
	struct sring_layout l;

	shared = bench_alloc(4u * SPLIT_LINE + area);
	m = (unsigned char *)shared;
	xen = (struct bench_sring *)(m + 4u * SPLIT_LINE);
	if (bench_sring_init(xen, area) != SRING_OK ||
	    bench_layout(&l, xen, area) != SRING_OK)
		return -1;
	l.req_prod = (sring_idx_t *)(m + 0u * SPLIT_LINE);
	l.rsp_prod = (sring_idx_t *)(m + 1u * SPLIT_LINE);
	l.req_event = (sring_idx_t *)(m + 2u * SPLIT_LINE);
	l.rsp_event = (sring_idx_t *)(m + 3u * SPLIT_LINE);
	*l.req_event = *l.rsp_event = 1; /* as sring_shared_init() */
	if (sring_front_attach(&front.core, &l, 0) != SRING_OK ||
	    sring_back_attach(&back.core, &l, 0) != SRING_OK)
		return -1;
	return bench_front_size(&front) == slots ? 0 : -1;
}
#else
static int ring_setup(unsigned slots)
{
	size_t bytes = SRING_HEADER_SIZE +
		       (size_t)slots * sizeof(union bench_sring_entry);

	shared = bench_alloc(bytes);
	if (bench_sring_init((struct bench_sring *)shared, bytes) != SRING_OK ||
	    bench_front_init(&front, (struct bench_sring *)shared, bytes) ||
	    bench_back_init(&back, (struct bench_sring *)shared, bytes))
		return -1;
	return bench_front_size(&front) == slots ? 0 : -1;
}
#endif

static unsigned ring_capacity(void) { return bench_front_size(&front); }

static int ring_publish_every(unsigned k)
{
	bench_front_set_publish(&front, k);
	bench_back_set_publish(&back, k);
	return 1;
}

static void ring_teardown(void) { free(shared); }

BENCH_OP struct bench_req *fr_slot(void)
{
	return bench_front_get_request(&front);
}

BENCH_OP void fr_commit(void) { }

BENCH_OP int fr_push(void) { return bench_front_push_requests(&front); }

BENCH_OP int fr_rsp(struct bench_rsp *r)
{
	return bench_front_copy_response(&front, r);
}

BENCH_OP int fr_peek(void)
{
	return bench_front_unconsumed_responses(&front) != 0;
}

BENCH_OP int fr_final_check(void) { return bench_front_final_check(&front); }

static void fr_moderate(unsigned k) { bench_front_set_moderation(&front, k); }

BENCH_OP int bk_req(struct bench_req *q)
{
	return bench_back_copy_request(&back, q);
}

BENCH_OP struct bench_rsp *bk_slot(void)
{
	return bench_back_get_response(&back);
}

BENCH_OP void bk_commit(void) { }

BENCH_OP int bk_push(void) { return bench_back_push_responses(&back); }

BENCH_OP int bk_peek(void)
{
	return bench_back_unconsumed_requests(&back) != 0;
}

BENCH_OP int bk_final_check(void) { return bench_back_final_check(&back); }

#include "driver.c"
