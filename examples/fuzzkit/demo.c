/* SPDX-License-Identifier: MIT */
/*
 * The checksum back end of demo_backend.h serving an honest front end in
 * one thread (the step is what a real driver runs on each event). Exits 0
 * if every answer is right. Fuzz the same back end with
 * fuzz_demo_backend.c.
 */
#include <stdio.h>
#include <stdlib.h>

#include "demo_backend.h"

#define PAGE 4096

int main(void)
{
	static unsigned char page[PAGE] __attribute__((aligned(64)));
	struct demo_front f;
	struct demo_backend be;
	unsigned long sent = 0, ok = 0, total = 1000;

	if (demo_sring_init((struct demo_sring *)page, PAGE) != SRING_OK ||
	    demo_front_init(&f, (struct demo_sring *)page, PAGE) != SRING_OK ||
	    demo_backend_init(&be, page, PAGE) != SRING_OK)
		return 1;
	while (ok < total) {
		struct demo_req *req;
		struct demo_rsp rsp;

		while (sent < total && (req = demo_front_get_request(&f))) {
			unsigned int i;

			memset(req, 0, sizeof(*req));
			req->id = sent;
			req->op = sent % 3 ? DEMO_OP_SUM : DEMO_OP_XOR;
			req->len = (uint8_t)(sent % (DEMO_MAX_DATA + 1));
			for (i = 0; i < req->len; i++)
				req->data[i] = (uint8_t)(sent + i);
			sent++;
		}
		demo_front_push_requests(&f);
		if (demo_backend_step(&be) < 0)
			return 1;
		while (demo_front_copy_response(&f, &rsp) == SRING_OK) {
			uint32_t v = 0;
			unsigned int i, len = (unsigned int)(rsp.id %
						(DEMO_MAX_DATA + 1));

			for (i = 0; i < len; i++)
				v = rsp.id % 3 ? v + (uint8_t)(rsp.id + i)
					       : v ^ (uint8_t)(rsp.id + i);
			if (rsp.status != 0 || rsp.value != v) {
				fprintf(stderr, "bad answer for %llu\n",
					(unsigned long long)rsp.id);
				return 1;
			}
			ok++;
		}
	}
	printf("demo: %lu requests served, %lu rejected\n", be.served,
	       be.rejected);
	return be.rejected != 0;
}
