/* SPDX-License-Identifier: MIT */
/*
 * Reference: per-slot sequence words on top of the fast layout's index and
 * event words. A slot starts with a word the producer sets, with a release
 * store, to (index + 1) once the slot is filled; the consumer learns of new
 * work from the slot line it is about to read, never from the producer
 * index. The producer still publishes its index, fences and reads the
 * peer's event word on every push, as sring's protocol needs for
 * notifications, but the consumer does not poll that index, so its line
 * stays in the producer's cache. No validation, no latch: what the design
 * would cost at best, to decide whether sring's fast layout should adopt it
 * (bench/README.md). SEQ_STRIDE is the request slot size: 72 (packed, a
 * 64-byte request then spans two lines) or 128 (a slot per line pair).
 */
#include "bench.h"

/* sring_need_event() and SRING_MB(): the same rule and fence as sring. */
#include <sring/ring.h>

#define RING_HAS_EVENTS 0

#ifndef SEQ_STRIDE
#define SEQ_STRIDE 128
#endif
#if SEQ_STRIDE == 128
#define RING_NAME "seq"
#else
#define RING_NAME "seq72"
#endif

struct req_slot {
	uint32_t seq;
	uint32_t pad;
	struct bench_req req;
	uint8_t tail[SEQ_STRIDE - 8 - sizeof(struct bench_req)];
};

struct rsp_slot {
	uint32_t seq;
	uint32_t pad;
	struct bench_rsp rsp;
	uint8_t tail[32 - 8 - sizeof(struct bench_rsp)];
};

static struct bench_idx_line *req_prod, *rsp_prod, *req_event, *rsp_event;
static struct req_slot *reqs;
static struct rsp_slot *rsps;
static unsigned mask;
static struct {
	uint32_t f_prod_pvt BENCH_PRIVATE, f_pub, f_cons;
	uint32_t b_prod_pvt BENCH_PRIVATE, b_pub, b_cons;
} pvt BENCH_PRIVATE;
#define f_prod_pvt pvt.f_prod_pvt
#define f_pub pvt.f_pub
#define f_cons pvt.f_cons
#define b_prod_pvt pvt.b_prod_pvt
#define b_pub pvt.b_pub
#define b_cons pvt.b_cons

static int ring_setup(unsigned slots)
{
	size_t bytes = 4 * BENCH_LINE + slots * (sizeof(*reqs) + sizeof(*rsps));
	char *m = (char *)bench_alloc(bytes);

	memset(m, 0, bytes);
	req_prod = (struct bench_idx_line *)m;
	rsp_prod = (struct bench_idx_line *)(m + BENCH_LINE);
	req_event = (struct bench_idx_line *)(m + 2 * BENCH_LINE);
	rsp_event = (struct bench_idx_line *)(m + 3 * BENCH_LINE);
	req_event->v = rsp_event->v = 1;
	reqs = (struct req_slot *)(m + 4 * BENCH_LINE);
	rsps = (struct rsp_slot *)(reqs + slots);
	mask = slots - 1;
	return 0;
}

static unsigned ring_capacity(void) { return mask + 1; }
static int ring_publish_every(unsigned k) { (void)k; return 0; }
static void ring_teardown(void) { free(req_prod); }

BENCH_OP struct bench_req *fr_slot(void)
{
	if (f_prod_pvt - f_cons > mask)
		return NULL;
	return &reqs[f_prod_pvt & mask].req;
}

BENCH_OP void fr_commit(void)
{
	__atomic_store_n(&reqs[f_prod_pvt & mask].seq, f_prod_pvt + 1,
			 __ATOMIC_RELEASE);
	f_prod_pvt++;
}

BENCH_OP int fr_push(void)
{
	uint32_t old = f_pub;

	if (old == f_prod_pvt)
		return 0;
	__atomic_store_n(&req_prod->v, f_prod_pvt, __ATOMIC_RELEASE);
	f_pub = f_prod_pvt;
	SRING_MB();
	return sring_need_event(__atomic_load_n(&req_event->v, __ATOMIC_RELAXED),
			  f_prod_pvt, old);
}

BENCH_OP int fr_rsp(struct bench_rsp *r)
{
	struct rsp_slot *s = &rsps[f_cons & mask];

	if (__atomic_load_n(&s->seq, __ATOMIC_ACQUIRE) != f_cons + 1)
		return 1;
	*r = s->rsp;
	f_cons++;
	return 0;
}

BENCH_OP int fr_peek(void) { return 1; }
BENCH_OP int fr_final_check(void) { return 1; }
static void fr_moderate(unsigned k) { (void)k; }

BENCH_OP int bk_req(struct bench_req *q)
{
	struct req_slot *s = &reqs[b_cons & mask];

	if (__atomic_load_n(&s->seq, __ATOMIC_ACQUIRE) != b_cons + 1)
		return 1;
	*q = s->req;
	b_cons++;
	return 0;
}

BENCH_OP struct bench_rsp *bk_slot(void)
{
	return &rsps[b_prod_pvt & mask].rsp;
}

BENCH_OP void bk_commit(void)
{
	__atomic_store_n(&rsps[b_prod_pvt & mask].seq, b_prod_pvt + 1,
			 __ATOMIC_RELEASE);
	b_prod_pvt++;
}

BENCH_OP int bk_push(void)
{
	uint32_t old = b_pub;

	if (old == b_prod_pvt)
		return 0;
	__atomic_store_n(&rsp_prod->v, b_prod_pvt, __ATOMIC_RELEASE);
	b_pub = b_prod_pvt;
	SRING_MB();
	return sring_need_event(__atomic_load_n(&rsp_event->v, __ATOMIC_RELAXED),
			  b_prod_pvt, old);
}

BENCH_OP int bk_peek(void) { return 1; }
BENCH_OP int bk_final_check(void) { return 1; }

#include "driver.c"
