/* SPDX-License-Identifier: MIT */
/*
 * Uses the whole public API of sring/ring.h, untyped and typed, in one
 * front/back exchange over a caller-supplied area.
 *
 * Built three ways:
 *  - tests/compile: compiled (C and, through api_use.cc, C++) at -O0 and
 *    -O2 by gcc and clang with -ffreestanding; `nm -u` of the object must
 *    be empty: sring never calls memcpy, memset or anything else;
 *  - tests/embed: linked into bare-metal (Cortex-M, x86_64 without libc)
 *    programs and into a Linux kernel module, which run the exchange;
 *  - tests/compile: linked into a hosted program that runs it (so the
 *    object being checked is known to do what it says).
 *
 * Written as the strictest includer would: declarations before statements
 * (kernel -Wdeclaration-after-statement), a prototype for the one external
 * function (-Wmissing-prototypes), no library calls, no struct assignment
 * of shared-sized objects (which GCC may turn into memcpy in *our* code).
 *
 * sring_api_use() returns 0 when every step gave the answer the API
 * documents, or the number (1..) of the first step that did not.
 */
#ifndef SRING_API_USE_NO_INCLUDE
#include <sring/sring.h>
#endif

#ifdef __cplusplus
extern "C" {
#endif

struct api_req {
	uint32_t id;
	uint32_t a;
	uint32_t b;
	uint32_t pad;
};

struct api_rsp {
	uint32_t id;
	uint32_t sum;
};

SRING_DEFINE_RING_TYPES(api, struct api_req, struct api_rsp);

/* Array bound from the constant form: must equal the run-time count. */
static const uint32_t api_const_slots = SRING_CONST_RING_SIZE(api, 4096);
typedef char api_slots_array_bound[SRING_CONST_RING_SIZE(api, 4096)];

int sring_api_use(void *page, size_t bytes);

/* The untyped core on its own, on the same area. */
static int api_use_untyped(void *page, size_t bytes)
{
	struct sring_layout l;
	struct sring_front f;
	struct sring_back b;
	struct api_req q;
	struct api_req qs[2];
	struct api_rsp r;
	struct api_rsp rs[2];
	void *slot;

	if (sring_need_event(1u, 1u, 0u) != 1 ||
	    sring_need_event(5u, 3u, 2u) != 0 ||
	    sring_need_event(0u, 0u, 0xffffffffu) != 1)
		return 101;
	if (sring_ring_slots(sizeof(union api_sring_entry), bytes) !=
	    api_const_slots)
		return 102;
	if (sizeof(api_slots_array_bound) != api_const_slots)
		return 103;
	if (sring_xen_layout(&l, page, 8u, 16u, 16u, 8u) != SRING_EINVAL)
		return 104;
	if (sring_shared_init_at(page, bytes, sizeof(union api_sring_entry),
				 0xfffffffeu) != SRING_OK)
		return 105;
	if (sring_xen_layout(&l, page, bytes, sizeof(union api_sring_entry),
			     sizeof(struct api_req),
			     sizeof(struct api_rsp)) != SRING_OK)
		return 106;
	if (sring_front_attach(&f, &l, 0xfffffffeu) != SRING_OK ||
	    sring_back_attach(&b, &l, 0xfffffffeu) != SRING_OK)
		return 107;
	sring_front_set_moderation(&f, 1u);
	sring_back_set_moderation(&b, 1u);
	if (sring_front_free_requests(&f) != (int)api_const_slots ||
	    sring_front_full(&f))
		return 108;
	q.id = 1u;
	q.a = 2u;
	q.b = 3u;
	q.pad = 0u;
	/* Three requests cross the 2^32 wrap of the indices. */
	if (sring_front_put_request(&f, &q) != SRING_OK)
		return 109;
	slot = sring_front_get_request(&f);
	if (!slot)
		return 110;
	q.id = 2u;
	sringi_copy_to_shared(slot, &q, sizeof(q));
	if (sring_front_put_request(&f, &q) != SRING_OK)
		return 111;
	if (sring_front_push_requests(&f) != 1)
		return 112;
	if (sring_back_unconsumed_requests(&b) != 3)
		return 113;
	if (sring_back_copy_request(&b, &q) != SRING_OK || q.id != 1u)
		return 114;
	if (sring_back_copy_requests(&b, qs, 2u) != 2 || qs[1].id != 2u)
		return 115;
	if (sring_back_owed_responses(&b) != 3u)
		return 116;
	r.id = q.id;
	r.sum = q.a + q.b;
	if (sring_back_put_response(&b, &r) != SRING_OK)
		return 117;
	slot = sring_back_get_response(&b);
	if (!slot)
		return 118;
	r.id = 2u;
	sringi_copy_to_shared(slot, &r, sizeof(r));
	r.id = 3u;
	if (sring_back_put_response(&b, &r) != SRING_OK)
		return 119;
	if (sring_back_push_responses(&b) != 1)
		return 120;
	if (sring_back_final_check(&b) != 0)
		return 121;
	if (sring_front_unconsumed_responses(&f) != 3)
		return 122;
	if (sring_front_copy_response(&f, &r) != SRING_OK || r.sum != 5u)
		return 123;
	if (sring_front_copy_responses(&f, rs, 2u) != 2 || rs[1].id != 3u)
		return 124;
	if (sring_front_copy_response(&f, &r) != SRING_EMPTY)
		return 125;
	if (sring_front_final_check(&f) != 0)
		return 126;
	sring_front_notify_off(&f);
	sring_back_notify_off(&b);
	if (sring_front_broken(&f) != 0 || sring_back_broken(&b) != 0)
		return 127;
	/* A peer that claims more responses than were requested. */
	SRING_STORE_RELEASE(l.rsp_prod, (sring_idx_t)(f.rsp_cons + 7u));
	if (sring_front_copy_response(&f, &r) != SRING_EPROTO ||
	    sring_front_broken(&f) != SRING_EPROTO)
		return 128;
	SRING_MB();
	if (SRING_LOAD_RELAXED(l.req_prod) != 1u ||
	    SRING_LOAD_ACQUIRE(l.rsp_prod) != 8u)
		return 129;
	SRING_STORE_RELAXED(l.rsp_event, 0u);
	sringi_zero_shared(page, bytes);
	sringi_copy_from_shared(&r, page, sizeof(r));
	if (r.id != 0u || r.sum != 0u)
		return 130;
	return 0;
}

/* The typed layer generated by SRING_DEFINE_RING_TYPES. */
static int api_use_typed(struct api_sring *s, size_t bytes)
{
	struct api_front f;
	struct api_back b;
	struct api_req q;
	struct api_req qs[2];
	struct api_rsp r;
	struct api_rsp rs[2];
	struct api_req *qp;
	struct api_rsp *rp;

	if (api_sring_init(s, bytes) != SRING_OK ||
	    api_front_init(&f, s, bytes) != SRING_OK ||
	    api_back_init(&b, s, bytes) != SRING_OK)
		return 1;
	if (api_front_size(&f) != api_const_slots ||
	    api_back_size(&b) != api_const_slots)
		return 2;
	api_front_set_moderation(&f, 2u);
	api_back_set_moderation(&b, 1u);
	if (api_front_free_requests(&f) != (int)api_const_slots ||
	    api_front_full(&f))
		return 3;
	qp = api_front_get_request(&f);
	if (!qp)
		return 4;
	qp->id = 10u;
	qp->a = 20u;
	qp->b = 22u;
	qp->pad = 0u;
	q.id = 11u;
	q.a = 1u;
	q.b = 1u;
	q.pad = 0u;
	if (api_front_put_request(&f, &q) != SRING_OK)
		return 5;
	/* get_request reserved a slot that the next put does not reuse. */
	if (api_front_push_requests(&f) != 1)
		return 6;
	if (api_back_unconsumed_requests(&b) != 2)
		return 7;
	if (api_back_copy_request(&b, &q) != SRING_OK || q.id != 10u)
		return 8;
	if (api_back_copy_requests(&b, qs, 2u) != 1 || qs[0].id != 11u)
		return 9;
	if (api_back_copy_request(&b, &q) != SRING_EMPTY)
		return 10;
	rp = api_back_get_response(&b);
	if (!rp)
		return 11;
	rp->id = 10u;
	rp->sum = 42u;
	r.id = 11u;
	r.sum = 2u;
	if (api_back_put_response(&b, &r) != SRING_OK)
		return 12;
	if (api_back_push_responses(&b) != 1)
		return 13;
	if (api_back_final_check(&b) != 0)
		return 14;
	if (api_front_unconsumed_responses(&f) != 2)
		return 15;
	if (api_front_copy_response(&f, &r) != SRING_OK || r.sum != 42u)
		return 16;
	if (api_front_copy_responses(&f, rs, 2u) != 1 || rs[0].sum != 2u)
		return 17;
	if (api_front_final_check(&f) != 0)
		return 18;
	api_front_notify_off(&f);
	api_back_notify_off(&b);
	if (api_front_broken(&f) || api_back_broken(&b))
		return 19;
	/* Reconnect at an agreed index, as after a suspend. */
	if (api_sring_init_at(s, bytes, 0x7fffffffu) != SRING_OK ||
	    api_front_attach(&f, s, bytes, 0x7fffffffu) != SRING_OK ||
	    api_back_attach(&b, s, bytes, 0x7fffffffu) != SRING_OK)
		return 20;
	if (api_front_put_request(&f, &q) != SRING_OK ||
	    api_front_push_requests(&f) != 1 ||
	    api_back_copy_request(&b, &q) != SRING_OK)
		return 21;
	return 0;
}

int sring_api_use(void *page, size_t bytes)
{
	int rc = api_use_typed((struct api_sring *)page, bytes);

	if (rc != 0)
		return rc;
	return api_use_untyped(page, bytes);
}

#ifdef __cplusplus
}
#endif
