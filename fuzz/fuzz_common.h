/* SPDX-License-Identifier: MIT */
/*
 * Shared by sring's fuzz targets: the invariant check that crashes, the
 * choice of ring geometry from the first input bytes, and the shared-area
 * snapshot used to prove that a call wrote only where it may.
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

struct fuzz_geom {
	uint32_t slot;    /* slot (union) size */
	uint32_t req;     /* request bytes copied, 1..slot */
	uint32_t rsp;     /* response bytes copied, 1..slot */
	uint32_t n;       /* slots the library must find: 1..16 */
	size_t bytes;     /* area size, up to slot - 1 bytes of slack */
	sring_idx_t idx0; /* starting index (near a wrap, often) */
};

/*
 * Four bytes pick the geometry: odd slot sizes exercise the byte and
 * 4-byte copy paths, starting indices near 2^31 and 2^32 the wrap.
 */
static inline void fuzz_geom_pick(struct sring_fuzzkit *k,
				  struct fuzz_geom *g)
{
	static const uint32_t slots[8] = { 4, 7, 8, 12, 16, 24, 64, 112 };
	uint8_t a = sring_fuzzkit_byte(k), b = sring_fuzzkit_byte(k);
	uint8_t c = sring_fuzzkit_byte(k), d = sring_fuzzkit_byte(k);

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
}

/* Allocates and initialises the area, and describes it. */
static inline unsigned char *fuzz_area_new(const struct fuzz_geom *g,
					   struct sring_layout *l)
{
	unsigned char *area = (unsigned char *)malloc(g->bytes);

	FUZZ_CHECK(area != NULL);
	FUZZ_CHECK(sring_shared_init_at(area, g->bytes, g->slot, g->idx0) ==
		   SRING_OK);
	FUZZ_CHECK(sring_xen_layout(l, area, g->bytes, g->slot, g->req,
				    g->rsp) == SRING_OK);
	FUZZ_CHECK(l->nr_ents == g->n);
	return area;
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

#endif /* SRING_FUZZ_COMMON_H */
