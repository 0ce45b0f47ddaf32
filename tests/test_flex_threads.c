/* SPDX-License-Identifier: MIT */
/*
 * Byte-stream rings (flex.h) with two threads: a writer and a reader move
 * a long pseudo-random stream (1 GiB polling and 1 GiB sleeping with
 * event words, less for the other rules; SRING_TEST_QUICK=1 or a TSan
 * build cuts it 64x) in random chunk sizes through every copy and zero-copy call,
 * and the reader checks every byte and a checksum. Polling and sleeping,
 * with event words and without (default wake and wake 1). Sleeps are
 * timed: a lost wake-up is detected (the awaited condition holds but no
 * event came) and fails the test instead of hanging it.
 */
#include "sring_test.h"

#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <sring/flex.h>

#include "support/evchn.h"

#define PATTERN_LEN (1u << 20)
#define PATTERN_PAD 65536u
#define WAIT_MS 10000

enum mode {
	M_POLL,          /* no sleeping; no event words, default wake */
	M_SLEEP_EVENTS,  /* native layout with event words, random k */
	M_SLEEP_WAKE1,   /* no event words, wake 1: stream calls only */
	M_SLEEP_DEFAULT  /* no event words, default wake, random k */
};

static unsigned char *pattern; /* PATTERN_LEN + PATTERN_PAD bytes */

struct stream {
	enum mode mode;
	uint64_t total;
	uint64_t *area;
	struct sring_flex_layout l;
	struct sring_flex w, r;
	struct evchn to_reader, to_writer;
	uint64_t wsum, rsum;
	unsigned long wsleeps, rsleeps;
	int stop;           /* either thread failed: __atomic accesses */
	const char *wfail;  /* written by the writer, read after join */
	const char *rfail;  /* written by the reader, read after join */
	uint64_t wat, rat;  /* stream offsets of the failures */
};

static int stopped(struct stream *s)
{
	return __atomic_load_n(&s->stop, __ATOMIC_RELAXED);
}

static void stop_with(struct stream *s, const char **slot, uint64_t *at_slot,
		      const char *why, uint64_t at)
{
	*slot = why;
	*at_slot = at;
	__atomic_store_n(&s->stop, 1, __ATOMIC_RELAXED);
}

static uint64_t sum_bytes(uint64_t s, const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		s = (s ^ p[i]) * 0x100000001b3ull;
	return s;
}

/* Stream byte i is pattern[i % PATTERN_LEN]; PATTERN_PAD lets a chunk of
 * up to 64 KiB be compared without wrapping the pattern. */
static const unsigned char *pat_at(uint64_t i)
{
	return pattern + (i % PATTERN_LEN);
}

/* ThreadSanitizer builds are always quick: it slows every byte access. */
#if defined(__SANITIZE_THREAD__)
#define SRING_TSAN_BUILD 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define SRING_TSAN_BUILD 1
#endif
#endif
#ifndef SRING_TSAN_BUILD
#define SRING_TSAN_BUILD 0
#endif

static int quick(void)
{
	const char *q = getenv("SRING_TEST_QUICK");

	return SRING_TSAN_BUILD || (q && *q && *q != '0');
}

static void notify(struct evchn *e, int rc)
{
	if (rc > 0)
		evchn_notify(e);
}

/*
 * Sleeps until notified. On a timeout, re-checks the condition: if it
 * holds, the notification was lost (fail); if not, the peer is merely
 * slow and we wait again.
 */
static const char *sleep_for(struct stream *s, struct sring_flex *f,
			     uint32_t k, struct evchn *e)
{
	for (;;) {
		int rc = evchn_wait(e, WAIT_MS);
		int n;

		if (rc != 0)
			return rc < 0 ? "event wait failed" : NULL;
		if (stopped(s))
			return NULL;
		n = f->role == SRING_FLEX_WRITER ? sring_flex_free(f)
						 : sring_flex_avail(f);
		if (n < 0)
			return "EPROTO while asleep";
		if ((uint32_t)n >= k)
			return "lost wake-up";
	}
}

static void *writer(void *arg)
{
	struct stream *s = (struct stream *)arg;
	struct sring_flex *w = &s->w;
	unsigned int seed = 0x5eed1u;
	uint64_t done = 0;
	uint32_t size = sring_flex_size(w);

	while (done < s->total && !stopped(s)) {
		uint64_t left = s->total - done;
		size_t want = (size_t)(rand_r(&seed) % (2u * size + 1u)) + 1u;
		int op = rand_r(&seed) % 3, n;
		const char *why;
		uint32_t k = 1;

		if (want > PATTERN_PAD)
			want = PATTERN_PAD;
		if (want > left)
			want = (size_t)left;
		if (s->mode == M_SLEEP_WAKE1 && op == 1)
			op = 0; /* all-or-nothing would need k > wake */
		/* a writer waiting for k free and a reader waiting for k'
		 * unread deadlock if k + k' > size: keep both <= size / 2 */
		if (op == 1 && want > size / 2u)
			want = size / 2u;
		if (op == 0) {
			n = sring_flex_write(w, pat_at(done), want);
		} else if (op == 1) {
			n = sring_flex_write_all(w, pat_at(done), want);
			if (n == SRING_FULL) {
				n = 0;
				k = (uint32_t)want;
			}
		} else {
			struct sring_flex_span sp[2];
			uint32_t c;

			n = sring_flex_reserve(w, want, sp);
			if (n > 0) {
				memcpy(sp[0].p, pat_at(done), sp[0].len);
				if (sp[1].len)
					memcpy(sp[1].p, pat_at(done + sp[0].len),
					       sp[1].len);
				/* commit all or, sometimes, only a part */
				c = (uint32_t)n;
				if (rand_r(&seed) % 4 == 0)
					c = (uint32_t)(rand_r(&seed) % (unsigned)n) + 1u;
				if (sring_flex_commit(w, c) != SRING_OK)
					n = SRING_EINVAL;
				else
					n = (int)c;
			}
		}
		if (n < 0) {
			stop_with(s, &s->wfail, &s->wat, "writer error", done);
			break;
		}
		s->wsum = sum_bytes(s->wsum, pat_at(done), (size_t)n);
		done += (uint64_t)n;
		notify(&s->to_reader, sring_flex_push(w));
		if (n > 0)
			continue;
		if (s->mode == M_POLL) {
			sched_yield();
			continue;
		}
		if (s->mode == M_SLEEP_EVENTS && k == 1)
			k = (uint32_t)(rand_r(&seed) % (size / 2u)) + 1u;
		n = sring_flex_final_check(w, k);
		if (n < 0) {
			stop_with(s, &s->wfail, &s->wat, "writer final check", done);
			break;
		}
		if (n == 0) {
			s->wsleeps++;
			why = sleep_for(s, w, k, &s->to_writer);
			if (why) {
				stop_with(s, &s->wfail, &s->wat, why, done);
				break;
			}
		}
	}
	/* unblock a reader waiting on a failed stream */
	if (stopped(s))
		evchn_notify(&s->to_reader);
	return NULL;
}

static void *reader(void *arg)
{
	struct stream *s = (struct stream *)arg;
	struct sring_flex *r = &s->r;
	unsigned int seed = 0x5eed2u;
	uint64_t done = 0;
	uint32_t size = sring_flex_size(r);
	unsigned char *buf = malloc(2u * size + 1u);
	unsigned char *buf2 = malloc(2u * size + 1u);

	assert_non_null(buf);
	assert_non_null(buf2);
	while (done < s->total && !stopped(s)) {
		uint64_t left = s->total - done;
		size_t want = (size_t)(rand_r(&seed) % (2u * size + 1u)) + 1u;
		int op = rand_r(&seed) % 4, n;
		const char *why;
		uint32_t k = 1;

		if (want > PATTERN_PAD)
			want = PATTERN_PAD;
		if (s->mode == M_SLEEP_WAKE1 && op == 2)
			op = 0;
		if (op == 2) {
			/* exact reads never ask for more than will come */
			if (want > size / 2u)
				want = size / 2u;
			if (want > left)
				want = (size_t)left;
		}
		if (op == 0) {
			n = sring_flex_read(r, buf, want);
		} else if (op == 1) {
			int m = sring_flex_peek(r, buf, want);

			n = m > 0 ? sring_flex_read(r, buf2, (size_t)m) : m;
			/* the read gets exactly what the peek saw */
			if (n >= 0 && (n != m || memcmp(buf, buf2, (size_t)n)))
				n = SRING_EINVAL;
		} else if (op == 2) {
			n = sring_flex_read_all(r, buf, want);
			if (n == SRING_EMPTY) {
				n = 0;
				k = (uint32_t)want;
			}
		} else {
			struct sring_flex_span sp[2];
			uint32_t c;

			n = sring_flex_spans(r, sp);
			if (n > 0) {
				c = (uint32_t)n < want ? (uint32_t)n : (uint32_t)want;
				memcpy(buf, sp[0].p, c < sp[0].len ? c : sp[0].len);
				if (c > sp[0].len)
					memcpy(buf + sp[0].len, sp[1].p,
					       c - sp[0].len);
				if (sring_flex_release(r, c) != SRING_OK)
					n = SRING_EINVAL;
				else
					n = (int)c;
			}
		}
		if (n < 0) {
			stop_with(s, &s->rfail, &s->rat, "reader error", done);
			break;
		}
		if ((uint64_t)n > left ||
		    memcmp(buf, pat_at(done), (size_t)n) != 0) {
			stop_with(s, &s->rfail, &s->rat, "stream corrupted", done);
			break;
		}
		s->rsum = sum_bytes(s->rsum, buf, (size_t)n);
		done += (uint64_t)n;
		notify(&s->to_writer, sring_flex_push(r));
		if (n > 0)
			continue;
		if (s->mode == M_POLL) {
			sched_yield();
			continue;
		}
		if (s->mode == M_SLEEP_EVENTS && k == 1) {
			k = (uint32_t)(rand_r(&seed) % (size / 2u)) + 1u;
			if (k > left)
				k = (uint32_t)left;
		}
		n = sring_flex_final_check(r, k);
		if (n < 0) {
			stop_with(s, &s->rfail, &s->rat, "reader final check", done);
			break;
		}
		if (n == 0) {
			s->rsleeps++;
			why = sleep_for(s, r, k, &s->to_reader);
			if (why) {
				stop_with(s, &s->rfail, &s->rat, why, done);
				break;
			}
		}
	}
	if (stopped(s))
		evchn_notify(&s->to_writer);
	free(buf);
	free(buf2);
	return NULL;
}

static void run_stream(enum mode mode, uint64_t total, uint32_t size)
{
	struct stream *s = calloc(1, sizeof(*s));
	size_t bytes = SRING_FLEX_NATIVE_HDR + size;
	pthread_t tw, tr;
	struct timespec t0, t1;

	assert_non_null(s);
	s->mode = mode;
	s->total = quick() ? total / 64u : total;
	s->area = calloc(1, bytes);
	assert_non_null(s->area);
	assert_int_equal(sring_flex_native_layout(&s->l, s->area, bytes),
			 SRING_OK);
	assert_int_equal(s->l.size, size);
	if (mode != M_SLEEP_EVENTS) {
		s->l.prod_event = NULL;
		s->l.cons_event = NULL;
	}
	/* start near 2^32 so the counter wraps early in every run */
	assert_int_equal(sring_flex_shared_init(&s->l, 0xffff0000u), SRING_OK);
	assert_int_equal(sring_flex_attach(&s->w, SRING_FLEX_WRITER, &s->l,
					   0xffff0000u), SRING_OK);
	assert_int_equal(sring_flex_attach(&s->r, SRING_FLEX_READER, &s->l,
					   0xffff0000u), SRING_OK);
	if (mode == M_SLEEP_WAKE1) {
		sring_flex_set_wake(&s->w, 1);
		sring_flex_set_wake(&s->r, 1);
	}
	s->wsum = s->rsum = 0xcbf29ce484222325ull;
	assert_int_equal(evchn_open(&s->to_reader), 0);
	assert_int_equal(evchn_open(&s->to_writer), 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(pthread_create(&tw, NULL, writer, s), 0);
	assert_int_equal(pthread_create(&tr, NULL, reader, s), 0);
	pthread_join(tw, NULL);
	pthread_join(tr, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	print_message("mode %d: %.1f s, %llu bytes, ring %u, sleeps w %lu r %lu, "
		      "kicks w->r %lu r->w %lu; writer %s at %llu, reader %s at %llu\n",
		      (int)mode, (double)(t1.tv_sec - t0.tv_sec) +
		      (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
		      (unsigned long long)s->total, size, s->wsleeps,
		      s->rsleeps, s->to_reader.kicks, s->to_writer.kicks,
		      s->wfail ? s->wfail : "ok", (unsigned long long)s->wat,
		      s->rfail ? s->rfail : "ok", (unsigned long long)s->rat);
	assert_null(s->wfail);
	assert_null(s->rfail);
	assert_true(s->wsum == s->rsum);
	assert_int_equal(sring_flex_index(&s->w), (sring_idx_t)(0xffff0000u +
			 s->total));
	assert_int_equal(sring_flex_index(&s->r), (sring_idx_t)(0xffff0000u +
			 s->total));
	if (mode != M_POLL) {
		/* the sleeping runs really slept and were woken */
		assert_true(s->wsleeps + s->rsleeps > 0);
	}
	evchn_close(&s->to_reader);
	evchn_close(&s->to_writer);
	free(s->area);
	free(s);
}

/* 1 GiB through a 64 KiB ring by busy polling arrives intact. */
static void test_flex_stream_polling(void **state)
{
	(void)state;
	run_stream(M_POLL, 1ull << 30, 1u << 16);
}

/* 1 GiB with event words and random wait thresholds, both sides
 * sleeping, arrives intact with no lost wake-up. */
static void test_flex_stream_sleeping_events(void **state)
{
	(void)state;
	run_stream(M_SLEEP_EVENTS, 1ull << 30, 1u << 14);
}

/* 256 MiB without event words under the empty/full rule (wake 1), both
 * sides sleeping, arrives intact with no lost wake-up. */
static void test_flex_stream_sleeping_wake1(void **state)
{
	(void)state;
	run_stream(M_SLEEP_WAKE1, 1ull << 28, 1u << 12);
}

/* 128 MiB without event words under the default rule (every push
 * notifies), with all-or-nothing calls waiting for up to half the ring. */
static void test_flex_stream_sleeping_default(void **state)
{
	(void)state;
	run_stream(M_SLEEP_DEFAULT, 1ull << 27, 1u << 10);
}

static int setup(void **state)
{
	unsigned int seed = 77;
	uint32_t i;

	(void)state;
	pattern = malloc(PATTERN_LEN + PATTERN_PAD);
	if (!pattern)
		return -1;
	for (i = 0; i < PATTERN_LEN; i++)
		pattern[i] = (unsigned char)rand_r(&seed);
	memcpy(pattern + PATTERN_LEN, pattern, PATTERN_PAD);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(pattern);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flex_stream_polling),
		cmocka_unit_test(test_flex_stream_sleeping_events),
		cmocka_unit_test(test_flex_stream_sleeping_wake1),
		cmocka_unit_test(test_flex_stream_sleeping_default),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
