/* SPDX-License-Identifier: MIT */
/*
 * Concurrency Kit's ck_ring (libck-dev): two SPSC rings, one per
 * direction, of 64-byte and 16-byte elements stored in the ring buffers
 * (CK_RING_PROTOTYPE). Requests are written in place
 * (enqueue_reserve/commit); ck publishes every item and re-reads the
 * peer's index on every operation. A ck ring of N entries holds N - 1.
 * No notification suppression: W3 does not apply.
 */
#include "bench.h"

#include <ck_ring.h>

#define RING_NAME "ck"
#define RING_HAS_EVENTS 0

CK_RING_PROTOTYPE(req, bench_req)
CK_RING_PROTOTYPE(rsp, bench_rsp)

/* ck_ring pads its own indices apart; the two rings are kept apart. */
static struct {
	struct ck_ring req BENCH_PRIVATE;
	struct ck_ring rsp BENCH_PRIVATE;
} rings BENCH_PRIVATE;
#define req_ring rings.req
#define rsp_ring rings.rsp
static struct bench_req *req_buf;
static struct bench_rsp *rsp_buf;
static struct bench_rsp *rsp_reserved; /* unused by the front */

static int ring_setup(unsigned slots)
{
	req_buf = (struct bench_req *)bench_alloc(slots * sizeof(*req_buf));
	rsp_buf = (struct bench_rsp *)bench_alloc(slots * sizeof(*rsp_buf));
	ck_ring_init(&req_ring, slots);
	ck_ring_init(&rsp_ring, slots);
	return 0;
}

static unsigned ring_capacity(void) { return ck_ring_capacity(&req_ring) - 1; }
static int ring_publish_every(unsigned k) { (void)k; return 0; }
static void ring_teardown(void) { free(req_buf); free(rsp_buf); }

BENCH_OP struct bench_req *fr_slot(void)
{
	return ck_ring_enqueue_reserve_spsc_req(&req_ring, req_buf);
}

BENCH_OP void fr_commit(void) { ck_ring_enqueue_commit_spsc(&req_ring); }
BENCH_OP int fr_push(void) { return 0; }

BENCH_OP int fr_rsp(struct bench_rsp *r)
{
	return ck_ring_dequeue_spsc_rsp(&rsp_ring, rsp_buf, r) ? 0 : 1;
}

BENCH_OP int fr_peek(void) { return ck_ring_size(&rsp_ring) != 0; }
BENCH_OP int fr_final_check(void) { return 1; }
static void fr_moderate(unsigned k) { (void)k; }

BENCH_OP int bk_req(struct bench_req *q)
{
	return ck_ring_dequeue_spsc_req(&req_ring, req_buf, q) ? 0 : 1;
}

BENCH_OP struct bench_rsp *bk_slot(void)
{
	/* Never full: responses in flight <= requests in flight < N. */
	rsp_reserved = ck_ring_enqueue_reserve_spsc_rsp(&rsp_ring, rsp_buf);
	return rsp_reserved;
}

BENCH_OP void bk_commit(void) { ck_ring_enqueue_commit_spsc(&rsp_ring); }
BENCH_OP int bk_push(void) { return 0; }
BENCH_OP int bk_peek(void) { return ck_ring_size(&req_ring) != 0; }
BENCH_OP int bk_final_check(void) { return 1; }

#include "driver.c"
