/* SPDX-License-Identifier: MIT */
/*
 * sring's fast layout (sring/fast.h): offsets as specified in
 * docs/fast-layout.md, header checks, where requests and responses land,
 * and (built as test_fast_threads, label "threads") two threads sleeping
 * on eventfds. The ring's behaviour on this layout (hostile peer, policy,
 * moderation, wrap) is tested by test_ring.c, which runs on both layouts.
 * SRING_TEST_QUICK=1 runs 20x fewer requests in the threaded test.
 */
#include "sring_test.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include <sring/fast.h>

#include "support/evchn.h"

struct t_req {
	uint64_t id;
	uint32_t a;
	uint32_t b;
	uint8_t fill[48];
};

struct t_rsp {
	uint64_t id;
	uint32_t v;
	uint32_t pad;
};

SRING_DEFINE_RING_TYPES(t, struct t_req, struct t_rsp);
SRING_DEFINE_FAST_LAYOUT(t);

/* Odd sizes: 12-byte requests, 1-byte responses (strides 16 and 8). */
struct o_req {
	uint32_t w[3];
};

struct o_rsp {
	uint8_t c;
};

SRING_DEFINE_RING_TYPES(o, struct o_req, struct o_rsp);
SRING_DEFINE_FAST_LAYOUT(o);

#define SMALL 8u

#ifndef FAST_THREADS

struct pair {
	unsigned char *s;
	struct sring_fast_shared *h;
	size_t bytes;
	struct t_front f;
	struct t_back b;
};

static struct pair *pair_new_at(uint32_t n, sring_idx_t idx)
{
	struct pair *p = calloc(1, sizeof(*p));

	assert_non_null(p);
	p->bytes = t_fast_bytes(n);
	assert_true(p->bytes != 0);
	p->s = test_alloc(64, p->bytes);
	assert_non_null(p->s);
	memset(p->s, 0xa5, p->bytes);
	p->h = (struct sring_fast_shared *)p->s;
	assert_int_equal(t_fast_init_at(p->s, p->bytes, idx), SRING_OK);
	assert_int_equal(t_front_fast_attach(&p->f, p->s, p->bytes, idx),
			 SRING_OK);
	assert_int_equal(t_back_fast_attach(&p->b, p->s, p->bytes, idx),
			 SRING_OK);
	assert_int_equal(t_front_size(&p->f), n);
	return p;
}

static void pair_free(struct pair *p)
{
	free(p->s);
	free(p);
}

static struct t_req mkreq(uint64_t id)
{
	struct t_req r;

	memset(&r, 0, sizeof(r));
	r.id = id;
	r.a = (uint32_t)id * 7u;
	r.b = ~(uint32_t)id;
	r.fill[47] = (uint8_t)id;
	return r;
}

/* Offsets, strides and sizes are those of the table in fast.h. */
static void test_fast_layout_offsets(void **state)
{
	struct sring_layout l;
	unsigned char *s = test_alloc(64, 1 << 16);
	size_t bytes;

	(void)state;
	assert_non_null(s);
	assert_int_equal(offsetof(struct sring_fast_shared, magic), 0);
	assert_int_equal(offsetof(struct sring_fast_shared, version), 4);
	assert_int_equal(offsetof(struct sring_fast_shared, nr_ents), 8);
	assert_int_equal(offsetof(struct sring_fast_shared, req_size), 12);
	assert_int_equal(offsetof(struct sring_fast_shared, rsp_size), 16);
	/* Each index word alone on its 64-byte line. */
	assert_int_equal(offsetof(struct sring_fast_shared, req_prod), 64);
	assert_int_equal(offsetof(struct sring_fast_shared, rsp_prod), 128);
	assert_int_equal(offsetof(struct sring_fast_shared, req_event), 192);
	assert_int_equal(offsetof(struct sring_fast_shared, rsp_event), 256);
	/* 64-byte requests, 16-byte responses, 32 slots. */
	bytes = t_fast_bytes(32);
	assert_int_equal(bytes, 320 + 32 * 64 + 32 * 16);
	assert_int_equal(sring_fast_layout(&l, s, bytes, 64, 16), SRING_OK);
	assert_int_equal(l.nr_ents, 32);
	assert_ptr_equal(l.req_prod, s + 64);
	assert_ptr_equal(l.rsp_prod, s + 128);
	assert_ptr_equal(l.req_event, s + 192);
	assert_ptr_equal(l.rsp_event, s + 256);
	assert_ptr_equal(l.req_slots, s + 320);
	assert_ptr_equal(l.rsp_slots, s + 320 + 32 * 64);
	assert_int_equal(l.req_stride, 64);
	assert_int_equal(l.rsp_stride, 16);
	/* One byte less: only 16 slots fit. */
	assert_int_equal(sring_fast_slots(bytes - 1, 64, 16), 16);
	/* Odd sizes: request stride 16, response stride 8, R rounded to 64. */
	bytes = o_fast_bytes(4);
	assert_int_equal(bytes, 384 + 4 * 8);
	assert_int_equal(sring_fast_layout(&l, s, bytes, 12, 1), SRING_OK);
	assert_int_equal(l.nr_ents, 4);
	assert_ptr_equal(l.rsp_slots, s + 384);
	assert_int_equal(l.req_stride, 16);
	assert_int_equal(l.rsp_stride, 8);
	assert_int_equal(l.req_size, 12);
	assert_int_equal(l.rsp_size, 1);
	/* Powers of two only, and unusable sizes give 0. */
	assert_int_equal(sring_fast_bytes(3, 64, 16), 0);
	assert_int_equal(sring_fast_bytes(0, 64, 16), 0);
	assert_int_equal(sring_fast_bytes(4, 0, 16), 0);
	assert_int_equal(sring_fast_bytes(4, 64, 0), 0);
	free(s);
}

/* Bad areas and sizes are refused before any shared byte is touched. */
static void test_fast_rejects_bad_areas(void **state)
{
	struct sring_layout l;
	unsigned char *s = test_alloc(64, 4096);
	size_t one = t_fast_bytes(1);

	(void)state;
	assert_non_null(s);
	memset(s, 0x5a, 4096);
	assert_int_equal(sring_fast_layout(&l, NULL, 4096, 64, 16),
			 SRING_EINVAL);
	assert_int_equal(sring_fast_layout(&l, s + 8, 4000, 64, 16),
			 SRING_EINVAL);
	assert_int_equal(sring_fast_layout(&l, s, one - 1, 64, 16),
			 SRING_EINVAL);
	assert_int_equal(sring_fast_layout(&l, s, one, 64, 16), SRING_OK);
	assert_int_equal(l.nr_ents, 1);
	assert_int_equal(sring_fast_init_at(s + 32, 2048, 64, 16, 0),
			 SRING_EINVAL);
	assert_int_equal(sring_fast_init_at(s, 100, 64, 16, 0),
			 SRING_EINVAL);
	assert_int_equal(sring_fast_init_at(s, 4096, 0, 16, 0),
			 SRING_EINVAL);
	assert_int_equal(s[0], 0x5a);
	assert_int_equal(s[4095], 0x5a);
	free(s);
}

/* Init writes the header and indices and zeroes every other byte. */
static void test_fast_init_header(void **state)
{
	struct pair *p = pair_new_at(SMALL, 0x1234u);
	size_t i;

	(void)state;
	assert_int_equal(p->h->magic, SRING_FAST_MAGIC);
	assert_int_equal(p->h->version, SRING_FAST_VERSION);
	assert_int_equal(p->h->nr_ents, SMALL);
	assert_int_equal(p->h->req_size, sizeof(struct t_req));
	assert_int_equal(p->h->rsp_size, sizeof(struct t_rsp));
	assert_int_equal(p->h->req_prod, 0x1234u);
	assert_int_equal(p->h->rsp_prod, 0x1234u);
	assert_int_equal(p->h->req_event, 0x1235u);
	assert_int_equal(p->h->rsp_event, 0x1235u);
	/* The magic reads as "sRFL" in memory on a little-endian host. */
	if (*(const uint8_t *)&p->h->magic == 's')
		assert_memory_equal(p->s, "sRFL", 4);
	for (i = 20; i < p->bytes; i++) {
		if ((i >= 64 && i < 68) || (i >= 128 && i < 132) ||
		    (i >= 192 && i < 196) || (i >= 256 && i < 260))
			continue;
		if (p->s[i] != 0)
			fail_msg("byte %zu not zeroed", i);
	}
	pair_free(p);
}

/* Any header word that disagrees makes attach fail with SRING_EINVAL. */
static void test_fast_magic_version_mismatch(void **state)
{
	static const size_t words[] = { 0, 4, 8, 12, 16 };
	unsigned w;

	(void)state;
	for (w = 0; w < 6; w++) {
		struct pair *p = pair_new_at(SMALL, 0);
		struct t_back b;
		struct t_front f;
		struct t_req req = mkreq(1);
		uint32_t v;

		if (w < 5) {
			memcpy(&v, p->s + words[w], 4);
			v ^= 1u;
			memcpy(p->s + words[w], &v, 4);
		} else {
			/* A peer of the other byte order. */
			p->h->magic = __builtin_bswap32(SRING_FAST_MAGIC);
		}
		assert_int_equal(t_back_fast_attach(&b, p->s, p->bytes, 0),
				 SRING_EINVAL);
		assert_int_equal(t_front_fast_attach(&f, p->s, p->bytes, 0),
				 SRING_EINVAL);
		/* Latched: every later call refuses. */
		assert_int_equal(t_back_broken(&b), SRING_EINVAL);
		assert_int_equal(t_front_broken(&f), SRING_EINVAL);
		assert_null(t_front_get_request(&f));
		assert_int_equal(t_front_put_request(&f, &req), SRING_EINVAL);
		assert_int_equal(t_back_copy_request(&b, &req), SRING_EINVAL);
		pair_free(p);
	}
	/* A Xen-layout page is not a fast-layout page. */
	{
		size_t bytes = 4096;
		struct t_sring *x = test_alloc(64, bytes);
		struct t_back b;

		assert_non_null(x);
		assert_int_equal(t_sring_init(x, bytes), SRING_OK);
		assert_int_equal(t_back_fast_attach(&b, x, bytes, 0),
				 SRING_EINVAL);
		free(x);
	}
}

/* Requests and responses travel; a response never touches its request. */
static void test_fast_roundtrip(void **state)
{
	struct pair *p = pair_new_at(SMALL, 0);
	struct t_req req = mkreq(42), got;
	struct t_rsp rsp, out;
	unsigned char slot0[sizeof(struct t_req)];

	(void)state;
	memset(&rsp, 0, sizeof(rsp));
	assert_int_equal(t_front_put_request(&p->f, &req), SRING_OK);
	assert_int_equal(t_front_push_requests(&p->f), 1);
	assert_int_equal(p->h->req_prod, 1);
	memcpy(slot0, p->s + SRING_FAST_OFF_SLOTS, sizeof(slot0));
	assert_memory_equal(slot0, &req, sizeof(req));
	assert_int_equal(t_back_copy_request(&p->b, &got), SRING_OK);
	assert_memory_equal(&got, &req, sizeof(req));
	rsp.id = got.id;
	rsp.v = got.a + 1u;
	assert_int_equal(t_back_put_response(&p->b, &rsp), SRING_OK);
	assert_int_equal(t_back_push_responses(&p->b), 1);
	assert_int_equal(p->h->rsp_prod, 1);
	/* The request slot is as the front wrote it. */
	assert_memory_equal(p->s + SRING_FAST_OFF_SLOTS, slot0, sizeof(slot0));
	assert_memory_equal(p->s + SRING_FAST_OFF_SLOTS + SMALL * 64, &rsp,
			    sizeof(rsp));
	assert_int_equal(t_front_copy_response(&p->f, &out), SRING_OK);
	assert_memory_equal(&out, &rsp, sizeof(rsp));
	assert_int_equal(t_front_copy_response(&p->f, &out), SRING_EMPTY);
	assert_int_equal(t_back_copy_request(&p->b, &got), SRING_EMPTY);
	pair_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fast_layout_offsets),
		cmocka_unit_test(test_fast_rejects_bad_areas),
		cmocka_unit_test(test_fast_init_header),
		cmocka_unit_test(test_fast_magic_version_mismatch),
		cmocka_unit_test(test_fast_roundtrip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

#else /* FAST_THREADS */

#define WAIT_MS 20000 /* a wait this long is a lost wake-up: fail */

struct run {
	unsigned char *s;
	size_t bytes;
	sring_idx_t start;
	uint64_t total;
	struct evchn to_back, to_front;
	uint64_t bad, lost;
	int back_status;
};

static uint64_t scaled(uint64_t n)
{
	const char *q = getenv("SRING_TEST_QUICK");

	return (q && *q && *q != '0') ? n / 20 : n;
}

static void *back_main(void *arg)
{
	struct run *r = arg;
	struct t_back b;
	struct t_req req;
	uint64_t expect = 0;

	r->back_status = t_back_fast_attach(&b, r->s, r->bytes, r->start);
	if (r->back_status != SRING_OK)
		return NULL;
	t_back_set_publish(&b, 8);
	while (expect < r->total) {
		int rc;

		while ((rc = t_back_copy_request(&b, &req)) == SRING_OK) {
			struct t_rsp *rsp = t_back_get_response(&b);

			if (req.id != expect || req.b != ~(uint32_t)req.id ||
			    req.fill[47] != (uint8_t)req.id)
				r->bad++;
			expect = req.id + 1;
			rsp->id = req.id;
			rsp->v = req.a;
			rsp->pad = 0;
		}
		if (rc != SRING_EMPTY) {
			r->back_status = rc;
			return NULL;
		}
		if (t_back_push_responses(&b))
			evchn_notify(&r->to_front);
		if (expect >= r->total)
			break;
		rc = t_back_final_check(&b);
		if (rc < 0) {
			r->back_status = rc;
			return NULL;
		}
		if (rc == 0 && evchn_wait(&r->to_back, WAIT_MS) == 0) {
			r->lost++;
			return NULL;
		}
	}
	return NULL;
}

/* Two threads, 2M requests across 2^32, both sleeping on eventfds. */
static void test_fast_threads_sleep(void **state)
{
	struct run r;
	struct t_front f;
	struct t_rsp rsp;
	uint64_t sent = 0, done = 0, want;
	pthread_t back;

	(void)state;
	memset(&r, 0, sizeof(r));
	r.total = want = scaled(2000000);
	r.start = (sring_idx_t)(0u - (uint32_t)(r.total / 2));
	r.bytes = t_fast_bytes(64);
	r.s = test_alloc(4096, r.bytes);
	assert_non_null(r.s);
	assert_int_equal(evchn_open(&r.to_back), 0);
	assert_int_equal(evchn_open(&r.to_front), 0);
	assert_int_equal(t_fast_init_at(r.s, r.bytes, r.start), SRING_OK);
	assert_int_equal(t_front_fast_attach(&f, r.s, r.bytes, r.start),
			 SRING_OK);
	t_front_set_moderation(&f, 16);
	t_front_set_publish(&f, 16);
	assert_int_equal(pthread_create(&back, NULL, back_main, &r), 0);
	while (done < r.total) {
		struct t_req *req;
		int n;

		while (sent < r.total && (req = t_front_get_request(&f))) {
			req->id = sent;
			req->a = (uint32_t)sent * 7u;
			req->b = ~(uint32_t)sent;
			memset(req->fill, 0, sizeof(req->fill));
			req->fill[47] = (uint8_t)sent;
			sent++;
		}
		if (t_front_push_requests(&f))
			evchn_notify(&r.to_back);
		while ((n = t_front_copy_response(&f, &rsp)) == SRING_OK) {
			if (rsp.id != done || rsp.v != (uint32_t)done * 7u)
				r.bad++;
			done = rsp.id + 1;
		}
		if (n != SRING_EMPTY)
			break;
		if (done >= r.total || (sent < r.total && !t_front_full(&f)))
			continue;
		n = t_front_final_check(&f);
		if (n < 0)
			break;
		if (n == 0 && evchn_wait(&r.to_front, WAIT_MS) == 0) {
			r.lost++;
			break;
		}
	}
	if (done < r.total) {
		r.total = 0;
		evchn_notify(&r.to_back);
	}
	pthread_join(back, NULL);
	printf("# %llu requests, %lu + %lu notifications\n",
	       (unsigned long long)done, r.to_back.kicks, r.to_front.kicks);
	assert_int_equal(t_front_broken(&f), 0);
	assert_int_equal(r.back_status, SRING_OK);
	assert_int_equal(r.lost, 0);
	assert_int_equal(r.bad, 0);
	assert_true(done == want); /* r.total is 0 if the loop gave up */
	assert_true(f.core.req_pub < r.start); /* crossed 2^32 */
	evchn_close(&r.to_back);
	evchn_close(&r.to_front);
	free(r.s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fast_threads_sleep),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

#endif /* FAST_THREADS */
