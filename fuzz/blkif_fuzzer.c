/* SPDX-License-Identifier: MIT */
/*
 * blkif request validation: any 112 (x86_64/arm) or 108 (x86_32) bytes,
 * against any device geometry, and for an accepted indirect request any
 * contents of its indirect pages.
 *
 * The verdict of sring_blkif_check_request() / sring_blkif_check_indirect()
 * is compared with an independent statement of the rules of blkif.h's
 * header comment (valid or not; the error code itself is not compared),
 * and an accepted request must be exactly what the wire said: id, sector,
 * segment count, each segment, sector total. The id and operation to answer
 * with must be carried even for a refusal.
 *
 * An x86_32 request is decoded here from its 108 raw bytes (offsets of the
 * table in blkif.h, which tests/abi proves against Xen's), and the whole
 * 112-byte result of sring_blkif_request_from_x86_32() must equal that
 * decoding: every field, every pad byte zero. The rules are then applied to
 * the harness's decoding, not to the library's.
 *
 * Indirect pages are malloc'ed at exactly 4 KiB each, so ASan sees any read
 * past them. Each is filled from a compact encoding (a mode byte: raw
 * bytes, a seeded pattern of valid or arbitrary segments, or one segment
 * repeated; then up to 15 patches of one segment each), so that every
 * segment of all eight pages can be nonzero, and any one can be bad, in an
 * input of a few hundred bytes.
 */
#include "fuzz_common.h"

#include <sring/proto/blkif.h>

/* The rules, restated from the header comment without the library. */
static uint64_t ref_mask(uint32_t sector_size)
{
	uint32_t spb = sector_size >> 9;

	return spb ? (uint64_t)spb - 1u : 0u;
}

static int ref_seg_ok(const struct sring_blkif_segment *s, uint64_t mask,
		      uint64_t *total)
{
	if (s->first_sect > s->last_sect || s->last_sect > 7)
		return 0;
	if ((s->first_sect & mask) || ((uint64_t)(s->last_sect -
						   s->first_sect + 1) & mask))
		return 0;
	*total += (uint64_t)(s->last_sect - s->first_sect + 1);
	return 1;
}

static int ref_range_ok(const struct sring_blkif_geometry *g, uint64_t sector,
			uint64_t n, uint64_t mask)
{
	/* sector + n <= sectors, without a wrapping sum */
	if (sector > g->sectors || n > g->sectors - sector)
		return 0;
	return (sector & mask) == 0 && (n & mask) == 0;
}

static int ref_valid(const union sring_blkif_request *rq,
		     const struct sring_blkif_geometry *g, uint64_t *total)
{
	uint64_t mask = ref_mask(g->sector_size);
	uint8_t op = rq->hdr.operation;
	unsigned int i, n;

	*total = 0;
	switch (op) {
	case SRING_BLKIF_OP_READ:
	case SRING_BLKIF_OP_WRITE:
	case SRING_BLKIF_OP_WRITE_BARRIER:
	case SRING_BLKIF_OP_FLUSH_DISKCACHE:
		if (op == SRING_BLKIF_OP_WRITE_BARRIER &&
		    !(g->features & SRING_BLKIF_F_BARRIER))
			return 0;
		if (op == SRING_BLKIF_OP_FLUSH_DISKCACHE &&
		    !(g->features & SRING_BLKIF_F_FLUSH))
			return 0;
		if (op != SRING_BLKIF_OP_READ && g->read_only)
			return 0;
		n = rq->rw.nr_segments;
		if (n > 11 || (n == 0 && op <= SRING_BLKIF_OP_WRITE))
			return 0;
		for (i = 0; i < n; i++)
			if (!ref_seg_ok(&rq->rw.seg[i], mask, total))
				return 0;
		return n == 0 ||
		       ref_range_ok(g, rq->rw.sector_number, *total, mask);
	case SRING_BLKIF_OP_DISCARD:
		if (!(g->features & SRING_BLKIF_F_DISCARD) || g->read_only)
			return 0;
		*total = rq->discard.nr_sectors;
		return ref_range_ok(g, rq->discard.sector_number,
				    rq->discard.nr_sectors, mask);
	case SRING_BLKIF_OP_INDIRECT:
		n = rq->indirect.nr_segments;
		return g->max_indirect_segments != 0 &&
		       (rq->indirect.indirect_op == SRING_BLKIF_OP_READ ||
			rq->indirect.indirect_op == SRING_BLKIF_OP_WRITE) &&
		       !(rq->indirect.indirect_op == SRING_BLKIF_OP_WRITE &&
			 g->read_only) &&
		       n >= 1 && (n + 511u) / 512u <= 8u &&
		       n <= g->max_indirect_segments;
	default:
		return 0;
	}
}

/*
 * The 64 form of 108 raw x86_32 bytes, decoded by offset: rw id 4, sector
 * 12, segments 20; discard nr_sectors 20; indirect handle 20, grefs 24.
 * Segment pads and every byte not named are zero; an unknown operation
 * keeps only operation and id.
 */
static void ref_from_x86_32(const unsigned char *r, unsigned char *w)
{
	unsigned int i;

	memset(w, 0, 112);
	w[0] = r[0];
	memcpy(w + 8, r + 4, 8); /* id */
	switch (r[0]) {
	case SRING_BLKIF_OP_READ:
	case SRING_BLKIF_OP_WRITE:
	case SRING_BLKIF_OP_WRITE_BARRIER:
	case SRING_BLKIF_OP_FLUSH_DISKCACHE:
		w[1] = r[1];               /* nr_segments */
		memcpy(w + 2, r + 2, 2);   /* handle */
		memcpy(w + 16, r + 12, 8); /* sector_number */
		for (i = 0; i < 11; i++)   /* gref, first_sect, last_sect */
			memcpy(w + 24 + 8 * i, r + 20 + 8 * i, 6);
		break;
	case SRING_BLKIF_OP_DISCARD:
		w[1] = r[1];               /* flag */
		memcpy(w + 2, r + 2, 2);   /* handle */
		memcpy(w + 16, r + 12, 8); /* sector_number */
		memcpy(w + 24, r + 20, 8); /* nr_sectors */
		break;
	case SRING_BLKIF_OP_INDIRECT:
		w[1] = r[1];               /* indirect_op */
		memcpy(w + 2, r + 2, 2);   /* nr_segments */
		memcpy(w + 16, r + 12, 8); /* sector_number */
		memcpy(w + 24, r + 20, 2); /* handle */
		memcpy(w + 28, r + 24, 32); /* indirect_grefs[8] */
		break;
	default:
		break;
	}
}

/*
 * Fills one indirect page from a compact encoding. Mode byte m:
 *   m & 3 == 0   4096 raw bytes (zeros once the input runs out)
 *   m & 3 == 1   seeded pattern (4-byte seed) of valid segments, whole
 *                pages (0..7) if m & 4, else any valid first/last
 *   m & 3 == 2   seeded pattern of arbitrary bytes
 *   m & 3 == 3   one 8-byte segment, repeated 512 times
 * then m >> 4 patches: 2-byte segment index (mod 512), 8 bytes.
 */
static void fill_page(struct sring_fuzzkit *k, unsigned char *p)
{
	uint8_t m = sring_fuzzkit_byte(k);
	unsigned char one[8];
	uint32_t seed, r, j;
	unsigned int n;

	switch (m & 3u) {
	case 0:
		sring_fuzzkit_bytes(k, p, 4096);
		break;
	case 1:
	case 2:
		seed = sring_fuzzkit_u32(k);
		for (j = 0; j < 512; j++) {
			unsigned char *s = p + 8 * j;
			uint32_t g = fuzz_mix(seed ^ (j * 2654435761u));

			r = fuzz_mix(g + 1u);
			memcpy(s, &g, 4);
			if ((m & 3u) == 2) {
				memcpy(s + 4, &r, 4);
				continue;
			}
			s[4] = (m & 4u) ? 0 : (uint8_t)(r & 7u);
			s[5] = (m & 4u) ? 7
				: (uint8_t)(s[4] + (r >> 3) % (8u - s[4]));
			s[6] = (uint8_t)(r >> 16); /* pads: ignored */
			s[7] = (uint8_t)(r >> 24);
		}
		break;
	default:
		sring_fuzzkit_bytes(k, one, 8);
		for (j = 0; j < 512; j++)
			memcpy(p + 8 * j, one, 8);
		break;
	}
	for (n = m >> 4; n > 0; n--) {
		j = sring_fuzzkit_byte(k);
		j |= (uint32_t)sring_fuzzkit_byte(k) << 8;
		sring_fuzzkit_bytes(k, p + 8 * (j % 512u), 8);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint32_t sector_sizes[5] = { 0, 512, 1024, 2048, 4096 };
	static const uint32_t max_ind[4] = { 0, 11, 512, 4096 };
	struct sring_fuzzkit k;
	struct sring_blkif_geometry g;
	union sring_blkif_request rq;
	union sring_blkif_x86_32_request rq32;
	struct sring_blkif_req out;
	struct sring_blkif_segment *segs;
	const void *pages[8];
	uint64_t total, id, sector;
	uint8_t a, op;
	int err, x86_32;
	unsigned int i, np;

	sring_fuzzkit_init(&k, data, size, NULL, 0, NULL, 0);
	a = sring_fuzzkit_byte(&k);
	memset(&g, 0, sizeof(g));
	g.sector_size = sector_sizes[(a & 7u) % 5u];
	g.features = (a >> 3) & 0xfu;
	g.read_only = (a >> 7) & 1u;
	a = sring_fuzzkit_byte(&k);
	g.max_indirect_segments = max_ind[a & 3u];
	x86_32 = (a >> 2) & 1u;
	/* Disk size: small, huge (near 2^64) or anything. */
	switch ((a >> 3) & 3u) {
	case 0:
		g.sectors = sring_fuzzkit_byte(&k);
		break;
	case 1:
		g.sectors = ~(uint64_t)0 - sring_fuzzkit_byte(&k);
		break;
	default:
		g.sectors = (uint64_t)sring_fuzzkit_u32(&k) << 32 |
			    sring_fuzzkit_u32(&k);
		break;
	}

	if (x86_32) {
		unsigned char raw[108], want[112];

		FUZZ_CHECK(sizeof(rq32) == 108);
		sring_fuzzkit_bytes(&k, raw, sizeof(raw));
		memcpy(&rq32, raw, sizeof(raw));
		sring_blkif_request_from_x86_32(&rq, &rq32);
		/* Every field converted, every other byte zero, judged
		 * against our own decoding of the raw bytes. */
		ref_from_x86_32(raw, want);
		FUZZ_CHECK(memcmp(&rq, want, sizeof(want)) == 0);
		/* The rules below read our decoding, not the library's. */
		memcpy(&rq, want, sizeof(want));
	} else {
		FUZZ_CHECK(sizeof(rq) == 112);
		sring_fuzzkit_bytes(&k, &rq, sizeof(rq));
	}
	op = rq.hdr.operation;
	id = rq.hdr.id;
	sector = rq.rw.sector_number; /* same offset in every 64 layout */

	err = sring_blkif_check_request(&rq, &g, &out);
	FUZZ_CHECK(err >= SRING_BLKIF_VALID && err <= SRING_BLKIF_EINDOP);
	FUZZ_CHECK((err == SRING_BLKIF_VALID) == ref_valid(&rq, &g, &total));
	/* A refusal is answerable: id and operation are carried. */
	FUZZ_CHECK(out.id == id);
	FUZZ_CHECK(out.rsp_operation == (op == SRING_BLKIF_OP_INDIRECT
					 ? rq.indirect.indirect_op : op));
	if (err != SRING_BLKIF_VALID) {
		FUZZ_CHECK(sring_blkif_error_status(err) ==
			   ((err == SRING_BLKIF_EOP ||
			     err == SRING_BLKIF_ENOTSUPP)
			    ? SRING_BLKIF_RSP_EOPNOTSUPP : SRING_BLKIF_RSP_ERROR));
		return 0;
	}
	FUZZ_CHECK(out.sector_number == sector);
	if (!out.indirect) {
		FUZZ_CHECK(out.operation == op);
		if (op != SRING_BLKIF_OP_DISCARD) {
			FUZZ_CHECK(out.nr_segments == rq.rw.nr_segments);
			for (i = 0; i < out.nr_segments; i++) {
				FUZZ_CHECK(out.seg[i].gref == rq.rw.seg[i].gref);
				FUZZ_CHECK(out.seg[i].first_sect ==
					   rq.rw.seg[i].first_sect);
				FUZZ_CHECK(out.seg[i].last_sect ==
					   rq.rw.seg[i].last_sect);
			}
		}
		FUZZ_CHECK(out.nr_sectors == total);
		return 0;
	}

	/* Indirect: the segments are in pages the peer filled. */
	np = out.nr_indirect_pages;
	FUZZ_CHECK(out.nr_segments == rq.indirect.nr_segments);
	FUZZ_CHECK(np == (out.nr_segments + 511u) / 512u && np <= 8);
	for (i = 0; i < np; i++) {
		unsigned char *p = (unsigned char *)malloc(4096);

		FUZZ_CHECK(p != NULL);
		FUZZ_CHECK(out.indirect_grefs[i] ==
			   rq.indirect.indirect_grefs[i]);
		fill_page(&k, p);
		pages[i] = p;
	}
	segs = (struct sring_blkif_segment *)malloc(out.nr_segments *
						    sizeof(*segs));
	FUZZ_CHECK(segs != NULL);
	err = sring_blkif_check_indirect(&out, &g, pages, np, segs,
					 out.nr_segments);
	{
		uint64_t mask = ref_mask(g.sector_size), t = 0;
		int ok = 1;

		for (i = 0; ok && i < out.nr_segments; i++) {
			struct sring_blkif_segment s;

			memcpy(&s, (const unsigned char *)pages[i >> 9] +
				   (size_t)(i & 511u) * 8u, sizeof(s));
			ok = ref_seg_ok(&s, mask, &t);
			if (ok && err == SRING_BLKIF_VALID)
				FUZZ_CHECK(segs[i].gref == s.gref &&
					   segs[i].first_sect == s.first_sect &&
					   segs[i].last_sect == s.last_sect);
		}
		ok = ok && ref_range_ok(&g, sector, t, mask);
		FUZZ_CHECK(err >= SRING_BLKIF_VALID);
		FUZZ_CHECK((err == SRING_BLKIF_VALID) == ok);
		if (ok)
			FUZZ_CHECK(out.nr_sectors == t);
	}
	for (i = 0; i < np; i++)
		free((void *)(uintptr_t)pages[i]);
	free(segs);
	return 0;
}
