/* SPDX-License-Identifier: MIT */
/*
 * A back end facing a hostile front end.
 *
 * The input picks a ring geometry and layout (Xen's, or sring's fast one,
 * whose header the peer may lie in before we attach), then is a script:
 * bytes below 0x80 are peer actions of sring_fuzzkit.h (write any index
 * word, any slot or area byte, publish, rewind, notify), bytes from 0x80
 * are the back end's own calls through the public API, the publish
 * policy included. After every call:
 *
 *  - the call wrote only what it may (its index word, the response slot it
 *    filled), and nothing at all once the ring is latched broken;
 *  - counts are within the ring size (no call can loop longer than that);
 *  - a validated req_prod never lets the back see more than the ring holds;
 *  - the first SRING_EPROTO latches the ring (tracked here, not read from
 *    the library), which then stays latched and says so from every call;
 *  - the policy publishes exactly when k responses are unpublished, and a
 *    "notify" it finds is returned by the next push;
 *  - every accepted request was published by the peer in a valid window,
 *    is the next one in sequence (none skipped, none taken twice), and is a
 *    byte-exact copy of its slot as the peer left it;
 *  - final_check() returns 0 only with the event armed and too little work
 *    pending, and push_responses() notifies exactly by Xen's rule.
 */
#include "fuzz_common.h"

struct bctx {
	struct sring_fuzzkit k;
	struct fuzz_geom g;
	struct sring_layout l;
	struct sring_back b;
	unsigned char *area;
	unsigned char snap[FUZZ_MAX_AREA];
	unsigned char req[2 * 16 * FUZZ_MAX_SLOT];
	unsigned char rsp[FUZZ_MAX_SLOT];
	sring_idx_t ok_hi; /* highest req_prod published in a valid window */
	sring_idx_t next;  /* index of the next request we may accept */
	/* What the back must have done, kept here from its calls alone. */
	sring_idx_t pub;   /* rsp_prod it published last */
	uint32_t every;    /* publish policy */
	int pending;       /* a policy push said "notify" */
	int latched;       /* a call returned SRING_EPROTO */
	int depth;
};

enum { OP_COPY, OP_COPY_BATCH, OP_PUT, OP_GET, OP_PUSH, OP_FINAL,
       OP_UNCONSUMED, OP_MODERATE, OP_NOTIFY_OFF, OP_PUBLISH, OP_STEP,
       OP_NR };

static void back_op(struct bctx *c, unsigned int op);

/* One pass of a typical back end: drain, answer, push, final check. */
static int back_step(void *ctx)
{
	struct bctx *c = (struct bctx *)ctx;
	uint32_t i, owed;

	if (c->depth)
		return 0;
	c->depth = 1;
	back_op(c, OP_COPY_BATCH);
	owed = sring_back_owed_responses(&c->b);
	for (i = 0; i < owed; i++)
		back_op(c, i & 1u ? OP_GET : OP_PUT);
	back_op(c, OP_PUSH);
	back_op(c, OP_FINAL);
	c->depth = 0;
	return 0;
}

/*
 * A response slot is being handed out at pvt0: if the policy is due,
 * the library publishes first. Returns 1 if it did (the rsp_prod word
 * then holds pvt0), after updating the model.
 */
static int policy_push(struct bctx *c, sring_idx_t pvt0)
{
	if (c->every == 0 || (uint32_t)(pvt0 - c->pub) < c->every)
		return 0;
	if (sring_need_event(fuzz_word(c->snap, c->g.o_rsp_event), pvt0,
			     c->pub))
		c->pending = 1;
	c->pub = pvt0;
	return 1;
}

static void back_op(struct bctx *c, unsigned int op)
{
	struct sring_back *b = &c->b;
	const struct fuzz_geom *g = &c->g;
	const uint32_t n = g->n;
	const size_t bytes = g->bytes;
	struct fuzz_allow allow;
	const int latched0 = c->latched;
	const sring_idx_t cons0 = b->req_cons, avail0 = b->req_avail;
	const sring_idx_t pvt0 = b->rsp_prod_pvt, pub0 = c->pub;
	sring_idx_t p;
	int p_valid, rc = 0;
	uint32_t i, max, k;
	void *slot;

	memcpy(c->snap, c->area, bytes);
	memset(&allow, 0, sizeof(allow));
	p = fuzz_word(c->snap, g->o_req_prod);
	/* The spec's window: req_prod in [req_avail, rsp_prod_pvt + n]. */
	p_valid = (uint32_t)(p - avail0) <= (uint32_t)(pvt0 + n - avail0);
	if ((uint32_t)(p - pvt0) <= n && (int32_t)(p - c->ok_hi) > 0)
		c->ok_hi = p;

	switch (op % OP_NR) {
	case OP_COPY:
		rc = sring_back_copy_request(b, c->req);
		FUZZ_CHECK(rc == SRING_OK || rc == SRING_EMPTY ||
			   rc == SRING_EPROTO);
		if (rc == SRING_OK) {
			FUZZ_CHECK(cons0 == c->next);
			FUZZ_CHECK((int32_t)(c->ok_hi - cons0) > 0);
			FUZZ_CHECK(memcmp(c->req,
					  c->snap + fuzz_req_off(g, cons0),
					  g->req) == 0);
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
		rc = sring_back_copy_requests(b, c->req, max);
		FUZZ_CHECK(rc == SRING_EPROTO ||
			   (rc >= 0 && (uint32_t)rc <= max &&
			    (uint32_t)rc <= n));
		if (rc == SRING_EPROTO)
			FUZZ_CHECK(latched0 || !p_valid);
		for (i = 0; rc > 0 && i < (uint32_t)rc; i++) {
			sring_idx_t idx = (sring_idx_t)(cons0 + i);

			FUZZ_CHECK(idx == c->next);
			FUZZ_CHECK((int32_t)(c->ok_hi - idx) > 0);
			FUZZ_CHECK(memcmp(c->req + (size_t)i * g->req,
					  c->snap + fuzz_req_off(g, idx),
					  g->req) == 0);
			c->next++;
		}
		break;
	case OP_PUT:
	case OP_GET:
		if (op % OP_NR == OP_PUT) {
			sring_fuzzkit_bytes(&c->k, c->rsp, g->rsp);
			rc = sring_back_put_response(b, c->rsp);
			slot = rc == SRING_OK ? c->area + fuzz_rsp_off(g, pvt0)
					      : NULL;
		} else {
			slot = sring_back_get_response(b);
			if (slot)
				sring_fuzzkit_bytes(&c->k, slot, g->rsp);
		}
		if (slot) {
			FUZZ_CHECK(!latched0 && pvt0 != cons0);
			FUZZ_CHECK((unsigned char *)slot ==
				   c->area + fuzz_rsp_off(g, pvt0));
			fuzz_allow_add(&allow, fuzz_rsp_off(g, pvt0), g->rsp);
			if (op % OP_NR == OP_PUT)
				FUZZ_CHECK(memcmp(slot, c->rsp, g->rsp) == 0);
			if (policy_push(c, pvt0)) {
				FUZZ_CHECK(fuzz_word(c->area, g->o_rsp_prod) ==
					   pvt0);
				fuzz_allow_add(&allow, g->o_rsp_prod, 4);
			}
		} else {
			FUZZ_CHECK(latched0 || pvt0 == cons0);
			if (op % OP_NR == OP_PUT)
				FUZZ_CHECK(rc == (latched0 ? SRING_EPROTO
							   : SRING_FULL));
			else
				rc = latched0 ? SRING_EPROTO : 0;
		}
		break;
	case OP_PUSH:
		rc = sring_back_push_responses(b);
		if (latched0) {
			FUZZ_CHECK(rc == 0);
			break;
		}
		if (pvt0 != pub0) {
			FUZZ_CHECK(fuzz_word(c->area, g->o_rsp_prod) == pvt0);
			fuzz_allow_add(&allow, g->o_rsp_prod, 4);
		}
		/* Xen's rule, or a policy push's "notify" kept for us. */
		FUZZ_CHECK(rc == (c->pending ||
				  (pvt0 != pub0 &&
				   sring_need_event(fuzz_word(c->snap,
							      g->o_rsp_event),
						    pvt0, pub0))));
		c->pending = 0;
		c->pub = pvt0;
		break;
	case OP_FINAL:
		rc = sring_back_final_check(b);
		k = b->moderation;
		if (latched0 || !p_valid) {
			FUZZ_CHECK(rc == SRING_EPROTO);
		} else if ((uint32_t)(p - cons0) >= k) {
			FUZZ_CHECK(rc == (int)(p - cons0) && (uint32_t)rc <= n);
		} else {
			/* Sleeping: the event must catch the k-th request. */
			FUZZ_CHECK(rc == 0);
			FUZZ_CHECK(fuzz_word(c->area, g->o_req_event) ==
				   (sring_idx_t)(cons0 + k));
			fuzz_allow_add(&allow, g->o_req_event, 4);
		}
		break;
	case OP_UNCONSUMED:
		rc = sring_back_unconsumed_requests(b);
		if (latched0 || !p_valid)
			FUZZ_CHECK(rc == SRING_EPROTO);
		else
			FUZZ_CHECK(rc == (int)(p - cons0) && (uint32_t)rc <= n);
		break;
	case OP_MODERATE:
		k = sring_fuzzkit_byte(&c->k) % (n + 2u);
		sring_back_set_moderation(b, k);
		FUZZ_CHECK(b->moderation == (k ? k : 1u));
		break;
	case OP_NOTIFY_OFF:
		sring_back_notify_off(b);
		if (!latched0) {
			FUZZ_CHECK(fuzz_word(c->area, g->o_req_event) == cons0);
			fuzz_allow_add(&allow, g->o_req_event, 4);
		}
		break;
	case OP_PUBLISH:
		/* 0 (off), 1..n+1; takes effect at the next reserve. */
		c->every = sring_fuzzkit_byte(&c->k) % (n + 2u);
		sring_back_set_publish(b, c->every);
		break;
	default:
		back_step(c);
		/* back_step checked each of its calls. */
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
	FUZZ_CHECK(b->broken == (c->latched ? SRING_EPROTO : 0));
	if (c->latched) {
		/* Latched: every call says so and touches nothing. */
		FUZZ_CHECK(rc == 0 || rc == SRING_EPROTO);
		memcpy(c->snap, c->area, bytes);
		FUZZ_CHECK(sring_back_broken(b) == SRING_EPROTO);
		FUZZ_CHECK(sring_back_copy_request(b, c->req) == SRING_EPROTO);
		FUZZ_CHECK(sring_back_unconsumed_requests(b) == SRING_EPROTO);
		FUZZ_CHECK(sring_back_final_check(b) == SRING_EPROTO);
		FUZZ_CHECK(sring_back_get_response(b) == NULL);
		FUZZ_CHECK(sring_back_push_responses(b) == 0);
		FUZZ_CHECK(memcmp(c->snap, c->area, bytes) == 0);
	} else {
		FUZZ_CHECK((uint32_t)(b->req_avail - b->req_cons) <= n);
		FUZZ_CHECK((uint32_t)(b->req_cons - b->rsp_prod_pvt) <= n);
		/*
		 * Not "<= n": like Xen's RING_REQUEST_PROD_OVERFLOW, the window
		 * counts unpublished responses as free, so a hostile front can
		 * make us answer more than n before we push. Harmless to us.
		 */
		FUZZ_CHECK((uint32_t)(b->rsp_prod_pvt - c->pub) <=
			   (uint32_t)(b->req_cons - c->pub));
		FUZZ_CHECK(b->req_cons == c->next);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct bctx c;

	memset(&c, 0, sizeof(c));
	sring_fuzzkit_init(&c.k, data, size, NULL, SRING_FUZZKIT_PEER_IS_FRONT,
			   NULL, 0);
	fuzz_geom_pick(&c.k, &c.g);
	c.area = fuzz_area_new(&c.g, &c.l);
	if (!fuzz_attach(&c.g, c.area, &c.l, NULL, &c.b)) {
		free(c.area);
		return 0;
	}
	c.k.l = c.l;
	c.k.area = c.area;
	c.k.area_bytes = c.g.bytes;
	c.ok_hi = c.g.idx0;
	c.next = c.g.idx0;
	c.pub = c.g.idx0;
	while (sring_fuzzkit_more(&c.k)) {
		uint8_t op = sring_fuzzkit_byte(&c.k);

		if (op & 0x80u)
			back_op(&c, op & 0x7fu);
		else
			sring_fuzzkit_peer_op(&c.k, op, back_step, &c);
	}
	back_step(&c);
	free(c.area);
	return 0;
}
