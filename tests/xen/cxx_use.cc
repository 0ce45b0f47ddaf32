// SPDX-License-Identifier: MIT
//
// sring/xen.h from C++ (built as C++11 with -pedantic and the strict
// warning set, warnings being errors): every macro of the vocabulary is
// expanded, including s->ring[i] and ref[i] through the C++ accessor
// member, and a small exchange across the 2^32 wrap is checked.
#include <sring/xen.h>

#include "cxx_use.h"

typedef uint32_t grant_ref_t;

// 16 bytes on every ABI (uint64_t is 4-aligned on i386).
struct cxx_req {
	uint64_t id;
	uint32_t op;
	uint32_t pad;
};

struct cxx_rsp {
	uint64_t id;
	int32_t status;
	uint32_t pad;
};

extern "C" {
DEFINE_RING_TYPES(cxx, struct cxx_req, struct cxx_rsp);
}
DEFINE_XEN_FLEX_RING_AND_INTF(cxxflex);

static_assert(offsetof(struct cxx_sring, ring) == 64, "ring at 64");
static_assert(__CONST_RING_SIZE(cxx, 4096) == 128, "constant size");

static union {
	unsigned char b[4096];
	uint64_t align;
} page;

#define CHECK(x) \
	do { \
		if (!(x)) \
			return __LINE__; \
	} while (0)

static int flex_part()
{
	static unsigned char data[2 * 2048];
	cxxflex_data_intf *intf = reinterpret_cast<cxxflex_data_intf *>(
		static_cast<void *>(page.b));
	unsigned char in[100], out[100];
	RING_IDX mp, mc;
	unsigned int k;

	intf->ref[3] = 9;
	CHECK(reinterpret_cast<unsigned char *>(&intf->ref[3]) - page.b ==
	      132 + 12);
	intf->in_prod = intf->in_cons = 0xffffffd0u;
	for (k = 0; k < sizeof(in); k++)
		in[k] = static_cast<unsigned char>(k);
	mp = cxxflex_mask(intf->in_prod, 2048);
	cxxflex_write_packet(data, in, sizeof(in), &mp,
			     cxxflex_mask(intf->in_cons, 2048), 2048);
	intf->in_prod += sizeof(in);
	CHECK(cxxflex_queued(intf->in_prod, intf->in_cons, 2048) == 100);
	mc = cxxflex_mask(intf->in_cons, 2048);
	cxxflex_read_packet(out, data, sizeof(out), mp, &mc, 2048);
	CHECK(mc == mp);
	for (k = 0; k < sizeof(in); k++)
		CHECK(out[k] == in[k]);
	CHECK(cxxflex_get_ring_ptr(data, 2049, 2048) == data + 1);
	CHECK(cxxflex_queued(300, 0, 256) == 0);
	return 0;
}

int xen_cxx_exchange(void)
{
	cxx_sring_t *s = reinterpret_cast<cxx_sring_t *>(
		static_cast<void *>(page.b));
	cxx_front_ring_t f;
	cxx_back_ring_t b;
	RING_IDX start = 0xfffffff0u, i, rp;
	int notify = 0;
	unsigned int work = 0, n;

	XEN_FRONT_RING_INIT(&f, s, sizeof(page.b));
	SHARED_RING_INIT(s);
	s->req_prod = s->rsp_prod = start;
	s->req_event = s->rsp_event = start + 1;
	FRONT_RING_ATTACH(&f, s, start, sizeof(page.b));
	BACK_RING_ATTACH(&b, s, start, sizeof(page.b));
	CHECK(RING_SIZE(&f) == 128 && RING_FREE_REQUESTS(&f) == 128);
	CHECK(__RING_SIZE(s, sizeof(page.b)) == 128);
	CHECK(&s->ring[1] == s->ring + 1);
	CHECK(reinterpret_cast<unsigned char *>(&s->ring[2]) - page.b ==
	      64 + 2 * static_cast<long>(sizeof(s->ring[0])));

	for (n = 0; n < 40; n++) {
		cxx_req *req = RING_GET_REQUEST(&f, f.req_prod_pvt);

		req->id = n;
		req->op = 3;
		f.req_prod_pvt++;
	}
	CHECK(!RING_FULL(&f));
	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&f, notify);
	CHECK(notify == 1);
	CHECK(RING_HAS_UNCONSUMED_REQUESTS(&b) == 40);
	CHECK(XEN_RING_NR_UNCONSUMED_REQUESTS(&b) == 40);
	rp = b.sring->req_prod;
	CHECK(!RING_REQUEST_PROD_OVERFLOW(&b, rp));
	for (i = b.req_cons; i != rp && !RING_REQUEST_CONS_OVERFLOW(&b, i);
	     i++) {
		cxx_req req;
		cxx_rsp *rsp;

		RING_COPY_REQUEST(&b, i, &req);
		CHECK(req.id == i - start && req.op == 3);
		b.req_cons = i + 1;
		rsp = RING_GET_RESPONSE(&b, b.rsp_prod_pvt);
		rsp->id = req.id;
		rsp->status = 0;
		b.rsp_prod_pvt++;
	}
	RING_PUSH_RESPONSES(&b);
	RING_FINAL_CHECK_FOR_REQUESTS(&b, work);
	CHECK(work == 0 && s->req_event == b.req_cons + 1);
	CHECK(b.req_cons == start + 40 && b.req_cons < start);
	CHECK(XEN_RING_NR_UNCONSUMED_RESPONSES(&f) == 40);
	CHECK(!RING_RESPONSE_PROD_OVERFLOW(&f, f.sring->rsp_prod));
	for (i = f.rsp_cons; i != f.sring->rsp_prod; i++) {
		cxx_rsp rsp;

		RING_COPY_RESPONSE(&f, i, &rsp);
		CHECK(rsp.id == i - start);
	}
	f.rsp_cons = i;
	RING_FINAL_CHECK_FOR_RESPONSES(&f, work);
	CHECK(work == 0 && s->rsp_event == f.rsp_cons + 1);
	RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&b, notify);
	CHECK(notify == 0); /* nothing new was pushed */
	RING_PUSH_REQUESTS(&f);
	xen_mb();
	xen_rmb();
	xen_wmb();
	return flex_part();
}
