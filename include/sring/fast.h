/* SPDX-License-Identifier: MIT */
/*
 * sring/fast.h - sring's own shared layout, for peers that are both sring
 * (userspace IPC, a unikernel and its own backend). Not Xen-compatible.
 *
 * Same ring, same API, same rules as ring.h (the core serves both
 * layouts); only where the bytes are differs, chosen from measurement
 * (bench/README.md):
 *  - responses have their own array, so a request slot's line never
 *    travels back to the front (in the Xen layout a response overwrites
 *    its request: every slot line crosses between the CPUs twice);
 *  - each of the four index words sits on a cache line of its own (Xen
 *    puts all four in one line): a producer index is written on every
 *    push, while the event word its push reads is written only when the
 *    peer arms it, so that read stays a cache hit;
 *  - a header with a magic and a version, so a peer can recognise it.
 * Both sides choose it at init, agreed out of band (as Xen's
 * ring-page-order): nothing in the shared page switches layouts.
 * docs/fast-layout.md is the specification.
 *
 * Quick start (after SRING_DEFINE_RING_TYPES(demo, req_t, rsp_t)):
 *
 *   SRING_DEFINE_FAST_LAYOUT(demo);
 *   size_t bytes = demo_fast_bytes(64);      64 slots
 *   front: demo_fast_init(page, bytes); demo_front_fast_attach(&f, page,
 *          bytes, 0);
 *   back:  demo_back_fast_attach(&b, page, bytes, 0);   checks the header
 *   then every demo_front_* / demo_back_* call works as with ring.h.
 *
 * The shared area (native-endian, 64-byte aligned)
 * ------------------------------------------------
 *
 *   offset  size  field       written by  meaning
 *        0     4  magic       front, init SRING_FAST_MAGIC
 *        4     4  version     front, init SRING_FAST_VERSION
 *        8     4  nr_ents     front, init N (checked, never trusted)
 *       12     4  req_size    front, init bytes per request
 *       16     4  rsp_size    front, init bytes per response
 *       20    44  (zero)
 *       64     4  req_prod    front       requests published so far
 *       68    60  (zero)
 *      128     4  rsp_prod    back        responses published so far
 *      132    60  (zero)
 *      192     4  req_event   back        "notify me when req_prod passes"
 *      196    60  (zero)
 *      256     4  rsp_event   front       "notify me when rsp_prod passes"
 *      260    60  (zero)
 *      320   N*Q  requests    front       Q = req_size rounded up to 8
 *        R   N*P  responses   back        R = 320 + N*Q rounded up to 64,
 *                                         P = rsp_size rounded up to 8
 *
 * Index rules, ordering (R1/A2/F1..F4) and the notification rule are
 * ring.h's, word for word; response i goes in response slot i & (N-1).
 */
#ifndef SRING_FAST_H
#define SRING_FAST_H

#include <sring/ring.h>

#ifdef __cplusplus
extern "C" {
#endif

/* "sRFL" read as a little-endian word; byte-swapped on a foreign peer. */
#define SRING_FAST_MAGIC 0x4c465273u
#define SRING_FAST_VERSION 2u
#define SRING_FAST_ALIGN 64u

/* Where the request slots start (the index words: the struct below). */
#define SRING_FAST_OFF_SLOTS 320u

/* The fixed 320 bytes before the request slots: five lines. */
struct sring_fast_shared {
	uint32_t magic;
	uint32_t version;
	uint32_t nr_ents;
	uint32_t req_size;
	uint32_t rsp_size;
	uint8_t pad0[44];
	sring_idx_t req_prod;
	uint8_t pad1[60];
	sring_idx_t rsp_prod;
	uint8_t pad2[60];
	sring_idx_t req_event;
	uint8_t pad3[60];
	sring_idx_t rsp_event;
	uint8_t pad4[60];
};

SRING_STATIC_ASSERT(sizeof(struct sring_fast_shared) == SRING_FAST_OFF_SLOTS,
		    sring_fast_shared_is_320_bytes);

SRING_INLINE size_t sringi_fast_round(size_t x, size_t a)
{
	return (x + (a - 1u)) & ~(a - 1u);
}

/*
 * Bytes of the layout with n slots, or 0 if the sizes are unusable (0,
 * over 2^31 - 1 or a size_t overflow).
 */
SRING_INLINE size_t sringi_fast_need(uint32_t n, size_t req_size,
				     size_t rsp_size)
{
	size_t q, p, r;

	if (req_size == 0 || rsp_size == 0 || req_size > 0x7fffffffu ||
	    rsp_size > 0x7fffffffu)
		return 0;
	q = sringi_fast_round(req_size, 8u);
	p = sringi_fast_round(rsp_size, 8u);
	/* Overflow guard without a division: n <= 2^31, q, p < 2^31 + 8. */
	if (sizeof(size_t) < 8 &&
	    ((uint64_t)n * (q + p) + SRING_FAST_OFF_SLOTS + SRING_FAST_ALIGN) >
		    (uint64_t)(size_t)-1)
		return 0;
	r = sringi_fast_round(SRING_FAST_OFF_SLOTS + (size_t)n * q,
			      SRING_FAST_ALIGN);
	return r + (size_t)n * p;
}

/**
 * sring_fast_bytes() - bytes a fast-layout area of n slots needs.
 * @n: slots, a power of two
 * @req_size: bytes per request
 * @rsp_size: bytes per response
 *
 * Return: the size, or 0 for unusable arguments.
 */
SRING_INLINE size_t sring_fast_bytes(uint32_t n, size_t req_size,
				     size_t rsp_size)
{
	if (n == 0 || (n & (n - 1u)) != 0 || n > 0x80000000u)
		return 0;
	return sringi_fast_need(n, req_size, rsp_size);
}

/**
 * sring_fast_slots() - slots of a fast-layout area of bytes bytes.
 *
 * Return: the largest power of two N (at most 2^31) whose layout fits in
 * @bytes, or 0 if not even one slot fits. Computed by doubling: no
 * run-time division (a libgcc call on some 32-bit targets).
 */
SRING_INLINE uint32_t sring_fast_slots(size_t bytes, size_t req_size,
				       size_t rsp_size)
{
	uint32_t n = 1;
	size_t need = sringi_fast_need(1, req_size, rsp_size);

	if (need == 0 || need > bytes)
		return 0;
	while (n < 0x80000000u) {
		need = sringi_fast_need(n * 2u, req_size, rsp_size);
		if (need == 0 || need > bytes)
			break;
		n *= 2u;
	}
	return n;
}

/**
 * sring_fast_layout() - describe a fast-layout area for the ring.h core.
 * @l: filled in on success
 * @shared: the area, 64-byte aligned
 * @bytes: its size
 * @req_size: bytes per request
 * @rsp_size: bytes per response
 *
 * Context: touches no shared memory (the header is checked by
 * sring_fast_check(), which the attach functions call).
 * Return: SRING_OK or SRING_EINVAL.
 */
SRING_INLINE int sring_fast_layout(struct sring_layout *l, void *shared,
				   size_t bytes, size_t req_size,
				   size_t rsp_size)
{
	struct sring_fast_shared *h = (struct sring_fast_shared *)shared;
	unsigned char *base = (unsigned char *)shared;
	uint32_t n;
	size_t q, r;

	if (!l)
		return SRING_EINVAL;
	sringi_layout_copy(l, NULL); /* a refused layout is all zero */
	if (!shared || ((uintptr_t)shared & (SRING_FAST_ALIGN - 1u)) != 0)
		return SRING_EINVAL;
	n = sring_fast_slots(bytes, req_size, rsp_size);
	if (n == 0)
		return SRING_EINVAL;
	q = sringi_fast_round(req_size, 8u);
	r = sringi_fast_round(SRING_FAST_OFF_SLOTS + (size_t)n * q,
			      SRING_FAST_ALIGN);
	l->req_prod = &h->req_prod;
	l->req_event = &h->req_event;
	l->rsp_prod = &h->rsp_prod;
	l->rsp_event = &h->rsp_event;
	l->req_slots = base + SRING_FAST_OFF_SLOTS;
	l->rsp_slots = base + r;
	l->req_stride = (uint32_t)q;
	l->rsp_stride = (uint32_t)sringi_fast_round(rsp_size, 8u);
	l->req_size = (uint32_t)req_size;
	l->rsp_size = (uint32_t)rsp_size;
	l->nr_ents = n;
	return SRING_OK;
}

/**
 * sring_fast_init_at() - initialise a fast-layout area at an index.
 * @shared: the area, 64-byte aligned
 * @bytes: its size
 * @req_size: bytes per request
 * @rsp_size: bytes per response
 * @idx: starting value of both producer indices
 *
 * Zeroes all @bytes, writes the header, sets both producer indices to
 * @idx and both event indices to @idx + 1.
 *
 * Context: the side that owns the area (the front), before the peer
 * attaches.
 * Return: SRING_OK or SRING_EINVAL.
 */
SRING_INLINE int sring_fast_init_at(void *shared, size_t bytes,
				    size_t req_size, size_t rsp_size,
				    sring_idx_t idx)
{
	struct sring_fast_shared *h = (struct sring_fast_shared *)shared;
	struct sring_layout l;
	int rc = sring_fast_layout(&l, shared, bytes, req_size, rsp_size);

	if (rc != SRING_OK)
		return rc;
	sringi_zero_shared(shared, bytes);
	SRING_STORE_RELAXED(&h->magic, SRING_FAST_MAGIC);
	SRING_STORE_RELAXED(&h->version, SRING_FAST_VERSION);
	SRING_STORE_RELAXED(&h->nr_ents, l.nr_ents);
	SRING_STORE_RELAXED(&h->req_size, (uint32_t)req_size);
	SRING_STORE_RELAXED(&h->rsp_size, (uint32_t)rsp_size);
	SRING_STORE_RELAXED(&h->req_prod, idx);
	SRING_STORE_RELAXED(&h->rsp_prod, idx);
	SRING_STORE_RELAXED(&h->req_event, (sring_idx_t)(idx + 1u));
	SRING_STORE_RELAXED(&h->rsp_event, (sring_idx_t)(idx + 1u));
	return SRING_OK;
}

/**
 * sring_fast_check() - does the header say what we expect?
 * @shared: the area
 * @bytes: its size as we know it
 * @req_size: bytes per request
 * @rsp_size: bytes per response
 *
 * Reads each header word once. The header only detects a peer that
 * disagrees (another layout, version, ring size or message size, or the
 * other byte order); what we use is always computed locally.
 * Return: SRING_OK, or SRING_EINVAL on any mismatch.
 */
SRING_INLINE int sring_fast_check(void *shared, size_t bytes,
				  size_t req_size, size_t rsp_size)
{
	struct sring_fast_shared *h = (struct sring_fast_shared *)shared;
	struct sring_layout l;

	if (sring_fast_layout(&l, shared, bytes, req_size, rsp_size) !=
	    SRING_OK)
		return SRING_EINVAL;
	if (SRING_LOAD_RELAXED(&h->magic) != SRING_FAST_MAGIC ||
	    SRING_LOAD_RELAXED(&h->version) != SRING_FAST_VERSION ||
	    SRING_LOAD_RELAXED(&h->nr_ents) != l.nr_ents ||
	    SRING_LOAD_RELAXED(&h->req_size) != (uint32_t)req_size ||
	    SRING_LOAD_RELAXED(&h->rsp_size) != (uint32_t)rsp_size)
		return SRING_EINVAL;
	return SRING_OK;
}

/**
 * sring_front_fast_attach() - front end on a fast-layout area.
 * @f: private state
 * @shared, @bytes, @req_size, @rsp_size: as sring_fast_check()
 * @idx: the index both producer indices stand at
 *
 * Return: SRING_OK, or SRING_EINVAL (bad area or header; the ring is then
 * latched as by sring_front_attach()).
 */
SRING_INLINE int sring_front_fast_attach(struct sring_front *f, void *shared,
					 size_t bytes, size_t req_size,
					 size_t rsp_size, sring_idx_t idx)
{
	struct sring_layout l;
	int rc = sring_fast_check(shared, bytes, req_size, rsp_size);

	if (rc == SRING_OK)
		rc = sring_fast_layout(&l, shared, bytes, req_size, rsp_size);
	return sring_front_attach(f, rc == SRING_OK ? &l : NULL, idx);
}

/* sring_back_fast_attach() - the back end's sring_front_fast_attach(). */
SRING_INLINE int sring_back_fast_attach(struct sring_back *b, void *shared,
					size_t bytes, size_t req_size,
					size_t rsp_size, sring_idx_t idx)
{
	struct sring_layout l;
	int rc = sring_fast_check(shared, bytes, req_size, rsp_size);

	if (rc == SRING_OK)
		rc = sring_fast_layout(&l, shared, bytes, req_size, rsp_size);
	return sring_back_attach(b, rc == SRING_OK ? &l : NULL, idx);
}

#ifdef __cplusplus
}
#endif

/**
 * SRING_DEFINE_FAST_LAYOUT() - fast-layout set-up for a ring type.
 * @name: a name already given to SRING_DEFINE_RING_TYPES()
 *
 * Generates name_fast_bytes(n), name_fast_init(shared, bytes),
 * name_fast_init_at(shared, bytes, idx), name_front_fast_attach(f, shared,
 * bytes, idx) and name_back_fast_attach(b, shared, bytes, idx). Every other
 * name_front_* / name_back_* function then works unchanged.
 */
#define SRING_DEFINE_FAST_LAYOUT(name) \
	SRINGI_UNUSED SRING_INLINE size_t name##_fast_bytes(uint32_t n) \
	{ \
		return sring_fast_bytes(n, \
			sizeof(((union name##_sring_entry *)0)->req), \
			sizeof(((union name##_sring_entry *)0)->rsp)); \
	} \
	SRINGI_UNUSED SRING_INLINE int name##_fast_init_at(void *shared, \
					     size_t bytes, sring_idx_t idx) \
	{ \
		return sring_fast_init_at(shared, bytes, \
			sizeof(((union name##_sring_entry *)0)->req), \
			sizeof(((union name##_sring_entry *)0)->rsp), idx); \
	} \
	SRINGI_UNUSED SRING_INLINE int name##_fast_init(void *shared, \
					  size_t bytes) \
	{ \
		return name##_fast_init_at(shared, bytes, 0); \
	} \
	SRINGI_UNUSED SRING_INLINE int name##_front_fast_attach( \
		struct name##_front *f, void *shared, size_t bytes, \
		sring_idx_t idx) \
	{ \
		return sring_front_fast_attach(&f->core, shared, bytes, \
			sizeof(((union name##_sring_entry *)0)->req), \
			sizeof(((union name##_sring_entry *)0)->rsp), idx); \
	} \
	SRINGI_UNUSED SRING_INLINE int name##_back_fast_attach( \
		struct name##_back *b, void *shared, size_t bytes, \
		sring_idx_t idx) \
	{ \
		return sring_back_fast_attach(&b->core, shared, bytes, \
			sizeof(((union name##_sring_entry *)0)->req), \
			sizeof(((union name##_sring_entry *)0)->rsp), idx); \
	} \
	typedef int name##_fast_layout_end_

#endif /* SRING_FAST_H */
