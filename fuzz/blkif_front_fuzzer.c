/* SPDX-License-Identifier: MIT */
/*
 * A blkif front end (either wire format) with its id tracker, facing a
 * hostile back end.
 *
 * The input picks the format, ring size and tracker size; then bytes below
 * 0x80 are peer actions of sring_fuzzkit.h playing the back end, whose
 * responses are shaped (shape_rsp) to name an id in flight about half the
 * time, with the right or a wrong operation (for an indirect request also
 * BLKIF_OP_INDIRECT itself, which is wrong: the answer carries indirect_op),
 * and a status that is OKAY, ERROR, EOPNOTSUPP or raw fuzz, so the fuzzer
 * reaches real completions as well as stale, duplicate and forged ones.
 * Bytes from 0x80 are the front end's calls: submissions of every kind
 * (read/write of 1-11 segments, indirect read/write of 1-4096 segments,
 * discard, flush and barrier, and descriptions that must be refused), push,
 * complete and final check.
 *
 * The harness models the front end without the library: its own copy of
 * the four ring indices it has published or validated, its own list of
 * requests in flight (id, cookie, the operation the answer must carry) and
 * its own "latched" flag. From the shared-memory snapshot taken before each
 * call it computes what the call must return, and checks:
 *
 *  - submit: the request slot holds exactly the wire form of the
 *    description (encoded here from the offsets of blkif.h's table, every
 *    unused byte zero), no other byte changed; the id is fresh; the
 *    tracker's entry says what was sent; EINVAL/FULL/EPROTO exactly when
 *    due, writing nothing;
 *  - complete: SRING_EPROTO exactly when the response is outside rsp_prod's
 *    window, names no request in flight, or carries another operation than
 *    the one the request's answer must carry; otherwise SRING_OK with that
 *    request's cookie and the raw status normalised (independently: OKAY
 *    and EOPNOTSUPP kept, anything else ERROR); SRING_EMPTY when nothing is
 *    published; no shared byte written;
 *  - push and final check: their words only, and their result by Xen's
 *    rules; EPROTO exactly for an out-of-window rsp_prod;
 *  - once latched, the ring stays latched and every call says so; the
 *    tracker is latched when it refused a response, and from the first
 *    sring_blkif_frontend_complete() that finds the ring latched (an
 *    out-of-window rsp_prod, then or earlier); until then the tracker's
 *    in-flight count equals the harness's;
 *  - an indirect page written by sring_blkif_write_indirect_page() holds
 *    exactly the segments and a zero tail.
 */
#include "fuzz_common.h"

#include <sring/proto/blkif.h>

#define MAXQ 32u

struct inflight {
	uint64_t id, cookie, sector;
	uint16_t nr_segments;
	uint8_t op;     /* effective operation described */
	uint8_t rsp_op; /* what the answer must carry */
	uint8_t indirect;
};

struct bfctx {
	struct sring_fuzzkit k;
	struct sring_blkif_frontend fe;
	struct sring_blkif_shadow sh;
	struct sring_blkif_shadow_entry ent[MAXQ];
	unsigned char *area;
	size_t bytes;
	int abi;
	uint32_t n, slot, trk;
	struct inflight q[MAXQ];
	uint32_t nq;
	uint64_t next_cookie;
	int latched;
	/* The harness's own indices (never read from the library). */
	sring_idx_t pvt, pub, cons, avail;
	unsigned char snap[SRING_HEADER_SIZE + 32 * 112];
	unsigned char page[SRING_BLKIF_PAGE_SIZE];
	struct sring_blkif_segment segs[SRING_BLKIF_SEGS_PER_INDIRECT_FRAME];
};

/* Half the time, make a fuzzed response name a request in flight. */
static void shape_rsp(void *slot, size_t size, sring_idx_t idx, void *arg)
{
	struct bfctx *c = (struct bfctx *)arg;
	unsigned char *s = (unsigned char *)slot;
	const struct inflight *f;
	uint8_t pick = s[size - 1], op;
	int16_t st;

	(void)idx;
	if (c->nq == 0 || (pick & 0x80u))
		return;
	f = &c->q[pick % c->nq];
	op = f->rsp_op;
	if (pick & 0x40u)
		op = (f->indirect && (pick & 0x20u)) ? SRING_BLKIF_OP_INDIRECT
						     : (uint8_t)(op + 1u);
	/* id at 0, operation at 8, status at 10 in both formats */
	memcpy(s, &f->id, 8);
	s[8] = op;
	switch ((pick >> 3) & 3u) {
	case 0:
		return; /* raw fuzz status */
	case 1:
		st = SRING_BLKIF_RSP_OKAY;
		break;
	case 2:
		st = SRING_BLKIF_RSP_ERROR;
		break;
	default:
		st = SRING_BLKIF_RSP_EOPNOTSUPP;
		break;
	}
	memcpy(s + 10, &st, 2);
}

static size_t slot_off(const struct bfctx *c, sring_idx_t i)
{
	return SRING_HEADER_SIZE + (size_t)(i & (c->n - 1u)) * c->slot;
}

/* The blkif documentation's normalisation, restated. */
static int16_t ref_normalise(int16_t raw)
{
	if (raw == 0 || raw == -2)
		return raw;
	return -1;
}

static void put16(unsigned char *p, uint16_t v)
{
	memcpy(p, &v, 2);
}

static void put32(unsigned char *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static void put64(unsigned char *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

/*
 * The wire form of a description with id, from the offsets table of
 * blkif.h (64: id 8, sector 16, seg 24 / nr_sectors 24 / handle 24, grefs
 * 28; x86_32: id 4, sector 12, seg 20 / nr_sectors 20 / handle 20, grefs
 * 24). Every byte not named is zero. Returns the bytes of a request.
 */
static size_t ref_encode(int abi, const struct sring_blkif_req *d,
			 uint64_t id, unsigned char *w)
{
	const int x32 = abi == SRING_BLKIF_ABI_X86_32;
	const size_t o_id = x32 ? 4 : 8, o_sec = x32 ? 12 : 16;
	const size_t o_3 = x32 ? 20 : 24, o_gr = x32 ? 24 : 28;
	const size_t len = x32 ? 108 : 112;
	unsigned int i;

	memset(w, 0, 112);
	put64(w + o_id, id);
	put64(w + o_sec, d->sector_number);
	if (d->indirect) {
		w[0] = SRING_BLKIF_OP_INDIRECT;
		w[1] = d->operation;
		put16(w + 2, d->nr_segments);
		put16(w + o_3, d->handle);
		for (i = 0; i < d->nr_indirect_pages; i++)
			put32(w + o_gr + 4u * i, d->indirect_grefs[i]);
		return len;
	}
	w[0] = d->operation;
	put16(w + 2, d->handle);
	if (d->operation == SRING_BLKIF_OP_DISCARD) {
		w[1] = d->discard_secure ? SRING_BLKIF_DISCARD_SECURE : 0;
		put64(w + o_3, d->nr_sectors);
		return len;
	}
	w[1] = (uint8_t)d->nr_segments;
	for (i = 0; i < d->nr_segments; i++) {
		put32(w + o_3 + 8u * i, d->seg[i].gref);
		w[o_3 + 8u * i + 4] = d->seg[i].first_sect;
		w[o_3 + 8u * i + 5] = d->seg[i].last_sect;
	}
	return len;
}

static void fill_segs(struct sring_blkif_segment *s, unsigned int n,
		      uint32_t seed)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		uint32_t r = fuzz_mix(seed + i);
		uint8_t first = (uint8_t)(r & 7u);

		s[i].gref = fuzz_mix(r);
		s[i].first_sect = first;
		s[i].last_sect = (uint8_t)(first + (r >> 3) % (8u - first));
		s[i].pad[0] = s[i].pad[1] = 0;
	}
}

/* The front end writes an indirect page: exactly segs, then zeros. */
static void check_indirect_page(struct bfctx *c, unsigned int n, uint32_t sd)
{
	unsigned char want[SRING_BLKIF_PAGE_SIZE];
	unsigned int i;

	fill_segs(c->segs, n, sd);
	/* Stale bytes and pad bytes the caller left must not survive. */
	memset(c->page, 0xee, sizeof(c->page));
	for (i = 0; i < n; i++)
		c->segs[i].pad[0] = c->segs[i].pad[1] = 0x77;
	sring_blkif_write_indirect_page(c->page, c->segs, n);
	memset(want, 0, sizeof(want));
	for (i = 0; i < n; i++) {
		put32(want + 8u * i, c->segs[i].gref);
		want[8u * i + 4] = c->segs[i].first_sect;
		want[8u * i + 5] = c->segs[i].last_sect;
	}
	FUZZ_CHECK(memcmp(c->page, want, sizeof(want)) == 0);
}

/*
 * Builds the description a submit opcode asks for; returns 1 if it is one
 * the front end must refuse (SRING_EINVAL).
 */
static int describe(struct bfctx *c, unsigned int kind,
		    struct sring_blkif_req *d)
{
	uint8_t b = sring_fuzzkit_byte(&c->k);
	uint32_t sd = fuzz_mix((uint32_t)c->next_cookie * 131u + b);
	unsigned int i, n;

	memset(d, 0, sizeof(*d));
	d->id = 0xdeadbeefcafef00dull; /* must be overwritten */
	d->handle = (uint16_t)(0x1234u ^ sd);
	/* High bits set: a format that drops a word shows. */
	d->sector_number = (uint64_t)(b | 1u) << 36 | (sd & 0xfffffu) << 3;
	switch (kind) {
	case 0: /* read or write, 1..11 segments */
		d->operation = (b & 1u) ? SRING_BLKIF_OP_WRITE
					: SRING_BLKIF_OP_READ;
		d->nr_segments = (uint16_t)(1u + (b >> 1) % 11u);
		fill_segs(d->seg, d->nr_segments, sd);
		return 0;
	case 1: /* indirect read or write, 1..4096 segments */
		n = sring_fuzzkit_byte(&c->k);
		n |= (unsigned int)sring_fuzzkit_byte(&c->k) << 8;
		d->operation = (b & 1u) ? SRING_BLKIF_OP_WRITE
					: SRING_BLKIF_OP_READ;
		d->indirect = 1;
		d->nr_segments = (uint16_t)(1u + n % 4096u);
		d->nr_indirect_pages =
			(uint16_t)SRING_BLKIF_INDIRECT_PAGES(d->nr_segments);
		for (i = 0; i < d->nr_indirect_pages; i++)
			d->indirect_grefs[i] = fuzz_mix(sd + 100u + i) | 1u;
		/* The last page, as the front end would fill it. */
		n = d->nr_segments - 512u * (d->nr_indirect_pages - 1u);
		check_indirect_page(c, n, sd);
		return 0;
	case 2: /* discard */
		d->operation = SRING_BLKIF_OP_DISCARD;
		d->discard_secure = b & 1u;
		d->nr_sectors = (uint64_t)fuzz_mix(sd) << 31 | b;
		return 0;
	case 3: /* flush or barrier, 0..11 segments */
		d->operation = (b & 1u) ? SRING_BLKIF_OP_WRITE_BARRIER
					: SRING_BLKIF_OP_FLUSH_DISKCACHE;
		d->nr_segments = (uint16_t)((b >> 1) % 12u);
		fill_segs(d->seg, d->nr_segments, sd);
		return 0;
	default: /* something the protocol does not allow */
		d->operation = SRING_BLKIF_OP_READ;
		d->nr_segments = 1;
		fill_segs(d->seg, 1, sd);
		switch ((b >> 1) % 7u) {
		case 0:
			d->nr_segments = 0;
			break;
		case 1:
			d->nr_segments = 12;
			fill_segs(d->seg, 11, sd);
			break;
		case 2:
			d->seg[0].first_sect = 5;
			d->seg[0].last_sect = 4;
			break;
		case 3:
			d->seg[0].last_sect = 8;
			break;
		case 4:
			d->operation = (b & 1u) ? SRING_BLKIF_OP_RESERVED_1
					       : SRING_BLKIF_OP_INDIRECT;
			break;
		case 5:
			d->indirect = 1;
			d->nr_segments = 513;
			d->nr_indirect_pages = 1; /* 2 needed */
			break;
		default:
			d->indirect = 1;
			d->operation = SRING_BLKIF_OP_FLUSH_DISKCACHE;
			d->nr_indirect_pages = 1;
			break;
		}
		return 1;
	}
}

static void submit(struct bfctx *c, unsigned int kind, struct fuzz_allow *al)
{
	struct sring_blkif_req d;
	const struct sring_blkif_shadow_entry *e;
	unsigned char want[112];
	const int invalid = describe(c, kind, &d);
	const uint8_t op = d.operation;
	const uint64_t cookie = c->next_cookie;
	size_t len;
	uint32_t i;
	int rc, expect;

	rc = sring_blkif_frontend_submit(&c->fe, &c->sh, &d, cookie);
	if (c->latched)
		expect = SRING_EPROTO;
	else if (invalid)
		expect = SRING_EINVAL;
	else if ((uint32_t)(c->pvt - c->cons) >= c->n || c->nq >= c->trk)
		expect = SRING_FULL;
	else
		expect = SRING_OK;
	FUZZ_CHECK(rc == expect);
	if (rc != SRING_OK)
		return;
	/* The id is fresh and names a tracker entry. */
	FUZZ_CHECK((uint32_t)d.id < c->trk);
	for (i = 0; i < c->nq; i++)
		FUZZ_CHECK(c->q[i].id != d.id);
	/* The slot holds exactly the wire form; nothing else was written. */
	len = ref_encode(c->abi, &d, d.id, want);
	FUZZ_CHECK(len == c->slot);
	FUZZ_CHECK(memcmp(c->area + slot_off(c, c->pvt), want, len) == 0);
	fuzz_allow_add(al, slot_off(c, c->pvt), len);
	/* The tracker remembers what was sent. */
	e = sring_blkif_shadow_lookup(&c->sh, d.id);
	FUZZ_CHECK(e != NULL && e->state == SRING_BLKIF_SHADOW_IN_FLIGHT);
	FUZZ_CHECK(e->cookie == cookie && e->operation == op &&
		   e->rsp_operation == op && e->indirect == d.indirect &&
		   e->nr_segments == d.nr_segments &&
		   e->sector_number == d.sector_number);
	c->q[c->nq].id = d.id;
	c->q[c->nq].cookie = cookie;
	c->q[c->nq].sector = d.sector_number;
	c->q[c->nq].nr_segments = d.nr_segments;
	c->q[c->nq].op = op;
	c->q[c->nq].rsp_op = op; /* indirect: its indirect_op */
	c->q[c->nq].indirect = d.indirect;
	c->nq++;
	c->next_cookie++;
	c->pvt++;
}

/*
 * What loading rsp_prod from the snapshot gives, as the front end must
 * judge it: -1 out of its window [avail, pub] (latch), else the responses
 * ready. Updates the harness's avail.
 */
static int refresh(struct bfctx *c)
{
	sring_idx_t p = fuzz_word(c->snap, 8);

	if ((uint32_t)(p - c->avail) > (uint32_t)(c->pub - c->avail))
		return -1;
	c->avail = p;
	return (int)(p - c->cons);
}

static void complete(struct bfctx *c)
{
	uint64_t cookie = 0xabababababababull, id;
	int16_t status = 0x5555, raw;
	uint8_t rop;
	size_t off;
	uint32_t i;
	int rc, ready;

	rc = sring_blkif_frontend_complete(&c->fe, &c->sh, &cookie, &status);
	if (c->latched) {
		/* A latched ring latches the tracker too (checked below). */
		FUZZ_CHECK(rc == SRING_EPROTO);
		return;
	}
	if (c->cons == c->avail) {
		ready = refresh(c);
		if (ready < 0) {
			FUZZ_CHECK(rc == SRING_EPROTO);
			c->latched = 1;
			return;
		}
		if (ready == 0) {
			FUZZ_CHECK(rc == SRING_EMPTY);
			return;
		}
	}
	/* The response at cons, as the snapshot holds it. */
	off = slot_off(c, c->cons);
	memcpy(&id, c->snap + off, 8);
	rop = c->snap[off + 8];
	memcpy(&raw, c->snap + off + 10, 2);
	c->cons++;
	for (i = 0; i < c->nq; i++)
		if (c->q[i].id == id)
			break;
	if (i == c->nq || c->q[i].rsp_op != rop) {
		/* Unknown, stale, duplicate or wrong operation. */
		FUZZ_CHECK(rc == SRING_EPROTO);
		c->latched = 1;
		return;
	}
	FUZZ_CHECK(rc == SRING_OK);
	FUZZ_CHECK(cookie == c->q[i].cookie);
	FUZZ_CHECK(status == ref_normalise(raw));
	/* Retired: the tracker no longer knows the id. */
	FUZZ_CHECK(sring_blkif_shadow_lookup(&c->sh, id) == NULL);
	c->q[i] = c->q[--c->nq];
}

static void front_op(struct bfctx *c, unsigned int op)
{
	struct sring_front *f = &c->fe.core;
	struct fuzz_allow al;
	uint64_t cookie;
	int16_t status;
	int rc, ready;

	memcpy(c->snap, c->area, c->bytes);
	memset(&al, 0, sizeof(al));
	switch (op % 8u) {
	case 0: /* submit a read or write (old seeds: one segment) */
		submit(c, 0, &al);
		break;
	case 1:
		rc = sring_blkif_frontend_push_requests(&c->fe);
		if (c->latched || c->pvt == c->pub) {
			FUZZ_CHECK(rc == 0);
		} else {
			FUZZ_CHECK(rc == sring_need_event(fuzz_word(c->snap, 4),
							  c->pvt, c->pub));
			FUZZ_CHECK(fuzz_word(c->area, 0) == c->pvt);
			fuzz_allow_add(&al, 0, 4);
			c->pub = c->pvt;
		}
		break;
	case 2:
		complete(c);
		break;
	case 3:
		rc = sring_blkif_frontend_final_check(&c->fe);
		if (c->latched) {
			FUZZ_CHECK(rc == SRING_EPROTO);
			break;
		}
		ready = refresh(c);
		if (ready < 0) {
			FUZZ_CHECK(rc == SRING_EPROTO);
			c->latched = 1;
		} else if (ready > 0) {
			FUZZ_CHECK(rc == ready && (uint32_t)rc <= c->n);
		} else {
			/* Armed for the next response (moderation 1). */
			FUZZ_CHECK(rc == 0);
			FUZZ_CHECK(fuzz_word(c->area, 12) ==
				   (sring_idx_t)(c->cons + 1u));
			fuzz_allow_add(&al, 12, 4);
		}
		break;
	case 4:
		submit(c, 1, &al);
		break;
	case 5:
		submit(c, 2, &al);
		break;
	case 6:
		submit(c, 3, &al);
		break;
	default:
		submit(c, 4, &al);
		break;
	}
	fuzz_check_writes_fast(c->snap, c->area, c->bytes, &al);
	if (c->latched) {
		/* Both latched once either saw a violation; nothing written. */
		memcpy(c->snap, c->area, c->bytes);
		FUZZ_CHECK(sring_blkif_frontend_complete(&c->fe, &c->sh,
							 &cookie, &status) ==
			   SRING_EPROTO);
		FUZZ_CHECK(sring_blkif_frontend_broken(&c->fe) ==
			   SRING_EPROTO);
		FUZZ_CHECK(sring_blkif_frontend_push_requests(&c->fe) == 0);
		FUZZ_CHECK(memcmp(c->snap, c->area, c->bytes) == 0);
		/* Latched by the refusal, or by complete() above. */
		FUZZ_CHECK(sring_blkif_shadow_broken(&c->sh) == SRING_EPROTO);
	} else {
		FUZZ_CHECK(sring_blkif_shadow_in_flight(&c->sh) == c->nq);
		FUZZ_CHECK(!sring_blkif_shadow_broken(&c->sh));
		FUZZ_CHECK(!sring_blkif_frontend_broken(&c->fe));
		FUZZ_CHECK(f->rsp_cons == c->cons && f->req_prod_pvt == c->pvt);
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

	memset(&c, 0, sizeof(c));
	sring_fuzzkit_init(&c.k, data, size, NULL, SRING_FUZZKIT_PEER_IS_BACK,
			   NULL, 0);
	a = sring_fuzzkit_byte(&c.k);
	c.abi = (a & 1u) ? SRING_BLKIF_ABI_X86_32 : SRING_BLKIF_ABI_64;
	c.slot = sring_blkif_slot_size(c.abi);
	FUZZ_CHECK(c.slot == ((a & 1u) ? 108u : 112u));
	c.n = 1u << ((a >> 1) % 6u); /* 1..32 slots */
	c.bytes = SRING_HEADER_SIZE + (size_t)c.n * c.slot;
	c.area = (unsigned char *)malloc(c.bytes);
	FUZZ_CHECK(c.area != NULL);
	FUZZ_CHECK(sring_blkif_ring_init(c.abi, c.area, c.bytes) == SRING_OK);
	FUZZ_CHECK(sring_blkif_frontend_init(&c.fe, c.abi, c.area, c.bytes) ==
		   SRING_OK);
	FUZZ_CHECK(sring_blkif_frontend_size(&c.fe) == c.n);
	/* A tracker smaller than the ring is allowed: it then limits. */
	c.trk = (a & 0x80u) ? 1u + c.n / 2u : c.n;
	FUZZ_CHECK(sring_blkif_shadow_init(&c.sh, c.ent, c.trk) == SRING_OK);
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
