/* SPDX-License-Identifier: MIT */
/*
 * A small back end to show sring_fuzzkit.h on: a "checksum service". The
 * front sends up to 32 bytes and an operation; the back answers with their
 * sum or xor. Its request loop, demo_backend_step(), is written the way a
 * real driver's is, and is the only thing the fuzz harness calls.
 *
 * Build with -DDEMO_TRUST_LEN to plant the classic bug: trusting a length
 * the peer wrote. fuzz_demo_backend.c finds it within seconds.
 */
#ifndef DEMO_BACKEND_H
#define DEMO_BACKEND_H

#include <stdint.h>
#include <string.h>

#include <sring/ring.h>

#define DEMO_OP_SUM 1
#define DEMO_OP_XOR 2
#define DEMO_MAX_DATA 32

struct demo_req {
	uint64_t id;
	uint8_t op;
	uint8_t len;   /* bytes of data used; peer-written, so check it */
	uint8_t pad[6];
	uint8_t data[DEMO_MAX_DATA];
};

struct demo_rsp {
	uint64_t id;
	int32_t status; /* 0, or -1 for a bad request */
	uint32_t value;
};

SRING_DEFINE_RING_TYPES(demo, struct demo_req, struct demo_rsp);

struct demo_backend {
	struct demo_back ring;
	unsigned long served, rejected;
	int broken; /* the front broke the protocol: stop serving */
};

static inline int demo_backend_init(struct demo_backend *be, void *page,
				    size_t bytes)
{
	memset(be, 0, sizeof(*be));
	return demo_back_init(&be->ring, (struct demo_sring *)page, bytes);
}

static inline uint32_t demo_compute(const struct demo_req *req,
				    int32_t *status)
{
	uint32_t v = 0;
	unsigned int i;

	*status = 0;
#ifndef DEMO_TRUST_LEN
	if (req->len > DEMO_MAX_DATA ||
	    (req->op != DEMO_OP_SUM && req->op != DEMO_OP_XOR)) {
		*status = -1;
		return 0;
	}
#endif
	for (i = 0; i < req->len; i++)
		v = req->op == DEMO_OP_SUM ? v + req->data[i] : v ^ req->data[i];
	return v;
}

/*
 * One wake-up's worth of work: serve every request, publish the answers,
 * and re-arm. Returns 1 if it may sleep, 0 if there is more to do, -1 if
 * the front broke the protocol (the ring is latched; stop using it).
 */
static inline int demo_backend_step(struct demo_backend *be)
{
	struct demo_req req; /* private copy: validate this, never the slot */
	int rc;

	if (be->broken)
		return -1;
	while ((rc = demo_back_copy_request(&be->ring, &req)) == SRING_OK) {
		struct demo_rsp *rsp = demo_back_get_response(&be->ring);

		rsp->id = req.id;
		rsp->value = demo_compute(&req, &rsp->status);
		if (rsp->status)
			be->rejected++;
		be->served++;
	}
	demo_back_push_responses(&be->ring); /* notify would go here */
	if (rc == SRING_EMPTY)
		rc = demo_back_final_check(&be->ring);
	if (rc < 0) {
		be->broken = 1;
		return -1;
	}
	return rc == 0;
}

#endif /* DEMO_BACKEND_H */
