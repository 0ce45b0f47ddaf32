/* SPDX-License-Identifier: MIT */
/*
 * A blkif front end (either wire format) with its id tracker, facing a
 * hostile back end.
 *
 * The input picks the format, ring size and tracker size; then bytes below
 * 0x80 are peer actions of sring_fuzzkit.h playing the back end, whose
 * responses are shaped (shape_rsp) to name an id in flight about half the
 * time, with the right or a wrong operation, so the fuzzer reaches real
 * completions as well as stale, duplicate and forged ones. Bytes from 0x80
 * are the front end's calls. The harness keeps its own list of requests in
 * flight (id, cookie, operation) and checks after every call:
 *
 *  - a completion succeeds only for a response naming a request in flight,
 *    of the current incarnation, with its operation; it returns that
 *    request's cookie, and that request never completes again;
 *  - anything else is SRING_EPROTO, after which the tracker and the ring
 *    both stay latched;
 *  - the tracker's in-flight count equals the harness's;
 *  - statuses handed to the caller are normalised (OKAY, ERROR, EOPNOTSUPP).
 */
#include "fuzz_common.h"

#include <sring/proto/blkif.h>

#define MAXQ 32u

struct inflight {
	uint64_t id, cookie;
	uint8_t op;
};

struct bfctx {
	struct sring_fuzzkit k;
	struct sring_blkif_frontend fe;
	struct sring_blkif_shadow sh;
	struct sring_blkif_shadow_entry ent[MAXQ];
	unsigned char *area;
	size_t bytes;
	int abi;
	struct inflight q[MAXQ];
	uint32_t nq;
	uint64_t next_cookie;
	int latched;
};

/* Half the time, make a fuzzed response name a request in flight. */
static void shape_rsp(void *slot, size_t size, sring_idx_t idx, void *arg)
{
	struct bfctx *c = (struct bfctx *)arg;
	unsigned char *s = (unsigned char *)slot;
	const struct inflight *f;
	uint8_t pick = s[size - 1], op;

	(void)idx;
	if (c->nq == 0 || (pick & 0x80u))
		return;
	f = &c->q[pick % c->nq];
	op = (pick & 0x40u) ? (uint8_t)(f->op + 1u) : f->op;
	/* id at 0 and operation at 8 in both response formats */
	memcpy(s, &f->id, 8);
	s[8] = op;
}

/* Id and operation of the response at index i, from a snapshot. */
static void rsp_at(const struct bfctx *c, const unsigned char *snap,
		   sring_idx_t i, uint64_t *id, uint8_t *op)
{
	const struct sring_layout *l = &c->fe.core.l;
	size_t off = SRING_HEADER_SIZE +
		     (size_t)(i & (l->nr_ents - 1u)) * l->rsp_stride;

	memcpy(id, snap + off, 8);
	*op = snap[off + 8];
}

static void front_op(struct bfctx *c, unsigned int op)
{
	struct sring_front *f = &c->fe.core;
	unsigned char snap[SRING_HEADER_SIZE + 32 * 112];
	struct sring_blkif_req d;
	uint64_t cookie = 0, id;
	int16_t status = 0;
	uint8_t rop;
	uint32_t i;
	int rc;

	memcpy(snap, c->area, c->bytes);
	switch (op % 4u) {
	case 0: /* submit a read or write of one segment */
		memset(&d, 0, sizeof(d));
		d.operation = (sring_fuzzkit_byte(&c->k) & 1u)
				      ? SRING_BLKIF_OP_WRITE
				      : SRING_BLKIF_OP_READ;
		d.nr_segments = 1;
		d.seg[0].gref = 7;
		d.seg[0].last_sect = 7;
		d.sector_number = 8;
		rc = sring_blkif_frontend_submit(&c->fe, &c->sh, &d,
						 c->next_cookie);
		if (rc == SRING_OK) {
			FUZZ_CHECK(!c->latched && c->nq < MAXQ);
			c->q[c->nq].id = d.id;
			c->q[c->nq].cookie = c->next_cookie++;
			c->q[c->nq].op = d.operation;
			c->nq++;
		} else {
			FUZZ_CHECK(rc == SRING_FULL || rc == SRING_EPROTO);
			FUZZ_CHECK(rc == SRING_FULL || c->latched ||
				   f->broken);
		}
		break;
	case 1:
		(void)sring_blkif_frontend_push_requests(&c->fe);
		break;
	case 2: {
		sring_idx_t i0 = f->rsp_cons;

		rc = sring_blkif_frontend_complete(&c->fe, &c->sh, &cookie,
						   &status);
		if (rc == SRING_OK) {
			FUZZ_CHECK(!c->latched);
			rsp_at(c, snap, i0, &id, &rop);
			for (i = 0; i < c->nq; i++)
				if (c->q[i].id == id)
					break;
			/* In flight, right operation, its own cookie. */
			FUZZ_CHECK(i < c->nq);
			FUZZ_CHECK(c->q[i].op == rop);
			FUZZ_CHECK(c->q[i].cookie == cookie);
			FUZZ_CHECK(status == SRING_BLKIF_RSP_OKAY ||
				   status == SRING_BLKIF_RSP_ERROR ||
				   status == SRING_BLKIF_RSP_EOPNOTSUPP);
			c->q[i] = c->q[--c->nq];
		} else if (rc == SRING_EPROTO) {
			c->latched = 1;
		} else {
			FUZZ_CHECK(rc == SRING_EMPTY && !c->latched);
		}
		break;
	}
	default:
		rc = sring_blkif_frontend_final_check(&c->fe);
		FUZZ_CHECK(rc == SRING_EPROTO ||
			   (rc >= 0 && (uint32_t)rc <= f->l.nr_ents));
		if (rc == SRING_EPROTO)
			c->latched = 1;
		break;
	}
	if (c->latched) {
		/* Both latched once either saw a violation. */
		FUZZ_CHECK(sring_blkif_frontend_complete(&c->fe, &c->sh,
							 &cookie, &status) ==
			   SRING_EPROTO);
		FUZZ_CHECK(sring_blkif_frontend_broken(&c->fe) ==
			   SRING_EPROTO);
	} else {
		FUZZ_CHECK(sring_blkif_shadow_in_flight(&c->sh) == c->nq);
		FUZZ_CHECK(!sring_blkif_shadow_broken(&c->sh));
	}
}

static int front_step(void *ctx)
{
	struct bfctx *c = (struct bfctx *)ctx;

	front_op(c, 2);
	front_op(c, 2);
	front_op(c, 3);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct bfctx c;
	uint8_t a;
	uint32_t slot, n;

	memset(&c, 0, sizeof(c));
	sring_fuzzkit_init(&c.k, data, size, NULL, SRING_FUZZKIT_PEER_IS_BACK,
			   NULL, 0);
	a = sring_fuzzkit_byte(&c.k);
	c.abi = (a & 1u) ? SRING_BLKIF_ABI_X86_32 : SRING_BLKIF_ABI_64;
	slot = sring_blkif_slot_size(c.abi);
	n = 1u << ((a >> 1) % 6u); /* 1..32 slots */
	c.bytes = SRING_HEADER_SIZE + (size_t)n * slot;
	c.area = (unsigned char *)malloc(c.bytes);
	FUZZ_CHECK(c.area != NULL);
	FUZZ_CHECK(sring_blkif_ring_init(c.abi, c.area, c.bytes) == SRING_OK);
	FUZZ_CHECK(sring_blkif_frontend_init(&c.fe, c.abi, c.area, c.bytes) ==
		   SRING_OK);
	FUZZ_CHECK(sring_blkif_frontend_size(&c.fe) == n);
	/* A tracker smaller than the ring is allowed: it then limits. */
	FUZZ_CHECK(sring_blkif_shadow_init(&c.sh, c.ent,
					   (a & 0x80u) ? 1u + n / 2u : n) ==
		   SRING_OK);
	c.k.l = c.fe.core.l;
	c.k.area = c.area;
	c.k.area_bytes = c.bytes;
	c.k.shape = shape_rsp;
	c.k.shape_arg = &c;
	while (sring_fuzzkit_more(&c.k)) {
		uint8_t op = sring_fuzzkit_byte(&c.k);

		if (op & 0x80u)
			front_op(&c, op & 0x7fu);
		else
			sring_fuzzkit_peer_op(&c.k, op, front_step, &c);
	}
	free(c.area);
	return 0;
}
