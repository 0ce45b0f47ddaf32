/* SPDX-License-Identifier: MIT */
/*
 * A front end facing a hostile back end.
 *
 * The mirror of ring_back_fuzzer.c, on either layout: bytes below 0x80 are
 * peer actions of sring_fuzzkit.h playing the back end (any rsp_prod, any
 * response bytes, rewinds, notifications), bytes from 0x80 are the front
 * end's calls, the publish policy included. After every call:
 *
 *  - the call wrote only its own words and the request slot it filled, and
 *    nothing once latched broken;
 *  - counts and free slots are within the ring size;
 *  - a response is accepted only for a request we published, only if the
 *    peer published it in a valid window, in sequence, byte-exact;
 *  - the first SRING_EPROTO latches the ring (tracked here, not read from
 *    the library), which then stays latched and says so from every call;
 *  - the policy publishes exactly when k requests are unpublished, and a
 *    "notify" it finds is returned by the next push;
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
	unsigned char snap[FUZZ_MAX_AREA];
	unsigned char rsp[2 * 16 * FUZZ_MAX_SLOT];
	unsigned char req[FUZZ_MAX_SLOT];
	sring_idx_t ok_hi; /* highest rsp_prod published in a valid window */
	sring_idx_t next;  /* index of the next response we may accept */
	/* What the front must have done, kept here from its calls alone. */
	sring_idx_t pub;   /* req_prod it published last */
	uint32_t every;    /* publish policy */
	int pending;       /* a policy push said "notify" */
	int latched;       /* a call returned SRING_EPROTO */
	int depth;
};

enum { OP_PUT, OP_GET, OP_PUSH, OP_COPY, OP_COPY_BATCH, OP_FINAL,
       OP_UNCONSUMED, OP_MODERATE, OP_NOTIFY_OFF, OP_FREE, OP_PUBLISH,
       OP_STEP, OP_NR };

/* As in ring_back_fuzzer.c: the policy's push before handing out pvt0. */
static int policy_push(struct fctx *c, sring_idx_t pvt0)
{
	if (c->every == 0 || (uint32_t)(pvt0 - c->pub) < c->every)
		return 0;
	if (sring_need_event(fuzz_word(c->snap, c->g.o_req_event), pvt0,
			     c->pub))
		c->pending = 1;
	c->pub = pvt0;
	return 1;
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
	const struct fuzz_geom *g = &c->g;
	const uint32_t n = g->n;
	const size_t bytes = g->bytes;
	struct fuzz_allow allow;
	const int latched0 = c->latched;
	const sring_idx_t cons0 = f->rsp_cons, avail0 = f->rsp_avail;
	const sring_idx_t pvt0 = f->req_prod_pvt, pub0 = c->pub;
	sring_idx_t p;
	int p_valid, rc = 0;
	uint32_t i, max, k, inflight;
	void *slot;

	memcpy(c->snap, c->area, bytes);
	memset(&allow, 0, sizeof(allow));
	p = fuzz_word(c->snap, g->o_rsp_prod);
	/* The spec's window: rsp_prod in [rsp_avail, req_pub]. */
	p_valid = (uint32_t)(p - avail0) <= (uint32_t)(pub0 - avail0);
	if ((uint32_t)(pub0 - p) <= n && (int32_t)(p - c->ok_hi) > 0)
		c->ok_hi = p;

	switch (op % OP_NR) {
	case OP_PUT:
	case OP_GET:
		if (op % OP_NR == OP_PUT) {
			sring_fuzzkit_bytes(&c->k, c->req, g->req);
			rc = sring_front_put_request(f, c->req);
			slot = rc == SRING_OK ? c->area + fuzz_req_off(g, pvt0)
					      : NULL;
		} else {
			slot = sring_front_get_request(f);
			if (slot)
				sring_fuzzkit_bytes(&c->k, slot, g->req);
		}
		if (slot) {
			FUZZ_CHECK(!latched0 && (uint32_t)(pvt0 - cons0) < n);
			FUZZ_CHECK((unsigned char *)slot ==
				   c->area + fuzz_req_off(g, pvt0));
			fuzz_allow_add(&allow, fuzz_req_off(g, pvt0), g->req);
			if (op % OP_NR == OP_PUT)
				FUZZ_CHECK(memcmp(slot, c->req, g->req) == 0);
			if (policy_push(c, pvt0)) {
				FUZZ_CHECK(fuzz_word(c->area, g->o_req_prod) ==
					   pvt0);
				fuzz_allow_add(&allow, g->o_req_prod, 4);
			}
		} else {
			FUZZ_CHECK(latched0 || (uint32_t)(pvt0 - cons0) == n);
			if (op % OP_NR == OP_PUT)
				FUZZ_CHECK(rc == (latched0 ? SRING_EPROTO
							   : SRING_FULL));
			else
				rc = latched0 ? SRING_EPROTO : 0;
		}
		break;
	case OP_PUSH:
		rc = sring_front_push_requests(f);
		if (latched0) {
			FUZZ_CHECK(rc == 0);
			break;
		}
		if (pvt0 != pub0) {
			FUZZ_CHECK(fuzz_word(c->area, g->o_req_prod) == pvt0);
			fuzz_allow_add(&allow, g->o_req_prod, 4);
		}
		/* Xen's rule, or a policy push's "notify" kept for us. */
		FUZZ_CHECK(rc == (c->pending ||
				  (pvt0 != pub0 &&
				   sring_need_event(fuzz_word(c->snap,
							      g->o_req_event),
						    pvt0, pub0))));
		c->pending = 0;
		c->pub = pvt0;
		break;
	case OP_COPY:
		rc = sring_front_copy_response(f, c->rsp);
		FUZZ_CHECK(rc == SRING_OK || rc == SRING_EMPTY ||
			   rc == SRING_EPROTO);
		if (rc == SRING_OK) {
			FUZZ_CHECK(cons0 == c->next);
			FUZZ_CHECK((int32_t)(c->ok_hi - cons0) > 0);
			FUZZ_CHECK((int32_t)(pub0 - cons0) > 0);
			FUZZ_CHECK(memcmp(c->rsp,
					  c->snap + fuzz_rsp_off(g, cons0),
					  g->rsp) == 0);
			c->next++;
		} else if (rc == SRING_EMPTY) {
			FUZZ_CHECK(p_valid && p == cons0);
		} else {
			FUZZ_CHECK(latched0 || !p_valid);
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
			FUZZ_CHECK(latched0 || !p_valid);
		for (i = 0; rc > 0 && i < (uint32_t)rc; i++) {
			sring_idx_t idx = (sring_idx_t)(cons0 + i);

			FUZZ_CHECK(idx == c->next);
			FUZZ_CHECK((int32_t)(c->ok_hi - idx) > 0);
			FUZZ_CHECK((int32_t)(pub0 - idx) > 0);
			FUZZ_CHECK(memcmp(c->rsp + (size_t)i * g->rsp,
					  c->snap + fuzz_rsp_off(g, idx),
					  g->rsp) == 0);
			c->next++;
		}
		break;
	case OP_FINAL:
		rc = sring_front_final_check(f);
		inflight = pub0 - cons0;
		k = f->moderation;
		if (k > inflight)
			k = inflight ? inflight : 1u;
		if (latched0 || !p_valid) {
			FUZZ_CHECK(rc == SRING_EPROTO);
		} else if ((uint32_t)(p - cons0) >= k) {
			FUZZ_CHECK(rc == (int)(p - cons0) && (uint32_t)rc <= n);
		} else {
			FUZZ_CHECK(rc == 0);
			FUZZ_CHECK(fuzz_word(c->area, g->o_rsp_event) ==
				   (sring_idx_t)(cons0 + k));
			/* The event lies within what is owed to us. */
			FUZZ_CHECK(inflight == 0 ||
				   (uint32_t)(pub0 - (cons0 + k)) < n);
			fuzz_allow_add(&allow, g->o_rsp_event, 4);
		}
		break;
	case OP_UNCONSUMED:
		rc = sring_front_unconsumed_responses(f);
		if (latched0 || !p_valid)
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
		if (!latched0) {
			FUZZ_CHECK(fuzz_word(c->area, g->o_rsp_event) == cons0);
			fuzz_allow_add(&allow, g->o_rsp_event, 4);
		}
		break;
	case OP_FREE:
		rc = sring_front_free_requests(f);
		if (latched0) {
			FUZZ_CHECK(rc == SRING_EPROTO &&
				   sring_front_full(f));
		} else {
			FUZZ_CHECK(rc == (int)(n - (pvt0 - cons0)));
			FUZZ_CHECK(sring_front_full(f) == (rc == 0));
			rc = 0;
		}
		break;
	case OP_PUBLISH:
		/* 0 (off), 1..n+1; takes effect at the next reserve. */
		c->every = sring_fuzzkit_byte(&c->k) % (n + 2u);
		sring_front_set_publish(f, c->every);
		break;
	default:
		front_step(c);
		memcpy(c->snap, c->area, bytes);
		break;
	}

	fuzz_check_writes(c->snap, c->area, bytes, &allow);
	if (rc == SRING_EPROTO && !c->latched) {
		c->latched = 1;
		c->pending = 0; /* a broken ring asks for no notification */
	}
	/* The library's latch is ours: set with the first EPROTO, never
	 * before, never undone. */
	FUZZ_CHECK(f->broken == (c->latched ? SRING_EPROTO : 0));
	if (c->latched) {
		/* Latched: every call says so and touches nothing. */
		FUZZ_CHECK(rc == 0 || rc == SRING_EPROTO);
		memcpy(c->snap, c->area, bytes);
		FUZZ_CHECK(sring_front_broken(f) == SRING_EPROTO);
		FUZZ_CHECK(sring_front_copy_response(f, c->rsp) ==
			   SRING_EPROTO);
		FUZZ_CHECK(sring_front_unconsumed_responses(f) ==
			   SRING_EPROTO);
		FUZZ_CHECK(sring_front_final_check(f) == SRING_EPROTO);
		FUZZ_CHECK(sring_front_free_requests(f) == SRING_EPROTO);
		FUZZ_CHECK(sring_front_get_request(f) == NULL);
		FUZZ_CHECK(sring_front_push_requests(f) == 0);
		FUZZ_CHECK(memcmp(c->snap, c->area, bytes) == 0);
	} else {
		FUZZ_CHECK((uint32_t)(f->rsp_avail - f->rsp_cons) <= n);
		FUZZ_CHECK((uint32_t)(c->pub - f->rsp_avail) <= n);
		FUZZ_CHECK((uint32_t)(f->req_prod_pvt - f->rsp_cons) <= n);
		FUZZ_CHECK((uint32_t)(f->req_prod_pvt - c->pub) <= n);
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
	if (!fuzz_attach(&c.g, c.area, &c.l, &c.f, NULL)) {
		free(c.area);
		return 0;
	}
	c.pub = c.g.idx0;
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
