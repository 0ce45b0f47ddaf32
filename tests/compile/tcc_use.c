/* SPDX-License-Identifier: MIT */
/*
 * sring built by TinyCC with user-supplied ordering hooks (tcc_hooks.h):
 * the whole-API exchange of api_use.c, then a front and a back end in two
 * threads passing requests and responses through one page, polling.
 * Exits 0 only if every step and every message checked out.
 */
#include "tcc_hooks.h"
#include "api_use.c"

#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>

#define MSGS 200000u

static union {
	uint64_t align;
	unsigned char b[4096];
} page;

static struct api_front front;
static struct api_back back;
static unsigned long bad;

static void *backend(void *arg)
{
	struct api_req q;
	struct api_rsp r;
	uint32_t done = 0;

	(void)arg;
	while (done < MSGS) {
		if (api_back_copy_request(&back, &q) != SRING_OK) {
			sched_yield();
			continue;
		}
		r.id = q.id;
		r.sum = q.a + q.b;
		while (api_back_put_response(&back, &r) != SRING_OK)
			sched_yield();
		api_back_push_responses(&back);
		done++;
	}
	return NULL;
}

int main(void)
{
	pthread_t t;
	struct api_req q;
	struct api_rsp r;
	uint32_t sent = 0, got = 0;
	int rc = sring_api_use(page.b, sizeof(page.b));

	if (rc != 0) {
		printf("tcc: sring_api_use failed at step %d\n", rc);
		return 1;
	}
	if (api_sring_init((struct api_sring *)page.b, sizeof(page.b)) ||
	    api_front_init(&front, (struct api_sring *)page.b,
			   sizeof(page.b)) ||
	    api_back_init(&back, (struct api_sring *)page.b, sizeof(page.b)))
		return 1;
	if (pthread_create(&t, NULL, backend, NULL))
		return 1;
	q.pad = 0;
	while (got < MSGS) {
		while (sent < MSGS && !api_front_full(&front)) {
			q.id = sent;
			q.a = sent;
			q.b = 3u * sent;
			api_front_put_request(&front, &q);
			sent++;
		}
		api_front_push_requests(&front);
		rc = api_front_copy_response(&front, &r);
		if (rc == SRING_EMPTY) {
			sched_yield();
			continue;
		}
		if (rc != SRING_OK || r.id != got || r.sum != 4u * got)
			bad++;
		got++;
	}
	pthread_join(t, NULL);
	printf("tcc: %u messages through the ring, %lu wrong, broken %d/%d\n",
	       got, bad, api_front_broken(&front), api_back_broken(&back));
	return bad != 0 || api_front_broken(&front) || api_back_broken(&back);
}
