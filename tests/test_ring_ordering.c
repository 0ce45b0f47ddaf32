/* SPDX-License-Identifier: MIT */
/*
 * The ordering contract, counted: this file supplies its own five
 * ordering hooks (as a kernel would) that count every shared-index access
 * and fence, and checks that each operation makes exactly the accesses
 * the protocol needs: one acquire load per batch, a full fence inside
 * every push and every arming final check, nothing on a broken ring.
 * Also checks the SRING_STATS counters.
 */
#include "sring_test.h"

#include <stdlib.h>

static unsigned n_load_relaxed, n_store_relaxed, n_load_acquire,
	n_store_release, n_mb;

static uint32_t cnt_load_relaxed(const uint32_t *p)
{
	n_load_relaxed++;
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static void cnt_store_relaxed(uint32_t *p, uint32_t v)
{
	n_store_relaxed++;
	__atomic_store_n(p, v, __ATOMIC_RELAXED);
}

static uint32_t cnt_load_acquire(const uint32_t *p)
{
	n_load_acquire++;
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void cnt_store_release(uint32_t *p, uint32_t v)
{
	n_store_release++;
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

static void cnt_mb(void)
{
	n_mb++;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

#define SRING_LOAD_RELAXED(p) cnt_load_relaxed(p)
#define SRING_STORE_RELAXED(p, v) cnt_store_relaxed((p), (v))
#define SRING_LOAD_ACQUIRE(p) cnt_load_acquire(p)
#define SRING_STORE_RELEASE(p, v) cnt_store_release((p), (v))
#define SRING_MB() cnt_mb()
#define SRING_STATS 1

#include <sring/sring.h>

struct q {
	uint64_t id;
};

SRING_DEFINE_RING_TYPES(c, struct q, struct q);

static unsigned char page[4096] __attribute__((aligned(4096)));

static void reset(void)
{
	n_load_relaxed = n_store_relaxed = n_load_acquire = n_store_release =
		n_mb = 0;
}

#define EXPECT(lr, sr, la, sl, mb) \
	do { \
		assert_int_equal(n_load_relaxed, lr); \
		assert_int_equal(n_store_relaxed, sr); \
		assert_int_equal(n_load_acquire, la); \
		assert_int_equal(n_store_release, sl); \
		assert_int_equal(n_mb, mb); \
		reset(); \
	} while (0)

/* The user's hooks are the ones in use. */
static void test_overrides_in_use(void **state)
{
	(void)state;
	assert_string_equal(SRING_ATOMIC_IMPL, "user");
}

/* Each operation makes exactly the shared accesses it must. */
static void test_access_counts(void **state)
{
	struct c_sring *s = (struct c_sring *)page;
	struct c_front f;
	struct c_back b;
	struct q item, batch[64];
	unsigned i;

	(void)state;
	assert_int_equal(c_sring_init(s, sizeof(page)), SRING_OK);
	assert_int_equal(c_front_init(&f, s, sizeof(page)), SRING_OK);
	assert_int_equal(c_back_init(&b, s, sizeof(page)), SRING_OK);
	reset();

	/* Filling slots touches no shared index. */
	for (i = 0; i < 10; i++) {
		item.id = i;
		c_front_put_request(&f, &item);
	}
	EXPECT(0, 0, 0, 0, 0);
	/* Push: one release store, one full fence, one event load. */
	assert_int_equal(c_front_push_requests(&f), 1);
	EXPECT(1, 0, 0, 1, 1);
	/* An empty push does nothing at all. */
	assert_int_equal(c_front_push_requests(&f), 0);
	EXPECT(0, 0, 0, 0, 0);
	/* Ten requests one at a time: one acquire load, served from the
	 * snapshot; the eleventh call loads once more to see it empty. */
	for (i = 0; i < 10; i++)
		assert_int_equal(c_back_copy_request(&b, &item), SRING_OK);
	EXPECT(0, 0, 1, 0, 0);
	assert_int_equal(c_back_copy_request(&b, &item), SRING_EMPTY);
	EXPECT(0, 0, 1, 0, 0);
	/* Final check on an empty ring: load, arm, fence, load. */
	assert_int_equal(c_back_final_check(&b), 0);
	EXPECT(0, 1, 2, 0, 1);
	/* A batch: one acquire load for all of it. */
	for (i = 0; i < 40; i++)
		c_front_put_request(&f, &item);
	c_front_push_requests(&f);
	reset();
	assert_int_equal(c_back_copy_requests(&b, batch, 64), 40);
	EXPECT(0, 0, 1, 0, 0);
	/* Final check that finds work: one load, no arming, no fence. */
	c_front_put_request(&f, &item);
	c_front_push_requests(&f);
	reset();
	assert_int_equal(c_back_final_check(&b), 1);
	EXPECT(0, 0, 1, 0, 0);
	c_back_copy_request(&b, &item);
	reset();
	/* Responses: same shape the other way. */
	for (i = 0; i < 51; i++)
		c_back_put_response(&b, &item);
	EXPECT(0, 0, 0, 0, 0);
	c_back_push_responses(&b);
	EXPECT(1, 0, 0, 1, 1);
	assert_int_equal(c_front_copy_responses(&f, batch, 64), 51);
	EXPECT(0, 0, 1, 0, 0);
	assert_int_equal(c_front_final_check(&f), 0);
	EXPECT(0, 1, 2, 0, 1);
	/* Notify off is one relaxed store. */
	c_back_notify_off(&b);
	EXPECT(0, 1, 0, 0, 0);
}

/* A broken ring makes no shared access at all. */
static void test_broken_ring_makes_no_access(void **state)
{
	struct c_sring *s = (struct c_sring *)page;
	struct c_front f;
	struct c_back b;
	struct q item;

	(void)state;
	item.id = 0;
	c_sring_init(s, sizeof(page));
	c_front_init(&f, s, sizeof(page));
	c_back_init(&b, s, sizeof(page));
	s->hdr.req_prod = 1000;
	reset();
	assert_int_equal(c_back_copy_request(&b, &item), SRING_EPROTO);
	EXPECT(0, 0, 1, 0, 0);
	c_back_copy_request(&b, &item);
	c_back_copy_requests(&b, &item, 1);
	c_back_unconsumed_requests(&b);
	c_back_final_check(&b);
	c_back_push_responses(&b);
	c_back_notify_off(&b);
	EXPECT(0, 0, 0, 0, 0);
	assert_int_equal(b.core.stats.violations, 1);
	s->hdr.rsp_prod = 1000;
	reset();
	assert_int_equal(c_front_final_check(&f), SRING_EPROTO);
	EXPECT(0, 0, 1, 0, 0);
	c_front_copy_response(&f, &item);
	c_front_unconsumed_responses(&f);
	c_front_push_requests(&f);
	c_front_notify_off(&f);
	EXPECT(0, 0, 0, 0, 0);
}

/* The private counters count notifications, re-arms and stalls. */
static void test_stats_counters(void **state)
{
	struct c_sring *s = (struct c_sring *)page;
	struct c_front f;
	struct c_back b;
	struct q item;
	unsigned i;

	(void)state;
	item.id = 0;
	c_sring_init(s, sizeof(page));
	c_front_init(&f, s, sizeof(page));
	c_back_init(&b, s, sizeof(page));
	c_front_put_request(&f, &item);
	c_front_push_requests(&f); /* notifies (event 1) */
	c_front_put_request(&f, &item);
	c_front_push_requests(&f); /* suppressed */
	while (c_front_get_request(&f))
		;
	assert_int_equal(f.core.stats.notify_sent, 1);
	assert_int_equal(f.core.stats.notify_suppressed, 1);
	assert_int_equal(f.core.stats.full_stalls, 1);
	c_front_push_requests(&f);
	for (i = 0; i < c_back_size(&b); i++)
		c_back_copy_request(&b, &item);
	assert_int_equal(c_back_final_check(&b), 0);
	assert_int_equal(b.core.stats.rearms, 1);
	assert_int_equal(b.core.stats.violations, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_overrides_in_use),
		cmocka_unit_test(test_access_counts),
		cmocka_unit_test(test_broken_ring_makes_no_access),
		cmocka_unit_test(test_stats_counters),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
