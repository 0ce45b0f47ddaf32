/* SPDX-License-Identifier: MIT */
/*
 * Reference: one 64-byte cache line bounced between the CPUs, a ring of
 * one slot. The message's id word doubles as the ready flag (the back
 * knows which id comes next; a response sets the top bit), so a round
 * trip is exactly two line transfers: the lower bound for W2. No checks,
 * no notification.
 */
#include "bench.h"

#define RING_NAME "line"
#define RING_HAS_EVENTS 0
#define RSP_BIT (1ull << 63)

struct line {
	uint64_t w[8];
};

static struct line *ln;
static struct {
	struct bench_req f_stage BENCH_PRIVATE;
	int f_busy;
	uint64_t f_expect;
	struct bench_rsp b_stage BENCH_PRIVATE;
	uint64_t b_expect;
} pvt BENCH_PRIVATE;
#define f_stage pvt.f_stage
#define f_busy pvt.f_busy
#define f_expect pvt.f_expect
#define b_stage pvt.b_stage
#define b_expect pvt.b_expect

static int ring_setup(unsigned slots)
{
	(void)slots;
	ln = (struct line *)bench_alloc(sizeof(*ln));
	ln->w[0] = ~0ull;
	return 0;
}

static unsigned ring_capacity(void) { return 1; }
static int ring_publish_every(unsigned k) { (void)k; return 0; }
static void ring_teardown(void) { free(ln); }

BENCH_OP struct bench_req *fr_slot(void) { return f_busy ? NULL : &f_stage; }

BENCH_OP void fr_commit(void)
{
	unsigned i;

	for (i = 0; i < 7; i++)
		__atomic_store_n(&ln->w[i + 1], f_stage.payload[i],
				 __ATOMIC_RELAXED);
	f_expect = f_stage.id;
	f_busy = 1;
	__atomic_store_n(&ln->w[0], f_stage.id, __ATOMIC_RELEASE);
}

BENCH_OP int fr_push(void) { return 0; }

BENCH_OP int fr_rsp(struct bench_rsp *r)
{
	uint64_t w1;

	if (!f_busy ||
	    __atomic_load_n(&ln->w[0], __ATOMIC_ACQUIRE) != (f_expect | RSP_BIT))
		return 1;
	w1 = __atomic_load_n(&ln->w[1], __ATOMIC_RELAXED);
	r->id = f_expect;
	r->status = (uint32_t)w1;
	r->check = (uint32_t)(w1 >> 32);
	f_busy = 0;
	return 0;
}

BENCH_OP int fr_peek(void) { return 1; }
BENCH_OP int fr_final_check(void) { return 1; }
static void fr_moderate(unsigned k) { (void)k; }

BENCH_OP int bk_req(struct bench_req *q)
{
	unsigned i;

	if (__atomic_load_n(&ln->w[0], __ATOMIC_ACQUIRE) != b_expect)
		return 1;
	q->id = b_expect++;
	for (i = 0; i < 7; i++)
		q->payload[i] = __atomic_load_n(&ln->w[i + 1],
						__ATOMIC_RELAXED);
	return 0;
}

BENCH_OP struct bench_rsp *bk_slot(void) { return &b_stage; }

BENCH_OP void bk_commit(void)
{
	__atomic_store_n(&ln->w[1],
			 b_stage.status | (uint64_t)b_stage.check << 32,
			 __ATOMIC_RELAXED);
	__atomic_store_n(&ln->w[0], b_stage.id | RSP_BIT, __ATOMIC_RELEASE);
}

BENCH_OP int bk_push(void) { return 0; }
BENCH_OP int bk_peek(void) { return 1; }
BENCH_OP int bk_final_check(void) { return 1; }

#include "driver.c"
