/* SPDX-License-Identifier: MIT */
/*
 * Both ends of a fast-layout ring (sring/fast.h) on one area, with a
 * hostile peer writing any word or slot byte between their calls.
 *
 * The first three bytes pick the geometry (2^0..2^4 slots, request and
 * response sizes, the starting index, near the 2^32 wrap or not). Then
 * each byte is one step: below 0x40 a hostile write (which word or slot
 * byte, then the value from the input), from 0x40 a call of the front or
 * the back through the public API. After every call:
 *
 *  - the call wrote only what it may (its own index or event word, the
 *    slot it reserved), never the header, and nothing once latched;
 *  - counts are within the ring size; statuses are the documented ones;
 *  - a latched side stays latched and says so from every call;
 *  - an accepted request or response is a byte-exact copy of its slot as
 *    it was before the call, and is the next one in sequence.
 */
#include "fuzz_common.h"

#include <sring/fast.h>

struct in {
	const uint8_t *p;
	size_t n;
};

static uint8_t in_byte(struct in *in)
{
	uint8_t b = 0;

	if (in->n) {
		b = *in->p++;
		in->n--;
	}
	return b;
}

static uint32_t in_u32(struct in *in)
{
	uint32_t v = in_byte(in);

	v |= (uint32_t)in_byte(in) << 8;
	v |= (uint32_t)in_byte(in) << 16;
	return v | (uint32_t)in_byte(in) << 24;
}

struct ctx {
	struct in in;
	unsigned char *area, *snap;
	size_t bytes;
	struct sring_layout l;
	struct sring_front f;
	struct sring_back b;
	uint32_t n, req, rsp;
	sring_idx_t next_req, next_rsp; /* next index each side may accept */
	unsigned char buf[16 * 64];
};

enum {
	F_GET, F_PUT, F_PUSH, F_COPY, F_COPY_BATCH, F_FINAL, F_UNC, F_MOD,
	F_PUBLISH, F_OFF,
	B_COPY, B_COPY_BATCH, B_GET, B_PUT, B_PUSH, B_FINAL, B_UNC, B_MOD,
	B_PUBLISH, B_OFF, OP_NR
};

static size_t off(const struct ctx *c, const void *p)
{
	return (size_t)((const unsigned char *)p - c->area);
}

/* Every changed byte must lie in [a, a + an) or [b, b + bn). */
static void check_writes(const struct ctx *c, size_t a, size_t an, size_t b,
			 size_t bn)
{
	size_t i;

	for (i = 0; i < c->bytes; i++)
		if (c->area[i] != c->snap[i])
			FUZZ_CHECK((i >= a && i < a + an) ||
				   (i >= b && i < b + bn));
}

static void hostile(struct ctx *c, uint8_t op)
{
	uint32_t v = in_u32(&c->in);
	sring_idx_t *w[4];

	w[0] = c->l.req_prod;
	w[1] = c->l.req_event;
	w[2] = c->l.rsp_prod;
	w[3] = c->l.rsp_event;
	if (op < 0x20) {
		/* An index word, as an honest-looking or any value. */
		sring_idx_t *p = w[op & 3u];

		if (op & 4u)
			*p = (sring_idx_t)(*p + (v & 0x1fu) - 8u);
		else
			*p = v;
	} else if (op < 0x28) {
		/* Any byte of the area, header included. */
		c->area[v % c->bytes] = (unsigned char)(v >> 24);
	} else {
		/* A whole request or response slot. */
		unsigned char *s = (op & 1u) ?
			c->l.rsp_slots + (size_t)(v % c->n) * c->l.rsp_stride :
			c->l.req_slots + (size_t)(v % c->n) * c->l.req_stride;
		uint32_t i, len = (op & 1u) ? c->rsp : c->req;

		for (i = 0; i < len; i++)
			s[i] = in_byte(&c->in);
	}
}

static void call(struct ctx *c, unsigned op)
{
	struct sring_front *f = &c->f;
	struct sring_back *b = &c->b;
	const int fb0 = f->broken, bb0 = b->broken;
	const size_t rq_prod = off(c, c->l.req_prod);
	const size_t rs_prod = off(c, c->l.rsp_prod);
	const size_t rq_ev = off(c, c->l.req_event);
	const size_t rs_ev = off(c, c->l.rsp_event);
	const size_t rq_slot = off(c, c->l.req_slots +
		(size_t)(f->req_prod_pvt & (c->n - 1u)) * c->l.req_stride);
	const size_t rs_slot = off(c, c->l.rsp_slots +
		(size_t)(b->rsp_prod_pvt & (c->n - 1u)) * c->l.rsp_stride);
	const sring_idx_t rcons = f->rsp_cons, qcons = b->req_cons;
	uint32_t i, max;
	void *slot;
	int rc = 0;

	memcpy(c->snap, c->area, c->bytes);
	switch (op) {
	case F_GET:
	case F_PUT:
		if (op == F_GET) {
			slot = sring_front_get_request(f);
			if (slot)
				for (i = 0; i < c->req; i++)
					((unsigned char *)slot)[i] =
						in_byte(&c->in);
		} else {
			for (i = 0; i < c->req; i++)
				c->buf[i] = in_byte(&c->in);
			rc = sring_front_put_request(f, c->buf);
			FUZZ_CHECK(rc == SRING_OK || rc == SRING_FULL ||
				   rc == SRING_EPROTO);
			slot = rc == SRING_OK ? (void *)1 : NULL;
		}
		FUZZ_CHECK(!slot || !fb0);
		check_writes(c, slot ? rq_slot : 0, slot ? c->req : 0,
			     rq_prod, 4);
		break;
	case F_PUSH:
		rc = sring_front_push_requests(f);
		FUZZ_CHECK(rc == 0 || rc == 1);
		check_writes(c, rq_prod, fb0 ? 0 : 4, 0, 0);
		break;
	case F_COPY:
	case F_COPY_BATCH:
		max = op == F_COPY ? 1u : 1u + in_byte(&c->in) % 16u;
		rc = op == F_COPY ? sring_front_copy_response(f, c->buf) :
		     sring_front_copy_responses(f, c->buf, max);
		if (op == F_COPY)
			rc = rc == SRING_OK ? 1 : rc == SRING_EMPTY ? 0 : rc;
		FUZZ_CHECK(rc == SRING_EPROTO || (rc >= 0 &&
			   (uint32_t)rc <= max && (uint32_t)rc <= c->n));
		for (i = 0; rc > 0 && i < (uint32_t)rc; i++) {
			sring_idx_t k = (sring_idx_t)(rcons + i);

			FUZZ_CHECK(k == c->next_rsp);
			FUZZ_CHECK((int32_t)(f->req_pub - k) > 0);
			FUZZ_CHECK(memcmp(c->buf + (size_t)i * c->rsp,
					  c->snap + off(c, c->l.rsp_slots) +
					  (size_t)(k & (c->n - 1u)) *
					  c->l.rsp_stride, c->rsp) == 0);
			c->next_rsp++;
		}
		check_writes(c, 0, 0, 0, 0);
		break;
	case F_FINAL:
		rc = sring_front_final_check(f);
		FUZZ_CHECK(rc == SRING_EPROTO ||
			   (rc >= 0 && (uint32_t)rc <= c->n));
		check_writes(c, rs_ev, fb0 ? 0 : 4, 0, 0);
		break;
	case F_UNC:
		rc = sring_front_unconsumed_responses(f);
		FUZZ_CHECK(rc == SRING_EPROTO ||
			   (rc >= 0 && (uint32_t)rc <= c->n));
		check_writes(c, 0, 0, 0, 0);
		break;
	case F_MOD:
		sring_front_set_moderation(f, in_byte(&c->in) % 20u);
		break;
	case F_PUBLISH:
		sring_front_set_publish(f, in_byte(&c->in) % 6u);
		break;
	case F_OFF:
		sring_front_notify_off(f);
		check_writes(c, rs_ev, fb0 ? 0 : 4, 0, 0);
		break;
	case B_COPY:
	case B_COPY_BATCH:
		max = op == B_COPY ? 1u : 1u + in_byte(&c->in) % 16u;
		rc = op == B_COPY ? sring_back_copy_request(b, c->buf) :
		     sring_back_copy_requests(b, c->buf, max);
		if (op == B_COPY)
			rc = rc == SRING_OK ? 1 : rc == SRING_EMPTY ? 0 : rc;
		FUZZ_CHECK(rc == SRING_EPROTO || (rc >= 0 &&
			   (uint32_t)rc <= max && (uint32_t)rc <= c->n));
		for (i = 0; rc > 0 && i < (uint32_t)rc; i++) {
			sring_idx_t k = (sring_idx_t)(qcons + i);

			FUZZ_CHECK(k == c->next_req);
			FUZZ_CHECK((uint32_t)(k - b->rsp_prod_pvt) < c->n);
			FUZZ_CHECK(memcmp(c->buf + (size_t)i * c->req,
					  c->snap + off(c, c->l.req_slots) +
					  (size_t)(k & (c->n - 1u)) *
					  c->l.req_stride, c->req) == 0);
			c->next_req++;
		}
		check_writes(c, 0, 0, 0, 0);
		break;
	case B_GET:
	case B_PUT:
		if (op == B_GET) {
			slot = sring_back_get_response(b);
			if (slot)
				for (i = 0; i < c->rsp; i++)
					((unsigned char *)slot)[i] =
						in_byte(&c->in);
		} else {
			for (i = 0; i < c->rsp; i++)
				c->buf[i] = in_byte(&c->in);
			rc = sring_back_put_response(b, c->buf);
			FUZZ_CHECK(rc == SRING_OK || rc == SRING_FULL ||
				   rc == SRING_EPROTO);
			slot = rc == SRING_OK ? (void *)1 : NULL;
		}
		FUZZ_CHECK(!slot || !bb0);
		check_writes(c, slot ? rs_slot : 0, slot ? c->rsp : 0,
			     rs_prod, 4);
		break;
	case B_PUSH:
		rc = sring_back_push_responses(b);
		FUZZ_CHECK(rc == 0 || rc == 1);
		check_writes(c, rs_prod, bb0 ? 0 : 4, 0, 0);
		break;
	case B_FINAL:
		rc = sring_back_final_check(b);
		FUZZ_CHECK(rc == SRING_EPROTO ||
			   (rc >= 0 && (uint32_t)rc <= c->n));
		check_writes(c, rq_ev, bb0 ? 0 : 4, 0, 0);
		break;
	case B_UNC:
		rc = sring_back_unconsumed_requests(b);
		FUZZ_CHECK(rc == SRING_EPROTO ||
			   (rc >= 0 && (uint32_t)rc <= c->n));
		check_writes(c, 0, 0, 0, 0);
		break;
	case B_MOD:
		sring_back_set_moderation(b, in_byte(&c->in) % 20u);
		break;
	case B_PUBLISH:
		sring_back_set_publish(b, in_byte(&c->in) % 6u);
		break;
	case B_OFF:
		sring_back_notify_off(b);
		check_writes(c, rq_ev, bb0 ? 0 : 4, 0, 0);
		break;
	}
	/* A latch never opens again, and every call then says so. */
	if (fb0)
		FUZZ_CHECK(f->broken == fb0 && !sring_front_get_request(f) &&
			   sring_front_final_check(f) == fb0);
	if (bb0)
		FUZZ_CHECK(b->broken == bb0 &&
			   sring_back_copy_request(b, c->buf) == bb0);
	FUZZ_CHECK((uint32_t)(f->req_prod_pvt - f->rsp_cons) <= c->n);
	FUZZ_CHECK((uint32_t)(b->req_cons - b->rsp_prod_pvt) <= c->n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint32_t reqs[4] = { 4, 12, 24, 64 };
	static const uint32_t rsps[4] = { 1, 8, 12, 16 };
	struct ctx c;
	uint8_t g0, g1;
	sring_idx_t idx;

	memset(&c, 0, sizeof(c));
	c.in.p = data;
	c.in.n = size;
	g0 = in_byte(&c.in);
	g1 = in_byte(&c.in);
	c.n = 1u << (g0 % 5u);
	c.req = reqs[(g0 >> 3) & 3u];
	c.rsp = rsps[(g0 >> 5) & 3u];
	switch (g1 & 3u) {
	case 0: idx = 0; break;
	case 1: idx = (sring_idx_t)(0u - 1u - (g1 >> 2) % 20u); break;
	case 2: idx = (sring_idx_t)(0x7fffffffu - (g1 >> 2) % 20u); break;
	default: idx = in_u32(&c.in); break;
	}
	c.bytes = sring_fast_bytes(c.n, c.req, c.rsp);
	FUZZ_CHECK(c.bytes != 0);
	/* Exact size, so ASan sees a byte past the area. */
	FUZZ_CHECK(posix_memalign((void **)&c.area, 64, c.bytes) == 0);
	c.snap = (unsigned char *)malloc(c.bytes);
	FUZZ_CHECK(c.snap != NULL);
	FUZZ_CHECK(sring_fast_init_at(c.area, c.bytes, c.req, c.rsp, idx) ==
		   SRING_OK);
	FUZZ_CHECK(sring_fast_layout(&c.l, c.area, c.bytes, c.req, c.rsp) ==
		   SRING_OK);
	FUZZ_CHECK(c.l.nr_ents == c.n);
	FUZZ_CHECK(sring_front_fast_attach(&c.f, c.area, c.bytes, c.req,
					   c.rsp, idx) == SRING_OK);
	FUZZ_CHECK(sring_back_fast_attach(&c.b, c.area, c.bytes, c.req,
					  c.rsp, idx) == SRING_OK);
	c.next_req = c.next_rsp = idx;
	while (c.in.n) {
		uint8_t op = in_byte(&c.in);
		uint32_t magic;

		if (op < 0x40) {
			hostile(&c, op);
			continue;
		}
		/* Header words are read at attach only: rewriting them now
		 * changes nothing, and no call may write them. */
		memcpy(&magic, c.area, 4);
		call(&c, (unsigned)(op - 0x40u) % OP_NR);
		FUZZ_CHECK(memcmp(&magic, c.area, 4) == 0);
	}
	free(c.snap);
	free(c.area);
	return 0;
}
