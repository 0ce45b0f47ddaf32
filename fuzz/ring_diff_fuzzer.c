/* SPDX-License-Identifier: MIT */
/*
 * Differential target: an honest front end and an honest back end driven
 * through the public API on either layout (Xen's or sring's fast one),
 * one call at a time in an order the input picks,
 * against a trivial model that keeps every request and response ever made
 * in a plain array indexed by sequence number (no masks, no slots, no
 * shared memory). Any difference in what comes out is a crash: return
 * codes, counts, request and response bytes, notification decisions, and
 * the four shared index words after every call.
 *
 * The model states the documented behaviour directly:
 *  - with a publish policy (set_publish(k)), reserving a slot first
 *    pushes the ones before it once k are unpublished (the same rule on
 *    its own window); a "notify" it decides is returned by the next
 *    explicit push, together with that push's own;
 *  - copy_*() use the last snapshot of the producer index and load it again
 *    only once it is used up; unconsumed_*() and final_check() always load;
 *  - a producer notifies iff the consumer's event lies in (old, new];
 *  - final_check() arms event = cons + k (k = moderation; the front caps it
 *    by requests in flight) only when fewer than k are ready.
 * It also checks the property the event rule exists for: a side that went
 * to sleep (final_check() returned 0) with threshold k is notified before
 * k items are pending for it.
 */
#include "fuzz_common.h"

#define MAXSEQ 2048u

struct model {
	/* Sequence numbers are offsets from idx0. */
	uint32_t f_prod, f_pub;   /* requests queued, published by the front */
	uint32_t f_chk, b_chk;    /* published at the last explicit push */
	int f_pend, b_pend;       /* a policy push decided "notify", not
				     yet returned by an explicit push */
	uint32_t fpe, bpe;        /* publish policies (set_publish) */
	uint32_t b_cons, b_avail; /* back: consumed, snapshot of req_prod */
	uint32_t b_prod, b_pub;   /* responses queued, published */
	uint32_t f_cons, f_avail; /* front: consumed, snapshot of rsp_prod */
	uint32_t req_event, rsp_event;
	uint32_t fmod, bmod;
	int b_asleep, f_asleep;   /* asleep with an armed event */
	uint32_t b_need, f_need;  /* pending count that must have woken it */
	unsigned char req[MAXSEQ][FUZZ_MAX_SLOT];
	unsigned char rsp[MAXSEQ][FUZZ_MAX_SLOT];
};

struct dctx {
	struct sring_fuzzkit k; /* only its input reader is used */
	struct fuzz_geom g;
	struct sring_layout l;
	struct sring_front f;
	struct sring_back b;
	unsigned char *area;
	struct model m;
	unsigned char buf[2 * 16 * FUZZ_MAX_SLOT];
};

enum { F_PUT, F_GET, F_PUSH, B_COPY, B_COPY_BATCH, B_PUT, B_GET, B_PUSH,
       F_COPY, F_COPY_BATCH, B_FINAL, F_FINAL, B_UNCONSUMED, F_UNCONSUMED,
       F_MODERATE, B_MODERATE, F_NOTIFY_OFF, B_NOTIFY_OFF, F_FREE,
       F_PUBLISH, B_PUBLISH, OP_NR };

/* The notification rule, stated as "event in (old, new]". */
static int crosses(uint32_t ev, uint32_t old, uint32_t new_idx)
{
	return (uint32_t)(ev - old - 1u) < (uint32_t)(new_idx - old);
}

static uint32_t u32min(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

/* A notification reaches the sleeper it was for. */
static void wake(int *asleep, int notified)
{
	if (notified)
		*asleep = 0;
}

static void diff_op(struct dctx *c, unsigned int op)
{
	struct model *m = &c->m;
	const uint32_t n = c->g.n;
	const sring_idx_t x = c->g.idx0;
	int rc, want;
	uint32_t i, k, max, cnt;
	void *slot;

	switch (op % OP_NR) {
	case F_PUT:
	case F_GET:
		if (m->f_prod >= MAXSEQ)
			return;
		sring_fuzzkit_bytes(&c->k, m->req[m->f_prod], c->g.req);
		want = m->f_prod - m->f_cons < n;
		if (op % OP_NR == F_PUT) {
			rc = sring_front_put_request(&c->f, m->req[m->f_prod]);
			FUZZ_CHECK(rc == (want ? SRING_OK : SRING_FULL));
		} else {
			slot = sring_front_get_request(&c->f);
			FUZZ_CHECK((slot != NULL) == want);
			if (slot) {
				/* Where the layout's specification puts it. */
				FUZZ_CHECK((unsigned char *)slot ==
					   c->area + fuzz_req_off(&c->g,
						(sring_idx_t)(x + m->f_prod)));
				memcpy(slot, m->req[m->f_prod], c->g.req);
			}
		}
		if (want)
			FUZZ_CHECK(memcmp(c->area + fuzz_req_off(&c->g,
					(sring_idx_t)(x + m->f_prod)),
					  m->req[m->f_prod], c->g.req) == 0);
		if (want) {
			/* Policy: first push the slots before this one; a
			 * "notify" it decides waits for the explicit push. */
			if (m->fpe && m->f_prod - m->f_pub >= m->fpe) {
				if (crosses(m->req_event, m->f_pub, m->f_prod))
					m->f_pend = 1;
				m->f_pub = m->f_prod;
			}
			m->f_prod++;
		}
		break;
	case F_PUSH:
		rc = sring_front_push_requests(&c->f);
		want = (m->f_prod != m->f_pub &&
			crosses(m->req_event, m->f_pub, m->f_prod)) ||
		       m->f_pend;
		FUZZ_CHECK(rc == want);
		m->f_pend = 0;
		m->f_pub = m->f_prod;
		m->f_chk = m->f_prod;
		wake(&m->b_asleep, want);
		break;
	case B_COPY:
		m->b_asleep = 0;
		rc = sring_back_copy_request(&c->b, c->buf);
		if (m->b_cons == m->b_avail)
			m->b_avail = m->f_pub;
		if (m->b_cons == m->b_avail) {
			FUZZ_CHECK(rc == SRING_EMPTY);
		} else {
			FUZZ_CHECK(rc == SRING_OK);
			FUZZ_CHECK(memcmp(c->buf, m->req[m->b_cons],
					  c->g.req) == 0);
			m->b_cons++;
		}
		break;
	case B_COPY_BATCH:
		m->b_asleep = 0;
		max = sring_fuzzkit_byte(&c->k) % (2u * n + 1u);
		rc = sring_back_copy_requests(&c->b, c->buf, max);
		if (m->b_cons == m->b_avail)
			m->b_avail = m->f_pub;
		cnt = u32min(max, m->b_avail - m->b_cons);
		FUZZ_CHECK(rc == (int)cnt);
		for (i = 0; i < cnt; i++)
			FUZZ_CHECK(memcmp(c->buf + (size_t)i * c->g.req,
					  m->req[m->b_cons + i],
					  c->g.req) == 0);
		m->b_cons += cnt;
		break;
	case B_PUT:
	case B_GET:
		m->b_asleep = 0;
		if (m->b_prod >= MAXSEQ)
			return;
		sring_fuzzkit_bytes(&c->k, m->rsp[m->b_prod], c->g.rsp);
		want = m->b_prod != m->b_cons;
		if (op % OP_NR == B_PUT) {
			rc = sring_back_put_response(&c->b, m->rsp[m->b_prod]);
			FUZZ_CHECK(rc == (want ? SRING_OK : SRING_FULL));
		} else {
			slot = sring_back_get_response(&c->b);
			FUZZ_CHECK((slot != NULL) == want);
			if (slot) {
				FUZZ_CHECK((unsigned char *)slot ==
					   c->area + fuzz_rsp_off(&c->g,
						(sring_idx_t)(x + m->b_prod)));
				memcpy(slot, m->rsp[m->b_prod], c->g.rsp);
			}
		}
		if (want)
			FUZZ_CHECK(memcmp(c->area + fuzz_rsp_off(&c->g,
					(sring_idx_t)(x + m->b_prod)),
					  m->rsp[m->b_prod], c->g.rsp) == 0);
		if (want) {
			if (m->bpe && m->b_prod - m->b_pub >= m->bpe) {
				if (crosses(m->rsp_event, m->b_pub, m->b_prod))
					m->b_pend = 1;
				m->b_pub = m->b_prod;
			}
			m->b_prod++;
		}
		break;
	case B_PUSH:
		m->b_asleep = 0;
		rc = sring_back_push_responses(&c->b);
		want = (m->b_prod != m->b_pub &&
			crosses(m->rsp_event, m->b_pub, m->b_prod)) ||
		       m->b_pend;
		FUZZ_CHECK(rc == want);
		m->b_pend = 0;
		m->b_pub = m->b_prod;
		m->b_chk = m->b_prod;
		wake(&m->f_asleep, want);
		break;
	case F_COPY:
		m->f_asleep = 0;
		rc = sring_front_copy_response(&c->f, c->buf);
		if (m->f_cons == m->f_avail)
			m->f_avail = m->b_pub;
		if (m->f_cons == m->f_avail) {
			FUZZ_CHECK(rc == SRING_EMPTY);
		} else {
			FUZZ_CHECK(rc == SRING_OK);
			FUZZ_CHECK(memcmp(c->buf, m->rsp[m->f_cons],
					  c->g.rsp) == 0);
			m->f_cons++;
		}
		break;
	case F_COPY_BATCH:
		m->f_asleep = 0;
		max = sring_fuzzkit_byte(&c->k) % (2u * n + 1u);
		rc = sring_front_copy_responses(&c->f, c->buf, max);
		if (m->f_cons == m->f_avail)
			m->f_avail = m->b_pub;
		cnt = u32min(max, m->f_avail - m->f_cons);
		FUZZ_CHECK(rc == (int)cnt);
		for (i = 0; i < cnt; i++)
			FUZZ_CHECK(memcmp(c->buf + (size_t)i * c->g.rsp,
					  m->rsp[m->f_cons + i],
					  c->g.rsp) == 0);
		m->f_cons += cnt;
		break;
	case B_FINAL:
		rc = sring_back_final_check(&c->b);
		k = m->bmod;
		m->b_avail = m->f_pub;
		cnt = m->b_avail - m->b_cons;
		if (cnt >= k) {
			FUZZ_CHECK(rc == (int)cnt);
			m->b_asleep = 0;
		} else {
			FUZZ_CHECK(rc == 0);
			m->req_event = m->b_cons + k;
			m->b_asleep = 1;
			m->b_need = k;
		}
		break;
	case F_FINAL:
		rc = sring_front_final_check(&c->f);
		k = u32min(m->fmod, m->f_pub - m->f_cons);
		if (k == 0)
			k = 1;
		m->f_avail = m->b_pub;
		cnt = m->f_avail - m->f_cons;
		if (cnt >= k) {
			FUZZ_CHECK(rc == (int)cnt);
			m->f_asleep = 0;
		} else {
			FUZZ_CHECK(rc == 0);
			m->rsp_event = m->f_cons + k;
			m->f_asleep = 1;
			m->f_need = k;
		}
		break;
	case B_UNCONSUMED:
		m->b_asleep = 0;
		rc = sring_back_unconsumed_requests(&c->b);
		m->b_avail = m->f_pub;
		FUZZ_CHECK(rc == (int)(m->b_avail - m->b_cons));
		break;
	case F_UNCONSUMED:
		m->f_asleep = 0;
		rc = sring_front_unconsumed_responses(&c->f);
		m->f_avail = m->b_pub;
		FUZZ_CHECK(rc == (int)(m->f_avail - m->f_cons));
		break;
	case F_MODERATE:
		m->f_asleep = 0;
		k = sring_fuzzkit_byte(&c->k) % (n + 2u);
		sring_front_set_moderation(&c->f, k);
		m->fmod = k ? k : 1u;
		break;
	case B_MODERATE:
		m->b_asleep = 0;
		k = sring_fuzzkit_byte(&c->k) % (n + 2u);
		sring_back_set_moderation(&c->b, k);
		m->bmod = k ? k : 1u;
		break;
	case F_NOTIFY_OFF:
		m->f_asleep = 0;
		sring_front_notify_off(&c->f);
		m->rsp_event = m->f_cons;
		break;
	case B_NOTIFY_OFF:
		m->b_asleep = 0;
		sring_back_notify_off(&c->b);
		m->req_event = m->b_cons;
		break;
	case F_PUBLISH:
		m->fpe = sring_fuzzkit_byte(&c->k) % (n + 1u);
		sring_front_set_publish(&c->f, m->fpe);
		break;
	case B_PUBLISH:
		m->b_asleep = 0;
		m->bpe = sring_fuzzkit_byte(&c->k) % (n + 1u);
		sring_back_set_publish(&c->b, m->bpe);
		break;
	default:
		rc = sring_front_free_requests(&c->f);
		FUZZ_CHECK(rc == (int)(n - (m->f_prod - m->f_cons)));
		FUZZ_CHECK(sring_front_full(&c->f) == (rc == 0));
		break;
	}

	/* Honest peers: nothing ever breaks. */
	FUZZ_CHECK(sring_front_broken(&c->f) == 0);
	FUZZ_CHECK(sring_back_broken(&c->b) == 0);
	/* The shared words are exactly what the model says. */
	FUZZ_CHECK(fuzz_word(c->area, c->g.o_req_prod) ==
		   (sring_idx_t)(x + m->f_pub));
	FUZZ_CHECK(fuzz_word(c->area, c->g.o_req_event) ==
		   (sring_idx_t)(x + m->req_event));
	FUZZ_CHECK(fuzz_word(c->area, c->g.o_rsp_prod) ==
		   (sring_idx_t)(x + m->b_pub));
	FUZZ_CHECK(fuzz_word(c->area, c->g.o_rsp_event) ==
		   (sring_idx_t)(x + m->rsp_event));
	/*
	 * No lost wake-up: a sleeper is woken before its threshold is met
	 * by items a push has checked (items a publish policy put out are
	 * owed a push first: the contract is to push before waiting).
	 */
	if (m->b_asleep)
		FUZZ_CHECK((int32_t)(m->f_chk - m->b_cons) <
			   (int32_t)m->b_need);
	if (m->f_asleep)
		FUZZ_CHECK((int32_t)(m->b_chk - m->f_cons) <
			   (int32_t)m->f_need);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dctx c;
	struct model *m = &c.m;

	memset(&c, 0, sizeof(c));
	sring_fuzzkit_init(&c.k, data, size, NULL, SRING_FUZZKIT_PEER_IS_BACK,
			   NULL, 0);
	fuzz_geom_pick(&c.k, &c.g);
	c.area = fuzz_area_new(&c.g, &c.l);
	/* Honest peers: a header lie (fast layout) only ends the input. */
	if (!fuzz_attach(&c.g, c.area, &c.l, &c.f, NULL) ||
	    !fuzz_attach(&c.g, c.area, &c.l, NULL, &c.b)) {
		free(c.area);
		return 0;
	}
	/* Initial events idx0 + 1: the first message is announced. */
	m->req_event = 1;
	m->rsp_event = 1;
	m->fmod = 1;
	m->bmod = 1;
	while (sring_fuzzkit_more(&c.k))
		diff_op(&c, sring_fuzzkit_byte(&c.k));
	free(c.area);
	return 0;
}
