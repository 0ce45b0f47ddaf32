/* SPDX-License-Identifier: MIT */
/*
 * Front and back ends written only against Xen's io/ring.h vocabulary, the
 * way Xen's split drivers are: batch, push with CHECK_NOTIFY, consume
 * what XEN_RING_NR_UNCONSUMED_* reports (then xen_rmb(), which Xen's header
 * needs), end with RING_FINAL_CHECK, sleep on the event channel only when
 * the final check says so. Built once per ring.h
 * (prelude.h). A lost wake-up shows up as a wait that times out.
 */
#include "prelude.h"
#include "peer.h"

#include <stdio.h>

#define WAIT_MS 10000

struct xpeer_req {
	uint64_t id;
	uint32_t op;
	uint32_t arg[5];
};

struct xpeer_rsp {
	uint64_t id;
	int32_t status;
	uint32_t val;
};

DEFINE_RING_TYPES(xpeer, struct xpeer_req, struct xpeer_rsp);

static struct xpeer_front_ring front;
static struct xpeer_back_ring back;

static uint32_t answer(uint32_t arg)
{
	return arg * 2654435761u + 17u;
}

void XDRV(xpeer_front_init)(struct xpeer *p)
{
	struct xpeer_sring *s = (struct xpeer_sring *)p->page;

	XEN_FRONT_RING_INIT(&front, s, 4096);
}

void XDRV(xpeer_back_init)(struct xpeer *p)
{
	BACK_RING_INIT(&back, (struct xpeer_sring *)p->page, 4096);
}

void XDRV(xpeer_front_run)(struct xpeer *p)
{
	unsigned long sent = 0;
	int notify;
	unsigned int more;

	while (p->done < p->n) {
		RING_IDX rc, rp;
		int progress = 0;

		while (sent < p->n && !RING_FULL(&front)) {
			struct xpeer_req *req = RING_GET_REQUEST(&front,
						front.req_prod_pvt);

			req->id = sent;
			req->op = 1;
			req->arg[0] = (uint32_t)sent;
			front.req_prod_pvt++;
			sent++;
			progress = 1;
		}
		RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&front, notify);
		if (notify)
			evchn_notify(p->to_back);
		do {
			/*
			 * The producer index through the macro, not a plain
			 * read of front.sring->rsp_prod: with sring/xen.h it
			 * is one acquire load (what ThreadSanitizer checks in
			 * the sring-with-sring pairing).
			 */
			rp = front.rsp_cons +
			     XEN_RING_NR_UNCONSUMED_RESPONSES(&front);
			xen_rmb(); /* responses after rsp_prod */
			if (RING_RESPONSE_PROD_OVERFLOW(&front, rp)) {
				snprintf(p->err, sizeof(p->err),
					 "front: rsp_prod %u overflows", rp);
				return;
			}
			for (rc = front.rsp_cons; rc != rp; rc++) {
				struct xpeer_rsp rsp;

				RING_COPY_RESPONSE(&front, rc, &rsp);
				if (rsp.id != p->done ||
				    rsp.val != answer((uint32_t)rsp.id)) {
					snprintf(p->err, sizeof(p->err),
						 "front: response %lu: id %llu val %u",
						 p->done,
						 (unsigned long long)rsp.id,
						 rsp.val);
					return;
				}
				p->done++;
				progress = 1;
			}
			front.rsp_cons = rc;
			RING_FINAL_CHECK_FOR_RESPONSES(&front, more);
		} while (more);
		/* Sleep only with nothing to send and nothing to take. */
		if ((progress && sent < p->n && !RING_FULL(&front)) ||
		    p->done == p->n)
			continue;
		p->sleeps++;
		if (evchn_wait(p->to_front, WAIT_MS) <= 0) {
			snprintf(p->err, sizeof(p->err),
				 "front: no event for %d ms at %lu/%lu (lost wake-up?)",
				 WAIT_MS, p->done, p->n);
			return;
		}
	}
}

void XDRV(xpeer_back_run)(struct xpeer *p)
{
	int notify;
	unsigned int more;

	while (p->done < p->n) {
		/* Xen's clamp: never more than the slots not owed. */
		RING_IDX rc = back.req_cons,
			 rp = rc + XEN_RING_NR_UNCONSUMED_REQUESTS(&back);

		xen_rmb(); /* requests after req_prod */
		if (RING_REQUEST_PROD_OVERFLOW(&back, rp)) {
			snprintf(p->err, sizeof(p->err),
				 "back: req_prod %u overflows", rp);
			return;
		}
		while (rc != rp && !RING_REQUEST_CONS_OVERFLOW(&back, rc)) {
			struct xpeer_req req;
			struct xpeer_rsp *rsp;

			RING_COPY_REQUEST(&back, rc, &req);
			back.req_cons = ++rc;
			if (req.id != p->done || req.op != 1) {
				snprintf(p->err, sizeof(p->err),
					 "back: request %lu: id %llu op %u",
					 p->done, (unsigned long long)req.id,
					 req.op);
				return;
			}
			rsp = RING_GET_RESPONSE(&back, back.rsp_prod_pvt);
			rsp->id = req.id;
			rsp->status = 0;
			rsp->val = answer(req.arg[0]);
			back.rsp_prod_pvt++;
			p->done++;
		}
		RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&back, notify);
		if (notify)
			evchn_notify(p->to_front);
		RING_FINAL_CHECK_FOR_REQUESTS(&back, more);
		if (more || p->done == p->n)
			continue;
		p->sleeps++;
		if (evchn_wait(p->to_back, WAIT_MS) <= 0) {
			snprintf(p->err, sizeof(p->err),
				 "back: no event for %d ms at %lu/%lu (lost wake-up?)",
				 WAIT_MS, p->done, p->n);
			return;
		}
	}
}
