/* SPDX-License-Identifier: MIT */
/*
 * The console page (proto/console.h): which end writes which ring, where
 * the bytes land, wrap of both rings, attaching to a live or corrupt page,
 * a hostile peer on one ring, and the connection byte.
 */
#include "sring_test.h"

#include <stdlib.h>

#include <sring/proto/console.h>

static struct sring_console_page *page_new(void)
{
	struct sring_console_page *p = aligned_alloc(4096, 4096);

	assert_non_null(p);
	memset(p, 0xee, 4096);
	sring_console_page_init(p, SRING_CONSOLE_CONNECTED);
	return p;
}

/* A fresh page is zeroed up to and including the connection byte, and
 * the byte reads back as set. */
static void test_console_page_init_and_connection(void **state)
{
	struct sring_console_page *p = aligned_alloc(4096, 4096);
	size_t i;

	(void)state;
	assert_non_null(p);
	memset(p, 0xee, 4096);
	sring_console_page_init(p, SRING_CONSOLE_DISCONNECTED);
	for (i = 0; i < offsetof(struct sring_console_page, connection); i++)
		assert_int_equal(((unsigned char *)p)[i], 0);
	assert_int_equal(((unsigned char *)p)[3088], 1);
	assert_int_equal(sring_console_connected(p), 0);
	sring_console_set_connection(p, SRING_CONSOLE_CONNECTED);
	assert_int_equal(sring_console_connected(p), 1);
	sring_console_set_connection(p, 0x7f); /* unknown: not connected */
	assert_int_equal(sring_console_connected(p), 0);
	free(p);
}

/* The guest's output lands in out[], the daemon's input in in[], at the
 * masked indices, and each end reads what the other wrote, across the
 * wrap of both rings. */
static void test_console_guest_and_daemon_exchange(void **state)
{
	struct sring_console_page *p = page_new();
	struct sring_console g, d;
	unsigned char buf[3000], got[3000];
	int round;

	(void)state;
	memset(&g, 0, sizeof(g));
	memset(&d, 0, sizeof(d));
	assert_int_equal(sring_console_guest_attach(&g, p), SRING_OK);
	assert_int_equal(sring_console_daemon_attach(&d, p), SRING_OK);
	assert_int_equal(sring_flex_size(&g.tx), 2048);
	assert_int_equal(sring_flex_size(&g.rx), 1024);
	assert_int_equal(sring_flex_size(&d.tx), 1024);
	assert_int_equal(sring_flex_write(&g.tx, "abc", 3), 3);
	assert_int_equal(sring_flex_push(&g.tx), 1);
	assert_int_equal(p->out_prod, 3);
	assert_memory_equal(p->out, "abc", 3);
	assert_int_equal(sring_flex_write(&d.tx, "xy", 2), 2);
	assert_int_equal(sring_flex_push(&d.tx), 1);
	assert_int_equal(p->in_prod, 2);
	assert_memory_equal(p->in, "xy", 2);
	assert_int_equal(sring_flex_read(&d.rx, got, sizeof(got)), 3);
	assert_int_equal(sring_flex_read(&g.rx, got + 3, sizeof(got)), 2);
	assert_memory_equal(got, "abcxy", 5);
	sring_flex_push(&d.rx);
	sring_flex_push(&g.rx);
	assert_int_equal(p->out_cons, 3);
	assert_int_equal(p->in_cons, 2);
	for (round = 0; round < 50; round++) {
		size_t i, n = (size_t)(round * 97 % 3000) + 1;
		int k, tot = 0;

		for (i = 0; i < n; i++)
			buf[i] = (unsigned char)(i * 7 + (size_t)round);
		/* the guest writes as much as fits, the daemon drains */
		while (tot < (int)n) {
			k = sring_flex_write(&g.tx, buf + tot, n - (size_t)tot);
			assert_true(k > 0);
			sring_flex_push(&g.tx);
			k = sring_flex_read(&d.rx, got + tot, sizeof(got));
			assert_true(k > 0);
			sring_flex_push(&d.rx);
			tot += k;
		}
		assert_memory_equal(got, buf, n);
		if (n > 1024)
			n = 1024;
		assert_int_equal(sring_flex_write_all(&d.tx, buf, n), (int)n);
		sring_flex_push(&d.tx);
		assert_int_equal(sring_flex_read_all(&g.rx, got, n), (int)n);
		sring_flex_push(&g.rx);
		assert_memory_equal(got, buf, n);
	}
	free(p);
}

/* Attaching to a live page adopts its indices; one inconsistent ring is
 * latched broken while the other still works. */
static void test_console_attach_live_and_corrupt_page(void **state)
{
	struct sring_console_page *p = page_new();
	struct sring_console d;
	unsigned char got[8];

	(void)state;
	memset(&d, 0, sizeof(d));
	p->out_cons = 0xfffffffeu;
	p->out_prod = 0xfffffffeu + 4u;
	p->out[0x7fe] = 'h';
	p->out[0x7ff] = 'e';
	p->out[0] = 'y';
	p->out[1] = '!';
	p->in_cons = 10;
	p->in_prod = 10 + 1025; /* more than the ring holds */
	assert_int_equal(sring_console_daemon_attach(&d, p), SRING_EPROTO);
	assert_int_equal(sring_flex_broken(&d.tx), SRING_EPROTO);
	assert_int_equal(sring_flex_write(&d.tx, "x", 1), SRING_EPROTO);
	assert_int_equal(p->in_prod, 10 + 1025); /* untouched */
	assert_int_equal(sring_flex_broken(&d.rx), 0);
	assert_int_equal(sring_flex_read(&d.rx, got, sizeof(got)), 4);
	assert_memory_equal(got, "hey!", 4);
	free(p);
}

/* A hostile guest moving out_prod beyond what the ring holds breaks only
 * the daemon's "out" ring, and nothing is read from outside out[]. */
static void test_console_hostile_guest(void **state)
{
	struct sring_console_page *p = page_new();
	struct sring_console d;
	unsigned char got[4096];

	(void)state;
	memset(&d, 0, sizeof(d));
	assert_int_equal(sring_console_daemon_attach(&d, p), SRING_OK);
	p->out_prod = 2049;
	assert_int_equal(sring_flex_read(&d.rx, got, sizeof(got)), SRING_EPROTO);
	p->out_prod = 5;
	assert_int_equal(sring_flex_read(&d.rx, got, sizeof(got)), SRING_EPROTO);
	assert_int_equal(p->out_cons, 0);
	assert_int_equal(sring_flex_write(&d.tx, "ok", 2), 2);
	assert_int_equal(sring_flex_push(&d.tx), 1);
	free(p);
}

/* set_wake applies to both rings of an end. */
static void test_console_set_wake(void **state)
{
	struct sring_console_page *p = page_new();
	struct sring_console g;

	(void)state;
	memset(&g, 0, sizeof(g));
	assert_int_equal(sring_console_guest_attach(&g, p), SRING_OK);
	assert_int_equal(g.tx.wake, 2048);
	assert_int_equal(g.rx.wake, 1024);
	sring_console_set_wake(&g, 1);
	assert_int_equal(g.tx.wake, 1);
	assert_int_equal(g.rx.wake, 1);
	assert_int_equal(sring_flex_write(&g.tx, "a", 1), 1);
	assert_int_equal(sring_flex_push(&g.tx), 1); /* out was empty */
	assert_int_equal(sring_flex_write(&g.tx, "b", 1), 1);
	assert_int_equal(sring_flex_push(&g.tx), 0); /* daemon not idle */
	assert_int_equal(sring_console_layout(NULL, p, 0), SRING_EINVAL);
	assert_int_equal(sring_console_guest_attach(NULL, p), SRING_EINVAL);
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_console_page_init_and_connection),
		cmocka_unit_test(test_console_guest_and_daemon_exchange),
		cmocka_unit_test(test_console_attach_live_and_corrupt_page),
		cmocka_unit_test(test_console_hostile_guest),
		cmocka_unit_test(test_console_set_wake),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
