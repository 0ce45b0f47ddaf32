/* SPDX-License-Identifier: MIT */
/*
 * A front end facing a hostile back end.
 *
 * The mirror of ring_back_fuzzer.c: bytes below 0x80 are peer actions of
 * sring_fuzzkit.h playing the back end (any rsp_prod, any response bytes,
 * rewinds, notifications), bytes from 0x80 are the front end's calls.
 * After every call:
 *
 *  - the call wrote only its own words and the request slot it filled, and
 *    nothing once latched broken;
 *  - counts and free slots are within the ring size;
 *  - a response is accepted only for a request we published, only if the
 *    peer published it in a valid window, in sequence, byte-exact;
 *  - a broken ring stays broken;
 *  - final_check() returns 0 only with rsp_event armed at most "requests
 *    in flight" ahead (so an honest back end answering them all crosses
 *    it: the moderation cap that makes the front's sleep lost-wake-up
 *    free), and push_requests() notifies exactly by Xen's rule.
 *
 * The per-request id tracker of blkif (issue 4) is not exercised here:
 * include/sring/proto/blkif.h did not exist when this target was written.
 */
#include "fuzz_common.h"

struct fctx {
	struct sring_fuzzkit k;
	struct fuzz_geom g;
	struct sring_layout l;
	struct sring_front f;
	unsigned char *area;
	unsigned char snap[SRING_HEADER_SIZE + 16 * FUZZ_MAX_SLOT +
			   FUZZ_MAX_SLOT];
	unsigned char rsp[2 * 16 * FUZZ_MAX_SLOT];
	unsigned char req[FUZZ_MAX_SLOT];
	sring_idx_t ok_hi; /* highest rsp_prod published in a valid window */
	sring_idx_t next;  /* index of the next response we may accept */
	int depth;
};

enum { OP_PUT, OP_GET, OP_PUSH, OP_COPY, OP_COPY_BATCH, OP_FINAL,
       OP_UNCONSUMED, OP_MODERATE, OP_NOTIFY_OFF, OP_FREE, OP_STEP, OP_NR };

static size_t slot_off(const struct fctx *c, sring_idx_t i)
{
	return SRING_HEADER_SIZE + (size_t)(i & (c->g.n - 1u)) * c->g.slot;
}

static void front_op(struct fctx *c, unsigned int op);

/* One pass of a typical front end: queue some, push, reap, final check. */
static int front_step(void *ctx)
{
	struct fctx *c = (struct fctx *)ctx;
	uint32_t i, want;

	if (c->depth)
		return 0;
	c->depth = 1;
	want = sring_fuzzkit_byte(&c->k) % (c->g.n + 1u);
	for (i = 0; i < want; i++)
		front_op(c, i & 1u ? OP_GET : OP_PUT);
	front_op(c, OP_PUSH);
	front_op(c, OP_COPY_BATCH);
	front_op(c, OP_FINAL);
	c->depth = 0;
	return 0;
}

static void front_op(struct fctx *c, unsigned int op)
{
	struct sring_front *f = &c->f;
	const uint32_t n = c->g.n;
	const size_t bytes = c->g.bytes;
	struct fuzz_allow allow;
	const int broken0 = f->broken;
	const sring_idx_t cons0 = f->rsp_cons, avail0 = f->rsp_avail;
	const sring_idx_t pvt0 = f->req_prod_pvt, pub0 = f->req_pub;
	sring_idx_t p;
	int p_valid, rc = 0;
	uint32_t i, max, k, inflight;
	void *slot;

	memcpy(c->snap, c->area, bytes);
	memset(&allow, 0, sizeof(allow));
	p = fuzz_word(c->snap, 8);
	/* The spec's window: rsp_prod in [rsp_avail, req_pub]. */
	p_valid = (uint32_t)(p - avail0) <= (uint32_t)(pub0 - avail0);
	if ((uint32_t)(pub0 - p) <= n && (int32_t)(p - c->ok_hi) > 0)
		c->ok_hi = p;

	switch (op % OP_NR) {
	case OP_PUT:
		sring_fuzzkit_bytes(&c->k, c->req, c->g.req);
		rc = sring_front_put_request(f, c->req);
		if (rc == SRING_OK) {
			FUZZ_CHECK(!broken0 && (uint32_t)(pvt0 - cons0) < n);
			fuzz_allow_add(&allow, slot_off(c, pvt0), c->g.req);
			FUZZ_CHECK(memcmp(c->area + slot_off(c, pvt0), c->req,
					  c->g.req) == 0);
		} else {
			FUZZ_CHECK(rc == (broken0 ? SRING_EPROTO : SRING_FULL));
			FUZZ_CHECK(broken0 || (uint32_t)(pvt0 - cons0) == n);
		}
		break;
	case OP_GET:
		slot = sring_front_get_request(f);
		if (slot) {
			FUZZ_CHECK(!broken0 && (uint32_t)(pvt0 - cons0) < n);
			FUZZ_CHECK((unsigned char *)slot ==
				   c->area + slot_off(c, pvt0));
			fuzz_allow_add(&allow, slot_off(c, pvt0), c->g.req);
			sring_fuzzkit_bytes(&c->k, slot, c->g.req);
		} else {
			FUZZ_CHECK(broken0 || (uint32_t)(pvt0 - cons0) == n);
			rc = broken0;
		}
		break;
	case OP_PUSH:
		rc = sring_front_push_requests(f);
		if (broken0 || pvt0 == pub0) {
			FUZZ_CHECK(rc == 0);
		} else {
			FUZZ_CHECK(rc == sring_need_event(fuzz_word(c->snap, 4),
							  pvt0, pub0));
			FUZZ_CHECK(fuzz_word(c->area, 0) == pvt0);
			fuzz_allow_add(&allow, 0, 4);
		}
		break;
	case OP_COPY:
		rc = sring_front_copy_response(f, c->rsp);
		FUZZ_CHECK(rc == SRING_OK || rc == SRING_EMPTY ||
			   rc == SRING_EPROTO);
		if (rc == SRING_OK) {
			FUZZ_CHECK(cons0 == c->next);
			FUZZ_CHECK((int32_t)(c->ok_hi - cons0) > 0);
			FUZZ_CHECK((int32_t)(pub0 - cons0) > 0);
			FUZZ_CHECK(memcmp(c->rsp, c->snap + slot_off(c, cons0),
					  c->g.rsp) == 0);
			c->next++;
		} else if (rc == SRING_EMPTY) {
			FUZZ_CHECK(p_valid && p == cons0);
		} else {
			FUZZ_CHECK(broken0 || !p_valid);
		}
		break;
	case OP_COPY_BATCH:
		max = sring_fuzzkit_byte(&c->k) % (2u * n + 1u);
		if (c->depth)
			max = n;
		rc = sring_front_copy_responses(f, c->rsp, max);
		FUZZ_CHECK(rc == SRING_EPROTO ||
			   (rc >= 0 && (uint32_t)rc <= max &&
			    (uint32_t)rc <= n));
		if (rc == SRING_EPROTO)
			FUZZ_CHECK(broken0 || !p_valid);
		for (i = 0; rc > 0 && i < (uint32_t)rc; i++) {
			sring_idx_t idx = (sring_idx_t)(cons0 + i);

			FUZZ_CHECK(idx == c->next);
			FUZZ_CHECK((int32_t)(c->ok_hi - idx) > 0);
			FUZZ_CHECK((int32_t)(pub0 - idx) > 0);
			FUZZ_CHECK(memcmp(c->rsp + (size_t)i * c->g.rsp,
					  c->snap + slot_off(c, idx),
					  c->g.rsp) == 0);
			c->next++;
		}
		break;
	case OP_FINAL:
		rc = sring_front_final_check(f);
		inflight = pub0 - cons0;
		k = f->moderation;
		if (k > inflight)
			k = inflight ? inflight : 1u;
		if (broken0 || !p_valid) {
			FUZZ_CHECK(rc == SRING_EPROTO);
		} else if ((uint32_t)(p - cons0) >= k) {
			FUZZ_CHECK(rc == (int)(p - cons0) && (uint32_t)rc <= n);
		} else {
			FUZZ_CHECK(rc == 0);
			FUZZ_CHECK(fuzz_word(c->area, 12) ==
				   (sring_idx_t)(cons0 + k));
			/* The event lies within what is owed to us. */
			FUZZ_CHECK(inflight == 0 ||
				   (uint32_t)(pub0 - (cons0 + k)) < n);
			fuzz_allow_add(&allow, 12, 4);
		}
		break;
	case OP_UNCONSUMED:
		rc = sring_front_unconsumed_responses(f);
		if (broken0 || !p_valid)
			FUZZ_CHECK(rc == SRING_EPROTO);
		else
			FUZZ_CHECK(rc == (int)(p - cons0) && (uint32_t)rc <= n);
		break;
	case OP_MODERATE:
		k = sring_fuzzkit_byte(&c->k) % (n + 2u);
		sring_front_set_moderation(f, k);
		FUZZ_CHECK(f->moderation == (k ? k : 1u));
		break;
	case OP_NOTIFY_OFF:
		sring_front_notify_off(f);
		if (!broken0) {
			FUZZ_CHECK(fuzz_word(c->area, 12) == cons0);
			fuzz_allow_add(&allow, 12, 4);
		}
		break;
	case OP_FREE:
		rc = sring_front_free_requests(f);
		if (broken0) {
			FUZZ_CHECK(rc == SRING_EPROTO &&
				   sring_front_full(f));
		} else {
			FUZZ_CHECK(rc == (int)(n - (pvt0 - cons0)));
			FUZZ_CHECK(sring_front_full(f) == (rc == 0));
			rc = 0;
		}
		break;
	default:
		front_step(c);
		memcpy(c->snap, c->area, bytes);
		break;
	}

	fuzz_check_writes(c->snap, c->area, bytes, &allow);
	FUZZ_CHECK(f->broken == 0 || f->broken == SRING_EPROTO);
	if (broken0) {
		FUZZ_CHECK(f->broken == SRING_EPROTO);
		FUZZ_CHECK(rc == 0 || rc == SRING_EPROTO);
		FUZZ_CHECK(sring_front_broken(f) == SRING_EPROTO);
		FUZZ_CHECK(sring_front_copy_response(f, c->rsp) ==
			   SRING_EPROTO);
		FUZZ_CHECK(sring_front_get_request(f) == NULL);
		FUZZ_CHECK(sring_front_push_requests(f) == 0);
	}
	if (!f->broken) {
		FUZZ_CHECK((uint32_t)(f->rsp_avail - f->rsp_cons) <= n);
		FUZZ_CHECK((uint32_t)(f->req_pub - f->rsp_avail) <= n);
		FUZZ_CHECK((uint32_t)(f->req_prod_pvt - f->rsp_cons) <= n);
		FUZZ_CHECK((uint32_t)(f->req_prod_pvt - f->req_pub) <= n);
		FUZZ_CHECK(f->rsp_cons == c->next);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fctx c;

	memset(&c, 0, sizeof(c));
	sring_fuzzkit_init(&c.k, data, size, NULL, SRING_FUZZKIT_PEER_IS_BACK,
			   NULL, 0);
	fuzz_geom_pick(&c.k, &c.g);
	c.area = fuzz_area_new(&c.g, &c.l);
	FUZZ_CHECK(sring_front_attach(&c.f, &c.l, c.g.idx0) == SRING_OK);
	c.k.l = c.l;
	c.k.area = c.area;
	c.k.area_bytes = c.g.bytes;
	c.ok_hi = c.g.idx0;
	c.next = c.g.idx0;
	while (sring_fuzzkit_more(&c.k)) {
		uint8_t op = sring_fuzzkit_byte(&c.k);

		if (op & 0x80u)
			front_op(&c, op & 0x7fu);
		else
			sring_fuzzkit_peer_op(&c.k, op, front_step, &c);
	}
	front_step(&c);
	free(c.area);
	return 0;
}
