/* SPDX-License-Identifier: MIT */
/*
 * Reference: an idealised stream. Request and response arrays apart, one
 * producer index per direction on a line of its own, each consumer
 * re-reading the remote index only when its cached copy is used up.
 * No event words, no fence, no checks, plain struct copies: what an index
 * ring costs when it does nothing but move data. The upper bound for W1.
 */
#include "bench.h"

#define RING_NAME "ideal"
#define RING_HAS_EVENTS 0

static struct bench_idx_line *req_prod, *rsp_prod;
static struct bench_req *reqs;
static struct bench_rsp *rsps;
static unsigned mask;
static struct {
	uint32_t f_prod_pvt BENCH_PRIVATE, f_cons, f_avail;
	uint32_t b_prod_pvt BENCH_PRIVATE, b_cons, b_avail;
} pvt BENCH_PRIVATE;
#define f_prod_pvt pvt.f_prod_pvt
#define f_cons pvt.f_cons
#define f_avail pvt.f_avail
#define b_prod_pvt pvt.b_prod_pvt
#define b_cons pvt.b_cons
#define b_avail pvt.b_avail

static int ring_setup(unsigned slots)
{
	char *m = (char *)bench_alloc(2 * BENCH_LINE + slots *
				      (sizeof(*reqs) + sizeof(*rsps)));

	req_prod = (struct bench_idx_line *)m;
	rsp_prod = (struct bench_idx_line *)(m + BENCH_LINE);
	reqs = (struct bench_req *)(m + 2 * BENCH_LINE);
	rsps = (struct bench_rsp *)(reqs + slots);
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
	return &reqs[f_prod_pvt & mask];
}

BENCH_OP void fr_commit(void) { f_prod_pvt++; }

BENCH_OP int fr_push(void)
{
	__atomic_store_n(&req_prod->v, f_prod_pvt, __ATOMIC_RELEASE);
	return 0;
}

BENCH_OP int fr_rsp(struct bench_rsp *r)
{
	if (f_cons == f_avail) {
		f_avail = __atomic_load_n(&rsp_prod->v, __ATOMIC_ACQUIRE);
		if (f_cons == f_avail)
			return 1;
	}
	*r = rsps[f_cons++ & mask];
	return 0;
}

BENCH_OP int fr_peek(void) { return 1; }
BENCH_OP int fr_final_check(void) { return 1; }
static void fr_moderate(unsigned k) { (void)k; }

BENCH_OP int bk_req(struct bench_req *q)
{
	if (b_cons == b_avail) {
		b_avail = __atomic_load_n(&req_prod->v, __ATOMIC_ACQUIRE);
		if (b_cons == b_avail)
			return 1;
	}
	*q = reqs[b_cons++ & mask];
	return 0;
}

BENCH_OP struct bench_rsp *bk_slot(void) { return &rsps[b_prod_pvt & mask]; }
BENCH_OP void bk_commit(void) { b_prod_pvt++; }

BENCH_OP int bk_push(void)
{
	__atomic_store_n(&rsp_prod->v, b_prod_pvt, __ATOMIC_RELEASE);
	return 0;
}

BENCH_OP int bk_peek(void) { return 1; }
BENCH_OP int bk_final_check(void) { return 1; }

#include "driver.c"
