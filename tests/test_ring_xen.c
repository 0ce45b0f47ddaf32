/* SPDX-License-Identifier: MIT */
/*
 * Wire compatibility with Xen's own io/ring.h (Debian's libxen-dev): the
 * shared struct has the same size and offsets for several request and
 * response pairs and every ring size, and a peer written with Xen's
 * macros talks to an sring peer on one page, both ways round, a million
 * requests each with notifications.
 */
#include "sring_test.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

/* Xen's ring.h: the includer supplies the barriers and the version. */
#define __XEN_INTERFACE_VERSION__ 0x00040e00
#define xen_mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define xen_rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define xen_wmb() __atomic_thread_fence(__ATOMIC_RELEASE)
#include <xen/io/ring.h>

#include <sring/sring.h>

#include "support/evchn.h"

/* Pairs of every shape: tiny, odd, blkif-like on both ABIs, big. */
struct p1q { uint8_t c; };
struct p1s { uint8_t c; };
struct p2q { uint16_t id; uint16_t flags; uint32_t gref; uint16_t off, size; };
struct p2s { uint16_t id; int16_t status; };
struct p3q { uint32_t w[27]; };               /* 108: blkif on i386 */
struct p3s { uint32_t w[3]; };                /* 12 */
struct p4q { uint64_t x[14]; };               /* 112: blkif on x86_64 */
struct p4s { uint64_t id; uint8_t op; uint8_t pad; int16_t st; uint32_t p; };
struct p5q { unsigned char b[3]; };
struct p5s { unsigned char b[5]; };
struct p6q { uint64_t id; uint32_t a, b; uint8_t fill[48]; }; /* 64 */
struct p6s { uint64_t id; uint64_t v; };                      /* 16 */

#define BOTH(n) \
	DEFINE_RING_TYPES(x##n, struct p##n##q, struct p##n##s); \
	SRING_DEFINE_RING_TYPES(s##n, struct p##n##q, struct p##n##s)
BOTH(1);
BOTH(2);
BOTH(3);
BOTH(4);
BOTH(5);
BOTH(6);

#define CHECK_LAYOUT(n) \
	do { \
		size_t bytes; \
		assert_int_equal(sizeof(union x##n##_sring_entry), \
				 sizeof(union s##n##_sring_entry)); \
		assert_int_equal(offsetof(struct x##n##_sring, ring), \
				 SRING_HEADER_SIZE); \
		for (bytes = 64 + sizeof(union s##n##_sring_entry); \
		     bytes <= ((size_t)4096 << 8); \
		     bytes = bytes * 2 + 1) \
			assert_int_equal(__RING_SIZE((struct x##n##_sring *)0, \
						     bytes), \
					 sring_ring_slots(sizeof(union \
						s##n##_sring_entry), bytes)); \
		assert_int_equal(__CONST_RING_SIZE(x##n, 4096), \
				 SRING_CONST_RING_SIZE(s##n, 4096)); \
		assert_int_equal(__CONST_RING_SIZE(x##n, 4096 << 4), \
				 SRING_CONST_RING_SIZE(s##n, 4096 << 4)); \
		assert_int_equal(__CONST_RING_SIZE(x##n, 4096 << 8), \
				 SRING_CONST_RING_SIZE(s##n, 4096 << 8)); \
	} while (0)

/* Header fields at Xen's offsets. */
static void test_xen_header_offsets(void **state)
{
	(void)state;
	assert_int_equal(offsetof(struct x1_sring, req_prod),
			 offsetof(struct sring_shared, req_prod));
	assert_int_equal(offsetof(struct x1_sring, req_event),
			 offsetof(struct sring_shared, req_event));
	assert_int_equal(offsetof(struct x1_sring, rsp_prod),
			 offsetof(struct sring_shared, rsp_prod));
	assert_int_equal(offsetof(struct x1_sring, rsp_event),
			 offsetof(struct sring_shared, rsp_event));
	assert_int_equal(offsetof(struct x1_sring, pvt),
			 offsetof(struct sring_shared, pvt));
	assert_int_equal(offsetof(struct x1_sring, __pad),
			 offsetof(struct sring_shared, pad));
	assert_int_equal(sizeof(((struct x1_sring *)0)->__pad),
			 sizeof(((struct sring_shared *)0)->pad));
	assert_int_equal(offsetof(struct x1_sring, ring), 64);
}

/* Slot sizes and slot counts equal Xen's for every pair and size. */
static void test_xen_slot_layouts(void **state)
{
	(void)state;
	CHECK_LAYOUT(1);
	CHECK_LAYOUT(2);
	CHECK_LAYOUT(3);
	CHECK_LAYOUT(4);
	CHECK_LAYOUT(5);
	CHECK_LAYOUT(6);
	assert_int_equal(sizeof(union s3_sring_entry), 108);
	assert_int_equal(sizeof(union s4_sring_entry), 112);
	assert_int_equal(SRING_CONST_RING_SIZE(s4, 4096), 32);
}

/* SHARED_RING_INIT and sring's init leave identical bytes. */
static void test_xen_shared_init_bytes(void **state)
{
	static unsigned char a[4096] __attribute__((aligned(64)));
	static unsigned char b[4096] __attribute__((aligned(64)));

	(void)state;
	memset(a, 0, sizeof(a));
	memset(b, 0x77, sizeof(b));
	SHARED_RING_INIT((struct x6_sring *)a);
	assert_int_equal(s6_sring_init((struct s6_sring *)b, sizeof(b)),
			 SRING_OK);
	assert_memory_equal(a, b, sizeof(a));
}

/* ------------------------------------------------------------------ */

#define PAGE 4096
#define WAIT_MS 20000

struct live {
	unsigned char *page;
	uint64_t total;
	struct evchn to_back, to_front;
	uint64_t errors, lost;
	uint64_t back_done;
};

static uint64_t total_requests(void)
{
	const char *q = getenv("SRING_TEST_QUICK");

	return (q && *q && *q != '0') ? 50000 : 1000000;
}

static void fill_req(struct p6q *q, uint64_t id)
{
	q->id = id;
	q->a = (uint32_t)id * 7u;
	q->b = (uint32_t)(id >> 3);
	memset(q->fill, (int)(id & 0xff), sizeof(q->fill));
}

static int check_req(const struct p6q *q)
{
	return q->a == (uint32_t)q->id * 7u && q->b == (uint32_t)(q->id >> 3) &&
	       q->fill[0] == (uint8_t)q->id && q->fill[47] == (uint8_t)q->id;
}

/* Back end written with Xen's macros. */
static void *xen_back_main(void *arg)
{
	struct live *l = arg;
	struct x6_back_ring br;
	uint64_t served = 0;

	BACK_RING_INIT(&br, (struct x6_sring *)l->page, PAGE);
	while (served < l->total) {
		RING_IDX rp, i;
		int notify, more;

		rp = br.sring->req_prod;
		xen_rmb();
		if (RING_REQUEST_PROD_OVERFLOW(&br, rp)) {
			l->errors++;
			return NULL;
		}
		for (i = br.req_cons; i != rp; i++) {
			struct p6q q;
			struct p6s *s;

			RING_COPY_REQUEST(&br, i, &q);
			if (q.id != served || !check_req(&q))
				l->errors++;
			s = RING_GET_RESPONSE(&br, br.rsp_prod_pvt);
			s->id = q.id;
			s->v = q.id + q.a;
			br.rsp_prod_pvt++;
			served++;
		}
		br.req_cons = i;
		RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&br, notify);
		if (notify)
			evchn_notify(&l->to_front);
		if (served >= l->total)
			break;
		RING_FINAL_CHECK_FOR_REQUESTS(&br, more);
		if (!more && evchn_wait(&l->to_back, WAIT_MS) == 0) {
			l->lost++;
			return NULL;
		}
	}
	l->back_done = served;
	return NULL;
}

/* Back end written with sring. */
static void *sring_back_main(void *arg)
{
	struct live *l = arg;
	struct s6_back b;
	struct p6q q;
	uint64_t served = 0;

	if (s6_back_init(&b, (struct s6_sring *)l->page, PAGE) != SRING_OK) {
		l->errors++;
		return NULL;
	}
	while (served < l->total) {
		int rc;

		while ((rc = s6_back_copy_request(&b, &q)) == SRING_OK) {
			struct p6s *s = s6_back_get_response(&b);

			if (q.id != served || !check_req(&q))
				l->errors++;
			s->id = q.id;
			s->v = q.id + q.a;
			served++;
		}
		if (rc != SRING_EMPTY) {
			l->errors++;
			return NULL;
		}
		if (s6_back_push_responses(&b))
			evchn_notify(&l->to_front);
		if (served >= l->total)
			break;
		if (s6_back_final_check(&b) == 0 &&
		    evchn_wait(&l->to_back, WAIT_MS) == 0) {
			l->lost++;
			return NULL;
		}
	}
	l->back_done = served;
	return NULL;
}

/* Front end written with Xen's macros; returns responses checked. */
static uint64_t xen_front_run(struct live *l)
{
	struct x6_front_ring fr;
	uint64_t sent = 0, done = 0;

	FRONT_RING_INIT(&fr, (struct x6_sring *)l->page, PAGE);
	while (done < l->total) {
		RING_IDX rp, i;
		int notify, more;

		while (sent < l->total && !RING_FULL(&fr)) {
			fill_req(RING_GET_REQUEST(&fr, fr.req_prod_pvt), sent);
			fr.req_prod_pvt++;
			sent++;
		}
		RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&fr, notify);
		if (notify)
			evchn_notify(&l->to_back);
		rp = fr.sring->rsp_prod;
		xen_rmb();
		if (RING_RESPONSE_PROD_OVERFLOW(&fr, rp)) {
			l->errors++;
			break;
		}
		for (i = fr.rsp_cons; i != rp; i++) {
			struct p6s s;

			RING_COPY_RESPONSE(&fr, i, &s);
			if (s.id != done || s.v != s.id + ((uint32_t)s.id * 7u))
				l->errors++;
			done++;
		}
		fr.rsp_cons = i;
		if (done >= l->total || (sent < l->total && !RING_FULL(&fr)))
			continue;
		RING_FINAL_CHECK_FOR_RESPONSES(&fr, more);
		if (!more && evchn_wait(&l->to_front, WAIT_MS) == 0) {
			l->lost++;
			break;
		}
	}
	return done;
}

/* Front end written with sring. */
static uint64_t sring_front_run(struct live *l)
{
	struct s6_front f;
	struct p6s s;
	uint64_t sent = 0, done = 0;

	if (s6_front_init(&f, (struct s6_sring *)l->page, PAGE) != SRING_OK)
		return 0;
	while (done < l->total) {
		struct p6q *q;
		int rc;

		while (sent < l->total && (q = s6_front_get_request(&f))) {
			fill_req(q, sent);
			sent++;
		}
		if (s6_front_push_requests(&f))
			evchn_notify(&l->to_back);
		while ((rc = s6_front_copy_response(&f, &s)) == SRING_OK) {
			if (s.id != done || s.v != s.id + ((uint32_t)s.id * 7u))
				l->errors++;
			done++;
		}
		if (rc != SRING_EMPTY) {
			l->errors++;
			break;
		}
		if (done >= l->total || (sent < l->total && !s6_front_full(&f)))
			continue;
		if (s6_front_final_check(&f) == 0 &&
		    evchn_wait(&l->to_front, WAIT_MS) == 0) {
			l->lost++;
			break;
		}
	}
	return done;
}

static void live_run(int xen_front)
{
	struct live l;
	pthread_t back;
	uint64_t done;

	memset(&l, 0, sizeof(l));
	l.total = total_requests();
	l.page = test_alloc(PAGE, PAGE);
	assert_non_null(l.page);
	assert_int_equal(evchn_open(&l.to_back), 0);
	assert_int_equal(evchn_open(&l.to_front), 0);
	if (xen_front) {
		memset(l.page, 0, PAGE);
		SHARED_RING_INIT((struct x6_sring *)l.page);
	} else {
		assert_int_equal(s6_sring_init((struct s6_sring *)l.page, PAGE),
				 SRING_OK);
	}
	assert_int_equal(pthread_create(&back, NULL,
					xen_front ? sring_back_main
						  : xen_back_main,
					&l),
			 0);
	done = xen_front ? xen_front_run(&l) : sring_front_run(&l);
	if (done < l.total) {
		l.total = 0;
		evchn_notify(&l.to_back);
	}
	pthread_join(back, NULL);
	printf("# %s front, %s back: %llu requests, %lu/%lu notifications\n",
	       xen_front ? "Xen" : "sring", xen_front ? "sring" : "Xen",
	       (unsigned long long)done, l.to_back.kicks, l.to_front.kicks);
	assert_int_equal(l.errors, 0);
	assert_int_equal(l.lost, 0);
	assert_true(done == total_requests());
	assert_true(l.back_done == total_requests());
	assert_true(l.to_back.kicks > 0 && l.to_front.kicks > 0);
	evchn_close(&l.to_back);
	evchn_close(&l.to_front);
	free(l.page);
}

/* A front end using Xen's macros against an sring back end. */
static void test_xen_front_sring_back(void **state)
{
	(void)state;
	live_run(1);
}

/* An sring front end against a back end using Xen's macros. */
static void test_sring_front_xen_back(void **state)
{
	(void)state;
	live_run(0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xen_header_offsets),
		cmocka_unit_test(test_xen_slot_layouts),
		cmocka_unit_test(test_xen_shared_init_bytes),
		cmocka_unit_test(test_xen_front_sring_back),
		cmocka_unit_test(test_sring_front_xen_back),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
