/* SPDX-License-Identifier: MIT */
/*
 * A flex (byte-stream) ring end facing a hostile peer.
 *
 * The first bytes pick the layout (sring's native one with or without event
 * words, 8..256 bytes; one direction of Xen's flex pair at order 0 or 1; one
 * direction of the Xen console page), which end is under test (writer or
 * reader), the starting index and the wake threshold. The rest is a script:
 * bytes below 0x80 are the peer's actions (set or move its index to
 * anything, advance it honestly, write data bytes, set its event word,
 * overwrite our words or any byte of the area), bytes from 0x80 are our
 * end's calls through the public API, and 0x7f restarts our end with
 * sring_flex_resume() (a console daemon restarting: the indices, whatever
 * the peer left in them, are all it has).
 *
 * The harness models the end under test without the library: its own
 * private index, published index, last validated peer index, wake threshold
 * and latch (set by the first SRING_EPROTO the model predicts), with the
 * word offsets of each layout written down here from the Xen headers and
 * flex.h's table. From a snapshot of the area taken before each call it
 * predicts the call's exact result, and checks:
 *
 *  - the result (count, SRING_FULL/EMPTY/EINVAL, or SRING_EPROTO exactly
 *    when a peer index the call had to load lies outside the documented
 *    window, or a frame length could never fit);
 *  - what it wrote: a writer exactly the bytes it was given (for
 *    write_msg the native length header, then the payload) at the stream
 *    positions it advanced over, plus its own index or event word with the
 *    predicted value; a reader only its own words; nothing once latched;
 *  - bytes read (read, peek, read_all, read_msg) are byte-exact copies of
 *    the snapshot at the stream positions they were taken from; spans
 *    point where they must;
 *  - push notifies by flex.h's rules: the event-index rule with event
 *    words, the wake rule without them (writer: old - cons < W with
 *    cons <= old; reader: prod - old > size - W);
 *  - final_check() after a push it needed (that push checked like any
 *    other) returns the ready count, or 0 with the event armed;
 *  - resume() writes nothing, adopts prod and cons exactly when
 *    prod - cons <= size (else SRING_EPROTO, latched), and starts with the
 *    default wake threshold (size) and no latch;
 *  - the library's latch agrees with the model's after every call.
 */
#include "fuzz_common.h"

#include <sring/flex.h>
#include <sring/proto/console.h>

#define MAXAREA 8328u /* Xen flex at order 1: 136 + 2 x 4096 */
#define MAXSZ 4096u
#define RESUME_OP 0x7fu /* a peer op number that does nothing */
#define NONE ((size_t)-1)

struct xctx {
	struct sring_fuzzkit k; /* its input reader only */
	struct sring_flex_layout l;
	struct sring_flex r;
	unsigned char *area;
	size_t bytes;
	uint32_t size;
	int writer; /* 1: our end is the writer, the peer reads */
	int events;
	/* Where things are, from the layouts' specifications. */
	size_t o_prod, o_cons, o_pev, o_cev, o_data;
	/* The model of our end. */
	sring_idx_t pvt, pub, peer;
	uint32_t wake;
	int latched;
	unsigned char snap[MAXAREA];
	unsigned char buf[MAXSZ + 8];
};

static sring_idx_t sword(const struct xctx *c, size_t off)
{
	return fuzz_word(c->snap, off);
}

/* Allows the data bytes of stream positions [from, from + n). */
static void allow_stream(struct xctx *c, struct fuzz_allow *a,
			 sring_idx_t from, uint32_t n)
{
	uint32_t off = from & (c->size - 1u), first;

	if (n == 0)
		return;
	first = c->size - off < n ? c->size - off : n;
	fuzz_allow_add(a, c->o_data + off, first);
	if (n > first)
		fuzz_allow_add(a, c->o_data, n - first);
}

/* The stream bytes [from, from + n) of an area (or snapshot) equal buf. */
static int same_stream(const struct xctx *c, const unsigned char *area,
		       const unsigned char *buf, sring_idx_t from, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		if (buf[i] != area[c->o_data + ((from + i) & (c->size - 1u))])
			return 0;
	return 1;
}

/* The model's load of the peer's index: -1 if out of the window. */
static int m_load(struct xctx *c)
{
	if (c->writer) {
		sring_idx_t q = sword(c, c->o_cons);

		/* last cons <= cons <= our published prod */
		if ((uint32_t)(q - c->peer) > (uint32_t)(c->pub - c->peer))
			return -1;
		c->peer = q;
		return (int)(c->size - (uint32_t)(c->pvt - q));
	} else {
		sring_idx_t p = sword(c, c->o_prod);

		/* last prod <= prod <= our published cons + size */
		if ((uint32_t)(p - c->peer) >
		    (uint32_t)(c->pub + c->size - c->peer))
			return -1;
		c->peer = p;
		return (int)(uint32_t)(p - c->pvt);
	}
}

/* Room (writer) or unread bytes (reader), loading only if short. */
static int m_ready(struct xctx *c, uint32_t want)
{
	uint32_t have = c->writer ? c->size - (uint32_t)(c->pvt - c->peer)
				  : (uint32_t)(c->peer - c->pvt);

	return have >= want ? (int)have : m_load(c);
}

/*
 * A push, checked on its own: its word, its result. Returns the result
 * (the model's latch is set on EPROTO).
 */
static int do_push(struct xctx *c, struct fuzz_allow *al)
{
	const sring_idx_t old = c->pub, nw = c->pvt;
	const size_t o_mine = c->writer ? c->o_prod : c->o_cons;
	int rc = sring_flex_push(&c->r), want;
	int ready;

	if (c->latched) {
		FUZZ_CHECK(rc == SRING_EPROTO);
		return rc;
	}
	if (old == nw) {
		FUZZ_CHECK(rc == 0);
		return rc;
	}
	fuzz_allow_add(al, o_mine, 4);
	FUZZ_CHECK(fuzz_word(c->area, o_mine) == nw);
	c->pub = nw;
	if (c->events) {
		sring_idx_t ev = sword(c, c->writer ? c->o_pev : c->o_cev);

		/* Xen's rule: the event lies in (old, new]. */
		want = (uint32_t)(nw - ev) < (uint32_t)(nw - old);
	} else {
		ready = m_load(c);
		if (ready < 0) {
			FUZZ_CHECK(rc == SRING_EPROTO);
			c->latched = 1;
			return rc;
		}
		if (c->writer)
			/* the reader had fewer than W unread before */
			want = (uint32_t)(nw - c->peer) >=
				       (uint32_t)(nw - old) &&
			       (uint32_t)(old - c->peer) < c->wake;
		else
			/* the writer had fewer than W of room before */
			want = (uint32_t)(c->peer - old) > c->size - c->wake;
	}
	FUZZ_CHECK(rc == want);
	return rc;
}

static void peer_op(struct xctx *c, unsigned int op)
{
	sring_idx_t *mine = c->writer ? c->l.cons : c->l.prod;
	sring_idx_t *theirs = c->writer ? c->l.prod : c->l.cons;
	sring_idx_t *my_ev = c->writer ? c->l.prod_event : c->l.cons_event;
	sring_idx_t p = SRING_LOAD_RELAXED(c->l.prod);
	sring_idx_t q = SRING_LOAD_RELAXED(c->l.cons);
	uint32_t n, off, i;

	switch (op % 8u) {
	case 0:
		SRING_STORE_RELEASE(mine, sring_fuzzkit_u32(&c->k));
		break;
	case 1:
		n = (uint32_t)(int32_t)(int8_t)sring_fuzzkit_byte(&c->k);
		SRING_STORE_RELEASE(mine, (sring_idx_t)(*mine + n));
		break;
	case 2:
		/* Honest: a reader frees what was written, a writer fills
		 * what is free (with fuzz bytes). */
		n = sring_fuzzkit_byte(&c->k);
		if (c->size > 256u)
			n = n * (c->size >> 8) + (n & 7u);
		if ((uint32_t)(p - q) > c->size)
			break; /* no honest move from here */
		if (c->writer) {
			n %= (uint32_t)(p - q) + 1u;
			SRING_STORE_RELEASE(c->l.cons, (sring_idx_t)(q + n));
		} else {
			n %= c->size - (uint32_t)(p - q) + 1u;
			for (i = 0; i < n; i++)
				c->l.data[(p + i) & (c->size - 1u)] =
					sring_fuzzkit_byte(&c->k);
			SRING_STORE_RELEASE(c->l.prod, (sring_idx_t)(p + n));
		}
		break;
	case 3:
		off = sring_fuzzkit_byte(&c->k) % c->size;
		n = sring_fuzzkit_byte(&c->k) % 17u;
		if (n > c->size - off)
			n = c->size - off;
		sring_fuzzkit_bytes(&c->k, c->l.data + off, n);
		break;
	case 4:
		if (my_ev)
			SRING_STORE_RELAXED(my_ev, sring_fuzzkit_u32(&c->k));
		break;
	case 5:
		/* Scribble on the words that are ours to write. */
		SRING_STORE_RELAXED(theirs, sring_fuzzkit_u32(&c->k));
		break;
	case 6:
		/* Any bytes anywhere: headers, padding, the other ring. */
		off = sring_fuzzkit_byte(&c->k);
		off |= (uint32_t)sring_fuzzkit_byte(&c->k) << 8;
		off %= (uint32_t)c->bytes;
		n = sring_fuzzkit_byte(&c->k) % 9u;
		if (n > c->bytes - off)
			n = (uint32_t)(c->bytes - off);
		sring_fuzzkit_bytes(&c->k, c->area + off, n);
		break;
	default:
		break;
	}
}

/* Final check (after the push it needs): the count, or 0 and armed. */
static int do_final(struct xctx *c, uint32_t n, struct fuzz_allow *al)
{
	uint32_t k = 1u + n % (c->events ? c->size : c->wake);
	int rc, ready;

	if (!c->latched && c->pvt != c->pub) {
		/* final_check() requires a push first: check it, then
		 * look at the area as it left it. */
		(void)do_push(c, al);
		fuzz_check_writes_fast(c->snap, c->area, c->bytes, al);
		memset(al, 0, sizeof(*al));
		memcpy(c->snap, c->area, c->bytes);
	}
	rc = sring_flex_final_check(&c->r, k);
	if (c->latched) {
		FUZZ_CHECK(rc == SRING_EPROTO);
		return rc;
	}
	ready = m_load(c);
	if (ready < 0) {
		FUZZ_CHECK(rc == SRING_EPROTO);
		c->latched = 1;
	} else if ((uint32_t)ready >= k) {
		FUZZ_CHECK(rc == ready);
	} else {
		FUZZ_CHECK(rc == 0);
		if (c->events && c->writer) {
			fuzz_allow_add(al, c->o_cev, 4);
			FUZZ_CHECK(fuzz_word(c->area, c->o_cev) ==
				   (sring_idx_t)(c->pvt - c->size + k));
		} else if (c->events) {
			fuzz_allow_add(al, c->o_pev, 4);
			FUZZ_CHECK(fuzz_word(c->area, c->o_pev) ==
				   (sring_idx_t)(c->pvt + k));
		}
	}
	return rc;
}

static void writer_op(struct xctx *c, unsigned int op, uint32_t n,
		      struct fuzz_allow *al, int *rcp)
{
	struct sring_flex *r = &c->r;
	struct sring_flex_span sp[2];
	const uint32_t size = c->size;
	const sring_idx_t pvt0 = c->pvt;
	uint32_t k, i;
	int rc = 0, ready;
	unsigned char hdr[4];

	switch (op % 8u) {
	case 0:
	case 1:
		if (op % 8u)
			n %= size + 1u; /* more is local misuse */
		sring_fuzzkit_bytes(&c->k, c->buf, n);
		rc = op % 8u ? sring_flex_write_all(r, c->buf, n)
			     : sring_flex_write(r, c->buf, n);
		if (c->latched)
			break;
		ready = m_ready(c, n);
		if (ready < 0) {
			FUZZ_CHECK(rc == SRING_EPROTO);
			c->latched = 1;
			break;
		}
		k = (uint32_t)ready < n ? (uint32_t)ready : n;
		if (op % 8u && k < n) {
			FUZZ_CHECK(rc == SRING_FULL);
			break;
		}
		FUZZ_CHECK(rc == (int)k);
		allow_stream(c, al, pvt0, k);
		FUZZ_CHECK(same_stream(c, c->area, c->buf, pvt0, k));
		c->pvt += k;
		break;
	case 2:
		n %= size - SRING_FLEX_MSG_HDR + 1u;
		sring_fuzzkit_bytes(&c->k, c->buf, n);
		rc = sring_flex_write_msg(r, c->buf, n);
		if (c->latched)
			break;
		ready = m_ready(c, SRING_FLEX_MSG_HDR + n);
		if (ready < 0) {
			FUZZ_CHECK(rc == SRING_EPROTO);
			c->latched = 1;
			break;
		}
		if ((uint32_t)ready < SRING_FLEX_MSG_HDR + n) {
			FUZZ_CHECK(rc == SRING_FULL);
			break;
		}
		FUZZ_CHECK(rc == SRING_OK);
		/* A native-endian length, then the payload. */
		memcpy(hdr, &n, 4);
		allow_stream(c, al, pvt0, SRING_FLEX_MSG_HDR + n);
		FUZZ_CHECK(same_stream(c, c->area, hdr, pvt0, 4));
		FUZZ_CHECK(same_stream(c, c->area, c->buf,
				       pvt0 + SRING_FLEX_MSG_HDR, n));
		c->pvt += SRING_FLEX_MSG_HDR + n;
		break;
	case 3:
		rc = sring_flex_reserve(r, n, sp);
		if (c->latched)
			break;
		ready = m_ready(c, n);
		if (ready < 0) {
			FUZZ_CHECK(rc == SRING_EPROTO);
			c->latched = 1;
			break;
		}
		k = (uint32_t)ready < n ? (uint32_t)ready : n;
		FUZZ_CHECK(rc == (int)k);
		i = pvt0 & (size - 1u);
		i = size - i < k ? size - i : k; /* first span */
		FUZZ_CHECK(sp[0].len == i && sp[1].len == k - i);
		FUZZ_CHECK(sp[0].p == (i ? c->l.data + (pvt0 & (size - 1u))
					 : NULL));
		FUZZ_CHECK(sp[1].p == (k > i ? c->l.data : NULL));
		allow_stream(c, al, pvt0, k);
		if (sp[0].len)
			memset(sp[0].p, 0xa5, sp[0].len);
		if (sp[1].len)
			memset(sp[1].p, 0x5a, sp[1].len);
		i = sring_fuzzkit_byte(&c->k) % (k + 1u);
		FUZZ_CHECK(sring_flex_commit(r, i) == SRING_OK);
		c->pvt += i;
		break;
	case 4:
		rc = sring_flex_free(r);
		if (c->latched)
			break;
		ready = m_load(c);
		if (ready < 0) {
			FUZZ_CHECK(rc == SRING_EPROTO);
			c->latched = 1;
		} else {
			FUZZ_CHECK(rc == ready);
		}
		break;
	case 5:
		rc = do_push(c, al);
		break;
	case 6:
		rc = do_final(c, n, al);
		break;
	default:
		sring_flex_set_wake(r, n);
		c->wake = n == 0 ? 1u : (n > size ? size : n);
		break;
	}
	*rcp = rc;
}

static void reader_op(struct xctx *c, unsigned int op, uint32_t n,
		      struct fuzz_allow *al, int *rcp)
{
	struct sring_flex *r = &c->r;
	struct sring_flex_span sp[2];
	const uint32_t size = c->size;
	const sring_idx_t pvt0 = c->pvt;
	uint32_t k, i, len;
	int rc = 0, ready;

	switch (op % 8u) {
	case 0:
	case 1:
	case 2:
		if (op % 8u == 2)
			n %= size + 1u; /* more is local misuse */
		if (op % 8u == 0)
			rc = sring_flex_read(r, c->buf, n);
		else if (op % 8u == 1)
			rc = sring_flex_peek(r, c->buf, n);
		else
			rc = sring_flex_read_all(r, c->buf, n);
		if (c->latched)
			break;
		ready = m_ready(c, n);
		if (ready < 0) {
			FUZZ_CHECK(rc == SRING_EPROTO);
			c->latched = 1;
			break;
		}
		k = (uint32_t)ready < n ? (uint32_t)ready : n;
		if (op % 8u == 2 && k < n) {
			FUZZ_CHECK(rc == SRING_EMPTY);
			break;
		}
		FUZZ_CHECK(rc == (int)k);
		FUZZ_CHECK(same_stream(c, c->snap, c->buf, pvt0, k));
		if (op % 8u != 1)
			c->pvt += k;
		break;
	case 3:
		rc = sring_flex_read_msg(r, c->buf, n);
		if (c->latched)
			break;
		ready = m_ready(c, SRING_FLEX_MSG_HDR);
		if (ready < 0) {
			FUZZ_CHECK(rc == SRING_EPROTO);
			c->latched = 1;
			break;
		}
		if ((uint32_t)ready < SRING_FLEX_MSG_HDR) {
			FUZZ_CHECK(rc == SRING_EMPTY);
			break;
		}
		{
			unsigned char hdr[4];

			for (i = 0; i < 4; i++)
				hdr[i] = c->snap[c->o_data +
						 ((pvt0 + i) & (size - 1u))];
			memcpy(&len, hdr, 4);
		}
		if (size < SRING_FLEX_MSG_HDR ||
		    len > size - SRING_FLEX_MSG_HDR) {
			/* A frame that could never fit. */
			FUZZ_CHECK(rc == SRING_EPROTO);
			c->latched = 1;
			break;
		}
		ready = m_ready(c, SRING_FLEX_MSG_HDR + len);
		if (ready < 0) {
			FUZZ_CHECK(rc == SRING_EPROTO);
			c->latched = 1;
			break;
		}
		if ((uint32_t)ready < SRING_FLEX_MSG_HDR + len) {
			FUZZ_CHECK(rc == SRING_EMPTY);
			break;
		}
		if (len > n) {
			/* Longer than our buffer: not taken. */
			FUZZ_CHECK(rc == SRING_EINVAL);
			rc = 0;
			break;
		}
		FUZZ_CHECK(rc == (int)len);
		FUZZ_CHECK(same_stream(c, c->snap, c->buf,
				       pvt0 + SRING_FLEX_MSG_HDR, len));
		c->pvt += SRING_FLEX_MSG_HDR + len;
		break;
	case 4:
		rc = sring_flex_spans(r, sp);
		if (c->latched)
			break;
		ready = m_load(c);
		if (ready < 0) {
			FUZZ_CHECK(rc == SRING_EPROTO);
			c->latched = 1;
			break;
		}
		FUZZ_CHECK(rc == ready);
		k = (uint32_t)ready;
		i = pvt0 & (size - 1u);
		i = size - i < k ? size - i : k;
		FUZZ_CHECK(sp[0].len == i && sp[1].len == k - i);
		FUZZ_CHECK(sp[0].p == (i ? c->l.data + (pvt0 & (size - 1u))
					 : NULL));
		FUZZ_CHECK(sp[1].p == (k > i ? c->l.data : NULL));
		i = n % (k + 1u);
		FUZZ_CHECK(sring_flex_release(r, i) == SRING_OK);
		c->pvt += i;
		break;
	case 5:
		rc = sring_flex_avail(r);
		if (c->latched)
			break;
		ready = m_load(c);
		if (ready < 0) {
			FUZZ_CHECK(rc == SRING_EPROTO);
			c->latched = 1;
		} else {
			FUZZ_CHECK(rc == ready);
		}
		break;
	case 6:
		rc = do_push(c, al);
		break;
	default:
		rc = do_final(c, n, al);
		break;
	}
	*rcp = rc;
}

static void our_op(struct xctx *c, unsigned int op)
{
	struct fuzz_allow allow;
	const int latched0 = c->latched;
	uint32_t n;
	int rc = 0;

	memcpy(c->snap, c->area, c->bytes);
	memset(&allow, 0, sizeof(allow));
	n = sring_fuzzkit_byte(&c->k);
	/* 0..size + 1 (coarsely for the large Xen rings) */
	n = c->size > 256u ? (n * (c->size + 2u)) >> 8 : n % (c->size + 2u);

	if (c->writer)
		writer_op(c, op, n, &allow, &rc);
	else
		reader_op(c, op, n, &allow, &rc);

	FUZZ_CHECK(rc != SRING_EINVAL);
	if (latched0) {
		/* Latched: every call says so and writes nothing. */
		FUZZ_CHECK(rc == SRING_EPROTO || (op % 8u == 7 && c->writer));
		memset(&allow, 0, sizeof(allow));
	}
	fuzz_check_writes_fast(c->snap, c->area, c->bytes, &allow);
	/* The library's latch agrees with the model's. */
	FUZZ_CHECK(sring_flex_broken(&c->r) ==
		   (c->latched ? SRING_EPROTO : 0));
	if (!c->latched)
		FUZZ_CHECK(sring_flex_index(&c->r) == c->pvt);
}

/*
 * Our end restarts from the shared indices alone. The model: attach's
 * defaults (wake = size, not latched), then one load of each index.
 */
static void resume_op(struct xctx *c)
{
	sring_idx_t p, q;
	int rc;

	memcpy(c->snap, c->area, c->bytes);
	rc = sring_flex_resume(&c->r, c->writer ? SRING_FLEX_WRITER
						 : SRING_FLEX_READER, &c->l);
	FUZZ_CHECK(memcmp(c->snap, c->area, c->bytes) == 0);
	p = sword(c, c->o_prod);
	q = sword(c, c->o_cons);
	c->wake = c->size;
	if ((uint32_t)(p - q) > c->size) {
		FUZZ_CHECK(rc == SRING_EPROTO);
		c->latched = 1;
	} else {
		FUZZ_CHECK(rc == SRING_OK);
		c->latched = 0;
		c->pvt = c->pub = c->writer ? p : q;
		c->peer = c->writer ? q : p;
	}
	FUZZ_CHECK(sring_flex_broken(&c->r) ==
		   (c->latched ? SRING_EPROTO : 0));
	if (!c->latched)
		FUZZ_CHECK(sring_flex_index(&c->r) == c->pvt);
}

/* Picks and sets up the layout; the offsets are the specifications'. */
static void setup(struct xctx *c, uint8_t a)
{
	unsigned int kind = (a >> 3) & 7u;
	unsigned char *intf;

	c->o_pev = c->o_cev = NONE;
	if (kind < 5) { /* sring's native layout */
		c->size = 8u << (a % 6u);
		c->bytes = SRING_FLEX_NATIVE_HDR + c->size;
		c->area = (unsigned char *)malloc(c->bytes);
		FUZZ_CHECK(c->area != NULL);
		FUZZ_CHECK(sring_flex_native_layout(&c->l, c->area,
						    c->bytes) == SRING_OK);
		c->o_prod = 0;
		c->o_cons = 64;
		c->o_data = 128;
		c->events = (a & 0x40u) != 0;
		if (c->events) {
			c->o_cev = 4;
			c->o_pev = 68;
		} else {
			c->l.prod_event = NULL;
			c->l.cons_event = NULL;
		}
	} else if (kind < 7) { /* Xen's flex pair: 2 x 2^(order + 11) */
		int in = kind == 5;
		uint32_t order = a & 1u;

		c->size = 2048u << order;
		c->bytes = 136 + 2 * (size_t)c->size;
		c->area = (unsigned char *)malloc(c->bytes);
		FUZZ_CHECK(c->area != NULL);
		intf = c->area;
		FUZZ_CHECK(sring_flex_xen_layout(&c->l,
			(struct sring_flex_xen_intf *)(void *)intf,
			c->area + 136, order,
			in ? SRING_FLEX_XEN_IN : SRING_FLEX_XEN_OUT) ==
			   SRING_OK);
		/* in_cons 0, in_prod 4, out_cons 64, out_prod 68; the data
		 * area after the index page, "in" first */
		c->o_cons = in ? 0 : 64;
		c->o_prod = in ? 4 : 68;
		c->o_data = in ? 136 : 136 + (size_t)c->size;
	} else { /* the console page: in[1024], out[2048], 4 words */
		int in = (a & 1u) != 0;

		c->bytes = sizeof(struct sring_console_page);
		FUZZ_CHECK(c->bytes == 3092);
		c->area = (unsigned char *)malloc(c->bytes);
		FUZZ_CHECK(c->area != NULL);
		FUZZ_CHECK(sring_console_layout(&c->l,
			(struct sring_console_page *)(void *)c->area,
			in ? SRING_CONSOLE_DIR_IN : SRING_CONSOLE_DIR_OUT) ==
			   SRING_OK);
		c->size = in ? 1024u : 2048u;
		c->o_cons = in ? 3072 : 3080;
		c->o_prod = in ? 3076 : 3084;
		c->o_data = in ? 0 : 1024;
	}
	FUZZ_CHECK(c->bytes <= MAXAREA && c->size <= MAXSZ);
	/* The library's layout is where the specifications say. */
	FUZZ_CHECK(c->l.size == c->size);
	FUZZ_CHECK((unsigned char *)c->l.prod == c->area + c->o_prod);
	FUZZ_CHECK((unsigned char *)c->l.cons == c->area + c->o_cons);
	FUZZ_CHECK(c->l.data == c->area + c->o_data);
	if (c->events) {
		FUZZ_CHECK((unsigned char *)c->l.prod_event ==
			   c->area + c->o_pev);
		FUZZ_CHECK((unsigned char *)c->l.cons_event ==
			   c->area + c->o_cev);
	} else {
		FUZZ_CHECK(!c->l.prod_event && !c->l.cons_event);
	}
}

/* Byte i belongs to one of the layout's index or event words. */
static int in_word(const struct xctx *c, size_t i)
{
	return (i - c->o_prod) < 4u || (i - c->o_cons) < 4u ||
	       (c->events && ((i - c->o_pev) < 4u || (i - c->o_cev) < 4u));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct xctx c;
	uint8_t a, b, w;
	sring_idx_t idx0;
	size_t i;

	memset(&c, 0, sizeof(c));
	sring_fuzzkit_init(&c.k, data, size, NULL, 0, NULL, 0);
	a = sring_fuzzkit_byte(&c.k);
	b = sring_fuzzkit_byte(&c.k);
	c.writer = (a & 0x80u) != 0;
	setup(&c, a);
	switch (b & 3u) {
	case 0:
		idx0 = 0;
		break;
	case 1:
		idx0 = (sring_idx_t)(0u - (b >> 2));
		break;
	case 2:
		idx0 = (sring_idx_t)(0x80000000u - (b >> 2));
		break;
	default:
		idx0 = sring_fuzzkit_u32(&c.k);
		break;
	}
	/* The init clears the data and sets the words, nothing else. */
	memset(c.area, 0xee, c.bytes);
	memcpy(c.snap, c.area, c.bytes);
	FUZZ_CHECK(sring_flex_shared_init(&c.l, idx0) == SRING_OK);
	FUZZ_CHECK(fuzz_word(c.area, c.o_prod) == idx0 &&
		   fuzz_word(c.area, c.o_cons) == idx0);
	if (c.events) {
		/* prod_event = idx + 1, cons_event = idx */
		FUZZ_CHECK(fuzz_word(c.area, c.o_pev) ==
			   (sring_idx_t)(idx0 + 1u));
		FUZZ_CHECK(fuzz_word(c.area, c.o_cev) == idx0);
	}
	for (i = 0; i < c.bytes; i++) {
		if (i >= c.o_data && i < c.o_data + c.size)
			FUZZ_CHECK(c.area[i] == 0);
		else if (!in_word(&c, i))
			FUZZ_CHECK(c.area[i] == 0xee);
	}
	FUZZ_CHECK(sring_flex_attach(&c.r, c.writer ? SRING_FLEX_WRITER
						    : SRING_FLEX_READER,
				     &c.l, idx0) == SRING_OK);
	c.pvt = c.pub = c.peer = idx0;
	/* Both sides agree on W out of band; the test end takes it from
	 * the input. */
	w = sring_fuzzkit_byte(&c.k);
	sring_flex_set_wake(&c.r, w);
	c.wake = w == 0 ? 1u : (w > c.size ? c.size : w);
	while (sring_fuzzkit_more(&c.k)) {
		uint8_t op = sring_fuzzkit_byte(&c.k);

		if (op & 0x80u)
			our_op(&c, op & 0x7fu);
		else if (op == RESUME_OP)
			resume_op(&c);
		else
			peer_op(&c, op);
	}
	free(c.area);
	return 0;
}
