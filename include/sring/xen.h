/* SPDX-License-Identifier: MIT */
/*
 * sring/xen.h - drop-in replacement for Xen 4.17's public io/ring.h.
 *
 * Same macro vocabulary, same struct tags, typedefs and shared layout, same
 * results; underneath, sring's ordering (atomic.h), copy-once helpers
 * (copy.h) and notification rule (ring.h). A driver written against Xen's
 * io/ring.h adopts it by changing one include:
 *
 *   -#include <xen/io/ring.h>          (or its vendored copy)
 *   +#include <sring/xen.h>
 *
 * or, for code that cannot be edited, by replacing its copy of ring.h with
 * a file that contains only `#include <sring/xen.h>`. docs/xen.md is the
 * adoption guide.
 *
 * NOT IN THE SAME TRANSLATION UNIT AS XEN'S io/ring.h
 * ----------------------------------------------------
 * Both define RING_IDX, DEFINE_RING_TYPES, RING_* ...: a translation unit
 * uses one or the other. This header defines Xen's include guard
 * (__XEN_PUBLIC_IO_RING_H__), so a Xen protocol header included AFTER it
 * (io/blkif.h does `#include "ring.h"`) finds ring.h already "included" and
 * uses the definitions below; including Xen's ring.h BEFORE this header is
 * an #error. Two translation units, one with each header, interoperate on
 * the same shared page (tests/test_xen_interop.c).
 *
 * Differences from Xen's io/ring.h (each one is deliberate)
 * ----------------------------------------------------------
 *  1. Barriers come from sring/atomic.h. The includer no longer defines
 *     xen_mb(), xen_rmb(), xen_wmb(): the macros below never use them.
 *     Publishing is a release store of the producer index, consuming starts
 *     with an acquire load of it, and the event-index checks use SRING_MB().
 *     If the includer does define xen_mb/xen_rmb/xen_wmb, this header leaves
 *     them alone (it never redefines a user's macro) and they are used only
 *     by the includer's own explicit calls; any of the three left undefined
 *     is defined here as SRING_MB(), a full fence, which is at least as
 *     strong as each of them needs to be. There is no legacy mb()/rmb()/
 *     wmb() fallback for old __XEN_INTERFACE_VERSION__s.
 *  2. Every index word in shared memory is read once, with an atomic load
 *     (XSA-155's double fetches cannot happen inside these macros), and
 *     written with an atomic store. XEN_RING_NR_UNCONSUMED_REQUESTS clamps
 *     with the same formula as Xen but on one snapshot of req_prod.
 *  3. Macro arguments are evaluated once, where Xen's evaluate r, s and
 *     the work/notify lvalues up to six times. Exceptions, same as Xen:
 *     RING_GET_* and RING_COPY_* evaluate r twice (C has no way to name the
 *     slot type without it), and the size argument of the two constant size
 *     macros is expanded several times (they stay integer constant
 *     expressions). Arguments under sizeof are not evaluated at all.
 *  4. No GNU statement expressions, no __typeof__: C99 and C++11 with
 *     -pedantic. RING_COPY_* copy with sringi_copy_from_shared(), a
 *     volatile word loop (no __typeof__, no GCC bug 58145 hole for
 *     all-bitfield structs).
 *  5. ring[] (and ref[] of DEFINE_XEN_FLEX_RING_AND_INTF) is a C99
 *     flexible array member in C, not Xen 4.17's ring[1], so UBSAN with
 *     -fstrict-flex-arrays does not trap (Linux 6.5). ISO C++ has no
 *     flexible array members; in C++ the member is an empty struct at the
 *     same offset that converts to a pointer to the first slot, so
 *     s->ring[i], s->ring + i and &s->ring[0] work unchanged. Offsets,
 *     entry sizes and ring sizes are Xen's; sizeof(struct name_sring) is
 *     not (Xen 4.17: 64 + one entry; here 64 in C, 68 in C++; and
 *     name_data_intf is 136 bytes in C++): size rings with
 *     __CONST_RING_SIZE/__RING_SIZE as Xen says, never with sizeof.
 *  6. No memset or memcpy: SHARED_RING_INIT zeroes with a word loop, the
 *     flex helpers copy with flex.h's sring_flex_copy_in/out. Only <stddef.h> and <stdint.h> are
 *     needed (grant_ref_t too, for DEFINE_XEN_FLEX_RING_AND_INTF).
 *  7. The flex helpers reject corrupt indices instead of masking them:
 *     name_queued() returns 0 (nothing to read) when prod - cons exceeds
 *     the ring size, where Xen's masks both and returns a plausible wrong
 *     count; name_read_packet()/name_write_packet() never touch a byte
 *     outside the ring buffer, and do nothing (leave the index unchanged)
 *     for a masked index outside the ring, a ring size that is not a power
 *     of two, or a size larger than what lies between the two masked
 *     indices. For valid input, results and bytes are Xen's.
 *  8. __RD2..__RD32 are sring's SRINGI_RD*, and the ring-size macros have
 *     type size_t with no pointer-to-long casts (__RING_SIZE is an integer
 *     constant expression when its size is).
 *
 * The private halves (name_front_ring, name_back_ring) keep Xen's fields;
 * as in Xen, their sizes and indices live in private memory and are never
 * read from the shared page.
 *
 * Names: everything Xen's header defines (below), plus internal helpers
 * prefixed sringi_xen_ / SRINGI_XEN_. Nothing here collides with sring's own names, but
 * do not give DEFINE_RING_TYPES and SRING_DEFINE_RING_TYPES the same name
 * in one translation unit (both generate union name_sring_entry).
 */
#ifndef SRING_XEN_H
#define SRING_XEN_H

#ifdef __XEN_PUBLIC_IO_RING_H__
#error "sring/xen.h replaces Xen's io/ring.h, which this translation unit already included: use one or the other (docs/xen.md)"
#endif
/* Xen's include guard: a later #include of Xen's ring.h becomes a no-op. */
#define __XEN_PUBLIC_IO_RING_H__

#include <sring/config.h>
#include <sring/atomic.h>
#include <sring/copy.h>
#include <sring/ring.h>
#include <sring/flex.h>

/* ---------------------------------------------------------------------
 * Barriers: never used below; provided for drivers that call them.
 * ------------------------------------------------------------------- */

#ifndef xen_mb
#define xen_mb() SRING_MB()
#endif
#ifndef xen_rmb
#define xen_rmb() SRING_MB()
#endif
#ifndef xen_wmb
#define xen_wmb() SRING_MB()
#endif

#ifdef __cplusplus
extern "C" {
#endif

typedef unsigned int RING_IDX;

SRING_STATIC_ASSERT(sizeof(RING_IDX) == sizeof(sring_idx_t),
		    xen_ring_idx_is_32_bits);

/* ---------------------------------------------------------------------
 * Sizes
 * ------------------------------------------------------------------- */

#define __RD2(_x) SRINGI_RD2(_x)
#define __RD4(_x) SRINGI_RD4(_x)
#define __RD8(_x) SRINGI_RD8(_x)
#define __RD16(_x) SRINGI_RD16(_x)
#define __RD32(_x) SRINGI_RD32(_x)

/* Slots of ring type tag _s in _sz bytes: an integer constant expression. */
#define __CONST_RING_SIZE(_s, _sz) \
	((size_t)SRING_RING_SLOTS(sizeof(union _s##_sring_entry), (_sz)))

/* The same from a pointer to the shared ring, which is not evaluated. */
#define __RING_SIZE(_s, _sz) \
	((size_t)SRING_RING_SLOTS(sizeof((_s)->ring[0]), (_sz)))

/* ---------------------------------------------------------------------
 * Types
 * ------------------------------------------------------------------- */

/*
 * SRINGI_XEN_TAIL(type, member) - the variable-length tail of a shared
 * struct: a flexible array member in C; in C++ (which has none) an empty
 * member at the same offset that converts to a pointer to the first
 * element. Nothing follows it, so indexing past it stays in the caller's
 * shared area, exactly as with the C array.
 */
#ifdef __cplusplus
#define SRINGI_XEN_TAIL(type, member) \
	struct sringi_xen_tail_##member { \
		operator type *() \
		{ \
			return reinterpret_cast<type *>(this); \
		} \
		operator const type *() const \
		{ \
			return reinterpret_cast<const type *>(this); \
		} \
	} member
#else
#define SRINGI_XEN_TAIL(type, member) type member[]
#endif

/*
 * The private halves of every generated ring have this layout (asserted
 * in DEFINE_RING_TYPES), so one set of helpers serves every ring type:
 * the macros pass r (evaluated once) as a void pointer, and the helpers
 * reach the members by offset, each through an lvalue of its own type.
 */
struct sringi_xen_sring; /* stands for every name_sring */
struct sringi_xen_priv {
	RING_IDX prod_pvt;     /* req_prod_pvt (front), rsp_prod_pvt (back) */
	RING_IDX cons;         /* rsp_cons (front), req_cons (back) */
	unsigned int nr_ents;
	struct sringi_xen_sring *sring;
};

/* Offsets of the shared index words (struct sring_shared in ring.h). */
#define SRINGI_XEN_REQ_PROD 0u
#define SRINGI_XEN_REQ_EVENT 4u
#define SRINGI_XEN_RSP_PROD 8u
#define SRINGI_XEN_RSP_EVENT 12u

/**
 * DEFINE_RING_TYPES() - Xen's generator: shared ring and private halves.
 * @__name: tag prefix
 * @__req_t: request type
 * @__rsp_t: response type
 *
 * union name_sring_entry, struct name_sring (the shared page: four
 * indices, pvt, __pad[44], ring[] at offset 64), struct name_front_ring
 * and name_back_ring (private: req_prod_pvt/rsp_prod_pvt, rsp_cons/
 * req_cons, nr_ents, sring), and the typedefs name_sring_t,
 * name_front_ring_t, name_back_ring_t. Ends without a semicolon, as Xen's.
 */
#define DEFINE_RING_TYPES(__name, __req_t, __rsp_t) \
	union __name##_sring_entry { \
		__req_t req; \
		__rsp_t rsp; \
	}; \
	struct __name##_sring { \
		RING_IDX req_prod, req_event; \
		RING_IDX rsp_prod, rsp_event; \
		union { \
			struct { \
				uint8_t smartpoll_active; \
			} netif; \
			struct { \
				uint8_t msg; \
			} tapif_user; \
			uint8_t pvt_pad[4]; \
		} pvt; \
		uint8_t __pad[44]; \
		SRINGI_XEN_TAIL(union __name##_sring_entry, ring); \
	}; \
	struct __name##_front_ring { \
		RING_IDX req_prod_pvt; \
		RING_IDX rsp_cons; \
		unsigned int nr_ents; \
		struct __name##_sring *sring; \
	}; \
	struct __name##_back_ring { \
		RING_IDX rsp_prod_pvt; \
		RING_IDX req_cons; \
		unsigned int nr_ents; \
		struct __name##_sring *sring; \
	}; \
	SRING_STATIC_ASSERT(offsetof(struct __name##_sring, ring) == \
			    SRING_HEADER_SIZE, __name##_xen_ring_offset); \
	SRING_STATIC_ASSERT( \
		offsetof(struct __name##_front_ring, rsp_cons) == \
		offsetof(struct sringi_xen_priv, cons) && \
		offsetof(struct __name##_front_ring, nr_ents) == \
		offsetof(struct sringi_xen_priv, nr_ents) && \
		offsetof(struct __name##_front_ring, sring) == \
		offsetof(struct sringi_xen_priv, sring) && \
		sizeof(struct __name##_sring *) == \
		sizeof(struct sringi_xen_sring *), \
		__name##_xen_front_layout); \
	SRING_STATIC_ASSERT( \
		offsetof(struct __name##_back_ring, req_cons) == \
		offsetof(struct sringi_xen_priv, cons) && \
		offsetof(struct __name##_back_ring, nr_ents) == \
		offsetof(struct sringi_xen_priv, nr_ents) && \
		offsetof(struct __name##_back_ring, sring) == \
		offsetof(struct sringi_xen_priv, sring), \
		__name##_xen_back_layout); \
	typedef struct __name##_sring __name##_sring_t; \
	typedef struct __name##_front_ring __name##_front_ring_t; \
	typedef struct __name##_back_ring __name##_back_ring_t

/* ---------------------------------------------------------------------
 * Helpers behind the macros. p points to a name_front_ring or
 * name_back_ring, s to a name_sring.
 * ------------------------------------------------------------------- */

SRING_INLINE RING_IDX *sringi_xen_at(void *base, size_t off)
{
	return (RING_IDX *)(void *)((unsigned char *)base + off);
}

SRING_INLINE const RING_IDX *sringi_xen_cat(const void *base, size_t off)
{
	return (const RING_IDX *)(const void *)((const unsigned char *)base +
						off);
}

/*
 * The shared ring a private half points to. The member's declared type is
 * struct name_sring *, which has the representation of every struct
 * pointer (C11 6.2.5p28); it is read bytewise so that no lvalue of another
 * pointer type touches it.
 */
SRING_INLINE unsigned char *sringi_xen_sring_of(const void *p)
{
	struct sringi_xen_sring *s;
	const unsigned char *from = (const unsigned char *)p +
				    offsetof(struct sringi_xen_priv, sring);
	unsigned char *to = (unsigned char *)&s;
	size_t i;

	for (i = 0; i < sizeof(s); i++)
		to[i] = from[i];
	return (unsigned char *)s;
}

SRING_INLINE RING_IDX *sringi_xen_word(const void *p, size_t off)
{
	return sringi_xen_at(sringi_xen_sring_of(p), off);
}

SRING_INLINE unsigned int sringi_xen_nr(const void *p)
{
	return *(const unsigned int *)(const void *)((const unsigned char *)p +
		offsetof(struct sringi_xen_priv, nr_ents));
}

SRING_INLINE RING_IDX sringi_xen_cons(const void *p)
{
	return *sringi_xen_cat(p, offsetof(struct sringi_xen_priv, cons));
}

SRING_INLINE RING_IDX sringi_xen_pvt(const void *p)
{
	return *sringi_xen_cat(p, offsetof(struct sringi_xen_priv, prod_pvt));
}

/* SHARED_RING_INIT: Xen's stores, without memset. */
SRING_INLINE void sringi_xen_shared_init(void *s)
{
	SRING_STORE_RELAXED(sringi_xen_at(s, SRINGI_XEN_REQ_PROD), 0u);
	SRING_STORE_RELAXED(sringi_xen_at(s, SRINGI_XEN_RSP_PROD), 0u);
	SRING_STORE_RELAXED(sringi_xen_at(s, SRINGI_XEN_REQ_EVENT), 1u);
	SRING_STORE_RELAXED(sringi_xen_at(s, SRINGI_XEN_RSP_EVENT), 1u);
	/* pvt.pvt_pad[4] and __pad[44]: bytes 16..63. */
	sringi_zero_shared((unsigned char *)s + 16, SRING_HEADER_SIZE - 16u);
}

/* FRONT_RING_ATTACH / BACK_RING_ATTACH: no shared access. */
SRING_INLINE void sringi_xen_attach(void *p, void *s, size_t entry,
				    RING_IDX i, size_t bytes)
{
	struct sringi_xen_sring *sp = (struct sringi_xen_sring *)s;
	const unsigned char *from = (const unsigned char *)&sp;
	unsigned char *to = (unsigned char *)p +
			    offsetof(struct sringi_xen_priv, sring);
	size_t k;

	*sringi_xen_at(p, 0) = i;
	*sringi_xen_at(p, offsetof(struct sringi_xen_priv, cons)) = i;
	*(unsigned int *)(void *)((unsigned char *)p +
		offsetof(struct sringi_xen_priv, nr_ents)) =
		sring_ring_slots(entry, bytes);
	for (k = 0; k < sizeof(sp); k++)
		to[k] = from[k];
}

/* XEN_FRONT_RING_INIT: SHARED_RING_INIT then FRONT_RING_INIT. */
SRING_INLINE void sringi_xen_front_init(void *p, void *s, size_t entry,
					size_t bytes)
{
	sringi_xen_shared_init(s);
	sringi_xen_attach(p, s, entry, 0u, bytes);
}

/* RING_FREE_REQUESTS. */
SRING_INLINE unsigned int sringi_xen_free_requests(const void *p)
{
	return sringi_xen_nr(p) - (sringi_xen_pvt(p) - sringi_xen_cons(p));
}

/* XEN_RING_NR_UNCONSUMED_RESPONSES: one acquire load of rsp_prod. */
SRING_INLINE unsigned int sringi_xen_unconsumed_rsps(const void *p)
{
	/* A1: pairs with R2 in sringi_xen_push_rsps*(). */
	RING_IDX prod = SRING_LOAD_ACQUIRE(
		sringi_xen_word(p, SRINGI_XEN_RSP_PROD));

	return prod - sringi_xen_cons(p);
}

/*
 * XEN_RING_NR_UNCONSUMED_REQUESTS: min(req_prod - req_cons,
 * nr_ents - (req_cons - rsp_prod_pvt)) on one acquire load of req_prod.
 * The clamp is Xen's: never more than the slots not owed a response.
 */
SRING_INLINE unsigned int sringi_xen_unconsumed_reqs(const void *p)
{
	RING_IDX cons = sringi_xen_cons(p);
	/* A2: pairs with R1 in sringi_xen_push_reqs*(). */
	RING_IDX prod = SRING_LOAD_ACQUIRE(
		sringi_xen_word(p, SRINGI_XEN_REQ_PROD));
	unsigned int req = prod - cons;
	unsigned int rsp = sringi_xen_nr(p) - (cons - sringi_xen_pvt(p));

	return req < rsp ? req : rsp;
}

#ifdef XEN_RING_HAS_UNCONSUMED_IS_BOOL
#define SRINGI_XEN_HAS(n) (!!(n))
#else
#define SRINGI_XEN_HAS(n) (n)
#endif

/* RING_REQUEST_CONS_OVERFLOW (back): (cons - rsp_prod_pvt) >= N. */
SRING_INLINE int sringi_xen_req_cons_overflow(const void *p,
					      RING_IDX cons)
{
	return (RING_IDX)(cons - sringi_xen_pvt(p)) >= sringi_xen_nr(p);
}

/* RING_REQUEST_PROD_OVERFLOW (back): (prod - rsp_prod_pvt) > N. */
SRING_INLINE int sringi_xen_req_prod_overflow(const void *p,
					      RING_IDX prod)
{
	return (RING_IDX)(prod - sringi_xen_pvt(p)) > sringi_xen_nr(p);
}

/* RING_RESPONSE_PROD_OVERFLOW (front): (prod - rsp_cons) > N. */
SRING_INLINE int sringi_xen_rsp_prod_overflow(const void *p,
					      RING_IDX prod)
{
	return (RING_IDX)(prod - sringi_xen_cons(p)) > sringi_xen_nr(p);
}

/* RING_PUSH_REQUESTS (front). */
SRING_INLINE void sringi_xen_push_reqs(const void *p)
{
	/* R1: publishes the request slots; pairs with A2. */
	SRING_STORE_RELEASE(sringi_xen_word(p, SRINGI_XEN_REQ_PROD), sringi_xen_pvt(p));
}

/* RING_PUSH_RESPONSES (back). */
SRING_INLINE void sringi_xen_push_rsps(const void *p)
{
	/* R2: publishes the response slots; pairs with A1. */
	SRING_STORE_RELEASE(sringi_xen_word(p, SRINGI_XEN_RSP_PROD), sringi_xen_pvt(p));
}

/*
 * Push, then Xen's notification rule: notify iff the peer's event index
 * lies in (old, new]. Xen takes old from the shared producer word (there
 * is no private copy in its structs), and so does this.
 */
SRING_INLINE int sringi_xen_push_notify(const void *p, size_t prod_off,
					size_t event_off)
{
	RING_IDX *prod = sringi_xen_word(p, prod_off);
	RING_IDX old_idx = SRING_LOAD_RELAXED(prod);
	RING_IDX new_idx = sringi_xen_pvt(p);

	/* R1/R2: publishes the slots; pairs with A2/A1. */
	SRING_STORE_RELEASE(prod, new_idx);
	/* F1/F3: producer store before event load; pairs with F2/F4. */
	SRING_MB();
	return sring_need_event(
		SRING_LOAD_RELAXED(sringi_xen_word(p, event_off)), new_idx,
		old_idx);
}

SRING_INLINE int sringi_xen_push_reqs_notify(const void *p)
{
	return sringi_xen_push_notify(p, SRINGI_XEN_REQ_PROD,
				      SRINGI_XEN_REQ_EVENT);
}

SRING_INLINE int sringi_xen_push_rsps_notify(const void *p)
{
	return sringi_xen_push_notify(p, SRINGI_XEN_RSP_PROD,
				      SRINGI_XEN_RSP_EVENT);
}

/* RING_FINAL_CHECK_FOR_REQUESTS (back). */
SRING_INLINE unsigned int sringi_xen_final_check_reqs(const void *p)
{
	unsigned int n = sringi_xen_unconsumed_reqs(p);

	if (n)
		return n;
	SRING_STORE_RELAXED(sringi_xen_word(p, SRINGI_XEN_REQ_EVENT),
			    (RING_IDX)(sringi_xen_cons(p) + 1u));
	/* F2: req_event store before req_prod re-load; pairs with F1. */
	SRING_MB();
	return sringi_xen_unconsumed_reqs(p);
}

/* RING_FINAL_CHECK_FOR_RESPONSES (front). */
SRING_INLINE unsigned int sringi_xen_final_check_rsps(const void *p)
{
	unsigned int n = sringi_xen_unconsumed_rsps(p);

	if (n)
		return n;
	SRING_STORE_RELAXED(sringi_xen_word(p, SRINGI_XEN_RSP_EVENT),
			    (RING_IDX)(sringi_xen_cons(p) + 1u));
	/* F4: rsp_event store before rsp_prod re-load; pairs with F3. */
	SRING_MB();
	return sringi_xen_unconsumed_rsps(p);
}

#ifdef __cplusplus
}
#endif

/* ---------------------------------------------------------------------
 * Xen's macros
 * ------------------------------------------------------------------- */

/*
 * The pointer arguments, evaluated once, with an unevaluated check that
 * they point to a front ring, a back ring or a shared ring. The helpers
 * get the whole struct (never a member's address: GCC's object-size
 * tracking would rightly object to reaching the other members from it).
 */
#define SRINGI_XEN_FR(_r) ((void)sizeof((_r)->req_prod_pvt), (_r))
#define SRINGI_XEN_BR(_r) ((void)sizeof((_r)->rsp_prod_pvt), (_r))
#define SRINGI_XEN_SR(_s) ((void)sizeof((_s)->req_prod), (_s))

/* Initialising empty rings (front only, before the back attaches). */
#define SHARED_RING_INIT(_s) sringi_xen_shared_init(SRINGI_XEN_SR(_s))

/*
 * Private halves at index _i (0 for a new ring; on reconnect, the value
 * agreed out of band, never one read from the shared page). The unevaluated
 * sizeof checks that _s has the type of _r->sring.
 */
#define FRONT_RING_ATTACH(_r, _s, _i, __size) \
	do { \
		(void)sizeof((_r)->sring = (_s)); \
		sringi_xen_attach(SRINGI_XEN_FR(_r), (_s), \
				  sizeof((_s)->ring[0]), (_i), (__size)); \
	} while (0)

#define FRONT_RING_INIT(_r, _s, __size) FRONT_RING_ATTACH(_r, _s, 0u, __size)

#define XEN_FRONT_RING_INIT(r, s, size) \
	do { \
		(void)sizeof((r)->sring = (s)); \
		sringi_xen_front_init(SRINGI_XEN_FR(r), (s), \
				      sizeof((s)->ring[0]), (size)); \
	} while (0)

#define BACK_RING_ATTACH(_r, _s, _i, __size) \
	do { \
		(void)sizeof((_r)->sring = (_s)); \
		sringi_xen_attach(SRINGI_XEN_BR(_r), (_s), \
				  sizeof((_s)->ring[0]), (_i), (__size)); \
	} while (0)

#define BACK_RING_INIT(_r, _s, __size) BACK_RING_ATTACH(_r, _s, 0u, __size)

/* How big is this ring? (private copy; never read from shared memory) */
#define RING_SIZE(_r) ((_r)->nr_ents)

/* Number of free requests (front only). */
#define RING_FREE_REQUESTS(_r) sringi_xen_free_requests(SRINGI_XEN_FR(_r))

/* Is there no free request slot? (front only) */
#define RING_FULL(_r) (RING_FREE_REQUESTS(_r) == 0)

/* Counts of messages the peer published and we have not consumed. */
#define XEN_RING_NR_UNCONSUMED_RESPONSES(_r) \
	sringi_xen_unconsumed_rsps(SRINGI_XEN_FR(_r))
#define XEN_RING_NR_UNCONSUMED_REQUESTS(_r) \
	sringi_xen_unconsumed_reqs(SRINGI_XEN_BR(_r))

/* A count by default, as in Xen; 0/1 with XEN_RING_HAS_UNCONSUMED_IS_BOOL. */
#define RING_HAS_UNCONSUMED_RESPONSES(_r) \
	SRINGI_XEN_HAS(XEN_RING_NR_UNCONSUMED_RESPONSES(_r))
#define RING_HAS_UNCONSUMED_REQUESTS(_r) \
	SRINGI_XEN_HAS(XEN_RING_NR_UNCONSUMED_REQUESTS(_r))

/* Direct access to a slot, by index: a pointer into shared memory. */
#define RING_GET_REQUEST(_r, _idx) \
	(&((_r)->sring->ring[((_idx) & (RING_SIZE(_r) - 1u))].req))
#define RING_GET_RESPONSE(_r, _idx) \
	(&((_r)->sring->ring[((_idx) & (RING_SIZE(_r) - 1u))].rsp))

/*
 * A private copy of a request/response, each shared byte read once. The
 * unevaluated assignment checks that dest points to the slot's type.
 */
#define RING_COPY_(type, r, idx, dest) \
	((void)sizeof(*(dest) = *RING_GET_##type(r, idx)), \
	 sringi_copy_from_shared((dest), RING_GET_##type(r, idx), \
				 sizeof(*(dest))))
#define RING_COPY_REQUEST(r, idx, req) RING_COPY_(REQUEST, r, idx, req)
#define RING_COPY_RESPONSE(r, idx, rsp) RING_COPY_(RESPONSE, r, idx, rsp)

/* Loop guard (back): would consuming request _cons overrun our responses? */
#define RING_REQUEST_CONS_OVERFLOW(_r, _cons) \
	sringi_xen_req_cons_overflow(SRINGI_XEN_BR(_r), (_cons))

/* Ill-behaved front end (back): can there be this many requests? */
#define RING_REQUEST_PROD_OVERFLOW(_r, _prod) \
	sringi_xen_req_prod_overflow(SRINGI_XEN_BR(_r), (_prod))

/* Ill-behaved back end (front): can there be this many responses? */
#define RING_RESPONSE_PROD_OVERFLOW(_r, _prod) \
	sringi_xen_rsp_prod_overflow(SRINGI_XEN_FR(_r), (_prod))

#define RING_PUSH_REQUESTS(_r) sringi_xen_push_reqs(SRINGI_XEN_FR(_r))
#define RING_PUSH_RESPONSES(_r) sringi_xen_push_rsps(SRINGI_XEN_BR(_r))

/*
 * Notification hold-off, as Xen documents it: push with the _CHECK_NOTIFY
 * forms (_notify is set to 1 if the peer must be notified), and before
 * sleeping run the FINAL_CHECK (_work_to_do is set non-zero if messages
 * arrived; otherwise the event index asks for a notification on the next
 * one).
 */
#define RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(_r, _notify) \
	do { \
		(_notify) = sringi_xen_push_reqs_notify(SRINGI_XEN_FR(_r)); \
	} while (0)

#define RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(_r, _notify) \
	do { \
		(_notify) = sringi_xen_push_rsps_notify(SRINGI_XEN_BR(_r)); \
	} while (0)

#define RING_FINAL_CHECK_FOR_REQUESTS(_r, _work_to_do) \
	do { \
		(_work_to_do) = SRINGI_XEN_HAS( \
			sringi_xen_final_check_reqs(SRINGI_XEN_BR(_r))); \
	} while (0)

#define RING_FINAL_CHECK_FOR_RESPONSES(_r, _work_to_do) \
	do { \
		(_work_to_do) = SRINGI_XEN_HAS( \
			sringi_xen_final_check_rsps(SRINGI_XEN_FR(_r))); \
	} while (0)

/* ---------------------------------------------------------------------
 * Flex (byte-stream) rings: 9pfs, pvcalls, the flex console
 * ------------------------------------------------------------------- */

#ifndef XEN_PAGE_SHIFT
/* Ring protocols use 4 KiB pages whatever the OS's page size. */
#define XEN_PAGE_SHIFT 12
#endif

/* Bytes of one direction of a flex ring of 2^order pages. */
#define XEN_FLEX_RING_SIZE(order) (1UL << ((order) + XEN_PAGE_SHIFT - 1))

#ifdef __cplusplus
extern "C" {
#endif

/*
 * name_queued(): prod - cons, or 0 when that exceeds the ring (a corrupt
 * or hostile index) or the size is not a power of two. Xen's masks both
 * indices first, which turns the corruption into a plausible count
 * (queued(100, 0, 64) = 36). sring_flex_queued() (flex.h) makes the
 * check on the raw indices; the Xen signature has no room for its status.
 */
SRING_INLINE RING_IDX sringi_xen_flex_queued(RING_IDX prod, RING_IDX cons,
					     RING_IDX ring_size)
{
	int n = sring_flex_queued(prod, cons, ring_size);

	return n < 0 ? 0u : (RING_IDX)n;
}

/*
 * Bytes that may be read from masked index c (or written at c) given the
 * other side's masked index o: the distance to o going forward, the
 * whole ring when they are equal (full or empty: only the unmasked
 * indices can tell, and name_queued() has).
 */
SRING_INLINE RING_IDX sringi_xen_flex_span(RING_IDX c, RING_IDX o,
					   RING_IDX ring_size)
{
	return c == o ? ring_size : (RING_IDX)((o - c) & (ring_size - 1u));
}

/* The checks shared by read and write; 1 if the move may go ahead. */
SRING_INLINE int sringi_xen_flex_ok(size_t size, RING_IDX own, RING_IDX other,
				    RING_IDX ring_size)
{
	return sringi_flex_size_ok(ring_size) && own < ring_size &&
	       other < ring_size &&
	       size <= sringi_xen_flex_span(own, other, ring_size);
}

/*
 * name_read_packet(): copy size bytes out of the ring at *masked_cons,
 * wrapping at the end of buf (sring_flex_copy_out(): each shared byte read
 * once, none outside buf[0..ring_size)), and advance *masked_cons. Refuses
 * (copies nothing, leaves *masked_cons) a ring size that is not a power of
 * two, a masked index outside the ring, or more bytes than lie between the
 * two masked indices. Xen's copies size bytes from buf + *masked_cons
 * without a bound when *masked_cons < masked_prod.
 */
SRING_INLINE void sringi_xen_flex_read(void *opaque, const unsigned char *buf,
				       size_t size, RING_IDX masked_prod,
				       RING_IDX *masked_cons,
				       RING_IDX ring_size)
{
	RING_IDX c = *masked_cons;

	if (!sringi_xen_flex_ok(size, c, masked_prod, ring_size))
		return;
	sring_flex_copy_out(buf, ring_size, c, opaque, (uint32_t)size);
	*masked_cons = (RING_IDX)(c + size) & (ring_size - 1u);
}

/* name_write_packet(): the mirror of name_read_packet(). */
SRING_INLINE void sringi_xen_flex_write(unsigned char *buf, const void *opaque,
					size_t size, RING_IDX *masked_prod,
					RING_IDX masked_cons,
					RING_IDX ring_size)
{
	RING_IDX p = *masked_prod;

	if (!sringi_xen_flex_ok(size, p, masked_cons, ring_size))
		return;
	sring_flex_copy_in(buf, ring_size, p, opaque, (uint32_t)size);
	*masked_prod = (RING_IDX)(p + size) & (ring_size - 1u);
}

#ifdef __cplusplus
}
#endif

/**
 * DEFINE_XEN_FLEX_RING() - Xen's byte-ring helpers for tag name.
 *
 * name_mask(), name_get_ring_ptr(), name_read_packet(),
 * name_write_packet(), name_queued() (static inline, Xen's signatures) and
 * struct name_data { in, out }. Ends without a semicolon, as Xen's.
 */
#define DEFINE_XEN_FLEX_RING(name) \
	SRINGI_UNUSED SRING_INLINE RING_IDX name##_mask(RING_IDX idx, \
							RING_IDX ring_size) \
	{ \
		return idx & (ring_size - 1u); \
	} \
	SRINGI_UNUSED SRING_INLINE unsigned char *name##_get_ring_ptr( \
		unsigned char *buf, RING_IDX idx, RING_IDX ring_size) \
	{ \
		return buf + name##_mask(idx, ring_size); \
	} \
	SRINGI_UNUSED SRING_INLINE void name##_read_packet( \
		void *opaque, const unsigned char *buf, size_t size, \
		RING_IDX masked_prod, RING_IDX *masked_cons, \
		RING_IDX ring_size) \
	{ \
		sringi_xen_flex_read(opaque, buf, size, masked_prod, \
				     masked_cons, ring_size); \
	} \
	SRINGI_UNUSED SRING_INLINE void name##_write_packet( \
		unsigned char *buf, const void *opaque, size_t size, \
		RING_IDX *masked_prod, RING_IDX masked_cons, \
		RING_IDX ring_size) \
	{ \
		sringi_xen_flex_write(buf, opaque, size, masked_prod, \
				      masked_cons, ring_size); \
	} \
	SRINGI_UNUSED SRING_INLINE RING_IDX name##_queued( \
		RING_IDX prod, RING_IDX cons, RING_IDX ring_size) \
	{ \
		return sringi_xen_flex_queued(prod, cons, ring_size); \
	} \
	struct name##_data { \
		unsigned char *in;  /* half of the allocation */ \
		unsigned char *out; /* half of the allocation */ \
	}

/**
 * DEFINE_XEN_FLEX_RING_AND_INTF() - the above plus Xen's index page,
 * struct name_data_intf (in_cons @0, in_prod @4, out_cons @64,
 * out_prod @68, ring_order @128, grant_ref_t ref[] @132). The includer
 * provides grant_ref_t (Xen's grant_table.h), as with Xen's header.
 */
#define DEFINE_XEN_FLEX_RING_AND_INTF(name) \
	struct name##_data_intf { \
		RING_IDX in_cons, in_prod; \
		uint8_t pad1[56]; \
		RING_IDX out_cons, out_prod; \
		uint8_t pad2[56]; \
		RING_IDX ring_order; \
		SRINGI_XEN_TAIL(grant_ref_t, ref); \
	}; \
	DEFINE_XEN_FLEX_RING(name)

#endif /* SRING_XEN_H */
