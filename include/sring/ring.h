/* SPDX-License-Identifier: MIT */
/*
 * sring/ring.h - the request/response shared ring of split device drivers,
 * wire-compatible with Xen's io/ring.h, hardened against a hostile peer.
 *
 * A frontend queues requests in a ring in shared memory and notifies; the
 * backend consumes them, writes responses into the same ring and notifies
 * back. This header is the untyped core plus SRING_DEFINE_RING_TYPES, which
 * generates a typed wrapper for one (request, response) pair.
 *
 * Quick start
 * -----------
 *
 *   SRING_DEFINE_RING_TYPES(demo, struct demo_req, struct demo_rsp);
 *
 *   front:                                  back:
 *   demo_sring_init(page, 4096);            demo_back_init(&b, page, 4096);
 *   demo_front_init(&f, page, 4096);
 *   demo_front_put_request(&f, &req);       for (;;) {
 *   if (demo_front_push_requests(&f))         while (demo_back_copy_request(
 *           notify_back();                            &b, &req) == SRING_OK) {
 *   ...wait for an event...                     ...do the work...
 *   while (demo_front_copy_response(            demo_back_put_response(&b, &r);
 *              &f, &rsp) == SRING_OK)           if (demo_back_push_responses(&b))
 *           complete(&rsp);                          notify_front();
 *   if (demo_front_final_check(&f) == 0)      }
 *           sleep_until_event();              if (demo_back_final_check(&b) == 0)
 *                                                 sleep_until_event();
 *                                           }
 *
 * The shared area (Xen layout, native-endian, 2^order 4 KiB pages or any
 * size the caller validates)
 * -----------------------------------------------------------------------
 *
 *   offset  size  field       written by  meaning
 *        0     4  req_prod    front       requests published so far
 *        4     4  req_event   back        "notify me when req_prod passes"
 *        8     4  rsp_prod    back        responses published so far
 *       12     4  rsp_event   front       "notify me when rsp_prod passes"
 *       16     4  pvt[4]      protocol    per-protocol private bytes
 *       20    44  pad[44]     (zero)      padding to a cache line
 *       64   N*S  slots       both        N slots of S bytes: union {req, rsp}
 *
 * N is the largest power of two with 64 + N*S <= size; it is computed from
 * sizes both sides know locally and never read from shared memory.
 * Indices are free-running 32-bit counters; slot i is at 64 + (i & (N-1))*S.
 * Every comparison is made on unsigned differences, so crossing 2^32 is an
 * ordinary event. Request i and response i share slot i & (N-1): the back
 * may write response j only after it consumed request j.
 *
 * Ordering (labels are used at each ordering point in the code)
 * -------------------------------------------------------------
 *
 *   front                                   back
 *   write request slots                     .
 *   R1 release-store req_prod  ---------->  A2 acquire-load req_prod
 *   F1 full fence                           .  copy request slots out
 *   load req_event (notify?)                .  write response slots
 *   .                          <----------  R2 release-store rsp_prod
 *   A1 acquire-load rsp_prod                F3 full fence
 *   copy response slots out                 load rsp_event (notify?)
 *
 *   before sleeping (final check):
 *   store rsp_event = cons + k              store req_event = cons + k
 *   F4 full fence (pairs with F3)           F2 full fence (pairs with F1)
 *   A1 re-load rsp_prod                     A2 re-load req_prod
 *
 * F1/F2 (and F3/F4) are the store->load pattern: each side stores its own
 * word then loads the other's. Without both full fences, both loads can see
 * the old values and a wake-up is lost. Both fences live inside
 * push_*() and final_check(); the API has no way to publish without the
 * check, or to arm without the re-check.
 *
 * Notification rule (Xen's, exactly)
 * ----------------------------------
 *
 * A producer that moved its index from old to new notifies iff the peer's
 * event index lies in (old, new]:
 *
 *   notify = (uint32_t)(new - event) < (uint32_t)(new - old)
 *
 * A consumer about to sleep sets event = cons + k (k = 1 unless moderation
 * is set), fences, and re-checks. Initial events are idx + 1: the first
 * message is announced.
 *
 * Hooks (see config.h and atomic.h)
 * ---------------------------------
 *
 *   SRING_INLINE         static inline
 *   SRING_ASSERT(x)      off; local misuse only, never peer input
 *   SRING_STATS          0; 1 maintains struct sring_stats counters
 *   SRING_LOAD_*, SRING_STORE_*, SRING_MB   __atomic builtins (atomic.h)
 *
 * Freestanding: only <stddef.h> and <stdint.h>; no library calls. Slots are
 * copied with word loops (copy.h), never through memcpy.
 */
#ifndef SRING_RING_H
#define SRING_RING_H

#include <sring/config.h>
#include <sring/atomic.h>
#include <sring/copy.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------
 * Sizes
 * ------------------------------------------------------------------- */

/* Bytes before the first slot in the Xen layout. */
#define SRING_HEADER_SIZE 64u

/* Round a 32-bit constant down to a power of two (0 stays 0). */
#define SRINGI_RD2(x) (((x) & 0x2u) ? 0x2u : ((x) & 0x1u))
#define SRINGI_RD4(x) \
	(((x) & 0xcu) ? (SRINGI_RD2((x) >> 2) << 2) : SRINGI_RD2(x))
#define SRINGI_RD8(x) \
	(((x) & 0xf0u) ? (SRINGI_RD4((x) >> 4) << 4) : SRINGI_RD4(x))
#define SRINGI_RD16(x) \
	(((x) & 0xff00u) ? (SRINGI_RD8((x) >> 8) << 8) : SRINGI_RD8(x))
#define SRINGI_RD32(x) \
	(((x) & 0xffff0000u) ? (SRINGI_RD16((x) >> 16) << 16) : SRINGI_RD16(x))

/*
 * SRING_RING_SLOTS - slots of slot_size bytes in a Xen-layout area of
 * bytes bytes: an integer constant expression when both are, usable as an
 * array bound. 0 if not even one slot fits; at most 2^31.
 */
#define SRING_RING_SLOTS(slot_size, bytes) \
	((uint32_t)((size_t)(bytes) < SRING_HEADER_SIZE + (size_t)(slot_size) \
		? 0u \
		: ((((size_t)(bytes) - SRING_HEADER_SIZE) / (size_t)(slot_size)) \
		   >= 0x80000000u \
			? 0x80000000u \
			: SRINGI_RD32((uint32_t)(((size_t)(bytes) - \
				SRING_HEADER_SIZE) / (size_t)(slot_size))))))

/* Slots of ring type name (from SRING_DEFINE_RING_TYPES) in bytes bytes. */
#define SRING_CONST_RING_SIZE(name, bytes) \
	SRING_RING_SLOTS(sizeof(union name##_sring_entry), (bytes))

/* ---------------------------------------------------------------------
 * Shared and private structures
 * ------------------------------------------------------------------- */

/* The 64-byte header of the Xen layout. Slots follow at offset 64. */
struct sring_shared {
	sring_idx_t req_prod;
	sring_idx_t req_event;
	sring_idx_t rsp_prod;
	sring_idx_t rsp_event;
	uint8_t pvt[4];
	uint8_t pad[44];
};

SRING_STATIC_ASSERT(sizeof(struct sring_shared) == SRING_HEADER_SIZE,
		    sring_shared_is_64_bytes);

/*
 * Where a ring's four index words and its slots are. The core never
 * assumes the Xen layout: sring_xen_layout() fills this in for it, and
 * another layout only has to point these elsewhere. Private; never shared.
 */
struct sring_layout {
	sring_idx_t *req_prod;   /* written by front */
	sring_idx_t *req_event;  /* written by back */
	sring_idx_t *rsp_prod;   /* written by back */
	sring_idx_t *rsp_event;  /* written by front */
	unsigned char *req_slots;
	unsigned char *rsp_slots;
	uint32_t req_stride;     /* bytes from one request slot to the next */
	uint32_t rsp_stride;
	uint32_t req_size;       /* bytes copied per request */
	uint32_t rsp_size;
	uint32_t nr_ents;        /* power of two */
};

/* Private counters; maintained only when SRING_STATS is 1. */
struct sring_stats {
	uint32_t notify_sent;       /* pushes that said "notify" */
	uint32_t notify_suppressed; /* pushes that did not */
	uint32_t rearms;            /* final checks that armed the event */
	uint32_t full_stalls;       /* produce attempts on a full ring */
	uint32_t violations;        /* peer protocol violations seen */
};

#if SRING_STATS
#define SRINGI_STAT(s, field) ((s)->stats.field++)
#else
#define SRINGI_STAT(s, field) ((void)0)
#endif

/* Front end private state. Never place this in shared memory. */
struct sring_front {
	struct sring_layout l;
	uint32_t mask;             /* l.nr_ents - 1 */
	sring_idx_t req_prod_pvt;  /* next request slot we fill */
	sring_idx_t req_pub;       /* req_prod as we last published it */
	sring_idx_t rsp_cons;      /* next response we consume */
	sring_idx_t rsp_avail;     /* last validated snapshot of rsp_prod */
	uint32_t moderation;       /* final check waits for this many */
	int broken;                /* 0, or SRING_EPROTO once latched */
	struct sring_stats stats;
	uint32_t push_every;       /* publish policy: 0, or every k slots */
	int notify_pending;        /* a policy push said "notify" */
	sring_idx_t req_trap;      /* get_request stops here to check */
};

/* Back end private state. Never place this in shared memory. */
struct sring_back {
	struct sring_layout l;
	uint32_t mask;
	sring_idx_t rsp_prod_pvt;  /* next response slot we fill */
	sring_idx_t rsp_pub;       /* rsp_prod as we last published it */
	sring_idx_t req_cons;      /* next request we consume */
	sring_idx_t req_avail;     /* last validated snapshot of req_prod */
	uint32_t moderation;
	int broken;
	struct sring_stats stats;
	uint32_t push_every;
	int notify_pending;
	sring_idx_t rsp_trap;      /* get_response stops here to check */
};

/* ---------------------------------------------------------------------
 * Index arithmetic and the notification rule
 * ------------------------------------------------------------------- */

/**
 * sring_need_event() - Xen's notification rule.
 * @event: the peer's event index ("notify me when you pass this")
 * @new_idx: the producer index just published
 * @old_idx: the producer index published before it
 *
 * Context: pure arithmetic; any values, including across 2^32.
 * Return: 1 if event lies in (old_idx, new_idx], else 0.
 */
SRING_INLINE int sring_need_event(sring_idx_t event, sring_idx_t new_idx,
				  sring_idx_t old_idx)
{
	return (sring_idx_t)(new_idx - event) <
	       (sring_idx_t)(new_idx - old_idx);
}

/**
 * sring_ring_slots() - run-time SRING_RING_SLOTS().
 * @slot_size: bytes per slot (> 0)
 * @bytes: bytes of the shared area
 *
 * Return: the largest power of two N with 64 + N*slot_size <= bytes, capped
 * at 2^31; 0 if no slot fits or slot_size is 0.
 */
SRING_INLINE uint32_t sring_ring_slots(size_t slot_size, size_t bytes)
{
	size_t avail, used;
	uint32_t n = 1;

	if (slot_size == 0 || bytes < SRING_HEADER_SIZE + slot_size)
		return 0;
	/*
	 * Doubling, not dividing: a run-time division is a call into libgcc
	 * (__aeabi_uidiv) on 32-bit Arm and Cortex-M0, which a freestanding
	 * includer need not link. used <= avail throughout, so used * 2 does
	 * not overflow.
	 */
	avail = bytes - SRING_HEADER_SIZE;
	used = slot_size;
	while (n < 0x80000000u && used <= avail - used) {
		n *= 2u;
		used *= 2u;
	}
	return n;
}

/* ---------------------------------------------------------------------
 * Layout and initialisation
 * ------------------------------------------------------------------- */

/*
 * Field by field: a struct assignment may become a call to memcpy. A NULL
 * source clears the destination.
 */
SRING_INLINE void sringi_layout_copy(struct sring_layout *d,
				     const struct sring_layout *s)
{
	d->req_prod = s ? s->req_prod : NULL;
	d->req_event = s ? s->req_event : NULL;
	d->rsp_prod = s ? s->rsp_prod : NULL;
	d->rsp_event = s ? s->rsp_event : NULL;
	d->req_slots = s ? s->req_slots : NULL;
	d->rsp_slots = s ? s->rsp_slots : NULL;
	d->req_stride = s ? s->req_stride : 0;
	d->rsp_stride = s ? s->rsp_stride : 0;
	d->req_size = s ? s->req_size : 0;
	d->rsp_size = s ? s->rsp_size : 0;
	d->nr_ents = s ? s->nr_ents : 0;
}

/**
 * sring_xen_layout() - describe a Xen-layout shared area.
 * @l: filled in on success
 * @shared: start of the shared area (at least 8-byte aligned)
 * @bytes: its size; validated
 * @slot_size: sizeof the slot union
 * @req_size: sizeof the request type (<= slot_size)
 * @rsp_size: sizeof the response type (<= slot_size)
 *
 * Context: touches no shared memory.
 * Return: SRING_OK, or SRING_EINVAL (and @l all zero) for a NULL or
 * misaligned area, an area too small for one slot, or inconsistent sizes.
 */
SRING_INLINE int sring_xen_layout(struct sring_layout *l, void *shared,
				  size_t bytes, size_t slot_size,
				  size_t req_size, size_t rsp_size)
{
	struct sring_shared *h = (struct sring_shared *)shared;
	uint32_t n;

	if (!l)
		return SRING_EINVAL;
	sringi_layout_copy(l, NULL); /* a refused layout is all zero */
	if (!shared || ((uintptr_t)shared & 7u) != 0 || slot_size == 0 ||
	    slot_size > 0x7fffffffu || req_size > slot_size ||
	    rsp_size > slot_size || req_size == 0 || rsp_size == 0)
		return SRING_EINVAL;
	n = sring_ring_slots(slot_size, bytes);
	if (n == 0)
		return SRING_EINVAL;
	l->req_prod = &h->req_prod;
	l->req_event = &h->req_event;
	l->rsp_prod = &h->rsp_prod;
	l->rsp_event = &h->rsp_event;
	l->req_slots = (unsigned char *)shared + SRING_HEADER_SIZE;
	l->rsp_slots = l->req_slots;
	l->req_stride = (uint32_t)slot_size;
	l->rsp_stride = (uint32_t)slot_size;
	l->req_size = (uint32_t)req_size;
	l->rsp_size = (uint32_t)rsp_size;
	l->nr_ents = n;
	return SRING_OK;
}

/**
 * sring_shared_init_at() - initialise a Xen-layout shared area at an index.
 * @shared: the area, 8-byte aligned
 * @bytes: its size
 * @slot_size: sizeof the slot union
 * @idx: starting value of both producer indices
 *
 * Zeroes all @bytes (header padding, private bytes, slots and the unused
 * tail: nothing of ours that was in those pages reaches the peer), then
 * sets both
 * producer indices to @idx and both event indices to @idx + 1.
 *
 * Context: front end only, before the back end is attached.
 * Return: SRING_OK or SRING_EINVAL.
 */
SRING_INLINE int sring_shared_init_at(void *shared, size_t bytes,
				      size_t slot_size, sring_idx_t idx)
{
	struct sring_shared *h = (struct sring_shared *)shared;
	struct sring_layout l;
	int rc = sring_xen_layout(&l, shared, bytes, slot_size, slot_size,
				  slot_size);

	if (rc != SRING_OK)
		return rc;
	sringi_zero_shared(shared, bytes);
	SRING_STORE_RELAXED(&h->req_prod, idx);
	SRING_STORE_RELAXED(&h->rsp_prod, idx);
	SRING_STORE_RELAXED(&h->req_event, (sring_idx_t)(idx + 1u));
	SRING_STORE_RELAXED(&h->rsp_event, (sring_idx_t)(idx + 1u));
	return SRING_OK;
}

/* sring_shared_init() - sring_shared_init_at() at index 0. */
SRING_INLINE int sring_shared_init(void *shared, size_t bytes,
				   size_t slot_size)
{
	return sring_shared_init_at(shared, bytes, slot_size, 0);
}


SRING_INLINE void sringi_stats_clear(struct sring_stats *st)
{
	st->notify_sent = 0;
	st->notify_suppressed = 0;
	st->rearms = 0;
	st->full_stalls = 0;
	st->violations = 0;
}

SRING_INLINE int sringi_layout_ok(const struct sring_layout *l)
{
	return l && l->req_prod && l->req_event && l->rsp_prod &&
	       l->rsp_event && l->req_slots && l->rsp_slots &&
	       l->nr_ents != 0 && (l->nr_ents & (l->nr_ents - 1u)) == 0 &&
	       l->nr_ents <= 0x80000000u && l->req_size != 0 &&
	       l->rsp_size != 0 && l->req_size <= l->req_stride &&
	       l->rsp_size <= l->rsp_stride;
}

/**
 * sring_front_attach() - set up a front end at a given index.
 * @f: private state to initialise
 * @l: where the shared words and slots are
 * @idx: the index both req_prod and rsp_prod stand at (0 for a new ring;
 *       on reconnect, the value agreed out of band, as Xen's
 *       FRONT_RING_ATTACH)
 *
 * Context: reads and writes no shared memory.
 * Return: SRING_OK, or SRING_EINVAL for a bad layout; the ring is then
 * latched and every later call returns SRING_EINVAL.
 */
SRING_INLINE int sring_front_attach(struct sring_front *f,
				    const struct sring_layout *l,
				    sring_idx_t idx)
{
	int ok = sringi_layout_ok(l);

	if (!f)
		return SRING_EINVAL;
	sringi_layout_copy(&f->l, ok ? l : NULL);
	f->mask = ok ? l->nr_ents - 1u : 0;
	f->req_prod_pvt = idx;
	f->req_pub = idx;
	f->rsp_cons = idx;
	f->rsp_avail = idx;
	f->moderation = 1;
	/* A failed attach leaves a ring every call refuses. */
	f->broken = ok ? 0 : SRING_EINVAL;
	sringi_stats_clear(&f->stats);
	f->push_every = 0;
	f->notify_pending = 0;
	f->req_trap = idx;
	return f->broken;
}

/**
 * sring_back_attach() - set up a back end at a given index.
 * @b: private state to initialise
 * @l: where the shared words and slots are
 * @idx: the index both req_prod and rsp_prod stand at
 *
 * Context: reads and writes no shared memory. Never derive @idx from the
 * shared page: a hostile front could then choose our private state.
 * Return: SRING_OK, or SRING_EINVAL (ring latched as for the front).
 */
SRING_INLINE int sring_back_attach(struct sring_back *b,
				   const struct sring_layout *l,
				   sring_idx_t idx)
{
	int ok = sringi_layout_ok(l);

	if (!b)
		return SRING_EINVAL;
	sringi_layout_copy(&b->l, ok ? l : NULL);
	b->mask = ok ? l->nr_ents - 1u : 0;
	b->rsp_prod_pvt = idx;
	b->rsp_pub = idx;
	b->req_cons = idx;
	b->req_avail = idx;
	b->moderation = 1;
	b->broken = ok ? 0 : SRING_EINVAL;
	sringi_stats_clear(&b->stats);
	b->push_every = 0;
	b->notify_pending = 0;
	b->rsp_trap = idx;
	return b->broken;
}

/* ---------------------------------------------------------------------
 * Front end
 * ------------------------------------------------------------------- */

/*
 * sring_front_broken() - 0, or the latched status: SRING_EPROTO once the
 * back end broke the rules, SRING_EINVAL after a failed attach.
 */
SRING_INLINE int sring_front_broken(const struct sring_front *f)
{
	return f->broken;
}

/* sring_back_broken() - 0, or the latched status (see sring_front_broken). */
SRING_INLINE int sring_back_broken(const struct sring_back *b)
{
	return b->broken;
}

/*
 * Private shortcuts that keep the per-item paths to one comparison each.
 *
 * ->req_trap / ->rsp_trap: the index at which get_request/get_response
 * leave their fast path to check everything (broken, full, the publish
 * policy). It is recomputed there, never later than the first index that
 * needs a check; the values it depends on (our consumer index, what we
 * published) only move so as to make it early, never late, so nothing
 * else has to update it.
 *
 * Latching (sringi_*_break) makes every path find the latch through a
 * test it makes anyway: the trap moves to the next index (every reserve
 * stops), the consumer's snapshot (avail) to its consumer index (the copy
 * paths' "snapshot used up?" test leads to the refresh path, which tests
 * the latch before any shared access), and the published index to the
 * private one, so a push finds nothing new and touches nothing; a pending
 * policy "notify" is dropped (a broken ring asks for none).
 */

/*
 * The next trap from index i: at most room slots on, earlier if a policy
 * of one push every `every` (0: none) falls due, at i itself if latched.
 */
SRING_INLINE sring_idx_t sringi_trap(sring_idx_t i, uint32_t room,
				     uint32_t every, sring_idx_t pub,
				     int broken)
{
	if (broken)
		return i;
	if (every != 0) {
		uint32_t since = i - pub;
		uint32_t due = since >= every ? 0u : every - since;

		if (due < room)
			room = due;
	}
	return i + room;
}

SRING_INLINE void sringi_front_retrap(struct sring_front *f)
{
	sring_idx_t i = f->req_prod_pvt;

	f->req_trap = sringi_trap(i, f->l.nr_ents - (i - f->rsp_cons),
				  f->push_every, f->req_pub, f->broken);
}

/*
 * The back's trap covers only the latch and the policy: a back end
 * usually answers each request as it takes it, so "responses owed"
 * would be 1 at every reserve; that bound is its own comparison.
 */
SRING_INLINE void sringi_back_retrap(struct sring_back *b)
{
	b->rsp_trap = sringi_trap(b->rsp_prod_pvt, 0x80000000u, b->push_every,
				  b->rsp_pub, b->broken);
}

SRING_INLINE int sringi_front_break(struct sring_front *f)
{
	f->broken = SRING_EPROTO;
	f->req_trap = f->req_prod_pvt;
	f->rsp_avail = f->rsp_cons;
	f->req_pub = f->req_prod_pvt;
	f->notify_pending = 0;
	SRINGI_STAT(f, violations);
	return SRING_EPROTO;
}

SRING_INLINE int sringi_back_break(struct sring_back *b)
{
	b->broken = SRING_EPROTO;
	b->rsp_trap = b->rsp_prod_pvt;
	b->req_avail = b->req_cons;
	b->rsp_pub = b->rsp_prod_pvt;
	b->notify_pending = 0;
	SRINGI_STAT(b, violations);
	return SRING_EPROTO;
}

/*
 * Loads rsp_prod once and validates it: it may not go backwards from our
 * last snapshot and may not pass the requests we have published (so it is
 * never more than nr_ents ahead of rsp_cons).
 */
SRING_INLINE int sringi_front_refresh(struct sring_front *f)
{
	/* A1: pairs with R2 in sring_back_push_responses(). */
	sring_idx_t prod = SRING_LOAD_ACQUIRE(f->l.rsp_prod);

	if (SRING_UNLIKELY((sring_idx_t)(prod - f->rsp_avail) >
			   (sring_idx_t)(f->req_pub - f->rsp_avail)))
		return sringi_front_break(f);
	f->rsp_avail = prod;
	return (int)(prod - f->rsp_cons);
}

/**
 * sring_front_free_requests() - request slots the front may still fill.
 * @f: front end
 *
 * Context: private state only.
 * Return: 0..nr_ents, or SRING_EPROTO if the ring is broken.
 */
SRING_INLINE int sring_front_free_requests(const struct sring_front *f)
{
	if (SRING_UNLIKELY(f->broken))
		return f->broken;
	return (int)(f->l.nr_ents - (f->req_prod_pvt - f->rsp_cons));
}

/* sring_front_full() - 1 if no request can be queued now (or broken). */
SRING_INLINE int sring_front_full(const struct sring_front *f)
{
	return sring_front_free_requests(f) <= 0;
}

/**
 * sring_front_get_request() - reserve the next request slot, zero-copy.
 * @f: front end
 *
 * The slot is shared memory: fill it, then publish with
 * sring_front_push_requests(). Do not read it back (the back end may
 * already be reading or, once published, responding into it).
 *
 * Return: pointer to the slot, or NULL if the ring is full or broken.
 */
SRING_INLINE int sring_front_push_requests(struct sring_front *f);

/* At the trap: 0 if slot req_prod_pvt may be handed out, else 1. */
SRINGI_COLD int sringi_front_reserve_check(struct sring_front *f)
{
	sring_idx_t i = f->req_prod_pvt;

	if (f->broken)
		return 1;
	if (i - f->rsp_cons >= f->l.nr_ents) {
		SRINGI_STAT(f, full_stalls);
		return 1;
	}
	/* Publish policy: the slots handed out before this one are filled. */
	if (f->push_every != 0 && i - f->req_pub >= f->push_every)
		f->notify_pending = sring_front_push_requests(f);
	sringi_front_retrap(f); /* past i: a slot is free, no push due */
	return 0;
}

SRING_INLINE void *sring_front_get_request(struct sring_front *f)
{
	sring_idx_t i = f->req_prod_pvt;

	if (SRING_UNLIKELY(i == f->req_trap) && sringi_front_reserve_check(f))
		return NULL;
	f->req_prod_pvt = i + 1u;
	return f->l.req_slots + (size_t)(i & f->mask) * f->l.req_stride;
}

/**
 * sring_front_put_request() - copy one request into the next slot.
 * @f: front end
 * @req: l.req_size bytes; all of them (padding included) are copied, so
 *       build it zeroed if it has padding
 *
 * Return: SRING_OK, SRING_FULL or SRING_EPROTO.
 */
SRING_INLINE int sringi_front_put_request_n(struct sring_front *f,
					    const void *req, size_t n)
{
	void *slot = sring_front_get_request(f);

	SRING_ASSERT(n == f->l.req_size || f->broken);
	if (SRING_UNLIKELY(!slot))
		return f->broken ? f->broken : SRING_FULL;
	sringi_copy_to_shared(slot, req, n);
	return SRING_OK;
}

SRING_INLINE int sring_front_put_request(struct sring_front *f,
					 const void *req)
{
	return sringi_front_put_request_n(f, req, f->l.req_size);
}

/**
 * sring_front_push_requests() - publish every request filled so far.
 * @f: front end
 *
 * One release store of req_prod, then a full fence, then one read of the
 * back end's req_event.
 *
 * Context: the fence is inside; a front cannot publish without it.
 * Return: 1 if the back end must be notified, else 0 (also when nothing
 * was pending or the ring is broken). With a publish policy, 1 also if a
 * push made by the policy since the last call said "notify".
 */
/* The publish step alone: R1, F1, then the peer's event word. */
SRING_INLINE int sringi_front_publish(struct sring_front *f)
{
	sring_idx_t old_idx = f->req_pub, new_idx = f->req_prod_pvt, ev;

	if (old_idx == new_idx)
		return 0;
	/* R1: publishes the request slots; pairs with A2 in the back end. */
	SRING_STORE_RELEASE(f->l.req_prod, new_idx);
	f->req_pub = new_idx;
	/* F1: req_prod store before req_event load; pairs with F2. */
	SRING_MB();
	ev = SRING_LOAD_RELAXED(f->l.req_event);
	if (sring_need_event(ev, new_idx, old_idx)) {
		SRINGI_STAT(f, notify_sent);
		return 1;
	}
	SRINGI_STAT(f, notify_suppressed);
	return 0;
}

/* A policy push said "notify": publish, and say so. */
SRINGI_COLD int sringi_front_push_pending(struct sring_front *f)
{
	f->notify_pending = 0;
	(void)sringi_front_publish(f);
	return 1;
}

SRING_INLINE int sring_front_push_requests(struct sring_front *f)
{
	/* Latched: nothing new to publish (see sringi_front_break()). */
	if (SRING_LIKELY(!f->notify_pending))
		return sringi_front_publish(f);
	return sringi_front_push_pending(f);
}

/**
 * sring_front_set_publish() - publish policy: push every k requests.
 * @f: front end
 * @k: 0 (the default) publishes only on sring_front_push_requests(); k >= 1
 *     makes sring_front_get_request() (and put_request) first publish the
 *     slots handed out before it once k of them are unpublished
 *
 * Publishing every 16-64 items keeps both sides busy instead of taking
 * turns (see bench/README.md). The policy's pushes fence and check
 * req_event like any push; a "notify" one of them finds is kept and
 * returned by the next sring_front_push_requests(), which must still end
 * every batch. Contract: fill each slot before reserving the next one.
 */
SRING_INLINE void sring_front_set_publish(struct sring_front *f, uint32_t k)
{
	f->push_every = k;
	sringi_front_retrap(f);
}

/**
 * sring_front_unconsumed_responses() - responses ready to be consumed.
 * @f: front end
 *
 * Loads rsp_prod once (acquire) and validates it.
 * Return: the count (0..nr_ents), or SRING_EPROTO (ring latched broken).
 */
SRING_INLINE int sring_front_unconsumed_responses(struct sring_front *f)
{
	if (SRING_UNLIKELY(f->broken))
		return f->broken;
	return sringi_front_refresh(f);
}

/**
 * sring_front_copy_response() - take the next response by copy.
 * @f: front end
 * @rsp: l.rsp_size private bytes; each slot byte is read exactly once
 *
 * Uses the cached snapshot of rsp_prod; loads it again only once the
 * snapshot is used up.
 *
 * Return: SRING_OK, SRING_EMPTY or SRING_EPROTO.
 */
/*
 * The _n forms take the element size from the caller: the typed layer
 * passes sizeof, a constant, so the copy loop unrolls into a few moves.
 * n must equal the layout's size (SRING_ASSERT).
 */
SRING_INLINE int sringi_front_copy_response_n(struct sring_front *f,
					      void *rsp, size_t size)
{
	sring_idx_t i = f->rsp_cons;

	SRING_ASSERT(size == f->l.rsp_size || f->broken);
	if (i == f->rsp_avail) { /* always so once latched: see _break */
		int n;

		if (SRING_UNLIKELY(f->broken))
			return f->broken;
		n = sringi_front_refresh(f);

		if (n <= 0)
			return n < 0 ? n : SRING_EMPTY;
	}
	sringi_copy_from_shared(rsp, f->l.rsp_slots +
				(size_t)(i & f->mask) * f->l.rsp_stride,
				size);
	f->rsp_cons = i + 1u;
	return SRING_OK;
}

SRING_INLINE int sring_front_copy_response(struct sring_front *f, void *rsp)
{
	return sringi_front_copy_response_n(f, rsp, f->l.rsp_size);
}

/**
 * sring_front_copy_responses() - take up to max responses by copy.
 * @f: front end
 * @rsp: array of max elements of l.rsp_size bytes
 * @max: capacity of @rsp
 *
 * At most one acquire load of rsp_prod for the whole batch.
 * Return: number copied (0 if none), or SRING_EPROTO.
 */
SRING_INLINE int sring_front_copy_responses(struct sring_front *f, void *rsp,
					    unsigned int max)
{
	unsigned char *out = (unsigned char *)rsp;
	sring_idx_t i = f->rsp_cons, avail;
	uint32_t n, k;

	if (SRING_UNLIKELY(f->broken))
		return f->broken;
	if (i == f->rsp_avail) {
		int rc = sringi_front_refresh(f);

		if (rc < 0)
			return rc;
	}
	avail = f->rsp_avail - i;
	n = avail < max ? avail : max;
	for (k = 0; k < n; k++, i++)
		sringi_copy_from_shared(out + (size_t)k * f->l.rsp_size,
					f->l.rsp_slots + (size_t)(i & f->mask) *
					f->l.rsp_stride, f->l.rsp_size);
	f->rsp_cons = i;
	return (int)n;
}

/**
 * sring_front_set_moderation() - wake only after k responses.
 * @f: front end
 * @k: threshold (0 is taken as 1)
 *
 * The final check then arms rsp_event = rsp_cons + min(k, in flight): a
 * front blocked on a full ring asks to be woken when k slots are free. The
 * cap by requests in flight means the wake-up always comes, since every
 * published request is owed a response.
 */
SRING_INLINE void sring_front_set_moderation(struct sring_front *f,
					     uint32_t k)
{
	f->moderation = k ? k : 1u;
}

/**
 * sring_front_notify_off() - ask the back end not to notify (polling).
 * @f: front end
 *
 * Moves rsp_event behind rsp_prod so no push crosses it. At most one
 * notification already decided by the back end may still arrive. Turn
 * notifications back on with sring_front_final_check(), whose re-check
 * closes the race.
 */
SRING_INLINE void sring_front_notify_off(struct sring_front *f)
{
	if (!f->broken)
		SRING_STORE_RELAXED(f->l.rsp_event, f->rsp_cons);
}

/**
 * sring_front_final_check() - arm rsp_event, then check once more.
 * @f: front end
 *
 * Call before sleeping. If fewer than the threshold (1, or the moderation
 * capped by requests in flight) responses are ready, sets rsp_event,
 * fences (F4) and re-reads rsp_prod.
 *
 * Return: the number of unconsumed responses if at least the threshold are
 * ready (do not sleep), 0 if the front may sleep until notified, or
 * SRING_EPROTO.
 */
SRING_INLINE int sring_front_final_check(struct sring_front *f)
{
	uint32_t inflight, k;
	int n;

	if (SRING_UNLIKELY(f->broken))
		return f->broken;
	inflight = f->req_pub - f->rsp_cons;
	k = f->moderation;
	if (k > inflight)
		k = inflight ? inflight : 1u;
	n = sringi_front_refresh(f);
	if (n < 0 || (uint32_t)n >= k)
		return n;
	SRING_STORE_RELAXED(f->l.rsp_event, (sring_idx_t)(f->rsp_cons + k));
	SRINGI_STAT(f, rearms);
	/* F4: rsp_event store before rsp_prod re-load; pairs with F3. */
	SRING_MB();
	n = sringi_front_refresh(f);
	if (n < 0 || (uint32_t)n >= k)
		return n;
	return 0;
}

/* ---------------------------------------------------------------------
 * Back end
 * ------------------------------------------------------------------- */

/*
 * Loads req_prod once and validates it: it may not go backwards from our
 * last snapshot, and may not be more than nr_ents ahead of the responses
 * we have produced (the slots still owed to us).
 */
SRING_INLINE int sringi_back_refresh(struct sring_back *b)
{
	/* A2: pairs with R1 in sring_front_push_requests(). */
	sring_idx_t prod = SRING_LOAD_ACQUIRE(b->l.req_prod);

	if (SRING_UNLIKELY((sring_idx_t)(prod - b->req_avail) >
			   (sring_idx_t)(b->rsp_prod_pvt + b->l.nr_ents -
					 b->req_avail)))
		return sringi_back_break(b);
	b->req_avail = prod;
	return (int)(prod - b->req_cons);
}

/**
 * sring_back_unconsumed_requests() - requests ready to be consumed.
 * @b: back end
 *
 * Loads req_prod once (acquire) and validates it.
 * Return: the count (0..nr_ents), or SRING_EPROTO (ring latched broken).
 */
SRING_INLINE int sring_back_unconsumed_requests(struct sring_back *b)
{
	if (SRING_UNLIKELY(b->broken))
		return b->broken;
	return sringi_back_refresh(b);
}

/**
 * sring_back_copy_request() - take the next request by copy.
 * @b: back end
 * @req: l.req_size private bytes; each slot byte is read exactly once.
 *       Validate this copy, never the slot.
 *
 * Return: SRING_OK, SRING_EMPTY or SRING_EPROTO.
 */
SRING_INLINE int sringi_back_copy_request_n(struct sring_back *b, void *req,
					    size_t size)
{
	sring_idx_t i = b->req_cons;

	SRING_ASSERT(size == b->l.req_size || b->broken);
	if (i == b->req_avail) { /* always so once latched: see _break */
		int n;

		if (SRING_UNLIKELY(b->broken))
			return b->broken;
		n = sringi_back_refresh(b);

		if (n <= 0)
			return n < 0 ? n : SRING_EMPTY;
	}
	sringi_copy_from_shared(req, b->l.req_slots +
				(size_t)(i & b->mask) * b->l.req_stride,
				size);
	b->req_cons = i + 1u;
	return SRING_OK;
}

SRING_INLINE int sring_back_copy_request(struct sring_back *b, void *req)
{
	return sringi_back_copy_request_n(b, req, b->l.req_size);
}

/**
 * sring_back_copy_requests() - take up to max requests by copy.
 * @b: back end
 * @req: array of max elements of l.req_size bytes
 * @max: capacity of @req
 *
 * At most one acquire load of req_prod for the whole batch.
 * Return: number copied (0 if none), or SRING_EPROTO.
 */
SRING_INLINE int sring_back_copy_requests(struct sring_back *b, void *req,
					  unsigned int max)
{
	unsigned char *out = (unsigned char *)req;
	sring_idx_t i = b->req_cons, avail;
	uint32_t n, k;

	if (SRING_UNLIKELY(b->broken))
		return b->broken;
	if (i == b->req_avail) {
		int rc = sringi_back_refresh(b);

		if (rc < 0)
			return rc;
	}
	avail = b->req_avail - i;
	n = avail < max ? avail : max;
	for (k = 0; k < n; k++, i++)
		sringi_copy_from_shared(out + (size_t)k * b->l.req_size,
					b->l.req_slots + (size_t)(i & b->mask) *
					b->l.req_stride, b->l.req_size);
	b->req_cons = i;
	return (int)n;
}

/* sring_back_owed_responses() - requests consumed but not yet answered. */
SRING_INLINE uint32_t sring_back_owed_responses(const struct sring_back *b)
{
	return b->req_cons - b->rsp_prod_pvt;
}

/**
 * sring_back_get_response() - reserve the next response slot, zero-copy.
 * @b: back end
 *
 * Only as many responses as requests consumed can be reserved (the slot
 * still holds a request we already copied out). Write every field you
 * mean to send; never copy a stack struct with padding into it.
 *
 * Return: pointer to the slot, or NULL if no response is owed (local
 * misuse, SRING_ASSERT) or the ring is broken.
 */
SRING_INLINE int sring_back_push_responses(struct sring_back *b);

/* At the trap or with none owed: 0 if the slot may be handed out. */
SRINGI_COLD int sringi_back_reserve_check(struct sring_back *b)
{
	sring_idx_t i = b->rsp_prod_pvt;

	if (b->broken)
		return 1;
	if (i == b->req_cons) {
		SRING_ASSERT(!"sring: response slot reserved with none owed");
		SRINGI_STAT(b, full_stalls);
		return 1;
	}
	/* Publish policy, as in sring_front_get_request(). */
	if (b->push_every != 0 && i - b->rsp_pub >= b->push_every)
		b->notify_pending = sring_back_push_responses(b);
	sringi_back_retrap(b); /* past i: no push due */
	return 0;
}

SRING_INLINE void *sring_back_get_response(struct sring_back *b)
{
	sring_idx_t i = b->rsp_prod_pvt;

	if (SRING_UNLIKELY(i == b->rsp_trap || i == b->req_cons) &&
	    sringi_back_reserve_check(b))
		return NULL;
	b->rsp_prod_pvt = i + 1u;
	return b->l.rsp_slots + (size_t)(i & b->mask) * b->l.rsp_stride;
}

/**
 * sring_back_put_response() - copy one response into the next slot.
 * @b: back end
 * @rsp: l.rsp_size bytes, all copied (zero any padding first)
 *
 * Return: SRING_OK, SRING_FULL (no response owed) or SRING_EPROTO.
 */
SRING_INLINE int sringi_back_put_response_n(struct sring_back *b,
					    const void *rsp, size_t n)
{
	void *slot = sring_back_get_response(b);

	SRING_ASSERT(n == b->l.rsp_size || b->broken);
	if (SRING_UNLIKELY(!slot))
		return b->broken ? b->broken : SRING_FULL;
	sringi_copy_to_shared(slot, rsp, n);
	return SRING_OK;
}

SRING_INLINE int sring_back_put_response(struct sring_back *b,
					 const void *rsp)
{
	return sringi_back_put_response_n(b, rsp, b->l.rsp_size);
}

/**
 * sring_back_push_responses() - publish every response filled so far.
 * @b: back end
 *
 * Return: 1 if the front end must be notified (also if a push made by the
 * publish policy since the last call said so), else 0.
 */
/* The publish step alone: R2, F3, then the peer's event word. */
SRING_INLINE int sringi_back_publish(struct sring_back *b)
{
	sring_idx_t old_idx = b->rsp_pub, new_idx = b->rsp_prod_pvt, ev;

	if (old_idx == new_idx)
		return 0;
	/* R2: publishes the response slots; pairs with A1 in the front. */
	SRING_STORE_RELEASE(b->l.rsp_prod, new_idx);
	b->rsp_pub = new_idx;
	/* F3: rsp_prod store before rsp_event load; pairs with F4. */
	SRING_MB();
	ev = SRING_LOAD_RELAXED(b->l.rsp_event);
	if (sring_need_event(ev, new_idx, old_idx)) {
		SRINGI_STAT(b, notify_sent);
		return 1;
	}
	SRINGI_STAT(b, notify_suppressed);
	return 0;
}

/* A policy push said "notify": publish, and say so. */
SRINGI_COLD int sringi_back_push_pending(struct sring_back *b)
{
	b->notify_pending = 0;
	(void)sringi_back_publish(b);
	return 1;
}

SRING_INLINE int sring_back_push_responses(struct sring_back *b)
{
	/* Latched: nothing new to publish (see sringi_back_break()). */
	if (SRING_LIKELY(!b->notify_pending))
		return sringi_back_publish(b);
	return sringi_back_push_pending(b);
}

/* sring_back_set_publish() - as sring_front_set_publish(), responses. */
SRING_INLINE void sring_back_set_publish(struct sring_back *b, uint32_t k)
{
	b->push_every = k;
	sringi_back_retrap(b);
}

/**
 * sring_back_set_moderation() - wake only after k requests.
 * @b: back end
 * @k: threshold (0 is taken as 1)
 *
 * Unlike the front, the back cannot know how many requests will come: with
 * k > 1 the front may stop with fewer than k queued, so a moderated back
 * end must bound its sleep with a timeout (or the front must notify
 * explicitly when it goes idle). sring_back_final_check() returns 0 in
 * that state; sring_back_unconsumed_requests() tells how many are queued.
 */
SRING_INLINE void sring_back_set_moderation(struct sring_back *b, uint32_t k)
{
	b->moderation = k ? k : 1u;
}

/* sring_back_notify_off() - as sring_front_notify_off(), for requests. */
SRING_INLINE void sring_back_notify_off(struct sring_back *b)
{
	if (!b->broken)
		SRING_STORE_RELAXED(b->l.req_event, b->req_cons);
}

/**
 * sring_back_final_check() - arm req_event, then check once more.
 * @b: back end
 *
 * Return: the number of unconsumed requests if at least the moderation
 * threshold are ready, 0 if the back end may sleep until notified, or
 * SRING_EPROTO.
 */
SRING_INLINE int sring_back_final_check(struct sring_back *b)
{
	uint32_t k = b->moderation;
	int n;

	if (SRING_UNLIKELY(b->broken))
		return b->broken;
	n = sringi_back_refresh(b);
	if (n < 0 || (uint32_t)n >= k)
		return n;
	SRING_STORE_RELAXED(b->l.req_event, (sring_idx_t)(b->req_cons + k));
	SRINGI_STAT(b, rearms);
	/* F2: req_event store before req_prod re-load; pairs with F1. */
	SRING_MB();
	n = sringi_back_refresh(b);
	if (n < 0 || (uint32_t)n >= k)
		return n;
	return 0;
}

#ifdef __cplusplus
}
#endif

/* ---------------------------------------------------------------------
 * Typed layer
 * ------------------------------------------------------------------- */

/**
 * SRING_DEFINE_RING_TYPES() - typed ring for one request/response pair.
 * @name: prefix of everything generated
 * @req_t: request type (complete object type)
 * @rsp_t: response type
 *
 * Generates union name_sring_entry (the slot), struct name_sring (the
 * shared header; slots follow it), struct name_front / name_back (private
 * state wrapping the untyped core as member .core), and one-line typed
 * wrappers name_front_* / name_back_* over the sring_front_* /
 * sring_back_* functions. Compiles as C99 and C++11.
 */
#define SRING_DEFINE_RING_TYPES(name, req_t, rsp_t) \
	union name##_sring_entry { \
		req_t req; \
		rsp_t rsp; \
	}; \
	struct name##_sring { \
		struct sring_shared hdr; \
	}; \
	struct name##_front { \
		struct sring_front core; \
	}; \
	struct name##_back { \
		struct sring_back core; \
	}; \
	SRING_STATIC_ASSERT(sizeof(union name##_sring_entry) <= 0x7fffffff, \
			    name##_slot_size); \
	SRINGI_UNUSED SRING_INLINE int name##_layout(struct sring_layout *l, \
				       struct name##_sring *s, size_t bytes) \
	{ \
		return sring_xen_layout(l, s, bytes, \
					sizeof(union name##_sring_entry), \
					sizeof(req_t), sizeof(rsp_t)); \
	} \
	SRINGI_UNUSED SRING_INLINE int name##_sring_init(struct name##_sring *s, \
					   size_t bytes) \
	{ \
		return sring_shared_init(s, bytes, \
					 sizeof(union name##_sring_entry)); \
	} \
	SRINGI_UNUSED SRING_INLINE int name##_sring_init_at(struct name##_sring *s, \
					      size_t bytes, sring_idx_t idx) \
	{ \
		return sring_shared_init_at( \
			s, bytes, sizeof(union name##_sring_entry), idx); \
	} \
	SRINGI_UNUSED SRING_INLINE int name##_front_attach(struct name##_front *f, \
					     struct name##_sring *s, \
					     size_t bytes, sring_idx_t idx) \
	{ \
		struct sring_layout l; \
		int rc = name##_layout(&l, s, bytes); \
		return sring_front_attach(&f->core, rc ? NULL : &l, idx); \
	} \
	SRINGI_UNUSED SRING_INLINE int name##_front_init(struct name##_front *f, \
					   struct name##_sring *s, \
					   size_t bytes) \
	{ \
		return name##_front_attach(f, s, bytes, 0); \
	} \
	SRINGI_UNUSED SRING_INLINE int name##_back_attach(struct name##_back *b, \
					    struct name##_sring *s, \
					    size_t bytes, sring_idx_t idx) \
	{ \
		struct sring_layout l; \
		int rc = name##_layout(&l, s, bytes); \
		return sring_back_attach(&b->core, rc ? NULL : &l, idx); \
	} \
	SRINGI_UNUSED SRING_INLINE int name##_back_init(struct name##_back *b, \
					  struct name##_sring *s, size_t bytes) \
	{ \
		return name##_back_attach(b, s, bytes, 0); \
	} \
	SRINGI_UNUSED SRING_INLINE uint32_t name##_front_size(const struct name##_front *f) \
	{ \
		return f->core.l.nr_ents; \
	} \
	SRINGI_UNUSED SRING_INLINE uint32_t name##_back_size(const struct name##_back *b) \
	{ \
		return b->core.l.nr_ents; \
	} \
	SRINGI_UNUSED SRING_INLINE int name##_front_free_requests( \
		const struct name##_front *f) \
	{ \
		return sring_front_free_requests(&f->core); \
	} \
	SRINGI_UNUSED SRING_INLINE int name##_front_full(const struct name##_front *f) \
	{ \
		return sring_front_full(&f->core); \
	} \
	SRINGI_UNUSED SRING_INLINE req_t *name##_front_get_request(struct name##_front *f) \
	{ \
		return (req_t *)sring_front_get_request(&f->core); \
	} \
	SRINGI_UNUSED SRING_INLINE int name##_front_put_request(struct name##_front *f, \
						  const req_t *req) \
	{ \
		return sringi_front_put_request_n(&f->core, req, \
						  sizeof(req_t)); \
	} \
	SRINGI_UNUSED SRING_INLINE int name##_front_push_requests(struct name##_front *f) \
	{ \
		return sring_front_push_requests(&f->core); \
	} \
	SRINGI_UNUSED SRING_INLINE int name##_front_unconsumed_responses( \
		struct name##_front *f) \
	{ \
		return sring_front_unconsumed_responses(&f->core); \
	} \
	SRINGI_UNUSED SRING_INLINE int name##_front_copy_response(struct name##_front *f, \
						    rsp_t *rsp) \
	{ \
		return sringi_front_copy_response_n(&f->core, rsp, \
						     sizeof(rsp_t)); \
	} \
	SRINGI_UNUSED SRING_INLINE int name##_front_copy_responses(struct name##_front *f, \
						     rsp_t *rsp, \
						     unsigned int max) \
	{ \
		return sring_front_copy_responses(&f->core, rsp, max); \
	} \
	SRINGI_UNUSED SRING_INLINE int name##_front_final_check(struct name##_front *f) \
	{ \
		return sring_front_final_check(&f->core); \
	} \
	SRINGI_UNUSED SRING_INLINE void name##_front_set_moderation(struct name##_front *f, \
						      uint32_t k) \
	{ \
		sring_front_set_moderation(&f->core, k); \
	} \
	SRINGI_UNUSED SRING_INLINE void name##_front_set_publish(struct name##_front *f, \
						   uint32_t k) \
	{ \
		sring_front_set_publish(&f->core, k); \
	} \
	SRINGI_UNUSED SRING_INLINE void name##_front_notify_off(struct name##_front *f) \
	{ \
		sring_front_notify_off(&f->core); \
	} \
	SRINGI_UNUSED SRING_INLINE int name##_front_broken(const struct name##_front *f) \
	{ \
		return sring_front_broken(&f->core); \
	} \
	SRINGI_UNUSED SRING_INLINE int name##_back_unconsumed_requests( \
		struct name##_back *b) \
	{ \
		return sring_back_unconsumed_requests(&b->core); \
	} \
	SRINGI_UNUSED SRING_INLINE int name##_back_copy_request(struct name##_back *b, \
						  req_t *req) \
	{ \
		return sringi_back_copy_request_n(&b->core, req, \
						  sizeof(req_t)); \
	} \
	SRINGI_UNUSED SRING_INLINE int name##_back_copy_requests(struct name##_back *b, \
						   req_t *req, \
						   unsigned int max) \
	{ \
		return sring_back_copy_requests(&b->core, req, max); \
	} \
	SRINGI_UNUSED SRING_INLINE rsp_t *name##_back_get_response(struct name##_back *b) \
	{ \
		return (rsp_t *)sring_back_get_response(&b->core); \
	} \
	SRINGI_UNUSED SRING_INLINE int name##_back_put_response(struct name##_back *b, \
						  const rsp_t *rsp) \
	{ \
		return sringi_back_put_response_n(&b->core, rsp, \
						  sizeof(rsp_t)); \
	} \
	SRINGI_UNUSED SRING_INLINE int name##_back_push_responses(struct name##_back *b) \
	{ \
		return sring_back_push_responses(&b->core); \
	} \
	SRINGI_UNUSED SRING_INLINE int name##_back_final_check(struct name##_back *b) \
	{ \
		return sring_back_final_check(&b->core); \
	} \
	SRINGI_UNUSED SRING_INLINE void name##_back_set_moderation(struct name##_back *b, \
						     uint32_t k) \
	{ \
		sring_back_set_moderation(&b->core, k); \
	} \
	SRINGI_UNUSED SRING_INLINE void name##_back_set_publish(struct name##_back *b, \
						  uint32_t k) \
	{ \
		sring_back_set_publish(&b->core, k); \
	} \
	SRINGI_UNUSED SRING_INLINE void name##_back_notify_off(struct name##_back *b) \
	{ \
		sring_back_notify_off(&b->core); \
	} \
	SRINGI_UNUSED SRING_INLINE int name##_back_broken(const struct name##_back *b) \
	{ \
		return sring_back_broken(&b->core); \
	} \
	typedef int name##_sring_types_end_

#endif /* SRING_RING_H */
