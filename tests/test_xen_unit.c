/* SPDX-License-Identifier: MIT */
/*
 * sring/xen.h on its own: every shared access goes through atomic.h (the
 * five hooks are overridden here with counting versions) and each index
 * word is read once; macro arguments are evaluated once; a user's xen_mb()
 * is left alone and never used; the flex helpers refuse corrupt indices;
 * Xen's ring.h included after xen.h is a no-op; the C++ expansion works.
 */
#include "sring_test.h"

#include <stdio.h>

/* Counting ordering hooks: all five, as atomic.h requires. */
enum { LD_RLX, LD_ACQ, ST_RLX, ST_REL, NKIND };
static unsigned int hook[NKIND][4]; /* [kind][index word 0..3] */
static unsigned int hook_other, hook_mb;
static const unsigned char *hook_base;

static void hook_count(const void *p, int kind)
{
	size_t off = (size_t)((const unsigned char *)p - hook_base);

	if (hook_base && (const unsigned char *)p >= hook_base && off < 16)
		hook[kind][off / 4]++;
	else
		hook_other++;
}

static uint32_t hook_load(const uint32_t *p, int kind)
{
	hook_count(p, kind);
	return __atomic_load_n(p, kind == LD_ACQ ? __ATOMIC_ACQUIRE :
				  __ATOMIC_RELAXED);
}

static void hook_store(uint32_t *p, uint32_t v, int kind)
{
	hook_count(p, kind);
	__atomic_store_n(p, v, kind == ST_REL ? __ATOMIC_RELEASE :
			       __ATOMIC_RELAXED);
}

#define SRING_LOAD_RELAXED(p) hook_load((p), LD_RLX)
#define SRING_LOAD_ACQUIRE(p) hook_load((p), LD_ACQ)
#define SRING_STORE_RELAXED(p, v) hook_store((p), (v), ST_RLX)
#define SRING_STORE_RELEASE(p, v) hook_store((p), (v), ST_REL)
#define SRING_MB() (hook_mb++, __atomic_thread_fence(__ATOMIC_SEQ_CST))

/* The includer defines one Xen barrier; xen.h must keep it, add the rest. */
static unsigned int user_mb;
#define xen_mb() (user_mb++)

#include <sring/xen.h>
/* Xen's own ring.h after xen.h: its guard is taken, so this is a no-op. */
#include <xen/io/ring.h>

#include "xen/cxx_use.h"

typedef uint32_t grant_ref_t;

struct ureq {
	uint32_t id, pad[3];
};
struct ursp {
	uint32_t id, status;
};
DEFINE_RING_TYPES(u, struct ureq, struct ursp);
DEFINE_XEN_FLEX_RING_AND_INTF(uflex);

#define REQ_PROD 0
#define REQ_EVENT 1
#define RSP_PROD 2
#define RSP_EVENT 3

static union {
	unsigned char b[4096];
	uint64_t align;
} page;

static void hooks_reset(void)
{
	memset(hook, 0, sizeof(hook));
	hook_other = 0;
	hook_mb = 0;
	hook_base = page.b;
}

static unsigned int hooks_total(void)
{
	unsigned int k, w, n = hook_other;

	for (k = 0; k < NKIND; k++)
		for (w = 0; w < 4; w++)
			n += hook[k][w];
	return n;
}

static void setup(struct u_front_ring *f, struct u_back_ring *b)
{
	memset(page.b, 0x77, sizeof(page.b));
	XEN_FRONT_RING_INIT(f, (struct u_sring *)(void *)page.b, 1024);
	BACK_RING_INIT(b, (struct u_sring *)(void *)page.b, 1024);
}

/*
 * Xen's ring.h, included after xen.h above, defined nothing of its own
 * (else its macros would clash with ours and this file would not build),
 * and the ring type is sring's: ring[] is a flexible array, where Xen
 * 4.17's ring[1] makes the struct 64 bytes plus one entry.
 */
static void test_xen_unit_xen_header_after_is_noop(void **state)
{
	(void)state;
	assert_int_equal(sizeof(struct u_sring), 64);
	assert_int_equal(offsetof(struct u_sring, ring), 64);
}

/* Initialisation writes Xen's values and leaves the slots untouched. */
static void test_xen_unit_init_bytes(void **state)
{
	struct u_front_ring f;
	struct u_back_ring b;
	struct u_sring *s = (struct u_sring *)(void *)page.b;
	size_t i;

	(void)state;
	setup(&f, &b);
	assert_int_equal(s->req_prod, 0);
	assert_int_equal(s->rsp_prod, 0);
	assert_int_equal(s->req_event, 1);
	assert_int_equal(s->rsp_event, 1);
	for (i = 16; i < 64; i++)
		assert_int_equal(page.b[i], 0);
	for (i = 64; i < sizeof(page.b); i++)
		assert_int_equal(page.b[i], 0x77);
	assert_int_equal(RING_SIZE(&f), 32); /* (1024 - 64) / 16 -> 32 */
	assert_int_equal(RING_SIZE(&b), 32);
	assert_ptr_equal(f.sring, s);
	assert_ptr_equal(b.sring, s);
	assert_int_equal(__CONST_RING_SIZE(u, 1024), 32);
	assert_int_equal(__RING_SIZE((struct u_sring *)0, 1024), 32);
}

/* Every shared word is read once per macro, through the atomic hooks. */
static void test_xen_unit_shared_reads_once(void **state)
{
	struct u_front_ring f;
	struct u_back_ring b;
	unsigned int n;
	int notify;

	(void)state;
	setup(&f, &b);
	f.req_prod_pvt += 5;

	hooks_reset();
	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&f, notify);
	assert_int_equal(notify, 1);
	assert_int_equal(hook[LD_RLX][REQ_PROD], 1);  /* old value, once */
	assert_int_equal(hook[ST_REL][REQ_PROD], 1);  /* publish: release */
	assert_int_equal(hook[LD_RLX][REQ_EVENT], 1); /* event, once */
	assert_int_equal(hook_mb, 1);                 /* store->load fence */
	assert_int_equal(hooks_total(), 3);

	hooks_reset();
	n = XEN_RING_NR_UNCONSUMED_REQUESTS(&b);
	assert_int_equal(n, 5);
	assert_int_equal(hook[LD_ACQ][REQ_PROD], 1);
	assert_int_equal(hooks_total(), 1);

	/* A lying req_prod is read once and clamped by Xen's formula. */
	b.sring->req_prod = 1000;
	hooks_reset();
	n = XEN_RING_NR_UNCONSUMED_REQUESTS(&b);
	assert_int_equal(n, 32);
	assert_int_equal(hooks_total(), 1);
	b.sring->req_prod = 5;

	b.req_cons = 5;
	hooks_reset();
	RING_FINAL_CHECK_FOR_REQUESTS(&b, n);
	assert_int_equal(n, 0);
	assert_int_equal(hook[LD_ACQ][REQ_PROD], 2);  /* check, re-check */
	assert_int_equal(hook[ST_RLX][REQ_EVENT], 1); /* arm */
	assert_int_equal(hook_mb, 1);
	assert_int_equal(hooks_total(), 3);
	assert_int_equal(b.sring->req_event, 6);

	b.rsp_prod_pvt = 5;
	hooks_reset();
	RING_PUSH_RESPONSES(&b);
	assert_int_equal(hook[ST_REL][RSP_PROD], 1);
	assert_int_equal(hooks_total(), 1);
	assert_int_equal(hook_mb, 0);

	hooks_reset();
	RING_FINAL_CHECK_FOR_RESPONSES(&f, n);
	assert_int_equal(n, 5);
	assert_int_equal(hook[LD_ACQ][RSP_PROD], 1); /* work found: no arm */
	assert_int_equal(hooks_total(), 1);

	/* A user's xen_mb() is kept and never called by the macros. */
	assert_int_equal(user_mb, 0);
	xen_mb();
	assert_int_equal(user_mb, 1);
	hooks_reset();
	xen_rmb(); /* supplied by xen.h: SRING_MB() */
	xen_wmb();
	assert_int_equal(hook_mb, 2);
	user_mb = 0;
}

/* Each macro argument is evaluated once (RING_GET_* evaluate r twice). */
static void test_xen_unit_arguments_once(void **state)
{
	struct u_front_ring f;
	struct u_back_ring b;
	struct u_sring *s = (struct u_sring *)(void *)page.b;
	struct ureq req;
	struct ursp rsp;
	unsigned int n, work, cnt[4];
	int notify;
	RING_IDX i = 0;

	(void)state;
	setup(&f, &b);
/* Argument k counts its evaluations in cnt[k] (distinct objects: the
 * arguments of one call are unsequenced). Each must end at exactly 1. */
#define A(k, x) (cnt[k]++, x)
#define ONCE(expr, count) \
	do { \
		memset(cnt, 0, sizeof(cnt)); \
		expr; \
		for (n = 0; n < (count); n++) \
			assert_int_equal(cnt[n], 1); \
		for (; n < 4; n++) \
			assert_int_equal(cnt[n], 0); \
	} while (0)
	ONCE(SHARED_RING_INIT(A(0, s)), 1);
	ONCE(FRONT_RING_ATTACH(A(0, &f), A(1, s), A(2, 0u), A(3, 1024)), 4);
	ONCE(BACK_RING_ATTACH(A(0, &b), A(1, s), A(2, 0u), A(3, 1024)), 4);
	ONCE(XEN_FRONT_RING_INIT(A(0, &f), A(1, s), A(2, 1024)), 3);
	ONCE(FRONT_RING_INIT(A(0, &f), A(1, s), A(2, 1024)), 3);
	ONCE(BACK_RING_INIT(A(0, &b), A(1, s), A(2, 1024)), 3);
	ONCE((void)RING_FREE_REQUESTS(A(0, &f)), 1);
	ONCE((void)RING_FULL(A(0, &f)), 1);
	ONCE((void)RING_HAS_UNCONSUMED_RESPONSES(A(0, &f)), 1);
	ONCE((void)RING_HAS_UNCONSUMED_REQUESTS(A(0, &b)), 1);
	ONCE((void)RING_REQUEST_CONS_OVERFLOW(A(0, &b), A(1, 0u)), 2);
	ONCE((void)RING_REQUEST_PROD_OVERFLOW(A(0, &b), A(1, 0u)), 2);
	ONCE((void)RING_RESPONSE_PROD_OVERFLOW(A(0, &f), A(1, 0u)), 2);
	RING_GET_REQUEST(&f, f.req_prod_pvt++)->id = 42;
	assert_int_equal(f.req_prod_pvt, 1);
	ONCE(RING_PUSH_REQUESTS(A(0, &f)), 1);
	ONCE(RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(A(0, &f), *A(1, &notify)),
	     2);
	ONCE(RING_FINAL_CHECK_FOR_REQUESTS(A(0, &b), *A(1, &work)), 2);
	assert_int_equal(work, 1);
	ONCE(RING_COPY_REQUEST(&b, A(0, i++), A(1, &req)), 2);
	assert_int_equal(req.id, 42);
	assert_int_equal(i, 1);
	b.req_cons = 1;
	RING_GET_RESPONSE(&b, b.rsp_prod_pvt++)->id = 43;
	ONCE(RING_PUSH_RESPONSES(A(0, &b)), 1);
	ONCE(RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(A(0, &b), *A(1, &notify)),
	     2);
	ONCE(RING_FINAL_CHECK_FOR_RESPONSES(A(0, &f), *A(1, &work)), 2);
	assert_int_equal(work, 1);
	i = 0;
	ONCE(RING_COPY_RESPONSE(&f, A(0, i), A(1, &rsp)), 2);
	assert_int_equal(rsp.id, 43);
#undef ONCE
#undef A
}

/* name_queued() refuses distances beyond the ring where Xen's masks. */
static void test_xen_unit_flex_queued_rejects(void **state)
{
	(void)state;
	assert_int_equal(uflex_queued(100, 0, 64), 0);   /* Xen: 36 */
	assert_int_equal(uflex_queued(0, 100, 64), 0);   /* cons ahead */
	assert_int_equal(uflex_queued(69, 5, 64), 64);   /* full */
	assert_int_equal(uflex_queued(5, 0xfffffffbu, 64), 10); /* wrap */
	assert_int_equal(uflex_queued(9, 7, 48), 0);     /* not 2^k */
	assert_int_equal(uflex_mask(0x12345u, 4096), 0x345u);
}

/* Packets wrap at the end of the buffer and never leave it. */
static void test_xen_unit_flex_packets_bounded(void **state)
{
	unsigned char area[64 + 2 * 16], in[16], out[16];
	unsigned char *buf = area + 16;
	RING_IDX mp = 60, mc = 60, k;

	(void)state;
	memset(area, 0xcc, sizeof(area));
	for (k = 0; k < 16; k++)
		in[k] = (unsigned char)(k + 1);
	uflex_write_packet(buf, in, 10, &mp, mc, 64);
	assert_int_equal(mp, 6);
	assert_memory_equal(buf + 60, in, 4);
	assert_memory_equal(buf, in + 4, 6);
	for (k = 0; k < 16; k++) /* guards around the buffer */
		assert_true(area[k] == 0xcc && area[16 + 64 + k] == 0xcc);
	memset(out, 0, sizeof(out));
	uflex_read_packet(out, buf, 10, mp, &mc, 64);
	assert_int_equal(mc, 6);
	assert_memory_equal(out, in, 10);

	/* Refused: more than lies between the indices, bad index, bad size. */
	mc = 60;
	mp = 62;
	memset(out, 0, sizeof(out));
	uflex_read_packet(out, buf, 10, mp, &mc, 64); /* Xen reads past buf */
	assert_int_equal(mc, 60);
	assert_int_equal(out[0], 0);
	mc = 64;
	uflex_read_packet(out, buf, 1, 0, &mc, 64);
	assert_int_equal(mc, 64);
	mc = 0;
	uflex_read_packet(out, buf, 65, 0, &mc, 64);
	assert_int_equal(mc, 0);
	mc = 0;
	uflex_read_packet(out, buf, 4, 8, &mc, 48);
	assert_int_equal(mc, 0);
	mp = 10;
	uflex_write_packet(buf, in, 8, &mp, 12, 64); /* 2 bytes of room */
	assert_int_equal(mp, 10);
	mp = 200;
	uflex_write_packet(buf, in, 1, &mp, 0, 64);
	assert_int_equal(mp, 200);
	for (k = 0; k < 16; k++)
		assert_true(area[k] == 0xcc && area[16 + 64 + k] == 0xcc);
}

/* The index page has Xen's offsets; ref[] is a flexible array. */
static void test_xen_unit_flex_intf_layout(void **state)
{
	(void)state;
	assert_int_equal(offsetof(struct uflex_data_intf, out_cons), 64);
	assert_int_equal(offsetof(struct uflex_data_intf, ring_order), 128);
	assert_int_equal(offsetof(struct uflex_data_intf, ref), 132);
	assert_int_equal(sizeof(struct uflex_data_intf), 132);
	assert_int_equal(sizeof(struct uflex_data), 2 * sizeof(void *));
}

/* The C++ build (cxx_use.cc, strict warnings) exchanges messages. */
static void test_xen_unit_cxx_exchange(void **state)
{
	(void)state;
	assert_int_equal(xen_cxx_exchange(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xen_unit_xen_header_after_is_noop),
		cmocka_unit_test(test_xen_unit_init_bytes),
		cmocka_unit_test(test_xen_unit_shared_reads_once),
		cmocka_unit_test(test_xen_unit_arguments_once),
		cmocka_unit_test(test_xen_unit_flex_queued_rejects),
		cmocka_unit_test(test_xen_unit_flex_packets_bounded),
		cmocka_unit_test(test_xen_unit_flex_intf_layout),
		cmocka_unit_test(test_xen_unit_cxx_exchange),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
