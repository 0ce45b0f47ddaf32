/* SPDX-License-Identifier: MIT */
/*
 * Interop of sring/xen.h with Xen's own io/ring.h in one process: a front
 * end built against one header and a back end built against the other
 * (two translation units, tests/xen/peer.c built twice), in two threads on
 * one shared page, exchanging a million requests with event-index
 * notifications over eventfds. Both pairings, plus sring with sring (the
 * pairing ThreadSanitizer can check: Xen's header is not data-race free
 * and its builds are not instrumented).
 */
#include "sring_test.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "xen/peer.h"

struct side {
	struct xpeer p;
	xpeer_fn *run;
};

static void *thread_main(void *arg)
{
	struct side *s = arg;

	s->run(&s->p);
	return NULL;
}

static unsigned long requests(void)
{
	const char *q = getenv("SRING_TEST_QUICK");

	return q && *q && strcmp(q, "0") != 0 ? 20000ul : 1000000ul;
}

static void exchange(xpeer_fn *front_init, xpeer_fn *front_run,
		     xpeer_fn *back_init, xpeer_fn *back_run)
{
	struct evchn to_back, to_front;
	struct side f, b;
	pthread_t tf, tb;
	void *page = NULL;

	assert_int_equal(posix_memalign(&page, 4096, 4096), 0);
	memset(page, 0xee, 4096);
	assert_int_equal(evchn_open(&to_back), 0);
	assert_int_equal(evchn_open(&to_front), 0);
	memset(&f, 0, sizeof(f));
	memset(&b, 0, sizeof(b));
	f.p.page = b.p.page = page;
	f.p.to_back = b.p.to_back = &to_back;
	f.p.to_front = b.p.to_front = &to_front;
	f.p.n = b.p.n = requests();
	f.run = front_run;
	b.run = back_run;

	front_init(&f.p);
	back_init(&b.p);
	assert_int_equal(pthread_create(&tb, NULL, thread_main, &b), 0);
	assert_int_equal(pthread_create(&tf, NULL, thread_main, &f), 0);
	pthread_join(tf, NULL);
	if (f.p.err[0])
		evchn_notify(&to_back); /* let a waiting back end see it */
	pthread_join(tb, NULL);

	print_message("    %lu requests: %lu front->back and %lu back->front "
		      "notifications, %lu/%lu sleeps\n", f.p.n, to_back.kicks,
		      to_front.kicks, f.p.sleeps, b.p.sleeps);
	if (f.p.err[0])
		fail_msg("%s", f.p.err);
	if (b.p.err[0])
		fail_msg("%s", b.p.err);
	assert_int_equal(f.p.done, f.p.n);
	assert_int_equal(b.p.done, b.p.n);
	/* Notifications flowed both ways, and hold-off suppressed most. */
	assert_true(to_back.kicks > 0 && to_front.kicks > 0);
	assert_true(to_back.kicks < f.p.n && to_front.kicks < f.p.n);
	evchn_close(&to_back);
	evchn_close(&to_front);
	free(page);
}

/* A front end on Xen's ring.h drives a back end on sring/xen.h. */
static void test_xen_interop_xen_front_sring_back(void **state)
{
	(void)state;
	exchange(xpeer_front_init_xen, xpeer_front_run_xen,
		 xpeer_back_init_sring, xpeer_back_run_sring);
}

/* A front end on sring/xen.h drives a back end on Xen's ring.h. */
static void test_xen_interop_sring_front_xen_back(void **state)
{
	(void)state;
	exchange(xpeer_front_init_sring, xpeer_front_run_sring,
		 xpeer_back_init_xen, xpeer_back_run_xen);
}

/* Both ends on sring/xen.h: the pairing ThreadSanitizer sees whole. */
static void test_xen_interop_sring_both(void **state)
{
	(void)state;
	exchange(xpeer_front_init_sring, xpeer_front_run_sring,
		 xpeer_back_init_sring, xpeer_back_run_sring);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xen_interop_xen_front_sring_back),
		cmocka_unit_test(test_xen_interop_sring_front_xen_back),
		cmocka_unit_test(test_xen_interop_sring_both),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
