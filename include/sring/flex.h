/* SPDX-License-Identifier: MIT */
/*
 * sring/flex.h - one-way byte-stream rings ("flex rings"), wire-compatible
 * with Xen's DEFINE_XEN_FLEX_RING and the console page, hardened against a
 * hostile peer.
 *
 * A writer copies bytes into a power-of-two data area and advances a
 * free-running 32-bit producer index; a reader copies them out and advances
 * a consumer index. Consoles, 9pfs, pvcalls and vchan-style channels use a
 * pair of these, one per direction. The library is handed pointers to the
 * two shared index words and the data area; the size is private.
 *
 * Quick start
 * -----------
 *
 *   writer:                                 reader:
 *   sring_flex_writer_init(&w, &p->prod,    sring_flex_reader_init(&r,
 *           &p->cons, p->data, size);              &p->prod, &p->cons,
 *   n = sring_flex_write(&w, buf, len);            p->data, size);
 *   if (sring_flex_push(&w) > 0)            for (;;) {
 *           notify_reader();                  while ((n = sring_flex_read(
 *   if (n < len &&                                    &r, buf, sizeof(buf))) > 0)
 *       sring_flex_final_check(&w, 1) == 0)         consume(buf, n);
 *           sleep_until_event();              if (n < 0) goto broken;
 *                                             if (sring_flex_push(&r) > 0)
 *                                                     notify_writer();
 *                                             if (sring_flex_final_check(&r, 1)
 *                                                 == 0)
 *                                                     sleep_until_event();
 *                                           }
 *
 * Data-moving calls (write, reserve/commit, read, spans/release) only move
 * the caller's private index; sring_flex_push() publishes it and says
 * whether the peer must be notified. Batch as many moves as you like
 * before one push.
 *
 * Shared state
 * ------------
 *
 *   word        written by  meaning
 *   prod        writer      bytes written so far (free-running)
 *   cons        reader      bytes consumed so far (free-running)
 *   prod_event  reader      optional: "notify me when prod passes this"
 *   cons_event  writer      optional: "notify me when cons passes this"
 *   data[size]  writer      byte i of the stream is data[i & (size - 1)]
 *
 * Ready-made layouts: sring_flex_xen_layout() (Xen's flex index page: no
 * event words), sring_flex_native_layout() (sring's own, with event words)
 * and sring/proto/console.h (the Xen console page: no event words).
 *
 * Validation
 * ----------
 *
 * Every load of the peer's index is checked on the raw 32-bit values,
 * never on masked ones (Xen's name_queued() masks first and silently
 * returns a wrong count; libvchan's copy of that logic was XSA-86):
 *
 *   reader, prod loaded:  last_prod <= prod <= our published cons + size
 *   writer, cons loaded:  last_cons <= cons <= our published prod
 *
 * (all "<=" are on unsigned distances, so crossing 2^32 is ordinary). A
 * violation returns SRING_EPROTO and latches the ring broken: every later
 * call returns SRING_EPROTO without touching shared memory. Every copy is
 * bounded by the private size, so no index or length a peer writes can
 * move a copy outside data[0..size).
 *
 * Ordering (labels are used at each ordering point in the code)
 * -------------------------------------------------------------
 *
 *   writer                                  reader
 *   A1 acquire-load cons (room?)            .
 *   copy bytes into data                    .
 *   R1 release-store prod  -------------->  A2 acquire-load prod
 *   F1 full fence                           .  copy bytes out of data
 *   load prod_event or cons (notify?)       .
 *   .                       <------------   R2 release-store cons
 *   A1 (next room check) sees the reader's  F2 full fence
 *      reads done before it overwrites      load cons_event or prod (notify?)
 *
 *   before sleeping (final check):
 *   store cons_event (if any)               store prod_event (if any)
 *   F3 full fence (pairs with F2)           F4 full fence (pairs with F1)
 *   A1 re-load cons                         A2 re-load prod
 *
 * R2 is a release store so that the reader's copies out of data are done
 * before the writer can see the space as free and overwrite it. Without
 * event words a side's "arm" is its own published index, so F1 also
 * pairs with F2 (and F3 with F4): whichever fence follows the last store
 * of an index orders it before the load of the other.
 *
 * Notification rules
 * ------------------
 *
 * With event words (event-index suppression, Xen's rule):
 *   the reader that waits for k bytes sets prod_event = cons + k;
 *   the writer that waits for k free bytes sets cons_event = prod - size + k;
 *   a push from old to new notifies iff the peer's event is in (old, new]:
 *     notify = (uint32_t)(new - event) < (uint32_t)(new - old)
 *
 * Without event words (Xen's flex page, the console page), a push loads the
 * peer's index after F1/F2 and applies a conservative rule. Let W ("wake",
 * private, both sides agree on it out of band) be the most bytes either
 * side ever waits for in sring_flex_final_check(); then
 *   writer push old->new notifies iff the reader had fewer than W bytes
 *     unread before it:           old - cons < W      (cons <= old)
 *   reader push old->new notifies iff the writer had fewer than W bytes
 *     of room before it:          size - (prod - old) < W
 * Proof sketch: a sleeping reader published cons, fenced and saw
 * prod == P with P - cons < k <= W. The first push it did not see has
 * old == P; by F1/F4 that push sees the sleeper's cons, so old - cons < W
 * and it notifies. The writer's case is the mirror image. The default W is
 * size, which notifies on every push that moved an index: that is what
 * Xen's own flex and console peers expect, since they do not fence
 * between publishing and re-checking. Two sring peers that only wait for
 * single bytes (streams) can use sring_flex_set_wake(r, 1): the writer
 * then notifies only when the ring was empty, the reader only when it was
 * full.
 *
 * Hooks: SRING_INLINE, SRING_ASSERT (local misuse only), the five ordering
 * macros of atomic.h. Freestanding: only <stddef.h> and <stdint.h>; bytes
 * move with the word loops of copy.h, never through memcpy.
 */
#ifndef SRING_FLEX_H
#define SRING_FLEX_H

#include <sring/config.h>
#include <sring/atomic.h>
#include <sring/copy.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Roles. */
#define SRING_FLEX_WRITER 1
#define SRING_FLEX_READER 2

/* Largest data area: every count fits in an int. */
#define SRING_FLEX_MAX_SIZE 0x40000000u

/* Bytes of the length prefix of sring_flex_write_msg() frames. */
#define SRING_FLEX_MSG_HDR 4u

/*
 * Where one ring's shared words and data are. Private; never shared.
 * prod_event and cons_event are both NULL (layout without event words) or
 * both set.
 */
struct sring_flex_layout {
	sring_idx_t *prod;        /* written by the writer */
	sring_idx_t *cons;        /* written by the reader */
	sring_idx_t *prod_event;  /* written by the reader, or NULL */
	sring_idx_t *cons_event;  /* written by the writer, or NULL */
	unsigned char *data;      /* size bytes */
	uint32_t size;            /* power of two, 1..SRING_FLEX_MAX_SIZE */
};

/* A contiguous piece of the data area (zero-copy access). */
struct sring_flex_span {
	unsigned char *p;  /* NULL when len is 0 */
	uint32_t len;
};

/* One side of one ring. Private state: never place it in shared memory. */
struct sring_flex {
	sring_idx_t *prod;
	sring_idx_t *cons;
	sring_idx_t *prod_event;
	sring_idx_t *cons_event;
	unsigned char *data;
	uint32_t size;      /* never read from shared memory */
	uint32_t mask;      /* size - 1 */
	uint32_t wake;      /* most bytes either side waits for (no events) */
	sring_idx_t pvt;    /* own index: bytes written / consumed so far */
	sring_idx_t pub;    /* own index as last published */
	sring_idx_t peer;   /* last validated value of the peer's index */
	uint32_t resv;      /* writer: bytes reserved at pvt, not committed */
	int role;           /* SRING_FLEX_WRITER or SRING_FLEX_READER */
	int broken;         /* 0, or SRING_EPROTO once latched */
};

/* ---------------------------------------------------------------------
 * Stateless helpers (for macro layers such as a DEFINE_XEN_FLEX_RING
 * drop-in, which get indices rather than a struct sring_flex)
 * ------------------------------------------------------------------- */

SRING_INLINE int sringi_flex_size_ok(uint32_t size)
{
	return size != 0 && size <= SRING_FLEX_MAX_SIZE &&
	       (size & (size - 1u)) == 0;
}

/**
 * sring_flex_queued() - bytes between two raw indices, validated.
 * @prod: producer index as loaded (once) from shared memory
 * @cons: consumer index
 * @size: ring size (power of two, at most SRING_FLEX_MAX_SIZE)
 *
 * Unlike Xen's name_queued(), the check is made before any masking.
 * Return: prod - cons (0..size), or SRING_EPROTO if that exceeds size,
 * or SRING_EINVAL for a bad size.
 */
SRING_INLINE int sring_flex_queued(sring_idx_t prod, sring_idx_t cons,
				   uint32_t size)
{
	if (!sringi_flex_size_ok(size))
		return SRING_EINVAL;
	if ((sring_idx_t)(prod - cons) > size)
		return SRING_EPROTO;
	return (int)(sring_idx_t)(prod - cons);
}

/**
 * sring_flex_copy_out() - copy n stream bytes starting at index idx out of
 * a data area, across the wrap.
 * @data: the data area (shared)
 * @size: its size (power of two)
 * @idx: stream index of the first byte (any value: it is masked)
 * @dst: private destination
 * @n: bytes; more than size is clamped to size
 *
 * Every shared byte is read once; no byte outside data[0..size) is read.
 * Return: bytes copied (n clamped), or 0 for a bad size.
 */
SRING_INLINE uint32_t sring_flex_copy_out(const unsigned char *data,
					  uint32_t size, sring_idx_t idx,
					  void *dst, uint32_t n)
{
	uint32_t off, first;

	if (!sringi_flex_size_ok(size))
		return 0;
	if (n > size)
		n = size;
	off = idx & (size - 1u);
	first = size - off;
	if (first > n)
		first = n;
	sringi_copy_from_shared(dst, data + off, first);
	if (n > first)
		sringi_copy_from_shared((unsigned char *)dst + first, data,
					n - first);
	return n;
}

/**
 * sring_flex_copy_in() - copy n private bytes into a data area at stream
 * index idx, across the wrap.
 * @data: the data area (shared)
 * @size: its size (power of two)
 * @idx: stream index of the first byte
 * @src: private source
 * @n: bytes; more than size is clamped to size
 *
 * Return: bytes copied, or 0 for a bad size.
 */
SRING_INLINE uint32_t sring_flex_copy_in(unsigned char *data, uint32_t size,
					 sring_idx_t idx, const void *src,
					 uint32_t n)
{
	uint32_t off, first;

	if (!sringi_flex_size_ok(size))
		return 0;
	if (n > size)
		n = size;
	off = idx & (size - 1u);
	first = size - off;
	if (first > n)
		first = n;
	sringi_copy_to_shared(data + off, src, first);
	if (n > first)
		sringi_copy_to_shared(data, (const unsigned char *)src + first,
				      n - first);
	return n;
}

/* Xen's rule: event lies in (old_idx, new_idx]. */
SRING_INLINE int sringi_flex_crossed(sring_idx_t event, sring_idx_t new_idx,
				     sring_idx_t old_idx)
{
	return (sring_idx_t)(new_idx - event) <
	       (sring_idx_t)(new_idx - old_idx);
}

/* ---------------------------------------------------------------------
 * Set-up
 * ------------------------------------------------------------------- */

SRING_INLINE int sringi_flex_layout_ok(const struct sring_flex_layout *l)
{
	return l && l->prod && l->cons && l->data &&
	       sringi_flex_size_ok(l->size) &&
	       (l->prod_event == NULL) == (l->cons_event == NULL);
}

/**
 * sring_flex_shared_init() - initialise a ring's shared words and data.
 * @l: the layout
 * @idx: starting value of prod and cons
 *
 * Zeroes the data area (nothing of ours that was in those pages reaches
 * the peer) and sets prod = cons = idx, prod_event = idx + 1 (the first
 * byte is announced) and cons_event = idx (the writer waits for nothing).
 *
 * Context: whoever creates the shared area, before either side starts.
 * Return: SRING_OK or SRING_EINVAL.
 */
SRING_INLINE int sring_flex_shared_init(const struct sring_flex_layout *l,
					sring_idx_t idx)
{
	if (!sringi_flex_layout_ok(l))
		return SRING_EINVAL;
	sringi_zero_shared(l->data, l->size);
	SRING_STORE_RELAXED(l->prod, idx);
	SRING_STORE_RELAXED(l->cons, idx);
	if (l->prod_event) {
		SRING_STORE_RELAXED(l->prod_event, (sring_idx_t)(idx + 1u));
		SRING_STORE_RELAXED(l->cons_event, idx);
	}
	return SRING_OK;
}

/**
 * sring_flex_attach() - set up one side of a ring at an agreed index.
 * @r: private state to initialise
 * @role: SRING_FLEX_WRITER or SRING_FLEX_READER
 * @l: where the shared words and data are
 * @idx: the index prod and cons both stand at (0 for a new ring)
 *
 * Context: reads and writes no shared memory. The wake threshold starts
 * at l->size (notify on every push without event words).
 * Return: SRING_OK or SRING_EINVAL.
 */
SRING_INLINE int sring_flex_attach(struct sring_flex *r, int role,
				   const struct sring_flex_layout *l,
				   sring_idx_t idx)
{
	if (!r || !sringi_flex_layout_ok(l) ||
	    (role != SRING_FLEX_WRITER && role != SRING_FLEX_READER))
		return SRING_EINVAL;
	r->prod = l->prod;
	r->cons = l->cons;
	r->prod_event = l->prod_event;
	r->cons_event = l->cons_event;
	r->data = l->data;
	r->size = l->size;
	r->mask = l->size - 1u;
	r->wake = l->size;
	r->pvt = idx;
	r->pub = idx;
	r->peer = idx;
	r->resv = 0;
	r->role = role;
	r->broken = 0;
	return SRING_OK;
}

/**
 * sring_flex_resume() - set up one side of a live ring from its indices.
 * @r: private state to initialise
 * @role: SRING_FLEX_WRITER or SRING_FLEX_READER
 * @l: the layout
 *
 * For joining a ring whose indices are not known out of band (a console
 * daemon restarting, a guest after kexec). Loads prod and cons once each
 * and adopts them if prod - cons <= size. The peer chose these values, so
 * they are validated like any other; they cannot make us copy outside the
 * data area, only decide where in the stream we start.
 *
 * Return: SRING_OK, SRING_EINVAL, or SRING_EPROTO (r is then set up and
 * latched broken).
 */
SRING_INLINE int sring_flex_resume(struct sring_flex *r, int role,
				   const struct sring_flex_layout *l)
{
	sring_idx_t p, c;
	int rc = sring_flex_attach(r, role, l, 0);

	if (rc != SRING_OK)
		return rc;
	/* A1/A2: as in the refresh functions below. */
	p = SRING_LOAD_ACQUIRE(l->prod);
	c = SRING_LOAD_ACQUIRE(l->cons);
	if ((sring_idx_t)(p - c) > l->size) {
		r->broken = SRING_EPROTO;
		return SRING_EPROTO;
	}
	r->pvt = r->pub = role == SRING_FLEX_WRITER ? p : c;
	r->peer = role == SRING_FLEX_WRITER ? c : p;
	return SRING_OK;
}

/* sring_flex_writer_init() - writer at index 0, layout without events. */
SRING_INLINE int sring_flex_writer_init(struct sring_flex *w,
					sring_idx_t *prod, sring_idx_t *cons,
					void *data, size_t size)
{
	struct sring_flex_layout l;

	if (size > SRING_FLEX_MAX_SIZE)
		return SRING_EINVAL;
	l.prod = prod;
	l.cons = cons;
	l.prod_event = NULL;
	l.cons_event = NULL;
	l.data = (unsigned char *)data;
	l.size = (uint32_t)size;
	return sring_flex_attach(w, SRING_FLEX_WRITER, &l, 0);
}

/* sring_flex_reader_init() - reader at index 0, layout without events. */
SRING_INLINE int sring_flex_reader_init(struct sring_flex *r,
					sring_idx_t *prod, sring_idx_t *cons,
					void *data, size_t size)
{
	struct sring_flex_layout l;

	if (size > SRING_FLEX_MAX_SIZE)
		return SRING_EINVAL;
	l.prod = prod;
	l.cons = cons;
	l.prod_event = NULL;
	l.cons_event = NULL;
	l.data = (unsigned char *)data;
	l.size = (uint32_t)size;
	return sring_flex_attach(r, SRING_FLEX_READER, &l, 0);
}

/**
 * sring_flex_set_wake() - the wake threshold W of a ring without event
 * words (see "Notification rules" above).
 * @r: either side
 * @w: 1..size; both sides must use the same value, and neither may ever
 *     call sring_flex_final_check() with k > w. Out of range values are
 *     clamped.
 *
 * Ignored when the layout has event words.
 */
SRING_INLINE void sring_flex_set_wake(struct sring_flex *r, uint32_t w)
{
	r->wake = w == 0 ? 1u : (w > r->size ? r->size : w);
}

/* sring_flex_size() - the private size of the data area. */
SRING_INLINE uint32_t sring_flex_size(const struct sring_flex *r)
{
	return r->size;
}

/* sring_flex_broken() - SRING_EPROTO once the peer broke the rules. */
SRING_INLINE int sring_flex_broken(const struct sring_flex *r)
{
	return r->broken;
}

/* sring_flex_index() - own private index (bytes written / consumed). */
SRING_INLINE sring_idx_t sring_flex_index(const struct sring_flex *r)
{
	return r->pvt;
}

/* ---------------------------------------------------------------------
 * Internal: load and validate the peer's index
 * ------------------------------------------------------------------- */

SRING_INLINE int sringi_flex_break(struct sring_flex *r)
{
	r->broken = SRING_EPROTO;
	return SRING_EPROTO;
}

/* Writer: loads cons once; returns free bytes (0..size) or EPROTO. */
SRING_INLINE int sringi_flex_wrefresh(struct sring_flex *w)
{
	/* A1: pairs with R2 in the reader's push: its copies out of the
	 * bytes it released are done before we overwrite them. */
	sring_idx_t c = SRING_LOAD_ACQUIRE(w->cons);

	if (SRING_UNLIKELY((sring_idx_t)(c - w->peer) >
			   (sring_idx_t)(w->pub - w->peer)))
		return sringi_flex_break(w);
	w->peer = c;
	return (int)(w->size - (sring_idx_t)(w->pvt - c));
}

/* Reader: loads prod once; returns unread bytes (0..size) or EPROTO. */
SRING_INLINE int sringi_flex_rrefresh(struct sring_flex *r)
{
	/* A2: pairs with R1 in the writer's push: the bytes up to prod are
	 * written before we copy them. */
	sring_idx_t p = SRING_LOAD_ACQUIRE(r->prod);

	if (SRING_UNLIKELY((sring_idx_t)(p - r->peer) >
			   (sring_idx_t)(r->pub + r->size - r->peer)))
		return sringi_flex_break(r);
	r->peer = p;
	return (int)(sring_idx_t)(p - r->pvt);
}

/* Misuse (wrong role, NULL buffer) and a latched ring in one check. */
SRING_INLINE int sringi_flex_check(const struct sring_flex *r, int role)
{
	if (SRING_UNLIKELY(r->broken))
		return r->broken;
	if (SRING_UNLIKELY(r->role != role)) {
		SRING_ASSERT(!"sring: flex call on the wrong side");
		return SRING_EINVAL;
	}
	return SRING_OK;
}

/* ---------------------------------------------------------------------
 * Writer
 * ------------------------------------------------------------------- */

/**
 * sring_flex_free() - bytes the writer can write now.
 * @w: writer
 *
 * Loads cons once (acquire) and validates it.
 * Return: free bytes (0..size), or SRING_EPROTO.
 */
SRING_INLINE int sring_flex_free(struct sring_flex *w)
{
	int rc = sringi_flex_check(w, SRING_FLEX_WRITER);

	return rc ? rc : sringi_flex_wrefresh(w);
}

/* Free bytes from the snapshot, refreshed only if fewer than want. */
SRING_INLINE int sringi_flex_room(struct sring_flex *w, size_t want)
{
	uint32_t room = w->size - (sring_idx_t)(w->pvt - w->peer);

	if (room >= want)
		return (int)room;
	return sringi_flex_wrefresh(w);
}

/**
 * sring_flex_write() - copy up to n bytes into the ring.
 * @w: writer
 * @buf: n private bytes
 * @n: bytes offered
 *
 * Copies as many as fit (across the wrap) and advances the private index;
 * sring_flex_push() publishes them. Cancels an uncommitted reservation.
 * Return: bytes written (0 if full), SRING_EPROTO or SRING_EINVAL.
 */
SRING_INLINE int sring_flex_write(struct sring_flex *w, const void *buf,
				  size_t n)
{
	int room = sringi_flex_check(w, SRING_FLEX_WRITER);
	uint32_t k;

	if (room)
		return room;
	if (!buf && n)
		return SRING_EINVAL;
	room = sringi_flex_room(w, n);
	if (room < 0)
		return room;
	k = (size_t)room < n ? (uint32_t)room : (uint32_t)n;
	sring_flex_copy_in(w->data, w->size, w->pvt, buf, k);
	w->pvt += k;
	w->resv = 0;
	return (int)k;
}

/**
 * sring_flex_write_all() - copy exactly n bytes, or nothing.
 * @w: writer
 * @buf: n private bytes
 * @n: 1..size
 *
 * For messages that carry their own framing (9P, pvcalls) and must not be
 * split across pushes.
 * Return: n, SRING_FULL (nothing written), SRING_EPROTO, or SRING_EINVAL
 * (n > size: it could never fit).
 */
SRING_INLINE int sring_flex_write_all(struct sring_flex *w, const void *buf,
				      size_t n)
{
	int room = sringi_flex_check(w, SRING_FLEX_WRITER);

	if (room)
		return room;
	if (n > w->size || (!buf && n))
		return SRING_EINVAL;
	room = sringi_flex_room(w, n);
	if (room < 0)
		return room;
	if ((size_t)room < n)
		return SRING_FULL;
	sring_flex_copy_in(w->data, w->size, w->pvt, buf, (uint32_t)n);
	w->pvt += (uint32_t)n;
	w->resv = 0;
	return (int)n;
}

/**
 * sring_flex_write_msg() - one length-prefixed frame, all or nothing.
 * @w: writer
 * @msg: len private bytes
 * @len: 0..size - SRING_FLEX_MSG_HDR
 *
 * The frame is a native-endian uint32_t length followed by the payload;
 * sring_flex_read_msg() takes it apart.
 * Return: SRING_OK, SRING_FULL (nothing written), SRING_EPROTO or
 * SRING_EINVAL (the frame could never fit).
 */
SRING_INLINE int sring_flex_write_msg(struct sring_flex *w, const void *msg,
				      size_t len)
{
	int room = sringi_flex_check(w, SRING_FLEX_WRITER);
	uint32_t hdr[2]; /* 8 bytes: keeps GCC's -Warray-bounds quiet about
			  * copy.h's (dead) 8-byte path */

	if (room)
		return room;
	if (w->size < SRING_FLEX_MSG_HDR ||
	    len > w->size - SRING_FLEX_MSG_HDR || (!msg && len))
		return SRING_EINVAL;
	room = sringi_flex_room(w, SRING_FLEX_MSG_HDR + len);
	if (room < 0)
		return room;
	if ((size_t)room < SRING_FLEX_MSG_HDR + len)
		return SRING_FULL;
	hdr[0] = (uint32_t)len;
	hdr[1] = 0;
	sring_flex_copy_in(w->data, w->size, w->pvt, hdr, SRING_FLEX_MSG_HDR);
	sring_flex_copy_in(w->data, w->size, w->pvt + SRING_FLEX_MSG_HDR, msg,
			   (uint32_t)len);
	w->pvt += SRING_FLEX_MSG_HDR + (uint32_t)len;
	w->resv = 0;
	return SRING_OK;
}

/**
 * sring_flex_reserve() - zero-copy: up to n bytes of room as two spans.
 * @w: writer
 * @n: bytes wanted
 * @sp: two spans, filled in: sp[0] at the private index, sp[1] at the start
 *      of the data area when the room wraps (else len 0, p NULL)
 *
 * Write into the spans (they are shared memory: write only what the peer
 * may see), then sring_flex_commit() what was filled. A new reserve
 * replaces the previous one.
 * Return: bytes reserved (0 if full), SRING_EPROTO or SRING_EINVAL.
 */
SRING_INLINE int sring_flex_reserve(struct sring_flex *w, size_t n,
				    struct sring_flex_span sp[2])
{
	int room = sringi_flex_check(w, SRING_FLEX_WRITER);
	uint32_t k, off, first;

	sp[0].p = sp[1].p = NULL;
	sp[0].len = sp[1].len = 0;
	if (room)
		return room;
	room = sringi_flex_room(w, n);
	if (room < 0)
		return room;
	k = (size_t)room < n ? (uint32_t)room : (uint32_t)n;
	off = w->pvt & w->mask;
	first = w->size - off < k ? w->size - off : k;
	sp[0].p = first ? w->data + off : NULL;
	sp[0].len = first;
	sp[1].p = k > first ? w->data : NULL;
	sp[1].len = k - first;
	w->resv = k;
	return (int)k;
}

/**
 * sring_flex_commit() - make n reserved bytes part of the stream.
 * @w: writer
 * @n: at most the bytes of the last reservation
 *
 * Advances the private index; sring_flex_push() publishes.
 * Return: SRING_OK, SRING_EPROTO, or SRING_EINVAL (n larger than the
 * reservation: local misuse, also SRING_ASSERT).
 */
SRING_INLINE int sring_flex_commit(struct sring_flex *w, size_t n)
{
	int rc = sringi_flex_check(w, SRING_FLEX_WRITER);

	if (rc)
		return rc;
	if (SRING_UNLIKELY(n > w->resv)) {
		SRING_ASSERT(!"sring: flex commit beyond the reservation");
		return SRING_EINVAL;
	}
	w->pvt += (uint32_t)n;
	w->resv = 0;
	return SRING_OK;
}

/* ---------------------------------------------------------------------
 * Reader
 * ------------------------------------------------------------------- */

/**
 * sring_flex_avail() - bytes the reader can read now.
 * @r: reader
 *
 * Loads prod once (acquire) and validates it.
 * Return: unread bytes (0..size), or SRING_EPROTO.
 */
SRING_INLINE int sring_flex_avail(struct sring_flex *r)
{
	int rc = sringi_flex_check(r, SRING_FLEX_READER);

	return rc ? rc : sringi_flex_rrefresh(r);
}

/* Unread bytes from the snapshot, refreshed only if fewer than want. */
SRING_INLINE int sringi_flex_unread(struct sring_flex *r, size_t want)
{
	uint32_t have = (sring_idx_t)(r->peer - r->pvt);

	if (have >= want)
		return (int)have;
	return sringi_flex_rrefresh(r);
}

/**
 * sring_flex_peek() - copy up to n unread bytes without consuming them.
 * @r: reader
 * @buf: n private bytes
 * @n: bytes wanted
 *
 * A second peek may see different bytes if the writer is hostile: decide
 * on one private copy.
 * Return: bytes copied (0 if empty), SRING_EPROTO or SRING_EINVAL.
 */
SRING_INLINE int sring_flex_peek(struct sring_flex *r, void *buf, size_t n)
{
	int have = sringi_flex_check(r, SRING_FLEX_READER);
	uint32_t k;

	if (have)
		return have;
	if (!buf && n)
		return SRING_EINVAL;
	have = sringi_flex_unread(r, n);
	if (have < 0)
		return have;
	k = (size_t)have < n ? (uint32_t)have : (uint32_t)n;
	sring_flex_copy_out(r->data, r->size, r->pvt, buf, k);
	return (int)k;
}

/**
 * sring_flex_read() - copy out and consume up to n bytes.
 * @r: reader
 * @buf: n private bytes
 * @n: bytes wanted
 *
 * Advances the private index; sring_flex_push() publishes it (and frees
 * the space for the writer).
 * Return: bytes read (0 if empty), SRING_EPROTO or SRING_EINVAL.
 */
SRING_INLINE int sring_flex_read(struct sring_flex *r, void *buf, size_t n)
{
	int k = sring_flex_peek(r, buf, n);

	if (k > 0)
		r->pvt += (uint32_t)k;
	return k;
}

/**
 * sring_flex_read_all() - copy out and consume exactly n bytes, or none.
 * @r: reader
 * @buf: n private bytes
 * @n: 1..size
 *
 * Return: n, SRING_EMPTY (fewer than n unread; nothing consumed),
 * SRING_EPROTO or SRING_EINVAL (n > size).
 */
SRING_INLINE int sring_flex_read_all(struct sring_flex *r, void *buf,
				     size_t n)
{
	int have = sringi_flex_check(r, SRING_FLEX_READER);

	if (have)
		return have;
	if (n > r->size || (!buf && n))
		return SRING_EINVAL;
	have = sringi_flex_unread(r, n);
	if (have < 0)
		return have;
	if ((size_t)have < n)
		return SRING_EMPTY;
	sring_flex_copy_out(r->data, r->size, r->pvt, buf, (uint32_t)n);
	r->pvt += (uint32_t)n;
	return (int)n;
}

/**
 * sring_flex_read_msg() - take one frame written by sring_flex_write_msg().
 * @r: reader
 * @buf: cap private bytes for the payload
 * @cap: capacity of @buf
 *
 * The length prefix is copied once and checked against the private size:
 * a length that could never fit is a protocol violation.
 * Return: payload length (frame consumed), SRING_EMPTY (no whole frame yet;
 * nothing consumed), SRING_EINVAL (payload longer than cap; nothing
 * consumed: retry with a bigger buffer), or SRING_EPROTO.
 */
SRING_INLINE int sring_flex_read_msg(struct sring_flex *r, void *buf,
				     size_t cap)
{
	int have = sringi_flex_check(r, SRING_FLEX_READER);
	uint32_t hdr[2]; /* 8 bytes: see sring_flex_write_msg() */
	uint32_t len;

	/* element by element: an initialiser may become a memset call */
	hdr[0] = 0;
	hdr[1] = 0;
	if (have)
		return have;
	have = sringi_flex_unread(r, SRING_FLEX_MSG_HDR);
	if (have < 0)
		return have;
	if ((uint32_t)have < SRING_FLEX_MSG_HDR)
		return SRING_EMPTY;
	sring_flex_copy_out(r->data, r->size, r->pvt, hdr, SRING_FLEX_MSG_HDR);
	len = hdr[0];
	if (SRING_UNLIKELY(r->size < SRING_FLEX_MSG_HDR ||
			   len > r->size - SRING_FLEX_MSG_HDR))
		return sringi_flex_break(r);
	have = sringi_flex_unread(r, SRING_FLEX_MSG_HDR + (size_t)len);
	if (have < 0)
		return have;
	if ((uint32_t)have < SRING_FLEX_MSG_HDR + len)
		return SRING_EMPTY;
	if (len > cap || (!buf && len))
		return SRING_EINVAL;
	sring_flex_copy_out(r->data, r->size, r->pvt + SRING_FLEX_MSG_HDR, buf,
			    len);
	r->pvt += SRING_FLEX_MSG_HDR + len;
	return (int)len;
}

/**
 * sring_flex_spans() - zero-copy: the unread bytes as two spans.
 * @r: reader
 * @sp: filled in: sp[0] at the private index, sp[1] at the start of the
 *      data area when the unread bytes wrap (else len 0, p NULL)
 *
 * Loads prod once. The spans are shared memory the writer may still
 * scribble on if it is hostile: read each byte once, and decide on
 * private copies. Consume with sring_flex_release().
 * Return: unread bytes (0 if empty), or SRING_EPROTO.
 */
SRING_INLINE int sring_flex_spans(struct sring_flex *r,
				  struct sring_flex_span sp[2])
{
	int have = sringi_flex_check(r, SRING_FLEX_READER);
	uint32_t k, off, first;

	sp[0].p = sp[1].p = NULL;
	sp[0].len = sp[1].len = 0;
	if (have)
		return have;
	have = sringi_flex_rrefresh(r);
	if (have < 0)
		return have;
	k = (uint32_t)have;
	off = r->pvt & r->mask;
	first = r->size - off < k ? r->size - off : k;
	sp[0].p = first ? r->data + off : NULL;
	sp[0].len = first;
	sp[1].p = k > first ? r->data : NULL;
	sp[1].len = k - first;
	return have;
}

/**
 * sring_flex_release() - consume n bytes seen through sring_flex_spans().
 * @r: reader
 * @n: at most the unread bytes last seen
 *
 * Return: SRING_OK, SRING_EPROTO or SRING_EINVAL (n beyond what was seen:
 * local misuse, also SRING_ASSERT).
 */
SRING_INLINE int sring_flex_release(struct sring_flex *r, size_t n)
{
	int rc = sringi_flex_check(r, SRING_FLEX_READER);

	if (rc)
		return rc;
	if (SRING_UNLIKELY(n > (sring_idx_t)(r->peer - r->pvt))) {
		SRING_ASSERT(!"sring: flex release beyond the unread bytes");
		return SRING_EINVAL;
	}
	r->pvt += (uint32_t)n;
	return SRING_OK;
}

/* ---------------------------------------------------------------------
 * Publishing and notification (both sides)
 * ------------------------------------------------------------------- */

/**
 * sring_flex_push() - publish the private index; decide on notifying.
 * @r: writer or reader
 *
 * Writer: publishes prod (R1); reader: publishes cons (R2). Then a full
 * fence and one load of the peer's event word (or, without event words,
 * of its index, validated) decide whether the peer may be sleeping on
 * this change: see "Notification rules" at the top of this file.
 *
 * Return: 1 if the peer must be notified, 0 if not (or nothing moved),
 * SRING_EPROTO.
 */
SRING_INLINE int sring_flex_push(struct sring_flex *r)
{
	sring_idx_t old_idx = r->pub, new_idx = r->pvt, ev;

	if (SRING_UNLIKELY(r->broken))
		return r->broken;
	if (old_idx == new_idx)
		return 0;
	if (r->role == SRING_FLEX_WRITER) {
		int room;

		/* R1: publishes the bytes written; pairs with A2. */
		SRING_STORE_RELEASE(r->prod, new_idx);
		r->pub = new_idx;
		/* F1: prod store before the prod_event/cons load; pairs
		 * with F4 in the reader's final check. */
		SRING_MB();
		if (r->prod_event) {
			ev = SRING_LOAD_RELAXED(r->prod_event);
			return sringi_flex_crossed(ev, new_idx, old_idx);
		}
		room = sringi_flex_wrefresh(r);
		if (room < 0)
			return room;
		/* r->peer is the reader's cons: did it have < wake unread? */
		return (sring_idx_t)(new_idx - r->peer) >=
			       (sring_idx_t)(new_idx - old_idx) &&
		       (sring_idx_t)(old_idx - r->peer) < r->wake;
	} else {
		int have;

		/* R2: our copies out of the released bytes are done before
		 * the writer can see them free; pairs with A1. */
		SRING_STORE_RELEASE(r->cons, new_idx);
		r->pub = new_idx;
		/* F2: cons store before the cons_event/prod load; pairs
		 * with F3 in the writer's final check. */
		SRING_MB();
		if (r->cons_event) {
			ev = SRING_LOAD_RELAXED(r->cons_event);
			return sringi_flex_crossed(ev, new_idx, old_idx);
		}
		have = sringi_flex_rrefresh(r);
		if (have < 0)
			return have;
		/* Bytes the writer had in flight before this push. */
		return (sring_idx_t)(r->peer - old_idx) > r->size - r->wake;
	}
}

/**
 * sring_flex_final_check() - arm the wake-up, then check once more.
 * @r: writer or reader, with everything pushed
 * @k: bytes to wait for: free bytes (writer) or unread bytes (reader);
 *     1..size, and at most the wake threshold on a ring without event
 *     words
 *
 * Call before sleeping. If fewer than k are there, sets the event word
 * (if the layout has one), fences (F3 writer, F4 reader) and reloads the
 * peer's index.
 *
 * Return: the free / unread count if at least k (do not sleep), 0 if the
 * caller may sleep until notified, SRING_EPROTO, or SRING_EINVAL (k out
 * of range, or an unpushed private index: local misuse, also
 * SRING_ASSERT).
 */
SRING_INLINE int sring_flex_final_check(struct sring_flex *r, uint32_t k)
{
	int n;

	if (SRING_UNLIKELY(r->broken))
		return r->broken;
	if (SRING_UNLIKELY(k == 0 || k > r->size || r->pvt != r->pub ||
			   (!r->prod_event && k > r->wake))) {
		SRING_ASSERT(!"sring: flex final check: bad k or unpushed");
		return SRING_EINVAL;
	}
	if (r->role == SRING_FLEX_WRITER) {
		n = sringi_flex_wrefresh(r);
		if (n < 0 || (uint32_t)n >= k)
			return n;
		if (r->cons_event)
			SRING_STORE_RELAXED(r->cons_event,
					    (sring_idx_t)(r->pvt - r->size + k));
		/* F3: cons_event (or the earlier prod) store before the
		 * cons re-load; pairs with F2 in the reader's push. */
		SRING_MB();
		n = sringi_flex_wrefresh(r);
	} else {
		n = sringi_flex_rrefresh(r);
		if (n < 0 || (uint32_t)n >= k)
			return n;
		if (r->prod_event)
			SRING_STORE_RELAXED(r->prod_event,
					    (sring_idx_t)(r->pvt + k));
		/* F4: prod_event (or the earlier cons) store before the
		 * prod re-load; pairs with F1 in the writer's push. */
		SRING_MB();
		n = sringi_flex_rrefresh(r);
	}
	if (n < 0 || (uint32_t)n >= k)
		return n;
	return 0;
}

/* ---------------------------------------------------------------------
 * Ready-made layouts
 * ------------------------------------------------------------------- */

/*
 * sring's own one-way ring with event words: a 128-byte header (each
 * side's words on its own cache line) followed by the data area.
 *
 *   offset  size  field       written by
 *        0     4  prod        writer
 *        4     4  cons_event  writer
 *       64     4  cons        reader
 *       68     4  prod_event  reader
 *      128  size  data        writer
 */
#define SRING_FLEX_NATIVE_HDR 128u

struct sring_flex_native_hdr {
	sring_idx_t prod;
	sring_idx_t cons_event;
	uint8_t pad1[56];
	sring_idx_t cons;
	sring_idx_t prod_event;
	uint8_t pad2[56];
};

SRING_STATIC_ASSERT(sizeof(struct sring_flex_native_hdr) ==
		    SRING_FLEX_NATIVE_HDR, sring_flex_native_hdr_128);

/**
 * sring_flex_native_layout() - describe an sring-native flex area.
 * @l: filled in on success
 * @area: 8-byte aligned shared area
 * @bytes: its size; the data area is the largest power of two that fits
 *         after the header (at most SRING_FLEX_MAX_SIZE)
 *
 * Return: SRING_OK, or SRING_EINVAL (NULL, misaligned, or no room for
 * even 8 data bytes).
 */
SRING_INLINE int sring_flex_native_layout(struct sring_flex_layout *l,
					  void *area, size_t bytes)
{
	struct sring_flex_native_hdr *h =
		(struct sring_flex_native_hdr *)area;
	size_t room;
	uint32_t size = 8;

	if (!l || !area || ((uintptr_t)area & 7u) != 0 ||
	    bytes < SRING_FLEX_NATIVE_HDR + 8u)
		return SRING_EINVAL;
	room = bytes - SRING_FLEX_NATIVE_HDR;
	while (size < SRING_FLEX_MAX_SIZE && (size_t)size * 2u <= room)
		size *= 2u;
	l->prod = &h->prod;
	l->cons = &h->cons;
	l->prod_event = &h->prod_event;
	l->cons_event = &h->cons_event;
	l->data = (unsigned char *)area + SRING_FLEX_NATIVE_HDR;
	l->size = size;
	return SRING_OK;
}

/*
 * Xen's flex index page (DEFINE_XEN_FLEX_RING_AND_INTF in io/ring.h, used
 * by io/9pfs.h; io/pvcalls.h has its own with error words in the padding):
 *
 *   offset  size  field       written by
 *        0     4  in_cons     frontend (reads "in")
 *        4     4  in_prod     backend  (writes "in")
 *       64     4  out_cons    backend  (reads "out")
 *       68     4  out_prod    frontend (writes "out")
 *      128     4  ring_order  frontend
 *      132   4*N  ref[N]      frontend: grant refs of the data pages
 *
 * The data area is 2^ring_order pages: the first half is "in" (backend to
 * frontend), the second "out" (frontend to backend), each
 * SRING_FLEX_XEN_RING_SIZE(order) = 2^(order + 11) bytes. There are no
 * event words: peers always notify, and so do we unless both sides agree
 * on a smaller wake threshold.
 *
 * ring_order is written by the frontend and is input like any other: a
 * backend reads it once, bounds it by what it is willing to map, and
 * passes its private copy to sring_flex_xen_layout().
 */
#define SRING_FLEX_XEN_RING_SIZE(order) (1u << ((order) + 11u))
#define SRING_FLEX_XEN_MAX_ORDER 19u  /* 2^30 bytes per direction */
#define SRING_FLEX_XEN_REF_OFFSET 132u

struct sring_flex_xen_intf {
	sring_idx_t in_cons, in_prod;
	uint8_t pad1[56];
	sring_idx_t out_cons, out_prod;
	uint8_t pad2[56];
	sring_idx_t ring_order;
	/* grant_ref_t ref[] follows at offset 132 (no flexible array
	 * member: C++ has none); see sring_flex_xen_refs(). */
};

SRING_STATIC_ASSERT(sizeof(struct sring_flex_xen_intf) ==
		    SRING_FLEX_XEN_REF_OFFSET, sring_flex_xen_intf_132);

/* Directions of a Xen flex pair. */
#define SRING_FLEX_XEN_IN 0   /* backend writes, frontend reads */
#define SRING_FLEX_XEN_OUT 1  /* frontend writes, backend reads */

/* sring_flex_xen_refs() - the grant reference array at offset 132. */
SRING_INLINE uint32_t *sring_flex_xen_refs(struct sring_flex_xen_intf *intf)
{
	return (uint32_t *)(void *)((unsigned char *)intf +
				    SRING_FLEX_XEN_REF_OFFSET);
}

/**
 * sring_flex_xen_layout() - one direction of a Xen flex pair.
 * @l: filled in on success
 * @intf: the index page
 * @data: the data area, 2^(order + 12) bytes (both halves)
 * @order: the ring order (private copy, validated by the caller's policy)
 * @dir: SRING_FLEX_XEN_IN or SRING_FLEX_XEN_OUT
 *
 * Return: SRING_OK or SRING_EINVAL.
 */
SRING_INLINE int sring_flex_xen_layout(struct sring_flex_layout *l,
				       struct sring_flex_xen_intf *intf,
				       void *data, uint32_t order, int dir)
{
	uint32_t size;

	if (!l || !intf || !data || order > SRING_FLEX_XEN_MAX_ORDER ||
	    (dir != SRING_FLEX_XEN_IN && dir != SRING_FLEX_XEN_OUT))
		return SRING_EINVAL;
	size = SRING_FLEX_XEN_RING_SIZE(order);
	l->prod_event = NULL;
	l->cons_event = NULL;
	l->size = size;
	if (dir == SRING_FLEX_XEN_IN) {
		l->prod = &intf->in_prod;
		l->cons = &intf->in_cons;
		l->data = (unsigned char *)data;
	} else {
		l->prod = &intf->out_prod;
		l->cons = &intf->out_cons;
		l->data = (unsigned char *)data + size;
	}
	return SRING_OK;
}

#ifdef __cplusplus
}
#endif

#endif /* SRING_FLEX_H */
