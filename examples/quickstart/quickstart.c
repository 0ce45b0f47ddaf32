/* SPDX-License-Identifier: MIT */
/*
 * sring quick start: a front end and a back end in two threads, one shared
 * page, an eventfd per direction. The front asks the back to add pairs of
 * numbers; each side sleeps whenever sring says it may, and notifies only
 * when sring says the peer may be asleep.
 *
 *   sring-quickstart [REQUESTS]
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sring/sring.h>

#include "../../tests/support/evchn.h"

struct add_req {
	uint64_t id;
	uint32_t a, b;
};

struct add_rsp {
	uint64_t id;
	uint64_t sum;
};

SRING_DEFINE_RING_TYPES(add, struct add_req, struct add_rsp);

#define PAGE 4096

static unsigned char page[PAGE] __attribute__((aligned(PAGE)));
static struct evchn to_back, to_front;
static uint64_t total;

static void *back_main(void *arg)
{
	struct add_back b;
	struct add_req req;
	uint64_t served = 0;

	(void)arg;
	if (add_back_init(&b, (struct add_sring *)page, PAGE) != SRING_OK)
		return NULL;
	while (served < total) {
		int rc;

		while ((rc = add_back_copy_request(&b, &req)) == SRING_OK) {
			struct add_rsp *rsp = add_back_get_response(&b);

			/* Field by field: no padding of ours reaches the page. */
			rsp->id = req.id;
			rsp->sum = (uint64_t)req.a + req.b;
			served++;
		}
		if (rc == SRING_EPROTO) {
			fprintf(stderr, "back: front end broke the protocol\n");
			return NULL;
		}
		if (add_back_push_responses(&b))
			evchn_notify(&to_front);
		if (served < total && add_back_final_check(&b) == 0)
			evchn_wait(&to_back, -1);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	struct add_sring *s = (struct add_sring *)page;
	struct add_front f;
	struct add_rsp rsp;
	uint64_t sent = 0, done = 0, bad = 0;
	pthread_t back;

	total = argc > 1 ? strtoull(argv[1], NULL, 0) : 1000000u;
	if (evchn_open(&to_back) || evchn_open(&to_front)) {
		perror("eventfd");
		return 1;
	}
	if (add_sring_init(s, PAGE) != SRING_OK ||
	    add_front_init(&f, s, PAGE) != SRING_OK) {
		fprintf(stderr, "ring init failed\n");
		return 1;
	}
	printf("ring: %u slots of %zu bytes in one %d-byte page\n",
	       add_front_size(&f), sizeof(union add_sring_entry), PAGE);
	if (pthread_create(&back, NULL, back_main, NULL) != 0) {
		perror("pthread_create");
		return 1;
	}
	while (done < total) {
		struct add_req *req;

		while (sent < total && (req = add_front_get_request(&f))) {
			req->id = sent;
			req->a = (uint32_t)sent;
			req->b = 7;
			sent++;
		}
		if (add_front_push_requests(&f))
			evchn_notify(&to_back);
		while (add_front_copy_response(&f, &rsp) == SRING_OK) {
			if (rsp.sum != (uint64_t)(uint32_t)rsp.id + 7)
				bad++;
			done++;
		}
		if (add_front_broken(&f)) {
			fprintf(stderr, "front: back end broke the protocol\n");
			return 1;
		}
		/* Sleep only when nothing can be sent: all sent, or full. */
		if (done < total && (sent == total || add_front_full(&f)) &&
		    add_front_final_check(&f) == 0)
			evchn_wait(&to_front, -1);
	}
	pthread_join(back, NULL);
	printf("%" PRIu64 " requests answered, %" PRIu64 " wrong\n", done, bad);
	printf("notifications: %lu to the back end, %lu to the front end "
	       "(%.4f per request)\n", to_back.kicks, to_front.kicks,
	       (double)(to_back.kicks + to_front.kicks) / (double)total);
	return bad != 0;
}
