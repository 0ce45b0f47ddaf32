/* SPDX-License-Identifier: MIT */
/*
 * proto/blkif.h: every operation across a ring in both wire formats, every
 * validation error from the exact input that triggers it, sector ranges
 * at 0, at the last sector and at 2^64, the id tracker against a lying
 * back end, and the x86_32 -> 64 conversion field by field against
 * requests built byte by byte.
 */
#include "sring_test.h"

#include <stdio.h>

#include <sring/proto/blkif.h>

#define PAGE 4096u
#define DISK ((uint64_t)1 << 20) /* sectors of the test disk (512 MiB) */

static uint64_t ring_page[PAGE / 8];
static uint64_t ind_pages[SRING_BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST][PAGE / 8];

static const int abis[2] = { SRING_BLKIF_ABI_64, SRING_BLKIF_ABI_X86_32 };

static void geo_default(struct sring_blkif_geometry *g)
{
	memset(g, 0, sizeof(*g));
	g->sectors = DISK;
	g->sector_size = 512;
	g->features = SRING_BLKIF_F_BARRIER | SRING_BLKIF_F_FLUSH |
		      SRING_BLKIF_F_DISCARD | SRING_BLKIF_F_DISCARD_SECURE;
	g->max_indirect_segments = SRING_BLKIF_MAX_INDIRECT_SEGMENTS;
	g->read_only = 0;
}

/* A description of op with n direct segments, segment i in gref 100+i
 * covering sectors (i % 4)..7. */
static void desc_rw(struct sring_blkif_req *d, uint8_t op, unsigned int n,
		    uint64_t sector)
{
	unsigned int i;

	memset(d, 0, sizeof(*d));
	d->operation = op;
	d->rsp_operation = op;
	d->handle = 0x1234;
	d->sector_number = sector;
	d->nr_segments = (uint16_t)n;
	for (i = 0; i < n && i < SRING_BLKIF_MAX_SEGMENTS_PER_REQUEST; i++) {
		d->seg[i].gref = 100u + i;
		d->seg[i].first_sect = (uint8_t)(i % 4u);
		d->seg[i].last_sect = 7;
		d->nr_sectors += 8u - i % 4u;
	}
}

/* Segment i of an indirect request: gref 1000+i, sectors (i % 8)..7. */
static void ind_seg(unsigned int i, struct sring_blkif_segment *s)
{
	memset(s, 0, sizeof(*s));
	s->gref = 1000u + i;
	s->first_sect = (uint8_t)(i % 8u);
	s->last_sect = 7;
}

/* An indirect description with n segments; fills the indirect pages. */
static void desc_indirect(struct sring_blkif_req *d, uint8_t op,
			  unsigned int n, uint64_t sector)
{
	struct sring_blkif_segment segs[SRING_BLKIF_SEGS_PER_INDIRECT_FRAME];
	unsigned int p, i;

	memset(d, 0, sizeof(*d));
	d->operation = op;
	d->rsp_operation = op;
	d->indirect = 1;
	d->handle = 7;
	d->sector_number = sector;
	d->nr_segments = (uint16_t)n;
	d->nr_indirect_pages = (uint16_t)SRING_BLKIF_INDIRECT_PAGES(n);
	for (p = 0; p < d->nr_indirect_pages; p++) {
		unsigned int k = 0;

		for (i = p * 512u; i < n && k < 512u; i++, k++) {
			ind_seg(i, &segs[k]);
			d->nr_sectors += 8u - i % 8u;
		}
		d->indirect_grefs[p] = 500u + p;
		sring_blkif_write_indirect_page(ind_pages[p], segs, k);
	}
}

static void desc_discard(struct sring_blkif_req *d, uint64_t sector,
			 uint64_t n, int secure)
{
	memset(d, 0, sizeof(*d));
	d->operation = SRING_BLKIF_OP_DISCARD;
	d->rsp_operation = SRING_BLKIF_OP_DISCARD;
	d->handle = 3;
	d->sector_number = sector;
	d->nr_sectors = n;
	d->discard_secure = (uint8_t)secure;
}

/* The checked request equals what the front end described. */
static void assert_same_req(const struct sring_blkif_req *a,
			    const struct sring_blkif_req *b)
{
	unsigned int i;

	assert_true(a->id == b->id);
	assert_true(a->sector_number == b->sector_number);
	assert_true(a->nr_sectors == b->nr_sectors);
	assert_int_equal(a->handle, b->handle);
	assert_int_equal(a->operation, b->operation);
	assert_int_equal(a->rsp_operation, b->rsp_operation);
	assert_int_equal(a->indirect, b->indirect);
	assert_int_equal(a->discard_secure, b->discard_secure);
	assert_int_equal(a->nr_segments, b->nr_segments);
	assert_int_equal(a->nr_indirect_pages, b->nr_indirect_pages);
	for (i = 0; i < a->nr_indirect_pages; i++)
		assert_int_equal(a->indirect_grefs[i], b->indirect_grefs[i]);
	if (a->indirect)
		return;
	for (i = 0; i < a->nr_segments; i++) {
		assert_int_equal(a->seg[i].gref, b->seg[i].gref);
		assert_int_equal(a->seg[i].first_sect, b->seg[i].first_sect);
		assert_int_equal(a->seg[i].last_sect, b->seg[i].last_sect);
	}
}

/* Runs check_request (and check_indirect) on a private copy. */
static int check(const union sring_blkif_request *rq,
		 const struct sring_blkif_geometry *g,
		 struct sring_blkif_req *out)
{
	static struct sring_blkif_segment segs[SRING_BLKIF_MAX_INDIRECT_SEGMENTS];
	const void *pages[SRING_BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST];
	unsigned int i;
	int e = sring_blkif_check_request(rq, g, out);

	if (e || !out->indirect)
		return e;
	for (i = 0; i < out->nr_indirect_pages; i++) {
		/* "map" gref 500+p */
		assert_int_equal(out->indirect_grefs[i], 500u + i);
		pages[i] = ind_pages[i];
	}
	e = sring_blkif_check_indirect(out, g, pages, out->nr_indirect_pages,
				       segs, SRING_BLKIF_MAX_INDIRECT_SEGMENTS);
	if (e == 0)
		for (i = 0; i < out->nr_segments; i++) {
			struct sring_blkif_segment s;

			ind_seg(i, &s);
			assert_int_equal(segs[i].gref, s.gref);
			assert_int_equal(segs[i].first_sect, s.first_sect);
			assert_int_equal(segs[i].last_sect, s.last_sect);
		}
	return e;
}

/* Every operation, sent by a tracked front end and answered by a back
 * end on one ring, arrives checked and identical, in both formats, and
 * every response reaches the right request with its status. */
static void test_blkif_roundtrip_every_op(void **state)
{
	struct sring_blkif_geometry g;
	unsigned int a;

	(void)state;
	geo_default(&g);
	for (a = 0; a < 2; a++) {
		struct sring_blkif_frontend fe;
		struct sring_blkif_backend be;
		struct sring_blkif_shadow sh;
		struct sring_blkif_shadow_entry ents[32];
		struct sring_blkif_req sent[16], got;
		union sring_blkif_request wire;
		unsigned int n = 0, i;
		uint64_t cookie;
		int16_t st;

		assert_int_equal(sring_blkif_ring_init(abis[a], ring_page,
						       PAGE), SRING_OK);
		assert_int_equal(sring_blkif_frontend_init(&fe, abis[a],
							   ring_page, PAGE),
				 SRING_OK);
		assert_int_equal(sring_blkif_backend_init(&be, abis[a],
							  ring_page, PAGE),
				 SRING_OK);
		assert_int_equal(sring_blkif_frontend_size(&fe), 32);
		assert_int_equal(sring_blkif_shadow_init(&sh, ents, 32),
				 SRING_OK);

		desc_rw(&sent[n++], SRING_BLKIF_OP_READ, 1, 0);
		desc_rw(&sent[n++], SRING_BLKIF_OP_READ, 11, DISK - 73);
		desc_rw(&sent[n++], SRING_BLKIF_OP_WRITE, 5, 4096);
		desc_rw(&sent[n++], SRING_BLKIF_OP_WRITE_BARRIER, 2, 8);
		desc_rw(&sent[n++], SRING_BLKIF_OP_WRITE_BARRIER, 0, 0);
		desc_rw(&sent[n++], SRING_BLKIF_OP_FLUSH_DISKCACHE, 0, 0);
		desc_rw(&sent[n++], SRING_BLKIF_OP_FLUSH_DISKCACHE, 3, 64);
		desc_discard(&sent[n++], 16, 1024, 0);
		desc_discard(&sent[n++], DISK - 1, 1, 1);
		for (i = 0; i < n; i++)
			assert_int_equal(sring_blkif_frontend_submit(
				&fe, &sh, &sent[i], 0xc0de0000u + i), SRING_OK);
		assert_int_equal(sring_blkif_shadow_in_flight(&sh), n);
		assert_int_equal(sring_blkif_frontend_push_requests(&fe), 1);

		for (i = 0; i < n; i++) {
			assert_int_equal(sring_blkif_backend_copy_request(
				&be, &wire), SRING_OK);
			assert_int_equal(check(&wire, &g, &got), 0);
			assert_same_req(&got, &sent[i]);
		}
		assert_int_equal(sring_blkif_backend_copy_request(&be, &wire),
				 SRING_EMPTY);
		/* Answer in reverse order, status by position. */
		for (i = n; i-- > 0;)
			assert_int_equal(sring_blkif_backend_respond(
				&be, sent[i].id, sent[i].rsp_operation,
				(int16_t)(i % 3 == 2 ? -2 : i % 3 == 1 ? -1 : 0)),
				SRING_OK);
		assert_int_equal(sring_blkif_backend_push_responses(&be), 1);
		for (i = n; i-- > 0;) {
			assert_int_equal(sring_blkif_frontend_complete(
				&fe, &sh, &cookie, &st), SRING_OK);
			assert_true(cookie == 0xc0de0000u + i);
			assert_int_equal(st, i % 3 == 2 ? -2 : i % 3 == 1 ? -1 : 0);
		}
		assert_int_equal(sring_blkif_frontend_complete(&fe, &sh,
							       &cookie, &st),
				 SRING_EMPTY);
		assert_int_equal(sring_blkif_shadow_in_flight(&sh), 0);

		/* Indirect reads and writes, one page and eight. */
		{
			static const unsigned int counts[4] = { 1, 512, 513,
								4096 };
			unsigned int k;

			for (k = 0; k < 8; k++) {
				struct sring_blkif_req d;

				desc_indirect(&d, k & 1 ? SRING_BLKIF_OP_WRITE
							: SRING_BLKIF_OP_READ,
					      counts[k / 2], 8u * k);
				assert_int_equal(sring_blkif_frontend_submit(
					&fe, &sh, &d, k), SRING_OK);
				sring_blkif_frontend_push_requests(&fe);
				assert_int_equal(
					sring_blkif_backend_copy_request(&be,
									 &wire),
					SRING_OK);
				assert_int_equal(wire.hdr.operation,
						 SRING_BLKIF_OP_INDIRECT);
				assert_int_equal(check(&wire, &g, &got), 0);
				assert_same_req(&got, &d);
				assert_int_equal(sring_blkif_backend_respond(
					&be, got.id, got.rsp_operation, 0),
					SRING_OK);
				sring_blkif_backend_push_responses(&be);
				assert_int_equal(sring_blkif_frontend_complete(
					&fe, &sh, &cookie, &st), SRING_OK);
				assert_true(cookie == k);
				assert_int_equal(st, 0);
			}
		}
		assert_int_equal(sring_blkif_frontend_broken(&fe), 0);
		assert_int_equal(sring_blkif_backend_broken(&be), 0);
	}
}

/* A response with none owed is local misuse (SRING_ASSERT); with the
 * assert off it is SRING_FULL and writes nothing (test_misuse.c). */
static void test_blkif_backend_respond_unowed(void **state)
{
	static struct sring_blkif_backend be;

	(void)state;
	sring_blkif_ring_init(SRING_BLKIF_ABI_64, ring_page, PAGE);
	sring_blkif_backend_init(&be, SRING_BLKIF_ABI_64, ring_page, PAGE);
	expect_assert_failure(sring_blkif_backend_respond(&be, 1, 0, 0));
	assert_int_equal(sring_blkif_backend_push_responses(&be), 0);
	assert_int_equal(sring_blkif_backend_broken(&be), 0);
}

/* Fills the stack below the caller with 0xa5. */
static __attribute__((noinline)) void dirty_stack(void)
{
	volatile unsigned char junk[8192];
	size_t i;

	for (i = 0; i < sizeof(junk); i++)
		junk[i] = 0xa5;
}

/* Responds from a fresh frame, over the junk dirty_stack() left: a
 * response built on the stack with a pad left unset would show it. */
static __attribute__((noinline)) int respond_on_dirty_stack(
	struct sring_blkif_backend *be, uint64_t id, uint8_t op, int16_t st)
{
	return sring_blkif_backend_respond(be, id, op, st);
}

/* The ring holds exactly Xen's bytes: id at 8 (64) or 4 (x86_32), the
 * sector after it, segments after that, responses of 16 or 12 bytes. */
static void test_blkif_wire_bytes_both_formats(void **state)
{
	unsigned int a;

	(void)state;
	for (a = 0; a < 2; a++) {
		struct sring_blkif_frontend fe;
		struct sring_blkif_backend be;
		struct sring_blkif_req d;
		union sring_blkif_request wire;
		const unsigned char *slot =
			(const unsigned char *)ring_page + 64;
		size_t ido = a ? 4 : 8, slotsz = a ? 108 : 112, rspsz = a ? 12 : 16;
		uint64_t v;
		uint32_t w;
		uint16_t h;
		int16_t st;
		size_t i;

		sring_blkif_ring_init(abis[a], ring_page, PAGE);
		sring_blkif_frontend_init(&fe, abis[a], ring_page, PAGE);
		sring_blkif_backend_init(&be, abis[a], ring_page, PAGE);
		desc_rw(&d, SRING_BLKIF_OP_WRITE, 2, 0x1122334455ull);
		d.id = 0xa1a2a3a4a5a6a7a8ull;
		assert_int_equal(sring_blkif_frontend_queue(&fe, &d), SRING_OK);
		sring_blkif_frontend_push_requests(&fe);
		assert_int_equal(slot[0], SRING_BLKIF_OP_WRITE);
		assert_int_equal(slot[1], 2);
		memcpy(&h, slot + 2, 2);
		assert_int_equal(h, 0x1234);
		memcpy(&v, slot + ido, 8);
		assert_true(v == d.id);
		memcpy(&v, slot + ido + 8, 8);
		assert_true(v == 0x1122334455ull);
		memcpy(&w, slot + ido + 16, 4);
		assert_int_equal(w, 100);
		assert_int_equal(slot[ido + 16 + 4], 0);
		assert_int_equal(slot[ido + 16 + 5], 7);
		memcpy(&w, slot + ido + 24, 4);
		assert_int_equal(w, 101);
		assert_int_equal(slot[ido + 24 + 4], 1);
		/* pad bytes and the 9 unused segments are zero */
		for (i = ido + 32; i < slotsz; i++)
			assert_int_equal(slot[i], 0);
		assert_int_equal(slot[ido + 16 + 6] | slot[ido + 16 + 7], 0);
		if (!a)
			assert_int_equal(slot[4] | slot[5] | slot[6] | slot[7], 0);
		/* the next slot starts where Xen's does */
		assert_int_equal(sring_blkif_slot_size(abis[a]), slotsz);

		assert_int_equal(sring_blkif_backend_copy_request(&be, &wire),
				 SRING_OK);
		/* A response over a slot full of 0xaa: pads become zero,
		 * bytes past the response are left alone. */
		memset((unsigned char *)ring_page + 64, 0xaa, slotsz);
		dirty_stack();
		assert_int_equal(respond_on_dirty_stack(&be, wire.hdr.id, 1, -1),
				 SRING_OK);
		memcpy(&v, slot, 8);
		assert_true(v == d.id);
		assert_int_equal(slot[8], 1);
		assert_int_equal(slot[9], 0);
		memcpy(&st, slot + 10, 2);
		assert_int_equal(st, -1);
		for (i = 12; i < rspsz; i++)
			assert_int_equal(slot[i], 0);
		for (i = rspsz; i < slotsz; i++)
			assert_int_equal(slot[i], 0xaa);
	}
}

/* Builds a raw x86_32 rw request byte by byte at Xen's i386 offsets. */
static void raw32_put64(unsigned char *b, size_t off, uint64_t v)
{
	memcpy(b + off, &v, 8);
}

/* x86_32 -> 64, read/write family: every field from its i386 offset. */
static void test_blkif_convert_x86_32_rw(void **state)
{
	static const uint8_t ops[4] = { 0, 1, 2, 3 };
	uint16_t handle = 0x1234;
	unsigned int k, i;

	(void)state;
	for (k = 0; k < 4; k++) {
		union sring_blkif_x86_32_request r32;
		union sring_blkif_request r;
		unsigned char *b = (unsigned char *)&r32;

		memset(b, 0xee, sizeof(r32));
		b[0] = ops[k];
		b[1] = 11;
		memcpy(b + 2, &handle, 2);
		raw32_put64(b, 4, 0x0102030405060708ull);
		raw32_put64(b, 12, 0xfffffffffffffff0ull);
		for (i = 0; i < 11; i++) {
			uint32_t gref = 0x80000000u + i;

			memcpy(b + 20 + 8 * i, &gref, 4);
			b[20 + 8 * i + 4] = (uint8_t)i;
			b[20 + 8 * i + 5] = (uint8_t)(i + 1);
		}
		memset(&r, 0x55, sizeof(r));
		sring_blkif_request_from_x86_32(&r, &r32);
		assert_int_equal(r.rw.operation, ops[k]);
		assert_int_equal(r.rw.nr_segments, 11);
		assert_int_equal(r.rw.handle, 0x1234);
		assert_int_equal(r.rw.pad, 0);
		assert_true(r.rw.id == 0x0102030405060708ull);
		assert_true(r.rw.sector_number == 0xfffffffffffffff0ull);
		for (i = 0; i < 11; i++) {
			assert_int_equal(r.rw.seg[i].gref, 0x80000000u + i);
			assert_int_equal(r.rw.seg[i].first_sect, i);
			assert_int_equal(r.rw.seg[i].last_sect, i + 1);
			assert_int_equal(r.rw.seg[i].pad[0] | r.rw.seg[i].pad[1],
					 0);
		}
	}
}

/* x86_32 -> 64, discard: id 4, sector 12, nr_sectors 20, flag at 1. */
static void test_blkif_convert_x86_32_discard(void **state)
{
	union sring_blkif_x86_32_request r32;
	union sring_blkif_request r;
	unsigned char *b = (unsigned char *)&r32;
	uint16_t handle = 9;
	size_t i;

	(void)state;
	memset(b, 0xee, sizeof(r32));
	b[0] = SRING_BLKIF_OP_DISCARD;
	b[1] = SRING_BLKIF_DISCARD_SECURE;
	memcpy(b + 2, &handle, 2);
	raw32_put64(b, 4, 42);
	raw32_put64(b, 12, 0x100000000ull);
	raw32_put64(b, 20, 0x200000001ull);
	memset(&r, 0x55, sizeof(r));
	sring_blkif_request_from_x86_32(&r, &r32);
	assert_int_equal(r.discard.operation, SRING_BLKIF_OP_DISCARD);
	assert_int_equal(r.discard.flag, SRING_BLKIF_DISCARD_SECURE);
	assert_int_equal(r.discard.handle, 9);
	assert_int_equal(r.discard.pad, 0);
	assert_true(r.discard.id == 42);
	assert_true(r.discard.sector_number == 0x100000000ull);
	assert_true(r.discard.nr_sectors == 0x200000001ull);
	/* nothing of the 0xee beyond the discard layout comes across */
	for (i = 32; i < sizeof(r); i++)
		assert_int_equal(((unsigned char *)&r)[i], 0);
}

/* x86_32 -> 64, indirect: nr_segments 2, id 4, sector 12, handle 20,
 * grefs 24, to id 8, sector 16, handle 24, grefs 28. */
static void test_blkif_convert_x86_32_indirect(void **state)
{
	union sring_blkif_x86_32_request r32;
	union sring_blkif_request r;
	unsigned char *b = (unsigned char *)&r32;
	unsigned char *o = (unsigned char *)&r;
	uint16_t nseg = 1500, handle = 0xbeef;
	unsigned int i;

	(void)state;
	memset(b, 0xee, sizeof(r32));
	b[0] = SRING_BLKIF_OP_INDIRECT;
	b[1] = SRING_BLKIF_OP_WRITE;
	memcpy(b + 2, &nseg, 2);
	raw32_put64(b, 4, 0x8000000000000001ull);
	raw32_put64(b, 12, 77);
	memcpy(b + 20, &handle, 2);
	for (i = 0; i < 8; i++) {
		uint32_t gref = 0x10 + i;

		memcpy(b + 24 + 4 * i, &gref, 4);
	}
	sring_blkif_request_from_x86_32(&r, &r32);
	assert_int_equal(o[0], SRING_BLKIF_OP_INDIRECT);
	assert_int_equal(o[1], SRING_BLKIF_OP_WRITE);
	assert_int_equal(r.indirect.nr_segments, 1500);
	assert_true(r.indirect.id == 0x8000000000000001ull);
	assert_true(r.indirect.sector_number == 77);
	assert_int_equal(r.indirect.handle, 0xbeef);
	for (i = 0; i < 8; i++)
		assert_int_equal(r.indirect.indirect_grefs[i], 0x10 + i);
	assert_int_equal(r.indirect.pad1 | r.indirect.pad2 | r.indirect.pad3, 0);
	for (i = 64; i < sizeof(r); i++)
		assert_int_equal(o[i], 0);
	/* and back again, byte for byte (pads aside, which become 0) */
	{
		union sring_blkif_x86_32_request back;
		unsigned char *c = (unsigned char *)&back;

		sring_blkif_request_to_x86_32(&back, &r);
		assert_memory_equal(c, b, 22);
		assert_memory_equal(c + 24, b + 24, 32);
		for (i = 64; i < sizeof(back); i++)
			assert_int_equal(c[i], 0);
	}
}

/* x86_32 -> 64, unknown operation: only operation and id survive, so the
 * error can still be answered. */
static void test_blkif_convert_x86_32_unknown_op(void **state)
{
	union sring_blkif_x86_32_request r32;
	union sring_blkif_request r;
	size_t i;

	(void)state;
	memset(&r32, 0xee, sizeof(r32));
	((unsigned char *)&r32)[0] = 200;
	raw32_put64((unsigned char *)&r32, 4, 99);
	sring_blkif_request_from_x86_32(&r, &r32);
	assert_int_equal(r.hdr.operation, 200);
	assert_true(r.hdr.id == 99);
	for (i = 1; i < 8; i++)
		assert_int_equal(((unsigned char *)&r)[i], 0);
	for (i = 16; i < sizeof(r); i++)
		assert_int_equal(((unsigned char *)&r)[i], 0);
}

/* x86_32 response: 12 bytes, id 0, operation 8, status 10. */
static void test_blkif_convert_x86_32_response(void **state)
{
	struct sring_blkif_x86_32_response r32;
	struct sring_blkif_response r;
	unsigned char *b = (unsigned char *)&r32;
	int16_t st = -2;

	(void)state;
	raw32_put64(b, 0, 0xfedcba9876543210ull);
	b[8] = 5;
	b[9] = 0xff;
	memcpy(b + 10, &st, 2);
	sring_blkif_response_from_x86_32(&r, &r32);
	assert_true(r.id == 0xfedcba9876543210ull);
	assert_int_equal(r.operation, 5);
	assert_int_equal(r.status, -2);
	assert_int_equal(r.pad1, 0);
	assert_int_equal(r.pad2, 0);
}

/* Builds a 64-format rw request with n segments (all valid, 8 sectors). */
static void raw_rw(union sring_blkif_request *r, uint8_t op, unsigned int n,
		   uint64_t sector)
{
	unsigned int i;

	memset(r, 0, sizeof(*r));
	r->rw.operation = op;
	r->rw.nr_segments = (uint8_t)n;
	r->rw.id = 0x5151;
	r->rw.sector_number = sector;
	for (i = 0; i < n && i < 11; i++) {
		r->rw.seg[i].gref = i;
		r->rw.seg[i].first_sect = 0;
		r->rw.seg[i].last_sect = 7;
	}
}

static void raw_discard(union sring_blkif_request *r, uint64_t sector,
			uint64_t n, uint8_t flag)
{
	memset(r, 0, sizeof(*r));
	r->discard.operation = SRING_BLKIF_OP_DISCARD;
	r->discard.flag = flag;
	r->discard.id = 0x5151;
	r->discard.sector_number = sector;
	r->discard.nr_sectors = n;
}

static void raw_indirect(union sring_blkif_request *r, uint8_t iop,
			 unsigned int n, uint64_t sector)
{
	unsigned int i;

	memset(r, 0, sizeof(*r));
	r->indirect.operation = SRING_BLKIF_OP_INDIRECT;
	r->indirect.indirect_op = iop;
	r->indirect.nr_segments = (uint16_t)n;
	r->indirect.id = 0x5151;
	r->indirect.sector_number = sector;
	for (i = 0; i < 8; i++)
		r->indirect.indirect_grefs[i] = 500u + i;
}

/* Unknown operations (RESERVED_1, 7, 255) are EOP, answered EOPNOTSUPP
 * with the raw operation and the id. */
static void test_blkif_check_unknown_op(void **state)
{
	static const uint8_t bad[3] = { SRING_BLKIF_OP_RESERVED_1, 7, 255 };
	struct sring_blkif_geometry g;
	union sring_blkif_request r;
	struct sring_blkif_req out;
	unsigned int i;

	(void)state;
	geo_default(&g);
	for (i = 0; i < 3; i++) {
		raw_rw(&r, bad[i], 1, 0);
		assert_int_equal(sring_blkif_check_request(&r, &g, &out),
				 SRING_BLKIF_EOP);
		assert_true(out.id == 0x5151);
		assert_int_equal(out.rsp_operation, bad[i]);
		assert_int_equal(sring_blkif_error_status(SRING_BLKIF_EOP),
				 SRING_BLKIF_RSP_EOPNOTSUPP);
	}
}

/* Barrier, flush, discard and indirect are ENOTSUPP unless offered. */
static void test_blkif_check_not_offered(void **state)
{
	struct sring_blkif_geometry g;
	union sring_blkif_request r;
	struct sring_blkif_req out;

	(void)state;
	geo_default(&g);
	g.features = 0;
	g.max_indirect_segments = 0;
	raw_rw(&r, SRING_BLKIF_OP_WRITE_BARRIER, 1, 0);
	assert_int_equal(sring_blkif_check_request(&r, &g, &out),
			 SRING_BLKIF_ENOTSUPP);
	raw_rw(&r, SRING_BLKIF_OP_FLUSH_DISKCACHE, 0, 0);
	assert_int_equal(sring_blkif_check_request(&r, &g, &out),
			 SRING_BLKIF_ENOTSUPP);
	raw_discard(&r, 0, 8, 0);
	assert_int_equal(sring_blkif_check_request(&r, &g, &out),
			 SRING_BLKIF_ENOTSUPP);
	raw_indirect(&r, SRING_BLKIF_OP_READ, 1, 0);
	assert_int_equal(sring_blkif_check_request(&r, &g, &out),
			 SRING_BLKIF_ENOTSUPP);
	assert_int_equal(out.rsp_operation, SRING_BLKIF_OP_READ);
	assert_int_equal(sring_blkif_error_status(SRING_BLKIF_ENOTSUPP),
			 SRING_BLKIF_RSP_EOPNOTSUPP);
	/* and each is accepted once offered */
	g.features = SRING_BLKIF_F_BARRIER;
	raw_rw(&r, SRING_BLKIF_OP_WRITE_BARRIER, 1, 0);
	assert_int_equal(sring_blkif_check_request(&r, &g, &out), 0);
	g.features = SRING_BLKIF_F_FLUSH;
	raw_rw(&r, SRING_BLKIF_OP_FLUSH_DISKCACHE, 0, 0);
	assert_int_equal(sring_blkif_check_request(&r, &g, &out), 0);
	g.features = SRING_BLKIF_F_DISCARD;
	raw_discard(&r, 0, 8, SRING_BLKIF_DISCARD_SECURE);
	assert_int_equal(sring_blkif_check_request(&r, &g, &out), 0);
	/* secure asked for but not offered: an ordinary discard */
	assert_int_equal(out.discard_secure, 0);
	g.features |= SRING_BLKIF_F_DISCARD_SECURE;
	assert_int_equal(sring_blkif_check_request(&r, &g, &out), 0);
	assert_int_equal(out.discard_secure, 1);
	g.max_indirect_segments = 1;
	raw_indirect(&r, SRING_BLKIF_OP_READ, 1, 0);
	assert_int_equal(sring_blkif_check_request(&r, &g, &out), 0);
}

/* A read-only device takes READ (direct and indirect) and refuses every
 * other operation with EROFS. */
static void test_blkif_check_read_only(void **state)
{
	struct sring_blkif_geometry g;
	union sring_blkif_request r;
	struct sring_blkif_req out;

	(void)state;
	geo_default(&g);
	g.read_only = 1;
	raw_rw(&r, SRING_BLKIF_OP_READ, 1, 0);
	assert_int_equal(sring_blkif_check_request(&r, &g, &out), 0);
	raw_indirect(&r, SRING_BLKIF_OP_READ, 1, 0);
	assert_int_equal(sring_blkif_check_request(&r, &g, &out), 0);
	raw_rw(&r, SRING_BLKIF_OP_WRITE, 1, 0);
	assert_int_equal(sring_blkif_check_request(&r, &g, &out),
			 SRING_BLKIF_EROFS);
	raw_rw(&r, SRING_BLKIF_OP_WRITE_BARRIER, 1, 0);
	assert_int_equal(sring_blkif_check_request(&r, &g, &out),
			 SRING_BLKIF_EROFS);
	raw_rw(&r, SRING_BLKIF_OP_FLUSH_DISKCACHE, 0, 0);
	assert_int_equal(sring_blkif_check_request(&r, &g, &out),
			 SRING_BLKIF_EROFS);
	raw_discard(&r, 0, 8, 0);
	assert_int_equal(sring_blkif_check_request(&r, &g, &out),
			 SRING_BLKIF_EROFS);
	raw_indirect(&r, SRING_BLKIF_OP_WRITE, 1, 0);
	assert_int_equal(sring_blkif_check_request(&r, &g, &out),
			 SRING_BLKIF_EROFS);
	assert_int_equal(sring_blkif_error_status(SRING_BLKIF_EROFS),
			 SRING_BLKIF_RSP_ERROR);
}

/* READ and WRITE need a segment; barrier and flush may have none; more
 * than 11 direct segments is ETOOMANYSEG. */
static void test_blkif_check_segment_counts(void **state)
{
	struct sring_blkif_geometry g;
	union sring_blkif_request r;
	struct sring_blkif_req out;

	(void)state;
	geo_default(&g);
	raw_rw(&r, SRING_BLKIF_OP_READ, 0, 0);
	assert_int_equal(sring_blkif_check_request(&r, &g, &out),
			 SRING_BLKIF_ENOSEG);
	raw_rw(&r, SRING_BLKIF_OP_WRITE, 0, 0);
	assert_int_equal(sring_blkif_check_request(&r, &g, &out),
			 SRING_BLKIF_ENOSEG);
	raw_rw(&r, SRING_BLKIF_OP_WRITE_BARRIER, 0, 0);
	assert_int_equal(sring_blkif_check_request(&r, &g, &out), 0);
	assert_true(out.nr_sectors == 0);
	raw_rw(&r, SRING_BLKIF_OP_READ, 11, 0);
	assert_int_equal(sring_blkif_check_request(&r, &g, &out), 0);
	assert_true(out.nr_sectors == 88);
	raw_rw(&r, SRING_BLKIF_OP_READ, 11, 0);
	r.rw.nr_segments = 12;
	assert_int_equal(sring_blkif_check_request(&r, &g, &out),
			 SRING_BLKIF_ETOOMANYSEG);
	r.rw.nr_segments = 255;
	assert_int_equal(sring_blkif_check_request(&r, &g, &out),
			 SRING_BLKIF_ETOOMANYSEG);
	raw_rw(&r, SRING_BLKIF_OP_FLUSH_DISKCACHE, 11, 0);
	r.rw.nr_segments = 12;
	assert_int_equal(sring_blkif_check_request(&r, &g, &out),
			 SRING_BLKIF_ETOOMANYSEG);
}

/* first_sect > last_sect and last_sect > 7 are ESECT, in any segment. */
static void test_blkif_check_bad_sectors_in_page(void **state)
{
	struct sring_blkif_geometry g;
	union sring_blkif_request r;
	struct sring_blkif_req out;

	(void)state;
	geo_default(&g);
	raw_rw(&r, SRING_BLKIF_OP_READ, 3, 0);
	r.rw.seg[2].first_sect = 3;
	r.rw.seg[2].last_sect = 2;
	assert_int_equal(sring_blkif_check_request(&r, &g, &out),
			 SRING_BLKIF_ESECT);
	raw_rw(&r, SRING_BLKIF_OP_READ, 3, 0);
	r.rw.seg[0].last_sect = 8;
	assert_int_equal(sring_blkif_check_request(&r, &g, &out),
			 SRING_BLKIF_ESECT);
	raw_rw(&r, SRING_BLKIF_OP_WRITE, 1, 0);
	r.rw.seg[0].first_sect = 255;
	r.rw.seg[0].last_sect = 255;
	assert_int_equal(sring_blkif_check_request(&r, &g, &out),
			 SRING_BLKIF_ESECT);
	/* a single sector at the page's end is fine */
	raw_rw(&r, SRING_BLKIF_OP_WRITE, 1, 0);
	r.rw.seg[0].first_sect = 7;
	assert_int_equal(sring_blkif_check_request(&r, &g, &out), 0);
	assert_true(out.nr_sectors == 1);
	/* segments beyond nr_segments are not looked at */
	raw_rw(&r, SRING_BLKIF_OP_WRITE, 1, 0);
	r.rw.seg[1].first_sect = 9;
	assert_int_equal(sring_blkif_check_request(&r, &g, &out), 0);
}

/* Sector ranges at 0, at the last sector, past the end and across 2^64,
 * for reads (summed segments) and discards (a 64-bit count). */
static void test_blkif_check_sector_range_edges(void **state)
{
	struct sring_blkif_geometry g;
	union sring_blkif_request r;
	struct sring_blkif_req out;

	(void)state;
	geo_default(&g);
	raw_rw(&r, SRING_BLKIF_OP_READ, 1, 0);
	r.rw.seg[0].last_sect = 0; /* one sector */
	assert_int_equal(sring_blkif_check_request(&r, &g, &out), 0);
	r.rw.sector_number = DISK - 1; /* the last sector */
	assert_int_equal(sring_blkif_check_request(&r, &g, &out), 0);
	r.rw.seg[0].last_sect = 1; /* two, the second past the end */
	assert_int_equal(sring_blkif_check_request(&r, &g, &out),
			 SRING_BLKIF_ERANGE);
	r.rw.seg[0].last_sect = 0;
	r.rw.sector_number = DISK;
	assert_int_equal(sring_blkif_check_request(&r, &g, &out),
			 SRING_BLKIF_ERANGE);
	r.rw.sector_number = UINT64_MAX;
	assert_int_equal(sring_blkif_check_request(&r, &g, &out),
			 SRING_BLKIF_ERANGE);
	/* 11 full pages ending exactly at the end, and one sector more */
	raw_rw(&r, SRING_BLKIF_OP_READ, 11, DISK - 88);
	assert_int_equal(sring_blkif_check_request(&r, &g, &out), 0);
	r.rw.sector_number = DISK - 87;
	assert_int_equal(sring_blkif_check_request(&r, &g, &out),
			 SRING_BLKIF_ERANGE);

	/* A disk of 2^64 - 1 sectors: sector + n would wrap to 0. */
	g.sectors = UINT64_MAX;
	raw_rw(&r, SRING_BLKIF_OP_READ, 1, UINT64_MAX - 7); /* 2^64 - 8 */
	assert_int_equal(sring_blkif_check_request(&r, &g, &out),
			 SRING_BLKIF_ERANGE);
	r.rw.seg[0].last_sect = 6; /* 7 sectors: ends at 2^64 - 1 */
	assert_int_equal(sring_blkif_check_request(&r, &g, &out), 0);
	raw_discard(&r, 1, UINT64_MAX, 0);
	assert_int_equal(sring_blkif_check_request(&r, &g, &out),
			 SRING_BLKIF_ERANGE);
	raw_discard(&r, UINT64_MAX, 1, 0);
	assert_int_equal(sring_blkif_check_request(&r, &g, &out),
			 SRING_BLKIF_ERANGE);
	raw_discard(&r, 0, UINT64_MAX, 0);
	assert_int_equal(sring_blkif_check_request(&r, &g, &out), 0);

	g.sectors = DISK;
	raw_discard(&r, 0, DISK, 0);
	assert_int_equal(sring_blkif_check_request(&r, &g, &out), 0);
	raw_discard(&r, 0, DISK + 1, 0);
	assert_int_equal(sring_blkif_check_request(&r, &g, &out),
			 SRING_BLKIF_ERANGE);
	raw_discard(&r, DISK - 1, 1, 0);
	assert_int_equal(sring_blkif_check_request(&r, &g, &out), 0);
	raw_discard(&r, DISK - 1, UINT64_MAX, 0);
	assert_int_equal(sring_blkif_check_request(&r, &g, &out),
			 SRING_BLKIF_ERANGE);
	/* an empty disk takes no I/O at all */
	g.sectors = 0;
	raw_rw(&r, SRING_BLKIF_OP_READ, 1, 0);
	assert_int_equal(sring_blkif_check_request(&r, &g, &out),
			 SRING_BLKIF_ERANGE);
}

/* With 4 KiB logical blocks, the sector and every segment must cover
 * whole blocks (EALIGN). */
static void test_blkif_check_alignment(void **state)
{
	struct sring_blkif_geometry g;
	union sring_blkif_request r;
	struct sring_blkif_req out;

	(void)state;
	geo_default(&g);
	g.sector_size = 4096;
	raw_rw(&r, SRING_BLKIF_OP_READ, 2, 8);
	assert_int_equal(sring_blkif_check_request(&r, &g, &out), 0);
	r.rw.sector_number = 9;
	assert_int_equal(sring_blkif_check_request(&r, &g, &out),
			 SRING_BLKIF_EALIGN);
	raw_rw(&r, SRING_BLKIF_OP_READ, 2, 8);
	r.rw.seg[1].last_sect = 3;
	assert_int_equal(sring_blkif_check_request(&r, &g, &out),
			 SRING_BLKIF_EALIGN);
	raw_discard(&r, 8, 12, 0);
	assert_int_equal(sring_blkif_check_request(&r, &g, &out),
			 SRING_BLKIF_EALIGN);
	raw_discard(&r, 8, 16, 0);
	assert_int_equal(sring_blkif_check_request(&r, &g, &out), 0);
}

/* Indirect headers: indirect_op must be READ or WRITE (EINDOP), segments
 * 1..max (ENOSEG, ETOOMANYSEG), and no more than 8 pages (EINDIRECT). */
static void test_blkif_check_indirect_header(void **state)
{
	static const uint8_t bad_iop[4] = { SRING_BLKIF_OP_FLUSH_DISKCACHE,
					    SRING_BLKIF_OP_DISCARD,
					    SRING_BLKIF_OP_INDIRECT, 9 };
	struct sring_blkif_geometry g;
	union sring_blkif_request r;
	struct sring_blkif_req out;
	unsigned int i;

	(void)state;
	geo_default(&g);
	for (i = 0; i < 4; i++) {
		raw_indirect(&r, bad_iop[i], 1, 0);
		assert_int_equal(sring_blkif_check_request(&r, &g, &out),
				 SRING_BLKIF_EINDOP);
	}
	raw_indirect(&r, SRING_BLKIF_OP_READ, 0, 0);
	assert_int_equal(sring_blkif_check_request(&r, &g, &out),
			 SRING_BLKIF_ENOSEG);
	raw_indirect(&r, SRING_BLKIF_OP_READ, 4096, 0);
	assert_int_equal(sring_blkif_check_request(&r, &g, &out), 0);
	assert_int_equal(out.nr_indirect_pages, 8);
	raw_indirect(&r, SRING_BLKIF_OP_READ, 4097, 0);
	assert_int_equal(sring_blkif_check_request(&r, &g, &out),
			 SRING_BLKIF_EINDIRECT);
	raw_indirect(&r, SRING_BLKIF_OP_READ, 65535, 0);
	assert_int_equal(sring_blkif_check_request(&r, &g, &out),
			 SRING_BLKIF_EINDIRECT);
	g.max_indirect_segments = 256; /* Linux blkback's offer */
	raw_indirect(&r, SRING_BLKIF_OP_READ, 256, 0);
	assert_int_equal(sring_blkif_check_request(&r, &g, &out), 0);
	assert_int_equal(out.nr_indirect_pages, 1);
	raw_indirect(&r, SRING_BLKIF_OP_READ, 257, 0);
	assert_int_equal(sring_blkif_check_request(&r, &g, &out),
			 SRING_BLKIF_ETOOMANYSEG);
	/* only the grefs the count needs are taken */
	raw_indirect(&r, SRING_BLKIF_OP_WRITE, 513, 0);
	g.max_indirect_segments = 4096;
	assert_int_equal(sring_blkif_check_request(&r, &g, &out), 0);
	assert_int_equal(out.nr_indirect_pages, 2);
	assert_int_equal(out.indirect_grefs[1], 501);
	assert_int_equal(out.indirect_grefs[2], 0);
	assert_int_equal(out.rsp_operation, SRING_BLKIF_OP_WRITE);
}

/* Segments in indirect pages are checked like direct ones, the summed
 * range against the disk, and local misuse is SRING_EINVAL. */
static void test_blkif_check_indirect_pages(void **state)
{
	static struct sring_blkif_segment segs[1024];
	struct sring_blkif_geometry g;
	struct sring_blkif_req d, out;
	union sring_blkif_request r;
	const void *pages[2] = { ind_pages[0], ind_pages[1] };
	struct sring_blkif_segment *p1 =
		(struct sring_blkif_segment *)ind_pages[1];

	(void)state;
	geo_default(&g);
	desc_indirect(&d, SRING_BLKIF_OP_READ, 600, 0);
	sring_blkif_build_request(&r, &d);
	assert_int_equal(sring_blkif_check_request(&r, &g, &out), 0);
	assert_int_equal(sring_blkif_check_indirect(&out, &g, pages, 2, segs,
						    1024), 0);
	assert_true(out.nr_sectors == d.nr_sectors);
	/* the tail of a page is zero, not the previous request's bytes */
	assert_int_equal(p1[88].gref, 0);
	/* local misuse */
	assert_int_equal(sring_blkif_check_indirect(&out, &g, pages, 1, segs,
						    1024), SRING_EINVAL);
	assert_int_equal(sring_blkif_check_indirect(&out, &g, pages, 2, segs,
						    599), SRING_EINVAL);
	/* a bad segment on the second page (segment 512 + 20) */
	p1[20].last_sect = 8;
	assert_int_equal(sring_blkif_check_indirect(&out, &g, pages, 2, segs,
						    1024), SRING_BLKIF_ESECT);
	p1[20].last_sect = 7;
	p1[21].first_sect = 5;
	p1[21].last_sect = 4;
	assert_int_equal(sring_blkif_check_indirect(&out, &g, pages, 2, segs,
						    1024), SRING_BLKIF_ESECT);
	p1[21].first_sect = (uint8_t)(533 % 8);
	p1[21].last_sect = 7;
	/* the summed range past the end of the disk */
	r.indirect.sector_number = DISK - d.nr_sectors + 1;
	assert_int_equal(sring_blkif_check_request(&r, &g, &out), 0);
	assert_int_equal(sring_blkif_check_indirect(&out, &g, pages, 2, segs,
						    1024), SRING_BLKIF_ERANGE);
	r.indirect.sector_number = DISK - d.nr_sectors;
	assert_int_equal(sring_blkif_check_request(&r, &g, &out), 0);
	assert_int_equal(sring_blkif_check_indirect(&out, &g, pages, 2, segs,
						    1024), 0);
	/* a direct request is not an indirect one */
	raw_rw(&r, SRING_BLKIF_OP_READ, 1, 0);
	assert_int_equal(sring_blkif_check_request(&r, &g, &out), 0);
	assert_int_equal(sring_blkif_check_indirect(&out, &g, pages, 1, segs,
						    1024), SRING_EINVAL);
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
	/* xorshift64*: deterministic, so a failure reproduces */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

/* Whatever bytes a front end puts in a slot, an accepted request is
 * inside the protocol's bounds and the disk: checked on random requests,
 * biased towards the interesting values, in both formats. */
static void test_blkif_check_random_requests_stay_in_bounds(void **state)
{
	static const uint64_t edges[6] = { 0, 1, DISK - 8, DISK - 1, DISK,
					   UINT64_MAX };
	struct sring_blkif_geometry g;
	unsigned int iter, i, accepted = 0, n = 200000;

	(void)state;
	geo_default(&g);
	g.max_indirect_segments = 1024;
	for (iter = 0; iter < n; iter++) {
		union sring_blkif_request r;
		union sring_blkif_x86_32_request r32;
		struct sring_blkif_req out;
		unsigned char *b = iter & 1 ? (unsigned char *)&r32
					    : (unsigned char *)&r;
		size_t len = iter & 1 ? sizeof(r32) : sizeof(r);
		uint64_t t = 0;
		int e;

		for (i = 0; i < len; i++)
			b[i] = (unsigned char)rng();
		/* mostly known operations, small counts, sane sectors */
		b[0] = (uint8_t)(rng() % 8u);
		if (rng() & 1)
			b[1] = (uint8_t)(rng() % 13u);
		if (iter & 1)
			sring_blkif_request_from_x86_32(&r, &r32);
		if (rng() & 1)
			r.rw.sector_number = edges[rng() % 6u] - rng() % 16u;
		if (r.hdr.operation == SRING_BLKIF_OP_DISCARD && (rng() & 1))
			r.discard.nr_sectors = edges[rng() % 6u] + rng() % 3u;
		for (i = 0; i < 11 && (rng() & 3); i++) {
			r.rw.seg[i].first_sect = (uint8_t)(rng() % 9u);
			r.rw.seg[i].last_sect = (uint8_t)(rng() % 9u);
		}
		e = sring_blkif_check_request(&r, &g, &out);
		assert_true(e >= 0 && e <= SRING_BLKIF_EINDOP);
		if (e != 0 || out.indirect)
			continue;
		accepted++;
		assert_true(out.operation <= SRING_BLKIF_OP_DISCARD &&
			    out.operation != SRING_BLKIF_OP_RESERVED_1);
		assert_true(out.nr_segments <= 11);
		for (i = 0; i < out.nr_segments; i++) {
			assert_true(out.seg[i].first_sect <=
				    out.seg[i].last_sect);
			assert_true(out.seg[i].last_sect <= 7);
			t += out.seg[i].last_sect - out.seg[i].first_sect + 1u;
		}
		if (out.operation != SRING_BLKIF_OP_DISCARD)
			assert_true(t == out.nr_sectors);
		if (out.nr_sectors) {
			assert_true(out.sector_number < DISK);
			assert_true(out.nr_sectors <= DISK - out.sector_number);
		}
	}
	printf("  %u of %u random requests accepted\n", accepted, n);
	assert_true(accepted > n / 100);
}

/* Ids are reused after completion, with a new incarnation each time. */
static void test_blkif_shadow_reuse(void **state)
{
	struct sring_blkif_shadow sh;
	struct sring_blkif_shadow_entry ents[2];
	struct sring_blkif_req d;
	struct sring_blkif_response rsp;
	uint64_t id = 0, prev = 0, c = 0, x = 0;
	unsigned int i;

	(void)state;
	desc_rw(&d, SRING_BLKIF_OP_READ, 1, 0);
	assert_int_equal(sring_blkif_shadow_init(&sh, ents, 2), SRING_OK);
	for (i = 0; i < 1000; i++) {
		assert_int_equal(sring_blkif_shadow_get(&sh, &d, i, &id),
				 SRING_OK);
		assert_int_equal(id & 0xffffffffu, 0);
		assert_true(id != prev);
		prev = id;
		assert_int_equal(sring_blkif_shadow_submit(&sh, id), SRING_OK);
		assert_non_null(sring_blkif_shadow_lookup(&sh, id));
		rsp.id = id;
		rsp.operation = SRING_BLKIF_OP_READ;
		rsp.status = 0;
		assert_int_equal(sring_blkif_shadow_complete(&sh, &rsp, &c),
				 SRING_OK);
		assert_true(c == i);
		assert_null(sring_blkif_shadow_lookup(&sh, id));
	}
	/* two at once, then full */
	assert_int_equal(sring_blkif_shadow_get(&sh, &d, 1, &id), SRING_OK);
	assert_int_equal(sring_blkif_shadow_get(&sh, &d, 2, &x), SRING_OK);
	assert_int_equal(sring_blkif_shadow_get(&sh, &d, 3, &c), SRING_FULL);
	assert_int_equal(sring_blkif_shadow_in_flight(&sh), 2);
	/* cancel gives one back */
	assert_int_equal(sring_blkif_shadow_cancel(&sh, x), SRING_OK);
	assert_int_equal(sring_blkif_shadow_in_flight(&sh), 1);
	assert_int_equal(sring_blkif_shadow_get(&sh, &d, 3, &c), SRING_OK);
	assert_true(c != x);
	assert_int_equal(sring_blkif_shadow_broken(&sh), 0);
	assert_int_equal(sring_blkif_shadow_init(&sh, ents, 0), SRING_EINVAL);
}

/* Sets up a tracker with one READ in flight; returns its id. */
static uint64_t shadow_one(struct sring_blkif_shadow *sh,
			   struct sring_blkif_shadow_entry *ents)
{
	struct sring_blkif_req d;
	uint64_t id = 0;

	desc_rw(&d, SRING_BLKIF_OP_READ, 1, 0);
	assert_int_equal(sring_blkif_shadow_init(sh, ents, 4), SRING_OK);
	assert_int_equal(sring_blkif_shadow_get(sh, &d, 77, &id), SRING_OK);
	assert_int_equal(sring_blkif_shadow_submit(sh, id), SRING_OK);
	return id;
}

static void rsp_set(struct sring_blkif_response *r, uint64_t id, uint8_t op)
{
	memset(r, 0, sizeof(*r));
	r->id = id;
	r->operation = op;
}

/* The tracker latches broken and refuses everything after. */
static void assert_latched(struct sring_blkif_shadow *sh)
{
	struct sring_blkif_req d;
	struct sring_blkif_response r;
	uint64_t id, c;

	desc_rw(&d, SRING_BLKIF_OP_READ, 1, 0);
	assert_int_equal(sring_blkif_shadow_broken(sh), SRING_EPROTO);
	assert_int_equal(sring_blkif_shadow_get(sh, &d, 0, &id), SRING_EPROTO);
	rsp_set(&r, 0, 0);
	assert_int_equal(sring_blkif_shadow_complete(sh, &r, &c),
			 SRING_EPROTO);
}

/* A second response for a completed request is EPROTO. */
static void test_blkif_shadow_duplicate(void **state)
{
	struct sring_blkif_shadow sh;
	struct sring_blkif_shadow_entry ents[4];
	struct sring_blkif_response r;
	uint64_t id = shadow_one(&sh, ents), c = 0;

	(void)state;
	rsp_set(&r, id, SRING_BLKIF_OP_READ);
	assert_int_equal(sring_blkif_shadow_complete(&sh, &r, &c), SRING_OK);
	assert_true(c == 77);
	assert_int_equal(sring_blkif_shadow_complete(&sh, &r, &c),
			 SRING_EPROTO);
	assert_latched(&sh);
}

/* A late response for an earlier incarnation of a reused slot is EPROTO,
 * and the current request is not completed by it. */
static void test_blkif_shadow_stale(void **state)
{
	struct sring_blkif_shadow sh;
	struct sring_blkif_shadow_entry ents[4];
	struct sring_blkif_response r;
	struct sring_blkif_req d;
	uint64_t old = shadow_one(&sh, ents), now = 0, c = 0;

	(void)state;
	rsp_set(&r, old, SRING_BLKIF_OP_READ);
	assert_int_equal(sring_blkif_shadow_complete(&sh, &r, &c), SRING_OK);
	desc_rw(&d, SRING_BLKIF_OP_READ, 1, 0);
	assert_int_equal(sring_blkif_shadow_get(&sh, &d, 5, &now), SRING_OK);
	assert_int_equal(sring_blkif_shadow_submit(&sh, now), SRING_OK);
	assert_int_equal(now & 0xffffffffu, old & 0xffffffffu);
	assert_int_equal(sring_blkif_shadow_complete(&sh, &r, &c),
			 SRING_EPROTO);
	assert_non_null(sring_blkif_shadow_lookup(&sh, now));
	assert_latched(&sh);
}

/* Ids never handed out (slot out of range, free slot, or a reserved one
 * not yet submitted) are EPROTO. */
static void test_blkif_shadow_unknown(void **state)
{
	struct sring_blkif_shadow sh;
	struct sring_blkif_shadow_entry ents[4];
	struct sring_blkif_response r;
	struct sring_blkif_req d;
	uint64_t id, res = 0, c = 0;

	(void)state;
	id = shadow_one(&sh, ents);
	rsp_set(&r, (id & ~0xffffffffull) | 4u, SRING_BLKIF_OP_READ);
	assert_int_equal(sring_blkif_shadow_complete(&sh, &r, &c),
			 SRING_EPROTO);
	assert_latched(&sh);

	id = shadow_one(&sh, ents);
	rsp_set(&r, UINT64_MAX, SRING_BLKIF_OP_READ);
	assert_int_equal(sring_blkif_shadow_complete(&sh, &r, &c),
			 SRING_EPROTO);

	id = shadow_one(&sh, ents);
	rsp_set(&r, (id & ~0xffffffffull) | 3u, SRING_BLKIF_OP_READ);
	assert_int_equal(sring_blkif_shadow_complete(&sh, &r, &c),
			 SRING_EPROTO);

	id = shadow_one(&sh, ents);
	desc_rw(&d, SRING_BLKIF_OP_WRITE, 1, 0);
	assert_int_equal(sring_blkif_shadow_get(&sh, &d, 6, &res), SRING_OK);
	rsp_set(&r, res, SRING_BLKIF_OP_WRITE);
	assert_int_equal(sring_blkif_shadow_complete(&sh, &r, &c),
			 SRING_EPROTO);
	assert_latched(&sh);
}

/* A response whose operation differs from the request's is EPROTO; an
 * indirect request is answered with its indirect_op, as Linux does. */
static void test_blkif_shadow_mismatched_op(void **state)
{
	struct sring_blkif_shadow sh;
	struct sring_blkif_shadow_entry ents[4];
	struct sring_blkif_response r;
	struct sring_blkif_req d;
	uint64_t id = shadow_one(&sh, ents), c;

	(void)state;
	rsp_set(&r, id, SRING_BLKIF_OP_WRITE);
	assert_int_equal(sring_blkif_shadow_complete(&sh, &r, &c),
			 SRING_EPROTO);
	assert_latched(&sh);

	sring_blkif_shadow_init(&sh, ents, 4);
	desc_indirect(&d, SRING_BLKIF_OP_WRITE, 20, 0);
	assert_int_equal(sring_blkif_shadow_get(&sh, &d, 1, &id), SRING_OK);
	sring_blkif_shadow_submit(&sh, id);
	assert_int_equal(sring_blkif_shadow_lookup(&sh, id)->indirect, 1);
	rsp_set(&r, id, SRING_BLKIF_OP_INDIRECT);
	assert_int_equal(sring_blkif_shadow_complete(&sh, &r, &c),
			 SRING_EPROTO);
	sring_blkif_shadow_init(&sh, ents, 4);
	assert_int_equal(sring_blkif_shadow_get(&sh, &d, 1, &id), SRING_OK);
	sring_blkif_shadow_submit(&sh, id);
	rsp_set(&r, id, SRING_BLKIF_OP_WRITE);
	assert_int_equal(sring_blkif_shadow_complete(&sh, &r, &c), SRING_OK);
}

/* A front end in format abis[a] over ring_page, with a 32-entry tracker
 * and one READ (cookie 1) submitted and published. */
static void front_one_read(unsigned int a, struct sring_blkif_frontend *fe,
			   struct sring_blkif_shadow *sh,
			   struct sring_blkif_shadow_entry ents[32],
			   struct sring_blkif_req *d)
{
	sring_blkif_ring_init(abis[a], ring_page, PAGE);
	sring_blkif_frontend_init(fe, abis[a], ring_page, PAGE);
	sring_blkif_shadow_init(sh, ents, 32);
	desc_rw(d, SRING_BLKIF_OP_READ, 1, 0);
	assert_int_equal(sring_blkif_frontend_submit(fe, sh, d, 1), SRING_OK);
	sring_blkif_frontend_push_requests(fe);
}

/* complete() said EPROTO: nothing was reported, the ring and the tracker
 * are both latched, and nothing more can be submitted. */
static void assert_front_refused(struct sring_blkif_frontend *fe,
				 struct sring_blkif_shadow *sh,
				 struct sring_blkif_req *d, int rc,
				 uint64_t cookie, int16_t st)
{
	assert_int_equal(rc, SRING_EPROTO);
	assert_int_equal(cookie, 5);
	assert_int_equal(st, 99);
	assert_int_equal(sring_blkif_frontend_broken(fe), SRING_EPROTO);
	assert_int_equal(sring_blkif_shadow_broken(sh), SRING_EPROTO);
	assert_int_equal(sring_blkif_frontend_submit(fe, sh, d, 2),
			 SRING_EPROTO);
	assert_latched(sh);
}

/* A back end that writes a bogus response into the ring breaks the front
 * end's ring as well as its tracker, in both formats. */
static void test_blkif_frontend_hostile_response(void **state)
{
	unsigned int a;

	(void)state;
	for (a = 0; a < 2; a++) {
		struct sring_blkif_frontend fe;
		struct sring_blkif_backend be;
		struct sring_blkif_shadow sh;
		struct sring_blkif_shadow_entry ents[32];
		struct sring_blkif_req d;
		union sring_blkif_request w;
		uint64_t c = 5;
		int16_t st = 99;
		int rc;

		front_one_read(a, &fe, &sh, ents, &d);
		sring_blkif_backend_init(&be, abis[a], ring_page, PAGE);
		memset(&w, 0, sizeof(w));
		assert_int_equal(sring_blkif_backend_copy_request(&be, &w),
				 SRING_OK);
		/* right id, wrong operation */
		sring_blkif_backend_respond(&be, w.hdr.id, SRING_BLKIF_OP_WRITE,
					    0);
		sring_blkif_backend_push_responses(&be);
		rc = sring_blkif_frontend_complete(&fe, &sh, &c, &st);
		assert_front_refused(&fe, &sh, &d, rc, c, st);
	}
}

/* A response index out of the window latches the tracker as well as the
 * ring: both say broken, and nothing more can be submitted. Before the
 * fix the ring alone was latched and sring_blkif_shadow_broken() said 0. */
static void test_blkif_frontend_window_latches_tracker(void **state)
{
	unsigned int a;

	(void)state;
	for (a = 0; a < 2; a++) {
		struct sring_blkif_frontend fe;
		struct sring_blkif_shadow sh;
		struct sring_blkif_shadow_entry ents[32];
		struct sring_blkif_req d;
		uint64_t c = 5;
		int16_t st = 99;
		uint32_t forged = 2; /* one request published, two answered */
		int rc;

		front_one_read(a, &fe, &sh, ents, &d);
		memcpy((unsigned char *)ring_page + 8, &forged, 4); /* rsp_prod */
		rc = sring_blkif_frontend_complete(&fe, &sh, &c, &st);
		assert_front_refused(&fe, &sh, &d, rc, c, st);
	}
}

/* Unknown statuses are reported as ERROR; the three defined pass. */
static void test_blkif_status_normalise(void **state)
{
	(void)state;
	assert_int_equal(sring_blkif_status_normalise(0), 0);
	assert_int_equal(sring_blkif_status_normalise(-1), -1);
	assert_int_equal(sring_blkif_status_normalise(-2), -2);
	assert_int_equal(sring_blkif_status_normalise(1), -1);
	assert_int_equal(sring_blkif_status_normalise(-3), -1);
	assert_int_equal(sring_blkif_status_normalise(INT16_MIN), -1);
	assert_int_equal(sring_blkif_error_status(SRING_BLKIF_VALID), 0);
	assert_int_equal(sring_blkif_error_status(SRING_BLKIF_ERANGE), -1);
	assert_string_equal(sring_blkif_strerror(SRING_BLKIF_ERANGE),
			    "sector range outside the disk");
}

/* The front end refuses to send what the protocol forbids, and nothing
 * reaches the ring then. */
static void test_blkif_frontend_local_checks(void **state)
{
	struct sring_blkif_frontend fe;
	struct sring_blkif_shadow sh;
	struct sring_blkif_shadow_entry ents[32];
	struct sring_blkif_req d;

	(void)state;
	sring_blkif_ring_init(SRING_BLKIF_ABI_64, ring_page, PAGE);
	sring_blkif_frontend_init(&fe, SRING_BLKIF_ABI_64, ring_page, PAGE);
	sring_blkif_shadow_init(&sh, ents, 32);
	desc_rw(&d, SRING_BLKIF_OP_READ, 0, 0);
	assert_int_equal(sring_blkif_frontend_submit(&fe, &sh, &d, 0),
			 SRING_EINVAL);
	desc_rw(&d, SRING_BLKIF_OP_READ, 11, 0);
	d.nr_segments = 12;
	assert_int_equal(sring_blkif_frontend_submit(&fe, &sh, &d, 0),
			 SRING_EINVAL);
	desc_rw(&d, SRING_BLKIF_OP_WRITE, 2, 0);
	d.seg[1].last_sect = 8;
	assert_int_equal(sring_blkif_frontend_submit(&fe, &sh, &d, 0),
			 SRING_EINVAL);
	desc_rw(&d, SRING_BLKIF_OP_RESERVED_1, 1, 0);
	assert_int_equal(sring_blkif_frontend_queue(&fe, &d), SRING_EINVAL);
	desc_indirect(&d, SRING_BLKIF_OP_READ, 10, 0);
	d.nr_indirect_pages = 2;
	assert_int_equal(sring_blkif_frontend_submit(&fe, &sh, &d, 0),
			 SRING_EINVAL);
	desc_indirect(&d, SRING_BLKIF_OP_READ, 10, 0);
	d.operation = SRING_BLKIF_OP_FLUSH_DISKCACHE;
	assert_int_equal(sring_blkif_frontend_submit(&fe, &sh, &d, 0),
			 SRING_EINVAL);
	assert_int_equal(sring_blkif_shadow_in_flight(&sh), 0);
	assert_int_equal(sring_blkif_frontend_push_requests(&fe), 0);
	{
		uint32_t req_prod;

		memcpy(&req_prod, ring_page, 4);
		assert_int_equal(req_prod, 0);
	}
}

/* A full ring is SRING_FULL and takes no id. */
static void test_blkif_frontend_full(void **state)
{
	struct sring_blkif_frontend fe;
	struct sring_blkif_shadow sh;
	struct sring_blkif_shadow_entry ents[64];
	struct sring_blkif_req d;
	unsigned int i;

	(void)state;
	sring_blkif_ring_init(SRING_BLKIF_ABI_X86_32, ring_page, PAGE);
	sring_blkif_frontend_init(&fe, SRING_BLKIF_ABI_X86_32, ring_page,
				  PAGE);
	sring_blkif_shadow_init(&sh, ents, 64);
	desc_rw(&d, SRING_BLKIF_OP_READ, 1, 0);
	for (i = 0; i < 32; i++)
		assert_int_equal(sring_blkif_frontend_submit(&fe, &sh, &d, i),
				 SRING_OK);
	assert_int_equal(sring_blkif_frontend_submit(&fe, &sh, &d, i),
			 SRING_FULL);
	assert_int_equal(sring_blkif_shadow_in_flight(&sh), 32);
}

/* Byte ranges of a page map to whole-sector segments and back; ranges
 * that are not whole sectors inside the page are refused. */
static void test_blkif_segment_byte_ranges(void **state)
{
	struct sring_blkif_segment s;

	(void)state;
	assert_int_equal(sring_blkif_seg_set(&s, 9, 0, 4096), SRING_OK);
	assert_int_equal(s.gref, 9);
	assert_int_equal(s.first_sect, 0);
	assert_int_equal(s.last_sect, 7);
	assert_int_equal(sring_blkif_seg_offset(&s), 0);
	assert_int_equal(sring_blkif_seg_bytes(&s), 4096);
	assert_int_equal(sring_blkif_seg_set(&s, 9, 3584, 512), SRING_OK);
	assert_int_equal(s.first_sect, 7);
	assert_int_equal(s.last_sect, 7);
	assert_int_equal(sring_blkif_seg_offset(&s), 3584);
	assert_int_equal(sring_blkif_seg_bytes(&s), 512);
	assert_int_equal(sring_blkif_seg_set(&s, 9, 1024, 1536), SRING_OK);
	assert_int_equal(s.first_sect, 2);
	assert_int_equal(s.last_sect, 4);
	s.gref = 77;
	assert_int_equal(sring_blkif_seg_set(&s, 9, 0, 0), SRING_EINVAL);
	assert_int_equal(sring_blkif_seg_set(&s, 9, 100, 512), SRING_EINVAL);
	assert_int_equal(sring_blkif_seg_set(&s, 9, 0, 600), SRING_EINVAL);
	assert_int_equal(sring_blkif_seg_set(&s, 9, 3584, 1024), SRING_EINVAL);
	assert_int_equal(sring_blkif_seg_set(&s, 9, 4096, 512), SRING_EINVAL);
	assert_int_equal(sring_blkif_seg_set(&s, 9, 512, 0xfffffe00u),
			 SRING_EINVAL);
	assert_int_equal(s.gref, 77);
}

/* The "protocol" node names map to the two formats; others are refused. */
static void test_blkif_protocol_names(void **state)
{
	(void)state;
	assert_int_equal(sring_blkif_abi_from_protocol("x86_32-abi"),
			 SRING_BLKIF_ABI_X86_32);
	assert_int_equal(sring_blkif_abi_from_protocol("x86_64-abi"),
			 SRING_BLKIF_ABI_64);
	assert_int_equal(sring_blkif_abi_from_protocol("arm-abi"),
			 SRING_BLKIF_ABI_64);
	assert_int_equal(sring_blkif_abi_from_protocol("x86_32-ab"),
			 SRING_EINVAL);
	assert_int_equal(sring_blkif_abi_from_protocol("x86_32-abi "),
			 SRING_EINVAL);
	assert_int_equal(sring_blkif_abi_from_protocol(""), SRING_EINVAL);
	assert_int_equal(sring_blkif_abi_from_protocol(NULL), SRING_EINVAL);
	assert_int_equal(sring_blkif_slot_size(SRING_BLKIF_ABI_64), 112);
	assert_int_equal(sring_blkif_slot_size(SRING_BLKIF_ABI_X86_32), 108);
	assert_int_equal(sring_blkif_slot_size(2), 0);
	assert_int_equal(sring_blkif_ring_init(2, ring_page, PAGE),
			 SRING_EINVAL);
#if defined(__x86_64__)
	assert_string_equal(SRING_BLKIF_PROTOCOL_NATIVE, "x86_64-abi");
	assert_int_equal(SRING_BLKIF_ABI_NATIVE, SRING_BLKIF_ABI_64);
#endif
}

/* The generated typed rings have Xen's slot counts in 1..16 pages. */
static void test_blkif_typed_ring_sizes(void **state)
{
	static uint64_t big[16 * PAGE / 8];
	struct sring_blkif_front f;
	struct sring_blkif_x86_32_back b;
	size_t pages;

	(void)state;
	for (pages = 1; pages <= 16; pages *= 2) {
		size_t bytes = pages * PAGE;

		assert_int_equal(sring_blkif_sring_init(
			(struct sring_blkif_sring *)big, bytes), SRING_OK);
		assert_int_equal(sring_blkif_front_init(
			&f, (struct sring_blkif_sring *)big, bytes), SRING_OK);
		assert_int_equal(sring_blkif_front_size(&f), 32 * pages);
		assert_int_equal(sring_blkif_x86_32_back_init(
			&b, (struct sring_blkif_x86_32_sring *)big, bytes),
			SRING_OK);
		assert_int_equal(sring_blkif_x86_32_back_size(&b), 32 * pages);
	}
	assert_int_equal(SRING_CONST_RING_SIZE(sring_blkif, 4096 * 16), 512);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_blkif_roundtrip_every_op),
		cmocka_unit_test(test_blkif_backend_respond_unowed),
		cmocka_unit_test(test_blkif_wire_bytes_both_formats),
		cmocka_unit_test(test_blkif_convert_x86_32_rw),
		cmocka_unit_test(test_blkif_convert_x86_32_discard),
		cmocka_unit_test(test_blkif_convert_x86_32_indirect),
		cmocka_unit_test(test_blkif_convert_x86_32_unknown_op),
		cmocka_unit_test(test_blkif_convert_x86_32_response),
		cmocka_unit_test(test_blkif_check_unknown_op),
		cmocka_unit_test(test_blkif_check_not_offered),
		cmocka_unit_test(test_blkif_check_read_only),
		cmocka_unit_test(test_blkif_check_segment_counts),
		cmocka_unit_test(test_blkif_check_bad_sectors_in_page),
		cmocka_unit_test(test_blkif_check_sector_range_edges),
		cmocka_unit_test(test_blkif_check_alignment),
		cmocka_unit_test(test_blkif_check_indirect_header),
		cmocka_unit_test(test_blkif_check_indirect_pages),
		cmocka_unit_test(test_blkif_check_random_requests_stay_in_bounds),
		cmocka_unit_test(test_blkif_shadow_reuse),
		cmocka_unit_test(test_blkif_shadow_duplicate),
		cmocka_unit_test(test_blkif_shadow_stale),
		cmocka_unit_test(test_blkif_shadow_unknown),
		cmocka_unit_test(test_blkif_shadow_mismatched_op),
		cmocka_unit_test(test_blkif_frontend_hostile_response),
		cmocka_unit_test(test_blkif_frontend_window_latches_tracker),
		cmocka_unit_test(test_blkif_status_normalise),
		cmocka_unit_test(test_blkif_frontend_local_checks),
		cmocka_unit_test(test_blkif_frontend_full),
		cmocka_unit_test(test_blkif_segment_byte_ranges),
		cmocka_unit_test(test_blkif_protocol_names),
		cmocka_unit_test(test_blkif_typed_ring_sizes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
