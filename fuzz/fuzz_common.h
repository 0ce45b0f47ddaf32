/* SPDX-License-Identifier: MIT */
/*
 * Shared by sring's fuzz targets: the invariant check that crashes, the
 * choice of ring geometry and layout (Xen's or sring's fast one) from the
 * first input bytes, and the shared-area snapshot used to prove that a
 * call wrote only where it may.
 *
 * The area is malloc'ed at its exact size, so ASan reports any access past
 * it; the slot count is then derived by the library, never by us.
 */
#ifndef SRING_FUZZ_COMMON_H
#define SRING_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sring/ring.h>
#include <sring/fast.h>

#include "sring_fuzzkit.h"

#define FUZZ_CHECK(c) \
	do { \
		if (!(c)) { \
			fprintf(stderr, "%s:%d: invariant failed: %s\n", \
				__FILE__, __LINE__, #c); \
			abort(); \
		} \
	} while (0)

/* Largest slot in the geometries below (blkif's 112-byte slot). */
#define FUZZ_MAX_SLOT 112u
/* Largest area of either layout below (fast: 16 x 112 + 16 x 112). */
#define FUZZ_MAX_AREA 4096u

struct fuzz_geom {
	int fast;         /* 0: Xen's layout, 1: sring's fast layout */
	uint32_t slot;    /* Xen layout: slot (union) size */
	uint32_t req;     /* request bytes copied, 1..slot */
	uint32_t rsp;     /* response bytes copied, 1..slot */
	uint32_t n;       /* slots the library must find: 1..16 */
	size_t bytes;     /* area size, up to slot - 1 bytes of slack (Xen) */
	sring_idx_t idx0; /* starting index (near a wrap, often) */
	/* Where the words and slots are, from the layouts' specifications
	 * (docs/protocol.md, docs/fast-layout.md), not from the library. */
	size_t o_req_prod, o_req_event, o_rsp_prod, o_rsp_event;
	size_t o_req_slots, o_rsp_slots, req_stride, rsp_stride;
	/* Fast layout: a header word the peer rewrites before we attach. */
	int hdr_lie;
	uint32_t hdr_word, hdr_val;
};

static inline size_t fuzz_round(size_t x, size_t a)
{
	return (x + a - 1u) / a * a;
}

/*
 * Five bytes pick the geometry: odd slot sizes exercise the byte and
 * 4-byte copy paths, starting indices near 2^31 and 2^32 the wrap, and
 * the fifth byte the layout (bit 0) and, on the fast layout, an
 * attach-time lie in one header word (bit 1; the word from bits 2-4, its
 * value from the next 4 bytes).
 */
static inline void fuzz_geom_pick(struct sring_fuzzkit *k,
				  struct fuzz_geom *g)
{
	static const uint32_t slots[8] = { 4, 7, 8, 12, 16, 24, 64, 112 };
	uint8_t a = sring_fuzzkit_byte(k), b = sring_fuzzkit_byte(k);
	uint8_t c = sring_fuzzkit_byte(k), d = sring_fuzzkit_byte(k), e;

	g->slot = slots[a & 7u];
	g->n = 1u << ((a >> 3) % 5u);
	g->req = 1u + b % g->slot;
	g->rsp = 1u + c % g->slot;
	if ((b & 0x80u) != 0)
		g->req = g->slot;
	if ((c & 0x80u) != 0)
		g->rsp = g->slot;
	g->bytes = SRING_HEADER_SIZE + (size_t)g->n * g->slot +
		   ((a & 0x80u) ? (size_t)(d % g->slot) : 0u);
	switch (d & 3u) {
	case 0:
		g->idx0 = 0;
		break;
	case 1:
		g->idx0 = (sring_idx_t)(0u - 1u - (d >> 2) % 20u);
		break;
	case 2:
		g->idx0 = (sring_idx_t)(0x7fffffffu - (d >> 2) % 20u);
		break;
	default:
		g->idx0 = sring_fuzzkit_u32(k);
		break;
	}
	e = sring_fuzzkit_byte(k);
	g->fast = e & 1u;
	if (!g->fast) {
		/* docs/protocol.md: four words, then slots from byte 64. */
		g->o_req_prod = 0;
		g->o_req_event = 4;
		g->o_rsp_prod = 8;
		g->o_rsp_event = 12;
		g->o_req_slots = g->o_rsp_slots = SRING_HEADER_SIZE;
		g->req_stride = g->rsp_stride = g->slot;
		return;
	}
	/* docs/fast-layout.md: a line per word, slots 8-byte strided,
	 * responses from the next 64-byte boundary after the requests. */
	g->o_req_prod = 64;
	g->o_rsp_prod = 128;
	g->o_req_event = 192;
	g->o_rsp_event = 256;
	g->req_stride = fuzz_round(g->req, 8);
	g->rsp_stride = fuzz_round(g->rsp, 8);
	g->o_req_slots = 320;
	g->o_rsp_slots = fuzz_round(320 + g->n * g->req_stride, 64);
	g->bytes = g->o_rsp_slots + g->n * g->rsp_stride;
	g->hdr_lie = (e >> 1) & 1u;
	g->hdr_word = (uint32_t)(e >> 2) % 5u;
	if (g->hdr_lie)
		g->hdr_val = sring_fuzzkit_u32(k);
}

/* Offset of request or response slot i. */
static inline size_t fuzz_req_off(const struct fuzz_geom *g, sring_idx_t i)
{
	return g->o_req_slots + (size_t)(i & (g->n - 1u)) * g->req_stride;
}

static inline size_t fuzz_rsp_off(const struct fuzz_geom *g, sring_idx_t i)
{
	return g->o_rsp_slots + (size_t)(i & (g->n - 1u)) * g->rsp_stride;
}

/*
 * Allocates (64-byte aligned, exact size, so ASan sees a byte past it)
 * and initialises the area, and describes it; the description must put
 * every word and slot where the specification does.
 */
static inline unsigned char *fuzz_area_new(const struct fuzz_geom *g,
					   struct sring_layout *l)
{
	void *mem = NULL;
	unsigned char *area;

	FUZZ_CHECK(g->bytes <= FUZZ_MAX_AREA);
	FUZZ_CHECK(posix_memalign(&mem, 64, g->bytes) == 0);
	area = (unsigned char *)mem;
	if (g->fast) {
		FUZZ_CHECK(sring_fast_init_at(area, g->bytes, g->req, g->rsp,
					      g->idx0) == SRING_OK);
		FUZZ_CHECK(sring_fast_layout(l, area, g->bytes, g->req,
					     g->rsp) == SRING_OK);
	} else {
		FUZZ_CHECK(sring_shared_init_at(area, g->bytes, g->slot,
						g->idx0) == SRING_OK);
		FUZZ_CHECK(sring_xen_layout(l, area, g->bytes, g->slot, g->req,
					    g->rsp) == SRING_OK);
	}
	FUZZ_CHECK(l->nr_ents == g->n);
	FUZZ_CHECK((unsigned char *)l->req_prod == area + g->o_req_prod);
	FUZZ_CHECK((unsigned char *)l->req_event == area + g->o_req_event);
	FUZZ_CHECK((unsigned char *)l->rsp_prod == area + g->o_rsp_prod);
	FUZZ_CHECK((unsigned char *)l->rsp_event == area + g->o_rsp_event);
	FUZZ_CHECK(l->req_slots == area + g->o_req_slots);
	FUZZ_CHECK(l->rsp_slots == area + g->o_rsp_slots);
	FUZZ_CHECK(l->req_stride == g->req_stride &&
		   l->rsp_stride == g->rsp_stride);
	return area;
}

/*
 * Attaches one end (f or b, the other NULL) as a real peer would: Xen's
 * layout from the agreed geometry; the fast layout through its header,
 * after the peer's lie in it if the geometry has one. Returns 1 if the
 * end is attached, 0 if it was refused, which it must be exactly when
 * the lie changed the word (and then the end is latched).
 */
static inline int fuzz_attach(const struct fuzz_geom *g, unsigned char *area,
			      const struct sring_layout *l,
			      struct sring_front *f, struct sring_back *b)
{
	uint32_t old = 0;
	int rc;

	if (g->fast && g->hdr_lie) {
		memcpy(&old, area + 4u * g->hdr_word, 4);
		memcpy(area + 4u * g->hdr_word, &g->hdr_val, 4);
	}
	if (g->fast)
		rc = f ? sring_front_fast_attach(f, area, g->bytes, g->req,
						 g->rsp, g->idx0)
		       : sring_back_fast_attach(b, area, g->bytes, g->req,
						g->rsp, g->idx0);
	else
		rc = f ? sring_front_attach(f, l, g->idx0)
		       : sring_back_attach(b, l, g->idx0);
	if (g->fast && g->hdr_lie && g->hdr_val != old) {
		FUZZ_CHECK(rc == SRING_EINVAL);
		if (f)
			FUZZ_CHECK(sring_front_broken(f) != 0 &&
				   sring_front_get_request(f) == NULL);
		else
			FUZZ_CHECK(sring_back_broken(b) != 0 &&
				   sring_back_get_response(b) == NULL);
		return 0;
	}
	FUZZ_CHECK(rc == SRING_OK);
	return 1;
}

/* Offset of an index word in the area. */
static inline size_t fuzz_off(const unsigned char *area, const void *p)
{
	return (size_t)((const unsigned char *)p - area);
}

/*
 * Every byte that differs between before and after must lie in one of up
 * to three allowed ranges [lo, hi). A call that writes anywhere else
 * (padding, the peer's words, another slot) leaked into shared memory.
 */
struct fuzz_allow {
	size_t lo[3], hi[3];
	unsigned int n;
};

static inline void fuzz_allow_add(struct fuzz_allow *a, size_t lo, size_t len)
{
	a->lo[a->n] = lo;
	a->hi[a->n] = lo + len;
	a->n++;
}

static inline void fuzz_check_writes(const unsigned char *before,
				     const unsigned char *after, size_t bytes,
				     const struct fuzz_allow *a)
{
	size_t i;
	unsigned int j;

	for (i = 0; i < bytes; i++) {
		int ok = 0;

		if (before[i] == after[i])
			continue;
		for (j = 0; j < a->n; j++)
			if (i >= a->lo[j] && i < a->hi[j])
				ok = 1;
		if (!ok)
			fprintf(stderr, "unexpected write at byte %zu\n", i);
		FUZZ_CHECK(ok);
	}
}

/* Word at an offset of an area snapshot (native endian, like the ring). */
static inline sring_idx_t fuzz_word(const unsigned char *snap, size_t off)
{
	sring_idx_t v;

	memcpy(&v, snap + off, sizeof(v));
	return v;
}

/*
 * fuzz_check_writes() with memcmp over the gaps between the allowed
 * ranges: the same verdict (it reports the byte and aborts), fast enough
 * for an area of kilobytes checked after every call.
 */
static inline void fuzz_check_writes_fast(const unsigned char *before,
					  const unsigned char *after,
					  size_t bytes,
					  const struct fuzz_allow *a)
{
	size_t pos = 0, lo, hi;
	unsigned int j;

	for (;;) {
		/* The allowed range that starts first and ends past pos. */
		lo = hi = bytes;
		for (j = 0; j < a->n; j++)
			if (a->hi[j] > pos && a->lo[j] < lo) {
				lo = a->lo[j];
				hi = a->hi[j];
			}
		if (lo < pos)
			lo = pos;
		if (memcmp(before + pos, after + pos, lo - pos) != 0) {
			fuzz_check_writes(before, after, bytes, a);
			FUZZ_CHECK(!"a write outside the allowed ranges");
		}
		if (lo >= bytes)
			return;
		pos = hi;
	}
}

/* A small deterministic mix: many fields from few input bytes. */
static inline uint32_t fuzz_mix(uint32_t x)
{
	x ^= x >> 16;
	x *= 0x7feb352du;
	x ^= x >> 15;
	x *= 0x846ca68bu;
	x ^= x >> 16;
	return x;
}

#endif /* SRING_FUZZ_COMMON_H */
