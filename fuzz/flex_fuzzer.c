/* SPDX-License-Identifier: MIT */
/*
 * A flex (byte-stream) ring end facing a hostile peer.
 *
 * The first bytes pick the size (8..256), whether the layout has event
 * words, which end is under test (writer or reader), the starting index and
 * the wake threshold. The rest is a script: bytes below 0x80 are the peer's
 * actions (set or move its index to anything, advance it honestly, write
 * data bytes, set its event word, overwrite our words or header padding),
 * bytes from 0x80 are our end's calls through the public API. After every
 * call:
 *
 *  - it wrote only what it may: a writer the bytes it wrote (exactly the
 *    stream positions it advanced over) and its own words, a reader only its
 *    own words; and nothing once latched broken;
 *  - every count is within the size; the private index never runs more
 *    than size ahead of (writer) or past (reader) a peer index it validated;
 *  - an adopted peer index was in the documented window;
 *  - bytes read (read, peek, read_all, read_msg) are byte-exact copies of
 *    the data area at the stream positions they were taken from;
 *  - a broken ring stays broken;
 *  - final_check() returns 0 only with the event armed and too little ready.
 */
#include "fuzz_common.h"

#include <sring/flex.h>

#define HDR SRING_FLEX_NATIVE_HDR
#define MAXSZ 256u

struct xctx {
	struct sring_fuzzkit k; /* its input reader only */
	struct sring_flex_layout l;
	struct sring_flex r;
	unsigned char *area;
	size_t bytes;
	uint32_t size;
	int writer; /* 1: our end is the writer, the peer reads */
	unsigned char snap[HDR + MAXSZ];
	unsigned char buf[MAXSZ + 8];
};

static size_t off_of(const struct xctx *c, const void *p)
{
	return (size_t)((const unsigned char *)p - c->area);
}

static sring_idx_t word(const unsigned char *snap, const struct xctx *c,
			const sring_idx_t *p)
{
	return fuzz_word(snap, off_of(c, p));
}

/* Allows the data bytes of stream positions [from, from + n). */
static void allow_stream(struct xctx *c, struct fuzz_allow *a,
			 sring_idx_t from, uint32_t n)
{
	uint32_t off = from & (c->size - 1u), first;

	if (n == 0)
		return;
	first = c->size - off < n ? c->size - off : n;
	fuzz_allow_add(a, HDR + off, first);
	if (n > first)
		fuzz_allow_add(a, HDR, n - first);
}

/* The stream bytes [from, from + n) of an area (or snapshot) equal buf. */
static int same_stream(const struct xctx *c, const unsigned char *area,
		       const unsigned char *buf, sring_idx_t from, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		if (buf[i] != area[HDR + ((from + i) & (c->size - 1u))])
			return 0;
	return 1;
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
		off = sring_fuzzkit_byte(&c->k) % HDR;
		n = sring_fuzzkit_byte(&c->k) % 9u;
		if (n > HDR - off)
			n = HDR - off;
		sring_fuzzkit_bytes(&c->k, c->area + off, n);
		break;
	default:
		break;
	}
}

static void our_op(struct xctx *c, unsigned int op)
{
	struct sring_flex *r = &c->r;
	const uint32_t size = c->size;
	struct fuzz_allow allow;
	struct sring_flex_span sp[2];
	const int broken0 = r->broken;
	const sring_idx_t pvt0 = r->pvt, pub0 = r->pub, peer0 = r->peer;
	sring_idx_t p, q;
	uint32_t n, k;
	int rc = 0;

	memcpy(c->snap, c->area, c->bytes);
	memset(&allow, 0, sizeof(allow));
	p = word(c->snap, c, c->l.prod);
	q = word(c->snap, c, c->l.cons);
	n = sring_fuzzkit_byte(&c->k) % (size + 2u);

	if (c->writer) {
		switch (op % 8u) {
		case 0:
		case 1:
			if (op % 8u)
				n %= size + 1u; /* more is local misuse */
			sring_fuzzkit_bytes(&c->k, c->buf, n);
			rc = op % 8u ? sring_flex_write_all(r, c->buf, n)
				     : sring_flex_write(r, c->buf, n);
			if (rc > 0) {
				allow_stream(c, &allow, pvt0, (uint32_t)rc);
				FUZZ_CHECK(same_stream(c, c->area, c->buf, pvt0,
						       (uint32_t)rc));
			}
			if (op % 8u && rc >= 0)
				FUZZ_CHECK((uint32_t)rc == n);
			break;
		case 2:
			n %= size - SRING_FLEX_MSG_HDR + 1u;
			sring_fuzzkit_bytes(&c->k, c->buf, n);
			rc = sring_flex_write_msg(r, c->buf, n);
			if (rc == SRING_OK) {
				allow_stream(c, &allow, pvt0,
					     SRING_FLEX_MSG_HDR + n);
				FUZZ_CHECK(r->pvt == pvt0 + SRING_FLEX_MSG_HDR +
						      n);
			}
			break;
		case 3:
			rc = sring_flex_reserve(r, n, sp);
			if (rc > 0) {
				FUZZ_CHECK(sp[0].len + sp[1].len ==
					   (uint32_t)rc);
				allow_stream(c, &allow, pvt0, (uint32_t)rc);
				memset(sp[0].p, 0xa5, sp[0].len);
				if (sp[1].len)
					memset(sp[1].p, 0x5a, sp[1].len);
				k = sring_fuzzkit_byte(&c->k) %
				    ((uint32_t)rc + 1u);
				FUZZ_CHECK(sring_flex_commit(r, k) == SRING_OK);
				FUZZ_CHECK(r->pvt == pvt0 + k);
			}
			break;
		case 4:
			rc = sring_flex_free(r);
			break;
		case 5:
			rc = sring_flex_push(r);
			if (!broken0 && pvt0 != pub0)
				fuzz_allow_add(&allow, off_of(c, c->l.prod), 4);
			if (!broken0 && pvt0 != pub0 && c->l.prod_event)
				FUZZ_CHECK(rc == sring_need_event(
					word(c->snap, c, c->l.prod_event),
					pvt0, pub0));
			break;
		case 6:
			if (pvt0 != pub0) {
				/* final_check() requires a push first. */
				rc = sring_flex_push(r);
				fuzz_allow_add(&allow, off_of(c, c->l.prod), 4);
				if (rc < 0)
					break;
				memcpy(c->snap, c->area, c->bytes);
				q = word(c->snap, c, c->l.cons);
			}
			k = 1u + n % (c->l.prod_event ? size : r->wake);
			rc = sring_flex_final_check(r, k);
			if (c->l.cons_event)
				fuzz_allow_add(&allow,
					       off_of(c, c->l.cons_event), 4);
			if (rc == 0) {
				FUZZ_CHECK(size - (uint32_t)(pvt0 - q) < k);
				if (c->l.cons_event)
					FUZZ_CHECK(SRING_LOAD_RELAXED(
						c->l.cons_event) ==
						(sring_idx_t)(pvt0 - size + k));
			}
			break;
		default:
			sring_flex_set_wake(r, n);
			FUZZ_CHECK(r->wake >= 1 && r->wake <= size);
			break;
		}
		if (!r->broken) {
			/* Never more in flight than the size. */
			FUZZ_CHECK((uint32_t)(r->pvt - r->peer) <= size);
			if (r->peer != peer0) {
				FUZZ_CHECK(r->peer == q);
				/* Against pub as of the load: a push
				 * publishes before it looks. */
				FUZZ_CHECK((uint32_t)(q - peer0) <=
					   (uint32_t)(r->pub - peer0));
			}
		}
	} else {
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
			if (rc > 0) {
				FUZZ_CHECK((uint32_t)rc <= n);
				FUZZ_CHECK(same_stream(c, c->snap, c->buf,
						       pvt0, (uint32_t)rc));
			}
			if (op % 8u == 2 && rc >= 0)
				FUZZ_CHECK((uint32_t)rc == n);
			FUZZ_CHECK(r->pvt == pvt0 + (op % 8u == 1 || rc < 0
						      ? 0u : (uint32_t)rc));
			break;
		case 3:
			rc = sring_flex_read_msg(r, c->buf, n);
			if (rc >= 0) {
				unsigned char hdr[4];
				uint32_t len;

				FUZZ_CHECK((uint32_t)rc <= n);
				FUZZ_CHECK(same_stream(c, c->snap, c->buf,
					pvt0 + SRING_FLEX_MSG_HDR, (uint32_t)rc));
				for (k = 0; k < 4; k++)
					hdr[k] = c->snap[HDR + ((pvt0 + k) &
								(size - 1u))];
				memcpy(&len, hdr, 4);
				FUZZ_CHECK(len == (uint32_t)rc);
				FUZZ_CHECK(r->pvt == pvt0 + 4u + len);
			} else if (rc == SRING_EINVAL) {
				/* A frame longer than our buffer: not taken. */
				FUZZ_CHECK(!broken0 && r->pvt == pvt0);
				rc = 0;
			}
			break;
		case 4:
			rc = sring_flex_spans(r, sp);
			if (rc > 0) {
				FUZZ_CHECK(sp[0].len + sp[1].len ==
					   (uint32_t)rc);
				FUZZ_CHECK(sp[0].p == c->l.data +
					   (pvt0 & (size - 1u)));
				k = n % ((uint32_t)rc + 1u);
				FUZZ_CHECK(sring_flex_release(r, k) ==
					   SRING_OK);
				FUZZ_CHECK(r->pvt == pvt0 + k);
			}
			break;
		case 5:
			rc = sring_flex_avail(r);
			break;
		case 6:
			rc = sring_flex_push(r);
			if (!broken0 && pvt0 != pub0)
				fuzz_allow_add(&allow, off_of(c, c->l.cons), 4);
			if (!broken0 && pvt0 != pub0 && c->l.cons_event)
				FUZZ_CHECK(rc == sring_need_event(
					word(c->snap, c, c->l.cons_event),
					pvt0, pub0));
			break;
		default:
			if (pvt0 != pub0) {
				/* final_check() requires a push first. */
				rc = sring_flex_push(r);
				fuzz_allow_add(&allow, off_of(c, c->l.cons), 4);
				if (rc < 0)
					break;
				memcpy(c->snap, c->area, c->bytes);
				p = word(c->snap, c, c->l.prod);
			}
			k = 1u + n % (c->l.prod_event ? size : r->wake);
			rc = sring_flex_final_check(r, k);
			if (c->l.prod_event)
				fuzz_allow_add(&allow,
					       off_of(c, c->l.prod_event), 4);
			if (rc == 0) {
				FUZZ_CHECK((uint32_t)(p - r->pvt) < k);
				if (c->l.prod_event)
					FUZZ_CHECK(SRING_LOAD_RELAXED(
						c->l.prod_event) ==
						(sring_idx_t)(r->pvt + k));
			}
			break;
		}
		if (!r->broken) {
			/* Never past what the writer published. */
			FUZZ_CHECK((uint32_t)(r->peer - r->pvt) <= size);
			if (r->peer != peer0) {
				FUZZ_CHECK(r->peer == p);
				FUZZ_CHECK((uint32_t)(p - peer0) <=
					   (uint32_t)(r->pub + size - peer0));
			}
		}
	}

	FUZZ_CHECK(rc == SRING_EPROTO || rc == SRING_EMPTY ||
		   rc == SRING_FULL || (rc >= 0 && (uint32_t)rc <= size));
	FUZZ_CHECK(rc != SRING_EINVAL);
	if (broken0) {
		/* Latched: every call says so and writes nothing. */
		FUZZ_CHECK(rc == SRING_EPROTO || (op % 8u == 7 && c->writer));
		FUZZ_CHECK(r->broken == SRING_EPROTO);
		memset(&allow, 0, sizeof(allow));
	}
	fuzz_check_writes(c->snap, c->area, c->bytes, &allow);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct xctx c;
	uint8_t a, b;
	sring_idx_t idx0;

	memset(&c, 0, sizeof(c));
	sring_fuzzkit_init(&c.k, data, size, NULL, 0, NULL, 0);
	a = sring_fuzzkit_byte(&c.k);
	b = sring_fuzzkit_byte(&c.k);
	c.size = 8u << (a % 6u);
	c.writer = (a & 0x80u) != 0;
	c.bytes = HDR + c.size;
	c.area = (unsigned char *)malloc(c.bytes);
	FUZZ_CHECK(c.area != NULL);
	memset(c.area, 0xee, c.bytes); /* the init must clear what matters */
	FUZZ_CHECK(sring_flex_native_layout(&c.l, c.area, c.bytes) ==
		   SRING_OK);
	FUZZ_CHECK(c.l.size == c.size);
	if ((a & 0x40u) == 0) {
		c.l.prod_event = NULL;
		c.l.cons_event = NULL;
	}
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
	FUZZ_CHECK(sring_flex_shared_init(&c.l, idx0) == SRING_OK);
	FUZZ_CHECK(sring_flex_attach(&c.r, c.writer ? SRING_FLEX_WRITER
						    : SRING_FLEX_READER,
				     &c.l, idx0) == SRING_OK);
	/* Both sides agree on W out of band; the test end takes it from
	 * the input. */
	sring_flex_set_wake(&c.r, sring_fuzzkit_byte(&c.k));
	while (sring_fuzzkit_more(&c.k)) {
		uint8_t op = sring_fuzzkit_byte(&c.k);

		if (op & 0x80u)
			our_op(&c, op & 0x7fu);
		else
			peer_op(&c, op);
	}
	free(c.area);
	return 0;
}
