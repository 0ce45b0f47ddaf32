/* SPDX-License-Identifier: MIT */
/*
 * Local misuse as users get it: SRING_ASSERT left at its default (off).
 * The other tests map SRING_ASSERT to cmocka's mock_assert and catch the
 * assertion with expect_assert_failure(), which jumps out of the call at
 * the assert, so the code after it (the status returned, the state left
 * alone) never runs there. Here it does: every misuse returns its
 * documented status, writes no shared byte and leaves the ring working.
 *
 * This file must not include sring_test.h (it would turn the asserts on).
 */
#ifdef SRING_ASSERT
#error "test_misuse needs SRING_ASSERT at its default (off)"
#endif

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <sring/flex.h>
#include <sring/proto/blkif.h>
#include <sring/ring.h>

struct t_req {
	uint64_t id;
	uint8_t pad[8];
};
struct t_rsp {
	uint64_t id;
};
SRING_DEFINE_RING_TYPES(t, struct t_req, struct t_rsp);

/* A flex ring whose words and data sit in one block we can snapshot. */
struct fblk {
	sring_idx_t words[4];
	unsigned char data[16];
};

static void flex_new(struct fblk *m, struct sring_flex_layout *l,
		     struct sring_flex *w, struct sring_flex *r)
{
	memset(m, 0xa5, sizeof(*m));
	l->prod = &m->words[0];
	l->cons = &m->words[1];
	l->prod_event = NULL;
	l->cons_event = NULL;
	l->data = m->data;
	l->size = sizeof(m->data);
	assert_int_equal(sring_flex_shared_init(l, 0), SRING_OK);
	assert_int_equal(sring_flex_attach(w, SRING_FLEX_WRITER, l, 0),
			 SRING_OK);
	assert_int_equal(sring_flex_attach(r, SRING_FLEX_READER, l, 0),
			 SRING_OK);
}

/* Flex: wrong side, commit or release beyond what was handed out, bad k,
 * final check with an unpushed index: SRING_EINVAL, nothing written, no
 * index moved, no latch; the ring then works as if nothing happened. */
static void test_misuse_flex_einval_writes_nothing(void **state)
{
	struct fblk m, snap;
	struct sring_flex_layout l;
	struct sring_flex w, r;
	struct sring_flex_span sp[2];
	unsigned char b[16] = { 1, 2, 3, 4 }, got[16];

	(void)state;
	flex_new(&m, &l, &w, &r);
	memcpy(&snap, &m, sizeof(m));
	assert_int_equal(sring_flex_write(&r, b, 1), SRING_EINVAL);
	assert_int_equal(sring_flex_read(&w, got, 1), SRING_EINVAL);
	assert_int_equal(sring_flex_commit(&w, 1), SRING_EINVAL);
	assert_int_equal(sring_flex_release(&r, 1), SRING_EINVAL);
	assert_int_equal(sring_flex_final_check(&r, 0), SRING_EINVAL);
	assert_int_equal(sring_flex_final_check(&r, 17), SRING_EINVAL);
	assert_memory_equal(&m, &snap, sizeof(m));
	assert_int_equal(sring_flex_index(&w), 0);
	assert_int_equal(sring_flex_index(&r), 0);

	/* Beyond the reservation: refused, and the reservation stands. */
	assert_int_equal(sring_flex_reserve(&w, 4, sp), 4);
	memcpy(sp[0].p, b, 4);
	assert_int_equal(sring_flex_commit(&w, 5), SRING_EINVAL);
	assert_int_equal(sring_flex_index(&w), 0);
	assert_int_equal(sring_flex_commit(&w, 4), SRING_OK);
	/* Unpushed: the final check refuses before touching anything. */
	memcpy(&snap, &m, sizeof(m));
	assert_int_equal(sring_flex_final_check(&w, 1), SRING_EINVAL);
	assert_memory_equal(&m, &snap, sizeof(m));
	assert_int_equal(sring_flex_push(&w), 1);
	/* Beyond the unread bytes. */
	assert_int_equal(sring_flex_spans(&r, sp), 4);
	assert_int_equal(sring_flex_release(&r, 5), SRING_EINVAL);
	assert_int_equal(sring_flex_index(&r), 0);
	/* k above the wake threshold. */
	sring_flex_set_wake(&r, 2);
	assert_int_equal(sring_flex_final_check(&r, 3), SRING_EINVAL);

	/* Nothing latched: the bytes still arrive. */
	assert_int_equal(sring_flex_broken(&w), 0);
	assert_int_equal(sring_flex_broken(&r), 0);
	assert_int_equal(sring_flex_read(&r, got, sizeof(got)), 4);
	assert_memory_equal(got, b, 4);
}

/* Ring: a response slot with none owed is NULL, put_response says
 * SRING_FULL, no shared byte changes and nothing is latched. */
static void test_misuse_ring_response_none_owed(void **state)
{
	static unsigned char mem[4096] __attribute__((aligned(64)));
	static unsigned char snap[sizeof(mem)];
	struct t_sring *s = (struct t_sring *)(void *)mem;
	struct t_front f;
	struct t_back b;
	struct t_req q;
	struct t_rsp rsp = { 7 };

	(void)state;
	assert_int_equal(t_sring_init(s, sizeof(mem)), SRING_OK);
	assert_int_equal(t_front_init(&f, s, sizeof(mem)), SRING_OK);
	assert_int_equal(t_back_init(&b, s, sizeof(mem)), SRING_OK);
	memcpy(snap, mem, sizeof(mem));
	assert_null(t_back_get_response(&b));
	assert_int_equal(t_back_put_response(&b, &rsp), SRING_FULL);
	assert_int_equal(t_back_push_responses(&b), 0);
	assert_memory_equal(mem, snap, sizeof(mem));
	assert_int_equal(t_back_broken(&b), 0);

	/* After one request, exactly one response is owed. */
	memset(&q, 0, sizeof(q));
	q.id = 42;
	assert_int_equal(t_front_put_request(&f, &q), SRING_OK);
	t_front_push_requests(&f);
	assert_int_equal(t_back_copy_request(&b, &q), SRING_OK);
	assert_int_equal(t_back_put_response(&b, &rsp), SRING_OK);
	assert_int_equal(t_back_put_response(&b, &rsp), SRING_FULL);
	t_back_push_responses(&b);
	assert_int_equal(t_front_copy_response(&f, &rsp), SRING_OK);
	assert_int_equal(rsp.id, 7);
	assert_int_equal(t_front_copy_response(&f, &rsp), SRING_EMPTY);
}

/* blkif: a response with none owed is SRING_FULL and writes nothing. */
static void test_misuse_blkif_respond_unowed(void **state)
{
	static uint64_t page[4096 / 8];
	static uint64_t snap[4096 / 8];
	struct sring_blkif_backend be;

	(void)state;
	assert_int_equal(sring_blkif_ring_init(SRING_BLKIF_ABI_64, page,
					       sizeof(page)),
			 SRING_OK);
	assert_int_equal(sring_blkif_backend_init(&be, SRING_BLKIF_ABI_64,
						  page, sizeof(page)),
			 SRING_OK);
	memcpy(snap, page, sizeof(page));
	assert_int_equal(sring_blkif_backend_respond(&be, 1, 0, 0),
			 SRING_FULL);
	assert_int_equal(sring_blkif_backend_push_responses(&be), 0);
	assert_memory_equal(page, snap, sizeof(page));
	assert_int_equal(sring_blkif_backend_broken(&be), 0);
}

/* blkif: counts beyond the wire arrays are clamped, never written past
 * them (the indirect page is allocated to its exact size for ASan). */
static void test_misuse_blkif_counts_clamped(void **state)
{
	struct sring_blkif_req d;
	union sring_blkif_request w;
	struct sring_blkif_segment seg[600];
	unsigned char *pg = malloc(4096);
	unsigned int i;

	(void)state;
	assert_non_null(pg);
	memset(&d, 0, sizeof(d));
	memset(seg, 0, sizeof(seg));
	for (i = 0; i < 600; i++)
		seg[i].gref = i + 1;
	d.operation = SRING_BLKIF_OP_READ;
	d.nr_segments = 12;
	for (i = 0; i < SRING_BLKIF_MAX_SEGMENTS_PER_REQUEST; i++)
		d.seg[i] = seg[i];
	sring_blkif_build_request(&w, &d);
	assert_int_equal(w.rw.nr_segments, SRING_BLKIF_MAX_SEGMENTS_PER_REQUEST);
	assert_int_equal(w.rw.seg[10].gref, 11);
	sring_blkif_write_indirect_page(pg, seg, 600);
	assert_int_equal(((struct sring_blkif_segment *)(void *)pg)[511].gref,
			 512);
	free(pg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_misuse_flex_einval_writes_nothing),
		cmocka_unit_test(test_misuse_ring_response_none_owed),
		cmocka_unit_test(test_misuse_blkif_respond_unowed),
		cmocka_unit_test(test_misuse_blkif_counts_clamped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
