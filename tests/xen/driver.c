/* SPDX-License-Identifier: MIT */
/*
 * A driver-style program written only against Xen's io/ring.h vocabulary:
 * a front end and a back end on one shared area, in one thread, driven by
 * a fixed pseudo-random schedule (batches, partial consumption, both push
 * forms, final checks, attach at an arbitrary index, overflow probes, a
 * lying req_prod, flex-ring reads and writes). Compiled once per ring.h
 * (see prelude.h); every step is reported with its results and the shared
 * bytes, and test_xen_diff.c demands identical reports.
 */
#include "prelude.h"
#include "driver.h"

#include <stdarg.h>

typedef uint32_t grant_ref_t;

struct xdrv_req {
	uint64_t id;
	uint32_t op;
	uint32_t arg[5];
};

struct xdrv_rsp {
	uint64_t id;
	int32_t status;
	uint32_t val;
};

DEFINE_RING_TYPES(xdrv, struct xdrv_req, struct xdrv_rsp);
DEFINE_XEN_FLEX_RING_AND_INTF(xdrvflex);

/* Shared area: ring (1 KiB, then 1 KiB that must stay untouched), flex
 * index page at 2 KiB, flex data (order 0: 2 x 2 KiB) at 4 KiB. */
#define RING_BYTES 1024u
#define INTF_OFF 2048u
#define DATA_OFF 4096u
#define FLEX_ORDER 0
#define FLEX_SZ ((RING_IDX)XEN_FLEX_RING_SIZE(FLEX_ORDER))

static union {
	unsigned char b[XDRV_MEM];
	uint64_t align;
} mem;

struct run {
	xdrv_rec_fn *rec;
	void *ctx;
	uint32_t lcg;
	uint64_t seq;
};

static uint32_t rnd(struct run *r, uint32_t n)
{
	r->lcg = r->lcg * 1103515245u + 12345u;
	return (r->lcg >> 16) % n;
}

static void rec(struct run *r, const char *what, unsigned int nv, ...)
{
	uint64_t v[XDRV_MAXV];
	unsigned int i;
	va_list ap;

	va_start(ap, nv);
	for (i = 0; i < nv && i < XDRV_MAXV; i++)
		v[i] = va_arg(ap, uint64_t);
	va_end(ap);
	r->rec(r->ctx, what, v, i, mem.b);
}

#define U(x) ((uint64_t)(x))
#define OFF(p) U((const unsigned char *)(p) - mem.b)

static void ring_part(struct run *r, uint32_t start, unsigned int rounds)
{
	struct xdrv_sring *s = (struct xdrv_sring *)(void *)mem.b;
	struct xdrv_front_ring f;
	struct xdrv_back_ring b;
	unsigned int round, i;
	RING_IDX rp, rc, save;
	int notify;
	unsigned int work;

	SHARED_RING_INIT(s);
	rec(r, "shared_init", 0);
	FRONT_RING_INIT(&f, s, RING_BYTES);
	rec(r, "front_init", 6, U(f.req_prod_pvt), U(f.rsp_cons),
	    U(f.nr_ents), U(RING_SIZE(&f)), U(RING_FREE_REQUESTS(&f)),
	    U(RING_FULL(&f)));
	for (i = 0; i < XDRV_MEM; i++)
		mem.b[i] = 0xa5;
	XEN_FRONT_RING_INIT(&f, s, RING_BYTES);
	rec(r, "xen_front_init", 4, U(f.nr_ents), U(f.sring == s),
	    U(__CONST_RING_SIZE(xdrv, RING_BYTES)),
	    U(__RING_SIZE(s, RING_BYTES)));
	BACK_RING_INIT(&b, s, RING_BYTES);
	rec(r, "back_init", 4, U(b.rsp_prod_pvt), U(b.req_cons),
	    U(b.nr_ents), U(b.sring == s));
	if (start != 0) {
		/* Reconnect at an index agreed out of band. */
		s->req_prod = start;
		s->rsp_prod = start;
		s->req_event = start + 1;
		s->rsp_event = start + 1;
		FRONT_RING_ATTACH(&f, s, start, RING_BYTES);
		BACK_RING_ATTACH(&b, s, start, RING_BYTES);
		rec(r, "attach", 6, U(f.req_prod_pvt), U(f.rsp_cons),
		    U(b.rsp_prod_pvt), U(b.req_cons), U(f.nr_ents),
		    U(b.nr_ents));
	}

	for (round = 0; round < rounds; round++) {
		uint32_t mode = rnd(r, 4), n = rnd(r, 20), k;

		/* Front: queue up to n requests in place. */
		while (n-- && !RING_FULL(&f)) {
			struct xdrv_req *req = RING_GET_REQUEST(&f,
							f.req_prod_pvt);

			req->id = r->seq++;
			req->op = rnd(r, 7);
			for (k = 0; k < 5; k++)
				req->arg[k] = (uint32_t)req->id * 3u + k;
			rec(r, "get_request", 3, OFF(req),
			    U(RING_FREE_REQUESTS(&f)), U(RING_FULL(&f)));
			f.req_prod_pvt++;
		}
		rec(r, "queued", 3, U(f.req_prod_pvt), U(RING_FREE_REQUESTS(&f)),
		    U(RING_FULL(&f)));
		if (mode & 1) {
			notify = -1;
			RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&f, notify);
			rec(r, "push_req_notify", 1, U(notify));
		} else {
			RING_PUSH_REQUESTS(&f);
			rec(r, "push_req", 0);
		}

		/* Back: consume some, answer some. */
		rec(r, "back_has", 2, U(RING_HAS_UNCONSUMED_REQUESTS(&b)),
		    U(XEN_RING_NR_UNCONSUMED_REQUESTS(&b)));
		rp = b.sring->req_prod;
		xen_rmb();
		rec(r, "back_prod", 2, U(rp), U(RING_REQUEST_PROD_OVERFLOW(&b, rp)));
		rc = b.req_cons;
		n = rnd(r, 24);
		while (rc != rp && n-- && !RING_REQUEST_CONS_OVERFLOW(&b, rc)) {
			struct xdrv_req req;

			RING_COPY_REQUEST(&b, rc, &req);
			rec(r, "copy_request", 4, U(rc), req.id, U(req.op),
			    U(req.arg[4]));
			b.req_cons = ++rc;
		}
		n = rnd(r, 24);
		while (n-- && b.rsp_prod_pvt != b.req_cons) {
			struct xdrv_rsp *rsp = RING_GET_RESPONSE(&b,
							b.rsp_prod_pvt);

			rsp->id = b.rsp_prod_pvt;
			rsp->status = (int32_t)rnd(r, 3) - 1;
			rsp->val = b.rsp_prod_pvt * 7u;
			rec(r, "get_response", 1, OFF(rsp));
			b.rsp_prod_pvt++;
		}
		if (mode & 2) {
			notify = -1;
			RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&b, notify);
			rec(r, "push_rsp_notify", 1, U(notify));
		} else {
			RING_PUSH_RESPONSES(&b);
			rec(r, "push_rsp", 0);
		}
		if (rnd(r, 2)) {
			work = 99;
			RING_FINAL_CHECK_FOR_REQUESTS(&b, work);
			rec(r, "final_check_req", 1, U(work));
		}

		/* Front: take some responses. */
		rec(r, "front_has", 2, U(RING_HAS_UNCONSUMED_RESPONSES(&f)),
		    U(XEN_RING_NR_UNCONSUMED_RESPONSES(&f)));
		rp = f.sring->rsp_prod;
		xen_rmb();
		rec(r, "front_prod", 2, U(rp),
		    U(RING_RESPONSE_PROD_OVERFLOW(&f, rp)));
		rc = f.rsp_cons;
		n = rnd(r, 24);
		while (rc != rp && n--) {
			struct xdrv_rsp rsp;

			RING_COPY_RESPONSE(&f, rc, &rsp);
			rec(r, "copy_response", 4, U(rc), rsp.id,
			    U((uint32_t)rsp.status), U(rsp.val));
			f.rsp_cons = ++rc;
		}
		if (rnd(r, 2)) {
			work = 99;
			RING_FINAL_CHECK_FOR_RESPONSES(&f, work);
			rec(r, "final_check_rsp", 1, U(work));
		}

		/* Overflow probes around the legal limits. */
		if (round % 16 == 0) {
			RING_IDX N = RING_SIZE(&f);

			rec(r, "overflow", 9,
			    U(RING_REQUEST_PROD_OVERFLOW(&b, b.rsp_prod_pvt + N)),
			    U(RING_REQUEST_PROD_OVERFLOW(&b,
						b.rsp_prod_pvt + N + 1)),
			    U(RING_REQUEST_PROD_OVERFLOW(&b, b.rsp_prod_pvt - 1)),
			    U(RING_REQUEST_CONS_OVERFLOW(&b,
						b.rsp_prod_pvt + N - 1)),
			    U(RING_REQUEST_CONS_OVERFLOW(&b, b.rsp_prod_pvt + N)),
			    U(RING_RESPONSE_PROD_OVERFLOW(&f, f.rsp_cons + N)),
			    U(RING_RESPONSE_PROD_OVERFLOW(&f,
						f.rsp_cons + N + 1)),
			    U(RING_RESPONSE_PROD_OVERFLOW(&f, f.rsp_cons - 1)),
			    U(RING_FREE_REQUESTS(&f)));
			/* A front that lies about req_prod: Xen's clamp. */
			save = s->req_prod;
			s->req_prod = b.rsp_prod_pvt + 1000u;
			rec(r, "lying_req_prod", 2,
			    U(XEN_RING_NR_UNCONSUMED_REQUESTS(&b)),
			    U(RING_HAS_UNCONSUMED_REQUESTS(&b)));
			s->req_prod = save;
		}
	}
	rec(r, "ring_end", 6, U(f.req_prod_pvt), U(f.rsp_cons),
	    U(b.rsp_prod_pvt), U(b.req_cons), U(s->req_event),
	    U(s->rsp_event));
}

static void flex_part(struct run *r, uint32_t start, unsigned int rounds)
{
	struct xdrvflex_data_intf *intf =
		(struct xdrvflex_data_intf *)(void *)(mem.b + INTF_OFF);
	struct xdrvflex_data data;
	unsigned char buf[FLEX_SZ], out[FLEX_SZ];
	unsigned int round;
	uint32_t i, sum;

	for (i = 0; i < FLEX_SZ; i++)
		buf[i] = (unsigned char)i;
	intf->in_cons = intf->in_prod = start;
	intf->out_cons = intf->out_prod = start;
	intf->ring_order = FLEX_ORDER;
	intf->ref[0] = 77;
	data.in = mem.b + DATA_OFF;
	data.out = mem.b + DATA_OFF + FLEX_SZ;
	rec(r, "flex_init", 2, U(FLEX_SZ), U(XEN_FLEX_RING_SIZE(1)));

	for (round = 0; round < rounds; round++) {
		RING_IDX prod = intf->in_prod, cons = intf->in_cons;
		RING_IDX q = xdrvflex_queued(prod, cons, FLEX_SZ);
		uint32_t len = 1 + rnd(r, 900);
		RING_IDX mp, mc;

		rec(r, "flex_queued", 3, U(q), U(prod), U(cons));
		if (FLEX_SZ - q >= len) {
			for (i = 0; i < len; i++)
				buf[i] = (unsigned char)(r->seq++ * 13u);
			mp = xdrvflex_mask(prod, FLEX_SZ);
			xdrvflex_write_packet(data.in, buf, len, &mp,
					      xdrvflex_mask(cons, FLEX_SZ),
					      FLEX_SZ);
			intf->in_prod = prod + len;
			rec(r, "flex_write", 3, U(len), U(mp),
			    OFF(xdrvflex_get_ring_ptr(data.in, prod + len,
						      FLEX_SZ)));
		}
		prod = intf->in_prod;
		q = xdrvflex_queued(prod, cons, FLEX_SZ);
		len = 1 + rnd(r, 1200);
		if (q >= len) {
			mc = xdrvflex_mask(cons, FLEX_SZ);
			xdrvflex_read_packet(out, data.in, len,
					     xdrvflex_mask(prod, FLEX_SZ), &mc,
					     FLEX_SZ);
			intf->in_cons = cons + len;
			for (i = 0, sum = 0; i < len; i++)
				sum = sum * 31u + out[i];
			rec(r, "flex_read", 4, U(len), U(mc), U(sum),
			    U(intf->in_cons));
		}
		/* Echo a little on the out ring, always fully drained. */
		len = 1 + rnd(r, 64);
		mp = xdrvflex_mask(intf->out_prod, FLEX_SZ);
		xdrvflex_write_packet(data.out, buf, len, &mp,
				      xdrvflex_mask(intf->out_cons, FLEX_SZ),
				      FLEX_SZ);
		intf->out_prod += len;
		mc = xdrvflex_mask(intf->out_cons, FLEX_SZ);
		xdrvflex_read_packet(out, data.out, len, mp, &mc, FLEX_SZ);
		intf->out_cons += len;
		rec(r, "flex_out", 3, U(mp), U(mc), U(out[len - 1]));
	}
}

void XDRV(xdrv_run)(xdrv_rec_fn *recfn, void *ctx, uint32_t ring_start,
		    uint32_t flex_start, unsigned int rounds)
{
	struct run r;
	unsigned int i;

	r.rec = recfn;
	r.ctx = ctx;
	r.lcg = 12345u;
	r.seq = 0;
	for (i = 0; i < XDRV_MEM; i++)
		mem.b[i] = 0x5a;
	ring_part(&r, ring_start, rounds);
	flex_part(&r, flex_start, rounds);
}
