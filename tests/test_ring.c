/* SPDX-License-Identifier: MIT */
/*
 * The request/response ring, single-threaded: sizes, index arithmetic
 * across 2^32, fill levels, the notification rule, final checks,
 * moderation, and a hostile peer writing every shared field. Everything
 * that is not about Xen's layout itself runs on both layouts (the fast
 * layout's own offsets and header checks are in test_fast.c).
 */
#include "sring_test.h"

#include <stdio.h>
#include <stdlib.h>

#include <sring/sring.h>

struct t_req {
	uint64_t id;
	uint32_t a;
	uint32_t b;
};

struct t_rsp {
	uint64_t id;
	uint32_t v;
	uint32_t pad;
};

SRING_DEFINE_RING_TYPES(t, struct t_req, struct t_rsp);

/* An odd-sized pair: 12-byte slots, like Xen's blkif response on i386. */
struct o_req {
	uint32_t w[3];
};

struct o_rsp {
	uint8_t c;
};

SRING_DEFINE_RING_TYPES(o, struct o_req, struct o_rsp);

/* Array bounds from the constant expression (would not compile if not);
 * typedefs, as clang warns about arrays used only in sizeof. */
typedef uint32_t shadow_one_page[SRING_CONST_RING_SIZE(t, 4096)];
typedef uint32_t shadow_two_pages[SRING_CONST_RING_SIZE(t, 8192)];

SRING_DEFINE_FAST_LAYOUT(t);

#define SMALL_SLOTS 8u
#define PAGE_SLOTS 128u /* what one 4096-byte page holds in Xen's layout */

/*
 * Every test below the layout-specific ones runs twice: on Xen's layout
 * and on sring's fast layout (sring/fast.h), which share all ring code
 * and differ only in where the words and slots are. Set per cmocka group.
 */
static int fast_layout;

/* Both ends on one shared area allocated to its exact size (for ASan). */
struct pair {
	unsigned char *mem;
	size_t bytes;
	struct t_front f;
	struct t_back b;
};

/*
 * A shared index word where the layout's definition puts it (the struct,
 * not the pointers attach computed, so a misplaced word fails here).
 */
static sring_idx_t *sh_word(struct pair *p, size_t xen_off, size_t fast_off)
{
	return (sring_idx_t *)(void *)(p->mem +
				       (fast_layout ? fast_off : xen_off));
}

#define SH(p, word)                                                   \
	(*sh_word((p), offsetof(struct sring_shared, word),           \
		  offsetof(struct sring_fast_shared, word)))

/* The first request slot, likewise. */
static struct t_req *req_slot0(struct pair *p)
{
	return (struct t_req *)(void *)(p->mem + (fast_layout ?
						  SRING_FAST_OFF_SLOTS :
						  SRING_HEADER_SIZE));
}

static int pair_back_attach(struct pair *p, struct t_back *b,
			    sring_idx_t idx)
{
	if (fast_layout)
		return t_back_fast_attach(b, p->mem, p->bytes, idx);
	return t_back_attach(b, (struct t_sring *)(void *)p->mem, p->bytes, idx);
}

static struct pair *pair_new_at(uint32_t slots, sring_idx_t idx)
{
	struct pair *p = calloc(1, sizeof(*p));

	assert_non_null(p);
	p->bytes = fast_layout ? t_fast_bytes(slots)
			       : SRING_HEADER_SIZE +
					 slots * sizeof(union t_sring_entry);
	p->mem = test_alloc(64, p->bytes);
	assert_non_null(p->mem);
	memset(p->mem, 0xA5, p->bytes);
	if (fast_layout) {
		assert_int_equal(t_fast_init_at(p->mem, p->bytes, idx),
				 SRING_OK);
		assert_int_equal(t_front_fast_attach(&p->f, p->mem, p->bytes,
						     idx),
				 SRING_OK);
	} else {
		assert_int_equal(t_sring_init_at((struct t_sring *)(void *)p->mem,
						 p->bytes, idx),
				 SRING_OK);
		assert_int_equal(t_front_attach(&p->f,
						(struct t_sring *)(void *)p->mem,
						p->bytes, idx),
				 SRING_OK);
	}
	assert_int_equal(pair_back_attach(p, &p->b, idx), SRING_OK);
	assert_int_equal(t_front_size(&p->f), slots);
	/* Which layout it is: only the fast one splits the slot arrays. */
	assert_true((p->f.core.l.req_slots == p->f.core.l.rsp_slots) ==
		    !fast_layout);
	assert_ptr_equal(p->f.core.l.req_slots, req_slot0(p));
	return p;
}

static struct pair *pair_new(uint32_t slots)
{
	return pair_new_at(slots, 0);
}

static void pair_free(struct pair *p)
{
	free(p->mem);
	free(p);
}

static struct t_req mkreq(uint64_t id)
{
	struct t_req r;

	memset(&r, 0, sizeof(r));
	r.id = id;
	r.a = (uint32_t)(id * 3u);
	r.b = (uint32_t)(id ^ 0x5555u);
	return r;
}

/* Runs n requests through the ring in lockstep and checks every id. */
static void roundtrip_n(struct pair *p, uint64_t *next_id, unsigned n)
{
	struct t_req req;
	struct t_rsp rsp;
	unsigned i;
	uint64_t first = *next_id;

	for (i = 0; i < n; i++) {
		req = mkreq((*next_id)++);
		assert_int_equal(t_front_put_request(&p->f, &req), SRING_OK);
	}
	t_front_push_requests(&p->f);
	for (i = 0; i < n; i++) {
		struct t_rsp *slot;

		assert_int_equal(t_back_copy_request(&p->b, &req), SRING_OK);
		assert_true(req.id == first + i);
		assert_true(req.a == (uint32_t)(req.id * 3u));
		slot = t_back_get_response(&p->b);
		assert_non_null(slot);
		slot->id = req.id;
		slot->v = req.a + req.b;
		slot->pad = 0;
	}
	assert_int_equal(t_back_copy_request(&p->b, &req), SRING_EMPTY);
	t_back_push_responses(&p->b);
	for (i = 0; i < n; i++) {
		assert_int_equal(t_front_copy_response(&p->f, &rsp), SRING_OK);
		assert_true(rsp.id == first + i);
		assert_true(rsp.v == (uint32_t)(rsp.id * 3u) +
					     (uint32_t)(rsp.id ^ 0x5555u));
	}
	assert_int_equal(t_front_copy_response(&p->f, &rsp), SRING_EMPTY);
}

/* ------------------------------------------------------------------ */

/* The constant and run-time slot counts agree and are powers of two. */
static void test_sizes_const_matches_runtime(void **state)
{
	size_t slot, bytes;

	(void)state;
	assert_int_equal(sizeof(shadow_one_page) / sizeof(uint32_t), 128);
	assert_int_equal(sizeof(shadow_two_pages) / sizeof(uint32_t), 256);
	for (slot = 1; slot <= 300; slot += 7) {
		for (bytes = 0; bytes < 70000; bytes += 97) {
			uint32_t n = sring_ring_slots(slot, bytes);

			assert_int_equal(n, SRING_RING_SLOTS(slot, bytes));
			if (n == 0) {
				assert_true(bytes < 64 + slot);
				continue;
			}
			assert_int_equal(n & (n - 1), 0);
			assert_true(64 + (size_t)n * slot <= bytes);
			assert_true(64 + (size_t)n * 2 * slot > bytes);
		}
	}
}

/* 2^order pages for order 0..8 give Xen's counts (112-byte blkif slots). */
static void test_sizes_page_orders(void **state)
{
	static const uint32_t expect[9] = {32, 64, 128, 256, 512, 1024,
					   2048, 4096, 8192};
	unsigned order;

	(void)state;
	for (order = 0; order <= 8; order++)
		assert_int_equal(sring_ring_slots(112, (size_t)4096 << order),
				 expect[order]);
	assert_int_equal(SRING_CONST_RING_SIZE(o, 4096), 256);
	assert_int_equal(sizeof(union o_sring_entry), 12);
}

/* Invalid areas and sizes are refused before anything is written. */
static void test_init_rejects_bad_areas(void **state)
{
	static unsigned char buf[4096 + 8] __attribute__((aligned(64)));
	static unsigned char snap[sizeof(buf)];
	struct t_front f;
	struct t_back b;
	struct sring_layout l;

	(void)state;
	memset(buf, 0xa5, sizeof(buf));
	memcpy(snap, buf, sizeof(buf));
	assert_int_equal(t_sring_init(NULL, 4096), SRING_EINVAL);
	assert_int_equal(t_sring_init((struct t_sring *)buf, 64 + 15),
			 SRING_EINVAL);
	assert_int_equal(t_front_init(&f, (struct t_sring *)(buf + 4), 4096),
			 SRING_EINVAL);
	assert_int_equal(t_back_init(&b, (struct t_sring *)buf, 0),
			 SRING_EINVAL);
	assert_int_equal(sring_xen_layout(&l, buf, 4096, 0, 1, 1),
			 SRING_EINVAL);
	assert_int_equal(sring_xen_layout(&l, buf, 4096, 8, 16, 8),
			 SRING_EINVAL);
	assert_int_equal(sring_xen_layout(&l, buf, 4096, 16, 16, 16),
			 SRING_OK);
	l.nr_ents = 3;
	assert_int_equal(sring_front_attach(&f.core, &l, 0), SRING_EINVAL);
	/* A failed attach leaves a ring that refuses every call. */
	assert_int_equal(t_back_broken(&b), SRING_EINVAL);
	assert_int_equal(t_back_unconsumed_requests(&b), SRING_EINVAL);
	assert_null(t_back_get_response(&b));
	assert_int_equal(t_front_broken(&f), SRING_EINVAL);
	assert_null(t_front_get_request(&f));
	assert_int_equal(t_front_push_requests(&f), 0);
	/* Not one byte of the area was written by any of the above. */
	assert_memory_equal(buf, snap, sizeof(buf));
	/* Exactly one slot fits. */
	assert_int_equal(t_sring_init((struct t_sring *)buf, 64 + 16),
			 SRING_OK);
	assert_int_equal(t_front_init(&f, (struct t_sring *)buf, 64 + 16),
			 SRING_OK);
	assert_int_equal(t_front_free_requests(&f), 1);
}

/* Shared init zeroes the whole area and sets Xen's initial indices. */
static void test_init_zeroes_shared_area(void **state)
{
	const size_t bytes = 4096 + 40; /* a tail past the last slot */
	unsigned char *m = test_alloc(64, bytes);
	struct sring_shared *h = (struct sring_shared *)m;
	size_t i;

	(void)state;
	assert_non_null(m);
	memset(m, 0xEE, bytes);
	assert_int_equal(t_sring_init_at((struct t_sring *)m, bytes, 77),
			 SRING_OK);
	assert_int_equal(h->req_prod, 77);
	assert_int_equal(h->rsp_prod, 77);
	assert_int_equal(h->req_event, 78);
	assert_int_equal(h->rsp_event, 78);
	for (i = 16; i < bytes; i++)
		assert_int_equal(m[i], 0);
	free(m);
}

/* Front and back init write nothing to shared memory. */
static void test_init_front_back_touch_nothing(void **state)
{
	unsigned char m[512] __attribute__((aligned(64)));
	unsigned char before[512];
	struct t_front f;
	struct t_back b;

	(void)state;
	memset(m, 0x3C, sizeof(m));
	memcpy(before, m, sizeof(m));
	assert_int_equal(t_front_attach(&f, (struct t_sring *)m, sizeof(m),
					0x1234),
			 SRING_OK);
	assert_int_equal(t_back_attach(&b, (struct t_sring *)m, sizeof(m),
				       0x1234),
			 SRING_OK);
	assert_memory_equal(m, before, sizeof(m));
}

/* A basic exchange with the typed API, then a second batch. */
static void test_roundtrip_basic(void **state)
{
	struct pair *p = pair_new(PAGE_SLOTS);
	uint64_t id = 0;

	(void)state;
	assert_int_equal(t_front_size(&p->f), 128);
	roundtrip_n(p, &id, 1);
	roundtrip_n(p, &id, 128);
	roundtrip_n(p, &id, 5);
	pair_free(p);
}

/* Thousands of round trips across 2^32 from 0xFFFFFF00, every batch size. */
static void test_wrap_thousands_of_roundtrips(void **state)
{
	struct pair *p = pair_new_at(SMALL_SLOTS, 0xFFFFFF00u);
	uint64_t id = 0;
	unsigned i;

	(void)state;
	for (i = 0; i < 5000; i++)
		roundtrip_n(p, &id, 1 + i % SMALL_SLOTS);
	/* The indices really crossed 2^32. */
	assert_true(p->f.core.req_prod_pvt < 0xFFFFFF00u);
	assert_int_equal(SH(p, req_prod), p->f.core.req_prod_pvt);
	assert_int_equal(SH(p, rsp_prod), p->b.core.rsp_prod_pvt);
	pair_free(p);
}

/* free/full/unconsumed are right at every fill level, also over the wrap. */
static void test_counts_every_fill_level(void **state)
{
	static const sring_idx_t starts[] = {0, 0xFFFFFFFCu, 0x7FFFFFFEu};
	unsigned s;

	(void)state;
	for (s = 0; s < 3; s++) {
		struct pair *p = pair_new_at(SMALL_SLOTS, starts[s]);
		struct t_req req = mkreq(0);
		unsigned fill, k;

		for (fill = 0; fill <= SMALL_SLOTS; fill++) {
			struct t_rsp rsp;

			for (k = 0; k < fill; k++)
				assert_int_equal(
					t_front_put_request(&p->f, &req),
					SRING_OK);
			assert_int_equal(t_front_free_requests(&p->f),
					 SMALL_SLOTS - fill);
			assert_int_equal(t_front_full(&p->f),
					 fill == SMALL_SLOTS);
			if (fill == SMALL_SLOTS) {
				assert_null(t_front_get_request(&p->f));
				assert_int_equal(
					t_front_put_request(&p->f, &req),
					SRING_FULL);
			}
			assert_int_equal(t_back_unconsumed_requests(&p->b), 0);
			t_front_push_requests(&p->f);
			assert_int_equal(t_back_unconsumed_requests(&p->b),
					 fill);
			for (k = 0; k < fill; k++) {
				struct t_rsp r;

				assert_int_equal(
					t_back_copy_request(&p->b, &req),
					SRING_OK);
				assert_int_equal(
					t_back_unconsumed_requests(&p->b),
					fill - k - 1);
				memset(&r, 0, sizeof(r));
				assert_int_equal(
					t_back_put_response(&p->b, &r),
					SRING_OK);
			}
			/* Still full until the front consumes responses. */
			assert_int_equal(t_front_free_requests(&p->f),
					 SMALL_SLOTS - fill);
			t_back_push_responses(&p->b);
			assert_int_equal(t_front_unconsumed_responses(&p->f),
					 fill);
			for (k = 0; k < fill; k++)
				assert_int_equal(
					t_front_copy_response(&p->f, &rsp),
					SRING_OK);
			assert_int_equal(t_front_free_requests(&p->f),
					 SMALL_SLOTS);
		}
		pair_free(p);
	}
}

/* Batch copies take what is there, up to the caller's capacity. */
static void test_batch_copies(void **state)
{
	struct pair *p = pair_new(SMALL_SLOTS);
	struct t_req reqs[SMALL_SLOTS];
	struct t_rsp rsps[SMALL_SLOTS];
	unsigned i;

	(void)state;
	for (i = 0; i < 6; i++) {
		struct t_req r = mkreq(100 + i);

		assert_int_equal(t_front_put_request(&p->f, &r), SRING_OK);
	}
	assert_int_equal(t_back_copy_requests(&p->b, reqs, SMALL_SLOTS), 0);
	t_front_push_requests(&p->f);
	assert_int_equal(t_back_copy_requests(&p->b, reqs, 4), 4);
	assert_int_equal(t_back_copy_requests(&p->b, reqs + 4, SMALL_SLOTS),
			 2);
	assert_int_equal(t_back_copy_requests(&p->b, reqs, SMALL_SLOTS), 0);
	for (i = 0; i < 6; i++) {
		struct t_rsp r;

		assert_true(reqs[i].id == 100 + i);
		memset(&r, 0, sizeof(r));
		r.id = reqs[i].id;
		assert_int_equal(t_back_put_response(&p->b, &r), SRING_OK);
	}
	t_back_push_responses(&p->b);
	assert_int_equal(t_front_copy_responses(&p->f, rsps, SMALL_SLOTS), 6);
	for (i = 0; i < 6; i++)
		assert_true(rsps[i].id == 100 + i);
	assert_int_equal(t_front_copy_responses(&p->f, rsps, SMALL_SLOTS), 0);
	pair_free(p);
}

/* Brute-force reference: is event one of old+1 .. new? */
static int need_event_ref(sring_idx_t event, sring_idx_t new_idx,
			  sring_idx_t old_idx)
{
	sring_idx_t i;

	for (i = old_idx; i != new_idx;) {
		i++;
		if (i == event)
			return 1;
	}
	return 0;
}

/* The notify rule equals the brute-force reference in windows around 0,
 * 2^31 and 2^32, for every (old, new, event) in range. */
static void test_need_event_exhaustive(void **state)
{
	static const sring_idx_t bases[] = {0, 0x7FFFFFF0u, 0xFFFFFFE0u};
	unsigned b;

	(void)state;
	for (b = 0; b < 3; b++) {
		sring_idx_t o, d, e;

		for (o = 0; o < 48; o++) {
			sring_idx_t old_idx = bases[b] + o;

			for (d = 0; d <= 40; d++) {
				sring_idx_t new_idx = old_idx + d;

				for (e = 0; e < 160; e++) {
					sring_idx_t ev = old_idx - 60 + e;

					if (sring_need_event(ev, new_idx,
							     old_idx) !=
					    need_event_ref(ev, new_idx,
							   old_idx)) {
						fail_msg("old %u new %u ev %u",
							 old_idx, new_idx, ev);
					}
				}
			}
		}
	}
}

/* Xen's sequence: first push notifies, more pushes without a re-arm do
 * not, and a final check on an empty ring re-arms for the next. */
static void test_notify_hold_off_sequence(void **state)
{
	struct pair *p = pair_new_at(PAGE_SLOTS, 0xFFFFFFF0u);
	struct t_req req = mkreq(1);
	unsigned i;

	(void)state;
	/* Empty push: nothing published, no notification. */
	assert_int_equal(t_front_push_requests(&p->f), 0);
	for (i = 0; i < 3; i++)
		t_front_put_request(&p->f, &req);
	assert_int_equal(t_front_push_requests(&p->f), 1);
	t_front_put_request(&p->f, &req);
	assert_int_equal(t_front_push_requests(&p->f), 0);
	/* The back consumes all four and arms: event = cons + 1. */
	for (i = 0; i < 4; i++)
		assert_int_equal(t_back_copy_request(&p->b, &req), SRING_OK);
	assert_int_equal(t_back_final_check(&p->b), 0);
	assert_int_equal(SH(p, req_event), (sring_idx_t)(0xFFFFFFF0u + 5));
	/* Twenty more, across 2^32: one notification. */
	for (i = 0; i < 20; i++)
		t_front_put_request(&p->f, &req);
	assert_int_equal(t_front_push_requests(&p->f), 1);
	assert_int_equal(t_back_unconsumed_requests(&p->b), 20);
	pair_free(p);
}

/* The final check returns the work it finds instead of arming. */
static void test_final_check_finds_work(void **state)
{
	struct pair *p = pair_new(PAGE_SLOTS);
	struct t_req req = mkreq(1);
	sring_idx_t ev;

	(void)state;
	t_front_put_request(&p->f, &req);
	t_front_put_request(&p->f, &req);
	t_front_push_requests(&p->f);
	ev = SH(p, req_event);
	assert_int_equal(t_back_final_check(&p->b), 2);
	/* Work was found on the first look: the event was not moved. */
	assert_int_equal(SH(p, req_event), ev);
	/* Responses: the front sees them, or arms rsp_event = cons + 1. */
	assert_int_equal(t_front_final_check(&p->f), 0);
	assert_int_equal(SH(p, rsp_event), 1);
	pair_free(p);
}

/* Back moderation: arm at cons + k; work below k leaves it asleep. */
static void test_moderation_back_threshold(void **state)
{
	struct pair *p = pair_new(PAGE_SLOTS);
	struct t_req req = mkreq(1);
	unsigned i;

	(void)state;
	t_back_set_moderation(&p->b, 4);
	assert_int_equal(t_back_final_check(&p->b), 0);
	assert_int_equal(SH(p, req_event), 4);
	for (i = 0; i < 3; i++)
		t_front_put_request(&p->f, &req);
	/* Three requests: event 4 is not in (0, 3], no notification. */
	assert_int_equal(t_front_push_requests(&p->f), 0);
	assert_int_equal(t_back_final_check(&p->b), 0);
	assert_int_equal(t_back_unconsumed_requests(&p->b), 3);
	t_front_put_request(&p->f, &req);
	/* The fourth crosses the event: notify, and the back has work. */
	assert_int_equal(t_front_push_requests(&p->f), 1);
	assert_int_equal(t_back_final_check(&p->b), 4);
	/* k = 0 means 1. */
	t_back_set_moderation(&p->b, 0);
	assert_int_equal(p->b.core.moderation, 1);
	pair_free(p);
}

/* Front moderation is capped by requests in flight, so it always wakes. */
static void test_moderation_front_capped_by_inflight(void **state)
{
	struct pair *p = pair_new(PAGE_SLOTS);
	struct t_req req = mkreq(1);
	struct t_rsp rsp;
	unsigned i;

	(void)state;
	memset(&rsp, 0, sizeof(rsp));
	t_front_set_moderation(&p->f, 16);
	for (i = 0; i < 5; i++)
		t_front_put_request(&p->f, &req);
	t_front_push_requests(&p->f);
	/* Only five in flight: the front asks to be woken after five. */
	assert_int_equal(t_front_final_check(&p->f), 0);
	assert_int_equal(SH(p, rsp_event), 5);
	for (i = 0; i < 5; i++) {
		t_back_copy_request(&p->b, &req);
		t_back_put_response(&p->b, &rsp);
		/* Responses 1..4 do not wake; the fifth does. */
		assert_int_equal(t_back_push_responses(&p->b), i == 4);
	}
	assert_int_equal(t_front_final_check(&p->f), 5);
	pair_free(p);
}

/* Notifications off: pushes stay silent; final check turns them back on
 * and still sees work published while they were off. */
static void test_notify_off_and_on(void **state)
{
	struct pair *p = pair_new(PAGE_SLOTS);
	struct t_req req = mkreq(1);
	unsigned i;

	(void)state;
	t_back_notify_off(&p->b);
	for (i = 0; i < 10; i++) {
		t_front_put_request(&p->f, &req);
		assert_int_equal(t_front_push_requests(&p->f), 0);
		assert_int_equal(t_back_copy_request(&p->b, &req), SRING_OK);
		t_back_notify_off(&p->b);
	}
	t_front_put_request(&p->f, &req);
	assert_int_equal(t_front_push_requests(&p->f), 0);
	/* Turning notifications back on finds the silent request. */
	assert_int_equal(t_back_final_check(&p->b), 1);
	assert_int_equal(t_back_copy_request(&p->b, &req), SRING_OK);
	assert_int_equal(t_back_final_check(&p->b), 0);
	t_front_put_request(&p->f, &req);
	assert_int_equal(t_front_push_requests(&p->f), 1);
	pair_free(p);
}

/* Reconnect: a new back end attaches where the old one stopped. */
static void test_attach_reconnect(void **state)
{
	struct pair *p = pair_new_at(SMALL_SLOTS, 0xFFFFFFFAu);
	uint64_t id = 0;
	struct t_back fresh;

	(void)state;
	roundtrip_n(p, &id, 7);
	/* Old back gone; the index is agreed out of band (all answered). */
	assert_int_equal(pair_back_attach(p, &fresh, p->f.core.req_pub),
			 SRING_OK);
	p->b = fresh;
	roundtrip_n(p, &id, 8);
	roundtrip_n(p, &id, 3);
	pair_free(p);
}

/* Asking for a response slot when none is owed is local misuse. */
static void test_get_response_none_owed_asserts(void **state)
{
	struct pair *p = pair_new(PAGE_SLOTS);
	struct t_rsp rsp;

	(void)state;
	memset(&rsp, 0, sizeof(rsp));
	expect_assert_failure(t_back_get_response(&p->b));
	expect_assert_failure(t_back_put_response(&p->b, &rsp));
	/* Also after traffic, when the reserve path is past its first call. */
	{
		uint64_t id = 1;

		roundtrip_n(p, &id, 3);
	}
	expect_assert_failure(t_back_get_response(&p->b));
	expect_assert_failure(t_back_put_response(&p->b, &rsp));
	assert_int_equal(sring_back_owed_responses(&p->b.core), 0);
	pair_free(p);
}

/*
 * Publish every k: get_request publishes the k slots handed out before
 * it, and a "notify" found on the way is returned by the next push.
 */
static void test_publish_policy(void **state)
{
	struct pair *p = pair_new(SMALL_SLOTS);
	struct t_req req = mkreq(1);
	struct t_rsp rsp;
	int i;

	(void)state;
	memset(&rsp, 0, sizeof(rsp));
	t_front_set_publish(&p->f, 3);
	assert_int_equal(t_back_final_check(&p->b), 0); /* back sleeps */
	for (i = 0; i < 3; i++)
		assert_int_equal(t_front_put_request(&p->f, &req), SRING_OK);
	assert_int_equal(SH(p, req_prod), 0);
	assert_int_equal(t_front_put_request(&p->f, &req), SRING_OK);
	assert_int_equal(SH(p, req_prod), 3);
	/* The back reads the three published ones before the last push. */
	assert_int_equal(t_back_unconsumed_requests(&p->b), 3);
	/* Nothing new since, yet the policy's "notify" is not lost. */
	assert_int_equal(t_front_push_requests(&p->f), 1);
	assert_int_equal(SH(p, req_prod), 4);
	assert_int_equal(t_front_push_requests(&p->f), 0);
	/* Same on the back: responses every 2. */
	t_back_set_publish(&p->b, 2);
	assert_int_equal(t_front_final_check(&p->f), 0);
	for (i = 0; i < 3; i++) {
		assert_int_equal(t_back_copy_request(&p->b, &req), SRING_OK);
		assert_int_equal(t_back_put_response(&p->b, &rsp), SRING_OK);
	}
	assert_int_equal(SH(p, rsp_prod), 2);
	assert_int_equal(t_back_push_responses(&p->b), 1);
	assert_int_equal(SH(p, rsp_prod), 3);
	/* k = 1 publishes each slot when the next one is reserved. */
	t_front_set_publish(&p->f, 1);
	t_front_put_request(&p->f, &req);
	assert_int_equal(SH(p, req_prod), 4);
	t_front_put_request(&p->f, &req);
	assert_int_equal(SH(p, req_prod), 5);
	/* k = 0 turns the policy off again. */
	t_front_set_publish(&p->f, 0);
	for (i = 0; i < 2; i++)
		t_front_put_request(&p->f, &req);
	assert_int_equal(SH(p, req_prod), 5);
	assert_int_equal(t_front_push_requests(&p->f), 0);
	assert_int_equal(SH(p, req_prod), 8);
	pair_free(p);
}

/*
 * A publish policy set after the ring is in use applies from the next
 * reserve: with k = 2, the third reserve publishes the two before it.
 */
static void test_publish_policy_set_midway(void **state)
{
	struct pair *p = pair_new(PAGE_SLOTS);
	struct t_req req = mkreq(1);
	struct t_rsp rsp;
	int i;

	(void)state;
	memset(&rsp, 0, sizeof(rsp));
	assert_int_equal(t_front_put_request(&p->f, &req), SRING_OK);
	t_front_set_publish(&p->f, 2);
	assert_int_equal(t_front_put_request(&p->f, &req), SRING_OK);
	assert_int_equal(SH(p, req_prod), 0);
	assert_int_equal(t_front_put_request(&p->f, &req), SRING_OK);
	assert_int_equal(SH(p, req_prod), 2);
	t_front_push_requests(&p->f);
	assert_int_equal(SH(p, req_prod), 3);
	for (i = 0; i < 3; i++)
		assert_int_equal(t_back_copy_request(&p->b, &req), SRING_OK);
	assert_int_equal(t_back_put_response(&p->b, &rsp), SRING_OK);
	t_back_set_publish(&p->b, 2);
	assert_int_equal(t_back_put_response(&p->b, &rsp), SRING_OK);
	assert_int_equal(SH(p, rsp_prod), 0);
	assert_int_equal(t_back_put_response(&p->b, &rsp), SRING_OK);
	assert_int_equal(SH(p, rsp_prod), 2);
	pair_free(p);
}

/* ---------------------------------------------------------------------
 * Hostile peer
 * ------------------------------------------------------------------- */

/* Shared bytes must not change once a ring is latched broken. */
static void check_latched_back(struct pair *p)
{
	unsigned char *before = malloc(p->bytes);
	const sring_idx_t old_prod = SH(p, req_prod);
	struct t_req req;
	struct t_rsp rsp;

	assert_non_null(before);
	memset(&rsp, 0, sizeof(rsp));
	memcpy(before, p->mem, p->bytes);
	assert_int_equal(t_back_broken(&p->b), SRING_EPROTO);
	assert_int_equal(t_back_copy_request(&p->b, &req), SRING_EPROTO);
	assert_int_equal(t_back_copy_requests(&p->b, &req, 1), SRING_EPROTO);
	assert_int_equal(t_back_unconsumed_requests(&p->b), SRING_EPROTO);
	assert_int_equal(t_back_final_check(&p->b), SRING_EPROTO);
	assert_null(t_back_get_response(&p->b));
	assert_int_equal(t_back_put_response(&p->b, &rsp), SRING_EPROTO);
	assert_int_equal(t_back_push_responses(&p->b), 0);
	t_back_notify_off(&p->b);
	/* Even if the peer puts things right again, the latch holds. */
	SH(p, req_prod) = p->b.core.req_cons;
	assert_int_equal(t_back_copy_request(&p->b, &req), SRING_EPROTO);
	SH(p, req_prod) = old_prod;
	assert_memory_equal(p->mem, before, p->bytes);
	free(before);
}

static void check_latched_front(struct pair *p)
{
	unsigned char *before = malloc(p->bytes);
	struct t_req req = mkreq(9);
	struct t_rsp rsp;

	assert_non_null(before);
	memcpy(before, p->mem, p->bytes);
	assert_int_equal(t_front_broken(&p->f), SRING_EPROTO);
	assert_int_equal(t_front_copy_response(&p->f, &rsp), SRING_EPROTO);
	assert_int_equal(t_front_copy_responses(&p->f, &rsp, 1),
			 SRING_EPROTO);
	assert_int_equal(t_front_unconsumed_responses(&p->f), SRING_EPROTO);
	assert_int_equal(t_front_final_check(&p->f), SRING_EPROTO);
	assert_int_equal(t_front_free_requests(&p->f), SRING_EPROTO);
	assert_true(t_front_full(&p->f));
	assert_null(t_front_get_request(&p->f));
	assert_int_equal(t_front_put_request(&p->f, &req), SRING_EPROTO);
	assert_int_equal(t_front_push_requests(&p->f), 0);
	t_front_notify_off(&p->f);
	assert_memory_equal(p->mem, before, p->bytes);
	free(before);
}

/*
 * The back end against every req_prod a front could write: with 3
 * requests published and 2 consumed (1 answered), values behind the
 * consumer, equal, ahead by exactly the free slots, one more, and far off.
 */
static void test_hostile_req_prod(void **state)
{
	static const sring_idx_t starts[] = {0, 0xFFFFFFFEu};
	unsigned s;

	(void)state;
	for (s = 0; s < 2; s++) {
		const sring_idx_t base = starts[s];
		struct {
			int64_t delta; /* req_prod - base */
			int expect;    /* unconsumed count or status */
		} cases[] = {
			{1, SRING_EPROTO},              /* behind req_cons */
			{-1, SRING_EPROTO},             /* behind everything */
			{2, SRING_EPROTO},              /* behind last read */
			{3, 1},                         /* equal: as published */
			{1 + SMALL_SLOTS, SMALL_SLOTS - 1}, /* ahead by size */
			{2 + SMALL_SLOTS, SRING_EPROTO},    /* size + 1 */
			{0x80000000LL, SRING_EPROTO},       /* far off */
			{0xFFFFFFFFLL, SRING_EPROTO},
		};
		unsigned c;

		for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
			struct pair *p = pair_new_at(SMALL_SLOTS, base);
			struct t_req req = mkreq(1);
			struct t_rsp rsp;
			int i, rc;

			memset(&rsp, 0, sizeof(rsp));
			for (i = 0; i < 3; i++)
				t_front_put_request(&p->f, &req);
			t_front_push_requests(&p->f);
			t_back_copy_request(&p->b, &req);
			t_back_copy_request(&p->b, &req);
			t_back_put_response(&p->b, &rsp);
			SH(p, req_prod) =
				(sring_idx_t)(base + (uint64_t)cases[c].delta);
			rc = t_back_unconsumed_requests(&p->b);
			if (rc != cases[c].expect)
				fail_msg("start %x delta %lld: got %d want %d",
					 base, (long long)cases[c].delta, rc,
					 cases[c].expect);
			if (rc == SRING_EPROTO) {
				check_latched_back(p);
			} else {
				/* A valid value is served, slot by slot. */
				for (i = 0; i < rc; i++)
					assert_int_equal(t_back_copy_request(
								 &p->b, &req),
							 SRING_OK);
				assert_int_equal(
					t_back_copy_request(&p->b, &req),
					SRING_EMPTY);
			}
			pair_free(p);
		}
	}
}

/* The same values through every consuming call, not only the count. */
static void test_hostile_req_prod_every_entry_point(void **state)
{
	unsigned which;

	(void)state;
	for (which = 0; which < 3; which++) {
		struct pair *p = pair_new(SMALL_SLOTS);
		struct t_req req;
		int rc;

		SH(p, req_prod) = SMALL_SLOTS + 1;
		if (which == 0)
			rc = t_back_copy_request(&p->b, &req);
		else if (which == 1)
			rc = t_back_copy_requests(&p->b, &req, 1);
		else
			rc = t_back_final_check(&p->b);
		assert_int_equal(rc, SRING_EPROTO);
		check_latched_back(p);
		pair_free(p);
	}
}

/*
 * The front end against every rsp_prod a back could write: with 5
 * requests published and 2 responses consumed, values behind, equal,
 * ahead by the 3 owed, one more (below the ring size), size + 1, far off.
 */
static void test_hostile_rsp_prod(void **state)
{
	static const sring_idx_t starts[] = {0, 0xFFFFFFFDu};
	unsigned s;

	(void)state;
	for (s = 0; s < 2; s++) {
		const sring_idx_t base = starts[s];
		struct {
			int64_t delta;
			int expect;
		} cases[] = {
			{1, SRING_EPROTO},
			{-5, SRING_EPROTO},
			{2, 0},
			{5, 3},
			{6, SRING_EPROTO}, /* more than requests in flight */
			{1 + SMALL_SLOTS, SRING_EPROTO},
			{3 + SMALL_SLOTS, SRING_EPROTO},
			{0x80000000LL, SRING_EPROTO},
		};
		unsigned c;

		for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
			struct pair *p = pair_new_at(SMALL_SLOTS, base);
			struct t_req req = mkreq(1);
			struct t_rsp rsp;
			int i, rc;

			memset(&rsp, 0, sizeof(rsp));
			for (i = 0; i < 5; i++)
				t_front_put_request(&p->f, &req);
			t_front_push_requests(&p->f);
			for (i = 0; i < 2; i++) {
				t_back_copy_request(&p->b, &req);
				t_back_put_response(&p->b, &rsp);
			}
			t_back_push_responses(&p->b);
			for (i = 0; i < 2; i++)
				assert_int_equal(
					t_front_copy_response(&p->f, &rsp),
					SRING_OK);
			SH(p, rsp_prod) =
				(sring_idx_t)(base + (uint64_t)cases[c].delta);
			rc = t_front_unconsumed_responses(&p->f);
			if (rc != cases[c].expect)
				fail_msg("start %x delta %lld: got %d want %d",
					 base, (long long)cases[c].delta, rc,
					 cases[c].expect);
			if (rc == SRING_EPROTO)
				check_latched_front(p);
			pair_free(p);
		}
	}
}

/*
 * Once latched, neither side hands out what it validated before the
 * violation: a snapshot of three, one consumed, then a wild index.
 */
static void test_hostile_latch_drops_validated_snapshot(void **state)
{
	struct pair *p = pair_new(SMALL_SLOTS);
	struct t_req req = mkreq(1);
	struct t_rsp rsp;
	int i;

	(void)state;
	memset(&rsp, 0, sizeof(rsp));
	for (i = 0; i < 6; i++)
		assert_int_equal(t_front_put_request(&p->f, &req), SRING_OK);
	t_front_push_requests(&p->f);
	assert_int_equal(t_back_unconsumed_requests(&p->b), 6);
	assert_int_equal(t_back_copy_request(&p->b, &req), SRING_OK);
	assert_int_equal(t_back_put_response(&p->b, &rsp), SRING_OK);
	assert_int_equal(t_back_copy_request(&p->b, &req), SRING_OK);
	assert_int_equal(t_back_put_response(&p->b, &rsp), SRING_OK);
	assert_int_equal(t_back_copy_request(&p->b, &req), SRING_OK);
	assert_int_equal(t_back_put_response(&p->b, &rsp), SRING_OK);
	t_back_push_responses(&p->b);
	assert_int_equal(t_front_unconsumed_responses(&p->f), 3);
	assert_int_equal(t_front_copy_response(&p->f, &rsp), SRING_OK);
	/* Front: rsp_prod far ahead; the two validated responses are lost. */
	SH(p, rsp_prod) = 0x1000;
	assert_int_equal(t_front_unconsumed_responses(&p->f), SRING_EPROTO);
	assert_int_equal(t_front_copy_response(&p->f, &rsp), SRING_EPROTO);
	assert_int_equal(t_front_copy_responses(&p->f, &rsp, 1), SRING_EPROTO);
	assert_null(t_front_get_request(&p->f));
	/* Back: three requests still validated, then req_prod far ahead. */
	SH(p, req_prod) = 0x1000;
	assert_int_equal(t_back_unconsumed_requests(&p->b), SRING_EPROTO);
	assert_int_equal(t_back_copy_request(&p->b, &req), SRING_EPROTO);
	assert_int_equal(t_back_copy_requests(&p->b, &req, 1), SRING_EPROTO);
	assert_null(t_back_get_response(&p->b));
	pair_free(p);
}

/*
 * A front that latches with requests filled but not yet published, and a
 * policy "notify" still to be returned, publishes nothing afterwards and
 * asks for no notification.
 */
static void test_hostile_latch_publishes_nothing_pending(void **state)
{
	struct pair *p = pair_new(SMALL_SLOTS);
	struct t_req req = mkreq(1);

	(void)state;
	t_front_set_publish(&p->f, 1);
	assert_int_equal(t_front_put_request(&p->f, &req), SRING_OK);
	/* The policy publishes request 0 at the next reserve; req_event is
	 * 1, so that push says "notify" and keeps it for the explicit push. */
	assert_int_equal(t_front_put_request(&p->f, &req), SRING_OK);
	assert_int_equal(SH(p, req_prod), 1);
	SH(p, rsp_prod) = 0x1000;
	assert_int_equal(t_front_unconsumed_responses(&p->f), SRING_EPROTO);
	assert_int_equal(t_front_push_requests(&p->f), 0);
	assert_int_equal(SH(p, req_prod), 1);
	pair_free(p);
}

/* A producer index that moves backwards, even within range, is caught. */
static void test_hostile_prod_goes_backwards(void **state)
{
	struct pair *p = pair_new(SMALL_SLOTS);
	struct t_req req = mkreq(1);
	int i;

	(void)state;
	for (i = 0; i < 4; i++)
		t_front_put_request(&p->f, &req);
	t_front_push_requests(&p->f);
	assert_int_equal(t_back_unconsumed_requests(&p->b), 4);
	/* Nothing consumed yet, but the front takes two back. */
	SH(p, req_prod) = 2;
	assert_int_equal(t_back_unconsumed_requests(&p->b), SRING_EPROTO);
	check_latched_back(p);
	pair_free(p);
}

/* Event words are advisory: any value changes only the notify answer. */
static void test_hostile_event_words(void **state)
{
	static const sring_idx_t evs[] = {0, 1, 2, 3, 4, 0x80000000u,
					  0xFFFFFFFFu};
	unsigned e;

	(void)state;
	for (e = 0; e < sizeof(evs) / sizeof(evs[0]); e++) {
		struct pair *p = pair_new(SMALL_SLOTS);
		struct t_req req = mkreq(1);
		struct t_rsp rsp;
		int i;

		memset(&rsp, 0, sizeof(rsp));
		SH(p, req_event) = evs[e];
		SH(p, rsp_event) = evs[e];
		for (i = 0; i < 3; i++)
			t_front_put_request(&p->f, &req);
		assert_int_equal(t_front_push_requests(&p->f),
				 sring_need_event(evs[e], 3, 0));
		for (i = 0; i < 3; i++) {
			assert_int_equal(t_back_copy_request(&p->b, &req),
					 SRING_OK);
			t_back_put_response(&p->b, &rsp);
		}
		assert_int_equal(t_back_push_responses(&p->b),
				 sring_need_event(evs[e], 3, 0));
		assert_int_equal(t_front_broken(&p->f), 0);
		assert_int_equal(t_back_broken(&p->b), 0);
		pair_free(p);
	}
}

/* cmocka group set-up: which layout pair_new_at() builds. */
static int use_xen_layout(void **state)
{
	(void)state;
	fast_layout = 0;
	return 0;
}

static int use_fast_layout(void **state)
{
	(void)state;
	fast_layout = 1;
	return 0;
}

int main(void)
{
	/* Xen's layout and the layout-free parts (sizes, need_event). */
	const struct CMUnitTest xen_only[] = {
		cmocka_unit_test(test_sizes_const_matches_runtime),
		cmocka_unit_test(test_sizes_page_orders),
		cmocka_unit_test(test_init_rejects_bad_areas),
		cmocka_unit_test(test_init_zeroes_shared_area),
		cmocka_unit_test(test_init_front_back_touch_nothing),
		cmocka_unit_test(test_need_event_exhaustive),
	};
	/* The ring's behaviour, run on both layouts. */
	const struct CMUnitTest both[] = {
		cmocka_unit_test(test_roundtrip_basic),
		cmocka_unit_test(test_wrap_thousands_of_roundtrips),
		cmocka_unit_test(test_counts_every_fill_level),
		cmocka_unit_test(test_batch_copies),
		cmocka_unit_test(test_notify_hold_off_sequence),
		cmocka_unit_test(test_final_check_finds_work),
		cmocka_unit_test(test_moderation_back_threshold),
		cmocka_unit_test(test_moderation_front_capped_by_inflight),
		cmocka_unit_test(test_notify_off_and_on),
		cmocka_unit_test(test_attach_reconnect),
		cmocka_unit_test(test_get_response_none_owed_asserts),
		cmocka_unit_test(test_hostile_req_prod),
		cmocka_unit_test(test_hostile_req_prod_every_entry_point),
		cmocka_unit_test(test_hostile_rsp_prod),
		cmocka_unit_test(test_hostile_prod_goes_backwards),
		cmocka_unit_test(test_hostile_latch_drops_validated_snapshot),
		cmocka_unit_test(test_hostile_latch_publishes_nothing_pending),
		cmocka_unit_test(test_publish_policy),
		cmocka_unit_test(test_publish_policy_set_midway),
		cmocka_unit_test(test_hostile_event_words),
	};
	int failed = 0;

	failed += cmocka_run_group_tests_name("ring: xen layout only", xen_only,
					      use_xen_layout, NULL);
	failed += cmocka_run_group_tests_name("ring on xen layout", both,
					      use_xen_layout, NULL);
	failed += cmocka_run_group_tests_name("ring on fast layout", both,
					      use_fast_layout, NULL);
	return failed != 0;
}
