/* SPDX-License-Identifier: MIT */
/*
 * examples/fuzzkit/sring_fuzzkit.h, the hostile-peer toolkit: each script
 * opcode does what its table says, reaches every word, slot and byte of
 * the ring it plays against (also past 128 slots and 64 KiB), and a
 * script that runs out reads zeros.
 */
#include "sring_test.h"

#include <stdlib.h>

#include <sring/fast.h>
#include <sring/ring.h>

#include "sring_fuzzkit.h"

/*
 * A shared area: a Xen-layout ring of n 16-byte slots, then `extra` more
 * bytes the kit may write with op 12 (as a block back end's guest memory
 * holds the ring page and data pages).
 */
struct area {
	unsigned char *mem;
	size_t bytes;
	struct sring_layout l;
};

static void area_new(struct area *a, uint32_t n, size_t extra)
{
	size_t ring = SRING_HEADER_SIZE + (size_t)n * 16u;

	a->bytes = ring + extra;
	a->mem = test_alloc(64, a->bytes);
	assert_non_null(a->mem);
	memset(a->mem, 0, a->bytes);
	assert_int_equal(sring_shared_init(a->mem, ring, 16), SRING_OK);
	assert_int_equal(sring_xen_layout(&a->l, a->mem, ring, 16, 16, 16),
			 SRING_OK);
	assert_int_equal(a->l.nr_ents, n);
}

static void kit(struct sring_fuzzkit *k, struct area *a, const uint8_t *s,
		size_t n, int role)
{
	sring_fuzzkit_init(k, s, n, &a->l, role, a->mem, a->bytes);
}

static sring_idx_t word(const struct area *a, size_t off)
{
	sring_idx_t v;

	memcpy(&v, a->mem + off, sizeof(v));
	return v;
}

/* Op 10 sets whichever of the four index words its first byte names. */
static void test_fuzzkit_op10_sets_any_word(void **state)
{
	static const size_t offs[4] = { 0, 4, 8, 12 };
	struct area a;
	unsigned w;

	(void)state;
	area_new(&a, 8, 0);
	for (w = 0; w < 4; w++) {
		const uint8_t s[] = { 10, (uint8_t)w, 0x78, 0x56, 0x34, 0x12 };
		struct sring_fuzzkit k;

		kit(&k, &a, s, sizeof(s), SRING_FUZZKIT_PEER_IS_FRONT);
		assert_int_equal(sring_fuzzkit_peer_op(&k, sring_fuzzkit_byte(&k),
						       NULL, NULL),
				 0);
		assert_int_equal(word(&a, offs[w]), 0x12345678u);
	}
	free(a.mem);
}

/* Op 6 sets the peer's own producer index; short scripts read zeros. */
static void test_fuzzkit_op6_and_short_scripts(void **state)
{
	const uint8_t s[] = { 6, 0xff, 0xff };
	struct area a;
	struct sring_fuzzkit k;

	(void)state;
	area_new(&a, 8, 0);
	/* Playing the back end: its producer index is rsp_prod (byte 8). */
	kit(&k, &a, s, sizeof(s), SRING_FUZZKIT_PEER_IS_BACK);
	sring_fuzzkit_peer_op(&k, sring_fuzzkit_byte(&k), NULL, NULL);
	assert_int_equal(word(&a, 8), 0xffffu);
	assert_int_equal(word(&a, 0), 0);
	assert_false(sring_fuzzkit_more(&k));
	assert_int_equal(sring_fuzzkit_byte(&k), 0);
	free(a.mem);
}

/*
 * Runs two op-11 writes to slot 200 of a 256-slot ring (16-byte slots
 * both ways): AB CD at offset 3 of the request view, then EF at offset
 * 5 of the response view (bit 7). req0 and rsp0 are where the layout's
 * specification puts the two slot arrays.
 */
static void op11_slot200(struct area *a, size_t req0, size_t rsp0)
{
	/* slot 200 = 0x48 + (1 << 7): low 7 bits, then 1, 0; offset 3,
	 * length 2. Then the same with bit 7 set: the response view. */
	static const uint8_t s[] = { 11, 0x48, 1, 0, 3, 2, 0xAB, 0xCD,
				     11, 0xC8, 1, 0, 5, 1, 0xEF };
	struct sring_fuzzkit k;

	kit(&k, a, s, sizeof(s), SRING_FUZZKIT_PEER_IS_FRONT);
	while (sring_fuzzkit_more(&k))
		sring_fuzzkit_peer_op(&k, sring_fuzzkit_byte(&k), NULL, NULL);
	assert_int_equal(a->mem[req0 + 200 * 16 + 3], 0xAB);
	assert_int_equal(a->mem[req0 + 200 * 16 + 4], 0xCD);
	assert_int_equal(a->mem[rsp0 + 200 * 16 + 5], 0xEF);
	if (req0 != rsp0) {
		/* Two arrays: each write went to its own view only. */
		assert_int_equal(a->mem[req0 + 200 * 16 + 5], 0);
		assert_int_equal(a->mem[rsp0 + 200 * 16 + 3], 0);
	}
}

/* Op 11 reaches slot 200 of a 256-slot ring, in the request view and
 * (bit 7) the response view; on Xen's layout these are one slot. */
static void test_fuzzkit_op11_reaches_big_rings(void **state)
{
	struct area a;

	(void)state;
	area_new(&a, 256, 0);
	op11_slot200(&a, SRING_HEADER_SIZE, SRING_HEADER_SIZE);
	free(a.mem);
}

/* The same on the fast layout, where the two views are different
 * arrays: bit 7 picks the response slot, not the request slot. */
static void test_fuzzkit_op11_views_on_fast_layout(void **state)
{
	/* docs/fast-layout.md: request slots at 320, response slots at
	 * round64(320 + n * 16). */
	const size_t req0 = 320, rsp0 = 320 + 256 * 16;
	struct area a;

	(void)state;
	a.bytes = sring_fast_bytes(256, 16, 16);
	a.mem = test_alloc(64, a.bytes);
	assert_non_null(a.mem);
	memset(a.mem, 0, a.bytes);
	assert_int_equal(sring_fast_init_at(a.mem, a.bytes, 16, 16, 0),
			 SRING_OK);
	assert_int_equal(sring_fast_layout(&a.l, a.mem, a.bytes, 16, 16),
			 SRING_OK);
	assert_ptr_equal(a.l.req_slots, a.mem + req0);
	assert_ptr_equal(a.l.rsp_slots, a.mem + rsp0);
	op11_slot200(&a, req0, rsp0);
	free(a.mem);
}

/* Op 11 on a small ring: 7 bits of slot, no extra bytes (corpora keep
 * their meaning). */
static void test_fuzzkit_op11_small_ring_format(void **state)
{
	struct area a;
	struct sring_fuzzkit k;
	const uint8_t s[] = { 11, 0x0A, 0, 1, 0x5A };

	(void)state;
	area_new(&a, 8, 0);
	kit(&k, &a, s, sizeof(s), SRING_FUZZKIT_PEER_IS_FRONT);
	sring_fuzzkit_peer_op(&k, sring_fuzzkit_byte(&k), NULL, NULL);
	/* slot 10 & 7 = 2, offset 0, length 1. */
	assert_int_equal(a.mem[SRING_HEADER_SIZE + 2 * 16], 0x5A);
	assert_false(sring_fuzzkit_more(&k));
	free(a.mem);
}

/* Op 12 writes anywhere, also past 64 KiB in a big area. */
static void test_fuzzkit_op12_reaches_big_areas(void **state)
{
	struct area a;
	struct sring_fuzzkit k;
	const size_t at = 70000;
	const uint8_t s[] = { 12, (uint8_t)at, (uint8_t)(at >> 8),
			      (uint8_t)(at >> 16), 0, 3, 1, 2, 3 };

	(void)state;
	area_new(&a, 8, 80000);
	kit(&k, &a, s, sizeof(s), SRING_FUZZKIT_PEER_IS_FRONT);
	sring_fuzzkit_peer_op(&k, sring_fuzzkit_byte(&k), NULL, NULL);
	assert_int_equal(a.mem[at], 1);
	assert_int_equal(a.mem[at + 2], 3);
	assert_false(sring_fuzzkit_more(&k));
	free(a.mem);
}

/* Op 3 publishes at most what an honest front may; op 5 overruns. */
static void test_fuzzkit_publish_honest_and_overrun(void **state)
{
	struct area a;
	struct sring_fuzzkit k;
	uint8_t s[2 + 20 * 16 + 2];

	(void)state;
	memset(s, 0x11, sizeof(s));
	s[0] = 3;
	s[1] = 8; /* all 8 slots: room for 8 */
	area_new(&a, 8, 0);
	kit(&k, &a, s, 2 + 8 * 16, SRING_FUZZKIT_PEER_IS_FRONT);
	sring_fuzzkit_peer_op(&k, sring_fuzzkit_byte(&k), NULL, NULL);
	assert_int_equal(word(&a, 0), 8);
	assert_int_equal(k.published, 8);
	/* Honest: the ring is full, nothing more goes out. */
	s[0] = 4;
	s[1] = 5;
	kit(&k, &a, s, 2, SRING_FUZZKIT_PEER_IS_FRONT);
	sring_fuzzkit_peer_op(&k, sring_fuzzkit_byte(&k), NULL, NULL);
	assert_int_equal(word(&a, 0), 8);
	/* Overrun: 9 more, past any window. */
	s[0] = 5;
	s[1] = 9;
	kit(&k, &a, s, sizeof(s), SRING_FUZZKIT_PEER_IS_FRONT);
	sring_fuzzkit_peer_op(&k, sring_fuzzkit_byte(&k), NULL, NULL);
	assert_int_equal(word(&a, 0), 17);
	free(a.mem);
}

static int steps_seen;

static int count_step(void *ctx)
{
	(void)ctx;
	return ++steps_seen >= 3;
}

/* Notify ops call the step; run() stops when the step says so. */
static void test_fuzzkit_run_stops_on_step(void **state)
{
	struct area a;
	struct sring_fuzzkit k;
	const uint8_t s[] = { 0, 1, 2, 0, 0, 0 };

	(void)state;
	area_new(&a, 8, 0);
	kit(&k, &a, s, sizeof(s), SRING_FUZZKIT_PEER_IS_FRONT);
	steps_seen = 0;
	sring_fuzzkit_run(&k, count_step, NULL);
	assert_int_equal(steps_seen, 3);
	free(a.mem);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fuzzkit_op10_sets_any_word),
		cmocka_unit_test(test_fuzzkit_op6_and_short_scripts),
		cmocka_unit_test(test_fuzzkit_op11_reaches_big_rings),
		cmocka_unit_test(test_fuzzkit_op11_views_on_fast_layout),
		cmocka_unit_test(test_fuzzkit_op11_small_ring_format),
		cmocka_unit_test(test_fuzzkit_op12_reaches_big_areas),
		cmocka_unit_test(test_fuzzkit_publish_honest_and_overrun),
		cmocka_unit_test(test_fuzzkit_run_stops_on_step),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
