/* SPDX-License-Identifier: MIT */
/*
 * sring_fuzzkit.h - turn a fuzzer's byte string into a hostile peer.
 *
 * Most split-driver advisories are "the peer wrote something unexpected
 * into shared memory and we trusted it". This header lets you fuzz *your*
 * end of an sring ring against such a peer: it plays the other end, reads
 * the fuzzer's bytes as a script of peer actions (set or move any index
 * word, publish slots full of fuzz bytes, scribble on any shared byte,
 * notify), and calls your step function whenever the script says the peer
 * notified. Run it under ASan/UBSan (clang -fsanitize=fuzzer,address,
 * undefined) and every crash is a place where your driver trusted the page.
 *
 * Not part of the freestanding library: it uses libc (memcpy) and is meant
 * for test builds only. It knows nothing of your protocol; give it a
 * shape() callback to make published payloads plausible enough to reach
 * deep code (the fuzzer still controls every byte shape() does not fix).
 *
 * A complete harness for a back end (about ten lines):
 *
 *   int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
 *   {
 *           unsigned char *page = aligned_alloc(4096, 4096);
 *           struct my_backend be;
 *           struct sring_fuzzkit k;
 *
 *           my_backend_init(&be, page, 4096);       // sets up be.ring
 *           sring_fuzzkit_init(&k, data, size, &be.ring.core.l,
 *                              SRING_FUZZKIT_PEER_IS_FRONT, page, 4096);
 *           sring_fuzzkit_run(&k, my_backend_step, &be);
 *           free(page);
 *           return 0;
 *   }
 *
 * where my_backend_step(&be) is your request loop body: consume what is
 * there, respond, push, final-check; it returns 0 to go on.
 *
 * Script format (one opcode byte, then its arguments; missing bytes read as
 * zero, so every byte string is a valid script):
 *
 *   op % 16  action                          arguments
 *   0,1,2    notify: run the step function   -
 *   3,4      publish n honest slots          n, then n slots of payload
 *   5        publish n slots, no bound       n (may overrun the ring)
 *   6        set our producer index          4 bytes
 *   7        move our producer index         signed byte (rewind, jump)
 *   8        set our event index             4 bytes
 *   9        arm our event honestly          -
 *   10       set any of the 4 index words    which, 4 bytes
 *   11       write bytes into a slot         slot, offset, len, bytes
 *                                            (slot: bit 7 the response
 *                                            view; 2 more bytes of slot
 *                                            number over 128 slots)
 *   12       write bytes anywhere in area    2-byte offset (4 over
 *                                            64 KiB), len, bytes
 *   13       replay: publish, rewind, notify n
 *   14       rewrite the last published slot payload
 *   15       notify and then rewind by one   -
 */
#ifndef SRING_FUZZKIT_H
#define SRING_FUZZKIT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <sring/ring.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Which end the kit plays; the code under test is the other one. */
enum sring_fuzzkit_role {
	SRING_FUZZKIT_PEER_IS_FRONT = 0, /* you test a back end */
	SRING_FUZZKIT_PEER_IS_BACK = 1   /* you test a front end */
};

/* Number of distinct opcodes (the opcode byte is taken modulo this). */
#define SRING_FUZZKIT_NOPS 16u

/* Your end's step: 0 to go on, anything else stops sring_fuzzkit_run(). */
typedef int (*sring_fuzzkit_step_fn)(void *ctx);

/* Optional: make a published payload plausible. idx is its ring index. */
typedef void (*sring_fuzzkit_shape_fn)(void *slot, size_t size,
					sring_idx_t idx, void *arg);

struct sring_fuzzkit {
	const uint8_t *data;  /* the fuzzer's input */
	size_t size;
	size_t pos;           /* next unread byte */
	struct sring_layout l; /* the ring, as your end sees it */
	int role;
	unsigned char *area;  /* whole shared area (for op 12), or NULL */
	size_t area_bytes;
	sring_fuzzkit_shape_fn shape; /* NULL: payloads are raw fuzz bytes */
	void *shape_arg;
	unsigned long max_steps; /* cap on step calls per input (default 4096) */
	/* What happened (for harnesses that want to assert on it). */
	unsigned long actions;
	unsigned long steps;
	unsigned long published; /* slots published by op 3/4/5/13 */
};

/* Next input byte; 0 once the input is used up. */
static inline uint8_t sring_fuzzkit_byte(struct sring_fuzzkit *k)
{
	return k->pos < k->size ? k->data[k->pos++] : 0;
}

/* Next 4 input bytes, little-endian; zeros once the input is used up. */
static inline uint32_t sring_fuzzkit_u32(struct sring_fuzzkit *k)
{
	uint32_t v = 0;
	unsigned int i;

	for (i = 0; i < 4; i++)
		v |= (uint32_t)sring_fuzzkit_byte(k) << (8 * i);
	return v;
}

/* Fills n bytes at dst from the input (zeros once it is used up). */
static inline void sring_fuzzkit_bytes(struct sring_fuzzkit *k, void *dst,
				       size_t n)
{
	size_t have = k->size - k->pos;

	if (have > n)
		have = n;
	memcpy(dst, k->data + k->pos, have);
	memset((unsigned char *)dst + have, 0, n - have);
	k->pos += have;
}

/* 1 while unread input remains. */
static inline int sring_fuzzkit_more(const struct sring_fuzzkit *k)
{
	return k->pos < k->size;
}

/**
 * sring_fuzzkit_init() - set up a hostile peer for a ring.
 * @k: kit state
 * @data, @size: the fuzzer's input (not copied; keep it alive)
 * @l: the layout of the ring under test (e.g. &my_back.core.l); may be
 *      NULL if you set k->l yourself before the first action
 * @role: which end the kit plays
 * @area, @area_bytes: the whole shared area, for raw writes; may be NULL/0
 */
static inline void sring_fuzzkit_init(struct sring_fuzzkit *k,
				      const uint8_t *data, size_t size,
				      const struct sring_layout *l, int role,
				      void *area, size_t area_bytes)
{
	memset(k, 0, sizeof(*k));
	k->data = data;
	k->size = size;
	if (l)
		k->l = *l;
	k->role = role;
	k->area = (unsigned char *)area;
	k->area_bytes = area ? area_bytes : 0;
	k->max_steps = 4096;
}

/* Our (the peer's) producer word, event word, slots; and the victim's. */
static inline sring_idx_t *sringk_my_prod(struct sring_fuzzkit *k)
{
	return k->role == SRING_FUZZKIT_PEER_IS_FRONT ? k->l.req_prod
						      : k->l.rsp_prod;
}

static inline sring_idx_t *sringk_my_event(struct sring_fuzzkit *k)
{
	return k->role == SRING_FUZZKIT_PEER_IS_FRONT ? k->l.rsp_event
						      : k->l.req_event;
}

static inline sring_idx_t *sringk_their_prod(struct sring_fuzzkit *k)
{
	return k->role == SRING_FUZZKIT_PEER_IS_FRONT ? k->l.rsp_prod
						      : k->l.req_prod;
}

static inline unsigned char *sringk_my_slot(struct sring_fuzzkit *k,
					    sring_idx_t i, size_t *size)
{
	uint32_t m = k->l.nr_ents - 1u;

	if (k->role == SRING_FUZZKIT_PEER_IS_FRONT) {
		*size = k->l.req_size;
		return k->l.req_slots + (size_t)(i & m) * k->l.req_stride;
	}
	*size = k->l.rsp_size;
	return k->l.rsp_slots + (size_t)(i & m) * k->l.rsp_stride;
}

/* Fills slot i with fuzz bytes, then lets shape() fix what it wants. */
static inline void sringk_fill(struct sring_fuzzkit *k, sring_idx_t i)
{
	size_t n;
	unsigned char *s = sringk_my_slot(k, i, &n);

	sring_fuzzkit_bytes(k, s, n);
	if (k->shape)
		k->shape(s, n, i, k->shape_arg);
}

/*
 * How many slots an honest peer could publish now: a front may run
 * nr_ents ahead of the responses; a back may answer what was requested.
 */
static inline uint32_t sringk_honest_room(struct sring_fuzzkit *k)
{
	sring_idx_t mine = SRING_LOAD_RELAXED(sringk_my_prod(k));
	sring_idx_t theirs = SRING_LOAD_RELAXED(sringk_their_prod(k));
	uint32_t used;

	if (k->role == SRING_FUZZKIT_PEER_IS_FRONT) {
		used = mine - theirs;
		return used > k->l.nr_ents ? 0 : k->l.nr_ents - used;
	}
	used = theirs - mine;
	return used > k->l.nr_ents ? 0 : used;
}

static inline void sringk_publish(struct sring_fuzzkit *k, uint32_t n)
{
	sring_idx_t p = SRING_LOAD_RELAXED(sringk_my_prod(k));
	uint32_t i;

	for (i = 0; i < n; i++)
		sringk_fill(k, (sring_idx_t)(p + i));
	SRING_STORE_RELEASE(sringk_my_prod(k), (sring_idx_t)(p + n));
	k->published += n;
}

/* Runs the step function unless the step budget is spent. */
static inline int sringk_step(struct sring_fuzzkit *k,
			      sring_fuzzkit_step_fn step, void *ctx)
{
	if (k->steps >= k->max_steps)
		return 1;
	k->steps++;
	return step ? step(ctx) : 0;
}

/**
 * sring_fuzzkit_peer_op() - perform one peer action.
 * @k: kit
 * @op: opcode (taken modulo SRING_FUZZKIT_NOPS); arguments come from input
 * @step, @ctx: called for the notify opcodes (may be NULL)
 *
 * Return: what the step function returned (0 if it was not called).
 */
static inline int sring_fuzzkit_peer_op(struct sring_fuzzkit *k, unsigned op,
					sring_fuzzkit_step_fn step, void *ctx)
{
	uint32_t n, v, m = k->l.nr_ents;
	sring_idx_t *w;
	size_t size;
	unsigned char *s;

	k->actions++;
	switch (op % SRING_FUZZKIT_NOPS) {
	case 0: case 1: case 2:
		return sringk_step(k, step, ctx);
	case 3: case 4:
		n = sring_fuzzkit_byte(k) % (m + 1u);
		v = sringk_honest_room(k);
		sringk_publish(k, n < v ? n : v);
		return 0;
	case 5:
		/* Up to twice the ring: overruns the back end's window. */
		sringk_publish(k, sring_fuzzkit_byte(k) % (2u * m + 2u));
		return 0;
	case 6:
		SRING_STORE_RELEASE(sringk_my_prod(k), sring_fuzzkit_u32(k));
		return 0;
	case 7:
		w = sringk_my_prod(k);
		v = (uint32_t)(int32_t)(int8_t)sring_fuzzkit_byte(k);
		SRING_STORE_RELEASE(w, (sring_idx_t)(SRING_LOAD_RELAXED(w) + v));
		return 0;
	case 8:
		SRING_STORE_RELAXED(sringk_my_event(k), sring_fuzzkit_u32(k));
		return 0;
	case 9:
		/* What an honest consumer does before sleeping. */
		SRING_STORE_RELAXED(sringk_my_event(k),
			(sring_idx_t)(SRING_LOAD_RELAXED(sringk_their_prod(k)) +
				      1u));
		return 0;
	case 10: {
		sring_idx_t *words[4];

		words[0] = k->l.req_prod;
		words[1] = k->l.req_event;
		words[2] = k->l.rsp_prod;
		words[3] = k->l.rsp_event;
		w = words[sring_fuzzkit_byte(k) & 3u];
		SRING_STORE_RELAXED(w, sring_fuzzkit_u32(k));
		return 0;
	}
	case 11: {
		/* Any bytes of any slot, request or response view. */
		uint8_t which = sring_fuzzkit_byte(k);
		uint32_t stride = (which & 0x80u) ? k->l.rsp_stride
						  : k->l.req_stride;
		unsigned char *base = (which & 0x80u) ? k->l.rsp_slots
						      : k->l.req_slots;
		uint32_t slot = which & 0x7fu, off, len;

		/* Rings over 128 slots: two more bytes of slot number. */
		if (m > 128u) {
			slot |= (uint32_t)sring_fuzzkit_byte(k) << 7;
			slot |= (uint32_t)sring_fuzzkit_byte(k) << 15;
		}
		off = sring_fuzzkit_byte(k) % stride;
		len = sring_fuzzkit_byte(k) % (stride - off + 1u);
		sring_fuzzkit_bytes(k, base + (size_t)(slot & (m - 1u)) *
				    stride + off, len);
		return 0;
	}
	case 12: {
		size_t off, len;

		n = sring_fuzzkit_byte(k);
		n |= (uint32_t)sring_fuzzkit_byte(k) << 8;
		/* Areas over 64 KiB: two more bytes of offset. */
		if (k->area_bytes > 0x10000u) {
			n |= (uint32_t)sring_fuzzkit_byte(k) << 16;
			n |= (uint32_t)sring_fuzzkit_byte(k) << 24;
		}
		len = sring_fuzzkit_byte(k) % 17u;
		if (!k->area_bytes)
			return 0;
		off = n % k->area_bytes;
		if (len > k->area_bytes - off)
			len = k->area_bytes - off;
		sring_fuzzkit_bytes(k, k->area + off, len);
		return 0;
	}
	case 13: {
		/* Publish, let the victim run, take it back, publish again. */
		int rc;

		n = 1u + sring_fuzzkit_byte(k) % m;
		w = sringk_my_prod(k);
		v = SRING_LOAD_RELAXED(w);
		sringk_publish(k, n);
		rc = sringk_step(k, step, ctx);
		if (rc)
			return rc;
		SRING_STORE_RELEASE(w, v);
		sringk_publish(k, n);
		return sringk_step(k, step, ctx);
	}
	case 14:
		/* Change a payload after publishing it (double-fetch bait). */
		v = SRING_LOAD_RELAXED(sringk_my_prod(k));
		s = sringk_my_slot(k, (sring_idx_t)(v - 1u), &size);
		sring_fuzzkit_bytes(k, s, size);
		return 0;
	default: {
		int rc = sringk_step(k, step, ctx);

		w = sringk_my_prod(k);
		SRING_STORE_RELEASE(w, (sring_idx_t)(SRING_LOAD_RELAXED(w) -
						     1u));
		return rc;
	}
	}
}

/**
 * sring_fuzzkit_run() - play the whole input against your step function.
 * @k: kit from sring_fuzzkit_init()
 * @step: your end's request (or response) loop body
 * @ctx: its argument
 *
 * Reads opcodes until the input is used up, the step budget is spent, or
 * step() returns non-zero; then, if it can, calls step() once more (a
 * final notification), so every script ends with your end having looked.
 *
 * Return: the number of step calls.
 */
static inline unsigned long sring_fuzzkit_run(struct sring_fuzzkit *k,
					      sring_fuzzkit_step_fn step,
					      void *ctx)
{
	while (sring_fuzzkit_more(k)) {
		if (sring_fuzzkit_peer_op(k, sring_fuzzkit_byte(k), step, ctx))
			return k->steps;
	}
	sringk_step(k, step, ctx);
	return k->steps;
}

#ifdef __cplusplus
}
#endif

#endif /* SRING_FUZZKIT_H */
