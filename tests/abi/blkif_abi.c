/* SPDX-License-Identifier: MIT */
/*
 * proto/blkif.h against Xen's own io/blkif.h (Debian's libxen-dev).
 *
 * Built natively (-m64: Xen's layout is the 64 one) and for i386 (-m32 or
 * i686-linux-gnu-gcc: Xen's layout is the x86_32 one) by run_abi.cmake,
 * without cmocka (there is no i386 cmocka package), checks by hand.
 *
 *   blkif_abi                 layouts and constants (at compile time and
 *                             again at run time, printed), then a live
 *                             exchange on one page both ways: a front end
 *                             written with Xen's ring.h macros against an
 *                             sring back end, and an sring front end
 *                             against a Xen-macro back end
 *   blkif_abi front FILE      Xen-macro front: queue the request set and
 *                             write the ring page and indirect pages to FILE
 *   blkif_abi back32 FILE     sring back end serving FILE as an x86_32 ring
 *   blkif_abi check FILE      Xen-macro front: check the responses in FILE
 *   blkif_abi front32 FILE BIN
 *                             sring front end writing an x86_32 ring, which
 *                             BIN (the i386 build) answers as "xenback FILE"
 *   blkif_abi xenback FILE    Xen-macro back end answering the ring in FILE
 *
 * front, back32 and check let a 64-bit sring back end serve a real 32-bit
 * guest's ring (front and check from the i386 build, back32 from the
 * native one); front32 and xenback have a real i386 Xen back end read
 * what the 64-bit build's sring front end wrote in the x86_32 format.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define __XEN_INTERFACE_VERSION__ 0x00040e00
#define xen_mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define xen_rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define xen_wmb() __atomic_thread_fence(__ATOMIC_RELEASE)
#include <xen/xen.h>
#include <xen/io/blkif.h>
#include <xen/io/protocols.h>

#include <sring/proto/blkif.h>

/* Xen's native layout is ours of the same name: x86_32 on i386. */
#if defined(__i386__)
#define OURS(x) sring_blkif_x86_32_##x
#define OURS_NAME "x86_32"
#elif defined(__x86_64__)
#define OURS(x) sring_blkif_##x
#define OURS_NAME "64"
#else
#error "this test knows the x86 ABIs only"
#endif

#define STATIC_SAME(xt, xf, ot, of) \
	_Static_assert(offsetof(xt, xf) == offsetof(ot, of), \
		       #xt "." #xf " offset"); \
	_Static_assert(sizeof(((xt *)0)->xf) == sizeof(((ot *)0)->of), \
		       #xt "." #xf " size")

STATIC_SAME(struct blkif_request_segment, gref, struct sring_blkif_segment,
	    gref);
STATIC_SAME(struct blkif_request_segment, first_sect,
	    struct sring_blkif_segment, first_sect);
STATIC_SAME(struct blkif_request_segment, last_sect,
	    struct sring_blkif_segment, last_sect);
_Static_assert(sizeof(struct blkif_request_segment) ==
	       sizeof(struct sring_blkif_segment), "segment size");
STATIC_SAME(struct blkif_request, operation, struct OURS(request_rw),
	    operation);
STATIC_SAME(struct blkif_request, nr_segments, struct OURS(request_rw),
	    nr_segments);
STATIC_SAME(struct blkif_request, handle, struct OURS(request_rw), handle);
STATIC_SAME(struct blkif_request, id, struct OURS(request_rw), id);
STATIC_SAME(struct blkif_request, sector_number, struct OURS(request_rw),
	    sector_number);
STATIC_SAME(struct blkif_request, seg, struct OURS(request_rw), seg);
_Static_assert(sizeof(struct blkif_request) == sizeof(union OURS(request)),
	       "request size");
STATIC_SAME(struct blkif_request_discard, operation,
	    struct OURS(request_discard), operation);
STATIC_SAME(struct blkif_request_discard, flag, struct OURS(request_discard),
	    flag);
STATIC_SAME(struct blkif_request_discard, handle,
	    struct OURS(request_discard), handle);
STATIC_SAME(struct blkif_request_discard, id, struct OURS(request_discard),
	    id);
STATIC_SAME(struct blkif_request_discard, sector_number,
	    struct OURS(request_discard), sector_number);
STATIC_SAME(struct blkif_request_discard, nr_sectors,
	    struct OURS(request_discard), nr_sectors);
_Static_assert(sizeof(struct blkif_request_discard) ==
	       sizeof(struct OURS(request_discard)), "discard size");
STATIC_SAME(struct blkif_request_indirect, operation,
	    struct OURS(request_indirect), operation);
STATIC_SAME(struct blkif_request_indirect, indirect_op,
	    struct OURS(request_indirect), indirect_op);
STATIC_SAME(struct blkif_request_indirect, nr_segments,
	    struct OURS(request_indirect), nr_segments);
STATIC_SAME(struct blkif_request_indirect, id, struct OURS(request_indirect),
	    id);
STATIC_SAME(struct blkif_request_indirect, sector_number,
	    struct OURS(request_indirect), sector_number);
STATIC_SAME(struct blkif_request_indirect, handle,
	    struct OURS(request_indirect), handle);
STATIC_SAME(struct blkif_request_indirect, indirect_grefs,
	    struct OURS(request_indirect), indirect_grefs);
_Static_assert(sizeof(struct blkif_request_indirect) ==
	       sizeof(struct OURS(request_indirect)), "indirect size");
STATIC_SAME(struct blkif_response, id, struct OURS(response), id);
STATIC_SAME(struct blkif_response, operation, struct OURS(response),
	    operation);
STATIC_SAME(struct blkif_response, status, struct OURS(response), status);
_Static_assert(sizeof(struct blkif_response) == sizeof(struct OURS(response)),
	       "response size");
_Static_assert(sizeof(union blkif_sring_entry) ==
	       sizeof(union OURS(sring_entry)), "slot size");
_Static_assert(offsetof(struct blkif_sring, ring) == SRING_HEADER_SIZE,
	       "slots at 64");
_Static_assert(__CONST_RING_SIZE(blkif, 4096) ==
	       SRING_RING_SLOTS(sizeof(union OURS(sring_entry)), 4096), "1-page ring");
_Static_assert(__CONST_RING_SIZE(blkif, 4096 << 4) ==
	       SRING_RING_SLOTS(sizeof(union OURS(sring_entry)), 4096 << 4), "16-page ring");

/* Constants. */
_Static_assert(BLKIF_OP_READ == SRING_BLKIF_OP_READ, "op");
_Static_assert(BLKIF_OP_WRITE == SRING_BLKIF_OP_WRITE, "op");
_Static_assert(BLKIF_OP_WRITE_BARRIER == SRING_BLKIF_OP_WRITE_BARRIER, "op");
_Static_assert(BLKIF_OP_FLUSH_DISKCACHE == SRING_BLKIF_OP_FLUSH_DISKCACHE,
	       "op");
_Static_assert(BLKIF_OP_RESERVED_1 == SRING_BLKIF_OP_RESERVED_1, "op");
_Static_assert(BLKIF_OP_DISCARD == SRING_BLKIF_OP_DISCARD, "op");
_Static_assert(BLKIF_OP_INDIRECT == SRING_BLKIF_OP_INDIRECT, "op");
_Static_assert(BLKIF_MAX_SEGMENTS_PER_REQUEST ==
	       SRING_BLKIF_MAX_SEGMENTS_PER_REQUEST, "segs");
_Static_assert(BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST ==
	       SRING_BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST, "pages");
_Static_assert(BLKIF_DISCARD_SECURE == SRING_BLKIF_DISCARD_SECURE, "flag");
_Static_assert(BLKIF_RSP_EOPNOTSUPP == SRING_BLKIF_RSP_EOPNOTSUPP, "rsp");
_Static_assert(BLKIF_RSP_ERROR == SRING_BLKIF_RSP_ERROR, "rsp");
_Static_assert(BLKIF_RSP_OKAY == SRING_BLKIF_RSP_OKAY, "rsp");
_Static_assert(VDISK_CDROM == SRING_BLKIF_VDISK_CDROM, "vdisk");
_Static_assert(VDISK_REMOVABLE == SRING_BLKIF_VDISK_REMOVABLE, "vdisk");
_Static_assert(VDISK_READONLY == SRING_BLKIF_VDISK_READONLY, "vdisk");

static int failures;
static int checks;

#define CHECK(c) \
	do { \
		checks++; \
		if (!(c)) { \
			failures++; \
			fprintf(stderr, "%s:%d: check failed: %s\n", \
				__FILE__, __LINE__, #c); \
		} \
	} while (0)

#define STR(x) #x
#define XSTR(x) STR(x) /* expands OURS() first */

#define SAME(xt, xf, ot, of) \
	do { \
		printf("  %-44s %3zu %3zu   %-50s %3zu\n", #xt "." #xf, \
		       offsetof(xt, xf), sizeof(((xt *)0)->xf), \
		       XSTR(ot) "." #of, offsetof(ot, of)); \
		CHECK(offsetof(xt, xf) == offsetof(ot, of)); \
		CHECK(sizeof(((xt *)0)->xf) == sizeof(((ot *)0)->of)); \
	} while (0)

#define SIZE(xt, ot) \
	do { \
		printf("  sizeof %-37s %3zu       sizeof %-43s %3zu\n", #xt, \
		       sizeof(xt), XSTR(ot), sizeof(ot)); \
		CHECK(sizeof(xt) == sizeof(ot)); \
	} while (0)

/* The same checks at run time, printed as a table (Xen | ours). */
static void layouts(void)
{
	size_t pages;

	printf("layout (%s build, Xen native = our %s format):\n",
	       sizeof(void *) == 4 ? "i386" : "x86_64", OURS_NAME);
	SAME(struct blkif_request_segment, gref, struct sring_blkif_segment,
	     gref);
	SAME(struct blkif_request_segment, first_sect,
	     struct sring_blkif_segment, first_sect);
	SAME(struct blkif_request_segment, last_sect,
	     struct sring_blkif_segment, last_sect);
	SIZE(struct blkif_request_segment, struct sring_blkif_segment);
	SAME(struct blkif_request, operation, struct OURS(request_rw),
	     operation);
	SAME(struct blkif_request, nr_segments, struct OURS(request_rw),
	     nr_segments);
	SAME(struct blkif_request, handle, struct OURS(request_rw), handle);
	SAME(struct blkif_request, id, struct OURS(request_rw), id);
	SAME(struct blkif_request, sector_number, struct OURS(request_rw),
	     sector_number);
	SAME(struct blkif_request, seg, struct OURS(request_rw), seg);
	SIZE(struct blkif_request, union OURS(request));
	SAME(struct blkif_request_discard, flag, struct OURS(request_discard),
	     flag);
	SAME(struct blkif_request_discard, handle,
	     struct OURS(request_discard), handle);
	SAME(struct blkif_request_discard, id, struct OURS(request_discard),
	     id);
	SAME(struct blkif_request_discard, sector_number,
	     struct OURS(request_discard), sector_number);
	SAME(struct blkif_request_discard, nr_sectors,
	     struct OURS(request_discard), nr_sectors);
	SIZE(struct blkif_request_discard, struct OURS(request_discard));
	SAME(struct blkif_request_indirect, indirect_op,
	     struct OURS(request_indirect), indirect_op);
	SAME(struct blkif_request_indirect, nr_segments,
	     struct OURS(request_indirect), nr_segments);
	SAME(struct blkif_request_indirect, id, struct OURS(request_indirect),
	     id);
	SAME(struct blkif_request_indirect, sector_number,
	     struct OURS(request_indirect), sector_number);
	SAME(struct blkif_request_indirect, handle,
	     struct OURS(request_indirect), handle);
	SAME(struct blkif_request_indirect, indirect_grefs,
	     struct OURS(request_indirect), indirect_grefs);
	SIZE(struct blkif_request_indirect, struct OURS(request_indirect));
	SAME(struct blkif_response, id, struct OURS(response), id);
	SAME(struct blkif_response, operation, struct OURS(response),
	     operation);
	SAME(struct blkif_response, status, struct OURS(response), status);
	SIZE(struct blkif_response, struct OURS(response));
	SIZE(union blkif_sring_entry, union OURS(sring_entry));
	CHECK(offsetof(struct blkif_sring, ring) == SRING_HEADER_SIZE);
	CHECK(offsetof(struct blkif_sring, req_prod) ==
	      offsetof(struct sring_shared, req_prod));
	CHECK(offsetof(struct blkif_sring, rsp_event) ==
	      offsetof(struct sring_shared, rsp_event));
	for (pages = 1; pages <= 16; pages++) {
		size_t bytes = pages * 4096;

		CHECK(__RING_SIZE((struct blkif_sring *)0, bytes) ==
		      sring_ring_slots(sizeof(union OURS(sring_entry)), bytes));
	}
	printf("  ring slots: 1 page %u, 16 pages %u (Xen %u, %u)\n",
	       (unsigned)SRING_RING_SLOTS(sizeof(union OURS(sring_entry)), 4096),
	       (unsigned)SRING_RING_SLOTS(sizeof(union OURS(sring_entry)), 4096 << 4),
	       (unsigned)__CONST_RING_SIZE(blkif, 4096),
	       (unsigned)__CONST_RING_SIZE(blkif, 4096 << 4));

	/* The other format keeps its layout on this host too. */
	CHECK(sizeof(union sring_blkif_request) == 112);
	CHECK(offsetof(struct sring_blkif_request_rw, id) == 8);
	CHECK(sizeof(struct sring_blkif_response) == 16);
	CHECK(sizeof(union sring_blkif_x86_32_request) == 108);
	CHECK(offsetof(struct sring_blkif_x86_32_request_rw, id) == 4);
	CHECK(sizeof(struct sring_blkif_x86_32_response) == 12);

	CHECK(strcmp(XEN_IO_PROTO_ABI_X86_32, SRING_BLKIF_PROTOCOL_X86_32) ==
	      0);
	CHECK(strcmp(XEN_IO_PROTO_ABI_X86_64, SRING_BLKIF_PROTOCOL_X86_64) ==
	      0);
	CHECK(strcmp(XEN_IO_PROTO_ABI_ARM, SRING_BLKIF_PROTOCOL_ARM) == 0);
	CHECK(strcmp(XEN_IO_PROTO_ABI_NATIVE, SRING_BLKIF_PROTOCOL_NATIVE) ==
	      0);
	CHECK(sring_blkif_abi_from_protocol(XEN_IO_PROTO_ABI_NATIVE) ==
	      SRING_BLKIF_ABI_NATIVE);
}

/* ---------------------------------------------------------------------
 * The request set and what a correct exchange makes of it
 * ------------------------------------------------------------------- */

#define NREQ 8
#define IND_SEGS 600
#define DISK_SECTORS ((uint64_t)1 << 40)

/* One page ring, then two indirect pages: also the FILE format. */
static struct {
	union {
		struct blkif_sring s;
		unsigned char b[4096];
	} ring;
	struct blkif_request_segment ind[2][512];
} shm __attribute__((aligned(4096)));

struct expect {
	uint8_t op;      /* on the ring */
	uint8_t eff_op;  /* effective / response operation */
	uint16_t nseg;
	uint64_t sector;
	uint64_t nr_sectors;
	uint8_t discard_secure;
	int valid;
	int16_t status;  /* what the back end answers */
};

static uint64_t req_id(unsigned int i)
{
	return 0x8000000000000000ull | (uint64_t)i << 32 | (0xabc0u + i);
}

static const struct expect expected[NREQ] = {
	{ BLKIF_OP_READ, BLKIF_OP_READ, 3, 0, 8 + 7 + 6, 0, 1, 0 },
	{ BLKIF_OP_WRITE, BLKIF_OP_WRITE, 11, 1000, 0, 0, 1, -1 },
	{ BLKIF_OP_WRITE_BARRIER, BLKIF_OP_WRITE_BARRIER, 0, 0, 0, 0, 1, 0 },
	{ BLKIF_OP_FLUSH_DISKCACHE, BLKIF_OP_FLUSH_DISKCACHE, 0, 0, 0, 0, 1,
	  -1 },
	{ BLKIF_OP_DISCARD, BLKIF_OP_DISCARD, 0, 2048, 0x100000000ull, 1, 1,
	  0 },
	{ BLKIF_OP_INDIRECT, BLKIF_OP_READ, IND_SEGS, 4096, 0, 0, 1, -1 },
	{ BLKIF_OP_RESERVED_1, BLKIF_OP_RESERVED_1, 0, 0, 0, 0, 0, -2 },
	{ BLKIF_OP_INDIRECT, BLKIF_OP_WRITE, 1, 8, 8, 0, 1, 0 },
};

static uint64_t ind_nr_sectors(unsigned int n)
{
	uint64_t t = 0;
	unsigned int i;

	for (i = 0; i < n; i++)
		t += 8u - i % 8u;
	return t;
}

static void direct_seg(unsigned int req, unsigned int i, uint32_t *gref,
		       uint8_t *first, uint8_t *last)
{
	*gref = 100u * req + i;
	*first = (uint8_t)(i % 3u);
	*last = 7;
}

/* The front end, written with Xen's macros only. */
static void xen_front_queue(blkif_front_ring_t *xf)
{
	unsigned int k, i;
	int notify;

	for (k = 0; k < NREQ; k++) {
		const struct expect *e = &expected[k];
		blkif_request_t *r = RING_GET_REQUEST(xf, xf->req_prod_pvt);

		if (e->op == BLKIF_OP_DISCARD) {
			blkif_request_discard_t *d =
				(blkif_request_discard_t *)r;

			d->operation = BLKIF_OP_DISCARD;
			d->flag = BLKIF_DISCARD_SECURE;
			d->handle = 5;
			d->id = req_id(k);
			d->sector_number = e->sector;
			d->nr_sectors = e->nr_sectors;
		} else if (e->op == BLKIF_OP_INDIRECT) {
			blkif_request_indirect_t *ir =
				(blkif_request_indirect_t *)r;

			ir->operation = BLKIF_OP_INDIRECT;
			ir->indirect_op = e->eff_op;
			ir->nr_segments = e->nseg;
			ir->id = req_id(k);
			ir->sector_number = e->sector;
			ir->handle = 5;
			ir->indirect_grefs[0] = 7000;
			ir->indirect_grefs[1] = 7001;
			for (i = 0; i < e->nseg; i++) {
				struct blkif_request_segment *s =
					&shm.ind[i / 512][i % 512];

				s->gref = 2000 + i;
				s->first_sect = (uint8_t)(i % 8u);
				s->last_sect = 7;
			}
		} else {
			r->operation = e->op;
			r->nr_segments = (uint8_t)e->nseg;
			r->handle = 5;
			r->id = req_id(k);
			r->sector_number = e->sector;
			for (i = 0; i < e->nseg; i++)
				direct_seg(k, i, &r->seg[i].gref,
					   &r->seg[i].first_sect,
					   &r->seg[i].last_sect);
		}
		xf->req_prod_pvt++;
	}
	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(xf, notify);
	CHECK(notify);
}

/* Xen's front reads the responses back. */
static void xen_front_check(blkif_front_ring_t *xf)
{
	RING_IDX rp = xf->sring->rsp_prod, i;
	unsigned int k = 0;

	xen_rmb();
	CHECK(rp - xf->rsp_cons == NREQ);
	for (i = xf->rsp_cons; i != rp; i++, k++) {
		blkif_response_t *r = RING_GET_RESPONSE(xf, i);

		CHECK(r->id == req_id(k));
		CHECK(r->operation == expected[k].eff_op);
		CHECK(r->status == expected[k].status);
	}
	xf->rsp_cons = rp;
	printf("  xen front: %u responses checked\n", k);
}

/* The sring back end serves whatever format abi names. */
static void sring_back_serve(int abi)
{
	struct sring_blkif_backend be;
	struct sring_blkif_geometry g;
	static struct sring_blkif_segment segs[1024];
	union sring_blkif_request w;
	unsigned int k = 0;

	memset(&g, 0, sizeof(g));
	g.sectors = DISK_SECTORS;
	g.features = SRING_BLKIF_F_BARRIER | SRING_BLKIF_F_FLUSH |
		     SRING_BLKIF_F_DISCARD | SRING_BLKIF_F_DISCARD_SECURE;
	g.max_indirect_segments = 1024;
	CHECK(sring_blkif_backend_init(&be, abi, &shm.ring, 4096) == SRING_OK);
	while (sring_blkif_backend_copy_request(&be, &w) == SRING_OK) {
		const struct expect *e = &expected[k];
		struct sring_blkif_req r;
		int err = sring_blkif_check_request(&w, &g, &r);
		unsigned int i;

		CHECK(r.id == req_id(k));
		CHECK(r.rsp_operation == e->eff_op);
		if (!e->valid) {
			CHECK(err == SRING_BLKIF_EOP);
			CHECK(sring_blkif_error_status(err) == e->status);
		} else {
			CHECK(err == 0);
			CHECK(r.operation == e->eff_op);
			CHECK(r.handle == 5);
			CHECK(r.sector_number == e->sector);
			CHECK(r.nr_segments == e->nseg);
			CHECK(r.discard_secure == e->discard_secure);
		}
		if (e->valid && r.indirect) {
			const void *pages[2] = { shm.ind[0], shm.ind[1] };

			CHECK(r.indirect_grefs[0] == 7000);
			CHECK(r.nr_indirect_pages ==
			      (e->nseg > 512 ? 2 : 1));
			CHECK(r.nr_indirect_pages < 2 ||
			      r.indirect_grefs[1] == 7001);
			CHECK(sring_blkif_check_indirect(&r, &g, pages,
							 r.nr_indirect_pages,
							 segs, 1024) == 0);
			CHECK(r.nr_sectors == ind_nr_sectors(e->nseg));
			for (i = 0; i < e->nseg; i++) {
				CHECK(segs[i].gref == 2000 + i);
				CHECK(segs[i].first_sect == i % 8u);
				CHECK(segs[i].last_sect == 7);
			}
		} else if (e->valid && e->op != BLKIF_OP_DISCARD) {
			uint64_t t = 0;

			for (i = 0; i < e->nseg; i++) {
				uint32_t gref;
				uint8_t f, l;

				direct_seg(k, i, &gref, &f, &l);
				CHECK(r.seg[i].gref == gref);
				CHECK(r.seg[i].first_sect == f);
				CHECK(r.seg[i].last_sect == l);
				t += (uint64_t)(l - f + 1);
			}
			CHECK(r.nr_sectors == t);
		} else if (e->valid) {
			CHECK(r.nr_sectors == e->nr_sectors);
		}
		CHECK(sring_blkif_backend_respond(&be, r.id, r.rsp_operation,
						  e->status) == SRING_OK);
		k++;
	}
	CHECK(k == NREQ);
	CHECK(sring_blkif_backend_push_responses(&be) == 1);
	CHECK(sring_blkif_backend_broken(&be) == 0);
	printf("  sring back end (%s format): %u requests served\n",
	       abi == SRING_BLKIF_ABI_X86_32 ? "x86_32" : "64", k);
}

/* Xen-macro front, sring back, one page. */
static void live_xen_front(void)
{
	blkif_front_ring_t xf;

	memset(&shm, 0x5a, sizeof(shm));
	SHARED_RING_INIT(&shm.ring.s);
	FRONT_RING_INIT(&xf, &shm.ring.s, 4096);
	CHECK(RING_SIZE(&xf) == 32);
	xen_front_queue(&xf);
	sring_back_serve(SRING_BLKIF_ABI_NATIVE);
	xen_front_check(&xf);
}

/* The sring front end's private state, kept across the exchange. */
struct sfront {
	struct sring_blkif_frontend fe;
	struct sring_blkif_shadow sh;
	struct sring_blkif_shadow_entry ents[32];
	struct sring_blkif_req d[NREQ];
	unsigned int n;
};

/* sring front end (format abi): submit every request it can send. */
static void sring_front_submit(struct sfront *f, int abi)
{
	unsigned int k, j;

	memset(&shm, 0x5a, sizeof(shm));
	CHECK(sring_blkif_ring_init(abi, &shm.ring, 4096) == SRING_OK);
	CHECK(sring_blkif_frontend_init(&f->fe, abi, &shm.ring, 4096) ==
	      SRING_OK);
	CHECK(sring_blkif_shadow_init(&f->sh, f->ents, 32) == SRING_OK);
	f->n = 0;
	for (k = 0; k < NREQ; k++) {
		const struct expect *e = &expected[k];
		struct sring_blkif_req *d = &f->d[k];

		memset(d, 0, sizeof(*d));
		if (!e->valid)
			continue; /* our front end cannot send it */
		d->operation = e->eff_op;
		d->handle = 5;
		d->sector_number = e->sector;
		d->nr_sectors = e->nr_sectors;
		d->discard_secure = e->discard_secure;
		d->nr_segments = e->nseg;
		if (e->op == BLKIF_OP_INDIRECT) {
			d->indirect = 1;
			d->nr_indirect_pages =
				(uint16_t)SRING_BLKIF_INDIRECT_PAGES(e->nseg);
			d->indirect_grefs[0] = 7000;
			d->indirect_grefs[1] = 7001;
		} else {
			for (j = 0; j < e->nseg; j++)
				direct_seg(k, j, &d->seg[j].gref,
					   &d->seg[j].first_sect,
					   &d->seg[j].last_sect);
		}
		CHECK(sring_blkif_frontend_submit(&f->fe, &f->sh, d, k) ==
		      SRING_OK);
		f->n++;
	}
	CHECK(sring_blkif_frontend_push_requests(&f->fe) == 1);
}

/* sring front end: every response completes its own request. */
static void sring_front_complete(struct sfront *f)
{
	unsigned int k = 0, done = 0;
	uint64_t cookie;
	int16_t st;

	while (sring_blkif_frontend_complete(&f->fe, &f->sh, &cookie, &st) ==
	       SRING_OK) {
		while (k < NREQ && !expected[k].valid)
			k++;
		CHECK(cookie == k);
		CHECK(k < NREQ && st == expected[k].status);
		k++;
		done++;
	}
	CHECK(done == f->n);
	CHECK(sring_blkif_frontend_broken(&f->fe) == 0);
	CHECK(sring_blkif_shadow_in_flight(&f->sh) == 0);
}

/* A back end written with Xen's macros and structs (this build's native
 * format): checks every field it reads, echoes id and operation. */
static unsigned int xen_back_serve(const struct sring_blkif_req *sent)
{
	blkif_back_ring_t xb;
	RING_IDX rp, i;
	unsigned int k = 0, j, n = 0;
	int notify;

	BACK_RING_INIT(&xb, &shm.ring.s, 4096);
	rp = xb.sring->req_prod;
	xen_rmb();
	for (i = xb.req_cons; i != rp; i++, k++, n++) {
		blkif_request_t *r = RING_GET_REQUEST(&xb, i);
		blkif_response_t *rsp;
		uint64_t id;
		uint8_t rop;

		while (k < NREQ && !expected[k].valid)
			k++;
		if (k >= NREQ) {
			CHECK(!"more requests than sent");
			break;
		}
		CHECK(r->operation == expected[k].op);
		if (r->operation == BLKIF_OP_DISCARD) {
			blkif_request_discard_t *dr =
				(blkif_request_discard_t *)r;

			CHECK(dr->flag == BLKIF_DISCARD_SECURE);
			CHECK(dr->handle == 5);
			CHECK(dr->sector_number == expected[k].sector);
			CHECK(dr->nr_sectors == expected[k].nr_sectors);
			id = dr->id;
			rop = dr->operation;
		} else if (r->operation == BLKIF_OP_INDIRECT) {
			blkif_request_indirect_t *ir =
				(blkif_request_indirect_t *)r;

			CHECK(ir->indirect_op == expected[k].eff_op);
			CHECK(ir->nr_segments == expected[k].nseg);
			CHECK(ir->sector_number == expected[k].sector);
			CHECK(ir->handle == 5);
			CHECK(ir->indirect_grefs[0] == 7000);
			id = ir->id;
			rop = ir->indirect_op;
		} else {
			CHECK(r->nr_segments == expected[k].nseg);
			CHECK(r->handle == 5);
			CHECK(r->sector_number == expected[k].sector);
			for (j = 0; j < r->nr_segments && j < 11; j++) {
				uint32_t gref;
				uint8_t f, l;

				direct_seg(k, j, &gref, &f, &l);
				CHECK(r->seg[j].gref == gref);
				CHECK(r->seg[j].first_sect == f);
				CHECK(r->seg[j].last_sect == l);
			}
			id = r->id;
			rop = r->operation;
		}
		if (sent)
			CHECK(id == sent[k].id);
		rsp = RING_GET_RESPONSE(&xb, xb.rsp_prod_pvt);
		rsp->id = id;
		rsp->operation = rop;
		rsp->status = expected[k].status;
		xb.rsp_prod_pvt++;
	}
	xb.req_cons = rp;
	RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&xb, notify);
	CHECK(notify);
	printf("  xen back end (%s): %u requests answered\n",
	       sizeof(void *) == 4 ? "i386" : "x86_64", n);
	return n;
}

/* sring front, Xen-macro back, one page. */
static void live_xen_back(void)
{
	static struct sfront f;

	sring_front_submit(&f, SRING_BLKIF_ABI_NATIVE);
	CHECK(xen_back_serve(f.d) == f.n);
	sring_front_complete(&f);
	printf("  sring front end: %u requests round trip\n", f.n);
}

static int file_io(const char *path, int write)
{
	FILE *f = fopen(path, write ? "wb" : "rb");
	size_t n;

	if (!f) {
		perror(path);
		return -1;
	}
	n = write ? fwrite(&shm, sizeof(shm), 1, f)
		  : fread(&shm, sizeof(shm), 1, f);
	if (fclose(f) != 0 || n != 1) {
		fprintf(stderr, "%s: short %s\n", path,
			write ? "write" : "read");
		return -1;
	}
	return 0;
}

/* Runs prog with two arguments and waits; 0 if it exited with 0. */
static int spawn(const char *prog, const char *a1, const char *a2)
{
	pid_t pid;
	int st;

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		perror("fork");
		return -1;
	}
	if (pid == 0) {
		execl(prog, prog, a1, a2, (char *)NULL);
		perror(prog);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) ||
	    WEXITSTATUS(st) != 0) {
		fprintf(stderr, "%s %s %s failed\n", prog, a1, a2);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 1) {
		layouts();
		printf("live exchange on one page:\n");
		live_xen_front();
		live_xen_back();
	} else if (argc == 3 && strcmp(argv[1], "front") == 0) {
		blkif_front_ring_t xf;

		memset(&shm, 0x5a, sizeof(shm));
		SHARED_RING_INIT(&shm.ring.s);
		FRONT_RING_INIT(&xf, &shm.ring.s, 4096);
		xen_front_queue(&xf);
		printf("  xen front (%s): %u requests queued, slot %zu bytes\n",
		       sizeof(void *) == 4 ? "i386" : "x86_64", NREQ,
		       sizeof(union blkif_sring_entry));
		if (file_io(argv[2], 1))
			return 2;
	} else if (argc == 3 && strcmp(argv[1], "back32") == 0) {
		if (file_io(argv[2], 0))
			return 2;
		sring_back_serve(SRING_BLKIF_ABI_X86_32);
		if (file_io(argv[2], 1))
			return 2;
	} else if (argc == 4 && strcmp(argv[1], "front32") == 0) {
		static struct sfront f;

		sring_front_submit(&f, SRING_BLKIF_ABI_X86_32);
		if (file_io(argv[2], 1) || spawn(argv[3], "xenback", argv[2]) ||
		    file_io(argv[2], 0))
			return 2;
		sring_front_complete(&f);
		printf("  sring front end (x86_32 format): %u requests round "
		       "trip through the i386 Xen back end\n", f.n);
	} else if (argc == 3 && strcmp(argv[1], "xenback") == 0) {
		if (file_io(argv[2], 0))
			return 2;
		xen_back_serve(NULL);
		if (file_io(argv[2], 1))
			return 2;
	} else if (argc == 3 && strcmp(argv[1], "check") == 0) {
		blkif_front_ring_t xf;

		if (file_io(argv[2], 0))
			return 2;
		/* Our own front: it queued NREQ from 0 and consumed none. */
		FRONT_RING_INIT(&xf, &shm.ring.s, 4096);
		xf.req_prod_pvt = NREQ;
		xen_front_check(&xf);
	} else {
		fprintf(stderr, "usage: %s [front|back32|check|xenback FILE |"
			" front32 FILE BIN]\n", argv[0]);
		return 2;
	}
	printf("%d checks, %d failed\n", checks, failures);
	return failures ? 1 : 0;
}
