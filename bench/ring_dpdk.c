/* SPDX-License-Identifier: MIT */
/*
 * DPDK's rte_ring (dpdk-dev) in SP/SC mode: two rings, one per
 * direction, of 64-byte and 16-byte elements (the _elem API), exact size.
 * The burst API publishes a batch: requests are staged privately and
 * enqueued as one burst at each push; the consumer dequeues bursts of up
 * to 32 into a private array. No notification suppression: W3 does not
 * apply. rte_ring_init needs no EAL.
 */
#include "bench.h"

#include <rte_ring.h>
#include <rte_ring_elem.h>

#define RING_NAME "dpdk"
#define RING_HAS_EVENTS 0
#define BURST 32

static struct rte_ring *req_ring, *rsp_ring;
static unsigned nslots;
static struct bench_req *req_stage;      /* front: staged, not enqueued */
static struct bench_rsp *rsp_stage;      /* back: staged, not enqueued */
static struct {
	/* front */
	unsigned req_staged BENCH_PRIVATE;
	unsigned rsp_deq_n, rsp_deq_i;
	struct bench_rsp rsp_deq[BURST];
	/* back */
	unsigned rsp_staged BENCH_PRIVATE;
	unsigned req_deq_n, req_deq_i;
	struct bench_req req_deq[BURST]; /* dequeued, not taken yet */
} pvt BENCH_PRIVATE;
#define req_staged pvt.req_staged
#define rsp_deq_n pvt.rsp_deq_n
#define rsp_deq_i pvt.rsp_deq_i
#define rsp_deq pvt.rsp_deq
#define rsp_staged pvt.rsp_staged
#define req_deq_n pvt.req_deq_n
#define req_deq_i pvt.req_deq_i
#define req_deq pvt.req_deq

static struct rte_ring *make(const char *name, unsigned esize, unsigned n)
{
	/* RING_F_EXACT_SZ rounds the internal size up to 2n (n + 1). */
	ssize_t sz = rte_ring_get_memsize_elem(esize, 2 * n);
	struct rte_ring *r;

	if (sz < 0)
		return NULL;
	r = (struct rte_ring *)bench_alloc((size_t)sz);
	if (rte_ring_init(r, name, n, RING_F_SP_ENQ | RING_F_SC_DEQ |
			  RING_F_EXACT_SZ) != 0)
		return NULL;
	return r;
}

static int ring_setup(unsigned slots)
{
	/* The _elem API stores esize-byte elements in the ring itself. */
	req_ring = make("req", sizeof(struct bench_req), slots);
	rsp_ring = make("rsp", sizeof(struct bench_rsp), slots);
	req_stage = (struct bench_req *)bench_alloc(slots * sizeof(*req_stage));
	rsp_stage = (struct bench_rsp *)bench_alloc(slots * sizeof(*rsp_stage));
	nslots = slots;
	return req_ring && rsp_ring ? 0 : -1;
}

static unsigned ring_capacity(void) { return nslots; }
static int ring_publish_every(unsigned k) { (void)k; return 0; }

static void ring_teardown(void)
{
	free(req_ring);
	free(rsp_ring);
	free(req_stage);
	free(rsp_stage);
}

/* Never full: staged + queued <= requests in flight <= capacity. */
BENCH_OP struct bench_req *fr_slot(void) { return &req_stage[req_staged]; }
BENCH_OP void fr_commit(void) { req_staged++; }

BENCH_OP int fr_push(void)
{
	if (req_staged &&
	    rte_ring_sp_enqueue_burst_elem(req_ring, req_stage,
					   sizeof(struct bench_req),
					   req_staged, NULL) != req_staged)
		abort();
	req_staged = 0;
	return 0;
}

BENCH_OP int fr_rsp(struct bench_rsp *r)
{
	if (rsp_deq_i == rsp_deq_n) {
		rsp_deq_i = 0;
		rsp_deq_n = rte_ring_sc_dequeue_burst_elem(
			rsp_ring, rsp_deq, sizeof(struct bench_rsp), BURST,
			NULL);
		if (!rsp_deq_n)
			return 1;
	}
	*r = rsp_deq[rsp_deq_i++];
	return 0;
}

BENCH_OP int fr_peek(void)
{
	return rsp_deq_i != rsp_deq_n || !rte_ring_empty(rsp_ring);
}

BENCH_OP int fr_final_check(void) { return 1; }
static void fr_moderate(unsigned k) { (void)k; }

BENCH_OP int bk_req(struct bench_req *q)
{
	if (req_deq_i == req_deq_n) {
		req_deq_i = 0;
		req_deq_n = rte_ring_sc_dequeue_burst_elem(
			req_ring, req_deq, sizeof(struct bench_req), BURST,
			NULL);
		if (!req_deq_n)
			return 1;
	}
	*q = req_deq[req_deq_i++];
	return 0;
}

BENCH_OP struct bench_rsp *bk_slot(void) { return &rsp_stage[rsp_staged]; }
BENCH_OP void bk_commit(void) { rsp_staged++; }

BENCH_OP int bk_push(void)
{
	if (rsp_staged &&
	    rte_ring_sp_enqueue_burst_elem(rsp_ring, rsp_stage,
					   sizeof(struct bench_rsp),
					   rsp_staged, NULL) != rsp_staged)
		abort();
	rsp_staged = 0;
	return 0;
}

BENCH_OP int bk_peek(void)
{
	return req_deq_i != req_deq_n || !rte_ring_empty(req_ring);
}

BENCH_OP int bk_final_check(void) { return 1; }

#include "driver.c"
