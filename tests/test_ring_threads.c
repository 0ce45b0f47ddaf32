/* SPDX-License-Identifier: MIT */
/*
 * Two real threads, front and back, on one shared page: ten million
 * requests across the 2^32 wrap, every id checked for loss, duplication
 * and order. Once busy-polling, once sleeping on an eventfd whenever the
 * library says so (plain, with front moderation, and with the back
 * switching notifications off while it polls). A wait that times out is
 * a lost wake-up and fails the test instead of hanging CI.
 *
 * SRING_TEST_QUICK=1 (sanitizer and emulator stages) runs 20x fewer.
 */
#include "sring_test.h"

#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>

#include <sring/sring.h>

#include "support/evchn.h"

struct t_req {
	uint64_t id;
	uint32_t a, b;
};

struct t_rsp {
	uint64_t id;
	uint64_t v;
};

SRING_DEFINE_RING_TYPES(t, struct t_req, struct t_rsp);

#define WAIT_MS 20000 /* far beyond any scheduling delay */

enum mode { POLL, SLEEP, SLEEP_MODERATED, SLEEP_POLL_TOGGLE };

struct run {
	enum mode mode;
	uint64_t total;
	sring_idx_t start;
	struct t_sring *s;
	size_t bytes;
	struct evchn to_back, to_front;
	/* results */
	uint64_t bad_order, bad_payload, lost_wakeups, served;
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
	uint64_t expect = 0, polls = 0;

	r->back_status = t_back_attach(&b, r->s, r->bytes, r->start);
	if (r->back_status != SRING_OK)
		return NULL;
	while (expect < r->total) {
		int rc;

		while ((rc = t_back_copy_request(&b, &req)) == SRING_OK) {
			struct t_rsp *rsp = t_back_get_response(&b);

			if (req.id != expect)
				r->bad_order++;
			expect = req.id + 1;
			rsp->id = req.id;
			rsp->v = (uint64_t)req.a + req.b;
			r->served++;
		}
		if (rc != SRING_EMPTY) {
			r->back_status = rc;
			return NULL;
		}
		if (t_back_push_responses(&b))
			evchn_notify(&r->to_front);
		if (expect >= r->total)
			break;
		if (r->mode == POLL) {
			/* Let a peer sharing this core run (loaded CI). */
			if (t_back_unconsumed_requests(&b) == 0)
				sched_yield();
			continue;
		}
		if (r->mode == SLEEP_POLL_TOGGLE && (++polls & 1024) == 0) {
			/* Poll a while with notifications off. */
			t_back_notify_off(&b);
			continue;
		}
		rc = t_back_final_check(&b);
		if (rc < 0) {
			r->back_status = rc;
			return NULL;
		}
		if (rc == 0 && evchn_wait(&r->to_back, WAIT_MS) == 0) {
			/* Timed out: was there work nobody announced? */
			if (t_back_unconsumed_requests(&b) > 0)
				r->lost_wakeups++;
			else
				r->lost_wakeups += 1000000; /* stalled */
			return NULL;
		}
	}
	return NULL;
}

static void run_mode(enum mode mode, uint64_t total, size_t bytes,
		     unsigned max_kick_per_4)
{
	struct run r;
	struct t_front f;
	struct t_rsp rsp;
	uint64_t sent = 0, done = 0;
	pthread_t back;

	memset(&r, 0, sizeof(r));
	r.mode = mode;
	r.total = total;
	r.bytes = bytes;
	/* Start so that the indices cross 2^32 half way through. */
	r.start = (sring_idx_t)(0u - (uint32_t)(total / 2));
	r.s = test_alloc(4096, bytes);
	assert_non_null(r.s);
	assert_int_equal(evchn_open(&r.to_back), 0);
	assert_int_equal(evchn_open(&r.to_front), 0);
	assert_int_equal(t_sring_init_at(r.s, bytes, r.start), SRING_OK);
	assert_int_equal(t_front_attach(&f, r.s, bytes, r.start), SRING_OK);
	if (mode == SLEEP_MODERATED)
		t_front_set_moderation(&f, t_front_size(&f) / 4);
	assert_int_equal(pthread_create(&back, NULL, back_main, &r), 0);

	while (done < total) {
		struct t_req *req;
		int n;

		while (sent < total && (req = t_front_get_request(&f))) {
			req->id = sent;
			req->a = (uint32_t)(sent * 3u);
			req->b = ~(uint32_t)sent;
			sent++;
		}
		if (t_front_push_requests(&f))
			evchn_notify(&r.to_back);
		while ((n = t_front_copy_response(&f, &rsp)) == SRING_OK) {
			if (rsp.id != done)
				r.bad_order++;
			if (rsp.v != (uint64_t)(uint32_t)(rsp.id * 3u) +
					     (uint64_t)~(uint32_t)rsp.id)
				r.bad_payload++;
			done = rsp.id + 1;
		}
		if (n != SRING_EMPTY)
			break;
		if (mode == POLL && done < total && t_front_full(&f))
			sched_yield();
		if (mode == POLL || done >= total ||
		    (sent < total && !t_front_full(&f)))
			continue;
		n = t_front_final_check(&f);
		if (n < 0)
			break;
		if (n == 0 && evchn_wait(&r.to_front, WAIT_MS) == 0) {
			r.lost_wakeups++;
			break;
		}
	}
	if (done < total) {
		/* Unblock the back end so join cannot hang. */
		r.total = 0;
		evchn_notify(&r.to_back);
	}
	pthread_join(back, NULL);
	printf("# mode %d: %llu requests, %lu/%lu notifications, "
	       "from index %#x to %#x\n",
	       (int)mode, (unsigned long long)done, r.to_back.kicks,
	       r.to_front.kicks, r.start, f.core.req_pub);
	assert_int_equal(t_front_broken(&f), 0);
	assert_int_equal(r.back_status, SRING_OK);
	assert_int_equal(r.lost_wakeups, 0);
	assert_int_equal(r.bad_order, 0);
	assert_int_equal(r.bad_payload, 0);
	assert_true(done == total);
	assert_true(r.served == total);
	/* The run really crossed 2^32. */
	assert_true(f.core.req_pub < r.start);
	/* Suppression works: at most max_kick_per_4 per 4 requests. */
	assert_true(r.to_back.kicks + r.to_front.kicks <
		    total / 4 * max_kick_per_4);
	evchn_close(&r.to_back);
	evchn_close(&r.to_front);
	free(r.s);
}

/* Busy polling, 10M requests over a one-page ring. */
static void test_threads_poll(void **state)
{
	(void)state;
	run_mode(POLL, scaled(10000000), 4096, 1);
}

/* Sleeping whenever final_check says so, 10M requests. */
static void test_threads_sleep(void **state)
{
	(void)state;
	run_mode(SLEEP, scaled(10000000), 4096, 1);
}

/* Sleeping with the front moderated to a quarter of the ring. */
static void test_threads_sleep_moderated(void **state)
{
	(void)state;
	run_mode(SLEEP_MODERATED, scaled(4000000), 4096, 1);
}

/* The back switches notifications off while polling, then on again. */
static void test_threads_sleep_poll_toggle(void **state)
{
	(void)state;
	run_mode(SLEEP_POLL_TOGGLE, scaled(4000000), 4096, 1);
}

/* A small ring (4 slots) maximises full/empty transitions. */
static void test_threads_sleep_tiny_ring(void **state)
{
	(void)state;
	/* One batch of at most 4 each way: at most 2 kicks per 4. */
	run_mode(SLEEP, scaled(2000000), 64 + 4 * sizeof(union t_sring_entry),
		 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_threads_poll),
		cmocka_unit_test(test_threads_sleep),
		cmocka_unit_test(test_threads_sleep_moderated),
		cmocka_unit_test(test_threads_sleep_poll_toggle),
		cmocka_unit_test(test_threads_sleep_tiny_ring),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
